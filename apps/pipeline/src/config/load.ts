import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { inputProblems, recipeProblems, runtimeProblems } from './fits.js';
import { LIMITS, overLimit } from './limits.js';
import { experimentSchema, type ExperimentConfig } from './schema.js';

/** Bad user input in an experiment file or a `--set`: the CLI prints `problems` and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

const isMapping = (value: unknown): value is Raw => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Keys that would reach an object's prototype if a consumer ever assigned them. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const forbidden = (key: string) => `${key}: key not allowed (__proto__, constructor and prototype could alter object prototypes)`;
/** Mappings nest a few levels in any real experiment; deeper is an attack on the parsers' stacks. */
const MAX_DEPTH = 32;

/** Every forbidden key anywhere in a parsed document, and nesting beyond MAX_DEPTH, as problems. */
function keyProblems(value: unknown, path: string[] = [], problems: string[] = []): string[] {
  if (value === null || typeof value !== 'object') return problems;
  if (path.length > MAX_DEPTH) {
    problems.push(`${path.slice(0, MAX_DEPTH).join('.')}: nested deeper than ${MAX_DEPTH} levels`);
    return problems;
  }
  for (const key of Object.keys(value)) {
    const at = [...path, key];
    if (FORBIDDEN_KEYS.has(key)) problems.push(forbidden(at.join('.')));
    else keyProblems((value as Raw)[key], at, problems);
  }
  return problems;
}

/** Applies `a.b.c=value` overrides; the value is parsed as YAML (`3` → number, `[1,2]` → list, `null`). */
export function applyOverrides(raw: Raw, overrides: readonly string[]): Raw {
  const problems: string[] = [];
  for (const override of overrides) {
    const eq = override.indexOf('=');
    const path = eq > 0 ? override.slice(0, eq).trim() : '';
    if (!path || path.split('.').some((part) => part === '')) {
      problems.push(`--set ${override}: expected key.path=value`);
      continue;
    }
    const bad = path.split('.').findIndex((part) => FORBIDDEN_KEYS.has(part));
    if (bad >= 0) {
      problems.push(`--set ${forbidden(path.split('.').slice(0, bad + 1).join('.'))}`);
      continue;
    }
    let value: unknown;
    try {
      value = YAML.parse(override.slice(eq + 1), { maxAliasCount: LIMITS.yamlAliases });
    } catch (err) {
      problems.push(`--set ${override}: value is not valid YAML (${(err as Error).message})`);
      continue;
    }
    const keys = path.split('.');
    let node: Raw = raw;
    for (const [i, key] of keys.slice(0, -1).entries()) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (next === undefined || next === null) node[key] = {};
      else if (!isMapping(next)) {
        problems.push(`--set ${override}: ${keys.slice(0, i + 1).join('.')} is not a mapping`);
        node = {};
        break;
      }
      node = node[key] as Raw;
    }
    node[keys[keys.length - 1]!] = value;
  }
  if (problems.length) throw new ConfigError('--set', problems);
  return raw;
}

/** One line per zod issue, each starting with the key path (`train.epoch: unknown key`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${at ? `${at}.` : ''}${key}: unknown key`);
    } else {
      lines.push(`${at || '(root)'}: ${issue.message}`);
    }
  }
  return lines;
}

/** Validates a parsed experiment object, filling defaults (`recipe`'s, then the schema's). */
export function parseExperiment(raw: unknown, source = 'experiment'): ExperimentConfig {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(source, ['(root): expected a mapping']);
  const keys = keyProblems(raw);
  if (keys.length) throw new ConfigError(source, keys);
  const result = experimentSchema.safeParse(withRecipeDefaults(raw as Raw));
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  const config = result.data;
  // Rules the schema cannot express: features-mel's recipe rules, and worker counts against the cores.
  const rules = [...recipeProblems(config), ...runtimeProblems(config)];
  if (rules.length) throw new ConfigError(source, rules);
  // With a fixed clip length the model's input shape is known now: check it fits before any scan.
  const { duration } = config.audio;
  if (typeof duration === 'number') {
    const workers = typeof config.runtime.train_workers === 'number' ? config.runtime.train_workers : 1;
    const samples = Math.round(duration * config.audio.sr);
    const fits = inputProblems(config, { samples, lengthKey: 'audio.duration', nClasses: 2, workers });
    if (fits.length) throw new ConfigError(source, fits);
  }
  return config;
}


/**
 * `recipe: default` (the default): keys the file leaves out take values that work on a user's own
 * folder, measured on FSDD, the demo and spoken words (see the README). The schema's own defaults
 * are the seed recipe's, which `recipe: seed` keeps.
 */
function withRecipeDefaults(raw: Raw): Raw {
  if (raw.recipe === 'seed') return raw;
  const section = (key: string): Raw => (isMapping(raw[key]) ? { ...(raw[key] as Raw) } : {});
  const [dataset, audio, features, train] = [section('dataset'), section('audio'), section('features'), section('train')];
  if (isMapping(raw.dataset) && dataset.preset === undefined && dataset.labels === undefined) dataset.labels = { source: 'auto' };
  if (audio.duration === undefined) audio.duration = 'auto';
  if (features.normalize === undefined) features.normalize = 'standardize';
  if (train.epochs === undefined) train.epochs = 30;
  const split = raw.split === undefined ? { kind: 'auto', test: 0.2, validation: 0.1 } : raw.split;
  const validation = isMapping(split) && typeof split.validation === 'number' ? split.validation : 0;
  if (train.early_stopping === undefined && validation > 0) train.early_stopping = { monitor: 'val_loss', patience: 5 };
  return { ...raw, ...(isMapping(raw.dataset) && { dataset }), audio, features, train, split };
}

/** Path keys an experiment may write; relative ones resolve against the experiment file's folder. */
const PATH_KEYS = [
  ['dataset', 'root'],
  ['cache', 'dir'],
  ['output', 'dir'],
] as const;

/**
 * Makes the relative paths written in an experiment file absolute against its folder, as tsconfig
 * and docker-compose do, so the file runs from any working directory. Keys the file leaves out keep
 * their defaults, and `--set` paths resolve against the working directory.
 */
function resolveFilePaths(raw: Raw, file: string): void {
  for (const [section, key] of PATH_KEYS) {
    const node = raw[section];
    if (!isMapping(node)) continue;
    const value = node[key];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) node[key] = resolve(dirname(file), value);
  }
}

/** Reads, overrides and validates an experiment YAML file. */
export async function loadExperiment(file: string, overrides: readonly string[] = []): Promise<ExperimentConfig> {
  let text: string;
  try {
    // Size first: a huge file is refused before it is read, let alone parsed.
    const { size } = await stat(file);
    if (size > LIMITS.fileBytes) throw new ConfigError(file, [`(file): ${size.toLocaleString('en-US')} bytes; ${overLimit(LIMITS.fileBytes, 'bytes, 1 MB; an experiment is a few kB')}`]);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  let raw: Raw;
  try {
    const doc = YAML.parseDocument(text, { prettyErrors: true });
    if (doc.errors.length) throw new ConfigError(file, doc.errors.map((e) => `YAML: ${e.message}`));
    // maxAliasCount stops billion-laughs documents (aliases of aliases) before they expand.
    raw = (doc.toJS({ maxAliasCount: LIMITS.yamlAliases }) ?? {}) as Raw;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const why = err instanceof ReferenceError ? `too many aliases (${overLimit(LIMITS.yamlAliases, 'alias expansions')})` : (err as Error).message;
    throw new ConfigError(file, [`YAML: ${why}`]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, ['(root): expected a mapping']);
  resolveFilePaths(raw, file);
  return parseExperiment(applyOverrides(raw, overrides), file);
}

/** The resolved config as YAML, for `config.resolved.yaml`. */
export function toYaml(config: ExperimentConfig): string {
  return YAML.stringify(config, { nullStr: 'null' });
}

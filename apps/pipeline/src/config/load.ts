import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
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
    let value: unknown;
    try {
      value = YAML.parse(override.slice(eq + 1));
    } catch (err) {
      problems.push(`--set ${override}: value is not valid YAML (${(err as Error).message})`);
      continue;
    }
    const keys = path.split('.');
    let node: Raw = raw;
    for (const [i, key] of keys.slice(0, -1).entries()) {
      const next = node[key];
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
  const result = experimentSchema.safeParse(withRecipeDefaults(raw as Raw));
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
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
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) throw new ConfigError(file, doc.errors.map((e) => `YAML: ${e.message}`));
  const raw = (doc.toJS() ?? {}) as Raw;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, ['(root): expected a mapping']);
  resolveFilePaths(raw, file);
  return parseExperiment(applyOverrides(raw, overrides), file);
}

/** The resolved config as YAML, for `config.resolved.yaml`. */
export function toYaml(config: ExperimentConfig): string {
  return YAML.stringify(config, { nullStr: 'null' });
}

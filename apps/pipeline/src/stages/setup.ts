import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { initBackend } from '@earshot/tf-runtime';
import { toYaml, trainWorkers, type ExperimentConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { resolveRunResampler, type RunResampler } from '../features/res-type.js';
import { createRunDir, runFiles } from '../run-dir.js';
import { resolveTrainWorkers } from './train.js';

/** Thrown when `--resume` points at a run whose config differs from this one. */
export class ResumeMismatchError extends UsageError {}

export interface RunSetup {
  backend: { name: string; reason: string };
  trainWorkers: { workers: number; reason: string };
  resampler: RunResampler;
  runDir: string;
  /** The resolved config as written to `config.resolved.yaml`: the run's identity for `--resume`. */
  configYaml: string;
}

/** Picks the resampler, backend and training workers, and creates (or, with `resume`, checks) the run directory. */
export async function setupRun(config: ExperimentConfig, opts: { log: Logger; resume?: string }): Promise<RunSetup> {
  const { log } = opts;
  const resampler = resolveRunResampler(config);
  log.info(`resampler: ${resampler.resType} (${resampler.reason})`);
  const backend = await initBackend({ backend: config.runtime.backend });
  log.info(`backend: ${backend.backend} (${backend.reason})`);
  const parallel = resolveTrainWorkers(trainWorkers(config), backend.backend);
  log.info(`training workers: ${parallel.workers} (${parallel.reason})`);

  const configYaml = toYaml(config);
  const runDir = opts.resume ? resolve(opts.resume) : await createRunDir(config.output.dir, config.name);
  if (opts.resume) {
    const previous = await readFile(join(runDir, runFiles.config), 'utf8').catch(() => {
      throw new ResumeMismatchError(`--resume ${opts.resume}: no ${runFiles.config} there; not a run directory`);
    });
    if (previous !== configYaml) {
      throw new ResumeMismatchError(`--resume ${opts.resume}: the experiment config differs from that run's ${runFiles.config}; refusing to resume`);
    }
  }
  await writeFile(join(runDir, runFiles.config), configYaml);
  return { backend: { name: backend.backend, reason: backend.reason }, trainWorkers: parallel, resampler, runDir, configYaml };
}

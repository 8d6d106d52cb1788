import { readFile, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { removeStaleTemps, writeFileAtomic } from '@earshot/model-cnn/atomic-write';
import { initBackend, type BackendInfo } from '@earshot/tf-runtime';
import { toYaml, trainWorkers, type ExperimentConfig } from '../config/index.js';
import { configDiff } from '../config/diff.js';
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

const BACKEND_SUMMARY: Record<BackendInfo['backend'], string> = {
  node: 'tfjs-node (libtensorflow)',
  native: 'native (oneDNN kernels, the rest in wasm SIMD)',
  wasm: 'wasm (SIMD, repaired training kernels)',
  cpu: 'cpu (slow: neither native nor wasm could start)',
};

const NATIVE_HINT = 'apt-get install libdnnl-dev libsoxr-dev g++, then pnpm install, for native speed';

/** Picks the resampler, backend and training workers, and creates (or, with `resume`, checks) the run directory. */
export async function setupRun(config: ExperimentConfig, opts: { log: Logger; resume?: string }): Promise<RunSetup> {
  const { log } = opts;
  const resampler = resolveRunResampler(config);
  log.info(`resampler: ${resampler.resType} (${resampler.reason})`);
  const backend = await initBackend({ backend: config.runtime.backend });
  const parallel = resolveTrainWorkers(trainWorkers(config), backend.backend);
  // One short line; why each engine was or was not picked goes to metrics.json (backend.reason).
  // Auto landing below native means the addon did not build: say how to get it.
  const hint = config.runtime.backend === 'auto' && (backend.backend === 'wasm' || backend.backend === 'cpu') ? `; ${NATIVE_HINT}` : '';
  log.info(`backend: ${BACKEND_SUMMARY[backend.backend]}, ${parallel.workers} training worker${parallel.workers === 1 ? '' : 's'}${hint}`);

  const configYaml = toYaml(config);
  const runDir = opts.resume ? resolve(opts.resume) : await createRunDir(config.output.dir, config.name);
  if (opts.resume) {
    const previous = await readFile(join(runDir, runFiles.config), 'utf8').catch(() => {
      throw new ResumeMismatchError(`--resume ${opts.resume}: no ${runFiles.config} there; not a run directory`);
    });
    if (previous !== configYaml) {
      const changes = configDiff(previous, configYaml).map((line) => `\n  ${line}`).join('');
      throw new ResumeMismatchError(`--resume ${opts.resume}: the experiment config differs from that run's ${runFiles.config}; refusing to resume. Changed:${changes}`);
    }
    await removeStaleTemps(runDir); // what a killed run was writing
  }
  await writeFileAtomic(join(runDir, runFiles.config), configYaml).catch(async (err: unknown) => {
    if (!opts.resume) await rmdir(runDir).catch(() => {}); // nothing to resume: leave no empty run directory
    throw err;
  });
  return { backend: { name: backend.backend, reason: backend.reason }, trainWorkers: parallel, resampler, runDir, configYaml };
}

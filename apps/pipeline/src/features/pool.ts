import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FeatureTask, FeatureTaskResult } from './worker.js';

/** The compiled worker: next to this module in dist/, or dist/ when running from src/ (tests). */
function workerFile(): string {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here.href;
  return new URL('../../dist/features/worker.js', import.meta.url).href;
}

export interface FeaturePool {
  run(task: FeatureTask): Promise<FeatureTaskResult>;
  readonly threads: number;
  close(): Promise<void>;
}

/** A piscina pool of feature workers; one per core unless `workers` says otherwise. */
export function createFeaturePool(workers?: number | null): FeaturePool {
  const threads = Math.max(1, workers ?? availableParallelism());
  const pool = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000, atomics: 'disabled' });
  return {
    threads,
    run: (task) => pool.run(task) as Promise<FeatureTaskResult>,
    close: () => pool.destroy(),
  };
}

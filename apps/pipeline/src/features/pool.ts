import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FeatureBatch, FeatureTask, FeatureTaskResult } from './worker.js';

/** The compiled worker: next to this module in dist/, or dist/ when running from src/ (tests). */
function workerFile(): string {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here.href;
  return new URL('../../dist/features/worker.js', import.meta.url).href;
}

export interface FeaturePool {
  /** Features of one file; files queued together travel to the workers in batches. */
  run(task: FeatureTask): Promise<FeatureTaskResult>;
  readonly threads: number;
  close(): Promise<void>;
}

export interface FeaturePoolOptions {
  /** Most files per message to a worker (default 8). Smaller batches lose less work to a kill. */
  maxBatch?: number;
}

interface Pending {
  task: FeatureTask;
  resolve: (result: FeatureTaskResult) => void;
  reject: (err: unknown) => void;
}

/** Batches in flight per worker: one being computed, one waiting, so a worker never idles on the main thread. */
const BATCHES_PER_THREAD = 2;

const sameOptions = (a: FeatureTask, b: FeatureTask): boolean =>
  a.seed === b.seed && a.resType === b.resType && (a.recipe === b.recipe || JSON.stringify(a.recipe) === JSON.stringify(b.recipe));

/**
 * A piscina pool of feature workers; one per core unless `workers` says otherwise.
 * `run` queues a file; queued files are sent in batches sized to split the queue evenly over the
 * workers (at most `maxBatch`), so per-message cost is paid once per batch while the tail of a
 * run still spreads over every worker. Each batch's results resolve together when it returns.
 */
export function createFeaturePool(workers?: number | null, options: FeaturePoolOptions = {}): FeaturePool {
  const threads = Math.max(1, workers ?? availableParallelism());
  const maxBatch = Math.max(1, options.maxBatch ?? 8);
  const pool = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, idleTimeout: 60_000, atomics: 'disabled' });
  const queue: Pending[] = [];
  let head = 0;
  /** Batches sent to a worker and not yet returned. */
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;
  let scheduled = false;

  function dispatch(): void {
    scheduled = false;
    while (inFlight.size < threads * BATCHES_PER_THREAD && head < queue.length) {
      const waiting = queue.length - head;
      const size = Math.min(maxBatch, Math.max(1, Math.ceil(waiting / (threads * BATCHES_PER_THREAD))));
      const first = queue[head]!;
      const items: Pending[] = [first];
      head++;
      while (items.length < size && head < queue.length && sameOptions(first.task, queue[head]!.task)) items.push(queue[head++]!);
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
      }
      const batch: FeatureBatch = {
        recipe: first.task.recipe,
        resType: first.task.resType,
        seed: first.task.seed,
        clips: items.map(({ task }) => ({ path: task.path, crop: task.crop })),
      };
      const sent: Promise<unknown> = (pool.run(batch) as Promise<FeatureTaskResult[]>).then(
        (results) => {
          inFlight.delete(sent);
          items.forEach((item, i) => item.resolve(results[i]!));
          dispatch();
        },
        (err: unknown) => {
          inFlight.delete(sent);
          for (const item of items) item.reject(err);
          dispatch();
        },
      );
      inFlight.add(sent);
    }
  }

  return {
    threads,
    run(task) {
      if (closed) return Promise.reject(new Error('feature pool is closed'));
      return new Promise<FeatureTaskResult>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        // Dispatch after the caller's synchronous loop, so a burst of runs forms full batches.
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(dispatch);
        }
      });
    },
    async close() {
      closed = true;
      const dropped = queue.splice(head);
      queue.length = 0;
      head = 0;
      for (const item of dropped) item.reject(new Error('feature pool closed before this file was processed'));
      // Let batches already in a worker return first: piscina throws on a reply to a destroyed pool.
      await Promise.allSettled([...inFlight]);
      await pool.destroy();
    },
  };
}

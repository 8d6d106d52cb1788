import { performance } from 'node:perf_hooks';
import type { Timings } from '../run-metrics.js';

/** Wall seconds per stage, summed over every call (a repaired fold's features count twice). */
export class StageTimer {
  readonly seconds: Timings = { scan: 0, features: 0, train: 0, evaluate: 0, report: 0, total: 0 };
  private readonly started = performance.now();

  async time<T>(stage: Exclude<keyof Timings, 'total'>, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.seconds[stage] += (performance.now() - t0) / 1000;
    }
  }

  /** Sets `total` to the time since the timer was made. */
  finish(): Timings {
    this.seconds.total = (performance.now() - this.started) / 1000;
    return this.seconds;
  }
}

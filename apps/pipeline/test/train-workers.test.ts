import { describe, expect, it } from 'vitest';
import { parseExperiment, trainWorkers } from '../src/config/index.js';
import { problemsOf } from './helpers.js';
import { resolveTrainWorkers } from '../src/stages/train.js';

const base = { dataset: { preset: 'demo' as const } };

describe('runtime.train_workers', () => {
  it("defaults to 'auto' and accepts a worker count", () => {
    expect(trainWorkers(parseExperiment(base))).toBe('auto');
    expect(trainWorkers(parseExperiment({ ...base, runtime: { train_workers: 2 } }))).toBe(2);
  });

  it('rejects zero, fractions and other words at its key', () => {
    for (const bad of [0, 1.5, 'all']) {
      const problems = problemsOf(() => parseExperiment({ ...base, runtime: { train_workers: bad } }));
      expect(problems.some((p) => p.startsWith('runtime.train_workers:'))).toBe(true);
    }
  });

  it('auto uses one worker per core only on wasm and native with at least 2 cores', () => {
    expect(resolveTrainWorkers('auto', 'wasm', 2).workers).toBe(2);
    expect(resolveTrainWorkers('auto', 'native', 2).workers).toBe(2);
    expect(resolveTrainWorkers('auto', 'wasm', 1).workers).toBe(1);
    expect(resolveTrainWorkers('auto', 'node', 8)).toMatchObject({ workers: 1, reason: expect.stringContaining('node') });
    expect(resolveTrainWorkers(3, 'cpu', 2)).toEqual({ workers: 3, reason: 'runtime.train_workers' });
  });
});

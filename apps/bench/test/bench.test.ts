import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsddRecordings, workspaceRoot } from '../src/workspace.js';

describe('bench package', () => {
  it('finds the workspace root and the FSDD dir beside it', () => {
    const root = workspaceRoot();
    expect(existsSync(join(root, 'pnpm-workspace.yaml'))).toBe(true);
    expect(existsSync(join(root, 'apps', 'bench', 'torch_step.py'))).toBe(true);
    expect(fsddRecordings()).toBe(join(root, '..', 'shared', 'datasets', 'fsdd', 'recordings'));
  });

  it('reaches the feature pool through the pipeline\'s public exports', async () => {
    const { createFeaturePool } = await import('@earshot/pipeline/features-pool');
    expect(typeof createFeaturePool).toBe('function');
  });
});

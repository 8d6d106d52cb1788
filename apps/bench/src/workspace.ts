// Paths shared by the benches.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pnpm workspace root above this file (dist/ or a temp build alike). */
export function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the workspace root (pnpm-workspace.yaml)');
    dir = parent;
  }
  return dir;
}

/** Where the benches look for FSDD's recordings: `shared/datasets/fsdd/recordings` beside the workspace. */
export function fsddRecordings(): string {
  return join(workspaceRoot(), '..', 'shared', 'datasets', 'fsdd', 'recordings');
}

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

/**
 * The built package, for child processes (they run plain node, without a TypeScript loader).
 * `pnpm test` builds dist/ before running vitest, so the children run the current sources.
 */
export const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Returns a maker of fresh temp dirs; every dir it made is removed after each test. */
export function freshDirs(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
      // and where a damaged cache was moved aside
      for (const name of readdirSync(dirname(dir))) {
        if (name.startsWith(`${basename(dir)}.damaged-`)) rmSync(join(dirname(dir), name), { recursive: true, force: true });
      }
    }
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-cache-'));
    dirs.push(dir);
    return dir;
  };
}

export { syntheticKey, syntheticTensor } from './fixtures.mjs';

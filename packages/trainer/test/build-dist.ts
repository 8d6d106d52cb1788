import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The data-parallel workers run dist/parallel/worker.js (a worker_thread cannot load .ts), so the
// suite compiles the package first to test the current sources.
export function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}

#!/usr/bin/env node
// The `earshot` command: runs the built CLI, building the workspace first when it has never been built
// (a fresh clone after `pnpm install`). `pnpm earshot …` always rebuilds what changed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('earshot: first run, building the workspace (pnpm build)…\n');
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const built = spawnSync('pnpm', ['turbo', 'run', 'build', '--filter=@earshot/pipeline...', '--output-logs=errors-only'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    process.stderr.write('earshot: the build failed; run `pnpm build` in the repository to see why\n');
    process.exit(1);
  }
}
const { main } = await import(cli.href);
// Exit explicitly: worker pools and tfjs backends must not keep a finished run alive.
process.exit(await main(process.argv.slice(2)));

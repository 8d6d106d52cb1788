// Runs @tensorflow/tfjs-node's own install step (it downloads libtensorflow) with its output captured,
// so an offline install prints one line instead of a stack trace. Never fails the install: earshot
// trains without tfjs-node (native oneDNN runtime, or wasm).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(new URL('../packages/tf-runtime/package.json', import.meta.url));
let dir;
try {
  dir = dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
} catch {
  process.exit(0); // optional dependency not installed
}
const lib = join(dir, 'lib');
const built = existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
if (built) process.exit(0);

const result = spawnSync(process.execPath, ['scripts/install.js'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
if (result.status === 0) {
  console.log('earshot: tfjs-node installed (libtensorflow)');
} else {
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const reason = /Error: [^\n]+/.exec(output)?.[0] ?? (result.error ? String(result.error) : `exit code ${result.status}`);
  console.log(`earshot: tfjs-node not available (its libtensorflow download failed: ${reason.trim()}); training uses the native oneDNN runtime or wasm`);
}

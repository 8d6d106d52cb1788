// `pnpm install` runs this (the package's install script). It builds the addon when a C++ compiler
// and the libraries' headers are present; otherwise it prints one line saying how to get native
// speed and exits 0, so the install goes on and earshot runs on its WebAssembly paths.
// Flags: --force rebuilds even when the addon is current; --verbose shows node-gyp's output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'earshot_native.node');
const log = join(root, 'build', 'build-addon.log');
const force = process.argv.includes('--force');
const verbose = process.argv.includes('--verbose');

/** Every system package the addon needs, for the hint (one apt line for all parts). */
const APT_LINE = 'apt-get install libsoxr-dev libdnnl-dev g++';
/** The headers each part of the addon compiles against; a new part adds its line. */
const HEADERS = [{ header: 'soxr.h', apt: 'libsoxr-dev' }, { header: 'oneapi/dnnl/dnnl.hpp', apt: 'libdnnl-dev' }];

const say = (line) => console.log(`earshot native: ${line}`);
const notBuilt = (reason) => {
  say(`not built (${reason}): ${APT_LINE}, then pnpm install, for native speed`);
  process.exit(0);
};

function compiler() {
  for (const cxx of [process.env.CXX, 'c++', 'g++', 'clang++']) {
    if (cxx && spawnSync(cxx, ['--version'], { stdio: 'ignore' }).status === 0) return cxx;
  }
  return null;
}

/** The headers the compiler cannot find. */
function missingHeaders(cxx) {
  return HEADERS.filter(({ header }) => {
    const probe = spawnSync(cxx, ['-x', 'c++', '-E', '-o', '/dev/null', '-'], { input: `#include <${header}>\n`, stdio: ['pipe', 'ignore', 'ignore'] });
    return probe.status !== 0;
  });
}

/** Node's own headers next to its binary (Debian, NodeSource, nvm), so node-gyp needs no download. */
function nodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function newestSource() {
  const files = [join(root, 'binding.gyp')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(cc|cpp|h|hpp)$/.test(entry.name)) files.push(path);
    }
  };
  walk(join(root, 'src'));
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

if (process.env.EARSHOT_NATIVE === '0') notBuilt('EARSHOT_NATIVE=0');
if (!force && existsSync(addon) && statSync(addon).mtimeMs >= newestSource()) {
  say(`up to date (${addon})`);
  process.exit(0);
}
const cxx = compiler();
if (!cxx) notBuilt('no C++ compiler');
const missing = missingHeaders(cxx);
if (missing.length) notBuilt(`${missing.map((m) => `${m.header} not found, ${m.apt} missing`).join('; ')}`);
let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  notBuilt('node-gyp is not installed');
}
const dir = nodeDir();
// configure + build is incremental and keeps the old addon loadable until the new one is linked;
// --force starts from a clean build/.
const args = [gyp, ...(force ? ['rebuild'] : ['configure', 'build']), '--jobs=max', ...(dir ? [`--nodedir=${dir}`] : [])];
const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: verbose ? 'inherit' : 'pipe' });
if (run.status !== 0 || !existsSync(addon)) {
  if (!verbose) {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(log, `${run.stdout ?? ''}\n${run.stderr ?? ''}`);
  }
  notBuilt(`node-gyp failed${verbose ? '' : `, see ${log}`}`);
}
say(`built ${addon}`);

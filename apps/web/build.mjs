// Builds the static page: dist/{index.html, style.css, earshot.js, capture-worklet.js, speex-resampler-simd.wasm}.
// Everything the page loads comes from its own folder (no CDN, no fonts); `pipeline export --web`
// copies dist/* flat beside the model. Output is deterministic (no timestamps, no hashes).
import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');

/** The speex glue fetches `new URL('speex-resampler-simd.wasm', import.meta.url)`: the bundle's folder. */
function speexWasm() {
  const fromAudio = createRequire(createRequire(import.meta.url).resolve('@earshot/audio/package.json'));
  return join(dirname(fromAudio.resolve('@echogarden/speex-resampler-wasm/simd')), 'speex-resampler-simd.wasm');
}

/**
 * `@tensorflow/tfjs` without the parts this page never runs (WebGL backend, graph-model converter,
 * tf.data): tfjs-core, tfjs-layers and the CPU backend, resolved from tfjs's own folder so that
 * they are the very modules tfjs would load.
 */
const tfjsCpuOnly = {
  name: 'tfjs-cpu-only',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const result = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { real: true } });
      if (result.errors.length > 0) return undefined;
      return { path: 'tfjs', namespace: 'tfjs-cpu-only', pluginData: { resolveDir: dirname(result.path) } };
    });
    build.onLoad({ filter: /.*/, namespace: 'tfjs-cpu-only' }, (args) => ({
      contents: [`import '@tensorflow/tfjs-backend-cpu';`, `export * from '@tensorflow/tfjs-core';`, `export * from '@tensorflow/tfjs-layers';`].join('\n'),
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  // Node-only branches (model-cnn's file I/O, the speex glue's Node loader) are never run in a browser.
  external: ['node:*', 'module'],
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [tfjsCpuOnly],
};

/** One tfjs-core (one engine, one backend registry) and one of each decoder, or the page misbehaves. */
function checkSingleCopies(metafile) {
  const copies = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = input.match(/node_modules\/\.pnpm\/([^/]+)\/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) copies.set(m[2], new Set([...(copies.get(m[2]) ?? []), m[1]]));
  }
  const dupes = [...copies].filter(([, dirs]) => dirs.size > 1);
  if (dupes.length > 0) throw new Error(`bundled twice: ${dupes.map(([name, dirs]) => `${name} (${[...dirs].join(', ')})`).join('; ')}`);
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

// Decoders other than WAV's (MP3, FLAC, OGG, …) are split into chunks that load when a file needs one.
const main = await esbuild.build({ ...common, entryPoints: { earshot: join(src, 'main.ts') }, outdir: dist, splitting: true, entryNames: '[name]', chunkNames: 'chunk-[hash]', metafile: true });
checkSingleCopies(main.metafile);
// Worklet scripts are modules in every browser; an IIFE keeps the file free of import/export.
await esbuild.build({ ...common, format: 'iife', entryPoints: { 'capture-worklet': join(src, 'capture-worklet.ts') }, outdir: dist });

for (const name of ['index.html', 'style.css']) await copyFile(join(src, name), join(dist, name));
await copyFile(speexWasm(), join(dist, 'speex-resampler-simd.wasm'));

const files = (await readdir(dist)).sort();
const width = Math.max(...files.map((f) => f.length));
for (const name of files) {
  const { size } = await stat(join(dist, name));
  console.log(`  dist/${name.padEnd(width)}  ${(size / 1024).toFixed(1).padStart(8)} KB`);
}

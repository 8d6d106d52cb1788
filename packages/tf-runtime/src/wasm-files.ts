import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Directory (with trailing separator) holding the installed tfjs-backend-wasm `.wasm`
 * binaries, so the backend loads them from disk instead of fetching from a CDN.
 */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const simd = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
  return path.dirname(simd) + path.sep;
}

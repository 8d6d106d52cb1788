import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const pipelineRoot = fileURLToPath(new URL('..', import.meta.url));

/** A fresh temp dir; the caller removes it. */
export function tempDir(prefix = 'earshot-cache-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Child processes run plain node, so transpile src/cache to JS once (types dropped, nothing else
 * changes). It is placed under apps/pipeline/node_modules/.cache so `lmdb` and `fflate` resolve.
 * Returns the path of the built index.js.
 */
export function buildCacheModuleForChildren(): { entry: string; cleanup(): void } {
  const outDir = join(pipelineRoot, 'node_modules', '.cache', `earshot-cache-test-${process.pid}-${Date.now()}`);
  mkdirSync(outDir, { recursive: true });
  const srcDir = join(pipelineRoot, 'src', 'cache');
  for (const name of readdirSync(srcDir).filter((n) => n.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(srcDir, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
  return { entry: join(outDir, 'index.js'), cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random tensor for entry `i` (so any reader can check what a writer wrote). */
export function syntheticTensor(i: number, shape: [number, number] = [16, 8]): { data: Float32Array; shape: number[] } {
  const data = new Float32Array(shape[0] * shape[1]);
  let state = (i * 2654435761 + 1) >>> 0;
  for (let j = 0; j < data.length; j++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[j] = (state / 2 ** 32) * 160 - 80;
  }
  return { data, shape: [...shape] };
}

export function syntheticKey(i: number): string {
  return `entry-${String(i).padStart(6, '0')}`;
}

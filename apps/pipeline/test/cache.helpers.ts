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

export { syntheticKey, syntheticTensor } from './cache.fixtures.mjs';

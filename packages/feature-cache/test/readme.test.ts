import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** The first ```js block after "## Example" in the README. */
function readmeExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Example[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```js block under "## Example"');
  return block;
}

it('runs the README example as written and prints what its comments say', () => {
  const code = readmeExample();
  const expected = [...code.matchAll(/^console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
  expect(expected.length).toBeGreaterThan(0);
  // From the package root, '@earshot/feature-cache' resolves to this package's dist/ through its
  // exports (self-reference), as it would for a user who installed it.
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: packageRoot, encoding: 'utf8' });
  expect(out.trimEnd().split('\n')).toEqual(expected);
});

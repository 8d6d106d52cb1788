// Sums vitest's per-package "Tests  N passed | M failed | K skipped (T)" lines from a turbo log
// and prints one "N passed, M failed, K skipped" line. Exits 1 when no test ran at all.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let suites = 0;
for (const line of log.split('\n')) {
  const summary = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!summary) continue;
  suites++;
  for (const [, n, kind] of summary[1].matchAll(/(\d+)\s+(passed|failed|skipped|todo)/g)) {
    if (kind in totals) totals[kind] += Number(n);
  }
}
console.log(`vitest: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (suites === 0 || totals.passed + totals.failed === 0) {
  console.error('no test was executed');
  process.exit(1);
}

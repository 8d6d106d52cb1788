import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Helpers for the disk, kill and concurrency attack tests: real CLI processes on the demo experiment. */

export const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const demo = fileURLToPath(new URL('../../../experiments/demo.yaml', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; `env` is added to this process's (VITEST stays set, which kill points need). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, FORCE_COLOR: '0', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The demo experiment, 3 epochs (or `epochs`), with its cache and run directories placed by the test. */
export function demoArgs(dirs: { cache: string; output: string }, epochs = 3): string[] {
  return [demo, '--set', `cache.dir=${dirs.cache}`, '--set', `output.dir=${dirs.output}`, '--set', `train.epochs=${epochs}`];
}

/** What must not change between a clean run and a killed-or-starved then resumed one (timings do). */
export interface Outcome {
  accuracy: number;
  perClass: unknown;
  confusion: unknown;
  epochs: { epoch: number; loss: number; accuracy: number }[];
}

export async function outcome(runDir: string): Promise<Outcome> {
  const m = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8')) as {
    test: { accuracy: number; per_class: unknown; confusion_matrix: unknown };
    epochs: { epoch: number; loss: number; accuracy: number }[];
  };
  return {
    accuracy: m.test.accuracy,
    perClass: m.test.per_class,
    confusion: m.test.confusion_matrix,
    epochs: m.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, accuracy: e.accuracy })),
  };
}

/** A clean demo run's outcome, the reference an attacked run must reproduce (no damage, no kill). */
export async function cleanOutcome(dirs: { cache: string; output: string }, epochs = 3): Promise<Outcome> {
  const r = await runCli(demoArgs(dirs, epochs));
  if (r.code !== 0) throw new Error(`the clean reference run failed (${r.code}): ${r.stderr}`);
  return outcome(printedRunDir(r));
}

/** The run directories under an output dir. */
export async function runDirs(output: string): Promise<string[]> {
  const names = await readdir(output).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith('demo-')).map((n) => join(output, n)).sort();
}

/** Every path under `dir` (relative), to look for temporaries left behind. */
export async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/** The last stdout line of a successful run is its directory. */
export const printedRunDir = (r: CliResult) => r.stdout.trimEnd().split('\n').at(-1)!;

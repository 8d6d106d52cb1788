import { loadExperiment } from '../config/index.js';
import { createLogger } from '../log.js';
import { runExperiment } from '../stages/run.js';

/** `earshot <experiment.yaml> [--set k=v …] [--resume <run-dir>]`: the last stdout line is the run directory. */
export async function runCommand(file: string, opts: { set: string[]; resume?: string; quiet?: boolean }): Promise<void> {
  const config = await loadExperiment(file, opts.set);
  const log = createLogger({ quiet: opts.quiet });
  // The process's start (performance.now()'s origin): a time budget covers the whole command.
  const runDir = await runExperiment(config, { log, startedAt: 0, ...(opts.resume && { resume: opts.resume }) });
  process.stdout.write(`${runDir}\n`);
}

#!/usr/bin/env node
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { parseByteSize, parseDuration } from '@earshot/feature-cache/units';
import { ConfigError } from './config/index.js';
import { EXIT_FAILED, EXIT_USAGE, ReportedFailure, UsageError } from './errors.js';
import { booleanFlag, collect, nonNegativeNumber, positiveInt, positiveNumber, positiveNumberOrNone, refValue, unitValue } from './commands/parse.js';
import { EARSHOT_VERSION } from './version.js';

function buildProgram(): Command {
  const program = new Command('earshot')
    .description('earshot: train audio classifiers from YAML experiments (librosa-exact features, tfjs models)')
    .version(EARSHOT_VERSION, '-V, --version', 'print the version')
    .helpCommand('help [command]', 'show help for a command')
    .helpOption('-h, --help', 'show help')
    .option('--debug', 'print the stack trace of an unexpected error')
    .argument('[experiment]', 'experiment YAML file to run (train, evaluate, report)')
    .option('--set <key=value>', 'override a config key (YAML value), repeatable', collect, [])
    .option('--resume <run-dir>', 'continue a killed run from its last checkpoint')
    .option('-q, --quiet', 'only print the run directory')
    .action(async (experiment: string | undefined, opts: { set: string[]; resume?: string; quiet?: boolean }) => {
      if (!experiment) {
        program.outputHelp({ error: true });
        throw new UsageError('missing <experiment> (a YAML file) or a subcommand');
      }
      const { runCommand } = await import('./commands/run.js');
      await runCommand(experiment, opts);
    });

  program
    .command('mel')
    .description('features of one audio file as a float32 .npy (n_mels × frames), librosa defaults')
    .argument('<audio-file>', 'audio file to analyse')
    .requiredOption('--out <file.npy>', 'output .npy file')
    .option('--sr <hz>', 'target sample rate, or "none" for native (librosa.load sr)', positiveNumberOrNone, 22050)
    .option('--n-fft <n>', 'FFT size', positiveInt, 2048)
    .option('--hop-length <n>', 'hop between frames (default win_length // 4)', positiveInt)
    .option('--win-length <n>', 'window length (default n_fft)', positiveInt)
    .option('--n-mels <n>', 'mel bands', positiveInt, 128)
    .option('--fmin <hz>', 'lowest mel frequency', nonNegativeNumber, 0)
    .option('--fmax <hz>', 'highest mel frequency (default sr / 2)', positiveNumber)
    .option('--htk [bool]', 'HTK mel scale instead of Slaney', booleanFlag, false)
    .option('--power <p>', 'magnitude exponent: 2 power, 1 magnitude', positiveNumber, 2)
    .addOption(new Option('--db <kind>', 'dB conversion').choices(['power', 'amplitude', 'none']).default('power'))
    .option('--ref <ref>', 'dB reference: "max" (np.max) or a number', refValue, 'max')
    .option('--amin <a>', 'dB floor (default 1e-10 power, 1e-5 amplitude)', positiveNumber)
    .option('--top-db <db>', 'dynamic range clip, or "none"', positiveNumberOrNone, 80)
    .option('--mfcc <n>', 'write librosa.feature.mfcc with n_mfcc = N instead', positiveInt)
    .addOption(new Option('--res-type <kind>', 'resampler: soxr_hq (librosa\'s), speex, or auto (soxr_hq)').choices(['auto', 'soxr_hq', 'speex']).default('auto'))
    .action(async (file: string, opts) => {
      const { melCommand } = await import('./commands/mel.js');
      console.log(await melCommand(file, opts));
    });

  program
    .command('predict')
    .description('classify audio files with a trained run')
    .argument('<run-dir>', 'run directory of a finished experiment (holds model/)')
    .argument('<inputs...>', 'audio files or folders')
    .option('--top-k <n>', 'labels to show per file', positiveInt, 3)
    .option('--json', 'JSON output, with per-window scores')
    .action(async (runDir: string, inputs: string[], opts: { topK: number; json?: boolean }) => {
      const { predictCommand } = await import('./commands/predict.js');
      await predictCommand(runDir, inputs, opts);
    });

  program
    .command('export')
    .description('a static web page (index.html, bundle, model, recipe) that classifies files and the microphone in a browser, offline')
    .argument('<run-dir>', 'run directory of a finished experiment (holds model/)')
    .requiredOption('--web <out-dir>', 'the folder to write (new, empty, or an earlier export, which is replaced)')
    .action(async (runDir: string, opts: { web: string }) => {
      const { exportWebCommand } = await import('./commands/export-web.js');
      console.log(await exportWebCommand(runDir, opts));
    });

  program
    .command('inspect')
    .description('the scan report of a dataset without training: layout, classes, durations, rates, bad files, duplicates')
    .argument('<target>', 'a dataset folder (its layout is detected) or an experiment YAML')
    .option('--json', 'JSON output')
    .action(async (target: string, opts: { json?: boolean }) => {
      const { inspectCommand } = await import('./commands/inspect.js');
      await inspectCommand(target, opts);
    });

  program
    .command('init')
    .description('write a commented starter experiment for a dataset folder, from what inspect finds')
    .argument('<folder>', 'the dataset folder')
    .option('--out <file.yaml>', 'where to write the experiment', 'experiment.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (folder: string, opts: { out: string; force?: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      console.log(await initCommand(folder, opts));
    });

  program
    .command('compare')
    .description('what changed in config and metrics between two runs')
    .argument('<run-a>', 'first run directory')
    .argument('<run-b>', 'second run directory')
    .action(async (a: string, b: string) => {
      for (const dir of [a, b]) {
        if (!existsSync(join(dir, 'metrics.json'))) throw new UsageError(`compare: ${dir} is not a run directory (no metrics.json)`);
      }
      const { compareRuns } = await import('./compare.js');
      console.log(await compareRuns(a, b));
    });

  const cache = program.command('cache').description('the feature cache');
  cache
    .command('info')
    .description('entries, size and the last run of a feature cache')
    .option('--dir <dir>', 'cache directory', '.cache/earshot')
    .action(async (opts: { dir: string }) => {
      const { cacheInfo } = await import('@earshot/feature-cache');
      console.log(await cacheInfo(opts.dir));
    });
  cache
    .command('prune')
    .description('drop old or least recently used entries')
    .option('--dir <dir>', 'cache directory', '.cache/earshot')
    .option('--older-than <age>', 'drop entries unused for this long (e.g. 30d, 12h, 90m)', unitValue(parseDuration))
    .option('--max-size <size>', 'evict least recently used entries down to this size (e.g. 2GB, 500MB)', unitValue(parseByteSize))
    .action(async (opts: { dir: string; olderThan?: number; maxSize?: number }) => {
      const { cachePrune } = await import('@earshot/feature-cache');
      console.log(await cachePrune(opts.dir, { olderThanMs: opts.olderThan, maxBytes: opts.maxSize }));
    });
  cache
    .command('verify')
    .description('check every entry (checksum, shape record, key) and the lmdb file; exit 1 if anything is bad')
    .option('--dir <dir>', 'cache directory', '.cache/earshot')
    .action(async (opts: { dir: string }) => {
      const { cacheVerify, formatVerify, verifyFailed } = await import('@earshot/feature-cache');
      const report = await cacheVerify(opts.dir);
      console.log(formatVerify(report));
      if (verifyFailed(report)) throw new ReportedFailure(EXIT_FAILED);
    });
  cache
    .command('repair')
    .description('drop bad entries and re-index; a damaged lmdb file is moved aside to <dir>.damaged-<time>')
    .option('--dir <dir>', 'cache directory', '.cache/earshot')
    .action(async (opts: { dir: string }) => {
      const { cacheRepair } = await import('@earshot/feature-cache');
      console.log(await cacheRepair(opts.dir));
    });
  cache
    .command('export')
    .description("an experiment's cached features as one .npz (X, y, labels, paths, split)")
    .argument('<experiment>', 'experiment YAML whose features to export')
    .requiredOption('--out <file.npz>', 'output .npz (numpy.load reads it)')
    .option('--set <key=value>', 'override a config key', collect, [])
    .action(async (experiment: string, opts: { out: string; set: string[] }) => {
      const { cacheExportCommand } = await import('./commands/cache-export.js');
      console.log(await cacheExportCommand(experiment, opts));
    });

  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  command.commands.forEach(applyExitOverride);
}

/** Runs the CLI; resolves to the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  applyExitOverride(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    return reportError(err, argv.includes('--debug'));
  }
}

function reportError(err: unknown, debug: boolean): number {
  if (err instanceof ReportedFailure) return err.exitCode;
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    if (err.code.startsWith('earshot.')) process.stderr.write(`error: ${err.message}\n`);
    return EXIT_USAGE; // commander already printed its own message
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`error: invalid experiment ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as Error & { path?: string; reason?: string };
  if (e?.name === 'CacheDiskFullError') {
    // lmdb's native code may have written "Write error: … size N" to stderr without a newline.
    process.stderr.write(`\nerror: ${e.message}\n`);
    return EXIT_FAILED;
  }
  if (e?.name === 'AudioInputError' || e?.name === 'FileFailedError' || e?.name === 'CacheDamagedError') {
    process.stderr.write(`error: ${e.message}\n`);
    return EXIT_FAILED;
  }
  // Unexpected: the message, and the stack only when asked for.
  process.stderr.write(debug ? `error: ${e?.stack ?? String(err)}\n` : `error: ${e?.message ?? String(err)} (--debug prints the stack trace)\n`);
  return EXIT_FAILED;
}

const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) {
  // Exit explicitly: worker pools and tfjs backends must not keep a finished run alive.
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

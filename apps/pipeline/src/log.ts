import cliProgress from 'cli-progress';

/**
 * Run output. Progress lines go to stdout; bars (TTY only) draw on stderr so stdout stays a clean
 * log whose last line is the run directory.
 */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  /**
   * A progress bar on a TTY; nothing otherwise (callers print plain summary lines). With `unit`,
   * the bar shows the rate (`files/s`); `note` is appended (e.g. the whole run's ETA).
   */
  progress(label: string, total: number, options?: { unit?: string; note?: string }): Progress;
}

export interface Progress {
  update(done: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const silentProgress: Progress = { update() {}, stop() {} };

export function createLogger(opts: { quiet?: boolean; tty?: boolean } = {}): Logger {
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  return {
    info: (line) => {
      if (!opts.quiet) process.stdout.write(`${line}\n`);
    },
    warn: (line) => process.stderr.write(`${line}\n`),
    progress(label, total, options = {}) {
      if (!tty || opts.quiet || total <= 0) return silentProgress;
      const started = Date.now();
      const rate = options.unit ? ` | {rate} ${options.unit}/s` : '';
      const note = options.note ? ` | ${options.note}` : '';
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {value}/{total}${rate} | ETA {eta_formatted}${note} {status}`,
          stream: process.stderr,
          hideCursor: true,
          // The run's ETA and the batch loss follow the bar; a short bar keeps them in 100 columns.
          barsize: 20,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { status: '', rate: '–' });
      return {
        update: (done, payload) =>
          bar.update(done, {
            rate: (done / Math.max(1e-3, (Date.now() - started) / 1000)).toFixed(1),
            status: payload ? Object.entries(payload).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(4) : v}`).join(' ') : '',
          }),
        stop: () => bar.stop(),
      };
    },
  };
}

/** Learning-rate schedules, evaluated once per epoch (as PyTorch schedulers stepped per epoch). */
export type ScheduleSpec =
  | { kind: 'constant' }
  /** lr · gamma^floor(epoch / stepSize). */
  | { kind: 'step'; stepSize: number; gamma?: number /* 0.1 */ }
  /** Cosine from lr to minLr over the run, after optional linear warm-up epochs. */
  | { kind: 'cosine'; minLr?: number /* 0 */; warmupEpochs?: number /* 0 */ }
  /** Multiply by factor when the monitored metric has not improved for `patience` epochs. */
  | { kind: 'plateau'; monitor?: 'val_loss' | 'loss'; factor?: number /* 0.1 */; patience?: number /* 10 */; minLr?: number /* 0 */; threshold?: number /* 1e-4, relative */ };

export interface ScheduleState {
  lr: number;
  best: number;
  badEpochs: number;
}

/** Stateful schedule: `lrForEpoch(e)` before epoch e (0-based), `observe(metrics)` after it. */
export class LrSchedule {
  private state: ScheduleState;

  constructor(
    private readonly spec: ScheduleSpec,
    private readonly baseLr: number,
    private readonly epochs: number,
  ) {
    if (!(baseLr > 0)) throw new RangeError(`lr must be > 0, got ${baseLr}`);
    if (spec.kind === 'step' && !(Number.isInteger(spec.stepSize) && spec.stepSize > 0)) {
      throw new RangeError(`schedule.stepSize must be a positive integer, got ${spec.stepSize}`);
    }
    this.state = { lr: baseLr, best: Infinity, badEpochs: 0 };
  }

  lrForEpoch(epoch: number): number {
    const s = this.spec;
    switch (s.kind) {
      case 'constant':
        return this.baseLr;
      case 'step':
        return this.baseLr * (s.gamma ?? 0.1) ** Math.floor(epoch / s.stepSize);
      case 'cosine': {
        const warmup = s.warmupEpochs ?? 0;
        const minLr = s.minLr ?? 0;
        if (epoch < warmup) return (this.baseLr * (epoch + 1)) / (warmup + 1);
        const span = Math.max(1, this.epochs - warmup);
        return minLr + ((this.baseLr - minLr) * (1 + Math.cos((Math.PI * (epoch - warmup)) / span))) / 2;
      }
      case 'plateau':
        return this.state.lr;
    }
  }

  /** The metric a plateau schedule watches ('val_loss' by default), or null for other kinds. */
  get monitor(): 'val_loss' | 'loss' | null {
    return this.spec.kind === 'plateau' ? (this.spec.monitor ?? 'val_loss') : null;
  }

  observe(value: number | undefined): void {
    const s = this.spec;
    if (s.kind !== 'plateau' || value === undefined) return;
    const threshold = s.threshold ?? 1e-4;
    if (value < this.state.best * (1 - threshold)) {
      this.state.best = value;
      this.state.badEpochs = 0;
    } else if (++this.state.badEpochs > (s.patience ?? 10)) {
      this.state.lr = Math.max(s.minLr ?? 0, this.state.lr * (s.factor ?? 0.1));
      this.state.badEpochs = 0;
    }
  }

  getState(): ScheduleState {
    return { ...this.state };
  }

  setState(state: ScheduleState): void {
    this.state = { ...state };
  }
}

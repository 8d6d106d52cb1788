import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  /** Default 0.9, as PyTorch. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8, added to √v̂ as PyTorch does (tfjs adds it to √v, a slightly different update). */
  epsilon?: number;
  /** Decoupled weight decay (AdamW); default 0. */
  weightDecay?: number;
}

export interface AdamState {
  step: number;
  /** First and second moment of each variable, flattened, in variable order. */
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam with PyTorch's exact update: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε). Its state is readable and restorable for checkpoints.
 */
export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly variables: tf.Variable[],
    options: AdamOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  }

  /** Applies one update with gradients in variable order. */
  apply(grads: tf.Tensor[], lr: number): void {
    if (grads.length !== this.variables.length) throw new Error(`Adam: got ${grads.length} gradients for ${this.variables.length} variables`);
    this.step += 1;
    const bc1 = 1 - this.beta1 ** this.step;
    const sqrtBc2 = Math.sqrt(1 - this.beta2 ** this.step);
    tf.tidy(() => {
      this.variables.forEach((p, i) => {
        const g = grads[i]!;
        const m = this.m[i]!.mul(this.beta1).add(g.mul(1 - this.beta1));
        const v = this.v[i]!.mul(this.beta2).add(g.square().mul(1 - this.beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const denom = v.sqrt().div(sqrtBc2).add(this.epsilon);
        let next = p.sub(m.div(denom).mul(lr / bc1));
        if (this.weightDecay > 0) next = next.sub(p.mul(lr * this.weightDecay));
        p.assign(next);
      });
    });
  }

  getState(): AdamState {
    return {
      step: this.step,
      m: this.m.map((x) => x.dataSync().slice() as Float32Array),
      v: this.v.map((x) => x.dataSync().slice() as Float32Array),
    };
  }

  setState(state: AdamState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new Error(`Adam state holds ${state.m.length} moments, the model has ${this.m.length} trainable variables`);
    }
    this.step = state.step;
    const restore = (vars: tf.Variable[], values: Float32Array[]) =>
      vars.forEach((x, i) => {
        if (values[i]!.length !== x.size) throw new Error(`Adam state: moment ${i} has ${values[i]!.length} values, variable has ${x.size}`);
        tf.tidy(() => x.assign(tf.tensor(values[i]!, x.shape, 'float32')));
      });
    restore(this.m, state.m);
    restore(this.v, state.v);
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

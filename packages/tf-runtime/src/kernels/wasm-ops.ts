import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;
type Inputs = Record<string, TensorInfo>;
type Attrs = Record<string, unknown>;
type RawKernelFunc = (args: { inputs: Inputs; attrs: Attrs; backend: BackendWasm }) => TensorInfo | TensorInfo[];

/** The wasm backend's internals our kernels use (public fields, not in its .d.ts). */
export interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): TensorInfo;
  dataIdMap: {
    get(dataId: tf.DataId): { id: number; memoryOffset: number } | undefined;
    has(dataId: tf.DataId): boolean;
    delete(dataId: tf.DataId): boolean;
  };
  wasm: BackendWasm['wasm'] & { HEAPF32: Float32Array; tfjs: { disposeData(id: number): void } };
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  incRef(dataId: tf.DataId): void;
}

/**
 * Calls stock wasm kernels directly (not through tf ops, which would record on the tape
 * and track intermediates in the engine) and frees their intermediates.
 */
export class WasmOps {
  private readonly temps: TensorInfo[] = [];
  private readonly views: TensorInfo[] = [];

  constructor(
    readonly backend: BackendWasm & WasmBackendInternals,
    private readonly stock: ReadonlyMap<string, RawKernelFunc>,
  ) {}

  run(name: string, inputs: Inputs, attrs: Attrs = {}): TensorInfo {
    const kernel = this.stock.get(name);
    if (kernel === undefined) throw new Error(`tf-runtime: stock wasm kernel '${name}' is not available`);
    const out = kernel({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) throw new Error(`tf-runtime: kernel '${name}' returned several outputs`);
    return out;
  }

  /** Like run, but the result is freed by `release()`. */
  temp(name: string, inputs: Inputs, attrs: Attrs = {}): TensorInfo {
    const out = this.run(name, inputs, attrs);
    this.temps.push(out);
    return out;
  }

  /** Frees `info` with the other temporaries. */
  own(info: TensorInfo): void {
    this.temps.push(info);
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.temp('Transpose', { x }, { perm });
  }

  concat(xs: TensorInfo[], axis: number): TensorInfo {
    const kernel = this.stock.get('Concat');
    if (kernel === undefined) throw new Error(`tf-runtime: stock wasm kernel 'Concat' is not available`);
    // Concat takes its inputs as an array, not a name → tensor map.
    const out = kernel({ inputs: xs as unknown as Inputs, attrs: { axis }, backend: this.backend });
    if (Array.isArray(out)) throw new Error('tf-runtime: Concat returned several outputs');
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.temp('Reshape', { x }, { shape });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.temp('Slice', { x }, { begin, size });
  }

  /**
   * A tensor over `byteOffset`.. of existing wasm memory, without copying. Only valid
   * while the owner lives; freed (without freeing the memory) by `release()`.
   */
  view(owner: TensorInfo, elementOffset: number, shape: number[]): TensorInfo {
    const owned = this.backend.dataIdMap.get(owner.dataId);
    if (owned === undefined) throw new Error('tf-runtime: view of a tensor the wasm backend does not hold');
    const info = this.backend.makeOutput(shape, 'float32', owned.memoryOffset + 4 * elementOffset);
    this.views.push(info);
    return info;
  }

  /** Byte offset of a tensor's data in the wasm heap. */
  offsetOf(info: TensorInfo): number {
    const data = this.backend.dataIdMap.get(info.dataId);
    if (data === undefined) throw new Error('tf-runtime: tensor not held by the wasm backend');
    return data.memoryOffset;
  }

  /** Frees every temporary made since construction; call in `finally`. */
  release(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    for (const v of this.views) this.dropView(v);
    this.views.length = 0;
  }

  /** Unregisters a view: drops XNNPACK operators cached on it, keeps the memory. */
  dropView(view: TensorInfo): void {
    if (!this.backend.dataIdMap.has(view.dataId)) return;
    const data = this.backend.dataIdMap.get(view.dataId)!;
    this.backend.wasm.tfjs.disposeData(data.id);
    this.backend.dataIdMap.delete(view.dataId);
  }
}

export type { RawKernelFunc, TensorInfo, Attrs, Inputs };

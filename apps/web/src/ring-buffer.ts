/** The last `capacity` samples of a stream: push chunks of any size, read them oldest first. */
export class RingBuffer {
  private readonly data: Float32Array;
  private writeAt = 0;
  private count = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`RingBuffer: capacity must be a positive integer, got ${capacity}`);
    this.data = new Float32Array(capacity);
  }

  /** Samples held (at most `capacity`). */
  get length(): number {
    return this.count;
  }

  /** Samples pushed since the start (or `clear`): the stream position just past the newest sample. */
  get total(): number {
    return this.pushed;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  push(chunk: ArrayLike<number>): void {
    const n = chunk.length;
    const src = chunk instanceof Float32Array ? chunk : Float32Array.from(chunk);
    // Only the newest `capacity` samples of a long chunk can survive.
    const from = Math.max(0, n - this.capacity);
    const take = n - from;
    const first = Math.min(take, this.capacity - this.writeAt);
    this.data.set(src.subarray(from, from + first), this.writeAt);
    if (take > first) this.data.set(src.subarray(from + first, n), 0);
    this.writeAt = (this.writeAt + take) % this.capacity;
    this.count = Math.min(this.capacity, this.count + take);
    this.pushed += n;
  }

  /** A copy of the samples held, oldest first. */
  read(): Float32Array {
    const out = new Float32Array(this.count);
    const start = (this.writeAt - this.count + this.capacity) % this.capacity;
    const first = Math.min(this.count, this.capacity - start);
    out.set(this.data.subarray(start, start + first), 0);
    if (this.count > first) out.set(this.data.subarray(0, this.count - first), first);
    return out;
  }

  clear(): void {
    this.writeAt = 0;
    this.count = 0;
    this.pushed = 0;
  }
}

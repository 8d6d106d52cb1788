/**
 * Where training examples come from: `read(indices)` returns the examples at `indices`
 * concatenated row-major (`indices.length × sampleShape[0] × sampleShape[1]`), either from memory
 * or streamed from an on-disk cache. Labels are class indices.
 */
export interface BatchSource {
  size: number;
  /** [nMels, nFrames] of one example. */
  sampleShape: [number, number];
  labels: Int32Array;
  read(indices: ArrayLike<number>): Promise<Float32Array> | Float32Array;
}

/** A BatchSource over examples already in memory (`data.length = size × nMels × nFrames`). */
export function arraySource(data: Float32Array, labels: Int32Array, sampleShape: [number, number]): BatchSource {
  const sampleSize = sampleShape[0] * sampleShape[1];
  if (data.length !== labels.length * sampleSize) {
    throw new RangeError(`arraySource: data has ${data.length} values, expected ${labels.length} labels × ${sampleShape.join('×')} = ${labels.length * sampleSize}`);
  }
  return {
    size: labels.length,
    sampleShape,
    labels,
    read(indices) {
      const out = new Float32Array(indices.length * sampleSize);
      for (let i = 0; i < indices.length; i++) {
        const index = indices[i]!;
        if (!(index >= 0 && index < labels.length && Number.isInteger(index))) {
          throw new RangeError(`arraySource: sample index ${index} is outside 0..${labels.length - 1}`);
        }
        const start = index * sampleSize;
        out.set(data.subarray(start, start + sampleSize), i * sampleSize);
      }
      return out;
    },
  };
}

/** Reads a batch and checks that the source returned the promised number of values. */
export async function readBatch(source: BatchSource, indices: ArrayLike<number>): Promise<Float32Array> {
  const data = await source.read(indices);
  const expected = indices.length * source.sampleShape[0] * source.sampleShape[1];
  if (data.length !== expected) {
    throw new RangeError(`BatchSource.read returned ${data.length} values for ${indices.length} examples of ${source.sampleShape.join('×')} (expected ${expected})`);
  }
  return data;
}

/** Throws unless every label is a class index in [0, nClasses). */
export function checkSourceLabels(source: BatchSource, nClasses: number, name: string): void {
  if (source.labels.length !== source.size) {
    throw new RangeError(`${name}: labels has ${source.labels.length} entries but size is ${source.size}`);
  }
  for (let i = 0; i < source.labels.length; i++) {
    const c = source.labels[i]!;
    if (c < 0 || c >= nClasses) throw new RangeError(`${name}: labels[${i}] = ${c} is not a class index in [0, ${nClasses})`);
  }
}

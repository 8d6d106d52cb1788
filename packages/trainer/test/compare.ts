/** Largest |a − b| over matching lists of arrays (weights, Adam moments). */
export const maxDiff = (a: Float32Array[], b: Float32Array[]): number =>
  Math.max(...a.map((w, i) => Math.max(...w.map((x, k) => Math.abs(x - b[i]![k]!)))));

// Fixtures shared by the cache tests and their child processes (plain JS: the children run
// without a TypeScript loader).

/** Deterministic pseudo-random tensor for entry `i` (so any reader can check what a writer wrote). */
export function syntheticTensor(i, shape = [16, 8]) {
  const data = new Float32Array(shape[0] * shape[1]);
  let state = (i * 2654435761 + 1) >>> 0;
  for (let j = 0; j < data.length; j++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[j] = (state / 2 ** 32) * 160 - 80;
  }
  return { data, shape: [...shape] };
}

export function syntheticKey(i) {
  return `entry-${String(i).padStart(6, '0')}`;
}

/**
 * One well-mixed 32-bit seed from one integer seed (the murmur3 finaliser over
 * `seed ^ 0x9e3779b9`), so that neighbouring seeds 0, 1, 2… start unrelated streams. The seed is
 * taken as an int32 (`seed | 0`). dataset-io's splits use `new Mulberry32(hashSeed(seed))`.
 */
export function hashSeed(seed: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Mixes several integers (each taken as an int32) into one well-distributed 32-bit seed, one
 * splitmix-style finaliser round per part; order matters. For streams keyed by several values,
 * e.g. the demo's `mixSeed(seed, classIndex, clipIndex)`: each clip gets its own stream.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = (h + Math.imul((part | 0) ^ 0x85ebca6b, 0x9e3779b9)) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
    h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export { Rng, type MutableArrayLike } from './rng.js';
export { Xoshiro128, type Xoshiro128State } from './xoshiro128.js';
export { Mulberry32 } from './mulberry32.js';
export { hashSeed, mixSeed } from './seed.js';

import type { BackendChoice } from '@earshot/tf-runtime';

/** Data-parallel options: each global batch is split across worker threads. */
export interface ParallelOptions {
  /** Number of worker threads; default: one per core (os.availableParallelism()). */
  workers?: number;
  /** Backend each worker initialises through @earshot/tf-runtime; default: the calling thread's backend. */
  backend?: BackendChoice;
  /** oneDNN threads per worker on the native backend; default: cores / workers (at least 1). */
  nativeThreads?: number;
}

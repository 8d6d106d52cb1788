// Cache keys: independent of the storage backend and free of lmdb, so it is also exported alone as
// `@earshot/feature-cache/keys` (feature workers hash files without loading lmdb).
import { createHash } from 'node:crypto';

/** Content hash of a file's bytes (sha256, hex). */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * JSON with object keys sorted at every level, so two equal parameter sets give one string
 * whatever order their keys were written in. `undefined` members are dropped (as JSON.stringify
 * does), so `{ fmax: undefined }` and `{}` name the same parameters.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Float32Array || value instanceof Float64Array) return Array.from(value);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`featureKey: parameter value ${value} is not a finite number`);
  }
  return value;
}

export interface FeatureKeyParts {
  /** `hashBytes` of the audio file's bytes: the key follows content, not the file name. */
  audioHash: string;
  /** Decode and resample parameters (sr, mono, resample quality, duration, …). */
  decode: object;
  /** Feature parameters (nMels, nFft, hopLength, powerToDb ref, …). */
  features: object;
  /** Version of the feature code; bump it when the computation changes. */
  codeVersion: string;
}

const CONTENT_HASH = /^[0-9a-f]{16,}$/;

/**
 * The cache key of one feature tensor: sha256 of the parameters' digest and the audio hash.
 * The parameters (canonical JSON) are hashed once per keyer, so keying a dataset costs one short
 * sha256 per file.
 */
export function featureKeyer(params: Omit<FeatureKeyParts, 'audioHash'>): (audioHash: string) => string {
  const paramsDigest = createHash('sha256')
    .update(canonicalJson({ decode: params.decode, features: params.features, code: params.codeVersion }))
    .digest('hex');
  return (audioHash) => {
    if (!CONTENT_HASH.test(audioHash)) throw new Error(`featureKey: audioHash "${audioHash}" is not a hex content hash`);
    return createHash('sha256').update(`${paramsDigest}:${audioHash}`).digest('hex');
  };
}

export function featureKey(parts: FeatureKeyParts): string {
  return featureKeyer(parts)(parts.audioHash);
}

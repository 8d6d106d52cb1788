// Claims let processes sharing a cache split the work of computing missing entries.
import { hostname } from 'node:os';

/** An in-flight computation of an entry by some process (see `FeatureStore.claim`). */
export interface Claim {
  owner: string;
  host: string;
  pid: number;
  expiresMs: number;
}

export const DEFAULT_CLAIM_TTL_MS = 5 * 60_000;

export function newClaim(owner: string, ttlMs: number, now = Date.now()): Claim {
  return { owner, host: hostname(), pid: process.pid, expiresMs: now + ttlMs };
}

/** Whether `claim` still binds `owner` out: another owner's, unexpired, and its process may be running. */
export function claimHeldAgainst(claim: Claim | undefined, owner: string, now = Date.now()): boolean {
  return claim !== undefined && claim.owner !== owner && claim.expiresMs > now && ownerAlive(claim);
}

/** A claim from a process on this host that no longer runs (e.g. killed) lapses at once. */
function ownerAlive(claim: Claim): boolean {
  if (claim.host !== hostname()) return true; // can't tell: trust the expiry
  if (claim.pid === process.pid) return true;
  try {
    process.kill(claim.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

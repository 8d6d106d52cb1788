const DURATION_UNITS: Record<string, number> = {
  ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000,
};
const BYTE_UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
  k: 1e3, m: 1e6, g: 1e9, t: 1e12,
};

/** '7d', '12h', '30m', '90s', '500ms' → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const scale = match ? DURATION_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || scale === undefined) {
    throw new Error(`bad duration "${text}": expected a number and a unit (ms, s, m, h, d, w), e.g. 7d`);
  }
  return Number(match[1]) * scale;
}

/** '2GB', '500MB', '1.5GiB', '1024' → bytes (KB/MB/GB are decimal, KiB/MiB/GiB binary). */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const scale = match ? (match[2] === '' ? 1 : BYTE_UNITS[match[2]!.toLowerCase()]) : undefined;
  if (!match || scale === undefined) {
    throw new Error(`bad size "${text}": expected a number and a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. 2GB`);
  }
  return Math.round(Number(match[1]) * scale);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  const days = ms / 86_400_000;
  if (days >= 1) return `${days.toFixed(1)} d`;
  const hours = ms / 3_600_000;
  if (hours >= 1) return `${hours.toFixed(1)} h`;
  return `${Math.round(ms / 60_000)} min`;
}

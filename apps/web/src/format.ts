/** "91.2%" (one decimal; "<0.1%" for what rounds to nothing but is not zero). */
export function percent(p: number): string {
  if (p > 0 && p < 0.0005) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

/** Seconds as "1.50 s". */
export function seconds(s: number): string {
  return `${s.toFixed(2)} s`;
}

/** A window's span, "0.00–2.00 s". */
export function span(start: number, end: number): string {
  return `${start.toFixed(2)}–${end.toFixed(2)} s`;
}

/** Milliseconds, "35 ms" or "1.24 s". */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** 2757827 → "2.76 M". */
export function count(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

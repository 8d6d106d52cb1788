/** One colour per label (by its index in the model's label list), the same in every panel. */
const PALETTE = ['#2563eb', '#c2410c', '#047857', '#be185d', '#6d28d9', '#0e7490', '#4d7c0f', '#b91c1c', '#475569', '#a21caf'];

export function labelColor(labels: readonly string[], label: string): string {
  const i = labels.indexOf(label);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length]!;
}

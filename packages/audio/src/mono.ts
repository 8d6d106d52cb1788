/**
 * Mean of the channels, as librosa.to_mono (numpy float32 mean: sequential float32 sum, then divide).
 * A single channel is returned as is.
 */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (!first) throw new Error('toMono: no channels');
  if (channels.length === 1) return first;
  const n = first.length;
  const out = new Float32Array(n);
  const count = channels.length;
  for (let i = 0; i < n; i++) {
    let sum = first[i]!;
    for (let c = 1; c < count; c++) sum = Math.fround(sum + channels[c]![i]!);
    out[i] = sum / count;
  }
  return out;
}

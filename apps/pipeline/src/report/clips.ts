import { loadAudio } from '@earshot/dataset-io';
import type { TestMetrics } from '../run-metrics.js';

/** How many misclassified clips the report embeds, and how much of each: the report stays about 1 MB at most. */
const MAX_CLIPS = 20;
const SECONDS = 4;
/** Enough bandwidth to recognise a word or a sound; 8-bit keeps a second at 11 KB. */
const SAMPLE_RATE = 11025;

/**
 * Small playable copies of the first misclassified clips, as `data:audio/wav` URIs: the first
 * 4 s, mono 11.025 kHz 8-bit PCM. A file that can no longer be read gets no player.
 */
export async function misclassifiedClips(test: TestMetrics): Promise<Map<string, string>> {
  const clips = new Map<string, string>();
  for (const { path } of test.misclassified.slice(0, MAX_CLIPS)) {
    try {
      const { y } = await loadAudio(path, { sr: SAMPLE_RATE });
      clips.set(path, `data:audio/wav;base64,${Buffer.from(wavUint8(y.subarray(0, SECONDS * SAMPLE_RATE), SAMPLE_RATE)).toString('base64')}`);
    } catch {
      // Moved or deleted since the run: the row stays, without a player.
    }
  }
  return clips;
}

/** Mono unsigned 8-bit PCM WAV, peak-normalised so quiet clips stay audible. */
function wavUint8(y: Float32Array, sampleRate: number): Uint8Array {
  let peak = 0;
  for (const v of y) peak = Math.max(peak, Math.abs(v));
  const gain = peak > 0 ? 0.9 / peak : 0;
  const out = new Uint8Array(44 + y.length);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + y.length, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate, true);
  view.setUint16(32, 1, true);
  view.setUint16(34, 8, true);
  ascii(36, 'data');
  view.setUint32(40, y.length, true);
  for (let i = 0; i < y.length; i++) out[44 + i] = Math.max(0, Math.min(255, Math.round(128 + 127 * gain * y[i]!)));
  return out;
}

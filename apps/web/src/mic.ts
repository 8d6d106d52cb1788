import { latestOnset, liveAlignment, type Classifier, type LabelScore, type LiveAlignment } from '@earshot/classifier';
import { errorReason } from '@earshot/audio';
import { rmsDbfs } from './level.js';
import { RingBuffer } from './ring-buffer.js';

/** How often the live view re-classifies the last window (ms). */
export const LIVE_INTERVAL_MS = 250;

export type MicState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'listening'; buffered: number; needed: number }
  | { kind: 'live' }
  | { kind: 'waiting' }
  | { kind: 'error'; message: string };

export interface MicCallbacks {
  topK: () => number;
  onState: (state: MicState) => void;
  onLevel: (dbfs: number) => void;
  onTop: (top: LabelScore[], ms: number) => void;
}

/**
 * The microphone, classified live: an AudioWorklet posts mono chunks into a ring buffer (at the
 * context's rate); every LIVE_INTERVAL_MS a window is classified, unless the previous classification
 * is still running. Which window follows how the training clips were cut (`liveAlignment`): the
 * latest one, or, for clips cut from their start, the window starting at the latest sound's onset
 * (once a whole window has followed it; each onset is classified once).
 */
export class LiveMic {
  private stream: MediaStream | null = null;
  private context: AudioContext | null = null;
  private node: AudioWorkletNode | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ring: RingBuffer | null = null;
  private busy = false;
  private session = 0;
  /** Stream position of the last onset classified (onset alignment). */
  private lastOnset = -Infinity;
  private window = 0;
  readonly alignment: LiveAlignment;

  constructor(
    private readonly classifier: Classifier,
    private readonly cb: MicCallbacks,
  ) {
    this.alignment = liveAlignment(classifier.recipe);
  }

  get running(): boolean {
    return this.context !== null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const session = ++this.session;
    this.cb.onState({ kind: 'starting' });
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser gives no microphone access here (it needs https or localhost)');
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
      });
      if (session !== this.session) return stopTracks(stream);
      this.stream = stream;
      const context = new AudioContext();
      this.context = context;
      await context.audioWorklet.addModule(new URL('./capture-worklet.js', document.baseURI).href);
      if (session !== this.session) return;
      const source = context.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(context, 'earshot-capture', { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      this.node = node;
      // One model window (windowLength samples at recipe.sr) at the context's rate, rounded down so
      // that resampling it gives at most one window.
      const needed = Math.floor((this.classifier.windowLength * context.sampleRate) / this.classifier.sampleRate);
      this.window = needed;
      // Onset alignment looks back two windows: a sound's start, and a whole window after it.
      this.ring = new RingBuffer(this.alignment === 'onset' ? 2 * needed : needed);
      this.lastOnset = -Infinity;
      node.port.onmessage = (e: MessageEvent<Float32Array>) => {
        this.ring?.push(e.data);
        this.cb.onLevel(rmsDbfs(e.data));
      };
      source.connect(node);
      // The node writes silence; connecting it to the output keeps it pulled in every browser.
      node.connect(context.destination);
      await context.resume();
      this.cb.onState({ kind: 'listening', buffered: 0, needed });
      this.timer = setInterval(() => void this.tick(session), LIVE_INTERVAL_MS);
    } catch (err) {
      await this.stop();
      this.cb.onState({ kind: 'error', message: micError(err) });
      throw err;
    }
  }

  private async tick(session: number): Promise<void> {
    const ring = this.ring;
    const context = this.context;
    if (this.busy || !ring || !context || session !== this.session) return;
    if (ring.length < this.window) {
      this.cb.onState({ kind: 'listening', buffered: ring.length, needed: this.window });
      return;
    }
    const samples = this.nextWindow(ring, context.sampleRate);
    if (!samples) {
      this.cb.onState({ kind: 'waiting' });
      return;
    }
    this.busy = true;
    try {
      const t0 = performance.now();
      const prediction = await this.classifier.classifySamples(samples, context.sampleRate, { topK: this.cb.topK(), name: '<microphone>' });
      if (session !== this.session) return;
      this.cb.onTop(prediction.top, performance.now() - t0);
      this.cb.onState({ kind: 'live' });
    } catch (err) {
      if (session === this.session) this.cb.onState({ kind: 'error', message: `classification failed: ${errorReason(err)}` });
    } finally {
      this.busy = false;
    }
  }

  /** The window to classify now, or null while no new sound has a whole window after its onset. */
  private nextWindow(ring: RingBuffer, sampleRate: number): Float32Array | null {
    const held = ring.read();
    if (this.alignment === 'latest') return held.subarray(held.length - this.window);
    const onset = latestOnset(held, sampleRate, this.window);
    if (onset === null) return null;
    const position = ring.total - held.length + onset;
    // The same onset seen again from a later tick (within 10 ms) is not a new sound.
    if (Math.abs(position - this.lastOnset) < sampleRate / 100) return null;
    this.lastOnset = position;
    return held.subarray(onset, onset + this.window);
  }

  /** Releases the microphone and closes the audio context. */
  async stop(): Promise<void> {
    this.session++;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
    }
    this.node = null;
    if (this.stream) stopTracks(this.stream);
    this.stream = null;
    const context = this.context;
    this.context = null;
    this.ring = null;
    this.busy = false;
    if (context && context.state !== 'closed') await context.close().catch(() => {});
    this.cb.onState({ kind: 'idle' });
  }
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function micError(err: unknown): string {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'microphone permission was denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no microphone was found';
  if (name === 'NotReadableError') return 'the microphone is in use by another program';
  return errorReason(err);
}

/**
 * AudioWorklet processor "earshot-capture": posts the mono input (channels averaged, as librosa's
 * to_mono does) to the main thread in Float32Array chunks of CHUNK frames, transferred, not copied.
 */

// The AudioWorkletGlobalScope declarations this file uses (not in TypeScript's DOM lib).
interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
declare const AudioWorkletProcessor: { prototype: AudioWorkletProcessorBase; new (): AudioWorkletProcessorBase };
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessorBase & { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean }): void;

/** ~21 ms at 48 kHz: about 47 messages a second. */
const CHUNK = 1024;

class CaptureProcessor extends AudioWorkletProcessor {
  private buffer = new Float32Array(CHUNK);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0]!.length;
    const scale = 1 / channels.length;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i]!;
      this.buffer[this.filled++] = channels.length === 1 ? sum : sum * scale;
      if (this.filled === CHUNK) {
        this.port.postMessage(this.buffer, [this.buffer.buffer]);
        this.buffer = new Float32Array(CHUNK);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('earshot-capture', CaptureProcessor);

export {};

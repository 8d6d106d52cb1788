export { ensureDemoDataset, resolveDemoParams, demoClipPath, DEMO_GENERATOR_VERSION, DEMO_MANIFEST } from './dataset.js';
export type { DemoDatasetOptions, DemoManifest, DemoParams } from './dataset.js';
export { generateClip, DEMO_LABELS, DEMO_SAMPLE_RATE } from './generate.js';
export type { ClipSpec, DemoLabel } from './generate.js';
export { encodeWavPcm16 } from './wav.js';

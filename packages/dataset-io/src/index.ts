export { decodeAudio, type AudioData, type DecodeOptions } from './audio/decode.js';
export { loadAudio, type LoadOptions, type LoadedAudio } from './audio/load.js';
export { resample, type ResampleQuality } from './audio/resample.js';
export { toMono } from './audio/mono.js';
export { readWavHeader, type WavHeader } from './audio/wav.js';
export { AudioInputError, applyErrorPolicy, toProblem, type OnError, type Problem } from './problems.js';
export { scanDataset, FSDD_PATTERN } from './scan/scan.js';
export { parseCsv } from './scan/csv.js';
export { DEFAULT_AUDIO_EXTENSIONS, type AudioItem, type DatasetSource, type DownloadSpec, type ScanResult } from './scan/types.js';
export { splitItems, splitManifest, presetSplit, type Split, type SplitName, type SplitResult, type SplitRule, type SplitSpec } from './split.js';
export {
  buildScanReport,
  isProblem,
  probeAudio,
  renderScanReport,
  type AudioProbe,
  type DuplicateSet,
  type HistogramBin,
  type ScanReport,
  type ScanReportInput,
} from './report.js';
export { ensureDownloaded, type DownloadResult } from './download.js';

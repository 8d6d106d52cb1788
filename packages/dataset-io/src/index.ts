export {
  AudioInputError,
  decodeAudio,
  errorReason,
  prepareResampler,
  readWavHeader,
  resample,
  resampledLength,
  resamplerStatus,
  resolveResType,
  toMono,
  type AudioData,
  type DecodeOptions,
  type ResampleOptions,
  type ResampleQuality,
  type ResType,
  type ResTypeOption,
  type WavHeader,
} from '@earshot/audio';
export { loadAudio, type LoadOptions, type LoadedAudio } from './audio/load.js';
export { applyErrorPolicy, toProblem, type OnError, type Problem } from './problems.js';
export { scanDataset, FSDD_PATTERN } from './scan/scan.js';
export { detectLayout, type LayoutGuess } from './scan/detect.js';
export { chooseDuration, type DurationChoice } from './duration.js';
export { parseCsv } from './scan/csv.js';
export { DEFAULT_AUDIO_EXTENSIONS, type AudioItem, type DatasetPreset, type DatasetSource, type DownloadSpec, type ScanResult } from './scan/types.js';
export { readSplitList } from './scan/split-list.js';
export { splitItems, splitManifest, presetSplit, type Split, type SplitName, type SplitResult, type SplitRule, type SplitSpec } from './split.js';
export {
  buildScanReport,
  isProblem,
  probeAudio,
  renderScanReport,
  renderScanSummary,
  type AudioProbe,
  type DuplicateSet,
  type HistogramBin,
  type ScanReport,
  type ScanReportInput,
} from './report.js';
export { ensureDownloaded, type DownloadResult } from './download.js';

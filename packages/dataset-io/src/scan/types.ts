import type { Problem } from '../problems.js';

export interface AudioItem {
  path: string;
  label: string;
  group?: string;
  index?: number;
  fold?: number;
}

export const DEFAULT_AUDIO_EXTENSIONS = ['.wav', '.flac', '.mp3', '.ogg', '.oga', '.opus', '.m4a', '.aac', '.aiff', '.aif', '.caf', '.webm'] as const;

export interface DownloadSpec {
  url: string;
  /** Expected sha256 of the archive, hex. */
  sha256: string;
}

export type DatasetSource =
  /**
   * One sub-folder per class under `root` (nested folders allowed; the top one is the label).
   * `pattern`, a regex on file names with named groups `group`, `index` or `fold`, adds those
   * (a speaker or recording id for a group split) while the folders give the labels.
   */
  | { kind: 'folder'; root: string; extensions?: readonly string[]; pattern?: RegExp | string }
  /** Labels from file names: a regex with named groups `label`, and optional `group`, `index`, `fold`. */
  | { kind: 'filename'; root: string; pattern: RegExp | string; extensions?: readonly string[] }
  /** A CSV manifest; `audioDir` (default `root`) is where relative paths resolve. */
  | {
      kind: 'csv';
      root: string;
      manifest: string;
      audioDir?: string;
      columns: { path: string; label: string; fold?: string; group?: string };
      /**
       * A path built from several columns, e.g. UrbanSound8K's `fold{fold}/{slice_file_name}`;
       * each `{name}` is that column's value. Replaces the `path` column.
       */
      pathTemplate?: string;
    }
  /** Known public datasets. `download` fetches and verifies the archive when `root` has no data. */
  | { kind: 'preset'; preset: DatasetPreset; root: string; download?: DownloadSpec };

/** Public datasets whose layout, labels and official split earshot knows. */
export type DatasetPreset = 'fsdd' | 'esc50' | 'urbansound8k';

export interface ScanResult {
  items: AudioItem[];
  /** Sorted class names. */
  classes: string[];
  /** Files or folders that cannot be used. */
  problems: Problem[];
  /** Usable but suspicious: a class with a single file, files outside any class folder, … */
  warnings: Problem[];
}

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
  /** One sub-folder per class under `root` (nested folders allowed; the top one is the label). */
  | { kind: 'folder'; root: string; extensions?: readonly string[] }
  /** Labels from file names: a regex with named groups `label`, and optional `group`, `index`, `fold`. */
  | { kind: 'filename'; root: string; pattern: RegExp | string; extensions?: readonly string[] }
  /** A CSV manifest; `audioDir` (default `root`) is where relative paths resolve. */
  | {
      kind: 'csv';
      root: string;
      manifest: string;
      audioDir?: string;
      columns: { path: string; label: string; fold?: string; group?: string };
    }
  /** Known public datasets. `download` fetches and verifies the archive when `root` has no data. */
  | { kind: 'preset'; preset: 'fsdd' | 'esc50'; root: string; download?: DownloadSpec };

export interface ScanResult {
  items: AudioItem[];
  /** Sorted class names. */
  classes: string[];
  /** Files or folders that cannot be used. */
  problems: Problem[];
  /** Usable but suspicious: a class with a single file, files outside any class folder, … */
  warnings: Problem[];
}

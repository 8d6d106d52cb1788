/**
 * `run.json` of a web export (written by `pipeline export <run-dir> --web <out>` beside the page):
 * what the page shows about the model next to it.
 */
export interface RunInfo {
  format: 'earshot-web-export';
  version: 1;
  /** The run directory's name, e.g. "demo-20261201-034404". */
  run: string;
  /** The experiment's name. */
  name: string;
  created: string;
  exportedAt: string;
  labels: string[];
  model: { name: string; params: number };
  test: null | {
    accuracy: number;
    balanced_accuracy: number;
    macro_f1: number;
    weighted_f1: number;
    top_k: Record<string, number>;
    n: number;
    per_class: { label: string; precision: number; recall: number; f1: number; support: number }[];
  };
  features: { res_type: string; shape: [number, number] };
}

export const RUN_INFO_FORMAT = 'earshot-web-export';

/** Checks the parts the page relies on; throws naming what is wrong. */
export function parseRunInfo(value: unknown, source = 'run.json'): RunInfo {
  const v = value as Partial<RunInfo> | null;
  if (!v || typeof v !== 'object') throw new Error(`${source} is not a JSON object`);
  if (v.format !== RUN_INFO_FORMAT) throw new Error(`${source} is not an earshot web export (format ${JSON.stringify(v.format)}, expected "${RUN_INFO_FORMAT}")`);
  if (v.version !== 1) throw new Error(`${source} has version ${JSON.stringify(v.version)}; this page reads version 1`);
  if (!Array.isArray(v.labels) || !v.labels.every((l) => typeof l === 'string')) throw new Error(`${source} has no labels list`);
  return v as RunInfo;
}

// librosa's side of bench:features, measured in the same run: librosa_features.py in the venv that
// scripts/setup-librosa.sh makes. Where it is absent the bench says so and prints no figure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './workspace.js';

export interface LibrosaMeasure {
  /** Wall-clock files/s, one thread. */
  rate: number;
  cpuPerFile: number;
  /** CPU ms per file: librosa.load (decode + soxr_hq), melspectrogram + power_to_db. */
  stages: { load: number; melDb: number };
  versions: Record<string, string>;
}

const bench = () => join(workspaceRoot(), 'apps', 'bench');
const python = () => join(bench(), '.venv', 'bin', 'python');

/** Why librosa cannot be measured here, or null when it can. */
export function librosaMissing(): string | null {
  return existsSync(python()) ? null : 'run apps/bench/scripts/setup-librosa.sh';
}

/** Runs the Python twin over `files`; throws with its stderr when it fails. */
export async function measureLibrosa(files: readonly string[]): Promise<LibrosaMeasure> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-librosa-'));
  try {
    const list = join(dir, 'files.txt');
    await writeFile(list, `${files.join('\n')}\n`);
    const run = spawnSync(python(), [join(bench(), 'librosa_features.py'), '--files-from', list], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.status !== 0) throw new Error(`librosa_features.py failed (exit ${run.status}): ${run.stderr.trim().split('\n').pop()}`);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      files_per_s: number;
      cpu_ms_per_file: number;
      stages_cpu_ms: { load: number; mel_db: number };
      versions: Record<string, string>;
    };
    return { rate: out.files_per_s, cpuPerFile: out.cpu_ms_per_file, stages: { load: out.stages_cpu_ms.load, melDb: out.stages_cpu_ms.mel_db }, versions: out.versions };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

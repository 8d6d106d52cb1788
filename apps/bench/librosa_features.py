"""librosa's side of `pnpm bench:features`: the seed recipe's features, single-threaded.

librosa.load(sr=22050, res_type='soxr_hq') -> melspectrogram(n_mels=128) -> power_to_db(ref=np.max),
file after file, after one warm-up file (numba compiles on first use).
Usage: .venv/bin/python librosa_features.py --files-from list.txt
Prints one JSON line: {"files", "files_per_s", "cpu_ms_per_file", "stages_cpu_ms": {"load", "mel_db"}, "versions"}.
"""
import os

# One core, as earshot's single-threaded row: set before numpy loads its BLAS.
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMBA_NUM_THREADS'):
    os.environ[var] = '1'

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import librosa  # noqa: E402
import numpy as np  # noqa: E402
import soxr  # noqa: E402


def features(path):
    y, sr = librosa.load(path, sr=22050, res_type='soxr_hq')
    t = time.process_time()
    S = librosa.feature.melspectrogram(y=y, sr=sr, n_mels=128)
    librosa.power_to_db(S, ref=np.max)
    return time.process_time() - t


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--files-from', required=True, help='text file, one audio path per line')
    args = parser.parse_args()
    with open(args.files_from) as f:
        files = [line.strip() for line in f if line.strip()]
    features(files[0])  # warm-up
    mel_db = 0.0
    c0, t0 = time.process_time(), time.perf_counter()
    for path in files:
        mel_db += features(path)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({
        'files': len(files),
        'files_per_s': len(files) / wall,
        'cpu_ms_per_file': 1000 * cpu / len(files),
        'stages_cpu_ms': {'load': 1000 * (cpu - mel_db) / len(files), 'mel_db': 1000 * mel_db / len(files)},
        'versions': {'librosa': librosa.__version__, 'soxr': soxr.__version__, 'numpy': np.__version__},
    }))


if __name__ == '__main__':
    main()

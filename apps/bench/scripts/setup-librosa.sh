#!/usr/bin/env bash
# The librosa side of `pnpm bench:features`: a venv over the system's python3 at apps/bench/.venv
# (gitignored) with librosa 0.11.0, soxr and numba, installed offline from a local wheelhouse.
# Idempotent: a venv that already imports them is left as it is.
# Usage: apps/bench/scripts/setup-librosa.sh   (EARSHOT_WHEELHOUSE=<dir>, default /opt/pypi/files)
set -euo pipefail
bench="$(cd "$(dirname "$0")/.." && pwd)"
venv="$bench/.venv"
wheels="${EARSHOT_WHEELHOUSE:-/opt/pypi/files}"
check='import librosa, soxr, numba; assert librosa.__version__ == "0.11.0", librosa.__version__'

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" 2>/dev/null; then
  echo "setup-librosa: ready ($venv)"
  exit 0
fi
if ! command -v python3 >/dev/null; then
  echo "setup-librosa: python3 is missing (apt-get install python3 python3-venv)" >&2
  exit 1
fi
if [ ! -d "$wheels" ]; then
  echo "setup-librosa: no wheelhouse at $wheels; set EARSHOT_WHEELHOUSE to a folder holding the wheels of librosa 0.11.0, soxr, numba and their dependencies" >&2
  exit 1
fi
if ! python3 -m venv "$venv"; then
  echo "setup-librosa: python3 -m venv failed (apt-get install python3-venv)" >&2
  exit 1
fi
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --no-index --find-links "$wheels" librosa==0.11.0 soxr numba; then
  echo "setup-librosa: $wheels lacks a wheel pip needs (named above); add it to the wheelhouse and run this again" >&2
  exit 1
fi
"$venv/bin/python" -c "$check"
echo "setup-librosa: ready ($venv: $("$venv/bin/python" -c 'import librosa, soxr, numba; print(f"librosa {librosa.__version__}, soxr {soxr.__version__}, numba {numba.__version__}")'))"

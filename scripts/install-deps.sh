#!/usr/bin/env bash
# Installs what ArrowQuant needs to build, test and run, from Debian 12 packages. Idempotent:
# packages already present are skipped. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev qt6-svg-dev qt6-qpa-plugins fonts-dejavu-core
  libtbb-dev libeigen3-dev libhdf5-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-numpy xvfb xauth poppler-utils
  # PyTorch and h5py: the calibration recorder and the end-to-end evaluation (scripts/calibrate.py,
  # scripts/evaluate.py), and h5py as the independent reader of HDF5 outputs in the tests.
  # Optional for the application itself.
  python3-torch python3-h5py
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the third-party GGUF reader in the tests. A machine may have them from
# another package of Node (which bundles npm): only a machine without node gets Debian's.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The npm packages the tests use, pinned by tests/gguf_reader/package-lock.json.
reader="$(dirname "$0")/../tests/gguf_reader"
if [ ! -d "$reader/node_modules/@huggingface/gguf" ]; then
  echo "install-deps: installing @huggingface/gguf for the GGUF reader test"
  npm ci --prefix "$reader" --no-audit --no-fund --loglevel=error
fi

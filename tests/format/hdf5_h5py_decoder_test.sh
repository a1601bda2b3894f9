#!/usr/bin/env bash
# Reads HDF5 outputs of several schemes with h5py (scripts/aq_h5py_decode.py, numpy and h5py only,
# following docs/FORMAT.md) and checks the decoded tensors are bit-identical to arrowquant-cli
# dequantize. h5py is Debian's python3-h5py, which scripts/install-deps.sh installs: without it the
# test fails, as a reader a user has must be checked.
set -euo pipefail
root=$1
export PYTHONDONTWRITEBYTECODE=1  # the decoder imports aq_numpy_decode: no __pycache__ in scripts/
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$AQ_CLI" make-model demo -o "$tmp/demo.safetensors" >/dev/null
for opts in "--bits 2" "--bits 3 --group-size 48" "--bits 4 --symmetric" "--bits 8 --group-size channel" "--bits 4 --method minmax"; do
  rm -f "$tmp/q.h5" "$tmp/d.safetensors"
  "$AQ_CLI" quantize "$tmp/demo.safetensors" -o "$tmp/q.h5" $opts --no-progress >/dev/null
  "$AQ_CLI" dequantize "$tmp/q.h5" -o "$tmp/d.safetensors" --dtype f32 >/dev/null
  echo "== $opts"
  "$PYTHON" "$root/scripts/aq_h5py_decode.py" "$tmp/q.h5" --check "$tmp/d.safetensors" | tail -1
done

#!/usr/bin/env bash
# Decodes packed files of every bit width and scheme with scripts/aq_numpy_decode.py (numpy only,
# following docs/FORMAT.md) and checks the result is bit-identical to arrowquant-cli dequantize.
set -euo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$AQ_CLI" make-model demo -o "$tmp/demo.safetensors" >/dev/null
for opts in "--bits 2" "--bits 3 --group-size 48" "--bits 4 --symmetric" "--bits 8 --group-size channel" "--bits 4 --method minmax"; do
  "$AQ_CLI" quantize "$tmp/demo.safetensors" -o "$tmp/q.safetensors" $opts --no-progress >/dev/null
  "$AQ_CLI" dequantize "$tmp/q.safetensors" -o "$tmp/d.safetensors" --dtype f32 >/dev/null
  echo "== $opts"
  "$PYTHON" "$root/scripts/aq_numpy_decode.py" "$tmp/q.safetensors" --check "$tmp/d.safetensors" | tail -1
done

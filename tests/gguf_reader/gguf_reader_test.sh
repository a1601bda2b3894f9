#!/usr/bin/env bash
# GGUF files read by a third-party parser: @huggingface/gguf (npm, installed by
# scripts/install-deps.sh into tests/gguf_reader/node_modules) must see exactly the tensors,
# dims, types, offsets and metadata that ArrowQuant's report says it wrote, for every type.
# Usage: AQ_CLI=... gguf_reader_test.sh SOURCE_DIR
set -euo pipefail
here="$1/tests/gguf_reader"
if [ ! -d "$here/node_modules/@huggingface/gguf" ]; then
  echo "@huggingface/gguf is not installed: run scripts/install-deps.sh"; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$AQ_CLI" make-model demo -o "$work/demo.safetensors" >/dev/null
for type in f32 f16 bf16 q8_0 q5_0 q5_1 q4_0 q4_1 q6_k q5_k q4_k q3_k q2_k; do
  out="$work/demo-$type.gguf"
  "$AQ_CLI" quantize "$work/demo.safetensors" -o "$out" --type "$type" --arch flux --no-progress \
    --report "$work/report.json" >/dev/null 2>"$work/err.txt" || { cat "$work/err.txt"; exit 1; }
  node "$here/read_gguf.mjs" "$out" >"$work/read.json"
  "${PYTHON:-python3}" "$here/check_gguf.py" "$work/read.json" "$work/report.json" "$out" flux
  rm -f "$out"
done

#!/usr/bin/env bash
# ctest bench_pipeline_smoke: the whole benchmark pipeline on tiny inputs (a smoke test, not a
# timing gate): kernels, numpy baseline (when Debian's numpy is there), end to end, accuracy and
# the report, into a temporary folder.
#   smoke_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
BIN=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RAW="$TMP/report/benchmark/raw"
mkdir -p "$RAW"
"$BIN/arrowquant-cli" make-model demo -o "$TMP/demo.safetensors" >/dev/null
"$BIN/aq_bench_kernels" --aq_profile=smoke --benchmark_min_time=0.01 --aq_dump_matrix="$TMP/m.npy" \
  --benchmark_out="$RAW/kernels.json" --benchmark_out_format=json >/dev/null
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  /usr/bin/python3 "$SRC/bench/numpy_baseline.py" "$TMP/m.npy" --out "$RAW/numpy.json" --repetitions 1 --bits 4 >/dev/null
fi
"$BIN/aq_bench_e2e" --cli "$BIN/arrowquant-cli" --work "$TMP/work" --out "$RAW/e2e.json" --memory-bits 4 \
  --scaling-reps 1 --model demo="$TMP/demo.safetensors" 2>/dev/null
"$BIN/aq_bench_accuracy" --out "$RAW/accuracy.json" --no-matrices --bits 4 --groups 64 \
  --model demo="$TMP/demo.safetensors" 2>/dev/null
echo '{"profile": "smoke", "steps": [], "models": []}' > "$RAW/run.json"
"$BIN/aq_bench_report" --raw "$RAW" --md "$TMP/report/BENCHMARK_REPORT.md" --html "$TMP/report/benchmark/report.html" \
  --assets "$TMP/report/benchmark" >/dev/null
grep -q "Goals: measured value" "$TMP/report/BENCHMARK_REPORT.md"
grep -q "<svg" "$TMP/report/benchmark/report.html"
echo "bench pipeline smoke test passed"

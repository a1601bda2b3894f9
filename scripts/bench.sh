#!/usr/bin/env bash
# The benchmark suite in one command (issue 4). Builds what it needs, generates the synthetic
# models, runs every benchmark and writes docs/BENCHMARK_REPORT.md, docs/benchmark/report.html,
# the charts and the raw JSON they come from.
#
#   bash scripts/bench.sh [--full] [--with-7b] [--keep-models] [--report-dir DIR]
#
#   (default)      quick profile, a few minutes: demo (33M) and DiT-B/2-shaped (130M) models
#   --full         adds the DiT-XL/2-shaped model (675M), the whole kernel grid, more repetitions
#   --with-7b      adds the Dream-7B / Qwen2.5-7B-shaped model (7.6B parameters, about 15 GB of
#                  disk under $AQ_BENCH_DIR, deleted after the run unless --keep-models)
#   --keep-models  keep the 7B model file afterwards (the small ones are always kept, as a cache)
#   --report-dir   where BENCHMARK_REPORT.md and benchmark/ go (default: docs)
#
# Environment: AQ_BENCH_DIR (models and scratch files, default build/bench-models),
# AQ_BENCH_BUILD_DIR (default build-bench), PYTHON (default /usr/bin/python3, needs numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PROFILE=quick
WITH_7B=0
KEEP=0
REPORT_DIR=docs
ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --full) PROFILE=full ;;
    --with-7b) WITH_7B=1 ;;
    --keep-models) KEEP=1 ;;
    --report-dir) REPORT_DIR="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
  shift
done

BENCH_DIR=${AQ_BENCH_DIR:-build/bench-models}
BUILD_DIR=${AQ_BENCH_BUILD_DIR:-build-bench}
PYTHON=${PYTHON:-/usr/bin/python3}
RAW="$REPORT_DIR/benchmark/raw"
WORK="$BENCH_DIR/work"
mkdir -p "$BENCH_DIR" "$WORK" "$RAW"
BIN="$BUILD_DIR/bin"
CLI="$BIN/arrowquant-cli"

log() { printf '\n== %s\n' "$*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# CPU seconds used by the whole machine (all processes) and by this script's children: their
# difference over a step is what other processes took from it (the machine may be shared).
machine_cpu() { awk '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / 100 }' /proc/stat; }
children_cpu() {  # `times` must run in this shell, not in a pipeline's subshell
  times > "$WORK/.times"
  awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$WORK/.times"
}
NCPU=$(nproc)
STEPS=""
add_step() {  # name, command, seconds[, other processes' share of the machine in %]
  [ -n "$STEPS" ] && STEPS="$STEPS,"
  STEPS="$STEPS
  {\"name\": $(json_str "$1"), \"command\": $(json_str "$2"), \"seconds\": $3, \"others_cpu_percent\": ${4:-null}}"
}
run_step() {  # name, command...
  local name=$1; shift
  log "$name: $*"
  local t0 m0 c0 secs others
  t0=$(now); m0=$(machine_cpu); children_cpu > "$WORK/.c0"; c0=$(cat "$WORK/.c0")
  "$@" || return $?
  secs=$(since "$t0")
  children_cpu > "$WORK/.c1"
  others=$(awk -v m="$(machine_cpu)" -v m0="$m0" -v c="$(cat "$WORK/.c1")" -v c0="$c0" -v t="$secs" -v n="$NCPU" \
    'BEGIN { o = (m - m0) - (c - c0); if (o < 0) o = 0; printf "%.1f", (t > 0 ? 100 * o / (t * n) : 0) }')
  add_step "$name" "$*" "$secs" "$others"
  echo "   ($name: ${secs%.*} s; other processes used ${others}% of the machine meanwhile)" >&2
}

# --- the 7B shape needs disk: check before doing anything else
if [ "$WITH_7B" = 1 ]; then
  need_gb=26  # 15.3 GB model + up to 7.7 GB INT8 output + margin
  have_kb=$(df -Pk "$BENCH_DIR" | awk 'NR==2 {print $4}')
  have_gb=$((have_kb / 1024 / 1024))
  if [ ! -f "$BENCH_DIR/dream-7b.safetensors" ] && [ "$have_gb" -lt "$need_gb" ]; then
    echo "bench.sh: --with-7b needs about $need_gb GB free under $BENCH_DIR (15 GB model + the largest output);" >&2
    echo "          only $have_gb GB are free there. Point AQ_BENCH_DIR at a larger disk or run without --with-7b." >&2
    exit 1
  fi
fi

START_ISO=$(date -Iseconds)
T_START=$(now)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY=$(pgrep -c cc1plus || true)
if [ "${BUSY:-0}" -gt 0 ]; then
  echo "bench.sh: warning: $BUSY compiler process(es) running; timings will be noisy on a shared machine." >&2
fi

# --- build (only the targets the suite needs). With Qt the report's memory and per-layer charts
# are also drawn by the desktop application's chart classes; without it, SVG charts only.
if [ ! -f "$BUILD_DIR/build.ninja" ] && [ ! -f "$BUILD_DIR/Makefile" ]; then
  GEN=(); command -v ninja >/dev/null && GEN=(-G Ninja)
  if ! run_step configure cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DAQ_BUILD_GUI=ON; then
    echo "bench.sh: configuring with the GUI failed (Qt 6 missing?); building without it." >&2
    rm -rf "$BUILD_DIR"
    run_step configure cmake -S . -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DAQ_BUILD_GUI=OFF
  fi
fi
run_step build cmake --build "$BUILD_DIR" -j"$(nproc)" --target arrowquant-cli aq_bench_kernels aq_bench_e2e \
  aq_bench_accuracy aq_bench_gptq aq_bench_report
APP_CHARTS=0
if grep -q "aq_bench_app_charts" "$BUILD_DIR/build.ninja" "$BUILD_DIR/Makefile" 2>/dev/null; then
  if cmake --build "$BUILD_DIR" -j"$(nproc)" --target aq_bench_app_charts >"$WORK/app_charts_build.log" 2>&1; then
    APP_CHARTS=1
  else
    echo "bench.sh: the application's chart classes did not build (see $WORK/app_charts_build.log); SVG charts only." >&2
  fi
fi

# The machine the figures come from, for a report regenerated later or elsewhere.
"$BIN/aq_bench_report" --record-machine "$RAW/machine.json"

# --- models
MODELS_JSON=""
E2E_MODELS=()
ACC_MODELS=()
model() {  # preset, shape description
  local preset=$1 shape=$2 path="$BENCH_DIR/$1.safetensors" reused=true cmd gen_s=0
  cmd="$CLI make-model $preset -o $path"
  if [ ! -f "$path" ] || [ "$path" -ot core/demo/synthetic_recipes.cpp ] || [ "$path" -ot core/demo/synthetic_model.cpp ]; then
    reused=false
    local t0; t0=$(now)
    log "generating $preset: $cmd"
    $cmd
    gen_s=$(since "$t0")
  fi
  local params
  params=$("$CLI" inspect "$path" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["params"])' 2>/dev/null || echo 0)
  [ -n "$MODELS_JSON" ] && MODELS_JSON="$MODELS_JSON,"
  MODELS_JSON="$MODELS_JSON
  {\"name\": \"$preset\", \"shape_of\": $(json_str "$shape"), \"path\": $(json_str "$path"), \"params\": $params,
   \"file_bytes\": $(stat -c %s "$path"), \"command\": $(json_str "$cmd"), \"generate_seconds\": $gen_s, \"reused\": $reused}"
  E2E_MODELS+=(--model "$preset=$path")
}
T0=$(now)
model demo "DiT-S/2 (the built-in demo model)"
model dit-b2 "DiT-B/2"
[ "$PROFILE" = full ] && model dit-xl2 "DiT-XL/2"
[ "$WITH_7B" = 1 ] && model dream-7b "Dream-7B / Qwen2.5-7B"
add_step models "$CLI make-model PRESET -o $BENCH_DIR/PRESET.safetensors (reused when up to date)" "$(since "$T0")"
ACC_MODELS=(--model "demo=$BENCH_DIR/demo.safetensors" --model "dit-b2=$BENCH_DIR/dit-b2.safetensors")
[ "$PROFILE" = full ] && ACC_MODELS+=(--model "dit-xl2=$BENCH_DIR/dit-xl2.safetensors")

# --- profile settings
if [ "$PROFILE" = full ]; then
  KREPS=5; KMIN=0.2; MEMREPS=3; SCALEREPS=5; NPREPS=5
else
  KREPS=3; KMIN=0.1; MEMREPS=1; SCALEREPS=3; NPREPS=3
fi

# --- kernels and the machine's roof (one process, same run)
run_step kernels "$BIN/aq_bench_kernels" --aq_profile="$PROFILE" --aq_read_mib=2048 --aq_dump_matrix="$WORK/matrix.npy" \
  --benchmark_repetitions=$KREPS --benchmark_min_time=$KMIN --benchmark_enable_random_interleaving=true \
  --benchmark_display_aggregates_only=true \
  --benchmark_out="$RAW/kernels.json" --benchmark_out_format=json

# Google Benchmark writes indented JSON; the committed copy is compacted (same content).
"$PYTHON" -c 'import json, sys; p = sys.argv[1]; d = json.load(open(p)); json.dump(d, open(p, "w"), separators=(",", ":"))' \
  "$RAW/kernels.json" 2>/dev/null || true

# --- numpy baseline on the same matrix
if "$PYTHON" -c 'import numpy' 2>/dev/null; then
  run_step numpy "$PYTHON" bench/numpy_baseline.py "$WORK/matrix.npy" --out "$RAW/numpy.json" --repetitions $NPREPS
else
  echo "bench.sh: $PYTHON has no numpy (install Debian's python3-numpy); the numpy baseline is skipped." >&2
  rm -f "$RAW/numpy.json"
fi
rm -f "$WORK/matrix.npy"

# --- memory, end to end, scaling: every run its own process
run_step e2e "$BIN/aq_bench_e2e" --cli "$CLI" --work "$WORK" --out "$RAW/e2e.json" \
  --memory-reps $MEMREPS --scaling-reps $SCALEREPS "${E2E_MODELS[@]}"

# --- accuracy
run_step accuracy "$BIN/aq_bench_accuracy" --out "$RAW/accuracy.json" "${ACC_MODELS[@]}"

# --- calibrated quantization (issue 9): the compensation's GFLOP/s against Eigen's GEMM, then a
# whole calibrated model (DiT-XL/2 in the full profile, DiT-B/2 otherwise) with a synthetic
# calibration file, streaming and batch, each its own process under /usr/bin/time
run_step gptq "$BIN/aq_bench_gptq" --benchmark_repetitions=$KREPS --benchmark_display_aggregates_only=true \
  --benchmark_out="$RAW/gptq.json" --benchmark_out_format=json
"$PYTHON" -c 'import json, sys; p = sys.argv[1]; d = json.load(open(p)); json.dump(d, open(p, "w"), separators=(",", ":"))' \
  "$RAW/gptq.json" 2>/dev/null || true
calibrated_runs() {
  local name=$1 path="$BENCH_DIR/$1.safetensors" cal="$WORK/$1-cal.h5" runs="" t0 gen_s largest_k secs kib
  t0=$(now)
  "$CLI" make-calibration "$path" -o "$cal" >/dev/null
  gen_s=$(since "$t0")
  largest_k=$("$PYTHON" -c 'import h5py, sys
f = h5py.File(sys.argv[1], "r"); ks = []
f["layers"].visititems(lambda n, o: ks.append(o.shape[-1]) if isinstance(o, h5py.Dataset) and n.endswith("hessian") else None)
print(max(ks))' "$cal" 2>/dev/null || echo null)
  for what in plain streaming batch; do
    local args=(quantize "$path" -o "$WORK/cal-$what.safetensors" --threads 0)
    [ "$what" = plain ] || args+=(--calibration "$cal" --mode "$what")
    log "calibration ($what): $CLI ${args[*]}"
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$CLI" "${args[@]}" >/dev/null 2>"$WORK/cal-$what.log" || return 1
    read -r secs kib < "$WORK/time.txt"
    [ -n "$runs" ] && runs="$runs,"
    runs="$runs
    {\"run\": \"$what\", \"command\": $(json_str "arrowquant-cli ${args[*]}"), \"seconds\": $secs, \"peak_rss_bytes\": $((kib * 1024))}"
  done
  local identical=false
  cmp -s "$WORK/cal-streaming.safetensors" "$WORK/cal-batch.safetensors" && identical=true
  cat > "$RAW/calibration.json" <<EOF
{
 "model": "$name",
 "params": $("$CLI" inspect "$path" --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["params"])'),
 "threads": $NCPU,
 "calibration_file_bytes": $(stat -c %s "$cal"),
 "calibration_generate_seconds": $gen_s,
 "largest_k": $largest_k,
 "streaming_and_batch_identical": $identical,
 "runs": [$runs
 ]
}
EOF
  rm -f "$cal" "$WORK"/cal-*.safetensors
}
CAL_MODEL=dit-b2
[ "$PROFILE" = full ] && CAL_MODEL=dit-xl2
run_step calibration calibrated_runs "$CAL_MODEL" ||
  { echo "bench.sh: the calibrated runs failed (see $WORK/cal-*.log); their report rows say so." >&2; rm -f "$RAW/calibration.json"; }

# --- end to end on a real diffusion model: the MNIST DDPM of ../shared/models, float against
# dequantized weights (about 5 minutes; without torch/h5py or the model, the JSON says why it was skipped)
run_step e2e_quality "$PYTHON" bench/e2e_quality.py --cli "$CLI" --work "$WORK/e2e_quality" --out "$RAW/e2e_quality.json" ||
  { echo "bench.sh: bench/e2e_quality.py failed; its report section will say it did not run." >&2; rm -f "$RAW/e2e_quality.json"; }

if [ "$WITH_7B" = 1 ] && [ "$KEEP" = 0 ]; then
  log "deleting $BENCH_DIR/dream-7b.safetensors (use --keep-models to keep it)"
  rm -f "$BENCH_DIR/dream-7b.safetensors"
fi

# --- the report
GIT_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
GIT_DIRTY=false
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && GIT_DIRTY=true
TOTAL=$(since "$T_START")
cat > "$RAW/run.json" <<EOF
{
 "profile": "$PROFILE",
 "with_7b": $([ "$WITH_7B" = 1 ] && echo true || echo false),
 "command": $(json_str "bash scripts/bench.sh${ARGS:+ $ARGS}"),
 "started": "$START_ISO",
 "total_seconds": $TOTAL,
 "git_commit": "$GIT_COMMIT",
 "git_dirty": $GIT_DIRTY,
 "load_before": "$LOAD_BEFORE",
 "busy_compilers_before": ${BUSY:-0},
 "kernel_repetitions": $KREPS,
 "bench_dir": $(json_str "$BENCH_DIR"),
 "models": [$MODELS_JSON
 ],
 "steps": [$STEPS
 ]
}
EOF
log "report"
rm -f "$REPORT_DIR/benchmark/app_charts.json" "$REPORT_DIR"/benchmark/app_*.png
if [ "$APP_CHARTS" = 1 ]; then
  QT_QPA_PLATFORM=offscreen "$BIN/aq_bench_app_charts" --raw "$RAW" --assets "$REPORT_DIR/benchmark" ||
    echo "bench.sh: aq_bench_app_charts failed; SVG charts only." >&2
fi
"$BIN/aq_bench_report" --raw "$RAW" --md "$REPORT_DIR/BENCHMARK_REPORT.md" --html "$REPORT_DIR/benchmark/report.html" \
  --assets "$REPORT_DIR/benchmark"
printf '\nbench.sh: %s profile finished in %.0f s\n' "$PROFILE" "$TOTAL"

#!/usr/bin/env bash
# Runs every fuzz loop under AddressSanitizer + UBSan for about SECONDS (default 600) in total:
#   - the generator/mutation loops of tests/fuzz (aq_fuzz_tests: safetensors headers, packed
#     metadata for dequantize/compare, sharded indexes, CLI argument vectors), each given a slice
#     of the time through AQ_FUZZ_SECONDS, after a replay of tests/fuzz/corpus;
#   - the HDF5 and GGUF mutation loops of tests/io/hdf5_fuzz_test.cpp and gguf_fuzz_test.cpp, and
#     the calibration-file loop of tests/calib/calibration_bad_input_test.cpp;
#   - the libFuzzer targets of tests/fuzz/libfuzzer (clang), each for its slice.
# Builds into build-fuzz-asan (-DAQ_SANITIZE=ON, the default compiler) and build-fuzz-libfuzzer
# (clang, -DAQ_BUILD_FUZZERS=ON), no GUI, no benchmarks, with AQ_FUZZ_JOBS parallel jobs (default 1).
# Exits non-zero if anything was found; inputs of findings are saved under build-fuzz-asan/fuzz-artifacts.
#
#   bash scripts/fuzz.sh [SECONDS]
#   environment: AQ_FUZZ_SEED (default: the time), AQ_FUZZ_JOBS, AQ_FUZZ_BUILD_DIR,
#                AQ_FUZZ_CASE_SECONDS (slow-case limit under the sanitizers, default 5)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOTAL=${1:-600}
JOBS=${AQ_FUZZ_JOBS:-1}
BUILD=${AQ_FUZZ_BUILD_DIR:-$ROOT/build-fuzz-asan}
SEED=${AQ_FUZZ_SEED:-$(date +%s)}
CASE_SECONDS=${AQ_FUZZ_CASE_SECONDS:-5}
RUN_ID=$(date +%Y%m%d-%H%M%S)-$$
ART=$BUILD/fuzz-artifacts/$RUN_ID
LOGS=$BUILD/fuzz-logs/$RUN_ID

log() { printf '[fuzz.sh] %s\n' "$*"; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

# ---- tools: clang with the libFuzzer and sanitizer runtimes --------------------------------------
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
apt_install() {
  command -v apt-get >/dev/null || return 1
  if ! apt-cache show "$@" >/dev/null 2>&1; then as_root apt-get update -qq || return 1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
CXX_BIN=$(command -v clang++ || command -v clang++-14 || true)
C_BIN=$(command -v clang || command -v clang-14 || true)
if [ -z "$CXX_BIN" ] || [ -z "$C_BIN" ]; then
  log "clang is missing: installing it with apt-get"
  apt_install clang || { log "cannot install clang"; exit 2; }
  CXX_BIN=$(command -v clang++) C_BIN=$(command -v clang)
fi
probe_dir=$(mktemp -d)
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe_dir/p.cpp"
if ! "$CXX_BIN" -fsanitize=fuzzer,address,undefined "$probe_dir/p.cpp" -o "$probe_dir/p" 2>/dev/null; then
  major=$("$CXX_BIN" -dumpversion | cut -d. -f1)
  log "clang cannot link a libFuzzer target: installing libclang-rt-$major-dev"
  apt_install "libclang-rt-$major-dev" || apt_install libclang-rt-dev || { log "cannot install the clang runtimes"; exit 2; }
  "$CXX_BIN" -fsanitize=fuzzer,address,undefined "$probe_dir/p.cpp" -o "$probe_dir/p" || { log "still cannot link"; exit 2; }
fi
rm -rf "$probe_dir"

# ---- build ---------------------------------------------------------------------------------------
# Two folders: the project's own sanitizer build (-DAQ_SANITIZE=ON, the default compiler) for the
# GoogleTest loops and the CLI, and a clang build holding only the libFuzzer targets.
HDF5_FUZZ=$ROOT/tests/io/hdf5_fuzz_test.cpp
GEN=(); command -v ninja >/dev/null && GEN=(-G Ninja)
build() {  # folder log-name cmake-args... -- targets...
  local dir=$1 name=$2; shift 2
  local args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done; shift
  targets=("$@")
  log "building ${targets[*]} in $dir (-j$JOBS)"
  local t0; t0=$(date +%s)
  mkdir -p "$dir"
  if ! cmake -S . -B "$dir" "${GEN[@]}" -DAQ_BUILD_GUI=OFF -DAQ_BUILD_BENCH=OFF "${args[@]}" >"$dir/fuzz-$name-configure.log" 2>&1; then
    cat "$dir/fuzz-$name-configure.log"; log "configure of $dir failed"; exit 2
  fi
  if ! cmake --build "$dir" -j"$JOBS" --target "${targets[@]}"; then log "build in $dir failed"; exit 2; fi
  log "built in $(( $(date +%s) - t0 )) s"
}
# Two runs at once would build in the same folders: the second waits for the first's build.
mkdir -p "$BUILD"
exec 9>"$BUILD/.fuzz-build.lock"
if command -v flock >/dev/null && ! flock -n 9; then log "another fuzz.sh is building in $BUILD: waiting"; flock 9; fi
gtest_targets=(aq_fuzz_tests arrowquant-cli)
{ [ -f "$HDF5_FUZZ" ] || [ -f "$ROOT/tests/io/gguf_fuzz_test.cpp" ]; } && gtest_targets+=(aq_io_tests)
[ -d "$ROOT/tests/calib" ] && gtest_targets+=(aq_calib_tests)
build "$BUILD" asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAQ_SANITIZE=ON -- "${gtest_targets[@]}"
LIBFUZZER_BUILD=${AQ_FUZZ_LIBFUZZER_BUILD_DIR:-$ROOT/build-fuzz-libfuzzer}
build "$LIBFUZZER_BUILD" libfuzzer -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$C_BIN" \
  -DCMAKE_CXX_COMPILER="$CXX_BIN" -DAQ_BUILD_FUZZERS=ON -- aq_fuzz_safetensors_header aq_fuzz_index_json aq_fuzz_packed_metadata

exec 9>&-  # builds done: release the lock
mkdir -p "$ART" "$LOGS"
# allocator_may_return_null: an absurd malloc (libhdf5 reading a corrupt size) fails as it would
# without ASan, and a C++ new of absurd size throws bad_alloc, which the loops report if it escapes.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:print_summary=1:allocator_may_return_null=1}
# libhdf5's own allocations are never freed: its atexit teardown is disabled (H5dont_atexit, see
# core/io/hdf5_types.cpp) and it leaks on some corrupt-file error paths. Leaks in our code still count.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/fuzz/lsan-libhdf5.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export AQ_FUZZ_ARTIFACTS=$ART AQ_FUZZ_SEED=$SEED AQ_FUZZ_CASE_SECONDS=$CASE_SECONDS
FUZZ_TESTS=$BUILD/tests/aq_fuzz_tests
FUZZERS=$LIBFUZZER_BUILD/tests/fuzz/libfuzzer

# ---- the time split -------------------------------------------------------------------------------
gtest_loops=(SafetensorsHeaderFuzz.GeneratedHeaders SafetensorsHeaderFuzz.ByteMutationsOfValidFiles
             PackedMetadataFuzz.DequantizeAndCompareMutatedOutputs ShardedIndexFuzz.GeneratedIndexesAndShards
             CliFuzz.RandomArgumentVectors)
weights=(2 1 3 2 1)  # packed metadata has the most to explore
# The mutation loops of aq_io_tests (HDF5, GGUF): one gtest filter over their suites.
hdf5_filter=""
io_fuzz_files=()
for f in "$HDF5_FUZZ" "$ROOT/tests/io/gguf_fuzz_test.cpp"; do [ -f "$f" ] && io_fuzz_files+=("$f"); done
if [ ${#io_fuzz_files[@]} -gt 0 ]; then
  hdf5_filter=$(grep -hoE '^(TEST|TEST_F|TEST_P)\(\s*[A-Za-z0-9_]+' "${io_fuzz_files[@]}" | sed -E 's/.*\(\s*//' | sort -u | sed 's/$/.*/' | paste -sd: -)
fi
libfuzzers=(aq_fuzz_safetensors_header aq_fuzz_index_json aq_fuzz_packed_metadata)
declare -A seeds_of=([aq_fuzz_safetensors_header]=safetensors [aq_fuzz_index_json]=index_json [aq_fuzz_packed_metadata]=packed_metadata)
wsum=0; for w in "${weights[@]}"; do wsum=$((wsum + w)); done
[ -n "$hdf5_filter" ] && wsum=$((wsum + 2))
[ -d "$ROOT/tests/calib" ] && wsum=$((wsum + 1))
units=$((wsum + 2 * ${#libfuzzers[@]}))  # each libFuzzer target weighs 2
replay_reserve=$(( TOTAL / 20 )); [ "$replay_reserve" -lt 5 ] && replay_reserve=5
budget=$(( TOTAL - replay_reserve )); [ "$budget" -lt "$units" ] && budget=$units
slice() { echo $(( budget * $1 / units )); }

# Prints "OURS CONTAINED": sanitizer reports in a log, split into those that are ours and those
# from a libhdf5 probe child (the stack passes through aq::hdf5_probe) whose first frame outside
# the sanitizer runtime is in libhdf5.
sanitizer_reports() {
  awk '
    /==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)/ { flush(); inrep = 1; leak = /LeakSanitizer/; probe = 0; first = ""; next }
    inrep && /^ *#[0-9]+ / && first == "" && $0 !~ /__interceptor_|sanitizer_common|libsanitizer|asan_|lsan_/ { first = $0 }
    inrep && /aq::hdf5_probe/ { probe = 1 }
    inrep && /==[0-9]+==ABORTING|^SUMMARY:/ { flush() }
    function flush() { if (inrep) { if (!leak && probe && first ~ /libhdf5/) c++; else o++ } inrep = 0 }
    END { flush(); printf "%d %d\n", o, c }' "$1"
}

summary=()   # "name|iterations|seconds|findings|status"
failed=0
record() { summary+=("$1|$2|$3|$4|$5"); [ "$4" != 0 ] && failed=1; [ "$5" != ok ] && failed=1; }

# Runs aq_fuzz_tests with a filter; fills the summary from its [ fuzz-summary ] lines.
run_gtest() {  # name filter seconds [extra env...]
  local name=$1 filter=$2 secs=$3; shift 3
  local out=$LOGS/$name.log start end rc
  start=$(date +%s.%N)
  env "$@" AQ_FUZZ_SECONDS="$secs" "$FUZZ_TESTS" --gtest_filter="$filter" >"$out" 2>&1; rc=$?
  end=$(date +%s.%N)
  local lines; lines=$(grep -h '^\[ fuzz-summary \]' "$out")
  if [ -z "$lines" ]; then
    record "$name" "?" "$(fsub "$end" "$start")" "1" "died(rc=$rc)"
  else
    while read -r line; do
      local loop iters sec finds
      loop=$(sed -nE 's/.*loop=([^ ]+).*/\1/p' <<<"$line"); iters=$(sed -nE 's/.*iterations=([^ ]+).*/\1/p' <<<"$line")
      sec=$(sed -nE 's/.* seconds=([^ ]+).*/\1/p' <<<"$line"); finds=$(sed -nE 's/.*findings=([^ ]+).*/\1/p' <<<"$line")
      [ "$sec" != "?" ] && sec=$(printf '%.1f' "$sec")
      record "$loop" "$iters" "$sec" "$finds" "$([ $rc = 0 ] && echo ok || echo "failed(rc=$rc)")"
    done <<<"$lines"
  fi
  grep -E 'fuzz-FINDING|fuzz-HANG|ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|^\[  FAILED' "$out" | head -5 | sed 's/^/    /'
}

log "seed $SEED; $TOTAL s in total: corpus replay, then ${#gtest_loops[@]} loops$([ -n "$hdf5_filter" ] && echo " + the HDF5 loop")$([ -d "$ROOT/tests/calib" ] && echo " + the calibration loop") + ${#libfuzzers[@]} libFuzzer targets"
run_start=$(date +%s)

log "corpus replay"
run_gtest corpus-replay '*.CorpusReplay' 0

for i in "${!gtest_loops[@]}"; do
  secs=$(slice "${weights[$i]}")
  log "${gtest_loops[$i]} for ${secs} s"
  run_gtest "${gtest_loops[$i]}" "${gtest_loops[$i]}" "$secs"
done

# A loop that knows only AQ_FUZZ_ITERATIONS: calibrated on 20 iterations, then scaled to its slice.
# A sanitizer report from a probe's child whose faulting frame is inside libhdf5 is a bug of
# libhdf5 on a corrupt file, contained by design (the parent refuses the file): counted apart.
run_iteration_loop() {  # name binary filter seconds
  local name=$1 bin=$2 filter=$3 secs=$4 t0 t1 iters start end rc ours contained finds done_iters
  log "$name loop ($filter): calibrating"
  t0=$(date +%s.%N); AQ_FUZZ_ITERATIONS=20 "$bin" --gtest_filter="$filter" >"$LOGS/$name-calibrate.log" 2>&1; t1=$(date +%s.%N)
  iters=$(awk -v s="$secs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", 20 * s / (b - a + 0.01) }'); [ "$iters" -lt 20 ] && iters=20
  log "$name loop: AQ_FUZZ_ITERATIONS=$iters (about ${secs} s)"
  start=$(date +%s.%N)
  AQ_FUZZ_ITERATIONS=$iters "$bin" --gtest_filter="$filter" >"$LOGS/$name.log" 2>&1; rc=$?
  end=$(date +%s.%N)
  read -r ours contained < <(sanitizer_reports "$LOGS/$name.log")
  finds=$(( $(grep -cE '^\[  FAILED|: Failure$|runtime error:' "$LOGS/$name.log") + ours ))
  [ "$contained" != 0 ] && log "$name loop: $contained libhdf5 fault(s) contained by the probe's child; inputs in $ART (libhdf5-probe-crash-*.h5)"
  grep -E '^\[  FAILED|: Failure$|runtime error:' "$LOGS/$name.log" | head -5 | sed 's/^/    /'
  done_iters=$(sed -nE 's/^\[ fuzz +\] [^:]+: ([0-9]+) iterations.*/\1/p' "$LOGS/$name.log" | awk "{ s += \$1 } END { if (NR) print s }")
  record "$name" "${done_iters:-$iters}" "$(fsub "$end" "$start")" "$finds" "$([ $rc = 0 ] && echo ok || echo "failed(rc=$rc)")"
}

if [ -n "$hdf5_filter" ]; then
  run_iteration_loop hdf5 "$BUILD/tests/aq_io_tests" "$hdf5_filter" "$(slice 2)"
fi
if [ -x "$BUILD/tests/aq_calib_tests" ]; then  # calibration files (docs/CALIBRATION.md) through whole runs
  run_iteration_loop calibration "$BUILD/tests/aq_calib_tests" 'CalibrationBadInput.MutatedFilesNeverCrash' "$(slice 1)"
fi

for f in "${libfuzzers[@]}"; do
  secs=$(slice 2)
  work=$BUILD/fuzz-corpus/$f; mkdir -p "$work"
  log "$f for ${secs} s"
  start=$(date +%s.%N)
  "$FUZZERS/$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -seed="$((SEED % 2147483647))" \
    -dict="$ROOT/tests/fuzz/libfuzzer/json.dict" -artifact_prefix="$ART/$f-" -print_final_stats=1 \
    "$work" "$ROOT/tests/fuzz/corpus/${seeds_of[$f]}" >"$LOGS/$f.log" 2>&1; rc=$?
  end=$(date +%s.%N)
  execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$LOGS/$f.log" | tail -1)
  crashes=$(grep -cE '^==[0-9]+==ERROR|^SUMMARY: |deadly signal|ERROR: libFuzzer' "$LOGS/$f.log")
  [ "$rc" != 0 ] && [ "$crashes" = 0 ] && crashes=1
  record "$f" "${execs:-?}" "$(fsub "$end" "$start")" "$crashes" "$([ $rc = 0 ] && echo ok || echo "failed(rc=$rc)")"
  grep -E '^==[0-9]+==ERROR|SUMMARY:|Test unit written|^tensor' "$LOGS/$f.log" | head -5 | sed 's/^/    /'
done

# ---- summary -------------------------------------------------------------------------------------
echo
echo "fuzz summary (seed $SEED, $(( $(date +%s) - run_start )) s of fuzzing; logs in $LOGS, inputs of findings in $ART)"
printf '  %-44s %12s %9s %9s  %s\n' loop iterations seconds findings status
for row in "${summary[@]}"; do
  IFS='|' read -r n it s f st <<<"$row"
  printf '  %-44s %12s %9s %9s  %s\n' "$n" "$it" "$s" "$f" "$st"
done
if [ "$failed" != 0 ]; then
  echo "FOUND SOMETHING: see the logs above (replay a gtest finding with the AQ_FUZZ_SEED/AQ_FUZZ_FIRST it prints)"
  exit 1
fi
echo "nothing found"

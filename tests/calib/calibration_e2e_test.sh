#!/usr/bin/env bash
# Calibrated quantization end to end on the real MNIST DDPM (docs/CALIBRATION.md):
#   recorder unit check (tests/calib/recorder_check.py), record a calibration file with
#   scripts/calibrate.py, quantize INT4 without and with --calibration, dequantize both, sample
#   both with scripts/evaluate.py (a different seed from the calibration run) and require the
#   calibrated model's final samples to be closer to the float model's (higher PSNR).
# Usage: AQ_CLI=... PYTHON=... calibration_e2e_test.sh SOURCE_DIR
# Exits 77 (ctest SKIP_RETURN_CODE) when ../shared/models or torch/h5py is missing.
# Knobs: CAL_SAMPLES (4), CAL_BUCKETS (5), EVAL_SAMPLES (32).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1   # keep the source tree clean
root=$1
py=${PYTHON:-python3}
model="$root/../shared/models/mnist-ddpm/ddpm_mnist_augmentation.safetensors"
cal_samples=${CAL_SAMPLES:-4}
cal_buckets=${CAL_BUCKETS:-5}
eval_samples=${EVAL_SAMPLES:-32}

if ! "$py" -c 'import torch, h5py, numpy' 2>/dev/null; then
  echo "SKIP: $py cannot import torch, h5py and numpy (Debian: python3-torch python3-h5py)"; exit 77
fi
"$py" "$root/tests/calib/recorder_check.py" "$root" | tail -3
if [ ! -f "$model" ]; then
  echo "SKIP: $model is absent (../shared/models is not part of a user's clone)"; exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== record: $cal_samples samples, seed 1, $cal_buckets buckets"
"$py" "$root/scripts/calibrate.py" mnist-ddpm --weights "$model" -o "$work/cal.h5" \
  --samples "$cal_samples" --seed 1 --buckets "$cal_buckets" --threads 1 >"$work/cal.log"
head -1 "$work/cal.log"

# The file matches the model: every group names a tensor of the model, k = its columns.
"$py" - "$work/cal.h5" "$model" "$root/scripts" <<'EOF'
import sys
import h5py, numpy as np
sys.path.insert(0, sys.argv[3])
from aq_safetensors import read_safetensors
_, t = read_safetensors(sys.argv[2])
with h5py.File(sys.argv[1], "r") as f:
    fmt = f.attrs["format"]
    assert (fmt.decode() if isinstance(fmt, bytes) else fmt) == "arrowquant-calibration"
    assert int(f.attrs["version"]) == 1
    B = len(f.attrs["bucket_edges"]) - 1
    for name, g in f["layers"].items():
        assert name in t, f"{name} is not a tensor of the model"
        k = t[name][0].size
        h = g["hessian"]
        assert h.shape == (B, k, k) and h.dtype == np.float32, (name, h.shape)
        assert g["count"].shape == (B,) and (g["count"][()] > 0).all(), name
        d = np.diagonal(h[()], axis1=1, axis2=2)
        assert (d >= 0).all() and np.isfinite(h[()]).all(), name
    conv = [n for n in f["layers"] if n.endswith("net.0.weight")]
    print(f"calibration file ok: {len(f['layers'])} layers, {B} buckets, conv layers {len(conv)}")
EOF

quantize_eval() {  # NAME [quantize options...]
  local name=$1; shift
  "$AQ_CLI" quantize "$model" -o "$work/$name.safetensors" --bits 4 --no-progress "$@" >"$work/$name.log" 2>&1 \
    || { cat "$work/$name.log"; exit 1; }
  "$AQ_CLI" dequantize "$work/$name.safetensors" -o "$work/$name-dq.safetensors" --dtype f32 >/dev/null
  "$py" "$root/scripts/evaluate.py" --float "$model" --quantized "$work/$name-dq.safetensors" \
    --samples "$eval_samples" --seed 7 --buckets "$cal_buckets" --threads 1 --json "$work/$name.json" | tail -2
}
field() {  # JSON KEY.KEY
  "$py" -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"
}

echo "== INT4, uncalibrated"
quantize_eval plain
plain_psnr=$(field "$work/plain.json" final.psnr_db)
plain_sqnr=$(field "$work/plain.json" eps.sqnr_db)
"$py" -c "import sys; p,s=float(sys.argv[1]),float(sys.argv[2]); sys.exit(0 if p > 12 and s > 15 else 1)" \
  "$plain_psnr" "$plain_sqnr" || { echo "FAIL: uncalibrated INT4 is implausibly bad (PSNR $plain_psnr dB, eps SQNR $plain_sqnr dB)"; exit 1; }

echo "== INT4, --calibration"
quantize_eval calibrated --calibration "$work/cal.h5"
cal_psnr=$(field "$work/calibrated.json" final.psnr_db)
cal_sqnr=$(field "$work/calibrated.json" eps.sqnr_db)
printf 'final-sample PSNR vs float (seed 7, %s samples): uncalibrated %.2f dB, calibrated %.2f dB\n' \
  "$eval_samples" "$plain_psnr" "$cal_psnr"
printf 'noise-prediction SQNR along the float trajectory: uncalibrated %.2f dB, calibrated %.2f dB\n' \
  "$plain_sqnr" "$cal_sqnr"
"$py" -c "import sys; sys.exit(0 if float(sys.argv[2]) > float(sys.argv[1]) else 1)" "$plain_psnr" "$cal_psnr" \
  || { echo "FAIL: calibration did not raise the final-sample PSNR"; exit 1; }
echo "calibration raises the final-sample PSNR"

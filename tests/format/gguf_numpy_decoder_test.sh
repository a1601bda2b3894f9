#!/usr/bin/env bash
# GGUF files decoded by scripts/aq_gguf_decode.py (numpy only, docs/GGUF_NUMPY.md) must be
# bit-identical, tensor by tensor, to what arrowquant-cli dequantize makes of them: every one of the
# 13 ggml types, K-type fallbacks (q4_1, q4_0, q5_1, q8_0, f16), mixed --rule types in one file,
# kept F32/BF16 tensors, and 5-D tensors folded to 4 (restored from comfy.gguf.orig_shape.NAME).
# Usage: AQ_CLI=... PYTHON=... gguf_numpy_decoder_test.sh SOURCE_DIR
set -euo pipefail
root=$1
py=${PYTHON:-python3}
decoder="$root/scripts/aq_gguf_decode.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seen="$tmp/types.txt"
: >"$seen"

quantize() {  # MODEL OUT.gguf OPTIONS...
  local model=$1 out=$2
  shift 2
  "$AQ_CLI" quantize "$model" -o "$out" "$@" --no-progress >/dev/null 2>"$tmp/err.txt" || { cat "$tmp/err.txt"; exit 1; }
}

check() {  # FILE.gguf LABEL: dequantize, decode with numpy, compare bit for bit
  "$AQ_CLI" dequantize "$1" -o "$tmp/back.safetensors" --dtype f32 >/dev/null
  if ! "$py" "$decoder" "$1" --compare "$tmp/back.safetensors" >"$tmp/out.txt" 2>&1; then
    grep -v ' bit-identical$' "$tmp/out.txt" | head -20
    echo "FAIL: $2"
    exit 1
  fi
  grep '^types: ' "$tmp/out.txt" >>"$seen"
  echo "ok   $2: $(tail -1 "$tmp/out.txt" | sed 's/.*: //') ($(grep '^types: ' "$tmp/out.txt" | cut -c8-))"
}

# 1. The demo model (F16, inner dims 384 and 1536) with each type; K types fall back on 384.
"$AQ_CLI" make-model demo -o "$tmp/demo.safetensors" >/dev/null
for type in f32 f16 bf16 q8_0 q5_0 q5_1 q4_0 q4_1 q6_k q5_k q4_k q3_k q2_k; do
  quantize "$tmp/demo.safetensors" "$tmp/demo.gguf" --type "$type"
  check "$tmp/demo.gguf" "demo --type $type"
done
# Mixed types in one file, the default keep rules off (4-D patch conv -> f16, 3-D pos_embed).
quantize "$tmp/demo.safetensors" "$tmp/demo.gguf" --type q2_k --no-default-keep \
  --rule 'mlp\.fc2=q5_k' --rule 'attn\.proj=q6_k' --rule 'adaLN=q5_1' --rule 'qkv=q4_k'
check "$tmp/demo.gguf" "demo mixed rules"

# 2. A model of other shapes: F32 and BF16 sources (so f32, f16 and bf16 tensors are written),
#    inner dims 512 / 384 / 64 / 48 (48: no block fits, f16 or kept), 3-D, and 5-D tensors that
#    GGUF stores folded to 4 dimensions.
"$py" - "$tmp/odd.safetensors" <<'EOF'
import json, struct, sys
import numpy as np
rng = np.random.default_rng(7)
specs = [("blocks.0.attn.qkv.weight", (96, 512), "F32"), ("blocks.0.mlp.fc1.weight", (64, 384), "F32"),
         ("blocks.0.mlp.fc2.weight", (64, 48), "F32"), ("blocks.0.video.conv3d.weight", (16, 4, 2, 2, 64), "F32"),
         ("blocks.0.video.small3d.weight", (2, 2, 2, 2, 32), "F32"), ("blocks.0.stack.weight", (4, 8, 256), "F32"),
         ("blocks.0.norm.weight", (512,), "F32"), ("blocks.0.bf.weight", (40, 96), "BF16"),
         ("blocks.0.bf_odd.weight", (40, 48), "BF16"), ("blocks.0.bf.bias", (96,), "BF16")]
header, blobs, off = {}, [], 0
for name, shape, dtype in specs:
    x = (rng.standard_t(4, size=shape) * 0.02).astype(np.float32)
    b = x.tobytes() if dtype == "F32" else (x.view(np.uint32) >> 16).astype("<u2").tobytes()
    header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
EOF
for opts in "--type f32" "--type f16" "--type bf16" \
            "--type q3_k --rule qkv=q6_k --rule fc1=q5_0 --rule conv3d=q5_k --rule bf=q2_k" \
            "--type q4_k --rule conv3d=q8_0 --rule stack=q2_k --rule bf\\.weight=q4_1"; do
  # shellcheck disable=SC2086
  quantize "$tmp/odd.safetensors" "$tmp/odd.gguf" --no-default-keep $opts
  check "$tmp/odd.gguf" "odd $opts"
done
# The 5-D tensors come back whole (dequantize compared them above); the decoder says so too.
"$py" "$decoder" "$tmp/odd.gguf" >"$tmp/list.txt"
grep -q 'conv3d.weight .*\[16, 4, 2, 2, 64\] (stored as \[64, 2, 2, 64\])' "$tmp/list.txt" ||
  { cat "$tmp/list.txt"; echo "FAIL: the folded 5-D tensor was not restored"; exit 1; }

# 3. Every type was written by ArrowQuant and decoded somewhere above.
for type in f32 f16 bf16 q8_0 q5_0 q5_1 q4_0 q4_1 q6_k q5_k q4_k q3_k q2_k; do
  grep -Eq "(: |, )$type x" "$seen" || { echo "FAIL: no $type tensor was decoded"; exit 1; }
done

# 4. A GGUF written here, not by ArrowQuant: random bytes in every block of every type (so any
#    code, scale sign, subnormal, Inf or NaN scale), alignment 64, metadata of every value type,
#    and comfy.gguf.orig_shape records that do and do not apply.
"$py" - "$tmp/random.gguf" <<'PYEOF'
import struct, sys
import numpy as np
rng = np.random.default_rng(11)
def string(x):
    b = x.encode()
    return struct.pack("<Q", len(b)) + b
def kv(key, vtype, payload):
    return string(key) + struct.pack("<I", vtype) + payload
def array(etype, fmt, values):
    return struct.pack("<IQ", etype, len(values)) + b"".join(struct.pack(fmt, v) for v in values)
align = 64
meta = [kv("general.alignment", 4, struct.pack("<I", align)), kv("general.name", 8, string("random")),
        kv("t.u8", 0, struct.pack("<B", 7)), kv("t.i8", 1, struct.pack("<b", -7)), kv("t.u16", 2, struct.pack("<H", 7)),
        kv("t.i16", 3, struct.pack("<h", -7)), kv("t.i32", 5, struct.pack("<i", -7)), kv("t.f32", 6, struct.pack("<f", 0.5)),
        kv("t.bool", 7, struct.pack("<B", 1)), kv("t.u64", 10, struct.pack("<Q", 7)), kv("t.i64", 11, struct.pack("<q", -7)),
        kv("t.f64", 12, struct.pack("<d", 0.25)), kv("t.strings", 9, struct.pack("<IQ", 8, 2) + string("a") + string("bc")),
        kv("t.floats", 9, array(6, "<f", [1.0, 2.0])),
        kv("comfy.gguf.orig_shape.fold.i32", 9, array(5, "<i", [3, 2, 2, 2, 64])),
        kv("comfy.gguf.orig_shape.fold.u64", 9, array(10, "<Q", [2, 3, 4, 64])),
        kv("comfy.gguf.orig_shape.fold.bad_count", 9, array(5, "<i", [5, 64])),
        kv("comfy.gguf.orig_shape.fold.bad_last", 9, array(5, "<i", [12, 32])),
        kv("comfy.gguf.orig_shape.fold.floats", 9, array(6, "<f", [6.0, 64.0]))]
types = {"f32": (0, 1, 4), "f16": (1, 1, 2), "bf16": (30, 1, 2), "q8_0": (8, 32, 34), "q4_0": (2, 32, 18),
         "q4_1": (3, 32, 20), "q5_0": (6, 32, 22), "q5_1": (7, 32, 24), "q2_k": (10, 256, 84),
         "q3_k": (11, 256, 110), "q4_k": (12, 256, 144), "q5_k": (13, 256, 176), "q6_k": (14, 256, 210)}
tensors = [("rand." + t, t, [8, 512]) for t in types] + [
    ("fold.i32", "q4_0", [6, 2, 2, 64]), ("fold.u64", "q8_0", [24, 64]), ("fold.bad_count", "q5_1", [6, 64]),
    ("fold.bad_last", "q4_1", [6, 64]), ("fold.floats", "f16", [6, 64])]
infos, blobs, offset = [], [], 0
for name, t, shape in tensors:
    tid, block, size = types[t]
    nbytes = int(np.prod(shape)) // block * size
    infos.append(string(name) + struct.pack("<I", len(shape)) + struct.pack(f"<{len(shape)}Q", *reversed(shape))
                 + struct.pack("<IQ", tid, offset))
    pad = -nbytes % align
    blobs.append(rng.integers(0, 256, nbytes, dtype=np.uint8).tobytes() + bytes(pad))
    offset += nbytes + pad
head = b"GGUF" + struct.pack("<IQQ", 3, len(infos), len(meta)) + b"".join(meta) + b"".join(infos)
with open(sys.argv[1], "wb") as f:
    f.write(head + bytes(-len(head) % align) + b"".join(blobs))
PYEOF
check "$tmp/random.gguf" "random blocks, every type, alignment 64, orig_shape records"
"$py" "$decoder" "$tmp/random.gguf" >"$tmp/list.txt"
for want in 'fold\.i32 .*\[3, 2, 2, 2, 64\] (stored as \[6, 2, 2, 64\])$' 'fold\.u64 .*\[2, 3, 4, 64\] (stored as \[24, 64\])$' \
            'fold\.bad_count .*\[6, 64\]$' 'fold\.bad_last .*\[6, 64\]$' 'fold\.floats .*\[6, 64\]$'; do
  grep -q "$want" "$tmp/list.txt" || { cat "$tmp/list.txt"; echo "FAIL: orig_shape rule: $want"; exit 1; }
done

# 5. The comparison can fail: one flipped bit in the last tensor's data must be reported.
"$AQ_CLI" dequantize "$tmp/odd.gguf" -o "$tmp/back.safetensors" --dtype f32 >/dev/null
"$py" -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-1] ^= 0x10; open(p, "wb").write(b)' "$tmp/odd.gguf"
if "$py" "$decoder" "$tmp/odd.gguf" --compare "$tmp/back.safetensors" >"$tmp/out.txt"; then
  echo "FAIL: a corrupted file compared equal"; exit 1
fi
grep -q 'MISMATCH at flat index' "$tmp/out.txt" || { cat "$tmp/out.txt"; echo "FAIL: no mismatch named"; exit 1; }
echo "ok   a flipped bit is reported: $(grep -m1 MISMATCH "$tmp/out.txt" | sed 's/  */ /g')"
echo "all GGUF files decoded bit-identically by numpy"

#!/usr/bin/python3
"""The baseline users run today: group-wise min-max quantization in plain numpy.

Times the same work ArrowQuant's row kernels do on the same fp16 matrix (the one aq_bench_kernels
dumps with --aq_dump_matrix): fp16 -> fp32, per-group range with 0 included, scale rounded up to
fp16, integer zero point, codes, the squared error of the dequantized values, and bit packing.
Single-threaded, as numpy's element-wise operations are. Run with Debian's python3-numpy:

    /usr/bin/python3 bench/numpy_baseline.py MATRIX.npy --out numpy.json [--repetitions 3]
"""
import argparse
import json
import platform
import statistics
import sys
import time

import numpy as np


def quantize_minmax(x16, bits, group):
    """Returns (packed codes, fp16 scales, fp16 zeros, sum x^2, sum e^2)."""
    rows, cols = x16.shape
    assert cols % group == 0, "the benchmark matrix has whole groups"
    x = x16.astype(np.float32).reshape(rows, cols // group, group)
    lo = np.minimum(x.min(axis=2), np.float32(0))
    hi = np.maximum(x.max(axis=2), np.float32(0))
    max_code = np.float32(2 ** bits - 1)
    raw = (hi - lo) / max_code
    s16 = raw.astype(np.float16)
    low = s16.astype(np.float32) < raw  # round the scale up so it covers the range
    s16[low] = np.nextafter(s16[low], np.float16(np.inf))
    s16 = np.maximum(s16, np.float16(2.0 ** -24))  # never a zero scale
    s = s16.astype(np.float32)
    zero = np.clip(np.rint(-lo / s), 0, max_code)
    inv = (np.float32(1) / s)[..., None]
    r = np.clip(np.rint(x * inv), -zero[..., None], (max_code - zero)[..., None])
    codes = (r + zero[..., None]).astype(np.uint8).reshape(rows, cols)
    e = x - r * s[..., None]
    sum_x2 = float(np.einsum("ijk,ijk->", x, x, dtype=np.float64))
    sum_e2 = float(np.einsum("ijk,ijk->", e, e, dtype=np.float64))
    if bits == 8:
        packed = codes
    elif bits == 4:
        packed = codes[:, 0::2] | (codes[:, 1::2] << 4)
    elif bits == 2:
        packed = codes[:, 0::4] | (codes[:, 1::4] << 2) | (codes[:, 2::4] << 4) | (codes[:, 3::4] << 6)
    else:  # generic little-endian bit stream (3 bits)
        b = (codes[..., None] >> np.arange(bits, dtype=np.uint8)) & 1
        packed = np.packbits(b.reshape(rows, cols * bits), axis=1, bitorder="little")
    return packed, s16, zero.astype(np.float16), sum_x2, sum_e2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("matrix", help=".npy fp16 matrix written by aq_bench_kernels --aq_dump_matrix")
    ap.add_argument("--out", required=True, help="JSON results")
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--bits", default="2,4,8")
    ap.add_argument("--group", type=int, default=64)
    args = ap.parse_args()

    x16 = np.load(args.matrix)
    assert x16.dtype == np.float16 and x16.ndim == 2
    results = []
    for bits in [int(b) for b in args.bits.split(",")]:
        quantize_minmax(x16[:64], bits, args.group)  # warm-up (imports, allocator)
        times = []
        for _ in range(args.repetitions):
            t0 = time.perf_counter()
            _, _, _, sx2, se2 = quantize_minmax(x16, bits, args.group)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        params = x16.size
        res = {"bits": bits, "group_size": args.group, "symmetric": False, "method": "minmax",
               "input": "f16", "params": params, "seconds": times, "seconds_median": med,
               "params_per_s": params / med, "input_mb_per_s": params * 2 / 1e6 / med,
               "sqnr_db": 10 * np.log10(sx2 / se2) if se2 > 0 else None}
        results.append(res)
        print(f"numpy INT{bits} g{args.group} asym minmax: {med:.3f} s median of {len(times)}, "
              f"{res['params_per_s'] / 1e6:.1f} Mparam/s, {res['input_mb_per_s']:.1f} MB/s, "
              f"SQNR {res['sqnr_db']:.2f} dB", flush=True)
    out = {"python": sys.executable, "python_version": platform.python_version(),
           "numpy_version": np.__version__, "matrix": list(x16.shape), "threads": 1,
           "results": results}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Decode an ArrowQuant .h5 output with h5py and numpy alone (docs/FORMAT.md, "HDF5 output").

usage: aq_h5py_decode.py PACKED.h5 [--check DEQUANTIZED_F32.safetensors]

Prints each tensor's name, shape and decoded dtype. With --check, compares every decoded tensor
with the same tensor of a file written by `arrowquant-cli dequantize --dtype f32` and exits 1
unless all are bit-identical.
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aq_numpy_decode import read_safetensors, unpack_codes  # noqa: E402  (the format's one bit layout)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def decode(group):
    a = group.attrs
    shape = [int(x) for x in a["shape"]]
    if text(a["kind"]) == "kept":
        data = group["data"][()]
        return data.view(np.uint16) if text(a["dtype"]) == "BF16" else data
    bits, group_size = int(a["bits"]), int(a["group_size"])
    cols = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    codes = unpack_codes(group["codes"][()], bits, cols).astype(np.float32)
    scales = group["scales"][()].astype(np.float32)
    if int(a["symmetric"]):
        zeros = np.full_like(scales, float(1 << (bits - 1)))
    else:
        zeros = group["zeros"][()].astype(np.float32)
    g = np.arange(cols) // group_size
    return (scales[:, g] * (codes - zeros[:, g])).reshape(shape)


def main():
    decoded = {}
    with h5py.File(sys.argv[1], "r") as f:
        assert text(f.attrs["format"]) == "arrowquant", "not an ArrowQuant HDF5 file"
        assert int(f.attrs["format_version"]) == 1

        def visit(name, obj):
            if isinstance(obj, h5py.Group) and "kind" in obj.attrs:
                decoded[name] = decode(obj)

        f.visititems(visit)
    for name in sorted(decoded):
        print(name, list(decoded[name].shape), decoded[name].dtype)
    if len(sys.argv) == 4 and sys.argv[2] == "--check":
        _, reference = read_safetensors(sys.argv[3])
        bad = [n for n in decoded if n not in reference or not np.array_equal(decoded[n], reference[n])]
        print(f"checked {len(decoded)} tensors, {len(bad)} differ", bad[:5])
        sys.exit(1 if bad or len(decoded) != len(reference) else 0)


if __name__ == "__main__":
    main()

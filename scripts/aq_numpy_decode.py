#!/usr/bin/env python3
"""Decode an ArrowQuant packed .safetensors file with numpy alone (docs/FORMAT.md).

usage: aq_numpy_decode.py PACKED.safetensors [--check DEQUANTIZED_F32.safetensors]

Prints each tensor's name, shape and decoded dtype. With --check, compares every decoded tensor
with the same tensor of a file written by `arrowquant-cli dequantize --dtype f32` and exits 1
unless all are bit-identical.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
          "I16": np.int16, "I8": np.int8, "U64": np.uint64, "U32": np.uint32, "U16": np.uint16,
          "U8": np.uint8, "BOOL": np.bool_, "BF16": np.uint16}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        tensors[name] = np.frombuffer(data[b:end], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
    return meta, tensors


def unpack_codes(packed, bits, cols):
    """packed: uint8 [rows, row_bytes]. Element j of a row is bits [j*b, j*b+b) of the row, LSB first."""
    rows = packed.shape[0]
    bitstream = np.unpackbits(packed, axis=1, bitorder="little")[:, :cols * bits]
    weights = (1 << np.arange(bits)).astype(np.uint16)
    return (bitstream.reshape(rows, cols, bits).astype(np.uint16) * weights).sum(axis=2)


def dequantize(tensors, name, spec):
    bits, group, cols = spec["bits"], spec["group_size"], spec["cols"]
    codes = unpack_codes(tensors[name + ".aq_codes"], bits, cols).astype(np.float32)
    scales = tensors[name + ".aq_scales"].astype(np.float32)
    if spec["symmetric"]:
        zeros = np.full_like(scales, float(1 << (bits - 1)))
    else:
        zeros = tensors[name + ".aq_zeros"].astype(np.float32)
    g = np.arange(cols) // group                      # group of each column; the last may be shorter
    values = scales[:, g] * (codes - zeros[:, g])     # float32, as ArrowQuant computes it
    return values.reshape(spec["shape"])


def main():
    meta, tensors = read_safetensors(sys.argv[1])
    assert meta.get("format") == "arrowquant", "not an ArrowQuant packed file"
    spec = json.loads(meta["arrowquant"])
    decoded = {}
    for name, s in spec["tensors"].items():
        decoded[name] = dequantize(tensors, name, s)
    suffixes = (".aq_codes", ".aq_scales", ".aq_zeros")
    for name, t in tensors.items():
        if not name.endswith(suffixes):
            decoded[name] = t
    for name in sorted(decoded):
        print(name, list(decoded[name].shape), decoded[name].dtype)
    if len(sys.argv) == 4 and sys.argv[2] == "--check":
        _, reference = read_safetensors(sys.argv[3])
        bad = [n for n in decoded if not np.array_equal(decoded[n], reference[n])]
        print(f"checked {len(decoded)} tensors, {len(bad)} differ", bad[:5])
        sys.exit(1 if bad or len(decoded) != len(reference) else 0)


if __name__ == "__main__":
    main()

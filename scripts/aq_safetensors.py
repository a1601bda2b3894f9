#!/usr/bin/env python3
"""Read and write safetensors files with numpy alone (no `safetensors` package).

    from aq_safetensors import read_safetensors, write_safetensors
    meta, tensors = read_safetensors("model.safetensors")            # name -> numpy array
    meta, tensors = read_safetensors("model.safetensors", float32=True)  # F16/BF16 -> float32
    write_safetensors("out.safetensors", tensors, metadata={"format": "pt"}, dtype="F16")

BF16 has no numpy dtype: without float32=True it is returned as its uint16 bit patterns (as
scripts/aq_numpy_decode.py does); with float32=True it is widened exactly. On writing, `dtype`
("F32", "F16", "BF16") converts every floating tensor (BF16 by round-to-nearest-even); other
tensors are written in their own dtype. Entries are written in the order of the dict.
"""
import json
import struct

import numpy as np

_READ = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": np.uint16,
         "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U64": np.uint64,
         "U32": np.uint32, "U16": np.uint16, "U8": np.uint8, "BOOL": np.bool_}
_WRITE = {np.dtype(np.float64): "F64", np.dtype(np.float32): "F32", np.dtype(np.float16): "F16",
          np.dtype(np.int64): "I64", np.dtype(np.int32): "I32", np.dtype(np.int16): "I16",
          np.dtype(np.int8): "I8", np.dtype(np.uint64): "U64", np.dtype(np.uint32): "U32",
          np.dtype(np.uint16): "U16", np.dtype(np.uint8): "U8", np.dtype(np.bool_): "BOOL"}


def bf16_to_f32(bits):
    """uint16 BF16 bit patterns -> float32 (exact)."""
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16(x):
    """float32 -> uint16 BF16 bit patterns, round to nearest even (NaN stays NaN)."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(x)
    if nan.any():
        rounded = np.where(nan, ((u >> 16) | 0x40).astype(np.uint16), rounded)
    return rounded


def read_safetensors(path, float32=False):
    """Returns (metadata dict, {name: numpy array}) in file order. Arrays are read-only views of
    the file's bytes unless converted (float32=True converts F16, BF16 and F64 to float32)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: not a safetensors file (too short)")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise ValueError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {}) or {}
    data = memoryview(raw)[8 + n:]
    tensors = {}
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if e["dtype"] not in _READ:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {e['dtype']}")
        begin, end = e["data_offsets"]
        a = np.frombuffer(data[begin:end], dtype=_READ[e["dtype"]]).reshape(e["shape"])
        if float32 and e["dtype"] == "BF16":
            a = bf16_to_f32(a)
        elif float32 and e["dtype"] in ("F16", "F64"):
            a = a.astype(np.float32)
        tensors[name] = a
    return meta, tensors


def write_safetensors(path, tensors, metadata=None, dtype=None):
    """Writes {name: numpy array} to path. dtype None keeps each array's dtype; "F32", "F16" or
    "BF16" converts the floating ones. metadata: str -> str."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, a in tensors.items():
        a = np.asarray(a)
        if dtype is not None and np.issubdtype(a.dtype, np.floating):
            if dtype == "BF16":
                code, blob = "BF16", f32_to_bf16(a.astype(np.float32))
            else:
                code = dtype
                blob = a.astype({"F32": np.float32, "F16": np.float16, "F64": np.float64}[dtype])
        else:
            if a.dtype not in _WRITE:
                raise ValueError(f"tensor {name}: cannot write numpy dtype {a.dtype}")
            code, blob = _WRITE[a.dtype], a
        b = np.ascontiguousarray(blob).astype(blob.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)                      # data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)

"""Checks that what @huggingface/gguf read (read_gguf.mjs's JSON) is what ArrowQuant says it wrote
(quantize --report JSON): every tensor's name, dims, ggml type and an aligned, in-file offset, and
the metadata keys. Usage: check_gguf.py READ.json REPORT.json FILE.gguf ARCH"""
import json
import os
import sys

TYPE_IDS = {"f32": 0, "f16": 1, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8, "q2_k": 10, "q3_k": 11,
            "q4_k": 12, "q5_k": 13, "q6_k": 14, "bf16": 30}
DTYPE_IDS = {"F32": 0, "F16": 1, "BF16": 30, "I8": 24, "I16": 25, "I32": 26, "I64": 27, "F64": 28}
BLOCK = {0: (1, 4), 1: (1, 2), 30: (1, 2), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8),
         2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
         10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210)}

read, report, path, arch = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
meta, problems = read["metadata"], []
for key, want in [("general.architecture", arch), ("general.quantization_version", 2), ("general.alignment", 32)]:
    if meta.get(key) != want:
        problems.append(f"metadata {key} = {meta.get(key)!r}, expected {want!r}")
if "general.file_type" not in meta:
    problems.append("no general.file_type")
got = {t["name"]: t for t in read["tensors"]}
if len(got) != len(report["tensors"]):
    problems.append(f"{len(got)} tensors read, {len(report['tensors'])} written")
size, end = os.path.getsize(path), 0
for t in report["tensors"]:
    g = got.get(t["name"])
    if g is None:
        problems.append(f"{t['name']}: missing")
        continue
    want_type = TYPE_IDS[t["scheme"]["ggml_type"]] if t["decision"] == "quantize" else DTYPE_IDS[t["dtype"]]
    shape = t["shape"] or [1]
    if g["ne"] != list(reversed(shape)):
        problems.append(f"{t['name']}: dims {g['ne']}, expected {list(reversed(shape))}")
    if g["type"] != want_type:
        problems.append(f"{t['name']}: type {g['type']}, expected {want_type}")
    block, size_of = BLOCK[g["type"]]
    n = 1
    for d in shape:
        n *= d
    nbytes = n // block * size_of
    if g["offset"] % 32 or read["data_offset"] + g["offset"] + nbytes > size:
        problems.append(f"{t['name']}: offset {g['offset']} ({nbytes} bytes) unaligned or past the end")
    end = max(end, read["data_offset"] + g["offset"] + nbytes)
if end != size:
    problems.append(f"the last tensor ends at {end}, the file at {size}")
for p in problems:
    print("PROBLEM:", p)
print(f"{path}: {len(got)} tensors, {len(meta)} metadata keys read by @huggingface/gguf; {len(problems)} problems")
sys.exit(1 if problems else 0)

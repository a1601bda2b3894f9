#!/usr/bin/env python3
"""Decode a GGUF file with numpy alone (docs/GGUF_NUMPY.md).

usage: aq_gguf_decode.py FILE.gguf [--compare FILE.safetensors]

Prints each tensor's name, ggml type and shape (numpy order, outermost first). With --compare,
reads a safetensors file (e.g. one written by `arrowquant-cli dequantize FILE.gguf -o OUT
--dtype f32`), reports per tensor whether the decoded values are bit-identical (float32 bit
patterns) and exits 1 on any difference, naming the tensor and the first differing index.

As a library: read_gguf(path) -> (metadata dict, {name: np.ndarray}). The 13 ggml float types
(f32 f16 bf16 q8_0 q5_0 q5_1 q4_0 q4_1 q6_k q5_k q4_k q3_k q2_k) decode to float32; the plain
integer types and f64 keep their own dtype. A tensor folded to 4 dimensions comes back in the
shape recorded under comfy.gguf.orig_shape.NAME, by the same rule as arrowquant-cli dequantize.

Every float operation below is a single float32 multiply or add/subtract (numpy never fuses
them), in the order ggml's dequantize_row_* uses, so the results are ggml's floats bit for bit.
"""
import json
import struct
import sys
from collections import Counter

import numpy as np

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
MAX_DIMS = 4          # GGML_MAX_DIMS
CHUNK_WEIGHTS = 1 << 21  # weights decoded per numpy pass: bounds the temporaries (~10 MB each)


class GGUFError(ValueError):
    """The file is not a GGUF file this decoder can read; the message says where and why."""


# ---------------------------------------------------------------------------------------------
# Scalar conversions
# ---------------------------------------------------------------------------------------------

def f16_bits_to_f32(h):
    """uint16 IEEE half bit patterns -> float32, exactly. A signalling NaN comes out quiet (bit 22
    set, payload kept), as ggml's conversion does; numpy's own NaN handling is not relied on."""
    h = np.asarray(h, dtype=np.uint16)
    f = h.view(np.float16).astype(np.float32)
    nan = (h & 0x7FFF) > 0x7C00
    if nan.any():
        hb = h[nan].astype(np.uint32)
        bits = ((hb & 0x8000) << 16) | 0x7F800000 | ((hb & 0x03FF) << 13) | 0x00400000
        f[nan] = bits.view(np.float32)
    return f


def bf16_bits_to_f32(b):
    """uint16 bfloat16 bit patterns -> float32: the top half of the float32 (no rounding, NaNs as they are)."""
    return (np.asarray(b, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)


def le_u16(blk, at):
    """The little-endian uint16 at byte `at` of every block row: shape [nb, 1]."""
    return (blk[:, at].astype(np.uint16) | (blk[:, at + 1].astype(np.uint16) << 8))[:, None]


def half_field(blk, at):
    """The fp16 field at byte `at` of every block, as float32 [nb, 1]."""
    return f16_bits_to_f32(le_u16(blk, at))


def nibbles_32(qs):
    """[nb, 16] bytes -> [nb, 32] codes: element e < 16 is the low nibble of qs[e], element
    e >= 16 the high nibble of qs[e - 16] (legacy q4/q5 order)."""
    return np.concatenate([qs & 0x0F, qs >> 4], axis=1)


def bits_of_u32(b4):
    """[nb, 4] bytes of a little-endian uint32 -> [nb, 32] bits, bit e of the word at column e."""
    return np.unpackbits(b4, axis=1, bitorder="little")


def k_scale_min(sc12):
    """q4_k / q5_k: 12 bytes -> 8 six-bit scale codes and 8 six-bit min codes, each [nb, 8].
    s < 4: sc = b[s] & 63, m = b[s+4] & 63; s >= 4: sc = (b[s+4] & 15) | (b[s-4] >> 6) << 4,
    m = (b[s+4] >> 4) | (b[s] >> 6) << 4."""
    lo, mid, hi = sc12[:, 0:4], sc12[:, 4:8], sc12[:, 8:12]
    sc = np.concatenate([lo & 63, (hi & 15) | ((lo >> 6) << 4)], axis=1)
    mn = np.concatenate([mid & 63, (hi >> 4) | ((mid >> 6) << 4)], axis=1)
    return sc, mn


def f32(a):
    """Integers to float32 (exact for every code and scale below)."""
    return a.astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Block decoders: blk is uint8 [nb, type_size]; each returns float32 [nb, block_size].
# ---------------------------------------------------------------------------------------------

def dec_q8_0(blk):
    # 34 B: d f16 | qs int8[32].  y = qs * d
    d = half_field(blk, 0)
    qs = blk[:, 2:34].view(np.int8)
    return f32(qs) * d


def dec_q4_0(blk):
    # 18 B: d f16 | qs[16] (two 4-bit codes a byte).  y = (c - 8) * d
    d = half_field(blk, 0)
    c = nibbles_32(blk[:, 2:18]).astype(np.int8) - 8
    return f32(c) * d


def dec_q4_1(blk):
    # 20 B: d f16 | m f16 | qs[16].  y = c * d + m
    d, m = half_field(blk, 0), half_field(blk, 2)
    c = nibbles_32(blk[:, 4:20])
    return f32(c) * d + m


def dec_q5_0(blk):
    # 22 B: d f16 | qh u32 (bit e = bit 4 of code e) | qs[16] (low 4 bits).  y = (c - 16) * d
    d = half_field(blk, 0)
    c = nibbles_32(blk[:, 6:22]) | (bits_of_u32(blk[:, 2:6]) << 4)
    return f32(c.astype(np.int8) - 16) * d


def dec_q5_1(blk):
    # 24 B: d f16 | m f16 | qh u32 | qs[16].  y = c * d + m
    d, m = half_field(blk, 0), half_field(blk, 2)
    c = nibbles_32(blk[:, 8:24]) | (bits_of_u32(blk[:, 4:8]) << 4)
    return f32(c) * d + m


def _k_low2(qs64):
    """[nb, 64] bytes -> [nb, 256] 2-bit codes: element e = 128h + 32j + l is bits 2j..2j+1 of
    qs[32h + l] (h = half, j = shift index, l = lane)."""
    nb = qs64.shape[0]
    q = qs64.reshape(nb, 2, 1, 32)
    shifts = (2 * np.arange(4, dtype=np.uint8)).reshape(1, 1, 4, 1)
    return ((q >> shifts) & 3).reshape(nb, 256)


def dec_q2_k(blk):
    # 84 B: scales[16] (low nibble scale code, high nibble min code, per 16 weights) | qs[64] |
    # d f16 | dmin f16.  y = (d * sc_s) * c - (dmin * m_s), s = e / 16
    nb = blk.shape[0]
    sc, qs = blk[:, 0:16], blk[:, 16:80]
    d, dmin = half_field(blk, 80), half_field(blk, 82)
    dl = d * f32(sc & 15)           # [nb, 16]
    ml = dmin * f32(sc >> 4)
    c = f32(_k_low2(qs)).reshape(nb, 16, 16)
    return (dl[:, :, None] * c - ml[:, :, None]).reshape(nb, 256)


def dec_q3_k(blk):
    # 110 B: hmask[32] | qs[64] (low 2 bits) | scales[12] (16 six-bit codes) | d f16.
    # High bit of element e = 128h + 32j + l: bit (4h + j) of hmask[l]; q = low2 - (bit ? 0 : 4).
    # Scale code u_s: low 4 bits = low nibble of scales[s] (s < 8) or high nibble of scales[s-8];
    # bits 4-5 = bits 2(s/4)..2(s/4)+1 of scales[8 + s%4].  y = (d * (u_s - 32)) * q
    nb = blk.shape[0]
    hmask, qs, sc12 = blk[:, 0:32], blk[:, 32:96], blk[:, 96:108]
    d = half_field(blk, 108)
    low4 = np.concatenate([sc12[:, 0:8] & 15, sc12[:, 0:8] >> 4], axis=1)           # [nb, 16]
    s = np.arange(16)
    high2 = (sc12[:, 8 + s % 4] >> (2 * (s // 4)).astype(np.uint8)) & 3
    u = (low4 | (high2 << 4)).astype(np.int8) - 32
    dl = d * f32(u)                                                                  # [nb, 16]
    hbit = (hmask[:, None, :] >> np.arange(8, dtype=np.uint8)[None, :, None]) & 1   # [nb, 8, 32]: bit 4h+j
    q = _k_low2(qs).astype(np.int8) - 4 * (1 - hbit.reshape(nb, 256).astype(np.int8))
    return (dl[:, :, None] * f32(q).reshape(nb, 16, 16)).reshape(nb, 256)


def _k4_codes(qs128):
    """[nb, 128] bytes -> [nb, 256] 4-bit codes: element e = 64p + 32t + l is the low (t = 0) or
    high (t = 1) nibble of qs[32p + l]."""
    nb = qs128.shape[0]
    q = qs128.reshape(nb, 4, 1, 32)
    return np.concatenate([q & 15, q >> 4], axis=2).reshape(nb, 256)


def dec_q4_k(blk):
    # 144 B: d f16 | dmin f16 | scales[12] (8 six-bit scale + 8 min codes) | qs[128].
    # y = (d * sc_s) * c - (dmin * m_s), s = e / 32
    nb = blk.shape[0]
    d, dmin = half_field(blk, 0), half_field(blk, 2)
    sc, mn = k_scale_min(blk[:, 4:16])
    dl, ml = d * f32(sc), dmin * f32(mn)                                             # [nb, 8]
    c = f32(_k4_codes(blk[:, 16:144])).reshape(nb, 8, 32)
    return (dl[:, :, None] * c - ml[:, :, None]).reshape(nb, 256)


def dec_q5_k(blk):
    # 176 B: d f16 | dmin f16 | scales[12] | qh[32] | qs[128]. Bit 4 of code e = bit s of
    # qh[e % 32], s = e / 32.  y = (d * sc_s) * c - (dmin * m_s)
    nb = blk.shape[0]
    d, dmin = half_field(blk, 0), half_field(blk, 2)
    sc, mn = k_scale_min(blk[:, 4:16])
    dl, ml = d * f32(sc), dmin * f32(mn)
    qh = blk[:, 16:48]
    hbit = (qh[:, None, :] >> np.arange(8, dtype=np.uint8)[None, :, None]) & 1       # [nb, 8 (s), 32]
    c = _k4_codes(blk[:, 48:176]).reshape(nb, 8, 32) | (hbit << 4)
    return (dl[:, :, None] * f32(c) - ml[:, :, None]).reshape(nb, 256)


def dec_q6_k(blk):
    # 210 B: ql[128] | qh[64] | scales int8[16] | d f16. Element e = 128h + 32k + l: low 4 bits
    # in ql[64h + 32(k%2) + l] (low nibble k < 2, high k >= 2), high 2 bits = bits 2k..2k+1 of
    # qh[32h + l]; q = code - 32.  y = (d * scales[e / 16]) * q
    nb = blk.shape[0]
    ql = blk[:, 0:128].reshape(nb, 2, 2, 32)        # [h, k%2, l]
    qh = blk[:, 128:192].reshape(nb, 2, 1, 32)      # [h, -, l]
    sc = blk[:, 192:208].view(np.int8)
    d = half_field(blk, 208)
    low = np.concatenate([ql & 15, ql >> 4], axis=2)                                   # [nb, h, k, l]
    high = (qh >> (2 * np.arange(4, dtype=np.uint8)).reshape(1, 1, 4, 1)) & 3
    q = (low | (high << 4)).astype(np.int8) - 32
    ds = d * f32(sc)                                                                   # [nb, 16]
    return (ds[:, :, None] * f32(q).reshape(nb, 16, 16)).reshape(nb, 256)


def dec_plain(np_dtype, convert=None):
    def dec(blk):
        v = np.ascontiguousarray(blk).view(np.dtype(np_dtype).newbyteorder("<"))
        return convert(v) if convert else v.astype(np.dtype(np_dtype).newbyteorder("="))
    return dec


# ggml type id -> (name, weights per block, bytes per block, decoder). Ids are ggml's enum ggml_type.
GGML_TYPES = {
    0: ("f32", 1, 4, dec_plain(np.float32)),
    1: ("f16", 1, 2, dec_plain(np.uint16, f16_bits_to_f32)),
    30: ("bf16", 1, 2, dec_plain(np.uint16, bf16_bits_to_f32)),
    8: ("q8_0", 32, 34, dec_q8_0),
    2: ("q4_0", 32, 18, dec_q4_0),
    3: ("q4_1", 32, 20, dec_q4_1),
    6: ("q5_0", 32, 22, dec_q5_0),
    7: ("q5_1", 32, 24, dec_q5_1),
    10: ("q2_k", 256, 84, dec_q2_k),
    11: ("q3_k", 256, 110, dec_q3_k),
    12: ("q4_k", 256, 144, dec_q4_k),
    13: ("q5_k", 256, 176, dec_q5_k),
    14: ("q6_k", 256, 210, dec_q6_k),
    # Plain non-float types: decoded losslessly in their own dtype.
    24: ("i8", 1, 1, dec_plain(np.int8)),
    25: ("i16", 1, 2, dec_plain(np.int16)),
    26: ("i32", 1, 4, dec_plain(np.int32)),
    27: ("i64", 1, 8, dec_plain(np.int64)),
    28: ("f64", 1, 8, dec_plain(np.float64)),
}


# ---------------------------------------------------------------------------------------------
# GGUF header
# ---------------------------------------------------------------------------------------------

# Metadata value types (gguf_metadata_value_type): struct format, or None for STRING/ARRAY.
VT_STRING, VT_ARRAY = 8, 9
SCALAR_FORMATS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<B",
                  10: "<Q", 11: "<q", 12: "<d"}
SCALAR_NUMPY = {0: "<u1", 1: "<i1", 2: "<u2", 3: "<i2", 4: "<u4", 5: "<i4", 6: "<f4", 7: "<u1",
                10: "<u8", 11: "<i8", 12: "<f8"}
INTEGER_VTS = {0, 1, 2, 3, 4, 5, 7, 10, 11}  # BOOL included: ArrowQuant reads it as an unsigned integer


class Cursor:
    def __init__(self, buf, path):
        self.buf, self.at, self.path = buf, 0, path

    def fail(self, why):
        raise GGUFError(f"{self.path}: {why} (at byte {self.at})")

    def take(self, n, what):
        if n < 0 or n > len(self.buf) - self.at:
            self.fail(f"the file ends inside {what} ({n} bytes needed, {len(self.buf) - self.at} left)")
        b = self.buf[self.at:self.at + n]
        self.at += n
        return b

    def scalar(self, fmt, what):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]

    def string(self, what):
        n = self.scalar("<Q", f"the length of {what}")
        return bytes(self.take(n, what)).decode("utf-8", errors="surrogateescape")


def read_value(c, vt, key, depth=0):
    """One metadata value of type vt -> (python value, element type for arrays or None)."""
    if vt in SCALAR_FORMATS:
        v = c.scalar(SCALAR_FORMATS[vt], f"the value of '{key}'")
        return (bool(v) if vt == 7 else v), None
    if vt == VT_STRING:
        return c.string(f"the string value of '{key}'"), None
    if vt == VT_ARRAY:
        if depth > 8:
            c.fail(f"metadata key '{key}': arrays nested too deep")
        et = c.scalar("<I", f"the element type of '{key}'")
        n = c.scalar("<Q", f"the length of '{key}'")
        if et in SCALAR_NUMPY:  # fixed-size elements: one read, checked against the file first
            size = np.dtype(SCALAR_NUMPY[et]).itemsize
            if n > (len(c.buf) - c.at) // size:
                c.fail(f"metadata key '{key}': an array of {n} elements runs past the end of the file")
            a = np.frombuffer(c.take(n * size, f"the array '{key}'"), dtype=SCALAR_NUMPY[et])
            return (a.astype(bool) if et == 7 else a.astype(a.dtype.newbyteorder("="))), et
        if et not in (VT_STRING, VT_ARRAY):
            c.fail(f"metadata key '{key}': unknown array element type {et}")
        if n > (len(c.buf) - c.at) // (8 if et == VT_STRING else 12):
            c.fail(f"metadata key '{key}': an array of {n} elements cannot fit in the rest of the file")
        return [read_value(c, et, key, depth + 1)[0] for _ in range(n)], et
    c.fail(f"metadata key '{key}': unknown value type {vt}")


class TensorInfo:
    """One tensor of a GGUF file. ne: dims as stored (innermost first); shape: numpy order
    (outermost first), the recorded original shape when one applies; offset: absolute."""

    def __init__(self, name, ne, type_id, rel_offset):
        self.name, self.ne, self.type_id, self.rel_offset = name, ne, type_id, rel_offset
        self.type_name, self.block_size, self.type_size, self.decoder = GGML_TYPES[type_id]
        self.stored_shape = tuple(reversed(ne))
        self.shape = self.stored_shape
        self.numel = int(np.prod(ne, dtype=object))
        self.nbytes = self.numel // self.block_size * self.type_size
        self.offset = None


def recorded_shape(metadata, vtypes, t):
    """The shape arrowquant-cli dequantize gives tensor t (core/io/gguf_source.cpp): the array
    under comfy.gguf.orig_shape.NAME when it is 1 to 16 integers, each > 0 as int64, whose product
    (no int64 overflow) is the stored element count and whose last is the stored innermost
    dimension; otherwise the stored shape."""
    key = "comfy.gguf.orig_shape." + t.name
    if key not in metadata or vtypes[key][0] != VT_ARRAY or vtypes[key][1] not in INTEGER_VTS:
        return t.stored_shape
    dims = [int(x) for x in metadata[key]]
    if not 1 <= len(dims) <= 16:
        return t.stored_shape
    n = 1
    for d in dims:
        if d <= 0 or d > 2**63 - 1 or n * d > 2**63 - 1:  # uint64 beyond int64 reads as negative
            return t.stored_shape
        n *= d
    if n != t.numel or dims[-1] != t.stored_shape[-1]:
        return t.stored_shape
    return tuple(dims)


def parse_header(buf, path="<buffer>"):
    """Parses and checks a GGUF header. Returns (metadata, value types, [TensorInfo], alignment,
    data section offset). value types maps a key to (type, array element type or None)."""
    c = Cursor(buf, path)
    if bytes(c.take(4, "the magic")) != GGUF_MAGIC:
        raise GGUFError(f"{path}: not a GGUF file (no 'GGUF' magic)")
    version = c.scalar("<I", "the version")
    if version not in (2, 3):
        c.fail(f"GGUF version {version} (versions 2 and 3 are read)")
    n_tensors = c.scalar("<Q", "the tensor count")
    n_kv = c.scalar("<Q", "the metadata count")
    # A key-value takes at least 13 bytes, a tensor info at least 33 (a 1-D one with a 1-byte name).
    if n_kv > (len(buf) - c.at) // 13:
        c.fail(f"the header claims {n_kv} metadata keys, more than the file can hold")
    if n_tensors > (len(buf) - c.at) // 33:
        c.fail(f"the header claims {n_tensors} tensors, more than the file can hold")

    metadata, vtypes = {}, {}
    for _ in range(n_kv):
        key = c.string("a metadata key")
        if key in metadata:
            c.fail(f"metadata key '{key}' appears twice")
        vt = c.scalar("<I", f"the value type of '{key}'")
        value, et = read_value(c, vt, key)
        metadata[key], vtypes[key] = value, (vt, et)

    alignment = DEFAULT_ALIGNMENT
    if "general.alignment" in metadata:
        a = metadata["general.alignment"]
        if vtypes["general.alignment"][0] != 4 or a == 0 or a & (a - 1):
            raise GGUFError(f"{path}: general.alignment must be a non-zero power of two stored as UINT32")
        alignment = a

    tensors, names = [], set()
    for _ in range(n_tensors):
        name = c.string("a tensor name")
        if not name or name in names:
            c.fail(f"tensor name '{name}' is empty or appears twice")
        names.add(name)
        n_dims = c.scalar("<I", f"the dimension count of '{name}'")
        if not 1 <= n_dims <= MAX_DIMS:
            c.fail(f"tensor '{name}' has {n_dims} dimensions (GGUF tensors have 1 to {MAX_DIMS})")
        ne = [c.scalar("<Q", f"the dimensions of '{name}'") for _ in range(n_dims)]
        type_id = c.scalar("<I", f"the type of '{name}'")
        rel_offset = c.scalar("<Q", f"the offset of '{name}'")
        if type_id not in GGML_TYPES:
            c.fail(f"tensor '{name}' has ggml type {type_id}, which this decoder does not read")
        block = GGML_TYPES[type_id][1]
        if ne[0] % block:
            c.fail(f"tensor '{name}': its innermost dimension ({ne[0]}) is not a multiple of "
                   f"{GGML_TYPES[type_id][0]}'s {block}-weight block")
        tensors.append(TensorInfo(name, ne, type_id, rel_offset))

    data_begin = (c.at + alignment - 1) // alignment * alignment
    if data_begin > len(buf):
        c.fail("the data section would start past the end of the file")
    data_len = len(buf) - data_begin
    for t in tensors:
        if t.rel_offset % alignment:
            raise GGUFError(f"{path}: tensor '{t.name}': offset {t.rel_offset} is not a multiple of the alignment ({alignment})")
        if t.rel_offset > data_len or t.nbytes > data_len - t.rel_offset:
            raise GGUFError(f"{path}: tensor '{t.name}': its {t.nbytes} bytes at data offset {t.rel_offset} run past "
                            f"the end of the file ({data_len} bytes of data)")
        t.offset = data_begin + t.rel_offset
        t.shape = recorded_shape(metadata, vtypes, t)
    by_offset = sorted((t for t in tensors if t.nbytes), key=lambda t: t.rel_offset)
    for a, b in zip(by_offset, by_offset[1:]):
        if b.rel_offset < a.rel_offset + a.nbytes:
            raise GGUFError(f"{path}: tensor '{b.name}': its data overlaps tensor '{a.name}'")
    return metadata, vtypes, tensors, alignment, data_begin


def map_file(path):
    with open(path, "rb") as f:
        f.seek(0, 2)
        if f.tell() == 0:
            return np.zeros(0, dtype=np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r")


def decode_tensor(buf, t):
    """The values of tensor t of a mapped file, in numpy order."""
    blk = np.asarray(buf[t.offset:t.offset + t.nbytes]).reshape(-1, t.type_size)
    if t.block_size == 1:
        out = t.decoder(blk.reshape(-1))
    else:
        out = np.empty((blk.shape[0], t.block_size), dtype=np.float32)
        step = max(1, CHUNK_WEIGHTS // t.block_size)
        for b0 in range(0, blk.shape[0], step):  # many blocks a pass, never block by block
            out[b0:b0 + step] = t.decoder(blk[b0:b0 + step])
    return out.reshape(t.shape)


def read_gguf(path):
    """(metadata dict, {tensor name: np.ndarray}) of a GGUF file, tensors in file order."""
    buf = map_file(path)
    metadata, _, tensors, _, _ = parse_header(buf, str(path))
    return metadata, {t.name: decode_tensor(buf, t) for t in tensors}


# ---------------------------------------------------------------------------------------------
# safetensors (for --compare)
# ---------------------------------------------------------------------------------------------

ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<u2", "BF16": "<u2", "I64": "<i8", "I32": "<i4",
             "I16": "<i2", "I8": "i1", "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "u1"}


def read_safetensors(path):
    """{name: (dtype name, np.ndarray)}; F16 and BF16 come as their uint16 bit patterns."""
    buf = map_file(path)
    if len(buf) < 8:
        raise GGUFError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", bytes(buf[:8]))
    if n > len(buf) - 8:
        raise GGUFError(f"{path}: the safetensors header ({n} bytes) runs past the end of the file")
    header = json.loads(bytes(buf[8:8 + n]))
    header.pop("__metadata__", None)
    data = buf[8 + n:]
    out = {}
    for name, e in header.items():
        if e["dtype"] not in ST_DTYPES:
            raise GGUFError(f"{path}: tensor '{name}' has dtype {e['dtype']}, which this reader does not know")
        dt = np.dtype(ST_DTYPES[e["dtype"]])
        b, end = e["data_offsets"]
        count = int(np.prod(e["shape"], dtype=np.int64))
        if not 0 <= b <= end <= len(data) or end - b != count * dt.itemsize:
            raise GGUFError(f"{path}: tensor '{name}': data_offsets {b}..{end} do not fit its shape or the file")
        out[name] = (e["dtype"], np.asarray(data[b:end]).view(dt).reshape(e["shape"]))
    return out


def as_f32_bits(dtype_name, a):
    """A safetensors float tensor as float32 bit patterns (F16 via the same exact conversion)."""
    if dtype_name == "F16":
        a = f16_bits_to_f32(a)
    elif dtype_name == "BF16":
        a = bf16_bits_to_f32(a)
    elif dtype_name != "F32":
        return None
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


def first_difference(a, b):
    """Flat index of the first element where a and b differ (same shape), or None."""
    diff = np.flatnonzero(a.reshape(-1) != b.reshape(-1))
    return int(diff[0]) if diff.size else None


def compare_one(t, got, reference):
    """Compares one decoded tensor with the reference; prints its line, returns True when equal."""
    line = f"{t.name:60s} {t.type_name:5s} {list(got.shape)}"
    if t.name not in reference:
        print(f"{line}  MISMATCH: not in the reference file")
        return False
    ref_dtype, ref = reference[t.name]
    if tuple(ref.shape) != tuple(got.shape):
        print(f"{line}  MISMATCH: the reference has shape {list(ref.shape)}")
        return False
    if got.dtype == np.float32:
        ref_bits = as_f32_bits(ref_dtype, ref)
        if ref_bits is None:
            print(f"{line}  MISMATCH: the reference is {ref_dtype}, not a float tensor")
            return False
        i = first_difference(got.view(np.uint32), ref_bits)
    elif got.dtype != ref.dtype:
        print(f"{line}  MISMATCH: decoded {got.dtype}, the reference is {ref_dtype}")
        return False
    else:  # plain integer / f64 tensors: exact values in their own dtype
        i = first_difference(got, ref)
    if i is None:
        print(f"{line}  bit-identical")
        return True
    idx = tuple(int(x) for x in np.unravel_index(i, got.shape))
    g, r = got.reshape(-1)[i], ref.reshape(-1)[i]
    if got.dtype == np.float32:  # both as float32 values and bit patterns
        rb = as_f32_bits(ref_dtype, ref.reshape(-1)[i:i + 1])[0]
        g = f"{g!r} (0x{int(got.view(np.uint32).reshape(-1)[i]):08x})"
        r = f"{rb.view(np.float32)!r} (0x{int(rb):08x})"
    print(f"{line}  MISMATCH at flat index {i} {idx}: decoded {g}, reference {ref_dtype} {r}")
    return False


def main(argv):
    args = argv[1:]
    ref_path = None
    if len(args) == 3 and args[1] == "--compare":
        ref_path = args[2]
    elif len(args) != 1 or args[0].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = args[0]
    try:
        buf = map_file(path)
        metadata, _, infos, alignment, data_begin = parse_header(buf, path)
        reference = read_safetensors(ref_path) if ref_path else None
    except (GGUFError, OSError, ValueError, KeyError, TypeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{path}: GGUF, {len(infos)} tensors, {len(metadata)} metadata keys, "
          f"alignment {alignment}, data at byte {data_begin}")
    bad = 0
    for t in infos:  # one tensor in memory at a time
        values = decode_tensor(buf, t)
        if reference is None:
            folded = f" (stored as {list(t.stored_shape)})" if t.shape != t.stored_shape else ""
            print(f"{t.name:60s} {t.type_name:5s} {list(values.shape)}{folded}")
        elif not compare_one(t, values, reference):
            bad += 1
        del values
    if reference is not None:
        for name in sorted(set(reference) - {t.name for t in infos}):
            print(f"{name:60s} MISMATCH: in the reference file only")
            bad += 1
    types = Counter(t.type_name for t in infos)
    print("types: " + ", ".join(f"{k} x{v}" for k, v in sorted(types.items())))
    if reference is None:
        return 0
    print(f"compared {len(infos)} tensors with {ref_path}: "
          + ("all bit-identical" if bad == 0 else f"{bad} MISMATCH(ES)"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""Q-DiT's data-free weight quantizer as a baseline (numpy only).

usage: qdit_baseline.py MODEL.safetensors -o DQ.safetensors --bits 4
                        [--budget-bpw X | --group-size N] [--ragged] [--match PACKED.safetensors]
                        [--keep REGEX ...] [--json out.json]

Writes a float32 safetensors file of the dequantized weights (same names and shapes as MODEL,
every other tensor copied as float32), ready for scripts/evaluate.py, and prints its bits per
weight. The exact rule:

1. Which tensors: every tensor of 2 or more dimensions, viewed as rows = first dimension and
   cols = the rest flattened in C order (ArrowQuant's row layout), except `gt.frequencies`,
   tensors matching --keep, and, with --match PACKED, every tensor that the ArrowQuant packed
   file PACKED did not quantize (so both quantize the same set). 1-D tensors are kept.
2. Per group (consecutive columns of one row), asymmetric INT-b codes 0..2^b-1, as Q-DiT's
   `quant_method="mse"`: for alpha = 1 - 0.001 i, i = 0..99 (alpha in [0.901, 1]),
      lo = alpha min(min(w), 0), hi = alpha max(max(w), 0), scale = max(hi - lo, 1e-5) / (2^b - 1),
      zero = clamp(round(-lo / scale), 0, 2^b - 1), q = clamp(round(w / scale) + zero, 0, 2^b - 1),
      w' = (q - zero) scale,
   keep the alpha with the smallest Lp error mean |w - w'|^p, p = 2.4 (LAPQ). Scales are rounded
   to float16 first (they are stored as F16 when counting bits; Q-DiT keeps them in float32).
   One deviation: the range includes 0, as in GPTQ's quantizer (which Q-DiT's GPTQ path uses)
   and ArrowQuant. Q-DiT's `quantize_tensor` does not widen the range and clamps the zero point
   to [0, 2^b-1], which breaks all-positive groups: this model's LayerNorm gains (~1 +- 0.07)
   come out at ~5 dB SQNR that way.
3. Group size per tensor, from Q-DiT's candidates {32, 64, 128, 192, 288} that divide cols and
   are smaller than it, plus the whole row (per-channel; always allowed, so every tensor has a
   choice). A group costs 32 bits (F16 scale + F16 zero), so a tensor at group size g costs
   b + 32 / g bits per weight. Q-DiT picks the sizes by an evolutionary search scored by FID under
   a bit budget; here, data-free, the score is the sum over tensors of the relative Lp error
   sum|w - w'|^p / sum|w|^p times the tensor's size, and the choice is greedy under the budget:
   start every tensor at its largest candidate, then repeatedly move the tensor whose next
   smaller candidate lowers the score most per extra bit, while the average bits per weight
   over the quantized tensors stays <= --budget-bpw (default b + 0.5: the size of ArrowQuant's
   default group size 64 with F16 scale and zero). --group-size N forces N on every tensor that
   N divides (others per-channel). --ragged also allows candidates that do not divide cols, with
   a shorter last group (ArrowQuant's layout; it costs ceil(cols / g) groups per row), for
   models such as this one whose widths (784 = 16 x 49, 1568) no candidate but 32 divides.
"""
import argparse
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aq_safetensors import read_safetensors, write_safetensors  # noqa: E402

CANDIDATES = (32, 64, 128, 192, 288)
P_NORM = 2.4
ALPHAS = 1.0 - 0.001 * np.arange(100)


def quantize_groups(w, bits):
    """w: float32 [n_groups, g]. Returns (dequantized [n_groups, g], Lp error sum per group)."""
    qmax = float(2 ** bits - 1)
    w = w.astype(np.float32)
    wmin = np.minimum(w.min(axis=1, keepdims=True), 0)
    wmax = np.maximum(w.max(axis=1, keepdims=True), 0)
    best_err = np.full((w.shape[0], 1), np.inf, dtype=np.float64)
    best_q = np.zeros_like(w)
    for alpha in ALPHAS:
        lo, hi = wmin * np.float32(alpha), wmax * np.float32(alpha)
        scale = (np.maximum(hi - lo, 1e-5) / qmax).astype(np.float16).astype(np.float32)
        zero = np.clip(np.round(-lo / scale), 0, qmax)
        q = (np.clip(np.round(w / scale) + zero, 0, qmax) - zero) * scale
        err = (np.abs(q - w).astype(np.float64) ** P_NORM).sum(axis=1, keepdims=True)
        better = err < best_err
        best_err = np.where(better, err, best_err)
        best_q = np.where(better, q, best_q)
    return best_q, best_err[:, 0]


def quantize_tensor(a, bits, group):
    """Rows cut into groups of `group` columns, the last one shorter if group does not divide."""
    rows = a.shape[0]
    m = np.asarray(a, dtype=np.float32).reshape(rows, -1)
    cols = m.shape[1]
    full = cols // group * group
    out = np.empty_like(m)
    err = 0.0
    if full:
        q, e = quantize_groups(m[:, :full].reshape(-1, group), bits)
        out[:, :full] = q.reshape(rows, full)
        err += float(e.sum())
    if full < cols:
        q, e = quantize_groups(m[:, full:], bits)
        out[:, full:] = q
        err += float(e.sum())
    return out.reshape(a.shape), err


def groups_per_row(cols, g):
    return -(-cols // g)


def candidates(cols, ragged=False):
    ok = [g for g in CANDIDATES if g < cols and (ragged or cols % g == 0)]
    return sorted(set(ok) | {cols}, reverse=True)


def packed_quantized_names(path):
    meta, _ = read_safetensors(path)
    if meta.get("format") != "arrowquant":
        raise SystemExit(f"{path}: not an ArrowQuant packed file")
    return set(json.loads(meta["arrowquant"])["tensors"])


def main():
    p = argparse.ArgumentParser(description="Q-DiT's data-free weight quantizer (baseline).")
    p.add_argument("model")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--bits", type=int, choices=[2, 3, 4, 8], default=4)
    p.add_argument("--budget-bpw", type=float)
    p.add_argument("--group-size", type=int)
    p.add_argument("--ragged", action="store_true", help="allow group sizes that do not divide cols")
    p.add_argument("--match", help="quantize exactly the tensors this ArrowQuant packed file quantized")
    p.add_argument("--keep", action="append", default=[], help="regex of tensors to keep (repeatable)")
    p.add_argument("--json")
    a = p.parse_args()
    budget = a.budget_bpw if a.budget_bpw is not None else a.bits + 0.5
    meta, tensors = read_safetensors(a.model, float32=True)
    only = packed_quantized_names(a.match) if a.match else None
    chosen = [n for n, t in tensors.items()
              if t.ndim >= 2 and n != "gt.frequencies" and not any(re.search(r, n) for r in a.keep)
              and (only is None or n in only)]

    # error of every (tensor, candidate group size)
    table = {}
    for n in chosen:
        t = tensors[n]
        cols = t[0].size
        ref = float((np.abs(t.astype(np.float64)) ** P_NORM).sum()) or 1.0
        cands = candidates(cols, a.ragged)
        if a.group_size:
            cands = [a.group_size] if (cols % a.group_size == 0 or a.ragged) and a.group_size < cols else [cols]
        table[n] = {"cols": cols, "size": t.size, "cands": cands, "ref": ref,
                    "runs": {g: quantize_tensor(t, a.bits, g) for g in cands}}

    # greedy allocation under the budget
    pick = {n: 0 for n in chosen}                    # index into cands (largest first)
    total = sum(table[n]["size"] for n in chosen)

    def bits_of(n, i):
        e = table[n]
        return e["size"] * a.bits + 32.0 * groups_per_row(e["cols"], e["cands"][i]) * (e["size"] // e["cols"])

    def score_of(n, i):
        e = table[n]
        return e["runs"][e["cands"][i]][1] / e["ref"] * e["size"]

    used = sum(bits_of(n, 0) for n in chosen)
    while not a.group_size:
        best = None
        for n in chosen:
            i = pick[n]
            if i + 1 >= len(table[n]["cands"]):
                continue
            extra = bits_of(n, i + 1) - bits_of(n, i)
            gain = score_of(n, i) - score_of(n, i + 1)
            if used + extra <= budget * total + 1e-9 and gain > 0 and (best is None or gain / extra > best[0]):
                best = (gain / extra, n, extra)
        if best is None:
            break
        pick[best[1]] += 1
        used += best[2]

    out, report = {}, {}
    for n, t in tensors.items():
        if n in table:
            g = table[n]["cands"][pick[n]]
            q, err = table[n]["runs"][g]
            out[n] = q.astype(np.float32)
            report[n] = {"shape": list(t.shape), "group_size": g, "bpw": bits_of(n, pick[n]) / t.size,
                         "rel_lp_error": err / table[n]["ref"],
                         "sqnr_db": float(-10 * np.log10(max(((q - t) ** 2).sum() / max((t ** 2).sum(), 1e-30), 1e-30)))}
        else:
            out[n] = np.asarray(t, dtype=np.float32)
    q_bits = sum(bits_of(n, pick[n]) for n in chosen)
    all_elems = sum(t.size for t in tensors.values())
    model_bits = q_bits + 32.0 * (all_elems - total)
    summary = {"bits": a.bits, "budget_bpw": None if a.group_size else budget, "p": P_NORM,
               "quantized_tensors": len(chosen), "quantized_parameters": total,
               "bpw_quantized": q_bits / total if total else None, "bpw_model": model_bits / all_elems,
               "tensors": report}
    md = dict(meta)
    md["qdit_baseline"] = json.dumps({k: v for k, v in summary.items() if k != "tensors"})
    write_safetensors(a.output, out, metadata=md, dtype="F32")
    for n, r in report.items():
        print(f"  {n:34s} {str(r['shape']):16s} g={r['group_size']:<5d} {r['bpw']:.3f} bpw  "
              f"SQNR {r['sqnr_db']:6.2f} dB")
    print(f"Q-DiT baseline INT{a.bits}: {len(chosen)} tensors, {total} parameters, "
          f"{summary['bpw_quantized']:.3f} bits/weight over them (F16 scale + zero per group), "
          f"{summary['bpw_model']:.3f} over the model (others F32) -> {a.output}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(summary, fh, indent=1)


if __name__ == "__main__":
    main()

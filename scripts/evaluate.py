#!/usr/bin/env python3
"""End-to-end quality of a quantized MNIST DDPM against the float one.

usage: evaluate.py --float W.safetensors --quantized DQ.safetensors
                   [--samples 16 --seed 2 --steps 50 --buckets 10 --threads 1]
                   [--json out.json] [--png PREFIX]

DQ is a dequantized model (`arrowquant-cli dequantize Q -o DQ.safetensors --dtype f32`, or
scripts/qdit_baseline.py's output): the same tensor names and shapes as W. Both are loaded into
scripts/mnist_ddpm.py's module (strict) and sampled from exactly the same noise (--seed).

Reported:
  - noise-prediction error per timestep bucket, along the float model's trajectory: at every step
    both networks predict eps from the same z_t (the float sampler's state), and
      rel_mse = sum |eps_q - eps_f|^2 / sum |eps_f|^2,   sqnr_db = -10 log10(rel_mse)
    summed over the bucket's steps, samples and pixels. Buckets split the training timesteps
    1..T as scripts/calibrate.py does (edges in the JSON).
  - final samples: each model runs its own full trajectory from the same noise; the images are
    clipped to the data range of the normalised images, [-0.5, 0.5] (range 1), and
      psnr_db = 10 log10(1 / MSE(x_q, x_f))
    over all pixels of all samples ("psnr_db"), and the mean of the per-image PSNRs
    ("psnr_db_mean_per_image"). Higher is closer to the float model.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_ddpm  # noqa: E402
from calibrate import edges_for, bucket_fn  # noqa: E402


def db(x):
    return float("inf") if x <= 0 else -10 * math.log10(x)


def evaluate(float_path, quant_path, samples=16, seed=2, steps=50, buckets=10, png=None):
    f_model, q_model = mnist_ddpm.load(float_path), mnist_ddpm.load(quant_path)
    if f_model.T != q_model.T:
        raise SystemExit("the two models have different schedules")
    fs, qs = f_model.state_dict(), q_model.state_dict()
    differing = [n for n in fs if not torch.equal(fs[n], qs[n])]
    edges = edges_for(1, f_model.T, buckets)
    bucket_of = bucket_fn(edges)
    err = np.zeros(buckets)
    ref = np.zeros(buckets)
    nsteps = np.zeros(buckets, dtype=np.int64)
    noise = mnist_ddpm.make_noise(samples, seed, steps)

    def on_step(k, t, z):
        b = bucket_of(t)
        e_f = f_model.eps(z, t).double()
        e_q = q_model.eps(z, t).double()
        err[b] += float(((e_q - e_f) ** 2).sum())
        ref[b] += float((e_f ** 2).sum())
        nsteps[b] += 1

    start = time.time()
    x_f = mnist_ddpm.sample(f_model, samples, seed, steps, on_step=on_step, noise=noise)
    x_q = mnist_ddpm.sample(q_model, samples, seed, steps, noise=noise)
    elapsed = time.time() - start
    cf, cq = x_f.clamp(-0.5, 0.5).double(), x_q.clamp(-0.5, 0.5).double()
    mse = float(((cq - cf) ** 2).mean())
    per_image = ((cq - cf) ** 2).flatten(1).mean(1)
    psnr_images = [db(float(m)) for m in per_image]
    finite = [p for p in psnr_images if math.isfinite(p)]
    if png:
        mnist_ddpm.save_grid(png + "float.png", x_f.numpy())
        mnist_ddpm.save_grid(png + "quantized.png", x_q.numpy())
    rows = []
    for b in range(buckets):
        if nsteps[b] == 0:
            continue
        rel = err[b] / ref[b]
        rows.append({"bucket": b, "t_from": int(edges[b]), "t_to": int(edges[b + 1] - 1),
                     "steps": int(nsteps[b]), "rel_mse": rel, "sqnr_db": db(rel)})
    total_rel = float(err.sum() / ref.sum())
    return {
        "float": os.path.abspath(float_path), "quantized": os.path.abspath(quant_path),
        "samples": samples, "seed": seed, "steps": steps, "T": f_model.T,
        "bucket_edges": edges.tolist(), "tensors_differing": len(differing),
        "eps": {"buckets": rows, "rel_mse": total_rel, "sqnr_db": db(total_rel)},
        "final": {"psnr_db": db(mse), "mse": mse, "data_range": [-0.5, 0.5],
                  "psnr_db_mean_per_image": float(np.mean(finite)) if finite else float("inf"),
                  "psnr_db_min_per_image": float(np.min(psnr_images))},
        "seconds": elapsed,
    }


def main():
    p = argparse.ArgumentParser(description="End-to-end quality of a quantized MNIST DDPM.")
    p.add_argument("--float", dest="float_path", required=True)
    p.add_argument("--quantized", required=True)
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--seed", type=int, default=2)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--buckets", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--json")
    p.add_argument("--png", help="write PREFIXfloat.png and PREFIXquantized.png sample grids")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    r = evaluate(a.float_path, a.quantized, a.samples, a.seed, a.steps, a.buckets, a.png)
    print(f"{os.path.basename(a.quantized)} vs {os.path.basename(a.float_path)}: {a.samples} samples, "
          f"seed {a.seed}, {a.steps} steps, {r['tensors_differing']} tensors differ")
    print("  timesteps    steps  eps rel. MSE  eps SQNR dB")
    for row in r["eps"]["buckets"]:
        print(f"  {row['t_from']:4d}-{row['t_to']:<4d}   {row['steps']:5d}  {row['rel_mse']:12.3e}  {row['sqnr_db']:11.2f}")
    print(f"  all          {a.steps:5d}  {r['eps']['rel_mse']:12.3e}  {r['eps']['sqnr_db']:11.2f}")
    f = r["final"]
    print(f"final samples: PSNR {f['psnr_db']:.2f} dB (pooled MSE {f['mse']:.3e}, data range [-0.5, 0.5]); "
          f"per image mean {f['psnr_db_mean_per_image']:.2f} dB, min {f['psnr_db_min_per_image']:.2f} dB "
          f"[{r['seconds']:.1f} s]")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(r, fh, indent=1)


if __name__ == "__main__":
    main()

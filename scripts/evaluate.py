#!/usr/bin/env python3
"""End-to-end quality of a quantized MNIST DDPM against the float one.

usage: evaluate.py --float W.safetensors --quantized DQ.safetensors
                   [--samples 16 --seed 2 --steps 50 --buckets 10 --threads 1]
                   [--json out.json] [--png PREFIX] [--float-cache FILE.npz]

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

--float-cache FILE.npz: the float model's part (its trajectory z_t, its eps at every step and its
final samples) is read from FILE when FILE was written for the same float weights (SHA-256),
samples, seed, steps and torch thread count, else computed as without the option and written
there. Every figure is the same as without the option (the same values, summed in the same order);
it only saves the float model's work when many quantized models are compared with one float model.
"""
import argparse
import hashlib
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


def _float_run(f_model, samples, seed, steps, noise):
    """The float model's trajectory: timesteps, network inputs z_t and eps [steps, n, 1, 28, 28],
    final samples. Exactly the calls evaluate() makes without a cache."""
    ts, zs, es = [], [], []

    def on_step(k, t, z):
        ts.append(t)
        zs.append(z.clone())
        es.append(f_model.eps(z, t))

    x_f = mnist_ddpm.sample(f_model, samples, seed, steps, on_step=on_step, noise=noise)
    return ts, torch.stack(zs), torch.stack(es), x_f


def _float_cached(path, float_path, f_model, samples, seed, steps, noise):
    """_float_run() through the cache file `path`: (ts, zs, es, x_f, "hit" | "written")."""
    with open(float_path, "rb") as fh:
        sha = hashlib.sha256(fh.read()).hexdigest()
    key = json.dumps({"float_sha256": sha, "samples": samples, "seed": seed, "steps": steps, "T": f_model.T,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}, sort_keys=True)
    if os.path.exists(path):
        try:
            with np.load(path) as c:
                if str(c["key"]) == key:
                    return (c["ts"].tolist(), torch.from_numpy(c["zs"]), torch.from_numpy(c["es"]),
                            torch.from_numpy(c["x_f"]), "hit")
        except (OSError, KeyError, ValueError):
            pass
        print(f"{path}: written for other float weights or settings; recomputing it", file=sys.stderr)
    ts, zs, es, x_f = _float_run(f_model, samples, seed, steps, noise)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        np.savez(fh, key=np.array(key), ts=np.array(ts, dtype=np.int64), zs=zs.numpy(), es=es.numpy(),
                 x_f=x_f.numpy())
    os.replace(tmp, path)
    return ts, zs, es, x_f, "written"


def evaluate(float_path, quant_path, samples=16, seed=2, steps=50, buckets=10, png=None, float_cache=None):
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
    cache_state = None
    if float_cache:
        ts, zs, es, x_f, cache_state = _float_cached(float_cache, float_path, f_model, samples, seed, steps, noise)
        with torch.no_grad():
            for k, t in enumerate(ts):           # the sums of on_step(), in the same order
                b = bucket_of(t)
                e_f = es[k].double()
                e_q = q_model.eps(zs[k], t).double()
                err[b] += float(((e_q - e_f) ** 2).sum())
                ref[b] += float((e_f ** 2).sum())
                nsteps[b] += 1
    else:
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
    out = {
        "float": os.path.abspath(float_path), "quantized": os.path.abspath(quant_path),
        "samples": samples, "seed": seed, "steps": steps, "T": f_model.T,
        "bucket_edges": edges.tolist(), "tensors_differing": len(differing),
        "eps": {"buckets": rows, "rel_mse": total_rel, "sqnr_db": db(total_rel)},
        "final": {"psnr_db": db(mse), "mse": mse, "data_range": [-0.5, 0.5],
                  "psnr_db_mean_per_image": float(np.mean(finite)) if finite else float("inf"),
                  "psnr_db_min_per_image": float(np.min(psnr_images))},
        "seconds": elapsed,
    }
    if float_cache:
        out["float_cache"] = {"path": os.path.abspath(float_cache), "state": cache_state}
    return out


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
    p.add_argument("--float-cache", metavar="FILE.npz",
                   help="read the float model's trajectory from FILE (or compute and write it there)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    r = evaluate(a.float_path, a.quantized, a.samples, a.seed, a.steps, a.buckets, a.png, a.float_cache)
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

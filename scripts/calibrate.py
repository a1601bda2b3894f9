#!/usr/bin/env python3
"""Record a calibration file (docs/CALIBRATION.md) for calibrated quantization.

For every nn.Linear and nn.Conv1d/2d/3d of a PyTorch module, sums x x^T over the layer's input
vectors x (one per output position, in the column order of the weight's row layout), separately
for each timestep bucket, and writes them to HDF5.

usage:
  calibrate.py mnist-ddpm --weights ddpm_mnist_augmentation.safetensors -o cal.h5
               [--samples 8 --seed 1 --buckets 10 --steps 50 --batch 8 --threads 1]
      Runs DDPM sampling (scripts/mnist_ddpm.py, 50 respaced steps of the checkpoint's own
      1000-step schedule) and records every layer of the noise network.
  calibrate.py diffusers PIPELINE_FOLDER --prompts prompts.txt -o cal.h5
               [--steps 30 --buckets 10 --seed 0 --prefix "" --timestep-scale 1]
      Runs a local diffusers pipeline (needs `diffusers`; untested in this repository) on each
      prompt and records its denoiser (pipe.unet or pipe.transformer). Memory: every recorded
      layer holds B float64 k x k sums (a 1280-wide layer with 10 buckets: 131 MB), so for large
      denoisers use fewer --buckets or a lower --diag-threshold.

As a library:
    rec = Recorder(module, buckets=10, bucket_of_timestep=lambda t: ...)
    ... for each denoising step: rec.set_timestep(t); module(...)
    rec.write("cal.h5", bucket_edges=edges)
    rec.remove()

Column order: a Conv weight [out, in/groups, *kernel] is a matrix of rows = out and columns =
(in/groups, *kernel) flattened in C order; each input vector is the receptive field of one output
position in that same order (channel-major, then kernel rows, then kernel columns), taken from
the input padded as the layer pads it. Grouped convolutions: the per-group Gram matrices are
summed (each input vector counted once per group). ConvTranspose layers are skipped (with a
message). Each forward's partial sum is computed in float32 (a oneDNN GEMM when available, much
faster than the reference BLAS of Debian's torch) and accumulated in float64; precision="float64"
computes the partial sums in float64 too. Files store float32.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FORMAT = "arrowquant-calibration"
VERSION = 1
_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
_CONV_T = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
_CHUNK_ELEMENTS = 1 << 25          # unfold at most ~32M elements (128 MB float32) at a time


def _mkldnn_ok():
    try:
        if not torch.backends.mkldnn.is_available():
            return False
        a = torch.eye(3).to_mkldnn()
        return torch.allclose(torch._C._nn.mkldnn_linear(a, a, None).to_dense(), torch.eye(3))
    except Exception:                    # private API: fall back to torch.mm if it ever changes
        return False


_USE_MKLDNN = None


def gram(x, precision="float32"):
    """x^T x as float64 [k, k] for x [n, k]."""
    global _USE_MKLDNN
    if precision == "float64":
        x = x.double()
        return x.t() @ x
    x = x.float()
    if _USE_MKLDNN is None:
        _USE_MKLDNN = _mkldnn_ok()
    if _USE_MKLDNN:
        xt = x.t().contiguous().to_mkldnn()
        return torch._C._nn.mkldnn_linear(xt, xt, None).to_dense().double()
    return (x.t() @ x).double()


def conv_columns(conv, x):
    """Input vectors of a Conv1d/2d/3d for input x [N, C, *spatial]: [N * positions, groups,
    C/groups * prod(kernel)], columns ordered as the weight's flattened (C/groups, *kernel)."""
    nd = len(conv.kernel_size)
    pad = getattr(conv, "_reversed_padding_repeated_twice", None)
    if pad is None:
        pad = [p for p in reversed(conv.padding) for _ in range(2)]
    if any(pad):
        x = F.pad(x, list(pad), mode="constant" if conv.padding_mode == "zeros" else conv.padding_mode)
    for i in range(nd):                 # unfold appends each window dimension at the end
        k, s, d = conv.kernel_size[i], conv.stride[i], conv.dilation[i]
        x = x.unfold(2 + i, d * (k - 1) + 1, s)
        if d > 1:
            x = x[..., ::d]
    # x: [N, C, o_1..o_nd, k_1..k_nd] -> [N, o_1..o_nd, C, k_1..k_nd]
    perm = [0] + list(range(2, 2 + nd)) + [1] + list(range(2 + nd, 2 + 2 * nd))
    x = x.permute(*perm)
    g = conv.groups
    return x.reshape(-1, g, (conv.in_channels // g) * math.prod(conv.kernel_size))


class Recorder:
    """Per-layer, per-timestep-bucket sums of x x^T over each layer's input vectors.

    module: the network; every nn.Linear / nn.Conv1d/2d/3d in it gets a forward pre-hook.
    buckets: number of timestep buckets B. bucket_of_timestep(t) -> 0..B-1.
    Layers whose column count k exceeds diag_threshold keep only the diagonal."""

    def __init__(self, module, buckets, bucket_of_timestep, diag_threshold=4096, precision="float32",
                 verbose=True):
        self.buckets = int(buckets)
        self.bucket_of_timestep = bucket_of_timestep
        self.diag_threshold = diag_threshold
        self.precision = precision
        self.bucket = None
        self.layers = {}                 # weight's state-dict name -> dict(k, kind, sum, count)
        self.skipped = {}                # weight name -> reason
        self.handles = []
        for mname, m in module.named_modules():
            wname = f"{mname}.weight" if mname else "weight"
            if isinstance(m, _CONV_T):
                self.skipped[wname] = "ConvTranspose (weight [in, out/groups, ...]) is not recorded"
                continue
            if not isinstance(m, (nn.Linear,) + _CONVS) or getattr(m, "weight", None) is None:
                continue
            k = m.weight[0].numel()
            kind = "diag" if k > diag_threshold else "hessian"
            shape = (self.buckets, k) if kind == "diag" else (self.buckets, k, k)
            self.layers[wname] = {"k": k, "kind": kind, "sum": torch.zeros(shape, dtype=torch.float64),
                                  "count": np.zeros(self.buckets, dtype=np.float64),
                                  "shape": tuple(m.weight.shape)}
            self.handles.append(m.register_forward_pre_hook(self._hook(wname)))
        if verbose:
            for name, why in self.skipped.items():
                print(f"calibrate: skipping {name}: {why}", file=sys.stderr)

    def set_timestep(self, t):
        b = int(self.bucket_of_timestep(t))
        if not 0 <= b < self.buckets:
            raise ValueError(f"timestep {t} maps to bucket {b}, outside 0..{self.buckets - 1}")
        self.bucket = b

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []

    def _hook(self, wname):
        def hook(m, inputs):
            if self.bucket is None:
                raise RuntimeError("Recorder: call set_timestep(t) before running the model")
            with torch.no_grad():
                self._add(wname, m, inputs[0].detach())
        return hook

    def _add(self, wname, m, x):
        layer, b = self.layers[wname], self.bucket
        if isinstance(m, nn.Linear):
            chunks, groups = [x.reshape(-1, x.shape[-1])], 1
        else:
            groups = m.groups
            if x.dim() == len(m.kernel_size) + 1:            # unbatched input
                x = x.unsqueeze(0)
            per_item = max(1, x[0].numel() * math.prod(m.kernel_size) // max(1, m.stride[0]))
            step = max(1, _CHUNK_ELEMENTS // per_item)
            chunks = [conv_columns(m, x[i:i + step]) for i in range(0, x.shape[0], step)]
        for cols in chunks:
            cols = cols.reshape(-1, groups, layer["k"])
            for g in range(groups):
                xg = cols[:, g]
                if layer["kind"] == "diag":
                    layer["sum"][b] += (xg.double() ** 2).sum(0)
                else:
                    layer["sum"][b] += gram(xg, self.precision)
                layer["count"][b] += xg.shape[0]

    def write(self, path, name_of_param=None, bucket_edges=None, attrs=None):
        """Writes docs/CALIBRATION.md. name_of_param: None (the module's state-dict names), a dict
        or a callable mapping them to the tensor names of the model file."""
        import h5py
        if bucket_edges is not None:
            bucket_edges = np.asarray(bucket_edges, dtype=np.int64)
            if bucket_edges.shape != (self.buckets + 1,) or np.any(np.diff(bucket_edges) <= 0):
                raise ValueError("bucket_edges must be B+1 increasing integers")
        rename = (name_of_param if callable(name_of_param)
                  else (lambda n: name_of_param.get(n, n)) if isinstance(name_of_param, dict)
                  else (lambda n: n))
        tmp = path + ".tmp"
        with h5py.File(tmp, "w") as f:
            f.attrs["format"] = FORMAT
            f.attrs["version"] = np.int64(VERSION)
            if bucket_edges is not None:
                f.attrs["bucket_edges"] = bucket_edges
            for k, v in (attrs or {}).items():
                f.attrs[k] = v
            layers = f.create_group("layers")
            for wname, layer in self.layers.items():
                if layer["count"].sum() == 0:              # never ran: a reader would refuse it
                    print(f"calibrate: {wname} saw no input; not written", file=sys.stderr)
                    continue
                s = layer["sum"]
                if layer["kind"] == "hessian":
                    s = 0.5 * (s + s.transpose(1, 2))          # exactly symmetric
                g = layers.create_group(rename(wname))
                g.create_dataset(layer["kind"], data=s.numpy().astype(np.float32))
                g.create_dataset("count", data=layer["count"])
        os.replace(tmp, path)

    def summary(self):
        lines = []
        for wname, layer in self.layers.items():
            lines.append(f"  {wname:34s} {str(list(layer['shape'])):18s} k={layer['k']:<6d} "
                         f"{layer['kind']:8s} vectors={int(layer['count'].sum())}")
        return "\n".join(lines)


def edges_for(t_lo, t_hi, buckets):
    """B+1 increasing integer edges covering the timesteps t_lo..t_hi (bucket b holds
    edges[b] <= t < edges[b+1])."""
    e = np.round(np.linspace(t_lo, t_hi + 1, buckets + 1)).astype(np.int64)
    if np.any(np.diff(e) <= 0):
        raise ValueError(f"{buckets} buckets are too many for timesteps {t_lo}..{t_hi}")
    return e


def bucket_fn(edges):
    edges = np.asarray(edges)
    return lambda t: int(np.clip(np.searchsorted(edges, t, side="right") - 1, 0, len(edges) - 2))


def cmd_mnist(a):
    import mnist_ddpm
    torch.set_num_threads(a.threads)
    model = mnist_ddpm.load(a.weights)
    edges = edges_for(1, model.T, a.buckets)
    rec = Recorder(model, a.buckets, bucket_fn(edges), diag_threshold=a.diag_threshold,
                   precision=a.precision)
    start = time.time()
    z, step_noise = mnist_ddpm.make_noise(a.samples, a.seed, a.steps)   # same for any --batch
    for i in range(0, a.samples, a.batch):
        mnist_ddpm.sample(model, 0, None, a.steps, noise=(z[i:i + a.batch], step_noise[:, i:i + a.batch]),
                          on_step=lambda k, t, x: rec.set_timestep(t))
    rec.remove()
    rec.write(a.output, bucket_edges=edges,
              attrs={"source": os.path.basename(a.weights), "samples": np.int64(a.samples),
                     "seed": np.int64(a.seed), "steps": np.int64(a.steps)})
    print(f"recorded {len(rec.layers)} layers, {a.samples} samples x {a.steps} steps, "
          f"{a.buckets} buckets (edges {edges.tolist()}), {time.time() - start:.1f} s -> {a.output}")
    print(rec.summary())


def cmd_diffusers(a):
    try:
        import diffusers
    except ImportError:
        sys.exit("calibrate.py diffusers: the 'diffusers' package is not installed "
                 "(pip install diffusers transformers accelerate); nothing was recorded")
    prompts = [line.strip() for line in open(a.prompts, encoding="utf-8") if line.strip()]
    if not prompts:
        sys.exit(f"{a.prompts}: no prompts")
    pipe = diffusers.DiffusionPipeline.from_pretrained(a.pipeline, local_files_only=True,
                                                       torch_dtype=torch.float32)
    den = getattr(pipe, "unet", None) or getattr(pipe, "transformer", None)
    if den is None:
        sys.exit("pipeline has neither .unet nor .transformer")
    T = int(pipe.scheduler.config.num_train_timesteps)
    edges = edges_for(0, T - 1, a.buckets)
    rec = Recorder(den, a.buckets, bucket_fn(edges), diag_threshold=a.diag_threshold)
    forward = den.forward

    def timed_forward(*args, **kw):
        t = kw.get("timestep", args[1] if len(args) > 1 else None)
        t = (float(t.flatten()[0]) if torch.is_tensor(t) else float(t)) * a.timestep_scale
        rec.set_timestep(min(max(int(round(t)), 0), T - 1))
        return forward(*args, **kw)

    den.forward = timed_forward
    start = time.time()
    with torch.no_grad():
        for i, prompt in enumerate(prompts):
            pipe(prompt, num_inference_steps=a.steps,
                 generator=torch.Generator().manual_seed(a.seed + i))
    den.forward = forward
    rec.remove()
    rec.write(a.output, name_of_param=lambda n: a.prefix + n, bucket_edges=edges,
              attrs={"source": os.path.basename(os.path.normpath(a.pipeline))})
    print(f"recorded {len(rec.layers)} layers over {len(prompts)} prompts in "
          f"{time.time() - start:.1f} s -> {a.output}")


def main():
    p = argparse.ArgumentParser(description="Record a calibration file (docs/CALIBRATION.md).")
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mnist-ddpm", help="the MNIST DDPM of ../shared/models (scripts/mnist_ddpm.py)")
    m.add_argument("--weights", required=True)
    m.add_argument("-o", "--output", required=True)
    m.add_argument("--samples", type=int, default=8)
    m.add_argument("--seed", type=int, default=1)
    m.add_argument("--buckets", type=int, default=10)
    m.add_argument("--steps", type=int, default=50)
    m.add_argument("--batch", type=int, default=8)
    m.add_argument("--threads", type=int, default=1)
    m.add_argument("--precision", choices=["float32", "float64"], default="float32")
    m.add_argument("--diag-threshold", type=int, default=4096)
    m.set_defaults(func=cmd_mnist)
    d = sub.add_parser("diffusers", help="a local diffusers pipeline folder (untested here)")
    d.add_argument("pipeline")
    d.add_argument("--prompts", required=True)
    d.add_argument("-o", "--output", required=True)
    d.add_argument("--steps", type=int, default=30)
    d.add_argument("--buckets", type=int, default=10)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--prefix", default="", help="prepended to tensor names (for single-file checkpoints)")
    d.add_argument("--timestep-scale", type=float, default=1.0,
                   help="multiplies the timestep the denoiser receives before bucketing (e.g. 1000 "
                        "for pipelines that pass t in [0, 1])")
    d.add_argument("--diag-threshold", type=int, default=4096)
    d.set_defaults(func=cmd_diffusers)
    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    main()

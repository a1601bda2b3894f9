#!/usr/bin/env python3
"""The MNIST DDPM of ../shared/models/mnist-ddpm/ddpm_mnist_augmentation.safetensors, in PyTorch.

Our own module with exactly the checkpoint's tensor names and shapes (it loads with strict=True):
a plain CNN, not a UNet, of four blocks `Conv2d(7x7, same padding) -> LayerNorm([C, 28, 28]) ->
GELU` with 16, 32, 32, 16 channels, then a 3x3 Conv2d back to 1 channel. The timestep t in (0, 1]
is encoded as [sin(t f), cos(t f) - 1] over 16 frequencies f = 0, 2pi*1.5^i (the `gt.frequencies`
buffer), passed through an MLP 32 -> 128 -> 128 -> 128 -> 16 (GELU between) and added to the
first block's output. The network predicts the noise eps of z_t = sqrt(abar_t) x + sqrt(1-abar_t) eps.

Noise schedule: linear betas from 1e-4 to 0.02, beta_t = 1e-4 + (0.02 - 1e-4) t / T for
t = 0..T, abar_t = prod_{s<=t} (1 - beta_s) (buffers `beta_t`, `alpha_t`). The checkpoint's
buffers have T + 1 = 1001 entries, so the network was trained with T = 1000 and time input t / T
(the published params file says n_T = 50, but a 50-step model would carry 51-entry buffers). We
therefore sample with the checkpoint's own 1000-step schedule, respaced to 50 steps
t_k = k T / 50 (k = 50..1) as in Nichol & Dhariwal (2021): beta'_k = 1 - abar(t_k) / abar(t_{k-1}),
with t_0 = 0, and the ancestral DDPM update of the original code,
z <- (z - beta'_k / sqrt(1 - abar(t_k)) eps) / sqrt(1 - beta'_k) + sigma_k noise (no noise at the
last step), with sigma_k^2 the posterior variance by default (see sample()). Sampling with the
params file's literal n_T = 50 (a 50-step schedule, time input i/50) gives pure noise (checked).
The params file's `variance_schedular = 2` is the mask variance of the other model (the defading
DDM); the DDPM's code does not read it.

Images are normalised as in training: x = pixel - 0.5, so the data range is [-0.5, 0.5].

CLI: mnist_ddpm.py --weights W.safetensors [--samples 16 --seed 0 --steps 50
                   --variance posterior|beta --png /tmp/grid.png]
samples a grid from the float model and writes it as a PNG (written by hand, no PIL).
"""
import argparse
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aq_safetensors import read_safetensors  # noqa: E402

HIDDEN = (16, 32, 32, 16)
IMAGE = (1, 28, 28)


class ConvLayerNormGELU(nn.Module):
    """`net.0` Conv2d (same padding), `net.1` LayerNorm over [C, H, W], `net.2` GELU."""

    def __init__(self, cin, cout, kernel=7, shape=(28, 28)):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(cin, cout, kernel, padding=kernel // 2),
                                 nn.LayerNorm((cout, *shape)), nn.GELU())

    def forward(self, x):
        return self.net(x)


class NoiseNet(nn.Module):
    """eps(z_t, t / T); submodule `gt` of the checkpoint."""

    def __init__(self, channels=1, hidden=HIDDEN, n_freq=16):
        super().__init__()
        blocks, last = [], channels
        for h in hidden:
            blocks.append(ConvLayerNormGELU(last, h))
            last = h
        blocks.append(nn.Conv2d(last, channels, 3, padding=1))
        self.blocks = nn.ModuleList(blocks)
        self.time_embed = nn.Sequential(nn.Linear(2 * n_freq, 128), nn.GELU(), nn.Linear(128, 128),
                                        nn.GELU(), nn.Linear(128, 128), nn.GELU(),
                                        nn.Linear(128, hidden[0]))
        freqs = [0.0] + [2 * np.pi * 1.5 ** i for i in range(n_freq - 1)]
        self.register_buffer("frequencies", torch.tensor(freqs, dtype=torch.float32))

    def forward(self, x, t):
        phase = t[:, None] * self.frequencies[None, :]
        emb = self.time_embed(torch.cat([torch.sin(phase), torch.cos(phase) - 1], dim=1))
        h = self.blocks[0](x) + emb[:, :, None, None]
        for block in self.blocks[1:]:
            h = block(h)
        return h


def linear_schedule(beta1=1e-4, beta2=0.02, T=1000):
    beta = (beta2 - beta1) * torch.arange(0, T + 1, dtype=torch.float32) / T + beta1
    return beta, torch.exp(torch.cumsum(torch.log(1 - beta), dim=0))


class MnistDDPM(nn.Module):
    """State dict: `beta_t`, `alpha_t` [T+1], `gt.*` (the noise network)."""

    def __init__(self, T=1000):
        super().__init__()
        self.gt = NoiseNet()
        beta, abar = linear_schedule(T=T)
        self.register_buffer("beta_t", beta)
        self.register_buffer("alpha_t", abar)

    @property
    def T(self):
        return self.beta_t.shape[0] - 1

    def eps(self, z, t):
        """Noise prediction at integer training timestep t (scalar) for the batch z."""
        return self.gt(z, torch.full((z.shape[0],), t / self.T, dtype=z.dtype))


def load(path, T=None):
    """MnistDDPM with the weights of a (float or dequantized) safetensors file, strict=True."""
    _, tensors = read_safetensors(path, float32=True)
    if T is None:
        T = tensors["beta_t"].shape[0] - 1
    model = MnistDDPM(T)
    model.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in tensors.items()},
                          strict=True)
    return model.eval()


def timesteps(T, steps):
    """Training timesteps visited by a `steps`-step sampler, from the noisiest down: t_k = round(k T / steps)."""
    return [int(round(k * T / steps)) for k in range(steps, 0, -1)]


def make_noise(n, seed, steps):
    """All the randomness of one sampling run, drawn up front: (z_T [n,1,28,28], per-step noise
    [steps-1, n,1,28,28]). The same seed gives the same noise whatever weights are used."""
    g = torch.Generator().manual_seed(int(seed))
    z = torch.randn((n, *IMAGE), generator=g)
    return z, torch.randn((max(steps - 1, 0), n, *IMAGE), generator=g)


@torch.no_grad()
def sample(model, n, seed, steps=50, on_step=None, noise=None, variance="posterior"):
    """Ancestral DDPM sampling of n images (normalised, [-0.5, 0.5] nominal range).

    Deterministic given seed: all noise comes from make_noise(n, seed, steps) (or `noise`, a
    (z_T, step_noise) pair, which overrides n and seed).
    variance: the added noise's variance sigma_k^2, "posterior" = beta'_k (1 - abar(t_{k-1})) /
    (1 - abar(t_k)) (DDPM's beta-tilde; cleaner samples at 50 steps, the default) or "beta" =
    beta'_k (the original code's choice; with steps = T it is exactly the original sampler).
    on_step(k, t, z) is called before each network evaluation, k = 0..steps-1, t the training
    timestep fed to the network and z the network input (do not modify it)."""
    z, step_noise = noise if noise is not None else make_noise(n, seed, steps)
    z = z.clone()
    T = model.T
    ts = timesteps(T, steps)
    abar = model.alpha_t.double()
    for k, t in enumerate(ts):
        t_prev = ts[k + 1] if k + 1 < len(ts) else 0
        a, a_prev = abar[t], abar[t_prev]
        beta = float(1 - a / a_prev)
        if on_step is not None:
            on_step(k, t, z)
        eps = model.eps(z, t)
        z = (z - (beta / float(torch.sqrt(1 - a))) * eps) / float(np.sqrt(1 - beta))
        if k + 1 < len(ts):
            var = beta if variance == "beta" else beta * float((1 - a_prev) / (1 - a))
            z = z + float(np.sqrt(var)) * step_noise[k]
    return z


def write_png(path, img):
    """img: uint8 [H, W] (grey) or [H, W, 3]. A minimal PNG: one IDAT, filter 0 on every row."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w = img.shape[:2]
    colour = 0 if img.ndim == 2 else 2
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def save_grid(path, images, cols=8, scale=3):
    """images: [n, 1, 28, 28] normalised; clipped to [-0.5, 0.5], shown white on black, upscaled."""
    x = np.clip(np.asarray(images, dtype=np.float32)[:, 0] + 0.5, 0, 1)
    n, h, w = x.shape
    rows = (n + cols - 1) // cols
    grid = np.full((rows * (h + 2) + 2, cols * (w + 2) + 2), 0.25, dtype=np.float32)
    for i in range(n):
        r, c = divmod(i, cols)
        grid[2 + r * (h + 2):2 + r * (h + 2) + h, 2 + c * (w + 2):2 + c * (w + 2) + w] = x[i]
    grid = np.kron(grid, np.ones((scale, scale), dtype=np.float32))
    write_png(path, (grid * 255 + 0.5).astype(np.uint8))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--weights", required=True)
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--variance", choices=["posterior", "beta"], default="posterior")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--png", default="/tmp/mnist_ddpm_samples.png")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = load(a.weights)
    start = time.time()
    x = sample(model, a.samples, a.seed, a.steps, variance=a.variance)
    save_grid(a.png, x.numpy())
    print(f"{a.samples} samples, {a.steps} steps of T={model.T}, {time.time() - start:.1f} s; "
          f"range [{x.min():.3f}, {x.max():.3f}], mean {x.mean():.3f}; wrote {a.png}")


if __name__ == "__main__":
    main()

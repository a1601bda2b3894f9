#!/usr/bin/env python3
"""Checks scripts/calibrate.py's Recorder against sums computed independently, by explicit loops.

usage: recorder_check.py SOURCE_DIR      (exit 0 when every check passes, 1 on a failure,
                                          77 when torch or h5py is missing)

On a tiny random module (a Linear, a Conv2d with a non-square kernel, stride, dilation and
padding, a grouped Conv2d, a reflect-padded Conv1d and a ConvTranspose2d), run over two timestep
buckets, it checks:
  - the Linear's H equals sum x x^T over its input rows;
  - each conv's H equals sum x x^T over receptive fields gathered by explicit loops over output
    positions (grouped: summed over groups), and count is the number of vectors;
  - column order: for every output position, W.flatten(1) @ x_col + bias equals the conv's
    output there (so x_col is in the weight's row layout, (c, ky, kx) in C order);
  - F.unfold's (c, ky, kx) order is ours; a Conv3d's columns also match its weight layout;
  - diag mode (diag_threshold below k) stores exactly the diagonal of the same sum;
  - the written HDF5 file: root attributes, /layers/<name>/{hessian|diag,count}, dtypes, shapes,
    symmetry; the ConvTranspose is skipped.
"""
import os
import sys
import tempfile

import numpy as np

try:
    import h5py
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:                         # ctest SKIP_RETURN_CODE
    print(f"recorder check skipped: {e} (needs torch and h5py, e.g. Debian's python3-torch, python3-h5py)")
    sys.exit(77)

sys.path.insert(0, os.path.join(sys.argv[1] if len(sys.argv) > 1 else ".", "scripts"))
import calibrate  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 3)
        self.conv = nn.Conv2d(3, 4, (2, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2))
        self.gconv = nn.Conv2d(4, 6, 3, padding=1, groups=2)
        self.c1 = nn.Conv1d(2, 3, 3, padding=1, padding_mode="reflect")
        self.up = nn.ConvTranspose2d(4, 2, 2, stride=2)

    def forward(self, x, v, s):
        y = self.conv(x)
        return self.fc(v), self.gconv(y), self.c1(s), self.up(y)


def fields_2d(x, conv):
    """Explicit receptive fields: dict (n, oy, ox, group) -> vector of (c, ky, kx) in C order."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = conv.kernel_size, conv.stride, conv.padding, conv.dilation
    n_, c_, h, w = x.shape
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    cg = c_ // conv.groups
    out = {}
    for n in range(n_):
        for oy in range(oh):
            for ox in range(ow):
                for g in range(conv.groups):
                    v = []
                    for c in range(g * cg, (g + 1) * cg):
                        for ky in range(kh):
                            for kx in range(kw):
                                y, xx = oy * sh - ph + ky * dh, ox * sw - pw + kx * dw
                                v.append(float(x[n, c, y, xx]) if 0 <= y < h and 0 <= xx < w else 0.0)
                    out[(n, oy, ox, g)] = np.array(v)
    return out


def fields_1d_reflect(s, conv):
    (k,), (p,) = conv.kernel_size, conv.padding
    n_, c_, L = s.shape
    out = {}
    for n in range(n_):
        for o in range(L):                       # stride 1, same length
            v = []
            for c in range(c_):
                for kk in range(k):
                    i = o - p + kk
                    i = -i if i < 0 else (2 * (L - 1) - i if i >= L else i)   # reflect
                    v.append(float(s[n, c, i]))
            out[(n, o)] = np.array(v)
    return out


model = Tiny().double()
edges = np.array([0, 10, 20])
rec = calibrate.Recorder(model, 2, calibrate.bucket_fn(edges), precision="float64", verbose=False)
rec_diag = calibrate.Recorder(model, 2, calibrate.bucket_fn(edges), diag_threshold=10, verbose=False)
check("up.weight" in rec.skipped and "up.weight" not in rec.layers, "ConvTranspose2d is skipped")

inputs = {}
for t in (3, 15):                                # bucket 0, then bucket 1
    x = torch.randn(2, 3, 5, 6, dtype=torch.float64)
    v = torch.randn(2, 4, 5, dtype=torch.float64)   # Linear on a 3-D input: rows are the last dim
    s = torch.randn(2, 2, 7, dtype=torch.float64)
    rec.set_timestep(t)
    rec_diag.set_timestep(t)
    with torch.no_grad():
        model(x, v, s)
    inputs[t] = (x, v, s)
rec.remove()                                     # the checks below run the layers again
rec_diag.remove()

for b, t in enumerate((3, 15)):
    x, v, s = inputs[t]
    with torch.no_grad():
        y = model.conv(x)
        gy = model.gconv(y)
        cy = model.c1(s)
    # Linear
    rows = v.reshape(-1, 5).numpy()
    H = rows.T @ rows
    L = rec.layers["fc.weight"]
    check(np.allclose(L["sum"][b].numpy(), H, rtol=1e-12, atol=1e-12) and L["count"][b] == 8,
          f"bucket {b}: Linear on [2, 4, 5]: H = sum x x^T over its 8 rows, count 8")
    # Conv2d with stride, dilation, padding
    fx = fields_2d(x, model.conv)
    H = sum(np.outer(f, f) for f in fx.values())
    check(np.allclose(rec.layers["conv.weight"]["sum"][b].numpy(), H, rtol=1e-12, atol=1e-10)
          and rec.layers["conv.weight"]["count"][b] == len(fx),
          f"bucket {b}: Conv2d H = sum x x^T over {len(fx)} explicit receptive fields")
    Wf = model.conv.weight.detach().flatten(1).numpy()
    worst = max(abs(Wf @ f + model.conv.bias.detach().numpy() - y[n, :, oy, ox].numpy()).max()
                for (n, oy, ox, _), f in fx.items())
    check(worst < 1e-12, f"bucket {b}: Conv2d W.flatten(1) @ x_col + bias == output at every position "
                         f"(max diff {worst:.1e})")
    # grouped Conv2d: per-group H summed
    fg = fields_2d(y, model.gconv)
    H = sum(np.outer(f, f) for f in fg.values())
    check(np.allclose(rec.layers["gconv.weight"]["sum"][b].numpy(), H, rtol=1e-12, atol=1e-10)
          and rec.layers["gconv.weight"]["count"][b] == len(fg),
          f"bucket {b}: grouped Conv2d H = sum over groups of x x^T, count {len(fg)}")
    Wg = model.gconv.weight.detach().flatten(1).numpy()
    og = model.gconv.out_channels // model.gconv.groups
    worst = max(abs(Wg[g * og:(g + 1) * og] @ f + model.gconv.bias.detach().numpy()[g * og:(g + 1) * og]
                    - gy[n, g * og:(g + 1) * og, oy, ox].numpy()).max() for (n, oy, ox, g), f in fg.items())
    check(worst < 1e-12, f"bucket {b}: grouped Conv2d column order matches the weight layout (max diff {worst:.1e})")
    # reflect-padded Conv1d
    f1 = fields_1d_reflect(s, model.c1)
    H = sum(np.outer(f, f) for f in f1.values())
    check(np.allclose(rec.layers["c1.weight"]["sum"][b].numpy(), H, rtol=1e-12, atol=1e-10),
          f"bucket {b}: reflect-padded Conv1d H = sum x x^T")
    W1 = model.c1.weight.detach().flatten(1).numpy()
    worst = max(abs(W1 @ f + model.c1.bias.detach().numpy() - cy[n, :, o].numpy()).max()
                for (n, o), f in f1.items())
    check(worst < 1e-12, f"bucket {b}: Conv1d column order matches the weight layout (max diff {worst:.1e})")
    # diag mode (float32 path) equals the diagonal
    for name in ("conv.weight", "gconv.weight"):
        D = rec_diag.layers[name]
        full = rec.layers[name]["sum"][b].numpy()
        check(D["kind"] == "diag" and np.allclose(D["sum"][b].numpy(), np.diag(full), rtol=1e-6),
              f"bucket {b}: diag mode stores the diagonal of {name}")

rec32 = calibrate.Recorder(model.float(), 2, calibrate.bucket_fn(edges), verbose=False)
rec32.set_timestep(3)
with torch.no_grad():
    model(*[a.float() for a in inputs[3]])
rec32.remove()
rel = np.abs(rec32.layers["conv.weight"]["sum"][0].numpy() - rec.layers["conv.weight"]["sum"][0].numpy()).max()
rel /= np.abs(rec.layers["conv.weight"]["sum"][0].numpy()).max()
check(rel < 1e-5, f"float32 partial sums agree with float64 (max rel diff {rel:.1e})")

# torch's F.unfold orders a receptive field channel-major, (c, ky, kx): the same as our columns
x = inputs[3][0]
cv = model.conv
unf = F.unfold(x.float(), cv.kernel_size, dilation=cv.dilation, padding=cv.padding, stride=cv.stride)
ours = calibrate.conv_columns(cv, x.float()).reshape(-1, 18)
check(torch.equal(unf.transpose(1, 2).reshape(-1, 18), ours), "F.unfold gives the same (c, ky, kx) columns")
# Conv3d (strided, dilated, padded): W.flatten(1) @ x_col + bias == output
c3 = nn.Conv3d(2, 3, (2, 3, 2), stride=(1, 2, 1), padding=(1, 1, 0), dilation=(2, 1, 1)).double()
x3 = torch.randn(2, 2, 4, 5, 3, dtype=torch.float64)
with torch.no_grad():
    out3 = c3(x3)
cols = calibrate.conv_columns(c3, x3).reshape(-1, 24)
pred = cols @ c3.weight.detach().flatten(1).t() + c3.bias.detach()
worst = (pred - out3.permute(0, 2, 3, 4, 1).reshape(-1, 3)).abs().max().item()
check(worst < 1e-12, f"Conv3d column order matches the weight layout (max diff {worst:.1e})")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "cal.h5")
    rec.write(path, bucket_edges=edges)
    with h5py.File(path, "r") as f:
        a = f.attrs
        fmt = a["format"]
        fmt = fmt.decode() if isinstance(fmt, bytes) else str(fmt)
        check(fmt == "arrowquant-calibration" and int(a["version"]) == 1
              and np.issubdtype(a["version"].dtype, np.integer)
              and a["bucket_edges"].dtype == np.int64 and list(a["bucket_edges"]) == [0, 10, 20],
              "root attributes format, version, bucket_edges")
        names = sorted(f["layers"].keys())
        check(names == ["c1.weight", "conv.weight", "fc.weight", "gconv.weight"], f"layer groups {names}")
        h = f["layers/conv.weight/hessian"]
        c = f["layers/conv.weight/count"]
        check(h.dtype == np.float32 and h.shape == (2, 18, 18) and c.dtype == np.float64 and c.shape == (2,),
              "conv.weight [4, 3, 2, 3]: hessian float32 [2, 18, 18], count float64 [2]")
        hh = h[()]
        check(np.array_equal(hh, hh.transpose(0, 2, 1)), "hessian is exactly symmetric")
        check(np.allclose(hh, rec.layers["conv.weight"]["sum"].numpy(), rtol=1e-6), "file holds the sums")
        check(f["layers/gconv.weight/hessian"].shape == (2, 18, 18), "grouped conv: k = in/groups * kh * kw")
    path = os.path.join(tmp, "diag.h5")
    rec_diag.write(path)
    with h5py.File(path, "r") as f:
        check("diag" in f["layers/conv.weight"] and "hessian" not in f["layers/conv.weight"]
              and f["layers/conv.weight/diag"].shape == (2, 18) and "bucket_edges" not in f.attrs
              and "hessian" in f["layers/fc.weight"],
              "diag file: /layers/conv.weight/diag [2, 18] (k 18 > 10), fc.weight (k 5) keeps hessian")

print("recorder check:", "FAILED" if failures else "all passed")
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""End to end on a real diffusion model (issue 9, item 4): the benchmark report's section of that
name is rendered from the one JSON file this driver writes.

usage: e2e_quality.py --cli arrowquant-cli --out RAW/e2e_quality.json
                      [--work DIR] [--model ddpm_mnist_augmentation.safetensors] [--bits 8,4,3,2]
                      [--cal-samples 4 --cal-buckets 5 --cal-seed 1]
                      [--eval-samples 32 --eval-seed 7 --eval-buckets 5 --steps 50 --threads 1] [--keep]

On the MNIST DDPM of ../shared/models (scripts/mnist_ddpm.py):
  1. records one calibration file with scripts/calibrate.py (--cal-seed, a different seed from
     the evaluation's);
  2. for every bit width (INT8, INT4, INT3, INT2; group 64, asymmetric, the default keep rules):
       min-max     arrowquant-cli quantize --method minmax
       search      arrowquant-cli quantize --method search (the default)
       calibrated  arrowquant-cli quantize --calibration cal.h5
       mixed       arrowquant-cli quantize --calibration cal.h5 --target-bpw X, X = the bits per
                   weight (totals.bits_per_weight) of the calibrated run at the same bits; only
                   when `quantize --help` mentions --target-bpw, else recorded as not available
       Q-DiT       scripts/qdit_baseline.py --match (the search run's packed file: the same
                   tensors) --budget-bpw (the search run's bits per weight over those tensors)
                   --ragged (ArrowQuant's group layout, as no Q-DiT group size divides 784)
     each ArrowQuant output is dequantized (`dequantize --dtype f32`) and every model is compared
     with the float one by scripts/evaluate.py: the same seeds and noise, noise-prediction SQNR per
     timestep bucket along the float trajectory, final samples' PSNR against the float samples.
     The float model's part is computed once (evaluate.py --float-cache; same figures).
  3. writes OUT: every figure, the exact command of each (relative to the repository root), each
     step's time, the machine and the software versions.

If torch / h5py / numpy cannot be imported, or the model file is absent, OUT says why the section
was skipped and the driver exits 0. A failing cell is recorded with its error; the others still run.
Intermediate files go to --work (default build/bench-models/work/e2e_quality) and are deleted at the
end unless --keep.
"""
import argparse
import hashlib
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODEL = os.path.join(os.path.dirname(ROOT), "shared", "models", "mnist-ddpm",
                             "ddpm_mnist_augmentation.safetensors")
METHODS = ("minmax", "search", "calibrated", "mixed", "qdit")


def rel(path):
    """A path as the report shows it: relative to the repository root when that stays readable."""
    p = os.path.abspath(path)
    r = os.path.relpath(p, ROOT)
    return p if r.startswith(os.path.join("..", "..")) else r


def shown(argv):
    return " ".join(shlex.quote(a) for a in argv)


def clean(v):
    """JSON without NaN / Infinity (the report's parser is strict): non-finite floats become null."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    return v


def write_json(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(clean(data), fh, indent=1, allow_nan=False)
        fh.write("\n")
    os.replace(tmp, path)


def read_file(path):
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return ""


def machine():
    cpu = ""
    for line in read_file("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in read_file("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) * 1024
    os_name = platform.system()
    for line in read_file("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            os_name = line.split("=", 1)[1].strip().strip('"')
    return {"cpu": cpu or platform.processor() or "?", "logical_cores": os.cpu_count(), "memory_bytes": mem,
            "os": os_name, "kernel": platform.release(), "hostname": platform.node()}


def loadavg():
    return " ".join(read_file("/proc/loadavg").split()[:3])


class Runner:
    def __init__(self, work):
        self.work = work
        self.steps = []
        self.logs = []

    def run(self, name, argv, stdout_to=None):
        """Runs argv from the repository root; returns (ok, seconds, captured output)."""
        t0 = time.time()
        try:
            p = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
            out, code = p.stdout, p.returncode
        except OSError as e:
            out, code = str(e), -1
        secs = time.time() - t0
        self.logs.append(os.path.join(self.work, name + ".log"))
        with open(self.logs[-1], "w") as fh:
            fh.write(shown(argv) + "\n" + out)
        if stdout_to:
            with open(stdout_to, "w") as fh:
                fh.write(out)
        self.steps.append({"name": name, "command": shown(argv), "seconds": secs, "exit_code": code})
        print(f"  [{secs:6.1f} s] {name}{'' if code == 0 else f' FAILED (exit {code})'}", file=sys.stderr)
        return code == 0, secs, out


def tail(text, n=6):
    return "\n".join(text.strip().splitlines()[-n:])


def quantized_bpw(report):
    """Bits per weight over the tensors quantize actually quantized (codes + F16 scales + zeros)."""
    bits = n = 0
    for t in report.get("tensors", []):
        if t.get("decision") == "quantize":
            bits += t["bits_per_weight"] * t["params"]
            n += t["params"]
    return bits / n if n else None


def evaluation_fields(ev):
    return {"eps": ev["eps"], "final": ev["final"], "tensors_differing": ev["tensors_differing"],
            "evaluate_seconds": ev["seconds"], "bucket_edges": ev["bucket_edges"]}


def main():
    p = argparse.ArgumentParser(description="End to end on the MNIST DDPM: float against dequantized weights.")
    p.add_argument("--cli", required=True, help="arrowquant-cli")
    p.add_argument("--out", required=True, help="the JSON file the report reads (RAW/e2e_quality.json)")
    p.add_argument("--work", default=os.path.join(ROOT, "build", "bench-models", "work", "e2e_quality"))
    p.add_argument("--model", default=os.environ.get("AQ_MNIST_DDPM", DEFAULT_MODEL))
    p.add_argument("--bits", default="8,4,3,2")
    p.add_argument("--cal-samples", type=int, default=4)
    p.add_argument("--cal-buckets", type=int, default=5)
    p.add_argument("--cal-seed", type=int, default=1)
    p.add_argument("--eval-samples", type=int, default=32)
    p.add_argument("--eval-seed", type=int, default=7)
    p.add_argument("--eval-buckets", type=int, default=5)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--threads", type=int, default=1, help="torch threads of calibrate.py and evaluate.py")
    p.add_argument("--keep", action="store_true", help="keep the work folder (calibration file, models)")
    a = p.parse_args()
    if a.cal_seed == a.eval_seed:
        sys.exit("e2e_quality.py: --cal-seed and --eval-seed must differ (evaluate on other samples than calibrated on)")

    t_start = time.time()
    py = sys.executable or "python3"
    bits_list = [int(b) for b in a.bits.split(",") if b.strip()]
    argv_shown = [rel(py) if os.path.isabs(py) and py.startswith(ROOT) else py,
                  rel(os.path.abspath(__file__))] + [rel(x) if os.path.exists(x) else x for x in sys.argv[1:]]
    result = {
        "schema": 1,
        "what": "MNIST DDPM, float weights against dequantized weights: noise-prediction SQNR per timestep "
                "bucket along the float trajectory and final samples' PSNR against the float samples",
        "command": shown(argv_shown),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "load_before": loadavg(),
        "settings": {"bits": bits_list, "group_size": 64, "symmetric": False, "steps": a.steps,
                     "cal_samples": a.cal_samples, "cal_buckets": a.cal_buckets, "cal_seed": a.cal_seed,
                     "eval_samples": a.eval_samples, "eval_seed": a.eval_seed, "eval_buckets": a.eval_buckets,
                     "torch_threads": a.threads},
    }

    def skip(reason):
        result.update(status="skipped", reason=reason, total_seconds=time.time() - t_start)
        write_json(a.out, result)
        print(f"e2e_quality.py: skipped: {reason} (written to {a.out})", file=sys.stderr)
        sys.exit(0)

    try:
        import h5py
        import numpy
        import torch
        result["software"] = {"python": platform.python_version(), "torch": torch.__version__,
                              "numpy": numpy.__version__, "h5py": h5py.__version__}
    except ImportError as e:
        skip(f"{py} cannot import torch, h5py and numpy ({e}); Debian: apt-get install python3-torch python3-h5py")
    if not os.path.isfile(a.model):
        skip(f"the model {a.model} is absent (the MNIST DDPM of ../shared/models is not part of a clone)")
    if not os.access(a.cli, os.X_OK):
        skip(f"{a.cli} is not an executable arrowquant-cli")

    os.makedirs(a.work, exist_ok=True)
    work = a.work
    run = Runner(work)
    cli, model = rel(a.cli), rel(a.model)
    made = set()                                       # every file written under work, deleted at the end

    def W(name):
        made.add(os.path.abspath(os.path.join(work, name)))
        return rel(os.path.join(work, name))
    with open(a.model, "rb") as fh:
        model_sha = hashlib.sha256(fh.read()).hexdigest()
    result["model"] = {"path": model, "name": "MNIST DDPM (" + os.path.basename(a.model) + ")",
                       "sha256": model_sha, "file_bytes": os.path.getsize(a.model)}
    try:
        result["software"]["arrowquant"] = subprocess.run([a.cli, "--version"], capture_output=True, text=True,
                                                          timeout=30).stdout.strip()
        git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=30)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30)
        result["software"]["git_commit"] = git.stdout.strip() or "unknown"
        result["software"]["git_dirty"] = bool(dirty.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass

    # Does this build have the mixed-precision flag?
    helptext = subprocess.run([a.cli, "quantize", "--help"], capture_output=True, text=True).stdout
    has_target = "--target-bpw" in helptext
    result["target_bpw_supported"] = has_target

    # 1. calibration
    cal = W("cal.h5")
    ok, secs, out = run.run("calibrate", [py, "scripts/calibrate.py", "mnist-ddpm", "--weights", model, "-o", cal,
                                          "--samples", str(a.cal_samples), "--seed", str(a.cal_seed),
                                          "--buckets", str(a.cal_buckets), "--steps", str(a.steps),
                                          "--threads", str(a.threads)])
    result["calibration"] = {"command": run.steps[-1]["command"], "seconds": secs, "ok": ok,
                             "summary": out.strip().splitlines()[0] if out.strip() else "",
                             "file_bytes": os.path.getsize(os.path.join(ROOT, cal)) if ok else None}
    if not ok:
        result["calibration"]["error"] = tail(out)

    fcache = W("float_trajectory.npz")
    evaluate_base = [py, "scripts/evaluate.py", "--float", model, "--samples", str(a.eval_samples),
                     "--seed", str(a.eval_seed), "--steps", str(a.steps), "--buckets", str(a.eval_buckets),
                     "--threads", str(a.threads), "--float-cache", fcache]

    def evaluate(name, dq, cell):
        ej = W(name + ".eval.json")
        ok, secs, out = run.run(name + ".evaluate", evaluate_base + ["--quantized", dq, "--json", ej])
        cell["commands"].append(run.steps[-1]["command"])
        cell["seconds"] += secs
        if not ok:
            raise RuntimeError("evaluate.py failed: " + tail(out))
        with open(os.path.join(ROOT, ej)) as fh:
            cell.update(evaluation_fields(json.load(fh)))

    def arrowquant(name, bits, extra, cell):
        q, rep = W(name + ".safetensors"), W(name + ".quantize.json")
        ok, secs, out = run.run(name + ".quantize", [cli, "quantize", model, "-o", q, "--bits", str(bits),
                                                     "--no-progress", "--report", rep] + extra)
        cell["commands"].append(run.steps[-1]["command"])
        cell["seconds"] += secs
        if not ok:
            raise RuntimeError("quantize failed: " + tail(out))
        with open(os.path.join(ROOT, rep)) as fh:
            r = json.load(fh)
        tot = r.get("totals", {})
        cell.update(bpw_total=tot.get("bits_per_weight"), bpw_quantized=quantized_bpw(r),
                    weight_sqnr_db=tot.get("sqnr_db"), quantized_params=tot.get("quantized_params"),
                    params=tot.get("params"),
                    quantized_tensors=sum(1 for t in r.get("tensors", []) if t.get("decision") == "quantize"),
                    quantized_names=[t["name"] for t in r.get("tensors", []) if t.get("decision") == "quantize"],
                    warnings=len(r.get("warnings", [])))
        dq = W(name + "-dq.safetensors")
        ok, secs, out = run.run(name + ".dequantize", [cli, "dequantize", q, "-o", dq, "--dtype", "f32"])
        cell["commands"].append(run.steps[-1]["command"])
        cell["seconds"] += secs
        if not ok:
            raise RuntimeError("dequantize failed: " + tail(out))
        evaluate(name, dq, cell)
        return q

    cells = []
    for bits in bits_list:
        search_q = search_bpw = calibrated_bpw = None
        for method in METHODS:
            name = f"int{bits}-{method}"
            cell = {"bits": bits, "method": method, "status": "ok", "commands": [], "seconds": 0.0}
            cells.append(cell)
            print(f"== INT{bits} {method}", file=sys.stderr)
            try:
                if method == "minmax":
                    arrowquant(name, bits, ["--method", "minmax"], cell)
                elif method == "search":
                    search_q = arrowquant(name, bits, ["--method", "search"], cell)
                    search_bpw = cell.get("bpw_quantized")
                elif method == "calibrated":
                    if not result["calibration"]["ok"]:
                        raise RuntimeError("no calibration file (calibrate.py failed)")
                    arrowquant(name, bits, ["--calibration", cal], cell)
                    calibrated_bpw = cell.get("bpw_total")
                elif method == "mixed":
                    if not has_target:
                        cell.update(status="not available",
                                    reason="not available in this build: `arrowquant-cli quantize --help` does not "
                                           "mention --target-bpw")
                        continue
                    if calibrated_bpw is None:
                        raise RuntimeError("the calibrated run at the same bits failed: no target size")
                    cell["target_bpw"] = calibrated_bpw
                    arrowquant(name, bits, ["--calibration", cal, "--target-bpw", repr(calibrated_bpw)], cell)
                elif method == "qdit":
                    if search_q is None or search_bpw is None:
                        raise RuntimeError("the search run at the same bits failed: nothing to match")
                    budget = math.floor(search_bpw * 1e6) / 1e6      # never above ArrowQuant's size
                    out_q, rep = W(name + "-dq.safetensors"), W(name + ".qdit.json")
                    ok, secs, out = run.run(name + ".qdit", [py, "scripts/qdit_baseline.py", model, "-o", out_q,
                                                             "--bits", str(bits), "--ragged", "--match", search_q,
                                                             "--budget-bpw", f"{budget:.6f}", "--json", rep])
                    cell["commands"].append(run.steps[-1]["command"])
                    cell["seconds"] += secs
                    if not ok:
                        raise RuntimeError("qdit_baseline.py failed: " + tail(out))
                    with open(os.path.join(ROOT, rep)) as fh:
                        s = json.load(fh)
                    groups = {}
                    for t in s.get("tensors", {}).values():
                        groups[str(t["group_size"])] = groups.get(str(t["group_size"]), 0) + 1
                    cell.update(bpw_total=s.get("bpw_model"), bpw_quantized=s.get("bpw_quantized"),
                                budget_bpw=budget, quantized_params=s.get("quantized_parameters"),
                                quantized_tensors=s.get("quantized_tensors"), group_sizes=groups)
                    evaluate(name, out_q, cell)
            except Exception as e:  # noqa: BLE001 - one failing cell must not lose the others
                cell.update(status="failed", error=str(e))
                print(f"   {name}: {e}", file=sys.stderr)

    result.update(status="ok", cells=cells, steps=run.steps, load_after=loadavg(),
                  total_seconds=time.time() - t_start)
    float_cache_path = os.path.join(ROOT, fcache)
    if os.path.exists(float_cache_path):
        # Reference for the PSNR column: two different float samples of this run (unrelated images),
        # clipped as evaluate.py clips, pooled over all ordered pairs.
        with numpy.load(float_cache_path) as c:
            x = numpy.clip(c["x_f"].astype(numpy.float64), -0.5, 0.5).reshape(c["x_f"].shape[0], -1)
        n = x.shape[0]
        if n > 1:
            sq = (x ** 2).sum(1)
            pair = (sq[:, None] + sq[None, :] - 2 * x @ x.T) / x.shape[1]
            mse = float(pair[~numpy.eye(n, dtype=bool)].mean())
            result["reference"] = {"psnr_db_between_different_float_samples": -10 * math.log10(mse) if mse > 0 else None,
                                   "mse": mse, "pairs": n * (n - 1)}
    result["work_kept"] = a.keep
    if not a.keep:                                   # only what this run wrote, then the folder if empty
        for f in sorted(made | set(map(os.path.abspath, run.logs))):
            for g in (f, f + ".tmp"):
                if os.path.isfile(g):
                    os.remove(g)
        try:
            os.rmdir(work)
        except OSError:
            pass
    write_json(a.out, result)
    failed = [f"INT{c['bits']} {c['method']}" for c in cells if c["status"] == "failed"]
    print(f"e2e_quality.py: {len(cells)} cells ({len(failed)} failed{': ' + ', '.join(failed) if failed else ''}) "
          f"in {result['total_seconds']:.0f} s -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

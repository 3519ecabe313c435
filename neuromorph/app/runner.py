"""Running ``neuromorph compare``: the backends, one scenario, many scenarios, one backend.

* :func:`run_backends`: continuous reference, hardware-ordered reference and chip on a
  :class:`~neuromorph.app.protocol.Comparison` (with a progress bar over simulated seconds);
* :func:`compare_scenario`: load a scenario, run and evaluate it, write its figures and
  reports (``config.json`` records everything needed to repeat it); :func:`compare_many`
  goes on past a failing scenario;
* :func:`run_single`: one backend of a comparison, for ``neuromorph run``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Callable, Mapping, Sequence

from neuromorph.hardware import PRESETS
from neuromorph.network import Network, RunResult

from .metrics import Evaluation, evaluate, overflow_total, populations_of
from .protocol import SPLITS, Comparison
from .report import Outcome, figures, summary_line, write_reports
from .scenarios import catalogue, load

__all__ = ["run_backends", "OutputExists", "prepare_out", "compare_scenario", "compare_many", "run_single"]


# --------------------------------------------------------------------------------------
# Running the backends
# --------------------------------------------------------------------------------------
class _Progress:
    """tqdm over simulated seconds with the real-time factor; silent unless stdout is a terminal."""

    def __init__(self, total_s: float, desc: str, enabled: bool | None = None):
        self.bar = None
        on = sys.stdout.isatty() if enabled is None else enabled
        if on:
            from tqdm import tqdm

            self.bar = tqdm(total=round(total_s, 6), desc=desc, unit="sim-s", leave=False, file=sys.stdout,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.3g}/{total:.3g} sim-s "
                                       "[{elapsed}<{remaining}{postfix}]")
        self.t_start = time.perf_counter()
        self.sim_s = 0.0

    def advance(self, sim_s: float, backend: str, wall_s: float):
        self.sim_s += sim_s
        if self.bar is not None:
            rtf = sim_s / wall_s if wall_s > 0 else float("inf")
            self.bar.set_postfix_str(f"{backend} RTF {rtf:.3g}x", refresh=False)
            self.bar.update(round(sim_s, 6))

    def close(self):
        if self.bar is not None:
            self.bar.close()


def _register_level(net) -> bool:
    """Whether a network has register-level populations (``LIFRegisters``, ``IzhikevichRegisters``)."""
    from neuromorph.network import IzhikevichRegisters, LIFRegisters
    return any(isinstance(p.model, (LIFRegisters, IzhikevichRegisters)) for p in net.populations.values())


def run_backends(cmp: Comparison, preset: str | None = None, progress: bool | None = None
                 ) -> tuple[dict[str, RunResult], dict[str, float], object | None]:
    """Run continuous, hardware-ordered reference and chip; return results, wall times, compiled program."""
    from reference.network_sim import simulate

    from neuromorph.compiler import compile_network
    from neuromorph.hardware import preset as get_preset
    from neuromorph.simulator import Simulator

    results: dict[str, RunResult] = {}
    walls: dict[str, float] = {}
    program = None
    if cmp.network is None:
        results.update(cmp.runs)
        return results, walls, None
    net, n = cmp.network, cmp.n_steps
    # register-level models have no continuous-time meaning: only the hardware-ordered twin runs them
    modes = ("hardware",) if _register_level(net) else ("continuous", "hardware")
    n_back = len(modes) + (1 if cmp.chip else 0)
    bar = _Progress(n_back * n * net.dt, net.name, progress)
    chip = get_preset(preset or cmp.preset)
    try:
        for mode in modes:
            t = time.perf_counter()
            results[mode] = simulate(net, n, mode, chip=chip)
            walls[mode] = time.perf_counter() - t
            bar.advance(n * net.dt, mode, walls[mode])
        if cmp.chip:
            t = time.perf_counter()
            program = compile_network(net, chip, headroom=cmp.headroom)
            sim = Simulator(program, strict=False)
            chunk = max(1000, n // 50)
            left = n
            while left > 0:
                k = min(chunk, left)
                tc = time.perf_counter()
                sim.run(k)
                bar.advance(k * net.dt, "chip", time.perf_counter() - tc)
                left -= k
            results["chip"] = sim.result()
            results["chip"].info["cost"] = results["chip"].cost.summary()     # docs/hardware-model.md §9
            walls["chip"] = time.perf_counter() - t
    finally:
        bar.close()
    return results, walls, program


# --------------------------------------------------------------------------------------
# One scenario, several scenarios
# --------------------------------------------------------------------------------------
def _versions() -> dict[str, str]:
    from importlib import metadata

    out = {"python": platform.python_version(), "platform": platform.platform()}
    for pkg in ("neuromorph", "numpy", "numba", "scipy", "matplotlib", "tqdm"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _git_commit(path: Path) -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path.parent, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=path.parent,
                               capture_output=True, text=True, timeout=5)
        if r.returncode == 0:
            return r.stdout.strip() + (" (scenario modified)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def _network_summary(net: Network | None) -> dict:
    if net is None:
        return {}
    return {"name": net.name, "dt": net.dt, "n_neurons": net.n_neurons,
            "populations": [{"name": p.name, "size": p.size, "model": repr(p.model)[:400]}
                            for p in net.populations.values()],
            "projections": [{"pre": p.pre, "post": p.post, "synapses": p.n_synapses,
                             "plastic": getattr(p, "plasticity", None) is not None} for p in net.projections],
            "injections": len(net.injections), "probes": [{"population": p.population, "n": int(p.indices.size)}
                                                          for p in net.probes]}


class OutputExists(Exception):
    pass


def prepare_out(out: Path, force: bool) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        if not force:
            raise OutputExists(f"output folder {out} exists and is not empty; use --force to overwrite it "
                               f"or --out to choose another")
        if out.is_dir():
            for f in out.iterdir():
                if f.is_file() and f.suffix in (".png", ".json", ".md", ".html"):
                    f.unlink()
    out.mkdir(parents=True, exist_ok=True)


def compare_scenario(path: Path, out: Path, seed: int = 0, duration: float | None = None, preset: str | None = None,
                     force: bool = False, progress: bool | None = None, argv: Sequence[str] | None = None) -> Outcome:
    """Run one scenario's comparison and write its folder (raises on error)."""
    path = Path(path).resolve()
    t0 = time.perf_counter()
    module = load(path)
    if not callable(getattr(module, "comparison", None)):
        raise ValueError(f"{path.name} has no comparison(seed, duration) function (a run-only scenario); "
                         f"comparison scenarios: {', '.join(sorted(catalogue()))}")
    prepare_out(out, force)
    cmp: Comparison = module.comparison(seed=seed, duration=duration)
    if not isinstance(cmp, Comparison):
        raise TypeError(f"{path.name}: comparison() returned {type(cmp).__name__}, not neuromorph.app.protocol.Comparison")
    ref_only = getattr(module, "REFERENCE_ONLY", None)
    if ref_only and cmp.chip:
        raise ValueError(f"{path.name} sets REFERENCE_ONLY but its Comparison has chip=True")
    if ref_only and not cmp.reason:
        cmp.reason = str(ref_only)
    preset_name = preset or cmp.preset
    if preset_name not in PRESETS:
        raise ValueError(f"unknown chip preset {preset_name!r}; known: {sorted(PRESETS)}")
    results, walls, program = run_backends(cmp, preset_name, progress)
    ev = evaluate(cmp, results)
    figs = figures(cmp, results, ev, out, program)
    spec = PRESETS[preset_name]
    cmd = ["neuromorph", "compare", str(path), "--seed", str(seed), "--preset", preset_name, "--out", str(out),
           "--force"] + (["--duration", repr(duration)] if duration is not None else [])
    config = {"scenario": path.stem, "scenario_path": str(path),
              "scenario_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "git_commit": _git_commit(path),
              "seed": seed, "duration_arg": duration, "duration_s": cmp.duration, "n_steps": cmp.n_steps,
              "dt_s": cmp.dt, "preset": preset_name, "chip_spec": dataclasses.asdict(spec), "headroom": cmp.headroom,
              "chip": cmp.chip, "reason": cmp.reason, "labels": dict(cmp.labels),
              "tolerances": {k: dataclasses.asdict(t) for k, t in cmp.tolerances.items()},
              "analysis": {"t_start": cmp.t_start, "gamma_delta": cmp.gamma_delta, "vr_tau": cmp.vr_tau,
                           "fano_window": cmp.fano_window, "psd": cmp.psd, "psd_band": cmp.psd_band,
                           "guard": cmp.guard},
              "params": dict(cmp.params), "network": _network_summary(cmp.network), "versions": _versions(),
              "cost": results["chip"].info.get("cost") if "chip" in results else None,
              "argv": list(argv) if argv is not None else list(sys.argv),
              "repeat": " ".join(cmd), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    desc = getattr(module, "DESCRIPTION", "")
    write_reports(path.stem, desc, cmp, ev, figs, out, config, walls, program)
    return Outcome(path.stem, out, "ref-only" if not cmp.chip else "chip", ev.split_verdict, ev.headline,
                   cmp.headline, cmp.v_unit, time.perf_counter() - t0)


def compare_many(items: Mapping[str, Path], out_root: Path, seed: int = 0, duration: float | None = None,
                 preset: str | None = None, force: bool = False, progress: bool | None = None,
                 echo: Callable[[str], None] = print, argv: Sequence[str] | None = None) -> list[Outcome]:
    """Compare every scenario; a failing one is reported with its traceback and the others go on."""
    outs = []
    for name, path in items.items():
        out = out_root / name
        t0 = time.perf_counter()
        echo(f"[{name}] comparing ...")
        try:
            o = compare_scenario(path, out, seed, duration, preset, force, progress, argv)
        except OutputExists as e:
            o = Outcome(name, out, error=str(e), wall_s=time.perf_counter() - t0)
            echo(f"[{name}] SKIPPED: {e}")
        except Exception:  # noqa: BLE001 - reported, and the run goes on with the others
            tb = traceback.format_exc()
            o = Outcome(name, None, error=tb, wall_s=time.perf_counter() - t0)
            echo(f"[{name}] ERROR, traceback follows; going on with the others\n{tb}")
        else:
            echo(f"[{name}] {summary_line(o)} ({o.wall_s:.1f} s) -> {out}/")
        outs.append(o)
    return outs


# --------------------------------------------------------------------------------------
# `neuromorph run` for comparison scenarios: one backend
# --------------------------------------------------------------------------------------
def run_single(cmp: Comparison, out_dir: str | Path, backend: str | None = None) -> dict:
    """Run one backend of a comparison (the chip, or the hardware-ordered reference for a
    reference-only scenario), save a raster/traces figure and print the rates."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    backend = backend or ("chip" if cmp.chip else "hardware")
    if cmp.network is None:
        res = cmp.runs[backend]
    elif backend == "chip":
        from neuromorph.compiler import compile_network
        from neuromorph.hardware import preset
        from neuromorph.simulator import Simulator

        res = Simulator(compile_network(cmp.network, preset(cmp.preset), headroom=cmp.headroom),
                        strict=False).run(cmp.n_steps).result()
    else:
        from neuromorph.hardware import preset
        from reference.network_sim import simulate

        res = simulate(cmp.network, cmp.n_steps, backend, chip=preset(cmp.preset))
    pops = populations_of(cmp, res)
    t1 = res.spikes.n_steps * res.spikes.dt
    summary = {"backend": backend, "label": cmp.labels[backend], "duration_s": t1}
    for p in pops:
        n = int(res.spikes.counts(p).sum())
        size = res.spikes.populations[p][1]
        summary[f"rate_{p}_hz"] = n / size / t1
        print(f"{cmp.labels[backend]}: population {p} ({size} neurons): {n} spikes, {n / size / t1:.3f} Hz")
    ev = Evaluation({s: {} for s in SPLITS}, {s: {} for s in SPLITS}, {s: "n/a" for s in SPLITS},
                    {s: (None, "n/a") for s in SPLITS})
    figs = figures(cmp, {backend: res}, ev, out)
    summary["figures"] = [str(out / f) for f, _ in figs]
    if res.counters:
        summary["overflows"] = overflow_total(res.counters)
        print(f"overflows: {summary['overflows']}")
    print("figures: " + ", ".join(summary["figures"]))
    return summary

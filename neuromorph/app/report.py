"""``neuromorph compare``: the chip against the float64 reference, metric by metric.

The front end may import both ``neuromorph`` and ``reference`` (the core modules of
``neuromorph`` must not import ``reference``; this one is the exception by design).
See docs/compare.md for the scenario protocol, every metric's definition and the output
folder. Layout of this module:

* protocol: :class:`Tol`, :class:`Sweep`, :class:`Comparison` (what a scenario's
  ``comparison(seed, duration)`` returns);
* metrics: pure functions on arrays (:func:`rate_rel_error`, :func:`mean_gamma`, ...)
  and :func:`pair_metrics`, which applies them to two :class:`RunResult`;
* :func:`run_backends` (continuous / hardware-ordered reference, chip, with a progress
  bar), :func:`evaluate` (both splits, verdicts), figures, the report writers, and
  :func:`compare_scenario` / :func:`compare_many` used by the CLI.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import hashlib
import html
import importlib.util
import json
import math
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from .network import Network, RunResult

__all__ = ["Tol", "Sweep", "StdpWindow", "Comparison", "METRICS", "SPLITS", "rate_rel_error", "mean_gamma",
           "mean_van_rossum", "mean_latency_shift", "cv_isi_diff", "fano_diff", "band_power_rel_error",
           "subthreshold_mask", "v_rmse", "fi_metrics", "window_error", "judge", "pair_metrics", "run_backends",
           "evaluate", "compare_scenario", "compare_many", "catalogue", "array_result", "protocol_of",
           "write_validation_table", "run_single"]

SPLITS = ("discretisation", "quantization")
PAIRS = {"discretisation": ("continuous", "hardware"), "quantization": ("hardware", "chip")}
BACKENDS = ("continuous", "hardware", "chip")
DEFAULT_LABELS = {"continuous": "continuous reference", "hardware": "hardware-ordered reference", "chip": "chip"}
COLORS = {"continuous": "tab:blue", "hardware": "k", "chip": "tab:red"}
OVERFLOW_COUNTERS = ("u_wrap", "v_sat", "acc_sat", "u_sat", "prod_sat", "trace_sat")
VALIDATION_BEGIN = "<!-- compare --all: begin -->"
VALIDATION_END = "<!-- compare --all: end -->"


@dataclass(frozen=True)
class MetricInfo:
    label: str
    unit: str
    sense: str  # "max": |value| <= tol passes; "min": value >= tol passes
    scale: float = 1.0  # display scale (value * scale in display_unit)
    display_unit: str = ""


METRICS: dict[str, MetricInfo] = {
    "rate_rel_error": MetricInfo("relative rate error", "", "max", 100.0, "%"),
    "count_error": MetricInfo("spike-count error", "spikes", "max", 1.0, "spikes"),
    "gamma": MetricInfo("coincidence factor Γ", "", "min"),
    "van_rossum": MetricInfo("van Rossum distance", "", "max"),
    "latency_shift": MetricInfo("first-spike latency shift", "s", "max", 1e3, "ms"),
    "cv_isi_diff": MetricInfo("CV_ISI difference", "", "max"),
    "fano_diff": MetricInfo("Fano factor difference", "", "max"),
    "psd_band_error": MetricInfo("PSD band-power error", "", "max", 100.0, "%"),
    "v_rmse": MetricInfo("sub-threshold v RMSE", "V", "max", 1e3, "mV"),
    "v_rmse_lsb": MetricInfo("sub-threshold v RMSE", "LSB", "max", 1.0, "LSB"),
    "fi_rheobase_shift": MetricInfo("F-I rheobase shift", "A", "max", 1e12, "pA"),
    "fi_slope_rel_error": MetricInfo("F-I slope error", "", "max", 100.0, "%"),
    "weight_ks": MetricInfo("weight KS distance", "", "max"),
    "weight_change_ks": MetricInfo("weight-change KS distance", "", "max"),
    "weight_drift_error": MetricInfo("mean weight drift error", "", "max", 100.0, "%"),
    "window_error": MetricInfo("STDP window error (max ΔW difference / peak ΔW)", "", "max", 100.0, "%"),
    "overflows": MetricInfo("overflows (wraps + saturations)", "", "max", 1.0, ""),
}


# --------------------------------------------------------------------------------------
# Protocol
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tol:
    """Tolerance of one metric per split (``None``: reported, not judged)."""

    discretisation: float | None = None
    quantization: float | None = None

    def of(self, split: str) -> float | None:
        return getattr(self, split)


@dataclass(frozen=True)
class Sweep:
    """Neuron ``i`` of ``population`` receives ``values[i]`` (an input swept across the population).

    ``kind="current"`` (values in amperes) enables the F-I metrics; every sweep gets the
    rate and CV_ISI curves against ``values`` (shown as ``values * display_scale`` in
    ``label``). ``group`` optionally splits the neurons into curves (e.g. one per σ).
    """

    population: str
    values: np.ndarray
    label: str = "I (pA)"
    display_scale: float = 1e12
    kind: str = "current"
    group: np.ndarray | None = None
    group_label: str = ""


@dataclass(frozen=True)
class StdpWindow:
    """Synapse ``i`` of plastic projection ``projection`` samples the STDP window at
    ``dt_s[i]`` = t_post − t_pre (one pre and one post spike each), from initial weight
    ``w0`` (amperes, scalar or per synapse). Enables the ``window_error`` metric (over the
    samples with Δt ≠ 0: the window jumps from A- to A+ at Δt = 0, so that sample flips
    with any sub-step shift of the spike times; it is reported as a side value) and
    ``stdp_window.png``; ``rule`` (a :class:`neuromorph.network.STDP`) draws the ideal window.
    """

    projection: int
    dt_s: np.ndarray
    w0: float | np.ndarray
    rule: object | None = None


@dataclass
class Comparison:
    """What a scenario's ``comparison(seed, duration)`` returns.

    ``network``/``n_steps``: what every backend runs (``None`` when ``runs`` holds
    precomputed results of a model outside :class:`Network`: keys ``"continuous"`` and
    ``"hardware"``, meanings in ``labels``). ``tolerances`` maps metric keys (see
    :data:`METRICS`) to :class:`Tol`; ``headline`` is the metric of the ``--all`` table.
    ``chip=False`` with ``reason`` marks a model the chip cannot run; ``headroom`` is passed
    to ``compile_network``. ``weight_projections``: the plastic projections whose final
    weights ``weight_ks``, ``weight_change_ks`` and ``weight_drift_error`` compare (None: every
    plastic projection but the ``window`` one);
    ``window``: a :class:`StdpWindow` (pair-sampled STDP window, ``window_error``).
    """

    network: Network | None
    n_steps: int
    tolerances: Mapping[str, Tol]
    headline: str
    populations: Sequence[str] | None = None
    preset: str = "loihi"
    headroom: float = 4.0
    t_start: float = 0.0
    gamma_delta: float = 2e-3
    vr_tau: float = 10e-3
    fano_window: float = 50e-3
    psd: str | None = None           # "rate" (population rate) or "v" (probed v) or None
    psd_band: tuple[float, float] = (1.0, 100.0)
    psd_bin: float = 1e-3
    sweep: Sweep | None = None
    extra_sweeps: Sequence[Sweep] = ()  # plotted (rate and CV_ISI curves), not used for F-I metrics
    guard: float = 3e-3              # s around each spike left out of the sub-threshold RMSE
    weight_projections: Sequence[int] | None = None  # projections of weight_ks (None: every plastic one)
    window: StdpWindow | None = None
    chip: bool = True
    reason: str = ""
    runs: Mapping[str, RunResult] | None = None
    labels: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    v_label: str = "v"
    v_unit: str | None = None        # unit of v when it is not volts (e.g. "mV" for Izhikevich, "a.u.")
    notes: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self):
        unknown = [k for k in self.tolerances if k not in METRICS]
        if unknown:
            raise ValueError(f"unknown metric(s) {unknown}; known: {sorted(METRICS)}")
        if self.headline not in METRICS:
            raise ValueError(f"headline {self.headline!r} is not a metric; known: {sorted(METRICS)}")
        if self.network is None and not self.runs:
            raise ValueError("a Comparison needs a network or precomputed runs")
        if self.chip and self.network is None:
            raise ValueError("chip=True needs a network")
        lab = dict(DEFAULT_LABELS)
        lab.update(self.labels)
        self.labels = lab

    @property
    def dt(self) -> float:
        if self.network is not None:
            return self.network.dt
        return next(iter(self.runs.values())).spikes.dt

    @property
    def duration(self) -> float:
        return self.n_steps * self.dt


def array_result(dt: float, n_steps: int, v: np.ndarray | None = None, unit: str = "", spike_steps=None,
                 spike_ids=None, population: str = "model", size: int | None = None, weights=None,
                 label: str = "") -> RunResult:
    """A :class:`RunResult` from plain arrays, for reference-only models outside :class:`Network`.

    ``v``: (n_steps, n) samples at the end of each step (recorded as variable ``"v"`` in
    ``unit``); spikes as (step, neuron) pairs of one population of ``size`` neurons.
    """
    from .network import SpikeLog, Traces

    v = np.zeros((0, 0)) if v is None else np.asarray(v, float).reshape(np.shape(v)[0], -1)
    size = size if size is not None else (v.shape[1] if v.size else 1)
    s = np.zeros(0, np.int64) if spike_steps is None else np.asarray(spike_steps, np.int64)
    i = np.zeros(0, np.int64) if spike_ids is None else np.asarray(spike_ids, np.int64)
    log = SpikeLog(s, i, dt, n_steps, {population: (0, size)})
    tr = Traces(np.arange(v.shape[0], dtype=np.int64), np.arange(v.shape[1] if v.size else 0, dtype=np.int64), dt,
                {"v": v} if v.size else {}, {"v": unit}, {"v": 1.0},
                {"v": 0.0})
    return RunResult(log, tr, {}, dict(weights or {}), {"simulator": label or "array"})


# --------------------------------------------------------------------------------------
# Metrics on arrays (hand-checkable)
# --------------------------------------------------------------------------------------
def _finite_mean(x) -> float:
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else float("nan")


def rate_rel_error(n_a: int, n_b: int) -> float:
    """``(N_b - N_a) / N_a``; 0 when both are 0, inf when only ``a`` is 0."""
    if n_a == 0:
        return 0.0 if n_b == 0 else math.inf
    return (n_b - n_a) / n_a


def mean_gamma(A: Sequence[np.ndarray], B: Sequence[np.ndarray], delta: float, t0: float, t1: float) -> float:
    """Mean coincidence factor Γ over neuron pairs that are not both silent (NaN if all are)."""
    from reference.analysis.agreement import coincidence_factor
    from .errors import ParameterError

    out = []
    for a, b in zip(A, B):
        if a.size == 0 and b.size == 0:
            continue
        try:
            out.append(coincidence_factor(a, b, delta, t0, t1))
        except ParameterError:      # 2 nu delta >= 1: Γ undefined for this pair
            out.append(float("nan"))
    return _finite_mean(out)


def mean_van_rossum(A, B, tau: float) -> float:
    """Mean van Rossum distance over neuron pairs that are not both silent (0 if all are)."""
    from reference.analysis.agreement import van_rossum_distance

    d = [van_rossum_distance(a, b, tau) for a, b in zip(A, B) if a.size or b.size]
    return float(np.mean(d)) if d else 0.0


def mean_latency_shift(A, B, t0: float = 0.0) -> float:
    """Mean ``first(b) - first(a)`` over neurons that fire in both (NaN if none does)."""
    from reference.analysis.agreement import latency_shift

    return _finite_mean([latency_shift(a, b, t0) for a, b in zip(A, B)])


def cv_isi_diff(A, B) -> tuple[float, float, float]:
    """``(mean CV_b - mean CV_a, mean CV_a, mean CV_b)`` over neurons with a CV on both sides."""
    from reference.analysis.firing import cv_isi

    ca = np.array([cv_isi(a) for a in A]) if len(A) else np.zeros(0)
    cb = np.array([cv_isi(b) for b in B]) if len(B) else np.zeros(0)
    m = np.isfinite(ca) & np.isfinite(cb)
    if not m.any():
        return float("nan"), float("nan"), float("nan")
    return float(cb[m].mean() - ca[m].mean()), float(ca[m].mean()), float(cb[m].mean())


def fano(trains: Sequence[np.ndarray], window: float, t0: float, t1: float) -> float:
    """Mean over neurons of the Fano factor of counts in consecutive windows (neurons with spikes)."""
    nw = int(np.floor((t1 - t0) / window + 1e-9))
    if nw < 2:
        return float("nan")
    out = []
    for t in trains:
        k = np.floor((t - t0) / window + 1e-9).astype(np.int64)
        c = np.bincount(k[(k >= 0) & (k < nw)], minlength=nw)
        if c.mean() > 0:
            out.append(c.var() / c.mean())
    return _finite_mean(out)


def fano_diff(A, B, window: float, t0: float, t1: float) -> tuple[float, float, float]:
    fa, fb = fano(A, window, t0, t1), fano(B, window, t0, t1)
    return fb - fa, fa, fb


def band_power(f: np.ndarray, S: np.ndarray, band: tuple[float, float]) -> float:
    from reference.analysis.spectra import band_power as bp

    return bp(f, S, band[0], band[1])


def band_power_rel_error(f, S_a, S_b, band: tuple[float, float]) -> float:
    """``(P_b - P_a) / P_a`` of the band powers (0 if both are 0, inf if only P_a is)."""
    pa, pb = band_power(f, S_a, band), band_power(f, S_b, band)
    if pa == 0:
        return 0.0 if pb == 0 else math.inf
    return (pb - pa) / pa


def subthreshold_mask(n_samples: int, sample_steps: np.ndarray, spike_steps: Sequence[np.ndarray],
                      guard_steps: int) -> np.ndarray:
    """True for samples farther than ``guard_steps`` from every step in ``spike_steps`` (either side)."""
    keep = np.ones(n_samples, dtype=bool)
    for s in spike_steps:
        for k in np.asarray(s, dtype=np.int64):
            lo = np.searchsorted(sample_steps, k - guard_steps, side="left")
            hi = np.searchsorted(sample_steps, k + guard_steps, side="right")
            keep[lo:hi] = False
    return keep


def v_rmse(va: np.ndarray, vb: np.ndarray, mask: np.ndarray, lsb: float | np.ndarray | None = None
           ) -> tuple[float, float]:
    """RMSE of ``vb - va`` over ``mask`` (2-D: samples × columns) in units and in LSBs (NaN: no samples)."""
    va, vb, mask = np.asarray(va, float), np.asarray(vb, float), np.asarray(mask, bool)
    if not mask.any():
        return float("nan"), float("nan")
    d = vb - va
    rmse = float(np.sqrt(np.mean(d[mask] ** 2)))
    if lsb is None:
        return rmse, float("nan")
    lsb = np.broadcast_to(np.asarray(lsb, float), d.shape[1:]) if d.ndim > 1 else np.asarray(lsb, float)
    return rmse, float(np.sqrt(np.mean((d / lsb)[mask] ** 2)))


def fi_metrics(currents: np.ndarray, rate_a: np.ndarray, rate_b: np.ndarray) -> dict[str, float]:
    """Rheobase shift ``b - a`` (first current with rate > 0) and relative F-I slope error.

    The slope is the least-squares slope of rate against current over the currents where
    ``a`` fires and that lie at or above the median of those (the near-linear upper part
    of the curve); the same currents are used for ``b``.
    """
    from reference.analysis.firing import rheobase

    order = np.argsort(currents, kind="stable")
    I, ra, rb = (np.asarray(x, float)[order] for x in (currents, rate_a, rate_b))
    out = {"fi_rheobase_a": rheobase(I, ra), "fi_rheobase_b": rheobase(I, rb)}
    out["fi_rheobase_shift"] = out["fi_rheobase_b"] - out["fi_rheobase_a"]
    fire = ra > 0
    sel = fire & (I >= np.median(I[fire])) if fire.sum() >= 2 else np.zeros_like(fire)
    if sel.sum() >= 2 and np.ptp(I[sel]) > 0:
        sa = np.polyfit(I[sel], ra[sel], 1)[0]
        sb = np.polyfit(I[sel], rb[sel], 1)[0]
        out.update(fi_slope_a=float(sa), fi_slope_b=float(sb),
                   fi_slope_rel_error=float((sb - sa) / sa) if sa != 0 else float("nan"))
    else:
        out.update(fi_slope_a=float("nan"), fi_slope_b=float("nan"), fi_slope_rel_error=float("nan"))
    return out


def window_error(w_a, w_b, w0) -> float:
    """``max_i |W_b,i − W_a,i| / max_i |W_a,i − w0_i|``: the largest difference of the
    sampled window, relative to the window's peak |ΔW| on side ``a`` (inf if ``a`` has no
    change but ``b`` has, 0 if neither has)."""
    wa, wb = np.asarray(w_a, float), np.asarray(w_b, float)
    peak = float(np.max(np.abs(wa - np.asarray(w0, float)))) if wa.size else 0.0
    diff = float(np.max(np.abs(wb - wa))) if wa.size else 0.0
    if peak == 0:
        return 0.0 if diff == 0 else math.inf
    return diff / peak


def judge(key: str, value: float, tol: float | None) -> str | None:
    """``"pass"``/``"fail"`` against ``tol`` per the metric's sense; ``None`` if not judged or undefined."""
    if tol is None or value is None or not np.isfinite(value) and not np.isinf(value):
        return None
    if METRICS[key].sense == "min":
        return "pass" if value >= tol else "fail"
    return "pass" if abs(value) <= tol else "fail"


# --------------------------------------------------------------------------------------
# Metrics on two runs
# --------------------------------------------------------------------------------------
def _populations(cmp: Comparison, res: RunResult) -> list[str]:
    if cmp.populations is not None:
        return list(cmp.populations)
    if cmp.network is not None:
        return [p.name for p in cmp.network.populations.values() if not p.is_source]
    return list(res.spikes.populations)


def _trains(res: RunResult, pops: Sequence[str], t0: float, t1: float) -> list[np.ndarray]:
    out = []
    for p in pops:
        for t in res.spikes.trains(p):
            out.append(t[(t >= t0) & (t < t1)])
    return out


def _pop_rate(trains, t0, t1, bin_size):
    nb = max(1, int(np.floor((t1 - t0) / bin_size + 1e-9)))
    allt = np.concatenate(trains) if trains else np.zeros(0)
    k = np.floor((allt - t0) / bin_size + 1e-9).astype(np.int64)
    k = k[(k >= 0) & (k < nb)]
    return np.bincount(k, minlength=nb) / bin_size / max(len(trains), 1)


def _psd(cmp: Comparison, res: RunResult, trains, t0, t1):
    from reference.analysis.spectra import psd, welch_psd

    if cmp.psd == "rate":
        r = _pop_rate(trains, t0, t1, cmp.psd_bin)
        if r.size < 16:
            return None
        return welch_psd(r, cmp.psd_bin, nperseg=min(r.size, max(16, int(round(1.0 / cmp.psd_bin)))))
    if cmp.psd == "v":
        tr = res.traces
        if tr.data.get("v") is None or tr.data["v"].shape[0] < 16:
            return None
        v = tr.physical("v")[tr.times >= t0]
        spectra = [psd(v[:, j], tr.dt) for j in range(v.shape[1])]
        return spectra[0][0], np.mean([s for _, s in spectra], axis=0)
    return None


def pair_metrics(a: RunResult, b: RunResult, cmp: Comparison, split: str,
                 lsb_by_gid: Mapping[int, float] | None = None) -> dict[str, float]:
    """Every applicable metric of ``b`` against ``a`` (see docs/compare.md), plus side values."""
    dt = a.spikes.dt
    t0, t1 = cmp.t_start, a.spikes.n_steps * dt
    pops = _populations(cmp, a)
    A, B = _trains(a, pops, t0, t1), _trains(b, pops, t0, t1)
    m: dict[str, float] = {}
    if A:
        na, nb = int(sum(x.size for x in A)), int(sum(x.size for x in B))
        m.update(count_error=float(nb - na), rate_rel_error=rate_rel_error(na, nb),
                 rate_a_hz=na / len(A) / (t1 - t0), rate_b_hz=nb / len(B) / (t1 - t0))
        if na + nb > 0:
            m["gamma"] = mean_gamma(A, B, cmp.gamma_delta, t0, t1)
            m["van_rossum"] = mean_van_rossum(A, B, cmp.vr_tau)
            m["latency_shift"] = mean_latency_shift(A, B, t0)
            m["cv_isi_diff"], m["cv_isi_a"], m["cv_isi_b"] = cv_isi_diff(A, B)
            m["fano_diff"], m["fano_a"], m["fano_b"] = fano_diff(A, B, cmp.fano_window, t0, t1)
    if cmp.psd:
        sa, sb = _psd(cmp, a, A, t0, t1), _psd(cmp, b, B, t0, t1)
        if sa is not None and sb is not None:
            n = min(sa[0].size, sb[0].size)
            m["psd_band_error"] = band_power_rel_error(sa[0][:n], sa[1][:n], sb[1][:n], cmp.psd_band)
    # sub-threshold v
    ta, tb = a.traces, b.traces
    if ta.data.get("v") is not None and ta.data["v"].size and tb.data.get("v") is not None and tb.data["v"].size:
        common = [g for g in ta.ids.tolist() if g in set(tb.ids.tolist())]
        if common:
            ca = [ta.column(g) for g in common]
            cb = [tb.column(g) for g in common]
            n = min(ta.steps.size, tb.steps.size)
            va, vb = ta.physical("v")[:n, ca], tb.physical("v")[:n, cb]
            steps = ta.steps[:n]
            guard = int(round(cmp.guard / dt))
            mask = np.zeros(va.shape, dtype=bool)
            for j, g in enumerate(common):
                mask[:, j] = subthreshold_mask(n, steps, [a.spikes.steps[a.spikes.ids == g],
                                                          b.spikes.steps[b.spikes.ids == g]], guard)
            mask &= (steps * dt >= t0)[:, None]
            lsb = None
            if lsb_by_gid:
                lsb = np.array([lsb_by_gid.get(g, np.nan) for g in common])
                if not np.all(np.isfinite(lsb)) or np.any(lsb <= 0):
                    lsb = None
            m["v_rmse"], m["v_rmse_lsb"] = v_rmse(va, vb, mask, lsb)
            m["v_samples_used"] = float(mask.sum())
    if cmp.sweep is not None and cmp.sweep.kind == "current":
        sw = cmp.sweep
        ra = np.array([np.count_nonzero(t >= t0) for t in a.spikes.trains(sw.population)]) / (t1 - t0)
        rb = np.array([np.count_nonzero(t >= t0) for t in b.spikes.trains(sw.population)]) / (t1 - t0)
        m.update(fi_metrics(np.asarray(sw.values, float), ra, rb))
    ks, dks, drift = [], [], []
    for pi in _weight_projections(cmp, a, b):
        from reference.analysis.agreement import weight_ks

        wa, wb = np.asarray(a.weights[pi], float), np.asarray(b.weights[pi], float)
        ks.append(weight_ks(wa, wb)[0])
        m[f"w_mean_a_{pi}"], m[f"w_mean_b_{pi}"] = float(wa.mean()), float(wb.mean())
        w0 = _initial_weights(cmp, pi, wa.size)
        if w0 is not None:
            dks.append(weight_ks(wa - w0, wb - w0)[0])
            da, db = float(np.mean(wa - w0)), float(np.mean(wb - w0))
            drift.append(0.0 if da == db else ((db - da) / abs(da) if da != 0 else math.inf))
            m[f"w_drift_a_{pi}"], m[f"w_drift_b_{pi}"] = da, db
            m[f"w_mean_abs_change_a_{pi}"] = float(np.mean(np.abs(wa - w0)))
            m[f"w_mean_abs_change_b_{pi}"] = float(np.mean(np.abs(wb - w0)))
    if ks:
        m["weight_ks"] = float(max(ks))
    if dks:
        m["weight_change_ks"] = float(max(dks))
        m["weight_drift_error"] = float(max(drift, key=abs))
    win = cmp.window
    if win is not None and win.projection in a.weights and win.projection in b.weights:
        wa, wb = np.asarray(a.weights[win.projection], float), np.asarray(b.weights[win.projection], float)
        w0 = np.broadcast_to(np.asarray(win.w0, float), wa.shape)
        nz = np.abs(np.asarray(win.dt_s, float)) >= 0.5 * dt
        m["window_error"] = window_error(wa[nz], wb[nz], w0[nz])
        m["window_peak_dw_a"] = float(np.max(np.abs(wa[nz] - w0[nz]))) if nz.any() else 0.0
        m["window_max_abs_diff"] = float(np.max(np.abs(wb[nz] - wa[nz]))) if nz.any() else 0.0
        if not nz.all():
            m["window_dw0_a"] = float(np.max(np.abs(wa[~nz] - w0[~nz])))
            m["window_dw0_b"] = float(np.max(np.abs(wb[~nz] - w0[~nz])))
    if split == "quantization" and b.counters:
        m["overflows"] = float(sum(int(np.sum(b.counters[k])) for k in OVERFLOW_COUNTERS if k in b.counters))
    return m


def _initial_weights(cmp: Comparison, pi: int, n: int) -> np.ndarray | None:
    """The requested initial weights (amperes) of physical projection ``pi`` (None if unknown)."""
    if cmp.network is None or pi >= len(cmp.network.projections):
        return None
    w = getattr(cmp.network.projections[pi], "weight", None)
    if w is None:
        return None
    w = np.asarray(w, float)
    return np.broadcast_to(w, (n,)) if w.size in (1, n) else None


def _weight_projections(cmp: Comparison, a: RunResult, b: RunResult) -> list[int]:
    common = sorted(set(a.weights) & set(b.weights))
    if cmp.weight_projections is None:
        return [p for p in common if cmp.window is None or p != cmp.window.projection]
    return [p for p in cmp.weight_projections if p in common]


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


def run_backends(cmp: Comparison, preset: str | None = None, progress: bool | None = None
                 ) -> tuple[dict[str, RunResult], dict[str, float], object | None]:
    """Run continuous, hardware-ordered reference and chip; return results, wall times, compiled program."""
    from reference.network_sim import simulate

    from .compiler import compile_network
    from .hardware import preset as get_preset
    from .simulator import Simulator

    results: dict[str, RunResult] = {}
    walls: dict[str, float] = {}
    program = None
    if cmp.network is None:
        results.update(cmp.runs)
        return results, walls, None
    net, n = cmp.network, cmp.n_steps
    n_back = 3 if cmp.chip else 2
    bar = _Progress(n_back * n * net.dt, net.name, progress)
    try:
        for mode in ("continuous", "hardware"):
            t = time.perf_counter()
            results[mode] = simulate(net, n, mode)
            walls[mode] = time.perf_counter() - t
            bar.advance(n * net.dt, mode, walls[mode])
        if cmp.chip:
            t = time.perf_counter()
            program = compile_network(net, get_preset(preset or cmp.preset), headroom=cmp.headroom)
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
            walls["chip"] = time.perf_counter() - t
    finally:
        bar.close()
    return results, walls, program


@dataclass
class Evaluation:
    """Metrics and verdicts of one comparison."""

    metrics: dict[str, dict[str, float]]            # split -> metric -> value
    verdicts: dict[str, dict[str, str | None]]      # split -> metric -> pass/fail/None
    split_verdict: dict[str, str]                   # split -> PASS / FAIL / n/a / reference-only
    headline: dict[str, tuple[float | None, str]]   # split -> (value, verdict)


def evaluate(cmp: Comparison, results: Mapping[str, RunResult]) -> Evaluation:
    lsb = None
    if "chip" in results and results["chip"].traces.ids.size:
        tr = results["chip"].traces
        sc = np.broadcast_to(np.asarray(tr.scale.get("v", 1.0), float), tr.ids.shape)
        lsb = {int(g): float(s) for g, s in zip(tr.ids, sc)}
    metrics, verdicts, split_v, head = {}, {}, {}, {}
    for split, (ka, kb) in PAIRS.items():
        if ka not in results or kb not in results:
            metrics[split], verdicts[split] = {}, {}
            split_v[split] = f"reference-only: {cmp.reason}" if split == "quantization" else "n/a"
            head[split] = (None, split_v[split])
            continue
        m = pair_metrics(results[ka], results[kb], cmp, split, lsb)
        metrics[split] = m
        v = {k: judge(k, m.get(k, float("nan")), t.of(split)) for k, t in cmp.tolerances.items()}
        # a tolerated metric the run could not compute fails (silence where spikes were expected, ...)
        for k, t in cmp.tolerances.items():
            if t.of(split) is not None and k not in m:
                v[k] = "fail"
        verdicts[split] = v
        judged = [x for x in v.values() if x is not None]
        split_v[split] = "n/a" if not judged else ("PASS" if all(x == "pass" for x in judged) else "FAIL")
        head[split] = (m.get(cmp.headline), v.get(cmp.headline) or "n/a")
    return Evaluation(metrics, verdicts, split_v, head)


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    _plt().close(fig)
    return path


def figures(cmp: Comparison, results: Mapping[str, RunResult], ev: Evaluation, out: Path,
            program=None) -> list[tuple[str, str]]:
    """Write the PNGs that apply; return (file name, caption) pairs."""
    plt = _plt()
    figs: list[tuple[str, str]] = []
    order = [k for k in BACKENDS if k in results]
    any_res = results[order[0]]
    dt = any_res.spikes.dt
    t1 = any_res.spikes.n_steps * dt
    pops = _populations(cmp, any_res)
    trains = {k: _trains(results[k], pops, 0.0, t1) for k in order}
    n_spk = sum(sum(t.size for t in v) for v in trains.values())

    if n_spk:
        fig, axes = plt.subplots(len(order), 1, figsize=(9, 1.8 + 1.5 * len(order)), sharex=True, squeeze=False)
        for ax, k in zip(axes[:, 0], order):
            tr = trains[k][:200]
            for i, t in enumerate(tr):
                ax.plot(t * 1e3, np.full(t.size, i), "|", ms=3, color=COLORS[k])
            ax.set_ylabel("neuron")
            ax.set_title(f"{cmp.labels[k]} ({sum(t.size for t in trains[k])} spikes)", fontsize=9)
        axes[-1, 0].set_xlabel("time (ms)")
        figs.append((_save(fig, out / "raster.png").name, "Spike rasters (first 200 neurons): "
                     + ", ".join(cmp.labels[k] for k in order) + ", top to bottom"))

    tr0 = any_res.traces
    if tr0.data.get("v") is not None and tr0.data["v"].size:
        cols = tr0.ids[:3].tolist()
        chip_tr = results["chip"].traces if "chip" in results else None
        ncol = 2 if chip_tr is not None else 1
        fig, axes = plt.subplots(2, ncol, figsize=(10 if ncol == 2 else 7, 5.5), sharex=True, squeeze=False)
        for k in order:
            tr = results[k].traces
            for j, g in enumerate(cols):
                if g not in tr.ids:
                    continue
                c = tr.column(g)
                for r, var in enumerate(("v", "u")):
                    if var not in tr.data:
                        continue
                    axes[r, 0].plot(tr.times * 1e3, tr.physical(var)[:, c], color=COLORS[k], lw=0.8,
                                    alpha=0.8, ls=["-", "--", ":"][j], label=f"{cmp.labels[k]} #{g}")
                    if chip_tr is not None and g in chip_tr.ids:
                        cc = chip_tr.column(g)
                        sc = np.broadcast_to(np.asarray(chip_tr.scale.get(var, 1.0), float), chip_tr.ids.shape)[cc]
                        off = np.broadcast_to(np.asarray(chip_tr.offset.get(var, 0.0), float),
                                              chip_tr.ids.shape)[cc]
                        if sc != 0 and np.isfinite(sc):
                            axes[r, 1].plot(tr.times * 1e3, (tr.physical(var)[:, c] - off) / sc, color=COLORS[k],
                                            lw=0.8, alpha=0.8, ls=["-", "--", ":"][j])
        units = results[order[-1]].traces.units
        axes[0, 0].set_ylabel(f"{cmp.v_label} ({units.get('v', '')})")
        axes[1, 0].set_ylabel(f"u ({units.get('u', '')})")
        axes[0, 0].legend(fontsize=6, loc="best")
        axes[0, 0].set_title("physical units", fontsize=9)
        if ncol == 2:
            axes[0, 1].set_ylabel("v (chip LSB)")
            axes[1, 1].set_ylabel("u (chip LSB)")
            axes[0, 1].set_title("chip LSBs (references divided by the chip's LSB)", fontsize=9)
        for ax in axes[-1]:
            ax.set_xlabel("time (ms)")
        figs.append((_save(fig, out / "traces.png").name, "Probed u and v in physical units (left) and in chip "
                     "LSBs (right); colour = backend, line style = neuron"))

    if n_spk:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        bin_s = max(dt, min(5e-3, t1 / 20))
        for k in order:
            for p, ls in zip(pops, ["-", "--", ":", "-."] * 10):
                r = _pop_rate(_trains(results[k], [p], 0.0, t1), 0.0, t1, bin_s)
                ax.plot((np.arange(r.size) + 0.5) * bin_s * 1e3, r, color=COLORS[k], ls=ls, lw=0.9,
                        label=f"{cmp.labels[k]}: {p}" if len(pops) <= 4 else (cmp.labels[k] if p == pops[0] else None))
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(f"population rate (Hz, {bin_s * 1e3:g} ms bins)")
        ax.legend(fontsize=6)
        figs.append((_save(fig, out / "rates.png").name, "Population rates per backend"))

        isis = {k: np.concatenate([np.diff(t) for t in trains[k]] or [np.zeros(0)]) for k in order}
        if any(x.size for x in isis.values()):
            fig, ax = plt.subplots(figsize=(7, 3.2))
            hi = max(float(x.max()) for x in isis.values() if x.size) * 1e3
            for k in order:
                cv = ev.metrics.get("quantization" if k == "chip" else "discretisation", {})
                cvs = cv.get("cv_isi_b" if k in ("chip", "hardware") and "cv_isi_b" in cv else "cv_isi_a",
                             float("nan"))
                if k == "hardware" and "cv_isi_a" in ev.metrics.get("quantization", {}):
                    cvs = ev.metrics["quantization"]["cv_isi_a"]
                if isis[k].size:
                    ax.hist(isis[k] * 1e3, bins=50, range=(0, hi), histtype="step", color=COLORS[k],
                            label=f"{cmp.labels[k]} (CV {cvs:.3f})")
            ax.set_xlabel("ISI (ms)")
            ax.set_ylabel("count")
            ax.legend(fontsize=7)
            figs.append((_save(fig, out / "isi.png").name, "ISI histograms with mean CV_ISI"))

    if cmp.psd:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        drew = False
        for k in order:
            s = _psd(cmp, results[k], _trains(results[k], pops, cmp.t_start, t1), cmp.t_start, t1)
            if s is not None and s[0].size > 1:
                ax.loglog(s[0][1:], s[1][1:] + 1e-300, color=COLORS[k], lw=0.9, label=cmp.labels[k])
                drew = True
        for f in cmp.psd_band:
            ax.axvline(f, color="gray", ls=":", lw=0.8)
        ax.set_xlabel("frequency (Hz)")
        ax.set_ylabel("PSD (" + ("Hz²/Hz" if cmp.psd == "rate" else "unit²/Hz") + ")")
        ax.set_title(f"PSD of {'the population rate' if cmp.psd == 'rate' else 'v'}; dotted: band", fontsize=9)
        if drew:
            ax.legend(fontsize=7)
            figs.append((_save(fig, out / "psd.png").name, "Power spectral density; dotted lines bound the band"))
        else:
            plt.close(fig)

    for si, sw in enumerate(([cmp.sweep] if cmp.sweep is not None else []) + list(cmp.extra_sweeps)):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
        from reference.analysis.firing import cv_isi

        groups = np.zeros(len(sw.values), int) if sw.group is None else np.asarray(sw.group)
        x = np.asarray(sw.values, float) * sw.display_scale
        for k in order:
            tr = [t[t >= cmp.t_start] for t in results[k].spikes.trains(sw.population)]
            rate = np.array([t.size for t in tr]) / (t1 - cmp.t_start)
            cv = np.array([cv_isi(t) for t in tr])
            for gi, gv in enumerate(np.unique(groups)):
                sel = groups == gv
                o = np.argsort(x[sel])
                lab = cmp.labels[k] + (f", {sw.group_label} {gv:g}" if sw.group is not None else "")
                axes[0].plot(x[sel][o], rate[sel][o], color=COLORS[k], marker=".", lw=0.9,
                             ls=["-", "--", ":", "-."][gi % 4], label=lab)
                axes[1].plot(x[sel][o], cv[sel][o], color=COLORS[k], marker=".", lw=0.9,
                             ls=["-", "--", ":", "-."][gi % 4])
        axes[0].set_xlabel(sw.label)
        axes[0].set_ylabel("rate (Hz)")
        axes[0].set_title("F-I" if sw.kind == "current" else "rate", fontsize=9)
        axes[0].legend(fontsize=6)
        axes[1].set_xlabel(sw.label)
        axes[1].set_ylabel("CV_ISI")
        fname = "fi.png" if si == 0 else f"sweep_{sw.population}.png"
        figs.append((_save(fig, out / fname).name, f"Rate and CV_ISI against {sw.label} (population {sw.population})"))

    w = {k: results[k].weights for k in order if results[k].weights}
    if w:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        for k, ws in w.items():
            sel = _weight_projections(cmp, results[k], results[k]) or sorted(ws)
            allw = np.concatenate([np.asarray(ws[p], float) for p in sel])
            ax.hist(allw, bins=40, histtype="step", color=COLORS[k], label=cmp.labels[k])
        ax.set_xlabel("final weight")
        ax.set_ylabel("synapses")
        ax.legend(fontsize=7)
        figs.append((_save(fig, out / "weights.png").name, "Final weight distributions (plastic projections)"))
    win = cmp.window
    if win is not None and any(win.projection in results[k].weights for k in order):
        fig, ax = plt.subplots(figsize=(7, 3.4))
        x = np.asarray(win.dt_s, float) * 1e3
        rule = win.rule
        if rule is not None:
            xs = np.linspace(x.min(), x.max(), 401)
            ideal = np.where(xs > 0, rule.A_plus * np.exp(-xs / (rule.tau_plus * 1e3)),
                             np.where(xs < 0, rule.A_minus * np.exp(xs / (rule.tau_minus * 1e3)), 0.0))
            ax.plot(xs, ideal * 1e12, color="0.6", lw=1, label="ideal A± exp(−|Δt|/τ±)")
        for k, mk in zip(order, ("o", "s", "x")):
            if win.projection in results[k].weights:
                dw = np.asarray(results[k].weights[win.projection], float) - np.asarray(win.w0, float)
                ax.plot(x, dw * 1e12, mk, ms=5, mfc="none", color=COLORS[k], label=cmp.labels[k])
        ax.axhline(0, color="0.8", lw=0.5)
        ax.set_xlabel("Δt = t_post − t_pre (ms)")
        ax.set_ylabel("ΔW (pA)")
        ax.legend(fontsize=7)
        figs.append((_save(fig, out / "stdp_window.png").name, "STDP window sampled by one pre/post pair per "
                     "synapse: final minus initial weight against Δt"))

    if "chip" in results and results["chip"].counters:
        c = results["chip"].counters
        n_cores = program.n_cores if program is not None else len(next(iter(c.values()))) - 1
        fig, ax = plt.subplots(figsize=(7, 3.2))
        names = [k for k in OVERFLOW_COUNTERS if k in c]
        xs = np.arange(n_cores)
        width = 0.8 / max(len(names), 1)
        for i, k in enumerate(names):
            ax.bar(xs + i * width, np.asarray(c[k])[:n_cores], width, label=k)
        ax.set_xticks(xs + 0.4 - width / 2)
        ax.set_xticklabels([str(i) for i in xs])
        ax.set_xlabel("core")
        ax.set_ylabel("events")
        total = sum(int(np.sum(c[k])) for k in names)
        ax.set_title(f"Overflow counters per core (total {total})", fontsize=9)
        ax.legend(fontsize=7)
        figs.append((_save(fig, out / "overflows.png").name, "Chip wrap/saturation counters per core"))
    return figs


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------
def _fmt(key: str, value, v_unit: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if key == "v_rmse" and v_unit:
        return f"{value:.4g} {v_unit}"
    info = METRICS.get(key)
    if info is None:
        return f"{value:.4g}"
    v = value * info.scale
    return f"{v:.4g} {info.display_unit}".strip()


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else (None if math.isnan(x) else ("inf" if x > 0 else "-inf"))
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    return repr(x)


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


def write_reports(name: str, description: str, cmp: Comparison, ev: Evaluation, figs, out: Path, config: dict,
                  walls: Mapping[str, float], program=None) -> None:
    metrics = {"scenario": name, "headline": cmp.headline, "chip": cmp.chip, "reason": cmp.reason,
               "splits": {s: {"pair": list(PAIRS[s]), "verdict": ev.split_verdict[s],
                              "metrics": ev.metrics[s],
                              "tolerances": {k: t.of(s) for k, t in cmp.tolerances.items()},
                              "verdicts": ev.verdicts[s]} for s in SPLITS},
               "wall_s": dict(walls)}
    if program is not None:
        metrics["compile_report"] = {"parameters": program.report.parameters, "notes": program.report.notes}
    (out / "metrics.json").write_text(json.dumps(_jsonable(metrics), indent=1, allow_nan=False))
    (out / "config.json").write_text(json.dumps(_jsonable(config), indent=1, allow_nan=False))

    def rows(split):
        m, v = ev.metrics[split], ev.verdicts[split]
        keys = [k for k in METRICS if k in m or k in cmp.tolerances]
        out_rows = []
        for k in keys:
            tol = cmp.tolerances.get(k, Tol()).of(split)
            sense = "≥" if METRICS[k].sense == "min" else "|x| ≤"
            out_rows.append((METRICS[k].label + (f" [{k}]"), _fmt(k, m.get(k), cmp.v_unit),
                             "—" if tol is None else f"{sense} {_fmt(k, tol, cmp.v_unit)}", (v.get(k) or "—").upper()
                             if v.get(k) else "—"))
        return out_rows

    md = [f"# Comparison: {name}", "", description, ""]
    if cmp.notes:
        md += [cmp.notes, ""]
    md += ["| split | pair | headline | verdict |", "|---|---|---|---|"]
    for s in SPLITS:
        a, b = PAIRS[s]
        hv = ev.headline[s][0]
        md.append(f"| {s} | {cmp.labels[a]} → {cmp.labels[b]} | {METRICS[cmp.headline].label}: "
                  f"{_fmt(cmp.headline, hv, cmp.v_unit)} | {ev.split_verdict[s]} |")
    for s in SPLITS:
        a, b = PAIRS[s]
        md += ["", f"## {s.capitalize()}: {cmp.labels[a]} → {cmp.labels[b]}", ""]
        if not ev.metrics[s]:
            md.append(ev.split_verdict[s])
            continue
        md += ["| metric | value | tolerance | verdict |", "|---|---|---|---|"]
        md += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |" for r in rows(s)]
        extra = {k: v for k, v in ev.metrics[s].items() if k not in METRICS}
        if extra:
            md += ["", "Side values: " + ", ".join(f"{k} = {v:.4g}" for k, v in extra.items())]
    md += ["", "## Run", "", f"seed {config['seed']}, duration {config['duration_s']:g} s "
           f"({config['n_steps']} steps of {config['dt_s']:g} s), chip preset `{config['preset']}`; wall time "
           + ", ".join(f"{k} {v:.2f} s" for k, v in walls.items()), "",
           f"Repeat: `{config['repeat']}`", ""]
    if program is not None and program.report.notes:
        md += ["Compiler notes:", ""] + [f"- {n}" for n in program.report.notes] + [""]
    md += ["## Figures", ""]
    for f, cap in figs:
        md += [f"![{cap}]({f})", "", f"*{cap}*", ""]
    (out / "report.md").write_text("\n".join(md))

    esc = html.escape
    h = ["<!doctype html><html><head><meta charset='utf-8'>", f"<title>neuromorph compare: {esc(name)}</title>",
         "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}"
         ".PASS,.pass{color:#080;font-weight:bold}.FAIL,.fail{color:#b00;font-weight:bold}"
         "img{max-width:100%;border:1px solid #ddd}figure{margin:1em 0}</style></head><body>",
         f"<h1>Comparison: {esc(name)}</h1>", f"<p>{esc(description)}</p>"]
    if cmp.notes:
        h.append(f"<p>{esc(cmp.notes)}</p>")
    h.append("<table><tr><th>split</th><th>pair</th><th>headline</th><th>verdict</th></tr>")
    for s in SPLITS:
        a, b = PAIRS[s]
        vv = ev.split_verdict[s]
        h.append(f"<tr><td>{s}</td><td>{esc(cmp.labels[a])} → {esc(cmp.labels[b])}</td>"
                 f"<td>{esc(METRICS[cmp.headline].label)}: {esc(_fmt(cmp.headline, ev.headline[s][0], cmp.v_unit))}</td>"
                 f"<td class='{esc(vv)}'>{esc(vv)}</td></tr>")
    h.append("</table>")
    for s in SPLITS:
        a, b = PAIRS[s]
        h.append(f"<h2>{s.capitalize()}: {esc(cmp.labels[a])} → {esc(cmp.labels[b])}</h2>")
        if not ev.metrics[s]:
            h.append(f"<p>{esc(ev.split_verdict[s])}</p>")
            continue
        h.append("<table><tr><th>metric</th><th>value</th><th>tolerance</th><th>verdict</th></tr>")
        for r in rows(s):
            h.append(f"<tr><td>{esc(r[0])}</td><td>{esc(r[1])}</td><td>{esc(r[2])}</td>"
                     f"<td class='{esc(r[3])}'>{esc(r[3])}</td></tr>")
        h.append("</table>")
    h.append("<h2>Figures</h2>")
    for f, cap in figs:
        data = base64.b64encode((out / f).read_bytes()).decode("ascii")
        h.append(f"<figure><img alt='{esc(f)}' data-file='{esc(f)}' src='data:image/png;base64,{data}'>"
                 f"<figcaption>{esc(cap)}</figcaption></figure>")
    h += ["<h2>Run</h2>", f"<p>seed {config['seed']}, duration {config['duration_s']:g} s, preset "
          f"<code>{esc(config['preset'])}</code>; repeat with <code>{esc(config['repeat'])}</code></p>",
          "<details><summary>config.json</summary><pre>" + esc(json.dumps(_jsonable(config), indent=1))
          + "</pre></details>", "</body></html>"]
    (out / "report.html").write_text("\n".join(h))


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------
def protocol_of(path: Path) -> str | None:
    """``"chip"``, ``"ref-only"`` or None (no ``comparison``), read without importing the script."""
    try:
        tree = ast.parse(Path(path).read_text())
    except (OSError, SyntaxError):
        return None
    has_cmp = any(isinstance(n, ast.FunctionDef) and n.name == "comparison" for n in tree.body)
    ref_only = any(isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "REFERENCE_ONLY" for t in n.targets)
                   for n in tree.body)
    if not has_cmp:
        return None
    return "ref-only" if ref_only else "chip"


def catalogue() -> dict[str, Path]:
    """Every known scenario that implements ``comparison`` (name -> path)."""
    from .cli import known_scenarios

    return {n: p for n, p in known_scenarios().items() if protocol_of(p)}


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"neuromorph_scenario_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Outcome:
    name: str
    out_dir: Path | None
    kind: str = "chip"
    split_verdict: dict[str, str] = field(default_factory=dict)
    headline: dict[str, tuple] = field(default_factory=dict)
    headline_key: str = ""
    v_unit: str | None = None
    wall_s: float = 0.0
    error: str | None = None


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
    module = load_module(path)
    if not callable(getattr(module, "comparison", None)):
        raise ValueError(f"{path.name} has no comparison(seed, duration) function (a run-only scenario); "
                         f"comparison scenarios: {', '.join(sorted(catalogue()))}")
    prepare_out(out, force)
    cmp: Comparison = module.comparison(seed=seed, duration=duration)
    if not isinstance(cmp, Comparison):
        raise TypeError(f"{path.name}: comparison() returned {type(cmp).__name__}, not neuromorph.compare.Comparison")
    ref_only = getattr(module, "REFERENCE_ONLY", None)
    if ref_only and cmp.chip:
        raise ValueError(f"{path.name} sets REFERENCE_ONLY but its Comparison has chip=True")
    if ref_only and not cmp.reason:
        cmp.reason = str(ref_only)
    from .hardware import PRESETS

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


def summary_line(o: Outcome) -> str:
    parts = []
    for s in SPLITS:
        v, verdict = o.headline.get(s, (None, "n/a"))
        parts.append(f"{s}: {_fmt(o.headline_key, v, o.v_unit) if v is not None else ''} {o.split_verdict.get(s, '')}".strip())
    return "; ".join(parts)


def table(outcomes: Sequence[Outcome]) -> str:
    """The feature × backend table (markdown)."""
    lines = ["| scenario | backends | headline metric | discretisation (continuous → hardware) | "
             "quantization (hardware → chip) | wall (s) |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        if o.error:
            first = o.error.strip().splitlines()[-1][:120].replace("|", "/")
            lines.append(f"| {o.name} | — | — | ERROR | ERROR: {first} | {o.wall_s:.1f} |")
            continue
        cells = []
        for s in SPLITS:
            v, _ = o.headline.get(s, (None, ""))
            verdict = o.split_verdict.get(s, "n/a")
            cells.append(f"{_fmt(o.headline_key, v, o.v_unit)} **{verdict}**" if v is not None
                         else (f"**{verdict}**" if not verdict.startswith("reference-only") else verdict))
        back = "continuous, hardware, chip" if o.kind == "chip" else "reference only"
        lines.append(f"| {o.name} | {back} | {METRICS[o.headline_key].label} | {cells[0]} | {cells[1]} | "
                     f"{o.wall_s:.1f} |")
    return "\n".join(lines)


def write_validation_table(doc: Path, tbl: str, header: str) -> None:
    """Replace the text between the compare markers of ``doc`` (append a section if absent)."""
    block = f"{VALIDATION_BEGIN}\n{header}\n\n{tbl}\n{VALIDATION_END}"
    text = doc.read_text() if doc.exists() else "# Validation\n"
    if VALIDATION_BEGIN in text and VALIDATION_END in text:
        a = text.index(VALIDATION_BEGIN)
        b = text.index(VALIDATION_END) + len(VALIDATION_END)
        text = text[:a] + block + text[b:]
    else:
        text = (text.rstrip("\n") + "\n\n## Chip vs reference: `neuromorph compare --all`\n\n"
                "Metrics, tolerances and output folders: [docs/compare.md](compare.md); derived chip-vs-float "
                "error bounds: [docs/error-bounds.md](error-bounds.md).\n\n" + block + "\n")
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)


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
        from .compiler import compile_network
        from .hardware import preset
        from .simulator import Simulator

        res = Simulator(compile_network(cmp.network, preset(cmp.preset), headroom=cmp.headroom),
                        strict=False).run(cmp.n_steps).result()
    else:
        from reference.network_sim import simulate

        res = simulate(cmp.network, cmp.n_steps, backend)
    pops = _populations(cmp, res)
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
        summary["overflows"] = int(sum(int(np.sum(res.counters[k])) for k in OVERFLOW_COUNTERS if k in res.counters))
        print(f"overflows: {summary['overflows']}")
    print("figures: " + ", ".join(summary["figures"]))
    return summary


# --------------------------------------------------------------------------------------
# Command line (registered by neuromorph.cli)
# --------------------------------------------------------------------------------------
def add_parser(sub) -> None:
    """Add the ``compare`` subcommand to ``neuromorph``'s subparsers."""
    p = sub.add_parser(
        "compare", help="chip vs hardware-ordered vs continuous reference: metrics, plots, report",
        description="Run a scenario on the continuous reference, the hardware-ordered reference and the chip; "
                    "write metrics.json, config.json, report.md, report.html and PNGs. See docs/compare.md.")
    p.add_argument("scenario", nargs="*", help="scenario name(s) (see `neuromorph list`: [chip]/[ref-only]) or "
                                               "path(s) to scripts")
    p.add_argument("--all", action="store_true", help="every scenario with a comparison; print the table and "
                                                      "write it to --validation-doc")
    p.add_argument("--out", help="output folder (default out/compare/<scenario>; with several scenarios or --all "
                                 "the parent folder, default out/compare)")
    p.add_argument("--seed", type=int, default=0, help="seed for every random source (default 0)")
    p.add_argument("--duration", type=float, help="simulated seconds (default: the scenario's own)")
    p.add_argument("--preset", help="chip preset (default: the scenario's, usually loihi)")
    p.add_argument("--force", action="store_true", help="overwrite an existing output folder")
    p.add_argument("--validation-doc", default="docs/validation.md",
                   help="where --all writes its table (default docs/validation.md; 'none' to skip)")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args) -> int:
    from .cli import known_scenarios, resolve
    from .hardware import PRESETS

    if args.preset is not None and args.preset not in PRESETS:
        raise SystemExit(f"neuromorph: unknown chip preset {args.preset!r}; known: {', '.join(sorted(PRESETS))}")
    if args.duration is not None and not args.duration > 0:
        raise SystemExit(f"neuromorph: --duration must be > 0 (got {args.duration})")
    argv = list(sys.argv)
    if args.all:
        if args.scenario:
            raise SystemExit("neuromorph: give scenario names or --all, not both")
        items = catalogue()
        if not items:
            raise SystemExit("neuromorph: no comparison scenarios found (run from the repository root)")
        others = sorted(set(known_scenarios()) - set(items))
        print(f"comparing {len(items)} scenarios: {', '.join(items)}")
        if others:
            print(f"(run-only scenarios, no comparison(): {', '.join(others)})")
    else:
        if not args.scenario:
            raise SystemExit("neuromorph compare: give a SCENARIO (name or path) or --all; comparison scenarios: "
                             + ", ".join(sorted(catalogue())))
        items = {}
        for s in args.scenario:
            path = resolve(s)
            if protocol_of(path) is None:
                raise SystemExit(f"neuromorph: scenario {path.stem!r} has no comparison() (it is run-only: "
                                 f"`neuromorph run {path.stem}`). Comparison scenarios: "
                                 + ", ".join(sorted(catalogue())))
            items[path.stem] = path
    t0 = time.perf_counter()
    if len(items) == 1 and not args.all:
        name, path = next(iter(items.items()))
        out = Path(args.out) if args.out else Path("out") / "compare" / name
        try:
            o = compare_scenario(path, out, args.seed, args.duration, args.preset, args.force, argv=argv)
        except OutputExists as e:
            raise SystemExit(f"neuromorph: {e}") from None
        print(f"[{name}] {summary_line(o)}")
        print(f"[{name}] done in {o.wall_s:.1f} s; report: {out / 'report.html'}")
        return 0 if all(v not in ("FAIL",) for v in o.split_verdict.values()) else 2
    root = Path(args.out) if args.out else Path("out") / "compare"
    outcomes = compare_many(items, root, args.seed, args.duration, args.preset, args.force, argv=argv)
    wall = time.perf_counter() - t0
    tbl = table(outcomes)
    print()
    print(tbl)
    print(f"\n{len(outcomes)} scenarios in {wall:.1f} s; "
          f"{sum(o.error is not None for o in outcomes)} errors")
    if args.all and args.validation_doc.lower() != "none":
        header = (f"Measured by `neuromorph compare --all` (seed {args.seed}, "
                  f"{'default durations' if args.duration is None else f'duration {args.duration:g} s'}, "
                  f"preset {'per scenario' if args.preset is None else args.preset}) on {platform.node() or 'host'} "
                  f"({time.strftime('%Y-%m-%d')}), {len(outcomes)} scenarios in {wall:.0f} s wall. "
                  f"Headline metric per scenario; PASS/FAIL is over every metric the scenario judges "
                  f"(see each `out/compare/<scenario>/report.html`).")
        write_validation_table(Path(args.validation_doc), tbl, header)
        print(f"table written to {args.validation_doc}")
    return 1 if any(o.error for o in outcomes) else (
        2 if any("FAIL" in o.split_verdict.values() for o in outcomes) else 0)

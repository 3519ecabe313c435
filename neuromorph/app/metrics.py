"""Metrics of ``neuromorph compare``: pure functions on arrays, then on two runs, then verdicts.

* on arrays (hand-checkable): :func:`rate_rel_error`, :func:`mean_gamma`,
  :func:`mean_van_rossum`, :func:`cv_isi_diff`, :func:`fano_diff`, :func:`v_rmse`,
  :func:`fi_metrics`, :func:`window_error`, ... and :func:`judge` (one value against its
  tolerance);
* on two :class:`~neuromorph.network.RunResult`: :func:`pair_metrics` (every metric a
  :class:`~neuromorph.app.protocol.Comparison` applies to one split);
* :func:`evaluate`: both splits of a set of backend results, with verdicts.

The spike-train statistics come from ``reference.analysis`` (imported where used).
Definitions: docs/compare.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from neuromorph.network import RunResult

from .protocol import METRICS, OVERFLOW_COUNTERS, PAIRS, Comparison

__all__ = ["rate_rel_error", "mean_gamma", "mean_van_rossum", "mean_latency_shift", "cv_isi_diff", "fano",
           "fano_diff", "band_power", "band_power_rel_error", "subthreshold_mask", "v_rmse", "fi_metrics",
           "window_error", "judge", "overflow_total", "populations_of", "spike_trains", "population_rate",
           "spectrum", "pair_metrics", "weight_projections", "Evaluation", "evaluate"]


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
    from neuromorph.errors import ParameterError

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
def overflow_total(counters: Mapping[str, np.ndarray]) -> int:
    """Wraps and saturations of a run, summed over cores and :data:`OVERFLOW_COUNTERS`."""
    return int(sum(int(np.sum(counters[k])) for k in OVERFLOW_COUNTERS if k in counters))


def populations_of(cmp: Comparison, res: RunResult) -> list[str]:
    """The populations a comparison measures: its own list, else every non-source one."""
    if cmp.populations is not None:
        return list(cmp.populations)
    if cmp.network is not None:
        return [p.name for p in cmp.network.populations.values() if not p.is_source]
    return list(res.spikes.populations)


def spike_trains(res: RunResult, pops: Sequence[str], t0: float, t1: float) -> list[np.ndarray]:
    """One spike-time array per neuron of ``pops`` (in order), cut to ``[t0, t1)``."""
    out = []
    for p in pops:
        for t in res.spikes.trains(p):
            out.append(t[(t >= t0) & (t < t1)])
    return out


def population_rate(trains, t0, t1, bin_size):
    """Mean rate per neuron (Hz) in consecutive bins of ``bin_size`` from ``t0``."""
    nb = max(1, int(np.floor((t1 - t0) / bin_size + 1e-9)))
    allt = np.concatenate(trains) if trains else np.zeros(0)
    k = np.floor((allt - t0) / bin_size + 1e-9).astype(np.int64)
    k = k[(k >= 0) & (k < nb)]
    return np.bincount(k, minlength=nb) / bin_size / max(len(trains), 1)


def spectrum(cmp: Comparison, res: RunResult, trains, t0, t1):
    """``(f, S)`` of the signal ``cmp.psd`` names (population rate or probed v), None if too short."""
    from reference.analysis.spectra import psd, welch_psd

    if cmp.psd == "rate":
        r = population_rate(trains, t0, t1, cmp.psd_bin)
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
    pops = populations_of(cmp, a)
    A, B = spike_trains(a, pops, t0, t1), spike_trains(b, pops, t0, t1)
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
        sa, sb = spectrum(cmp, a, A, t0, t1), spectrum(cmp, b, B, t0, t1)
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
    for pi in weight_projections(cmp, a, b):
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
        m["overflows"] = float(overflow_total(b.counters))
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


def weight_projections(cmp: Comparison, a: RunResult, b: RunResult) -> list[int]:
    """The plastic projections whose final weights the weight metrics compare."""
    common = sorted(set(a.weights) & set(b.weights))
    if cmp.weight_projections is None:
        return [p for p in common if cmp.window is None or p != cmp.window.projection]
    return [p for p in cmp.weight_projections if p in common]


# --------------------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------------------
@dataclass
class Evaluation:
    """Metrics and verdicts of one comparison."""

    metrics: dict[str, dict[str, float]]            # split -> metric -> value
    verdicts: dict[str, dict[str, str | None]]      # split -> metric -> pass/fail/None
    split_verdict: dict[str, str]                   # split -> PASS / FAIL / n/a / reference-only
    headline: dict[str, tuple[float | None, str]]   # split -> (value, verdict)


def evaluate(cmp: Comparison, results: Mapping[str, RunResult]) -> Evaluation:
    """Metrics and verdicts of both splits (a split whose backends did not run is n/a or reference-only)."""
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

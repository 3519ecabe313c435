"""Plots for each analysis family, drawn on the Agg canvas and saved as PNG.

Every function builds a :class:`matplotlib.figure.Figure` directly (no ``pyplot`` state,
no GUI backend: safe in tests and headless scenarios), returns it, and saves it to
``path`` when one is given. Inputs are the same as the analyses': SpikeLog / Traces /
plain arrays.

=========================  ==============================================
function                   family
=========================  ==============================================
:func:`raster`             spikes (A3/A4)
:func:`voltage_traces`     voltage and state traces (A13, models)
:func:`isi_histogram`      ISI histogram with CV_ISI (A3)
:func:`psd`                PSD, log-log (A1)
:func:`fi_curves`          F-I curves (A2)
:func:`phase_plane`        phase plane: field, nullclines, fixed points (A7)
:func:`bifurcation`        bifurcation diagram (A8)
:func:`weight_histogram`   weight distributions with KS distance
:func:`curves`             any family's y-against-x summary (posteriors,
                           Lyapunov convergence, MI/TE, agreement)
=========================  ==============================================
"""

from __future__ import annotations

import os
import warnings
from typing import Callable, Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog

from .analysis import _common
from .analysis import dynamics as _dyn
from .analysis import firing as _firing

__all__ = ["raster", "voltage_traces", "isi_histogram", "psd", "fi_curves", "phase_plane", "bifurcation",
           "weight_histogram", "curves", "save"]


def _figure(figsize=(6.0, 3.6)) -> tuple[Figure, object]:
    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def save(fig: Figure, path: str | os.PathLike | None) -> Figure:
    """Save ``fig`` as PNG at ``path`` (parent folders created) and return it."""
    if path is not None:
        d = os.path.dirname(os.fspath(path))
        if d:
            os.makedirs(d, exist_ok=True)
        with warnings.catch_warnings():  # inset axes are not tight_layout-compatible; harmless
            warnings.simplefilter("ignore", UserWarning)
            fig.tight_layout()
        fig.savefig(path, format="png")
    return fig


def raster(spikes, population: str | None = None, path=None, title: str = "Spike raster",
           t_unit: float = 1e-3) -> Figure:
    """Raster of a SpikeLog or a list of spike-time arrays (time axis in ms by default)."""
    trains = _common.as_trains(spikes, population, context="raster")
    fig, ax = _figure()
    for k, t in enumerate(trains):
        ax.plot(t / t_unit, np.full(t.size, k), "|", color="k", markersize=4)
    ax.set_xlabel("time (ms)" if t_unit == 1e-3 else "time (s)")
    ax.set_ylabel("neuron")
    ax.set_title(title)
    if isinstance(spikes, SpikeLog):
        ax.set_xlim(0, spikes.duration / t_unit)
    return save(fig, path)


def voltage_traces(traces, var: str = "v", dt: float | None = None, labels: Sequence[str] | None = None,
                   path=None, title: str = "Voltage traces", scale: float = 1e3, unit: str = "mV",
                   threshold: float | None = None, stacked: bool = False) -> Figure:
    """Traces (``physical(var)``) or an (n_samples[, n]) array sampled at ``dt``; ``scale`` converts units.

    ``stacked=True`` draws one panel per column (e.g. HH's V, m, h, n).
    """
    data, dt, ids, t0 = _common.as_signals(traces, dt, var=var, name="traces", context="voltage_traces")
    t = (t0 + dt * np.arange(data.shape[0])) * 1e3
    labels = list(labels) if labels is not None else [f"{var}[{i}]" for i in ids]
    if len(labels) != data.shape[1]:
        raise ParameterError("labels", len(labels), f"{data.shape[1]} (one per column)", "voltage_traces")
    n = data.shape[1]
    if stacked:
        fig = Figure(figsize=(6.0, 1.6 * n + 0.6), dpi=100)
        FigureCanvasAgg(fig)
        axes = [fig.add_subplot(n, 1, k + 1) for k in range(n)]
    else:
        fig, ax = _figure()
        axes = [ax] * n
    for k in range(n):
        axes[k].plot(t, data[:, k] * scale, lw=0.8, label=labels[k])
        if stacked:
            axes[k].set_ylabel(labels[k])
    if threshold is not None:
        axes[0].axhline(threshold * scale, color="r", ls="--", lw=0.8, label="threshold")
    axes[-1].set_xlabel("time (ms)")
    if not stacked:
        axes[0].set_ylabel(f"{var} ({unit})")
        if n <= 8:
            axes[0].legend(fontsize=7)
    axes[0].set_title(title)
    return save(fig, path)


def isi_histogram(train, bins: int = 40, path=None, title: str = "ISI histogram") -> Figure:
    """ISI histogram (ms) with CV_ISI in the title."""
    counts, edges, cv = _firing.isi_histogram(train, bins=bins)
    fig, ax = _figure()
    ax.bar(edges[:-1] * 1e3, counts, width=np.diff(edges) * 1e3, align="edge", color="C0", edgecolor="k", lw=0.3)
    ax.set_xlabel("ISI (ms)")
    ax.set_ylabel("count")
    ax.set_title(f"{title}  (CV$_{{ISI}}$ = {cv:.3f})")
    return save(fig, path)


def psd(spectra: Mapping[str, tuple[np.ndarray, np.ndarray]], path=None, title: str = "Power spectral density",
        unit: str = "x²/Hz") -> Figure:
    """Log-log PSD of one or more ``label -> (f, S)`` (zero-frequency and zero-power bins omitted)."""
    fig, ax = _figure()
    for label, (f, S) in spectra.items():
        f, S = np.asarray(f), np.asarray(S)
        m = (f > 0) & (S > 0)
        ax.loglog(f[m], S[m], lw=0.9, label=label)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel(f"PSD ({unit})")
    ax.set_title(title)
    ax.legend(fontsize=7)
    return save(fig, path)


def fi_curves(currents, rates: Mapping[str, Sequence[float]], path=None, title: str = "F-I curves",
              current_scale: float = 1e12, current_unit: str = "pA", theory: tuple | None = None) -> Figure:
    """Rate (Hz) against current for each ``label -> rates``; ``theory=(I, r)`` adds a dashed line."""
    I = np.asarray(currents, dtype=float) * current_scale
    fig, ax = _figure()
    for label, r in rates.items():
        r = np.asarray(r, dtype=float)
        if r.shape != I.shape:
            raise ParameterError("rates", f"{label}: {r.size} values", f"{I.size} (one per current)", "fi_curves")
        ax.plot(I, r, "o-", ms=3, lw=1, label=label)
    if theory is not None:
        ax.plot(np.asarray(theory[0]) * current_scale, theory[1], "k--", lw=1, label="closed form")
    ax.set_xlabel(f"injected current ({current_unit})")
    ax.set_ylabel("rate (Hz)")
    ax.set_title(title)
    ax.legend(fontsize=7)
    return save(fig, path)


def phase_plane(f: Callable, xlim, ylim, args: tuple = (), trajectories: Sequence[np.ndarray] = (), path=None,
                labels: tuple[str, str] = ("x", "y"), title: str = "Phase plane", n: int = 200,
                vectorized: bool = False) -> Figure:
    """Vector field, nullclines, fixed points (filled: stable) and optional trajectories (N, 2)."""
    nc = _dyn.nullclines(f, xlim, ylim, args, n=n, vectorized=vectorized)
    fps = _dyn.fixed_points(f, [xlim, ylim], args, n_grid=6)
    fig, ax = _figure((5.2, 4.4))
    sl = slice(None, None, max(1, n // 20))
    X, Y = np.meshgrid(nc.x[sl], nc.y[sl])
    ax.quiver(X, Y, nc.U[sl, sl], nc.V[sl, sl], color="0.6", angles="xy", width=0.003)
    ax.contour(nc.x, nc.y, nc.U, levels=[0.0], colors="C0")
    ax.contour(nc.x, nc.y, nc.V, levels=[0.0], colors="C1")
    ax.plot([], [], color="C0", label=f"{labels[0]}-nullcline")
    ax.plot([], [], color="C1", label=f"{labels[1]}-nullcline")
    for tr in trajectories:
        tr = np.asarray(tr)
        ax.plot(tr[:, 0], tr[:, 1], "k", lw=0.8)
    for fp in fps:
        ax.plot(fp.x[0], fp.x[1], "o", color="k", mfc="k" if fp.stable else "w", ms=7, label=fp.kind)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left")
    return save(fig, path)


def bifurcation(scan: _dyn.BifurcationScan, component: int = 0, extrema: tuple | None = None, path=None,
                param_label: str = "parameter", state_label: str = "x", title: str = "Bifurcation diagram") -> Figure:
    """Fixed-point branch (solid stable, dashed unstable), bifurcation points, and optional
    limit-cycle envelope ``extrema = (params, min, max)``."""
    s, x = scan.params, scan.states[:, component]
    fig, ax = _figure()
    st = np.where(scan.stable, x, np.nan)
    un = np.where(~scan.stable, x, np.nan)
    ax.plot(s, st, "k-", lw=1.5, label="stable fixed point")
    ax.plot(s, un, "k--", lw=1.0, label="unstable fixed point")
    if extrema is not None:
        p, lo, hi = (np.asarray(v, dtype=float) for v in extrema)
        ax.plot(p, lo, "C0.", ms=3, label="limit cycle min/max")
        ax.plot(p, hi, "C0.", ms=3)
    for b in scan.bifurcations:
        ax.plot(b.param, b.state[component], "r*", ms=10)
        ax.annotate(f"{b.kind} {b.param:.4g}", (b.param, b.state[component]), fontsize=7,
                    xytext=(4, 6), textcoords="offset points")
    ax.set_xlabel(param_label)
    ax.set_ylabel(state_label)
    ax.set_title(title)
    ax.legend(fontsize=7)
    return save(fig, path)


def weight_histogram(weights: Mapping[str, np.ndarray], bins: int = 40, path=None, title: str = "Weights",
                     unit: str = "") -> Figure:
    """Overlaid histograms of ``label -> weights``; with two samples the KS distance is in the title."""
    from .analysis.agreement import weight_ks

    fig, ax = _figure()
    arrays = [np.asarray(w, dtype=float).ravel() for w in weights.values()]
    if not arrays or any(a.size == 0 for a in arrays):
        raise ParameterError("weights", "empty", "one or more non-empty weight arrays", "weight_histogram")
    lo = min(a.min() for a in arrays)
    hi = max(a.max() for a in arrays)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
    for label, a in zip(weights, arrays):
        ax.hist(a, bins=edges, alpha=0.55, label=label)
    if len(arrays) == 2:
        D, p = weight_ks(arrays[0], arrays[1])
        title = f"{title}  (KS D = {D:.3f}, p = {p:.2g})"
    ax.set_xlabel(f"weight {unit}".strip())
    ax.set_ylabel("count")
    ax.set_title(title)
    ax.legend(fontsize=7)
    return save(fig, path)


def curves(x, ys: Mapping[str, Sequence[float]], path=None, xlabel: str = "x", ylabel: str = "y",
           title: str = "", logx: bool = False, logy: bool = False, styles: Mapping[str, str] | None = None,
           hlines: Mapping[str, float] | None = None) -> Figure:
    """Lines ``label -> y(x)`` (all on the shared ``x``), optional horizontal reference lines."""
    x = np.asarray(x, dtype=float)
    fig, ax = _figure()
    for label, y in ys.items():
        y = np.asarray(y, dtype=float)
        if y.shape != x.shape:
            raise ParameterError("ys", f"{label}: shape {y.shape}", f"shape {x.shape} (as x)", "curves")
        ax.plot(x, y, (styles or {}).get(label, "-"), lw=1, ms=3, label=label)
    for label, yv in (hlines or {}).items():
        ax.axhline(yv, color="k", ls=":", lw=1, label=label)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7)
    return save(fig, path)

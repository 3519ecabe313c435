"""The comparison protocol: what a scenario's ``comparison(seed, duration)`` returns.

:class:`Comparison` (with :class:`Tol`, :class:`Sweep`, :class:`StdpWindow`) names the
network every backend runs, the metrics it judges and their tolerances; :data:`METRICS`
defines every metric key (label, unit, sense); :func:`array_result` wraps plain arrays of a
model outside :class:`~neuromorph.network.Network` as a :class:`~neuromorph.network.RunResult`.
See docs/compare.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from neuromorph.network import Network, RunResult, SpikeLog, Traces
from neuromorph.tables import OVERFLOW_KINDS

__all__ = ["Tol", "Sweep", "StdpWindow", "Comparison", "MetricInfo", "METRICS", "SPLITS", "PAIRS", "BACKENDS",
           "DEFAULT_LABELS", "OVERFLOW_COUNTERS", "array_result"]

SPLITS = ("discretisation", "quantization")
PAIRS = {"discretisation": ("continuous", "hardware"), "quantization": ("hardware", "chip")}
BACKENDS = ("continuous", "hardware", "chip")
# the chip's wrap and saturation counters, summed by the ``overflows`` metric (single definition: neuromorph.tables)
OVERFLOW_COUNTERS = OVERFLOW_KINDS
DEFAULT_LABELS = {"continuous": "continuous reference", "hardware": "hardware-ordered reference", "chip": "chip"}


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
    v = np.zeros((0, 0)) if v is None else np.asarray(v, float).reshape(np.shape(v)[0], -1)
    size = size if size is not None else (v.shape[1] if v.size else 1)
    s = np.zeros(0, np.int64) if spike_steps is None else np.asarray(spike_steps, np.int64)
    i = np.zeros(0, np.int64) if spike_ids is None else np.asarray(spike_ids, np.int64)
    log = SpikeLog(s, i, dt, n_steps, {population: (0, size)})
    tr = Traces(np.arange(v.shape[0], dtype=np.int64), np.arange(v.shape[1] if v.size else 0, dtype=np.int64), dt,
                {"v": v} if v.size else {}, {"v": unit}, {"v": 1.0},
                {"v": 0.0})
    return RunResult(log, tr, {}, dict(weights or {}), {"simulator": label or "array"})


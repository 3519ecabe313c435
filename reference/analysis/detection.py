r"""A13 — spike detection in voltage traces.

Sample ``j`` of a trace lies at ``t_j = t0 + j·dt``. Three detectors:

* ``'crossing'`` (default): upward threshold crossings ``v_{j-1} < θ <= v_j``; the spike time
  is linearly interpolated, ``t = t_{j-1} + dt (θ - v_{j-1}) / (v_j - v_{j-1})`` (exact
  for a trace that is linear between samples); with ``interpolate=False`` it is ``t_j``.
* ``'peak'``: local maxima above ``θ`` (``scipy.signal.find_peaks``), time of the peak sample.
  Suits traces with full action potentials (Hodgkin–Huxley).
* ``'reset'``: integrate-and-fire traces recorded after the reset never show the threshold
  crossing; a spike is a drop ``v_j - v_{j-1} < -jump`` and its time is ``t_j``, the first
  sample showing the reset (for a chip probe, the step in which the spike was emitted).

``min_interval`` (s) drops detections closer than that to the previous kept one
(dead time). Multi-signal input (a 2-D array or a :class:`~neuromorph.network.Traces`)
gives a :class:`~neuromorph.network.SpikeLog` with one neuron per column (Traces ids).
"""

from __future__ import annotations

import numpy as np
from scipy import signal as _signal

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog, Traces

from ._common import as_signals

__all__ = ["detect_spikes", "detect_spikes_1d"]


def _dead_time(t: np.ndarray, min_interval: float) -> np.ndarray:
    if min_interval <= 0 or t.size < 2:
        return np.ones(t.size, dtype=bool)
    keep = np.zeros(t.size, dtype=bool)
    last = -np.inf
    for k, tk in enumerate(t):
        if tk - last >= min_interval:
            keep[k] = True
            last = tk
    return keep


def detect_spikes_1d(v: np.ndarray, dt: float, threshold: float, t0: float = 0.0, method: str = "crossing",
                     min_interval: float = 0.0, interpolate: bool = True, jump: float | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Detect spikes in one sampled trace: ``(times_s, sample_indices)`` (see module docstring).

    Fewer than 2 samples or a trace that never crosses give empty arrays.
    """
    v = np.asarray(v, dtype=float)
    if method == "crossing":
        if v.size < 2:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        j = np.nonzero((v[:-1] < threshold) & (v[1:] >= threshold))[0] + 1
        if interpolate:
            frac = (threshold - v[j - 1]) / (v[j] - v[j - 1])
            t = t0 + dt * (j - 1 + frac)
        else:
            t = t0 + dt * j
    elif method == "peak":
        j, _ = _signal.find_peaks(v, height=threshold)
        t = t0 + dt * j
    elif method == "reset":
        if jump is None or not jump > 0:
            raise ParameterError("jump", jump, "> 0 (the smallest voltage drop that counts as a reset)",
                                 "detect_spikes")
        if v.size < 2:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        j = np.nonzero(np.diff(v) < -jump)[0] + 1
        t = t0 + dt * j
    else:
        raise ParameterError("method", method, "'crossing', 'peak' or 'reset'", "detect_spikes")
    keep = _dead_time(t, min_interval)
    return t[keep], j[keep].astype(np.int64)


def detect_spikes(v, dt: float | None = None, threshold: float = 0.0, t0: float | None = None,
                  method: str = "crossing", min_interval: float = 0.0, interpolate: bool = True,
                  jump: float | None = None, var: str = "v"):
    """Spike times from voltage traces.

    Parameters
    ----------
    v : 1-D array, 2-D array (n_samples, n_signals) or Traces
        Voltages in the units of ``threshold`` (Traces: ``physical(var)``).
    dt : float
        Sample interval (s); from Traces if omitted.
    threshold : float
        Detection threshold (for 'crossing' and 'peak').
    t0 : float
        Time of sample 0 (default 0, or the first Traces sample's time).

    Returns
    -------
    1-D array of spike times (s) for 1-D input; a SpikeLog (``times`` = detected times,
    ``steps`` = their sample's step) for 2-D or Traces input.
    """
    if not (np.isfinite(threshold)):
        raise ParameterError("threshold", threshold, "a finite voltage", "detect_spikes")
    if not (min_interval >= 0):
        raise ParameterError("min_interval", min_interval, ">= 0 (s)", "detect_spikes")
    one_d = not isinstance(v, Traces) and np.ndim(v) == 1
    data, dt, ids, tt0 = as_signals(v, dt, var=var, name="v", context="detect_spikes")
    t0 = tt0 if t0 is None else float(t0)
    if one_d:
        return detect_spikes_1d(data[:, 0], dt, threshold, t0, method, min_interval, interpolate, jump)[0]
    if isinstance(v, Traces):
        sample_steps = np.asarray(v.steps, dtype=np.int64)
    else:
        sample_steps = np.rint(t0 / dt).astype(np.int64) + np.arange(data.shape[0], dtype=np.int64)
    all_t, all_s, all_i = [], [], []
    for c in range(data.shape[1]):
        t, j = detect_spikes_1d(data[:, c], dt, threshold, t0, method, min_interval, interpolate, jump)
        all_t.append(t)
        all_s.append(sample_steps[j])
        all_i.append(np.full(t.size, ids[c], dtype=np.int64))
    n_steps = int(sample_steps[-1]) + 1 if sample_steps.size else 0
    n = int(ids.max()) + 1 if ids.size else 0
    return SpikeLog(np.concatenate(all_s), np.concatenate(all_i), dt, n_steps, {"detected": (0, n)},
                    np.concatenate(all_t))

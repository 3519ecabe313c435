"""Input normalisation shared by the analyses.

Every analysis accepts chip and reference output alike. The helpers here turn a
:class:`~neuromorph.network.SpikeLog`, a :class:`~neuromorph.network.Traces`, a single
array of spike times (seconds) or a list of such arrays into plain float64 arrays, and
raise :class:`~neuromorph.errors.ParameterError` on malformed input (unsorted or
non-finite times, mismatched lengths) so no analysis fails deep inside NumPy.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog, Traces

__all__ = ["as_train", "as_trains", "as_signal", "as_signals", "window_of"]


def as_train(train, name: str = "spike_times", context: str = "") -> np.ndarray:
    """A 1-D float64 array of spike times in seconds, checked finite and non-decreasing.

    Empty input is allowed (an empty array). Unsorted or non-finite times raise
    :class:`ParameterError`: sorting silently would hide a bug upstream.
    """
    if isinstance(train, SpikeLog):
        trains = train.trains()
        if len(trains) != 1:
            raise ParameterError(name, f"SpikeLog of {len(trains)} neurons", "one neuron (use select()/trains())",
                                 context)
        return trains[0]
    try:
        t = np.asarray(train, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, type(train).__name__, "a 1-D array of spike times (s)", context) from None
    if t.ndim == 0:
        t = t.reshape(1)
    if t.ndim != 1:
        raise ParameterError(name, f"shape {t.shape}", "a 1-D array of spike times (s)", context)
    if t.size and not np.all(np.isfinite(t)):
        raise ParameterError(name, t[~np.isfinite(t)][0], "finite spike times", context)
    if t.size > 1 and np.any(np.diff(t) < 0):
        k = int(np.argmax(np.diff(t) < 0))
        raise ParameterError(name, f"t[{k}]={t[k]!r} > t[{k + 1}]={t[k + 1]!r}", "non-decreasing spike times",
                             context)
    return t


def as_trains(trains, population: str | None = None, name: str = "trains", context: str = "") -> list[np.ndarray]:
    """A list of spike-time arrays, one per neuron.

    Accepts a SpikeLog (optionally one ``population``), a list/tuple of 1-D arrays, or a
    single 1-D array (one neuron).
    """
    if isinstance(trains, SpikeLog):
        return trains.trains(population)
    if isinstance(trains, (list, tuple)) and (len(trains) == 0 or np.ndim(trains[0]) >= 1
                                              or isinstance(trains[0], (list, tuple))):
        return [as_train(t, f"{name}[{k}]", context) for k, t in enumerate(trains)]
    if isinstance(trains, np.ndarray) and trains.dtype == object:
        return [as_train(t, f"{name}[{k}]", context) for k, t in enumerate(trains)]
    return [as_train(trains, name, context)]


def window_of(source, t_start: float | None, t_stop: float | None, trains: Sequence[np.ndarray],
              context: str = "") -> tuple[float, float]:
    """Observation window ``[t_start, t_stop)``: given values, else the SpikeLog's run, else the spikes'.

    Raises ParameterError when the window is empty or cannot be inferred.
    """
    if t_start is None:
        t_start = 0.0
    if t_stop is None:
        if isinstance(source, SpikeLog):
            t_stop = source.duration
        else:
            nonempty = [t[-1] for t in trains if t.size]
            if not nonempty:
                raise ParameterError("t_stop", None, "a window end (s); it cannot be inferred from no spikes",
                                     context)
            t_stop = float(max(nonempty))
    t_start, t_stop = float(t_start), float(t_stop)
    if not (np.isfinite(t_start) and np.isfinite(t_stop) and t_stop > t_start):
        raise ParameterError("t_stop", t_stop, f"finite and > t_start = {t_start}", context)
    return t_start, t_stop


def as_signal(x, dt: float | None = None, var: str = "v", column: int = 0, name: str = "x",
              context: str = "") -> tuple[np.ndarray, float]:
    """One sampled signal and its sample interval ``dt`` (s).

    ``x`` is a :class:`Traces` (variable ``var``, column ``column``, physical units) or a
    1-D array, in which case ``dt`` is required.
    """
    if isinstance(x, Traces):
        data = x.physical(var)
        if data.ndim == 1:
            data = data[:, None]
        if not 0 <= column < data.shape[1]:
            raise ParameterError("column", column, f"[0, {data.shape[1] - 1}]", context)
        sig, dt = data[:, column], float(x.dt if dt is None else dt)
    else:
        try:
            sig = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(name, type(x).__name__, "a 1-D numeric array or Traces", context) from None
        if sig.ndim != 1:
            raise ParameterError(name, f"shape {sig.shape}", "a 1-D array (one signal)", context)
        if dt is None:
            raise ParameterError("dt", None, "the sample interval in seconds", context)
    dt = float(dt)
    if not (np.isfinite(dt) and dt > 0):
        raise ParameterError("dt", dt, "> 0 and finite (s)", context)
    if sig.size and not np.all(np.isfinite(sig)):
        raise ParameterError(name, sig[~np.isfinite(sig)][0], "finite samples", context)
    return sig, dt


def as_signals(x, dt: float | None = None, var: str = "v", name: str = "x",
               context: str = "") -> tuple[np.ndarray, float, np.ndarray, float]:
    """Signals as an (n_samples, n_signals) array, ``dt``, column ids and start time.

    A 1-D array is one signal (id 0); a 2-D array is (n_samples, n_signals); a Traces
    gives ``physical(var)``, its ids and the time of its first sample.
    """
    t0 = 0.0
    if isinstance(x, Traces):
        data = x.physical(var)
        if data.ndim == 1:
            data = data[:, None]
        ids = np.asarray(x.ids, dtype=np.int64)
        dt = float(x.dt if dt is None else dt)
        if len(x.steps):
            t0 = float(np.asarray(x.steps)[0] * x.dt)
    else:
        try:
            data = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(name, type(x).__name__, "a numeric array or Traces", context) from None
        if data.ndim == 1:
            data = data[:, None]
        if data.ndim != 2:
            raise ParameterError(name, f"shape {data.shape}", "1-D or (n_samples, n_signals)", context)
        ids = np.arange(data.shape[1])
        if dt is None:
            raise ParameterError("dt", None, "the sample interval in seconds", context)
    dt = float(dt)
    if not (np.isfinite(dt) and dt > 0):
        raise ParameterError("dt", dt, "> 0 and finite (s)", context)
    if data.size and not np.all(np.isfinite(data)):
        raise ParameterError(name, data[~np.isfinite(data)][0], "finite samples", context)
    return data, dt, ids, t0

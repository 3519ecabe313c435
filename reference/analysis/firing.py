r"""A2–A4 — F-I curves, interspike intervals, irregularity and rate coding.

Definitions (spike times ``t_k`` in seconds, sorted):

* ISI: ``Δ_k = t_{k+1} - t_k``.
* CV_ISI (course exercise): ``std(ISI) / mean(ISI)`` with the population std (``ddof=0``,
  as ``np.std`` in the course). Poisson → 1, perfectly regular → 0.
* Fano factor: ``var(N) / mean(N)`` of spike counts ``N`` in windows of length ``w``.
* Windowed rate (survey, rate coding): ``r(t) = (1/Δt) ∫_{t-Δt}^{t} Σ_k δ(s - t_k) ds`` =
  number of spikes in ``(t - Δt, t]`` divided by ``Δt``.
* F-I curve: mean firing rate against injected current; rate either ``count / duration``
  or ``1 / mean(ISI)`` (the latter has no ±1-spike quantisation).

Undefined cases return NaN and say why in the docstring; malformed input (unsorted
times, bad windows, mismatched lengths) raises :class:`~neuromorph.errors.ParameterError`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog

from ._common import as_train, as_trains, window_of

__all__ = ["isi", "cv_isi", "isi_histogram", "fano_factor", "firing_rate", "firing_rates", "binned_counts",
           "windowed_rate", "population_rate", "fi_curve", "rheobase"]


def isi(train) -> np.ndarray:
    """Interspike intervals ``diff(t)`` in seconds (empty for fewer than 2 spikes)."""
    return np.diff(as_train(train, context="isi"))


def cv_isi(train) -> float:
    """Coefficient of variation of the ISIs, ``std(ISI)/mean(ISI)`` (``ddof=0``).

    Returns NaN when it is undefined: fewer than 3 spikes (fewer than two intervals — a
    single interval has no spread to measure) or a zero mean interval (all spikes at
    one instant). Accepts a 1-D array of spike times or a one-neuron SpikeLog; for a
    population use ``[cv_isi(t) for t in log.trains()]``.
    """
    d = isi(train)
    if d.size < 2:
        return float("nan")
    m = d.mean()
    if m <= 0:
        return float("nan")
    return float(d.std() / m)


def isi_histogram(train, bins: int | Sequence[float] = 50, range: tuple[float, float] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, float]:
    """Histogram of ISIs: ``(counts, edges_s, cv)``; ``cv`` as :func:`cv_isi` (NaN if undefined).

    With no ISIs the counts are all zero (edges span ``range`` or ``[0, 1]`` s).
    """
    d = isi(train)
    if range is None and d.size == 0:
        range = (0.0, 1.0)
    counts, edges = np.histogram(d, bins=bins, range=range)
    return counts, edges, cv_isi(train)


def _check_window(window: float, context: str) -> float:
    if not (np.isfinite(window) and window > 0):
        raise ParameterError("window", window, "> 0 and finite (s)", context)
    return float(window)


def binned_counts(trains, bin_size: float, t_start: float | None = None, t_stop: float | None = None,
                  population: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Spike counts in consecutive bins ``[t_start + j b, t_start + (j+1) b)``.

    Returns ``(edges, counts)`` with ``counts`` of shape ``(n_bins, n_neurons)``; a partial
    last bin is dropped. ``t_stop`` defaults to the SpikeLog's duration or the last spike.
    """
    tr = as_trains(trains, population, context="binned_counts")
    b = _check_window(bin_size, "binned_counts")
    t0, t1 = window_of(trains, t_start, t_stop, tr, "binned_counts")
    nb = int(np.floor((t1 - t0) / b + 1e-9))
    if nb < 1:
        raise ParameterError("bin_size", b, f"<= t_stop - t_start = {t1 - t0:g} s", "binned_counts")
    edges = t0 + b * np.arange(nb + 1)
    counts = np.zeros((nb, len(tr)), dtype=np.int64)
    for j, t in enumerate(tr):
        k = np.floor((t - t0) / b + 1e-9).astype(np.int64)
        k = k[(k >= 0) & (k < nb)]
        counts[:, j] = np.bincount(k, minlength=nb)
    return edges, counts


def fano_factor(trains, window: float, t_start: float | None = None, t_stop: float | None = None,
                across: str = "windows", population: str | None = None) -> float:
    """Fano factor ``var(N)/mean(N)`` (``ddof=0``) of spike counts in windows of ``window`` s.

    ``across='windows'``: counts in consecutive windows of every train, pooled (a
    stationary process). ``across='trials'``: one count per train in
    ``[t_start, t_start + window)`` (trains are repeated trials).

    Returns NaN when undefined: fewer than 2 counts, or a mean count of zero (no spikes).
    Poisson → 1; a regular train with ``window`` a multiple of its period → 0.
    """
    tr = as_trains(trains, population, context="fano_factor")
    w = _check_window(window, "fano_factor")
    if across == "windows":
        _, c = binned_counts(tr if not isinstance(trains, SpikeLog) else trains, w, t_start, t_stop, population)
        c = c.ravel()
    elif across == "trials":
        t0 = 0.0 if t_start is None else float(t_start)
        c = np.array([np.count_nonzero((t >= t0) & (t < t0 + w)) for t in tr])
    else:
        raise ParameterError("across", across, "'windows' or 'trials'", "fano_factor")
    if c.size < 2 or c.mean() == 0:
        return float("nan")
    return float(c.var() / c.mean())


def firing_rate(train, t_start: float = 0.0, t_stop: float | None = None) -> float:
    """Mean rate ``N / (t_stop - t_start)`` in Hz of spikes in ``[t_start, t_stop)``.

    ``t_stop`` must be given for a plain array (a window cannot be guessed from spikes);
    for a one-neuron SpikeLog it defaults to the run length.
    """
    t = as_train(train, context="firing_rate")
    if t_stop is None and not isinstance(train, SpikeLog):
        raise ParameterError("t_stop", None, "the end of the observation window (s)", "firing_rate")
    t0, t1 = window_of(train, t_start, t_stop, [t], "firing_rate")
    return float(np.count_nonzero((t >= t0) & (t < t1)) / (t1 - t0))


def firing_rates(trains, t_start: float = 0.0, t_stop: float | None = None,
                 population: str | None = None) -> np.ndarray:
    """Mean rate per neuron (Hz) in ``[t_start, t_stop)``; ``t_stop`` as :func:`firing_rate`."""
    tr = as_trains(trains, population, context="firing_rates")
    if t_stop is None and not isinstance(trains, SpikeLog):
        raise ParameterError("t_stop", None, "the end of the observation window (s)", "firing_rates")
    t0, t1 = window_of(trains, t_start, t_stop, tr, "firing_rates")
    return np.array([np.count_nonzero((t >= t0) & (t < t1)) for t in tr], dtype=float) / (t1 - t0)


def windowed_rate(train, window: float, times: Sequence[float] | None = None, dt: float | None = None,
                  t_start: float = 0.0, t_stop: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Survey rate code ``r(t) = #{t_k ∈ (t - Δt, t]} / Δt`` (Hz), evaluated at ``times``.

    Give the evaluation ``times`` explicitly, or a grid step ``dt`` with ``t_stop``
    (``times = t_start + dt, t_start + 2 dt, ..., <= t_stop``). Several trains (a SpikeLog
    or a list) give the per-neuron average. Returns ``(times, r)``. Vectorised with
    ``searchsorted``: ``r = (#{t_k <= t} - #{t_k <= t - Δt}) / Δt``.
    """
    w = _check_window(window, "windowed_rate")
    tr = as_trains(train, context="windowed_rate")
    if times is None:
        if dt is None:
            raise ParameterError("times", None, "evaluation times, or dt and t_stop", "windowed_rate")
        if t_stop is None:
            if isinstance(train, SpikeLog):
                t_stop = train.duration
            else:
                raise ParameterError("t_stop", None, "the end of the evaluation grid (s)", "windowed_rate")
        dt = _check_window(dt, "windowed_rate")
        n = int(np.floor((t_stop - t_start) / dt + 1e-9))
        times = t_start + dt * np.arange(1, n + 1)
    times = np.asarray(times, dtype=float).ravel()
    if not np.all(np.isfinite(times)):
        raise ParameterError("times", times[~np.isfinite(times)][0], "finite times (s)", "windowed_rate")
    if len(tr) == 0:
        raise ParameterError("train", "no neurons", "at least one spike train", "windowed_rate")
    r = np.zeros(times.size)
    for t in tr:
        r += np.searchsorted(t, times, side="right") - np.searchsorted(t, times - w, side="right")
    return times, r / (w * len(tr))


def population_rate(trains, bin_size: float, t_start: float | None = None, t_stop: float | None = None,
                    population: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Average rate per neuron (Hz) in consecutive bins: ``(bin_centres, rate)``."""
    edges, c = binned_counts(trains, bin_size, t_start, t_stop, population)
    if c.shape[1] == 0:
        raise ParameterError("trains", "no neurons", "at least one spike train", "population_rate")
    return 0.5 * (edges[1:] + edges[:-1]), c.mean(axis=1) / bin_size


def fi_curve(currents: Sequence[float], responses, t_start: float = 0.0, t_stop: float | None = None,
             method: str = "count") -> np.ndarray:
    """Firing rate (Hz) for each injected current: the F-I curve.

    ``responses`` gives the spikes at ``currents[i]``: a SpikeLog whose neuron ``i`` got
    ``currents[i]``, a list of spike-time arrays, or a callable ``I -> spike times``.
    ``method='count'``: spikes in ``[t_start, t_stop)`` / duration; ``method='isi'``:
    ``1 / mean(ISI)`` of those spikes (NaN→0 with fewer than 2 spikes, i.e. the neuron
    is counted as silent; use ``'count'`` to see isolated spikes).
    """
    I = np.asarray(currents, dtype=float).ravel()
    if callable(responses) and not isinstance(responses, SpikeLog):
        tr = [as_train(responses(float(i)), "responses(I)", "fi_curve") for i in I]
    else:
        tr = as_trains(responses, context="fi_curve")
    if len(tr) != I.size:
        raise ParameterError("responses", f"{len(tr)} spike trains", f"{I.size} (one per current)", "fi_curve")
    if t_stop is None and not isinstance(responses, SpikeLog):
        raise ParameterError("t_stop", None, "the end of the observation window (s)", "fi_curve")
    t0, t1 = window_of(responses, t_start, t_stop, tr, "fi_curve")
    if method == "count":
        return np.array([np.count_nonzero((t >= t0) & (t < t1)) for t in tr], dtype=float) / (t1 - t0)
    if method == "isi":
        out = np.zeros(I.size)
        for k, t in enumerate(tr):
            d = np.diff(t[(t >= t0) & (t < t1)])
            if d.size and d.mean() > 0:
                out[k] = 1.0 / d.mean()
        return out
    raise ParameterError("method", method, "'count' or 'isi'", "fi_curve")


def rheobase(currents: Sequence[float], rates: Sequence[float], min_rate: float = 0.0) -> float:
    """Smallest current whose rate exceeds ``min_rate`` (NaN if none does).

    ``currents`` must be sorted ascending and match ``rates`` in length.
    """
    I = np.asarray(currents, dtype=float).ravel()
    r = np.asarray(rates, dtype=float).ravel()
    if I.shape != r.shape:
        raise ParameterError("rates", f"{r.size} values", f"{I.size} (one per current)", "rheobase")
    if I.size > 1 and np.any(np.diff(I) < 0):
        raise ParameterError("currents", "unsorted", "ascending currents", "rheobase")
    hit = np.nonzero(r > min_rate)[0]
    return float(I[hit[0]]) if hit.size else float("nan")

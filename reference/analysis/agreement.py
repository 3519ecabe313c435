r"""Agreement between two spike trains or populations (chip vs reference).

Throughout, ``a`` is the reference train and ``b`` the train compared with it (e.g. the chip).

* Spike-count error ``N_b - N_a`` and rate error ``(N_b - N_a)/(t_stop - t_start)`` (Hz).
* Coincidence factor (Kistler, Gerstner & van Hemmen 1997; Jolivet et al. 2008):

  .. math::
      \Gamma = \frac{N_{coinc} - \langle N_{coinc}\rangle}{\tfrac12 (N_a + N_b)}\,\frac{1}{\mathcal N},
      \qquad \langle N_{coinc}\rangle = 2\nu_b\delta N_a,\quad \mathcal N = 1 - 2\nu_b\delta

  ``N_coinc`` counts spikes of ``a`` paired one-to-one with a spike of ``b`` within ``±δ``
  (greedy earliest-first matching, which is a maximum matching for a window rule);
  ``ν_b = N_b / (t_stop - t_start)``. ``⟨N_coinc⟩`` is the chance count expected if ``b``
  were Poisson at its rate (to first order in ``2ν_bδ``; the exact Poisson probability is
  ``1 - e^{-2ν_bδ}``, so independent trains give Γ slightly below 0 when ``2ν_bδ`` is not
  small, e.g. -0.024 at ``2ν_bδ = 0.2``); ``𝒩`` rescales so Γ = 1 for identical trains.
* van Rossum distance (van Rossum 2001), with ``f(t) = Σ_k e^{-(t-t_k)/τ} H(t-t_k)``:

  .. math::
      D^2 = \frac1\tau\int_0^\infty (f_a - f_b)^2\,dt
          = \tfrac12\Big[\sum_{ij} e^{-|a_i-a_j|/\tau} + \sum_{ij} e^{-|b_i-b_j|/\tau}
          - 2\sum_{ij} e^{-|a_i-b_j|/\tau}\Big]

  Normalisation: one unmatched spike contributes ½ to ``D²``; two single spikes ``Δ``
  apart give ``D = sqrt(1 - e^{-Δ/τ})``. Evaluated exactly (pairwise sums, chunked).
* Victor–Purpura distance (Victor & Purpura 1996): minimal cost to turn ``a`` into ``b``
  with insert/delete cost 1 and shift cost ``q|Δt|``; two single spikes ``Δ`` apart give
  ``min(2, qΔ)``. Dynamic programming, vectorised along rows.
* First-spike latency shift ``t_b,first - t_a,first`` (first spikes at or after ``t0``).
* Kolmogorov–Smirnov distance between two weight distributions (``scipy.stats.ks_2samp``).

Population versions apply a measure per neuron pair and aggregate (mean over neurons
where it is defined; count errors summed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog

from ._common import as_train, as_trains, window_of

__all__ = ["count_error", "rate_error", "coincidences", "coincidence_factor", "van_rossum_distance",
           "victor_purpura_distance", "latency_shift", "weight_ks", "PopulationAgreement", "population_agreement"]


def _pair(a, b, context):
    return as_train(a, "a", context), as_train(b, "b", context)


def count_error(a, b) -> int:
    """``N_b - N_a``: spikes the compared train has in excess (negative: missing)."""
    a, b = _pair(a, b, "count_error")
    return int(b.size - a.size)


def rate_error(a, b, t_start: float = 0.0, t_stop: float | None = None) -> float:
    """``(N_b - N_a) / (t_stop - t_start)`` in Hz over spikes in ``[t_start, t_stop)``.

    ``t_stop`` defaults to the later last spike; with no spikes at all and no ``t_stop``:
    :class:`ParameterError` (no window to measure a rate in).
    """
    a, b = _pair(a, b, "rate_error")
    t0, t1 = window_of(None, t_start, t_stop, [a, b], "rate_error")
    na = np.count_nonzero((a >= t0) & (a < t1))
    nb = np.count_nonzero((b >= t0) & (b < t1))
    return float((nb - na) / (t1 - t0))


def coincidences(a, b, delta: float) -> int:
    """Number of one-to-one pairs ``(a_i, b_j)`` with ``|a_i - b_j| <= delta`` (maximum matching)."""
    a, b = _pair(a, b, "coincidences")
    if not (delta >= 0 and np.isfinite(delta)):
        raise ParameterError("delta", delta, ">= 0 and finite (s)", "coincidences")
    i = j = n = 0
    na, nb = a.size, b.size
    # two pointers over sorted trains: O(N_a + N_b)
    while i < na and j < nb:
        d = b[j] - a[i]
        if d < -delta:
            j += 1
        elif d > delta:
            i += 1
        else:
            n += 1
            i += 1
            j += 1
    return n


def coincidence_factor(a, b, delta: float, t_start: float = 0.0, t_stop: float | None = None) -> float:
    """Kistler's coincidence factor Γ of ``b`` against ``a`` with precision ``delta`` (s).

    Spikes outside ``[t_start, t_stop)`` are ignored; ``t_stop`` defaults to the later last
    spike (give it explicitly: it sets ``ν_b``). Returns NaN when both trains are empty
    (nothing to compare). Raises :class:`ParameterError` when ``2 ν_b δ >= 1`` (the window
    is so wide that chance alone explains every coincidence; normalisation undefined).
    """
    a, b = _pair(a, b, "coincidence_factor")
    if t_stop is None and a.size == 0 and b.size == 0:
        return float("nan")
    t0, t1 = window_of(None, t_start, t_stop, [a, b], "coincidence_factor")
    a = a[(a >= t0) & (a < t1)]
    b = b[(b >= t0) & (b < t1)]
    if a.size == 0 and b.size == 0:
        return float("nan")
    nu = b.size / (t1 - t0)
    norm = 1.0 - 2.0 * nu * delta
    if not norm > 0:
        raise ParameterError("delta", delta, f"< 1/(2 nu_b) = {1 / (2 * nu):g} s", "coincidence_factor")
    n_c = coincidences(a, b, delta)
    expected = 2.0 * nu * delta * a.size
    return float((n_c - expected) / (0.5 * (a.size + b.size)) / norm)


def _exp_pair_sum(x: np.ndarray, y: np.ndarray, tau: float, chunk: int = 2048) -> float:
    s = 0.0
    for k in range(0, x.size, chunk):
        s += float(np.exp(-np.abs(x[k:k + chunk, None] - y[None, :]) / tau).sum())
    return s


def van_rossum_distance(a, b, tau: float) -> float:
    """van Rossum distance with the normalisation stated in the module docstring.

    Two empty trains are at distance 0.
    """
    a, b = _pair(a, b, "van_rossum_distance")
    if not (tau > 0 and np.isfinite(tau)):
        raise ParameterError("tau", tau, "> 0 and finite (s)", "van_rossum_distance")
    d2 = 0.5 * (_exp_pair_sum(a, a, tau) + _exp_pair_sum(b, b, tau) - 2.0 * _exp_pair_sum(a, b, tau))
    return float(np.sqrt(max(d2, 0.0)))


def victor_purpura_distance(a, b, q: float) -> float:
    """Victor–Purpura spike-time distance with shift cost ``q`` (1/s); ``q = 0`` gives ``|N_a - N_b|``."""
    a, b = _pair(a, b, "victor_purpura_distance")
    if not (q >= 0 and np.isfinite(q)):
        raise ParameterError("q", q, ">= 0 and finite (1/s)", "victor_purpura_distance")
    if a.size == 0 or b.size == 0:
        return float(a.size + b.size)
    j = np.arange(b.size + 1, dtype=float)
    G = j.copy()
    for i in range(1, a.size + 1):
        H = np.empty(b.size + 1)
        H[0] = i
        H[1:] = np.minimum(G[1:] + 1.0, G[:-1] + q * np.abs(a[i - 1] - b))
        G = j + np.minimum.accumulate(H - j)
    return float(G[-1])


def latency_shift(a, b, t0: float = 0.0) -> float:
    """``first(b) - first(a)`` of the first spikes at or after ``t0`` (s); NaN if either has none."""
    a, b = _pair(a, b, "latency_shift")
    a, b = a[a >= t0], b[b >= t0]
    if a.size == 0 or b.size == 0:
        return float("nan")
    return float(b[0] - a[0])


def weight_ks(weights_a, weights_b) -> tuple[float, float]:
    """KS distance ``sup |F_a - F_b|`` between two weight samples and its p-value (``ks_2samp``).

    Either sample empty or non-finite: :class:`ParameterError`. Identical samples give 0.
    """
    wa = np.asarray(weights_a, dtype=float).ravel()
    wb = np.asarray(weights_b, dtype=float).ravel()
    for name, w in (("weights_a", wa), ("weights_b", wb)):
        if w.size == 0:
            raise ParameterError(name, "empty", "at least one weight", "weight_ks")
        if not np.all(np.isfinite(w)):
            raise ParameterError(name, w[~np.isfinite(w)][0], "finite weights", "weight_ks")
    res = stats.ks_2samp(wa, wb)
    return float(res.statistic), float(res.pvalue)


@dataclass(frozen=True)
class PopulationAgreement:
    """Per-neuron agreement arrays (index = neuron) and their aggregates."""

    count_error: np.ndarray
    rate_error: np.ndarray
    gamma: np.ndarray
    van_rossum: np.ndarray
    victor_purpura: np.ndarray
    latency_shift: np.ndarray

    @staticmethod
    def _mean(x):
        x = x[np.isfinite(x)]
        return float(x.mean()) if x.size else float("nan")

    def summary(self) -> dict[str, float]:
        """Aggregates: total count error, mean |rate error|, mean Γ, mean distances, mean |latency shift|."""
        return {"count_error_total": int(self.count_error.sum()),
                "abs_count_error_total": int(np.abs(self.count_error).sum()),
                "rate_error_mean_abs": self._mean(np.abs(self.rate_error)),
                "gamma_mean": self._mean(self.gamma), "van_rossum_mean": self._mean(self.van_rossum),
                "victor_purpura_mean": self._mean(self.victor_purpura),
                "latency_shift_mean_abs": self._mean(np.abs(self.latency_shift)),
                "n_neurons": int(self.count_error.size)}


def population_agreement(a, b, delta: float, tau: float, q: float, t_start: float = 0.0,
                         t_stop: float | None = None, population: str | None = None) -> PopulationAgreement:
    """All pairwise measures for neuron ``k`` of ``a`` against neuron ``k`` of ``b``.

    ``a``/``b``: SpikeLogs (optionally one ``population``) or lists of spike-time arrays
    of equal length. ``t_stop`` defaults to the SpikeLog's run length, else the last spike.
    """
    A = as_trains(a, population, "a", "population_agreement")
    B = as_trains(b, population, "b", "population_agreement")
    if len(A) != len(B):
        raise ParameterError("b", f"{len(B)} neurons", f"{len(A)} (as a)", "population_agreement")
    src = a if isinstance(a, SpikeLog) else b
    t0, t1 = window_of(src, t_start, t_stop, A + B, "population_agreement")
    A = [x[(x >= t0) & (x < t1)] for x in A]
    B = [x[(x >= t0) & (x < t1)] for x in B]
    ce = np.array([y.size - x.size for x, y in zip(A, B)], dtype=np.int64)
    return PopulationAgreement(
        count_error=ce,
        rate_error=ce / (t1 - t0),
        gamma=np.array([coincidence_factor(x, y, delta, t0, t1) for x, y in zip(A, B)]),
        van_rossum=np.array([van_rossum_distance(x, y, tau) for x, y in zip(A, B)]),
        victor_purpura=np.array([victor_purpura_distance(x, y, q) for x, y in zip(A, B)]),
        latency_shift=np.array([latency_shift(x, y, t0) for x, y in zip(A, B)]),
    )

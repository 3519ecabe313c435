r"""A5 — Bayesian population decoding with Poisson tuning curves.

Survey: ``P(s | r) = P(r | s) P(s) / P(r)``. With independent Poisson neurons of tuning
curves ``f_i(s)`` (Hz) observed for ``T`` seconds, the counts ``n_i`` have likelihood

.. math::
    \log P(\mathbf n | s) = \sum_i \left[n_i \log(f_i(s) T) - f_i(s) T - \log n_i!\right]

The posterior is evaluated on a stimulus grid and normalised there (it sums to 1 over
the grid). The Fisher information of the population is

.. math::
    J(s) = T \sum_i \frac{f_i'(s)^2}{f_i(s)}

and, for many neurons, the MAP estimate is unbiased with variance ``1/J(s)``
(Cramér–Rao bound attained asymptotically).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, logsumexp

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog

__all__ = ["gaussian_tuning", "poisson_counts", "counts_from_log", "log_likelihood", "posterior", "decode",
           "fisher_information"]


def gaussian_tuning(stimuli, centres, r_max: float = 50.0, width: float = 1.0, baseline: float = 0.0
                    ) -> tuple[np.ndarray, np.ndarray]:
    r"""Gaussian tuning curves ``f_i(s) = b + r_max exp(-(s - c_i)² / (2 w²))`` and ``f_i'(s)``.

    Returns ``(f, df)`` of shape ``(n_stimuli, n_neurons)`` in Hz and Hz per stimulus unit.
    """
    s = np.asarray(stimuli, dtype=float).ravel()[:, None]
    c = np.asarray(centres, dtype=float).ravel()[None, :]
    if not (width > 0 and r_max >= 0 and baseline >= 0):
        raise ParameterError("width/r_max/baseline", (width, r_max, baseline), "width > 0, r_max >= 0, baseline >= 0",
                             "gaussian_tuning")
    g = r_max * np.exp(-((s - c) ** 2) / (2.0 * width**2))
    return baseline + g, -g * (s - c) / width**2


def poisson_counts(rates, window: float, n_trials: int, seed: int) -> np.ndarray:
    """Seeded independent Poisson counts with means ``rates * window``: shape ``(n_trials, n_neurons)``."""
    lam = np.asarray(rates, dtype=float).ravel() * float(window)
    if np.any(lam < 0) or not np.all(np.isfinite(lam)):
        raise ParameterError("rates", lam.min(), ">= 0 and finite", "poisson_counts")
    return np.random.default_rng(seed).poisson(lam[None, :], size=(int(n_trials), lam.size))


def counts_from_log(log: SpikeLog, t_start: float = 0.0, t_stop: float | None = None,
                    population: str | None = None) -> np.ndarray:
    """Spike count per neuron in ``[t_start, t_stop)`` from a SpikeLog (chip or reference)."""
    t_stop = log.duration if t_stop is None else float(t_stop)
    trains = log.trains(population)
    return np.array([np.count_nonzero((t >= t_start) & (t < t_stop)) for t in trains], dtype=np.int64)


def _check(counts, tuning, window, context):
    n = np.asarray(counts)
    if n.ndim == 1:
        n = n[None, :]
    f = np.asarray(tuning, dtype=float)
    if f.ndim != 2:
        raise ParameterError("tuning", f"shape {f.shape}", "(n_stimuli, n_neurons) rates in Hz", context)
    if n.ndim != 2 or n.shape[1] != f.shape[1]:
        raise ParameterError("counts", f"shape {n.shape}", f"(n_trials, {f.shape[1]}) (one count per neuron)", context)
    if n.size and (np.any(n < 0) or np.any(n != np.round(n))):
        raise ParameterError("counts", n[(n < 0) | (n != np.round(n))][0], "non-negative integers", context)
    if np.any(f < 0) or not np.all(np.isfinite(f)):
        raise ParameterError("tuning", f[~(f >= 0)][0] if np.any(~(f >= 0)) else "inf", ">= 0 and finite (Hz)",
                             context)
    if not (window > 0 and np.isfinite(window)):
        raise ParameterError("window", window, "> 0 and finite (s)", context)
    return n.astype(float), f


def log_likelihood(counts, tuning, window: float) -> np.ndarray:
    """``log P(n | s_j)`` for each trial and grid stimulus: shape ``(n_trials, n_stimuli)``.

    ``counts`` is ``(n_trials, n_neurons)`` (or one trial as 1-D), ``tuning`` is
    ``(n_stimuli, n_neurons)`` in Hz. A zero rate with a non-zero count gives ``-inf``.
    """
    n, f = _check(counts, tuning, window, "log_likelihood")
    lam = f * window
    with np.errstate(divide="ignore"):
        loglam = np.log(lam)
    # n_i log lam_i with the convention 0 * log 0 = 0 (a silent neuron at zero rate is certain)
    finite = np.where(np.isfinite(loglam), loglam, 0.0)
    ll = n @ finite.T - lam.sum(axis=1)[None, :] - gammaln(n + 1).sum(axis=1)[:, None]
    bad = ~np.isfinite(loglam)  # (n_stimuli, n_neurons) zero rates
    if bad.any():
        impossible = (n > 0).astype(float) @ bad.T.astype(float) > 0
        ll = np.where(impossible, -np.inf, ll)
    return ll


def posterior(counts, stimuli, tuning, window: float, prior=None) -> np.ndarray:
    """``P(s_j | n)`` on the stimulus grid (rows sum to 1): shape ``(n_trials, n_stimuli)``.

    ``prior`` (defaults to uniform) is ``P(s_j)`` on the grid, normalised here. A trial
    that no grid stimulus can explain (all likelihoods zero) gets a row of NaN.
    """
    s = np.asarray(stimuli, dtype=float).ravel()
    f = np.asarray(tuning, dtype=float)
    if f.ndim != 2 or f.shape[0] != s.size:
        raise ParameterError("tuning", f"shape {f.shape}", f"({s.size}, n_neurons) (one row per stimulus)", "posterior")
    ll = log_likelihood(counts, f, window)
    if prior is not None:
        p = np.asarray(prior, dtype=float).ravel()
        if p.shape != s.shape or np.any(p < 0) or not p.sum() > 0:
            raise ParameterError("prior", f"shape {p.shape}", f"{s.size} non-negative values, not all zero", "posterior")
        with np.errstate(divide="ignore"):
            ll = ll + np.log(p / p.sum())[None, :]
    norm = logsumexp(ll, axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        post = np.exp(ll - norm)
    post[~np.isfinite(norm[:, 0])] = np.nan
    return post


def decode(counts, stimuli, tuning, window: float, prior=None, estimator: str = "map") -> np.ndarray:
    """Stimulus estimate per trial: ``'map'`` (grid argmax) or ``'mean'`` (posterior mean). NaN if undefined."""
    s = np.asarray(stimuli, dtype=float).ravel()
    post = posterior(counts, s, tuning, window, prior)
    ok = np.all(np.isfinite(post), axis=1)
    out = np.full(post.shape[0], np.nan)
    if estimator == "map":
        out[ok] = s[np.argmax(post[ok], axis=1)]
    elif estimator == "mean":
        out[ok] = post[ok] @ s
    else:
        raise ParameterError("estimator", estimator, "'map' or 'mean'", "decode")
    return out


def fisher_information(tuning, tuning_derivative, window: float) -> np.ndarray:
    """Poisson population Fisher information ``J(s) = T Σ_i f_i'(s)² / f_i(s)`` per stimulus.

    Neurons with ``f_i(s) = 0`` contribute 0 where ``f_i'(s) = 0`` too and make ``J``
    infinite otherwise (a silent neuron whose rate would change is perfectly informative).
    """
    f = np.asarray(tuning, dtype=float)
    df = np.asarray(tuning_derivative, dtype=float)
    if f.shape != df.shape:
        raise ParameterError("tuning_derivative", f"shape {df.shape}", f"shape {f.shape} (as tuning)",
                             "fisher_information")
    if not (window > 0 and np.isfinite(window)):
        raise ParameterError("window", window, "> 0 and finite (s)", "fisher_information")
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(df == 0, 0.0, df**2 / f)
    return window * np.atleast_2d(term).sum(axis=-1)

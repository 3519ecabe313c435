r"""A10–A11 — mutual information, channel capacity, coding efficiency and transfer entropy.

Survey definitions:

.. math::
    I(S;R) = \sum_{s,r} p(s,r) \log_2 \frac{p(s,r)}{p(s)p(r)}, \qquad
    \eta = \frac{I(S;R)}{C}, \qquad
    T_{Y\to X} = \sum_{\tau>0} I(X_t; Y_{t-\tau} \mid X_{t-1})

Estimators:

* Plug-in entropies from sample frequencies are biased low by about
  ``(m - 1) / (2 N ln 2)`` bits (``m`` occupied bins, ``N`` samples). ``bias='miller-madow'``
  adds that term to every entropy of the MI/CMI expansion; ``bias='panzeri-treves'``
  corrects ``I = H(R) - H(R|S)`` with the per-stimulus occupied-bin counts (Panzeri & Treves
  1996, naive bin counting); ``bias='none'`` is the raw plug-in value.
* ``C`` is the channel capacity ``max_{p(s)} I(S;R)`` of a discrete channel
  ``P(r|s)`` by the Blahut–Arimoto algorithm.
* Transfer entropy: discrete plug-in (optionally Miller–Madow corrected) or, for
  continuous data, the linear-Gaussian estimator ``½ ln(σ²(X_t|X⁻) / σ²(X_t|X⁻, Y_{t-τ}))``
  which equals half the Granger log-variance ratio (Barnett, Barrett & Seth 2009).

All values in bits unless ``base=np.e``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from neuromorph.errors import ParameterError

from .firing import binned_counts

__all__ = ["entropy", "binary_entropy", "mutual_information", "mutual_information_joint", "channel_capacity",
           "coding_efficiency", "conditional_mutual_information", "transfer_entropy", "transfer_entropy_spikes"]


def _log(x, base):
    return np.log(x) / np.log(base)


def entropy(p, base: float = 2.0) -> float:
    """Entropy ``-Σ p log p`` of a probability (or count) vector; normalised here. NaN for an all-zero vector."""
    p = np.asarray(p, dtype=float).ravel()
    if np.any(p < 0) or not np.all(np.isfinite(p)):
        raise ParameterError("p", p[~(p >= 0)][0] if np.any(~(p >= 0)) else "inf", "non-negative finite values",
                             "entropy")
    tot = p.sum()
    if tot == 0:
        return float("nan")
    p = p[p > 0] / tot
    return float(-(p * _log(p, base)).sum())


def binary_entropy(p: float, base: float = 2.0) -> float:
    """``H₂(p) = -p log p - (1-p) log(1-p)`` (0 at p = 0 or 1)."""
    if not 0 <= p <= 1:
        raise ParameterError("p", p, "[0, 1]", "binary_entropy")
    return entropy([p, 1 - p], base)


def _codes(*cols: np.ndarray) -> np.ndarray:
    """Integer code of each row of the stacked discrete columns."""
    if len(cols) == 1:
        return np.unique(cols[0], return_inverse=True)[1].ravel()
    stacked = np.column_stack([np.unique(c, return_inverse=True)[1].ravel() for c in cols])
    return np.unique(stacked, axis=0, return_inverse=True)[1].ravel()


def _H(codes: np.ndarray, base: float, mm: bool) -> float:
    n = codes.size
    c = np.bincount(codes)
    c = c[c > 0]
    p = c / n
    h = float(-(p * _log(p, base)).sum())
    if mm:
        h += (c.size - 1) / (2.0 * n * np.log(base))
    return h


def _samples(s, r, context):
    s = np.asarray(s).ravel()
    r = np.asarray(r).ravel()
    if s.shape != r.shape:
        raise ParameterError("r", f"{r.size} samples", f"{s.size} (one per stimulus sample)", context)
    if s.size == 0:
        raise ParameterError("s", "no samples", ">= 1 paired sample", context)
    return s, r


def mutual_information(s, r, bias: str = "miller-madow", base: float = 2.0) -> float:
    """``I(S;R)`` from paired discrete samples (any hashable values; bin continuous data first).

    ``bias`` is ``'miller-madow'`` (default), ``'panzeri-treves'`` or ``'none'``. If either
    variable is constant the result is exactly 0 (zero variance carries no information).
    Bias-corrected estimates can be slightly negative for independent variables.
    """
    s, r = _samples(s, r, "mutual_information")
    cs, cr = _codes(s), _codes(r)
    if bias in ("none", "miller-madow"):
        mm = bias == "miller-madow"
        return _H(cs, base, mm) + _H(cr, base, mm) - _H(_codes(cs, cr), base, mm)
    if bias == "panzeri-treves":
        n = cs.size
        h_r = _H(cr, base, False)
        h_rs, corr = 0.0, 0.0
        for k in np.unique(cs):
            m = cs == k
            h_rs += m.sum() / n * _H(np.unique(cr[m], return_inverse=True)[1], base, False)
            corr += np.unique(cr[m]).size - 1
        r_all = np.unique(cr).size - 1
        return float(h_r - h_rs - (corr - r_all) / (2.0 * n * np.log(base)))
    raise ParameterError("bias", bias, "'miller-madow', 'panzeri-treves' or 'none'", "mutual_information")


def mutual_information_joint(pxy, base: float = 2.0) -> float:
    """Exact ``I(X;Y)`` of a joint distribution (or count) matrix ``pxy[x, y]``."""
    p = np.asarray(pxy, dtype=float)
    if p.ndim != 2 or np.any(p < 0) or not p.sum() > 0:
        raise ParameterError("pxy", f"shape {p.shape}", "a 2-D non-negative matrix, not all zero",
                             "mutual_information_joint")
    p = p / p.sum()
    px, py = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    m = p > 0
    return float((p[m] * _log(p[m] / (px @ py)[m], base)).sum())


def channel_capacity(channel, base: float = 2.0, tol: float = 1e-12, max_iter: int = 10000
                     ) -> tuple[float, np.ndarray]:
    """Capacity ``C = max_p I(S;R)`` of the channel ``channel[s, r] = P(r|s)`` (Blahut–Arimoto).

    Returns ``(C, p_opt)``. Rows must be probability vectors.
    """
    Q = np.asarray(channel, dtype=float)
    if Q.ndim != 2 or np.any(Q < 0) or not np.allclose(Q.sum(1), 1.0):
        raise ParameterError("channel", f"shape {Q.shape}", "rows P(r|s) that are probability vectors",
                             "channel_capacity")
    p = np.full(Q.shape[0], 1.0 / Q.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        logQ = np.where(Q > 0, np.log(Q), 0.0)
        for _ in range(max_iter):
            q = p @ Q
            logq = np.where(q > 0, np.log(np.where(q > 0, q, 1.0)), 0.0)
            D = np.where(Q > 0, Q * (logQ - logq[None, :]), 0.0).sum(1)  # KL(Q_s || q) in nats
            lo, hi = np.log((p * np.exp(D)).sum()), D.max()
            p = p * np.exp(D)
            p /= p.sum()
            if hi - lo < tol:
                break
    return float(lo / np.log(base)), p


def coding_efficiency(information: float, capacity: float) -> float:
    """Survey ``η = I / C``; NaN when ``C = 0`` (a channel that carries nothing has no efficiency)."""
    if not capacity >= 0:
        raise ParameterError("capacity", capacity, ">= 0", "coding_efficiency")
    return float("nan") if capacity == 0 else float(information / capacity)


def conditional_mutual_information(x, y, z, bias: str = "miller-madow", base: float = 2.0) -> float:
    """``I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(Z) - H(X,Y,Z)`` from paired discrete samples.

    ``z`` may be 2-D (n_samples, k) for a multi-variable condition.
    """
    x = np.asarray(x).ravel()
    y = np.asarray(y).ravel()
    z = np.asarray(z)
    z = z.reshape(z.shape[0], -1) if z.ndim > 1 else z.reshape(-1, 1)
    if not (x.size == y.size == z.shape[0]):
        raise ParameterError("y/z", (y.size, z.shape[0]), f"{x.size} samples (as x)", "conditional_mutual_information")
    if x.size == 0:
        raise ParameterError("x", "no samples", ">= 1 sample", "conditional_mutual_information")
    if bias not in ("none", "miller-madow"):
        raise ParameterError("bias", bias, "'miller-madow' or 'none'", "conditional_mutual_information")
    mm = bias == "miller-madow"
    cx, cy = _codes(x), _codes(y)
    cz = _codes(*[z[:, j] for j in range(z.shape[1])])
    return (_H(_codes(cx, cz), base, mm) + _H(_codes(cy, cz), base, mm) - _H(cz, base, mm)
            - _H(_codes(cx, cy, cz), base, mm))


def _lagged(x, y, lag, history, context):
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ParameterError("y", f"{y.size} samples", f"{x.size} (as x)", context)
    if not (int(lag) == lag and lag >= 1 and int(history) == history and history >= 1):
        raise ParameterError("lag/history", (lag, history), "integers >= 1", context)
    start = max(int(lag), int(history))
    n = x.size - start
    if n < 2:
        raise ParameterError("x", f"{x.size} samples", f"> {start + 1} samples", context)
    xt = x[start:]
    xpast = np.column_stack([x[start - h:x.size - h] for h in range(1, int(history) + 1)])
    ylag = y[start - int(lag):y.size - int(lag)]
    return xt, xpast, ylag


def _resid_var(target, regressors):
    A = np.column_stack([np.ones(target.size), regressors])
    coef, *_ = np.linalg.lstsq(A, target, rcond=None)
    res = target - A @ coef
    return float(res @ res / target.size)


def transfer_entropy(x, y, lags: int | Sequence[int] = 1, history: int = 1, method: str = "discrete",
                     bias: str = "miller-madow", base: float = 2.0) -> float:
    """Transfer entropy ``T_{Y→X} = Σ_τ I(X_t; Y_{t-τ} | X_{t-1..t-history})`` (survey form).

    ``method='discrete'``: plug-in conditional MI of discrete samples (``bias`` as
    :func:`conditional_mutual_information`). ``method='gaussian'``: linear-Gaussian
    estimator ``½ log(σ²_restricted / σ²_full)`` from least-squares residual variances
    (with intercept) — half the Granger log-variance ratio. If ``x`` given its past has
    zero residual variance (``X_t`` perfectly predictable), nothing can be transferred
    and the Gaussian estimate is 0.
    """
    lag_list = [lags] if np.ndim(lags) == 0 else list(lags)
    if not lag_list:
        raise ParameterError("lags", lags, "one or more lags >= 1", "transfer_entropy")
    total = 0.0
    for lag in lag_list:
        xt, xpast, ylag = _lagged(x, y, lag, history, "transfer_entropy")
        if method == "discrete":
            total += conditional_mutual_information(xt, ylag, xpast, bias=bias, base=base)
        elif method == "gaussian":
            v_r = _resid_var(xt, xpast)
            v_f = _resid_var(xt, np.column_stack([xpast, ylag]))
            if v_r <= 1e-300 or v_f <= 1e-300:
                continue
            total += 0.5 * np.log(v_r / v_f) / np.log(base)
        else:
            raise ParameterError("method", method, "'discrete' or 'gaussian'", "transfer_entropy")
    return float(total)


def transfer_entropy_spikes(train_x, train_y, bin_size: float, t_start: float | None = None,
                            t_stop: float | None = None, lags: int | Sequence[int] = 1, history: int = 1,
                            bias: str = "miller-madow", base: float = 2.0) -> float:
    """``T_{Y→X}`` between two spike trains binarised in bins of ``bin_size`` s (spike / no spike).

    ``t_stop`` defaults to the later last spike. Two silent trains carry nothing: 0.
    """
    _, c = binned_counts([train_x, train_y], bin_size, t_start, t_stop)
    b = (c > 0).astype(np.int8)
    return transfer_entropy(b[:, 0], b[:, 1], lags=lags, history=history, method="discrete", bias=bias,
                            base=base)

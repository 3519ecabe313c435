r"""A1 — power spectral density.

Two estimators of the one-sided PSD of a sampled signal ``x`` (``N`` samples, step ``dt``,
duration ``T = N dt``):

* :func:`psd` — the course exercise's periodogram, exactly as the course writes it::

      X   = fft(x - mean(x))
      Sxx = 2 * dt**2 / T * X * conj(X)          # real, units x**2 / Hz
      Sxx = Sxx[:int(N / 2)]                     # first half
      f   = arange(int(N / 2)) / T               # Hz, df = 1 / T

  Parseval: ``sum(Sxx) * df == var(x)`` minus the power of the one positive-frequency bin
  the first half leaves out: ``|X[N/2]|**2 / N**2`` (Nyquist) for even ``N``,
  ``2 |X[(N-1)/2]|**2 / N**2`` for odd ``N``; exact for a signal with no power there.
* :func:`welch_psd` — Welch's averaged, windowed estimate (``scipy.signal.welch``,
  density scaling, constant detrend); lower variance, coarser resolution.

:func:`spike_train_psd` bins spike trains at ``dt`` (counts / dt, i.e. a rate signal in
Hz) and applies either estimator, so chip and reference spike output can be compared
spectrally.
"""

from __future__ import annotations

import numpy as np
from scipy import signal as _signal

from neuromorph.errors import ParameterError

from ._common import as_signal, as_trains, window_of

__all__ = ["psd", "welch_psd", "peak_frequency", "band_power", "spike_train_psd"]


def psd(x, dt: float | None = None, var: str = "v", column: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""The course's PSD: ``Sxx = 2 dt²/T · X X*`` (first half), ``X = fft(x - mean x)``.

    Parameters
    ----------
    x : 1-D array or Traces
        The signal (for Traces: variable ``var``, column ``column``, physical units).
    dt : float
        Sample interval in seconds (taken from Traces if omitted).

    Returns
    -------
    f : array of ``int(N/2)`` frequencies ``k / T`` in Hz.
    Sxx : array, one-sided PSD in ``unit(x)**2 / Hz``.

    Notes
    -----
    Fewer than 2 samples raise :class:`ParameterError` (no frequency resolution). A
    constant signal (zero variance) gives ``Sxx == 0`` everywhere — a defined result.
    """
    sig, dt = as_signal(x, dt, var=var, column=column, context="psd")
    n = sig.size
    if n < 2:
        raise ParameterError("x", f"{n} samples", ">= 2 samples", "psd")
    T = n * dt
    X = np.fft.fft(sig - sig.mean())
    S = (2.0 * dt**2 / T) * (X * X.conj()).real
    half = int(n / 2)
    return np.arange(half) / T, S[:half]


def welch_psd(x, dt: float | None = None, nperseg: int | None = None, var: str = "v",
              column: int = 0, window: str = "hann") -> tuple[np.ndarray, np.ndarray]:
    """Welch's one-sided PSD (``scipy.signal.welch``, density scaling, mean removed per segment).

    ``nperseg`` defaults to ``min(N, 256)``; frequencies in Hz, density in ``unit**2/Hz``.
    Its integral approximates ``var(x)``; a sinusoid's power lands in the bins around its
    frequency. Fewer than 2 samples raise :class:`ParameterError`.
    """
    sig, dt = as_signal(x, dt, var=var, column=column, context="welch_psd")
    if sig.size < 2:
        raise ParameterError("x", f"{sig.size} samples", ">= 2 samples", "welch_psd")
    if nperseg is None:
        nperseg = min(sig.size, 256)
    if not (int(nperseg) == nperseg and 2 <= nperseg <= sig.size):
        raise ParameterError("nperseg", nperseg, f"an integer in [2, {sig.size}]", "welch_psd")
    f, S = _signal.welch(sig, fs=1.0 / dt, window=window, nperseg=int(nperseg), detrend="constant",
                         scaling="density", return_onesided=True)
    return f, S


def peak_frequency(f: np.ndarray, S: np.ndarray, fmin: float = 0.0) -> float:
    """Frequency of the largest PSD value at ``f > fmin`` (NaN if no bin qualifies or all zero)."""
    f, S = np.asarray(f, float), np.asarray(S, float)
    if f.shape != S.shape:
        raise ParameterError("S", f"shape {S.shape}", f"shape {f.shape} (as f)", "peak_frequency")
    m = f > fmin
    if not m.any() or not np.any(S[m] > 0):
        return float("nan")
    return float(f[m][np.argmax(S[m])])


def band_power(f: np.ndarray, S: np.ndarray, fmin: float = 0.0, fmax: float = np.inf) -> float:
    """``Σ S df`` over ``fmin <= f < fmax`` (rectangle rule on the uniform grid ``f``)."""
    f, S = np.asarray(f, float), np.asarray(S, float)
    if f.size < 2:
        raise ParameterError("f", f"{f.size} bins", ">= 2 frequency bins", "band_power")
    df = f[1] - f[0]
    m = (f >= fmin) & (f < fmax)
    return float(S[m].sum() * df)


def spike_train_psd(trains, dt: float, t_start: float | None = None, t_stop: float | None = None,
                    method: str = "course", nperseg: int | None = None,
                    population: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """PSD of the population rate signal: spikes binned at ``dt`` as counts/dt (Hz), summed over neurons.

    ``method`` is ``'course'`` (:func:`psd`) or ``'welch'`` (:func:`welch_psd`). Units Hz²/Hz.
    """
    tr = as_trains(trains, population, context="spike_train_psd")
    t_start, t_stop = window_of(trains, t_start, t_stop, tr, "spike_train_psd")
    if not (dt > 0 and np.isfinite(dt)):
        raise ParameterError("dt", dt, "> 0 and finite (s)", "spike_train_psd")
    nb = int(np.floor((t_stop - t_start) / dt + 1e-9))
    if nb < 2:
        raise ParameterError("dt", dt, f"<= (t_stop - t_start)/2 = {(t_stop - t_start) / 2:g} s", "spike_train_psd")
    allt = np.concatenate(tr) if tr else np.zeros(0)
    k = np.floor((allt - t_start) / dt + 1e-9).astype(np.int64)
    k = k[(k >= 0) & (k < nb)]
    rate = np.bincount(k, minlength=nb).astype(float) / dt
    if method == "course":
        return psd(rate, dt)
    if method == "welch":
        return welch_psd(rate, dt, nperseg=nperseg)
    raise ParameterError("method", method, "'course' or 'welch'", "spike_train_psd")

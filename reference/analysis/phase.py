r"""A6 — temporal (phase) coding.

Survey definition: for reference events ``t_k`` (the cycles of an oscillation, or a
neuron's own spikes) the phase at time ``t`` is

.. math::
    \phi(t) = 2\pi \frac{t - t_k}{t_{k+1} - t_k}, \qquad t_k \le t < t_{k+1}.

:func:`spike_phase` applies it to spike times; :func:`signal_phase` gives the
instantaneous phase of an oscillating signal (analytic signal by the Hilbert transform,
0 at the signal's peaks); :func:`vector_strength` measures phase locking,
``|mean(exp(iφ))|`` (1: all spikes at one phase, ~0: uniform phases).
"""

from __future__ import annotations

import numpy as np
from scipy import signal as _signal

from neuromorph.errors import ParameterError

from ._common import as_signal, as_train

__all__ = ["spike_phase", "signal_phase", "spike_phase_from_signal", "vector_strength", "preferred_phase",
           "phase_locking"]

TWO_PI = 2.0 * np.pi


def spike_phase(times, reference_times) -> np.ndarray:
    """Survey phase ``2π (t - t_k)/(t_{k+1} - t_k)`` in ``[0, 2π)`` of each time in ``times``.

    ``reference_times`` must be strictly increasing (a zero-length cycle has no phase;
    :class:`ParameterError`). Times before the first or at/after the last reference
    event lie in no complete cycle and get NaN.
    """
    t = as_train(times, "times", "spike_phase")
    ref = as_train(reference_times, "reference_times", "spike_phase")
    if ref.size < 2:
        raise ParameterError("reference_times", f"{ref.size} events", ">= 2 events (one full cycle)", "spike_phase")
    if np.any(np.diff(ref) <= 0):
        raise ParameterError("reference_times", "repeated times", "strictly increasing times", "spike_phase")
    k = np.searchsorted(ref, t, side="right") - 1
    ok = (k >= 0) & (k < ref.size - 1)
    out = np.full(t.size, np.nan)
    kk = k[ok]
    out[ok] = TWO_PI * (t[ok] - ref[kk]) / (ref[kk + 1] - ref[kk])
    return out


def signal_phase(x, dt: float | None = None, band: tuple[float, float] | None = None, var: str = "v",
                 column: int = 0) -> np.ndarray:
    """Instantaneous phase in ``[0, 2π)`` of an oscillating signal (Hilbert transform).

    ``φ = angle(hilbert(x - mean x))`` mod 2π, so a cosine has phase 0 at its peaks.
    ``band=(f_lo, f_hi)`` Hz first applies a zero-phase 4th-order Butterworth band-pass.
    A constant signal has no phase: :class:`ParameterError`.
    """
    sig, dt = as_signal(x, dt, var=var, column=column, context="signal_phase")
    if sig.size < 4:
        raise ParameterError("x", f"{sig.size} samples", ">= 4 samples", "signal_phase")
    y = sig - sig.mean()
    if not np.any(y != 0):
        raise ParameterError("x", "a constant signal", "a signal with non-zero variance", "signal_phase")
    if band is not None:
        lo, hi = band
        nyq = 0.5 / dt
        if not (0 < lo < hi < nyq):
            raise ParameterError("band", band, f"0 < f_lo < f_hi < Nyquist = {nyq:g} Hz", "signal_phase")
        sos = _signal.butter(4, [lo, hi], btype="bandpass", fs=1.0 / dt, output="sos")
        y = _signal.sosfiltfilt(sos, y)
    return np.mod(np.angle(_signal.hilbert(y)), TWO_PI)


def spike_phase_from_signal(times, x, dt: float | None = None, t0: float = 0.0,
                            band: tuple[float, float] | None = None, var: str = "v", column: int = 0) -> np.ndarray:
    """Phase of a signal (sample ``j`` at ``t0 + j dt``) at each spike time, in ``[0, 2π)``.

    The unwrapped Hilbert phase is linearly interpolated; spikes outside the sampled span get NaN.
    """
    t = as_train(times, "times", "spike_phase_from_signal")
    sig, dt = as_signal(x, dt, var=var, column=column, context="spike_phase_from_signal")
    ph = np.unwrap(signal_phase(sig, dt, band))
    grid = t0 + dt * np.arange(sig.size)
    out = np.interp(t, grid, ph, left=np.nan, right=np.nan)
    return np.mod(out, TWO_PI)


def vector_strength(phases) -> float:
    """``|mean(exp(iφ))|`` over finite phases; NaN if there are none (no spikes: nothing locked)."""
    p = np.asarray(phases, dtype=float).ravel()
    p = p[np.isfinite(p)]
    if p.size == 0:
        return float("nan")
    return float(np.abs(np.mean(np.exp(1j * p))))


def preferred_phase(phases) -> float:
    """Circular mean ``angle(mean(exp(iφ)))`` in ``[0, 2π)``; NaN if no finite phases."""
    p = np.asarray(phases, dtype=float).ravel()
    p = p[np.isfinite(p)]
    if p.size == 0:
        return float("nan")
    return float(np.mod(np.angle(np.mean(np.exp(1j * p))), TWO_PI))


def phase_locking(times, frequency: float, t0: float = 0.0) -> tuple[float, float]:
    """Vector strength and preferred phase of spikes relative to a ``frequency`` Hz oscillation
    with phase 0 at ``t0`` (phase ``2π f (t - t0)`` mod 2π). NaNs if there are no spikes."""
    if not (frequency > 0 and np.isfinite(frequency)):
        raise ParameterError("frequency", frequency, "> 0 and finite (Hz)", "phase_locking")
    t = as_train(times, "times", "phase_locking")
    ph = np.mod(TWO_PI * frequency * (t - t0), TWO_PI)
    return vector_strength(ph), preferred_phase(ph)

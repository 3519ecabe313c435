r"""The 20 neurocomputational behaviours of Izhikevich (2004) and the cortical classes.

Parameters, input protocols ``I(t)``, initial states, step sizes and durations are
those of Izhikevich's published figure script (Izhikevich E.M. (2004) "Which model to
use for cortical spiking neurons?", figure 1; and "Simple model of spiking neurons"
(2003), figure 2; a public copy is OpenSourceBrain/IzhikevichModel, ``MATLAB/izhi2003.m``).
The code here is our own; only the published numbers carry over.

Conventions (so the integer chip can consume the same presets):

* Time in ms. Step times are ``t_k = k dt`` for ``k = 0 .. n`` with
  ``n = round(duration/dt)`` (the script's ``tspan = 0:tau:T``), rounded to 1e-9 ms so
  the protocol's strict inequalities (``t > T1``) behave as in decimal arithmetic.
* Step ``k`` reads ``I(t_k)``, updates v then u (with the new v), then tests
  ``v > 30``. The recorded trace is the state after each step (v shows 30 at spikes);
  the initial state itself is not recorded (as in the script).
* Panels G (class 1) and L (integrator) use ``4.1 v + 108``; panel R (accommodation)
  uses ``u' = a b (v + 65)`` and starts from ``u = -16``.

Usage::

    >>> p = PRESETS["tonic_spiking"]
    >>> r = simulate_preset("tonic_spiking")
    >>> r.spike_times.size > 0
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from neuromorph.errors import ParameterError

from .izhikevich import IzhikevichParams, simulate_izhikevich

__all__ = ["IzhikevichPreset", "PresetResult", "PRESETS", "BEHAVIOURS", "CORTICAL_CLASSES",
           "simulate_preset", "preset_names"]


@dataclass(frozen=True)
class IzhikevichPreset:
    """One published figure panel.

    Attributes
    ----------
    name : str         identifier (``"tonic_spiking"``, ``"RS"``, ...)
    label : str        the figure's panel title, e.g. ``"(A) tonic spiking"``
    params : IzhikevichParams
    protocol : callable ``I(t)`` vectorised over an array of times (ms)
    dt : float         step (ms) of the script for this panel
    duration : float   ms (the last step time)
    v0, u0 : float     initial state (u0 = b v0 unless the script says otherwise)
    """

    name: str
    label: str
    params: IzhikevichParams
    protocol: Callable
    dt: float
    duration: float
    v0: float
    u0: float

    @property
    def n_steps(self) -> int:
        """Number of recorded steps (``len(0:dt:duration)``)."""
        return int(round(self.duration / self.dt)) + 1

    def times(self) -> np.ndarray:
        """Step times ``t_k`` (ms), rounded to 1e-9 ms."""
        return np.round(np.arange(self.n_steps) * self.dt, 9)

    def current(self) -> np.ndarray:
        """The protocol sampled at :meth:`times` (the input of every step)."""
        return np.asarray(self.protocol(self.times()), dtype=float) * np.ones(self.n_steps)


@dataclass(frozen=True)
class PresetResult:
    """``t`` (ms), ``v``/``u`` traces after each step, ``I``, ``spike_times`` (ms)."""

    preset: IzhikevichPreset
    t: np.ndarray
    v: np.ndarray
    u: np.ndarray
    I: np.ndarray
    spike_times: np.ndarray


# ------------------------------------------------------------------ protocols (t in ms)
def _step_after(T1: float, level: float, before: float = 0.0):
    def I(t):
        t = np.asarray(t, dtype=float)
        return np.where(t > T1, level, before)
    I.__doc__ = f"I = {level} for t > {T1}, else {before}"
    return I


def _pulses(intervals, level: float, base: float = 0.0):
    """``level`` on the open intervals (t0, t1), ``base`` elsewhere."""
    def I(t):
        t = np.asarray(t, dtype=float)
        on = np.zeros(t.shape, dtype=bool)
        for a, b in intervals:
            on |= (t > a) & (t < b)
        return np.where(on, level, base)
    I.__doc__ = f"I = {level} on {list(intervals)} (open), else {base}"
    return I


def _ramp(T1: float, slope: float, offset: float = 0.0):
    def I(t):
        t = np.asarray(t, dtype=float)
        return np.where(t > T1, offset + slope * (t - T1), offset)
    I.__doc__ = f"I = {offset} + {slope} (t - {T1}) for t > {T1}, else {offset}"
    return I


def _thresh_variability(t):
    """I = 1 on (10,15) and (80,85), -6 on (70,75), else 0."""
    t = np.asarray(t, dtype=float)
    return np.where(((t > 10) & (t < 15)) | ((t > 80) & (t < 85)), 1.0,
                    np.where((t > 70) & (t < 75), -6.0, 0.0))


def _dap(t):
    """I = 20 where |t - 10| < 1, else 0."""
    t = np.asarray(t, dtype=float)
    return np.where(np.abs(t - 10.0) < 1.0, 20.0, 0.0)


def _accommodation(t):
    """I = t/25 for t < 200; 0 for t < 300; 4 (t-300)/12.5 for t < 312.5; then 0."""
    t = np.asarray(t, dtype=float)
    return np.where(t < 200, t / 25.0, np.where(t < 300, 0.0, np.where(t < 312.5, (t - 300) / 12.5 * 4, 0.0)))


def _inhibition_induced(t):
    """I = 80 for t < 50 or t > 250, else 75."""
    t = np.asarray(t, dtype=float)
    return np.where((t < 50) | (t > 250), 80.0, 75.0)


def _resonator_rz(t):
    """I = 10 on (T2, T2+5) with T2 = 60; -0.5 for t > 10; else -2."""
    t = np.asarray(t, dtype=float)
    return np.where((t > 60) & (t < 65), 10.0, np.where(t > 10, -0.5, -2.0))


def _P(name, label, a, b, c, d, I, dt, T, v0, u0=None, **kw):
    params = IzhikevichParams(a=a, b=b, c=c, d=d, **kw)
    return IzhikevichPreset(name, label, params, I, dt, T, float(v0), float(b * v0 if u0 is None else u0))


_T11 = 100.0 / 11.0  # integrator: T1 = tspan(end)/11
_CLASS1 = dict(k1=4.1, k0=108.0)

BEHAVIOURS: dict[str, IzhikevichPreset] = {p.name: p for p in [
    _P("tonic_spiking", "(A) tonic spiking", 0.02, 0.2, -65, 6, _step_after(10, 14), 0.25, 100, -70),
    _P("phasic_spiking", "(B) phasic spiking", 0.02, 0.25, -65, 6, _step_after(20, 0.5), 0.25, 200, -64),
    _P("tonic_bursting", "(C) tonic bursting", 0.02, 0.2, -50, 2, _step_after(22, 15), 0.25, 220, -70),
    _P("phasic_bursting", "(D) phasic bursting", 0.02, 0.25, -55, 0.05, _step_after(20, 0.6), 0.2, 200, -64),
    _P("mixed_mode", "(E) mixed mode", 0.02, 0.2, -55, 4, _step_after(16, 10), 0.25, 160, -70),
    _P("spike_frequency_adaptation", "(F) spike freq. adapt", 0.01, 0.2, -65, 8, _step_after(8.5, 30),
       0.25, 85, -70),
    _P("class1_excitable", "(G) Class 1 excitable", 0.02, -0.1, -55, 6, _ramp(30, 0.075), 0.25, 300, -60,
       **_CLASS1),
    _P("class2_excitable", "(H) Class 2 excitable", 0.2, 0.26, -65, 0, _ramp(30, 0.015, -0.5), 0.25, 300, -64),
    _P("spike_latency", "(I) spike latency", 0.02, 0.2, -65, 6, _pulses([(10, 13)], 7.04), 0.2, 100, -70),
    _P("subthreshold_oscillations", "(J) subthreshold osc.", 0.05, 0.26, -60, 0, _pulses([(20, 25)], 2.0),
       0.25, 200, -62),
    _P("resonator", "(K) resonator", 0.1, 0.26, -60, -1,
       _pulses([(40, 44), (60, 64), (280, 284), (320, 324)], 0.65), 0.25, 400, -62),
    _P("integrator", "(L) integrator", 0.02, -0.1, -55, 6,
       _pulses([(_T11, _T11 + 2), (_T11 + 5, _T11 + 7), (70, 72), (80, 82)], 9.0), 0.25, 100, -60, **_CLASS1),
    _P("rebound_spike", "(M) rebound spike", 0.03, 0.25, -60, 4, _pulses([(20, 25)], -15.0), 0.2, 200, -64),
    _P("rebound_burst", "(N) rebound burst", 0.03, 0.25, -52, 0, _pulses([(20, 25)], -15.0), 0.2, 200, -64),
    _P("threshold_variability", "(O) thresh. variability", 0.03, 0.25, -60, 4, _thresh_variability, 0.25, 100,
       -64),
    _P("bistability", "(P) bistability", 0.1, 0.26, -60, 0, _pulses([(37.5, 42.5), (216, 221)], 1.24, 0.24),
       0.25, 300, -61),
    _P("DAP", "(Q) DAP", 1.0, 0.2, -60, -21, _dap, 0.1, 50, -70),
    _P("accommodation", "(R) accomodation", 0.02, 1.0, -55, 4, _accommodation, 0.5, 400, -65, u0=-16,
       u_rule="accommodation"),
    _P("inhibition_induced_spiking", "(S) inh. induced sp.", -0.02, -1.0, -60, 8, _inhibition_induced, 0.5, 350,
       -63.8),
    _P("inhibition_induced_bursting", "(T) inh. induced brst.", -0.026, -1.0, -45, -2, _inhibition_induced, 0.5,
       350, -63.8),
]}

CORTICAL_CLASSES: dict[str, IzhikevichPreset] = {p.name: p for p in [
    _P("RS", "regular spiking (RS)", 0.02, 0.2, -65, 8, _step_after(15, 14), 0.25, 150, -63),
    _P("IB", "intrinsically bursting (IB)", 0.02, 0.2, -55, 4, _step_after(15, 11), 0.25, 150, -70),
    _P("CH", "chattering (CH)", 0.02, 0.2, -50, 2, _step_after(15, 10), 0.25, 150, -70),
    _P("FS", "fast spiking (FS)", 0.1, 0.2, -65, 2, _step_after(15, 10), 0.25, 150, -70),
    _P("TC", "thalamo-cortical (TC)", 0.02, 0.25, -65, 0.05, _step_after(30, 1.5), 0.25, 150, -63),
    _P("TC_burst", "thalamo-cortical burst (TC)", 0.02, 0.25, -65, 0.05, _step_after(45, 0.0, -25.0), 0.25,
       150, -87),
    _P("RZ", "resonator (RZ)", 0.1, 0.26, -65, 2, _resonator_rz, 0.25, 100, -70),
    _P("LTS", "low-threshold spiking (LTS)", 0.02, 0.25, -65, 2, _step_after(25, 10), 0.25, 250, -63),
]}

PRESETS: dict[str, IzhikevichPreset] = {**BEHAVIOURS, **CORTICAL_CLASSES}


def preset_names(kind: str = "all") -> list[str]:
    """Names of the ``"behaviours"`` (A–T order), ``"cortical"`` classes or ``"all"``."""
    if kind == "behaviours":
        return list(BEHAVIOURS)
    if kind == "cortical":
        return list(CORTICAL_CLASSES)
    if kind == "all":
        return list(PRESETS)
    raise ParameterError("kind", kind, "'behaviours', 'cortical' or 'all'", "preset_names")


def simulate_preset(name: str | IzhikevichPreset) -> PresetResult:
    """Run one preset exactly as the figure script: returns v/u traces and spike times (ms)."""
    p = name if isinstance(name, IzhikevichPreset) else PRESETS.get(name)
    if p is None:
        raise ParameterError("name", name, f"one of {sorted(PRESETS)}", "simulate_preset")
    t = p.times()
    I = p.current()
    r = simulate_izhikevich(p.params, I, p.dt, p.n_steps, n=1, v0=p.v0, u0=p.u0, t=t)
    return PresetResult(p, t, r.v[:, 0], r.u[:, 0], I, t[r.spikes[:, 0]])

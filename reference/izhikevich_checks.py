r"""Defining-property checks for Izhikevich's 20 behaviours and the cortical classes.

One named predicate per figure panel of Izhikevich (2004) "Which model to use for
cortical spiking neurons?" (figure 1, panels A–T) and per cortical class of Izhikevich
(2003) "Simple model of spiking neurons" (figure 2: RS, IB, CH, FS, TC, RZ, LTS). Each
check is written from the published description of the panel, not from our reference
run, and is tested on the reference first (``tests/reference/test_izhikevich_checks.py``:
every check passes on its own preset and fails on a contrasting one).

A check reads a :class:`Response` — step times ``t`` (ms), the input ``I`` of every step,
the spike times (ms) and optionally the membrane trace ``v`` (mV) — and returns a
:class:`CheckResult` (truthy when the property holds, with a one-line reason). The same
check runs on the float reference (:func:`response_from_reference`) and on the chip.
Values of ``v`` at spike steps are never used (the reference records ``v_peak`` there,
the chip the reset value ``c``).

Vocabulary (all times in ms)
----------------------------
* **Burst**: a maximal run of at least ``BURST_MIN_SPIKES = 3`` spikes whose consecutive
  ISIs are all ``<= BURST_MAX_ISI = 10`` ms and which lasts at most
  ``BURST_MAX_DURATION = 40`` ms (a longer run of short ISIs is sustained fast spiking,
  e.g. FS at ~110 Hz, not a burst). Izhikevich's bursts have intra-burst ISIs of
  1.5–10 ms and last 10–30 ms; inter-burst gaps are > 30 ms.
* **Single spike**: a spike that belongs to no burst.
* **Onset**: the first step whose input differs from the initial input.
* **Pulses**: maximal runs of steps whose input differs from the baseline (the input
  of the last step), with their sign (excitatory: above the baseline).
* **Sustained firing**: at least 3 spikes and the silence after the last spike is at
  most ``1.5 x`` the last ISI (plus one step): the train does not stop before the end.
* **Damped oscillation** of ``v``: at least 3 alternating turning points (detected with
  a hysteresis of ``OSC_HYSTERESIS = 0.02`` mV, so rounding plateaus are no turning
  points) lying alternately above and below the value ``v`` settles to (the last value
  of the window), with shrinking deviations from it, the first at least
  ``OSC_MIN_SWING / 2 = 0.05`` mV (2 turning points suffice for RZ, whose window ends
  at the pulse).

Usage::

    >>> from reference.izhikevich_presets import simulate_preset
    >>> bool(check("tonic_spiking", response_from_reference(simulate_preset("tonic_spiking"))))
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from neuromorph.errors import ParameterError

__all__ = ["Response", "CheckResult", "CHECKS", "check", "response_from_reference", "bursts", "pulses",
           "turning_points", "damped_oscillation", "BURST_MAX_ISI", "BURST_MIN_SPIKES", "BURST_MAX_DURATION",
           "OSC_HYSTERESIS", "OSC_MIN_SWING"]

BURST_MAX_ISI = 10.0
BURST_MIN_SPIKES = 3
BURST_MAX_DURATION = 40.0
OSC_HYSTERESIS = 0.02
OSC_MIN_SWING = 0.1


@dataclass(frozen=True)
class Response:
    """What a check reads: step times ``t`` (ms), input ``I`` per step, ``spike_times`` (ms),
    optional ``v`` (mV) after each step (values at spike steps are ignored)."""

    t: np.ndarray
    I: np.ndarray
    spike_times: np.ndarray
    v: np.ndarray | None = None

    @property
    def dt(self) -> float:
        return float(self.t[1] - self.t[0]) if self.t.size > 1 else 1.0

    @property
    def t_end(self) -> float:
        return float(self.t[-1])

    def spikes_in(self, t0: float, t1: float = np.inf) -> np.ndarray:
        """Spike times in ``[t0, t1)``."""
        s = self.spike_times
        return s[(s >= t0) & (s < t1)]

    def v_between(self, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """``(t, v)`` on ``t0 < t < t1`` without spike steps (ValueError-free: may be empty)."""
        if self.v is None:
            raise ParameterError("v", None, "a membrane trace (this check reads v)", "Response.v_between")
        m = (self.t > t0) & (self.t < t1)
        for s in self.spike_times:
            m &= ~np.isclose(self.t, s, atol=1e-9)
        return self.t[m], self.v[m]


@dataclass(frozen=True)
class CheckResult:
    """``passed`` and a one-line ``reason`` (what was measured)."""

    name: str
    passed: bool
    reason: str

    def __bool__(self) -> bool:
        return bool(self.passed)


def response_from_reference(result) -> Response:
    """A :class:`Response` from a :class:`reference.izhikevich_presets.PresetResult`."""
    return Response(np.asarray(result.t, float), np.asarray(result.I, float),
                    np.asarray(result.spike_times, float), np.asarray(result.v, float))


# ----------------------------------------------------------------------------- helpers
def bursts(spike_times) -> list[np.ndarray]:
    """Bursts of a train (see the module vocabulary): a list of spike-time arrays."""
    s = np.asarray(spike_times, float)
    out, start = [], 0
    for k in range(1, s.size + 1):
        if k == s.size or s[k] - s[k - 1] > BURST_MAX_ISI:
            run = s[start:k]
            if run.size >= BURST_MIN_SPIKES and run[-1] - run[0] <= BURST_MAX_DURATION:
                out.append(run)
            start = k
    return out


def _singles(spike_times) -> np.ndarray:
    s = np.asarray(spike_times, float)
    inb = np.zeros(s.size, bool)
    for b in bursts(s):
        inb |= np.isin(s, b)
    return s[~inb]


def onset(r: Response) -> float:
    """Time of the first step whose input differs from the first step's input (inf if none)."""
    k = np.nonzero(~np.isclose(r.I, r.I[0]))[0]
    return float(r.t[k[0]]) if k.size else np.inf


def pulses(r: Response) -> list[tuple[float, float, float]]:
    """``(t_on, t_off, sign)`` of each run of steps whose input differs from the baseline.

    The baseline is the input of the last step (every protocol returns to it); ``t_off`` is the first step back at
    the baseline (or the end); ``sign`` is +1 above the baseline, -1 below."""
    base = np.round(r.I[-1], 9)
    d = np.round(r.I, 9) - base
    sg = np.sign(d).astype(int)
    out, k, n = [], 0, r.I.size
    while k < n:
        if sg[k] == 0:
            k += 1
            continue
        j = k
        while j < n and sg[j] == sg[k]:
            j += 1
        out.append((float(r.t[k]), float(r.t[j]) if j < n else r.t_end, float(sg[k])))
        k = j
    return out


def turning_points(t, v, h: float = OSC_HYSTERESIS) -> list[tuple[float, float]]:
    """Alternating local extrema ``(t, v)`` of a trace, each confirmed by a reversal of more than ``h``."""
    t, v = np.asarray(t, float), np.asarray(v, float)
    if v.size < 3:
        return []
    out, direction, ext_i = [], 0, 0
    for i in range(1, v.size):
        if direction == 0:
            if v[i] - v[0] > h:
                direction, ext_i = 1, i
            elif v[0] - v[i] > h:
                direction, ext_i = -1, i
            continue
        if direction == 1:
            if v[i] > v[ext_i]:
                ext_i = i
            elif v[ext_i] - v[i] > h:
                out.append((float(t[ext_i]), float(v[ext_i])))
                direction, ext_i = -1, i
        else:
            if v[i] < v[ext_i]:
                ext_i = i
            elif v[i] - v[ext_i] > h:
                out.append((float(t[ext_i]), float(v[ext_i])))
                direction, ext_i = 1, i
    return out


def damped_oscillation(t, v, min_turning: int = 3) -> tuple[bool, str]:
    """Whether ``v`` shows a damped oscillation about its final value and what was measured.

    At least ``min_turning`` turning points (:func:`turning_points`), lying alternately
    above and below the window's last value (the rest it settles to), with shrinking
    deviations from it, the first at least ``OSC_MIN_SWING / 2``."""
    tp = turning_points(t, v)
    if len(tp) < min_turning:
        return False, f"{len(tp)} turning points (< {min_turning})"
    dev = np.array([x[1] for x in tp]) - float(np.asarray(v)[-1])
    if abs(dev[0]) < OSC_MIN_SWING / 2:
        return False, f"first deviation {abs(dev[0]):.3f} mV < {OSC_MIN_SWING / 2}"
    if not np.all(np.sign(dev[1:]) == -np.sign(dev[:-1])):
        return False, f"turning points not on alternate sides of rest: {np.round(dev, 3).tolist()}"
    if not np.all(np.diff(np.abs(dev)) < 0):
        return False, f"deviations not shrinking: {np.round(dev, 3).tolist()}"
    return True, f"{len(tp)} turning points about rest, deviations {np.round(dev[:4], 3).tolist()} mV"


def _sustained(s: np.ndarray, t_end: float, dt: float) -> bool:
    return s.size >= 3 and (t_end - s[-1]) <= 1.5 * (s[-1] - s[-2]) + dt


def _fmt(s) -> str:
    return "[" + ", ".join(f"{x:g}" for x in np.round(s, 2)[:8]) + (", ...]" if len(s) > 8 else "]")


def _res(name, ok, reason) -> CheckResult:
    return CheckResult(name, bool(ok), reason)


def _no_spike_before(r, t0):
    """The condition shared by most checks: the neuron is silent before the input's onset."""
    return lambda: (r.spikes_in(-np.inf, t0).size == 0, "no spike before onset")


def _first_fail(name, conds) -> CheckResult:
    """``conds``: zero-argument callables returning ``(ok, description)``, evaluated in order
    (later ones may assume earlier ones held); fails with the first false one."""
    done = []
    for cond in conds:
        ok, why = cond()
        if not ok:
            return _res(name, False, why)
        done.append(why)
    return _res(name, True, "; ".join(done))


# ---------------------------------------------------------------------- figure 1 (A-T)
def tonic_spiking(r: Response) -> CheckResult:
    """(A) Tonic spiking: while the input is on, the neuron keeps firing a train of single
    spikes. Sustained firing after onset, no bursts, and the last two ISIs agree within
    10 % (a steady rate is reached)."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    isi = np.diff(s)
    return _first_fail("tonic_spiking", [
        _no_spike_before(r, t0),
        lambda: (_sustained(s, r.t_end, r.dt), f"sustained firing ({s.size} spikes {_fmt(s)})"),
        lambda: (not bursts(s), "no bursts"),
        lambda: (isi.size >= 2 and abs(isi[-1] - isi[-2]) <= 0.1 * isi[-2], f"steady last ISIs {_fmt(isi[-2:])}"),
    ])


def phasic_spiking(r: Response) -> CheckResult:
    """(B) Phasic spiking: a single spike at the onset of a sustained input, then silence
    while the input stays on. Exactly one spike after onset, none before."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    return _first_fail("phasic_spiking", [
        _no_spike_before(r, t0),
        lambda: (s.size == 1, f"exactly one spike after onset (got {s.size}: {_fmt(s)})"),
    ])


def tonic_bursting(r: Response) -> CheckResult:
    """(C) Tonic bursting: periodic bursts for as long as the input is on. At least 3
    bursts, every spike in a burst, and the bursts last to the end (the gap after the last
    burst is at most 1.5 inter-burst periods)."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    b = bursts(s)
    starts = np.array([x[0] for x in b])
    sustained = len(b) >= 2 and (r.t_end - b[-1][-1]) <= 1.5 * (starts[-1] - starts[-2])
    return _first_fail("tonic_bursting", [
        lambda: (len(b) >= 3, f"{len(b)} bursts (>= 3) of sizes {[x.size for x in b]}"),
        lambda: (_singles(s).size == 0, "every spike in a burst"),
        lambda: (sustained, "bursting sustained to the end"),
    ])


def phasic_bursting(r: Response) -> CheckResult:
    """(D) Phasic bursting: one burst at the onset of a sustained input, then silence.
    Exactly one burst after onset, no other spike."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    b = bursts(s)
    return _first_fail("phasic_bursting", [
        _no_spike_before(r, t0),
        lambda: (len(b) == 1, f"exactly one burst (got {len(b)}; spikes {_fmt(s)})"),
        lambda: (_singles(s).size == 0, f"no spike outside the burst of {b[0].size if b else 0}"),
    ])


def _burst_then_tonic(name, r: Response) -> CheckResult:
    t0 = onset(r)
    s = r.spikes_in(t0)
    b = bursts(s)
    first = b[0] if b else np.array([])
    rest = s[s > first[-1]] if first.size else s
    return _first_fail(name, [
        lambda: (len(b) >= 1 and first[0] == s[0], f"starts with a burst ({first.size} spikes)"),
        lambda: (rest.size >= 2 and not bursts(rest), f"then single spikes ({rest.size}: {_fmt(rest)})"),
        lambda: (_sustained(s, r.t_end, r.dt), "firing sustained to the end"),
    ])


def mixed_mode(r: Response) -> CheckResult:
    """(E) Mixed mode: a phasic burst at onset followed by tonic single spikes. The first
    spikes after onset form a burst; at least 2 single spikes (no further burst) follow,
    sustained to the end."""
    return _burst_then_tonic("mixed_mode", r)


def spike_frequency_adaptation(r: Response) -> CheckResult:
    """(F) Spike-frequency adaptation: tonic firing whose frequency decreases. At least 4
    spikes, ISIs non-decreasing (each at least the previous minus one step) and the last
    ISI at least 3 times the first."""
    s = r.spikes_in(onset(r))
    isi = np.diff(s)
    return _first_fail("spike_frequency_adaptation", [
        lambda: (s.size >= 4, f"{s.size} spikes (>= 4)"),
        lambda: (np.all(np.diff(isi) >= -r.dt - 1e-9), f"ISIs non-decreasing {_fmt(isi)}"),
        lambda: (isi[-1] >= 3 * isi[0], f"last/first ISI = {isi[-1] / isi[0]:.2f} (>= 3)"),
    ])


CLASS_RATIO = 0.45  # f_first / f_last separating class 1 (grows from ~0) from class 2 (jumps)


def _excitability(r: Response):
    t0 = onset(r)
    s = r.spikes_in(t0)
    isi = np.diff(s)
    if isi.size < 4:
        return s, isi, np.nan
    return s, isi, float(isi[-1] / isi[0])  # = f_first / f_last


def class1_excitable(r: Response) -> CheckResult:
    """(G) Class 1 excitability: under a slowly rising ramp the neuron starts firing at an
    arbitrarily low rate that grows with the input. At least 5 spikes, the rate grows
    (last ISI < first ISI) and the onset rate is low: ``f_first / f_last < 0.45``
    (1/ISI of the first and last interval)."""
    s, isi, ratio = _excitability(r)
    return _first_fail("class1_excitable", [
        lambda: (s.size >= 5, f"{s.size} spikes (>= 5)"),
        lambda: (isi[-1] < isi[0], f"rate grows with the ramp (ISIs {_fmt(isi)})"),
        lambda: (ratio < CLASS_RATIO, f"onset rate low: f_first/f_last = {ratio:.2f} (< {CLASS_RATIO})"),
    ])


def class2_excitable(r: Response) -> CheckResult:
    """(H) Class 2 excitability: firing starts at a relatively large rate that changes
    little with the input. At least 5 spikes, rate grows with the ramp, and
    ``f_first / f_last >= 0.45``."""
    s, isi, ratio = _excitability(r)
    return _first_fail("class2_excitable", [
        lambda: (s.size >= 5, f"{s.size} spikes (>= 5)"),
        lambda: (isi[-1] < isi[0], f"rate grows with the ramp (ISIs {_fmt(isi)})"),
        lambda: (ratio >= CLASS_RATIO, f"onset at non-zero rate: f_first/f_last = {ratio:.2f} (>= {CLASS_RATIO})"),
    ])


def spike_latency(r: Response) -> CheckResult:
    """(I) Spike latency: a brief pulse evokes one spike with a delay longer than the
    pulse: exactly one spike, fired after the pulse ended, at least one pulse duration
    after its end."""
    p = [x for x in pulses(r) if x[2] > 0]
    if not p:
        return _res("spike_latency", False, "no excitatory pulse in the input")
    on, off, _ = p[0]
    s = r.spike_times
    return _first_fail("spike_latency", [
        lambda: (s.size == 1, f"exactly one spike (got {s.size})"),
        lambda: (s[0] >= off + (off - on), f"latency {s[0] - on:g} ms after onset of a {off - on:g} ms pulse "
                                    f"(spike >= {off - on:g} ms after its end)"),
    ])


def subthreshold_oscillations(r: Response) -> CheckResult:
    """(J) Subthreshold oscillations: after the (pulse-evoked) response the neuron does not
    fire again and ``v`` rings back to rest in a damped oscillation. No spike from 10 ms
    after the pulse's end; from 10 ms after the last response (spike or pulse end) ``v``
    shows a damped oscillation."""
    p = [x for x in pulses(r) if x[2] > 0]
    if not p:
        return _res("subthreshold_oscillations", False, "no excitatory pulse in the input")
    off = p[-1][1]
    late = r.spikes_in(off + 10.0)
    start = max([off] + list(r.spike_times)) + 10.0
    ok, why = damped_oscillation(*r.v_between(start, np.inf))
    return _first_fail("subthreshold_oscillations", [
        lambda: (late.size == 0, f"no spike after the response ({late.size} late spikes)"),
        lambda: (ok, "damped oscillation of v: " + why),
    ])


def _pairs(r: Response):
    p = [x for x in pulses(r) if x[2] > 0]
    return [(p[i], p[i + 1]) for i in range(0, len(p) - 1, 2)]


def _pair_responses(r: Response):
    """For each pulse pair: (interval between onsets, spikes from its first onset to the next pair)."""
    pr = _pairs(r)
    out = []
    for i, (p1, p2) in enumerate(pr):
        t_next = pr[i + 1][0][0] if i + 1 < len(pr) else np.inf
        out.append((p2[0] - p1[0], p1[0], p2[0], r.spikes_in(p1[0], t_next)))
    return out


def _pair_selective(name: str, r: Response, want_shortest: bool) -> CheckResult:
    pr = _pair_responses(r)
    if len(pr) < 2:
        return _res(name, False, f"{len(pr)} pulse pairs (need 2)")
    fired = [i for i, x in enumerate(pr) if x[3].size]
    shortest = int(np.argmin([x[0] for x in pr]))
    desc = ", ".join(f"{x[0]:g} ms pair: {x[3].size} spikes" for x in pr)
    return _first_fail(name, [
        lambda: (len(fired) == 1, f"exactly one pair evokes spikes ({desc})"),
        lambda: ((fired[0] == shortest) == want_shortest,
         "the responding pair is " + ("the closest" if want_shortest else "not the closest")),
        lambda: (np.all(pr[fired[0]][3] >= pr[fired[0]][2]), "no spike before its second pulse"),
        lambda: (r.spikes_in(-np.inf, pr[0][1]).size == 0, "no spike before the first pulse"),
    ])


def resonator(r: Response) -> CheckResult:
    """(K) Resonator: a pair of weak pulses evokes a spike only when their interval
    matches the neuron's subthreshold oscillation, not merely because they are close.
    Of two pulse pairs exactly one evokes spikes, after its second pulse, and it is not
    the pair with the shorter interval (an integrator would pick that one)."""
    return _pair_selective("resonator", r, want_shortest=False)


def integrator(r: Response) -> CheckResult:
    """(L) Integrator: two pulses sum to a spike only when they are close in time. Of two
    pulse pairs exactly the one with the shorter interval evokes spikes, after its second
    pulse."""
    return _pair_selective("integrator", r, want_shortest=True)


def _rebound(r: Response):
    p = [x for x in pulses(r) if x[2] < 0]
    if not p:
        return None, None
    on, off, _ = p[0]
    return r.spikes_in(-np.inf, off), r.spikes_in(off)


def rebound_spike(r: Response) -> CheckResult:
    """(M) Rebound spike: released from an inhibitory pulse, the neuron fires one spike.
    No spike before the end of inhibition, exactly one after it."""
    before, after = _rebound(r)
    if before is None:
        return _res("rebound_spike", False, "no inhibitory pulse in the input")
    return _first_fail("rebound_spike", [
        lambda: (before.size == 0, "no spike before the end of inhibition"),
        lambda: (after.size == 1, f"exactly one spike after release (got {after.size}: {_fmt(after)})"),
    ])


def rebound_burst(r: Response) -> CheckResult:
    """(N) Rebound burst: released from an inhibitory pulse, the neuron fires a burst.
    No spike before the end of inhibition; the spikes after it form exactly one burst."""
    before, after = _rebound(r)
    if before is None:
        return _res("rebound_burst", False, "no inhibitory pulse in the input")
    b = bursts(after)
    return _first_fail("rebound_burst", [
        lambda: (before.size == 0, "no spike before the end of inhibition"),
        lambda: (len(b) == 1 and _singles(after).size == 0,
         f"one burst after release (bursts {[x.size for x in b]}, spikes {_fmt(after)})"),
    ])


def threshold_variability(r: Response) -> CheckResult:
    """(O) Threshold variability: the same weak excitatory pulse fails alone but evokes a
    spike when it follows an inhibitory pulse. No spike from the first excitatory pulse to
    the inhibitory one; at least one spike from the excitatory pulse after it to the end."""
    p = pulses(r)
    exc = [x for x in p if x[2] > 0]
    inh = [x for x in p if x[2] < 0]
    if len(exc) < 2 or not inh:
        return _res("threshold_variability", False, "protocol lacks exc / inh / exc pulses")
    e1, i1 = exc[0], inh[0]
    e2 = [x for x in exc if x[0] >= i1[1]]
    if not e2:
        return _res("threshold_variability", False, "no excitatory pulse after the inhibitory one")
    alone = r.spikes_in(e1[0], i1[0])
    after = r.spikes_in(e2[0][0])
    return _first_fail("threshold_variability", [
        lambda: (r.spikes_in(-np.inf, e1[0]).size == 0, "no spike before the first pulse"),
        lambda: (alone.size == 0, f"pulse alone: no spike (got {alone.size})"),
        lambda: (after.size >= 1, f"pulse after inhibition: {after.size} spike(s) {_fmt(after)}"),
    ])


def bistability(r: Response) -> CheckResult:
    """(P) Bistability: a pulse switches the neuron from rest to sustained tonic firing and
    a second, identical pulse switches it back off. No spike before pulse 1; at least 2
    spikes between the pulses; no spike later than 10 ms after pulse 2 ends."""
    p = [x for x in pulses(r) if x[2] > 0]
    if len(p) < 2:
        return _res("bistability", False, f"{len(p)} pulses (need 2)")
    (on1, off1, _), (on2, off2, _) = p[0], p[1]
    between = r.spikes_in(off1, on2)
    late = r.spikes_in(off2 + 10.0)
    return _first_fail("bistability", [
        lambda: (r.spikes_in(-np.inf, on1).size == 0, "silent before pulse 1"),
        lambda: (between.size >= 2, f"tonic between pulses ({between.size} spikes)"),
        lambda: (late.size == 0, f"switched off by pulse 2 (spikes after it: {_fmt(late)})"),
    ])


def DAP(r: Response) -> CheckResult:
    """(Q) Depolarizing after-potential: after the spike, ``v`` does not fall straight back
    but rises again (an after-depolarisation) while the input is off. Exactly one spike;
    within 10 ms after it, with zero input, ``v`` rises at least 2 mV above its lowest
    post-spike value before decaying."""
    s = r.spike_times
    if s.size != 1:
        return _res("DAP", False, f"exactly one spike (got {s.size})")
    t, v = r.v_between(s[0], s[0] + 10.0)
    off = np.isclose(r.I[(r.t > s[0]) & (r.t < s[0] + 10.0)][:v.size], 0.0) if v.size else np.array([])
    if v.size < 3 or not off.any():
        return _res("DAP", False, "no trace after the spike")
    v, t = v[off], t[off]
    k_min = int(np.argmin(v[: max(1, v.size // 2)]))
    hump = float(np.max(v[k_min:]) - v[k_min])
    return _first_fail("DAP", [lambda: (hump >= 2.0, f"after-depolarisation {hump:.2f} mV (>= 2)")])


def accommodation(r: Response) -> CheckResult:
    """(R) Accommodation: a slowly rising input does not fire the neuron even when it grows
    large, while a fast ramp of smaller amplitude does. Two ramps: no spike from the slow
    one's start to the fast one's start; at least one spike within 50 ms of the fast one's
    start; the fast ramp peaks lower than the slow one."""
    p = [x for x in pulses(r) if x[2] > 0]
    if len(p) < 2:
        return _res("accommodation", False, f"{len(p)} input ramps (need 2)")
    (on1, off1, _), (on2, off2, _) = p[0], p[1]
    peak = lambda a, b: float(r.I[(r.t >= a) & (r.t < b)].max())  # noqa: E731
    slope1, slope2 = peak(on1, off1) / (off1 - on1), peak(on2, off2) / (off2 - on2)
    fast = r.spikes_in(on2, on2 + 50.0)
    return _first_fail("accommodation", [
        lambda: (slope2 > slope1 and peak(on2, off2) < peak(on1, off1), "fast ramp smaller but steeper"),
        lambda: (r.spikes_in(-np.inf, on2).size == 0, f"slow ramp to {peak(on1, off1):g}: no spike"),
        lambda: (fast.size >= 1, f"fast ramp to {peak(on2, off2):g}: {fast.size} spike(s)"),
    ])


def _inhibition_window(r: Response):
    p = [x for x in pulses(r) if x[2] < 0]
    if not p:
        return None
    on, off, _ = p[0]
    return on, off, r.spikes_in(on, off + 10.0), np.concatenate([r.spikes_in(-np.inf, on), r.spikes_in(off + 10.0)])


def inhibition_induced_spiking(r: Response) -> CheckResult:
    """(S) Inhibition-induced spiking: silent under its resting drive, the neuron fires
    tonic single spikes while inhibited (drive lowered). No spike outside the inhibition
    (plus 10 ms); at least 2 spikes within it; no bursts."""
    w = _inhibition_window(r)
    if w is None:
        return _res("inhibition_induced_spiking", False, "no inhibitory epoch")
    _, _, inside, outside = w
    return _first_fail("inhibition_induced_spiking", [
        lambda: (outside.size == 0, f"silent without inhibition ({outside.size} spikes)"),
        lambda: (inside.size >= 2, f"{inside.size} spikes while inhibited"),
        lambda: (not bursts(inside), "single spikes, no bursts"),
    ])


def inhibition_induced_bursting(r: Response) -> CheckResult:
    """(T) Inhibition-induced bursting: silent under its resting drive, the neuron bursts
    while inhibited. No spike outside the inhibition (plus 10 ms); at least 2 bursts
    within it and every spike in a burst."""
    w = _inhibition_window(r)
    if w is None:
        return _res("inhibition_induced_bursting", False, "no inhibitory epoch")
    _, _, inside, outside = w
    b = bursts(inside)
    return _first_fail("inhibition_induced_bursting", [
        lambda: (outside.size == 0, f"silent without inhibition ({outside.size} spikes)"),
        lambda: (len(b) >= 2, f"{len(b)} bursts while inhibited (sizes {[x.size for x in b]})"),
        lambda: (_singles(inside).size == 0, "every spike in a burst"),
    ])


# ------------------------------------------------------------ cortical classes (2003)
def RS(r: Response) -> CheckResult:
    """Regular spiking: tonic single spikes with strong adaptation (2003, fig. 2). No spike
    before onset; sustained firing; no bursts; last ISI at least 3 times the first."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    isi = np.diff(s)
    return _first_fail("RS", [
        _no_spike_before(r, t0),
        lambda: (_sustained(s, r.t_end, r.dt), f"sustained firing ({s.size} spikes)"),
        lambda: (not bursts(s), "no bursts"),
        lambda: (isi[-1] >= 3 * isi[0], f"adapting: last/first ISI = {isi[-1] / isi[0]:.2f} (>= 3)"),
    ])


def IB(r: Response) -> CheckResult:
    """Intrinsically bursting: an initial burst followed by tonic single spikes (as mixed
    mode)."""
    return _burst_then_tonic("IB", r)


def CH(r: Response) -> CheckResult:
    """Chattering: repetitive bursts of closely spaced spikes. At least 2 bursts, every
    spike in a burst, bursting sustained to the end."""
    s = r.spikes_in(onset(r))
    b = bursts(s)
    starts = np.array([x[0] for x in b])
    sustained = len(b) >= 2 and (r.t_end - b[-1][-1]) <= 1.5 * (starts[-1] - starts[-2])
    return _first_fail("CH", [
        lambda: (len(b) >= 2, f"{len(b)} bursts (>= 2)"),
        lambda: (_singles(s).size == 0, "every spike in a burst"),
        lambda: (sustained, "bursting sustained"),
    ])


FS_MIN_RATE = 80.0  # Hz, steady-state rate of fast spiking (RS ~30, LTS ~67, FS ~110)


def _steady_rate(s: np.ndarray) -> float:
    isi = np.diff(s)
    half = isi[isi.size // 2:]
    return float(1000.0 / half.mean()) if half.size else 0.0


def FS(r: Response) -> CheckResult:
    """Fast spiking: high-frequency tonic firing with little adaptation. Sustained, no
    bursts, steady-state rate (mean ISI of the second half) >= 80 Hz, and the second-half
    ISIs regular (CV < 0.1)."""
    s = r.spikes_in(onset(r))
    isi = np.diff(s)
    half = isi[isi.size // 2:]
    cv = float(half.std() / half.mean()) if half.size >= 2 else np.inf
    return _first_fail("FS", [
        lambda: (_sustained(s, r.t_end, r.dt), f"sustained firing ({s.size} spikes)"),
        lambda: (not bursts(s), "no bursts"),
        lambda: (_steady_rate(s) >= FS_MIN_RATE, f"steady rate {_steady_rate(s):.0f} Hz (>= {FS_MIN_RATE:g})"),
        lambda: (cv < 0.1, f"steady ISIs regular (CV {cv:.3f})"),
    ])


def TC(r: Response) -> CheckResult:
    """Thalamo-cortical, depolarised: a step from rest evokes tonic single spikes. No spike
    before onset; at least 3 spikes after it; no bursts."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    return _first_fail("TC", [
        _no_spike_before(r, t0),
        lambda: (s.size >= 3, f"{s.size} spikes (>= 3)"),
        lambda: (not bursts(s), "tonic: no bursts"),
    ])


def TC_burst(r: Response) -> CheckResult:
    """Thalamo-cortical, hyperpolarised: released from hyperpolarisation, the neuron fires a
    rebound burst. No spike before release; the first spikes after release form a burst
    starting within 30 ms."""
    t0 = float(r.t[np.nonzero(~np.isclose(np.diff(r.I), 0.0))[0][-1] + 1]) if np.ptp(r.I) > 0 else np.inf
    s = r.spikes_in(t0)
    b = bursts(s)
    return _first_fail("TC_burst", [
        lambda: (r.spikes_in(-np.inf, t0).size == 0, "no spike before release"),
        lambda: (bool(b) and b[0][0] == s[0] and s[0] - t0 <= 30.0,
         f"rebound burst within 30 ms ({b[0].size if b else 0} spikes, first at {s[0] if s.size else np.nan:g})"),
    ])


def RZ(r: Response) -> CheckResult:
    """Resonator (2003): damped subthreshold oscillations of ``v`` and a spike in response
    to a brief pulse. After the first input step and before the pulse, ``v`` oscillates with
    decaying swings; no spike before the pulse; at least one spike within 20 ms of it."""
    p = [x for x in pulses(r) if x[2] > 0 and x[1] - x[0] < 20.0]
    if not p:
        return _res("RZ", False, "no brief excitatory pulse")
    on = p[-1][0]
    ok, why = damped_oscillation(*r.v_between(onset(r), on), min_turning=2)
    resp = r.spikes_in(on, on + 20.0)
    return _first_fail("RZ", [
        lambda: (r.spikes_in(-np.inf, on).size == 0, "no spike before the pulse"),
        lambda: (ok, "damped oscillation before the pulse: " + why),
        lambda: (resp.size >= 1, f"{resp.size} spike(s) to the pulse"),
    ])


def LTS(r: Response) -> CheckResult:
    """Low-threshold spiking: high-frequency tonic firing with strong adaptation. Sustained,
    last ISI at least 3 times the first, steady-state rate >= 50 Hz (higher than RS)."""
    t0 = onset(r)
    s = r.spikes_in(t0)
    isi = np.diff(s)
    return _first_fail("LTS", [
        _no_spike_before(r, t0),
        lambda: (_sustained(s, r.t_end, r.dt), f"sustained firing ({s.size} spikes)"),
        lambda: (isi[-1] >= 3 * isi[0], f"adapting: last/first ISI = {isi[-1] / isi[0]:.2f} (>= 3)"),
        lambda: (_steady_rate(s) >= 50.0, f"steady rate {_steady_rate(s):.0f} Hz (>= 50)"),
    ])


CHECKS: dict[str, Callable[[Response], CheckResult]] = {f.__name__: f for f in [
    tonic_spiking, phasic_spiking, tonic_bursting, phasic_bursting, mixed_mode, spike_frequency_adaptation,
    class1_excitable, class2_excitable, spike_latency, subthreshold_oscillations, resonator, integrator,
    rebound_spike, rebound_burst, threshold_variability, bistability, DAP, accommodation,
    inhibition_induced_spiking, inhibition_induced_bursting, RS, IB, CH, FS, TC, TC_burst, RZ, LTS]}


def check(name: str, r: Response) -> CheckResult:
    """Run the defining-property check of preset ``name`` on a response.

    A check that cannot even be evaluated (e.g. too few spikes to form an ISI) fails
    with the reason rather than raising."""
    f = CHECKS.get(name)
    if f is None:
        raise ParameterError("name", name, f"one of {sorted(CHECKS)}", "check")
    try:
        return f(r)
    except (IndexError, ValueError, ZeroDivisionError) as e:
        return CheckResult(name, False, f"not evaluable: {type(e).__name__}: {e}")

"""Benchmark suite: the chip side by side with Brian2 and NEST.

``neuromorph bench [--compare] [--quick] [--out DIR] [--json]`` runs:

(a) ``cuba4k``  — Brette et al. (2007) CUBA, 4,000 LIF, 80/20 E/I, p = 0.02, 1 s at
    dt = 0.1 ms, on the chip (bit-accurate, every counter on), with ONE synaptic time
    constant (tau_syn = 5 ms for E and I; the chip's CUBA-LIF has one current per neuron);
(b) ``cuba16k``, ``cuba64k`` — the same with the in-degree held at 80 (p = 80/N);
(c) ``chip1k``  — the 1,000-neuron / 10 %-dense network of ``scenarios/bench_chip.py``;
(d) ``stdp``    — Song et al. (2000)-style STDP (1,000 Poisson inputs -> 1 LIF, additive pair
    STDP, 10 s at dt = 0.1 ms) with on-chip learning (headroom 2): best-of-N loop, steps/s,
    synaptic events/s, plastic weight updates/s (``syn_updates``), post rate, final
    weights; and the same network on the float64 reference (hardware-ordered mode): speed
    ratio, post-rate and weight agreement (KS of the final weights and of their changes);
(e) ``latency`` — numba compile with an empty cache, with a warm cache, and
    ``python -c "import neuromorph"``;
(f) ``scatter`` — the floor: a bare numba scatter loop of the chip's delivery shape (random
    targets into an int64 array of the chip's ring size, the same event count) and a bare
    integrate loop of the same integer rule over the same neuron-steps; the loop's phases
    measured alone with the chip's own code (integrate: ``kernels.integrate_replay``; delivery:
    ``kernels.route_replay`` over the run's recorded spike log; bookkeeping: the rest), and
    loop / floor.

With ``--compare`` the same CUBA 4k network (the same connectivity, weights and initial
voltages, written once to an ``.npz``) also runs in Brian2 (cpp_standalone and runtime)
and NEST, each in its own subprocess, and the ratios neuromorph/other are printed for the
simulation loop and for the whole command (a fresh process that builds, runs 1 s, exits).

Every timing of a loop is the best of N repeats (this machine is shared and noisy). Every
simulator runs in a subprocess, so peak memory (``ru_maxrss``) is that simulator's own.

The network model of the comparison (docs/performance.md):

    tau_m dV/dt = -(V - E_L) + I/g_L,   tau_syn dI/dt = -I,   I += w at each input spike
    tau_m = 20 ms, g_L = 10 nS (C = 200 pF), E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV,
    t_ref = 5 ms, tau_syn = 5 ms, w_E = g_L * 1.62 mV = 16.2 pA,
    w_I = g_L * (-9 mV) * (tau_i / tau_syn) = -180 pA  (Brette's -9 mV at tau_i = 10 ms,
    scaled to keep the charge per inhibitory spike at tau_syn = 5 ms), delay = dt,
    V(0) uniform in [V_reset, V_th).

This module imports only the standard library and numpy at top level, so the Brian2
worker can run under another interpreter (``--brian2-python``) that has no neuromorph.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__" and sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)        # run as a script: do not let neuromorph/app/*.py shadow top-level modules

import numpy as np

# --------------------------------------------------------------------------------------
# The CUBA network (shared by every simulator)
# --------------------------------------------------------------------------------------
CUBA = dict(tau_m=20e-3, g_L=10e-9, E_L=-49e-3, v_th=-50e-3, v_reset=-60e-3, t_ref=5e-3, tau_syn=5e-3,
            w_e=10e-9 * 1.62e-3, w_i=10e-9 * (-9e-3) * (10e-3 / 5e-3), dt=1e-4, in_degree=80, frac_e=0.8)
FULL = dict(cuba=(4000, 16000, 64000), steps=10000, repeats=5, chip1k_repeats=10, stdp_s=10.0, whole_repeats=2)
QUICK = dict(cuba=(500, 1000), steps=1000, repeats=2, chip1k_repeats=2, stdp_s=0.2, whole_repeats=1)
DEFAULT_HEADROOM = 4.0


def bernoulli_pairs(rng: np.random.Generator, n_pre: int, n_post: int, p: float):
    """Every (pre, post) pair independently with probability ``p`` (gaps between successes are
    geometric), without the dense n_post x n_pre mask. Returns (pre, post), sorted by post."""
    total = n_pre * n_post
    if p <= 0 or total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if p >= 1:
        pos = np.arange(total, dtype=np.int64)
    else:
        est = int(total * p + 10 * math.sqrt(total * p) + 100)
        parts, last = [], -1
        while last < total:
            pos = np.cumsum(rng.geometric(p, size=est)) + last
            parts.append(pos)
            last = int(pos[-1])
        pos = np.concatenate(parts)
        pos = pos[pos < total]
    return (pos % n_pre).astype(np.int64), (pos // n_pre).astype(np.int64)


def cuba_spec(n: int, seed: int = 0, in_degree: int | None = None) -> dict:
    """Connectivity, weights (A) and initial voltages (V) of the CUBA network with ``n`` neurons.

    Neurons ``[0, n_e)`` are excitatory, ``[n_e, n)`` inhibitory; each (pre, post) pair is a
    synapse with probability ``in_degree / n`` (0.02 at 4,000). Returned arrays are what every
    simulator loads: ``pre``, ``post`` (global ids), ``w`` (amperes), ``v0`` (volts).
    """
    k = CUBA["in_degree"] if in_degree is None else in_degree
    n_e = int(round(n * CUBA["frac_e"]))
    p = min(1.0, k / n)
    rng = np.random.default_rng(seed)
    pre, post = bernoulli_pairs(rng, n, n, p)
    w = np.where(pre < n_e, CUBA["w_e"], CUBA["w_i"])
    v0 = CUBA["v_reset"] + rng.random(n) * (CUBA["v_th"] - CUBA["v_reset"])
    return dict(n=n, n_e=n_e, p=p, pre=pre, post=post, w=w, v0=v0, seed=seed)


def save_spec(spec: dict, path: Path) -> Path:
    np.savez(path, n=spec["n"], n_e=spec["n_e"], p=spec["p"], pre=spec["pre"].astype(np.int32),
             post=spec["post"].astype(np.int32), w=spec["w"], v0=spec["v0"], seed=spec["seed"])
    return path


def load_spec(path) -> dict:
    z = np.load(path)
    return dict(n=int(z["n"]), n_e=int(z["n_e"]), p=float(z["p"]), pre=z["pre"].astype(np.int64),
                post=z["post"].astype(np.int64), w=z["w"], v0=z["v0"], seed=int(z["seed"]))


def spike_stats(steps: np.ndarray, ids: np.ndarray, n: int, duration: float, out_degree: np.ndarray) -> dict:
    """Mean rate (Hz), mean CV of the ISI (neurons with >= 3 spikes) and synaptic events."""
    ids = np.asarray(ids, np.int64)
    counts = np.bincount(ids, minlength=n)
    order = np.lexsort((steps, ids))
    s, i = np.asarray(steps, np.float64)[order], ids[order]
    isi = np.diff(s)
    same = i[1:] == i[:-1]
    cvs = []
    if same.any():
        gi, isi = i[1:][same], isi[same]
        cnt = np.bincount(gi, minlength=n)
        m1 = np.bincount(gi, weights=isi, minlength=n)
        m2 = np.bincount(gi, weights=isi * isi, minlength=n)
        ok = cnt >= 2
        mean = m1[ok] / cnt[ok]
        var = np.maximum(m2[ok] / cnt[ok] - mean ** 2, 0)
        cvs = np.sqrt(var) / mean
    return dict(spikes=int(ids.size), rate_hz=float(ids.size / n / duration),
                cv_isi=float(np.mean(cvs)) if len(cvs) else float("nan"),
                syn_events=int(np.dot(counts, out_degree)))


def _rss_mb() -> float:
    """Peak resident set size of this process in MiB.

    Linux: ``VmHWM`` of /proc/self/status (``ru_maxrss`` survives exec, so a child would
    report its parent's peak at fork time); elsewhere ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024.0 if sys.platform != "darwin" else r / 2**20


# --------------------------------------------------------------------------------------
# Chip workers (neuromorph imported lazily)
# --------------------------------------------------------------------------------------
def chip_cuba_program(spec: dict, headroom: float = DEFAULT_HEADROOM, chip=None):
    """Compile the CUBA spec for the chip: physical LIF -> registers, then per-neuron v_init.

    The physical ``LIF`` has a scalar ``v_init``; the uniform initial voltages are set at
    register level: ``quantize`` gives the registers and the v scale, each population's
    ``LIFRegisters`` gets ``v_init = rint((V0 - v_reset) / s_v)``, and ``build_program``
    places and lays out the result. Returns (Program, timings dict).
    """
    import dataclasses

    from neuromorph.compiler import build_program, quantize
    from neuromorph.hardware import LARGE
    from neuromorph.network import LIF, Network

    chip = LARGE if chip is None else chip
    t0 = time.perf_counter()
    c = CUBA
    lif = LIF(tau_m=c["tau_m"], g_L=c["g_L"], E_L=c["E_L"], v_th=c["v_th"], v_reset=c["v_reset"], t_ref=c["t_ref"],
              tau_syn=c["tau_syn"])
    n, n_e = spec["n"], spec["n_e"]
    net = Network(dt=c["dt"], name=f"cuba{n}")
    net.add_population("exc", n_e, lif)
    net.add_population("inh", n - n_e, lif)
    pre, post, w = spec["pre"], spec["post"], spec["w"]
    for pname, plo, phi in (("exc", 0, n_e), ("inh", n_e, n)):
        for qname, qlo, qhi in (("exc", 0, n_e), ("inh", n_e, n)):
            m = (pre >= plo) & (pre < phi) & (post >= qlo) & (post < qhi)
            net.connect(pname, qname, weight=w[m], delay=c["dt"], pre_idx=pre[m] - plo, post_idx=post[m] - qlo)
    t1 = time.perf_counter()
    reg, scales, report = quantize(net, chip, headroom)
    for name, pop in list(reg.populations.items()):
        sc = scales[name]
        v0 = np.rint((spec["v0"][pop.start:pop.stop] - sc.v_origin) / sc.v_per_lsb).astype(np.int64)
        reg.populations[name] = dataclasses.replace(pop, model=dataclasses.replace(pop.model, v_init=v0))
    program = build_program(reg, chip, False, scales, report)
    t2 = time.perf_counter()
    return program, dict(build_s=t1 - t0, compile_s=t2 - t1)


def _chip1k_program(seed: int = 0):
    """The network of scenarios/bench_chip.py (loaded from the scenario so the two never drift)."""
    from neuromorph.app.scenarios import known_scenarios, load
    from neuromorph.compiler import compile_network

    known = known_scenarios()
    if "bench_chip" not in known:
        raise FileNotFoundError("scenarios/bench_chip.py not found (run from the repository root)")
    mod = load(known["bench_chip"])
    t0 = time.perf_counter()
    net = mod.build(seed)
    t1 = time.perf_counter()
    program = compile_network(net)
    t2 = time.perf_counter()
    return program, dict(build_s=t1 - t0, compile_s=t2 - t1)


def _overflow_kinds() -> tuple[str, ...]:
    """The chip's wrap and saturation counters (imported here: this module's top level is numpy only)."""
    from neuromorph.tables import OVERFLOW_KINDS  # counter names: single definition

    return OVERFLOW_KINDS


def _sim_threads_supported() -> bool:
    import inspect

    from neuromorph.simulator import Simulator
    return "threads" in inspect.signature(Simulator).parameters


def timed_runs(program, steps: int, repeats: int, threads: int = 1):
    """(first call s, [loop s of each repeat], last Simulator): the first call is ``run(1)`` in a
    fresh simulator (numba compile or cache load); each repeat times ``run(steps)`` of a fresh
    simulator, its construction untimed."""
    from neuromorph.simulator import Simulator

    t0 = time.perf_counter()
    Simulator(program, strict=False, threads=threads).run(1)
    first = time.perf_counter() - t0
    loops, sim = [], None
    for _ in range(max(1, repeats)):
        sim = Simulator(program, strict=False, threads=threads)
        a = time.perf_counter()
        sim.run(steps)
        loops.append(time.perf_counter() - a)
    return first, loops, sim


def measure_chip(program, timings: dict, steps: int, repeats: int, duration: float | None = None,
                 threads: int = 1) -> dict:
    """First call, best-of-``repeats`` loop, counters, rates, memory; Simulator construction untimed."""
    first, loops, sim = timed_runs(program, steps, repeats, threads)
    best = min(loops)
    ctr = {k: int(v.sum()) for k, v in sim.counter_table().items()}
    sp = sim.spikes
    outdeg = out_degree_of(program)
    n_neu = int(program.placement.neurons_per_core.sum())
    is_src = program.placement.core_of == program.n_cores        # sources sit on the host row
    neuron_ids = sp.ids[~is_src[sp.ids]]
    neuron_steps = sp.steps[~is_src[sp.ids]]
    dur = program.dt * steps if duration is None else duration
    st = spike_stats(neuron_steps, neuron_ids, program.n, dur, outdeg)
    st["rate_hz"] = float(neuron_ids.size / max(n_neu, 1) / dur)
    expected_events = int(np.dot(np.bincount(sp.ids, minlength=program.n), outdeg))
    overflow = {k: ctr[k] for k in _overflow_kinds()}
    res = dict(simulator="neuromorph", neurons=n_neu, sources=int(is_src.sum()), synapses=program.n_synapses,
               cores=program.n_cores, chip=program.chip.name, steps=steps, dt=program.dt, **timings,
               first_call_s=first, loop_s=best, loop_all_s=loops, repeats=repeats,
               steps_per_s=steps / best, syn_events=ctr["syn_events"], syn_events_expected=expected_events,
               syn_events_per_s=ctr["syn_events"] / best, neuron_updates=ctr["neuron_updates"],
               neuron_updates_per_s=ctr["neuron_updates"] / best, spikes=ctr["spikes"],
               rate_hz=st["rate_hz"], cv_isi=st["cv_isi"], overflows=overflow,
               overflow_total=int(sum(overflow.values())), counters=ctr,
               ns_per_event=best / max(ctr["syn_events"], 1) * 1e9,
               ns_per_neuron_update=best / max(ctr["neuron_updates"], 1) * 1e9,
               ring_slots=int(program.D), threads=threads, **program_memory(program, sim))
    return res


# --------------------------------------------------------------------------------------
# Reading the compiled Program's tables
# --------------------------------------------------------------------------------------
# The functions below read the Program's parts (neuromorph.tables) and call the kernels'
# routing and integrate code directly (out_degree_of, program_memory, _phase_profile).
def out_degree_of(program) -> np.ndarray:
    """Synapses per global id (from the CSR tables)."""
    S = program.synapses
    return (S.seg_ptr[S.axon_ptr[1:]] - S.seg_ptr[S.axon_ptr[:-1]]).astype(np.int64)


def program_memory(program, sim) -> dict:
    """Bytes of the compiled tables and of the simulator's state and scratch arrays."""
    S = program.synapses
    tables = program.table_bytes()
    regs = sum(a.nbytes for a in (*program.neurons, program.placement.core_of, program.placement.n_dest))
    state = sum(getattr(sim, k).nbytes for k in ("u", "v", "ref", "ring"))
    n_syn = max(program.n_synapses, 1)
    n_neu = int(program.placement.neurons_per_core.sum()) or program.n
    payload = S.syn_tgt.nbytes + S.syn_w.nbytes + S.syn_d.nbytes
    return dict(table_bytes=int(tables), bytes_per_synapse=tables / n_syn,
                synapse_payload_bytes=int(payload), index_bytes=int(tables - payload),
                n_segments=int(S.seg_proj.size),
                neuron_register_bytes=int(regs), state_bytes=int(state),
                bytes_per_neuron=(regs + state) / max(program.n, 1),
                hardware_bits_per_synapse=program.chip.core.bits_per_synapse, n_counted_neurons=n_neu)


def phase_floor(chip: dict, profile: dict, scatter: dict) -> dict:
    """Per-phase profile of the chip's loop and the floor for the same work on this machine.

    All from :func:`_phase_profile`'s interleaved rounds: ``floor_s`` = bare integrate (the
    same rule, nothing else) + the run's synaptic events at the bare scatter's rate;
    ``bookkeeping_s`` = loop - integrate alone - route alone (sources, the spike/overflow scan,
    counters, probes, call overheads)."""
    loop = profile["loop_s"]
    floor_scatter = chip["syn_events"] / scatter["events_per_s"]
    floor = profile["bare_integrate_s"] + floor_scatter
    return dict(phase_loop_s=loop, integrate_s=profile["integrate_s"], route_s=profile["route_s"],
                bookkeeping_s=loop - profile["integrate_s"] - profile["route_s"],
                bare_integrate_s=profile["bare_integrate_s"], floor_scatter_s=floor_scatter, floor_s=floor,
                loop_over_floor=loop / floor)


def _timer(fn):
    """A callable that runs ``fn`` and returns its wall time."""
    def timed():
        a = time.perf_counter()
        fn()
        return time.perf_counter() - a
    return timed


def interleaved_best(timers: dict, rounds: int) -> dict:
    """Best time of each named timer (a callable returning seconds) over ``rounds`` rounds in
    which every timer runs once in turn, after one untimed warm-up round: on a machine whose
    speed drifts over seconds, measurements that are compared are taken side by side."""
    for t in timers.values():
        t()
    best = {k: math.inf for k in timers}
    for _ in range(max(1, rounds)):
        for k, t in timers.items():
            best[k] = min(best[k], t())
    return best


def _phase_profile(key: str, spec_path: str | None, steps: int, reps: int) -> dict | None:
    """The loop, each of its phases alone with the chip's own code, and the integrate floor,
    timed in interleaved rounds (best of ``reps`` each):

    * ``loop_s``: ``Simulator.run(steps)`` of a fresh simulator (every counter on);
    * ``route_s``: phase 3 alone (``kernels.route_replay`` over the run's recorded spike log);
    * ``integrate_s``: phases 1+2 alone (``kernels.integrate_replay``: the same neuron-steps
      through the chip's integrate code, flags included);
    * ``bare_integrate_s``: the floor of integration, a bare numba loop of the same integer
      rule (written with ``fixedpoint``'s twins) over the same neuron-steps, with no flags,
      counters, injected input or records (:func:`bare_integrate`).
    """
    if key.startswith("cuba") and spec_path:
        program = chip_cuba_program(load_spec(spec_path))[0]
    elif key == "chip1k":
        program = _chip1k_program()[0]
    else:
        return None
    from neuromorph import kernels
    from neuromorph.simulator import Simulator
    from neuromorph.tables import KIND_LIF, SYN_EVENTS, State

    sim = Simulator(program, strict=False)
    sim.run(steps)
    log = sim.spikes
    step_ptr = np.searchsorted(log.steps, np.arange(steps + 1)).astype(np.int64)
    spk_id = log.ids.astype(np.int64)
    p = program
    ring = np.zeros(p.D * p.n, np.int64)
    counters = np.zeros_like(sim.counters)
    fresh = Simulator(program, strict=False)
    state = State(fresh.u, fresh.v, fresh.ref, fresh.ring, fresh.trace, fresh.counters, fresh._first_ovf)

    def loop():
        s = Simulator(program, strict=False)
        return _timer(lambda: s.run(steps))()

    best = interleaved_best({
        "loop_s": loop,
        "integrate_s": _timer(lambda: kernels.integrate_replay(steps, fresh._neurons, state, fresh._scratch,
                                                               fresh._config())),
        "route_s": _timer(lambda: kernels.route_replay(step_ptr, spk_id, p.n, p.D, sim._synapses, ring, counters,
                                                       sim._prefetch)),
        "bare_integrate_s": bare_integrate(program, steps),
    }, reps)
    events = int(counters[:, SYN_EVENTS].sum()) // (max(1, reps) + 1)
    segs = int(np.sum(p.synapses.axon_ptr[spk_id + 1] - p.synapses.axon_ptr[spk_id]))
    lif = p.neurons.groups[p.neurons.groups["kind"] == KIND_LIF]         # the groups the bare loop runs
    n_lif = int(np.sum(lif["stop"] - lif["start"]))
    return dict(best, events=events, events_per_s=events / best["route_s"], segments=segs,
                synapses_per_segment=events / max(segs, 1), prefetch=bool(sim._prefetch),
                bare_integrate_ns_per_neuron_step=best["bare_integrate_s"] / max(n_lif * steps, 1) * 1e9)


def bare_integrate(program, steps: int):
    """The floor of phases 1+2, as a timer (a callable returning seconds): delivery and the
    integer LIF rule of docs/hardware-model.md §3.3 and §2 (read, clear and saturate the
    accumulator; decays, u wrap, v saturation, refractory, reset) in a bare numba loop over
    the program's LIF groups, ``steps`` times, with ``fixedpoint``'s own rule definitions —
    and nothing else: no injected input, flags, counters or records. Izhikevich groups are
    left out."""
    from numba import njit

    from neuromorph.fixedpoint import jit_module
    from neuromorph.tables import KIND_LIF

    fx = jit_module()

    @njit(cache=False)
    def loop(steps, u, v, ref, ring, bias, groups, k, ub, vb, ab, shift):
        spikes = 0
        for _ in range(steps):
            for r in range(groups.shape[0]):
                grp = groups[r]
                a, b = grp.start, grp.stop
                uu, vv, rr, bb, ring_g = u[a:b], v[a:b], ref[a:b], bias[a:b], ring[a:b]
                fu, fv, vth, rs = np.int64(np.int32(grp.fu)), np.int64(np.int32(grp.fv)), grp.vth, grp.ref_steps
                keep_v, keep_u = -grp.reset_sub, grp.reset_u - 1
                for g in range(uu.size):
                    acc = fx.saturate_signed(ring_g[g], ab)
                    ring_g[g] = 0
                    u1 = fx.wrap_once_asym(fx.mul_trunc(np.int64(uu[g]), fu, k) + (acc << shift), ub)
                    r0 = np.int64(rr[g])
                    vg = np.int64(vv[g])
                    v1 = fx.saturate_symmetric(fx.mul_trunc(vg, fv, k) + u1 + bb[g], vb)
                    live = r0 <= 0
                    sp = (v1 > vth) & live
                    vv[g] = ((v1 - vth) & keep_v if sp else v1) if live else vg
                    uu[g] = u1 & keep_u if sp else u1
                    rr[g] = rs if sp else max(r0 - 1, 0)
                    spikes += sp
        return spikes

    c = program.chip.core
    groups = program.neurons.groups[program.neurons.groups["kind"] == KIND_LIF]
    u0, v0 = program.initial.u.astype(np.int32), program.initial.v.astype(np.int32)
    ring = np.zeros(program.n, np.int64)

    def run():
        u, v, ref = u0.copy(), v0.copy(), np.zeros(program.n, np.int32)
        return _timer(lambda: loop(steps, u, v, ref, ring, program.neurons.bias, groups, c.decay_bits, c.u_bits,
                                   c.v_bits, c.acc_bits, c.input_shift))()
    return run


# --------------------------------------------------------------------------------------
# (f) bare scatter
# --------------------------------------------------------------------------------------
def bare_scatter(ring_size: int, n_events: int, row_len: float, repeats: int, seed: int = 0,
                 table_size: int | None = None) -> dict:
    """A bare numba scatter of the chip's delivery shape: ``n_events`` adds of int16 weights at
    random targets into an int64 array of ``ring_size``, walked as rows of ``row_len`` synapses
    (a spike's synapse list, uint32 targets as in the chip's tables) picked at random from a
    table of ``table_size`` synapses (the chip's synapse count), as spikes pick their rows.
    Timed without and with prefetching the row a few rows ahead (best of ``repeats`` each);
    ``events_per_s`` is the better of the two: the rate this machine reaches."""
    from numba import njit

    from neuromorph.kernels import _prefetch

    @njit(cache=False)
    def scatter(ring, ptr, tgt, w, visit, pf):
        for i in range(visit.size):
            if pf and i + 6 < visit.size:
                r6 = visit[i + 6]
                for o in range(ptr[r6], ptr[r6 + 1], 16):
                    _prefetch(tgt, o)
                _prefetch(w, ptr[r6])
            r = visit[i]
            for q in range(ptr[r], ptr[r + 1]):
                ring[tgt[q]] += np.int64(w[q])

    rng = np.random.default_rng(seed)
    n_events = max(int(n_events), 1)
    row_len = max(float(row_len), 1.0)
    table = max(int(table_size or n_events), int(math.ceil(row_len)))
    n_rows = max(1, int(round(table / row_len)))
    ptr = np.linspace(0, table, n_rows + 1).astype(np.int64)
    tgt = rng.integers(0, ring_size, table, dtype=np.uint32)
    w = rng.integers(-128, 128, table).astype(np.int16)
    visit = rng.integers(0, n_rows, max(1, int(round(n_events / row_len)))).astype(np.int64)
    events = int(np.sum(ptr[visit + 1] - ptr[visit]))
    ring = np.zeros(ring_size, np.int64)
    t0 = time.perf_counter()
    scatter(ring, ptr, tgt, w, visit[:1], False)
    compile_s = time.perf_counter() - t0
    best = {}
    for pf in (False, True):
        best[pf] = math.inf
        for _ in range(repeats):
            a = time.perf_counter()
            scatter(ring, ptr, tgt, w, visit, pf)
            best[pf] = min(best[pf], time.perf_counter() - a)
    loop = min(best.values())
    return dict(ring_size=int(ring_size), ring_bytes=int(ring_size * 8), events=events, row_len=row_len,
                table_synapses=table, loop_s=loop, events_per_s=events / loop,
                events_per_s_no_prefetch=events / best[False], events_per_s_prefetch=events / best[True],
                compile_s=compile_s)


# --------------------------------------------------------------------------------------
# (d) STDP
# --------------------------------------------------------------------------------------
STDP_W_MAX = 8e-12          # A (Song et al.'s g_max mapped to a current, as scenarios/song_stdp.py)
STDP_HEADROOM = 2.0         # v scale of the chip run (v never goes more than 1.67 θ below reset)


def stdp_network(seed: int = 0):
    """Song, Miller & Abbott (2000)-style network: 1,000 Poisson inputs at 10 Hz onto one LIF
    (tau_m 20 ms, E_L -70 mV, v_th -54 mV, v_reset -60 mV, tau_syn 5 ms) through plastic
    synapses with additive pair STDP (tau± = 20 ms, A+ = 0.005 w_max, A- = -1.05 A+, bounds
    [0, w_max], w_max = 8 pA), initial weights uniform on [0, w_max], dt = 0.1 ms.
    Returns (network, initial weights)."""
    from neuromorph.network import LIF, STDP, Network, PoissonSpikes

    dt, n_in, w_max = 1e-4, 1000, STDP_W_MAX
    rng = np.random.default_rng(seed)
    net = Network(dt=dt, name="stdp_song")
    net.add_source("in", n_in, PoissonSpikes(rate=10.0, seed=seed + 1))
    net.add_population("post", 1, LIF(tau_m=20e-3, g_L=10e-9, E_L=-70e-3, v_th=-54e-3, v_reset=-60e-3, t_ref=0.0,
                                      tau_syn=5e-3))
    rule = STDP(A_plus=0.005 * w_max, A_minus=-0.00525 * w_max, tau_plus=20e-3, tau_minus=20e-3, w_min=0.0,
                w_max=w_max)
    w0 = rng.uniform(0, w_max, n_in)
    net.connect("in", "post", weight=w0, delay=dt, pre_idx=np.arange(n_in), post_idx=np.zeros(n_in, np.int64),
                plasticity=rule)
    return net, w0


def _weight_stats(w: np.ndarray, w0: np.ndarray, w_max: float) -> dict:
    w = np.asarray(w, float)
    return dict(mean_w_pA=float(w.mean() * 1e12), sd_w_pA=float(w.std() * 1e12),
                mean_abs_dw_pA=float(np.mean(np.abs(w - w0)) * 1e12),
                frac_w_near_max=float(np.mean(w > 0.9 * w_max)), frac_w_near_zero=float(np.mean(w < 0.1 * w_max)))


def stdp_bench(duration: float, seed: int = 0, repeats: int = 3, headroom: float = STDP_HEADROOM,
               other_headrooms: tuple[float, ...] = (4.0,)) -> dict:
    """Song et al. (2000)-style STDP (:func:`stdp_network`) on the chip and on the float64
    reference (hardware-ordered mode), the same network and input spikes.

    Chip: compile, first call (numba compile or cache load), best-of-``repeats`` loop,
    counters (``syn_events``; ``syn_updates`` = plastic weight read-modify-writes, which
    must equal input spikes + post spikes x 1,000; ``trace_sat`` and the other overflows),
    post rate and final weights. Reference: one timed run after a 10-step warm-up. Then the
    speed ratio and the rate / weight agreement; ``other_headrooms`` adds the chip's post
    rate and mean weight at those headrooms (the plastic input's floor bias shrinks with
    the headroom).
    """
    from neuromorph.compiler import compile_network
    from neuromorph.simulator import Simulator

    net, w0 = stdp_network(seed)
    dt, n_in, w_max = net.dt, w0.size, STDP_W_MAX
    steps = max(1, int(round(duration / dt)))
    dur = steps * dt
    out = dict(inputs=n_in, synapses=n_in, duration_s=dur, dt=dt, steps=steps, seed=seed, headroom=headroom,
               w_max_pA=w_max * 1e12, mean_w_initial_pA=float(w0.mean() * 1e12))

    t0 = time.perf_counter()
    program = compile_network(net, headroom=headroom)
    compile_s = time.perf_counter() - t0
    first, loops, sim = timed_runs(program, steps, repeats)
    best = min(loops)
    ctr = {k: int(v.sum()) for k, v in sim.counter_table().items()}
    res = sim.result()
    n_in_spk, n_post = int(res.spikes.counts("in").sum()), int(res.spikes.counts("post").sum())
    wc = np.asarray(res.weights[0], float)
    overflow = {k: ctr.get(k, 0) for k in _overflow_kinds()}
    chip = dict(simulator="neuromorph", compile_s=compile_s, first_call_s=first, loop_s=best, loop_all_s=loops,
                repeats=len(loops), steps_per_s=steps / best, syn_events=ctr["syn_events"],
                syn_events_per_s=ctr["syn_events"] / best, syn_updates=ctr["syn_updates"],
                syn_updates_expected=n_in_spk + n_post * n_in, syn_updates_per_s=ctr["syn_updates"] / best,
                input_spikes=n_in_spk, post_spikes=n_post, post_rate_hz=n_post / dur, overflows=overflow,
                overflow_total=int(sum(overflow.values())), counters=ctr,
                weight_exp=int(program.projections[0].weight_exp),
                weight_lsb_pA=float(program.host.w_scale[0] * 1e12),
                ns_per_syn_update=best / max(ctr["syn_updates"], 1) * 1e9, **_weight_stats(wc, w0, w_max))
    out["chip"] = chip
    others = {}
    for h in other_headrooms:
        if h == headroom:
            continue
        r2 = Simulator(compile_network(net, headroom=h), strict=False).run(steps).result()
        n2 = int(r2.spikes.counts("post").sum())
        others[f"{h:g}"] = dict(post_spikes=n2, post_rate_hz=n2 / dur,
                                mean_w_pA=float(np.mean(r2.weights[0]) * 1e12))
    out["chip_other_headrooms"] = others

    try:
        from reference.analysis.agreement import weight_ks
        from reference.network_sim import simulate
    except ImportError as e:   # installed without the reference package
        out["reference"] = f"not run: {e}"
        return out
    t0 = time.perf_counter()
    simulate(net, 10, "hardware")       # numba compile or cache load
    ref_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    rr = simulate(net, steps, "hardware")
    ref_loop = time.perf_counter() - t0
    r_in, r_post = int(rr.spikes.counts("in").sum()), int(rr.spikes.counts("post").sum())
    wr = np.asarray(rr.weights[0], float)
    out["reference"] = dict(simulator="reference.network_sim (float64, hardware mode)", first_call_s=ref_first,
                            loop_s=ref_loop, steps_per_s=steps / ref_loop, syn_events=r_in,
                            syn_events_per_s=r_in / ref_loop, weight_updates=r_in + r_post * n_in,
                            weight_updates_per_s=(r_in + r_post * n_in) / ref_loop, input_spikes=r_in,
                            post_spikes=r_post, post_rate_hz=r_post / dur, **_weight_stats(wr, w0, w_max))
    dr, dc = float(np.mean(wr - w0)), float(np.mean(wc - w0))
    out["agreement"] = dict(
        speedup_chip_vs_reference=ref_loop / best, ratio_loop_chip_over_reference=best / ref_loop,
        same_input_spikes=n_in_spk == r_in,
        post_rate_rel_error=(n_post - r_post) / r_post if r_post else (0.0 if n_post == 0 else math.inf),
        mean_w_rel_error=float((wc.mean() - wr.mean()) / wr.mean()) if wr.mean() else math.nan,
        mean_drift_reference_pA=dr * 1e12, mean_drift_chip_pA=dc * 1e12,
        weight_ks=weight_ks(wr, wc)[0], weight_change_ks=weight_ks(wr - w0, wc - w0)[0],
        weight_ks_initial_vs_reference=weight_ks(w0, wr)[0])
    return out


# --------------------------------------------------------------------------------------
# External simulators (each in its own process; loaded from the shared .npz)
# --------------------------------------------------------------------------------------
def _external_result(name, spec, steps, spk_i, spk_t_steps, loops, timings, extra=None):
    n = spec["n"]
    outdeg = np.bincount(spec["pre"], minlength=n)
    st = spike_stats(np.asarray(spk_t_steps), np.asarray(spk_i), n, steps * CUBA["dt"], outdeg)
    best = min(loops)
    res = dict(simulator=name, neurons=n, synapses=int(spec["pre"].size), steps=steps, loop_s=best, loop_all_s=loops,
               repeats=len(loops), steps_per_s=steps / best, syn_events_per_s=st["syn_events"] / best,
               neuron_updates_per_s=n * steps / best, ns_per_event=best / max(st["syn_events"], 1) * 1e9, **st,
               **timings, peak_rss_mb=_rss_mb())
    res.update(extra or {})
    return res


def worker_brian2(spec_path: str, steps: int, repeats: int, mode: str) -> dict:
    """Brian2 (``standalone``: cpp_standalone; ``runtime``: cython, else numpy) on the spec."""
    t0 = time.perf_counter()
    import brian2 as b2
    t_import = time.perf_counter() - t0
    spec = load_spec(spec_path)
    c = CUBA
    n = spec["n"]
    tmp = None
    target = None
    if mode == "standalone":
        tmp = tempfile.mkdtemp(prefix="nm_brian2_")
        b2.set_device("cpp_standalone", directory=tmp, build_on_run=False)
    else:
        try:
            import Cython  # noqa: F401
            target = "cython"
        except ImportError:
            target = "numpy"
        b2.prefs.codegen.target = target
    b2.defaultclock.dt = c["dt"] * b2.second
    ns = dict(taum=c["tau_m"] * b2.second, taus=c["tau_syn"] * b2.second, gL=c["g_L"] * b2.siemens,
              El=c["E_L"] * b2.volt, Vt=c["v_th"] * b2.volt, Vr=c["v_reset"] * b2.volt)
    eqs = """dv/dt = (I/gL - (v - El))/taum : volt (unless refractory)
             dI/dt = -I/taus : amp"""
    t1 = time.perf_counter()
    P = b2.NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=c["t_ref"] * b2.second,
                       method="exact", namespace=ns)
    P.v = spec["v0"] * b2.volt
    S = b2.Synapses(P, P, "w : amp", on_pre="I += w")
    S.connect(i=spec["pre"], j=spec["post"])
    S.w = spec["w"] * b2.amp
    M = b2.SpikeMonitor(P)
    net = b2.Network(P, S, M)
    build = time.perf_counter() - t1
    duration = steps * c["dt"] * b2.second
    loops = []
    if mode == "standalone":
        net.run(duration)
        t2 = time.perf_counter()
        b2.device.build(directory=tmp, compile=True, run=True, with_output=False)
        first = time.perf_counter() - t2                       # C++ code generation + compile + first run
        loops.append(float(b2.device._last_run_time))
        for _ in range(repeats - 1):
            b2.device.run(directory=tmp, with_output=False)
            loops.append(float(b2.device._last_run_time))
        spk_i, spk_t = np.asarray(M.i[:]), np.asarray(M.t[:] / b2.second)
        shutil.rmtree(tmp, ignore_errors=True)
        timings = dict(import_s=t_import, build_s=build, first_call_s=first)
        extra = dict(mode="cpp_standalone", loop_source="device._last_run_time (C++ timer around the run)")
    else:
        net.store()
        t2 = time.perf_counter()
        net.run(c["dt"] * b2.second)                       # code generation / cython compile or cache load
        first = time.perf_counter() - t2
        for _ in range(repeats):
            net.restore()
            a = time.perf_counter()
            net.run(duration)
            loops.append(time.perf_counter() - a)
        spk_i, spk_t = np.asarray(M.i[:]), np.asarray(M.t[:] / b2.second)
        timings = dict(import_s=t_import, build_s=build, first_call_s=first)
        extra = dict(mode=f"runtime ({target})", loop_source="perf_counter around Network.run")
    extra["version"] = b2.__version__
    steps_idx = np.rint(spk_t / c["dt"]).astype(np.int64)
    return _external_result(f"brian2-{mode}", spec, steps, spk_i, steps_idx, loops, timings, extra)


def worker_nest(spec_path: str, steps: int, repeats: int, threads: int = 1) -> dict:
    """NEST ``iaf_psc_exp`` (exact integration, one tau_syn for E and I) on the spec."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    t0 = time.perf_counter()
    import nest
    t_import = time.perf_counter() - t0
    spec = load_spec(spec_path)
    c = CUBA
    n = spec["n"]
    ms, mV, pA = 1e3, 1e3, 1e12
    params = {"C_m": c["g_L"] * c["tau_m"] * pA, "tau_m": c["tau_m"] * ms, "E_L": c["E_L"] * mV,
              "V_th": c["v_th"] * mV, "V_reset": c["v_reset"] * mV, "t_ref": c["t_ref"] * ms,
              "tau_syn_ex": c["tau_syn"] * ms, "tau_syn_in": c["tau_syn"] * ms, "I_e": 0.0}
    loops, builds = [], []
    spk = None
    for _ in range(repeats):
        a = time.perf_counter()
        nest.ResetKernel()
        nest.set_verbosity("M_ERROR")
        nest.SetKernelStatus({"resolution": c["dt"] * ms, "local_num_threads": threads, "rng_seed": 1 + spec["seed"]})
        P = nest.Create("iaf_psc_exp", n, params=params)
        P.V_m = list(spec["v0"] * mV)
        ids = np.asarray(P.tolist(), np.int64)
        nest.Connect(ids[spec["pre"]], ids[spec["post"]], conn_spec="one_to_one",
                     syn_spec={"weight": spec["w"] * pA, "delay": np.full(spec["pre"].size, c["dt"] * ms)})
        rec = nest.Create("spike_recorder")
        nest.Connect(P, rec)
        builds.append(time.perf_counter() - a)
        a = time.perf_counter()
        nest.Simulate(steps * c["dt"] * ms)
        loops.append(time.perf_counter() - a)
        ev = rec.get("events")
        spk = (np.asarray(ev["senders"]) - ids[0], np.asarray(ev["times"]))
    steps_idx = np.rint(spk[1] / (c["dt"] * ms)).astype(np.int64) - 1
    return _external_result("nest", spec, steps, spk[0], steps_idx, loops,
                            dict(import_s=t_import, build_s=min(builds), first_call_s=0.0),
                            dict(mode=f"iaf_psc_exp, {threads} thread(s)", version=nest.__version__,
                                 loop_source="perf_counter around nest.Simulate"))


def worker_chip_cuba(spec_path: str, steps: int, repeats: int, threads: int = 1,
                     headroom: float = DEFAULT_HEADROOM) -> dict:
    t0 = time.perf_counter()
    import neuromorph.simulator  # noqa: F401
    t_import = time.perf_counter() - t0
    if threads != 1 and not _sim_threads_supported():
        return dict(threads=threads, unsupported="Simulator has no threads option")
    spec = load_spec(spec_path)
    program, timings = chip_cuba_program(spec, headroom)
    res = measure_chip(program, dict(import_s=t_import, **timings), steps, repeats, threads=threads)
    res.update(headroom=headroom, peak_rss_mb=_rss_mb(), quantization=_quant_summary(program))
    if threads != 1:
        res.update(threads_interleaved(program, steps, repeats, threads))
    return res


def threads_interleaved(program, steps: int, rounds: int, threads: int) -> dict:
    """1 thread and ``threads`` threads, one run each per round, alternating in this process
    (the machine's speed drifts over seconds): every loop time, and speedups min/min and
    median/median."""
    from neuromorph.simulator import Simulator

    times: dict[int, list[float]] = {1: [], threads: []}
    for t in times:
        Simulator(program, strict=False, threads=t).run(2)
    for _ in range(max(1, rounds)):
        for t in times:
            sim = Simulator(program, strict=False, threads=t)
            times[t].append(_timer(lambda: sim.run(steps))())
    med = {t: float(np.median(v)) for t, v in times.items()}
    return dict(interleaved_loops_1thread=times[1], interleaved_loops_threads=times[threads],
                speedup_threads_min=min(times[1]) / min(times[threads]), speedup_threads_median=med[1] / med[threads])


def _quant_summary(program) -> list[dict]:
    return [dict(owner=p["owner"], name=p["name"], requested=p["requested"], realised=p["realised"],
                 rel_error=p["rel_error"]) for p in program.report.parameters
            if p["name"] in ("tau_m", "tau_syn", "weight", "I_bias", "v_th") and p["owner"] != "inh"]


def worker_oneshot(kind: str, spec_path: str, steps: int) -> dict:
    """What a user's command does: import, build the spec's network, run ``steps`` once, exit."""
    if kind in ("neuromorph", "chip1k"):
        from neuromorph.simulator import Simulator
        program = chip_cuba_program(load_spec(spec_path))[0] if kind == "neuromorph" else _chip1k_program()[0]
        sim = Simulator(program, strict=False).run(steps)
        return dict(spikes=int(sim.counter_table()["spikes"].sum()), peak_rss_mb=_rss_mb())
    if kind in ("brian2-standalone", "brian2-runtime"):
        r = worker_brian2(spec_path, steps, 1, kind.split("-")[1])
    elif kind == "nest":
        r = worker_nest(spec_path, steps, 1)
    else:
        raise ValueError(kind)
    return dict(spikes=r["spikes"], peak_rss_mb=r["peak_rss_mb"])


# --------------------------------------------------------------------------------------
# Subprocess plumbing
# --------------------------------------------------------------------------------------
def _self_cmd(python: str) -> list[str]:
    return [python, str(Path(__file__).resolve())]


def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYNEST_QUIET", "1")
    env.update(extra or {})
    return env


def run_worker(args: list[str], python: str | None = None, timeout: float = 1800, env: dict | None = None):
    """Run ``bench.py --worker ...`` in a fresh process; returns (result dict or None, wall s, error)."""
    cmd = _self_cmd(python or sys.executable) + args
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(env))
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t0, f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - t0
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):]), wall, None
    tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
    return None, wall, f"exit {p.returncode}: " + " | ".join(tail)


def _probe(python: str, module: str) -> str | None:
    """None when ``module`` imports under ``python``, else the reason."""
    if not python or not Path(python).exists() and shutil.which(python) is None:
        return f"interpreter {python!r} not found"
    p = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True, env=_env(), timeout=300)
    if p.returncode == 0:
        return None
    lines = (p.stderr or "").strip().splitlines()
    return lines[-1] if lines else f"exit {p.returncode}"


def find_brian2_python(explicit: str | None) -> tuple[str | None, str]:
    """The interpreter that imports brian2: ``explicit``, $NEUROMORPH_BRIAN2_PYTHON or this one."""
    cands = [c for c in (explicit, os.environ.get("NEUROMORPH_BRIAN2_PYTHON"), sys.executable) if c]
    reasons = []
    for c in dict.fromkeys(cands):
        why = _probe(c, "brian2")
        if why is None:
            return c, ""
        reasons.append(f"{c}: {why}")
    return None, "; ".join(reasons)


def _time_import(python: str, stmt: str, repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", stmt], capture_output=True, env=_env(), check=True)
        best = min(best, time.perf_counter() - t0)
    return best


_LATENCY_SNIPPET = """
import json, time
t0 = time.perf_counter()
from neuromorph.network import Network, LIFRegisters
from neuromorph.simulator import Simulator
net = Network(dt=1e-3); net.add_population("x", 4, LIFRegisters(du=100, dv=100, vth=10, bias_mant=100))
t1 = time.perf_counter()
Simulator(net, strict=False).run(1)
t2 = time.perf_counter()
print("BENCH_JSON " + json.dumps(dict(import_s=t1 - t0, first_run_s=t2 - t1)))
"""


def latency_bench(cold: bool, repeats: int) -> dict:
    """First-run latency: numba compile with an empty cache (a fresh NUMBA_CACHE_DIR, in a
    subprocess), the same with the cache it left (warm), and import time."""
    py = sys.executable
    out = {}

    def once(env):
        t0 = time.perf_counter()
        p = subprocess.run([py, "-c", _LATENCY_SNIPPET], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        line = [ln for ln in p.stdout.splitlines() if ln.startswith("BENCH_JSON ")]
        if not line:
            raise RuntimeError((p.stderr or "").strip().splitlines()[-1:])
        return dict(json.loads(line[-1][11:]), process_s=wall)

    if cold:
        tmp = tempfile.mkdtemp(prefix="nm_numba_cache_")
        try:
            env = _env({"NUMBA_CACHE_DIR": tmp})
            out["cold_cache"] = once(env)
            out["warm_cache"] = min((once(env) for _ in range(repeats)), key=lambda d: d["process_s"])
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:        # --quick: the user's own cache (filled by the first call)
        env = _env()
        once(env)
        out["cold_cache"] = "not measured (--quick)"
        out["warm_cache"] = min((once(env) for _ in range(repeats)), key=lambda d: d["process_s"])
    base = _time_import(py, "pass", repeats)
    out["python_startup_s"] = base
    out["import_neuromorph_s"] = _time_import(py, "import neuromorph", repeats)
    out["import_neuromorph_net_s"] = out["import_neuromorph_s"] - base
    out["import_simulator_s"] = _time_import(py, "import neuromorph.simulator", repeats) - base
    return out


# --------------------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------------------
def _machine() -> dict:
    info = dict(platform=platform.platform(), python=platform.python_version(), nproc=os.cpu_count())
    try:
        info["cpu"] = next(ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor()
    try:
        info["loadavg"] = os.getloadavg()
    except OSError:
        pass
    try:
        import numba
        info["numba"] = numba.__version__
    except ImportError:
        pass
    info["numpy"] = np.__version__
    try:
        root = Path(__file__).resolve().parents[2]
        info["git"] = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                     text=True).stdout.strip()
        info["git_dirty_kernels"] = bool(subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "neuromorph/kernels.py", "neuromorph/simulator.py",
             "neuromorph/compiler.py"], capture_output=True, text=True).stdout.strip())
    except OSError:
        pass
    return info


def unknown_benchmarks(only, cuba_sizes) -> tuple[list[str], list[str]]:
    """(names in ``only`` that prefix no benchmark, the benchmark names)."""
    known = [f"cuba{n // 1000}k" if n % 1000 == 0 else f"cuba{n}" for n in cuba_sizes] + [
        "chip1k", "scatter", "stdp", "latency"]
    return [o for o in (only or []) if not any(k.startswith(o) for k in known)], known


def run_suite(quick: bool = False, compare: bool = False, out_dir: str | Path = "out/bench", seed: int = 0,
              brian2_python: str | None = None, cold: bool | None = None, only: list[str] | None = None,
              sizes: tuple[int, ...] | None = None, steps: int | None = None, log=print) -> dict:
    """Run the benchmarks (``only``: name prefixes) and write ``out_dir/bench.json``; returns the dict.

    ``sizes``/``steps`` override the CUBA sizes and step count of the chosen configuration."""
    cfg = dict(QUICK if quick else FULL)
    if sizes:
        cfg["cuba"] = tuple(sizes)
    if steps:
        cfg["steps"] = int(steps)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t_suite = time.perf_counter()
    steps, reps = cfg["steps"], cfg["repeats"]
    unknown, known = unknown_benchmarks(only, cfg["cuba"])
    if unknown:
        from neuromorph.errors import ParameterError

        raise ParameterError("--only", unknown[0], f"a prefix of one of {known}", "neuromorph bench")
    want = (lambda k: True) if not only else (lambda k: any(k.startswith(o) for o in only))
    threads2 = (not quick) and (os.cpu_count() or 1) >= 2
    R = dict(quick=quick, machine=_machine(), config=dict(cfg, cuba=list(cfg["cuba"])), cuba_model=CUBA,
             benchmarks={}, compare={}, errors={})
    B = R["benchmarks"]

    # (a), (b): CUBA on the chip
    specs = {}
    for n in cfg["cuba"]:
        key = f"cuba{n // 1000}k" if n % 1000 == 0 else f"cuba{n}"
        if not want(key):
            continue
        spec = cuba_spec(n, seed)
        path = save_spec(spec, out / f"{key}.npz")
        specs[key] = path
        log(f"[{key}] {n} neurons, {spec['pre'].size:,} synapses: chip ...")
        r, wall, err = run_worker(["--worker", "chip-cuba", str(path), str(steps), str(reps)])
        if r is None:
            R["errors"][key] = err
            log(f"  failed: {err}")
            continue
        r["benchmark"] = key
        whole = [run_worker(["--worker", "oneshot", "neuromorph", str(path), str(steps)]) for _ in
                 range(cfg["whole_repeats"])]
        ok = [w for w in whole if w[0] is not None]
        r["whole_s"] = min(w[1] for w in ok) if ok else None
        r["peak_rss_mb_oneshot"] = min(w[0]["peak_rss_mb"] for w in ok) if ok else None
        if threads2:      # the same with 2 numba threads (Simulator(threads=2)), loop only
            r2, _, err2 = run_worker(["--worker", "chip-cuba", str(path), str(steps), str(reps), "2"])
            if r2 is not None and "loop_s" in r2:
                r["loop_s_2threads"] = r2["loop_s"]
                r["speedup_2threads"] = r["loop_s"] / r2["loop_s"]
                r["same_spikes_2threads"] = r2["counters"] == r["counters"]
                r["speedup_2threads_interleaved_min"] = r2["speedup_threads_min"]
                r["speedup_2threads_interleaved_median"] = r2["speedup_threads_median"]
            else:
                r["loop_s_2threads"] = None
                r["threads_note"] = err2 or r2.get("unsupported")
        B[key] = r
        log(f"  loop {r['loop_s']:.3f} s, {r['syn_events_per_s'] / 1e6:.1f} M ev/s, rate {r['rate_hz']:.2f} Hz, "
            f"CV {r['cv_isi']:.2f}, overflows {r['overflow_total']}, whole {r['whole_s'] or float('nan'):.2f} s"
            + (f", 2 threads {r['loop_s_2threads']:.3f} s" if r.get("loop_s_2threads") else ""))

    # (c) the 1,000-neuron benchmark
    if want("chip1k"):
        log("[chip1k] scenarios/bench_chip.py network ...")
        r, wall, err = run_worker(["--worker", "chip1k", str(min(1000, steps)), str(cfg["chip1k_repeats"])])
        if r is None:
            R["errors"]["chip1k"] = err
            log(f"  failed: {err}")
        else:
            r["benchmark"] = "chip1k"
            whole = [run_worker(["--worker", "oneshot", "chip1k", "-", str(min(1000, steps))])
                     for _ in range(cfg["whole_repeats"])]
            ok = [w for w in whole if w[0] is not None]
            r["whole_s"] = min(w[1] for w in ok) if ok else None
            r["peak_rss_mb_oneshot"] = min(w[0]["peak_rss_mb"] for w in ok) if ok else None
            B["chip1k"] = r
            log(f"  loop {r['loop_s'] * 1e3:.1f} ms, {r['steps_per_s']:,.0f} steps/s "
                f"({r['steps_per_s'] / 1000:.0f}x Lava's ~1,000), {r['syn_events_per_s'] / 1e6:.1f} M ev/s")

    # (f) bare scatter of the same shape, and the delivery fraction
    if want("scatter"):
        log("[scatter] bare numba scatter of the chip's delivery shape ...")
        r, wall, err = run_worker(["--worker", "scatter", json.dumps(
            {k: dict(ring=int(v["ring_slots"]) * (v["neurons"] + v["sources"]), events=v["syn_events"],
                     row=v["syn_events"] / max(v["spikes"], 1), steps=v["steps"], loop_s=v["loop_s"],
                     table=v.get("synapses"),
                     spec=str(specs[k]) if k in specs else None)
             for k, v in B.items()}), str(max(3, reps)), str(reps), str(steps)])
        if r is None:
            R["errors"]["scatter"] = err
            log(f"  failed: {err}")
        else:
            R["scatter"] = r
            for k, s in r.items():
                if k in B:
                    B[k]["bare_scatter_events_per_s"] = s["events_per_s"]
                    B[k]["fraction_of_bare_scatter_whole_loop"] = B[k]["syn_events_per_s"] / s["events_per_s"]
                    rr = s.get("route_replay")
                    if rr:
                        B[k]["delivery_s"] = rr["route_s"]
                        B[k]["delivery_events_per_s"] = rr["events_per_s"]
                        B[k]["fraction_of_bare_scatter_delivery"] = rr["events_per_s"] / s["events_per_s"]
                        B[k].update(phase_floor(B[k], rr, s))
                        log(f"  {k}: loop {B[k]['phase_loop_s']:.4f} s = integrate {rr['integrate_s']:.4f} + route "
                            f"{rr['route_s']:.4f} + bookkeeping {B[k]['bookkeeping_s']:.4f}; floor "
                            f"{B[k]['floor_s']:.4f} s (bare integrate {rr['bare_integrate_s']:.4f} + bare scatter "
                            f"{B[k]['floor_scatter_s']:.4f}); loop / floor {B[k]['loop_over_floor']:.2f}")
                    log(f"  {k}: bare {s['events_per_s'] / 1e6:.0f} M ev/s; chip whole loop "
                        f"{100 * B[k]['fraction_of_bare_scatter_whole_loop']:.1f} %")

    # (d) STDP
    if want("stdp"):
        log("[stdp] ...")
        r, wall, err = run_worker(["--worker", "stdp", str(cfg["stdp_s"]), str(reps), str(seed)])
        if r is None:
            R["errors"]["stdp"] = err
            log(f"  failed: {err}")
        else:
            r["whole_s"] = wall
            B["stdp"] = r
            c = r["chip"]
            log(f"  chip: loop {c['loop_s']:.3f} s for {r['duration_s']:g} s, {c['steps_per_s']:,.0f} steps/s, "
                f"{c['syn_updates_per_s'] / 1e6:.1f} M weight updates/s, post {c['post_rate_hz']:.1f} Hz")
            if isinstance(r.get("reference"), dict):
                ref, ag = r["reference"], r["agreement"]
                log(f"  reference: loop {ref['loop_s']:.2f} s, post {ref['post_rate_hz']:.1f} Hz; chip "
                    f"{ag['speedup_chip_vs_reference']:.0f}x faster, rate {100 * ag['post_rate_rel_error']:+.1f} %, "
                    f"weight KS {ag['weight_ks']:.3f}")

    # (e) latency
    if want("latency"):
        log("[latency] numba compile (empty cache / warm cache), import ...")
        try:
            R["latency"] = latency_bench(cold=(not quick) if cold is None else cold, repeats=2 if quick else 3)
            lat = R["latency"]
            if isinstance(lat["cold_cache"], dict):
                log(f"  empty cache: first run {lat['cold_cache']['first_run_s']:.1f} s "
                    f"(process {lat['cold_cache']['process_s']:.1f} s)")
            log(f"  warm cache: first run {lat['warm_cache']['first_run_s']:.2f} s; "
                f"import neuromorph {lat['import_neuromorph_net_s'] * 1e3:.0f} ms over python startup")
        except Exception as e:    # noqa: BLE001 - reported, not hidden
            R["errors"]["latency"] = repr(e)

    # side by side
    first_cuba = next(iter(specs), None)
    if compare and first_cuba:
        R["compare"] = compare_cuba(specs[first_cuba], B[first_cuba] if first_cuba in B else None, steps, reps,
                                    cfg["whole_repeats"], brian2_python, log)
    R["suite_s"] = time.perf_counter() - t_suite
    (out / "bench.json").write_text(json.dumps(R, indent=2, default=_jsonable))
    return R


def _jsonable(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


def compare_cuba(spec_path: Path, chip: dict | None, steps: int, reps: int, whole_reps: int,
                 brian2_python: str | None, log=print, rounds: int = 3) -> dict:
    """Brian2 cpp_standalone, Brian2 runtime and NEST on the same CUBA spec; ratios to the chip.

    The machine's speed drifts over seconds, so each simulator's loop is measured in
    ``rounds`` rounds interleaved with a fresh chip measurement (chip, other, chip, other,
    ...); every loop figure is the best over its rounds (each itself best of ``reps``), and
    the ratios use the chip's best over all its rounds.
    """
    out = dict(network=str(spec_path), sims={}, unavailable={}, rounds=rounds)
    chip_loops = [chip["loop_s"]] if chip else []
    b2py, why = find_brian2_python(brian2_python)
    jobs = []
    if b2py:
        jobs += [("brian2-standalone", b2py), ("brian2-runtime", b2py)]
    else:
        out["unavailable"]["brian2"] = why
    why_nest = _probe(sys.executable, "nest")
    if why_nest is None:
        jobs.append(("nest", sys.executable))
    else:
        out["unavailable"]["nest"] = why_nest
    for kind, py in jobs:
        log(f"[compare] {kind} ({py}) ...")
        args = {"brian2-standalone": ["--worker", "brian2", str(spec_path), str(steps), str(reps), "standalone"],
                "brian2-runtime": ["--worker", "brian2", str(spec_path), str(steps), str(reps), "runtime"],
                "nest": ["--worker", "nest", str(spec_path), str(steps), str(reps)]}[kind]
        r, wall, err = run_worker(args, python=py)
        if r is None:
            out["unavailable"][kind] = err
            log(f"  failed: {err}")
            continue
        tries = [r]
        for _ in range(rounds - 1 if chip else 0):      # interleave: chip, this simulator, ...
            c2, _, _ = run_worker(["--worker", "chip-cuba", str(spec_path), str(steps), str(reps)])
            if c2 is not None:
                chip_loops.append(c2["loop_s"])
            r2, _, _ = run_worker(args, python=py)
            if r2 is not None:
                tries.append(r2)
        r = min(tries, key=lambda x: x["loop_s"])
        r["loop_s_rounds"] = [x["loop_s"] for x in tries]
        whole = [run_worker(["--worker", "oneshot", kind, str(spec_path), str(steps)], python=py)
                 for _ in range(whole_reps)]
        ok = [w for w in whole if w[0] is not None]
        r["whole_s"] = min(w[1] for w in ok) if ok else None
        r["peak_rss_mb_oneshot"] = min(w[0]["peak_rss_mb"] for w in ok) if ok else None
        r["python"] = py
        out["sims"][kind] = r
        log(f"  loop {r['loop_s']:.3f} s (rounds {', '.join(f'{x:.3f}' for x in r['loop_s_rounds'])}), "
            f"whole {r['whole_s'] or float('nan'):.1f} s, rate {r['rate_hz']:.2f} Hz, CV {r['cv_isi']:.2f}; "
            f"chip so far {min(chip_loops) if chip_loops else float('nan'):.3f} s")
    if chip:
        best = min(chip_loops)
        out["chip_loop_s_rounds"] = chip_loops
        out["chip_loop_s"] = best
        for kind, r in out["sims"].items():
            r["ratio_loop"] = best / r["loop_s"]
            r["ratio_whole"] = chip["whole_s"] / r["whole_s"] if r["whole_s"] and chip.get("whole_s") else None
            r["ratio_ns_per_event"] = (best / max(chip["syn_events"], 1)) / (r["loop_s"] / max(r["syn_events"], 1))
            log(f"  neuromorph/{kind}: loop {r['ratio_loop']:.2f}x (chip best {best:.3f} s over "
                f"{len(chip_loops)} measurements)")
    return out


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------
def _f(x, fmt):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, fmt)


def format_stdp(s: dict) -> list[str]:
    """The (d) STDP lines: chip and reference side by side, then the agreement."""
    c = s["chip"]
    lines = [f"stdp: Song et al. 2000, {s['inputs']:,} Poisson inputs at 10 Hz -> 1 LIF, additive STDP, "
             f"{s['duration_s']:g} s at dt = {s['dt'] * 1e3:g} ms ({s['steps']:,} steps); chip headroom "
             f"{s['headroom']:g}, weight_exp {c['weight_exp']}, W LSB {c['weight_lsb_pA'] * 1e3:.2f} fA; "
             f"loops best of {c['repeats']}"]
    hdr = (f"{'stdp':<10} {'compile s':>9} {'first s':>7} {'loop s':>8} {'steps/s':>9} {'Mev/s':>6} "
           f"{'Mupd/s':>7} {'post Hz':>7} {'mean w pA':>9} {'<0.1':>5} {'>0.9':>5} {'ovf':>3}")
    lines += [hdr, "-" * len(hdr)]
    rows = [("chip", c)]
    ref = s.get("reference")
    if isinstance(ref, dict):
        rows.append(("reference", ref))
    for name, r in rows:
        upd = r.get("syn_updates_per_s", r.get("weight_updates_per_s"))
        lines.append(f"{name:<10} {_f(r.get('compile_s'), '.3f'):>9} {_f(r.get('first_call_s'), '.2f'):>7} "
                     f"{r['loop_s']:>8.3f} {r['steps_per_s']:>9,.0f} {r['syn_events_per_s'] / 1e6:>6.2f} "
                     f"{_f(upd / 1e6 if upd is not None else None, '.1f'):>7} {r['post_rate_hz']:>7.1f} "
                     f"{r['mean_w_pA']:>9.3f} {r['frac_w_near_zero']:>5.3f} {r['frac_w_near_max']:>5.3f} "
                     f"{str(r.get('overflow_total', '-')):>3}")
    if isinstance(ref, dict):
        ag = s["agreement"]
        lines.append(f"stdp: chip/reference loop {ag['ratio_loop_chip_over_reference']:.4f} "
                     f"({ag['speedup_chip_vs_reference']:.0f}x faster); chip vs reference: post rate "
                     f"{100 * ag['post_rate_rel_error']:+.1f} %, mean w {100 * ag['mean_w_rel_error']:+.2f} %, "
                     f"mean drift {ag['mean_drift_chip_pA']:+.3f} vs {ag['mean_drift_reference_pA']:+.3f} pA, "
                     f"weight KS {ag['weight_ks']:.3f}, weight-change KS {ag['weight_change_ks']:.3f}; "
                     f"syn_updates {c['syn_updates']:,} (expected {c['syn_updates_expected']:,})")
    else:
        lines.append(f"stdp: reference: {ref}")
    for h, o in (s.get("chip_other_headrooms") or {}).items():
        lines.append(f"stdp: chip at headroom {h}: post {o['post_rate_hz']:.1f} Hz, mean w {o['mean_w_pA']:.3f} pA")
    return lines


def format_table(R: dict) -> str:
    B = R["benchmarks"]
    lines = []
    m = R["machine"]
    lines.append(f"machine: {m.get('cpu')} x {m.get('nproc')}, python {m.get('python')}, numba {m.get('numba')}, "
                 f"git {m.get('git')}{' (kernels modified)' if m.get('git_dirty_kernels') else ''}; "
                 f"loops are best of {R['config']['repeats']}")
    hdr = (f"{'benchmark':<10} {'neurons':>7} {'synapses':>10} {'steps':>6} {'compile s':>9} {'first s':>7} "
           f"{'loop s':>8} {'whole s':>7} {'steps/s':>9} {'Mev/s':>7} {'Mupd/s':>7} {'ns/ev':>6} {'Hz':>5} "
           f"{'CV':>4} {'ovf':>3} {'B/syn':>5} {'B/neu':>5} {'RSS MB':>6}")
    if any(k != "stdp" for k in B):
        lines.append(hdr)
        lines.append("-" * len(hdr))
    for k, r in B.items():
        if k == "stdp":
            continue
        lines.append(
            f"{k:<10} {r['neurons']:>7,} {r['synapses']:>10,} {r['steps']:>6} {_f(r.get('compile_s'), '9.2f')} "
            f"{_f(r.get('first_call_s'), '7.2f')} {_f(r['loop_s'], '8.3f')} {_f(r.get('whole_s'), '7.2f')} "
            f"{_f(r['steps_per_s'], '9,.0f')} {_f(r['syn_events_per_s'] / 1e6, '7.1f')} "
            f"{_f(r['neuron_updates_per_s'] / 1e6, '7.0f')} {_f(r['ns_per_event'], '6.1f')} {_f(r['rate_hz'], '5.2f')} "
            f"{_f(r['cv_isi'], '4.2f')} {r['overflow_total']:>3} {_f(r['bytes_per_synapse'], '5.2f')} "
            f"{_f(r['bytes_per_neuron'], '5.0f')} {_f(r.get('peak_rss_mb_oneshot') or r.get('peak_rss_mb'), '6.0f')}")
    th = [(k, r) for k, r in B.items() if r.get("loop_s_2threads")]
    if th:
        lines.append("numba threads (Simulator(threads=2)), loop s 1 -> 2 threads: " + ", ".join(
            f"{k} {r['loop_s']:.3f} -> {r['loop_s_2threads']:.3f} ({r['speedup_2threads']:.2f}x"
            f"{'' if r['same_spikes_2threads'] else ', COUNTERS DIFFER'})" for k, r in th))
        if any("speedup_2threads_interleaved_min" in r for _, r in th):
            lines.append("numba threads, 1 and 2 threads alternating in one process, speedup min/min, median/median: "
                         + ", ".join(f"{k} {r['speedup_2threads_interleaved_min']:.2f}x / "
                                     f"{r['speedup_2threads_interleaved_median']:.2f}x" for k, r in th
                                     if "speedup_2threads_interleaved_min" in r))
    if "stdp" in B:
        lines.extend(format_stdp(B["stdp"]))
    if "scatter" in R:
        for k, s in R["scatter"].items():
            if k in B:
                r = B[k]
                d = r.get("fraction_of_bare_scatter_delivery")
                lines.append(f"scatter[{k}]: bare loop {s['events_per_s'] / 1e6:.0f} M ev/s "
                             f"({s['events_per_s_no_prefetch'] / 1e6:.0f} without prefetch) into "
                             f"{s['ring_bytes'] / 1024:.0f} KiB from {s['table_synapses'] / 1e6:.2f} M synapses; "
                             f"chip whole loop {100 * r['fraction_of_bare_scatter_whole_loop']:.1f} % of it"
                             + (f"; delivery alone (route replay) {r['delivery_events_per_s'] / 1e6:.0f} M ev/s = "
                                f"{100 * d:.0f} % of it" if d else ""))
                if "floor_s" in r:
                    lines.append(f"floor[{k}]: loop {r['phase_loop_s']:.4f} s = integrate {r['integrate_s']:.4f} + route "
                                 f"{r['route_s']:.4f} + bookkeeping {r['bookkeeping_s']:.4f}; floor {r['floor_s']:.4f} s "
                                 f"= bare integrate {r['bare_integrate_s']:.4f} + bare scatter {r['floor_scatter_s']:.4f}; "
                                 f"loop / floor = {r['loop_over_floor']:.2f}")
    if "latency" in R:
        L = R["latency"]
        cold = L["cold_cache"]
        lines.append("latency: empty numba cache: " + (f"first run {cold['first_run_s']:.1f} s, process {cold['process_s']:.1f} s"
                                                       if isinstance(cold, dict) else str(cold))
                     + f"; warm cache: first run {L['warm_cache']['first_run_s']:.2f} s, process "
                     f"{L['warm_cache']['process_s']:.2f} s; import neuromorph {1e3 * L['import_neuromorph_net_s']:.0f} ms, "
                     f"neuromorph.simulator {1e3 * L['import_simulator_s']:.0f} ms (over python startup "
                     f"{1e3 * L['python_startup_s']:.0f} ms)")
    C = R.get("compare") or {}
    if C.get("sims") or C.get("unavailable"):
        chip = next((B[k] for k in B if k.startswith("cuba")), None)
        lines.append("")
        lines.append(f"side by side, CUBA {chip['neurons'] if chip else '?'} (same connectivity, weights, V0); "
                     f"loops best of {C.get('rounds', 1)} interleaved rounds (chip, other, chip, other, ...):")
        h2 = (f"{'simulator':<18} {'loop s':>8} {'whole s':>8} {'first s':>8} {'Hz':>5} {'CV':>4} {'Mev/s':>7} "
              f"{'RSS MB':>6} {'nm/x loop':>9} {'nm/x whole':>10}")
        lines.append(h2)
        lines.append("-" * len(h2))
        if chip:
            lines.append(f"{'neuromorph (chip)':<18} {C.get('chip_loop_s', chip['loop_s']):>8.3f} "
                         f"{_f(chip.get('whole_s'), '8.2f')} "
                         f"{_f(chip.get('first_call_s'), '8.2f')} {chip['rate_hz']:>5.2f} {chip['cv_isi']:>4.2f} "
                         f"{chip['syn_events_per_s'] / 1e6:>7.1f} {_f(chip.get('peak_rss_mb_oneshot'), '6.0f')} "
                         f"{'1.00':>9} {'1.00':>10}")
        for k, r in C.get("sims", {}).items():
            lines.append(f"{k:<18} {r['loop_s']:>8.3f} {_f(r.get('whole_s'), '8.2f')} {_f(r.get('first_call_s'), '8.2f')} "
                         f"{r['rate_hz']:>5.2f} {r['cv_isi']:>4.2f} {r['syn_events_per_s'] / 1e6:>7.1f} "
                         f"{_f(r.get('peak_rss_mb_oneshot'), '6.0f')} {_f(r.get('ratio_loop'), '9.2f')} "
                         f"{_f(r.get('ratio_whole'), '10.2f')}")
        for k, why in C.get("unavailable", {}).items():
            lines.append(f"{k:<18} not run: {why}")
    for k, e in R.get("errors", {}).items():
        lines.append(f"ERROR {k}: {e}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------
def _worker_main(argv: list[str]) -> int:
    kind, rest = argv[0], argv[1:]
    if kind == "chip-cuba":
        res = worker_chip_cuba(rest[0], int(rest[1]), int(rest[2]), int(rest[3]) if len(rest) > 3 else 1)
    elif kind == "chip1k":
        program, timings = _chip1k_program()
        res = measure_chip(program, timings, int(rest[0]), int(rest[1]))
        res.update(peak_rss_mb=_rss_mb())
    elif kind == "scatter":
        shapes, reps, replay_reps, steps = json.loads(rest[0]), int(rest[1]), int(rest[2]), int(rest[3])
        res = {}
        for k, s in shapes.items():
            res[k] = bare_scatter(s["ring"], s["events"], s["row"], reps, table_size=s.get("table"))
            res[k]["route_replay"] = _phase_profile(k, s.get("spec"), s["steps"], replay_reps)
    elif kind == "stdp":
        res = stdp_bench(float(rest[0]), seed=int(rest[2]) if len(rest) > 2 else 0,
                         repeats=int(rest[1]) if len(rest) > 1 else 3)
        res.update(peak_rss_mb=_rss_mb())
    elif kind == "brian2":
        res = worker_brian2(rest[0], int(rest[1]), int(rest[2]), rest[3])
    elif kind == "nest":
        res = worker_nest(rest[0], int(rest[1]), int(rest[2]))
    elif kind == "oneshot":
        res = worker_oneshot(rest[0], rest[1], int(rest[2]))
    else:
        raise SystemExit(f"unknown worker {kind!r}")
    print("BENCH_JSON " + json.dumps(res, default=_jsonable))
    return 0


def build_parser(ap: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    ap = ap or argparse.ArgumentParser(prog="neuromorph bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--compare", action="store_true", help="also run Brian2 (cpp_standalone, runtime) and NEST on CUBA")
    ap.add_argument("--quick", action="store_true", help="small sizes and few repeats (CI smoke test)")
    ap.add_argument("--out", default="out/bench", help="output folder for bench.json and the network .npz files")
    ap.add_argument("--json", action="store_true", help="print the JSON result instead of the table")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", nargs="*", help="run only these benchmarks (cuba4k chip1k scatter stdp latency ...)")
    ap.add_argument("--brian2-python", help="interpreter that imports brian2 (default: $NEUROMORPH_BRIAN2_PYTHON, "
                                            "then this one)")
    ap.add_argument("--cold", action=argparse.BooleanOptionalAction, default=None,
                    help="measure numba compile with an empty cache (default: on, off with --quick)")
    return ap


def main(args: argparse.Namespace | list[str] | None = None) -> int:
    if not isinstance(args, argparse.Namespace):
        args = build_parser().parse_args(args)
    log = (lambda *a, **k: print(*a, file=sys.stderr, **k)) if args.json else print
    R = run_suite(quick=args.quick, compare=args.compare, out_dir=args.out, seed=args.seed,
                  brian2_python=args.brian2_python, cold=args.cold, only=args.only, log=log)
    if args.json:
        print(json.dumps(R, indent=2, default=_jsonable))
    else:
        print()
        print(format_table(R))
        print(f"\nJSON: {Path(args.out) / 'bench.json'}")
    return 0 if not R["errors"] else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        sys.exit(_worker_main(sys.argv[2:]))
    sys.exit(main())

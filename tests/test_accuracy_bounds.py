"""Chip vs hardware-ordered float reference: the error bounds derived in docs/error-bounds.md.

Random register-level feed-forward networks (sources -> LIF) on the loihi preset and on a
non-loihi chip (tests/error_bounds.py NARROW); the float side runs the same registers as
exact reals with the same chip's widths. Every step of every neuron must satisfy
|u_f - u_c| <= B_u and |v_f - v_c| <= B_v, and chip and float must spike in the same steps
until the first step at which a neuron comes within B_v of its threshold.

The bounds assume no wrap or saturation. Instead of discarding draws that overflow, the
strategy ends each run before the first step at which the chip *could* overflow: a
magnitude bound on |a|, |u| and |v| from the drawn registers, weights and the sources'
actual spike schedule (so every example runs; strict mode proves the construction).
"""

import numpy as np
from hypothesis import HealthCheck, event, given, settings, strategies as st

from neuromorph.hardware import LOIHI
from neuromorph.network import LIFRegisters, Network, PoissonSpikes
from neuromorph.simulator import Simulator
from reference.network_sim import simulate

from error_bounds import NARROW, check_within_derived_bounds


def safe_steps(net: Network, regs: dict[str, LIFRegisters], core, n_steps: int) -> int:
    """The number of leading steps (<= n_steps) in which no accumulator, u or v can overflow.

    Per neuron: A[k] = sum of |w| << weight_exp of the synapses whose spike arrives in step k
    (the sources' own schedule), U[k] = a_u U[k-1] + A[k] << input_shift,
    V[k] = max(V[k-1], a_v V[k-1] + U[k] + |bias|). trunc0 and the resets only shrink
    magnitudes, so |a| <= A, |u| <= U, |v| <= V on the chip and on the float side alike.
    """
    src = net.populations["src"]
    s_steps, s_ids = src.model.events(src.size, net.dt, 0, n_steps)
    acc_hi = (1 << (core.acc_bits - 1)) - 1
    u_lim, v_lim = (1 << (core.u_bits - 1)) - 1, core.v_max
    safe = n_steps
    for proj in net.projections:
        post = net.populations[proj.post]
        A = np.zeros((post.size, n_steps + 8), np.int64)
        for j, i, w, d in zip(proj.pre_idx, proj.post_idx, proj.weight_mant, proj.delay_steps):
            arrive = s_steps[s_ids == j] + 1 + d
            A[i, arrive[arrive < A.shape[1]]] += abs(int(w)) << proj.weight_exp
        r = regs[proj.post]
        a_u = (core.decay_unity - r.du - core.du_offset) / core.decay_unity
        a_v = (core.decay_unity - r.dv) / core.decay_unity
        U = np.zeros(post.size)
        V = np.zeros(post.size)
        for k in range(n_steps):
            U = a_u * U + A[:, k] * float(1 << core.input_shift)
            V = np.maximum(V, a_v * V + U + (abs(int(r.bias_mant)) << int(r.bias_exp)))
            if A[:, k].max() > acc_hi or U.max() > u_lim or V.max() > v_lim:
                safe = min(safe, k)
                break
    return safe


@st.composite
def feedforward(draw):
    chip = draw(st.sampled_from([LOIHI, NARROW]))
    unity = chip.core.decay_unity
    decays = st.sampled_from([0, 1, unity // 100, unity // 10, unity // 2, unity - 1])
    net = Network(dt=1e-3)
    n_src = draw(st.integers(2, 12))
    net.add_source("src", n_src, PoissonSpikes(rate=draw(st.sampled_from([20.0, 100.0, 300.0])),
                                               seed=draw(st.integers(0, 10**6))))
    regs, by_pop = [], {}
    for k in range(draw(st.integers(1, 2))):
        size = draw(st.integers(1, 4))
        r = LIFRegisters(du=draw(decays), dv=draw(decays),
                         vth=draw(st.integers(1, 20000)), bias_mant=draw(st.integers(-200, 200)),
                         bias_exp=draw(st.integers(0, 4)), refractory_steps=draw(st.sampled_from([0, 0, 2, 5])),
                         reset_mode=draw(st.sampled_from(["zero", "subtract"])))
        net.add_population(f"p{k}", size, r)
        mode = draw(st.sampled_from(["mixed", "excitatory"]))
        lo, step = (-128, 2) if mode == "mixed" else (0, 1)      # weights already on the chip's grid
        n = n_src * size
        w = np.array(draw(st.lists(st.integers(lo // step, 127 if mode == "mixed" else 255), min_size=n,
                                   max_size=n))) * step
        d = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)))
        net.connect_registers("src", f"p{k}", weight_mant=w, delay_steps=d, matrix=np.ones((size, n_src), int),
                              weight_exp=draw(st.integers(0, 3)), sign_mode=mode)
        net.probe(f"p{k}")
        regs += [r] * size
        by_pop[f"p{k}"] = r
    n_drawn = draw(st.integers(5, 200))
    n_steps = safe_steps(net, by_pop, chip.core, n_drawn)
    event(f"chip {'loihi' if chip is LOIHI else 'narrow'}")
    event("run shortened by the overflow bound" if n_steps < n_drawn else "run as drawn")
    return net, regs, chip, n_steps


# no health check is suppressed and nothing is filtered: every drawn example runs
# (`pytest --hypothesis-show-statistics` shows the events: chip, shortened runs, spiking)
@settings(max_examples=120, deadline=None)
@given(feedforward())
def test_chip_within_derived_bounds_of_float(case):
    net, regs, chip, n_steps = case
    assert n_steps >= 2                               # steps 0 and 1 can never overflow (|a| < 2^15 - 1)
    res = Simulator(net, chip=chip, strict=True).run(n_steps).result()   # an overflow would raise here
    flt = simulate(net, n_steps, mode="hardware", chip=chip)
    checked = check_within_derived_bounds(res, flt, regs, chip.core)
    assert checked > 0
    if res.spikes.ids.size > 0:
        event("chip spiked")


def test_bound_is_tight_enough_to_matter():
    # A long subthreshold run: the observed error uses a good part of the bound but never exceeds it.
    net = Network(dt=1e-3)
    net.add_source("src", 8, PoissonSpikes(rate=100.0, seed=5))
    r = LIFRegisters(du=40, dv=40, vth=131071, bias_mant=37, bias_exp=0)
    net.add_population("p", 1, r)
    net.connect_registers("src", "p", weight_mant=np.arange(1, 9), matrix=np.ones((1, 8), int), sign_mode="excitatory")
    net.probe("p")
    chip = Simulator(net, strict=True).run(2000)
    flt = simulate(net, 2000, mode="hardware")
    err = np.abs(flt.traces.data["v"][:, 0] - chip.traces.data["v"][:, 0])
    au = av = (4096 - 41) / 4096
    Bv_inf = (1 / (1 - au) + 1) / (1 - av)
    assert err.max() <= Bv_inf
    assert err.max() > 0.25 * Bv_inf            # truncation errors accumulate as derived (measured: 54 %)


# --------------------------------------------------------------------------------------
# STDP (docs/error-bounds.md "STDP traces and weight changes")
# --------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ratio=st.floats(1e-3, 1.0), D=st.sampled_from([8, 12, 16]), F=st.integers(2, 18),
       a_plus=st.integers(1, 2**15 - 1), ls=st.integers(0, 15), seed=st.integers(0, 10**6))
def test_stdp_trace_and_potentiation_within_bound(ratio, D, F, a_plus, ls, seed):
    """Pre trace vs the exact exponential every step; summed potentiation vs the exact sum."""
    from neuromorph.hardware import LOIHI
    from neuromorph.network import SpikeTimes, STDPRegisters

    rng = np.random.default_rng(seed)
    n = 300
    alpha = float(np.exp(-ratio))                      # dt / tau = ratio
    f = int(round(2**D * alpha))
    pre_steps = np.nonzero(rng.random(n) < 0.15)[0]
    post_steps = np.nonzero(rng.random(n) < 0.1)[0]
    chip = LOIHI.with_core(trace_decay_bits=D, trace_frac_bits=F, trace_bits=min(31, F + 8))
    net = Network(dt=1e-3)
    net.add_source("pre", 1, SpikeTimes(pre_steps, np.zeros(pre_steps.size, np.int64)))
    net.add_source("drive", 1, SpikeTimes(np.maximum(post_steps - 1, 0), np.zeros(post_steps.size, np.int64)))
    net.add_population("post", 1, LIFRegisters(du=4095, dv=4095, vth=1))
    net.connect_registers("drive", "post", weight_mant=255, pre_idx=[0], post_idx=[0], weight_exp=6)
    net.connect_registers("pre", "post", weight_mant=0, pre_idx=[0], post_idx=[0], weight_exp=-8,
                          plasticity=STDPRegisters(a_plus=a_plus, a_minus=0, x_decay=f, y_decay=0,
                                                   w_lo=-2**15, w_hi=2**15 - 1, learn_shift=ls))
    sim = Simulator(net, chip=chip, strict=True)
    X, B, x_chip, X_ideal, bound = 0.0, 0.0, [], [], []
    for k in range(n):
        x_chip.append(int(sim.state()["trace"][0]))     # the trace phase 4a of step k reads
        X_ideal.append(X)
        bound.append(B)
        s = (1 << F) if k in set(pre_steps.tolist()) else 0
        B = (f / 2**D) * B + 2.0 ** -(D + 1) * (X + s) + 1
        X = alpha * (X + s)
        sim.run(1)
    x_chip, X_ideal, bound = np.array(x_chip), np.array(X_ideal), np.array(bound)
    assert np.all(np.abs(x_chip - X_ideal) <= bound + 1e-9)
    fired = sim.result().spikes.steps[sim.result().spikes.ids == 2]
    assert fired.size > 0
    sh = F + ls
    w = int(sim.result().weights[1][0])
    exact = sum(a_plus * X_ideal[k] / 2**sh for k in fired)
    slack = sum(0.5 + a_plus * bound[k] / 2**sh for k in fired)
    if abs(exact) + slack < 2**15 - 1:                 # no clipping at the register bounds
        assert abs(w - exact) <= slack + 1e-6

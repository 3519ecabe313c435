"""The numba kernels against the plain-Python oracle, bit for bit, on random networks.

hypothesis draws register values (edges included: du/dv 0 and 4095, weights at and beyond the
clip bounds, state at ±2^23), topologies, weight exponents, sign modes, delays, sources and chip
widths (accumulator, u, v and the stored weight width ``weight_bits`` 8..16, whose wide
mantissas are stored raw as int16/int32); chip and oracle must agree on every spike, every u
and v of every step, and every overflow count. The rule-level u stays in its range in every draw,
because CoreSpec refuses widths where one wrap per step could not bound it
(``test_widths_where_one_wrap_cannot_bound_u_are_refused``).
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from neuromorph.errors import ParameterError
from neuromorph.hardware import LOIHI, Mesh
from neuromorph.network import IzhikevichRegisters, LIFRegisters, Network, PoissonSpikes, SpikeTimes
from neuromorph.simulator import Simulator
from oracle import cost_counts, run_oracle


def assert_matches_oracle(sim, ref, counters, net):
    """Every spike, every probed u and v of every step, the named overflow counts, and the
    per-step, per-core operation counts of the cost model (§9) agree."""
    got = list(zip(sim.spikes.steps.tolist(), sim.spikes.ids.tolist()))
    assert got == ref["spikes"]
    cols = sim.traces.ids
    assert np.array_equal(sim.traces.data["u"], ref["u"][:, cols])
    assert np.array_equal(sim.traces.data["v"], ref["v"][:, cols])
    counts = sim.counter_table()
    assert [int(counts[k].sum()) for k in counters] == [ref["counts"][k.upper()] for k in counters]
    p = sim.program
    want = cost_counts(net, ref, sim.step_count, p.placement.core_of, p.placement.slot_of_core, p.chip.mesh,
                       p.n_cores)
    got = sim.cost_counts.copy()
    got[:, :, 9] = 0                       # syn_updates: compared as totals by the STDP tests
    assert got.tolist() == want


def edgy(lo, hi, *edges):
    return st.one_of(st.sampled_from([lo, hi, *edges]), st.integers(lo, hi))


@st.composite
def lif_registers(draw, size, chip):
    c = chip.core
    half = 1 << (c.u_bits - 1)
    vmax = c.v_max
    per = lambda s: st.one_of(s, st.lists(s, min_size=size, max_size=size).map(np.array))  # noqa: E731
    return LIFRegisters(
        du=draw(edgy(0, 4095, 1, 4094)), dv=draw(edgy(0, 4095, 1, 2048)), vth=draw(edgy(0, 131071, 1, 10, 100)),
        bias_mant=draw(per(edgy(-4096, 4095, 0, 1, -1))), bias_exp=draw(per(edgy(0, 7))),
        refractory_steps=draw(st.sampled_from([0, 0, 1, 3])), reset_u=draw(st.booleans()),
        reset_mode=draw(st.sampled_from(["zero", "subtract"])),
        u_init=draw(per(edgy(-half + 1, half, 0, half - 1))), v_init=draw(per(edgy(-vmax, vmax, 0))),
    )


@st.composite
def networks(draw):
    wb = draw(st.sampled_from([8, 8, 9, 12, 15, 16]))     # stored weight width: 8 one byte, 9..15 int16, 16 int32
    u_bits = draw(st.sampled_from([16, 24]))
    acc = draw(st.sampled_from([a for a in (8, 11, 16, 19, 24) if a - 1 + LOIHI.core.input_shift <= u_bits]))
    chip = LOIHI.with_core(acc_bits=acc, u_bits=u_bits, v_bits=draw(st.sampled_from([16, 24])), weight_bits=wb)
    full = 1 << wb                                         # mixed clip range [-full, full - 1]
    net = Network(dt=1e-3)
    n_src = draw(st.integers(1, 6))
    if draw(st.booleans()):
        steps = draw(st.lists(st.integers(0, 30), min_size=0, max_size=40))
        ids = draw(st.lists(st.integers(0, n_src - 1), min_size=len(steps), max_size=len(steps)))
        net.add_source("src", n_src, SpikeTimes(steps=np.array(steps, dtype=np.int64), ids=np.array(ids, dtype=np.int64)))
    else:
        net.add_source("src", n_src, PoissonSpikes(rate=draw(st.sampled_from([50.0, 300.0, 900.0])),
                                                   seed=draw(st.integers(0, 2**31))))
    names = ["src"]
    for k in range(draw(st.integers(1, 3))):
        size = draw(st.integers(1, 5))
        regs = draw(lif_registers(size, chip))
        if chip.core.u_bits < 24 or chip.core.v_bits < 24:   # keep initial state inside the narrower widths
            half = 1 << (chip.core.u_bits - 1)
            vmax = chip.core.v_max
            regs = LIFRegisters(**{**regs.__dict__, "u_init": np.clip(regs.u_init, -half + 1, half),
                                   "v_init": np.clip(regs.v_init, -vmax, vmax)})
        net.add_population(f"p{k}", size, regs)
        names.append(f"p{k}")
    for _ in range(draw(st.integers(1, 5))):
        pre = draw(st.sampled_from(names))
        post = draw(st.sampled_from(names[1:]))
        a, b = net.populations[pre].size, net.populations[post].size
        mask = np.array(draw(st.lists(st.booleans(), min_size=a * b, max_size=a * b))).reshape(b, a)
        n = int(mask.sum())
        w = draw(st.lists(edgy(-full - 44, full + 44, -full, full - 1, -(full - 1), full - 2, 0, 7, -127),
                          min_size=n, max_size=n))
        d = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
        net.connect_registers(pre, post, weight_mant=np.array(w, dtype=np.int64), delay_steps=np.array(d, dtype=np.int64),
                              matrix=mask.astype(int), weight_exp=draw(st.integers(-8, 7)),
                              sign_mode=draw(st.sampled_from([None, "mixed", "excitatory", "inhibitory"])),
                              num_weight_bits=draw(st.one_of(st.just(wb), st.integers(1, wb))))
    if draw(st.booleans()):                 # host-written current into one population (register units)
        name = draw(st.sampled_from(names[1:]))
        size = net.populations[name].size
        T = draw(st.integers(1, 20))
        vals = draw(st.lists(st.integers(-(2**20), 2**20), min_size=T * size, max_size=T * size))
        net.inject(name, np.array(vals).reshape(T, size), start=draw(st.integers(0, 10)))
    for name in names[1:]:
        net.probe(name)
    return net, chip


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(networks(), st.integers(1, 40), st.sampled_from([1, 1, 2]))
def test_kernel_matches_oracle_bit_for_bit(case, n_steps, threads):
    net, chip = case
    ref = run_oracle(net, n_steps, chip)
    half = 1 << (chip.core.u_bits - 1)
    assert np.all((ref["u"] > -half) & (ref["u"] <= half)), "one wrap per step keeps u in its range (CoreSpec)"
    event(f"weight_bits {chip.core.weight_bits}")
    # 3 neurons per core, one core per tile, 2 x 2 tiles per chip, 2 x 2 chips: messages hop in x, y and between chips
    board = dataclasses.replace(chip, n_cores=16, mesh=Mesh(1, 2, 2, 2, 2)).with_core(max_neurons=3)
    sim = Simulator(net, chip=board, strict=False, threads=threads).run(n_steps)
    assert_matches_oracle(sim, ref, ("u_wrap", "v_sat", "acc_sat"), net)


def test_widths_where_one_wrap_cannot_bound_u_are_refused():
    """Found by the weight_bits strategy: with u_bits 16, acc_bits 24 (input_shift 6) one step's input
    (up to 2^29) is far beyond u's range, so the rule's single wrap per step (§2) let u drift past 2^31
    (the oracle gave u = -2267242907 in step 17 of a synapse of -32640 firing every step; the chip's
    int32 state wrapped it silently to 2027724389). Such widths are now refused, naming the limit."""
    with pytest.raises(ParameterError, match=r"^acc_bits \(CoreSpec\) = 24 is out of range; allowed: <= u_bits \+ 1 "
                                             r"- input_shift = 11"):
        LOIHI.with_core(u_bits=16, acc_bits=24, weight_bits=15)
    with pytest.raises(ParameterError, match=r"acc_bits \(CoreSpec\) = 16 .* <= u_bits \+ 1 - input_shift = 11"):
        LOIHI.with_core(u_bits=16)


def test_u_stays_in_range_at_the_width_limit():
    """acc_bits - 1 + input_shift == u_bits (11 - 1 + 6 = 16): the most negative input every step, with
    no decay, walks u down by 2^16 per step and the single wrap brings it back each time; chip == oracle."""
    chip = LOIHI.with_core(u_bits=16, acc_bits=11, weight_bits=15)
    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes(steps=np.arange(30), ids=np.zeros(30, np.int64)))
    net.add_population("n", 1, LIFRegisters(du=0, dv=0, vth=131071))
    net.connect_registers("s", "n", weight_mant=-32768, weight_exp=6, num_weight_bits=8, pre_idx=[0], post_idx=[0])
    net.probe("n")
    ref = run_oracle(net, 30, chip)
    u = ref["u"][:, 1]
    assert u.min() > -2**15 and u.max() <= 2**15 and ref["counts"]["ACC_SAT"] == 29 and ref["counts"]["U_WRAP"] > 0
    sim = Simulator(net, chip=chip, strict=False).run(30)
    assert_matches_oracle(sim, ref, ("u_wrap", "v_sat", "acc_sat"), net)


# -- integer Izhikevich ------------------------------------------------------------------------
@st.composite
def izh_networks(draw):
    S = draw(st.sampled_from([16, 20, 24, 32]))
    F = draw(st.integers(2, S - 8))
    P = draw(st.sampled_from([8, 12, 16, 20]))
    prod = draw(st.sampled_from([24, 32, 48, 62]))
    chip = LOIHI.with_core(izh_state_bits=S, izh_frac_bits=F, izh_coef_frac_bits=P, izh_prod_bits=prod,
                           acc_bits=draw(st.sampled_from([8, 16])))
    slim = (1 << (S - 1)) - 1
    plim = (1 << (prod - 1)) - 1
    qF = lambda x: int(np.clip(round(x * 2**F), -slim, slim))  # noqa: E731
    qP = lambda x: int(np.clip(round(x * 2**P), -plim, plim))  # noqa: E731
    net = Network(dt=1e-3)
    n_src = draw(st.integers(1, 4))
    net.add_source("src", n_src, PoissonSpikes(rate=draw(st.sampled_from([50.0, 400.0])), seed=draw(st.integers(0, 999))))
    size = draw(st.integers(1, 4))
    dt_ms = draw(st.sampled_from([0.1, 0.2, 0.25, 0.5, 1.0]))
    a = draw(st.sampled_from([0.02, 0.1, 1.0, -0.02, 0.2]))
    b = draw(st.sampled_from([0.2, 0.25, -0.1, 1.0, 0.26]))
    v0 = np.array(draw(st.lists(st.floats(-90, 40), min_size=size, max_size=size)))
    regs = IzhikevichRegisters(
        k2=qP(draw(st.sampled_from([0.04, 0.0, 1.0]))), k1=qP(draw(st.sampled_from([5.0, 4.1]))),
        k0=qF(draw(st.sampled_from([140.0, 108.0]))), dt=qP(dt_ms), adt=qP(a * dt_ms), b=qP(b),
        c=qF(draw(st.sampled_from([-65.0, -50.0, -45.0]))), d=qF(draw(st.sampled_from([8.0, 2.0, -21.0, 0.05]))),
        v_peak=qF(30.0), bias=qF(draw(st.floats(-20, 40))), accommodation=draw(st.booleans()),
        v_init=np.array([qF(x) for x in v0]), u_init=np.array([qF(b * x) for x in v0]))
    net.add_population("iz", size, regs)
    mask = np.array(draw(st.lists(st.booleans(), min_size=size * n_src, max_size=size * n_src))).reshape(size, n_src)
    n = int(mask.sum())
    net.connect_registers("src", "iz", weight_mant=np.array(draw(st.lists(edgy(-256, 255), min_size=n, max_size=n)),
                                                             dtype=np.int64),
                          delay_steps=np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)), dtype=np.int64),
                          matrix=mask.astype(int), weight_exp=draw(st.integers(-4, 4)), sign_mode="mixed")
    if draw(st.booleans()):
        T = draw(st.integers(1, 30))
        vals = np.array(draw(st.lists(st.integers(-(2**F) * 30, 2**F * 30), min_size=T * size, max_size=T * size)))
        net.inject("iz", vals.reshape(T, size), start=draw(st.integers(0, 10)))
    net.probe("iz")
    return net, chip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(izh_networks(), st.integers(1, 60))
def test_izhikevich_kernel_matches_oracle(case, n_steps):
    net, chip = case
    sim = Simulator(net, chip=chip, strict=False).run(n_steps)
    assert_matches_oracle(sim, run_oracle(net, n_steps, chip), ("v_sat", "u_sat", "prod_sat", "acc_sat"), net)

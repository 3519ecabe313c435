"""On-chip trace-based pair STDP (docs/hardware-model.md §3.5): hand-computed cases, the chip
against the plain-Python oracle bit for bit on random plastic networks, run splitting and
checkpoints with plasticity on, and the compiler's checks of the STDP registers.

Hand cases share one circuit: a source ``pre`` (gid 0) feeds one LIF neuron ``post`` (gid 2)
through the plastic projection (index 1); a source ``drive`` (gid 1) makes ``post`` spike in
exactly the step after each drive spike (static weight 255 << 7 into a neuron with du = dv =
4095, vth = 1000: one drive volley puts v far over vth << 6 = 64000, while the plastic input,
at most 2^15 >> 8 = 127 per step (u = 127 << 6 = 8128), never does). Traces use the loihi
widths unless a test says otherwise: F = 18 (one spike adds 2^18 = 1.0), decay unity 2^16.
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from neuromorph.compiler import compile_network
from neuromorph.errors import ChipOverflowError, CompileError, ParameterError
from neuromorph.hardware import LOIHI
from neuromorph.network import LearningRule, LIFRegisters, Network, PoissonSpikes, SpikeTimes, STDPRegisters, \
    TraceRegisters
from neuromorph.simulator import Simulator
from oracle import run_oracle

PLASTIC = 1                   # index of the plastic projection in the hand-case circuit
PRE, DRIVE, POST = 0, 1, 2    # gids
FULL = dict(w_lo=-(2**15), w_hi=2**15 - 1)


def stdp(a_plus=0, a_minus=0, x_decay=2**16, y_decay=2**16, learn_shift=0, **bounds):
    return STDPRegisters(a_plus=a_plus, a_minus=a_minus, x_decay=x_decay, y_decay=y_decay,
                         learn_shift=learn_shift, **{**FULL, **bounds})


def pair_net(pre_steps, post_steps, rule, w0, *, weight_exp=-8, post_vth=1000):
    """``pre`` fires at ``pre_steps``; ``post`` fires at exactly ``post_steps`` (each >= 1)."""
    net = Network(dt=1e-3)
    net.add_source("pre", 1, SpikeTimes(steps=np.array(pre_steps, np.int64), ids=np.zeros(len(pre_steps), np.int64)))
    net.add_source("drive", 1, SpikeTimes(steps=np.array(post_steps, np.int64) - 1,
                                          ids=np.zeros(len(post_steps), np.int64)))
    net.add_population("post", 1, LIFRegisters(du=4095, dv=4095, vth=post_vth))
    net.connect_registers("drive", "post", weight_mant=255, delay_steps=0, weight_exp=7, pre_idx=[0], post_idx=[0])
    net.connect_registers("pre", "post", weight_mant=w0, delay_steps=0, weight_exp=weight_exp, plasticity=rule,
                          pre_idx=[0], post_idx=[0])
    net.probe("post")
    return net


def assert_agree(sim, ref):
    """Spikes, probed u and v of every step, every counter total (messages from the oracle's spikes
    and the chip's placement; trace_sat / syn_updates also per core), and the final plastic
    weights: chip == oracle, bit for bit."""
    got = list(zip(sim.spikes.steps.tolist(), sim.spikes.ids.tolist()))
    assert got == ref["spikes"]
    cols = sim.program.host.probe_gids
    assert np.array_equal(sim.traces.data["u"], ref["u"][:, cols])
    assert np.array_equal(sim.traces.data["v"], ref["v"][:, cols])
    table = sim.counter_table()
    names = ("u_wrap", "v_sat", "acc_sat", "u_sat", "prod_sat", "trace_sat", "syn_updates")
    want = {k: ref["counts"][k.upper()] for k in names}
    want.update({k: ref["activity"][k.upper()] for k in ("spikes", "syn_events", "neuron_updates")})
    assert {k: int(table[k].sum()) for k in want} == want
    core_of = np.asarray(sim.program.placement.core_of)
    dest: dict[int, set] = {}      # messages: one per (spike, destination core), §6
    prog = sim.program
    for p_i in range(len(prog.projections)):
        proj = prog.synapses_of(p_i)
        pre, post = prog.populations[proj.pre][0], prog.populations[proj.post][0]
        for j, i in zip(proj.pre_idx.tolist(), proj.post_idx.tolist()):
            dest.setdefault(pre + j, set()).add(int(core_of[post + i]))
    assert int(table["messages"].sum()) == sum(len(dest.get(g, ())) for _, g in ref["spikes"])
    for k in ("trace_sat", "syn_updates"):
        want = np.zeros(table[k].shape, np.int64)
        for g, n in ref["by_gid"][k.upper()].items():
            want[core_of[g]] += n
        assert np.array_equal(table[k], want), k
    weights = sim.result().weights
    assert sorted(weights) == sorted(ref["weights"])
    for p, w in ref["weights"].items():
        assert weights[p].dtype == np.int64
        assert np.array_equal(weights[p], w), p


def check_hand_case(net, n_steps, want_w, *, chip=LOIHI, counts=None, strict=True):
    """The oracle and then the chip reproduce the hand-computed W (and counts)."""
    ref = run_oracle(net, n_steps, chip)
    assert ref["weights"][PLASTIC].tolist() == want_w
    for k, v in (counts or {}).items():
        assert ref["counts"][k] == v, k
    sim = Simulator(net, chip=chip, strict=strict).run(n_steps)
    assert sim.result().weights[PLASTIC].tolist() == want_w
    assert_agree(sim, ref)
    return sim, ref


# -- hand-computed cases -----------------------------------------------------------------------
def test_circuit_fires_post_exactly_when_driven():
    net = pair_net([2, 8], [5], stdp(), 100)
    ref = run_oracle(net, 10)
    assert ref["spikes"] == [(2, PRE), (4, DRIVE), (5, POST), (8, PRE)]


def test_potentiation_then_depression():
    # pre at 2 and 8, post at 5; x halves per step (x_decay = 2^15), y does not decay (2^16).
    # step 2: 4b reads y = 0 -> dW = 0 (one syn_update); 4c x = 2^18; 4d x = 2^17
    # steps 3, 4: x = 2^16, 2^15
    # step 5: 4a reads x = 2^15 (0.125): rnd(1000 * 2^15, 18) = 125 -> W = 100 + 125 = 225
    #         4c y = 2^18, 4d y = 2^18 (no decay)
    # step 8: 4b reads y = 2^18 (1.0): rnd(-300 * 2^18, 18) = -300 -> W = 225 - 300 = -75
    rule = stdp(a_plus=1000, a_minus=-300, x_decay=2**15, y_decay=2**16)
    check_hand_case(pair_net([2, 8], [5], rule, 100), 6, [225], counts={"SYN_UPDATES": 2, "TRACE_SAT": 0})
    check_hand_case(pair_net([2, 8], [5], rule, 100), 10, [-75], counts={"SYN_UPDATES": 3, "TRACE_SAT": 0})


def test_rounding_is_to_nearest_ties_up():
    # pre at 0 and 2, post at 1; both traces halve per step.
    # step 0: x = 2^18 -> 2^17.  step 1: 4a rnd(3 * 2^17, 18) = rnd(1.5) = 2 -> W = 12; y = 2^18 -> 2^17
    # step 2: 4b rnd(-3 * 2^17, 18) = (-3*2^17 + 2^17) >> 18 = -1 (-1.5 ties toward +inf) -> W = 11
    rule = stdp(a_plus=3, a_minus=-3, x_decay=2**15, y_decay=2**15)
    check_hand_case(pair_net([0, 2], [1], rule, 10), 4, [11], counts={"SYN_UPDATES": 3})


def test_learn_shift_adds_fraction_bits():
    # no decay; pre at 0, post at 3: x = 2^18 (1.0); sh = 18 + 2 = 20:
    # rnd(5 * 2^18, 20) = (5*2^18 + 2^19) >> 20 = 7*2^18 >> 20 = 1 (1.25 -> 1) -> W = 0 + 1
    check_hand_case(pair_net([0], [3], stdp(a_plus=5, learn_shift=2), 0), 5, [1])
    # learn_shift = 15, a_plus = 2^15 - 1: rnd(32767 * 2^18, 33) = rnd(0.99997) = 1
    check_hand_case(pair_net([0], [3], stdp(a_plus=2**15 - 1, learn_shift=15), 0), 5, [1])
    # ... and a_plus = 2^14 - 1 stays below one half: rnd(16383 * 2^18, 33) = 0
    check_hand_case(pair_net([0], [3], stdp(a_plus=2**14 - 1, learn_shift=15), 0), 5, [0])


def test_decay_floors_every_step():
    # narrow traces: trace_bits = 8, F = 6 (one spike adds 64); x_decay = 49152 (0.75 per step).
    # pre at 0: x after step 0..3 = 48, 36, 27, floor(20.25) = 20.
    # post at 4: 4a reads 20: rnd(10 * 20, 6) = (200 + 32) >> 6 = 3 -> W = 3
    chip = LOIHI.with_core(trace_bits=8, trace_frac_bits=6)
    check_hand_case(pair_net([0], [4], stdp(a_plus=10, x_decay=49152), 0), 6, [3], chip=chip)


def test_same_step_pre_and_post_form_no_pair():
    # pre and post both at 3 (no decay, a_plus = 1000, a_minus = -1000):
    # 4a reads x = 0 (the pre spike of step 3 is not in the trace yet) and 4b reads y = 0:
    # W stays 50, but both read-modify-writes count: syn_updates = 2.
    rule = stdp(a_plus=1000, a_minus=-1000)
    check_hand_case(pair_net([3], [3], rule, 50), 6, [50], counts={"SYN_UPDATES": 2})
    # a later pre spike (step 5) pairs with the post spike of step 3: y = 2^18 -> W = 50 - 1000
    check_hand_case(pair_net([3, 5], [3], rule, 50), 6, [-950], counts={"SYN_UPDATES": 3})
    # a later post spike (step 5) pairs with the pre spike of step 3: x = 2^18 -> W = 50 + 1000
    check_hand_case(pair_net([3], [3, 5], rule, 50), 6, [1050], counts={"SYN_UPDATES": 3})


def test_route_uses_weight_before_this_steps_learning():
    # weight_exp = 0 so post's u shows W: u(k+1) = W << 6 (du = 4095: u keeps nothing from before).
    # post at 1 (y = 2^18, no decay). pre at 3: routes W = 200 (u at 4 = 12800), then 4b W = 100.
    # pre at 5: routes W = 100 (u at 6 = 6400), then W = 0.
    sim, ref = check_hand_case(pair_net([3, 5], [1], stdp(a_minus=-100), 200, weight_exp=0), 8, [0])
    u = ref["u"][:, POST].tolist()
    assert (u[4], u[6]) == (200 << 6, 100 << 6)
    assert sim.traces.data["u"][4, 0] == 200 << 6 and sim.traces.data["u"][6, 0] == 100 << 6


def test_clip_at_w_hi_then_w_lo():
    # no decay; pre at 0, post at 2: W = clip(100 + 1000) = w_hi = 150
    # pre at 4: y = 2^18: W = clip(150 - 1000) = w_lo = 0
    rule = stdp(a_plus=1000, a_minus=-1000, w_lo=0, w_hi=150)
    check_hand_case(pair_net([0], [2], rule, 100), 4, [150])
    check_hand_case(pair_net([0, 4], [2], rule, 100), 6, [0])


def test_clip_at_register_limits():
    # no decay; pre at 0, post at 2, 3, 4: each 4a adds rnd(32767 * 2^18, 18) = 32767, clipped at 2^15 - 1
    # (from W0 = 2^15 - 1: 65534 -> 32767; from W0 = 0: 32767, then 65534 -> 32767 twice).
    # pre at 6: y = 3 * 2^18: rnd(-32767 * 3 * 2^18, 18) = -98301: 32767 - 98301 = -65534 -> -2^15.
    # (post's input when driven: 255 << 7 = 32640 plus floor(32767 / 2^8) = 127 = 32767: the
    # accumulator's limit, reached but not exceeded.)
    rule = stdp(a_plus=2**15 - 1, a_minus=-(2**15 - 1))
    check_hand_case(pair_net([0], [2, 3, 4], rule, 2**15 - 1), 5, [2**15 - 1])
    check_hand_case(pair_net([0, 6], [2, 3, 4], rule, 0), 8, [-(2**15)])


def test_w_lo_equal_w_hi_pins_the_weight():
    # w_lo = w_hi = 7: the first read-modify-write (pre at 1: 4b with y = 0, dW = 0) clips W to 7,
    # even though nothing was learned; the spike of step 1 still carried W = 500 (u at 2 = 500 << 6).
    # Then post at 3 (4a: 7 + 1000 -> 7) and pre at 5 (4b: 7 - 1000 -> 7): W stays pinned.
    rule = stdp(a_plus=1000, a_minus=-1000, w_lo=7, w_hi=7)
    sim, ref = check_hand_case(pair_net([1], [], rule, 500, weight_exp=0), 4, [7])
    assert ref["u"][2, POST] == 500 << 6
    check_hand_case(pair_net([1, 5], [3], rule, 500, weight_exp=0), 7, [7], counts={"SYN_UPDATES": 3})


def test_trace_saturation_is_counted_on_the_owner():
    # trace_bits = 8, F = 6: one spike adds 64, the register holds at most 255; no decay.
    # pre at 0..4: x = 64, 128, 192, 256 -> 255 (trace_sat), 319 -> 255 (trace_sat): 2 on the host row.
    # post at 6..10: y = 64, 128, 192, then 255 twice: 2 on post's core.
    # each post spike: 4a reads x = 255: rnd(64 * 255, 6) = 255 -> W = 5 * 255 = 1275
    # syn_updates: 5 (4b at each pre spike, y = 0 then) + 5 (4a) = 10, all on post's core.
    chip = LOIHI.with_core(trace_bits=8, trace_frac_bits=6)
    net = pair_net([0, 1, 2, 3, 4], [6, 7, 8, 9, 10], stdp(a_plus=64, a_minus=-64), 0)
    sim, ref = check_hand_case(net, 12, [1275], chip=chip, strict=False,
                               counts={"TRACE_SAT": 4, "SYN_UPDATES": 10})
    table = sim.counter_table()
    core = int(sim.program.placement.core_of[POST])
    assert table["trace_sat"][-1] == 2 and table["trace_sat"][core] == 2
    assert table["syn_updates"][core] == 10 and table["syn_updates"].sum() == 10
    # strict mode stops at the end of step 3, naming the kind and the trace's owner
    with pytest.raises(ChipOverflowError, match="trace_sat") as err:
        Simulator(net, chip=chip, strict=True).run(12)
    assert (err.value.kind, err.value.step, err.value.neuron) == ("trace_sat", 3, PRE)


def test_wide_trace_does_not_saturate():
    # the loihi widths hold 63.99 spikes: 63 spikes without decay fit, the 64th saturates.
    net = pair_net(list(range(63)), [70], stdp(a_plus=1), 0)
    ref = run_oracle(net, 72)
    assert ref["counts"]["TRACE_SAT"] == 0
    assert ref["weights"][PLASTIC].tolist() == [63]          # rnd(63 * 2^18, 18)
    Simulator(net, strict=True).run(72)                      # no overflow
    net = pair_net(list(range(64)), [70], stdp(a_plus=1), 0)
    ref = run_oracle(net, 72)
    assert ref["counts"]["TRACE_SAT"] == 1
    assert ref["weights"][PLASTIC].tolist() == [64]          # rnd((2^24 - 1) * 1, 18) = 64


def test_x_decay_zero_learns_nothing_but_counts():
    rule = stdp(a_plus=2**15 - 1, a_minus=-(2**15 - 1), x_decay=0, y_decay=0)
    check_hand_case(pair_net([0, 2, 4], [1, 3, 5], rule, 123), 7, [123], counts={"SYN_UPDATES": 6})


def test_recurrent_plastic_projection_self_synapse():
    # a neuron with a plastic synapse onto itself owns both traces of it; every spike is pre and
    # post at once, so each spike pairs with all earlier ones in both directions.
    # n0 spikes at 1, 2, 3 (driven); no decay, a_plus = 10, a_minus = -3:
    # step 1: x = y = 0 -> W = 0;  step 2: x = y = 1.0 -> W = 0 + 10 - 3 = 7;  step 3: x = y = 2.0 -> 7 + 20 - 6 = 21
    check_hand_case(self_loop_net(3), 5, [21], counts={"SYN_UPDATES": 6})


def self_loop_net(n_spikes):
    """Neuron n (gid 1) spikes at steps 1..n_spikes; plastic self-synapse n -> n is projection 1."""
    net = Network(dt=1e-3)
    net.add_source("drive", 1, SpikeTimes(steps=np.arange(n_spikes), ids=np.zeros(n_spikes, np.int64)))
    net.add_population("n", 1, LIFRegisters(du=4095, dv=4095, vth=1000))
    net.connect_registers("drive", "n", weight_mant=255, weight_exp=7, pre_idx=[0], post_idx=[0])
    net.connect_registers("n", "n", weight_mant=0, weight_exp=-8, plasticity=stdp(a_plus=10, a_minus=-3),
                          pre_idx=[0], post_idx=[0])
    net.probe("n")
    return net


def test_trace_sat_counts_every_saturated_trace():
    # §3.5: TRACE_SAT counts once per saturated trace and step, so a neuron that owns two traces
    # (here x and y of its plastic self-synapse) counts two in a step where both saturate.
    # trace_bits = 8, F = 6, no decay; n spikes at 1..5. Traces read in steps 1..5: 0, 64, 128, 192, 255
    # (the 4th impulse: 256 -> 255, x and y: 2 counts; the 5th: 319 -> 255: 2 more) -> trace_sat = 4.
    # W: 4a rnd(10 x, 6) = 0, 10, 20, 30, rnd(2550, 6) = 40; 4b rnd(-3 y, 6) = 0, -3, -6, -9, rnd(-765, 6) = -12
    # -> W = 0 + 7 + 14 + 21 + 28 = 70; syn_updates = 10.
    chip = LOIHI.with_core(trace_bits=8, trace_frac_bits=6)
    sim, ref = check_hand_case(self_loop_net(5), 7, [70], chip=chip, strict=False,
                               counts={"TRACE_SAT": 4, "SYN_UPDATES": 10})
    assert sim.counter_table()["trace_sat"][int(sim.program.placement.core_of[1])] == 4
    assert ref["first_overflow"] == (4, {"TRACE_SAT"})


# -- random networks: chip == oracle --------------------------------------------------------------
def edgy(lo, hi, *edges):
    return st.one_of(st.sampled_from([lo, hi, *edges]), st.integers(lo, hi))


CHIPS = [
    LOIHI,
    LOIHI.with_core(trace_bits=8, trace_frac_bits=6),                                  # saturates often
    LOIHI.with_core(trace_bits=6, trace_frac_bits=2, trace_decay_bits=8),
    LOIHI.with_core(trace_bits=4, trace_frac_bits=2),                                  # 3 spikes fit
    LOIHI.with_core(plastic_weight_bits=8, learn_coef_bits=8, trace_bits=12, trace_frac_bits=4),
]


@st.composite
def stdp_registers(draw, chip):
    c = chip.core
    amax = (1 << (c.learn_coef_bits - 1)) - 1
    wmax = (1 << (c.plastic_weight_bits - 1)) - 1
    unity = 1 << c.trace_decay_bits
    coef = edgy(-amax, amax, 0, 1, -1, -amax - 1)
    decay = edgy(0, unity, unity, unity, unity // 2, unity - 1, (3 * unity) // 4)     # slow decay: saturation
    bounds = draw(st.sampled_from(["full", "equal", "random", "random"]))
    if bounds == "full":
        lo, hi = -wmax - 1, wmax
    elif bounds == "equal":
        lo = hi = draw(edgy(-wmax - 1, wmax, 0))
    else:
        lo, hi = sorted(draw(st.lists(edgy(-wmax - 1, wmax, 0), min_size=2, max_size=2)))
    return STDPRegisters(a_plus=draw(coef), a_minus=draw(coef), x_decay=draw(decay), y_decay=draw(decay),
                         w_lo=lo, w_hi=hi, learn_shift=draw(edgy(0, 15, 0, 15)))


@st.composite
def learning_rules(draw, chip):
    """A random rule of the engine (§3.5): 1-4 products, each with a dependency, a scale and up
    to three factors (constants included), written as a string; random trace registers."""
    c = chip.core
    amax = (1 << (c.learn_coef_bits - 1)) - 1
    wmax = (1 << (c.plastic_weight_bits - 1)) - 1
    unity = 1 << c.trace_decay_bits
    text = ""
    for n in range(draw(st.integers(1, 4))):
        m = draw(st.one_of(edgy(-amax - 1, amax, 0, 1, -1, amax), st.integers(-7, 7)))
        parts = [str(abs(m))]
        factors = []
        for _ in range(draw(st.integers(0, 3))):
            f = draw(st.sampled_from(["x1", "x2", "y1", "y2", "y3", "w"]))
            k = draw(st.one_of(st.just(0), st.just(0), edgy(-127, 127, 1, -1)))
            factors.append(f"({f} {'+' if k >= 0 else '-'} {abs(k)})" if k else f)
        # mostly a scale that keeps the change within the weight range (so rounding shows), sometimes any
        n_tr = sum(not f.lstrip("(").startswith("w") for f in factors)
        e = draw(st.one_of(st.integers(-c.trace_frac_bits * n_tr - 12, -c.trace_frac_bits * n_tr).map(
            lambda v: max(-30, min(8, v))), edgy(-30, 8, 0, -1, -18)))
        if e:
            parts.append(f"2^{e}")
        parts += factors
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(["x0", "y0", "u0"])))
        sign = "-" if m < 0 else ("+" if n else "")
        text += f" {sign} " * bool(sign) + "*".join(parts)
    decay = edgy(0, unity, unity, unity // 2, unity - 1)
    tr = lambda: TraceRegisters(draw(decay), draw(st.one_of(st.none(), edgy(0, (1 << c.trace_bits) - 1, 1))))  # noqa
    lo, hi = sorted(draw(st.lists(edgy(-wmax - 1, wmax, 0), min_size=2, max_size=2)))
    return LearningRule(dw=text.strip(), w_lo=lo, w_hi=hi, x1=tr(), x2=tr(), y1=tr(), y2=tr(), y3=tr())


@st.composite
def lif_registers(draw, size):
    per = lambda s: st.one_of(s, st.lists(s, min_size=size, max_size=size).map(np.array))  # noqa: E731
    return LIFRegisters(
        du=draw(edgy(0, 4095, 4095, 2048)), dv=draw(edgy(0, 4095, 4095, 256)),
        vth=draw(st.one_of(st.sampled_from([0, 1, 10, 100]), st.integers(0, 3000))),
        bias_mant=draw(per(edgy(-200, 4095, 0))), bias_exp=draw(per(edgy(0, 7))),
        refractory_steps=draw(st.sampled_from([0, 0, 1, 3])), reset_u=draw(st.booleans()),
        reset_mode=draw(st.sampled_from(["zero", "subtract"])),
        u_init=draw(per(st.integers(-(2**16), 2**16))), v_init=draw(per(st.integers(-(2**16), 2**16))),
    )


@st.composite
def plastic_networks(draw, engine_only: bool = False):
    wb = draw(st.sampled_from([8, 8, 12, 16]))    # static weights share the table: one byte, int16 or int32
    chip = draw(st.sampled_from(CHIPS)).with_core(weight_bits=wb)
    wmax = (1 << (chip.core.plastic_weight_bits - 1)) - 1
    net = Network(dt=1e-3)
    names = []
    for s in range(draw(st.integers(1, 2))):
        n_src = draw(st.integers(1, 4))
        if draw(st.booleans()):
            steps = draw(st.lists(st.integers(0, 40), min_size=0, max_size=40))
            ids = draw(st.lists(st.integers(0, n_src - 1), min_size=len(steps), max_size=len(steps)))
            src = SpikeTimes(steps=np.array(steps, dtype=np.int64), ids=np.array(ids, dtype=np.int64))
        else:
            src = PoissonSpikes(rate=draw(st.sampled_from([50.0, 200.0, 500.0])), seed=draw(st.integers(0, 2**31)))
        net.add_source(f"s{s}", n_src, src)
        names.append(f"s{s}")
    if draw(st.booleans()):       # a source that fires every step: its traces fill up (saturate on narrow chips)
        net.add_source("burst", 1, SpikeTimes(steps=np.arange(60), ids=np.zeros(60, np.int64)))
        names.append("burst")
    pops = []
    for k in range(draw(st.integers(1, 3))):
        size = draw(st.integers(1, 4))
        net.add_population(f"p{k}", size, draw(lif_registers(size)))
        pops.append(f"p{k}")
    names += pops
    n_plastic = 0
    for _ in range(draw(st.integers(1, 5))):
        pre, post = draw(st.sampled_from(names)), draw(st.sampled_from(pops))
        a, b = net.populations[pre].size, net.populations[post].size
        n = draw(st.integers(1, 8))
        pre_idx = draw(st.lists(st.integers(0, a - 1), min_size=n, max_size=n))
        post_idx = draw(st.lists(st.integers(0, b - 1), min_size=n, max_size=n))
        d = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
        kw = dict(pre_idx=pre_idx, post_idx=post_idx, delay_steps=np.array(d, np.int64))
        if draw(st.booleans()):
            rule = draw(learning_rules(chip) if engine_only else st.one_of(stdp_registers(chip), learning_rules(chip)))
            w = draw(st.lists(edgy(-wmax - 1, wmax, 0, rule.w_lo, rule.w_hi), min_size=n, max_size=n))
            net.connect_registers(pre, post, weight_mant=np.array(w, np.int64), weight_exp=draw(st.integers(-8, 7)),
                                  plasticity=rule, **kw)
            n_plastic += 1
        else:
            w = draw(st.lists(edgy(-(1 << wb), (1 << wb) - 1, 0), min_size=n, max_size=n))
            net.connect_registers(pre, post, weight_mant=np.array(w, np.int64), weight_exp=draw(st.integers(-8, 7)),
                                  sign_mode=draw(st.sampled_from([None, "mixed"])), **kw)
    if n_plastic == 0:            # at least one plastic projection: recurrent onto the first population
        rule = draw(learning_rules(chip) if engine_only else stdp_registers(chip))
        net.connect_registers(pops[0], pops[0], weight_mant=0, weight_exp=-2, plasticity=rule,
                              pre_idx=[0], post_idx=[0])
    for name in pops:
        net.probe(name)
    return net, chip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plastic_networks(), st.integers(1, 50), st.sampled_from([1, 1, 2]))
def test_plastic_network_matches_oracle_bit_for_bit(case, n_steps, threads):
    net, chip = case
    chip = chip.with_core(max_neurons=3)        # spread over cores: per-core counters are checked
    sim = Simulator(net, chip=chip, strict=False, threads=threads).run(n_steps)
    ref = run_oracle(net, n_steps, chip)
    assert_agree(sim, ref)
    # strict mode stops in the oracle's first overflowing step, naming one of the kinds that grew in it
    strict = Simulator(net, chip=chip, strict=True, threads=threads)
    if ref["first_overflow"] is None:
        strict.run(n_steps)
    else:
        with pytest.raises(ChipOverflowError) as err:
            strict.run(n_steps)
        step, kinds = ref["first_overflow"]
        assert err.value.step == step and err.value.kind.upper() in kinds


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plastic_networks(engine_only=True), st.integers(1, 60))
def test_rule_engine_matches_oracle_bit_for_bit(case, n_steps):
    """Random rule strings (every dependency, factor, constant, scale edge) on random networks:
    weights, traces' effects, spikes, counters and overflows agree with the oracle bit for bit."""
    net, chip = case
    sim = Simulator(net, chip=chip.with_core(max_neurons=3), strict=False).run(n_steps)
    assert_agree(sim, run_oracle(net, n_steps, chip.with_core(max_neurons=3)))


def test_plastic_projection_into_izhikevich_matches_oracle():
    """Learning does not depend on the post neuron's model: a plastic projection into integer
    Izhikevich neurons (register level) follows the same §3.5 phase."""
    from neuromorph.network import IzhikevichRegisters

    F, P = LOIHI.core.izh_frac_bits, LOIHI.core.izh_coef_frac_bits
    net = Network(dt=1e-3)
    net.add_source("s", 2, PoissonSpikes(rate=300.0, seed=1))
    net.add_population("iz", 2, IzhikevichRegisters(
        k2=round(0.04 * 2**P), k1=5 << P, k0=140 << F, dt=1 << P, adt=round(0.02 * 2**P), b=round(0.2 * 2**P),
        c=-65 << F, d=8 << F, v_peak=30 << F, bias=10 << F, accommodation=False, v_init=-65 << F, u_init=-13 << F))
    net.connect_registers("s", "iz", weight_mant=[3000, 2000, 100, -100], weight_exp=-2, matrix=np.ones((2, 2), int),
                          plasticity=STDPRegisters(500, -400, 60000, 60000, -5000, 5000, 0))
    net.probe("iz")
    ref = run_oracle(net, 200)
    assert len(ref["spikes"]) > 50 and ref["counts"]["SYN_UPDATES"] > 50
    assert_agree(Simulator(net, strict=False).run(200), ref)


# -- run splitting and checkpoints ---------------------------------------------------------------
def busy_plastic_net():
    net = Network(dt=1e-3)
    net.add_source("in", 6, PoissonSpikes(rate=300.0, seed=7))
    net.add_population("a", 5, LIFRegisters(du=400, dv=300, vth=40, bias_mant=100, bias_exp=3))
    net.add_population("b", 4, LIFRegisters(du=1000, dv=500, vth=30, refractory_steps=1))
    rng = np.random.default_rng(3)
    rule1 = STDPRegisters(a_plus=900, a_minus=-1000, x_decay=60000, y_decay=58000, w_lo=-500, w_hi=3000, learn_shift=2)
    rule2 = STDPRegisters(a_plus=-300, a_minus=250, x_decay=2**15, y_decay=2**16, w_lo=-2**15, w_hi=2**15 - 1)
    net.connect_registers("in", "a", weight_mant=rng.integers(0, 2000, 30), delay_steps=rng.integers(0, 4, 30),
                          weight_exp=-3, plasticity=rule1, matrix=np.ones((5, 6), int))
    net.connect_registers("a", "b", weight_mant=rng.integers(-1000, 4000, 20), delay_steps=rng.integers(0, 3, 20),
                          weight_exp=-2, plasticity=rule2, matrix=np.ones((4, 5), int))
    net.connect_registers("b", "a", weight_mant=rng.integers(-200, 0, 20), delay_steps=1, weight_exp=0,
                          matrix=np.ones((5, 4), int))
    net.probe("a")
    net.probe("b")
    return net


def test_busy_net_learns_and_matches_oracle():
    net = busy_plastic_net()
    sim = Simulator(net, strict=False).run(120)
    ref = run_oracle(net, 120)
    assert_agree(sim, ref)
    assert ref["counts"]["SYN_UPDATES"] > 100
    for p in (0, 1):                  # the weights did move
        assert not np.array_equal(ref["weights"][p], net.projections[p].weight_mant)


def test_split_runs_equal_one_run():
    net = busy_plastic_net()
    whole = Simulator(net, strict=False).run(150)
    parts = Simulator(net, strict=False).run(37).run(0).run(1).run(112)
    chunked = Simulator(net, strict=False, chunk_steps=7).run(150)
    for other in (parts, chunked):
        assert np.array_equal(other.spikes.steps, whole.spikes.steps)
        assert np.array_equal(other.spikes.ids, whole.spikes.ids)
        assert np.array_equal(other.traces.data["v"], whole.traces.data["v"])
        assert np.array_equal(other.counters, whole.counters)
        for p, w in whole.result().weights.items():
            assert np.array_equal(other.result().weights[p], w)


def test_state_restore_continues_bit_identically():
    net = busy_plastic_net()
    a = Simulator(net, strict=False).run(60)
    snap = a.state()
    w_mid = {p: w.copy() for p, w in a.result().weights.items()}
    a.run(90)
    b = Simulator(net, strict=False).restore(snap)
    for p, w in b.result().weights.items():     # the restored weights are the snapshot's
        assert np.array_equal(w, w_mid[p])
    b.run(90)
    assert np.array_equal(b.counters, a.counters)
    for p, w in a.result().weights.items():
        assert np.array_equal(b.result().weights[p], w)
    tail = a.spikes.steps >= 60
    assert np.array_equal(b.spikes.steps, a.spikes.steps[tail])
    assert np.array_equal(b.spikes.ids, a.spikes.ids[tail])
    assert np.array_equal(b.traces.data["v"], a.traces.data["v"][60:])
    # the snapshot is a copy: running on does not change it, and restoring it twice gives the same run
    c = Simulator(net, strict=False).restore(snap).run(90)
    assert np.array_equal(c.counters, a.counters)
    for p, w in a.result().weights.items():
        assert np.array_equal(c.result().weights[p], w)


def test_plastic_state_is_in_the_snapshot():
    """A snapshot taken after learning differs from one before it (weights and traces are in it)."""
    net = busy_plastic_net()
    s0 = Simulator(net, strict=False).state()
    s1 = Simulator(net, strict=False).run(80).state()
    moved = [k for k in s0 if k not in ("u", "v", "ref", "ring", "counters", "step")
             and not np.array_equal(s0[k], s1[k])]
    assert moved, f"no plastic state in the snapshot keys {sorted(s0)}"


# -- bad input --------------------------------------------------------------------------------
def test_w_hi_below_w_lo_is_refused():
    with pytest.raises(ParameterError, match="w_hi"):
        STDPRegisters(a_plus=1, a_minus=-1, x_decay=100, y_decay=100, w_lo=5, w_hi=4)


def test_plastic_projection_with_sign_mode_is_refused():
    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes(steps=np.array([0]), ids=np.array([0])))
    net.add_population("n", 1, LIFRegisters())
    with pytest.raises(ParameterError, match="sign_mode"):
        net.connect_registers("s", "n", weight_mant=1, plasticity=stdp(), sign_mode="mixed", pre_idx=[0], post_idx=[0])


def test_sign_mode_on_a_plastic_projection_is_refused_by_the_compiler():
    net = _one_plastic()
    net.projections[0] = dataclasses.replace(net.projections[0], sign_mode="excitatory")
    with pytest.raises(ParameterError, match="sign_mode"):
        compile_network(net, LOIHI)


def _one_plastic(rule=None, w0=0, chip=LOIHI):
    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes(steps=np.array([0]), ids=np.array([0])))
    net.add_population("n", 1, LIFRegisters())
    net.connect_registers("s", "n", weight_mant=w0, plasticity=rule or stdp(), pre_idx=[0], post_idx=[0])
    return net


@pytest.mark.parametrize("field, value", [
    ("a_plus", 2**15), ("a_plus", -(2**15) - 1), ("a_minus", 2**15), ("a_minus", -(2**15) - 1),
    ("x_decay", 2**16 + 1), ("x_decay", -1), ("y_decay", 2**16 + 1), ("y_decay", -1),
    ("learn_shift", 16), ("learn_shift", -1),
    ("w_lo", -(2**15) - 1), ("w_hi", 2**15),
])
def test_register_out_of_range_is_refused(field, value):
    regs = dict(a_plus=0, a_minus=0, x_decay=2**16, y_decay=2**16, learn_shift=0, **FULL)
    regs[field] = value
    if field == "w_hi" and value < regs["w_lo"]:
        regs["w_lo"] = value
    net = _one_plastic(STDPRegisters(**regs))
    with pytest.raises(ParameterError, match=field):
        compile_network(net, LOIHI)
    with pytest.raises(ParameterError, match=field):
        Simulator(net)


@pytest.mark.parametrize("w0", [2**15, -(2**15) - 1])
def test_initial_weight_out_of_range_is_refused(w0):
    with pytest.raises(ParameterError, match="weight_mant"):
        compile_network(_one_plastic(w0=w0), LOIHI)


def test_register_limits_follow_the_chip_widths():
    chip = LOIHI.with_core(plastic_weight_bits=8, learn_coef_bits=8, trace_decay_bits=8)
    edge = Simulator(_one_plastic(STDPRegisters(a_plus=127, a_minus=-127, x_decay=256, y_decay=0, w_lo=-128,
                                                w_hi=127, learn_shift=15), w0=-128), chip=chip).run(3)
    assert edge.weights[0].tolist() == [-128]         # the 8-bit W register holds its bottom edge
    for field, value in (("a_plus", 128), ("x_decay", 257), ("w_hi", 128)):
        regs = dict(a_plus=0, a_minus=0, x_decay=256, y_decay=256, w_lo=-128, w_hi=127)
        regs[field] = value
        with pytest.raises(ParameterError, match=field):
            compile_network(_one_plastic(STDPRegisters(**regs)), chip)
    with pytest.raises(ParameterError, match="weight_mant"):
        compile_network(_one_plastic(w0=128), chip)


def test_edge_registers_are_accepted_and_used_exactly():
    """Registers at the ends of their ranges compile and act as §3.5 says (hand-computed, F = 18)."""
    # x_decay = 0: the pre trace is 0 one step after a pre spike, so potentiation never sees it;
    # y_decay = 2^16: the post trace keeps its 2^18 from the post spike at step 5. Each later pre
    # spike (steps 10, 12) depresses by rnd(-(2^15 - 1) * 2^18, 18 + 15) = (-8589672448 + 2^32) >> 33 = -1;
    # the one at step 3 (before any post spike) reads y = 0. w0 at the bottom edge stays clipped there.
    rule = STDPRegisters(a_plus=2**15 - 1, a_minus=-(2**15 - 1), x_decay=0, y_decay=2**16, w_lo=-(2**15),
                         w_hi=2**15 - 1, learn_shift=15)
    for w0, w_end in ((-(2**15), -(2**15)), (2**15 - 1, 2**15 - 3)):
        sim = Simulator(pair_net([3, 10, 12], [5], rule, w0)).run(15)
        assert sim.spikes.steps[sim.spikes.ids == POST].tolist() == [5]
        assert sim.weights[PLASTIC].tolist() == [w_end]
        assert int(sim.counter_table()["syn_updates"].sum()) == 4      # 3 pre spikes + 1 post spike
    # a_plus, a_minus are signed learn_coef_bits registers: -2^15 is in range. The post spike at
    # step 5 reads x = 2^18 (pre at step 3, x_decay = 2^16 keeps it): dW = rnd(-2^15 * 2^18, 18) = -2^15
    for w_lo, w_hi, w_end in ((-(2**15), 2**15 - 1, 100 - 2**15), (0, 0, 0)):
        rule = STDPRegisters(a_plus=-(2**15), a_minus=-(2**15), x_decay=2**16, y_decay=0, w_lo=w_lo, w_hi=w_hi)
        sim = Simulator(pair_net([3], [5], rule, 100)).run(8)
        assert sim.weights[PLASTIC].tolist() == [w_end]               # (0, 0): clipped at its first update


def test_plasticity_must_be_stdp_registers():
    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes(steps=np.array([0]), ids=np.array([0])))
    net.add_population("n", 1, LIFRegisters())
    with pytest.raises((ParameterError, CompileError)):
        net.connect_registers("s", "n", weight_mant=1, plasticity={"a_plus": 1}, pre_idx=[0], post_idx=[0])


def test_engine_rule_by_hand():
    """A two-factor y0 term with a constant and a constant u0 term, computed by hand (§3.5)."""
    F = LOIHI.core.trace_frac_bits
    rule = LearningRule(dw="3*2^-2*(x1 + 1)*y1*y0 + u0*2^-1", w_lo=-1000, w_hi=1000,
                        x1=TraceRegisters(1 << 15), y1=TraceRegisters(1 << 16, impulse=3 << (F - 1)))
    net = pair_net([0, 1], [3, 5], rule, 10)          # pre fires at 0 and 1, post at 3 and 5
    sim = Simulator(net, strict=True).run(7)
    assert sim.spikes.steps[sim.spikes.ids == 2].tolist() == [3, 5]
    # x1 halves every step: 0.5 after step 0, 0.75 after 1, 0.375, 0.1875 (read at 3), ..., 3/32 read at 5
    # y1 never decays: 0 when read at 3 (the y0 term is 0), 1.5 when read at 5
    x1 = 3 << (F - 5)
    p = (3 * (x1 + (1 << F)) + (1 << (F - 1))) >> F           # rnd(3 (x1 + 1.0), F) = rnd(3.28) = 3
    y0_term = (p * (3 << (F - 1)) + (1 << (F + 1))) >> (F + 2)  # rnd(3 * 1.5 * 2^F, F + 2) = rnd(1.125) = 1
    assert (p, y0_term) == (3, 1)
    u0_term = (1 + 1) >> 1                                      # rnd(1, 1) every step
    assert sim.weights[1].tolist() == [10 + 7 * u0_term + y0_term]
    assert_agree(sim, run_oracle(net, 7, LOIHI))


def test_rule_errors_point_at_the_token():
    from neuromorph.learning import RuleError, parse_rule
    with pytest.raises(RuleError, match=r"unknown name 'z1'.* column 19"):
        parse_rule("2^-2*x1*y0 - 2^-2*z1*x0")
    for bad, why in (("2^-2*x1", "no dependency"), ("x1*y0*x0", "second dependency"), ("3^2*x1*y0", "powers of 2"),
                     ("(x1 + 200)*y0", "beyond"), ("x1*x2*y1*y2*y0", "more than 3 factors"), ("x1*y0 +", "end")):
        with pytest.raises(RuleError, match=why):
            parse_rule(bad)
    with pytest.raises(ParameterError, match="y2"):
        LearningRule(dw="x1*y2*y0", w_lo=0, w_hi=10, x1=TraceRegisters(100))      # y2 is read, not given


def test_learning_rule_programs_read_back(tmp_path):
    from neuromorph.export import read_program, write_program
    rule = LearningRule(dw="2^-3*x2*y0 - y1*x0*2^-5 + u0*2^-10*(w - 3)", w_lo=-50, w_hi=500,
                        x2=TraceRegisters(60000, 1 << 17), y1=TraceRegisters(50000))
    net = pair_net([0, 2, 4], [3, 6], rule, 100)
    p = compile_network(net)
    write_program(p, tmp_path / "r.nmprog")
    q = read_program(tmp_path / "r.nmprog")
    assert q.projections[1].plasticity == rule
    for a, b in zip(p.learning, q.learning):
        assert np.array_equal(a, b)
    assert Simulator(q).run(10).weights[1].tolist() == Simulator(p).run(10).weights[1].tolist()

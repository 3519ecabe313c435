"""The learning engine's float twin (``reference.network_sim``, hardware mode) against the chip.

The twin runs docs/hardware-model.md §3.5 in float64 without rounding (module docstring of
``reference/network_sim.py``). Where the chip's integers are exact — power-of-two decays,
impulses and scales that leave no fraction — the two give the same weights bit for bit; on a
busy network with general rules they differ only by the chip's roundings, within a bound that
:func:`tolerance` derives per synapse from the spikes; dropping any one term of a rule from the
twin puts it outside that bound.

Hand circuits are test_stdp_chip's: ``pair_net`` (source ``pre`` -> ``post`` through the
plastic projection 1, ``post`` fires exactly at the steps asked for) and ``self_loop_net`` (a
neuron with a plastic synapse onto itself).
"""

import dataclasses

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.hardware import LOIHI
from neuromorph.learning import DEPENDENCIES, FACTORS, LearningRule, TraceRegisters, as_rule
from neuromorph.network import LIF, LIFRegisters, Network, PoissonSpikes, STDPRegisters
from neuromorph.simulator import Simulator
from reference import network_sim_kernels as kernels
from reference.network_sim import simulate
from test_stdp_chip import PLASTIC, POST, pair_net, self_loop_net, stdp

NARROW = LOIHI.with_core(trace_bits=12, trace_frac_bits=6, trace_decay_bits=8)   # F = 6, decay unity 2^8


def twin_and_chip(net, n_steps, chip=LOIHI):
    """Both runs; the spikes must be the same (every weight check below relies on it)."""
    twin = simulate(net, n_steps, chip=chip)
    sim = Simulator(net, chip=chip, strict=True).run(n_steps)
    got = sim.result()
    assert np.array_equal(twin.spikes.steps, got.spikes.steps) and np.array_equal(twin.spikes.ids, got.spikes.ids)
    return twin, got


# -- (1) exact integer arithmetic: the twin equals the chip bit for bit ------------------------------
def exact_rule(chip=LOIHI):
    """Triplet-like terms with trace constants, a w factor and a u0 term whose integers are exact on
    ``pair_net([2, 4, 9], [5, 7])`` for 12 steps: x1 halves (impulse 1.0), y1 keeps (impulse 1.5),
    y2 quarters (impulse 2.0), so every trace is a short binary fraction; each product's scale clears
    it. By hand (spike units; pre at 2, 4, 9, post at 5, 7; W0 = 4196):
    4b at 2, 4: -64 (0 - 1) = +64 each -> 4324; 4a at 5 reads x1 = 0.625, y2 = 0: 160 + 512 * 1.625 * 2
    - (4224 / 8) = +1296 -> 5620 (the w term reads W before the sum); 4u at 6: 32 * 1.5 = 48 ...;
    the final 6574 is the chip's (tests/test_stdp_chip.py checks the chip against the oracle)."""
    F, D = chip.core.trace_frac_bits, chip.core.trace_decay_bits
    return LearningRule(dw="256*x1*y0 + 512*(x1 + 1)*(y2 + 2)*y0 - 64*(y1 - 1)*x0 + 32*y1*u0 - 2^-3*(w - 100)*y0",
                        w_lo=-30000, w_hi=30000, x1=TraceRegisters(1 << (D - 1)),
                        y1=TraceRegisters(1 << D, 3 << (F - 1)), y2=TraceRegisters(1 << (D - 2), 2 << F))


EXACT_CASES = [     # (network, steps, chip, W): the pair cases are test_stdp_chip's hand cases
    (pair_net([2, 8], [5], stdp(a_plus=1000, a_minus=-300, x_decay=2**15), 100), 10, LOIHI, -75),
    (pair_net([3, 5], [3], stdp(a_plus=1000, a_minus=-1000), 50), 6, LOIHI, -950),     # same-step pair: none
    (pair_net([3], [3, 5], stdp(a_plus=1000, a_minus=-1000), 50), 6, LOIHI, 1050),
    (pair_net([0, 4], [2], stdp(a_plus=1000, a_minus=-1000, w_lo=0, w_hi=150), 100), 6, LOIHI, 0),  # both clips
    (pair_net([1, 5], [3], stdp(a_plus=1000, a_minus=-1000, w_lo=7, w_hi=7), 500), 7, LOIHI, 7),    # pinned
    (pair_net([0, 2, 4], [1, 3, 5], stdp(a_plus=2**15 - 1, x_decay=0, y_decay=0), 123), 7, LOIHI, 123),
    (self_loop_net(3), 5, LOIHI, 21),                                                  # pre is a neuron
    (pair_net([2, 4, 9], [5, 7], exact_rule(), 4196), 12, LOIHI, 6574),
    (pair_net([2, 4, 9], [5, 7], exact_rule(NARROW), 4196), 12, NARROW, 6574),         # other F and decay unity
]


@pytest.mark.parametrize("net, n_steps, chip, want", EXACT_CASES)
def test_exact_rules_give_the_chips_weights_bit_for_bit(net, n_steps, chip, want):
    twin, got = twin_and_chip(net, n_steps, chip)
    assert got.weights[PLASTIC].tolist() == [want]
    assert twin.weights[PLASTIC].dtype == np.float64
    assert twin.weights[PLASTIC].tolist() == [want]


def test_route_uses_the_weight_before_this_steps_learning():
    # weight_exp = 0, du = 4095: post's u in step k + 1 is W << 6 of the spike routed in step k.
    # post at 1 (y1 = 1.0, no decay); pre at 3 routes W = 200, then 4b: W = 100; pre at 5 routes 100.
    twin, got = twin_and_chip(pair_net([3, 5], [1], stdp(a_minus=-100), 200, weight_exp=0), 8)
    col = list(twin.traces.ids).index(POST)
    assert (twin.traces.data["u"][4, col], twin.traces.data["u"][6, col]) == (200 << 6, 100 << 6)
    assert twin.weights[PLASTIC].tolist() == got.weights[PLASTIC].tolist() == [0]


def test_the_twin_does_not_round():
    # pre at 0, post at 1 and 3; x1 halves per step (1.0 after step 0's impulse, 0.5 read at step 1).
    # Post at 1: 3 * 2^-2 * 0.5 = 0.375 and 2^-1 * (0 - 1) = -0.5: the chip rounds both to 0, the
    # twin adds them: -0.125. Post at 3 (x1 = 0.125): 0.09375 and (-0.125 - 1) / 2: the chip stays 0.
    rule = LearningRule(dw="3*2^-2*x1*y0 + 2^-1*(w - 1)*y0", w_lo=-100, w_hi=100, x1=TraceRegisters(2**15))
    twin, got = twin_and_chip(pair_net([0], [1], rule, 0), 3)
    assert got.weights[PLASTIC].tolist() == [0] and twin.weights[PLASTIC].tolist() == [-0.125]
    twin, got = twin_and_chip(pair_net([0], [1, 3], rule, 0), 5)
    assert got.weights[PLASTIC].tolist() == [0]
    assert twin.weights[PLASTIC].tolist() == [-0.125 + 0.75 * 0.125 + (-0.125 - 1) / 2]


# -- (2) general rules on a busy network: within the rounding bound -----------------------------------
N_PRE, N_POST, STEPS = 6, 4, 400
DECAY_09, DECAY_095 = 58982, 62259          # realised 0.89999..., 0.94999... per step


def busy_rules():
    """Projection index -> rule: pair STDP as a rule, the triplet rule (x1 y0, x1 y2 y0, y1 x0; the
    scales in W-LSBs per unit trace, mantissas large so the chip's intermediate rounding stays
    small), a recurrent pair rule with a u0 term pulling W toward 100 at 1/64 per step, and
    STDPRegisters with a learn_shift."""
    return {
        2: LearningRule(dw="96*x1*y0 - 80*y1*x0", w_lo=0, w_hi=6000,
                        x1=TraceRegisters(DECAY_09), y1=TraceRegisters(DECAY_09)),
        3: LearningRule(dw="96*x1*y0 + 1536*2^-4*x1*y2*y0 - 96*y1*x0", w_lo=0, w_hi=6000,
                        x1=TraceRegisters(DECAY_09, 3 << 16), y1=TraceRegisters(DECAY_09),
                        y2=TraceRegisters(DECAY_095)),
        4: LearningRule(dw="200*x1*y0 - 160*(y1 + 1)*x0 - 2^-6*(w - 100)*u0", w_lo=-6000, w_hi=6000,
                        x1=TraceRegisters(DECAY_09), y1=TraceRegisters(DECAY_095, 1 << 17)),
        5: STDPRegisters(a_plus=3000, a_minus=-2500, x_decay=DECAY_095, y_decay=DECAY_09, w_lo=0, w_hi=6000,
                         learn_shift=5),
    }


def busy_net(rules):
    """Poisson ``pre`` sources into ``post`` through the plastic projections 2, 3, 5 (all to all) and
    ``post`` onto itself through 4 (all to all, self-synapses included), random delays and initial
    W. Each ``post`` neuron fires exactly in the step after a spike of its own Poisson ``drive``
    (projection 0: u = 200 << 13 over vth << 6 = 256000), whatever the plastic weights: the 22
    plastic synapses into a neuron (|W| <= 6000 at weight_exp -8) add |u| < 22 * 6000 / 2^2 = 33000
    (and the accumulator stays below 2^15: 25600 + 22 * 6000 / 2^8 < 26200).
    Projection 1 is static."""
    rng = np.random.default_rng(7)
    net = Network(dt=1e-3)
    net.add_source("pre", N_PRE, PoissonSpikes(rate=80.0, seed=11))
    net.add_source("drive", N_POST, PoissonSpikes(rate=50.0, seed=12))
    net.add_population("post", N_POST, LIFRegisters(du=4095, dv=4095, vth=4000))
    idx = np.arange(N_POST)
    net.connect_registers("drive", "post", weight_mant=200, weight_exp=7, pre_idx=idx, post_idx=idx)
    net.connect_registers("pre", "post", weight_mant=3, weight_exp=-2, pre_idx=[0, 1], post_idx=[2, 3])
    for p, (pre, n_pre) in zip(sorted(rules), (("pre", N_PRE), ("pre", N_PRE), ("post", N_POST), ("pre", N_PRE))):
        j, i = (a.ravel() for a in np.meshgrid(np.arange(n_pre), idx))
        net.connect_registers(pre, "post", weight_mant=rng.integers(500, 3000, j.size), weight_exp=-8,
                              delay_steps=rng.integers(0, 4, j.size), pre_idx=j, post_idx=i, plasticity=rules[p])
    net.probe("post")
    return net


def term_bound(term, traces, F, D) -> float:
    """Most a term of the chip can differ from the twin's value (W-LSBs) for the same W: its final
    rounding (1/2), each intermediate rounding (1/2 scaled by the later factors and 2^exp), and the
    floors of the trace decays. A trace of decay a = decay/2^D and impulse I (spike units) reads at
    most B = I a / (1 - a) in the twin, and the chip's trace lies below it by less than
    1 / (1 - a) LSBs (each floor loses < 1 LSB, then decays with the trace): eps = 2^-F / (1 - a).
    So |Π V_chip - Π V_twin| <= Π (B + |C| + eps) - Π (B + |C|). Terms with a w factor: see tolerance."""
    bounds, eps = [], []
    for name, c in term.factors:
        tr = traces[name]
        a = tr.decay / 2**D
        impulse = 1.0 if tr.impulse is None else tr.impulse / 2**F
        bounds.append(impulse * a / (1 - a) + abs(c))
        eps.append(2.0**-F / (1 - a))
    scale = 2.0**term.exp
    later = [float(np.prod(bounds[n + 1:])) for n in range(len(bounds))]
    inter = 0.5 * scale * sum(later[:-1])
    floors = abs(term.mant) * scale * (np.prod(np.add(bounds, eps)) - np.prod(bounds))
    return 0.5 + inter + floors


def tolerance(net, p, spikes, n_steps, chip=LOIHI) -> np.ndarray:
    """Per synapse of projection ``p``: how far the chip's final W may lie from the twin's.

    Both see the same spikes and clip to the same bounds (the clip is 1-Lipschitz), so the
    difference e = W_chip - W_twin grows in a 4a (4b) update by at most the sum of term_bound over
    the y0 (x0) terms, and in 4u by that of the u0 terms without w. A u0 term c (w - C) with
    -1 <= c < 0 maps e to (1 + c) e + rho, |rho| <= 1/2: it contracts what came before. The bound
    follows e step by step with the spikes of the run."""
    proj = net.projections[p]
    rule = as_rule(proj.plasticity)
    F, D = chip.core.trace_frac_bits, chip.core.trace_decay_bits
    traces = rule.traces()
    per = {dep: 0.0 for dep in ("y0", "x0", "u0")}
    contraction = 1.0
    for t in rule.terms:
        if all(n != "w" for n, _ in t.factors):
            per[t.dep] += term_bound(t, traces, F, D)
            continue
        c = t.mant * 2.0**t.exp                       # the one shape of w term this bound covers
        assert t.dep == "u0" and len(t.factors) == 1 and -1 <= c < 0
        contraction += c
        per["u0"] += 0.5
    assert 0 <= contraction <= 1
    pre, post = net.populations[proj.pre], net.populations[proj.post]
    fired = np.zeros((n_steps, net.n_neurons), bool)
    fired[spikes.steps, spikes.ids] = True
    post_fired, pre_fired = fired[:, post.start + proj.post_idx], fired[:, pre.start + proj.pre_idx]
    e = np.zeros(proj.n_synapses)
    for k in range(n_steps):
        e += post_fired[k] * per["y0"] + pre_fired[k] * per["x0"]
        e = contraction * e + per["u0"]
    return e


def test_general_rules_agree_within_the_rounding_bound():
    net = busy_net(busy_rules())
    twin, got = twin_and_chip(net, STEPS)
    assert sorted(twin.weights) == sorted(got.weights) == [2, 3, 4, 5]
    fired = np.bincount(got.spikes.ids, minlength=net.n_neurons)
    assert fired[N_PRE + N_POST:].min() >= 10                 # every post neuron learns a while
    for p in twin.weights:
        tol = tolerance(net, p, got.spikes, STEPS)
        err = np.abs(twin.weights[p] - got.weights[p])
        assert np.all(err <= tol), (p, err.max(), tol.min())
        moved = np.abs(twin.weights[p] - net.projections[p].weight_mant)
        assert np.median(moved) > 5 * tol.max(), p           # the bound is small next to what was learned
        assert err.max() > 0                                  # ... and the chip does round


def without_term(rule, k):
    """``rule`` (as an engine rule) with its k-th term removed, the traces kept."""
    rule = as_rule(rule)
    text = " + ".join(str(t) for i, t in enumerate(rule.terms) if i != k).replace("+ -", "- ")
    return dataclasses.replace(rule, dw=text)


def test_a_twin_that_drops_any_term_is_caught():
    """The check above fails for a twin that ignored any one term: the same twin run with that
    term removed from one projection's rule lies outside the bound on that projection."""
    rules = busy_rules()
    net = busy_net(rules)
    got = Simulator(net, strict=True).run(STEPS).result()
    for p, rule in rules.items():
        tol = tolerance(net, p, got.spikes, STEPS)
        for k in range(len(as_rule(rule).terms)):
            twin = simulate(busy_net({**rules, p: without_term(rule, k)}), STEPS)
            assert np.array_equal(twin.spikes.ids, got.spikes.ids)
            assert np.any(np.abs(twin.weights[p] - got.weights[p]) > tol), (p, k)


def python_twin(net, spikes, n_steps, chip=LOIHI) -> dict:
    """§3.5 in plain Python floats with ``Term.float_value``, given the run's spikes (slow and
    obvious; it shares nothing with the reference's tables and kernel but the parsed terms)."""
    F, D = chip.core.trace_frac_bits, chip.core.trace_decay_bits
    fired_at: dict[int, set] = {}
    for k, g in zip(spikes.steps.tolist(), spikes.ids.tolist()):
        fired_at.setdefault(k, set()).add(g)
    plastic = []
    for p, proj in enumerate(net.projections):
        if proj.plasticity is None:
            continue
        rule = as_rule(proj.plasticity)
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        traces = {name: (pre if name[0] == "x" else post, tr, [0.0] * (pre if name[0] == "x" else post).size)
                  for name, tr in rule.traces().items()}
        plastic.append(dict(p=p, rule=rule, pre=pre, post=post, traces=traces,
                            W=proj.weight_mant.astype(float).tolist(),
                            syn=list(zip(proj.pre_idx.tolist(), proj.post_idx.tolist()))))
    for k in range(n_steps):
        fired = fired_at.get(k, set())
        for dep in ("y0", "x0", "u0"):
            for e in plastic:
                terms = [t for t in e["rule"].terms if t.dep == dep]
                for q, (j, i) in enumerate(e["syn"]):
                    if not terms or (dep == "y0" and e["post"].start + i not in fired) or \
                            (dep == "x0" and e["pre"].start + j not in fired):
                        continue
                    values = {name: v[j if name[0] == "x" else i] for name, (_, _, v) in e["traces"].items()}
                    values["w"] = e["W"][q]
                    dw = 0.0
                    for t in terms:
                        dw += t.float_value(values)
                    e["W"][q] = min(max(e["W"][q] + dw, e["rule"].w_lo), e["rule"].w_hi)
        for e in plastic:
            for owner, tr, v in e["traces"].values():
                impulse = 1.0 if tr.impulse is None else tr.impulse / 2**F
                for n in range(owner.size):
                    v[n] = (v[n] + impulse * (owner.start + n in fired)) * (tr.decay / 2**D)
    return {e["p"]: np.array(e["W"]) for e in plastic}


def test_the_kernel_is_the_rule_in_floats():
    """The reference's numba twin against python_twin on the busy network: the same float
    operations in the same order, so the same bits."""
    net = busy_net(busy_rules())
    twin = simulate(net, STEPS)
    want = python_twin(net, twin.spikes, STEPS)
    assert sorted(want) == sorted(twin.weights)
    for p, w in want.items():
        np.testing.assert_array_equal(twin.weights[p], w)


def test_kernel_codes_are_the_rule_languages():
    # the tables encode dependencies and factors by their positions in neuromorph.learning
    assert (kernels.DEP_Y0, kernels.DEP_X0, kernels.DEP_U0) == tuple(DEPENDENCIES.index(d) for d in ("y0", "x0", "u0"))
    assert kernels.FAC_W == FACTORS.index("w")


# -- (3) STDPRegisters are their rule -----------------------------------------------------------------
def test_stdp_registers_run_as_their_rule():
    rules = busy_rules()
    a = simulate(busy_net(rules), STEPS)
    b = simulate(busy_net({**rules, 5: as_rule(rules[5])}), STEPS)
    assert np.array_equal(a.weights[5], b.weights[5])
    assert a.weights[5].dtype == np.float64 and a.weights[5].shape == (N_PRE * N_POST,)


# -- (4) continuous mode and other plasticity -----------------------------------------------------------
def test_continuous_mode_refuses_register_models():
    with pytest.raises(ParameterError, match="'hardware' only"):
        simulate(pair_net([2], [5], stdp(a_plus=10), 0), 10, mode="continuous")
    with pytest.raises(ParameterError, match="'hardware' only"):
        simulate(busy_net(busy_rules()), 10, mode="continuous")


def test_other_plasticity_is_refused():
    # an engine rule on a physical Projection, and an unknown object on a ProjectionRegisters
    net = Network(dt=1e-3)
    net.add_source("s", 1, PoissonSpikes(rate=10.0, seed=0))
    net.add_population("n", 1, LIF())
    net.connect("s", "n", weight=1e-12, pre_idx=[0], post_idx=[0])
    net.projections[0] = dataclasses.replace(net.projections[0], plasticity=busy_rules()[2])
    with pytest.raises(ParameterError, match="STDPRegisters / LearningRule on a ProjectionRegisters"):
        simulate(net, 5)
    net = pair_net([2], [5], stdp(a_plus=10), 0)
    net.projections[PLASTIC] = dataclasses.replace(net.projections[PLASTIC], plasticity=object())
    with pytest.raises(ParameterError, match="STDPRegisters / LearningRule on a ProjectionRegisters"):
        simulate(net, 5)

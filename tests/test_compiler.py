"""Compiler: quantization formulas (docs/hardware-model.md §7), weight preparation, placement, named errors."""

import numpy as np
import pytest

from neuromorph.compiler import compile_network, prepare_weights, quantize
from neuromorph.errors import CapacityError, CompileError, ParameterError
from neuromorph.hardware import LOIHI
from neuromorph.network import LIF, STDP, Izhikevich, LIFRegisters, Network, PoissonSpikes


def test_lif_registers_follow_the_documented_formulas():
    dt, m = 1e-4, LIF(tau_m=10e-3, tau_syn=5e-3, I_bias=300e-12, t_ref=2e-3)
    net = Network(dt=dt)
    net.add_population("n", 3, m)
    reg, _, report = quantize(net)              # pass 1 of compile_network: physical -> registers
    r = reg.populations["n"].model
    # hand-computed from docs/hardware-model.md §7 (loihi preset: 2^12 = 4096, du_offset 1, shift 6):
    # dv = round(4096 (1 - e^-0.01)) = round(4096 * 0.00995017) = round(40.756) = 41
    # du = 4096 - 1 - round(4096 e^-0.02) = 4095 - round(4096 * 0.98019867) = 4095 - round(4014.89) = 80
    # vth = floor((2^23 - 1) / (2^6 * headroom 4)) = floor(8388607 / 256) = 32767
    assert (r.dv, r.du, r.vth) == (41, 80, 32767)
    # s_v = theta / (vth * 2^6) = 20 mV / 2097088; bias = (41/4096) * I_bias / (g_L s_v)
    #     = (41/4096) * (300 pA / 10 nS) * 2097088 / 20 mV = (41/4096) * 3145632 = 31487.04,
    # as mantissa * 2^exp with the smallest exp whose mantissa fits 13 signed bits (<= 4095):
    # exp 2 gives 7871.8 (too big), exp 3 gives round(3935.88) = 3936 (realised 31488)
    assert (r.bias_mant, r.bias_exp) == (3936, 3)
    assert r.refractory_steps == 20                                           # round(2 ms / 0.1 ms)
    rows = {p["name"]: p for p in report.parameters}
    assert rows["tau_m"]["rel_error"] < 0.01 and rows["v_th"]["rel_error"] < 1e-12


def test_leak_reversal_above_reset_becomes_bias():
    # CUBA-style: E_L = -49 mV above v_th = -50 mV: the leak drives spiking with no current.
    net = Network(dt=1e-4)
    net.add_population("n", 1, LIF(E_L=-49e-3, v_th=-50e-3, v_reset=-60e-3, tau_m=20e-3, t_ref=5e-3))
    r = compile_network(net).models["n"]
    assert (r.bias_mant << r.bias_exp) > 0


@pytest.mark.parametrize("mode,w,num_bits,expected", [
    ("mixed", [7, -127, 255, -256, 300, -300], 8, [6, -128, 254, -256, 254, -256]),
    ("excitatory", [7, -5, 255, 300], 8, [7, 0, 255, 255]),
    ("inhibitory", [-7, 5, -255, -300], 6, [-4, 0, -252, -252]),
    ("mixed", [-7, 7], 6, [-8, 0]),
])
def test_weight_preparation_is_lavas(mode, w, num_bits, expected):
    got, m = prepare_weights(np.array(w), mode, num_bits)
    assert got.tolist() == expected and m == mode


def test_auto_sign_mode():
    assert prepare_weights(np.array([0, 0]), None, 8)[1] == "excitatory"
    assert prepare_weights(np.array([-1, 0]), None, 8)[1] == "inhibitory"
    assert prepare_weights(np.array([-1, 1]), None, 8)[1] == "mixed"


def test_physical_weights_are_quantized_with_reported_error():
    net = Network(dt=1e-4)
    net.add_source("s", 50, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 20, LIF())
    w = np.random.default_rng(0).uniform(10e-12, 100e-12, size=(20, 50))
    net.connect("s", "n", matrix=w)
    prog = compile_network(net)
    row = [p for p in prog.report.parameters if p["name"] == "weight"][0]
    # smallest exponent that fits -> grid step <= 2 * w_max / 255; rounding error <= step / 2
    assert 0 < row["rel_error"] <= (2 * w.max() / 255) / 2 / w.min()
    pr = prog.synapses_of(0)
    assert pr.sign_mode == "excitatory" and 0 <= pr.weight_exp <= 7 and pr.weight_mant.max() <= 255


def test_errors_name_parameter_value_and_range():
    net = Network(dt=1e-4)
    net.add_source("s", 2, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 2, LIF())
    with pytest.raises(ParameterError, match=r"matrix.*\(2, 3\).*\(n_post, n_pre\) = \(2, 2\)"):
        net.connect("s", "n", matrix=np.ones((2, 3)))
    with pytest.raises(ParameterError, match="delay.*>= dt"):
        net.connect("s", "n", weight=1e-12, p=1.0, seed=0, delay=0.0)
    net.connect("s", "n", weight=1e-12, p=1.0, seed=0, delay=65e-4)
    with pytest.raises(ParameterError, match=r"delay .* allowed: \[dt, 64 \* dt\]"):
        compile_network(net)
    net2 = Network(dt=1e-4)
    net2.add_source("s", 2, PoissonSpikes(10.0, seed=0))
    net2.add_population("n", 2, LIF())
    net2.connect("s", "n", weight=1e-3, p=1.0, seed=0)
    with pytest.raises(ParameterError, match="weight.*proj0:s->n"):
        compile_network(net2)
    with pytest.raises(ParameterError, match="tau_m.*> 0"):
        LIF(tau_m=-1.0)


def test_izhikevich_quantization_and_loihi_refusal():
    net = Network(dt=0.25e-3)
    net.add_population("iz", 2, Izhikevich(a=0.02, b=0.2, c=-65, d=6))
    prog = compile_network(net)
    r = prog.models["iz"]
    F, P = LOIHI.core.izh_frac_bits, LOIHI.core.izh_coef_frac_bits
    assert (r.k2, r.k1, r.k0) == (round(0.04 * 2**P), 5 * 2**P, 140 * 2**F)
    assert (r.dt, r.adt, r.b) == (2**P // 4, round(0.02 * 0.25 * 2**P), round(0.2 * 2**P))
    assert (r.c, r.d, r.v_peak) == (-65 * 2**F, 6 * 2**F, 30 * 2**F)
    rows = {p["name"]: p for p in prog.report.parameters if p["owner"] == "iz"}
    assert rows["a"]["rel_error"] < 1e-3 and rows["dt_ms"]["rel_error"] == 0
    with pytest.raises(ParameterError, match="model.*LIF only"):
        compile_network(net, loihi_compat=True)
    net = Network(dt=2e-3)
    net.add_population("iz", 1, Izhikevich())
    with pytest.raises(ParameterError, match="dt.*Euler limit"):
        compile_network(net)


def test_plastic_weight_range_error_names_w_max():
    net = Network(dt=1e-4)
    net.add_population("a", 2, LIF())
    net.connect("a", "a", weight=1e-12, p=1.0, seed=0, plasticity=STDP())     # w_max = 1 A: far too big
    with pytest.raises(ParameterError, match=r"w_max \(proj0:a->a\) = 1.0 is out of range"):
        compile_network(net)


def test_physical_stdp_registers_follow_section_7():
    """§7 'Plastic projections': exponent, W, bounds, decays, shift and A± computed by hand."""
    dt, w_max = 1e-4, 8e-12
    net = Network(dt=dt)
    net.add_source("s", 3, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 1, LIF(tau_syn=5e-3))
    rule = STDP(A_plus=0.005 * w_max, A_minus=-0.00525 * w_max, tau_plus=20e-3, tau_minus=10e-3, w_min=0.0,
                w_max=w_max)
    w0 = np.array([1e-12, 4e-12, 7.5e-12])
    net.connect("s", "n", weight=w0, pre_idx=np.arange(3), post_idx=np.zeros(3, np.int64), plasticity=rule)
    prog = compile_network(net)
    reg = prog.synapses_of(0)
    r = reg.plasticity
    c = LOIHI.core
    sc = prog.host.u_scale[3] * 2.0 ** c.input_shift                # amperes per accumulator unit
    J = max(w0.max(), w_max) / sc
    e = next(e for e in range(c.weight_exp_min, c.weight_exp_max + 1) if J / 2.0 ** e <= 2 ** 15 - 1)
    assert reg.weight_exp == e
    assert reg.weight_mant.tolist() == [int(np.floor(w / sc / 2.0 ** e + 0.5)) for w in w0]
    assert (r.w_lo, r.w_hi) == (0, int(np.floor(w_max / sc / 2.0 ** e + 0.5)))
    assert r.x_decay == round(65536 * np.exp(-dt / 20e-3)) and r.y_decay == round(65536 * np.exp(-dt / 10e-3))
    aw = 0.00525 * w_max / sc / 2.0 ** e                       # |A-| is the larger: it sets the shift
    s = max(s for s in range(16) if np.floor(aw * 2.0 ** s + 0.5) <= 2 ** 15 - 1)
    assert r.learn_shift == s
    assert r.a_minus == -int(np.floor(aw * 2.0 ** s + 0.5))
    assert r.a_plus == int(np.floor(0.005 * w_max / sc / 2.0 ** e * 2.0 ** s + 0.5))
    realised = {(q["name"]): q for q in prog.report.parameters if q["owner"].startswith("proj0")}
    assert realised["A_plus"]["rel_error"] < 1e-3 and realised["tau_plus"]["rel_error"] < 1e-3
    # the run reports weights in amperes, equal to the registers before any learning
    from neuromorph.simulator import Simulator
    w = Simulator(prog).result().weights[0]
    assert np.allclose(w, np.array(reg.weight_mant) * sc * 2.0 ** e, rtol=0, atol=0)


def test_loihi_compat_refuses_refractory_from_physical_units():
    net = Network(dt=1e-4)
    net.add_population("n", 1, LIF(t_ref=2e-3))
    with pytest.raises(ParameterError, match="refractory_steps"):
        compile_network(net, loihi_compat=True)
    net = Network(dt=1e-4)
    net.add_population("n", 1, LIF(t_ref=0.0))
    assert compile_network(net, loihi_compat=True).loihi_compat


def test_placement_splits_across_cores_and_counts_axons():
    net = Network(dt=1e-3)
    net.add_source("s", 100, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 1500, LIFRegisters(vth=100))
    net.connect_registers("s", "n", weight_mant=10, p=0.05, seed=1)
    prog = compile_network(net)
    assert prog.n_cores == 2
    assert [c["neurons"] for c in prog.report.cores] == [1024, 476]
    assert prog.placement.core_of[:100].tolist() == [2] * 100                   # sources on the host row
    assert prog.placement.core_of[100:1124].tolist() == [0] * 1024
    # each source sends one message per destination core it reaches
    assert int(prog.placement.n_dest[:100].max()) <= 2


def test_capacity_errors_name_core_and_limit():
    net = Network(dt=1e-3)
    net.add_source("s", 20, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 4, LIFRegisters(vth=100))
    net.connect_registers("s", "n", weight_mant=10, matrix=np.ones((4, 20)))
    with pytest.raises(CapacityError, match="core 0: fan-in axons needs 20, limit is 10"):
        compile_network(net, LOIHI.with_core(max_fan_in_axons=10))
    with pytest.raises(CapacityError, match=r"core 0: synapse memory bits needs 480, limit is 360 \(neuron gid \d+: 20 synapses\)"):
        compile_network(net, LOIHI.with_core(synapse_memory_bits=15 * 24))
    with pytest.raises(CapacityError, match="chip 'loihi': cores needs 4, limit is 2"):
        from dataclasses import replace
        compile_network(net, replace(LOIHI.with_core(max_neurons=1), n_cores=2))


def test_plastic_range_error_names_the_offender_and_non_finite_rates_are_refused():
    from neuromorph.network import SpikeTimes

    def net_with(weight, rule):
        net = Network(dt=1e-4)
        net.add_source("s", 4, SpikeTimes([0], [0]))
        net.add_population("p", 1, LIF(t_ref=0.0))
        net.connect("s", "p", weight=weight, pre_idx=np.arange(4), post_idx=np.zeros(4, np.int64), plasticity=rule)
        return net

    with pytest.raises(ParameterError, match=r"^weight \(proj0:s->p\) = 0.001 is out of range"):
        compile_network(net_with([1e-3, 1e-12, 1e-12, 1e-12], STDP(w_min=0, w_max=1e-10)))
    with pytest.raises(ParameterError, match=r"^w_min \(proj0:s->p\) = -inf"):
        compile_network(net_with(1e-12, STDP(w_min=-np.inf, w_max=1e-10)))
    with pytest.raises(ParameterError, match=r"^A_plus \(STDP\) = inf"):
        STDP(A_plus=np.inf)
    with pytest.raises(ParameterError, match=r"^A_minus \(STDP\) = nan"):
        STDP(A_minus=np.nan)
    prog = compile_network(net_with(1e-12, STDP(A_plus=1e-30, A_minus=-1e-12, w_min=0, w_max=1e-10)))
    assert prog.projections[0].plasticity.a_plus == 0
    assert any("A_plus = 1e-30 A rounds to 0" in n for n in prog.report.notes)
    with pytest.raises(ParameterError, match="plasticity"):
        compile_network(net_with(1e-12, STDP(A_plus=1e-13, A_minus=-1e-13, w_min=0, w_max=1e-10)),
                        loihi_compat=True)


def test_accumulator_note_counts_plastic_weights_at_their_bound():
    from neuromorph.network import STDPRegisters

    net = Network(dt=1e-3)
    net.add_source("s", 10, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 1, LIFRegisters(vth=100))
    rule = STDPRegisters(a_plus=1, a_minus=-1, x_decay=0, y_decay=0, w_lo=0, w_hi=20000)
    net.connect_registers("s", "n", weight_mant=1, pre_idx=np.arange(10), post_idx=np.zeros(10, np.int64),
                          plasticity=rule)
    notes = compile_network(net).report.notes       # 10 x 20000 > 2**15 - 1 once learned
    assert any("accumulator" in n and "200000" in n for n in notes), notes


def test_wide_weights_and_long_delays_keep_their_values():
    """weight_bits = 16 needs more than int16 storage; delay_bits = 10 more than uint8."""
    from neuromorph.network import SpikeTimes
    from neuromorph.simulator import Simulator

    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes([0], [0]))
    net.add_population("n", 1, LIFRegisters(du=4095, dv=4095, vth=1 << 16))
    net.connect_registers("s", "n", weight_mant=40000, pre_idx=[0], post_idx=[0], weight_exp=-8, delay_steps=300,
                          sign_mode="excitatory", num_weight_bits=16)
    chip = LOIHI.with_core(weight_bits=16, delay_bits=10, acc_bits=19)
    prog = compile_network(net, chip)
    assert int(prog.synapses.syn_w[0]) == 40000 and int(prog.synapses.syn_d[0]) == 300
    sim = Simulator(prog, chip=chip)
    sim.run(301)
    assert int(sim.u[1]) == 0                           # not arrived yet at step 300
    sim.run(1)
    assert int(sim.u[1]) == (40000 >> 8) << 6           # arrives in step 1 + 300 = 301: 156 << 6

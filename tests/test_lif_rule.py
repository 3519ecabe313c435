"""Hand-computed cases of the integer CUBA-LIF rule (docs/hardware-model.md §2–§4).

Every expected value is derived in the test from the written rule, not from a run.
"""

import numpy as np
import pytest

from neuromorph.errors import ChipOverflowError, ParameterError
from neuromorph.hardware import LOIHI
from neuromorph.network import LIFRegisters, Network, SpikeTimes
from neuromorph.simulator import Simulator


def one_neuron(regs, n_steps, chip=LOIHI, strict=None, src=None, w=None, wexp=0, d=0, sign_mode=None, **kw):
    net = Network(dt=1e-3)
    if src is not None:
        net.add_source("in", int(src.ids.max()) + 1, src)
    net.add_population("n", 1, regs)
    if src is not None:
        m = int(src.ids.max()) + 1
        net.connect_registers("in", "n", weight_mant=w, matrix=np.ones((1, m)), weight_exp=wexp, delay_steps=d,
                              sign_mode=sign_mode)
    net.probe("n")
    sim = Simulator(net, chip=chip, strict=strict, **kw).run(n_steps)
    return sim


def spike_steps(sim):
    return sim.spikes.steps[sim.spikes.ids == sim.program.populations["n"][0]].tolist()


def test_bias_only_neuron_spikes_on_derived_steps():
    # dv = 0 (no leak): v_k = (k+1) * bias until v > vth << 6; then v = 0 and it starts again.
    bias, vth = 100, 10                       # vth_eff = 640 -> first spike when 100(k+1) > 640: k = 6
    sim = one_neuron(LIFRegisters(dv=0, vth=vth, bias_mant=bias), 30)
    period = (vth << 6) // bias + 1           # 7
    assert spike_steps(sim) == list(range(period - 1, 30, period))


def test_bias_exponent_and_strict_threshold():
    # bias = 5 << 7 = 640 = vth << 6 exactly: v == vth_eff does not spike (strict >), the next step does.
    sim = one_neuron(LIFRegisters(dv=0, vth=10, bias_mant=5, bias_exp=7), 4)
    assert sim.traces.data["v"][:, 0].tolist()[:1] == [640]
    assert spike_steps(sim) == [1, 3]


def test_leaky_voltage_rounds_toward_zero():
    # dv = 2048 halves v each step, rounding toward zero: 1001 -> 500 -> 250 -> 125 -> 62; and -1001 -> -500.
    sim = one_neuron(LIFRegisters(dv=2048, vth=100000, v_init=1001), 4)
    assert sim.traces.data["v"][:, 0].tolist() == [500, 250, 125, 62]
    sim = one_neuron(LIFRegisters(dv=2048, vth=100000, v_init=-1001), 2)
    assert sim.traces.data["v"][:, 0].tolist() == [-500, -250]


def test_du_zero_still_decays_by_offset():
    # fu = 4096 - (0 + 1) = 4095: u = 4096 -> 4095 -> trunc(4095*4095/4096) = 4094
    sim = one_neuron(LIFRegisters(du=0, dv=4095, vth=100000, u_init=4096), 2)
    assert sim.traces.data["u"][:, 0].tolist() == [4095, 4094]
    # du = 4095: fu = 0, u keeps only this step's input
    sim = one_neuron(LIFRegisters(du=4095, vth=100000, u_init=4096), 1)
    assert sim.traces.data["u"][0, 0] == 0


@pytest.mark.parametrize("d", [0, 1, 5, 63])
def test_spike_with_delay_arrives_on_derived_step(d):
    # A source spike in step s through a synapse of extra delay d enters u in step s + 1 + d,
    # as w << weight_exp << 6 (du = 4095 so u holds exactly this step's input).
    s, w, wexp = 3, 37, 2
    src = SpikeTimes(steps=[s], ids=[0])
    sim = one_neuron(LIFRegisters(du=4095, dv=0, vth=131071), s + d + 4, src=src, w=w, wexp=wexp, d=d)
    u = sim.traces.data["u"][:, 0]
    expected = np.zeros_like(u)
    expected[s + 1 + d] = (w << wexp) << 6
    assert u.tolist() == expected.tolist()


def test_weight_exp_applied_once_to_summed_input():
    # two inputs of mantissa 3 in the same step with weight_exp = -2: floor((3 + 3) / 4) = 1, not 0 + 0.
    src = SpikeTimes(steps=[0, 0], ids=[0, 1])
    sim = one_neuron(LIFRegisters(du=4095, vth=131071), 2, src=src, w=3, wexp=-2)
    assert sim.traces.data["u"][1, 0] == 1 << 6
    # negative sums floor toward -inf: floor(-6 / 4) = -2
    sim = one_neuron(LIFRegisters(du=4095, vth=131071), 2, src=src, w=-3, wexp=-2, sign_mode="inhibitory")
    assert sim.traces.data["u"][1, 0] == -2 << 6


def test_u_wraps_once_into_asymmetric_window():
    # u0 = 2^23, du = 0: trunc(2^23 * 4095 / 4096) = 8386560; input 32767 << 6 = 2097088 -> 10483648 > 2^23
    # wraps once to 10483648 - 2^24 = -6293568.
    src = SpikeTimes(steps=[0] * 129, ids=list(range(129)))        # 129 * 255 * 2^0 = 32895 -> acc sat 32767
    sim = one_neuron(LIFRegisters(du=0, dv=0, vth=131071, u_init=2**23), 2, src=src, w=255, strict=False)
    u = sim.traces.data["u"][:, 0].tolist()
    assert u[0] == 8386560
    assert u[1] == (8386560 * 4095 >> 12) + (32767 << 6) - 2**24
    counts = sim.counter_table()
    assert counts["u_wrap"].sum() == 1 and counts["acc_sat"].sum() == 1


def test_u_minus_two_pow_23_becomes_plus():
    # -2^23 maps to +2^23: reach exactly -2^23 with input a = -2^17 (needs an 18-bit accumulator).
    chip = LOIHI.with_core(acc_bits=18)
    src = SpikeTimes(steps=[0] * 4, ids=[0, 1, 2, 3])              # 4 * (-256 << 7) = -2^17
    sim = one_neuron(LIFRegisters(du=4095, vth=131071), 2, chip=chip, src=src, w=-256, wexp=7, sign_mode="mixed",
                     strict=False)
    assert sim.traces.data["u"][1, 0] == 2**23
    assert sim.counter_table()["u_wrap"].sum() == 1


def test_v_saturates_at_symmetric_bound_and_counts_every_step():
    # bias = -4096 << 7 = -524288 per step, dv = 0: (k+1) * 524288 > 2^23 - 1 first at k = 15.
    sim = one_neuron(LIFRegisters(dv=0, vth=0, bias_mant=-4096, bias_exp=7), 20, strict=False)
    v = sim.traces.data["v"][:, 0]
    assert v[14] == -15 * 524288 and v[15] == -(2**23 - 1) and v[19] == -(2**23 - 1)
    assert sim.counter_table()["v_sat"].sum() == 5


def test_strict_mode_names_kind_core_neuron_step():
    with pytest.raises(ChipOverflowError) as err:
        one_neuron(LIFRegisters(dv=0, vth=0, bias_mant=-4096, bias_exp=7), 20, strict=True)
    e = err.value
    assert (e.kind, e.core, e.neuron, e.step) == ("v_sat", 0, 0, 15)
    assert "v_sat on core 0, neuron 0, step 15" in str(e)


def test_reset_of_v_only_in_loihi_mode_and_extensions():
    # Loihi: u keeps integrating after a spike; with reset_u it is cleared.
    base = dict(du=4095, dv=0, vth=1, u_init=0, bias_mant=65)       # spikes every step (v = 65 > 64)
    sim = one_neuron(LIFRegisters(**base), 3, loihi_compat=True)
    assert spike_steps(sim) == [0, 1, 2]
    # subtractive reset: v = 100 per step, vth_eff = 64 -> 100 (spike, 36), 136 (spike, 72), ...
    sim = one_neuron(LIFRegisters(dv=0, vth=1, bias_mant=100, reset_mode="subtract"), 3)
    assert sim.traces.data["v"][:, 0].tolist() == [36, 72, 108]
    # refractory 2 steps: spike at 0, frozen at 1, 2, spike at 3 ...
    sim = one_neuron(LIFRegisters(dv=0, vth=1, bias_mant=100, refractory_steps=2), 8)
    assert spike_steps(sim) == [0, 3, 6]


def test_loihi_mode_refuses_extensions():
    with pytest.raises(ParameterError, match="refractory_steps"):
        one_neuron(LIFRegisters(refractory_steps=2), 1, loihi_compat=True)
    with pytest.raises(ParameterError, match="reset_mode"):
        one_neuron(LIFRegisters(reset_mode="subtract"), 1, loihi_compat=True)


@pytest.mark.parametrize("field,value,allowed", [("du", 4096, "[0, 4095]"), ("dv", -1, "[0, 4095]"),
                                                 ("vth", 131072, "[0, 131071]"), ("bias_mant", 4096, "[-4096, 4095]"),
                                                 ("bias_exp", 8, "[0, 7]"), ("refractory_steps", 64, "[0, 63]"),
                                                 ("v_init", 2**23, "[-8388607, 8388607]")])
def test_out_of_range_registers_are_named(field, value, allowed):
    with pytest.raises(ParameterError) as err:
        one_neuron(LIFRegisters(**{field: value}), 1)
    msg = str(err.value)
    assert field in msg and str(value) in msg and allowed in msg

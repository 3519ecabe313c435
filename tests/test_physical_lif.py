"""The chip running physical LIF neurons against closed forms (CATALOGUE N2, S4)."""

import math

import numpy as np
import pytest

from neuromorph.compiler import compile_network
from neuromorph.network import LIF, Network, SpikeTimes
from neuromorph.simulator import Simulator

DT = 1e-4


def dc_neuron(I, t_ref=2e-3, steps=5000):
    net = Network(dt=DT)
    net.add_population("n", 1, LIF(I_bias=I, t_ref=t_ref))
    net.probe("n")
    return Simulator(net).run(steps)


def test_rheobase_is_g_L_times_threshold_distance():
    m = LIF()
    rheobase = m.g_L * (m.v_th - m.E_L)                      # 200 pA
    assert dc_neuron(0.97 * rheobase).spikes.steps.size == 0
    assert dc_neuron(1.03 * rheobase).spikes.steps.size > 0


@pytest.mark.parametrize("I", [250e-12, 300e-12, 500e-12])
def test_dc_rate_matches_closed_form(I):
    m = LIF()
    R, theta = 1 / m.g_L, m.v_th - m.v_reset
    rate = 1 / (m.t_ref + m.tau_m * math.log(R * I / (R * I - theta)))
    sim = dc_neuron(I, steps=20000)
    t = sim.spikes.steps * DT
    chip_rate = 1 / np.mean(np.diff(t))
    # error budget: tau_m quantization (reported) + one step of spike-time rounding per ISI
    tau_err = [p for p in sim.program.report.parameters if p["name"] == "tau_m"][0]["rel_error"]
    tol = tau_err + 2 * DT * rate
    assert abs(chip_rate - rate) / rate < tol


def test_subthreshold_response_within_derived_bound():
    m = LIF()
    I = 150e-12
    sim = dc_neuron(I, steps=800)
    v = sim.traces.physical("v")[:, 0]
    k = np.arange(1, v.size + 1)
    R = 1 / m.g_L
    exact = m.E_L + R * I * (1 - np.exp(-k * DT / m.tau_m))
    # bound: hardware-ordered recursion x_k = RI(1 - a^k) with the realised decay a_q = 1 - dv/4096 differs from
    # the exact e^{-k dt/tau} by RI |a_q^k - e^{-k dt/tau}|; the bias mantissa and truncation add at most
    # (|bias error| + 1 LSB) / (1 - a_q) LSBs.
    regs = sim.program.models["n"]
    a_q = 1 - regs.dv / 4096
    s_v = sim.traces.scale["v"][0]
    bias_lsb = regs.bias_mant << regs.bias_exp
    bias_err = abs(bias_lsb - regs.dv / 4096 * R * I / s_v)
    bound = R * I * np.abs(a_q**k - np.exp(-k * DT / m.tau_m)) + (bias_err + 1) / (1 - a_q) * s_v
    assert np.all(np.abs(v - exact) <= bound)
    assert sim.spikes.steps.size == 0


def test_spike_through_delay_arrives_after_delay():
    net = Network(dt=DT)
    net.add_source("s", 1, SpikeTimes(steps=[10], ids=[0]))
    net.add_population("n", 1, LIF(tau_syn=0.0))
    net.connect("s", "n", weight=100e-12, p=1.0, seed=0, delay=2.5e-3)        # 25 steps
    net.probe("n")
    sim = Simulator(net).run(60)
    u = sim.traces.data["u"][:, 0]
    assert np.nonzero(u)[0].tolist() == [10 + 25]
    assert sim.traces.physical("u")[35, 0] == pytest.approx(100e-12, rel=0.01)

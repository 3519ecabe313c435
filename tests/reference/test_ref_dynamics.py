"""Tests of reference/dynamics.py (the survey's NeuralDynamics capability)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.dynamics import NeuralDynamics, SynapseSpec
from reference.fhn import FHNParams, simulate_fhn


@pytest.mark.parametrize("form", ["survey", "fitzhugh"])
def test_uncoupled_equals_fhn_model(form):
    p = FHNParams(form=form)
    nd = NeuralDynamics(neuron=p)
    out = nd.simulate_dynamics({"voltage": [-1.0, 0.5], "recovery": [-0.5, 0.0]}, inputs=0.8, time_span=50.0,
                               dt=0.05)
    ref = simulate_fhn(p, 0.8, 0.05, 1000, V0=[-1.0, 0.5], w0=[-0.5, 0.0])
    np.testing.assert_allclose(out["V"], ref.V, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out["w"], ref.w, rtol=1e-12, atol=1e-12)


def test_synaptic_variable_is_sum_of_exponentials():
    syn = SynapseSpec(tau_s=5.0, alpha=0.7, g_s=0.0)
    nd = NeuralDynamics(synapse=syn)
    spikes = [np.array([2.0, 3.5, 10.013])]
    out = nd.simulate_dynamics({"voltage": -1.2, "recovery": -0.6}, {"spike_times": spikes}, 30.0, 0.05)
    t = out["t"]
    expected = sum(0.7 * np.exp(-(t - tk) / 5.0) * (t > tk + 1e-9) for tk in spikes[0])
    np.testing.assert_allclose(out["s"][:, 0], expected, atol=1e-12)


def test_excitatory_coupling_propagates_a_spike():
    W = np.array([[0.0, 0.0], [3.0, 0.0]])  # unit 0 -> unit 1
    nd = NeuralDynamics(neuron=FHNParams(form="fitzhugh"), synapse=SynapseSpec(tau_s=3.0, alpha=1.0, g_s=1.0,
                                                                               E_s=2.0), network_W=W)
    rest = -1.199  # near the FitzHugh rest for I = 0
    I = np.zeros((2000, 2))
    I[100:140, 0] = 1.0  # kick unit 0
    out = nd.simulate_dynamics({"voltage": [rest, rest], "recovery": [-0.624, -0.624]}, I, 100.0, 0.05)
    t0 = out["t"][1:][out["spikes"][:, 0]]
    t1 = out["t"][1:][out["spikes"][:, 1]]
    assert t0.size >= 1 and t1.size >= 1 and t1[0] > t0[0]
    nd0 = NeuralDynamics(neuron=FHNParams(form="fitzhugh"), network_W=None)
    out0 = nd0.simulate_dynamics({"voltage": [rest, rest], "recovery": [-0.624, -0.624]}, I, 100.0, 0.05)
    assert not out0["spikes"][:, 1].any()


def test_bad_input():
    nd = NeuralDynamics()
    with pytest.raises(ParameterError):
        nd.simulate_dynamics({"voltage": 0.0}, None, 10.0, 0.05)
    with pytest.raises(ParameterError) as e:
        nd.simulate_dynamics({"voltage": 0.0, "recovery": 0.0}, None, 10.0, 1.0)
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        nd.simulate_dynamics({"voltage": [0.0, 1.0], "recovery": [0.0, 0.0, 0.0]}, None, 10.0, 0.05)
    with pytest.raises(ParameterError):
        NeuralDynamics(C_m=-1.0)
    with pytest.raises(ParameterError):
        NeuralDynamics(network_W=np.zeros((2, 3)))

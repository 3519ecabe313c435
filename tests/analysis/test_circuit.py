"""reference.circuit.analyze_circuit: the survey's NeuralCircuit (connectivity + dynamics + information)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog
from reference.circuit import CircuitParams, analyze_circuit


def test_chain_circuit_connectivity_dynamics_information():
    # 0 -> 1 -> 2 chain; neuron 1 copies neuron 0 one bin later, neuron 2 copies 1; neuron 3 is independent
    A = np.zeros((4, 4))
    A[0, 1] = A[1, 2] = 1.0
    rng = np.random.default_rng(0)
    dt, n_bins = 5e-3, 4000
    src = np.nonzero(rng.random(n_bins) < 0.2)[0]
    other = np.nonzero(rng.random(n_bins) < 0.2)[0]
    trains = [(src + 0.5) * dt, (src + 1.5) * dt, (src + 2.5) * dt, (other + 0.5) * dt]
    trains = [t[t < n_bins * dt] for t in trains]
    res = analyze_circuit(A, trains, CircuitParams(bin_size=dt, t_stop=n_bins * dt, max_te_neurons=4))
    c = res.connectivity
    assert c["n_edges"] == 2 and c["reciprocity"] == 0.0 and c["triads_030T"] == 0
    assert res.dynamics["mean_rate_hz"] == pytest.approx(np.mean([t.size for t in trains]) / (n_bins * dt))
    assert res.dynamics["weight_spectral_radius"] == 0.0  # nilpotent chain
    H2 = -(0.2 * np.log2(0.2) + 0.8 * np.log2(0.8))
    # copy one bin later: T_{0->1} = H(X_{t-1}) ~ H2(0.2) (rate estimated from samples)
    assert res.te_matrix[0, 1] == pytest.approx(H2, abs=0.03)
    assert abs(res.te_matrix[3, 0]) < 0.01
    assert res.information["te_mean_on_edges_bits"] > 10 * abs(res.information["te_mean_off_edges_bits"])
    assert set(res.as_dict()) == {"connectivity", "dynamics", "information"}


def test_stimulus_mi_and_spikelog_input_and_errors():
    log = SpikeLog(np.array([0, 1, 4, 5]), np.array([0, 1, 0, 1]), 1e-2, 8, {"p": (0, 2)})
    A = np.array([[0, 1], [1, 0]])
    stim = np.array([1, 0, 1, 0])  # one label per 20 ms bin; 2 spikes in stimulus-1 bins, none otherwise
    res = analyze_circuit(A, log, CircuitParams(bin_size=2e-2, stimulus=stim))
    assert res.connectivity["reciprocity"] == 1.0
    # counts [2, 0, 2, 0] determine the stimulus: plug-in 1 bit; Miller-Madow adds
    # (m_s + m_r - m_sr - 1) / (2 N ln 2) = (2 + 2 - 2 - 1) / (8 ln 2)
    assert res.information["mi_stimulus_population_count_bits"] == pytest.approx(1.0 + 1 / (8 * np.log(2)))
    assert res.dynamics["duration_s"] == pytest.approx(0.08)
    only_graph = analyze_circuit(A)
    assert only_graph.information == {} and "mean_rate_hz" not in only_graph.dynamics
    with pytest.raises(ParameterError):
        analyze_circuit(A, [np.array([0.1])])  # 1 train for 2 nodes
    with pytest.raises(ParameterError):
        analyze_circuit(A, None, CircuitParams(stimulus=np.ones(3)))  # a stimulus needs activity

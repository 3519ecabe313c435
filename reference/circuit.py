"""The survey's ``NeuralCircuit.analyze_circuit``: connectivity + dynamics + information of a circuit.

Mapping to the survey's class::

    NeuralCircuit.connectivity.analyze(circuit)          -> connectivity.connectivity_stats(circuit)
    NeuralCircuit.dynamics.analyze(circuit, activity)    -> rates, CV_ISI, Fano factor, population-rate
                                                            PSD peak (A1-A4), and the leading eigenvalue
                                                            of the weight matrix (linear stability of the
                                                            rate network tau r' = -r + f(W r), A7/W1)
    NeuralCircuit.information.analyze(circuit, activity) -> pairwise transfer entropy between binned
                                                            spike trains (A11), compared on edges vs
                                                            non-edges; MI between a stimulus label per
                                                            bin and the population count (A10)
    analyze_circuit(circuit, activity, params) -> dict   -> analyze_circuit(...) -> CircuitAnalysis

``circuit`` is anything :func:`reference.analysis.connectivity.to_graph` accepts (an
adjacency matrix with ``A[i, j]`` = weight of ``i -> j``, a neuromorph ``Network``, a
``networkx.DiGraph``); ``activity`` is a SpikeLog or a list of spike-time arrays whose
neuron ``k`` is node ``k``; ``params`` is a :class:`CircuitParams`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog

from .analysis import _common, connectivity, firing, information, spectra

__all__ = ["CircuitParams", "CircuitAnalysis", "analyze_circuit"]


@dataclass(frozen=True)
class CircuitParams:
    """Settings of :func:`analyze_circuit`.

    ``bin_size`` (s) bins spikes for TE, Fano factor and the population PSD;
    ``t_stop`` ends the observation (default: SpikeLog duration or the last spike);
    ``te_lag`` in bins; ``max_te_neurons`` bounds the O(n²) pairwise TE (the first
    neurons are used); ``stimulus`` is an optional label per bin for the MI.
    """

    bin_size: float = 5e-3
    t_stop: float | None = None
    fano_window: float = 0.1
    te_lag: int = 1
    max_te_neurons: int = 40
    stimulus: np.ndarray | None = None


@dataclass(frozen=True)
class CircuitAnalysis:
    """Result of :func:`analyze_circuit`: three dicts, as the survey's class returns."""

    connectivity: dict
    dynamics: dict
    information: dict
    te_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def as_dict(self) -> dict:
        return {"connectivity": self.connectivity, "dynamics": self.dynamics, "information": self.information}


def _weights(G: nx.DiGraph, n: int) -> np.ndarray:
    W = np.zeros((n, n))
    for u, v, d in G.edges(data=True):
        if u < n and v < n:
            W[v, u] = d.get("weight", 1.0)  # W[post, pre] as in r' = -r + f(W r)
    return W


def analyze_circuit(circuit, activity=None, params: CircuitParams | None = None) -> CircuitAnalysis:
    """Connectivity, dynamics and information of a circuit and (optionally) its activity."""
    p = params or CircuitParams()
    G = connectivity.to_graph(circuit)
    stats = connectivity.connectivity_stats(G)
    conn = stats.as_dict()
    n = stats.n_nodes
    W = _weights(nx.convert_node_labels_to_integers(G), n)
    dyn: dict = {}
    if n:
        lam = np.linalg.eigvals(W)
        dyn["weight_leading_eigenvalue_real"] = float(lam.real.max())
        dyn["weight_spectral_radius"] = float(np.abs(lam).max())
    info: dict = {}
    te = np.zeros((0, 0))
    if activity is not None:
        trains = _common.as_trains(activity, context="analyze_circuit")
        if len(trains) != n:
            raise ParameterError("activity", f"{len(trains)} spike trains", f"{n} (one per circuit node)",
                                 "analyze_circuit")
        t0, t1 = _common.window_of(activity, 0.0, p.t_stop, trains, "analyze_circuit")
        rates = firing.firing_rates(trains, t0, t1)
        cvs = np.array([firing.cv_isi(t[(t >= t0) & (t < t1)]) for t in trains])
        dyn.update({
            "mean_rate_hz": float(rates.mean()),
            "rates_hz": rates,
            "cv_isi_mean": float(np.nanmean(cvs)) if np.any(np.isfinite(cvs)) else float("nan"),
            "fano_factor": firing.fano_factor(trains, min(p.fano_window, t1 - t0), t0, t1),
        })
        if (t1 - t0) / p.bin_size >= 4:
            f, S = spectra.spike_train_psd(trains, p.bin_size, t0, t1, method="welch",
                                           nperseg=min(256, int((t1 - t0) / p.bin_size)))
            dyn["population_psd_peak_hz"] = spectra.peak_frequency(f, S)
        _, counts = firing.binned_counts(trains, p.bin_size, t0, t1)
        m = min(n, p.max_te_neurons)
        b = (counts[:, :m] > 0).astype(np.int8)
        te = np.zeros((m, m))
        for i in range(m):
            for j in range(m):
                if i != j:
                    te[i, j] = information.transfer_entropy(b[:, j], b[:, i], lags=p.te_lag)  # T_{i -> j}
        adj = W[:m, :m].T != 0  # adj[i, j]: edge i -> j
        off = ~np.eye(m, dtype=bool)
        info["te_mean_on_edges_bits"] = float(te[adj & off].mean()) if np.any(adj & off) else float("nan")
        info["te_mean_off_edges_bits"] = float(te[~adj & off].mean()) if np.any(~adj & off) else float("nan")
        if p.stimulus is not None:
            stim = np.asarray(p.stimulus).ravel()
            if stim.size != counts.shape[0]:
                raise ParameterError("stimulus", f"{stim.size} labels", f"{counts.shape[0]} (one per bin)",
                                     "analyze_circuit")
            info["mi_stimulus_population_count_bits"] = information.mutual_information(stim, counts.sum(axis=1))
    elif p.stimulus is not None:
        raise ParameterError("stimulus", "given without activity", "activity to relate the stimulus to",
                             "analyze_circuit")
    if isinstance(activity, SpikeLog):
        dyn["duration_s"] = activity.duration
    return CircuitAnalysis(conn, dyn, info, te)

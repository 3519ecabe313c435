r"""A12 — circuit connectivity statistics (networkx).

A circuit is a directed graph: node = neuron (global id), edge ``i → j`` = a synapse from
``i`` onto ``j`` (several synapses between one pair count as one edge; weights are summed
into the ``weight`` attribute). :func:`to_graph` builds it from an adjacency matrix
(``A[i, j] != 0`` means ``i → j``; pass ``convention='post_pre'`` for the
``matrix[post, pre]`` layout of :meth:`neuromorph.network.Network.connect`), a
:class:`neuromorph.network.Network` or an existing ``networkx.DiGraph``.

Statistics:

* in/out-degree sequences and their distributions (counts per degree);
* reciprocity ``r = #{(i→j) : (j→i) exists} / #edges`` (self-loops excluded);
* clustering: mean directed clustering (Fagiolo 2007, ``networkx.average_clustering``)
  and the undirected mean clustering and transitivity of the symmetrised graph;
* small motifs: dyad census (null / asymmetric / mutual pairs) and the 16-class triad
  census of Holland & Leinhardt (``networkx.triadic_census``; e.g. '030T' feed-forward
  loop, '030C' 3-cycle, '300' fully mutual triangle).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.network import Network

__all__ = ["to_graph", "degree_distributions", "reciprocity", "clustering", "dyad_census", "triad_census",
           "ConnectivityStats", "connectivity_stats"]


def to_graph(circuit, convention: str = "pre_post", threshold: float = 0.0) -> nx.DiGraph:
    """A ``networkx.DiGraph`` from an adjacency/weight matrix, a Network or a DiGraph.

    Matrix entries with ``|w| > threshold`` are edges. Self-loops are kept (autapses) but
    ignored by reciprocity and the censuses.
    """
    if isinstance(circuit, nx.DiGraph):
        return circuit
    if isinstance(circuit, nx.Graph):
        return nx.DiGraph(circuit)
    if isinstance(circuit, Network):
        G = nx.DiGraph()
        G.add_nodes_from(range(circuit.n_neurons))
        for proj in circuit.projections:
            a, b = circuit.populations[proj.pre], circuit.populations[proj.post]
            w = getattr(proj, "weight", None)
            if w is None:
                w = np.asarray(proj.weight_mant, dtype=float) * 2.0 ** getattr(proj, "weight_exp", 0)
            src = np.asarray(proj.pre_idx) + a.start
            dst = np.asarray(proj.post_idx) + b.start
            for u, v, x in zip(src.tolist(), dst.tolist(), np.asarray(w, dtype=float).tolist()):
                if G.has_edge(u, v):
                    G[u][v]["weight"] += x
                else:
                    G.add_edge(u, v, weight=x)
        return G
    A = np.asarray(circuit, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ParameterError("circuit", f"shape {A.shape}", "a square adjacency matrix, a Network or a DiGraph",
                             "to_graph")
    if not np.all(np.isfinite(A)):
        raise ParameterError("circuit", "non-finite entries", "finite weights", "to_graph")
    if convention == "post_pre":
        A = A.T
    elif convention != "pre_post":
        raise ParameterError("convention", convention, "'pre_post' (A[i,j]: i->j) or 'post_pre'", "to_graph")
    G = nx.DiGraph()
    G.add_nodes_from(range(A.shape[0]))
    i, j = np.nonzero(np.abs(A) > threshold)
    G.add_weighted_edges_from(zip(i.tolist(), j.tolist(), A[i, j].tolist()))
    return G


def degree_distributions(circuit) -> dict[str, np.ndarray]:
    """In/out-degree per node (node order) and their distributions ``P[k] = #nodes with degree k``."""
    G = to_graph(circuit)
    nodes = list(G.nodes)
    kin = np.array([G.in_degree(n) for n in nodes], dtype=np.int64)
    kout = np.array([G.out_degree(n) for n in nodes], dtype=np.int64)
    return {"in_degree": kin, "out_degree": kout, "in_distribution": np.bincount(kin, minlength=1),
            "out_distribution": np.bincount(kout, minlength=1)}


def _no_loops(G: nx.DiGraph) -> nx.DiGraph:
    if nx.number_of_selfloops(G) == 0:
        return G
    H = G.copy()
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    return H


def reciprocity(circuit) -> float:
    """Fraction of (non-loop) edges whose reverse edge exists; NaN for a graph without edges."""
    G = _no_loops(to_graph(circuit))
    if G.number_of_edges() == 0:
        return float("nan")
    return float(nx.reciprocity(G))


def clustering(circuit) -> dict[str, float]:
    """``directed``: mean Fagiolo clustering; ``undirected``: mean clustering of the symmetrised
    graph; ``transitivity``: 3·triangles/connected triples (symmetrised). 0 for graphs without triangles;
    NaN for an empty graph (no nodes)."""
    G = _no_loops(to_graph(circuit))
    if G.number_of_nodes() == 0:
        return {"directed": float("nan"), "undirected": float("nan"), "transitivity": float("nan")}
    U = G.to_undirected()
    return {"directed": float(nx.average_clustering(G)), "undirected": float(nx.average_clustering(U)),
            "transitivity": float(nx.transitivity(U))}


def dyad_census(circuit) -> dict[str, int]:
    """Counts of node pairs with no edge ('null'), one edge ('asymmetric') or both ('mutual')."""
    G = _no_loops(to_graph(circuit))
    n = G.number_of_nodes()
    mutual = sum(1 for u, v in G.edges if u < v and G.has_edge(v, u))
    asym = G.number_of_edges() - 2 * mutual
    return {"mutual": mutual, "asymmetric": asym, "null": n * (n - 1) // 2 - mutual - asym}


def triad_census(circuit) -> dict[str, int]:
    """Holland–Leinhardt triad census (16 classes, ``networkx.triadic_census``; node ids relabelled)."""
    G = _no_loops(to_graph(circuit))
    G = nx.convert_node_labels_to_integers(G)
    return dict(nx.triadic_census(G))


@dataclass(frozen=True)
class ConnectivityStats:
    """Summary of a circuit's wiring (see the module docstring for definitions)."""

    n_nodes: int
    n_edges: int
    density: float
    in_degree: np.ndarray
    out_degree: np.ndarray
    reciprocity: float
    clustering: dict
    dyads: dict
    triads: dict

    def as_dict(self) -> dict:
        return {"n_nodes": self.n_nodes, "n_edges": self.n_edges, "density": self.density,
                "mean_in_degree": float(self.in_degree.mean()) if self.in_degree.size else float("nan"),
                "mean_out_degree": float(self.out_degree.mean()) if self.out_degree.size else float("nan"),
                "reciprocity": self.reciprocity, **{f"clustering_{k}": v for k, v in self.clustering.items()},
                **{f"dyads_{k}": v for k, v in self.dyads.items()}, "triads_030T": self.triads.get("030T", 0),
                "triads_030C": self.triads.get("030C", 0)}


def connectivity_stats(circuit, convention: str = "pre_post") -> ConnectivityStats:
    """All statistics of this module for one circuit."""
    G = to_graph(circuit, convention)
    H = _no_loops(G)
    n = H.number_of_nodes()
    deg = degree_distributions(H)
    dens = float(nx.density(H)) if n > 1 else float("nan")
    return ConnectivityStats(n, H.number_of_edges(), dens, deg["in_degree"], deg["out_degree"], reciprocity(H),
                             clustering(H), dyad_census(H), triad_census(H) if n >= 3 else {})

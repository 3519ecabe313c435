"""A12: connectivity statistics on hand-built graphs (degrees, reciprocity, clustering, motifs)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import LIF, Network, PoissonSpikes
from reference.analysis import connectivity as conn


def _adj(n, edges):
    A = np.zeros((n, n))
    for i, j in edges:
        A[i, j] = 1.0
    return A


def test_three_cycle():
    A = _adj(3, [(0, 1), (1, 2), (2, 0)])
    d = conn.degree_distributions(A)
    np.testing.assert_array_equal(d["in_degree"], [1, 1, 1])
    np.testing.assert_array_equal(d["out_distribution"], [0, 3])
    assert conn.reciprocity(A) == 0.0
    assert conn.triad_census(A)["030C"] == 1
    assert conn.dyad_census(A) == {"mutual": 0, "asymmetric": 3, "null": 0}
    assert conn.clustering(A)["undirected"] == pytest.approx(1.0)


def test_feed_forward_loop_and_mutual_triangle():
    ffl = _adj(3, [(0, 1), (1, 2), (0, 2)])
    tc = conn.triad_census(ffl)
    assert tc["030T"] == 1 and sum(tc.values()) == 1
    full = np.ones((3, 3)) - np.eye(3)
    assert conn.reciprocity(full) == 1.0
    assert conn.triad_census(full)["300"] == 1
    c = conn.clustering(full)
    assert c["directed"] == pytest.approx(1.0) and c["transitivity"] == pytest.approx(1.0)


def test_star_hub():
    n = 6
    A = _adj(n, [(0, j) for j in range(1, n)])
    d = conn.degree_distributions(A)
    assert d["out_degree"][0] == n - 1 and d["out_degree"][1:].sum() == 0
    np.testing.assert_array_equal(d["in_distribution"], [1, n - 1])
    # every pair of leaves with the hub is an out-star '021D': C(n-1, 2) of them
    assert conn.triad_census(A)["021D"] == (n - 1) * (n - 2) // 2
    assert conn.clustering(A)["undirected"] == 0.0
    stats = conn.connectivity_stats(A)
    assert stats.n_edges == n - 1 and stats.density == pytest.approx((n - 1) / (n * (n - 1)))


def test_mutual_pair_self_loop_and_conventions():
    A = _adj(3, [(0, 1), (1, 0), (2, 2)])
    assert conn.reciprocity(A) == 1.0  # the autapse is ignored
    assert conn.dyad_census(A) == {"mutual": 1, "asymmetric": 0, "null": 2}
    assert conn.triad_census(A)["102"] == 1
    W_post_pre = _adj(2, [(1, 0)])  # matrix[post=1, pre=0]: edge 0 -> 1
    G = conn.to_graph(W_post_pre, convention="post_pre")
    assert list(G.edges) == [(0, 1)]
    assert np.isnan(conn.reciprocity(np.zeros((3, 3))))
    with pytest.raises(ParameterError):
        conn.to_graph(np.zeros((2, 3)))
    with pytest.raises(ParameterError):
        conn.to_graph(np.eye(2), convention="rows")


def test_graph_from_network_uses_global_ids():
    net = Network(dt=1e-3)
    net.add_source("in", 2, PoissonSpikes(rate=10.0, seed=0))
    net.add_population("exc", 3, LIF())
    net.connect("in", "exc", weight=1e-12, pre_idx=[0, 1, 1], post_idx=[0, 0, 2])
    net.connect("exc", "exc", weight=2e-12, pre_idx=[0, 2], post_idx=[2, 0])
    G = conn.to_graph(net)
    assert set(G.edges) == {(0, 2), (1, 2), (1, 4), (2, 4), (4, 2)}
    assert conn.reciprocity(net) == pytest.approx(2 / 5)
    assert G[2][4]["weight"] == pytest.approx(2e-12)

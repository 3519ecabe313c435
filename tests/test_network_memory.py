"""Random connectivity is sampled in O(synapses) memory, with the same synapses as the dense draw."""

import tracemalloc

import numpy as np
from hypothesis import given, settings, strategies as st

from neuromorph import LIFRegisters, Network, network


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.floats(0, 1), st.integers(0, 2**32), st.integers(1, 500))
def test_blockwise_sampling_gives_the_dense_draws_synapses(n_post, n_pre, p, seed, block):
    old = network.RANDOM_BLOCK
    network.RANDOM_BLOCK = block              # force many blocks of rows, down to one row
    try:
        pre, post = network._bernoulli_pairs(np.random.default_rng(seed), n_post, n_pre, p)
    finally:
        network.RANDOM_BLOCK = old
    post_d, pre_d = np.nonzero(np.random.default_rng(seed).random((n_post, n_pre)) < p)
    assert np.array_equal(pre, pre_d) and np.array_equal(post, post_d)


def test_connect_p_never_allocates_the_dense_matrix():
    """20,000 x 20,000 at p = 0.005: the dense draw alone would be 3.2 GB of float64; the
    blockwise one stays near one block (32 MiB) plus the 2 M synapses' index arrays."""
    net = Network(dt=1e-3)
    net.add_population("a", 20_000, LIFRegisters(vth=100))
    net.add_population("b", 20_000, LIFRegisters(vth=100))
    tracemalloc.start()
    try:
        proj = net.connect_registers("a", "b", weight_mant=5, p=0.005, seed=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 1.9e6 < proj.n_synapses < 2.1e6
    assert peak < 400e6, f"peak {peak / 1e6:.0f} MB"

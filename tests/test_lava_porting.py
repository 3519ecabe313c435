"""Porting a Lava Dense/DelayDense + LIF model: Lava's spellings are accepted, DelayDense delay
matrices line up with the weight matrix, and clipping notes count against the sign mode."""

import numpy as np
import pytest

from neuromorph import LIFRegisters, Network, SpikeTimes
from neuromorph.compiler import compile_network
from neuromorph.errors import ParameterError


def two_pops():
    net = Network(dt=1e-3)
    net.add_source("s", 3, SpikeTimes(steps=[0, 0, 0], ids=[0, 1, 2]))
    net.add_population("n", 2, LIFRegisters(du=4095, dv=0, vth=100000))
    return net


@pytest.mark.parametrize("lava,ours", [("MIXED", "mixed"), ("EXCITATORY", "excitatory"), ("INHIBITORY", "inhibitory"),
                                       (1, "mixed"), (2, "excitatory"), (3, "inhibitory"), ("mixed", "mixed")])
def test_lava_sign_mode_spellings(lava, ours):
    net = two_pops()
    proj = net.connect_registers("s", "n", matrix=np.array([[0, 4, 0], [8, 0, 2]]), sign_mode=lava)
    assert proj.sign_mode == ours
    with pytest.raises(ParameterError, match=r"^sign_mode \(projection s->n\) = 'BOTH' .*Lava's 'MIXED'"):
        two_pops().connect_registers("s", "n", matrix=np.ones((2, 3), int), sign_mode="BOTH")


def test_delay_dense_matrix_lines_up_with_the_weight_matrix():
    W = np.array([[0, 40, 0], [80, 0, 20]])           # Lava DelayDense: weights (n_post, n_pre) ...
    D = np.array([[9, 3, 9], [5, 9, 1]])              # ... and delays of the same shape (9s sit on zero weights)
    net = two_pops()
    proj = net.connect_registers("s", "n", matrix=W, delay_steps=D)
    got = {(int(i), int(j)): (int(w), int(d)) for j, i, w, d in
           zip(proj.pre_idx, proj.post_idx, proj.weight_mant, proj.delay_steps)}
    assert got == {(0, 1): (40, 3), (1, 0): (80, 5), (1, 2): (20, 1)}
    net.probe("n")
    from neuromorph.simulator import Simulator
    u = Simulator(net).run(8).traces.data["u"]        # each input arrives in step 1 + its delay, du = 4095
    assert [int(x) for x in u[:, 0]] == [0, 0, 0, 0, 40 << 6, 0, 0, 0]
    assert [int(x) for x in u[:, 1]] == [0, 0, 20 << 6, 0, 0, 0, 80 << 6, 0]
    with pytest.raises(ParameterError, match=r"^delay_steps \(projection s->n\) = 'shape \(3, 2\)'"):
        two_pops().connect_registers("s", "n", matrix=W, delay_steps=D.T)


def test_clipping_note_counts_against_the_sign_mode():
    net = two_pops()
    # excitatory range [0, 255]: 300, 400 and 256 are clipped (the mixed range [-256, 255] would count only two)
    net.connect_registers("s", "n", weight_mant=[300, 400, 256], pre_idx=[0, 1, 2], post_idx=[0, 0, 1],
                          sign_mode="excitatory")
    notes = compile_network(net).report.notes
    assert any("3 weight mantissas clipped to the excitatory range" in n for n in notes), notes

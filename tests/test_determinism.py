"""Same seed, same bits: run(n) == n x step(), chunking, checkpoint/restore, repeated runs."""

import numpy as np

import pytest

from neuromorph.network import LIF, STDP, Network, PoissonSpikes
from neuromorph.simulator import Simulator


def make_net(seed=7, plastic=False):
    net = Network(dt=1e-4)
    net.add_source("in", 40, PoissonSpikes(rate=300.0, seed=seed))
    net.add_population("e", 30, LIF(tau_syn=2e-3))
    net.add_population("i", 10, LIF(tau_syn=5e-3, t_ref=1e-3))
    net.connect("in", "e", weight=80e-12, p=0.5, seed=seed, delay=3e-4,
                plasticity=STDP(A_plus=4e-12, A_minus=-4.2e-12, w_max=160e-12) if plastic else None)
    net.connect("e", "i", weight=150e-12, p=0.3, seed=seed + 1, delay=1e-3)
    net.connect("i", "e", weight=-200e-12, p=0.3, seed=seed + 2, delay=5e-4)
    net.probe("e", [0, 1, 2])
    net.probe("i", [0])
    return net


def snapshot(sim):
    r = sim.result()
    return r.spikes.steps, r.spikes.ids, r.traces.data["u"], r.traces.data["v"], sim.counters


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_run_equals_repeated_step_and_any_chunking():
    net = make_net()
    a = snapshot(Simulator(net).run(300))
    b = Simulator(net)
    for _ in range(300):
        b.step()
    c = snapshot(Simulator(net, chunk_steps=37).run(100).run(200))
    assert same(a, snapshot(b)) and same(a, c)
    assert a[0].size > 50                       # the network is actually active


def test_checkpoint_restore_continues_bit_identically():
    net = make_net()
    full = Simulator(net).run(400)
    first = Simulator(net).run(150)
    saved = first.state()
    resumed = Simulator(net).restore(saved).run(250)
    r_full, r_res = full.result(), resumed.result()
    tail = r_full.spikes.steps >= 150
    assert np.array_equal(r_full.spikes.steps[tail], r_res.spikes.steps)
    assert np.array_equal(r_full.spikes.ids[tail], r_res.spikes.ids)
    assert np.array_equal(full.u, resumed.u) and np.array_equal(full.v, resumed.v)
    assert np.array_equal(full.counters, resumed.counters)


def test_same_seed_same_bits_other_seed_differs():
    a = snapshot(Simulator(make_net(7)).run(200))
    b = snapshot(Simulator(make_net(7)).run(200))
    c = snapshot(Simulator(make_net(8)).run(200))
    assert same(a, b) and not same(a, c)


@pytest.mark.parametrize("plastic", [False, True])
def test_threads_give_identical_bits(plastic):
    from neuromorph.hardware import LOIHI
    chip = LOIHI.with_core(max_neurons=16)           # spread the network over several cores
    net = make_net(plastic=plastic)
    one = Simulator(net, chip=chip, threads=1).run(300)
    two = Simulator(net, chip=chip, threads=2).run(300)
    assert one.program.n_cores >= 3
    assert same(snapshot(one), snapshot(two))
    if plastic:
        w1, w2 = one.result().weights[0], two.result().weights[0]
        assert np.array_equal(w1, w2) and np.abs(w1 - 80e-12).max() > 10e-12   # learned, identically


@pytest.mark.parametrize("plastic", [False, True])
def test_route_prefetch_gives_identical_bits(plastic):
    net = make_net(plastic=plastic)
    a = Simulator(net, prefetch=False).run(300)
    b = Simulator(net, prefetch=True).run(300)
    assert same(snapshot(a), snapshot(b)) and a.result().spikes.steps.size > 50
    if plastic:
        assert np.array_equal(a.result().weights[0], b.result().weights[0])


def test_restore_refuses_a_snapshot_of_another_program():
    """Arrays of the same shapes but another placement (synapse order) must not be mixed in."""
    from neuromorph.errors import ParameterError
    from neuromorph.hardware import LOIHI
    from neuromorph.network import LIFRegisters, SpikeTimes, STDPRegisters

    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes(steps=[0], ids=[0]))
    net.add_population("a", 4, LIFRegisters(du=4095, dv=4095, vth=1000))
    net.connect_registers("s", "a", weight_mant=[10, 20, 30, 40], delay_steps=[3, 2, 1, 0], pre_idx=[0] * 4,
                          post_idx=[0, 1, 2, 3], plasticity=STDPRegisters(0, 0, 0, 0, -1000, 1000))
    a = Simulator(net, chip=LOIHI.with_core(max_neurons=2))
    b = Simulator(net, chip=LOIHI.with_core(max_neurons=3))
    assert len(a.counter_table()["spikes"]) == len(b.counter_table()["spikes"]) == 3      # 2 cores + the host row
    assert a.state()["syn_w"].shape == b.state()["syn_w"].shape
    with pytest.raises(ParameterError, match="another program"):
        b.restore(a.state())
    c = Simulator(net, chip=LOIHI.with_core(max_neurons=2)).restore(a.state())
    assert np.array_equal(c.weights[0], [10, 20, 30, 40])
    # a static program's snapshot needs no weights, and one without them and without a layout (an older
    # snapshot) restores and continues bit for bit like an uninterrupted run
    s = Simulator(make_net()).run(20).state()
    assert "syn_w" not in s and "trace" not in s
    del s["layout"]
    resumed = Simulator(make_net()).restore(s).run(40)
    full = Simulator(make_net()).run(60)
    r_full, r_res = full.result(), resumed.result()
    tail = r_full.spikes.steps >= 20
    assert r_res.spikes.steps.size > 10
    assert np.array_equal(r_full.spikes.steps[tail], r_res.spikes.steps)
    assert np.array_equal(r_full.spikes.ids[tail], r_res.spikes.ids)
    want, got = full.state(), resumed.state()
    assert set(got) == set(want)
    for key in want:
        assert np.array_equal(got[key], want[key]), key

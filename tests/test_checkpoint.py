"""Checkpoints as a feature: sim.save(path) / Simulator.load(program, path) continue a run bit for
bit with coherent results; restore refuses another program's state and out-of-range registers;
a bare state() restores with a spike log that says which span it covers."""

import numpy as np
import pytest

from neuromorph import LIF, STDP, LIFRegisters, Network, PoissonSpikes
from neuromorph.errors import FileFormatError, ParameterError
from neuromorph.export import read_checkpoint
from neuromorph.simulator import Simulator


def make_net(seed=3):
    net = Network(dt=1e-4)
    net.add_source("in", 60, PoissonSpikes(rate=30.0, seed=seed))
    net.add_population("exc", 40, LIF(tau_m=10e-3, tau_syn=5e-3, t_ref=1e-3))
    net.connect("in", "exc", weight=180e-12, p=0.3, seed=2, delay=5e-4)
    rng = np.random.default_rng(1)
    net.connect("in", "exc", matrix=rng.uniform(1e-12, 30e-12, (40, 60)) * (rng.random((40, 60)) < 0.2),
                plasticity=STDP(A_plus=1e-12, A_minus=-1.05e-12, w_min=0, w_max=40e-12))
    net.probe("exc", [0, 3])
    return net


def test_save_load_continues_bit_identically_with_the_whole_log(tmp_path):
    net = make_net()
    full = Simulator(net, strict=False).run(3000)
    first = Simulator(net, strict=False).run(1234)
    first.save(tmp_path / "run.ckpt")
    del first                                                     # "killed"
    resumed = Simulator.load(net, tmp_path / "run.ckpt", strict=False).run(3000 - 1234)
    a, b = full.result(), resumed.result()
    assert a.spikes.same_spikes(b.spikes) and a.spikes.ids.size > 300
    assert b.spikes.first_step == 0 and b.spikes.n_steps == 3000
    assert np.array_equal(a.spikes.rates("exc"), b.spikes.rates("exc"))       # coherent: same span
    for k in ("u", "v"):
        assert np.array_equal(a.traces.data[k], b.traces.data[k])
    assert np.array_equal(a.traces.steps, b.traces.steps)
    for k in a.counters:
        assert np.array_equal(a.counters[k], b.counters[k]), k
    assert a.weights.keys() == b.weights.keys() == {1}
    assert np.array_equal(a.weights[1], b.weights[1])
    want, got = full.state(), resumed.state()
    assert all(np.array_equal(want[k], got[k]) for k in want)


def test_a_bare_state_restores_with_a_log_that_says_its_span():
    net = make_net()
    full = Simulator(net, strict=False).run(2000)
    snap = Simulator(net, strict=False).run(800).state()
    res = Simulator(net, strict=False).restore(snap).run(1200).result()
    assert res.spikes.first_step == 800 and res.spikes.n_steps == 2000
    assert res.spikes.duration == pytest.approx(1200 * 1e-4)
    tail = full.result().spikes.steps >= 800
    counts = np.bincount(full.result().spikes.ids[tail], minlength=100)[60:]
    assert np.allclose(res.spikes.rates("exc"), counts / (1200 * 1e-4))         # rates over the covered span


def test_restore_refuses_out_of_range_registers_by_name():
    net = Network(dt=1e-3)
    net.add_population("n", 5, LIFRegisters(vth=100))
    sim = Simulator(net)
    s = sim.state()
    s["v"] = s["v"].copy()
    s["v"][3] = 2**23                     # one beyond the 24-bit v's +-(2^23 - 1)
    with pytest.raises(ParameterError, match=r"^v \(restore: neuron 3\) = 8388608 is out of range; "
                                             r"allowed: \[-8388607, 8388607\]"):
        sim.restore(s)
    s = sim.state()
    s["u"] = s["u"].copy()
    s["u"][0] = -(2**23)                  # u's window is (-2^23, 2^23]
    with pytest.raises(ParameterError, match=r"^u \(restore: neuron 0\) = -8388608"):
        sim.restore(s)
    s = sim.state()
    s["ref"] = np.full(5, 64, np.int32)   # 6-bit refractory counter
    with pytest.raises(ParameterError, match=r"^ref \(restore: neuron 0\) = 64 .*\[0, 63\]"):
        sim.restore(s)


def test_restore_refuses_out_of_range_plastic_state(tmp_path):
    net = make_net()
    sim = Simulator(net, strict=False).run(50)
    s = sim.checkpoint()
    s["trace"] = s["trace"].copy()
    s["trace"][2] = 2**24
    with pytest.raises(ParameterError, match=r"^trace \(restore: trace 2\) = 16777216 .*\[0, 16777215\]"):
        Simulator(net, strict=False).restore(s)


def test_load_refuses_another_programs_checkpoint_and_damaged_files(tmp_path):
    Simulator(make_net(3), strict=False).run(10).save(tmp_path / "a.ckpt")
    other = Network(dt=1e-4)
    other.add_source("in", 60, PoissonSpikes(rate=30.0, seed=3))
    other.add_population("exc", 40, LIF())
    with pytest.raises(ParameterError, match="another program|shape"):
        Simulator.load(other, tmp_path / "a.ckpt")
    data = (tmp_path / "a.ckpt").read_bytes()
    (tmp_path / "b.ckpt").write_bytes(data[:-3])
    with pytest.raises(FileFormatError, match=r"b\.ckpt: body: .* \(truncated\)"):
        Simulator.load(make_net(3), tmp_path / "b.ckpt", strict=False)
    back = read_checkpoint(tmp_path / "a.ckpt")
    assert back["step"].tolist() == [10] and back["u"].dtype == np.int32

"""Sources: the kernel's in-loop Poisson draws equal the NumPy specification bit for bit; rates and CV."""

import numpy as np
from hypothesis import given, settings, strategies as st

from neuromorph import kernels
from neuromorph.network import (Network, PoissonSpikes, RegularSpikes, SpikeLog, SpikeTimes, _splitmix64,
                                counter_uniform_u32)
from neuromorph.simulator import Simulator


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**63 - 1), st.integers(0, 2**31), st.integers(0, 2**40))
def test_kernel_hash_equals_numpy_hash(seed, index, step):
    key = _splitmix64(np.array([seed], np.uint64))[0]
    assert kernels.poisson_u32(key, np.uint64(index), np.uint64(step)) == counter_uniform_u32(seed, index, step)


def test_chip_sources_fire_exactly_their_events():
    net = Network(dt=1e-3)
    net.add_source("p", 30, PoissonSpikes(rate=np.linspace(10, 400, 30), seed=11))
    net.add_source("r", 4, RegularSpikes(period=7e-3, start=2e-3, stagger=1e-3))
    net.add_source("t", 3, SpikeTimes(steps=[0, 5, 5, 9], ids=[2, 0, 1, 2]))
    sim = Simulator(net, chunk_steps=333).run(1000)
    want_s, want_i = [], []
    for pop in net.populations.values():
        s, i = pop.model.events(pop.size, net.dt, 0, 1000)
        want_s.append(s)
        want_i.append(i + pop.start)
    want = SpikeLog(np.concatenate(want_s), np.concatenate(want_i), net.dt, 1000)
    assert sim.spikes.same_spikes(want)


def test_poisson_rate_and_cv_regular_cv():
    dt, rate = 1e-4, 50.0
    src = PoissonSpikes(rate=rate, seed=3)
    s, i = src.events(200, dt, 0, 20000)                   # 200 neurons x 2 s
    log = SpikeLog(s, i, dt, 20000, {"p": (0, 200)})
    assert abs(log.rates("p").mean() - rate) < 4 * np.sqrt(rate / 2 / 200)   # 4 sigma of the mean rate
    isi = np.concatenate([np.diff(t) for t in log.trains("p")])
    cv = isi.std() / isi.mean()
    assert abs(cv - np.sqrt(1 - rate * dt)) < 0.03         # Bernoulli-per-step: CV^2 = 1 - p
    s, i = RegularSpikes(period=10e-3).events(3, dt, 0, 5000)
    isi = np.diff(s[i == 0])
    assert isi.std() == 0 and isi[0] == 100

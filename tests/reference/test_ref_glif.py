"""Tests of reference/glif.py (N3, GLIF 1–5 of Teeter et al. 2018)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.glif import GLIFParams, glif_init, glif_step, simulate_glif
from reference.neurons import LIFParams, simulate_lif

LIF = LIFParams()


def test_glif1_equals_lif():
    p = GLIFParams.from_lif(LIF)
    I = np.array([150e-12, 250e-12, 400e-12])
    a = simulate_glif(p, I, 1e-4, 3000, n=3, v0=LIF.V_reset)
    b = simulate_lif(LIF, I, 1e-4, 3000, n=3)
    np.testing.assert_array_equal(a.spikes, b.spikes)
    np.testing.assert_allclose(a.v, b.v, rtol=0, atol=1e-15)


def test_after_spike_currents_decay_with_their_own_time_constants():
    k = (1 / 5e-3, 1 / 50e-3)
    A = (-20e-12, 5e-12)
    p = GLIFParams.from_lif(LIF, level=3, asc_amps=A, asc_k=k)
    dt = 1e-4
    n = 2000
    I = np.zeros(n)
    I[:300] = 400e-12  # fire once or more, then silence
    r = simulate_glif(p, I, dt, n)
    last = np.nonzero(r.spikes[:, 0])[0].max()
    t_sp = (last + 1) * dt
    after = np.arange(last + 2, n + 1)
    amp_at_spike = r.asc[last + 1, 0]
    for j in range(2):
        expected = amp_at_spike[j] * np.exp(-k[j] * (r.t[after] - t_sp))
        np.testing.assert_allclose(r.asc[after, 0, j], expected, rtol=1e-9)
    # with a single spike the jump is exactly A_j
    r1 = simulate_glif(p, np.where(np.arange(n) < 120, 400e-12, 0.0), dt, n)
    assert r1.spikes.sum() == 1
    k1 = np.nonzero(r1.spikes[:, 0])[0][0]
    np.testing.assert_allclose(r1.asc[k1 + 1, 0], A)


def test_threshold_adaptation_raises_isi():
    I = 400e-12
    base = simulate_glif(GLIFParams.from_lif(LIF), I, 1e-4, 5000)
    adapt = simulate_glif(GLIFParams.from_lif(LIF, level=2, f_v=0.0, delta_v=0.0, delta_theta_s=5e-3,
                                              b_s=20.0), I, 1e-4, 5000)
    isi0 = np.diff(base.spike_times())
    isi1 = np.diff(adapt.spike_times())
    assert isi1.mean() > 1.2 * isi0.mean()
    assert isi1[-1] > isi1[0]  # adaptation builds up over the train
    # spike-induced threshold decays at rate b_s between spikes
    ks = np.nonzero(adapt.spikes[:, 0])[0]
    seg = np.arange(ks[0] + 1, ks[1] + 1)
    th = adapt.theta_s[seg, 0]
    np.testing.assert_allclose(th[1:] / th[:-1], np.exp(-20.0 * 1e-4), rtol=1e-12)


def test_reset_rule():
    p = GLIFParams.from_lif(LIF, level=2, f_v=0.5, delta_v=-2e-3, delta_theta_s=0.0)
    st = glif_init(p, 1, v0=-55.5e-3)
    st, sp = glif_step(st, 1e-9, p, 1e-4)
    assert sp[0]
    # V_before is the integrated value that crossed threshold
    v_before = -55.5e-3 + (1e-4 / p.tau_m) * (p.E_L + 1e-9 / p.G + 55.5e-3)
    assert st.v[0] == pytest.approx(p.E_L + 0.5 * (v_before - p.E_L) - 2e-3, abs=1e-15)


def test_voltage_dependent_threshold_steady_state():
    a_v, b_v, I = 50.0, 200.0, 150e-12  # subthreshold input
    p = GLIFParams.from_lif(LIF, level=5, a_v=a_v, b_v=b_v)
    r = simulate_glif(p, I, 1e-4, 3000)
    v_inf = p.E_L + I / p.G
    assert r.v[-1, 0] == pytest.approx(v_inf, abs=1e-9)
    assert r.theta_v[-1, 0] == pytest.approx(a_v * (v_inf - p.E_L) / b_v, rel=1e-6)


def test_bad_input():
    with pytest.raises(ParameterError):
        GLIFParams(level=6)
    with pytest.raises(ParameterError) as e:
        GLIFParams(C=-1.0)
    assert e.value.name == "C"
    with pytest.raises(ParameterError):
        GLIFParams(level=3, asc_amps=(1e-12, 2e-12), asc_k=(100.0,))
    with pytest.raises(ParameterError):
        GLIFParams(level=3, asc_amps=(1e-12,), asc_k=(-100.0,))
    with pytest.raises(ParameterError) as e:
        simulate_glif(GLIFParams(), 0.0, 0.05, 10)  # tau_m = 10 ms; Euler needs dt < 20 ms
    assert e.value.name == "dt"
    with pytest.raises(ParameterError):
        simulate_glif(GLIFParams(level=5, b_v=1e4), 0.0, 1e-3, 10)

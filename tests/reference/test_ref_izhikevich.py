"""Tests of reference/izhikevich.py and reference/izhikevich_presets.py (N4).

The step is checked against the scheme written out by hand (v first, u with the new v,
strict v > 30 test); the presets against the published figure-script numbers."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import Izhikevich as NetIzh
from reference.izhikevich import IzhikevichParams, izh_init, izh_step, simulate_izhikevich
from reference.izhikevich_presets import (
    BEHAVIOURS, CORTICAL_CLASSES, PRESETS, preset_names, simulate_preset,
)


def _by_hand(a, b, c, d, v, u, I, tau, k1=5.0, k0=140.0, accommodation=False):
    """Izhikevich's loop body, transcribed."""
    v = v + tau * (0.04 * v**2 + k1 * v + k0 - u + I)
    u = u + tau * a * (b * (v + 65)) if accommodation else u + tau * a * (b * v - u)
    if v > 30:
        return c, u + d, True, 30.0
    return v, u, False, v


@pytest.mark.parametrize("name", ["tonic_spiking", "class1_excitable", "accommodation", "DAP", "RS"])
def test_preset_matches_hand_transcribed_scheme(name):
    p = PRESETS[name]
    r = simulate_preset(name)
    k1, k0 = p.params.k1, p.params.k0
    v, u = p.v0, p.u0
    spikes = []
    for k, t in enumerate(p.times()):
        I = float(p.protocol(t))
        v, u, fired, rec = _by_hand(p.params.a, p.params.b, p.params.c, p.params.d, v, u, I, p.dt, k1, k0,
                                    p.params.u_rule == "accommodation")
        assert r.v[k] == pytest.approx(rec, abs=1e-9) and r.u[k] == pytest.approx(u, abs=1e-9)
        if fired:
            spikes.append(t)
    np.testing.assert_allclose(r.spike_times, spikes)


def test_there_are_20_behaviours_and_the_cortical_classes():
    assert len(BEHAVIOURS) == 20
    labels = [p.label[:3] for p in BEHAVIOURS.values()]
    assert labels == [f"({c})" for c in "ABCDEFGHIJKLMNOPQRST"]
    assert {"RS", "IB", "CH", "FS"} <= set(CORTICAL_CLASSES)
    assert preset_names("behaviours") == list(BEHAVIOURS)


# (a, b, c, d, dt, duration, v0) as published in the figure script
PUBLISHED = {
    "tonic_spiking": (0.02, 0.2, -65, 6, 0.25, 100, -70),
    "phasic_bursting": (0.02, 0.25, -55, 0.05, 0.2, 200, -64),
    "class1_excitable": (0.02, -0.1, -55, 6, 0.25, 300, -60),
    "resonator": (0.1, 0.26, -60, -1, 0.25, 400, -62),
    "DAP": (1.0, 0.2, -60, -21, 0.1, 50, -70),
    "accommodation": (0.02, 1.0, -55, 4, 0.5, 400, -65),
    "inhibition_induced_bursting": (-0.026, -1.0, -45, -2, 0.5, 350, -63.8),
    "RS": (0.02, 0.2, -65, 8, 0.25, 150, -63),
    "IB": (0.02, 0.2, -55, 4, 0.25, 150, -70),
    "CH": (0.02, 0.2, -50, 2, 0.25, 150, -70),
    "FS": (0.1, 0.2, -65, 2, 0.25, 150, -70),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_parameters(name):
    p = PRESETS[name]
    a, b, c, d, dt, T, v0 = PUBLISHED[name]
    assert (p.params.a, p.params.b, p.params.c, p.params.d, p.dt, p.duration, p.v0) == (a, b, c, d, dt, T, v0)
    assert p.n_steps == int(round(T / dt)) + 1


def test_special_panels():
    for name in ("class1_excitable", "integrator"):
        assert (PRESETS[name].params.k1, PRESETS[name].params.k0) == (4.1, 108.0)
    assert PRESETS["accommodation"].params.u_rule == "accommodation" and PRESETS["accommodation"].u0 == -16
    others = [n for n in PRESETS if n not in ("class1_excitable", "integrator", "accommodation")]
    assert all(PRESETS[n].params.k1 == 5.0 and PRESETS[n].params.u_rule == "standard" for n in others)


def test_protocol_samples():
    # ramp of panel G, pulses of panel K, accommodation ramps of panel R
    assert PRESETS["class1_excitable"].protocol(130.0) == pytest.approx(0.075 * 100)
    assert PRESETS["resonator"].protocol(282.0) == 0.65 and PRESETS["resonator"].protocol(284.0) == 0.0
    assert PRESETS["accommodation"].protocol(100.0) == pytest.approx(4.0)
    assert PRESETS["accommodation"].protocol(306.25) == pytest.approx(2.0)
    assert PRESETS["DAP"].protocol(9.0) == 0.0 and PRESETS["DAP"].protocol(9.1) == 20.0


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_runs_and_returns_traces(name):
    r = simulate_preset(name)
    n = PRESETS[name].n_steps
    assert r.v.shape == r.u.shape == r.t.shape == r.I.shape == (n,)
    assert np.all(np.isfinite(r.v)) and np.all(r.v <= 30.0)
    assert np.all(np.isin(r.spike_times, r.t))


def test_smoke_behaviours():
    """A few unmistakable features (the full 'defining property' checks are a later issue)."""
    assert simulate_preset("tonic_spiking").spike_times.min() > 10.0   # nothing before the step
    assert simulate_preset("phasic_spiking").spike_times.size == 1
    assert simulate_preset("spike_latency").spike_times.size == 1
    assert simulate_preset("tonic_bursting").spike_times.size > 10


def test_population_is_vectorised():
    p = IzhikevichParams()
    I = np.array([0.0, 5.0, 10.0, 20.0])
    r = simulate_izhikevich(p, I, 0.25, 2000, n=4)
    for i in range(4):
        ri = simulate_izhikevich(p, I[i], 0.25, 2000, n=1)
        np.testing.assert_array_equal(r.v[:, i], ri.v[:, 0])
    assert np.all(np.diff(r.spikes.sum(axis=0)) >= 0)
    st = izh_init(p, 4)
    for k in range(2000):
        st, _ = izh_step(st, I, p, 0.25)
    np.testing.assert_allclose(st.u, r.u[-1])


def test_from_network():
    q = IzhikevichParams.from_network(NetIzh(a=0.1, d=2.0))
    assert (q.a, q.b, q.c, q.d, q.k1) == (0.1, 0.2, -65.0, 2.0, 5.0)


def test_bad_input():
    with pytest.raises(ParameterError) as e:
        IzhikevichParams(a=float("nan"))
    assert e.value.name == "a"
    with pytest.raises(ParameterError):
        IzhikevichParams(c=40.0)
    with pytest.raises(ParameterError):
        IzhikevichParams(u_rule="other")
    with pytest.raises(ParameterError) as e:
        simulate_izhikevich(IzhikevichParams(a=1.0), 0.0, 2.5, 10)
    assert e.value.name == "dt"
    with pytest.raises(ParameterError) as e:
        simulate_izhikevich(IzhikevichParams(), np.zeros((10, 2)), 0.25, 10, n=3)
    with pytest.raises(ParameterError):
        simulate_preset("not_a_behaviour")

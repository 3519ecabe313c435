"""A2-A4: F-I curve against the LIF closed form; ISI/CV/Fano against Poisson and regular trains; rates."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog
from reference.analysis import firing

# Course LIF (N2): tau = 10 ms, g_L = 10 nS, E_L = V_reset = -75 mV, V_th = -55 mV, t_ref = 2 ms
TAU, GL, EL, VTH, VRESET, TREF = 10e-3, 10e-9, -75e-3, -55e-3, -75e-3, 2e-3


def _lif_dc(currents, T, dt=1e-5):
    """Tiny test harness: exact exponential update for DC input, threshold at sample resolution."""
    I = np.asarray(currents, float)
    vinf = EL + I / GL
    decay = np.exp(-dt / TAU)
    v = np.full(I.size, EL)
    ref = np.zeros(I.size)
    spikes = [[] for _ in I]
    for k in range(1, int(round(T / dt)) + 1):
        active = ref <= 0
        v = np.where(active, vinf + (v - vinf) * decay, VRESET)
        ref -= dt
        fired = np.nonzero(active & (v >= VTH))[0]
        for i in fired:
            spikes[i].append(k * dt)
        v[fired] = VRESET
        ref[fired] = TREF
    return [np.array(s) for s in spikes]


def test_fi_curve_matches_lif_closed_form():
    currents = np.array([150, 190, 200, 210, 250, 300, 400]) * 1e-12
    trains = _lif_dc(currents, 0.3)
    rates = firing.fi_curve(currents, trains, 0.0, 0.3, method="isi")
    R = 1 / GL
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(R * currents > (VTH - EL) * (1 + 1e-9),  # 200 pA: never reaches threshold
                            1 / (TREF + TAU * np.log(R * currents / (R * currents - (VTH - VRESET)))), 0.0)
    np.testing.assert_allclose(rates, expected, rtol=2e-3, atol=1e-9)
    # rheobase g_L (V_th - E_L) = 200 pA: silent at and below, firing above
    assert firing.rheobase(currents, rates) == pytest.approx(210e-12)
    counts = firing.fi_curve(currents, trains, 0.0, 0.3, method="count")
    assert np.all(np.abs(counts - expected) <= 1 / 0.3 + 1e-9)  # count quantisation: one spike per window


def test_fi_curve_accepts_spikelog_and_callable_and_rejects_mismatch():
    trains = [np.array([0.01, 0.02, 0.03]), np.array([0.05])]
    steps = np.concatenate([np.round(t / 1e-3).astype(int) for t in trains])
    ids = np.repeat([0, 1], [3, 1])
    log = SpikeLog(steps, ids, 1e-3, 100, {"p": (0, 2)})
    np.testing.assert_allclose(firing.fi_curve([1e-10, 2e-10], log), [30.0, 10.0])
    np.testing.assert_allclose(firing.fi_curve([1.0, 2.0], lambda I: np.arange(int(I)) * 0.1, 0, 1.0), [1.0, 2.0])
    with pytest.raises(ParameterError):
        firing.fi_curve([1.0, 2.0, 3.0], trains, 0, 0.1)
    with pytest.raises(ParameterError):
        firing.fi_curve([1.0, 2.0], trains)  # no window for plain arrays
    with pytest.raises(ParameterError):
        firing.rheobase([2.0, 1.0], [0.0, 1.0])
    assert np.isnan(firing.rheobase([1.0, 2.0], [0.0, 0.0]))


def test_cv_poisson_is_one_regular_is_zero_gamma_is_one_over_sqrt_k():
    rng = np.random.default_rng(0)
    poisson = np.cumsum(rng.exponential(0.02, 40000))
    assert firing.cv_isi(poisson) == pytest.approx(1.0, abs=0.02)
    assert firing.cv_isi(np.arange(100) * 0.01) == pytest.approx(0.0, abs=1e-9)
    gamma = np.cumsum(rng.gamma(4.0, 0.005, 40000))  # shape k = 4: CV = 1/2
    assert firing.cv_isi(gamma) == pytest.approx(0.5, abs=0.01)


def test_cv_undefined_cases_and_bad_input():
    assert np.isnan(firing.cv_isi([]))
    assert np.isnan(firing.cv_isi([0.1]))
    assert np.isnan(firing.cv_isi([0.1, 0.2]))  # one interval: no spread
    assert np.isnan(firing.cv_isi([0.3, 0.3, 0.3]))  # zero mean ISI
    with pytest.raises(ParameterError):
        firing.cv_isi([0.3, 0.1, 0.2])  # unsorted
    with pytest.raises(ParameterError):
        firing.cv_isi([0.1, np.inf])
    with pytest.raises(ParameterError):
        firing.cv_isi(np.zeros((2, 2)))


def test_isi_histogram_counts_all_intervals():
    t = np.cumsum(np.random.default_rng(1).exponential(0.01, 500))
    counts, edges, cv = firing.isi_histogram(t, bins=30)
    assert counts.sum() == 499 and edges.size == 31
    assert cv == pytest.approx(firing.cv_isi(t))
    counts, edges, cv = firing.isi_histogram([0.5])
    assert counts.sum() == 0 and np.isnan(cv)


def test_fano_factor_poisson_one_regular_zero():
    rng = np.random.default_rng(2)
    T = 500.0
    poisson = np.sort(rng.uniform(0, T, rng.poisson(20 * T)))
    assert firing.fano_factor([poisson], 0.1, 0.0, T) == pytest.approx(1.0, abs=0.06)
    regular = np.arange(0.0025, 10.0, 0.005)
    assert firing.fano_factor([regular], 0.05, 0.0, 10.0) == 0.0
    trials = [np.sort(rng.uniform(0, 1, n)) for n in rng.poisson(30, 3000)]
    assert firing.fano_factor(trials, 1.0, 0.0, across="trials") == pytest.approx(1.0, abs=0.08)
    assert np.isnan(firing.fano_factor([np.array([])], 0.1, 0.0, 1.0))
    with pytest.raises(ParameterError):
        firing.fano_factor([regular], -1.0, 0, 1)
    with pytest.raises(ParameterError):
        firing.fano_factor([regular], 1.0, 0, 10, across="bogus")


def test_windowed_rate_counts_spikes_in_half_open_window():
    train = np.array([0.25, 0.375, 1.0])
    times, r = firing.windowed_rate(train, 0.25, times=[0.25, 0.375, 0.5, 0.625, 1.0, 1.25])
    # (t - 0.25, t]: 1, 2, 1 (0.25 excluded), 0 (0.375 excluded), 1, 0
    np.testing.assert_allclose(r * 0.25, [1, 2, 1, 0, 1, 0])
    # grid form: non-overlapping windows tile the run, so the counts add up to the total
    times, r = firing.windowed_rate(train, 0.125, dt=0.125, t_stop=1.25)
    assert r.sum() * 0.125 == 3
    with pytest.raises(ParameterError):
        firing.windowed_rate(train, 0.25)  # neither times nor grid
    with pytest.raises(ParameterError):
        firing.windowed_rate(train, 0.0, times=[1.0])


def test_rates_counts_and_population_rate():
    log = SpikeLog(np.array([1, 2, 3, 5]), np.array([0, 1, 1, 1]), 0.01, 100, {"a": (0, 1), "b": (1, 2)})
    np.testing.assert_allclose(firing.firing_rates(log), [1.0, 3.0, 0.0])
    np.testing.assert_allclose(firing.firing_rates(log, population="b"), [3.0, 0.0])
    assert firing.firing_rate([0.1, 0.2, 0.9], 0.0, 0.5) == pytest.approx(4.0)
    edges, c = firing.binned_counts(log, 0.5)
    assert c.shape == (2, 3) and c.sum() == 4
    centres, rate = firing.population_rate(log, 0.5)
    np.testing.assert_allclose(rate, c.mean(axis=1) / 0.5)
    with pytest.raises(ParameterError):
        firing.firing_rate([0.1, 0.2])  # no window
    with pytest.raises(ParameterError):
        firing.binned_counts([np.array([])], 0.1)  # window cannot be inferred

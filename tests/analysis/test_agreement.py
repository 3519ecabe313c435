"""Spike-train agreement: coincidence factor, van Rossum, Victor–Purpura, latency, KS, population versions."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog
from reference.analysis import agreement as ag


def test_coincidence_factor_identical_hand_and_independent():
    rng = np.random.default_rng(0)
    a = np.sort(rng.uniform(0, 10, 50))
    assert ag.coincidence_factor(a, a, 2e-3, 0, 10) == pytest.approx(1.0)
    # hand example: 2 coincidences within 5 ms; nu_b = 3/1 Hz
    a = np.array([0.1, 0.5, 0.9])
    b = np.array([0.102, 0.6, 0.9])
    d, T = 5e-3, 1.0
    nu = 3 / T
    expected = (2 - 2 * nu * d * 3) / (0.5 * (3 + 3)) / (1 - 2 * nu * d)
    assert ag.coincidence_factor(a, b, d, 0, T) == pytest.approx(expected)
    # independent Poisson trains (20 Hz, delta = 1 ms, 2 nu delta = 0.04): chance-corrected Gamma ~ 0.
    # Kistler's chance count 2 nu delta N_a is first order in 2 nu delta (exact: 1 - e^{-2 nu delta}),
    # a bias of about -0.001 here; single-pair sd ~0.01, so the mean of 20 pairs is within 0.01.
    g = []
    for k in range(20):
        r = np.random.default_rng(100 + k)
        x = np.sort(r.uniform(0, 20, r.poisson(400)))
        y = np.sort(r.uniform(0, 20, r.poisson(400)))
        g.append(ag.coincidence_factor(x, y, 1e-3, 0, 20))
    assert abs(np.mean(g)) < 0.01


def test_coincidences_are_one_to_one():
    assert ag.coincidences([0.1, 0.101, 0.102], [0.1005], 2e-3) == 1
    assert ag.coincidences([0.1, 0.2], [0.1, 0.2], 0.0) == 2
    # b has 1 spike, a has 5 near it: Gamma must not exceed 1
    assert ag.coincidence_factor([0.1, 0.1001, 0.1002, 0.1003, 0.1004], [0.1002], 1e-3, 0, 1.0) < 1.0


def test_coincidence_factor_edge_cases():
    assert np.isnan(ag.coincidence_factor([], [], 1e-3))
    assert np.isnan(ag.coincidence_factor([], [], 1e-3, 0, 1.0))
    assert ag.coincidence_factor([0.5], [], 1e-3, 0, 1.0) == 0.0
    with pytest.raises(ParameterError):
        ag.coincidence_factor([0.1], [0.1, 0.2, 0.3], 0.5, 0, 1.0)  # 2 nu delta >= 1
    with pytest.raises(ParameterError):
        ag.coincidence_factor([0.2, 0.1], [0.1], 1e-3, 0, 1.0)  # unsorted


def test_van_rossum_closed_forms():
    tau = 0.01
    for delta in (0.0, 0.003, 0.01, 0.05):
        assert ag.van_rossum_distance([0.1], [0.1 + delta], tau) == pytest.approx(np.sqrt(1 - np.exp(-delta / tau)))
    assert ag.van_rossum_distance([0.2], [], tau) == pytest.approx(np.sqrt(0.5))
    assert ag.van_rossum_distance([], [], tau) == 0.0
    with pytest.raises(ParameterError):
        ag.van_rossum_distance([0.1], [0.2], 0.0)


def test_van_rossum_equals_numerical_integral_of_filtered_trains():
    tau = 0.005
    a = np.array([0.010, 0.013, 0.030])
    b = np.array([0.011, 0.024])
    t = np.arange(0.0, 0.2, 1e-6)

    def filt(x):
        return sum(np.where(t >= s, np.exp(-(t - s) / tau), 0.0) for s in x)

    integral = np.trapezoid((filt(a) - filt(b)) ** 2, t) / tau
    assert ag.van_rossum_distance(a, b, tau) == pytest.approx(np.sqrt(integral), rel=1e-3)


def test_victor_purpura_closed_forms():
    for q, delta in ((10.0, 0.05), (10.0, 0.3), (100.0, 0.001), (0.0, 1.0)):
        assert ag.victor_purpura_distance([0.2], [0.2 + delta], q) == pytest.approx(min(2.0, q * delta))
    assert ag.victor_purpura_distance([], [0.1, 0.2, 0.3], 5.0) == 3.0
    assert ag.victor_purpura_distance([0.1, 0.5], [0.3], 0.0) == 1.0  # q = 0: count difference
    # shift 0.1 (cost 0.1) + delete/insert the far pair (cost 2, cheaper than shifting 4)
    assert ag.victor_purpura_distance([0.0, 1.0], [0.1, 5.0], 1.0) == pytest.approx(2.1)
    a, b = [0.1, 0.4, 0.45], [0.12, 0.5]
    assert ag.victor_purpura_distance(a, b, 7.0) == pytest.approx(ag.victor_purpura_distance(b, a, 7.0))
    with pytest.raises(ParameterError):
        ag.victor_purpura_distance([0.1], [0.2], -1.0)


def test_counts_rates_latency_ks():
    assert ag.count_error([0.1, 0.2], [0.1, 0.2, 0.3]) == 1
    assert ag.rate_error([0.1, 0.2], [0.1], 0.0, 2.0) == pytest.approx(-0.5)
    assert ag.latency_shift([0.1, 0.2], [0.13]) == pytest.approx(0.03)
    assert ag.latency_shift([0.1, 0.2], [0.13, 0.25], t0=0.15) == pytest.approx(0.25 - 0.2)
    assert np.isnan(ag.latency_shift([], [0.1]))
    assert ag.weight_ks([1, 2, 3], [2, 3, 4])[0] == pytest.approx(1 / 3)
    D, p = ag.weight_ks([1.0, 2.0], [1.0, 2.0])
    assert D == 0.0 and p == pytest.approx(1.0)
    assert ag.weight_ks([0, 1], [5, 6])[0] == 1.0
    with pytest.raises(ParameterError):
        ag.weight_ks([], [1.0])
    with pytest.raises(ParameterError):
        ag.weight_ks([np.nan], [1.0])
    with pytest.raises(ParameterError):
        ag.rate_error([], [])  # no window


def test_population_agreement_per_neuron_then_aggregate():
    steps = np.array([10, 20, 30, 40, 55])
    ids = np.array([0, 1, 0, 1, 2])
    ref = SpikeLog(steps, ids, 1e-3, 100, {"p": (0, 3)})
    same = ag.population_agreement(ref, ref, delta=2e-3, tau=5e-3, q=100.0)
    np.testing.assert_allclose(same.gamma, 1.0)
    assert same.summary()["van_rossum_mean"] == 0.0 and same.summary()["count_error_total"] == 0
    chip = SpikeLog(np.array([11, 20, 30, 40]), np.array([0, 1, 0, 1]), 1e-3, 100, {"p": (0, 3)})
    pa = ag.population_agreement(ref, chip, delta=2e-3, tau=5e-3, q=100.0)
    np.testing.assert_array_equal(pa.count_error, [0, 0, -1])
    assert pa.victor_purpura[0] == pytest.approx(0.1)  # one 1 ms shift at q = 100/s
    assert pa.victor_purpura[2] == 1.0 and np.isnan(pa.latency_shift[2])
    assert pa.latency_shift[0] == pytest.approx(1e-3)
    assert pa.summary()["n_neurons"] == 3
    with pytest.raises(ParameterError):
        ag.population_agreement([np.array([0.1])], [np.array([0.1]), np.array([])], 1e-3, 1e-3, 1.0, 0, 1)


# ---- properties on arbitrary trains (empty and single-spike included): defined results, metric axioms ----
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

trains = st.lists(st.floats(0.0, 1.0, allow_nan=False), max_size=12).map(lambda x: np.sort(np.array(x)))


@settings(max_examples=60, deadline=None)
@given(trains, trains, trains)
def test_distances_are_metrics_and_gamma_is_bounded(a, b, c):
    q, tau = 50.0, 0.01
    vp = ag.victor_purpura_distance
    assert vp(a, b, q) == pytest.approx(vp(b, a, q))
    assert vp(a, a, q) == 0.0
    assert vp(a, c, q) <= vp(a, b, q) + vp(b, c, q) + 1e-9
    assert abs(a.size - b.size) <= vp(a, b, q) <= a.size + b.size
    vr = ag.van_rossum_distance
    assert vr(a, b, tau) == pytest.approx(vr(b, a, tau), abs=1e-9)
    assert vr(a, c, tau) <= vr(a, b, tau) + vr(b, c, tau) + 1e-6
    g = ag.coincidence_factor(a, b, 1e-3, 0.0, 1.01)
    assert np.isnan(g) == (a.size == 0 and b.size == 0)
    if not np.isnan(g):
        assert g <= 1.0 + 1e-12

"""A5: Bayesian decoding with Poisson tuning — posterior normalisation, MAP consistency, Cramér–Rao."""

import numpy as np
import pytest
from scipy.special import gammaln

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog
from reference.analysis import decoding


def test_posterior_sums_to_one_and_matches_bayes_rule_by_hand():
    s = np.array([-1.0, 0.0, 1.0])
    f = np.array([[10.0, 2.0], [5.0, 5.0], [2.0, 10.0]])  # Hz, (stimulus, neuron)
    T = 0.5
    n = np.array([[3, 0], [1, 4], [0, 0]])
    prior = np.array([0.2, 0.5, 0.3])
    post = decoding.posterior(n, s, f, T, prior)
    np.testing.assert_allclose(post.sum(axis=1), 1.0, rtol=1e-12)
    # by hand: P(n|s) = prod_i (lam^n e^-lam / n!)
    lam = f * T
    for k in range(3):
        like = np.exp((n[k] * np.log(lam) - lam - gammaln(n[k] + 1)).sum(axis=1))
        expected = like * prior / np.sum(like * prior)
        np.testing.assert_allclose(post[k], expected, rtol=1e-10)


def test_map_converges_to_true_stimulus_with_variance_one_over_fisher():
    centres = np.arange(-20.0, 20.01, 0.5)
    r_max, w, b, T = 40.0, 2.0, 1.0, 0.5
    s_true = 0.3
    grid = np.arange(-4.0, 4.0001, 0.004)
    f_grid, _ = decoding.gaussian_tuning(grid, centres, r_max, w, b)
    f_true, _ = decoding.gaussian_tuning([s_true], centres, r_max, w, b)
    counts = decoding.poisson_counts(f_true[0], T, 3000, seed=7)
    est = decoding.decode(counts, grid, f_grid, T)
    # Fisher information from the formula J = T sum f'^2/f, f' = -r_max e^{-(s-c)^2/2w^2} (s-c)/w^2
    g = r_max * np.exp(-((s_true - centres) ** 2) / (2 * w**2))
    J = T * np.sum((g * (s_true - centres) / w**2) ** 2 / (b + g))
    se = np.sqrt(1 / J / est.size)
    assert abs(est.mean() - s_true) < 4 * se
    assert est.var() == pytest.approx(1 / J, rel=0.1)  # 3000 trials: sd of the variance ratio ~ 2.6 %
    post_mean = decoding.decode(counts[:200], grid, f_grid, T, estimator="mean")
    assert abs(post_mean.mean() - s_true) < 4 * np.sqrt(1 / J / 200)


def test_fisher_information_by_hand_for_one_neuron():
    f, df = decoding.gaussian_tuning([1.0], [0.0], r_max=20.0, width=1.0, baseline=0.0)
    expected = 0.25 * (20.0 * np.exp(-0.5)) ** 2 / (20.0 * np.exp(-0.5))  # T f'^2 / f with f' = -f at s - c = w
    assert decoding.fisher_information(f, df, 0.25)[0] == pytest.approx(expected)
    assert decoding.fisher_information(np.array([[0.0]]), np.array([[0.0]]), 1.0)[0] == 0.0


def test_impossible_counts_and_bad_input():
    s = np.array([0.0, 1.0])
    f = np.array([[0.0, 5.0], [0.0, 7.0]])  # neuron 0 never fires
    post = decoding.posterior(np.array([[2, 1]]), s, f, 1.0)
    assert np.all(np.isnan(post))  # no stimulus explains a spike from a silent neuron
    assert np.isnan(decoding.decode(np.array([[2, 1]]), s, f, 1.0)[0])
    ok = decoding.posterior(np.array([0, 1]), s, f, 1.0)
    np.testing.assert_allclose(ok.sum(), 1.0)
    with pytest.raises(ParameterError):
        decoding.posterior(np.array([[-1, 0]]), s, f, 1.0)
    with pytest.raises(ParameterError):
        decoding.posterior(np.array([[1, 0, 0]]), s, f, 1.0)  # 3 counts, 2 neurons
    with pytest.raises(ParameterError):
        decoding.posterior(np.array([[1, 0]]), s, f, 0.0)
    with pytest.raises(ParameterError):
        decoding.posterior(np.array([[1, 0]]), s, f, 1.0, prior=[1.0])
    with pytest.raises(ParameterError):
        decoding.decode(np.array([[1, 0]]), s, f + 1, 1.0, estimator="median")


def test_counts_from_spikelog():
    log = SpikeLog(np.array([1, 5, 9, 20]), np.array([0, 1, 1, 1]), 1e-2, 30, {"p": (0, 3)})
    np.testing.assert_array_equal(decoding.counts_from_log(log), [1, 3, 0])
    np.testing.assert_array_equal(decoding.counts_from_log(log, 0.0, 0.1), [1, 2, 0])

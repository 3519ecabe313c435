"""A10-A11: MI of a binary symmetric channel = 1 - H2(p), independence -> 0, capacity, efficiency;
transfer entropy zero for independent processes and 1/2 log variance ratio for a linear Gaussian system."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.analysis import information as info


def H2(p):
    return -p * np.log2(p) - (1 - p) * np.log2(1 - p)


def test_entropy_values():
    assert info.binary_entropy(0.5) == pytest.approx(1.0)
    assert info.binary_entropy(0.0) == 0.0
    assert info.entropy([1, 1, 1, 1]) == pytest.approx(2.0)
    assert info.entropy([1, 1], base=np.e) == pytest.approx(np.log(2))
    assert np.isnan(info.entropy([0, 0]))
    with pytest.raises(ParameterError):
        info.entropy([-1, 2])
    with pytest.raises(ParameterError):
        info.binary_entropy(1.5)


def test_bsc_exact_and_capacity():
    p = 0.11
    joint = 0.5 * np.array([[1 - p, p], [p, 1 - p]])
    assert info.mutual_information_joint(joint) == pytest.approx(1 - H2(p), rel=1e-12)
    C, p_opt = info.channel_capacity([[1 - p, p], [p, 1 - p]])
    assert C == pytest.approx(1 - H2(p), abs=1e-9)
    np.testing.assert_allclose(p_opt, [0.5, 0.5], atol=1e-6)
    # Z channel (1 -> 0 with prob q): C = log2(1 + (1 - q) q^(q/(1-q)))
    q = 0.3
    C, _ = info.channel_capacity([[1.0, 0.0], [q, 1 - q]])
    assert C == pytest.approx(np.log2(1 + (1 - q) * q ** (q / (1 - q))), abs=1e-9)
    with pytest.raises(ParameterError):
        info.channel_capacity([[0.5, 0.2]])


@pytest.mark.parametrize("bias", ["miller-madow", "panzeri-treves", "none"])
def test_sampled_bsc_mutual_information(bias):
    rng = np.random.default_rng(0)
    p, n = 0.1, 40000
    s = rng.integers(0, 2, n)
    r = s ^ (rng.random(n) < p)
    assert info.mutual_information(s, r, bias=bias) == pytest.approx(1 - H2(p), abs=0.01)


def test_independent_variables_carry_nothing_and_bias_correction_helps():
    rng = np.random.default_rng(1)
    n = 2000
    s, r = rng.integers(0, 8, n), rng.integers(0, 8, n)
    plug = info.mutual_information(s, r, bias="none")
    mm = info.mutual_information(s, r, bias="miller-madow")
    pt = info.mutual_information(s, r, bias="panzeri-treves")
    # plug-in bias (m_s - 1)(m_r - 1) / (2 N ln 2) = 49/(4000 ln 2) ~ 0.018 bits
    assert plug == pytest.approx(49 / (2 * n * np.log(2)), abs=0.01)
    assert abs(mm) < 0.006 and abs(pt) < 0.006 and abs(mm) < plug
    assert info.mutual_information(np.zeros(50), rng.integers(0, 3, 50)) == 0.0  # zero variance
    with pytest.raises(ParameterError):
        info.mutual_information([1, 2, 3], [1, 2])
    with pytest.raises(ParameterError):
        info.mutual_information([], [])
    with pytest.raises(ParameterError):
        info.mutual_information([1, 2], [1, 2], bias="jackknife")


def test_coding_efficiency():
    p = 0.2
    Q = np.array([[1 - p, p], [p, 1 - p]])
    C, _ = info.channel_capacity(Q)
    assert info.coding_efficiency(info.mutual_information_joint(0.5 * Q), C) == pytest.approx(1.0, abs=1e-9)
    ps = np.array([0.9, 0.1])
    joint = ps[:, None] * Q
    pr = joint.sum(0)
    I_expected = (-(pr * np.log2(pr)).sum()) - H2(p)  # H(R) - H(R|S)
    assert info.coding_efficiency(info.mutual_information_joint(joint), C) == pytest.approx(I_expected / (1 - H2(p)))
    assert np.isnan(info.coding_efficiency(0.0, 0.0))


def test_transfer_entropy_linear_gaussian_equals_half_log_variance_ratio():
    rng = np.random.default_rng(2)
    n, a, c, sy, se = 50000, 0.5, 0.8, 1.0, 0.5
    y = rng.normal(0, sy, n)
    e = rng.normal(0, se, n)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = a * x[t - 1] + c * y[t - 1] + e[t]
    # Y white and independent of X_{t-1}: var(X_t | X_{t-1}) = c^2 sy^2 + se^2; var(X_t | X_{t-1}, Y_{t-1}) = se^2
    expected = 0.5 * np.log((c**2 * sy**2 + se**2) / se**2)
    te = info.transfer_entropy(x, y, method="gaussian", base=np.e)
    assert te == pytest.approx(expected, abs=0.02)
    assert abs(info.transfer_entropy(y, x, method="gaussian", base=np.e)) < 0.002  # no X -> Y coupling
    # the survey's sum over lags: lag 2 adds nothing for this system
    assert info.transfer_entropy(x, y, lags=(1, 2), method="gaussian", base=np.e) == pytest.approx(expected, abs=0.02)


def test_transfer_entropy_independent_processes_is_zero():
    rng = np.random.default_rng(3)
    n = 20000
    x = np.zeros(n)
    y = np.zeros(n)
    ex, ey = rng.normal(size=(2, n))
    for t in range(1, n):
        x[t] = 0.7 * x[t - 1] + ex[t]
        y[t] = -0.4 * y[t - 1] + ey[t]
    assert abs(info.transfer_entropy(x, y, method="gaussian")) < 0.002
    bx, by = rng.integers(0, 2, (2, n))
    assert abs(info.transfer_entropy(bx, by)) < 0.003


def test_discrete_transfer_entropy_of_noisy_copy_is_one_minus_h2():
    rng = np.random.default_rng(4)
    n, p = 50000, 0.1
    y = rng.integers(0, 2, n)
    x = np.zeros(n, dtype=int)
    x[1:] = y[:-1] ^ (rng.random(n - 1) < p)
    # X_t depends on Y_{t-1} only: T = H(X_t|X_{t-1}) - H(X_t|X_{t-1},Y_{t-1}) = 1 - H2(p)
    assert info.transfer_entropy(x, y) == pytest.approx(1 - H2(p), abs=0.01)
    assert abs(info.transfer_entropy(y, x)) < 0.003


def test_transfer_entropy_between_spike_trains_and_bad_input():
    rng = np.random.default_rng(5)
    bins = np.nonzero(rng.random(20000) < 0.2)[0]
    y = bins * 1e-3 + 2e-4
    x = (bins + 1) * 1e-3 + 2e-4  # x copies y one bin later
    te = info.transfer_entropy_spikes(x, y, 1e-3, 0.0, 20.0)
    assert te == pytest.approx(H2(0.2), abs=0.01)  # X_t = Y_{t-1}: TE = H(Y_{t-1}) = H2(0.2)
    assert abs(info.transfer_entropy_spikes(y, x, 1e-3, 0.0, 20.0)) < 0.005
    with pytest.raises(ParameterError):
        info.transfer_entropy([1, 2, 3], [1, 2])
    with pytest.raises(ParameterError):
        info.transfer_entropy([1, 2, 3], [1, 2, 3], lags=0)
    with pytest.raises(ParameterError):
        info.transfer_entropy([1.0, 2.0], [1.0, 2.0])  # too short
    with pytest.raises(ParameterError):
        info.transfer_entropy(np.arange(10.0), np.arange(10.0), method="kraskov")

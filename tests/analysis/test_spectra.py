"""A1: the course PSD and Welch's estimate against closed forms (Parseval, sinusoid peak)."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog, Traces
from reference.analysis import spectra


def test_sinusoid_peak_at_its_frequency_with_closed_form_height():
    dt, n, f0, A = 1e-3, 1000, 50.0, 2.0  # T = 1 s, f0 on a bin
    t = dt * np.arange(n)
    f, S = spectra.psd(A * np.sin(2 * np.pi * f0 * t), dt)
    T = n * dt
    assert f.size == n // 2 and f[1] - f[0] == pytest.approx(1 / T)
    assert spectra.peak_frequency(f, S) == pytest.approx(f0)
    # |X_k| = N A / 2 at f0, so Sxx = 2 dt^2/T (N A/2)^2 = A^2 T / 2
    assert S[np.argmax(S)] == pytest.approx(A**2 * T / 2, rel=1e-10)


def _dft_bin(x, k):
    """X_k of the mean-removed signal straight from the DFT sum (no FFT)."""
    n = x.size
    return np.sum((x - x.mean()) * np.exp(-2j * np.pi * k * np.arange(n) / n))


def test_parseval_odd_length_misses_only_the_top_positive_bin():
    # int(N/2) bins for odd N stop one short of the top positive frequency (N-1)/2
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, 1001)
    dt = 2e-4
    f, S = spectra.psd(x, dt)
    n = x.size
    top = abs(_dft_bin(x, (n - 1) // 2)) ** 2
    assert S.sum() / (n * dt) == pytest.approx(np.var(x) - 2 * top / n**2, rel=1e-12)


def test_parseval_even_length_misses_only_the_nyquist_bin():
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, 1000)
    dt = 1e-3
    f, S = spectra.psd(x, dt)
    n = x.size
    nyq = np.sum((x - x.mean()) * (-1.0) ** np.arange(n))  # X[N/2] by its definition
    assert S.sum() / (n * dt) == pytest.approx(np.var(x) - nyq**2 / n**2, rel=1e-12)


def test_parseval_band_limited_signal_is_exact():
    # no power in the omitted top bin: sum(Sxx) df == variance exactly
    dt, n = 1e-3, 1000
    t = dt * np.arange(n)
    x = 1.0 + np.sin(2 * np.pi * 13 * t) + 0.5 * np.cos(2 * np.pi * 120 * t)
    f, S = spectra.psd(x, dt)
    assert S.sum() / (n * dt) == pytest.approx(np.var(x), rel=1e-12)
    assert np.var(x) == pytest.approx(0.5 + 0.125, rel=1e-12)


def test_constant_signal_has_zero_psd_and_short_signal_is_an_error():
    f, S = spectra.psd(np.full(64, 5.0), 1e-3)
    assert np.all(S == 0)
    assert np.isnan(spectra.peak_frequency(f, S))
    with pytest.raises(ParameterError):
        spectra.psd([1.0], 1e-3)
    with pytest.raises(ParameterError):
        spectra.psd([1.0, np.nan, 2.0], 1e-3)
    with pytest.raises(ParameterError):
        spectra.psd(np.zeros(10))  # dt missing for a plain array


def test_traces_input_equals_array_input():
    rng = np.random.default_rng(2)
    v = rng.normal(size=(500, 2))
    tr = Traces(np.arange(500), np.array([3, 7]), 1e-4, {"v": v}, scale={"v": 1e-3})
    f1, S1 = spectra.psd(tr, column=1)
    f2, S2 = spectra.psd(v[:, 1] * 1e-3, 1e-4)
    np.testing.assert_array_equal(f1, f2)
    np.testing.assert_allclose(S1, S2)


def test_welch_white_noise_level_and_sinusoid_peak():
    rng = np.random.default_rng(3)
    dt, sigma = 1e-3, 1.5
    x = rng.normal(0, sigma, 2**16)
    f, S = spectra.welch_psd(x, dt, nperseg=512)
    # one-sided white-noise density: 2 sigma^2 dt
    assert np.mean(S[1:-1]) == pytest.approx(2 * sigma**2 * dt, rel=0.03)
    assert spectra.band_power(f, S) == pytest.approx(sigma**2, rel=0.03)
    t = dt * np.arange(8192)
    f, S = spectra.welch_psd(np.sin(2 * np.pi * 37.0 * t), dt, nperseg=1024)
    assert abs(spectra.peak_frequency(f, S) - 37.0) <= (f[1] - f[0])
    with pytest.raises(ParameterError):
        spectra.welch_psd(x, dt, nperseg=1)


def test_spike_train_psd_of_regular_train_peaks_at_its_rate():
    period = 0.05  # 20 Hz
    train = np.arange(0.0, 10.0, period) + 0.0005
    f, S = spectra.spike_train_psd([train], 1e-3, 0.0, 10.0)
    assert spectra.peak_frequency(f, S) == pytest.approx(20.0)
    log = SpikeLog(np.round(train / 1e-3).astype(int), np.zeros(train.size, int), 1e-3, 10000, {"p": (0, 1)})
    f2, S2 = spectra.spike_train_psd(log, 1e-3, method="welch", nperseg=1000)
    assert spectra.peak_frequency(f2, S2) == pytest.approx(20.0)
    with pytest.raises(ParameterError):
        spectra.spike_train_psd([train], 1e-3, method="bogus")

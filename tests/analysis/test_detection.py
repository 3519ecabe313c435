"""A13: spike detection in voltage traces with known spike times."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import Traces
from reference.analysis import detection

DT = 1e-4
THETA = -0.02


def _ramps(n, starts, slope=10.0, rest=-0.07, peak=0.03, fall=5e-4):
    """Piecewise-linear trace: linear rise from ``rest`` at each start to ``peak``, then a drop back."""
    t = DT * np.arange(n)
    v = np.full(n, rest)
    for s in starts:
        rise = rest + slope * (t - s)
        top = s + (peak - rest) / slope
        m = (t >= s) & (t <= top)
        v[m] = rise[m]
        d = (t > top) & (t <= top + fall)
        v[d] = rest
    return v


def test_threshold_crossings_are_exact_on_linear_rises():
    starts = [0.01234, 0.05, 0.0777]
    v = _ramps(1200, starts)
    expected = np.array(starts) + (THETA - (-0.07)) / 10.0  # the rise crosses theta here
    np.testing.assert_allclose(detection.detect_spikes(v, DT, THETA), expected, atol=1e-12)
    coarse = detection.detect_spikes(v, DT, THETA, interpolate=False)
    assert np.all((coarse >= expected) & (coarse < expected + DT + 1e-12))


def test_reset_detection_of_integrate_and_fire_trace():
    v = np.linspace(-0.07, -0.056, 100)
    trace = np.concatenate([v, v, v[:50]])  # resets at samples 100 and 200
    t = detection.detect_spikes(trace, DT, method="reset", jump=5e-3, t0=0.5)
    np.testing.assert_allclose(t, 0.5 + DT * np.array([100, 200]))
    with pytest.raises(ParameterError):
        detection.detect_spikes(trace, DT, method="reset")


def test_peak_detection_and_dead_time():
    n = 2000
    t = DT * np.arange(n)
    peaks = [300, 900, 950]
    v = sum(0.1 * np.exp(-0.5 * ((t - p * DT) / (5 * DT)) ** 2) for p in peaks) - 0.07
    np.testing.assert_allclose(detection.detect_spikes(v, DT, 0.0, method="peak"), DT * np.array(peaks))
    kept = detection.detect_spikes(v, DT, 0.0, method="peak", min_interval=0.01)
    np.testing.assert_allclose(kept, DT * np.array([300, 900]))
    cross = detection.detect_spikes(v, DT, 0.0, min_interval=0.01)
    assert cross.size == 2


def test_traces_and_2d_input_give_spikelog():
    v0 = _ramps(1000, [0.02, 0.06])
    v1 = _ramps(1000, [0.04])
    tr = Traces(np.arange(1000) + 500, np.array([7, 9]), DT, {"v": np.column_stack([v0, v1]) * 1e3},
                scale={"v": 1e-3})
    log = detection.detect_spikes(tr, threshold=THETA)
    cross = (THETA + 0.07) / 10.0
    np.testing.assert_allclose(log.times, [0.05 + 0.02 + cross, 0.05 + 0.04 + cross, 0.05 + 0.06 + cross],
                               atol=1e-12)
    np.testing.assert_array_equal(log.ids, [7, 9, 7])
    trains = detection.detect_spikes(np.column_stack([v0, v1]), DT, THETA).trains()
    assert [t.size for t in trains] == [2, 1]


def test_degenerate_and_bad_traces():
    assert detection.detect_spikes(np.full(100, -0.07), DT, THETA).size == 0
    assert detection.detect_spikes(np.array([]), DT, THETA).size == 0
    assert detection.detect_spikes(np.array([0.0]), DT, THETA).size == 0
    with pytest.raises(ParameterError):
        detection.detect_spikes(np.array([0.0, np.nan]), DT, THETA)
    with pytest.raises(ParameterError):
        detection.detect_spikes(np.zeros(10), None, THETA)
    with pytest.raises(ParameterError):
        detection.detect_spikes(np.zeros(10), DT, THETA, method="wavelet")
    tr = Traces(np.arange(3), np.array([0]), DT, {"u": np.zeros((3, 1))})
    with pytest.raises(ParameterError):
        detection.detect_spikes(tr, threshold=0.0)  # no 'v' recorded

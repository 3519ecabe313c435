"""A6: spike phase against the survey formula, Hilbert phase of a cosine, vector strength."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from reference.analysis import phase


def _circ_diff(a, b):
    return np.angle(np.exp(1j * (np.asarray(a) - np.asarray(b))))


def test_spike_phase_matches_formula():
    ref = [0.0, 1.0, 3.0]
    ph = phase.spike_phase([-1.0, 0.25, 1.5, 2.0, 3.0], ref)
    np.testing.assert_allclose(ph[1:4], [np.pi / 2, np.pi / 2, np.pi])
    assert np.isnan(ph[0]) and np.isnan(ph[4])  # outside a complete cycle
    with pytest.raises(ParameterError):
        phase.spike_phase([0.5], [0.0])
    with pytest.raises(ParameterError):
        phase.spike_phase([0.5], [0.0, 1.0, 1.0])
    with pytest.raises(ParameterError):
        phase.spike_phase([0.5, 0.2], [0.0, 1.0])  # unsorted spikes
    assert phase.spike_phase([], ref).size == 0


def test_hilbert_phase_of_cosine_is_zero_at_peaks_and_spikes_at_quarter_cycle():
    dt, f0 = 1e-4, 10.0
    t = dt * np.arange(20000)
    x = 3.0 + np.cos(2 * np.pi * f0 * t)
    ph = phase.signal_phase(x, dt)
    mid = slice(2000, 18000)  # away from the edges of the Hilbert transform
    np.testing.assert_allclose(_circ_diff(ph[mid], 2 * np.pi * f0 * t[mid]), 0.0, atol=1e-3)
    spikes = np.arange(0.5, 1.5, 0.1) + 0.025  # a quarter period after each peak
    sp = phase.spike_phase_from_signal(spikes, x, dt)
    np.testing.assert_allclose(_circ_diff(sp, np.pi / 2), 0.0, atol=1e-3)
    band = phase.signal_phase(x, dt, band=(5.0, 20.0))
    core = slice(6000, 14000)  # the zero-phase band-pass has longer edge transients
    np.testing.assert_allclose(_circ_diff(band[core], 2 * np.pi * f0 * t[core]), 0.0, atol=2e-2)
    with pytest.raises(ParameterError):
        phase.signal_phase(np.ones(100), dt)  # zero variance: no phase
    with pytest.raises(ParameterError):
        phase.signal_phase(x, dt, band=(20.0, 5.0))


def test_vector_strength_and_locking():
    assert phase.vector_strength(np.full(7, 1.3)) == pytest.approx(1.0)
    assert phase.preferred_phase(np.full(7, 1.3)) == pytest.approx(1.3)
    assert phase.vector_strength(np.linspace(0, 2 * np.pi, 16, endpoint=False)) == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(phase.vector_strength([]))
    assert np.isnan(phase.preferred_phase([np.nan]))
    vs, pref = phase.phase_locking(np.arange(50) * 0.025 + 0.025 / 4, 40.0)
    assert vs == pytest.approx(1.0) and pref == pytest.approx(np.pi / 2)
    with pytest.raises(ParameterError):
        phase.phase_locking([0.1], 0.0)

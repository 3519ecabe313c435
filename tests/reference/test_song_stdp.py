"""P1: Song, Miller & Abbott (2000) — additive STDP on 1,000 Poisson inputs makes the weights bimodal.

A shortened run of ``scenarios/song_stdp.py`` (same neuron, inputs and CUBA mapping; see
its docstring) on the float reference simulator. To fit the test budget it uses
A+ = 0.015 w_max (3x Song's 0.005; the learning speed grows with A+, the peaks at the
bounds broaden) for 400 s of simulated time, from a unimodal *high-rate* start (weights
N(0.75, 0.1) w_max: ~85 Hz output with the weights frozen).

Bimodal here means: a substantial fraction of the weights within 0.1 w_max of *each*
bound, the two end bins of a 10-bin histogram each larger than every interior bin, and
Sarle's BC > 5/9. BC alone is not enough: a unimodal pile at one bound (the balanced
control) also has BC > 5/9, because of its skew.

Controls, so the test can fail: balanced STDP (A- = -A+) drives every weight up (the
causal pairs are then an uncompensated net potentiation) and the output rate runs away
— one mode at w_max, nothing at 0; frozen weights (STDP off) stay where they started.
Rate normalisation (Song Fig. 2c): with STDP the output rate falls from the high-rate
start to ~10-15 Hz, far below the frozen-weight rate and the balanced rate.
"""

import time

import numpy as np
import pytest

from neuromorph.app.scenarios import load

song = load("song_stdp")

A_REL = 0.015
DURATION = 400.0
SEED = 0


@pytest.fixture(scope="module")
def runs():
    w0 = song.initial_weights(SEED, mean=0.75, sd=0.1)
    t0 = time.perf_counter()
    out = {
        "stdp": song.run_song(DURATION, seed=SEED, a_rel=A_REL, w0_rel=w0),
        "balanced": song.run_song(200.0, seed=SEED, a_rel=A_REL, ratio=1.0, w0_rel=w0),
        "frozen": song.run_song(20.0, seed=SEED, plastic=False, w0_rel=w0),
    }
    out["wall_s"] = time.perf_counter() - t0
    return out


def end_bins_dominate(w) -> bool:
    """Both end bins of a 10-bin histogram on [0, 1] hold more weights than any interior bin."""
    h = np.histogram(w, bins=10, range=(0.0, 1.0))[0]
    return bool(min(h[0], h[-1]) > h[1:-1].max())


def is_bimodal(w) -> bool:
    s = song.weight_stats(w, 1.0)
    return s["frac_low"] > 0.10 and s["frac_high"] > 0.10 and s["bc"] > 5 / 9 and end_bins_dominate(w)


def test_start_is_unimodal(runs):
    w = runs["stdp"]["w"][0]
    s = song.weight_stats(w, 1.0)
    assert s["bc"] < 0.45 and s["frac_low"] == 0.0 and not is_bimodal(w)


def test_stdp_makes_weights_bimodal(runs):
    w = runs["stdp"]["w"][-1]
    s = song.weight_stats(w, 1.0)
    print({k: round(v, 3) for k, v in s.items()}, np.histogram(w, bins=10, range=(0, 1))[0].tolist(),
          f"wall {runs['wall_s']:.1f} s")
    # measured (seed 0): 10-20 % near 0, 20-25 % near w_max, BC ~0.69
    assert s["frac_low"] > 0.10 and s["frac_high"] > 0.10
    assert s["frac_bounds"] > 0.30
    assert s["bc"] > 5 / 9
    assert end_bins_dominate(w)
    # the middle empties: fewer than half the weights left in (0.2, 0.8) w_max (all of them at the start)
    assert np.mean((w > 0.2) & (w < 0.8)) < 0.5 < np.mean((runs["stdp"]["w"][0] > 0.2) & (runs["stdp"]["w"][0] < 0.8))


def test_balanced_stdp_is_not_bimodal(runs):
    w = runs["balanced"]["w"][-1]
    s = song.weight_stats(w, 1.0)
    assert s["frac_low"] < 0.02 and not end_bins_dominate(w) and not is_bimodal(w)
    assert s["mean"] > runs["balanced"]["w"][0].mean() + 0.05  # all potentiated


def test_frozen_weights_stay_unimodal(runs):
    w0, w = runs["frozen"]["w"][0], runs["frozen"]["w"][-1]
    np.testing.assert_array_equal(w, w0)
    assert not is_bimodal(w) and song.bimodality_coefficient(w) < 5 / 9


def test_stdp_normalises_the_output_rate(runs):
    stdp_late = float(np.mean(runs["stdp"]["rate_out"][-1:]))   # last 100 s
    stdp_first = float(runs["stdp"]["rate_out"][0])
    frozen = float(runs["frozen"]["rate_out"][0])
    balanced_late = float(runs["balanced"]["rate_out"][-1])
    print(f"rates: frozen {frozen:.1f} Hz, STDP first 100 s {stdp_first:.1f} Hz, last 100 s {stdp_late:.1f} Hz, "
          f"balanced last 100 s {balanced_late:.1f} Hz")
    assert frozen > 50.0                      # the start is a high-rate state
    assert stdp_late < 0.5 * frozen           # STDP pulls the rate down ...
    assert 3.0 < stdp_late < 30.0             # ... to a moderate rate
    assert stdp_late < 0.5 * balanced_late    # balanced STDP has no such normalisation

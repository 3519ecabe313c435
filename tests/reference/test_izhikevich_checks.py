"""The defining-property checks of Izhikevich's behaviours, tested on the float reference first.

Every check passes on its own preset's reference run, and fails on a contrasting preset
(or on its own protocol with contrasting parameters / a shifted pulse), so each check can
fail. The helpers (bursts, pulses, damped oscillation) are tested on hand-made inputs.
"""

import dataclasses
from functools import lru_cache

import numpy as np
import pytest

from reference.izhikevich_checks import (CHECKS, Response, bursts, check, damped_oscillation, pulses,
                                         response_from_reference, turning_points)
from reference.izhikevich_presets import PRESETS, _pulses, simulate_preset


@lru_cache(maxsize=None)
def ref(name):
    return response_from_reference(simulate_preset(name))


def run(preset):
    return response_from_reference(simulate_preset(preset))


def variant(name, **kw):
    return dataclasses.replace(PRESETS[name], **kw)


def test_one_check_per_preset():
    assert set(CHECKS) == set(PRESETS)


@pytest.mark.parametrize("name", list(PRESETS))
def test_check_passes_on_its_own_reference(name):
    res = check(name, ref(name))
    assert res.passed, res.reason


CONTRASTS = {
    "tonic_spiking": ["phasic_spiking", "tonic_bursting"],
    "phasic_spiking": ["tonic_spiking", "phasic_bursting"],
    "tonic_bursting": ["phasic_bursting", "tonic_spiking"],
    "phasic_bursting": ["tonic_bursting", "phasic_spiking"],
    "mixed_mode": ["tonic_bursting", "tonic_spiking"],
    "spike_frequency_adaptation": ["FS", "class2_excitable"],
    "class1_excitable": ["class2_excitable"],
    "class2_excitable": ["class1_excitable"],
    "spike_latency": ["DAP"],
    "subthreshold_oscillations": ["spike_latency", "integrator"],
    "resonator": ["integrator"],
    "integrator": ["resonator"],
    "rebound_spike": ["rebound_burst"],
    "rebound_burst": ["rebound_spike"],
    "DAP": ["spike_latency", "rebound_spike"],
    "inhibition_induced_spiking": ["inhibition_induced_bursting"],
    "inhibition_induced_bursting": ["inhibition_induced_spiking"],
    "RS": ["FS", "CH"],
    "IB": ["RS", "CH"],
    "CH": ["IB", "RS"],
    "FS": ["RS", "LTS"],
    "TC": ["TC_burst"],
    "TC_burst": ["TC"],
    "LTS": ["RS", "FS"],
}


@pytest.mark.parametrize("name,other", [(n, o) for n, os in CONTRASTS.items() for o in os])
def test_check_fails_on_contrasting_preset(name, other):
    res = check(name, ref(other))
    assert not res.passed, res.reason


def _variants():
    P = PRESETS
    return {
        # the resonator's pulse pairs given to an integrator: it fires to neither (too weak)
        "resonator": variant("resonator", params=P["integrator"].params),
        # the integrator's pairs given to a resonator: it answers the closest pair too
        "integrator": variant("integrator", params=P["resonator"].params),
        # an RS neuron does not rebound: the pulse after inhibition fails as well
        "threshold_variability": variant("threshold_variability", params=P["tonic_spiking"].params),
        # the switch-off pulse 2 ms earlier hits the wrong phase: firing goes on
        "bistability": variant("bistability", protocol=_pulses([(37.5, 42.5), (214, 219)], 1.24, 0.24)),
        # without the accommodation rule the slow ramp fires the neuron
        "accommodation": variant("accommodation", params=P["accommodation"].params.replace(u_rule="standard")),
        # an RS neuron relaxes without ringing
        "RZ": variant("RZ", params=P["RS"].params),
    }


@pytest.mark.parametrize("name", ["resonator", "integrator", "threshold_variability", "bistability",
                                  "accommodation", "RZ"])
def test_check_fails_on_its_protocol_with_contrasting_neuron(name):
    res = check(name, run(_variants()[name]))
    assert not res.passed, res.reason


def test_every_check_has_a_contrast():
    assert set(CONTRASTS) | set(_variants()) == set(CHECKS)


def test_bursts_rule():
    # three spikes 2 ms apart: a burst; two: not; 15 spikes 9 ms apart (120 ms): sustained fast spiking
    assert [b.tolist() for b in bursts([10, 12, 14, 50, 52])] == [[10, 12, 14]]
    assert bursts(np.arange(15) * 9.0) == []
    assert bursts([10, 12, 30, 32]) == []


def test_pulses_and_turning_points():
    t = np.arange(0, 10, 0.5)
    I = np.where((t > 2) & (t < 4), 1.0, np.where((t > 6) & (t < 7), -1.0, 0.0))
    assert pulses(Response(t, I, np.array([]))) == [(2.5, 4.0, 1.0), (6.5, 7.0, -1.0)]
    tt = np.linspace(0, 300, 6001)
    v = -60 + np.exp(-tt / 30) * np.cos(2 * np.pi * tt / 25)
    tp = turning_points(tt, v)
    assert len(tp) >= 6 and abs(tp[0][0] - 12.5) < 1.0
    assert damped_oscillation(tt, v)[0]
    assert not damped_oscillation(tt, -60 + np.exp(-tt / 30))[0]                    # monotone relaxation
    assert not damped_oscillation(tt, -60 + np.cos(2 * np.pi * tt / 25) * (1 + tt / 100))[0]  # growing
    # a 0.01 mV rounding staircase is no oscillation
    assert turning_points(tt, -60 + 0.01 * (np.arange(tt.size) % 2)) == []


def test_check_unknown_name_and_unevaluable_train():
    with pytest.raises(Exception, match="one of"):
        check("nope", ref("RS"))
    empty = Response(ref("RS").t, ref("RS").I, np.array([]), ref("RS").v)
    for name in CHECKS:
        assert not check(name, empty).passed, name

"""Hardware spec: presets follow Loihi's published limits; bad fields are named."""

import pytest

from neuromorph.errors import ParameterError
from neuromorph.hardware import LOIHI, CoreSpec, preset


def test_loihi_preset_limits():
    c = LOIHI.core
    assert LOIHI.n_cores == 128
    assert (c.max_neurons, c.max_fan_in_axons, c.max_fan_out_axons) == (1024, 4096, 4096)
    assert c.synapse_memory_bits == 128 * 1024 * 8
    assert (c.u_bits, c.v_bits, c.decay_bits, c.vth_bits, c.bias_mant_bits, c.bias_exp_bits) == (24, 24, 12, 17, 13, 3)
    assert c.v_max == 2**23 - 1 and c.vth_max == 131071 and c.bias_mant_range == (-4096, 4095)
    assert c.delay_slots == 64 and c.bits_per_synapse == 24 and c.max_synapses == 43690


def test_bad_core_field_is_named():
    with pytest.raises(ParameterError, match="u_bits"):
        CoreSpec(u_bits=3)
    with pytest.raises(ParameterError, match="preset"):
        preset("truenorth")


def test_with_core_changes_one_field():
    chip = LOIHI.with_core(acc_bits=19)
    assert chip.core.acc_bits == 19 and chip.core.u_bits == 24 and LOIHI.core.acc_bits == 16

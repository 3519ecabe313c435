"""The chip-vs-float error bounds of docs/error-bounds.md, checked step by step.

Shared by tests/test_accuracy_bounds.py (random networks, loihi and other presets) and
tests/reference/test_network_sim.py (the hardware-ordered twin on a non-loihi chip).
"""

from __future__ import annotations

import numpy as np

from neuromorph.hardware import LOIHI, CoreSpec
from neuromorph.network import LIFRegisters, RunResult

NARROW = LOIHI.with_core(decay_bits=10, du_offset=0, input_shift=3, vth_shift=4)
"""A non-loihi chip: 10-bit decays (unity 1024), fu = 1024 - du (no offset), input a << 3, threshold vth << 4."""


def check_within_derived_bounds(chip: RunResult, flt: RunResult, regs: list[LIFRegisters], core: CoreSpec) -> int:
    """Assert |u_f - u_c| <= B_u and |v_f - v_c| <= B_v in every step of every probed neuron.

    ``regs[j]`` are the registers of probed column j; ``core`` the chip's widths. A neuron
    is checked until chip and float first disagree on a spike; at that step the quiet side's
    v must lie within B_v of the threshold. Returns the number of neuron-steps whose v was
    checked.
    """
    gids = chip.traces.ids
    assert np.array_equal(gids, flt.traces.ids)
    assert len(regs) == gids.size
    uc, vc = chip.traces.data["u"], chip.traces.data["v"]
    uf, vf = flt.traces.data["u"], flt.traces.data["v"]
    n_steps = uc.shape[0]
    c_ras = chip.spikes.raster()[:, gids]
    f_ras = flt.spikes.raster()[:, gids]
    unity = core.decay_unity
    checked = 0
    for j, r in enumerate(regs):
        au, av = (unity - r.du - core.du_offset) / unity, (unity - r.dv) / unity
        theta = int(r.vth) << core.vth_shift
        Bu = Bv = 0.0
        ref = 0
        for k in range(n_steps):
            eps = 1e-6 * (1 + k)
            Bu = au * Bu + 1
            if ref > 0:
                ref -= 1
            else:
                Bv = av * Bv + Bu + 1
            assert abs(uf[k, j] - uc[k, j]) <= Bu + eps, (j, k, "u")
            cs, fs = bool(c_ras[k, j]), bool(f_ras[k, j])
            if cs != fs:
                # the side that did not spike shows its (unreset) v: the other side's v was within B_v of it,
                # so that v must lie within B_v of the threshold
                v_quiet = vc[k, j] if fs else vf[k, j]
                assert theta - v_quiet <= Bv + eps, (j, k, "spike")
                break                                   # diverged: the bound no longer applies to this neuron
            if cs and fs:
                ref = r.refractory_steps
                if r.reset_mode == "zero":
                    Bv = 0.0
            assert abs(vf[k, j] - vc[k, j]) <= Bv + eps, (j, k, "v")
            checked += 1
    return checked

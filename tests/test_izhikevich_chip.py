"""Izhikevich's behaviours on the integer chip against the float reference (issue 5).

At the default widths (S = 24, F = 12, P = 20, W = 48) all 28 presets keep their defining
property on the chip. With 16 coefficient fraction bits four do not — spike_latency,
rebound_spike, rebound_burst and bistability — because k2 = 0.04 is then realised as
2621/2^16 (relative error -1.7e-4) and these published presets sit within ~1e-6 .. 5e-5
(relative k2) of losing their behaviour in float arithmetic too: the float reference run
with the P = 16 coefficients loses them as well. That is why the default is P = 20
(see docs/validation.md, "Izhikevich on the chip").
"""

from functools import lru_cache

import numpy as np
import pytest

from neuromorph.app.scenarios import load
from reference.izhikevich_checks import check
from reference.izhikevich_presets import PRESETS

ic = load("izhikevich_chip")

# presets whose property is lost at P = 16 (coefficient quantization of k2)
KNIFE_EDGE = ("spike_latency", "rebound_spike", "rebound_burst", "bistability")


@lru_cache(maxsize=None)
def default_rows():
    return {r["name"]: r for r in ic.table(ic.LOIHI)}


@pytest.mark.parametrize("name", ["tonic_spiking", "RS"])
def test_rs_tonic_spiking_gamma(name):
    r = default_rows()[name]
    assert r["gamma"] >= 0.9, r
    assert r["n_chip"] == r["n_ref"]


@pytest.mark.parametrize("name", list(PRESETS))
def test_property_holds_on_chip_at_default_width(name):
    r = default_rows()[name]
    assert r["property_chip"], r["property_reason"]
    assert sum(r["overflows"].values()) == 0


@pytest.mark.parametrize("name", KNIFE_EDGE)
def test_knife_edge_presets_fail_at_16_coefficient_bits_because_of_coefficient_quantization(name):
    # measured: the property is lost on the chip with P = 16 ...
    chip16, _ = ic.run_chip(name, ic.widths(P=16))
    assert not check(name, chip16).passed
    # ... and equally in float arithmetic with the P = 16 realised coefficients:
    # the loss comes from quantizing k2, a dt, b, not from the integer state arithmetic
    assert not check(name, ic.realised_reference(name, 16)).passed
    # ... while the default (P = 20) keeps it
    assert default_rows()[name]["property_chip"]


def test_at_16_coefficient_bits_the_coefficients_dominate_the_error():
    # with P = 16, state rounding at F = 12 changes no spike of most presets beyond what the
    # coefficients do: the chip equals the float reference run with its realised coefficients
    rows = ic.table(ic.widths(P=16))
    same = [r["name"] for r in rows if r["chip_equals_realised_ref"]]
    assert len(same) >= 18, same


def test_smallest_width_is_visibly_worse():
    sweep = load("izhikevich_precision_sweep")
    res = sweep.sweep(F_values=(2, ic.LOIHI.core.izh_frac_bits), P_values=())
    lo, hi = res["F"][2]["summary"], res["F"][ic.LOIHI.core.izh_frac_bits]["summary"]
    assert lo["n_pass"] <= hi["n_pass"] - 10, (lo, hi)
    assert lo["mean_1_minus_gamma"] >= hi["mean_1_minus_gamma"] + 0.3, (lo, hi)
    assert lo["abs_count_error"] > 3 * hi["abs_count_error"], (lo, hi)


def test_chip_scenario_writes_table_and_figure(tmp_path):
    res = ic.main(tmp_path)
    assert res["n"] == len(PRESETS) and res["n_pass"] == len(PRESETS)
    assert (tmp_path / "izhikevich_chip.png").stat().st_size > 20000
    assert (tmp_path / "izhikevich_chip.json").exists()
    rows = {r["name"]: r for r in res["rows"]}
    assert np.isclose(rows["tonic_spiking"]["gamma"], default_rows()["tonic_spiking"]["gamma"])

"""Izhikevich's behaviours on the integer chip against the float reference (issue 5).

At the default widths (S = 24, F = 12, P = 16, W = 48) 24 of the 28 presets keep their
defining property on the chip. Four do not — spike_latency, rebound_spike, rebound_burst
and bistability — and the tests below assert that, together with the evidence for why:
the float reference itself loses the property when run with the chip's quantized
coefficients (k2 = 0.04 realised as 2621/2^16, relative error -1.7e-4), and the chip keeps
it once the coefficients get more fraction bits (P = 20). These four published presets
sit within ~1e-6 .. 5e-5 (relative k2) of losing their behaviour in float arithmetic too
(see docs/validation.md, "Izhikevich on the chip").
"""

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from reference.izhikevich_checks import check
from reference.izhikevich_presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scenarios" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


ic = _load("izhikevich_chip")

# presets whose property is lost at the default P = 16 (coefficient quantization of k2)
KNIFE_EDGE = ("spike_latency", "rebound_spike", "rebound_burst", "bistability")


@lru_cache(maxsize=None)
def default_rows():
    return {r["name"]: r for r in ic.table(ic.LOIHI)}


@pytest.mark.parametrize("name", ["tonic_spiking", "RS"])
def test_rs_tonic_spiking_gamma(name):
    r = default_rows()[name]
    assert r["gamma"] >= 0.9, r
    assert r["n_chip"] == r["n_ref"]


@pytest.mark.parametrize("name", [n for n in PRESETS if n not in KNIFE_EDGE])
def test_property_holds_on_chip_at_default_width(name):
    r = default_rows()[name]
    assert r["property_chip"], r["property_reason"]
    assert sum(r["overflows"].values()) == 0


@pytest.mark.parametrize("name", KNIFE_EDGE)
def test_knife_edge_presets_fail_at_default_width_because_of_coefficient_quantization(name):
    r = default_rows()[name]
    # measured: the property is lost on the chip at the default widths ...
    assert not r["property_chip"], r["property_reason"]
    # ... and equally in float arithmetic with the chip's realised coefficients (P = 16):
    # the loss comes from quantizing k2, a dt, b, not from the integer state arithmetic
    assert not check(name, ic.realised_reference(name, 16)).passed
    # ... and the chip keeps it with 20 coefficient fraction bits
    chip20, _ = ic.run_chip(name, ic.widths(P=20))
    assert check(name, chip20).passed


def test_chip_equals_float_reference_with_realised_coefficients_for_most_presets():
    # state rounding at F = 12 changes no spike of 20 presets beyond what the coefficients do
    same = [n for n, r in default_rows().items() if r["chip_equals_realised_ref"]]
    assert len(same) >= 18, same


def test_smallest_width_is_visibly_worse():
    sweep = _load("izhikevich_precision_sweep")
    res = sweep.sweep(F_values=(2, ic.LOIHI.core.izh_frac_bits), P_values=())
    lo, hi = res["F"][2]["summary"], res["F"][ic.LOIHI.core.izh_frac_bits]["summary"]
    assert lo["n_pass"] <= hi["n_pass"] - 10, (lo, hi)
    assert lo["mean_1_minus_gamma"] >= hi["mean_1_minus_gamma"] + 0.3, (lo, hi)
    assert lo["abs_count_error"] > 3 * hi["abs_count_error"], (lo, hi)


def test_chip_scenario_writes_table_and_figure(tmp_path):
    res = ic.main(tmp_path)
    assert res["n"] == len(PRESETS) and res["n_pass"] == len(PRESETS) - len(KNIFE_EDGE)
    assert (tmp_path / "izhikevich_chip.png").stat().st_size > 20000
    assert (tmp_path / "izhikevich_chip.json").exists()
    rows = {r["name"]: r for r in res["rows"]}
    assert np.isclose(rows["tonic_spiking"]["gamma"], default_rows()["tonic_spiking"]["gamma"])

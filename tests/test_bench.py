"""Smoke test of the benchmark harness (neuromorph/bench.py) on tiny sizes.

No timing is asserted: only that the JSON has its fields, numbers are positive and
consistent (synaptic events counted by the chip = events expected from its spikes and
tables), and that the CUBA network of the comparison is what the docs say.
"""

import json
from pathlib import Path

import numpy as np

from neuromorph import bench, cli


def test_cuba_spec_is_the_documented_network():
    spec = bench.cuba_spec(1000, seed=3)
    n, n_e = spec["n"], spec["n_e"]
    assert (n, n_e) == (1000, 800)
    pre, post, w = spec["pre"], spec["post"], spec["w"]
    assert abs(pre.size / n - 80) < 3                      # in-degree held at 80 (p = 80 / N)
    assert np.unique(pre * n + post).size == pre.size      # no multapses
    assert np.all(w[pre < n_e] == bench.CUBA["w_e"]) and np.all(w[pre >= n_e] == bench.CUBA["w_i"])
    assert np.isclose(bench.CUBA["w_e"], 16.2e-12) and np.isclose(bench.CUBA["w_i"], -180e-12)
    assert spec["v0"].min() >= -60e-3 and spec["v0"].max() < -50e-3


def test_bench_quick_json(tmp_path):
    out = tmp_path / "b"
    R = bench.run_suite(quick=True, out_dir=out, sizes=(300,), steps=400,
                        only=["cuba", "chip1k", "scatter", "stdp"], log=lambda *a: None)
    assert not R["errors"], R["errors"]
    data = json.loads((out / "bench.json").read_text())
    B = data["benchmarks"]
    assert set(B) == {"cuba300", "chip1k", "stdp"}
    for key in ("cuba300", "chip1k"):
        r = B[key]
        for f in ("loop_s", "whole_s", "compile_s", "first_call_s", "steps_per_s", "syn_events_per_s",
                  "neuron_updates_per_s", "bytes_per_synapse", "bytes_per_neuron", "peak_rss_mb"):
            assert r[f] > 0, (key, f, r[f])
        assert r["syn_events"] > 0
        assert r["syn_events"] == r["syn_events_expected"]          # counter == spikes x out-degree
        assert r["neuron_updates"] == r["neurons"] * r["steps"]
        assert np.isclose(r["syn_events_per_s"], r["syn_events"] / r["loop_s"])
        assert r["loop_s"] == min(r["loop_all_s"])
        assert r["bytes_per_synapse"] * r["synapses"] == r["table_bytes"]
        assert r["overflow_total"] == 0
        assert r["fraction_of_bare_scatter_whole_loop"] > 0
    c = B["cuba300"]
    assert c["neurons"] == 300 and c["steps"] == 400 and 0.5 < c["rate_hz"] < 50
    assert B["chip1k"]["neurons"] == 1000 and B["chip1k"]["sources"] == 1000
    st = B["stdp"]
    chip, ref, ag = st["chip"], st["reference"], st["agreement"]
    for f in ("loop_s", "steps_per_s", "syn_events_per_s", "syn_updates_per_s", "first_call_s"):
        assert chip[f] > 0 and ref.get(f, 1) > 0, f
    assert chip["loop_s"] == min(chip["loop_all_s"])
    assert chip["syn_events"] == chip["input_spikes"] > 0                 # one plastic synapse per input
    assert chip["syn_updates"] == chip["syn_updates_expected"] > chip["syn_events"]  # 4a + 4b RMWs
    assert np.isclose(chip["syn_updates_per_s"], chip["syn_updates"] / chip["loop_s"])
    assert chip["overflow_total"] == 0 and chip["post_spikes"] > 0
    assert ag["same_input_spikes"] and ref["syn_events"] == chip["syn_events"]
    assert abs(ag["post_rate_rel_error"]) < 0.3 and ag["weight_ks"] < 0.2
    assert np.isclose(ag["speedup_chip_vs_reference"], ref["loop_s"] / chip["loop_s"])
    assert set(st["chip_other_headrooms"]) == {"4"}
    s = data["scatter"]["cuba300"]
    # as many events as the chip delivered, up to the row-length rounding of the random rows
    assert abs(s["events"] - c["syn_events"]) <= 0.02 * c["syn_events"] + 2 * s["row_len"]
    assert s["ring_size"] == c["ring_slots"] * 300 and s["table_synapses"] == c["synapses"]
    assert s["events_per_s"] == max(s["events_per_s_no_prefetch"], s["events_per_s_prefetch"])
    table = bench.format_table(data)
    assert "cuba300" in table and "chip1k" in table and "not available on the chip" not in table
    assert "Song et al. 2000" in table and "chip/reference loop" in table


def test_cli_has_bench(monkeypatch, tmp_path):
    ap = cli.build_parser()
    args = ap.parse_args(["bench", "--quick", "--out", str(tmp_path), "--json", "--only", "latency"])
    assert args.quick and args.json and args.func is cli.cmd_bench and not args.compare
    assert Path(args.out) == tmp_path

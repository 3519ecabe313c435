"""The benchmark harness (neuromorph/app/bench.py): counts and bytes of a hand-computed
network, then a smoke test on tiny sizes.

No timing is asserted. The counts, bytes and the CUBA network are checked against values
worked out by hand; the smoke test checks that the JSON has its fields and that the chip's
synaptic-event counter equals the events expected from its spikes and tables.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from neuromorph.app import bench, cli


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


def test_measure_chip_counts_and_bytes_of_a_hand_computed_network():
    """2 sources firing every 10 steps from step 0 (steps 0, 10, ..., 90: 10 spikes each) drive
    3 register-level LIF neurons all to all (6 synapses, weight mantissa 1, near-total decay,
    threshold 1000 << 6: they never fire), 100 steps on one core."""
    from neuromorph.compiler import compile_network
    from neuromorph.network import LIFRegisters, Network, RegularSpikes

    net = Network(dt=1e-4, name="tiny")
    net.add_source("in", 2, RegularSpikes(period=1e-3))
    net.add_population("out", 3, LIFRegisters(du=4095, dv=4095, vth=1000))
    net.connect_registers("in", "out", weight_mant=1, pre_idx=[0, 0, 0, 1, 1, 1], post_idx=[0, 1, 2, 0, 1, 2])
    r = bench.measure_chip(compile_network(net), {}, steps=100, repeats=1)
    assert (r["neurons"], r["sources"], r["synapses"], r["cores"], r["steps"]) == (3, 2, 6, 1, 100)
    assert r["spikes"] == 20 and r["rate_hz"] == 0.0               # 2 x 10 source spikes, no neuron spike
    assert r["syn_events"] == 60 and r["syn_events_expected"] == 60  # 20 spikes x 3 targets
    assert r["neuron_updates"] == 300                               # 3 neurons x 100 steps
    assert r["overflows"] == dict(u_wrap=0, v_sat=0, acc_sat=0, u_sat=0, prod_sat=0, trace_sat=0)
    assert r["overflow_total"] == 0
    # tables: payload 6 synapses x (uint32 target + 1-byte weight + uint8 delay) = 36 B;
    # index: axon_ptr 6 x int64 = 48, seg_ptr 3 x int32 = 12, seg_proj and seg_core 2 x uint16 = 4 + 4
    # (one segment per source: one projection, one core), one PROJ record (tables.PROJ) of 6 x int64 = 48
    assert r["synapse_payload_bytes"] == 36 and r["n_segments"] == 2
    assert r["index_bytes"] == 116 and r["table_bytes"] == 152
    assert r["bytes_per_synapse"] == pytest.approx(152 / 6)
    assert r["hardware_bits_per_synapse"] == 24                     # Loihi: 8 weight + 6 delay + 10 index bits


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
        assert r["overflow_total"] == 0 and "trace_sat" in r["overflows"]
        assert r["fraction_of_bare_scatter_whole_loop"] > 0
    c = B["cuba300"]
    assert c["neurons"] == 300 and c["steps"] == 400 and 0.5 < c["rate_hz"] < 50
    assert c["neuron_updates"] == 120_000                               # 300 neurons x 400 steps
    assert B["chip1k"]["neurons"] == 1000 and B["chip1k"]["sources"] == 1000
    assert B["chip1k"]["neuron_updates"] == 400_000                     # 1,000 neurons x min(1000, 400) steps
    st = B["stdp"]
    chip, ref, ag = st["chip"], st["reference"], st["agreement"]
    for f in ("loop_s", "steps_per_s", "syn_events_per_s", "syn_updates_per_s", "first_call_s"):
        assert chip[f] > 0 and ref.get(f, 1) > 0, f
    assert st["steps"] == 2000 and chip["syn_events"] == chip["input_spikes"] > 0  # 0.2 s / 0.1 ms; 1 synapse per input
    # 4a + 4b read-modify-writes: one per input spike, 1,000 per post spike
    assert chip["syn_updates"] == chip["input_spikes"] + 1000 * chip["post_spikes"] > chip["syn_events"]
    assert chip["overflow_total"] == 0 and chip["post_spikes"] > 0 and "trace_sat" in chip["overflows"]
    assert ag["same_input_spikes"] and ref["syn_events"] == chip["syn_events"]
    assert abs(ag["post_rate_rel_error"]) < 0.3 and ag["weight_ks"] < 0.2
    assert set(st["chip_other_headrooms"]) == {"4"}
    s = data["scatter"]["cuba300"]
    # as many events as the chip delivered, up to the row-length rounding of the random rows
    assert abs(s["events"] - c["syn_events"]) <= 0.02 * c["syn_events"] + 2 * s["row_len"]
    assert s["table_synapses"] == c["synapses"]
    # the route replay delivers exactly the run's events; every phase and the floor are measured
    assert s["route_replay"]["events"] == c["syn_events"]
    for f in ("phase_loop_s", "integrate_s", "route_s", "bare_integrate_s", "floor_scatter_s"):
        assert c[f] > 0, f
    assert c["floor_s"] == c["bare_integrate_s"] + c["floor_scatter_s"]
    assert c["loop_over_floor"] == c["phase_loop_s"] / c["floor_s"]
    table = bench.format_table(data)
    assert "cuba300" in table and "chip1k" in table and "not available on the chip" not in table
    assert "floor[cuba300]: loop" in table
    assert "Song et al. 2000" in table and "chip/reference loop" in table


def test_cli_has_bench(monkeypatch, tmp_path):
    ap = cli.build_parser()
    args = ap.parse_args(["bench", "--quick", "--out", str(tmp_path), "--json", "--only", "latency"])
    assert args.quick and args.json and args.func is cli.cmd_bench and not args.compare
    assert Path(args.out) == tmp_path

"""The cost model (docs/hardware-model.md §9): hand-computed counts, times and energies, price
tables as data, and the behaviour known from hardware (activity, barrier, synapse-dominated
energy). The kernel's per-step counts are checked against the oracle on random networks in
test_kernels_vs_oracle.py."""

import dataclasses
import json

import numpy as np
import pytest

from neuromorph.compiler import compile_network
from neuromorph.errors import ParameterError
from neuromorph.hardware import LOIHI, LOIHI2_COUNTS, LOIHI_TABLE2, SANAFE_LOIHI, ChipSpec, CoreSpec, Mesh, Price, \
    PriceTable, price_table
from neuromorph.network import LIFRegisters, Network, PoissonSpikes, SpikeTimes
from neuromorph.simulator import Simulator

# latencies and energies chosen so every term of a sum is visible in the total
TABLE = PriceTable(
    name="test", source="hand", neuron_access=Price(1, 1), neuron_update=Price(2, 10), spike_out=Price(4, 100),
    message_out=Price(8, 1000), message_in=Price(16, 10000), syn_op=Price(32, 100000), hop_x=Price(64, 2),
    hop_y=Price(128, 3), chip_hop=Price(256, 7), syn_update=Price(512, 0), barrier_ns=((1, 100.0), (4, 400.0)))

# four 1-core tiles in a row over two chips: x = 0, 1 | 2, 3
ROW = ChipSpec(name="row", n_cores=4, core=CoreSpec(max_neurons=1), mesh=Mesh(1, 2, 1, 2, 1), prices=TABLE)
QUIET = dict(du=4095, dv=4095, vth=1, bias_mant=0, bias_exp=0)      # u = input only, v forgets, threshold 64


def fan_out_net():
    """A source spike at step 0 makes neuron a (core 0) fire at step 1; a's spike reaches b0,
    b1, b2 (cores 1, 2, 3), too weakly to fire them."""
    net = Network(dt=1e-3)
    net.add_source("s", 1, SpikeTimes(np.array([0]), np.array([0])))
    net.add_population("a", 1, LIFRegisters(**QUIET))
    net.add_population("b", 3, LIFRegisters(**QUIET))
    net.connect_registers("s", "a", weight_mant=np.array([100]), delay_steps=np.array([0]), matrix=np.ones((1, 1)),
                          weight_exp=0, sign_mode="excitatory", num_weight_bits=8)
    net.connect_registers("a", "b", weight_mant=np.ones(3, np.int64), delay_steps=np.zeros(3, np.int64),
                          matrix=np.ones((3, 1)), weight_exp=0, sign_mode="excitatory", num_weight_bits=8)
    return net


def test_hand_computed_counts_times_and_energies():
    sim = Simulator(compile_network(fan_out_net(), ROW), strict=True).run(5)
    assert list(zip(sim.spikes.steps.tolist(), sim.spikes.ids.tolist())) == [(0, 0), (1, 1)]
    c = sim.cost_counts          # columns: neurons, active, spikes, syn, msg_out, msg_in, hops_x, hops_y, chip, learn
    host = c[:, 4]
    assert host[0].tolist() == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0] and not host[1:].any()
    assert c[0, 0].tolist() == [1, 0, 0, 1, 0, 1, 0, 0, 0, 0]            # core 0 receives the source's message
    # step 1: a fires; one message to each of cores 1, 2, 3: 1 x hop; 1 x hop + 1 chip hop; 2 x hops + 1 chip hop
    assert c[1, 0].tolist() == [1, 1, 1, 0, 3, 0, 4, 0, 2, 0]
    assert [c[1, k].tolist() for k in (1, 2, 3)] == [[1, 0, 0, 1, 0, 1, 0, 0, 0, 0]] * 3
    # active: a (u != 0) and b (input) in step 2, b (u != 0) in step 3, nobody in step 4
    assert c[:, :4, 1].tolist() == [[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1], [0, 1, 1, 1], [0, 0, 0, 0]]
    r = sim.cost()
    assert r.tiles_in_use == 4 and r.barrier_ns.tolist() == [400.0] * 5
    # step 1's network: the x=0 -> 1 link carries 3 messages; the longest route 0 -> 3 is 2 + 7 + 2 ns
    assert r.busiest_link.tolist() == [0, 3, 0, 0, 0] and r.longest_route_ns.tolist() == [0, 11, 0, 0, 0]
    assert r.network_ns.tolist() == [0, 11 + 2 * 3, 0, 0, 0]
    # step 0: core 0's dendrite 10000 + 100000; step 1: cores 1-3 likewise (core 0's soma: 1 + 10 + 100 + 3000)
    assert r.soma_ns[1].tolist() == [3111, 1, 1, 1]
    assert r.time_ns.tolist() == [110400, 110000 + 17 + 400, 11 + 400, 11 + 400, 1 + 400]
    assert r.energy_pJ.tolist() == [4 + 16 + 32, 4 + 2 + 4 + 24 + 48 + 96 + 4 * 64 + 2 * 256, 4 + 8, 4 + 6, 4]
    assert r.network_energy_pJ.tolist() == [0, 4 * 64 + 2 * 256, 0, 0, 0]
    assert r.energy_by_op_pJ["chip_hop"] == 512 and r.energy_by_op_pJ["message_in"] == 4 * 16
    assert sim.result().cost.energy_pJ.tolist() == r.energy_pJ.tolist()      # RunResult carries it
    simple = sim.cost(timing="simple")
    assert simple.time_ns[1] == 110000 + 400
    s = r.summary()
    assert s["syn_events"] == 4 and s["messages"] == 4 and s["slowest_core"] == 0
    assert s["energy_pJ_per_syn_event"] == pytest.approx(r.energy_pJ.sum() / 4)


def test_any_table_applies_after_the_run():
    sim = Simulator(compile_network(fan_out_net(), ROW), strict=True).run(5)
    t2 = sim.cost(prices="loihi-table2")
    assert t2.energy_pJ[0] == pytest.approx(4 * 52.0 + 23.6)          # access x 4, one synaptic op, message_in free
    assert t2.time_ns[4] == pytest.approx(5.3 + (113 + (4 - 1) * (465 - 113) / 31))
    counts_only = sim.cost(prices=LOIHI2_COUNTS)
    assert counts_only.time_ns is None and counts_only.energy_pJ is None
    assert "time_ns_mean" not in counts_only.summary() and counts_only.summary()["spikes"] == 2


def test_price_tables_are_data(tmp_path):
    d = SANAFE_LOIHI.to_dict()
    assert PriceTable.from_dict(d) == SANAFE_LOIHI
    (tmp_path / "t.json").write_text(json.dumps(d))
    assert price_table(tmp_path / "t.json") == SANAFE_LOIHI
    (tmp_path / "t.toml").write_text('name = "mine"\nsource = "a datasheet"\nsyn_op = { pJ = 10.0, ns = 2.0 }\n'
                                     'barrier_ns = [[1, 50.0]]\n')
    t = PriceTable.load(tmp_path / "t.toml")
    assert t.syn_op == Price(10.0, 2.0) and t.neuron_access == Price() and t.barrier(3) == 50.0
    with pytest.raises(ParameterError, match="syn_opp"):
        PriceTable.from_dict({"syn_opp": {"pJ": 1}})
    with pytest.raises(ParameterError, match="syn_op.pJ"):
        PriceTable(name="x", source="y", syn_op=Price(-1.0, 1.0))
    with pytest.raises(ParameterError, match="barrier_ns"):
        PriceTable(name="x", source="y", barrier_ns=((4, 1.0), (2, 2.0)))
    with pytest.raises(ParameterError, match="prices"):
        price_table("nosuch")
    assert SANAFE_LOIHI.barrier([1, 2, 3, 4, 28, 29, 100]).tolist() == [600, 1000, 1000, 1400, 1400, 1800, 1800]
    assert LOIHI_TABLE2.barrier([1, 32]).tolist() == [113, 465]


def test_chip_round_trips_with_mesh_and_prices():
    chip = dataclasses.replace(ROW, prices=SANAFE_LOIHI)
    assert ChipSpec.from_dict(dataclasses.asdict(chip)) == chip
    with pytest.raises(ParameterError, match="mesh"):
        ChipSpec(n_cores=200, mesh=Mesh())
    assert LOIHI.mesh.n_cores == 128 and ChipSpec(n_cores=10).mesh.n_cores >= 10


def driven(rate: float, n_src: int = 20, n: int = 40, seed: int = 1):
    net = Network(dt=1e-3)
    net.add_source("in", n_src, PoissonSpikes(rate=rate, seed=seed))
    net.add_population("p", n, LIFRegisters(du=3000, dv=400, vth=40, bias_mant=0, bias_exp=0))
    rng = np.random.default_rng(seed)
    m = (rng.random((n, n_src)) < 0.5).astype(int)
    net.connect_registers("in", "p", weight_mant=np.full(int(m.sum()), 120), delay_steps=np.zeros(int(m.sum()), int),
                          matrix=m, weight_exp=2, sign_mode="excitatory", num_weight_bits=8)
    r = (rng.random((n, n)) < 0.2).astype(int)
    net.connect_registers("p", "p", weight_mant=np.full(int(r.sum()), 30), delay_steps=np.zeros(int(r.sum()), int),
                          matrix=r, weight_exp=0, sign_mode="excitatory", num_weight_bits=8)
    return net


def test_more_activity_costs_more_time_and_energy():
    chip = LOIHI.with_core(max_neurons=10)
    out = []
    for rate in (5.0, 50.0, 400.0):
        sim = Simulator(compile_network(driven(rate), chip), strict=False).run(300)
        s = sim.cost().summary()
        out.append((s["spikes"], s["time_ns_mean"], s["energy_pJ_per_step"]))
    assert out[0][0] < out[1][0] < out[2][0]
    assert out[0][1] < out[1][1] < out[2][1] and out[0][2] < out[1][2] < out[2][2]


def test_barrier_grows_with_tiles_in_use():
    times = []
    for per_core in (40, 10, 2):            # 1, 4 and 20 cores: 1, 1 and 5 tiles
        sim = Simulator(compile_network(driven(0.0), LOIHI.with_core(max_neurons=per_core)), strict=False).run(20)
        r = sim.cost()
        times.append((r.tiles_in_use, r.barrier_ns[0]))
    assert [t for t, _ in times] == [1, 1, 5]
    assert times[0][1] == times[1][1] < times[2][1]


def test_synapse_dominated_energy_per_event_approaches_the_synaptic_op():
    """10 sources firing every step into 2,000 neurons: per synaptic event, the energy tends to
    syn_op plus the neuron costs spread over 10 events per neuron."""
    net = Network(dt=1e-3)
    net.add_source("in", 10, PoissonSpikes(rate=1000.0, seed=3))        # p = 1: every step
    net.add_population("p", 2000, LIFRegisters(du=0, dv=0, vth=131071, bias_mant=0, bias_exp=0))
    net.connect_registers("in", "p", weight_mant=np.ones(20000, int), delay_steps=np.zeros(20000, int),
                          matrix=np.ones((2000, 10)), weight_exp=0, sign_mode="excitatory", num_weight_bits=8)
    sim = Simulator(compile_network(net, LOIHI), strict=False).run(50)
    for table in (LOIHI_TABLE2, SANAFE_LOIHI):
        e = sim.cost(prices=table).summary()["energy_pJ_per_syn_event"]
        # each of the 2,000 neurons pays access + update once per 10 events, each core message_in per event batch
        per_neuron = (table.neuron_access.pJ + table.neuron_update.pJ) / 10
        assert table.syn_op.pJ < e < table.syn_op.pJ + per_neuron + 0.1


def test_restore_restarts_the_cost_record_and_it_can_be_off():
    net = fan_out_net()
    sim = Simulator(compile_network(net, ROW), strict=True).run(3)
    snap = sim.state()
    sim.run(2)
    assert sim.cost_counts.shape[0] == 5
    sim.restore(snap)
    sim.run(2)
    assert sim.cost_counts.shape[0] == 2 and sim.cost().first_step == 3
    off = Simulator(compile_network(net, ROW), record_cost=False).run(3)
    with pytest.raises(ParameterError, match="record_cost"):
        off.cost()
    assert off.counter_table()["msgs_in"].sum() == 1 + 3


def test_program_image_keeps_the_placement(tmp_path):
    """A traffic placement (cores laid out on the mesh, not in order) survives write/read."""
    from neuromorph.export import read_program, write_program
    net = driven(100.0, n=60)
    p = compile_network(net, LOIHI.with_core(max_neurons=7), placement="traffic", seed=3)
    write_program(p, tmp_path / "p.nmprog")
    q = read_program(tmp_path / "p.nmprog")
    for a, b in zip(p.placement, q.placement):
        assert np.array_equal(a, b)
    runs = [Simulator(x, strict=False).run(50) for x in (p, q)]
    assert np.array_equal(runs[0].cost_counts, runs[1].cost_counts)


def _scenario_network(name):
    from neuromorph.app.mapping import scenario_network
    from neuromorph.app.scenarios import resolve
    return scenario_network(resolve(name), 0, 0.05)


@pytest.mark.parametrize("name, max_neurons", [("cuba_balanced", 512), ("synfire_chain", 30), ("stdp_song", 4)])
def test_traffic_never_predicts_more_inter_core_messages_than_in_order(name, max_neurons):
    from neuromorph.placement import traffic_metrics
    net, _, preset, headroom = _scenario_network(name)
    from neuromorph.hardware import PRESETS
    chip = PRESETS[preset].with_core(max_neurons=max_neurons)
    got = {}
    for strategy in ("in_order", "traffic"):
        p = compile_network(net, chip, headroom=headroom, placement=strategy)
        pre, _ = p.synapse_sources
        core_of = np.where(p.placement.core_of < p.n_cores, p.placement.core_of, -1)
        got[strategy] = traffic_metrics(core_of, p.placement.slot_of_core, pre, p.synapses.syn_tgt, chip.mesh)
    assert got["traffic"]["inter_core_messages"] <= got["in_order"]["inter_core_messages"]


def test_map_prints_and_draws_the_cost_picture(tmp_path, capsys):
    from neuromorph.app import cli
    assert cli.main(["map", "synfire_chain", "--max-neurons", "30", "--steps", "400", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "in_order" in text and "traffic" in text and "lowest energy-delay product" in text
    doc = json.loads((tmp_path / "cost.json").read_text())
    rows = {r["strategy"]: r for r in doc["placements"]}
    assert set(rows) == {"in_order", "balanced", "traffic"} and doc["steps"] == 400
    assert rows["traffic"]["inter_core_messages_per_step"] <= rows["in_order"]["inter_core_messages_per_step"]
    assert all(r["time_ns_mean"] > 0 and r["energy_pJ_per_step"] > 0 for r in rows.values())
    assert (tmp_path / "map.png").stat().st_size > 20000
    assert cli.main(["map", "synfire_chain", "--placement", "traffic", "--prices", "loihi2-counts", "--steps", "50",
                     "--out", str(tmp_path / "c")]) == 0
    assert "time_ns_mean" not in json.loads((tmp_path / "c" / "cost.json").read_text())["placements"][0]

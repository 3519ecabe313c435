"""Placement strategies (neuromorph/placement.py): in_order is the compiler's greedy placement bit
for bit; every strategy respects every per-core capacity; traffic_metrics counts messages and hops
as worked out by hand; traffic finds clusters and never predicts more inter-core messages than
in_order; balanced evens out the cores."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neuromorph import compiler, placement
from neuromorph.compiler import CompileReport, compile_network, quantize
from neuromorph.errors import CapacityError, ParameterError
from neuromorph.hardware import LOIHI, CoreSpec, Mesh
from neuromorph.network import STDP, LIF, LIFRegisters, Network, PoissonSpikes
from neuromorph.placement import STRATEGIES, place, traffic_metrics
from oracle import greedy_place

BITS = LOIHI.core.bits_per_synapse


def _place(strategy, pre, post, n, core, *, n_cores_max=128, mesh=None, gids=None, syn_bits=None, **kw):
    pre, post = np.asarray(pre, np.int64), np.asarray(post, np.int64)
    return place(strategy, n_neurons=n, neuron_gids=np.arange(n) if gids is None else gids, pre=pre, post=post,
                 syn_bits=np.full(pre.size, BITS) if syn_bits is None else syn_bits, core=core,
                 n_cores_max=n_cores_max, mesh=mesh or Mesh.for_cores(n_cores_max), **kw)


def _usage(core_of, pre, post, syn_bits):
    """Per-core neurons, synapse bits and fan-in axons, counted independently of placement.py."""
    k = int(core_of.max()) + 1
    placed = core_of[core_of >= 0]
    dest = core_of[post]
    fan = np.bincount(np.unique(np.stack([dest, pre]), axis=1)[0], minlength=k)
    return np.bincount(placed, minlength=k), np.bincount(dest, weights=syn_bits, minlength=k), fan


def _compiler_inputs(net, chip):
    """The register network, gathered synapses, their memory cost and the placed gids, as
    compiler.build_program computes them."""
    reg, _, _ = quantize(net, chip)
    g = compiler._gather(reg, chip, False, CompileReport())
    c = chip.core
    syn_bits = np.where(g.plastic[g.proj], c.bits_per_plastic_synapse, c.bits_per_synapse)
    gids = np.concatenate([np.arange(p.start, p.stop) for p in reg.populations.values() if not p.is_source])
    return reg, g, syn_bits, gids


def test_in_order_is_the_compilers_placement_on_a_compiled_network():
    net = Network(dt=1e-4)
    net.add_source("s", 40, PoissonSpikes(20.0, seed=0))
    net.add_population("a", 70, LIF())
    net.add_population("b", 45, LIF())
    net.connect("s", "a", weight=50e-12, p=0.3, seed=1)
    plastic = STDP(A_plus=1e-12, A_minus=-1e-12, w_max=80e-12)                       # plastic: more bits
    net.connect("a", "b", weight=40e-12, p=0.2, seed=2, plasticity=plastic)
    net.connect("b", "a", weight=-30e-12, p=0.1, seed=3)
    chip = replace(LOIHI.with_core(max_neurons=9, max_fan_in_axons=70, synapse_memory_bits=4000), n_cores=16)
    reg, g, syn_bits, gids = _compiler_inputs(net, chip)
    want_core_of, want_cores = greedy_place(reg, g.post, g.pre, chip, syn_bits)
    got = place("in_order", n_neurons=reg.n_neurons, neuron_gids=gids, pre=g.pre, post=g.post, syn_bits=syn_bits,
                core=chip.core, n_cores_max=chip.n_cores, mesh=chip.mesh, chip_name=chip.name)
    # all three limits bind somewhere: 9 neurons, 70 fan-in axons, 4000 synapse bits
    assert len(want_cores) == 15 and max(c["neurons"] for c in want_cores) == 9
    assert max(c["fan_in"] for c in want_cores) == 70
    assert _usage(want_core_of, g.pre, g.post, syn_bits)[1].max() == 4000
    assert got.cores == want_cores
    assert np.array_equal(got.core_of, want_core_of) and got.core_of.dtype == np.int32
    assert got.slot_of_core.tolist() == list(range(len(want_cores)))
    prog = compile_network(net, chip)                                                 # and the compiled program
    assert [{k: v for k, v in c.items() if k != "fan_out"} for c in prog.report.cores] == got.cores
    src = got.core_of < 0
    assert np.array_equal(prog.placement.core_of[~src], got.core_of[~src])


@st.composite
def _networks(draw):
    """A register-level network of sources and populations, random synapses and small cores."""
    sizes = draw(st.lists(st.integers(1, 25), min_size=1, max_size=3))
    n_src = draw(st.integers(0, 6))
    net = Network(dt=1e-3)
    if n_src:
        net.add_source("s", n_src, PoissonSpikes(10.0, seed=0))
    for i, size in enumerate(sizes):
        net.add_population(f"p{i}", size, LIFRegisters(vth=100))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    gids = np.arange(n_src, net.n_neurons)
    n_syn = draw(st.integers(0, 8 * gids.size))
    pre = rng.integers(0, net.n_neurons, n_syn)
    post = rng.choice(gids, n_syn)
    syn_bits = rng.choice([BITS, 2 * BITS], n_syn)
    core = CoreSpec(max_neurons=draw(st.integers(1, 30)), max_fan_in_axons=draw(st.integers(2, 60)),
                    synapse_memory_bits=draw(st.integers(12 * BITS, 160 * BITS)))
    n_cores = draw(st.integers(1, 64))
    mesh = Mesh.for_cores(n_cores, draw(st.integers(1, 4)))
    activity = rng.uniform(0, 2, net.n_neurons) if draw(st.booleans()) else None
    return net, gids, pre, post, syn_bits, core, n_cores, mesh, activity


@settings(max_examples=80)
@given(_networks())
def test_in_order_matches_the_compiler_on_random_graphs(case):
    net, gids, pre, post, syn_bits, core, n_cores, mesh, _ = case
    chip = replace(LOIHI, core=core, n_cores=n_cores, mesh=mesh, name="tiny")
    try:
        want = greedy_place(net, post, pre, chip, syn_bits)
    except CapacityError as e:
        with pytest.raises(CapacityError) as got:
            place("in_order", n_neurons=net.n_neurons, neuron_gids=gids, pre=pre, post=post, syn_bits=syn_bits,
                  core=core, n_cores_max=n_cores, mesh=mesh, chip_name="tiny")
        assert str(got.value) == str(e)
        return
    got = place("in_order", n_neurons=net.n_neurons, neuron_gids=gids, pre=pre, post=post, syn_bits=syn_bits,
                core=core, n_cores_max=n_cores, mesh=mesh, chip_name="tiny")
    assert np.array_equal(got.core_of, want[0]) and got.cores == want[1]


@settings(max_examples=60)
@given(_networks())
def test_every_strategy_respects_every_capacity(case):
    net, gids, pre, post, syn_bits, core, n_cores, mesh, activity = case
    kw = dict(n_neurons=net.n_neurons, neuron_gids=gids, pre=pre, post=post, syn_bits=syn_bits, core=core,
              n_cores_max=n_cores, mesh=mesh, activity=activity)
    try:
        ref = place("in_order", **kw)
    except CapacityError:
        for strategy in STRATEGIES:
            with pytest.raises(CapacityError):
                place(strategy, **kw)
        return
    ref_msgs = traffic_metrics(ref.core_of, ref.slot_of_core, pre, post, mesh, activity)["inter_core_messages"]
    for strategy in STRATEGIES:
        got = place(strategy, **kw)
        assert got.strategy == strategy
        k = len(got.cores)
        assert (got.core_of[gids] >= 0).all() and (got.core_of[:gids[0]] == -1).all()
        assert k == int(got.core_of.max()) + 1 if gids.size else k == 0
        slots = got.slot_of_core
        assert slots.dtype == np.int64 and slots.size == k and np.unique(slots).size == k
        assert (slots < min(n_cores, mesh.n_cores)).all() and (slots >= 0).all()
        if k == 0:
            continue
        neurons, bits, fan = _usage(got.core_of, pre, post, syn_bits)
        assert neurons.max() <= core.max_neurons
        assert bits.max() <= core.synapse_memory_bits
        assert fan.max() <= core.max_fan_in_axons
        assert [c["neurons"] for c in got.cores] == neurons.tolist()
        assert [c["fan_in"] for c in got.cores] == fan.tolist()
        assert [c["synapses"] for c in got.cores] == np.bincount(got.core_of[post], minlength=k).tolist()
        if strategy == "balanced":
            assert k == len(ref.cores)
            assert got.slot_of_core.tolist() == list(range(k))
        if strategy == "traffic":
            m = traffic_metrics(got.core_of, got.slot_of_core, pre, post, mesh, activity)["inter_core_messages"]
            assert m <= ref_msgs + 1e-9


def test_traffic_metrics_by_hand():
    # gids 0-3 are neurons (cores 0, 0, 1, 1); gid 4 is a source (off-chip, core -1)
    core_of = np.array([0, 0, 1, 1, -1])
    pre = np.array([0, 0, 0, 1, 2, 3, 4, 4, 4])
    post = np.array([1, 2, 3, 0, 3, 0, 0, 2, 3])
    act = np.array([1.0, 2.0, 3.0, 0.5, 4.0])
    # destination cores: g0 -> {0, 1}; g1 -> {0}; g2 -> {1}; g3 -> {0}; g4 -> {0, 1}
    # messages = 1*2 + 2*1 + 3*1 + 0.5*1 + 4*2 = 15.5; inter-core: g0 to core 1 (1), g3 to core 0 (0.5),
    # both of the source's (8) = 9.5; core 0 receives 4 synapses (1<-0, 0<-1, 0<-3, 0<-4), core 1 five
    two_tiles = Mesh(cores_per_tile=1, tiles_x=2, tiles_y=1)          # core k on tile (k, 0)
    m = traffic_metrics(core_of, [0, 1], pre, post, two_tiles, act)
    # hops: g0's message to core 1 (1 hop, weight 1) + g3's to core 0 (1 hop, 0.5); sources none
    assert m == dict(messages=15.5, inter_core_messages=9.5, hops=1.5, max_core_neurons=2, max_core_synapses=5)
    grid = Mesh(cores_per_tile=2, tiles_x=2, tiles_y=2)               # slot 6: tile 3 = (1, 1)
    assert traffic_metrics(core_of, [0, 6], pre, post, grid, act)["hops"] == 2 * 1.5     # |dx| + |dy| = 2
    assert traffic_metrics(core_of, [0, 1], pre, post, grid, act)["hops"] == 0.0         # same tile
    # default activity 1 per gid: messages 2 + 1 + 1 + 1 + 2 = 7, inter-core 1 + 1 + 2 = 4
    m = traffic_metrics(core_of, [0, 1], pre, post, two_tiles)
    assert (m["messages"], m["inter_core_messages"], m["hops"]) == (7.0, 4.0, 2.0)


def _clusters(n_clusters, size, fan_out, rng, between=None):
    """Clustered graph in scrambled gid order: ``cluster[g]``, pre, post. ``between`` maps a
    cluster pair (a, b) to a number of extra synapses from a to b."""
    n = n_clusters * size
    cluster = rng.permutation(n) % n_clusters
    members = [np.flatnonzero(cluster == c) for c in range(n_clusters)]
    pre = np.repeat(np.arange(n), fan_out)
    post = np.concatenate([rng.choice(members[cluster[g]], fan_out) for g in range(n)])
    for (a, b), k in (between or {}).items():
        pre = np.concatenate([pre, rng.choice(members[a], k)])
        post = np.concatenate([post, rng.choice(members[b], k)])
    return cluster, pre, post


def test_traffic_finds_scrambled_clusters():
    rng = np.random.default_rng(7)
    cluster, pre, post = _clusters(4, 100, 12, rng)
    core = CoreSpec(max_neurons=110)
    mesh = Mesh(cores_per_tile=2, tiles_x=4, tiles_y=2)
    ref = _place("in_order", pre, post, 400, core, n_cores_max=16, mesh=mesh)
    got = _place("traffic", pre, post, 400, core, n_cores_max=16, mesh=mesh)
    assert len(ref.cores) == len(got.cores) == 4
    m_ref = traffic_metrics(ref.core_of, ref.slot_of_core, pre, post, mesh)
    m_got = traffic_metrics(got.core_of, got.slot_of_core, pre, post, mesh)
    assert m_ref["inter_core_messages"] > 1000                  # gid order mixes every cluster on every core
    assert m_got["inter_core_messages"] == 0 and m_got["hops"] == 0
    assert all(np.unique(got.core_of[cluster == c]).size == 1 for c in range(4))
    assert "METIS" in got.note


def test_repair_moves_the_least_attached_and_adds_cores_when_needed():
    # two clusters of 40 in gid order; a partition putting 5 of cluster 1 with cluster 0
    rng = np.random.default_rng(4)
    n = 80
    cluster = np.arange(n) // 40
    pre = np.repeat(np.arange(n), 8)
    post = rng.integers(0, 40, pre.size) + 40 * cluster[pre]
    syn_bits = np.full(pre.size, BITS)

    def repair(part, k, max_neurons, n_slots=8):
        s = placement._Synapses(np.arange(n), pre, post, syn_bits, CoreSpec(max_neurons=max_neurons), n)
        src, dst, w = placement._neuron_graph(s, pre, post, n, np.ones(n), 0)
        return placement._repair(s, part.copy(), k, src, dst, w, n_slots)

    bad = cluster.copy()
    bad[40:45] = 0                                      # part 0 holds 45 > 40
    assert repair(bad, 2, 40).tolist() == cluster.tolist()
    fixed = repair(np.zeros(n, np.int64), 2, 30)        # all 80 in one part: 30 + 30 + a new core of 20
    assert sorted(np.bincount(fixed).tolist()) == [20, 30, 30]
    assert repair(np.zeros(n, np.int64), 2, 30, n_slots=2) is None


def test_traffic_lays_talking_cores_on_one_tile():
    # clusters 0 <-> 1 and 2 <-> 3 talk; on 2-core tiles each pair should share a tile
    rng = np.random.default_rng(3)
    cluster, pre, post = _clusters(4, 50, 10, rng, between={(0, 1): 40, (1, 0): 40, (2, 3): 40, (3, 2): 40})
    core = CoreSpec(max_neurons=55)
    mesh = Mesh(cores_per_tile=2, tiles_x=4, tiles_y=1)
    ref = _place("in_order", pre, post, 200, core, n_cores_max=8, mesh=mesh)
    got = _place("traffic", pre, post, 200, core, n_cores_max=8, mesh=mesh)
    m_ref = traffic_metrics(ref.core_of, ref.slot_of_core, pre, post, mesh)
    m_got = traffic_metrics(got.core_of, got.slot_of_core, pre, post, mesh)
    assert 0 < m_got["inter_core_messages"] < m_ref["inter_core_messages"]
    assert m_got["hops"] == 0 < m_ref["hops"]
    tile = mesh.position(got.slot_of_core)[4]
    core_of_cluster = [int(got.core_of[cluster == c][0]) for c in range(4)]
    assert tile[core_of_cluster[0]] == tile[core_of_cluster[1]] != tile[core_of_cluster[2]] == tile[core_of_cluster[3]]


def test_traffic_keeps_in_order_when_metis_is_no_better():
    # a chain in gid order: in_order's contiguous cut is already optimal
    n = 300
    pre, post = np.arange(n - 1), np.arange(1, n)
    core = CoreSpec(max_neurons=100)
    ref = _place("in_order", pre, post, n, core)
    got = _place("traffic", pre, post, n, core)
    mesh = Mesh.for_cores(128)
    m_ref = traffic_metrics(ref.core_of, ref.slot_of_core, pre, post, mesh)
    m_got = traffic_metrics(got.core_of, got.slot_of_core, pre, post, mesh)
    assert m_got["inter_core_messages"] <= m_ref["inter_core_messages"] == 2
    assert m_got["hops"] <= m_ref["hops"]


def test_activity_weights_the_objective():
    # two clusters joined by one heavy link: silent neurons may be cut, busy ones not
    rng = np.random.default_rng(5)
    cluster, pre, post = _clusters(2, 60, 6, rng)
    act = np.where(cluster == 0, 1.0, 0.0)
    core = CoreSpec(max_neurons=64)
    got = _place("traffic", pre, post, 120, core, activity=act)
    m = traffic_metrics(got.core_of, got.slot_of_core, pre, post, Mesh.for_cores(128), act)
    assert m["inter_core_messages"] == 0 and m["messages"] == 60
    with pytest.raises(ParameterError, match="activity"):
        _place("traffic", pre, post, 120, core, activity=-act)
    with pytest.raises(ParameterError, match="activity"):
        _place("traffic", pre, post, 120, core, activity=act[:5])


def test_balanced_evens_out_a_small_last_core():
    n = 2049                                            # in_order: 1024 + 1024 + 1
    post = np.repeat(np.arange(n), 5)                   # 5 inputs each: neurons and memory in step
    pre = np.random.default_rng(0).integers(0, n, post.size)
    ref = _place("in_order", pre, post, n, LOIHI.core)
    got = _place("balanced", pre, post, n, LOIHI.core)
    assert [c["neurons"] for c in ref.cores] == [1024, 1024, 1]
    assert [c["neurons"] for c in got.cores] == [683, 683, 683]
    assert got.slot_of_core.tolist() == [0, 1, 2]
    assert np.all(np.diff(got.core_of) >= 0)            # contiguous gid ranges, in order
    # with uneven in-degrees the largest load max(neurons / N, bits / B) is what is minimised
    pre, post = np.random.default_rng(1).integers(0, n, (2, 20_000))
    ref = _place("in_order", pre, post, n, LOIHI.core)
    got = _place("balanced", pre, post, n, LOIHI.core)
    assert max(c["neurons"] for c in got.cores) < 700 < max(c["neurons"] for c in ref.cores)


def test_balanced_spreads_synapse_memory():
    # memory binds (not neuron count); in-degrees 1..20, the first half of the synapses plastic
    rng = np.random.default_rng(2)
    n = 300
    post = np.repeat(np.arange(n), rng.integers(1, 21, n))
    pre = rng.integers(0, n, post.size)
    syn_bits = np.where(np.arange(post.size) < post.size // 2, 2 * BITS, BITS)
    total = int(syn_bits.sum())
    core = CoreSpec(max_neurons=1000, synapse_memory_bits=int(0.4 * total))
    ref = _place("in_order", pre, post, n, core, syn_bits=syn_bits)
    got = _place("balanced", pre, post, n, core, syn_bits=syn_bits)
    assert len(ref.cores) == len(got.cores) == 3
    bits = lambda p: _usage(p.core_of, pre, post, syn_bits)[1]                # noqa: E731
    neurons = lambda p: np.array([c["neurons"] for c in p.cores])              # noqa: E731
    assert bits(ref).max() > 0.39 * total and bits(ref).min() < 0.25 * total
    assert bits(got).max() < bits(ref).max()
    # the largest load max(neurons / N, bits / B) falls from in_order's ~0.4 toward the ideal 1/3
    load = lambda p: max((neurons(p) / n).max(), (bits(p) / total).max())     # noqa: E731
    assert load(got) < 0.38 < load(ref)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_capacity_errors_name_the_core_and_limit(strategy):
    pre = np.arange(20)                                 # 20 inputs into neuron 20 (the others have none)
    post = np.full(20, 20)
    n = 24
    with pytest.raises(CapacityError, match=r"core 0: synapse memory bits needs 480, limit is 360 "
                                            r"\(neuron gid 20: 20 synapses\)"):
        _place(strategy, pre, post, n, CoreSpec(synapse_memory_bits=15 * BITS), gids=np.arange(20, n))
    with pytest.raises(CapacityError, match=r"core 0: fan-in axons needs 20, limit is 10 \(neuron gid 20\)"):
        _place(strategy, pre, post, n, CoreSpec(max_fan_in_axons=10), gids=np.arange(20, n))
    with pytest.raises(CapacityError, match="chip 'tiny': cores needs 4, limit is 2") as e:
        _place(strategy, pre, post, n, CoreSpec(max_neurons=1), gids=np.arange(20, n), n_cores_max=2,
               chip_name="tiny")
    assert (e.value.where, e.value.resource, e.value.needed, e.value.limit) == ("chip 'tiny'", "cores", 4, 2)


def test_unknown_strategy_and_bad_inputs_are_refused():
    with pytest.raises(ParameterError, match="placement.*'nearest'.*one of 'in_order', 'balanced', 'traffic'"):
        _place("nearest", [0], [1], 2, LOIHI.core)
    with pytest.raises(ParameterError, match="seed"):
        _place("traffic", [0], [1], 2, LOIHI.core, seed=-1)
    with pytest.raises(ParameterError, match="pre/post"):
        _place("in_order", [0], [5], 2, LOIHI.core)


def test_traffic_is_deterministic_for_a_seed():
    rng = np.random.default_rng(11)
    _, pre, post = _clusters(6, 40, 8, rng, between={(0, 3): 30, (2, 5): 30})
    core = CoreSpec(max_neurons=45)
    mesh = Mesh(cores_per_tile=2, tiles_x=3, tiles_y=2)
    runs = [_place("traffic", pre, post, 240, core, n_cores_max=12, mesh=mesh, seed=s) for s in (4, 4, 9)]
    assert np.array_equal(runs[0].core_of, runs[1].core_of)
    assert np.array_equal(runs[0].slot_of_core, runs[1].slot_of_core)
    assert runs[0].cores == runs[1].cores and runs[0].note == runs[1].note
    for r in runs:                                      # any seed: every capacity holds
        assert max(c["neurons"] for c in r.cores) <= 45


def test_empty_network_places_nothing():
    for strategy in STRATEGIES:
        got = _place(strategy, [], [], 3, LOIHI.core, gids=np.zeros(0, np.int64))
        assert got.cores == [] and got.core_of.tolist() == [-1, -1, -1] and got.slot_of_core.size == 0

"""Export: AER spike logs and program images read back identical; writes are atomic."""

import json
import os
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from neuromorph.compiler import Program, compile_network
from neuromorph.errors import FileFormatError
from neuromorph.export import AER_MAGIC, read_aer, read_program, write_aer, write_program
from neuromorph.hardware import LOIHI
from neuromorph.network import (LIF, Izhikevich, LIFRegisters, Network, PoissonSpikes, RegularSpikes, SpikeLog,
                                SpikeTimes)
from neuromorph.simulator import Simulator


def test_aer_bit_layout_by_hand(tmp_path):
    # steps [0, 3], ids [1, 2], 4 steps, 3 neurons: step_bits = 2, id_bits = 2; words 0b0001, 0b1110
    log = SpikeLog(np.array([0, 3]), np.array([1, 2]), 1e-3, 4, {"a": (0, 3)})
    write_aer(log, tmp_path / "s.aer")
    raw = (tmp_path / "s.aer").read_bytes()
    assert raw.startswith(AER_MAGIC)
    (n,) = struct.unpack_from("<I", raw, len(AER_MAGIC))
    payload = bytes([0b0001_1110])
    # header, its CRC32, then the payload (its CRC32 in the header's block list)
    head = raw[len(AER_MAGIC) + 4:len(AER_MAGIC) + 4 + n]
    assert raw[len(AER_MAGIC) + 4 + n:] == struct.pack("<I", zlib.crc32(head)) + payload
    assert json.loads(head)["blobs"] == [[0, 1, zlib.crc32(payload)]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 300)), max_size=300), st.booleans())
def test_aer_round_trip(events, with_times):
    import tempfile
    steps = np.array([e[0] for e in events], np.int64)
    ids = np.array([e[1] for e in events], np.int64)
    times = steps * 1e-4 + 3.3e-5 if with_times else None
    log = SpikeLog(steps, ids, 1e-4, 5001, {"x": (0, 200), "y": (200, 101)}, times)
    with tempfile.TemporaryDirectory() as d:
        write_aer(log, os.path.join(d, "s.aer"))
        back = read_aer(os.path.join(d, "s.aer"))
    assert back.same_spikes(log) and back.dt == log.dt and back.n_steps == log.n_steps
    assert dict(back.populations) == {k: tuple(v) for k, v in log.populations.items()}
    if with_times:
        assert np.array_equal(back.times, log.times)
    else:
        assert back.times is None


def mixed_network():
    net = Network(dt=0.25e-3, name="mixed")
    net.add_population("exc", 20, LIF(tau_syn=3e-3, I_bias=150e-12))
    net.add_source("poisson", 30, PoissonSpikes(rate=np.linspace(5, 80, 30), seed=4))   # interleaved source ids
    net.add_population("regs", 7, LIFRegisters(du=100, dv=200, vth=300, bias_mant=np.arange(7) * 10, bias_exp=2,
                                               refractory_steps=3, reset_mode="subtract", v_init=np.arange(7)))
    net.add_source("reg", 3, RegularSpikes(period=5e-3, start=1e-3, stagger=0.5e-3))
    net.add_source("times", 2, SpikeTimes(steps=[3, 9, 40], ids=[0, 1, 1]))
    net.add_population("iz", 4, Izhikevich(a=0.02, b=0.2, c=-55, d=4, v_init=-70))
    net.connect("poisson", "exc", weight=40e-12, p=0.3, seed=1, delay=0.5e-3)
    net.connect("exc", "exc", weight=-30e-12, p=0.2, seed=2, delay=1e-3)
    net.connect_registers("reg", "regs", weight_mant=[[7, -127, 50]] * 7, matrix=np.ones((7, 3)), weight_exp=-2,
                          delay_steps=2)
    net.connect_registers("times", "regs", weight_mant=90, p=1.0, seed=0, weight_exp=3)
    net.connect("poisson", "iz", weight=2.0, p=0.5, seed=3)
    net.inject("iz", np.linspace(0, 12, 200))
    net.inject("exc", np.full(50, 20e-12), indices=[0, 5], start=10)
    net.probe("exc", [0, 1])
    net.probe("regs")
    net.probe("iz", [2])
    return net


def assert_same_tables(a: Program, b: Program):
    """Every table of every part, and every host array, equal in dtype, shape and bits."""
    for part in ("neurons", "initial", "placement", "synapses", "learning"):
        pa, pb = getattr(a, part), getattr(b, part)
        for f in pa._fields:
            x, y = getattr(pa, f), getattr(pb, f)
            assert x.dtype == y.dtype and np.array_equal(x, y), f"{part}.{f}"
    for f in ("probe_gids", "u_scale", "v_scale", "v_origin", "w_scale", "plastic_ptr", "plastic_q"):
        assert np.array_equal(getattr(a.host, f), getattr(b.host, f)), f"host.{f}"
    assert a.projections == b.projections and a.populations == b.populations


def test_program_image_round_trip_is_identical(tmp_path):
    prog = compile_network(mixed_network(), LOIHI.with_core(max_neurons=8))
    assert prog.n_cores == 4                    # 31 neurons, 8 per core; cores mix populations
    write_program(prog, tmp_path / "p.nmprog")
    back = read_program(tmp_path / "p.nmprog")
    assert isinstance(back, Program)
    assert_same_tables(prog, back)
    assert (prog.D, prog.n, prog.n_cores, prog.dt, prog.chip) == (back.D, back.n, back.n_cores, back.dt, back.chip)
    a = Simulator(prog, strict=False).run(300).result()
    b = Simulator(back, strict=False).run(300).result()
    assert a.spikes.same_spikes(b.spikes) and a.spikes.steps.size > 50
    assert np.array_equal(a.traces.data["v"], b.traces.data["v"])
    assert np.allclose(a.traces.physical("v"), b.traces.physical("v"))


def test_plastic_program_image_round_trip(tmp_path):
    """Plastic projections (§3.5): W registers, STDP registers and learning tables survive the image."""
    from neuromorph.network import STDP, STDPRegisters

    net = mixed_network()
    net.connect("poisson", "exc", weight=np.linspace(1e-12, 30e-12, 60), pre_idx=np.arange(60) % 30,
                post_idx=np.arange(60) % 20, plasticity=STDP(A_plus=1e-12, A_minus=-1.1e-12, w_max=40e-12))
    net.connect_registers("times", "regs", weight_mant=np.arange(-3, 11), pre_idx=np.arange(14) % 2,
                          post_idx=np.arange(14) % 7, weight_exp=-3,
                          plasticity=STDPRegisters(a_plus=900, a_minus=-1000, x_decay=60000, y_decay=50000,
                                                   w_lo=-5, w_hi=12, learn_shift=4))
    prog = compile_network(net, LOIHI.with_core(max_neurons=8))
    assert prog.plastic and prog.synapses.syn_w.dtype == np.int16
    write_program(prog, tmp_path / "p.nmprog")
    back = read_program(tmp_path / "p.nmprog")
    assert_same_tables(prog, back)                          # learning tables included
    assert prog.learning.rule.size == 7 and prog.learning.tr_decay.size > 0
    assert back.report.notes == prog.report.notes           # rebuilt, not duplicated
    a = Simulator(prog, strict=False).run(400).result()
    b = Simulator(back, strict=False).run(400).result()
    assert a.spikes.same_spikes(b.spikes)
    assert a.weights.keys() == b.weights.keys() == {5, 6}
    assert all(np.array_equal(a.weights[k], b.weights[k]) for k in a.weights)
    assert int(a.counters["syn_updates"].sum()) > 100
    assert not np.array_equal(a.weights[6], net.projections[6].weight_mant)     # it learned


def test_image_is_bit_packed_at_declared_widths(tmp_path):
    net = Network(dt=1e-3)
    net.add_source("s", 50, PoissonSpikes(10.0, seed=0))
    net.add_population("n", 100, LIFRegisters(vth=100))
    net.connect_registers("s", "n", weight_mant=5, p=0.5, seed=1, delay_steps=1)
    prog = compile_network(net)
    write_program(prog, tmp_path / "p.nmprog")
    size = (tmp_path / "p.nmprog").stat().st_size
    # one synapse costs 6 (src gid) + 10 (target) + 9 (weight) + 6 (delay) + 1 (format) = 32 bits
    assert size < prog.n_synapses * 32 / 8 + 8000


def test_writes_are_atomic(tmp_path, monkeypatch):
    log = SpikeLog(np.array([1]), np.array([0]), 1e-3, 2, {"a": (0, 1)})
    path = tmp_path / "s.aer"
    write_aer(log, path)
    before = path.read_bytes()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_aer(SpikeLog(np.array([0, 1]), np.array([0, 0]), 1e-3, 2, {"a": (0, 1)}), path)
    assert path.read_bytes() == before                              # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.aer"]   # and no temporary file is left


def test_wrong_file_is_named(tmp_path):
    (tmp_path / "x.aer").write_bytes(b"not an aer file")
    with pytest.raises(FileFormatError, match=r"x\.aer: magic: not a neuromorph AER file"):
        read_aer(tmp_path / "x.aer")

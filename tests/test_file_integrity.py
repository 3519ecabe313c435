"""Files never read back wrong: every AER log, program image and checkpoint carries a magic, a version,
explicit lengths and a CRC32 per block (docs/file-formats.md); a reader refuses anything
short, long, flipped or of an unknown version with a FileFormatError naming the file, the
block and what is wrong. Hypothesis truncates, extends and flips bytes at random."""

import json
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from neuromorph import LIFRegisters, Network, PoissonSpikes
from neuromorph.compiler import compile_network
from neuromorph.errors import FileFormatError
from neuromorph.export import AER_MAGIC, read_aer, read_checkpoint, read_program, write_aer, write_program
from neuromorph.simulator import Simulator


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("files")
    net = Network(dt=1e-3)
    net.add_source("s", 20, PoissonSpikes(rate=80.0, seed=3))
    net.add_population("n", 30, LIFRegisters(du=300, dv=200, vth=60, bias_mant=3, bias_exp=2))
    net.connect_registers("s", "n", weight_mant=100, p=0.3, seed=1, delay_steps=2, weight_exp=1)
    net.probe("n", [0, 1])
    prog = compile_network(net)
    sim = Simulator(prog, strict=False).run(200)
    res = sim.result()
    assert res.spikes.ids.size > 100
    write_aer(res.spikes, d / "s.aer")
    write_program(prog, d / "p.nmprog")
    sim.save(d / "c.ckpt")
    return {"aer": ((d / "s.aer").read_bytes(), res.spikes), "prog": ((d / "p.nmprog").read_bytes(), prog),
            "ckpt": ((d / "c.ckpt").read_bytes(), sim.checkpoint())}


READERS = {"aer": read_aer, "prog": read_program, "ckpt": read_checkpoint}


def _read(kind, data, tmp_path):
    path = tmp_path / f"x.{kind}"
    path.write_bytes(data)
    return READERS[kind](path), path


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["aer", "prog", "ckpt"]), damage=st.sampled_from(["flip", "truncate", "extend"]),
       where=st.floats(0, 1, exclude_max=True), bits=st.integers(1, 255), extra=st.binary(min_size=1, max_size=9))
def test_damaged_files_are_refused_by_name(files, tmp_path_factory, kind, damage, where, bits, extra):
    data, _ = files[kind]
    i = int(where * len(data))
    if damage == "flip":
        bad = data[:i] + bytes([data[i] ^ bits]) + data[i + 1:]
    elif damage == "truncate":
        bad = data[:i]
    else:
        bad = data[:i] + extra + data[i:] if where < 0.5 else data + extra
    tmp = tmp_path_factory.mktemp("d")
    with pytest.raises(FileFormatError) as e:
        _read(kind, bad, tmp)
    assert str(e.value).startswith(str(tmp)), str(e.value)       # names the file, then the block


def test_intact_files_read_back_identical(files, tmp_path):
    (aer, log), (prog_bytes, prog) = files["aer"], files["prog"]
    back, _ = _read("aer", aer, tmp_path)
    assert back.same_spikes(log) and back.n_steps == log.n_steps
    p2, _ = _read("prog", prog_bytes, tmp_path)
    assert p2.n_synapses == prog.n_synapses and np.array_equal(p2.synapses.syn_w, prog.synapses.syn_w)
    ck_bytes, ck = files["ckpt"]
    c2, _ = _read("ckpt", ck_bytes, tmp_path)
    assert c2.keys() == ck.keys() and all(np.array_equal(c2[k], ck[k]) and c2[k].dtype == ck[k].dtype for k in ck)


def test_error_messages_name_block_and_problem(files, tmp_path):
    aer, _ = files["aer"]
    (n,) = struct.unpack_from("<I", aer, len(AER_MAGIC))
    body = len(AER_MAGIC) + 4 + n + 4
    with pytest.raises(FileFormatError, match=r"block 0: checksum 0x[0-9a-f]{8} != stored"):
        _read("aer", aer[:body] + bytes([aer[body] ^ 1]) + aer[body + 1:], tmp_path)
    with pytest.raises(FileFormatError, match=r"body: \d+ bytes, the header says \d+ \(truncated\)"):
        _read("aer", aer[:-1], tmp_path)
    with pytest.raises(FileFormatError, match=r"magic: not a neuromorph AER file"):
        _read("aer", b"PK\x03\x04" + aer[4:], tmp_path)
    with pytest.raises(FileFormatError, match=r"magic: not a neuromorph AER file \(starts with b'NMA'"):
        _read("aer", aer[:3], tmp_path)
    with pytest.raises(FileFormatError, match=r"header length: file ends after 10 bytes"):
        _read("aer", aer[:len(AER_MAGIC) + 2], tmp_path)
    with pytest.raises(FileFormatError, match=r"header: checksum 0x[0-9a-f]{8} != stored"):
        _read("aer", aer[:len(AER_MAGIC) + 10] + bytes([aer[len(AER_MAGIC) + 10] ^ 4]) + aer[len(AER_MAGIC) + 11:],
              tmp_path)
    # a consistent file of a version this reader does not know
    head = json.loads(aer[len(AER_MAGIC) + 4:len(AER_MAGIC) + 4 + n])
    head["version"] = 99
    h = json.dumps(head, sort_keys=True).encode()
    future = AER_MAGIC + struct.pack("<I", len(h)) + h + struct.pack("<I", zlib.crc32(h)) + aer[body:]
    with pytest.raises(FileFormatError, match=r"header: unknown version 99 \(this reader knows \[1, 2\]\)"):
        _read("aer", future, tmp_path)


def test_previous_unchecksummed_container_still_reads(files, tmp_path):
    """Files written before checksums (magic NMAER\\0\\1\\0, blobs as [offset, length], no header
    CRC) read back identical; a truncated one is still refused by its lengths."""
    aer, log = files["aer"]
    (n,) = struct.unpack_from("<I", aer, len(AER_MAGIC))
    head = json.loads(aer[len(AER_MAGIC) + 4:len(AER_MAGIC) + 4 + n])
    body = aer[len(AER_MAGIC) + 8 + n:]
    old = dict(head, version=1, blobs=[[a, size] for a, size, _ in head["blobs"]])
    del old["body_length"]
    h = json.dumps(old, sort_keys=True).encode()
    legacy = b"NMAER\x00\x01\x00" + struct.pack("<I", len(h)) + h + body
    back, _ = _read("aer", legacy, tmp_path)
    assert back.same_spikes(log)
    with pytest.raises(FileFormatError, match=r"block 0: bytes 0\.\.\d+ lie outside the \d+-byte body"):
        _read("aer", legacy[:-5], tmp_path)


def test_write_errors_name_the_target_not_the_temporary_file(tmp_path):
    from neuromorph.network import SpikeLog

    blocker = tmp_path / "file"
    blocker.write_text("x")
    log = SpikeLog(np.array([0]), np.array([0]), 1e-3, 1, {"a": (0, 1)})
    with pytest.raises(OSError, match=r"cannot write .*file/sub/s\.aer: ") as e:
        write_aer(log, blocker / "sub" / "s.aer")
    assert ".s.aer." not in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]          # nothing left behind

"""Export: AER spike logs and per-core memory images, written atomically, read back identical.

File layouts are documented in docs/file-formats.md. Bit-level packing is defined by
``bitstring`` dtypes (``uint{n}``/``int{n}``) at the widths the chip declares, so an image
holds exactly the bits a core would store.

* :func:`write_aer` / :func:`read_aer`: a :class:`~neuromorph.network.SpikeLog` as
  address-event words ``step << id_bits | gid``.
* :func:`write_program` / :func:`read_program`: a compiled
  :class:`~neuromorph.compiler.Program` as one image per core (neuron registers and initial
  state of the core's neurons; the synapses stored in the core), plus the host-side
  description (sources, probes, injections, scales, chip spec), all read from the program's
  parts. Reading rebuilds the register-level network and compiles it again, giving an
  identical program.
"""

from __future__ import annotations

import dataclasses
import json
import os
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np
from bitstring import Array

from .compiler import IzhScale, LIFScale, Program, build_program
from .errors import CapacityError, FileFormatError, ParameterError
from .learning import LearningRule
from .hardware import ChipSpec, CoreSpec
from .network import (CurrentInjection, IzhikevichRegisters, LIFRegisters, Network, PoissonSpikes,
                      ProjectionRegisters, RegularSpikes, SpikeLog, SpikeTimes, StateProbe, STDPRegisters)

AER_MAGIC = b"NMAER\x00\x02\x00"
PROGRAM_MAGIC = b"NMPROG\x02\x00"
LEGACY_MAGICS = {AER_MAGIC: b"NMAER\x00\x01\x00", PROGRAM_MAGIC: b"NMPROG\x01\x00"}   # unchecksummed, still read
AER_VERSIONS = (1, 2)
PROGRAM_VERSIONS = (1, 2, 3, 4)
CHECKPOINT_MAGIC = b"NMCKPT\x01\x00"
LEGACY_MAGICS[CHECKPOINT_MAGIC] = b"\x00" * 8                     # none: checkpoints were never unchecksummed
CHECKPOINT_DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float64")


# --------------------------------------------------------------------------------------
# container: magic | uint32 header length | JSON header | uint32 CRC32 of the header |
# blobs (offset, length and CRC32 of each in the header; body_length their total)
# --------------------------------------------------------------------------------------
def _atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):           # name the target, not the hidden temporary file
            raise OSError(e.errno, f"cannot write {path}: {e.strerror or e}") from e
        raise


def _pack(magic: bytes, header: dict, blobs: list[bytes]) -> bytes:
    entries, pos = [], 0
    for b in blobs:
        entries.append([pos, len(b), zlib.crc32(b)])
        pos += len(b)
    head = json.dumps(dict(header, blobs=entries, body_length=pos), sort_keys=True).encode()
    return magic + struct.pack("<I", len(head)) + head + struct.pack("<I", zlib.crc32(head)) + b"".join(blobs)


def _unpack(data: bytes, magic: bytes, what: str, path, versions: tuple) -> tuple[dict, list[bytes]]:
    """Split a container, refusing anything short, long, flipped or of an unknown version."""
    legacy = data.startswith(LEGACY_MAGICS[magic])
    if not (data.startswith(magic) or legacy):
        raise FileFormatError(path, "magic", f"not a {what} file (starts with {bytes(data[:len(magic)])!r}, "
                                             f"expected {magic!r})")
    if len(data) < len(magic) + 4:
        raise FileFormatError(path, "header length", f"file ends after {len(data)} bytes")
    (n,) = struct.unpack_from("<I", data, len(magic))
    start = len(magic) + 4
    end = start + n + (0 if legacy else 4)
    if len(data) < end:
        raise FileFormatError(path, "header", f"file ends after {len(data)} bytes; the header needs {end}")
    head = bytes(data[start:start + n])
    if not legacy:
        (crc,) = struct.unpack_from("<I", data, start + n)
        if zlib.crc32(head) != crc:
            raise FileFormatError(path, "header", f"checksum {zlib.crc32(head):#010x} != stored {crc:#010x}")
    try:
        header = json.loads(head)
    except ValueError as e:
        raise FileFormatError(path, "header", f"not valid JSON ({e})") from None
    if header.get("version") not in versions:
        raise FileFormatError(path, "header", f"unknown version {header.get('version')!r} "
                                              f"(this reader knows {list(versions)})")
    body = memoryview(data)[end:]
    if not legacy and len(body) != header["body_length"]:
        raise FileFormatError(path, "body", f"{len(body)} bytes, the header says {header['body_length']} "
                                            f"({'truncated' if len(body) < header['body_length'] else 'extra bytes'})")
    blobs = []
    for i, entry in enumerate(header["blobs"]):
        a, size = entry[0], entry[1]
        if a < 0 or size < 0 or a + size > len(body):
            raise FileFormatError(path, f"block {i}", f"bytes {a}..{a + size} lie outside the {len(body)}-byte body")
        blob = bytes(body[a:a + size])
        if not legacy and zlib.crc32(blob) != entry[2]:
            raise FileFormatError(path, f"block {i}", f"checksum {zlib.crc32(blob):#010x} != stored {entry[2]:#010x}")
        blobs.append(blob)
    return header, blobs


def _bits(values, dtype: str) -> bytes:
    return Array(dtype, np.asarray(values, dtype=np.int64).tolist()).tobytes()


def _unbits(blob: bytes, dtype: str, n: int, path="?") -> np.ndarray:
    """``n`` fields of ``dtype`` from a blob that must hold exactly them (padded to a byte)."""
    bits = int(dtype.lstrip("uint"))
    if len(blob) != -(-n * bits // 8):
        raise FileFormatError(path, f"{dtype} block", f"{len(blob)} bytes, but {n} fields of {bits} bits need "
                                                      f"{-(-n * bits // 8)}")
    return np.array(Array.from_bytes(dtype, blob).tolist()[:n], dtype=np.int64)


def _width(max_value: int) -> int:
    return max(1, int(max_value).bit_length())


# --------------------------------------------------------------------------------------
# AER spike log
# --------------------------------------------------------------------------------------
def write_aer(log: SpikeLog, path: str | Path) -> None:
    """Write ``log`` as address events: one ``uint(step_bits + id_bits)`` word per spike."""
    step_bits = _width(max(log.n_steps - 1, int(log.steps.max(initial=0))))
    id_bits = _width(max(log.n_neurons - 1, int(log.ids.max(initial=0))))
    words = (log.steps.astype(np.int64) << id_bits) | log.ids.astype(np.int64)
    header = {"format": "neuromorph-aer", "version": 2, "dt": log.dt, "n_steps": int(log.n_steps),
              "step_bits": step_bits, "id_bits": id_bits, "n_events": int(words.size),
              "populations": {k: list(v) for k, v in log.populations.items()},
              "has_times": log.times is not None, "first_step": int(log.first_step)}
    blobs = [_bits(words, f"uint{step_bits + id_bits}")]
    if log.times is not None:
        blobs.append(np.asarray(log.times, dtype="<f8").tobytes())
    _atomic_write(path, _pack(AER_MAGIC, header, blobs))


def read_aer(path: str | Path) -> SpikeLog:
    h, blobs = _unpack(Path(path).read_bytes(), AER_MAGIC, "neuromorph AER", path, AER_VERSIONS)
    words = _unbits(blobs[0], f"uint{h['step_bits'] + h['id_bits']}", h["n_events"], path)
    ids = words & ((1 << h["id_bits"]) - 1)
    steps = words >> h["id_bits"]
    times = None
    if h["has_times"]:
        if len(blobs[1]) != 8 * h["n_events"]:
            raise FileFormatError(path, "block 1 (times)", f"{len(blobs[1])} bytes for {h['n_events']} float64 times")
        times = np.frombuffer(blobs[1], dtype="<f8").copy()
    return SpikeLog(steps, ids, h["dt"], h["n_steps"], {k: tuple(v) for k, v in h["populations"].items()}, times,
                    h.get("first_step", 0))


# --------------------------------------------------------------------------------------
# Program images
# --------------------------------------------------------------------------------------
def _lif_fields(c: CoreSpec) -> list[tuple[str, str]]:
    return [("du", f"uint{c.decay_bits}"), ("dv", f"uint{c.decay_bits}"), ("vth", f"uint{c.vth_bits}"),
            ("bias_mant", f"int{c.bias_mant_bits}"), ("bias_exp", f"uint{max(1, c.bias_exp_bits)}"),
            ("refractory_steps", f"uint{max(1, c.refractory_bits)}"), ("reset_u", "uint1"), ("reset_sub", "uint1"),
            ("u_init", f"int{c.u_bits + 1}"), ("v_init", f"int{c.v_bits}")]


def _izh_fields(c: CoreSpec) -> list[tuple[str, str]]:
    s, p = f"int{c.izh_state_bits}", f"int{c.izh_prod_bits}"
    return [("k2", p), ("k1", p), ("dt", p), ("adt", p), ("b", p), ("k0", s), ("c", s), ("d", s), ("v_peak", s),
            ("bias", s), ("accommodation", "uint1"), ("v_init", s), ("u_init", s)]


def _source_json(src) -> dict:
    if isinstance(src, SpikeTimes):
        return {"type": "SpikeTimes", "steps": src.steps.tolist(), "ids": src.ids.tolist()}
    if isinstance(src, RegularSpikes):
        return {"type": "RegularSpikes", "period": src.period, "start": src.start, "stagger": src.stagger}
    rate = np.asarray(src.rate, dtype=float)
    return {"type": "PoissonSpikes", "rate": rate.tolist(), "seed": int(src.seed)}


def _source_from_json(d: dict):
    if d["type"] == "SpikeTimes":
        return SpikeTimes(np.array(d["steps"], np.int64), np.array(d["ids"], np.int64))
    if d["type"] == "RegularSpikes":
        return RegularSpikes(d["period"], d["start"], d["stagger"])
    rate = d["rate"]
    return PoissonSpikes(np.array(rate) if isinstance(rate, list) else rate, d["seed"])


def write_program(program: Program, path: str | Path) -> None:
    """Write ``program`` as per-core images plus its host-side description (atomic).

    Everything is read from the program's parts: each population's register model
    (``Program.models``), the synapse tables (``Program.synapses_of``), placement and host."""
    p, c = program, program.chip.core
    blobs: list[bytes] = []

    def blob(b: bytes) -> int:
        blobs.append(b)
        return len(blobs) - 1

    # per-gid register view, so every register is explicit
    n = p.n
    kind = np.full(n, -1, np.int64)
    lif = {f: np.zeros(n, np.int64) for f, _ in _lif_fields(c)}
    izh = {f: np.zeros(n, np.int64) for f, _ in _izh_fields(c)}
    pops = []
    for name, (start, size) in p.populations.items():
        sl = slice(start, start + size)
        m = p.models[name]
        entry = {"name": name, "size": size}
        if isinstance(m, LIFRegisters):
            kind[sl] = 0
            for f, _ in _lif_fields(c):
                val = {"reset_sub": m.reset_mode == "subtract"}.get(f, getattr(m, f, None))
                lif[f][sl] = np.asarray(val, dtype=np.int64)
            entry["model"] = "LIFRegisters"
        elif isinstance(m, IzhikevichRegisters):
            kind[sl] = 1
            for f, _ in _izh_fields(c):
                izh[f][sl] = np.asarray(getattr(m, f), dtype=np.int64)
            entry["model"] = "IzhikevichRegisters"
        else:
            entry["source"] = _source_json(m)
        pops.append(entry)

    # synapses, stored in the core of their target; one "synapse format" per projection
    fmt_bits = _width(max(len(p.projections) - 1, 0))
    syn = {"pre": [], "tgt": [], "w": [], "d": [], "fmt": [], "lidx": []}
    proj_meta = []
    for i, info in enumerate(p.projections):
        pr = p.synapses_of(i)      # prepared mantissas (plastic: the initial W registers, raw, §3.5)
        syn["pre"].append(pr.pre_idx + p.populations[info.pre][0])
        syn["tgt"].append(pr.post_idx + p.populations[info.post][0])
        syn["w"].append(pr.weight_mant)
        syn["d"].append(pr.delay_steps)
        syn["fmt"].append(np.full(pr.pre_idx.size, i, np.int64))
        syn["lidx"].append(np.arange(pr.pre_idx.size, dtype=np.int64))
        proj_meta.append({"pre": info.pre, "post": info.post, "weight_exp": info.weight_exp,
                          "sign_mode": info.sign_mode, "num_weight_bits": info.num_weight_bits})
        if isinstance(info.plasticity, LearningRule):
            proj_meta[-1]["learning_rule"] = info.plasticity.to_dict()
        elif info.plasticity is not None:
            rule = info.plasticity
            proj_meta[-1]["plasticity"] = {f.name: int(getattr(rule, f.name)) for f in dataclasses.fields(rule)}
    # one weight field width per image: the signed mantissa, or the plastic W register if wider
    w_bits = c.weight_bits + 1
    if any("plasticity" in m or "learning_rule" in m for m in proj_meta):
        w_bits = max(w_bits, c.plastic_weight_bits)
    # plastic images also keep each synapse's index within its projection, so that learned
    # weights read back in the projection's own order
    lidx_bits = (_width(max(info.n_synapses for info in p.projections) - 1)
                 if any("plasticity" in m or "learning_rule" in m for m in proj_meta) else 0)
    cat = {k: (np.concatenate(v) if v else np.zeros(0, np.int64)) for k, v in syn.items()}
    core_of = p.placement.core_of
    syn_core = core_of[cat["tgt"]] if cat["tgt"].size else np.zeros(0, np.int64)
    gid_bits = _width(n - 1)
    neuron_gids = np.nonzero(kind >= 0)[0]
    cores = []
    for core in range(p.n_cores):
        g = neuron_gids[core_of[neuron_gids] == core]
        lif_g, izh_g = g[kind[g] == 0], g[kind[g] == 1]
        sel = syn_core == core
        img = {"core": core, "slot": int(p.placement.slot_of_core[core]), "n_neurons": int(g.size), "gids": blob(_bits(g, f"uint{gid_bits}")),
               "kinds": blob(_bits(kind[g], "uint1")),
               "n_lif": int(lif_g.size), "n_izh": int(izh_g.size), "n_synapses": int(sel.sum())}
        img["lif"] = {f: blob(_bits(lif[f][lif_g], dt)) for f, dt in _lif_fields(c)}
        img["izh"] = {f: blob(_bits(izh[f][izh_g], dt)) for f, dt in _izh_fields(c)}
        img["syn"] = {
            "src": blob(_bits(cat["pre"][sel], f"uint{gid_bits}")),
            "tgt": blob(_bits(np.searchsorted(g, cat["tgt"][sel]), f"uint{c.synapse_index_bits}")),
            "w": blob(_bits(cat["w"][sel], f"int{w_bits}")),
            "d": blob(_bits(cat["d"][sel], f"uint{max(1, c.delay_bits)}")),
            "fmt": blob(_bits(cat["fmt"][sel], f"uint{fmt_bits}")),
        }
        if lidx_bits:
            img["syn"]["lidx"] = blob(_bits(cat["lidx"][sel], f"uint{lidx_bits}"))
        cores.append(img)

    h = p.host
    inj = []
    for g, vals, start in h.injections:
        name = p.population_of(int(g[0])) if g.size else ""
        inj.append({"population": name, "indices": (g - p.populations[name][0]).tolist() if g.size else [],
                    "start": start, "shape": list(vals.shape), "values": blob(np.asarray(vals, "<i8").tobytes())})
    probes = [{"population": name, "indices": (ids - p.populations[name][0]).tolist(), "variables": ["u", "v"]}
              for name, ids in _probe_groups(p)]
    scales = {name: {"kind": "izh" if isinstance(sc, IzhScale) else "lif", "v_per_lsb": float(sc.v_per_lsb),
                     "v_origin": float(sc.v_origin), "a_per_lsb": float(sc.a_per_lsb)}
              for name, sc in h.scales.items()}
    header = {
        "format": "neuromorph-program", "version": 4, "dt": p.dt, "name": p.name,
        "chip": dataclasses.asdict(p.chip), "loihi_compat": p.loihi_compat, "gid_bits": gid_bits,
        "fmt_bits": fmt_bits, "w_bits": w_bits, "lidx_bits": lidx_bits, "populations": pops, "projections": proj_meta, "cores": cores,
        "probes": probes, "injections": inj, "scales": scales,
        "report": {"parameters": p.report.parameters, "cores": p.report.cores, "notes": p.report.notes},
    }
    _atomic_write(path, _pack(PROGRAM_MAGIC, header, blobs))


def _plasticity_from_json(meta: dict, path):
    """A projection's plasticity as written by write_program (pair STDP registers or a rule)."""
    try:
        if "learning_rule" in meta:
            return LearningRule.from_dict(meta["learning_rule"])
        return STDPRegisters(**meta["plasticity"]) if "plasticity" in meta else None
    except (TypeError, ValueError) as e:
        raise FileFormatError(path, "header", f"a projection's learning registers do not read back: {e}") from None


def _probe_groups(p: Program):
    """The probed ids as (population, global ids) runs, in probe order."""
    out = []
    for g in p.host.probe_gids.tolist():
        name = p.population_of(g)
        if out and out[-1][0] == name:
            out[-1][1].append(g)
        else:
            out.append((name, [g]))
    return [(name, np.array(ids, np.int64)) for name, ids in out]


def read_program(path: str | Path) -> Program:
    """Read a program image and rebuild the identical :class:`Program`."""
    from .compiler import CompileReport

    h, blobs = _unpack(Path(path).read_bytes(), PROGRAM_MAGIC, "neuromorph program", path, PROGRAM_VERSIONS)
    ch = h["chip"]
    chip = ChipSpec.from_dict(ch)
    c = chip.core
    net = Network(dt=h["dt"], name=h["name"])
    # per-gid registers from the core images
    n_total = sum(pop["size"] for pop in h["populations"])
    lif = {f: np.zeros(n_total, np.int64) for f, _ in _lif_fields(c)}
    izh = {f: np.zeros(n_total, np.int64) for f, _ in _izh_fields(c)}
    pre, tgt, w, d, fmt, lidx = [], [], [], [], [], []
    for img in h["cores"]:
        nn = img["n_neurons"]
        kinds = _unbits(blobs[img["kinds"]], "uint1", nn, path)
        gids = _unbits(blobs[img["gids"]], f"uint{h['gid_bits']}", nn, path)
        for f, dt in _lif_fields(c):
            lif[f][gids[kinds == 0]] = _unbits(blobs[img["lif"][f]], dt, img["n_lif"], path)
        for f, dt in _izh_fields(c):
            izh[f][gids[kinds == 1]] = _unbits(blobs[img["izh"][f]], dt, img["n_izh"], path)
        s, ns = img["syn"], img["n_synapses"]
        pre.append(_unbits(blobs[s["src"]], f"uint{h['gid_bits']}", ns, path))
        tgt.append(gids[_unbits(blobs[s["tgt"]], f"uint{c.synapse_index_bits}", ns, path)])
        w.append(_unbits(blobs[s["w"]], f"int{h.get('w_bits', c.weight_bits + 1)}", ns, path))
        d.append(_unbits(blobs[s["d"]], f"uint{max(1, c.delay_bits)}", ns, path))
        fmt.append(_unbits(blobs[s["fmt"]], f"uint{h['fmt_bits']}", ns, path))
        if h.get("lidx_bits"):
            lidx.append(_unbits(blobs[s["lidx"]], f"uint{h['lidx_bits']}", ns, path))
    for pop in h["populations"]:
        start = net.n_neurons
        sl = slice(start, start + pop["size"])
        if "source" in pop:
            net.add_source(pop["name"], pop["size"], _source_from_json(pop["source"]))
        elif pop["model"] == "LIFRegisters":
            L = {f: lif[f][sl] for f in lif}
            net.add_population(pop["name"], pop["size"], LIFRegisters(
                du=int(L["du"][0]), dv=int(L["dv"][0]), vth=int(L["vth"][0]), bias_mant=L["bias_mant"],
                bias_exp=L["bias_exp"], refractory_steps=int(L["refractory_steps"][0]), reset_u=bool(L["reset_u"][0]),
                reset_mode="subtract" if L["reset_sub"][0] else "zero", u_init=L["u_init"], v_init=L["v_init"]))
        else:
            Z = {f: izh[f][sl] for f in izh}
            scalars = {f: int(Z[f][0]) for f in ("k2", "k1", "k0", "dt", "adt", "b", "c", "d", "v_peak", "bias")}
            net.add_population(pop["name"], pop["size"], IzhikevichRegisters(
                **scalars, accommodation=bool(Z["accommodation"][0]), v_init=Z["v_init"], u_init=Z["u_init"]))
    cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0, np.int64)  # noqa: E731
    pre, tgt, w, d, fmt = (cat(x) for x in (pre, tgt, w, d, fmt))
    if h.get("lidx_bits"):      # restore each projection's own synapse order
        lidx = cat(lidx)
        order = np.lexsort((lidx, fmt))
        pre, tgt, w, d, fmt = (x[order] for x in (pre, tgt, w, d, fmt))
    for i, meta in enumerate(h["projections"]):
        m = fmt == i
        a, b = net.populations[meta["pre"]], net.populations[meta["post"]]
        net.projections.append(ProjectionRegisters(meta["pre"], meta["post"], pre[m] - a.start, tgt[m] - b.start,
                                                   w[m], d[m], meta["weight_exp"], meta["sign_mode"],
                                                   meta["num_weight_bits"],
                                                   _plasticity_from_json(meta, path)))
    net.probes = [StateProbe(pr["population"], np.array(pr["indices"], np.int64), tuple(pr["variables"]))
                  for pr in h["probes"]]
    net.injections = [CurrentInjection(i["population"], np.array(i["indices"], np.int64),
                                       np.frombuffer(blobs[i["values"]], "<i8").reshape(i["shape"]).copy(), i["start"])
                      for i in h["injections"]]
    scales = {name: (IzhScale if s["kind"] == "izh" else LIFScale)(s["v_per_lsb"], s["v_origin"], s["a_per_lsb"])
              for name, s in h["scales"].items()}
    report = CompileReport(h["report"]["parameters"], [], list(h["report"]["notes"]))
    core_of = np.full(n_total, -1, np.int64)
    for img in h["cores"]:
        core_of[_unbits(blobs[img["gids"]], f"uint{h['gid_bits']}", img["n_neurons"], path)] = img["core"]
    slots = np.array([img.get("slot", img["core"]) for img in h["cores"]], np.int64)
    try:
        program = build_program(net, chip, h["loihi_compat"], scales, report, placement=(core_of, slots))
    except (ParameterError, CapacityError) as e:
        raise FileFormatError(path, "cores", f"the placement does not fit the chip: {e}") from None
    report.notes[:] = list(dict.fromkeys(report.notes))     # build_program re-adds its own notes
    return program


# --------------------------------------------------------------------------------------
# Checkpoints
# --------------------------------------------------------------------------------------
def write_checkpoint(arrays: dict[str, np.ndarray], path: str | Path) -> None:
    """Write named integer (or float64) arrays as a checksummed checkpoint (atomic); the
    simulator's :meth:`~neuromorph.simulator.Simulator.save` uses it."""
    blobs, meta = [], {}
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        if a.dtype.name not in CHECKPOINT_DTYPES:
            raise ParameterError(name, a.dtype.name, f"one of {CHECKPOINT_DTYPES}", "write_checkpoint")
        meta[name] = {"dtype": a.dtype.name, "shape": list(a.shape), "block": len(blobs)}
        blobs.append(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes())
    header = {"format": "neuromorph-checkpoint", "version": 1, "arrays": meta}
    _atomic_write(path, _pack(CHECKPOINT_MAGIC, header, blobs))


def read_checkpoint(path: str | Path) -> dict[str, np.ndarray]:
    """Read a checkpoint written by :func:`write_checkpoint` (every block checked)."""
    h, blobs = _unpack(Path(path).read_bytes(), CHECKPOINT_MAGIC, "neuromorph checkpoint", path, (1,))
    out = {}
    for name, m in h["arrays"].items():
        if m["dtype"] not in CHECKPOINT_DTYPES:
            raise FileFormatError(path, f"block {m['block']} ({name})", f"dtype {m['dtype']!r} is not a checkpoint dtype")
        dt = np.dtype(m["dtype"]).newbyteorder("<")
        blob = blobs[m["block"]]
        if len(blob) != int(np.prod(m["shape"], dtype=np.int64)) * dt.itemsize:
            raise FileFormatError(path, f"block {m['block']} ({name})", f"{len(blob)} bytes for shape {m['shape']} "
                                                                       f"of {m['dtype']}")
        out[name] = np.frombuffer(blob, dt).reshape(m["shape"]).astype(dt.newbyteorder("="))
    return out

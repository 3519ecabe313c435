"""Hardware specification: every capacity, bit width and cost of a chip and its cores.

Frozen dataclasses, no state. ``LOIHI`` follows Loihi's published limits (Davies et al.,
IEEE Micro 2018; the per-core limits nengo-loihi enforces; the widths of Lava's
bit-accurate models). Every field is documented in docs/hardware-model.md §1.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .errors import ParameterError


@dataclass(frozen=True)
class CoreSpec:
    """One neuro-core: capacities, register widths and the fixed shifts of the LIF rule."""

    # capacities
    max_neurons: int = 1024
    max_fan_in_axons: int = 4096
    max_fan_out_axons: int = 4096
    synapse_memory_bits: int = 1 << 20
    synapse_index_bits: int = 10
    delay_bits: int = 6
    # state widths
    u_bits: int = 24
    v_bits: int = 24
    acc_bits: int = 16
    # register widths
    decay_bits: int = 12
    du_offset: int = 1
    vth_bits: int = 17
    vth_shift: int = 6
    input_shift: int = 6
    bias_mant_bits: int = 13
    bias_exp_bits: int = 3
    weight_bits: int = 8
    weight_exp_min: int = -8
    weight_exp_max: int = 7
    refractory_bits: int = 6
    # integer Izhikevich (docs/hardware-model.md §2b)
    izh_state_bits: int = 24
    izh_frac_bits: int = 12
    izh_coef_frac_bits: int = 20
    izh_prod_bits: int = 48
    # on-chip STDP (docs/hardware-model.md §3.5)
    plastic_weight_bits: int = 16
    trace_bits: int = 24
    trace_frac_bits: int = 18
    trace_decay_bits: int = 16
    learn_coef_bits: int = 16

    def __post_init__(self):
        limits = {
            "max_neurons": (1, 1 << 24), "max_fan_in_axons": (1, 1 << 24), "max_fan_out_axons": (1, 1 << 24),
            "synapse_memory_bits": (1, 1 << 40), "synapse_index_bits": (1, 32), "delay_bits": (0, 10),
            "u_bits": (8, 31), "v_bits": (8, 32), "acc_bits": (4, 32), "decay_bits": (1, 16),
            "du_offset": (0, 1), "vth_bits": (1, 32), "vth_shift": (0, 16), "input_shift": (0, 16),
            "bias_mant_bits": (2, 32), "bias_exp_bits": (0, 5), "weight_bits": (1, 16),
            "weight_exp_min": (-16, 0), "weight_exp_max": (0, 16), "refractory_bits": (0, 16),
            "izh_state_bits": (8, 32), "izh_frac_bits": (0, 24), "izh_coef_frac_bits": (4, 24),
            "izh_prod_bits": (16, 62), "plastic_weight_bits": (2, 16), "trace_bits": (2, 31),
            "trace_frac_bits": (1, 30), "trace_decay_bits": (1, 24), "learn_coef_bits": (2, 24),
        }
        for f in fields(self):
            lo, hi = limits[f.name]
            v = getattr(self, f.name)
            if not isinstance(v, int) or not lo <= v <= hi:
                raise ParameterError(f.name, v, f"an integer in [{lo}, {hi}]", "CoreSpec")
        if self.acc_bits - 1 + self.input_shift > self.u_bits:
            # u wraps once per step (§2): that lands it back in its u_bits range only if one step's
            # largest aligned input, 2**(acc_bits - 1 + input_shift), is at most 2**u_bits
            raise ParameterError("acc_bits", self.acc_bits, f"<= u_bits + 1 - input_shift = "
                                 f"{self.u_bits + 1 - self.input_shift} (one wrap per step must bring u back "
                                 "into its u_bits range)", "CoreSpec")
        if self.acc_bits - 1 + self.input_shift > 29:       # keeps u (int32 state) from overflowing
            raise ParameterError("acc_bits", self.acc_bits, f"<= {30 - self.input_shift} (acc_bits - 1 + input_shift "
                                 "<= 29, so the aligned input fits the 32-bit u register)", "CoreSpec")
        if self.izh_frac_bits > self.izh_state_bits - 8:
            raise ParameterError("izh_frac_bits", self.izh_frac_bits,
                                 f"<= izh_state_bits - 8 = {self.izh_state_bits - 8} (v needs 8 integer bits)", "CoreSpec")

        if self.trace_frac_bits >= self.trace_bits:
            raise ParameterError("trace_frac_bits", self.trace_frac_bits,
                                 f"< trace_bits = {self.trace_bits} (one spike must fit the trace)", "CoreSpec")

    # derived quantities -------------------------------------------------------------
    @property
    def delay_slots(self) -> int:
        """Number of distinct extra delays 0 .. delay_slots-1."""
        return 1 << self.delay_bits

    @property
    def bits_per_synapse(self) -> int:
        return self.weight_bits + self.delay_bits + self.synapse_index_bits

    @property
    def bits_per_plastic_synapse(self) -> int:
        return self.plastic_weight_bits + self.delay_bits + self.synapse_index_bits

    @property
    def max_synapses(self) -> int:
        return self.synapse_memory_bits // self.bits_per_synapse

    @property
    def decay_unity(self) -> int:
        return 1 << self.decay_bits

    @property
    def v_max(self) -> int:
        """v saturates at ±v_max."""
        return (1 << (self.v_bits - 1)) - 1

    @property
    def vth_max(self) -> int:
        return (1 << self.vth_bits) - 1

    @property
    def bias_mant_range(self) -> tuple[int, int]:
        return -(1 << (self.bias_mant_bits - 1)), (1 << (self.bias_mant_bits - 1)) - 1

    @property
    def bias_exp_max(self) -> int:
        return (1 << self.bias_exp_bits) - 1

    @property
    def refractory_max(self) -> int:
        return (1 << self.refractory_bits) - 1

    @property
    def weight_range(self) -> tuple[int, int]:
        """Mixed-sign clip range of a stored weight mantissa."""
        return -(1 << self.weight_bits), (1 << self.weight_bits) - 1

    def weight_grid(self, sign_mode: str, num_weight_bits: int) -> tuple[int, int, int]:
        """The weight grid of a static projection (§3.1; Lava's ``Dense`` preparation):
        ``(k, lo, hi)`` — mantissas clip to ``[lo, hi]`` (the sign mode's part of
        :attr:`weight_range`) and keep ``num_weight_bits`` bits, i.e. drop ``k`` LSBs."""
        full_lo, full_hi = self.weight_range
        lo, hi = {"mixed": (full_lo, full_hi), "excitatory": (0, full_hi), "inhibitory": (-full_hi, 0)}[sign_mode]
        return self.weight_bits - num_weight_bits + (1 if sign_mode == "mixed" else 0), lo, hi


@dataclass(frozen=True)
class Mesh:
    """Where cores sit (docs/hardware-model.md §9.1): ``cores_per_tile`` cores share a tile's
    router; tiles form a ``tiles_x`` × ``tiles_y`` mesh on each chip; chips form a
    ``chips_x`` × ``chips_y`` grid on a board, their meshes joined edge to edge into one
    global mesh of ``chips_x·tiles_x`` × ``chips_y·tiles_y`` tiles. Physical core ``p`` is
    slot ``p % cores_per_tile`` of tile ``(p // cores_per_tile) % tiles_per_chip`` (row-major,
    x fastest) on chip ``p // cores_per_chip`` (row-major)."""

    cores_per_tile: int = 4
    tiles_x: int = 8
    tiles_y: int = 4
    chips_x: int = 1
    chips_y: int = 1

    def __post_init__(self):
        for name in ("cores_per_tile", "tiles_x", "tiles_y", "chips_x", "chips_y"):
            v = getattr(self, name)
            if not isinstance(v, int) or not 1 <= v <= 1 << 12:
                raise ParameterError(name, v, "an integer in [1, 4096]", "Mesh")

    @property
    def tiles_per_chip(self) -> int:
        return self.tiles_x * self.tiles_y

    @property
    def cores_per_chip(self) -> int:
        return self.cores_per_tile * self.tiles_per_chip

    @property
    def n_cores(self) -> int:
        return self.cores_per_chip * self.chips_x * self.chips_y

    def position(self, p):
        """Global (x, y) tile coordinates, chip (cx, cy) and tile index of physical core(s) ``p``."""
        import numpy as np
        p = np.asarray(p, np.int64)
        chip, local = np.divmod(p, self.cores_per_chip)
        t = local // self.cores_per_tile
        cy, cx = np.divmod(chip, self.chips_x)
        ty, tx = np.divmod(t, self.tiles_x)
        x, y = cx * self.tiles_x + tx, cy * self.tiles_y + ty
        return x, y, cx, cy, y * (self.chips_x * self.tiles_x) + x

    @staticmethod
    def for_cores(n_cores: int, cores_per_tile: int = 4) -> "Mesh":
        """The smallest near-square single-chip mesh of ``cores_per_tile`` cores per tile that
        holds ``n_cores`` (used for chips given only a core count)."""
        tiles = -(-n_cores // cores_per_tile)
        tx = 1
        while tx * tx < tiles:
            tx += 1
        return Mesh(cores_per_tile, tx, -(-tiles // tx))


@dataclass(frozen=True)
class Price:
    """Energy (pJ) and latency (ns) of one operation; ``None`` where a table gives no figure."""

    pJ: float | None = None
    ns: float | None = None


PRICE_FIELDS = ("syn_op", "neuron_access", "neuron_update", "spike_out", "message_out", "message_in",
                "hop_x", "hop_y", "chip_hop", "syn_update")
"""The priced operations, in the order of docs/hardware-model.md §9.2."""


@dataclass(frozen=True)
class PriceTable:
    """Energy and latency per operation, as data (docs/hardware-model.md §9.2).

    Operations: ``syn_op`` (a synaptic event read and accumulated by the receiving core),
    ``neuron_access`` (every neuron of a core, every step), ``neuron_update`` (the extra cost
    of an *active* neuron, one that received input or is away from rest, §9.3),
    ``spike_out`` (a neuron fires),
    ``message_out`` / ``message_in`` (one spike message per (spike, destination core), sent
    and received), ``hop_x`` / ``hop_y`` (a message crosses one tile-to-tile link east–west /
    north–south), ``chip_hop`` (a link between chips, replacing a tile hop at a chip
    boundary), ``syn_update`` (a plastic weight read-modify-write). ``barrier_ns`` is the
    end-of-step barrier as ``(tiles in use, ns)`` points: with ``barrier_mode="linear"``
    linear between them and beyond the last two, with ``"step"`` the value of the largest
    point at or below the tiles in use (a lookup table); ``static_mW`` a chip's static power. A table with no figures at all is
    counts-only: time and energy are then reported as unavailable.
    """

    name: str
    source: str
    syn_op: Price = Price()
    neuron_access: Price = Price()
    neuron_update: Price = Price()
    spike_out: Price = Price()
    message_out: Price = Price()
    message_in: Price = Price()
    hop_x: Price = Price()
    hop_y: Price = Price()
    chip_hop: Price = Price()
    syn_update: Price = Price()
    barrier_ns: tuple = ()
    barrier_mode: str = "linear"
    static_mW: float = 0.0
    notes: str = ""

    def __post_init__(self):
        for f in PRICE_FIELDS:
            pr = getattr(self, f)
            if not isinstance(pr, Price):
                raise ParameterError(f, pr, "a Price(pJ, ns)", f"PriceTable {self.name!r}")
            for unit in ("pJ", "ns"):
                v = getattr(pr, unit)
                if v is not None and not (isinstance(v, (int, float)) and 0 <= v < 1e12):
                    raise ParameterError(f"{f}.{unit}", v, "None or a finite number >= 0", f"PriceTable {self.name!r}")
        pts = tuple(tuple(p) for p in self.barrier_ns)
        if any(len(p) != 2 or not p[0] >= 1 or not 0 <= p[1] < 1e12 for p in pts) or \
                any(b[0] <= a[0] for a, b in zip(pts, pts[1:])):
            raise ParameterError("barrier_ns", self.barrier_ns,
                                 "(tiles >= 1, ns >= 0) points with increasing tiles", f"PriceTable {self.name!r}")
        object.__setattr__(self, "barrier_ns", pts)
        if self.barrier_mode not in ("linear", "step"):
            raise ParameterError("barrier_mode", self.barrier_mode, "'linear' or 'step'", f"PriceTable {self.name!r}")
        if not 0 <= self.static_mW < 1e9:
            raise ParameterError("static_mW", self.static_mW, "a finite number >= 0", f"PriceTable {self.name!r}")

    @property
    def has_energy(self) -> bool:
        return any(getattr(self, f).pJ is not None for f in PRICE_FIELDS)

    @property
    def has_time(self) -> bool:
        return any(getattr(self, f).ns is not None for f in PRICE_FIELDS) or bool(self.barrier_ns)

    def barrier(self, tiles):
        """Barrier time (ns) for ``tiles`` tiles in use (0 for none; linear through the points)."""
        import numpy as np
        tiles = np.asarray(tiles, float)
        pts = self.barrier_ns
        if not pts:
            return np.zeros_like(tiles)
        if len(pts) == 1:
            return np.where(tiles > 0, pts[0][1], 0.0)
        x = np.array([p[0] for p in pts], float)
        y = np.array([p[1] for p in pts], float)
        if self.barrier_mode == "step":
            i = np.clip(np.searchsorted(x, tiles, side="right") - 1, 0, len(x) - 1)
            return np.where(tiles > 0, y[i], 0.0)
        lo = y[0] + (tiles - x[0]) * (y[1] - y[0]) / (x[1] - x[0])
        hi = y[-1] + (tiles - x[-1]) * (y[-1] - y[-2]) / (x[-1] - x[-2])
        out = np.where(tiles < x[0], lo, np.where(tiles > x[-1], hi, np.interp(tiles, x, y)))
        return np.where(tiles > 0, np.maximum(out, 0.0), 0.0)

    def to_dict(self) -> dict:
        d = {"name": self.name, "source": self.source, "notes": self.notes, "static_mW": self.static_mW,
             "barrier_ns": [list(p) for p in self.barrier_ns], "barrier_mode": self.barrier_mode}
        for f in PRICE_FIELDS:
            pr = getattr(self, f)
            d[f] = {"pJ": pr.pJ, "ns": pr.ns}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "PriceTable":
        """A table from a mapping (the form :meth:`to_dict` and the TOML/JSON files use);
        unknown keys are refused by name."""
        known = set(PRICE_FIELDS) | {"name", "source", "notes", "static_mW", "barrier_ns", "barrier_mode"}
        for k in d:
            if k not in known:
                raise ParameterError(k, d[k], f"one of {sorted(known)}", "price table")
        kw = {k: v for k, v in d.items() if k not in PRICE_FIELDS}
        for f in PRICE_FIELDS:
            if f in d:
                v = d[f]
                if not isinstance(v, dict) or set(v) - {"pJ", "ns"}:
                    raise ParameterError(f, v, "a table with keys pJ and/or ns", "price table")
                kw[f] = Price(v.get("pJ"), v.get("ns"))
        kw.setdefault("name", "user")
        kw.setdefault("source", "user table")
        return cls(**kw)

    @classmethod
    def load(cls, path) -> "PriceTable":
        """Read a price table from a ``.toml`` or ``.json`` file (see docs/hardware-model.md §9.2)."""
        import json
        from pathlib import Path
        path = Path(path)
        raw = path.read_bytes()
        if path.suffix == ".toml":
            try:
                import tomllib
            except ImportError:             # Python 3.10
                raise ParameterError("price table", str(path), "a .json file (reading TOML needs Python 3.11+)") from None
        try:
            d = tomllib.loads(raw.decode()) if path.suffix == ".toml" else json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise ParameterError("price table", str(path), f"a valid {path.suffix or 'JSON'} file ({e})") from None
        return cls.from_dict(d)


LOIHI_TABLE2 = PriceTable(
    name="loihi-table2",
    source="Davies et al., IEEE Micro 38(1) 2018, Table 2 (pre-silicon estimates at 0.75 V)",
    syn_op=Price(23.6, 3.5), neuron_access=Price(52.0, 5.3), neuron_update=Price(29.0, 3.1),
    message_out=Price(1.7, 2.1), hop_x=Price(3.0, 4.1), hop_y=Price(4.0, 6.5), syn_update=Price(120.0, 6.1),
    chip_hop=Price(30.0, 40.0),
    barrier_ns=((1, 113.0), (32, 465.0)),
    notes="an inactive neuron costs neuron_access (52 pJ / 5.3 ns), an active one access + update "
          "(81 pJ / 8.4 ns); spike_out and message_in are folded into the figures above (no separate entry "
          "in Table 2); "
          "chip_hop is an ASSUMPTION (10x a tile hop), nothing is published; the barrier is linear "
          "between the published 1-tile and 32-tile figures and extrapolated beyond")

SANAFE_LOIHI = PriceTable(
    name="sanafe-loihi",
    source="SANA-FE 2.2.9, loihi.yaml (Boyle et al., IEEE TCAD 2025): calibrated against measured Loihi",
    syn_op=Price(35.5, 3.8), neuron_access=Price(51.2, 6.0), neuron_update=Price(21.6, 3.7),
    spike_out=Price(69.3, 30.0), message_out=Price(111.0, 5.1), message_in=Price(0.0, 16.0),
    hop_x=Price(3.0, 4.1), hop_y=Price(4.2, 6.5),
    barrier_ns=((1, 600.0), (2, 1000.0), (4, 1400.0), (29, 1800.0)), barrier_mode="step",
    notes="the dense-synapse figures (sparse: 33.6 pJ / 4.7 ns, conv: 24.0 pJ / 3.1 ns); SANA-FE charges "
          "nothing for learning and has one chip (no chip_hop); its simple timing model leaves hop latency out "
          "(neuromorph's timing='simple')")

LOIHI2_COUNTS = PriceTable(
    name="loihi2-counts", source="none published: Loihi 2 has no per-operation energy or latency figures",
    notes="counts only: time and energy are reported as unavailable")

PRICE_TABLES = {t.name: t for t in (LOIHI_TABLE2, SANAFE_LOIHI, LOIHI2_COUNTS)}


def price_table(name_or_path) -> PriceTable:
    """A built-in table by name (``PRICE_TABLES``) or a user table from a .toml/.json file."""
    if isinstance(name_or_path, PriceTable):
        return name_or_path
    if str(name_or_path) in PRICE_TABLES:
        return PRICE_TABLES[str(name_or_path)]
    from pathlib import Path
    if Path(str(name_or_path)).suffix in (".toml", ".json"):
        return PriceTable.load(name_or_path)
    raise ParameterError("prices", name_or_path, f"one of {sorted(PRICE_TABLES)} or a .toml/.json file")


@dataclass(frozen=True)
class ChipSpec:
    """A chip (or a board of chips): ``n_cores`` identical cores on a :class:`Mesh`, and the
    :class:`PriceTable` its cost model uses (any other table can be applied after a run)."""

    name: str = "loihi"
    n_cores: int = 128
    core: CoreSpec = field(default_factory=CoreSpec)
    mesh: Mesh | None = None
    prices: PriceTable = LOIHI_TABLE2

    def __post_init__(self):
        if not isinstance(self.n_cores, int) or not 1 <= self.n_cores <= 1 << 20:
            raise ParameterError("n_cores", self.n_cores, "an integer in [1, 1048576]", "ChipSpec")
        if self.mesh is None:
            object.__setattr__(self, "mesh", Mesh() if self.n_cores == 128 else Mesh.for_cores(self.n_cores))
        if self.mesh.n_cores < self.n_cores:
            raise ParameterError("mesh", self.mesh, f"room for n_cores = {self.n_cores} (it holds {self.mesh.n_cores})",
                                 "ChipSpec")

    def with_core(self, **changes) -> "ChipSpec":
        """A copy whose core spec has the given fields changed."""
        return replace(self, core=replace(self.core, **changes))

    @classmethod
    def from_dict(cls, d: dict) -> "ChipSpec":
        """The inverse of ``dataclasses.asdict`` (program images store the chip this way)."""
        mesh = Mesh(**d["mesh"]) if d.get("mesh") else None
        prices = PriceTable.from_dict(d["prices"]) if d.get("prices") else LOIHI_TABLE2
        return cls(name=d["name"], n_cores=d["n_cores"], core=CoreSpec(**d["core"]), mesh=mesh, prices=prices)


LOIHI = ChipSpec()
"""Loihi-like preset: 128 cores of 1024 neurons on an 8 × 4 mesh of 4-core tiles, the Lava
bit-accurate LIF widths, priced by Davies et al. 2018 Table 2."""

LOIHI_BOARD = ChipSpec(name="loihi-board", n_cores=512, mesh=Mesh(chips_x=2, chips_y=2))
"""Four Loihi chips on a 2 × 2 board (512 cores): one 16 × 8 mesh of tiles whose links at
chip boundaries are priced as ``chip_hop`` (an assumption, §9.2)."""

LARGE = ChipSpec(name="large", n_cores=4096, core=CoreSpec(max_neurons=4096, max_fan_in_axons=1 << 16,
                                                           max_fan_out_axons=1 << 16,
                                                           synapse_memory_bits=1 << 24, synapse_index_bits=12),
                 mesh=Mesh(cores_per_tile=4, tiles_x=32, tiles_y=32))
"""Same arithmetic as LOIHI with bigger cores and more of them (for large benchmarks)."""

PRESETS = {"loihi": LOIHI, "loihi-board": LOIHI_BOARD, "large": LARGE}


def preset(name: str) -> ChipSpec:
    """Look up a chip preset by name."""
    if name not in PRESETS:
        raise ParameterError("preset", name, f"one of {sorted(PRESETS)}")
    return PRESETS[name]

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
class EnergyModel:
    """Energy per operation in picojoules (Davies et al. 2018, Table 2, rounded)."""

    synaptic_op_pJ: float = 23.6
    neuron_update_pJ: float = 52.0
    spike_message_pJ: float = 3.5
    synaptic_update_pJ: float = 120.0


@dataclass(frozen=True)
class ChipSpec:
    """A chip: ``n_cores`` identical cores and an energy model."""

    name: str = "loihi"
    n_cores: int = 128
    core: CoreSpec = field(default_factory=CoreSpec)
    energy: EnergyModel = field(default_factory=EnergyModel)

    def __post_init__(self):
        if not isinstance(self.n_cores, int) or not 1 <= self.n_cores <= 1 << 20:
            raise ParameterError("n_cores", self.n_cores, "an integer in [1, 1048576]", "ChipSpec")

    def with_core(self, **changes) -> "ChipSpec":
        """A copy whose core spec has the given fields changed."""
        return replace(self, core=replace(self.core, **changes))


LOIHI = ChipSpec()
"""Loihi-like preset: 128 cores of 1024 neurons, the Lava bit-accurate LIF widths."""

LARGE = ChipSpec(name="large", n_cores=4096, core=CoreSpec(max_neurons=4096, max_fan_in_axons=1 << 16,
                                                           max_fan_out_axons=1 << 16,
                                                           synapse_memory_bits=1 << 24, synapse_index_bits=12))
"""Same arithmetic as LOIHI with bigger cores and more of them (for large benchmarks)."""

PRESETS = {"loihi": LOIHI, "large": LARGE}


def preset(name: str) -> ChipSpec:
    """Look up a chip preset by name."""
    if name not in PRESETS:
        raise ParameterError("preset", name, f"one of {sorted(PRESETS)}")
    return PRESETS[name]

"""The compiled program's tables: the named, typed structures the kernels read and write.

One place defines every column the compiler emits and the kernels use, so nothing is
indexed by a bare column number and no list of names is written twice:

* record dtypes for the per-group and per-projection registers (``GROUP``, ``IZH``,
  ``PROJ``, ``RULE``): a row is read by field name (``groups[r].fu``), in NumPy and in numba;
* :class:`typing.NamedTuple` bundles of flat arrays (``Neurons``, ``Placement``,
  ``Synapses``, ``Learning``) — the parts of a :class:`~neuromorph.compiler.Program` — and
  of the simulator's run-time arrays (``State``, ``Scratch``, ``Inputs``, ``Records``) and
  integer constants (``Config``). numba passes a NamedTuple of arrays as one typed argument;
* the counter columns (``COUNTER_NAMES``) and the flag bits the integrate functions set.

Nothing here imports numba, so importing the simulator stays cheap. docs/hardware-model.md
§8 maps each table to the rule it serves.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

# -- per-core counters (one row per core, plus a host row for sources) -----------------------
COUNTER_NAMES = ("u_wrap", "v_sat", "acc_sat", "neuron_updates", "spikes", "syn_events", "messages", "u_sat",
                 "prod_sat", "trace_sat", "syn_updates", "active", "msgs_in", "hops_x", "hops_y", "chip_hops")
(U_WRAP, V_SAT, ACC_SAT, NEURON_UPDATES, SPIKES, SYN_EVENTS, MESSAGES, U_SAT, PROD_SAT, TRACE_SAT,
 SYN_UPDATES, ACTIVE, MSGS_IN, HOPS_X, HOPS_Y, CHIP_HOPS) = range(len(COUNTER_NAMES))
COST_COUNTERS = ("neuron_updates", "active", "spikes", "syn_events", "messages", "msgs_in", "hops_x", "hops_y",
                 "chip_hops", "syn_updates")
"""The counters the cost model prices (§9), in the column order of per-step cost counts."""
COST_COLUMNS = tuple(COUNTER_NAMES.index(c) for c in COST_COUNTERS)
OVERFLOW_KINDS = ("u_wrap", "v_sat", "acc_sat", "u_sat", "prod_sat", "trace_sat")
N_COUNTERS = len(COUNTER_NAMES)

# -- neuron kinds and the flag bits an integrate function sets per neuron ----------------------
KIND_LIF, KIND_IZH = 0, 1
F_SPIKE, F_ACC, F_UWRAP, F_VSAT, F_USAT, F_PROD, F_ACTIVE = 1, 2, 4, 8, 16, 32, 64

# -- record dtypes ------------------------------------------------------------------------------
_i8 = np.int64
GROUP = np.dtype([("start", _i8), ("stop", _i8), ("kind", _i8),
                  ("fu", _i8), ("fv", _i8), ("vth", _i8), ("ref_steps", _i8), ("reset_u", _i8), ("reset_sub", _i8)])
"""A contiguous id range of one neuron model. LIF registers are per population, so they are
stored once per group: decay factors ``fu = 2**decay_bits - (du + du_offset)``,
``fv = 2**decay_bits - dv``, effective threshold ``vth = vth_mant << vth_shift``, refractory
steps and the reset flags (§2). Izhikevich groups leave them 0 and read :data:`IZH`."""

IZH = np.dtype([(f, _i8) for f in ("k2", "k1", "k0", "dt", "adt", "b", "c", "d", "v_peak", "bias", "accom")])
"""Integer Izhikevich registers of one neuron (§2b); zeros for neurons of other kinds."""

PROJ = np.dtype([("wexp", _i8), ("wkind", _i8), ("part_off", _i8), ("post_start", _i8), ("post_size", _i8),
                 ("plastic", _i8)])
"""One projection: effective weight exponent (``weight_exp`` plus the stored weight's dropped
LSBs), how its stored weights read (``fixedpoint.WEIGHT_*``), the offset of its exact
partial-sum block when ``wexp < 0`` (else -1), its post population's id range, and whether it
learns (§3.1, §3.2, §3.5)."""

RULE = np.dtype([(f, _i8) for f in ("w_lo", "w_hi", "x1", "x2", "y1", "y2", "y3", "pre_start", "post_start",
                                     "y0_lo", "y0_hi", "x0_lo", "x0_hi", "u0_lo", "u0_hi")])
"""The learning registers of one projection (§3.5): the clip bounds of ``W``; where its
traces sit (``trace[x1 + j]`` for pre neuron j, ``trace[y1 + i]`` for post neuron i; -1 when
the rule keeps no such trace); the first gid of its pre and post populations; and its terms
``TERM[y0_lo:y0_hi]`` (dependency y0), ``[x0_lo:x0_hi]`` (x0), ``[u0_lo:u0_hi]`` (u0).
Rows of static projections are zero."""

TERM = np.dtype([(f, _i8) for f in ("mant", "exp", "nf", "f0", "c0", "q0", "f1", "c1", "q1", "f2", "c2", "q2")])
"""One product term of a learning rule (§3.5): scale ``mant · 2^exp``, ``nf`` factors with
codes ``f*`` (1..5: x1, x2, y1, y2, y3; 6: w), constants ``c*`` already in the factor's
register units, fraction bits ``q*`` (``trace_frac_bits`` for traces, 0 for w)."""
F_X1, F_X2, F_Y1, F_Y2, F_Y3, F_W = range(1, 7)


def records(dtype: np.dtype, rows) -> np.ndarray:
    """A record array of ``dtype`` from an iterable of tuples (an empty one for no rows)."""
    rows = list(rows)
    return np.array(rows, dtype=dtype) if rows else np.zeros(0, dtype)


# -- the program's parts (immutable after compiling) ----------------------------------------------
class Neurons(NamedTuple):
    """Neuron registers: ``groups`` (:data:`GROUP`) tile the neuron ids; ``bias`` is the LIF
    bias ``bias_mant << bias_exp`` per id; ``izh`` (:data:`IZH`) per id."""

    groups: np.ndarray
    bias: np.ndarray
    izh: np.ndarray


class InitialState(NamedTuple):
    """u and v of every id when the program starts (int64; the simulator keeps int32 state)."""

    u: np.ndarray
    v: np.ndarray


class Placement(NamedTuple):
    """Where neurons sit and where their messages go (§6, §9.1).

    ``core_of`` per id (sources sit on the host row ``n_cores``); ``n_dest`` output axons
    (destination cores) per id, which are ``dest_core[dest_ptr[g]:dest_ptr[g+1]]``;
    ``neurons_per_core``; ``slot_of_core`` the physical core (mesh position) of each logical
    core; per id the tile hops of all its messages under dimension-ordered routing,
    ``hops[g] = (x hops, y hops, chip-boundary crossings)`` (0 for sources: they enter from
    the host); the neuron ids of core ``run_core[r]`` in runs ``run_ptr[r]:run_ptr[r+1]``."""

    core_of: np.ndarray
    n_dest: np.ndarray
    neurons_per_core: np.ndarray
    slot_of_core: np.ndarray
    dest_ptr: np.ndarray
    dest_core: np.ndarray
    hops: np.ndarray
    run_ptr: np.ndarray
    run_core: np.ndarray


class Synapses(NamedTuple):
    """Synapse tables, CSR by source (§3.2). Neuron ``g`` owns segments
    ``axon_ptr[g]:axon_ptr[g+1]``; segment ``s`` holds synapses ``seg_ptr[s]:seg_ptr[s+1]`` of
    projection ``seg_proj[s]`` into core ``seg_core[s]``; synapse ``q`` targets ``syn_tgt[q]``
    with stored weight ``syn_w[q]`` and extra delay ``syn_d[q]``. ``proj`` (:data:`PROJ`) per
    projection. A simulator of a learning program swaps ``syn_w`` for its own writable copy."""

    axon_ptr: np.ndarray
    seg_ptr: np.ndarray
    seg_proj: np.ndarray
    seg_core: np.ndarray
    syn_tgt: np.ndarray
    syn_w: np.ndarray
    syn_d: np.ndarray
    proj: np.ndarray


class Learning(NamedTuple):
    """Learning-engine tables (§3.5): ``rule`` (:data:`RULE`) per projection and the
    ``terms`` (:data:`TERM`) they index; per post gid ``g`` its plastic synapses
    ``post_q[post_ptr[g]:post_ptr[g+1]]`` with each one's pre neuron index within its pre
    population (``post_pre``) and projection (``post_proj``); the traces gid ``g`` owns,
    ``own_idx[own_ptr[g]:own_ptr[g+1]]``; per trace its decay factor, impulse and projection.
    Empty arrays when nothing learns."""

    rule: np.ndarray
    terms: np.ndarray
    post_ptr: np.ndarray
    post_q: np.ndarray
    post_pre: np.ndarray
    post_proj: np.ndarray
    own_ptr: np.ndarray
    own_idx: np.ndarray
    tr_decay: np.ndarray
    tr_impulse: np.ndarray
    tr_proj: np.ndarray


# -- the simulator's run-time arrays ------------------------------------------------------------
class Config(NamedTuple):
    """Integer constants of a run: widths from the CoreSpec (some as derived limits) and switches."""

    n: int                  # neurons (ids) on the chip
    D: int                  # delay slots of the ring
    decay_bits: int
    u_bits: int
    v_bits: int
    acc_bits: int
    input_shift: int
    izh_F: int              # Izhikevich state fraction bits
    izh_P: int              # Izhikevich coefficient fraction bits
    izh_plim: int           # Izhikevich products saturate at +-izh_plim
    izh_slim: int           # Izhikevich state saturates at +-izh_slim
    trace_one: int          # a spike's trace impulse (1 << trace_frac_bits)
    trace_max: int          # traces saturate at trace_max
    trace_decay_bits: int
    threads: int
    par_neurons: int        # a step integrates in parallel from this many neurons
    par_spikes: int         # and routes in parallel from this many spikes
    has_ext: bool           # some neuron gets host-written input (injections)
    has_negexp: bool        # some projection has weight_exp < 0 (exact partial sums)
    has_plastic: bool
    has_u0: bool            # some learning rule has a u0 (every-step) term
    prefetch: bool
    strict: bool


class State(NamedTuple):
    """Everything that survives a step (with ``Synapses.syn_w`` when projections learn)."""

    u: np.ndarray
    v: np.ndarray
    ref: np.ndarray
    ring: np.ndarray        # (D * n) accumulators: slot (k % D) holds step k's input
    trace: np.ndarray
    counters: np.ndarray    # (n_cores + 1, N_COUNTERS)
    first_ovf: np.ndarray   # [kind, gid, step] of the first overflow (-1: none)


class Scratch(NamedTuple):
    """Per-step scratch: nothing survives a step in these."""

    flag: np.ndarray        # int32 per id (padded to 16): F_* bits set by integrate, F_SPIKE by firing sources
    ext_now: np.ndarray     # int64 per id: host-written input of this step
    pois_hit: np.ndarray
    slot_off: np.ndarray    # uint64 per delay slot: ring offset written by delay d
    partial: np.ndarray     # exact sums of negative-exponent projections
    part_mark: np.ndarray
    t_idx: np.ndarray
    t_pos: np.ndarray
    t_shift: np.ndarray


class Inputs(NamedTuple):
    """Source spikes and injected current of one chunk of steps (step ``s`` of the chunk)."""

    src_ptr: np.ndarray     # explicit/regular source spikes of step s: src_ids[src_ptr[s]:src_ptr[s+1]]
    src_ids: np.ndarray
    pois_gid: np.ndarray    # Poisson source neurons, drawn in the kernel
    pois_key: np.ndarray    # splitmix64(splitmix64(seed) ^ index)
    pois_thr: np.ndarray    # fire when the step's uint32 draw < thr
    ext_gid: np.ndarray     # injected neurons
    ext_val: np.ndarray     # (steps, len(ext_gid)) input of step s


class Records(NamedTuple):
    """What a run writes out: the spike log and probed u/v."""

    spk_step: np.ndarray
    spk_id: np.ndarray
    n_spk: np.ndarray       # [spikes in the log]
    probe_gids: np.ndarray
    tr_u: np.ndarray        # (steps, probes)
    tr_v: np.ndarray
    step_counters: np.ndarray   # int32 (steps, n_cores + 1, len(COST_COUNTERS)): each step's cost counts; (0, ...): off

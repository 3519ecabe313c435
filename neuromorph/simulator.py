"""Executor: chip state, the run loop, probes, counters, checkpoints.

The arithmetic lives in :mod:`neuromorph.kernels`; this module allocates state once,
generates source spikes per chunk of steps, calls the kernel, grows buffers, and packages
results as the neutral :class:`~neuromorph.network.RunResult`.
"""

from __future__ import annotations

import os

import numpy as np

from .compiler import Program, compile_network
from .errors import ChipOverflowError, ParameterError
from .hardware import LOIHI, ChipSpec
from .network import Network, PoissonSpikes, RunResult, SpikeLog, Traces
from .tables import COST_COUNTERS, COUNTER_NAMES, F_ACTIVE, GROUP, KIND_IZH, N_COUNTERS, NEURON_UPDATES, Config, Inputs, Records, Scratch, State

_notice = {"shown": False}
PROGRESS = {"after_s": None}    # the CLI sets a number: runs longer than that report progress on stderr
PREFETCH_TABLE_BYTES = 8 << 20
PARALLEL_THRESHOLDS = (12288, 2048)   # (ids, spikes in the step): see Simulator.parallel_thresholds
STATE_FIELDS = ("u", "v", "ref", "ring", "counters", "step", "syn_w", "trace")


class Simulator:
    """Runs a compiled :class:`~neuromorph.compiler.Program` step by step.

    Parameters
    ----------
    program : Program or Network
        A compiled program, or a network to compile with ``chip``/``loihi_compat``.
    strict : bool or None
        Raise :class:`ChipOverflowError` at the end of the first step in which any wrap
        or saturation happens. ``None`` (default) reads the environment variable
        ``NEUROMORPH_STRICT`` ("1" = strict); the test suite sets it.
    chunk_steps : int
        Steps per kernel call (bounds the memory of source events and traces per call).
    threads : int
        numba threads for the integrate and route phases (1: serial). Any number of threads
        gives the same bits: neurons are split into disjoint ranges and synaptic sums are
        exact, with each thread owning whole destination cores. Threads engage per step only
        above ``parallel_thresholds`` (default (12288 ids, 2048 spikes): measured on 2 cores, a parallel
        integrate pays from ~16k ids, a parallel route at none of the measured loads; docs/performance.md).
    prefetch : bool or None
        Prefetch synapse rows a few spikes ahead while routing (speed only, same bits).
        ``None`` (default): on when the synapse tables exceed 8 MiB (beyond the caches).
    record_cost : bool
        Keep the per-step, per-core operation counts the cost model prices
        (:attr:`cost_counts`, :meth:`cost`; docs/hardware-model.md §9): 40 bytes per core and
        step. ``False`` keeps only the run totals (:meth:`counter_table`).
    """

    def __init__(self, program: Program | Network, *, strict: bool | None = None, chip: ChipSpec = LOIHI,
                 loihi_compat: bool = False, chunk_steps: int = 16384, threads: int = 1,
                 prefetch: bool | None = None, record_cost: bool = True):
        if isinstance(program, Network):
            program = compile_network(program, chip, loihi_compat=loihi_compat)
        if not isinstance(program, Program):
            raise ParameterError("program", type(program).__name__, "a Program or a Network")
        if int(chunk_steps) < 1:
            raise ParameterError("chunk_steps", chunk_steps, ">= 1")
        self.program = p = program
        self.strict = os.environ.get("NEUROMORPH_STRICT") == "1" if strict is None else bool(strict)
        self.chunk_steps = int(chunk_steps)
        if int(threads) != threads or threads < 1:
            raise ParameterError("threads", threads, "an integer >= 1")
        self.threads = int(threads)
        # with threads > 1, a step's integrate runs in parallel only from this many neurons and
        # its route only from this many spikes (entering a parallel region costs microseconds);
        # (0, 0) always uses the threads. Bits are the same either way.
        self.parallel_thresholds = PARALLEL_THRESHOLDS
        groups = p.neurons.groups
        if self.threads > 1:          # finer groups so threads share the neurons
            rows = []
            for grp in groups:
                for a in range(int(grp["start"]), int(grp["stop"]), 2048):
                    row = grp.copy()
                    row["start"], row["stop"] = a, min(int(grp["stop"]), a + 2048)
                    rows.append(row)
            groups = np.array(rows, GROUP) if rows else groups
        self._neurons = p.neurons._replace(groups=groups)
        self.u = p.initial.u.astype(np.int32)     # state is int32 (widths <= 31/32 bits, checked by CoreSpec)
        self.v = p.initial.v.astype(np.int32)
        self.ref = np.zeros(p.n, np.int32)
        self.ring = np.zeros(p.D * p.n, np.int64)
        self.counters = np.zeros((p.n_cores + 1, N_COUNTERS), np.int64)
        self.step_count = 0
        self.record_cost = bool(record_cost)
        self._cost_counts: list[np.ndarray] = []
        self._cost_first = 0                       # the first step the cost counts cover
        self._layout_sum = None
        # prefetch synapse rows during routing when the tables outgrow the caches (speed only)
        self._prefetch = p.table_bytes() > PREFETCH_TABLE_BYTES if prefetch is None else bool(prefetch)
        # synaptic weights are state when projections learn (§3.5): the kernel gets its own copy
        self.syn_w = p.synapses.syn_w.copy()
        self._synapses = p.synapses._replace(syn_w=self.syn_w)
        self.trace = np.zeros(p.learning.tr_decay.size, np.int32)
        self._first_ovf = np.full(3, -1, np.int64)
        padded = -(-p.n // 16) * 16               # int32 flags are scanned 16 ids (8 uint64 words) at a time
        # scratch (no state survives a step in these)
        self._pois = self._poisson_tables()       # (gid, key, threshold) of every Poisson source neuron
        z = lambda dt: np.zeros(p.part_size, dt)  # noqa: E731
        self._scratch = Scratch(flag=np.zeros(padded, np.int32),
                                ext_now=np.zeros(p.n, np.int64), pois_hit=np.zeros(self._pois[0].size, np.bool_),
                                slot_off=np.zeros(p.D, np.uint64), partial=z(np.int64), part_mark=z(np.uint8),
                                t_idx=z(np.int64), t_pos=z(np.int64), t_shift=z(np.int64))
        self._ext_gid = (np.concatenate([g for g, _, _ in p.host.injections]) if p.host.injections
                         else np.zeros(0, np.int64)).astype(np.int64)
        # records
        self._spk_step = np.zeros(self._spike_room(), np.int64)
        self._spk_id = np.zeros_like(self._spk_step)
        self._n_spk = np.zeros(1, np.int64)
        self._tr_u: list[np.ndarray] = []
        self._tr_v: list[np.ndarray] = []
        self._tr_steps: list[np.ndarray] = []
        self._log_first = 0                       # the first step the spike log covers

    def _spike_room(self) -> int:
        """Free entries the spike log keeps (it doubles when a step might not fit)."""
        return max(1 << 20, 4 * self.program.n)

    def _config(self) -> Config:
        """The integer constants of the kernel call (widths of the program's CoreSpec, switches)."""
        p, c = self.program, self.program.chip.core
        return Config(n=p.n, D=p.D, decay_bits=c.decay_bits, u_bits=c.u_bits, v_bits=c.v_bits, acc_bits=c.acc_bits,
                      input_shift=c.input_shift, izh_F=c.izh_frac_bits, izh_P=c.izh_coef_frac_bits,
                      izh_plim=(1 << (c.izh_prod_bits - 1)) - 1, izh_slim=(1 << (c.izh_state_bits - 1)) - 1,
                      trace_one=1 << c.trace_frac_bits, trace_max=(1 << c.trace_bits) - 1,
                      trace_decay_bits=c.trace_decay_bits, threads=self.threads,
                      par_neurons=int(self.parallel_thresholds[0]), par_spikes=int(self.parallel_thresholds[1]),
                      has_ext=bool(self._ext_gid.size), has_negexp=bool(np.any(p.synapses.proj["wexp"] < 0)),
                      has_plastic=p.plastic,
                      has_u0=bool(np.any(p.learning.rule["u0_hi"] > p.learning.rule["u0_lo"])),
                      prefetch=self._prefetch, strict=self.strict)

    # -- running --------------------------------------------------------------------------
    def _poisson_tables(self):
        """Per Poisson source neuron i: gid, key splitmix64(splitmix64(seed) ^ i), threshold."""
        from .fixedpoint import splitmix64

        p = self.program
        gid, key, thr = [], [], []
        for start, size, src in p.host.sources:
            if isinstance(src, PoissonSpikes):
                gid.append(np.arange(start, start + size, dtype=np.int64))
                seed_key = splitmix64(np.array([src.seed], np.uint64))
                key.append(splitmix64(seed_key ^ np.arange(size, dtype=np.uint64)))
                thr.append(src.threshold(size, p.dt))
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731
        return cat(gid, np.int64), cat(key, np.uint64), cat(thr, np.uint64)

    def _source_events(self, k0: int, n: int):
        """Events of explicit and regular sources (Poisson sources are drawn inside the kernel)."""
        p = self.program
        steps, ids = [], []
        for start, size, src in p.host.sources:
            if isinstance(src, PoissonSpikes):
                continue
            s, i = src.events(size, p.dt, k0, n)
            steps.append(s)
            ids.append(i + start)
        if not steps:
            return np.zeros(n + 1, np.int64), np.zeros(0, np.int64)
        s, i = np.concatenate(steps), np.concatenate(ids)
        order = np.lexsort((i, s))
        s, i = s[order], i[order]
        ptr = np.searchsorted(s, np.arange(k0, k0 + n + 1)).astype(np.int64)
        return ptr, i.astype(np.int64)

    def _ext_values(self, k0: int, n: int) -> np.ndarray:
        """Injected input of steps k0..k0+n-1, one column per injected neuron (zeros outside each schedule)."""
        cols = []
        for gids, vals, start in self.program.host.injections:
            block = np.zeros((n, gids.size), np.int64)
            a, b = max(k0, start), min(k0 + n, start + vals.shape[0])
            if b > a:
                block[a - k0:b - k0] = vals[a - start:b - start]
            cols.append(block)
        return np.concatenate(cols, axis=1) if cols else np.zeros((n, 0), np.int64)

    def run(self, n_steps: int) -> "Simulator":
        """Advance ``n_steps`` steps (bit-identical to ``n_steps`` calls of :meth:`step`)."""
        if not (isinstance(n_steps, (int, np.integer)) or (isinstance(n_steps, float) and n_steps.is_integer())) \
                or n_steps < 0:
            raise ParameterError("n_steps", n_steps, "an integer >= 0", "Simulator.run")
        from . import kernels

        compile_notice(kernels)
        p = self.program
        cfg = self._config()
        state = State(self.u, self.v, self.ref, self.ring, self.trace, self.counters, self._first_ovf)
        if self.threads > 1:
            import numba

            numba.set_num_threads(min(self.threads, numba.config.NUMBA_NUM_THREADS))
        left = int(n_steps)
        report = _Progress(int(n_steps), p.dt, PROGRESS["after_s"])
        # a chunk's per-step cost counts stay under ~32 MiB
        chunk = self.chunk_steps if not self.record_cost else \
            max(1, min(self.chunk_steps, (32 << 20) // ((p.n_cores + 1) * len(COST_COUNTERS) * 4)))
        while left > 0:
            n = min(left, chunk)
            k0 = self.step_count
            src_ptr, src_ids = self._source_events(k0, n)
            ext_val = self._ext_values(k0, n)
            tr_u = np.zeros((n, p.host.probe_gids.size), np.int64)
            tr_v = np.zeros_like(tr_u)
            step_ctr = np.zeros((n if self.record_cost else 0, p.n_cores + 1, len(COST_COUNTERS)), np.int32)
            inputs = Inputs(src_ptr, src_ids, *self._pois, self._ext_gid, ext_val)
            done = 0
            while done < n:
                records = Records(self._spk_step, self._spk_id, self._n_spk, p.host.probe_gids, tr_u[done:],
                                  tr_v[done:], step_ctr[done:])
                got = kernels.run_steps(k0 + done, n - done, cfg, self._neurons, p.placement, self._synapses,
                                        p.learning, state, self._scratch, inputs._replace(
                                            src_ptr=src_ptr[done:], ext_val=ext_val[done:]), records)
                done += got
                self.step_count += got
                self.counters[:p.n_cores, NEURON_UPDATES] += p.placement.neurons_per_core * got
                if self.strict and self._first_ovf[0] >= 0:
                    self._keep_traces(k0, done, tr_u, tr_v)
                    if self.record_cost:
                        self._cost_counts.append(step_ctr[:done])
                    kind, g, k = (int(x) for x in self._first_ovf)
                    raise ChipOverflowError(COUNTER_NAMES[kind], int(p.placement.core_of[g]), g, k)
                if done < n:   # spike buffer full: grow it and continue
                    self._spk_step = np.concatenate([self._spk_step, np.zeros_like(self._spk_step)])
                    self._spk_id = np.concatenate([self._spk_id, np.zeros_like(self._spk_id)])
            self._keep_traces(k0, n, tr_u, tr_v)
            if self.record_cost:
                self._cost_counts.append(step_ctr)
            left -= n
            report.update(int(n_steps) - left)
        report.close()
        return self

    @property
    def cost_counts(self) -> np.ndarray:
        """Per-step operation counts, shape (steps, n_cores + 1, len(COST_COUNTERS)); row
        ``n_cores`` is the host (sources). Steps from :attr:`cost_first` on (a restore starts
        a new record)."""
        p = self.program
        if not self._cost_counts:
            return np.zeros((0, p.n_cores + 1, len(COST_COUNTERS)), np.int32)
        if len(self._cost_counts) > 1:
            self._cost_counts = [np.concatenate(self._cost_counts)]
        return self._cost_counts[0]

    def active_ids(self) -> np.ndarray:
        """The neurons that were active in the cost model's sense in the last step run
        (docs/hardware-model.md §9.3): the ids whose ``ACTIVE`` count it charged."""
        return np.nonzero(self._scratch.flag[:self.program.n] & F_ACTIVE)[0]

    def cost(self, prices=None, timing: str = "pipelined"):
        """The cost picture of the steps run so far (docs/hardware-model.md §9): a
        :class:`~neuromorph.cost.CostResult` priced by ``prices`` (a
        :class:`~neuromorph.hardware.PriceTable`, a built-in table's name or a .toml/.json
        file; default: the chip's own table)."""
        from .cost import evaluate

        if not self.record_cost:
            raise ParameterError("record_cost", False, "True (Simulator(record_cost=True)) to price the run")
        s = self.spikes
        return evaluate(self.program, self.cost_counts, s.steps, s.ids, first_step=self._cost_first,
                        prices=prices, timing=timing)

    def _keep_traces(self, k0, n, tr_u, tr_v):
        if self.program.host.probe_gids.size:
            self._tr_u.append(tr_u[:n])
            self._tr_v.append(tr_v[:n])
            self._tr_steps.append(np.arange(k0, k0 + n, dtype=np.int64))

    def step(self) -> "Simulator":
        """Advance one step."""
        return self.run(1)

    # -- results ----------------------------------------------------------------------------
    @property
    def spikes(self) -> SpikeLog:
        p = self.program
        n = int(self._n_spk[0])
        return SpikeLog(self._spk_step[:n].copy(), self._spk_id[:n].copy(), p.dt, self.step_count, dict(p.populations),
                        first_step=self._log_first)

    @property
    def traces(self) -> Traces:
        p = self.program
        cat = lambda xs, shape: np.concatenate(xs) if xs else np.zeros(shape, np.int64)  # noqa: E731
        m = p.host.probe_gids.size
        g = p.host.probe_gids
        return Traces(
            steps=cat(self._tr_steps, (0,)), ids=g.copy(), dt=p.dt,
            data={"u": cat(self._tr_u, (0, m)), "v": cat(self._tr_v, (0, m))},
            units=self._units(g),
            scale={"u": p.host.u_scale[g], "v": p.host.v_scale[g]},
            offset={"u": np.zeros(m), "v": p.host.v_origin[g]},
        )

    def _units(self, gids: np.ndarray) -> dict[str, str]:
        """Physical units of the probed columns: A/V (physical LIF), model units (Izhikevich), LSB (registers)."""
        p = self.program
        kinds = set()
        for grp in p.neurons.groups:
            sel = gids[(gids >= grp["start"]) & (gids < grp["stop"])]
            if sel.size:
                kinds.add("izh" if grp["kind"] == KIND_IZH else ("lif" if np.any(p.host.v_scale[sel] != 1.0) else "lsb"))
        table = {"lif": {"u": "A", "v": "V"}, "izh": {"u": "model units", "v": "mV"}, "lsb": {"u": "LSB", "v": "LSB"}}
        if len(kinds) == 1:
            return dict(table[kinds.pop()])
        return {"u": "mixed", "v": "mixed"}

    def counter_table(self) -> dict[str, np.ndarray]:
        """Counter name -> int64 array, one entry per core and a last entry for the host."""
        return {name: self.counters[:, i].copy() for i, name in enumerate(COUNTER_NAMES)}

    @property
    def weights(self) -> dict[int, np.ndarray]:
        """Current weights of the plastic projections: {projection index: array in the projection's
        own synapse order}; amperes (float64) when the post population is physical (LIF or
        Izhikevich compiled from physical units), W registers (int64) otherwise."""
        h, out = self.program.host, {}
        for i in np.nonzero(self.program.synapses.proj["plastic"])[0]:
            W = self.syn_w[h.plastic_q[h.plastic_ptr[i]:h.plastic_ptr[i + 1]]].astype(np.int64)
            out[int(i)] = W * h.w_scale[i] if h.w_scale[i] > 0 else W
        return out

    def result(self) -> RunResult:
        """Spikes, traces, counters, learned weights and (with ``record_cost``) the run priced
        by the chip's own table (``RunResult.cost``; :meth:`cost` applies any other)."""
        return RunResult(self.spikes, self.traces, self.counter_table(), self.weights,
                         info={"simulator": "neuromorph-chip", "chip": self.program.chip.name,
                               "loihi_compat": self.program.loihi_compat, "steps": self.step_count},
                         cost=self.cost() if self.record_cost else None)

    # -- checkpoint -------------------------------------------------------------------------
    def _layout(self) -> np.ndarray:
        """A checksum of the program's placement and table order (what a snapshot's arrays index);
        computed once per simulator (the program is immutable)."""
        if self._layout_sum is None:
            import zlib

            p, S = self.program, self.program.synapses
            h = 0
            for a in (p.placement.core_of, S.axon_ptr, S.seg_ptr, S.syn_tgt, S.syn_d, S.seg_proj):
                h = zlib.crc32(np.ascontiguousarray(a).view(np.uint8), h)
            self._layout_sum = np.array([p.n, p.D, p.n_synapses, h], np.int64)
        return self._layout_sum.copy()

    def state(self) -> dict[str, np.ndarray]:
        """The whole chip state as named integer arrays (copies). Plastic programs include their
        weight table ``syn_w`` and ``trace`` registers; ``layout`` identifies the program."""
        out = {"u": self.u.copy(), "v": self.v.copy(), "ref": self.ref.copy(), "ring": self.ring.copy(),
               "counters": self.counters.copy(), "step": np.array([self.step_count], np.int64),
               "layout": self._layout()}
        if self.program.plastic:
            out.update(syn_w=self.syn_w.copy(), trace=self.trace.copy())
        return out

    def restore(self, state: dict[str, np.ndarray]) -> "Simulator":
        """Continue from a :meth:`state` (or :meth:`checkpoint`) snapshot of a simulator of the same
        program. Every register is checked against its width first (a named error otherwise).
        A :meth:`checkpoint` brings its spike log and probe traces along; a bare :meth:`state`
        does not, so the spike log then restarts at the snapshot's step (``SpikeLog.first_step``)."""
        needed = STATE_FIELDS if self.program.plastic else STATE_FIELDS[:6]
        for name in needed:
            if name not in state:
                raise ParameterError("state", f"missing {name!r}", f"a dict with keys {needed}")
            mine = getattr(self, name) if name != "step" else np.array([self.step_count])
            if np.shape(state[name]) != np.shape(mine):
                raise ParameterError(name, f"shape {np.shape(state[name])}", f"shape {np.shape(mine)}", "restore")
        if "layout" in state and not np.array_equal(state["layout"], self._layout()):
            raise ParameterError("state", "a snapshot of another program (placement or synapse order differs)",
                                 "a state() of a simulator of this program", "restore")
        self._check_state(state)
        self.u[:], self.v[:], self.ref[:] = state["u"], state["v"], state["ref"]
        self.ring[:], self.counters[:] = state["ring"], state["counters"]
        if self.program.plastic:
            self.syn_w[:], self.trace[:] = state["syn_w"], state["trace"]
        self.step_count = int(state["step"][0])
        self._first_ovf[:] = -1
        self._cost_counts, self._cost_first = [], self.step_count      # the cost record restarts here
        if "log_steps" in state:                 # a checkpoint: the log and traces continue
            n = state["log_steps"].size
            if self._spk_step.size < n + self._spike_room():
                self._spk_step = np.zeros(n + self._spike_room(), np.int64)
                self._spk_id = np.zeros_like(self._spk_step)
            self._spk_step[:n], self._spk_id[:n] = state["log_steps"], state["log_ids"]
            self._n_spk[0] = n
            self._log_first = int(state["log_first"][0])
            m = self.program.host.probe_gids.size
            keep = state["trace_steps"].size > 0 and m > 0
            self._tr_steps = [state["trace_steps"].astype(np.int64)] if keep else []
            self._tr_u = [state["trace_u"].reshape(-1, m).astype(np.int64)] if keep else []
            self._tr_v = [state["trace_v"].reshape(-1, m).astype(np.int64)] if keep else []
        else:                                    # a bare state: the records restart here
            self._n_spk[0] = 0
            self._log_first = self.step_count
            self._tr_steps, self._tr_u, self._tr_v = [], [], []
        return self

    def _check_state(self, state: dict[str, np.ndarray]) -> None:
        """Refuse registers outside their widths (docs/hardware-model.md §1, §2, §2b, §3.5)."""
        c = self.program.chip.core

        def check(name, values, lo, hi, where):
            values = np.asarray(values, np.int64)
            bad = np.nonzero((values < lo) | (values > hi))[0]
            if bad.size:
                raise ParameterError(name, int(values[bad[0]]), f"[{lo}, {hi}]", f"restore: {where(int(bad[0]))}")

        half = 1 << (c.u_bits - 1)
        slim = (1 << (c.izh_state_bits - 1)) - 1
        for grp in self.program.neurons.groups:
            a, b = int(grp["start"]), int(grp["stop"])
            at = lambda i, a=a: f"neuron {a + i}"  # noqa: E731
            if grp["kind"] == KIND_IZH:
                check("u", state["u"][a:b], -slim, slim, at)
                check("v", state["v"][a:b], -slim, slim, at)
            else:
                check("u", state["u"][a:b], -half + 1, half, at)
                check("v", state["v"][a:b], -c.v_max, c.v_max, at)
                check("ref", state["ref"][a:b], 0, c.refractory_max, at)
        check("counters", np.ravel(state["counters"]), 0, np.iinfo(np.int64).max, lambda i: f"entry {i}")
        check("step", state["step"], 0, np.iinfo(np.int64).max, lambda i: "the step counter")
        if self.program.plastic:
            check("trace", state["trace"], 0, (1 << c.trace_bits) - 1, lambda i: f"trace {i}")
            q = self.program.synapses.proj["plastic"][self.program.synapse_sources[1]] > 0   # plastic synapses
            wl = 1 << (c.plastic_weight_bits - 1)
            check("syn_w", np.asarray(state["syn_w"])[q], -wl, wl - 1, lambda i: f"plastic synapse {np.nonzero(q)[0][i]}")

    def checkpoint(self) -> dict[str, np.ndarray]:
        """:meth:`state` plus the spike log and probe traces so far: what :meth:`save` writes, and
        what :meth:`restore` continues from with coherent results (the log covers the same span
        as the step count)."""
        log, tr = self.spikes, self.traces
        return dict(self.state(), log_steps=log.steps, log_ids=log.ids, log_first=np.array([log.first_step], np.int64),
                    trace_steps=tr.steps, trace_u=tr.data["u"], trace_v=tr.data["v"])

    def save(self, path) -> None:
        """Write :meth:`checkpoint` to ``path`` (atomic, checksummed; docs/file-formats.md)."""
        from .export import write_checkpoint

        write_checkpoint(self.checkpoint(), path)

    @classmethod
    def load(cls, program: Program | Network, path, **kwargs) -> "Simulator":
        """A simulator of ``program`` (compiled with ``kwargs`` as in the constructor) continued
        from the checkpoint at ``path``; refuses another program's checkpoint and out-of-range
        registers."""
        from .export import read_checkpoint

        return cls(program, **kwargs).restore(read_checkpoint(path))


class _Progress:
    """Progress of one ``run()`` on stderr, once it has lasted ``after_s`` seconds: steps done,
    simulated time and the real-time factor (simulated / wall seconds), per chunk of steps."""

    def __init__(self, total: int, dt: float, after_s: float | None):
        import time

        self.total, self.dt, self.after_s, self.t0, self.spoke = total, dt, after_s, time.perf_counter(), False

    def update(self, done: int) -> None:
        if self.after_s is None:
            return
        import sys
        import time

        wall = time.perf_counter() - self.t0
        if wall >= self.after_s and done < self.total:
            print(f"\r[chip] step {done:,}/{self.total:,} ({done * self.dt:.3g} s simulated, real-time factor "
                  f"{done * self.dt / wall:.3g})", end="", file=sys.stderr, flush=True)
            self.spoke = True

    def close(self) -> None:
        if self.spoke:
            import sys

            print(file=sys.stderr, flush=True)


def compile_notice(kernels) -> bool:
    """Before the first kernel call of the process: if numba has no cached compilation of the step
    loop for this source, say so on stderr (the user would otherwise wait ~20-30 s in silence).
    Returns whether it spoke. Reads numba's cache index (a private API: any surprise, say nothing)."""
    if _notice["shown"] or kernels.run_steps.signatures:
        return False
    _notice["shown"] = True
    try:
        cached = bool(kernels.run_steps._cache._cache_file._load_index())
    except Exception:                          # noqa: BLE001 - numba internals changed: stay quiet
        return False
    if not cached:
        import sys

        print("neuromorph: compiling the chip's kernels for this machine (once, about 20-30 s; cached for later "
              "runs) ...", file=sys.stderr, flush=True)
    return not cached


def run(network: Network, n_steps: int, *, chip: ChipSpec = LOIHI, loihi_compat: bool = False,
        strict: bool | None = None) -> RunResult:
    """Compile ``network`` for ``chip`` and run it ``n_steps`` steps."""
    return Simulator(network, chip=chip, loihi_compat=loihi_compat, strict=strict).run(n_steps).result()

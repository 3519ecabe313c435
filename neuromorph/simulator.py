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

PREFETCH_TABLE_BYTES = 8 << 20
PARALLEL_THRESHOLDS = (32768, 32)     # (neurons, spikes in the step): see Simulator.parallel_thresholds
STATE_FIELDS = ("u", "v", "ref", "ring", "counters", "step", "syn_w", "trace")
_COUNTER_NAMES = ("u_wrap", "v_sat", "acc_sat", "neuron_updates", "spikes", "syn_events", "messages", "u_sat",
                  "prod_sat", "trace_sat", "syn_updates")      # == kernels.COUNTER_NAMES (checked in tests; kept here so import stays cheap)


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
        above ``parallel_thresholds`` (default (32768 neurons, 32 spikes)).
    prefetch : bool or None
        Prefetch synapse rows a few spikes ahead while routing (speed only, same bits).
        ``None`` (default): on when the synapse tables exceed 8 MiB (beyond the caches).
    """

    def __init__(self, program: Program | Network, *, strict: bool | None = None, chip: ChipSpec = LOIHI,
                 loihi_compat: bool = False, chunk_steps: int = 16384, threads: int = 1,
                 prefetch: bool | None = None):
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
        if self.threads > 1:          # finer rows so threads share the neurons
            rows = [(a, min(hi, a + 2048), kind) for lo, hi, kind in p.ranges for a in range(lo, hi, 2048)]
        else:
            rows = [tuple(r) for r in p.ranges]
        # per-population LIF registers as scalars: [start, stop, kind, fu, fv, vth_eff, ref_steps, reset_u, reset_sub]
        self._ranges = np.array([(a, b, kind, p.fu[a], p.fv[a], p.vth_eff[a], p.ref_steps[a], p.reset_u[a],
                                  p.reset_sub[a]) for a, b, kind in rows], np.int64).reshape(-1, 9)
        self.u = p.u0.astype(np.int32)            # state is int32 (widths <= 31/32 bits, checked by CoreSpec)
        self.v = p.v0.astype(np.int32)
        self.ref = np.zeros(p.n, np.int32)
        self.ring = np.zeros(p.D * p.n, np.int64)
        self.counters = np.zeros((p.n_cores + 1, len(_COUNTER_NAMES)), np.int64)
        self.step_count = 0
        self._layout_sum = None
        # prefetch synapse rows during routing when the tables outgrow the caches (speed only)
        self._prefetch = p.table_bytes() > PREFETCH_TABLE_BYTES if prefetch is None else bool(prefetch)
        # synaptic weights are state when projections learn (§3.5): the kernel gets its own copy
        self.syn_w = p.syn_w.copy()
        L = p.learn if p.plastic else {}
        z = np.zeros(0, np.int64)
        self.trace = np.zeros(L["tr_decay"].size if L else 0, np.int32)
        self._learn_args = (bool(L), L.get("proj_plastic", np.zeros(0, np.uint8)), L.get("pl_reg", np.zeros((0, 8), np.int64)),
                            *(L.get(f, z) for f in ("post_ptr", "post_q", "post_x", "own_ptr", "own_idx", "tr_decay",
                                                    "tr_proj")))
        # scratch (no state survives a step in these)
        self._partial = np.zeros(p.part_size, np.int64)
        self._part_mark = np.zeros(p.part_size, np.uint8)
        self._t_idx = np.zeros(p.part_size, np.int64)
        self._t_pos = np.zeros(p.part_size, np.int64)
        self._t_shift = np.zeros(p.part_size, np.int64)
        padded = -(-p.n // 8) * 8                 # flags are scanned 8 ids (one uint64) at a time
        self._fire = np.zeros(padded, np.uint8)
        self._first_ovf = np.full(3, -1, np.int64)
        self._pois = self._poisson_tables()
        self._flag = np.zeros(padded, np.uint8)
        self._ext_now = np.zeros(p.n, np.int64)
        self._ext_gid = (np.concatenate([g for g, _, _ in p.injections]) if p.injections
                         else np.zeros(0, np.int64)).astype(np.int64)
        # records
        self._spk_step = np.zeros(max(1 << 20, 4 * p.n), np.int64)
        self._spk_id = np.zeros_like(self._spk_step)
        self._n_spk = np.zeros(1, np.int64)
        self._tr_u: list[np.ndarray] = []
        self._tr_v: list[np.ndarray] = []
        self._tr_steps: list[np.ndarray] = []

    # -- running --------------------------------------------------------------------------
    def _poisson_tables(self):
        """Per Poisson source neuron i: gid, key splitmix64(splitmix64(seed) ^ i), threshold, hit scratch."""
        from .network import _splitmix64

        p = self.program
        gid, key, thr = [], [], []
        for start, size, src in p.sources:
            if isinstance(src, PoissonSpikes):
                gid.append(np.arange(start, start + size, dtype=np.int64))
                seed_key = _splitmix64(np.array([src.seed], np.uint64))
                key.append(_splitmix64(seed_key ^ np.arange(size, dtype=np.uint64)))
                thr.append(src.threshold(size, p.dt))
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731
        gid = cat(gid, np.int64)
        return gid, cat(key, np.uint64), cat(thr, np.uint64), np.zeros(gid.size, np.bool_)

    def _source_events(self, k0: int, n: int):
        """Events of explicit and regular sources (Poisson sources are drawn inside the kernel)."""
        p = self.program
        steps, ids = [], []
        for start, size, src in p.sources:
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
        for gids, vals, start in self.program.injections:
            block = np.zeros((n, gids.size), np.int64)
            a, b = max(k0, start), min(k0 + n, start + vals.shape[0])
            if b > a:
                block[a - k0:b - k0] = vals[a - start:b - start]
            cols.append(block)
        return np.concatenate(cols, axis=1) if cols else np.zeros((n, 0), np.int64)

    def run(self, n_steps: int) -> "Simulator":
        """Advance ``n_steps`` steps (bit-identical to ``n_steps`` calls of :meth:`step`)."""
        if int(n_steps) != n_steps or n_steps < 0:
            raise ParameterError("n_steps", n_steps, "an integer >= 0")
        from . import kernels

        p, c = self.program, self.program.chip.core
        if self.threads > 1:
            import numba

            numba.set_num_threads(min(self.threads, numba.config.NUMBA_NUM_THREADS))
        left = int(n_steps)
        while left > 0:
            n = min(left, self.chunk_steps)
            k0 = self.step_count
            src_ptr, src_ids = self._source_events(k0, n)
            ext_val = self._ext_values(k0, n)
            tr_u = np.zeros((n, p.probe_gids.size), np.int64)
            tr_v = np.zeros_like(tr_u)
            done = 0
            while done < n:
                got = kernels.run_steps(
                    k0 + done, n - done, self.u, self.v, self.ref, self.ring, p.D,
                    p.is_src, p.fu, p.fv, p.vth_eff, p.bias, p.ref_steps, p.reset_u, p.reset_sub, p.core_of,
                    p.n_dest, p.axon_ptr, p.seg_ptr, p.seg_proj, p.seg_core, p.syn_tgt, self.syn_w, p.syn_d,
                    p.proj_wexp, p.proj_wkind, p.proj_part_off, p.proj_post_start, p.proj_post_size,
                    self._partial, self._part_mark, self._t_idx, self._t_pos, self._t_shift,
                    src_ptr[done:], src_ids, self._fire, *self._pois,
                    self._spk_step, self._spk_id, self._n_spk, self._ranges, self._flag,
                    self._flag.view(np.uint64), self._fire.view(np.uint64), self._ext_now, self._ext_gid,
                    ext_val[done:], *(p.izh[f] for f in ("k2", "k1", "k0", "dt", "adt", "b", "c", "d", "v_peak", "bias")),
                    p.izh_accom, c.izh_frac_bits, c.izh_coef_frac_bits, (1 << (c.izh_prod_bits - 1)) - 1,
                    (1 << (c.izh_state_bits - 1)) - 1, self.threads, *self.parallel_thresholds,
                    bool(np.any(p.proj_wexp < 0)), self._prefetch,
                    *self._learn_args, self.trace, 1 << c.trace_frac_bits, (1 << c.trace_bits) - 1, c.trace_decay_bits,
                    p.probe_gids, tr_u[done:], tr_v[done:],
                    self.counters, self.strict, self._first_ovf,
                    c.decay_bits, c.u_bits, c.v_bits, c.acc_bits, c.input_shift)
                done += got
                self.step_count += got
                self.counters[:p.n_cores, kernels.NEURON_UPDATES] += p.neurons_per_core * got
                if self.strict and self._first_ovf[0] >= 0:
                    self._keep_traces(k0, done, tr_u, tr_v)
                    kind, g, k = (int(x) for x in self._first_ovf)
                    raise ChipOverflowError(kernels.COUNTER_NAMES[kind], int(p.core_of[g]), g, k)
                if done < n:   # spike buffer full: grow it and continue
                    self._spk_step = np.concatenate([self._spk_step, np.zeros_like(self._spk_step)])
                    self._spk_id = np.concatenate([self._spk_id, np.zeros_like(self._spk_id)])
            self._keep_traces(k0, n, tr_u, tr_v)
            left -= n
        return self

    def _keep_traces(self, k0, n, tr_u, tr_v):
        if self.program.probe_gids.size:
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
        return SpikeLog(self._spk_step[:n].copy(), self._spk_id[:n].copy(), p.dt, self.step_count, dict(p.populations))

    @property
    def traces(self) -> Traces:
        p = self.program
        cat = lambda xs, shape: np.concatenate(xs) if xs else np.zeros(shape, np.int64)  # noqa: E731
        m = p.probe_gids.size
        g = p.probe_gids
        return Traces(
            steps=cat(self._tr_steps, (0,)), ids=g.copy(), dt=p.dt,
            data={"u": cat(self._tr_u, (0, m)), "v": cat(self._tr_v, (0, m))},
            units=self._units(g),
            scale={"u": p.u_scale[g], "v": p.v_scale[g]},
            offset={"u": np.zeros(m), "v": p.v_origin[g]},
        )

    def _units(self, gids: np.ndarray) -> dict[str, str]:
        """Physical units of the probed columns: A/V (physical LIF), model units (Izhikevich), LSB (registers)."""
        p = self.program
        kinds = set()
        for lo, hi, kind in p.ranges:
            sel = gids[(gids >= lo) & (gids < hi)]
            if sel.size:
                kinds.add("izh" if kind == 1 else ("lif" if np.any(p.v_scale[sel] != 1.0) else "lsb"))
        table = {"lif": {"u": "A", "v": "V"}, "izh": {"u": "model units", "v": "mV"}, "lsb": {"u": "LSB", "v": "LSB"}}
        if len(kinds) == 1:
            return dict(table[kinds.pop()])
        return {"u": "mixed", "v": "mixed"}

    def counter_table(self) -> dict[str, np.ndarray]:
        """Counter name -> int64 array, one entry per core and a last entry for the host."""
        from .kernels import COUNTER_NAMES

        return {name: self.counters[:, i].copy() for i, name in enumerate(COUNTER_NAMES)}

    @property
    def weights(self) -> dict[int, np.ndarray]:
        """Current weights of the plastic projections: {projection index: array in the projection's
        own synapse order}; amperes (float64) when the post population is physical (LIF or
        Izhikevich compiled from physical units), W registers (int64) otherwise."""
        p = self.program
        if not p.plastic:
            return {}
        L, out = p.learn, {}
        for i in np.nonzero(L["proj_plastic"])[0]:
            W = self.syn_w[L["local_q"][L["local_ptr"][i]:L["local_ptr"][i + 1]]].astype(np.int64)
            out[int(i)] = W * L["w_scale"][i] if L["w_scale"][i] > 0 else W
        return out

    def result(self) -> RunResult:
        return RunResult(self.spikes, self.traces, self.counter_table(), self.weights,
                         info={"simulator": "neuromorph-chip", "chip": self.program.chip.name,
                               "loihi_compat": self.program.loihi_compat, "steps": self.step_count})

    # -- checkpoint -------------------------------------------------------------------------
    def _layout(self) -> np.ndarray:
        """A checksum of the program's placement and table order (what a snapshot's arrays index);
        computed once per simulator (the program is immutable)."""
        if self._layout_sum is None:
            import zlib

            p = self.program
            h = 0
            for a in (p.core_of, p.axon_ptr, p.seg_ptr, p.syn_tgt, p.syn_d, p.seg_proj):
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
        """Continue from a :meth:`state` snapshot of a simulator of the same program."""
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
        self.u[:], self.v[:], self.ref[:] = state["u"], state["v"], state["ref"]
        self.ring[:], self.counters[:] = state["ring"], state["counters"]
        if self.program.plastic:
            self.syn_w[:], self.trace[:] = state["syn_w"], state["trace"]
        self.step_count = int(state["step"][0])
        return self


def run(network: Network, n_steps: int, *, chip: ChipSpec = LOIHI, loihi_compat: bool = False,
        strict: bool | None = None) -> RunResult:
    """Compile ``network`` for ``chip`` and run it ``n_steps`` steps."""
    return Simulator(network, chip=chip, loihi_compat=loihi_compat, strict=strict).run(n_steps).result()

"""The cost model: time and energy of every step, per core, from the kernel's counts.

The kernel records what the chip did (``tables.COST_COUNTERS`` per core and step); this
module prices it with a :class:`~neuromorph.hardware.PriceTable` and adds what the counts
alone do not say — the load of the busiest mesh link and the longest route of each step,
worked out from the spike log and the placement. Floats live only here, never in the
chip's state update. Every formula is in docs/hardware-model.md §9.

Any table can be applied after a run: the counts are kept, the prices are an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .errors import ParameterError
from .hardware import PriceTable, price_table
from .tables import COST_COUNTERS

(C_NEURONS, C_ACTIVE, C_SPIKES, C_SYN, C_MSG_OUT, C_MSG_IN, C_HX, C_HY, C_CHIP, C_LEARN) = range(len(COST_COUNTERS))
TIMINGS = ("pipelined", "simple")
"""``pipelined``: slowest core + network + barrier; ``simple``: slowest core + barrier
(SANA-FE's ``simple`` timing model, which leaves the network out)."""


@njit(cache=True)
def mesh_traffic(step_ptr, spk_id, core_of, n_cores, gx, gy, dest_ptr, dest_core, tiles_x, tiles_y, width, height,
                 hop_ns):
    """Per step: the most messages any directed tile-to-tile link carries, and the longest
    route (ns) of any message, under dimension-ordered routing (x first, then y; §9.1).

    ``gx``/``gy``: global tile coordinates of each logical core; ``hop_ns`` = (x hop, y hop,
    chip hop) latencies. Sources (``core_of == n_cores``) enter from the host: no links."""
    S = step_ptr.size - 1
    max_link = np.zeros(S, np.int64)
    max_route = np.zeros(S, np.float64)
    load = np.zeros(width * height * 4, np.int64)
    touched = np.empty(0, np.int64)
    cap = 0
    for k in range(S):
        nt = 0
        for e in range(step_ptr[k], step_ptr[k + 1]):
            g = spk_id[e]
            a = core_of[g]
            if a >= n_cores:
                continue
            for j in range(dest_ptr[g], dest_ptr[g + 1]):
                b = dest_core[j]
                x, y = gx[a], gy[a]
                route = 0.0
                while x != gx[b] or y != gy[b]:
                    if x != gx[b]:
                        step = 1 if gx[b] > x else -1
                        link = (y * width + x) * 4 + (0 if step > 0 else 1)
                        cross = (x // tiles_x) != ((x + step) // tiles_x)
                        route += hop_ns[2] if cross else hop_ns[0]
                        x += step
                    else:
                        step = 1 if gy[b] > y else -1
                        link = (y * width + x) * 4 + (2 if step > 0 else 3)
                        cross = (y // tiles_y) != ((y + step) // tiles_y)
                        route += hop_ns[2] if cross else hop_ns[1]
                        y += step
                    if load[link] == 0:
                        if nt == cap:
                            cap = 2 * cap + 64
                            grown = np.empty(cap, np.int64)
                            grown[:nt] = touched[:nt]
                            touched = grown
                        touched[nt] = link
                        nt += 1
                    load[link] += 1
                if route > max_route[k]:
                    max_route[k] = route
        m = 0
        for t in range(nt):
            if load[touched[t]] > m:
                m = load[touched[t]]
            load[touched[t]] = 0
        max_link[k] = m
    return max_link, max_route


def _p(price, unit):
    v = getattr(price, unit)
    return 0.0 if v is None else float(v)


@dataclass
class CostResult:
    """Time and energy of a run, per step and per core (docs/hardware-model.md §9).

    ``counts`` are the raw per-step, per-core operation counts (``COST_COUNTERS`` columns;
    the last row is the host); ``time_ns`` / ``energy_pJ`` per step (``None`` when the table
    has no latencies / energies); ``core_ns`` (steps, cores) the busy time of each core;
    ``soma_ns`` / ``dendrite_ns`` its two pipelines; ``network_ns``, ``barrier_ns`` per step;
    ``busiest_link`` messages on the busiest link per step; ``core_energy_pJ`` (steps,
    cores) the energy of each core's own operations, ``network_energy_pJ`` per step that of
    the mesh (hops); ``energy_by_op_pJ`` the run's energy per operation."""

    prices: PriceTable
    timing: str
    first_step: int
    dt: float
    counts: np.ndarray
    tiles_in_use: int
    time_ns: np.ndarray | None
    energy_pJ: np.ndarray | None
    core_ns: np.ndarray
    soma_ns: np.ndarray
    dendrite_ns: np.ndarray
    network_ns: np.ndarray
    barrier_ns: np.ndarray
    busiest_link: np.ndarray
    longest_route_ns: np.ndarray
    core_energy_pJ: np.ndarray | None
    network_energy_pJ: np.ndarray | None
    energy_by_op_pJ: dict = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        return self.counts.shape[0]

    def totals(self) -> dict[str, np.ndarray]:
        """Operation counts per core over the run (host row last)."""
        t = self.counts.sum(axis=0, dtype=np.int64)
        return {name: t[:, i] for i, name in enumerate(COST_COUNTERS)}

    def slowest_core(self) -> int:
        """The core that is the bottleneck in the most steps (ties: the lower core)."""
        if self.n_steps == 0 or self.core_ns.shape[1] == 0:
            return -1
        return int(np.bincount(np.argmax(self.core_ns, axis=1), minlength=self.core_ns.shape[1]).argmax())

    def summary(self) -> dict:
        """The figures ``neuromorph map`` prints: time per step (mean, p99), energy per step,
        per synaptic event, the energy-delay product and the slowest core."""
        out = {"prices": self.prices.name, "timing": self.timing, "steps": self.n_steps,
               "tiles_in_use": self.tiles_in_use, "slowest_core": self.slowest_core()}
        tot = self.counts.sum(axis=(0, 1), dtype=np.int64)
        for i, name in enumerate(COST_COUNTERS):
            out[name] = int(tot[i])
        if self.time_ns is not None and self.n_steps:
            out["time_ns_mean"] = float(self.time_ns.mean())
            out["time_ns_p99"] = float(np.percentile(self.time_ns, 99))
            out["time_ns_max"] = float(self.time_ns.max())
            out["realtime_factor"] = float(self.dt * 1e9 / self.time_ns.mean()) if self.time_ns.mean() > 0 else None
        if self.energy_pJ is not None and self.n_steps:
            e = float(self.energy_pJ.sum())
            out["energy_pJ_per_step"] = e / self.n_steps
            out["energy_pJ_per_syn_event"] = float(e / tot[C_SYN]) if tot[C_SYN] else None
            if self.time_ns is not None:
                out["edp_pJ_ns"] = float(np.mean(self.energy_pJ * self.time_ns))
        return out


def tiles_in_use(program) -> int:
    """Tiles that hold at least one core of the program."""
    mesh = program.chip.mesh
    return int(np.unique(mesh.position(program.placement.slot_of_core)[4]).size)


def evaluate(program, counts: np.ndarray, spk_steps: np.ndarray, spk_ids: np.ndarray, *, first_step: int = 0,
             prices=None, timing: str = "pipelined") -> CostResult:
    """Price per-step counts (``Simulator.cost_counts``) of ``program`` (§9).

    ``spk_steps``/``spk_ids``: the spike log (entries before ``first_step`` are ignored),
    for the busiest link and the longest route of each step."""
    if timing not in TIMINGS:
        raise ParameterError("timing", timing, f"one of {TIMINGS}")
    prices = program.chip.prices if prices is None else price_table(prices)
    P = program.placement
    n_cores = program.n_cores
    mesh = program.chip.mesh
    counts = np.asarray(counts)
    S = counts.shape[0]
    c = counts[:, :n_cores, :].astype(np.float64)
    pr = prices
    soma = (c[..., C_NEURONS] * _p(pr.neuron_access, "ns") + c[..., C_ACTIVE] * _p(pr.neuron_update, "ns")
            + c[..., C_SPIKES] * _p(pr.spike_out, "ns") + c[..., C_MSG_OUT] * _p(pr.message_out, "ns"))
    dend = (c[..., C_MSG_IN] * _p(pr.message_in, "ns") + c[..., C_SYN] * _p(pr.syn_op, "ns")
            + c[..., C_LEARN] * _p(pr.syn_update, "ns"))
    core_ns = np.maximum(soma, dend)
    # the network: the busiest link and the longest route, from the spike log
    keep = spk_steps >= first_step
    steps, ids = spk_steps[keep] - first_step, spk_ids[keep]
    step_ptr = np.searchsorted(steps, np.arange(S + 1)).astype(np.int64)
    gx, gy, _, _, _ = mesh.position(P.slot_of_core)
    hop_ns = np.array([_p(pr.hop_x, "ns"), _p(pr.hop_y, "ns"), _p(pr.chip_hop, "ns")])
    width, height = mesh.chips_x * mesh.tiles_x, mesh.chips_y * mesh.tiles_y
    busiest, route = mesh_traffic(step_ptr, ids.astype(np.int64), P.core_of.astype(np.int64), n_cores,
                                  gx.astype(np.int64), gy.astype(np.int64), P.dest_ptr, P.dest_core.astype(np.int64),
                                  mesh.tiles_x, mesh.tiles_y, width, height, hop_ns)
    link_ns = max(hop_ns[0], hop_ns[1])
    network = route + np.maximum(busiest - 1, 0) * link_ns if timing == "pipelined" else np.zeros(S)
    tiles = tiles_in_use(program)
    barrier = np.full(S, float(pr.barrier(tiles)))
    slowest = core_ns.max(axis=1) if n_cores else np.zeros(S)
    time_ns = slowest + network + barrier if pr.has_time else None
    energy = core_energy = net_energy = None
    by_op = {}
    if pr.has_energy:
        on_core = {"neuron_access": (C_NEURONS, pr.neuron_access), "neuron_update": (C_ACTIVE, pr.neuron_update),
                   "spike_out": (C_SPIKES, pr.spike_out), "message_out": (C_MSG_OUT, pr.message_out),
                   "message_in": (C_MSG_IN, pr.message_in), "syn_op": (C_SYN, pr.syn_op),
                   "syn_update": (C_LEARN, pr.syn_update)}
        on_mesh = {"hop_x": (C_HX, pr.hop_x), "hop_y": (C_HY, pr.hop_y), "chip_hop": (C_CHIP, pr.chip_hop)}
        core_energy = np.zeros((S, n_cores))
        net_energy = np.zeros(S)
        for name, (col, price) in {**on_core, **on_mesh}.items():
            e = c[..., col] * _p(price, "pJ")
            by_op[name] = float(e.sum())
            if name in on_core:
                core_energy += e
            else:
                net_energy += e.sum(axis=1)
        energy = core_energy.sum(axis=1) + net_energy
        if pr.static_mW and time_ns is not None:
            static = pr.static_mW * time_ns         # mW x ns = pJ
            by_op["static"] = float(static.sum())
            energy = energy + static
    return CostResult(prices=pr, timing=timing, first_step=first_step, dt=program.dt, counts=counts,
                      tiles_in_use=tiles, time_ns=time_ns, energy_pJ=energy, core_ns=core_ns, soma_ns=soma,
                      dendrite_ns=dend, network_ns=network, barrier_ns=barrier, busiest_link=busiest,
                      longest_route_ns=route, core_energy_pJ=core_energy, network_energy_pJ=net_energy,
                      energy_by_op_pJ=by_op)

"""Placement: which core each neuron lives on, and where each core sits on the mesh.

A spike of neuron ``g`` sends one message to each distinct core holding a post-synaptic
target of ``g``; the message travels from the source core's tile to the destination's
tile by dimension-ordered routing, ``|dx| + |dy|`` tile hops (docs/hardware-model.md §9.1,
:class:`neuromorph.hardware.Mesh`). Sources are off-chip (host) inputs: they are placed on
no core (``core_of = -1``), every message they send is inter-core and travels no hops.

Strategies (:func:`place`):

``in_order``
    Greedy in gid order: each core takes as many consecutive neurons as its capacities
    allow (neurons, synapse memory bits, fan-in axons). Core ``k`` sits at physical slot ``k``.
``balanced``
    The same number of cores ``K`` as ``in_order``, cut into ``K`` contiguous gid ranges that
    minimise the largest per-core load ``max(neurons / N, synapse bits / B)`` and, within
    that bound, split the load as evenly as possible. Core ``k`` sits at slot ``k``.
``traffic``
    A METIS partition (pymetis, seeded) of the neuron graph into ``K`` parts minimising the
    activity-weighted cut, repaired to every capacity, then laid out on the mesh to reduce
    the activity-weighted hop total (greedy, then pairwise swaps). The predicted inter-core
    messages of the METIS partition are compared with those of the ``in_order`` partition
    and the lower one is kept (ties keep ``in_order``'s), so **``traffic`` never predicts
    more inter-core messages than ``in_order``**; either way the mesh layout is kept only if
    it predicts fewer hops than the identity layout.

:func:`traffic_metrics` predicts messages, inter-core messages and hops of a placement.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .errors import CapacityError, ParameterError, check_range
from .hardware import CoreSpec, Mesh

STRATEGIES = ("in_order", "balanced", "traffic")

_EMPTY = np.zeros(0, np.int64)
_METIS_EDGES = 1 << 19
"""The most synapses the METIS graph is built from; more are importance-sampled (METIS time
grows with edges: ~1-2 s at this size on a random 50k-neuron graph)."""
_LAYOUT_PARTS = 2048
_LAYOUT_WORK = 4e8
"""Beyond these (cores; candidate slots × core pairs) the mesh layout is skipped: identity."""


class Placed(NamedTuple):
    """A placement. ``core_of``: logical core per gid (int32, -1 for sources);
    ``slot_of_core``: physical core index on the mesh of each logical core (int64, distinct);
    ``cores``: per logical core ``dict(core, neurons, synapses, fan_in)``; ``strategy``: the
    strategy asked for; ``note``: how the result was reached (``traffic``: which partition won)."""

    core_of: np.ndarray
    slot_of_core: np.ndarray
    cores: list
    strategy: str
    note: str = ""


# Sort-based set operations: numpy's hash-based np.unique is far slower on large int arrays.
def _starts(s: np.ndarray) -> np.ndarray:
    """Mask of the first element of each run of equal values in sorted ``s``."""
    return np.r_[True, s[1:] != s[:-1]] if s.size else np.zeros(0, bool)


def _width(n: int) -> int:
    """Bits that hold 0 .. n - 1 (pairs are packed as (hi << width) | lo: no division)."""
    return max(1, int(n - 1).bit_length())


def _unique(a: np.ndarray) -> np.ndarray:
    s = np.sort(a)
    return s[_starts(s)]


def _isin_sorted(a: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``a``'s elements found in sorted ``table``."""
    if table.size == 0:
        return np.zeros(a.shape, bool)
    i = np.minimum(np.searchsorted(table, a), table.size - 1)
    return table[i] == a


def _group_sum(keys: np.ndarray, w: np.ndarray):
    """Distinct keys (sorted) and the sum of ``w`` over each."""
    o = np.argsort(keys, kind="stable")
    k = keys[o]
    st = np.flatnonzero(_starts(k))
    return k[st], (np.add.reduceat(w[o], st) if st.size else np.zeros(0))


def _ranges(starts: np.ndarray, ends: np.ndarray):
    """Indices of the concatenated ranges ``[starts[i], ends[i])`` and the ``i`` each comes from."""
    lengths = ends - starts
    owner = np.repeat(np.arange(starts.size), lengths)
    idx = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths - starts, lengths)
    return idx, owner


class _Synapses:
    """Synapses sorted by post, with each placed neuron's range and resource use.

    Neurons are indexed by their position in ``gids`` (ascending). ``lo[i]:hi[i]`` are the
    synapses into neuron ``i`` in ``pre_sorted``; ``bits[i]`` their memory cost; ``cum``,
    ``cumb`` prefix sums of synapse counts and bits over that order. Sources have no
    synapses into them, so a run of neurons owns one contiguous run of synapses."""

    def __init__(self, gids, pre, post, syn_bits, core: CoreSpec, n_neurons: int):
        self.core = core
        self.gids = gids
        self.n = gids.size
        S = post.size
        ws = _width(S)
        if S < 2 or np.all(post[1:] >= post[:-1]):
            order = None
        elif _width(n_neurons) + ws < 63:           # a stable argsort by post, by an unstable sort
            order = np.sort((post << ws) | np.arange(S)) & ((1 << ws) - 1)
        else:
            order = np.argsort(post, kind="stable")
        self.pre_sorted = pre if order is None else pre[order]
        self.post_sorted = post_sorted = post if order is None else post[order]
        syn_bits = syn_bits if order is None else syn_bits[order]
        self.lo = np.searchsorted(post_sorted, gids)
        self.hi = np.searchsorted(post_sorted, gids, side="right")
        self.cum = np.concatenate([[0], np.cumsum(self.hi - self.lo)])
        bits_sorted = np.concatenate([[0], np.cumsum(syn_bits)]) if S else np.zeros(1, np.int64)
        self.bits = bits_sorted[self.hi] - bits_sorted[self.lo]
        self.cumb = np.concatenate([[0], np.cumsum(self.bits)])

    def _pres(self, members: np.ndarray):
        """Presynaptic gids of the synapses into ``members`` and the member position of each."""
        idx, owner = _ranges(self.lo[members], self.hi[members])
        return self.pre_sorted[idx], owner

    def _occurrence(self, members: np.ndarray, last: bool = False):
        """Each distinct presynaptic gid of ``members`` (sorted) and the first (or last)
        position in ``members`` that it reaches."""
        pres, owner = self._pres(members)
        w = _width(members.size)
        key = np.sort((pres << w) | owner)
        p = key >> w
        sel = np.r_[p[1:] != p[:-1], True] if last and p.size else _starts(p)
        return p[sel], key[sel] & ((1 << w) - 1)

    # -- contiguous ranges [a, b) of the gid order -------------------------------------------
    def fan_in(self, a: int, b: int) -> int:
        if b <= a:
            return 0
        return _unique(self.pre_sorted[self.lo[a]:self.hi[b - 1]]).size

    def limit(self, a: int, cap_n: int, cap_b: int) -> int:
        """Largest end ``e`` such that ``[a, e)`` holds at most ``cap_n`` neurons and ``cap_b`` bits."""
        end = min(self.n, a + cap_n)
        return min(end, int(np.searchsorted(self.cumb, self.cumb[a] + cap_b, side="right")) - 1)

    def fan_cut(self, a: int, end: int, cap_f: int) -> int:
        """Largest ``e <= end`` such that ``[a, e)`` has at most ``cap_f`` fan-in axons."""
        if end <= a:
            return end
        _, first = self._occurrence(np.arange(a, end))
        return end if first.size <= cap_f else a + int(np.partition(first, cap_f)[cap_f])

    def max_end(self, a: int, cap_n: int, cap_b: int, cap_f: int | None) -> int:
        end = self.limit(a, cap_n, cap_b)
        return end if cap_f is None else self.fan_cut(a, end, cap_f)

    def min_start(self, e: int, cap_n: int, cap_b: int, cap_f: int | None) -> int:
        """Smallest start ``a`` such that ``[a, e)`` fits (``e`` when not even one neuron does)."""
        a = max(0, e - cap_n, int(np.searchsorted(self.cumb, self.cumb[e] - cap_b, side="left")))
        if a >= e or cap_f is None:
            return min(a, e)
        _, last = self._occurrence(np.arange(a, e), last=True)
        if last.size <= cap_f:
            return a
        return a + int(-np.partition(-last, cap_f)[cap_f]) + 1

    # -- arbitrary sets of neurons -----------------------------------------------------------
    def pres_of(self, members: np.ndarray) -> np.ndarray:
        """Distinct presynaptic gids of ``members`` (sorted)."""
        return _unique(self._pres(members)[0])

    def fit_prefix(self, cands: np.ndarray, base_pres: np.ndarray, room_n, room_b, room_f) -> int:
        """Longest prefix of ``cands`` that fits in ``room_n`` neurons, ``room_b`` bits and
        ``room_f`` fan-in axons beyond those in ``base_pres`` (sorted; already on the core)."""
        p = int(min(cands.size, room_n))
        if p <= 0 or room_f < 0:
            return 0
        p = int(np.searchsorted(np.cumsum(self.bits[cands[:p]]), room_b, side="right"))
        if p == 0:
            return 0
        uniq, first = self._occurrence(cands[:p])
        first = first[~_isin_sorted(uniq, base_pres)]
        return p if first.size <= room_f else min(p, int(np.partition(first, room_f)[room_f]))


def _core_rows(s: _Synapses, part: np.ndarray, n_parts: int, core_of: np.ndarray):
    """Per-part (neurons, synapses, bits, fan-in) of an arbitrary assignment: ``part`` per
    neuron index, ``core_of`` the same per gid."""
    neurons = np.bincount(part, minlength=n_parts)
    synapses = np.bincount(part, weights=s.hi - s.lo, minlength=n_parts).astype(np.int64)
    bits = np.bincount(part, weights=s.bits, minlength=n_parts).astype(np.int64)
    w = _width(core_of.size)
    key = np.sort((core_of[s.post_sorted] << w) | s.pre_sorted)
    fan = np.bincount(key[_starts(key)] >> w, minlength=n_parts)
    return neurons, synapses, bits, fan


def _check_rows(core: CoreSpec, neurons, bits, fan) -> None:
    for resource, have, limit in (("neurons", neurons, core.max_neurons),
                                  ("synapse memory bits", bits, core.synapse_memory_bits),
                                  ("fan-in axons", fan, core.max_fan_in_axons)):
        bad = np.flatnonzero(have > limit)
        if bad.size:
            raise CapacityError(f"core {int(bad[0])}", resource, int(have[bad[0]]), limit)


def _rows_to_dicts(neurons, synapses, fan) -> list:
    return [dict(core=k, neurons=int(n), synapses=int(sy), fan_in=int(f))
            for k, (n, sy, f) in enumerate(zip(neurons, synapses, fan))]


# --------------------------------------------------------------------------------------------
# in_order and balanced: contiguous ranges of the gid order
# --------------------------------------------------------------------------------------------

def _in_order(s: _Synapses) -> list:
    """Boundaries of the greedy placement (what ``compiler._place`` computes)."""
    c = s.core
    bounds, start = [0], 0
    while start < s.n:
        core = len(bounds) - 1
        end = s.limit(start, c.max_neurons, c.synapse_memory_bits)
        if end <= start:
            raise CapacityError(f"core {core}", "synapse memory bits", int(s.cumb[start + 1] - s.cumb[start]),
                                f"{c.synapse_memory_bits} (neuron gid {int(s.gids[start])}: "
                                f"{int(s.cum[start + 1] - s.cum[start])} synapses)")
        end = s.fan_cut(start, end, c.max_fan_in_axons)
        if end <= start:
            raise CapacityError(f"core {core}", "fan-in axons", s.fan_in(start, start + 1),
                                f"{c.max_fan_in_axons} (neuron gid {int(s.gids[start])})")
        bounds.append(end)
        start = end
    return bounds


def _balanced(s: _Synapses, bounds_io: list) -> list:
    """``len(bounds_io) - 1`` contiguous ranges minimising the largest load, then evened out."""
    c, n, K = s.core, s.n, len(bounds_io) - 1
    if K <= 1:
        return bounds_io
    B = int(s.cumb[-1])
    b = np.asarray(bounds_io)

    def caps(T):
        cn = min(c.max_neurons, int(np.floor(T * n + 1e-9)))
        cb = min(c.synapse_memory_bits, int(np.floor(T * B + 1e-9 * max(B, 1))))
        return cn, cb

    def fits_in_K(T, cap_f):
        cn, cb = caps(T)
        start = 0
        for _ in range(K):
            end = s.max_end(start, cn, cb, cap_f)
            if end <= start:
                return False
            start = end
            if start >= n:
                return True
        return False

    def bisect(lo, hi, cap_f):
        while hi - lo > 1e-7 * hi:
            mid = 0.5 * (lo + hi)
            if fits_in_K(mid, cap_f):
                hi = mid
            else:
                lo = mid
        return hi

    load = np.maximum(np.diff(b) / n, np.diff(s.cumb[b]) / B if B else 0.0)
    t_io = float(load.max())                      # in_order's own ranges fit these caps
    F = c.max_fan_in_axons
    T = bisect(0.0, t_io, None)                   # neurons and bits only (cheap)
    out = _smooth(s, K, *caps(T), F)
    if out is None:                               # fan-in binds: search again with it
        T = bisect(T, t_io, F)
        out = _smooth(s, K, *caps(T), F)
    return out if out is not None else bounds_io


def _smooth(s: _Synapses, K: int, cn: int, cb: int, cf: int):
    """K ranges under the caps, each boundary as close as the caps allow to an even split of
    the remaining load (1/N per neuron plus bits/B). None when K ranges cannot hold all."""
    n = s.n
    low = [n] * (K + 1)                           # low[k]: smallest boundary k leaving a fitting tail
    low[0] = 0
    for k in range(K - 1, 0, -1):
        low[k] = s.min_start(low[k + 1], cn, cb, cf)
        if low[k] >= low[k + 1]:
            return None
    if s.max_end(0, cn, cb, cf) < low[1]:
        return None
    B = float(s.cumb[-1])
    load = np.arange(n + 1) / n + (s.cumb / B if B else 0.0)
    bounds = [0]
    for k in range(1, K):
        prev = bounds[-1]
        target = load[prev] + (load[n] - load[prev]) / (K - k + 1)
        ideal = max(int(np.searchsorted(load, target - 1e-12)), prev + 1)
        hi = min(s.max_end(prev, cn, cb, cf), n - (K - k))
        bounds.append(int(min(max(ideal, low[k]), hi)))
    bounds.append(n)
    return bounds


# --------------------------------------------------------------------------------------------
# traffic: METIS partition, capacity repair, mesh layout
# --------------------------------------------------------------------------------------------

def _neuron_graph(s: _Synapses, pre, post, n_neurons, act, seed: int):
    """Symmetric weighted graph over placed neurons (index space): edge a-b weighs
    act[a] [a -> b] + act[b] [b -> a] (messages are sent by the pre). Beyond
    ``_METIS_EDGES`` synapses, synapses are importance-sampled first (kept with probability
    p ∝ the pre's activity, capped at 1; a kept pair then weighs act / p, so cut weights stay
    unbiased). Returns (src, dst, w) holding both directions."""
    n = s.n
    idx_of = np.full(n_neurons, -1, np.int64)
    idx_of[s.gids] = np.arange(n)
    u = idx_of[pre]
    keep = np.flatnonzero((u >= 0) & (pre != post))    # neuron -> other neuron
    u, v, scale = u[keep], idx_of[post[keep]], None
    if keep.size > _METIS_EDGES:
        a_pre = act[pre[keep]]
        prob = np.minimum(1.0, a_pre * (_METIS_EDGES / max(a_pre.sum(), 1e-300)))
        keep = np.flatnonzero(np.random.default_rng(seed).random(keep.size) < prob)
        u, v, scale = u[keep], v[keep], 1.0 / prob[keep]
    wn = _width(n)
    mask = (1 << wn) - 1
    d = (u << wn) | v
    o = np.argsort(d, kind="stable")
    d = d[o]
    first = _starts(d)                            # distinct directed pairs (p depends on the pre only)
    sc = np.ones(int(first.sum())) if scale is None else scale[o][first]
    d = d[first]
    u, v = d >> wn, d & mask
    ck = (((np.minimum(u, v) << wn) | np.maximum(u, v)) << 1) | (u > v)   # undirected pair, direction
    o = np.argsort(ck, kind="stable")
    ck = ck[o]
    c = ck >> 1
    a, b = c >> wn, c & mask
    wt = act[s.gids[np.where(ck & 1, b, a)]] * sc[o]   # the sender's activity
    st = np.flatnonzero(_starts(c))
    if st.size == 0:
        return _EMPTY, _EMPTY, np.zeros(0)
    a, b, w = a[st], b[st], np.add.reduceat(wt, st)
    keep = w > 0
    a, b, w = a[keep], b[keep], w[keep]
    return np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w])


def _metis(s: _Synapses, K: int, src, dst, w, seed: int) -> np.ndarray:
    import pymetis

    n, c = s.n, s.core
    order = np.argsort(src, kind="stable")
    xadj = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).astype(np.int64)
    adjncy = dst[order].astype(np.int64)
    ew = np.maximum(1, np.rint(w[order] * min(1000.0 / w.max(), 2.0 ** 28 / w.sum()))).astype(np.int64)
    # one constraint (pymetis passes ncon = 1): each neuron's heavier normalised cost
    vw = np.maximum(1.0 / c.max_neurons, s.bits / c.synapse_memory_bits)
    vw = np.maximum(1, np.rint(vw * (2.0 ** 28 / vw.sum()))).astype(np.int64)
    res = pymetis.part_graph(K, pymetis.CSRAdjacency(xadj, adjncy), vweights=vw, eweights=ew,
                             options=pymetis.Options(seed=int(seed) % (1 << 31)))
    return np.asarray(res.vertex_part, np.int64)


def _repair(s: _Synapses, part: np.ndarray, K: int, src, dst, w, n_slots: int):
    """Make every part fit: evict the least attached neurons of overfull parts, put them in the
    part they are most attached to (else any with room, else new cores). Returns the
    compacted assignment, or None when it would need more than ``n_slots`` cores."""
    c = s.core
    caps = (c.max_neurons, c.synapse_memory_bits, c.max_fan_in_axons)
    same = part[src] == part[dst]
    aff = np.bincount(src[same], weights=w[same], minlength=s.n)
    order = np.lexsort((-aff, part))              # by part, best attached first
    splits = np.searchsorted(part[order], np.arange(K + 1))
    count, bits, pres = np.zeros(K, np.int64), np.zeros(K, np.int64), [_EMPTY] * K
    for k in range(K):
        members = order[splits[k]:splits[k + 1]]
        p = s.fit_prefix(members, _EMPTY, *caps)
        part[members[p:]] = -1
        count[k], bits[k] = p, s.bits[members[:p]].sum()
    pool = np.flatnonzero(part < 0)
    if pool.size:
        for k in range(K):
            pres[k] = s.pres_of(np.flatnonzero(part == k))

        def put(k, cands):
            p = s.fit_prefix(cands, pres[k], caps[0] - count[k], caps[1] - bits[k], caps[2] - pres[k].size)
            if p:
                part[cands[:p]] = k
                count[k] += p
                bits[k] += s.bits[cands[:p]].sum()
                pres[k] = _unique(np.concatenate([pres[k], s.pres_of(cands[:p])]))
            return cands[p:]

        m = (part[src] < 0) & (part[dst] >= 0)     # attachment of the evicted to kept parts
        key, ws = _group_sum(src[m] * K + part[dst[m]], w[m])
        o = np.lexsort((-ws, key // K))
        head = o[np.r_[True, (key // K)[o][1:] != (key // K)[o][:-1]]] if o.size else o
        pref = np.full(s.n, -1, np.int64)
        pw = np.zeros(s.n)
        pref[key[head] // K], pw[key[head] // K] = key[head] % K, ws[head]
        by = pool[np.lexsort((-pw[pool], pref[pool]))]
        sp = np.searchsorted(pref[by], np.arange(K + 1))
        for k in range(K):
            put(k, by[sp[k]:sp[k + 1]])
        rest = np.flatnonzero(part < 0)
        for k in range(K):
            if rest.size == 0:
                break
            rest = put(k, rest)
        while rest.size:
            p = s.fit_prefix(rest, _EMPTY, *caps)
            part[rest[:p]] = K
            rest = rest[p:]
            K += 1
    used = np.flatnonzero(np.bincount(part))
    if used.size > n_slots:
        return None
    return np.searchsorted(used, part)


def _dest_pairs(core_of: np.ndarray, pre: np.ndarray, post: np.ndarray):
    """Distinct (sending gid, destination core) pairs: one message per pair and spike."""
    dc = core_of[post]
    m = dc >= 0
    w = _width(int(dc.max()) + 1 if dc.size else 1)
    key = np.sort((pre[m] << w) | dc[m])
    key = key[_starts(key)]
    return key >> w, key & ((1 << w) - 1)


def _part_traffic(a: np.ndarray, b: np.ndarray, weight: np.ndarray, K: int):
    """Distinct core pairs (a, b) and the summed weight of each."""
    if K * K <= 1 << 24:
        t = np.bincount(a * K + b, weights=weight, minlength=K * K)
        nz = np.flatnonzero(t)
        return nz // K, nz % K, t[nz]
    key, w = _group_sum(a * K + b, weight)
    return key // K, key % K, w


CHIP_HOP_WEIGHT = 10.0
"""A link between chips counts as this many tile hops in the layout objective (the ratio of
``chip_hop`` to a tile hop in the ``loihi-table2`` prices, docs/hardware-model.md §9.2)."""


def _distance(x1, y1, cx1, cy1, x2, y2, cx2, cy2):
    """Tile hops between positions, each chip boundary crossed weighing ``CHIP_HOP_WEIGHT``."""
    chips = np.abs(cx1 - cx2) + np.abs(cy1 - cy2)
    return np.abs(x1 - x2) + np.abs(y1 - y2) + (CHIP_HOP_WEIGHT - 1.0) * chips


def _hop_cost(ta, tb, tw, slots: np.ndarray, mesh: Mesh) -> float:
    x, y, cx, cy, _ = mesh.position(slots)
    return float((tw * _distance(x[ta], y[ta], cx[ta], cy[ta], x[tb], y[tb], cx[tb], cy[tb])).sum())


def _layout(ta, tb, tw, K: int, mesh: Mesh, n_slots: int):
    """Physical slots for K parts exchanging ``tw`` messages a -> b (pairs ``ta``, ``tb``) that
    reduce Σ tw × hops (a chip boundary weighing ``CHIP_HOP_WEIGHT`` hops): greedy growth from
    the centre of the first chip (the most attached part next, on the free slot that costs
    least), then passes of pairwise swaps / moves to free slots.
    None when the work would be too large (more than ``_LAYOUT_PARTS`` cores, or
    candidate slots × core pairs beyond ``_LAYOUT_WORK``)."""
    p = np.arange(n_slots)
    x, y, cx, cy, tile = mesh.position(p)
    z = np.zeros(1, np.int64)
    dist = _distance(x, y, cx, cy, 0.5 * (mesh.tiles_x - 1), 0.5 * (mesh.tiles_y - 1), z, z)
    cand = p[np.lexsort((p, tile, dist))]         # centre of chip 0 first, a tile's cores together
    m = min(n_slots, max(2 * K, K + mesh.cores_per_tile))
    while m < n_slots and tile[cand[m]] == tile[cand[m - 1]]:
        m += 1
    if K > _LAYOUT_PARTS or m * ta.size > _LAYOUT_WORK:
        return None
    cand = cand[:m]
    xc, yc, cxc, cyc = x[cand], y[cand], cx[cand], cy[cand]
    D = _distance(xc[:, None], yc[:, None], cxc[:, None], cyc[:, None], xc[None, :], yc[None, :], cxc[None, :],
                  cyc[None, :]).astype(float)
    W = np.zeros((K, K))
    W[ta, tb] = tw
    W += W.T
    pos = np.full(K, -1, np.int64)                # candidate index of each part
    free = np.ones(m, bool)
    tot = W.sum(1)
    link = np.zeros(K)
    for _ in range(K):
        unpl = np.flatnonzero(pos < 0)
        a = unpl[np.lexsort((-unpl, tot[unpl], link[unpl]))[-1]]
        nz = np.flatnonzero((W[a] > 0) & (pos >= 0))
        cost = D[:, pos[nz]] @ W[a, nz]
        cost[~free] = np.inf
        pos[a] = int(np.argmin(cost))
        free[pos[a]] = False
        link += W[a]
    occ = np.full(m, -1, np.int64)
    occ[pos] = np.arange(K)
    tol = 1e-9 * (W.sum() + 1.0)
    passes = min(8, int(_LAYOUT_WORK // max(1, K * (m * K + 2 * K * K))))
    for _ in range(passes):
        moved = False
        for a in range(K):
            sa = pos[a]
            Dp = D[:, pos]
            delta = Dp @ W[a]                     # a's cost on every slot
            delta -= delta[sa]
            cur = (W * Dp[pos]).sum(1)            # each part's current cost
            there = W @ Dp[sa]                     # each part's cost if it sat at sa
            has = occ >= 0
            o = occ[has]
            delta[has] += there[o] - cur[o] + 2.0 * W[a, o] * D[sa, has]     # swapping with the occupant
            best = int(np.argmin(delta))
            if delta[best] < -tol:
                b = occ[best]
                occ[sa], occ[best] = b, a
                pos[a] = best
                if b >= 0:
                    pos[b] = sa
                moved = True
        if not moved:
            break
    return cand[pos].astype(np.int64)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------

def _activity(activity, n_neurons: int) -> np.ndarray:
    if activity is None:
        return np.ones(n_neurons)
    act = np.asarray(activity, float)
    if act.shape != (n_neurons,):
        raise ParameterError("activity", f"shape {act.shape}", f"shape ({n_neurons},) (one per gid)", "placement")
    check_range("activity", act, 0.0, np.inf, "placement")
    return act


def traffic_metrics(core_of, slot_of_core, pre, post, mesh: Mesh, activity=None) -> dict:
    """Predicted traffic of a placement, per step, each neuron ``g`` spiking ``activity[g]``
    times (default 1).

    ``messages``: Σ activity[g] × distinct destination cores of g; ``inter_core_messages``:
    the same without g's own core (a source's messages all count); ``hops``: Σ activity ×
    tile hops (x then y routing) over all messages, sources contributing none;
    ``max_core_neurons`` / ``max_core_synapses``: the fullest core's neurons and synapses.
    """
    core_of = np.asarray(core_of, np.int64)
    slot_of_core = np.asarray(slot_of_core, np.int64)
    pre, post = np.asarray(pre, np.int64), np.asarray(post, np.int64)
    act = _activity(activity, core_of.size)
    g, dc = _dest_pairs(core_of, pre, post)
    src = core_of[g]
    a = act[g]
    on = src >= 0
    xs, ys, *_ = mesh.position(slot_of_core[src[on]])
    xd, yd, *_ = mesh.position(slot_of_core[dc[on]])
    placed = core_of[core_of >= 0]
    dpost = core_of[post]
    return dict(messages=float(a.sum()),
                inter_core_messages=float(a[src != dc].sum()),
                hops=float((a[on] * (np.abs(xs - xd) + np.abs(ys - yd))).sum()),
                max_core_neurons=int(np.bincount(placed).max()) if placed.size else 0,
                max_core_synapses=int(np.bincount(dpost[dpost >= 0]).max()) if (dpost >= 0).any() else 0)


def place(strategy: str, *, n_neurons: int, neuron_gids, pre, post, syn_bits, core: CoreSpec, n_cores_max: int,
          mesh: Mesh, chip_name: str = "chip", activity=None, seed: int = 0) -> Placed:
    """Place the neurons ``neuron_gids`` (sorted; sources excluded) onto cores of ``core``'s
    capacities and the cores onto ``mesh`` (module docstring for the strategies).

    ``pre`` / ``post``: gids of each synapse (``pre`` may be a source); ``syn_bits``: each
    synapse's memory cost; ``n_cores_max``: the chip's core count; ``activity``: expected
    spikes per step of each gid (the ``traffic`` objective; default 1 each); ``seed``: the
    METIS seed (results are deterministic for a given seed).

    ``traffic`` keeps the METIS partition only when it predicts strictly fewer inter-core
    messages (:func:`traffic_metrics`) than the ``in_order`` partition, so it never predicts
    more. Raises :class:`CapacityError` naming the core and limit (or the chip, for too few
    cores) and :class:`ParameterError` for an unknown strategy.
    """
    if strategy not in STRATEGIES:
        raise ParameterError("placement", strategy, "one of " + ", ".join(map(repr, STRATEGIES)))
    gids = np.asarray(neuron_gids, np.int64).ravel()
    pre, post = np.asarray(pre, np.int64).ravel(), np.asarray(post, np.int64).ravel()
    syn_bits = np.asarray(syn_bits, np.int64).ravel()
    if gids.size and (np.any(np.diff(gids) <= 0) or gids[0] < 0 or gids[-1] >= n_neurons):
        raise ParameterError("neuron_gids", "unsorted or out of range", f"ascending gids in [0, {n_neurons})",
                             "placement")
    if not pre.size == post.size == syn_bits.size:
        raise ParameterError("pre/post/syn_bits", f"sizes {pre.size}/{post.size}/{syn_bits.size}", "equal sizes",
                             "placement")
    placed = np.zeros(n_neurons, bool)
    placed[gids] = True
    if pre.size and (min(pre.min(), post.min()) < 0 or max(pre.max(), post.max()) >= n_neurons
                     or not placed[post].all()):
        raise ParameterError("pre/post", "gids out of range", f"pre in [0, {n_neurons}), post among neuron_gids",
                             "placement")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError("seed", seed, "an integer >= 0", "placement")
    act = _activity(activity, n_neurons)
    s = _Synapses(gids, pre, post, syn_bits, core, n_neurons)
    bounds = _in_order(s)
    K = len(bounds) - 1
    if K > n_cores_max:
        raise CapacityError(f"chip {chip_name!r}", "cores", K, n_cores_max)
    n_slots = min(n_cores_max, mesh.n_cores)
    if K > n_slots:
        raise CapacityError(f"chip {chip_name!r}", "cores on its mesh", K, n_slots)
    identity = np.arange(K, dtype=np.int64)

    def contiguous(b):
        core_of = np.full(n_neurons, -1, np.int32)
        rows = []
        for k in range(len(b) - 1):
            core_of[gids[b[k]:b[k + 1]]] = k
            rows.append(dict(core=k, neurons=b[k + 1] - b[k], synapses=int(s.cum[b[k + 1]] - s.cum[b[k]]),
                             fan_in=s.fan_in(b[k], b[k + 1])))
        return Placed(core_of, identity, rows, strategy)

    if strategy == "in_order":
        return contiguous(bounds)
    if strategy == "balanced":
        return contiguous([int(v) for v in _balanced(s, bounds)])

    return _traffic(s, bounds, pre, post, act, n_neurons, n_slots, mesh, seed, strategy)


def check_placement(core_of, slot_of_core, *, n_neurons: int, neuron_gids, pre, post, syn_bits, core: CoreSpec,
                    n_cores_max: int, mesh: Mesh, chip_name: str = "chip") -> Placed:
    """A given placement (a program image's), checked against every capacity as :func:`place`
    checks its own: ``core_of`` per gid (-1 or anything for sources: they are not read)."""
    gids = np.asarray(neuron_gids, np.int64).ravel()
    pre, post = np.asarray(pre, np.int64).ravel(), np.asarray(post, np.int64).ravel()
    s = _Synapses(gids, pre, post, np.asarray(syn_bits, np.int64).ravel(), core, n_neurons)
    full = np.full(n_neurons, -1, np.int64)
    full[gids] = np.asarray(core_of, np.int64)[gids]
    slots = np.asarray(slot_of_core, np.int64).ravel()
    K = slots.size
    part = full[gids]
    if part.size and (part.min() < 0 or part.max() >= K):
        raise ParameterError("core_of", "a core outside the placement", f"cores in [0, {K})", "placement")
    if K > n_cores_max:
        raise CapacityError(f"chip {chip_name!r}", "cores", K, n_cores_max)
    if K and (np.unique(slots).size != K or slots.min() < 0 or slots.max() >= min(n_cores_max, mesh.n_cores)):
        raise ParameterError("slot_of_core", "repeated or out-of-range slots",
                             f"distinct slots in [0, {min(n_cores_max, mesh.n_cores)})", "placement")
    neurons, synapses, bits, fan = _core_rows(s, part, K, full)
    _check_rows(core, neurons, bits, fan)
    return Placed(full.astype(np.int32), slots, _rows_to_dicts(neurons, synapses, fan), "given")


def _traffic(s: _Synapses, bounds, pre, post, act, n_neurons, n_slots, mesh, seed, strategy) -> Placed:
    K = len(bounds) - 1

    def routed(part):                             # core_of per gid, and its (gid, dest core) pairs
        core_of = np.full(n_neurons, -1, np.int64)
        core_of[s.gids] = part
        g, dc = _dest_pairs(core_of, pre, post)
        return core_of, g, dc, float(act[g][core_of[g] != dc].sum())

    part = np.repeat(np.arange(K, dtype=np.int64), np.diff(bounds))
    best = routed(part)
    note = "in_order partition (nothing to partition)"
    src, dst, w = _neuron_graph(s, pre, post, n_neurons, act, seed)
    if K > 1 and w.size:
        got = _repair(s, _metis(s, K, src, dst, w, seed), K, src, dst, w, n_slots)
        if got is None:
            note = "in_order partition (the repaired METIS partition needs more cores than the chip has)"
        else:
            alt = routed(got)
            if alt[3] < best[3]:
                note = f"METIS partition: {alt[3]:.6g} inter-core messages/step vs {best[3]:.6g} in order"
                part, best = got, alt
            else:
                note = f"in_order partition: {best[3]:.6g} inter-core messages/step vs METIS {alt[3]:.6g}"
    Kp = int(part.max()) + 1 if part.size else 0
    core_of, g, dc, _ = best
    neurons, synapses, bits, fan = _core_rows(s, part, Kp, core_of)
    _check_rows(s.core, neurons, bits, fan)
    slots = np.arange(Kp, dtype=np.int64)
    if Kp > 1:
        on = (core_of[g] >= 0) & (core_of[g] != dc)
        t = _part_traffic(core_of[g][on], dc[on], act[g][on], Kp)
        laid = _layout(*t, Kp, mesh, n_slots)
        if laid is not None and _hop_cost(*t, laid, mesh) < _hop_cost(*t, slots, mesh):
            slots = laid
    rank = np.argsort(slots, kind="stable")       # number the cores in slot order
    new = np.empty(Kp, np.int64)
    new[rank] = np.arange(Kp)
    core_of[s.gids] = new[part]
    return Placed(core_of.astype(np.int32), slots[rank], _rows_to_dicts(neurons[rank], synapses[rank], fan[rank]),
                  strategy, note)

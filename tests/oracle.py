"""Golden integer oracle: docs/hardware-model.md transcribed in plain Python integers.

Slow and obvious on purpose. It reads a register-level :class:`neuromorph.network.Network`
(``LIFRegisters`` populations, ``ProjectionRegisters``, sources) directly and shares no code
with the compiler or the kernels, so a test that compares the two compares independent
implementations of the same written rule.
"""

from __future__ import annotations

import numpy as np

from neuromorph.errors import CapacityError
from neuromorph.learning import as_rule
from neuromorph.hardware import LOIHI, ChipSpec
from neuromorph.network import IzhikevichRegisters, LIFRegisters, Network, ProjectionRegisters


def trunc_div(x: int, k: int) -> int:
    """x / 2**k rounded toward zero."""
    q = abs(x) >> k
    return q if x >= 0 else -q


def rnd(x: int, k: int) -> int:
    """x / 2**k rounded to nearest, ties toward +inf."""
    return x if k == 0 else (x + (1 << (k - 1))) >> k


def clip(x: int, lim: int) -> tuple[int, bool]:
    return max(-lim, min(lim, x)), abs(x) > lim


def izh_step(r: dict, V: int, U: int, I: int, c) -> tuple[int, int, bool, dict]:
    """One step of the integer Izhikevich rule (docs/hardware-model.md §2b)."""
    F, P = c.izh_frac_bits, c.izh_coef_frac_bits
    plim = (1 << (c.izh_prod_bits - 1)) - 1
    slim = (1 << (c.izh_state_bits - 1)) - 1
    n = {"PROD_SAT": 0, "V_SAT": 0, "U_SAT": 0}

    def mul(x, y):
        p, hit = clip(x * y, plim)
        n["PROD_SAT"] += hit
        return p

    sq = rnd(mul(V, V), F)
    dv = rnd(mul(r["k2"], sq), P) + rnd(mul(r["k1"], V), P) + r["k0"] - U + I
    V1 = V + rnd(mul(r["dt"], dv), P)
    if r["accommodation"]:
        w = rnd(mul(r["b"], V1 + (65 << F)), P)
    else:
        w = rnd(mul(r["b"], V1), P) - U
    U1 = U + rnd(mul(r["adt"], w), P)
    V1, hit = clip(V1, slim)
    n["V_SAT"] += hit
    U1, hit = clip(U1, slim)
    n["U_SAT"] += hit
    spike = V1 > r["v_peak"]
    if spike:
        V1 = r["c"]
        U1, hit = clip(U1 + r["d"], slim)
        n["U_SAT"] += hit
    return V1, U1, spike, {key: min(1, val) for key, val in n.items()}   # counted once per neuron-step


def prepare_weights(w: list[int], sign_mode, num_weight_bits: int, weight_bits: int = 8) -> tuple[list[int], str]:
    """Lava Dense weight preparation (§3.1): auto sign mode, clip to ``weight_bits``, truncate LSBs.

    ``weight_bits`` is the chip's ``CoreSpec.weight_bits`` (8 in the loihi preset: mixed
    [-256, 255], excitatory [0, 255], inhibitory [-255, 0]).
    """
    if sign_mode is None:
        if min(w, default=0) >= 0:
            sign_mode = "excitatory"
        elif max(w, default=0) <= 0:
            sign_mode = "inhibitory"
        else:
            sign_mode = "mixed"
    full = 2**weight_bits
    lo, hi = {"mixed": (-full, full - 1), "excitatory": (0, full - 1), "inhibitory": (-(full - 1), 0)}[sign_mode]
    k = weight_bits - num_weight_bits + (1 if sign_mode == "mixed" else 0)
    out = []
    for x in w:
        x = min(max(int(x), lo), hi)
        if sign_mode == "inhibitory":
            x = -(((-x) >> k) << k)
        else:
            x = (x >> k) << k
        out.append(x)
    return out, sign_mode


def _per_neuron(value, n):
    arr = np.broadcast_to(np.asarray(value), (n,))
    return [int(x) for x in arr]


def run_oracle(net: Network, n_steps: int, chip: ChipSpec = LOIHI):
    """Run ``n_steps`` steps. Returns dict with spikes [(step, gid)], u/v traces, counts, plastic weights.

    ``counts`` holds the overflow counts, TRACE_SAT and SYN_UPDATES (§3.5); ``activity`` the totals
    of SPIKES, SYN_EVENTS, NEURON_UPDATES; ``by_gid`` maps TRACE_SAT / SYN_UPDATES to {gid: count}
    at the neuron whose core §3.5 charges (trace owner / synapse's post neuron); ``first_overflow``
    is None or (step, set of overflow kinds that grew in that step); ``weights`` maps
    the index of each plastic projection to its final W registers (int64, projection-local order);
    ``active`` lists per step the neurons that are active in the cost model's sense (§9.3: raw
    input, u, v, bias or host input non-zero at the start of the step).
    """
    c = chip.core
    N = net.n_neurons
    u = [0] * N
    v = [0] * N
    ref = [0] * N
    regs = {}
    src_events = {}
    for pop in net.populations.values():
        if pop.is_source:
            steps, ids = pop.model.events(pop.size, net.dt, 0, n_steps)
            for s, i in zip(steps.tolist(), ids.tolist()):
                src_events.setdefault(s, set()).add(pop.start + i)
            continue
        m = pop.model
        if isinstance(m, IzhikevichRegisters):
            vi, ui = _per_neuron(m.v_init, pop.size), _per_neuron(m.u_init, pop.size)
            for k in range(pop.size):
                g = pop.start + k
                regs[g] = dict(izh=True, **{f: int(getattr(m, f)) for f in
                                            ("k2", "k1", "k0", "dt", "adt", "b", "c", "d", "v_peak", "bias")},
                               accommodation=bool(m.accommodation))
                u[g], v[g] = ui[k], vi[k]
            continue
        assert isinstance(m, LIFRegisters)
        bm, be = _per_neuron(m.bias_mant, pop.size), _per_neuron(m.bias_exp, pop.size)
        ui, vi = _per_neuron(m.u_init, pop.size), _per_neuron(m.v_init, pop.size)
        for k in range(pop.size):
            g = pop.start + k
            regs[g] = dict(izh=False, du=int(m.du), dv=int(m.dv), vth=int(m.vth), bias_mant=bm[k], bias_exp=be[k],
                           ref_steps=int(m.refractory_steps), reset_u=bool(m.reset_u),
                           subtract=(m.reset_mode == "subtract"))
            u[g], v[g] = ui[k], vi[k]

    # synapses: (pre gid) -> list of (projection index, post gid, synapse index q, delay); the weight of
    # synapse q of projection p is W[p][q]: Lava-prepared mantissas for a static projection, the plastic
    # W registers (initial weight_mant, no preparation, §3.5) for a plastic one.
    out_syn: dict[int, list] = {}
    wexp = []
    W: list[list[int]] = []
    plastic = []       # per plastic projection: its registers, pre/post ranges and traces x, y
    plast_in: dict[int, list] = {}      # post gid -> [(plastic entry, q, pre local j)] in synapse-table order
    plast_out: dict[int, list] = {}     # pre gid  -> [(plastic entry, q, post local i)] in synapse-table order
    max_d = 0
    for p_i, proj in enumerate(net.projections):
        assert isinstance(proj, ProjectionRegisters)
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        stdp = getattr(proj, "plasticity", None)
        if stdp is None:
            w, _ = prepare_weights(proj.weight_mant.tolist(), proj.sign_mode, proj.num_weight_bits, c.weight_bits)
        else:
            w = [int(x) for x in proj.weight_mant.tolist()]
            rule = as_rule(stdp)           # the rule's text, parsed; its arithmetic is written out below
            traces = {}
            for name in ("x1", "x2", "y1", "y2", "y3"):
                tr = getattr(rule, name)
                if tr is not None:
                    size = pre.size if name[0] == "x" else post.size
                    traces[name] = dict(v=[0] * size, decay=int(tr.decay),
                                        impulse=(1 << c.trace_frac_bits) if tr.impulse is None else int(tr.impulse))
            entry = dict(p=p_i, terms=rule.terms, w_lo=int(rule.w_lo), w_hi=int(rule.w_hi), tr=traces,
                         pre_start=pre.start, pre_size=pre.size, post_start=post.start, post_size=post.size)
            plastic.append(entry)
        W.append(w)
        wexp.append(proj.weight_exp)
        for q, (j, i, d) in enumerate(zip(proj.pre_idx.tolist(), proj.post_idx.tolist(), proj.delay_steps.tolist())):
            out_syn.setdefault(pre.start + j, []).append((p_i, post.start + i, q, d))
            max_d = max(max_d, d)
            if stdp is not None:
                plast_in.setdefault(post.start + i, []).append((entry, q, j))
                plast_out.setdefault(pre.start + j, []).append((entry, q, i))
    D = max_d + 1
    ring = [[0] * N for _ in range(D)]

    unity = 1 << c.decay_bits
    u_half = 1 << (c.u_bits - 1)
    v_max = (1 << (c.v_bits - 1)) - 1
    acc_hi = (1 << (c.acc_bits - 1)) - 1
    acc_lo = -(1 << (c.acc_bits - 1))
    counts = {"U_WRAP": 0, "V_SAT": 0, "ACC_SAT": 0, "U_SAT": 0, "PROD_SAT": 0, "TRACE_SAT": 0, "SYN_UPDATES": 0}
    activity = {"SPIKES": 0, "SYN_EVENTS": 0, "NEURON_UPDATES": 0}      # chip totals of these §6 counters
    by_gid = {"TRACE_SAT": {}, "SYN_UPDATES": {}}  # where §3.5 counts them: post neuron / trace owner
    F = c.trace_frac_bits
    t_max = (1 << c.trace_bits) - 1
    ext: dict[tuple[int, int], int] = {}          # (step, gid) -> injected current (register units)
    for inj in net.injections:
        start = net.populations[inj.population].start
        for s_i in range(inj.values.shape[0]):
            for j, idx in enumerate(inj.indices.tolist()):
                key = (inj.start + s_i, start + idx)
                ext[key] = ext.get(key, 0) + int(inj.values[s_i, j])

    def count(kind: str, g: int) -> None:
        counts[kind] += 1
        by_gid[kind][g] = by_gid[kind].get(g, 0) + 1

    PROD_LIM, TERM_LIM = (1 << 62) - 1, (1 << 40) - 1

    def mulsat(a: int, b: int) -> int:
        return max(-PROD_LIM, min(PROD_LIM, a * b))

    def term_value(e, t, j: int, i: int, wq: int) -> int:
        """One product of §3.5: factors in order, each but the last rounded by its fraction bits."""
        P, s = t.mant, -t.exp
        for n, (name, const) in enumerate(t.factors):
            q = F if name != "w" else 0
            v = wq + const if name == "w" else e["tr"][name]["v"][j if name[0] == "x" else i] + (const << F)
            P = mulsat(P, v)
            if n == len(t.factors) - 1:
                s += q
            elif q:
                P = rnd(P, q)
        val = rnd(P, s) if s > 0 else mulsat(P, 1 << -s)
        return max(-TERM_LIM, min(TERM_LIM, val))

    def apply(e, dep: str, q: int, j: int, i: int) -> bool:
        terms = [t for t in e["terms"] if t.dep == dep]
        if not terms:
            return False
        wq = W[e["p"]][q]
        dw = sum(term_value(e, t, j, i, wq) for t in terms)
        W[e["p"]][q] = max(e["w_lo"], min(e["w_hi"], wq + dw))
        return True

    def learn(fired: list[int]) -> None:
        """Phase 4 of one step: 4a y0 terms, 4b x0 terms, 4u u0 terms, 4c impulses, 4d decay (§3.5)."""
        for g in fired:                    # 4a: every plastic synapse into a spiking neuron
            for e, q, j in plast_in.get(g, ()):
                if apply(e, "y0", q, j, g - e["post_start"]):
                    count("SYN_UPDATES", g)
        for g in fired:                    # 4b: every plastic synapse out of a spiking neuron (or source)
            for e, q, i in plast_out.get(g, ()):
                if apply(e, "x0", q, g - e["pre_start"], i):
                    count("SYN_UPDATES", e["post_start"] + i)
        for post_g, lst in plast_in.items():  # 4u: every plastic synapse, every step
            for e, q, j in lst:
                if apply(e, "u0", q, j, post_g - e["post_start"]):
                    count("SYN_UPDATES", post_g)
        for g in fired:                    # 4c: each trace owned by a spiking neuron gains its impulse
            for e in plastic:
                for name, tr in e["tr"].items():
                    start, size = (e["pre_start"], e["pre_size"]) if name[0] == "x" else (e["post_start"], e["post_size"])
                    if start <= g < start + size:
                        t = tr["v"][g - start] + tr["impulse"]
                        if t > t_max:
                            t = t_max
                            count("TRACE_SAT", g)
                        tr["v"][g - start] = t
        for e in plastic:                  # 4d: every trace decays by its factor, floored
            for tr in e["tr"].values():
                tr["v"] = [(x * tr["decay"]) >> c.trace_decay_bits for x in tr["v"]]

    overflow_kinds = ("U_WRAP", "V_SAT", "ACC_SAT", "U_SAT", "PROD_SAT", "TRACE_SAT")
    first_overflow = None                # (step, kinds that grew in it): where strict mode stops
    spikes, u_tr, v_tr, active = [], [], [], []
    for k in range(n_steps):
        before = [counts[x] for x in overflow_kinds]
        slot = k % D
        fired = []
        active.append(set())
        for g in range(N):
            if g not in regs:
                if g in src_events.get(k, ()):
                    fired.append(g)
                continue
            r = regs[g]
            # 1. deliver
            a = ring[slot][g]
            ring[slot][g] = 0
            base_bias = r["bias"] if r["izh"] else r["bias_mant"] << r["bias_exp"]
            if a != 0 or u[g] != 0 or v[g] != 0 or base_bias != 0 or ext.get((k, g), 0) != 0:
                active[-1].add(g)
            if a > acc_hi:
                a = acc_hi
                counts["ACC_SAT"] += 1
            elif a < acc_lo:
                a = acc_lo
                counts["ACC_SAT"] += 1
            # 2. integrate
            if r["izh"]:
                I = r["bias"] + ext.get((k, g), 0) + (a << c.input_shift)
                v[g], u[g], spike, n = izh_step(r, v[g], u[g], I, c)
                for key, val in n.items():
                    counts[key] += val
                if spike:
                    fired.append(g)
                continue
            bias = (r["bias_mant"] << r["bias_exp"]) + ext.get((k, g), 0)
            u1 = trunc_div(u[g] * (unity - (r["du"] + c.du_offset)), c.decay_bits) + (a << c.input_shift)
            if u1 > u_half:
                u1 -= 2 * u_half
                counts["U_WRAP"] += 1
            elif u1 <= -u_half:
                u1 += 2 * u_half
                counts["U_WRAP"] += 1
            if ref[g] > 0:
                ref[g] -= 1
                u[g] = u1
                continue
            v1 = trunc_div(v[g] * (unity - r["dv"]), c.decay_bits) + u1 + bias
            if v1 > v_max:
                v1 = v_max
                counts["V_SAT"] += 1
            elif v1 < -v_max:
                v1 = -v_max
                counts["V_SAT"] += 1
            vth_eff = r["vth"] << c.vth_shift
            if v1 > vth_eff:
                fired.append(g)
                v1 = v1 - vth_eff if r["subtract"] else 0
                if r["reset_u"]:
                    u1 = 0
                ref[g] = r["ref_steps"]
            u[g], v[g] = u1, v1
        # 3. route: exact per-(projection, delay, target) sums, scaled once
        groups: dict[tuple[int, int, int], int] = {}
        activity["NEURON_UPDATES"] += len(regs)
        activity["SPIKES"] += len(fired)
        for g in fired:
            activity["SYN_EVENTS"] += len(out_syn.get(g, ()))
            for p_i, i, q, d in out_syn.get(g, ()):
                groups[(p_i, d, i)] = groups.get((p_i, d, i), 0) + W[p_i][q]
        for (p_i, d, i), total in groups.items():
            e = wexp[p_i]
            ring[(k + 1 + d) % D][i] += (total << e) if e >= 0 else (total >> -e)
        # 4. learn (§3.5), after the route: step k's spikes travelled with the weights from before
        if plastic:
            learn(fired)
        spikes.extend((k, g) for g in fired)
        if first_overflow is None and before != [counts[x] for x in overflow_kinds]:
            first_overflow = (k, {x for x, b in zip(overflow_kinds, before) if counts[x] != b})
        u_tr.append(list(u))
        v_tr.append(list(v))
    return {"spikes": spikes, "u": np.array(u_tr, dtype=np.int64), "v": np.array(v_tr, dtype=np.int64),
            "counts": counts, "activity": activity, "by_gid": by_gid, "first_overflow": first_overflow,
            "weights": {e["p"]: np.array(W[e["p"]], dtype=np.int64) for e in plastic}, "active": active}


def cost_counts(net: Network, ref: dict, n_steps: int, core_of, slot_of_core, mesh, n_cores: int):
    """Per-step, per-core operation counts of §9 from an oracle run, in plain Python.

    Placement is an input (``core_of`` per gid, the host row ``n_cores`` for sources;
    ``slot_of_core`` per core), the rules are §6 and §9.1: a spike sends one message per
    destination core; a message from tile (xa, ya) to (xb, yb) takes |xb - xa| x hops then
    |yb - ya| y hops, and each chip boundary it crosses is a chip hop instead. Returns a list
    of steps, each a list of rows (one per core, host last) of the ``COST_COUNTERS`` columns
    except ``syn_updates`` (left 0)."""
    cpt, tx, ty, chx = mesh.cores_per_tile, mesh.tiles_x, mesh.tiles_y, mesh.chips_x
    per_chip = cpt * tx * ty

    def where(core):                      # global tile (x, y) and chip (cx, cy) of a logical core
        p = int(slot_of_core[core])
        chip, local = p // per_chip, p % per_chip
        tile = local // cpt
        cx, cy = chip % chx, chip // chx
        return cx * tx + tile % tx, cy * ty + tile // tx, cx, cy

    dests: dict[int, set] = {}
    syn_into: dict[int, list] = {}
    for proj in net.projections:
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        for j, i in zip(proj.pre_idx.tolist(), proj.post_idx.tolist()):
            dests.setdefault(pre.start + j, set()).add(int(core_of[post.start + i]))
            syn_into.setdefault(pre.start + j, []).append(int(core_of[post.start + i]))
    fired_at: dict[int, list] = {}
    for k, g in ref["spikes"]:
        fired_at.setdefault(k, []).append(g)
    out = []
    for k in range(n_steps):
        rows = [[0] * 10 for _ in range(n_cores + 1)]
        for g in range(net.n_neurons):
            if int(core_of[g]) < n_cores:
                rows[int(core_of[g])][0] += 1
        for g in ref["active"][k]:
            rows[int(core_of[g])][1] += 1
        for g in fired_at.get(k, ()):
            src = int(core_of[g])
            rows[src][2] += 1
            for c in syn_into.get(g, ()):
                rows[c][3] += 1
            for c in dests.get(g, ()):
                rows[src][4] += 1
                rows[c][5] += 1
                if src < n_cores:
                    xa, ya, cxa, cya = where(src)
                    xb, yb, cxb, cyb = where(c)
                    rows[src][6] += abs(xb - xa) - abs(cxb - cxa)
                    rows[src][7] += abs(yb - ya) - abs(cyb - cya)
                    rows[src][8] += abs(cxb - cxa) + abs(cyb - cya)
        out.append(rows)
    return out


def greedy_place(reg, post_g: np.ndarray, pre_g: np.ndarray, chip, syn_bits: np.ndarray):
    """In-order fill (neuromorph.placement's ``in_order``) as the compiler first wrote it: neurons
    in gid order onto cores, each core as full as every per-core capacity allows, a binary
    search for the fan-in cut. The placement tests compare the fast version with it.

    ``syn_bits`` is the synapse-memory cost of each synapse (static or plastic, §3.1/§3.5).
    """
    c = chip.core
    neuron_gids = np.concatenate([np.arange(p.start, p.stop) for p in reg.populations.values() if not p.is_source]
                                 or [np.zeros(0, np.int64)])
    order = np.argsort(post_g, kind="stable")
    post_sorted, pre_sorted = post_g[order], pre_g[order]
    indeg_ptr = np.searchsorted(post_sorted, neuron_gids)      # neuron gids are ascending
    end_ptr = np.searchsorted(post_sorted, neuron_gids, side="right")
    cum = np.concatenate([[0], np.cumsum(end_ptr - indeg_ptr)])          # synapses
    bits_sorted = np.concatenate([[0], np.cumsum(syn_bits[order])]) if order.size else np.zeros(1, np.int64)
    cumb = bits_sorted[end_ptr] - bits_sorted[indeg_ptr]
    cumb = np.concatenate([[0], np.cumsum(cumb)])                         # synapse memory bits
    core_of = np.full(reg.n_neurons, -1, dtype=np.int32)
    cores = []
    start = 0
    n = neuron_gids.size

    def fan_in(a, b):
        if b <= a:
            return 0
        return np.unique(pre_sorted[indeg_ptr[a]:end_ptr[b - 1]]).size

    while start < n:
        core = len(cores)
        end = min(n, start + c.max_neurons)
        end = min(end, int(np.searchsorted(cumb, cumb[start] + c.synapse_memory_bits, side="right")) - 1)
        if end <= start:
            raise CapacityError(f"core {core}", "synapse memory bits", int(cumb[start + 1] - cumb[start]),
                                f"{c.synapse_memory_bits} (neuron gid {int(neuron_gids[start])}: "
                                f"{int(cum[start + 1] - cum[start])} synapses)")
        if fan_in(start, end) > c.max_fan_in_axons:
            lo, hi = start, end        # largest end with fan_in <= limit
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if fan_in(start, mid) <= c.max_fan_in_axons:
                    lo = mid
                else:
                    hi = mid
            end = lo
            if end <= start:
                raise CapacityError(f"core {core}", "fan-in axons", fan_in(start, start + 1),
                                    f"{c.max_fan_in_axons} (neuron gid {int(neuron_gids[start])})")
        core_of[neuron_gids[start:end]] = core
        cores.append(dict(core=core, neurons=end - start, synapses=int(cum[end] - cum[start]),
                          fan_in=fan_in(start, end)))
        start = end
    if len(cores) > chip.n_cores:
        raise CapacityError(f"chip {chip.name!r}", "cores", len(cores), chip.n_cores)
    return core_of, cores

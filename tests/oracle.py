"""Golden integer oracle: docs/hardware-model.md transcribed in plain Python integers.

Slow and obvious on purpose. It reads a register-level :class:`neuromorph.network.Network`
(``LIFRegisters`` populations, ``ProjectionRegisters``, sources) directly and shares no code
with the compiler or the kernels, so a test that compares the two compares independent
implementations of the same written rule.
"""

from __future__ import annotations

import numpy as np

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


def prepare_weights(w: list[int], sign_mode, num_weight_bits: int) -> tuple[list[int], str]:
    """Lava Dense weight preparation: auto sign mode, clip to 8 bits, truncate LSBs."""
    if sign_mode is None:
        if min(w, default=0) >= 0:
            sign_mode = "excitatory"
        elif max(w, default=0) <= 0:
            sign_mode = "inhibitory"
        else:
            sign_mode = "mixed"
    lo, hi = {"mixed": (-256, 255), "excitatory": (0, 255), "inhibitory": (-255, 0)}[sign_mode]
    k = 8 - num_weight_bits + (1 if sign_mode == "mixed" else 0)
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
    """Run ``n_steps`` steps. Returns dict with spikes [(step, gid)], u/v traces, overflow counts."""
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

    # synapses: (pre gid) -> list of (projection index, post gid, weight, delay)
    out_syn: dict[int, list] = {}
    wexp = []
    max_d = 0
    for p_i, proj in enumerate(net.projections):
        assert isinstance(proj, ProjectionRegisters)
        pre, post = net.populations[proj.pre], net.populations[proj.post]
        w, _ = prepare_weights(proj.weight_mant.tolist(), proj.sign_mode, proj.num_weight_bits)
        wexp.append(proj.weight_exp)
        for j, i, wi, d in zip(proj.pre_idx.tolist(), proj.post_idx.tolist(), w, proj.delay_steps.tolist()):
            out_syn.setdefault(pre.start + j, []).append((p_i, post.start + i, wi, d))
            max_d = max(max_d, d)
    D = max_d + 1
    ring = [[0] * N for _ in range(D)]

    unity = 1 << c.decay_bits
    u_half = 1 << (c.u_bits - 1)
    v_max = (1 << (c.v_bits - 1)) - 1
    acc_hi = (1 << (c.acc_bits - 1)) - 1
    acc_lo = -(1 << (c.acc_bits - 1))
    counts = {"U_WRAP": 0, "V_SAT": 0, "ACC_SAT": 0, "U_SAT": 0, "PROD_SAT": 0}
    ext: dict[tuple[int, int], int] = {}          # (step, gid) -> injected current (register units)
    for inj in net.injections:
        start = net.populations[inj.population].start
        for s_i in range(inj.values.shape[0]):
            for j, idx in enumerate(inj.indices.tolist()):
                key = (inj.start + s_i, start + idx)
                ext[key] = ext.get(key, 0) + int(inj.values[s_i, j])
    spikes, u_tr, v_tr = [], [], []
    for k in range(n_steps):
        slot = k % D
        fired = []
        for g in range(N):
            if g not in regs:
                if g in src_events.get(k, ()):
                    fired.append(g)
                continue
            r = regs[g]
            # 1. deliver
            a = ring[slot][g]
            ring[slot][g] = 0
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
        for g in fired:
            for p_i, i, w, d in out_syn.get(g, ()):
                groups[(p_i, d, i)] = groups.get((p_i, d, i), 0) + w
        for (p_i, d, i), total in groups.items():
            e = wexp[p_i]
            ring[(k + 1 + d) % D][i] += (total << e) if e >= 0 else (total >> -e)
        spikes.extend((k, g) for g in fired)
        u_tr.append(list(u))
        v_tr.append(list(v))
    return {"spikes": spikes, "u": np.array(u_tr, dtype=np.int64), "v": np.array(v_tr, dtype=np.int64),
            "counts": counts}

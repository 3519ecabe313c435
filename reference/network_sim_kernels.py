r"""Numba kernels of :mod:`reference.network_sim` (float64; private).

Each ``run_*`` function runs a *whole* simulation in one call over flat per-neuron
arrays (indexed by global id) and a CSR synapse table sorted by presynaptic global id,
so there is no Python work per step, neuron or synapse. The rules are written out in
:mod:`reference.network_sim`'s docstring; this module only implements them.

Neuron kinds (``kind[g]``): 0 = spike source, 1 = linear CUBA-LIF family (physical
``LIF`` and the float interpretation of ``LIFRegisters``), 2 = Izhikevich.

State arrays (per global id): ``x`` (LIF: ``V - v_reset`` in volts, registers: ``v``,
Izhikevich: ``v`` in mV), ``y`` (LIF: synaptic current in A, registers: ``u``,
Izhikevich: recovery variable ``u``), ``z`` (continuous mode: the summed rectangular
synaptic pulse current of Izhikevich neurons), ``ref`` (hardware: refractory steps
left; continuous: refractory seconds left).

Plasticity tables (``pl``): a tuple of arrays built by ``network_sim._plastic_tables``;
see :func:`_stdp_group`. The learning engine's float twin (hardware mode) reads
``rl``, a ``network_sim.RuleTables``; see :func:`_learn_rules`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

KIND_SOURCE = 0
KIND_LINEAR = 1
KIND_IZH = 2

# an arrival time q (in steps from the start of the emitting step) within SNAP of an
# integer is snapped to that integer, so on-grid delays stay exactly on the grid
SNAP = 1e-9


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------
@njit(cache=True)
def _grow(a, n_needed):
    if n_needed <= a.size:
        return a
    b = np.empty(max(2 * a.size, n_needed, 16), a.dtype)
    b[: a.size] = a
    return b


@njit(cache=True)
def _record(m, rec_every, rec_gid, rec_u, rec_v, x, y):
    if (m + 1) % rec_every == 0:
        si = (m + 1) // rec_every - 1
        for col in range(rec_gid.size):
            g = rec_gid[col]
            rec_u[si, col] = y[g]
            rec_v[si, col] = x[g]


# --------------------------------------------------------------------------------------
# STDP (shared by both modes): pair-based, all-to-all, traces decayed lazily
# --------------------------------------------------------------------------------------
@njit(cache=True)
def _stdp_group(fired, i0, i1, m, off, dt, syn_w,
                pl_pre_ptr, pl_pre_pos, pl_pre_proj, pl_pre_tr,
                pl_post_ptr, pl_post_pos, pl_post_proj, pl_post_tr,
                xo_ptr, xo_idx, yo_ptr, yo_idx,
                X, X_step, X_off, X_proj, Y, Y_step, Y_off, Y_proj,
                A_plus, A_minus, inv_tau_plus, inv_tau_minus, w_min, w_max):
    """Learn from the spikes ``fired[i0:i1]``, all emitted at time ``m*dt + off``.

    ``X[k]`` is the pre trace of one (plastic projection, pre neuron) pair, last set at
    time ``X_step[k]*dt + X_off[k]``; ``Y`` likewise for post neurons. ``pl_post_*``
    lists, per global id, the plastic synapses it is the post neuron of (their position
    in ``syn_w``, their projection, the index of their pre trace); ``pl_pre_*`` the
    synapses it is the pre neuron of (with the index of their post trace). ``xo``/``yo``
    list the traces a neuron owns.

    Order: potentiation of every plastic synapse whose post neuron fired
    (``A_plus * x_pre``: all strictly earlier pre spikes), depression of every plastic
    synapse whose pre neuron fired (``A_minus * y_post``: all strictly earlier post
    spikes), clip the touched weights to [w_min, w_max], then the traces of the fired
    neurons take their +1 impulses. Simultaneous pre and post spikes change nothing.
    """
    if X.size == 0:
        return
    for q in range(i0, i1):
        g = fired[q]
        for e in range(pl_post_ptr[g], pl_post_ptr[g + 1]):
            p = pl_post_proj[e]
            k = pl_post_tr[e]
            age = (m - X_step[k]) * dt + (off - X_off[k])
            syn_w[pl_post_pos[e]] += A_plus[p] * (X[k] * math.exp(-age * inv_tau_plus[p]))
    for q in range(i0, i1):
        g = fired[q]
        for e in range(pl_pre_ptr[g], pl_pre_ptr[g + 1]):
            p = pl_pre_proj[e]
            k = pl_pre_tr[e]
            age = (m - Y_step[k]) * dt + (off - Y_off[k])
            syn_w[pl_pre_pos[e]] += A_minus[p] * (Y[k] * math.exp(-age * inv_tau_minus[p]))
    for q in range(i0, i1):
        g = fired[q]
        for e in range(pl_post_ptr[g], pl_post_ptr[g + 1]):
            p = pl_post_proj[e]
            s = pl_post_pos[e]
            syn_w[s] = min(max(syn_w[s], w_min[p]), w_max[p])
        for e in range(pl_pre_ptr[g], pl_pre_ptr[g + 1]):
            p = pl_pre_proj[e]
            s = pl_pre_pos[e]
            syn_w[s] = min(max(syn_w[s], w_min[p]), w_max[p])
    for q in range(i0, i1):
        g = fired[q]
        for e in range(xo_ptr[g], xo_ptr[g + 1]):
            k = xo_idx[e]
            age = (m - X_step[k]) * dt + (off - X_off[k])
            X[k] = X[k] * math.exp(-age * inv_tau_plus[X_proj[k]]) + 1.0
            X_step[k] = m
            X_off[k] = off
        for e in range(yo_ptr[g], yo_ptr[g + 1]):
            k = yo_idx[e]
            age = (m - Y_step[k]) * dt + (off - Y_off[k])
            Y[k] = Y[k] * math.exp(-age * inv_tau_minus[Y_proj[k]]) + 1.0
            Y_step[k] = m
            Y_off[k] = off


# --------------------------------------------------------------------------------------
# the learning engine's float twin (hardware mode): sum-of-products rules, no rounding
# --------------------------------------------------------------------------------------
DEP_Y0 = 0      # positions in neuromorph.learning.DEPENDENCIES
DEP_X0 = 1
DEP_U0 = 2
FAC_W = 5       # position of "w" in neuromorph.learning.FACTORS (the traces come first)


@njit(cache=True)
def _rule_apply(s, dep, syn_w, rl):
    """``W = clip(W + Σ_{terms of dep} mant·2^exp·Π(f + C), w_lo, w_hi)`` for synapse ``s``;
    every term reads ``W`` as it was before the sum. The delivered weight follows."""
    r = rl.syn_proj[s]
    w = rl.W[s]
    dw = 0.0
    for t in range(rl.term_ptr[3 * r + dep], rl.term_ptr[3 * r + dep + 1]):
        v = rl.term_coef[t]
        for n in range(rl.term_nf[t]):
            c = rl.term_fac[t, n]
            f = w if c == FAC_W else rl.tr[rl.syn_tr[s, c]]
            v *= f + rl.term_const[t, n]
        dw += v
    w = min(max(w + dw, rl.w_lo[r]), rl.w_hi[r])
    rl.W[s] = w
    syn_w[rl.syn_pos[s]] = w * rl.syn_scale[s]


@njit(cache=True)
def _learn_rules(fired, nf, syn_w, rl):
    """Phase 4 of one step for the engine-rule projections (docs/hardware-model.md §3.5):
    4a y0 terms of every plastic synapse into a neuron of ``fired[:nf]``, 4b x0 terms of
    every plastic synapse out of one, 4u u0 terms of every plastic synapse, 4c each trace
    of a fired neuron gains its impulse, 4d every trace decays by its factor. A synapse is
    updated at most once per phase, so the order within a phase does not matter."""
    for q in range(nf):
        g = fired[q]
        for e in range(rl.post_ptr[g], rl.post_ptr[g + 1]):
            _rule_apply(rl.post_syn[e], DEP_Y0, syn_w, rl)
    for q in range(nf):
        g = fired[q]
        for e in range(rl.pre_ptr[g], rl.pre_ptr[g + 1]):
            _rule_apply(rl.pre_syn[e], DEP_X0, syn_w, rl)
    for e in range(rl.u_syn.size):
        _rule_apply(rl.u_syn[e], DEP_U0, syn_w, rl)
    for q in range(nf):
        g = fired[q]
        for e in range(rl.own_ptr[g], rl.own_ptr[g + 1]):
            k = rl.own_tr[e]
            rl.tr[k] += rl.tr_impulse[k]
    for k in range(rl.tr.size):
        rl.tr[k] *= rl.tr_decay[k]


# --------------------------------------------------------------------------------------
# hardware-ordered float
# --------------------------------------------------------------------------------------
@njit(cache=True)
def run_hardware(n_steps, dt, kind,
                 aI, kA, aV, kI, b, theta, ref_steps, subtract, reset_u,
                 iz_a, iz_b, iz_c, iz_d, iz_peak, iz_k2, iz_k1, iz_k0, iz_bias, iz_acc, k_inj,
                 x, y, ref,
                 src_ptr, src_gid, inj_ptr, inj_gid, inj_val,
                 syn_ptr, syn_post, syn_d, syn_w, D,
                 pl_pre_ptr, pl_pre_pos, pl_pre_proj, pl_pre_tr,
                 pl_post_ptr, pl_post_pos, pl_post_proj, pl_post_tr,
                 xo_ptr, xo_idx, yo_ptr, yo_idx,
                 X, X_step, X_off, X_proj, Y, Y_step, Y_off, Y_proj,
                 A_plus, A_minus, inv_tau_plus, inv_tau_minus, w_min, w_max, rl,
                 rec_every, rec_gid, rec_u, rec_v):
    """Run ``n_steps`` hardware-ordered float steps; returns (n_spikes, steps, ids)."""
    N = kind.size
    ring = np.zeros((D, N))
    is_src = np.zeros(N, np.bool_)
    inj = np.zeros(N)
    fired = np.empty(N, np.int64)
    spk_step = np.empty(1024, np.int64)
    spk_gid = np.empty(1024, np.int64)
    n_spk = 0
    dt_ms = dt * 1e3
    for m in range(n_steps):
        slot = m % D
        for q in range(src_ptr[m], src_ptr[m + 1]):
            is_src[src_gid[q]] = True
        for q in range(inj_ptr[m], inj_ptr[m + 1]):
            inj[inj_gid[q]] = inj_val[q]
        nf = np.int64(0)
        # 1. deliver + 2. integrate (ascending global id)
        for g in range(N):
            k = kind[g]
            if k == KIND_SOURCE:
                if is_src[g]:
                    is_src[g] = False
                    fired[nf] = g
                    nf += 1
                continue
            A = ring[slot, g]
            ring[slot, g] = 0.0
            if k == KIND_LINEAR:
                I1 = aI[g] * y[g] + kA[g] * A
                if ref[g] > 0:
                    ref[g] -= 1
                else:
                    x1 = aV[g] * x[g] + kI[g] * I1 + b[g]
                    if inj[g] != 0.0:
                        x1 += k_inj[g] * inj[g]
                    if x1 > theta[g]:
                        fired[nf] = g
                        nf += 1
                        if subtract[g]:
                            x1 = x1 - theta[g]
                        else:
                            x1 = 0.0
                        if reset_u[g]:
                            I1 = 0.0
                        ref[g] = ref_steps[g]
                    x[g] = x1
                y[g] = I1
            else:  # Izhikevich: Euler, v first, then u with the new v
                v = x[g]
                u = y[g]
                Itot = iz_bias[g] + A + inj[g]
                v1 = v + dt_ms * (iz_k2[g] * v * v + iz_k1[g] * v + iz_k0[g] - u + Itot)
                if iz_acc[g]:
                    u1 = u + dt_ms * iz_a[g] * (iz_b[g] * (v1 + 65.0))
                else:
                    u1 = u + dt_ms * iz_a[g] * (iz_b[g] * v1 - u)
                if not (v1 <= iz_peak[g]):  # strict v > v_peak (NaN counts as a spike)
                    fired[nf] = g
                    nf += 1
                    v1 = iz_c[g]
                    u1 = u1 + iz_d[g]
                x[g] = v1
                y[g] = u1
            inj[g] = 0.0
        # 3. route: spikes of step m arrive in step m + d (d >= 1)
        for q in range(nf):
            g = fired[q]
            for s in range(syn_ptr[g], syn_ptr[g + 1]):
                ring[(m + syn_d[s]) % D, syn_post[s]] += syn_w[s]
        # 4. learn
        if nf > 0:
            _stdp_group(fired, np.int64(0), nf, m, 0.0, dt, syn_w,
                        pl_pre_ptr, pl_pre_pos, pl_pre_proj, pl_pre_tr,
                        pl_post_ptr, pl_post_pos, pl_post_proj, pl_post_tr,
                        xo_ptr, xo_idx, yo_ptr, yo_idx,
                        X, X_step, X_off, X_proj, Y, Y_step, Y_off, Y_proj,
                        A_plus, A_minus, inv_tau_plus, inv_tau_minus, w_min, w_max)
        if rl.W.size > 0:  # the engine's u0 terms and trace decays run every step
            _learn_rules(fired, nf, syn_w, rl)
        # 5. record
        spk_step = _grow(spk_step, n_spk + nf)
        spk_gid = _grow(spk_gid, n_spk + nf)
        for q in range(nf):
            spk_step[n_spk] = m
            spk_gid[n_spk] = fired[q]
            n_spk += 1
        _record(m, rec_every, rec_gid, rec_u, rec_v, x, y)
    return n_spk, spk_step[:n_spk].copy(), spk_gid[:n_spk].copy()


# --------------------------------------------------------------------------------------
# continuous: exact LIF segments
# --------------------------------------------------------------------------------------
@njit(cache=True)
def _phi(z):
    """(1 - exp(-z)) / z, continuous at 0."""
    if abs(z) < 1e-6:
        return 1.0 - 0.5 * z + z * z / 6.0
    return -math.expm1(-z) / z


@njit(cache=True)
def _lif_eval(s, x0, I0, c, R, inv_tau, inv_tau_s, pulse):
    """Exact (x, I) after ``s`` seconds with no input event.

    tau_m dx/dt = -x + c + R I(t), I(t) = I0 exp(-t/tau_s) (or I0 constant, pulse).
    """
    e = math.exp(-s * inv_tau)
    if pulse:
        K = -math.expm1(-s * inv_tau)
        Is = I0
    else:
        K = s * inv_tau * e * _phi(s * (inv_tau_s - inv_tau))
        Is = I0 * math.exp(-s * inv_tau_s)
    return c + (x0 - c) * e + I0 * R * K, Is


@njit(cache=True)
def _lif_root(lo, hi, x0, I0, c, R, inv_tau, inv_tau_s, pulse, theta):
    """The crossing time in (lo, hi] given x(lo) <= theta < x(hi): safeguarded Newton."""
    xl, _ = _lif_eval(lo, x0, I0, c, R, inv_tau, inv_tau_s, pulse)
    xh, _ = _lif_eval(hi, x0, I0, c, R, inv_tau, inv_tau_s, pulse)
    fl = xl - theta
    fh = xh - theta
    s = lo + (hi - lo) * (-fl / (fh - fl)) if fh > fl else 0.5 * (lo + hi)
    if not (lo < s < hi):
        s = 0.5 * (lo + hi)
    for _ in range(200):
        xs, Is = _lif_eval(s, x0, I0, c, R, inv_tau, inv_tau_s, pulse)
        f = xs - theta
        if f > 0.0:
            hi = s
        else:
            lo = s
        d = inv_tau * (c + R * Is - xs)
        sn = s - f / d if d > 0.0 else -1.0
        if not (lo < sn < hi):
            sn = 0.5 * (lo + hi)
        if abs(sn - s) <= 1e-15 * abs(s) or hi - lo <= 1e-15 * hi or sn == lo or sn == hi:
            s = sn
            break
        s = sn
    # the first time the state is above threshold, to rounding
    return min(max(s, lo), hi)


@njit(cache=True)
def _lif_first_crossing(L, x0, I0, xL, IL, c, R, inv_tau, inv_tau_s, pulse, theta):
    """First s in [0, L] with x(s) > theta, or -1, given the start (x0, I0) and end (xL, IL).

    Between events x(t) = c + a e^{-t/tau_m} + b e^{-t/tau_s} (or with t e^{-t/tau}) has
    at most one extremum, so a crossing exists iff x(L) > theta or the interior
    maximum exceeds theta.
    """
    if x0 > theta:
        return 0.0
    drive = c + R * I0 if pulse else c + R * max(I0, 0.0)
    if max(x0, drive) <= theta or inv_tau == 0.0:
        return -1.0  # x relaxes toward values that never exceed theta
    if xL > theta:
        return _lif_root(0.0, L, x0, I0, c, R, inv_tau, inv_tau_s, pulse, theta)
    if pulse:
        return -1.0  # monotone
    if inv_tau * (c + R * I0 - x0) <= 0.0:
        return -1.0  # falls first, so the extremum is a minimum
    if inv_tau * (c + R * IL - xL) >= 0.0:
        return -1.0  # still rising at L: the maximum is x(L)
    # the maximum lies inside: safeguarded Newton on x'(t) = 0, x'' = -(R I/tau_s + x')/tau
    lo = 0.0
    hi = L
    t = 0.5 * L
    tn = t
    for _ in range(200):
        xm, Im = _lif_eval(t, x0, I0, c, R, inv_tau, inv_tau_s, pulse)
        if xm > theta:
            return _lif_root(0.0, t, x0, I0, c, R, inv_tau, inv_tau_s, pulse, theta)
        d1 = inv_tau * (c + R * Im - xm)
        if d1 > 0.0:
            lo = t
        else:
            hi = t
        d2 = -inv_tau * (R * Im * inv_tau_s + d1)
        tn = t - d1 / d2 if d2 < 0.0 else -1.0
        if not (lo < tn < hi):
            tn = 0.5 * (lo + hi)
        if tn == t or hi - lo <= 1e-15 * hi or tn == lo or tn == hi:
            break
        t = tn
    xm, _ = _lif_eval(tn, x0, I0, c, R, inv_tau, inv_tau_s, pulse)
    if xm > theta:
        return _lif_root(0.0, tn, x0, I0, c, R, inv_tau, inv_tau_s, pulse, theta)
    return -1.0


# --------------------------------------------------------------------------------------
# continuous: Izhikevich by RK4 sub-steps
# --------------------------------------------------------------------------------------
@njit(cache=True)
def _izh_rhs(v, u, I, a, b_, k2, k1, k0, acc):
    if acc:  # accommodation (Izhikevich 2004, panel R): u' = a b (v + 65)
        return k2 * v * v + k1 * v + k0 - u + I, a * (b_ * (v + 65.0))
    return k2 * v * v + k1 * v + k0 - u + I, a * (b_ * v - u)


@njit(cache=True)
def _izh_rk4(v, u, I, h, a, b_, k2, k1, k0, acc):
    """One classical RK4 step of ``h`` ms."""
    dv1, du1 = _izh_rhs(v, u, I, a, b_, k2, k1, k0, acc)
    dv2, du2 = _izh_rhs(v + 0.5 * h * dv1, u + 0.5 * h * du1, I, a, b_, k2, k1, k0, acc)
    dv3, du3 = _izh_rhs(v + 0.5 * h * dv2, u + 0.5 * h * du2, I, a, b_, k2, k1, k0, acc)
    dv4, du4 = _izh_rhs(v + h * dv3, u + h * du3, I, a, b_, k2, k1, k0, acc)
    return (v + h / 6.0 * (dv1 + 2.0 * dv2 + 2.0 * dv3 + dv4),
            u + h / 6.0 * (du1 + 2.0 * du2 + 2.0 * du3 + du4))


# --------------------------------------------------------------------------------------
# continuous: event pool (linked lists of arrivals per future step, in a ring of Q slots)
# --------------------------------------------------------------------------------------
@njit(cache=True)
def _grow_pool(ev_tgt, ev_off, ev_w, ev_next, free, n_free, need):
    """Grow the event pool so that at least ``need`` nodes are free."""
    n_old = ev_tgt.size
    n_new = max(2 * n_old, n_old + need - n_free)
    ev_tgt = _grow(ev_tgt, n_new)
    ev_off = _grow(ev_off, n_new)
    ev_w = _grow(ev_w, n_new)
    ev_next = _grow(ev_next, n_new)
    for i in range(n_old, n_new - 1):
        ev_next[i] = i + 1
    ev_next[n_new - 1] = free
    return ev_tgt, ev_off, ev_w, ev_next, n_old, n_free + (n_new - n_old)


@njit(cache=True)
def _route_group(fg, fo, i0, i1, m, dt, syn_ptr, syn_post, syn_delay, syn_w, pulse, Q,
                 head, ev_tgt, ev_off, ev_w, ev_next, free):
    """Schedule the arrivals of spikes ``fg[i0:i1]`` (emitted at offsets ``fo``) of step m.

    A spike at offset o through a synapse of delay d arrives q = (o + d)/dt steps after
    the start of step m: in step m + floor(q) at offset (o + d) - floor(q) dt (q within
    SNAP of an integer is snapped onto it). Pulse targets also get the pulse's end, -w
    one step later. The pool must have enough free nodes. Returns the new free head and
    the number of nodes used.
    """
    used = 0
    for q in range(i0, i1):
        g = fg[q]
        off = fo[q]
        for s in range(syn_ptr[g], syn_ptr[g + 1]):
            tgt = syn_post[s]
            tot = off + syn_delay[s]
            qs = tot / dt
            r = math.floor(qs + 0.5)
            if abs(qs - r) <= SNAP:
                j = int(r)
                o = 0.0
            else:
                j = int(math.floor(qs))
                o = tot - j * dt
                if o < 0.0:
                    o = 0.0
                elif o >= dt:
                    j += 1
                    o = 0.0
            if j < 1:
                j = 1
                o = 0.0
            for rep in range(2 if pulse[tgt] else 1):
                slot = (m + j + rep) % Q
                node = free
                free = ev_next[node]
                ev_tgt[node] = tgt
                ev_off[node] = o
                ev_w[node] = syn_w[s] if rep == 0 else -syn_w[s]
                ev_next[node] = head[slot]
                head[slot] = node
                used += 1
    return free, used


@njit(cache=True)
def _sort_events(tgt, off, w, n, cnt, o_tgt, o_off, o_w):
    """Sort the first ``n`` events by (target, offset), ties in gather order, into ``o_*``.

    A stable sort by offset, then a stable counting sort by target (``cnt``: N + 1
    zeros, left zeroed).
    """
    if n == 0:
        return
    order = np.argsort(off[:n], kind="mergesort")
    for i in range(n):
        cnt[tgt[i] + 1] += 1
    touched_max = 0
    for i in range(n):
        if tgt[i] + 1 > touched_max:
            touched_max = tgt[i] + 1
    for g in range(1, touched_max + 1):
        cnt[g] += cnt[g - 1]
    for i in range(n):
        k = order[i]
        p = cnt[tgt[k]]
        cnt[tgt[k]] += 1
        o_tgt[p] = tgt[k]
        o_off[p] = off[k]
        o_w[p] = w[k]
    for g in range(touched_max + 1):
        cnt[g] = 0


@njit(cache=True)
def _integrate_step(g0, t0, ep0, dt, kind, inv_tau, inv_tau_s, R, c, theta, t_ref, pulse,
                    iz_a, iz_b, iz_c, iz_d, iz_peak, iz_k2, iz_k1, iz_k0, iz_bias, iz_acc, h_max,
                    x, y, z, ref, inj, e_tgt, e_off, e_w, n_ev, E_dt, K_dt, Es_dt, f_gid, f_off, nf):
    """Integrate every neuron over one step [0, dt] with its sorted events (continuous mode).

    Starts at neuron ``g0`` (at offset ``t0``, event index ``ep0``; 0, 0.0, 0 for a fresh
    step) and appends spikes to ``f_gid``/``f_off``. When they are full it saves the
    neuron's pre-spike state and returns ``(g, t, e, nf)`` to be called again with grown
    buffers (the resumed call recomputes the same spike); returns ``(N, 0.0, ep, nf)``
    when the step is done. Kept apart from the run loop so that no array is rebound
    inside the per-neuron loop (which costs numba reference counting per neuron).
    """
    N = kind.size
    ep = ep0
    for g in range(g0, N):
        k = kind[g]
        if k == KIND_SOURCE:
            continue
        e0 = ep
        while ep < n_ev and e_tgt[ep] == g:
            ep += 1
        e1 = ep
        e = e0
        t = t0 if g == g0 else 0.0
        if k == KIND_LINEAR:
            xg = x[g]
            Ig = y[g]
            rl = ref[g]
            ps = pulse[g]
            cg = c[g] + R[g] * inj[g]  # injected current: constant over the step, like I_bias
            while True:
                t_stop = e_off[e] if e < e1 else dt
                while t < t_stop:
                    if rl > 0.0:
                        span = t_stop - t
                        if rl >= span:
                            h = span
                            rl -= span
                            t = t_stop
                        else:
                            h = rl
                            t += rl
                            rl = 0.0
                        if not ps:
                            Ig *= math.exp(-h * inv_tau_s[g])
                        continue
                    L = t_stop - t
                    if L == dt:  # a whole step without events: precomputed factors
                        xL = cg + (xg - cg) * E_dt[g] + Ig * R[g] * K_dt[g]
                        IL = Ig * Es_dt[g]
                    else:
                        xL, IL = _lif_eval(L, xg, Ig, cg, R[g], inv_tau[g], inv_tau_s[g], ps)
                    s = _lif_first_crossing(L, xg, Ig, xL, IL, cg, R[g], inv_tau[g], inv_tau_s[g], ps,
                                            theta[g])
                    if s < 0.0:
                        xg = xL
                        Ig = IL
                        t = t_stop
                    else:
                        if nf >= f_gid.size:  # no room: save the pre-spike state, resume later
                            x[g] = xg
                            y[g] = Ig
                            ref[g] = rl
                            return g, t, e, nf
                        _, Ig = _lif_eval(s, xg, Ig, cg, R[g], inv_tau[g], inv_tau_s[g], ps)
                        xg = 0.0
                        rl = t_ref[g]
                        t = t + s if s < L else t_stop
                        f_gid[nf] = g
                        f_off[nf] = t
                        nf += 1
                if e >= e1:
                    break
                Ig += e_w[e]
                e += 1
            x[g] = xg
            y[g] = Ig
            ref[g] = rl
        else:  # Izhikevich
            v = x[g]
            u = y[g]
            Ip = z[g]
            a_ = iz_a[g]
            b_ = iz_b[g]
            k2 = iz_k2[g]
            k1 = iz_k1[g]
            k0 = iz_k0[g]
            acc = iz_acc[g]
            peak = iz_peak[g]
            while True:
                t_stop = e_off[e] if e < e1 else dt
                Itot = iz_bias[g] + Ip + inj[g]
                while t < t_stop:
                    if not (v <= peak):  # above peak at a segment start
                        if nf >= f_gid.size:
                            x[g] = v
                            y[g] = u
                            z[g] = Ip
                            return g, t, e, nf
                        f_gid[nf] = g
                        f_off[nf] = t
                        nf += 1
                        v = iz_c[g]
                        u = u + iz_d[g]
                        continue
                    span = t_stop - t
                    if span <= h_max * 1e-3:
                        hs = span
                    else:
                        hs = span / math.ceil(span / (h_max * 1e-3) - 1e-12)
                    v1, u1 = _izh_rk4(v, u, Itot, hs * 1e3, a_, b_, k2, k1, k0, acc)
                    if v1 <= peak:
                        v = v1
                        u = u1
                        t = t_stop if hs == span else t + hs
                        continue
                    # crossing inside this sub-step: bisect the RK4 step length
                    lo = 0.0
                    hi = hs
                    for _ in range(200):
                        mid = 0.5 * (lo + hi)
                        if mid <= lo or mid >= hi:
                            break
                        vm, _um = _izh_rk4(v, u, Itot, mid * 1e3, a_, b_, k2, k1, k0, acc)
                        if vm <= peak:
                            lo = mid
                        else:
                            hi = mid
                    if nf >= f_gid.size:
                        x[g] = v
                        y[g] = u
                        z[g] = Ip
                        return g, t, e, nf
                    vm, um = _izh_rk4(v, u, Itot, hi * 1e3, a_, b_, k2, k1, k0, acc)
                    t = t + hi if hi < span else t_stop
                    f_gid[nf] = g
                    f_off[nf] = t
                    nf += 1
                    v = iz_c[g]
                    u = um + iz_d[g]
                if e >= e1:
                    break
                Ip += e_w[e]
                e += 1
            x[g] = v
            y[g] = u
            z[g] = Ip
    return N, 0.0, ep, nf


@njit(cache=True)
def run_continuous(n_steps, dt, kind,
                   inv_tau, inv_tau_s, R, c, theta, t_ref, pulse,
                   iz_a, iz_b, iz_c, iz_d, iz_peak, iz_k2, iz_k1, iz_k0, iz_bias, iz_acc, h_max,
                   x, y, z, ref,
                   src_ptr, src_gid, inj_ptr, inj_gid, inj_val,
                   syn_ptr, syn_post, syn_delay, syn_w, Q,
                   pl_pre_ptr, pl_pre_pos, pl_pre_proj, pl_pre_tr,
                   pl_post_ptr, pl_post_pos, pl_post_proj, pl_post_tr,
                   xo_ptr, xo_idx, yo_ptr, yo_idx,
                   X, X_step, X_off, X_proj, Y, Y_step, Y_off, Y_proj,
                   A_plus, A_minus, inv_tau_plus, inv_tau_minus, w_min, w_max,
                   rec_every, rec_gid, rec_u, rec_v):
    """Run ``n_steps`` steps of the continuous reference; returns (n, steps, ids, offsets).

    Step ``m`` covers [m dt, (m+1) dt]; an event at offset o within it is applied at
    time m dt + o (events at exactly (m+1) dt belong to step m+1). ``h_max`` is the
    largest Izhikevich RK4 sub-step in ms.
    """
    N = kind.size
    # exact one-step factors (the same expressions as _lif_eval, so the same bits)
    E_dt = np.empty(N)
    K_dt = np.empty(N)
    Es_dt = np.empty(N)
    for g in range(N):
        E_dt[g] = math.exp(-dt * inv_tau[g])
        if pulse[g]:
            K_dt[g] = -math.expm1(-dt * inv_tau[g])
            Es_dt[g] = 1.0
        else:
            K_dt[g] = dt * inv_tau[g] * E_dt[g] * _phi(dt * (inv_tau_s[g] - inv_tau[g]))
            Es_dt[g] = math.exp(-dt * inv_tau_s[g])
    cap = max(1024, 2 * syn_post.size)
    ev_tgt = np.empty(cap, np.int64)
    ev_off = np.empty(cap)
    ev_w = np.empty(cap)
    ev_next = np.empty(cap, np.int64)
    for i in range(cap - 1):
        ev_next[i] = i + 1
    ev_next[cap - 1] = -1
    free = np.int64(0)
    n_free = cap
    head = np.full(Q, -1, np.int64)
    sc_tgt = np.empty(1024, np.int64)
    sc_off = np.empty(1024)
    sc_w = np.empty(1024)
    e_tgt = np.empty(1024, np.int64)
    e_off = np.empty(1024)
    e_w = np.empty(1024)
    cnt = np.zeros(N + 1, np.int64)
    inj = np.zeros(N)
    f_gid = np.empty(max(16, 4 * N), np.int64)
    f_off = np.empty(max(16, 4 * N))
    spk_step = np.empty(1024, np.int64)
    spk_gid = np.empty(1024, np.int64)
    spk_off = np.empty(1024)
    n_spk = 0
    for m in range(n_steps):
        slot = m % Q
        # gather this step's arrivals and return their nodes to the pool
        n_ev = np.int64(0)
        node = head[slot]
        while node >= 0:
            n_ev += 1
            node = ev_next[node]
        if n_ev > sc_tgt.size:
            sc_tgt = _grow(sc_tgt, n_ev)
            sc_off = _grow(sc_off, n_ev)
            sc_w = _grow(sc_w, n_ev)
        n_free += n_ev
        n_ev = np.int64(0)
        node = head[slot]
        while node >= 0:
            sc_tgt[n_ev] = ev_tgt[node]
            sc_off[n_ev] = ev_off[node]
            sc_w[n_ev] = ev_w[node]
            n_ev += 1
            nxt = ev_next[node]
            ev_next[node] = free
            free = node
            node = nxt
        head[slot] = -1
        if n_ev > e_tgt.size:
            e_tgt = _grow(e_tgt, n_ev)
            e_off = _grow(e_off, n_ev)
            e_w = _grow(e_w, n_ev)
        _sort_events(sc_tgt, sc_off, sc_w, n_ev, cnt, e_tgt, e_off, e_w)
        for q in range(inj_ptr[m], inj_ptr[m + 1]):
            inj[inj_gid[q]] = inj_val[q]
        nf = np.int64(0)
        g_at = np.int64(0)
        t_at = 0.0
        e_at = np.int64(0)
        while True:
            g_at, t_at, e_at, nf = _integrate_step(
                g_at, t_at, e_at, dt, kind, inv_tau, inv_tau_s, R, c, theta, t_ref, pulse,
                iz_a, iz_b, iz_c, iz_d, iz_peak, iz_k2, iz_k1, iz_k0, iz_bias, iz_acc, h_max,
                x, y, z, ref, inj, e_tgt, e_off, e_w, n_ev, E_dt, K_dt, Es_dt, f_gid, f_off, nf)
            if g_at >= N:
                break
            f_gid = _grow(f_gid, 2 * f_gid.size)  # spike buffer full: grow and resume
            f_off = _grow(f_off, 2 * f_off.size)
        for q in range(inj_ptr[m], inj_ptr[m + 1]):
            inj[inj_gid[q]] = 0.0
        # sources fire at the start of their step
        n_src = src_ptr[m + 1] - src_ptr[m]
        f_gid = _grow(f_gid, nf + n_src)
        f_off = _grow(f_off, nf + n_src)
        for q in range(src_ptr[m], src_ptr[m + 1]):
            f_gid[nf] = src_gid[q]
            f_off[nf] = 0.0
            nf += 1
        # route and learn in time order, simultaneous spikes as one group
        if nf > 0:
            order = np.argsort(f_off[:nf], kind="mergesort")  # stable: ascending gid among neurons
            fg = f_gid[:nf][order]
            fo = f_off[:nf][order]
            i0 = np.int64(0)
            while i0 < nf:
                i1 = i0 + 1
                while i1 < nf and fo[i1] == fo[i0]:
                    i1 += 1
                need = np.int64(0)
                for q in range(i0, i1):
                    need += 2 * (syn_ptr[fg[q] + 1] - syn_ptr[fg[q]])
                if need > n_free:
                    ev_tgt, ev_off, ev_w, ev_next, free, n_free = _grow_pool(
                        ev_tgt, ev_off, ev_w, ev_next, free, n_free, need)
                free, used = _route_group(fg, fo, i0, i1, m, dt, syn_ptr, syn_post, syn_delay, syn_w, pulse, Q,
                                          head, ev_tgt, ev_off, ev_w, ev_next, free)
                n_free -= used
                _stdp_group(fg, i0, i1, m, fo[i0], dt, syn_w,
                            pl_pre_ptr, pl_pre_pos, pl_pre_proj, pl_pre_tr,
                            pl_post_ptr, pl_post_pos, pl_post_proj, pl_post_tr,
                            xo_ptr, xo_idx, yo_ptr, yo_idx,
                            X, X_step, X_off, X_proj, Y, Y_step, Y_off, Y_proj,
                            A_plus, A_minus, inv_tau_plus, inv_tau_minus, w_min, w_max)
                i0 = i1
            spk_step = _grow(spk_step, n_spk + nf)
            spk_gid = _grow(spk_gid, n_spk + nf)
            spk_off = _grow(spk_off, n_spk + nf)
            for q in range(nf):
                spk_step[n_spk] = m
                spk_gid[n_spk] = fg[q]
                spk_off[n_spk] = fo[q]
                n_spk += 1
        _record(m, rec_every, rec_gid, rec_u, rec_v, x, y)
    return n_spk, spk_step[:n_spk].copy(), spk_gid[:n_spk].copy(), spk_off[:n_spk].copy()

"""numba kernels: the chip's integer rules over flat arrays (docs/hardware-model.md §2–§6).

Integers only: no float enters these functions, and there is no ``fastmath``. The whole
step loop runs inside :func:`run_steps`; the simulator calls it once per chunk of steps.
The golden transcription of the same rules is ``tests/oracle.py``.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

from . import fixedpoint

# counter columns (one row per core, plus a host row for sources)
U_WRAP, V_SAT, ACC_SAT, NEURON_UPDATES, SPIKES, SYN_EVENTS, MESSAGES, U_SAT, PROD_SAT, TRACE_SAT, SYN_UPDATES = range(11)
COUNTER_NAMES = ("u_wrap", "v_sat", "acc_sat", "neuron_updates", "spikes", "syn_events", "messages", "u_sat",
                 "prod_sat", "trace_sat", "syn_updates")
OVERFLOW_KINDS = ("u_wrap", "v_sat", "acc_sat", "u_sat", "prod_sat", "trace_sat")
N_COUNTERS = len(COUNTER_NAMES)
KIND_LIF, KIND_IZH = 0, 1
# flag bits set by the integrate functions
F_SPIKE, F_ACC, F_UWRAP, F_VSAT, F_USAT, F_PROD = 1, 2, 4, 8, 16, 32


@njit(cache=True, inline="always")
def splitmix64(x):
    """SplitMix64 finaliser on uint64 (wrapping); same bits as neuromorph.network._splitmix64."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def poisson_u32(seed_key, index, step):
    """counter_uniform_u32 with ``seed_key = splitmix64(seed)`` precomputed (for tests)."""
    h = splitmix64(splitmix64(seed_key ^ np.uint64(index)) ^ np.uint64(step))
    return h >> np.uint64(32)


@njit(cache=True, inline="always")
def _overflow(counters, first_ovf, core, kind, g, k):
    counters[core, kind] += 1
    if first_ovf[0] < 0:
        first_ovf[0] = kind
        first_ovf[1] = g
        first_ovf[2] = k


@intrinsic
def _prefetch(typingctx, arr, idx):
    """Hint the CPU to fetch ``arr[idx]`` into cache (llvm.prefetch; no effect on results)."""
    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        i8p = ir.IntType(8).as_pointer()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p] + [ir.IntType(32)] * 3),
                                            "llvm.prefetch.p0i8")
        ptr = builder.bitcast(builder.gep(ary.data, [args[1]]), i8p)
        builder.call(fn, [ptr, ir.Constant(ir.IntType(32), 0), ir.Constant(ir.IntType(32), 3), ir.Constant(ir.IntType(32), 1)])
        return context.get_dummy_value()
    return types.void(arr, idx), codegen


_trunc = fixedpoint.jit.shift_trunc      # x / 2**k toward zero: the Loihi decay rounding (one definition)


@njit(cache=True, inline="always")
def _weight(x, kind):
    """A stored weight byte as a signed mantissa (see compiler._weight_storage)."""
    v = np.int64(x)
    if kind == 1:
        return -v
    if kind == 2 and v >= 128:
        return v - 256
    return v


@njit(cache=True, inline="always")
def _deliver(ring, g, acc_hi, acc_lo):
    """Phase 1 for one neuron: read and clear its ring slot, saturate to the accumulator (§3.3)."""
    a = ring[g]
    ring[g] = 0
    if a > acc_hi or a < acc_lo:
        return min(max(a, acc_lo), acc_hi), F_ACC
    return a, 0


@njit(cache=True)
def _integrate(ring, ext, u, v, ref, bias, flag, fu, fv, vth_eff, ref_steps, reset_u, reset_sub,
               decay_bits, u_half, v_max, acc_hi, acc_lo, input_shift):
    """Deliver + integrate one population's range of LIF neurons (§2), given as array slices.

    Registers that are per population (fu, fv, vth_eff, ref_steps, reset flags) come as
    scalars; state is int32, arithmetic int64. The body is straight-line selects so LLVM can
    vectorise it; flag bits: 1 spike, 2 acc saturation, 4 u wrap, 8 v saturation.
    (Indices run over ``range(size)``, so numba emits no negative-index wraparound code.)
    """
    u_full = u_half + u_half
    fu32, fv32 = np.int32(fu), np.int32(fv)   # decay factors are < 2**16: 32x32 -> 64-bit products
    keep_v = -np.int64(reset_sub)             # 0/1 flags as masks: selects, not multiplies
    keep_u = np.int64(reset_u) - 1
    for g in range(u.size):
        a0 = ring[g]
        ring[g] = 0
        a = min(max(a0, acc_lo), acc_hi)
        u0 = _trunc(np.int64(u[g]) * np.int64(fu32), decay_bits) + (a << input_shift)
        u1 = u0 - u_full if u0 > u_half else u0
        u1 = u1 + u_full if u1 <= -u_half else u1
        r = np.int64(ref[g])
        vg = np.int64(v[g])
        v0 = _trunc(vg * np.int64(fv32), decay_bits) + u1 + bias[g] + ext[g]
        ext[g] = 0
        v1 = min(max(v0, -v_max), v_max)
        live = r <= 0                        # refractory: v frozen, no spike
        sp = (v1 > vth_eff) & live
        vn = (v1 - vth_eff) & keep_v if sp else v1
        v[g] = vn if live else vg
        u[g] = u1 & keep_u if sp else u1
        ref[g] = ref_steps if sp else max(r - 1, 0)
        flag[g] = (np.uint8(sp) | (np.uint8(a != a0) << 1) | (np.uint8(u1 != u0) << 2)
                   | (np.uint8((v1 != v0) & live) << 3))


@njit(cache=True, inline="always")
def _rnd(x, k):
    """x / 2**k rounded to nearest, ties toward +inf (k >= 1)."""
    return (x + (np.int64(1) << (k - 1))) >> k


@njit(cache=True, inline="always")
def _mulsat(x, y, lim):
    """(x * y saturated to [-lim, lim], 1 if it saturated) without ever overflowing int64."""
    ax = abs(x)
    if ax != 0 and abs(y) > lim // ax:
        return (lim if (x > 0) == (y > 0) else -lim), 1
    return x * y, 0


@njit(cache=True)
def _integrate_izh(ring, ext, u, v, k2, k1, k0, dt, adt, b, c, d, v_peak, bias, accom, flag,
                   F, P, plim, slim, acc_hi, acc_lo, input_shift):
    """Deliver + integrate a range of integer Izhikevich neurons (§2b), given as array slices."""
    c65 = np.int64(65) << F
    for g in range(u.size):
        a, f = _deliver(ring, g, acc_hi, acc_lo)
        I = bias[g] + ext[g] + (a << input_shift)
        ext[g] = 0
        V = v[g]
        U = u[g]
        p, h0 = _mulsat(V, V, plim)
        sq = _rnd(p, F) if F > 0 else p
        p2, h1 = _mulsat(k2[g], sq, plim)
        p1, h2 = _mulsat(k1[g], V, plim)
        dv = _rnd(p2, P) + _rnd(p1, P) + k0[g] - U + I
        pd, h3 = _mulsat(dt[g], dv, plim)
        V1 = V + _rnd(pd, P)
        if accom[g]:
            pb, h4 = _mulsat(b[g], V1 + c65, plim)
            w = _rnd(pb, P)
        else:
            pb, h4 = _mulsat(b[g], V1, plim)
            w = _rnd(pb, P) - U
        pa, h5 = _mulsat(adt[g], w, plim)
        U1 = U + _rnd(pa, P)
        if h0 | h1 | h2 | h3 | h4 | h5:
            f |= F_PROD
        if V1 > slim or V1 < -slim:
            V1 = min(max(V1, -slim), slim)
            f |= F_VSAT
        if U1 > slim or U1 < -slim:
            U1 = min(max(U1, -slim), slim)
            f |= F_USAT
        if V1 > v_peak[g]:
            f |= F_SPIKE
            V1 = c[g]
            U1 = U1 + d[g]
            if U1 > slim or U1 < -slim:
                U1 = min(max(U1, -slim), slim)
                f |= F_USAT
        u[g] = U1
        v[g] = V1
        flag[g] = np.uint8(f)


@njit(cache=True)
def _integrate_range(r, ranges, base, ring, ext_now, u, v, ref, fu, fv, vth_eff, bias, ref_steps, reset_u,
                     reset_sub, flag, izh_k2, izh_k1, izh_k0, izh_dt, izh_adt, izh_b, izh_c, izh_d, izh_vpeak,
                     izh_bias, izh_accom, decay_bits, u_half, v_max, acc_hi, acc_lo, input_shift,
                     izh_F, izh_P, izh_plim, izh_slim):
    """Integrate row ``r`` of ``ranges`` ([start, stop, kind]) with the rule of its kind."""
    a, b = ranges[r, 0], ranges[r, 1]
    if ranges[r, 2] == KIND_LIF:       # columns 3..8: fu, fv, vth_eff, ref_steps, reset_u, reset_sub
        _integrate(ring[base + a:base + b], ext_now[a:b], u[a:b], v[a:b], ref[a:b], bias[a:b], flag[a:b],
                   ranges[r, 3], ranges[r, 4], ranges[r, 5], ranges[r, 6], ranges[r, 7], ranges[r, 8],
                   decay_bits, u_half, v_max, acc_hi, acc_lo, input_shift)
    else:
        _integrate_izh(ring[base + a:base + b], ext_now[a:b], u[a:b], v[a:b], izh_k2[a:b], izh_k1[a:b],
                       izh_k0[a:b], izh_dt[a:b], izh_adt[a:b], izh_b[a:b], izh_c[a:b], izh_d[a:b],
                       izh_vpeak[a:b], izh_bias[a:b], izh_accom[a:b], flag[a:b],
                       izh_F, izh_P, izh_plim, izh_slim, acc_hi, acc_lo, input_shift)


@njit(cache=True, parallel=True)
def _integrate_all_par(ranges, base, ring, ext_now, u, v, ref, fu, fv, vth_eff, bias, ref_steps, reset_u,
                       reset_sub, flag, izh_k2, izh_k1, izh_k0, izh_dt, izh_adt, izh_b, izh_c, izh_d,
                       izh_vpeak, izh_bias, izh_accom, decay_bits, u_half, v_max, acc_hi, acc_lo, input_shift,
                       izh_F, izh_P, izh_plim, izh_slim):
    """Rows are disjoint id ranges, so threads never touch the same neuron."""
    for r in prange(ranges.shape[0]):
        _integrate_range(r, ranges, base, ring, ext_now, u, v, ref, fu, fv, vth_eff, bias, ref_steps, reset_u,
                         reset_sub, flag, izh_k2, izh_k1, izh_k0, izh_dt, izh_adt, izh_b, izh_c, izh_d,
                         izh_vpeak, izh_bias, izh_accom, decay_bits, u_half, v_max, acc_hi, acc_lo,
                         input_shift, izh_F, izh_P, izh_plim, izh_slim)


@njit(cache=True, inline="always")
def _slot_offsets(slot_off, k, N):
    """Ring offsets (unsigned) of the slots that delays 0..D-1 write from step k: (k + 1 + d) mod D."""
    D = slot_off.size
    for d in range(D):
        slot_off[d] = np.uint64(((k + 1 + d) % D) * N)


PF_AXON, PF_SEG, PF_SYN = 16, 10, 5      # prefetch distances (spikes ahead) of the three table levels


@njit(cache=True)
def _route_owned(t, T, lo, hi, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp, proj_wkind, syn_tgt,
                 syn_w, syn_d, slot_off, ring, counters, pf):
    """Route spikes lo..hi-1 along segments with weight_exp >= 0 into cores c with c % T == t (§3.2).

    Ring entries are exact int64 sums, so any split of the work gives the same bits. With
    ``pf`` (tables larger than the caches) each spike's axon entry, segments and synapse
    rows are prefetched a few spikes ahead, so the DRAM latencies overlap.
    """
    for e in range(lo, hi):
        if pf:
            if e + PF_AXON < hi:
                _prefetch(axon_ptr, spk_id[e + PF_AXON])
            if e + PF_SEG < hi:
                s2 = axon_ptr[spk_id[e + PF_SEG]]
                _prefetch(seg_ptr, s2)
                _prefetch(seg_proj, s2)
                _prefetch(seg_core, s2)
            if e + PF_SYN < hi:
                g3 = spk_id[e + PF_SYN]
                q3, q4 = seg_ptr[axon_ptr[g3]], seg_ptr[axon_ptr[g3 + 1]]
                for o in range(q3, q4, 16):
                    _prefetch(syn_tgt, o)
                for o in range(q3, q4, 64):
                    _prefetch(syn_w, o)
                    _prefetch(syn_d, o)
        g = spk_id[e]
        for sg in range(axon_ptr[g], axon_ptr[g + 1]):
            p = seg_proj[sg]
            ex = proj_wexp[p]
            if ex < 0 or (T > 1 and seg_core[sg] % T != t):     # (no integer division when serial)
                continue
            kind = proj_wkind[p]
            q0 = np.uint64(seg_ptr[sg])
            n = seg_ptr[sg + 1] - seg_ptr[sg]
            counters[seg_core[sg], SYN_EVENTS] += n
            if slot_off.size == 1:        # one delay slot (no axonal delays): no delay lookup
                base = slot_off[0]
                if kind == 0:
                    for i in range(n):    # unsigned index: no wraparound code per synapse
                        q = q0 + np.uint64(i)
                        ring[base + syn_tgt[q]] += np.int64(syn_w[q]) << ex
                else:
                    for i in range(n):
                        q = q0 + np.uint64(i)
                        ring[base + syn_tgt[q]] += _weight(syn_w[q], kind) << ex
            else:
                for i in range(n):
                    q = q0 + np.uint64(i)
                    ring[slot_off[syn_d[q]] + syn_tgt[q]] += _weight(syn_w[q], kind) << ex


@njit(cache=True, parallel=True)
def _route_par(T, lo, hi, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp, proj_wkind, syn_tgt, syn_w, syn_d,
               slot_off, ring, counters, pf):
    for t in prange(T):
        _route_owned(t, T, lo, hi, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp, proj_wkind, syn_tgt, syn_w,
                     syn_d, slot_off, ring, counters, pf)


@njit(cache=True)
def route_replay(step_ptr, spk_id, N, D, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp, proj_wkind, syn_tgt,
                 syn_w, syn_d, ring, counters, pf):
    """Phase 3 alone (weight_exp >= 0 segments) over a recorded spike log: spikes of step k are
    ``spk_id[step_ptr[k]:step_ptr[k+1]]``. The benchmark times synaptic delivery with it."""
    slot_off = np.empty(D, dtype=np.uint64)
    for k in range(step_ptr.size - 1):
        _slot_offsets(slot_off, k, N)
        _route_owned(0, 1, step_ptr[k], step_ptr[k + 1], spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp,
                     proj_wkind, syn_tgt, syn_w, syn_d, slot_off, ring, counters, pf)


@njit(cache=True)
def _route_negexp(lo, hi, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp, proj_wkind, proj_part_off,
                  proj_post_start, proj_post_size, syn_tgt, syn_w, syn_d, slot_off, partial, part_mark,
                  t_idx, t_pos, t_shift, counters):
    """Sum mantissas of weight_exp < 0 segments exactly per (projection, delay, target); returns #groups."""
    nt = 0
    for e in range(lo, hi):
        g = spk_id[e]
        for sg in range(axon_ptr[g], axon_ptr[g + 1]):
            p = seg_proj[sg]
            ex = proj_wexp[p]
            if ex >= 0:
                continue
            q0 = seg_ptr[sg]
            q1 = seg_ptr[sg + 1]
            counters[seg_core[sg], SYN_EVENTS] += q1 - q0
            off = proj_part_off[p]
            ps = proj_post_start[p]
            npost = proj_post_size[p]
            for q in range(q0, q1):
                d = np.int64(syn_d[q])
                idx = off + d * npost + (syn_tgt[q] - ps)
                if part_mark[idx] == 0:
                    part_mark[idx] = 1
                    t_idx[nt] = idx
                    t_pos[nt] = np.int64(slot_off[d] + syn_tgt[q])
                    t_shift[nt] = -ex
                    nt += 1
                partial[idx] += _weight(syn_w[q], proj_wkind[p])
    return nt


@njit(cache=True)
def _learn(k, lo, hi, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, syn_tgt, syn_w, proj_post_start, core_of,
           proj_plastic, pl_reg, post_ptr, post_q, post_x, own_ptr, own_idx, tr_decay, tr_proj, trace,
           trace_one, trace_max, trace_decay_bits, counters, first_ovf):
    """Phase 4 (§3.5) for the spikes lo..hi-1 of step k: potentiate, depress, impulses, decay.

    ``pl_reg[p]`` = [a_plus, a_minus, shift, w_lo, w_hi, x_off, y_off, pre_start]; ``syn_w``
    holds the plastic W registers (int16) and ``trace`` every pre and post trace.
    """
    for e in range(lo, hi):                  # 4a: post spikes, A+ * x_pre
        g = spk_id[e]
        n = post_ptr[g + 1] - post_ptr[g]
        for j in range(post_ptr[g], post_ptr[g + 1]):
            q = post_q[j]
            xi = post_x[j]
            p = tr_proj[xi]
            w = np.int64(syn_w[q]) + _rnd(pl_reg[p, 0] * np.int64(trace[xi]), pl_reg[p, 2])
            syn_w[q] = min(max(w, pl_reg[p, 3]), pl_reg[p, 4])
        if n:
            counters[core_of[g], SYN_UPDATES] += n
    for e in range(lo, hi):                  # 4b: pre spikes, A- * y_post
        g = spk_id[e]
        for sg in range(axon_ptr[g], axon_ptr[g + 1]):
            p = seg_proj[sg]
            if proj_plastic[p] == 0:
                continue
            a, sh, w_lo, w_hi = pl_reg[p, 1], pl_reg[p, 2], pl_reg[p, 3], pl_reg[p, 4]
            y0 = pl_reg[p, 6] - proj_post_start[p]
            for q in range(seg_ptr[sg], seg_ptr[sg + 1]):
                w = np.int64(syn_w[q]) + _rnd(a * np.int64(trace[y0 + syn_tgt[q]]), sh)
                syn_w[q] = min(max(w, w_lo), w_hi)
            counters[seg_core[sg], SYN_UPDATES] += seg_ptr[sg + 1] - seg_ptr[sg]
    for e in range(lo, hi):                  # 4c: impulses of the traces the spiking neurons own
        g = spk_id[e]
        for j in range(own_ptr[g], own_ptr[g + 1]):
            t = own_idx[j]
            x = np.int64(trace[t]) + trace_one
            if x > trace_max:
                x = trace_max
                _overflow(counters, first_ovf, core_of[g], TRACE_SAT, g, k)
            trace[t] = x
    for t in range(trace.size):              # 4d: every trace decays (floor; traces are >= 0)
        trace[t] = (np.int64(trace[t]) * tr_decay[t]) >> trace_decay_bits


@njit(cache=True)
def run_steps(k0, n_steps,
              u, v, ref, ring, D,
              is_src, fu, fv, vth_eff, bias, ref_steps, reset_u, reset_sub, core_of, n_dest,
              axon_ptr, seg_ptr, seg_proj, seg_core, syn_tgt, syn_w, syn_d,
              proj_wexp, proj_wkind, proj_part_off, proj_post_start, proj_post_size,
              partial, part_mark, t_idx, t_pos, t_shift,
              src_ptr, src_ids, fire, pois_gid, pois_key, pois_thr, pois_hit,
              spk_step, spk_id, n_spk_io, ranges, flag, flag64, fire64, ext_now, ext_gid, ext_val,
              izh_k2, izh_k1, izh_k0, izh_dt, izh_adt, izh_b, izh_c, izh_d, izh_vpeak, izh_bias, izh_accom,
              izh_F, izh_P, izh_plim, izh_slim, nthreads, par_neurons, par_spikes, has_negexp, prefetch,
              has_plastic, proj_plastic, pl_reg, pl_post_ptr, pl_post_q, pl_post_x, pl_own_ptr, pl_own_idx,
              tr_decay, tr_proj, trace, trace_one, trace_max, trace_decay_bits,
              probe_gids, tr_u, tr_v,
              counters, strict, first_ovf,
              decay_bits, u_bits, v_bits, acc_bits, input_shift):
    """Advance the chip ``n_steps`` steps from step ``k0``; returns the number of steps done.

    Returns early (before starting a step) when the spike buffer might not hold another
    step's spikes, and (after finishing a step) in strict mode when an overflow occurred.
    """
    N = u.shape[0]
    u_half = np.int64(1) << (u_bits - 1)
    v_max = (np.int64(1) << (v_bits - 1)) - 1
    acc_hi = (np.int64(1) << (acc_bits - 1)) - 1
    acc_lo = -acc_hi - 1
    n_spk = n_spk_io[0]
    cap = spk_id.shape[0]
    n_probe = probe_gids.shape[0]
    slot_off = np.empty(D, dtype=np.uint64)     # unsigned ring offsets: no wraparound code per event
    for s in range(n_steps):
        if n_spk + N > cap:
            n_spk_io[0] = n_spk
            return s
        k = k0 + s
        base = (k % D) * N
        for e in range(src_ptr[s], src_ptr[s + 1]):
            fire[src_ids[e]] = 1
        uk = np.uint64(k)
        for e in range(pois_gid.shape[0]):     # Bernoulli-Poisson sources: pois_key = splitmix64(splitmix64(seed) ^ i)
            pois_hit[e] = (splitmix64(pois_key[e] ^ uk) >> np.uint64(32)) < pois_thr[e]
        for e in range(pois_gid.shape[0]):
            if pois_hit[e]:
                fire[pois_gid[e]] = 1
        step_start = n_spk
        # -- phases 1+2: deliver and integrate (branch-free over each neuron range) ------------
        for j in range(ext_gid.shape[0]):      # host-written input current of this step
            ext_now[ext_gid[j]] += ext_val[s, j]
        if nthreads > 1 and N >= par_neurons:
            _integrate_all_par(ranges, base, ring, ext_now, u, v, ref, fu, fv, vth_eff, bias, ref_steps, reset_u,
                               reset_sub, flag, izh_k2, izh_k1, izh_k0, izh_dt, izh_adt, izh_b, izh_c, izh_d,
                               izh_vpeak, izh_bias, izh_accom, decay_bits, u_half, v_max, acc_hi, acc_lo,
                               input_shift, izh_F, izh_P, izh_plim, izh_slim)
        else:           # serial: call the leaf integrators directly (each call level costs refcounts)
            for r in range(ranges.shape[0]):
                a, b = ranges[r, 0], ranges[r, 1]
                if ranges[r, 2] == KIND_LIF:
                    _integrate(ring[base + a:base + b], ext_now[a:b], u[a:b], v[a:b], ref[a:b], bias[a:b], flag[a:b],
                               ranges[r, 3], ranges[r, 4], ranges[r, 5], ranges[r, 6], ranges[r, 7], ranges[r, 8],
                               decay_bits, u_half, v_max, acc_hi, acc_lo, input_shift)
                else:
                    _integrate_izh(ring[base + a:base + b], ext_now[a:b], u[a:b], v[a:b], izh_k2[a:b], izh_k1[a:b],
                                   izh_k0[a:b], izh_dt[a:b], izh_adt[a:b], izh_b[a:b], izh_c[a:b], izh_d[a:b],
                                   izh_vpeak[a:b], izh_bias[a:b], izh_accom[a:b], flag[a:b],
                                   izh_F, izh_P, izh_plim, izh_slim, acc_hi, acc_lo, input_shift)
        for w in range(flag64.size):      # spikes in ascending id; overflow accounting (8 ids per word)
            if flag64[w] | fire64[w]:
                for g in range(8 * w, 8 * w + 8):
                    f = flag[g] | fire[g]
                    if f:
                        if f & F_SPIKE:
                            spk_step[n_spk] = k
                            spk_id[n_spk] = g
                            n_spk += 1
                        if f > 1:
                            if f & F_ACC:
                                _overflow(counters, first_ovf, core_of[g], ACC_SAT, g, k)
                            if f & F_UWRAP:
                                _overflow(counters, first_ovf, core_of[g], U_WRAP, g, k)
                            if f & F_VSAT:
                                _overflow(counters, first_ovf, core_of[g], V_SAT, g, k)
                            if f & F_USAT:
                                _overflow(counters, first_ovf, core_of[g], U_SAT, g, k)
                            if f & F_PROD:
                                _overflow(counters, first_ovf, core_of[g], PROD_SAT, g, k)
                        flag[g] = 0
                        fire[g] = 0
        # -- phase 3: route --------------------------------------------------------------
        _slot_offsets(slot_off, k, N)
        for e in range(step_start, n_spk):
            g = spk_id[e]
            counters[core_of[g], SPIKES] += 1
            counters[core_of[g], MESSAGES] += n_dest[g]
        if nthreads > 1 and n_spk - step_start >= par_spikes:
            _route_par(nthreads, step_start, n_spk, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp,
                       proj_wkind, syn_tgt, syn_w, syn_d, slot_off, ring, counters, prefetch)
        else:
            _route_owned(0, 1, step_start, n_spk, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp,
                         proj_wkind, syn_tgt, syn_w, syn_d, slot_off, ring, counters, prefetch)
        nt = 0
        if has_negexp:
            nt = _route_negexp(step_start, n_spk, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, proj_wexp,
                               proj_wkind, proj_part_off, proj_post_start, proj_post_size, syn_tgt, syn_w, syn_d, slot_off,
                               partial, part_mark, t_idx, t_pos, t_shift, counters)
        for t in range(nt):   # floor each (projection, delay, target) sum once
            idx = t_idx[t]
            ring[t_pos[t]] += partial[idx] >> t_shift[t]
            partial[idx] = 0
            part_mark[idx] = 0
        # -- phase 4: learn (plastic projections only) ----------------------------------
        if has_plastic:
            _learn(k, step_start, n_spk, spk_id, axon_ptr, seg_ptr, seg_proj, seg_core, syn_tgt, syn_w,
                   proj_post_start, core_of, proj_plastic, pl_reg, pl_post_ptr, pl_post_q, pl_post_x, pl_own_ptr,
                   pl_own_idx, tr_decay, tr_proj, trace, trace_one, trace_max, trace_decay_bits, counters, first_ovf)
        # -- phase 5: record ---------------------------------------------------------------
        for j in range(n_probe):
            tr_u[s, j] = u[probe_gids[j]]
            tr_v[s, j] = v[probe_gids[j]]
        if strict and first_ovf[0] >= 0:
            n_spk_io[0] = n_spk
            return s + 1
    n_spk_io[0] = n_spk
    return n_steps

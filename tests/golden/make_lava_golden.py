"""Generate golden traces from Intel's Lava (lava-nc 0.10.0) bit-accurate models.

Run with a Python 3.10 environment that has lava-nc installed (NOT the project venv;
this script never imports neuromorph); see tests/golden/README.md:

    ../lava310/bin/python tests/golden/make_lava_golden.py      # a Python 3.10 venv beside the repository

Every case is a ``RingBuffer`` source (a random binary raster, n_in x T) feeding one or two
``Dense`` / ``DelayDense`` projections (and optionally a recurrent ``Dense`` LIF -> LIF)
into one ``LIF`` population, run with ``Loihi2SimCfg(select_tag="fixed_pt")``; the script
asserts that Lava picked ``PyLifModelBitAcc``, ``PyDenseModelBitAcc`` and
``PyDelayDenseModelBitAcc``. Monitors record, every step, LIF ``u``, ``v``, ``s_out`` and
the ``a_out`` of every projection (whose sum is exactly the LIF's ``a_in``).

One compressed ``.npz`` per case goes to ``tests/golden/lava/``. Keys:

* ``name``, ``seed``, ``T``, ``n_in``, ``n_out``, ``lava_version``, ``models`` (selected
  ProcessModel class names, one "Process=Model" string each)
* ``raster`` (n_in, T) uint8: RingBuffer data; column k is sent in Lava time_step k+1
* LIF registers: ``du``, ``dv``, ``vth`` (scalars), ``bias_mant``, ``bias_exp``,
  ``u_init``, ``v_init`` (n_out,)
* ``n_proj``; per projection ``p{i}_kind`` ('dense' | 'delaydense'), ``p{i}_pre``
  ('in' | 'lif'), ``p{i}_weights`` (n_out, n_pre) raw weights given to Lava,
  ``p{i}_delays`` (n_out, n_pre; zeros for Dense), ``p{i}_weight_exp``,
  ``p{i}_sign_mode`` ('auto' | 'mixed' | 'excitatory' | 'inhibitory'),
  ``p{i}_num_weight_bits``, ``p{i}_weights_lava`` (Lava's prepared weights read back
  after the run)
* outputs, row t-1 = state after Lava time_step t: ``u``, ``v`` (T, n_out) int64,
  ``s`` (T, n_out) uint8, ``a_in`` (T, n_out) int64 (sum of the projections' a_out)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

import lava
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.proc.dense.process import DelayDense, Dense
from lava.proc.io.source import RingBuffer
from lava.proc.lif.process import LIF
from lava.proc.monitor.process import Monitor
from lava.utils.weightutils import SignMode, clip_weights, determine_sign_mode, truncate_weights

try:
    from importlib.metadata import version as _pkg_version
    LAVA_VERSION = _pkg_version("lava-nc")
except Exception:  # pragma: no cover
    LAVA_VERSION = getattr(lava, "__version__", "unknown")

OUT = Path(__file__).resolve().parent / "lava"
ACC_MAX = (1 << 15) - 1          # neuromorph's default 16-bit accumulator (Lava never clips)

SIGN = {"auto": None, "mixed": SignMode.MIXED, "excitatory": SignMode.EXCITATORY,
        "inhibitory": SignMode.INHIBITORY}
EXPECTED_MODELS = {"LIF": "PyLifModelBitAcc", "Dense": "PyDenseModelBitAcc",
                   "DelayDense": "PyDelayDenseModelBitAcc", "RingBuffer": "PySendModelFixed",
                   "Monitor": "PyMonitorModel"}


# --------------------------------------------------------------------------------------
# Case specification
# --------------------------------------------------------------------------------------
def proj(kind, pre, weights, delays=None, weight_exp=0, sign_mode="auto", num_weight_bits=8):
    w = np.asarray(weights, dtype=np.int64)
    d = np.zeros_like(w) if delays is None else np.asarray(delays, dtype=np.int64)
    assert w.ndim == 2 and d.shape == w.shape
    assert kind in ("dense", "delaydense") and pre in ("in", "lif") and sign_mode in SIGN
    if kind == "dense":
        assert not d.any()
    return dict(kind=kind, pre=pre, weights=w, delays=d, weight_exp=int(weight_exp), sign_mode=sign_mode,
                num_weight_bits=int(num_weight_bits))


def prepared(p):
    """Lava's own weight preparation (the same utils its bit-accurate models call)."""
    w = p["weights"]
    mode = SIGN[p["sign_mode"]] or determine_sign_mode(w)
    w = clip_weights(w, mode, num_bits=8)
    return np.asarray(truncate_weights(w, mode, p["num_weight_bits"]), dtype=np.int64)


def acc_bound(projs, n_out):
    """Worst-case |a_in| per neuron (every presynaptic input spiking in the same arrival step)."""
    b = np.zeros(n_out, dtype=np.int64)
    for p in projs:
        s = np.abs(prepared(p)).sum(axis=1)
        e = p["weight_exp"]
        b += (s << e) if e >= 0 else -((-s) >> -e)   # ceil for a negative exponent
    return b


def _decay0(x):
    """u after one step with du = 0 and no input: trunc0(x * 4095 / 4096)."""
    return int(np.sign(x)) * ((abs(int(x)) * 4095) >> 12)


def wrap_exact_init(m):
    """(a, u_init): two du=0 decays of u_init < m leave exactly m - 64 a, with 64 <= a <= 254."""
    for a in range(64, 255):
        x = m - 64 * a
        for u0 in range(x, x + 2100):
            if _decay0(u0) != x:
                continue
            for ui in range(u0, min(u0 + 2100, m - 1) + 1):   # -ui must stay > -2^23
                if _decay0(ui) == u0:
                    return a, ui
    raise AssertionError("no exact wrap start found")


def case(name, seed, raster, lif, projs):
    raster = np.asarray(raster, dtype=np.uint8)
    n_in, T = raster.shape
    n_out = projs[0]["weights"].shape[0]
    full = lambda x: np.broadcast_to(np.asarray(x, dtype=np.int64), (n_out,)).copy()  # noqa: E731
    lif = dict(du=int(lif.get("du", 0)), dv=int(lif.get("dv", 0)), vth=int(lif.get("vth", 10)),
               bias_mant=full(lif.get("bias_mant", 0)), bias_exp=full(lif.get("bias_exp", 0)),
               u_init=full(lif.get("u_init", 0)), v_init=full(lif.get("v_init", 0)))
    for p in projs:
        n_pre = n_in if p["pre"] == "in" else n_out
        assert p["weights"].shape == (n_out, n_pre), (name, p["weights"].shape)
    return dict(name=name, seed=int(seed), T=int(T), n_in=int(n_in), n_out=int(n_out), raster=raster,
                lif=lif, projs=projs)


def random_case(name, seed, *, n_recurrent=None, kinds=None, allow_wide=False):
    rng = np.random.default_rng(seed)
    T = int(rng.integers(30, 61))
    n_in = int(rng.integers(2, 9))
    n_out = int(rng.integers(2, 7))
    density = rng.uniform(0.1, 0.5)
    raster = (rng.random((n_in, T)) < density).astype(np.uint8)

    def weights(n_post, n_pre, mode):
        style = rng.integers(0, 4)
        if style == 0:          # small
            w = rng.integers(-16, 17, (n_post, n_pre))
        elif style == 1:        # full 8-bit range
            w = rng.integers(-256, 256, (n_post, n_pre))
        elif style == 2:        # beyond the clip bounds
            w = rng.integers(-600, 601, (n_post, n_pre))
        else:                   # bounds and their neighbours
            w = rng.choice([-1000, -300, -257, -256, -255, -254, -128, -127, -1, 0, 1, 7, 127, 128,
                            254, 255, 256, 257, 300, 1000], (n_post, n_pre))
        w = np.where(rng.random((n_post, n_pre)) < 0.25, 0, w)       # some absent synapses
        if mode == "excitatory" and rng.random() < 0.5:
            w = np.abs(w)
        if mode == "inhibitory" and rng.random() < 0.5:
            w = -np.abs(w)
        if mode == "auto":
            r = rng.random()
            w = np.abs(w) if r < 0.3 else -np.abs(w) if r < 0.6 else w
        return w

    n_ff = int(rng.integers(1, 3))
    projs = []
    for i in range(n_ff):
        kind = (kinds[i] if kinds else str(rng.choice(["dense", "delaydense"])))
        mode = str(rng.choice(list(SIGN)))
        w = weights(n_out, n_in, mode)
        d = rng.integers(0, 8, (n_out, n_in)) if kind == "delaydense" else None
        projs.append(proj(kind, "in", w, d, int(rng.integers(-8, 8)), mode, int(rng.integers(1, 9))))
    rec = (rng.random() < 0.4) if n_recurrent is None else n_recurrent
    if rec:
        mode = str(rng.choice(list(SIGN)))
        projs.append(proj("dense", "lif", weights(n_out, n_out, mode), None, int(rng.integers(-8, 8)), mode,
                          int(rng.integers(1, 9))))
    # keep the summed input inside the 16-bit accumulator: lower weight exponents until it fits
    while not allow_wide and acc_bound(projs, n_out).max() > ACC_MAX:
        k = int(np.argmax([acc_bound([p], n_out).max() for p in projs]))
        assert projs[k]["weight_exp"] > -8
        projs[k]["weight_exp"] -= 1

    du = int(rng.choice([0, 4095, int(rng.integers(0, 4096)), int(rng.integers(0, 512))]))
    dv = int(rng.choice([0, 4095, int(rng.integers(0, 4096)), int(rng.integers(0, 512))]))
    scale = int(acc_bound(projs, n_out).max())      # per-step input scale, in units of vth
    vth = int(rng.choice([0, int(rng.integers(1, 64)), int(scale * rng.uniform(0.05, 2.0)),
                          int(rng.integers(0, 131072))], p=[0.1, 0.2, 0.55, 0.15]))
    vth = min(vth, 131071)
    bias_exp = rng.integers(0, 8, n_out)
    bias_mant = np.where(rng.random(n_out) < 0.5, 0, rng.integers(-64, 65, n_out))
    bias_mant = np.where(rng.random(n_out) < 0.1, rng.integers(-4096, 4096, n_out), bias_mant)
    return case(name, seed, raster, dict(du=du, dv=dv, vth=vth, bias_mant=bias_mant, bias_exp=bias_exp), projs)


def edge_cases():
    cs = []
    # 1. u runs into the wrap window from large inputs with du = 0 (u keeps 4095/4096 per step);
    #    second neuron is driven negative. vth maximal so v saturates instead of spiking early.
    T = 40
    r = np.zeros((2, T), np.uint8)
    r[0, :12] = 1
    r[1, 20:32] = 1
    w = np.array([[255, 0], [0, -255], [255, -255]])
    cs.append(case("edge_u_wrap_accumulate", 1001, r, dict(du=0, dv=4095, vth=131071),
                   [proj("dense", "in", w, weight_exp=7, sign_mode="mixed", num_weight_bits=8)]))
    # same with dv = 0: v also integrates u and saturates at both ends
    cs.append(case("edge_u_wrap_v_sat", 1002, r, dict(du=0, dv=0, vth=131071),
                   [proj("dense", "in", w, weight_exp=7, sign_mode="mixed", num_weight_bits=8)]))
    # 2. exact wrap boundaries. The first input arrives in step 1, after two decays of u_init
    #    (du = 0: u -> trunc(u * 4095 / 4096)); u_init is solved so that those two decays leave
    #    +-(2^23 - 64 a). Then input a gives exactly 2^23 (kept), a + 1 gives 2^23 + 64 (wraps);
    #    -a gives exactly -2^23 (wraps to +2^23: the asymmetric window), -(a - 1) gives -2^23 + 64.
    #    (Mixed mode would make odd weights even, so the signs use separate 8-bit projections.)
    m = 1 << 23
    a, ui = wrap_exact_init(m)
    T = 30
    r = np.zeros((1, T), np.uint8)
    r[0, 0] = 1
    r[0, 12] = 1
    cs.append(case("edge_u_wrap_exact", 1003, r,
                   dict(du=0, dv=4095, vth=131071, u_init=[ui, ui, -ui, -ui, m, -m + 1]),
                   [proj("dense", "in", [[a], [a + 1], [0], [0], [0], [0]], sign_mode="excitatory"),
                    proj("dense", "in", [[0], [0], [-a], [-(a - 1)], [0], [0]], sign_mode="inhibitory")]))
    # 3. v at negative saturation: negative bias (-4096 << 7) and inhibitory input, dv = 0
    T = 40
    rng = np.random.default_rng(1004)
    r = (rng.random((3, T)) < 0.4).astype(np.uint8)
    cs.append(case("edge_v_neg_saturation", 1004, r,
                   dict(du=100, dv=0, vth=50, bias_mant=[-4096, -1000, 0, 4095], bias_exp=[7, 7, 0, 7],
                        v_init=[0, -(m - 1), -(m - 100), 0]),
                   [proj("dense", "in", -rng.integers(100, 256, (4, 3)), weight_exp=5, sign_mode="inhibitory")]))
    # 4. vth = 0: any v > 0 spikes; v == 0 does not
    r = (np.random.default_rng(1005).random((4, 36)) < 0.3).astype(np.uint8)
    cs.append(case("edge_vth_zero", 1005, r, dict(du=2048, dv=1024, vth=0, bias_mant=[0, 0, 1, -1, 0],
                                                   bias_exp=[0, 0, 0, 0, 3]),
                   [proj("dense", "in", [[1, 0, 0, 0], [-1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 2],
                                         [-3, 2, 1, 0]], weight_exp=-1, sign_mode="auto")]))
    # 5. weights 7 and -127 under mixed mode (-> 6 and -128 with 8 bits), also with fewer bits
    r = (np.random.default_rng(1006).random((3, 40)) < 0.5).astype(np.uint8)
    w7 = np.array([[7, -127, 0], [7, 0, 0], [0, -127, 0], [7, 7, -127], [255, 256, -256], [-255, -257, 1]])
    for bits in (8, 5, 1):
        cs.append(case(f"edge_mixed_7_m127_bits{bits}", 1006 + bits, r, dict(du=4095, dv=0, vth=2000),
                       [proj("dense", "in", w7, weight_exp=0, sign_mode="mixed", num_weight_bits=bits)]))
    # 6. threshold equality: v == vth << 6 does not spike (bias 5 << 7 = 640 = 10 << 6)
    r = np.zeros((1, 30), np.uint8)
    cs.append(case("edge_v_equals_threshold", 1010, r,
                   dict(du=0, dv=0, vth=10, bias_mant=[5, 5, 10, 0], bias_exp=[7, 6, 6, 0]),
                   [proj("dense", "in", np.zeros((4, 1), np.int64))]))
    # 7. negative weight_exp floors the SUM once per step (3+3)>>2 = 1, 3>>2 = 0; negatives round to -inf
    T = 40
    r = np.zeros((4, T), np.uint8)
    r[0, ::3] = 1
    r[1, ::2] = 1
    r[2, ::5] = 1
    r[3, 1::4] = 1
    wn = np.array([[3, 3, 0, 0], [-3, -3, 0, 0], [3, -5, 2, 0], [1, 1, 1, 1]])
    cs.append(case("edge_neg_weight_exp_floor", 1011, r, dict(du=4095, dv=3000, vth=100),
                   [proj("dense", "in", wn, weight_exp=-2, sign_mode="mixed", num_weight_bits=8)]))
    # DelayDense: the floor is per (delay value) partial sum
    dn = np.array([[0, 0, 1, 1], [0, 1, 0, 1], [2, 2, 2, 2], [0, 3, 0, 3]])
    cs.append(case("edge_delaydense_neg_exp_per_delay", 1012, r, dict(du=4095, dv=3000, vth=100),
                   [proj("delaydense", "in", wn, dn, weight_exp=-2, sign_mode="mixed", num_weight_bits=8)]))
    # 8. du / dv extremes with steady drive
    r = (np.random.default_rng(1013).random((3, 50)) < 0.35).astype(np.uint8)
    wd = np.random.default_rng(1013).integers(-40, 120, (4, 3))
    for du, dv in ((0, 0), (4095, 4095), (0, 4095), (4095, 0)):
        cs.append(case(f"edge_decay_du{du}_dv{dv}", 1013, r, dict(du=du, dv=dv, vth=300, bias_mant=[0, 10, -10, 3],
                                                                  bias_exp=[0, 2, 2, 5]),
                       [proj("dense", "in", wd, weight_exp=3)]))
    # 9. Dense + DelayDense (max delay 7) + recurrent Dense, all into one LIF
    rng = np.random.default_rng(1017)
    r = (rng.random((5, 60)) < 0.3).astype(np.uint8)
    cs.append(case("edge_three_projections", 1017, r, dict(du=600, dv=300, vth=150, bias_mant=[0, 5, 0, 0, 9],
                                                           bias_exp=[0, 3, 0, 0, 1]),
                   [proj("dense", "in", rng.integers(-50, 200, (5, 5)), weight_exp=2, num_weight_bits=6),
                    proj("delaydense", "in", rng.integers(-200, 50, (5, 5)), rng.integers(0, 8, (5, 5)),
                         weight_exp=1, sign_mode="mixed", num_weight_bits=7),
                    proj("dense", "lif", rng.integers(-256, 256, (5, 5)), weight_exp=3, sign_mode="mixed")]))
    # 10. beyond the 16-bit accumulator: Lava never clips a_in (neuromorph saturates it; the test
    #     runs this case with a wider accumulator and shows the default one saturates)
    r = np.ones((8, 30), np.uint8)
    r[:, 10:] = (np.random.default_rng(1018).random((8, 20)) < 0.5)
    cs.append(case("wide_acc_lava_no_clip", 1018, r, dict(du=4095, dv=4095, vth=131071),
                   [proj("dense", "in", np.full((3, 8), 255) * np.array([[1], [-1], [1]]), weight_exp=7,
                         sign_mode="auto")]))
    return cs


# --------------------------------------------------------------------------------------
# Running Lava
# --------------------------------------------------------------------------------------
def run_lava(c):
    T, n_out = c["T"], c["n_out"]
    L = c["lif"]
    src = RingBuffer(data=c["raster"].astype(np.int32))
    lif = LIF(shape=(n_out,), du=L["du"], dv=L["dv"], vth=L["vth"], bias_mant=L["bias_mant"].copy(),
              bias_exp=L["bias_exp"].copy(), u=L["u_init"].copy(), v=L["v_init"].copy())
    conns = []
    for p in c["projs"]:
        kw = dict(weights=p["weights"].copy(), weight_exp=p["weight_exp"], num_weight_bits=p["num_weight_bits"])
        if SIGN[p["sign_mode"]] is not None:
            kw["sign_mode"] = SIGN[p["sign_mode"]]
        if p["kind"] == "dense":
            conn = Dense(**kw)
        else:
            conn = DelayDense(delays=p["delays"].astype(int).copy(), **kw)
        (src.s_out if p["pre"] == "in" else lif.s_out).connect(conn.s_in)
        conn.a_out.connect(lif.a_in)
        conns.append(conn)
    # one Monitor per target (Monitor.probe resets its per-process data dict on every call)
    mons = {}
    for key, target in (("u", lif.u), ("v", lif.v), ("s", lif.s_out)):
        mons[key] = Monitor()
        mons[key].probe(target, T)
    a_mons = []
    for conn in conns:
        m = Monitor()
        m.probe(conn.a_out, T)
        a_mons.append(m)

    lif.run(condition=RunSteps(num_steps=T), run_cfg=Loihi2SimCfg(select_tag="fixed_pt"))
    try:
        models = {}
        for proc in [src, lif, *conns, *mons.values(), *a_mons]:
            pname, mname = type(proc).__name__, proc.model_class.__name__
            assert mname == EXPECTED_MODELS[pname], f"{c['name']}: {pname} ran {mname}, not {EXPECTED_MODELS[pname]}"
            models[pname] = mname
        out = {}
        for key, mon in mons.items():
            target = {"u": lif.u, "v": lif.v, "s": lif.s_out}[key]
            out[key] = np.asarray(mon.get_data()[lif.name][target.name])
        a_in = np.zeros((T, n_out))
        for conn, mon in zip(conns, a_mons):
            a_in = a_in + np.asarray(mon.get_data()[conn.name][conn.a_out.name])
        out["a_in"] = a_in
        w_lava = [np.asarray(conn.weights.get()) for conn in conns]
        u_end, v_end = np.asarray(lif.u.get()), np.asarray(lif.v.get())
    finally:
        lif.stop()
    for key in ("u", "v", "s", "a_in"):
        x = out[key].reshape(T, n_out)
        assert np.all(x == np.rint(x)), (c["name"], key)
        out[key] = np.rint(x).astype(np.int64)
    assert np.array_equal(out["u"][-1], u_end) and np.array_equal(out["v"][-1], v_end), c["name"]
    return out, w_lava, models


def save(c, out, w_lava, models):
    d = dict(name=np.array(c["name"]), seed=np.int64(c["seed"]), T=np.int64(c["T"]), n_in=np.int64(c["n_in"]),
             n_out=np.int64(c["n_out"]), lava_version=np.array(LAVA_VERSION),
             models=np.array([f"{k}={v}" for k, v in sorted(models.items())]),
             raster=c["raster"].astype(np.uint8), n_proj=np.int64(len(c["projs"])))
    for k, v in c["lif"].items():
        d[k] = np.asarray(v, dtype=np.int64)
    for i, (p, wl) in enumerate(zip(c["projs"], w_lava)):
        assert np.array_equal(wl, prepared(p)), c["name"]      # Lava's run agrees with its own utils
        d.update({f"p{i}_kind": np.array(p["kind"]), f"p{i}_pre": np.array(p["pre"]),
                  f"p{i}_weights": p["weights"].astype(np.int16), f"p{i}_delays": p["delays"].astype(np.int8),
                  f"p{i}_weight_exp": np.int64(p["weight_exp"]), f"p{i}_sign_mode": np.array(p["sign_mode"]),
                  f"p{i}_num_weight_bits": np.int64(p["num_weight_bits"]),
                  f"p{i}_weights_lava": wl.astype(np.int16)})
    d.update(u=out["u"].astype(np.int32), v=out["v"].astype(np.int32), s=out["s"].astype(np.uint8),
             a_in=out["a_in"].astype(np.int32))
    np.savez_compressed(OUT / f"{c['name']}.npz", **d)


N_RANDOM = 20


def random_cases():
    """Yields candidate lists: the first candidate of each list that Lava finds 'interesting'
    (some input arrives, some neuron spikes, not every neuron spikes every step) is kept."""
    for i in range(N_RANDOM):
        kw = {}
        if i % 5 == 0:
            kw["kinds"] = ["delaydense", "delaydense"]
        if i % 3 == 1:
            kw["n_recurrent"] = True
        yield [random_case(f"random_{i:02d}", 2000 + i + 1000 * attempt, **kw) for attempt in range(20)]


def interesting(out):
    s = out["s"]
    return bool(np.any(out["a_in"])) and 0 < s.sum() < s.size


def main(argv):
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(argv[1:])
    for cands in [[c] for c in edge_cases()] + list(random_cases()):
        if only and cands[0]["name"] not in only:
            continue
        for c in cands:
            out, w_lava, models = run_lava(c)
            if len(cands) == 1 or interesting(out):
                break
        else:
            raise AssertionError(f"no interesting candidate for {cands[0]['name']}")
        save(c, out, w_lava, models)
        kinds = "+".join(f"{p['kind']}({p['pre']},e{p['weight_exp']},{p['sign_mode'][:3]},b{p['num_weight_bits']})"
                         for p in c["projs"])
        print(f"{c['name']:36s} T={c['T']:2d} in={c['n_in']} out={c['n_out']} spikes={int(out['s'].sum()):4d} "
              f"max|a_in|={int(np.abs(out['a_in']).max()):6d} {kinds}", flush=True)
    total = sum(f.stat().st_size for f in OUT.glob("*.npz"))
    print(f"{len(list(OUT.glob('*.npz')))} files, {total} bytes, lava-nc {LAVA_VERSION}")


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent)
    main(sys.argv)

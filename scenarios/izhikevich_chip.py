"""Izhikevich's 20 behaviours and the cortical classes on the integer chip vs the float reference.

Every preset of :mod:`reference.izhikevich_presets` (published parameters, protocols, step
sizes; v first, then u with the new v — the chip's order, docs/hardware-model.md §2b) runs
on the chip (one Izhikevich neuron, the protocol written by the host every step, §2c) and
on the float reference. For each it reports: spike counts chip vs reference, Kistler's
coincidence factor Γ (δ = 2 ms, over the whole run), first-spike latency difference
(chip − reference, ms), mean-ISI error (chip − reference, ms), whether the behaviour's
defining property (:mod:`reference.izhikevich_checks`) holds on the chip and on the
reference, and the chip's saturation counters. It also reports the reference run with
the chip's *realised* (quantized) coefficients, which separates coefficient
quantization from state rounding. Saves ``izhikevich_chip.png`` (chip and reference v
overlaid, one panel per preset) and ``izhikevich_chip.json``.

    python scenarios/izhikevich_chip.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from neuromorph.errors import ParameterError
from neuromorph.hardware import LOIHI
from neuromorph.network import Izhikevich, Network
from neuromorph.simulator import Simulator
from reference.analysis.agreement import coincidence_factor, latency_shift
from reference.izhikevich import simulate_izhikevich
from reference.izhikevich_checks import Response, check, response_from_reference
from reference.izhikevich_presets import PRESETS, simulate_preset

DESCRIPTION = "Izhikevich 20 behaviours + cortical classes on the integer chip vs the float reference (table, figure)"

DELTA_MS = 2.0
COUNTERS = ("v_sat", "u_sat", "prod_sat", "acc_sat")


def widths(F: int | None = None, S: int | None = None, P: int | None = None, W: int | None = None):
    """A chip whose Izhikevich widths are changed (None: keep the default). With only ``F``
    given, ``S = F + 12`` and ``W = min(62, 2 S + 2)`` (the precision-sweep convention)."""
    core = {}
    if F is not None:
        S = F + 12 if S is None else S
        W = min(62, 2 * S + 2) if W is None else W
        core.update(izh_frac_bits=F, izh_state_bits=S, izh_prod_bits=W)
    if P is not None:
        core["izh_coef_frac_bits"] = P
    return LOIHI.with_core(**core) if core else LOIHI


def run_chip(name: str, chip=LOIHI):
    """Run preset ``name`` on ``chip``: ``(Response, simulator)``; v in mV (model units)."""
    p = PRESETS[name]
    q = p.params
    net = Network(dt=p.dt * 1e-3)
    net.add_population("iz", 1, Izhikevich(a=q.a, b=q.b, c=q.c, d=q.d, v_peak=q.v_peak, k2=q.k2, k1=q.k1,
                                            k0=q.k0, v_init=p.v0, u_init=p.u0, u_rule=q.u_rule))
    net.inject("iz", p.current())
    net.probe("iz")
    sim = Simulator(net, chip=chip, strict=False).run(p.n_steps)
    t = p.times()
    return Response(t, p.current(), t[np.asarray(sim.spikes.steps, dtype=np.int64)],
                    np.asarray(sim.traces.physical("v")[:, 0], float)), sim


def realised_reference(name: str, P: int = LOIHI.core.izh_coef_frac_bits) -> Response:
    """The float reference run with the coefficients the chip realises at ``P`` coefficient
    fraction bits (k2, k1, b and a·dt rounded to 2^-P as in §2b; c, d, k0 are exact)."""
    p = PRESETS[name]
    q = p.params
    r = lambda x: round(x * 2 ** P) / 2 ** P  # noqa: E731
    qq = q.replace(k2=r(q.k2), k1=r(q.k1), b=r(q.b), a=r(q.a * p.dt) / p.dt)
    res = simulate_izhikevich(qq, p.current(), p.dt, p.n_steps, v0=p.v0, u0=p.u0, t=p.times())
    return Response(p.times(), p.current(), res.t[res.spikes[:, 0]], res.v[:, 0])


def _nan(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def compare(name: str, chip_resp: Response, ref_resp: Response, sim=None) -> dict:
    """One table row: agreement of ``chip_resp`` with ``ref_resp`` and the chip's property check."""
    p = PRESETS[name]
    a, b = ref_resp.spike_times, chip_resp.spike_times
    t_stop = p.duration + p.dt
    if a.size == 0 and b.size == 0:
        gamma = float("nan")
    else:
        try:
            gamma = coincidence_factor(a, b, DELTA_MS, 0.0, t_stop)
        except ParameterError:  # chip fires so fast (> 250 Hz) that 2 nu delta >= 1: no agreement measurable
            gamma = float("nan")
    isi_a = np.diff(a).mean() if a.size > 1 else float("nan")
    isi_b = np.diff(b).mean() if b.size > 1 else float("nan")
    c = check(name, chip_resp)
    row = {
        "name": name, "n_ref": int(a.size), "n_chip": int(b.size), "gamma": _nan(float(gamma)),
        "latency_diff_ms": _nan(latency_shift(a, b)), "isi_err_ms": _nan(float(isi_b - isi_a)),
        "property_chip": bool(c.passed), "property_reason": c.reason,
    }
    if sim is not None:
        tab = sim.counter_table()
        row["overflows"] = {k: int(np.asarray(tab[k]).sum()) for k in COUNTERS if k in tab}
    return row


def table(chip=LOIHI, names=None, with_realised: bool = True, keep_traces: bool = False):
    """Rows for every preset (``names``: a subset) on ``chip``; optionally the responses too."""
    rows, traces = [], {}
    for name in names or list(PRESETS):
        ref = response_from_reference(simulate_preset(name))
        chip_resp, sim = run_chip(name, chip)
        row = compare(name, chip_resp, ref, sim)
        row["property_ref"] = bool(check(name, ref).passed)
        if with_realised:
            rq = realised_reference(name, chip.core.izh_coef_frac_bits)
            row["chip_equals_realised_ref"] = bool(np.array_equal(rq.spike_times, chip_resp.spike_times))
            row["property_realised_ref"] = bool(check(name, rq).passed)
        rows.append(row)
        if keep_traces:
            traces[name] = (ref, chip_resp)
    return (rows, traces) if keep_traces else rows


def _f(x, fmt):
    return "   -  " if x is None else format(x, fmt)


def format_table(rows) -> str:
    head = (f"{'preset':28s} {'n_ref':>5s} {'n_chip':>6s} {'Gamma':>6s} {'dlat_ms':>8s} {'dISI_ms':>8s} "
            f"{'prop':>5s} {'=qref':>5s} {'sat':>4s}")
    lines = [head, "-" * len(head)]
    for r in rows:
        sat = sum(r.get("overflows", {}).values())
        lines.append(f"{r['name']:28s} {r['n_ref']:5d} {r['n_chip']:6d} {_f(r['gamma'], '6.3f')} "
                     f"{_f(r['latency_diff_ms'], '8.2f')} {_f(r['isi_err_ms'], '8.2f')} "
                     f"{'pass' if r['property_chip'] else 'FAIL':>5s} "
                     f"{('yes' if r.get('chip_equals_realised_ref') else 'no'):>5s} {sat:4d}")
    return "\n".join(lines)


def figure(traces, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(traces)
    cols = 4
    rows = int(math.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 1.9 * rows))
    for ax, name in zip(np.ravel(axes), names):
        ref, chip = traces[name]
        ax.plot(ref.t, ref.v, color="k", lw=1.4, label="reference (float)")
        v = chip.v.copy()
        v[np.isin(chip.t, chip.spike_times)] = 30.0  # draw chip spikes like the reference's
        ax.plot(chip.t, v, color="C3", lw=0.7, label="chip (integer)")
        I = ref.I
        span = np.ptp(I) or 1.0
        ax.plot(ref.t, -92 + 8 * (I - I.min()) / span, color="C0", lw=0.6)
        ax.set_ylim(-95, 35)
        ok = check(name, chip).passed
        ax.set_title(f"{PRESETS[name].label}  [{'pass' if ok else 'FAIL'}]", fontsize=7,
                     color="k" if ok else "C3")
        ax.tick_params(labelsize=5)
    for ax in np.ravel(axes)[len(names):]:
        ax.axis("off")
    np.ravel(axes)[0].legend(fontsize=5, loc="upper right")
    fig.suptitle("Izhikevich on the chip (red, default widths) vs float reference (black); blue: input", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(out_dir: str = "out/izhikevich_chip", seed: int = 0) -> dict:
    """Run all presets at the default widths; print the table; save PNG + JSON. ``seed`` unused
    (everything is deterministic)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows, traces = table(LOIHI, keep_traces=True)
    print(format_table(rows))
    n_pass = sum(r["property_chip"] for r in rows)
    print(f"\ndefining property holds on the chip for {n_pass}/{len(rows)} presets "
          f"(=qref: chip spike train identical to the float reference run with the chip's quantized coefficients)")
    for r in rows:
        if not r["property_chip"]:
            print(f"  FAIL {r['name']}: {r['property_reason']}")
    figure(traces, out / "izhikevich_chip.png")
    result = {"rows": rows, "n_pass": n_pass, "n": len(rows),
              "widths": {"S": LOIHI.core.izh_state_bits, "F": LOIHI.core.izh_frac_bits,
                         "P": LOIHI.core.izh_coef_frac_bits, "W": LOIHI.core.izh_prod_bits}}
    (out / "izhikevich_chip.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()

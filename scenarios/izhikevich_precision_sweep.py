"""Precision sweep: Izhikevich's behaviours on the chip against the float reference vs fixed-point width.

For ``F = izh_frac_bits`` = 2 .. 16 (state width ``S = F + 12``, product width
``W = min(62, 2 S + 2)``, coefficient fraction bits ``P`` at the default 16) it builds the
table of :mod:`scenarios.izhikevich_chip` (spike counts, Γ at δ = 2 ms, latency and ISI
errors, defining property on the chip, saturations) for every preset. A second, shorter
sweep varies ``P`` = 8 .. 24 at the default ``F = 12`` (coefficient quantization, which
at the default width is what decides the knife-edge presets). Plots, against F and P:
mean ``1 - Γ`` over presets, the number of presets whose defining property holds, and a
preset × F map (pass/fail, colour = Γ) so a user can read off the cheapest width that
keeps a behaviour. One command::

    python scenarios/izhikevich_precision_sweep.py

writes ``docs/img/izhikevich_precision.png`` (``fig_path``) and ``izhikevich_precision.json``
(in ``out_dir``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

from neuromorph.hardware import LOIHI

DESCRIPTION = "Izhikevich on the chip vs fixed-point width: 1-Gamma and property passes, F = 2..16, P = 8..24"

F_RANGE = tuple(range(2, 17))
P_RANGE = tuple(range(8, 25, 2))
_ROOT = Path(__file__).resolve().parents[1]


def _chip_module():
    spec = importlib.util.spec_from_file_location("izhikevich_chip", Path(__file__).with_name("izhikevich_chip.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def summarize(rows) -> dict:
    """Aggregates of one table: property passes, mean and median ``1 - Γ`` (undefined Γ counts
    as no agreement, 1 - Γ = 1), total |count error|, total saturations."""
    err = np.array([1.0 - r["gamma"] if r["gamma"] is not None else 1.0 for r in rows])
    return {"n_pass": int(sum(r["property_chip"] for r in rows)), "n": len(rows),
            "mean_1_minus_gamma": float(err.mean()), "median_1_minus_gamma": float(np.median(err)),
            "abs_count_error": int(sum(abs(r["n_chip"] - r["n_ref"]) for r in rows)),
            "saturations": int(sum(sum(r.get("overflows", {}).values()) for r in rows)),
            "failing": [r["name"] for r in rows if not r["property_chip"]]}


def sweep(F_values=F_RANGE, P_values=P_RANGE, names=None) -> dict:
    """Tables for each F (S = F + 12, P default) and each P (F default)."""
    ic = _chip_module()
    out = {"F": {}, "P": {}}
    for F in F_values:
        rows = ic.table(ic.widths(F=F), names=names, with_realised=False)
        out["F"][int(F)] = {"rows": rows, "summary": summarize(rows)}
    for P in P_values:
        rows = ic.table(ic.widths(P=P), names=names, with_realised=False)
        out["P"][int(P)] = {"rows": rows, "summary": summarize(rows)}
    return out


def cheapest_F(res: dict) -> dict:
    """Per preset: the smallest F from which the property holds at every larger F of the sweep (None: never)."""
    Fs = sorted(res["F"])
    names = [r["name"] for r in res["F"][Fs[0]]["rows"]]
    out = {}
    for i, name in enumerate(names):
        ok = [res["F"][F]["rows"][i]["property_chip"] for F in Fs]
        best = None
        for k in range(len(Fs) - 1, -1, -1):
            if not ok[k]:
                break
            best = Fs[k]
        out[name] = best
    return out


def figure(res: dict, path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    Fs, Ps = sorted(res["F"]), sorted(res["P"])
    names = [r["name"] for r in res["F"][Fs[0]]["rows"]]
    fig = plt.figure(figsize=(13, 7.5))
    gs = fig.add_gridspec(2, 2, width_ratios=[1, 1.35])
    ax1 = fig.add_subplot(gs[0, 0])
    sF = [res["F"][F]["summary"] for F in Fs]
    ax1.plot(Fs, [s["mean_1_minus_gamma"] for s in sF], "o-", color="C3", label="mean 1 - Γ")
    ax1.plot(Fs, [s["median_1_minus_gamma"] for s in sF], "s--", color="C1", ms=4, label="median 1 - Γ")
    ax1.set_xlabel(f"F = izh_frac_bits (S = F + 12, P = {LOIHI.core.izh_coef_frac_bits})")
    ax1.set_ylabel("1 - Γ  (δ = 2 ms)")
    ax1.set_yscale("symlog", linthresh=0.01)
    ax1b = ax1.twinx()
    ax1b.step(Fs, [s["n_pass"] for s in sF], where="mid", color="k", label="property passes")
    ax1b.set_ylim(0, len(names) + 1)
    ax1b.set_ylabel(f"presets whose property holds (of {len(names)})")
    ax1.legend(loc="upper center", fontsize=7)
    ax1b.legend(loc="center right", fontsize=7)
    ax1.set_title("state fraction bits F", fontsize=9)
    ax2 = fig.add_subplot(gs[1, 0])
    sP = [res["P"][P]["summary"] for P in Ps]
    ax2.plot(Ps, [s["mean_1_minus_gamma"] for s in sP], "o-", color="C3", label="mean 1 - Γ")
    ax2.set_xlabel("P = izh_coef_frac_bits (F = 12, S = 24)")
    ax2.set_ylabel("1 - Γ")
    ax2.set_yscale("symlog", linthresh=0.01)
    ax2b = ax2.twinx()
    ax2b.step(Ps, [s["n_pass"] for s in sP], where="mid", color="k")
    ax2b.set_ylim(0, len(names) + 1)
    ax2b.set_ylabel("property passes")
    ax2.set_title("coefficient fraction bits P (k2 = 0.04, a·dt, b)", fontsize=9)
    ax3 = fig.add_subplot(gs[:, 1])
    G = np.array([[np.nan if r["gamma"] is None else r["gamma"] for r in res["F"][F]["rows"]] for F in Fs]).T
    Pm = np.array([[r["property_chip"] for r in res["F"][F]["rows"]] for F in Fs]).T
    im = ax3.imshow(np.clip(G, 0, 1), aspect="auto", cmap="viridis", vmin=0, vmax=1)
    for i in range(Pm.shape[0]):
        for j in range(Pm.shape[1]):
            ax3.text(j, i, "✓" if Pm[i, j] else "✗", ha="center", va="center", fontsize=6,
                     color="k" if (np.nan_to_num(G[i, j]) > 0.6) else "w")
    ax3.set_xticks(range(len(Fs)), Fs, fontsize=7)
    ax3.set_yticks(range(len(names)), names, fontsize=7)
    ax3.set_xlabel("F (S = F + 12)")
    ax3.set_title("per preset: Γ (colour) and defining property on the chip (✓/✗)", fontsize=9)
    fig.colorbar(im, ax=ax3, label="Γ (clipped to [0, 1])", fraction=0.04)
    fig.suptitle("Izhikevich on the chip vs the float reference: precision sweep", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(out_dir: str = "out/izhikevich_precision_sweep", seed: int = 0,
         fig_path: str | None = str(_ROOT / "docs" / "img" / "izhikevich_precision.png")) -> dict:
    """Run both sweeps, print the summaries, save the figure (``fig_path``) and a JSON.
    ``seed`` is unused (deterministic)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    res = sweep()
    print(f"{'F':>3s} {'S':>3s} {'W':>3s} {'pass':>5s} {'mean 1-G':>9s} {'med 1-G':>8s} "
          f"{'|dN|':>5s} {'sat':>6s}  failing")
    for F in sorted(res["F"]):
        s = res["F"][F]["summary"]
        S = F + 12
        print(f"{F:3d} {S:3d} {min(62, 2 * S + 2):3d} {s['n_pass']:3d}/{s['n']} {s['mean_1_minus_gamma']:9.3f} "
              f"{s['median_1_minus_gamma']:8.3f} {s['abs_count_error']:5d} {s['saturations']:6d}  "
              f"{', '.join(s['failing'])}")
    print(f"\n{'P':>3s} {'pass':>5s} {'mean 1-G':>9s}  failing   (F = 12, S = 24, W = 48)")
    for P in sorted(res["P"]):
        s = res["P"][P]["summary"]
        print(f"{P:3d} {s['n_pass']:3d}/{s['n']} {s['mean_1_minus_gamma']:9.3f}  {', '.join(s['failing'])}")
    cheap = cheapest_F(res)
    print(f"\ncheapest F from which the property holds at every larger F of the sweep "
          f"(P = {LOIHI.core.izh_coef_frac_bits}):")
    for name, F in cheap.items():
        print(f"  {name:28s} {F if F is not None else 'never (fails at F = 16)'}")
    result = {"F": {F: res["F"][F]["summary"] for F in res["F"]},
              "P": {P: res["P"][P]["summary"] for P in res["P"]},
              "cheapest_F": cheap, "rows_F": {F: res["F"][F]["rows"] for F in res["F"]},
              "rows_P": {P: res["P"][P]["rows"] for P in res["P"]}}
    (out / "izhikevich_precision.json").write_text(json.dumps(result, indent=1))
    if fig_path:
        Path(fig_path).parent.mkdir(parents=True, exist_ok=True)
        figure(res, fig_path)
    return result


if __name__ == "__main__":
    main()

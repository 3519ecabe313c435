"""Output of ``neuromorph compare``: figures, per-scenario reports and the ``--all`` table.

* :func:`figures`: the PNGs that apply to a comparison (rasters, traces, rates, ISIs, PSD,
  F-I / sweep curves, weights, STDP window, overflow counters);
* :func:`write_reports`: ``metrics.json``, ``config.json``, ``report.md`` and a
  self-contained ``report.html`` of one scenario;
* :class:`Outcome` (one scenario's summary), :func:`summary_line`, :func:`table` (the
  feature × backend table) and :func:`write_validation_table` (its block in docs/validation.md).

Folder layout and formats: docs/compare.md.
"""

from __future__ import annotations

import base64
import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from neuromorph.network import RunResult

from .metrics import (Evaluation, overflow_total, population_rate, populations_of, spectrum, spike_trains,
                      weight_projections)
from .protocol import BACKENDS, METRICS, OVERFLOW_COUNTERS, PAIRS, SPLITS, Comparison, Tol

__all__ = ["figures", "write_reports", "Outcome", "summary_line", "table", "write_validation_table",
           "VALIDATION_BEGIN", "VALIDATION_END"]

COLORS = {"continuous": "tab:blue", "hardware": "k", "chip": "tab:red"}
VALIDATION_BEGIN = "<!-- compare --all: begin -->"
VALIDATION_END = "<!-- compare --all: end -->"


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    _plt().close(fig)
    return path


def figures(cmp: Comparison, results: Mapping[str, RunResult], ev: Evaluation, out: Path,
            program=None) -> list[tuple[str, str]]:
    """Write the PNGs that apply; return (file name, caption) pairs."""
    plt = _plt()
    figs: list[tuple[str, str]] = []
    order = [k for k in BACKENDS if k in results]
    any_res = results[order[0]]
    dt = any_res.spikes.dt
    t1 = any_res.spikes.n_steps * dt
    pops = populations_of(cmp, any_res)
    trains = {k: spike_trains(results[k], pops, 0.0, t1) for k in order}
    n_spk = sum(sum(t.size for t in v) for v in trains.values())

    if n_spk:
        fig, axes = plt.subplots(len(order), 1, figsize=(9, 1.8 + 1.5 * len(order)), sharex=True, squeeze=False)
        for ax, k in zip(axes[:, 0], order):
            tr = trains[k][:200]
            for i, t in enumerate(tr):
                ax.plot(t * 1e3, np.full(t.size, i), "|", ms=3, color=COLORS[k])
            ax.set_ylabel("neuron")
            ax.set_title(f"{cmp.labels[k]} ({sum(t.size for t in trains[k])} spikes)", fontsize=9)
        axes[-1, 0].set_xlabel("time (ms)")
        figs.append((_save(fig, out / "raster.png").name, "Spike rasters (first 200 neurons): "
                     + ", ".join(cmp.labels[k] for k in order) + ", top to bottom"))

    tr0 = any_res.traces
    if tr0.data.get("v") is not None and tr0.data["v"].size:
        cols = tr0.ids[:3].tolist()
        chip_tr = results["chip"].traces if "chip" in results else None
        ncol = 2 if chip_tr is not None else 1
        fig, axes = plt.subplots(2, ncol, figsize=(10 if ncol == 2 else 7, 5.5), sharex=True, squeeze=False)
        for k in order:
            tr = results[k].traces
            for j, g in enumerate(cols):
                if g not in tr.ids:
                    continue
                c = tr.column(g)
                for r, var in enumerate(("v", "u")):
                    if var not in tr.data:
                        continue
                    axes[r, 0].plot(tr.times * 1e3, tr.physical(var)[:, c], color=COLORS[k], lw=0.8,
                                    alpha=0.8, ls=["-", "--", ":"][j], label=f"{cmp.labels[k]} #{g}")
                    if chip_tr is not None and g in chip_tr.ids:
                        cc = chip_tr.column(g)
                        sc = np.broadcast_to(np.asarray(chip_tr.scale.get(var, 1.0), float), chip_tr.ids.shape)[cc]
                        off = np.broadcast_to(np.asarray(chip_tr.offset.get(var, 0.0), float),
                                              chip_tr.ids.shape)[cc]
                        if sc != 0 and np.isfinite(sc):
                            axes[r, 1].plot(tr.times * 1e3, (tr.physical(var)[:, c] - off) / sc, color=COLORS[k],
                                            lw=0.8, alpha=0.8, ls=["-", "--", ":"][j])
        units = results[order[-1]].traces.units
        axes[0, 0].set_ylabel(f"{cmp.v_label} ({units.get('v', '')})")
        axes[1, 0].set_ylabel(f"u ({units.get('u', '')})")
        axes[0, 0].legend(fontsize=6, loc="best")
        axes[0, 0].set_title("physical units", fontsize=9)
        if ncol == 2:
            axes[0, 1].set_ylabel("v (chip LSB)")
            axes[1, 1].set_ylabel("u (chip LSB)")
            axes[0, 1].set_title("chip LSBs (references divided by the chip's LSB)", fontsize=9)
        for ax in axes[-1]:
            ax.set_xlabel("time (ms)")
        figs.append((_save(fig, out / "traces.png").name, "Probed u and v in physical units (left) and in chip "
                     "LSBs (right); colour = backend, line style = neuron"))

    if n_spk:
        fig, ax = plt.subplots(figsize=(8, 3.2))
        bin_s = max(dt, min(5e-3, t1 / 20))
        for k in order:
            for p, ls in zip(pops, ["-", "--", ":", "-."] * 10):
                r = population_rate(spike_trains(results[k], [p], 0.0, t1), 0.0, t1, bin_s)
                ax.plot((np.arange(r.size) + 0.5) * bin_s * 1e3, r, color=COLORS[k], ls=ls, lw=0.9,
                        label=f"{cmp.labels[k]}: {p}" if len(pops) <= 4 else (cmp.labels[k] if p == pops[0] else None))
        ax.set_xlabel("time (ms)")
        ax.set_ylabel(f"population rate (Hz, {bin_s * 1e3:g} ms bins)")
        ax.legend(fontsize=6)
        figs.append((_save(fig, out / "rates.png").name, "Population rates per backend"))

        isis = {k: np.concatenate([np.diff(t) for t in trains[k]] or [np.zeros(0)]) for k in order}
        if any(x.size for x in isis.values()):
            fig, ax = plt.subplots(figsize=(7, 3.2))
            hi = max(float(x.max()) for x in isis.values() if x.size) * 1e3
            for k in order:
                cv = ev.metrics.get("quantization" if k == "chip" else "discretisation", {})
                cvs = cv.get("cv_isi_b" if k in ("chip", "hardware") and "cv_isi_b" in cv else "cv_isi_a",
                             float("nan"))
                if k == "hardware" and "cv_isi_a" in ev.metrics.get("quantization", {}):
                    cvs = ev.metrics["quantization"]["cv_isi_a"]
                if isis[k].size:
                    ax.hist(isis[k] * 1e3, bins=50, range=(0, hi), histtype="step", color=COLORS[k],
                            label=f"{cmp.labels[k]} (CV {cvs:.3f})")
            ax.set_xlabel("ISI (ms)")
            ax.set_ylabel("count")
            ax.legend(fontsize=7)
            figs.append((_save(fig, out / "isi.png").name, "ISI histograms with mean CV_ISI"))

    if cmp.psd:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        drew = False
        for k in order:
            s = spectrum(cmp, results[k], spike_trains(results[k], pops, cmp.t_start, t1), cmp.t_start, t1)
            if s is not None and s[0].size > 1:
                ax.loglog(s[0][1:], s[1][1:] + 1e-300, color=COLORS[k], lw=0.9, label=cmp.labels[k])
                drew = True
        for f in cmp.psd_band:
            ax.axvline(f, color="gray", ls=":", lw=0.8)
        ax.set_xlabel("frequency (Hz)")
        ax.set_ylabel("PSD (" + ("Hz²/Hz" if cmp.psd == "rate" else "unit²/Hz") + ")")
        ax.set_title(f"PSD of {'the population rate' if cmp.psd == 'rate' else 'v'}; dotted: band", fontsize=9)
        if drew:
            ax.legend(fontsize=7)
            figs.append((_save(fig, out / "psd.png").name, "Power spectral density; dotted lines bound the band"))
        else:
            plt.close(fig)

    for si, sw in enumerate(([cmp.sweep] if cmp.sweep is not None else []) + list(cmp.extra_sweeps)):
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
        from reference.analysis.firing import cv_isi

        groups = np.zeros(len(sw.values), int) if sw.group is None else np.asarray(sw.group)
        x = np.asarray(sw.values, float) * sw.display_scale
        for k in order:
            tr = [t[t >= cmp.t_start] for t in results[k].spikes.trains(sw.population)]
            rate = np.array([t.size for t in tr]) / (t1 - cmp.t_start)
            cv = np.array([cv_isi(t) for t in tr])
            for gi, gv in enumerate(np.unique(groups)):
                sel = groups == gv
                o = np.argsort(x[sel])
                lab = cmp.labels[k] + (f", {sw.group_label} {gv:g}" if sw.group is not None else "")
                axes[0].plot(x[sel][o], rate[sel][o], color=COLORS[k], marker=".", lw=0.9,
                             ls=["-", "--", ":", "-."][gi % 4], label=lab)
                axes[1].plot(x[sel][o], cv[sel][o], color=COLORS[k], marker=".", lw=0.9,
                             ls=["-", "--", ":", "-."][gi % 4])
        axes[0].set_xlabel(sw.label)
        axes[0].set_ylabel("rate (Hz)")
        axes[0].set_title("F-I" if sw.kind == "current" else "rate", fontsize=9)
        axes[0].legend(fontsize=6)
        axes[1].set_xlabel(sw.label)
        axes[1].set_ylabel("CV_ISI")
        fname = "fi.png" if si == 0 else f"sweep_{sw.population}.png"
        figs.append((_save(fig, out / fname).name, f"Rate and CV_ISI against {sw.label} (population {sw.population})"))

    w = {k: results[k].weights for k in order if results[k].weights}
    if w:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        for k, ws in w.items():
            sel = weight_projections(cmp, results[k], results[k]) or sorted(ws)
            allw = np.concatenate([np.asarray(ws[p], float) for p in sel])
            ax.hist(allw, bins=40, histtype="step", color=COLORS[k], label=cmp.labels[k])
        ax.set_xlabel("final weight")
        ax.set_ylabel("synapses")
        ax.legend(fontsize=7)
        figs.append((_save(fig, out / "weights.png").name, "Final weight distributions (plastic projections)"))
    win = cmp.window
    if win is not None and any(win.projection in results[k].weights for k in order):
        fig, ax = plt.subplots(figsize=(7, 3.4))
        x = np.asarray(win.dt_s, float) * 1e3
        rule = win.rule
        if rule is not None:
            xs = np.linspace(x.min(), x.max(), 401)
            ideal = np.where(xs > 0, rule.A_plus * np.exp(-xs / (rule.tau_plus * 1e3)),
                             np.where(xs < 0, rule.A_minus * np.exp(xs / (rule.tau_minus * 1e3)), 0.0))
            ax.plot(xs, ideal * 1e12, color="0.6", lw=1, label="ideal A± exp(−|Δt|/τ±)")
        for k, mk in zip(order, ("o", "s", "x")):
            if win.projection in results[k].weights:
                dw = np.asarray(results[k].weights[win.projection], float) - np.asarray(win.w0, float)
                ax.plot(x, dw * 1e12, mk, ms=5, mfc="none", color=COLORS[k], label=cmp.labels[k])
        ax.axhline(0, color="0.8", lw=0.5)
        ax.set_xlabel("Δt = t_post − t_pre (ms)")
        ax.set_ylabel("ΔW (pA)")
        ax.legend(fontsize=7)
        figs.append((_save(fig, out / "stdp_window.png").name, "STDP window sampled by one pre/post pair per "
                     "synapse: final minus initial weight against Δt"))

    if "chip" in results and results["chip"].counters:
        c = results["chip"].counters
        n_cores = program.n_cores if program is not None else len(next(iter(c.values()))) - 1
        fig, ax = plt.subplots(figsize=(7, 3.2))
        names = [k for k in OVERFLOW_COUNTERS if k in c]
        xs = np.arange(n_cores)
        width = 0.8 / max(len(names), 1)
        for i, k in enumerate(names):
            ax.bar(xs + i * width, np.asarray(c[k])[:n_cores], width, label=k)
        ax.set_xticks(xs + 0.4 - width / 2)
        ax.set_xticklabels([str(i) for i in xs])
        ax.set_xlabel("core")
        ax.set_ylabel("events")
        ax.set_title(f"Overflow counters per core (total {overflow_total(c)})", fontsize=9)
        ax.legend(fontsize=7)
        figs.append((_save(fig, out / "overflows.png").name, "Chip wrap/saturation counters per core"))
    return figs


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------
def _fmt(key: str, value, v_unit: str | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if key == "v_rmse" and v_unit:
        return f"{value:.4g} {v_unit}"
    info = METRICS.get(key)
    if info is None:
        return f"{value:.4g}"
    v = value * info.scale
    return f"{v:.4g} {info.display_unit}".strip()


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else (None if math.isnan(x) else ("inf" if x > 0 else "-inf"))
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    return repr(x)


def write_reports(name: str, description: str, cmp: Comparison, ev: Evaluation, figs, out: Path, config: dict,
                  walls: Mapping[str, float], program=None) -> None:
    metrics = {"scenario": name, "headline": cmp.headline, "chip": cmp.chip, "reason": cmp.reason,
               "splits": {s: {"pair": list(PAIRS[s]), "verdict": ev.split_verdict[s],
                              "metrics": ev.metrics[s],
                              "tolerances": {k: t.of(s) for k, t in cmp.tolerances.items()},
                              "verdicts": ev.verdicts[s]} for s in SPLITS},
               "wall_s": dict(walls)}
    if program is not None:
        metrics["compile_report"] = {"parameters": program.report.parameters, "notes": program.report.notes}
    if config.get("cost"):
        metrics["cost"] = config["cost"]
    (out / "metrics.json").write_text(json.dumps(_jsonable(metrics), indent=1, allow_nan=False))
    (out / "config.json").write_text(json.dumps(_jsonable(config), indent=1, allow_nan=False))

    def rows(split):
        m, v = ev.metrics[split], ev.verdicts[split]
        keys = [k for k in METRICS if k in m or k in cmp.tolerances]
        out_rows = []
        for k in keys:
            tol = cmp.tolerances.get(k, Tol()).of(split)
            sense = "≥" if METRICS[k].sense == "min" else "|x| ≤"
            out_rows.append((METRICS[k].label + (f" [{k}]"), _fmt(k, m.get(k), cmp.v_unit),
                             "—" if tol is None else f"{sense} {_fmt(k, tol, cmp.v_unit)}", (v.get(k) or "—").upper()
                             if v.get(k) else "—"))
        return out_rows

    md = [f"# Comparison: {name}", "", description, ""]
    if cmp.notes:
        md += [cmp.notes, ""]
    md += ["| split | pair | headline | verdict |", "|---|---|---|---|"]
    for s in SPLITS:
        a, b = PAIRS[s]
        hv = ev.headline[s][0]
        md.append(f"| {s} | {cmp.labels[a]} → {cmp.labels[b]} | {METRICS[cmp.headline].label}: "
                  f"{_fmt(cmp.headline, hv, cmp.v_unit)} | {ev.split_verdict[s]} |")
    for s in SPLITS:
        a, b = PAIRS[s]
        md += ["", f"## {s.capitalize()}: {cmp.labels[a]} → {cmp.labels[b]}", ""]
        if not ev.metrics[s]:
            md.append(ev.split_verdict[s])
            continue
        md += ["| metric | value | tolerance | verdict |", "|---|---|---|---|"]
        md += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |" for r in rows(s)]
        extra = {k: v for k, v in ev.metrics[s].items() if k not in METRICS}
        if extra:
            md += ["", "Side values: " + ", ".join(f"{k} = {v:.4g}" for k, v in extra.items())]
    md += ["", "## Run", "", f"seed {config['seed']}, duration {config['duration_s']:g} s "
           f"({config['n_steps']} steps of {config['dt_s']:g} s), chip preset `{config['preset']}`; wall time "
           + ", ".join(f"{k} {v:.2f} s" for k, v in walls.items()), "",
           f"Repeat: `{config['repeat']}`", ""]
    if program is not None and program.report.notes:
        md += ["Compiler notes:", ""] + [f"- {n}" for n in program.report.notes] + [""]
    cost_rows = cost_table(config.get("cost"), program)
    if cost_rows:
        md += ["## Cost on the chip", "", f"Prices `{config['cost']['prices']}`, timing `{config['cost']['timing']}` "
               "(docs/hardware-model.md §9; `neuromorph map` compares placements).", "",
               "| quantity | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in cost_rows] + [""]
    md += ["## Figures", ""]
    for f, cap in figs:
        md += [f"![{cap}]({f})", "", f"*{cap}*", ""]
    (out / "report.md").write_text("\n".join(md))

    esc = html.escape
    h = ["<!doctype html><html><head><meta charset='utf-8'>", f"<title>neuromorph compare: {esc(name)}</title>",
         "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}"
         ".PASS,.pass{color:#080;font-weight:bold}.FAIL,.fail{color:#b00;font-weight:bold}"
         "img{max-width:100%;border:1px solid #ddd}figure{margin:1em 0}</style></head><body>",
         f"<h1>Comparison: {esc(name)}</h1>", f"<p>{esc(description)}</p>"]
    if cmp.notes:
        h.append(f"<p>{esc(cmp.notes)}</p>")
    h.append("<table><tr><th>split</th><th>pair</th><th>headline</th><th>verdict</th></tr>")
    for s in SPLITS:
        a, b = PAIRS[s]
        vv = ev.split_verdict[s]
        h.append(f"<tr><td>{s}</td><td>{esc(cmp.labels[a])} → {esc(cmp.labels[b])}</td>"
                 f"<td>{esc(METRICS[cmp.headline].label)}: {esc(_fmt(cmp.headline, ev.headline[s][0], cmp.v_unit))}</td>"
                 f"<td class='{esc(vv)}'>{esc(vv)}</td></tr>")
    h.append("</table>")
    for s in SPLITS:
        a, b = PAIRS[s]
        h.append(f"<h2>{s.capitalize()}: {esc(cmp.labels[a])} → {esc(cmp.labels[b])}</h2>")
        if not ev.metrics[s]:
            h.append(f"<p>{esc(ev.split_verdict[s])}</p>")
            continue
        h.append("<table><tr><th>metric</th><th>value</th><th>tolerance</th><th>verdict</th></tr>")
        for r in rows(s):
            h.append(f"<tr><td>{esc(r[0])}</td><td>{esc(r[1])}</td><td>{esc(r[2])}</td>"
                     f"<td class='{esc(r[3])}'>{esc(r[3])}</td></tr>")
        h.append("</table>")
    if cost_rows:
        h.append(f"<h2>Cost on the chip</h2><p>prices <code>{esc(config['cost']['prices'])}</code>, timing "
                 f"<code>{esc(config['cost']['timing'])}</code> (docs/hardware-model.md §9)</p><table>")
        h += [f"<tr><td>{esc(a)}</td><td>{esc(b)}</td></tr>" for a, b in cost_rows]
        h.append("</table>")
    h.append("<h2>Figures</h2>")
    for f, cap in figs:
        data = base64.b64encode((out / f).read_bytes()).decode("ascii")
        h.append(f"<figure><img alt='{esc(f)}' data-file='{esc(f)}' src='data:image/png;base64,{data}'>"
                 f"<figcaption>{esc(cap)}</figcaption></figure>")
    h += ["<h2>Run</h2>", f"<p>seed {config['seed']}, duration {config['duration_s']:g} s, preset "
          f"<code>{esc(config['preset'])}</code>; repeat with <code>{esc(config['repeat'])}</code></p>",
          "<details><summary>config.json</summary><pre>" + esc(json.dumps(_jsonable(config), indent=1))
          + "</pre></details>", "</body></html>"]
    (out / "report.html").write_text("\n".join(h))


def cost_table(cost: dict | None, program=None) -> list[tuple[str, str]]:
    """Rows of the report's cost section from a ``CostResult.summary()``."""
    if not cost:
        return []
    rows = []
    if program is not None:
        rows.append(("cores / tiles in use", f"{program.n_cores} / {cost['tiles_in_use']}"))
    if "time_ns_mean" in cost:
        rows += [("time per step (mean, p99)", f"{cost['time_ns_mean'] / 1e3:.3f} µs, {cost['time_ns_p99'] / 1e3:.3f} µs"),
                 ("real-time factor (simulated / chip time)",
                  "-" if not cost.get("realtime_factor") else f"{cost['realtime_factor']:.1f}")]
    if "energy_pJ_per_step" in cost:
        rows.append(("energy per step", f"{cost['energy_pJ_per_step'] / 1e6:.4f} µJ"))
        if cost.get("energy_pJ_per_syn_event"):
            rows.append(("energy per synaptic event", f"{cost['energy_pJ_per_syn_event']:.1f} pJ"))
    if "edp_pJ_ns" in cost:
        rows.append(("energy-delay product per step", f"{cost['edp_pJ_ns'] / 1e6:.3f} nJ·µs"))
    rows += [("slowest core", str(cost["slowest_core"])),
             ("synaptic events, spikes, messages, hops", f"{cost['syn_events']}, {cost['spikes']}, {cost['messages']}, "
                                                         f"{cost['hops_x'] + cost['hops_y'] + cost['chip_hops']}")]
    return rows


# --------------------------------------------------------------------------------------
# Summaries of several scenarios
# --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """One scenario's result in a ``compare`` run: its folder, verdicts and headline per split, or its error."""

    name: str
    out_dir: Path | None
    kind: str = "chip"
    split_verdict: dict[str, str] = field(default_factory=dict)
    headline: dict[str, tuple] = field(default_factory=dict)
    headline_key: str = ""
    v_unit: str | None = None
    wall_s: float = 0.0
    error: str | None = None


def summary_line(o: Outcome) -> str:
    parts = []
    for s in SPLITS:
        v, verdict = o.headline.get(s, (None, "n/a"))
        parts.append(f"{s}: {_fmt(o.headline_key, v, o.v_unit) if v is not None else ''} {o.split_verdict.get(s, '')}".strip())
    return "; ".join(parts)


def table(outcomes: Sequence[Outcome]) -> str:
    """The feature × backend table (markdown)."""
    lines = ["| scenario | backends | headline metric | discretisation (continuous → hardware) | "
             "quantization (hardware → chip) | wall (s) |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        if o.error:
            first = o.error.strip().splitlines()[-1][:120].replace("|", "/")
            lines.append(f"| {o.name} | — | — | ERROR | ERROR: {first} | {o.wall_s:.1f} |")
            continue
        cells = []
        for s in SPLITS:
            v, _ = o.headline.get(s, (None, ""))
            verdict = o.split_verdict.get(s, "n/a")
            cells.append(f"{_fmt(o.headline_key, v, o.v_unit)} **{verdict}**" if v is not None
                         else (f"**{verdict}**" if not verdict.startswith("reference-only") else verdict))
        back = "continuous, hardware, chip" if o.kind == "chip" else "reference only"
        lines.append(f"| {o.name} | {back} | {METRICS[o.headline_key].label} | {cells[0]} | {cells[1]} | "
                     f"{o.wall_s:.1f} |")
    return "\n".join(lines)


def write_validation_table(doc: Path, tbl: str, header: str) -> None:
    """Replace the text between the compare markers of ``doc`` (append a section if absent)."""
    block = f"{VALIDATION_BEGIN}\n{header}\n\n{tbl}\n{VALIDATION_END}"
    text = doc.read_text() if doc.exists() else "# Validation\n"
    if VALIDATION_BEGIN in text and VALIDATION_END in text:
        a = text.index(VALIDATION_BEGIN)
        b = text.index(VALIDATION_END) + len(VALIDATION_END)
        text = text[:a] + block + text[b:]
    else:
        text = (text.rstrip("\n") + "\n\n## Chip vs reference: `neuromorph compare --all`\n\n"
                "Metrics, tolerances and output folders: [docs/compare.md](compare.md); derived chip-vs-float "
                "error bounds: [docs/error-bounds.md](error-bounds.md).\n\n" + block + "\n")
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text)

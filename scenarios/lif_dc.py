"""A single LIF neuron under DC drive, on the chip.

The course exercise's neuron (E_L = V_reset = -75 mV, V_th = -55 mV, tau_m = 10 ms,
g_L = 10 nS, t_ref = 2 ms) driven by I = 250 pA for 100 ms at dt = 0.1 ms. The compiler
quantizes it onto Loihi-style registers; the chip runs it; the script prints the
registers, the spike steps, and the firing rate against the closed form
1/(t_ref + tau ln(RI/(RI - theta))), and plots u and v in physical units and in LSBs.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from neuromorph.network import LIF, Network  # noqa: E402
from neuromorph.simulator import Simulator  # noqa: E402

DESCRIPTION = "one LIF neuron under 250 pA DC on the chip: spike steps, rate vs closed form, u/v plot"


def main(out_dir: str | Path = "out/lif_dc", seed: int = 0, I: float = 250e-12, duration: float = 0.1) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dt = 1e-4
    model = LIF(I_bias=I)
    net = Network(dt=dt, name="lif_dc")
    net.add_population("neuron", 1, model)
    net.probe("neuron")
    sim = Simulator(net)
    sim.run(int(round(duration / dt)))
    res = sim.result()
    regs = sim.program.models["neuron"]
    steps = res.spikes.steps.tolist()
    R, theta = 1 / model.g_L, model.v_th - model.v_reset
    closed = 1 / (model.t_ref + model.tau_m * math.log(R * I / (R * I - theta))) if R * I > theta else 0.0
    isi = np.diff(res.spikes.steps) * dt
    chip_rate = 1 / isi.mean() if isi.size else 0.0

    print(f"LIF neuron, I = {I * 1e12:.0f} pA, {duration * 1e3:.0f} ms at dt = {dt * 1e3:g} ms on chip '{sim.program.chip.name}'")
    print(f"registers: du={regs.du} dv={regs.dv} vth={regs.vth} bias={regs.bias_mant}<<{regs.bias_exp} "
          f"refractory={regs.refractory_steps} steps")
    print(f"spike steps: {steps}")
    print(f"rate: chip {chip_rate:.2f} Hz (from ISIs), closed form {closed:.2f} Hz")
    print(f"overflows: {sum(int(res.counters[k].sum()) for k in ('u_wrap', 'v_sat', 'acc_sat'))}")

    tr = res.traces
    t_ms = tr.times * 1e3
    fig, ax = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
    ax[0, 0].plot(t_ms, tr.physical("v")[:, 0] * 1e3)
    ax[0, 0].axhline(model.v_th * 1e3, ls="--", c="gray", lw=0.8)
    ax[0, 0].set_ylabel("V (mV)")
    bias_pA = [p["realised"] for p in sim.program.report.parameters if p["name"] == "I_bias"][0] * 1e12
    ax[1, 0].plot(t_ms, tr.physical("u")[:, 0] * 1e12, label="synaptic current u")
    ax[1, 0].axhline(bias_pA, ls="--", c="tab:orange", label=f"bias (DC drive) {bias_pA:.2f} pA")
    ax[1, 0].set_ylabel("I (pA)")
    ax[1, 0].legend(loc="center right", fontsize=8)
    ax[0, 1].plot(t_ms, tr.data["v"][:, 0])
    ax[0, 1].axhline(regs.vth << 6, ls="--", c="gray", lw=0.8)
    ax[0, 1].set_ylabel("v (LSB)")
    ax[1, 1].plot(t_ms, tr.data["u"][:, 0], label="u")
    ax[1, 1].axhline(regs.bias_mant << regs.bias_exp, ls="--", c="tab:orange", label="bias register (LSB)")
    ax[1, 1].set_ylabel("u, bias (LSB per step)")
    ax[1, 1].legend(loc="center right", fontsize=8)
    for a in ax[1]:
        a.set_xlabel("time (ms)")
    fig.suptitle(f"LIF under {I * 1e12:.0f} pA DC on the chip: {len(steps)} spikes, {chip_rate:.1f} Hz "
                 f"(closed form {closed:.1f} Hz)")
    fig.tight_layout()
    png = out / "lif_dc.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    print(f"plot: {png}")
    return {"spike_steps": steps, "rate_chip_hz": chip_rate, "rate_closed_form_hz": closed, "plot": str(png)}


if __name__ == "__main__":
    main(*sys.argv[1:2])

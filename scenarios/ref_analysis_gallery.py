"""Gallery: one example figure per analysis family, on the float64 reference.

Generates the PNGs shown in docs/analyses.md. Every figure pairs an analysis with the
closed form it is tested against where one exists:

* raster.png (A4), voltage_traces.png (A13), isi_histogram.png (A3), psd.png (A1),
  fi_curves.png (A2), phase_plane.png (A7), bifurcation.png (A8), weight_histogram.png
  (agreement KS), decoding.png (A5), phase_coding.png (A6), lyapunov.png (A9),
  information.png (A10/A11), connectivity.png (A12), agreement.png (Γ, van Rossum, VP).

Regenerate the committed copies with::

    python scenarios/ref_analysis_gallery.py docs/img/analyses
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from reference import plots
from reference.analysis import (agreement, connectivity, decoding, detection, dynamics, firing, information, phase,
                                spectra)
from reference.fhn import FHNParams, fhn_rhs
from reference.inputs import gaussian_white_noise_si, poisson_spike_times
from reference.neurons import LIFParams, lif_rate, simulate_lif

DESCRIPTION = "one example figure per analysis family (A1-A13, agreement) with its closed-form reference"


def _fhn(params: FHNParams):
    def f(x, I):
        dV, dw = fhn_rhs(x[..., 0], x[..., 1], I, params)
        return np.stack([dV, dw], axis=-1)
    return f


def _lorenz(X, s=10.0, r=28.0, b=8.0 / 3.0):
    x, y, z = X[..., 0], X[..., 1], X[..., 2]
    return np.stack([s * (y - x), x * (r - z) - y, x * y - b * z], axis=-1)


def main(out_dir: str | Path = "out/ref_analysis_gallery", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    res: dict = {}
    lif = LIFParams()
    dt = 1e-4

    # A4 raster: 30 Poisson neurons at 5..35 Hz
    trains = [poisson_spike_times(r, 2.0, seed + k)[0] for k, r in enumerate(np.linspace(5, 35, 30))]
    plots.raster(trains, path=out / "raster.png", title="Poisson population (5-35 Hz), reference")
    res["raster_mean_rate_hz"] = float(firing.firing_rates(trains, 0.0, 2.0).mean())

    # A13 voltage trace with detected spikes: LIF under GWN (mu 250 pA, sigma_gwn 1 pA in course units)
    n_steps = 3000
    I = gaussian_white_noise_si(250e-12, 1e-12, n_steps, dt, seed)
    sim = simulate_lif(lif, I, dt, n_steps, method="exact")
    det = detection.detect_spikes(sim.v[:, 0], dt, lif.V_th - 1e-3, method="reset", jump=10e-3)
    plots.voltage_traces(sim.v[:, 0], dt=dt, labels=["V"], threshold=lif.V_th, path=out / "voltage_traces.png",
                         title=f"LIF under GWN: {det.size} spikes detected by reset")
    res["detected_spikes"] = int(det.size)
    res["simulated_spikes"] = int(sim.counts()[0])

    # A3 ISI histogram: LIF under stronger GWN for 5 s
    n_steps = 50000
    I = gaussian_white_noise_si(200e-12, 4e-12, n_steps, dt, seed + 1)
    long = simulate_lif(lif, I, dt, n_steps, method="exact")
    t = long.spike_times(0)
    plots.isi_histogram(t, path=out / "isi_histogram.png", title="LIF, GWN mu=200 pA")
    res["cv_isi_gwn"] = firing.cv_isi(t)

    # A1 PSD: 40 Hz sinusoid in white noise, course periodogram vs Welch
    x = np.sin(2 * np.pi * 40 * dt * 10 * np.arange(8000)) + rng.normal(0, 1, 8000)
    f1, S1 = spectra.psd(x, 1e-3)
    f2, S2 = spectra.welch_psd(x, 1e-3, nperseg=512)
    plots.psd({"course 2dt²/T·XX*": (f1, S1), "Welch (512)": (f2, S2)}, path=out / "psd.png",
              title="PSD of sin(2π·40 Hz·t) + white noise", unit="1/Hz")
    res["psd_peak_hz"] = spectra.peak_frequency(f1, S1)
    res["parseval_ratio"] = float(S1.sum() * (f1[1] - f1[0]) / np.var(x))

    # A2 F-I curves: simulated DC and GWN against the closed form
    currents = np.arange(100, 401, 20) * 1e-12
    n_steps = 5000
    dc = simulate_lif(lif, currents, dt, n_steps, n=currents.size, method="exact")
    noise = gaussian_white_noise_si(0.0, 3e-12, n_steps, dt, seed + 2, n=currents.size)
    gwn = simulate_lif(lif, currents[None, :] + noise, dt, n_steps, n=currents.size, method="exact")
    plots.fi_curves(currents, {"DC (simulated)": dc.rates(), "GWN σ_gwn=3 pA, course units (simulated)": gwn.rates()},
                    theory=(currents, lif_rate(lif, currents)), path=out / "fi_curves.png",
                    title="LIF F-I curves vs closed form")

    # A7 phase plane and A8 bifurcation: FitzHugh-Nagumo (FitzHugh form)
    fp = FHNParams()
    f = _fhn(fp)
    traj = dynamics.rk4(f, [-1.5, -0.5], 0.1, 1500, args=(0.5,), vectorized=True)
    plots.phase_plane(f, (-2.5, 2.5), (-1.0, 2.5), args=(0.5,), trajectories=[traj], vectorized=True, n=120,
                      labels=("V", "w"), path=out / "phase_plane.png", title="FitzHugh-Nagumo, I = 0.5")
    Is = np.linspace(0.0, 1.6, 41)
    scan = dynamics.bifurcation_scan(f, Is, x0=[-1.2, -0.6])
    osc = Is[~scan.stable]
    ext = [dynamics.orbit_extrema(f, [-1.5, -0.5], 0.1, 200.0, 100.0, args=(I0,), vectorized=True) for I0 in osc]
    plots.bifurcation(scan, extrema=(osc, [e[0] for e in ext], [e[1] for e in ext]), param_label="I",
                      state_label="V", path=out / "bifurcation.png", title="FitzHugh-Nagumo: Hopf points")
    res["hopf_currents"] = [b.param for b in scan.bifurcations if b.kind == "hopf"]

    # weight histogram: continuous weights vs 4-bit quantised weights
    w = rng.beta(2, 5, 2000)
    wq = np.round(w * 15) / 15
    plots.weight_histogram({"reference (float)": w, "chip (4-bit)": wq}, path=out / "weight_histogram.png",
                           title="Weights")
    res["weight_ks"] = agreement.weight_ks(w, wq)[0]

    # A5 decoding: posteriors for a few trials vs the true stimulus
    grid = np.linspace(-5, 5, 1001)
    centres = np.linspace(-10, 10, 21)
    fgrid, _ = decoding.gaussian_tuning(grid, centres, 30.0, 2.0, 1.0)
    ftrue, dftrue = decoding.gaussian_tuning([1.0], centres, 30.0, 2.0, 1.0)
    counts = decoding.poisson_counts(ftrue[0], 0.2, 3, seed)
    post = decoding.posterior(counts, grid, fgrid, 0.2)
    plots.curves(grid, {f"trial {k}": post[k] for k in range(3)}, path=out / "decoding.png", xlabel="stimulus s",
                 ylabel="P(s | n)", title="Poisson population posterior (true s = 1)")
    res["fisher_sd"] = float(1 / np.sqrt(decoding.fisher_information(ftrue, dftrue, 0.2)[0]))

    # A6 phase coding: phase of a LIF's spikes relative to a 10 Hz drive
    n_steps = 20000
    tt = dt * np.arange(n_steps)
    drive = 215e-12 + 30e-12 * np.cos(2 * np.pi * 10 * tt)
    sp = simulate_lif(lif, drive, dt, n_steps, method="exact").spike_times(0)
    ph = phase.spike_phase(sp, np.arange(0, 2.0001, 0.1))
    vs, pref = phase.phase_locking(sp, 10.0)
    plots.curves(sp[np.isfinite(ph)], {"spike phase": ph[np.isfinite(ph)]}, styles={"spike phase": "o"},
                 path=out / "phase_coding.png", xlabel="spike time (s)", ylabel="φ (rad)",
                 title=f"LIF driven at 10 Hz: vector strength {vs:.2f}")
    res["vector_strength"] = vs

    # A9 Lyapunov: running estimates for Lorenz
    x0 = np.array([1.0, 1.0, 20.0]) + rng.normal(0, 5, (16, 3))
    ly = dynamics.lyapunov_max(_lorenz, x0, 0.01, 150.0, t_transient=10.0, vectorized=True, seed=seed)
    plots.curves(ly.times, {"Benettin running estimate (member 0)": ly.running}, path=out / "lyapunov.png",
                 xlabel="t", ylabel="λ₁ estimate", hlines={"0.9056 (literature)": 0.9056},
                 title=f"Lorenz: λ₁ = {ly.exponent:.3f} ± {ly.stderr:.3f}")
    res["lorenz_lambda1"] = ly.exponent

    # A10/A11 information: BSC MI vs p and Gaussian TE vs coupling
    ps = np.linspace(0.02, 0.5, 13)
    s = rng.integers(0, 2, 5000)
    mi = [information.mutual_information(s, s ^ (rng.random(s.size) < p)) for p in ps]
    h2 = np.array([information.binary_entropy(p) for p in ps])
    cs = np.linspace(0, 1, 6)
    te = []
    for c in cs:
        y = rng.normal(size=5000)
        e = rng.normal(0, 0.5, 5000)
        xx = np.zeros(5000)
        for k in range(1, 5000):
            xx[k] = 0.5 * xx[k - 1] + c * y[k - 1] + e[k]
        te.append(information.transfer_entropy(xx, y, method="gaussian", base=np.e))
    fig = plots.curves(ps, {"MI (Miller–Madow, N=5000)": mi, "1 − H₂(p)": 1 - h2},
                       styles={"MI (Miller–Madow, N=5000)": "o", "1 − H₂(p)": "k-"}, xlabel="crossover p",
                       ylabel="bits", title="Binary symmetric channel")
    ax2 = fig.add_axes([0.58, 0.45, 0.33, 0.3])
    ax2.plot(cs, te, "o", ms=3, label="TE")
    ax2.plot(cs, 0.5 * np.log((cs**2 + 0.25) / 0.25), "k-", lw=1, label="½ ln ratio")
    ax2.set_xlabel("coupling c", fontsize=7)
    ax2.set_ylabel("TE (nats)", fontsize=7)
    ax2.tick_params(labelsize=6)
    ax2.legend(fontsize=6)
    plots.save(fig, out / "information.png")

    # A12 connectivity: degree distributions of a random directed graph
    A = (rng.random((200, 200)) < 0.05).astype(float)
    np.fill_diagonal(A, 0)
    deg = connectivity.degree_distributions(A)
    k = np.arange(max(deg["in_distribution"].size, deg["out_distribution"].size))
    pad = lambda d: np.pad(d, (0, k.size - d.size))  # noqa: E731
    stats = connectivity.connectivity_stats(A)
    plots.curves(k, {"in-degree": pad(deg["in_distribution"]), "out-degree": pad(deg["out_distribution"])},
                 styles={"in-degree": "o-", "out-degree": "s-"}, path=out / "connectivity.png", xlabel="degree k",
                 ylabel="nodes", title=f"Erdős–Rényi p=0.05: reciprocity {stats.reciprocity:.3f}, "
                 f"clustering {stats.clustering['directed']:.3f}")
    res["reciprocity"] = stats.reciprocity

    # agreement: Gamma and van Rossum vs spike-time jitter
    base = poisson_spike_times(20.0, 20.0, seed + 5)[0]
    jit = np.array([0.0, 0.5, 1, 2, 4, 8, 16]) * 1e-3
    g, vr, vp = [], [], []
    for j in jit:
        b = np.sort(base + rng.normal(0, j, base.size)) if j > 0 else base
        b = b[(b >= 0) & (b < 20.0)]
        g.append(agreement.coincidence_factor(base, b, 2e-3, 0, 20.0))
        vr.append(agreement.van_rossum_distance(base, b, 5e-3) / np.sqrt(base.size / 2))
        vp.append(agreement.victor_purpura_distance(base, b, 200.0) / base.size)
    plots.curves(jit * 1e3, {"Γ (δ = 2 ms)": g, "van Rossum / √(N/2) (τ = 5 ms)": vr,
                             "Victor–Purpura / N (q = 200/s)": vp}, styles={k: "o-" for k in ("Γ (δ = 2 ms)",)},
                 path=out / "agreement.png", xlabel="jitter sd (ms)", ylabel="agreement",
                 title="20 Hz Poisson train vs a jittered copy")
    res["gamma_at_1ms_jitter"] = g[2]

    for key, val in res.items():
        print(f"{key}: {val}")
    print(f"figures written to {out}")
    return res


if __name__ == "__main__":
    main(*sys.argv[1:2])

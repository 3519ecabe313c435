"""The course exercise (domain note 001) end to end on the float64 reference.

Reproduces, with the reference models (reference.neurons / reference.hh /
reference.inputs) and the analyses (reference.analysis):

1. LIF response to a sub-threshold current pulse (150 pA, 100-300 ms), against the closed form.
2. DC F-I curve, 100-400 pA in 10 pA steps, against 1/(t_ref + tau ln(RI/(RI - theta)));
   the rheobase (threshold near 200 pA) and the course's spike counts at 210 pA for
   tau = 10 and 30 ms in 100 ms.
3. F-I curves under Gaussian white noise (course GWN, I = mu + sigma xi / sqrt(dt/1000))
   for several sigma.
4. CV_ISI against sigma (mu = 250 pA, as the course) and against mu (sigma = 3); the
   course's ISI histograms for sigma = 0.5 and 3.0.
5. Ornstein-Uhlenbeck input (mu = 200, sigma = 40 pA) for tau_ou = 10 and 30 ms:
   rate and CV_ISI.
6. Hodgkin-Huxley traces of V, m, h, n at I = 0 (rest: -65 mV and the gates' steady
   states) and during tonic firing; spikes detected in the trace.
7. PSD (course definition) of recorded signals: the OU current against its closed-form
   Lorentzian 4 sigma^2 tau / (1 + (2 pi f tau)^2) (mean ratio over 1-50 Hz), and the HH voltage during tonic
   firing, whose peak sits at the firing rate.

Course units where the course uses them: currents in pA, dt = 0.1 ms; the LIF itself
runs in SI (amperes, seconds); HH in mV, ms, uA/cm^2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from reference import plots
from reference.analysis import detection, firing, spectra
from reference.hh import HHParams, hh_gate_steady_state, hh_rest_state, simulate_hh
from reference.inputs import gaussian_white_noise, ou_current, pulse_current
from reference.neurons import LIFParams, lif_pulse_response, lif_rate, lif_rheobase, simulate_lif

DESCRIPTION = "course exercise on the reference: LIF pulse/DC/GWN/OU, F-I and CV_ISI, HH V/m/h/n, PSD"

PA = 1e-12
DT_MS = 0.1
DT = DT_MS * 1e-3
HH_DT = 0.025  # ms, classic RK4 step for HH


def _lif(I_pA, n_steps, params=LIFParams(), n=None):
    """Run the reference LIF (course Euler scheme) on a current in pA of shape (n_steps,) or (n_steps, n)."""
    I = np.asarray(I_pA, dtype=float) * PA
    n = 1 if I.ndim == 1 and n is None else (n if n is not None else I.shape[1])
    return simulate_lif(params, I, DT, n_steps, n=n, method="euler")


def main(out_dir: str | Path = "out/course_exercise", seed: int = 0) -> dict:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p = LIFParams()
    res: dict = {}

    # 1. pulse response ---------------------------------------------------------------
    n_steps = 4000  # 400 ms
    I = pulse_current(150.0, 100.0, 300.0, n_steps, DT_MS)
    sim = _lif(I, n_steps)
    t = sim.t
    closed = lif_pulse_response(p, t, 150 * PA, 0.1, 0.3)
    res["pulse_peak_mV"] = float(sim.v[:, 0].max() * 1e3)
    res["pulse_max_err_vs_closed_form_mV"] = float(np.abs(sim.v[:, 0] - closed).max() * 1e3)
    res["pulse_spikes"] = int(sim.counts()[0])
    plots.voltage_traces(np.column_stack([sim.v[:, 0], closed]), dt=DT, labels=["simulated (Euler)", "closed form"],
                         threshold=p.V_th, path=out / "1_pulse_response.png", title="LIF: 150 pA pulse, 100-300 ms")
    print(f"1. pulse 150 pA: peak {res['pulse_peak_mV']:.2f} mV (threshold -55), spikes {res['pulse_spikes']}, "
          f"max |Euler - closed form| {res['pulse_max_err_vs_closed_form_mV']:.3f} mV")

    # 2. DC F-I curve and rheobase ------------------------------------------------------
    currents = np.arange(100.0, 401.0, 10.0)
    n_steps = 10000  # 1 s
    dc = _lif(np.repeat(currents[None, :], n_steps, axis=0), n_steps)
    rates_dc = firing.fi_curve(currents * PA, dc.spike_log(), method="count")
    theory = lif_rate(p, currents * PA)
    res["rheobase_pA_closed_form"] = lif_rheobase(p) / PA
    res["rheobase_pA_measured"] = firing.rheobase(currents, rates_dc)
    firing_mask = theory > 0
    res["fi_dc_max_rel_err"] = float(np.max(np.abs(rates_dc[firing_mask] - theory[firing_mask]) / theory[firing_mask]))
    counts = {}
    for tau in (10e-3, 30e-3):
        pt = p.replace(tau_m=tau)
        s = _lif(np.full(1000, 210.0), 1000, params=pt)
        counts[int(round(tau * 1e3))] = int(s.counts()[0])
        if tau == 10e-3:
            v210 = s.v[:, 0]
        else:
            v210_30 = s.v[:, 0]
    res["spikes_in_100ms_at_210pA"] = counts
    plots.voltage_traces(np.column_stack([v210, v210_30]), dt=DT, labels=["τ = 10 ms", "τ = 30 ms"],
                         threshold=p.V_th, path=out / "2_dc_210pA.png", title="LIF: DC 210 pA")
    print(f"2. DC: rheobase measured {res['rheobase_pA_measured']:.0f} pA (first firing current of the 10 pA grid; "
          f"closed form g_L(V_th-E_L) = {res['rheobase_pA_closed_form']:.0f} pA); max relative F-I error vs closed "
          f"form {res['fi_dc_max_rel_err']:.3f}; spikes in 100 ms at 210 pA: {counts}")

    # 3. GWN F-I curves for several sigma ----------------------------------------------
    sigmas = (0.0, 1.0, 2.5, 5.0)
    fi = {}
    for k, sig in enumerate(sigmas):
        noise = gaussian_white_noise(0.0, sig, n_steps, DT_MS, seed + k, n=currents.size)
        s = _lif(currents[None, :] + noise, n_steps)
        fi[f"σ_gwn = {sig:g} pA"] = firing.fi_curve(currents * PA, s.spike_log())
    plots.fi_curves(currents * PA, fi, theory=(currents * PA, theory), path=out / "3_fi_gwn.png",
                    title="LIF F-I curves: DC and GWN")
    res["rate_at_180pA_by_sigma"] = {sig: float(fi[f"σ_gwn = {sig:g} pA"][currents == 180.0][0]) for sig in sigmas}
    print(f"3. GWN F-I: rate at 180 pA (below rheobase) by sigma: {res['rate_at_180pA_by_sigma']}")

    # 4. CV_ISI against sigma and against mu ------------------------------------------
    n_long = 50000  # 5 s
    sig_grid = np.array([0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0])
    noise = np.column_stack([gaussian_white_noise(0.0, sg, n_long, DT_MS, seed + 10 + k)
                             for k, sg in enumerate(sig_grid)])
    s_sig = _lif(250.0 + noise, n_long)
    cv_sig = np.array([firing.cv_isi(tr) for tr in s_sig.spike_log().trains()])
    mu_grid = np.arange(150.0, 401.0, 25.0)
    noise = gaussian_white_noise(0.0, 3.0, n_long, DT_MS, seed + 20, n=mu_grid.size)
    s_mu = _lif(mu_grid[None, :] + noise, n_long)
    cv_mu = np.array([firing.cv_isi(tr) for tr in s_mu.spike_log().trains()])
    plots.curves(sig_grid, {"CV_ISI (μ = 250 pA)": cv_sig}, styles={"CV_ISI (μ = 250 pA)": "o-"},
                 path=out / "4_cv_vs_sigma.png", xlabel="σ_gwn (pA)", ylabel="CV_ISI", title="Irregularity vs noise")
    plots.curves(mu_grid, {"CV_ISI (σ = 3 pA)": cv_mu}, styles={"CV_ISI (σ = 3 pA)": "o-"},
                 path=out / "4_cv_vs_mu.png", xlabel="μ_gwn (pA)", ylabel="CV_ISI", title="Irregularity vs mean")
    trains = {}
    for sg in (0.5, 3.0):  # the course's two ISI histograms, taken from the sigma sweep
        sp = s_sig.spike_times(int(np.nonzero(sig_grid == sg)[0][0]))
        trains[sg] = sp
        plots.isi_histogram(sp, path=out / f"4_isi_sigma{sg:g}.png", title=f"μ = 250 pA, σ = {sg:g} pA")
    res["cv_isi_course_sigma_0.5_and_3"] = [firing.cv_isi(trains[0.5]), firing.cv_isi(trains[3.0])]
    res["cv_vs_sigma"] = dict(zip(sig_grid.tolist(), np.round(cv_sig, 3).tolist()))
    res["cv_vs_mu"] = dict(zip(mu_grid.tolist(), np.round(cv_mu, 3).tolist()))
    print(f"4. CV_ISI at mu=250: sigma 0.5 -> {res['cv_isi_course_sigma_0.5_and_3'][0]:.3f}, "
          f"sigma 3 -> {res['cv_isi_course_sigma_0.5_and_3'][1]:.3f}; vs sigma {res['cv_vs_sigma']}; "
          f"vs mu (sigma 3) {res['cv_vs_mu']}")

    # 5. OU input, tau = 10 and 30 ms ---------------------------------------------------
    ou = {}
    ou_traces = []
    taus = (10.0, 30.0)
    I_ous = np.column_stack([ou_current(200.0, 40.0, tau_ou, n_long, DT_MS, seed + 40 + k, method="euler")
                             for k, tau_ou in enumerate(taus)])
    s_ou = _lif(I_ous, n_long)
    for k, tau_ou in enumerate(taus):
        I_ou = I_ous[:, k]
        sp = s_ou.spike_times(k)
        ou[tau_ou] = {"rate_hz": float(sp.size / (n_long * DT)), "cv_isi": firing.cv_isi(sp),
                      "I_mean_pA": float(I_ou.mean()), "I_std_pA": float(I_ou.std())}
        ou_traces.append((I_ou, s_ou.v[:, k]))
        f, S = spectra.psd(I_ou, DT)
        lorentz = 4 * 40.0**2 * (tau_ou * 1e-3) / (1 + (2 * np.pi * f * tau_ou * 1e-3) ** 2)
        band = (f >= 1.0) & (f <= 50.0)  # 246 bins: the mean ratio has ~6 % sampling error
        ou[tau_ou]["psd_over_lorentzian_1_50Hz"] = float(np.mean(S[band] / lorentz[band]))
        if tau_ou == 10.0:
            psd_ou = (f, S, lorentz)
    res["ou"] = ou
    plots.voltage_traces(np.column_stack([ou_traces[0][0][:10000], ou_traces[1][0][:10000]]) * PA, dt=DT,
                         labels=["τ_ou = 10 ms", "τ_ou = 30 ms"], scale=1e12, unit="pA", var="I",
                         path=out / "5_ou_current.png", title="OU current, μ = 200 pA, σ = 40 pA")
    plots.voltage_traces(np.column_stack([ou_traces[0][1][:10000], ou_traces[1][1][:10000]]), dt=DT,
                         labels=["τ_ou = 10 ms", "τ_ou = 30 ms"], threshold=p.V_th, path=out / "5_ou_voltage.png",
                         title="LIF driven by OU current")
    print("5. OU: " + "; ".join(f"tau {k:g} ms: rate {v['rate_hz']:.1f} Hz, CV {v['cv_isi']:.3f}, "
                                f"I mean/std {v['I_mean_pA']:.1f}/{v['I_std_pA']:.1f} pA" for k, v in ou.items()))

    # 6. Hodgkin-Huxley traces ----------------------------------------------------------
    hp = HHParams()
    rest = simulate_hh(0.0, HH_DT, 4000, params=hp)  # 100 ms at I = 0
    final = {k: float(getattr(rest, k)[-1, 0]) for k in ("V", "m", "h", "n")}
    V_rest = hh_rest_state(hp)[0]
    res["hh_rest_final"] = final
    res["hh_gate_steady_state_at_rest"] = dict(zip("mhn", map(float, hh_gate_steady_state(V_rest))))
    plots.voltage_traces(np.column_stack([rest.V[:, 0], rest.m[:, 0], rest.h[:, 0], rest.n[:, 0]]), dt=HH_DT * 1e-3,
                         labels=["V (mV)", "m", "h", "n"], scale=1.0, stacked=True, path=out / "6_hh_rest.png",
                         title="HH, I = 0")
    tonic = simulate_hh(10.0, HH_DT, 20000, params=hp)  # 500 ms at 10 uA/cm^2
    plots.voltage_traces(np.column_stack([tonic.V[:4001, 0], tonic.m[:4001, 0], tonic.h[:4001, 0],
                                          tonic.n[:4001, 0]]), dt=HH_DT * 1e-3, labels=["V (mV)", "m", "h", "n"], scale=1.0,
                         stacked=True, path=out / "6_hh_tonic.png", title="HH, I = 10 µA/cm²")
    det = detection.detect_spikes(tonic.V[:, 0], HH_DT * 1e-3, 0.0)  # seconds
    own = tonic.spike_times(0) * 1e-3
    res["hh_tonic_spikes_detected"] = int(det.size)
    res["hh_tonic_spikes_model"] = int(own.size)
    later = det[det > 0.1]
    res["hh_tonic_rate_hz"] = float(1 / np.diff(later).mean())
    print(f"6. HH I=0 after 100 ms: V {final['V']:.2f} mV, m {final['m']:.4f}, h {final['h']:.4f}, "
          f"n {final['n']:.4f}; I=10: {det.size} spikes detected in V (model reports {own.size}), "
          f"steady rate {res['hh_tonic_rate_hz']:.1f} Hz")

    # 7. PSD of recorded signals --------------------------------------------------------
    v = tonic.V[:, 0][tonic.t >= 100.0]
    f, S = spectra.psd(v, HH_DT * 1e-3)
    res["hh_psd_peak_hz"] = spectra.peak_frequency(f, S, fmin=5.0)
    res["ou_psd_ratio_to_lorentzian"] = {k: v_["psd_over_lorentzian_1_50Hz"] for k, v_ in ou.items()}
    fo, So, Lo = psd_ou
    plots.psd({"OU current (course PSD)": (fo, So), "Lorentzian 4σ²τ/(1+(2πfτ)²)": (fo, Lo)},
              path=out / "7_psd_ou.png", unit="pA²/Hz", title="PSD of the OU current, τ = 10 ms")
    plots.psd({"HH V, I = 10": (f, S)}, path=out / "7_psd_hh.png", unit="mV²/Hz", title="PSD of HH voltage")
    print(f"7. PSD: HH voltage peak {res['hh_psd_peak_hz']:.1f} Hz (firing rate {res['hh_tonic_rate_hz']:.1f} Hz); "
          f"mean OU PSD / Lorentzian over 1-50 Hz: {res['ou_psd_ratio_to_lorentzian']}")
    print(f"figures written to {out}")
    return res


if __name__ == "__main__":
    main(*sys.argv[1:2])

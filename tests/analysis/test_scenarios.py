"""The two analysis scenarios run end to end; their headline numbers meet the closed forms."""

import numpy as np
import pytest

from neuromorph.app.scenarios import load


def test_course_exercise(tmp_path):
    mod = load("course_exercise")
    assert isinstance(mod.DESCRIPTION, str) and mod.DESCRIPTION
    res = mod.main(tmp_path, seed=0)
    # pulse: 150 pA for 200 ms = 20 tau -> V = E_L + R I (1 - e^-20) = -60 mV, no spike
    assert res["pulse_spikes"] == 0
    assert res["pulse_peak_mV"] == pytest.approx(-75 + 15 * (1 - np.exp(-20)), abs=0.05)
    assert res["pulse_max_err_vs_closed_form_mV"] < 0.1  # Euler at dt/tau = 0.01
    # rheobase g_L (V_th - E_L) = 200 pA; on the 10 pA grid the first firing current is 210 pA
    assert res["rheobase_pA_closed_form"] == pytest.approx(200.0)
    assert res["rheobase_pA_measured"] == 210.0
    assert res["fi_dc_max_rel_err"] < 0.03
    # spikes in 100 ms at 210 pA from the closed form: first at tau ln(RI/(RI - theta)), then every t_ref + that
    expected = {}
    for tau in (10.0, 30.0):
        t1 = tau * np.log(21.0 / 1.0)  # RI = 21 mV, theta = 20 mV
        expected[int(tau)] = int(np.sum(t1 + np.arange(10) * (2.0 + t1) < 100.0))
    assert res["spikes_in_100ms_at_210pA"] == expected == {10: 3, 30: 1}
    # noise makes sub-rheobase currents fire, more with more noise
    r = res["rate_at_180pA_by_sigma"]
    assert r[0.0] == 0.0 and r[1.0] <= r[2.5] <= r[5.0] and r[5.0] > 0
    cv_s = np.array(list(res["cv_vs_sigma"].values()))
    assert np.all(np.diff(cv_s) > 0)
    cv_m = np.array(list(res["cv_vs_mu"].values()))
    assert cv_m[0] > 3 * cv_m[-1]
    # OU: stationary mean/std of the course's current, and its PSD against the Lorentzian
    for tau, v in res["ou"].items():
        assert v["I_mean_pA"] == pytest.approx(200.0, abs=8.0) and v["I_std_pA"] == pytest.approx(40.0, rel=0.1)
        assert v["psd_over_lorentzian_1_50Hz"] == pytest.approx(1.0, abs=0.2)
    # HH rest: textbook V = -65 mV, m_inf = 0.0529, h_inf = 0.5961, n_inf = 0.3177
    hh = res["hh_rest_final"]
    assert hh["V"] == pytest.approx(-65.0, abs=0.05)
    assert (hh["m"], hh["h"], hh["n"]) == pytest.approx((0.0529, 0.5961, 0.3177), abs=1e-3)
    assert res["hh_tonic_spikes_detected"] == res["hh_tonic_spikes_model"] > 20
    assert abs(res["hh_psd_peak_hz"] - res["hh_tonic_rate_hz"]) <= 2.5  # one bin of the 400 ms record
    assert len(list(tmp_path.glob("*.png"))) >= 12


def test_analysis_gallery(tmp_path):
    mod = load("ref_analysis_gallery")
    res = mod.main(tmp_path, seed=0)
    assert res["psd_peak_hz"] == 40.0
    assert res["parseval_ratio"] == pytest.approx(1.0, abs=1e-3)
    # FitzHugh form Hopf points: V_H^2 = 1 - eps b, I_H = V^3/3 - V + (V + a)/b  (a 0.7, b 0.8, eps 0.08)
    V = np.array([-1.0, 1.0]) * np.sqrt(1 - 0.08 * 0.8)
    np.testing.assert_allclose(res["hopf_currents"], V**3 / 3 - V + (V + 0.7) / 0.8, atol=1e-7)
    assert res["lorenz_lambda1"] == pytest.approx(0.9056, abs=0.05)
    assert res["detected_spikes"] == res["simulated_spikes"] > 0
    for name in ("raster", "voltage_traces", "isi_histogram", "psd", "fi_curves", "phase_plane", "bifurcation",
                 "weight_histogram", "decoding", "phase_coding", "lyapunov", "information", "connectivity",
                 "agreement"):
        assert (tmp_path / f"{name}.png").stat().st_size > 5000

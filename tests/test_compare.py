"""`neuromorph compare`: metrics against hand cases, report files, the CLI's bad-input paths."""

import json
import math
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from neuromorph.app import cli, report, runner, scenarios
from neuromorph.app.metrics import (band_power_rel_error, cv_isi_diff, evaluate, fano, fi_metrics, judge, mean_gamma,
                                    mean_latency_shift, mean_van_rossum, rate_rel_error, subthreshold_mask, v_rmse,
                                    window_error)
from neuromorph.app.protocol import METRICS, Comparison, Tol

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------
# metrics: hand cases
# ---------------------------------------------------------------------------------------
def test_rate_rel_error_hand_cases():
    assert rate_rel_error(10, 12) == pytest.approx(0.2)
    assert rate_rel_error(10, 5) == pytest.approx(-0.5)
    assert rate_rel_error(0, 0) == 0.0
    assert rate_rel_error(0, 3) == math.inf


def test_gamma_van_rossum_latency_hand_cases():
    a = [np.array([0.010, 0.050, 0.090]), np.array([]), np.array([0.020])]
    assert mean_gamma(a, a, 2e-3, 0.0, 0.1) == pytest.approx(1.0)      # the silent neuron is skipped
    assert mean_van_rossum(a, a, 10e-3) == 0.0
    # one spike shifted by Δ: D = sqrt(1 - exp(-Δ/τ)); the other pairs are identical (D = 0)
    b = [a[0], a[1], np.array([0.023])]
    d = math.sqrt(1 - math.exp(-3e-3 / 10e-3))
    assert mean_van_rossum(a, b, 10e-3) == pytest.approx(d / 2)        # mean over the 2 non-silent pairs
    assert mean_latency_shift(a, b) == pytest.approx(1.5e-3)           # (0 + 3 ms) / 2
    assert math.isnan(mean_latency_shift([np.array([])], [np.array([0.1])]))
    # no coincidence at all within 0.5 ms: N_coinc = 0, Γ = -2νδN_a / ((N_a+N_b)/2) / (1 - 2νδ)
    x, y = [np.array([0.010, 0.030])], [np.array([0.020, 0.040])]
    nu, delta = 2 / 0.1, 0.5e-3
    expect = (0 - 2 * nu * delta * 2) / 2 / (1 - 2 * nu * delta)
    assert mean_gamma(x, y, delta, 0.0, 0.1) == pytest.approx(expect)


def test_cv_and_fano_hand_cases():
    regular = np.arange(0.0, 1.0, 0.01)                          # CV 0
    alt = np.concatenate([[0.0], np.cumsum(np.tile([0.01, 0.03], 25))])   # ISIs 10/30 ms: CV = 0.5
    diff, ca, cb = cv_isi_diff([regular], [alt])
    assert (ca, cb, diff) == (pytest.approx(0.0, abs=1e-9), pytest.approx(0.5), pytest.approx(0.5))
    assert math.isnan(cv_isi_diff([np.array([0.1])], [np.array([0.2])])[0])   # < 3 spikes: undefined
    # regular train, window a multiple of the period: every window holds the same count -> Fano 0
    assert fano([regular], 0.05, 0.0, 1.0) == pytest.approx(0.0, abs=1e-12)
    # counts 2, 0, 2, 0 in four windows: mean 1, var 1 -> Fano 1
    t = np.array([0.01, 0.02, 0.21, 0.22])
    assert fano([t], 0.1, 0.0, 0.4) == pytest.approx(1.0)


def test_band_power_and_mask_and_rmse():
    f = np.arange(0, 200.0, 1.0)
    S = np.ones_like(f)
    assert band_power_rel_error(f, S, 2 * S, (1, 100)) == pytest.approx(1.0)
    assert band_power_rel_error(f, S, S, (1, 100)) == 0.0
    steps = np.arange(20)
    m = subthreshold_mask(20, steps, [np.array([5]), np.array([12])], 2)
    assert np.flatnonzero(~m).tolist() == [3, 4, 5, 6, 7, 10, 11, 12, 13, 14]
    va = np.zeros((4, 2))
    vb = np.array([[1.0, 2.0], [1.0, 2.0], [-1.0, 2.0], [100.0, 100.0]])
    mask = np.array([[1, 1], [1, 1], [1, 1], [0, 0]], bool)
    rmse, lsb = v_rmse(va, vb, mask, lsb=np.array([1.0, 2.0]))
    assert rmse == pytest.approx(math.sqrt((1 + 1 + 1 + 4 * 3) / 6))
    assert lsb == pytest.approx(1.0)                            # 2.0 / 2 LSB = 1 in the second column
    assert all(math.isnan(x) for x in v_rmse(va, vb, np.zeros_like(mask)))


def test_fi_metrics_on_linear_curves():
    I = np.arange(100, 410, 10) * 1e-12
    ra = np.maximum(0.0, 1e12 * (I - 200e-12)) * 0.5           # rheobase 210 pA (rate > 0), slope 0.5 Hz/pA
    rb = np.maximum(0.0, 1e12 * (I - 220e-12)) * 0.55          # rheobase 230 pA, slope 10 % steeper
    m = fi_metrics(I, ra, rb)
    assert m["fi_rheobase_shift"] == pytest.approx(20e-12)
    assert m["fi_slope_rel_error"] == pytest.approx(0.10)


def test_window_error_hand_cases():
    w0 = 5.0
    a = np.array([4.0, 5.0, 7.0])                     # ΔW_a = -1, 0, +2: peak 2
    assert window_error(a, a, w0) == 0.0
    assert window_error(a, a + np.array([0.0, 0.1, -0.5]), w0) == pytest.approx(0.25)   # 0.5 / 2
    assert window_error(np.full(3, w0), np.full(3, w0), w0) == 0.0
    assert window_error(np.full(3, w0), np.array([5.0, 5.0, 5.1]), w0) == math.inf    # a flat, b moved


def _plastic_cmp(w0, window=None):
    from neuromorph.network import LIF, STDP, Network, PoissonSpikes

    net = Network(dt=1e-4, name="plastic")
    net.add_source("in", w0.size, PoissonSpikes(rate=10.0, seed=0))
    net.add_population("out", 1, LIF())
    net.connect("in", "out", weight=w0, pre_idx=np.arange(w0.size), post_idx=np.zeros(w0.size, np.int64),
                plasticity=STDP(A_plus=1e-13, A_minus=-1e-13, w_max=10e-12))
    return Comparison(net, 10, {"weight_change_ks": Tol(0.1, 0.1)}, headline="weight_ks", window=window)


def test_weight_metrics_see_learning_and_not_only_the_distribution():
    """weight_ks compares the final distributions; weight_change_ks / weight_drift_error the
    changes w_final - w_initial, so weights that never moved fail even when KS passes."""
    from neuromorph.app.metrics import pair_metrics
    from neuromorph.app.protocol import array_result

    rng = np.random.default_rng(0)
    w0 = rng.uniform(0, 10e-12, 1000)
    moved = np.clip(w0 + rng.normal(-0.2e-12, 0.3e-12, w0.size), 0, 10e-12)
    cmp = _plastic_cmp(w0)
    run = lambda w: array_result(1e-4, 10, population="out", size=1, weights={0: w})  # noqa: E731
    same = pair_metrics(run(moved), run(moved.copy()), cmp, "quantization")
    assert same["weight_ks"] == 0 and same["weight_change_ks"] == 0 and same["weight_drift_error"] == 0
    frozen = pair_metrics(run(moved), run(w0), cmp, "quantization")
    assert frozen["weight_ks"] < 0.06                      # the distributions hardly differ ...
    assert frozen["weight_change_ks"] > 0.5                # ... the changes do
    assert abs(frozen["weight_drift_error"]) == pytest.approx(1.0)   # 100 % of the drift missing
    assert frozen["w_drift_a_0"] == pytest.approx(np.mean(moved - w0))


def test_stdp_window_metric_skips_dt_zero_and_is_left_out_of_ks():
    from neuromorph.app.metrics import pair_metrics
    from neuromorph.app.protocol import StdpWindow, array_result

    w0 = np.full(3, 5e-12)
    win = StdpWindow(0, np.array([-0.01, 0.0, 0.01]), 5e-12)
    cmp = _plastic_cmp(w0, win)
    a = array_result(1e-4, 10, population="out", size=1, weights={0: np.array([4e-12, 5e-12, 7e-12])})
    # the Δt = 0 sample differs by 2 pA, the Δt = +10 ms one by 0.5 pA
    b = array_result(1e-4, 10, population="out", size=1, weights={0: np.array([4e-12, 7e-12, 7.5e-12])})
    m = pair_metrics(a, b, cmp, "quantization")
    assert m["window_error"] == pytest.approx(0.25)        # 0.5 pA / 2 pA peak; the Δt = 0 sample is a side value
    assert m["window_dw0_a"] == 0 and m["window_dw0_b"] == pytest.approx(2e-12)
    assert "weight_ks" not in m                            # the window projection is not a weight distribution


def test_judge_senses():
    assert judge("rate_rel_error", -0.02, 0.03) == "pass"
    assert judge("rate_rel_error", -0.04, 0.03) == "fail"
    assert judge("gamma", 0.95, 0.9) == "pass" and judge("gamma", 0.85, 0.9) == "fail"
    assert judge("gamma", float("nan"), 0.9) is None and judge("gamma", 0.5, None) is None
    assert judge("rate_rel_error", math.inf, 0.1) == "fail"
    with pytest.raises(ValueError, match="unknown metric"):
        Comparison(None, 1, {"nope": Tol(1, 1)}, "gamma", runs={"x": None})


# ---------------------------------------------------------------------------------------
# end to end on a tiny scenario
# ---------------------------------------------------------------------------------------
TINY = textwrap.dedent('''
    """tiny test scenario"""
    import numpy as np
    from neuromorph.app.protocol import Comparison, Sweep, Tol
    from neuromorph.app.runner import run_single
    from neuromorph.network import LIF, Network, PoissonSpikes

    DESCRIPTION = "tiny LIF comparison for the tests"

    def comparison(seed=0, duration=None):
        n = int(round((0.04 if duration is None else duration) / 1e-4))
        net = Network(dt=1e-4, name="tiny")
        net.add_source("in", 20, PoissonSpikes(rate=200.0, seed=seed))
        net.add_population("fi", 4, LIF(tau_syn=2e-3))
        net.connect("in", "fi", weight=100e-12, p=0.5, seed=seed + 1)
        net.inject("fi", np.repeat((np.arange(4) * 50e-12 + 180e-12)[None, :], n, axis=0))
        net.probe("fi", [0, 3])
        return Comparison(net, n, {"rate_rel_error": Tol(1.0, 1.0), "overflows": Tol(None, 0)},
                          headline="rate_rel_error", sweep=Sweep("fi", np.arange(4) * 50e-12 + 180e-12),
                          psd="rate", seed=seed)

    def main(out_dir="out/tiny", seed=0):
        return run_single(comparison(seed), out_dir)
''')

BAD = textwrap.dedent('''
    """a scenario whose comparison raises"""
    DESCRIPTION = "raises on purpose"

    def comparison(seed=0, duration=None):
        raise RuntimeError("scenario exploded on purpose")

    def main(out_dir="out/bad", seed=0):
        raise RuntimeError("nope")
''')


@pytest.fixture
def tiny(tmp_path):
    p = tmp_path / "tiny_cmp.py"
    p.write_text(TINY)
    return p


def test_report_files_exist_parse_and_embed_every_png(tiny, tmp_path, capsys):
    out = tmp_path / "o"
    assert cli.main(["compare", str(tiny), "--out", str(out), "--seed", "3"]) in (0, 2)
    for f in ("metrics.json", "config.json", "report.md", "report.html"):
        assert (out / f).stat().st_size > 0
    m = json.loads((out / "metrics.json").read_text())
    assert set(m["splits"]) == {"discretisation", "quantization"}
    q = m["splits"]["quantization"]
    assert q["verdicts"]["overflows"] in ("pass", "fail") and "rate_rel_error" in q["metrics"]
    assert m["splits"]["discretisation"]["tolerances"]["overflows"] is None
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["seed"] == 3 and cfg["preset"] == "loihi" and cfg["chip_spec"]["name"] == "loihi"
    assert {"numpy", "numba", "python", "neuromorph"} <= set(cfg["versions"])
    assert "--seed 3" in cfg["repeat"] and cfg["n_steps"] == 400
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert {"raster.png", "traces.png", "rates.png", "fi.png", "psd.png", "overflows.png"} <= set(pngs)
    page = (out / "report.html").read_text()
    embedded = sorted(re.findall(r"data-file='([^']+)' src='data:image/png;base64,", page))
    assert embedded == pngs
    assert "src='raster.png'" not in page           # self-contained: no file references
    md = (out / "report.md").read_text()
    assert all(f"({p})" in md for p in pngs) and "## Quantization" in md
    # the chip run priced as hardware (docs/hardware-model.md §9)
    assert "## Cost on the chip" in md and "Cost on the chip" in page
    assert m["cost"]["prices"] == "loihi-table2" and m["cost"]["time_ns_mean"] > 0 and m["cost"]["steps"] == 400


def test_all_goes_on_after_a_failing_scenario(tiny, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad_cmp.py"
    bad.write_text(BAD)
    monkeypatch.setattr(cli, "catalogue", lambda: {"bad_cmp": bad, "tiny_cmp": tiny})
    doc = tmp_path / "validation.md"
    doc.write_text("# Validation\n\n## Izhikevich on the chip\n\nkeep me\n")
    rc = cli.main(["compare", "--all", "--out", str(tmp_path / "all"), "--duration", "0.02",
                   "--validation-doc", str(doc)])
    out = capsys.readouterr().out
    assert rc == 1                                                    # an error happened, the run went on
    assert "Traceback" in out and "scenario exploded on purpose" in out
    assert (tmp_path / "all" / "tiny_cmp" / "report.html").exists()
    assert "| tiny_cmp |" in (tmp_path / "all" / "validation.md").read_text()      # the output folder's own copy
    text = doc.read_text()
    assert "keep me" in text and report.VALIDATION_BEGIN in text and report.VALIDATION_END in text
    assert "| bad_cmp |" in text and "ERROR" in text and "| tiny_cmp |" in text
    # a second run replaces only the text between the markers
    rc = cli.main(["compare", "--all", "--out", str(tmp_path / "all"), "--duration", "0.02", "--force",
                   "--validation-doc", str(doc)])
    text2 = doc.read_text()
    assert text2.count(report.VALIDATION_BEGIN) == 1 and text2.startswith("# Validation\n\n## Izhikevich on the chip")


def test_existing_output_folder_is_refused_without_force(tiny, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "something.txt").write_text("mine")
    with pytest.raises(SystemExit, match="exists and is not empty.*--force"):
        cli.main(["compare", str(tiny), "--out", str(out), "--duration", "0.01"])
    assert not (out / "metrics.json").exists()
    assert cli.main(["compare", str(tiny), "--out", str(out), "--duration", "0.01", "--force"]) in (0, 2)
    assert (out / "metrics.json").exists() and (out / "something.txt").read_text() == "mine"


def test_unknown_scenario_lists_the_known_ones(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit, match=r"unknown scenario 'nope'.*cuba_balanced.*lif_dc_fi"):
        cli.main(["compare", "nope"])
    with pytest.raises(SystemExit, match=r"'bench_chip' has no comparison\(\).*synfire_chain"):
        cli.main(["compare", "bench_chip"])
    with pytest.raises(SystemExit, match="unknown chip preset"):
        cli.main(["compare", "lif_dc_fi", "--preset", "nope"])


def test_help_everywhere(capsys):
    for argv in (["--help"], ["compare", "--help"], ["run", "--help"], ["list", "--help"]):
        with pytest.raises(SystemExit) as e:
            cli.main(argv)
        assert e.value.code == 0
    assert "--force" in capsys.readouterr().out


def test_list_marks_comparison_scenarios(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert cli.main(["list"]) == 0
    lines = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if ln.strip()}
    assert "[chip]" in lines["cuba_balanced"] and "[chip]" in lines["synfire_chain"]
    assert "[chip]" not in lines["bench_chip"]


def test_every_catalogue_scenario_builds_its_comparison(monkeypatch):
    """Each catalogue entry returns a valid Comparison (built, not run: --all runs them)."""
    monkeypatch.chdir(ROOT)
    cat = scenarios.catalogue()
    assert {"lif_dc_fi", "synfire_chain", "cuba_balanced"} <= set(cat)
    for name, path in cat.items():
        mod = scenarios.load(path)
        if name == "cuba_balanced":
            continue                                  # 4,000 neurons: built by test_catalogue_runs below
        c = mod.comparison(seed=1, duration=0.01)
        assert isinstance(c, Comparison) and c.headline in METRICS
        assert c.chip == (scenarios.protocol_of(path) == "chip"), name
        if not c.chip:
            assert c.reason, f"{name}: a reference-only scenario says why"


@pytest.mark.parametrize("name", ["synfire_chain", "lif_dc_fi"])
def test_catalogue_runs_tiny(name, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    o = runner.compare_scenario(scenarios.catalogue()[name], tmp_path / name, seed=0,
                                duration=0.02 if name == "lif_dc_fi" else None, progress=False)
    assert o.error is None and (tmp_path / name / "report.html").exists()
    if name == "synfire_chain":   # the chip and the hardware-ordered reference agree spike for spike
        assert o.split_verdict["quantization"] == "PASS"


def test_stdp_song_runs_on_the_chip_and_samples_the_window(monkeypatch):
    """stdp_song (shortened to 0.2 s: the window pairs, and the start of the Song neuron's
    learning): every window neuron fires once at 100 ms on both references and the chip, the
    chip's window samples lie within the 1-W-LSB bound of the hardware-ordered reference's,
    no overflow (trace_sat included); the full 10-s figures are in docs/validation.md."""
    monkeypatch.chdir(ROOT)
    mod = scenarios.load("stdp_song")
    cmp = mod.comparison(seed=0, duration=0.2)
    assert cmp.chip and cmp.headroom == mod.HEADROOM and cmp.window.projection == mod.WINDOW
    results, _, program = runner.run_backends(cmp, progress=False)
    k_post = cmp.params["window_post_step"]
    for backend, res in results.items():
        trains = res.spikes.trains("window")
        assert [t.size for t in trains] == [1] * 21, backend
        if backend != "continuous":
            assert all(round(t[0] / cmp.dt) == k_post for t in trains), backend
    w_hw, w_chip = results["hardware"].weights[mod.WINDOW], results["chip"].weights[mod.WINDOW]
    dw_hw = w_hw - 5e-12
    nz = np.abs(cmp.window.dt_s) > 0
    assert np.all(np.sign(dw_hw[nz]) == np.sign(cmp.window.dt_s[nz]))      # depression before, potentiation after
    lsb = program.host.w_scale[mod.WINDOW]
    assert np.max(np.abs(w_chip - w_hw)) <= 1.05 * lsb                     # w0 rounding + ΔW rounding
    ev = evaluate(cmp, results)
    q = ev.metrics["quantization"]
    assert q["window_error"] < 0.035 and q["overflows"] == 0
    assert results["chip"].counters["syn_updates"].sum() > 0

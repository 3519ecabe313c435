"""reference.plots: every family's figure renders to a PNG (Agg, no pyplot state) from chip-style inputs."""

import numpy as np
import pytest

from neuromorph.errors import ParameterError
from neuromorph.network import SpikeLog, Traces
from reference import plots
from reference.analysis import dynamics, spectra

PNG = b"\x89PNG\r\n\x1a\n"


def _ok(path):
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 1000


def fhn(x, I):
    V, w = x[..., 0], x[..., 1]
    return np.stack([V - V**3 / 3 - w + I, 0.08 * (1.25 * V - w + 0.7)], axis=-1)


def test_spike_and_trace_plots(tmp_path):
    log = SpikeLog(np.array([1, 5, 9, 20, 25]), np.array([0, 1, 1, 2, 0]), 1e-3, 30, {"p": (0, 3)})
    _ok_path = tmp_path / "raster.png"
    plots.raster(log, path=_ok_path)
    _ok(_ok_path)
    tr = Traces(np.arange(100), np.array([0, 1]), 1e-4, {"v": np.random.default_rng(0).normal(size=(100, 2))},
                scale={"v": 1e-3})
    plots.voltage_traces(tr, path=tmp_path / "v.png", threshold=-55e-3)
    plots.voltage_traces(np.random.default_rng(1).normal(size=(50, 4)), dt=1e-4, stacked=True,
                         labels=["V", "m", "h", "n"], scale=1.0, path=tmp_path / "hh.png")
    t = np.cumsum(np.random.default_rng(2).exponential(0.01, 300))
    plots.isi_histogram(t, path=tmp_path / "isi.png")
    for name in ("v.png", "hh.png", "isi.png"):
        _ok(tmp_path / name)
    with pytest.raises(ParameterError):
        plots.voltage_traces(np.zeros((5, 2)), dt=1e-3, labels=["one"])


def test_spectrum_fi_phase_bifurcation_weight_plots(tmp_path):
    x = np.sin(2 * np.pi * 40 * 1e-3 * np.arange(1000))
    plots.psd({"course": spectra.psd(x, 1e-3), "welch": spectra.welch_psd(x, 1e-3)}, path=tmp_path / "psd.png")
    I = np.array([100, 200, 300]) * 1e-12
    plots.fi_curves(I, {"DC": [0, 0, 50.0], "GWN": [5, 20, 60.0]}, path=tmp_path / "fi.png", theory=(I, [0, 0, 55]))
    plots.phase_plane(fhn, (-2.5, 2.5), (-1.5, 3.0), args=(0.5,), path=tmp_path / "pp.png", n=60,
                      trajectories=[dynamics.rk4(fhn, [-1.0, 0.0], 0.1, 300, args=(0.5,))], vectorized=True)
    scan = dynamics.bifurcation_scan(fhn, np.linspace(0, 1.5, 16), x0=[-1.0, -0.5])
    plots.bifurcation(scan, extrema=([0.5, 1.0], [-2.0, -2.0], [2.0, 2.0]), path=tmp_path / "bif.png")
    plots.weight_histogram({"reference": np.linspace(0, 1, 100), "chip": np.round(np.linspace(0, 1, 100) * 8) / 8},
                           path=tmp_path / "w.png")
    plots.curves([1, 2, 3], {"a": [1, 2, 3], "b": [3, 2, 1]}, path=tmp_path / "c.png", styles={"a": "o-"},
                 hlines={"ln 2": np.log(2)}, logx=True)
    for name in ("psd.png", "fi.png", "pp.png", "bif.png", "w.png", "c.png"):
        _ok(tmp_path / name)
    with pytest.raises(ParameterError):
        plots.fi_curves(I, {"bad": [1.0]})
    with pytest.raises(ParameterError):
        plots.weight_histogram({"empty": []})
    with pytest.raises(ParameterError):
        plots.curves([1, 2], {"bad": [1, 2, 3]})

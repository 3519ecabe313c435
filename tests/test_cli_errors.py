"""Bad input gets one named line and a meaningful exit code, never a traceback (unless --debug)."""

import numpy as np
import pytest

from neuromorph import LIF, LIFRegisters, Network, PoissonSpikes, RegularSpikes
from neuromorph.app import cli
from neuromorph.errors import ParameterError
from neuromorph.simulator import Simulator


@pytest.mark.parametrize("argv,fragment", [
    (["run", "lif_dc", "--seed", "-1"], "argument --seed: must be an integer >= 0 (got -1)"),
    (["compare", "lif_dc_fi", "--duration", "inf"], "argument --duration: must be finite and > 0 seconds (got inf)"),
    (["compare", "lif_dc_fi", "--duration", "nan"], "argument --duration: must be finite and > 0 seconds (got nan)"),
])
def test_bad_arguments_exit_2_with_one_named_line(argv, fragment, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(fragment) and "Traceback" not in "\n".join(err)


def test_bench_refuses_unknown_names(capsys):
    assert cli.main(["bench", "--only", "nosuch"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("neuromorph bench: error: argument --only: unknown benchmark 'nosuch' "
                   "(known: cuba4k, cuba16k, cuba64k, chip1k, scatter, stdp, latency)")


def test_a_failed_run_is_one_line_and_exit_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["run", "lif_dc", "--out", str(blocker / "sub")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("neuromorph: error: cannot write or read a file: ") and "sub" in err[0]
    with pytest.raises(OSError):                                   # --debug shows the real exception
        cli.main(["--debug", "run", "lif_dc", "--out", str(blocker / "sub")])


def test_ctrl_c_stops_cleanly(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "cmd_run", interrupted)
    assert cli.main(["run", "lif_dc", "--out", "somewhere"]) == 130
    assert capsys.readouterr().err.strip() == ("neuromorph: interrupted; what was written before stays in place "
                                               "(somewhere)")


def test_api_refuses_non_finite_and_negative_inputs_by_name():
    net = Network(dt=1e-3)
    net.add_population("n", 2, LIFRegisters(vth=10))
    sim = Simulator(net)
    for bad in (float("nan"), float("inf"), 1.5, -1):
        with pytest.raises(ParameterError, match=r"^n_steps \(Simulator.run\) = "):
            sim.run(bad)
    with pytest.raises(ParameterError, match=r"^start \(RegularSpikes\) = inf"):
        RegularSpikes(period=1e-3, start=float("inf"))
    with pytest.raises(ParameterError, match=r"^stagger \(RegularSpikes\) = nan"):
        RegularSpikes(period=1e-3, stagger=float("nan"))
    with pytest.raises(ParameterError, match=r"^seed \(PoissonSpikes\) = -1"):
        PoissonSpikes(5.0, seed=-1)
    net.add_population("m", 3, LIFRegisters(vth=10))
    with pytest.raises(ParameterError, match=r"^seed \(projection n->m\) = -1 .*>= 0"):
        net.connect_registers("n", "m", weight_mant=1, p=0.5, seed=-1)


def test_an_injection_beyond_the_registers_is_refused_not_wrapped():
    net = Network(dt=1e-4)
    net.add_population("n", 1, LIF())
    net.inject("n", np.full(10, 1e9))                              # 1 GA: would wrap int64 after quantization
    with pytest.raises(ParameterError, match=r"^values \(injection into 'n'\) = 1000000000.0 is out of range"):
        Simulator(net)


def test_version(capsys):
    import neuromorph

    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"neuromorph {neuromorph.__version__}"


def test_the_compiler_names_the_physical_cause_of_a_bias_overflow():
    from neuromorph.compiler import compile_network

    net = Network(dt=1e-4)
    net.add_population("n", 2, LIF(tau_m=1e-3, I_bias=1e-9))      # 100 mV drive = 5 threshold distances
    with pytest.raises(ParameterError, match=r"^I_bias \(n\) = 1e-09 is out of range; allowed: \|I_bias \+ g_L "
                                             r"\(E_L - v_reset\)\| <= 5\.25016e-10 A: its steady-state voltage 100 mV "
                                             r"is 5 threshold distances.*holds 2\.63; lengthen tau_m, shorten dt or "
                                             r"raise headroom"):
        compile_network(net)
    assert compile_network(net, headroom=8).models["n"].bias_mant != 0           # the remedy it names works
    fast = Network(dt=1e-4)
    fast.add_population("n", 1, LIF(tau_m=1e-6))
    assert any("tau_m = 1e-06 s is much shorter than dt = 0.0001 s" in n for n in compile_network(fast).report.notes)


def test_compile_notice_speaks_once_and_only_without_a_cache(monkeypatch, capsys):
    from neuromorph import kernels, simulator

    net = Network(dt=1e-3)
    net.add_population("n", 2, LIFRegisters(vth=10))
    Simulator(net).run(1)                                   # compiled (or loaded) in this process: nothing to say
    monkeypatch.setitem(simulator._notice, "shown", False)
    assert simulator.compile_notice(kernels) is False and capsys.readouterr().err == ""

    class NoSignatures:                                     # a fresh process whose cache index is empty
        signatures = []
        _cache = type("C", (), {"_cache_file": type("F", (), {"_load_index": staticmethod(lambda: {})})()})()
    monkeypatch.setitem(simulator._notice, "shown", False)
    fake = type("K", (), {"run_steps": NoSignatures})
    assert simulator.compile_notice(fake) is True
    assert capsys.readouterr().err.startswith("neuromorph: compiling the chip's kernels for this machine")
    assert simulator.compile_notice(fake) is False          # once per process


def test_long_runs_report_progress_on_stderr(monkeypatch, capsys):
    from neuromorph import simulator

    net = Network(dt=1e-3)
    net.add_population("n", 2, LIFRegisters(vth=10))
    monkeypatch.setitem(simulator.PROGRESS, "after_s", 0.0)       # report from the first chunk on
    Simulator(net, chunk_steps=100).run(300)
    err = capsys.readouterr().err
    assert "[chip] step 100/300 (0.1 s simulated, real-time factor" in err and "step 200/300" in err
    assert err.endswith("\n") and "step 300/300" not in err          # the finished run ends the line
    monkeypatch.setitem(simulator.PROGRESS, "after_s", None)      # off (the default): silent
    Simulator(net, chunk_steps=100).run(300)
    assert capsys.readouterr().err == ""

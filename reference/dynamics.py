r"""The survey's ``NeuralDynamics`` capability: simulate a state forward from an initial
state and inputs.

The survey sketches a neuron with voltage V, recovery w and synaptic variable s,
stepped with Euler. Here that is, for a population of n units,

.. math::
    C_m \dot V = V - V^3/3 - w - g_s\,s\,(V - E_s) + I_{ext}(t)

    \dot w = \text{FitzHugh–Nagumo recovery (survey or FitzHugh form, see reference.fhn)}

    \dot s = -s/\tau_s + \sum_k \alpha\,\delta(t - t_k)

where the t_k are external input spikes and, through the coupling matrix
``network_W[i, j]``, the spikes (upward crossings of ``v_spike``) of unit j.

Mapping to the survey's class
-----------------------------
=========================================== ===============================================
survey                                      here
=========================================== ===============================================
``NeuralDynamics(neuron_params,``           :class:`NeuralDynamics` (``neuron``: FHNParams,
``synapse_params, network_params)``         ``C_m``; ``synapse``: :class:`SynapseSpec`;
                                            ``network_W``)
``compute_ionic_currents(V, w)``            ``-(V - V^3/3 - w)`` (the FHN cubic)
``compute_synaptic_currents(V, s)``         ``g_s s (V - E_s)``
``dw = a (b V - w)``                        the FHN recovery of the chosen form
``compute_synaptic_dynamics``               exact exponential decay + spike increments
``simulate_dynamics(initial_state,``        :meth:`NeuralDynamics.simulate_dynamics`; keys
``inputs, time_span, dt)``                  ``voltage``, ``recovery``, ``synaptic``; returns
                                            ``{'t', 'V', 'w', 's', 'spikes'}``
=========================================== ===============================================

Numerics: (V, w) by RK4 with s held over the step, then s decays exactly and takes
this step's spikes (documented splitting, first order in the coupling). An external
spike at time t_k enters s with its exact decay to the end of its step, so
``s(t) = Σ_{t_k < t} α e^{-(t - t_k)/τ_s}`` holds at every sample time. RK4 limit as
:data:`reference.fhn.FHN_DT_LIMIT` scaled by ``C_m``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from neuromorph.errors import ParameterError

from . import _checks as ck
from .fhn import FHN_DT_LIMIT, FHNParams
from .neurons import input_matrix

__all__ = ["SynapseSpec", "NeuralDynamics"]


@dataclass(frozen=True)
class SynapseSpec:
    """Synaptic variable: decay ``tau_s``, jump ``alpha`` per spike, conductance ``g_s``,
    reversal ``E_s`` (model units)."""

    tau_s: float = 5.0
    alpha: float = 1.0
    g_s: float = 0.0
    E_s: float = 2.0

    def __post_init__(self):
        ck.positive("tau_s", self.tau_s, "SynapseSpec")
        for n in ("alpha", "g_s", "E_s"):
            ck.finite(n, getattr(self, n), "SynapseSpec")


@dataclass(frozen=True)
class NeuralDynamics:
    """See the module docstring. ``network_W`` (n, n) or None (uncoupled)."""

    neuron: FHNParams = FHNParams(form="survey")
    C_m: float = 1.0
    synapse: SynapseSpec = SynapseSpec()
    network_W: np.ndarray | None = field(default=None, compare=False)
    v_spike: float = 1.0

    def __post_init__(self):
        ck.positive("C_m", self.C_m, "NeuralDynamics")
        if self.network_W is not None:
            W = ck.finite("network_W", self.network_W, "NeuralDynamics")
            if W.ndim != 2 or W.shape[0] != W.shape[1]:
                raise ParameterError("network_W", f"shape {W.shape}", "a square (n, n) matrix", "NeuralDynamics")

    def _rhs(self, V, w, s, I):
        p, syn = self.neuron, self.synapse
        dV = (V - V**3 / 3 - w - syn.g_s * s * (V - syn.E_s) + I) / self.C_m
        if p.form == "survey":
            dw = p.eps * (p.b * V - w + p.a)
        else:
            dw = p.eps * (V + p.a - p.b * w)
        return dV, dw

    def simulate_dynamics(self, initial_state: Mapping, inputs=None, time_span: float = 100.0,
                          dt: float = 0.05) -> dict:
        """Simulate from ``initial_state`` for ``time_span`` with step ``dt``.

        Parameters
        ----------
        initial_state : mapping with ``'voltage'`` and ``'recovery'`` (scalar or (n,)) and
            optionally ``'synaptic'`` (default 0).
        inputs : None, a current (scalar, (n,), (n_steps,), (n_steps, n) or callable I(t)),
            or a mapping with optional ``'current'`` (as before) and ``'spike_times'`` (a
            list, one array of input spike times per unit).
        time_span, dt : float (model time units)

        Returns
        -------
        dict with ``t`` (n_steps+1,), ``V``, ``w``, ``s`` (n_steps+1, n), ``spikes`` (n_steps, n).
        """
        ctx = "NeuralDynamics.simulate_dynamics"
        for key in ("voltage", "recovery"):
            if key not in initial_state:
                raise ParameterError("initial_state", sorted(initial_state), f"a mapping with '{key}'", ctx)
        V = np.atleast_1d(ck.finite("voltage", initial_state["voltage"], ctx)).astype(float).copy()
        n = V.size
        w = ck.as_population("recovery", initial_state["recovery"], n, ctx)
        s = ck.as_population("synaptic", initial_state.get("synaptic", 0.0), n, ctx)
        dt = ck.check_dt(dt, ctx)
        lim = FHN_DT_LIMIT["rk4"] * min(1.0, self.C_m)
        ck.stable_dt(dt, lim * (1 + 1e-12), ctx, f"RK4: dt <= {lim:g}")
        n_steps = int(round(float(ck.positive("time_span", time_span, ctx)) / dt))
        if n_steps < 1:
            raise ParameterError("time_span", time_span, f">= dt = {dt}", ctx)
        current, spike_times = 0.0, None
        if isinstance(inputs, Mapping):
            current = inputs.get("current", 0.0)
            spike_times = inputs.get("spike_times")
        elif inputs is not None:
            current = inputs
        Imat = input_matrix(current, n_steps, n, dt, "inputs", ctx)
        ext = np.zeros((n_steps, n))
        if spike_times is not None:
            if len(spike_times) != n:
                raise ParameterError("spike_times", f"{len(spike_times)} trains", f"{n} (one per unit)", ctx)
            for i, ts in enumerate(spike_times):
                ts = ck.finite("spike_times", ts, ctx).ravel()
                k = np.floor(ts / dt + 1e-9).astype(np.int64)
                ok = (k >= 0) & (k < n_steps)
                # exact: a spike at t_k inside step k has decayed by exp(-((k+1)dt - t_k)/tau_s)
                wgt = np.exp(-np.clip((k[ok] + 1) * dt - ts[ok], 0, None) / self.synapse.tau_s)
                np.add.at(ext[:, i], k[ok], wgt)
        W = None if self.network_W is None else np.asarray(self.network_W, dtype=float)
        if W is not None and W.shape != (n, n):
            raise ParameterError("network_W", f"shape {W.shape}", f"({n}, {n}) for {n} units", ctx)
        decay = np.exp(-dt / self.synapse.tau_s)
        out = {k: np.empty((n_steps + 1, n)) for k in ("V", "w", "s")}
        spikes = np.zeros((n_steps, n), dtype=bool)
        out["V"][0], out["w"][0], out["s"][0] = V, w, s
        for k in range(n_steps):
            I = Imat[k]
            k1 = self._rhs(V, w, s, I)
            k2 = self._rhs(V + dt / 2 * k1[0], w + dt / 2 * k1[1], s, I)
            k3 = self._rhs(V + dt / 2 * k2[0], w + dt / 2 * k2[1], s, I)
            k4 = self._rhs(V + dt * k3[0], w + dt * k3[1], s, I)
            V_new = V + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
            w = w + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
            spk = (V < self.v_spike) & (V_new >= self.v_spike)
            V = V_new
            drive = ext[k] + (W @ spk if W is not None else 0.0)
            s = s * decay + self.synapse.alpha * drive
            spikes[k] = spk
            out["V"][k + 1], out["w"][k + 1], out["s"][k + 1] = V, w, s
        if not np.all(np.isfinite(out["V"])):
            raise ParameterError("dt", dt, "a smaller step (the trajectory diverged)", ctx)
        out["t"] = np.arange(n_steps + 1) * dt
        out["spikes"] = spikes
        return out

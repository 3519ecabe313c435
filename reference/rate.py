r"""Rate models: N7 rate unit and W1–W4 rate networks, float64.

N7 population rate unit
    :math:`\tau \dot r = -r + f(I_{syn} + I_{ext})`: for constant input, exact relaxation
    :math:`r(t) = f(I) + (r_0 - f(I)) e^{-t/\tau}`.
W1 rate network / W3 recurrent network
    :math:`\tau \dot{\mathbf r} = -\mathbf r + f(W\mathbf r + \mathbf I)` (W3: I = 0). Fixed
    points solve :math:`r = f(Wr + I)`; Jacobian
    :math:`J = (-\mathbb 1 + \mathrm{diag}(f'(Wr^* + I))\,W)/\tau`, stable iff all
    eigenvalues have negative real part.
W2 feedforward chain
    :math:`\tau \dot r_k = -r_k + f(W_k r_{k-1})` with a clamped input layer r_0; the steady
    state is computed layer by layer.
W4 winner-take-all
    :math:`\tau \dot r_i = -r_i + f(I_i - \alpha\sum_{j\ne i} r_j)`.

Integration: ``"exp_euler"`` (default: the drive is frozen over the step and r relaxes
exactly, unconditionally stable), ``"euler"`` (needs ``dt < 2 tau``) or ``"rk4"``
(``dt < 2.785 tau``; a stiff coupling W can need less, and a non-finite result raises).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import root

from neuromorph.errors import ParameterError

from . import _checks as ck
from .solvers import STABILITY_LIMIT

__all__ = [
    "Transfer", "rate_unit_step", "rate_unit_closed_form", "rate_network_step", "simulate_rate_network",
    "fixed_point", "rate_jacobian", "is_stable", "chain_weights", "chain_steady_state",
    "wta_step", "simulate_wta",
]


@dataclass(frozen=True)
class Transfer:
    """Transfer function f (and its derivative).

    ``kind``: ``"relu"`` max(0, g (x - θ)); ``"linear"`` g (x - θ); ``"sigmoid"``
    r_max / (1 + exp(-g (x - θ))); ``"tanh"`` r_max tanh(g (x - θ));
    ``"threshold_linear"`` min(r_max, relu).
    """

    kind: str = "relu"
    gain: float = 1.0
    threshold: float = 0.0
    r_max: float = 1.0

    def __post_init__(self):
        ck.choice("kind", self.kind, ("relu", "linear", "sigmoid", "tanh", "threshold_linear"), "Transfer")
        ck.positive("gain", self.gain, "Transfer")
        ck.finite("threshold", self.threshold, "Transfer")
        ck.positive("r_max", self.r_max, "Transfer")

    def __call__(self, x):
        z = self.gain * (np.asarray(x, dtype=float) - self.threshold)
        if self.kind == "relu":
            return np.maximum(z, 0.0)
        if self.kind == "linear":
            return z
        if self.kind == "sigmoid":
            return self.r_max * 0.5 * (1 + np.tanh(0.5 * z))
        if self.kind == "tanh":
            return self.r_max * np.tanh(z)
        return np.clip(z, 0.0, self.r_max)

    def derivative(self, x):
        z = self.gain * (np.asarray(x, dtype=float) - self.threshold)
        if self.kind == "relu":
            return np.where(z > 0, self.gain, 0.0)
        if self.kind == "linear":
            return np.full(z.shape, self.gain)
        if self.kind == "sigmoid":
            s = 0.5 * (1 + np.tanh(0.5 * z))
            return self.r_max * self.gain * s * (1 - s)
        if self.kind == "tanh":
            return self.r_max * self.gain / np.cosh(z) ** 2
        return np.where((z > 0) & (z < self.r_max), self.gain, 0.0)


_METHODS = ("exp_euler", "euler", "rk4")


def _check_dt(dt, tau, method, ctx):
    dt = ck.check_dt(dt, ctx)
    ck.choice("method", method, _METHODS, ctx)
    tau_min = float(np.min(ck.positive("tau", tau, ctx)))
    lim = STABILITY_LIMIT[method] * tau_min
    if np.isfinite(lim):
        ck.stable_dt(dt, lim, ctx, f"{method}: dt < {STABILITY_LIMIT[method]:.4g} tau")
    return dt


def rate_unit_step(r, I, tau, f: Transfer, dt: float, method: str = "exp_euler"):
    r"""N7 step: :math:`r \leftarrow f(I) + (r - f(I))e^{-dt/\tau}` (``"exp_euler"``, exact for
    constant I) or explicit Euler. Returns ``(r_new, None)``."""
    dt = _check_dt(dt, tau, method, "rate_unit_step")
    r = ck.finite("r", r, "rate_unit_step")
    target = f(ck.finite("I", I, "rate_unit_step"))
    if method == "exp_euler":
        return target + (r - target) * np.exp(-dt / np.asarray(tau)), None
    if method == "euler":
        return r + dt / np.asarray(tau) * (target - r), None
    k = -1 / np.asarray(tau)  # linear ODE with constant drive: RK4 = 4th-order Taylor of the exact map
    h = dt * k
    return target + (r - target) * (1 + h + h**2 / 2 + h**3 / 6 + h**4 / 24), None


def rate_unit_closed_form(t, r0, I, tau, f: Transfer):
    """:math:`r(t) = f(I) + (r_0 - f(I)) e^{-t/\\tau}`."""
    target = f(I)
    return target + (np.asarray(r0) - target) * np.exp(-np.asarray(t, dtype=float) / tau)


def _rhs(r, W, I, tau, f):
    return (-r + f(W @ r + I)) / tau


def rate_network_step(r, W, I, tau, f: Transfer, dt: float, method: str = "exp_euler"):
    """W1/W3 step for :math:`\\tau \\dot r = -r + f(Wr + I)`. Returns ``(r_new, None)``."""
    ctx = "rate_network_step"
    dt = _check_dt(dt, tau, method, ctx)
    r = ck.finite("r", r, ctx)
    W = ck.finite("W", W, ctx)
    ck.same_shape("W", W, (r.size, r.size), ctx)
    I = np.broadcast_to(ck.finite("I", I, ctx), r.shape)
    return _net_advance(r, W, I, np.asarray(tau, dtype=float), f, dt, method), None


def _net_advance(r, W, I, tau, f, dt, method):
    if method == "exp_euler":
        target = f(W @ r + I)
        return target + (r - target) * np.exp(-dt / tau)
    if method == "euler":
        return r + dt * _rhs(r, W, I, tau, f)
    k1 = _rhs(r, W, I, tau, f)
    k2 = _rhs(r + dt / 2 * k1, W, I, tau, f)
    k3 = _rhs(r + dt / 2 * k2, W, I, tau, f)
    k4 = _rhs(r + dt * k3, W, I, tau, f)
    return r + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def simulate_rate_network(W, I, tau, f: Transfer, dt: float, n_steps: int, r0=None,
                          method: str = "exp_euler") -> tuple[np.ndarray, np.ndarray]:
    """Run W1/W3 for ``n_steps``; ``I`` constant (n,) or (n_steps, n). Returns ``(t, r)``,
    ``r`` of shape (n_steps+1, n)."""
    ctx = "simulate_rate_network"
    W = ck.finite("W", W, ctx)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ParameterError("W", f"shape {W.shape}", "a square (n, n) matrix", ctx)
    n = W.shape[0]
    dt = _check_dt(dt, tau, method, ctx)
    n_steps = ck.positive_int("n_steps", n_steps, ctx)
    I = ck.finite("I", I, ctx)
    Imat = np.broadcast_to(I, (n_steps, n)) if I.ndim < 2 else I
    ck.same_shape("I", Imat, (n_steps, n), ctx)
    tau = np.broadcast_to(np.asarray(tau, dtype=float), (n,))
    r = np.zeros(n) if r0 is None else ck.as_population("r0", r0, n, ctx)
    out = np.empty((n_steps + 1, n))
    out[0] = r
    for k in range(n_steps):
        r = _net_advance(r, W, Imat[k], tau, f, dt, method)
        out[k + 1] = r
    if not np.all(np.isfinite(out)):
        raise ParameterError("dt", dt, "a smaller step, or a W whose dynamics stay bounded", ctx)
    return np.arange(n_steps + 1) * dt, out


def fixed_point(W, I, f: Transfer, r0=None, tol: float = 1e-12) -> np.ndarray:
    """Solve :math:`r = f(Wr + I)` (scipy ``root``, hybr); raises if it does not converge."""
    W = ck.finite("W", W, "fixed_point")
    n = W.shape[0]
    I = np.broadcast_to(ck.finite("I", I, "fixed_point"), (n,))
    x0 = np.zeros(n) if r0 is None else np.asarray(r0, dtype=float)
    sol = root(lambda r: r - f(W @ r + I), x0, jac=lambda r: np.eye(n) - f.derivative(W @ r + I)[:, None] * W,
               tol=tol)
    # judge by the residual (hybr may report "no progress" once it is already at round-off)
    if not np.all(np.isfinite(sol.x)) or np.max(np.abs(sol.x - f(W @ sol.x + I))) > 1e-9 * max(
            1.0, np.max(np.abs(sol.x))):
        raise ParameterError("r0", x0.tolist(), "a start from which r = f(Wr + I) converges", "fixed_point")
    return sol.x


def rate_jacobian(W, I, f: Transfer, r, tau) -> np.ndarray:
    """:math:`J = (-\\mathbb 1 + \\mathrm{diag}(f'(Wr+I)) W)/\\tau` at the state r."""
    W = np.asarray(W, dtype=float)
    x = W @ np.asarray(r, dtype=float) + np.asarray(I, dtype=float)
    return (-np.eye(W.shape[0]) + f.derivative(x)[:, None] * W) / np.asarray(tau, dtype=float)[..., None]


def is_stable(J) -> bool:
    """True when every eigenvalue of J has negative real part."""
    return bool(np.max(np.linalg.eigvals(J).real) < 0)


# ------------------------------------------------------------------ W2
def chain_weights(layer_weights, n_input: int) -> np.ndarray:
    """Block matrix of a feedforward chain: layer k receives ``layer_weights[k-1] @ r_{k-1}``.

    The first ``n_input`` units are the input layer (their rows are zero; clamp them with
    a large drive or keep them fixed by :func:`chain_steady_state`).
    """
    sizes = [n_input] + [np.shape(w)[0] for w in layer_weights]
    for k, w in enumerate(layer_weights):
        if np.shape(w) != (sizes[k + 1], sizes[k]):
            raise ParameterError(f"layer_weights[{k}]", f"shape {np.shape(w)}", f"({sizes[k + 1]}, {sizes[k]})",
                                 "chain_weights")
    off = np.cumsum([0] + sizes)
    W = np.zeros((off[-1], off[-1]))
    for k, w in enumerate(layer_weights):
        W[off[k + 1]:off[k + 2], off[k]:off[k + 1]] = ck.finite(f"layer_weights[{k}]", w, "chain_weights")
    return W


def chain_steady_state(layer_weights, r_input, f: Transfer) -> list[np.ndarray]:
    """Layer-by-layer steady state :math:`r_k = f(W_k r_{k-1})`, ``r_0 = r_input``."""
    rs = [ck.finite("r_input", r_input, "chain_steady_state")]
    for w in layer_weights:
        rs.append(f(np.asarray(w, dtype=float) @ rs[-1]))
    return rs


# ------------------------------------------------------------------ W4
def wta_step(r, I, alpha: float, tau, f: Transfer, dt: float, method: str = "exp_euler"):
    r"""W4 step: :math:`\tau\dot r_i = -r_i + f(I_i - \alpha\sum_{j\ne i} r_j)`."""
    ctx = "wta_step"
    r = ck.finite("r", r, ctx)
    alpha = float(ck.nonnegative("alpha", alpha, ctx))
    n = r.size
    W = -alpha * (np.ones((n, n)) - np.eye(n))
    return rate_network_step(r, W, I, tau, f, dt, method)


def simulate_wta(I, alpha: float, tau, f: Transfer, dt: float, n_steps: int, r0=None, method: str = "exp_euler"):
    """Run W4 from ``r0`` (default 0) with constant inputs I; returns ``(t, r)``."""
    I = ck.finite("I", I, "simulate_wta")
    alpha = float(ck.nonnegative("alpha", alpha, "simulate_wta"))
    n = I.shape[-1]
    W = -alpha * (np.ones((n, n)) - np.eye(n))
    return simulate_rate_network(W, I, tau, f, dt, n_steps, r0, method)

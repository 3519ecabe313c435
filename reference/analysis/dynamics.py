r"""A7–A9 — phase space, fixed points, nullclines, bifurcations and the largest Lyapunov exponent.

For a vector field ``x' = F(x)`` (survey: "Phase Space"):

* :func:`jacobian` — ``J_ij = ∂F_i/∂x_j`` by central differences.
* :func:`fixed_points` — zeros of ``F`` found by ``scipy.optimize.root`` from a grid of
  starting points, deduplicated and classified from the eigenvalues of ``J``.
* :func:`nullclines` — for planar systems, the curves ``F_0 = 0`` and ``F_1 = 0`` on a
  grid (sign changes, linearly interpolated).
* :func:`bifurcation_scan` — follows a fixed point along a parameter ``s`` (natural
  continuation) and reports where an eigenvalue's real part crosses zero with
  ``dRe λ/ds ≠ 0`` (survey: "Bifurcations"): a Hopf point when the crossing eigenvalue
  is complex, a real (fold/transcritical/pitchfork) crossing otherwise; crossings are
  refined with ``scipy.optimize.brentq``.
* :func:`lyapunov_max` — Benettin et al. (1980): a reference and a perturbed trajectory
  (separation ``d0``) are integrated with RK4; after each renormalisation interval the
  log growth ``ln(|δx|/d0)`` is accumulated and ``δx`` rescaled to ``d0``;
  ``λ₁ = Σ ln(|δx|/d0) / t``. :func:`lyapunov_map` does the same for maps
  (or averages ``ln|g'(x)|`` when the derivative is given).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from scipy import optimize

from neuromorph.errors import ParameterError

__all__ = ["jacobian", "classify", "FixedPoint", "fixed_points", "Nullclines", "nullclines", "Bifurcation",
           "BifurcationScan", "bifurcation_scan", "rk4", "orbit_extrema", "LyapunovResult", "lyapunov_max",
           "lyapunov_map"]


def _state(x, context: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        x = x.reshape(1)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise ParameterError("x", x, "a finite 1-D state vector", context)
    return x


def _call(f: Callable, x: np.ndarray, args: tuple, context: str) -> np.ndarray:
    y = np.asarray(f(x, *args), dtype=float).reshape(-1)
    if y.shape != x.shape:
        raise ParameterError("f", f"returned shape {y.shape}", f"shape {x.shape} (as the state)", context)
    return y


def jacobian(f: Callable, x, args: tuple = (), eps: float | None = None) -> np.ndarray:
    """Jacobian ``J_ij = ∂f_i/∂x_j`` at ``x`` by central differences, step ``h_j = eps·max(1, |x_j|)``.

    ``eps`` defaults to ``6e-6`` (≈ machine-epsilon^(1/3)), giving ~1e-10 relative accuracy
    for smooth ``f``. ``f(x, *args)`` maps a 1-D state to its derivative.
    """
    x = _state(x, "jacobian")
    eps = 6e-6 if eps is None else float(eps)
    d = x.size
    J = np.empty((d, d))
    for j in range(d):
        h = eps * max(1.0, abs(x[j]))
        e = np.zeros(d)
        e[j] = h
        J[:, j] = (_call(f, x + e, args, "jacobian") - _call(f, x - e, args, "jacobian")) / (2 * h)
    return J


def classify(J) -> str:
    """Type of a fixed point from its Jacobian's eigenvalues.

    'stable node' / 'stable focus' (all Re λ < 0, real / complex), 'unstable node' /
    'unstable focus' (all Re λ > 0), 'saddle' (both signs), 'non-hyperbolic' (some Re λ ≈ 0,
    |Re λ| < 1e-9·max(1, |λ|max)).
    """
    lam = np.linalg.eigvals(np.atleast_2d(np.asarray(J, dtype=float)))
    tol = 1e-9 * max(1.0, float(np.abs(lam).max()))
    re = lam.real
    if np.any(np.abs(re) < tol):
        return "non-hyperbolic"
    cplx = np.any(np.abs(lam.imag) > tol)
    if np.all(re < 0):
        return "stable focus" if cplx else "stable node"
    if np.all(re > 0):
        return "unstable focus" if cplx else "unstable node"
    return "saddle"


@dataclass(frozen=True)
class FixedPoint:
    """A zero of the vector field with its Jacobian, eigenvalues and type."""

    x: np.ndarray
    jacobian: np.ndarray
    eigenvalues: np.ndarray
    kind: str

    @property
    def stable(self) -> bool:
        return bool(np.all(self.eigenvalues.real < 0))


def fixed_points(f: Callable, bounds: Sequence[tuple[float, float]], args: tuple = (), n_grid: int = 8,
                 tol: float = 1e-9, guesses=None) -> list[FixedPoint]:
    """All fixed points of ``x' = f(x, *args)`` found inside the box ``bounds``.

    ``scipy.optimize.root`` (hybr) starts from an ``n_grid``-per-axis grid over the box
    (plus any ``guesses``); converged roots with ``|f| < tol·max(1, |x|)`` inside the box are kept,
    duplicates (closer than 1e-6 of the box size) merged. Sorted by the first coordinate.
    An empty list means no fixed point was found in the box.
    """
    b = np.asarray(bounds, dtype=float)
    if b.ndim != 2 or b.shape[1] != 2 or not np.all(b[:, 1] > b[:, 0]):
        raise ParameterError("bounds", bounds, "a sequence of (lo, hi) with hi > lo per state variable", "fixed_points")
    d = b.shape[0]
    axes = [np.linspace(lo, hi, n_grid) for lo, hi in b]
    starts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d)
    if guesses is not None:
        starts = np.vstack([np.asarray(guesses, dtype=float).reshape(-1, d), starts])
    scale = float(np.max(b[:, 1] - b[:, 0]))
    found: list[np.ndarray] = []
    for x0 in starts:
        sol = optimize.root(lambda x: _call(f, x, args, "fixed_points"), x0, method="hybr")
        x = sol.x
        if not np.all(np.isfinite(x)):
            continue
        if np.max(np.abs(_call(f, x, args, "fixed_points"))) > tol * max(1.0, float(np.abs(x).max())):
            continue
        if np.any(x < b[:, 0] - 1e-12) or np.any(x > b[:, 1] + 1e-12):
            continue
        if any(np.linalg.norm(x - y) < 1e-6 * scale for y in found):
            continue
        found.append(x)
    found.sort(key=lambda v: tuple(v))
    out = []
    for x in found:
        J = jacobian(f, x, args)
        out.append(FixedPoint(x, J, np.linalg.eigvals(J), classify(J)))
    return out


@dataclass(frozen=True)
class Nullclines:
    """Planar vector field on a grid and points on its two nullclines.

    ``U[i, j] = F_0(x[j], y[i])``, ``V[i, j] = F_1(x[j], y[i])``; ``x_nullcline`` holds
    (N, 2) points where ``F_0 = 0``, ``y_nullcline`` where ``F_1 = 0``.
    """

    x: np.ndarray
    y: np.ndarray
    U: np.ndarray
    V: np.ndarray
    x_nullcline: np.ndarray
    y_nullcline: np.ndarray


def _zero_points(Z: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    pts = []
    # sign changes along y (columns) then along x (rows), linearly interpolated
    a, b = Z[:-1, :], Z[1:, :]
    i, j = np.nonzero((a == 0) | (a * b < 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(a[i, j] == b[i, j], 0.0, a[i, j] / (a[i, j] - b[i, j]))
    pts.append(np.column_stack([x[j], y[i] + frac * (y[i + 1] - y[i])]))
    a, b = Z[:, :-1], Z[:, 1:]
    i, j = np.nonzero(a * b < 0)
    frac = a[i, j] / (a[i, j] - b[i, j])
    pts.append(np.column_stack([x[j] + frac * (x[j + 1] - x[j]), y[i]]))
    return np.vstack(pts)


def nullclines(f: Callable, xlim: tuple[float, float], ylim: tuple[float, float], args: tuple = (),
               n: int = 200, vectorized: bool = False) -> Nullclines:
    """Nullclines of a planar field ``(x', y') = f((x, y), *args)`` on an ``n × n`` grid.

    ``vectorized=True`` calls ``f`` once with an array of shape (n*n, 2) (returning the
    same shape); otherwise point by point. Points are accurate to O(grid step²) for smooth ``f``.
    """
    if not (xlim[1] > xlim[0] and ylim[1] > ylim[0] and n >= 3):
        raise ParameterError("xlim/ylim/n", (xlim, ylim, n), "increasing limits and n >= 3", "nullclines")
    x = np.linspace(*xlim, n)
    y = np.linspace(*ylim, n)
    X, Y = np.meshgrid(x, y)
    P = np.column_stack([X.ravel(), Y.ravel()])
    if vectorized:
        F = np.asarray(f(P, *args), dtype=float)
    else:
        F = np.array([_call(f, p, args, "nullclines") for p in P])
    if F.shape != P.shape:
        raise ParameterError("f", f"returned shape {F.shape}", f"shape {P.shape}", "nullclines")
    U, V = F[:, 0].reshape(n, n), F[:, 1].reshape(n, n)
    return Nullclines(x, y, U, V, _zero_points(U, x, y), _zero_points(V, x, y))


@dataclass(frozen=True)
class Bifurcation:
    """A parameter value where a fixed point's eigenvalue crosses the imaginary axis."""

    param: float
    kind: str  # 'hopf' or 'real'
    state: np.ndarray
    eigenvalue: complex
    dre_ds: float  # transversality: d Re(λ)/ds at the crossing


@dataclass(frozen=True)
class BifurcationScan:
    """A fixed-point branch along the parameter: states (n_params, d), eigenvalues (n_params, d)."""

    params: np.ndarray
    states: np.ndarray
    eigenvalues: np.ndarray
    stable: np.ndarray
    bifurcations: list[Bifurcation] = field(default_factory=list)


def _leading(f, x, s, args):
    J = jacobian(f, x, (s,) + tuple(args))
    lam = np.linalg.eigvals(J)
    k = int(np.argmax(lam.real))
    return lam[k], lam


def bifurcation_scan(f: Callable, params: Sequence[float], x0, args: tuple = (), tol: float = 1e-10,
                     min_slope: float = 1e-8) -> BifurcationScan:
    """Follow the fixed point of ``x' = f(x, s, *args)`` from ``x0`` along ``params`` and find crossings.

    At each parameter the previous fixed point seeds ``scipy.optimize.root``. Where the
    largest real part of the Jacobian's eigenvalues changes sign between neighbouring
    parameters, ``brentq`` refines ``s_c`` with ``Re λ_max(s_c) = 0``; the crossing is kept
    when ``|d Re λ/ds| > min_slope`` (transversality, survey ``dλ/ds ≠ 0``). Parameters
    where the root finder fails get NaN states. ``params`` must be strictly monotonic.
    """
    s_all = np.asarray(params, dtype=float).ravel()
    if s_all.size < 2 or not (np.all(np.diff(s_all) > 0) or np.all(np.diff(s_all) < 0)):
        raise ParameterError("params", f"{s_all.size} values", ">= 2 strictly monotonic values", "bifurcation_scan")
    x = _state(x0, "bifurcation_scan")
    d = x.size
    states = np.full((s_all.size, d), np.nan)
    eig = np.full((s_all.size, d), np.nan + 0j)

    def solve(s, guess):
        sol = optimize.root(lambda z: _call(f, z, (s,) + tuple(args), "bifurcation_scan"), guess, method="hybr",
                            tol=tol)
        r = _call(f, sol.x, (s,) + tuple(args), "bifurcation_scan")
        ok = np.all(np.isfinite(sol.x)) and np.max(np.abs(r)) < 1e-7 * max(1.0, float(np.abs(sol.x).max()))
        return sol.x if ok else None

    guess = x
    for k, s in enumerate(s_all):
        xs = solve(s, guess)
        if xs is None:
            continue
        states[k] = xs
        eig[k] = np.linalg.eigvals(jacobian(f, xs, (s,) + tuple(args)))
        guess = xs
    lead = np.nanmax(np.where(np.isnan(eig.real), -np.inf, eig.real), axis=1)
    lead[~np.isfinite(lead)] = np.nan
    bifs: list[Bifurcation] = []
    for k in range(s_all.size - 1):
        a, b = lead[k], lead[k + 1]
        if not (np.isfinite(a) and np.isfinite(b)) or a * b > 0 or (a == 0 and b == 0):
            continue
        x_seed = states[k]

        def g(s):
            xs = solve(s, x_seed)
            return np.nan if xs is None else _leading(f, xs, s, args)[0].real

        try:
            sc = optimize.brentq(g, s_all[k], s_all[k + 1], xtol=1e-12, rtol=1e-12)
        except ValueError:
            continue
        xc = solve(sc, x_seed)
        lam_c, _ = _leading(f, xc, sc, args)
        h = 1e-5 * max(1.0, abs(sc))
        slope = (g(sc + h) - g(sc - h)) / (2 * h)
        if not np.isfinite(slope) or abs(slope) <= min_slope:
            continue
        kind = "hopf" if abs(lam_c.imag) > 1e-7 * max(1.0, abs(lam_c)) else "real"
        bifs.append(Bifurcation(float(sc), kind, xc, complex(lam_c), float(slope)))
    stable = np.where(np.isfinite(lead), lead < 0, False)
    return BifurcationScan(s_all, states, eig, stable, bifs)


# ------------------------------------------------------------------------------------------
# Integration and Lyapunov exponents
# ------------------------------------------------------------------------------------------
def _rk4_step(f, x, dt):
    k1 = f(x)
    k2 = f(x + 0.5 * dt * k1)
    k3 = f(x + 0.5 * dt * k2)
    k4 = f(x + dt * k3)
    return x + (dt / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)


def _vec(f: Callable, args: tuple, vectorized: bool) -> Callable:
    """A callable mapping (M, d) states to (M, d) derivatives."""
    if vectorized:
        return lambda X: np.asarray(f(X, *args), dtype=float)
    return lambda X: np.array([np.asarray(f(x, *args), dtype=float).reshape(-1) for x in X])


def rk4(f: Callable, x0, dt: float, n_steps: int, args: tuple = (), vectorized: bool = False,
        record_every: int = 1) -> np.ndarray:
    """Classical RK4 trajectory of ``x' = f(x, *args)``: array (n_records + 1, d), first row ``x0``."""
    x = _state(x0, "rk4")[None, :]
    if not (dt > 0 and n_steps >= 1 and record_every >= 1):
        raise ParameterError("dt/n_steps", (dt, n_steps), "dt > 0, n_steps >= 1", "rk4")
    F = _vec(f, args, vectorized)
    out = [x[0].copy()]
    for k in range(1, int(n_steps) + 1):
        x = _rk4_step(F, x, dt)
        if k % record_every == 0:
            out.append(x[0].copy())
    return np.array(out)


def orbit_extrema(f: Callable, x0, dt: float, t_transient: float, t_record: float, args: tuple = (),
                  component: int = 0, vectorized: bool = False) -> tuple[float, float]:
    """Min and max of ``x[component]`` after a transient (RK4): the limit-cycle envelope for diagrams."""
    n0 = int(round(t_transient / dt))
    n1 = int(round(t_record / dt))
    tr = rk4(f, x0, dt, max(1, n0 + n1), args, vectorized)
    seg = tr[n0:, component]
    return float(seg.min()), float(seg.max())


@dataclass(frozen=True)
class LyapunovResult:
    """Largest Lyapunov exponent: ensemble mean, per-member values, standard error, running estimate."""

    exponent: float
    members: np.ndarray
    stderr: float
    times: np.ndarray
    running: np.ndarray  # running estimate of member 0 at ``times``


def lyapunov_max(f: Callable, x0, dt: float, t_total: float, t_transient: float = 10.0, args: tuple = (),
                 d0: float = 1e-8, renorm_every: int = 1, vectorized: bool = False, seed: int = 0
                 ) -> LyapunovResult:
    """Largest Lyapunov exponent of a flow by Benettin's two-trajectory method (RK4, step ``dt``).

    ``x0`` of shape (d,) or (M, d): M independent ensemble members run side by side
    (``f`` applied to an (2M, d) array when ``vectorized=True``). During ``t_transient``
    the trajectory settles onto the attractor and the perturbation (a seeded random
    direction of length ``d0``) aligns with the most unstable direction, renormalised but
    not accumulated. Then for ``t_total``: every ``renorm_every`` steps accumulate
    ``ln(|δx|/d0)`` and rescale ``δx`` to ``d0``. Returns the mean over members of
    ``Σ ln(|δx|/d0) / t_total`` (units 1/time of ``f``), its standard error and member 0's
    running estimate.

    The separation is computed as the difference of two states, so ``d0`` must stay well
    above ``machine epsilon × |x|``: on a bounded attractor (Lorenz: |x| ≲ 50) ``d0 = 1e-8``
    resolves it to ~1e-6 relative; on trajectories that grow without bound the estimate
    degrades as ``|x|`` grows.
    """
    X = np.asarray(x0, dtype=float)
    if X.ndim == 1:
        X = X[None, :]
    if X.ndim != 2 or not np.all(np.isfinite(X)):
        raise ParameterError("x0", X.shape, "finite (d,) or (M, d) states", "lyapunov_max")
    if not (dt > 0 and t_total > 0 and t_transient >= 0 and d0 > 0 and renorm_every >= 1):
        raise ParameterError("dt/t_total/d0", (dt, t_total, d0), "positive values", "lyapunov_max")
    M, d = X.shape
    F = _vec(f, args, vectorized)
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((M, d))
    v *= d0 / np.linalg.norm(v, axis=1, keepdims=True)
    Z = np.vstack([X, X + v])
    n_tr = int(round(t_transient / dt))
    n_run = int(round(t_total / dt))
    n_run -= n_run % renorm_every
    if n_run < renorm_every:
        raise ParameterError("t_total", t_total, f">= renorm_every*dt = {renorm_every * dt}", "lyapunov_max")

    def renorm(Z):
        delta = Z[M:] - Z[:M]
        dist = np.linalg.norm(delta, axis=1)
        if np.any(dist == 0) or not np.all(np.isfinite(dist)):
            raise ParameterError("d0", d0, "a separation that stays resolvable (trajectories merged or diverged "
                                 "to non-finite values)", "lyapunov_max")
        Z[M:] = Z[:M] + delta * (d0 / dist)[:, None]
        return np.log(dist / d0)

    for k in range(1, n_tr + 1):
        Z = _rk4_step(F, Z, dt)
        if k % renorm_every == 0:
            renorm(Z)
    if n_tr:
        renorm(Z)
    acc = np.zeros(M)
    n_rec = n_run // renorm_every
    running = np.empty(n_rec)
    for k in range(1, n_run + 1):
        Z = _rk4_step(F, Z, dt)
        if k % renorm_every == 0:
            acc += renorm(Z)
            running[k // renorm_every - 1] = acc[0] / (k * dt)
    members = acc / (n_run * dt)
    se = float(members.std(ddof=1) / np.sqrt(M)) if M > 1 else float("nan")
    times = dt * renorm_every * np.arange(1, n_rec + 1)
    return LyapunovResult(float(members.mean()), members, se, times, running)


def lyapunov_map(g: Callable, x0, n_iter: int, n_transient: int = 100, derivative: Callable | None = None,
                 d0: float = 1e-9, seed: int = 0) -> LyapunovResult:
    """Largest Lyapunov exponent of a map ``x_{n+1} = g(x_n)`` (per iteration, natural log).

    ``x0`` is a scalar/(M,) for 1-D maps (members side by side; ``g`` must be elementwise)
    or (M, d) for d-dimensional maps (``g`` maps (M, d) -> (M, d)). With ``derivative``
    (1-D maps: ``g'(x)`` elementwise) the exponent is ``mean ln|g'(x_n)|``; otherwise
    Benettin's method with separation ``d0`` renormalised every iteration. A member whose
    derivative is exactly zero at some iterate gives ``-inf`` (a superstable orbit).
    """
    X = np.asarray(x0, dtype=float)
    one_d = X.ndim <= 1
    X = X.reshape(-1, 1) if one_d else X
    if X.ndim != 2 or not np.all(np.isfinite(X)) or n_iter < 1 or n_transient < 0:
        raise ParameterError("x0/n_iter", (X.shape, n_iter), "finite states and n_iter >= 1", "lyapunov_map")
    M, d = X.shape
    G = (lambda Y: np.asarray(g(Y[:, 0]), dtype=float).reshape(-1, 1)) if one_d else (
        lambda Y: np.asarray(g(Y), dtype=float))
    for _ in range(int(n_transient)):
        X = G(X)
    acc = np.zeros(M)
    running = np.empty(int(n_iter))
    if derivative is not None and one_d:
        with np.errstate(divide="ignore"):
            for k in range(int(n_iter)):
                acc += np.log(np.abs(np.asarray(derivative(X[:, 0]), dtype=float)))
                X = G(X)
                running[k] = acc[0] / (k + 1)
    else:
        rng = np.random.default_rng(seed)
        v = rng.standard_normal((M, d))
        v *= d0 / np.linalg.norm(v, axis=1, keepdims=True)
        Y = X + v
        with np.errstate(divide="ignore"):
            for k in range(int(n_iter)):
                X, Y = G(X), G(Y)
                delta = Y - X
                dist = np.linalg.norm(delta, axis=1)
                acc += np.log(dist / d0)
                safe = np.where(dist > 0, dist, d0)
                Y = X + np.where(dist[:, None] > 0, delta * (d0 / safe)[:, None], v)
                running[k] = acc[0] / (k + 1)
    members = acc / n_iter
    fin = members[np.isfinite(members)]
    se = float(fin.std(ddof=1) / np.sqrt(fin.size)) if fin.size > 1 else float("nan")
    return LyapunovResult(float(members.mean()), members, se, np.arange(1, int(n_iter) + 1, dtype=float), running)

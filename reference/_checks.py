"""Small argument checks shared by the reference models.

Every check raises :class:`neuromorph.errors.ParameterError` naming the parameter, the
offending value and the allowed range, so a bad input never turns into a silent NaN
trajectory.
"""

from __future__ import annotations

import math

import numpy as np

from neuromorph.errors import ParameterError

__all__ = [
    "positive", "nonnegative", "finite", "check_dt", "stable_dt", "as_population",
    "same_shape", "in_range", "choice", "positive_int",
]


def _first_bad(arr: np.ndarray, mask: np.ndarray):
    bad = arr[mask].flat[0]
    return bad.item() if hasattr(bad, "item") else bad


def finite(name: str, value, context: str = "") -> np.ndarray:
    """Return ``value`` as a float array; raise unless every element is finite."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, value, "a finite real number or array", context) from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, _first_bad(arr, ~np.isfinite(arr)), "finite values (no NaN/inf)", context)
    return arr


def positive(name: str, value, context: str = "") -> np.ndarray:
    """Return ``value`` as a float array; raise unless every element is finite and > 0."""
    arr = finite(name, value, context)
    if np.any(arr <= 0):
        raise ParameterError(name, _first_bad(arr, arr <= 0), "> 0 and finite", context)
    return arr


def nonnegative(name: str, value, context: str = "") -> np.ndarray:
    """Return ``value`` as a float array; raise unless every element is finite and >= 0."""
    arr = finite(name, value, context)
    if np.any(arr < 0):
        raise ParameterError(name, _first_bad(arr, arr < 0), ">= 0 and finite", context)
    return arr


def in_range(name: str, value, lo: float, hi: float, context: str = "") -> np.ndarray:
    """Return ``value`` as a float array; raise unless lo <= value <= hi everywhere."""
    arr = finite(name, value, context)
    bad = (arr < lo) | (arr > hi)
    if np.any(bad):
        raise ParameterError(name, _first_bad(arr, bad), f"[{lo}, {hi}]", context)
    return arr


def positive_int(name: str, value, context: str = "", minimum: int = 1) -> int:
    """Return ``value`` as an int; raise unless it is an integer >= ``minimum``."""
    try:
        ok = float(value) == int(value) and int(value) >= minimum
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ParameterError(name, value, f"an integer >= {minimum}", context)
    return int(value)


def choice(name: str, value, allowed, context: str = ""):
    """Raise unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ParameterError(name, value, " or ".join(repr(a) for a in allowed), context)
    return value


def check_dt(dt, context: str = "") -> float:
    """Return ``dt`` as a float; raise unless it is finite and > 0."""
    if isinstance(dt, (list, tuple, np.ndarray)) and np.ndim(dt) != 0:
        raise ParameterError("dt", dt, "a scalar > 0", context)
    d = float(positive("dt", dt, context))
    return d


def stable_dt(dt: float, limit: float, context: str = "", rule: str = "") -> None:
    """Raise unless ``dt < limit`` (the stability limit of an explicit scheme).

    ``rule`` names where the limit comes from (e.g. ``"explicit Euler: dt < 2 tau_m"``).
    """
    if not (dt < limit) or math.isnan(limit):
        what = f"< {limit:g}" + (f" ({rule})" if rule else "")
        raise ParameterError("dt", dt, what, context)


def as_population(name: str, value, n: int | None = None, context: str = "") -> np.ndarray:
    """Return ``value`` as a finite 1-D float array (scalars broadcast to ``n``)."""
    arr = finite(name, value, context)
    if arr.ndim == 0:
        return np.full(1 if n is None else n, float(arr))
    if arr.ndim != 1:
        raise ParameterError(name, f"shape {arr.shape}", "a scalar or a 1-D array (one value per neuron)", context)
    if n is not None and arr.size != n:
        raise ParameterError(name, f"shape {arr.shape}", f"a scalar or shape ({n},)", context)
    return arr.copy()


def same_shape(name: str, arr: np.ndarray, shape: tuple, context: str = "") -> None:
    """Raise unless ``arr.shape == shape``."""
    if np.shape(arr) != tuple(shape):
        raise ParameterError(name, f"shape {np.shape(arr)}", f"shape {tuple(shape)}", context)

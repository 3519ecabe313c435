"""Fixed-point number formats: the one place where widths, wrap, saturation and rounding live.

Every function body uses only integer operators and NumPy ufuncs, so it runs on NumPy
arrays *and* on scalars; the ``jit`` namespace holds ``numba.njit`` versions of the same
bodies for use inside kernels (compiled on first use, cached on disk).

Rounding modes of :func:`shift_right` (divide by ``2**k``):

=============  =====================================================  ================
name           rule                                                   error bound
=============  =====================================================  ================
``floor``      ``x >> k`` (arithmetic shift)                          ``[0, 1)`` LSB below
``trunc``      toward zero: ``sign(x) * (|x| >> k)``                  ``< 1`` LSB
``half_away``  nearest, ties away from zero                           ``<= 1/2`` LSB
``half_up``    nearest, ties toward +inf: ``(x + 2**(k-1)) >> k``      ``<= 1/2`` LSB
``stochastic`` ``(x + r) >> k`` with ``r`` uniform in ``[0, 2**k)``   ``< 1`` LSB, unbiased
=============  =====================================================  ================

Every float -> register conversion of the compiler rounds half away from zero
(:func:`round_half_away` / :func:`rint`); docs/hardware-model.md §7 states it.

The stochastic mode takes its random bits from a Galois LFSR (:func:`lfsr_step`).
Polynomials (maximal length, period ``2**n - 1``):

* 16-bit: x^16 + x^14 + x^13 + x^11 + 1, Galois mask ``0xB400``
* 32-bit: x^32 + x^22 + x^2 + x + 1, Galois mask ``0x80200003``
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np

from .errors import ParameterError

ROUNDING_MODES = ("floor", "trunc", "half_away", "half_up", "stochastic")
LFSR16_MASK = 0xB400
LFSR32_MASK = 0x80200003


# -- ranges -----------------------------------------------------------------------------
def signed_range(bits: int) -> tuple[int, int]:
    """Inclusive range of a two's-complement ``bits``-bit integer."""
    if not 1 <= bits <= 63:
        raise ParameterError("bits", bits, "[1, 63]", "signed_range")
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def unsigned_range(bits: int) -> tuple[int, int]:
    """Inclusive range of an unsigned ``bits``-bit integer."""
    if not 0 <= bits <= 63:
        raise ParameterError("bits", bits, "[0, 63]", "unsigned_range")
    return 0, (1 << bits) - 1


# -- wrap and saturate --------------------------------------------------------------------
def wrap_signed(x, bits):
    """Two's-complement wrap of ``x`` into ``[-2**(bits-1), 2**(bits-1) - 1]``."""
    half = np.int64(1) << np.int64(bits - 1)
    mask = (np.int64(1) << np.int64(bits)) - np.int64(1)
    return ((x + half) & mask) - half


def wrap_once_asym(x, bits):
    """Loihi's u wrap: subtract ``2**bits`` if ``x > 2**(bits-1)``, add it if ``x <= -2**(bits-1)``.

    Applied once, so the result lies in ``(-2**(bits-1), 2**(bits-1)]`` only when ``|x|``
    was less than ``3 * 2**(bits-1)``.
    """
    half = np.int64(1) << np.int64(bits - 1)
    full = half + half
    return x - full * (x > half) + full * (x <= -half)


def saturate(x, lo, hi):
    """Clip ``x`` to ``[lo, hi]``."""
    return np.minimum(np.maximum(x, lo), hi)


def saturate_signed(x, bits):
    """Clip ``x`` to the signed ``bits``-bit range."""
    half = np.int64(1) << np.int64(bits - 1)
    return np.minimum(np.maximum(x, -half), half - np.int64(1))


def saturate_symmetric(x, bits):
    """Clip ``x`` to ``[-(2**(bits-1) - 1), 2**(bits-1) - 1]`` (Loihi's v)."""
    hi = (np.int64(1) << np.int64(bits - 1)) - np.int64(1)
    return np.minimum(np.maximum(x, -hi), hi)


# -- shifts with named rounding -----------------------------------------------------------
def shift_floor(x, k):
    """``floor(x / 2**k)`` for ``k >= 0``."""
    return x >> k


def shift_trunc(x, k):
    """``x / 2**k`` rounded toward zero, ``k >= 0``, for int64 ``x`` (array or scalar).

    Branch-free: negative values get ``2**k - 1`` added before the floor shift, which turns
    floor into ceiling for them. (The kernels use this exact body via :data:`jit`.)
    """
    return (x + ((x >> 63) & ((np.int64(1) << k) - 1))) >> k


def shift_half_away(x, k):
    """``x / 2**k`` rounded to nearest, ties away from zero, ``k >= 0``."""
    if k == 0:
        return x
    half = np.int64(1) << np.int64(k - 1)
    return np.sign(x) * ((np.abs(x) + half) >> k)


def shift_half_up(x, k):
    """``x / 2**k`` rounded to nearest, ties toward +inf, ``k >= 1`` (the learning and Izhikevich products)."""
    return (x + (np.int64(1) << np.int64(k - 1))) >> k


def shift_stochastic(x, k, r):
    """``floor((x + r) / 2**k)`` with ``r`` the low ``k`` bits of a random word (unbiased)."""
    mask = (np.int64(1) << np.int64(k)) - np.int64(1)
    return (x + (r & mask)) >> k


def shift_right(x, k: int, mode: str = "floor", rbits=None):
    """Divide by ``2**k`` with the named rounding ``mode`` (see module docstring)."""
    if k < 0:
        raise ParameterError("k", k, ">= 0", "shift_right")
    if mode == "floor":
        return shift_floor(x, k)
    if mode == "trunc":
        return shift_trunc(x, k)
    if mode == "half_away":
        return shift_half_away(x, k)
    if mode == "half_up":
        return x if k == 0 else shift_half_up(x, k)
    if mode == "stochastic":
        if rbits is None:
            raise ParameterError("rbits", None, "random bits (e.g. from lfsr_sequence)", "shift_right stochastic")
        return shift_stochastic(x, k, rbits)
    raise ParameterError("mode", mode, f"one of {ROUNDING_MODES}", "shift_right")


def shift_signed_exp(x, e):
    """``x * 2**e``: a left shift for ``e >= 0``, a floor right shift otherwise (Lava's scaling)."""
    if e >= 0:
        return x << e
    return x >> (-e)


def mul_trunc(x, f, k):
    """``trunc0(x * f / 2**k)`` with the product formed in 64 bits (Loihi's decay): :func:`shift_trunc`
    of the product (written out, so that the numba twin is self-contained)."""
    p = x * f
    return (p + ((p >> 63) & ((np.int64(1) << k) - 1))) >> k


def mul_floor(x, f, k):
    """``floor(x * f / 2**k)`` with the product formed in 64 bits (the STDP trace decay)."""
    return (x * f) >> k


def mul_saturate(x, y, lim):
    """``(x * y`` clipped to ``[-lim, lim]``, 1 if it clipped else 0``) for scalars; the product is
    never formed when it would leave ``[-lim, lim]``, so no intermediate overflows (Izhikevich, §2b)."""
    ax = abs(x)
    if ax != 0 and abs(y) > lim // ax:
        return (lim if (x > 0) == (y > 0) else -lim), 1
    return x * y, 0


def saturate_flag(x, lo, hi):
    """``(x`` clipped to ``[lo, hi]``, 1 if it clipped else 0``) for scalars."""
    if x > hi:
        return hi, 1
    if x < lo:
        return lo, 1
    return x, 0


# -- stored weights (docs/hardware-model.md §3.1) -------------------------------------------
WEIGHT_UNSIGNED, WEIGHT_NEGATED, WEIGHT_INT8, WEIGHT_RAW = 0, 1, 2, 3
"""How a stored synapse weight reads back as a signed mantissa: an unsigned byte (excitatory),
a negated unsigned byte (inhibitory), a two's-complement byte (mixed), or the raw value
(plastic W registers; every projection when ``weight_bits > 8``)."""


def read_weight(x, kind):
    """The signed mantissa (before ``<< weight_exp``) of a stored weight of the given kind (scalar)."""
    v = np.int64(x)
    if kind == WEIGHT_NEGATED:
        return -v
    if kind == WEIGHT_INT8 and v >= 128:
        return v - 256
    return v


def read_weights(x, kind):
    """:func:`read_weight` over an array of stored weights of one kind."""
    v = np.asarray(x).astype(np.int64)
    if kind == WEIGHT_NEGATED:
        return -v
    if kind == WEIGHT_INT8:
        return np.where(v >= 128, v - 256, v)
    return v


# -- counter-based random numbers -------------------------------------------------------------
def splitmix64(x):
    """SplitMix64 finaliser (Steele et al. 2014) on uint64 (wrapping arithmetic); arrays or scalars.

    NumPy scalars warn on the (intended) wraparound: call under ``np.errstate(over="ignore")``.
    """
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


# -- LFSR -----------------------------------------------------------------------------------
def lfsr_step(state, mask):
    """One step of a Galois LFSR (right-shifting): returns the next nonzero state."""
    lsb = state & 1
    state = state >> 1
    return state ^ (mask * lsb)


def lfsr_sequence(seed: int, n: int, bits: int = 32) -> np.ndarray:
    """``n`` successive states of the ``bits``-bit LFSR (16 or 32) after ``seed`` (nonzero)."""
    mask = {16: LFSR16_MASK, 32: LFSR32_MASK}.get(bits)
    if mask is None:
        raise ParameterError("bits", bits, "16 or 32", "lfsr_sequence")
    lo, hi = 1, (1 << bits) - 1
    if not lo <= seed <= hi:
        raise ParameterError("seed", seed, f"[{lo}, {hi}] (an LFSR state must be nonzero)", "lfsr_sequence")
    return jit.lfsr_fill(np.int64(seed), np.int64(mask), np.int64(n))


def _lfsr_fill(state, mask, n):
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        lsb = state & 1
        state = (state >> 1) ^ (mask * lsb)
        out[i] = state
    return out


# -- mantissa / exponent encoders --------------------------------------------------------
def encode_mant_exp(x, mant_lo: int, mant_hi: int, exp_min: int, exp_max: int, name: str = "value"):
    """Encode each element of ``x`` as ``mant * 2**exp`` with the smallest exponent that fits.

    Mantissa rounding is to nearest (ties away from zero). Returns int64 arrays
    ``(mant, exp)``. Raises :class:`ParameterError` naming ``name`` if a value needs
    an exponent above ``exp_max``.
    """
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ParameterError(name, x[~np.isfinite(x)].flat[0], "finite values")
    exp = np.full(x.shape, exp_min, dtype=np.int64)
    unset = np.ones(x.shape, dtype=bool)
    for e in range(exp_min, exp_max + 1):
        m = round_half_away(x / 2.0**e)
        fits = unset & (m >= mant_lo) & (m <= mant_hi)
        exp = np.where(fits, e, exp)
        unset &= ~fits
    if np.any(unset):
        bad = x[unset].flat[0]
        raise ParameterError(name, float(bad), f"|value| <= {max(-mant_lo, mant_hi)} * 2**{exp_max}")
    mant = round_half_away(x / 2.0**exp).astype(np.int64)
    return mant, exp


def encode_shared_exp(x, mant_lo: int, mant_hi: int, exp_min: int, exp_max: int, name: str = "values"):
    """Encode all of ``x`` with one exponent: the smallest in range for which every mantissa fits."""
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ParameterError(name, x[~np.isfinite(x)].flat[0], "finite values")
    for e in range(exp_min, exp_max + 1):
        m = round_half_away(x / 2.0**e)
        if m.size == 0 or (m.min() >= mant_lo and m.max() <= mant_hi):
            return m.astype(np.int64), e
    worst = float(x.flat[np.argmax(np.abs(x))])
    raise ParameterError(name, worst, f"|value| <= {max(-mant_lo, mant_hi)} * 2**{exp_max}")


def round_half_away(x):
    """Round to nearest, halves away from zero (symmetric in sign); float in, float out."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def rint(x):
    """The compiler's one float -> register rounding: :func:`round_half_away` as an int64 array,
    or a Python int for a scalar."""
    r = round_half_away(np.asarray(x, dtype=float))
    return r.astype(np.int64) if np.ndim(r) else int(r)


# -- float <-> fixed ---------------------------------------------------------------------
def to_fixed(x, frac_bits: int, bits: int, rounding: str = "half_away", overflow: str = "saturate"):
    """Quantize real ``x`` to a signed ``bits``-bit integer with ``frac_bits`` fraction bits.

    Returns int64 ``q`` with ``q * 2**-frac_bits ≈ x``. ``overflow`` is 'saturate',
    'wrap' or 'raise'. The error bound is :func:`quantization_error_bound`.
    """
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ParameterError("x", x[~np.isfinite(x)].flat[0], "finite values", "to_fixed")
    y = x * 2.0**frac_bits
    if rounding == "half_away":
        q = round_half_away(y)
    elif rounding == "floor":
        q = np.floor(y)
    elif rounding == "trunc":
        q = np.trunc(y)
    else:
        raise ParameterError("rounding", rounding, "'half_away', 'floor' or 'trunc'", "to_fixed")
    lo, hi = signed_range(bits)
    if overflow == "raise":
        if q.size and (q.min() < lo or q.max() > hi):
            raise ParameterError("x", float(x.flat[np.argmax(np.abs(x))]),
                                 f"[{lo * 2.0**-frac_bits}, {hi * 2.0**-frac_bits}]", "to_fixed")
        return q.astype(np.int64)
    q = np.clip(q, -2.0**62, 2.0**62).astype(np.int64)
    if overflow == "saturate":
        return saturate(q, lo, hi)
    if overflow == "wrap":
        return wrap_signed(q, bits)
    raise ParameterError("overflow", overflow, "'saturate', 'wrap' or 'raise'", "to_fixed")


def from_fixed(q, frac_bits: int) -> np.ndarray:
    """The real value ``q * 2**-frac_bits`` (float64)."""
    return np.asarray(q, dtype=float) * 2.0**-frac_bits


def quantization_error_bound(frac_bits: int, rounding: str = "half_away") -> float:
    """Largest ``|from_fixed(to_fixed(x)) - x|`` for in-range ``x``."""
    lsb = 2.0**-frac_bits
    if rounding == "half_away":
        return lsb / 2
    if rounding in ("floor", "trunc"):
        return lsb * (1 - 2.0**-53) if math.isfinite(lsb) else lsb
    raise ParameterError("rounding", rounding, "'half_away', 'floor' or 'trunc'", "quantization_error_bound")


# -- numba versions of the same bodies (compiled lazily, cached) ------------------------------
def _make_jit():
    from numba import njit

    def j(f):
        return njit(cache=True, inline="always")(f)

    mod = ModuleType(f"{__name__}.jit", "numba twins of neuromorph.fixedpoint's rules (same bodies)")
    mod.__dict__.update(dict(
        wrap_signed=j(wrap_signed),
        wrap_once_asym=j(wrap_once_asym),
        saturate=j(saturate),
        saturate_signed=j(saturate_signed),
        saturate_symmetric=j(saturate_symmetric),
        shift_floor=j(shift_floor),
        shift_trunc=j(shift_trunc),
        shift_half_up=j(shift_half_up),
        shift_stochastic=j(shift_stochastic),
        mul_trunc=j(mul_trunc),
        mul_floor=j(mul_floor),
        mul_saturate=j(mul_saturate),
        saturate_flag=j(saturate_flag),
        read_weight=j(read_weight),
        splitmix64=j(splitmix64),
        lfsr_step=j(lfsr_step),
        lfsr_fill=njit(cache=True)(_lfsr_fill),
    ))
    return mod


class _LazyJit:
    """Attribute access builds the numba twins on first use (keeps ``import`` cheap)."""

    _ns = None

    def __getattr__(self, name):
        return getattr(jit_module(), name)


def jit_module() -> ModuleType:
    """The numba twins as a module object: kernels bind it to a global (numba resolves a
    module's attributes inside compiled code, not those of other objects)."""
    if _LazyJit._ns is None:
        _LazyJit._ns = _make_jit()
    return _LazyJit._ns


jit = _LazyJit()

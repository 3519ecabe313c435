"""Fixed-point formats: hand cases, closed forms, and hypothesis against Python's exact integers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from neuromorph import fixedpoint as fp
from neuromorph.errors import ParameterError

ints = st.integers(min_value=-(2**40), max_value=2**40)


def test_ranges():
    assert fp.signed_range(8) == (-128, 127)
    assert fp.unsigned_range(12) == (0, 4095)
    with pytest.raises(ParameterError, match="bits"):
        fp.signed_range(0)


@pytest.mark.parametrize("x,bits,expected", [(127, 8, 127), (128, 8, -128), (-129, 8, 127), (256, 8, 0),
                                             (2**23, 24, -(2**23))])
def test_wrap_signed_hand_cases(x, bits, expected):
    assert fp.wrap_signed(np.int64(x), bits) == expected
    assert fp.jit.wrap_signed(np.int64(x), bits) == expected


@pytest.mark.parametrize("x,expected", [(2**23, 2**23), (2**23 + 1, 2**23 + 1 - 2**24), (-(2**23), 2**23),
                                        (-(2**23) + 1, -(2**23) + 1), (3 * 2**23, 2**23)])
def test_loihi_asymmetric_wrap(x, expected):
    # (-2^23, 2^23]: +2^23 is kept, -2^23 becomes +2^23, applied once only
    assert fp.wrap_once_asym(np.int64(x), 24) == expected
    assert fp.jit.wrap_once_asym(np.int64(x), 24) == expected


def test_saturation_bounds():
    assert fp.saturate_signed(np.int64(40000), 16) == 32767
    assert fp.saturate_signed(np.int64(-40000), 16) == -32768
    assert fp.saturate_symmetric(np.int64(-(2**30)), 24) == -(2**23 - 1)
    assert fp.jit.saturate_symmetric(np.int64(2**30), 24) == 2**23 - 1


@settings(max_examples=300, deadline=None)
@given(ints, st.integers(0, 20))
def test_shift_modes_match_exact_rational_rounding(x, k):
    from fractions import Fraction
    q = Fraction(x, 2**k)
    assert fp.shift_right(np.int64(x), k, "floor") == math.floor(q)
    assert fp.shift_right(np.int64(x), k, "trunc") == int(q)            # int() truncates toward zero
    away = math.floor(abs(q) + Fraction(1, 2)) * (1 if x >= 0 else -1)
    assert fp.shift_right(np.int64(x), k, "half_away") == away
    assert fp.jit.shift_trunc(np.int64(x), k) == int(q)
    assert fp.mul_trunc(np.int64(x), np.int64(3), k) == int(Fraction(3 * x, 2**k))


def test_shift_vectorised_and_named_errors():
    x = np.array([-5, -4, -3, 3, 4, 5], dtype=np.int64)
    assert fp.shift_right(x, 1, "trunc").tolist() == [-2, -2, -1, 1, 2, 2]
    assert fp.shift_right(x, 1, "floor").tolist() == [-3, -2, -2, 1, 2, 2]
    assert fp.shift_right(x, 1, "half_away").tolist() == [-3, -2, -2, 2, 2, 3]
    with pytest.raises(ParameterError, match="mode"):
        fp.shift_right(x, 1, "banker")
    with pytest.raises(ParameterError, match="rbits"):
        fp.shift_right(x, 1, "stochastic")


def test_stochastic_rounding_is_unbiased_over_lfsr_bits():
    r = fp.lfsr_sequence(0xACE1, 1 << 16, bits=32)
    x = np.full(r.size, 5, dtype=np.int64)            # 5 / 4 = 1.25
    y = fp.shift_right(x, 2, "stochastic", rbits=r)
    assert set(np.unique(y)) == {1, 2}
    assert abs(y.mean() - 1.25) < 0.01


def test_lfsr16_is_maximal_length():
    seq = fp.lfsr_sequence(1, 65535, bits=16)
    assert np.unique(seq).size == 65535                # every nonzero state once
    assert seq[-1] == 1                                # period 2^16 - 1
    with pytest.raises(ParameterError, match="seed"):
        fp.lfsr_sequence(0, 10, bits=16)


def test_encode_mant_exp_smallest_exponent():
    m, e = fp.encode_mant_exp([1.0, 5000.0, -70000.0, 0.0], -4096, 4095, 0, 7)
    assert m.tolist() == [1, 2500, -2188, 0] and e.tolist() == [0, 1, 5, 0]
    with pytest.raises(ParameterError, match="bias"):
        fp.encode_mant_exp([1e9], -4096, 4095, 0, 7, name="bias")


def test_encode_shared_exp():
    m, e = fp.encode_shared_exp([10.0, 300.0, -20.0], -256, 255, 0, 7)
    assert e == 1 and m.tolist() == [5, 150, -10]


@settings(max_examples=200, deadline=None)
@given(st.floats(-1000, 1000, allow_nan=False), st.integers(0, 20))
def test_to_fixed_error_bound(x, frac):
    q = fp.to_fixed(x, frac, 40)
    assert abs(fp.from_fixed(q, frac) - x) <= fp.quantization_error_bound(frac) + 1e-12


def test_to_fixed_overflow_modes():
    assert fp.to_fixed(200.0, 0, 8) == 127
    assert fp.to_fixed(200.0, 0, 8, overflow="wrap") == 200 - 256
    with pytest.raises(ParameterError, match="x"):
        fp.to_fixed(200.0, 0, 8, overflow="raise")
    with pytest.raises(ParameterError):
        fp.to_fixed(float("nan"), 0, 8)


# -- the rules the kernels take from fixedpoint: NumPy body == numba twin == exact definition ---------
@settings(max_examples=300, deadline=None)
@given(ints, st.integers(1, 20), st.integers(0, 2**16))
def test_half_up_and_products_match_exact_rationals(x, k, f):
    from fractions import Fraction
    q = Fraction(x, 2**k)
    half_up = math.floor(q + Fraction(1, 2))                     # nearest, ties toward +inf
    assert fp.shift_half_up(np.int64(x), k) == half_up == fp.jit.shift_half_up(np.int64(x), k)
    assert fp.shift_right(np.int64(x), k, "half_up") == half_up
    assert fp.mul_trunc(np.int64(x), np.int64(f), k) == int(Fraction(x * f, 2**k)) == fp.jit.mul_trunc(
        np.int64(x), np.int64(f), k)
    assert fp.mul_floor(np.int64(x), np.int64(f), k) == math.floor(Fraction(x * f, 2**k)) == fp.jit.mul_floor(
        np.int64(x), np.int64(f), k)


@settings(max_examples=300, deadline=None)
@given(st.integers(-(2**40), 2**40), st.integers(-(2**40), 2**40), st.sampled_from([2**47 - 1, 2**61 - 1, 1000]))
def test_mul_saturate_never_overflows(x, y, lim):
    exact = x * y
    want = (max(-lim, min(lim, exact)), int(abs(exact) > lim))
    assert fp.mul_saturate(x, y, lim) == want
    assert tuple(fp.jit.mul_saturate(np.int64(x), np.int64(y), np.int64(lim))) == want


@pytest.mark.parametrize("x,lo,hi,want", [(5, -3, 4, (4, 1)), (-9, -3, 4, (-3, 1)), (4, -3, 4, (4, 0)),
                                          (-3, -3, 4, (-3, 0)), (0, 0, 0, (0, 0))])
def test_saturate_flag_hand_cases(x, lo, hi, want):
    assert fp.saturate_flag(x, lo, hi) == want
    assert tuple(fp.jit.saturate_flag(np.int64(x), np.int64(lo), np.int64(hi))) == want


@pytest.mark.parametrize("kind,stored,want", [(fp.WEIGHT_UNSIGNED, 200, 200), (fp.WEIGHT_NEGATED, 200, -200),
                                              (fp.WEIGHT_INT8, 127, 127), (fp.WEIGHT_INT8, 128, -128),
                                              (fp.WEIGHT_INT8, 255, -1), (fp.WEIGHT_RAW, -32768, -32768)])
def test_stored_weights_read_back_as_mantissas(kind, stored, want):
    assert fp.read_weight(stored, kind) == want == fp.jit.read_weight(np.int64(stored), kind)
    assert fp.read_weights(np.array([stored, stored]), kind).tolist() == [want, want]


def test_splitmix64_reference_values_and_twin():
    # Steele, Lea & Flood (2014) SplitMix64 finaliser of the state after one increment from seed 0
    # and from seed 1 (reference C implementation's first outputs of splitmix64 with x = 0 and x = 1)
    want = [0xE220A8397B1DCDAF, 0x910A2DEC89025CC1]
    got = fp.splitmix64(np.array([0, 1], np.uint64))
    assert got.tolist() == want
    assert [int(fp.jit.splitmix64(np.uint64(i))) for i in (0, 1)] == want


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_rint_is_half_away_from_zero(x):
    from fractions import Fraction
    q = Fraction(x)
    want = math.floor(abs(q) + Fraction(1, 2)) * (1 if q >= 0 else -1)
    assert fp.rint(x) == want and isinstance(fp.rint(x), int)
    assert fp.rint(2.5) == 3 and fp.rint(-2.5) == -3 and fp.rint(0.5) == 1     # not Python's round (2, -2, 0)
    assert fp.rint(np.array([x])).tolist() == [want]

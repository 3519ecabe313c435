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

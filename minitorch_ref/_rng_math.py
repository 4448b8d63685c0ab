"""The exact float arithmetic of torch's CPU random kernels, in NumPy.

Bit-identical random numbers need more than the same random bits: the arithmetic that turns
bits into floats must round the same way. Two things in torch's compiled kernels differ from
plain NumPy arithmetic:

- `x * (to - from) + from` and `n * std + mean` are compiled to one fused multiply-add (FMA):
  a single rounding, where NumPy's `x * y + z` rounds twice. `fma32` and `fma64` emulate it.
- float32 normals (`normal_fill_AVX2`, tensors of >= 16 elements) use the Cephes-style
  polynomials of `avx_mathfun.h` (`log256_ps`, `sincos256_ps`), not the C library's
  `logf`/`sinf`/`cosf`; `log256` and `sincos256` repeat them step by step in float32,
  with the multiply-adds that the compiler fuses fused here too.

These are the kernels that pay (they make the reference rule in `_generator.py` exact); read
`_generator.py` first.
"""
from __future__ import annotations

import numpy as np

_F32 = np.float32


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma32(a, b, c, maybe_tiny: bool = True) -> np.ndarray:
    """float32 a*b + c rounded once. In float64 the product is exact (24 + 24 bits) and the sum is
    rounded once; rounding that again to float32 can only go wrong when the float64 sum lies exactly
    halfway between two float32 numbers (or below float32's normal range). Those few sums are redone
    with round-to-odd (nudged one float64 step towards the exact value when inexact), which makes
    the second rounding exact. `maybe_tiny=False` skips the below-normal check where the result is
    known to be far from zero (the polynomial steps)."""
    a, b, c = (np.asarray(v, _F32) for v in (a, b, c))
    total = np.multiply(a, b, dtype=np.float64)
    total += c
    out = total.astype(_F32)
    flat_total = total.reshape(-1)
    suspicious = (flat_total.view(np.uint64) & 0x1FFFFFFF) == 0x10000000
    if maybe_tiny:
        suspicious |= np.abs(flat_total) < 2.0 ** -125
    if suspicious.any():
        i = np.flatnonzero(suspicious)
        a, b, c = (np.broadcast_to(v, total.shape).reshape(-1)[i] if v.size > 1 else v.reshape(-1) for v in (a, b, c))
        s, err = _two_sum(np.multiply(a, b, dtype=np.float64), c.astype(np.float64))
        s = np.where(err != 0, np.nextafter(s, s + err), s)
        out.reshape(-1)[i] = s.astype(_F32)
    return out


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = 134217729.0 * a  # Veltkamp: 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def fma64(a, b, c) -> np.ndarray:
    """float64 a*b + c rounded once (Boldo and Melquiond's emulation: exact product and sum, then
    the small parts added with round-to-odd, then one round-to-nearest). Finite values of moderate
    size, as random numbers are."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, c)))
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a*b == p + p_err exactly
    s, s_err = _two_sum(c, p)
    v, v_err = _two_sum(s_err, p_err)
    inexact_even = (v_err != 0) & ((v.view(np.uint64) & 1) == 0)
    v = np.where(inexact_even, np.nextafter(v, v + v_err), v)  # round to odd
    return s + v


# ---------------------------------------------------------------------------- avx_mathfun.h, in float32
_LOG_P = [7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
          -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1]
_MIN_NORM = np.array(0x00800000, np.int32).view(_F32)


def log256(x: np.ndarray) -> np.ndarray:
    """`log256_ps`: split x = m * 2**e with m in [sqrt(1/2), sqrt(2)), then a degree-9 polynomial in m - 1."""
    invalid = x <= 0
    x = np.maximum(x, _MIN_NORM)
    e = ((x.view(np.int32) >> 23) - 0x7F).astype(_F32) + _F32(1)
    x = ((x.view(np.int32) & ~0x7F800000) | np.int32(0x3F000000)).view(_F32)  # mantissa, in [0.5, 1)
    small = x < _F32(0.707106781186547524)
    x = (x - _F32(1)) + np.where(small, x, _F32(0))  # x + x - 1 when small, else x - 1
    e = e - np.where(small, _F32(1), _F32(0))
    z = x * x
    y = np.full_like(x, _F32(_LOG_P[0]))
    for coefficient in _LOG_P[1:]:
        y = fma32(y, x, coefficient, False)
    y = y * x
    y = fma32(y, z, e * _F32(-2.12194440e-4))
    y = y - z * _F32(0.5)
    x = fma32(e, _F32(0.693359375), x + y)
    x[invalid] = np.nan
    return x


def sincos256(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`sincos256_ps`: reduce |x| by multiples of pi/4 (in three pieces, exactly), then one polynomial
    for sine and one for cosine, each picked and signed by the octant."""
    sign_sin = x.view(np.int32) & np.int32(-0x80000000)
    x = np.abs(x)
    octant = ((x * _F32(1.27323954473516)).astype(np.int32) + 1) & ~1  # 4/pi; j = (j + 1) & ~1
    y = octant.astype(_F32)
    sign_sin = sign_sin ^ ((octant & 4) << 29)
    sign_cos = (~(octant - 2) & 4) << 29
    use_sin_poly = (octant & 2) == 0
    x = fma32(y, _F32(-0.78515625), x)
    x = fma32(y, _F32(-2.4187564849853515625e-4), x)
    x = fma32(y, _F32(-3.77489497744594108e-8), x)
    z = x * x
    c = fma32(np.full_like(x, _F32(2.443315711809948E-005)), z, _F32(-1.388731625493765E-003), False)
    c = fma32(c, z, _F32(4.166664568298827E-002), False)
    c = fma32(c * z, z, -(z * _F32(0.5)), False) + _F32(1)
    s = fma32(np.full_like(x, _F32(-1.9515295891E-4)), z, _F32(8.3321608736E-3), False)
    s = fma32(s, z, _F32(-1.6666654611E-1), False)
    s = fma32(s * z, x, x)
    sine = np.where(use_sin_poly, s, c)
    cosine = np.where(use_sin_poly, c, s)
    return (sine.view(np.int32) ^ sign_sin).view(_F32), (cosine.view(np.int32) ^ sign_cos).view(_F32)

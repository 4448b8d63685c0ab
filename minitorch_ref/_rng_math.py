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
`_generator.py` first. `box_muller_avx2`, at the end, is float32 `normal_fill` made fast: the
same arithmetic as `log256`, `sincos256` and `_generator._box_muller_16`, reorganised, and
tested equal to them for every possible input.
"""
from __future__ import annotations

import functools
import math
import threading

import numpy as np

_F32 = np.float32


_PIECE = 1 << 14  # elements per piece in `_in_pieces` (measured best)


def _in_pieces(fma):
    """Run an elementwise `fma(a, b, c, ...)` over pieces of `_PIECE` elements: its dozens of
    temporaries then stay small (in the CPU cache, reused by the allocator, no fresh pages to fault
    in), which on large arrays is several times faster. Scalars stay scalars."""
    @functools.wraps(fma)
    def run(a, b, c, *args):
        a, b, c = (np.asarray(v) for v in (a, b, c))
        if max(a.size, b.size, c.size) <= _PIECE:  # small operands: one call (correct for any broadcast)
            return fma(a, b, c, *args)
        shape = np.broadcast_shapes(a.shape, b.shape, c.shape)
        n = math.prod(shape)
        flat = [v.reshape(-1) if v.size == 1 or v.shape == shape else np.broadcast_to(v, shape).reshape(-1)
                for v in (a, b, c)]
        out = None
        for start in range(0, n, _PIECE):
            piece = fma(*(v if v.size == 1 else v[start:start + _PIECE] for v in flat), *args)
            if out is None:
                out = np.empty(n, piece.dtype)
            out[start:start + _PIECE] = piece
        return out.reshape(shape)
    return run


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


@_in_pieces
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
    bits = total.reshape(-1).view(np.uint64)
    suspicious = (bits & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)  # the 29 bits float32 drops: 1 then 0s
    if maybe_tiny:  # |total| < 2**-125: the exponent bits (the sign shifted out) below 1023 - 125
        suspicious |= (bits << np.uint64(1)) < np.uint64(1023 - 125 << 53)
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


@_in_pieces
def fma64(a, b, c) -> np.ndarray:
    """float64 a*b + c rounded once (Boldo and Melquiond's emulation: exact product and sum, then
    the small parts added with round-to-odd, then one round-to-nearest). Finite values of moderate
    size, as random numbers are."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a*b == p + p_err exactly
    s, s_err = _two_sum(c, p)
    v, v_err = _two_sum(s_err, p_err)
    return s + _round_to_odd(v, v_err)


def _round_to_odd(v: np.ndarray, v_err: np.ndarray) -> np.ndarray:
    """v + v_err (v rounded to nearest, v_err its error) rounded to odd: when inexact and v's last
    bit is even, the float one step from v towards v + v_err (a step of the bits: +1 moves away
    from zero, -1 towards it), which is odd."""
    bits = np.asarray(v).view(np.int64)
    step = ((bits ^ np.asarray(v_err).view(np.int64)) >> 63) | 1  # +1 when v_err has v's sign, else -1
    inexact_even = (v_err != 0) & ((bits & 1) == 0)
    return (bits + step * inexact_even).view(np.float64)


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


# ---------------------------------------------------------------------------- the same, fast (float32 normal_fill)
_TWO_PI_24 = _F32(2.0 * np.pi) * _F32(2.0 ** -24)  # 2*pi*u = (2*pi * 2**-24) * k, the same rounding
_LOG_P64 = [np.float64(_F32(c)) for c in _LOG_P]  # the float32 coefficients, held exactly in float64
_COS_P64 = [np.float64(_F32(c)) for c in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
_SIN_P64 = [np.float64(_F32(c)) for c in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_LANES = 1 << 15  # radii (and angles) per pass through the reused buffers (measured best)
_HALF = np.dtype((np.void, 32))  # 8 lanes of 4 bytes as one item: half a block of 16, copied whole


class _Buffers:
    """Scratch arrays for one pass of `box_muller_avx2`, reused pass after pass (no temporaries)."""

    def __init__(self, lanes: int) -> None:
        self.x, self.y, self.z, self.e, self.a, self.b, self.radius = (np.empty(lanes, _F32) for _ in range(7))
        self.k, self.i, self.j = (np.empty(lanes, np.int32) for _ in range(3))
        self.t, self.x64 = np.empty(lanes), np.empty(lanes)
        self.flag, self.flag2 = np.empty(lanes, np.bool_), np.empty(lanes, np.bool_)

    def cut(self, lanes: int) -> "_Buffers":
        part = object.__new__(_Buffers)
        part.__dict__.update({name: array[:lanes] for name, array in self.__dict__.items()})
        return part


_SCRATCH = threading.local()  # each thread's `_Buffers`, kept between calls (about 1.9 MB)


def _scratch(lanes: int) -> _Buffers:
    """This thread's buffers, at least `lanes` long: kept, because fresh pages cost more to fault
    in than the work done on them."""
    buffers = getattr(_SCRATCH, "buffers", None)
    if buffers is None or len(buffers.x) < lanes:
        buffers = _SCRATCH.buffers = _Buffers(lanes)
    return buffers


def _fma_to(y32: np.ndarray, t: np.ndarray) -> np.ndarray:
    """y32 = float32(t): the one rounding of a float32 FMA whose exact value t holds (see `box_muller_avx2`)."""
    y32[...] = t
    return y32


def _radius(k: np.ndarray, r: _Buffers) -> np.ndarray:
    """sqrt(-2 log(1 - u)) into r.radius, for u = k * 2**-24 (k: the draws' low 24 bits): `log256` step by step."""
    x, y, z, e, t, bits, x64 = r.x, r.y, r.z, r.e, r.t, r.i, r.x64
    np.bitwise_and(k, 0xFFFFFF, out=bits)
    np.subtract(1 << 24, bits, out=bits)  # 1 - u = bits * 2**-24, bits in [1, 2**24]
    x[...] = bits  # exact: 1 - u, with 24 added to its exponent
    # 1 - u = 2**e * v with v in [sqrt(1/2), sqrt(2)): log256's mantissa m in [0.5, 1), doubled (and e
    # lowered by one) when m < sqrt(1/2), done on the bits in one go: the carry out of the added
    # mantissa bits happens exactly when m >= sqrt(1/2)
    np.add(x.view(np.int32), 0x3F800000 - 0x3F3504F3, out=bits)
    np.right_shift(bits, 23, out=r.j)
    e[...] = r.j
    e -= _F32(0x7F + 24)
    bits &= 0x007FFFFF
    bits += 0x3F3504F3
    np.subtract(bits.view(_F32), _F32(1), out=x)  # v - 1, exact
    np.multiply(x, x, out=z)
    x64[...] = x
    np.multiply(x64, _LOG_P64[0], out=t)
    for coefficient in _LOG_P64[1:]:  # y = fma(y, x, c): exact product and sum in float64, one rounding
        t += coefficient
        _fma_to(y, t)
        if coefficient is not _LOG_P64[-1]:
            np.multiply(y, x64, out=t)
    y *= x
    np.multiply(y, z, out=t, dtype=np.float64)  # y = fma(y, z, e * -2.12194440e-4)
    np.multiply(e, _F32(-2.12194440e-4), out=r.a)
    t += r.a
    _fma_to(y, t)
    np.multiply(z, _F32(0.5), out=r.a)
    y -= r.a
    y += x
    np.multiply(e, _F32(0.693359375), out=r.a)  # fma(e, ln2_hi, x + y): the product is exact
    np.add(y, r.a, out=r.radius)
    r.radius *= _F32(-2)
    return np.sqrt(r.radius, out=r.radius)


def _sincos_times_radius(k: np.ndarray, r: _Buffers) -> tuple[np.ndarray, np.ndarray]:
    """radius * cos and radius * sin of 2*pi*u (in r.a and r.b), for u = k * 2**-24: `sincos256` step by step."""
    x, y, z, j, t, x64 = r.x, r.y, r.z, r.j, r.t, r.x64
    np.bitwise_and(k, 0xFFFFFF, out=j)
    x[...] = j
    x *= _TWO_PI_24  # the angle, >= 0: the sine's input sign is +
    np.multiply(x, _F32(1.27323954473516), out=y)
    j[...] = y  # truncate, as _mm256_cvttps_epi32
    j += 1
    j &= ~1  # octant, even: 0, 2, 4, 6 or 8
    y[...] = j
    np.multiply(y, _F32(0.78515625), out=z)  # x - y * pi/4 in three pieces; the first two products are exact
    x -= z
    np.multiply(y, _F32(2.4187564849853515625e-4), out=z)
    x -= z
    np.multiply(y, np.float64(_F32(-3.77489497744594108e-8)), out=t)  # the last one is an FMA
    x64[...] = x
    t += x64
    _fma_to(x, t)
    np.multiply(x, x, out=z)
    z64 = x64
    z64[...] = z
    c, s = r.a, r.b
    np.multiply(z64, _COS_P64[0], out=t)  # cosine polynomial
    t += _COS_P64[1]
    np.multiply(_fma_to(c, t), z64, out=t)
    t += _COS_P64[2]
    np.multiply(_fma_to(c, t), z, out=c)
    np.multiply(c, z64, out=t)
    np.multiply(z, _F32(0.5), out=y)
    t -= y
    _fma_to(c, t)
    c += _F32(1)
    np.multiply(z64, _SIN_P64[0], out=t)  # sine polynomial
    t += _SIN_P64[1]
    np.multiply(_fma_to(s, t), z64, out=t)
    t += _SIN_P64[2]
    np.multiply(_fma_to(s, t), z, out=s)
    x64[...] = x
    np.multiply(s, x64, out=t)
    t += x64
    _fma_to(s, t)
    c *= r.radius  # times the radius first: a sign flip or a swap commutes with the product
    s *= r.radius
    # the octant's bits, moved to the top: bit 31 of j << 29 is the sine's sign (octants 4, 6), bit 30
    # says the polynomials trade places (octants 2, 6), and their xor is the cosine's sign (octants 2, 4)
    c_bits, s_bits, octant, shifted, trade = c.view(np.int32), s.view(np.int32), r.i, j, y.view(np.int32)
    np.left_shift(j, 29, out=octant)
    np.left_shift(octant, 1, out=shifted)
    np.bitwise_xor(c_bits, s_bits, out=trade)
    trade &= np.right_shift(shifted, 31, out=z.view(np.int32))
    c_bits ^= trade
    s_bits ^= trade
    shifted ^= octant
    shifted &= np.int32(-0x80000000)
    c_bits ^= shifted
    octant &= np.int32(-0x80000000)
    s_bits ^= octant
    return c, s


def _times_std_plus_mean(n: np.ndarray, std: float, mean: float, r: _Buffers) -> None:
    """n = n * std + mean in place, rounded once (torch's FMA): `fma32`'s method on the kernel's
    buffers. The float64 product is exact and the sum rounds once; only where that float64 sum lies
    exactly halfway between two float32 numbers (or below float32's normal range) could the
    rounding to float32 differ, and `fma32` redoes those few lanes."""
    t, bits, redo, tiny = r.t, r.x64.view(np.uint64), r.flag, r.flag2
    r.x64[...] = n
    np.multiply(r.x64, np.float64(_F32(std)), out=t)
    t += np.float64(_F32(mean))
    np.bitwise_and(t.view(np.uint64), 0x1FFFFFFF, out=bits)  # the 29 bits that float32 drops
    np.equal(bits, 0x10000000, out=redo)  # halfway: 1 then 0s
    np.left_shift(t.view(np.uint64), 1, out=bits)  # the exponent, the sign shifted out
    redo |= np.less(bits, np.uint64(1023 - 125 << 53), out=tiny)
    lanes = np.flatnonzero(redo)
    exact = fma32(n[lanes], _F32(std), _F32(mean)) if len(lanes) else None
    n[...] = t
    if exact is not None:
        n[lanes] = exact


def box_muller_avx2(draws: np.ndarray, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """float32 normals from whole blocks of 16 32-bit draws: `_generator._box_muller_16` applied to
    the uniforms u = (draw & 0xFFFFFF) * 2**-24, with the very arithmetic of `log256` and
    `sincos256`, reorganised to cost less (tested equal to them, bit for bit, for every input):

    - passes of `_LANES` values through buffers kept between calls, in-place ufuncs, no temporaries; half
      blocks of 8 lanes are moved as single 32-byte items, and 1 - u and 2*pi*u are made from
      the integers k directly (exactly: every step only scales by a power of two);
    - each float32 FMA is computed exactly in float64 (a product of two float32 numbers is exact
      there) and rounded once to float32, without `fma32`'s check for a sum that falls exactly
      halfway between two float32 numbers: with only 2**24 possible inputs,
      `test_fast_box_muller_equals_the_reference_rule_for_every_input` runs them all through
      both versions and finds every result equal, bit for bit;
    - steps whose product is exact in float32 (small integers times short constants) are plain
      float32 operations; octant swaps and signs are integer operations on the bits.
    """
    halves = np.ascontiguousarray(draws).view(np.int32).view(_HALF).reshape(-1, 2)  # (draws[0:8], draws[8:16])
    out = np.empty_like(halves)
    rows = max(1, min(_LANES // 8, len(halves)))
    buffers = _scratch(rows * 8)
    for start in range(0, len(halves), rows):
        stop = min(start + rows, len(halves))
        r = buffers if len(buffers.x) == (stop - start) * 8 else buffers.cut((stop - start) * 8)
        r.k.view(_HALF)[...] = halves[start:stop, 0]  # the radii from draws[0:8]
        _radius(r.k, r)
        r.k.view(_HALF)[...] = halves[start:stop, 1]  # the angles from draws[8:16]
        for normals, half in zip(_sincos_times_radius(r.k, r), (0, 1)):  # cosines first
            if std == 1.0:  # n * 1 + mean: the product is exact, so one float32 addition is the FMA
                np.add(normals, _F32(mean), out=normals)  # (with mean 0 too: -0.0 becomes +0.0, as in torch)
            else:
                _times_std_plus_mean(normals, std, mean, r)
            out[start:stop, half] = normals.view(_HALF)
    return out.view(_F32).reshape(-1)

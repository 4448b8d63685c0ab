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
tested equal to them for every possible input; each of its shortcuts says why it is exact.
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
    size, as random numbers are; where an infinity or NaN comes in (normal_(inf, 1)), a*b + c is
    the FMA's result too (inf, -inf or NaN: nothing to round), where the emulation would give NaN."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    with np.errstate(invalid="ignore", over="ignore"):  # (0 * inf, inf - inf: as the FMA, silently)
        p = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a*b == p + p_err exactly
        s, s_err = _two_sum(c, p)
        v, v_err = _two_sum(s_err, p_err)
        out = s + _round_to_odd(v, v_err)
    return out if np.isfinite(s).all() else np.where(np.isfinite(s), out, s)


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
def _c32(value: float) -> np.ndarray:
    """A float32 constant as a 0-d array: NumPy's ufuncs take one about three times faster than a
    Python or NumPy scalar (no conversion, no type promotion to work out), and the kernel makes
    over a hundred calls per pass."""
    return np.array(value, _F32)


def _c64(value: float) -> np.ndarray:
    return np.array(value, np.float64)


def _i32(value: int) -> np.ndarray:
    return np.array(value, np.int32)


def _in_two_binades(low: float, high: float) -> bool:
    """Whether [low, high] lies in some [2**(m-1), 2**(m+1)) (or its negative): see `_rounding_constants`."""
    if not (low * high > 0 and math.isfinite(low) and math.isfinite(high)):
        return False
    m = math.floor(math.log2(max(abs(low), abs(high))))
    return min(abs(low), abs(high)) >= 2.0 ** (m - 1)


def _rounding_constants(addend: float, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """(K, M) that make `t = a * b + K; t -= M` equal float32's `fma(a, b, addend)`, held in float64.

    a * b is exact in float64 (24 + 24 bits), so only the rounding is left. Every result of the
    step lies in [low, high] (measured over all 2**24 inputs; the parity tests check it), which sits
    in [2**(m-1), 2**(m+1)), on one side of zero. With M = +-(2**(m+29) - 2**m), the sum
    a * b + addend + M lands in float64's binade [2**(m+28), 2**(m+29)) exactly when the result is
    below 2**m, where float64's spacing is 2**(m-24), float32's spacing below 2**m, and in the next
    binade, spacing 2**(m-23), exactly when it is 2**m or more: so the one float64 rounding of
    a * b + K is float32's rounding of a * b + addend (ties to even too: M is an even multiple of both
    spacings), and subtracting M is exact. One rounding, as in the FMA: no double-rounding case."""
    c = float(_F32(addend))
    m = math.floor(math.log2(max(abs(low), abs(high))))
    if not _in_two_binades(low, high):
        raise ValueError(f"[{low}, {high}] does not fit in two binades on one side of zero")
    magic = math.copysign(2.0 ** (m + 29) - 2.0 ** m, low)
    if (c + magic) - magic != c:
        raise ValueError(f"{c} + {magic} is not exact")
    return _c64(c + magic), _c64(magic)


# the FMA steps of `log256` and `sincos256` done with `_rounding_constants`: (addend, every result's range)
_LOG_STEPS = list(zip(_LOG_P[1:], [(-0.1358, -0.0859), (0.0811, 0.1566), (-0.1701, -0.0905), (0.1049, 0.1924),
                                   (-0.2231, -0.1231), (0.1489, 0.2654), (-0.3278, -0.1882), (0.2553, 0.4294)]))
_COS_STEPS = [(-1.388731625493765E-003, (-1.3888e-3, -1.3736e-3)), (4.166664568298827E-002, (0.04081, 0.04167))]
_SIN_STEPS = [(8.3321608736E-3, (8.2100e-3, 8.3322e-3)), (-1.6666654611E-1, (-0.16667, -0.16157))]
_LOG_ROUNDING = [_rounding_constants(c, *r) for c, r in _LOG_STEPS]
_COS_ROUNDING = [_rounding_constants(c, *r) for c, r in _COS_STEPS]
_SIN_ROUNDING = [_rounding_constants(c, *r) for c, r in _SIN_STEPS]


def _rounded_horner_(t: np.ndarray, x64: np.ndarray, steps: list) -> None:
    """In place, for each step: t = fma32(t, x, c) (rounded to float32 by `_rounding_constants`'
    add-and-subtract), then times x for the next step; after the last step t holds y * x, exact."""
    for add, magic in steps:
        np.add(t, add, t)
        np.subtract(t, magic, t)
        np.multiply(t, x64, t)
_LOG_P0, _COS_P0, _SIN_P0 = (_c64(float(_F32(c))) for c in (_LOG_P[0], 2.443315711809948E-005, -1.9515295891E-4))

_TWO_PI_24 = _c32(_F32(2.0 * np.pi) * _F32(2.0 ** -24))  # 2*pi*u = (2*pi * 2**-24) * k, the same rounding
_MINUS_PI_2 = _c64(-2.0 * sum(float(_F32(piece)) for piece in (0.78515625, 2.4187564849853515625e-4,
                                                               3.77489497744594108e-8)))  # exact: 48 bits
_LN2_LO, _MINUS_2_LN2_HI = _c32(-2.12194440e-4), _c32(-2.0 * 0.693359375)
_HALF, _ONE, _MINUS_2, _ZERO = _c32(0.5), _c32(1.0), _c32(-2.0), _c32(0.0)
_HALF_64, _ONE_64 = _c64(0.5), _c64(1.0)
_TOP_BYTE, _LOW_24 = _i32(-0x1000000), _i32(0xFFFFFF)
_SQRT_HALF_BITS = 0x3F3504F3  # float32 sqrt(1/2): log256 doubles mantissas below it
_MANTISSA, _SQRT_HALF = _i32(0x007FFFFF), _i32(_SQRT_HALF_BITS)
_CARRY_AND_BIAS = _i32(0x3F800000 - _SQRT_HALF_BITS + (105 << 23))  # see `_radii`
_EIGHTH_TURN = _i32(1 << 21)
_SIGN = _i32(-0x80000000)
_SHIFT = {bits: _i32(bits) for bits in (22, 23, 30, 31)}
_LANES = 1 << 15  # radii (and angles) per pass: fewer NumPy calls per value, buffers mostly in the cache (measured best)
_HALF_BLOCK = np.dtype((np.void, 32))  # 8 lanes of 4 bytes as one item: half a block of 16, copied whole


def _apart(lanes: int, dtype: type, place: int) -> np.ndarray:
    """An empty array that starts `place * 320` bytes into a 4 KB page (place < 12: a different
    offset for each buffer, 64-byte aligned). Large allocations all start at about the same offset
    within a page, and a load from one array soon after a store to another at the same offset
    waits on a false dependency ("4K aliasing"): spread apart, the kernel ran 2-4% faster here."""
    size = lanes * np.dtype(dtype).itemsize
    raw = np.empty(size + 4096, np.uint8)
    start = (place * 320 - raw.ctypes.data) % 4096  # the array starts at byte place * 320 of a page
    return raw[start:start + size].view(dtype)


class _Buffers:
    """Scratch arrays for one pass of `box_muller_avx2`, reused pass after pass (no temporaries)."""

    def __init__(self, lanes: int) -> None:
        place = iter(range(11))
        self.k, self.q = (_apart(lanes, np.int32, next(place)) for _ in range(2))
        self.x, self.y, self.z, self.e, self.a, self.radius = (_apart(lanes, _F32, next(place)) for _ in range(6))
        self.t, self.x64, self.z64 = (_apart(lanes, np.float64, next(place)) for _ in range(3))
        # `_cos_sin` reuses what only `_radii` needs: fewer buffers, so more lanes per pass stay in the cache
        self.c, self.s, self.j = self.y, self.a, self.e.view(np.int32)
        self.x_bits, self.c_bits, self.s_bits = self.x.view(np.int32), self.c.view(np.int32), self.s.view(np.int32)


_SCRATCH = threading.local()  # each thread's `_Buffers` by length, kept between calls (about 2 MB)


def _scratch(lanes: int) -> _Buffers:
    """This thread's buffers of `lanes` lanes: kept, because fresh pages cost more to fault in than
    the work done on them."""
    kept = _SCRATCH.__dict__.setdefault("by_length", {})
    if lanes not in kept:
        if len(kept) > 4:  # a few lengths: the full pass and the last, shorter ones of recent calls
            kept.clear()
        kept[lanes] = _Buffers(lanes)
    return kept[lanes]


def _radii(k: np.ndarray, r: _Buffers) -> np.ndarray:
    """sqrt(-2 log(1 - u)) into r.radius, for u = (k & 0xFFFFFF) * 2**-24: `log256` step by step."""
    bits, x, z, e, a, y, t, x64, x_bits = r.k, r.x, r.z, r.e, r.a, r.y, r.t, r.x64, r.x_bits  # k may be r.k
    np.bitwise_or(k, _TOP_BYTE, bits)  # -(2**24 - low 24 bits) = -(1 - u) * 2**24, in [-2**24, -1]
    x[...] = bits  # exact
    # 1 - u = 2**e * v with v in [sqrt(1/2), sqrt(2)): log256's mantissa m in [0.5, 1), doubled (and e
    # lowered by one) when m < sqrt(1/2), done on the bits in one go: the carry out of the added
    # mantissa bits happens exactly when m >= sqrt(1/2). The sign bit and the 2**24 come off with
    # the bias: (bits + carry + (105 << 23)) >> 23 is exponent + carry - 151 = e.
    np.add(x_bits, _CARRY_AND_BIAS, x_bits)
    np.right_shift(x_bits, _SHIFT[23], bits)
    e[...] = bits
    np.bitwise_and(x_bits, _MANTISSA, x_bits)
    np.add(x_bits, _SQRT_HALF, x_bits)  # v
    np.subtract(x, _ONE, x)  # x = v - 1, exact
    x64[...] = x
    np.multiply(x, x, z)
    np.multiply(x64, _LOG_P0, t)
    _rounded_horner_(t, x64, _LOG_ROUNDING)  # y = fma(y, x, c) per step; then y * x (exact)
    y[...] = t  # y * x, rounded once
    t[...] = y
    x64[...] = z  # x64 now holds z
    np.multiply(t, x64, t)
    np.multiply(e, _LN2_LO, a)
    x64[...] = a
    np.add(t, x64, t)  # fma(y, z, e * ln2_lo): the exact product plus the addend, rounded once to float32
    y[...] = t
    np.multiply(z, _HALF, a)
    np.subtract(y, a, y)
    np.add(y, x, y)
    np.multiply(y, _MINUS_2, y)  # times -2 now: exact, and it commutes with the roundings that follow
    np.multiply(e, _MINUS_2_LN2_HI, a)  # fma(e, ln2_hi, x + y): the product is exact
    np.add(y, a, y)
    return np.sqrt(y, r.radius)


def _cos_sin(k: np.ndarray, r: _Buffers) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of 2*pi*u (in r.c and r.s), for u = (k & 0xFFFFFF) * 2**-24: `sincos256` step by step."""
    low, q, x, z, c, s, t, x64, z64 = r.k, r.q, r.x, r.z, r.c, r.s, r.t, r.x64, r.z64  # k may be r.k
    np.bitwise_and(k, _LOW_24, low)
    x[...] = low
    np.multiply(x, _TWO_PI_24, x)  # the angle, >= 0: the sine's input sign is +
    # sincos256's octant j = (int(x * 4/pi) + 1) & ~1 is 2q, with q = (low + 2**21) >> 22 in 0..4: j only
    # grows with the angle, and it steps exactly at the odd multiples of 2**21 (checked for every input)
    np.add(low, _EIGHTH_TURN, low)
    np.right_shift(low, _SHIFT[22], q)
    # x - j * pi/4 in three float32 pieces: sincos256's first two steps are exact here (tested for
    # every input) and its third is an FMA, so the result is x - q * (pi/2), with pi/2 the sum of the
    # three pieces times 2 (48 bits: exact in float64, and times q <= 4 too), rounded once to float32
    t[...] = q
    np.multiply(t, _MINUS_PI_2, t)
    x64[...] = x
    np.add(t, x64, t)
    x[...] = t
    x64[...] = x
    np.multiply(x, x, z)
    z64[...] = z
    np.multiply(z64, _COS_P0, t)  # cosine polynomial
    _rounded_horner_(t, z64, _COS_ROUNDING)
    c[...] = t
    t[...] = c
    np.subtract(t, _HALF_64, t)  # fma(c * z, z, -z/2), as (c*z - 1/2) * z (equal for every input: tested)
    np.multiply(t, z64, t)
    c[...] = t
    np.add(c, _ONE, c)
    np.multiply(z64, _SIN_P0, t)  # sine polynomial
    _rounded_horner_(t, z64, _SIN_ROUNDING)
    s[...] = t
    t[...] = s
    np.add(t, _ONE_64, t)  # fma(s * z, x, x), as (s*z + 1) * x (equal for every input: tested)
    np.multiply(t, x64, t)
    s[...] = t
    # the octant's bits: q & 1 says the polynomials trade places (j = 2, 6), q & 2 flips the sine's
    # sign (j = 4, 6), and their xor the cosine's (j = 2, 4); j = 8 is j = 0
    sine_sign, swap, trade, c_bits, s_bits = r.j, r.k, r.z.view(np.int32), r.c_bits, r.s_bits
    np.left_shift(q, _SHIFT[30], sine_sign)  # bit 31: q & 2
    np.left_shift(q, _SHIFT[31], swap)  # bit 31: q & 1
    np.bitwise_xor(sine_sign, swap, q)  # bit 31: the cosine's sign
    np.right_shift(swap, _SHIFT[31], swap)  # all ones where they trade places
    np.bitwise_xor(c_bits, s_bits, trade)
    np.bitwise_and(trade, swap, trade)
    np.bitwise_xor(c_bits, trade, c_bits)
    np.bitwise_xor(s_bits, trade, s_bits)
    np.bitwise_and(q, _SIGN, q)
    np.bitwise_xor(c_bits, q, c_bits)
    np.bitwise_and(sine_sign, _SIGN, sine_sign)
    np.bitwise_xor(s_bits, sine_sign, s_bits)
    return c, s


_MAX_NORMAL = 6.0  # every |normal| of the kernel is below 5.77 = sqrt(-2 log256(2**-24))


@functools.lru_cache(maxsize=64)
def _last_step(std: float, mean: float) -> tuple[np.ndarray, ...]:
    """The constants of `_times_std_plus_mean` for float32 std and mean, worked out once."""
    low, high = sorted((mean - _MAX_NORMAL * abs(std), mean + _MAX_NORMAL * abs(std)))
    if mean == 0 or not _in_two_binades(low, high):
        return _c32(std), _c64(std), _c64(mean)
    return (_c32(std), _c64(std)) + _rounding_constants(mean, low, high)


def _times_std_plus_mean(n: np.ndarray, std: float, mean: float, r: _Buffers) -> None:
    """n = n * std + mean in place, rounded once (torch's FMA), for the kernel's normals (|n| < 6).
    n * std is exact in float64, so only the one rounding to float32 needs care:
    - mean 0: a float32 product is that rounding (plus +0.0, which turns -0.0 into +0.0 as the FMA does);
    - every result in two binades on one side of zero (mean +- 6 std, as normal_(0.5, 0.02) has):
      `_rounding_constants`, exact;
    - otherwise the float64 sum rounds once, and rounding that to float32 can only go wrong where it
      lies exactly halfway between two float32 numbers (or below float32's normal range):
      `fma32` redoes those few lanes."""
    std32, mean32 = _F32(std), _F32(mean)
    constants = _last_step(float(std32), float(mean32))
    if mean32 == 0:
        np.multiply(n, constants[0], n)
        if not np.signbit(mean32):  # + (+0.0); with mean -0.0 the FMA keeps the product's sign
            np.add(n, _ZERO, n)
        return
    t = r.t[:len(n)]
    t[...] = n
    np.multiply(t, constants[1], t)
    if len(constants) == 4:  # every result in two binades
        np.add(t, constants[2], t)
        np.subtract(t, constants[3], t)
        n[...] = t  # exact
        return
    np.add(t, constants[2], t)
    dropped = t.view(np.uint64) & np.uint64(0x1FFFFFFF)  # the 29 bits that float32 drops
    redo = dropped == np.uint64(0x10000000)  # halfway: 1 then 0s
    redo |= (t.view(np.uint64) << np.uint64(1)) < np.uint64(1023 - 125 << 53)  # tiny: the exponent, sign shifted out
    lanes = np.flatnonzero(redo)
    exact = fma32(n[lanes], std32, mean32) if len(lanes) else None
    n[...] = t
    if exact is not None:
        n[lanes] = exact


def box_muller_avx2(draws: np.ndarray, mean: float = 0.0, std: float = 1.0, out: np.ndarray | None = None
                    ) -> np.ndarray:
    """float32 normals from whole blocks of 16 32-bit draws: `_generator._box_muller_16` applied to
    the uniforms u = (draw & 0xFFFFFF) * 2**-24, with the very arithmetic of `log256` and
    `sincos256`, reorganised to cost less (tested equal to them, bit for bit, for every input):

    - passes of `_LANES` values through buffers kept between calls, in-place ufuncs with constants
      as 0-d arrays, no temporaries; half blocks of 8 lanes are moved as single 32-byte items, and
      1 - u and 2*pi*u are made from the integers k directly (exactly: only powers of two differ);
    - each polynomial step, a float32 FMA, is computed in float64, where the product of two float32
      numbers is exact, and rounded once to float32 by adding and subtracting a constant
      (`_rounding_constants`, exact for every result in two binades: these steps' results are);
      the other FMAs are rounded to float32 by a cast (their float64 sum, rounded, never lies
      halfway between two float32 numbers for these inputs: the tests run all 2**24 of them);
    - steps whose product is exact in float32 (small integers times short constants) are plain
      float32 operations; octant swaps and signs are integer operations on the bits.

    `out` (float32, as many as the draws) may be the draws' own memory: each pass reads its draws
    before it writes its normals there (pages already touched: no fresh 4 MB to fault in).
    """
    halves = np.ascontiguousarray(draws).view(np.int32).view(_HALF_BLOCK).reshape(-1, 2)  # (draws[0:8], [8:16])
    out = np.empty(len(halves) * 16, _F32) if out is None else out
    out_halves = out.view(np.int32).view(_HALF_BLOCK).reshape(-1, 2)
    rows = _LANES // 8
    mean32 = _c32(mean)
    for start in range(0, len(halves), rows):
        stop = min(start + rows, len(halves))
        r = _scratch((stop - start) * 8)
        r.k.view(_HALF_BLOCK)[...] = halves[start:stop, 0]  # the radii from draws[0:8]
        radius = _radii(r.k, r)
        r.k.view(_HALF_BLOCK)[...] = halves[start:stop, 1]  # the angles from draws[8:16]
        for normals, half in zip(_cos_sin(r.k, r), (0, 1)):  # cosines first
            np.multiply(normals, radius, normals)  # a sign flip or a swap commutes with the product
            if std == 1.0:  # n * 1 + mean: the product is exact, so one float32 addition is the FMA
                np.add(normals, mean32, normals)  # (with mean 0 too: -0.0 becomes +0.0, as in torch)
            else:
                _times_std_plus_mean(normals, std, mean, r)
            out_halves[start:stop, half] = normals.view(_HALF_BLOCK)
    return out

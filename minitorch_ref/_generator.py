"""torch's CPU random number generator, bit for bit: a Mersenne Twister and the rules that turn its bits into numbers.

`torch.manual_seed(s)` seeds an mt19937 (the standard 32-bit Mersenne Twister, seeded with the low
32 bits of `s` by the classic `init_genrand`). Every random tensor is then made from its 32-bit
outputs, one element after another, by these rules (torch's `aten/src/ATen/core/DistributionsHelper.h`,
`TransformationHelper.h`, `native/cpu/DistributionTemplates.h`):

- uniform float32: one 32-bit draw, keep 24 bits, times 2**-24; float64: two draws make 64 bits
  (first draw high), keep 53 bits, times 2**-53. `uniform_(a, b)` is then `u * (b - a) + a` (one FMA);
  float16 computes it in float32 and rounds, and a value that rounds up to b becomes a.
- normal, tensors of < 16 elements (or not contiguous): Box-Muller in float64 with two float64
  uniforms, giving two normals; the second one is cached in the generator for the next call.
- normal, >= 16 contiguous elements (`normal_fill`): first fill the tensor with uniforms, then turn
  each block of 16 into 16 normals (u[0:8] give the radii, u[8:16] the angles); when the size is not
  a multiple of 16 the last 16 positions are refilled with fresh uniforms and transformed again.
  float32 uses torch's AVX2 polynomials for log/sin/cos (see `_rng_math.py`).
- integers in [low, high): `draw % (high - low) + low`, with a 64-bit draw when the range is 2**28 or more.
- randperm(n): a Fisher-Yates shuffle with `draw % (n - i)`.

NumPy's `MT19937` bit generator runs the same Mersenne Twister in C: we load it with torch's seeded
state, and read its raw 32-bit outputs in bulk, so the stream costs no Python loop.
"""
from __future__ import annotations

import math
import struct
import warnings
from typing import Any

import numpy as np

from . import _rng_math
from ._dtype import PACKAGE, cpp_type_name, torch_type_name

DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val
_N = 624  # words of Mersenne Twister state
_MAX_UINT64 = 0xFFFF_FFFF_FFFF_FFFF
_CHUNK = 1 << 16  # elements per pass of the vectorized Box-Muller (a multiple of 16; measured best)
_FEW = 1 << 12  # below this many draws, `random32` reads them with `random_raw`
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState): what torch.get_rng_state() returns
_INT64_MIN = -(1 << 63)
_FULL_RANGE = 1 << 64  # the span of `random_(-2**63, None)`: every int64
_WIDE_RANGE = 1 << 28  # from this span on, integers come from 64-bit draws (torch: "approx 5% skew" of `%` above)


def _c_double(x: float) -> str:
    """A number as torch's messages print a C++ double (`std::ostream`: 6 significant digits, like %g)."""
    return f"{float(x):g}"


def as_long(value: Any) -> int:
    """An integer argument as torch reads it: a C++ int64 ("long long")."""
    value = int(value)
    if not _INT64_MIN <= value < -_INT64_MIN:
        raise ValueError("Overflow when unpacking long long")
    return value


def _floating_only(np_dtype: np.dtype, kernel: str) -> None:
    """torch's error for a floating-point kernel dispatched on another dtype."""
    if np_dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(np_dtype)}'")


def _from_double(values: np.ndarray, np_dtype: np.dtype) -> np.ndarray:
    """float64 values in the tensor's dtype, cast as torch's C++ casts them: c10::Half is made from a
    float, so a double becomes a float first, then a Half: two roundings, which give another float16
    than one rounding for about one value in 5000."""
    values = np.asarray(values, np.float64)
    with np.errstate(over="ignore"):  # (beyond the dtype: inf, silently, as in C++)
        if np_dtype == np.float16:
            values = values.astype(np.float32)
        return values.astype(np_dtype, copy=False)


def _init_genrand(seed: int) -> np.ndarray:
    """The reference mt19937 seeding (Matsumoto and Nishimura's `init_genrand`), as torch does it."""
    key = [seed & 0xFFFFFFFF]
    for i in range(1, _N):
        previous = key[-1]
        key.append((1812433253 * (previous ^ (previous >> 30)) + i) & 0xFFFFFFFF)
    return np.array(key, dtype=np.uint32)


class Engine:
    """The Mersenne Twister behind a `torch.Generator`, giving torch's CPU numbers. Users hold a
    `random.Generator` (a handle on one engine, as torch's Generator wraps a GeneratorImpl);
    ops ask `resolve(generator)` for the engine to draw from."""

    def __init__(self, device: Any = "cpu") -> None:
        self.device = device
        self._bits = np.random.MT19937()
        self._numpy = np.random.Generator(self._bits)
        self.manual_seed(DEFAULT_SEED)

    # ------------------------------------------------------------------ seeding and state
    def manual_seed(self, seed: int) -> "Engine":
        seed = int(seed)
        if not -0x8000_0000_0000_0000 <= seed <= _MAX_UINT64:
            raise ValueError("Overflow when unpacking long long")  # torch's message for seeds outside int64/uint64
        self._seed = seed & _MAX_UINT64  # torch keeps a uint64: manual_seed(-1) gives 2**64 - 1
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": _init_genrand(self._seed), "pos": _N}}
        self._fresh = True  # torch's `next` field is 0 until the first draw
        self._next_double_normal: float | None = None
        self._next_float_normal: float | None = None
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy (non-deterministic) and return the seed."""
        new_seed = int(np.random.SeedSequence().entropy) & _MAX_UINT64
        self.manual_seed(new_seed)
        return new_seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> np.ndarray:
        """torch's layout (`CPUGeneratorImplState`, 5056 bytes) as uint8 bytes: seed, `left`, `seeded`,
        `next`, the 624 state words (as uint64), the cached float64 normal, the cached float32 normal."""
        state = self._bits.state["state"]
        pos = int(state["pos"])
        left = _N + 1 - pos
        next_index = 0 if self._fresh else pos
        raw = bytearray(_STATE_BYTES)
        struct.pack_into("<QiiQ", raw, 0, self._seed, left, 1, next_index)
        raw[24:24 + 8 * _N] = np.asarray(state["key"], np.uint64).astype("<u8").tobytes()
        offset = 24 + 8 * _N
        cached = self._next_double_normal
        struct.pack_into("<dddi", raw, offset, 0.0, cached or 0.0, 0.0, int(cached is not None))
        cached32 = self._next_float_normal
        struct.pack_into("<f?", raw, offset + 32, cached32 or 0.0, cached32 is not None)
        return np.frombuffer(bytes(raw), np.uint8).copy()

    def set_state(self, new_state: Any) -> "Engine":
        data = getattr(new_state, "_data", new_state)
        raw = np.asarray(data, np.uint8).tobytes() if not isinstance(data, (bytes, bytearray)) else bytes(data)
        if len(raw) != _STATE_BYTES:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG state "
                               f"size to be {len(raw)}")
        seed, left, seeded, next_index = struct.unpack_from("<QiiQ", raw, 0)
        if not (seeded and 0 < left <= _N and next_index & 0xFFFF_FFFF <= _N):  # torch's `mt19937::is_valid`
            raise RuntimeError("Invalid mt19937 state")
        key = np.frombuffer(raw, "<u8", _N, 24).astype(np.uint32)
        offset = 24 + 8 * _N
        _, normal_y, _, normal_valid = struct.unpack_from("<dddi", raw, offset)
        float_normal, float_valid = struct.unpack_from("<f?", raw, offset + 32)
        self._seed = seed
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N + 1 - left}}
        self._fresh = next_index == 0 and left == 1
        self._next_double_normal = normal_y if normal_valid else None
        self._next_float_normal = float_normal if float_valid else None
        return self

    # ------------------------------------------------------------------ raw bits
    def random32(self, n: int) -> np.ndarray:
        """`n` draws of the Mersenne Twister (uint32)."""
        self._fresh = self._fresh and n == 0
        if n < _FEW:  # the same words; `random_raw` costs less per call, `integers` less per word
            return self._bits.random_raw(n).astype(np.uint32)
        return self._numpy.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def random64(self, n: int) -> np.ndarray:
        """`n` 64-bit numbers, each from two draws, the first one high (torch's `random64`)."""
        self._fresh = self._fresh and n == 0
        if n < _FEW:
            words = self._bits.random_raw(2 * n)
            return (words[0::2] << np.uint64(32)) | words[1::2]
        return self._numpy.integers(0, 1 << 64, size=n, dtype=np.uint64)

    # ------------------------------------------------------------------ distributions (flat float64/float32 arrays)
    def uniform01(self, n: int, np_dtype: Any) -> np.ndarray:
        """[0, 1): 24 random bits for float32 (and smaller floats), 53 for float64."""
        if np.dtype(np_dtype) == np.float64:  # (bits & (2**53 - 1)) * 2**-53, in place
            bits, keep, scale = self.random64(n), np.uint64((1 << 53) - 1), np.float64(2.0 ** -53)
        else:  # (word & (2**24 - 1)) * 2**-24
            bits, keep, scale = self.random32(n), np.uint32((1 << 24) - 1), np.float32(2.0 ** -24)
        bits &= keep
        uniforms = bits.astype(scale.dtype)
        uniforms *= scale
        return uniforms

    def uniform(self, n: int, np_dtype: Any, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        """`uniform_(low, high)`: `u * (high - low) + low`, rounded once (torch's compiled FMA), in float32
        for float16 too. A value that rounds up to `high` in the tensor's dtype becomes `low`, which keeps
        the range [low, high): float16's 11 bits round about one uniform in 4096 up to 1.0.
        Large tensors go in chunks (the same draws, in order): initialising an embedding table then
        needs the result and one chunk's temporaries, not three arrays of the table's size."""
        np_dtype = np.dtype(np_dtype)
        low, high = float(low), float(high)
        _check_uniform_bounds(low, high, np_dtype)
        if n <= _CHUNK:
            return self._uniform_chunk(n, np_dtype, low, high)
        out = np.empty(n, np_dtype)
        for start in range(0, n, _CHUNK):
            out[start:start + _CHUNK] = self._uniform_chunk(min(_CHUNK, n - start), np_dtype, low, high)
        return out

    def _uniform_chunk(self, n: int, np_dtype: np.dtype, low: float, high: float) -> np.ndarray:
        u = self.uniform01(n, np_dtype)
        if low == 0.0 and high == 1.0:
            values = u.astype(np_dtype, copy=False)
        elif np_dtype == np.float64:
            values = _rng_math.fma64(u, high - low, low)
        else:
            low32, high32 = np.float32(low), np.float32(high)
            values = _rng_math.fma32(u, high32 - low32, low32).astype(np_dtype, copy=False)
        if np_dtype.itemsize < 4 or (low, high) != (0.0, 1.0):  # (float32/64 uniforms stay below 1.0)
            values[values == _from_double(high, np_dtype)] = _from_double(low, np_dtype)
        return values

    def _normal_double(self) -> float:
        """One standard normal from the scalar Box-Muller path (float64), with torch's one-value cache."""
        if self._next_double_normal is not None:
            value, self._next_double_normal = self._next_double_normal, None
            return value
        u1, u2 = self.uniform01(2, np.float64).tolist()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._next_double_normal = radius * math.sin(theta)
        return radius * math.cos(theta)

    def normal(self, n: int, np_dtype: Any, mean: float = 0.0, std: float = 1.0, contiguous: bool = True
               ) -> np.ndarray:
        """`normal_(mean, std)` on `n` elements, choosing torch's path by size and layout."""
        np_dtype = np.dtype(np_dtype)
        if not std >= 0:  # (NaN too)
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_c_double(std)}")
        if n == 0:  # torch returns before it picks a kernel: no dtype check
            return np.empty(0, np_dtype)
        _floating_only(np_dtype, "normal_kernel_cpu")
        if n >= 16 and contiguous:
            return self._normal_fill(n, np_dtype, mean, std)
        normals = np.array([self._normal_double() for _ in range(n)], dtype=np.float64)
        normals = _rng_math.fma64(normals, std, mean)  # `z * std + mean`, rounded once (an FMA)
        return _from_double(normals, np_dtype)

    def _normal_fill(self, n: int, np_dtype: np.dtype, mean: float, std: float) -> np.ndarray:
        """torch's `normal_fill`: uniforms, then Box-Muller on blocks of 16, the ragged tail redone.
        float32 and float64 fill the whole tensor with uniforms first (the tail's are drawn, then
        unused); float16 works in float32 through a buffer of 16, one block at a time, so it draws
        only the whole blocks and then the tail's 16."""
        float64 = np_dtype == np.float64
        # float64 makes its uniforms here; float32 hands the raw words to its kernel, which makes them
        draw = (lambda k: self.uniform01(k, np.float64)) if float64 else self.random32
        whole = n - n % 16
        data = draw(whole if np_dtype == np.float16 else n)
        if n % 16:  # torch refills the last 16 and transforms them again: one more block
            data = np.concatenate([data[:whole], draw(16)])
        if float64:
            out = np.empty(len(data))
            for start in range(0, len(data), _CHUNK):  # chunks that stay in the CPU cache
                out[start:start + _CHUNK] = _box_muller_16(data[start:start + _CHUNK], np.float64, mean, std)
        else:  # the rule of `_box_muller_16`, by its fast kernel (equal to it for every input: tested),
            out = _rng_math.box_muller_avx2(data, mean, std, out=data.view(np.float32))  # over the draws
        if n % 16:
            out = np.concatenate([out[:n - 16], out[whole:]])
        return out.astype(np_dtype, copy=False)

    def integers(self, n: int, low: int, high: int | None, np_dtype: Any) -> np.ndarray:
        """`random_(low, high)` / `randint`: `draw % span + base` for the [base, base + span) that
        `_random_bounds` gives (`high=None`: up to the dtype's largest value); 64-bit draws when the
        span is 2**28 or more."""
        np_dtype = np.dtype(np_dtype)
        base, span = _random_bounds(low, high, np_dtype)
        if span == _FULL_RANGE:  # random_(-2**63, None): each 64-bit draw as an int64
            if n and np_dtype.name not in ("int64", "float32", "float64"):
                raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16")
            return self.random64(n).view(np.int64).astype(np_dtype)
        draws = self.random64(n) if span >= _WIDE_RANGE else self.random32(n).astype(np.uint64)
        values = (draws % np.uint64(span)).astype(np.int64) + np.int64(base)  # (wraps around, as torch's)
        return values.astype(np_dtype)

    def random_default(self, n: int, np_dtype: Any) -> np.ndarray:
        """`random_()` without bounds: [0, 2**mantissa] for floats, [0, max] for integers."""
        np_dtype = np.dtype(np_dtype)
        if np_dtype == np.bool_:
            return (self.random32(n) & 1).astype(np.bool_)
        if np_dtype == np.float64:
            return (self.random64(n) % np.uint64((1 << 53) + 1)).astype(np.float64)
        if np_dtype == np.int64:
            return (self.random64(n) % np.uint64(1 << 63)).astype(np.int64)
        if np_dtype.kind == "f":
            digits = {2: 11, 4: 24}[np_dtype.itemsize]
            return (self.random32(n) % np.uint32((1 << digits) + 1)).astype(np_dtype)
        top = np.iinfo(np_dtype).max
        return (self.random32(n).astype(np.uint64) % np.uint64(top + 1)).astype(np_dtype)

    def randperm(self, n: int) -> np.ndarray:
        """torch's `randperm_cpu`: swap position i with i + (draw % (n - i)), for i = 0 .. n-2."""
        perm = list(range(n))
        if n < (1 << 32) // 20:
            offsets = (self.random32(max(n - 1, 0)).astype(np.int64) % np.arange(n, 1, -1, dtype=np.int64)).tolist()
            for i, offset in enumerate(offsets):
                j = i + offset
                perm[i], perm[j] = perm[j], perm[i]
        else:  # "inside-out" shuffle with 64-bit draws, for huge n
            for i in range(n):
                j = int(self.random64(1)[0] % np.uint64(i + 1))
                perm[i] = perm[j]
                perm[j] = i
        return np.array(perm, dtype=np.int64)

    def bernoulli_scalar(self, n: int, p: float) -> np.ndarray:
        """`bernoulli_(p)` with a number p: a float64 uniform per element, 1 where it is below p."""
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_c_double(p)}")
        return self.uniform01(n, np.float64) < p

    def bernoulli_tensor(self, p: np.ndarray) -> np.ndarray:
        """`bernoulli(p_tensor)`: per element, a uniform of p's precision (float64 p: 53 bits, else 24)."""
        flat = np.ascontiguousarray(p).reshape(-1)
        if flat.size == 0:  # torch returns before it looks at p
            return np.zeros(p.shape, np.bool_)
        _floating_only(flat.dtype, "bernoulli_tensor_cpu_p_")
        if not ((flat >= 0) & (flat <= 1)).all():  # (NaN too)
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
                               "be improved?  If so, please report an enhancement request to PyTorch.)")
        if flat.dtype == np.float64:
            return (self.uniform01(flat.size, np.float64) < flat).reshape(p.shape)
        return (self.uniform01(flat.size, np.float32) < flat.astype(np.float32)).reshape(p.shape)

    def exponential(self, n: int, np_dtype: Any, lambd: float = 1.0) -> np.ndarray:
        """`exponential_(lambd)`: `-1/lambd * log(1 - u)` from a float64 uniform, then cast
        (lambd = inf gives zeros, as in torch)."""
        np_dtype = np.dtype(np_dtype)
        if not lambd > 0:  # (NaN too)
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_c_double(lambd)}")
        if n == 0:  # torch returns before the kernel's dtype check
            return np.empty(0, np_dtype)
        if np_dtype.kind != "f":
            raise RuntimeError("Exponential distribution is a continuous probability distribution. dtype must be a "
                               f"floating point but you specified {torch_type_name(np_dtype)}")
        u = self.uniform01(n, np.float64)
        return _from_double((-1.0 / lambd) * c_library(math.log1p, -u), np_dtype)

    def multinomial(self, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
        """torch's CPU multinomial: without replacement (or one sample) the "exponential race"
        argmax/topk of p / Exp(1); with replacement, a binary search of float64 uniforms in the
        normalised cumulative sum."""
        rows = probs.reshape(-1, probs.shape[-1])
        if not replacement or num_samples == 1:
            if not replacement and num_samples > (rows > 0).sum(axis=1).min():
                raise RuntimeError("invalid multinomial distribution (with replacement=False, not enough non-negative "
                                   "category to sample)")
            race = rows / self.exponential(rows.size, rows.dtype).reshape(rows.shape)
            if num_samples == 1:
                picks = race.argmax(axis=1)[:, None]
            else:
                picks = np.argsort(-race, axis=1, kind="stable")[:, :num_samples]
        else:
            picks = np.empty((rows.shape[0], num_samples), np.int64)
            for r, row in enumerate(rows):  # each row checked just before its draws, as torch's loop does
                _check_multinomial_row(row)
                cumulative = np.cumsum(row, dtype=row.dtype)  # sequential, in the row's precision
                if not cumulative[-1] > 0:
                    raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
                cumulative = cumulative / cumulative[-1]
                cumulative[-1] = 1
                uniforms = self.uniform01(num_samples, np.float64)
                picks[r] = np.searchsorted(cumulative.astype(np.float64), uniforms, side="left")
        return picks.astype(np.int64).reshape(probs.shape[:-1] + (num_samples,))


# ---------------------------------------------------------------------- torch's argument checks
def _check_uniform_bounds(low: float, high: float, np_dtype: np.dtype) -> None:
    """torch's checks before `uniform_`: a floating dtype, bounds it can hold (not inf, not NaN),
    low <= high, and a width high - low it can hold too."""
    _floating_only(np_dtype, "check_uniform_bounds")
    largest = float(np.finfo(np_dtype).max)
    for name, value in (("from", low), ("to", high)):
        if not -largest <= value <= largest:
            raise RuntimeError(f"{name} is out of bounds for {cpp_type_name(np_dtype)}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={_c_double(low)} > "
                           f"to={_c_double(high)}")
    if high - low > largest:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{torch_type_name(np_dtype)}>::max(), "
                           f"but found to={_c_double(high)} and from={_c_double(low)} which result in to-from to "
                           "exceed the limit")


def _as_float(value: int, np_dtype: np.dtype) -> int:
    """An integer rounded to the floating dtype's precision (ties to even) and back: C++'s
    `int64_t(scalar_t(value))`, done in exact integer arithmetic."""
    digits = np.finfo(np_dtype).nmant + 1
    shift = abs(value).bit_length() - digits
    if shift <= 0:
        return value
    kept, dropped = divmod(abs(value), 1 << shift)
    half = 1 << (shift - 1)
    kept += dropped > half or (dropped == half and kept & 1)
    return (kept << shift) * (1 if value >= 0 else -1)


def _random_bounds(low: int, high: int | None, np_dtype: np.dtype) -> tuple[int, int]:
    """torch's `random_from_to_impl`: the [base, base + span) that `random_(low, high)` draws from,
    after its checks. `high=None` draws up to the dtype's largest value, inclusive (2**digits for
    floats); `(-2**63, None)` is every int64 (span 2**64). For a floating dtype, bounds that round
    onto the other side in that dtype (65503 becomes 65504 in float16) move inwards first."""
    floating = np_dtype.kind == "f"
    if high is None and low == _INT64_MIN:
        return low, _FULL_RANGE
    if high is not None:
        if not low < high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        if floating:
            low, high = _move_from(low, np_dtype), _move_to(high, np_dtype)
            if not low < high:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, "
                                   f"but got from={low} >= to={high}")
        top = high - 1
    elif floating:
        top = 1 << (np.finfo(np_dtype).nmant + 1)
        low = _move_from(low, np_dtype)
        if not low < top:
            raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted "
                               f"to dtype, but got from={low} > to_inc={top}")
    else:
        top = 1 if np_dtype == np.bool_ else int(np.iinfo(np_dtype).max)
    _check_random_range(low, top, np_dtype)
    return low, top - low + 1


def _move_from(low: int, np_dtype: np.dtype) -> int:
    """torch's `update_from`: if low + 1 rounds below low in the dtype, the next float above it."""
    rounded = _as_float(low + 1, np_dtype)
    if rounded < low:
        low = rounded + (1 << (abs(low + 1).bit_length() - 1 - np.finfo(np_dtype).nmant))
    return low


def _move_to(high: int, np_dtype: np.dtype) -> int:
    """torch's `update_to`: if high - 1 rounds up to high or beyond, the next float below it."""
    rounded = _as_float(high - 1, np_dtype)
    if rounded >= high:
        high = rounded - (1 << (abs(high - 1).bit_length() - 1 - np.finfo(np_dtype).nmant))
    return high


def _check_random_range(low: int, top: int, np_dtype: np.dtype) -> None:
    """torch's `check_from_to_in_range`: both ends of [low, top] within the dtype (an error), and
    for floats within +-2**digits, where every integer is a float (a warning)."""
    if np_dtype.kind == "f":
        smallest, largest = -float(np.finfo(np_dtype).max), float(np.finfo(np_dtype).max)
    elif np_dtype == np.bool_:
        smallest, largest = 0, 1
    else:
        smallest, largest = int(np.iinfo(np_dtype).min), int(np.iinfo(np_dtype).max)
    ends = (("from", low), ("to - 1", top))
    for name, value in ends:
        if not smallest <= value <= largest:
            raise RuntimeError(f"{name} is out of bounds for {cpp_type_name(np_dtype)}")
    if np_dtype.kind == "f":
        digits = np.finfo(np_dtype).nmant + 1
        for name, value in ends:
            if abs(value) > 1 << digits:
                warnings.warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations "
                              f"{cpp_type_name(np_dtype)} can support discrete uniform distribution only within this "
                              "range. This warning will become an error in version 1.7 release, please fix the code "
                              "in advance", UserWarning, stacklevel=5)


def _check_multinomial_row(row: np.ndarray) -> None:
    """torch's checks in multinomial's loop with replacement, element by element: the first bad
    entry names the error (NaN fails `p >= 0` first)."""
    bad = ~((row >= 0) & np.isfinite(row))
    if bad.any():
        entry = row[bad.argmax()]
        raise RuntimeError("invalid multinomial distribution (encountering probability entry "
                           + ("< 0)" if not entry >= 0 else "= infinity or NaN)"))


def _box_muller_16(u: np.ndarray, work: type, mean: float, std: float) -> np.ndarray:
    """Blocks of 16 uniforms -> 16 normals: radius from u[0:8], angle from u[8:16]; cos then sin."""
    blocks = u.reshape(-1, 16)
    u1 = work(1) - blocks[:, :8]  # [0, 1) -> (0, 1] for the log
    u2 = blocks[:, 8:]
    if work is np.float32:  # torch's AVX2 kernel
        radius = np.sqrt(np.float32(-2.0) * _rng_math.log256(u1))
        sine, cosine = _rng_math.sincos256(np.float32(2.0 * math.pi) * u2)
        normals = np.concatenate([radius * cosine, radius * sine], axis=1)
        # always the FMA, as torch: with mean 0 and std 1 it still turns a -0 (radius 0 when u = 0) into +0
        return _rng_math.fma32(normals, np.float32(std), np.float32(mean)).reshape(-1)
    radius = np.sqrt(-2.0 * c_library(math.log, u1))
    theta = 2.0 * math.pi * u2
    normals = np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], axis=1)
    if mean == 0.0 and std == 1.0:
        return normals.reshape(-1)
    return _rng_math.fma64(normals, std, mean).reshape(-1)


def c_library(function: Any, x: np.ndarray) -> np.ndarray:
    """`function` from `math` (the C library's, which torch's float64 kernels call) on each element of `x`.

    Not NumPy's own: on a machine with AVX-512, NumPy's vectorised float64 `log` and `log1p`
    differ from the C library's in the last bit for some inputs (0.1% of logs, 8% of log1p's
    here), and torch's numbers would differ with them. One Python call per element: ~50 ns.
    """
    flat = x.ravel().tolist()
    return np.fromiter(map(function, flat), np.float64, count=len(flat)).reshape(x.shape)


default_engine = Engine()


def resolve(generator: Any) -> Engine:
    """The engine to draw from: the given `Generator`'s, else the default generator's."""
    if generator is None:
        return default_engine
    if not isinstance(getattr(generator, "_engine", None), Engine):
        raise TypeError(f"argument 'generator' must be {PACKAGE}.Generator, not {type(generator).__name__}")
    return generator._engine

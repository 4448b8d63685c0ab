"""torch's CPU random number generator, bit for bit: a Mersenne Twister and the rules that turn its bits into numbers.

`torch.manual_seed(s)` seeds an mt19937 (the standard 32-bit Mersenne Twister, seeded with the low
32 bits of `s` by the classic `init_genrand`). Every random tensor is then made from its 32-bit
outputs, one element after another, by these rules (torch's `aten/src/ATen/core/DistributionsHelper.h`,
`TransformationHelper.h`, `native/cpu/DistributionTemplates.h`):

- uniform float32: one 32-bit draw, keep 24 bits, times 2**-24; float64: two draws make 64 bits
  (first draw high), keep 53 bits, times 2**-53. `uniform_(a, b)` is then `u * (b - a) + a` (one FMA).
- normal, tensors of < 16 elements (or not contiguous): Box-Muller in float64 with two float64
  uniforms, giving two normals; the second one is cached in the generator for the next call.
- normal, >= 16 contiguous elements (`normal_fill`): first fill the tensor with uniforms, then turn
  each block of 16 into 16 normals (u[0:8] give the radii, u[8:16] the angles); when the size is not
  a multiple of 16 the last 16 positions are refilled with fresh uniforms and transformed again.
  float32 uses torch's AVX2 polynomials for log/sin/cos (see `_rng_math.py`).
- integers in [low, high): `draw % (high - low) + low`, with a 64-bit draw when the range needs it.
- randperm(n): a Fisher-Yates shuffle with `draw % (n - i)`.

NumPy's `MT19937` bit generator runs the same Mersenne Twister in C: we load it with torch's seeded
state, and read its raw 32-bit outputs in bulk, so the stream costs no Python loop.
"""
from __future__ import annotations

import math
import struct
from typing import Any

import numpy as np

from . import _rng_math

DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val
_N = 624  # words of Mersenne Twister state
_MAX_UINT64 = 0xFFFF_FFFF_FFFF_FFFF
_CHUNK = 1 << 16  # elements per pass of the vectorized Box-Muller (a multiple of 16; measured best)
_FEW = 1 << 12  # below this many draws, `random32` reads them with `random_raw`
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState): what torch.get_rng_state() returns


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
            raise RuntimeError(f"Expected either a THGeneratorState of size 5048 or a CPUGeneratorImplState of "
                               f"size {_STATE_BYTES} but found the input RNG state size to be {len(raw)}")
        seed, left, _, next_index = struct.unpack_from("<QiiQ", raw, 0)
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
        """`uniform_(low, high)`: `u * (high - low) + low`, rounded once (torch's compiled FMA)."""
        np_dtype = np.dtype(np_dtype)
        if low > high:
            raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
        u = self.uniform01(n, np_dtype)
        if low == 0.0 and high == 1.0:
            return u.astype(np_dtype, copy=False)
        if np_dtype == np.float64:
            return _rng_math.fma64(u, high - low, low)
        low32, high32 = np.float32(low), np.float32(high)
        return _rng_math.fma32(u, high32 - low32, low32).astype(np_dtype, copy=False)

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
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        if n >= 16 and contiguous:
            return self._normal_fill(n, np_dtype, mean, std)
        normals = np.array([self._normal_double() for _ in range(n)], dtype=np.float64)
        if not (mean == 0.0 and std == 1.0):
            normals = _rng_math.fma64(normals, std, mean)  # `z * std + mean`, rounded once (an FMA)
        return normals.astype(np_dtype)

    def _normal_fill(self, n: int, np_dtype: np.dtype, mean: float, std: float) -> np.ndarray:
        """torch's `normal_fill`: uniforms first, then Box-Muller on blocks of 16, the ragged tail redone."""
        float64 = np_dtype == np.float64
        # float64 makes its uniforms here; float32 hands the raw words to its kernel, which makes them
        draw = (lambda k: self.uniform01(k, np.float64)) if float64 else self.random32
        data = draw(n)
        whole = n - n % 16
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

    def integers(self, n: int, low: int, high: int, np_dtype: Any) -> np.ndarray:
        """`random_(low, high)` / `randint`: `draw % (high - low) + low`; 64-bit draws when the range
        is 2**32 or more."""
        span = high - low
        if span <= 0:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        draws = self.random64(n) if span >= 1 << 32 else self.random32(n).astype(np.uint64)
        values = (draws % np.uint64(span)).astype(np.int64) + np.int64(low)
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
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        return self.uniform01(n, np.float64) < p

    def bernoulli_tensor(self, p: np.ndarray) -> np.ndarray:
        """`bernoulli(p_tensor)`: per element, a uniform of p's precision (float64 p: 53 bits, else 24)."""
        flat = np.ascontiguousarray(p).reshape(-1)
        if ((flat < 0) | (flat > 1)).any():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        if flat.dtype == np.float64:
            return (self.uniform01(flat.size, np.float64) < flat).reshape(p.shape)
        return (self.uniform01(flat.size, np.float32) < flat.astype(np.float32)).reshape(p.shape)

    def exponential(self, n: int, np_dtype: Any, lambd: float = 1.0) -> np.ndarray:
        """`exponential_(lambd)`: `-1/lambd * log(1 - u)` from a float64 uniform, then cast."""
        if not (lambd > 0 and math.isfinite(lambd)):
            raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
        u = self.uniform01(n, np.float64)
        return ((-1.0 / lambd) * c_library(math.log1p, -u)).astype(np_dtype)

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
            for r, row in enumerate(rows):
                cumulative = np.cumsum(row, dtype=row.dtype)  # sequential, in the row's precision
                cumulative = cumulative / cumulative[-1]
                cumulative[-1] = 1
                uniforms = self.uniform01(num_samples, np.float64)
                picks[r] = np.searchsorted(cumulative.astype(np.float64), uniforms, side="left")
        return picks.astype(np.int64).reshape(probs.shape[:-1] + (num_samples,))


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
    return default_engine if generator is None else generator._engine

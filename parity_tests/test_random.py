"""Random numbers: after the same `manual_seed`, minitorch_ref gives torch's CPU numbers bit for bit.

Every case seeds both backends, makes the same call on each, and checks that the values are
equal bit for bit (same dtype, `np.array_equal`) and that both generators end in the same state
(same 5056-byte `get_rng_state()`: the same number of draws, the same cached normal). Sizes
straddle torch's thresholds (normal_ changes algorithm at 16 elements; integers take 64-bit draws
from a range of 2**28), for float16, float32 and float64, in contiguous and other layouts. Bad
arguments raise torch's exceptions, with torch's messages.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from torch.utils import data as tdata

import minitorch_ref as mt
from minitorch_ref.utils import data as mdata
from parity_tests.outcomes import with_warnings

SEEDS = [0, 1, 42, 2**32 + 7, 67280421310721]
SIZES = [0, 1, 15, 16, 17, 33, 1000]
DTYPES = ["float32", "float64"]


def _torch_bernoulli_uses_mkl() -> bool:
    """torch's `bernoulli_(p)` with a number p (and so dropout) draws from MKL's own stream on Intel CPUs
    (`bernoulli_scalar_kernel` checks the vendor); elsewhere it uses the generator like every other op."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "GenuineIntel" in cpuinfo and torch.backends.mkl.is_available()


MKL_BERNOULLI = pytest.mark.skipif(
    _torch_bernoulli_uses_mkl(),
    reason="on Intel CPUs torch's bernoulli_(p: float) and dropout use MKL's MCG31 stream, not the generator; "
           "minitorch_ref follows torch's generic CPU path (AMD, ARM)")


def as_numpy(value) -> np.ndarray:
    if isinstance(value, (list, tuple)):  # several results: one flat array
        return np.concatenate([as_numpy(v).ravel() for v in value])
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


def assert_bit_identical(got, expected) -> None:
    got, expected = as_numpy(got), as_numpy(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape, (got.dtype, expected.dtype, got.shape)
    assert np.array_equal(got, expected, equal_nan=True), (got.ravel()[:6], expected.ravel()[:6])
    if got.dtype.kind == "f":  # bits too: -0.0 is not +0.0
        as_bits = np.dtype(f"u{got.dtype.itemsize}")
        assert np.array_equal(got.view(as_bits), expected.view(as_bits)), "same values, other bits (a signed zero?)"


def same_numbers(call, seed: int) -> None:
    """`call(lib)` after `manual_seed(seed)` on each backend: equal values and equal generator states."""
    torch.manual_seed(seed)
    expected = call(torch)
    mt.manual_seed(seed)
    got = call(mt)
    assert_bit_identical(got, expected)
    assert_bit_identical(mt.get_rng_state(), torch.get_rng_state())


def dt(lib, name: str):
    return getattr(lib, name)


# --------------------------------------------------------------------------- one table of streams
FLOAT_CASES = {
    "rand": lambda lib, n, d: lib.rand(n, dtype=dt(lib, d)),
    "rand_like": lambda lib, n, d: lib.rand_like(lib.zeros(n, dtype=dt(lib, d))),
    "uniform_": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).uniform_(-0.37, 0.81),
    "randn": lambda lib, n, d: lib.randn(n, dtype=dt(lib, d)),
    "randn_like": lambda lib, n, d: lib.randn_like(lib.zeros(n, dtype=dt(lib, d))),
    "normal_": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).normal_(0.5, 0.02),
    "normal_ twice (cached normal)": lambda lib, n, d: [lib.randn(n, dtype=dt(lib, d)),
                                                        lib.randn(3, dtype=dt(lib, d))],
    # a transposed view is filled in memory order; n >= 1 (minitorch_ref's overlap check rejects an empty view)
    "normal_ non-contiguous": lambda lib, n, d: lib.zeros(max(n, 1), 3, dtype=dt(lib, d)).t().normal_(1.0, 3.0),
    "uniform_ non-contiguous": lambda lib, n, d: lib.zeros(max(n, 1), 2, dtype=dt(lib, d)).t().uniform_(-1, 2),
    "exponential_": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).exponential_(2.5),
    "exponential_(inf)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).exponential_(float("inf")),  # zeros
    "random_()": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).random_(),
    "random_(to)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).random_(100),
    "bernoulli(p tensor)": lambda lib, n, d: lib.bernoulli(lib.linspace(0, 1, n, dtype=dt(lib, d))),
}


@pytest.mark.parametrize("dtype", DTYPES + ["float16"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(FLOAT_CASES))
def test_float_streams(case, size, dtype):
    for seed in SEEDS[:3]:
        same_numbers(lambda lib: FLOAT_CASES[case](lib, size, dtype), seed)


# sizes past one pass of the float32 kernel (`_rng_math._LANES` radii: 65536 elements) and of the
# float64 chunks, whole and ragged; means and stds that take each of the kernel's last steps (std 1;
# mean 0; mean +- 6 std in two binades; the general one)
LARGE_NORMAL_CASES = {
    "randn": lambda lib, n, d: lib.randn(n, dtype=dt(lib, d)),
    "normal_(0.5, 0.02)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).normal_(0.5, 0.02),
    "normal_(-3, 1)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).normal_(-3.0, 1.0),
    "normal_(0, 0.02)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).normal_(0.0, 0.02),
    "normal_(-0.5, 3)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).normal_(-0.5, 3.0),
    "uniform_(-0.5, 0.5)": lambda lib, n, d: lib.empty(n, dtype=dt(lib, d)).uniform_(-0.5, 0.5),  # (in chunks)
    "rand": lambda lib, n, d: lib.rand(n, dtype=dt(lib, d)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", [131072 + 16, 3 * 65536 + 16 * 7 + 5])
@pytest.mark.parametrize("case", list(LARGE_NORMAL_CASES))
def test_large_normal_streams(case, size, dtype):
    for seed in SEEDS[1:3]:
        same_numbers(lambda lib: LARGE_NORMAL_CASES[case](lib, size, dtype), seed)


def test_a_large_uniform_fill_needs_about_its_own_size_in_temporaries():
    """uniform_ on a large table (the course's embedding init) draws in chunks: the temporaries stay
    near one copy of the table (three copies, before), and the numbers are torch's (above)."""
    import tracemalloc

    table = mt.empty(2_000_000)  # (8 MB: one chunk's temporaries, about 1 MB, are small beside it)
    tracemalloc.start()
    table.uniform_(-0.5, 0.5)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1.3 * table._data.nbytes, f"peak {peak / table._data.nbytes:.2f}x the table"


@pytest.mark.parametrize("mean, std", [(float("inf"), 2.0), (3.0, float("inf")), (float("nan"), 0.5), (2.0, 0.0),
                                       (0.0, 0.0), (-0.0, 0.3), (-0.0, 1.0), (1e-30, 1e-31)])
def test_float32_normal_fill_with_edge_means_and_stds(mean, std):
    """The float32 kernel's last step `n * std + mean` picks a path by mean and std (`_rng_math._last_step`):
    infinite, NaN, zero and signed-zero means, zero and infinite stds, tiny results; bits equal torch's."""
    same_numbers(lambda lib: lib.empty(1000).normal_(mean, std), 1)


def test_a_zero_radius_gives_plus_zero_as_in_torch():
    """A draw whose low 24 bits are 0 in a radius lane gives radius sqrt(-2 log 1) = -0.0; torch's
    final `n * std + mean` (an FMA, even for mean 0 and std 1) turns both normals into +0.0.
    With seed 12 that happens at element 411302 of a float32 randn (a block of 16 from 411296)."""
    size, block = 411312, 411296
    torch.manual_seed(12)
    expected = torch.randn(size)
    assert expected[block + 6].item() == 0.0 and expected[block + 14].item() == 0.0  # the case is there
    mt.manual_seed(12)
    assert_bit_identical(mt.randn(size)[block:block + 16], expected[block:block + 16])


def test_float32_normals_drawn_in_several_threads_at_once():
    """The fast kernel keeps its scratch buffers per thread: streams drawn at the same time in
    several threads equal the same streams drawn one after another."""
    from concurrent.futures import ThreadPoolExecutor

    def draw(seed):
        return mt.randn(200_003, generator=mt.Generator().manual_seed(seed)).numpy()

    expected = [draw(seed) for seed in range(4)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(draw, range(4)))
    for one, other in zip(got, expected):
        assert np.array_equal(one.view(np.int32), other.view(np.int32))


def test_fast_box_muller_equals_the_reference_rule_for_every_input():
    """float32 `normal_fill` runs `_rng_math.box_muller_avx2`, the reference rule
    `_generator._box_muller_16` (log256 and sincos256 step by step, each FMA rounded by `fma32`)
    reorganised for speed. A draw enters only through its low 24 bits k (u = k * 2**-24), so there
    are 2**24 inputs per lane: with MINITORCH_EXHAUSTIVE=1 every k goes through both, once as a
    radius lane and once as an angle lane (10-20 s: run it after any change to the kernel);
    otherwise every 5th k (all octants and exponents) and the 2**16 k at each end of the range."""
    from minitorch_ref._generator import _box_muller_16
    from minitorch_ref._rng_math import box_muller_avx2

    everything = np.arange(1 << 24, dtype=np.uint32)
    if os.environ.get("MINITORCH_EXHAUSTIVE") != "1":
        everything = np.concatenate([everything[:1 << 16], everything[1 << 16:-(1 << 16):5], everything[-(1 << 16):]])
    everything = everything[:len(everything) - len(everything) % 8]
    high_bytes = np.random.default_rng(0).integers(0, 256, 2 * len(everything), dtype=np.uint32) << 24  # dropped
    step = 1 << 20
    for start in range(0, len(everything), step):
        lanes = everything[start:start + step].reshape(-1, 8)
        k = np.concatenate([lanes, lanes[::-1]], axis=1).reshape(-1)  # radii from lanes, angles from lanes reversed
        u = k.astype(np.float32) * np.float32(2.0 ** -24)
        fast, reference = box_muller_avx2(k | high_bytes[:len(k)]), _box_muller_16(u, np.float32, 0.0, 1.0)
        assert np.array_equal(fast.view(np.int32), reference.view(np.int32)), start
    k, u = k[:1 << 16], u[:1 << 16]
    for mean, std in ((0.5, 0.02), (-3.0, 1.0), (0.0, 0.0), (1e-3, 7.5)):  # the last step: z * std + mean
        fast, reference = box_muller_avx2(k, mean, std), _box_muller_16(u, np.float32, mean, std)
        assert np.array_equal(fast.view(np.int32), reference.view(np.int32)), (mean, std)


def _every_kernel_input() -> np.ndarray:
    """The low 24 bits k a float32 kernel lane sees: all 2**24 with MINITORCH_EXHAUSTIVE=1, otherwise
    every 5th k (all octants and exponents) and the 2**16 k at each end of the range."""
    everything = np.arange(1 << 24, dtype=np.uint32)
    if os.environ.get("MINITORCH_EXHAUSTIVE") != "1":
        everything = np.concatenate([everything[:1 << 16], everything[1 << 16:-(1 << 16):5], everything[-(1 << 16):]])
    return everything


def test_kernel_lanes_equal_log256_and_sincos256_for_every_input():
    """Lane by lane: the fast kernel's radius (`_rng_math._radii`) is sqrt(-2 log256(1 - u)) and its
    cosine and sine (`_cos_sin`, signs and octant swaps done) are sincos256(2 pi u), bit for bit, for
    every k (u = k * 2**-24; the draw's top byte is ignored). The kernel's normals are these
    multiplied, one float32 product each, so they are right for every pair of lanes."""
    from minitorch_ref import _rng_math

    k = _every_kernel_input()
    k = k | (np.random.default_rng(1).integers(0, 256, len(k), dtype=np.uint32) << 24)  # the ignored byte
    step = 1 << 16
    for start in range(0, len(k), step):
        part = k[start:start + step]
        lanes = _rng_math._Buffers(len(part))
        u = (part & 0xFFFFFF).astype(np.float32) * np.float32(2.0 ** -24)
        radius = _rng_math._radii(part.view(np.int32), lanes)
        expected = np.sqrt(np.float32(-2.0) * _rng_math.log256(np.float32(1.0) - u))
        assert np.array_equal(radius.view(np.int32), expected.view(np.int32)), start
        cosine, sine = _rng_math._cos_sin(part.view(np.int32), lanes)
        expected_sine, expected_cosine = _rng_math.sincos256(np.float32(2.0 * math.pi) * u)
        assert np.array_equal(cosine.view(np.int32), expected_cosine.view(np.int32)), start
        assert np.array_equal(sine.view(np.int32), expected_sine.view(np.int32)), start


def test_each_rounded_step_stays_in_its_two_binades():
    """The kernel rounds the polynomial steps of log256 and sincos256 with constants that are exact
    only while a step's results stay in the range it declares (`_rng_math._rounding_constants`):
    every input's results, computed step by step with `fma32`, do."""
    from minitorch_ref import _rng_math
    from minitorch_ref._rng_math import fma32

    u = _every_kernel_input().astype(np.float32) * np.float32(2.0 ** -24)
    mantissa, _ = np.frexp(np.float32(1.0) - u)  # log256's x: the mantissa in [sqrt(1/2), sqrt(2)), minus 1
    x = np.where(mantissa < np.float32(0.707106781186547524), mantissa + mantissa - 1, mantissa - 1)
    y = np.full_like(x, np.float32(_rng_math._LOG_P[0]))
    for addend, (low, high) in _rng_math._LOG_STEPS:
        y = fma32(y, x, addend, False)
        assert low <= y.min() and y.max() <= high, (addend, y.min(), y.max())
    angle = np.float32(2.0 * math.pi) * u  # sincos256's reduction, then z = x * x
    octant = ((angle * np.float32(1.27323954473516)).astype(np.int32) + 1) & ~1
    j = octant.astype(np.float32)
    for piece in (0.78515625, 2.4187564849853515625e-4, 3.77489497744594108e-8):
        angle = fma32(j, np.float32(-piece), angle)
    z = angle * angle
    for first, steps in ((2.443315711809948E-005, _rng_math._COS_STEPS), (-1.9515295891E-4, _rng_math._SIN_STEPS)):
        y = np.full_like(z, np.float32(first))
        for addend, (low, high) in steps:
            y = fma32(y, z, addend, False)
            assert low <= y.min() and y.max() <= high, (addend, y.min(), y.max())


INT_CASES = {
    "randint": lambda lib, n: lib.randint(3, 17, (n,)),
    "randint(high)": lambda lib, n: lib.randint(10, (n, 2)),
    "randint, 64-bit range": lambda lib, n: lib.randint(-5, 2**40, (n,)),
    "randint, range 2**28 (64-bit draws)": lambda lib, n: lib.randint(0, 2**28, (n,)),
    "randint, range 2**28 - 1 (32-bit draws)": lambda lib, n: lib.randint(7, 7 + 2**28 - 1, (n,)),
    "randint, range 2**32 - 1": lambda lib, n: lib.randint(-2**31, 2**31 - 1, (n,)),
    "randint int32, range 3 * 2**29": lambda lib, n: lib.randint(-2**30, 2**29, (n,), dtype=lib.int32),
    "randint_like, range 2**30": lambda lib, n: lib.randint_like(lib.zeros(n, dtype=lib.int64), 2**30),
    "random_(from, to), range 3 * 2**30": lambda lib, n: lib.empty(n, dtype=lib.int64).random_(5, 5 + 3 * 2**30),
    "random_(from, None) int16": lambda lib, n: lib.empty(n, dtype=lib.int16).random_(-7, None),
    "random_(from, None) float64": lambda lib, n: lib.empty(n, dtype=lib.float64).random_(3, None),
    "random_(-2**63, None)": lambda lib, n: lib.empty(n, dtype=lib.int64).random_(-2**63, None),
    "random_(-2**63, None) float32": lambda lib, n: lib.empty(n, dtype=lib.float32).random_(-2**63, None),
    "randint int32": lambda lib, n: lib.randint(-7, 7, (n,), dtype=lib.int32),
    "randint_like": lambda lib, n: lib.randint_like(lib.zeros(n, dtype=lib.int64), 4, 9),
    "random_() int64": lambda lib, n: lib.empty(n, dtype=lib.int64).random_(),
    "random_() int32": lambda lib, n: lib.empty(n, dtype=lib.int32).random_(),
    "random_(from, to)": lambda lib, n: lib.empty(n, dtype=lib.int64).random_(-3, 5),
    "randperm": lambda lib, n: lib.randperm(n),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", list(INT_CASES))
def test_integer_streams(case, size):
    for seed in SEEDS:
        same_numbers(lambda lib: INT_CASES[case](lib, size), seed)


@MKL_BERNOULLI
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dtype", DTYPES + ["int64", "bool"])
def test_bernoulli_with_a_number(size, dtype):
    for seed in SEEDS[:3]:
        same_numbers(lambda lib: lib.empty(size, dtype=dt(lib, dtype)).bernoulli_(0.3), seed)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_samples, replacement", [(1, False), (1, True), (3, False), (5, False), (9, True)])
def test_multinomial(dtype, num_samples, replacement):
    weights = np.random.default_rng(0).random((4, 7)) ** 2
    weights[1, :2] = 0  # impossible categories are never drawn
    for seed in SEEDS:
        same_numbers(lambda lib: lib.multinomial(lib.from_numpy(weights).to(dt(lib, dtype)), num_samples,
                                                 replacement), seed)
        same_numbers(lambda lib: lib.from_numpy(weights[0]).to(dt(lib, dtype)).multinomial(num_samples,
                                                                                            replacement), seed)


def test_a_mixed_sequence_of_calls_stays_in_step():
    def sequence(lib):
        return [lib.randn(5), lib.rand(3, dtype=lib.float64).float(), lib.randn(40), lib.randint(0, 9, (4,)).float(),
                lib.randn(1, dtype=lib.float64).float(), lib.randperm(12).float(), lib.empty(20).uniform_(-2, 2)]
    for seed in SEEDS:
        same_numbers(sequence, seed)


@pytest.mark.parametrize("dtype, low, high", [
    ("float16", 0.0, 1.0), ("float16", -1.0, 1.0), ("float16", 2046.0, 2048.0),
    ("float32", 2.0**24 - 2, 2.0**24), ("float64", 2.0**53 - 2, 2.0**53)])
def test_a_uniform_that_rounds_up_to_to_becomes_from(dtype, low, high):
    """uniform_ promises [from, to): where `u * (to - from) + from` rounds up to `to` in the tensor's
    dtype (about one float16 uniform in 4096 reaches 1.0; a quarter of these float32/float64 ones reach
    2**24 or 2**53, where the spacing doubles), torch writes `from` instead."""
    for seed in SEEDS[:2]:
        same_numbers(lambda lib: lib.empty(100_000, dtype=dt(lib, dtype)).uniform_(low, high), seed)


@pytest.mark.parametrize("call", [
    lambda lib: lib.empty(30_000, dtype=lib.float16).exponential_(1.0),
    lambda lib: lib.empty(30_000, dtype=lib.float16).exponential_(0.3),
    lambda lib: lib.zeros(3000, 2, dtype=lib.float16).t().normal_(0.1, 1.7),  # the float64 path, one by one
], ids=["exponential_", "exponential_(0.3)", "normal_ non-contiguous"])
def test_float16_from_float64_rounds_through_float32(call):
    """float16 values computed in float64 become a float32 first, then a float16 (C++ makes a
    c10::Half from a float): two roundings, which differ from one for about one value in 5000."""
    for seed in SEEDS[:2]:
        same_numbers(call, seed)


@pytest.mark.parametrize("dtype", DTYPES + ["float16"])
@pytest.mark.parametrize("size", [1, 5, 15])
@pytest.mark.parametrize("mean, std", [(float("inf"), 1.0), (-float("inf"), 2.0), (0.0, float("inf")),
                                       (-1.0, float("inf")), (float("nan"), 1.0), (-0.0, 1.0)])
def test_normal_with_infinite_mean_or_std_on_the_one_by_one_path(mean, std, size, dtype):
    """Below 16 elements `z * std + mean` is one float64 FMA per number: an infinite mean or std
    gives infinities (NaN only for z * inf with z = 0), as torch, not the NaN of an FMA emulation."""
    same_numbers(lambda lib: lib.empty(size, dtype=dt(lib, dtype)).normal_(mean, std), 3)


# tensors whose memory order is not their logical order (and a contiguous one); random fills write in memory order
LAYOUTS = {
    "transposed": lambda lib, d: lib.zeros(6, 5, dtype=dt(lib, d)).t(),
    "transposed, 16 or more": lambda lib, d: lib.zeros(40, 7, dtype=dt(lib, d)).t(),
    "permuted": lambda lib, d: lib.zeros(2, 3, 4, dtype=dt(lib, d)).permute(2, 0, 1),
    "sliced": lambda lib, d: lib.zeros(5, 6, dtype=dt(lib, d))[:, ::2],
    "transposed and sliced": lambda lib, d: lib.zeros(5, 6, dtype=dt(lib, d)).t()[:, ::2],
    "expanded": lambda lib, d: lib.zeros(3, 1, dtype=dt(lib, d)).expand(3, 4),
    "a dimension of size 1": lambda lib, d: lib.zeros(4, 3, dtype=dt(lib, d)).t().unsqueeze(1),
    "contiguous": lambda lib, d: lib.zeros(4, 5, dtype=dt(lib, d)),
}
LIKE_CALLS = {
    "rand_like": lambda lib, x: lib.rand_like(x),
    "randn_like": lambda lib, x: [lib.randn_like(x), lib.randn(3)],  # (and the cached normal after it)
    "randint_like": lambda lib, x: lib.randint_like(x, 3, 1000),
    "bernoulli_(p tensor)": lambda lib, x: lib.empty_like(x).bernoulli_(lib.rand(x.shape)),
    "dropout": lambda lib, x: lib.nn.functional.dropout(lib.ones_like(x), 0.5),
}


def strides(t) -> list:
    """Element strides of the dimensions longer than 1 (those of length 1 never matter)."""
    if isinstance(t, torch.Tensor):
        return [s for s, n in zip(t.stride(), t.shape) if n > 1]
    return [s // t._data.itemsize for s, n in zip(t._data.strides, t.shape) if n > 1]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("case", list(LIKE_CALLS))
def test_random_fills_of_other_layouts_run_in_memory_order(case, layout, dtype):
    """torch's `*_like` keep the input's layout (memory_format=torch.preserve_format; dropout's noise
    is `empty_like(input)`), and random fills write in memory order: `rand_like(x.t())` equals
    `rand(x.shape).t()`. A non-contiguous randn_like takes the one-by-one path, whatever its size."""
    if case == "dropout" and _torch_bernoulli_uses_mkl():
        pytest.skip(MKL_BERNOULLI.kwargs["reason"])
    for seed in SEEDS[:2]:
        same_numbers(lambda lib: LIKE_CALLS[case](lib, LAYOUTS[layout](lib, dtype)), seed)


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("like", ["empty_like", "zeros_like", "ones_like", "full_like", "rand_like", "randint_like"])
def test_like_functions_keep_the_layout(like, layout):
    args = {"full_like": (2.5,), "randint_like": (9,)}.get(like, ())
    made = [getattr(lib, like)(LAYOUTS[layout](lib, "float32"), *args) for lib in (torch, mt)]
    assert strides(made[1]) == strides(made[0])
    if like in ("zeros_like", "ones_like", "full_like"):
        assert_bit_identical(made[1], made[0])


# --------------------------------------------------------------------------- seeding and state
def test_seeding_and_initial_seed():
    assert mt.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    for seed in SEEDS + [-1, -(2**63), 2**63, 2**64 - 1]:
        assert mt.manual_seed(seed).initial_seed() == torch.manual_seed(seed).initial_seed() == mt.initial_seed()
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow"):
            torch.manual_seed(bad)
        with pytest.raises(ValueError, match="Overflow"):
            mt.manual_seed(bad)
    new_seed = mt.seed()
    assert mt.initial_seed() == new_seed and 0 <= new_seed < 2**64
    torch.manual_seed(new_seed)
    assert_bit_identical(mt.rand(5), torch.rand(5))


def test_rng_state_in_torch_layout_round_trips_across_backends():
    torch.manual_seed(11)
    mt.manual_seed(11)
    for lib in (torch, mt):
        lib.rand(700)  # past one regeneration of the 624-word state
        lib.randn(3)  # leaves a cached normal
    state = torch.get_rng_state()
    assert_bit_identical(mt.get_rng_state(), state)
    assert mt.get_rng_state().dtype == mt.uint8 and tuple(mt.get_rng_state().shape) == (5056,)
    expected = torch.randn(21)
    mt.set_rng_state(mt.from_numpy(state.numpy()))  # torch's bytes load into minitorch_ref
    assert_bit_identical(mt.randn(21), expected)
    saved = mt.get_rng_state()
    first = mt.rand(9)
    mt.set_rng_state(saved)
    assert_bit_identical(mt.rand(9), first)
    with pytest.raises(RuntimeError, match="RNG state size"):
        mt.set_rng_state(mt.zeros(10, dtype=mt.uint8))


def test_generator_keyword_keeps_streams_apart():
    for seed in SEEDS[:3]:
        torch.manual_seed(99)
        mt.manual_seed(99)
        gens = torch.Generator().manual_seed(seed), mt.Generator().manual_seed(seed)
        for lib, g in zip((torch, mt), gens):
            assert g.initial_seed() == seed
        calls = [lambda lib, g: lib.rand(20, generator=g), lambda lib, g: lib.randn(7, generator=g),
                 lambda lib, g: lib.randint(0, 5, (9,), generator=g), lambda lib, g: lib.randperm(10, generator=g),
                 lambda lib, g: lib.empty(18).normal_(generator=g), lambda lib, g: lib.empty(4).uniform_(generator=g),
                 lambda lib, g: lib.bernoulli(lib.full((6,), 0.5), generator=g),
                 lambda lib, g: lib.multinomial(lib.ones(5), 2, generator=g)]
        for call in calls:
            assert_bit_identical(call(mt, gens[1]), call(torch, gens[0]))
        assert_bit_identical(gens[1].get_state(), gens[0].get_state())
        assert_bit_identical(mt.get_rng_state(), torch.get_rng_state())  # the default one was not touched


# --------------------------------------------------------------------------- built on the streams
INIT_CASES = {
    "uniform_": lambda init, w: init.uniform_(w, -0.1, 0.3),
    "normal_": lambda init, w: init.normal_(w, 0.2, 0.05),
    "xavier_uniform_": lambda init, w: init.xavier_uniform_(w, gain=1.7),
    "xavier_normal_": lambda init, w: init.xavier_normal_(w),
    "kaiming_uniform_": lambda init, w: init.kaiming_uniform_(w, a=math.sqrt(5)),
    "kaiming_uniform_ relu fan_out": lambda init, w: init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"),
    "kaiming_normal_": lambda init, w: init.kaiming_normal_(w, nonlinearity="relu"),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 5), (1, 15), (4, 4), (300, 17)])
@pytest.mark.parametrize("case", list(INIT_CASES))
def test_nn_init(case, shape, dtype):
    same_numbers(lambda lib: INIT_CASES[case](lib.nn.init, lib.empty(*shape, dtype=dt(lib, dtype))), seed=5)


MODULES = {
    "Linear": lambda lib: lib.nn.Linear(13, 7),
    "Linear without bias": lambda lib: lib.nn.Linear(3, 2, bias=False),
    "Embedding": lambda lib: lib.nn.Embedding(20, 6, padding_idx=3),
    "EmbeddingBag": lambda lib: lib.nn.EmbeddingBag(50, 8, mode="mean"),
    "Sequential": lambda lib: lib.nn.Sequential(lib.nn.Linear(4, 16), lib.nn.ReLU(), lib.nn.Linear(16, 1)),
}
COURSE_MODELS = {
    "LinearRegressionModel": (), "SimpleNN": (10, 5, 1), "TextClassifier": (50, 8, 4),
    "TextClassificationModel": (50, 8, 4),
}


def state_values(module) -> list:
    return [v for _, v in sorted(module.state_dict().items())]


@pytest.mark.parametrize("name", list(MODULES) + list(COURSE_MODELS))
def test_default_initialisation_of_modules_and_course_models(name):
    from minitorch_ref import models as mt_models
    from torch_impl import models as torch_models

    def build(lib):
        if name in MODULES:
            return state_values(MODULES[name](lib))
        return state_values(getattr(mt_models if lib is mt else torch_models, name)(*COURSE_MODELS[name]))
    for seed in SEEDS[:3]:
        same_numbers(build, seed)


@MKL_BERNOULLI
@pytest.mark.parametrize("size", [1, 15, 16, 100])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.9, 1.0])
def test_dropout_masks(size, p):
    for seed in SEEDS[:3]:
        same_numbers(lambda lib: lib.nn.functional.dropout(lib.ones(size, 3), p), seed)
        same_numbers(lambda lib: lib.nn.Dropout(p)(lib.ones(size, dtype=lib.float64)), seed)


def loader_orders(lib, data_module, n: int, epochs: int = 2, **kwargs) -> list:
    dataset = data_module.TensorDataset(lib.arange(n))
    loader = data_module.DataLoader(dataset, batch_size=4, shuffle=True, **kwargs)
    orders = [[batch[0].tolist() for batch in loader] for _ in range(epochs)]
    return orders + [lib.rand(3).tolist()]  # the default stream after the epochs is torch's too


@pytest.mark.parametrize("n", [1, 10, 23])
def test_dataloader_shuffle_order(n):
    for seed in SEEDS:
        torch.manual_seed(seed)
        expected = loader_orders(torch, tdata, n)
        mt.manual_seed(seed)
        assert loader_orders(mt, mdata, n) == expected
        generators = torch.Generator().manual_seed(seed + 1), mt.Generator().manual_seed(seed + 1)
        expected = loader_orders(torch, tdata, n, generator=generators[0])
        assert loader_orders(mt, mdata, n, generator=generators[1]) == expected


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.3, 0.4], [10]])
def test_random_split(lengths):
    for seed in SEEDS:
        torch.manual_seed(seed)
        expected = [list(part) for part in tdata.random_split(range(10), lengths)]
        mt.manual_seed(seed)
        assert [list(part) for part in mdata.random_split(range(10), lengths)] == expected
        expected = [list(part) for part in tdata.random_split(range(10), lengths,
                                                               generator=torch.Generator().manual_seed(seed))]
        got = [list(part) for part in mdata.random_split(range(10), lengths,
                                                         generator=mt.Generator().manual_seed(seed))]
        assert got == expected


# --------------------------------------------------------------------------- the exact arithmetic underneath
def test_fused_multiply_add_helpers_round_once():
    """`fma32`/`fma64` (torch's compiled `x * y + z`) equal exact rational arithmetic rounded once,
    including near-cancellations, where rounding twice goes wrong most often."""
    from fractions import Fraction

    from minitorch_ref._rng_math import fma32, fma64

    rng = np.random.default_rng(3)
    a, b, c = rng.random(3000), rng.standard_normal(3000) * 0.37, rng.standard_normal(3000)
    c[:1000] = -(a[:1000] * b[:1000])
    c[1000:2000] = np.nextafter(-(a[1000:2000] * b[1000:2000]), 0)
    for dtype, fma in ((np.float64, fma64), (np.float32, fma32)):
        x, y = a.astype(dtype), b.astype(dtype)
        z = c.astype(dtype) if dtype == np.float64 else (-(x.astype(np.float64) * y)).astype(dtype)
        exact = [dtype(float(Fraction(float(p)) * Fraction(float(q)) + Fraction(float(r)))) for p, q, r in zip(x, y, z)]
        np.testing.assert_array_equal(fma(x, y, z), np.array(exact, dtype))


def test_the_kernels_last_step_is_fma32():
    """float32 normal_ with std != 1 ends with `n * std + mean` on the kernel's buffers
    (`_rng_math._times_std_plus_mean`, for the kernel's normals: |n| < 5.77); it equals `fma32`
    on each of its three paths: mean 0 (a float32 product), every result in two binades (the
    rounding constants), and the general one, also where sums cancel to tiny values (the lanes it
    hands back to `fma32`)."""
    from minitorch_ref import _rng_math

    rng = np.random.default_rng(11)
    largest = np.float32(5.768)  # sqrt(-2 log256(2**-24)), the largest |normal| the kernel makes
    for std, mean in ((0.02, 0.5), (0.5, -10.0), (0.02, 0.0), (7.5, -0.0),  # mean 0; two binades
                      (7.5, -1e-3), (1e-30, 3e-38), (0.37, -0.37), (0.02, 1e-30)):  # the general path
        n = np.clip(rng.standard_normal(5000), -largest, largest).astype(np.float32)
        n[:4] = [largest, -largest, 0.0, -0.0]
        if abs(mean / std) < largest:  # n * std + mean: zero or tiny
            n[50:100] = np.float32(-mean / std)
            n[100:150] = np.nextafter(n[50:100], np.float32(0))
        got = n.copy()
        _rng_math._times_std_plus_mean(got, std, mean, _rng_math._Buffers(len(n)))
        expected = _rng_math.fma32(n, np.float32(std), np.float32(mean))
        assert np.array_equal(got.view(np.int32), expected.view(np.int32)), (std, mean)


def test_fused_multiply_adds_in_pieces_equal_one_pass():
    """Large arrays go through `fma32`/`fma64` in pieces (`_rng_math._in_pieces`); broadcast and
    scalar operands are cut the same way, so the result equals one pass over the whole array."""
    from minitorch_ref import _rng_math

    rng = np.random.default_rng(5)
    n = 3 * _rng_math._PIECE + 17
    for dtype, fma in ((np.float64, _rng_math.fma64), (np.float32, _rng_math.fma32)):
        a = rng.standard_normal((n // 17, 17)).astype(dtype)
        b, c = rng.standard_normal(17).astype(dtype), dtype(-0.37)  # a row, broadcast; a scalar
        got = fma(a, b, c)
        assert got.shape == a.shape and got.dtype == dtype
        assert np.array_equal(got, fma.__wrapped__(a, b, c))


def raised(call, lib) -> tuple:
    """The exception `call(lib)` raises: its type and message (torch's names as minitorch_ref's)."""
    with pytest.raises(Exception) as info:
        call(lib)
    return type(info.value), str(info.value).replace("torch.", "minitorch_ref.")


BAD_CALLS = {
    "uniform_ from > to": lambda lib: lib.empty(3).uniform_(2.5, 1),
    "uniform_ to inf": lambda lib: lib.empty(3).uniform_(0, float("inf")),
    "uniform_ from nan": lambda lib: lib.empty(3).uniform_(float("nan"), 1),
    "uniform_ float16 beyond the dtype": lambda lib: lib.empty(3, dtype=lib.float16).uniform_(0, 70000),
    "uniform_ float16 width beyond the dtype": lambda lib: lib.empty(3, dtype=lib.float16).uniform_(-6e4, 6e4),
    "uniform_ float64 width beyond the dtype": lambda lib: lib.empty(3, dtype=lib.float64).uniform_(-1e308, 1e308),
    "uniform_ int64": lambda lib: lib.empty(3, dtype=lib.int64).uniform_(),
    "uniform_ bool, empty": lambda lib: lib.empty(0, dtype=lib.bool).uniform_(),
    "rand int64": lambda lib: lib.rand(2, dtype=lib.int64),
    "normal_ std < 0": lambda lib: lib.empty(3).normal_(0, -0.25),
    "normal_ std nan": lambda lib: lib.empty(3).normal_(0, float("nan")),
    "normal_ int64": lambda lib: lib.empty(3, dtype=lib.int64).normal_(),
    "randn int32": lambda lib: lib.randn(20, dtype=lib.int32),
    "exponential_ int32": lambda lib: lib.empty(3, dtype=lib.int32).exponential_(),
    "exponential_ lambda nan": lambda lib: lib.empty(3).exponential_(float("nan")),
    "exponential_ lambda < 0": lambda lib: lib.empty(3).exponential_(-1 / 3),
    "bernoulli_ p > 1": lambda lib: lib.empty(3).bernoulli_(1.5),
    "bernoulli_ p nan": lambda lib: lib.empty(3).bernoulli_(float("nan")),
    "bernoulli, a nan probability": lambda lib: lib.bernoulli(lib.tensor([0.5, float("nan")])),
    "bernoulli of int64 probabilities": lambda lib: lib.bernoulli(lib.zeros(3, dtype=lib.int64)),
    "bernoulli_ with int64 probabilities": lambda lib: lib.empty(3).bernoulli_(lib.zeros(3, dtype=lib.int64)),
    "randint empty range": lambda lib: lib.randint(5, 5, (2,)),
    "randint int8 to 1000": lambda lib: lib.randint(0, 1000, (3,), dtype=lib.int8),
    "randint bool to 3": lambda lib: lib.randint(0, 3, (3,), dtype=lib.bool),
    "randint float16 to 100000": lambda lib: lib.randint(0, 100000, (3,), dtype=lib.float16),
    "randint beyond int64": lambda lib: lib.randint(2**63, (2,)),
    "random_ uint8 from -5": lambda lib: lib.empty(3, dtype=lib.uint8).random_(-5, 3),
    "random_ int8 to 1000": lambda lib: lib.empty(3, dtype=lib.int8).random_(1000),
    "random_ int8 from 200 to the top": lambda lib: lib.empty(3, dtype=lib.int8).random_(200, None),
    "random_ float16 bounds that meet once rounded": lambda lib: lib.empty(3, dtype=lib.float16).random_(4098, 4100),
    "random_ float16 from beyond 2**11 to the top": lambda lib: lib.empty(3, dtype=lib.float16).random_(65504, None),
    "random_ int8 over all int64": lambda lib: lib.empty(3, dtype=lib.int8).random_(-2**63, None),
    "randperm int8 129": lambda lib: lib.randperm(129, dtype=lib.int8),
    "randperm uint8 300": lambda lib: lib.randperm(300, dtype=lib.uint8),
    "randperm float16 3000": lambda lib: lib.randperm(3000, dtype=lib.float16),
    "randperm float32 2**24 + 2": lambda lib: lib.randperm(2**24 + 2, dtype=lib.float32),
    "randperm bool": lambda lib: lib.randperm(3, dtype=lib.bool),
    "randperm(3.0)": lambda lib: lib.randperm(3.0),
    "randperm(-1)": lambda lib: lib.randperm(-1),
    "multinomial < 0, with replacement": lambda lib: lib.multinomial(lib.tensor([0.5, -0.1, 0.6]), 2, True),
    "multinomial nan, with replacement": lambda lib: lib.multinomial(lib.tensor([0.5, float("nan")]), 2, True),
    "multinomial inf, with replacement": lambda lib: lib.multinomial(lib.tensor([0.5, float("inf")]), 2, True),
    "multinomial zeros, with replacement": lambda lib: lib.multinomial(lib.zeros(2, 3), 4, True),
    "multinomial < 0, one sample": lambda lib: lib.multinomial(lib.tensor([0.5, -0.1, 0.6]), 1, True),
    "dropout p nan": lambda lib: lib.nn.functional.dropout(lib.ones(3), float("nan"), training=False),
    "set_rng_state of zeros": lambda lib: lib.set_rng_state(lib.zeros(5056, dtype=lib.uint8)),
    "set_rng_state of float32": lambda lib: lib.set_rng_state(lib.zeros(5056)),
    "set_rng_state of a list": lambda lib: lib.set_rng_state([0] * 5056),
    "set_rng_state of the wrong size": lambda lib: lib.set_rng_state(lib.zeros(10, dtype=lib.uint8)),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_arguments_raise_torchs_error(case):
    assert raised(BAD_CALLS[case], mt) == raised(BAD_CALLS[case], torch)


@pytest.mark.parametrize("call", [
    lambda lib: lib.rand(3, generator=5),
    lambda lib: lib.randint(0, 3, (3,), generator=5),
    lambda lib: lib.empty(3).uniform_(generator=torch.Generator() if lib is mt else mt.Generator()),
], ids=["rand", "randint", "uniform_ with the other library's generator"])
def test_a_generator_that_is_not_one_raises_a_type_error(call):
    """(torch's message lists every signature of the function: minitorch_ref's only says what is wrong)"""
    assert raised(call, mt)[0] is raised(call, torch)[0] is TypeError


@pytest.mark.parametrize("dtype, low, high", [("float32", 0, 2**25), ("float16", 0, 65504), ("float16", -2**12, 4),
                                              ("float16", 4098, 4102), ("float64", -2**60, None)])
def test_random_bounds_beyond_a_floats_whole_numbers_warn(dtype, low, high):
    """Integers beyond 2**digits are not all floats: torch warns (and draws anyway, moving bounds that
    round past each other inwards: 65503 is 65504 in float16)."""
    def call(lib):
        return lib.empty(50, dtype=dt(lib, dtype)).random_(low, high)
    torch.manual_seed(4)
    expected, expected_warnings = with_warnings(call, torch)
    mt.manual_seed(4)
    got, got_warnings = with_warnings(call, mt)
    assert_bit_identical(got, expected)
    assert got_warnings == expected_warnings and got_warnings

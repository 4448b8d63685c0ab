"""Creating tensors from values as torch does: the dtype a value gives (`arange` of a 0-d integer
tensor is int64, `full` with a NumPy integer too), how a fill value is converted (-1 wraps around
to 255 in uint8; NaN, infinities and values out of range raise for integers), and Python ints
beyond int64, which torch cannot read as integers.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_ref as mt

NAN, INF = float("nan"), float("inf")


def values(t) -> tuple:
    """dtype name, shape and bits of a tensor (NaNs and signed zeros compared exactly)."""
    array = t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy()
    return str(t.dtype).split(".")[-1], array.shape, array.tobytes()


MADE = {
    "arange(0-d int tensor)": lambda lib: lib.arange(lib.tensor(3)),
    "arange(0-d int32 tensor)": lambda lib: lib.arange(lib.tensor(4, dtype=lib.int32)),
    "arange(tensor, int, tensor)": lambda lib: lib.arange(lib.tensor(1), 8, lib.tensor(2)),
    "arange(0-d float tensor)": lambda lib: lib.arange(lib.tensor(2.5, dtype=lib.float64)),
    "full, NumPy int32": lambda lib: lib.full((2, 3), np.int32(3)),
    "full, NumPy uint8": lambda lib: lib.full((2,), np.uint8(7)),
    "full, NumPy bool": lambda lib: lib.full((2,), np.bool_(True)),  # (a float, for torch)
    "full, NumPy float64": lambda lib: lib.full((2,), np.float64(0.1)),
    "full, 0-d int tensor": lambda lib: lib.full((2,), lib.tensor(3)),
    "full, 0-d bool tensor": lambda lib: lib.full((2,), lib.tensor(True)),
    "full, -1 into uint8": lambda lib: lib.full((2,), -1, dtype=lib.uint8),
    "full, -255 into uint8": lambda lib: lib.full((2,), -255, dtype=lib.uint8),
    "full, -128 into int8": lambda lib: lib.full((2,), -128, dtype=lib.int8),
    "full, 1.7 into int64": lambda lib: lib.full((2,), 1.7, dtype=lib.int64),
    "full, -1.7 into int8": lambda lib: lib.full((2,), -1.7, dtype=lib.int8),
    "full, NaN into bool": lambda lib: lib.full((2,), NAN, dtype=lib.bool),
    "full, 2 into bool": lambda lib: lib.full((2,), 2, dtype=lib.bool),
    "full, inf into float16": lambda lib: lib.full((2,), INF, dtype=lib.float16),
    "full, 65519 into float16, one element": lambda lib: lib.full((1,), 65519.0, dtype=lib.float16),
    "full, one element beyond float16": lambda lib: lib.full((1,), 1e10, dtype=lib.float16),
    "full, float16 rounds through float32": lambda lib: lib.full((2,), 1 + 2**-11 + 2**-40, dtype=lib.float16),
    "full, 2**63 into float32": lambda lib: lib.full((2,), 2**63, dtype=lib.float32),
    "full_like, -1 into uint8": lambda lib: lib.full_like(lib.zeros(2, dtype=lib.uint8), -1),
    "full_like, 2.9 into int32": lambda lib: lib.full_like(lib.zeros(2, dtype=lib.int32), 2.9),
    "tensor, 2**64 beside a float": lambda lib: lib.tensor([1.5, 2**64]),
    "tensor, 2**63 as float64": lambda lib: lib.tensor([2**63], dtype=lib.float64),
    "tensor, 2**64 as float32": lambda lib: lib.tensor([[1], [2**64]], dtype=lib.float32),
    "tensor, 2**63 as bool": lambda lib: lib.tensor([2**63], dtype=lib.bool),
    "tensor, 2**63 - 1": lambda lib: lib.tensor([2**63 - 1, -2**63]),
}


@pytest.mark.parametrize("case", list(MADE))
def test_values_and_dtypes(case):
    assert values(MADE[case](mt)) == values(MADE[case](torch))


def raised(call, lib) -> tuple:
    with pytest.raises(Exception) as info:
        call(lib)
    return type(info.value), str(info.value)


REFUSED = {
    "tensor([2**63])": lambda lib: lib.tensor([2**63]),
    "tensor(2**63)": lambda lib: lib.tensor(2**63),
    "tensor([1, 2**63])": lambda lib: lib.tensor([1, 2**63]),
    "tensor([[1], [-2**63 - 1]])": lambda lib: lib.tensor([[1], [-2**63 - 1]]),
    "tensor([True, 2**64])": lambda lib: lib.tensor([True, 2**64]),
    "tensor([2**63], dtype=int32)": lambda lib: lib.tensor([2**63], dtype=lib.int32),
    "as_tensor([2**63])": lambda lib: lib.as_tensor([2**63]),
    "full, NaN into int64": lambda lib: lib.full((2,), NAN, dtype=lib.int64),
    "full, inf into int64": lambda lib: lib.full((2,), INF, dtype=lib.int64),
    "full, -inf into int32": lambda lib: lib.full((2,), -INF, dtype=lib.int32),
    "full, NaN into uint8": lambda lib: lib.full((2,), NAN, dtype=lib.uint8),
    "full, 256 into uint8": lambda lib: lib.full((2,), 256, dtype=lib.uint8),
    "full, -256 into uint8": lambda lib: lib.full((2,), -256, dtype=lib.uint8),
    "full, -0.5 into uint8": lambda lib: lib.full((2,), -0.5, dtype=lib.uint8),
    "full, -129 into int8": lambda lib: lib.full((2,), -129, dtype=lib.int8),
    "full, 70000 into int16": lambda lib: lib.full((2,), 70000, dtype=lib.int16),
    "full, 1e10 into int32": lambda lib: lib.full((2,), 1e10, dtype=lib.int32),
    "full, 1e10 into float16": lambda lib: lib.full((2,), 1e10, dtype=lib.float16),
    "full, 65519 into float16": lambda lib: lib.full((2,), 65519.0, dtype=lib.float16),
    "full, 3.5e38 into float32": lambda lib: lib.full((1,), 3.5e38, dtype=lib.float32),
    "full, 2**63 (int64)": lambda lib: lib.full((2,), 2**63),
    "full, 2**64": lambda lib: lib.full((2,), 2**64, dtype=lib.uint8),
    "full, -2**63 - 1": lambda lib: lib.full((2,), -2**63 - 1),
    "full, a 1-d tensor": lambda lib: lib.full((2,), lib.tensor([3])),
    "full_like, NaN into int64": lambda lib: lib.full_like(lib.zeros(2, dtype=lib.int64), NAN),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_values_torch_refuses(case):
    assert raised(REFUSED[case], mt) == raised(REFUSED[case], torch)

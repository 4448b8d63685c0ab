"""minitorch_ref: PyTorch's core API re-implemented on NumPy, small enough to read.

    import minitorch_ref as torch
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    print(x.grad)          # tensor([2., 4., 6.])

Only NumPy and the standard library are imported here, never torch.
"""
from __future__ import annotations

from . import _dtype, cuda
from ._dtype import (
    Size, bool_ as bool, channels_last, contiguous_format, device, dtype, finfo, float16, float32, float64, iinfo,
    int8, int16, int32, int64, layout, memory_format, preserve_format, sparse_coo, strided, uint8,
)
from ._dtype import float16 as half, float32 as float, float64 as double, int16 as short, int32 as int, int64 as long
from ._tensor import Tensor, matmul, typename
from ._creation import (
    arange, as_tensor, asarray, empty, empty_like, eye, from_numpy, full, full_like, linspace, logspace, ones, ones_like,
    rand, rand_like, randint, randn, randn_like, randperm, tensor, tril_indices, triu_indices, zeros, zeros_like,
)
from ._creation import bernoulli, multinomial, randint_like
from ._printing import get_printoptions, printoptions, set_printoptions
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled, set_anomaly_enabled
from .autograd.grad_mode import is_inference_mode_enabled
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from ._functions import *  # noqa: F401,F403  (torch.softmax, torch.cat, torch.max, ...)
from ._functions import __all__ as _function_names
from . import autograd, random  # noqa: E402

__version__ = "0.1.0"


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_storage(obj) -> bool:
    """False: a tensor here keeps its values in a NumPy array, there are no storage objects (torch's Storage)."""
    return False


def get_default_dtype() -> dtype:
    """The dtype of tensors made from Python floats (`tensor(1.0)`, `zeros(2)`, `arange(0.5)`...): float32 unless
    `set_default_dtype` changed it."""
    return _dtype.DEFAULT_FLOAT


def set_default_dtype(d: dtype) -> None:
    """Make `d` (a floating point dtype) the default of every function that reads `get_default_dtype()`."""
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.DEFAULT_FLOAT = d


def compile(model, **kwargs):
    """`torch.compile(model, ...)`: here the model itself, unchanged.

    minitorch_ref has no compiler (no graph capture, no code generation): it runs every
    operation eagerly with NumPy. Returning the model lets the course's torch.compile
    chapter run on both backends; options (mode, dynamic, backend, ...) are accepted and
    ignored. Compiling never changes what a model computes, only how fast.
    """
    return model


_FUNCTIONAL_FORMS = {"conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                     "avg_pool1d", "adaptive_avg_pool1d", "bilinear", "max_pool1d", "max_pool1d_with_indices",
                     "max_pool2d", "max_pool3d", "adaptive_max_pool1d", "layer_norm", "group_norm", "batch_norm",
                     "instance_norm"}  # (_functional_forms.__all__, listed here so that it loads only when asked)


def __getattr__(name: str):
    # nn, optim, utils and friends are imported on first use to keep `import minitorch_ref` fast.
    import importlib

    if name in {"nn", "optim", "utils", "models", "graph", "serialization", "linalg", "special"}:
        return importlib.import_module(f".{name}", __name__)
    if name in {"save", "load"}:
        return getattr(importlib.import_module(".serialization", __name__), name)
    if name in {"rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"}:  # (the recurrent cells' one step)
        return getattr(importlib.import_module(".nn.modules.rnn", __name__), name)
    if name in _FUNCTIONAL_FORMS:  # (torch.conv2d, torch.max_pool2d, torch.layer_norm...)
        return getattr(importlib.import_module("._functional_forms", __name__), name)
    raise AttributeError(f"module 'minitorch_ref' has no attribute '{name}'")

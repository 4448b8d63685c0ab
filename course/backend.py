"""The one place that chooses between the two implementations of the course.

    backend = get_backend("numpy")        # minitorch_ref: PyTorch's API on NumPy
    backend = get_backend("torch")        # the real PyTorch
    torch = backend.torch                 # use it exactly like `import torch`
    model = backend.models.SimpleNN(10, 5, 1)

Course code (the workflows in `course.workflows`, the scripts in `examples/`) receives a
`Backend` and never imports either library itself, so every line of it is run, and
tested, on both. The name comes from an argument, a `--backend` command-line option
(`add_backend_argument`) or the environment variable `MINITORCH_BACKEND`; the default is
"numpy" because minitorch_ref needs nothing but NumPy.
"""
from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from course.models import CourseModels

ENV_VAR = "MINITORCH_BACKEND"
DEFAULT_BACKEND = "numpy"
# backend name -> (the torch-like module, the module that binds the course models to it,
#                  the module holding the clip_grad_norm_ to use)
_MODULES = {
    "numpy": ("minitorch_ref", "minitorch_ref.models", "minitorch_ref.nn.utils"),
    # torch's own clip_grad_norm_ rejects the sparse gradient of `EmbeddingBag(sparse=True)`
    # (torch >= 2.0); torch_impl's equals it on dense gradients and also takes sparse ones.
    "torch": ("torch", "torch_impl.models", "torch_impl.clip"),
}
BACKENDS = tuple(_MODULES)


@dataclass(frozen=True)
class Backend:
    """A torch-like module, the course models bound to it, and the few helpers that differ."""

    name: str
    torch: ModuleType
    models: CourseModels
    clip_grad_norm_: Callable[..., Any]

    @property
    def package(self) -> str:
        """The name printed in reprs (`torch.float32` or `minitorch_ref.float32`)."""
        return self.torch.__name__

    def from_numpy(self, array: np.ndarray) -> Any:
        """`torch.from_numpy`, made safe for any array (views, read-only or strided ones).

        The returned tensor shares memory with the (contiguous copy of the) array, as
        `torch.from_numpy` does.
        """
        array = np.ascontiguousarray(array)
        if not array.flags.writeable:  # torch warns about non-writable arrays
            array = array.copy()
        return self.torch.from_numpy(array)

    def __repr__(self) -> str:
        return f"Backend({self.name!r}: {self.package})"


def get_backend(name: str | None = None) -> Backend:
    """The backend called `name` ("numpy" or "torch"); None reads `$MINITORCH_BACKEND`."""
    if name is None:
        name = os.environ.get(ENV_VAR) or DEFAULT_BACKEND
    key = name.strip().lower()
    if key not in _MODULES:
        raise ValueError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)} "
                         f"(argument, --backend or ${ENV_VAR})")
    module_name, models_name, clip_name = _MODULES[key]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ImportError(f"backend {key!r} needs the {module_name!r} package, which cannot be imported "
                          f"({error}); install it or use --backend numpy") from error
    models = importlib.import_module(models_name)
    bound = CourseModels(*(getattr(models, field) for field in CourseModels._fields))
    clip = importlib.import_module(clip_name).clip_grad_norm_
    return Backend(key, module, bound, clip)


def add_backend_argument(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add `--backend {numpy,torch}` to a command-line parser (default: `$MINITORCH_BACKEND` or numpy)."""
    default = os.environ.get(ENV_VAR) or DEFAULT_BACKEND
    parser.add_argument("--backend", choices=BACKENDS, default=default,
                        help=f"implementación: numpy (minitorch_ref) o torch (PyTorch); por defecto {default} "
                             f"(variable de entorno {ENV_VAR})")
    return parser


def parse_command_line(description: str, argv: list[str] | None = None,
                       add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
                       ) -> tuple[Backend, argparse.Namespace]:
    """What every example script starts with: parse `--backend` (and its own options), load it."""
    parser = add_backend_argument(argparse.ArgumentParser(description=description))
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args(argv)
    return get_backend(args.backend), args

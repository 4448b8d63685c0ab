"""Random numbers: one default generator, seeded by `manual_seed`, as in torch.

The generator (`_generator.Generator`) reproduces torch's CPU generator bit for bit: after
`manual_seed(s)` on both backends, the same calls give the same numbers (see docs/random.md).
"""
from __future__ import annotations

from typing import Any

from ._dtype import PACKAGE, uint8
from ._generator import DEFAULT_SEED, Engine, default_engine, resolve
from ._tensor import Tensor

__all__ = ["DEFAULT_SEED", "Generator", "default_generator", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]


class Generator:
    """`torch.Generator`: a handle on one Mersenne Twister (`_generator.Engine`). Pass it as
    `generator=` to keep a stream apart from the default one."""

    def __init__(self, device: Any = "cpu", *, _engine: Engine | None = None) -> None:
        self.device = device
        self._engine = _engine if _engine is not None else Engine()

    def manual_seed(self, seed: int) -> "Generator":
        self._engine.manual_seed(seed)
        return self

    def seed(self) -> int:
        return self._engine.seed()

    def initial_seed(self) -> int:
        return self._engine.initial_seed()

    def get_state(self) -> Tensor:
        """torch's state layout (5056 bytes) as a uint8 tensor."""
        return Tensor._make(self._engine.get_state())

    def set_state(self, new_state: Any) -> "Generator":
        """Load a state from `get_state()` (or torch's `get_rng_state()`): a uint8 tensor of 5056 bytes."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a {PACKAGE}.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype != uint8:
            raise TypeError(f"RNG state must be a {PACKAGE}.ByteTensor")
        self._engine.set_state(new_state)
        return self


default_generator = Generator(_engine=default_engine)


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; returns it, as torch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system (non-deterministic); returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state: a uint8 tensor in torch's layout (5056 bytes)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    default_generator.set_state(new_state)

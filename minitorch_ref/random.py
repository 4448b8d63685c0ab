"""Random numbers: one default generator, seeded by `manual_seed`, as in torch.

minitorch_ref draws from NumPy's PCG64, so `manual_seed(0)` makes runs repeatable here
but does not reproduce torch's exact numbers (torch uses its own Mersenne Twister
stream). Parity tests therefore copy weights between backends instead of re-drawing them.
"""
from __future__ import annotations

from typing import Any

import numpy as np


class Generator:
    """A seeded random source (`torch.Generator`): pass it as `generator=` to keep streams apart."""

    def __init__(self, device: Any = "cpu") -> None:
        self._seed = 67280421310721  # torch's default seed
        self._rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self._rng = np.random.default_rng(self._seed)
        return self._seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self._rng.bit_generator.state

    def set_state(self, state: dict) -> "Generator":
        self._rng.bit_generator.state = state
        return self

    @property
    def numpy(self) -> np.random.Generator:
        """The NumPy generator underneath (for code that needs a NumPy API)."""
        return self._rng


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; returns it, as torch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def _generator(generator: Generator | None) -> np.random.Generator:
    return (generator or default_generator)._rng

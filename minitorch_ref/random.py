"""Random numbers: one default generator, seeded by `manual_seed`, as in torch.

The generator (`_generator.Generator`) reproduces torch's CPU generator bit for bit: after
`manual_seed(s)` on both backends, the same calls give the same numbers (see docs/random.md).
"""
from __future__ import annotations

from typing import Any

from ._generator import DEFAULT_SEED, Generator

__all__ = ["DEFAULT_SEED", "Generator", "default_generator", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]

default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator; returns it, as torch does."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system (non-deterministic); returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state: a uint8 tensor in torch's layout (5056 bytes)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    default_generator.set_state(new_state)


def _generator(generator: Generator | None) -> Generator:
    """The generator to draw from: the one given, else the default one."""
    return generator if generator is not None else default_generator

"""`minitorch_ref.cuda`: present so course code can ask, and always answers "no GPU here"."""


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """No-op: there is no CUDA generator to seed (kept so seeding code runs unchanged)."""


def manual_seed_all(seed: int) -> None:
    """No-op, as `manual_seed`."""

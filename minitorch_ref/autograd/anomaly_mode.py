"""Anomaly detection, as `torch.autograd.anomaly_mode`: `detect_anomaly()` and `set_detect_anomaly(mode)`.

While it is on, the engine checks what every node's `backward` returns and raises torch's
error at the first node that returned nan (`Function 'SqrtBackward0' returned nan values in
its 0th output.`): the place where a nan loss gradient starts. (torch also prints the
traceback of the forward call that made that node; minitorch_ref does not record it.)
"""
from __future__ import annotations

import warnings
from typing import Any

_enabled = False
_check_nan = True

_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled "
            "for debugging.")


def is_anomaly_enabled() -> bool:
    return _enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    global _enabled, _check_nan
    _enabled, _check_nan = bool(enabled), bool(check_nan)


class detect_anomaly:
    """Context manager that turns anomaly detection on, as torch's."""

    def __init__(self, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan, self.check_nan = _enabled, _check_nan, check_nan
        warnings.warn(_WARNING, UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc: Any) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """`set_detect_anomaly(True)` turns it on at once; as a context manager, restores it on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = _enabled, _check_nan
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)

"""Which of torch's CPU kernel builds would run on this machine: the few answers that depend on it.

torch compiles its vectorised kernels several times (DEFAULT, AVX2, AVX512) and picks, when it starts,
the widest one the processor runs, unless the environment variable `ATEN_CPU_CAPABILITY` asks for a
narrower one. Almost every result is the same whichever runs; where one is not (float32 GELU at +inf:
nan with the AVX-512 build, inf with the others, as measured on AMD EPYC Zen 4 and Zen 2 machines),
minitorch_ref gives the answer of the build torch would pick here, so that the parity suites agree on
every machine. Standard library and NumPy only: NumPy already asks the processor what it runs.
"""
from __future__ import annotations

import os

import numpy as np

#: What torch's AVX512 build needs of the processor (its cpuinfo check, `fma3` aside: every AVX-512 CPU has it).
_AVX512_FEATURES = ("AVX512F", "AVX512BW", "AVX512VL", "AVX512DQ")


def _processor_runs_avx512() -> bool:
    """True if this processor has what torch's AVX512 kernels need (as NumPy's start-up check found)."""
    try:
        features = np._core._multiarray_umath.__cpu_features__
    except AttributeError:  # (a NumPy without that table: read as no AVX-512, the common case)
        return False
    return all(features.get(name, False) for name in _AVX512_FEATURES)


def _torch_runs_avx512_kernels() -> bool:
    """torch's choice: the AVX512 build if the processor runs it, unless ATEN_CPU_CAPABILITY asks for less."""
    requested = os.environ.get("ATEN_CPU_CAPABILITY", "").lower()
    return requested not in ("default", "avx2") and _processor_runs_avx512()


#: True where torch (2.13) would run its AVX512 kernels: read once, at import, as torch does.
TORCH_AVX512_KERNELS = _torch_runs_avx512_kernels()

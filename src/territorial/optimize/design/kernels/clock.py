"""Wall clock readable from Numba kernels (about 0.3 us per call via object mode)."""

from __future__ import annotations

import time

from numba import njit, objmode


@njit(cache=True)
def now() -> float:
    with objmode(t="float64"):
        t = time.perf_counter()
    return t

"""Timing helper shared by the benchmarks."""

from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> float:
    """Return the median wall time of `runs` calls of `fn`, after one warm-up call."""
    fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)

"""Time the vectorised solver on a layer-sized case: (64, 64, 64) input, (64, 32, 4, 4) weight, stride 2.

Run: python benchmarks/bench_solver.py
"""

from __future__ import annotations

import time

import numpy as np

from exercisegen.solver import conv2d, conv_transpose2d


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 64, 64))
    w = rng.standard_normal((64, 32, 4, 4))
    xi = rng.integers(-5, 6, (64, 64, 64))
    wi = rng.integers(-3, 4, (64, 32, 4, 4))
    t_float = best_of(5, lambda: conv_transpose2d(x, w, stride=2, padding=1))
    t_int = best_of(5, lambda: conv_transpose2d(xi, wi, stride=2, padding=1))
    wc = rng.standard_normal((32, 64, 4, 4))
    t_conv = best_of(5, lambda: conv2d(x, wc, stride=2, padding=1))
    print(f"conv_transpose2d float64 (64,64,64) * (64,32,4,4) stride 2: {t_float * 1000:.1f} ms")
    print(f"conv_transpose2d int64   (64,64,64) * (64,32,4,4) stride 2: {t_int * 1000:.1f} ms")
    print(f"conv2d           float64 (64,64,64) * (32,64,4,4) stride 2: {t_conv * 1000:.1f} ms")


if __name__ == "__main__":
    main()

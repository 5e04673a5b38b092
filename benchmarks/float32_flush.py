"""What the CPU's flush-to-zero saves the reference's float32 trajectories (reference/_ftz.py).

The reference's float32 arithmetic reads subnormal operands as zero and writes subnormal results
as zero, as TensorFlow's kernels do. It either sets the CPU's FTZ/DAZ bits around each numpy
operation that honours them, or flushes every operand and result in numpy (the fallback where
the bits cannot be set). For a few catalogue cases (1000-step trajectories), both ways side by
side in one run, alternating, best of a few repeats, and whether they agree bit for bit.

Run: ``python benchmarks/float32_flush.py [--repeats 3]`` (without TensorFlow; about a minute).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import reference
from conformance.cases import optimizer_cases
from conformance.targets import Target
from reference import _ftz

REFERENCE = Target("reference", reference)

CASES = (
    ("optimizers.Adam/defaults/lr-float", "keras3"),
    ("optimizers.AdamW/options/global-clipnorm", "keras3"),
    ("optimizers.RMSprop/centered-momentum/lr-exponential", "keras3"),
    ("optimizers.legacy.Adam/defaults/lr-float", "legacy"),
    ("compat_v1.AdamOptimizer/defaults/lr-v1-decay", "compat_v1"),
)


def _case(case_id: str):
    api = case_id.split("/")[0]
    return next(c for c in optimizer_cases(api) if c.id == case_id)


def _timed(case, flavor: str, hardware: bool) -> tuple[float, np.ndarray]:
    available, _ftz.AVAILABLE = _ftz.AVAILABLE, hardware and _ftz.AVAILABLE
    try:
        start = time.perf_counter()
        params = REFERENCE.trajectory(case, flavor, "float32").params
        return time.perf_counter() - start, params
    finally:
        _ftz.AVAILABLE = available


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not _ftz.AVAILABLE:
        print("the CPU's FTZ/DAZ cannot be set here (x86-64 with glibc only): nothing to compare")
        return
    print(f"{'case':<52} {'numpy s':>8} {'CPU s':>7} {'ratio':>6}  same bits")
    for case_id, flavor in CASES:
        case = _case(case_id)
        by_numpy, by_cpu, same = [], [], True
        for _ in range(args.repeats):
            seconds, flushed = _timed(case, flavor, hardware=False)
            by_numpy.append(seconds)
            seconds, fast = _timed(case, flavor, hardware=True)
            by_cpu.append(seconds)
            same &= flushed.tobytes() == fast.tobytes()
        slow, quick = min(by_numpy), min(by_cpu)
        print(f"{case_id:<52} {slow:>8.2f} {quick:>7.2f} {slow / quick:>5.1f}x  {same}")


if __name__ == "__main__":
    main()

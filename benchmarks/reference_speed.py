"""The reference's optimizer trajectories: this tree against a baseline revision, side by side.

The float32 trajectories are most of the time of ``check --against vectors`` and of the main
job's CPU (a thousand steps of Python each). For every ``--every``-th optimizer case of the
catalogue, on each entry point's flavour in the newest TensorFlow's golden vectors (float32 and
float64), each tree computes the same trajectories in a fresh process, the two alternating
``--repeats`` times (the machine is shared: the best of each is shown); then whether both
computed the same bits.

Run: ``python benchmarks/reference_speed.py [--baseline REV] [--every 12] [--repeats 2]``
(without TensorFlow; the baseline, default ``main``, is exported with ``git archive``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in each tree: the selected trajectories, their time and a digest of their bits.
WORK = """
import hashlib, json, sys, time, warnings
warnings.simplefilter("ignore")
import reference
from conformance.cases import OPTIMIZER_CASES
from conformance.check import plan
from conformance.oracles.vectors import Vectors
from conformance.targets import Target
target, every = Target("reference", reference), int(sys.argv[1])
checks = plan(Vectors(None), OPTIMIZER_CASES[::every])
runs = list(dict.fromkeys((c.case, c.entry.flavor, c.dtype) for c in checks))
digest, start = hashlib.sha256(), time.perf_counter()
for case, flavor, dtype in runs:
    trajectory = target.trajectory(case, flavor, dtype)
    # The class only: a message may hold an address (TF's own words for a lambda epsilon).
    digest.update(repr(trajectory.error).encode())
    if trajectory.params is not None:
        digest.update(trajectory.params.tobytes())
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "runs": len(runs), "digest": digest.hexdigest()}))
"""


def _export(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryFile() as file:
        file.write(archive)
        file.seek(0)
        with tarfile.open(fileobj=file) as tar:
            tar.extractall(into, filter="data")
    return into


def _run(tree: Path, every: int) -> dict:
    environment = {**os.environ, "PYTHONPATH": str(tree), "LR_CONFORMANCE_CACHE": ""}
    finished = subprocess.run(
        [sys.executable, "-c", WORK, str(every)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tempfile.gettempdir(),
    )
    if finished.returncode != 0:
        raise SystemExit(f"{tree}: failed:\n{finished.stderr[-2000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="a git revision (default: main)")
    parser.add_argument("--every", type=int, default=12, help="every n-th optimizer case")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    started = time.strftime("%H:%M")
    with tempfile.TemporaryDirectory() as scratch:
        trees = {args.baseline: _export(args.baseline, Path(scratch)), "this tree": ROOT}
        found: dict[str, list[dict]] = {name: [] for name in trees}
        for _ in range(args.repeats):
            for name, tree in trees.items():
                found[name].append(_run(tree, args.every))
    base, this = (min(r["seconds"] for r in runs) for runs in found.values())
    digests = {r["digest"] for runs in found.values() for r in runs}
    runs = found["this tree"][0]["runs"]
    print(f"{runs} reference trajectories (every {args.every}th optimizer case, each entry point's")
    print(f"flavour, float32 and float64), best of {args.repeats}, started {started}:")
    print(f"  {args.baseline:<20} {base:>8.2f} s")
    print(f"  {'this tree':<20} {this:>8.2f} s   {base / this:.2f}x")
    print(f"  same bits: {len(digests) == 1}")


if __name__ == "__main__":
    main()

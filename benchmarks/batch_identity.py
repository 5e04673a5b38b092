"""Do TensorFlow's optimizer trajectories come out the same in batches as case by case?

The oracle runs the trajectories of an entry point's cases in batches
(:func:`conformance.oracles.tensorflow_optimizers.run_many`: many cases in one traced loop, TF1
cases in one graph and Session). This runs every optimizer case of the catalogue on every entry
point this TensorFlow has, both ways, and compares them bit for bit: every parameter after every
update (as float32 bit patterns, so nan and -0.0 count), the step counter, and the exception
class and message where TensorFlow raises. Where the shipped golden vectors of this TensorFlow
version exist (exported case by case, before batching), the stored updates are compared too.

Prints the counts and both times side by side; exits 1 if anything differs.

Run: ``python benchmarks/batch_identity.py [--api NAME ...]`` inside a TF environment (e.g.
``.tox/tf215-tfa/bin/python``; about two minutes).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from conformance import registry
from conformance.cases import OPTIMIZER_CASES
from conformance.oracles import tensorflow_optimizers as optimizers
from conformance.oracles.tensorflow import tensorflow
from conformance.oracles.vectors import Vectors, shipped
from conformance.outcome import Trajectory


def same(a: Trajectory, b: Trajectory) -> bool:
    """Bit for bit: parameters as float32 bit patterns, counter, exception and message."""
    if (a.error, a.message, a.counter, a.call) != (b.error, b.message, b.counter, b.call):
        return False
    if a.params is None or b.params is None:
        return a.params is None and b.params is None
    return a.params.shape == b.params.shape and np.array_equal(
        a.params.astype(np.float32).view(np.uint32), b.params.astype(np.float32).view(np.uint32)
    )


def stored_rows_agree(vectors: Vectors, case, entry, run: Trajectory) -> bool | None:
    """The batched run against the stored trajectory (None: not stored)."""
    try:
        stored = vectors.trajectory(case, entry)
    except Exception:  # noqa: BLE001 - no vectors for this case: nothing to compare
        return None
    if stored.error is not None or run.error is not None:
        return stored.error == run.error
    # The vectors store a nan as nan (not its bit pattern): nan matches nan there.
    rows, theirs = run.params[stored.rows].astype(np.float32), stored.params.astype(np.float32)
    return stored.counter == run.counter and np.array_equal(
        np.where(np.isnan(rows), np.float32(np.nan), rows).view(np.uint32),
        np.where(np.isnan(theirs), np.float32(np.nan), theirs).view(np.uint32),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", nargs="+", help="only these optimizer APIs")
    args = parser.parse_args()
    oracle = tensorflow()
    if oracle is None:
        raise SystemExit("TensorFlow is not installed")
    print(", ".join(f"{k} {v}" for k, v in oracle.versions().items()))
    apis = registry.select(args.api, registry.names("optimizer")) if args.api else None
    requests = [
        (case, entry)
        for case in OPTIMIZER_CASES
        if apis is None or case.api in apis
        for entry in oracle.entry_points(case.api)
        if case.applies_to(entry)
    ]
    start = time.perf_counter()
    batched = optimizers.run_many(oracle, requests)
    batched_time = time.perf_counter() - start
    start = time.perf_counter()
    alone = {(c.id, e.key): optimizers.run(oracle, c, e) for c, e in requests}
    alone_time = time.perf_counter() - start

    versions = shipped()[0]
    version = oracle.tf.__version__
    vectors = Vectors(version) if version in versions else None
    differ, left_alone, stored_differ, stored_checked = [], 0, [], 0
    for case, entry in requests:
        key = (case.id, entry.key)
        run = batched.get(key)
        if run is None:  # left to the per-case path (it raises): what the oracle does too
            left_alone += 1
            run = optimizers.run(oracle, case, entry)
        if not same(run, alone[key]):
            differ.append(key)
        if vectors is not None:
            agree = stored_rows_agree(vectors, case, entry, run)
            if agree is not None:
                stored_checked += 1
                if not agree:
                    stored_differ.append(key)
    print(
        f"{len(differ)} of {len(requests)} trajectories differ between batched and case by case "
        f"({len(requests) - left_alone} batched, {left_alone} left to the per-case path as the "
        "oracle leaves them)"
    )
    if vectors is not None:
        print(
            f"{len(stored_differ)} of {stored_checked} differ from the golden vectors "
            f"tf-{version} at the stored updates"
        )
    else:
        print(f"no golden vectors of TensorFlow {version} shipped: not compared with them")
    print(
        f"{'':24s} {'case by case':>12s} {'batched':>9s} {'ratio':>6s}\n"
        f"{'time (s)':24s} {alone_time:12.1f} {batched_time:9.1f} "
        f"{alone_time / batched_time:6.1f}"
    )
    for key in differ + stored_differ:
        print("DIFFERS:", *key)
    return 1 if differ or stored_differ else 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast are optimizer trajectories verified, against running TensorFlow step by step?

For a few catalogue cases (1000-step trajectories), on every entry point this TensorFlow has,
side by side (steps/s, best of a few repeats):

suite graph
    the oracle's way: the whole gradient sequence in one ``tf.function`` loop of
    ``apply_gradients`` (TF1: one ``Session.run`` per step of ``minimize``, the gradient fed by a
    placeholder), tracing included and excluded;
naive eager loop
    ``optimizer.apply_gradients(...)`` called from a Python loop in eager mode, reading the
    variables after every step, the way one would check by hand (Keras only);
reference
    the reference's float32 trajectory (``opt.step`` in a Python loop over numpy arrays);
verified
    steps per second of one verified trajectory: TensorFlow's suite run plus the reference run.

Run: ``python benchmarks/optimizer_rate.py [--repeats 3]`` (about a minute).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import reference
from conformance.cases import optimizer_cases
from conformance.oracles import tensorflow_optimizers as optimizers
from conformance.oracles.tensorflow import tensorflow
from conformance.targets import Target

REFERENCE = Target("reference", reference)

CASES = (
    "optimizers.Adam/defaults/lr-float",
    "optimizers.RMSprop/centered-momentum/lr-exponential",
    "optimizers.legacy.Adam/defaults/lr-float",
    "compat_v1.AdamOptimizer/defaults/lr-v1-decay",
)


def _best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def _naive_eager(oracle, case, entry) -> float:
    """Seconds for the eager Python loop of apply_gradients over the case's gradients."""
    tf = oracle.tf
    optimizer = optimizers.make_keras_optimizer(oracle, case, entry)
    variables = [tf.Variable(p.astype(np.float32)) for p in case.gradients.initial_params()]
    rows = case.gradients.split(case.gradients.columns().astype(np.float32))
    start = time.perf_counter()
    for t in range(case.gradients.steps):
        optimizer.apply_gradients(zip([tf.constant(r[t]) for r in rows], variables))
        np.concatenate([v.numpy() for v in variables])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    oracle = tensorflow()
    if oracle is None:
        raise SystemExit("TensorFlow is not installed")
    print(", ".join(f"{k} {v}" for k, v in oracle.versions().items()))
    header = (
        f"{'case':52s} {'entry point':16s} {'graph+trace':>11s} {'graph':>9s} "
        f"{'naive':>8s} {'reference':>9s} {'verified':>9s}  (steps/s)"
    )
    print(header)
    by_id = {c.id: c for c in optimizer_cases()}
    for case_id in CASES:
        case = by_id[case_id]
        steps = case.gradients.steps
        for entry in oracle.entry_points(case.api):
            with_trace = _best(lambda c=case, e=entry: optimizers.run(oracle, c, e), args.repeats)
            graph = with_trace
            if entry.flavor != "compat_v1":
                gradients = case.gradients.columns().astype(np.float32)  # a dense case
                initial = [p.astype(np.float32) for p in case.gradients.initial_params()]
                run, _ = optimizers.keras_loop(oracle, case, entry, initial, gradients)
                run()  # traced once; each further call runs another whole trajectory
                graph = _best(run, args.repeats)
            naive = (
                _naive_eager(oracle, case, entry) if entry.flavor != "compat_v1" else float("nan")
            )
            ours = _best(
                lambda c=case, e=entry: REFERENCE.trajectory(c, e.flavor, "float32"),
                args.repeats,
            )
            verified = steps / (with_trace + ours)
            print(
                f"{case.id:52s} {entry.key:16s} {steps / with_trace:11.0f} "
                f"{steps / graph:9.0f} {steps / naive:8.0f} {steps / ours:9.0f} {verified:9.0f}"
            )
    print(
        "graph+trace: what the suite pays per trajectory (a new optimizer, traced); graph: "
        "the traced loop alone (TF1: the Session loop, no tracing); verified: graph+trace "
        "plus the reference"
    )


if __name__ == "__main__":
    main()

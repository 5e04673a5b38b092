"""How fast does the suite get TensorFlow's values, against asking TensorFlow step by step?

For a few representative APIs, in one run, side by side (steps/s, medians of a few repeats):

suite vector
    the oracle's vector path: one eager call on the whole step vector (one ``Session.run`` in
    graph mode);
suite scalar
    the oracle's scalar path for one case on its own: one ``tf.function`` mapping the schedule
    over chunks of 3 steps (in graph mode, the same ``map_fn`` in the Session's graph). A check
    run batches many cases into one such function (``TensorFlow.prefetch``), which shares the
    fixed cost of tracing it;
naive loop
    ``schedule(tf.constant(step))`` in a Python loop, the way one would check by hand (in graph
    mode: one ``Session.run`` per step, the step fed through a placeholder). It is slow, so it is
    timed on a few thousand steps only.

Then the rate of whole ``python -m conformance check`` runs (reference against TensorFlow),
each in a fresh process as a user runs it: steps verified (every step of every passing check:
entry point x dtype x path) over the run's wall time, which leaves out importing TensorFlow.
Two runs: the whole catalogue, and the schedule catalogue alone
(``conformance.registry.names("schedules")``), the rate issue 2 asks to be at least 10**6
steps/s. The
optimizers' own rate (trajectory steps per second) is measured by
``benchmarks/optimizer_rate.py``.

Run: ``python benchmarks/verification_rate.py [--steps 20000] [--naive-steps 2000]
[--repeats 3] [--check-api NAME ...] [--no-check]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from conformance import registry
from conformance.cases import Case, steps_of
from conformance.oracles import tensorflow as oracle_module


@dataclass(frozen=True)
class Subject:
    label: str
    api: str
    entry_key: str
    params: dict


SUBJECTS = (
    Subject(
        "ExponentialDecay",
        "schedules.ExponentialDecay",
        "tf.keras",
        dict(initial_learning_rate=0.1, decay_steps=1000, decay_rate=0.96),
    ),
    Subject(
        "CosineDecay",
        "schedules.CosineDecay",
        "tf.keras",
        dict(initial_learning_rate=0.1, decay_steps=10_000),
    ),
    Subject(
        "PiecewiseConstantDecay",
        "schedules.PiecewiseConstantDecay",
        "tf.keras",
        dict(boundaries=[1000, 5000], values=[0.1, 0.01, 0.001]),
    ),
    Subject(
        "compat_v1.cosine_decay (graph)",
        "compat_v1.cosine_decay",
        "compat_v1.graph",
        dict(learning_rate=0.1, decay_steps=10_000),
    ),
)


def median_time(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _entry(oracle, subject: Subject):
    for entry in oracle.entry_points(subject.api):
        if entry.key == subject.entry_key:
            return entry
    raise SystemExit(f"{subject.entry_key} has no {subject.api} here")


def _case(subject: Subject, steps: int) -> Case:
    return Case(
        id=f"benchmark/{subject.label}",
        api=subject.api,
        params=subject.params,
        steps=steps_of(range(steps)),
    )


def eager_rates(oracle, subject: Subject, steps: int, naive_steps: int, repeats: int):
    """Seconds for the vector path, the scalar path (both on ``steps`` steps) and the naive loop
    (on ``naive_steps``), each the oracle's own code."""
    tf = oracle.tf
    factory, _ = oracle._factory(_case(subject, steps), _entry(oracle, subject))
    schedule = factory()
    vector_steps = steps_of(range(steps))
    vector = oracle_module._eager_vector(tf, schedule, vector_steps)
    # An API built on tf.case (Keras 2's PiecewiseConstantDecay) cannot take a step vector: the
    # oracle then has no vector path, and maps the scalar path one step at a time.
    vector_time = (
        None
        if vector.raised
        else median_time(lambda: oracle_module._eager_vector(tf, schedule, vector_steps), repeats)
    )
    scalar_time = median_time(
        lambda: oracle_module._scalar_path(tf, schedule, vector_steps),
        repeats,
    )

    def naive():
        return [np.asarray(schedule(tf.constant(int(s), tf.int64))) for s in range(naive_steps)]

    return vector_time, scalar_time, median_time(naive, repeats)


def graph_rates(oracle, subject: Subject, steps: int, naive_steps: int, repeats: int):
    """The same three for compat.v1 in graph mode, each path in its own graph and Session
    with Grappler off, as the oracle builds them for one case."""
    tf = oracle.tf
    factory, _ = oracle._factory(_case(subject, steps), _entry(oracle, subject))
    step_values = steps_of(range(steps))

    def path(name):
        return lambda: oracle_module._evaluate_graph(tf, factory, step_values, name)

    def naive():
        graph, session = oracle_module._session(tf)
        with graph.as_default(), session:
            step = tf.compat.v1.placeholder(tf.int64, shape=[])
            value = factory()(step)
            return [session.run(value, {step: s}) for s in range(naive_steps)]

    return (
        median_time(path("vector"), repeats),
        median_time(path("scalar"), repeats),
        median_time(naive, repeats),
    )


def full_check_rate(apis: list[str] | None) -> dict:
    """``python -m conformance check`` over these APIs (None: the whole catalogue) in a fresh
    process: nothing of this process (TensorFlow's traced functions, the oracle's cache)
    carries over."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        argv = ["check", "--report", "json", "--timing", "--output", str(output)]
        if apis:
            argv += ["--api", *apis]
        status = subprocess.run(
            [sys.executable, "-m", "conformance", *argv], stderr=subprocess.DEVNULL
        ).returncode
        if not output.exists():
            raise SystemExit(f"python -m conformance {' '.join(argv)}: exit status {status}")
        report = json.loads(output.read_text())
    return {
        "status": status,
        "checks": report["totals"]["checks"],
        "steps": report["totals"]["steps_verified"],
        "seconds": report["timing"]["wall_time_s"],
        "rate": report["timing"]["steps_per_second"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20_000, help="steps per suite evaluation")
    parser.add_argument("--naive-steps", type=int, default=2_000, help="steps of the naive loop")
    parser.add_argument("--repeats", type=int, default=3, help="repeats; medians are reported")
    parser.add_argument("--check-api", nargs="+", metavar="NAME", help="limit the full check run")
    parser.add_argument("--no-check", action="store_true", help="skip the full check run")
    options = parser.parse_args()

    oracle = oracle_module.tensorflow()
    if oracle is None:
        raise SystemExit("TensorFlow is not installed")
    print(", ".join(f"{k} {v}" for k, v in oracle.versions().items()))
    print(
        f"suite paths on {options.steps} steps, naive loop on {options.naive_steps} steps; "
        f"medians of {options.repeats} repeats; steps/s"
    )
    print()
    header = (
        f"{'API':32} {'suite vector':>13} {'suite scalar':>13} {'naive loop':>11} "
        f"{'vector/naive':>13} {'scalar/naive':>13}"
    )
    print(header)
    print("-" * len(header))
    for subject in SUBJECTS:
        measure = graph_rates if subject.entry_key == "compat_v1.graph" else eager_rates
        vector, scalar, naive = measure(
            oracle, subject, options.steps, options.naive_steps, options.repeats
        )
        scalar_rate = options.steps / scalar
        naive_rate = options.naive_steps / naive
        if vector is None:
            vector_text, ratio_text = "n/a", "n/a"
        else:
            vector_rate = options.steps / vector
            vector_text, ratio_text = f"{vector_rate:,.0f}", f"{vector_rate / naive_rate:,.0f}x"
        print(
            f"{subject.label:32} {vector_text:>13} {scalar_rate:13,.0f} {naive_rate:11,.0f} "
            f"{ratio_text:>13} {scalar_rate / naive_rate:12,.0f}x"
        )

    if options.no_check:
        return
    print()
    print("python -m conformance check (reference against TensorFlow), each in a fresh process:")
    if options.check_api:
        runs = [(", ".join(options.check_api), options.check_api)]
    else:
        runs = [
            ("the whole catalogue", None),
            ("the schedule catalogue (issue 2)", registry.names("schedules")),
        ]
    for label, selection in runs:
        found = full_check_rate(selection)
        print(
            f"  {label}: {found['checks']} checks, {found['steps']:,} steps verified in "
            f"{found['seconds']:.1f} s: {found['rate']:,.0f} steps/s "
            f"(exit status {found['status']})"
        )
    print("  (the optimizers' trajectory rate: benchmarks/optimizer_rate.py)")


if __name__ == "__main__":
    main()

"""What makes the runs fast changes no value: TensorFlow's trajectories in batches equal those
run case by case, bit for bit; the reference's trajectories computed in worker processes, or
kept on disk (:mod:`conformance.reference_cache`), equal those computed here, and so do
TensorFlow's answers to bad inputs from a helper process; a span is its range; ``--help`` does
not build the catalogue.

(How fast is measured by ``benchmarks/speed.py`` and ``benchmarks/batch_identity.py``, which
also compares every optimizer case batched and alone; never by a timed test.)
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import subprocess
import sys
import time

import numpy as np
import pytest

from conformance import optimizer_check, reference_cache
from conformance.cases import OPTIMIZER_CASES, Span, span, steps_of
from conformance.oracles import tensorflow_optimizers as optimizers
from conformance.oracles.tensorflow import tensorflow
from conformance.outcome import Trajectory
from conformance.plan_sharing import SharedPlan

ORACLE = tensorflow()
needs_tensorflow = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")


def _bits(run: Trajectory) -> tuple:
    params = None if run.params is None else run.params.astype(np.float32).view(np.uint32)
    return (
        run.counter,
        run.error,
        run.message,
        run.call,
        None if params is None else params.tobytes(),
    )


def _batch_of(entry, size: int = 2) -> list:
    """A few cases of the entry point, a sparse one among them where it has one."""
    found = [
        c
        for c in OPTIMIZER_CASES
        if c.applies_to(entry) and ORACLE.entry_points(c.api) and c.gradients.steps == 1000
    ]
    found = [c for c in found if entry in ORACLE.entry_points(c.api)]
    sparse = [c for c in found if "sparse" in c.tags][:1]
    return sparse + [c for c in found if c not in sparse][: size - len(sparse)]


def _entries():
    if ORACLE is None:
        return []
    apis = ("optimizers.Adam", "optimizers.legacy.RMSprop", "compat_v1.RMSPropOptimizer")
    return [entry for api in apis for entry in ORACLE.entry_points(api)]


@needs_tensorflow
@pytest.mark.parametrize("entry", _entries(), ids=lambda e: e.key)
def test_batched_trajectories_are_those_run_alone(entry):
    cases = _batch_of(entry)
    assert len(cases) == 2
    batched = optimizers.run_many(ORACLE, [(case, entry) for case in cases])
    assert set(batched) == {(case.id, entry.key) for case in cases}
    for case in cases:
        alone = optimizers.run(ORACLE, case, entry)
        assert _bits(batched[(case.id, entry.key)]) == _bits(alone), case.id


@needs_tensorflow
def test_a_batch_with_a_case_that_raises_leaves_it_to_the_per_case_path():
    entry = next(e for e in ORACLE.entry_points("optimizers.RMSprop") if e.key == "tf.keras")
    by_id = {c.id: c for c in OPTIMIZER_CASES}
    # Keras 2 raises ValueError for decay= at construction, Keras 3 ignores it.
    cases = [by_id["optimizers.RMSprop/kwarg-decay"], by_id["optimizers.RMSprop/defaults/lr-float"]]
    batched = optimizers.run_many(ORACLE, [(case, entry) for case in cases])
    for case in cases:
        alone = optimizers.run(ORACLE, case, entry)
        if alone.error is not None:
            assert (case.id, entry.key) not in batched
        else:
            assert _bits(batched[(case.id, entry.key)]) == _bits(alone)


def _outcome_bits(outcome) -> tuple:
    if isinstance(outcome, Trajectory):
        return _bits(outcome)
    values = None if outcome.values is None else np.asarray(outcome.values)
    shown = None if values is None else (values.dtype.str, values.tobytes())
    errors = None if outcome.step_errors is None else tuple(outcome.step_errors)
    return (outcome.error, outcome.phase, outcome.message, shown, errors)


@needs_tensorflow
def test_bad_inputs_answered_by_the_helper_process_are_those_computed_here(monkeypatch):
    from conformance.cases.bad_inputs import BAD_INPUT_OPTIMIZER_CASES, SCHEDULE_BAD_INPUTS
    from conformance.oracles import tensorflow as live

    monkeypatch.setattr(live, "MIN_HELPED", 1)
    monkeypatch.setattr(live, "HELPED_CHUNK", 1)
    requests = []
    for case in SCHEDULE_BAD_INPUTS[::60]:
        entry = ORACLE.entry_points(case.api)[0]
        requests += [(case, entry, "scalar"), (case, entry, "vector")]
    for case in BAD_INPUT_OPTIMIZER_CASES[::80]:
        requests.append((case, ORACLE.entry_points(case.api)[0], "trajectory"))
    helped, here = live.TensorFlow(), live.TensorFlow()
    helped.prefetch(requests)
    assert len(helped._helped) == len(requests)
    for request in requests:  # computed here or by the helper, whichever gets there first
        assert _outcome_bits(helped.answer(*request)) == _outcome_bits(here.answer(*request))
    # And with every answer from the helper.
    helped = live.TensorFlow()
    helped.prefetch(requests)
    helped._helped.wait()
    for request in requests:
        key = live._helped_key(*request)
        assert key in helped._helped
        assert _outcome_bits(helped.answer(*request)) == _outcome_bits(here.answer(*request))
        assert key not in helped._helped


def test_reference_trajectories_from_worker_processes_are_those_computed_here(monkeypatch):
    cases = [c for c in OPTIMIZER_CASES if c.api == "compat_v1.AdamOptimizer"][:3]
    runs = [(case, "compat_v1", dtype) for case in cases for dtype in ("float32", "float64")]
    monkeypatch.setattr(optimizer_check, "_REFERENCE_RUNS", {})
    monkeypatch.setattr(optimizer_check, "_GIVEN", SharedPlan())
    monkeypatch.setattr(optimizer_check, "MIN_PREFETCH", 1)
    monkeypatch.delenv(reference_cache.VARIABLE, raising=False)  # computed, not read back
    optimizer_check.prefetch_reference(runs, workers=2)
    assert len(optimizer_check._GIVEN) == len(runs)
    optimizer_check._GIVEN.wait()
    for case, flavor, dtype in runs:
        prefetched = optimizer_check.reference_trajectory(case, flavor, dtype)
        here = optimizer_check.REFERENCE.trajectory(case, flavor, dtype)
        assert prefetched.counter == here.counter
        assert np.array_equal(prefetched.params.view(np.uint64), here.params.view(np.uint64))
    assert len(optimizer_check._GIVEN) == 0


def _slow_to_start(seconds: float) -> None:
    time.sleep(seconds)


def _squares(arguments: list[tuple]) -> list[int]:
    return [x * x for (x,) in arguments]


def test_a_plan_shared_with_workers_is_taken_from_both_ends():
    """The workers take the plan from its end; this process, asking from its start, computes
    what no worker has started (its call cancelled, with the other tasks of that call) rather
    than wait; a worker's result is the function's."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        1, mp_context=context, initializer=_slow_to_start, initargs=(3.0,)
    ) as pool:
        plan = SharedPlan()
        plan.give(pool, _squares, {x: (x,) for x in range(8)}, chunk=2)
        assert len(plan) == 8 and 0 in plan and 7 in plan
        started = time.perf_counter()
        assert plan.take(0) is None  # not started (the worker is still starting): not waited for
        assert time.perf_counter() - started < 1.0
        assert 1 not in plan  # the rest of its call: computed here too
        plan.wait()
        assert [plan.take(x) for x in (4, 5, 6, 7)] == [16, 25, 36, 49]
        assert plan.take(7) is None  # taken once


def test_a_span_is_the_range_it_names():
    assert list(span(3, 12, 4)) == [3, 7, 11] and len(span(0, 10**6)) == 10**6
    assert isinstance(span(0, 5), Span)
    steps = steps_of([span(0, 1_000_001), 5, [2**31 - 1]])
    assert np.array_equal(steps, np.append(np.arange(1_000_001), 2**31 - 1))
    assert np.array_equal(steps_of([span(0, 9, 2), 4], spans=False), [4])


def test_help_does_not_build_the_catalogue():
    probe = (
        "import sys\n"
        "from conformance.__main__ import main\n"
        "assert main(['--help']) == 0\n"
        "loaded = [m for m in ('keras', 'addons', 'compat_v1', 'long_horizon', 'optimizers')\n"
        "          if 'conformance.cases.' + m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert 'tensorflow' not in sys.modules\n"
    )
    finished = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr[-2000:]


def test_kept_reference_trajectories_are_those_computed(monkeypatch, tmp_path):
    monkeypatch.setenv(reference_cache.VARIABLE, str(tmp_path))
    kernels = reference_cache.OWN_KERNELS
    cases = [c for c in OPTIMIZER_CASES if c.api == "optimizers.legacy.RMSprop"]
    raising = next(c for c in cases if "invalid" in c.tags)  # ValueError at construction
    for case in (cases[0], raising):
        computed = optimizer_check.REFERENCE.trajectory(case, "legacy", "float32")
        assert reference_cache.load(case, "legacy", "float32", kernels) is None
        reference_cache.store(case, "legacy", "float32", kernels, computed)
        kept = reference_cache.load(case, "legacy", "float32", kernels)
        assert (kept.counter, kept.error, kept.message) == (
            computed.counter,
            computed.error,
            computed.message,
        )
        if computed.params is None:
            assert kept.params is None
        else:
            assert np.array_equal(kept.params.view(np.uint64), computed.params.view(np.uint64))
    # Another dtype, flavour or case is another key; TensorFlow's kernels are never kept.
    keys = {
        reference_cache.key(cases[0], "legacy", "float32", kernels),
        reference_cache.key(cases[0], "legacy", "float64", kernels),
        reference_cache.key(cases[1], "legacy", "float32", kernels),
    }
    assert len(keys) == 3 and len(list(tmp_path.glob("*.npz"))) == 2
    assert not reference_cache.keeps("TensorFlow kernels")

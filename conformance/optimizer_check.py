"""An optimizer check run end to end: the target's whole trajectory against the oracle's.

An optimizer check (:class:`conformance.check.Check` on the ``trajectory`` path) runs a whole
trajectory of a target's optimizer and compares it (:mod:`conformance.trajectory`) with
TensorFlow's on one entry point (:meth:`conformance.oracles.Oracle.trajectory`), in float32 mode
(bit-exact to TensorFlow) or float64 mode (within the derived bound). A target that declares a
variant (:mod:`conformance.variants`) is compared with that variant's exact formula instead, and
the verdict says how far the variant is from TensorFlow. The verdict is a
:class:`conformance.compare.Verdict`, so that the report treats schedule and optimizer checks
alike: ``steps_checked`` counts updates, ``bit_exact`` the updates where every parameter equals
TensorFlow's to the bit, ``worst`` is the largest ULP distance (float32) or error over bound
(float64).
"""

from __future__ import annotations

import concurrent.futures
import functools
import itertools
import multiprocessing
import os
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

import reference
from conformance import reference_cache, reproducer, variants
from conformance.cases import OptimizerCase, SparseGradients
from conformance.check import Check, NotApplicable, NotImplementedPart, Options
from conformance.compare import DIFFERS, ROUNDING, VARIANT, Diagnosis, Verdict
from conformance.oracles import Oracle
from conformance.outcome import Trajectory
from conformance.plan_sharing import SharedPlan
from conformance.targets import BadReturn, Target, call_with_deadline
from conformance.trajectory import before_first_nonfinite, compare_trajectories
from conformance.ulp import ulp_distance
from reference import _rsqrt

#: The reference as a target (its trajectories are cached: see :func:`reference_trajectory`).
REFERENCE = Target("reference", reference)


@dataclass
class OptimizerVerdict(Verdict):
    #: The declared variants that differ from TensorFlow on this case (``None``: TF's form).
    variant: str | None = None
    #: How far that variant's exact trajectory is from TensorFlow's (relative to scale).
    differs_from_tf: float | None = None


def run(
    check: Check,
    oracle: Oracle,
    target: Target,
    timeout: float | None = None,
    declared: Mapping[str, str] | None = None,
    options: Options | None = None,
) -> OptimizerVerdict:
    """Run the target's trajectory and compare it with TensorFlow's, or with the declared
    variant's exact formula where a declared variant changes this case. A failing verdict
    carries the first divergence with the exact value, a diagnosis (rounding, a known variant
    the target follows, or a different function) and a reproducer."""
    options = options or Options()
    case, entry, dtype = check.case, check.entry, check.dtype
    missing = target.missing_for(case)
    if missing is not None:
        raise NotImplementedPart(missing)
    target_class = target.lookup(case.api)
    declared = variants.declared_for(target_class, declared or {}, case.family)
    different = variants.differences(case, entry.flavor, declared)
    if different and variants.unmodelled(case) is not None:
        raise NotApplicable(f"variant {variants.describe(different)}: {variants.unmodelled(case)}")
    hooked = target.kernels_hook is not None
    vector = "vector" in case.tags and dtype == "float32"
    if vector and not hooked and not different:
        raise NotApplicable(
            f"{target.name} cannot compute with TensorFlow's SIMD kernels, which TensorFlow "
            "uses on this 19-element variable; the other cases check its float32 arithmetic"
        )
    if vector and oracle.kernels is None and not different:
        raise NotApplicable(
            f"the {oracle.name} hold no TensorFlow SIMD kernels, which TensorFlow uses "
            "on this 19-element variable; live TensorFlow checks it"
        )
    if _depends_on_this_cpu(case, entry, dtype) and _rsqrt.machine_rsqrtps() is None:
        raise NotApplicable(
            "Keras 2's RMSprop takes this variable's rsqrt in packets of 8 with the CPU's "
            f"approximate rsqrtps, which the reference models for one CPU only (this one: "
            f"{_rsqrt.cpu_description()}); docs/optimizers/rmsprop.md"
        )
    tensorflow = _in_window(oracle.trajectory(case, entry), case, options)
    if tensorflow.error is not None:
        different = {}  # TensorFlow rejects the case: the target must raise the same
    kernels = vector and hooked
    with target.plugged(oracle.kernels if kernels else None):
        ours = call_with_deadline(lambda: _trajectory(target, case, entry.flavor, dtype), timeout)
    if ours.error == "NotImplementedError" and tensorflow.error != "NotImplementedError":
        # The target says it lacks part of the case (an option it has no equivalent for, as
        # the PyTorch and optax adapters do): "not implemented", not a failure, whether or not
        # TensorFlow refuses the case's arguments.
        raise NotImplementedPart(f"{target.name} raised NotImplementedError: {ours.message}")
    if not different:
        verdict = compare_with_tensorflow(check, ours, tensorflow, [])
        if not verdict.passed:
            verdict.diagnosis = diagnose(check, ours, tensorflow, verdict)
    else:
        verdict = _against_variant(check, ours, tensorflow, different, options)
    verdict.calls = "trajectory"
    if not verdict.passed:
        divergence = verdict.first_divergence
        verdict.reproducer = reproducer.optimizer(
            check,
            target,
            oracle,
            None if divergence is None else divergence.step,
            None if divergence is None else divergence.parameter,
            kernels=kernels,
            variant=different or None,
        )
    return verdict


def _against_variant(
    check: Check,
    ours: Trajectory,
    tensorflow: Trajectory,
    different: Mapping[str, str],
    options: Options,
) -> OptimizerVerdict:
    """The verdict on a target held to a declared variant's exact formula; TensorFlow's
    trajectory only measures how far that variant is from TensorFlow."""
    case, entry, dtype = check.case, check.entry, check.dtype
    exact = _variant_run(case, entry.flavor, tuple(sorted(different.items())))
    oracle_run = _in_window(Trajectory(exact, tensorflow.counter), case, options)
    judged = compare_trajectories(
        case, ours, oracle_run, dtype="float64", where=check.where, reproducer=[]
    )
    rows = tensorflow.rows if tensorflow.rows is not None else oracle_run.rows
    if rows is not None and tensorflow.params is not None:
        # Bit-exact shares and the distance from TensorFlow: on the stored updates.
        ours, exact = _at_rows(ours, rows), exact[rows]
    verdict = _verdict(judged, ours, exact, tensorflow.params, dtype)
    verdict.variant = variants.describe(different)
    verdict.differs_from_tf = _relative_distance(exact, tensorflow.params)
    statement = (
        f"variant {verdict.variant} (its exact formula is {verdict.differs_from_tf:.3g} "
        "relative from TensorFlow's trajectory)"
    )
    verdict.message = (
        f"conforms to {statement}; {verdict.message}"
        if verdict.passed
        else f"does not conform to {statement}: {verdict.message}"
    )
    if not verdict.passed:
        verdict.diagnosis = Diagnosis(
            DIFFERS, step=None if judged.first_divergence is None else judged.first_divergence.step
        )
    return verdict


def _in_window(run: Trajectory, case: OptimizerCase, options: Options) -> Trajectory:
    """The trajectory at the updates inside ``--steps`` (all of them without it)."""
    if not options.windowed or run.params is None:
        return run
    rows = np.arange(case.gradients.steps) if run.rows is None else run.rows
    keep = options.in_window(rows)
    if not keep.any():
        raise NotApplicable(f"no {'stored ' if run.rows is not None else ''}update in --steps")
    return replace(run, params=run.params[keep], rows=rows[keep])


def diagnose(
    check: Check, ours: Trajectory, tensorflow: Trajectory, verdict: OptimizerVerdict
) -> Diagnosis:
    """Why a trajectory fails against TensorFlow's: rounding (within TensorFlow's own float32
    error of the exact trajectory), a known variant it follows, or a different function. Puts
    the exact value on the first divergence. ``ours`` holds every update, or (a port's results
    file) the rows TensorFlow's holds."""
    case, flavor = check.case, check.entry.flavor
    divergence = verdict.first_divergence
    step = None if divergence is None else divergence.step
    if ours.params is None or tensorflow.params is None:
        return Diagnosis(DIFFERS, step=step)
    rows = np.arange(case.gradients.steps) if tensorflow.rows is None else tensorflow.rows
    mine = ours.params[rows] if ours.params.shape[0] == case.gradients.steps else ours.params
    exact = _exact_run(case, flavor)
    diagnosis = Diagnosis(DIFFERS, step=step, hint=approximate_rsqrt_hint(case, flavor, divergence))
    if check.dtype == "float32":
        diagnosis.worst_ulp = verdict.worst
    if exact is not None:
        if divergence is not None:
            verdict.first_divergence = divergence.with_exact(
                exact[divergence.step, divergence.parameter]
            )
        theirs, best = tensorflow.params, exact[rows]
        differing = (mine.astype(np.float32) != theirs) & ~(np.isnan(mine) & np.isnan(theirs))
        with np.errstate(all="ignore"):
            our_error, their_error = np.abs(mine - best), np.abs(theirs - best)
        diagnosis.differing = int(differing.any(axis=1).sum())
        diagnosis.closer = int((differing & (our_error < their_error)).sum())
        diagnosis.farther = int((differing & (our_error > their_error)).sum())
        if _follows(check, ours, exact, rows, tensorflow.counter):
            diagnosis.kind = ROUNDING
            return diagnosis
    if not isinstance(case.gradients, SparseGradients):
        followed = [
            name
            for name, trajectory in _variant_runs(case, flavor)
            if _follows(check, ours, trajectory, rows, tensorflow.counter)
        ]
        if followed:
            diagnosis.kind = VARIANT
            diagnosis.variants = tuple(followed)
    if diagnosis.kind == DIFFERS:
        diagnosis.untried = variants.unmodelled(case)
    return diagnosis


def _depends_on_this_cpu(case, entry, dtype: str) -> bool:
    """Whether TensorFlow's values for the case are its CPU's approximate ``rsqrtps`` (the
    ``machine-rsqrt`` cases on Keras 2's RMSprop, float32)."""
    return "machine-rsqrt" in case.tags and entry.flavor == "keras2" and dtype == "float32"


def approximate_rsqrt_hint(case, flavor: str | None, divergence) -> str | None:
    """Keras 2's RMSprop takes ``tf.math.rsqrt`` of each variable's denominator: on x86-64 the
    whole AVX packets of 8 go through the CPU's approximate ``rsqrtps``, whose bits depend on
    the CPU's vendor and family (reference/_rsqrt.py). Says so when the first divergence is in
    such a packet."""
    if divergence is None or flavor != "keras2" or not case.api.endswith("optimizers.RMSprop"):
        return None
    offset = divergence.parameter
    for size in getattr(case.gradients, "shapes", ()):
        if offset < size:
            if offset >= 8 * (size // 8):
                return None
            return (
                f"a difference of this kind is the CPU's approximate rsqrt: parameter "
                f"{divergence.parameter} is in an 8-float AVX packet of a {size}-float variable, "
                "which TensorFlow computes with rsqrtps and one Newton step; rsqrtps differs "
                f"between CPU vendors and families (this CPU: {_rsqrt.cpu_description()}; the "
                "vectors' header records theirs)"
            )
        offset -= size
    return None


def _follows(
    check: Check, ours: Trajectory, exact: np.ndarray, rows: np.ndarray, counter: int | None
) -> bool:
    """Whether a trajectory is within the float64 bound (TensorFlow's own float32 error) of an
    exact trajectory (every update), as ``--variant`` would judge it, at ``rows``."""
    judged = compare_trajectories(
        check.case,
        ours,
        Trajectory(exact[rows], counter, rows=rows),
        dtype="float64",
        where=check.where,
        reproducer=[],
        exact=exact,
    )
    return judged.passed


def _variant_runs(case: OptimizerCase, flavor: str):
    """``(name, exact trajectory)`` of every combination of the family's variants that changes
    this case, fewest variants first."""
    if variants.unmodelled(case) is not None:
        return
    family = [name for name in variants.VARIANTS if variants.applies_to(name, case.family)]
    own = variants.tensorflow_choices(case, flavor)
    seen = set()
    for size in range(1, len(family) + 1):
        for names in itertools.combinations(family, size):
            choice = {n: next(v for v in variants.VARIANTS[n] if v != own[n]) for n in names}
            different = tuple(sorted(variants.differences(case, flavor, choice).items()))
            if different and different not in seen:
                seen.add(different)
                yield variants.describe(dict(different)), _variant_run(case, flavor, different)


@functools.lru_cache(maxsize=512)
def _variant_run(case: OptimizerCase, flavor: str, different: tuple) -> np.ndarray:
    return variants.variant_trajectory(case, flavor, dict(different))


def _exact_run(case: OptimizerCase, flavor: str) -> np.ndarray | None:
    """The reference's float64 trajectory (the exact formula), or None where it raises."""
    run = reference_trajectory(case, flavor, "float64")
    return run.params


#: The reference's trajectories: (case, flavor, dtype, float32 kernels) -> the trajectory.
_REFERENCE_RUNS: dict[tuple, Trajectory] = {}

#: Those given to worker processes (:func:`prefetch_reference`), by the same keys.
_GIVEN = SharedPlan()

#: Below this many trajectories, starting worker processes (an interpreter, numpy and the
#: reference each, about a second) costs more than it saves.
MIN_PREFETCH = 8


def reference_trajectory(case: OptimizerCase, flavor: str, dtype: str) -> Trajectory:
    """The reference's trajectory, computed once per process and float32 kernels: it is a pure
    function of the case, and every TensorFlow version's vectors ask for the same ones (a
    target's own runs are not cached: a hang or a changing result is for the check to see).
    Taken from a worker process that :func:`prefetch_reference` gave it to (waiting for it if
    the worker has started it, else computed here); kept on disk between processes where
    :mod:`conformance.reference_cache` is enabled."""
    key = (case, flavor, dtype, REFERENCE.kernels_name)
    found = _REFERENCE_RUNS.get(key)
    if found is None:
        given = _GIVEN.take(key)
        if given is not None and given[0] == key[3]:  # computed with these float32 kernels
            found = given[1]
            reference_cache.store(*key, found)
    if found is None:
        found = reference_cache.load(*key)
    if found is None:
        found = REFERENCE.trajectory(case, flavor, dtype)
        reference_cache.store(*key, found)
    _REFERENCE_RUNS[key] = found
    return found


def prefetch_reference(runs: Iterable[tuple[OptimizerCase, str, str]], workers: int) -> None:
    """Start computing the reference's trajectories of ``runs`` (``(case, flavor, dtype)``, in
    the order they will be asked for) in ``workers`` worker processes, while this one goes on
    (with TensorFlow's side, or comparing): :func:`reference_trajectory` takes each. The
    reference is plain numpy, so a trajectory costs the same CPU time in any process and
    comes out the same, to the bit; with the float32 kernels of this process only (a worker
    whose kernels differ is not used). Only for the float32 kernels in force outside a
    check: a trajectory with TensorFlow's kernels plugged in is computed in the check."""
    kernels = REFERENCE.kernels_name
    pending = {}
    for run in dict.fromkeys(runs):
        key = (*run, kernels)
        if key in _REFERENCE_RUNS or key in _GIVEN:
            continue
        kept = reference_cache.load(*key)  # kept on disk by an earlier process
        if kept is not None:
            _REFERENCE_RUNS[key] = kept
        else:
            pending[key] = run
    if len(pending) < MIN_PREFETCH or workers < 1:
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process running TensorFlow
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
    # From the end of the plan: this process computes what no worker has started by the time
    # it gets there (conformance.plan_sharing).
    _GIVEN.give(pool, _references_in_worker, pending)
    pool.shutdown(wait=False)  # the workers end once every trajectory is computed


def _references_in_worker(runs: list[tuple]) -> list[tuple[str, Trajectory]]:
    """Each ``(case, flavor, dtype)``'s trajectory, with the name of the float32 kernels it was
    computed with."""
    # The warnings the reference raises as Keras does (legacy ``lr``, Keras 3 ignoring
    # ``decay``) are not results, and a worker's would reach the terminal unasked.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(REFERENCE.kernels_name, REFERENCE.trajectory(*run)) for run in runs]


def prefetch(oracle: Oracle, checks: Iterable[Check], target: Target) -> None:
    """What the optimizer checks among ``checks`` will ask for, computed up front: the
    reference's trajectories in worker processes (where the reference is the target), and the
    oracle's in batches (:meth:`conformance.oracles.Oracle.prefetch`). Only faster: :func:`run`
    gets the same trajectories either way."""
    checks = [check for check in checks if check.is_optimizer]
    if target.package is reference:
        runs = [
            (check.case, check.entry.flavor, check.dtype)
            for check in checks
            if not ("vector" in check.case.tags and check.dtype == "float32")
        ]
        # A core for this process: it computes TensorFlow's side meanwhile (against live
        # TensorFlow), and the trajectories no worker has started by the time it asks.
        prefetch_reference(runs, max(1, (os.cpu_count() or 1) - 1))
    oracle.prefetch([(check.case, check.entry, "trajectory") for check in checks])


def compare_with_tensorflow(
    check: Check,
    target: Trajectory,
    tensorflow: Trajectory,
    reproducer: list[str],
    exact: np.ndarray | None = None,
) -> OptimizerVerdict:
    """The verdict on a target's trajectory (every update, or only TensorFlow's stored rows,
    with ``exact`` for the float64 bound: see :func:`conformance.trajectory.
    compare_trajectories`) against TensorFlow's."""
    judged = compare_trajectories(
        check.case,
        target,
        tensorflow,
        dtype=check.dtype,
        where=check.where,
        reproducer=reproducer,
        exact=exact,
    )
    complete = target.params is not None and target.params.shape[0] == check.case.gradients.steps
    stored = _at_rows(target, tensorflow.rows) if complete else target
    return _verdict(judged, stored, tensorflow.params, tensorflow.params, check.dtype)


def target_trajectory(target: Target, case: OptimizerCase, flavor: str, dtype: str) -> Trajectory:
    """The target's trajectory: the reference's from its cache (:func:`reference_trajectory`),
    any other target's computed now."""
    if target.package is reference:
        return reference_trajectory(case, flavor, dtype)
    return target.trajectory(case, flavor, dtype)


def _trajectory(target: Target, case: OptimizerCase, flavor: str, dtype: str) -> Trajectory:
    run = target_trajectory(target, case, flavor, dtype)
    if run.params is not None:
        width = sum(case.gradients.shapes)
        shape = (case.gradients.steps, width)
        if run.params.shape != shape or run.params.dtype.kind not in "fiub":
            raise BadReturn(
                f"the target's parameters gave a trajectory of shape {run.params.shape} "
                f"({run.params.dtype}), expected {shape}"
            )
    return run


def _at_rows(run: Trajectory, rows: np.ndarray | None) -> Trajectory:
    """The run at the updates TensorFlow's trajectory holds (golden vectors store a sample)."""
    if rows is None or run.params is None:
        return run
    return Trajectory(run.params[rows], run.counter, run.error, run.message)


def _relative_distance(ours: np.ndarray, theirs: np.ndarray | None) -> float:
    """max |ours - theirs| / scale over the steps before either turns non-finite."""
    if theirs is None:
        return float("nan")
    theirs = theirs.astype(np.float64)
    finite = before_first_nonfinite(ours, theirs)
    scale = np.max(np.where(finite, np.abs(theirs), 0.0), axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    with np.errstate(all="ignore"):
        error = np.where(finite, np.abs(ours - theirs) / scale, 0.0)
    return float(np.max(error, initial=0.0))


def _verdict(judged, target: Trajectory, oracle, tensorflow, mode: str) -> OptimizerVerdict:
    """The report's numbers: ``oracle`` is what the target was held to (TensorFlow's
    trajectory, or a variant's exact one); ``mode`` is the target's dtype, which the report
    measures in ULPs (float32) or in error over the bound (float64). Bit-exact counts against
    TensorFlow's trajectory in any case."""
    verdict = OptimizerVerdict(
        judged.case,
        judged.where,
        judged.passed,
        reproducer=list(judged.reproducer),
        first_divergence=judged.first_divergence,
    )
    lines = [judged.detail] if judged.detail else []
    if target.params is not None and oracle is not None and tensorflow is not None:
        ours = target.params
        verdict.steps_checked = ours.shape[0]
        same = (ours.astype(np.float32) == tensorflow) | (np.isnan(ours) & np.isnan(tensorflow))
        verdict.bit_exact = int(np.all(same, axis=1).sum())
        if mode == "float32":
            distance = ulp_distance(ours, oracle)
            if oracle is not tensorflow:
                # As the comparison: a variant's exact formula is followed up to the first
                # non-finite value only.
                distance = np.where(before_first_nonfinite(ours, oracle), distance, 0.0)
            verdict.worst = float(np.max(distance, initial=0.0))
        else:
            verdict.worst = judged.worst_over_bound
        lines.append(
            f"{verdict.bit_exact}/{verdict.steps_checked} updates bit-exact to TensorFlow, "
            f"worst relative error {judged.worst:.3g} (bound {judged.bound:.3g})"
        )
    verdict.message = "; ".join(lines)
    return verdict

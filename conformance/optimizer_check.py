"""The optimizer catalogue in ``python -m conformance check``: plan, run one check, one verdict.

An optimizer check runs a whole trajectory of a target's optimizer (:mod:`conformance.trajectory`)
and compares it with TensorFlow's on one entry point (:mod:`conformance.oracles.
tensorflow_optimizers`), in float32 mode (bit-exact to TensorFlow) or float64 mode (within the
derived bound). A target that declares a variant (:mod:`conformance.variants`) is compared with
that variant's exact formula instead, and the verdict says how far the variant is from
TensorFlow. The verdict is a :class:`conformance.compare.Verdict`, so that the report treats
schedule and optimizer checks alike: ``steps_checked`` counts updates, ``bit_exact`` the updates
where every parameter equals TensorFlow's to the bit, ``worst`` is the largest ULP distance
(float32) or error over bound (float64).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType

import numpy as np

import reference
from conformance import targets, variants
from conformance.cases import OptimizerCase, SparseGradients
from conformance.check import NotApplicable
from conformance.compare import Verdict
from conformance.oracles.tensorflow_optimizers import OptimizerEntry, TensorFlowOptimizers
from conformance.trajectory import (
    ReferenceRun,
    compare_trajectories,
    reference_source,
    reference_trajectory,
)
from conformance.ulp import ulp_distance
from reference import _arith as reference_arith


@dataclass(frozen=True)
class OptimizerCheck:
    case: OptimizerCase
    entry: OptimizerEntry
    dtype: str
    path: str = "trajectory"

    @property
    def id(self) -> str:
        return f"{self.case.id}|{self.entry.key}|{self.dtype}|{self.path}"

    @property
    def where(self) -> str:
        return f"{self.entry.label}, {self.dtype}, trajectory"


@dataclass
class OptimizerVerdict(Verdict):
    #: The declared variants that differ from TensorFlow on this case (``None``: TF's form).
    variant: str | None = None
    #: How far that variant's exact trajectory is from TensorFlow's (relative to scale).
    differs_from_tf: float | None = None


def plan(oracle: TensorFlowOptimizers, cases: Iterable[OptimizerCase]) -> list[OptimizerCheck]:
    found = []
    for case in cases:
        for entry in oracle.entry_points(case.api):
            if case.flavors is not None and entry.flavor not in case.flavors:
                continue
            if case.entries is not None and entry.key not in case.entries:
                continue
            dtypes = ("float32", "float64") if case.float64 else ("float32",)
            found += [OptimizerCheck(case, entry, dtype) for dtype in dtypes]
    return found


def run(
    check: OptimizerCheck,
    oracle: TensorFlowOptimizers,
    package: ModuleType,
    package_name: str,
    timeout: float | None = None,
    declared: Mapping[str, str] | None = None,
) -> OptimizerVerdict:
    """Run the target's trajectory and compare it with TensorFlow's, or with the declared
    variant's exact formula where a declared variant changes this case."""
    case, entry, dtype = check.case, check.entry, check.dtype
    target_class = targets.lookup(package, case.api)
    declared = variants.declared_for(target_class, declared or {}, case.family)
    different = variants.differences(case, entry.flavor, declared)
    if different and isinstance(case.gradients, SparseGradients):
        raise NotApplicable(
            f"variant {variants.describe(different)}: sparse-gradient cases are defined by "
            "TensorFlow's form only"
        )
    arith = targets.submodule(package, "_arith")
    hooked = arith is not None and hasattr(arith, "float32_kernels")
    vector = "vector" in case.tags and dtype == "float32"
    if vector and not hooked and not different:
        raise NotApplicable(
            f"{package_name} cannot compute with TensorFlow's SIMD kernels, which TensorFlow "
            "uses on this 19-element variable; the other cases check its float32 arithmetic"
        )
    if vector and oracle.oracle.kernels is None and not different:
        raise NotApplicable(
            f"the {oracle.oracle.name} hold no TensorFlow SIMD kernels, which TensorFlow uses "
            "on this 19-element variable; live TensorFlow checks it"
        )
    tensorflow = oracle.trajectory(case, entry)
    if tensorflow.error is not None:
        different = {}  # TensorFlow rejects the case: the target must raise the same
    plug = arith.float32_kernels(oracle.oracle.kernels) if vector and hooked else None
    with plug or contextlib.nullcontext():
        target = targets.call_with_deadline(
            lambda: _trajectory(package, case, entry.flavor, dtype), timeout
        )
    reproducer = [reference_source(package_name, case, entry.flavor, dtype), tensorflow.call]
    if not different:
        return compare_with_tensorflow(check, target, tensorflow, reproducer)
    # The variant's exact formula is the oracle; TensorFlow's trajectory only measures it.
    exact = variants.variant_trajectory(reference, case, entry.flavor, different)
    oracle_run = ReferenceRun(exact, tensorflow.counter)
    judged = compare_trajectories(
        case, target, oracle_run, dtype="float64", where=check.where, reproducer=reproducer
    )
    if tensorflow.rows is not None and tensorflow.params is not None:
        # Bit-exact shares and the distance from TensorFlow: on the stored updates.
        target, exact = _at_rows(target, tensorflow.rows), exact[tensorflow.rows]
    verdict = _verdict(judged, target, exact, tensorflow.params, dtype)
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
    return verdict


@functools.lru_cache(maxsize=2048)
def _reference_run(case: OptimizerCase, flavor: str, dtype: str, kernels: str) -> ReferenceRun:
    """The reference's trajectory, computed once per process and float32 kernels: it is a pure
    function of the case, and every TensorFlow version's vectors ask for the same ones (a
    target's own runs are not cached: a hang or a changing result is for the check to see)."""
    return reference_trajectory(reference, case, flavor, dtype)


def compare_with_tensorflow(
    check: OptimizerCheck,
    target: ReferenceRun,
    tensorflow,
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


def _trajectory(package: ModuleType, case: OptimizerCase, flavor: str, dtype: str) -> ReferenceRun:
    if package is reference:
        kernels = reference_arith.current_float32_kernels().name
        run = _reference_run(case, flavor, dtype, kernels)
    else:
        run = reference_trajectory(package, case, flavor, dtype)
    if run.params is not None:
        width = sum(case.gradients.shapes)
        shape = (case.gradients.steps, width)
        if run.params.shape != shape or run.params.dtype.kind not in "fiub":
            raise targets.BadReturn(
                f"the target's parameters gave a trajectory of shape {run.params.shape} "
                f"({run.params.dtype}), expected {shape}"
            )
    return run


def _at_rows(run: ReferenceRun, rows: np.ndarray | None) -> ReferenceRun:
    """The run at the updates TensorFlow's trajectory holds (golden vectors store a sample)."""
    if rows is None or run.params is None:
        return run
    return ReferenceRun(run.params[rows], run.counter, run.error, run.message)


def _relative_distance(ours: np.ndarray, theirs: np.ndarray | None) -> float:
    """max |ours - theirs| / scale over the steps before either turns non-finite."""
    if theirs is None:
        return float("nan")
    theirs = theirs.astype(np.float64)
    finite = _before_first_nonfinite(ours, theirs)
    scale = np.max(np.where(finite, np.abs(theirs), 0.0), axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    with np.errstate(all="ignore"):
        error = np.where(finite, np.abs(ours - theirs) / scale, 0.0)
    return float(np.max(error, initial=0.0))


def _before_first_nonfinite(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    return np.cumprod(np.isfinite(ours) & np.isfinite(theirs), axis=0).astype(bool)


def _verdict(judged, target: ReferenceRun, oracle, tensorflow, mode: str) -> OptimizerVerdict:
    """The report's numbers: ``oracle`` is what the target was held to (TensorFlow's
    trajectory, or a variant's exact one); ``mode`` is the target's dtype, which the report
    measures in ULPs (float32) or in error over the bound (float64). Bit-exact counts against
    TensorFlow's trajectory in any case."""
    verdict = OptimizerVerdict(
        judged.case, judged.where, judged.passed, reproducer=list(judged.reproducer)
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
                distance = np.where(_before_first_nonfinite(ours, oracle), distance, 0.0)
            verdict.worst = float(np.max(distance, initial=0.0))
        else:
            verdict.worst = judged.worst_over_bound
        lines.append(
            f"{verdict.bit_exact}/{verdict.steps_checked} updates bit-exact to TensorFlow, "
            f"worst relative error {judged.worst:.3g} (bound {judged.bound:.3g})"
        )
    verdict.message = "; ".join(lines)
    return verdict

"""The reference optimizers against live TensorFlow: every optimizer case, on every entry point
TF has here, whole trajectories in float32 (TensorFlow's arithmetic) and float64 (the exact
formula) mode. See conformance.trajectory for the error measure and the bounds."""

from __future__ import annotations

import pytest

from conformance import targets
from conformance.cases import OPTIMIZER_CASES
from conformance.optimizer_check import plan
from conformance.oracles.tensorflow_optimizers import tensorflow_optimizers
from conformance.trajectory import compare_trajectories, reference_source, reference_trajectory

ORACLE = tensorflow_optimizers()


CHECKS = plan(ORACLE, OPTIMIZER_CASES) if ORACLE is not None else []


@pytest.mark.parametrize("api", sorted({c.api for c in OPTIMIZER_CASES}))
def test_tensorflow_has_the_optimizer(api):
    if ORACLE is None:
        pytest.skip("TensorFlow is not installed")
    if not ORACLE.entry_points(api):
        pytest.skip(f"{api} does not exist in TensorFlow {ORACLE.tf.__version__}")


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_reference_trajectory_matches_tensorflow(check, target):
    case, entry, dtype = check.case, check.entry, check.dtype
    package, name = target  # reference, or ``pytest --pyargs conformance --target PKG``
    if targets.lookup(package, case.api) is None:
        pytest.skip(f"not implemented: {name} has no {case.api}")
    tensorflow = ORACLE.trajectory(case, entry)
    # Whole AVX packets take Eigen's SIMD kernels in TensorFlow: give the reference the same.
    kernels = ORACLE.oracle.kernels if "vector" in case.tags and dtype == "float32" else None
    ours = reference_trajectory(package, case, entry.flavor, dtype, kernels=kernels)
    verdict = compare_trajectories(
        case,
        ours,
        tensorflow,
        dtype=dtype,
        where=entry.label,
        reproducer=[reference_source(name, case, entry.flavor, dtype), tensorflow.call],
    )
    if not verdict.passed:
        pytest.fail(verdict.explain(), pytrace=False)

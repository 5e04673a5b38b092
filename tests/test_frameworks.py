"""The PyTorch and optax adapters (conformance.targets.pytorch / .optax) through the suite's own
check: they run without crashing, a known-exact recipe is judged exact, and a known mistake (the
boundary not shifted by one) is judged different at the boundary step.

Needs TensorFlow and torch / optax (the ``torch`` and ``optax`` extras; tox env ``frameworks``);
skips with the reason otherwise."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from conformance import check as checking
from conformance.cases import OPTIMIZER_CASES, Case, cases
from conformance.oracles.tensorflow import tensorflow
from conformance.run import run_check
from conformance.targets import Target, tf_api

ORACLE = tensorflow()
FRAMEWORKS = ("pytorch", "optax")


def _adapter(framework: str):
    if ORACLE is None:
        pytest.skip("TensorFlow is not installed: the adapters are checked against it")
    pytest.importorskip(
        {"pytorch": "torch", "optax": "optax"}[framework],
        reason=f"the {framework} extra is not installed",
    )
    return Target.load(f"conformance.targets.{framework}")


def _case(case_id: str):
    (found,) = [c for c in cases() if c.id == case_id]
    return found


def _check(case, dtype: str = "float32", entry_key: str | None = None) -> checking.Check:
    entries = [e for e in ORACLE.entry_points(case.api) if entry_key in (None, e.key)]
    if not entries:
        pytest.skip(f"{case.api} does not exist in this TensorFlow")
    return checking.Check(case, entries[0], dtype, "scalar")


def _run(target: Target, case, dtype: str = "float32"):
    return run_check(_check(case, dtype), ORACLE, target)


#: One small case per family: the adapters must get through check.run on each.
SMOKE = (
    "ExponentialDecay/staircase",
    "ExponentialDecay/ordinary",
    "PiecewiseConstantDecay/ordinary",
    "PolynomialDecay/cycle",
    "InverseTimeDecay/staircase",
    "CosineDecay/warmup",
    "CosineDecayRestarts/ordinary",
    "exponential_decay/seed001-staircase",
    "natural_exp_decay/staircase",
    "piecewise_constant/seed004-right-closed",
    "cosine_decay_restarts/alpha",
    "linear_cosine_decay/defaults",
    "noisy_linear_cosine_decay/no-noise",
    "PolynomialDecay/decay-steps-zero",
)


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("case_id", SMOKE)
@pytest.mark.parametrize("dtype", ("float32", "float64"))
def test_adapter_runs_through_check(framework, case_id, dtype):
    verdict = _run(_adapter(framework), _case(case_id), dtype)
    assert verdict.message  # a verdict, pass or fail, with its explanation


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_vector_path_is_not_applicable(framework):
    target = _adapter(framework)
    check = checking.Check(
        _case("ExponentialDecay/staircase"),
        ORACLE.entry_points("schedules.ExponentialDecay")[0],
        "float32",
        "vector",
    )
    with pytest.raises(checking.NotApplicable):
        run_check(check, ORACLE, target)


def test_steplr_is_exact_for_staircase_exponential_decay():
    target = _adapter("pytorch")
    # decay_rate 0.5 is a float32 number and every rate here is a normal float32: TensorFlow's
    # float32 powf and PyTorch's repeated float64 multiplication give the same bits.
    halving = Case(
        id="ExponentialDecay/test-halving-staircase",
        api="schedules.ExponentialDecay",
        params=dict(initial_learning_rate=0.5, decay_steps=10, decay_rate=0.5, staircase=True),
        steps=np.arange(0, 1200),
        key_steps=np.arange(0),
    )
    verdict = _run(target, halving)
    assert tf_api.last_recipe.label == "StepLR"
    assert verdict.passed and verdict.bit_exact == 1200, verdict.explain()
    # With decay_rate 0.95 TensorFlow's float32 rate drifts from the exact one by up to 38 ULP
    # at step 4750 (0.95 rounded to float32, raised to the 190th power): StepLR's float64
    # values are exact within TensorFlow's own float32 error (the float64 check).
    for case_id in (
        "ExponentialDecay/seed000-staircase-per-batch",
        "exponential_decay/seed001-staircase",
    ):
        verdict = _run(target, _case(case_id), "float64")
        assert tf_api.last_recipe.label == "StepLR"
        assert verdict.passed, verdict.explain()


def test_shifted_multisteplr_is_exact_for_piecewise_constant():
    verdict = _run(_adapter("pytorch"), _case("PiecewiseConstantDecay/single-boundary"))
    assert tf_api.last_recipe.label == "MultiStepLR"
    assert verdict.passed, verdict.explain()


def _naive_package(framework: str) -> str:
    """A target whose PiecewiseConstantDecay switches AT each boundary (MultiStepLR or optax's
    piecewise_constant_schedule given TF's boundaries unchanged): the classic port."""
    name = f"naive_{framework}_target"
    if name in sys.modules:
        return name
    package = types.ModuleType(name)
    package.__path__ = []
    schedules = types.ModuleType(f"{name}.schedules")
    if framework == "pytorch":
        from conformance.targets.pytorch._driver import TorchSchedule as Schedule
        from conformance.targets.pytorch.recipes import Recipe

        recipe = Recipe(
            "MultiStepLR (no shift)",
            "values[0]",
            "MultiStepLR(optimizer, milestones=boundaries, gamma=values[1] / values[0])",
        )
    else:
        from conformance.targets.optax._driver import OptaxSchedule as Schedule
        from conformance.targets.optax.recipes import Recipe

        recipe = Recipe(
            "piecewise_constant_schedule (no shift)",
            "optax.piecewise_constant_schedule(values[0], {b: values[i + 1] / "
            "values[i] for i, b in enumerate(boundaries)})",
        )

    class PiecewiseConstantDecay(Schedule):
        def __init__(self, boundaries, values, name=None, *, dtype="float64", flavor="keras3"):
            super().__init__(recipe, dict(boundaries=list(boundaries), values=list(values)), dtype)

    schedules.PiecewiseConstantDecay = PiecewiseConstantDecay
    package.schedules = schedules
    sys.modules[name] = package
    sys.modules[schedules.__name__] = schedules
    return name


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_unshifted_boundary_differs_at_the_boundary_step(framework):
    _adapter(framework)
    name = _naive_package(framework)
    case = _case("PiecewiseConstantDecay/single-boundary")  # boundaries=[100]
    for dtype in ("float32", "float64"):
        verdict = _run(Target.load(name), case, dtype)
        assert not verdict.passed
        assert "step 100:" in verdict.message or "step 100 " in verdict.message, verdict.message
    # The shifted recipe of the adapter passes the same case.
    assert _run(_adapter(framework), case).passed


def _trajectory_verdict(framework: str, case_id: str, dtype: str = "float32"):
    from conformance.trajectory import compare_trajectories

    target = _adapter(framework)
    (case,) = [c for c in OPTIMIZER_CASES if c.id == case_id]
    entries = ORACLE.entry_points(case.api)
    if not entries:
        pytest.skip(f"{case.api} does not exist in this TensorFlow")
    ours = target.trajectory(case, entries[0].flavor, dtype)
    return compare_trajectories(
        case,
        ours,
        ORACLE.trajectory(case, entries[0]),
        dtype=dtype,
        where=entries[0].label,
        reproducer=[],
    )


def test_optax_rmsprop_with_initial_scale_one_follows_tf1_rmsprop():
    # TF1 starts the mean square at 1: optax.rmsprop(initial_scale=1.0) follows the float32
    # trajectory within 1e-6 of each parameter's scale (not to the bit: XLA's arithmetic).
    verdict = _trajectory_verdict("optax", "compat_v1.RMSPropOptimizer/momentum/lr-float")
    assert verdict.worst < 1e-6, verdict.explain()


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_adam_epsilon_placement_is_reported_as_a_difference(framework):
    # Keras adds epsilon before the bias correction, PyTorch and optax after: with the tiny
    # (1e-8) gradients of the catalogue the first update already differs by percents.
    verdict = _trajectory_verdict(framework, "optimizers.Adam/defaults/lr-float")
    assert not verdict.passed and verdict.worst > 1e-3, verdict.explain()
    assert verdict.first_step == 0

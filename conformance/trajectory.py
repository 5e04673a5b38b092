r"""Optimizer trajectories: the reference run the way TensorFlow ran, and one comparison.

The error measure. For parameter :math:`j`, let :math:`S_j = \max_t |\theta^{TF}_j(t)|` be its
scale over the trajectory (its initial value is in [-1, 1], so :math:`S_j` is of order 1, not
the distance travelled). The relative error of a trajectory is
:math:`\max_{t,j} |\theta^{ref}_j(t) - \theta^{TF}_j(t)| / S_j`. Two nan are equal (Keras honours
``epsilon=0``: a parameter whose gradient is always 0 becomes 0/0).

float32 mode
    performs TensorFlow's operations in TensorFlow's order, so every value of the trajectory must
    equal TensorFlow's to the bit (a 1e-6 relative tolerance, the issue's bar, would not see a
    constant rounded the other way: that changes an update by 2e-7 of itself). The relative
    error is reported beside it, against :data:`FLOAT32_RELATIVE`.

float64 mode
    is the exact formula; TensorFlow's float32 trajectory errs from it, and the bound is
    :func:`float64_bound`.
"""

from __future__ import annotations

import contextlib
import importlib
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from conformance.cases import LearningRateSpec, OptimizerCase, SparseGradients
from conformance.ulp import U

#: float32 mode against TensorFlow, relative to each parameter's scale.
FLOAT32_RELATIVE = 1e-6

#: Relative error of one update from TensorFlow's float32 hyperparameters: the betas and rho are
#: rounded to float32 (Keras: in every flavour, also for float64 variables), which changes
#: :math:`1 - \beta_2` by up to 1.3e-5 relative (0.999 -> 0.99900001) and the bias correction
#: :math:`\sqrt{1 - \beta_2^t}` by half that; schedules add a few ULPs.
HYPERPARAMETER_RELATIVE = 1.5e-5

#: Factor over the first-order bound, for the second-order terms it leaves out.
SAFETY = 2.0


def float64_bound(exact: np.ndarray, initial: np.ndarray) -> np.ndarray:
    r"""The float64-mode bound, per parameter, relative to its scale :math:`S_j`.

    TensorFlow's float32 trajectory differs from the exact one by (first order):

    * the rounding of the parameter at every update: at most :math:`u S_j` per step, so
      :math:`T u S_j` over :math:`T` updates;
    * the rounding of the initial value (exact here: the catalogue's initial values are float32
      numbers) and of each update's own arithmetic, a few :math:`u` of the update;
    * the float32 hyperparameters (:data:`HYPERPARAMETER_RELATIVE` of each update), so at most
      that fraction of :math:`D_j = \sum_t |\Delta\theta_j(t)|`, the path length.

    Bound: :data:`SAFETY` :math:`\times (T u S_j + (H + 8u) D_j) / S_j`. This ignores how an
    error in the slots feeds back into later updates, which is damped (the moments are
    exponential averages) except through :math:`\sqrt{v}` near 0, where epsilon bounds it.
    """
    steps = exact.shape[0]
    path = np.concatenate([initial[None, :], exact], axis=0)
    length = np.nansum(np.abs(np.diff(path, axis=0)), axis=0)
    scale = _scale(exact, initial)
    return SAFETY * (steps * U * scale + (HYPERPARAMETER_RELATIVE + 8 * U) * length) / scale


def _before_first_nonfinite(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """True at the steps of each parameter before either trajectory first leaves the finite
    numbers (from there the float64 mode and float32 TensorFlow need not agree: a difference of
    nearly equal numbers, such as a centered variance of a constant gradient, is negative in
    one and 0 or positive in the other)."""
    finite = np.isfinite(ours) & np.isfinite(theirs)
    return np.cumprod(finite, axis=0).astype(bool)


def _scale(params: np.ndarray, initial: np.ndarray) -> np.ndarray:
    finite = np.where(np.isfinite(params), np.abs(params), 0.0)
    scale = np.maximum(np.max(finite, axis=0), np.abs(initial))
    return np.where(scale == 0, 1.0, scale)


# -- the reference, run as TensorFlow ran ------------------------------------------------------


def reference_learning_rate(package: ModuleType, case: OptimizerCase, flavor: str, dtype: str):
    """The case's learning rate as the reference takes it: a float, a reference schedule of the
    flavour's schedule code, or a callable of the global step for a TF1 decay function."""
    spec = case.learning_rate
    if not isinstance(spec, LearningRateSpec):
        return spec
    module, name = spec.api.split(".", 1)
    if module == "compat_v1":
        function = getattr(_submodule(package, "compat_v1"), name)
        return lambda step: function(global_step=step, **spec.params, dtype=dtype)
    schedule_flavor = {
        "keras3": "keras3",
        "keras2": "keras2",
        "legacy": "keras2",
        "compat_v1": "compat_v1",
    }[flavor]
    schedule = getattr(_submodule(package, "schedules"), name)
    return schedule(**spec.params, dtype=dtype, flavor=schedule_flavor)


def _submodule(package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{name}")


def reference_optimizer(package: ModuleType, case: OptimizerCase, flavor: str, dtype: str):
    learning_rate = reference_learning_rate(package, case, flavor, dtype)
    name = case.family
    if flavor == "compat_v1":
        cls = getattr(_submodule(package, "compat_v1"), name)
        return cls(learning_rate, **case.params, dtype=dtype)
    if flavor == "legacy":
        cls = getattr(_submodule(package, "optimizers.legacy"), name)
        return cls(learning_rate=learning_rate, **case.params, dtype=dtype)
    cls = getattr(_submodule(package, "optimizers"), name)
    return cls(learning_rate=learning_rate, **case.params, dtype=dtype, flavor=flavor)


def reference_source(package_name: str, case: OptimizerCase, flavor: str, dtype: str) -> str:
    """The target's optimizer call as Python source, for reproducers."""
    lr = case.learning_rate
    if isinstance(lr, LearningRateSpec):
        module, name = lr.api.split(".", 1)
        shown = ", ".join(f"{k}={v!r}" for k, v in lr.params.items())
        if module == "compat_v1":
            lr = (
                f"lambda step: {package_name}.compat_v1.{name}(global_step=step, {shown}, "
                f"dtype={dtype!r})"
            )
        else:
            schedule_flavor = "keras2" if flavor == "legacy" else flavor
            lr = (
                f"{package_name}.schedules.{name}({shown}, dtype={dtype!r}, "
                f"flavor={schedule_flavor!r})"
            )
    else:
        lr = repr(lr)
    arguments = [f"{k}={v!r}" for k, v in case.params.items()] + [f"dtype={dtype!r}"]
    if flavor == "compat_v1":
        where = f"{package_name}.compat_v1.{case.family}({', '.join([lr, *arguments])})"
    elif flavor == "legacy":
        where = (
            f"{package_name}.optimizers.legacy.{case.family}"
            f"({', '.join([f'learning_rate={lr}', *arguments])})"
        )
    else:
        arguments.append(f"flavor={flavor!r}")
        where = (
            f"{package_name}.optimizers.{case.family}"
            f"({', '.join([f'learning_rate={lr}', *arguments])})"
        )
    return (
        f"{where}: init(g.initial_params()), then step(g[t], params, state) for t < "
        f"{case.gradients.steps}, g = conformance.cases.{case.gradients!r}"
    )


@dataclass
class ReferenceRun:
    params: np.ndarray | None
    counter: int | None = None
    error: str | None = None
    message: str = ""


def reference_trajectory(
    package: ModuleType, case: OptimizerCase, flavor: str, dtype: str, kernels=None
) -> ReferenceRun:
    """Every parameter after every update, as one ``(steps, width)`` float64 array."""
    gradients = case.gradients
    try:
        optimizer = reference_optimizer(package, case, flavor, dtype)
    except Exception as error:  # noqa: BLE001 - compared with TensorFlow's
        return ReferenceRun(None, error=type(error).__name__, message=str(error))
    params = gradients.initial_params()
    state = optimizer.init(params)
    rows = []
    plugged = (
        _submodule(package, "_arith").float32_kernels(kernels)
        if kernels is not None
        else contextlib.nullcontext()
    )
    with plugged:
        for step_gradients in _gradient_steps(package, gradients):
            params, state = optimizer.step(step_gradients, params, state)
            rows.append(np.concatenate([np.asarray(p, np.float64).ravel() for p in params]))
    return ReferenceRun(np.stack(rows), state[optimizer.counter])


def _gradient_steps(package: ModuleType, gradients):
    """Each step's gradients, one per variable: arrays, or the reference's IndexedSlices."""
    if isinstance(gradients, SparseGradients):
        sparse = _submodule(package, "optimizers").IndexedSlices
        indices, values = gradients.sequence()
        for t in range(gradients.steps):
            yield [sparse(indices[t], values[t])]
    else:
        for row in gradients.columns():
            yield gradients.split(row)


# -- the comparison ----------------------------------------------------------------------------


@dataclass
class TrajectoryVerdict:
    passed: bool
    dtype: str
    where: str
    case: OptimizerCase
    #: Worst relative error (see the module docstring) and the bound it was held to.
    worst: float = 0.0
    bound: float | None = None
    #: float64 mode: the largest error over its bound (the check passes at <= 1).
    worst_over_bound: float = 0.0
    bit_exact: float = 0.0
    first_step: int | None = None
    detail: str = ""
    reproducer: list[str] = field(default_factory=list)

    def explain(self) -> str:
        lines = [
            f"{self.case.id} ({self.case.api}) on {self.where}, dtype={self.dtype}: "
            f"{'passed' if self.passed else 'FAILED'}"
        ]
        if self.detail:
            lines.append(self.detail)
        lines.append(
            f"worst relative error {self.worst:.3g} (bound {self.bound:.3g}); "
            f"bit-exact values {self.bit_exact:.1%}"
        )
        lines += [f"  reproduce: {r}" for r in self.reproducer]
        return "\n".join(lines)


def compare_trajectories(
    case: OptimizerCase,
    reference: ReferenceRun,
    tensorflow,
    *,
    dtype: str,
    where: str,
    reproducer: list[str],
    exact: np.ndarray | None = None,
) -> TrajectoryVerdict:
    """``reference`` (any target's run) against ``tensorflow``, whose ``rows`` (if not None)
    names the updates its parameters are stored for. The target's run holds every update, or
    (a port's results file) only TensorFlow's stored rows: then the float64 bound, which grows
    with every update, is taken from ``exact``, the reference's float64 trajectory."""
    verdict = TrajectoryVerdict(
        False, dtype, where, case, reproducer=reproducer, bound=FLOAT32_RELATIVE
    )
    if reference.error or tensorflow.error:
        verdict.passed = reference.error == tensorflow.error
        verdict.detail = (
            f"target raised {reference.error}: {reference.message}; "
            f"TensorFlow raised {tensorflow.error}: {tensorflow.message}"
        )
        return verdict
    every = np.arange(case.gradients.steps)
    rows = every if getattr(tensorflow, "rows", None) is None else tensorflow.rows
    if reference.params.shape[0] == len(every):
        full, ours = reference.params, reference.params[rows]
    else:
        full, ours = exact, reference.params
    theirs = tensorflow.params.astype(np.float64)
    initial = np.concatenate([p.ravel() for p in case.gradients.initial_params()])
    scale = _scale(theirs, initial)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    with np.errstate(all="ignore"):
        error = np.where(both_nan, 0.0, np.abs(ours - theirs) / scale)
    error = np.where(np.isnan(error), np.inf, error)
    if dtype == "float32":
        exact = (ours.astype(np.float32) == theirs) | both_nan
        bound = np.full(ours.shape[1], FLOAT32_RELATIVE)
        verdict.bit_exact = float(np.mean(exact))
    else:
        # The bound grows with every update and the path length, so it is taken over the
        # target's whole trajectory, also where only some rows of TensorFlow's are stored.
        finite_full = np.cumprod(np.isfinite(full), axis=0).astype(bool)
        compared = _before_first_nonfinite(ours, theirs) & finite_full[rows]
        error = np.where(compared, error, 0.0)
        bound = float64_bound(np.where(finite_full, full, np.nan), initial)
        verdict.bit_exact = float(np.mean((ours == theirs) | both_nan))
        if not compared.all():
            i, j = np.argwhere(~compared)[0]
            verdict.detail = (
                f"compared up to the first non-finite value (parameter {j} at "
                f"step {rows[i]}: target {ours[i, j]!r}, TensorFlow "
                f"{theirs[i, j]!r}); float32 cancellation and the exact formula "
                "part there"
            )
    verdict.bound = float(np.max(bound))
    verdict.worst = float(np.max(error))
    if dtype == "float64":
        with np.errstate(all="ignore"):
            verdict.worst_over_bound = float(np.max(error / bound, initial=0.0))
    over = error > bound
    if dtype == "float32":
        over |= ~exact  # the requirement is the bit; the bound is reported
    counter_ok = reference.counter == tensorflow.counter
    verdict.passed = not over.any() and counter_ok
    if over.any():
        i, j = np.argwhere(over)[0]
        t = int(rows[i])
        verdict.first_step = t
        sampled = (
            ""
            if len(rows) == len(every)
            else (
                f"; TensorFlow's parameters are stored after {len(rows)} of the "
                f"{len(every)} updates, so it may have begun after update {int(rows[i - 1]) + 1}"
                if i > 0
                else ""
            )
        )
        verdict.detail = (
            f"first divergence after update {t + 1} (step {t}), parameter {j}: "
            f"target {float(ours[i, j])!r}, TensorFlow {float(theirs[i, j])!r}, "
            f"relative error {error[i, j]:.3g} (bound {bound[j]:.3g}"
            f"{'; float32 mode must be bit-exact' if dtype == 'float32' else ''})"
            f"{sampled}"
        )
    elif not counter_ok:
        verdict.detail = (
            f"step counter after the trajectory: target {reference.counter}, "
            f"TensorFlow {tensorflow.counter}"
        )
    return verdict

r"""Optimizer trajectories: one comparison of a target's with TensorFlow's, and its bounds.

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

from dataclasses import dataclass, field

import numpy as np

from conformance.cases import OptimizerCase
from conformance.compare import Divergence
from conformance.outcome import Trajectory
from conformance.tolerance import SAFETY
from conformance.ulp import U, ulp_distance

#: float32 mode against TensorFlow, relative to each parameter's scale.
FLOAT32_RELATIVE = 1e-6

#: Relative error of one update from TensorFlow's float32 hyperparameters: the betas and rho are
#: rounded to float32 (Keras: in every flavour, also for float64 variables), which changes
#: :math:`1 - \beta_2` by up to 1.3e-5 relative (0.999 -> 0.99900001) and the bias correction
#: :math:`\sqrt{1 - \beta_2^t}` by half that; schedules add a few ULPs.
HYPERPARAMETER_RELATIVE = 1.5e-5


def float64_bound(
    exact: np.ndarray, initial: np.ndarray, case: OptimizerCase | None = None
) -> np.ndarray:
    r"""The float64-mode bound, per parameter, relative to its scale :math:`S_j`.

    TensorFlow's float32 trajectory differs from the exact one by (first order):

    * the rounding of the parameter at every update: at most :math:`u S_j` per rounding, and
      :math:`r` roundings per update (1; 2 with weight decay, whose decayed weight is stored
      before the update subtracts its step), so :math:`r T u S_j` over :math:`T` updates;
    * the rounding of the initial value (exact here: the catalogue's initial values are float32
      numbers) and of each update's own arithmetic, a few :math:`u` of the update, plus what
      the options add to it (:func:`update_roundings`: a norm of :math:`n` numbers, a mean of
      :math:`n` accumulated gradients, a loss-scale division);
    * the float32 hyperparameters (:data:`HYPERPARAMETER_RELATIVE` of each update), so at most
      that fraction of :math:`D_j = \sum_t |\Delta\theta_j(t)|`, the path length;
    * with ``ema_overwrite_frequency``, the weights are replaced by their moving average
      :math:`a \leftarrow \mu a + (1 - \mu)\theta`, whose own float32 arithmetic rounds
      three times per step (at most :math:`3u S_j`) and whose float32 weights need not add up
      to 1 (Keras 2 rounds :math:`\mu` and :math:`1 - \mu` separately: a relative bias of
      :math:`\delta = |\mu_{32} + (1-\mu)_{32} - 1|` per step). An overwrite hands the
      average's error to the weights, where it stays (first order: the update does not depend
      on the weight); the average after it is made of weights that carry that error with total
      weight 1, so each step's EMA rounding reaches the weights at most once:
      :math:`E_j = (3u + \delta)\, T S_j`.

    Bound: :data:`SAFETY` :math:`\times (r T u S_j + (H + k u) D_j + E_j) / S_j` with
    :math:`k = 8 +` :func:`update_roundings`. This ignores how an error in the slots feeds
    back into later updates, which is damped (the moments are exponential averages) except
    through :math:`\sqrt{v}` near 0, where epsilon bounds it.
    """
    steps = exact.shape[0]
    path = np.concatenate([initial[None, :], exact], axis=0)
    length = np.nansum(np.abs(np.diff(path, axis=0)), axis=0)
    scale = _scale(exact, initial)
    roundings = 2 if case is not None and _decays_weights(case) else 1
    per_update = HYPERPARAMETER_RELATIVE + (8 + update_roundings(case)) * U
    average = _average_error(case, steps) * scale
    return SAFETY * (roundings * steps * U * scale + per_update * length + average) / scale


def update_roundings(case: OptimizerCase | None) -> int:
    """The roundings the options add to one update's own arithmetic, in :math:`u` of the
    update: a clipping norm sums the squares of the largest variable (:math:`n` numbers, each
    sum rounded: :math:`n` more, plus the square root, the division and the product: 3), a
    mean of :math:`n` accumulated gradients :math:`n`, a loss-scale division 1."""
    if case is None:
        return 0
    params = case.params
    added = 0
    if any(params.get(k) for k in ("clipnorm", "global_clipnorm")):
        width = case.gradients.shapes
        added += (sum(width) if params.get("global_clipnorm") else max(width)) + 3
    added += params.get("gradient_accumulation_steps") or 0
    added += 1 if params.get("loss_scale_factor") else 0
    return added


def _decays_weights(case: OptimizerCase) -> bool:
    return case.params.get("weight_decay") is not None or case.family == "AdamW"


def _average_error(case: OptimizerCase | None, steps: int) -> float:
    """:math:`E_j / S_j` of :func:`float64_bound` (0 without an overwriting EMA)."""
    params = {} if case is None else case.params
    if not (params.get("use_ema") and params.get("ema_overwrite_frequency")):
        return 0.0
    momentum = float(params.get("ema_momentum", 0.99))
    weights = float(np.float32(momentum)) + float(np.float32(1 - momentum))
    return (3 * U + abs(weights - 1)) * steps


def before_first_nonfinite(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
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
    #: The first update and parameter over budget, as data.
    first_divergence: Divergence | None = None
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
    target: Trajectory,
    tensorflow: Trajectory,
    *,
    dtype: str,
    where: str,
    reproducer: list[str],
    exact: np.ndarray | None = None,
) -> TrajectoryVerdict:
    """``target``'s run against ``tensorflow``, whose ``rows`` (if not None)
    names the updates its parameters are stored for. The target's run holds every update, or
    (a port's results file) only TensorFlow's stored rows: then the float64 bound, which grows
    with every update, is taken from ``exact``, the reference's float64 trajectory."""
    verdict = TrajectoryVerdict(
        False, dtype, where, case, reproducer=reproducer, bound=FLOAT32_RELATIVE
    )
    if target.error or tensorflow.error:
        verdict.passed = target.error == tensorflow.error
        if verdict.passed:
            verdict.detail = f"both raise {target.error}"
        else:
            verdict.detail = f"TensorFlow {_raised(tensorflow)}; the target {_raised(target)}"
        return verdict
    every = np.arange(case.gradients.steps)
    rows = every if getattr(tensorflow, "rows", None) is None else tensorflow.rows
    if target.params.shape[0] == len(every):
        full, ours = target.params, target.params[rows]
    else:
        full, ours = exact, target.params
    theirs = tensorflow.params.astype(np.float64)
    initial = np.concatenate([p.ravel() for p in case.gradients.initial_params()])
    scale = _scale(theirs, initial)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    # Equal values (infinities included) and two nan are no error.
    same = both_nan | (ours == theirs)
    with np.errstate(all="ignore"):
        error = np.where(same, 0.0, np.abs(ours - theirs) / scale)
    error = np.where(np.isnan(error), np.inf, error)
    if dtype == "float32":
        exact = (ours.astype(np.float32) == theirs) | both_nan
        bound = np.full(ours.shape[1], FLOAT32_RELATIVE)
        verdict.bit_exact = float(np.mean(exact))
    else:
        # The bound grows with every update and the path length, so it is taken over the
        # target's whole trajectory, also where only some rows of TensorFlow's are stored.
        finite_full = np.cumprod(np.isfinite(full), axis=0).astype(bool)
        compared = before_first_nonfinite(ours, theirs) & finite_full[rows]
        error = np.where(compared, error, 0.0)
        bound = float64_bound(np.where(finite_full, full, np.nan), initial, case)
        verdict.bit_exact = float(np.mean((ours == theirs) | both_nan))
        if not compared.all():
            i, j = np.argwhere(~compared)[0]
            verdict.detail = (
                f"compared up to the first non-finite value (parameter {j} at "
                f"step {rows[i]}: target {float(ours[i, j])!r}, TensorFlow "
                f"{float(theirs[i, j])!r}); float32 cancellation and the exact formula "
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
    counter_ok = target.counter == tensorflow.counter
    verdict.passed = not over.any() and counter_ok
    if over.any():
        i, j = np.argwhere(over)[0]
        t = int(rows[i])
        verdict.first_step = t
        verdict.first_divergence = Divergence(
            step=t,
            target=float(ours[i, j]),
            oracle=float(theirs[i, j]),
            index=int(i),
            parameter=int(j),
            **(
                {"ulp": float(ulp_distance(ours[i, j], theirs[i, j]))}
                if dtype == "float32"
                else {"error": float(error[i, j]), "bound": float(bound[j])}
            ),
        )
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
            f"target {float(ours[i, j])!r}, TensorFlow {float(theirs[i, j])!r}"
            f"{f' ({verdict.first_divergence.ulp:g} ULP)' if dtype == 'float32' else ''}, "
            f"relative error {error[i, j]:.3g} (bound {bound[j]:.3g}"
            f"{'; float32 mode must be bit-exact' if dtype == 'float32' else ''})"
            f"{sampled}"
        )
    elif not counter_ok:
        verdict.detail = (
            f"step counter after the trajectory: target {target.counter}, "
            f"TensorFlow {tensorflow.counter}"
        )
    return verdict


def _raised(run: Trajectory) -> str:
    """``raises X (message)``, or ``returns a trajectory``."""
    if not run.error:
        return "returns a trajectory"
    text = run.message.splitlines()[0][:160] if run.message else ""
    return f"raises {run.error}" + (f" ({text})" if text else "")

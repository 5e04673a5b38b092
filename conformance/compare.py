"""One comparison: a target's outcome against an oracle's, step by step, with a verdict that
names the API, the case, the first diverging step, both values and the distance."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from conformance import registry, tolerance
from conformance.cases import Case
from conformance.outcome import Outcome
from conformance.ulp import digits_of_agreement, ulp_distance


@dataclass
class Verdict:
    case: Case
    where: str  # e.g. "tf.keras (Keras 3.15.1), float32, scalar path"
    passed: bool
    steps_checked: int = 0
    bit_exact: int = 0
    #: float32 mode: the largest ULP distance; float64 mode: the largest error / bound.
    worst: float = 0.0
    message: str = ""
    reproducer: list[str] = field(default_factory=list)

    def explain(self) -> str:
        lines = [f"{self.case.api} [{self.case.id}] on {self.where}: {self.message}"]
        if self.reproducer:
            lines.append("Reproduce:")
            lines.extend(f"    {line}" for line in self.reproducer)
        return "\n".join(lines)


def compare(
    case: Case,
    target: Outcome,
    oracle: Outcome,
    *,
    dtype: str,
    where: str,
    reproducer: list[str],
) -> Verdict:
    """Both raise the same exception in the same phase, or both give values that agree: within
    ``case.max_ulp`` ULPs (float32 mode), or within the API's derived bound (float64 mode)."""
    verdict = Verdict(case, where, passed=False, reproducer=reproducer)
    if oracle.raised or target.raised:
        return _compare_errors(verdict, target, oracle)
    oracle_errors = _step_errors(oracle, len(case.steps))
    target_errors = _step_errors(target, len(case.steps))
    if not np.array_equal(oracle_errors, target_errors):
        i = int(np.argmax(oracle_errors != target_errors))
        verdict.message = (
            f"at step {case.steps[i]} TensorFlow {_raises_or_returns(oracle_errors[i])}, "
            f"the target {_raises_or_returns(target_errors[i])}"
        )
        return verdict
    ok = oracle_errors == None  # noqa: E711 - element-wise over an object array
    target_values = np.asarray(target.values).reshape(-1)
    oracle_values = np.asarray(oracle.values).reshape(-1)
    if target_values.shape != oracle_values.shape:
        verdict.message = (
            f"the target returned shape {target_values.shape} for {len(case.steps)} steps"
        )
        return verdict
    if dtype == "float32":
        return _within_ulps(verdict, target_values, oracle_values, ok)
    return _within_bound(verdict, target_values, oracle_values, ok)


def _compare_errors(verdict: Verdict, target: Outcome, oracle: Outcome) -> Verdict:
    if (
        oracle.raised
        and target.raised
        and (oracle.error, oracle.phase) == (target.error, target.phase)
    ):
        verdict.passed = True
        verdict.message = f"both raise {oracle.error} at {oracle.phase}"
        return verdict
    verdict.message = f"TensorFlow {_describe(oracle)}; the target {_describe(target)}"
    return verdict


def _describe(outcome: Outcome) -> str:
    if outcome.raised:
        return (
            f"raises {outcome.error} at {outcome.phase} "
            f"({(outcome.message.splitlines() or [''])[0][:160]})"
        )
    return "returns values"


def _raises_or_returns(error) -> str:
    return "returns a value" if error is None else f"raises {error}"


def _step_errors(outcome: Outcome, n: int) -> np.ndarray:
    if outcome.step_errors is None:
        return np.full(n, None, dtype=object)
    return np.asarray(outcome.step_errors, dtype=object)


def _distance_in_oracle_dtype(target: np.ndarray, oracle: np.ndarray) -> np.ndarray:
    """ULPs in the oracle's own dtype: float32 normally; float64 where TF computes in float64
    (an int ``initial_learning_rate`` in Keras 3); 0/inf for integer results."""
    if oracle.dtype == np.float64:
        return _ulp_distance_float64(target.astype(np.float64), oracle)
    if oracle.dtype.kind in "iub":
        return np.where(target.astype(np.float64) == oracle.astype(np.float64), 0.0, np.inf)
    return ulp_distance(target.astype(np.float32), oracle.astype(np.float32))


def _ulp_distance_float64(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    def ordered(x):
        bits = x.view(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFFFFFFFFFF), bits).astype(np.float64)

    distance = np.abs(ordered(a) - ordered(b))
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where(both_nan, 0.0, np.where(np.isnan(a) | np.isnan(b), np.inf, distance))


def _within_ulps(verdict: Verdict, target, oracle, checked: np.ndarray) -> Verdict:
    distance = np.where(checked, _distance_in_oracle_dtype(target, oracle), 0.0)
    verdict.steps_checked = int(checked.sum())
    verdict.bit_exact = int(((distance == 0) & checked).sum())
    verdict.worst = float(distance.max(initial=0.0))
    budget = verdict.case.max_ulp
    bad = distance > budget
    summary = (
        f"{verdict.bit_exact}/{verdict.steps_checked} steps bit-exact, worst {verdict.worst:g} ULP"
    )
    if not bad.any():
        verdict.passed = True
        verdict.message = summary
        return verdict
    i = int(np.argmax(bad))
    worst = int(np.argmax(distance))
    verdict.message = (
        f"first divergence at step {verdict.case.steps[i]}: target {_show(target[i])} vs "
        f"TensorFlow {_show(oracle[i])}, {distance[i]:g} ULP > budget {budget} "
        f"({float(digits_of_agreement(target[i], oracle[i])):.1f} digits agree); "
        f"{int(bad.sum())} steps over budget, worst {distance[worst]:g} ULP at step "
        f"{verdict.case.steps[worst]}; {summary}"
    )
    return verdict


def _within_bound(verdict: Verdict, target, oracle, checked: np.ndarray) -> Verdict:
    exact = target.astype(np.float64)
    tf_value = oracle.astype(np.float64)
    bound = registry.bound_at(verdict.case, exact)
    with np.errstate(all="ignore"):
        error = np.abs(tf_value - exact)
        both_nan = np.isnan(tf_value) & np.isnan(exact)
        # An exact value beyond float32's range rounds to TensorFlow's infinity.
        overflow = (
            np.isinf(tf_value)
            & (np.sign(tf_value) == np.sign(exact))
            & (np.abs(exact) >= np.finfo(np.float32).max * (1 - 2 * tolerance.U))
        )
        fine = both_nan | overflow | (tf_value == exact) | (error <= bound)
        # Where no finite bound holds (bound inf), inf / inf would report a passing step as
        # infinitely far off: such steps are admitted, not measured.
        ratio = np.where((fine & ~(error <= bound)) | np.isinf(bound), 0.0, error / bound)
    fine = fine | ~checked
    verdict.steps_checked = int(checked.sum())
    with np.errstate(all="ignore"):
        same = oracle.astype(np.float32) == exact.astype(np.float32)
    verdict.bit_exact = int((same & checked).sum())
    verdict.worst = float(
        np.nanmax(np.where(checked, np.nan_to_num(ratio, nan=np.inf), 0.0), initial=0.0)
    )
    summary = (
        f"worst error {verdict.worst:.3g} of the bound; "
        f"{verdict.bit_exact}/{verdict.steps_checked} steps equal the exact value in float32"
    )
    if fine.all():
        verdict.passed = True
        verdict.message = summary
        return verdict
    i = int(np.argmax(~fine))
    verdict.message = (
        f"first step outside the float64 bound: step {verdict.case.steps[i]}: exact "
        f"{exact[i]!r} vs TensorFlow {_show(oracle[i])}, error {error[i]:.3g} > bound "
        f"{bound[i]:.3g} ({float(digits_of_agreement(oracle[i], exact[i])):.1f} digits agree); "
        f"{int((~fine).sum())} steps outside; {summary}"
    )
    return verdict


def _show(value) -> str:
    value = np.asarray(value)
    if value.dtype == np.float32:
        return f"{float(value)!r} ({float(value).hex()})"
    return repr(value.item())

"""One comparison: a target's outcome against an oracle's, step by step, with a verdict that
names the API, the case, the first diverging step, both values and the distance; the first
divergence as data (:class:`Divergence`) and a diagnosis of what kind of difference it is
(:class:`Diagnosis`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from conformance import registry, tolerance
from conformance.cases import Case
from conformance.outcome import Outcome
from conformance.ulp import digits_of_agreement, ulp_distance

#: Diagnoses (:class:`Diagnosis`), from the best to the worst.
EXACT, ROUNDING, VARIANT, DIFFERS = "exact", "rounding", "variant", "differs"

#: float32's smallest normal number: below it (and above 0) a float32 is subnormal.
FLOAT32_TINY = float(np.finfo(np.float32).tiny)

#: The exact values of a case at some of its steps (the reference's float64 mode), or None where
#: they cannot be had.
ExactValues = Callable[[np.ndarray], "np.ndarray | None"]


@dataclass(frozen=True)
class Divergence:
    """The first step (for an optimizer: update) where the target leaves its budget.

    ``target`` and ``oracle`` are the two values there; float32 mode gives their distance in
    ``ulp``, float64 mode the ``error`` (``|oracle - target|``, relative to the parameter's scale
    for an optimizer) and the ``bound`` it exceeds. ``exact`` is the exact value there (the
    reference's float64 mode) and ``closer`` says which side is closer to it (``"target"``,
    ``"oracle"`` or ``"neither"``: as close); both None where the exact value is unknown.
    ``parameter`` indexes the optimizer's parameters, flattened and concatenated. ``index`` is
    the position among the compared steps (not in the report)."""

    step: int
    target: float
    oracle: float
    index: int = 0
    ulp: float | None = None
    error: float | None = None
    bound: float | None = None
    parameter: int | None = None
    exact: float | None = None
    closer: str | None = None

    def with_exact(self, exact: float | None) -> Divergence:
        if exact is None or not np.isfinite(exact):
            return self
        return replace(self, exact=float(exact), closer=closer(self.target, self.oracle, exact))

    def record(self) -> dict:
        """The JSON form: ``{step, target, oracle, ulp}`` (float32) or ``{step, target, oracle,
        error, bound}`` (float64), with ``parameter``, ``exact`` and ``closer`` where known."""
        found: dict = {"step": self.step, "target": self.target, "oracle": self.oracle}
        if self.ulp is not None:
            found["ulp"] = self.ulp
        else:
            found.update(error=self.error, bound=self.bound)
        if self.parameter is not None:
            found["parameter"] = self.parameter
        if self.exact is not None:
            found.update(exact=self.exact, closer=self.closer)
        return found


def closer(target: float, oracle: float, exact: float) -> str:
    """Which of two values is closer to ``exact``: ``"target"``, ``"oracle"`` or ``"neither"``."""
    with np.errstate(all="ignore"):
        ours, theirs = abs(target - exact), abs(oracle - exact)
    if np.isnan(ours) or np.isnan(theirs) or ours == theirs:
        return "neither"
    return "target" if ours < theirs else "oracle"


@dataclass
class Diagnosis:
    """What kind of difference a check found (docs/migration.md classifies the frameworks the
    same way):

    ``exact``
        the target's float32 values equal TensorFlow's to the bit;
    ``rounding``
        they differ, but the target is everywhere within TensorFlow's own float32 error of the
        exact value (the float64 bound): the same function, rounded differently; ``closer`` and
        ``farther`` count the differing steps where the target is closer to the exact value
        than TensorFlow, or farther from it;
    ``variant``
        (optimizers) the target follows a known variant's exact formula (:mod:`conformance.
        variants`): ``variants`` names those it conforms to;
    ``differs``
        a different function: at ``step`` the target is beyond TensorFlow's own error of the
        exact value. ``untried`` says why no variant could be tried (an option or a callable
        the variants' formulas leave out): such a check may follow a variant all the same.
    """

    kind: str
    differing: int = 0
    closer: int = 0
    farther: int = 0
    worst_ulp: float | None = None
    step: int | None = None
    variants: tuple[str, ...] = ()
    hint: str | None = None
    untried: str | None = None

    def record(self) -> dict:
        found: dict = {"kind": self.kind, "differing": self.differing}
        if self.differing:
            found.update(closer=self.closer, farther=self.farther)
        if self.worst_ulp is not None:
            found["worst_ulp"] = _json_float(self.worst_ulp)
        if self.step is not None:
            found["step"] = self.step
        if self.variants:
            found["variants"] = list(self.variants)
        if self.hint:
            found["hint"] = self.hint
        if self.untried:
            found["variants_untried"] = self.untried
        return found


def _json_float(value: float):
    return value if np.isfinite(value) else str(value)


def flush_to_zero_hint(target: np.ndarray, oracle: np.ndarray, steps: np.ndarray) -> str | None:
    """Where one side is a float32 subnormal and the other 0: a flush-to-zero difference."""
    with np.errstate(all="ignore"):
        t, o = np.abs(target.astype(np.float64)), np.abs(oracle.astype(np.float64))
    subnormal_target = (t > 0) & (t < FLOAT32_TINY) & (o == 0)
    subnormal_oracle = (o > 0) & (o < FLOAT32_TINY) & (t == 0)
    if subnormal_target.any():
        i = int(np.argmax(subnormal_target))
        return (
            f"flush to zero: at step {int(steps[i])} the target returns the float32 subnormal "
            f"{float(target[i])!r} where TensorFlow returns 0 (its CPU kernels flush subnormal "
            "float32 results to zero): flush them to zero too"
        )
    if subnormal_oracle.any():
        i = int(np.argmax(subnormal_oracle))
        return (
            f"flush to zero: at step {int(steps[i])} TensorFlow returns the float32 subnormal "
            f"{float(oracle[i])!r} where the target returns 0: the target flushes subnormals "
            "TensorFlow keeps here"
        )
    return None


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
    #: A Python program (one line per item) that prints both sides at the first divergence.
    reproducer: list[str] = field(default_factory=list)
    first_divergence: Divergence | None = None
    diagnosis: Diagnosis | None = None
    #: How the target was called: ``"array"`` (the step array in one call), ``"per-step"``
    #: (one call per step), ``"trajectory"`` (an optimizer); None where not recorded.
    calls: str | None = None
    #: The position (in the compared steps) the message points at, for the reproducer.
    index: int | None = None

    def explain(self) -> str:
        lines = [f"{self.case.api} [{self.case.id}] on {self.where}: {self.message}"]
        if self.reproducer:
            lines.append("Reproduce (Python):")
            lines.extend(f"    {line}".rstrip() for line in self.reproducer)
        return "\n".join(lines)


def compare(
    case: Case,
    target: Outcome,
    oracle: Outcome,
    *,
    dtype: str,
    where: str,
    reproducer: list[str] | None = None,
    exact: ExactValues | None = None,
    max_ulp: int | None = None,
) -> Verdict:
    """Both raise the same exception in the same phase, or both give values that agree: within
    ``max_ulp`` ULPs (default ``case.max_ulp``) in float32 mode, or within the API's derived bound
    in float64 mode.

    ``exact`` gives the exact values at some steps (the reference's float64 mode): with it the
    first divergence says which side is closer to the exact value, and the float32 mode gets a
    :class:`Diagnosis`."""
    verdict = Verdict(case, where, passed=False, reproducer=list(reproducer or ()))
    if oracle.raised or target.raised:
        return _compare_errors(verdict, target, oracle)
    oracle_errors = _step_errors(oracle, len(case.steps))
    target_errors = _step_errors(target, len(case.steps))
    if not np.array_equal(oracle_errors, target_errors):
        i = int(np.argmax(oracle_errors != target_errors))
        verdict.index = i
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
        budget = case.max_ulp if max_ulp is None else max_ulp
        return _within_ulps(verdict, target_values, oracle_values, ok, budget, exact)
    return _within_bound(verdict, target_values, oracle_values, ok, exact)


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
        text = outcome.message.splitlines()[0][:160] if outcome.message else ""
        return f"raises {outcome.error} at {outcome.phase}" + (f" ({text})" if text else "")
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


def _exact_at(exact: ExactValues | None, steps: np.ndarray) -> np.ndarray | None:
    if exact is None or not len(steps):
        return None
    try:
        values = exact(steps)
    except Exception:  # noqa: BLE001 - the exact value is extra information, never the verdict
        return None
    if values is None:
        return None
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    return values if values.shape == steps.shape else None


def _within_ulps(
    verdict: Verdict, target, oracle, checked: np.ndarray, budget: int, exact: ExactValues | None
) -> Verdict:
    distance = np.where(checked, _distance_in_oracle_dtype(target, oracle), 0.0)
    verdict.steps_checked = int(checked.sum())
    verdict.bit_exact = int(((distance == 0) & checked).sum())
    verdict.worst = float(distance.max(initial=0.0))
    steps = verdict.case.steps
    differing = np.flatnonzero(distance > 0)
    exact_values = _exact_at(exact, steps[differing])
    verdict.diagnosis = _diagnose(verdict.case, target, oracle, differing, distance, exact_values)
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
    divergence = Divergence(
        step=int(steps[i]),
        target=float(target[i]),
        oracle=float(oracle[i]),
        index=i,
        ulp=float(distance[i]),
    )
    if exact_values is not None:
        divergence = divergence.with_exact(exact_values[int(np.searchsorted(differing, i))])
    verdict.first_divergence = divergence
    verdict.index = i
    verdict.message = (
        f"first divergence at step {steps[i]}: target {_show(target[i], oracle.dtype)} vs "
        f"TensorFlow {_show(oracle[i])}, {distance[i]:g} ULP > budget {budget} "
        f"({_agreement(target[i], oracle[i])}){_exact_note(divergence)}; "
        f"{_count(int(bad.sum()), 'step')} over budget, worst {distance[worst]:g} ULP at step "
        f"{steps[worst]}; {summary}"
    )
    return verdict


def _diagnose(
    case: Case,
    target: np.ndarray,
    oracle: np.ndarray,
    differing: np.ndarray,
    distance: np.ndarray,
    exact: np.ndarray | None,
) -> Diagnosis | None:
    """float32 mode: exact, rounding or differs (see :class:`Diagnosis`); None where the target
    differs and the exact values are unknown."""
    if not len(differing):
        return Diagnosis(EXACT)
    if exact is None:
        return None
    steps = case.steps[differing]
    ours = target[differing].astype(np.float64)
    theirs = oracle[differing].astype(np.float64)
    bound = registry.bound_at(replace(case, steps=steps), exact)
    with np.errstate(all="ignore"):
        our_error, their_error = np.abs(ours - exact), np.abs(theirs - exact)
        both_nan = np.isnan(ours) & np.isnan(exact)
        within = both_nan | (ours == exact) | (our_error <= bound)
    diagnosis = Diagnosis(
        ROUNDING if within.all() else DIFFERS,
        differing=len(differing),
        closer=int((our_error < their_error).sum()),
        farther=int((our_error > their_error).sum()),
        worst_ulp=float(distance[differing].max()),
        hint=flush_to_zero_hint(target[differing], oracle[differing], steps),
    )
    if not within.all():
        diagnosis.step = int(steps[int(np.argmax(~within))])
    return diagnosis


def _within_bound(
    verdict: Verdict, target, oracle, checked: np.ndarray, exact: ExactValues | None
) -> Verdict:
    # float64 mode: the target is the exact formula; TensorFlow's float32 value must be within
    # its own derived error of it.
    claimed = target.astype(np.float64)
    tf_value = oracle.astype(np.float64)
    bound = registry.bound_at(verdict.case, claimed)
    with np.errstate(all="ignore"):
        error = np.abs(tf_value - claimed)
        both_nan = np.isnan(tf_value) & np.isnan(claimed)
        # An exact value beyond float32's range rounds to TensorFlow's infinity.
        overflow = (
            np.isinf(tf_value)
            & (np.sign(tf_value) == np.sign(claimed))
            & (np.abs(claimed) >= np.finfo(np.float32).max * (1 - 2 * tolerance.U))
        )
        fine = both_nan | overflow | (tf_value == claimed) | (error <= bound)
        # Where no finite bound holds (bound inf), inf / inf would report a passing step as
        # infinitely far off: such steps are admitted, not measured.
        ratio = np.where((fine & ~(error <= bound)) | np.isinf(bound), 0.0, error / bound)
    fine = fine | ~checked
    verdict.steps_checked = int(checked.sum())
    with np.errstate(all="ignore"):
        same = oracle.astype(np.float32) == claimed.astype(np.float32)
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
    steps = verdict.case.steps
    divergence = Divergence(
        step=int(steps[i]),
        target=float(claimed[i]),
        oracle=float(tf_value[i]),
        index=i,
        error=float(error[i]),
        bound=float(bound[i]),
    )
    exact_values = _exact_at(exact, steps[i : i + 1])
    if exact_values is not None:
        divergence = divergence.with_exact(exact_values[0])
    verdict.first_divergence = divergence
    verdict.index = i
    verdict.diagnosis = Diagnosis(DIFFERS, step=divergence.step)
    verdict.message = (
        f"first step outside the float64 bound: step {steps[i]}: target "
        f"{_show(claimed[i])} vs TensorFlow {_show(oracle[i])}, error {error[i]:.3g} > bound "
        f"{bound[i]:.3g} ({_agreement(oracle[i], claimed[i])}){_exact_note(divergence)}; "
        f"{_count(int((~fine).sum()), 'step')} outside; {summary}"
    )
    return verdict


def _agreement(value, exact) -> str:
    """``7.2 digits agree``, or ``no digits agree`` (a relative error of 1 or more)."""
    digits = float(digits_of_agreement(value, exact))
    if not np.isfinite(digits) or digits <= 0:
        return "no digits agree"
    return f"{digits:.1f} digits agree"


def _exact_note(divergence: Divergence) -> str:
    if divergence.exact is None:
        return ""
    side = {"target": "the target", "oracle": "TensorFlow", "neither": "neither side"}
    return f"; exact {divergence.exact!r}, {side[divergence.closer]} closer"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _show(value, like=None) -> str:
    """A value for people: a float32 with its bit pattern in hex. ``like``: a dtype to show it
    in where that holds it exactly (a target's float32 value returned as a Python float)."""
    value = np.asarray(value)
    if like is not None and value.dtype != like and value.dtype.kind == "f":
        with np.errstate(all="ignore"):
            cast = value.astype(like)
        if cast == value or (np.isnan(cast) and np.isnan(value)):
            value = cast
    if value.dtype == np.float32:
        return f"{float(value)!r} ({float(value).hex()})"
    return repr(float(value)) if value.dtype.kind == "f" else repr(value.item())

"""A schedule check run end to end: build the case, run the target, run the oracle, one
comparison (:func:`conformance.compare.compare`), and for a failure a reproducer
(:mod:`conformance.reproducer`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

import reference
from conformance import reproducer
from conformance.cases import Case
from conformance.check import Check, NotApplicable, Options
from conformance.compare import ExactValues, Verdict, compare
from conformance.oracles import Oracle
from conformance.outcome import Outcome
from conformance.targets import ELEMENTWISE, Target, evaluate, fed_steps

#: Steps of a scalar-path check on which a target that declares its array evaluation equal to
#: its per-step one is also called one step at a time, to hold it to that declaration.
DECLARATION_PROBES = 8

#: The exact values come from the reference's float64 mode.
REFERENCE = Target("reference", reference)


def calls_per_step(check: Check, target: Target, options: Options | None = None) -> bool:
    """Whether the scalar path calls the target one step at a time (it does unless the target
    declares its array evaluation equal to its per-step one, see
    :meth:`conformance.targets.Target.elementwise`)."""
    if options is not None and options.per_step:
        return True
    return not target.elementwise(check.case.api)


def evaluated_case(
    check: Check, oracle: Oracle, target: Target, options: Options | None = None
) -> Case:
    """The case as the check evaluates it: the steps inside ``--steps``; on the scalar path, the
    :meth:`Case.sampled` steps where the target has the kernels hook (its every step is on the
    vector path) or is called one step at a time, and only the steps the oracle holds (frozen
    vectors hold a subset)."""
    case = check.case
    if options is not None and options.windowed:
        inside = options.in_window(case.steps)
        keys = case.key_steps
        case = replace(
            case,
            steps=case.steps[inside],
            key_steps=None if keys is None else keys[options.in_window(keys)],
        )
    if check.path == "vector":
        return case
    if target.kernels_hook is not None or calls_per_step(check, target, options):
        case = case.sampled()
    if options is None or not options.windowed or oracle.against == "tf":
        return oracle.restrict(case, check.entry)
    try:
        return oracle.restrict(case, check.entry)
    except Exception as error:
        raise NotApplicable(f"--steps: {error}") from error


def prefetch(
    oracle: Oracle,
    checks: Iterable[Check],
    target: Target,
    options: Options | None = None,
    done: Callable[[int], None] | None = None,
) -> None:
    """Let the oracle evaluate up front, in batches, what :func:`run` will ask of it for these
    schedule checks (the golden vectors have nothing to do). Only faster: :func:`run` reads the
    same values either way. ``done(steps)`` is told of each part evaluated (for progress)."""
    hooked = target.kernels_hook is not None
    requests = []
    for check in checks:
        if check.is_optimizer or target.missing(check.case.api) is not None:
            continue
        if check.path == "vector" and not (check.dtype == "float64" or hooked):
            continue
        try:
            case = evaluated_case(check, oracle, target, options)
        except Exception:  # noqa: BLE001 - run() reports it, check by check
            continue
        requests.append((case, check.entry, check.path))
    # In parts of similar cases of one entry point, so that progress can be shown between
    # them; the oracle batches within each part.
    requests.sort(key=lambda r: (r[1].key, r[2], len(r[0].steps)))
    for start in range(0, len(requests), PREFETCH_PART):
        part = requests[start : start + PREFETCH_PART]
        oracle.prefetch(part)
        if done is not None:
            done(sum(len(case.steps) for case, _, _ in part))


#: Requests handed to the oracle's prefetch at once (a multiple of its batch size).
PREFETCH_PART = 64


def work(check: Check, oracle: Oracle, target: Target, options: Options | None = None) -> int:
    """The steps a check evaluates (its weight in the progress)."""
    if check.is_optimizer:
        return check.case.gradients.steps
    try:
        return len(evaluated_case(check, oracle, target, options).steps)
    except Exception:  # noqa: BLE001 - the check itself reports it
        return len(check.case.steps)


def exact_values(case: Case, flavor: str | None) -> ExactValues:
    """The exact values of a case at given steps: the reference's float64 mode."""

    def at(steps: np.ndarray) -> np.ndarray | None:
        part = replace(case, steps=np.asarray(steps, dtype=np.int64))
        factory = REFERENCE.schedule_factory(part, "float64", flavor)
        outcome = evaluate(factory, fed_steps(part))
        if outcome.raised or outcome.step_errors is not None:
            return None
        return np.asarray(outcome.values, dtype=np.float64)

    return at


def run(
    check: Check,
    oracle: Oracle,
    target: Target,
    timeout: float | None = None,
    options: Options | None = None,
) -> Verdict:
    """Build the case, run the target, run the oracle, one comparison.

    The vector path checks every step, with one call on the whole step array: with a target
    whose float32 transcendentals can be TensorFlow's own SIMD kernels (its kernels hook
    ``float32_kernels``, as the reference's), to the bit. A target without that hook cannot be
    held to Eigen's SIMD last bits, so its float32 values are checked on the scalar path only.

    The scalar path is what training sees: the target is called one step at a time, on
    :meth:`Case.sampled` steps (every key step, the first 64 and an even sample of the spans).
    A target that declares its array evaluation equal to its per-step one
    (``LR_CONFORMANCE_ELEMENTWISE``, as the reference does) is called once on those steps (on
    every step, without the kernels hook), and also one step at a time on a few of them, which
    must give the same bits.

    Against the golden vectors (:mod:`conformance.oracles.vectors`, ``kernels`` None) the
    float32 vector path is not applicable, and the scalar path runs on the stored steps
    (``oracle.restrict``).

    ``timeout``: seconds the target's build and call may take (see
    :func:`conformance.targets.evaluate`).
    """
    options = options or Options()
    hooked = target.kernels_hook is not None
    case = evaluated_case(check, oracle, target, options)
    if check.path == "vector":
        if check.dtype == "float32" and not hooked:
            raise NotApplicable(
                f"{target.name} cannot compute with TensorFlow's SIMD kernels: its float32 "
                "values are checked on the scalar path"
            )
        if check.dtype == "float32" and oracle.kernels is None:
            raise NotApplicable(
                f"the {oracle.name} hold no TensorFlow kernels to plug into {target.name}: its "
                "float32 values are checked on the scalar path (the stored vector-path values "
                "serve ports that compute that path: compare --results)"
            )
        if options.windowed and oracle.against != "tf":
            raise NotApplicable(
                "--steps changes the step array, and the golden vectors hold the vector path "
                "for the stored array only; the scalar-path checks cover the window"
            )
        tf_outcome = oracle.evaluate(case, check.entry, "vector")
        if tf_outcome.raised and tf_outcome.phase == "call":
            sample = case.sampled()
            if not oracle.evaluate(sample, check.entry, "scalar").raised:
                raise NotApplicable(
                    f"{check.entry.label} cannot evaluate {case.api} on a step vector "
                    f"({tf_outcome.error}); the scalar-path checks cover this case"
                )
    else:
        tf_outcome = oracle.evaluate(case, check.entry, "scalar")
    factory = target.schedule_factory(case, check.dtype, check.entry.flavor)
    steps = fed_steps(case)
    kernels = check.dtype == "float32" and check.path == "vector"
    # A step as a user passes it (case.step_input) is one call with that very object.
    one_at_a_time = (
        check.path == "scalar"
        and case.step_input is None
        and calls_per_step(check, target, options)
    )
    if kernels:
        # TF's vector path uses Eigen's SIMD kernels: give the reference the same ones.
        # Plugged in and out here, not in the target's thread: a call abandoned at its deadline
        # must not leave TensorFlow's kernels in place for the next check.
        with target.plugged(oracle.kernels):
            outcome = evaluate(factory, steps, timeout)
    else:
        outcome = evaluate(factory, steps, timeout, per_step=one_at_a_time)
    broken = None
    if check.path == "scalar" and not one_at_a_time and case.step_input is None:
        broken = _broken_declaration(factory, steps, outcome, timeout, target, check)
    verdict = broken or compare(
        case,
        outcome,
        tf_outcome,
        dtype=check.dtype,
        where=check.where,
        exact=exact_values(case, check.entry.flavor),
        max_ulp=options.max_ulp,
    )
    verdict.calls = "per-step" if one_at_a_time else "array"
    if not verdict.passed:
        verdict.reproducer = reproducer.schedule(
            check, case, target, oracle, verdict.index, kernels=kernels and hooked
        )
    return verdict


def _broken_declaration(
    factory, steps: np.ndarray, outcome: Outcome, timeout, target: Target, check: Check
) -> Verdict | None:
    """A failing verdict where a target that declares its array evaluation equal to its per-step
    one gives other bits one step at a time, on a few of the steps; None where it holds."""
    if outcome.raised or outcome.step_errors is not None or not len(steps):
        return None
    positions = np.unique(np.linspace(0, len(steps) - 1, DECLARATION_PROBES).round().astype(int))
    probe = evaluate(factory, steps[positions], timeout, per_step=True)
    if probe.raised or probe.step_errors is not None:
        return None
    array = np.asarray(outcome.values).reshape(-1)[positions]
    single = np.asarray(probe.values).reshape(-1)
    same = (array == single) | (np.isnan(array) & np.isnan(single))
    if same.all():
        return None
    i = int(np.argmax(~same))
    verdict = Verdict(check.case, check.where, passed=False, index=int(positions[i]))
    verdict.message = (
        f"{target.name} declares {ELEMENTWISE} (its array evaluation equals its per-step one), "
        f"but at step {steps[positions[i]]} one call per step gives {float(single[i])!r} and "
        f"the call on the step array {float(array[i])!r}: the scalar path must call it one step "
        "at a time (remove the declaration, or run with --per-step)"
    )
    return verdict

"""A schedule check run end to end: build the case, run the target, run the oracle, one
comparison (:func:`conformance.compare.compare`)."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.cases import Case
from conformance.check import Check, NotApplicable
from conformance.compare import Verdict, compare
from conformance.oracles import Oracle
from conformance.targets import Target, evaluate, fed_steps


def prefetch(oracle: Oracle, checks: Iterable[Check], target: Target) -> None:
    """Let the oracle evaluate up front, in batches, what :func:`run` will ask of it for these
    schedule checks (the golden vectors have nothing to do). Only faster: :func:`run` reads the
    same values either way."""
    hooked = target.kernels_hook is not None
    requests = []
    for check in checks:
        if check.is_optimizer:
            continue
        if check.path == "scalar":
            requests.append((_scalar_case(check, oracle, hooked), check.entry, "scalar"))
        elif check.dtype == "float64" or hooked:
            requests.append((check.case, check.entry, "vector"))
    oracle.prefetch(requests)


def _scalar_case(check: Check, oracle: Oracle, hooked: bool) -> Case:
    """The case as the scalar path evaluates it (see :func:`run`), on the steps the oracle
    holds (frozen vectors hold a subset)."""
    case = check.case.sampled() if hooked else check.case
    return oracle.restrict(case, check.entry)


def run(check: Check, oracle: Oracle, target: Target, timeout: float | None = None) -> Verdict:
    """Build the case, run the target, run the oracle, one comparison.

    The vector path checks every step: with a target whose float32 transcendentals can be
    TensorFlow's own SIMD kernels (its kernels hook ``float32_kernels``, as the reference's),
    to the bit. A target without that hook cannot be held to Eigen's SIMD last bits, so its
    float32 values are checked on the scalar path only, at every step. The scalar path (slow
    in TensorFlow) checks a hooked target on :meth:`Case.sampled` steps: every key step and an
    even sample of the spans.

    Against the golden vectors (:mod:`conformance.oracles.vectors`, ``kernels`` None) the
    float32 vector path is not applicable, and the scalar path runs on the stored steps
    (``oracle.restrict``).

    ``timeout``: seconds the target's build and call may take (see
    :func:`conformance.targets.evaluate`).
    """
    hooked = target.kernels_hook is not None
    case = check.case
    if check.path == "vector":
        if check.dtype == "float32" and not hooked:
            raise NotApplicable(
                f"{target.name} cannot compute with TensorFlow's SIMD kernels: its float32 "
                "values are checked on the scalar path, at every step"
            )
        if check.dtype == "float32" and oracle.kernels is None:
            raise NotApplicable(
                f"the {oracle.name} hold no TensorFlow kernels to plug into {target.name}: its "
                "float32 values are checked on the scalar path (the stored vector-path values "
                "serve ports that compute that path: compare --results)"
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
        case = _scalar_case(check, oracle, hooked)
        tf_outcome = oracle.evaluate(case, check.entry, "scalar")
    factory = target.schedule_factory(case, check.dtype, check.entry.flavor)
    steps = fed_steps(case)
    if check.dtype == "float32" and check.path == "vector":
        # TF's vector path uses Eigen's SIMD kernels: give the reference the same ones.
        # Plugged in and out here, not in the target's thread: a call abandoned at its deadline
        # must not leave TensorFlow's kernels in place for the next check.
        with target.plugged(oracle.kernels):
            outcome = evaluate(factory, steps, timeout)
    else:
        outcome = evaluate(factory, steps, timeout)
    reproducer = [
        target.call_source(case, check.dtype, check.entry.flavor),
        oracle.call_source(case, check.entry),
    ]
    return compare(
        case, outcome, tf_outcome, dtype=check.dtype, where=check.where, reproducer=reproducer
    )

"""Running the catalogue: which comparisons exist, and one comparison run end to end.

Every check is: build the case, run the target, run the oracle, one comparison. The pytest suite
and the command line both go through :func:`run`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

from conformance import targets
from conformance.cases import Case
from conformance.compare import Verdict, compare
from conformance.oracles.tensorflow import EntryPoint, TensorFlow

#: (dtype, evaluation path) pairs every case is checked on.
MODES = (("float32", "vector"), ("float32", "scalar"), ("float64", "scalar"))


@dataclass(frozen=True)
class Check:
    case: Case
    entry: EntryPoint
    dtype: str
    path: str

    @property
    def id(self) -> str:
        return f"{self.case.id}|{self.entry.key}|{self.dtype}|{self.path}"

    @property
    def where(self) -> str:
        return f"{self.entry.label}, {self.dtype}, {self.path} path"


class NotApplicable(Exception):
    """The check has nothing to compare (TensorFlow cannot evaluate this path); the reason says
    which other check covers the case."""


def plan(oracle: TensorFlow, cases: Iterable[Case]) -> list[Check]:
    found = []
    for case in cases:
        for entry in oracle.entry_points(case.api):
            if case.flavors is not None and not {entry.flavor or "tfa", entry.key} & case.flavors:
                continue
            for dtype, path in MODES:
                found.append(Check(case, entry, dtype, path))
    return found


def prefetch(oracle: TensorFlow, checks: Iterable[Check], package: ModuleType) -> None:
    """Let the oracle evaluate up front, in batches, what :func:`run` will ask of it for these
    checks (an oracle without ``prefetch``, like the golden vectors, is asked check by check).
    Only faster: :func:`run` reads the same values either way."""
    if not hasattr(oracle, "prefetch"):
        return
    hooked = _hooked(package)
    requests = []
    for check in checks:
        if check.path == "scalar":
            requests.append((_scalar_case(check, oracle, hooked), check.entry, "scalar"))
        elif check.dtype == "float64" or hooked:
            requests.append((check.case, check.entry, "vector"))
    oracle.prefetch(requests)


def _hooked(package: ModuleType) -> bool:
    """Whether the target's float32 transcendentals can be TensorFlow's SIMD kernels."""
    arith = targets.submodule(package, "_arith")
    return arith is not None and hasattr(arith, "float32_kernels")


def _scalar_case(check: Check, oracle, hooked: bool) -> Case:
    """The case as the scalar path evaluates it (see :func:`run`)."""
    case = check.case.sampled() if hooked else check.case
    if hasattr(oracle, "restrict"):  # frozen vectors hold a subset of the steps
        case = oracle.restrict(case, check.entry)
    return case


def run(
    check: Check,
    oracle: TensorFlow,
    package: ModuleType,
    package_name: str,
    timeout: float | None = None,
) -> Verdict:
    """Build the case, run the target, run the oracle, one comparison.

    The vector path checks every step: with the reference, whose float32 transcendentals can be
    TensorFlow's own SIMD kernels (``_arith.float32_kernels``), to the bit. A target without that
    hook cannot be held to Eigen's SIMD last bits, so its float32 values are checked on the
    scalar path only, at every step. The scalar path (slow in TensorFlow) checks the reference
    on :meth:`Case.sampled` steps: every key step and an even sample of the spans.

    Against the golden vectors (:mod:`conformance.oracles.vectors`, ``kernels`` None) the
    float32 vector path is not applicable, and the scalar path runs on the stored steps
    (``oracle.restrict``).

    ``timeout``: seconds the target's build and call may take (see
    :func:`conformance.targets.evaluate`).
    """
    arith = targets.submodule(package, "_arith")
    hooked = _hooked(package)
    case = check.case
    if check.path == "vector":
        if check.dtype == "float32" and not hooked:
            raise NotApplicable(
                f"{package_name} cannot compute with TensorFlow's SIMD kernels: its float32 "
                "values are checked on the scalar path, at every step"
            )
        if check.dtype == "float32" and oracle.kernels is None:
            raise NotApplicable(
                f"the {oracle.name} hold no TensorFlow kernels to plug into {package_name}: its "
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
    factory = targets.schedule_factory(package, case, check.dtype, check.entry.flavor)
    steps = targets.fed_steps(case)
    if check.dtype == "float32" and check.path == "vector":
        # TF's vector path uses Eigen's SIMD kernels: give the reference the same ones.
        # Plugged in and out here, not in the target's thread: a call abandoned at its deadline
        # must not leave TensorFlow's kernels in place for the next check.
        with arith.float32_kernels(oracle.kernels):
            target = targets.evaluate(factory, steps, timeout)
    else:
        target = targets.evaluate(factory, steps, timeout)
    reproducer = [
        targets.call_source(package_name, case, check.dtype, check.entry.flavor),
        oracle.call_source(case, check.entry),
    ]
    return compare(
        case, target, tf_outcome, dtype=check.dtype, where=check.where, reproducer=reproducer
    )

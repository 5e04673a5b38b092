"""Property-based differential fuzzing: random valid cases of every API (conformance.strategies)
checked against live TensorFlow on every installed entry point, float32 mode, scalar and vector
paths (optimizers: whole explicit trajectories), through the same checks as the catalogue.

The quick profile (the README's test command) checks a few cases per API, entry point and path;
``LR_CONFORMANCE_FUZZ_EXAMPLES=1000`` (``tox -e fuzz``) checks that many distinct cases, and a
property that checked fewer fails. ``--target PKG`` points the strategies at another
implementation.

One case at a time, TensorFlow costs a traced function per scalar path and per trajectory
(about 8 cases a second). So each property runs in rounds: hypothesis draws the round's cases
(one case per hypothesis example, ``@seed`` fixed), the oracle evaluates them together
(:meth:`~conformance.oracles.Oracle.prefetch`: scalar paths share batched functions, trajectories
share traced loops; the same values as case by case), then each case is judged alone (the
quick profile evaluates every property's first round together, up front). A case
that fails is handed back to hypothesis: the same seed draws the same cases, now judged one by
one, so hypothesis meets the failure again and shrinks it; it is printed alone with its
reproducer and as a catalogue entry to add to ``conformance/cases/``.
"""

from __future__ import annotations

import os
import random
import warnings
from dataclasses import dataclass, replace

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

from conformance import optimizer_check, registry, schedule_check  # noqa: E402
from conformance.check import Check, NotApplicable  # noqa: E402
from conformance.oracles import EntryPoint  # noqa: E402
from conformance.oracles.tensorflow import tensorflow  # noqa: E402
from conformance.reference_cache import VARIABLE as REFERENCE_CACHE  # noqa: E402
from conformance.run import run_check  # noqa: E402

strategies = pytest.importorskip("conformance.strategies")

#: Distinct cases checked per API, entry point and path: 1000 in ``tox -e fuzz``, a few in the
#: quick profile.
EXAMPLES = int(os.environ.get("LR_CONFORMANCE_FUZZ_EXAMPLES", "4"))
#: The quick profile draws the same cases every run (seeds 0, 1, ...); ``tox -e fuzz`` random
#: ones (the seed is printed with a failure).
QUICK = EXAMPLES <= 10
#: Rounds before a property that still checked fewer than EXAMPLES cases fails (a case that is
#: not applicable on a path is not counted: e.g. a Keras 2 CosineDecay with warmup cannot take a
#: step vector, and its scalar-path property checks it).
MAX_ROUNDS = 12
#: The least share of applicable cases a round is sized for (Keras 2's piecewise constant takes
#: a step vector of one step only: a quarter of the cases apply on its vector path).
MIN_SHARE = 0.1
#: Each round draws this much more than the share so far predicts: the share is itself a
#: sample, and a round sized exactly falls short about half the time (a piecewise constant
#: property checked 19 of 20 in six rounds so).
ROUND_MARGIN = 1.25
FUZZ = settings(
    deadline=None,
    database=None,  # a round is replayed by its seed, not from a database
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

ORACLE = tensorflow()
needs_tensorflow = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")


@pytest.fixture(autouse=True, scope="module")
def no_reference_cache():
    """Random cases are never asked for again: keeping their reference trajectories on disk
    (:mod:`conformance.reference_cache`) would only fill the directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(REFERENCE_CACHE, raising=False)
        yield


def _entries(apis):
    if ORACLE is None:
        return []
    return [(api, entry) for api in apis for entry in ORACLE.entry_points(api)]


def _ids(pairs):
    return [f"{api}|{entry.key}" for api, entry in pairs]


SCHEDULES = _entries(strategies.SCHEDULE_APIS)
OPTIMIZERS = _entries(registry.names("optimizer"))


@dataclass
class Property:
    """What one test fuzzes: an API on an entry point, on one path."""

    api: str
    entry: EntryPoint
    path: str  # "scalar", "vector" or "trajectory"

    def __str__(self) -> str:
        where = "" if self.path == "trajectory" else f", {self.path} path"
        return f"{self.api} on {self.entry.key}{where}"

    def strategy(self):
        if self.path == "trajectory":
            return strategies.optimizer_cases(self.api)
        return strategies.schedule_cases(self.api, self.entry.flavor)

    def check(self, case) -> Check | None:
        """The check of a drawn case, or None where the case does not apply."""
        if not case.applies_to(self.entry):
            return None
        return Check(case, self.entry, "float32", self.path)

    def requests(self, checks: list[Check]) -> list[Check]:
        """What to evaluate up front for ``checks``: a case TensorFlow cannot take as a step
        vector (tf.cond on the step: Keras 2's and TF1's piecewise constant, Keras 2's warmup)
        is not applicable on the vector path once its scalar path is found to evaluate, so its
        scalar path goes into the batch too."""
        if self.path != "vector":
            return checks
        return checks + [replace(check, path="scalar") for check in checks]


def prefetch(checks: list[Check], target) -> None:
    """The oracle's values for ``checks``, in batches (the same values as check by check)."""
    with warnings.catch_warnings():
        # Keras's about deprecated arguments, numpy's where TensorFlow overflows silently:
        # the checks report every outcome.
        warnings.simplefilter("ignore")
        optimizer_check.prefetch(ORACLE, checks, target)
        schedule_check.prefetch(ORACLE, checks, target)


def _seed(round_number: int) -> int:
    return round_number if QUICK else random.randrange(2**32)


#: Cases drawn so far: (property, count, seed) -> cases (the quick profile draws its first
#: rounds up front, see first_rounds).
_DRAWN: dict[tuple[str, int, int], list] = {}


def _draw(prop: Property, count: int, seed: int) -> list:
    """``count`` hypothesis examples of the property's strategy under ``seed``, none run."""
    key = (str(prop), count, seed)
    if key in _DRAWN:
        return _DRAWN[key]
    drawn = []

    @hypothesis.seed(seed)
    @settings(FUZZ, max_examples=count, phases=[Phase.generate])
    @given(case=prop.strategy())
    def collect(case):
        drawn.append(case)

    collect()
    _DRAWN[key] = drawn
    return drawn


@pytest.fixture(scope="module")
def first_rounds(request, target):
    """Quick profile: every selected property's first round evaluated together, so that the
    scalar paths of an entry point's APIs share batched functions (a property's round of a few
    cases alone would pay a traced function for them). The full fuzz fills its batches in each
    round, and draws random seeds: nothing to do up front."""
    if not QUICK or ORACLE is None:
        return
    checks = []
    for item in request.session.items:
        prop = _property_of(item)
        if prop is not None and target.missing(prop.api) is None:
            cases = _draw(prop, _round_size(EXAMPLES, None), _seed(0))
            checks += prop.requests([c for c in map(prop.check, cases) if c is not None])
    prefetch(checks, target)


def _property_of(item) -> Property | None:
    function = getattr(item, "function", None)
    params = getattr(getattr(item, "callspec", None), "params", {})
    if function is test_random_schedules_agree_with_tensorflow:
        return Property(params["api"], params["entry"], params["path"])
    if function is test_random_optimizers_agree_with_tensorflow:
        return Property(params["api"], params["entry"], "trajectory")
    return None


def _failure(verdict, check: Check) -> AssertionError:
    return AssertionError(
        f"{verdict.explain()}\nAdd it to the catalogue:\n    "
        f"{strategies.catalogue_entry(check.case)}"
    )


def _judge(check: Check, target):
    """The verdict of one check, or None where it does not apply."""
    try:
        return run_check(check, ORACLE, target)
    except NotApplicable:
        return None


def _shrink(prop: Property, target, count: int, seed: int) -> None:
    """The round of ``seed`` again, each case judged as it is drawn: hypothesis meets the
    failing case and shrinks it (the cases before it are in the oracle's cache)."""

    @hypothesis.seed(seed)
    @settings(FUZZ, max_examples=count, phases=[Phase.generate, Phase.shrink])
    @given(case=prop.strategy())
    def agrees(case):
        check = prop.check(case)
        if check is None:
            return
        verdict = _judge(check, target)
        if verdict is not None and not verdict.passed:
            raise _failure(verdict, check)

    agrees()


def _round_size(missing: int, share: float | None) -> int:
    """How many cases a round draws to check ``missing`` more: the first round (``share``
    unknown) one more; a later one ROUND_MARGIN more than the share of cases that applied so
    far predicts."""
    if share is None:
        return missing + 1
    return int(ROUND_MARGIN * missing / max(share, MIN_SHARE)) + 2


def fuzz(prop: Property, target) -> None:
    """Check EXAMPLES distinct cases of a property, in rounds (see the module docstring)."""
    if target.missing(prop.api) is not None:
        pytest.skip(f"not implemented: {target.missing(prop.api)}")
    checked: set[str] = set()
    drawn_total = 0
    for round_number in range(MAX_ROUNDS):
        missing = EXAMPLES - len(checked)
        if missing <= 0:
            break
        count = _round_size(missing, len(checked) / drawn_total if drawn_total else None)
        seed = _seed(round_number)
        cases = _draw(prop, count, seed)
        drawn_total += len(cases)
        checks = [c for c in map(prop.check, cases) if c is not None]
        prefetch(prop.requests(checks), target)
        for check in checks:
            verdict = _judge(check, target)
            if verdict is None:
                continue
            if not verdict.passed:
                _shrink(prop, target, count, seed)
                # Not met again one case at a time: the case as the batch judged it.
                raise AssertionError(
                    f"(seed {seed}; not met again when judged one by one: compare the case "
                    f"with and without TensorFlow.prefetch)\n{_failure(verdict, check)}"
                )
            checked.add(check.case.id)
    # A property that checked too few cases would pass without the coverage it claims.
    assert len(checked) >= EXAMPLES, (
        f"{prop}: {len(checked)} distinct cases checked of {EXAMPLES} asked for, in "
        f"{MAX_ROUNDS} rounds of {drawn_total} drawn"
    )
    print(f"{prop}: {len(checked)} cases checked ({drawn_total} drawn)")


@needs_tensorflow
@pytest.mark.parametrize("api, entry", SCHEDULES, ids=_ids(SCHEDULES))
@pytest.mark.parametrize("path", ["scalar", "vector"])
def test_random_schedules_agree_with_tensorflow(api, entry, path, target, first_rounds):
    fuzz(Property(api, entry, path), target)


@needs_tensorflow
@pytest.mark.parametrize("api, entry", OPTIMIZERS, ids=_ids(OPTIMIZERS))
def test_random_optimizers_agree_with_tensorflow(api, entry, target, first_rounds):
    fuzz(Property(api, entry, "trajectory"), target)

"""Property-based differential fuzzing: random valid cases of every API (conformance.strategies)
checked against live TensorFlow on every installed entry point, float32 mode, scalar and vector
paths (optimizers: whole explicit trajectories), through the same checks as the catalogue.

The quick profile (the README's test command) runs a few examples per API and entry point;
``LR_CONFORMANCE_FUZZ_EXAMPLES=1000`` (``tox -e fuzz``) runs that many. ``--target PKG`` points
the strategies at another implementation. A failing example is shrunk by hypothesis and
printed with its reproducer and as a catalogue entry to add to ``conformance/cases/``.
"""

from __future__ import annotations

import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from conformance import registry  # noqa: E402
from conformance.check import Check, NotApplicable  # noqa: E402
from conformance.oracles.tensorflow import tensorflow  # noqa: E402
from conformance.run import run_check  # noqa: E402

strategies = pytest.importorskip("conformance.strategies")

#: Examples per API, entry point and path: 1000 in ``tox -e fuzz``, a few in the quick profile.
EXAMPLES = int(os.environ.get("LR_CONFORMANCE_FUZZ_EXAMPLES", "4"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 10,  # the quick profile is reproducible run to run
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

ORACLE = tensorflow()
needs_tensorflow = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")


def _entries(apis):
    if ORACLE is None:
        return []
    return [(api, entry) for api in apis for entry in ORACLE.entry_points(api)]


def _ids(pairs):
    return [f"{api}|{entry.key}" for api, entry in pairs]


SCHEDULES = _entries(strategies.SCHEDULE_APIS)
OPTIMIZERS = _entries(registry.names("optimizer"))


def _judge(check: Check, target, judged: list) -> None:
    try:
        verdict = run_check(check, ORACLE, target)
    except NotApplicable:
        return
    judged.append(verdict.steps_checked)
    if not verdict.passed:
        raise AssertionError(
            f"{verdict.explain()}\nAdd it to the catalogue:\n    "
            f"{strategies.catalogue_entry(check.case)}"
        )


@needs_tensorflow
@pytest.mark.parametrize("api, entry", SCHEDULES, ids=_ids(SCHEDULES))
@pytest.mark.parametrize("path", ["scalar", "vector"])
def test_random_schedules_agree_with_tensorflow(api, entry, path, target):
    if target.missing(api) is not None:
        pytest.skip(f"not implemented: {target.missing(api)}")

    judged: list[int] = []

    @FUZZ
    @given(case=strategies.schedule_cases(api, entry.flavor))
    def agrees(case):
        if not case.applies_to(entry):
            return
        _judge(Check(case, entry, "float32", path), target, judged)

    agrees()
    # A property that held for no example would pass without checking anything.
    assert judged and sum(judged), f"no example of {api} was checked on {entry.key}, {path} path"


@needs_tensorflow
@pytest.mark.parametrize("api, entry", OPTIMIZERS, ids=_ids(OPTIMIZERS))
def test_random_optimizers_agree_with_tensorflow(api, entry, target):
    if target.missing(api) is not None:
        pytest.skip(f"not implemented: {target.missing(api)}")

    judged: list[int] = []

    @FUZZ
    @given(case=strategies.optimizer_cases(api))
    def agrees(case):
        _judge(Check(case, entry, "float32", "trajectory"), target, judged)

    agrees()
    assert judged and sum(judged), f"no example of {api} was checked on {entry.key}"

"""The reference against live TensorFlow: every case, on every entry point TF has here, in both
dtypes (see conformance.check.MODES)."""

from __future__ import annotations

import pytest

from conformance import targets
from conformance.cases import CASES, apis
from conformance.check import NotApplicable, plan, prefetch, run
from conformance.oracles.tensorflow import tensorflow

ORACLE = tensorflow()
CHECKS = plan(ORACLE, CASES) if ORACLE is not None else []


@pytest.mark.parametrize("api", apis())
def test_tensorflow_has_the_api(api):
    if ORACLE is None:
        pytest.skip("TensorFlow is not installed")
    if not ORACLE.entry_points(api):
        pytest.skip(ORACLE.missing_reason(api))


@pytest.fixture(scope="module")
def prefetched(request, target):
    """TensorFlow's values for the selected checks of this module, evaluated up front in
    batches (conformance.check.prefetch), which share TensorFlow's fixed cost per traced
    function: the same values as asking check by check, sooner."""
    package, _ = target
    selected = [
        item.callspec.params["check"]
        for item in request.session.items
        if getattr(item, "function", None) is test_reference_matches_tensorflow
    ]
    prefetch(ORACLE, [c for c in selected if _implemented(package, c.case.api)], package)


def _implemented(package, api: str) -> bool:
    try:
        return targets.lookup(package, api) is not None
    except Exception:  # noqa: BLE001 - the check itself reports a module that does not import
        return False


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_reference_matches_tensorflow(check, target, prefetched):
    # The reference by default; ``pytest --pyargs conformance --target PKG`` checks PKG.
    package, name = target
    if targets.lookup(package, check.case.api) is None:
        pytest.skip(f"not implemented: {name} has no {check.case.api}")
    try:
        verdict = run(check, ORACLE, package, name)
    except NotApplicable as reason:
        pytest.skip(str(reason))
    if not verdict.passed:
        pytest.fail(verdict.explain(), pytrace=False)


def _config_cases():
    if ORACLE is None:
        return []
    found, seen = [], set()
    for case in CASES:
        if not case.api.startswith("schedules.") or case.tags & {"invalid", "int"}:
            continue
        for entry in ORACLE.entry_points(case.api):
            if (case.api, entry.key) not in seen:
                seen.add((case.api, entry.key))
                found.append((case, entry))
    return found


@pytest.mark.parametrize(
    "case, entry", _config_cases(), ids=[f"{c.api}|{e.key}" for c, e in _config_cases()]
)
def test_get_config_matches_tensorflow(case, entry, target):
    package, name = target
    if targets.lookup(package, case.api) is None:
        pytest.skip(f"not implemented: {name} has no {case.api}")
    tf_config = ORACLE.build(case, entry).get_config()
    ours = targets.schedule_factory(package, case, "float64", entry.flavor)().get_config()

    # A callable (tfa's scale_fn) is compared by presence: two functions are never equal.
    def comparable(config):
        return {k: ("<callable>" if callable(v) else v) for k, v in config.items()}

    assert comparable(ours) == comparable(tf_config), (
        f"{case.api} get_config() differs from {entry.label}'s"
    )

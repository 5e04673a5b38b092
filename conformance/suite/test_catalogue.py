"""The target against the oracle: every check of the catalogue (schedules on every path,
optimizer trajectories), on every entry point the oracle has, in both dtypes."""

from __future__ import annotations

import warnings

import pytest

from conformance import optimizer_check, registry, schedule_check
from conformance.cases import CASES, OPTIMIZER_CASES
from conformance.check import NotApplicable, NotImplementedPart, part, plan
from conformance.pytest_plugin import oracle_of
from conformance.run import run_check


def pytest_generate_tests(metafunc) -> None:
    if "check" in metafunc.fixturenames:
        found = oracle_of(metafunc.config)
        checks = plan(found, (*CASES, *OPTIMIZER_CASES)) if found is not None else []
        checks = part(checks, metafunc.config.getoption("part"))
        params = [
            pytest.param(c, id=c.id, marks=[pytest.mark.bad_input] if c.bad_input else [])
            for c in checks
        ]
        metafunc.parametrize("check", params)


@pytest.mark.parametrize("api", registry.names())
def test_oracle_has_the_api(api, oracle):
    if not oracle.entry_points(api):
        pytest.skip(oracle.missing_reason(api))


@pytest.fixture(scope="module")
def prefetched(request, oracle, target):
    """The oracle's values for the selected checks, evaluated up front in batches, which share
    TensorFlow's fixed cost per traced function (and the reference's trajectories in worker
    processes meanwhile): the same values as asking check by check, sooner."""
    selected = [
        item.callspec.params["check"]
        for item in request.session.items
        if getattr(item, "function", None) is test_target_conforms
    ]
    implemented = [c for c in selected if target.missing(c.case.api) is None]
    # Cases give Keras the arguments it deprecates ('lr', 'decay') on purpose: its warnings
    # about them are not news to whoever runs the suite.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer_check.prefetch(oracle, implemented, target)
        schedule_check.prefetch(oracle, implemented, target)


def test_target_conforms(check, oracle, target, prefetched, request):
    # The reference by default; ``pytest --pyargs conformance --target PKG`` checks PKG.
    missing = target.missing(check.case.api)
    if missing is not None:
        pytest.skip(f"not implemented: {missing}")
    try:
        verdict = run_check(check, oracle, target)
    except NotApplicable as reason:
        pytest.skip(str(reason))
    except NotImplementedPart as reason:
        pytest.skip(f"not implemented: {reason}")
    if not verdict.passed:
        if check.bad_input and not request.config.getoption("require_bad_inputs"):
            # A bad input answered otherwise is a finding, not a failure of the port's numbers
            # (as in `python -m conformance check`): --require-bad-inputs makes it one.
            pytest.xfail(f"bad input answered otherwise than TensorFlow: {verdict.explain()}")
        pytest.fail(verdict.explain(), pytrace=False)

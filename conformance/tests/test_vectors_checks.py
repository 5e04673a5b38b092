"""``pytest --pyargs conformance --against vectors [--tf-version X.Y.Z]``: the target (the
reference unless ``--target PKG``) against the golden vectors, every case of the catalogue,
through the same plan and run as the live checks (conformance.check), with no TensorFlow.

The float32 vector-path checks are not applicable there (the vectors hold no TensorFlow
kernels to plug into the reference); the scalar path and the float64 mode are checked on the
stored steps. Optimizer trajectories run every update and are compared at the stored ones.
Without ``--against vectors`` these tests are skipped with that reason
(``test_vectors.py`` checks the shipped vectors in every run).
"""

from __future__ import annotations

import pytest

from conformance import optimizer_check, targets
from conformance.cases import CASES, OPTIMIZER_CASES, apis
from conformance.check import NotApplicable, plan, run

_ORACLES: dict = {}


def _oracle(config):
    from conformance.oracles.vectors import Vectors

    version = config.getoption("tf_version")
    if version not in _ORACLES:
        _ORACLES[version] = Vectors(version)
    return _ORACLES[version]


def _optimizers(config):
    from conformance.oracles.vectors import VectorOptimizers

    return VectorOptimizers(_oracle(config))


def pytest_generate_tests(metafunc) -> None:
    wanted = metafunc.config.getoption("against") == "vectors"
    if "check" in metafunc.fixturenames:
        checks = plan(_oracle(metafunc.config), CASES) if wanted else []
        metafunc.parametrize("check", checks or [None], ids=[c.id for c in checks] or ["off"])
    if "optimizer" in metafunc.fixturenames:
        oracle = _optimizers(metafunc.config) if wanted else None
        checks = optimizer_check.plan(oracle, OPTIMIZER_CASES) if wanted else []
        metafunc.parametrize("optimizer", checks or [None], ids=[c.id for c in checks] or ["off"])
    if "api" in metafunc.fixturenames:
        metafunc.parametrize("api", apis() if wanted else [None], ids=apis() if wanted else ["off"])


def _requested(config) -> None:
    if config.getoption("against") != "vectors":
        pytest.skip("run with --against vectors to check the catalogue against golden vectors")


def test_vectors_have_the_api(api, request):
    _requested(request.config)
    oracle = _oracle(request.config)
    assert oracle.entry_points(api), oracle.missing_reason(api)


def test_target_matches_vectors(check, request, target):
    _requested(request.config)
    # The reference by default; ``--target PKG`` checks PKG.
    _check_or_skip(
        check, lambda package, name: run(check, _oracle(request.config), package, name), target
    )


def test_target_optimizer_matches_vectors(optimizer, request, target):
    _requested(request.config)
    _check_or_skip(
        optimizer,
        lambda package, name: optimizer_check.run(
            optimizer, _optimizers(request.config), package, name
        ),
        target,
    )


def _check_or_skip(check, run_check, target) -> None:
    """Skip an API the target lacks or a check with nothing to compare; fail with the
    verdict's explanation."""
    package, name = target
    if targets.lookup(package, check.case.api) is None:
        pytest.skip(f"not implemented: {name} has no {check.case.api}")
    try:
        verdict = run_check(package, name)
    except NotApplicable as reason:
        pytest.skip(str(reason))
    if not verdict.passed:
        pytest.fail(verdict.explain(), pytrace=False)

"""lr-conformance's pytest plugin (registered as the ``pytest11`` entry point
``lr_conformance``): ``--target PKG`` chooses the implementation the suite checks,
``--against vectors [--tf-version X.Y.Z]`` checks it against the golden vectors instead of live
TensorFlow.

    pytest --pyargs conformance --target PKG [--against vectors [--tf-version X.Y.Z]]
                                [--part sample|rest]

Options must come from a plugin, not from a ``conftest.py`` of the suite: with ``--pyargs``
pytest reads the command line before it knows where the package is, so it has not loaded that
conftest yet. The ``target`` fixture gives the :class:`~conformance.targets.Target`, the
``oracle`` fixture the :class:`~conformance.oracles.Oracle` (the tests that need it skip, with
the reason, where it cannot be had); the checks skip an API the target does not provide ("not
implemented").
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser) -> None:
    group = parser.getgroup("lr-conformance")
    group.addoption(
        "--target",
        default="reference",
        metavar="PACKAGE",
        help="the package checked, laid out like `reference` (default: reference); APIs it "
        "lacks are skipped as not implemented",
    )
    group.addoption(
        "--against",
        choices=("tf", "vectors"),
        default="tf",
        help="check the catalogue against live TensorFlow (tf, default) or against the golden "
        "vectors shipped in conformance/vectors (no TensorFlow needed)",
    )
    group.addoption(
        "--require-bad-inputs",
        action="store_true",
        help="a bad input (the bad-input catalogue, marked bad_input) answered otherwise than "
        "TensorFlow fails (default: xfail, with what TensorFlow answers)",
    )
    group.addoption(
        "--part",
        choices=("all", "sample", "rest"),
        default="all",
        help="which checks of the catalogue: all (default); sample, a quick run (every schedule "
        "check and bad input, and about one optimizer case in eight, at least one per API, "
        "entry point and dtype); rest, all but the sample",
    )
    group.addoption(
        "--tf-version",
        metavar="X.Y.Z",
        default=None,
        help="with --against vectors: which shipped TensorFlow's vectors (default: the newest)",
    )


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "bad_input: a check of the bad-input catalogue (deselect: -m 'not bad_input')"
    )
    name = config.getoption("target")
    if name == "reference":
        return
    from conformance.run import UsageError, load_target

    try:
        load_target(name)
    except UsageError as error:
        raise pytest.UsageError(str(error)) from error


def oracle_of(config):
    """The oracle the options ask for, or None where it cannot be had here (the reason:
    :func:`missing_oracle`); one per session."""
    if not hasattr(config, "_lr_conformance_oracle"):
        from conformance.run import UsageError, load_oracle

        against, version = config.getoption("against"), config.getoption("tf_version")
        try:
            config._lr_conformance_oracle = (load_oracle(against, version), "")
        except UsageError as error:
            config._lr_conformance_oracle = (None, str(error))
    return config._lr_conformance_oracle[0]


def missing_oracle(config) -> str:
    """Why :func:`oracle_of` is None (empty where it is not)."""
    oracle_of(config)
    return config._lr_conformance_oracle[1]


@pytest.fixture(scope="session")
def target(request):
    """The implementation under test (``--target``), a :class:`~conformance.targets.Target`."""
    from conformance.run import load_target

    return load_target(request.config.getoption("target"))


@pytest.fixture(scope="session")
def oracle(request):
    """The oracle (``--against``); the test skips, with the reason, where it cannot be had."""
    found = oracle_of(request.config)
    if found is None:
        pytest.skip(missing_oracle(request.config))
    return found

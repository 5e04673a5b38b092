"""lr-conformance's pytest plugin (registered as the ``pytest11`` entry point
``lr_conformance``): ``--target PKG`` chooses the implementation the suite checks,
``--against vectors [--tf-version X.Y.Z]`` checks it against the golden vectors instead of live
TensorFlow.

    pytest --pyargs conformance --target PKG [--against vectors [--tf-version X.Y.Z]]

Options must come from a plugin, not from ``conformance/conftest.py``: with ``--pyargs``
pytest reads the command line before it knows where the package is, so it has not loaded that
conftest yet. The ``target`` fixture gives ``(package, name)``; the checks skip an API the
target does not provide ("not implemented").
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
        "--tf-version",
        metavar="X.Y.Z",
        default=None,
        help="with --against vectors: which shipped TensorFlow's vectors (default: the newest)",
    )


def pytest_configure(config) -> None:
    name = config.getoption("target")
    if name == "reference":
        return
    from conformance import targets

    try:
        targets.load(name)
    except Exception as error:
        raise pytest.UsageError(
            f"--target {name} does not import: {type(error).__name__}: {error}"
        ) from error


@pytest.fixture(scope="session")
def target(request):
    """``(package, name)`` of the implementation under test (``--target``)."""
    from conformance import targets

    name = request.config.getoption("target")
    return targets.load(name), name

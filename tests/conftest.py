"""The project's own tests (the reference's self-tests, the harness's meta-tests, the command
line), apart from the suite a porter runs (:mod:`conformance.suite`).

The deliberately wrong targets under ``tests/targets`` are importable by name (``--target
mutants.staircase_rounds``, ``--target floored_target``): their directory is put on the path
here, and in ``PYTHONPATH`` for the subprocesses the tests start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TARGETS = str(Path(__file__).resolve().parent / "targets")

if TARGETS not in sys.path:
    sys.path.insert(0, TARGETS)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [TARGETS, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
)


# -- what each tox environment runs (tox.ini) ----------------------------------------------------
#
# ``--tensorflow-only``: only the tests that need TensorFlow (those marked to skip where it is not
# installed). The others do not depend on it, give the same results in every environment, and
# run once, in the environment without TensorFlow (tox -e notf).
#
# ``--complete``: every member of a slow family (a test marked ``complete``); by default a sample
# runs (e.g. the whole catalogue against the golden vectors of three of the shipped TensorFlow
# versions, not all nine). ``tox -e complete`` (and complete-tfNNN in the
# TensorFlow environments) runs the rest.

_NEEDS_TENSORFLOW = "TensorFlow is not installed"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("lr-conformance tests")
    group.addoption(
        "--tensorflow-only",
        action="store_true",
        help="only the tests that need TensorFlow (the others run without it: tox -e notf)",
    )
    group.addoption(
        "--complete",
        action="store_true",
        help="also the members of slow families left out of the default sample (marked 'complete')",
    )


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "complete: a member of a slow family that only --complete runs (tox -e complete)"
    )
    # The harness's own verdicts (mutants, the command line, robustness, variants, the verdict)
    # are the same code whatever TensorFlow answers: the default run checks them against the
    # newest TensorFlow (and without it, in notf); complete-tf215-tfa against Keras 2's TF too.
    config.addinivalue_line(
        "markers", "harness: a test of the harness's verdicts (tf215-tfa: in complete-tf215-tfa)"
    )


def needs_tensorflow(item) -> bool:
    return any(
        _NEEDS_TENSORFLOW in str(marker.kwargs.get("reason", ""))
        for marker in item.iter_markers("skipif")
    )


def pytest_collection_modifyitems(config, items) -> None:
    tensorflow_only = config.getoption("tensorflow_only")
    complete = config.getoption("complete")
    keep, drop = [], []
    for item in items:
        if tensorflow_only and not needs_tensorflow(item):
            drop.append(item)
        elif not complete and item.get_closest_marker("complete") is not None:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep

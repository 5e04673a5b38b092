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

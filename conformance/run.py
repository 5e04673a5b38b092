"""What every command of ``python -m conformance`` shares: choosing the APIs, loading the target
and the oracle, running checks so that nothing a target does ends the run, the report's
metadata, and progress on standard error.

A problem with the options or the setup is a :class:`UsageError` (exit status 2, one line).
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

import conformance
from conformance import optimizer_check, registry, schedule_check
from conformance import report as reporting
from conformance.check import Check, NotApplicable
from conformance.compare import Verdict
from conformance.oracles import Oracle
from conformance.targets import BadReturn, Target, TargetError, TimedOut

USAGE_ERROR = 2
#: Seconds one check's target call may take (the reference needs well under one).
DEFAULT_TIMEOUT = 120.0
#: How the note of a check whose target call was abandoned begins.
TIMED_OUT = "timed out: "


class UsageError(Exception):
    """Bad options or a broken setup: exit status 2, with this message on one line."""


# -- choosing and loading -------------------------------------------------------------------


def select(
    requested: Sequence[str] | None,
    among: Iterable[str] | None = None,
    where: str = "the catalogue",
) -> list[str]:
    """The APIs ``--api`` names (:func:`conformance.registry.select`), or a usage error."""
    try:
        return registry.select(requested, among, where)
    except registry.UnknownAPI as error:
        raise UsageError(str(error)) from error


def load_target(name: str) -> Target:
    try:
        return Target.load(name)
    except TargetError as error:
        raise UsageError(str(error)) from error


def load_oracle(against: str = "tf", tf_version: str | None = None) -> Oracle:
    """Live TensorFlow (``tf``) or the golden vectors of one TensorFlow version (``vectors``);
    Keras 3 on a backend (``keras-jax``, ...) or a frozen set by name (``vectors:keras-jax``):
    :func:`conformance.oracles.keras3.load`."""
    if against not in ("tf", "vectors"):
        from conformance.oracles.keras3 import load

        if tf_version:
            raise UsageError(f"--tf-version chooses golden vectors: not with {against}")
        return load(against, UsageError)
    if against == "vectors":
        from conformance.oracles.vectors import Vectors
        from conformance.vectors.format import VectorError

        try:
            return Vectors(tf_version)
        except VectorError as error:
            raise UsageError(str(error)) from error
    if tf_version:
        raise UsageError("--tf-version chooses golden vectors: use it with --against vectors")
    from conformance.oracles.tensorflow import tensorflow

    oracle = tensorflow()
    if oracle is None:
        raise UsageError(
            "TensorFlow is not installed here; install the 'tf' or 'tfa' extra "
            "(pip install 'lr-conformance[tf]')"
        )
    return oracle


def not_implemented(target: Target, selected: Iterable[str]) -> dict[str, str]:
    """The selected APIs the target does not provide: api -> what is missing."""
    found = {api: target.missing(api) for api in selected}
    return {api: why for api, why in found.items() if why is not None}


# -- running checks -------------------------------------------------------------------------


def run_check(
    check: Check,
    oracle: Oracle,
    target: Target,
    timeout: float | None = None,
    declared: Mapping[str, str] | None = None,
) -> Verdict:
    """Build the case, run the target, run the oracle, one comparison: the verdict, or
    :class:`~conformance.check.NotApplicable`, :class:`~conformance.targets.TimedOut`,
    :class:`~conformance.targets.BadReturn` or whatever the check raised."""
    if check.is_optimizer:
        return optimizer_check.run(check, oracle, target, timeout, declared)
    return schedule_check.run(check, oracle, target, timeout)


def run_one(
    check: Check,
    oracle: Oracle,
    target: Target,
    timeout: float | None = None,
    declared: Mapping[str, str] | None = None,
) -> reporting.Result:
    """One check, whatever happens: an exception inside it is the check's result."""
    try:
        # numpy's overflow and invalid-value warnings (a bound that is inf, a nan the case
        # expects) would tear the progress line; the report states every outcome anyway.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            verdict = run_check(check, oracle, target, timeout, declared)
    except NotApplicable as reason:
        return reporting.Result(check, reporting.NOT_APPLICABLE, note=str(reason))
    except TimedOut as error:
        return reporting.Result(check, reporting.ERROR, note=f"{TIMED_OUT}{error}")
    except BadReturn as error:
        return reporting.Result(check, reporting.FAIL, note=str(error))
    except Exception as error:  # noqa: BLE001 - reported as a failed check, with its origin
        return reporting.Result(check, reporting.ERROR, note=raised_note(error))
    return reporting.Result(check, reporting.PASS if verdict.passed else reporting.FAIL, verdict)


def raised_note(error: BaseException) -> str:
    """``the check raised X: message (at file.py:line)``."""
    origin = traceback.extract_tb(error.__traceback__)[-1]
    where = f"{Path(origin.filename).name}:{origin.lineno}"
    return f"the check raised {type(error).__name__}: {error} (at {where})"


def execute(
    checks: Sequence[Check],
    one: Callable[[Check], reporting.Result],
    progress: Progress,
) -> list[reporting.Result]:
    """``one(check)`` for every check, with progress; an API whose target call timed out is
    not called again (its remaining checks are errors that say so)."""
    results = []
    timed_out: dict[str, str] = {}
    for done, check in enumerate(checks):
        progress.show(done, check.case.id)
        api = check.case.api
        if api in timed_out:
            note = f"not run: {timed_out[api]} timed out earlier"
            results.append(reporting.Result(check, reporting.ERROR, note=note))
            continue
        result = one(check)
        if result.note.startswith(TIMED_OUT):
            timed_out[api] = check.id
        results.append(result)
    progress.close()
    return results


# -- the report's metadata ------------------------------------------------------------------


def metadata(
    *,
    target: dict,
    oracle: Oracle,
    float32_kernels: dict,
    selection: dict,
    cases: int,
) -> dict:
    """Everything a report's numbers depend on."""
    commit, dirty = git_state()
    return {
        "lr_conformance": {
            "version": conformance.__version__,
            "git_commit": commit,
            "git_dirty": dirty,
        },
        "target": target,
        "oracle": {"against": oracle.against, "versions": oracle.versions()},
        "float32_kernels": float32_kernels,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "selection": selection,
        "catalogue": {"cases": cases},
    }


def float32_kernels(target: Target, oracle: Oracle) -> dict[str, str]:
    """What computes the target's float32 transcendentals on each path."""
    if oracle.kernels is None:
        vector = f"not checked (the {oracle.name} hold no TensorFlow kernels)"
    elif target.kernels_hook is not None:
        vector = f"{oracle.kernels.name}, plugged into {target.name}"
    else:
        vector = "the target's own"
    return {"scalar": target.kernels_name, "vector": vector}


def git_state(
    directory: Path | None = None, ignore: Sequence[str] = ()
) -> tuple[str | None, bool | None]:
    """The commit of the checkout ``directory`` is in (default: the one this package runs from),
    and whether it has local changes outside the ``ignore`` pathspecs; None, None outside a
    checkout."""
    directory = Path(directory or Path(conformance.__file__).resolve().parent.parent)
    while not directory.is_dir():
        directory = directory.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=10
        )
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *ignore],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    if head.returncode != 0:
        return None, None
    return head.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None


# -- progress -------------------------------------------------------------------------------


class Progress:
    """``[#####-----] 12/40 ExponentialDecay/ordinary`` on one line of stderr, redrawn in place;
    silent when stderr is not a terminal."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total = total
        self.stream = stream
        self.enabled = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.perf_counter()
        self._last = 0.0

    def show(self, done: int, label: str) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self._last < 0.1 and done):
            return
        self._last = now
        width = shutil.get_terminal_size((80, 20)).columns
        bar_width = 24
        filled = bar_width * done // max(self.total, 1)
        text = (
            f"[{'#' * filled}{'-' * (bar_width - filled)}] {done}/{self.total} "
            f"{now - self.started:5.0f}s {label}"
        )
        self.stream.write("\r" + text[: width - 1].ljust(width - 1))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()


def write_report(report: reporting.Report, form: str, output: str | None, timing: bool) -> None:
    """The report in ``form`` on standard output, or in ``output`` with its totals line on
    standard error."""
    if form == "json":
        text = reporting.render_json(report, timing=timing)
    else:
        text = reporting.RENDERERS[form](report)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(reporting.totals_line(report), file=sys.stderr)
    else:
        sys.stdout.write(text)


def check_output(output: str | None) -> None:
    """A usage error where ``--output`` names a file in a directory that does not exist."""
    if output and not Path(output).resolve().parent.is_dir():
        raise UsageError(f"--output {output}: no such directory")

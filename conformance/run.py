"""What every command of ``python -m conformance`` shares: choosing the APIs, loading the target
and the oracle, running checks so that nothing a target does ends the run, the report's
metadata, and progress on standard error.

A problem with the options or the setup is a :class:`UsageError` (exit status 2, one line).
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

import conformance
from conformance import optimizer_check, registry, schedule_check
from conformance import report as reporting
from conformance.check import Check, NotApplicable, NotImplementedPart, Options
from conformance.compare import Verdict
from conformance.oracles import Oracle
from conformance.targets import BadReturn, Target, TargetError, TimedOut, abandoned

USAGE_ERROR = 2
#: Seconds one check's target call may take (the reference needs well under one).
DEFAULT_TIMEOUT = 120.0
#: How the note of a check whose target call was abandoned begins.
TIMED_OUT = "timed out: "
#: How the note of a check on a documented difference (docs/bad_inputs.md) begins.
DOCUMENTED_DIFFERENCE = "documented difference: "


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


def load_oracle(
    against: str = "tf", tf_version: str | None = None, verbose: bool = False
) -> Oracle:
    """Live TensorFlow (``tf``) or the golden vectors of one TensorFlow version (``vectors``).

    Quiet unless ``verbose``: TensorFlow's C++ logs are off (``TF_CPP_MIN_LOG_LEVEL=3``, which
    wins over the environment's), what its native libraries print while they load is held back
    (shown if the import fails), and absl's Python log says errors only.

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
    from conformance.oracles.tensorflow import NotTensorFlow, tensorflow

    if not verbose:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        logging.getLogger("absl").setLevel(logging.ERROR)
    try:
        with native_stderr_held(not verbose):
            oracle = tensorflow()
    except NotTensorFlow as error:
        raise UsageError(str(error)) from error
    if oracle is None:
        raise UsageError(
            "TensorFlow is not installed here; install the 'tf' or 'tfa' extra "
            "(pip install 'lr-conformance[tf]')"
        )
    oracle.verbose = verbose
    return oracle


@contextlib.contextmanager
def native_stderr_held(enabled: bool = True) -> Iterator[None]:
    """Inside the block, what is written to the process's standard error (file descriptor 2,
    where native libraries log) is held back; it is written out only if the block raises."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            sys.stderr.write(held.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


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
    options: Options | None = None,
) -> Verdict:
    """Build the case, run the target, run the oracle, one comparison: the verdict, or
    :class:`~conformance.check.NotApplicable`, :class:`~conformance.check.NotImplementedPart`,
    :class:`~conformance.targets.TimedOut`, :class:`~conformance.targets.BadReturn` or whatever
    the check raised."""
    if check.is_optimizer:
        verdict = optimizer_check.run(check, oracle, target, timeout, declared, options)
    else:
        verdict = schedule_check.run(check, oracle, target, timeout, options)
    documented_difference(check, verdict)
    return verdict


def documented_difference(check: Check, verdict: Verdict) -> None:
    """Raise :class:`~conformance.check.NotApplicable` where a failing verdict is one of the
    bad-input catalogue's documented differences (docs/bad_inputs.md): reported as such, never
    as a pass; a difference that went away passes."""
    reason = check.case.difference(check.entry, check.dtype, check.path)
    if reason is not None and not verdict.passed:
        raise NotApplicable(f"{DOCUMENTED_DIFFERENCE}{reason} ({verdict.message})")


def run_one(
    check: Check,
    oracle: Oracle,
    target: Target,
    timeout: float | None = None,
    declared: Mapping[str, str] | None = None,
    options: Options | None = None,
    verbose: bool = False,
) -> reporting.Result:
    """One check, whatever happens: an exception inside it is the check's result. Warnings
    (numpy's overflow and invalid-value warnings where TensorFlow returns inf or nan silently,
    those the reference raises as Keras does, TensorFlow's) are not shown unless ``verbose``:
    the report states every outcome."""
    try:
        with warnings.catch_warnings():
            if not verbose:
                warnings.simplefilter("ignore")
            verdict = run_check(check, oracle, target, timeout, declared, options)
    except NotApplicable as reason:
        return reporting.Result(check, reporting.NOT_APPLICABLE, note=str(reason))
    except NotImplementedPart as reason:
        return reporting.Result(check, reporting.NOT_IMPLEMENTED, note=str(reason))
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


#: The phases of the checks, in run order: (kind, what the progress calls it, its unit).
PHASES = (("schedule", "schedule checks", "steps"), ("optimizer", "optimizer checks", "updates"))


def execute(
    checks: Sequence[Check],
    one: Callable[[Check], reporting.Result],
    progress: Progress,
    work: Callable[[Check], int] | None = None,
) -> list[reporting.Result]:
    """``one(check)`` for every check, with progress weighted by ``work(check)`` (steps; one per
    check without it), phase by phase; an API whose target call timed out is not called again
    (its remaining checks are errors that say so)."""
    weights = [work(check) if work is not None else 1 for check in checks]
    totals: dict[str, int] = {}
    for check, weight in zip(checks, weights):
        kind = "optimizer" if check.is_optimizer else "schedule"
        totals[kind] = totals.get(kind, 0) + weight
    names = {kind: (name, unit) for kind, name, unit in PHASES}
    results = []
    timed_out: dict[str, str] = {}
    phase = None
    for check, weight in zip(checks, weights):
        kind = "optimizer" if check.is_optimizer else "schedule"
        if kind != phase:
            phase = kind
            progress.phase(names[kind][0], totals[kind], names[kind][1])
        progress.label(check.case.id)
        api = check.case.api
        if api in timed_out:
            note = f"not run: {timed_out[api]} timed out earlier"
            results.append(reporting.Result(check, reporting.ERROR, note=note))
        else:
            result = one(check)
            if result.note.startswith(TIMED_OUT):
                timed_out[api] = check.id
            results.append(result)
        progress.advance(weight)
    progress.close()
    return results


def leave(status: int, command_line: bool) -> int:
    """The exit status; for the command line, where a target's call abandoned at its deadline is
    still running in native code, the process ends here with ``os._exit`` (after flushing its
    output), so that the interpreter's shutdown cannot meet that thread (it can abort the
    process: exit status 134, "FATAL: exception not rethrown")."""
    if command_line and abandoned():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


# -- the report's metadata ------------------------------------------------------------------


def metadata(
    *,
    target: dict,
    oracle: Oracle,
    float32_kernels: dict,
    selection: dict,
    cases: int,
    target_calls: dict | None = None,
) -> dict:
    """Everything a report's numbers depend on."""
    commit, dirty = git_state()
    found = {
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
    if target_calls is not None:
        found["target_calls"] = target_calls
    return found


def target_calls(target: Target, apis: Iterable[str], options: Options | None = None) -> dict:
    """How the run calls the target on each path (the report says it)."""
    schedules = [api for api in apis if not registry.is_optimizer(api)]
    declared = [api for api in schedules if target.elementwise(api)]
    if (options is not None and options.per_step) or not declared:
        scalar = "one call per step"
    elif len(declared) == len(schedules):
        scalar = (
            "one call on its steps (the target declares that equal to one call per step; a few "
            "steps of each check are called one at a time to hold it to that)"
        )
    else:
        scalar = (
            f"one call per step, but one call on the steps for {', '.join(declared)} (declared "
            "equal to one call per step)"
        )
    return {
        "vector": "one call on the whole step array",
        "scalar": scalar,
        "trajectory": "init, then step once per update",
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
    """Progress of a run on standard error, phase by phase, weighted by work: the steps each
    check evaluates (an optimizer check counts its updates).

    On a terminal, one line redrawn in place (``[#####-----]  45% schedule checks 1.2M/2.6M
    steps 12 s ~15 s left  ExponentialDecay/staircase``), at least every half second whatever
    the run is doing, so the clock never stops; :meth:`close` erases it before the report.
    Elsewhere (a pipe, a CI log, also with ``--output``) a plain line every
    :data:`PLAIN_INTERVAL` seconds. ``enabled=False``: nothing."""

    #: Seconds between the plain lines when standard error is not a terminal.
    PLAIN_INTERVAL = 10.0
    #: Seconds between redraws on a terminal.
    TICK = 0.5

    def __init__(
        self,
        stream: TextIO = sys.stderr,
        enabled: bool = True,
        interactive: bool | None = None,
    ) -> None:
        if interactive is None:
            interactive = hasattr(stream, "isatty") and stream.isatty()
        self._own = stream is sys.__stderr__ and _has_fileno(stream)
        if self._own:
            # A stream of its own on the same terminal or pipe: standard error is held back
            # while TensorFlow's native libraries load (load_oracle), the clock is not.
            stream.flush()
            stream = open(os.dup(stream.fileno()), "w", buffering=1, closefd=True)
        self.stream = stream
        self.enabled = enabled
        self.interactive = interactive
        self.started = time.perf_counter()
        self.name = ""
        self.unit = "steps"
        self.total = 0
        self.done = 0
        self.text = ""
        self._phase_started = self.started
        self._last_plain = self.started
        self._drawn = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def phase(self, name: str, total: int, unit: str = "steps") -> None:
        """A new phase of ``total`` units of work (``total`` 0: unknown, only the clock runs)."""
        with self._lock:
            self.name, self.total, self.unit, self.done, self.text = name, total, unit, 0, ""
            self._phase_started = time.perf_counter()
        self._start()
        self._draw(force=True)

    def label(self, text: str) -> None:
        """What is being done now (the case id)."""
        self.text = text
        self._draw()

    def advance(self, amount: int) -> None:
        with self._lock:
            self.done += amount
        self._draw()

    def close(self) -> None:
        """Stop, and leave the terminal clean for the report."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self._drawn and self.interactive:
                width = shutil.get_terminal_size((80, 20)).columns
                self.stream.write("\r" + " " * (width - 1) + "\r")
                self.stream.flush()
            self._drawn = False

    def finish(self) -> None:
        """:meth:`close`, and release the stream (once the run is over)."""
        self.close()
        if self._own and not self.stream.closed:
            self.stream.close()

    # -- drawing ---------------------------------------------------------------------------

    def _start(self) -> None:
        if self.enabled and self._ticker is None:
            self._stop.clear()
            self._ticker = threading.Thread(
                target=self._tick, name="lr-conformance-progress", daemon=True
            )
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.TICK):
            self._draw(force=self.interactive)

    def status(self, now: float | None = None) -> str:
        """``schedule checks  45% (1,234,567 of 2,600,000 steps), 12 s, ~15 s left``."""
        now = time.perf_counter() if now is None else now
        elapsed = now - self.started
        text = f"{self.name}"
        if self.total:
            share = min(self.done / self.total, 1.0)
            text += f" {share:4.0%} ({_short(self.done)} of {_short(self.total)} {self.unit})"
            spent = now - self._phase_started
            if 0.05 <= share < 1 and spent > 2:
                text += f", ~{spent * (1 - share) / share:.0f} s left"
        return f"{text}, {elapsed:.0f} s"

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        with self._lock:
            if self.interactive:
                if not force and now - self._last_plain < 0.1:
                    return
                self._last_plain = now
                width = shutil.get_terminal_size((80, 20)).columns
                share = min(self.done / self.total, 1.0) if self.total else 0.0
                filled = int(20 * share)
                line = f"[{'#' * filled}{'-' * (20 - filled)}] {self.status(now)}  {self.text}"
                self.stream.write("\r" + line[: width - 1].ljust(width - 1))
                self._drawn = True
            else:
                if now - self._last_plain < self.PLAIN_INTERVAL:
                    return
                self._last_plain = now
                self.stream.write(f"lr-conformance: {self.status(now)}\n")
            self.stream.flush()


def _has_fileno(stream) -> bool:
    try:
        stream.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    return True


def _short(n: int) -> str:
    """1234 -> 1,234; 1234567 -> 1.23M."""
    return f"{n / 1e6:.2f}M" if n >= 1_000_000 else f"{n:,}"


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

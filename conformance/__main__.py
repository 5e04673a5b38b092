"""``python -m conformance check`` (or ``lr-conformance check``): the whole catalogue, for one
target, against live TensorFlow or the golden vectors, as a per-API report (see
:mod:`conformance.report`).

    python -m conformance check [--target reference] [--against tf|vectors [--tf-version X.Y.Z]]
        [--api NAME ...]
        [--dtype float32|float64] [--report table|json|junit|markdown] [--output FILE]
        [--timing] [--require-all] [--timeout SECONDS] [--variant NAME=VALUE ...]
    python -m conformance plot --target PKG --api NAME [--case ID] --output FILE.png
    python -m conformance vectors export|verify|cases|results ...   (see conformance.vectors.cli)
    python -m conformance compare --results FILE ...   (a port's results file against the vectors)

The catalogue covers the schedules and the optimizers. An API the target does not provide is
reported as "not implemented", which fails the run only with ``--require-all``. A target that
raises, returns nan, returns the wrong shape or type, or does not return within ``--timeout``
seconds fails that check and the run goes on (a target that timed out is not called again for
that API). Exit status: 0 when every check passes, 1 when any fails, 2 for a usage or setup error
(unknown option, API or variant, a target that does not import, TensorFlow missing, nothing to
check), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import platform
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TextIO

import numpy as np

import conformance
from conformance import optimizer_check, targets, variants
from conformance import report as reporting
from conformance.cases import CASES, OPTIMIZER_CASES, apis, optimizer_apis
from conformance.check import Check, NotApplicable, plan, prefetch, run
from conformance.oracles.tensorflow import tensorflow
from conformance.vectors import cli as vector_commands
from conformance.vectors.format import VectorError

USAGE_ERROR = 2
#: Seconds one check's target call may take (the reference needs well under one).
DEFAULT_TIMEOUT = 120.0


class UsageError(Exception):
    """Bad options or a broken setup: exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    invoked_as = Path(sys.argv[0]).name
    parser = argparse.ArgumentParser(
        prog="python -m conformance" if invoked_as in ("__main__.py", "-c", "") else invoked_as,
        description="Check an implementation of TensorFlow's learning-rate schedules against "
        "TensorFlow, step by step.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    check = commands.add_parser(
        "check",
        help="run the catalogue against TensorFlow and print a per-API report",
        description="Run every case of the catalogue through the target and through live "
        "TensorFlow, on every entry point TensorFlow has here, and report per API. Exit status: "
        "0 all checks pass, 1 some fail, 2 usage or setup error.",
    )
    check.add_argument(
        "--target",
        default="reference",
        metavar="PACKAGE",
        help="importable package laid out like `reference` (PACKAGE.schedules.X, "
        "PACKAGE.compat_v1.x); default: reference",
    )
    check.add_argument(
        "--against",
        default="tf",
        choices=("tf", "vectors"),
        help="what to compare with: 'tf' (live TensorFlow, default) or 'vectors' (the golden "
        "vectors shipped in conformance/vectors: no TensorFlow needed)",
    )
    check.add_argument(
        "--tf-version",
        metavar="X.Y.Z",
        help="with --against vectors: which shipped TensorFlow's vectors (2.15.1, or 2.15 for "
        "the newest 2.15.x; default: the newest); tensorflow-addons cases from the tfa set",
    )
    check.add_argument(
        "--api",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="only these APIs (e.g. schedules.ExponentialDecay, or just ExponentialDecay); "
        "default: the whole catalogue",
    )
    check.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        help="only this mode of the target (default: both)",
    )
    check.add_argument(
        "--report",
        choices=tuple(reporting.RENDERERS),
        default="table",
        help="report format (default: table)",
    )
    check.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    check.add_argument(
        "--timing",
        action="store_true",
        help="put the date, wall time and steps/s in the JSON report too (it then differs "
        "from run to run)",
    )
    check.add_argument(
        "--require-all",
        action="store_true",
        help="an API the target does not provide fails the run (default: reported as "
        "'not implemented')",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="seconds one check's target call may take before it is abandoned and reported "
        f"(default: {DEFAULT_TIMEOUT:g}; 0: no limit)",
    )
    check.add_argument(
        "--variant",
        action="append",
        metavar="NAME=VALUE",
        help="a variant the target implements on purpose (repeatable): "
        + "; ".join(f"{k}={'|'.join(v)}" for k, v in variants.VARIANTS.items())
        + ". Its checks then compare with the variant's exact formula and say how far it "
        "is from TensorFlow",
    )
    plot = commands.add_parser(
        "plot",
        help="draw a target and TensorFlow overlaid, the ULP error underneath (PNG)",
        description="Evaluate one case of one API with the target and with live TensorFlow, "
        "and draw both, with the error in float32 ULPs underneath (needs matplotlib).",
    )
    plot.add_argument("--target", default="reference", metavar="PACKAGE")
    plot.add_argument("--api", required=True, metavar="NAME")
    plot.add_argument("--case", metavar="ID", help="case id (default: the API's first case)")
    plot.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    plot.add_argument("--output", required=True, metavar="FILE.png")
    vector_commands.add_commands(commands, reporting.RENDERERS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return int(exit_.code or 0)
    try:
        if options.command == "plot":
            from conformance import plot

            return plot.main(options)
        if options.command in ("vectors", "compare"):
            return vector_commands.run(options)
        return check(options)
    except (UsageError, VectorError) as error:
        print(f"{parser.prog} {options.command}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


def check(options: argparse.Namespace) -> int:
    selected = select_apis(options.api)
    if options.output and not Path(options.output).resolve().parent.is_dir():
        raise UsageError(f"--output {options.output}: no such directory")
    package = load_target(options.target)
    try:
        declared = variants.parse(options.variant)
    except ValueError as error:
        raise UsageError(str(error)) from error
    oracle = load_oracle(options)

    not_implemented = not_implemented_apis(package, options.target, selected)
    running = [api for api in selected if api not in not_implemented]
    cases = [case for case in CASES if case.api in running]
    checks = [c for c in plan(oracle, cases) if options.dtype in (None, c.dtype)]
    unavailable = {
        api: oracle.missing_reason(api)
        for api in running
        if api not in OPTIMIZER_APIS and not oracle.entry_points(api)
    }
    optimizer_checks, optimizer_unavailable = plan_optimizers(oracle, running, options.dtype)
    checks += optimizer_checks
    unavailable.update(optimizer_unavailable)
    if not checks and not not_implemented:
        reasons = "; ".join(f"{api}: {why}" for api, why in unavailable.items())
        raise UsageError(f"nothing to check here ({reasons or 'no cases selected'})")
    timeout = options.timeout or None
    optimizers = optimizer_oracle(oracle) if optimizer_checks else None

    started = time.perf_counter()
    progress = Progress(len(checks), sys.stderr)
    # TensorFlow's side of the schedule checks, evaluated in batches that share TensorFlow's
    # fixed cost per traced function: the same values as check by check, sooner.
    progress.show(0, "TensorFlow: evaluating the schedule cases in batches")
    prefetch(oracle, [c for c in checks if isinstance(c, Check)], package)
    results = []
    timed_out: dict[str, str] = {}
    for done, item in enumerate(checks):
        progress.show(done, item.case.id)
        api = item.case.api
        if api in timed_out:
            results.append(
                reporting.Result(
                    item, reporting.ERROR, note=f"not run: {timed_out[api]} timed out earlier"
                )
            )
            continue
        if isinstance(item, optimizer_check.OptimizerCheck):
            result = run_one(item, optimizers, package, options.target, timeout, declared)
        else:
            result = run_one(item, oracle, package, options.target, timeout)
        if result.note.startswith(TIMED_OUT):
            timed_out[api] = item.id
        results.append(result)
    progress.close()
    report = reporting.Report(
        results=results,
        unavailable=unavailable,
        not_implemented=not_implemented,
        require_all=options.require_all,
        metadata=metadata(options, package, oracle, selected, declared),
        wall_time=time.perf_counter() - started,
        finished=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
    if options.report == "json":
        text = reporting.render_json(report, timing=options.timing)
    else:
        text = reporting.RENDERERS[options.report](report)
    if options.output:
        Path(options.output).write_text(text, encoding="utf-8")
        print(reporting.totals_line(report), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if report.passed else 1


#: The optimizer APIs of the catalogue, in catalogue order.
OPTIMIZER_APIS = optimizer_apis()


def all_apis() -> list[str]:
    """Every API of the catalogue: the schedules, then the optimizers."""
    return [*apis(), *OPTIMIZER_APIS]


def not_implemented_apis(package: ModuleType, name: str, selected: list[str]) -> dict[str, str]:
    """The selected APIs the target does not provide: api -> what is missing. A module of the
    target that fails to import is not "not implemented": its checks run and report the
    error."""
    missing = {}
    for api in selected:
        try:
            found = targets.lookup(package, api)
        except Exception:  # noqa: BLE001 - reported by each check of the API
            continue
        if found is None:
            missing[api] = f"{name}.{api} does not exist"
    return missing


def optimizer_oracle(oracle):
    """The optimizer trajectories of the oracle: live TensorFlow's, or the golden vectors'."""
    from conformance.oracles.tensorflow_optimizers import TensorFlowOptimizers
    from conformance.oracles.vectors import VectorOptimizers, Vectors

    if isinstance(oracle, Vectors):
        return VectorOptimizers(oracle)
    return TensorFlowOptimizers(oracle) if getattr(oracle, "tf", None) is not None else None


def plan_optimizers(oracle, running: list[str], dtype: str | None):
    """The optimizer checks of the selected APIs, and the APIs that cannot be checked here."""
    chosen = [api for api in running if api in OPTIMIZER_APIS]
    if not chosen:
        return [], {}
    optimizers = optimizer_oracle(oracle)
    if optimizers is None:
        return [], {api: "the oracle holds no optimizer trajectories" for api in chosen}
    cases = [case for case in OPTIMIZER_CASES if case.api in chosen]
    checks = [c for c in optimizer_check.plan(optimizers, cases) if dtype in (None, c.dtype)]
    unavailable = {
        api: optimizers.missing_reason(api) for api in chosen if not optimizers.entry_points(api)
    }
    return checks, unavailable


def select_apis(names: Sequence[str] | None) -> list[str]:
    """Catalogue APIs, in catalogue order; a name may leave out its module (``CosineDecay``)."""
    known = all_apis()
    if not names:
        return known
    chosen = set()
    for name in names:
        matches = [api for api in known if name in (api, api.split(".", 1)[1])]
        if len(matches) != 1:
            problem = "is ambiguous" if matches else "is not in the catalogue"
            raise UsageError(f"--api {name} {problem}; known APIs: {', '.join(known)}")
        chosen.add(matches[0])
    return [api for api in known if api in chosen]


def load_target(name: str) -> ModuleType:
    try:
        return targets.load(name)
    except Exception as error:
        raise UsageError(
            f"--target {name} does not import: {type(error).__name__}: {error}"
        ) from error


def load_oracle(options: argparse.Namespace | None = None):
    if options is not None and options.against == "vectors":
        from conformance.oracles.vectors import Vectors

        return Vectors(options.tf_version)
    if options is not None and options.tf_version:
        raise UsageError("--tf-version chooses golden vectors: use it with --against vectors")
    oracle = tensorflow()
    if oracle is None:
        raise UsageError(
            "TensorFlow is not installed here; install the 'tf' or 'tfa' extra "
            "(pip install 'lr-conformance[tf]')"
        )
    return oracle


#: How the note of a check whose target call was abandoned begins.
TIMED_OUT = "timed out: "


def run_one(
    item,
    oracle,
    package: ModuleType,
    package_name: str,
    timeout: float | None = None,
    declared: dict | None = None,
) -> reporting.Result:
    """One check, whatever happens: an exception inside it is the check's result."""
    try:
        # numpy's overflow and invalid-value warnings (a bound that is inf, a nan the case
        # expects) would tear the progress line; the report states every outcome anyway.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if isinstance(item, optimizer_check.OptimizerCheck):
                verdict = optimizer_check.run(
                    item, oracle, package, package_name, timeout, declared
                )
            else:
                verdict = run(item, oracle, package, package_name, timeout)
    except NotApplicable as reason:
        return reporting.Result(item, reporting.NOT_APPLICABLE, note=str(reason))
    except targets.TimedOut as error:
        return reporting.Result(item, reporting.ERROR, note=f"{TIMED_OUT}{error}")
    except targets.BadReturn as error:
        return reporting.Result(item, reporting.FAIL, note=str(error))
    except Exception as error:  # noqa: BLE001 - reported as a failed check, with its origin
        origin = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(origin.filename).name}:{origin.lineno}"
        return reporting.Result(
            item,
            reporting.ERROR,
            note=f"the check raised {type(error).__name__}: {error} (at {where})",
        )
    return reporting.Result(item, reporting.PASS if verdict.passed else reporting.FAIL, verdict)


def metadata(
    options, package: ModuleType, oracle, selected: list[str], declared: dict | None = None
) -> dict:
    arith = targets.submodule(package, "_arith")
    scalar_kernels = (
        arith.current_float32_kernels().name
        if arith is not None and hasattr(arith, "current_float32_kernels")
        else "the target's own"
    )
    if oracle.kernels is None:
        vector_kernels = f"not checked (the {oracle.name} hold no TensorFlow kernels)"
    elif arith is not None and hasattr(arith, "float32_kernels"):
        vector_kernels = f"{oracle.kernels.name}, plugged into {options.target}._arith"
    else:
        vector_kernels = "the target's own"
    commit, dirty = _git_state()
    return {
        "lr_conformance": {
            "version": conformance.__version__,
            "git_commit": commit,
            "git_dirty": dirty,
        },
        "target": {"name": options.target, "version": _version_of(package)},
        "oracle": {"against": options.against, "versions": oracle.versions()},
        "float32_kernels": {"scalar": scalar_kernels, "vector": vector_kernels},
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "selection": {
            "apis": selected,
            "whole_catalogue": selected == all_apis(),
            "dtype": options.dtype or "float32, float64",
            "require_all": bool(getattr(options, "require_all", False)),
            "timeout_s": getattr(options, "timeout", None) or None,
            "variants": dict(sorted((declared or {}).items())),
        },
        "catalogue": {
            "cases": len([c for c in CASES if c.api in selected])
            + len([c for c in OPTIMIZER_CASES if c.api in selected])
        },
    }


def _version_of(package: ModuleType) -> str | None:
    version = getattr(package, "__version__", None)
    if version is not None:
        return str(version)
    try:
        return importlib.metadata.version(package.__name__.split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_state() -> tuple[str | None, bool | None]:
    """The commit of the checkout the suite runs from, and whether it has local changes."""
    root = Path(conformance.__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None


class Progress:
    """``[#####-----] 12/40 ExponentialDecay/ordinary`` on one line of stderr, redrawn in place;
    silent when stderr is not a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
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


if __name__ == "__main__":
    sys.exit(main())

"""Where the time goes, side by side in one run, so that a slowdown is seen (issue 14's budgets).

* the main job (``python -m conformance check``, the reference against live TensorFlow) split
  by phase: importing TensorFlow, building the catalogue and the plan, TensorFlow's optimizer
  trajectories in batches (the reference's meanwhile in worker processes), TensorFlow's
  schedule values in batches, then the checks themselves (the reference's side and the
  comparisons), in a TensorFlow environment (default ``.tox/report``, else ``.tox/tf215-tfa``);
* the whole catalogue against the golden vectors (``check --against vectors``), and ``--help``,
  without TensorFlow (default ``.tox/notf``);
* each tox environment's time (setup and commands) of a ``tox --result-json`` file, or of a
  ``tox`` run this script starts (``--tox``: the README's test command, about ten minutes).

Each figure is one fresh process, as a user runs it, on whatever else the machine is doing: say
so with the figures.

Run: ``python benchmarks/speed.py [--tf-python P] [--notf-python P] [--tox | --result-json F]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The main job's phases, timed in the TensorFlow environment. The steps are those of
#: ``conformance.commands.check`` for the whole catalogue and the reference.
MAIN_JOB = """
import json, sys, time
marks = [("start", time.perf_counter())]
from conformance import cases as catalogue, optimizer_check, run, schedule_check
from conformance.check import plan
from conformance.report import FAIL, ERROR
oracle = run.load_oracle("tf")
marks.append(("import TensorFlow", time.perf_counter()))
target = run.load_target("reference")
checks = plan(oracle, [*catalogue.CASES, *catalogue.OPTIMIZER_CASES])
marks.append(("catalogue and plan", time.perf_counter()))
optimizer_check.prefetch(oracle, checks, target)
marks.append(("TF optimizer batches", time.perf_counter()))
schedule_check.prefetch(oracle, checks, target)
marks.append(("TF schedule batches", time.perf_counter()))
results = [run.run_one(check, oracle, target) for check in checks]
marks.append(("checks", time.perf_counter()))
failed = sum(r.status in (FAIL, ERROR) for r in results)
phases = {b[0]: b[1] - a[1] for a, b in zip(marks, marks[1:])}
print(json.dumps({"phases": phases, "checks": len(checks), "failed": failed}))
"""

BUDGETS = {
    "main job: check time": 60.0,
    "check --against vectors": 60.0,
    "--help": 1.0,
    "tox (the README's test command)": 600.0,
}


def _default_python(*envs: str) -> Path:
    for env in envs:
        candidate = ROOT / ".tox" / env / "bin" / "python"
        if candidate.exists():
            return candidate
    return Path(sys.executable)


def _timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir())
    return time.perf_counter() - start, finished


def main_job(python: Path) -> list[tuple[str, float]]:
    print(f"timing the main job's phases ({python}; a few minutes) ...", file=sys.stderr)
    elapsed, finished = _timed([str(python), "-c", MAIN_JOB])
    if finished.returncode != 0:
        raise SystemExit(f"{python}: the main job's driver failed:\n{finished.stderr[-2000:]}")
    found = json.loads(finished.stdout.strip().splitlines()[-1])
    rows = [(f"  {name}", seconds) for name, seconds in found["phases"].items()]
    check_time = sum(found["phases"].values())
    return [
        (f"main job: check time ({found['checks']} checks, {found['failed']} failed)", check_time),
        *rows,
        ("  (process, start to exit)", elapsed),
    ]


def without_tensorflow(python: Path) -> list[tuple[str, float]]:
    print(f"timing check --against vectors and --help ({python}) ...", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        report = str(Path(scratch) / "report.json")
        command = ["-m", "conformance", "check", "--against", "vectors", "--output", report]
        elapsed, finished = _timed([str(python), *command, "--report", "json"])
        totals = json.loads(Path(report).read_text())["totals"] if Path(report).exists() else {}
        rows.append(
            (
                f"check --against vectors ({totals.get('checks', '?')} checks, exit "
                f"{finished.returncode})",
                elapsed,
            )
        )
    elapsed, _ = _timed([str(python), "-m", "conformance", "--help"])
    rows.append(("--help", elapsed))
    return rows


def tox_envs(result_json: Path) -> list[tuple[str, float]]:
    """Each environment's setup and commands, from tox's ``--result-json``."""
    data = json.loads(result_json.read_text())
    rows, total = [], 0.0
    for name, env in data.get("testenvs", {}).items():
        if name == ".pkg" or not (env.get("setup") or env.get("test")):
            continue  # not run
        setup = sum(r.get("elapsed", 0.0) for r in env.get("setup", []))
        test = sum(r.get("elapsed", 0.0) for r in env.get("test", []))
        total += setup + test
        rows.append((f"  tox -e {name} (setup {setup:.0f} s, commands)", test))
    return [("tox (the README's test command)", total), *rows]


def _absolute(python: str) -> Path:
    """A Python as a path that works from any directory: a bare name (``python``) is looked
    up on PATH, as a shell would."""
    found = shutil.which(python) if os.sep not in python else python
    if found is None:
        raise argparse.ArgumentTypeError(f"{python}: not found on PATH")
    return Path(found).absolute()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Absolute: the timed processes run in a temporary directory.
    parser.add_argument("--tf-python", type=_absolute, help="a Python with TF 2.15 + tfa")
    parser.add_argument("--notf-python", type=_absolute, help="a Python without TensorFlow")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--tox", action="store_true", help="run `python -m tox` and time it")
    where.add_argument("--result-json", type=Path, help="a `tox --result-json` file to read")
    args = parser.parse_args()
    rows = main_job(args.tf_python or _default_python("report", "tf215-tfa"))
    rows += without_tensorflow(args.notf_python or _default_python("notf"))
    result_json = args.result_json
    if args.tox:
        result_json = Path(tempfile.mkdtemp()) / "tox.json"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tox", "--result-json", str(result_json)], cwd=ROOT, check=False
        )
        rows.append(("tox wall time", time.perf_counter() - start))
    if result_json is not None:
        rows += tox_envs(result_json)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} cores")
    print(f"{'what':64s} {'seconds':>8s} {'budget':>7s}")
    for label, seconds in rows:
        budget = BUDGETS.get(label.split(" (")[0])
        shown = f"{budget:7.0f}" if budget is not None else ""
        print(f"{label[:64]:64s} {seconds:8.1f} {shown:>7s}")


if __name__ == "__main__":
    main()

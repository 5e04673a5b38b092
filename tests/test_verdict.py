"""The verdict a porting engineer acts on: reproducers that run when pasted into ``python``, the
first divergence as data, a diagnosis (rounding closer to the exact value, a known variant, a
different function, flush to zero), an honest scalar path, the narrowing options, the contract's
minimal target, "not implemented" cases, safe runs (a timed-out target exits 1, a Keras backend
that is not TensorFlow is refused), and output that is quiet and fits 100 columns.

Most of it runs against the golden vectors (no TensorFlow); the reproducers are also run against
live TensorFlow, on every kind of entry point this TensorFlow has. A reproducer is run as text in
another Python process, as a user pastes it, and must print the very values the report's
``first_divergence`` holds.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest

from conformance import run as running
from conformance import targets
from conformance.__main__ import main
from conformance.cases import Gradients
from conformance.compare import DIFFERS, ROUNDING, VARIANT
from conformance.oracles.tensorflow import tensorflow
from conformance.outcome import Trajectory
from conformance.trajectory import compare_trajectories

# Tests of the harness's own verdicts: against the newest TensorFlow by default, against
# Keras 2's TF too in `tox -e complete-tf215-tfa` (tests/conftest.py, marker 'harness').
pytestmark = pytest.mark.harness

needs_tensorflow = pytest.mark.skipif(tensorflow() is None, reason="TensorFlow is not installed")

ROOT = Path(__file__).resolve().parent.parent
TARGETS = Path(__file__).resolve().parent / "targets"
VECTORS = ("--against", "vectors")


def _check(tmp_path, *argv: str, name: str = "report.json") -> tuple[int, dict]:
    output = tmp_path / name
    status = main(["check", *argv, "--report", "json", "--output", str(output)])
    return status, json.loads(output.read_text())


def _table(capsys, *argv: str) -> tuple[int, str]:
    status = main(["check", *argv])
    return status, capsys.readouterr().out


def _words(text: str) -> str:
    """The text with its line breaks and indents as single spaces (the table wraps)."""
    return " ".join(text.split())


# -- reproducers ------------------------------------------------------------------------------

#: Runs many reproducers in one fresh interpreter (one TensorFlow import): each program is
#: compiled from its text and run as ``__main__``, as ``python`` runs what is pasted into it.
RUNNER = """
import contextlib, io, json, sys
outputs = []
for program in json.load(sys.stdin):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(program, "<pasted>", "exec"), {"__name__": "__main__"})
    outputs.append(printed.getvalue())
sys.__stdout__.write(json.dumps(outputs))
"""


def _run_programs(programs: list[str]) -> list[str]:
    finished = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(programs),
        capture_output=True,
        text=True,
        timeout=1800,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout)


def _failing_checks(report: dict) -> list[dict]:
    """One failing check per API, entry point, dtype and path (with its first divergence)."""
    found, seen = [], set()
    for check in report["checks"]:
        key = (check["api"], check["entry_point"], check["dtype"], check["path"])
        if check["status"] == "fail" and check.get("first_divergence") and key not in seen:
            seen.add(key)
            found.append(check)
    return found


def _printed(output: str, check: dict) -> tuple[float, float]:
    """The target's and TensorFlow's values a reproducer printed at the first divergence."""
    divergence = check["first_divergence"]
    if check["path"] == "trajectory":
        found = dict(re.findall(r"^(target|TensorFlow)\s+(\S+)$", output, re.MULTILINE))
        return float(found["target"]), float(found["TensorFlow"])
    match = re.search(
        rf"^step {divergence['step']}: target (\S+), TensorFlow (\S+)$", output, re.MULTILINE
    )
    assert match, output
    return float(match.group(1)), float(match.group(2))


def _assert_reproduced(checks: list[dict]) -> None:
    outputs = _run_programs(["\n".join(c["reproducer"]) for c in checks])
    for check, output in zip(checks, outputs):
        divergence = check["first_divergence"]
        printed = np.array(_printed(output, check))
        stored = np.array([divergence["target"], divergence["oracle"]], dtype=np.float64)
        assert np.array_equal(printed, stored, equal_nan=True), (check["id"], output)


def test_reproducers_run_pasted_into_python_against_the_vectors(tmp_path):
    runs = [
        ("mutants.staircase_rounds", "--api", "ExponentialDecay"),
        ("mutants.schedule_read_late", "--case", "optimizers.legacy.Adam/defaults/lr-exponential"),
        (
            "nudged_target",
            "--case",
            "exponential_decay/seed001-continuous",
            "compat_v1.GradientDescentOptimizer/sparse/plain",
            "optimizers.Adam/defaults/lr-staircase",
        ),
    ]
    checks = []
    for target, *selection in runs:
        status, report = _check(tmp_path, "--target", target, *selection, *VECTORS)
        assert status == 1
        checks += _failing_checks(report)
    kinds = {(c["dtype"], c["path"]) for c in checks}
    assert kinds == {("float32", "scalar"), ("float64", "scalar"), ("float32", "trajectory"),
                     ("float64", "trajectory")}  # fmt: skip
    _assert_reproduced(checks)
    # One exactly as a user pastes it: the text, alone, into python.
    program = "\n".join(checks[0]["reproducer"])
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    assert "step 5: target 0.05000000074505806, TensorFlow 0.10000000149011612" in finished.stdout


def _step_by_hand_reproduced(tmp_path, *against: str) -> None:
    """The minimal target converts a string step that TensorFlow refuses: the reproducer of
    that check calls both with the string, once, and prints the one's value, the other's
    exception."""
    case = "inverse_time_decay/bad-input/step-str"
    status, report = _check(tmp_path, "--target", "minimal_target", "--case", case, *against)
    assert status == 0  # a bad input, not counted
    failing = [c for c in report["checks"] if c["status"] == "fail"]
    assert {c["entry_point"] for c in failing} == {"compat_v1.eager", "compat_v1.graph"}
    outputs = _run_programs(["\n".join(c["reproducer"]) for c in failing])
    for output in outputs:
        assert re.search(
            r"^step '3': target [0-9.e-]+, TensorFlow raises .*UnimplementedError",
            output,
            re.MULTILINE,
        ), output


def test_a_step_passed_by_hand_is_reproduced_as_passed(tmp_path):
    _step_by_hand_reproduced(tmp_path, *VECTORS)


def test_first_divergence_is_data_in_json_and_junit(tmp_path):
    status, report = _check(
        tmp_path,
        "--target",
        "mutants.staircase_rounds",
        "--case",
        "ExponentialDecay/staircase",
        *VECTORS,
    )
    assert status == 1
    by_dtype = {c["dtype"]: c for c in report["checks"] if c["status"] == "fail"}
    assert by_dtype["float32"]["first_divergence"] == {
        "step": 5,
        "target": 0.05000000074505806,
        "oracle": 0.10000000149011612,
        "ulp": 8388608.0,
        "exact": 0.1,
        "closer": "oracle",
    }
    float64 = by_dtype["float64"]["first_divergence"]
    assert set(float64) == {"step", "target", "oracle", "error", "bound", "exact", "closer"}
    assert (
        float64["step"] == 5 and float64["target"] == 0.05 and float64["error"] > float64["bound"]
    )
    assert by_dtype["float32"]["diagnosis"]["kind"] == DIFFERS

    status, report = _check(
        tmp_path,
        "--target",
        "mutants.schedule_read_late",
        "--case",
        "optimizers.legacy.Adam/defaults/lr-exponential",
        *VECTORS,
    )
    divergence = next(c for c in report["checks"] if c["status"] == "fail")["first_divergence"]
    assert set(divergence) >= {"step", "target", "oracle", "parameter", "exact", "closer"}
    assert divergence["step"] == 0 and divergence["closer"] == "oracle"

    output = tmp_path / "report.xml"
    argv = ["--target", "mutants.staircase_rounds", "--case", "ExponentialDecay/staircase"]
    assert main(["check", *argv, *VECTORS, "--report", "junit", "--output", str(output)]) == 1
    properties = {
        p.get("name"): p.get("value") for p in ElementTree.parse(output).getroot().iter("property")
    }
    assert properties["first_divergence.step"] == "5"
    assert properties["first_divergence.oracle"] == "0.10000000149011612"
    assert properties["diagnosis"] == DIFFERS


# -- diagnosis --------------------------------------------------------------------------------


def test_correctly_rounded_float32_is_rounding_closer_to_exact_with_a_flush_hint(tmp_path, capsys):
    argv = ["--target", "rounded_once_target", "--api", "ExponentialDecay", "--dtype", "float32"]
    status, report = _check(tmp_path, *argv, *VECTORS)
    assert status == 1
    for row in report["rows"]:
        diagnosis = row["diagnosis"]
        assert diagnosis["kind"] == ROUNDING
        # A float64 value rounded once is never farther from the exact value than TensorFlow's
        # float32 operations, and closer wherever the two differ.
        assert diagnosis["closer"] > 0 and diagnosis["farther"] == 0
        assert diagnosis["hint"].startswith("flush to zero: at step ")
    # The example: step 18 of ExponentialDecay/ordinary.
    ordinary = next(
        c
        for c in report["checks"]
        if c["case"] == "ExponentialDecay/ordinary" and c["status"] == "fail"
    )
    assert ordinary["first_divergence"]["step"] == 18
    assert ordinary["first_divergence"]["closer"] == "target"
    status, table = _table(capsys, *argv, *VECTORS)
    table = _words(table)
    assert "rounding: the same function" in table
    assert "the target is closer to the exact value than TensorFlow at" in table
    assert "flush them to zero too" in table


def test_the_variant_a_failing_adam_follows_is_named(tmp_path, capsys):
    argv = ["--target", "mutants.adam_epsilon_standard", "--api", "optimizers.Adam"]
    argv += ["--entry-point", "tf.keras"]  # one entry point: the other computes the same again
    status, report = _check(tmp_path, *argv, "--dtype", "float32", *VECTORS)
    assert status == 1
    for row in report["rows"]:
        if not row["bad_inputs"]:
            assert row["diagnosis"]["kind"] == VARIANT
            assert "adam-epsilon=standard" in row["diagnosis"]["variants"]
    # Variants are defined for dense gradients without Keras's options, on valid inputs: there,
    # every failing check follows it; the others say why no variant was tried.
    failing = [
        c for c in report["checks"] if c["status"] == "fail" and "/bad-input/" not in c["case"]
    ]
    dense = [c for c in failing if "sparse" not in c["case"] and "/options/" not in c["case"]]
    assert dense and all(c["diagnosis"]["variants"] == ["adam-epsilon=standard"] for c in dense)
    untried = [c for c in failing if c["diagnosis"]["kind"] == "differs"]
    assert untried and all("/options/" in c["case"] for c in untried)
    assert all(c["diagnosis"]["variants_untried"] for c in untried)
    counted = [row for row in report["rows"] if not row["bad_inputs"]]
    assert sum(row["diagnosis"]["untried"] for row in counted) == len(untried)
    _, table = _table(capsys, *argv, "--dtype", "float32", *VECTORS)
    assert "declare it (--variant adam-epsilon=standard)" in _words(table)


# -- the scalar path ---------------------------------------------------------------------------

RECORDING = """
import numpy as np

from reference.schedules import *  # noqa: F403
from reference.schedules import ExponentialDecay as _Reference

CALLS = []


class ExponentialDecay(_Reference):
    {declaration}

    def __call__(self, step):
        CALLS.append(np.ndim(step))
        value = super().__call__(step)
        if {lie} and np.ndim(step) == 0:
            value = float(np.nextafter(np.float32(value), np.float32(1)))
        return value
"""


@pytest.fixture
def recording(tmp_path, monkeypatch):
    """``recording_target(declared, lie)``: a package whose ExponentialDecay records the rank of
    every step it is called with; ``declared``: it declares LR_CONFORMANCE_ELEMENTWISE; ``lie``:
    one step at a time it gives the next float32 up."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(declared: bool, lie: bool = False):
        name = f"recording_{len(made)}"
        package = tmp_path / name
        package.mkdir()
        (package / "__init__.py").write_text("")
        declaration = "LR_CONFORMANCE_ELEMENTWISE = True" if declared else "pass"
        text = RECORDING.format(declaration=declaration, lie=lie)
        (package / "schedules.py").write_text(textwrap.dedent(text))
        made.append(name)
        return name

    yield make
    for name in [m for m in sys.modules if m.startswith("recording_")]:
        del sys.modules[name]


def test_the_scalar_path_calls_the_target_one_step_at_a_time(tmp_path, recording):
    name = recording(declared=False)
    argv = ["--target", name, "--case", "ExponentialDecay/ordinary", "--dtype", "float64"]
    status, report = _check(tmp_path, *argv, *VECTORS)
    assert status == 0
    calls = sys.modules[f"{name}.schedules"].CALLS
    scalar = [c for c in report["checks"] if c["path"] == "scalar"]
    assert scalar and all(c["target_calls"] == "per-step" for c in scalar)
    assert sum(c["steps_checked"] for c in scalar) == calls.count(0)
    assert report["metadata"]["target_calls"]["scalar"] == "one call per step"


def test_a_declared_target_is_called_on_the_array_and_held_to_it(tmp_path, recording):
    honest = recording(declared=True)
    argv = ["--case", "ExponentialDecay/ordinary", "--dtype", "float32", *VECTORS]
    status, report = _check(tmp_path, "--target", honest, *argv)
    assert status == 0
    assert {c["target_calls"] for c in report["checks"] if c["path"] == "scalar"} == {"array"}
    assert report["metadata"]["target_calls"]["scalar"].startswith("one call on its steps")

    liar = recording(declared=True, lie=True)
    status, report = _check(tmp_path, "--target", liar, *argv)
    assert status == 1
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert failed and all("declares LR_CONFORMANCE_ELEMENTWISE" in c["message"] for c in failed)
    # --per-step ignores the declaration: one step at a time, the liar is 1 ULP off TensorFlow.
    status, report = _check(tmp_path, "--target", liar, *argv, "--per-step", "--strict")
    assert status == 1
    assert {c["target_calls"] for c in report["checks"] if c["path"] == "scalar"} == {"per-step"}
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert failed and all(c["first_divergence"]["ulp"] == 1 for c in failed)


# -- narrowing the run -------------------------------------------------------------------------


def test_case_steps_entry_point_and_flavor_narrow_the_checks(tmp_path):
    _, whole = _check(tmp_path, "--api", "ExponentialDecay", *VECTORS, name="whole.json")
    status, report = _check(
        tmp_path, "--case", "ExponentialDecay/stair*", "--entry-point", "tf_keras", *VECTORS
    )
    assert status == 0
    assert {c["case"] for c in report["checks"]} == {
        c["case"] for c in whole["checks"] if c["case"].startswith("ExponentialDecay/stair")
    }
    assert {c["entry_point"] for c in report["checks"]} == {"tf_keras"}
    assert report["metadata"]["selection"]["cases"] == ["ExponentialDecay/stair*"]

    status, report = _check(tmp_path, "--api", "ExponentialDecay", "--steps", "10:20", *VECTORS)
    assert status == 0
    scalar = [c["steps_checked"] for c in report["checks"] if c["path"] == "scalar"]
    assert max(scalar) > 0 and all(n <= 10 for n in scalar)

    status, report = _check(
        tmp_path, "--api", "optimizers.Adam", "--flavor", "keras2", "--steps", ":3", *VECTORS
    )
    assert status == 0
    assert {c["entry_point"] for c in report["checks"]} == {"tf_keras"}
    # Updates 0, 1, 2 are stored: three rows compared per trajectory (none where both raise;
    # the bad-input catalogue's are one or two updates long).
    passed = [c for c in report["checks"] if c["status"] == "pass"]
    assert {c["steps_checked"] for c in passed if "/bad-input/" not in c["case"]} <= {0, 3}
    assert max(c.get("steps_checked", 0) for c in report["checks"]) == 3


@pytest.mark.parametrize(
    "argv, said",
    [
        (["--case", "NoSuchCase/at-all"], "no case of the catalogue has that id"),
        (["--steps", "20:10"], "--steps 20:10: no step s"),
        (["--steps", "a:b"], "expected A:B"),
        (["--max-ulp", "-1"], "a budget is 0 ULP or more"),
        (["--strict", "--max-ulp", "3"], "--strict is --max-ulp 0"),
    ],
)
def test_bad_narrowing_is_a_usage_error(argv, said, capsys):
    assert main(["check", "--api", "ExponentialDecay", *argv, *VECTORS]) == 2
    assert said in capsys.readouterr().err


def test_max_ulp_and_strict(tmp_path):
    # Rounded once, these two cases are at most 36 ULPs from TensorFlow's float32 arithmetic.
    cases = ("--case", "ExponentialDecay/seed000-staircase-per-batch", "ExponentialDecay/huge*")
    argv = ["--target", "rounded_once_target", *cases, "--dtype", "float32", *VECTORS]
    assert _check(tmp_path, *argv)[0] == 1
    assert _check(tmp_path, *argv, "--max-ulp", "8")[0] == 1
    status, report = _check(tmp_path, *argv, "--max-ulp", "40")
    assert status == 0 and report["metadata"]["selection"]["max_ulp"] == 40
    # The reference is TensorFlow's float32 arithmetic: not one bit differs.
    status, report = _check(tmp_path, *cases, "--dtype", "float32", "--strict", *VECTORS)
    assert status == 0 and report["metadata"]["selection"]["max_ulp"] == 0


# -- the contract ------------------------------------------------------------------------------


def test_the_minimal_target_is_the_contracts_and_passes(tmp_path):
    text = (ROOT / "docs" / "contract.md").read_text()
    blocks = dict(
        re.findall(
            r"```\{code-block\} python\n:caption: (minimal_target/\S+)\n\n(.*?)```", text, re.S
        )
    )
    files = {
        f"minimal_target/{p.name}": p.read_text()
        for p in sorted((TARGETS / "minimal_target").glob("*.py"))
    }
    assert blocks == files
    apis = ("compat_v1.inverse_time_decay", "compat_v1.GradientDescentOptimizer")
    status, report = _check(
        tmp_path, "--target", "minimal_target", "--api", *apis, "optimizers.Adam", *VECTORS
    )
    counted = [c for c in report["checks"] if "/bad-input/" not in c["case"]]
    assert status == 0, [c.get("message") for c in counted if c["status"] != "pass"]
    assert {row["verdict"] for row in report["rows"] if not row["bad_inputs"]} == {"pass"}
    # It does not check its inputs: its bad-input rows say so, and do not fail the run...
    bad = [row for row in report["rows"] if row["bad_inputs"]]
    assert bad and not any(row["counted"] for row in bad)
    unlike = sum(row["failed"] + row["errors"] for row in bad)
    assert unlike and report["totals"]["bad_inputs_unlike_tf"] == unlike
    assert {row["verdict"] for row in bad if row["failed"]} <= {
        f"unlike TF ({row['failed'] + row['errors']})" for row in bad
    }
    assert list(report["not_implemented"]) == ["optimizers.Adam"]
    statuses = {c["case"]: c["status"] for c in report["checks"]}
    assert statuses["compat_v1.GradientDescentOptimizer/sparse/plain"] == "pass"
    # Its learning rate is compat_v1.exponential_decay, which the target lacks.
    assert statuses["compat_v1.GradientDescentOptimizer/plain/lr-v1-decay"] == "not_implemented"
    assert report["totals"]["not_implemented"] == 2

    status, report = _check(
        tmp_path, "--target", "minimal_target", "--api", *apis, "--require-all", *VECTORS
    )
    assert status == 1 and report["passed"] is False
    # ... unless asked.
    status, report = _check(
        tmp_path,
        "--target",
        "minimal_target",
        "--case",
        "*/bad-input/*",
        "--api",
        *apis,
        "--require-bad-inputs",
        *VECTORS,
    )
    assert status == 1 and report["passed"] is False and report["require_bad_inputs"]
    assert all(row["counted"] and row["bad_inputs"] for row in report["rows"])


def test_a_target_without_indexed_slices_has_sparse_cases_not_implemented(tmp_path, monkeypatch):
    package = tmp_path / "dense_only"
    package.mkdir()
    for name in ("__init__.py", "compat_v1.py"):
        text = (TARGETS / "minimal_target" / name).read_text()
        text = text.replace("from minimal_target.optimizers import IndexedSlices", "")
        text = text.replace("isinstance(gradient, IndexedSlices)", "False")
        (package / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        argv = ["--target", "dense_only", "--case", "compat_v1.GradientDescentOptimizer/*"]
        status, report = _check(tmp_path, *argv, *VECTORS)
    finally:
        for name in [m for m in sys.modules if m.startswith("dense_only")]:
            del sys.modules[name]
    assert status == 0
    notes = {c["note"] for c in report["checks"] if c["status"] == "not_implemented"}
    assert (
        "dense_only.optimizers.IndexedSlices does not exist (the case's gradients are sparse)"
        in notes
    )


# -- wording ---------------------------------------------------------------------------------------


def test_the_target_that_did_not_raise_is_not_said_to_raise_none():
    gradients = Gradients(steps=3)
    from conformance.cases import optimizer_case

    case = optimizer_case("optimizers.Adam", "wording", {}, 0.1, gradients)
    ours = Trajectory(np.zeros((3, gradients.width)), 3)
    theirs = Trajectory(None, error="ValueError", message="nope")
    verdict = compare_trajectories(case, ours, theirs, dtype="float32", where="x", reproducer=[])
    assert verdict.detail == "TensorFlow raises ValueError (nope); the target returns a trajectory"


def test_wording_of_the_table(tmp_path, capsys):
    status, table = _table(
        capsys,
        "--target",
        "mutants.staircase_rounds",
        "--case",
        "ExponentialDecay/rate-zero-staircase",
        "--dtype",
        "float32",
        *VECTORS,
    )
    assert status == 1
    assert "2 failing checks" in table or "1 failing check\n" in table
    assert "-inf digits" not in table and "no digits agree" in table
    status, table = _table(
        capsys,
        "--target",
        "mutants.staircase_rounds",
        "--case",
        "ExponentialDecay/staircase",
        "--dtype",
        "float64",
        "--entry-point",
        "tf.keras",
        *VECTORS,
    )
    assert "1 failing check\n" in table
    assert "np.float64" not in table and "target 0.05 vs TensorFlow" in _words(table)


# -- output --------------------------------------------------------------------------------------


def test_the_table_fits_100_columns_and_lists_long_things_per_api(tmp_path, capsys):
    argv = ["--api", "ExponentialDecay", "optimizers.RMSprop", *VECTORS]
    status, table = _table(capsys, *argv)
    assert status == 0
    assert max(map(len, table.splitlines())) <= 100, table
    assert "--verbose lists every check" in table
    listed = [line for line in table.splitlines() if "|float32|vector" in line]
    assert not listed  # one line per API and reason, not one per check
    _, verbose = _table(capsys, *argv, "--verbose")
    assert [line for line in verbose.splitlines() if "|float32|vector" in line]

    # A failing run: everything but the reproducers' code within 100 columns too.
    status, table = _table(capsys, "--target", "mutants.staircase_rounds", *argv[:2], *VECTORS)
    assert status == 1
    prose, code = [], False
    for line in table.splitlines():
        if line.startswith("  Reproduce (paste into python):"):
            code = True
        elif code and line and not line.startswith("    "):
            code = False
        if not code:
            prose.append(line)
    assert max(map(len, prose)) <= 100


def test_vectors_cases_writes_to_a_file_or_a_pipe_not_a_terminal(tmp_path):
    program = [sys.executable, "-m", "conformance", "vectors", "cases", "--api", "ExponentialDecay"]
    leader, follower = pty.openpty()
    try:
        finished = subprocess.run(program, stdout=follower, stderr=subprocess.PIPE, timeout=300)
    finally:
        os.close(follower)
        os.close(leader)
    assert finished.returncode == 2
    assert b"give --output FILE" in finished.stderr
    piped = subprocess.run(program, capture_output=True, timeout=300)
    assert piped.returncode == 0 and json.loads(piped.stdout)["cases"]


def test_progress_counts_steps_by_phase_and_never_freezes(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(running.Progress, "PLAIN_INTERVAL", 0.2)
    monkeypatch.setattr(running.Progress, "TICK", 0.1)
    progress = running.Progress(stream, interactive=False)
    progress.phase("schedule checks", 2_000_000)
    progress.advance(500_000)
    time.sleep(0.8)  # nothing advances: the plain lines go on, with the clock
    progress.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 2
    assert all(
        line.startswith("lr-conformance: schedule checks  25% (500,000 of 2.00M steps)")
        for line in lines
    )

    terminal = io.StringIO()
    progress = running.Progress(terminal, interactive=True)
    progress.phase("optimizer checks", 100, "updates")
    progress.label("optimizers.Adam/x")
    time.sleep(1.2)  # the ticker redraws at least twice
    progress.close()
    frames = terminal.getvalue().split("\r")
    assert sum("optimizer checks" in frame for frame in frames) >= 3
    assert terminal.getvalue().endswith("\r")  # erased: the report starts on a clean line


# -- safe runs -----------------------------------------------------------------------------------

BUSY = """
from reference.schedules import *  # noqa: F403
from reference.schedules import ExponentialDecay as _Reference


class ExponentialDecay(_Reference):
    def __call__(self, step):
        while True:
            {body}
"""


@pytest.mark.parametrize(
    "body", ["pass", "import torch; torch.exp(torch.ones(100))"], ids=["python", "torch"]
)
def test_a_timed_out_target_exits_1(tmp_path, body):
    if "torch" in body:
        pytest.importorskip("torch", reason="torch is not installed")
    package = tmp_path / "busy_target"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "schedules.py").write_text(BUSY.format(body=body))
    argv = ["--target", "busy_target", "--case", "ExponentialDecay/ordinary", "--timeout", "1"]
    finished = subprocess.run(
        [sys.executable, "-m", "conformance", "check", *argv, *VECTORS],
        capture_output=True,
        text=True,
        timeout=600,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ["PYTHONPATH"]]),
        },
    )
    assert finished.returncode == 1, finished.stderr[-2000:]
    assert "timed out" in finished.stdout


def test_an_abandoned_call_is_stopped(tmp_path):
    def forever():
        while True:
            time.sleep(0.01)

    with pytest.raises(targets.TimedOut):
        targets.call_with_deadline(forever, 0.2)
    assert targets.abandoned() == []


# -- live TensorFlow ----------------------------------------------------------------------------

#: Cases of every kind of entry point and reproducer (Keras 3 and 2 schedules, tfa, compat.v1
#: eager and graph, Keras, legacy, tfa and TF1 optimizers, a schedule as learning rate, sparse
#: gradients, TensorFlow's SIMD kernels plugged in).
LIVE_CASES = (
    "ExponentialDecay/ordinary",
    "CyclicalLearningRate/constant-scale",
    "exponential_decay/seed001-continuous",
    "optimizers.Adam/defaults/lr-staircase",
    "optimizers.Adam/vector",
    "optimizers.legacy.Adam/sparse/defaults",
    "compat_v1.AdamOptimizer/*/lr-v1-decay",
    "compat_v1.GradientDescentOptimizer/sparse/plain",
    "addons.AdamW/weight-decay-1e-4",  # with tensorflow-addons installed
)


@needs_tensorflow
def test_reproducers_run_pasted_into_python_against_live_tensorflow(tmp_path):
    checks = []
    for target, *selection in [
        ("nudged_target", "--case", *LIVE_CASES),
        ("mutants.staircase_rounds", "--case", "ExponentialDecay/staircase"),
        ("mutants.schedule_read_late", "--case", "optimizers.legacy.Adam/defaults/lr-exponential"),
    ]:
        status, report = _check(tmp_path, "--target", target, *selection)
        assert status == 1
        checks += _failing_checks(report)
    paths = {(c["dtype"], c["path"]) for c in checks}
    assert ("float32", "vector") in paths and ("float32", "trajectory") in paths
    _assert_reproduced(checks)


@needs_tensorflow
def test_a_step_passed_by_hand_is_reproduced_as_passed_live(tmp_path):
    _step_by_hand_reproduced(tmp_path)


@needs_tensorflow
def test_standard_error_is_quiet(tmp_path):
    argv = ["--case", "ExponentialDecay/ordinary", "optimizers.legacy.Adam/kwarg-lr*"]
    finished = subprocess.run(
        [sys.executable, "-m", "conformance", "check", *argv],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert finished.returncode == 0, finished.stderr
    noise = [
        line for line in finished.stderr.splitlines() if not line.startswith("lr-conformance: ")
    ]
    assert noise == []
    assert max(map(len, finished.stdout.splitlines())) <= 100


@needs_tensorflow
def test_a_keras_backend_other_than_tensorflow_is_refused():
    oracle = tensorflow()
    assert oracle.versions()["keras backend"] == "tensorflow"
    if oracle.keras_major < 3:
        pytest.skip("Keras 2 as tf.keras has no other backend")
    finished = subprocess.run(
        [sys.executable, "-m", "conformance", "check", "--api", "ExponentialDecay"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "KERAS_BACKEND": "jax"},
    )
    assert finished.returncode == 2
    assert "Keras 3's jax backend" in finished.stderr


@pytest.mark.parametrize("tf_version", ["2.15.1", "2.21.0"])
def test_the_whole_catalogues_table_fits_100_columns_however_it_fails(tmp_path, tf_version):
    # Every row of the whole catalogue's table, each failing as widely as it can: a four-digit
    # failure count, bad inputs counted (FAIL) and not (unlike TF), on TF 2.15's entry points
    # (compat.v1 graph and eager, tf.keras, tfa) and 2.21's.
    from conformance.cases import CASES, OPTIMIZER_CASES
    from conformance.check import plan
    from conformance.report import ERROR, Report, Result, render_table

    _, small = _check(tmp_path, "--api", "ExponentialDecay", "--against", "vectors")
    checks = plan(running.load_oracle("vectors", tf_version), (*CASES, *OPTIMIZER_CASES))
    results = [Result(c, ERROR, note="raised") for c in checks]
    row_firsts = {(r.check.case.api, r.check.entry.key, r.check.bad_input): r for r in results}
    results += [result for result in row_firsts.values() for _ in range(999)]
    for require_bad_inputs in (False, True):
        report = Report(results, {}, small["metadata"], require_bad_inputs=require_bad_inputs)
        table = render_table(report)
        lines = table.splitlines()
        assert max(map(len, lines)) <= 100, max(lines, key=len)
        assert any(line.startswith("    bad inputs  ") for line in lines)
        assert "compat_v1.graph" in table
        verdict = "FAIL (" if require_bad_inputs else "unlike TF ("
        assert any(line.endswith(")") and verdict in line for line in lines)

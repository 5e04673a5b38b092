"""``python -m conformance check``: exit statuses, the report's counts, a reproducible JSON.

The failing run uses ``floored_target``, whose ExponentialDecay floors the
exponent whatever ``staircase`` says: its staircase cases must pass and its continuous cases must
fail, which is what the report has to say.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conformance.__main__ import main
from conformance.cases import Case, cases
from conformance.check import Check
from conformance.compare import Verdict
from conformance.oracles import EntryPoint
from conformance.oracles.tensorflow import tensorflow
from conformance.report import FAIL, NOT_APPLICABLE, PASS, Report, Result, render_table

# Tests of the harness's own verdicts: against the newest TensorFlow by default, against
# Keras 2's TF too in `tox -e complete-tf215-tfa` (tests/conftest.py, marker 'harness').
pytestmark = pytest.mark.harness

API = "schedules.ExponentialDecay"
WRONG_TARGET = "floored_target"

needs_tensorflow = pytest.mark.skipif(tensorflow() is None, reason="TensorFlow is not installed")


def _json_run(tmp_path, name: str, *options: str) -> tuple[int, dict, bytes]:
    output = tmp_path / name
    status = main(["check", "--api", API, "--report", "json", "--output", str(output), *options])
    data = output.read_bytes()
    return status, json.loads(data), data


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check", "--against", "pytorch"],
        ["check", "--api", "NoSuchSchedule"],
        ["check", "--target", "no_such_package_anywhere"],
        ["check", "--dtype", "float16"],
        ["check", "--report", "html"],
    ],
    ids=["no-command", "unknown-oracle", "unknown-api", "missing-target", "dtype", "report"],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error" in err
    assert len(err.strip().splitlines()) == 1, err  # one line, not argparse's usage block


def test_against_names_tf_or_vectors(capsys):
    assert main(["check", "--against", "pytorch"]) == 2
    error = capsys.readouterr().err
    assert "unknown oracle 'pytorch': tf, vectors, vectors:SET or one of keras-jax" in error
    assert len(error.strip().splitlines()) == 1


def test_missing_tensorflow_exits_2():
    # A None entry in sys.modules makes ``import tensorflow`` raise ImportError.
    program = (
        "import sys; sys.modules['tensorflow'] = None\n"
        "from conformance.__main__ import main\n"
        f"sys.exit(main(['check', '--api', {API!r}]))\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 2, finished.stderr
    assert "TensorFlow is not installed" in finished.stderr


@needs_tensorflow
def test_reference_passes_and_exits_0(tmp_path):
    status, report, _ = _json_run(tmp_path, "reference.json")
    assert status == 0
    assert report["passed"] is True
    statuses = {check["status"] for check in report["checks"]}
    assert statuses <= {PASS, NOT_APPLICABLE}
    # Every case of the API is planned on every entry point and mode.
    planned = {check["case"] for check in report["checks"]}
    assert planned == {case.id for case in cases(API)}
    assert report["totals"]["steps_verified"] == sum(
        check["steps_checked"] for check in report["checks"] if check["status"] == PASS
    )
    assert report["metadata"]["target"]["name"] == "reference"


@needs_tensorflow
def test_wrong_target_fails_exactly_where_it_is_wrong(tmp_path, capsys):
    status, report, _ = _json_run(tmp_path, "wrong.json", "--target", WRONG_TARGET)
    assert status == 1
    assert report["passed"] is False
    by_case: dict[str, set[str]] = {}
    for check in report["checks"]:
        by_case.setdefault(check["case"], set()).add(check["status"])
    for case in cases(API):
        if case.params.get("staircase"):
            # Flooring is what staircase does: these checks cannot tell the targets apart.
            assert by_case[case.id] == {PASS}, case.id
    assert FAIL in by_case["ExponentialDecay/ordinary"]
    assert FAIL in by_case["ExponentialDecay/slow-decay-million-steps"]

    # The table names the first divergence and gives the reproducer.
    assert main(["check", "--api", API, "--target", WRONG_TARGET, "--dtype", "float32"]) == 1
    table = capsys.readouterr().out
    assert "FAIL (" in table
    assert "first divergence at step 1:" in table
    assert "digits agree" in table
    assert f"{WRONG_TARGET}.schedules.ExponentialDecay(" in table
    assert "tf.keras.optimizers.schedules.ExponentialDecay(" in table


@needs_tensorflow
def test_json_report_is_byte_identical_across_runs(tmp_path):
    # One run in a fresh process (nothing cached), one in this process.
    fresh = tmp_path / "fresh.json"
    argv = ["check", "--api", API, "--report", "json", "--output", str(fresh)]
    finished = subprocess.run(
        [sys.executable, "-m", "conformance", *argv],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    status, _, here = _json_run(tmp_path, "here.json")
    assert status == 0
    assert fresh.read_bytes() == here
    assert b"wall_time" not in here


@needs_tensorflow
def test_short_api_name_and_markdown(tmp_path):
    output = tmp_path / "report.md"
    argv = ["check", "--api", "ExponentialDecay", "--dtype", "float64", "--report", "markdown"]
    assert main([*argv, "--output", str(output)]) == 0
    text = output.read_text()
    assert "| API | entry point |" in text
    assert f"| `{API}` | tf.keras |" in text


def _result(case: Case, status: str, steps: int = 0) -> Result:
    entry = EntryPoint("tf.keras", "tf.keras (Keras x)", "keras3")
    check = Check(case, entry, "float32", "vector")
    if status == NOT_APPLICABLE:
        return Result(check, status, note="covered by the scalar path")
    verdict = Verdict(case, check.where, passed=status == PASS, steps_checked=steps)
    verdict.bit_exact = steps
    return Result(check, status, verdict)


def test_not_applicable_is_counted_and_listed_not_passed():
    case = cases(API)[0]
    report = Report(
        results=[_result(case, PASS, steps=10), _result(case, NOT_APPLICABLE)],
        unavailable={},
        metadata={
            "lr_conformance": {"version": "0", "git_commit": None},
            "target": {"name": "reference", "version": "0"},
            "oracle": {"versions": {"tensorflow": "0"}},
            "float32_kernels": {"scalar": "a", "vector": "b"},
            "numpy": "0",
            "python": "3",
            "platform": "p",
            "selection": {"apis": [API], "dtype": "float32"},
        },
    )
    assert report.count(PASS) == 1 and report.count(NOT_APPLICABLE) == 1
    assert report.steps_verified == 10
    table = render_table(report)
    assert "1 passed, 0 failed, 0 errors, 1 not applicable" in table
    assert "Not applicable (1 check; --verbose lists every check):" in table
    assert "schedules.ExponentialDecay: 1 check: covered by the scalar path" in table

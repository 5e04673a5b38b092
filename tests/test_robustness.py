"""A target that misbehaves is reported, the run goes on, the report is written.

Each target here is a small package written to a temporary directory: the reference with one
schedule that raises, returns nan, returns the wrong shape or type, or never returns; one that
leaves APIs out. The checks run against live TensorFlow on ExponentialDecay (float64 mode: one
scalar-path check per case and entry point, enough to see every behaviour) beside
InverseTimeDecay, which every one of these targets takes unchanged from the reference.
Also here: JUnit XML, byte-identical JSON for a failing target, and ``plot``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree

import pytest

from conformance.__main__ import main
from conformance.oracles.tensorflow import tensorflow

# Tests of the harness's own verdicts: against the newest TensorFlow by default, against
# Keras 2's TF too in `tox -e complete-tf215-tfa` (tests/conftest.py, marker 'harness').
pytestmark = pytest.mark.harness

needs_tensorflow = pytest.mark.skipif(tensorflow() is None, reason="TensorFlow is not installed")

BROKEN = "schedules.ExponentialDecay"
SIBLING = "schedules.InverseTimeDecay"

#: name -> the body of ``ExponentialDecay.__call__(self, step)`` in that target.
MISBEHAVIOURS = {
    "raises": "raise RuntimeError('port not finished')",
    "returns_nan": "return np.full(np.shape(step), np.nan)",
    "wrong_shape": "return np.zeros(3)",
    "wrong_type": "return np.array(['0.1'] * np.size(step))",
    "returns_none": "return None",
    "hangs": "time.sleep(3600)",
}

SCHEDULES_TEMPLATE = """
import time

import numpy as np

from reference.schedules import *  # noqa: F403
from reference.schedules import ExponentialDecay as _Reference


class ExponentialDecay(_Reference):
    def __call__(self, step):
        {body}
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Writes the targets and puts their directory on sys.path (children inherit it through
    PYTHONPATH in the subprocess tests)."""
    root = tmp_path_factory.mktemp("targets")
    for name, body in MISBEHAVIOURS.items():
        package = root / f"robust_{name}"
        package.mkdir()
        (package / "__init__.py").write_text("")
        (package / "schedules.py").write_text(SCHEDULES_TEMPLATE.format(body=body))
    partial = root / "robust_partial"
    partial.mkdir()
    (partial / "__init__.py").write_text("")
    (partial / "schedules.py").write_text(
        "from reference.schedules import ExponentialDecay, InverseTimeDecay  # noqa: F401\n"
    )
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))


def _report(tmp_path, target: str, *options: str, apis=(BROKEN, SIBLING)) -> tuple[int, dict]:
    output = tmp_path / f"{target}.json"
    argv = ["check", "--target", target, "--api", *apis, "--dtype", "float64"]
    status = main([*argv, *options, "--report", "json", "--output", str(output)])
    return status, json.loads(output.read_text())


def _row_verdicts(report: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in report["rows"]:
        if not row["bad_inputs"]:  # rows of their own, not counted (tests/test_verdict.py)
            found.setdefault(row["api"], set()).add(row["verdict"])
    return found


def _notes(report: dict, api: str) -> list[str]:
    return [c.get("message") or c.get("note") for c in report["checks"] if c["api"] == api]


@needs_tensorflow
@pytest.mark.parametrize(
    "name, expected",
    [
        ("raises", ["TensorFlow returns values; the target raises RuntimeError at call"]),
        ("returns_nan", ["first step outside the float64 bound: step 0: target nan vs "]),
        ("wrong_shape", ["the target returned shape (3,) for one step"]),
        # The scalar path calls the target one step at a time: the values of one call.
        ("wrong_type", ["the target returned <U3 values ('0.1'), not real numbers (one call "]),
        ("returns_none", ["the target returned object values (None), not real numbers"]),
    ],
)
def test_misbehaving_target_fails_that_api_and_the_run_goes_on(packages, tmp_path, name, expected):
    status, report = _report(tmp_path, f"robust_{name}")
    assert status == 1
    verdicts = _row_verdicts(report)
    assert all(v.startswith("FAIL") for v in verdicts[BROKEN])
    assert verdicts[SIBLING] == {"pass"}
    notes = _notes(report, BROKEN)
    # Cases where TensorFlow itself raises at construction are still compared (and pass
    # where the target raises the same); every other check names the misbehaviour.
    assert any(all(part in note for part in expected) for note in notes), notes[:3]
    assert not any(c["status"] == "error" for c in report["checks"])


@needs_tensorflow
def test_hanging_target_is_abandoned_at_its_deadline(packages, tmp_path):
    status, report = _report(tmp_path, "robust_hangs", "--timeout", "1")
    assert status == 1
    broken = [c for c in report["checks"] if c["api"] == BROKEN]
    timed_out = [c for c in broken if c["note"].startswith("timed out: ")]
    # The first call that hangs times out; the API's other checks are not run (each would
    # hang for the whole timeout) and say which check timed out.
    assert len(timed_out) == 1
    assert "did not return within 1 s" in timed_out[0]["note"]
    rest = [c for c in broken if c is not timed_out[0] and c["status"] != "pass"]
    assert all(c["note"] == f"not run: {timed_out[0]['id']} timed out earlier" for c in rest)
    assert _row_verdicts(report)[SIBLING] == {"pass"}


@needs_tensorflow
def test_missing_apis_are_not_implemented_unless_required(packages, tmp_path):
    apis = (BROKEN, "schedules.PolynomialDecay", "optimizers.Adam", "compat_v1.exponential_decay")
    status, report = _report(tmp_path, "robust_partial", apis=apis)
    assert status == 0
    assert report["passed"] is True
    assert sorted(report["not_implemented"]) == sorted(apis[1:])
    assert report["not_implemented"]["optimizers.Adam"] == (
        "robust_partial.optimizers.Adam does not exist"
    )
    assert {c["api"] for c in report["checks"]} == {BROKEN}

    status, report = _report(tmp_path, "robust_partial", "--require-all", apis=apis)
    assert status == 1
    assert report["passed"] is False and report["require_all"] is True

    # Nothing implemented at all: still a report, not a usage error.
    status, report = _report(tmp_path, "robust_partial", apis=("schedules.CosineDecay",))
    assert (
        status == 0
        and report["checks"] == []
        and list(report["not_implemented"]) == ["schedules.CosineDecay"]
    )


@needs_tensorflow
def test_not_implemented_in_the_table(packages, capsys):
    argv = ["check", "--target", "robust_partial", "--api", "PolynomialDecay", BROKEN]
    assert main([*argv, "--dtype", "float64"]) == 0
    table = " ".join(capsys.readouterr().out.split())  # the table wraps at 100 columns
    assert (
        "schedules.PolynomialDecay: not implemented by the target (robust_partial."
        "schedules.PolynomialDecay does not exist; not a failure)"
    ) in table
    assert "1 API not implemented" in table


@needs_tensorflow
def test_failing_run_gives_byte_identical_json(packages, tmp_path):
    first = tmp_path / "first.json"
    argv = [
        "check",
        "--target",
        "robust_raises",
        "--api",
        BROKEN,
        "--dtype",
        "float64",
        "--report",
        "json",
    ]
    finished = subprocess.run(
        [sys.executable, "-m", "conformance", *argv, "--output", str(first)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(packages)},
    )
    assert finished.returncode == 1, finished.stderr
    second = tmp_path / "second.json"
    assert main([*argv, "--output", str(second)]) == 1
    assert first.read_bytes() == second.read_bytes()


@needs_tensorflow
def test_junit_has_one_testcase_per_check(packages, tmp_path):
    output = tmp_path / "report.xml"
    argv = [
        "check",
        "--target",
        "robust_partial",
        "--api",
        BROKEN,
        "PolynomialDecay",
        "--dtype",
        "float64",
        "--report",
        "junit",
        "--output",
        str(output),
    ]
    assert main(argv) == 0
    _, report = _report(tmp_path, "robust_partial", apis=(BROKEN, "PolynomialDecay"))
    root = ElementTree.parse(output).getroot()
    assert root.tag == "testsuites"
    testcases = root.findall("./testsuite/testcase")
    # One per check, plus one for the API that is not implemented (skipped).
    assert len(testcases) == len(report["checks"]) + 1
    assert int(root.get("tests")) == len(testcases)
    assert root.get("failures") == "0" and root.get("errors") == "0"
    missing = root.find("./testsuite[@name='not implemented by the target']/testcase/skipped")
    assert "schedules.PolynomialDecay: not implemented" in missing.get("message")

    # A failing target: failures carry the first divergence and the reproducer.
    assert main([*argv[:2], "robust_returns_nan", *argv[3:]]) == 1
    root = ElementTree.parse(output).getroot()
    failures = root.findall("./testsuite/testcase/failure")
    assert failures and int(root.get("failures")) == len(failures)
    assert any("Reproduce (Python):" in (f.text or "") for f in failures)


def test_plot_without_matplotlib_is_a_clear_usage_error(tmp_path):
    output = str(tmp_path / "x.png")
    program = textwrap.dedent(
        f"""
        import sys
        sys.modules['matplotlib'] = None
        from conformance.__main__ import main
        sys.exit(main(['plot', '--api', 'ExponentialDecay', '--output', {output!r}]))
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 2
    assert "plot needs matplotlib" in finished.stderr


@needs_tensorflow
@pytest.mark.parametrize(
    "target, api, case",
    [
        ("mutants.polynomial_no_step0_guard", "PolynomialDecay", "cycle"),
        ("reference", "optimizers.RMSprop", None),
    ],
)
def test_plot_writes_a_png(tmp_path, target, api, case, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "plot.png"
    argv = ["plot", "--target", target, "--api", api, "--output", str(output)]
    if case:
        argv += ["--case", case]
    assert main(argv) == 0
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    said = capsys.readouterr().out
    # The mutant's nan at step 0 is infinitely far; the reference's RMSprop is bit-exact.
    assert ("worst inf ULP" in said) if case else ("worst 0 ULP" in said)

"""Deliberately wrong ports (``tests/targets/mutants``) are rejected: ``python -m conformance
check`` exits 1, names the broken API as failing, fails it exactly where it is wrong, and passes a
sibling API of the same target, against live TensorFlow and against the golden vectors (no
TensorFlow needed; their optimizer trajectories hold a sample of the updates, which still shows
every mutant: a wrong update carries forward in the optimizer's state).

The runs go through :func:`conformance.__main__.main` in this process (the command line's own
code; TensorFlow's trajectories are computed once for all mutants); one runs as a real
``python -m conformance`` subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

from conformance.__main__ import main
from conformance.cases import LearningRateSpec, cases, optimizer_cases
from conformance.oracles.tensorflow import tensorflow

# Tests of the harness's own verdicts: against the newest TensorFlow by default, against
# Keras 2's TF too in `tox -e complete-tf215-tfa` (tests/conftest.py, marker 'harness').
pytestmark = pytest.mark.harness

needs_tensorflow = pytest.mark.skipif(tensorflow() is None, reason="TensorFlow is not installed")

PACKAGE = "mutants"


@dataclass(frozen=True)
class Mutant:
    name: str
    #: The API it breaks, and one of the same target that it leaves alone.
    broken: str
    sibling: str
    #: Case ids of the broken API that must still pass (where the bug does not show).
    unaffected: frozenset[str] = frozenset()

    @property
    def target(self) -> str:
        return f"{PACKAGE}.{self.name}"


MUTANTS = [
    Mutant("boundary_off_by_one", "schedules.PiecewiseConstantDecay", "schedules.InverseTimeDecay"),
    Mutant(
        "staircase_rounds",
        "schedules.ExponentialDecay",
        "schedules.InverseTimeDecay",
        # Rounding and flooring differ only with staircase=True.
        frozenset(
            c.id for c in cases("schedules.ExponentialDecay") if not c.params.get("staircase")
        ),
    ),
    Mutant(
        "polynomial_no_step0_guard",
        "schedules.PolynomialDecay",
        "schedules.InverseTimeDecay",
        # Without cycling there is no guard to forget, and a case without step 0 cannot see it.
        frozenset(
            c.id
            for c in cases("schedules.PolynomialDecay")
            if not c.params.get("cycle") or 0 not in c.steps
        ),
    ),
    Mutant(
        "schedule_read_late",
        "optimizers.legacy.Adam",
        "optimizers.legacy.RMSprop",
        # A constant learning rate reads the same one step late (legacy ``decay`` is not one).
        frozenset(
            c.id
            for c in optimizer_cases("optimizers.legacy.Adam")
            if not isinstance(c.learning_rate, LearningRateSpec) and not c.params.get("decay")
        ),
    ),
    Mutant(
        "adam_epsilon_standard",
        "optimizers.Adam",
        "optimizers.RMSprop",
        # epsilon = 0 makes both forms one; adaptive_epsilon is tf_keras's own standard form.
        frozenset(
            c.id
            for c in optimizer_cases("optimizers.Adam")
            if c.params.get("epsilon") == 0.0 or c.params.get("adaptive_epsilon")
        ),
    ),
    Mutant("rmsprop_mean_square_ones", "optimizers.RMSprop", "optimizers.Adam"),
]


def _sampled(*names: str) -> list:
    """Every mutant, those not named marked ``complete``: a mutant's check runs its own
    trajectories (a target's runs are never cached: about a minute per optimizer mutant), so the
    default run takes a sample and ``tox -e complete[-tfNNN]`` the others."""
    return [
        pytest.param(m, id=m.name, marks=[] if m.name in names else [pytest.mark.complete])
        for m in MUTANTS
    ]


def _run(tmp_path, target: str, *apis: str, extra: tuple[str, ...] = ("--dtype", "float32")):
    output = tmp_path / "report.json"
    argv = ["check", "--target", target, "--api", *apis, *extra]
    status = main([*argv, "--report", "json", "--output", str(output)])
    return status, json.loads(output.read_text())


def _statuses_by_case(report: dict, api: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for check in report["checks"]:
        if check["api"] == api:
            found.setdefault(check["case"], set()).add(check["status"])
    return found


@needs_tensorflow
@pytest.mark.parametrize("mutant", _sampled("boundary_off_by_one", "schedule_read_late"))
def test_mutant_is_rejected_with_the_right_api_named(mutant, tmp_path):
    _assert_rejected(mutant, *_run(tmp_path, mutant.target, mutant.broken, mutant.sibling))


@pytest.mark.parametrize("mutant", _sampled("staircase_rounds", "polynomial_no_step0_guard"))
def test_mutant_is_rejected_against_the_golden_vectors(mutant, tmp_path):
    extra = ("--against", "vectors")
    status, report = _run(tmp_path, mutant.target, mutant.broken, mutant.sibling, extra=extra)
    assert report["metadata"]["oracle"]["against"] == "vectors"
    _assert_rejected(mutant, status, report)


def _assert_rejected(mutant: Mutant, status: int, report: dict) -> None:
    assert status == 1
    assert report["passed"] is False
    assert report["not_implemented"] == {}
    # Their answers to bad inputs are rows of their own, not counted (tests/test_verdict.py).
    verdicts = {
        (row["api"], row["entry_point"]): row["verdict"]
        for row in report["rows"]
        if not row["bad_inputs"]
    }
    broken = {key: v for key, v in verdicts.items() if key[0] == mutant.broken}
    sibling = {key: v for key, v in verdicts.items() if key[0] == mutant.sibling}
    assert broken and all(v.startswith("FAIL") for v in broken.values()), broken
    assert sibling and set(sibling.values()) == {"pass"}, sibling
    by_case = _statuses_by_case(report, mutant.broken)
    for case_id, statuses in by_case.items():
        if case_id in mutant.unaffected:
            assert "fail" not in statuses and "error" not in statuses, case_id
    caught = {case_id for case_id, statuses in by_case.items() if "fail" in statuses}
    assert caught and not caught & mutant.unaffected
    assert not any(c["status"] == "error" for c in report["checks"]), [
        c["note"] for c in report["checks"] if c["status"] == "error"
    ]


@needs_tensorflow
def test_mutant_messages_point_at_the_bug(tmp_path, capsys):
    # The boundary mutant: PiecewiseConstantDecay(boundaries=[10, 20], ...) differs at step 10.
    target = f"{PACKAGE}.boundary_off_by_one"
    argv = ["check", "--target", target, "--api", "PiecewiseConstantDecay", "--dtype", "float32"]
    assert main(argv) == 1
    table = capsys.readouterr().out
    assert "PiecewiseConstantDecay/ordinary] on tf.keras" in table
    assert "first divergence at step 10: target 0.5" in table
    # The missing guard: nan at step 0.
    _, report = _run(tmp_path, f"{PACKAGE}.polynomial_no_step0_guard", "PolynomialDecay")
    cycle = [c for c in report["checks"] if c["case"] == "PolynomialDecay/cycle"]
    assert cycle and all("first divergence at step 0: target nan" in c["message"] for c in cycle)


@needs_tensorflow
def test_mutant_through_the_real_command_line(tmp_path):
    output = tmp_path / "staircase.json"
    argv = [
        "check",
        "--target",
        f"{PACKAGE}.staircase_rounds",
        "--api",
        "ExponentialDecay",
        "--dtype",
        "float64",
        "--report",
        "json",
        "--output",
        str(output),
    ]
    finished = subprocess.run(
        [sys.executable, "-m", "conformance", *argv], capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 1, finished.stderr
    report = json.loads(output.read_text())
    failing = {row["api"] for row in report["rows"] if row["verdict"].startswith("FAIL")}
    assert failing == {"schedules.ExponentialDecay"}

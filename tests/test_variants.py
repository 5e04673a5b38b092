"""Variants (conformance.variants): the variant oracle is right, and a verdict names the variant.

The variant oracle is an independent float64 implementation of each optimizer's formula with
the variant's switches. With TensorFlow's own switches it must give the reference's float64
trajectory (the derivation check); a switch that cannot matter (the momentum buffer's learning
rate under a constant rate) must not change it; one that can must. Then, against live
TensorFlow: a target declaring its variant conforms to it and is told how far it is from
TensorFlow, a target declaring a variant it does not implement fails, and a class attribute
declares as well as the command line.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import numpy as np
import pytest

import reference
from conformance import variants
from conformance.__main__ import main
from conformance.cases import OPTIMIZER_CASES, LearningRateSpec
from conformance.oracles.tensorflow import tensorflow
from conformance.targets import Target

# Tests of the harness's own verdicts: against the newest TensorFlow by default, against
# Keras 2's TF too in `tox -e complete-tf215-tfa` (tests/conftest.py, marker 'harness').
pytestmark = pytest.mark.harness

needs_tensorflow = pytest.mark.skipif(tensorflow() is None, reason="TensorFlow is not installed")

#: Short trajectories: the formula is what is checked, not the long run.
STEPS = 150


def _flavors(api: str) -> tuple[str, ...]:
    if api.startswith("optimizers.legacy."):
        return ("legacy",)
    if api.startswith("compat_v1."):
        return ("compat_v1",)
    return ("keras3", "keras2")


def _dense_cases():
    found = []
    for case in OPTIMIZER_CASES:
        if (
            variants.unmodelled(case) is not None  # sparse, options, AdamW, callables
            or "invalid" in case.tags  # argument handling, not the formula
            or "bad-input" in case.tags  # likewise (docs/bad_inputs.md)
        ):
            continue
        short = replace(case, gradients=replace(case.gradients, steps=STEPS))
        for flavor in _flavors(case.api):
            if case.flavors is not None and flavor not in case.flavors:
                continue
            if case.params.get("adaptive_epsilon") and flavor != "keras2":
                continue
            found.append((short, flavor))
    return found


DENSE = _dense_cases()


def _relative(ours: np.ndarray, theirs: np.ndarray) -> float:
    both_nan = np.isnan(ours) & np.isnan(theirs)
    scale = np.max(np.where(np.isfinite(theirs), np.abs(theirs), 0.0), axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    with np.errstate(all="ignore"):
        error = np.where(both_nan, 0.0, np.abs(ours - theirs) / scale)
    return float(np.max(np.where(np.isnan(error), np.inf, error)))


@pytest.mark.parametrize("case, flavor", DENSE, ids=[f"{c.id}|{f}" for c, f in DENSE])
def test_variant_oracle_with_tensorflows_choices_is_the_reference(case, flavor):
    ours = variants.variant_trajectory(case, flavor, {})
    theirs = Target("reference", reference).trajectory(case, flavor, "float64")
    assert theirs.error is None, theirs.message
    # Both are float64 evaluations of one formula, in different orders.
    assert _relative(ours, theirs.params) < 1e-10


def _one(api: str, label: str, flavor: str):
    for case, found_flavor in DENSE:
        if case.api == api and case.id.endswith(label) and found_flavor == flavor:
            return case
    raise LookupError(api, label)


def test_momentum_learning_rate_outside_matters_only_when_the_rate_changes():
    outside = {"rmsprop-momentum-lr": "outside"}
    constant = _one("optimizers.RMSprop", "momentum/lr-float", "keras3")
    decaying = _one("optimizers.RMSprop", "momentum/lr-exponential", "keras3")
    assert isinstance(decaying.learning_rate, LearningRateSpec)
    for case, same in ((constant, True), (decaying, False)):
        tf_form = variants.variant_trajectory(case, "keras3", {})
        variant = variants.variant_trajectory(case, "keras3", outside)
        assert (_relative(variant, tf_form) < 1e-12) is same


@pytest.mark.parametrize(
    "api, label, flavor, declared",
    [
        ("optimizers.Adam", "defaults/lr-float", "keras3", {"adam-epsilon": "standard"}),
        ("optimizers.RMSprop", "defaults/lr-float", "keras3", {"rmsprop-epsilon": "outside"}),
        ("optimizers.RMSprop", "defaults/lr-float", "keras3", {"rmsprop-init": "ones"}),
        ("compat_v1.RMSPropOptimizer", "defaults/lr-float", "compat_v1", {"rmsprop-init": "zeros"}),
        ("optimizers.legacy.RMSprop", "defaults/lr-float", "legacy", {"rmsprop-epsilon": "inside"}),
    ],
)
def test_each_variant_changes_the_trajectory(api, label, flavor, declared):
    case = _one(api, label, flavor)
    assert variants.differences(case, flavor, declared) == declared
    tf_form = variants.variant_trajectory(case, flavor, {})
    variant = variants.variant_trajectory(case, flavor, declared)
    assert _relative(variant, tf_form) > 1e-3


def test_tensorflows_own_choice_is_no_difference():
    keras = _one("optimizers.RMSprop", "defaults/lr-float", "keras3")
    v1 = _one("compat_v1.RMSPropOptimizer", "defaults/lr-float", "compat_v1")
    legacy_plain = _one("optimizers.legacy.RMSprop", "defaults/lr-float", "legacy")
    assert variants.differences(keras, "keras3", {"rmsprop-init": "zeros"}) == {}
    assert variants.differences(v1, "compat_v1", {"rmsprop-init": "ones"}) == {}
    assert variants.differences(legacy_plain, "legacy", {"rmsprop-epsilon": "outside"}) == {}
    # No momentum, no buffer: where the learning rate sits cannot matter.
    assert variants.differences(keras, "keras3", {"rmsprop-momentum-lr": "outside"}) == {}


@pytest.mark.parametrize(
    "argv",
    [
        ["--variant", "adam-epsilon"],
        ["--variant", "adam-epsilon=paper"],
        ["--variant", "sgd-nesterov=on"],
    ],
)
def test_unknown_variant_is_a_usage_error(argv, capsys):
    assert main(["check", "--api", "optimizers.Adam", *argv]) == 2
    assert "known variants: adam-epsilon=hat|standard" in capsys.readouterr().err


def _run(tmp_path, target: str, api: str, *options: str) -> tuple[int, dict]:
    output = tmp_path / "report.json"
    argv = ["check", "--target", target, "--api", api, "--dtype", "float32", *options]
    status = main([*argv, "--report", "json", "--output", str(output)])
    return status, json.loads(output.read_text())


@needs_tensorflow
def test_declared_variant_conforms_and_the_distance_from_tf_is_stated(tmp_path, capsys):
    target = "mutants.adam_epsilon_standard"
    # One entry point: the others run the same formula again (a minute of a target's runs).
    options = ("--variant", "adam-epsilon=standard", "--entry-point", "tf.keras")
    status, report = _run(tmp_path, target, "optimizers.Adam", *options)
    assert status == 0, [c.get("message") for c in report["checks"] if c["status"] != "pass"]
    assert report["metadata"]["selection"]["variants"] == {"adam-epsilon": "standard"}
    # No variant formula changes TensorFlow's answer to a bad input: those rows are n/a.
    for row in (row for row in report["rows"] if not row["bad_inputs"]):
        assert row["verdict"].startswith("pass, variant adam-epsilon=standard (TF differs by ")
        # The paper's form is far from TensorFlow's where epsilon matters (tiny gradients).
        assert row["variant_differs_from_tf"] > 1e-2
    held = [c for c in report["checks"] if c.get("variant")]
    assert held and all(
        c["message"].startswith("conforms to variant adam-epsilon=standard (its exact formula is ")
        for c in held
    )
    # With epsilon = 0 the two forms are one formula: the variant is checked (a float32 port of
    # the paper's form need not round as TensorFlow does), and its distance from TensorFlow is
    # only TensorFlow's own float32 rounding (float32 betas alone: 1.5e-5 of each update).
    same = [
        c
        for c in report["checks"]
        if "epsilon-zero" in c["case"] and "/bad-input/" not in c["case"]  # no variant there
    ]
    assert same and all(c["variant_differs_from_tf"] < 1e-3 for c in same)


@needs_tensorflow
def test_declaring_a_variant_one_does_not_implement_fails(tmp_path):
    status, report = _run(
        tmp_path, "reference", "optimizers.Adam", "--variant", "adam-epsilon=standard"
    )
    assert status == 1
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert failed and all(
        c["message"].startswith("does not conform to variant adam-epsilon=standard") for c in failed
    )


@needs_tensorflow
def test_class_attribute_declares_the_variant(tmp_path, monkeypatch):
    package = tmp_path / "declared_ones"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "optimizers.py").write_text(
        "from mutants.rmsprop_mean_square_ones import optimizers\n"
        "IndexedSlices = optimizers.IndexedSlices\n"
        "class RMSprop(optimizers.RMSprop):\n"
        "    LR_CONFORMANCE_VARIANTS = {'rmsprop-init': 'ones'}\n"
    )
    (package / "schedules.py").write_text("from reference.schedules import *  # noqa: F403\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        status, report = _run(
            tmp_path, "declared_ones", "optimizers.RMSprop", "--entry-point", "tf.keras"
        )
    finally:
        for name in [m for m in sys.modules if m.startswith("declared_ones")]:
            del sys.modules[name]
    assert status == 0, [c.get("message") for c in report["checks"] if c["status"] != "pass"]
    valid = [row for row in report["rows"] if not row["bad_inputs"]]
    assert {row["variant"] for row in valid} == {"rmsprop-init=ones"}

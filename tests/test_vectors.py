"""The golden vectors: their values round-trip exactly, their manifest and schema guard them,
they hold every case of the catalogue, and ``check --against vectors`` and ``compare --results``
give verdicts from them with no TensorFlow.

Expected values here are the stored ones (exported from live TensorFlow) or derived in the test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conformance import registry
from conformance.__main__ import main
from conformance.cases import CASES, Case, optimizer_cases, steps_of
from conformance.check import plan
from conformance.oracles.vectors import Vectors, shipped
from conformance.vectors import format as vf

TF_VERSIONS, TFA_SETS = shipped()
SETS = [f"tf-{v}" for v in TF_VERSIONS] + TFA_SETS
API = "schedules.ExponentialDecay"
OPTIMIZER_API = "compat_v1.AdamOptimizer"


def _files(name: str) -> list[Path]:
    return sorted(p for p in (vf.ROOT / name).glob("*.json") if p.name != vf.MANIFEST)


# -- values ------------------------------------------------------------------------------------


def test_float32_values_round_trip_through_json_doubles():
    rng = np.random.default_rng(4)
    bits = rng.integers(0, 2**32, 200_000, dtype=np.uint64).astype(np.uint32)
    edges = np.array(
        [
            0.0,
            -0.0,
            0.1,
            1.0,
            2.0**24 + 2,
            3.4028235e38,
            -3.4028235e38,
            1.1754944e-38,
            1e-45,
            2.0**-149,
            np.inf,
            -np.inf,
            np.nan,
        ],
        np.float32,
    )
    values = np.concatenate([bits.view(np.float32), edges])
    decoded = vf.decode_values(json.loads(vf.dumps(vf.encode_values(values))), "float32")
    same = decoded.view(np.uint32) == values.view(np.uint32)
    assert (same | (np.isnan(decoded) & np.isnan(values))).all()


def test_float32_text_is_the_shortest_round_trip_decimal():
    # Derivation: a decimal with fewer significant digits that reads back as the same float32
    # would make the written one not the shortest; check against every shorter rounding.
    rng = np.random.default_rng(5)
    values = rng.uniform(-10, 10, 2000).astype(np.float32) * np.float32(10.0) ** rng.integers(
        -30, 30, 2000
    ).astype(np.float32)
    for value, text in zip(values, vf.encode_values(values)):
        if not np.isfinite(value):
            continue
        digits = len(str(text).lower().split("e")[0].replace("-", "").replace(".", "").strip("0"))
        shorter = f"{float(value):.{max(digits - 2, 0)}e}"
        assert np.float32(float(text)) == value
        assert digits == 1 or np.float32(float(shorter)) != value


def test_float64_values_round_trip():
    rng = np.random.default_rng(6)
    values = rng.standard_normal(10_000) * 10.0 ** rng.integers(-300, 300, 10_000)
    decoded = vf.decode_values(json.loads(vf.dumps(vf.encode_values(values))), "float64")
    assert np.array_equal(decoded, values)


def test_params_round_trip():
    from conformance.cases import Expr

    params = {
        "a": 0.1,
        "b": np.float64(0.1),
        "c": [1, 2.5],
        "d": Expr("lambda x: 1 / x"),
        "e": None,
        "f": True,
        "g": "name",
        "h": float("inf"),
        "i": (1, 2),
    }
    back = vf.decode_params(json.loads(vf.dumps(vf.encode_params(params))))
    assert vf.same_params(back, params)
    assert type(back["b"]) is np.float64 and back["d"] == params["d"]
    assert not vf.same_params({"a": np.float64(0.1)}, {"a": 0.1})


@pytest.mark.parametrize("name", SETS)
def test_stored_text_is_what_the_encoder_writes(name):
    """Every stored number is the shortest decimal of its dtype: read as a double, it gives the
    same text back (float32: through float32)."""
    for path in _files(name):
        document = json.loads(path.read_text(encoding="utf-8"), parse_float=str)
        for case in document["cases"]:
            for record, items in _stored_values(document, case):
                for item in items:
                    if not isinstance(item, str) or item in ("nan", "inf", "-inf"):
                        continue
                    if record["dtype"] == "float32":
                        assert vf.float32_text(float(item)) == item, (path.name, item)
                    else:
                        assert repr(float(item)) == item, (path.name, item)


def _stored_values(document: dict, case: dict):
    """``(record, values)`` for every list of stored values of a case: a schedule's paths, or
    an optimizer's parameter rows."""
    for result in case["results"].values():
        if document.get("kind") == "optimizer":
            for row in result.get("params", []):
                yield result, row
        else:
            for record in result.values():
                yield record, record.get("values", [])


# -- the step subset ---------------------------------------------------------------------------


def test_stored_steps_follow_the_rule():
    for case in CASES:
        sampled = case.sampled().steps
        stored = vf.stored_steps(case)
        assert np.all(np.diff(stored) > 0) and np.isin(stored, sampled).all(), case.id
        assert len(stored) <= vf.STORED_STEPS, case.id
        if len(sampled) <= vf.STORED_STEPS:
            assert np.array_equal(stored, sampled), case.id
            continue
        assert np.isin(sampled[: vf.FIRST_STEPS], stored).all(), case.id
        assert np.isin(sampled[sampled >= 2**24 - 1], stored).all(), case.id
        key = np.intersect1d(sampled, case.key_steps)
        if len(key) <= vf.KEY_STEPS:
            assert np.isin(key, stored).all(), case.id


def test_stored_steps_of_a_long_case():
    """Derivation for one case: 0..999 and boundary 500's neighbours give the first 32 steps,
    499-501, 2**31 - 1, and evenly spaced steps up to 96 in all, the last step included."""
    case = Case(
        "X/long",
        API,
        {},
        steps_of(range(1000), [499, 500, 501, 2**31 - 1]),
        key_steps=steps_of([499, 500, 501, 2**31 - 1]),
    )
    stored = vf.stored_steps(case)
    assert len(stored) == vf.STORED_STEPS
    assert list(stored[:32]) == list(range(32))
    assert {499, 500, 501, 999, 2**31 - 1} <= set(stored.tolist())


# -- shipped sets ------------------------------------------------------------------------------


def test_vectors_for_every_tensorflow_of_the_matrix():
    minors = {".".join(v.split(".")[:2]) for v in TF_VERSIONS}
    assert minors == set(registry.TENSORFLOW_VERSIONS), TF_VERSIONS
    tfa_minors = {".".join(name.rsplit("-tf-", 1)[1].split(".")[:2]) for name in TFA_SETS}
    assert tfa_minors == set(registry.TENSORFLOW_ADDONS_VERSIONS), TFA_SETS


@pytest.mark.parametrize("name", SETS)
def test_manifest_and_schema_hold(name):
    table = vf.verify_manifest(vf.ROOT / name)
    assert sorted(table) == [p.name for p in _files(name)]
    for path in _files(name):
        vf.read_vector_file(path)


@pytest.mark.parametrize("version", TF_VERSIONS)
def test_vectors_hold_every_catalogue_case(version):
    """The vectors are the catalogue's: every API (tfa APIs in the tfa set), every case that
    applies to an entry point, with the catalogue's arguments. Fails after a catalogue change
    until the vectors are re-exported."""
    oracle = Vectors(version)
    for api in registry.names("schedules"):
        assert oracle.entry_points(api), oracle.missing_reason(api)
        stored = {c.id: c for c in oracle.stored_cases(api)}
        expected = [c for c in CASES if c.api == api and plan(oracle, [c])]
        assert sorted(stored) == sorted(c.id for c in expected), api
        for case in expected:
            assert vf.same_params(stored[case.id].params, case.params), case.id
            assert np.array_equal(stored[case.id].steps, vf.stored_steps(case)), case.id
    tf_files = {p.stem for p in _files(f"tf-{version}")}
    schedules = {
        a for a in registry.names("schedules") if registry.get(a).origin.vector_set == "tf"
    }
    optimizers = {a for a in oracle.optimizer_apis() if registry.get(a).origin.vector_set == "tf"}
    assert tf_files == schedules | optimizers


@pytest.mark.parametrize("version", TF_VERSIONS)
def test_vectors_hold_every_optimizer_case(version):
    """Every optimizer API TensorFlow has (the legacy Keras optimizers only where Keras 2 or
    tf_keras is there), every case of the catalogue that applies to an entry point, with the
    catalogue's arguments and gradients (whose sha256 the generator here reproduces)."""
    oracle = Vectors(version)
    held = oracle.optimizer_apis()
    assert set(held) >= set(registry.names("optimizer")) - {
        "optimizers.legacy.Adam",
        "optimizers.legacy.RMSprop",
    }, held
    for api in held:
        stored = {c.id: c for c in oracle.stored_cases(api)}
        expected = [c for c in optimizer_cases(api) if plan(oracle, [c])]
        assert sorted(stored) == sorted(c.id for c in expected), api
        for case in expected:
            assert vf.same_params(stored[case.id].params, case.params), case.id
            assert stored[case.id].gradients == case.gradients, case.id
            for check in plan(oracle, [case]):
                if check.dtype == "float32":
                    trajectory = oracle.trajectory(case, check.entry)
                    assert trajectory.error or np.array_equal(
                        trajectory.rows, vf.stored_updates(case.gradients.steps)
                    ), case.id


def test_stored_updates_follow_the_rule():
    updates = vf.stored_updates(1000)
    assert list(updates[: vf.FIRST_UPDATES]) == list(range(vf.FIRST_UPDATES))
    assert len(updates) == vf.STORED_UPDATES and updates[-1] == 999
    assert np.all(np.diff(updates) > 0)
    assert list(vf.stored_updates(5)) == [0, 1, 2, 3, 4]


def test_gradient_digest_is_over_the_documented_bytes():
    """SCHEMA.md: sha256 of the little-endian float64 initial parameters, then the gradients
    (sparse: int64 indices, then float64 values), derived here with hashlib directly."""
    import hashlib

    for case in (
        optimizer_cases("optimizers.Adam")[0],
        next(c for c in optimizer_cases() if "sparse" in c.tags),
    ):
        arrays = vf.gradient_arrays(case.gradients)
        digest = hashlib.sha256(
            b"".join(a.astype(a.dtype.newbyteorder("<")).tobytes() for a in arrays.values())
        ).hexdigest()
        assert vf.encode_gradients(case.gradients)["sha256"] == digest
        assert list(arrays)[0] == "initial_params"


# -- guarded files -----------------------------------------------------------------------------


@pytest.fixture
def copied_set(tmp_path) -> Path:
    name = f"tf-{TF_VERSIONS[-1]}"
    shutil.copytree(vf.ROOT / name, tmp_path / name)
    return tmp_path / name


def test_verify_passes_on_the_shipped_vectors(capsys):
    assert main(["vectors", "verify"]) == 0
    assert "manifest and schema ok" in capsys.readouterr().out


def test_a_changed_file_fails_its_manifest(copied_set, capsys):
    path = copied_set / f"{API}.json"
    path.write_text(path.read_text().replace("0.1", "0.2", 1))
    assert main(["vectors", "verify", "--root", str(copied_set.parent)]) == 2
    error = capsys.readouterr().err
    assert f"{API}.json" in error and "sha256" in error and "MANIFEST.json" in error
    with pytest.raises(vf.VectorError, match="sha256"):
        Vectors(root=copied_set.parent)


def test_an_unlisted_file_fails(copied_set, capsys):
    (copied_set / "schedules.Extra.json").write_text("{}")
    assert main(["vectors", "verify", "--root", str(copied_set.parent)]) == 2
    assert "missing from MANIFEST.json: schedules.Extra.json" in capsys.readouterr().err


def _break(document: dict, how: str) -> str:
    case = document["cases"][0]
    if how == "missing-steps":
        del case["steps"]
        return "$.cases[0]: missing key 'steps'"
    if how == "bad-value":
        case["results"]["tf.keras"]["scalar"]["values"][3] = "0.1x"
        return "$.cases[0].results.tf.keras.scalar.values[3]"
    if how == "short-values":
        case["results"]["tf.keras"]["scalar"]["values"].pop()
        return "$.cases[0].results.tf.keras.scalar.values"
    if how == "schema-2":
        document["schema"] = 2
        return "$.schema: is 2"
    if how == "unsorted-steps":
        case["steps"][0], case["steps"][1] = case["steps"][1], case["steps"][0]
        return "strictly increasing"
    if how == "optimizer-short-row":
        first = next(iter(case["results"].values()))
        first["params"][2].pop()
        return "values (one per parameter)"
    if how == "optimizer-missing-row":
        first = next(iter(case["results"].values()))
        first["params"].pop()
        return "rows (one per update)"
    if how == "optimizer-update-beyond":
        case["updates"][-1] = case["gradients"]["steps"]
        return "must increase strictly within the gradient steps"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "missing-steps",
        "bad-value",
        "short-values",
        "schema-2",
        "unsorted-steps",
        "optimizer-short-row",
        "optimizer-missing-row",
        "optimizer-update-beyond",
    ],
)
def test_a_schema_violation_is_a_clear_error(copied_set, capsys, how):
    path = copied_set / f"{OPTIMIZER_API if how.startswith('optimizer') else API}.json"
    document = json.loads(path.read_text())
    problem = _break(document, how)
    path.write_text(json.dumps(document))
    vf.write_manifest(copied_set)  # the manifest agrees: the schema must catch it
    assert main(["vectors", "verify", "--root", str(copied_set.parent)]) == 2
    error = capsys.readouterr().err
    assert f"{path.name}" in error and problem in error, error


# -- check and compare against the vectors -----------------------------------------------------


#: The versions the catalogue's quick sample (``check --part sample``) is checked against by
#: default: the oldest, the last with tensorflow-addons' own set beside it, the newest;
#: ``--complete`` (tox -e complete): the whole catalogue against every version.
SAMPLED_VERSIONS = {
    TF_VERSIONS[0],
    *[v for v in TF_VERSIONS if tuple(int(p) for p in v.split(".")[:2]) < (2, 16)][-1:],
    TF_VERSIONS[-1],
}


@pytest.mark.parametrize(
    ("version", "part"),
    [
        *[(v, "sample") for v in TF_VERSIONS if v in SAMPLED_VERSIONS],
        *[pytest.param(v, "all", marks=pytest.mark.complete) for v in TF_VERSIONS],
    ],
)
def test_check_reference_against_vectors_exits_0(version, part, tmp_path):
    output = tmp_path / "report.json"
    status = main(
        [
            "check",
            "--against",
            "vectors",
            "--tf-version",
            version,
            "--part",
            part,
            "--report",
            "json",
            "--output",
            str(output),
        ]
    )
    report = json.loads(output.read_text())
    failed = [c["id"] for c in report["checks"] if c["status"] in ("fail", "error")]
    assert status == 0 and not failed, failed[:5]
    assert report["metadata"]["oracle"]["versions"]["golden vectors"] == f"tf-{version}"
    assert report["totals"]["passed"] > 0
    # Every API is checked (the tfa ones from the tfa set), but the legacy Keras optimizers
    # where neither Keras 2 nor tf_keras was there to export them.
    legacy = {"optimizers.legacy.Adam", "optimizers.legacy.RMSprop"}
    assert set(report["unavailable"]) <= legacy, report["unavailable"]
    checked = {row["api"] for row in report["rows"]}
    assert checked >= set(registry.names()) - legacy
    assert report["metadata"]["selection"]["whole_catalogue"] == (part == "all")


def test_wrong_target_fails_against_vectors(capsys):
    assert (
        main(
            [
                "check",
                "--against",
                "vectors",
                "--api",
                API,
                "--target",
                "floored_target",
            ]
        )
        == 1
    )
    assert "ExponentialDecay/ordinary" in capsys.readouterr().out


def test_unknown_tf_version_is_a_usage_error(capsys):
    assert main(["check", "--against", "vectors", "--tf-version", "1.0"]) == 2
    assert "no golden vectors for TensorFlow 1.0" in capsys.readouterr().err
    assert main(["check", "--tf-version", TF_VERSIONS[-1]]) == 2


def test_cases_command_lists_the_stored_cases(tmp_path):
    output = tmp_path / "cases.json"
    assert main(["vectors", "cases", "--api", "ExponentialDecay", "--output", str(output)]) == 0
    listed = json.loads(output.read_text())
    stored = Vectors().stored_cases(API)
    assert [c["case"] for c in listed["cases"]] == [c.id for c in stored]
    assert all(c["steps"] == s.steps.tolist() for c, s in zip(listed["cases"], stored))


def test_cases_command_lists_an_optimizers_numbers(tmp_path):
    """An optimizer case comes with the numbers a port feeds its optimizer: they are the
    generator's, whose sha256 the vector file holds (derived again here with hashlib)."""
    import hashlib

    output = tmp_path / "cases.json"
    assert main(["vectors", "cases", "--api", OPTIMIZER_API, "--output", str(output)]) == 0
    listed = json.loads(output.read_text())["cases"]
    stored = json.loads((vf.ROOT / f"tf-{TF_VERSIONS[-1]}" / f"{OPTIMIZER_API}.json").read_text())[
        "cases"
    ]
    assert [c["case"] for c in listed] == [c["id"] for c in stored]
    for item, record in zip(listed, stored):
        assert item["kind"] == "optimizer" and item["updates"] == record["updates"]
        if record["gradients"]["kind"] == "explicit":
            # Written out (the bad-input catalogue): the digest is of their text.
            written = [*item["initial"], *item["explicit_gradients"]]
            digest = hashlib.sha256(vf.dumps(written).encode()).hexdigest()
            assert digest == record["gradients"]["sha256"], item["case"]
            continue
        initial = np.asarray(item["initial_params"], dtype="<f8")
        if record["gradients"]["kind"] == "sparse":
            indices = np.asarray(item["indices"], dtype="<i8")
            values = np.asarray(item["values"], dtype="<f8")
            assert len(indices) == len(values) == record["gradients"]["steps"]
            fed = indices.tobytes() + values.tobytes()
        else:
            gradients = np.asarray(item["gradients"], dtype="<f8")
            assert gradients.shape == (record["gradients"]["steps"], sum(item["shapes"]))
            fed = gradients.tobytes()
        digest = hashlib.sha256(initial.tobytes() + fed).hexdigest()
        assert digest == record["gradients"]["sha256"], item["case"]


OPTIMIZER_RESULT_APIS = ("compat_v1.AdamOptimizer", "optimizers.RMSprop")


def _reference_results(tmp_path_factory, *apis: str) -> Path:
    """A results file the reference writes for ``apis`` (the worked example of a port)."""
    path = tmp_path_factory.mktemp("results") / "results.json"
    assert (
        main(["vectors", "results", "--target", "reference", "--api", *apis, "--output", str(path)])
        == 0
    )
    return path


@pytest.fixture(scope="module")
def optimizer_results(tmp_path_factory) -> Path:
    return _reference_results(tmp_path_factory, *OPTIMIZER_RESULT_APIS)


def test_compare_reference_optimizer_results_exits_0(optimizer_results, tmp_path):
    report_path = tmp_path / "compare.json"
    assert (
        main(
            [
                "compare",
                "--results",
                str(optimizer_results),
                "--report",
                "json",
                "--output",
                str(report_path),
            ]
        )
        == 0
    )
    compared = json.loads(report_path.read_text())
    assert {row["api"] for row in compared["rows"]} == set(OPTIMIZER_RESULT_APIS)
    assert compared["totals"]["passed"] > 0 and compared["totals"]["failed"] == 0


def test_compare_a_tampered_trajectory_exits_1_naming_api_and_update(
    optimizer_results, tmp_path, capsys
):
    document = json.loads(optimizer_results.read_text())
    entry = next(
        r
        for r in document["results"]
        if r["case"].startswith("compat_v1.AdamOptimizer/")
        and r["dtype"] == "float32"
        and "params" in r
    )
    updates = vf.stored_updates(1000)
    row = int(np.flatnonzero(updates > 100)[0])
    entry["params"][row][0] = float(
        np.nextafter(np.float32(entry["params"][row][0]), np.float32(9))
    )
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    assert main(["compare", "--results", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "FAILED compat_v1.AdamOptimizer" in out
    assert f"first divergence after update {updates[row] + 1} (step {updates[row]})" in out


@pytest.fixture(scope="module")
def reference_results(tmp_path_factory) -> Path:
    return _reference_results(tmp_path_factory, "ExponentialDecay", "compat_v1.exponential_decay")


def test_compare_reference_results_exits_0(reference_results, tmp_path):
    report_path = tmp_path / "compare.json"
    assert (
        main(
            [
                "compare",
                "--results",
                str(reference_results),
                "--report",
                "json",
                "--output",
                str(report_path),
            ]
        )
        == 0
    )
    compared = json.loads(report_path.read_text())
    check_path = tmp_path / "check.json"
    assert (
        main(
            [
                "check",
                "--against",
                "vectors",
                "--api",
                "ExponentialDecay",
                "compat_v1.exponential_decay",
                "--report",
                "json",
                "--output",
                str(check_path),
            ]
        )
        == 0
    )
    checked = json.loads(check_path.read_text())
    # The same checks, the same verdicts: compare's scalar-path checks are check's.
    scalar = {c["id"]: c["status"] for c in checked["checks"] if c["path"] == "scalar"}
    assert {c["id"]: c["status"] for c in compared["checks"]} == scalar
    assert compared["totals"]["steps_verified"] == sum(
        c.get("steps_checked", 0)  # none on a documented difference (not applicable)
        for c in checked["checks"]
        if c["path"] == "scalar"
    )
    assert "schedules.CosineDecay" in compared["not_implemented"]


def test_compare_a_tampered_result_exits_1_naming_api_and_step(reference_results, tmp_path, capsys):
    document = json.loads(reference_results.read_text())
    entry = next(
        r
        for r in document["results"]
        if r["case"] == "ExponentialDecay/ordinary" and r["dtype"] == "float32"
    )
    index = entry["steps"].index(20)
    entry["values"][index] = float(
        np.nextafter(np.nextafter(np.float32(entry["values"][index]), np.float32(1)), np.float32(1))
    )
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    assert main(["compare", "--results", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "FAILED schedules.ExponentialDecay" in out
    assert "[ExponentialDecay/ordinary]" in out and "first divergence at step 20" in out


def test_compare_a_subset_of_steps_in_any_order(reference_results, tmp_path):
    """A port may answer some of the stored steps, in its own order: each value is compared
    with TensorFlow's at its own step (a wrong pairing fails: the two values are swapped)."""
    document = json.loads(reference_results.read_text())
    entry = next(
        r
        for r in document["results"]
        if r["case"] == "ExponentialDecay/ordinary" and r["dtype"] == "float32"
    )
    chosen = [entry["steps"].index(s) for s in (2000, 5, 20)]
    entry["steps"] = [entry["steps"][i] for i in chosen]
    entry["values"] = [entry["values"][i] for i in chosen]
    subset = tmp_path / "subset.json"
    subset.write_text(json.dumps(document))
    assert main(["compare", "--results", str(subset), "--api", "ExponentialDecay"]) == 0
    entry["values"][1], entry["values"][2] = entry["values"][2], entry["values"][1]
    subset.write_text(json.dumps(document))
    assert main(["compare", "--results", str(subset), "--api", "ExponentialDecay"]) == 1


def test_compare_a_missing_case_is_an_error(reference_results, tmp_path, capsys):
    document = json.loads(reference_results.read_text())
    document["results"] = [
        r for r in document["results"] if r["case"] != "ExponentialDecay/staircase"
    ]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(document))
    assert main(["compare", "--results", str(partial)]) == 1
    assert "no float32 scalar-path result for case 'ExponentialDecay/staircase'" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    "results, problem",
    [
        (
            {
                "schema": 1,
                "target": {"name": "x"},
                "results": [{"case": "Nope", "dtype": "float32", "values": [1.0]}],
            },
            "no case 'Nope'",
        ),
        (
            {
                "schema": 1,
                "target": {"name": "x"},
                "results": [{"case": "ExponentialDecay/ordinary", "dtype": "float16"}],
            },
            "$.results[0].dtype",
        ),
        ({"schema": 1, "results": []}, "missing key 'target'"),
    ],
    ids=["unknown-case", "bad-dtype", "no-target"],
)
def test_compare_a_bad_results_file_exits_2(results, problem, tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(results))
    assert main(["compare", "--results", str(path)]) == 2
    assert problem in capsys.readouterr().err

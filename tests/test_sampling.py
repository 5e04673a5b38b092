"""The suite's quick sample (``pytest --pyargs conformance --part sample``) and its rest: the
default test command runs the sample in each environment and CI the rest, so together they must
be every check once, and the sample must reach every API, entry point and dtype."""

from __future__ import annotations

import json

import pytest

from conformance import run
from conformance.__main__ import main
from conformance.cases import CASES, OPTIMIZER_CASES
from conformance.check import PARTS, part, plan


@pytest.fixture(scope="module")
def checks():
    return plan(run.load_oracle("vectors", None), (*CASES, *OPTIMIZER_CASES))


def test_sample_and_rest_are_every_check_once(checks):
    sample, rest = part(checks, "sample"), part(checks, "rest")
    ids = [c.id for c in checks]
    assert sorted(c.id for c in sample + rest) == sorted(ids)
    assert not {c.id for c in sample} & {c.id for c in rest}
    assert [c.id for c in part(checks, "all")] == ids
    # The rest is what takes the time: optimizer trajectories of valid inputs only.
    assert rest and all(c.is_optimizer and not c.bad_input for c in rest)


def test_sample_reaches_every_api_entry_point_and_dtype(checks):
    def groups(selected):
        return {(c.case.api, c.entry.key, c.dtype, c.path, c.bad_input) for c in selected}

    assert groups(part(checks, "sample")) == groups(checks)


def test_sample_takes_a_case_on_every_entry_point_or_none(checks):
    # Chosen by the case's id (besides the first of each group), so that a sampled case is
    # compared on each entry point that has it: the sample is a set of cases, not of checks.
    sampled = {c.id for c in part(checks, "sample")}
    first_of_group, seen = set(), set()
    for c in checks:
        group = (c.case.api, c.entry.key, c.dtype)
        if c.is_optimizer and not c.bad_input and group not in seen:
            seen.add(group)
            first_of_group.add(c.id)
    by_case: dict[str, set[bool]] = {}
    for c in checks:
        if c.is_optimizer and not c.bad_input and c.id not in first_of_group:
            by_case.setdefault(c.case.id, set()).add(c.id in sampled)
    assert by_case and all(len(states) == 1 for states in by_case.values())
    share = sum(states == {True} for states in by_case.values()) / len(by_case)
    assert 0.05 < share < 0.25, share  # about one case in eight


def test_an_unknown_part_is_refused(checks):
    assert PARTS == ("all", "sample", "rest")
    with pytest.raises(ValueError, match="part must be one of all, sample, rest"):
        part(checks, "most")


def test_the_command_line_takes_the_same_parts(tmp_path):
    # `check --part` selects as the suite's --part does, among the checks the other options
    # select, and the report says so.
    def checked(which: str) -> tuple[set[str], dict]:
        output = tmp_path / f"{which}.json"
        argv = ["check", "--against", "vectors", "--api", "compat_v1.RMSPropOptimizer"]
        status = main([*argv, "--part", which, "--report", "json", "--output", str(output)])
        report = json.loads(output.read_text())
        assert status == 0, which
        return {c["id"] for c in report["checks"]}, report["metadata"]["selection"]

    everything, selection = checked("all")
    assert "part" not in selection
    sample, selection = checked("sample")
    assert selection["part"] == "sample" and not selection["whole_catalogue"]
    rest, _ = checked("rest")
    assert sample and rest and not sample & rest and sample | rest == everything

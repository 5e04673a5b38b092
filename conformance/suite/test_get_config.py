"""``get_config()`` of the target's schedules equals TensorFlow's, per entry point (live
TensorFlow only: the golden vectors hold no configs)."""

from __future__ import annotations

import pytest

from conformance.cases import CASES
from conformance.pytest_plugin import oracle_of


def _config_cases(oracle):
    found, seen = [], set()
    for case in CASES:
        if not case.api.startswith("schedules.") or case.tags & {"invalid", "int"}:
            continue
        for entry in oracle.entry_points(case.api):
            if (case.api, entry.key) not in seen:
                seen.add((case.api, entry.key))
                found.append((case, entry))
    return found


def pytest_generate_tests(metafunc) -> None:
    if "case" in metafunc.fixturenames:
        found = oracle_of(metafunc.config)
        pairs = _config_cases(found) if found is not None and found.against == "tf" else []
        ids = [f"{c.api}|{e.key}" for c, e in pairs]
        metafunc.parametrize("case, entry", pairs, ids=ids)


def test_get_config_matches_tensorflow(case, entry, oracle, target):
    missing = target.missing(case.api)
    if missing is not None:
        pytest.skip(f"not implemented: {missing}")
    tf_config = oracle.build(case, entry).get_config()
    ours = target.schedule_factory(case, "float64", entry.flavor)().get_config()

    # A callable (tfa's scale_fn) is compared by presence: two functions are never equal.
    def comparable(config):
        return {k: ("<callable>" if callable(v) else v) for k, v in config.items()}

    assert comparable(ours) == comparable(tf_config), (
        f"{case.api} get_config() differs from {entry.label}'s"
    )

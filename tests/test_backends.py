"""Keras 3 backends as oracles (conformance/oracles/keras3.py), the oracle-against-oracle diff
(conformance/oracle_diff.py) and the "Versions and backends" page (conformance/versions_table.py).

The diff and the page read vector sets only: they run everywhere. The live backends run where
keras and the backend are installed (tox -e keras-jax, keras-torch, keras-numpy); elsewhere those
tests skip with the reason. Every expected value is derived in the test: staircase exponents of
0.5 (exact powers of two in any pow kernel), a subnormal product computed by numpy.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from conformance import registry
from conformance.cases import schedule_case
from conformance.oracle_diff import CaseDiff, compare_values, diff, summarize
from conformance.oracles.vectors import Vectors, _common_steps
from conformance.vectors import format as vf
from conformance.versions_table import columns, markdown, table


def _installed(*packages: str) -> bool:
    return all(importlib.util.find_spec(p) is not None for p in packages)


def needs(backend: str):
    packages = {"jax": ("keras", "jax"), "torch": ("keras", "torch"), "numpy": ("keras",)}
    return pytest.mark.skipif(
        not _installed(*packages[backend]),
        reason=f"keras 3 on {backend} is not installed (tox -e keras-{backend})",
    )


@pytest.fixture(scope="module")
def oracles():
    from conformance.oracles.keras3 import keras3

    started = {}

    def get(backend: str):
        if backend not in started:
            started[backend] = keras3(f"keras-{backend}")
        return started[backend]

    yield get
    for oracle in started.values():
        oracle.close()


# -- the diff, on vector sets --------------------------------------------------------------------


def test_a_set_against_itself_is_identical_everywhere():
    newest = Vectors()
    apis = ["schedules.ExponentialDecay", "optimizers.RMSprop"]
    planned, diffs = diff(newest, Vectors(), apis)
    summaries = summarize(planned, diffs)
    assert {s.api for s in summaries} == set(apis)
    assert all(s.status == "identical" and s.values > 0 for s in summaries), summaries


def test_compare_values_counts_ulps_and_finds_the_first_difference():
    one = np.float32(1.0)
    above = np.nextafter(one, np.float32(2), dtype=np.float32)  # 1 ULP above
    three_above = np.float32(1.0) + np.float32(3) * np.float32(2.0**-23)  # 3 ULPs above
    a = np.array([one, above, three_above], np.float32)
    b = np.array([one, one, one], np.float32)
    found = compare_values(CaseDiff("c", "api", frozenset(), "k", "vector"), np.arange(3), a, b)
    assert (found.values, found.identical, found.worst_ulp) == (3, 1, 3)
    assert found.step == 1 and found.ulp == 1


def test_common_steps_is_the_sorted_intersection():
    rng = np.random.default_rng(5)
    for _ in range(500):
        steps = np.unique(rng.integers(0, 60, rng.integers(0, 40)))
        if rng.random() < 0.3:
            steps = rng.permutation(steps)
        stored = np.unique(rng.integers(0, 60, rng.integers(0, 40)))
        assert np.array_equal(_common_steps(steps, stored), np.intersect1d(steps, stored))


def test_diff_command_on_vectors_prints_a_table_within_100_columns():
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "diff", "--oracle", "vectors:2.15"]
        + ["--oracle", "vectors:2.21", "--api", "ExponentialDecay"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # 2.15's Keras 2 accepts decay_steps=0
    lines = result.stdout.splitlines()
    assert any(line.startswith("schedules.ExponentialDecay") for line in lines)
    assert max(len(line) for line in lines) <= 100


# -- the page ------------------------------------------------------------------------------------


CELL = re.compile(
    r"^(identical|baseline|missing|no set|not compared"
    r"|(differs: [\d,.e+inf]+ ULP at [<\d.]+ %)?(; )?(raises \(\d+ cases?\))?)$"
)


@pytest.fixture(scope="module")
def page_table():
    return table()


def test_versions_page_has_every_cell_filled(page_table):
    chosen, cells = page_table
    assert [c.title for c in chosen][-3:] == ["jax", "torch", "numpy"]
    assert set(cells) == set(registry.names())
    for api, row in cells.items():
        assert set(row) == {c.name for c in chosen}, api
        for name, cell in row.items():
            assert cell.text and CELL.match(cell.text), (api, name, cell.text)
    page = markdown(computed=page_table)
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert len(rows) == len(registry.names())
    assert all(line.count("|") == len(chosen) + 2 for line in rows)
    # Every link of a cell leads to its first difference.
    for anchor in re.findall(r'<a href="#([^"]+)">', page):
        assert f'<span id="{anchor}"></span>' in page


def test_every_column_has_its_set_shipped(page_table):
    for column in columns():
        assert (vf.ROOT / column.name / vf.MANIFEST).is_file(), column.name
    _, cells = page_table
    assert not [api for api, row in cells.items() if "no set" in {c.text for c in row.values()}]


# -- live backends -------------------------------------------------------------------------------


def _staircase(decay_steps: float):
    """ExponentialDecay with rate 0.5 on steps 8, 9, 10: 0.5 ** floor(step / decay_steps)."""
    params = dict(
        initial_learning_rate=1.0, decay_steps=decay_steps, decay_rate=0.5, staircase=True
    )
    return schedule_case("schedules.ExponentialDecay", "probe", params, [8, 9, 10])


@needs("jax")
def test_xla_divides_by_a_scalar_through_its_reciprocal(oracles):
    oracle = oracles("jax")
    (entry,) = oracle.entry_points("schedules.ExponentialDecay")
    # IEEE: 9 / 0.3f = 29.999998 -> floor 29; XLA: 9 * fl(1 / 0.3f) = 30.0 -> floor 30.
    assert np.float32(9) / np.float32(0.3) < 30
    assert np.float32(9) * (np.float32(1) / np.float32(0.3)) == 30
    for path in ("vector", "scalar"):
        values = oracle.evaluate(_staircase(0.3), entry, path).values
        assert values.tolist() == [2.0**-26, 2.0**-30, 2.0**-33], path


@needs("numpy")
def test_numpy_divides_as_ieee(oracles):
    oracle = oracles("numpy")
    (entry,) = oracle.entry_points("schedules.ExponentialDecay")
    values = oracle.evaluate(_staircase(0.3), entry, "vector").values
    assert values.tolist() == [2.0**-26, 2.0**-29, 2.0**-33]


@needs("torch")
def test_torch_keeps_subnormal_learning_rates(oracles):
    oracle = oracles("torch")
    (entry,) = oracle.entry_points("schedules.ExponentialDecay")
    params = dict(initial_learning_rate=1e-37, decay_steps=1, decay_rate=0.01)
    case = schedule_case("schedules.ExponentialDecay", "probe", params, [0, 1])
    # TensorFlow flushes the product to zero; correctly rounded it is a subnormal.
    expected = np.float32(1e-37) * np.float32(0.01)
    assert 0 < expected < np.finfo(np.float32).tiny
    for path in ("vector", "scalar"):
        values = oracle.evaluate(case, entry, path).values
        assert values[1] == expected, path


@needs("jax")
def test_the_backend_never_reaches_this_process(oracles):
    oracle = oracles("jax")
    assert oracle.versions()["backend"] == "jax"
    assert "KERAS_BACKEND" not in os.environ
    assert oracle.missing_reason("compat_v1.exponential_decay").startswith("Keras 3 has no")
    assert oracle.entry_points("optimizers.legacy.Adam") == []


@needs("jax")
def test_check_against_keras_jax_prints_per_api_verdicts():
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "check", "--against", "keras-jax"]
        + ["--api", "PiecewiseConstantDecay", "compat_v1.exponential_decay", "--dtype", "float32"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "against keras-jax" in result.stdout.splitlines()[0]
    assert "\n  keras " in result.stdout  # the row of the entry point, with its verdict
    assert "compat_v1.exponential_decay: not checked here (Keras 3 has no" in result.stdout

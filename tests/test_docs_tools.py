"""The docs' generators, without building the docs: the migration page is what its generator
writes from the committed run results, and what the generator does to recorded text keeps its
meaning."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import migration_table  # noqa: E402


def test_the_migration_page_is_what_its_generator_writes() -> None:
    results = sorted((DOCS / "migration_results").glob("*.json"))
    rendered = migration_table.render(results)
    assert rendered == (DOCS / "migration.md").read_text(encoding="utf-8"), (
        "docs/migration.md differs from `python docs/_ext/migration_table.py render "
        "docs/migration_results/*.json`: regenerate it"
    )


def test_the_migration_page_opens_with_its_summary_and_ends_with_maintenance() -> None:
    page = (DOCS / "migration.md").read_text(encoding="utf-8")
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Summary"
    assert headings[-1] == "## Maintenance notes"
    assert page.index("Runs behind this page") > page.index("## Maintenance notes")


def test_recorded_messages_read_as_numbers() -> None:
    message = (
        "step 1: exact np.float64(0.1) vs TensorFlow 0.0 (0x0.0p+0), error 0.1 > bound 3.87e-08 "
        "(-inf digits agree); step 3: np.float32(2.5) (0.3 digits agree)"
    )
    assert migration_table._readable(message) == (
        "step 1: exact 0.1 vs TensorFlow 0.0 (0x0.0p+0), error 0.1 > bound 3.87e-08; step 3: 2.5"
    )
    page = (DOCS / "migration.md").read_text(encoding="utf-8")
    assert "np.float" not in page and "digits agree" not in page


def _sources() -> list[str]:
    sources = []
    for path in (DOCS / "migration_results").glob("*.json"):
        for record in json.loads(path.read_text(encoding="utf-8"))["records"]:
            if record.get("source"):
                sources.append(record["source"])
    return sorted(set(sources))


@pytest.mark.parametrize("source", _sources())
def test_wrapped_recipe_source_is_the_same_code(source: str) -> None:
    wrapped = migration_table.wrap_source(source)
    assert ast.dump(ast.parse(wrapped)) == ast.dump(ast.parse(source))
    for line in wrapped.splitlines():
        # A line stays long only where nothing can break it: one argument too long by itself.
        if len(line) > migration_table.CODE_WIDTH:
            assert migration_table._wrap(line, migration_table.CODE_WIDTH) == [line]


def test_wrapping_breaks_a_call_as_ruff_does() -> None:
    source = (
        "scheduler = SequentialLR(optimizer, [LinearLR(optimizer, start_factor=a / b), "
        "Const(x)], milestones=[d])"
    )
    assert migration_table.wrap_source(source, width=60) == (
        "scheduler = SequentialLR(\n"
        "    optimizer,\n"
        "    [LinearLR(optimizer, start_factor=a / b), Const(x)],\n"
        "    milestones=[d],\n"
        ")"
    )

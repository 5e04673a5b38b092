"""The table of the docs page "Versions and backends" (docs/versions.md), from the shipped
vector sets only (no TensorFlow, JAX or PyTorch needed):

    python -m conformance.versions_table          # the generated markdown, on standard output

Rows are the APIs of the catalogue; columns the TensorFlow releases (their golden vectors
``tf-X.Y.Z/``), TensorFlow's nightly build (``tf-nightly/``) and the Keras 3 backends
(``keras-jax/``, ``keras-torch/``, ``keras-numpy/``). Every cell compares the column's set with
the newest release's (the baseline) through :mod:`conformance.oracle_diff`, on every paired
entry point and path (scalar, vector, trajectory): ``identical``, ``differs: N ULP at x %`` (the
worst distance, and the share of compared values that differ), ``raises`` (some case raises
where the baseline does not, or another exception), ``missing`` (the set has no such API, with
the reason), or ``no set`` (the column's set is not shipped). A differing cell links to its
first difference, listed under the table with the link to the column's explanation.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conformance import registry
from conformance.oracle_diff import PATHS, Summary, diff, summarize
from conformance.oracles.vector_sets import OTHER_SETS, load
from conformance.oracles.vectors import Vectors, shipped
from conformance.vectors import format as vf

#: Where a column's differences are explained on the page (an anchor of docs/versions.md).
EXPLANATIONS = {
    "tf": "tensorflow-releases",
    "tf-nightly": "tensorflow-nightly",
    "keras-jax": "keras-3-on-jax",
    "keras-torch": "keras-3-on-pytorch",
    "keras-numpy": "keras-3-on-numpy",
    "keras-tensorflow": "keras-3-on-tensorflow",
}


@dataclass(frozen=True)
class Column:
    #: The set's directory name (``tf-2.15.1``, ``keras-jax``).
    name: str
    #: For the header: ``2.15.1``, ``nightly``, ``jax``.
    title: str
    #: The anchor of its explanation.
    explanation: str


@dataclass(frozen=True)
class Cell:
    text: str
    #: The anchor of its first difference ("" where there is none).
    anchor: str = ""
    #: The first difference, for the list under the table.
    detail: str = ""


def columns(root: Path = vf.ROOT) -> list[Column]:
    """Every TensorFlow release shipped, then the nightly build and the Keras 3 backends (those
    without a set too: their cells say so)."""
    versions, _ = shipped(root)
    found = [Column(f"tf-{v}", v, EXPLANATIONS["tf"]) for v in versions]
    for name in OTHER_SETS:
        if name == "keras-tensorflow":
            continue  # tf.keras itself (the oracle checks the classes are the same)
        title = "nightly" if name == "tf-nightly" else name.removeprefix("keras-")
        found.append(Column(name, title, EXPLANATIONS[name]))
    return found


def _summaries(baseline: Vectors, other, apis: Sequence[str]) -> dict[str, list[Summary]]:
    planned, diffs = diff(baseline, other, apis, PATHS)
    by_api: dict[str, list[Summary]] = {}
    for summary in summarize(planned, diffs):
        by_api.setdefault(summary.api, []).append(summary)
    return by_api


def _ulp(value: float) -> str:
    if value == float("inf"):
        return "inf"
    return f"{value:,.0f}" if value < 1e6 else f"{value:.1e}"


def cell(column: Column, api: str, summaries: list[Summary]) -> Cell:
    """One cell: the API's summaries (one per path) of the column's set against the baseline."""
    if not summaries:
        return Cell("not compared")
    if summaries[0].missing:
        return Cell("missing", detail=summaries[0].missing)
    compared = [s for s in summaries if s.compared]
    if not compared:
        return Cell("not compared")
    values = sum(s.values for s in compared)
    identical = sum(s.identical for s in compared)
    raising = sum(len(s.raising) for s in compared)
    first = next((s for s in compared if s.first is not None), None)
    if first is None:
        return Cell("identical")
    anchor = f"d-{column.name}-{api}".replace(".", "-").lower()
    difference = first.first
    where = f"step {difference.step}: " if difference.step is not None else ""
    detail = (
        f"`{difference.case}` ({first.path} path, {difference.pair}) {where}"
        f"{difference.a} (TF baseline) vs {difference.b}"
        + (f", {_ulp(difference.ulp)} ULP" if difference.ulp else "")
    )
    parts = []
    if identical < values:
        share = 100 * (values - identical) / values
        shown = f"{share:.1f}" if share >= 0.1 else "<0.1"
        worst = max(s.worst_ulp for s in compared)
        parts.append(f"differs: {_ulp(worst)} ULP at {shown} %")
    if raising:
        parts.append(f"raises ({raising} case{'s' * (raising > 1)})")
    return Cell("; ".join(parts), anchor, detail)


def table(root: Path = vf.ROOT, apis: Sequence[str] | None = None) -> tuple[list[Column], dict]:
    """The columns and the cells: ``{api: {column name: Cell}}``."""
    root = Path(root)
    apis = list(apis or registry.names())
    versions, _ = shipped(root)
    baseline = Vectors(versions[-1], root)
    found: dict[str, dict[str, Cell]] = {api: {} for api in apis}
    chosen = columns(root)
    for column in chosen:
        if column.name == f"tf-{baseline.tf_version}":
            for api in apis:
                found[api][column.name] = Cell(
                    "baseline" if baseline.entry_points(api) else "missing",
                    detail="" if baseline.entry_points(api) else baseline.missing_reason(api),
                )
            continue
        if not (root / column.name).is_dir():
            for api in apis:
                found[api][column.name] = Cell("no set")
            continue
        summaries = _summaries(baseline, load(column.name, root), apis)
        for api in apis:
            found[api][column.name] = cell(column, api, summaries.get(api, []))
    return chosen, found


def markdown(
    root: Path = vf.ROOT, apis: Sequence[str] | None = None, computed: tuple | None = None
) -> str:
    """The generated part of the page: the table, then every first difference (``computed``:
    what :func:`table` gave for the same arguments)."""
    chosen, cells = computed or table(root, apis)
    baseline = shipped(Path(root))[0][-1]
    lines = [
        "| API | " + " | ".join(c.title for c in chosen) + " |",
        "|---|" + "---|" * len(chosen),
    ]
    for api, row in cells.items():
        shown = []
        for column in chosen:
            item = row[column.name]
            # Raw HTML links: the anchors are the spans below, not headings.
            shown.append(f'<a href="#{item.anchor}">{item.text}</a>' if item.anchor else item.text)
        lines.append(f"| `{api}` | " + " | ".join(shown) + " |")
    lines += ["", f"## First differences from TensorFlow {baseline}", ""]
    for column in chosen:
        listed = [(api, row[column.name]) for api, row in cells.items() if row[column.name].anchor]
        if not listed:
            continue
        lines += [
            f"**{column.name}** (why: [{column.explanation}](#{column.explanation})):",
            "",
        ]
        for api, item in listed:
            lines.append(f'- <span id="{item.anchor}"></span>`{api}`: {item.detail}')
        lines.append("")
    lines += ["## Why a cell says missing", ""]
    for column in chosen:
        absent = [(api, row[column.name]) for api, row in cells.items()]
        absent = [(api, item) for api, item in absent if item.text == "missing"]
        if absent:
            names = ", ".join(f"`{api}`" for api, _ in absent)
            lines.append(f"- **{column.name}** has no {names} (e.g. {absent[0][1].detail}).")
    if not any(line.startswith("- **") for line in lines[-len(chosen) :]):
        lines.append("- Every set has every API.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())

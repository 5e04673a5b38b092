"""The report of a ``python -m conformance check`` run: one row per API and entry point, the
failures under it, as a plain-text table, JSON, JUnit XML or Markdown.

Every check ends in one of four states: ``pass``; ``fail`` (the comparison found a divergence);
``error`` (the check itself raised, e.g. the target lacks the API, or no float64 bound is
derived for it: counted as a failure); ``not_applicable`` (TensorFlow cannot evaluate that path,
another check covers the case: counted and listed, never as a pass).

Table columns, per API and entry point: ``cases``; ``checks`` (case x dtype x path, see
:data:`conformance.check.MODES`); ``n/a``; ``steps checked`` (summed over checks, so a step
counts once per dtype and path); ``bit-exact f32`` (share of float32-mode steps equal to
TensorFlow's to the bit); ``worst ULP f32``; ``worst err/bound f64`` (the float64 mode's largest
``|TF - exact|`` over its derived bound from :mod:`conformance.tolerance`: at most 1 passes);
``verdict``: ``pass``, ``FAIL (n)``, ``n/a``, or for a target that declared a variant
(:mod:`conformance.variants`) ``pass, variant X (TF differs by r)``: it conforms to the variant,
whose exact formula is ``r`` (relative) from TensorFlow's trajectory.

APIs the target does not provide are listed as "not implemented": no checks, and no failure
unless the run asked for every API (``--require-all``).

The JSON report is a function of its inputs only: same target, same TensorFlow, same catalogue,
same bytes. Timing goes in only when asked for.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from conformance.check import Check
from conformance.compare import Verdict

PASS, FAIL, ERROR, NOT_APPLICABLE = "pass", "fail", "error", "not_applicable"

#: Full explanations shown per failing row; the rest of the row's failures get one line each.
EXPLAINED_PER_ROW = 3


@dataclass
class Result:
    check: Check
    status: str
    #: The comparison (pass and fail); None when the check raised or was not applicable.
    verdict: Verdict | None = None
    #: Why it is not applicable, or the exception the check raised.
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.status in (FAIL, ERROR)

    @property
    def steps_checked(self) -> int:
        return self.verdict.steps_checked if self.verdict is not None else 0

    def explain(self) -> str:
        if self.verdict is not None:
            return self.verdict.explain()
        case = self.check.case
        return f"{case.api} [{case.id}] on {self.check.where}: {self.note}"

    def summary(self) -> str:
        text = self.verdict.message if self.verdict is not None else self.note
        return text.splitlines()[0] if text else ""


@dataclass
class Row:
    """The checks of one API on one entry point."""

    api: str
    entry: str
    results: list[Result] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return len({r.check.case.id for r in self.results})

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.results)

    @property
    def steps_checked(self) -> int:
        return sum(r.steps_checked for r in self.results)

    def _verdicts(self, dtype: str) -> list[Verdict]:
        return [r.verdict for r in self.results if r.verdict and r.check.dtype == dtype]

    @property
    def bit_exact_float32(self) -> tuple[int, int]:
        """(steps equal to the bit, steps compared) over the float32 checks."""
        verdicts = self._verdicts("float32")
        return sum(v.bit_exact for v in verdicts), sum(v.steps_checked for v in verdicts)

    @property
    def worst_ulp_float32(self) -> float | None:
        verdicts = [v for v in self._verdicts("float32") if v.steps_checked]
        return max((v.worst for v in verdicts), default=None)

    @property
    def worst_ratio_float64(self) -> float | None:
        """The largest |TF - exact| / bound over the float64 checks (at most 1 when passing)."""
        verdicts = [v for v in self._verdicts("float64") if v.steps_checked]
        return max((v.worst for v in verdicts), default=None)

    @property
    def variant(self) -> tuple[str, float] | None:
        """The declared variant the row was held to, and the largest distance of that
        variant's exact trajectory from TensorFlow's; None when the row is TensorFlow's form."""
        found = [
            (r.verdict.variant, r.verdict.differs_from_tf)
            for r in self.results
            if getattr(r.verdict, "variant", None)
        ]
        if not found:
            return None
        names = sorted({name for name, _ in found})
        return ", ".join(names), max(distance for _, distance in found)

    @property
    def verdict(self) -> str:
        failed = self.count(FAIL, ERROR)
        if failed:
            return f"FAIL ({failed})"
        if not self.count(PASS):
            return "n/a"
        if self.variant is not None:
            name, distance = self.variant
            return f"pass, variant {name} (TF differs by {distance:.2g})"
        return "pass"


@dataclass
class Report:
    results: list[Result]
    #: APIs of the selection with no entry point in this TensorFlow: api -> reason.
    unavailable: dict[str, str]
    #: Versions, target, platform: everything the numbers depend on.
    metadata: dict
    wall_time: float = 0.0
    #: When the run ended (ISO 8601, UTC): in the JSON report only with timing.
    finished: str = ""
    #: APIs of the selection the target does not provide: api -> what is missing.
    not_implemented: dict[str, str] = field(default_factory=dict)
    #: Whether a missing API fails the run (``--require-all``).
    require_all: bool = False

    @property
    def rows(self) -> list[Row]:
        rows: dict[tuple[str, str], Row] = {}
        for result in self.results:
            key = (result.check.case.api, result.check.entry.key)
            rows.setdefault(key, Row(*key)).results.append(result)
        return list(rows.values())

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.results)

    @property
    def passed(self) -> bool:
        missing = self.require_all and bool(self.not_implemented)
        return not self.count(FAIL, ERROR) and not missing

    def missing_line(self, api: str) -> str:
        counted = "a failure: --require-all" if self.require_all else "not a failure"
        return f"{api}: not implemented by the target ({self.not_implemented[api]}; {counted})"

    @property
    def steps_verified(self) -> int:
        """Steps compared by passing checks; a step counts once per check (entry point, dtype,
        path)."""
        return sum(r.steps_checked for r in self.results if r.status == PASS)

    @property
    def steps_per_second(self) -> float:
        return self.steps_verified / self.wall_time if self.wall_time > 0 else 0.0


# -- formatting helpers -----------------------------------------------------------------------


def _share(exact: int, total: int) -> str:
    if not total:
        return "-"
    if exact == total:
        return "100%"
    # Never round a share that is not complete up to 100%.
    return f"{min(math.floor(10000 * exact / total) / 100, 99.99):.2f}%"


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if math.isinf(value) or math.isnan(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.3g}"


def _ratio(value: float | None) -> str:
    """Error over bound with three decimals: 0.996 must not read as 1."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.3f}" if value < 1000 else f"{value:.3g}"


COLUMNS = (
    "API",
    "entry point",
    "cases",
    "checks",
    "n/a",
    "steps checked",
    "bit-exact f32",
    "worst ULP f32",
    "worst err/bound f64",
    "verdict",
)


def _cells(row: Row) -> list[str]:
    return [
        row.api,
        row.entry,
        str(row.cases),
        str(len(row.results)),
        str(row.count(NOT_APPLICABLE)),
        f"{row.steps_checked:,}",
        _share(*row.bit_exact_float32),
        _number(row.worst_ulp_float32),
        _ratio(row.worst_ratio_float64),
        row.verdict,
    ]


def _selection(selection: dict) -> str:
    if selection.get("whole_catalogue"):
        return f"the whole catalogue ({len(selection['apis'])} APIs)"
    return ", ".join(selection["apis"])


def _header_lines(report: Report) -> list[str]:
    meta = report.metadata
    target = meta["target"]
    oracle = ", ".join(f"{k} {v}" for k, v in meta["oracle"]["versions"].items())
    kernels = meta["float32_kernels"]
    project = meta["lr_conformance"]
    commit = project.get("git_commit")
    return [
        f"lr-conformance {project['version']}"
        + (f" (git {commit[:12]}{'+dirty' if project.get('git_dirty') else ''})" if commit else "")
        + f": {target['name']} {target['version'] or '(no version)'} against "
        + ("golden vectors" if meta["oracle"].get("against") == "vectors" else "live TensorFlow"),
        f"oracle: {oracle}",
        f"numpy {meta['numpy']}, Python {meta['python']} on {meta['platform']}",
        f"float32 kernels: scalar path {kernels['scalar']}; vector path {kernels['vector']}",
        f"selection: {_selection(meta['selection'])}; dtype {meta['selection']['dtype']}",
    ]


def totals_line(report: Report, timing: bool = True) -> str:
    checks = len(report.results)
    text = (
        f"{checks} checks: {report.count(PASS)} passed, {report.count(FAIL)} failed, "
        f"{report.count(ERROR)} errors, {report.count(NOT_APPLICABLE)} not applicable; "
        f"{report.steps_verified:,} steps verified"
    )
    if report.not_implemented:
        text += f"; {len(report.not_implemented)} APIs not implemented"
    if timing:
        text += f" in {report.wall_time:.1f} s ({report.steps_per_second:,.0f} steps/s)"
    return text


def _not_applicable_groups(report: Report) -> dict[str, list[str]]:
    """Reason -> the checks it applies to (one reason usually covers every case of an API on
    one entry point)."""
    groups: dict[str, list[str]] = {}
    for result in report.results:
        if result.status == NOT_APPLICABLE:
            groups.setdefault(result.note, []).append(result.check.id)
    return groups


def _failure_blocks(report: Report) -> list[tuple[str, list[str], list[str]]]:
    """Per failing row: its title, the full explanations, one-line summaries of the rest."""
    blocks = []
    for row in report.rows:
        failed = [r for r in row.results if r.failed]
        if not failed:
            continue
        title = f"{row.api} on {row.entry}: {len(failed)} failing checks"
        explained = [r.explain() for r in failed[:EXPLAINED_PER_ROW]]
        rest = [f"{r.check.id}: {r.summary()[:200]}" for r in failed[EXPLAINED_PER_ROW:]]
        blocks.append((title, explained, rest))
    return blocks


# -- renderers --------------------------------------------------------------------------------


def render_table(report: Report) -> str:
    lines = _header_lines(report)
    lines.append("")
    grid = [list(COLUMNS)] + [_cells(row) for row in report.rows]
    widths = [max(len(r[i]) for r in grid) for i in range(len(COLUMNS))]
    numeric = set(range(2, len(COLUMNS) - 1))

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    lines.append(line(grid[0]))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(line(cells) for cells in grid[1:])
    for api, reason in report.unavailable.items():
        lines.append(f"{api}: not checked here ({reason})")
    lines.extend(report.missing_line(api) for api in report.not_implemented)
    lines.append("")
    lines.append(totals_line(report))
    for title, explained, rest in _failure_blocks(report):
        lines.extend(["", f"FAILED {title}"])
        for text in explained:
            lines.extend(f"  {part}" for part in text.splitlines())
        if rest:
            lines.append(f"  and {len(rest)} more:")
            lines.extend(f"    {summary}" for summary in rest)
    if report.count(NOT_APPLICABLE):
        lines.extend(["", f"Not applicable ({report.count(NOT_APPLICABLE)}):"])
        for reason, ids in _not_applicable_groups(report).items():
            lines.append(f"  {reason}:")
            lines.extend(f"    {check_id}" for check_id in ids)
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    lines = [f"- {text}" for text in _header_lines(report)]
    lines.append(f"- {totals_line(report)}")
    lines.append("")
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(COLUMNS))) + "|")
    for row in report.rows:
        cells = _cells(row)
        cells[0] = f"`{cells[0]}`"
        lines.append("| " + " | ".join(cells) + " |")
    for api, reason in report.unavailable.items():
        lines.append(f"| `{api}` | (none) | | | | | | | | not checked: {reason} |")
    for api in report.not_implemented:
        verdict = "FAIL (not implemented)" if report.require_all else "not implemented"
        lines.append(f"| `{api}` | (none) | | | | | | | | {verdict} |")
    for title, explained, rest in _failure_blocks(report):
        lines.extend(["", f"**FAILED** {title}", "", "```text"])
        lines.extend("\n\n".join(explained).splitlines())
        lines.extend(rest)
        lines.append("```")
    if report.count(NOT_APPLICABLE):
        lines.extend(["", f"Not applicable ({report.count(NOT_APPLICABLE)}):", ""])
        for reason, ids in _not_applicable_groups(report).items():
            lines.append(f"- {reason}: " + ", ".join(f"`{check_id}`" for check_id in ids))
    return "\n".join(lines) + "\n"


def _json_number(value: float | None):
    """JSON has no inf or nan: they are written as strings."""
    if value is None or math.isfinite(value):
        return value
    return str(value)


def _result_record(result: Result) -> dict:
    check, verdict = result.check, result.verdict
    record = {
        "id": check.id,
        "api": check.case.api,
        "case": check.case.id,
        "entry_point": check.entry.key,
        "dtype": check.dtype,
        "path": check.path,
        "status": result.status,
    }
    if verdict is not None:
        record.update(
            steps_checked=verdict.steps_checked,
            bit_exact=verdict.bit_exact,
            worst_ulp=_json_number(verdict.worst) if check.dtype == "float32" else None,
            worst_error_over_bound=(
                _json_number(verdict.worst) if check.dtype == "float64" else None
            ),
            message=verdict.message,
            reproducer=list(verdict.reproducer),
        )
        if getattr(verdict, "variant", None):
            record.update(
                variant=verdict.variant,
                variant_differs_from_tf=_json_number(verdict.differs_from_tf),
            )
    else:
        record.update(note=result.note)
    return record


def _row_record(row: Row) -> dict:
    exact, compared = row.bit_exact_float32
    return {
        "api": row.api,
        "entry_point": row.entry,
        "cases": row.cases,
        "checks": len(row.results),
        "passed": row.count(PASS),
        "failed": row.count(FAIL),
        "errors": row.count(ERROR),
        "not_applicable": row.count(NOT_APPLICABLE),
        "steps_checked": row.steps_checked,
        "bit_exact_float32": exact,
        "steps_compared_float32": compared,
        "worst_ulp_float32": _json_number(row.worst_ulp_float32),
        "worst_error_over_bound_float64": _json_number(row.worst_ratio_float64),
        "verdict": row.verdict,
        "variant": row.variant[0] if row.variant else None,
        "variant_differs_from_tf": _json_number(row.variant[1]) if row.variant else None,
    }


def render_json(report: Report, timing: bool = False) -> str:
    """All verdicts and the metadata; sorted keys, no timing unless ``timing``, so that the same
    inputs give the same bytes."""
    document = {
        "metadata": report.metadata,
        "passed": report.passed,
        "totals": {
            "checks": len(report.results),
            "passed": report.count(PASS),
            "failed": report.count(FAIL),
            "errors": report.count(ERROR),
            "not_applicable": report.count(NOT_APPLICABLE),
            "steps_verified": report.steps_verified,
        },
        "rows": [_row_record(row) for row in report.rows],
        "unavailable": report.unavailable,
        "not_implemented": report.not_implemented,
        "require_all": report.require_all,
        "checks": [_result_record(result) for result in report.results],
    }
    if timing:
        document["timing"] = {
            "finished": report.finished,
            "wall_time_s": round(report.wall_time, 3),
            "steps_per_second": round(report.steps_per_second, 1),
        }
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def render_junit(report: Report) -> str:
    """JUnit XML: one ``testsuite`` per API and entry point, one ``testcase`` per check
    (``fail`` is a ``failure``, ``error`` an ``error``, ``not_applicable`` ``skipped``); a
    missing API is one ``testcase`` that is ``skipped``, or a ``failure`` with
    ``--require-all``. No timestamps: the same run gives the same bytes."""
    root = ElementTree.Element("testsuites", name="lr-conformance")
    missing_failures = len(report.not_implemented) if report.require_all else 0
    _junit_counts(root, report.results, missing_failures, len(report.not_implemented))
    for row in report.rows:
        suite = ElementTree.SubElement(root, "testsuite", name=f"{row.api} on {row.entry}")
        _junit_counts(suite, row.results, 0, 0)
        for result in row.results:
            check = result.check
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=f"{row.api}.{row.entry}",
                name=f"{check.case.id}|{check.dtype}|{check.path}",
            )
            if result.status == PASS:
                ElementTree.SubElement(case, "system-out").text = result.summary()
            elif result.status == NOT_APPLICABLE:
                ElementTree.SubElement(case, "skipped", message=result.note[:500])
            else:
                tag = "failure" if result.status == FAIL else "error"
                ElementTree.SubElement(
                    case, tag, message=result.summary()[:500], type=result.status
                ).text = result.explain()
    if report.not_implemented:
        suite = ElementTree.SubElement(root, "testsuite", name="not implemented by the target")
        suite.set("tests", str(len(report.not_implemented)))
        suite.set("failures", str(missing_failures))
        suite.set("errors", "0")
        suite.set("skipped", str(len(report.not_implemented) - missing_failures))
        for api in report.not_implemented:
            case = ElementTree.SubElement(suite, "testcase", classname=api, name="implemented")
            tag = "failure" if report.require_all else "skipped"
            ElementTree.SubElement(case, tag, message=report.missing_line(api))
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )


def _junit_counts(element, results: list[Result], extra_failures: int, extra_tests: int) -> None:
    element.set("tests", str(len(results) + extra_tests))
    element.set("failures", str(sum(r.status == FAIL for r in results) + extra_failures))
    element.set("errors", str(sum(r.status == ERROR for r in results)))
    skipped = sum(r.status == NOT_APPLICABLE for r in results) + extra_tests - extra_failures
    element.set("skipped", str(skipped))


RENDERERS = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
    "junit": render_junit,
}

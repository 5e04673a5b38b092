"""The report of a ``python -m conformance check`` run: one row per API and entry point, the
failures under it, as a plain-text table, JSON, JUnit XML or Markdown.

Every check ends in one of five states: ``pass``; ``fail`` (the comparison found a divergence);
``error`` (the check itself raised, or the target's call timed out: counted as a failure);
``not_applicable`` (TensorFlow cannot evaluate that path, another check covers the case:
counted and listed, never as a pass); ``not_implemented`` (the target provides the API but not
a piece this case needs, e.g. sparse gradients: counted and listed, a failure only with
``--require-all``).

Table columns, per API and entry point: ``cases``; ``checks`` (case x dtype x path, see
:data:`conformance.check.MODES`); ``n/a``; ``steps`` (steps checked, summed over checks, so a
step counts once per dtype and path); ``bit-exact`` (share of float32-mode steps equal to
TensorFlow's to the bit); ``worst ULP`` (float32 mode); ``err/bound`` (the float64 mode's
largest ``|TF - exact|`` over its derived bound from :mod:`conformance.tolerance`: at most 1
passes); ``verdict``: ``pass``, ``FAIL (n)``, ``n/a``, or for a target that declared a variant
(:mod:`conformance.variants`) ``pass (variant)``: it conforms to the variant, whose exact formula
is ``r`` (relative) from TensorFlow's trajectory (said under the table; the JSON and Markdown
reports say ``pass, variant X (TF differs by r)``). The plain-text table fits 100 columns;
Markdown and JSON have every detail. Under the table: a diagnosis per API and entry point that
is not bit-exact (:class:`conformance.compare.Diagnosis`), the failures with their reproducers,
and the checks that are not applicable or not implemented, one line per API (every check with
``--verbose``).

APIs the target does not provide are listed as "not implemented": no checks, and no failure
unless the run asked for every API (``--require-all``).

Checks of the bad-input catalogue (:mod:`conformance.cases.bad_inputs`) have rows of their own
(``tf.keras, bad inputs``): what the target answers to None, a string, nan, a wrong shape...
where TensorFlow raises or returns values. A target answering otherwise is reported there,
verdict ``unlike TF (n)``, and fails the run only with ``--require-bad-inputs``: the numbers on
valid inputs are the port's contract, its answers to bad inputs a finding.

The JSON report is a function of its inputs only: same target, same TensorFlow, same catalogue,
same bytes. Timing goes in only when asked for. Each failing check carries its
``first_divergence`` (docs/contract.md, "Verdicts and the report").
"""

from __future__ import annotations

import json
import math
import textwrap
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from conformance.check import Check
from conformance.compare import DIFFERS, EXACT, ROUNDING, VARIANT, Verdict

PASS, FAIL, ERROR, NOT_APPLICABLE = "pass", "fail", "error", "not_applicable"
NOT_IMPLEMENTED = "not_implemented"

#: Full explanations shown per failing row; the rest of the row's failures get one line each.
EXPLAINED_PER_ROW = 3

#: The plain-text report's width.
WIDTH = 100

#: A reproducer longer than this is left to the Markdown and JSON reports in the table.
REPRODUCER_LINES = 60


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
    def passed_check(self) -> bool:
        return self.status == PASS

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
    #: The row of the API's bad-input checks on that entry point.
    bad_inputs: bool = False
    #: Whether its failures fail the run (not for bad inputs without --require-bad-inputs).
    counted: bool = True

    @property
    def label(self) -> str:
        """The entry point, and whether the row holds the bad inputs."""
        return f"{self.entry}, bad inputs" if self.bad_inputs else self.entry

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
            return f"FAIL ({failed})" if self.counted else f"unlike TF ({failed})"
        if not self.count(PASS):
            return "not implemented" if self.count(NOT_IMPLEMENTED) else "n/a"
        if self.variant is not None:
            name, distance = self.variant
            return f"pass, variant {name} (TF differs by {distance:.2g})"
        return "pass"

    @property
    def short_verdict(self) -> str:
        """The verdict in the table's column (the variant is said under the table)."""
        verdict = self.verdict
        return "pass (variant)" if verdict.startswith("pass, variant") else verdict

    @property
    def diagnosis(self) -> dict | None:
        """The checks' diagnoses (:class:`conformance.compare.Diagnosis`) taken together: the
        worst kind, where the target is closer to or farther from the exact value than
        TensorFlow, the variants failing checks follow, a flush-to-zero hint. None where no
        check has a diagnosis."""
        found = [
            (r, r.verdict.diagnosis) for r in self.results if r.verdict and r.verdict.diagnosis
        ]
        if not found:
            return None
        order = (EXACT, ROUNDING, VARIANT, DIFFERS)
        # A check no variant could be tried on (an option the variants' formulas leave out)
        # does not outweigh the checks that were diagnosed: it is counted apart.
        untried = [d for _, d in found if d.kind == DIFFERS and d.untried]
        diagnosed = [d for _, d in found if not (d.kind == DIFFERS and d.untried)]
        kind = max((d.kind for d in diagnosed or untried), key=order.index)
        summary: dict = {
            "kind": kind,
            "differing": sum(d.differing for _, d in found),
            "closer": sum(d.closer for _, d in found),
            "farther": sum(d.farther for _, d in found),
        }
        worst = [d.worst_ulp for _, d in found if d.worst_ulp is not None]
        if worst:
            summary["worst_ulp"] = _json_number(max(worst))
        first = next(((r, d) for r, d in found if d.kind == DIFFERS), None)
        if first is not None:
            summary["first"] = {"case": first[0].check.case.id, "check": first[0].check.id}
            if first[1].step is not None:
                summary["first"]["step"] = first[1].step
        failing = [r for r in self.results if r.failed]
        followed: dict[str, int] = {}
        for result in failing:
            diagnosis = result.verdict.diagnosis if result.verdict else None
            for name in diagnosis.variants if diagnosis else ():
                followed[name] = followed.get(name, 0) + 1
        if followed:
            summary["variants"] = dict(sorted(followed.items(), key=lambda kv: -kv[1]))
            summary["failing"] = len(failing)
        if untried and diagnosed:
            summary["untried"] = len(untried)
        hints = [d.hint for _, d in found if d.hint]
        if hints:
            summary["hint"] = hints[0]
        return summary

    def diagnosis_text(self) -> str | None:
        """The diagnosis for people; None where there is nothing to say (bit-exact)."""
        found = self.diagnosis
        if found is None or (found["kind"] == EXACT and "variants" not in found):
            return None
        kind = found["kind"]
        if kind == DIFFERS:
            first = found.get("first", {})
            where = first.get("case", "")
            if "step" in first:
                where += f" at step {first['step']}"
            text = (
                "differs: a different function; the target is beyond TensorFlow's own float32 "
                f"error of the exact value (first: {where})"
            )
        elif kind == VARIANT:
            text = "follows a known variant of TensorFlow's formula (below), not TensorFlow's"
        else:
            text = (
                f"rounding: the same function, rounded otherwise (up to "
                f"{_number(found.get('worst_ulp'))} ULP from TensorFlow, within its own float32 "
                "error of the exact value)"
            )
        if found["differing"] and kind in (ROUNDING, DIFFERS):
            text += (
                f"; where the two differ, the target is closer to the exact value than "
                f"TensorFlow at {found['closer']:,} and farther at {found['farther']:,} "
                f"{'values' if self.results[0].check.is_optimizer else 'steps'}"
            )
        if "variants" in found:
            name, count = next(iter(found["variants"].items()))
            text += (
                f"; {count} of the {_plural(found['failing'], 'failing check')} conform to "
                f"variant {name}: if the target means it, declare it (--variant {name})"
            )
        if found.get("untried"):
            text += (
                f"; {_plural(found['untried'], 'failing check')} not diagnosed (options or "
                "callables the variants' formulas leave out): they may differ for another reason"
            )
        if "hint" in found:
            text += f"; {found['hint']}"
        return text


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
    #: Whether the table lists every check that is not applicable or not implemented.
    verbose: bool = False
    #: Whether a bad input answered otherwise than TensorFlow fails the run
    #: (``--require-bad-inputs``).
    require_bad_inputs: bool = False

    @property
    def rows(self) -> list[Row]:
        rows: dict[tuple[str, str, bool], Row] = {}
        for result in self.results:
            bad = result.check.bad_input
            key = (result.check.case.api, result.check.entry.key, bad)
            row = rows.setdefault(key, Row(*key[:2], bad_inputs=bad, counted=self.counts(result)))
            row.results.append(result)
        return list(rows.values())

    def count(self, *statuses: str) -> int:
        return sum(r.status in statuses for r in self.results)

    def counts(self, result: Result) -> bool:
        """Whether the result, failed, fails the run (a bad input only when required)."""
        return self.require_bad_inputs or not result.check.bad_input

    @property
    def unlike_tf(self) -> int:
        """Failed bad-input checks that do not fail the run."""
        return sum(r.failed and not self.counts(r) for r in self.results)

    @property
    def passed(self) -> bool:
        missing = self.require_all and (bool(self.not_implemented) or self.count(NOT_IMPLEMENTED))
        failed = any(r.failed and self.counts(r) for r in self.results)
        return not failed and not missing

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
    if isinstance(value, str):
        return value
    if math.isinf(value) or math.isnan(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.3g}"


def _compact(value: float | None) -> str:
    """A number in at most 9 characters (the table's worst ULP)."""
    text = _number(value)
    return text if len(text) <= 9 else f"{value:.3g}"


def _ratio(value: float | None) -> str:
    """Error over bound with three decimals: 0.996 must not read as 1."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        return str(value)
    return f"{value:.3f}" if value < 1000 else f"{value:.3g}"


def _plural(n: int, noun: str) -> str:
    """``1 failing check``, ``2 failing checks``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _wrap(text: str, indent: int = 0, hanging: int = 2) -> list[str]:
    """``text`` within :data:`WIDTH` columns, its continuation lines indented ``hanging`` more."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hanging),
        break_long_words=True,
        break_on_hyphens=False,
    ) or [""]


def _clip(text: str, width: int = WIDTH) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


#: The Markdown and JSON columns.
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

#: The plain-text table's columns (an API's rows under its name).
TABLE_COLUMNS = (
    "API / entry point",
    "cases",
    "checks",
    "n/a",
    "steps",
    "bit-exact",
    "worst ULP",
    "err/bound",
    "verdict",
)


def _cells(row: Row) -> list[str]:
    return [
        row.api,
        row.label,
        str(row.cases),
        str(len(row.results)),
        str(row.count(NOT_APPLICABLE)),
        f"{row.steps_checked:,}",
        _share(*row.bit_exact_float32),
        _number(row.worst_ulp_float32),
        _ratio(row.worst_ratio_float64),
        row.verdict,
    ]


def _table_order(rows: list[Row]) -> list[Row]:
    """The rows of an API together, each entry point's bad inputs right under its checks."""
    first: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        first.setdefault((row.api, row.entry), index)
    api_order = {api: n for n, api in enumerate(dict.fromkeys(row.api for row in rows))}
    return sorted(rows, key=lambda r: (api_order[r.api], first[(r.api, r.entry)], r.bad_inputs))


def _table_labels(rows: list[Row]) -> list[str]:
    """Indented under the API; a bad-input row under its entry point's row says only that."""
    labels = []
    for above, row in zip([None, *rows], rows):
        under_its_entry = (
            above is not None
            and row.bad_inputs
            and not above.bad_inputs
            and (above.api, above.entry) == (row.api, row.entry)
        )
        labels.append("    bad inputs" if under_its_entry else f"  {row.label}")
    return labels


def _table_cells(row: Row, label: str) -> list[str]:
    return [
        label,
        str(row.cases),
        str(len(row.results)),
        str(row.count(NOT_APPLICABLE)),
        f"{row.steps_checked:,}",
        _share(*row.bit_exact_float32),
        _compact(row.worst_ulp_float32),
        _ratio(row.worst_ratio_float64),
        row.short_verdict,
    ]


def _selection(selection: dict) -> str:
    if selection.get("whole_catalogue"):
        text = f"the whole catalogue ({len(selection['apis'])} APIs)"
    else:
        text = ", ".join(selection["apis"])
    filters = [
        f"{name} {', '.join(map(str, selection[key]))}"
        if isinstance(selection[key], list)
        else f"{name} {selection[key]}"
        for key, name in (
            ("cases", "cases"),
            ("entry_points", "entry points"),
            ("flavors", "flavours"),
            ("steps", "steps"),
        )
        if selection.get(key)
    ]
    if selection.get("max_ulp") is not None:
        filters.append(f"float32 budget {selection['max_ulp']} ULP for every case")
    return "; ".join([text, *filters])


def _oracle_kind(against: str | None) -> str:
    """``golden vectors``, ``live TensorFlow``, or the ``--against`` value of another oracle
    (``keras-jax``: Keras 3 on JAX, live; ``vectors:keras-jax``: its frozen set)."""
    if against == "vectors":
        return "golden vectors"
    return "live TensorFlow" if against in (None, "tf") else against


def _header_lines(report: Report) -> list[str]:
    meta = report.metadata
    target = meta["target"]
    oracle = ", ".join(f"{k} {v}" for k, v in meta["oracle"]["versions"].items())
    kernels = meta["float32_kernels"]
    project = meta["lr_conformance"]
    commit = project.get("git_commit")
    lines = [
        f"lr-conformance {project['version']}"
        + (f" (git {commit[:12]}{'+dirty' if project.get('git_dirty') else ''})" if commit else "")
        + f": {target['name']} {target['version'] or '(no version)'} against "
        + _oracle_kind(meta["oracle"].get("against")),
        f"oracle: {oracle}",
        f"numpy {meta['numpy']}, Python {meta['python']} on {meta['platform']}",
        f"float32 kernels: scalar path {kernels['scalar']}; vector path {kernels['vector']}",
    ]
    calls = meta.get("target_calls")
    if calls:
        lines.append(f"target calls: vector path {calls['vector']}; scalar path {calls['scalar']}")
    lines.append(f"selection: {_selection(meta['selection'])}; dtype {meta['selection']['dtype']}")
    return lines


def totals_line(report: Report, timing: bool = True) -> str:
    checks = len(report.results)
    text = (
        f"{_plural(checks, 'check')}: {report.count(PASS)} passed, {report.count(FAIL)} failed, "
        f"{_plural(report.count(ERROR), 'error')}, {report.count(NOT_APPLICABLE)} not applicable"
    )
    if report.unlike_tf:
        # Failed and errors alike: their bad-input share does not fail the run.
        text += f" ({report.unlike_tf} of the failures bad inputs, not counted)"
    if report.count(NOT_IMPLEMENTED):
        text += f", {report.count(NOT_IMPLEMENTED)} not implemented"
    text += f"; {report.steps_verified:,} steps verified"
    if report.not_implemented:
        text += f"; {_plural(len(report.not_implemented), 'API')} not implemented"
    if timing:
        text += f" in {report.wall_time:.1f} s ({report.steps_per_second:,.0f} steps/s)"
    return text


def _groups(report: Report, status: str) -> dict[tuple[str, str], list[str]]:
    """(API, reason) -> the checks of that status it applies to (one reason usually covers
    every case of an API on one entry point)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for result in report.results:
        if result.status == status:
            key = (result.check.case.api, result.note)
            groups.setdefault(key, []).append(result.check.id)
    return groups


def _failure_blocks(report: Report) -> list[tuple[str, list[Result], list[Result]]]:
    """Per failing row: its title, the results explained in full, the rest."""
    blocks = []
    for row in report.rows:
        failed = [r for r in row.results if r.failed]
        if not failed:
            continue
        title = f"{row.api} on {row.label}: {_plural(len(failed), 'failing check')}"
        if not row.counted:
            title += " (bad inputs, not counted without --require-bad-inputs)"
        blocks.append((title, failed[:EXPLAINED_PER_ROW], failed[EXPLAINED_PER_ROW:]))
    return blocks


def _variant_lines(report: Report) -> list[str]:
    return [
        f"{row.api} on {row.label}: {row.verdict}"
        for row in report.rows
        if row.verdict.startswith("pass, variant")
    ]


# -- renderers --------------------------------------------------------------------------------


def render_table(report: Report) -> str:
    """The report for a terminal: within :data:`WIDTH` columns (reproducer lines aside, which
    are code), the long lists in one line per API unless ``report.verbose``."""
    lines = [part for text in _header_lines(report) for part in _wrap(text)]
    lines.append("")
    rows = _table_order(report.rows)
    grid = [list(TABLE_COLUMNS)] + [
        _table_cells(row, label) for row, label in zip(rows, _table_labels(rows))
    ]
    widths = [max(len(r[i]) for r in grid) for i in range(len(TABLE_COLUMNS))]
    # The entry points' labels give way if the rest leaves them too little room.
    widths[0] = min(widths[0], WIDTH - 2 * (len(widths) - 1) - sum(widths[1:]))
    numeric = set(range(1, len(TABLE_COLUMNS) - 1))

    def line(cells: list[str]) -> str:
        cells = [_clip(cells[0], widths[0]), *cells[1:]]
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    lines.append(line(grid[0]))
    lines.append("  ".join("-" * w for w in widths))
    api = None
    for row, cells in zip(rows, grid[1:]):
        if row.api != api:
            api = row.api
            lines.append(_clip(row.api, WIDTH))
        lines.append(line(cells))
    for name, reason in report.unavailable.items():
        lines.extend(_wrap(f"{name}: not checked here ({reason})"))
    for name in report.not_implemented:
        lines.extend(_wrap(report.missing_line(name)))
    lines.append("")
    lines.extend(_wrap(totals_line(report)))
    variant_lines = _variant_lines(report)
    if variant_lines:
        lines.extend(["", "Variants (the target is held to the variant's exact formula):"])
        for text in variant_lines:
            lines.extend(_wrap(text, 2, 4))
    diagnoses = [(row, row.diagnosis_text()) for row in rows]
    diagnoses = [(row, text) for row, text in diagnoses if text]
    if diagnoses:
        lines.extend(["", "Diagnosis (the exact value is the reference's float64 mode):"])
        for row, text in diagnoses:
            lines.extend(_wrap(f"{row.api} on {row.label}: {text}", 2, 4))
    for title, explained, rest in _failure_blocks(report):
        lines.extend(["", *_wrap(f"FAILED {title}")])
        for result in explained:
            lines.extend(_explained(result))
        if rest:
            lines.append(f"  and {len(rest)} more (every one in --report markdown or json):")
            lines.extend(_clip(f"    {r.check.id}: {r.summary()}") for r in rest)
    lines.extend(_grouped(report, NOT_APPLICABLE, "Not applicable"))
    lines.extend(_grouped(report, NOT_IMPLEMENTED, "Not implemented by the target"))
    return "\n".join(lines) + "\n"


def _explained(result: Result) -> list[str]:
    """A failing check in full: what and where, the message wrapped, the reproducer."""
    check = result.check
    head = f"{check.case.api} [{check.case.id}] on {check.where}: "
    text = result.verdict.message if result.verdict is not None else result.note
    lines = _wrap(head + text, 2, 4)
    program = result.verdict.reproducer if result.verdict is not None else []
    if program and len(program) <= REPRODUCER_LINES:
        lines.append("  Reproduce (paste into python):")
        lines.extend(f"    {line}".rstrip() for line in program)
    elif program:
        lines.append(f"  Reproduce: a {len(program)}-line program, in --report markdown or json")
    return lines


def _grouped(report: Report, status: str, title: str) -> list[str]:
    """The checks of one status: one line per API and reason, every check with --verbose."""
    count = report.count(status)
    if not count:
        return []
    more = "" if report.verbose else "; --verbose lists every check"
    lines = ["", f"{title} ({_plural(count, 'check')}{more}):"]
    for (api, reason), ids in _groups(report, status).items():
        lines.extend(_wrap(f"{api}: {_plural(len(ids), 'check')}: {reason}", 2, 4))
        if report.verbose:
            lines.extend(f"    {check_id}" for check_id in ids)
    return lines


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
    diagnoses = [(row, row.diagnosis_text()) for row in report.rows]
    diagnoses = [(row, text) for row, text in diagnoses if text]
    if diagnoses:
        lines.extend(["", "**Diagnosis** (the exact value is the reference's float64 mode):", ""])
        lines.extend(f"- `{row.api}` on {row.label}: {text}" for row, text in diagnoses)
    for title, explained, rest in _failure_blocks(report):
        lines.extend(["", f"**FAILED** {title}", ""])
        for result in [*explained, *rest]:
            check = result.check
            text = result.verdict.message if result.verdict is not None else result.note
            lines.extend([f"- `{check.id}`: {text}", ""])
            program = result.verdict.reproducer if result.verdict is not None else []
            if program:
                lines.extend(["  ```python", *(f"  {line}".rstrip() for line in program)])
                lines.extend(["  ```", ""])
    for status, title in ((NOT_APPLICABLE, "Not applicable"), (NOT_IMPLEMENTED, "Not implemented")):
        if report.count(status):
            lines.extend(["", f"{title} ({report.count(status)}):", ""])
            for (api, reason), ids in _groups(report, status).items():
                checks = ", ".join(f"`{check_id}`" for check_id in ids)
                lines.append(f"- `{api}`: {reason}: {checks}")
    return "\n".join(lines) + "\n"


def _json_number(value: float | None):
    """JSON has no inf or nan: they are written as strings."""
    if value is None or isinstance(value, str) or math.isfinite(value):
        return value
    return str(value)


def _divergence_record(verdict: Verdict) -> dict | None:
    divergence = verdict.first_divergence
    if divergence is None:
        return None
    return {key: _json_number(value) for key, value in divergence.record().items()}


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
        if verdict.calls is not None:
            record["target_calls"] = verdict.calls
        if not result.passed_check:
            record["first_divergence"] = _divergence_record(verdict)
        if verdict.diagnosis is not None and verdict.diagnosis.kind != EXACT:
            record["diagnosis"] = verdict.diagnosis.record()
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
        "bad_inputs": row.bad_inputs,
        "counted": row.counted,
        "cases": row.cases,
        "checks": len(row.results),
        "passed": row.count(PASS),
        "failed": row.count(FAIL),
        "errors": row.count(ERROR),
        "not_applicable": row.count(NOT_APPLICABLE),
        "not_implemented": row.count(NOT_IMPLEMENTED),
        "steps_checked": row.steps_checked,
        "bit_exact_float32": exact,
        "steps_compared_float32": compared,
        "worst_ulp_float32": _json_number(row.worst_ulp_float32),
        "worst_error_over_bound_float64": _json_number(row.worst_ratio_float64),
        "verdict": row.verdict,
        "variant": row.variant[0] if row.variant else None,
        "variant_differs_from_tf": _json_number(row.variant[1]) if row.variant else None,
        "diagnosis": row.diagnosis,
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
            "not_implemented": report.count(NOT_IMPLEMENTED),
            "steps_verified": report.steps_verified,
            "bad_inputs_unlike_tf": report.unlike_tf,
        },
        "rows": [_row_record(row) for row in report.rows],
        "unavailable": report.unavailable,
        "not_implemented": report.not_implemented,
        "require_all": report.require_all,
        "require_bad_inputs": report.require_bad_inputs,
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
    (``fail`` is a ``failure``, ``error`` an ``error``, ``not_applicable`` and
    ``not_implemented`` ``skipped``, the latter a ``failure`` with ``--require-all``); a
    failing check's first divergence and diagnosis are ``properties`` of its ``testcase``
    (``first_divergence.step``, ``.target``, ...); a missing API is one ``testcase`` that is
    ``skipped``, or a ``failure`` with ``--require-all``. No timestamps: the same run gives the
    same bytes."""
    root = ElementTree.Element("testsuites", name="lr-conformance")
    missing_failures = len(report.not_implemented) if report.require_all else 0
    _junit_counts(root, report, report.results, missing_failures, len(report.not_implemented))
    for row in report.rows:
        suite = ElementTree.SubElement(root, "testsuite", name=f"{row.api} on {row.label}")
        _junit_counts(suite, report, row.results, 0, 0)
        for result in row.results:
            check = result.check
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=f"{row.api}.{row.entry}",
                name=f"{check.case.id}|{check.dtype}|{check.path}",
            )
            if result.verdict is not None and result.failed:
                _junit_properties(case, result.verdict)
            if result.status == PASS:
                ElementTree.SubElement(case, "system-out").text = result.summary()
            elif result.status == NOT_APPLICABLE or (
                result.status == NOT_IMPLEMENTED and not report.require_all
            ):
                ElementTree.SubElement(case, "skipped", message=result.note[:500])
            elif result.failed and not report.counts(result):
                message = f"bad input, not counted (--require-bad-inputs): {result.summary()}"
                ElementTree.SubElement(case, "skipped", message=message[:500])
            else:
                tag = "error" if result.status == ERROR else "failure"
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


def _junit_properties(case, verdict: Verdict) -> None:
    found = {}
    divergence = _divergence_record(verdict)
    if divergence:
        found.update({f"first_divergence.{k}": v for k, v in divergence.items()})
    if verdict.diagnosis is not None:
        found["diagnosis"] = verdict.diagnosis.kind
        found.update(
            {f"diagnosis.variant.{i}": name for i, name in enumerate(verdict.diagnosis.variants)}
        )
    if found:
        properties = ElementTree.SubElement(case, "properties")
        for name, value in found.items():
            ElementTree.SubElement(properties, "property", name=name, value=str(value))


def _junit_counts(
    element, report: Report, results: list[Result], extra_failures: int, extra_tests: int
) -> None:
    required = report.require_all
    failures = sum(
        (r.status == FAIL and report.counts(r)) or (r.status == NOT_IMPLEMENTED and required)
        for r in results
    )
    skipped = sum(
        r.status == NOT_APPLICABLE
        or (r.status == NOT_IMPLEMENTED and not required)
        or (r.failed and not report.counts(r))
        for r in results
    )
    element.set("tests", str(len(results) + extra_tests))
    element.set("failures", str(failures + extra_failures))
    element.set("errors", str(sum(r.status == ERROR and report.counts(r) for r in results)))
    element.set("skipped", str(skipped + extra_tests - extra_failures))


RENDERERS = {
    "table": render_table,
    "markdown": render_markdown,
    "json": render_json,
    "junit": render_junit,
}

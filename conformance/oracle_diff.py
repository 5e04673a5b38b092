"""Two oracles compared on the whole catalogue, case by case: the engine of ``python -m
conformance diff`` (:mod:`conformance.diff`, which says what it reports) and of the "Versions
and backends" page.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from conformance.cases import Case, OptimizerCase, of
from conformance.compare import _distance_in_oracle_dtype
from conformance.oracles import EntryPoint, Oracle
from conformance.outcome import Outcome, Trajectory
from conformance.vectors.format import VectorError

PATHS = ("scalar", "vector", "trajectory")


@dataclass(frozen=True)
class Pair:
    """Two entry points compared: one of each oracle."""

    a: EntryPoint
    b: EntryPoint

    @property
    def label(self) -> str:
        return self.a.key if self.a.key == self.b.key else f"{self.a.key}~{self.b.key}"


def pair_entries(a: Sequence[EntryPoint], b: Sequence[EntryPoint]) -> tuple[list[Pair], list]:
    """Entry points paired by key, then the rest by flavour; and those left without a partner."""
    pairs, left_b = [], list(b)
    unpaired = []
    for entry in a:
        match = next((e for e in left_b if e.key == entry.key), None)
        if match is not None:
            pairs.append(Pair(entry, match))
            left_b.remove(match)
    for entry in a:
        if any(p.a is entry for p in pairs):
            continue
        match = next((e for e in left_b if e.flavor == entry.flavor), None)
        if match is None:
            unpaired.append(entry)
        else:
            pairs.append(Pair(entry, match))
            left_b.remove(match)
    return pairs, unpaired + left_b


@dataclass
class CaseDiff:
    """One case on one pair of entry points and one path."""

    case: str
    api: str
    tags: frozenset[str]
    pair: str
    path: str
    #: Values (steps, or updates of a trajectory) compared, and those identical to the bit.
    values: int = 0
    identical: int = 0
    worst_ulp: float = 0.0
    #: The first differing step (or update) and both values; or both outcomes where the
    #: exceptions differ.
    step: int | None = None
    a: str = ""
    b: str = ""
    ulp: float = 0.0
    #: Where one side raises and the other does not, or they raise different exceptions.
    raises: bool = False
    #: Both raise the same exception (the values count nothing).
    both_raise: bool = False
    #: Why the case could not be compared (a frozen set lacking it).
    skipped: str = ""

    @property
    def differs(self) -> bool:
        return self.raises or self.identical < self.values


@dataclass
class Summary:
    """The case diffs of one group (an API, or an API's cases with a tag) on one path."""

    api: str
    path: str
    diffs: list[CaseDiff] = field(default_factory=list)
    #: Why one oracle has nothing for the API ("" when both have it).
    missing: str = ""

    @property
    def compared(self) -> list[CaseDiff]:
        return [d for d in self.diffs if not d.skipped]

    @property
    def cases(self) -> int:
        return len({d.case for d in self.compared})

    @property
    def values(self) -> int:
        return sum(d.values for d in self.compared)

    @property
    def identical(self) -> int:
        return sum(d.identical for d in self.compared)

    @property
    def worst_ulp(self) -> float:
        return max((d.worst_ulp for d in self.compared), default=0.0)

    @property
    def raising(self) -> list[CaseDiff]:
        return [d for d in self.compared if d.raises]

    @property
    def first(self) -> CaseDiff | None:
        return next((d for d in self.compared if d.differs), None)

    @property
    def status(self) -> str:
        """``missing``, ``not compared``, ``identical``, ``differs`` or ``raises``."""
        if self.missing:
            return "missing"
        if not self.compared:
            return "not compared"
        if self.identical < self.values:
            return "differs"
        return "raises" if self.raising else "identical"

    @property
    def share(self) -> float:
        """The share of compared values identical to the bit (1 when none were compared)."""
        return self.identical / self.values if self.values else 1.0


# -- comparing outcomes ------------------------------------------------------------------------


def _show(value) -> str:
    value = np.asarray(value)
    if value.dtype == np.float32:
        return f"{float(value)!r}"
    return f"{value.item()!r} ({value.dtype})"


def _describe(outcome: Outcome | Trajectory) -> str:
    message = (outcome.message or "").splitlines()[0][:120] if outcome.message else ""
    phase = getattr(outcome, "phase", None)
    where = f" at {phase}" if phase else ""
    return f"raises {outcome.error}{where}" + (f" ({message})" if message else "")


def _same_bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Identical values: the same dtype and bits, nan with nan (any payload), -0 apart from +0."""
    if a.dtype != b.dtype:
        return np.zeros(a.shape, bool)
    if a.dtype.kind != "f":
        return a == b
    width = {4: np.uint32, 8: np.uint64, 2: np.uint16}[a.dtype.itemsize]
    return (a.view(width) == b.view(width)) | (np.isnan(a) & np.isnan(b))


def compare_values(diff: CaseDiff, steps: np.ndarray, a: np.ndarray, b: np.ndarray) -> CaseDiff:
    """``a`` and ``b`` (one value per step, or one row per update) compared to the bit, with
    the distance in ULPs of ``a``'s dtype (float32 ULPs for float32 values)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        diff.values = len(steps)
        diff.raises = True
        diff.a, diff.b = f"shape {a.shape}", f"shape {b.shape}"
        return diff
    same = _same_bits(a, b)
    with np.errstate(all="ignore"):
        distance = _distance_in_oracle_dtype(b, a)
    distance = np.where(same, 0.0, np.where(distance == 0, np.nan, distance))
    if same.ndim > 1:  # a trajectory: an update is identical when every parameter is
        same = same.all(axis=1)
        distance = np.nanmax(np.where(np.isnan(distance), 0.5, distance), axis=1)
        distance = np.where(same, 0.0, distance)
    diff.values += len(same)
    diff.identical += int(same.sum())
    if same.all():
        return diff
    # A difference below one ULP of a's dtype (a float64 against a float32 value) is 0.5.
    distance = np.where(np.isnan(distance), 0.5, distance)
    diff.worst_ulp = max(diff.worst_ulp, float(distance.max()))
    if diff.step is None:
        i = int(np.argmax(~same))
        diff.step = int(steps[i])
        diff.ulp = float(distance[i])
        if a.ndim > 1:
            j = int(np.argmax(~_same_bits(a[i], b[i])))
            diff.a, diff.b = f"param[{j}] {_show(a[i, j])}", f"param[{j}] {_show(b[i, j])}"
        else:
            diff.a, diff.b = _show(a[i]), _show(b[i])
    return diff


def _raising(diff: CaseDiff, outcomes: tuple, raised: tuple[bool, bool], same: bool, quiet: str):
    """Where one side raises: both the same exception count as identical values; otherwise
    the case raises differently, and each side says what it did (``quiet``: it did not raise)."""
    if same:
        diff.both_raise = True
        diff.identical = diff.values
        return diff
    diff.raises = True
    diff.a, diff.b = (_describe(o) if r else quiet for o, r in zip(outcomes, raised))
    return diff


def compare_outcomes(diff: CaseDiff, steps: np.ndarray, a: Outcome, b: Outcome) -> CaseDiff:
    if a.raised or b.raised:
        diff.values = len(steps)
        same = a.raised and b.raised and (a.error, a.phase) == (b.error, b.phase)
        return _raising(diff, (a, b), (a.raised, b.raised), same, "returns values")
    errors_a, errors_b = _step_errors(a, len(steps)), _step_errors(b, len(steps))
    if not np.array_equal(errors_a, errors_b):
        diff.values = len(steps)
        diff.identical = int((errors_a == errors_b).sum())
        diff.raises = True
        i = int(np.argmax(errors_a != errors_b))
        diff.step = int(steps[i])
        diff.a = f"raises {errors_a[i]}" if errors_a[i] else _show(np.asarray(a.values)[i])
        diff.b = f"raises {errors_b[i]}" if errors_b[i] else _show(np.asarray(b.values)[i])
        return diff
    values = errors_a == None  # noqa: E711 - element-wise over an object array
    av, bv = np.asarray(a.values), np.asarray(b.values)
    if av.shape == bv.shape == steps.shape:
        return compare_values(diff, steps[values], av[values], bv[values])
    return compare_values(diff, steps, av, bv)


def _step_errors(outcome: Outcome, n: int) -> np.ndarray:
    if outcome.step_errors is None:
        return np.full(n, None, dtype=object)
    return np.asarray(outcome.step_errors, dtype=object)


def compare_trajectories(diff: CaseDiff, a: Trajectory, b: Trajectory) -> CaseDiff:
    if a.error is not None or b.error is not None:
        diff.values = 1
        raised = (a.error is not None, b.error is not None)
        return _raising(diff, (a, b), raised, a.error == b.error, "runs")
    updates_a = np.arange(len(a.params)) if a.rows is None else np.asarray(a.rows)
    updates_b = np.arange(len(b.params)) if b.rows is None else np.asarray(b.rows)
    common = np.intersect1d(updates_a, updates_b)
    rows_a = a.params[np.searchsorted(updates_a, common)]
    rows_b = b.params[np.searchsorted(updates_b, common)]
    compare_values(diff, common, rows_a, rows_b)
    if a.counter != b.counter and not diff.differs:
        diff.raises = True
        diff.a, diff.b = f"counter {a.counter}", f"counter {b.counter}"
    return diff


# -- the whole catalogue -------------------------------------------------------------------


@dataclass
class Plan:
    """What is compared: per API, the entry pairs (or why there are none)."""

    apis: list[str]
    pairs: dict[str, list[Pair]]
    missing: dict[str, str]
    unpaired: dict[str, list[str]]


def plan(a: Oracle, b: Oracle, apis: Iterable[str]) -> Plan:
    result = Plan(list(apis), {}, {}, {})
    for api in result.apis:
        entries_a, entries_b = a.entry_points(api), b.entry_points(api)
        if not entries_a or not entries_b:
            reasons = [o.missing_reason(api) for o, e in ((a, entries_a), (b, entries_b)) if not e]
            result.missing[api] = "; ".join(reasons)
            continue
        pairs, unpaired = pair_entries(entries_a, entries_b)
        if not pairs:
            result.missing[api] = "no entry points to pair: " + ", ".join(
                e.key for e in entries_a + entries_b
            )
            continue
        result.pairs[api] = pairs
        if unpaired:
            result.unpaired[api] = [e.key for e in unpaired]
    return result


@dataclass(frozen=True)
class _Comparison:
    """One case on one pair of entry points and one path, on the steps both oracles hold; or
    why it cannot be made (a frozen set without the case)."""

    case: Case | OptimizerCase
    pair: Pair
    path: str
    skipped: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.case.id, self.pair.label, self.path)


def comparisons(oracles: Sequence[Oracle], planned: Plan, paths: Sequence[str]) -> list:
    """Every comparison of the plan, in catalogue order. A schedule case is compared on all its
    steps on the vector path and on its sampled steps on the scalar path, narrowed by each
    oracle (a frozen set: to its stored steps)."""
    found = []
    for api, pairs in planned.pairs.items():
        for case in of(api):
            for pair in pairs:
                if not (case.applies_to(pair.a) and case.applies_to(pair.b)):
                    continue
                if isinstance(case, OptimizerCase):
                    if "trajectory" in paths:
                        found.append(_Comparison(case, pair, "trajectory"))
                    continue
                for path in (p for p in ("scalar", "vector") if p in paths):
                    compared = case if path == "vector" else case.sampled()
                    try:
                        for oracle, entry in zip(oracles, (pair.a, pair.b)):
                            compared = oracle.restrict(compared, entry)
                    except VectorError as error:
                        found.append(_Comparison(case, pair, path, skipped=str(error)))
                        continue
                    found.append(_Comparison(compared, pair, path))
    return found


def diff(
    a: Oracle,
    b: Oracle,
    apis: Sequence[str],
    paths: Sequence[str] = PATHS,
    progress: Callable[[str], None] = lambda label: None,
    close: Callable[[Oracle], None] = lambda oracle: None,
) -> tuple[Plan, list[CaseDiff]]:
    """Every case of ``apis`` on both oracles: the plan and one :class:`CaseDiff` per case,
    pair of entry points and path, in catalogue order. ``a`` is evaluated whole (in batches:
    its ``prefetch``) before ``b`` starts; ``close`` is called on each when it is done."""
    planned = plan(a, b, apis)
    todo = comparisons((a, b), planned, paths)
    results: list[dict] = []
    for oracle, side in ((a, "a"), (b, "b")):
        progress(f"{oracle.name}: evaluating")
        ready = [c for c in todo if not c.skipped]
        oracle.prefetch(
            (c.case, getattr(c.pair, side), c.path) for c in ready if c.path != "trajectory"
        )
        found = {}
        for comparison in ready:
            progress(f"{oracle.name}: {comparison.case.id}")
            entry = getattr(comparison.pair, side)
            found[comparison.key] = _outcome(oracle, comparison.case, entry, comparison.path)
        results.append(found)
        close(oracle)
    diffs = []
    for comparison in todo:
        case = comparison.case
        item = CaseDiff(
            case.id, case.api, frozenset(case.tags), comparison.pair.label, comparison.path
        )
        first = results[0].get(comparison.key)
        second = results[1].get(comparison.key)
        if comparison.skipped:
            item.skipped = comparison.skipped
        elif isinstance(first, Exception) or isinstance(second, Exception):
            item.skipped = str(first if isinstance(first, Exception) else second)
        elif comparison.path == "trajectory":
            compare_trajectories(item, first, second)
        else:
            compare_outcomes(item, case.steps, first, second)
        diffs.append(item)
    return planned, diffs


def _outcome(oracle: Oracle, case, entry: EntryPoint, path: str):
    """The oracle's outcome (or trajectory); a frozen set's VectorError instead of raising."""
    try:
        if path == "trajectory":
            return oracle.trajectory(case, entry)
        return oracle.evaluate(case, entry, path)
    except VectorError as error:
        return error


def summarize(planned: Plan, diffs: list[CaseDiff], tag: str | None = None) -> list[Summary]:
    """One summary per API (and path) of the plan, in catalogue order; only the cases with
    ``tag`` when given (APIs without such cases are left out)."""
    summaries = []
    for api in planned.apis:
        if api in planned.missing:
            if tag is None or any(tag in c.tags for c in of(api)):
                summaries.append(Summary(api, "-", missing=planned.missing[api]))
            continue
        for path in PATHS:
            chosen = [
                d
                for d in diffs
                if d.api == api and d.path == path and (tag is None or tag in d.tags)
            ]
            if chosen:
                summaries.append(Summary(api, path, chosen))
    return summaries


# -- reports -------------------------------------------------------------------------------


def _ulp(value: float) -> str:
    if value == 0:
        return "0"
    if value == 0.5:
        return "<1"
    if np.isinf(value):
        return "inf"
    return f"{value:.0f}" if value < 1e6 else f"{value:.3g}"


def _percent(summary: Summary) -> str:
    if not summary.values:
        return "-"
    share = 100 * summary.share
    text = f"{share:.1f}" if share < 100 else "100"
    return ("99.9" if text == "100.0" and summary.share < 1 else text) + " %"


def _first(summary: Summary) -> str:
    first = summary.first
    if summary.missing:
        return summary.missing
    if first is None:
        return ""
    where = f"{first.case} [{first.pair}]" + (
        f" step {first.step}" if first.step is not None else ""
    )
    return f"{where}: {first.a} vs {first.b}" + (f" ({_ulp(first.ulp)} ULP)" if first.ulp else "")


def _cells(summary: Summary) -> list[str]:
    return [
        summary.api,
        summary.path,
        str(summary.cases),
        str(summary.values),
        summary.status if summary.status in ("missing", "not compared") else _percent(summary),
        _ulp(summary.worst_ulp) if summary.values else "-",
        str(len(summary.raising)),
        summary.status,
    ]


HEADERS = ["API", "path", "cases", "values", "bit-exact", "worst ULP", "raise!=", "status"]

#: The table's width: its rows and wrapped lines fit in this many columns.
WIDTH = 100


def _wrapped(text: str, indent: str = "  ", more: str = "      ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=more)


def _header(names: list[str], versions: list[dict]) -> list[str]:
    lines = _wrapped(f"diff: A = {names[0]}; B = {names[1]}", "", "  ")
    for label, found in zip("AB", versions):
        lines += _wrapped(f"{label}: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    return lines


def render_table(names, versions, planned: Plan, summaries: list[Summary]) -> str:
    # Without the status column, which the share and the raises tell: 100 columns.
    rows = [HEADERS[:-1]] + [_cells(s)[:-1] for s in summaries]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = _header(names, versions) + [""]
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    firsts = [(s, _first(s)) for s in summaries if s.status in ("differs", "raises", "missing")]
    if firsts:
        lines += ["", "First differences (A vs B):"]
        for summary, text in firsts:
            lines += _wrapped(f"{summary.api} {summary.path}: {text}")
    unpaired = [f"{api}: {', '.join(keys)}" for api, keys in planned.unpaired.items()]
    if unpaired:
        lines += ["", *_wrapped("Entry points with no counterpart: " + "; ".join(unpaired), "")]
    skipped = sorted({d.skipped for s in summaries for d in s.diffs if d.skipped})
    if skipped:
        lines += ["", *_wrapped("Not compared: " + "; ".join(skipped[:5]), "")]
    return "\n".join(lines) + "\n"


def render_markdown(names, versions, planned: Plan, summaries: list[Summary]) -> str:
    lines = [f"**A** = {names[0]}, **B** = {names[1]}", ""]
    lines.append("| " + " | ".join([*HEADERS, "first difference (A vs B)"]) + " |")
    lines.append("|" + "---|" * (len(HEADERS) + 1))
    for summary in summaries:
        cells = [*_cells(summary), _first(summary)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def summary_record(summary: Summary) -> dict:
    first = summary.first
    return {
        "api": summary.api,
        "path": summary.path,
        "status": summary.status,
        "missing": summary.missing or None,
        "cases": summary.cases,
        "values": summary.values,
        "identical": summary.identical,
        "worst_ulp": None if np.isinf(summary.worst_ulp) else summary.worst_ulp,
        "raising_cases": [d.case for d in summary.raising],
        "first_difference": None
        if first is None
        else {
            "case": first.case,
            "entry_points": first.pair,
            "step": first.step,
            "a": first.a,
            "b": first.b,
            "ulp": None if np.isinf(first.ulp) else first.ulp,
        },
    }


def render_json(names, versions, planned: Plan, summaries: list[Summary]) -> str:
    document = {
        "a": {"name": names[0], "versions": versions[0]},
        "b": {"name": names[1], "versions": versions[1]},
        "apis": [summary_record(s) for s in summaries],
        "unpaired_entry_points": planned.unpaired,
    }
    return json.dumps(document, indent=1) + "\n"


RENDERERS = {"table": render_table, "json": render_json, "markdown": render_markdown}

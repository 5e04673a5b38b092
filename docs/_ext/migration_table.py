"""The cross-framework migration table (docs/migration.md), from actual runs.

Two steps, because TensorFlow-with-tensorflow-addons (TF <= 2.15) and the newest TF cannot share
an environment:

    # in each environment that has TensorFlow and the framework (torch, optax):
    python docs/_ext/migration_table.py run pytorch docs/migration_results/pytorch-tf2.21.json
    # then, anywhere (no TensorFlow needed):
    python docs/_ext/migration_table.py render docs/migration_results/*.json > docs/migration.md

``run`` checks the framework's adapter (``conformance.targets.<framework>``) on every case of
the catalogue, on every entry point this TensorFlow has, through the suite's own comparison
(:func:`conformance.compare.compare`): float32 mode against TensorFlow's scalar path (what
training sees) at every step of the case, within the case's ULP budget; float64 mode against the
derived bound of :mod:`conformance.tolerance`. It records, per API and recipe, what happened.
``render`` merges the files (an API is taken from the first file that has it) and writes the page.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

#: Verdicts, best first.
EXACT, ROUNDING, DIFFERS, IMPOSSIBLE = "exact", "rounding", "differs", "impossible"


def run(framework: str, output: Path, only: list[str] | None = None) -> None:
    from conformance.cases import CASES
    from conformance.check import MODES, plan
    from conformance.compare import compare
    from conformance.oracles.tensorflow import tensorflow
    from conformance.outcome import Outcome
    from conformance.targets import Target, evaluate, fed_steps, tf_api

    target = Target.load(f"conformance.targets.{framework}")
    oracle = tensorflow()
    scalar_modes = {m for m in MODES if m[1] == "scalar"}
    records = []
    checks = [
        c
        for c in plan(oracle, CASES)
        if (c.dtype, c.path) in scalar_modes
        and (not only or any(name in c.case.api for name in only))
    ]
    for number, check in enumerate(checks):
        case = check.case
        print(f"[{number + 1}/{len(checks)}] {check.id}", file=sys.stderr)
        tf_outcome = oracle.evaluate(case, check.entry, "scalar")
        tf_api.last_recipe = None
        factory = target.schedule_factory(case, check.dtype, check.entry.flavor)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outcome = evaluate(factory, fed_steps(case))
        recipe = tf_api.last_recipe
        record = {
            "api": case.api,
            "case": case.id,
            "entry": check.entry.label,
            "dtype": check.dtype,
            "recipe": recipe.label if recipe else None,
            "when": recipe.when if recipe else None,
            "source": recipe.source() if recipe else None,
            "invalid": "invalid" in case.tags,
            "tf_error": tf_outcome.error,
            "target_error": outcome.error,
            "message": outcome.message.splitlines()[0][:200] if outcome.message else "",
        }
        unreached = _unreached(outcome)
        if outcome.error == "NotReached" or (unreached is not None and unreached.all()):
            record["status"] = "not_reached"
            records.append(record)
            continue
        if unreached is not None and unreached.any():
            keep = ~unreached
            record["not_reached_steps"] = int(unreached.sum())
            case = replace(case, steps=case.steps[keep])
            tf_outcome = _subset(tf_outcome, keep, Outcome)
            outcome = _subset(outcome, keep, Outcome)
        verdict = compare(
            case, outcome, tf_outcome, dtype=check.dtype, where=check.where, reproducer=[]
        )
        record.update(
            status="pass" if verdict.passed else "fail",
            message=verdict.message[:400],
            steps=verdict.steps_checked,
            bit_exact=verdict.bit_exact,
            worst=verdict.worst,
        )
        if (
            outcome.values is not None
            and tf_outcome.values is not None
            and not outcome.raised
            and not tf_outcome.raised
        ):
            record.update(
                _relative(case, np.asarray(outcome.values), np.asarray(tf_outcome.values))
            )
        records.append(record)
    metadata = {
        "framework": framework,
        "framework_version": target.version,
        "versions": oracle.versions(),
        "numpy": np.__version__,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {"metadata": metadata, "records": records}, indent=1, sort_keys=True, default=str
        )
        + "\n",
        encoding="utf-8",
    )


class _TargetError(Exception):
    """An error the target's trajectory carries (its class name, and message)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def run_optimizers(framework: str, output: Path, only: list[str] | None = None) -> None:
    """Every optimizer case through the framework's optimizer, against TensorFlow's trajectory
    (:mod:`conformance.trajectory`): the worst relative error over the trajectory, and the first
    update where it passes the float32 bar (1e-6 of the parameter's scale)."""
    from conformance.cases import OPTIMIZER_CASES
    from conformance.oracles.tensorflow import tensorflow
    from conformance.targets import Target
    from conformance.trajectory import FLOAT32_RELATIVE, compare_trajectories

    target = Target.load(f"conformance.targets.{framework}")
    oracle = tensorflow()
    plan = []
    for case in OPTIMIZER_CASES:
        if only and not any(name in case.api for name in only):
            continue
        # A TF trajectory takes seconds: the table runs each optimizer's hyperparameter sets
        # with a float learning rate (and the sparse cases), on the first entry point.
        # And the weight decay and clipping cases, which the adapters reproduce.
        shown = {"lr-float", "sparse", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm"}
        if not shown & case.tags and not case.id.endswith("lr-float"):
            continue
        for entry in oracle.entry_points(case.api)[:1]:
            if not case.applies_to(entry):
                continue
            plan += [(case, entry, dtype) for dtype in ("float32", "float64")]
    records = []
    for number, (case, entry, dtype) in enumerate(plan):
        print(f"[{number + 1}/{len(plan)}] {case.id}|{entry.key}|{dtype}", file=sys.stderr)
        record = {
            "kind": "optimizer",
            "api": case.api,
            "case": case.id,
            "entry": entry.label,
            "dtype": dtype,
            "invalid": False,
            "tf_error": None,
        }
        try:
            optimizer = target.optimizer(case, entry.flavor, dtype)
            record["recipe"] = getattr(optimizer, "label", type(optimizer).__name__)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ours = target.trajectory(case, entry.flavor, dtype)
            if ours.error is not None:
                # The target's own error (Target.trajectory returns it, to compare with
                # TensorFlow's): the framework has no equivalent, or fails.
                raise _TargetError(ours.error, ours.message)
            verdict = compare_trajectories(
                case,
                ours,
                oracle.trajectory(case, entry),
                dtype=dtype,
                where=entry.label,
                reproducer=[],
            )
        except Exception as error:  # noqa: BLE001 - the framework's failure is the result
            record.update(
                status="error",
                target_error=error.name
                if isinstance(error, _TargetError)
                else type(error).__name__,
                message=str(error).splitlines()[0][:200] if str(error) else "",
            )
            records.append(record)
            continue
        passed = verdict.worst <= FLOAT32_RELATIVE if dtype == "float32" else verdict.passed
        record.update(
            status="pass" if passed else "fail",
            bound=verdict.bound,
            worst=verdict.worst,
            first_step=verdict.first_step,
            target_error=ours.error,
            message=verdict.detail[:300],
        )
        records.append(record)
    metadata = {
        "framework": framework,
        "framework_version": target.version,
        "versions": oracle.versions(),
        "numpy": np.__version__,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {"metadata": metadata, "records": records}, indent=1, sort_keys=True, default=str
        )
        + "\n",
        encoding="utf-8",
    )


def _unreached(outcome) -> np.ndarray | None:
    if outcome.step_errors is None:
        return None
    return np.asarray([e == "NotReached" for e in outcome.step_errors])


def _subset(outcome, keep: np.ndarray, outcome_type):
    if outcome.raised:
        return outcome
    errors = None if outcome.step_errors is None else np.asarray(outcome.step_errors)[keep]
    return outcome_type(
        values=np.asarray(outcome.values).reshape(-1)[keep],
        step_errors=errors,
        message=outcome.message,
    )


def _relative(case, target: np.ndarray, tf: np.ndarray) -> dict:
    """The worst relative difference |target - TF| / max(|target|, |TF|) and where the values
    first differ at all."""
    t, o = target.reshape(-1).astype(np.float64), tf.reshape(-1).astype(np.float64)
    if t.shape != o.shape:
        return {}
    with np.errstate(all="ignore"):
        same = (t == o) | (np.isnan(t) & np.isnan(o))
        scale = np.maximum(np.abs(t), np.abs(o))
        relative = np.where(same, 0.0, np.abs(t - o) / np.where(scale == 0, 1.0, scale))
    relative = np.where(np.isnan(relative), np.inf, relative)
    if same.all():
        return {"relative": 0.0}
    first = int(np.argmax(~same))
    worst = int(np.argmax(relative))
    return {
        "relative": float(relative[worst]),
        "worst_step": int(case.steps[worst]),
        "first_step": int(case.steps[first]),
        "first_target": float(t[first]),
        "first_tf": float(o[first]),
    }


# -- render ----------------------------------------------------------------------------------

FRAMEWORKS = (("pytorch", "PyTorch"), ("optax", "optax"))


def render(files: list[Path]) -> str:
    runs = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    for result in runs:
        for record in result["records"]:
            record["message"] = _readable(record.get("message") or "")
    by_framework: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    provenance: dict[str, list[str]] = defaultdict(list)
    for result in runs:
        meta = result["metadata"]
        apis = defaultdict(list)
        for record in result["records"]:
            apis[record["api"]].append(record)
        taken = [a for a in apis if a not in by_framework[meta["framework"]]]
        for api in taken:
            by_framework[meta["framework"]][api] = apis[api]
        if taken:
            versions = ", ".join(
                f"{k} {v}" for k, v in meta["versions"].items() if not v.startswith("absent")
            )
            provenance[meta["framework"]].append(
                f"{meta['framework']} {meta['framework_version']} against {versions} "
                f"(numpy {meta['numpy']}): {', '.join(taken)}"
            )
    from conformance import registry

    order = registry.names()
    found = {a for f in by_framework.values() for a in f}
    apis = [a for a in order if a in found] + sorted(found - set(order))
    optimizer_apis = [a for a in apis if _is_optimizer(by_framework, a)]
    apis = [a for a in apis if a not in optimizer_apis]
    # Summary first: what a reader came for; then the detail per API; maintenance notes last.
    lines = [HEADER, "", "## Summary", ""]
    lines += ["| TensorFlow schedule | PyTorch | optax |", "|---|---|---|"]
    for api in apis:
        cells = [_summary_cell(_recipes(by_framework[name].get(api, []))) for name, _ in FRAMEWORKS]
        lines.append(f"| `{_tf_name(api)}` | {cells[0]} | {cells[1]} |")
    if optimizer_apis:
        lines += ["", "| TensorFlow optimizer | PyTorch | optax |", "|---|---|---|"]
        for api in optimizer_apis:
            cells = [_optimizer_cell(by_framework[name].get(api, [])) for name, _ in FRAMEWORKS]
            lines.append(f"| `{_tf_name(api)}` | {cells[0]} | {cells[1]} |")
    lines += ["", LEGEND, "", "## Schedules", "", SCHEDULES]
    for api in apis:
        lines += ["", f"### `{_tf_name(api)}`", ""]
        for name, title in FRAMEWORKS:
            records = by_framework[name].get(api, [])
            if not records:
                continue
            lines += [f"#### {title}", ""]
            for group in _recipes(records).values():
                lines += _recipe_section(group[0]["recipe"] or "(none)", group)
            lines += _invalid_section(records)
    if optimizer_apis:
        lines += ["", OPTIMIZERS]
        for api in optimizer_apis:
            lines += ["", f"### `{_tf_name(api)}`", ""]
            lines += [OPTIMIZER_NOTES.get(api.split(".")[-1], ""), ""]
            for name, title in FRAMEWORKS:
                records = by_framework[name].get(api, [])
                if records:
                    lines += _optimizer_section(title, records)
    lines += ["", MAINTENANCE, "", "Runs behind this page:", ""]
    lines += [f"- {line}" for name, _ in FRAMEWORKS for line in provenance.get(name, [])]
    return "\n".join(lines).rstrip() + "\n"


def _is_optimizer(by_framework, api: str) -> bool:
    return any(r.get("kind") == "optimizer" for f in by_framework.values() for r in f.get(api, []))


def _optimizer_cell(records: list[dict]) -> str:
    if not records:
        return "—"
    groups: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        groups[record.get("recipe") or "(none)"].append(record)

    def verdicts(group: list[dict]) -> str:
        dense = [r for r in group if "/sparse/" not in r["case"]]
        sparse = [r for r in group if "/sparse/" in r["case"]]
        parts = []
        for kind, part in (("dense", dense), ("sparse", sparse)):
            f32 = [r for r in part if r["dtype"] == "float32"]
            if f32:
                exact = sum(r["status"] == "pass" for r in f32)
                verdict = EXACT if exact == len(f32) else DIFFERS
                parts.append(f"{kind} **{verdict}** ({exact}/{len(f32)} cases exact)")
        return ", ".join(parts)

    return "<br>".join(f"`{label}`: {verdicts(g)}" for label, g in groups.items())


def _optimizer_section(title: str, records: list[dict]) -> list[str]:
    lines = [
        f"{title}:",
        "",
        "| case | recipe | float32: worst relative error | "
        "float64: within TF's float32 error | verdict |",
        "|---|---|---|---|---|",
    ]
    by_case: dict[str, dict[str, dict]] = defaultdict(dict)
    for record in records:
        by_case[record["case"]][record["dtype"]] = record
    for case, modes in by_case.items():
        f32, f64 = modes.get("float32"), modes.get("float64")
        if f32 is not None and f32["status"] == "error":
            lines.append(
                f"| `{case}` | `{f32.get('recipe')}` | raises {f32['target_error']}: "
                f"{f32['message']} | | **{IMPOSSIBLE}** |"
            )
            continue
        worst = f"{f32['worst']:.2g}" if f32 else ""
        within = (
            ""
            if f64 is None
            else ("yes" if f64["status"] == "pass" else f"no ({f64['worst']:.2g})")
        )
        verdict = EXACT if f32 and f32["status"] == "pass" else DIFFERS
        recipe = (f32 or f64).get("recipe")
        lines.append(f"| `{case}` | `{recipe}` | {worst} | {within} | **{verdict}** |")
    return lines + [""]


#: A numpy scalar's repr inside a recorded message (numpy >= 2 writes ``np.float64(0.1)``).
_NUMPY_SCALAR = re.compile(r"np\.(?:float|int|uint)(?:16|32|64)\(([^()]*)\)")
#: The comparison's "(N digits agree)" remark, which says nothing the relative error does not.
_DIGITS_AGREE = re.compile(r" \((?:-?inf|nan|-?\d+(?:\.\d+)?) digits agree\)")


def _readable(message: str) -> str:
    """A recorded message as the page prints it: numbers as numbers, no internal remarks."""
    return _DIGITS_AGREE.sub("", _NUMPY_SCALAR.sub(r"\1", message))


#: Code on the page fits the column of a desktop browser (and ruff's width, which is larger).
CODE_WIDTH = 88


def wrap_source(source: str, width: int = CODE_WIDTH) -> str:
    """A recipe's source (one statement a line, as recorded) with each line too long for the
    page broken as ruff formats a call: the arguments on an indented line of their own, or one
    argument a line, each with a trailing comma, when even that is too long."""
    return "\n".join(wrapped for line in source.splitlines() for wrapped in _wrap(line, width))


def _wrap(line: str, width: int) -> list[str]:
    trailing = "," if line.endswith(",") else ""
    code = line[: len(line) - len(trailing)]
    if len(line) <= width or not code.endswith((")", "]", "}")):
        return [line]
    opening = _matching_open(code)
    if opening is None:
        return [line]
    outer = code[: len(code) - len(code.lstrip())]
    indent = outer + " " * 4
    head, body, closing = code[: opening + 1], code[opening + 1 : -1], code[-1]
    before = code[opening - 1] if opening else " "
    grouping = closing == ")" and not (before.isalnum() or before in "_)]")
    if len(indent) + len(body) <= width:
        return [head, indent + body, outer + closing + trailing]
    if grouping:
        # Parentheses around an expression: a comma after it would make a tuple.
        return [head, *_wrap(indent + body, width), outer + closing + trailing]
    lines = [head]
    for argument in _split_arguments(body):
        lines += _wrap(indent + argument.strip() + ",", width)
    return [*lines, outer + closing + trailing]


def _brackets(text: str, reverse: bool = False) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` for every character of ``text`` outside string literals, read
    forwards (or backwards), ``depth`` the bracket nesting there, its own bracket included."""
    opening, closing = (")]}", "([{") if reverse else ("([{", ")]}")
    depth, quote = 0, None
    for index in range(len(text) - 1, -1, -1) if reverse else range(len(text)):
        char = text[index]
        if quote or char in "\"'":
            quote = None if char == quote else (quote or char)
            continue
        depth += char in opening
        yield index, char, depth
        depth -= char in closing


def _matching_open(line: str) -> int | None:
    """Where the bracket that the line's last character closes opens."""
    for index, char, depth in _brackets(line, reverse=True):
        if depth == 1 and char in "([{":
            return index
    return None


def _split_arguments(body: str) -> list[str]:
    """``body`` split at its top-level commas (outside brackets and strings)."""
    cuts = [index for index, char, depth in _brackets(body) if char == "," and depth == 0]
    parts = [body[i + 1 : j] for i, j in zip([-1, *cuts], [*cuts, len(body)])]
    return [p for p in parts if p.strip()]


def _tf_name(api: str) -> str:
    from conformance import registry

    return registry.get(api).tensorflow


def _recipes(records: list[dict]) -> dict[str, list[dict]]:
    """The valid cases' records, grouped by the recipe (its source) that ran them."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        if record["invalid"] or record["tf_error"]:
            continue
        groups[f"{record['recipe']} | {record['when']}"].append(record)
    return groups


def _verdict(group: list[dict]) -> tuple[str, str]:
    """The verdict of one recipe over its valid cases, and the detail."""
    impossible = [r for r in group if r["target_error"] == "NotImplementedError"]
    if impossible and len(impossible) == len(group):
        return IMPOSSIBLE, impossible[0]["message"]
    compared = [r for r in group if r.get("status") in ("pass", "fail")]
    f32 = [r for r in compared if r["dtype"] == "float32"]
    f64 = [r for r in compared if r["dtype"] == "float64"]
    if not compared:
        return IMPOSSIBLE, group[0]["message"]
    if all(r["status"] == "pass" for r in f32):
        worst = max((r["worst"] for r in f32), default=0)
        exact = sum(r["bit_exact"] for r in f32), sum(r["steps"] for r in f32)
        return EXACT, (
            f"float32: every step within the budget (worst {worst:g} ULP; "
            f"{exact[0]}/{exact[1]} steps bit-exact)"
        )
    failing = [r for r in f32 if r["status"] == "fail"]
    worst = max(failing, key=lambda r: r.get("relative", np.inf))
    first = failing[0]
    detail = (
        f"{len(failing)}/{len(f32)} float32 checks over the ULP budget; first in "
        f"`{first['case']}` at step {first.get('first_step')}: "
        f"{first.get('first_target')!r} vs TensorFlow {first.get('first_tf')!r}; worst "
        f"relative error {worst.get('relative', np.inf):.2g} in `{worst['case']}` at step "
        f"{worst.get('worst_step')}"
    )
    if target_errors := [r for r in failing if r.get("target_error") or "raises" in r["message"]]:
        detail += f"; {target_errors[0]['message'].split(';')[0]} (`{target_errors[0]['case']}`)"
    if f64 and all(r["status"] == "pass" for r in f64):
        return ROUNDING, detail + "; every float64 value within TensorFlow's own float32 error"
    bad64 = [r for r in f64 if r["status"] == "fail"]
    if bad64:
        cases = sorted({r["case"] for r in bad64})
        detail += (
            f"; a different function (float64 outside TensorFlow's float32 error) in "
            f"{', '.join(f'`{c}`' for c in cases)}: "
            f"{bad64[0]['message'].split(';')[0]}"
        )
    return DIFFERS, detail


def _summary_cell(groups: dict[str, list[dict]]) -> str:
    if not groups:
        return "—"

    def name(group: list[dict]) -> str:
        return group[0]["recipe"] + (f" ({group[0]['when']})" if len(groups) > 1 else "")

    return "<br>".join(f"{name(g)}: **{_verdict(g)[0]}**" for g in groups.values())


def _recipe_section(label: str, group: list[dict]) -> list[str]:
    verdict, detail = _verdict(group)
    cases = sorted({r["case"] for r in group})
    unreached = sorted(
        {r["case"] for r in group if r.get("status") == "not_reached" or r.get("not_reached_steps")}
    )
    lines = [
        f"**{label}** — used when: {group[0]['when']}. Verdict: **{verdict}**: {detail}.",
        f"Cases ({len(cases)}): {', '.join(f'`{c}`' for c in cases)}.",
    ]
    if unreached:
        lines.append(
            f"Steps not reached in {', '.join(f'`{c}`' for c in unreached)} "
            "(see the recipe's driver)."
        )
    for source in dict.fromkeys(r["source"] for r in group if r["source"]):
        # A class of its own: generated code may scroll sideways where a line cannot be broken.
        lines += ["", "```{code-block} python", ":class: generated-code", "", wrap_source(source)]
        lines += ["```"]
    return lines + [""]


def _invalid_section(records: list[dict]) -> list[str]:
    invalid = [r for r in records if r["invalid"] or r["tf_error"]]
    if not invalid:
        return []
    same = [r for r in invalid if r["status"] == "pass"]

    def outcome(record: dict) -> str:
        if not record["tf_error"] and not record["target_error"]:
            return "both return values, different ones"
        return (
            f"TF {record['tf_error'] or 'returns values'}, recipe "
            f"{record['target_error'] or 'returns values'}"
        )

    examples = sorted({f"`{r['case']}`: {outcome(r)}" for r in invalid if r["status"] != "pass"})
    lines = [
        f"Bad input ({len({r['case'] for r in invalid})} cases): "
        f"{len(same)}/{len(invalid)} checks behave as TensorFlow does."
    ]
    if examples:
        lines.append(
            "Different: "
            + "; ".join(examples[:6])
            + (f"; and {len(examples) - 6} more" if len(examples) > 6 else "")
            + "."
        )
    return lines + [""]


HEADER = """# Migration recipes: PyTorch and optax, verified

<!-- Generated by docs/_ext/migration_table.py from docs/migration_results/*.json: do not edit.
     Regenerate instead (see "Maintenance notes" at the end). -->

For every TensorFlow learning-rate schedule in the catalogue, and for Adam, RMSprop and SGD:
the closest PyTorch and optax recipe, and what running the conformance check on it found: the
recipe computes TensorFlow's float32 values (**exact**), the same function rounded differently
(**rounding**), or another function somewhere (**differs**). The code below is what ran (line
breaks added).

Argument names are Keras's (`initial_learning_rate`, `decay_steps`, ...); for
`tf.compat.v1.train.x`, read `learning_rate` for `initial_learning_rate`. A step is the number
of updates already applied (0 for the first update), in every framework."""

SCHEDULES = """Each schedule recipe was driven as training drives it (PyTorch: a `torch.optim.SGD`
optimizer, `optimizer.step()` then `scheduler.step()`, reading `get_last_lr()`; optax: the
schedule called with the update count) and compared with live TensorFlow at every step of every
case, on every entry point (Keras 3, tf_keras, `tf.compat.v1.train` eager and graph;
tensorflow-addons on TF 2.15), in float32 and in float64. The recipes live in
`conformance/targets/pytorch/recipes.py` and `conformance/targets/optax/recipes.py`."""

MAINTENANCE = """## Maintenance notes

Regenerate this page after changing a recipe, an adapter or the catalogue: each `run` in an
environment with lr-conformance installed (`pip install -e .`), TensorFlow and the framework
(the `tf` or `tfa` extra, plus `torch` or `optax`), then `render` anywhere:

```console
$ python docs/_ext/migration_table.py run pytorch \\
      docs/migration_results/pytorch-tf2.21.json
$ python docs/_ext/migration_table.py run optax \\
      docs/migration_results/optax-tf2.21.json
$ python docs/_ext/migration_table.py run pytorch --optimizers \\
      docs/migration_results/pytorch-optimizers-tf2.21.json
$ python docs/_ext/migration_table.py run optax --optimizers \\
      docs/migration_results/optax-optimizers-tf2.21.json
$ # tensorflow-addons, in an environment with TF 2.15 + tensorflow-addons 0.23:
$ python docs/_ext/migration_table.py run pytorch \\
      docs/migration_results/pytorch-tf2.15.json --api Cyclical
$ python docs/_ext/migration_table.py run optax \\
      docs/migration_results/optax-tf2.15.json --api Cyclical
$ python docs/_ext/migration_table.py render docs/migration_results/*.json \\
      > docs/migration.md
```"""

OPTIMIZERS = """## Optimizers

Each optimizer case is a whole training trajectory (1000 updates of seeded gradients in eight
regimes: normal, tiny, huge, sparse zeros, sign flips, zero, switching, small constant; see
`conformance/cases/`), run through the framework's optimizer with TF's hyperparameters and
through TensorFlow. The error is the worst `|theta - theta_TF| / max_t |theta_TF|` over every
parameter and update. **exact** here means the float32 trajectory stays within 1e-6 of
TensorFlow's (bit-exactness is not expected across frameworks); otherwise **differs**. The
float64 column says whether the framework's float64 trajectory stays within the bound
TensorFlow's own float32 trajectory keeps from the exact formula (`conformance/trajectory.py`).
A sparse gradient is given to both frameworks dense (the rows added up), as neither updates
sparse rows with these optimizers. The table runs each hyperparameter set with a float learning
rate, on the first TensorFlow entry point (Keras 3, `tf_keras.optimizers.legacy`,
`tf.compat.v1.train`). The adapters: `conformance/targets/pytorch/optimizers/`,
`conformance/targets/optax/optimizers/` (and `compat_v1.py` beside them)."""

#: What the PyTorch and optax optimizers compute differently (semantics research, section 8;
#: the tables measure how much it shows).
OPTIMIZER_NOTES = {
    "Adam": "TF adds epsilon before the bias correction (epsilon-hat); `torch.optim.Adam` and "
    "`optax.adam` add it after, so they differ wherever epsilon matters (tiny gradients, "
    "early updates). AMSGrad: TF and PyTorch keep the maximum of the uncorrected second "
    "moment, optax of the corrected one.",
    "RMSprop": "Keras 2.11+/3 and optax: epsilon inside the root, the learning rate applied "
    "before the momentum. PyTorch: epsilon outside the root, the learning rate after the "
    "momentum. The legacy Keras RMSprop without momentum adds epsilon outside the root, as "
    "PyTorch does (optax: `eps_in_sqrt=False`).",
    "AdamW": "Keras decays the weight by `weight_decay * learning_rate` before the Adam step, "
    "as `torch.optim.AdamW` (`weight * (1 - lr * weight_decay)`) and `optax.adamw` (added to "
    "the update) do; tensorflow-addons' AdamW decays by `weight_decay` alone, so its adapters "
    "pass `weight_decay / learning_rate` (a constant rate only). The Adam step differs as "
    "Adam's (epsilon-hat). Clipping: `clipvalue` is `clip_grad_value_` / `optax.clip`, "
    "`global_clipnorm` `clip_grad_norm_` over every parameter (which divides by `norm + 1e-6`) / "
    "`optax.clip_by_global_norm`; per-variable `clipnorm` has no optax transformation here.",
    "AdamOptimizer": "As Keras's Adam: epsilon-hat, default 1e-8.",
    "RMSPropOptimizer": "TF1 starts the mean square at 1 (optax: `initial_scale=1.0`; PyTorch: "
    "`optimizer.state[p]['square_avg']` set to ones before the first step), epsilon inside "
    "the root (PyTorch: outside), the momentum holding learning-rate-scaled updates (PyTorch: "
    "not).",
    "GradientDescentOptimizer": "Plain SGD everywhere.",
}

LEGEND = """Verdicts, over the catalogue's valid cases (bad input is counted apart, per API):

- **exact**: float32 rate within the case's ULP budget of TensorFlow's (what training sees) at
  every step.
- **rounding**: the same function, not the same float32 arithmetic. The recipe's float64 values
  are within TensorFlow's own float32 error of the exact value at every step (the suite's
  float64 check, bounds from `conformance/tolerance.py`), but its float32 values are more ULPs
  from TensorFlow's than the budget somewhere: TensorFlow rounds the constants and every
  operation to float32 (and, beyond 2**24, the step itself), the recipe rounds once. The
  worst relative error says how far TensorFlow's float32 result strays there.
- **differs**: a different function somewhere; the detail says where and by how much.
- **impossible**: the framework cannot express it; the reason is given.

PyTorch's schedulers compute in Python floats (float64): their float32 rate is that value rounded
once, so a recipe can be closer to the exact value than TensorFlow's float32 arithmetic is. optax
computes in float32 (XLA's own `exp`, `cos`, `pow`) unless `jax_enable_x64` is set."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="check one framework's adapter here")
    run_parser.add_argument("framework", choices=[name for name, _ in FRAMEWORKS])
    run_parser.add_argument("output", type=Path)
    run_parser.add_argument(
        "--api", nargs="+", metavar="TEXT", help="only the APIs whose name contains one of these"
    )
    run_parser.add_argument(
        "--optimizers",
        action="store_true",
        help="the optimizer trajectories instead of the schedules",
    )
    render_parser = commands.add_parser("render", help="write the page from run results")
    render_parser.add_argument("files", type=Path, nargs="+")
    options = parser.parse_args(argv)
    if options.command == "run":
        (run_optimizers if options.optimizers else run)(
            options.framework, options.output, options.api
        )
    else:
        sys.stdout.write(render(options.files))
    return 0


if __name__ == "__main__":
    sys.exit(main())

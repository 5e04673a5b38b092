"""Results files: what a port in any language computed for the vectors' cases, and its verdict.

A port reads the cases (``python -m conformance vectors cases``), computes each one, and writes
a results file (schema in ``SCHEMA.md``); ``python -m conformance compare --results FILE``
compares it with the golden vectors through the same comparison and report as ``check``.

Which checks a results file asks for: for every API it has results for, every case of that API
in the vector set, on every entry point its results cover (a result names an ``entry_point``,
a ``flavor``, or neither: then it stands for every entry point of the case), in every dtype its
results use for that API, on the scalar path; the vector path only where a result says it
computed it. A case the port left out is an error of that check, not a silent pass.

An optimizer case's result is the port's parameters after each of the stored updates
(``params``, one row per entry of the case's ``updates``) and its step counter at the end; it
is judged as ``check`` judges a trajectory (:mod:`conformance.optimizer_check`), the float64
bound taken from the reference's exact trajectory. The float32 mode of a case TensorFlow
computes with SIMD kernels (tag ``vector``) is not asked for, as ``check`` does not ask a
third-party target.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from conformance import optimizer_check, reproducer, schedule_check
from conformance.cases import Case, ExplicitGradients, OptimizerCase, SparseGradients
from conformance.check import Check, plan
from conformance.compare import Verdict, compare
from conformance.oracles import EntryPoint
from conformance.oracles.vectors import Vectors
from conformance.outcome import Outcome, Trajectory
from conformance.targets import Target, evaluate, fed_steps
from conformance.vectors import format as vf

DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class PortResult:
    """One entry of a results file."""

    index: int
    case: str
    dtype: str
    path: str
    entry_point: str | None
    flavor: str | None
    outcome: Outcome | None
    steps: np.ndarray | None
    #: An optimizer case's result: the parameters after the stored updates, and the counter.
    trajectory: Trajectory | None = None

    def covers(self, entry: EntryPoint) -> bool:
        if self.entry_point is not None:
            return self.entry_point == entry.key
        if self.flavor is not None:
            return self.flavor == (entry.flavor or "tfa")
        return True

    @property
    def specificity(self) -> int:
        return 2 if self.entry_point is not None else 1 if self.flavor is not None else 0


def check_results_file(document: Any, path: Path | str) -> list[PortResult]:
    """The entries of a results file; :class:`VectorError` naming the entry if one is wrong."""
    schema = vf._Schema(path)
    schema.require(document, "$", {"schema": int, "target": dict, "results": list})
    if document["schema"] != vf.SCHEMA:
        schema.fail("$.schema", f"is {document['schema']}; this lr-conformance reads {vf.SCHEMA}")
    schema.require(document["target"], "$.target", {"name": str})
    found = []
    for i, item in enumerate(document["results"]):
        where = f"$.results[{i}]"
        schema.require(item, where, {"case": str, "dtype": str})
        if item["dtype"] not in DTYPES:
            schema.fail(f"{where}.dtype", f"must be one of {DTYPES} (the target's mode)")
        path_name = item.get("path", "scalar")
        if path_name not in vf.PATHS:
            schema.fail(f"{where}.path", f"must be one of {vf.PATHS}")
        for key in ("entry_point", "flavor"):
            if not isinstance(item.get(key), (str, type(None))):
                schema.fail(f"{where}.{key}", "must be a string")
        steps = item.get("steps")
        if "params" in item:
            found.append(_optimizer_result(schema, item, i, where))
            continue
        if "error" in item:
            schema.require(item, where, {"error": str, "phase": str})
            if item["phase"] not in vf.PHASES:
                schema.fail(f"{where}.phase", f"must be one of {vf.PHASES}")
            outcome = Outcome(
                error=item["error"], phase=item["phase"], message=str(item.get("message", ""))
            )
        else:
            schema.require(item, where, {"values": list})
            count = len(item["values"])
            if steps is not None and (
                not isinstance(steps, list)
                or len(steps) != count
                or not all(isinstance(s, int) and not isinstance(s, bool) for s in steps)
            ):
                schema.fail(f"{where}.steps", "must be a list of integers, one per value")
            value_dtype = item.get("value_dtype", item["dtype"])
            if value_dtype not in vf.VALUE_DTYPES:
                schema.fail(f"{where}.value_dtype", f"must be one of {vf.VALUE_DTYPES}")
            record = {"dtype": value_dtype, "values": item["values"]}
            if "step_errors" in item:
                record["step_errors"] = item["step_errors"]
            schema.outcome(record, where, count)
            outcome = vf.decode_outcome(record)
        found.append(
            PortResult(
                index=i,
                case=item["case"],
                dtype=item["dtype"],
                path=path_name,
                entry_point=item.get("entry_point"),
                flavor=item.get("flavor"),
                outcome=outcome,
                steps=None if steps is None else np.asarray(steps, dtype=np.int64),
            )
        )
    return found


def _optimizer_result(schema, item: Mapping, index: int, where: str) -> PortResult:
    """A trajectory result: ``params`` rows (one per stored update, equal lengths) and
    ``counter``."""
    rows = item["params"]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        schema.fail(f"{where}.params", "must be a non-empty list of rows (one per update)")
    value_dtype = item.get("value_dtype", item["dtype"])
    for j, row in enumerate(rows):
        schema.values(row, f"{where}.params[{j}]", value_dtype, len(rows[0]), "parameter")
    counter = item.get("counter")
    if not isinstance(counter, (int, type(None))) or isinstance(counter, bool):
        schema.fail(f"{where}.counter", "must be an integer")
    params = np.stack([vf.decode_values(row, value_dtype) for row in rows]).astype(np.float64)
    return PortResult(
        index=index,
        case=item["case"],
        dtype=item["dtype"],
        path="scalar",
        entry_point=item.get("entry_point"),
        flavor=item.get("flavor"),
        outcome=None,
        steps=None,
        trajectory=Trajectory(params, counter),
    )


def read_results(path: Path | str) -> tuple[dict, list[PortResult]]:
    document = vf.load_json(Path(path))
    return document, check_results_file(document, path)


@dataclass
class Planned:
    """One check a results file asks for, and the entry that answers it (None: missing)."""

    check: Check
    answer: PortResult | None


def plan_results(
    oracle: Vectors,
    results: Sequence[PortResult],
    apis: Iterable[str] | None = None,
    dtype: str | None = None,
) -> tuple[list[Planned], dict[str, str], list[str]]:
    """The checks the results ask for; the APIs of the set with no results (api -> reason);
    results that name no case of the set."""
    index: dict[str, tuple[str, Case | OptimizerCase]] = {}
    for api in [*oracle.apis(), *oracle.optimizer_apis()]:
        for case in oracle.stored_cases(api):
            index[case.id] = (api, case)
    unknown = [
        f"results[{r.index}]: no case {r.case!r} in the {oracle.name} (nor tfa set)"
        for r in results
        if r.case not in index
    ]
    by_api: dict[str, list[PortResult]] = {}
    for result in results:
        if result.case in index and dtype in (None, result.dtype):
            by_api.setdefault(index[result.case][0], []).append(result)
    selected = list(apis) if apis is not None else [*oracle.apis(), *oracle.optimizer_apis()]
    planned, missing = [], {}
    for api in selected:
        answers = by_api.get(api)
        if not answers:
            if oracle.document(api) is not None:
                missing[api] = "the results file has no result for this API"
            continue
        if api in oracle.optimizer_apis():
            planned += _plan_optimizer(oracle, api, answers)
            continue
        entries = [e for e in oracle.entry_points(api) if any(r.covers(e) for r in answers)]
        dtypes = [d for d in DTYPES if any(r.dtype == d for r in answers)]
        for case in oracle.stored_cases(api):
            stored_entries = _stored_keys(oracle, case)
            for entry in entries:
                if entry.key not in stored_entries:
                    continue
                for mode in dtypes:
                    paths = ["scalar"]
                    if any(
                        r.case == case.id
                        and r.path == "vector"
                        and r.dtype == mode
                        and r.covers(entry)
                        for r in answers
                    ):
                        paths.append("vector")
                    for path in paths:
                        candidates = [
                            r
                            for r in answers
                            if r.case == case.id
                            and r.dtype == mode
                            and r.path == path
                            and r.covers(entry)
                        ]
                        answer = max(candidates, key=lambda r: r.specificity, default=None)
                        planned.append(Planned(Check(case, entry, mode, path), answer))
    return planned, missing, unknown


def _plan_optimizer(oracle: Vectors, api: str, answers: list[PortResult]) -> list[Planned]:
    entries = [e for e in oracle.entry_points(api) if any(r.covers(e) for r in answers)]
    dtypes = [d for d in DTYPES if any(r.dtype == d for r in answers)]
    planned = []
    for check in plan(oracle, oracle.stored_cases(api)):
        if check.entry not in entries or check.dtype not in dtypes:
            continue
        if check.dtype == "float32" and "vector" in check.case.tags:
            continue  # TensorFlow's SIMD kernels: see the module docstring
        candidates = [
            r
            for r in answers
            if r.case == check.case.id and r.dtype == check.dtype and r.covers(check.entry)
        ]
        answer = max(candidates, key=lambda r: r.specificity, default=None)
        planned.append(Planned(check, answer))
    return planned


def judge(
    planned: Planned, oracle: Vectors, results_name: str, results_path: str | None = None
) -> Verdict:
    """The comparison of one planned check, as ``check`` makes it (with the first divergence,
    the diagnosis and, for a failure, a program reading both values from the files:
    ``results_path`` is the results file as the command line named it); raises where the
    results file cannot answer it."""
    check, answer = planned.check, planned.answer
    if answer is None:
        raise LookupError(
            f"{results_name} has no {check.dtype} {check.path}-path result for case "
            f"{check.case.id!r} covering entry point {check.entry.key}"
        )
    path = results_path or results_name
    if check.is_optimizer:
        return _judge_trajectory(check, answer, oracle, results_name, path)
    case = check.case
    if answer.steps is not None:
        if check.path == "vector" and not np.array_equal(answer.steps, case.steps):
            raise LookupError(
                f"results[{answer.index}]: a vector-path result must be computed on exactly "
                "the stored steps, in order"
            )
        unknown = np.setdiff1d(answer.steps, case.steps)
        if len(unknown):
            raise LookupError(
                f"results[{answer.index}]: steps {unknown[:5].tolist()} are not stored for "
                f"{case.id!r}"
            )
        order = np.argsort(answer.steps, kind="stable")
        case = replace(case, steps=answer.steps[order])
        target = _reordered(answer.outcome, order)
    else:
        target = answer.outcome
        if not target.raised and len(np.asarray(target.values).reshape(-1)) != len(case.steps):
            raise LookupError(
                f"results[{answer.index}]: {len(target.values)} values for "
                f"{len(case.steps)} stored steps (give 'steps' to answer a subset)"
            )
    expected = oracle.evaluate(case, check.entry, check.path)
    verdict = compare(
        case,
        target,
        expected,
        dtype=check.dtype,
        where=check.where,
        exact=schedule_check.exact_values(case, check.entry.flavor),
    )
    if not verdict.passed:
        verdict.reproducer = reproducer.results_schedule(
            check, case, oracle, path, answer.index, verdict.index
        )
    return verdict


def _judge_trajectory(
    check, answer: PortResult, oracle: Vectors, results_name: str, path: str
) -> Verdict:
    tensorflow = oracle.trajectory(check.case, check.entry)
    run = answer.trajectory
    if run is None:
        run = Trajectory(None, error=answer.outcome.error, message=answer.outcome.message)
    elif tensorflow.params is not None and run.params.shape != tensorflow.params.shape:
        raise LookupError(
            f"results[{answer.index}]: params of shape {run.params.shape}; the case stores "
            f"{tensorflow.params.shape} (a row per stored update, a column per parameter)"
        )
    exact = None
    if check.dtype == "float64" and run.params is not None:
        exact = optimizer_check.reference_trajectory(
            check.case, check.entry.flavor, "float64"
        ).params
    verdict = optimizer_check.compare_with_tensorflow(check, run, tensorflow, [], exact)
    if not verdict.passed:
        verdict.diagnosis = optimizer_check.diagnose(check, run, tensorflow, verdict)
        divergence = verdict.first_divergence
        verdict.reproducer = reproducer.results_trajectory(
            check,
            oracle,
            path,
            answer.index,
            None if divergence is None else divergence.step,
            None if divergence is None else divergence.parameter,
        )
    return verdict


def prefetch_exact(planned: Iterable[Planned]) -> None:
    """Start computing the exact (float64) trajectories that :func:`judge` holds float64
    optimizer results to, in worker processes (:func:`conformance.optimizer_check.
    prefetch_reference`): only sooner, the same trajectories."""
    runs = [
        (item.check.case, item.check.entry.flavor, "float64")
        for item in planned
        if item.check.is_optimizer
        and item.check.dtype == "float64"
        and item.answer is not None
        and item.answer.trajectory is not None
    ]
    optimizer_check.prefetch_reference(runs, os.cpu_count() or 1)


def _reordered(outcome: Outcome, order: np.ndarray) -> Outcome:
    if outcome.raised:
        return outcome
    values = np.asarray(outcome.values).reshape(-1)[order]
    errors = None if outcome.step_errors is None else np.asarray(outcome.step_errors)[order]
    return Outcome(values=values, step_errors=errors, message=outcome.message)


# -- what a port reads, and a results file written from a Python target --------------------------


def cases_document(oracle: Vectors, apis: Iterable[str]) -> dict:
    """The cases a port must compute, in the results schema's input form."""
    found = []
    for api in apis:
        document = oracle.document(api)
        if document is None or api in oracle.optimizer_apis():
            continue
        entries = {e["key"]: e for e in document["entry_points"]}
        for record in document["cases"]:
            found.append(
                {
                    "case": record["id"],
                    "api": api,
                    "params": record["params"],
                    "step_dtype": record["step_dtype"],
                    "max_ulp": record["max_ulp"],
                    "tags": record["tags"],
                    "entry_points": [
                        {"key": key, "flavor": entries[key]["flavor"]} for key in record["results"]
                    ],
                    "steps": record["steps"],
                }
            )
    for api in apis:
        if api in oracle.optimizer_apis():
            found += _optimizer_cases(oracle, api)
    return {
        "schema": vf.SCHEMA,
        "vectors": oracle.versions()["golden vectors"],
        "cases": found,
    }


def _optimizer_cases(oracle: Vectors, api: str) -> list[dict]:
    """An optimizer API's cases with their numbers: the initial parameters and every step's
    gradients (float64; TensorFlow was fed them rounded to float32), or for the bad-input
    catalogue's explicit gradients each variable and gradient as written (its own dtype and
    shape; ``None``: no gradient)."""
    document = oracle.document(api)
    entries = {e["key"]: e for e in document["entry_points"]}
    found = []
    for record in document["cases"]:
        case = vf.optimizer_case_from_record(api, record)
        item = {
            "case": record["id"],
            "api": api,
            "kind": "optimizer",
            "params": record["params"],
            "learning_rate": record["learning_rate"],
            "tags": record["tags"],
            "float64": record["float64"],
            "entry_points": [
                {"key": key, "flavor": entries[key]["flavor"]} for key in record["results"]
            ],
            "updates": record["updates"],
            "shapes": list(case.gradients.shapes),
        }
        if isinstance(case.gradients, ExplicitGradients):
            written = vf.encode_gradients(case.gradients)
            item["initial"], item["explicit_gradients"] = written["initial"], written["updates"]
            found.append(item)
            continue
        arrays = vf.gradient_arrays(case.gradients)
        item["initial_params"] = vf.encode_values(arrays["initial_params"])
        if isinstance(case.gradients, SparseGradients):
            item["indices"] = [vf.encode_values(row) for row in arrays["indices"]]
            item["values"] = [[vf.encode_values(v) for v in step] for step in arrays["values"]]
        else:
            item["gradients"] = [vf.encode_values(row) for row in arrays["gradients"]]
        found.append(item)
    return found


def results_from_target(
    target: Target,
    oracle: Vectors,
    apis: Iterable[str],
    dtypes: Sequence[str] = DTYPES,
) -> dict:
    """A results file computed by a Python target (the reference, say): what a port in another
    language writes, one entry per case, flavour and dtype, on the stored steps."""
    entries: list[Mapping[str, Any]] = []
    apis = list(apis)
    if target.package is optimizer_check.REFERENCE.package:
        # The reference's trajectories, in worker processes while this one goes on.
        runs = [
            (check.case, check.entry.flavor, check.dtype)
            for api in apis
            if api in oracle.optimizer_apis()
            for check in plan(oracle, oracle.stored_cases(api))
            if check.dtype in dtypes
        ]
        optimizer_check.prefetch_reference(runs, os.cpu_count() or 1)
    for api in apis:
        if api in oracle.optimizer_apis():
            entries += _optimizer_results(target, oracle, api, dtypes)
            continue
        flavors = list(dict.fromkeys(e.flavor for e in oracle.entry_points(api)))
        # The scalar path, as training calls a schedule (see conformance.schedule_check).
        one_at_a_time = not target.elementwise(api)
        for case in oracle.stored_cases(api):
            stored = _stored_keys(oracle, case)
            for flavor in flavors:
                if not any(
                    e.flavor == flavor and e.key in stored for e in oracle.entry_points(api)
                ):
                    continue
                for dtype in dtypes:
                    factory = target.schedule_factory(case, dtype, flavor)
                    # A step as a user passes it (case.step_input) is one call.
                    each = one_at_a_time and case.step_input is None
                    outcome = evaluate(factory, fed_steps(case), per_step=each)
                    item: dict[str, Any] = {"case": case.id}
                    if flavor is not None:
                        item["flavor"] = flavor
                    item["dtype"] = dtype
                    item.update(_encode_result(outcome, case, dtype))
                    entries.append(item)
    return {
        "schema": vf.SCHEMA,
        "target": {"name": target.name, "version": target.version},
        "vectors": oracle.versions()["golden vectors"],
        "results": entries,
    }


def _optimizer_results(
    target: Target, oracle: Vectors, api: str, dtypes: Sequence[str]
) -> list[dict]:
    """A Python target's trajectories of an optimizer API's cases, at the stored updates."""
    found = []
    for check in plan(oracle, oracle.stored_cases(api)):
        if check.dtype not in dtypes or any(
            f["case"] == check.case.id
            and f["flavor"] == check.entry.flavor
            and f["dtype"] == check.dtype
            for f in found
        ):
            continue
        run = optimizer_check.target_trajectory(target, check.case, check.entry.flavor, check.dtype)
        item: dict[str, Any] = {
            "case": check.case.id,
            "flavor": check.entry.flavor,
            "dtype": check.dtype,
        }
        if run.error is not None:
            item.update({"error": run.error, "phase": "construct"})
        else:
            updates = vf.stored_updates(check.case.gradients.steps)
            rows = run.params[updates].astype(check.dtype)
            item["params"] = [vf.encode_values(row) for row in rows]
            item["counter"] = int(run.counter)
        found.append(item)
    return found


def _stored_keys(oracle: Vectors, case: Case) -> set[str]:
    """The entry points the vectors hold an outcome of the case for."""
    oracle.document(case.api)
    return set(oracle._cases[case.api][case.id]["results"])


def _encode_result(outcome: Outcome, case: Case, dtype: str) -> dict:
    if outcome.raised:
        return {"error": outcome.error, "phase": outcome.phase}
    values = np.asarray(outcome.values).reshape(-1)
    record: dict[str, Any] = {"steps": vf.encode_values(case.steps)}
    if str(values.dtype) != dtype:  # e.g. float64 values in float32 mode (an int rate)
        record["value_dtype"] = str(values.dtype)
    errors = outcome.step_errors
    record["values"] = vf.encode_values(values, errors)
    if errors is not None:
        record["step_errors"] = [None if e is None else str(e) for e in errors]
    return record

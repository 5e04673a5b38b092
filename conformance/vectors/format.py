"""The golden-vector files: how values, cases and headers are written and read, the manifest,
and the schema check. The schema is documented in ``SCHEMA.md`` beside this module.

Values round-trip exactly. A float32 value is written as its shortest decimal that reads back
as the same float32 (:func:`float32_text`), a float64 value as Python's ``repr`` (the
shortest decimal that reads back as the same double); both are plain JSON numbers. ``nan``,
``inf`` and ``-inf`` (which JSON has no numbers for) are the strings ``"nan"``, ``"inf"`` and
``"-inf"``; ``null`` marks a step where TensorFlow raised (``step_errors`` says what). JSON
parsers read a number as a double, and the double rounds to the same float32: tested on every
stored value and on random bit patterns (``tests/test_vectors.py``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from conformance.cases import (
    Case,
    ExplicitGradients,
    Expr,
    Gradients,
    LearningRateSpec,
    Literal,
    OptimizerCase,
    SparseGradients,
    StepInput,
)
from conformance.outcome import Outcome

#: The version of the vector-file and results-file schemas (``"schema"`` in every file).
SCHEMA = 1

MANIFEST = "MANIFEST.json"

#: Every directory of shipped vectors lives here.
ROOT = Path(__file__).resolve().parent

#: At most this many steps of a case are stored (see :func:`stored_steps`).
STORED_STEPS = 96
#: The first steps every case stores, whatever its length.
FIRST_STEPS = 32
#: Key steps (boundaries, restarts, far steps) a case stores at most; more are sampled evenly.
KEY_STEPS = 48

#: ``bool`` and ``string``: what TensorFlow returned where a bad input made it return no number
#: (Keras 2's PiecewiseConstantDecay hands back bool or string ``values`` as they are).
VALUE_DTYPES = ("float32", "float64", "int32", "int64", "bool", "string")
PATHS = ("scalar", "vector")
PHASES = ("construct", "call")


class VectorError(Exception):
    """A vector or results file that is not what the schema or its manifest says: the message
    names the file and what is wrong."""


# -- steps ---------------------------------------------------------------------------------------


def stored_steps(case: Case) -> np.ndarray:
    """The steps the vectors store for a case: a subset of :meth:`Case.sampled`.

    All of them when there are at most :data:`STORED_STEPS`; otherwise the first
    :data:`FIRST_STEPS`, the far steps (2**24 - 1 and beyond), the key steps the case lists
    (boundary and restart neighbours; at most :data:`KEY_STEPS`, sampled evenly when there
    are more), and an evenly spaced sample of the rest up to :data:`STORED_STEPS` in all.
    Deterministic: the same catalogue gives the same steps.
    """
    steps = case.sampled().steps
    if len(steps) <= STORED_STEPS:
        return steps
    keep = np.zeros(len(steps), dtype=bool)
    keep[:FIRST_STEPS] = True
    keep |= steps >= 2**24 - 1
    key = np.intersect1d(steps, case.key_steps if case.key_steps is not None else [])
    if len(key) > KEY_STEPS:
        key = key[_even(len(key), KEY_STEPS)]
    keep |= np.isin(steps, key)
    room = STORED_STEPS - int(keep.sum())
    if room > 0:
        rest = np.flatnonzero(~keep)
        keep[rest[_even(len(rest), min(room, len(rest)))]] = True
    return steps[keep]


#: The first updates an optimizer file stores (where bias corrections change fastest).
FIRST_UPDATES = 8
#: Updates an optimizer file stores in all (the first ones, then an even sample to the last).
STORED_UPDATES = 24


def stored_updates(steps: int) -> np.ndarray:
    """The updates an optimizer vector file stores the parameters after: 0-based steps, the
    first :data:`FIRST_UPDATES`, then an even sample up to the last (:data:`STORED_UPDATES` in
    all). A target still runs every update; an error in its state carries forward, so a wrong
    update shows in the stored rows after it."""
    first = np.arange(min(FIRST_UPDATES, steps))
    rest = np.arange(len(first), steps)
    if len(rest) > STORED_UPDATES - len(first):
        rest = rest[_even(len(rest), STORED_UPDATES - len(first))]
    return np.concatenate([first, rest]).astype(np.int64)


def _even(n: int, size: int) -> np.ndarray:
    """``size`` evenly spaced indices of ``range(n)``, first and last included."""
    return np.unique(np.linspace(0, n - 1, size).round().astype(int))


# -- values --------------------------------------------------------------------------------------


class _Number(str):
    """A number already written as JSON text (the dumper emits it unquoted)."""


def encode_values(values: np.ndarray, step_errors: np.ndarray | None = None) -> list:
    """Values as JSON-ready items: exact decimal numbers, ``"nan"``/``"inf"``/``"-inf"``, and
    ``None`` where ``step_errors`` names an exception."""
    values = np.asarray(values).reshape(-1)
    encoded = []
    for i, value in enumerate(values):
        if step_errors is not None and step_errors[i] is not None:
            encoded.append(None)
        elif values.dtype.kind in "iub":
            encoded.append(_Number(str(int(value))))
        elif values.dtype.kind in "OSU":
            encoded.append(value.decode() if isinstance(value, bytes) else str(value))
        elif np.isnan(value):
            encoded.append("nan")
        elif np.isinf(value):
            encoded.append("inf" if value > 0 else "-inf")
        elif values.dtype == np.float32:
            encoded.append(_Number(float32_text(value)))
        else:
            encoded.append(_Number(repr(float(value))))
    return encoded


def float32_text(value) -> str:
    """The shortest decimal that reads back as the float32 ``value``, laid out like Python's
    float repr (positional for exponents -4 to 15, else scientific), the same with every numpy
    version (``str(np.float32(v))`` switches layout at other exponents in numpy 1.x and 2.x)."""
    value = np.float32(value)
    scientific = np.format_float_scientific(value, unique=True, trim="-")
    if -4 <= int(scientific.split("e")[1]) < 16:
        return np.format_float_positional(value, unique=True, trim="0")
    return scientific


def decode_values(items: Sequence, dtype: str) -> np.ndarray:
    """The inverse of :func:`encode_values` (``None`` reads as nan)."""
    specials = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
    if dtype == "string":
        return np.asarray(items, dtype=object)
    if dtype in ("int32", "int64", "bool"):
        return np.asarray([0 if v is None else v for v in items], dtype=dtype)
    doubles = [math.nan if v is None else specials.get(v, v) for v in items]
    # A JSON number is a double; the double of a float32's shortest decimal rounds back to
    # exactly that float32 (tested).
    return np.asarray(doubles, dtype=np.float64).astype(dtype)


def encode_outcome(outcome: Outcome) -> dict:
    if outcome.raised:
        return {
            "error": outcome.error,
            "phase": outcome.phase,
            "message": _first_line(outcome.message),
        }
    values = np.asarray(outcome.values).reshape(-1)
    dtype = "string" if values.dtype.kind in "OSU" else str(values.dtype)
    record: dict[str, Any] = {"dtype": dtype}
    errors = outcome.step_errors
    record["values"] = encode_values(values, errors)
    if errors is not None:
        record["step_errors"] = [None if e is None else str(e) for e in errors]
        record["message"] = _first_line(outcome.message)
    return record


def decode_outcome(record: Mapping) -> Outcome:
    if "error" in record:
        return Outcome(error=record["error"], phase=record["phase"], message=record["message"])
    values = decode_values(record["values"], record["dtype"])
    errors = record.get("step_errors")
    if errors is None:
        return Outcome(values=values)
    return Outcome(
        values=values.astype(np.float64),
        step_errors=np.asarray(errors, dtype=object),
        message=record.get("message", ""),
    )


def _first_line(message: str) -> str:
    """A message's first line, without the memory addresses Python prints in object reprs
    (``<function <lambda> at 0x7f...>``), which would change the file at every export."""
    lines = message.strip().splitlines()
    return re.sub(r" at 0x[0-9a-f]+>", ">", lines[0])[:300] if lines else ""


# -- parameters ----------------------------------------------------------------------------------


def encode_param(value: Any) -> Any:
    """A case argument as JSON: an :class:`Expr` as ``{"expr": source}``, a numpy scalar as
    ``{"dtype": name, "value": number}``, a float JSON cannot hold as ``{"float": "inf"}``."""
    if isinstance(value, Expr):
        return {"expr": value.source}
    if isinstance(value, LearningRateSpec):  # a schedule-valued hyperparameter (tfa's decay)
        return encode_learning_rate(value)
    if isinstance(value, np.generic):
        return {"dtype": str(value.dtype), "value": encode_param(value.item())}
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    if isinstance(value, (list, tuple)):
        if isinstance(value, tuple):
            return {"tuple": [encode_param(v) for v in value]}
        return [encode_param(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a case argument of type {type(value).__name__}: {value!r}")


def decode_param(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_param(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "expr" in value:
        return Expr(value["expr"])
    if "schedule" in value:
        return decode_learning_rate(value)
    if "dtype" in value:
        return np.dtype(value["dtype"]).type(decode_param(value["value"]))
    if "float" in value:
        return float(value["float"])
    if "tuple" in value:
        return tuple(decode_param(v) for v in value["tuple"])
    raise VectorError(f"unknown tagged argument {value!r}")


def encode_params(params: Mapping[str, Any]) -> dict:
    return {k: encode_param(v) for k, v in params.items()}


def decode_params(params: Mapping[str, Any]) -> dict:
    return {k: decode_param(v) for k, v in params.items()}


def same_params(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two argument sets are the same, type for type (0.1 is not np.float64(0.1))."""
    return json.dumps(encode_params(a), sort_keys=True) == json.dumps(
        encode_params(b), sort_keys=True
    )


# -- optimizer cases -----------------------------------------------------------------------------


def encode_learning_rate(learning_rate: float | LearningRateSpec | Expr) -> Any:
    """A float, ``{"schedule": api, "params": {...}}`` for a schedule or TF1 decay function,
    or ``{"expr": source}`` for a callable of no argument."""
    if isinstance(learning_rate, LearningRateSpec):
        return {"schedule": learning_rate.api, "params": encode_params(learning_rate.params)}
    # an Expr, or a bad learning rate (the bad-input catalogue): anything
    return encode_param(learning_rate)


def decode_learning_rate(value: Any) -> Any:
    if isinstance(value, dict) and "schedule" in value:
        return LearningRateSpec(value["schedule"], decode_params(value["params"]))
    return decode_param(value)


# -- the bad-input catalogue: steps passed by hand, explicit gradients -------------------------


def encode_step_input(step_input: StepInput) -> dict:
    """``{"value": ..., "dtype": null}`` (a Python value) or with a numpy dtype's name."""
    return {"value": encode_param(step_input.value), "dtype": step_input.dtype}


def decode_step_input(record: Mapping) -> StepInput:
    return StepInput(_tuples_to_lists(decode_param(record["value"])), record["dtype"])


def _tuples_to_lists(value):
    return [_tuples_to_lists(v) for v in value] if isinstance(value, (list, tuple)) else value


def encode_literal(literal: Literal | None) -> dict | None:
    """An array written out: ``{"dtype": ..., "shape": [...], "values": [...]}`` (values
    flattened, encoded as schedule values), or ``None``."""
    if literal is None:
        return None
    array = literal.build()
    return {"dtype": literal.dtype, "shape": list(array.shape), "values": encode_values(array)}


def decode_literal(record: Mapping | None) -> Literal | None:
    if record is None:
        return None
    values = decode_values(record["values"], record["dtype"]).reshape(record["shape"])
    return Literal(_nested_tuples(values.tolist()), record["dtype"])


def _nested_tuples(value):
    return tuple(_nested_tuples(v) for v in value) if isinstance(value, list) else value


def encode_gradients(gradients: Gradients | SparseGradients | ExplicitGradients) -> dict:
    """The generator's arguments (``kind`` ``dense`` or ``sparse``) and the sha256 of what it
    generates (:func:`gradient_digest`): the numbers themselves are in ``vectors cases``.
    Explicit gradients (``kind`` ``explicit``) are written out."""
    if isinstance(gradients, ExplicitGradients):
        record: dict[str, Any] = {
            "kind": "explicit",
            "steps": gradients.steps,
            "initial": [encode_literal(p) for p in gradients.initial],
            "updates": [[encode_literal(g) for g in update] for update in gradients.updates],
        }
    elif isinstance(gradients, SparseGradients):
        record = {
            "kind": "sparse",
            "seed": gradients.seed,
            "steps": gradients.steps,
            "rows": gradients.rows,
            "width": gradients.width,
            "per_step": gradients.per_step,
        }
    else:
        record = {
            "kind": "dense",
            "seed": gradients.seed,
            "steps": gradients.steps,
            "shapes": list(gradients.shapes),
            "regimes": list(gradients.regimes),
        }
    record["sha256"] = gradient_digest(gradients)
    return record


def decode_gradients(record: Mapping) -> Gradients | SparseGradients | ExplicitGradients:
    if record["kind"] == "explicit":
        return ExplicitGradients(
            initial=tuple(decode_literal(p) for p in record["initial"]),
            updates=tuple(tuple(decode_literal(g) for g in u) for u in record["updates"]),
        )
    if record["kind"] == "sparse":
        return SparseGradients(
            seed=record["seed"],
            steps=record["steps"],
            rows=record["rows"],
            width=record["width"],
            per_step=record["per_step"],
        )
    return Gradients(
        seed=record["seed"],
        steps=record["steps"],
        shapes=tuple(record["shapes"]),
        regimes=tuple(record["regimes"]),
    )


def gradient_arrays(gradients: Gradients | SparseGradients) -> dict[str, np.ndarray]:
    """What a trajectory is fed, as arrays: ``initial_params`` (every variable flattened and
    concatenated, float64 holding float32 numbers) and ``gradients`` (``(steps, width)``
    float64), or for sparse gradients ``indices`` (``(steps, per_step)`` int64) and ``values``
    (``(steps, per_step, width)`` float64). TensorFlow is fed them rounded to float32."""
    initial = np.concatenate([p.ravel() for p in gradients.initial_params()])
    if isinstance(gradients, SparseGradients):
        indices, values = gradients.sequence()
        return {"initial_params": initial, "indices": indices, "values": values}
    return {"initial_params": initial, "gradients": gradients.columns()}


@functools.cache
def gradient_digest(gradients: Gradients | SparseGradients) -> str:
    """sha256 over the little-endian bytes of :func:`gradient_arrays`, in that order (float64,
    int64): proves that a reader generated the numbers TensorFlow was fed."""
    digest = hashlib.sha256()
    if isinstance(gradients, ExplicitGradients):  # written out: the digest of their text
        written = [encode_literal(p) for p in gradients.initial] + [
            [encode_literal(g) for g in update] for update in gradients.updates
        ]
        digest.update(dumps(written).encode())
        return digest.hexdigest()
    for array in gradient_arrays(gradients).values():
        digest.update(np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes())
    return digest.hexdigest()


def optimizer_case_from_record(api: str, record: Mapping) -> OptimizerCase:
    """The :class:`OptimizerCase` a stored optimizer case describes; :class:`VectorError` if its
    gradients are not what this catalogue's generator makes (the digest differs)."""
    gradients = decode_gradients(record["gradients"])
    if gradient_digest(gradients) != record["gradients"]["sha256"]:
        raise VectorError(
            f"optimizer case {record['id']!r}: the gradient generator here does not reproduce "
            "the gradients TensorFlow was fed (sha256 differs)"
        )
    flavors, entries = record.get("flavors"), record.get("entries")
    return OptimizerCase(
        id=record["id"],
        api=api,
        params=decode_params(record["params"]),
        learning_rate=decode_learning_rate(record["learning_rate"]),
        gradients=gradients,
        tags=frozenset(record["tags"]),
        flavors=frozenset(flavors) if flavors is not None else None,
        entries=frozenset(entries) if entries is not None else None,
        float64=record["float64"],
        why=record.get("why", ""),
        differences=record.get("differences"),
    )


def encode_trajectory(
    params: np.ndarray | None,
    counter: int | None,
    error: str | None,
    message: str,
    updates: np.ndarray,
) -> dict:
    """TensorFlow's trajectory at the stored updates: ``params`` (one row per stored update,
    float32 values) and ``counter``; or the exception class and message."""
    if error is not None:
        return {"error": error, "message": _first_line(message)}
    rows = np.asarray(params, dtype=np.float32)[updates]
    return {"dtype": "float32", "params": [encode_values(row) for row in rows], "counter": counter}


# -- writing -------------------------------------------------------------------------------------


def dumps(document: Any) -> str:
    """JSON text a reader can open: objects one key per line, arrays of numbers on one line."""
    return _dump(document, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {_dump(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        flat = all(not isinstance(v, (Mapping, list, tuple)) for v in value)
        prose = sum(len(v) for v in value if isinstance(v, str) and not isinstance(v, _Number))
        if flat and prose <= 100:
            return "[" + ", ".join(_dump(v, depth + 1) for v in value) + "]"
        items = [f"{inner}{_dump(v, depth + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(directory: Path) -> Path:
    """``MANIFEST.json``: the sha256 of every other JSON file of the directory."""
    files = sorted(p for p in directory.glob("*.json") if p.name != MANIFEST)
    manifest = {"schema": SCHEMA, "sha256": {p.name: sha256(p) for p in files}}
    path = directory / MANIFEST
    path.write_text(dumps(manifest), encoding="utf-8")
    return path


# -- reading and checking ------------------------------------------------------------------------


def load_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise VectorError(f"{path}: not readable JSON: {error}") from error


def verify_manifest(directory: Path) -> dict[str, str]:
    """Check every file of a vector directory against its manifest; the manifest's table."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise VectorError(f"{directory}: no {MANIFEST}")
    manifest = load_json(path)
    table = manifest.get("sha256") if isinstance(manifest, dict) else None
    if manifest.get("schema") != SCHEMA or not isinstance(table, dict):
        raise VectorError(f"{path}: not a schema-{SCHEMA} manifest")
    present = {p.name for p in Path(directory).glob("*.json") if p.name != MANIFEST}
    unlisted = sorted(present - set(table))
    if unlisted:
        raise VectorError(f"{directory}: files missing from {MANIFEST}: {', '.join(unlisted)}")
    for name, digest in table.items():
        file = Path(directory) / name
        if not file.is_file():
            raise VectorError(f"{file}: listed in {MANIFEST} but missing")
        actual = sha256(file)
        if actual != digest:
            raise VectorError(
                f"{file}: sha256 {actual} does not match {MANIFEST} ({digest}): the file was "
                "changed after export; re-export it (python -m conformance vectors export)"
            )
    return table


class _Schema:
    """Checks one decoded document, naming the file and the JSON path of the first problem."""

    def __init__(self, path: Path | str) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> None:
        raise VectorError(f"{self.path}: {where}: {problem} (see conformance/vectors/SCHEMA.md)")

    def require(self, node: Any, where: str, keys: dict[str, type | tuple]) -> None:
        if not isinstance(node, dict):
            self.fail(where, "must be an object")
        for key, kind in keys.items():
            if key not in node:
                self.fail(where, f"missing key {key!r}")
            if not isinstance(node[key], kind) or (
                kind in (int, (int, float)) and isinstance(node[key], bool)
            ):
                self.fail(f"{where}.{key}", f"must be {_kind_name(kind)}")

    def values(self, items: Any, where: str, dtype: str, count: int, each: str = "step") -> None:
        if not isinstance(items, list) or len(items) != count:
            self.fail(where, f"must be a list of {count} values (one per {each})")
        for i, item in enumerate(items):
            ok = item is None or (isinstance(item, (int, float)) and not isinstance(item, bool))
            if dtype == "string":
                ok = isinstance(item, str)
            ok = ok or (dtype.startswith("float") and item in ("nan", "inf", "-inf"))
            if dtype.startswith("int") and isinstance(item, float):
                ok = False
            if not ok:
                self.fail(f"{where}[{i}]", f"{item!r} is not a {dtype} value")
        if dtype == "float32":
            largest = float(np.finfo(np.float32).max)
            for i, item in enumerate(items):
                if isinstance(item, (int, float)) and abs(item) > largest:
                    self.fail(f"{where}[{i}]", f"{item!r} is outside float32's range")

    def outcome(self, record: Any, where: str, count: int) -> None:
        if isinstance(record, dict) and "error" in record:
            self.require(record, where, {"error": str, "phase": str, "message": str})
            if record["phase"] not in PHASES:
                self.fail(f"{where}.phase", f"must be one of {PHASES}")
            return
        self.require(record, where, {"dtype": str, "values": list})
        if record["dtype"] not in VALUE_DTYPES:
            self.fail(f"{where}.dtype", f"must be one of {VALUE_DTYPES}")
        self.values(record["values"], f"{where}.values", record["dtype"], count)
        errors = record.get("step_errors")
        if errors is not None:
            if not isinstance(errors, list) or len(errors) != count:
                self.fail(f"{where}.step_errors", f"must be a list of {count} names or nulls")
            for i, (error, value) in enumerate(zip(errors, record["values"])):
                if error is not None and (not isinstance(error, str) or value is not None):
                    self.fail(f"{where}.step_errors[{i}]", "an error name needs a null value")


def _kind_name(kind) -> str:
    names = {
        str: "a string",
        int: "an integer",
        list: "a list",
        dict: "an object",
        bool: "true or false",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def check_vector_file(document: Any, path: Path | str) -> None:
    """Raise :class:`VectorError` unless ``document`` is a schema-1 vector file."""
    schema = _Schema(path)
    schema.require(
        document,
        "$",
        {
            "schema": int,
            "api": str,
            "generator": dict,
            "versions": dict,
            "platform": str,
            "date": str,
            "invariants": list,
            "entry_points": list,
            "cases": list,
        },
    )
    if document["schema"] != SCHEMA:
        schema.fail("$.schema", f"is {document['schema']}; this lr-conformance reads {SCHEMA}")
    if "tensorflow" not in document["versions"] and "backend" not in document["versions"]:
        # A TensorFlow set names its TensorFlow; a Keras 3 backend's set, its backend.
        schema.fail("$.versions", "missing key 'tensorflow'")
    keys = []
    for i, entry in enumerate(document["entry_points"]):
        schema.require(entry, f"$.entry_points[{i}]", {"key": str, "label": str})
        if "flavor" not in entry or not isinstance(entry["flavor"], (str, type(None))):
            schema.fail(f"$.entry_points[{i}].flavor", "must be a string or null")
        keys.append(entry["key"])
    ids = set()
    for i, case in enumerate(document["cases"]):
        where = f"$.cases[{i}]"
        schema.require(
            case,
            where,
            {
                "id": str,
                "params": dict,
                "tags": list,
                "step_dtype": str,
                "max_ulp": int,
                "steps": list,
                "results": dict,
            },
        )
        if case["id"] in ids:
            schema.fail(f"{where}.id", f"duplicate case id {case['id']!r}")
        ids.add(case["id"])
        steps = case["steps"]
        if not steps or not all(isinstance(s, int) and not isinstance(s, bool) for s in steps):
            schema.fail(f"{where}.steps", "must be a non-empty list of integers")
        if any(b <= a for a, b in zip(steps, steps[1:])):
            schema.fail(f"{where}.steps", "must be strictly increasing")
        for key, paths in case["results"].items():
            if key not in keys:
                schema.fail(f"{where}.results", f"entry point {key!r} is not in $.entry_points")
            if not isinstance(paths, dict) or "scalar" not in paths:
                schema.fail(f"{where}.results.{key}", "must hold the 'scalar' path")
            for path_name, record in paths.items():
                if path_name not in PATHS:
                    schema.fail(f"{where}.results.{key}", f"unknown path {path_name!r}")
                schema.outcome(record, f"{where}.results.{key}.{path_name}", len(steps))
        try:
            decode_params(case["params"])
        except (VectorError, TypeError, ValueError) as error:
            schema.fail(f"{where}.params", str(error))


def check_optimizer_file(document: Any, path: Path | str) -> None:
    """Raise :class:`VectorError` unless ``document`` is a schema-1 optimizer vector file."""
    schema = _Schema(path)
    schema.require(
        document,
        "$",
        {
            "schema": int,
            "kind": str,
            "api": str,
            "generator": dict,
            "versions": dict,
            "platform": str,
            "date": str,
            "invariants": list,
            "entry_points": list,
            "cases": list,
        },
    )
    if document["schema"] != SCHEMA:
        schema.fail("$.schema", f"is {document['schema']}; this lr-conformance reads {SCHEMA}")
    keys = []
    for i, entry in enumerate(document["entry_points"]):
        schema.require(entry, f"$.entry_points[{i}]", {"key": str, "label": str})
        # null for tensorflow-addons' optimizers (AdamW), as for its schedules.
        if "flavor" not in entry or not isinstance(entry["flavor"], (str, type(None))):
            schema.fail(f"$.entry_points[{i}].flavor", "must be a string or null")
        keys.append(entry["key"])
    ids = set()
    for i, case in enumerate(document["cases"]):
        where = f"$.cases[{i}]"
        schema.require(
            case,
            where,
            {
                "id": str,
                "params": dict,
                "gradients": dict,
                "tags": list,
                "float64": bool,
                "updates": list,
                "results": dict,
            },
        )
        if "learning_rate" not in case:
            schema.fail(where, "missing key 'learning_rate'")
        if case["id"] in ids:
            schema.fail(f"{where}.id", f"duplicate case id {case['id']!r}")
        ids.add(case["id"])
        gradients = case["gradients"]
        schema.require(gradients, f"{where}.gradients", {"kind": str, "steps": int, "sha256": str})
        if gradients["kind"] not in ("dense", "sparse", "explicit"):
            schema.fail(f"{where}.gradients.kind", "must be 'dense', 'sparse' or 'explicit'")
        if gradients["kind"] != "explicit":
            schema.require(gradients, f"{where}.gradients", {"seed": int})
        try:
            width = sum(decode_gradients(gradients).shapes)
        except (KeyError, TypeError, ValueError) as error:
            schema.fail(f"{where}.gradients", f"cannot be read back: {error!r}")
        updates = case["updates"]
        if not updates or not all(isinstance(u, int) and not isinstance(u, bool) for u in updates):
            schema.fail(f"{where}.updates", "must be a non-empty list of integers")
        if any(b <= a for a, b in zip(updates, updates[1:])) or not (
            0 <= updates[0] and updates[-1] < gradients["steps"]
        ):
            schema.fail(f"{where}.updates", "must increase strictly within the gradient steps")
        for key, record in case["results"].items():
            at = f"{where}.results.{key}"
            if key not in keys:
                schema.fail(f"{where}.results", f"entry point {key!r} is not in $.entry_points")
            if isinstance(record, dict) and "error" in record:
                schema.require(record, at, {"error": str, "message": str})
                continue
            schema.require(record, at, {"dtype": str, "params": list, "counter": int})
            if len(record["params"]) != len(updates):
                schema.fail(f"{at}.params", f"must hold {len(updates)} rows (one per update)")
            for j, row in enumerate(record["params"]):
                schema.values(row, f"{at}.params[{j}]", record["dtype"], width, "parameter")
        try:
            decode_params(case["params"])
            decode_learning_rate(case["learning_rate"])
        except (KeyError, VectorError, TypeError, ValueError) as error:
            schema.fail(where, f"cannot be read back: {error!r}")


def read_vector_file(path: Path) -> dict:
    """A vector file (a schedule's, or an optimizer's: ``"kind": "optimizer"``), checked
    against the schema."""
    document = load_json(path)
    if isinstance(document, dict) and document.get("kind") == "optimizer":
        check_optimizer_file(document, path)
    else:
        check_vector_file(document, path)
    return document


def case_from_record(api: str, record: Mapping) -> Case:
    """The :class:`Case` a stored case describes (its stored steps only)."""
    steps = np.asarray(record["steps"], dtype=np.int64)
    flavors, entries = decode_applicability(record.get("flavors"))
    return Case(
        id=record["id"],
        api=api,
        params=decode_params(record["params"]),
        steps=steps,
        tags=frozenset(record["tags"]),
        max_ulp=record["max_ulp"],
        flavors=flavors,
        entries=entries,
        why=record.get("why", ""),
        step_dtype=record["step_dtype"],
        key_steps=steps,
        step_input=decode_step_input(record["step_input"]) if "step_input" in record else None,
        differences=record.get("differences"),
    )


def encode_applicability(case: Case) -> list[str] | None:
    """A schedule case's ``flavors`` field: its reference flavours and entry-point keys in one
    sorted list (``null``: everywhere)."""
    if case.flavors is None and case.entries is None:
        return None
    return sorted((case.flavors or frozenset()) | (case.entries or frozenset()))


def decode_applicability(
    stored: Sequence[str] | None,
) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The flavours and the entry-point keys (which hold a dot) of a stored ``flavors``."""
    if stored is None:
        return None, None
    flavors = frozenset(f for f in stored if "." not in f)
    entries = frozenset(f for f in stored if "." in f)
    return flavors or None, entries or None

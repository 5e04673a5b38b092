"""``python -m conformance vectors export``: the golden vectors of the installed TensorFlow.

One file per API of the catalogue that this TensorFlow has, under ``tf-<version>/`` (and the
tensorflow-addons schedules under ``tfa-<version>-tf-<tf version>/``), plus a ``MANIFEST.json``
per directory. A schedule's file holds the stored steps of every case
(:func:`conformance.vectors.format.stored_steps`) and TensorFlow's outcome on both evaluation
paths of every entry point; an optimizer's file (``"kind": "optimizer"``) holds every case's
gradient generator and TensorFlow's parameters after the stored updates
(:func:`conformance.vectors.format.stored_updates`) on every entry point.
"""

from __future__ import annotations

import datetime
import platform
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

import conformance
from conformance import registry
from conformance.cases import Case, OptimizerCase, cases, optimizer_cases
from conformance.check import plan
from conformance.oracles.tensorflow import TensorFlow
from conformance.run import git_state
from conformance.vectors import format as vf
from reference import _rsqrt

INVARIANTS = [
    "A step is the 0-based global step, read before the update, fed to TensorFlow as a tensor "
    "of the case's step_dtype.",
    "steps is a deterministic subset of the catalogue case's steps "
    "(conformance.vectors.format.stored_steps: all of them up to 96, otherwise the first 32, the "
    "far steps, the boundary and restart neighbours and an even sample). The live suite checks "
    "every step; the vectors hold at most 96 per case.",
    "scalar: what TensorFlow gives for each step on its own, which is what an optimizer sees in "
    "training: tf.function(map_fn) over chunks of 3 steps (compat_v1.graph: map_fn in a graph run "
    "by one Session), Grappler switched off, so that every float32 transcendental is the C "
    "library's. A step's value does not depend on the other steps.",
    "vector: one eager call on exactly this steps array, in this order (compat_v1.graph: one "
    "Session.run), Grappler off. Eigen's SIMD kernels compute whole packets, so a value depends "
    "on its position in the array: compare vector values only with a computation on the same "
    "array.",
    "float32 values are the shortest decimals that read back as the same float32; float64 "
    "values are Python's repr (shortest round-trip); nan, inf and -inf are strings; null marks "
    "a step where TensorFlow raised (step_errors names the exception).",
    "An error is TensorFlow's exception class name and the phase it was raised in: construct "
    "(building the schedule, or calling a compat.v1 function) or call (evaluating it).",
    "TensorFlow flushes float32 subnormal results to zero.",
]


OPTIMIZER_INVARIANTS = [
    "A case is an optimizer (TensorFlow's hyperparameters), a learning rate (a float, or a "
    "schedule / TF1 decay function driven by the step counter) and a seeded gradient sequence: "
    "gradients holds the generator's arguments (conformance.cases.Gradients / SparseGradients) "
    "and the sha256 of what it generates; python -m conformance vectors cases writes the numbers.",
    "TensorFlow is fed the initial parameters and the gradients rounded to float32. Keras "
    "optimizers: apply_gradients in one tf.function loop; compat_v1: minimize(sum(var * g), "
    "global_step=gs) in a Session, so that the gradient is exactly g. Grappler off.",
    "updates are 0-based steps: params[k] holds every variable (flattened, concatenated) after "
    "update number updates[k] + 1. A target runs every update; only these rows are stored.",
    "counter is optimizer.iterations (Keras) or global_step (compat_v1) after the last update.",
    "float32 values are the shortest decimals that read back as the same float32; nan and inf "
    "are strings. An error is TensorFlow's exception class name and its message's first line.",
]


def vector_directories(oracle: TensorFlow) -> tuple[str, str | None]:
    """The directory names for this TensorFlow's set and its tensorflow-addons set; another
    oracle's own set (``oracle.vector_set``: ``keras-jax``, ...) and no tensorflow-addons."""
    if getattr(oracle, "vector_set", None):
        return oracle.vector_set, None
    tf_version = oracle.tf.__version__
    if "dev" in tf_version:  # tf-nightly: one set, replaced by each export (not a release)
        return "tf-nightly", None
    tfa = f"tfa-{oracle.tfa.__version__}-tf-{tf_version}" if oracle.tfa is not None else None
    return f"tf-{tf_version}", tfa


#: Changes here do not make a checkout dirty for the vectors' header: they are the vectors
#: being written (a re-export rewrites every set, one after the other).
_VECTOR_DATA = (
    ":(top,exclude,glob)conformance/vectors/tf-*/**",
    ":(top,exclude,glob)conformance/vectors/tfa-*/**",
    ":(top,exclude,glob)conformance/vectors/keras-*/**",
    ":(top,exclude,glob)conformance/vectors/tf-nightly/**",
)


def header(oracle: TensorFlow, api: str, output: Path) -> dict:
    commit, dirty = git_state(output, ignore=_VECTOR_DATA)
    versions = dict(oracle.versions())
    if getattr(oracle, "tfa", None) is None:
        versions.pop("tensorflow-addons", None)
    versions["numpy"] = np.__version__
    versions["python"] = platform.python_version()
    return {
        "schema": vf.SCHEMA,
        "api": api,
        "generator": {
            "lr_conformance": conformance.__version__,
            "git_commit": commit,
            "git_dirty": dirty,
            "command": "python -m conformance vectors export"
            + (f" --oracle {oracle.against}" if oracle.against != "tf" else ""),
        },
        "versions": versions,
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        # Keras 2's RMSprop depends on the CPU's rsqrtps (reference/_rsqrt.py).
        "cpu": _rsqrt.cpu_description(),
        "date": datetime.date.today().isoformat(),
        "invariants": INVARIANTS,
    }


def case_record(case: Case, oracle: TensorFlow, entries: Sequence) -> dict:
    stored = replace(case, steps=vf.stored_steps(case))
    record = {
        "id": case.id,
        "api": case.api,
        "params": vf.encode_params(case.params),
        "tags": sorted(case.tags),
        "flavors": vf.encode_applicability(case),
        "step_dtype": case.step_dtype,
        "max_ulp": case.max_ulp,
    }
    if case.why:
        record["why"] = case.why
    if case.step_input is not None:
        record["step_input"] = vf.encode_step_input(case.step_input)
    if case.differences:
        record["differences"] = dict(case.differences)
    record["steps"] = vf.encode_values(stored.steps)
    record["results"] = {
        entry.key: {
            path: vf.encode_outcome(oracle.evaluate(stored, entry, path))
            for path in ("scalar", "vector")
        }
        for entry in entries
    }
    return record


def api_document(
    oracle: TensorFlow, api: str, output: Path, progress: Callable[[str], None]
) -> dict | None:
    """The vector file of one API, or None where this TensorFlow lacks it."""
    entries = oracle.entry_points(api)
    if not entries:
        return None
    document = header(oracle, api, output)
    document["entry_points"] = [
        {"key": e.key, "label": e.label, "flavor": e.flavor} for e in entries
    ]
    records = []
    for case in cases(api):
        applicable = list(dict.fromkeys(check.entry for check in plan(oracle, [case])))
        if not applicable:
            continue
        progress(case.id)
        records.append(case_record(case, oracle, applicable))
    document["cases"] = records
    return document


def optimizer_document(
    oracle: TensorFlow, api: str, output: Path, progress: Callable[[str], None]
) -> dict | None:
    """The optimizer vector file of one API, or None where this TensorFlow lacks it."""
    entries = oracle.entry_points(api)
    if not entries:
        return None
    document = {"kind": "optimizer", **header(oracle, api, output)}
    document["invariants"] = OPTIMIZER_INVARIANTS
    document["entry_points"] = [
        {"key": e.key, "label": e.label, "flavor": e.flavor} for e in entries
    ]
    records = []
    for case in optimizer_cases(api):
        applicable = list(dict.fromkeys(check.entry for check in plan(oracle, [case])))
        if applicable:
            progress(case.id)
            records.append(optimizer_case_record(case, oracle, applicable))
    document["cases"] = records
    return document


def optimizer_case_record(case: OptimizerCase, oracle: TensorFlow, entries: Sequence) -> dict:
    updates = vf.stored_updates(case.gradients.steps)
    record = {
        "id": case.id,
        "api": case.api,
        "params": vf.encode_params(case.params),
        "learning_rate": vf.encode_learning_rate(case.learning_rate),
        "gradients": vf.encode_gradients(case.gradients),
        "tags": sorted(case.tags),
        "flavors": sorted(case.flavors) if case.flavors is not None else None,
        "entries": sorted(case.entries) if case.entries is not None else None,
        "float64": case.float64,
    }
    if case.why:
        record["why"] = case.why
    if case.differences:
        record["differences"] = dict(case.differences)
    record["updates"] = vf.encode_values(updates)
    record["results"] = {}
    for entry in entries:
        run = oracle.trajectory(case, entry)
        record["results"][entry.key] = vf.encode_trajectory(
            run.params, run.counter, run.error, run.message, updates
        )
    return record


def export(
    oracle: TensorFlow,
    output: Path,
    selected: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda label: None,
) -> list[Path]:
    """Write the vectors of ``oracle``'s TensorFlow under ``output``; the directories written.

    Every file is checked against the schema after it is written; each directory's manifest is
    rewritten over all of its files.
    """
    tf_name, tfa_name = vector_directories(oracle)
    written: dict[Path, None] = {}
    for api in selected or registry.names():
        record = registry.get(api)
        directory = tfa_name if record.origin.vector_set == "tfa" else tf_name
        if directory is None:
            continue
        make = optimizer_document if record.is_optimizer else api_document
        document = make(oracle, api, output, progress)
        if document is None:
            continue
        written[_write(document, Path(output) / directory, api)] = None
    for directory in written:
        vf.write_manifest(directory)
    return list(written)


def _write(document: dict, directory: Path, api: str) -> Path:
    """Write one API's file into ``directory`` and read it back through the schema check."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{api}.json"
    path.write_text(vf.dumps(document), encoding="utf-8")
    vf.read_vector_file(path)
    return directory

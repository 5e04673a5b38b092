"""The golden vectors as the oracle (:class:`conformance.oracles.Oracle`): TensorFlow's frozen
outcomes and trajectories, no TensorFlow needed.

Over one shipped TF set
(``conformance/vectors/tf-<version>/``) and, for the tensorflow-addons schedules, one tfa set
(``tfa-<version>-tf-<tf version>/``: the one exported with the same TensorFlow if there is one,
else the newest). Both are checked against their manifests and the schema when opened.

What is different from live TensorFlow:

* only the stored steps exist (:func:`conformance.vectors.format.stored_steps`): the check
  machinery narrows every case to them with :meth:`Vectors.restrict`; an optimizer's
  trajectory holds the stored updates (``Trajectory.rows``);
* there are no TensorFlow kernels (``kernels`` is None), so the reference's float32 vector path,
  which needs them, is not checked; the stored vector values serve ports that compute that path
  on the same step array (``python -m conformance compare --results``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from conformance import registry
from conformance.cases import Case, OptimizerCase
from conformance.oracles import EntryPoint
from conformance.outcome import Outcome, Trajectory
from conformance.vectors import format as vf

_OPTIMIZERS = registry.names("optimizer")
_TF_SET = re.compile(r"^tf-(\d+)\.(\d+)\.(\d+)$")
_TFA_SET = re.compile(r"^tfa-(\d+\.\d+\.\d+)-tf-(\d+)\.(\d+)\.(\d+)$")


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def shipped(root: Path = vf.ROOT) -> tuple[list[str], list[str]]:
    """The TF versions and the tfa set names under ``root``, oldest first."""
    tf_versions, tfa_sets = [], []
    for directory in Path(root).iterdir() if Path(root).is_dir() else []:
        if not directory.is_dir():
            continue
        if _TF_SET.match(directory.name):
            tf_versions.append(directory.name[3:])
        elif _TFA_SET.match(directory.name):
            tfa_sets.append(directory.name)
    tfa_sets.sort(key=lambda name: _version_key(name.rsplit("-tf-", 1)[1]))
    return sorted(tf_versions, key=_version_key), tfa_sets


def resolve_version(requested: str | None, available: list[str]) -> str:
    """``requested`` (``2.15.1``, or ``2.15`` for the newest 2.15.x) among the shipped
    versions; the newest when None."""
    if not available:
        raise vf.VectorError("no golden vectors are shipped (conformance/vectors is empty)")
    if requested is None:
        return available[-1]
    matches = [v for v in available if v == requested or v.startswith(requested + ".")]
    if not matches:
        raise vf.VectorError(
            f"no golden vectors for TensorFlow {requested}; shipped: {', '.join(available)}"
        )
    return matches[-1]


class Vectors:
    """The frozen outcomes of one TensorFlow version (and one tensorflow-addons set)."""

    against = "vectors"
    kernels = None

    def __init__(self, tf_version: str | None = None, root: Path | str = vf.ROOT) -> None:
        self.root = Path(root)
        tf_versions, tfa_sets = shipped(self.root)
        self.tf_version = resolve_version(tf_version, tf_versions)
        self.tf_dir = self.root / f"tf-{self.tf_version}"
        same = [s for s in tfa_sets if s.endswith(f"-tf-{self.tf_version}")]
        self.tfa_dir = self.root / (same or tfa_sets)[-1] if tfa_sets else None
        vf.verify_manifest(self.tf_dir)
        if self.tfa_dir is not None:
            vf.verify_manifest(self.tfa_dir)
        self._documents: dict[str, dict | None] = {}
        self._cases: dict[str, dict[str, dict]] = {}

    @property
    def name(self) -> str:
        return f"golden vectors tf-{self.tf_version}"

    def directory(self, api: str) -> Path | None:
        if api in registry.names() and registry.get(api).origin.vector_set == "tfa":
            return self.tfa_dir
        return self.tf_dir

    def document(self, api: str) -> dict | None:
        """The vector file of ``api`` (schema-checked), or None where the set has none."""
        if api not in self._documents:
            directory = self.directory(api)
            path = directory / f"{api}.json" if directory is not None else None
            if path is None or not path.is_file():
                self._documents[api] = None
            else:
                document = vf.read_vector_file(path)
                if document["api"] != api:
                    raise vf.VectorError(f"{path}: holds {document['api']}, not {api}")
                if (document.get("kind") == "optimizer") != (api in _OPTIMIZERS):
                    raise vf.VectorError(f"{path}: holds the wrong kind of file for {api}")
                self._documents[api] = document
                self._cases[api] = {c["id"]: c for c in document["cases"]}
        return self._documents[api]

    def apis(self) -> list[str]:
        """The schedule APIs this set has files for (TF set, then tfa set)."""
        found = []
        for directory in (self.tf_dir, self.tfa_dir):
            if directory is not None:
                found.extend(
                    sorted(
                        p.stem
                        for p in directory.glob("*.json")
                        if p.name != vf.MANIFEST and p.stem not in _OPTIMIZERS
                    )
                )
        return found

    def optimizer_apis(self) -> list[str]:
        """The optimizer APIs this set has files for (tensorflow-addons' in the tfa set)."""
        return [
            api
            for api in _OPTIMIZERS
            if (directory := self.directory(api)) is not None
            and (directory / f"{api}.json").is_file()
        ]

    def stored_cases(self, api: str) -> list[Case] | list[OptimizerCase]:
        """The cases of ``api``'s file, as stored (a schedule's on its stored steps; params
        decoded)."""
        document = self.document(api)
        if document is None:
            return []
        decode = vf.optimizer_case_from_record if api in _OPTIMIZERS else vf.case_from_record
        return [decode(api, record) for record in document["cases"]]

    # -- the oracle interface --------------------------------------------------------------

    def versions(self) -> dict[str, str]:
        tf_versions = self.document_versions(self.tf_dir)
        found = {"golden vectors": f"tf-{self.tf_version}"}
        found.update({k: v for k, v in tf_versions.items() if k not in ("numpy", "python")})
        if self.tfa_dir is not None:
            tfa = self.document_versions(self.tfa_dir).get("tensorflow-addons", "?")
            found["tensorflow-addons"] = f"{tfa} (frozen set {self.tfa_dir.name})"
        return found

    def document_versions(self, directory: Path) -> dict[str, str]:
        for path in sorted(directory.glob("*.json")):
            if path.name != vf.MANIFEST:
                return dict(self.document(path.stem)["versions"])
        return {}

    def entry_points(self, api: str) -> list[EntryPoint]:
        if api not in registry.names():
            return []
        document = self.document(api)
        if document is None:
            return []
        return [EntryPoint(e["key"], e["label"], e["flavor"]) for e in document["entry_points"]]

    def missing_reason(self, api: str) -> str:
        directory = self.directory(api)
        if directory is None:
            return "no tensorflow-addons golden vectors are shipped"
        return f"the golden vectors {directory.name} have no file for {api}"

    def record(self, case: Case, entry: EntryPoint) -> dict:
        """The stored case, after checking that it is the catalogue's case."""
        record = self.record_of(case.api, case.id, entry.key)
        if not vf.same_params(vf.decode_params(record["params"]), case.params):
            raise vf.VectorError(
                f"{self.directory(case.api).name}/{case.api}.json: case {case.id!r} was "
                "exported with other arguments than the catalogue's; re-export the vectors"
            )
        return record

    def record_of(self, api: str, case_id: str, entry_key: str) -> dict:
        """The stored record of a case id, with an outcome for the entry point."""
        if self.document(api) is None:
            raise vf.VectorError(self.missing_reason(api))
        record = self._cases[api].get(case_id)
        where = f"{self.directory(api).name}/{api}.json"
        if record is None:
            raise vf.VectorError(
                f"{where} has no case {case_id!r}: the vectors predate it; re-export them "
                "(python -m conformance vectors export, or tox -e vectors-tfXYZ)"
            )
        if entry_key not in record["results"]:
            raise vf.VectorError(f"{where}: case {case_id!r} has no outcome for {entry_key}")
        return record

    def restrict(self, case: Case, entry: EntryPoint) -> Case:
        """The case on the steps the vectors hold (those of its steps that are stored)."""
        stored = np.asarray(self.record(case, entry)["steps"], dtype=np.int64)
        common = _common_steps(case.steps, stored)
        if not len(common):
            raise vf.VectorError(f"none of the steps of {case.id!r} are stored")
        return replace(case, steps=common)

    def evaluate(self, case: Case, entry: EntryPoint, path: str) -> Outcome:
        """The stored outcome at ``case.steps``: on the scalar path any subset of the stored
        steps; on the vector path exactly the stored steps (a SIMD result depends on the
        array)."""
        record = self.record(case, entry)
        stored = np.asarray(record["steps"], dtype=np.int64)
        outcome = record["results"][entry.key].get(path)
        if outcome is None:
            raise vf.VectorError(f"case {case.id!r}: no {path}-path outcome is stored")
        result = vf.decode_outcome(outcome)
        if path == "vector" and not np.array_equal(case.steps, stored):
            raise vf.VectorError(
                f"case {case.id!r}: vector-path values hold only for the stored step array"
            )
        index = np.searchsorted(stored, case.steps)
        if (index >= len(stored)).any() or not np.array_equal(
            stored[np.minimum(index, len(stored) - 1)], case.steps
        ):
            raise vf.VectorError(f"case {case.id!r}: asked for steps that are not stored")
        if result.raised:
            return result
        return Outcome(
            values=result.values[index],
            step_errors=None if result.step_errors is None else result.step_errors[index],
            message=result.message,
        )

    def prefetch(self, requests) -> None:
        """Nothing to do: the stored outcomes are read when asked for."""

    def call_source(self, case: Case, entry: EntryPoint) -> str:
        directory = self.directory(case.api)
        return (
            f"# TensorFlow's stored outcome: conformance/vectors/{directory.name}/"
            f"{case.api}.json, case {case.id!r}, entry point {entry.key}"
        )

    def trajectory(self, case: OptimizerCase, entry: EntryPoint) -> Trajectory:
        """TensorFlow's stored trajectory of the catalogue's ``case``: the parameters after
        the stored updates (``rows``); :class:`VectorError` if the file holds another case."""
        record = self.record_of(case.api, case.id, entry.key)
        stored = vf.optimizer_case_from_record(case.api, record)
        same = (
            vf.same_params(stored.params, case.params)
            and vf.encode_learning_rate(stored.learning_rate)
            == vf.encode_learning_rate(case.learning_rate)
            and vf.encode_gradients(stored.gradients) == vf.encode_gradients(case.gradients)
        )
        if not same:
            raise vf.VectorError(
                f"{self.directory(case.api).name}/{case.api}.json: case {case.id!r} was "
                "exported with other arguments or gradients than the catalogue's; re-export"
            )
        result = record["results"][entry.key]
        call = (
            f"# TensorFlow's stored trajectory: conformance/vectors/"
            f"{self.tf_dir.name}/{case.api}.json, case {case.id!r}, {entry.key}"
        )
        if "error" in result:
            return Trajectory(None, error=result["error"], message=result["message"], call=call)
        params = np.stack([vf.decode_values(row, result["dtype"]) for row in result["params"]])
        rows = np.asarray(record["updates"], dtype=np.int64)
        return Trajectory(params, result["counter"], call=call, rows=rows)


def _common_steps(steps: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """``np.intersect1d(steps, stored)`` (sorted, unique), without sorting a million steps:
    each of the few stored steps is looked up in ``steps`` (sorted already, as a case's are)."""
    steps = np.asarray(steps)
    if steps.size > 1 and not bool(np.all(steps[1:] > steps[:-1])):
        steps = np.unique(steps)
    stored = np.unique(stored)
    at = np.minimum(np.searchsorted(steps, stored), max(steps.size - 1, 0))
    found = stored[steps[at] == stored] if steps.size else stored[:0]
    return found.astype(np.result_type(steps, stored))

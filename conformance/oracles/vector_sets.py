"""Frozen vector sets as oracles, by name: ``vectors:SET`` for ``check --against`` and
``diff --oracle``.

Beside one set per TensorFlow release (``tf-X.Y.Z/``, :class:`conformance.oracles.vectors.
Vectors`), the package ships the sets of the Keras 3 backends (``keras-jax/``, ``keras-torch/``,
``keras-numpy/``, ``keras-tensorflow/``, exported by :mod:`conformance.oracles.keras3`) and of
TensorFlow's nightly build (``tf-nightly/``), so that they can be compared without installing
them. Same schema; the provenance (versions, platform, date, commit) is in each file's header.

``SET`` is a TensorFlow version (``2.15``, ``2.15.1``, ``tf-2.15.1``: that release's set, with
its tensorflow-addons set as ``--against vectors --tf-version`` takes it), the name of another
shipped set (``keras-jax``, ``tf-nightly``), or the path of a set's directory.
"""

from __future__ import annotations

import re
from pathlib import Path

from conformance.oracles.vectors import Vectors, shipped
from conformance.vectors import format as vf

#: The shipped sets that are not a TensorFlow release's, in the order the docs show them.
OTHER_SETS: tuple[str, ...] = (
    "tf-nightly",
    "keras-jax",
    "keras-torch",
    "keras-numpy",
    "keras-tensorflow",
)

_RELEASE = re.compile(r"^(tf-)?\d+\.\d+(\.\d+)?$")


class VectorSet(Vectors):
    """One frozen set directory (and optionally a tensorflow-addons set beside it) as the
    oracle: any set of the schema, whoever computed it."""

    def __init__(self, directory: Path | str, tfa_directory: Path | str | None = None) -> None:
        self.tf_dir = Path(directory)
        self.root = self.tf_dir.parent
        self.tfa_dir = Path(tfa_directory) if tfa_directory is not None else None
        self.tf_version = self.tf_dir.name
        for where in (self.tf_dir, self.tfa_dir):
            if where is not None:
                vf.verify_manifest(where)
        self._documents: dict[str, dict | None] = {}
        self._cases: dict[str, dict[str, dict]] = {}

    @property
    def name(self) -> str:
        return f"golden vectors {self.tf_dir.name}"

    @property
    def source(self) -> tuple[str, str]:
        """For a reproducer: the expression that loads this set, and its import."""
        return (
            f"load({self.tf_dir.name!r})",
            "from conformance.oracles.vector_sets import load",
        )

    def versions(self) -> dict[str, str]:
        found = {"golden vectors": self.tf_dir.name}
        found.update(
            {k: v for k, v in self.document_versions(self.tf_dir).items() if k != "python"}
        )
        return found

    def missing_reason(self, api: str) -> str:
        if self.directory(api) is None:
            return f"the golden vectors {self.tf_dir.name} have no tensorflow-addons set"
        return f"the golden vectors {self.tf_dir.name} have no file for {api}"


def load(name: str, root: Path | str = vf.ROOT) -> Vectors:
    """The vectors named by ``vectors:NAME``; :class:`VectorError` naming what exists when there
    is no such set."""
    root = Path(root)
    if _RELEASE.match(name):
        version = name[3:] if name.startswith("tf-") else name
        return Vectors(version, root)
    if (root / name).is_dir():
        return VectorSet(root / name)
    if Path(name).is_dir():
        return VectorSet(Path(name))
    versions, _ = shipped(root)
    others = [s for s in OTHER_SETS if (root / s).is_dir()]
    raise vf.VectorError(
        f"no vector set {name!r}; shipped: {', '.join([*versions, *others])} (or a directory)"
    )

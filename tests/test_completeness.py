"""Every API of the registry (conformance/registry.py) has every piece it needs, and nothing
exists outside the registry. A new API fails here with one message naming each missing piece;
CONTRIBUTING.md ("Adding an API") is the checklist this test backs."""

from __future__ import annotations

import ast
import functools
import inspect
from pathlib import Path

import pytest

import conformance
import reference
from conformance import cases, registry
from conformance.oracles.vectors import shipped
from conformance.targets import Target, tf_api
from conformance.vectors import format as vf

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(conformance.__file__).resolve().parent
DOCS = ROOT / "docs"
REFERENCE = Target("reference", reference)
FRAMEWORKS = ("pytorch", "optax")

#: The class of :mod:`conformance.targets.tf_api` holding each optimizer's TF signature.
TF_API_OPTIMIZER = {
    "keras optimizer": "",
    "legacy optimizer": "Legacy",
    "tensorflow-addons optimizer": "Addons",
    "compat_v1 optimizer": "",
}

#: Where each framework adapter defines an optimizer of each module.
ADAPTER_MODULE = {
    "optimizers": "optimizers/__init__.py",
    "optimizers.legacy": "optimizers/legacy.py",
    "addons": "addons.py",
    "compat_v1": "compat_v1.py",
}


@functools.cache
def _defined(path: Path) -> frozenset[str]:
    """The functions and classes a source file defines at its top level (read, not imported:
    the adapters import torch and optax)."""
    if not path.is_file():
        return frozenset()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
    )


def missing_pieces(api: registry.API) -> list[str]:
    """What ``api`` lacks, one phrase per piece, saying where it goes."""
    found = []
    if REFERENCE.lookup(api.name) is None:
        found.append(f"its reference implementation reference.{api.name}")
    if not cases.of(api.name):
        found.append(f"cases (conformance/cases/: none has api={api.name!r})")
    if not api.is_optimizer and api.float64_bound is None:
        found.append(
            "a float64 bound (derived in conformance/tolerance.py, named in its registry record)"
        )
    page = DOCS / api.docs
    if not page.is_file():
        found.append(f"its docs page docs/{api.docs}")
    elif f"reference.{api.name}" not in page.read_text(encoding="utf-8"):
        found.append(f"a ```{{reference-api}} reference.{api.name}``` block on docs/{api.docs}")
    found += _adapter_pieces(api)
    found += _vector_pieces(api)
    return found


def _adapter_pieces(api: registry.API) -> list[str]:
    found = []
    if api.kind == "schedule" and not inspect.isclass(getattr(tf_api, api.short, None)):
        found.append(f"its TF signature class {api.short} in conformance/targets/tf_api.py")
    if api.kind == "decay" and not hasattr(tf_api._CompatV1Decays, api.short):
        if api.short != "piecewise_constant_decay":  # tf_api's alias of piecewise_constant
            found.append(f"its TF signature _CompatV1Decays.{api.short} in tf_api.py")
    if api.is_optimizer:
        signature = TF_API_OPTIMIZER[api.origin.name] + api.short
        if not inspect.isclass(getattr(tf_api, signature, None)):
            found.append(f"its TF signature class {signature} in conformance/targets/tf_api.py")
    if not api.is_optimizer and api.recipe is None:
        found.append(
            "its framework recipes: a function in conformance/targets/pytorch/recipes.py and "
            "in .../optax/recipes.py, named in its registry record (API(..., recipe=...))"
        )
    for framework in FRAMEWORKS:
        adapter = PACKAGE / "targets" / framework
        if api.recipe is not None and api.recipe not in _defined(adapter / "recipes.py"):
            found.append(
                f"a {framework} recipe {api.recipe}() in conformance/targets/{framework}/recipes.py"
            )
        if api.is_optimizer:
            where = ADAPTER_MODULE[api.module]
            if api.short not in _defined(adapter / where):
                found.append(
                    f"a {framework} optimizer class {api.short} in "
                    f"conformance/targets/{framework}/{where}"
                )
    return found


def _vector_pieces(api: registry.API) -> list[str]:
    tf_versions, tfa_sets = shipped()
    sets = tfa_sets if api.origin.vector_set == "tfa" else [f"tf-{v}" for v in tf_versions]
    lacking = [name for name in sets if not (vf.ROOT / name / f"{api.name}.json").is_file()]
    if not lacking:
        return []
    return [
        f"golden vectors {', '.join(lacking)} "
        f"(python -m tox -e vectors-tfNNN[-tfa], see CONTRIBUTING.md)"
    ]


def test_every_api_has_every_piece():
    lacking = {api.name: missing_pieces(api) for api in registry.APIS}
    lines = [f"{name} lacks: {'; '.join(pieces)}" for name, pieces in lacking.items() if pieces]
    assert not lines, "\n".join(lines)


def _reference_apis() -> set[str]:
    """Every API the reference offers, by the registry's naming."""
    found = set()
    for module in ("schedules", "compat_v1", "optimizers", "optimizers.legacy", "addons"):
        package = REFERENCE.submodule(module)
        for name, value in vars(package).items():
            if name.startswith("_") or inspect.ismodule(value):
                continue
            defined_here = getattr(value, "__module__", "").startswith(f"reference.{module}")
            if callable(value) and defined_here and name in getattr(package, "__all__", [name]):
                found.add(f"{module}.{name}")
    return found


#: What the reference exports that is not an API of the catalogue: bases, helpers, constants.
NOT_APIS = {
    "schedules.LearningRateSchedule",
    "optimizers.IndexedSlices",
    "optimizers.Optimizer",
    "compat_v1.global_step",
    "compat_v1.get_or_create_global_step",
    "compat_v1.assign_add",
    "compat_v1.GlobalStep",
}


def test_every_reference_api_is_registered():
    unknown = sorted(_reference_apis() - set(registry.names()) - NOT_APIS)
    assert not unknown, (
        f"the reference offers {unknown}, which conformance/registry.py does not list: add a "
        "record (CONTRIBUTING.md, 'Adding an API')"
    )


def test_every_case_is_of_a_registered_api():
    unknown = sorted(
        {c.api for c in (*cases.CASES, *cases.OPTIMIZER_CASES)} - set(registry.names())
    )
    assert not unknown, f"cases of APIs the registry does not list: {unknown}"


@pytest.mark.parametrize("origin", registry.ORIGINS, ids=lambda o: o.name)
def test_every_origin_has_apis(origin):
    assert any(api.origin is origin for api in registry.APIS), origin.name


def _tox_tensorflow_versions() -> set[str]:
    """The TensorFlow versions of tox.ini's ``tfNNN: tensorflow~=X.Y.0`` deps."""
    found = set()
    for line in (ROOT / "tox.ini").read_text(encoding="utf-8").splitlines():
        factor, _, requirement = line.strip().partition(":")
        if factor.startswith("tf2") and "tensorflow~=" in requirement:
            found.add(requirement.split("~=")[1].strip().rsplit(".", 1)[0])
    return found


def test_every_tensorflow_version_has_its_env_and_vectors():
    assert _tox_tensorflow_versions() == set(registry.TENSORFLOW_VERSIONS), (
        "tox.ini's tfNNN deps and conformance.registry.TENSORFLOW_VERSIONS disagree "
        "(CONTRIBUTING.md, 'Adding a TensorFlow version')"
    )
    tf_versions, _ = shipped()
    vectors = {".".join(v.split(".")[:2]) for v in tf_versions}
    assert vectors == set(registry.TENSORFLOW_VERSIONS), (
        f"golden vectors ship for {sorted(vectors)}; the registry lists "
        f"{list(registry.TENSORFLOW_VERSIONS)}: export the missing ones (tox -e vectors-tfNNN)"
    )

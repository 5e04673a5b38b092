"""The catalogue: every case the suite checks.

The case model (:class:`Case`, :class:`OptimizerCase`, the step and gradient generators) is in
:mod:`conformance.cases.model`; the data is split by family: :mod:`~conformance.cases.keras`,
:mod:`~conformance.cases.addons`, :mod:`~conformance.cases.compat_v1`,
:mod:`~conformance.cases.long_horizon`, :mod:`~conformance.cases.optimizers` and
:mod:`~conformance.cases.bad_inputs` (loaded on first use). Expected values
are never written here: they come from TensorFlow (live, or frozen vectors with their
provenance). The same catalogue drives the pytest suite, the command line, the golden vectors
and the docs; which APIs exist is :mod:`conformance.registry`'s to say.
"""

from __future__ import annotations

import importlib

from conformance.cases.model import (
    FAR_STEPS,
    GRADIENT_REGIMES,
    SCALAR_SAMPLE,
    Applicability,
    Case,
    ExplicitGradients,
    Expr,
    Gradients,
    LearningRateSpec,
    Literal,
    OptimizerCase,
    Span,
    SparseGradients,
    StepInput,
    around,
    optimizer_case,
    schedule_case,
    span,
    steps_of,
)

__all__ = [
    "CASES",
    "FAR_STEPS",
    "GRADIENT_REGIMES",
    "OPTIMIZER_CASES",
    "SCALAR_SAMPLE",
    "Applicability",
    "Case",
    "ExplicitGradients",
    "Expr",
    "Gradients",
    "LearningRateSpec",
    "Literal",
    "OptimizerCase",
    "Span",
    "SparseGradients",
    "StepInput",
    "around",
    "cases",
    "optimizer_case",
    "optimizer_cases",
    "schedule_case",
    "span",
    "steps_of",
]

#: The data modules, loaded on first use of the catalogue (``CASES``, ``OPTIMIZER_CASES``,
#: :func:`cases`, ...): ``--help`` and a usage error need none of it.
_CATALOGUE: dict[str, list] = {}


def _catalogue() -> dict[str, list]:
    if not _CATALOGUE:
        data = {
            name: importlib.import_module(f"conformance.cases.{name}")
            for name in ("keras", "addons", "compat_v1", "long_horizon", "optimizers", "bad_inputs")
        }
        schedules = [
            *data["keras"].KERAS_SCHEDULES,
            *data["addons"].CYCLICAL_LEARNING_RATE,
            *data["compat_v1"].COMPAT_V1_SCHEDULES,
            *data["long_horizon"].LONG_HORIZON,
            *data["bad_inputs"].SCHEDULE_BAD_INPUTS,
        ]
        optimizers = [
            *data["optimizers"].OPTIMIZER_CASES,
            *data["bad_inputs"].BAD_INPUT_OPTIMIZER_CASES,
        ]
        _check_unique_ids([*schedules, *optimizers])
        _CATALOGUE.update(CASES=schedules, OPTIMIZER_CASES=optimizers)
    return _CATALOGUE


def __getattr__(name: str):
    """``CASES`` (every schedule case, in catalogue order) and ``OPTIMIZER_CASES`` (every
    optimizer case), loaded on first use."""
    if name in ("CASES", "OPTIMIZER_CASES"):
        return _catalogue()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cases(api: str | None = None, tag: str | None = None) -> list[Case]:
    """The schedule cases, optionally only one API or one tag."""
    return [
        c
        for c in _catalogue()["CASES"]
        if (api is None or c.api == api) and (tag is None or tag in c.tags)
    ]


def optimizer_cases(api: str | None = None, tag: str | None = None) -> list[OptimizerCase]:
    """The optimizer cases, optionally only one API or one tag."""
    return [
        c
        for c in _catalogue()["OPTIMIZER_CASES"]
        if (api is None or c.api == api) and (tag is None or tag in c.tags)
    ]


def of(api: str) -> list[Case] | list[OptimizerCase]:
    """The cases of one API, whichever kind it is."""
    catalogue = _catalogue()
    return [c for c in (*catalogue["CASES"], *catalogue["OPTIMIZER_CASES"]) if c.api == api]


def _check_unique_ids(every: list) -> None:
    seen: set[str] = set()
    for case in every:
        if case.id in seen:
            raise ValueError(f"duplicate case id {case.id!r}")
        seen.add(case.id)

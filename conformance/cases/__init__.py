"""The catalogue: every case the suite checks.

The case model (:class:`Case`, :class:`OptimizerCase`, the step and gradient generators) is in
:mod:`conformance.cases.model`; the data is split by family: :mod:`~conformance.cases.keras`,
:mod:`~conformance.cases.addons`, :mod:`~conformance.cases.compat_v1`,
:mod:`~conformance.cases.long_horizon` and :mod:`~conformance.cases.optimizers`. Expected values
are never written here: they come from TensorFlow (live, or frozen vectors with their
provenance). The same catalogue drives the pytest suite, the command line, the golden vectors
and the docs; which APIs exist is :mod:`conformance.registry`'s to say.
"""

from __future__ import annotations

from conformance.cases.addons import CYCLICAL_LEARNING_RATE
from conformance.cases.bad_inputs import BAD_INPUT_OPTIMIZER_CASES, SCHEDULE_BAD_INPUTS
from conformance.cases.compat_v1 import COMPAT_V1_SCHEDULES
from conformance.cases.keras import KERAS_SCHEDULES
from conformance.cases.long_horizon import LONG_HORIZON
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
from conformance.cases.optimizers import OPTIMIZER_CASES as _TRAJECTORIES

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

#: Every optimizer case, in catalogue order.
OPTIMIZER_CASES: list[OptimizerCase] = [*_TRAJECTORIES, *BAD_INPUT_OPTIMIZER_CASES]

#: Every schedule case, in catalogue order.
CASES: list[Case] = [
    *KERAS_SCHEDULES,
    *CYCLICAL_LEARNING_RATE,
    *COMPAT_V1_SCHEDULES,
    *LONG_HORIZON,
    *SCHEDULE_BAD_INPUTS,
]


def cases(api: str | None = None, tag: str | None = None) -> list[Case]:
    """The schedule cases, optionally only one API or one tag."""
    return [c for c in CASES if (api is None or c.api == api) and (tag is None or tag in c.tags)]


def optimizer_cases(api: str | None = None, tag: str | None = None) -> list[OptimizerCase]:
    """The optimizer cases, optionally only one API or one tag."""
    return [
        c
        for c in OPTIMIZER_CASES
        if (api is None or c.api == api) and (tag is None or tag in c.tags)
    ]


def of(api: str) -> list[Case] | list[OptimizerCase]:
    """The cases of one API, whichever kind it is."""
    return [c for c in (*CASES, *OPTIMIZER_CASES) if c.api == api]


def _check_unique_ids() -> None:
    seen: set[str] = set()
    for case in (*CASES, *OPTIMIZER_CASES):
        if case.id in seen:
            raise ValueError(f"duplicate case id {case.id!r}")
        seen.add(case.id)


_check_unique_ids()

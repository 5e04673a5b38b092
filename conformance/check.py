"""The checks of the catalogue: which comparisons exist for an oracle.

A check is one case on one TensorFlow entry point in one dtype, on one evaluation path: a
schedule case on the ``vector`` or ``scalar`` path (:data:`MODES`), an optimizer case on its
``trajectory``. Every check is run the same way: build the case, run the target, run the oracle,
one comparison (:func:`conformance.run.run_check`, which hands a schedule check to
:mod:`conformance.schedule_check` and an optimizer check to :mod:`conformance.optimizer_check`).
The command line and the pytest suite plan with :func:`plan` and run with ``run_check``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from conformance.cases import Case, OptimizerCase
from conformance.cases.model import BAD_INPUT
from conformance.oracles import EntryPoint, Oracle

#: (dtype, evaluation path) pairs every schedule case is checked on.
MODES = (("float32", "vector"), ("float32", "scalar"), ("float64", "scalar"))

#: The dtypes of an optimizer case (float64 only where the case says ``float64=True``).
OPTIMIZER_DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class Check:
    case: Case | OptimizerCase
    entry: EntryPoint
    dtype: str
    #: ``vector`` or ``scalar`` (schedules), ``trajectory`` (optimizers).
    path: str

    @property
    def id(self) -> str:
        return f"{self.case.id}|{self.entry.key}|{self.dtype}|{self.path}"

    @property
    def is_optimizer(self) -> bool:
        return self.path == "trajectory"

    @property
    def bad_input(self) -> bool:
        """Whether the case is of the bad-input catalogue (TensorFlow's answer to an input
        it was never meant to get)."""
        return BAD_INPUT in self.case.tags

    @property
    def where(self) -> str:
        if self.is_optimizer:
            return f"{self.entry.label}, {self.dtype}, trajectory"
        return f"{self.entry.label}, {self.dtype}, {self.path} path"


class NotApplicable(Exception):
    """The check has nothing to compare (TensorFlow cannot evaluate this path, or the oracle
    holds no kernels for it); the reason says which other check covers the case."""


class NotImplementedPart(Exception):
    """The target provides the API but not a piece this case needs (the sparse gradient type,
    the schedule of the learning rate): the check is "not implemented", not a failure."""


@dataclass(frozen=True)
class Options:
    """How the checks of a run compare, beyond the check itself (``check``'s options)."""

    #: float32 budget in ULPs of every schedule case (None: each case's ``max_ulp``); 0 is
    #: ``--strict``.
    max_ulp: int | None = None
    #: Call the target one step at a time on the scalar path even where it declares that its
    #: array evaluation equals its per-step one (``--per-step``: checks the declaration).
    per_step: bool = False
    #: Compare only steps (optimizers: updates) ``start <= s < stop`` (None: unbounded).
    start: int | None = None
    stop: int | None = None

    @property
    def windowed(self) -> bool:
        return self.start is not None or self.stop is not None

    def in_window(self, steps):
        """A boolean mask of the steps inside the window."""
        steps = np.asarray(steps)
        inside = np.ones(steps.shape, dtype=bool)
        if self.start is not None:
            inside &= steps >= self.start
        if self.stop is not None:
            inside &= steps < self.stop
        return inside


def plan(oracle: Oracle, cases: Iterable[Case | OptimizerCase]) -> list[Check]:
    """Every check of ``cases`` that ``oracle`` can answer, in catalogue order."""
    found = []
    for case in cases:
        for entry in oracle.entry_points(case.api):
            if not case.applies_to(entry):
                continue
            if isinstance(case, OptimizerCase):
                dtypes = OPTIMIZER_DTYPES if case.float64 else OPTIMIZER_DTYPES[:1]
                found += [Check(case, entry, dtype, "trajectory") for dtype in dtypes]
            else:
                # A step passed by hand (case.step_input) is one call: the scalar path only.
                modes = [m for m in MODES if case.step_input is None or m[1] == "scalar"]
                found += [Check(case, entry, dtype, path) for dtype, path in modes]
    return found


#: What :func:`part` selects: everything, the quick sample, or everything but the sample.
PARTS: tuple[str, ...] = ("all", "sample", "rest")

#: One optimizer case in this many is in the quick sample (besides the first of each group).
SAMPLE_ONE_IN = 8


def in_sample(check: Check, first_of_group: bool) -> bool:
    """Whether ``check`` is in the quick sample: every schedule check and every bad input (a
    schedule costs microseconds a step, a bad input a few steps); of the optimizer trajectories
    (a thousand steps of Python each, nine tenths of the time), the first of each API, entry
    point and dtype, and one case in :data:`SAMPLE_ONE_IN` chosen by a digest of its id, so that
    a case sampled is sampled on every entry point and in every run."""
    if not check.is_optimizer or check.bad_input or first_of_group:
        return True
    digest = hashlib.sha256(check.case.id.encode()).digest()
    return digest[0] % SAMPLE_ONE_IN == 0


def part(checks: Iterable[Check], which: str) -> list[Check]:
    """``checks`` (in :func:`plan`'s order) restricted to a part: ``all``, the quick ``sample``
    (:func:`in_sample`) or the ``rest``; the sample and the rest are disjoint, and together
    every check."""
    if which not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}. Received: {which!r}")
    chosen, groups = [], set()
    for check in checks:
        group = (check.case.api, check.entry.key, check.dtype)
        first = check.is_optimizer and not check.bad_input and group not in groups
        if first:
            groups.add(group)
        if which == "all" or in_sample(check, first) == (which == "sample"):
            chosen.append(check)
    return chosen

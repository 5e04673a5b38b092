"""The catalogue: every case the suite checks, in one table.

A case is one API with one set of arguments, evaluated at a list of steps. Expected values are
never written here: they come from TensorFlow (live, or frozen vectors with their provenance).
The same catalogue drives the pytest suite, the command line, the golden vectors and the docs.

APIs are named after the reference's layout, which mirrors TensorFlow's:

* ``schedules.ExponentialDecay`` is ``tf.keras.optimizers.schedules.ExponentialDecay`` (and
  ``tf_keras.optimizers.schedules.ExponentialDecay``); the tensorflow-addons cyclical schedules
  are ``schedules.CyclicalLearningRate`` etc. (``tfa.optimizers.CyclicalLearningRate``);
* ``compat_v1.exponential_decay`` is ``tf.compat.v1.train.exponential_decay``.

Tags say what a case exercises (``staircase``, ``cycle``, ``warmup``, ``far``, ``invalid``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

#: Steps where float32 stops representing every integer, and the largest int32.
FAR_STEPS = (2**24 - 1, 2**24, 2**24 + 1, 2**31 - 1)


def around(*points: int) -> list[int]:
    """Each point with its neighbours: ``p - 1, p, p + 1`` (steps below 0 dropped)."""
    return [q for p in points for q in (p - 1, p, p + 1) if q >= 0]


class Span(list):
    """A dense run of steps (from :func:`span`). Every other step a case lists is a key step:
    a boundary, a restart, a far step. The scalar path, which is slow, checks every key step and
    an evenly spaced sample of the spans (:meth:`Case.sampled`)."""


def span(start: int, stop: int, step: int = 1) -> Span:
    return Span(range(start, stop, step))


#: At most this many steps of a case's spans go through the scalar path (all of them for
#: smaller cases). The vector path checks every step.
SCALAR_SAMPLE = 2048


def steps_of(*parts: Iterable | int, spans: bool = True) -> np.ndarray:
    """The sorted, distinct int64 steps of all parts (ints, or nested lists and ranges of them);
    with ``spans=False``, only the key steps (those not in a :class:`Span`)."""
    values: list[int] = []
    # A span holds only ints: converted whole, since a million-step span visited one int at a
    # time costs a minute at import.
    arrays: list[np.ndarray] = []

    def collect(part) -> None:
        if isinstance(part, (int, np.integer)):
            values.append(int(part))
        elif isinstance(part, Span):
            if spans:
                arrays.append(np.asarray(part, dtype=np.int64))
        else:
            for item in part:
                collect(item)

    collect(parts)
    # Sorted, then de-duplicated: numpy 2's np.unique hashes, 100x slower on these arrays.
    steps = np.sort(np.concatenate([np.asarray(values, dtype=np.int64), *arrays]))
    first = np.ones(len(steps), dtype=bool)
    first[1:] = steps[1:] != steps[:-1]
    return steps[first]


@dataclass(frozen=True)
class Expr:
    """A Python callable written as source (a tfa ``scale_fn``), so that a case stays data: it
    can be printed in a reproducer and stored in a vector file. Evaluated with ``eval``."""

    source: str

    def build(self):
        return eval(self.source)  # noqa: S307 - source comes from this catalogue


@dataclass(frozen=True)
class Case:
    """One API, one set of keyword arguments (TensorFlow's names), a list of steps."""

    id: str
    api: str
    params: Mapping[str, Any] = field(hash=False)
    steps: np.ndarray = field(hash=False, compare=False, repr=False)
    tags: frozenset[str] = frozenset()
    #: float32-mode budget against TensorFlow, in ULPs.
    max_ulp: int = 1
    #: Flavours where this form of the API exists (``None``: wherever the API exists). For
    #: example CosineDecay's warmup arguments exist in Keras 2.13+ and Keras 3, not in compat.v1.
    #: An entry-point key names one entry point: ``compat_v1.eager`` for a mistake that TF1's
    #: eager and graph modes report with different exceptions (the reference mirrors eager's).
    flavors: frozenset[str] | None = None
    #: Why the case is in the catalogue.
    why: str = ""
    #: The dtype the steps are fed in: ``"int64"`` is what Keras optimizers since TF 2.11 and
    #: TF1's global_step pass; ``"float32"`` is what legacy Keras optimizers pass.
    step_dtype: str = "int64"
    #: The steps outside dense spans (boundaries, restarts, far steps): always checked.
    key_steps: np.ndarray = field(hash=False, compare=False, repr=False, default=None)

    @property
    def family(self) -> str:
        return self.api.split(".", 1)[1]

    def built_params(self) -> dict[str, Any]:
        """The keyword arguments with every :class:`Expr` turned into its callable."""
        return {k: (v.build() if isinstance(v, Expr) else v) for k, v in self.params.items()}

    def sampled(self, size: int = SCALAR_SAMPLE) -> Case:
        """The same case on fewer steps: every key step, every step 0-63, and ``size`` evenly
        spaced steps of the rest. Deterministic, so a report can be reproduced."""
        if len(self.steps) <= size + len(self.key_steps if self.key_steps is not None else ()):
            return self
        keep = np.zeros(len(self.steps), dtype=bool)
        keep[np.linspace(0, len(self.steps) - 1, size).round().astype(int)] = True
        keep |= self.steps < 64
        if self.key_steps is not None:
            keep |= np.isin(self.steps, self.key_steps)
        return replace(self, steps=self.steps[keep])


def _case(api: str, label: str, params: dict, steps, tags=(), **kwargs) -> Case:
    return Case(
        id=f"{api.split('.', 1)[1]}/{label}",
        api=api,
        params=params,
        steps=steps_of(steps),
        key_steps=steps_of(steps, spans=False),
        tags=frozenset(tags),
        **kwargs,
    )


# --------------------------------------------------------------------------------------------
# schedules.ExponentialDecay
# --------------------------------------------------------------------------------------------

_EXP = "schedules.ExponentialDecay"
EXPONENTIAL_DECAY = [
    _case(
        _EXP,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [span(0, 2001), around(10, 20, 100), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _EXP,
        "staircase",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
        [span(0, 2001), around(10, 20, 100, 1000), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    _case(
        _EXP,
        "seed000-staircase-per-batch",
        dict(initial_learning_rate=1e-3, decay_steps=25, decay_rate=0.95, staircase=True),
        [span(0, 5001), around(25, 50, 2500)],
        tags={"staircase", "seed"},
        why="seed 000: decay_steps counts batches, so the rate drops after 25 batches",
    ),
    _case(
        _EXP,
        "slow-decay-million-steps",
        dict(initial_learning_rate=0.01, decay_steps=100_000, decay_rate=0.96),
        [span(0, 1_000_001, 7), around(100_000, 500_000), FAR_STEPS],
        tags={"far", "dense"},
    ),
    _case(
        _EXP,
        "every-step",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.999),
        [span(0, 100_001, 3), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _EXP,
        "underflow-to-zero",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.5),
        [span(0, 200)],
        tags={"underflow"},
        why="TF flushes subnormal float32 results to 0 (0.1 * 0.5**125 is 0.0)",
    ),
    _case(
        _EXP,
        "growth-rate-above-one",
        dict(initial_learning_rate=0.01, decay_steps=100, decay_rate=1.5),
        [span(0, 30_001, 10)],
        tags={"growth"},
    ),
    _case(
        _EXP,
        "rate-one-is-constant",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=1.0),
        [span(0, 100), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _EXP,
        "rate-zero",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.0),
        [span(0, 30)],
        tags={"extreme"},
        why="0**0 is 1 at step 0, then 0",
    ),
    _case(
        _EXP,
        "rate-zero-staircase",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.0, staircase=True),
        [span(0, 30)],
        tags={"extreme", "staircase"},
    ),
    _case(
        _EXP,
        "float-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=2.5, decay_rate=0.5, staircase=True),
        [span(0, 100)],
        tags={"staircase"},
    ),
    _case(
        _EXP,
        "inexact-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=0.3, decay_rate=0.9, staircase=True),
        [span(0, 3000)],
        tags={"staircase"},
        why="0.3 is not a float32 number: floor(s / 0.3) near integers decides the stair",
    ),
    _case(
        _EXP,
        "tiny-learning-rate",
        dict(initial_learning_rate=1e-30, decay_steps=10, decay_rate=0.5),
        [span(0, 400)],
        tags={"extreme", "underflow"},
    ),
    _case(
        _EXP,
        "huge-learning-rate",
        dict(initial_learning_rate=1e30, decay_steps=10, decay_rate=2.0),
        [span(0, 400)],
        tags={"extreme", "overflow"},
    ),
    _case(
        _EXP,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 and compat.v1 give nan, then 0",
    ),
    _case(
        _EXP,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10, decay_rate=0.5),
        [0, 1, 5, 50],
        tags={"invalid"},
    ),
    _case(
        _EXP,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10, decay_rate=0.5),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int"},
        why="int32 compute dtype: Keras 2 raises, Keras 3 silently returns 1.0 then 0.0",
    ),
]


# --------------------------------------------------------------------------------------------
# schedules.PiecewiseConstantDecay
# --------------------------------------------------------------------------------------------

_PWC = "schedules.PiecewiseConstantDecay"
PIECEWISE_CONSTANT_DECAY = [
    _case(
        _PWC,
        "ordinary",
        dict(boundaries=[10, 20], values=[1.0, 0.5, 0.1]),
        [span(0, 60), around(10, 20), FAR_STEPS],
        tags={"far"},
        why="right-closed intervals: the new value starts at boundary + 1",
    ),
    _case(
        _PWC,
        "seed004-two-drops",
        dict(boundaries=[100_000, 110_000], values=[1.0, 0.5, 0.1]),
        [span(0, 50), around(100_000, 110_000), FAR_STEPS],
        tags={"seed", "far"},
        why="seed 004: tf.compat.v1.train.piecewise_constant tutorial boundaries",
    ),
    _case(
        _PWC,
        "single-boundary",
        dict(boundaries=[100], values=[0.1, 0.01]),
        [span(0, 300), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _PWC,
        "many-boundaries",
        dict(
            boundaries=[1, 2, 3, 5, 8, 13, 21],
            values=[0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01],
        ),
        [span(0, 40)],
    ),
    _case(
        _PWC,
        "boundary-zero",
        dict(boundaries=[0, 1], values=[0.3, 0.2, 0.1]),
        [span(0, 5)],
        why="step 0 is in the first interval (s <= 0), step 1 in the second",
    ),
    _case(
        _PWC,
        "inexact-values",
        dict(boundaries=[1000, 2000], values=[0.1, 0.01, 0.001]),
        [around(1000, 2000), 0, 5000],
        why="values are rounded to float32 (0.1 is not a float32 number)",
    ),
    _case(
        _PWC,
        "float-boundaries-truncated",
        dict(boundaries=[9.5, 19.5], values=[1.0, 0.5, 0.1]),
        [span(0, 30)],
        tags={"dtype"},
        why="boundaries are cast to the int64 step: 9.5 truncates to 9",
    ),
    _case(
        _PWC,
        "float32-steps-float-boundaries",
        dict(boundaries=[9.5, 19.5], values=[1.0, 0.5, 0.1]),
        [span(0, 30)],
        tags={"dtype"},
        step_dtype="float32",
        why="a legacy Keras optimizer passes float32 steps: the boundaries stay 9.5 and 19.5",
    ),
    _case(
        _PWC,
        "float32-steps-beyond-2-24",
        dict(boundaries=[2**24], values=[1.0, 0.5]),
        [around(2**24), 2**24 + 2, 2**24 + 3],
        tags={"dtype", "far"},
        step_dtype="float32",
        why="float32 steps 2**24 + 1 round to 2**24: the drop comes at 2**24 + 2",
    ),
    _case(
        _PWC,
        "int-values",
        dict(boundaries=[10, 20], values=[3, 2, 1]),
        [span(0, 30)],
        tags={"int", "dtype"},
        why="Python-int values give an int32 learning rate",
    ),
    _case(
        _PWC,
        "mixed-values-int-first",
        dict(boundaries=[10], values=[1, 0.5]),
        [span(0, 20)],
        tags={"invalid", "dtype"},
        why="Keras 2 returns the taken branch's dtype; Keras 3 multiplies an int32 accumulator "
        "by a float32 value and raises",
    ),
    _case(
        _PWC,
        "mixed-values-float-first",
        dict(boundaries=[10], values=[0.5, 1]),
        [span(0, 20)],
        tags={"invalid", "dtype"},
    ),
    _case(
        _PWC,
        "equal-boundaries",
        dict(boundaries=[10, 10], values=[1.0, 0.5, 0.1]),
        [span(0, 20)],
        tags={"invalid"},
        why="the middle value is unreachable",
    ),
    _case(
        _PWC,
        "decreasing-boundaries",
        dict(boundaries=[20, 10], values=[1.0, 0.5, 0.1]),
        [span(0, 30)],
        tags={"invalid"},
        why="Keras 2: two true predicates in an exclusive tf.case raise InvalidArgumentError at "
        "steps 11-19; Keras 3 adds the overlapping values (1.0 + 0.1 in float32)",
    ),
    _case(
        _PWC,
        "infinite-value",
        dict(boundaries=[10], values=[0.1, float("inf")]),
        [span(0, 20)],
        tags={"extreme"},
        why="Keras 3's masked sum computes 0 * inf = nan at every step; Keras 2 picks one value",
    ),
    _case(
        _PWC,
        "zero-and-negative-values",
        dict(boundaries=[5, 10], values=[0.0, -0.1, -0.0]),
        [span(0, 15)],
        tags={"extreme"},
    ),
    _case(
        _PWC,
        "empty-boundaries",
        dict(boundaries=[], values=[0.1]),
        [0, 1, 10],
        tags={"invalid"},
        why="constructs, then IndexError at call (boundaries[0])",
    ),
    _case(
        _PWC,
        "length-mismatch",
        dict(boundaries=[10, 20], values=[1.0, 0.5]),
        [0, 10, 20],
        tags={"invalid"},
        why="ValueError at construction",
    ),
]


# --------------------------------------------------------------------------------------------
# schedules.PolynomialDecay
# --------------------------------------------------------------------------------------------

_POLY = "schedules.PolynomialDecay"
POLYNOMIAL_DECAY = [
    _case(
        _POLY,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01),
        [span(0, 200), around(10), FAR_STEPS],
        tags={"far"},
        why="linear from 0.1 to 0.01, then held at 0.01",
    ),
    _case(
        _POLY,
        "default-end-1e-4",
        dict(initial_learning_rate=0.1, decay_steps=1000),
        [span(0, 3000), FAR_STEPS],
        tags={"far"},
        why="the default end_learning_rate is 1e-4, not 0",
    ),
    _case(
        _POLY,
        "power-2",
        dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.01, power=2.0),
        [span(0, 300)],
    ),
    _case(
        _POLY,
        "power-half",
        dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.01, power=0.5),
        [span(0, 300)],
        why="pow with a non-integer exponent near 0 (the last steps before decay_steps)",
    ),
    _case(
        _POLY,
        "cycle",
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, cycle=True),
        [span(0, 2001), around(10, 20, 30, 1000), FAR_STEPS],
        tags={"cycle", "far"},
        why="end exactly at every multiple of decay_steps, a lower restart one step later",
    ),
    _case(
        _POLY,
        "cycle-power-half",
        dict(
            initial_learning_rate=0.1,
            decay_steps=10,
            end_learning_rate=0.01,
            power=0.5,
            cycle=True,
        ),
        [span(0, 500), FAR_STEPS],
        tags={"cycle", "far"},
    ),
    _case(
        _POLY,
        "cycle-long",
        dict(initial_learning_rate=1e-3, decay_steps=1000, end_learning_rate=1e-5, cycle=True),
        [span(0, 100_001, 3), around(1000, 2000, 50_000, 99_000), FAR_STEPS],
        tags={"cycle", "far", "dense"},
    ),
    _case(
        _POLY,
        "cycle-power-3",
        dict(
            initial_learning_rate=0.5, decay_steps=7, end_learning_rate=0.0, power=3.0, cycle=True
        ),
        [span(0, 200)],
        tags={"cycle"},
    ),
    _case(
        _POLY,
        "rising-warmup-ramp",
        dict(initial_learning_rate=0.0, decay_steps=500, end_learning_rate=0.1),
        [span(0, 1000)],
        why="end above start: a linear warmup from 0 to 0.1",
    ),
    _case(
        _POLY,
        "long-slow",
        dict(initial_learning_rate=1e-3, decay_steps=100_000, end_learning_rate=1e-5, power=1.5),
        [span(0, 150_001, 3), around(100_000), FAR_STEPS],
        tags={"far", "dense"},
    ),
    _case(
        _POLY,
        "power-zero",
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=0.0),
        [span(0, 30)],
        tags={"extreme"},
        why="0**0 is 1: the rate stays at initial_learning_rate, even at decay_steps",
    ),
    _case(
        _POLY,
        "power-50-underflow",
        dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.0, power=50.0),
        [span(0, 101)],
        tags={"extreme", "underflow"},
        why="(1 - p)**50 underflows float32 near the end: TF flushes subnormals to 0",
    ),
    _case(
        _POLY,
        "float-decay-steps-cycle",
        dict(initial_learning_rate=0.1, decay_steps=2.5, end_learning_rate=0.0, cycle=True),
        [span(0, 100)],
        tags={"cycle"},
    ),
    _case(
        _POLY,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan (0/0) at every step",
    ),
    _case(
        _POLY,
        "decay-steps-zero-cycle",
        dict(initial_learning_rate=0.1, decay_steps=0, cycle=True),
        [0, 1, 5],
        tags={"invalid", "cycle"},
        why="Keras 2: 0 * ceil(s/0) = 0 * inf = nan",
    ),
    _case(
        _POLY,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10, end_learning_rate=0.01),
        [0, 1, 5, 50],
        tags={"invalid"},
    ),
    _case(
        _POLY,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10),
        [0, 1, 5, 9, 10, 25],
        tags={"invalid", "int"},
        why="Keras 2 raises InvalidArgumentError; Keras 3 truncates end 1e-4 to 0, float32",
    ),
    _case(
        _POLY,
        "python-int-learning-rate-cycle",
        dict(initial_learning_rate=1, decay_steps=10, power=2.0, cycle=True),
        [0, 1, 5, 10, 11, 25],
        tags={"invalid", "int", "cycle"},
        why="Keras 3 computes in float64 here: TF's int32 / int32 division inside the ceil",
    ),
]


# --------------------------------------------------------------------------------------------
# schedules.InverseTimeDecay
# --------------------------------------------------------------------------------------------

_INV = "schedules.InverseTimeDecay"
INVERSE_TIME_DECAY = [
    _case(
        _INV,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [span(0, 2001), around(10, 20, 100), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _INV,
        "staircase",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
        [span(0, 2001), around(10, 20, 1000), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    _case(
        _INV,
        "keras-docs-per-epoch",
        dict(initial_learning_rate=0.1, decay_steps=1.0, decay_rate=0.5),
        [span(0, 10_001)],
        why="the Keras docstring example: decay_steps=1.0 with the step counting epochs",
    ),
    _case(
        _INV,
        "slow-decay-million-steps",
        dict(initial_learning_rate=0.01, decay_steps=100_000, decay_rate=0.96),
        [span(0, 1_000_001, 7), around(100_000, 500_000), FAR_STEPS],
        tags={"far", "dense"},
    ),
    _case(
        _INV,
        "every-step-staircase",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=1.0, staircase=True),
        [span(0, 100_001, 3), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    _case(
        _INV,
        "rate-zero-is-constant",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.0),
        [span(0, 100), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _INV,
        "inexact-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=0.3, decay_rate=0.9, staircase=True),
        [span(0, 3000)],
        tags={"staircase"},
        why="0.3 is not a float32 number: floor(s / 0.3) near integers decides the stair",
    ),
    _case(
        _INV,
        "float-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=2.5, decay_rate=0.5, staircase=True),
        [span(0, 100)],
        tags={"staircase"},
    ),
    _case(
        _INV,
        "negative-rate-pole",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=-0.5),
        [span(0, 60)],
        tags={"extreme"},
        why="the denominator 1 - 0.05 s crosses 0 at step 20: +inf there, negative after",
    ),
    _case(
        _INV,
        "tiny-learning-rate",
        dict(initial_learning_rate=1e-30, decay_steps=1, decay_rate=1e6),
        [span(0, 400), FAR_STEPS],
        tags={"extreme", "underflow", "far"},
    ),
    _case(
        _INV,
        "huge-learning-rate",
        dict(initial_learning_rate=3e38, decay_steps=10, decay_rate=0.5),
        [span(0, 100), FAR_STEPS],
        tags={"extreme", "far"},
    ),
    _case(
        _INV,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan at 0, then 0",
    ),
    _case(
        _INV,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10, decay_rate=0.5),
        [0, 1, 5, 19, 20, 21, 50],
        tags={"invalid"},
    ),
    _case(
        _INV,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10, decay_rate=0.5),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int"},
        why="Keras 2 raises InvalidArgumentError; Keras 3 truncates decay_rate to 0: 1.0 always",
    ),
    _case(
        _INV,
        "python-int-learning-rate-staircase",
        dict(initial_learning_rate=1, decay_steps=10, decay_rate=2.5, staircase=True),
        [0, 9, 10, 11, 25, 100],
        tags={"invalid", "int", "staircase"},
    ),
]


# --------------------------------------------------------------------------------------------
# schedules.CosineDecay
# --------------------------------------------------------------------------------------------

_COS = "schedules.CosineDecay"
_WARMUP_FLAVORS = frozenset({"keras2", "keras3"})
COSINE_DECAY = [
    _case(
        _COS,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10),
        [span(0, 30), FAR_STEPS],
        tags={"far"},
        why="clamped at decay_steps: 0.0 from step 10 on",
    ),
    _case(
        _COS,
        "long",
        dict(initial_learning_rate=1e-3, decay_steps=100_000),
        [span(0, 120_001), FAR_STEPS],
        tags={"far", "dense"},
        why="1 + cos(pi f) cancels near the end: float32 relative error grows as f -> 1",
    ),
    _case(
        _COS,
        "alpha-0.1",
        dict(initial_learning_rate=0.1, decay_steps=1000, alpha=0.1),
        [span(0, 1500), FAR_STEPS],
        tags={"alpha", "far"},
        why="the floor is alpha * initial_learning_rate",
    ),
    _case(
        _COS,
        "alpha-0.5-inexact",
        dict(initial_learning_rate=0.3, decay_steps=77, alpha=0.3),
        [span(0, 100)],
        tags={"alpha"},
        why="1 - alpha is computed in Python float64, then rounded to float32",
    ),
    _case(
        _COS,
        "alpha-one-minus-in-python",
        dict(initial_learning_rate=0.1, decay_steps=50, alpha=0.058),
        [span(0, 60)],
        tags={"alpha"},
        why="fl32(1 - 0.058) differs from fl32(1) - fl32(0.058): TF rounds the Python difference",
    ),
    _case(
        _COS,
        "alpha-near-one",
        dict(initial_learning_rate=0.1, decay_steps=100, alpha=0.999),
        [span(0, 120)],
        tags={"alpha", "extreme"},
    ),
    _case(
        _COS,
        "alpha-above-one",
        dict(initial_learning_rate=0.1, decay_steps=100, alpha=2.0),
        [span(0, 120)],
        tags={"alpha", "extreme"},
        why="no validation: the rate rises from 0.1 to 0.2",
    ),
    _case(
        _COS,
        "decay-steps-one",
        dict(initial_learning_rate=0.1, decay_steps=1),
        [span(0, 10), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _COS,
        "float-decay-steps",
        dict(initial_learning_rate=0.1, decay_steps=7.3),
        [span(0, 20)],
    ),
    _case(
        _COS,
        "huge-learning-rate",
        dict(initial_learning_rate=3e38, decay_steps=100),
        [span(0, 120)],
        tags={"extreme"},
    ),
    _case(
        _COS,
        "warmup",
        dict(initial_learning_rate=0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5),
        [span(0, 30), FAR_STEPS],
        tags={"warmup", "far"},
        flavors=_WARMUP_FLAVORS,
        why="linear 0 -> 0.1 over 5 steps, then cosine over 10 more: total length 15",
    ),
    _case(
        _COS,
        "warmup-long",
        dict(initial_learning_rate=1e-5, decay_steps=10_000, warmup_target=1e-3, warmup_steps=1000),
        [span(0, 12_001, 3), around(1000, 11_000)],
        tags={"warmup"},
        flavors=_WARMUP_FLAVORS,
    ),
    _case(
        _COS,
        "warmup-with-alpha",
        dict(
            initial_learning_rate=0.01,
            decay_steps=10,
            alpha=0.1,
            warmup_target=0.1,
            warmup_steps=5,
        ),
        [span(0, 25)],
        tags={"warmup", "alpha"},
        flavors=_WARMUP_FLAVORS,
        why="the floor is alpha * warmup_target, not alpha * initial_learning_rate",
    ),
    _case(
        _COS,
        "warmup-steps-zero",
        dict(initial_learning_rate=0.05, decay_steps=10, warmup_target=0.1, warmup_steps=0),
        [span(0, 15)],
        tags={"warmup"},
        flavors=_WARMUP_FLAVORS,
        why="initial_learning_rate is ignored: the rate starts at warmup_target",
    ),
    _case(
        _COS,
        "warmup-target-zero",
        dict(initial_learning_rate=0.1, decay_steps=10, warmup_target=0.0, warmup_steps=5),
        [span(0, 20)],
        tags={"warmup"},
        flavors=_WARMUP_FLAVORS,
    ),
    _case(
        _COS,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan (0/0)",
    ),
    _case(
        _COS,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10),
        [0, 1, 5, 20],
        tags={"invalid"},
    ),
    _case(
        _COS,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int"},
        why="Keras 2: TypeError (an int32 pi); Keras 3: pi becomes 3, 0.5354 at step 5",
    ),
    _case(
        _COS,
        "python-int-learning-rate-alpha",
        dict(initial_learning_rate=1, decay_steps=10, alpha=0.5),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int", "alpha"},
    ),
    _case(
        _COS,
        "python-int-learning-rate-warmup",
        dict(initial_learning_rate=1, decay_steps=10, warmup_target=2, warmup_steps=5),
        [5, 6, 10, 15, 30],
        tags={"invalid", "int", "warmup"},
        flavors=frozenset({"keras3"}),
        why="decay-phase steps: Keras 3 decays from int(2) with pi = 3. Not for Keras 2 (a "
        "TypeError per step but a ValueError for a step vector, from tf.cond) nor for warmup "
        "steps (InvalidArgumentError per step): the two paths raise differently there",
    ),
]


# --------------------------------------------------------------------------------------------
# schedules.CosineDecayRestarts
# --------------------------------------------------------------------------------------------

_CDR = "schedules.CosineDecayRestarts"
COSINE_DECAY_RESTARTS = [
    _case(
        _CDR,
        "ordinary",
        dict(initial_learning_rate=0.1, first_decay_steps=10),
        [span(0, 5001), around(*(10 * (2**i - 1) for i in range(1, 26))), FAR_STEPS],
        tags={"restart", "far"},
        why="restarts at 10, 30, 70, 150, ...: floor(log(1 + f) / log 2) at exact powers of 2",
    ),
    _case(
        _CDR,
        "t-mul-1-m-mul-half",
        dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=1.0, m_mul=0.5),
        [span(0, 1001), FAR_STEPS],
        tags={"restart", "far"},
        why="the tf.cond branch for t_mul == 1: floor(s / T0)",
    ),
    _case(
        _CDR,
        "t-mul-1-long",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000, t_mul=1.0),
        [span(0, 120_001), FAR_STEPS],
        tags={"restart", "far", "dense"},
    ),
    _case(
        _CDR,
        "first-decay-steps-one",
        dict(initial_learning_rate=0.1, first_decay_steps=1),
        [span(0, 3000), around(*(2**i - 1 for i in range(1, 31))), FAR_STEPS],
        tags={"restart", "far"},
        why="restarts at 2**i - 1 up to 2**30 - 1: the log quotient at exact integers",
    ),
    _case(
        _CDR,
        "long-periods",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000, alpha=0.01),
        [span(0, 140_001), FAR_STEPS],
        tags={"restart", "far", "dense", "alpha"},
    ),
    _case(
        _CDR,
        "t-mul-1.5",
        dict(initial_learning_rate=0.1, first_decay_steps=20, t_mul=1.5),
        [span(0, 100_001)],
        tags={"restart", "dense"},
        why="restart points 20 (1.5**i - 1) / 0.5 are not all integers",
    ),
    _case(
        _CDR,
        "t-mul-3-T0-7",
        dict(initial_learning_rate=0.1, first_decay_steps=7, t_mul=3.0, m_mul=0.9),
        [span(0, 30_001), around(*(7 * (3**i - 1) // 2 for i in range(1, 19))), FAR_STEPS],
        tags={"restart", "far"},
    ),
    _case(
        _CDR,
        "m-mul-and-alpha",
        dict(initial_learning_rate=0.1, first_decay_steps=10, m_mul=0.5, alpha=0.1),
        [span(0, 700)],
        tags={"restart", "alpha"},
        why="the floor alpha * eta0 is not multiplied by m_mul**i; the peaks are",
    ),
    _case(
        _CDR,
        "m-mul-growing",
        dict(initial_learning_rate=0.01, first_decay_steps=10, t_mul=1.0, m_mul=2.0),
        [span(0, 1500)],
        tags={"restart", "extreme", "overflow"},
        why="peaks double every period and overflow float32 to inf",
    ),
    _case(
        _CDR,
        "t-mul-below-one",
        dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=0.5),
        [span(0, 40)],
        tags={"restart", "extreme"},
        why="periods 10, 5, 2.5, ... add up to 20: nan from step 20 on (log of <= 0)",
    ),
    _case(
        _CDR,
        "misplaced-restarts-13-and-15",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000),
        [around(8_191_000, 32_767_000), span(8_190_000, 8_192_001, 7)],
        tags={"restart", "far"},
        why="logf(2**13) / logf(2) = 12.999999 in float32: TF's scalar path gives restart step "
        "8191000 the floor of period 12 (0.0) instead of the peak; the formula gives 1e-3",
    ),
    _case(
        _CDR,
        "first-decay-steps-zero",
        dict(initial_learning_rate=0.1, first_decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan",
    ),
    _case(
        _CDR,
        "first-decay-steps-negative",
        dict(initial_learning_rate=0.1, first_decay_steps=-10),
        [0, 1, 5, 10],
        tags={"invalid"},
    ),
    _case(
        _CDR,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, first_decay_steps=10),
        [0, 1, 5, 10],
        tags={"invalid", "int"},
        why="TypeError: 1.0 cannot become an int32 (Keras 2: t_mul == 1.0; Keras 3: 1.0 - t_mul)",
    ),
    _case(
        _CDR,
        "python-int-learning-rate-t-mul-1",
        dict(initial_learning_rate=1, first_decay_steps=10, t_mul=1.0),
        [0, 1, 5, 10, 11, 25],
        tags={"invalid", "int"},
        why="Keras 3 computes in float64 with pi cast to 3; Keras 2 raises TypeError",
    ),
]


# --------------------------------------------------------------------------------------------
# tensorflow-addons cyclical schedules (schedules.*CyclicalLearningRate)
# --------------------------------------------------------------------------------------------

_CLR = "schedules.CyclicalLearningRate"
_TRI = "schedules.TriangularCyclicalLearningRate"
_TRI2 = "schedules.Triangular2CyclicalLearningRate"
_EXPC = "schedules.ExponentialCyclicalLearningRate"
#: The TensorFlow CLR tutorial (seed 002): Fashion-MNIST, 60000 // 64 = 937 steps per "epoch".
_TUTORIAL = dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2 * 937)
_SMALL = dict(initial_learning_rate=0.1, maximal_learning_rate=1.0, step_size=4)
_HALVING = Expr("lambda x: 1/(2.**(x-1))")
CYCLICAL_LEARNING_RATE = [
    # -- CyclicalLearningRate: a user scale_fn ---------------------------------------------
    _case(
        _CLR,
        "seed002-tutorial-triangular2",
        dict(_TUTORIAL, scale_fn=_HALVING),
        [span(0, 9371), span(0, 93701, 7), around(*range(0, 93701, 1874))],
        tags={"seed", "cycle"},
        why="seed 002: the tutorial's schedule, 10 and 100 epochs; peaks halve every 3748 steps",
    ),
    _case(
        _CLR,
        "constant-scale",
        dict(_SMALL, scale_fn=Expr("lambda x: 1.0")),
        [span(0, 300), FAR_STEPS],
        tags={"cycle", "far"},
    ),
    _case(
        _CLR,
        "inverse-cycle",
        dict(
            initial_learning_rate=0.01,
            maximal_learning_rate=0.3,
            step_size=7,
            scale_fn=Expr("lambda c: 1 / c"),
        ),
        [span(0, 3000), around(7, 14, 21, 1400), FAR_STEPS],
        tags={"cycle", "far"},
    ),
    _case(
        _CLR,
        "float-step-size",
        dict(
            initial_learning_rate=0.001,
            maximal_learning_rate=0.006,
            step_size=2.5,
            scale_fn=Expr("lambda c: 0.9 ** c"),
        ),
        [span(0, 2000)],
        tags={"cycle"},
        why="cycle boundaries at multiples of 5; 0.9 is rounded to float32 inside scale_fn",
    ),
    _case(
        _CLR,
        "inexact-step-size",
        dict(
            initial_learning_rate=0.1,
            maximal_learning_rate=0.2,
            step_size=0.3,
            scale_fn=Expr("lambda c: 1.0"),
        ),
        [span(0, 3000)],
        tags={"cycle"},
        why="0.3 is not a float32 number: floor(1 + s / 0.6) near integers picks the cycle",
    ),
    _case(
        _CLR,
        "iterations-float-step",
        dict(_SMALL, scale_fn=Expr("lambda x: 0.999 ** x"), scale_mode="iterations"),
        [span(0, 5000), around(4, 8, 4000)],
        tags={"iterations", "float-step"},
        step_dtype="float32",
        why="scale_fn's ** is TensorFlow's float32 pow on a tensor (C library powf on the scalar "
        "path, Eigen's SIMD pow on the vector path), not numpy's power, which may use its own "
        "SIMD approximation: the reference hands scale_fn a reference._arith.TensorLike",
    ),
    _case(
        _CLR,
        "iterations-int-step-python-float",
        dict(_SMALL, scale_fn=Expr("lambda x: 0.999 ** x"), scale_mode="iterations"),
        [span(0, 20)],
        tags={"iterations", "invalid"},
        why="an int64 step meets the Python float 0.999: TypeError",
    ),
    _case(
        _CLR,
        "iterations-int-step-integer-result",
        dict(_SMALL, scale_fn=Expr("lambda x: x + 1"), scale_mode="iterations"),
        [span(0, 20)],
        tags={"iterations", "invalid"},
        why="scale_fn returns int64: float32 times int64 is InvalidArgumentError",
    ),
    _case(
        _CLR,
        "iterations-int-step-constant",
        dict(_SMALL, scale_fn=Expr("lambda x: 0.5"), scale_mode="iterations"),
        [span(0, 100), FAR_STEPS],
        tags={"iterations", "far"},
        why="a scale_fn that ignores the step works with int64 steps",
    ),
    _case(
        _CLR,
        "misspelled-mode-int-step",
        dict(_SMALL, scale_fn=_HALVING, scale_mode="Cycle"),
        [span(0, 20)],
        tags={"iterations", "invalid"},
        why="any scale_mode but 'cycle' is 'iterations': the tutorial's scale_fn then fails",
    ),
    _case(
        _CLR,
        "cycle-mode-float-step",
        dict(_TUTORIAL, scale_fn=_HALVING),
        [span(0, 20000, 3), around(1874, 3748, 7496)],
        tags={"cycle", "float-step"},
        step_dtype="float32",
    ),
    _case(
        _CLR,
        "step-size-zero",
        dict(_SMALL, step_size=0, scale_fn=_HALVING),
        [span(0, 20)],
        tags={"invalid"},
        why="nan at every step (0/0 at step 0, inf - inf after)",
    ),
    _case(
        _CLR,
        "callable-learning-rate",
        dict(_SMALL, initial_learning_rate=Expr("lambda: 0.1"), scale_fn=_HALVING),
        [0, 1, 5],
        tags={"invalid"},
        why="tfa's type hints allow a callable, tf.convert_to_tensor does not: ValueError",
    ),
    _case(
        _CLR,
        "python-int-learning-rate",
        dict(_SMALL, initial_learning_rate=0, scale_fn=_HALVING),
        [0, 1, 5],
        tags={"invalid", "int"},
        why="int32 compute dtype: max(int32 0, float64 1 - x) is InvalidArgumentError",
    ),
    _case(
        _CLR,
        "scale-fn-none",
        dict(_SMALL, scale_fn=None),
        [0, 1],
        tags={"invalid"},
        why="typeguard: TypeError at construction",
    ),
    _case(
        _CLR,
        "name-none",
        dict(_SMALL, scale_fn=_HALVING, name=None),
        [0, 1],
        tags={"invalid"},
        why="name is annotated str: typeguard raises TypeError at construction",
    ),
    # -- TriangularCyclicalLearningRate --------------------------------------------------------
    _case(
        _TRI,
        "tutorial-bounds",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000),
        [span(0, 40001, 3), around(*range(0, 40001, 2000)), FAR_STEPS],
        tags={"cycle", "far"},
    ),
    _case(
        _TRI,
        "ordinary",
        _SMALL,
        [span(0, 1001), around(4, 8, 12, 400), FAR_STEPS],
        tags={"cycle", "far"},
        why="at 2**24 - 1 float32 rounds 1 + s/8 up a whole cycle: TF gives lo, not lo + 0.225",
    ),
    _case(
        _TRI,
        "iterations-int-step",
        dict(_SMALL, scale_mode="iterations"),
        [span(0, 200), FAR_STEPS],
        tags={"iterations", "far"},
        why="scale_fn ignores its argument: the int64 step does no harm",
    ),
    _case(
        _TRI,
        "float-step",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000),
        [span(0, 20001, 3), around(2000, 4000), FAR_STEPS],
        tags={"cycle", "float-step", "far"},
        step_dtype="float32",
    ),
    _case(
        _TRI,
        "low-above-high",
        dict(initial_learning_rate=0.5, maximal_learning_rate=0.01, step_size=10),
        [span(0, 500)],
        tags={"cycle"},
        why="maximal < initial is accepted: an upside-down triangle",
    ),
    _case(
        _TRI,
        "equal-bounds",
        dict(initial_learning_rate=0.3, maximal_learning_rate=0.3, step_size=10),
        [span(0, 100), FAR_STEPS],
        tags={"far"},
    ),
    _case(
        _TRI,
        "step-size-one",
        dict(_SMALL, step_size=1),
        [span(0, 100), FAR_STEPS],
        tags={"cycle", "far"},
        why="lo, hi, lo, hi, ...: every step is a cycle boundary or a peak",
    ),
    _case(
        _TRI,
        "step-size-three-far",
        dict(_SMALL, step_size=3),
        [span(0, 100), around(2**22, 2**23), FAR_STEPS],
        tags={"far"},
        why="s / 3 near 2**22 keeps only a quarter step of precision inside the cycle",
    ),
    _case(
        _TRI,
        "huge-step-size",
        dict(initial_learning_rate=1e-5, maximal_learning_rate=1e-3, step_size=10**6),
        [span(0, 4_000_001, 997), around(10**6, 2 * 10**6), FAR_STEPS],
        tags={"far", "dense"},
    ),
    _case(
        _TRI,
        "non-integer-step-size",
        dict(_SMALL, step_size=2.5),
        [span(0, 300)],
        tags={"cycle"},
    ),
    _case(
        _TRI,
        "negative-step-size",
        dict(_SMALL, step_size=-4),
        [span(0, 100)],
        tags={"invalid"},
        why="accepted silently: the wave is mirrored in time",
    ),
    _case(
        _TRI,
        "step-size-zero",
        dict(_SMALL, step_size=0),
        [span(0, 20)],
        tags={"invalid"},
    ),
    _case(
        _TRI,
        "extreme-rates",
        dict(initial_learning_rate=1e-30, maximal_learning_rate=1e30, step_size=5),
        [span(0, 100)],
        tags={"extreme"},
    ),
    _case(
        _TRI,
        "misspelled-mode",
        dict(_SMALL, scale_mode="bogus"),
        [span(0, 40)],
        tags={"iterations"},
    ),
    _case(
        _TRI,
        "python-int-learning-rate",
        dict(_SMALL, initial_learning_rate=0),
        [0, 1, 5],
        tags={"invalid", "int"},
    ),
    _case(
        _TRI,
        "callable-maximal-rate",
        dict(_SMALL, maximal_learning_rate=Expr("lambda: 1.0")),
        [0, 1, 5],
        tags={"invalid"},
    ),
    _case(
        _TRI,
        "scale-mode-none",
        dict(_SMALL, scale_mode=None),
        [0, 1],
        tags={"invalid"},
    ),
    # -- Triangular2CyclicalLearningRate -------------------------------------------------------
    _case(
        _TRI2,
        "ordinary",
        _SMALL,
        [span(0, 1101), around(4, 8, 16, 1000), FAR_STEPS],
        tags={"cycle", "far", "underflow"},
        why="the height 2**-(c-1) underflows: subnormal products flush to 0 from cycle ~126 on",
    ),
    _case(
        _TRI2,
        "seed002-tutorial",
        _TUTORIAL,
        [span(0, 9371), span(0, 93701, 7), around(*range(0, 93701, 1874))],
        tags={"seed", "cycle"},
        why="seed 002: the tutorial's lambda is exactly this class",
    ),
    _case(
        _TRI2,
        "iterations-int-step",
        dict(_SMALL, scale_mode="iterations"),
        [span(0, 20)],
        tags={"iterations", "invalid"},
        why="TypeError: Cannot convert 2.0 to EagerTensor of dtype int64 (Keras >= 2.11 steps)",
    ),
    _case(
        _TRI2,
        "iterations-float-step",
        dict(_SMALL, scale_mode="iterations"),
        [span(0, 300), FAR_STEPS],
        tags={"iterations", "float-step", "far"},
        step_dtype="float32",
        why="legacy optimizers pass a float32 step: the height halves at every step",
    ),
    _case(
        _TRI2,
        "misspelled-mode-int-step",
        dict(_SMALL, scale_mode="cycles"),
        [span(0, 20)],
        tags={"iterations", "invalid"},
    ),
    _case(
        _TRI2,
        "misspelled-mode-float-step",
        dict(
            initial_learning_rate=0.01,
            maximal_learning_rate=0.02,
            step_size=50,
            scale_mode="cycles",
        ),
        [span(0, 400)],
        tags={"iterations", "float-step"},
        step_dtype="float32",
    ),
    _case(
        _TRI2,
        "cycle-mode-float-step",
        _SMALL,
        [span(0, 600)],
        tags={"cycle", "float-step"},
        step_dtype="float32",
    ),
    _case(
        _TRI2,
        "low-above-high",
        dict(initial_learning_rate=0.05, maximal_learning_rate=0.001, step_size=6),
        [span(0, 300)],
        tags={"cycle"},
    ),
    _case(
        _TRI2,
        "non-integer-step-size",
        dict(_SMALL, step_size=3.5),
        [span(0, 400)],
        tags={"cycle"},
    ),
    _case(
        _TRI2,
        "large-step-size-far",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=0.1, step_size=50_000),
        [span(0, 2_000_001, 991), around(50_000, 100_000, 1_000_000), FAR_STEPS],
        tags={"cycle", "far", "dense"},
    ),
    _case(
        _TRI2,
        "step-size-zero",
        dict(_SMALL, step_size=0),
        [span(0, 20)],
        tags={"invalid"},
    ),
    _case(
        _TRI2,
        "python-int-learning-rate",
        dict(_SMALL, initial_learning_rate=0, maximal_learning_rate=1),
        [0, 1, 5],
        tags={"invalid", "int"},
    ),
    # -- ExponentialCyclicalLearningRate -------------------------------------------------------
    _case(
        _EXPC,
        "cycle-mode-int-step",
        dict(_SMALL, scale_mode="cycle", gamma=0.99),
        [span(0, 2001), around(4, 8, 12, 2000), FAR_STEPS],
        tags={"cycle", "far"},
        why="cycle mode casts first: works with int64 steps; the first peak is already gamma*hi",
    ),
    _case(
        _EXPC,
        "default-mode-int-step",
        dict(_SMALL, gamma=0.99),
        [span(0, 20)],
        tags={"iterations", "invalid"},
        why="the default scale_mode is 'iterations': TypeError with Keras >= 2.11 int64 steps",
    ),
    _case(
        _EXPC,
        "default-mode-float-step",
        dict(_SMALL, gamma=0.99),
        [span(0, 3000), around(4, 8, 12, 1000), FAR_STEPS],
        tags={"iterations", "float-step", "far", "underflow"},
        step_dtype="float32",
    ),
    _case(
        _EXPC,
        "typical-gamma-float-step",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000, gamma=0.99994),
        [span(0, 100_001, 7), around(*range(0, 100_001, 2000)), FAR_STEPS],
        tags={"iterations", "float-step", "far", "dense"},
        step_dtype="float32",
    ),
    _case(
        _EXPC,
        "gamma-above-one-float-step",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-3, step_size=100, gamma=1.001),
        [span(0, 20001), around(100, 200, 10_000)],
        tags={"iterations", "float-step", "growth"},
        step_dtype="float32",
        why="the height grows by 0.1% a step (stays below float32's range up to step 20000)",
    ),
    _case(
        _EXPC,
        "int-gamma-int-step",
        dict(_SMALL, gamma=2),
        [span(0, 20)],
        tags={"iterations", "invalid", "int"},
        why="2 ** int64 step is an int64 tensor: float32 times int64 is InvalidArgumentError",
    ),
    _case(
        _EXPC,
        "int-gamma-float-step",
        dict(_SMALL, gamma=2),
        [span(0, 120)],
        tags={"iterations", "float-step", "growth"},
        step_dtype="float32",
    ),
    _case(
        _EXPC,
        "cycle-mode-gamma-above-one",
        dict(
            initial_learning_rate=0.001,
            maximal_learning_rate=0.002,
            step_size=4,
            scale_mode="cycle",
            gamma=1.5,
        ),
        [span(0, 800)],
        tags={"cycle", "growth"},
    ),
    _case(
        _EXPC,
        "default-gamma-float-step",
        _SMALL,
        [span(0, 200), FAR_STEPS],
        tags={"iterations", "float-step", "far"},
        step_dtype="float32",
        why="gamma=1.0: the triangular policy",
    ),
    _case(
        _EXPC,
        "gamma-zero-float-step",
        dict(_SMALL, gamma=0.0),
        [span(0, 20)],
        tags={"iterations", "float-step", "extreme"},
        step_dtype="float32",
        why="0**0 is 1 at step 0 (lo anyway), then the rate is lo",
    ),
    _case(
        _EXPC,
        "low-above-high-cycle-mode",
        dict(
            initial_learning_rate=0.2,
            maximal_learning_rate=0.02,
            step_size=5,
            scale_mode="cycle",
            gamma=0.9,
        ),
        [span(0, 500)],
        tags={"cycle"},
    ),
    _case(
        _EXPC,
        "misspelled-mode-float-step",
        dict(_SMALL, scale_mode="iteration", gamma=0.995),
        [span(0, 500)],
        tags={"iterations", "float-step"},
        step_dtype="float32",
    ),
    _case(
        _EXPC,
        "step-size-zero",
        dict(_SMALL, step_size=0, gamma=0.99),
        [span(0, 20)],
        tags={"invalid", "float-step"},
        step_dtype="float32",
    ),
    _case(
        _EXPC,
        "gamma-as-third-positional",
        dict(_SMALL, scale_mode=0.99),
        [0, 1],
        tags={"invalid"},
        why="(lo, hi, step_size, 0.99) puts 0.99 in scale_mode: typeguard TypeError",
    ),
    _case(
        _EXPC,
        "python-int-learning-rate",
        dict(_SMALL, initial_learning_rate=0, scale_mode="cycle", gamma=0.99),
        [0, 1, 5],
        tags={"invalid", "int"},
    ),
]


# --------------------------------------------------------------------------------------------
# compat_v1.* (tf.compat.v1.train.*_decay, piecewise_constant)
# --------------------------------------------------------------------------------------------

#: Eager and graph mode report this mistake with different exceptions; the reference mirrors
#: eager mode's (TF2's default) and the function's docstring names graph mode's.
_EAGER_ONLY = frozenset({"compat_v1.eager"})


def _v1(name: str, label: str, params: dict, steps, tags=(), **kwargs) -> Case:
    return _case(f"compat_v1.{name}", label, params, steps, tags, **kwargs)


COMPAT_V1_SCHEDULES: list[Case] = [
    # exponential_decay ------------------------------------------------------------------
    _v1(
        "exponential_decay",
        "seed001-staircase",
        dict(learning_rate=0.01, decay_steps=100, decay_rate=0.9, staircase=True),
        [span(0, 1001), around(100, 200, 500), FAR_STEPS],
        tags={"seed", "staircase", "far"},
        why="seed 001: the staircase drops by 0.9 at steps 100, 200, ...",
    ),
    _v1(
        "exponential_decay",
        "seed001-continuous",
        dict(learning_rate=0.01, decay_steps=100, decay_rate=0.9),
        [span(0, 1001)],
        tags={"seed"},
    ),
    _v1(
        "exponential_decay",
        "seed001-printed-values",
        dict(learning_rate=0.01, decay_steps=10, decay_rate=0.9),
        [span(0, 2001), FAR_STEPS],
        tags={"seed", "far"},
        why="seed 001 prints 0.009895192, 0.009791483, ... 0.009 for global steps 1..10",
    ),
    _v1(
        "exponential_decay",
        "decay-steps-zero",
        dict(learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
        why="no validation in this API: nan at step 0 (0/0), then 0",
    ),
    _v1(
        "exponential_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10, decay_rate=0.5),
        [0, 1, 5, 10],
        tags={"invalid", "int"},
        flavors=_EAGER_ONLY,
        why="int32 compute dtype: InvalidArgumentError (graph mode: TypeError)",
    ),
    # natural_exp_decay ------------------------------------------------------------------
    _v1(
        "natural_exp_decay",
        "ordinary",
        dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [span(0, 2001), around(10, 100), FAR_STEPS],
        tags={"far"},
    ),
    _v1(
        "natural_exp_decay",
        "staircase",
        dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
        [span(0, 2001), around(10, 20, 100, 1000), FAR_STEPS],
        tags={"staircase", "far"},
        why="the floor applies to s / d, not to k s / d",
    ),
    _v1(
        "natural_exp_decay",
        "semantics-trap-numbers",
        dict(learning_rate=0.1, decay_steps=3, decay_rate=0.3),
        [span(0, 3001)],
        why="semantics 2.3: k = 0.3 is not a float32 number and exp(-k) is rounded to float32",
    ),
    _v1(
        "natural_exp_decay",
        "semantics-trap-numbers-staircase",
        dict(learning_rate=0.1, decay_steps=3, decay_rate=0.3, staircase=True),
        [span(0, 300)],
        tags={"staircase"},
    ),
    _v1(
        "natural_exp_decay",
        "slow-decay-million-steps",
        dict(learning_rate=0.01, decay_steps=100_000, decay_rate=0.04),
        [span(0, 1_000_001, 7), FAR_STEPS],
        tags={"far", "dense"},
        why="the float32 error of exp(-k) is raised to the power s / d",
    ),
    _v1(
        "natural_exp_decay",
        "fast-decay-underflow",
        dict(learning_rate=0.1, decay_steps=1, decay_rate=5.0),
        [span(0, 40)],
        tags={"extreme", "underflow"},
    ),
    _v1(
        "natural_exp_decay",
        "negative-rate-grows",
        dict(learning_rate=0.01, decay_steps=10, decay_rate=-0.01),
        [span(0, 100_001, 11)],
        tags={"growth", "overflow"},
        why="exp(+0.01) > 1: the rate grows until float32 overflows to inf",
    ),
    _v1(
        "natural_exp_decay",
        "rate-zero-is-constant",
        dict(learning_rate=0.1, decay_steps=7, decay_rate=0.0),
        [span(0, 50), FAR_STEPS],
        tags={"far"},
    ),
    _v1(
        "natural_exp_decay",
        "decay-steps-zero",
        dict(learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
    ),
    _v1(
        "natural_exp_decay",
        "python-int-decay-rate",
        dict(learning_rate=0.1, decay_steps=10, decay_rate=1),
        [0, 5],
        tags={"invalid", "int"},
        flavors=_EAGER_ONLY,
        why="tf.exp has no int32 kernel: InvalidArgumentError (graph mode: TypeError)",
    ),
    _v1(
        "natural_exp_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10, decay_rate=0.5),
        [0, 5],
        tags={"invalid", "int"},
        flavors=_EAGER_ONLY,
    ),
    # inverse_time_decay -----------------------------------------------------------------
    _v1(
        "inverse_time_decay",
        "ordinary",
        dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [span(0, 2001), FAR_STEPS],
        tags={"far"},
    ),
    _v1(
        "inverse_time_decay",
        "staircase",
        dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
        [span(0, 2001), around(10, 20, 1000), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    _v1(
        "inverse_time_decay",
        "inexact-arguments",
        dict(learning_rate=0.03, decay_steps=7.3, decay_rate=0.7, staircase=True),
        [span(0, 5000)],
        tags={"staircase"},
    ),
    _v1(
        "inverse_time_decay",
        "decay-steps-zero",
        dict(learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
    ),
    _v1(
        "inverse_time_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10, decay_rate=0.5),
        [0, 5],
        tags={"invalid", "int"},
        flavors=_EAGER_ONLY,
    ),
    # polynomial_decay -------------------------------------------------------------------
    _v1(
        "polynomial_decay",
        "default-end",
        dict(learning_rate=0.1, decay_steps=10),
        [span(0, 100), FAR_STEPS],
        tags={"far"},
        why="the default end_learning_rate is 1e-4, not 0",
    ),
    _v1(
        "polynomial_decay",
        "power-two",
        dict(learning_rate=0.1, decay_steps=1000, end_learning_rate=0.01, power=2.0),
        [span(0, 1101), FAR_STEPS],
        tags={"far"},
    ),
    _v1(
        "polynomial_decay",
        "cycle",
        dict(learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, cycle=True),
        [span(0, 1001), around(10, 20, 100), FAR_STEPS],
        tags={"cycle", "far"},
        why="step 0 is not nan; the value is the end at every multiple of decay_steps",
    ),
    _v1(
        "polynomial_decay",
        "cycle-power-half",
        dict(learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=0.5, cycle=True),
        [span(0, 200)],
        tags={"cycle"},
    ),
    _v1(
        "polynomial_decay",
        "end-above-start-warmup",
        dict(learning_rate=0.0, decay_steps=100, end_learning_rate=0.1),
        [span(0, 200)],
    ),
    _v1(
        "polynomial_decay",
        "decay-steps-zero",
        dict(learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
    ),
    _v1(
        "polynomial_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10),
        [0, 5],
        tags={"invalid", "int"},
        flavors=_EAGER_ONLY,
    ),
    # piecewise_constant -----------------------------------------------------------------
    _v1(
        "piecewise_constant",
        "seed004-right-closed",
        dict(boundaries=[5, 10, 15], values=[0.1, 0.05, 0.01, 0.001]),
        [span(0, 31)],
        tags={"seed"},
        why="seed 004: values[i + 1] starts at boundary + 1, not at the boundary",
    ),
    _v1(
        "piecewise_constant",
        "far-boundaries",
        dict(boundaries=[100_000, 2**24, 2**31 - 2], values=[1.0, 0.1, 0.01, 0.001]),
        [around(100_000, 2**24, 2**31 - 2)],
        tags={"far"},
        why="boundaries compare as int64, exactly, even where float32 could not tell steps apart",
    ),
    _v1(
        "piecewise_constant",
        "int64-boundary",
        dict(boundaries=[2**40], values=[0.5, 0.25]),
        [0, 2**31 - 1],
        why="a Python int beyond int32 converts to int64 and is accepted",
    ),
    _v1(
        "piecewise_constant",
        "int-values",
        dict(boundaries=[5, 10], values=[3, 2, 1]),
        [span(0, 15)],
        tags={"int"},
        why="int values give an int32 result",
    ),
    _v1(
        "piecewise_constant_decay",
        "seed004-alias",
        dict(boundaries=[5, 10, 15], values=[0.1, 0.05, 0.01, 0.001]),
        [span(0, 20)],
    ),
    _v1(
        "piecewise_constant",
        "float-boundaries",
        dict(boundaries=[5.0, 10.0], values=[0.1, 0.05, 0.01]),
        [0, 5, 6],
        tags={"invalid"},
        why="float32 boundaries against an int64 step: ValueError (the class would truncate)",
    ),
    _v1(
        "piecewise_constant",
        "mixed-value-dtypes",
        dict(boundaries=[5, 10], values=[1, 0.05, 0.01]),
        [0, 5, 6],
        tags={"invalid"},
    ),
    _v1(
        "piecewise_constant",
        "length-mismatch",
        dict(boundaries=[5, 10], values=[0.1, 0.05]),
        [0, 5, 6],
        tags={"invalid"},
    ),
    _v1(
        "piecewise_constant",
        "no-boundaries",
        dict(boundaries=[], values=[0.1]),
        [0, 5],
        tags={"invalid"},
        why="passes the length check, then TensorFlow indexes boundaries[0]: IndexError",
    ),
    _v1(
        "piecewise_constant",
        "decreasing-boundaries",
        dict(boundaries=[20, 10], values=[1.0, 0.5, 0.1]),
        [5, 10, 15, 20, 25],
        tags={"invalid"},
        flavors=_EAGER_ONLY,
        why="two true predicates in tf.case(exclusive=True) at 10 < s <= 20: "
        "InvalidArgumentError there only (a graph Session fails the whole batch)",
    ),
    # cosine_decay -----------------------------------------------------------------------
    _v1(
        "cosine_decay",
        "ordinary",
        dict(learning_rate=0.1, decay_steps=1000),
        [span(0, 1101), FAR_STEPS],
        tags={"far"},
    ),
    _v1(
        "cosine_decay",
        "short",
        dict(learning_rate=0.1, decay_steps=10),
        [span(0, 30)],
        why="constant at 0 from decay_steps on (the docstring's example)",
    ),
    _v1(
        "cosine_decay",
        "alpha",
        dict(learning_rate=0.1, decay_steps=10, alpha=0.1),
        [span(0, 30)],
    ),
    _v1(
        "cosine_decay",
        "decay-steps-zero",
        dict(learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
    ),
    _v1(
        "cosine_decay",
        "float64-learning-rate",
        dict(learning_rate=np.float64(0.1), decay_steps=10),
        [0, 5],
        tags={"invalid"},
        flavors=_EAGER_ONLY,
        why="float32 pi times float64: InvalidArgumentError (graph mode: TypeError)",
    ),
    _v1(
        "cosine_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10),
        [0, 5],
        tags={"invalid", "int"},
        flavors=_EAGER_ONLY,
    ),
    # cosine_decay_restarts --------------------------------------------------------------
    _v1(
        "cosine_decay_restarts",
        "ordinary",
        dict(learning_rate=0.1, first_decay_steps=10),
        [span(0, 2000), around(10, 30, 70, 150, 310, 630, 1270), FAR_STEPS],
        tags={"far"},
        why="restarts at 10, 30, 70, 150, ... (t_mul = 2)",
    ),
    _v1(
        "cosine_decay_restarts",
        "t-mul-one-m-mul-half",
        dict(learning_rate=0.1, first_decay_steps=10, t_mul=1.0, m_mul=0.5),
        [span(0, 200)],
    ),
    _v1(
        "cosine_decay_restarts",
        "alpha",
        dict(learning_rate=0.1, first_decay_steps=10, alpha=0.1),
        [span(0, 200)],
    ),
    _v1(
        "cosine_decay_restarts",
        "t-mul-below-one-nan",
        dict(learning_rate=0.1, first_decay_steps=10, t_mul=0.5),
        [span(0, 40)],
        tags={"invalid"},
        why="the periods sum to 20 steps: nan from step 20 on",
    ),
    _v1(
        "cosine_decay_restarts",
        "float64-learning-rate",
        dict(learning_rate=np.float64(0.1), first_decay_steps=10),
        [0, 5],
        tags={"invalid"},
        flavors=_EAGER_ONLY,
    ),
    _v1(
        "cosine_decay_restarts",
        "python-int-learning-rate",
        dict(learning_rate=1, first_decay_steps=10),
        [0, 5],
        tags={"invalid", "int"},
        why="TypeError in both modes",
    ),
    # linear_cosine_decay ----------------------------------------------------------------
    _v1(
        "linear_cosine_decay",
        "defaults",
        dict(learning_rate=0.1, decay_steps=10),
        [span(0, 30), FAR_STEPS],
        tags={"far"},
        why="step 0 gives lr0 (1 + beta), above lr0; after decay_steps lr0 * beta, not 0",
    ),
    _v1(
        "linear_cosine_decay",
        "long",
        dict(learning_rate=0.1, decay_steps=100_000),
        [span(0, 100_101, 7), FAR_STEPS],
        tags={"far", "dense"},
    ),
    _v1(
        "linear_cosine_decay",
        "periods-alpha-beta",
        dict(learning_rate=0.05, decay_steps=1000, num_periods=3.7, alpha=0.2, beta=0.01),
        [span(0, 1101)],
    ),
    _v1(
        "linear_cosine_decay",
        "zero-beta-reaches-zero",
        dict(learning_rate=0.1, decay_steps=100, beta=0.0),
        [span(0, 120)],
    ),
    _v1(
        "linear_cosine_decay",
        "decay-steps-zero",
        dict(learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="(0 - 0) / 0: nan at every step",
    ),
    _v1(
        "linear_cosine_decay",
        "float64-learning-rate",
        dict(learning_rate=np.float64(0.1), decay_steps=10),
        [0, 5],
        tags={"invalid"},
        flavors=_EAGER_ONLY,
    ),
    _v1(
        "linear_cosine_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10),
        [0, 5],
        tags={"invalid", "int"},
        why="TypeError in both modes (the constant 2.0 cannot become an int32)",
    ),
    # noisy_linear_cosine_decay: only the deterministic initial_variance=0 here; the noise is
    # checked statistically in conformance/tests/test_noisy_linear_cosine_decay.py.
    _v1(
        "noisy_linear_cosine_decay",
        "no-noise",
        dict(learning_rate=0.1, decay_steps=10, initial_variance=0.0),
        [span(0, 30), FAR_STEPS],
        tags={"far"},
        why="with initial_variance=0 the noise is exactly 0: linear_cosine_decay's values",
    ),
    _v1(
        "noisy_linear_cosine_decay",
        "no-noise-periods-alpha-beta",
        dict(
            learning_rate=0.05,
            decay_steps=1000,
            initial_variance=0.0,
            variance_decay=0.3,
            num_periods=3.7,
            alpha=0.2,
            beta=0.01,
        ),
        [span(0, 1101)],
    ),
    _v1(
        "noisy_linear_cosine_decay",
        "float64-learning-rate",
        dict(learning_rate=np.float64(0.1), decay_steps=10, initial_variance=0.0),
        [0, 5],
        tags={"invalid"},
        why="ValueError in both modes: the float32 normal refuses a float64 stddev",
    ),
    _v1(
        "noisy_linear_cosine_decay",
        "python-int-learning-rate",
        dict(learning_rate=1, decay_steps=10, initial_variance=0.0),
        [0, 5],
        tags={"invalid", "int"},
    ),
]


# --------------------------------------------------------------------------------------------
# Long horizons: realistic training runs, every step from 0 to 10**6
# --------------------------------------------------------------------------------------------
# A port is used for a whole training run, so these check every step of one. The vector path
# verifies all 1 000 001 steps to the bit (millions of steps a second); the scalar path checks
# the sample (Case.sampled).

_MILLION = span(0, 1_000_001)
LONG_HORIZON: list[Case] = [
    _case(
        _EXP,
        "long/every-10k-steps",
        dict(initial_learning_rate=1e-3, decay_steps=10_000, decay_rate=0.96),
        [_MILLION],
        tags={"long", "dense"},
    ),
    _case(
        _EXP,
        "long/staircase-every-100k",
        dict(initial_learning_rate=0.1, decay_steps=100_000, decay_rate=0.5, staircase=True),
        [_MILLION, around(100_000, 500_000, 1_000_000)],
        tags={"long", "dense", "staircase"},
    ),
    _case(
        _PWC,
        "long/three-drops",
        dict(boundaries=[100_000, 300_000, 600_000], values=[1e-3, 5e-4, 1e-4, 1e-5]),
        [_MILLION, around(100_000, 300_000, 600_000)],
        tags={"long", "dense"},
    ),
    _case(
        _POLY,
        "long/cycle-power-2",
        dict(
            initial_learning_rate=1e-3,
            decay_steps=250_000,
            end_learning_rate=1e-5,
            power=2.0,
            cycle=True,
        ),
        [_MILLION, around(250_000, 500_000, 750_000, 1_000_000)],
        tags={"long", "dense", "cycle"},
    ),
    _case(
        _INV,
        "long/ordinary",
        dict(initial_learning_rate=1e-3, decay_steps=10_000, decay_rate=0.5),
        [_MILLION],
        tags={"long", "dense"},
    ),
    _case(
        _COS,
        "long/one-million-steps",
        dict(initial_learning_rate=1e-3, decay_steps=1_000_000, alpha=0.01),
        [_MILLION],
        tags={"long", "dense"},
    ),
    _case(
        _COS,
        "long/warmup-then-decay",
        dict(
            initial_learning_rate=0.0, decay_steps=900_000, warmup_target=1e-3, warmup_steps=100_000
        ),
        [_MILLION, around(100_000)],
        tags={"long", "dense", "warmup"},
        flavors=frozenset({"keras2", "keras3"}),
    ),
    _case(
        _CDR,
        "long/sgdr",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000, t_mul=2.0, m_mul=0.9),
        [_MILLION, around(1000, 3000, 7000, 15000, 31000, 63000, 127000, 255000, 511000)],
        tags={"long", "dense", "restarts"},
    ),
    _case(
        _TRI2,
        "long/clr-2000",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000),
        [_MILLION, around(2000, 4000, 500_000)],
        tags={"long", "dense"},
    ),
    _case(
        _EXPC,
        "long/exp-range-float-steps",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000, gamma=0.99999),
        [_MILLION],
        tags={"long", "dense"},
        step_dtype="float32",
        why="exp_range needs float steps (legacy optimizers): int64 steps raise TypeError",
    ),
    _v1(
        "exponential_decay",
        "long/staircase",
        dict(learning_rate=0.1, decay_steps=100_000, decay_rate=0.96, staircase=True),
        [_MILLION, around(100_000, 900_000)],
        tags={"long", "dense", "staircase"},
    ),
    _v1(
        "cosine_decay_restarts",
        "long/sgdr",
        dict(learning_rate=0.1, first_decay_steps=5000, t_mul=1.5, m_mul=0.8, alpha=0.01),
        [_MILLION],
        tags={"long", "dense", "restarts"},
    ),
    _v1(
        "linear_cosine_decay",
        "long/five-periods",
        dict(learning_rate=0.1, decay_steps=1_000_000, num_periods=5.0),
        [_MILLION],
        tags={"long", "dense"},
    ),
]


# --------------------------------------------------------------------------------------------
# The whole catalogue
# --------------------------------------------------------------------------------------------

CASES: list[Case] = [
    *EXPONENTIAL_DECAY,
    *PIECEWISE_CONSTANT_DECAY,
    *POLYNOMIAL_DECAY,
    *INVERSE_TIME_DECAY,
    *COSINE_DECAY,
    *COSINE_DECAY_RESTARTS,
    *CYCLICAL_LEARNING_RATE,
    *COMPAT_V1_SCHEDULES,
    *LONG_HORIZON,
]


def cases(api: str | None = None, tag: str | None = None) -> list[Case]:
    """The catalogue, optionally only one API or one tag."""
    return [c for c in CASES if (api is None or c.api == api) and (tag is None or tag in c.tags)]


def apis() -> list[str]:
    """Every API in the catalogue, in catalogue order."""
    return list(dict.fromkeys(c.api for c in CASES))


def _check_unique_ids() -> None:
    seen: set[str] = set()
    for c in CASES:
        if c.id in seen:
            raise ValueError(f"duplicate case id {c.id!r}")
        seen.add(c.id)


_check_unique_ids()


# --------------------------------------------------------------------------------------------
# Optimizers: trajectories (optimizers.*, optimizers.legacy.*, compat_v1.*Optimizer)
# --------------------------------------------------------------------------------------------
#
# An optimizer case is a whole training trajectory: initial parameters, a gradient for every
# step, a learning rate. Everything is generated from a seed, so a case stays data. The
# parameters are two variables of 3 and 5 elements (fewer than one AVX packet of 8 floats, so
# TensorFlow's element-wise kernels take Eigen's scalar code, which the reference reproduces by
# default); the ``vector`` cases use one 19-element variable, where whole packets take Eigen's
# SIMD code and the reference is given TensorFlow's kernels (see reference._arith).

#: What each gradient column does over the trajectory (8 columns: variable (3,) then (5,)).
GRADIENT_REGIMES = (
    "normal",  # N(0, 1)
    "tiny",  # 1e-8 * N(0, 1): epsilon dominates
    "huge",  # 1e4 * N(0, 1)
    "sparse-zeros",  # N(0, 1) on half the steps, exactly 0 on the others
    "sign-flips",  # +-U(0.5, 1.5), the sign alternating every step
    "zero",  # always 0: slots decay, the parameter must not move (Adam) or must (momentum)
    "switching",  # blocks of 100 steps cycling normal, tiny, huge, zero
    "small-constant",  # 1e-4 every step: Adam's epsilon-hat vs standard form differ by 3%
)


@dataclass(frozen=True)
class Gradients:
    """A seeded gradient sequence: ``steps`` rows, one column per regime of ``regimes``
    (cycled to ``width`` columns), split into variables of ``shapes``."""

    seed: int = 0
    steps: int = 1000
    shapes: tuple[int, ...] = (3, 5)
    regimes: tuple[str, ...] = GRADIENT_REGIMES

    @property
    def width(self) -> int:
        return sum(self.shapes)

    def columns(self) -> np.ndarray:
        """The gradients as one ``(steps, width)`` float64 array."""
        rng = np.random.default_rng(self.seed)
        t = np.arange(self.steps)
        columns = []
        for j in range(self.width):
            regime = self.regimes[j % len(self.regimes)]
            normal = rng.standard_normal(self.steps)
            if regime == "normal":
                column = normal
            elif regime == "tiny":
                column = 1e-8 * normal
            elif regime == "huge":
                column = 1e4 * normal
            elif regime == "sparse-zeros":
                column = np.where(rng.random(self.steps) < 0.5, 0.0, normal)
            elif regime == "sign-flips":
                column = rng.uniform(0.5, 1.5, self.steps) * np.where(t % 2 == 0, 1.0, -1.0)
            elif regime == "zero":
                column = np.zeros(self.steps)
            elif regime == "switching":
                scale = np.array([1.0, 1e-8, 1e4, 0.0])[(t // 100) % 4]
                column = scale * normal
            elif regime == "small-constant":
                column = np.full(self.steps, 1e-4)
            else:
                raise ValueError(f"unknown gradient regime {regime!r}")
            columns.append(column)
        return np.stack(columns, axis=1)

    def split(self, array: np.ndarray) -> list[np.ndarray]:
        """Columns of ``array`` (last axis) cut into the variables."""
        return np.split(array, np.cumsum(self.shapes)[:-1], axis=-1)

    def initial_params(self) -> list[np.ndarray]:
        """Seeded initial values in [-1, 1], one array per variable (float32-exact, so that
        TensorFlow's float32 variables and the reference start from the same numbers)."""
        rng = np.random.default_rng(self.seed + 1_000_003)
        values = rng.uniform(-1.0, 1.0, self.width).astype(np.float32).astype(np.float64)
        return self.split(values)


@dataclass(frozen=True)
class SparseGradients:
    """A seeded sparse gradient sequence for one embedding-like variable of ``rows`` x
    ``width``: each step touches ``per_step`` rows (``tf.IndexedSlices``), with a repeated index
    every 5th step, and the last row is never touched. Values are N(0, 1) scaled by blocks of
    100 steps cycling 1, 1e-8, 1e4, 1. Rows of 2 floats, 3 rows a step: fewer than 8 floats per
    TensorFlow op, so Eigen's scalar code computes them (see the dense cases)."""

    seed: int = 0
    steps: int = 1000
    rows: int = 6
    width: int = 2
    per_step: int = 3

    @property
    def shapes(self) -> tuple[int, ...]:
        return (self.rows * self.width,)

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """``indices`` of shape ``(steps, per_step)`` and ``values`` of shape
        ``(steps, per_step, width)``, float64."""
        rng = np.random.default_rng(self.seed)
        indices = rng.integers(0, self.rows - 1, (self.steps, self.per_step))
        indices[::5, 1] = indices[::5, 0]
        scale = np.array([1.0, 1e-8, 1e4, 1.0])[(np.arange(self.steps) // 100) % 4]
        values = rng.standard_normal((self.steps, self.per_step, self.width))
        return indices.astype(np.int64), values * scale[:, None, None]

    def initial_params(self) -> list[np.ndarray]:
        rng = np.random.default_rng(self.seed + 1_000_003)
        values = rng.uniform(-1.0, 1.0, (self.rows, self.width))
        return [values.astype(np.float32).astype(np.float64)]


@dataclass(frozen=True)
class LearningRateSpec:
    """A learning rate that is not a plain float: a reference schedule (``api`` as in the
    schedule catalogue, e.g. ``schedules.ExponentialDecay``), or a TF1 decay function driven by
    the global step (``compat_v1.exponential_decay``; ``params`` without ``global_step``)."""

    api: str
    params: Mapping[str, Any] = field(hash=False)

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.api}({shown})"


@dataclass(frozen=True)
class OptimizerCase:
    """One optimizer, one set of hyperparameters (TensorFlow's names, without
    ``learning_rate``), one learning rate, one gradient sequence."""

    id: str
    api: str
    params: Mapping[str, Any] = field(hash=False)
    learning_rate: float | LearningRateSpec = 0.001
    gradients: Gradients | SparseGradients = Gradients()
    tags: frozenset[str] = frozenset()
    #: Reference flavours the case applies to (``None``: every entry point of the API).
    flavors: frozenset[str] | None = None
    #: Oracle entry points where this form of the API exists (``None``: all of them).
    entries: frozenset[str] | None = None
    #: Whether the float64 mode is checked: not where float32 TensorFlow is dominated by
    #: cancellation (see ``why``), which the float32 mode checks to the bit instead.
    float64: bool = True
    why: str = ""

    @property
    def family(self) -> str:
        return self.api.split(".")[-1]


def _opt(api, label, params, learning_rate=0.001, gradients=Gradients(), tags=(), **kw):
    return OptimizerCase(
        id=f"{api}/{label}",
        api=api,
        params=params,
        learning_rate=learning_rate,
        gradients=gradients,
        tags=frozenset(tags),
        **kw,
    )


_EXP_SCHEDULE = LearningRateSpec(
    "schedules.ExponentialDecay",
    dict(initial_learning_rate=0.01, decay_steps=100, decay_rate=0.5),
)
_STAIRCASE_SCHEDULE = LearningRateSpec(
    "schedules.ExponentialDecay",
    dict(initial_learning_rate=1e-3, decay_steps=25, decay_rate=0.95, staircase=True),
)
_V1_DECAY = LearningRateSpec(
    "compat_v1.exponential_decay",
    dict(learning_rate=0.01, decay_steps=10, decay_rate=0.9),
)
_VECTOR = Gradients(seed=7, shapes=(19,))


def _keras_and_legacy(api: str, family_params: list[tuple[str, dict, tuple]]) -> list:
    """The same hyperparameter sets for the Keras >= 2.11/3 class and its legacy twin, each with
    a float learning rate, a decaying schedule and the seed-000 staircase schedule."""
    found = []
    for label, params, tags in family_params:
        # A constant gradient has zero variance: see the centered-constant-gradient cases.
        regimes = _WELL_CONDITIONED if "centered" in tags else GRADIENT_REGIMES
        for seed, (lr_label, lr) in enumerate(
            (
                ("lr-float", 0.01),
                ("lr-exponential", _EXP_SCHEDULE),
                ("lr-staircase", _STAIRCASE_SCHEDULE),
            )
        ):
            found.append(
                _opt(
                    api,
                    f"{label}/{lr_label}",
                    params,
                    lr,
                    Gradients(seed=seed, regimes=regimes),
                    tags=(*tags, lr_label),
                )
            )
    return found


_WELL_CONDITIONED = tuple(r if r != "small-constant" else "normal" for r in GRADIENT_REGIMES)
_CONSTANT = Gradients(seed=3, regimes=("small-constant", "sign-flips"))


def _centered_constant_gradient(
    api: str, params: dict, label: str = "centered-constant-gradient"
) -> OptimizerCase:
    return _opt(
        api,
        label,
        params,
        0.01,
        _CONSTANT,
        tags={"centered", "cancellation"},
        float64=False,
        why="centered RMSprop of a constant gradient: the variance ms - mg^2 is a difference of "
        "equal numbers. With epsilon inside the root it stays finite; the legacy optimizer "
        "without momentum takes sqrt(ms - mg^2) + eps and turns nan when rounding makes it "
        "negative. Exact float64 cannot follow float32 here, so only float32 is checked",
    )


ADAM_PARAMS = [
    ("defaults", dict(), ()),
    ("amsgrad", dict(amsgrad=True), ("amsgrad",)),
    ("epsilon-zero", dict(epsilon=0.0), ("epsilon",)),
    ("beta1-zero", dict(beta_1=0.0, beta_2=0.9, epsilon=1e-3), ("seed003",)),
]
RMSPROP_PARAMS = [
    ("defaults", dict(), ()),
    ("momentum", dict(momentum=0.5), ("momentum",)),
    ("centered", dict(centered=True), ("centered",)),
    ("centered-momentum", dict(rho=0.8, momentum=0.9, centered=True), ("centered", "momentum")),
    ("epsilon-zero", dict(epsilon=0.0), ("epsilon",)),
]

OPTIMIZERS_KERAS = [
    *_keras_and_legacy("optimizers.Adam", ADAM_PARAMS),
    *_keras_and_legacy("optimizers.RMSprop", RMSPROP_PARAMS),
    _opt(
        "optimizers.Adam",
        "adaptive-epsilon",
        dict(adaptive_epsilon=True),
        0.01,
        tags={"adaptive_epsilon"},
        entries=frozenset({"tf_keras"}),
        why="tf_keras >= 2.16 only: epsilon * sqrt(1 - beta_2^t) gives the standard form",
    ),
    _opt("optimizers.Adam", "vector", dict(), 0.01, _VECTOR, tags={"vector"}),
    _opt(
        "optimizers.RMSprop",
        "vector",
        dict(momentum=0.5),
        0.01,
        _VECTOR,
        tags={"vector"},
        why="Keras 2 computes rsqrt, whose AVX code differs from 1/sqrt in the last bit",
    ),
    _centered_constant_gradient("optimizers.RMSprop", dict(centered=True)),
    _opt(
        "optimizers.Adam",
        "adaptive-epsilon-everywhere",
        dict(adaptive_epsilon=True),
        0.01,
        tags={"invalid"},
        flavors=frozenset({"keras3"}),
        why="Keras 3 refuses it (ValueError); only tf_keras >= 2.16 takes it (Keras 2.15, "
        "TF 2.15's tf.keras, raises TypeError: the keras2 flavour mirrors tf_keras)",
    ),
    _opt(
        "optimizers.Adam",
        "lr-python-int",
        dict(),
        1,
        tags={"invalid"},
        why="Keras 3 takes only a Python float (ValueError); Keras 2 takes 1 as 1.0",
    ),
    _opt(
        "optimizers.Adam",
        "kwarg-lr",
        dict(lr=0.5),
        0.01,
        tags={"invalid"},
        why="Keras 2 ignores lr= (the rate stays 0.01); Keras 3 raises ValueError",
    ),
    _opt(
        "optimizers.RMSprop",
        "kwarg-decay",
        dict(decay=0.01),
        0.01,
        tags={"invalid"},
        why="Keras 2 raises ValueError; Keras 3 ignores decay= (no decay happens)",
    ),
    _opt(
        "optimizers.RMSprop",
        "momentum-above-one",
        dict(momentum=1.5),
        0.01,
        Gradients(steps=200),
        tags={"invalid"},
        why="accepted by Keras 2.11+ and 3 (the legacy optimizer raises ValueError)",
    ),
]

OPTIMIZERS_LEGACY = [
    *_keras_and_legacy("optimizers.legacy.Adam", ADAM_PARAMS),
    *_keras_and_legacy("optimizers.legacy.RMSprop", RMSPROP_PARAMS),
    _opt("optimizers.legacy.Adam", "decay", dict(decay=0.01), 0.01, tags={"decay"}),
    _opt("optimizers.legacy.RMSprop", "vector", dict(momentum=0.5), 0.01, _VECTOR, tags={"vector"}),
    _opt(
        "optimizers.legacy.RMSprop",
        "momentum-above-one",
        dict(momentum=1.5),
        0.01,
        Gradients(steps=200),
        tags={"invalid"},
        why="ValueError at construction",
    ),
    _opt(
        "optimizers.legacy.Adam",
        "kwarg-lr",
        dict(lr=0.5),
        0.01,
        tags={"lr"},
        why="the legacy optimizers take lr= for learning_rate (the rate is 0.5)",
    ),
    _centered_constant_gradient("optimizers.legacy.RMSprop", dict(centered=True)),
    _centered_constant_gradient(
        "optimizers.legacy.RMSprop",
        dict(centered=True, momentum=0.5),
        "centered-momentum-constant-gradient",
    ),
]

OPTIMIZERS_COMPAT_V1 = [
    _opt(
        f"compat_v1.{name}",
        f"{label}/{lr_label}",
        params,
        lr,
        Gradients(seed=seed),
        tags={lr_label},
    )
    for name, label, params in (
        ("AdamOptimizer", "defaults", dict()),
        ("AdamOptimizer", "epsilon-large", dict(beta1=0.0, epsilon=1e-3)),
        ("RMSPropOptimizer", "defaults", dict()),
        ("RMSPropOptimizer", "momentum", dict(momentum=0.5)),
        ("RMSPropOptimizer", "centered-momentum", dict(decay=0.8, momentum=0.9, centered=True)),
        ("GradientDescentOptimizer", "plain", dict()),
    )
    for seed, (lr_label, lr) in enumerate((("lr-float", 0.01), ("lr-v1-decay", _V1_DECAY)))
]

OPTIMIZERS_COMPAT_V1.append(
    _centered_constant_gradient("compat_v1.RMSPropOptimizer", dict(centered=True))
)

_SPARSE = SparseGradients(seed=11)
OPTIMIZERS_SPARSE = [
    _opt(api, f"sparse/{label}", params, lr, _SPARSE, tags={"sparse"})
    for api, label, params, lr in (
        ("optimizers.Adam", "defaults", dict(), 0.01),
        ("optimizers.Adam", "amsgrad", dict(amsgrad=True), _EXP_SCHEDULE),
        ("optimizers.RMSprop", "defaults", dict(), 0.01),
        ("optimizers.RMSprop", "momentum", dict(momentum=0.5), _EXP_SCHEDULE),
        ("optimizers.RMSprop", "centered-momentum", dict(momentum=0.5, centered=True), 0.01),
        ("optimizers.legacy.Adam", "defaults", dict(), 0.01),
        ("optimizers.legacy.Adam", "amsgrad", dict(amsgrad=True), _EXP_SCHEDULE),
        ("optimizers.legacy.RMSprop", "defaults", dict(), 0.01),
        ("optimizers.legacy.RMSprop", "centered", dict(centered=True), 0.01),
        ("optimizers.legacy.RMSprop", "momentum", dict(momentum=0.5), _EXP_SCHEDULE),
        ("optimizers.legacy.RMSprop", "centered-momentum", dict(momentum=0.5, centered=True), 0.01),
        ("compat_v1.AdamOptimizer", "defaults", dict(), _V1_DECAY),
        ("compat_v1.RMSPropOptimizer", "defaults", dict(), 0.01),
        (
            "compat_v1.RMSPropOptimizer",
            "centered-momentum",
            dict(momentum=0.5, centered=True),
            _V1_DECAY,
        ),
        ("compat_v1.GradientDescentOptimizer", "plain", dict(), 0.01),
    )
]

#: Every Keras schedule as the learning rate of Adam and RMSprop with momentum (where the
#: learning rate sits inside the momentum buffer, so a changing rate matters).
_SCHEDULES = (
    (
        "piecewise",
        LearningRateSpec(
            "schedules.PiecewiseConstantDecay",
            dict(boundaries=[100, 500], values=[0.01, 0.005, 0.001]),
        ),
    ),
    (
        "polynomial",
        LearningRateSpec(
            "schedules.PolynomialDecay",
            dict(initial_learning_rate=0.01, decay_steps=800, power=2.0),
        ),
    ),
    (
        "polynomial-cycle",
        LearningRateSpec(
            "schedules.PolynomialDecay",
            dict(initial_learning_rate=0.01, decay_steps=300, cycle=True),
        ),
    ),
    (
        "inverse-time",
        LearningRateSpec(
            "schedules.InverseTimeDecay",
            dict(initial_learning_rate=0.01, decay_steps=100, decay_rate=0.5),
        ),
    ),
    (
        "cosine",
        LearningRateSpec(
            "schedules.CosineDecay", dict(initial_learning_rate=0.01, decay_steps=800, alpha=0.1)
        ),
    ),
    (
        "cosine-restarts",
        LearningRateSpec(
            "schedules.CosineDecayRestarts", dict(initial_learning_rate=0.01, first_decay_steps=100)
        ),
    ),
)
OPTIMIZERS_SCHEDULES = [
    _opt(api, f"schedule/{label}", params, lr, Gradients(seed=20 + k), tags={"schedule"})
    for k, (label, lr) in enumerate(_SCHEDULES)
    for api, params in (
        ("optimizers.Adam", dict()),
        ("optimizers.RMSprop", dict(momentum=0.9)),
        ("optimizers.legacy.Adam", dict()),
        ("optimizers.legacy.RMSprop", dict(momentum=0.9)),
    )
]

OPTIMIZER_CASES: list[OptimizerCase] = [
    *OPTIMIZERS_KERAS,
    *OPTIMIZERS_LEGACY,
    *OPTIMIZERS_COMPAT_V1,
    *OPTIMIZERS_SPARSE,
    *OPTIMIZERS_SCHEDULES,
]


def optimizer_cases(api: str | None = None, tag: str | None = None) -> list[OptimizerCase]:
    return [
        c
        for c in OPTIMIZER_CASES
        if (api is None or c.api == api) and (tag is None or tag in c.tags)
    ]


def optimizer_apis() -> list[str]:
    """The optimizer APIs of the catalogue, in catalogue order."""
    return list(dict.fromkeys(case.api for case in OPTIMIZER_CASES))


def _check_unique_optimizer_ids() -> None:
    ids = [c.id for c in OPTIMIZER_CASES]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate optimizer case ids {sorted(duplicates)}")


_check_unique_optimizer_ids()

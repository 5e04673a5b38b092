"""The Keras schedules' cases (``schedules.ExponentialDecay`` ... ``schedules.CosineDecayRestarts``:
``tf.keras.optimizers.schedules`` and ``tf_keras``)."""

from __future__ import annotations

from conformance.cases.model import (
    FAR_STEPS,
    Case,
    around,
    schedule_case,
    span,
)

# --------------------------------------------------------------------------------------------
# schedules.ExponentialDecay
# --------------------------------------------------------------------------------------------

_EXP = "schedules.ExponentialDecay"
EXPONENTIAL_DECAY = [
    schedule_case(
        _EXP,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [span(0, 2001), around(10, 20, 100), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _EXP,
        "staircase",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
        [span(0, 2001), around(10, 20, 100, 1000), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    schedule_case(
        _EXP,
        "seed000-staircase-per-batch",
        dict(initial_learning_rate=1e-3, decay_steps=25, decay_rate=0.95, staircase=True),
        [span(0, 5001), around(25, 50, 2500)],
        tags={"staircase", "seed"},
        why="seed 000: decay_steps counts batches, so the rate drops after 25 batches",
    ),
    schedule_case(
        _EXP,
        "slow-decay-million-steps",
        dict(initial_learning_rate=0.01, decay_steps=100_000, decay_rate=0.96),
        [span(0, 1_000_001, 7), around(100_000, 500_000), FAR_STEPS],
        tags={"far", "dense"},
    ),
    schedule_case(
        _EXP,
        "every-step",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.999),
        [span(0, 100_001, 3), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _EXP,
        "underflow-to-zero",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=0.5),
        [span(0, 200)],
        tags={"underflow"},
        why="TF flushes subnormal float32 results to 0 (0.1 * 0.5**125 is 0.0)",
    ),
    schedule_case(
        _EXP,
        "growth-rate-above-one",
        dict(initial_learning_rate=0.01, decay_steps=100, decay_rate=1.5),
        [span(0, 30_001, 10)],
        tags={"growth"},
    ),
    schedule_case(
        _EXP,
        "rate-one-is-constant",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=1.0),
        [span(0, 100), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _EXP,
        "rate-zero",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.0),
        [span(0, 30)],
        tags={"extreme"},
        why="0**0 is 1 at step 0, then 0",
    ),
    schedule_case(
        _EXP,
        "rate-zero-staircase",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.0, staircase=True),
        [span(0, 30)],
        tags={"extreme", "staircase"},
    ),
    schedule_case(
        _EXP,
        "float-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=2.5, decay_rate=0.5, staircase=True),
        [span(0, 100)],
        tags={"staircase"},
    ),
    schedule_case(
        _EXP,
        "inexact-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=0.3, decay_rate=0.9, staircase=True),
        [span(0, 3000)],
        tags={"staircase"},
        why="0.3 is not a float32 number: floor(s / 0.3) near integers decides the stair",
    ),
    schedule_case(
        _EXP,
        "tiny-learning-rate",
        dict(initial_learning_rate=1e-30, decay_steps=10, decay_rate=0.5),
        [span(0, 400)],
        tags={"extreme", "underflow"},
    ),
    schedule_case(
        _EXP,
        "huge-learning-rate",
        dict(initial_learning_rate=1e30, decay_steps=10, decay_rate=2.0),
        [span(0, 400)],
        tags={"extreme", "overflow"},
    ),
    schedule_case(
        _EXP,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 and compat.v1 give nan, then 0",
    ),
    schedule_case(
        _EXP,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10, decay_rate=0.5),
        [0, 1, 5, 50],
        tags={"invalid"},
    ),
    schedule_case(
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
    schedule_case(
        _PWC,
        "ordinary",
        dict(boundaries=[10, 20], values=[1.0, 0.5, 0.1]),
        [span(0, 60), around(10, 20), FAR_STEPS],
        tags={"far"},
        why="right-closed intervals: the new value starts at boundary + 1",
    ),
    schedule_case(
        _PWC,
        "seed004-two-drops",
        dict(boundaries=[100_000, 110_000], values=[1.0, 0.5, 0.1]),
        [span(0, 50), around(100_000, 110_000), FAR_STEPS],
        tags={"seed", "far"},
        why="seed 004: tf.compat.v1.train.piecewise_constant tutorial boundaries",
    ),
    schedule_case(
        _PWC,
        "single-boundary",
        dict(boundaries=[100], values=[0.1, 0.01]),
        [span(0, 300), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _PWC,
        "many-boundaries",
        dict(
            boundaries=[1, 2, 3, 5, 8, 13, 21],
            values=[0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01],
        ),
        [span(0, 40)],
    ),
    schedule_case(
        _PWC,
        "boundary-zero",
        dict(boundaries=[0, 1], values=[0.3, 0.2, 0.1]),
        [span(0, 5)],
        why="step 0 is in the first interval (s <= 0), step 1 in the second",
    ),
    schedule_case(
        _PWC,
        "inexact-values",
        dict(boundaries=[1000, 2000], values=[0.1, 0.01, 0.001]),
        [around(1000, 2000), 0, 5000],
        why="values are rounded to float32 (0.1 is not a float32 number)",
    ),
    schedule_case(
        _PWC,
        "float-boundaries-truncated",
        dict(boundaries=[9.5, 19.5], values=[1.0, 0.5, 0.1]),
        [span(0, 30)],
        tags={"dtype"},
        why="boundaries are cast to the int64 step: 9.5 truncates to 9",
    ),
    schedule_case(
        _PWC,
        "float32-steps-float-boundaries",
        dict(boundaries=[9.5, 19.5], values=[1.0, 0.5, 0.1]),
        [span(0, 30)],
        tags={"dtype"},
        step_dtype="float32",
        why="a legacy Keras optimizer passes float32 steps: the boundaries stay 9.5 and 19.5",
    ),
    schedule_case(
        _PWC,
        "float32-steps-beyond-2-24",
        dict(boundaries=[2**24], values=[1.0, 0.5]),
        [around(2**24), 2**24 + 2, 2**24 + 3],
        tags={"dtype", "far"},
        step_dtype="float32",
        why="float32 steps 2**24 + 1 round to 2**24: the drop comes at 2**24 + 2",
    ),
    schedule_case(
        _PWC,
        "int-values",
        dict(boundaries=[10, 20], values=[3, 2, 1]),
        [span(0, 30)],
        tags={"int", "dtype"},
        why="Python-int values give an int32 learning rate",
    ),
    schedule_case(
        _PWC,
        "mixed-values-int-first",
        dict(boundaries=[10], values=[1, 0.5]),
        [span(0, 20)],
        tags={"invalid", "dtype"},
        why="Keras 2 returns the taken branch's dtype; Keras 3 multiplies an int32 accumulator "
        "by a float32 value and raises",
    ),
    schedule_case(
        _PWC,
        "mixed-values-float-first",
        dict(boundaries=[10], values=[0.5, 1]),
        [span(0, 20)],
        tags={"invalid", "dtype"},
    ),
    schedule_case(
        _PWC,
        "equal-boundaries",
        dict(boundaries=[10, 10], values=[1.0, 0.5, 0.1]),
        [span(0, 20)],
        tags={"invalid"},
        why="the middle value is unreachable",
    ),
    schedule_case(
        _PWC,
        "decreasing-boundaries",
        dict(boundaries=[20, 10], values=[1.0, 0.5, 0.1]),
        [span(0, 30)],
        tags={"invalid"},
        why="Keras 2: two true predicates in an exclusive tf.case raise InvalidArgumentError at "
        "steps 11-19; Keras 3 adds the overlapping values (1.0 + 0.1 in float32)",
    ),
    schedule_case(
        _PWC,
        "infinite-value",
        dict(boundaries=[10], values=[0.1, float("inf")]),
        [span(0, 20)],
        tags={"extreme"},
        why="Keras 3's masked sum computes 0 * inf = nan at every step; Keras 2 picks one value",
    ),
    schedule_case(
        _PWC,
        "zero-and-negative-values",
        dict(boundaries=[5, 10], values=[0.0, -0.1, -0.0]),
        [span(0, 15)],
        tags={"extreme"},
    ),
    schedule_case(
        _PWC,
        "empty-boundaries",
        dict(boundaries=[], values=[0.1]),
        [0, 1, 10],
        tags={"invalid"},
        why="constructs, then IndexError at call (boundaries[0])",
    ),
    schedule_case(
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
    schedule_case(
        _POLY,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01),
        [span(0, 200), around(10), FAR_STEPS],
        tags={"far"},
        why="linear from 0.1 to 0.01, then held at 0.01",
    ),
    schedule_case(
        _POLY,
        "default-end-1e-4",
        dict(initial_learning_rate=0.1, decay_steps=1000),
        [span(0, 3000), FAR_STEPS],
        tags={"far"},
        why="the default end_learning_rate is 1e-4, not 0",
    ),
    schedule_case(
        _POLY,
        "power-2",
        dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.01, power=2.0),
        [span(0, 300)],
    ),
    schedule_case(
        _POLY,
        "power-half",
        dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.01, power=0.5),
        [span(0, 300)],
        why="pow with a non-integer exponent near 0 (the last steps before decay_steps)",
    ),
    schedule_case(
        _POLY,
        "cycle",
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, cycle=True),
        [span(0, 2001), around(10, 20, 30, 1000), FAR_STEPS],
        tags={"cycle", "far"},
        why="end exactly at every multiple of decay_steps, a lower restart one step later",
    ),
    schedule_case(
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
    schedule_case(
        _POLY,
        "cycle-long",
        dict(initial_learning_rate=1e-3, decay_steps=1000, end_learning_rate=1e-5, cycle=True),
        [span(0, 100_001, 3), around(1000, 2000, 50_000, 99_000), FAR_STEPS],
        tags={"cycle", "far", "dense"},
    ),
    schedule_case(
        _POLY,
        "cycle-power-3",
        dict(
            initial_learning_rate=0.5, decay_steps=7, end_learning_rate=0.0, power=3.0, cycle=True
        ),
        [span(0, 200)],
        tags={"cycle"},
    ),
    schedule_case(
        _POLY,
        "rising-warmup-ramp",
        dict(initial_learning_rate=0.0, decay_steps=500, end_learning_rate=0.1),
        [span(0, 1000)],
        why="end above start: a linear warmup from 0 to 0.1",
    ),
    schedule_case(
        _POLY,
        "long-slow",
        dict(initial_learning_rate=1e-3, decay_steps=100_000, end_learning_rate=1e-5, power=1.5),
        [span(0, 150_001, 3), around(100_000), FAR_STEPS],
        tags={"far", "dense"},
    ),
    schedule_case(
        _POLY,
        "power-zero",
        dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=0.0),
        [span(0, 30)],
        tags={"extreme"},
        why="0**0 is 1: the rate stays at initial_learning_rate, even at decay_steps",
    ),
    schedule_case(
        _POLY,
        "power-50-underflow",
        dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.0, power=50.0),
        [span(0, 101)],
        tags={"extreme", "underflow"},
        why="(1 - p)**50 underflows float32 near the end: TF flushes subnormals to 0",
    ),
    schedule_case(
        _POLY,
        "float-decay-steps-cycle",
        dict(initial_learning_rate=0.1, decay_steps=2.5, end_learning_rate=0.0, cycle=True),
        [span(0, 100)],
        tags={"cycle"},
    ),
    schedule_case(
        _POLY,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan (0/0) at every step",
    ),
    schedule_case(
        _POLY,
        "decay-steps-zero-cycle",
        dict(initial_learning_rate=0.1, decay_steps=0, cycle=True),
        [0, 1, 5],
        tags={"invalid", "cycle"},
        why="Keras 2: 0 * ceil(s/0) = 0 * inf = nan",
    ),
    schedule_case(
        _POLY,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10, end_learning_rate=0.01),
        [0, 1, 5, 50],
        tags={"invalid"},
    ),
    schedule_case(
        _POLY,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10),
        [0, 1, 5, 9, 10, 25],
        tags={"invalid", "int"},
        why="Keras 2 raises InvalidArgumentError; Keras 3 truncates end 1e-4 to 0, float32",
    ),
    schedule_case(
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
    schedule_case(
        _INV,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
        [span(0, 2001), around(10, 20, 100), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _INV,
        "staircase",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
        [span(0, 2001), around(10, 20, 1000), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    schedule_case(
        _INV,
        "keras-docs-per-epoch",
        dict(initial_learning_rate=0.1, decay_steps=1.0, decay_rate=0.5),
        [span(0, 10_001)],
        why="the Keras docstring example: decay_steps=1.0 with the step counting epochs",
    ),
    schedule_case(
        _INV,
        "slow-decay-million-steps",
        dict(initial_learning_rate=0.01, decay_steps=100_000, decay_rate=0.96),
        [span(0, 1_000_001, 7), around(100_000, 500_000), FAR_STEPS],
        tags={"far", "dense"},
    ),
    schedule_case(
        _INV,
        "every-step-staircase",
        dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=1.0, staircase=True),
        [span(0, 100_001, 3), FAR_STEPS],
        tags={"staircase", "far"},
    ),
    schedule_case(
        _INV,
        "rate-zero-is-constant",
        dict(initial_learning_rate=0.1, decay_steps=7, decay_rate=0.0),
        [span(0, 100), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _INV,
        "inexact-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=0.3, decay_rate=0.9, staircase=True),
        [span(0, 3000)],
        tags={"staircase"},
        why="0.3 is not a float32 number: floor(s / 0.3) near integers decides the stair",
    ),
    schedule_case(
        _INV,
        "float-decay-steps-staircase",
        dict(initial_learning_rate=0.1, decay_steps=2.5, decay_rate=0.5, staircase=True),
        [span(0, 100)],
        tags={"staircase"},
    ),
    schedule_case(
        _INV,
        "negative-rate-pole",
        dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=-0.5),
        [span(0, 60)],
        tags={"extreme"},
        why="the denominator 1 - 0.05 s crosses 0 at step 20: +inf there, negative after",
    ),
    schedule_case(
        _INV,
        "tiny-learning-rate",
        dict(initial_learning_rate=1e-30, decay_steps=1, decay_rate=1e6),
        [span(0, 400), FAR_STEPS],
        tags={"extreme", "underflow", "far"},
    ),
    schedule_case(
        _INV,
        "huge-learning-rate",
        dict(initial_learning_rate=3e38, decay_steps=10, decay_rate=0.5),
        [span(0, 100), FAR_STEPS],
        tags={"extreme", "far"},
    ),
    schedule_case(
        _INV,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan at 0, then 0",
    ),
    schedule_case(
        _INV,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10, decay_rate=0.5),
        [0, 1, 5, 19, 20, 21, 50],
        tags={"invalid"},
    ),
    schedule_case(
        _INV,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10, decay_rate=0.5),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int"},
        why="Keras 2 raises InvalidArgumentError; Keras 3 truncates decay_rate to 0: 1.0 always",
    ),
    schedule_case(
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
    schedule_case(
        _COS,
        "ordinary",
        dict(initial_learning_rate=0.1, decay_steps=10),
        [span(0, 30), FAR_STEPS],
        tags={"far"},
        why="clamped at decay_steps: 0.0 from step 10 on",
    ),
    schedule_case(
        _COS,
        "long",
        dict(initial_learning_rate=1e-3, decay_steps=100_000),
        [span(0, 120_001), FAR_STEPS],
        tags={"far", "dense"},
        why="1 + cos(pi f) cancels near the end: float32 relative error grows as f -> 1",
    ),
    schedule_case(
        _COS,
        "alpha-0.1",
        dict(initial_learning_rate=0.1, decay_steps=1000, alpha=0.1),
        [span(0, 1500), FAR_STEPS],
        tags={"alpha", "far"},
        why="the floor is alpha * initial_learning_rate",
    ),
    schedule_case(
        _COS,
        "alpha-0.5-inexact",
        dict(initial_learning_rate=0.3, decay_steps=77, alpha=0.3),
        [span(0, 100)],
        tags={"alpha"},
        why="1 - alpha is computed in Python float64, then rounded to float32",
    ),
    schedule_case(
        _COS,
        "alpha-one-minus-in-python",
        dict(initial_learning_rate=0.1, decay_steps=50, alpha=0.058),
        [span(0, 60)],
        tags={"alpha"},
        why="fl32(1 - 0.058) differs from fl32(1) - fl32(0.058): TF rounds the Python difference",
    ),
    schedule_case(
        _COS,
        "alpha-near-one",
        dict(initial_learning_rate=0.1, decay_steps=100, alpha=0.999),
        [span(0, 120)],
        tags={"alpha", "extreme"},
    ),
    schedule_case(
        _COS,
        "alpha-above-one",
        dict(initial_learning_rate=0.1, decay_steps=100, alpha=2.0),
        [span(0, 120)],
        tags={"alpha", "extreme"},
        why="no validation: the rate rises from 0.1 to 0.2",
    ),
    schedule_case(
        _COS,
        "decay-steps-one",
        dict(initial_learning_rate=0.1, decay_steps=1),
        [span(0, 10), FAR_STEPS],
        tags={"far"},
    ),
    schedule_case(
        _COS,
        "float-decay-steps",
        dict(initial_learning_rate=0.1, decay_steps=7.3),
        [span(0, 20)],
    ),
    schedule_case(
        _COS,
        "huge-learning-rate",
        dict(initial_learning_rate=3e38, decay_steps=100),
        [span(0, 120)],
        tags={"extreme"},
    ),
    schedule_case(
        _COS,
        "warmup",
        dict(initial_learning_rate=0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5),
        [span(0, 30), FAR_STEPS],
        tags={"warmup", "far"},
        flavors=_WARMUP_FLAVORS,
        why="linear 0 -> 0.1 over 5 steps, then cosine over 10 more: total length 15",
    ),
    schedule_case(
        _COS,
        "warmup-long",
        dict(initial_learning_rate=1e-5, decay_steps=10_000, warmup_target=1e-3, warmup_steps=1000),
        [span(0, 12_001, 3), around(1000, 11_000)],
        tags={"warmup"},
        flavors=_WARMUP_FLAVORS,
    ),
    schedule_case(
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
    schedule_case(
        _COS,
        "warmup-steps-zero",
        dict(initial_learning_rate=0.05, decay_steps=10, warmup_target=0.1, warmup_steps=0),
        [span(0, 15)],
        tags={"warmup"},
        flavors=_WARMUP_FLAVORS,
        why="initial_learning_rate is ignored: the rate starts at warmup_target",
    ),
    schedule_case(
        _COS,
        "warmup-target-zero",
        dict(initial_learning_rate=0.1, decay_steps=10, warmup_target=0.0, warmup_steps=5),
        [span(0, 20)],
        tags={"warmup"},
        flavors=_WARMUP_FLAVORS,
    ),
    schedule_case(
        _COS,
        "decay-steps-zero",
        dict(initial_learning_rate=0.1, decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan (0/0)",
    ),
    schedule_case(
        _COS,
        "decay-steps-negative",
        dict(initial_learning_rate=0.1, decay_steps=-10),
        [0, 1, 5, 20],
        tags={"invalid"},
    ),
    schedule_case(
        _COS,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, decay_steps=10),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int"},
        why="Keras 2: TypeError (an int32 pi); Keras 3: pi becomes 3, 0.5354 at step 5",
    ),
    schedule_case(
        _COS,
        "python-int-learning-rate-alpha",
        dict(initial_learning_rate=1, decay_steps=10, alpha=0.5),
        [0, 1, 5, 10, 25],
        tags={"invalid", "int", "alpha"},
    ),
    schedule_case(
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
    schedule_case(
        _CDR,
        "ordinary",
        dict(initial_learning_rate=0.1, first_decay_steps=10),
        [span(0, 5001), around(*(10 * (2**i - 1) for i in range(1, 26))), FAR_STEPS],
        tags={"restart", "far"},
        why="restarts at 10, 30, 70, 150, ...: floor(log(1 + f) / log 2) at exact powers of 2",
    ),
    schedule_case(
        _CDR,
        "t-mul-1-m-mul-half",
        dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=1.0, m_mul=0.5),
        [span(0, 1001), FAR_STEPS],
        tags={"restart", "far"},
        why="the tf.cond branch for t_mul == 1: floor(s / T0)",
    ),
    schedule_case(
        _CDR,
        "t-mul-1-long",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000, t_mul=1.0),
        [span(0, 120_001), FAR_STEPS],
        tags={"restart", "far", "dense"},
    ),
    schedule_case(
        _CDR,
        "first-decay-steps-one",
        dict(initial_learning_rate=0.1, first_decay_steps=1),
        [span(0, 3000), around(*(2**i - 1 for i in range(1, 31))), FAR_STEPS],
        tags={"restart", "far"},
        why="restarts at 2**i - 1 up to 2**30 - 1: the log quotient at exact integers",
    ),
    schedule_case(
        _CDR,
        "long-periods",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000, alpha=0.01),
        [span(0, 140_001), FAR_STEPS],
        tags={"restart", "far", "dense", "alpha"},
    ),
    schedule_case(
        _CDR,
        "t-mul-1.5",
        dict(initial_learning_rate=0.1, first_decay_steps=20, t_mul=1.5),
        [span(0, 100_001)],
        tags={"restart", "dense"},
        why="restart points 20 (1.5**i - 1) / 0.5 are not all integers",
    ),
    schedule_case(
        _CDR,
        "t-mul-3-T0-7",
        dict(initial_learning_rate=0.1, first_decay_steps=7, t_mul=3.0, m_mul=0.9),
        [span(0, 30_001), around(*(7 * (3**i - 1) // 2 for i in range(1, 19))), FAR_STEPS],
        tags={"restart", "far"},
    ),
    schedule_case(
        _CDR,
        "m-mul-and-alpha",
        dict(initial_learning_rate=0.1, first_decay_steps=10, m_mul=0.5, alpha=0.1),
        [span(0, 700)],
        tags={"restart", "alpha"},
        why="the floor alpha * eta0 is not multiplied by m_mul**i; the peaks are",
    ),
    schedule_case(
        _CDR,
        "m-mul-growing",
        dict(initial_learning_rate=0.01, first_decay_steps=10, t_mul=1.0, m_mul=2.0),
        [span(0, 1500)],
        tags={"restart", "extreme", "overflow"},
        why="peaks double every period and overflow float32 to inf",
    ),
    schedule_case(
        _CDR,
        "t-mul-below-one",
        dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=0.5),
        [span(0, 40)],
        tags={"restart", "extreme"},
        why="periods 10, 5, 2.5, ... add up to 20: nan from step 20 on (log of <= 0)",
    ),
    schedule_case(
        _CDR,
        "misplaced-restarts-13-and-15",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000),
        [around(8_191_000, 32_767_000), span(8_190_000, 8_192_001, 7)],
        tags={"restart", "far"},
        why="logf(2**13) / logf(2) = 12.999999 in float32: TF's scalar path gives restart step "
        "8191000 the floor of period 12 (0.0) instead of the peak; the formula gives 1e-3",
    ),
    schedule_case(
        _CDR,
        "first-decay-steps-zero",
        dict(initial_learning_rate=0.1, first_decay_steps=0),
        [0, 1, 5],
        tags={"invalid"},
        why="Keras 3 raises ValueError at construction; Keras 2 gives nan",
    ),
    schedule_case(
        _CDR,
        "first-decay-steps-negative",
        dict(initial_learning_rate=0.1, first_decay_steps=-10),
        [0, 1, 5, 10],
        tags={"invalid"},
    ),
    schedule_case(
        _CDR,
        "python-int-learning-rate",
        dict(initial_learning_rate=1, first_decay_steps=10),
        [0, 1, 5, 10],
        tags={"invalid", "int"},
        why="TypeError: 1.0 cannot become an int32 (Keras 2: t_mul == 1.0; Keras 3: 1.0 - t_mul)",
    ),
    schedule_case(
        _CDR,
        "python-int-learning-rate-t-mul-1",
        dict(initial_learning_rate=1, first_decay_steps=10, t_mul=1.0),
        [0, 1, 5, 10, 11, 25],
        tags={"invalid", "int"},
        why="Keras 3 computes in float64 with pi cast to 3; Keras 2 raises TypeError",
    ),
]

KERAS_SCHEDULES: list[Case] = [
    *EXPONENTIAL_DECAY,
    *PIECEWISE_CONSTANT_DECAY,
    *POLYNOMIAL_DECAY,
    *INVERSE_TIME_DECAY,
    *COSINE_DECAY,
    *COSINE_DECAY_RESTARTS,
]

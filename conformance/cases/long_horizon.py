"""Long horizons: realistic training runs, every step from 0 to 10**6, one or two per API."""

from __future__ import annotations

from conformance.cases.model import (
    Case,
    around,
    schedule_case,
    span,
)

# --------------------------------------------------------------------------------------------
# Long horizons: realistic training runs, every step from 0 to 10**6
# --------------------------------------------------------------------------------------------
# A port is used for a whole training run, so these check every step of one. The vector path
# verifies all 1 000 001 steps to the bit (millions of steps a second); the scalar path checks
# the sample (Case.sampled).

_MILLION = span(0, 1_000_001)
LONG_HORIZON: list[Case] = [
    schedule_case(
        "schedules.ExponentialDecay",
        "long/every-10k-steps",
        dict(initial_learning_rate=1e-3, decay_steps=10_000, decay_rate=0.96),
        [_MILLION],
        tags={"long", "dense"},
    ),
    schedule_case(
        "schedules.ExponentialDecay",
        "long/staircase-every-100k",
        dict(initial_learning_rate=0.1, decay_steps=100_000, decay_rate=0.5, staircase=True),
        [_MILLION, around(100_000, 500_000, 1_000_000)],
        tags={"long", "dense", "staircase"},
    ),
    schedule_case(
        "schedules.PiecewiseConstantDecay",
        "long/three-drops",
        dict(boundaries=[100_000, 300_000, 600_000], values=[1e-3, 5e-4, 1e-4, 1e-5]),
        [_MILLION, around(100_000, 300_000, 600_000)],
        tags={"long", "dense"},
    ),
    schedule_case(
        "schedules.PolynomialDecay",
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
    schedule_case(
        "schedules.InverseTimeDecay",
        "long/ordinary",
        dict(initial_learning_rate=1e-3, decay_steps=10_000, decay_rate=0.5),
        [_MILLION],
        tags={"long", "dense"},
    ),
    schedule_case(
        "schedules.CosineDecay",
        "long/one-million-steps",
        dict(initial_learning_rate=1e-3, decay_steps=1_000_000, alpha=0.01),
        [_MILLION],
        tags={"long", "dense"},
    ),
    schedule_case(
        "schedules.CosineDecay",
        "long/warmup-then-decay",
        dict(
            initial_learning_rate=0.0, decay_steps=900_000, warmup_target=1e-3, warmup_steps=100_000
        ),
        [_MILLION, around(100_000)],
        tags={"long", "dense", "warmup"},
        flavors=frozenset({"keras2", "keras3"}),
    ),
    schedule_case(
        "schedules.CosineDecayRestarts",
        "long/sgdr",
        dict(initial_learning_rate=1e-3, first_decay_steps=1000, t_mul=2.0, m_mul=0.9),
        [_MILLION, around(1000, 3000, 7000, 15000, 31000, 63000, 127000, 255000, 511000)],
        tags={"long", "dense", "restarts"},
    ),
    schedule_case(
        "schedules.Triangular2CyclicalLearningRate",
        "long/clr-2000",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000),
        [_MILLION, around(2000, 4000, 500_000)],
        tags={"long", "dense"},
    ),
    schedule_case(
        "schedules.ExponentialCyclicalLearningRate",
        "long/exp-range-float-steps",
        dict(initial_learning_rate=1e-4, maximal_learning_rate=1e-2, step_size=2000, gamma=0.99999),
        [_MILLION],
        tags={"long", "dense"},
        step_dtype="float32",
        why="exp_range needs float steps (legacy optimizers): int64 steps raise TypeError",
    ),
    schedule_case(
        "compat_v1.exponential_decay",
        "long/staircase",
        dict(learning_rate=0.1, decay_steps=100_000, decay_rate=0.96, staircase=True),
        [_MILLION, around(100_000, 900_000)],
        tags={"long", "dense", "staircase"},
    ),
    schedule_case(
        "compat_v1.cosine_decay_restarts",
        "long/sgdr",
        dict(learning_rate=0.1, first_decay_steps=5000, t_mul=1.5, m_mul=0.8, alpha=0.01),
        [_MILLION],
        tags={"long", "dense", "restarts"},
    ),
    schedule_case(
        "compat_v1.linear_cosine_decay",
        "long/five-periods",
        dict(learning_rate=0.1, decay_steps=1_000_000, num_periods=5.0),
        [_MILLION],
        tags={"long", "dense"},
    ),
]

"""Which optax schedule reproduces which TensorFlow schedule: one function per TF schedule,
choosing the optax built-in that computes the same function, or a function of the count written
with ``jax.numpy`` where optax has none (an optax schedule is any such function).

Every recipe is source over the Keras argument names (``initial_learning_rate``,
``decay_steps``, ...; for ``tf.compat.v1.train.x`` read ``learning_rate`` for
``initial_learning_rate``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import optax

#: Cycles an unrolled recipe may hold.
MAX_CYCLES = 2000


@dataclass(frozen=True)
class Recipe:
    """``schedule`` is Python source over the TF arguments' names (and ``optax``, ``jnp``,
    ``math``, ``horizon``: the largest step asked for) giving a function of the count."""

    label: str
    schedule: str
    when: str = ""

    def source(self) -> str:
        return f"schedule = {self.schedule}"


def exponential_decay(a: dict) -> Recipe:
    return Recipe(
        "exponential_decay",
        "optax.exponential_decay(initial_learning_rate, transition_steps=decay_steps, "
        "decay_rate=decay_rate, staircase=staircase)",
        "always",
    )


def natural_exp_decay(a: dict) -> Recipe:
    return Recipe(
        "exponential_decay",
        "optax.exponential_decay(initial_learning_rate, transition_steps=decay_steps, "
        "decay_rate=math.exp(-decay_rate), staircase=staircase)",
        "always",
    )


def inverse_time_decay(a: dict) -> Recipe:
    p = "jnp.floor(count / decay_steps)" if a.get("staircase") else "count / decay_steps"
    return Recipe(
        "custom",
        f"lambda count: initial_learning_rate / (1 + decay_rate * {p})",
        "always (no built-in)",
    )


def polynomial_decay(a: dict) -> Recipe:
    if not a.get("cycle"):
        return Recipe(
            "polynomial_schedule",
            "optax.polynomial_schedule(init_value=initial_learning_rate, "
            "end_value=end_learning_rate, power=power, transition_steps=decay_steps)",
            "cycle=False",
        )
    return Recipe(
        "custom",
        "lambda count: (initial_learning_rate - end_learning_rate) * (1 - count / (decay_steps "
        "* jnp.maximum(1, jnp.ceil(count / decay_steps)))) ** power + end_learning_rate",
        "cycle=True (no built-in)",
    )


def piecewise_constant_decay(a: dict) -> Recipe:
    values = a["values"]
    if all(isinstance(v, float) and math.isfinite(v) and v != 0 for v in values):
        return Recipe(
            "piecewise_constant_schedule",
            "optax.piecewise_constant_schedule(values[0], {b + 1: values[i + 1] / values[i] "
            "for i, b in enumerate(boundaries)})",
            "finite non-zero float values (optax takes ratios)",
        )
    return Recipe(
        "join_schedules",
        "optax.join_schedules([optax.constant_schedule(v) for v in values], "
        "[b + 1 for b in boundaries])",
        "otherwise",
    )


def cosine_decay(a: dict) -> Recipe:
    if a.get("warmup_target") is None:
        return Recipe(
            "cosine_decay_schedule",
            "optax.cosine_decay_schedule(initial_learning_rate, decay_steps, alpha)",
            "no warmup",
        )
    return Recipe(
        "warmup_cosine_decay_schedule",
        "optax.warmup_cosine_decay_schedule(init_value=initial_learning_rate, "
        "peak_value=warmup_target, warmup_steps=warmup_steps, "
        "decay_steps=warmup_steps + decay_steps, end_value=alpha * warmup_target)",
        "warmup",
    )


def cosine_decay_restarts(a: dict) -> Recipe:
    return Recipe(
        "sgdr_schedule",
        "sgdr_restarts(initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha, horizon)",
        "always: one cosine_decay_schedule per cycle, enough cycles for the training",
    )


def sgdr_restarts(initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha, horizon: int):
    """``optax.sgdr_schedule`` with the cycles of TF's CosineDecayRestarts up to ``horizon``:
    cycle ``i`` lasts ``first_decay_steps * t_mul**i`` and starts at
    ``initial_learning_rate * ((1 - alpha) * m_mul**i + alpha)``, falling to
    ``initial_learning_rate * alpha``."""
    cycles, start, length = [], 0.0, float(first_decay_steps)
    while len(cycles) < MAX_CYCLES:
        peak = initial_learning_rate * ((1 - alpha) * m_mul ** len(cycles) + alpha)
        cycles.append(
            dict(
                init_value=peak,
                peak_value=peak,
                warmup_steps=0,
                decay_steps=length,
                end_value=initial_learning_rate * alpha,
            )
        )
        start += length
        length *= t_mul
        if start > horizon:
            break
    schedule = optax.sgdr_schedule(cycles)
    schedule.covers = math.inf if start > horizon else start - 1
    return schedule


def _cyclic(scale: str, when: str) -> Recipe:
    return Recipe(
        "custom",
        "lambda count: initial_learning_rate + (maximal_learning_rate - initial_learning_rate) "
        "* jnp.maximum(0, 1 - jnp.abs(count / step_size - 2 * jnp.floor(1 + count / (2 * "
        f"step_size)) + 1)) * {scale}",
        when,
    )


def _scale_argument(a: dict, default: str) -> str:
    return (
        "jnp.floor(1 + count / (2 * step_size))"
        if a.get("scale_mode", default) == "cycle"
        else "count"
    )


def _mode(a: dict, default: str) -> str:
    return (
        'scale_mode="cycle" (no built-in)'
        if a.get("scale_mode", default) == "cycle"
        else 'scale_mode other than "cycle" (no built-in)'
    )


def cyclical_learning_rate(a: dict) -> Recipe:
    return _cyclic(f"scale_fn({_scale_argument(a, 'cycle')})", _mode(a, "cycle"))


def triangular_cyclical_learning_rate(a: dict) -> Recipe:
    return _cyclic("1", "always (no built-in)")


def triangular2_cyclical_learning_rate(a: dict) -> Recipe:
    return _cyclic(f"1 / 2.0 ** ({_scale_argument(a, 'cycle')} - 1)", _mode(a, "cycle"))


def exponential_cyclical_learning_rate(a: dict) -> Recipe:
    return _cyclic(f"gamma ** {_scale_argument(a, 'iterations')}", _mode(a, "iterations"))


def linear_cosine_decay(a: dict) -> Recipe:
    return Recipe(
        "custom",
        "lambda count: initial_learning_rate * ((alpha + (decay_steps - jnp.minimum(count, "
        "decay_steps)) / decay_steps) * 0.5 * (1 + jnp.cos(jnp.pi * 2 * num_periods * "
        "jnp.minimum(count, decay_steps) / decay_steps)) + beta)",
        "always (no built-in)",
    )


#: Functions the recipes' source may call.
HELPERS = {"sgdr_restarts": sgdr_restarts}

"""Which PyTorch scheduler reproduces which TensorFlow schedule: one function per TF schedule,
choosing the closest built-in scheduler for the arguments, or ``LambdaLR`` where none fits.

Every recipe is source over the Keras argument names (``initial_learning_rate``,
``decay_steps``, ...; for ``tf.compat.v1.train.x`` read ``learning_rate`` for
``initial_learning_rate``). ``LambdaLR`` recipes build the optimizer with ``lr=1.0`` and return
the rate itself from the lambda: ``1.0 * x`` is ``x`` exactly, whereas ``lr0 * (x / lr0)`` is not,
and ``lr0 = 0`` (a warmup ramp from 0) would divide by zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    """``lr`` and ``scheduler`` are Python source over the TF arguments' names (and
    ``optimizer``, the scheduler classes, ``math``, ``bisect``); ``label`` names the recipe
    in the migration table; ``when`` says for which arguments this recipe is the one chosen."""

    label: str
    lr: str
    scheduler: str
    when: str = ""

    def source(self) -> str:
        return f"optimizer = torch.optim.SGD(params, lr={self.lr})\nscheduler = {self.scheduler}"


def _positive_int(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 and x == int(x)


def _lambda(label_when: str, rate: str) -> Recipe:
    return Recipe("LambdaLR", "1.0", f"LambdaLR(optimizer, lambda e: {rate})", label_when)


def exponential_decay(a: dict) -> Recipe:
    if a.get("staircase") and _positive_int(a["decay_steps"]):
        return Recipe(
            "StepLR",
            "initial_learning_rate",
            "StepLR(optimizer, step_size=decay_steps, gamma=decay_rate)",
            "staircase=True, integer decay_steps",
        )
    if not a.get("staircase") and a["decay_steps"] == 1:
        return Recipe(
            "ExponentialLR",
            "initial_learning_rate",
            "ExponentialLR(optimizer, gamma=decay_rate)",
            "decay_steps=1",
        )
    if a.get("staircase"):
        return _lambda(
            "staircase=True, non-integer decay_steps",
            "initial_learning_rate * decay_rate ** math.floor(e / decay_steps)",
        )
    return _lambda("otherwise", "initial_learning_rate * decay_rate ** (e / decay_steps)")


def natural_exp_decay(a: dict) -> Recipe:
    if a.get("staircase") and _positive_int(a["decay_steps"]):
        return Recipe(
            "StepLR",
            "initial_learning_rate",
            "StepLR(optimizer, step_size=decay_steps, gamma=math.exp(-decay_rate))",
            "staircase=True, integer decay_steps",
        )
    if not a.get("staircase") and a["decay_steps"] == 1:
        return Recipe(
            "ExponentialLR",
            "initial_learning_rate",
            "ExponentialLR(optimizer, gamma=math.exp(-decay_rate))",
            "decay_steps=1",
        )
    p = "math.floor(e / decay_steps)" if a.get("staircase") else "e / decay_steps"
    return _lambda("otherwise", f"initial_learning_rate * math.exp(-decay_rate * {p})")


def inverse_time_decay(a: dict) -> Recipe:
    p = "math.floor(e / decay_steps)" if a.get("staircase") else "e / decay_steps"
    return _lambda("always (no built-in)", f"initial_learning_rate / (1 + decay_rate * {p})")


def polynomial_decay(a: dict) -> Recipe:
    end = a.get("end_learning_rate", 0.0001)
    if not a.get("cycle") and end == 0 and _positive_int(a["decay_steps"]):
        return Recipe(
            "PolynomialLR",
            "initial_learning_rate",
            "PolynomialLR(optimizer, total_iters=decay_steps, power=power)",
            "end_learning_rate=0, cycle=False, integer decay_steps",
        )
    if a.get("cycle"):
        return _lambda(
            "cycle=True",
            "(initial_learning_rate - end_learning_rate) * (1 - e / (decay_steps * "
            "max(1, math.ceil(e / decay_steps)))) ** power + end_learning_rate",
        )
    return _lambda(
        "otherwise",
        "(initial_learning_rate - end_learning_rate) * (1 - min(e, decay_steps) / decay_steps) "
        "** power + end_learning_rate",
    )


def _equal_ratios(values) -> bool:
    if len(values) < 2 or not all(
        isinstance(v, float) and math.isfinite(v) and v != 0 for v in values
    ):
        return False
    ratios = [b / a for a, b in zip(values, values[1:])]
    return all(math.isclose(r, ratios[0], rel_tol=1e-12) for r in ratios)


def piecewise_constant_decay(a: dict) -> Recipe:
    boundaries, values = a["boundaries"], a["values"]
    if (
        _equal_ratios(values)
        and len(boundaries) == len(values) - 1
        and all(isinstance(b, int) for b in boundaries)
    ):
        return Recipe(
            "MultiStepLR",
            "values[0]",
            "MultiStepLR(optimizer, milestones=[b + 1 for b in boundaries], "
            "gamma=values[1] / values[0])",
            "every value the previous one times the same factor",
        )
    return _lambda("otherwise", "values[bisect.bisect_left(boundaries, e)]")


def _cosine_closed_form(decay_from: str, step: str) -> str:
    return (
        f"{decay_from} * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * "
        f"min({step}, decay_steps) / decay_steps)) + alpha)"
    )


def cosine_decay(a: dict) -> Recipe:
    alpha = a.get("alpha", 0.0)
    clamp = "ConstantLR(optimizer, factor=alpha, total_iters=2**62)"
    plain = _positive_int(a["decay_steps"]) and 0 <= alpha <= 1
    if a.get("warmup_target") is None or a.get("warmup_steps", 0) == 0:
        start = "initial_learning_rate" if a.get("warmup_target") is None else "warmup_target"
        if plain:
            return Recipe(
                "CosineAnnealingLR + ConstantLR",
                start,
                "SequentialLR(optimizer, [CosineAnnealingLR(optimizer, T_max=decay_steps, "
                f"eta_min=alpha * {start}), {clamp}], milestones=[decay_steps])",
                "integer decay_steps, 0 <= alpha <= 1 (no warmup)",
            )
        return _lambda("otherwise (no warmup)", _cosine_closed_form(start, "e"))
    warmup_target, initial = a["warmup_target"], a["initial_learning_rate"]
    if (
        plain
        and _positive_int(a["warmup_steps"])
        and warmup_target
        and 0 < initial / warmup_target <= 1
    ):
        return Recipe(
            "LinearLR + CosineAnnealingLR + ConstantLR",
            "warmup_target",
            "SequentialLR(optimizer, [LinearLR(optimizer, start_factor=initial_learning_rate / "
            "warmup_target, end_factor=1.0, total_iters=warmup_steps), CosineAnnealingLR("
            "optimizer, T_max=decay_steps, eta_min=alpha * warmup_target), "
            f"{clamp}], milestones=[warmup_steps, warmup_steps + decay_steps])",
            "warmup from 0 < initial_learning_rate <= warmup_target",
        )
    return _lambda(
        "otherwise (warmup)",
        "(warmup_target - initial_learning_rate) * (e / warmup_steps) + initial_learning_rate "
        f"if e < warmup_steps else {_cosine_closed_form('warmup_target', 'e - warmup_steps')}",
    )


def cosine_decay_restarts(a: dict) -> Recipe:
    t_mul, m_mul = a.get("t_mul", 2.0), a.get("m_mul", 1.0)
    if (
        m_mul == 1
        and _positive_int(t_mul)
        and _positive_int(a["first_decay_steps"])
        and 0 <= a.get("alpha", 0.0) <= 1
    ):
        return Recipe(
            "CosineAnnealingWarmRestarts",
            "initial_learning_rate",
            "CosineAnnealingWarmRestarts(optimizer, T_0=first_decay_steps, T_mult=int(t_mul), "
            "eta_min=alpha * initial_learning_rate)",
            "m_mul=1, integer t_mul >= 1, integer first_decay_steps",
        )
    return Recipe(
        "LambdaLR",
        "1.0",
        "LambdaLR(optimizer, lambda e: tf_cosine_restarts(e, initial_learning_rate, "
        "first_decay_steps, t_mul, m_mul, alpha))",
        "otherwise (no m_mul, or a non-integer t_mul: no built-in)",
    )


def tf_cosine_restarts(e, initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha):
    """TF's closed form of CosineDecayRestarts, for the LambdaLR recipe."""
    fraction = e / first_decay_steps
    if t_mul == 1.0:
        restart = math.floor(fraction)
        fraction -= restart
    else:
        restart = math.floor(math.log(1 - fraction * (1 - t_mul)) / math.log(t_mul))
        done = (1 - t_mul**restart) / (1 - t_mul)
        fraction = (fraction - done) / t_mul**restart
    cosine = 0.5 * m_mul**restart * (1 + math.cos(math.pi * fraction))
    return initial_learning_rate * ((1 - alpha) * cosine + alpha)


def _cyclic(mode_source: str, when: str) -> Recipe:
    return Recipe(
        "CyclicLR",
        "initial_learning_rate",
        "CyclicLR(optimizer, base_lr=initial_learning_rate, max_lr=maximal_learning_rate, "
        f"step_size_up=step_size, {mode_source}, cycle_momentum=False)",
        when,
    )


def cyclical_learning_rate(a: dict) -> Recipe:
    return _cyclic("scale_fn=scale_fn, scale_mode=scale_mode", "always")


def triangular_cyclical_learning_rate(a: dict) -> Recipe:
    return _cyclic('mode="triangular"', "always (scale_fn is 1: scale_mode does not matter)")


def triangular2_cyclical_learning_rate(a: dict) -> Recipe:
    if a.get("scale_mode", "cycle") == "cycle":
        return _cyclic('mode="triangular2"', 'scale_mode="cycle"')
    return _cyclic(
        "scale_fn=lambda x: 1 / 2.0 ** (x - 1), scale_mode=scale_mode",
        'scale_mode other than "cycle"',
    )


def exponential_cyclical_learning_rate(a: dict) -> Recipe:
    if a.get("scale_mode", "iterations") == "iterations":
        return _cyclic('mode="exp_range", gamma=gamma', 'scale_mode="iterations"')
    return _cyclic(
        "scale_fn=lambda x: gamma ** x, scale_mode=scale_mode", 'scale_mode other than "iterations"'
    )


def linear_cosine_decay(a: dict) -> Recipe:
    return _lambda(
        "always (no built-in)",
        "initial_learning_rate * ((alpha + (decay_steps - min(e, decay_steps)) / decay_steps) * "
        "0.5 * (1 + math.cos(math.pi * 2 * num_periods * min(e, decay_steps) / decay_steps)) "
        "+ beta)",
    )

"""The reference's schedules; PolynomialDecay's cycle is broken at step 0."""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.schedules import *  # noqa: F403
from reference.schedules import PolynomialDecay as _Reference


class PolynomialDecay(_Reference):
    """Wrong on purpose: the cycle multiplier is ``ceil(step / decay_steps)`` at every step,
    step 0 included (TensorFlow uses 1 there)."""

    def _value(self, step: np.ndarray) -> np.ndarray:
        if not self.cycle:
            return super()._value(step)
        step, initial_learning_rate, decay_steps, end_learning_rate, power, one = self._cast(
            step,
            self.initial_learning_rate,
            self.decay_steps,
            self.end_learning_rate,
            self.power,
            1,
        )
        decay_steps = decay_steps * np.ceil(step / decay_steps)
        p = step / decay_steps
        decayed = (initial_learning_rate - end_learning_rate) * _arith.pow(one - p, power)
        return decayed + end_learning_rate

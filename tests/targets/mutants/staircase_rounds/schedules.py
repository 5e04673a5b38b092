"""The reference's schedules; ExponentialDecay's staircase is broken."""

from __future__ import annotations

import numpy as np

from reference.schedules import *  # noqa: F403
from reference.schedules import ExponentialDecay as _Reference


class ExponentialDecay(_Reference):
    """Wrong on purpose: with ``staircase=True`` the exponent is ``round(step / decay_steps)``
    (half up) instead of ``floor``. Written as the floor of a step half a period later,
    ``floor((step + decay_steps / 2) / decay_steps)``, so that the rest is the reference's."""

    def _value(self, step: np.ndarray) -> np.ndarray:
        if self.staircase:
            step = step + np.float64(self.decay_steps) / 2
        return super()._value(step)

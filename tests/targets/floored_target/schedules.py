"""``floored_target.schedules``: the reference's ExponentialDecay with the division floored."""

from __future__ import annotations

from reference.schedules import ExponentialDecay as _ReferenceExponentialDecay


class ExponentialDecay(_ReferenceExponentialDecay):
    """Wrong on purpose: ``floor(step / decay_steps)`` whatever ``staircase`` says."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.staircase = True

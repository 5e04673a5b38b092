"""The reference's legacy optimizers; Adam reads its learning rate one step late."""

from __future__ import annotations

import numpy as np

from reference.optimizers.legacy import Adam as _Reference
from reference.optimizers.legacy import RMSprop

__all__ = ["Adam", "RMSprop"]


class Adam(_Reference):
    """Wrong on purpose: the update with counter ``k`` uses the learning rate of ``k + 1``."""

    def learning_rate_at(self, step) -> np.ndarray:
        return super().learning_rate_at(step + 1)

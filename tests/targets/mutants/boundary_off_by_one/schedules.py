"""The reference's schedules; PiecewiseConstantDecay is broken."""

from __future__ import annotations

import numpy as np

from reference.schedules import *  # noqa: F403
from reference.schedules import PiecewiseConstantDecay as _Reference


class PiecewiseConstantDecay(_Reference):
    """Wrong on purpose: every boundary one step earlier, so ``step == boundary`` already takes
    the next value (TensorFlow: ``values[i]`` while ``step <= boundaries[i]``)."""

    def _cast_boundary(self, boundary, step_dtype: np.dtype) -> np.ndarray:
        return super()._cast_boundary(boundary, step_dtype) - np.asarray(1, step_dtype)

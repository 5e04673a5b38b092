"""The reference's optimizers; RMSprop's mean square starts at 1."""

import numpy as np

from reference.optimizers import Adam, IndexedSlices
from reference.optimizers import RMSprop as _Reference

__all__ = ["Adam", "IndexedSlices", "RMSprop"]


class RMSprop(_Reference):
    """Wrong on purpose (for Keras): the ``velocity`` slot starts at 1."""

    def _initial_slot(self, name: str, param: np.ndarray) -> np.ndarray:
        if name == "velocity":
            return np.ones_like(param)
        return super()._initial_slot(name, param)

"""ExponentialDecay: the reference's float64 formula, rounded to float32 once."""

from __future__ import annotations

import numpy as np

from reference.schedules import ExponentialDecay as _Reference


class ExponentialDecay(_Reference):
    def __call__(self, step):
        if self.dtype != "float32":
            return super().__call__(step)
        exact = _Reference(**self.get_config(), dtype="float64", flavor=self.flavor)(step)
        with np.errstate(all="ignore"):
            rounded = np.asarray(exact, dtype=np.float64).astype(np.float32)
        return float(rounded) if rounded.ndim == 0 else rounded

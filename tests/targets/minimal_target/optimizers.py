from typing import NamedTuple

import numpy as np


class IndexedSlices(NamedTuple):
    """A sparse gradient: values[i] is the gradient of row indices[i] (indices may
    repeat)."""

    indices: np.ndarray
    values: np.ndarray

"""Subclasses and wrappers of the reference's objects that nudge what they return."""

from __future__ import annotations

import functools
import inspect

import numpy as np

#: Every value is multiplied by this.
FACTOR = 1 + 1e-3


def nudged(value, dtype: str):
    array = np.asarray(value)
    if array.dtype.kind != "f":
        return value
    result = (array.astype(np.float64) * FACTOR).astype(dtype)
    return float(result) if result.ndim == 0 else result


@functools.cache
def wrap(base):
    """The nudged twin of a reference schedule class, optimizer class or TF1 function."""
    if not inspect.isclass(base):

        @functools.wraps(base)
        def function(*args, dtype="float64", **kwargs):
            return nudged(base(*args, dtype=dtype, **kwargs), dtype)

        return function
    if hasattr(base, "step") and hasattr(base, "init"):

        class Optimizer(base):
            def step(self, grads, params, state, **kwargs):
                params, state = super().step(grads, params, state, **kwargs)
                return [nudged(p, self.dtype) for p in params], state

        Optimizer.__name__ = base.__name__
        return Optimizer
    if not hasattr(base, "get_config"):
        return base

    class Schedule(base):
        def __call__(self, step):
            return nudged(super().__call__(step), self.dtype)

    Schedule.__name__ = base.__name__
    return Schedule


def lookup(module, name: str):
    found = getattr(module, name)
    if name.startswith("_") or name == "IndexedSlices":
        return found
    return wrap(found)

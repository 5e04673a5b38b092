import inspect

import numpy as np

from minimal_target.optimizers import IndexedSlices


class InvalidArgumentError(Exception):
    """Compared with TensorFlow's by name."""


def inverse_time_decay(
    learning_rate,
    global_step,
    decay_steps,
    decay_rate,
    staircase=False,
    name=None,
    *,
    dtype,
):
    """lr / (1 + rate * step / decay_steps), in TensorFlow's float32 operations."""
    if isinstance(learning_rate, int) and not isinstance(learning_rate, bool):
        raise InvalidArgumentError(
            "a Python int learning rate makes TensorFlow compute in int32"
        )
    kind = np.dtype(dtype).type
    step = np.asarray(global_step)
    with np.errstate(
        all="ignore"
    ):  # decay_steps=0: TensorFlow returns nan and 0 silently
        p = step.astype(kind) / kind(decay_steps)
        if staircase:
            p = np.floor(p)
        value = kind(learning_rate) / (kind(1) + kind(decay_rate) * p)
    return float(value) if value.ndim == 0 else value


class GradientDescentOptimizer:
    """theta <- theta - g * lr; a sparse gradient is added row by row, repeats
    included."""

    counter = "global_step"

    def __init__(
        self, learning_rate, use_locking=False, name="GradientDescent", *, dtype
    ):
        self.learning_rate = learning_rate
        self.kind = np.dtype(dtype).type

    def init(self, params):
        return {"global_step": 0}

    def step(self, grads, params, state):
        rate = self.learning_rate
        if callable(rate):
            # A callable of the global step, or of no argument (TF1 calls it as it is).
            needed = inspect.signature(rate).parameters.values()
            if any(p.default is p.empty for p in needed):
                rate = rate(state["global_step"])
            else:
                rate = rate()
        rate = self.kind(rate)
        updated = []
        for gradient, param in zip(grads, params):
            param = np.asarray(param, self.kind).copy()
            if isinstance(gradient, IndexedSlices):
                rows = -(np.asarray(gradient.values, self.kind) * rate)
                np.add.at(param, np.asarray(gradient.indices), rows)
            else:
                param -= np.asarray(gradient, self.kind) * rate
            updated.append(param)
        return updated, {"global_step": state["global_step"] + 1}

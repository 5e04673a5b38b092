"""Keras's ExponentialDecay in PyTorch."""

import numpy as np
import torch

# Schedules this port does not use: the reference stands in for them, so that
# the Adam cases that run under those schedules check our Adam and nothing else.
from reference.schedules import (  # noqa: F401
    CosineDecay,
    CosineDecayRestarts,
    InverseTimeDecay,
    PiecewiseConstantDecay,
    PolynomialDecay,
)

DTYPES = {"float32": torch.float32, "float64": torch.float64}


class InvalidArgumentError(Exception):
    """What TensorFlow raises where it cannot compute (compared by class name)."""


class ExponentialDecay:
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``, the
    exponent floored with ``staircase=True``, in Keras's order of operations."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name=None,
        *,
        dtype="float64",
        flavor="keras3",
    ):
        if flavor == "keras3" and decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0: {decay_steps}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.dtype = DTYPES[dtype]
        self.flavor = flavor

    def __call__(self, step):
        if isinstance(self.initial_learning_rate, int):
            return self._in_int32(step)
        step = torch.as_tensor(np.asarray(step)).to(self.dtype)
        p = step / self._tensor(self.decay_steps)
        if self.staircase:
            p = torch.floor(p)
        initial = self._tensor(self.initial_learning_rate)
        value = initial * torch.pow(self._tensor(self.decay_rate), p)
        return value.item() if value.ndim == 0 else value.numpy()

    def _tensor(self, x) -> torch.Tensor:
        return torch.tensor(x, dtype=self.dtype)

    def _in_int32(self, step):
        # A Python int rate makes TensorFlow compute in int32: Keras 2 cannot raise
        # an int to a float power; Keras 3 truncates every argument to an integer.
        if self.flavor != "keras3":
            raise InvalidArgumentError(
                "an int32 learning rate cannot take a float exponent"
            )
        p = np.trunc(np.asarray(step, np.float64)) / np.trunc(float(self.decay_steps))
        if self.staircase:
            p = np.floor(p)
        return (
            float(self.initial_learning_rate) * np.trunc(float(self.decay_rate)) ** p
        )

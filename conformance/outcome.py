"""What one evaluation gave, for a target and for an oracle alike: a schedule's values per
step (:class:`Outcome`), an optimizer's parameters per update (:class:`Trajectory`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Outcome:
    """Values per step, or the exception raised.

    ``error`` is the exception class name when construction failed (``phase == "construct"``) or
    when the call failed for every step (``phase == "call"``). When only some steps raise,
    ``values`` holds nan there and ``step_errors`` holds a class name (or ``None``) per step.
    """

    values: np.ndarray | None = None
    error: str | None = None
    phase: str | None = None
    message: str = ""
    step_errors: np.ndarray | None = None

    @property
    def raised(self) -> bool:
        return self.error is not None


@dataclass
class Trajectory:
    """Every parameter (flattened, concatenated) after every update, as one ``(updates,
    width)`` array, and the step counter at the end (``iterations`` or ``global_step``); or
    the exception class and message where the optimizer raised."""

    params: np.ndarray | None
    counter: int | None = None
    error: str | None = None
    message: str = ""
    #: The oracle's call, for reproducers.
    call: str = ""
    #: The updates (0-based) ``params`` holds rows for; None: every update. Golden vectors store
    #: a sample (:func:`conformance.vectors.format.stored_updates`).
    rows: np.ndarray | None = None


def error_name(error: BaseException) -> str:
    """Exception classes are compared by name: the reference cannot raise TensorFlow's own."""
    return type(error).__name__


def per_step(call: Callable[[object], object], steps: Sequence) -> Outcome:
    """``call(step)`` for each step on its own, for an API that cannot take them all at once:
    the values; or, where some steps raise, nan there and the exception per step; or, where
    every step raises, the first exception."""
    values, errors, messages = [], [], []
    for step in steps:
        try:
            values.append(np.asarray(call(step)))
            errors.append(None)
        except Exception as error:  # noqa: BLE001 - the exception is the step's result
            values.append(np.float64(np.nan))
            errors.append(error_name(error))
            messages.append(str(error))
    if not messages:
        return Outcome(values=np.asarray(values))
    if len(messages) == len(steps):
        return Outcome(error=errors[0], phase="call", message=messages[0])
    return Outcome(
        values=np.asarray(values, dtype=np.float64),
        step_errors=np.asarray(errors, dtype=object),
        message=messages[0],
    )

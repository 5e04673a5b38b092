"""Running a PyTorch recipe the way a training loop does, and answering the suite's calls.

A recipe is source code (so that the migration table prints exactly what ran): the learning
rate the optimizer is built with, and the ``torch.optim.lr_scheduler`` expression built on it.
The driver builds ``torch.optim.SGD`` over one dummy parameter, calls ``optimizer.step()``
before the scheduler's first step (the documented order, which the scheduler checks), then
``scheduler.step()`` once per update and reads ``scheduler.get_last_lr()``: the rate of update
``e`` (0-based) is read after ``e`` scheduler steps. ``optimizer.step()`` without gradients
changes nothing else, so it is not repeated (it costs 8x a scheduler step).

Steps beyond :data:`SEQUENTIAL_REACH` are out of reach one update at a time; they are reached
with ``scheduler.step(epoch)``, PyTorch's deprecated closed-form jump, where the scheduler has
one. ``SequentialLR`` has none: those steps raise :class:`NotReached` (a NotImplementedError),
which the migration table reports as not reached rather than as a difference.

PyTorch's schedulers compute in Python floats (float64). ``dtype="float32"`` rounds the rate to
float32, as a float32 parameter update receives it; ``dtype="float64"`` keeps it.
"""

from __future__ import annotations

import bisect
import math
import warnings

import torch
from torch.optim import lr_scheduler

from conformance.targets.pytorch.recipes import Recipe, tf_cosine_restarts
from conformance.targets.tf_api import NotReached, RecipeSchedule

#: Updates the driver performs one by one; farther steps are jumps (see the module docstring).
SEQUENTIAL_REACH = 2**21


def _namespace(arguments: dict) -> dict:
    names = {name: getattr(lr_scheduler, name) for name in lr_scheduler.__all__}
    return {
        **names,
        "math": math,
        "bisect": bisect,
        "torch": torch,
        "tf_cosine_restarts": tf_cosine_restarts,
        **arguments,
    }


def build(recipe: Recipe, arguments: dict):
    """The optimizer and scheduler of ``recipe``, as a training script builds them."""
    namespace = _namespace(arguments)
    parameter = torch.zeros(1, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer = torch.optim.SGD([parameter], lr=eval(recipe.lr, namespace))  # noqa: S307
        namespace["optimizer"] = optimizer
        scheduler = eval(recipe.scheduler, namespace)  # noqa: S307 - source from the recipe
    return optimizer, scheduler


def _run(recipe: Recipe, arguments: dict, wanted: list[int]) -> dict[int, object]:
    """The learning rate (a Python float) or the exception at each step of ``wanted``
    (sorted), in one training-like run."""
    found: dict[int, object] = {}
    optimizer, scheduler = build(recipe, arguments)
    failure: BaseException | None = None
    epoch = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimizer.step()
        for step in wanted:
            if failure is not None:
                found[step] = failure
                continue
            try:
                if step > SEQUENTIAL_REACH and step > epoch:
                    if isinstance(
                        scheduler, (lr_scheduler.SequentialLR, lr_scheduler.ChainedScheduler)
                    ):
                        found[step] = NotReached(
                            f"step {step}: beyond {SEQUENTIAL_REACH} updates, and "
                            f"{type(scheduler).__name__} has no step(epoch) to jump there"
                        )
                        continue
                    scheduler.step(step)
                    epoch = step
                while epoch < step:
                    scheduler.step()
                    epoch += 1
                found[step] = float(scheduler.get_last_lr()[0])
            except Exception as error:  # noqa: BLE001 - a step that raises is a result
                # The scheduler's state is broken from here on: later steps raise the same.
                failure = error
                found[step] = error
    return found


class TorchSchedule(RecipeSchedule):
    """A TF schedule reproduced by a PyTorch recipe: ``schedule(steps)`` as the suite calls it."""

    # The rates are Python floats in either mode (float32 only rounds them).
    modes_share_runs = True

    def _build(self) -> None:
        build(self.recipe, self.arguments)

    def _evaluate(self, steps: list[int]) -> dict[int, object]:
        return _run(self.recipe, self.arguments, steps)

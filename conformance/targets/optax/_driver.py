"""Evaluating an optax recipe the way ``optax.scale_by_schedule`` does, and answering the suite.

A recipe is source code (the migration table prints exactly what ran) for an optax schedule: a
function of the update count, 0 for the first update. It is called with the requested counts as
one array.

``dtype="float32"``: JAX's default, 32-bit: the count is int32 (optax's own counter) and
Python-float arguments become float32, so every operation is float32, computed by XLA (whose
float32 ``exp``, ``log``, ``cos`` and ``pow`` are its own approximations, not the C library's).
``dtype="float64"``: inside ``jax.enable_x64(True)``, with int64 counts (an int32 count divided
by an int gives float32 even then: optax's own int32 counter does exactly that).

A recipe that must be unrolled over a finite horizon (``sgdr_schedule``: one schedule per
cycle) is built to cover the requested steps, up to :data:`MAX_CYCLES` cycles; a step beyond
raises :class:`NotReached` (a NotImplementedError), reported as not reached.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import optax

from conformance.targets.optax.recipes import HELPERS, MAX_CYCLES, Recipe
from conformance.targets.tf_api import NotReached, RecipeSchedule


def _x64(enabled: bool):
    """JAX's 64-bit mode on or off inside a ``with`` block (``jax.enable_x64`` from JAX 0.5,
    ``jax.experimental.enable_x64`` / ``disable_x64`` before)."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(enabled)
    from jax import experimental

    return experimental.enable_x64() if enabled else experimental.disable_x64()


def _namespace(arguments: dict, horizon: int) -> dict:
    return {"optax": optax, "jnp": jnp, "math": math, "horizon": horizon, **HELPERS, **arguments}


def build(recipe: Recipe, arguments: dict, horizon: int = 0):
    return eval(recipe.schedule, _namespace(arguments, horizon))  # noqa: S307 - recipe source


class OptaxSchedule(RecipeSchedule):
    """A TF schedule reproduced by an optax recipe: ``schedule(steps)`` as the suite calls it."""

    def _build(self) -> None:
        with _x64(self.dtype == "float64"):
            build(self.recipe, self.arguments)

    def _evaluate(self, steps: list[int]) -> dict[int, object]:
        counts = np.asarray(steps, dtype=np.int64)
        wide = self.dtype == "float64"
        with _x64(wide):
            schedule = build(self.recipe, self.arguments, int(counts.max(initial=0)))
            covered = getattr(schedule, "covers", None)
            reached = counts if covered is None else counts[counts <= covered]
            values = schedule(jnp.asarray(reached, jnp.int64 if wide else jnp.int32))
            values = np.broadcast_to(np.asarray(values), reached.shape)
        found: dict[int, object] = dict(zip(reached.tolist(), values.tolist()))
        for count in counts[~np.isin(counts, reached)].tolist():
            found[count] = NotReached(
                f"step {count}: beyond the {MAX_CYCLES} cycles the recipe holds (up to step "
                f"{covered})"
            )
        return found

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
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import optax


def _x64(enabled: bool):
    """JAX's 64-bit mode on or off inside a ``with`` block (``jax.enable_x64`` from JAX 0.5,
    ``jax.experimental.enable_x64`` / ``disable_x64`` before)."""
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(enabled)
    from jax import experimental

    return experimental.enable_x64() if enabled else experimental.disable_x64()


#: Cycles an unrolled recipe may hold.
MAX_CYCLES = 2000


class NotReached(NotImplementedError):
    """The recipe does not cover this step (see the module docstring)."""


@dataclass(frozen=True)
class Recipe:
    """``schedule`` is Python source over the TF arguments' names (and ``optax``, ``jnp``,
    ``math``, ``horizon``: the largest step asked for) giving a function of the count."""

    label: str
    schedule: str
    when: str = ""

    def source(self) -> str:
        return f"schedule = {self.schedule}"


def _namespace(arguments: dict, horizon: int) -> dict:
    from conformance.targets.optax.recipes import HELPERS

    return {"optax": optax, "jnp": jnp, "math": math, "horizon": horizon, **HELPERS,
            **arguments}


def build(recipe: Recipe, arguments: dict, horizon: int = 0):
    return eval(recipe.schedule, _namespace(arguments, horizon))  # noqa: S307 - recipe source


#: Results of earlier calls: (recipe, arguments, dtype) -> {step: value or exception}.
_RUNS: dict[tuple, dict[int, object]] = {}


def _arguments_key(arguments: dict) -> tuple:
    """The arguments as part of a cache key. A callable (tfa's scale_fn) stands for itself, not
    for its repr: every lambda that reuses a dead one's address has the same repr
    ("<function <lambda> at 0x...>") and would be served the dead one's rates. Held by the key,
    it cannot die."""
    return tuple(sorted((name, value if callable(value) else repr(value))
                        for name, value in arguments.items()))


#: The recipe of the schedule built last (the migration table reads it: a TF v1 function
#: builds its schedule inside the call).
last_recipe: Recipe | None = None


class OptaxSchedule:
    """A TF schedule reproduced by an optax recipe: ``schedule(steps)`` as the suite calls it."""

    def __init__(self, recipe: Recipe, arguments: dict, dtype: str) -> None:
        if dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64'. Received: dtype={dtype!r}")
        global last_recipe
        last_recipe = recipe
        self.recipe = recipe
        self.arguments = arguments
        self.dtype = dtype
        with _x64(dtype == "float64"):
            build(recipe, arguments)  # construction errors surface here, as TF's do

    def __call__(self, step):
        steps = np.asarray(step)
        found = _RUNS.setdefault((self.recipe, _arguments_key(self.arguments), self.dtype), {})
        wanted = sorted(s for s in {int(s) for s in steps.reshape(-1)} if s not in found)
        if wanted:
            found.update(self._run(np.asarray(wanted, dtype=np.int64)))
        flat = [found[int(s)] for s in steps.reshape(-1)]
        for value in flat:
            if isinstance(value, BaseException):
                raise value
        return np.asarray(flat, dtype=self.dtype).reshape(steps.shape)

    def _run(self, counts: np.ndarray) -> dict[int, object]:
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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.recipe.label}, {self.arguments})"

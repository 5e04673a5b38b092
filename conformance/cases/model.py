"""The case model: what a case is, for a schedule and for an optimizer, and the step and
gradient generators the catalogue's data is written with (:mod:`conformance.cases` holds the
data).

A case is one API with one set of arguments. A schedule case (:class:`Case`) is evaluated at a
list of steps; an optimizer case (:class:`OptimizerCase`) is a whole trajectory: initial
parameters, a seeded gradient for every update, a learning rate. Both have an ``id`` unique in
the catalogue (``Family/label`` for a schedule, ``module.Family/label`` for an optimizer),
the ``api`` (a name of :mod:`conformance.registry`), the keyword arguments under TensorFlow's
names, ``tags`` saying what the case exercises (``staircase``, ``cycle``, ``invalid``, ...), the
flavours and entry points it applies to (:class:`Applicability`), and ``why`` it is there.
Expected values are never written in a case: they come from TensorFlow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

#: The tag of the bad-input catalogue (:mod:`conformance.cases.bad_inputs`): a report counts
#: their failures apart (``--require-bad-inputs`` counts them as failures).
BAD_INPUT = "bad-input"

#: Steps where float32 stops representing every integer, and the largest int32.
FAR_STEPS = (2**24 - 1, 2**24, 2**24 + 1, 2**31 - 1)


def around(*points: int) -> list[int]:
    """Each point with its neighbours: ``p - 1, p, p + 1`` (steps below 0 dropped)."""
    return [q for p in points for q in (p - 1, p, p + 1) if q >= 0]


@dataclass(frozen=True)
class Span:
    """A dense run of steps (from :func:`span`): ``range(start, stop, step)``. Every other step
    a case lists is a key step: a boundary, a restart, a far step. The scalar path, which is
    slow, checks every key step and an evenly spaced sample of the spans (:meth:`Case.sampled`).
    Held as its bounds, not as a list: a million-step span costs nothing until
    :func:`steps_of` makes it an array."""

    start: int
    stop: int
    step: int = 1

    def __iter__(self):
        return iter(range(self.start, self.stop, self.step))

    def __len__(self) -> int:
        return len(range(self.start, self.stop, self.step))

    def array(self) -> np.ndarray:
        return np.arange(self.start, self.stop, self.step, dtype=np.int64)


def span(start: int, stop: int, step: int = 1) -> Span:
    return Span(start, stop, step)


#: At most this many steps of a case's spans go through the scalar path (all of them for
#: smaller cases). The vector path checks every step.
SCALAR_SAMPLE = 2048


def steps_of(*parts: Iterable | int, spans: bool = True) -> np.ndarray:
    """The sorted, distinct int64 steps of all parts (ints, or nested lists and ranges of them);
    with ``spans=False``, only the key steps (those not in a :class:`Span`)."""
    values: list[int] = []
    # A span is made an array whole, since a million-step span visited one int at a time costs
    # a minute at import.
    arrays: list[np.ndarray] = []

    def collect(part) -> None:
        if isinstance(part, (int, np.integer)):
            values.append(int(part))
        elif isinstance(part, Span):
            if spans:
                arrays.append(part.array())
        else:
            for item in part:
                collect(item)

    collect(parts)
    # Sorted, then de-duplicated: numpy 2's np.unique hashes, 100x slower on these arrays.
    steps = np.sort(np.concatenate([np.asarray(values, dtype=np.int64), *arrays]))
    first = np.ones(len(steps), dtype=bool)
    first[1:] = steps[1:] != steps[:-1]
    return steps[first]


@dataclass(frozen=True)
class StepInput:
    """A step as a user passes it by hand instead of as an optimizer does: ``value`` as it is
    (a Python int, float, str, bool, None or list), or with ``dtype`` a numpy scalar (``shape``
    ``()``) or array of that dtype. TensorFlow gets the same object, so that what it does with
    a string, a Python int beyond int64 or a numpy array is what the target must do."""

    value: Any = field(hash=False)
    dtype: str | None = None

    def build(self):
        """The object the step argument receives."""
        if self.dtype is None:
            return self.value
        return np.asarray(self.value, dtype=self.dtype)[()]

    def __str__(self) -> str:
        if self.dtype is None:
            return repr(self.value)
        if np.ndim(self.value) == 0:
            return f"np.{self.dtype}({self.value!r})"
        return f"np.array({self.value!r}, np.{self.dtype})"


@dataclass(frozen=True)
class Expr:
    """A Python callable written as source (a tfa ``scale_fn``), so that a case stays data: it
    can be printed in a reproducer and stored in a vector file. Evaluated with ``eval``."""

    source: str

    def build(self):
        return eval(self.source)  # noqa: S307 - source comes from this catalogue


class Applicability:
    """What every case shares beside ``id``, ``api``, ``params``, ``tags`` and ``why``: the
    reference flavours (``flavors``) and TensorFlow entry points (``entries``) it applies to."""

    api: str
    params: Mapping[str, Any]
    flavors: frozenset[str] | None
    entries: frozenset[str] | None

    #: Where the reference deliberately answers otherwise than TensorFlow (the bad-input
    #: catalogue, docs/bad_inputs.md): condition -> why. A condition is an entry-point key,
    #: a flavour, a dtype or a path (``scalar``, ``vector``, ``trajectory``), or ``all``.
    differences: Mapping[str, str] | None

    def difference(self, entry, dtype: str, path: str) -> str | None:
        """Why the reference deliberately differs from TensorFlow on this check, or None."""
        for condition, reason in (self.differences or {}).items():
            if condition in ("all", entry.key, entry.flavor or "tfa", dtype, path):
                return reason
        return None

    def built_params(self) -> dict[str, Any]:
        """The keyword arguments with every :class:`Expr` turned into its callable."""
        return {k: (v.build() if isinstance(v, Expr) else v) for k, v in self.params.items()}

    @property
    def family(self) -> str:
        """The API's name without its module: ``ExponentialDecay``, ``Adam``."""
        return self.api.rpartition(".")[2]

    def applies_to(self, entry) -> bool:
        """Whether the case is checked on an entry point (anything with ``key`` and ``flavor``;
        a flavourless entry point, tensorflow-addons', is the flavour ``"tfa"``)."""
        if self.flavors is not None and (entry.flavor or "tfa") not in self.flavors:
            return False
        return self.entries is None or entry.key in self.entries


@dataclass(frozen=True)
class Case(Applicability):
    """A schedule case: one API, one set of keyword arguments (TensorFlow's names), a list of
    steps."""

    id: str
    api: str
    params: Mapping[str, Any] = field(hash=False)
    steps: np.ndarray = field(hash=False, compare=False, repr=False)
    tags: frozenset[str] = frozenset()
    #: float32-mode budget against TensorFlow, in ULPs.
    max_ulp: int = 1
    #: Reference flavours where this form of the API exists (``None``: wherever the API
    #: exists; tensorflow-addons' single flavour is ``"tfa"``). For example CosineDecay's warmup
    #: arguments exist in Keras 2.13+ and Keras 3, not in compat.v1.
    flavors: frozenset[str] | None = None
    #: Entry points (keys) where it is checked (``None``: all of them): ``compat_v1.eager``
    #: for a mistake that TF1's eager and graph modes report with different exceptions (the
    #: reference mirrors eager's).
    entries: frozenset[str] | None = None
    #: Why the case is in the catalogue.
    why: str = ""
    #: The dtype the steps are fed in: ``"int64"`` is what Keras optimizers since TF 2.11 and
    #: TF1's global_step pass; ``"float32"`` is what legacy Keras optimizers pass.
    step_dtype: str = "int64"
    #: The steps outside dense spans (boundaries, restarts, far steps): always checked.
    key_steps: np.ndarray = field(hash=False, compare=False, repr=False, default=None)
    #: The step exactly as a caller passes it (a Python value, a numpy scalar or array), where
    #: it is not the tensor of ``step_dtype`` an optimizer passes; ``steps`` then says which
    #: steps its values are (one value per step). Only the scalar path checks such a case.
    step_input: StepInput | None = field(default=None, hash=False)
    differences: Mapping[str, str] | None = field(default=None, hash=False, compare=False)

    def sampled(self, size: int = SCALAR_SAMPLE) -> Case:
        """The same case on fewer steps: every key step, every step 0-63, and ``size`` evenly
        spaced steps of the rest. Deterministic, so a report can be reproduced."""
        if len(self.steps) <= size + len(self.key_steps if self.key_steps is not None else ()):
            return self
        keep = np.zeros(len(self.steps), dtype=bool)
        keep[np.linspace(0, len(self.steps) - 1, size).round().astype(int)] = True
        keep |= self.steps < 64
        if self.key_steps is not None:
            keep |= np.isin(self.steps, self.key_steps)
        return replace(self, steps=self.steps[keep])


# --------------------------------------------------------------------------------------------
# Optimizers: trajectories (optimizers.*, optimizers.legacy.*, compat_v1.*Optimizer)
# --------------------------------------------------------------------------------------------
#
# An optimizer case is a whole training trajectory: initial parameters, a gradient for every
# step, a learning rate. Everything is generated from a seed, so a case stays data. The
# parameters are two variables of 3 and 5 elements (fewer than one AVX packet of 8 floats, so
# TensorFlow's element-wise kernels take Eigen's scalar code, which the reference reproduces by
# default); the ``vector`` cases use one 19-element variable, where whole packets take Eigen's
# SIMD code and the reference is given TensorFlow's kernels (see reference._arith).

#: What each gradient column does over the trajectory (8 columns: variable (3,) then (5,)).
GRADIENT_REGIMES = (
    "normal",  # N(0, 1)
    "tiny",  # 1e-8 * N(0, 1): epsilon dominates
    "huge",  # 1e4 * N(0, 1)
    "sparse-zeros",  # N(0, 1) on half the steps, exactly 0 on the others
    "sign-flips",  # +-U(0.5, 1.5), the sign alternating every step
    "zero",  # always 0: slots decay, the parameter must not move (Adam) or must (momentum)
    "switching",  # blocks of 100 steps cycling normal, tiny, huge, zero
    "small-constant",  # 1e-4 every step: Adam's epsilon-hat vs standard form differ by 3%
)


@dataclass(frozen=True)
class Gradients:
    """A seeded gradient sequence: ``steps`` rows, one column per regime of ``regimes``
    (cycled to ``width`` columns), split into variables of ``shapes``."""

    seed: int = 0
    steps: int = 1000
    shapes: tuple[int, ...] = (3, 5)
    regimes: tuple[str, ...] = GRADIENT_REGIMES

    @property
    def width(self) -> int:
        return sum(self.shapes)

    def columns(self) -> np.ndarray:
        """The gradients as one ``(steps, width)`` float64 array."""
        rng = np.random.default_rng(self.seed)
        t = np.arange(self.steps)
        columns = []
        for j in range(self.width):
            regime = self.regimes[j % len(self.regimes)]
            normal = rng.standard_normal(self.steps)
            if regime == "normal":
                column = normal
            elif regime == "tiny":
                column = 1e-8 * normal
            elif regime == "huge":
                column = 1e4 * normal
            elif regime == "sparse-zeros":
                column = np.where(rng.random(self.steps) < 0.5, 0.0, normal)
            elif regime == "sign-flips":
                column = rng.uniform(0.5, 1.5, self.steps) * np.where(t % 2 == 0, 1.0, -1.0)
            elif regime == "zero":
                column = np.zeros(self.steps)
            elif regime == "switching":
                scale = np.array([1.0, 1e-8, 1e4, 0.0])[(t // 100) % 4]
                column = scale * normal
            elif regime == "small-constant":
                column = np.full(self.steps, 1e-4)
            else:
                raise ValueError(f"unknown gradient regime {regime!r}")
            columns.append(column)
        return np.stack(columns, axis=1)

    def split(self, array: np.ndarray) -> list[np.ndarray]:
        """Columns of ``array`` (last axis) cut into the variables."""
        return np.split(array, np.cumsum(self.shapes)[:-1], axis=-1)

    def initial_params(self) -> list[np.ndarray]:
        """Seeded initial values in [-1, 1], one array per variable (float32-exact, so that
        TensorFlow's float32 variables and the reference start from the same numbers)."""
        rng = np.random.default_rng(self.seed + 1_000_003)
        values = rng.uniform(-1.0, 1.0, self.width).astype(np.float32).astype(np.float64)
        return self.split(values)


@dataclass(frozen=True)
class SparseGradients:
    """A seeded sparse gradient sequence for one embedding-like variable of ``rows`` x
    ``width``: each step touches ``per_step`` rows (``tf.IndexedSlices``), with a repeated index
    every 5th step, and the last row is never touched. Values are N(0, 1) scaled by blocks of
    100 steps cycling 1, 1e-8, 1e4, 1. Rows of 2 floats, 3 rows a step: fewer than 8 floats per
    TensorFlow op, so Eigen's scalar code computes them (see the dense cases)."""

    seed: int = 0
    steps: int = 1000
    rows: int = 6
    width: int = 2
    per_step: int = 3

    @property
    def shapes(self) -> tuple[int, ...]:
        return (self.rows * self.width,)

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """``indices`` of shape ``(steps, per_step)`` and ``values`` of shape
        ``(steps, per_step, width)``, float64."""
        rng = np.random.default_rng(self.seed)
        indices = rng.integers(0, self.rows - 1, (self.steps, self.per_step))
        indices[::5, 1] = indices[::5, 0]
        scale = np.array([1.0, 1e-8, 1e4, 1.0])[(np.arange(self.steps) // 100) % 4]
        values = rng.standard_normal((self.steps, self.per_step, self.width))
        return indices.astype(np.int64), values * scale[:, None, None]

    def initial_params(self) -> list[np.ndarray]:
        rng = np.random.default_rng(self.seed + 1_000_003)
        values = rng.uniform(-1.0, 1.0, (self.rows, self.width))
        return [values.astype(np.float32).astype(np.float64)]


@dataclass(frozen=True, eq=False)
class Literal:
    """An array written out in a case: nested tuples of numbers (nan and inf allowed) and the
    numpy dtype's name. Hashable, so that a case holding it stays a dictionary key; two are
    equal when they build the same array, bit for bit (``0.1`` and the float32 ``0.1`` read
    back from the vectors as ``0.10000000149011612`` are one float32; nan equals nan)."""

    values: Any
    dtype: str = "float32"

    def build(self) -> np.ndarray:
        return np.asarray(self.values, dtype=self.dtype)

    def _bits(self) -> tuple:
        array = self.build()
        return (array.dtype.str, array.shape, array.tobytes())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Literal) and self._bits() == other._bits()

    def __hash__(self) -> int:
        return hash(self._bits())

    def __str__(self) -> str:
        return f"np.array({np.asarray(self.values).tolist()!r}, np.{self.dtype})"


@dataclass(frozen=True)
class ExplicitGradients:
    """A few updates written out (the bad-input catalogue): the variables' initial values and,
    for every update, one gradient per variable, each a :class:`Literal` or ``None`` (no
    gradient for that variable). An update may hold fewer or more gradients than there are
    variables: TensorFlow is then given ``zip(gradients, variables)``, the target both lists."""

    initial: tuple[Literal, ...]
    updates: tuple[tuple[Literal | None, ...], ...]

    @property
    def steps(self) -> int:
        return len(self.updates)

    @property
    def shapes(self) -> tuple[int, ...]:
        """The number of values of each variable (the trajectory holds them flattened)."""
        return tuple(int(np.size(literal.values)) for literal in self.initial)

    def initial_params(self) -> list[np.ndarray]:
        """The variables' initial values, in their own dtypes."""
        return [literal.build() for literal in self.initial]

    def gradients_at(self, update: int) -> list[np.ndarray | None]:
        return [None if g is None else g.build() for g in self.updates[update]]

    def __str__(self) -> str:
        return (
            f"ExplicitGradients(initial={[str(p) for p in self.initial]}, "
            f"updates={[[str(g) for g in u] for u in self.updates]})"
        )


@dataclass(frozen=True)
class LearningRateSpec:
    """A learning rate that is not a plain float: a reference schedule (``api`` as in the
    schedule catalogue, e.g. ``schedules.ExponentialDecay``), or a TF1 decay function driven by
    the global step (``compat_v1.exponential_decay``; ``params`` without ``global_step``)."""

    api: str
    params: Mapping[str, Any] = field(hash=False)

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.api}({shown})"


@dataclass(frozen=True)
class OptimizerCase(Applicability):
    """One optimizer, one set of hyperparameters (TensorFlow's names, without
    ``learning_rate``; an :class:`Expr` for a callable), one learning rate (a float, a
    :class:`LearningRateSpec`, or an :class:`Expr` of a callable of no argument), one gradient
    sequence."""

    id: str
    api: str
    params: Mapping[str, Any] = field(hash=False)
    learning_rate: Any = 0.001
    gradients: Gradients | SparseGradients | ExplicitGradients = Gradients()
    tags: frozenset[str] = frozenset()
    #: Reference flavours the case applies to (``None``: every entry point of the API).
    flavors: frozenset[str] | None = None
    #: Oracle entry points where this form of the API exists (``None``: all of them).
    entries: frozenset[str] | None = None
    #: Whether the float64 mode is checked: not where float32 TensorFlow is dominated by
    #: cancellation (see ``why``), which the float32 mode checks to the bit instead.
    float64: bool = True
    why: str = ""
    differences: Mapping[str, str] | None = field(default=None, hash=False, compare=False)

    def built_learning_rate(self) -> float | LearningRateSpec | Any:
        """The learning rate with an :class:`Expr` turned into its callable."""
        rate = self.learning_rate
        return rate.build() if isinstance(rate, Expr) else rate


def schedule_case(api: str, label: str, params: dict, steps, tags=(), **kwargs) -> Case:
    """A schedule case with the id ``Family/label``; ``steps`` are ints, :func:`span` s and
    nested lists of them (the spans make the dense runs, everything else the key steps)."""
    return Case(
        id=f"{api.split('.', 1)[1]}/{label}",
        api=api,
        params=params,
        steps=steps_of(steps),
        key_steps=steps_of(steps, spans=False),
        tags=frozenset(tags),
        **kwargs,
    )


def optimizer_case(
    api: str,
    label: str,
    params: dict,
    learning_rate: Any = 0.001,
    gradients: Gradients | SparseGradients | ExplicitGradients | None = None,
    tags=(),
    **kwargs,
) -> OptimizerCase:
    """An optimizer case with the id ``api/label`` (default gradients: ``Gradients()``)."""
    return OptimizerCase(
        id=f"{api}/{label}",
        api=api,
        params=params,
        learning_rate=learning_rate,
        gradients=Gradients() if gradients is None else gradients,
        tags=frozenset(tags),
        **kwargs,
    )

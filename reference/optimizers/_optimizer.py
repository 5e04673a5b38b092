"""What every reference optimizer shares: the functional contract, the learning rate, the state.

The contract::

    opt = Adam(learning_rate=1e-3, dtype="float32")
    state = opt.init(params)
    params, state = opt.step(grads, params, state)

``params`` is one array or a list/tuple of arrays (one per TensorFlow variable); ``grads`` has the
same structure, and each gradient is a dense array or an :class:`IndexedSlices` (the rows a sparse
gradient touches, as ``tf.IndexedSlices`` from an embedding lookup gives). ``step`` returns new
arrays and a new state; nothing is kept inside the optimizer. ``state`` is a plain dict: the step
counter under TensorFlow's name for it (``"iterations"`` in Keras, ``"global_step"`` in TF1), and
each slot under TensorFlow's slot name, holding one array per parameter.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Union

import numpy as np

from reference import _arith
from reference.optimizers import _inputs
from reference.schedules._schedule import LearningRateSchedule

#: Which Keras an optimizer mirrors. ``keras3``: Keras 3 (``tf.keras`` in TF >= 2.16,
#: ``keras.optimizers``). ``keras2``: the Keras 2 optimizers introduced in 2.11
#: (``tf.keras.optimizers`` in TF 2.11-2.15, ``tf_keras.optimizers``).
KERAS_FLAVORS: tuple[str, ...] = ("keras3", "keras2")

LearningRate = Union[float, Callable[[Any], Any]]
State = dict


class IndexedSlices(NamedTuple):
    """A sparse gradient: ``values[i]`` is the gradient of row ``indices[i]`` of the parameter.

    Indices may repeat (two lookups of the same embedding row); whether TensorFlow sums the
    repeated rows before the update depends on the optimizer (see each class)."""

    indices: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class StepScalars:
    """What the updates of one step share, computed once per step by :meth:`Optimizer._prepare`
    (the learning rate, bias corrections, hyperparameters): scalars in the compute dtype. Each
    optimizer family subclasses it with its own fields."""


@dataclass(frozen=True)
class LearningRateScalars(StepScalars):
    """Only the learning rate of the step (gradient descent)."""

    lr: np.ndarray


def check_keras_flavor(flavor: str) -> str:
    if flavor not in KERAS_FLAVORS:
        raise ValueError(f"flavor must be one of {KERAS_FLAVORS}. Received: flavor={flavor!r}")
    return flavor


#: Keyword arguments of the legacy optimizers that Keras 2.11+ refuses with ValueError.
_LEGACY_ONLY = frozenset({"decay", "gradient_aggregator", "gradient_transformers"})


def check_keras_arguments(flavor: str, learning_rate, extra: dict) -> None:
    """What the Keras >= 2.11 and Keras 3 base classes do with arguments they no longer take.

    Keras 2 ignores ``lr=`` (with a warning: the rate stays ``learning_rate``), refuses
    ``decay=`` with ValueError and any other unknown keyword with TypeError. Keras 3 ignores
    ``decay=`` (with a warning), refuses any other unknown keyword with ValueError, and takes
    only a Python float (``np.float64`` is one), a schedule or a callable as the learning rate:
    an int or ``np.float32`` raises ValueError."""
    extra = dict(extra)
    if flavor == "keras3":
        if extra.pop("decay", None) is not None:
            warnings.warn("Keras 3 ignores `decay`", stacklevel=3)
        if extra:
            raise ValueError(f"Keras 3 optimizers do not take {sorted(extra)}")
        if not callable(learning_rate) and not isinstance(learning_rate, float):
            raise ValueError(
                "Keras 3 takes a Python float, a schedule or a callable as learning_rate. "
                f"Received: learning_rate={learning_rate!r}"
            )
        return
    if extra.pop("lr", None):
        warnings.warn("Keras 2.11+ ignores `lr`: use `learning_rate`", stacklevel=3)
    for name in extra:
        if name in _LEGACY_ONLY:
            raise ValueError(f"`{name}` exists only in the legacy Keras optimizers")
        raise TypeError(f"unexpected keyword argument {name!r}")


class Optimizer:
    """Base of the reference optimizers (see the module docstring for the contract).

    Subclasses set :attr:`counter` and :attr:`slot_names`, and implement :meth:`_update` for one
    parameter; what the updates of one step share (the learning rate, bias corrections) is
    computed once by :meth:`_prepare`, as the family's ``StepScalars`` record. They compute with
    numpy in ``self.dtype``: in ``"float32"`` every constant is cast with
    :func:`reference._arith.cast` where TensorFlow converts it, and each operation is done in
    TensorFlow's order; in ``"float64"`` the same formula runs on the exact inputs.
    """

    dtype: str
    learning_rate: LearningRate
    #: Name of the step counter in ``state``.
    counter: str = "iterations"

    def slot_names(self) -> tuple[str, ...]:
        """The slots the update rule reads and writes (TensorFlow's slot names)."""
        raise NotImplementedError

    def _option_slot_names(self) -> tuple[str, ...]:
        """Per-parameter state an option adds beside the update rule's slots (Keras's EMA
        ``average``, Keras 3's ``gradient_accumulator``)."""
        return ()

    # -- the contract -----------------------------------------------------------------------

    def init(self, params) -> State:
        """A fresh state for ``params``: counter 0, every slot at its initial value."""
        arrays, _ = _as_list(params)
        state: State = {self.counter: 0}
        for name in (*self.slot_names(), *self._option_slot_names()):
            state[name] = tuple(self._initial_slot(name, self._cast(p)) for p in arrays)
        state.update(self._initial_non_slots())
        return state

    def step(self, grads, params, state: State):
        """One ``apply_gradients`` (or TF1 ``minimize``) call. Returns ``(new_params,
        new_state)``; nothing is modified in place."""
        arrays, single = _as_list(params)
        gradients, _ = _as_list(grads, keep=IndexedSlices)
        # Inputs outside the contract get TensorFlow's answer (reference/optimizers/_inputs.py):
        # the parameters to update are those with a gradient (Keras leaves a variable whose
        # gradient is None out of the call, options included).
        updated = _inputs.check(self, gradients, arrays, first=state[self.counter] == 0)
        with _arith.ieee():
            new_params, new_state = self._apply(
                [self._gradient(gradients[i]) for i in updated],
                [self._cast(arrays[i]) for i in updated],
                _variables(state, updated, len(arrays)),
            )
            if len(updated) < len(arrays):
                new_params, new_state = _merge_variables(
                    [self._cast(p) for p in arrays], state, updated, new_params, new_state
                )
        return (new_params[0] if single else type(params)(new_params)), new_state

    def _apply(self, gradients: list, params: list[np.ndarray], state: State):
        """What one call does, on gradients and parameters already in the compute dtype: by
        default one update of every parameter (:meth:`_update_each`), then the counter. The
        Keras base (:mod:`reference.optimizers._keras`) wraps the update in its options
        (clipping, weight decay, accumulation, EMA); the legacy base clips first."""
        scalars = self._prepare(state)
        new_params, new_state = self._update_each(gradients, params, state, scalars)
        new_state.update(self._finish(state, scalars))
        return new_params, new_state

    def _update_each(self, gradients: list, params: list[np.ndarray], state: State, scalars):
        """:meth:`_update` of every parameter with its own slots, in order; the new parameters
        and a copy of ``state`` holding the new slots (results flushed to zero below the
        smallest normal float32, as TensorFlow's CPU kernels do)."""
        new_state: State = dict(state)
        slots = {name: list(state[name]) for name in self.slot_names()}
        new_params = []
        for i, (gradient, param) in enumerate(zip(gradients, params)):
            own = {name: slots[name][i] for name in slots}
            new_param, own = self._update(gradient, param, own, scalars)
            new_params.append(_arith.flush_subnormals(new_param))
            for name, value in own.items():
                slots[name][i] = _arith.flush_subnormals(value)
        for name, values in slots.items():
            new_state[name] = tuple(values)
        return new_params, new_state

    # -- what subclasses implement ---------------------------------------------------------

    def _initial_slot(self, name: str, param: np.ndarray) -> np.ndarray:
        return np.zeros_like(param)

    def _initial_non_slots(self) -> dict:
        return {}

    def _prepare(self, state: State) -> StepScalars:
        """The values of this step that every parameter's update uses."""
        return LearningRateScalars(lr=self.learning_rate_at(state[self.counter]))

    def _update(self, gradient, param: np.ndarray, slots: dict, scalars: StepScalars):
        """One parameter's update: ``(new_param, new_slots)``."""
        raise NotImplementedError

    def _finish(self, state: State, scalars: StepScalars) -> dict:
        """The state entries that change once per step (the counter, TF1's beta powers)."""
        return {self.counter: state[self.counter] + 1}

    # -- helpers ---------------------------------------------------------------------------

    def learning_rate_at(self, step) -> np.ndarray:
        """The learning rate of the update with counter ``step`` (0 for the first update), as
        a scalar in the compute dtype. A schedule is evaluated at ``step`` as
        :meth:`_schedule_step` hands it over; any other callable is called with no argument, as
        TensorFlow calls it (:meth:`_hyperparameter`); a number is cast as TensorFlow casts
        it."""
        value = self.learning_rate
        if is_schedule(value):
            return self._constant(value(self._schedule_step(step)))
        return self._constant(self._hyperparameter(value))

    def _schedule_step(self, step: int):
        return step

    def _hyperparameter(self, value):
        """A hyperparameter as TensorFlow reads it at an update: a callable is called with no
        argument (OptimizerV2's ``_get_hyper``, TF1's ``_call_if_callable``, Keras 3's
        learning rate), anything else is taken as it is."""
        return value() if callable(value) else value

    def _constant(self, value) -> np.ndarray:
        """A Python hyperparameter as a scalar in the compute dtype (TF rounds it to float32)."""
        return _arith.cast(value, self.dtype)

    def _cast(self, array) -> np.ndarray:
        return _arith.cast(array, self.dtype)

    def _gradient(self, gradient):
        if isinstance(gradient, IndexedSlices):
            indices = np.asarray(gradient.indices, dtype=np.int64)
            return IndexedSlices(indices, self._cast(gradient.values))
        return self._cast(gradient)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments}, dtype={self.dtype!r})"

    def get_config(self) -> dict:
        raise NotImplementedError


def is_schedule(value) -> bool:
    """Whether a learning rate is a reference schedule, which TensorFlow calls with the step
    (any other callable it calls with no argument)."""
    return isinstance(value, LearningRateSchedule)


def _as_list(params, keep: type | None = None) -> tuple[list, bool]:
    """``params`` as a list, and whether it was a single array."""
    if isinstance(params, (list, tuple)) and not (keep is not None and isinstance(params, keep)):
        return list(params), False
    return [params], True


def _variables(state: State, kept: list[int], count: int) -> State:
    """``state`` restricted to the variables ``kept``: each per-variable entry (a slot, the
    accumulator, the moving average: a tuple with one item per variable) keeps their items."""
    if len(kept) == count:
        return state
    return {
        name: (
            tuple(value[i] for i in kept)
            if isinstance(value, tuple) and len(value) == count
            else value
        )
        for name, value in state.items()
    }


def _merge_variables(params: list, state: State, kept: list[int], new_params, new_state):
    """The parameters and state of every variable after a call that updated only ``kept``:
    the others keep their values and per-variable state."""
    merged_params = list(params)
    for position, i in enumerate(kept):
        merged_params[i] = new_params[position]
    merged_state: State = dict(new_state)
    for name, value in state.items():
        if isinstance(value, tuple) and len(value) == len(params):
            items = list(value)
            for position, i in enumerate(kept):
                items[i] = new_state[name][position]
            merged_state[name] = tuple(items)
    return merged_params, merged_state


# -- sparse gradients: the TensorFlow operations they go through --------------------------------


def sum_duplicates(gradient: IndexedSlices) -> IndexedSlices:
    """Repeated rows added up, the unique indices in order of first appearance (``tf.unique``
    then ``tf.math.unsorted_segment_sum``, which adds the rows in the order they come): what
    TF1 and Keras 2 do to a sparse gradient before the update."""
    unique: list[int] = []
    sums: list[np.ndarray] = []
    position: dict[int, int] = {}
    for index, row in zip(gradient.indices.tolist(), gradient.values):
        if index in position:
            sums[position[index]] = sums[position[index]] + row
        else:
            position[index] = len(unique)
            unique.append(index)
            sums.append(np.zeros_like(row) + row)
    values = np.stack(sums) if sums else gradient.values[:0]
    return IndexedSlices(np.asarray(unique, dtype=np.int64), values)


def densify(gradient: IndexedSlices, shape) -> np.ndarray:
    """The dense tensor of an :class:`IndexedSlices` (``tf.convert_to_tensor``: zeros, then the
    rows added in order, so repeated indices are summed)."""
    return scatter_add(
        np.zeros(shape, dtype=gradient.values.dtype), gradient.indices, gradient.values
    )


def scatter_add(array: np.ndarray, indices: np.ndarray, updates: np.ndarray) -> np.ndarray:
    """``array[indices] += updates`` one index after the other (``tf.scatter_add``: a repeated
    index is added to twice), on a copy."""
    result = np.array(array, copy=True)
    for index, row in zip(indices.tolist(), updates):
        result[index] = result[index] + row
    return result

"""What every reference schedule shares: the call contract, flavours, and the config round trip."""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.schedules import _out_of_domain as out_of_domain

#: Which TensorFlow code a schedule mirrors, where the copies behave differently.
#: ``keras3``: Keras 3 (``tf.keras`` in TF >= 2.16, ``keras.optimizers.schedules``).
#: ``keras2``: Keras 2 (``tf.keras`` in TF <= 2.15, and ``tf_keras``).
#: ``compat_v1``: the frozen Keras-2 copy inside TensorFlow that ``tf.compat.v1.train.*_decay``
#: builds on (``tensorflow/python/keras/optimizer_v2/learning_rate_schedule.py``).
FLAVORS: tuple[str, ...] = ("keras3", "keras2", "compat_v1")


class _FlavorDefault:
    """The default of an argument whose TensorFlow default depends on the flavour (``name``)."""

    def __repr__(self) -> str:
        return "FLAVOR_DEFAULT"


FLAVOR_DEFAULT = _FlavorDefault()


def check_flavor(flavor: str) -> str:
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {FLAVORS}. Received: flavor={flavor!r}")
    return flavor


def compute_dtype(dtype: str) -> str:
    """The reference's ``dtype`` argument, checked: ``"float32"`` or ``"float64"``."""
    return str(_arith.check_dtype(dtype))


class LearningRateSchedule:
    """Base of the reference schedules: ``schedule(step)`` gives the learning rate.

    ``step`` is an int (or float) or a numpy array of them; the result is a Python float for a
    scalar step and an array of the step's shape otherwise. Subclasses write the formula in
    :meth:`_value`, with numpy, in ``self.dtype``; what TensorFlow does where the arguments leave
    the formula's domain goes in :meth:`_out_of_domain` (the details live in
    :mod:`reference.schedules._out_of_domain`). Neither sees numpy's floating-point warnings
    (TensorFlow returns nan and inf silently).
    """

    dtype: str

    #: Configuration entries that TensorFlow uses as Python values, never as tensors.
    _PYTHON_ARGUMENTS = frozenset({"name", "staircase", "cycle", "scale_fn", "scale_mode"})

    def __call__(self, step: _arith.Step) -> float | np.ndarray:
        out_of_domain.check_conversions(self._tensor_arguments(), step)
        out_of_domain.check_learning_rate_type(self)
        steps = np.asarray(step)
        with _arith.ieee():
            value = self._out_of_domain(steps)
            if value is None:
                value = self._value(steps)
            if self._computes_result():
                value = _arith.flush_subnormals(value)
        return _arith.as_result(value, step)

    def _computes_result(self) -> bool:
        """Whether TensorFlow's result is computed (then flushed to zero where subnormal), not
        one of the arguments selected as it is."""
        return True

    def _tensor_arguments(self) -> dict:
        """The arguments TensorFlow converts to tensors when the schedule is called."""
        return {k: v for k, v in self.get_config().items() if k not in self._PYTHON_ARGUMENTS}

    def _value(self, step: np.ndarray) -> np.ndarray:
        """The formula of the docstring, at ``step``, in ``self.dtype``."""
        raise NotImplementedError

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        """TensorFlow's value (or its exception) where the arguments are outside the formula's
        domain, such as a Python-int learning rate; ``None`` inside it."""
        return None

    def _cast(self, *values) -> tuple[np.ndarray, ...]:
        """Each value in the compute dtype, as TensorFlow casts a schedule's arguments."""
        return tuple(_arith.cast(value, self.dtype) for value in values)

    def _configure(
        self,
        dtype: str,
        flavor: str,
        name,
        *,
        keras3_name: str,
        keras3_positive: tuple[str, float] | None = None,
    ) -> None:
        """What the constructors of the flavoured schedules share, in TensorFlow's order: the
        reference's ``flavor`` and ``dtype`` checked, ``name`` defaulting to ``keras3_name`` in
        Keras 3 and ``None`` elsewhere, and Keras 3's check that an argument (``decay_steps``,
        given as ``(argument, value)``) is positive."""
        self.flavor = check_flavor(flavor)
        self.dtype = compute_dtype(dtype)
        if name is FLAVOR_DEFAULT:
            name = keras3_name if flavor == "keras3" else None
        self.name = name
        if keras3_positive is not None and flavor == "keras3":
            argument, value = keras3_positive
            if value <= 0:
                raise ValueError(f"Argument `{argument}` must be > 0. Received: {argument}={value}")

    def get_config(self) -> dict:
        """The constructor arguments under TensorFlow's keys, as the mirrored flavour returns
        them. ``dtype`` and ``flavor`` say how the reference evaluates; they are not part of
        TensorFlow's config and are passed again to :meth:`from_config`."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict, **settings):
        """``cls(**config)``, with the reference's own settings (``dtype=``, ``flavor=``)."""
        return cls(**config, **settings)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments}, dtype={self.dtype!r})"

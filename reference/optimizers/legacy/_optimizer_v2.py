r"""What the Keras OptimizerV2 optimizers share: their keyword arguments (``lr``, ``decay``,
``clipnorm``, ``clipvalue``, ``global_clipnorm``), their learning rate and hyperparameters,
their gradient clipping and their config.

One ``apply_gradients`` call (``tf_keras/src/optimizers/legacy/optimizer_v2.py``), with
:math:`k` the counter before the call:

1. the learning rate and the hyperparameters of the step are read (a callable is called with
   no argument, every step; a schedule gets :math:`k` as a float);
2. the gradients are clipped, in this order and each where set: ``clipvalue``
   (``tf.clip_by_value``), ``clipnorm`` (``tf.clip_by_norm`` of each gradient),
   ``global_clipnorm`` (``tf.clip_by_global_norm``); ``clipvalue`` combines with either norm,
   the two norms refuse each other (``ValueError``). A sparse gradient is clipped on its rows
   as given, before its repeated rows are summed;
3. each variable is updated (its repeated sparse rows summed first);
4. the counter moves by one.
"""

from __future__ import annotations

import warnings

import numpy as np

from reference.optimizers import _clipping
from reference.optimizers._keras import deserialize_schedule, serialize_schedule
from reference.optimizers._optimizer import Optimizer, is_schedule

#: ``tf.keras.backend.epsilon()``: what a legacy optimizer uses for ``epsilon=0`` or ``None``.
BACKEND_EPSILON = 1e-7


class OptimizerV2(Optimizer):
    r"""The learning rate of a legacy optimizer for the update with counter :math:`k`:

    .. math::

        \eta_k = \text{learning\_rate}(\text{float}(k)) \,/\, (1 + \text{decay}\cdot k)

    The schedule receives the counter cast to the variable's dtype (a float: float16 variables
    lose integers above 2048), and ``decay`` (a legacy keyword, 0 by default) divides on top.
    Every hyperparameter is held in a float32 variable, so ``1 - beta`` is a float32 subtraction.
    A callable hyperparameter (``learning_rate``, ``beta_1``, ``beta_2``, ``rho``,
    ``momentum``) is called with no argument at every update (``_get_hyper``); ``epsilon``
    cannot be one (``TypeError`` when applied in a ``tf.function``), nor ``decay``
    (``TypeError`` at construction).
    """

    decay: float = 0.0
    clipnorm: float | None = None
    clipvalue: float | None = None
    global_clipnorm: float | None = None

    def _configure_v2(
        self, learning_rate, *, name: str, lr, decay, clipnorm, clipvalue, global_clipnorm
    ) -> None:
        """``OptimizerV2.__init__``'s checks of its keyword arguments, in its order."""
        given = {
            "clipnorm": clipnorm,
            "clipvalue": clipvalue,
            "lr": lr,
            "decay": decay,
            "global_clipnorm": global_clipnorm,
        }
        for key, value in given.items():
            if value is not None and not callable(value) and value < 0:
                raise ValueError(f"Expected {key} >= 0, received: {value}")
        if lr is not None:
            warnings.warn(
                "The `lr` argument is deprecated, use `learning_rate` instead.", stacklevel=3
            )
        if decay < 0.0:
            raise ValueError(f"decay cannot be less than 0. Received: decay={decay}.")
        if clipnorm is not None and global_clipnorm is not None:
            raise ValueError(
                "Cannot accept both `clipnorm` and `global_clipnorm`. Received: "
                f"`clipnorm`={clipnorm}, `global_clipnorm`={global_clipnorm}."
            )
        self.name = name
        self.learning_rate = learning_rate if lr is None else lr
        self.decay = decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm

    @property
    def lr(self):
        """OptimizerV2's alias of ``learning_rate`` (TensorFlow returns the hyperparameter's
        variable; the reference, the value given)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value) -> None:
        self.learning_rate = value

    def learning_rate_at(self, step) -> np.ndarray:
        value = self.learning_rate
        if is_schedule(value):
            value = value(self._constant(step))
        lr = self._constant(self._hyperparameter(value))
        if self.decay > 0:
            one = self._constant(1.0)
            lr = lr / (one + self._constant(self.decay) * self._constant(step))
        return lr

    def _apply(self, gradients: list, params: list[np.ndarray], state):
        scalars = self._prepare(state)  # read before the gradients are transformed
        gradients = self._clip(gradients)
        new_params, new_state = self._update_each(gradients, params, state, scalars)
        new_state.update(self._finish(state, scalars))
        return new_params, new_state

    def _clip(self, gradients: list) -> list:
        dtype = self.dtype
        if self.clipvalue is not None:
            gradients = [_clipping.clip_by_value(g, self.clipvalue, dtype) for g in gradients]
        if self.clipnorm is not None:
            gradients = [_clipping.clip_by_norm(g, self.clipnorm, dtype) for g in gradients]
        if self.global_clipnorm is not None:
            gradients = _clipping.clip_by_global_norm(gradients, self.global_clipnorm, dtype)
        return gradients

    def _epsilon(self) -> np.ndarray:
        """``epsilon`` as the update reads it: a constant, never a callable (``TypeError``
        inside a ``tf.function``, ``ValueError`` in an eager call: the reference raises what
        training raises)."""
        if callable(self.epsilon):
            raise TypeError(f"Expected float32, but got {self.epsilon!r} of type 'function'.")
        return self._constant(self.epsilon)

    # -- config -------------------------------------------------------------------------------

    def _base_config(self) -> dict:
        """OptimizerV2's part of ``get_config()`` of a fresh optimizer: the name, the clipping
        keys that are set, the learning rate (a callable is called, a schedule serialized)."""
        config: dict = {"name": self.name}
        for key in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, key) is not None:
                config[key] = getattr(self, key)
        config["learning_rate"] = serialize_hyperparameter(self.learning_rate)
        config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config: dict, *, dtype: str = "float64"):
        """``cls.from_config(config)`` as TensorFlow rebuilds a legacy optimizer (a serialized
        schedule becomes the reference's ``keras2`` schedule)."""
        config = dict(config)
        if "lr" in config:
            config["learning_rate"] = config.pop("lr")
        config["learning_rate"] = deserialize_schedule(config["learning_rate"], dtype, "keras2")
        return cls(**config, dtype=dtype)


def serialize_hyperparameter(value):
    """OptimizerV2's ``_serialize_hyperparameter`` of a hyperparameter not yet held in a
    variable: a schedule serialized, a callable called, anything else as it is."""
    if is_schedule(value):
        return serialize_schedule(value)
    if callable(value):
        return value()
    return value

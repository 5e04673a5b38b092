"""CosineDecay: half a cosine from the initial rate down to a floor, after an optional warmup."""

from __future__ import annotations

import math

import numpy as np

from reference import _arith
from reference.errors import InvalidArgumentError
from reference.schedules._schedule import (
    FLAVOR_DEFAULT,
    LearningRateSchedule,
    is_python_int,
)


class CosineDecay(LearningRateSchedule):
    r"""Cosine decay of the learning rate (SGDR without restarts), with an optional linear warmup.

    Without warmup (``warmup_target=None``):

    .. math::

        \eta(s) = \eta_0 \Big((1 - \alpha)\,\tfrac12\big(1 + \cos(\pi \hat s / d)\big)
                  + \alpha\Big), \qquad \hat s = \min(s, d)

    With warmup (``warmup_target`` :math:`\eta_w`, ``warmup_steps`` :math:`w`), on
    :math:`\hat s = \min(s, w + d)`:

    .. math::

        \eta(s) = \begin{cases}
            \eta_0 + (\eta_w - \eta_0)\,\hat s / w & \hat s < w \\
            \eta_w \Big((1 - \alpha)\,\tfrac12\big(1 + \cos(\pi (\hat s - w) / d)\big)
                  + \alpha\Big) & \text{otherwise} \end{cases}

    :math:`\eta_0` is ``initial_learning_rate``, :math:`d` is ``decay_steps`` and :math:`\alpha`
    is ``alpha``, the floor as a fraction of the rate the decay starts from.

    Mirrors ``tf.keras.optimizers.schedules.CosineDecay`` (Keras 2 in TF 2.13-2.15 and
    ``tf_keras``; Keras 3 from TF 2.16; the warmup arguments exist from Keras 2.13) and, with
    ``flavor="compat_v1"``, the older class behind ``tf.compat.v1.train.cosine_decay``, which has
    no warmup. TensorFlow's order of operations in float32: ``f = min(s, d) / d``,
    ``c = 0.5 * (1 + cos(pi * f))`` with ``pi`` the float32 :math:`\pi`, then
    ``eta0 * ((1 - alpha) * c + alpha)``, where ``1 - alpha`` is computed in Python (float64)
    before it is rounded to float32: ``alpha`` is used as a Python number, never cast.

    Traps:
        * ``decay_steps`` counts only the decay: with warmup the schedule lasts
          ``warmup_steps + decay_steps`` steps.
        * The floor is :math:`\alpha \eta_w` with warmup, :math:`\alpha \eta_0` without; not
          :math:`\alpha` (as some docstrings said).
        * With a ``warmup_target`` and ``warmup_steps=0`` the rate starts at :math:`\eta_w`:
          ``initial_learning_rate`` is ignored entirely.
        * Keras 2 and 3 choose the warmup branch with ``tf.cond``, which needs a scalar step: a
          step vector raises in TensorFlow (the reference evaluates it element-wise).
        * ``decay_steps <= 0``: Keras 3 raises ``ValueError`` at construction; Keras 2 and
          compat.v1 give nan at ``s = 0``.
        * compat.v1 multiplies by a float32 :math:`\pi`: a float64 ``initial_learning_rate``
          (a numpy float64) raises ``InvalidArgumentError`` there; passing a warmup argument
          raises ``TypeError``, as TensorFlow's class would for the unknown keyword (the
          reference can only see non-default values).
        * Keras 2 and 3 compute in float64 for a numpy-float64 ``initial_learning_rate``; the
          reference's float32 mode always models the default float32 compute dtype.
        * A Python-int ``initial_learning_rate``: Keras 2 raises ``TypeError`` (it cannot make an
          int32 :math:`\pi`), compat.v1 raises ``InvalidArgumentError``; Keras 3 silently
          computes with :math:`\pi` cast to the int 3 (in float32): ``CosineDecay(1, 10)(5)`` is
          0.5354, not 0.5. During a warmup the int32 arithmetic raises ``InvalidArgumentError``
          in both.

    Args:
        initial_learning_rate: :math:`\eta_0` (the warmup's start when warming up).
        decay_steps: :math:`d`, the length of the decay in optimizer steps.
        alpha: :math:`\alpha`, the floor as a fraction.
        name: TensorFlow's op-scope name; only stored (``None`` in Keras 2 and compat.v1,
            ``"CosineDecay"`` in Keras 3 by default).
        warmup_target: :math:`\eta_w`, or ``None`` for no warmup.
        warmup_steps: :math:`w`.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"``, ``"keras2"`` or ``"compat_v1"`` (see :data:`FLAVORS`).

    Example:
        >>> from reference.schedules import CosineDecay
        >>> CosineDecay(0.1, decay_steps=10)([0, 5, 10, 11]).tolist()
        [0.1, 0.05, 0.0, 0.0]
        >>> CosineDecay(0.1, 1000, alpha=0.1)([0, 500, 1000]).tolist()
        [0.1, 0.05500000000000001, 0.010000000000000002]
        >>> warm = CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=5)
        >>> warm([0, 1, 5, 10, 15, 16]).tolist()
        [0.0, 0.020000000000000004, 0.1, 0.05, 0.0, 0.0]
        >>> CosineDecay(0.1, 10, dtype="float32")(1)  # what TensorFlow returns
        0.0975528284907341
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name=FLAVOR_DEFAULT,
        warmup_target=None,
        warmup_steps=0,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ):
        self._configure(
            dtype,
            flavor,
            name,
            keras3_name="CosineDecay",
            keras3_positive=("decay_steps", decay_steps),
        )
        if flavor == "compat_v1" and (warmup_target is not None or warmup_steps != 0):
            given = "warmup_target" if warmup_target is not None else "warmup_steps"
            raise TypeError(f"CosineDecay.__init__() got an unexpected keyword argument {given!r}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _value(self, step: np.ndarray) -> np.ndarray:
        if is_python_int(self.initial_learning_rate):
            return self._value_in_int32(step)
        if self.flavor == "compat_v1" and _is_numpy_float64(self.initial_learning_rate):
            raise InvalidArgumentError(
                "cannot compute Mul as input #1(zero-based) was expected to be a float tensor "
                "but is a double tensor (the float32 pi times a float64 fraction)"
            )
        dtype = self.dtype
        initial_learning_rate = _arith.cast(self.initial_learning_rate, dtype)
        decay_steps = _arith.cast(self.decay_steps, dtype)
        step = _arith.cast(step, dtype)
        pi = _arith.cast(math.pi, dtype)
        if self.warmup_target is None:
            step = np.minimum(step, decay_steps)
            return self._decay(step, decay_steps, initial_learning_rate, pi)
        warmup_target = _arith.cast(self.warmup_target, dtype)
        warmup_steps = _arith.cast(self.warmup_steps, dtype)
        step = np.minimum(step, decay_steps + warmup_steps)
        warming_up = step < warmup_steps
        warmup = (warmup_target - initial_learning_rate) * (
            step / warmup_steps
        ) + initial_learning_rate
        decay = self._decay(step - warmup_steps, decay_steps, warmup_target, pi)
        return np.where(warming_up, warmup, decay)

    def _decay(self, step, decay_steps, decay_from, pi) -> np.ndarray:
        dtype = decay_from.dtype.name
        completed_fraction = step / decay_steps
        half = _arith.cast(0.5, dtype)
        one = _arith.cast(1.0, dtype)
        cosine_decayed = half * (one + _arith.cos(pi * completed_fraction))
        decayed = _arith.cast(1 - self.alpha, dtype) * cosine_decayed + _arith.cast(
            self.alpha, dtype
        )
        return decay_from * decayed

    def _value_in_int32(self, step: np.ndarray) -> np.ndarray:
        # Every argument is truncated to int32. Keras 2 cannot make an int32 pi; compat.v1's
        # float32 pi meets int32 / int32 = float64. Keras 3's own divide gives float32, and its
        # pi is cast to the int 3. A warmup step multiplies an int32 by a float64 in both.
        truncated_step = np.trunc(step.astype(np.float64))
        if self.warmup_target is not None:
            warmup_steps = np.trunc(np.float64(self.warmup_steps))
            total = np.trunc(np.float64(self.decay_steps)) + warmup_steps
            if np.any(np.minimum(truncated_step, total) < warmup_steps):
                raise InvalidArgumentError(
                    "cannot compute Mul as input #1(zero-based) was expected to be a int32 "
                    "tensor but is a double tensor (warmup with a Python-int learning rate)"
                )
        if self.flavor == "keras2":
            raise TypeError("Cannot convert 3.141592653589793 to EagerTensor of dtype int32")
        if self.flavor == "compat_v1":
            raise InvalidArgumentError(
                "cannot compute Mul as input #1(zero-based) was expected to be a float tensor "
                "but is a double tensor (initial_learning_rate is a Python int)"
            )
        dtype = self.dtype

        def truncated(x):
            return _arith.cast(np.trunc(np.float64(x)), dtype)

        decay_steps = truncated(self.decay_steps)
        if self.warmup_target is None:
            decay_from = truncated(self.initial_learning_rate)
            step = np.minimum(_arith.cast(truncated_step, dtype), decay_steps)
        else:
            decay_from = truncated(self.warmup_target)
            warmup_steps = truncated(self.warmup_steps)
            step = np.minimum(_arith.cast(truncated_step, dtype), decay_steps + warmup_steps)
            step = step - warmup_steps
        return self._decay(step, decay_steps, decay_from, pi=_arith.cast(3, dtype))

    def get_config(self) -> dict:
        config = {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
        }
        if self.flavor != "compat_v1":
            config["warmup_target"] = self.warmup_target
            config["warmup_steps"] = self.warmup_steps
        return config


def _is_numpy_float64(x) -> bool:
    """A numpy float64 (``np.float64(0.1)``, a float64 array) makes TensorFlow compute in
    float64; a Python float makes it compute in float32."""
    return isinstance(x, (np.ndarray, np.generic)) and np.asarray(x).dtype == np.float64

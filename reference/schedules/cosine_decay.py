"""CosineDecay: half a cosine from the initial rate down to a floor, after an optional warmup."""

from __future__ import annotations

import math

import numpy as np

from reference import _arith
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_numpy_float64, is_python_int
from reference.schedules._schedule import FLAVOR_DEFAULT, LearningRateSchedule


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

    #: TensorFlow's :math:`\pi`, as the compute dtype receives it (Keras 3 computing in int32
    #: casts it to 3: see :mod:`reference.schedules._out_of_domain`).
    _pi = math.pi
    #: ``alpha`` is used as a Python number (``1 - alpha``), never converted to a tensor.
    _PYTHON_ARGUMENTS = LearningRateSchedule._PYTHON_ARGUMENTS | {"alpha"}

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
            raise out_of_domain.warmup_in_compat_v1(warmup_target)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _value(self, step: np.ndarray) -> np.ndarray:
        eta_0, d, s = self._cast(self.initial_learning_rate, self.decay_steps, step)
        if self.warmup_target is None:
            return self._cosine(np.minimum(s, d), d, eta_0)
        eta_w, w = self._cast(self.warmup_target, self.warmup_steps)
        s = np.minimum(s, d + w)
        warmup = (eta_w - eta_0) * (s / w) + eta_0
        return np.where(s < w, warmup, self._cosine(s - w, d, eta_w))

    def _cosine(self, s: np.ndarray, d: np.ndarray, eta: np.ndarray) -> np.ndarray:
        r""":math:`\eta \big((1 - \alpha)\,\tfrac12 (1 + \cos(\pi s / d)) + \alpha\big)`.
        ``1 - alpha`` is computed on the Python number, then cast: TensorFlow never casts
        ``alpha`` before it subtracts."""
        pi, half, one, one_minus_alpha, alpha = self._cast(
            self._pi, 0.5, 1.0, 1 - self.alpha, self.alpha
        )
        cosine_decayed = half * (one + _arith.cos(pi * (s / d)))
        return eta * (one_minus_alpha * cosine_decayed + alpha)

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        if is_python_int(self.initial_learning_rate):
            return out_of_domain.cosine_decay_in_int32(self, step)
        if self.flavor == "compat_v1" and is_numpy_float64(self.initial_learning_rate):
            raise out_of_domain.float32_pi_times_float64()
        return None

    def _tensor_arguments(self) -> dict:
        arguments = super()._tensor_arguments()
        if self.warmup_target is None:  # no warmup: neither argument is converted
            arguments.pop("warmup_target", None)
            arguments.pop("warmup_steps", None)
        return arguments

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

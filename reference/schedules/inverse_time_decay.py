"""InverseTimeDecay: the learning rate falls as ``1 / (1 + r t)``, t counted in decay periods."""

from __future__ import annotations

import numpy as np

from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_python_int
from reference.schedules._schedule import FLAVOR_DEFAULT, LearningRateSchedule


class InverseTimeDecay(LearningRateSchedule):
    r"""Inverse-time decay of the learning rate.

    .. math::

        \eta(s) = \frac{\eta_0}{1 + r\,p}, \qquad
        p = \begin{cases} s / d & \text{staircase=False} \\
                          \lfloor s / d \rfloor & \text{staircase=True} \end{cases}

    :math:`s` is the step, :math:`\eta_0` is ``initial_learning_rate``, :math:`d` is
    ``decay_steps`` and :math:`r` is ``decay_rate``. Nothing is clamped: the rate falls for ever,
    like :math:`1/s` for large steps. :math:`\eta(s) = \eta_0 / 2` at :math:`s = d / r`.

    Mirrors ``tf.keras.optimizers.schedules.InverseTimeDecay`` (Keras 2 in TF 2.13-2.15 and
    ``tf_keras``; Keras 3 from TF 2.16) and, with ``flavor="compat_v1"``, the schedule behind
    ``tf.compat.v1.train.inverse_time_decay``. TensorFlow's order of operations in float32:
    ``p = float(s) / float(d)``, optionally ``floor(p)``, ``denominator = 1 + r * p``, then
    ``eta0 / denominator``. No transcendental function is involved, so float32 mode agrees with
    TensorFlow to the bit on every path.

    Traps:
        * ``decay_rate`` is not a per-step factor: ``decay_rate=0.5, decay_steps=10`` halves the
          rate at step 20 (``1 + 0.5 * 2``), not at step 10.
        * With ``staircase=True`` the rate changes *at* ``s = d``.
        * float32 steps lose integer precision above :math:`2^{24}`.
        * ``decay_steps <= 0``: Keras 3 raises ``ValueError`` at construction; Keras 2 and
          compat.v1 compute nan at ``s = 0`` (0/0) and 0 after (or a pole and negative rates,
          for negative ``decay_steps``).
        * A Python-int ``initial_learning_rate`` makes TensorFlow compute in int32: Keras 2 and
          compat.v1 raise ``InvalidArgumentError`` when called; Keras 3 truncates ``decay_rate``
          to an int and computes in float64 (``decay_rate=0.5`` becomes 0: the rate is 1.0 for
          ever).

    Args:
        initial_learning_rate: :math:`\eta_0`.
        decay_steps: :math:`d`, in optimizer steps.
        decay_rate: :math:`r`.
        staircase: decay in whole intervals of ``decay_steps``.
        name: TensorFlow's op-scope name; only stored (``None`` in Keras 2, ``"InverseTimeDecay"``
            in Keras 3 by default).
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"``, ``"keras2"`` or ``"compat_v1"`` (see :data:`FLAVORS`).

    Example:
        >>> from reference.schedules import InverseTimeDecay
        >>> schedule = InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5)
        >>> schedule([0, 10, 20]).tolist()
        [0.1, 0.06666666666666667, 0.05]
        >>> InverseTimeDecay(0.1, 10, 0.5, staircase=True)([9, 10, 25]).tolist()
        [0.1, 0.06666666666666667, 0.05]
        >>> InverseTimeDecay(0.1, 10, 0.5, dtype="float32")(10)  # what TensorFlow returns
        0.06666667014360428
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase: bool = False,
        name=FLAVOR_DEFAULT,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self._configure(
            dtype,
            flavor,
            name,
            keras3_name="InverseTimeDecay",
            keras3_positive=("decay_steps", decay_steps),
        )

    def _value(self, step: np.ndarray) -> np.ndarray:
        eta_0, d, r, s, one = self._cast(
            self.initial_learning_rate, self.decay_steps, self.decay_rate, step, 1
        )
        p = s / d
        if self.staircase:
            p = np.floor(p)
        return eta_0 / (one + r * p)

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        if is_python_int(self.initial_learning_rate):
            return out_of_domain.inverse_time_decay_in_int32(self, step)
        return None

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }

"""ExponentialDecay: the learning rate shrinks by ``decay_rate`` every ``decay_steps`` steps."""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_python_int
from reference.schedules._schedule import FLAVOR_DEFAULT, LearningRateSchedule


class ExponentialDecay(LearningRateSchedule):
    r"""Exponential decay of the learning rate.

    .. math::

        \eta(s) = \eta_0 \, r^{p}, \qquad
        p = \begin{cases} s / d & \text{staircase=False} \\
                          \lfloor s / d \rfloor & \text{staircase=True} \end{cases}

    :math:`s` is the step (0 for the first optimizer update), :math:`\eta_0` is
    ``initial_learning_rate``, :math:`d` is ``decay_steps`` and :math:`r` is ``decay_rate``.
    Nothing is clamped: the rate keeps falling for ever (or growing, for :math:`r > 1`).

    Mirrors ``tf.keras.optimizers.schedules.ExponentialDecay`` (Keras 2 in TF 2.13-2.15 and
    ``tf_keras``; Keras 3 from TF 2.16) and, with ``flavor="compat_v1"``, the schedule behind
    ``tf.compat.v1.train.exponential_decay``. TensorFlow's order of operations in float32:
    ``p = float(s) / float(d)``, optionally ``floor(p)``, then ``eta0 * pow(r, p)``.

    Traps:
        * ``s`` counts optimizer updates (batches), not epochs: ``decay_steps=25`` in
          ``model.fit`` decays after 25 batches. Decay every *k* epochs with
          ``decay_steps = k * steps_per_epoch``.
        * With ``staircase=True`` the rate changes *at* ``s = d`` (``floor(d/d) = 1``).
        * float32 steps lose integer precision above :math:`2^{24}`: steps 16777216 and
          16777217 give the same rate.
        * ``decay_steps <= 0``: Keras 3 raises ``ValueError`` at construction; Keras 2 and
          compat.v1 compute nan at ``s = 0`` (0/0) and 0 or growth elsewhere.
        * A Python-int ``initial_learning_rate`` makes TensorFlow compute in int32: Keras 2 and
          compat.v1 raise ``InvalidArgumentError`` when called; Keras 3 silently truncates
          ``decay_rate`` to an int, giving 1.0 at step 0 and 0.0 after it (for ``r < 1``).

    Args:
        initial_learning_rate: :math:`\eta_0`.
        decay_steps: :math:`d`, in optimizer steps.
        decay_rate: :math:`r`.
        staircase: decay in whole intervals of ``decay_steps``.
        name: TensorFlow's op-scope name; only stored (``None`` in Keras 2, ``"ExponentialDecay"``
            in Keras 3 by default).
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"``, ``"keras2"`` or ``"compat_v1"`` (see :data:`FLAVORS`).

    Example:
        >>> from reference.schedules import ExponentialDecay
        >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
        >>> schedule(5), schedule(10)
        (0.07071067811865477, 0.05)
        >>> ExponentialDecay(0.1, 10, 0.5, staircase=True)([9, 10, 25]).tolist()
        [0.1, 0.05, 0.025]
        >>> ExponentialDecay(0.1, 10, 0.5, dtype="float32")(5)  # what TensorFlow returns
        0.0707106813788414
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
            keras3_name="ExponentialDecay",
            keras3_positive=("decay_steps", decay_steps),
        )

    def _value(self, step: np.ndarray) -> np.ndarray:
        eta_0, d, r, s = self._cast(
            self.initial_learning_rate, self.decay_steps, self.decay_rate, step
        )
        p = s / d
        if self.staircase:
            p = np.floor(p)
        return eta_0 * _arith.pow(r, p)

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        if is_python_int(self.initial_learning_rate):
            return out_of_domain.exponential_decay_in_int32(self, step)
        return None

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }

"""PolynomialDecay: from the initial to the end learning rate along ``(1 - s/d)**power``."""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_python_int
from reference.schedules._schedule import FLAVOR_DEFAULT, LearningRateSchedule


class PolynomialDecay(LearningRateSchedule):
    r"""Polynomial decay of the learning rate, held at the end or cycling.

    .. math::

        \eta(s) = (\eta_0 - \eta_e)\,\Big(1 - \frac{\hat s}{\hat d}\Big)^{k} + \eta_e

    with, for ``cycle=False``, :math:`\hat s = \min(s, d)` and :math:`\hat d = d` (the rate stays
    at :math:`\eta_e` from step :math:`d` on), and for ``cycle=True``, :math:`\hat s = s` and
    :math:`\hat d = d \cdot m`, :math:`m = 1` at :math:`s = 0`, :math:`m = \lceil s / d\rceil`
    otherwise. :math:`\eta_0` is ``initial_learning_rate``, :math:`\eta_e` is
    ``end_learning_rate``, :math:`d` is ``decay_steps`` and :math:`k` is ``power``.

    Mirrors ``tf.keras.optimizers.schedules.PolynomialDecay`` (Keras 2 in TF 2.13-2.15 and
    ``tf_keras``; Keras 3 from TF 2.16) and, with ``flavor="compat_v1"``, the schedule behind
    ``tf.compat.v1.train.polynomial_decay``. TensorFlow's order of operations in float32:
    ``m = where(s == 0, 1, ceil(s / d))`` and ``d' = d * m`` (cycle) or ``s' = min(s, d)``,
    then ``p = s' / d'``, then ``(eta0 - eta_e) * pow(1 - p, k) + eta_e``.

    Traps:
        * The default ``end_learning_rate`` is ``1e-4``, not 0.
        * ``cycle=True`` does not restart at :math:`\eta_0`: at every multiple :math:`j d` the
          rate is :math:`\eta_e` exactly, and at :math:`j d + 1` it jumps back up only to
          :math:`\eta_e + (\eta_0 - \eta_e)(1 - (jd + 1)/((j+1) d))^k`, lower at every cycle.
          Step 0 uses :math:`m = 1` (without it, 0/0 would give nan).
        * ``end_learning_rate > initial_learning_rate`` gives a rising (warmup) ramp.
        * ``decay_steps = 0``: Keras 3 raises ``ValueError`` at construction; Keras 2 and
          compat.v1 give nan at every step (0/0, or 0 times infinity when cycling).
        * A Python-int ``initial_learning_rate`` makes TensorFlow compute in int32: Keras 2 and
          compat.v1 raise ``InvalidArgumentError`` when called. Keras 3 truncates
          ``end_learning_rate`` and ``power`` to ints (the default end 1e-4 becomes 0, a power of
          0.5 becomes 0) and computes in float32, or in float64 when ``cycle=True``.

    Args:
        initial_learning_rate: :math:`\eta_0`.
        decay_steps: :math:`d`, in optimizer steps.
        end_learning_rate: :math:`\eta_e`.
        power: :math:`k`.
        cycle: restart the decay at every multiple of ``decay_steps`` instead of holding
            :math:`\eta_e`.
        name: TensorFlow's op-scope name; only stored (``None`` in Keras 2, ``"PolynomialDecay"``
            in Keras 3 by default).
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"``, ``"keras2"`` or ``"compat_v1"`` (see :data:`FLAVORS`).

    Example:
        >>> from reference.schedules import PolynomialDecay
        >>> schedule = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01)
        >>> schedule([0, 5, 10, 100]).tolist()
        [0.1, 0.05500000000000001, 0.01, 0.01]
        >>> PolynomialDecay(0.1, 10, 0.01, cycle=True)([10, 11, 20, 21]).tolist()
        [0.01, 0.0505, 0.01, 0.037000000000000005]
        >>> PolynomialDecay(0.1, 100, 0.01, power=2.0, dtype="float32")(10)  # what TF returns
        0.08289999514818192
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle: bool = False,
        name=FLAVOR_DEFAULT,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self._configure(
            dtype,
            flavor,
            name,
            keras3_name="PolynomialDecay",
            keras3_positive=("decay_steps", decay_steps),
        )

    def _value(self, step: np.ndarray) -> np.ndarray:
        s, eta_0, d, eta_e, k, one = self._cast(
            step,
            self.initial_learning_rate,
            self.decay_steps,
            self.end_learning_rate,
            self.power,
            1,
        )
        if self.cycle:
            # m = ceil(s / d), but 1 at step 0, where 0/0 would give nan.
            d = d * np.where(s == 0, one, np.ceil(s / d))
        else:
            s = np.minimum(s, d)
        return (eta_0 - eta_e) * _arith.pow(one - s / d, k) + eta_e

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        if is_python_int(self.initial_learning_rate):
            return out_of_domain.polynomial_decay_in_int32(self, step)
        return None

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }

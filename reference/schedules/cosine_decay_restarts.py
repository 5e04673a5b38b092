"""CosineDecayRestarts: cosine decay that restarts, each period ``t_mul`` times longer (SGDR)."""

from __future__ import annotations

import math

import numpy as np

from reference import _arith
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_numpy_float64, is_python_int
from reference.schedules._schedule import FLAVOR_DEFAULT, LearningRateSchedule


class CosineDecayRestarts(LearningRateSchedule):
    r"""Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    With :math:`f = s / T_0` the step in units of the first period, the restart index
    :math:`i` and the fraction :math:`\phi` of the current period are

    .. math::

        i = \begin{cases} \lfloor f \rfloor & t = 1 \\
            \Big\lfloor \dfrac{\ln(1 - f (1 - t))}{\ln t} \Big\rfloor & t \ne 1 \end{cases}
        \qquad
        \phi = \begin{cases} f - i & t = 1 \\
            \Big(f - \dfrac{1 - t^{i}}{1 - t}\Big) / t^{i} & t \ne 1 \end{cases}

    and the rate is

    .. math::

        \eta(s) = \eta_0 \Big((1 - \alpha)\, \tfrac12\, m^{i} \big(1 + \cos(\pi \phi)\big)
                  + \alpha\Big)

    :math:`\eta_0` is ``initial_learning_rate``, :math:`T_0` is ``first_decay_steps``,
    :math:`t` is ``t_mul``, :math:`m` is ``m_mul`` and :math:`\alpha` is ``alpha``. Period
    :math:`i` lasts :math:`T_0 t^i` steps and starts at step :math:`T_0 (t^i - 1)/(t - 1)`
    (10, 30, 70, 150, ... for :math:`T_0 = 10, t = 2`).

    Mirrors ``tf.keras.optimizers.schedules.CosineDecayRestarts`` (Keras 2 in TF 2.13-2.15 and
    ``tf_keras``; Keras 3 from TF 2.16) and, with ``flavor="compat_v1"``, the schedule behind
    ``tf.compat.v1.train.cosine_decay_restarts``. TensorFlow picks the branch with
    ``tf.cond(t == 1)`` on ``t_mul`` cast to the compute dtype (so in float32 mode a ``t_mul``
    that rounds to 1.0 takes the ``t = 1`` branch), and evaluates in float32:
    ``f = s / T0``; ``i = floor(log(1 - f * (1 - t)) / log(t))``;
    ``phi = (f - (1 - pow(t, i)) / (1 - t)) / pow(t, i)``;
    ``c = 0.5 * pow(m, i) * (1 + cos(pi * phi))``; ``eta0 * ((1 - alpha) * c + alpha)``.
    Keras 3 casts the log's argument to the compute dtype first, a no-op in float32.

    In float64 mode the restart index is the exact one: the float64 logarithm's quotient is
    corrected so that the period really contains the step (:math:`S(i) \le f < S(i+1)`,
    :math:`S(i) = (t^i - 1)/(t - 1)`), because at a restart step the quotient is an integer that
    rounding can put on either side.

    Traps:
        * float32 misplaces some restarts (measured, TF 2.15 and 2.21): with ``t_mul=2``,
          :math:`\mathrm{logf}(2^{13})/\mathrm{logf}(2) = 12.999999`, so restart 13 (step 81910
          for :math:`T_0 = 10`, 8191000 for :math:`T_0 = 1000`) gets the floor of period 12
          instead of the peak; restart 15 likewise (327670). The scalar kernels (what training
          sees) and Eigen's vector kernels misplace different restarts (the vector path gets
          81910 right). Float32 mode reproduces this; float64 mode gives the formula's value.
        * The floor is :math:`\alpha \eta_0` in every period; ``m_mul`` shrinks only the cosine
          part, so the peaks are :math:`\eta_0((1-\alpha) m^i + \alpha)`.
        * The minimum is never reached: the step after :math:`\phi \to 1` is the restart.
        * ``t_mul < 1``: the periods shrink and their lengths add up to
          :math:`T_0 / (1 - t)`; from that step on the log's argument is <= 0 and the rate is
          nan (T0 = 10, t = 0.5: nan from step 20).
        * ``first_decay_steps <= 0``: Keras 3 raises ``ValueError`` at construction; Keras 2 and
          compat.v1 give nan.
        * compat.v1 multiplies by a float32 :math:`\pi`: a numpy-float64
          ``initial_learning_rate`` raises ``InvalidArgumentError`` there. Keras 2 and 3 compute
          in float64 for it; the reference's float32 mode models the default float32.
        * A Python-int ``initial_learning_rate``: Keras 2 and compat.v1 raise ``TypeError``
          (``1.0`` cannot become an int32 to compare with ``t_mul``). Keras 3 truncates every
          argument to an int; ``t_mul`` other than 1 then raises ``TypeError`` (``1.0 - t_mul``),
          ``t_mul = 1`` (or 1.5, truncated) computes in float64 with :math:`\pi` cast to 3.

    Args:
        initial_learning_rate: :math:`\eta_0`.
        first_decay_steps: :math:`T_0`, the length of the first period in optimizer steps.
        t_mul: :math:`t`, the factor of each period's length over the previous one's.
        m_mul: :math:`m`, the factor of each period's peak over the previous one's.
        alpha: :math:`\alpha`, the floor as a fraction of :math:`\eta_0`.
        name: TensorFlow's op-scope name; only stored (``None`` in Keras 2 and compat.v1,
            ``"SGDRDecay"`` in Keras 3 by default).
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"``, ``"keras2"`` or ``"compat_v1"`` (see :data:`FLAVORS`).

    Example:
        >>> from reference.schedules import CosineDecayRestarts
        >>> schedule = CosineDecayRestarts(0.1, first_decay_steps=10)
        >>> schedule([0, 5, 10, 20, 30, 70]).tolist()
        [0.1, 0.05, 0.1, 0.05, 0.1, 0.1]
        >>> CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5)([5, 10, 15, 20]).tolist()
        [0.05, 0.05, 0.025, 0.025]
        >>> CosineDecayRestarts(0.1, 10, dtype="float32")(11)  # what TensorFlow returns
        0.09938441962003708
        >>> CosineDecayRestarts(0.1, 10, dtype="float32")([81910, 81911]).tolist()  # see Traps
        [0.0, 0.10000000149011612]
        >>> CosineDecayRestarts(0.1, 7, t_mul=3.0)(847)  # restart 5: float64 log says 4.999...
        0.1
    """

    #: TensorFlow's :math:`\pi`, as the compute dtype receives it (Keras 3 computing in int32
    #: casts it to 3: see :mod:`reference.schedules._out_of_domain`).
    _pi = math.pi

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name=FLAVOR_DEFAULT,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self._configure(
            dtype,
            flavor,
            name,
            keras3_name="SGDRDecay",
            keras3_positive=("first_decay_steps", first_decay_steps),
        )

    def _value(self, step: np.ndarray) -> np.ndarray:
        t, s, T_0 = self._cast(self.t_mul, step, self.first_decay_steps)
        f = s / T_0
        one, half = self._cast(1.0, 0.5)
        if t == 1:  # TensorFlow's tf.cond, on t_mul in the compute dtype
            i = np.floor(f)
            phi = f - i
        else:
            i = np.floor(_arith.log(one - f * (one - t)) / _arith.log(t))
            if self.dtype == "float64":
                # The exact formula: at a restart the quotient is an integer that rounding can
                # put on either side.
                i = _exact_restart_index(f, float(t), i)
            t_i = _arith.pow(t, i)
            phi = (f - (one - t_i) / (one - t)) / t_i
        eta_0, m, alpha, pi = self._cast(
            self.initial_learning_rate, self.m_mul, self.alpha, self._pi
        )
        cosine_decayed = (half * _arith.pow(m, i)) * (one + _arith.cos(pi * phi))
        return eta_0 * ((one - alpha) * cosine_decayed + alpha)

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        if is_python_int(self.initial_learning_rate):
            return out_of_domain.cosine_decay_restarts_in_int32(self, step)
        if self.flavor == "compat_v1" and is_numpy_float64(self.initial_learning_rate):
            raise out_of_domain.float32_pi_times_float64()
        return None

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


def _exact_restart_index(f: np.ndarray, t_mul: float, estimate: np.ndarray) -> np.ndarray:
    """The ``i`` with ``S(i) <= f < S(i + 1)``, ``S(i) = (t**i - 1) / (t - 1)`` the periods
    before restart ``i``, from an estimate that is off by at most one near a restart."""

    def periods_before(i):
        return (np.power(t_mul, i) - 1.0) / (t_mul - 1.0)

    finite = np.isfinite(estimate)
    i = np.where(finite, estimate, 0.0)
    i = np.where(finite & (periods_before(i) > f), i - 1, i)
    i = np.where(finite & (periods_before(i + 1) <= f), i + 1, i)
    return np.where(finite, i, estimate)

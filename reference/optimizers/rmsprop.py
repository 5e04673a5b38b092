"""RMSprop as Keras >= 2.11 and Keras 3 compute it (epsilon inside the square root)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reference import _arith
from reference.optimizers._keras import KerasOptimizer
from reference.optimizers._optimizer import (
    IndexedSlices,
    LearningRate,
    StepScalars,
    densify,
    scatter_add,
    sum_duplicates,
)
from reference.schedules._schedule import FLAVOR_DEFAULT


@dataclass(frozen=True)
class RMSpropScalars(StepScalars):
    """One step of Keras's RMSprop: the learning rate and the hyperparameters, in the compute
    dtype."""

    lr: np.ndarray
    rho: np.ndarray
    one_minus_rho: np.ndarray
    momentum: np.ndarray
    epsilon: np.ndarray


class RMSprop(KerasOptimizer):
    r"""RMSprop with epsilon inside the square root and the learning rate inside the momentum.

    For each update, learning rate :math:`\eta = \text{learning\_rate}(\text{iterations})`:

    .. math::

        \begin{aligned}
        v &\leftarrow \rho\, v + (1 - \rho)\, g^2 \\
        \bar g &\leftarrow \rho\, \bar g + (1 - \rho)\, g
            \quad\text{(centered only; otherwise } \bar g = 0) \\
        \Delta &= \eta\, g \,/\, \sqrt{v - \bar g^2 + \epsilon} \\
        \mu > 0:&\quad p \leftarrow \mu\, p + \Delta, \quad \theta \leftarrow \theta - p \\
        \mu = 0:&\quad \theta \leftarrow \theta - \Delta
        \end{aligned}

    :math:`v` starts at 0. Mirrors ``tf.keras.optimizers.RMSprop`` in TF 2.11-2.15 and
    ``tf_keras.optimizers.RMSprop`` (``flavor="keras2"``), and Keras 3's
    ``keras.optimizers.RMSprop`` (``flavor="keras3"``). Slots: ``velocity``, ``momentum`` (only
    when ``momentum > 0``), ``average_gradient`` (only when centered). float32 mode follows the
    source: ``rho`` and ``1 - rho`` (computed in Python) are rounded to float32; Keras 2
    computes :math:`\Delta` as ``lr * g * rsqrt(denominator)``, Keras 3 as
    ``(lr * g) / sqrt(denominator)``, and the two differ in the last bit.

    Traps:
        * TF1's ``RMSPropOptimizer`` starts :math:`v` at 1, not 0 (its first step with a unit
          gradient is :math:`\eta`, this one's is :math:`3.16\,\eta`); PyTorch puts epsilon
          outside the root and the learning rate outside the momentum buffer; the legacy Keras
          optimizer puts epsilon outside the root when ``momentum`` is 0 only.
        * Default ``rho`` 0.9 (PyTorch ``alpha`` 0.99); default ``epsilon`` 1e-7 (TF1 1e-10).
        * With momentum the learning rate is inside the buffer: under a changing learning rate
          this is not PyTorch's momentum.
        * No range check on ``momentum`` (1.5 is accepted; the legacy optimizer raises).
        * Sparse gradients: the velocity of every row decays; without momentum only the
          touched rows move, with momentum every row does. Keras 2 sums repeated indices
          first; Keras 3 does not (the velocity gets the sum of squares, and without momentum
          each repeated index is subtracted on its own).

    Args:
        learning_rate: a float, a reference schedule, or any callable of the step.
        rho, momentum, epsilon, centered: as TensorFlow.
        name: stored only (default: TensorFlow's, which differs between Keras 2 and 3).
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"`` or ``"keras2"``.
        kwargs: TensorFlow's retired arguments (``lr``, ``decay``), treated as each Keras does
            (see :func:`~reference.optimizers._optimizer.check_keras_arguments`).

    Example:
        >>> import numpy as np
        >>> from reference.optimizers import RMSprop
        >>> opt = RMSprop(learning_rate=0.01)
        >>> params, state = opt.step(np.ones(1), np.zeros(1), opt.init(np.zeros(1)))
        >>> params.tolist(), sorted(state)
        ([-0.031622760790307354], ['iterations', 'velocity'])
        >>> for flavor in ("keras3", "keras2"):  # what TensorFlow computes
        ...     opt32 = RMSprop(learning_rate=0.01, dtype="float32", flavor=flavor)
        ...     print(opt32.step(np.ones(1), np.zeros(1), opt32.init(np.zeros(1)))[0].tolist())
        [-0.031622759997844696]
        [-0.031622763723134995]
    """

    default_names = {"keras3": "rm_sprop", "keras2": "RMSprop"}

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency=FLAVOR_DEFAULT,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        *,
        jit_compile=FLAVOR_DEFAULT,
        dtype: str = "float64",
        flavor: str = "keras3",
        **kwargs,
    ):
        self._configure(
            learning_rate=learning_rate,
            name=name,
            dtype=dtype,
            flavor=flavor,
            options=dict(
                weight_decay=weight_decay,
                clipnorm=clipnorm,
                clipvalue=clipvalue,
                global_clipnorm=global_clipnorm,
                use_ema=use_ema,
                ema_momentum=ema_momentum,
                ema_overwrite_frequency=ema_overwrite_frequency,
                loss_scale_factor=loss_scale_factor,
                gradient_accumulation_steps=gradient_accumulation_steps,
                jit_compile=jit_compile,
            ),
            kwargs=kwargs,
        )
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _default_overwrite_frequency(self):
        # Keras 2's RMSprop (alone among its optimizers) defaults to 100; Keras 3 to None.
        return 100 if self.flavor == "keras2" else None

    def slot_names(self) -> tuple[str, ...]:
        names = ("velocity",)
        if self.momentum > 0:
            names += ("momentum",)
        if self.centered:
            names += ("average_gradient",)
        return names

    def _prepare(self, state) -> RMSpropScalars:
        for name in ("rho", "epsilon"):
            self._check_tensor(name, getattr(self, name))
        return RMSpropScalars(
            lr=self.learning_rate_at(state[self.counter]),
            rho=self._constant(self.rho),
            # 1 - rho is computed on the Python float, then rounded.
            one_minus_rho=self._constant(1 - self.rho),
            momentum=self._constant(self.momentum),
            epsilon=self._constant(self.epsilon),
        )

    def _update(self, gradient, param, slots, scalars: RMSpropScalars):
        if isinstance(gradient, IndexedSlices):
            if self.flavor == "keras3":
                return self._sparse_keras3(gradient, param, slots, scalars)
            return self._sparse_keras2(sum_duplicates(gradient), param, slots, scalars)
        rho, one_minus_rho = scalars.rho, scalars.one_minus_rho
        velocity = rho * slots["velocity"] + one_minus_rho * (gradient * gradient)
        updated = {"velocity": velocity}
        if self.centered:
            average = rho * slots["average_gradient"] + one_minus_rho * gradient
            updated["average_gradient"] = average
            denominator = velocity - average * average + scalars.epsilon
        else:
            denominator = velocity + scalars.epsilon
        if self.flavor == "keras2":
            increment = scalars.lr * gradient * _arith.rsqrt(denominator)
        else:
            increment = (scalars.lr * gradient) / np.sqrt(denominator)
        if self.momentum > 0:
            updated["momentum"] = scalars.momentum * slots["momentum"] + increment
            return param - updated["momentum"], updated
        return param - increment, updated

    def _sparse_keras2(self, gradient, param, slots, scalars: RMSpropScalars):
        """Keras 2: every row's moving averages decay, the touched rows get the gradient; the
        parameter moves at the touched rows only, unless momentum carries every row."""
        rho, one_minus_rho = scalars.rho, scalars.one_minus_rho
        indices, values = gradient
        velocity = scatter_add(rho * slots["velocity"], indices, (values * values) * one_minus_rho)
        updated = {"velocity": velocity}
        if self.centered:
            average = scatter_add(rho * slots["average_gradient"], indices, values * one_minus_rho)
            updated["average_gradient"] = average
            denominator = velocity - average * average + scalars.epsilon
        else:
            denominator = velocity + scalars.epsilon
        increment = scalars.lr * values * _arith.rsqrt(denominator[indices])
        if self.momentum > 0:
            momentum = scatter_add(scalars.momentum * slots["momentum"], indices, increment)
            updated["momentum"] = momentum
            return param + (-momentum), updated
        return scatter_add(param, indices, -increment), updated

    def _sparse_keras3(self, gradient, param, slots, scalars: RMSpropScalars):
        """Keras 3: each operation densifies the sparse operand (repeated rows summed after
        the operation, so the velocity gets the sum of squares); the increment stays sparse,
        one row per index, and is subtracted index by index without momentum."""
        rho, one_minus_rho = scalars.rho, scalars.one_minus_rho
        indices, values = gradient
        shape = param.shape
        velocity = rho * slots["velocity"] + densify(
            IndexedSlices(indices, one_minus_rho * (values * values)), shape
        )
        updated = {"velocity": velocity}
        if self.centered:
            average = rho * slots["average_gradient"] + densify(
                IndexedSlices(indices, one_minus_rho * values), shape
            )
            updated["average_gradient"] = average
            denominator = velocity - average * average + scalars.epsilon
        else:
            denominator = velocity + scalars.epsilon
        if np.any((denominator == 0) | np.isnan(denominator)):
            # Keras 3 then also writes 0/0 into the rows where the denominator is 0 or nan.
            raise NotImplementedError("a zero or nan RMSprop denominator with a sparse gradient")
        increment = (scalars.lr * values) / np.sqrt(denominator[indices])
        if self.momentum > 0:
            momentum = scalars.momentum * slots["momentum"] + densify(
                IndexedSlices(indices, increment), shape
            )
            updated["momentum"] = momentum
            return param - momentum, updated
        return scatter_add(param, indices, -increment), updated

    def _family_config(self) -> dict:
        return {
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }

"""RMSprop as Keras OptimizerV2 computes it (``tf.keras.optimizers.legacy.RMSprop``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reference import _arith
from reference.optimizers._kernels import (
    ApplyRMSPropScalars,
    apply_rms_prop,
    sparse_apply_rms_prop,
)
from reference.optimizers._optimizer import (
    IndexedSlices,
    LearningRate,
    scatter_add,
    sum_duplicates,
)
from reference.optimizers.legacy._optimizer_v2 import (
    BACKEND_EPSILON,
    OptimizerV2,
    serialize_hyperparameter,
)


@dataclass(frozen=True)
class LegacyRMSpropScalars(ApplyRMSPropScalars):
    """One step of OptimizerV2's RMSprop: the kernel's inputs, and ``1 - rho`` for the Python
    path (without momentum)."""

    one_minus_rho: np.ndarray


class RMSprop(OptimizerV2):
    r"""RMSprop of the Keras OptimizerV2 family, whose epsilon moves with ``momentum``.

    For each update, learning rate :math:`\eta` as in
    :class:`~reference.optimizers.legacy._optimizer_v2.OptimizerV2`,
    :math:`\bar g = 0` unless centered:

    .. math::

        \begin{aligned}
        v &\leftarrow \rho\, v + (1 - \rho)\, g^2, \qquad
        \bar g \leftarrow \rho\, \bar g + (1 - \rho)\, g \\
        \mu = 0:&\quad \theta \leftarrow \theta - \eta\, g \,/\,
            \bigl(\sqrt{v - \bar g^2} + \epsilon\bigr) \\
        \mu > 0:&\quad p \leftarrow \mu\, p + \eta\, g \,/\, \sqrt{v - \bar g^2 + \epsilon},
            \quad \theta \leftarrow \theta - p
        \end{aligned}

    Mirrors ``tf.keras.optimizers.legacy.RMSprop`` (TF 2.11-2.15; ``tf.keras.optimizers.RMSprop``
    before 2.11) and ``tf_keras.optimizers.legacy.RMSprop``. Slots ``rms`` (from 0),
    ``momentum`` (when momentum > 0), ``mg`` (centered). With momentum TensorFlow runs the
    ``ApplyRMSProp`` / ``ApplyCenteredRMSProp`` kernels (float32 order: ``v += (g^2 - v)(1 - rho)``,
    ``p = p * mu + (g * lr) / sqrt(v + eps)``); without, a Python formula (``v = rho * v +
    (1 - rho) * g^2``, ``theta - (lr * g) / (sqrt(v) + eps)``).

    Traps:
        * Epsilon sits *outside* the square root when ``momentum`` is 0 and *inside* otherwise:
          switching momentum on changes more than momentum (tensorflow/tensorflow#41115). A
          callable ``momentum`` counts as on, even one that returns 0: the momentum kernel
          runs, with epsilon inside the root and a ``momentum`` slot.
        * ``epsilon=0`` or ``None`` silently becomes 1e-7.
        * ``momentum`` outside [0, 1] raises ``ValueError`` (the Keras >= 2.11 optimizer accepts
          it).
        * Sparse gradients (repeated indices summed first) are lazy with momentum (untouched
          rows keep their slots and values); without momentum every row's ``rms`` decays but
          only the touched rows move.

    Args:
        learning_rate: a float, a reference schedule, or a callable of no argument.
        rho, momentum, epsilon, centered, decay: as TensorFlow (``lr`` is accepted for
            ``learning_rate``); ``rho`` and ``momentum`` may be callables of no argument.
        clipnorm, clipvalue, global_clipnorm: TensorFlow's keyword arguments (see
            :mod:`reference.optimizers.legacy._optimizer_v2` for their order).
        name: stored only.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).

    Example:
        >>> import numpy as np
        >>> from reference.optimizers.legacy import RMSprop
        >>> for momentum in (0.0, 0.5):  # epsilon outside, then inside the root
        ...     opt = RMSprop(learning_rate=0.01, momentum=momentum)
        ...     print(opt.step(np.ones(1), np.zeros(1), opt.init(np.zeros(1)))[0].tolist())
        [-0.03162276660168696]
        [-0.031622760790307354]
        >>> for momentum in (0.0, 0.5):  # what TensorFlow computes
        ...     opt = RMSprop(learning_rate=0.01, momentum=momentum, dtype="float32")
        ...     print(opt.step(np.ones(1), np.zeros(1), opt.init(np.zeros(1)))[0].tolist())
        [-0.031622763723134995]
        [-0.031622759997844696]
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float | None = 1e-7,
        centered: bool = False,
        name: str = "RMSprop",
        *,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        decay: float = 0.0,
        lr: LearningRate | None = None,
        dtype: str = "float64",
    ):
        self.dtype = str(_arith.check_dtype(dtype))
        self._configure_v2(
            learning_rate,
            name=name,
            lr=lr,
            decay=decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )
        if isinstance(momentum, (int, float)) and not 0 <= momentum <= 1:
            raise ValueError(
                "`momentum` must be between [0, 1]. Received: "
                f"momentum={momentum} (of type {type(momentum)})."
            )
        self.rho = rho
        self.momentum = momentum
        # TensorFlow's switch: a callable (or tensor) momentum selects the momentum kernel,
        # whatever it returns (0 included), and with it epsilon inside the square root.
        self.uses_momentum = callable(momentum) or momentum > 0
        self.epsilon = epsilon or BACKEND_EPSILON
        self.centered = centered

    def slot_names(self) -> tuple[str, ...]:
        names = ("rms",)
        if self.uses_momentum:
            names += ("momentum",)
        if self.centered:
            names += ("mg",)
        return names

    def _prepare(self, state) -> LegacyRMSpropScalars:
        rho = self._constant(self._hyperparameter(self.rho))
        return LegacyRMSpropScalars(
            lr=self.learning_rate_at(state[self.counter]),
            rho=rho,
            momentum=self._constant(self._hyperparameter(self.momentum)),
            epsilon=self._epsilon(),
            # On the hyperparameter variable, in the compute dtype (Keras >= 2.11 subtracts the
            # Python floats).
            one_minus_rho=self._constant(1.0) - rho,
        )

    def _update(self, gradient, param, slots, scalars: LegacyRMSpropScalars):
        if isinstance(gradient, IndexedSlices):
            return self._sparse(sum_duplicates(gradient), param, slots, scalars)
        if self.uses_momentum:
            param, rms, momentum, mg = apply_rms_prop(
                gradient, param, slots["rms"], slots["momentum"], scalars, mg=slots.get("mg")
            )
            updated = {"rms": rms, "momentum": momentum}
            if self.centered:
                updated["mg"] = mg
            return param, updated
        rho, one_minus_rho = scalars.rho, scalars.one_minus_rho
        rms = rho * slots["rms"] + one_minus_rho * (gradient * gradient)
        updated = {"rms": rms}
        denominator = rms
        if self.centered:
            mg = updated["mg"] = rho * slots["mg"] + one_minus_rho * gradient
            denominator = rms - mg * mg
        step = (scalars.lr * gradient) / (np.sqrt(denominator) + scalars.epsilon)
        return param - step, updated

    def _sparse(self, gradient, param, slots, scalars: LegacyRMSpropScalars):
        """A sparse gradient (duplicates summed). With momentum: TensorFlow's lazy sparse
        kernels (only the touched rows' slots and values change). Without: every row's ``rms``
        decays, the touched rows get the gradient, and only the touched rows move."""
        indices, values = gradient
        if self.uses_momentum:
            param, rms, momentum, mg = sparse_apply_rms_prop(
                indices,
                values,
                param,
                slots["rms"],
                slots["momentum"],
                scalars,
                mg=slots.get("mg"),
            )
            updated = {"rms": rms, "momentum": momentum}
            if self.centered:
                updated["mg"] = mg
            return param, updated
        rho, one_minus_rho = scalars.rho, scalars.one_minus_rho
        rms = scatter_add(slots["rms"] * rho, indices, (values * values) * one_minus_rho)
        updated = {"rms": rms}
        denominator = rms[indices]
        if self.centered:
            mg = updated["mg"] = scatter_add(slots["mg"] * rho, indices, values * one_minus_rho)
            denominator = denominator - mg[indices] * mg[indices]
        step = (-scalars.lr * values) / (np.sqrt(denominator) + scalars.epsilon)
        return scatter_add(param, indices, step), updated

    def get_config(self) -> dict:
        """TensorFlow's ``get_config()`` of a fresh optimizer (before its first update)."""
        return {
            **self._base_config(),
            "rho": serialize_hyperparameter(self.rho),
            "momentum": serialize_hyperparameter(self.momentum),
            "epsilon": self.epsilon,
            "centered": self.centered,
        }

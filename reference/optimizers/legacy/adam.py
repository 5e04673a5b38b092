"""Adam as Keras OptimizerV2 computes it (``tf.keras.optimizers.legacy.Adam``)."""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.optimizers._kernels import ApplyAdamScalars, apply_adam
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


class Adam(OptimizerV2):
    r"""Adam of the Keras OptimizerV2 family, computed by TensorFlow's ``ApplyAdam`` kernel.

    For update :math:`t = \text{iterations} + 1`, learning rate :math:`\eta` as in
    :class:`~reference.optimizers.legacy._optimizer_v2.OptimizerV2`:

    .. math::

        \begin{aligned}
        \alpha_t &= \eta \,\sqrt{1 - \beta_2^{\,t}} \,/\, (1 - \beta_1^{\,t}) \\
        m &\leftarrow m + (g - m)(1 - \beta_1) \\
        v &\leftarrow v + (g^2 - v)(1 - \beta_2) \\
        \hat v &\leftarrow \max(\hat v, v) \quad \text{(amsgrad: } v \text{ below means } \hat v) \\
        \theta &\leftarrow \theta - \alpha_t\, m \,/\, (\sqrt{v} + \epsilon)
        \end{aligned}

    Mirrors ``tf.keras.optimizers.legacy.Adam`` (TF 2.11-2.15; ``tf.keras.optimizers.Adam``
    before 2.11) and ``tf_keras.optimizers.legacy.Adam``. Slots ``m``, ``v`` (and ``vhat`` with
    amsgrad); counter ``iterations``. float32 mode: :math:`\beta^t` is ``tf.pow`` of the float32
    hyperparameter variable; the kernel computes ``1 - beta`` in float32 (the Keras >= 2.11
    optimizers compute it in Python float64 first: a different last bit).

    Traps:
        * ``epsilon=0`` or ``None`` silently becomes 1e-7 (``epsilon or backend.epsilon()``).
        * The schedule receives ``iterations`` as a float of the variable's dtype.
        * ``decay`` divides the learning rate by :math:`1 + \text{decay}\cdot k` on top of any
          schedule (the Keras >= 2.11 optimizers reject it).
        * The same epsilon-hat form as every TensorFlow Adam (see
          :class:`reference.optimizers.Adam`).
        * A sparse gradient (repeated indices summed first) is not lazy: every row decays and
          moves.

    Args:
        learning_rate: a float, a reference schedule, or a callable of no argument.
        beta_1, beta_2, epsilon, amsgrad, decay: as TensorFlow (``lr`` is accepted for
            ``learning_rate``, as TensorFlow does); ``beta_1`` and ``beta_2`` may be
            callables of no argument.
        clipnorm, clipvalue, global_clipnorm: TensorFlow's keyword arguments (see
            :mod:`reference.optimizers.legacy._optimizer_v2` for their order).
        name: stored only.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).

    Example:
        >>> import numpy as np
        >>> from reference.optimizers.legacy import Adam
        >>> opt = Adam(learning_rate=0.01, epsilon=0, dtype="float32")
        >>> opt.epsilon
        1e-07
        >>> opt.step(np.array([1e-4]), np.zeros(1), opt.init(np.zeros(1)))[0].tolist()
        [-0.009693464264273643]
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-7,
        amsgrad: bool = False,
        name: str = "Adam",
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon or BACKEND_EPSILON
        self.amsgrad = amsgrad

    def slot_names(self) -> tuple[str, ...]:
        return ("m", "v", "vhat") if self.amsgrad else ("m", "v")

    def _prepare(self, state) -> ApplyAdamScalars:
        beta_1 = self._constant(self._hyperparameter(self.beta_1))
        beta_2 = self._constant(self._hyperparameter(self.beta_2))
        local_step = self._constant(state[self.counter] + 1)
        return ApplyAdamScalars(
            beta1_power=_arith.pow(beta_1, local_step),
            beta2_power=_arith.pow(beta_2, local_step),
            lr=self.learning_rate_at(state[self.counter]),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=self._epsilon(),
        )

    def _update(self, gradient, param, slots, scalars: ApplyAdamScalars):
        if isinstance(gradient, IndexedSlices):
            return self._sparse(sum_duplicates(gradient), param, slots, scalars)
        param, m, v, vhat = apply_adam(
            gradient, param, slots["m"], slots["v"], scalars, vhat=slots.get("vhat")
        )
        updated = {"m": m, "v": v}
        if self.amsgrad:
            updated["vhat"] = vhat
        return param, updated

    def _sparse(self, gradient, param, slots, scalars: ApplyAdamScalars):
        """The Python path for a sparse gradient (duplicates summed): every row decays, the
        touched rows get the gradient, every row moves; the step size is grouped as
        ``lr * (sqrt(1 - beta_2^t) / (1 - beta_1^t))``."""
        one = self._constant(1)
        beta_1, beta_2 = scalars.beta1, scalars.beta2
        lr = scalars.lr * (np.sqrt(one - scalars.beta2_power) / (one - scalars.beta1_power))
        indices, values = gradient
        m = scatter_add(slots["m"] * beta_1, indices, values * (one - beta_1))
        v = scatter_add(slots["v"] * beta_2, indices, (values * values) * (one - beta_2))
        updated = {"m": m, "v": v}
        if self.amsgrad:
            v = updated["vhat"] = np.maximum(slots["vhat"], v)
        return param - lr * m / (np.sqrt(v) + scalars.epsilon), updated

    def get_config(self) -> dict:
        """TensorFlow's ``get_config()`` of a fresh optimizer (before its first update, when
        TensorFlow still holds the hyperparameters as given)."""
        return {
            **self._base_config(),
            "beta_1": serialize_hyperparameter(self.beta_1),
            "beta_2": serialize_hyperparameter(self.beta_2),
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }

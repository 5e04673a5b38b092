"""The TF1 optimizers of ``tf.compat.v1.train``: AdamOptimizer, RMSPropOptimizer,
GradientDescentOptimizer.

Each reference object models ``optimizer.minimize(loss, global_step=gs)``: ``step`` updates the
parameters with the learning rate at ``state["global_step"]`` and then increments it, as TF1
does (the increment runs after every variable update). ``step(..., global_step=False)`` models
``minimize(loss)`` without ``global_step=``: the step never moves, so a decay schedule driven by
it stays at its first value. See :mod:`reference.compat_v1.global_step` for the whole story.
"""

from __future__ import annotations

import inspect

import numpy as np

from reference import _arith
from reference.optimizers._kernels import (
    ApplyAdamScalars,
    ApplyRMSPropScalars,
    apply_adam,
    apply_gradient_descent,
    apply_rms_prop,
    sparse_apply_rms_prop,
)
from reference.optimizers._optimizer import (
    IndexedSlices,
    LearningRate,
    LearningRateScalars,
    Optimizer,
    State,
    scatter_add,
    sum_duplicates,
)

__all__ = ["AdamOptimizer", "GradientDescentOptimizer", "RMSPropOptimizer"]


def _takes_the_step(function) -> bool:
    """Whether a callable learning rate needs an argument (the global step): a parameter
    without a default."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # no signature to read: a callable of the step
        return True
    return any(
        p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        for p in parameters
    )


class _V1Optimizer(Optimizer):
    """The TF1 counter: ``global_step``, incremented after the update when asked to; the TF1
    hyperparameters.

    Every hyperparameter may be a callable of no argument, which TF1 calls when it builds the
    update (``_call_if_callable``; the reference calls it at every update, the same for a
    function of nothing but constants). The learning rate may also be a callable of the global
    step (a reference schedule, or ``functools.partial`` of a ``reference.compat_v1`` decay
    function): the reference's model of a TF1 decay tensor computed from ``global_step``."""

    counter = "global_step"

    def learning_rate_at(self, step) -> np.ndarray:
        value = self.learning_rate
        if callable(value) and _takes_the_step(value):
            return self._constant(value(step))
        return self._constant(self._hyperparameter(value))

    def _hyper(self, value) -> np.ndarray:
        return self._constant(self._hyperparameter(value))

    def step(self, grads, params, state: State, *, global_step: bool = True):
        """One ``minimize``: returns ``(new_params, new_state)``. With ``global_step=False`` the
        step counter stays where it is (``minimize(loss)`` without ``global_step=``)."""
        params, new_state = super().step(grads, params, state)
        if not global_step:
            new_state[self.counter] = state[self.counter]
        return params, new_state


class GradientDescentOptimizer(_V1Optimizer):
    r"""Plain gradient descent: :math:`\theta \leftarrow \theta - g\,\eta` (TF's kernel
    multiplies the gradient by the learning rate, in that order).

    Mirrors ``tf.compat.v1.train.GradientDescentOptimizer``. No slots. A sparse gradient is
    scattered row by row, repeated indices included (not summed first).

    Example:
        >>> import numpy as np
        >>> from reference.compat_v1 import GradientDescentOptimizer
        >>> opt = GradientDescentOptimizer(0.1)
        >>> params, state = opt.step(np.array([1.0]), np.array([1.0]), opt.init(np.array([1.0])))
        >>> params.tolist(), state
        ([0.9], {'global_step': 1})
    """

    def __init__(
        self,
        learning_rate: LearningRate,
        use_locking: bool = False,
        name: str = "GradientDescent",
        *,
        dtype: str = "float64",
    ):
        self.dtype = str(_arith.check_dtype(dtype))
        self.learning_rate = learning_rate
        self.name = name

    def slot_names(self) -> tuple[str, ...]:
        return ()

    def _update(self, gradient, param, slots, scalars: LearningRateScalars):
        if isinstance(gradient, IndexedSlices):
            # Repeated indices are not summed: each row is added on its own.
            return scatter_add(param, gradient.indices, -gradient.values * scalars.lr), {}
        return apply_gradient_descent(gradient, param, scalars.lr), {}

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate, "name": self.name}


class AdamOptimizer(_V1Optimizer):
    r"""TF1 Adam: the epsilon-hat form, with bias corrections from float32 accumulators.

    .. math::

        \begin{aligned}
        \alpha &= \eta \,\sqrt{1 - P_2} \,/\, (1 - P_1) \\
        m &\leftarrow m + (g - m)(1 - \beta_1), \qquad
        v \leftarrow v + (g^2 - v)(1 - \beta_2) \\
        \theta &\leftarrow \theta - \alpha\, m \,/\, (\sqrt{v} + \epsilon) \\
        P_1 &\leftarrow P_1 \beta_1, \qquad P_2 \leftarrow P_2 \beta_2
            \quad\text{(after every variable was updated)}
        \end{aligned}

    :math:`P_1, P_2` are the non-slot variables ``beta1_power``, ``beta2_power`` (in ``state``),
    starting at :math:`\beta_1, \beta_2`; :math:`\eta` is the learning rate at
    ``state["global_step"]``. Mirrors ``tf.compat.v1.train.AdamOptimizer`` (the ``ApplyAdam``
    kernel). Slots ``m``, ``v``.

    Traps:
        * :math:`P_1, P_2` are float32 variables even for float64 parameters, and they are a
          running product, not :math:`\beta^t` (float32 mode multiplies them in float32;
          float64 mode uses the exact :math:`\beta^t`). They do not follow ``global_step``:
          restoring only the step, or stepping without ``global_step=``, leaves them where
          they are.
        * Default ``epsilon`` is 1e-8 (Keras: 1e-7).
        * The first update uses the learning rate at global step 0.
        * A sparse gradient (repeated indices summed first) is not lazy: every row decays and
          moves, as with the dense gradient.

    Example:
        >>> import numpy as np
        >>> from reference.compat_v1 import AdamOptimizer
        >>> opt = AdamOptimizer(0.01, dtype="float32")
        >>> params, state = opt.step(np.array([1e-4]), np.zeros(1), opt.init(np.zeros(1)))
        >>> params.tolist(), state["global_step"], float(state["beta1_power"])
        ([-0.009968477301299572], 1, 0.809999942779541)
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        use_locking: bool = False,
        name: str = "Adam",
        *,
        dtype: str = "float64",
    ):
        self.dtype = str(_arith.check_dtype(dtype))
        self.learning_rate = learning_rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.name = name

    def slot_names(self) -> tuple[str, ...]:
        return ("m", "v")

    def _initial_non_slots(self) -> dict:
        # TF creates them from the Python floats: float32 variables (float64 mode: the exact
        # running product, in float64).
        return {"beta1_power": self._hyper(self.beta1), "beta2_power": self._hyper(self.beta2)}

    def _prepare(self, state) -> ApplyAdamScalars:
        return ApplyAdamScalars(
            beta1_power=self._constant(state["beta1_power"]),
            beta2_power=self._constant(state["beta2_power"]),
            lr=self.learning_rate_at(state[self.counter]),
            beta1=self._hyper(self.beta1),
            beta2=self._hyper(self.beta2),
            epsilon=self._hyper(self.epsilon),
        )

    def _update(self, gradient, param, slots, scalars: ApplyAdamScalars):
        if isinstance(gradient, IndexedSlices):
            return self._sparse(sum_duplicates(gradient), param, slots, scalars)
        param, m, v, _ = apply_adam(gradient, param, slots["m"], slots["v"], scalars)
        return param, {"m": m, "v": v}

    def _sparse(self, gradient, param, slots, scalars: ApplyAdamScalars):
        """The Python path for a sparse gradient (duplicates summed): every row decays, the
        touched rows get the gradient, every row moves (the same algorithm as dense)."""
        one = self._constant(1)
        beta1, beta2 = scalars.beta1, scalars.beta2
        lr = scalars.lr * np.sqrt(one - scalars.beta2_power) / (one - scalars.beta1_power)
        indices, values = gradient
        m = scatter_add(slots["m"] * beta1, indices, values * (one - beta1))
        v = scatter_add(slots["v"] * beta2, indices, (values * values) * (one - beta2))
        return param - lr * m / (np.sqrt(v) + scalars.epsilon), {"m": m, "v": v}

    def _finish(self, state, scalars: ApplyAdamScalars):
        return {
            self.counter: state[self.counter] + 1,
            "beta1_power": scalars.beta1_power * scalars.beta1,
            "beta2_power": scalars.beta2_power * scalars.beta2,
        }

    def get_config(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "beta1": self.beta1,
            "beta2": self.beta2,
            "epsilon": self.epsilon,
            "name": self.name,
        }


class RMSPropOptimizer(_V1Optimizer):
    r"""TF1 RMSProp: mean square from **1**, epsilon inside the root, momentum slot always.

    .. math::

        \begin{aligned}
        s &\leftarrow s + (g^2 - s)(1 - \rho), \qquad
        \bar g \leftarrow \bar g + (g - \bar g)(1 - \rho) \quad\text{(centered)} \\
        p &\leftarrow p\,\mu + g\,\eta \,/\, \sqrt{s - \bar g^2 + \epsilon}, \qquad
        \theta \leftarrow \theta - p
        \end{aligned}

    :math:`s` (slot ``rms``) starts at 1, :math:`p` (slot ``momentum``) and :math:`\bar g`
    (slot ``mg``, centered only; otherwise :math:`\bar g = 0`) at 0; :math:`\rho` is ``decay``.
    Mirrors ``tf.compat.v1.train.RMSPropOptimizer`` (the ``ApplyRMSProp`` /
    ``ApplyCenteredRMSProp`` kernels, used even when ``momentum`` is 0).

    Traps:
        * The mean square starts at 1: with a unit gradient the first update moves by exactly
          :math:`\eta` (Keras, starting at 0, moves by :math:`3.16\,\eta`); with small
          gradients the early steps are tiny.
        * ``learning_rate`` has no default; ``epsilon`` defaults to 1e-10 (Keras 1e-7).
        * A sparse gradient (repeated indices summed first) is lazy: rows it does not touch
          keep their slots and values (the ``SparseApplyRMSProp`` kernels, CPU only).

    Example:
        >>> import numpy as np
        >>> from reference.compat_v1 import RMSPropOptimizer
        >>> opt = RMSPropOptimizer(0.01)
        >>> params, state = opt.step(np.ones(1), np.zeros(1), opt.init(np.zeros(1)))
        >>> params.tolist(), sorted(state)
        ([-0.0099999999995], ['global_step', 'momentum', 'rms'])
        >>> opt = RMSPropOptimizer(0.01, dtype="float32")  # what TensorFlow computes
        >>> opt.step(np.ones(1), np.zeros(1), opt.init(np.zeros(1)))[0].tolist()
        [-0.009999999776482582]
    """

    def __init__(
        self,
        learning_rate: LearningRate,
        decay: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-10,
        use_locking: bool = False,
        centered: bool = False,
        name: str = "RMSProp",
        *,
        dtype: str = "float64",
    ):
        self.dtype = str(_arith.check_dtype(dtype))
        self.learning_rate = learning_rate
        self.decay = decay
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        self.name = name

    def slot_names(self) -> tuple[str, ...]:
        return ("rms", "momentum", "mg") if self.centered else ("rms", "momentum")

    def _initial_slot(self, name, param):
        return np.ones_like(param) if name == "rms" else np.zeros_like(param)

    def _prepare(self, state) -> ApplyRMSPropScalars:
        return ApplyRMSPropScalars(
            lr=self.learning_rate_at(state[self.counter]),
            rho=self._hyper(self.decay),
            momentum=self._hyper(self.momentum),
            epsilon=self._hyper(self.epsilon),
        )

    def _update(self, gradient, param, slots, scalars: ApplyRMSPropScalars):
        if isinstance(gradient, IndexedSlices):
            rows = sum_duplicates(gradient)
            param, rms, momentum, mg = sparse_apply_rms_prop(
                rows.indices,
                rows.values,
                param,
                slots["rms"],
                slots["momentum"],
                scalars,
                mg=slots.get("mg"),
            )
        else:
            param, rms, momentum, mg = apply_rms_prop(
                gradient,
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

    def get_config(self) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "decay": self.decay,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
            "name": self.name,
        }

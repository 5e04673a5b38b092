"""Adam as Keras >= 2.11 and Keras 3 compute it (the "epsilon hat" form)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reference import _arith
from reference.optimizers._keras import KerasOptimizer
from reference.optimizers._optimizer import (
    IndexedSlices,
    LearningRate,
    StepScalars,
    check_keras_arguments,
    check_keras_flavor,
    densify,
    scatter_add,
    sum_duplicates,
)
from reference.schedules._schedule import FLAVOR_DEFAULT


@dataclass(frozen=True)
class AdamScalars(StepScalars):
    """One step of Keras's Adam: :math:`\\alpha_t`, :math:`\\hat\\epsilon` and
    :math:`1 - \\beta_1`, :math:`1 - \\beta_2` in the compute dtype."""

    alpha: np.ndarray
    epsilon: np.ndarray
    one_minus_beta_1: np.ndarray
    one_minus_beta_2: np.ndarray


class Adam(KerasOptimizer):
    r"""Adam, in the form every TensorFlow Adam uses: epsilon added to :math:`\sqrt{v}` *after*
    the bias correction was moved into the step size.

    For update :math:`t = \text{iterations} + 1` (1 for the first update), learning rate
    :math:`\eta = \text{learning\_rate}(t - 1)`:

    .. math::

        \begin{aligned}
        \alpha_t &= \eta \,\sqrt{1 - \beta_2^{\,t}} \,/\, (1 - \beta_1^{\,t}) \\
        m &\leftarrow m + (g - m)(1 - \beta_1) \\
        v &\leftarrow v + (g^2 - v)(1 - \beta_2) \\
        \hat v &\leftarrow \max(\hat v, v) \quad \text{(amsgrad: } v \text{ below means } \hat v) \\
        \hat\epsilon &= \epsilon \quad\text{or, with adaptive\_epsilon,}\quad
                       \epsilon \sqrt{1 - \beta_2^{\,t}} \\
        \theta &\leftarrow \theta - \alpha_t\, m \,/\, (\sqrt{v} + \hat\epsilon)
        \end{aligned}

    Mirrors ``tf.keras.optimizers.Adam`` in TF 2.11-2.15 and ``tf_keras.optimizers.Adam``
    (``flavor="keras2"``), and Keras 3's ``keras.optimizers.Adam`` (``tf.keras`` from TF 2.16,
    ``flavor="keras3"``), on the TensorFlow backend. Slots: ``m``, ``v``, ``vhat`` (Keras 2) or
    ``momentum``, ``velocity``, ``velocity_hat`` (Keras 3); the counter is ``iterations``.
    float32 mode follows the Python source op by op: :math:`\beta^t` is ``tf.pow`` of the float32
    :math:`\beta` (the C library's ``powf``), ``1 - beta_1`` is computed in Python float64 and
    then rounded to float32, and ``epsilon`` is rounded to float32.

    Traps:
        * This is not the Adam of PyTorch or optax (:math:`\hat m / (\sqrt{\hat v} + \epsilon)`):
          the two equal each other only with the time-varying
          :math:`\epsilon_t = \hat\epsilon / \sqrt{1 - \beta_2^t}`. With :math:`|g| \approx
          10^{-4}` the first steps differ by about 3 %. tf_keras's ``adaptive_epsilon=True``
          gives the standard form (``flavor="keras2"`` only; Keras 3 has no such argument, and
          tf_keras leaves it out of ``get_config``).
        * Default ``epsilon`` is 1e-7 (TF1 and PyTorch: 1e-8); ``epsilon=0`` is honoured (the
          legacy optimizer silently turns it into 1e-7).
        * ``amsgrad`` keeps the maximum of the *uncorrected* :math:`v` (PyTorch too; optax's
          default takes the maximum of the corrected one).
        * TensorFlow rounds the Python-float betas to float32 even for float64 variables, so a
          float64 TensorFlow trajectory is off the exact formula by about 6.5e-6 relative.
        * The learning rate is evaluated at ``iterations`` *before* the update (0 first).
        * Sparse gradients (:class:`~reference.optimizers.IndexedSlices`, e.g. from an
          embedding lookup) are not lazy: every row's moments decay and every row moves.
          Keras 2 sums repeated indices first; Keras 3 does not, so a repeated row's
          :math:`v` receives :math:`\sum g_i^2` instead of :math:`(\sum g_i)^2`.

    Args:
        learning_rate: a float, a reference schedule, or any callable of the step.
        beta_1, beta_2, epsilon, amsgrad: as TensorFlow.
        adaptive_epsilon: tf_keras >= 2.16 only (``flavor="keras2"``; Keras 2.15, which is
            ``tf.keras`` in TF 2.15, raises TypeError; Keras 3 raises ValueError).
        name: stored only (default: TensorFlow's, which differs between Keras 2 and 3).
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).
        flavor: ``"keras3"`` or ``"keras2"``.
        kwargs: TensorFlow's retired arguments (``lr``, ``decay``), treated as each Keras does
            (see :func:`~reference.optimizers._optimizer.check_keras_arguments`).

    Example:
        >>> import numpy as np
        >>> from reference.optimizers import Adam
        >>> opt = Adam(learning_rate=0.01)
        >>> state = opt.init(np.zeros(2))
        >>> params, state = opt.step(np.array([1e-4, -1.0]), np.zeros(2), state)
        >>> params.tolist(), state["iterations"]  # PyTorch's Adam moves the first by 0.00999
        ([-0.009693465699682845, 0.009999968377323396], 1)
        >>> opt32 = Adam(learning_rate=0.01, dtype="float32")  # what TensorFlow computes
        >>> opt32.step(np.array([1e-4, -1.0]), np.zeros(2), opt32.init(np.zeros(2)))[0].tolist()
        [-0.009693400003015995, 0.009999901056289673]
    """

    default_names = {"keras3": "adam", "keras2": "Adam"}

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        *,
        adaptive_epsilon: bool = False,
        jit_compile=FLAVOR_DEFAULT,
        dtype: str = "float64",
        flavor: str = "keras3",
        **kwargs,
    ):
        if adaptive_epsilon and flavor == "keras3":
            kwargs = {**kwargs, "adaptive_epsilon": adaptive_epsilon}
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.adaptive_epsilon = adaptive_epsilon

    def slot_names(self) -> tuple[str, ...]:
        names = (
            ("m", "v", "vhat")
            if self.flavor == "keras2"
            else ("momentum", "velocity", "velocity_hat")
        )
        return names if self.amsgrad else names[:2]

    def _prepare(self, state) -> AdamScalars:
        for name in ("beta_1", "beta_2", "epsilon"):
            self._check_tensor(name, getattr(self, name))
        one = self._constant(1)
        # optimizer.iterations: the updates made (not the calls, under accumulation).
        local_step = self._constant(self.iterations(state) + 1)
        beta_1_power = _arith.pow(self._constant(self.beta_1), local_step)
        beta_2_power = _arith.pow(self._constant(self.beta_2), local_step)
        lr = self.learning_rate_at(state[self.counter])
        root = np.sqrt(one - beta_2_power)
        epsilon = self._constant(self.epsilon)
        return AdamScalars(
            alpha=lr * root / (one - beta_1_power),
            epsilon=epsilon * root if self.adaptive_epsilon else epsilon,
            # 1 - beta is computed on the Python floats, then rounded.
            one_minus_beta_1=self._constant(1 - self.beta_1),
            one_minus_beta_2=self._constant(1 - self.beta_2),
        )

    def _update(self, gradient, param, slots, scalars: AdamScalars):
        m_name, v_name, *vhat_name = self.slot_names()
        m, v = slots[m_name], slots[v_name]
        c1, c2 = scalars.one_minus_beta_1, scalars.one_minus_beta_2
        if not isinstance(gradient, IndexedSlices):
            m = m + (gradient - m) * c1
            v = v + (gradient * gradient - v) * c2
        elif self.flavor == "keras3":
            # Keras 3 turns the sparse gradient dense inside each operation: the first moment
            # gets the summed rows, the second the summed squares (not the square of the sum).
            squares = IndexedSlices(gradient.indices, gradient.values * gradient.values)
            m = m + (densify(gradient, param.shape) - m) * c1
            v = v + (densify(squares, param.shape) - v) * c2
        else:
            # Keras 2: duplicates summed, every row decays, the touched rows get the gradient.
            rows = sum_duplicates(gradient)
            m = scatter_add(m + (-m * c1), rows.indices, rows.values * c1)
            v = scatter_add(v + (-v * c2), rows.indices, (rows.values * rows.values) * c2)
        updated = {m_name: m, v_name: v}
        if self.amsgrad:
            v = updated[vhat_name[0]] = np.maximum(slots[vhat_name[0]], v)
        param = param - (m * scalars.alpha) / (np.sqrt(v) + scalars.epsilon)
        return param, updated

    def _family_config(self) -> dict:
        return {
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    r"""AdamW of Keras: :class:`Adam` with ``weight_decay`` (default 0.004, ``None`` refused)
    applied before the update and scaled by the learning rate:

    .. math::

        \theta \leftarrow \theta - (\theta\,\lambda)\,\eta_t, \qquad
        \theta \leftarrow \theta - \alpha_t\, m \,/\, (\sqrt{v} + \hat\epsilon)

    (two roundings in float32: the decayed weight is stored, then the Adam step subtracted).
    Every other option and slot is :class:`Adam`'s, in the same flavours:
    ``tf.keras.optimizers.AdamW`` in TF 2.11-2.15 and ``tf_keras.optimizers.AdamW``
    (``flavor="keras2"``), Keras 3's ``keras.optimizers.AdamW`` (``flavor="keras3"``). The
    weight decay is any Keras optimizer's ``weight_decay`` (see
    :mod:`reference.optimizers._keras`); AdamW only makes it the default.

    Traps:
        * The decay is :math:`\lambda\eta_t\theta`, not :math:`\lambda\theta`:
          tensorflow-addons' ``AdamW`` (:class:`reference.addons.AdamW`) does *not* multiply
          by the learning rate, so the same ``weight_decay`` is a thousand times stronger there
          at ``learning_rate=1e-3``. ``torch.optim.AdamW`` and ``optax.adamw`` multiply, as
          Keras does.
        * Under a schedule the decay follows the schedule (the learning rate of the step).
        * The Adam step is the epsilon-hat form of :class:`Adam`, not PyTorch's.
        * A sparse gradient still decays every row of the variable.

    Example:
        >>> import numpy as np
        >>> from reference.optimizers import AdamW
        >>> opt = AdamW(learning_rate=0.1, weight_decay=0.5, dtype="float32")
        >>> params, state = opt.step(np.zeros(1), np.ones(1), opt.init(np.ones(1)))
        >>> params.tolist()  # a zero gradient: only the decay, 1 - 0.5 * 0.1
        [0.949999988079071]
    """

    default_names = {"keras3": "adam_w", "keras2": "AdamW"}

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        *,
        jit_compile=FLAVOR_DEFAULT,
        dtype: str = "float64",
        flavor: str = "keras3",
        **kwargs,
    ):
        if "adaptive_epsilon" in kwargs:  # Adam's argument, not AdamW's
            check_keras_flavor(flavor)
            check_keras_arguments(flavor, learning_rate, {"adaptive_epsilon": True})
        super().__init__(
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            amsgrad,
            weight_decay,
            clipnorm,
            clipvalue,
            global_clipnorm,
            use_ema,
            ema_momentum,
            ema_overwrite_frequency,
            loss_scale_factor,
            gradient_accumulation_steps,
            name,
            jit_compile=jit_compile,
            dtype=dtype,
            flavor=flavor,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")

    def _family_config(self) -> dict:
        config = super()._family_config()
        if self.flavor == "keras2":  # tf_keras's AdamW repeats it after the learning rate
            config = {"weight_decay": self.weight_decay, **config}
        return config

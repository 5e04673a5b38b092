"""TensorFlow's Adam and RMSprop (Keras 2.11+/3) reproduced with optax, under the reference's
functional contract (``opt.init(params)``, ``opt.step(grads, params, state)``).

The closest optax transformation, with TF's hyperparameters: ``optax.adam(lr, b1=beta_1,
b2=beta_2, eps=epsilon)`` (``optax.amsgrad`` for ``amsgrad=True``) and ``optax.rmsprop(lr,
decay=rho, eps=epsilon, centered=centered, momentum=momentum or None)``. optax's Adam adds
epsilon to the bias-corrected root (TF: before the correction, "epsilon-hat"); its RMSprop is
Keras's: epsilon inside the root, the learning rate before the momentum. A schedule (this
package's ``schedules.X``) is passed as optax's ``learning_rate`` schedule. A sparse gradient is
given dense (optax has no sparse updates). ``dtype="float64"`` runs with ``jax_enable_x64``.

Keras's options: Adam's ``weight_decay`` (AdamW's default 0.004) becomes ``optax.adamw(lr, ...,
weight_decay=weight_decay)``, which adds ``weight_decay * weight`` (the weight before the update,
as Keras) to the Adam direction and scales the sum by the learning rate: one update where Keras
stores the decayed weight, then subtracts the step (other roundings). ``global_clipnorm``
becomes ``optax.clip_by_global_norm`` and ``clipvalue`` ``optax.clip``, chained before the
optimizer. Keras's per-variable ``clipnorm``, AMSGrad with weight decay and RMSprop's
``weight_decay`` have no optax transformation given here (NotImplementedError).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax

from conformance.targets import tf_api
from conformance.targets.optax import _driver
from conformance.targets.tf_api import IndexedSlices


class _PythonRate:
    """A learning rate computed in Python from the count (not traceable by JAX)."""

    def __init__(self, function) -> None:
        self.function = function

    def __call__(self, count):
        return self.function(count)


class OptaxOptimizer(tf_api.FrameworkOptimizer):
    """Holds the optax update function and its state in ``state["optax"]``."""

    framework = "optax"
    state_key = "optax"

    def _transformation(self, learning_rate) -> optax.GradientTransformation:
        raise NotImplementedError

    def _rate(self):
        rate = self.learning_rate
        if isinstance(rate, _driver.OptaxSchedule):
            return _driver.build(rate.recipe, rate.arguments, horizon=2**31 - 1)
        if callable(rate):
            return _PythonRate(lambda count: float(np.asarray(rate(int(count)))))
        return rate

    def _clipped(self, transformation) -> optax.GradientTransformation:
        """Keras's clipping options chained before ``transformation``."""
        if self.clipnorm is not None:
            raise NotImplementedError(
                "no optax equivalent given for Keras's per-variable clipnorm "
                "(optax.clip_by_global_norm is global_clipnorm's)"
            )
        if self.global_clipnorm is not None:
            return optax.chain(optax.clip_by_global_norm(self.global_clipnorm), transformation)
        if self.clipvalue is not None:
            return optax.chain(optax.clip(self.clipvalue), transformation)
        return transformation

    def _start(self, arrays: list[np.ndarray]) -> tuple:
        with _driver._x64(self.dtype == "float64"):
            rate = self._rate()
            transformation = self._clipped(self._transformation(rate))
            values = [jnp.asarray(np.asarray(a, np.float64), self.dtype) for a in arrays]
            # Training jits the update; a Python callable of the count (a TF1 decay function
            # computed outside JAX) cannot be traced, so that one runs op by op.
            update = (
                transformation.update
                if isinstance(rate, _PythonRate)
                else jax.jit(transformation.update)
            )
            return update, transformation.init(values)

    def _update(
        self, gradients: list, arrays: list[np.ndarray], inner: tuple
    ) -> tuple[list[np.ndarray], tuple]:
        update, optax_state = inner
        with _driver._x64(self.dtype == "float64"):
            values = [jnp.asarray(np.asarray(a, np.float64), self.dtype) for a in arrays]
            dense = [
                jnp.asarray(tf_api.dense_gradient(g, v.shape), self.dtype)
                for g, v in zip(gradients, values)
            ]
            updates, optax_state = update(dense, optax_state, values)
            values = optax.apply_updates(values, updates)
            new = [np.asarray(v).astype(np.float64) for v in values]
        return new, (update, optax_state)


class Adam(tf_api.Adam, OptaxOptimizer):
    @property
    def label(self) -> str:
        if self.weight_decay:
            return "optax.adamw"
        return "optax.amsgrad" if self.amsgrad else "optax.adam"

    def _transformation(self, learning_rate) -> optax.GradientTransformation:
        options = dict(b1=self.beta_1, b2=self.beta_2, eps=self.epsilon)
        if self.weight_decay:
            if self.amsgrad:
                raise NotImplementedError("no optax equivalent given for AMSGrad with weight_decay")
            return optax.adamw(learning_rate, **options, weight_decay=self.weight_decay)
        make = optax.amsgrad if self.amsgrad else optax.adam
        return make(learning_rate, **options)


class AdamW(tf_api.AdamW, Adam):
    """``tf.keras.optimizers.AdamW`` as ``optax.adamw``."""


class RMSprop(tf_api.RMSprop, OptaxOptimizer):
    label = "optax.rmsprop"

    def _options(self) -> dict:
        """optax.rmsprop's options; the legacy and TF1 RMSprop add theirs."""
        return dict(
            decay=self.rho, eps=self.epsilon, centered=self.centered, momentum=self.momentum or None
        )

    def _transformation(self, learning_rate) -> optax.GradientTransformation:
        return optax.rmsprop(learning_rate, **self._options())


from conformance.targets.optax.optimizers import legacy  # noqa: E402

__all__ = ["Adam", "AdamW", "IndexedSlices", "OptaxOptimizer", "RMSprop", "legacy"]

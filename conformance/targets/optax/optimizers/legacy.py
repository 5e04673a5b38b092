"""Keras 2's OptimizerV2 Adam and RMSprop (``tf.keras.optimizers.legacy``) reproduced with
optax: as :mod:`conformance.targets.optax.optimizers`, except that the legacy RMSprop without
momentum adds epsilon outside the root (``eps_in_sqrt=False``). Legacy ``decay`` becomes the
schedule ``lambda count: lr / (1 + decay * count)`` on a float learning rate."""

from __future__ import annotations

from conformance.targets import tf_api
from conformance.targets.optax import optimizers as _keras


class Adam(tf_api.LegacyAdam, _keras.Adam):
    """``tf.keras.optimizers.legacy.Adam`` as ``optax.adam`` (``optax.amsgrad``)."""


class RMSprop(tf_api.LegacyRMSprop, _keras.RMSprop):
    """``tf.keras.optimizers.legacy.RMSprop`` as ``optax.rmsprop``; without momentum, OptimizerV2
    adds epsilon outside the root: ``optax.rmsprop(eps_in_sqrt=False)``."""

    @property
    def label(self) -> str:
        return "optax.rmsprop" if self.momentum else "optax.rmsprop(eps_in_sqrt=False)"

    def _options(self) -> dict:
        options = super()._options()
        return options if self.momentum else {**options, "eps_in_sqrt": False}

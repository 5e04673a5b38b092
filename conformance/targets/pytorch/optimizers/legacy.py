"""Keras 2's OptimizerV2 Adam and RMSprop (``tf.keras.optimizers.legacy``) reproduced with
``torch.optim``: the same PyTorch optimizers as :mod:`conformance.targets.pytorch.optimizers`
(the legacy RMSprop without momentum adds epsilon outside the root, as PyTorch does). Legacy
``decay`` becomes ``LambdaLR(lambda e: 1 / (1 + decay * e))`` on a float learning rate."""

from __future__ import annotations

from conformance.targets import tf_api
from conformance.targets.pytorch import optimizers as _keras


class Adam(tf_api.LegacyAdam, _keras.Adam):
    """``tf.keras.optimizers.legacy.Adam`` as ``torch.optim.Adam``."""


class RMSprop(tf_api.LegacyRMSprop, _keras.RMSprop):
    """``tf.keras.optimizers.legacy.RMSprop`` as ``torch.optim.RMSprop``."""

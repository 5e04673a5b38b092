"""tensorflow-addons' AdamW (``tfa.optimizers.AdamW``) reproduced with ``optax.adamw``.

tensorflow-addons decays each weight by ``weight_decay`` alone; optax by ``learning_rate *
weight_decay``: the adapter gives optax ``weight_decay / learning_rate``, the same decay only at
a constant learning rate (otherwise it raises NotImplementedError, see
:class:`conformance.targets.tf_api.AddonsAdamW`).
"""

from __future__ import annotations

from conformance.targets import tf_api
from conformance.targets.optax import optimizers as _keras


class AdamW(tf_api.AddonsAdamW, _keras.Adam):
    """``tfa.optimizers.AdamW`` as ``optax.adamw(weight_decay=weight_decay / learning_rate)``."""

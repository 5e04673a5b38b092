"""tensorflow-addons' AdamW (``tfa.optimizers.AdamW``) reproduced with ``torch.optim.AdamW``.

tensorflow-addons decays each weight by ``weight_decay`` alone; PyTorch by ``lr *
weight_decay``: the adapter gives PyTorch ``weight_decay / learning_rate``, the same decay only
at a constant learning rate (otherwise it raises NotImplementedError, see
:class:`conformance.targets.tf_api.AddonsAdamW`). Both decay before the Adam step.
"""

from __future__ import annotations

from conformance.targets import tf_api
from conformance.targets.pytorch import optimizers as _keras


class AdamW(tf_api.AddonsAdamW, _keras.Adam):
    """``tfa.optimizers.AdamW`` as ``torch.optim.AdamW(weight_decay=weight_decay / lr)``."""

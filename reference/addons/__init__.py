"""tensorflow-addons' optimizers: ``tfa.optimizers.AdamW`` is ``reference.addons.AdamW``.

tensorflow-addons 0.23 imports on TF 2.13-2.15 only; its cyclical learning-rate schedules live
with the other schedules, in :mod:`reference.schedules`.
"""

from reference.addons.adamw import AdamW

__all__ = ["AdamW"]

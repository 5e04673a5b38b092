"""The reference's ``addons`` (tensorflow-addons' optimizers), nudged (see nudged_target._nudge)."""

import reference.addons as _reference
from nudged_target._nudge import lookup


def __getattr__(name):
    return lookup(_reference, name)

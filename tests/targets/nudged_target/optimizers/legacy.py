"""The reference's ``optimizers.legacy``, nudged (see nudged_target._nudge)."""

import reference.optimizers.legacy as _reference
from nudged_target._nudge import lookup


def __getattr__(name):
    return lookup(_reference, name)

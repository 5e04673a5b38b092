"""The reference's ``compat_v1``, nudged (see nudged_target._nudge)."""

import reference.compat_v1 as _reference
from nudged_target._nudge import lookup


def __getattr__(name):
    return lookup(_reference, name)

"""The reference's schedules, unchanged (the optimizers' schedule cases use them)."""

from reference.schedules import *  # noqa: F403

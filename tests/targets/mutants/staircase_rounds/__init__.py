"""Mutant: ExponentialDecay's staircase rounds ``step / decay_steps`` to the nearest integer
instead of flooring it, so the rate drops half a period early."""

__version__ = "0.0.0-mutant"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

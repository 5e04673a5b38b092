"""Mutant: the legacy Keras Adam reads its learning rate one step late (at ``iterations + 1``,
as a port does that steps its scheduler before the optimizer)."""

__version__ = "0.0.0-mutant"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

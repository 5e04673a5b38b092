"""Mutant: PiecewiseConstantDecay switches value one step early (at ``step == boundary``
instead of ``step == boundary + 1``): the classic port that writes ``step < boundary``."""

__version__ = "0.0.0-mutant"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

"""Mutant: PolynomialDecay with ``cycle=True`` computes ``decay_steps * ceil(step /
decay_steps)`` without TensorFlow's guard for step 0 (where that multiplier is 1, not 0), so
step 0 divides 0 by 0."""

__version__ = "0.0.0-mutant"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

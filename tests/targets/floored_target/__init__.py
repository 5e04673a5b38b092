"""A deliberately wrong target for the command line's tests: its ExponentialDecay always floors
the exponent (as if ``staircase=True``), so every continuous ExponentialDecay case must fail."""

__version__ = "0.0.1-wrong"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

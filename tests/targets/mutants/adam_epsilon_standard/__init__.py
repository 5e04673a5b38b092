"""Mutant: Adam in the paper's (PyTorch's, optax's) form, epsilon added to the bias-corrected
root, without saying so. Declared as the variant ``adam-epsilon=standard`` it conforms."""

__version__ = "0.0.0-mutant"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

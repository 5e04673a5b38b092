"""Mutant: Keras RMSprop whose mean-square slot starts at 1 (TF1's and optax's
``initial_scale=1`` choice) instead of 0. Declared as ``rmsprop-init=ones`` it conforms."""

__version__ = "0.0.0-mutant"

# The kernels hook (docs/contract.md): the reference's, whose arithmetic this target uses.
from reference import current_float32_kernels, float32_kernels

__all__ = ["current_float32_kernels", "float32_kernels"]

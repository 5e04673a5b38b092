"""Every API of the reference, nudged: each schedule value and each parameter after each update
is multiplied by 1 + 1e-3, so that every check with a finite value fails, on every entry point
and path. The project's tests run the reproducers of its failures."""

from reference import current_float32_kernels, float32_kernels

__version__ = "0.0.0-nudged"

__all__ = ["current_float32_kernels", "float32_kernels"]

"""The arithmetic every schedule and optimizer shares: exact float64, or TensorFlow's float32.

Each reference object takes ``dtype``:

``"float64"``
    The formula, evaluated in float64 on the inputs as given. This is the mathematical truth a
    float32 result is measured against.

``"float32"``
    TensorFlow's arithmetic. Inputs are rounded to float32 where TensorFlow casts them, and each
    operation runs in float32, in the order TensorFlow's source performs it.

Why float32 mode can agree with TensorFlow to the bit: ``+ - * /``, ``sqrt``, ``floor``, ``ceil``,
``abs``, ``min``/``max`` and int-to-float casts are correctly rounded by IEEE 754, in numpy and in
TensorFlow alike. The transcendental functions are not. TensorFlow's CPU kernels (Eigen) compute a
float32 ``cos``/``exp``/``log``/``pow`` of a *scalar* by calling the C library (``cosf``, ``expf``,
``logf``, ``powf``), while whole SIMD packets of a *vector* go through Eigen's own polynomials,
which differ in the last bits. An optimizer asks its schedule for one scalar step at a time, so the
C library is what training sees; the reference calls the same functions through :mod:`ctypes`.
:func:`float32_kernels` swaps in another implementation: the conformance suite plugs TensorFlow's
vector kernels in, to check a vectorised TensorFlow evaluation to the bit as well.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from typing import Protocol, Union

import numpy as np

DTYPES: tuple[str, ...] = ("float32", "float64")
Step = Union[int, float, np.integer, np.floating, np.ndarray]


def check_dtype(dtype: str) -> np.dtype:
    """The numpy dtype for a reference ``dtype`` argument; ValueError for anything else."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64'. Received: dtype={dtype!r}")
    return np.dtype(dtype)


def cast(x, dtype: str) -> np.ndarray:
    """``tf.cast(x, D)`` / ``tf.convert_to_tensor(x)``: round a number or array into the compute
    dtype (round to nearest even, as both IEEE casts do)."""
    return np.asarray(x, dtype=check_dtype(dtype))


def as_result(value: np.ndarray, step) -> float | np.ndarray:
    """A Python float for a scalar step, an array of the step's shape otherwise."""
    if np.ndim(step) == 0:
        return float(np.asarray(value).reshape(()))
    return np.broadcast_to(np.asarray(value), np.shape(step)).copy()


def flush_subnormals(x) -> np.ndarray:
    """TensorFlow runs its CPU kernels with flush-to-zero: a float32 result below the smallest
    normal number (1.18e-38) becomes 0 (measured: ``0.1 * 0.5**125`` is 0.0 in TF, 7.5e-39 in
    numpy). The reference flushes transcendental results and each schedule's final value, which
    covers every way a schedule can underflow."""
    x = np.asarray(x)
    if x.dtype != np.float32:
        return x
    tiny = np.finfo(np.float32).tiny
    return np.where(np.abs(x) < tiny, np.float32(0) * np.sign(x), x).astype(np.float32)


def ieee() -> contextlib.AbstractContextManager:
    """TensorFlow returns nan/inf silently where numpy would warn (0/0, log of 0, ...)."""
    return np.errstate(all="ignore")


class Float32Kernels(Protocol):
    """float32 transcendental functions, element-wise over float32 arrays."""

    name: str

    def cos(self, x: np.ndarray) -> np.ndarray: ...
    def exp(self, x: np.ndarray) -> np.ndarray: ...
    def log(self, x: np.ndarray) -> np.ndarray: ...
    def pow(self, x: np.ndarray, y: np.ndarray) -> np.ndarray: ...
    def rsqrt(self, x: np.ndarray) -> np.ndarray: ...


class CLibraryKernels:
    """The C library's ``cosf``/``expf``/``logf``/``powf``: what TensorFlow's CPU kernels call for
    a scalar. Where no C math library can be loaded, each value is computed in float64 and rounded
    to float32 (correctly rounded, which the C library matches in all but rare cases)."""

    def __init__(self) -> None:
        self._functions = {}
        library = _load_c_math_library()
        for name, arity in (("cosf", 1), ("expf", 1), ("logf", 1), ("powf", 2)):
            if library is None:
                break
            function = getattr(library, name)
            function.restype = ctypes.c_float
            function.argtypes = [ctypes.c_float] * arity
            self._functions[name] = np.frompyfunc(function, arity, 1)
        self.name = "C library (libm)" if self._functions else "float64, rounded to float32"

    def _apply(self, name: str, fallback, *args: np.ndarray) -> np.ndarray:
        args = tuple(np.asarray(a, dtype=np.float32) for a in args)
        function = self._functions.get(name)
        if function is None:
            with ieee():
                return np.asarray(fallback(*(a.astype(np.float64) for a in args)), np.float32)
        return np.asarray(function(*args), dtype=np.float32)

    def cos(self, x):
        return self._apply("cosf", np.cos, x)

    def exp(self, x):
        return self._apply("expf", np.exp, x)

    def log(self, x):
        return self._apply("logf", np.log, x)

    def pow(self, x, y):
        return self._apply("powf", np.power, x, y)

    def rsqrt(self, x):
        # Eigen's scalar rsqrt is 1 / sqrt(x), both correctly rounded (measured: TF's
        # tf.math.rsqrt on fewer than 8 floats); whole AVX packets use an approximation.
        x = np.asarray(x, dtype=np.float32)
        with ieee():
            return np.float32(1) / np.sqrt(x)


def _load_c_math_library():
    candidates = (
        ["msvcrt"] if sys.platform == "win32" else [ctypes.util.find_library("m"), "libm.so.6"]
    )
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ctypes.CDLL(candidate)
        except OSError:
            continue
    return None


_kernels: Float32Kernels = CLibraryKernels()


def current_float32_kernels() -> Float32Kernels:
    return _kernels


@contextlib.contextmanager
def float32_kernels(kernels: Float32Kernels) -> Iterator[Float32Kernels]:
    """Evaluate float32 transcendentals with ``kernels`` inside the block (not thread-safe)."""
    global _kernels
    previous, _kernels = _kernels, kernels
    try:
        yield kernels
    finally:
        _kernels = previous


def operand_dtype(*operands) -> np.dtype:
    """The dtype an operation computes in: its operands', which must all be float32 or all
    float64 (TensorFlow refuses to mix them; the reference casts every operand where TensorFlow
    does, so a mixture would be a slip of the reference)."""
    dtypes = {np.asarray(x).dtype for x in operands}
    if len(dtypes) == 1 and dtypes <= {np.dtype(np.float32), np.dtype(np.float64)}:
        return dtypes.pop()
    raise TypeError(
        "operands must all be float32 or all float64. Received: "
        + ", ".join(sorted(d.name for d in dtypes))
    )


# The transcendental functions compute in the dtype of their operands, as TensorFlow's ops do:
# float64 operands get numpy's functions (the exact formula's mode), float32 operands get the
# current float32 kernels and TensorFlow's flush-to-zero (TensorFlow's arithmetic).


def cos(x) -> np.ndarray:
    if operand_dtype(x) == np.float64:
        return np.cos(x)
    return flush_subnormals(_kernels.cos(x))


def exp(x) -> np.ndarray:
    if operand_dtype(x) == np.float64:
        return np.exp(x)
    return flush_subnormals(_kernels.exp(x))


def log(x) -> np.ndarray:
    if operand_dtype(x) == np.float64:
        return np.log(x)
    return flush_subnormals(_kernels.log(x))


def pow(x, y) -> np.ndarray:  # noqa: A001 - mirrors tf.pow
    if operand_dtype(x, y) == np.float64:
        return np.power(x, y)
    return flush_subnormals(_kernels.pow(x, y))


def rsqrt(x) -> np.ndarray:
    """``tf.math.rsqrt``: :math:`1/\\sqrt{x}` (Keras 2's RMSprop uses it)."""
    if operand_dtype(x) == np.float64:
        return 1 / np.sqrt(x)
    return flush_subnormals(_kernels.rsqrt(x))


class TensorLike(np.ndarray):
    """A float32 array that computes like a TensorFlow tensor when user code does arithmetic on it.

    tensorflow-addons hands ``scale_fn`` a float32 tensor, so ``0.9 ** c`` in the user's lambda
    runs TensorFlow's float32 ``pow``. On a plain numpy array the same source runs numpy's
    ``power``, which numpy may compute with its own SIMD approximation (numpy 1.26 on an AVX-512
    machine is 2 ULPs away from ``powf``). On this array ``**``, ``np.power``, ``np.exp``,
    ``np.log`` and ``np.cos`` run the current float32 kernels instead, a Python number meeting it
    is rounded to float32 first, as TensorFlow converts it; everything else is numpy's (correctly
    rounded) arithmetic.
    """

    _KERNELS = {np.power: "pow", np.exp: "exp", np.log: "log", np.cos: "cos"}

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(x) if isinstance(x, TensorLike) else x for x in inputs]
        name = self._KERNELS.get(ufunc)
        if method == "__call__" and name is not None and not kwargs:
            operands = [np.asarray(x, dtype=np.float32) for x in plain]
            result = flush_subnormals(getattr(_kernels, name)(*operands))
        else:
            result = getattr(ufunc, method)(*plain, **kwargs)
        if isinstance(result, np.ndarray) and result.dtype == np.float32:
            return result.view(TensorLike)
        return result


def tensor_like(x, dtype: str) -> np.ndarray:
    """``x`` as user code should see it: a :class:`TensorLike` in float32 mode, a plain float64
    array in float64 mode (the exact formula needs no kernel)."""
    x = cast(x, dtype)
    return x.view(TensorLike) if x.dtype == np.float32 else x

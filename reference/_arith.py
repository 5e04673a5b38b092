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

from reference import _ftz, _rsqrt

DTYPES: tuple[str, ...] = ("float32", "float64")
Step = Union[int, float, np.integer, np.floating, np.ndarray]


def check_dtype(dtype: str) -> np.dtype:
    """The numpy dtype for a reference ``dtype`` argument; ValueError for anything else."""
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be 'float32' or 'float64'. Received: dtype={dtype!r}")
    found = _NUMPY_DTYPES.get(dtype) if type(dtype) is str else None
    return np.dtype(dtype) if found is None else found  # numpy's dtype('float32') is accepted too


_NUMPY_DTYPES = {name: np.dtype(name) for name in DTYPES}


def cast(x, dtype: str) -> np.ndarray:
    """``tf.cast(x, D)`` / ``tf.convert_to_tensor(x)``: round a number or array into the compute
    dtype (round to nearest even, as both IEEE casts do). A float32 result is a
    :class:`TensorLike`, whose arithmetic is TensorFlow's (subnormal operands and results are
    zero); a subnormal value itself is kept, as TensorFlow's conversion keeps it. A number
    beyond float32's range becomes inf, as ``tf.cast`` makes it, without a warning."""
    kind = type(x)
    if (kind is float or kind is int) and -_FLOAT32_MAX <= x <= _FLOAT32_MAX:
        # The common cases first (an optimizer casts its hyperparameters and step number at
        # every step): a Python number that fits either dtype.
        if dtype == "float32":
            return np.asarray(x, dtype=_FLOAT32).view(TensorLike)
        if dtype == "float64":
            return np.asarray(x, dtype=_FLOAT64)
    target = check_dtype(dtype)
    if getattr(x, "dtype", None) == target or (
        type(x) is float and (target == np.float64 or abs(x) <= _FLOAT32_MAX)
    ):
        # Nothing can overflow: no warning to silence (np.errstate costs more than the cast,
        # and an optimizer casts every operand of every step).
        array = np.asarray(x, dtype=target)
    else:
        with np.errstate(over="ignore"):
            array = np.asarray(x, dtype=target)
    return array.view(TensorLike) if array.dtype == np.float32 else array


#: float32's largest finite number, as a Python float.
_FLOAT32_MAX = float(np.finfo(np.float32).max)


class TensorSteps(np.ndarray):
    """Steps that stand for a TensorFlow tensor: the int64 step a Keras optimizer (Keras >= 2.11
    and Keras 3) and TF1's ``global_step`` pass, or the float32 step of a legacy Keras
    optimizer. Any other step (a Python number, a numpy scalar or array) is one a user passes
    by hand.

    Only tensorflow-addons' ``scale_mode="iterations"`` tells the two apart: it hands
    ``scale_fn`` the step as it was passed, so a Python or numpy integer gives values while an
    int64 tensor raises. The reference's optimizers pass their counter as a ``TensorSteps``,
    and so does the conformance suite wherever TensorFlow is fed a step tensor. A target that
    is not the reference recognises it by its attribute ``is_tensor`` (True), see
    docs/contract.md."""

    is_tensor = True


def tensor_steps(steps, dtype: str = "int64") -> TensorSteps:
    """``steps`` as a step tensor of ``dtype`` (see :class:`TensorSteps`)."""
    return np.asarray(steps, dtype=dtype).view(TensorSteps)


def is_tensor(step) -> bool:
    """Whether ``step`` stands for a TensorFlow tensor (see :class:`TensorSteps`)."""
    return bool(getattr(step, "is_tensor", False))


def as_result(value: np.ndarray, step) -> float | np.ndarray:
    """A Python float for a scalar step, an array of the step's shape otherwise."""
    if np.ndim(step) == 0:
        return float(np.asarray(value).reshape(()))
    return np.broadcast_to(np.asarray(value), np.shape(step)).copy()


def flush_subnormals(x) -> np.ndarray:
    """A float32 subnormal number (below 1.18e-38 in magnitude) as a zero of its sign.

    TensorFlow runs its CPU kernels with flush-to-zero and denormals-are-zero set (measured on
    TF 2.15 and 2.21, eager and in graphs, scalar and vector paths, fused training kernels):
    a float32 result below the smallest normal number is written as 0 (``0.1 * 0.5**125`` is
    0.0 in TF, 7.5e-39 in numpy), and a subnormal operand is read as 0 (``1e-40 * 3`` is 0,
    ``0.5 ** 1e-40`` is 1, ``rsqrt(1e-40)`` is inf). Zeros keep their sign (``-0.0`` stays
    ``-0.0``). Other dtypes are returned unchanged."""
    x = np.asarray(x)
    if x.dtype != np.float32:
        return x
    if x.size <= _COMPARED_ONE_BY_ONE:
        # Most operands are scalars or a handful of numbers: Python's float comparisons are
        # the cheap test (a nan compares false: not subnormal).
        values = x.tolist() if x.ndim == 1 else x.ravel().tolist()
        if not any(0.0 < abs(v) < _SMALLEST_NORMAL_FLOAT for v in values):
            return x
        if x.ndim == 0:
            return np.asarray(np.copysign(np.float32(0), x))
    elif not _has_subnormal(x):
        return x
    subnormal = (x.view(np.uint32) & _ABSOLUTE_BITS) - _ONE_BIT < _SUBNORMAL_BITS
    return np.where(subnormal, np.copysign(np.float32(0), x), x).astype(np.float32)


def _has_subnormal(x: np.ndarray) -> bool:
    """Whether a float32 array holds a subnormal number, in one pass over its bits: those
    without the sign, minus one, as uint32, are below 2**23 - 1 exactly for a subnormal (zero
    wraps around to 2**32 - 1)."""
    shifted = (x.view(np.uint32) & _ABSOLUTE_BITS) - _ONE_BIT
    return bool(np.minimum.reduce(shifted, axis=None) < _SUBNORMAL_BITS)


_ABSOLUTE_BITS, _ONE_BIT, _SUBNORMAL_BITS = np.uint32(0x7FFFFFFF), np.uint32(1), np.uint32(0x7FFFFF)
#: Up to this many elements, :func:`flush_subnormals` compares them in Python.
_COMPARED_ONE_BY_ONE = 16


#: float32's smallest normal number (1.18e-38).
_SMALLEST_NORMAL = np.float32(np.finfo(np.float32).tiny)
_SMALLEST_NORMAL_FLOAT = float(_SMALLEST_NORMAL)


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
        # rsqrt of whole AVX packets: this CPU's approximation, where the reference knows it.
        self._rsqrtps = _rsqrt.machine_rsqrtps()
        if self._rsqrtps is not None:
            self.name += f"; rsqrt: AVX packets with the {self._rsqrtps.name}"

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
        # tf.math.rsqrt on fewer than 8 floats); whole AVX packets use the CPU's approximation.
        return _rsqrt.tensorflow_rsqrt(x, self._rsqrtps)


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
# current float32 kernels and TensorFlow's flush-to-zero (TensorFlow's arithmetic). A subnormal
# *operand* is handed to the kernels as it is: TensorFlow's own cos/exp/log/pow do not read it
# as zero (measured, TF 2.21: pow(0, 1e-40) is 0, not pow(0, 0) = 1), and on the scalar path
# they read its bits in a way the C library does not (pow(1e-40, 0.1) is 3.05e-5, 1e-4 in the
# C library; log(1e-40) is -103.97 in TF 2.21, -inf in TF 2.15, -92.1 in the C library): a
# documented difference (docs/bad_inputs.md).


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
        # numpy's power of 0-d operands is not its power of arrays at the edges (a negative
        # infinite base: nan alone, C's inf in an array): one loop for both, so that a step
        # alone gives what it gives in an array.
        shape = np.broadcast_shapes(np.shape(x), np.shape(y))
        return np.power(np.atleast_1d(x), np.atleast_1d(y)).reshape(shape)
    return flush_subnormals(_kernels.pow(x, y))


def rsqrt(x) -> np.ndarray:
    """``tf.math.rsqrt``: :math:`1/\\sqrt{x}` (Keras 2's RMSprop uses it). A subnormal operand
    reads as zero (measured: ``rsqrt(1e-40)`` is inf in TensorFlow, scalar and vector)."""
    if operand_dtype(x) == np.float64:
        return 1 / np.sqrt(x)
    return flush_subnormals(_kernels.rsqrt(flush_subnormals(x)))


class TensorLike(np.ndarray):
    """A float32 array that computes as a TensorFlow tensor does on the CPU.

    Every float32 value of the reference's float32 mode is one (:func:`cast` makes them), so
    that the formulas read as plain numpy and still compute TensorFlow's way:

    * denormals-are-zero and flush-to-zero (see :func:`flush_subnormals`): every operand of a
      numpy operation is flushed before it, every float32 result after it (by the CPU itself
      where :mod:`reference._ftz` proves it can, else in numpy). The exceptions are
      the operations TensorFlow does on the sign bit alone (``-x``, ``abs``, ``copysign``),
      which keep a subnormal, and selections (``np.where``), which compute nothing;
    * a Python number meeting it is rounded to float32 first, as TensorFlow converts it;
    * ``**``, ``np.power``, ``np.exp``, ``np.log`` and ``np.cos`` run the current float32
      kernels (:func:`float32_kernels`). tensorflow-addons hands ``scale_fn`` a float32 tensor,
      so ``0.9 ** c`` in the user's lambda runs TensorFlow's float32 ``pow``; on a plain numpy
      array it would run numpy's ``power``, which numpy may compute with its own SIMD
      approximation (numpy 1.26 on an AVX512 machine is 2 ULPs away from ``powf``).
    """

    _KERNELS = {np.power: "pow", np.exp: "exp", np.log: "log", np.cos: "cos"}
    #: What TensorFlow does on the sign bit only: subnormal operands pass unchanged.
    _SIGN_BIT = frozenset({np.negative, np.positive, np.absolute, np.copysign})

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc in _ftz.HARDWARE_UFUNCS and method == "__call__" and _ftz.AVAILABLE:
            operands = _float32_operands(inputs)
            if operands is not None:
                # The CPU flushes operands and result as TensorFlow's kernels do (only
                # faster); float32 only: a float64 operation is not TensorFlow's float32
                # arithmetic. The common case (a trajectory's step is some thirty of these),
                # first and in few Python steps.
                result = _ftz.call(ufunc, operands, kwargs)
                if type(result) is np.ndarray and result.dtype == _FLOAT32:
                    return result.view(TensorLike)
                return _as_tensor_like(result, flush=False)
        plain = [_operand(x) for x in inputs]
        if ufunc in self._SIGN_BIT:
            return _as_tensor_like(getattr(ufunc, method)(*plain, **kwargs), flush=False)
        plain = [flush_subnormals(x) if isinstance(x, np.ndarray) else x for x in plain]
        name = self._KERNELS.get(ufunc)
        if method == "__call__" and name is not None and not kwargs:
            operands = [np.asarray(x, dtype=np.float32) for x in plain]
            result = getattr(_kernels, name)(*operands)
        else:
            result = getattr(ufunc, method)(*plain, **kwargs)
        return _as_tensor_like(result, flush=True)

    def __array_function__(self, func, types, args, kwargs):
        # np.where, np.stack, ...: numpy's own implementation, the float32 result a TensorLike
        # again (a selection or a copy computes nothing: nothing is flushed).
        return _as_tensor_like(super().__array_function__(func, types, args, kwargs), flush=False)


def _float32_operands(inputs: tuple) -> list | None:
    """The operands as :func:`_operand` makes them if every one is then float32, else None."""
    operands = []
    for x in inputs:
        kind = type(x)
        if kind is TensorLike:  # the common cases first, by type alone
            x = x.view(np.ndarray)
        elif kind is float or kind is int:
            x = np.float32(x)  # the float32 TensorFlow converts it to, as _operand makes it
        elif kind is not np.ndarray and kind is not np.float32:
            x = _operand(x)
        if getattr(x, "dtype", None) != _FLOAT32:
            return None
        operands.append(x)
    return operands


_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)


def _operand(x):
    """An operand as plain numpy: a TensorLike's array, a Python number as the float32 that
    TensorFlow converts it to, anything else unchanged."""
    if isinstance(x, TensorLike):
        return x.view(np.ndarray)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return np.asarray(x, dtype=np.float32)
    return x


def _as_tensor_like(result, flush: bool):
    if isinstance(result, tuple):
        return tuple(_as_tensor_like(r, flush) for r in result)
    if isinstance(result, (np.ndarray, np.floating)) and result.dtype == np.float32:
        if flush:
            result = flush_subnormals(result)
        return np.asarray(result).view(TensorLike)
    return result


def tensor_like(x, dtype: str) -> np.ndarray:
    """``x`` as user code should see it: a :class:`TensorLike` in float32 mode, a plain float64
    array in float64 mode (the exact formula needs no kernel)."""
    x = cast(x, dtype)
    return x.view(TensorLike) if x.dtype == np.float32 else x

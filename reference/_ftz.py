"""The CPU's own flush-to-zero, for the reference's float32 arithmetic (speed only).

TensorFlow computes float32 with the SSE control register's FTZ and DAZ bits set: a subnormal
result is written as zero and a subnormal operand is read as zero (see
:func:`reference._arith.flush_subnormals`, the definition). The reference can model that by
flushing every operand and result in numpy, a few numpy calls per operation on arrays of a
handful of elements, which made the float32 optimizer trajectories four times slower; or it can
set the same two bits around the numpy operation and let the CPU do it. This module does the
latter where it can prove, at import, that the CPU does what the definition says:

* on x86-64 with glibc only (the layout of ``fenv_t``, whose last word is MXCSR, is glibc's);
* the bits are set for one numpy operation at a time (:func:`call`), never for code around it:
  Python's own float arithmetic, float64 operations and the C library's ``expf``/``powf`` run
  without them, as they do now;
* only for operations whose SSE instructions read and write through FTZ/DAZ
  (:data:`HARDWARE_UFUNCS`); the others are flushed in numpy as before.

Anywhere else :data:`AVAILABLE` is False and the reference flushes in numpy: the same values,
slower. ``tests/test_reference.py`` checks each operation both ways on special values and random
bit patterns, bit for bit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import struct

import numpy as np

#: numpy operations the CPU computes with SSE/AVX instructions that honour FTZ and DAZ, called
#: element-wise (``__call__``). Not in it: the sign-bit operations (``-x``, ``abs``, which must
#: keep a subnormal), reductions (whose partial sums the definition does not flush), and what
#: numpy computes with integer code or the C library (``fmod``, ``floor_divide``, ...).
HARDWARE_UFUNCS = frozenset(
    {
        np.add,
        np.subtract,
        np.multiply,
        np.true_divide,
        np.sqrt,
        np.square,
        np.reciprocal,
        np.less,
        np.less_equal,
        np.greater,
        np.greater_equal,
        np.equal,
        np.not_equal,
    }
)

#: MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6) bits.
_FTZ_DAZ = 0x8040
#: Offset of MXCSR in glibc's x86-64 ``fenv_t`` (32 bytes: the x87 environment, then MXCSR).
_MXCSR_OFFSET = 28
_FENV_SIZE = 32


def _environments():
    """(fesetenv, the environment with FTZ/DAZ, the environment as found), or None."""
    if platform.machine() not in ("x86_64", "AMD64") or platform.libc_ver()[0] != "glibc":
        return None
    try:
        library = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fegetenv, fesetenv = library.fegetenv, library.fesetenv
    except (OSError, AttributeError):
        return None
    found = (ctypes.c_uint8 * _FENV_SIZE)()
    if fegetenv(found) != 0:
        return None
    raw = bytearray(bytes(found))
    (mxcsr,) = struct.unpack_from("<I", raw, _MXCSR_OFFSET)
    if mxcsr & _FTZ_DAZ:  # already set by someone else: not ours to manage
        return None
    struct.pack_into("<I", raw, _MXCSR_OFFSET, mxcsr | _FTZ_DAZ)
    flushing = (ctypes.c_uint8 * _FENV_SIZE).from_buffer_copy(raw)
    return fesetenv, flushing, found


def _proves_itself(fesetenv, flushing, found) -> bool:
    """Whether numpy, with the bits set, flushes a subnormal result and operand and without
    them does not (a wrong layout or a CPU that ignores them answers otherwise)."""
    half, tiny, sub = np.float32(0.5), np.array([1e-38], np.float32), np.array([1e-40], np.float32)
    fesetenv(flushing)
    try:
        flushed = (tiny * half)[0] == 0 and (sub * np.float32(3))[0] == 0
    finally:
        fesetenv(found)
    kept = (tiny * half)[0] != 0 and (sub * np.float32(3))[0] != 0
    return bool(flushed and kept)


_found = _environments()
#: Whether :func:`call` uses the CPU's FTZ/DAZ on this machine.
AVAILABLE: bool = _found is not None and _proves_itself(*_found)
if AVAILABLE:
    _fesetenv, _FLUSHING, _AS_FOUND = _found


def call(function, operands, kwargs):
    """``function(*operands, **kwargs)`` (a ufunc of :data:`HARDWARE_UFUNCS` on plain float32
    arrays) with FTZ and DAZ set for it alone. Only when :data:`AVAILABLE`."""
    _fesetenv(_FLUSHING)
    try:
        return function(*operands, **kwargs)
    finally:
        _fesetenv(_AS_FOUND)

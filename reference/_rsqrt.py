"""TensorFlow's float32 ``rsqrt`` of a tensor on an x86-64 CPU, element by element.

``tf.math.rsqrt`` (which Keras 2's RMSprop calls on the whole denominator, and the legacy
optimizers' ``SparseApplyRMSProp`` kernel on each row) runs Eigen over the flat tensor. TensorFlow's
x86-64 pip wheels are compiled for AVX without FMA, so Eigen cuts the tensor into packets of 8
floats from the first element on: every element of a whole packet goes through Eigen's packet
``prsqrt``, the 0 to 7 elements left over through the scalar code, which is ``1 / sqrt(x)``
(both correctly rounded). Measured on TF 2.15 and 2.21 for sizes 1 to 33: the first
``8 * (n // 8)`` elements take the packet path, the others the scalar one.

Eigen's packet ``prsqrt`` for float is the CPU's approximation ``_mm256_rsqrt_ps`` (the
``rsqrtps`` instruction) refined by one Newton-Raphson step. Each ``pmadd`` is a multiply
then an add, each rounded (no FMA in the wheel). For an input :math:`a` and the approximation
:math:`y`:

.. math::

    r = a\\,y, \\quad h = r\\,y - 1, \\quad \\text{result} = (-\\tfrac12\\,y)\\,h + y

and where the step gives nan (``a`` is 0, a subnormal, +inf, negative or nan) the
approximation is returned as it is: ``±inf`` for ``±0`` and subnormals (the CPU runs with
denormals-are-zero), 0 for +inf, nan for the rest. Measured: this formula with the measured
``rsqrtps`` gives TensorFlow's bits on 800,000 random floats across the whole exponent range (TF
2.15 and 2.21). The result is within 2 ULPs of :math:`1/\\sqrt a`, often 1 ULP away from the
exact path's.

``rsqrtps`` itself is specified only to a relative error of 1.5 * 2**-12: its bits depend on the
CPU's vendor and family. The reference carries the answers measured on the CPUs listed in
:mod:`reference._rsqrtps_tables` and uses them on such a CPU (:func:`machine_rsqrtps`); on
any other CPU it computes every element on the exact path, and a Keras 2 RMSprop trajectory of a
variable of 8 floats or more may then differ from TensorFlow's in the last bits, a difference
that grows with the updates. ``docs/optimizers/rmsprop.md`` has the measurements.
"""

from __future__ import annotations

import base64
import functools
import platform
import zlib
from typing import NamedTuple

import numpy as np

from reference import _rsqrtps_tables

#: Floats per Eigen packet in TensorFlow's x86-64 wheels (AVX).
PACKET_FLOATS = 8

_TINY = np.finfo(np.float32).tiny


class Rsqrtps(NamedTuple):
    """One CPU's ``rsqrtps``: its name and the answers for [1, 4) (see ``_rsqrtps_tables``)."""

    name: str
    answers: np.ndarray  # float32, 8192: index exponent parity * 4096 + top 12 bits


def _unpack(packed: str) -> np.ndarray:
    bits = np.frombuffer(zlib.decompress(base64.b64decode(packed)), dtype="<u2")
    return ((np.uint32(126) << 23) | (bits.astype(np.uint32) << 11)).view(np.float32)


def rsqrtps(x: np.ndarray, cpu: Rsqrtps) -> np.ndarray:
    """The instruction's answer for each float32 of ``x``, as measured on ``cpu``."""
    x = np.asarray(x, dtype=np.float32)
    bits = x.view(np.uint32).astype(np.int64)
    exponent = (bits >> 23) & 0xFF
    # x = m * 4**k with m in [1, 4): rsqrtps(x) = rsqrtps(m) / 2**k (checked by the tool).
    k = (exponent - 127) // 2
    index = ((exponent - 127 - 2 * k) << 12) | ((bits >> 11) & 0xFFF)
    normal = (exponent > 0) & (exponent < 255) & (x > 0)
    scaled = np.ldexp(
        cpu.answers[np.where(normal, index, 0)], np.where(normal, -k, 0).astype(np.int32)
    )
    with np.errstate(all="ignore"):
        special = np.where(
            np.isnan(x) | (x < -_TINY),
            np.float32(np.nan),
            np.where(np.isinf(x), np.float32(0), np.copysign(np.float32(np.inf), x)),
        )
    return np.where(normal, scaled, special).astype(np.float32)


def eigen_packet_rsqrt(x: np.ndarray, approximation: np.ndarray) -> np.ndarray:
    """Eigen's ``generic_rsqrt_newton_step`` (one step, no FMA) from ``approximation``."""
    x = np.asarray(x, dtype=np.float32)
    # Denormals are zero: the step sees a subnormal input as a signed zero.
    a = np.where(np.abs(x) < _TINY, np.copysign(np.float32(0), x), x).astype(np.float32)
    y = np.asarray(approximation, dtype=np.float32)
    with np.errstate(all="ignore"):
        r2 = a * y
        half_r = y * np.float32(-0.5)
        h_n = r2 * y + np.float32(-1)
        refined = half_r * h_n + y
    return np.where(np.isnan(refined), y, refined).astype(np.float32)


def tensorflow_rsqrt(x: np.ndarray, cpu: Rsqrtps | None) -> np.ndarray:
    """``tf.math.rsqrt(x)`` on an x86-64 CPU whose ``rsqrtps`` is ``cpu``: whole packets of 8
    (in the flat order) approximated and refined, the rest ``1 / sqrt(x)``. With ``cpu`` None,
    every element takes the exact path."""
    x = np.asarray(x, dtype=np.float32)
    with np.errstate(all="ignore"):
        result = np.float32(1) / np.sqrt(x)
    packed = PACKET_FLOATS * (x.size // PACKET_FLOATS)
    if cpu is None or packed == 0:
        return result
    flat, head = result.reshape(-1), x.reshape(-1)[:packed]
    flat[:packed] = eigen_packet_rsqrt(head, rsqrtps(head, cpu))
    return flat.reshape(x.shape)


def _cpu_identity() -> tuple[str, str, str, set[str]]:
    """(vendor, family, model, flags) from ``/proc/cpuinfo``; empty where it cannot be read."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            text = info.read(1 << 16)
    except OSError:
        return "", "", "", set()
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return (
        fields.get("vendor_id", ""),
        fields.get("cpu family", ""),
        fields.get("model", ""),
        set(fields.get("flags", "").split()),
    )


def cpu_description() -> str:
    """This CPU as the vectors' header records it: vendor, family, and its x86 SIMD extensions
    (TensorFlow's wheels use AVX; ``rsqrtps``'s bits depend on the vendor and family)."""
    vendor, family, model, flags = _cpu_identity()
    simd = [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in flags]
    return (
        f"{platform.machine()} {vendor or '?'} family {family or '?'} model {model or '?'}; "
        f"{' '.join(simd) or '-'}"
    )


@functools.cache
def machine_rsqrtps() -> Rsqrtps | None:
    """This CPU's ``rsqrtps`` when the reference carries a measurement of it, else None."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    vendor, family, model, flags = _cpu_identity()
    # Only the CPU measured (tools/rsqrtps_table.py): other models of the family may differ.
    if (vendor, family, model) == ("AuthenticAMD", "25", "1") and "avx" in flags:
        return Rsqrtps("rsqrtps of AMD family 25 model 1", _unpack(_rsqrtps_tables.AMD_FAMILY_25))
    return None

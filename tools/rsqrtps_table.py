"""Measure this CPU's ``rsqrtps`` (``_mm256_rsqrt_ps``) and print it as a table for
``reference/_rsqrtps_tables.py``.

x86 specifies ``rsqrtps`` only to a relative error of 1.5 * 2**-12; each vendor's hardware
answers differently (Intel and AMD differ). On the CPU this was written on (AMD EPYC, family 25
model 1) the answer depends on the exponent's parity and the top 12 bits of the significand
only, and ``rsqrtps(4 x) = rsqrtps(x) / 2``: this script checks both, on every float of [1, 4),
and fails if either does not hold. It needs gcc (``-mavx``) and numpy::

    python tools/rsqrtps_table.py > /tmp/table.txt
"""

from __future__ import annotations

import base64
import pathlib
import subprocess
import sys
import tempfile
import zlib

import numpy as np

PROBE = r"""
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
/* rsqrtps of every float of [1, 16), in packets of 8, written raw to stdout. */
int main(void) {
  static float out[8];
  for (uint32_t bits = 127u << 23; bits < 131u << 23; bits += 8) {
    float in[8];
    for (int j = 0; j < 8; j++) { uint32_t b = bits + j; memcpy(&in[j], &b, 4); }
    _mm256_storeu_ps(out, _mm256_rsqrt_ps(_mm256_loadu_ps(in)));
    fwrite(out, sizeof(float), 8, stdout);
  }
  return 0;
}
"""


def measure() -> np.ndarray:
    with tempfile.TemporaryDirectory() as scratch:
        source = pathlib.Path(scratch, "probe.c")
        source.write_text(PROBE)
        binary = pathlib.Path(scratch, "probe")
        subprocess.run(["gcc", "-O2", "-mavx", str(source), "-o", str(binary)], check=True)
        raw = subprocess.run([str(binary)], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.float32)


def main() -> int:
    answers = measure()
    low, high = answers[: 1 << 24], answers[1 << 24 :]  # [1, 4) and [4, 16)
    if not np.array_equal(high * np.float32(2), low):
        print("rsqrtps(4x) is not rsqrtps(x) / 2 on this CPU", file=sys.stderr)
        return 1
    index = np.arange(1 << 24) & ~np.int64((1 << 11) - 1)
    if not np.array_equal(low[index], low):
        print("rsqrtps depends on more than the top 12 significand bits here", file=sys.stderr)
        return 1
    table = low[:: 1 << 11]  # one answer per (exponent parity, top 12 bits): all in [0.5, 1)
    bits = table.view(np.uint32)
    if np.any(bits >> 23 != 126) or np.any(bits & ((1 << 11) - 1)):
        print("an answer outside [0.5, 1) or with more than 12 significand bits", file=sys.stderr)
        return 1
    packed = ((bits >> 11) & 0xFFF).astype("<u2").tobytes()
    print(base64.b64encode(zlib.compress(packed, 9)).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())

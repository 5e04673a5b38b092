"""Keras 2's RMSprop and ``tf.math.rsqrt`` on x86-64: whole AVX packets of 8 floats take the
CPU's approximate ``rsqrtps`` and one Newton step, the rest ``1 / sqrt`` (reference/_rsqrt.py,
docs/optimizers/rmsprop.md). Against live TensorFlow on this CPU, for every size 1 to 33."""

from __future__ import annotations

import numpy as np
import pytest

from conformance.oracles.tensorflow import tensorflow
from reference import _rsqrt

ORACLE = tensorflow()
CPU = _rsqrt.machine_rsqrtps()


def _floats(size: int, seed: int) -> np.ndarray:
    return np.exp(np.random.default_rng(seed).uniform(-30, 10, size)).astype(np.float32)


@pytest.mark.parametrize("size", range(1, 34))
def test_only_whole_packets_leave_the_exact_path(size):
    if CPU is None:
        pytest.skip("the reference carries no rsqrtps measurement for this CPU")
    x = _floats(size, size)
    exact = np.float32(1) / np.sqrt(x)
    modelled = _rsqrt.tensorflow_rsqrt(x, CPU)
    tail = 8 * (size // 8)
    np.testing.assert_array_equal(modelled[tail:], exact[tail:], strict=True)
    # The packet path: within 2 ULPs of 1/sqrt, as Eigen documents one Newton step.
    distance = np.abs(modelled.view(np.int32).astype(np.int64) - exact.view(np.int32))
    assert distance.max(initial=0) <= 2


@pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")
@pytest.mark.parametrize("size", range(1, 34))
def test_tensorflow_rsqrt_is_the_model_on_this_cpu(size):
    tf = ORACLE.tf
    for seed in range(20):
        x = _floats(size, 1000 * size + seed)
        expected = tf.math.rsqrt(x).numpy()
        if CPU is None:
            # Unmeasured CPU: only the elements outside whole packets can be predicted.
            tail = 8 * (size // 8)
            np.testing.assert_array_equal(
                _rsqrt.tensorflow_rsqrt(x, None)[tail:], expected[tail:], strict=True
            )
        else:
            np.testing.assert_array_equal(_rsqrt.tensorflow_rsqrt(x, CPU), expected, strict=True)


@pytest.mark.skipif(ORACLE is None or CPU is None, reason="needs TensorFlow and a measured CPU")
def test_special_values_in_a_packet():
    tf = ORACLE.tf
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1e-45, -1e-45], np.float32)
    expected = tf.math.rsqrt(x).numpy()
    np.testing.assert_array_equal(_rsqrt.tensorflow_rsqrt(x, CPU), expected, strict=True)

r"""Gradient clipping as TensorFlow computes it: ``tf.clip_by_value``, ``tf.clip_by_norm``,
``tf.clip_by_global_norm`` (Keras 2 and the legacy optimizers) and Keras 3's own
``clip_by_global_norm``, and the float32 sum they all rest on.

A norm is a sum, and a float32 sum depends on its order. TensorFlow's CPU ``reduce_sum`` (and
``l2_loss``) of ``n`` float32 numbers is Eigen's inner-most reduction with AVX packets of
:data:`PACKET` floats (measured on TF 2.15 and 2.21, ``tests/test_optimizer_options.py``):

* the ``n mod 8`` trailing numbers are added one by one, from 0, in order;
* the whole packets are added packet-wise: with fewer than 8 packets, one accumulator from 0,
  packet after packet; with 8 or more, four accumulators take the packets in turn over the
  longest multiple of 4 packets, are combined as ``((a_0 + a_1) + a_2) + a_3``, and the packets
  left over are added to that one by one;
* the accumulator is reduced across its lanes as a tree (lanes ``i`` and ``i + 4``, then
  ``i`` and ``i + 2``, then the last two), and the trailing sum is added to that:
  ``tail + lanes``;
* above 8192 numbers (1024 packets) the run is cut in two at a packet boundary near its
  middle, each half summed so (recursively), and the halves added: ``(0 + left) + right``.

This holds up to about 100 000 numbers. Beyond, TensorFlow shards the sum over its
thread pool, in an order that depends on the number of threads (measured on 2 cores:
``l2_loss`` differs from 100 001 numbers, ``reduce_sum`` from 120 003), which is not reproduced
here. Fewer than 8 numbers are summed left to right, as the catalogue's variables (3 and 5
floats) are. float64 mode sums with numpy (the exact formula does not care about the order).

Which function each optimizer calls, and where (before or after accumulation, weight decay and
the deduplication of sparse rows), is the optimizer's business (:mod:`reference.optimizers._keras`,
:mod:`reference.optimizers.legacy._optimizer_v2`).
"""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.optimizers._optimizer import IndexedSlices, densify

#: float32 lanes of one AVX packet, the width of Eigen's vectorised reduction.
PACKET = 8
#: Packets in a leaf of Eigen's tree reduction (``kLeafSize``): longer runs are cut in two.
LEAF = 1024


def reduce_sum(values: np.ndarray) -> np.ndarray:
    """``tf.reduce_sum`` of every element, as a scalar of the values' dtype (float32: Eigen's
    order, see the module docstring)."""
    values = np.asarray(values)
    flat = values.reshape(-1)
    if flat.dtype != np.float32:
        return np.asarray(np.sum(flat), dtype=flat.dtype)
    return _tree_sum(flat, 0)


def _tree_sum(flat: np.ndarray, first: int) -> np.ndarray:
    """Eigen's tree reduction of ``flat``, which starts at index ``first`` of the whole: above
    :data:`LEAF` packets it is cut at a packet boundary near its middle, and the halves'
    sums are added to 0 in turn; a leaf is summed by :func:`_leaf_sum`."""
    if flat.size <= PACKET * LEAF:
        return _leaf_sum(flat)
    split = PACKET * -(-(first + -(-flat.size // 2)) // PACKET)
    left = min(split - first, flat.size)
    total = np.float32(0) + _tree_sum(flat[:left], first)
    if left < flat.size:
        total = total + _tree_sum(flat[left:], split)
    return np.asarray(total, dtype=np.float32)


def _leaf_sum(flat: np.ndarray) -> np.ndarray:
    whole = (flat.size // PACKET) * PACKET
    tail = _sequential(flat[whole:])
    if whole == 0:
        return tail
    packets = flat[:whole].reshape(-1, PACKET)
    unrolled = (len(packets) // 4) * 4 if len(packets) >= 2 * 4 else 0
    if unrolled:
        # Four accumulators, each taking every fourth packet, then combined in order.
        accumulators = [_sequential(packets[i:unrolled:4]) for i in range(4)]
        lanes = ((accumulators[0] + accumulators[1]) + accumulators[2]) + accumulators[3]
    else:
        lanes = np.zeros(PACKET, dtype=np.float32)
    for packet in packets[unrolled:]:
        lanes = lanes + packet
    while len(lanes) > 1:
        half = len(lanes) // 2
        lanes = lanes[:half] + lanes[half:]
    return np.asarray(tail + lanes[0], dtype=np.float32)


def _sequential(values: np.ndarray) -> np.ndarray:
    """The values added one after the other from 0 (along the first axis): numpy's
    ``add.accumulate`` is strictly sequential."""
    if len(values) == 0:
        return np.zeros(values.shape[1:], dtype=values.dtype)
    return np.add.accumulate(values, axis=0)[-1]


def clip_by_value(gradient, clip_value, dtype: str):
    """``tf.clip_by_value(g, -clip_value, clip_value)`` (a sparse gradient keeps its rows):
    ``maximum(minimum(g, clip_value), -clip_value)``."""
    high = _arith.cast(clip_value, dtype)
    low = _arith.cast(-clip_value, dtype)

    def clip(values):
        return np.maximum(np.minimum(values, high), low)

    return _on_values(gradient, clip)


def clip_by_norm(gradient, clip_norm, dtype: str):
    r"""``tf.clip_by_norm(g, clip_norm)``: :math:`g \cdot c / \max(\lVert g \rVert, c)`,
    computed as ``(g * c) / maximum(norm, c)``; the norm of a sparse gradient is that of its
    rows as given (a repeated row counts twice, unsummed), and the rows stay sparse."""
    norm_cap = _arith.cast(max(clip_norm, 0), dtype)

    def clip(values):
        squares = reduce_sum(_arith.flush_subnormals(values * values))
        norm = np.sqrt(squares) if squares > 0 else squares
        return (values * norm_cap) / np.maximum(norm, norm_cap)

    return _on_values(gradient, clip)


def global_norm(gradients: list, dtype: str) -> np.ndarray:
    r"""``tf.linalg.global_norm``: :math:`\sqrt{2 \sum_i \text{l2\_loss}(g_i)}` with
    ``l2_loss(g) = sum(g * g * 0.5)``: half squares summed per gradient, the halves summed,
    doubled, square-rooted (rows of a sparse gradient as given)."""
    half = _arith.cast(0.5, dtype)
    halves = [
        reduce_sum(_arith.flush_subnormals((_values(g) * _values(g)) * half)) for g in gradients
    ]
    return np.sqrt(reduce_sum(np.stack(halves)) * _arith.cast(2.0, dtype))


def clip_by_global_norm(gradients: list, clip_norm, dtype: str) -> list:
    r"""``tf.clip_by_global_norm(gradients, clip_norm)[0]``: every gradient times
    ``clip_norm * minimum(1 / norm, 1 / clip_norm)``, the last reciprocal a float32 division
    (so a gradient inside the ball is multiplied by ``c * (1/c)``, which is not always 1 in
    float32); a non-finite norm makes every gradient nan. Sparse gradients stay sparse."""
    norm = global_norm(gradients, dtype)
    cap = _arith.cast(clip_norm, dtype)
    one = _arith.cast(1.0, dtype)
    scale = cap * np.minimum(one / norm, one / cap) + (norm - norm)
    return [_on_values(g, lambda values: values * scale) for g in gradients]


def keras3_clip_by_global_norm(gradients: list, shapes: list, clip_norm, dtype: str) -> list:
    r"""Keras 3's ``clip_by_global_norm`` (``keras/src/optimizers/base_optimizer.py``), not
    TensorFlow's: the norm is :math:`\sqrt{\sum_i \text{sum}(g_i^2)}` (no halving), and
    ``1 / clip_norm`` is a Python (float64) division rounded to float32. A sparse gradient's
    squares are taken on its rows and summed over the dense tensor they make (a repeated row
    gives the sum of its squares, not the square of its sum); the clipped gradient is dense
    (``shapes`` are the parameters')."""
    squares = [
        reduce_sum(_dense(_on_values(g, lambda v: _arith.flush_subnormals(v * v)), shape))
        for g, shape in zip(gradients, shapes)
    ]
    norm = np.sqrt(reduce_sum(np.stack(squares)))
    cap = _arith.cast(clip_norm, dtype)
    scale = cap * np.minimum(_arith.cast(1.0, dtype) / norm, _arith.cast(1.0 / clip_norm, dtype))
    scale = scale + (norm - norm)
    return [_dense(g, shape) * scale for g, shape in zip(gradients, shapes)]


def _dense(gradient, shape) -> np.ndarray:
    """``tf.convert_to_tensor`` of a gradient: a sparse one's rows summed into zeros."""
    return densify(gradient, shape) if isinstance(gradient, IndexedSlices) else gradient


def _values(gradient) -> np.ndarray:
    return gradient.values if isinstance(gradient, IndexedSlices) else gradient


def _on_values(gradient, function):
    """``function`` of the gradient's values; a sparse gradient keeps its indices."""
    if isinstance(gradient, IndexedSlices):
        return IndexedSlices(gradient.indices, function(gradient.values))
    return function(gradient)

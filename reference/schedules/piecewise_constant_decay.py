"""PiecewiseConstantDecay: a fixed learning rate per interval of steps."""

from __future__ import annotations

import numpy as np

from reference import _arith
from reference.errors import InvalidArgumentError
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._schedule import FLAVOR_DEFAULT, LearningRateSchedule


class PiecewiseConstantDecay(LearningRateSchedule):
    r"""A constant learning rate per interval, the intervals closed on the right.

    .. math::

        \eta(s) = \begin{cases} v_0 & s \le b_0 \\
                                v_i & b_{i-1} < s \le b_i \\
                                v_n & s > b_{n-1} \end{cases}

    for ``boundaries`` :math:`b_0 < \dots < b_{n-1}` and ``values`` :math:`v_0, \dots, v_n`.

    Mirrors ``tf.keras.optimizers.schedules.PiecewiseConstantDecay`` (Keras 2 in TF 2.13-2.15
    and ``tf_keras``; Keras 3 from TF 2.16) and, with ``flavor="compat_v1"``, the schedule behind
    ``tf.compat.v1.train.piecewise_constant`` (the function adds dtype checks of its own). The
    two implementations agree on increasing boundaries and finite values, and differ elsewhere:

    * Keras 2 and compat.v1 pick one value with ``tf.case(exclusive=True)``, the default being
      :math:`v_0`. Two true predicates (boundaries not increasing, and a step between them)
      raise ``InvalidArgumentError`` at call; no true predicate (a nan step) gives :math:`v_0`.
      The result has the chosen value's own dtype (Python ints give int32).
    * Keras 3 adds up :math:`[\text{predicate}_i] \cdot v_i` over all intervals, starting from 0
      in the dtype of :math:`v_0`. Overlapping intervals add their values (in float32), a nan
      step gives 0.0, and an infinite or nan value spoils every step (:math:`0 \cdot \infty`
      is nan). A value whose dtype differs from :math:`v_0`'s (``[1, 0.5]``) raises
      ``InvalidArgumentError`` at call.

    Boundaries are cast to the step's dtype: float boundaries are truncated for integer steps
    (``[9.5]`` acts as ``[9]``). For a float step the reference compares in ``dtype`` (float32:
    what a Keras 2 legacy optimizer passes).

    Traps:
        * The new value starts at :math:`b + 1` for integer steps: with ``boundaries=[100]`` the
          first 101 updates (steps 0-100) use :math:`v_0`. PyTorch's ``MultiStepLR`` and optax
          switch *at* the milestone.
        * ``len(boundaries) != len(values) - 1``: ``ValueError`` at construction (all flavours).
        * Empty ``boundaries`` (one value): constructs, then ``IndexError`` at call.
        * Keras 2's ``tf.case`` takes one step at a time (a scalar predicate): a step vector
          raises there. The reference evaluates a vector element by element.

    Args:
        boundaries: the steps after which the value changes, increasing.
        values: one more value than boundaries.
        name: TensorFlow's op-scope name; only stored (``None`` in Keras 2,
            ``"PiecewiseConstant"`` in Keras 3 by default).
        dtype: ``"float64"`` (the values as given) or ``"float32"`` (TensorFlow's float32
            values).
        flavor: ``"keras3"``, ``"keras2"`` or ``"compat_v1"`` (see :data:`FLAVORS`).

    Example:
        >>> from reference.schedules import PiecewiseConstantDecay
        >>> schedule = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
        >>> schedule([0, 10, 11, 20, 21]).tolist()
        [1.0, 1.0, 0.5, 0.5, 0.1]
        >>> PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1], dtype="float32")(15)  # Keras 3
        1.100000023841858
        >>> PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1], dtype="float32")(15)
        0.5
    """

    def __init__(
        self,
        boundaries,
        values,
        name=FLAVOR_DEFAULT,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ):
        self._configure(dtype, flavor, name, keras3_name="PiecewiseConstant")
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values

    #: The values are converted, never cast: their own checks are in :meth:`_out_of_domain`.
    _PYTHON_ARGUMENTS = LearningRateSchedule._PYTHON_ARGUMENTS | {"values"}

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        out_of_domain.check_piecewise_values(self.values)
        return None

    def _computes_result(self) -> bool:
        # Keras 2 and compat.v1 select a value with tf.case: a subnormal value comes out as it
        # is (measured, TF 2.15 and 2.21); Keras 3 multiplies and adds.
        return self.flavor == "keras3"

    def _value(self, step: np.ndarray) -> np.ndarray:
        values = [self._as_tensor(v) for v in self.values]
        step_dtype = np.dtype(np.int64) if step.dtype.kind in "iub" else np.dtype(self.dtype)
        step = step.astype(step_dtype)
        boundaries = [self._cast_boundary(b, step_dtype) for b in self.boundaries]
        # TensorFlow indexes the first boundary before anything else: IndexError when empty.
        first, last = boundaries[0], boundaries[-1]
        in_interval = [step <= first, step > last]
        in_interval += [(step > lo) & (step <= hi) for lo, hi in zip(boundaries, boundaries[1:])]
        chosen = [values[0], values[-1], *values[1:-1]]
        if self.flavor == "keras3":
            return self._masked_sum(in_interval, chosen)
        return self._exclusive_case(in_interval, chosen, default=values[0])

    def _as_tensor(self, value) -> np.ndarray:
        """``convert_to_tensor``: Python ints are int32; floats are float32 in TensorFlow (the
        reference's ``dtype`` here); numpy scalars keep their dtype."""
        if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind in "iub":
            return np.asarray(value)
        if isinstance(value, (bool, int, np.integer)):
            return np.asarray(value, dtype=np.int32)
        return _arith.cast(value, self.dtype)

    def _cast_boundary(self, boundary, step_dtype: np.dtype) -> np.ndarray:
        if isinstance(boundary, (bool, int, np.integer)):
            return np.asarray(boundary).astype(step_dtype)
        as_float = _arith.cast(boundary, self.dtype)
        if step_dtype.kind == "i":
            return np.trunc(as_float).astype(step_dtype)  # a float-to-int cast truncates
        return as_float.astype(step_dtype)

    def _masked_sum(self, in_interval, chosen) -> np.ndarray:
        result_dtype = chosen[0].dtype
        if any(v.dtype != result_dtype for v in chosen):
            raise InvalidArgumentError(
                "cannot compute Mul: the values do not all have the dtype of values[0] "
                f"({result_dtype})"
            )
        result = np.zeros(np.shape(in_interval[0]), dtype=result_dtype)
        for mask, value in zip(in_interval, chosen):
            result = result + mask.astype(result_dtype) * value
        return result

    def _exclusive_case(self, in_interval, chosen, default) -> np.ndarray:
        true_count = np.sum(np.stack(in_interval).astype(np.int64), axis=0)
        if np.any(true_count > 1):
            raise InvalidArgumentError(
                "Input error: exclusive=True: more than 1 conditions "
                "(boundaries are not increasing) evaluated as True"
            )
        result_dtype = np.result_type(*chosen)
        result = np.full(np.shape(true_count), default, dtype=result_dtype)
        for mask, value in zip(in_interval, chosen):
            result = np.where(mask, value, result)
        return result.astype(result_dtype)

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}

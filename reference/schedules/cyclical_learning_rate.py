r"""The tensorflow-addons cyclical schedules: the rate climbs from a low to a high value and back.

One formula serves the four classes, which differ only in the factor :math:`f` that scales the
height of the triangle (Smith, *Cyclical Learning Rates for Training Neural Networks*, 2017,
https://arxiv.org/abs/1506.01186). With :math:`S` = ``step_size``:

.. math::

    c = \Big\lfloor 1 + \frac{s}{2S} \Big\rfloor, \qquad
    x = \Big| \frac{s}{S} - 2c + 1 \Big|, \qquad
    \eta(s) = \eta_{lo} + (\eta_{hi} - \eta_{lo}) \, \max(0, 1 - x) \, f(m)

:math:`c` is the 1-based cycle number and :math:`m = c` (``scale_mode="cycle"``) or
:math:`m = s` (any other ``scale_mode``). ``step_size`` is *half* a cycle: :math:`\eta_{lo}` at
:math:`s = 0`, :math:`\eta_{hi}` at :math:`s = S`, :math:`\eta_{lo}` again at :math:`s = 2S`.

Questions the TensorFlow CLR tutorial (``tfa.optimizers.CyclicalLearningRate`` with
``scale_fn=lambda x: 1/(2.**(x-1))``) leaves open:

* A cycle lasts ``2 * step_size`` steps, not ``step_size``: with ``step_size = 2 *
  steps_per_epoch`` one cycle takes four epochs.
* ``scale_fn`` is evaluated on the cycle number, so in ``"cycle"`` mode it scales the height of a
  whole cycle; it does not shape the rise and fall inside a cycle (that is always linear).
* With that ``scale_fn`` (triangular2) the rate does not keep oscillating over the whole
  ``[initial_learning_rate, maximal_learning_rate]`` range: the peak of cycle :math:`c` is
  :math:`\eta_{lo} + (\eta_{hi} - \eta_{lo}) / 2^{c-1}`, halfway lower at every cycle.
* Steps count optimizer updates. ``len(x_train) // batch_size`` is one less than the batches
  ``model.fit`` runs per epoch when the last batch is partial (937 against 938 for 60000 samples
  in batches of 64), so cycles drift against epoch boundaries.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from reference import _arith
from reference.errors import InvalidArgumentError
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_python_int
from reference.schedules._schedule import LearningRateSchedule, compute_dtype


class CyclicalLearningRate(LearningRateSchedule):
    r"""The cyclical learning rate with a user-given scale function.

    .. math::

        \eta(s) = \eta_{lo} + (\eta_{hi} - \eta_{lo}) \, \max(0, 1 - x) \, f(m), \quad
        x = \Big| \frac{s}{S} - 2c + 1 \Big|, \quad c = \Big\lfloor 1 + \frac{s}{2S} \Big\rfloor

    :math:`\eta_{lo}` is ``initial_learning_rate``, :math:`\eta_{hi}` is
    ``maximal_learning_rate``, :math:`S` is ``step_size`` (half a cycle), :math:`f` is
    ``scale_fn`` and :math:`m` is the cycle number :math:`c` (``scale_mode="cycle"``) or the step
    :math:`s` itself (``"iterations"``).

    Mirrors ``tfa.optimizers.CyclicalLearningRate`` (tensorflow-addons 0.23, which imports only
    with TF 2.13-2.15). TensorFlow's order of operations in float32, every constant a float32:
    ``c = floor(1 + s / (2 * S))``, ``x = abs(s / S - 2 * c + 1)``, then
    ``lo + (hi - lo) * max(0, 1 - x) * scale_fn(m)``, multiplied left to right.

    Traps:
        * ``step_size`` is half a cycle; the rate is back at ``initial_learning_rate`` after
          ``2 * step_size`` steps.
        * Any ``scale_mode`` other than exactly ``"cycle"`` means ``"iterations"`` (no error for
          a misspelling), and ``"iterations"`` hands ``scale_fn`` the step *as the caller passed
          it*, not cast to float. Keras optimizers since TF 2.11 pass an int64 step: a
          ``scale_fn`` that combines it with a Python float raises ``TypeError`` (``Cannot
          convert 0.5 to EagerTensor of dtype int64``), one that returns an integer tensor raises
          ``InvalidArgumentError`` (float times int64). Legacy optimizers
          (``tf.keras.optimizers.legacy``) pass a float32 step, which works.
        * The reference models the step as the caller passes it, as tfa does. A Python or numpy
          number or array is a step passed by hand: ``scale_fn`` computes on it in Python and
          numpy (in float64 for an integer step), and the result is rounded to float32, so it
          gives values (measured, tfa 0.23: a Python int, ``np.int64``, ``np.int32``, an
          integer array; a list raises ``TypeError`` inside ``scale_fn``). A
          :class:`reference.TensorSteps` (``reference.tensor_steps(k)``: what the reference's
          optimizers pass, and the conformance suite wherever TensorFlow is fed a tensor) is
          the step tensor of an optimizer: an int64 one makes ``scale_fn`` meet the int64
          tensor (a float result raises ``TypeError``, an integer one
          ``InvalidArgumentError``, a constant works; TensorFlow raises
          ``InvalidArgumentError`` instead of ``TypeError`` for ``1 / x``, which numpy cannot
          tell apart), a float32 one computes in float32 as TensorFlow does.
        * ``scale_fn`` runs on numpy arrays here and on tensors in TensorFlow: write it with
          operators (``+ - * / **``) that both understand. In float32 mode the array is a
          :class:`reference._arith.TensorLike`, whose ``**`` is TensorFlow's float32 ``pow``
          (numpy's own may differ in the last bits).
        * ``step_size = 0`` gives nan at every step, silently.
        * ``initial_learning_rate`` and ``maximal_learning_rate`` cannot be callables, although
          tfa's type hints allow it: ``ValueError`` when called. ``name`` and ``scale_mode`` must
          be ``str`` and ``scale_fn`` callable: ``TypeError`` at construction (typeguard).
        * A Python-int ``initial_learning_rate`` makes TensorFlow compute in int32, and the call
          raises ``InvalidArgumentError`` (int32 maximum of a float64 ``x``).
        * Far steps: float32 holds the step only to :math:`2^{-24}` relative, so the position
          inside a cycle is lost where :math:`s u / S` approaches 1 (for ``step_size=4``, step
          :math:`2^{31} - 1` is computed as :math:`2^{31}`, the bottom of a cycle).
        * ``get_config()`` has no ``name``; it holds ``scale_fn`` itself, which Keras cannot
          serialize (``deserialize`` raises ``TypeError``).

    Args:
        initial_learning_rate: :math:`\eta_{lo}`, the rate at the start of every cycle.
        maximal_learning_rate: :math:`\eta_{hi}`, the rate in the middle of the first cycle
            (when :math:`f(1) = 1`).
        step_size: :math:`S`, half a cycle, in optimizer steps.
        scale_fn: :math:`f`, called with numpy arrays (see the traps).
        scale_mode: ``"cycle"``, or anything else for ``"iterations"``.
        name: TensorFlow's op-scope name; only stored.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).

    Example:
        >>> from reference.schedules import CyclicalLearningRate
        >>> schedule = CyclicalLearningRate(0.1, 1.0, step_size=4, scale_fn=lambda c: 1 / c)
        >>> schedule([0, 2, 4, 8, 12]).tolist()
        [0.1, 0.55, 1.0, 0.1, 0.55]
        >>> CyclicalLearningRate(0.1, 1.0, 4, lambda c: 1 / c, dtype="float32")(6)
        0.550000011920929
        >>> iterations = CyclicalLearningRate(0.1, 1.0, 4, lambda s: 0.5 * s, "iterations")
        >>> iterations(2.0), iterations(6.0)  # a float step, as legacy Keras optimizers pass it
        (0.55, 1.4500000000000002)
        >>> iterations(2)  # a Python int, as a user passes it: scale_fn(2) in Python
        0.55
        >>> import reference
        >>> iterations(reference.tensor_steps(2))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: scale_fn got the integer step (scale_mode='iterations') and returned floats...
    """

    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_fn: Callable,
        scale_mode: str = "cycle",
        name: str = "CyclicalLearningRate",
        *,
        dtype: str = "float64",
    ):
        _check_str("scale_mode", scale_mode)
        _check_str("name", name)
        if not callable(scale_fn):
            raise TypeError('argument "scale_fn" must be a callable')
        self.initial_learning_rate = initial_learning_rate
        self.maximal_learning_rate = maximal_learning_rate
        self.step_size = step_size
        self.scale_fn = scale_fn
        self.scale_mode = scale_mode
        self.name = name
        self.dtype = compute_dtype(dtype)

    def __call__(self, step: _arith.Step) -> float | np.ndarray:
        # scale_mode="iterations": tfa hands scale_fn the step exactly as the caller passed it
        # (a Python int, a numpy array, a step tensor), so _value needs it as it came.
        self._step_as_passed = step
        return super().__call__(step)

    def _value(self, step: np.ndarray) -> np.ndarray:
        low, high, S, s, zero, one, two = self._cast(
            self.initial_learning_rate, self.maximal_learning_rate, self.step_size, step, 0, 1, 2
        )
        c = np.floor(one + s / (two * S))
        x = np.abs(s / S - two * c + one)
        if self.scale_mode == "cycle":
            scale = self._scale(c)
        elif not _arith.is_tensor(self._step_as_passed):
            scale = self._scale_of_step_as_passed(self._step_as_passed)
        elif step.dtype.kind in "iub":
            scale = self._scale_of_integer_step(step)
        else:
            scale = self._scale(s)
        return low + (high - low) * np.maximum(zero, one - x) * scale

    def _scale_of_step_as_passed(self, step) -> np.ndarray:
        """:math:`f(s)` for a step passed by hand (a Python or numpy number or array): tfa's
        ``scale_fn`` computes on it in Python or numpy (in float64 for an integer step), and
        TensorFlow rounds the result to the compute dtype before it multiplies."""
        return _arith.cast(self.scale_fn(step), self.dtype)

    def _out_of_domain(self, step: np.ndarray) -> np.ndarray | None:
        for argument in ("initial_learning_rate", "maximal_learning_rate", "step_size"):
            value = getattr(self, argument)
            if value is None or callable(value):
                raise out_of_domain.unconvertible(argument, value)
        if is_python_int(self.initial_learning_rate):
            raise out_of_domain.cyclical_learning_rate_in_int32()
        return None

    def _scale(self, m: np.ndarray) -> np.ndarray:
        """:math:`f(m)` for ``m`` in the compute dtype (the cycle number, or a float step)."""
        result = self.scale_fn(_arith.tensor_like(np.atleast_1d(m), self.dtype))
        if isinstance(result, np.ndarray):
            result = np.asarray(result)
            # numpy keeps float32 when Python numbers meet a float32 array (not a 0-d one).
            return _arith.cast(result, self.dtype).reshape(np.shape(m))
        return _arith.cast(result, self.dtype)

    def _scale_of_integer_step(self, step: np.ndarray) -> np.ndarray:
        """:math:`f(s)` for an integer step: TensorFlow hands ``scale_fn`` the int64 tensor."""
        result = self.scale_fn(np.atleast_1d(step))
        if not isinstance(result, np.ndarray):
            return _arith.cast(result, self.dtype)
        if result.dtype.kind == "f":
            raise TypeError(
                "scale_fn got the integer step (scale_mode='iterations') and returned floats: "
                "TensorFlow cannot combine an int64 step with Python floats"
            )
        raise InvalidArgumentError(
            "cannot compute Mul as input #1(zero-based) was expected to be a float tensor but is "
            "a int64 tensor (scale_fn returned the integer step's dtype)"
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "maximal_learning_rate": self.maximal_learning_rate,
            "scale_fn": self.scale_fn,
            "step_size": self.step_size,
            "scale_mode": self.scale_mode,
        }


class TriangularCyclicalLearningRate(CyclicalLearningRate):
    r"""The triangular policy: every cycle climbs to the full ``maximal_learning_rate``.

    .. math::

        \eta(s) = \eta_{lo} + (\eta_{hi} - \eta_{lo}) \, \max(0, 1 - x), \quad
        x = \Big| \frac{s}{S} - 2c + 1 \Big|, \quad c = \Big\lfloor 1 + \frac{s}{2S} \Big\rfloor

    That is :class:`CyclicalLearningRate` with :math:`f \equiv 1`: a triangle wave of period
    :math:`2S` between :math:`\eta_{lo}` (at multiples of :math:`2S`) and :math:`\eta_{hi}` (at
    odd multiples of :math:`S`).

    Mirrors ``tfa.optimizers.TriangularCyclicalLearningRate`` (tensorflow-addons 0.23). In
    float32 TensorFlow still multiplies by the constant 1.0; ``scale_mode`` changes nothing, and
    integer steps work in either mode.

    Traps:
        * ``step_size`` is half a cycle: ``step_size=2000`` peaks at step 2000 and is back at the
          low value at step 4000.
        * ``maximal_learning_rate < initial_learning_rate`` is allowed and turns the triangle
          upside down.
        * ``step_size = 0`` gives nan at every step; a negative ``step_size`` mirrors the wave.
        * A Python-int ``initial_learning_rate`` raises ``InvalidArgumentError`` when called
          (int32 compute dtype); ``get_config()`` has no ``name``.

    Args:
        initial_learning_rate: :math:`\eta_{lo}`.
        maximal_learning_rate: :math:`\eta_{hi}`.
        step_size: :math:`S`, half a cycle, in optimizer steps.
        scale_mode: ``"cycle"`` or ``"iterations"``; it makes no difference here.
        name: TensorFlow's op-scope name; only stored.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).

    Example:
        >>> from reference.schedules import TriangularCyclicalLearningRate
        >>> schedule = TriangularCyclicalLearningRate(0.1, 1.0, step_size=4)
        >>> schedule([0, 1, 2, 4, 6, 8, 9, 12, 16]).tolist()
        [0.1, 0.325, 0.55, 1.0, 0.55, 0.1, 0.325, 1.0, 0.1]
        >>> TriangularCyclicalLearningRate(0.1, 1.0, 4, dtype="float32")(1)  # what TF returns
        0.32499998807907104
    """

    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_mode: str = "cycle",
        name: str = "TriangularCyclicalLearningRate",
        *,
        dtype: str = "float64",
    ):
        super().__init__(
            initial_learning_rate,
            maximal_learning_rate,
            step_size,
            scale_fn=_constant_one,
            scale_mode=scale_mode,
            name=name,
            dtype=dtype,
        )

    def _scale(self, m: np.ndarray) -> np.ndarray:
        return _arith.cast(1.0, self.dtype)

    def _scale_of_integer_step(self, step: np.ndarray) -> np.ndarray:
        return _arith.cast(1.0, self.dtype)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "maximal_learning_rate": self.maximal_learning_rate,
            "step_size": self.step_size,
            "scale_mode": self.scale_mode,
        }


class Triangular2CyclicalLearningRate(CyclicalLearningRate):
    r"""The triangular2 policy: the height of the triangle halves at every cycle.

    .. math::

        \eta(s) = \eta_{lo} + (\eta_{hi} - \eta_{lo}) \, \max(0, 1 - x) \, \frac{1}{2^{m - 1}},
        \quad x = \Big| \frac{s}{S} - 2c + 1 \Big|, \quad
        c = \Big\lfloor 1 + \frac{s}{2S} \Big\rfloor

    with :math:`m = c` (``scale_mode="cycle"``, the default: cycle :math:`c` peaks at
    :math:`\eta_{lo} + (\eta_{hi} - \eta_{lo}) / 2^{c-1}`) or :math:`m = s` (``"iterations"``).

    Mirrors ``tfa.optimizers.Triangular2CyclicalLearningRate`` (tensorflow-addons 0.23), whose
    ``scale_fn`` is ``lambda x: 1 / (2.0 ** (x - 1))``: in float32, ``1 / pow(2, m - 1)``. This is
    the schedule of the TensorFlow CLR tutorial.

    Traps:
        * ``scale_mode="iterations"`` halves the height at every *step*: from step 30 on the
          rate is ``initial_learning_rate`` for any useful purpose. Almost never what is meant.
        * With ``scale_mode="iterations"`` (or any misspelling of ``"cycle"``) and an integer
          step (every Keras optimizer since TF 2.11 passes int64) TensorFlow raises
          ``TypeError: Cannot convert 2.0 to EagerTensor of dtype int64``; the reference raises
          ``TypeError`` for integer steps too. A float step (legacy optimizers) works.
        * ``step_size`` is half a cycle; ``step_size = 0`` gives nan at every step.
        * A Python-int ``initial_learning_rate`` raises ``InvalidArgumentError`` when called;
          ``get_config()`` has no ``name``.

    Args:
        initial_learning_rate: :math:`\eta_{lo}`.
        maximal_learning_rate: :math:`\eta_{hi}`, reached in the first cycle only.
        step_size: :math:`S`, half a cycle, in optimizer steps.
        scale_mode: ``"cycle"``, or anything else for ``"iterations"``.
        name: TensorFlow's op-scope name; only stored.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).

    Example:
        >>> from reference.schedules import Triangular2CyclicalLearningRate
        >>> schedule = Triangular2CyclicalLearningRate(0.1, 1.0, step_size=4)
        >>> schedule([0, 4, 8, 9, 12, 16, 20]).tolist()
        [0.1, 1.0, 0.1, 0.21250000000000002, 0.55, 0.1, 0.325]
        >>> Triangular2CyclicalLearningRate(0.1, 1.0, 4, "iterations", dtype="float32")(6.0)
        0.11406250298023224
        >>> Triangular2CyclicalLearningRate(0.1, 1.0, 4, "iterations")(6)  # a Python int
        0.11406250000000001
        >>> import reference  # the int64 step tensor of a Keras optimizer
        >>> Triangular2CyclicalLearningRate(0.1, 1.0, 4, "iterations")(
        ...     reference.tensor_steps(6)
        ... )  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: Cannot convert 2.0 to EagerTensor of dtype int64 ...
    """

    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_mode: str = "cycle",
        name: str = "Triangular2CyclicalLearningRate",
        *,
        dtype: str = "float64",
    ):
        super().__init__(
            initial_learning_rate,
            maximal_learning_rate,
            step_size,
            scale_fn=_halving,
            scale_mode=scale_mode,
            name=name,
            dtype=dtype,
        )

    def _scale(self, m: np.ndarray) -> np.ndarray:
        one, two = self._cast(1, 2.0)
        return one / _arith.pow(two, m - one)

    def _scale_of_integer_step(self, step: np.ndarray) -> np.ndarray:
        raise TypeError(
            "Cannot convert 2.0 to EagerTensor of dtype int64 "
            "(scale_mode='iterations' hands scale_fn the integer step)"
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "maximal_learning_rate": self.maximal_learning_rate,
            "step_size": self.step_size,
            "scale_mode": self.scale_mode,
        }


class ExponentialCyclicalLearningRate(CyclicalLearningRate):
    r"""The exp_range policy: the height of the triangle shrinks (or grows) by ``gamma`` per step.

    .. math::

        \eta(s) = \eta_{lo} + (\eta_{hi} - \eta_{lo}) \, \max(0, 1 - x) \, \gamma^{m},
        \quad x = \Big| \frac{s}{S} - 2c + 1 \Big|, \quad
        c = \Big\lfloor 1 + \frac{s}{2S} \Big\rfloor

    with :math:`m = s` (``scale_mode="iterations"``, the default here) or :math:`m = c`
    (``"cycle"``: the first peak is already :math:`\gamma (\eta_{hi} - \eta_{lo})` above
    :math:`\eta_{lo}`).

    Mirrors ``tfa.optimizers.ExponentialCyclicalLearningRate`` (tensorflow-addons 0.23), whose
    ``scale_fn`` is ``lambda x: gamma ** x``: in float32, ``pow(gamma, m)``.

    Traps:
        * The default ``scale_mode`` is ``"iterations"``, so with every Keras optimizer since
          TF 2.11 (int64 step) the *default* configuration raises ``TypeError: Cannot convert
          0.99 to EagerTensor of dtype int64``; an integer ``gamma`` gives an int64 factor and
          ``InvalidArgumentError`` instead. The reference raises the same for integer steps.
          With a float step (legacy optimizers) it works.
        * ``gamma`` is per *step* in the default mode: ``gamma=0.99`` has shrunk the triangle to
          0.0043 of its height after 543 steps. Typical values are 0.9999 and above.
        * ``gamma > 1`` grows the height until float32 overflows (``gamma=1.01``: after about
          8900 steps): TensorFlow then gives inf, and nan where :math:`\max(0, 1-x) = 0`.
        * The argument order is ``(..., step_size, scale_mode, gamma)``: a third positional
          number after ``step_size`` is ``scale_mode``, and typeguard rejects it.
        * ``step_size`` is half a cycle; ``step_size = 0`` gives nan at every step. A
          Python-int ``initial_learning_rate`` raises ``InvalidArgumentError`` when called.

    Args:
        initial_learning_rate: :math:`\eta_{lo}`.
        maximal_learning_rate: :math:`\eta_{hi}`.
        step_size: :math:`S`, half a cycle, in optimizer steps.
        scale_mode: ``"iterations"`` (default), or ``"cycle"``.
        gamma: :math:`\gamma`.
        name: TensorFlow's op-scope name; only stored.
        dtype: ``"float64"`` (the exact formula) or ``"float32"`` (TensorFlow's arithmetic).

    Example:
        >>> from reference.schedules import ExponentialCyclicalLearningRate
        >>> schedule = ExponentialCyclicalLearningRate(0.1, 1.0, step_size=4, gamma=0.99)
        >>> import numpy as np  # tfa's scale_fn (gamma ** x) takes an array, not a list
        >>> schedule(np.array([1.0, 4.0, 9.0])).round(8).tolist()
        [0.32275, 0.96453641, 0.30554138]
        >>> ExponentialCyclicalLearningRate(0.1, 1.0, 4, gamma=0.99, dtype="float32")(4.0)
        0.9645364284515381
        >>> ExponentialCyclicalLearningRate(0.1, 1.0, 4, "cycle", 0.99)([4, 12]).tolist()
        [0.991, 0.98209]
        >>> import reference  # an optimizer's int64 step tensor; a Python int 4 gives a value
        >>> schedule(reference.tensor_steps(4))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: Cannot convert 0.99 to EagerTensor of dtype int64 ...
    """

    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_mode: str = "iterations",
        gamma=1.0,
        name: str = "ExponentialCyclicalLearningRate",
        *,
        dtype: str = "float64",
    ):
        self.gamma = gamma
        super().__init__(
            initial_learning_rate,
            maximal_learning_rate,
            step_size,
            scale_fn=lambda m: gamma**m,
            scale_mode=scale_mode,
            name=name,
            dtype=dtype,
        )

    #: tfa never converts gamma itself: only its scale_fn (``gamma ** x``) meets it, after the
    #: step, so that an integer step tensor raises TypeError whatever gamma is.
    _PYTHON_ARGUMENTS = CyclicalLearningRate._PYTHON_ARGUMENTS | {"gamma"}

    def _scale(self, m: np.ndarray) -> np.ndarray:
        out_of_domain.check_conversion("gamma", self.gamma)
        (gamma,) = self._cast(self.gamma)
        return _arith.pow(gamma, m)

    def _scale_of_integer_step(self, step: np.ndarray) -> np.ndarray:
        if self.gamma is None:  # gamma ** step converts None (ValueError) before the step
            out_of_domain.check_conversion("gamma", self.gamma)
        if is_python_int(self.gamma):
            raise InvalidArgumentError(
                "cannot compute Mul as input #1(zero-based) was expected to be a float tensor but "
                "is a int64 tensor (an int gamma to the power of the integer step)"
            )
        raise TypeError(
            f"Cannot convert {self.gamma!r} to EagerTensor of dtype int64 "
            "(scale_mode='iterations' hands scale_fn the integer step)"
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "maximal_learning_rate": self.maximal_learning_rate,
            "step_size": self.step_size,
            "scale_mode": self.scale_mode,
            "gamma": self.gamma,
        }


def _constant_one(m):
    return 1.0


def _halving(m):
    return 1 / (2.0 ** (m - 1))


def _check_str(argument: str, value) -> None:
    """tfa's typeguard annotations: ``name`` and ``scale_mode`` must be ``str``."""
    if not isinstance(value, str):
        raise TypeError(
            f'type of argument "{argument}" must be str; got {type(value).__name__} instead'
        )

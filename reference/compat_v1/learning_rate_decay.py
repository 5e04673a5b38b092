r"""The TF1 functional decay API: ``tf.compat.v1.train.exponential_decay`` and its eight siblings.

Each function takes TensorFlow's arguments, in TensorFlow's order and with its defaults, plus the
reference's keyword-only ``dtype`` (``"float64"``: the exact formula; ``"float32"``: TensorFlow's
arithmetic, see :mod:`reference._arith`), and **returns the learning rate at** ``global_step``:
a Python float for a scalar step, an array of the step's shape for an integer numpy array.

What TensorFlow returns instead, and why it matters:

* in graph mode (TF1, or inside ``tf.compat.v1.Graph``): a Tensor, the schedule applied to the
  ``global_step`` tensor. Every ``Session.run`` reads the variable again, so the value follows
  training.
* in eager mode (TF2's default): ``functools.partial(schedule, global_step)``, a callable with no
  arguments. Optimizers that accept a callable learning rate call it at every update. It only
  follows training if ``global_step`` is a variable that something increments: a Python int, or
  a variable no optimizer advances (a Keras optimizer never touches ``global_step``), freezes the
  rate at its first value. TF1 code that uses the result as a tensor breaks on the partial
  (tensorflow/tensorflow#29903 is one report of the confusion).

In TensorFlow these functions build the schedule classes of the Keras-2 copy frozen inside
TensorFlow (``tensorflow/python/keras/optimizer_v2/learning_rate_schedule.py``, identical in TF
2.15 and 2.21); the reference builds the same classes of :mod:`reference.schedules` with
``flavor="compat_v1"``. What the functions add on top of the classes is here: the base
:math:`e^{-k}` of :func:`natural_exp_decay`, the dtype checks of :func:`piecewise_constant`, and
the two schedules that exist only in this API, :func:`linear_cosine_decay` and
:func:`noisy_linear_cosine_decay`.

Behaviour shared by all nine functions:

* ``global_step=None`` raises ``ValueError``, as TensorFlow does (eager mode: only when the
  partial is called; graph mode: when the function is called). The reference computes at once,
  so it raises at once.
* The compute dtype is that of the learning rate as TensorFlow converts it: float32 for a Python
  float. A Python-int learning rate makes it int32 and fails (see each function), a float64
  learning rate (``np.float64``) makes it float64. ``dtype="float32"`` reproduces the float32
  case; for a float64 learning rate compare TensorFlow with ``dtype="float64"``.
* Where eager and graph mode raise different exceptions for the same mistake, the reference
  raises eager mode's (TF2's default) and the docstring names graph mode's.
* ``name`` is TensorFlow's op-scope name: accepted, and only passed on to the schedule.
"""

from __future__ import annotations

import math

import numpy as np

from reference import _arith, schedules
from reference.errors import InvalidArgumentError
from reference.schedules import _out_of_domain as out_of_domain
from reference.schedules._out_of_domain import is_python_int, tensorflow_dtype
from reference.schedules._schedule import LearningRateSchedule, compute_dtype

__all__ = [
    "cosine_decay",
    "cosine_decay_restarts",
    "exponential_decay",
    "inverse_time_decay",
    "linear_cosine_decay",
    "natural_exp_decay",
    "noisy_linear_cosine_decay",
    "piecewise_constant",
    "piecewise_constant_decay",
    "polynomial_decay",
]


def _value_at(schedule, global_step):
    if global_step is None:
        raise ValueError(
            "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) to "
            "a Tensor. (global_step is None)"
        )
    return schedule(global_step)


def exponential_decay(
    learning_rate,
    global_step,
    decay_steps,
    decay_rate,
    staircase: bool = False,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.exponential_decay``: :math:`\eta_0 r^{s/d}` at ``global_step``.

    .. math:: \eta(s) = \eta_0\, r^{p}, \quad p = s/d \ \text{or}\ \lfloor s/d \rfloor

    The schedule is :class:`reference.schedules.ExponentialDecay` with ``flavor="compat_v1"``:
    its formula, float32 order of operations and traps hold here. Nothing is validated:
    ``decay_steps=0`` gives nan at step 0 and 0 after it.

    Traps:
        * A Python-int ``learning_rate`` raises ``InvalidArgumentError`` (graph mode:
          ``TypeError``).
        * ``global_step`` counts optimizer updates, and in eager mode only if it is a variable
          that the optimizer increments (``minimize(..., global_step=gs)``).

    Example:
        >>> from reference.compat_v1 import exponential_decay
        >>> exponential_decay(0.01, 1, 10, 0.9, dtype="float32")  # seed 001: 0.009895192
        0.009895192459225655
        >>> exponential_decay(0.01, [99, 100, 101], 100, 0.9, staircase=True).tolist()
        [0.01, 0.009000000000000001, 0.009000000000000001]
    """
    schedule = schedules.ExponentialDecay(
        learning_rate, decay_steps, decay_rate, staircase, name, dtype=dtype, flavor="compat_v1"
    )
    return _value_at(schedule, _steps(global_step))


def natural_exp_decay(
    learning_rate,
    global_step,
    decay_steps,
    decay_rate,
    staircase: bool = False,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.natural_exp_decay``: :math:`\eta_0 e^{-k s/d}` at ``global_step``.

    .. math:: \eta(s) = \eta_0\, \big(e^{-k}\big)^{p}, \quad p = s/d \ \text{or}\
              \lfloor s/d \rfloor

    :math:`k` is ``decay_rate``. TensorFlow does not evaluate :math:`e^{-k p}`: it computes the
    base :math:`b = e^{-k}` once with ``tf.exp`` on ``decay_rate`` as a tensor (a Python float
    becomes float32), then runs :func:`exponential_decay` with decay rate :math:`b`. So
    ``staircase=True`` floors :math:`s/d`, not :math:`k s/d`.

    Traps:
        * The base is rounded to float32 even when ``learning_rate`` is float64: with
          ``np.float64(0.1)``, :math:`s=7`, :math:`d=3`, :math:`k=0.3` TensorFlow returns
          0.04965852753468256, the exact value is 0.04965853037914095. The relative error
          grows like :math:`p` times that of :math:`b` (about :math:`2^{-25} p`).
        * A Python-int ``decay_rate`` (``decay_rate=1``) raises ``InvalidArgumentError``:
          ``tf.exp`` has no int32 kernel (graph mode: ``TypeError``). So does a Python-int
          ``learning_rate``, as in :func:`exponential_decay`.

    Example:
        >>> from reference.compat_v1 import natural_exp_decay
        >>> natural_exp_decay(0.1, 5, 10, 0.5)
        0.0778800783071405
        >>> natural_exp_decay(0.1, 5, 10, 0.5, dtype="float32")
        0.07788007706403732
        >>> natural_exp_decay(0.1, [9, 10], 10, 0.5, staircase=True).tolist()
        [0.1, 0.06065306597126335]
    """
    if isinstance(decay_rate, str):  # eagerly, tf.negative meets the string tensor first
        raise InvalidArgumentError(
            "Value for attr 'T' of string is not in the list of allowed values: decay_rate="
            f"{decay_rate!r} is a string (a number is accepted)"
        )
    out_of_domain.check_conversion("decay_rate", decay_rate)
    rate_dtype = tensorflow_dtype(decay_rate)
    if rate_dtype not in _arith.DTYPES:
        raise out_of_domain.exp_of_integer(rate_dtype)
    if dtype == "float32":
        # tf.exp(tf.negative(decay_rate)) in decay_rate's own dtype; the class then casts it.
        base = _arith.exp(-_arith.cast(decay_rate, rate_dtype))
    else:
        base = np.exp(-np.float64(decay_rate))
    schedule = schedules.ExponentialDecay(
        learning_rate, decay_steps, base, staircase, name, dtype=dtype, flavor="compat_v1"
    )
    return _value_at(schedule, _steps(global_step))


def inverse_time_decay(
    learning_rate,
    global_step,
    decay_steps,
    decay_rate,
    staircase: bool = False,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.inverse_time_decay``: :math:`\eta_0 / (1 + r\,s/d)`.

    .. math:: \eta(s) = \frac{\eta_0}{1 + r p}, \quad p = s/d \ \text{or}\ \lfloor s/d \rfloor

    The schedule is :class:`reference.schedules.InverseTimeDecay` with ``flavor="compat_v1"``.
    A Python-int ``learning_rate`` raises ``InvalidArgumentError`` (graph mode: ``TypeError``).

    Example:
        >>> from reference.compat_v1 import inverse_time_decay
        >>> inverse_time_decay(0.1, [5, 10], 10, 0.5).tolist()
        [0.08, 0.06666666666666667]
    """
    schedule = schedules.InverseTimeDecay(
        learning_rate, decay_steps, decay_rate, staircase, name, dtype=dtype, flavor="compat_v1"
    )
    return _value_at(schedule, _steps(global_step))


def polynomial_decay(
    learning_rate,
    global_step,
    decay_steps,
    end_learning_rate=0.0001,
    power=1.0,
    cycle: bool = False,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.polynomial_decay``: from :math:`\eta_0` to ``end_learning_rate``.

    .. math:: \eta(s) = (\eta_0 - \eta_e)\,(1 - \min(s, d)/d)^{q} + \eta_e

    (with ``cycle=True``, :math:`d` grows to the next multiple of itself instead of clamping
    :math:`s`). The schedule is :class:`reference.schedules.PolynomialDecay` with
    ``flavor="compat_v1"``. The default end is ``1e-4``, not 0. A Python-int ``learning_rate``
    raises ``InvalidArgumentError`` (graph mode: ``TypeError``).

    Example:
        >>> from reference.compat_v1 import polynomial_decay
        >>> polynomial_decay(0.1, [5, 10, 20], 10).tolist()
        [0.050050000000000004, 0.0001, 0.0001]
    """
    schedule = schedules.PolynomialDecay(
        learning_rate,
        decay_steps,
        end_learning_rate,
        power,
        cycle,
        name,
        dtype=dtype,
        flavor="compat_v1",
    )
    return _value_at(schedule, _steps(global_step))


def piecewise_constant(
    x, boundaries, values, name=None, *, dtype: str = "float64"
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.piecewise_constant`` (alias ``piecewise_constant_decay``).

    .. math:: \eta(x) = v_i \quad\text{for}\quad b_{i-1} < x \le b_i
              \qquad (b_{-1} = -\infty,\ b_n = +\infty)

    Intervals are closed on the right: with integer steps the new value starts at
    :math:`b_i + 1` (seed 004: ``boundaries=[5, 10, 15]`` gives ``values[0]`` up to step 5
    included). The schedule is :class:`reference.schedules.PiecewiseConstantDecay` with
    ``flavor="compat_v1"``.

    Stricter than the class, this function checks dtypes as TensorFlow converts them (a Python
    int is int32, a Python float float32, a numpy value keeps its dtype; ``x`` is the
    ``global_step``, an int64 variable in TF1 and an int64 array in the conformance suite):

    * every boundary must have ``x``'s dtype, except that int32 boundaries are accepted for an
      int64 ``x``; otherwise ``ValueError`` (float boundaries with an integer step fail here,
      where the class would truncate them);
    * all values must share one dtype (``[1, 0.5]`` mixes int32 and float32): ``ValueError``;
    * ``len(boundaries) != len(values) - 1``: ``ValueError`` from the class.

    Int values give int results. ``x`` must be a scalar: TensorFlow evaluates the intervals with
    ``tf.case``, which raises ``InvalidArgumentError`` for a step vector that falls in more
    than one interval; the reference evaluates any array element-wise.

    Example:
        >>> from reference.compat_v1 import piecewise_constant
        >>> import numpy as np
        >>> steps = np.array([5, 6, 10, 11, 15, 16])
        >>> piecewise_constant(steps, [5, 10, 15], [0.1, 0.05, 0.01, 0.001]).tolist()
        [0.1, 0.05, 0.05, 0.01, 0.01, 0.001]
    """
    if x is None:
        raise ValueError("None values not supported. (x is None)")
    flat_boundaries, flat_values = _flatten(boundaries), _flatten(values)
    x_dtype = tensorflow_dtype(_steps(x))
    for boundary in flat_boundaries:
        boundary_dtype = tensorflow_dtype(boundary)
        if boundary_dtype != x_dtype and (boundary_dtype, x_dtype) != ("int32", "int64"):
            raise ValueError(
                f"Boundaries (<dtype: '{boundary_dtype}'>) must have the same dtype as x "
                f"(<dtype: '{x_dtype}'>)."
            )
    value_dtypes = [tensorflow_dtype(v) for v in flat_values]
    for value_dtype in value_dtypes[1:]:
        if value_dtype != value_dtypes[0]:
            raise ValueError(
                f"Values must have elements all with the same dtype (<dtype: "
                f"'{value_dtypes[0]}'> vs <dtype: '{value_dtype}'>)."
            )
    schedule = schedules.PiecewiseConstantDecay(
        flat_boundaries, flat_values, name, dtype=dtype, flavor="compat_v1"
    )
    return schedule(_steps(x))


piecewise_constant_decay = piecewise_constant


def cosine_decay(
    learning_rate,
    global_step,
    decay_steps,
    alpha=0.0,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.cosine_decay``: half a cosine from :math:`\eta_0` to
    :math:`\alpha\eta_0` over ``decay_steps``, then constant.

    .. math:: \eta(s) = \eta_0\Big((1-\alpha)\,\tfrac12\big(1 + \cos(\pi \min(s,d)/d)\big)
              + \alpha\Big)

    The schedule is :class:`reference.schedules.CosineDecay` with ``flavor="compat_v1"`` (no
    warmup arguments in this API). Trap: TensorFlow multiplies by a float32 :math:`\pi`, so a
    float64 ``learning_rate`` raises ``InvalidArgumentError`` (graph mode: ``TypeError``).

    Example:
        >>> from reference.compat_v1 import cosine_decay
        >>> cosine_decay(0.1, [0, 5, 10, 20], 10).tolist()
        [0.1, 0.05, 0.0, 0.0]
    """
    schedule = schedules.CosineDecay(
        learning_rate, decay_steps, alpha, name, dtype=dtype, flavor="compat_v1"
    )
    return _value_at(schedule, _steps(global_step))


def cosine_decay_restarts(
    learning_rate,
    global_step,
    first_decay_steps,
    t_mul=2.0,
    m_mul=1.0,
    alpha=0.0,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.cosine_decay_restarts``: SGDR, cosine decay with warm restarts.

    Restart :math:`i` lasts ``first_decay_steps`` :math:`\cdot t^i` steps and peaks at
    :math:`\eta_0((1-\alpha) m^i + \alpha)`. The schedule is
    :class:`reference.schedules.CosineDecayRestarts` with ``flavor="compat_v1"``. Trap: a
    float64 ``learning_rate`` raises ``InvalidArgumentError`` (float32 :math:`\pi`; graph mode:
    ``TypeError``); a Python-int one raises ``TypeError``.

    Example:
        >>> from reference.compat_v1 import cosine_decay_restarts
        >>> cosine_decay_restarts(0.1, [5, 10, 30], 10).tolist()
        [0.05, 0.1, 0.1]
    """
    schedule = schedules.CosineDecayRestarts(
        learning_rate,
        first_decay_steps,
        t_mul,
        m_mul,
        alpha,
        name,
        dtype=dtype,
        flavor="compat_v1",
    )
    return _value_at(schedule, _steps(global_step))


def linear_cosine_decay(
    learning_rate,
    global_step,
    decay_steps,
    num_periods=0.5,
    alpha=0.0,
    beta=0.001,
    name=None,
    *,
    dtype: str = "float64",
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.linear_cosine_decay``: a cosine under a falling line, plus a floor.

    .. math::

        \eta(s) = \eta_0 \big( (\alpha + \ell)\, c + \beta \big), \quad
        \ell = \frac{d - s'}{d}, \quad
        c = \tfrac12\Big(1 + \cos\big(\pi \cdot 2n \cdot \tfrac{s'}{d}\big)\Big), \quad
        s' = \min(s, d)

    :math:`n` is ``num_periods`` (0.5: half a cosine, falling with the line). From Bello et al.,
    "Neural Optimizer Search with Reinforcement Learning" (ICML 2017). The schedule exists only
    in this API (Keras 2 keeps the class unexported for it; Keras 3, PyTorch and optax have
    none), so its formula is here. TensorFlow's float32 order of operations: ``s' = min(s, d)``,
    ``l = (d - s') / d``, ``f = s' / d``, ``x = (2 * n) * f``, ``c = 0.5 * (1 + cos(pi * x))``
    with a float32 :math:`\pi`, ``eta0 * ((alpha + l) * c + beta)``.

    Traps:
        * The rate at step 0 is :math:`\eta_0(1 + \alpha + \beta)`, above ``learning_rate``;
          after ``decay_steps`` it stays at :math:`\eta_0\beta` (with the default
          ``alpha=0``), not 0.
        * A float64 ``learning_rate`` raises ``InvalidArgumentError`` (float32 :math:`\pi`;
          graph mode: ``TypeError``); a Python-int one raises ``TypeError``.
        * ``decay_steps=0`` gives nan at every step.

    Example:
        >>> from reference.compat_v1 import linear_cosine_decay
        >>> linear_cosine_decay(0.1, [0, 5, 10, 11], 10).tolist()
        [0.1001, 0.0251, 0.0001, 0.0001]
        >>> linear_cosine_decay(0.1, 5, 10, dtype="float32")
        0.025099998340010643
    """
    compute = _LinearCosine(learning_rate, decay_steps, num_periods, alpha, beta, dtype)
    return _value_at(compute, _steps(global_step))


def noisy_linear_cosine_decay(
    learning_rate,
    global_step,
    decay_steps,
    initial_variance=1.0,
    variance_decay=0.55,
    num_periods=0.5,
    alpha=0.0,
    beta=0.001,
    name=None,
    *,
    dtype: str = "float64",
    rng: np.random.Generator | None = None,
) -> float | np.ndarray:
    r"""``tf.compat.v1.train.noisy_linear_cosine_decay``: :func:`linear_cosine_decay` with
    Gaussian noise on the line.

    .. math::

        \eta(s) = \eta_0 \big( (\alpha + \ell + \varepsilon)\, c + \beta \big), \quad
        \varepsilon \sim \mathcal N\!\Big(0,\ \frac{v_0}{(1 + s')^{\gamma}}\Big)

    with :math:`\ell`, :math:`c`, :math:`s'` as in :func:`linear_cosine_decay`, :math:`v_0`
    ``initial_variance`` and :math:`\gamma` ``variance_decay``. TensorFlow's float32 order:
    ``var = v0 / pow(1 + s', gamma)``, ``eps = N(0, 1) * sqrt(var) + 0`` with a float32
    standard normal, then ``l + eps`` in place of ``l``.

    The noise is drawn afresh at every call, one independent draw per element of
    ``global_step`` (TensorFlow draws with the static shape of the step tensor). TensorFlow's
    random stream cannot be reproduced, so the reference takes its own: ``rng``, a numpy
    ``Generator`` (default: a new unseeded ``np.random.default_rng()`` at every call). With
    ``initial_variance=0`` the result is deterministic and equals :func:`linear_cosine_decay`.

    Traps:
        * Noise of standard deviation 1 at step 0 (default ``initial_variance=1``) is as large
          as the line itself: the rate is often negative early on.
        * A float64 ``learning_rate`` raises ``ValueError`` here (the float32 normal refuses a
          float64 standard deviation, before the float32 :math:`\pi` is reached); a Python-int
          one raises ``TypeError``.
        * In graph mode ``global_step`` needs a fully known static shape (a scalar variable
          is fine; a ``[None]`` placeholder raises ``ValueError``).

    Example:
        >>> from reference.compat_v1 import noisy_linear_cosine_decay
        >>> import numpy as np
        >>> noisy_linear_cosine_decay(0.1, 5, 10, initial_variance=0.0)
        0.0251
        >>> rate = noisy_linear_cosine_decay(0.1, 5, 10, rng=np.random.default_rng(0))
        >>> round(rate, 6)
        0.028941
    """
    compute = _LinearCosine(
        learning_rate,
        decay_steps,
        num_periods,
        alpha,
        beta,
        dtype,
        noise=(initial_variance, variance_decay, rng or np.random.default_rng()),
    )
    return _value_at(compute, _steps(global_step))


class _LinearCosine(LearningRateSchedule):
    """The formula of :func:`linear_cosine_decay` (and, with ``noise``, of the noisy one) as a
    schedule of the step: TensorFlow computes it inside the function, with no class of its own.
    TensorFlow raises at once where the learning rate's type leaves the formula's domain."""

    def __init__(self, learning_rate, decay_steps, num_periods, alpha, beta, dtype, noise=None):
        self.dtype = compute_dtype(dtype)
        self.arguments = (learning_rate, decay_steps, num_periods, alpha, beta)
        self.noise = noise
        if is_python_int(learning_rate):
            raise out_of_domain.linear_cosine_decay_in_int32()
        if tensorflow_dtype(learning_rate) == "float64":
            raise out_of_domain.linear_cosine_decay_in_float64(noisy=noise is not None)

    def _tensor_arguments(self) -> dict:
        names = ("learning_rate", "decay_steps", "num_periods", "alpha", "beta")
        return dict(zip(names, self.arguments))

    def _value(self, step: np.ndarray) -> np.ndarray:
        eta_0, d, n, alpha, beta = self._cast(*self.arguments)
        two, half, one, pi, s = self._cast(2.0, 0.5, 1.0, math.pi, step)
        s = np.minimum(s, d)
        linear = (d - s) / d
        if self.noise is not None:
            linear = linear + self._noise(s)
        c = half * (one + _arith.cos(pi * ((two * n) * (s / d))))
        return eta_0 * ((alpha + linear) * c + beta)

    def _noise(self, s: np.ndarray) -> np.ndarray:
        """:math:`\\varepsilon`: a standard normal times :math:`\\sqrt{v_0 / (1 + s')^\\gamma}`."""
        initial_variance, variance_decay, rng = self.noise
        v_0, gamma, one = self._cast(initial_variance, variance_decay, 1.0)
        variance = v_0 / _arith.pow(one + s, gamma)
        standard_normal = rng.standard_normal(np.shape(s), dtype=np.dtype(self.dtype))
        return standard_normal * np.sqrt(variance)


def _steps(global_step):
    """A list of steps as the array TensorFlow would make of it; anything else unchanged."""
    if isinstance(global_step, (list, tuple)):
        return np.asarray(global_step, dtype=tensorflow_dtype(global_step))
    return global_step


def _flatten(structure) -> list:
    """``tf.nest.flatten`` of nested lists and tuples (a bare number is a list of one)."""
    if isinstance(structure, (list, tuple)):
        return [item for part in structure for item in _flatten(part)]
    return [structure]

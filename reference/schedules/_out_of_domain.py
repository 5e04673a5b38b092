"""What TensorFlow does where a schedule's arguments leave the domain of its formula.

The formulas in :mod:`reference.schedules` are what TensorFlow computes for float arguments,
which it converts to its default float32 compute dtype (``dtype="float32"``) and which the exact
formula takes as they are (``dtype="float64"``). TensorFlow takes the compute dtype from the
learning rate as it converts it, so other types change what it does, one section each below:

* a Python-int learning rate (``initial_learning_rate=1``) makes the compute dtype int32: every
  argument is truncated to an integer, and TensorFlow raises or computes something other than
  the formula, depending on the flavour;
* a numpy-float64 learning rate makes it float64, which compat.v1's float32 constants (the
  :math:`\\pi` of the cosine schedules) refuse;
* an integer ``decay_rate`` has no ``tf.exp`` kernel (``natural_exp_decay``);
* ``None`` or a callable cannot become a tensor (tensorflow-addons' schedules);
* compat.v1's classes lack the newer keyword arguments (``warmup_target``);
* a value ``tf.convert_to_tensor`` (and the cast after it) refuses, as an argument or as the
  step: ``None``, a string, a Python float beyond float32's range, a Python int beyond int64's
  (:func:`check_conversions`, which every schedule runs first).

The schedules dispatch here before they evaluate the formula (``_out_of_domain``), so that each
formula reads as its docstring. Where TensorFlow does compute, it computes the formula again on
the truncated arguments, and so does this module.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from reference.errors import InvalidArgumentError, UnimplementedError

FLOAT32_MAX = float(np.finfo(np.float32).max)

# -- how TensorFlow types a Python value -----------------------------------------------------------


def is_python_int(x) -> bool:
    """A Python int makes TensorFlow compute in int32: the trap of ``initial_learning_rate=1``."""
    return isinstance(x, int) and not isinstance(x, bool)


def is_numpy_float64(x) -> bool:
    """A numpy float64 (``np.float64(0.1)``, a float64 array) makes TensorFlow compute in
    float64; a Python float makes it compute in float32."""
    return isinstance(x, (np.ndarray, np.generic)) and np.asarray(x).dtype == np.float64


def tensorflow_dtype(x) -> str:
    """The dtype ``tf.convert_to_tensor(x)`` gives: a Python int is int32 (int64 beyond int32's
    range), a Python float float32, a numpy value keeps its dtype, a list the widest of its
    elements'."""
    if isinstance(x, (np.generic, np.ndarray)):  # before float: np.float64 is a float
        return x.dtype.name
    if isinstance(x, bool):
        return "bool"
    if is_python_int(x):
        return "int32" if -(2**31) <= x < 2**31 else "int64"
    if isinstance(x, float):
        return "float32"
    if isinstance(x, (list, tuple)):
        found = {tensorflow_dtype(item) for item in x}
        for widest in ("float64", "float32", "int64", "int32"):
            if widest in found:
                return widest
    return np.asarray(x).dtype.name


# -- a Python-int learning rate: TensorFlow computes in int32 --------------------------------------


def exponential_decay_in_int32(schedule, step: np.ndarray) -> np.ndarray:
    """Keras 2 and compat.v1 meet an int32 base with a float64 exponent in ``pow`` and raise.
    Keras 3 truncates every argument to an integer and divides int32 / int32 in float64: the
    formula on the truncated arguments, in float64 (``decay_rate=0.5`` becomes 0)."""
    if schedule.flavor != "keras3":
        raise InvalidArgumentError(
            "cannot compute Pow as input #1(zero-based) was expected to be a int32 tensor "
            "but is a double tensor (initial_learning_rate is a Python int)"
        )
    keras3 = _truncated(schedule, "float64", "initial_learning_rate", "decay_steps", "decay_rate")
    return keras3._value(_truncated_steps(step))


def inverse_time_decay_in_int32(schedule, step: np.ndarray) -> np.ndarray:
    """int32 / int32 is a float64 division in TensorFlow; Keras 2 and compat.v1 then multiply
    the int32 ``decay_rate`` by that float64 quotient, which TensorFlow refuses. Keras 3
    promotes: the formula on the truncated arguments, in float64."""
    if schedule.flavor != "keras3":
        raise InvalidArgumentError(
            "cannot compute Mul as input #1(zero-based) was expected to be a int32 tensor "
            "but is a double tensor (initial_learning_rate is a Python int)"
        )
    keras3 = _truncated(schedule, "float64", "initial_learning_rate", "decay_steps", "decay_rate")
    return keras3._value(_truncated_steps(step))


def polynomial_decay_in_int32(schedule, step: np.ndarray) -> np.ndarray:
    """Keras 2 and compat.v1 meet int32 / int32 = float64 with an int32 power (or an int32
    ``decay_steps`` times a float64 multiplier, when cycling) and raise. Keras 3 promotes: the
    quotient is float32 without cycling (its own divide), float64 with cycling (TensorFlow's int
    division inside the ceil), and the formula runs in that dtype on the truncated arguments."""
    if schedule.flavor != "keras3":
        operation = "Mul" if schedule.cycle else "Pow"
        raise InvalidArgumentError(
            f"cannot compute {operation}: int32 and double operands "
            "(initial_learning_rate is a Python int)"
        )
    dtype = "float64" if (schedule.cycle or schedule.dtype == "float64") else "float32"
    keras3 = _truncated(
        schedule,
        dtype,
        "initial_learning_rate",
        "decay_steps",
        "end_learning_rate",
        "power",
    )
    return keras3._value(_truncated_steps(step))


def cosine_decay_in_int32(schedule, step: np.ndarray) -> np.ndarray:
    """A warmup step multiplies an int32 by a float64 in every flavour, and raises. Otherwise
    Keras 2 cannot make an int32 :math:`\\pi` (TypeError), compat.v1's float32 :math:`\\pi`
    meets int32 / int32 = float64 (InvalidArgumentError), and Keras 3's own divide gives
    float32 while its :math:`\\pi` is cast to the int 3: the formula on the truncated arguments
    (``alpha`` is used as a Python number, never truncated), in the compute dtype, with
    :math:`\\pi = 3`."""
    steps = _truncated_steps(step)
    if schedule.warmup_target is not None:
        warmup_steps = np.trunc(np.float64(schedule.warmup_steps))
        total = np.trunc(np.float64(schedule.decay_steps)) + warmup_steps
        if np.any(np.minimum(steps, total) < warmup_steps):
            raise InvalidArgumentError(
                "cannot compute Mul as input #1(zero-based) was expected to be a int32 "
                "tensor but is a double tensor (warmup with a Python-int learning rate)"
            )
    if schedule.flavor == "keras2":
        raise TypeError("Cannot convert 3.141592653589793 to EagerTensor of dtype int32")
    if schedule.flavor == "compat_v1":
        raise InvalidArgumentError(
            "cannot compute Mul as input #1(zero-based) was expected to be a float tensor "
            "but is a double tensor (initial_learning_rate is a Python int)"
        )
    keras3 = _truncated(
        schedule,
        schedule.dtype,
        "initial_learning_rate",
        "decay_steps",
        "warmup_target",
        "warmup_steps",
    )
    keras3._pi = 3
    return keras3._value(steps)


def cosine_decay_restarts_in_int32(schedule, step: np.ndarray) -> np.ndarray:
    """Keras 2 and compat.v1 compare the int32 ``t_mul`` with 1.0, which TensorFlow cannot make
    an int32. Keras 3 compares fine; its geometric branch then computes ``1.0 - t_mul`` with an
    int32 ``t_mul`` (the same TypeError); its ``t_mul == 1`` branch (``t_mul`` 1, or 1.5
    truncated) computes in float64: the formula on the truncated arguments, with
    :math:`\\pi` cast to 3."""
    t_mul = np.trunc(np.float64(schedule.t_mul))
    if schedule.flavor != "keras3" or t_mul != 1:
        raise TypeError("Cannot convert 1.0 to EagerTensor of dtype int32")
    keras3 = _truncated(
        schedule,
        "float64",
        "initial_learning_rate",
        "first_decay_steps",
        "t_mul",
        "m_mul",
        "alpha",
    )
    keras3._pi = 3
    return keras3._value(_truncated_steps(step))


def cyclical_learning_rate_in_int32() -> InvalidArgumentError:
    """tensorflow-addons takes the maximum of int32 0 and a float64 ``x``, and raises."""
    return InvalidArgumentError(
        "cannot compute Maximum as input #1(zero-based) was expected to be a int32 tensor "
        "but is a double tensor (initial_learning_rate is a Python int)"
    )


def linear_cosine_decay_in_int32() -> TypeError:
    """``tf.compat.v1.train.(noisy_)linear_cosine_decay``: the compute dtype is int32, and the
    first float constant cannot be converted."""
    return TypeError(
        "Cannot convert a float constant to EagerTensor of dtype int32 (learning_rate is "
        "a Python int)"
    )


def _truncated(schedule, dtype: str, *arguments: str):
    """A copy of ``schedule`` computing in ``dtype``, with ``arguments`` truncated to integers
    as the int32 conversion does (``None``, an absent warmup, stays ``None``). A copy, not a new
    object: the constructor's checks are not TensorFlow's at call time."""
    truncated = copy.copy(schedule)
    truncated.dtype = dtype
    for argument in arguments:
        value = getattr(schedule, argument)
        if value is not None:
            setattr(truncated, argument, np.trunc(np.float64(value)))
    return truncated


def _truncated_steps(step: np.ndarray) -> np.ndarray:
    """The step as an int32 computation sees it: truncated (a float step from a legacy
    optimizer loses its fraction), held in float64 until the formula casts it."""
    return np.trunc(step.astype(np.float64))


# -- a numpy-float64 learning rate: compat.v1's float32 constants ----------------------------------


def float32_pi_times_float64() -> InvalidArgumentError:
    """compat.v1's cosine schedules multiply a float32 :math:`\\pi` by a fraction of the
    learning rate's dtype: a numpy-float64 learning rate raises."""
    return InvalidArgumentError(
        "cannot compute Mul as input #1(zero-based) was expected to be a float tensor "
        "but is a double tensor (the float32 pi times a float64 fraction)"
    )


def linear_cosine_decay_in_float64(noisy: bool) -> Exception:
    """``tf.compat.v1.train.linear_cosine_decay`` with a float64 learning rate meets its float32
    :math:`\\pi`; the noisy one fails earlier, at the float32 normal's float64 deviation."""
    if noisy:
        return ValueError(
            "stddev: Tensor conversion requested dtype float32 for Tensor with dtype "
            "float64 (float64 learning_rate)"
        )
    return InvalidArgumentError(
        "cannot compute Mul as input #1(zero-based) was expected to be a float tensor "
        "but is a double tensor (float32 pi times a float64 learning_rate)"
    )


# -- an integer decay rate: tf.exp has no integer kernel -------------------------------------------


def exp_of_integer(dtype: str) -> InvalidArgumentError:
    """``tf.compat.v1.train.natural_exp_decay`` computes ``tf.exp(-decay_rate)`` in the decay
    rate's own dtype: an integer one (``decay_rate=1``) has no kernel."""
    return InvalidArgumentError(
        f"Value for attr 'T' of {dtype} is not in the list of allowed values: "
        "bfloat16, half, float, double, complex64, complex128 (tf.exp of decay_rate)"
    )


# -- tensorflow-addons: arguments TensorFlow cannot convert ----------------------------------------


def unconvertible(argument: str, value) -> ValueError:
    """What ``tf.convert_to_tensor`` refuses when a tensorflow-addons schedule is called: an
    argument that is ``None`` or a callable (tfa's type hints allow callables)."""
    return ValueError(
        f"Attempt to convert a value ({value!r}) with an unsupported type "
        f"({type(value).__name__}) to a Tensor ({argument})"
    )


# -- compat.v1's classes: arguments they do not have -----------------------------------------------


def warmup_in_compat_v1(warmup_target) -> TypeError:
    """The class behind ``tf.compat.v1.train.cosine_decay`` has no warmup: TensorFlow raises for
    the unknown keyword (the reference can only see non-default values)."""
    given = "warmup_target" if warmup_target is not None else "warmup_steps"
    return TypeError(f"CosineDecay.__init__() got an unexpected keyword argument {given!r}")


# -- what tf.convert_to_tensor refuses -------------------------------------------------------------


def check_conversions(arguments: dict, step) -> None:
    """Raise what TensorFlow raises when it converts ``arguments`` (name -> value, lists
    flattened) and then ``step`` to tensors and casts them to the compute dtype: the first
    refused value decides. TensorFlow's messages do not say which argument it was; these do,
    and what is accepted."""
    for argument, value in arguments.items():
        for item in _flatten(value):
            check_conversion(argument, item)
    check_conversion("step", step)


def check_conversion(argument: str, value) -> None:
    """What ``tf.cast(tf.convert_to_tensor(value), float32)`` raises for one value, if anything
    (measured, TF 2.15 and 2.21, eager and graph)."""
    if value is None:
        raise ValueError(
            "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) to "
            f"a Tensor: {argument} is None (a number is accepted)"
        )
    if isinstance(value, str):
        raise UnimplementedError(
            f"Cast string to float is not supported: {argument}={value!r} is a string (a number "
            "is accepted)"
        )
    if isinstance(value, float) and math.isfinite(value) and abs(value) > FLOAT32_MAX:
        raise ValueError(
            "Can't convert Python sequence with a value out of range for a double-precision "
            f"float: {argument}={value!r} is beyond float32's largest number, 3.4028235e+38 "
            "(a Python float within it, inf or nan is accepted)"
        )
    if is_python_int(value) and not -(2**63) <= value < 2**63:
        raise ValueError(
            f"Can't convert Python sequence with out-of-range integer to Tensor: {argument}="
            f"{value} is beyond int64 (an integer in [-2**63, 2**63) is accepted)"
        )


def _flatten(value) -> list:
    if isinstance(value, (list, tuple)):
        return [item for part in value for item in _flatten(part)]
    if isinstance(value, np.ndarray) and value.dtype == object:
        return list(value.reshape(-1))
    return [value]


def check_learning_rate_type(schedule) -> None:
    """A bool learning rate makes the compute dtype bool, which has no division: TensorFlow
    raises TypeError (measured: Keras 2 and 3, compat.v1)."""
    value = getattr(schedule, "initial_learning_rate", None)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(
            "Invalid dtype tf.bool in __truediv__: initial_learning_rate is a bool (a float is "
            "accepted)"
        )


def check_piecewise_values(values) -> None:
    """PiecewiseConstantDecay converts its values without casting them: strings meet the int
    0 it starts from or selects with (TypeError), bools have no multiplication or addition
    kernel (InvalidArgumentError). Measured: Keras 2 and 3."""
    flat = _flatten(values)
    for value in flat:
        if not isinstance(value, str):
            check_conversion("values", value)
    if any(isinstance(v, str) for v in flat):
        raise TypeError(
            "Cannot convert 0 to EagerTensor of dtype string: values holds strings (numbers are "
            "accepted)"
        )
    if flat and all(isinstance(v, (bool, np.bool_)) for v in flat):
        raise InvalidArgumentError(
            "Value for attr 'T' of bool is not in the list of allowed values: values are bools "
            "(numbers are accepted)"
        )

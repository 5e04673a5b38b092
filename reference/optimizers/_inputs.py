"""What TensorFlow's optimizers do with inputs outside their contract: ``None`` gradients,
gradients of another shape or dtype than their variable, integer variables, hyperparameters
that are ``None``, strings or beyond float32. :meth:`Optimizer.step
<reference.optimizers.Optimizer.step>` calls :func:`check` once, before it computes anything.

Measured with the bad-input catalogue (``conformance/cases/bad_inputs.py``) on TF 2.15 and
2.21, ``apply_gradients(zip(gradients, variables))`` for Keras and TF1 alike:

* a ``None`` gradient: that variable is left alone (its slots too), the others are updated
  and the step counter moves; every gradient ``None``: ``ValueError`` (``No gradients provided
  for any variable``);
* a gradient whose shape is not its variable's: ``InvalidArgumentError`` (the fused kernels and
  Keras's element-wise ops), except that Keras >= 2.11, Keras 3 and the legacy Python paths
  broadcast a gradient that broadcasts to the variable, and TF1's gradient descent refuses any
  other shape at graph construction (``ValueError``);
* a gradient whose dtype is not its variable's (float64 or int32 for float32): Keras 3 casts
  it; the other Keras optimizers and TF1 raise ``InvalidArgumentError`` (tf_keras's RMSprop,
  ``TypeError`` for an integer gradient). TF1's graph kernels abort the process for a float64
  gradient, which the catalogue therefore leaves out;
* an integer variable: no Adam kernel takes it (``InvalidArgumentError``); the legacy RMSprop
  cannot make its epsilon an int32, nor Keras 2's RMSprop its rho (``TypeError``); Keras 3's
  RMSprop updates it in integer arithmetic (a documented difference: the reference refuses it);
* a hyperparameter TensorFlow cannot convert: see :data:`_REFUSED`.

Gradients and variables of the *same* float dtype are the contract, whatever that dtype is:
the reference casts both to its own ``dtype``.
"""

from __future__ import annotations

import math

import numpy as np

from reference.errors import InvalidArgumentError, UnimplementedError

FLOAT32_MAX = float(np.finfo(np.float32).max)

#: Configuration entries that are not numbers TensorFlow converts, and the options of Keras's
#: optimizers (``reference/optimizers/_keras.py``; tensorflow-addons' AdamW's
#: ``exclude_from_weight_decay``), whose ``None`` means "off" and which are read where they
#: are applied: the bad-input catalogue covers the update rule's own hyperparameters.
_NOT_CONVERTED = frozenset(
    {
        *("name", "amsgrad", "centered", "use_locking", "adaptive_epsilon"),
        *("jit_compile", "is_legacy_optimizer", "exclude_from_weight_decay"),
        *("weight_decay", "clipnorm", "global_clipnorm", "clipvalue"),
        *("use_ema", "ema_momentum", "ema_overwrite_frequency"),
        *("loss_scale_factor", "gradient_accumulation_steps"),
    }
)

#: The exception each family raises for a hyperparameter it cannot convert, by what it is
#: (``None``, a string); ``(family, argument)`` before ``family``. A float beyond float32's
#: largest number is ValueError, except where :data:`_OVERFLOWS_TO_INF` says.
_REFUSED: dict[str, dict[object, type[Exception]]] = {
    "none": {
        "keras3": ValueError,
        "keras2": ValueError,
        "legacy": TypeError,
        "compat_v1": ValueError,
    },
    "string": {
        ("keras3", "beta_1"): UnimplementedError,
        "keras3": ValueError,
        ("keras2", "learning_rate"): TypeError,
        ("keras2", "beta_1"): UnimplementedError,
        ("keras2", "epsilon"): InvalidArgumentError,
        ("keras2", "rho"): TypeError,
        "keras2": ValueError,
        ("legacy", "epsilon"): TypeError,
        "legacy": ValueError,
        ("compat_v1", "beta1"): TypeError,
        "compat_v1": UnimplementedError,
    },
}


#: ``(family, argument)`` where a float beyond float32's largest number is taken and becomes
#: inf in float32 (Keras keeps these as Python floats that each update converts alongside a
#: float32 tensor; measured, TF 2.15 and 2.21): the update then computes with inf.
_OVERFLOWS_TO_INF = frozenset(
    {
        ("keras3", "epsilon"),
        ("keras2", "epsilon"),
        ("legacy", "epsilon"),
        ("keras3", "rho"),
        ("keras2", "rho"),
    }
)


def family(optimizer) -> str:
    """``keras3``, ``keras2``, ``legacy`` (Keras's OptimizerV2) or ``compat_v1``."""
    module = type(optimizer).__module__
    # By the class's bases: tensorflow-addons' AdamW (reference.addons) is a legacy Adam.
    if any(".legacy" in base.__module__ for base in type(optimizer).__mro__):
        return "legacy"
    if module.startswith("reference.compat_v1"):
        return "compat_v1"
    return optimizer.flavor


def check(optimizer, gradients: list, params: list, first: bool = True) -> list[int]:
    """The indices of the parameters this step updates (those with a gradient); raises what
    TensorFlow raises for the inputs, with a message that names the argument and what is
    accepted. ``first``: the first step, whose parameters have the dtypes the variables were
    created with; later ones are the optimizer's own results, in its compute dtype, so that
    only the first step compares a gradient's dtype with its variable's."""
    kind = family(optimizer)
    _check_hyperparameters(optimizer, kind)
    if len(gradients) != len(params):
        raise ValueError(
            f"{len(gradients)} gradients for {len(params)} parameters: step(grads, params, ...) "
            "takes one gradient (or None) per parameter (TensorFlow's zip(grads, variables) "
            "would silently leave the unmatched ones out)"
        )
    updated = [i for i, g in enumerate(gradients) if g is not None]
    if not updated:
        raise ValueError(
            "No gradients provided for any variable: every gradient is None (an array per "
            "parameter is accepted; None leaves that parameter alone)"
        )
    for i in updated:
        _check_pair(optimizer, kind, gradients[i], params[i], i, first)
    return updated


def _check_hyperparameters(optimizer, kind: str) -> None:
    # The learning rate as given: get_config rounds it (Keras 2 writes a numpy float32).
    config = {**optimizer.get_config(), "learning_rate": optimizer.learning_rate}
    for argument, value in config.items():
        if argument in _NOT_CONVERTED or callable(value):
            continue
        if value is None or isinstance(value, str):
            table = _REFUSED["none" if value is None else "string"]
            error = table.get((kind, argument), table[kind])
            raise error(
                f"{argument}={value!r} cannot become a tensor (a number is accepted); "
                "TensorFlow raises this class"
            )
        if (
            isinstance(value, float)
            and math.isfinite(value)
            and abs(value) > FLOAT32_MAX
            and (kind, argument) not in _OVERFLOWS_TO_INF
        ):
            raise ValueError(
                "Can't convert Python sequence with a value out of range for a double-precision "
                f"float: {argument}={value!r} is beyond float32's largest number (3.4e38)"
            )


def _check_pair(optimizer, kind: str, gradient, param, index: int, first: bool) -> None:
    if getattr(gradient, "indices", None) is not None:  # IndexedSlices: checked by the update
        return
    gradient, param = np.asarray(gradient), np.asarray(param)
    if (
        param.dtype.kind not in "iub"
        and gradient.shape == param.shape
        and (not first or gradient.dtype == param.dtype or kind == "keras3")
    ):
        return  # the common case, checked first: every step of every trajectory comes here
    where = f"parameter {index} ({param.dtype}{list(param.shape)})"
    if param.dtype.kind in "iub":
        if kind == "keras2" and "velocity" in optimizer.slot_names():
            raise TypeError(
                f"Cannot convert rho to EagerTensor of dtype {param.dtype}: {where} is an "
                "integer variable (float variables are accepted)"
            )
        if kind == "legacy" and optimizer.slot_names()[0] == "rms":
            raise TypeError(
                f"Cannot convert the epsilon to EagerTensor of dtype {param.dtype}: {where} is "
                "an integer variable (float variables are accepted)"
            )
        raise InvalidArgumentError(
            f"{where} is an integer variable, which TensorFlow's optimizer kernels do not take "
            "(float variables are accepted)"
        )
    if first and gradient.dtype != param.dtype and kind != "keras3":
        if (
            kind == "keras2"
            and gradient.dtype.kind in "iub"
            and "velocity" in optimizer.slot_names()
        ):
            raise TypeError(
                f"Cannot convert 1 - rho to EagerTensor of dtype {gradient.dtype}: the gradient "
                f"of {where} is {gradient.dtype} (its variable's dtype is accepted)"
            )
        raise InvalidArgumentError(
            f"the gradient of {where} is {gradient.dtype}: TensorFlow's kernels take a gradient "
            "of its variable's dtype only"
        )
    if gradient.shape == param.shape:
        return
    broadcasts = _broadcasts(gradient.shape, param.shape)
    python_path = kind in ("keras3", "keras2") or (
        kind == "legacy" and optimizer.slot_names() == ("rms",)
    )
    if broadcasts and python_path:
        return
    if kind == "compat_v1" and not optimizer.slot_names():
        raise ValueError(
            f"Shapes {list(param.shape)} and {list(gradient.shape)} must be equal: the gradient "
            f"of {where} has another shape than its variable (its variable's shape is accepted)"
        )
    raise InvalidArgumentError(
        f"the gradient of {where} has shape {list(gradient.shape)}: TensorFlow's kernels take a "
        "gradient of its variable's shape"
    )


def _broadcasts(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False

r"""Variants: legitimate ways to compute an optimizer that TensorFlow does not take.

Like the rounding modes IEEE 754 allows and TestFloat lets a tester select, some differences
between a port and TensorFlow are choices, not bugs. A target declares the variant it implements
(``--variant adam-epsilon=standard``, or ``LR_CONFORMANCE_VARIANTS = {"adam-epsilon":
"standard"}`` on its optimizer class); its trajectories are then checked against the exact
formula of that variant (:func:`variant_trajectory`, float64, the float64 bound of
:mod:`conformance.trajectory`) and the verdict says how far that variant is from TensorFlow.

=======================  =====================  ==============================================
variant                  values (TensorFlow's)  the other value
=======================  =====================  ==============================================
``adam-epsilon``         ``hat``                ``standard``: :math:`\theta \mathrel{-}= \eta\,
                                                \hat m / (\sqrt{\hat v} + \epsilon)` with
                                                :math:`\hat m = m / (1-\beta_1^t)`,
                                                :math:`\hat v = v / (1-\beta_2^t)` (PyTorch,
                                                optax). TensorFlow adds :math:`\epsilon` to
                                                :math:`\sqrt{v}` before the correction
                                                (tf_keras's ``adaptive_epsilon=True`` is
                                                ``standard``).
``rmsprop-epsilon``      ``inside``             ``outside``: :math:`g / (\sqrt{v} + \epsilon)`
                                                (PyTorch). The legacy Keras RMSprop without
                                                momentum is itself ``outside``.
``rmsprop-init``         ``zeros`` (TF1:        the mean square :math:`v` starts at 1
                         ``ones``)              (``ones``, TF1, optax's ``initial_scale=1``)
                                                or 0 (``zeros``, Keras, PyTorch).
``rmsprop-momentum-lr``  ``inside``             ``outside``: :math:`p \leftarrow \mu p +
                                                g / d`, :math:`\theta \mathrel{-}= \eta p`
                                                (PyTorch); TensorFlow keeps :math:`\eta` in the
                                                buffer, :math:`p \leftarrow \mu p + \eta g / d`.
                                                Equal under a constant learning rate.
=======================  =====================  ==============================================

A variant that has no effect on a case (``rmsprop-momentum-lr`` without momentum) is not a
difference there. Sparse-gradient cases are checked against TensorFlow only, and so are the cases
of Keras's options around the update rule (weight decay, clipping, EMA, accumulation, loss
scale; AdamW; callable hyperparameters: :func:`unmodelled`), which the variants' formulas leave
out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import reference
from conformance.cases import Expr, OptimizerCase, SparseGradients
from conformance.cases.model import BAD_INPUT
from conformance.targets import Target

#: variant -> its values, TensorFlow's usual choice first.
VARIANTS: dict[str, tuple[str, ...]] = {
    "adam-epsilon": ("hat", "standard"),
    "rmsprop-epsilon": ("inside", "outside"),
    "rmsprop-init": ("zeros", "ones"),
    "rmsprop-momentum-lr": ("inside", "outside"),
}

#: The class attribute a target's optimizer may carry to declare its variants.
ATTRIBUTE = "LR_CONFORMANCE_VARIANTS"

_ADAM = ("Adam", "AdamOptimizer")
#: Keras's options around the update rule, which :func:`variant_trajectory` does not compute.
_OPTIONS = (
    "weight_decay",
    "clipnorm",
    "clipvalue",
    "global_clipnorm",
    "use_ema",
    "gradient_accumulation_steps",
    "loss_scale_factor",
)
_RMSPROP = ("RMSprop", "RMSPropOptimizer")


def parse(declared: list[str] | None) -> dict[str, str]:
    """``["adam-epsilon=standard", ...]`` as a dict; ValueError names what is wrong."""
    found: dict[str, str] = {}
    for item in declared or ():
        name, sep, value = item.partition("=")
        if not sep or name not in VARIANTS or value not in VARIANTS[name]:
            known = "; ".join(f"{k}={'|'.join(v)}" for k, v in VARIANTS.items())
            raise ValueError(f"--variant {item}: unknown; known variants: {known}")
        found[name] = value
    return validate(found)


def validate(declared: Mapping[str, str]) -> dict[str, str]:
    for name, value in declared.items():
        if name not in VARIANTS or value not in VARIANTS[name]:
            raise ValueError(f"unknown variant {name}={value}")
    return dict(declared)


def applies_to(name: str, family: str) -> bool:
    return family in (_ADAM if name.startswith("adam-") else _RMSPROP)


def declared_for(target_class, cli: Mapping[str, str], family: str) -> dict[str, str]:
    """The variants in force for one optimizer class: its attribute, overridden by the command
    line, restricted to the ones that concern the family."""
    merged = dict(getattr(target_class, ATTRIBUTE, None) or {})
    merged.update(cli)
    return {k: v for k, v in validate(merged).items() if applies_to(k, family)}


def unmodelled(case: OptimizerCase) -> str | None:
    """Why the variants' formulas do not cover ``case`` (None where they do): sparse
    gradients, a bad input, an option around the update rule, a callable hyperparameter,
    another family."""
    if isinstance(case.gradients, SparseGradients):
        return "sparse-gradient cases are defined by TensorFlow's form only"
    if BAD_INPUT in case.tags:
        return "a bad input gets TensorFlow's own answer, which no variant formula changes"
    if case.family not in _ADAM + _RMSPROP:
        return f"no variant formula of {case.family}"
    options = [k for k in _OPTIONS if case.params.get(k)]
    if options:
        return f"the variant formulas leave out {', '.join(options)}"
    if isinstance(case.learning_rate, Expr) or any(
        isinstance(v, Expr) for v in case.params.values()
    ):
        return "the variant formulas take no callable hyperparameter"
    return None


def tensorflow_choices(case: OptimizerCase, flavor: str) -> dict[str, str]:
    """What TensorFlow itself does for this case, per variant of its family."""
    params = case.params
    if case.family in _ADAM:
        return {"adam-epsilon": "standard" if params.get("adaptive_epsilon") else "hat"}
    momentum = params.get("momentum", 0.0)
    legacy_plain = flavor == "legacy" and not momentum
    return {
        "rmsprop-epsilon": "outside" if legacy_plain else "inside",
        "rmsprop-init": "ones" if flavor == "compat_v1" else "zeros",
        "rmsprop-momentum-lr": "inside",
    }


def differences(case: OptimizerCase, flavor: str, declared: Mapping[str, str]) -> dict[str, str]:
    """The declared variants that change this case's formula away from TensorFlow's."""
    own = tensorflow_choices(case, flavor)
    found = {k: v for k, v in declared.items() if k in own and own[k] != v}
    if not case.params.get("momentum", 0.0):
        found.pop("rmsprop-momentum-lr", None)
    return found


def describe(declared: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(declared.items()))


# -- the variant's exact formula ---------------------------------------------------------------


def variant_trajectory(case: OptimizerCase, flavor: str, declared: Mapping[str, str]) -> np.ndarray:
    """Every parameter after every update, ``(steps, width)``, in float64: the case's formula
    with TensorFlow's choices replaced by ``declared``. The hyperparameters and the learning
    rate of each update come from the reference optimizer of the case (float64 mode), so that
    defaults, legacy ``decay`` and schedules are TensorFlow's."""
    reason = unmodelled(case)
    if reason is not None:
        raise ValueError(reason)
    choices = {**tensorflow_choices(case, flavor), **declared}
    optimizer = Target("reference", reference).optimizer(case, flavor, "float64")
    params = [p.astype(np.float64) for p in case.gradients.initial_params()]
    flat = np.concatenate([p.ravel() for p in params])
    rows = []
    step_of = _adam_update if case.family in _ADAM else _rmsprop_update
    state: dict = {}
    for t, gradient in enumerate(case.gradients.columns()):
        lr = float(optimizer.learning_rate_at(t))
        flat = step_of(optimizer, choices, state, t, lr, gradient, flat)
        rows.append(flat)
    return np.stack(rows)


def _hyper(optimizer, *names: str) -> float:
    for name in names:
        if hasattr(optimizer, name):
            return float(getattr(optimizer, name))
    raise AttributeError(names[0])


def _adam_update(optimizer, choices, state, t, lr, g, theta):
    beta_1 = _hyper(optimizer, "beta_1", "beta1")
    beta_2 = _hyper(optimizer, "beta_2", "beta2")
    epsilon = float(optimizer.epsilon)
    m = state.get("m", np.zeros_like(theta))
    v = state.get("v", np.zeros_like(theta))
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    state["m"], state["v"] = m, v
    if getattr(optimizer, "amsgrad", False):
        # Every TensorFlow Adam and PyTorch keep the maximum of the uncorrected v.
        v = state["vhat"] = np.maximum(state.get("vhat", np.zeros_like(theta)), v)
    correction_1 = 1 - beta_1 ** (t + 1)
    correction_2 = 1 - beta_2 ** (t + 1)
    with np.errstate(all="ignore"):
        if choices["adam-epsilon"] == "standard":
            step = lr * (m / correction_1) / (np.sqrt(v / correction_2) + epsilon)
        else:
            step = lr * np.sqrt(correction_2) / correction_1 * m / (np.sqrt(v) + epsilon)
    return theta - step


def _rmsprop_update(optimizer, choices, state, t, lr, g, theta):
    rho = _hyper(optimizer, "rho") if hasattr(optimizer, "rho") else float(optimizer.decay)
    momentum = float(optimizer.momentum)
    epsilon = float(optimizer.epsilon)
    initial = 1.0 if choices["rmsprop-init"] == "ones" else 0.0
    v = rho * state.get("v", np.full_like(theta, initial)) + (1 - rho) * g * g
    state["v"] = v
    variance = v
    if optimizer.centered:
        average = rho * state.get("average", np.zeros_like(theta)) + (1 - rho) * g
        state["average"] = average
        variance = v - average * average
    with np.errstate(all="ignore"):
        if choices["rmsprop-epsilon"] == "outside":
            scaled = g / (np.sqrt(variance) + epsilon)
        else:
            scaled = g / np.sqrt(variance + epsilon)
    if not momentum:
        return theta - lr * scaled
    buffer = state.get("buffer", np.zeros_like(theta))
    if choices["rmsprop-momentum-lr"] == "outside":
        buffer = state["buffer"] = momentum * buffer + scaled
        return theta - lr * buffer
    buffer = state["buffer"] = momentum * buffer + lr * scaled
    return theta - buffer

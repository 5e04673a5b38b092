"""TensorFlow's C++ training kernels (``tensorflow/core/kernels/training_ops.cc``), which the
legacy Keras optimizers and the TF1 optimizers call. Each takes its scalar inputs as one record in
the compute dtype and returns the new variable and slots; the order of operations is the
kernel's, which is what float32 mode must reproduce."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reference import _arith
from reference.optimizers._optimizer import StepScalars


@dataclass(frozen=True)
class ApplyAdamScalars(StepScalars):
    """The scalar inputs of ``ApplyAdam``: :math:`\\beta_1^t`, :math:`\\beta_2^t` (or TF1's
    running products), the learning rate and the hyperparameters."""

    beta1_power: np.ndarray
    beta2_power: np.ndarray
    lr: np.ndarray
    beta1: np.ndarray
    beta2: np.ndarray
    epsilon: np.ndarray


@dataclass(frozen=True)
class ApplyRMSPropScalars(StepScalars):
    """The scalar inputs of ``ApplyRMSProp`` and its centered and sparse variants."""

    lr: np.ndarray
    rho: np.ndarray
    momentum: np.ndarray
    epsilon: np.ndarray


def apply_adam(grad, var, m, v, scalars: ApplyAdamScalars, vhat=None):
    """``ApplyAdam`` (and ``ApplyAdamWithAmsgrad`` when ``vhat`` is given).

    Returns ``(var, m, v, vhat)``; ``vhat`` is ``None`` without amsgrad."""
    one = np.ones((), dtype=var.dtype)
    lr, beta1, beta2, epsilon = scalars.lr, scalars.beta1, scalars.beta2, scalars.epsilon
    alpha = lr * np.sqrt(one - scalars.beta2_power) / (one - scalars.beta1_power)
    m = m + (grad - m) * (one - beta1)
    v = v + (grad * grad - v) * (one - beta2)
    root_of = v
    if vhat is not None:
        vhat = root_of = np.maximum(vhat, v)
    return var - (m * alpha) / (np.sqrt(root_of) + epsilon), m, v, vhat


def apply_rms_prop(grad, var, ms, mom, scalars: ApplyRMSPropScalars, mg=None):
    """``ApplyRMSProp`` (and ``ApplyCenteredRMSProp`` when ``mg`` is given): epsilon inside
    the root, learning rate inside the momentum buffer.

    Returns ``(var, ms, mom, mg)``; ``mg`` is ``None`` unless centered."""
    one = np.ones((), dtype=var.dtype)
    lr, rho, momentum, epsilon = scalars.lr, scalars.rho, scalars.momentum, scalars.epsilon
    ms = ms + (grad * grad - ms) * (one - rho)
    if mg is None:
        denominator = ms + epsilon
    else:
        mg = mg + (grad - mg) * (one - rho)
        denominator = (ms - mg * mg) + epsilon
    mom = mom * momentum + (grad * lr) / np.sqrt(denominator)
    return var - mom, ms, mom, mg


def apply_gradient_descent(grad, var, lr):
    """``ApplyGradientDescent``."""
    return var - grad * lr


def sparse_apply_rms_prop(indices, grad_rows, var, ms, mom, scalars: ApplyRMSPropScalars, mg=None):
    """``SparseApplyRMSProp`` (and ``SparseApplyCenteredRMSProp`` when ``mg`` is given): only
    the listed rows move, one after the other; the other rows' slots do not decay. The kernel
    writes the moving average as ``ms * rho + g^2 * (1 - rho)`` and multiplies
    ``rsqrt(denominator) * lr * g`` (the dense kernel: ``ms + (g^2 - ms)(1 - rho)`` and
    ``(g * lr) / sqrt(denominator)``).

    Returns ``(var, ms, mom, mg)`` (new arrays)."""
    var, ms, mom = np.array(var, copy=True), np.array(ms, copy=True), np.array(mom, copy=True)
    mg = None if mg is None else np.array(mg, copy=True)
    one = np.ones((), dtype=var.dtype)
    lr, rho, momentum, epsilon = scalars.lr, scalars.rho, scalars.momentum, scalars.epsilon
    for index, grad in zip(np.asarray(indices).tolist(), grad_rows):
        ms[index] = ms[index] * rho + (grad * grad) * (one - rho)
        if mg is None:
            denominator = ms[index] + epsilon
        else:
            mg[index] = mg[index] * rho + grad * (one - rho)
            denominator = (ms[index] + epsilon) - mg[index] * mg[index]
        mom[index] = mom[index] * momentum + (_arith.rsqrt(denominator) * lr) * grad
        var[index] = var[index] - mom[index]
    return var, ms, mom, mg

r"""The tolerance policy, in numbers.

float32 mode
    The reference's float32 mode performs TensorFlow's operations in TensorFlow's order, so it
    must agree with TensorFlow to within ``case.max_ulp`` ULPs (1 by default) at every step,
    on both evaluation paths (see :mod:`conformance.oracles.tensorflow`); the share of steps that
    agree to the bit is reported beside it.

float64 mode
    The exact formula against TensorFlow's float32 result. TensorFlow's value errs because every
    input is rounded to float32, every operation rounds (relative error at most
    :math:`u = 2^{-24}`), and its transcendental kernels err by up to :data:`KERNEL_ULPS`. How
    much those errors grow depends on the formula's conditioning, so each API has its own bound
    below, derived to first order and then doubled (:data:`SAFETY`) to cover the second-order
    terms. A float32 result flushed to zero (TensorFlow flushes subnormals) may differ from the
    exact value by :data:`TINY`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from conformance.ulp import U

#: A bound: ``bound(params, steps, exact)`` -> the absolute bound at each step.
Bound = Callable[[dict, np.ndarray, np.ndarray], np.ndarray]

#: Worst error of TensorFlow's float32 kernels against the correctly rounded value, in ULPs:
#: the C library's (scalar path) and Eigen's SIMD kernels (vector path) over 20 000 arguments
#: in [0, 10), TF 2.15 and 2.21 (``python benchmarks/kernel_accuracy.py``).
KERNEL_ULPS = {"cos": 1, "exp": 1, "log": 3, "pow": 1}

#: Factor over the first-order bound, for the second-order terms it leaves out.
SAFETY = 2.0

#: The smallest normal float32: TensorFlow flushes anything smaller to zero.
TINY = float(np.finfo(np.float32).tiny)


def kernel(name: str) -> float:
    """Relative error of one float32 kernel call (1 ULP is at most 2u relative)."""
    return KERNEL_ULPS[name] * 2 * U


def rounding(x) -> np.ndarray:
    """Relative error of casting ``x`` to float32 (0 for numbers float32 holds exactly)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        error = np.abs(x.astype(np.float32).astype(np.float64) - x) / np.abs(x)
    return np.where(x == 0, 0.0, np.nan_to_num(error))


def scaled(exact: np.ndarray, relative) -> np.ndarray:
    """``|exact| * relative``, 0 where the exact value is 0 (whatever relative is)."""
    exact = np.abs(np.asarray(exact, dtype=np.float64))
    with np.errstate(all="ignore"):
        product = exact * np.asarray(relative, dtype=np.float64)
    return np.where(exact == 0, 0.0, np.nan_to_num(product, nan=np.inf))


def overflows(intermediate) -> np.ndarray:
    """Where a float32 intermediate result is beyond float32's range (TF gives inf there)."""
    with np.errstate(all="ignore"):
        return np.abs(np.asarray(intermediate, np.float64)) >= float(np.finfo(np.float32).max)


def quotient_floor_may_flip(q: np.ndarray, relative: float | np.ndarray) -> np.ndarray:
    """Whether ``floor`` of a quotient computed with this relative error can land on either
    side of an integer: true where an integer lies within ``q * (1 +- relative)``."""
    radius = np.abs(q) * relative
    return np.floor(q - radius) != np.floor(q + radius)


# --------------------------------------------------------------------------------------------
# Per-API bounds: f(params, steps, exact) -> absolute bound per step
# --------------------------------------------------------------------------------------------


def exponential_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""ExponentialDecay, :math:`\eta_0 r^{p}`, :math:`p = s/d` (floored when staircase).

    TF computes :math:`\hat p = \mathrm{fl}(\mathrm{fl}(s)/\mathrm{fl}(d))`, relative error
    :math:`\epsilon_p \le \rho(s) + \rho(d) + u` where :math:`\rho` is the cast error. A
    relative error :math:`\rho(r)` in the base becomes :math:`|p|\rho(r)` in :math:`r^p`; an
    error :math:`\epsilon_p p` in the exponent becomes :math:`|p \ln r|\epsilon_p`. Then the
    pow kernel and the product with :math:`\mathrm{fl}(\eta_0)` add their own. So

    .. math:: |\hat\eta - \eta| \le |\eta|\,\big(\rho(\eta_0) + |p|\rho(r)
              + |p\ln r|\,\epsilon_p + k_{pow} + u\big)

    When staircase, the floor can take the neighbouring integer where :math:`s/d` lies within
    :math:`\epsilon_p` of one: the bound there also admits :math:`\eta_0 r^{p\pm1}`. Where
    :math:`r^p` itself exceeds float32's range, TensorFlow's intermediate overflows to inf even
    when :math:`\eta_0 r^p` would fit: no finite bound holds there.
    """
    lr0, d, r = (float(params[k]) for k in ("initial_learning_rate", "decay_steps", "decay_rate"))
    s = steps.astype(np.float64)
    with np.errstate(all="ignore"):
        q = s / d
        epsilon_p = rounding(s) + rounding(d) + U
        p = np.floor(q) if params.get("staircase") else q
        log_r = np.log(abs(r)) if r != 0 else 0.0
        relative = (
            rounding(lr0)
            + np.abs(p) * rounding(r)
            + np.abs(p * log_r) * epsilon_p
            + kernel("pow")
            + U
        )
        bound = scaled(exact, np.expm1(relative))
        if params.get("staircase"):
            flips = quotient_floor_may_flip(q, epsilon_p)
            neighbours = np.maximum(
                np.abs(lr0 * r ** (p - 1) - exact), np.abs(lr0 * r ** (p + 1) - exact)
            )
            bound = np.where(flips, np.maximum(bound, np.nan_to_num(neighbours, nan=np.inf)), bound)
        bound = np.where(overflows(r**p), np.inf, bound)
    return SAFETY * bound + TINY


# --------------------------------------------------------------------------------------------
# Keras schedules: PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay,
# CosineDecayRestarts
# --------------------------------------------------------------------------------------------


def _float(params: dict, key: str, default: float = 0.0) -> float:
    value = params.get(key, default)
    return float(default if value is None else value)


def _integer_quotient_is_exact(q: np.ndarray, *operands) -> np.ndarray:
    """Where float32 computes ``floor``/``ceil`` of the quotient exactly: the operands are
    float32 numbers and the quotient is an integer, which the correctly rounded division then
    returns exactly."""
    exact_inputs = np.asarray(True)
    for x in operands:
        exact_inputs = exact_inputs & (rounding(x) == 0)
    return exact_inputs & (q == np.round(q))


def piecewise_constant_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""PiecewiseConstantDecay: TensorFlow returns a value, never computes one.

    Keras 2 returns :math:`\mathrm{fl}(v_i)`, off by :math:`\rho(v_i)|v_i|`. Keras 3 adds the
    masked values in float32; with increasing boundaries exactly one mask is 1 and the sum
    :math:`0 + v_i + 0 \cdots` is exact, so the bound is the same. Where boundaries overlap
    (Keras 3 adds :math:`k` values), each of the :math:`k` additions rounds once more: the bound
    adds :math:`k u \sum|v_j|`. Integer values are exact. Nothing else can differ: a value from
    the wrong interval is off by the gap between two values, far outside this bound.
    """
    values = [float(v) for v in params["values"]]
    boundaries = [np.trunc(float(b)) for b in params["boundaries"]]
    if not boundaries:
        return np.full(steps.shape, TINY)
    s = steps.astype(np.float64)
    masks = [s <= boundaries[0], s > boundaries[-1]]
    masks += [(s > lo) & (s <= hi) for lo, hi in zip(boundaries, boundaries[1:])]
    chosen = [values[0], values[-1], *values[1:-1]]
    count = np.sum(masks, axis=0)
    total = np.sum([np.where(m, abs(v), 0.0) for m, v in zip(masks, chosen)], axis=0)
    with np.errstate(all="ignore"):
        relative = np.max([np.where(m, rounding(v), 0.0) for m, v in zip(masks, chosen)], axis=0)
        bound = scaled(exact, relative) + np.where(count > 1, count * U * total, 0.0)
    return SAFETY * np.nan_to_num(bound, nan=np.inf, posinf=np.inf) + TINY


def polynomial_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""PolynomialDecay, :math:`(\eta_0 - \eta_e)(1 - p)^k + \eta_e`.

    The quotient :math:`p = \hat s / \hat d` errs relatively by
    :math:`\epsilon_p \le \rho(s) + \rho(d) + 2u` (the cast of :math:`s` and :math:`d`, the
    product :math:`d \cdot m` when cycling, the division). The base :math:`b = 1 - p` then errs
    absolutely by :math:`\delta_b = |p|\epsilon_p + u|b|`, and instead of a first-order
    :math:`k\,\delta_b/b` (which is unbounded as :math:`b \to 0`, the end of each decay) the
    bound evaluates :math:`b^k` at :math:`b \pm \delta_b`: near the end, where :math:`b^k` is
    ill-conditioned for :math:`k < 1`, this is the honest error. :math:`b = 0` exactly (the
    clamp, and cycling at multiples of :math:`d`) has no error. To that the pow kernel adds
    :math:`k_{pow}`, the cast of :math:`k` adds :math:`|k \ln b|\rho(k)`, and the difference
    :math:`\eta_0 - \eta_e`, the product and the sum add their roundings and casts.

    When cycling, :math:`m = \lceil s/d \rceil` may take the neighbouring integer where
    :math:`s/d` lies within :math:`\epsilon_p` of one, unless the inputs are float32 numbers
    and :math:`s/d` is exactly an integer (then the division is exact): there the bound also
    admits the value with :math:`m \pm 1`.
    """
    lr0 = _float(params, "initial_learning_rate")
    end = _float(params, "end_learning_rate", 1e-4)
    d = _float(params, "decay_steps")
    k = _float(params, "power", 1.0)
    s = steps.astype(np.float64)
    with np.errstate(all="ignore"):
        epsilon_p = rounding(s) + rounding(d) + 2 * U

        def value_and_error(multiplier):
            if params.get("cycle"):
                d_hat, s_hat = d * multiplier, s
            else:
                d_hat, s_hat = d, np.minimum(s, d)
            p = s_hat / d_hat
            b = 1.0 - p
            q = b**k
            delta_b = np.where(b == 0, 0.0, np.abs(p) * epsilon_p + U * np.abs(b))
            q_spread = np.maximum(
                np.abs((b + delta_b) ** k - q), np.abs(np.maximum(b - delta_b, 0.0) ** k - q)
            )
            log_b = np.log(np.abs(np.where(b == 0, 1.0, b)))
            q_error = q_spread + np.abs(q) * (kernel("pow") + np.abs(k * log_b) * rounding(k))
            a = lr0 - end
            a_error = rounding(lr0) * abs(lr0) + rounding(end) * abs(end) + U * abs(a)
            value = a * q + end
            error = (
                abs(a) * q_error
                + a_error * np.abs(q)
                + U * (np.abs(a * q) + np.abs(value))
                + rounding(end) * abs(end)
            )
            return value, np.nan_to_num(error, nan=np.inf)

        quotient = s / d
        m = np.where(s == 0, 1.0, np.ceil(quotient))
        value, bound = value_and_error(m)
        if params.get("cycle"):
            flips = quotient_floor_may_flip(quotient, epsilon_p) & ~_integer_quotient_is_exact(
                quotient, s, d
            )
            for neighbour in (m - 1, m + 1):
                other, _ = value_and_error(np.where(neighbour == 0, 1.0, neighbour))
                gap = np.nan_to_num(np.abs(other - exact), nan=np.inf)
                bound = np.where(flips, np.maximum(bound, gap), bound)
    return SAFETY * bound + TINY


def inverse_time_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""InverseTimeDecay, :math:`\eta_0 / (1 + r p)`, :math:`p = s/d` (floored when staircase).

    :math:`\hat p` errs relatively by :math:`\epsilon_p \le \rho(s) + \rho(d) + u`, the product
    :math:`rp` by :math:`\rho(r) + \epsilon_p + u`, so the denominator :math:`D = 1 + rp` errs
    absolutely by :math:`\delta_D = |rp|(\rho(r) + \epsilon_p + u) + u|D|`. The quotient is
    conditioned by :math:`1/D`:

    .. math:: |\hat\eta - \eta| \le |\eta|\Big(\rho(\eta_0) + \frac{\delta_D}{|D| - \delta_D}
              + u\Big)

    Near a pole (:math:`r < 0`, :math:`|D| \le \delta_D`) TensorFlow's float32 cannot tell the
    sign of :math:`D`, so it has no meaningful value there and the bound is infinite; elsewhere
    it is finite. Staircase floors may take the neighbouring integer as in
    :func:`exponential_decay` (except for exact float32 inputs with an integer quotient).
    """
    lr0 = _float(params, "initial_learning_rate")
    d = _float(params, "decay_steps")
    r = _float(params, "decay_rate")
    s = steps.astype(np.float64)
    with np.errstate(all="ignore"):
        q = s / d
        epsilon_p = rounding(s) + rounding(d) + U

        def value_and_error(p):
            denominator = 1.0 + r * p
            delta = np.abs(r * p) * (rounding(r) + epsilon_p + U) + U * np.abs(denominator)
            relative = rounding(lr0) + delta / (np.abs(denominator) - delta) + U
            value = lr0 / denominator
            error = np.where(np.abs(denominator) <= delta, np.inf, scaled(value, relative))
            return value, error

        p = np.floor(q) if params.get("staircase") else q
        _, bound = value_and_error(p)
        if params.get("staircase"):
            flips = quotient_floor_may_flip(q, epsilon_p) & ~_integer_quotient_is_exact(q, s, d)
            for neighbour in (p - 1, p + 1):
                other, _ = value_and_error(neighbour)
                gap = np.nan_to_num(np.abs(other - exact), nan=np.inf)
                bound = np.where(flips, np.maximum(bound, gap), bound)
    return SAFETY * bound + TINY


#: Relative error of TensorFlow's float32 pi.
_RHO_PI = abs(float(np.float32(np.pi)) - np.pi) / np.pi


def _cosine_error(
    phi: np.ndarray, delta_phi: np.ndarray, peak: np.ndarray, peak_relative, alpha, alpha_cast
):
    r"""Value and error of :math:`(1 - \alpha)\,\tfrac12 P (1 + \cos\pi\phi) + \alpha`, the
    shared tail of CosineDecay and CosineDecayRestarts, before the product with the rate.

    :math:`\phi` errs absolutely by :math:`\delta_\phi`, :math:`\pi\phi` then by
    :math:`\pi(\delta_\phi + |\phi|(\rho(\pi) + u))`, and the cosine by :math:`|\sin\pi\phi|`
    times that plus its kernel's :math:`k_{cos}|\cos\pi\phi|`; :math:`1 + \cos` rounds once
    more. That error is absolute: near :math:`\phi = 1` (the end of a decay), where
    :math:`1 + \cos\pi\phi` cancels to nearly 0, its relative error grows without bound but its
    absolute error stays :math:`\approx k_{cos}`. :math:`P` (the peak factor, 1 or
    :math:`m^i`) errs relatively by ``peak_relative``; :math:`1 - \alpha` and :math:`\alpha`
    by their casts (``alpha_cast``: the relative cast errors of :math:`1 - \alpha` and
    :math:`\alpha`).
    """
    angle = np.pi * phi
    angle_error = np.pi * (delta_phi + np.abs(phi) * (_RHO_PI + U))
    cos = np.cos(angle)
    one_plus_cos = 1.0 + cos
    one_plus_cos_error = (
        np.abs(np.sin(angle)) * angle_error + kernel("cos") * np.abs(cos) + U * one_plus_cos
    )
    half_peak = 0.5 * peak
    h = half_peak * one_plus_cos
    h_error = np.abs(half_peak) * one_plus_cos_error + np.abs(h) * (peak_relative + U)
    one_minus_alpha_cast, alpha_rounding = alpha_cast
    decayed = (1 - alpha) * h + alpha
    decayed_error = (
        abs(1 - alpha) * h_error
        + np.abs((1 - alpha) * h) * (one_minus_alpha_cast + U)
        + abs(alpha) * alpha_rounding
        + U * np.abs(decayed)
    )
    return decayed, decayed_error


def cosine_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""CosineDecay, :math:`L((1-\alpha)\tfrac12(1 + \cos\pi f) + \alpha)` after an optional
    linear warmup.

    Decay: :math:`f = \min(s, d)/d` (with warmup :math:`(\min(s, w + d) - w)/d`) errs
    relatively by :math:`\rho(s) + \rho(d) + u` (plus :math:`\rho(w) + 2u` for the warmup's sum
    and difference); :func:`_cosine_error` carries that through the cosine (absolute error near
    the end, where :math:`1 + \cos` cancels); :math:`1 - \alpha` and :math:`\alpha` are Python
    numbers rounded once each to float32. The product with :math:`L` (:math:`\eta_0`, or
    :math:`\eta_w` with warmup) adds :math:`\rho(L) + u`.

    Warmup, :math:`(\eta_w - \eta_0)\,s/w + \eta_0`: the difference errs by
    :math:`\rho(\eta_w)|\eta_w| + \rho(\eta_0)|\eta_0| + u|\eta_w - \eta_0|`, the fraction
    relatively by :math:`\rho(s) + \rho(w) + u`, the product and the sum round once each. The
    branch test :math:`\hat s < w` compares float32 numbers and is exact for integers below
    :math:`2^{24}`.
    """
    lr0 = _float(params, "initial_learning_rate")
    d = _float(params, "decay_steps")
    alpha = _float(params, "alpha")
    alpha_cast = (rounding(1 - alpha), rounding(alpha))
    s = steps.astype(np.float64)
    warmup_target = params.get("warmup_target")
    with np.errstate(all="ignore"):
        if warmup_target is None:
            clamped = np.minimum(s, d)
            phi = clamped / d
            delta_phi = np.abs(phi) * (rounding(clamped) + rounding(d) + U)
            decayed, decayed_error = _cosine_error(phi, delta_phi, 1.0, 0.0, alpha, alpha_cast)
            value = lr0 * decayed
            bound = abs(lr0) * decayed_error + np.abs(value) * (rounding(lr0) + U)
            return SAFETY * np.nan_to_num(bound, nan=np.inf, posinf=np.inf) + TINY
        target = float(warmup_target)
        w = _float(params, "warmup_steps")
        clamped = np.minimum(s, d + w)
        phi = (clamped - w) / d
        delta_phi = np.abs(phi) * (rounding(clamped) + rounding(d) + rounding(w) + 3 * U)
        decayed, decayed_error = _cosine_error(phi, delta_phi, 1.0, 0.0, alpha, alpha_cast)
        decay_bound = abs(target) * decayed_error + np.abs(target * decayed) * (
            rounding(target) + U
        )
        delta = target - lr0
        delta_error = rounding(target) * abs(target) + rounding(lr0) * abs(lr0) + U * abs(delta)
        fraction = clamped / w
        ramp = delta * fraction
        warmup_bound = (
            delta_error * np.abs(fraction)
            + np.abs(ramp) * (rounding(clamped) + rounding(w) + 2 * U)
            + U * np.abs(ramp + lr0)
            + rounding(lr0) * abs(lr0)
        )
        bound = np.where(clamped < w, warmup_bound, decay_bound)
    return SAFETY * np.nan_to_num(bound, nan=np.inf, posinf=np.inf) + TINY


def _restart_index(f: np.ndarray, t: float) -> np.ndarray:
    """The exact period index: ``S(i) <= f < S(i + 1)`` with ``S(i) = (t**i - 1)/(t - 1)``."""
    if t == 1:
        return np.floor(f)
    i = np.floor(np.log1p(f * (t - 1)) / np.log(t))
    finite = np.isfinite(i)
    i = np.where(finite, i, 0.0)
    for _ in range(2):
        i = np.where((t**i - 1) / (t - 1) > f, i - 1, i)
        i = np.where((t ** (i + 1) - 1) / (t - 1) <= f, i + 1, i)
    return np.where(finite, i, np.nan)


def cosine_decay_restarts(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""CosineDecayRestarts: :math:`\eta_0((1-\alpha)\tfrac12 m^i(1 + \cos\pi\phi) + \alpha)`.

    With :math:`f = s/T_0` (relative error :math:`\epsilon_f = \rho(s) + \rho(T_0) + u`), the
    period index :math:`i` and the fraction :math:`\phi = (f - S_i)/t^i`,
    :math:`S_i = (1 - t^i)/(1 - t)` (:math:`\phi = f - i` when :math:`t = 1`):

    * :math:`f - S_i` cancels just after a restart, so its error is absolute:
      :math:`|f|\epsilon_f + |S_i|\epsilon_S + u|f - S_i|`, with :math:`\epsilon_S` from the
      pow kernel on :math:`t^i` (:math:`k_{pow} + |i|\rho(t)`), the cast of :math:`t` in
      :math:`1 - t` (:math:`\rho(t)|t|/|1-t|`) and two roundings; dividing by :math:`t^i` adds
      :math:`k_{pow} + |i|\rho(t) + u` relatively.
    * :func:`_cosine_error` carries :math:`\delta_\phi` through the cosine; the peak
      :math:`m^i` errs by :math:`k_{pow} + |i|\rho(m)`; :math:`\alpha` is cast (:math:`\rho`)
      and :math:`1 - \alpha` computed in float32 (:math:`\rho(\alpha)|\alpha/(1-\alpha)| + u`).

    The period index: TensorFlow's :math:`\lfloor \ln(1 - f(1-t))/\ln t \rfloor` is a quotient
    of two float32 logarithms, with a relative error :math:`\epsilon_r` of a few ULPs divided
    by :math:`|\ln(\cdot)|`. Where the exact quotient lies within :math:`\epsilon_r` of an
    integer, float32 cannot tell the two periods apart and the bound admits the neighbouring
    period's value. That includes every exact restart step, where the quotient *is* an integer
    :math:`i` and the computed one may fall just below it: TensorFlow then puts the restart step
    at the end of period :math:`i - 1` (:math:`\phi = 1`, the floor :math:`\alpha\eta_0`
    instead of the peak). Measured (TF 2.15 and 2.21, both paths): with ``t_mul=2`` restarts 13
    and 15 are misplaced, i.e. steps 8191 and 32767 for :math:`T_0 = 1`, 81910 and 327670 for
    :math:`T_0 = 10`, 8191000 for :math:`T_0 = 1000`, because
    :math:`\mathrm{logf}(2^{13}) / \mathrm{logf}(2) < 13` in float32. So in float64 mode a
    restart step only checks that TensorFlow gives one of the two values; the float32 checks
    (to the bit) pin which. Where :math:`m^i` overflows float32, TensorFlow's value is inf or
    nan and no finite bound holds.
    """
    lr0 = _float(params, "initial_learning_rate")
    t0 = _float(params, "first_decay_steps")
    t = _float(params, "t_mul", 2.0)
    m = _float(params, "m_mul", 1.0)
    alpha = _float(params, "alpha")
    # 1 - alpha is computed in float32 from the cast alpha: the cast error, relative to 1 - alpha.
    one_minus_alpha = rounding(alpha) * abs(alpha) / abs(1 - alpha) if alpha != 1 else 0.0
    alpha_cast = (one_minus_alpha, rounding(alpha))
    s = steps.astype(np.float64)
    t_is_one = float(np.float32(t)) == 1.0
    with np.errstate(all="ignore"):
        f = s / t0
        epsilon_f = rounding(s) + rounding(t0) + U

        def value_and_error(i):
            if t_is_one:
                phi = f - i
                delta_phi = np.abs(f) * epsilon_f + U * np.abs(phi)
            else:
                t_power = t**i
                before = (1 - t_power) / (1 - t)
                epsilon_power = kernel("pow") + np.abs(i) * rounding(t)
                epsilon_before = (
                    np.abs(t_power) * (epsilon_power + U) / np.abs(1 - t_power)
                    + rounding(t) * abs(t) / abs(1 - t)
                    + 2 * U
                )
                phi = (f - before) / t_power
                delta_phi = (
                    np.abs(f) * epsilon_f
                    + np.abs(before) * np.nan_to_num(epsilon_before)
                    + U * np.abs(f - before)
                ) / t_power + np.abs(phi) * (epsilon_power + U)
            peak = m**i
            peak_relative = kernel("pow") + np.abs(i) * rounding(m)
            decayed, decayed_error = _cosine_error(
                phi, delta_phi, peak, peak_relative, alpha, alpha_cast
            )
            value = lr0 * decayed
            error = abs(lr0) * decayed_error + np.abs(value) * (rounding(lr0) + U)
            return value, np.nan_to_num(error, nan=np.inf)

        i = _restart_index(f, 1.0 if t_is_one else t)
        _, bound = value_and_error(i)
        if t_is_one:
            quotient, epsilon_r = f, epsilon_f
        else:
            argument = 1 + f * (t - 1)
            quotient = np.log(argument) / np.log(t)
            epsilon_r = (
                np.abs(f * (t - 1))
                * (epsilon_f + rounding(t) * abs(t) / abs(t - 1) + 2 * U)
                / np.abs(argument * np.log(argument))
                + (2 * kernel("log") + rounding(t) / abs(np.log(t))) / np.abs(np.log(argument))
                + kernel("log") / abs(np.log(t))
                + U
            )
        flips = quotient_floor_may_flip(quotient, np.nan_to_num(epsilon_r, nan=np.inf))
        for neighbour in (i - 1, i + 1):
            other, _ = value_and_error(neighbour)
            gap = np.nan_to_num(np.abs(other - exact), nan=np.inf)
            bound = np.where(flips, np.maximum(bound, gap), bound)
        bound = np.where(overflows(m**i) | overflows(0.5 * lr0 * m**i * 2), np.inf, bound)
    return SAFETY * bound + TINY


# --------------------------------------------------------------------------------------------
# compat_v1.*: tf.compat.v1.train's functions
# --------------------------------------------------------------------------------------------


def as_decay_function(class_bound: Bound) -> Bound:
    """The bound of a ``tf.compat.v1.train`` function that only builds a schedule class: the
    class's own bound, with the function's ``learning_rate`` as the class's
    ``initial_learning_rate``."""

    def bound(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
        renamed = {
            ("initial_learning_rate" if k == "learning_rate" else k): v for k, v in params.items()
        }
        return class_bound(renamed, steps, exact)

    bound.__doc__ = f"The bound of {class_bound.__name__}, the class the function builds."
    return bound


def natural_exp_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""compat_v1.natural_exp_decay, :math:`\eta_0 (e^{-k})^{p}`: ExponentialDecay with the base
    :math:`b = e^{-k}`, which TensorFlow computes itself in float32.

    :math:`\hat b = \exp_{f32}(-\mathrm{fl}(k))`: the cast of :math:`k` errs by :math:`\rho(k)`
    relatively, which the exponential multiplies by its condition number :math:`|k|`, and the
    kernel adds :math:`k_{exp}`. Raised to the power :math:`p` the base's relative error becomes

    .. math:: |p|\,\big(|k|\,\rho(k) + k_{exp}\big)

    which grows with the step (semantics 2.3: 5.7e-8 at :math:`p = 7/3`, even in float64).
    The rest is :func:`exponential_decay`'s bound for the base :math:`b` (floor flips and
    overflow included); its :math:`|p|\rho(b)` term only adds margin, as TensorFlow's
    :math:`\hat b` is a float32 number already.
    """
    k, d = float(params["decay_rate"]), float(params["decay_steps"])
    as_exponential = dict(
        initial_learning_rate=params["learning_rate"],
        decay_steps=d,
        decay_rate=float(np.exp(-k)),
        staircase=params.get("staircase", False),
    )
    with np.errstate(all="ignore"):
        q = steps.astype(np.float64) / d
        p = np.floor(q) if params.get("staircase") else q
        base_error = np.abs(p) * (abs(k) * rounding(k) + kernel("exp"))
        extra = SAFETY * scaled(exact, np.expm1(base_error))
    return exponential_decay(as_exponential, steps, exact) + extra


def linear_cosine_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    r"""compat_v1.linear_cosine_decay, :math:`\eta_0((\alpha + \ell)c + \beta)` with
    :math:`\ell = (d - s')/d`, :math:`c = \frac12(1 + \cos\theta)`,
    :math:`\theta = \pi \cdot 2n \cdot s'/d`, :math:`s' = \min(s, d)`.

    Absolute errors, operation by operation in TensorFlow's order (:math:`\rho` the cast
    error, :math:`u = 2^{-24}`):

    * :math:`\ell`: the numerator :math:`d - s'` cancels, so its error is absolute:
      :math:`e_\ell \le \rho(d) + \rho(s')|s'/d| + (2u + \rho(d))|\ell|`;
    * :math:`\theta`: relative :math:`\epsilon_\theta \le \rho(n) + \rho(s') + \rho(d) + \rho(\pi)
      + 4u` (the cast of :math:`n`, the quotient, two products, float32 :math:`\pi`), so
      :math:`\Delta = |\theta|\epsilon_\theta` and
      :math:`e_{\cos} \le |\sin\theta|\Delta + \Delta^2/2 + k_{cos}(|\cos\theta| + \Delta)`;
    * :math:`c`: :math:`e_c \le e_{\cos}/2 + u|c|` (the halving is exact);
    * :math:`A = \alpha + \ell`: :math:`e_A \le \rho(\alpha)|\alpha| + e_\ell + u|A|`;
      :math:`P = Ac`: :math:`e_P \le |c|e_A + |A|e_c + u|P|`;
      :math:`I = P + \beta`: :math:`e_I \le e_P + \rho(\beta)|\beta| + u|I|`;
    * the product with :math:`\hat\eta_0`: :math:`|\eta_0| e_I + |\eta_0 I|(\rho(\eta_0) + u)`.

    Past ``decay_steps`` TensorFlow's :math:`\ell` is exactly 0 (``min`` returns :math:`\hat d`
    itself); the bound does not use that and only gains margin.
    """
    lr0, d = float(params["learning_rate"]), float(params["decay_steps"])
    n = float(params.get("num_periods", 0.5))
    alpha, beta = float(params.get("alpha", 0.0)), float(params.get("beta", 0.001))
    s = steps.astype(np.float64)
    with np.errstate(all="ignore"):
        clamped = np.minimum(s, d)
        linear = (d - clamped) / d
        theta = np.pi * 2 * n * clamped / d
        cosine = 0.5 * (1 + np.cos(theta))
        e_linear = (
            rounding(d)
            + rounding(clamped) * np.abs(clamped / d)
            + (2 * U + rounding(d)) * np.abs(linear)
        )
        epsilon_theta = rounding(n) + rounding(clamped) + rounding(d) + rounding(np.pi) + 4 * U
        delta = np.abs(theta) * epsilon_theta
        e_cos = (
            np.abs(np.sin(theta)) * delta
            + delta**2 / 2
            + kernel("cos") * (np.abs(np.cos(theta)) + delta)
        )
        e_cosine = e_cos / 2 + U * np.abs(cosine)
        a = alpha + linear
        e_a = rounding(alpha) * abs(alpha) + e_linear + U * np.abs(a)
        product = a * cosine
        e_product = np.abs(cosine) * e_a + np.abs(a) * e_cosine + U * np.abs(product)
        inner = product + beta
        e_inner = e_product + rounding(beta) * abs(beta) + U * np.abs(inner)
        bound = abs(lr0) * e_inner + np.abs(lr0 * inner) * (rounding(lr0) + U)
    return SAFETY * bound + TINY


def noisy_linear_cosine_decay(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """compat_v1.noisy_linear_cosine_decay with ``initial_variance=0``: the noise is exactly 0,
    and the value is :func:`linear_cosine_decay`'s. Random values have no error bound (the
    noise is checked statistically, in tests/test_noisy_linear_cosine_decay.py)."""
    if float(params.get("initial_variance", 1.0)) != 0:
        raise ValueError("only initial_variance=0 is deterministic and has an error bound")
    noise = ("initial_variance", "variance_decay")
    deterministic = {k: v for k, v in params.items() if k not in noise}
    return linear_cosine_decay(deterministic, steps, exact)


def cyclical_learning_rate(
    params: dict, steps: np.ndarray, exact: np.ndarray, scale: str = "user"
) -> np.ndarray:
    r"""The tensorflow-addons cyclical family,
    :math:`\eta_{lo} + (\eta_{hi} - \eta_{lo}) \max(0, 1 - x) f(m)`,
    :math:`x = |s/S - 2c + 1|`, :math:`c = \lfloor 1 + s/(2S) \rfloor`.

    TF's quotients :math:`s/S` and :math:`s/(2S)` err by :math:`\epsilon_q \le \rho(s) +
    \rho(S) + u` relative. :math:`x` subtracts the integer :math:`2c - 1` from :math:`s/S`, so its
    error is absolute: :math:`|s/S|\,\epsilon_q`, plus :math:`u` for each of the three operations
    on numbers of magnitude at most 2 that follow. The ramp :math:`r = \max(0, 1 - x)` thus errs by

    .. math:: E_r = \min\big(1,\ |s/S|\,\epsilon_q + 4u\big)

    (capped: both ramps lie in [0, 1]; at far steps float32 loses the position within a cycle).
    Where :math:`1 + s/(2S)` lies within its error of an integer, the floor may pick the
    neighbouring cycle :math:`c \pm 1`; the wave is continuous there (:math:`r \approx 0` on both
    sides), so the ramps differ by at most :math:`2E_r`, but :math:`f` may take either cycle's
    value. With :math:`D = |\eta_{hi} - \eta_{lo}|` and :math:`G` the largest :math:`|f|` the
    cycle can take:

    .. math:: |\hat\eta - \eta| \le \rho(\eta_{lo})|\eta_{lo}| + A\,r|f| + D\,E_r G
              + D\,r\,\Delta f + 2u\,D\,r|f| + u|\eta|, \quad
              A = \rho(\eta_{hi})|\eta_{hi}| + \rho(\eta_{lo})|\eta_{lo}| + uD

    (:math:`A`: the float32 difference :math:`\eta_{hi} - \eta_{lo}`; then two products and the
    sum). :math:`\Delta f` is the float32 error of the scale factor: 0 for triangular;
    :math:`|f|(k_{pow} + u)` for triangular2, :math:`1/\mathrm{pow}(2, m - 1)` with exact
    :math:`m - 1`; :math:`|f|(|m|\rho(\gamma) + k_{pow})` for :math:`\gamma^m`. A user
    ``scale_fn`` is evaluated twice in float64, as written and with every float literal rounded
    to float32 as TensorFlow converts it: the difference is the constants' share; each
    arithmetic operation then adds :math:`u` and each ``**`` adds :math:`k_{pow}` relative
    (first order, assuming no cancellation inside ``scale_fn``; the catalogue's functions have
    none). In ``"iterations"`` mode :math:`f` also sees the float32 step: the difference
    :math:`|f(\mathrm{fl}(s)) - f(s)|` is added.
    """
    lo = float(params["initial_learning_rate"])
    hi = float(params["maximal_learning_rate"])
    step_size = float(params["step_size"])
    default_mode = "iterations" if scale == "exponential" else "cycle"
    by_cycle = params.get("scale_mode", default_mode) == "cycle"
    s = steps.astype(np.float64)
    with np.errstate(all="ignore"):
        q = s / step_size
        epsilon_q = rounding(s) + rounding(step_size) + U
        cycle = np.floor(1 + s / (2 * step_size))
        ramp = np.maximum(0.0, 1 - np.abs(q - 2 * cycle + 1))
        ramp_error = np.minimum(1.0, np.abs(q) * epsilon_q + 4 * U)
        flips = quotient_floor_may_flip(1 + s / (2 * step_size), epsilon_q + U)
        ramp_error = np.where(flips, 2 * ramp_error, ramp_error)

        f, f_error = _scale_and_error(params, scale, cycle if by_cycle else s)
        if by_cycle:
            neighbours = [_scale_and_error(params, scale, cycle + k)[0] for k in (-1, 1)]
            largest = np.maximum(np.abs(f), np.where(flips, np.abs(neighbours).max(axis=0), 0))
        else:
            f_step = _scale_and_error(params, scale, s.astype(np.float32).astype(np.float64))[0]
            f_error = f_error + np.abs(f_step - f)
            largest = np.abs(f)

        difference = abs(hi - lo)
        difference_error = rounding(hi) * abs(hi) + rounding(lo) * abs(lo) + U * difference
        bound = (
            rounding(lo) * abs(lo)
            + difference_error * ramp * np.abs(f)
            + difference * ramp_error * largest * np.where(flips & by_cycle, 2, 1)
            + difference * ramp * f_error
            + 2 * U * difference * ramp * np.abs(f)
            + U * np.abs(exact)
        )
        bound = np.where(overflows(f) | overflows(difference * f), np.inf, bound)
    return SAFETY * np.nan_to_num(bound, nan=np.inf, posinf=np.inf) + TINY


def _scale_and_error(params: dict, scale: str, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exact scale factor f(m) and the error bound of TF's float32 f (see above)."""
    if scale == "triangular":
        return np.ones_like(m), np.zeros_like(m)
    if scale == "triangular2":
        f = 1 / 2.0 ** (m - 1)
        return f, np.abs(f) * (kernel("pow") + U)
    if scale == "exponential":
        gamma = float(params.get("gamma", 1.0))
        f = gamma**m
        return f, np.abs(f) * (np.abs(m) * rounding(gamma) + kernel("pow"))
    source = params["scale_fn"].source
    f = _broadcast(eval(source)(m), m)  # noqa: S307 - a catalogue Expr
    rounded = _broadcast(eval(_with_float32_literals(source))(m), m)  # noqa: S307
    tree = ast.parse(source, mode="eval")
    powers = sum(isinstance(n, ast.Pow) for n in ast.walk(tree))
    operations = sum(isinstance(n, (ast.BinOp, ast.UnaryOp)) for n in ast.walk(tree)) - powers
    relative = operations * U + powers * (kernel("pow") + U)
    return f, np.abs(rounded - f) + np.abs(f) * relative


def _broadcast(value, m: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), np.shape(m))


def _with_float32_literals(source: str) -> str:
    """The source with every float literal replaced by its float32 value (TF's conversion)."""

    class ToFloat32(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.AST:
            if isinstance(node.value, float):
                return ast.copy_location(ast.Constant(float(np.float32(node.value))), node)
            return node

    return ast.unparse(ToFloat32().visit(ast.parse(source, mode="eval")))


def cyclical(scale: str) -> Bound:
    """The cyclical bound with one scale factor (``user``, ``triangular``, ``triangular2``,
    ``exponential``)."""

    def bound(params: dict, steps: np.ndarray, exact: np.ndarray) -> np.ndarray:
        return cyclical_learning_rate(params, steps, exact, scale)

    bound.__doc__ = f"{cyclical_learning_rate.__name__} with the {scale} scale factor."
    return bound

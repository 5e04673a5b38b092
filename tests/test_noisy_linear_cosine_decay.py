r"""``noisy_linear_cosine_decay`` against live TensorFlow, statistically.

The deterministic part (``initial_variance=0``) goes through the catalogue like every other
case. With noise, no two evaluations agree, in TensorFlow or anywhere else, so this file checks
the distribution instead. The rate is affine in the noise :math:`\varepsilon`:

.. math:: \eta(s) = \eta_0\big((\alpha + \ell + \varepsilon)\,c + \beta\big), \quad
          \varepsilon \sim \mathcal N\big(0, \sigma^2(s)\big), \quad
          \sigma^2(s) = v_0 / (1 + s')^{\gamma}

so at a fixed step it is normal with mean :math:`\mu(s)` = ``linear_cosine_decay``'s value and
standard deviation :math:`\tau(s) = |\eta_0 c|\,\sigma(s)`. Both are derived here from the
formula (float64), not taken from either implementation.

Thresholds. From :math:`N` independent samples the sample mean :math:`m` has standard error
:math:`\tau/\sqrt N`, and the sample variance :math:`v` (normal data) has standard error
:math:`\tau^2\sqrt{2/(N-1)}`; both are normal to within 1% at :math:`N = 20\,000` (the
chi-square's skewness is :math:`\sqrt{8/(N-1)} = 0.02`). Each check allows :math:`Z = 5.5`
standard errors: a correct implementation fails one with probability
:math:`2\,\Phi(-5.5) = 3.8 \times 10^{-8}`. This file makes 130 such checks per run (4 steps
times 8 per parametrisation, 4 parametrisations, 2 correlations), so a correct TensorFlow and
reference fail a run with probability below :math:`5 \times 10^{-6}` (union bound). The
float32 rounding of the values (relative :math:`10^{-7}`) is far below the smallest allowance
(:math:`Z\tau/\sqrt N \approx 0.04\,\tau`).

What a real difference looks like against these thresholds: noise on the rate instead of on the
line, a variance of :math:`v_0/(1+s)` instead of :math:`v_0/(1+s)^{\gamma}`, a standard
deviation used as a variance, or one draw shared by the whole step vector, each moves a mean or
a variance by tens to hundreds of standard errors at the steps below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from conformance.oracles.tensorflow import tensorflow
from reference.compat_v1 import linear_cosine_decay, noisy_linear_cosine_decay

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

#: Samples per step, and the allowance in standard errors (see the module docstring).
N = 20_000
Z = 5.5

#: Arguments: the defaults, and a case where every noise parameter differs from them.
PARAMS = {
    "defaults": dict(learning_rate=0.1, decay_steps=10),
    "custom": dict(
        learning_rate=0.02,
        decay_steps=1000,
        initial_variance=0.3,
        variance_decay=0.8,
        num_periods=2.0,
        alpha=0.1,
        beta=0.01,
    ),
}
#: Steps where the noise is visible (the cosine factor is not 0 there).
STEPS = {"defaults": [0, 1, 3, 7], "custom": [0, 10, 100, 555]}


def _distribution(params: dict, step: int) -> tuple[float, float]:
    """The exact mean and standard deviation of the rate at ``step`` (see the docstring)."""
    lr0, d = params["learning_rate"], params["decay_steps"]
    v0, gamma = params.get("initial_variance", 1.0), params.get("variance_decay", 0.55)
    n = params.get("num_periods", 0.5)
    clamped = min(step, d)
    cosine = 0.5 * (1 + math.cos(math.pi * 2 * n * clamped / d))
    noise = ("initial_variance", "variance_decay")
    deterministic = {k: v for k, v in params.items() if k not in noise}
    mean = linear_cosine_decay(global_step=step, **deterministic)
    sigma = math.sqrt(v0 / (1 + clamped) ** gamma)
    return mean, abs(lr0 * cosine) * sigma


def _tensorflow_samples(params: dict, steps: np.ndarray, mode: str) -> np.ndarray:
    """One evaluation of TensorFlow's function on the step vector (fresh noise per element)."""
    tf = ORACLE.tf
    function = tf.compat.v1.train.noisy_linear_cosine_decay
    if mode == "eager":
        return np.asarray(function(global_step=tf.constant(steps, tf.int64), **params)())
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        # A constant, not a [None] placeholder: the noise needs the static shape.
        return np.asarray(session.run(function(global_step=tf.constant(steps, tf.int64), **params)))


def _reference_samples(params: dict, steps: np.ndarray, dtype: str) -> np.ndarray:
    return noisy_linear_cosine_decay(
        global_step=steps, **params, dtype=dtype, rng=np.random.default_rng()
    )


def _check_sample(name: str, samples: np.ndarray, mean: float, std: float) -> list[str]:
    m, v = samples.mean(), samples.var(ddof=1)
    failures = []
    if abs(m - mean) > Z * std / math.sqrt(N):
        failures.append(
            f"{name}: mean {m!r} vs exact {mean!r} "
            f"({abs(m - mean) / (std / math.sqrt(N)):.1f} standard errors)"
        )
    variance_error = std**2 * math.sqrt(2 / (N - 1))
    if abs(v - std**2) > Z * variance_error:
        failures.append(
            f"{name}: variance {v!r} vs exact {std**2!r} "
            f"({abs(v - std**2) / variance_error:.1f} standard errors)"
        )
    return failures


@pytest.mark.parametrize("mode", ["eager", "graph"])
@pytest.mark.parametrize("label", list(PARAMS))
def test_tensorflow_and_reference_draw_the_same_distribution(label, mode):
    params, steps = PARAMS[label], STEPS[label]
    vector = np.repeat(np.asarray(steps, np.int64), N)
    samples = {f"TensorFlow ({mode})": _tensorflow_samples(params, vector, mode)}
    for dtype in ("float32", "float64"):
        samples[f"reference ({dtype})"] = _reference_samples(params, vector, dtype)
    failures = []
    for i, step in enumerate(steps):
        mean, std = _distribution(params, step)
        at_step = {name: values[i * N : (i + 1) * N] for name, values in samples.items()}
        for name, values in at_step.items():
            failures += _check_sample(f"{name} at step {step}", values, mean, std)
        # TensorFlow against the reference directly: the difference of two independent sample
        # means (variances) has sqrt(2) times one standard error.
        tf_values = at_step[f"TensorFlow ({mode})"]
        ours = at_step["reference (float32)"]
        if abs(tf_values.mean() - ours.mean()) > Z * std * math.sqrt(2 / N):
            failures.append(f"step {step}: TensorFlow's and the reference's means differ")
        if abs(tf_values.var(ddof=1) - ours.var(ddof=1)) > Z * std**2 * math.sqrt(4 / (N - 1)):
            failures.append(f"step {step}: TensorFlow's and the reference's variances differ")
    assert not failures, "\n".join(failures)


def test_each_element_of_a_step_vector_gets_its_own_draw():
    """TensorFlow draws noise of the step tensor's shape: equal steps give independent values
    (correlation of neighbours within Z / sqrt(N) of 0), and so does the reference."""
    params = PARAMS["defaults"]
    vector = np.full(N, 3, np.int64)
    for name, values in (
        ("TensorFlow", _tensorflow_samples(params, vector, "eager")),
        ("reference", _reference_samples(params, vector, "float32")),
    ):
        assert values.shape == vector.shape
        correlation = np.corrcoef(values[:-1], values[1:])[0, 1]
        assert abs(correlation) <= Z / math.sqrt(N), f"{name}: neighbours correlate"
        assert len(np.unique(values)) > 0.99 * N, f"{name}: one draw shared by many elements"


def test_every_call_draws_again():
    """The same eager partial gives a new value at every call (semantics 2.10); so does the
    reference with its default generator. Two float32 draws of this spread (standard deviation
    0.03) land on the same float32 number with probability below 1e-7."""
    tf = ORACLE.tf
    partial = tf.compat.v1.train.noisy_linear_cosine_decay(0.1, tf.constant(5, tf.int64), 10)
    assert float(partial()) != float(partial())
    first = noisy_linear_cosine_decay(0.1, 5, 10)
    assert isinstance(first, float)
    assert first != noisy_linear_cosine_decay(0.1, 5, 10)

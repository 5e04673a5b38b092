"""What ``tf.compat.v1.train``'s functions do beyond the schedule values, against live TensorFlow:
what they return, ``global_step=None``, piecewise_constant's dtype rules for every kind of step
and boundary, and natural_exp_decay's float32 base under a float64 learning rate.

The catalogue (``conformance/cases.py``) feeds every function an int64 step vector; the checks
here vary what a catalogue case cannot: the step's own type and ``None``.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from conformance import registry
from conformance.cases import schedule_case as _case
from conformance.oracles.tensorflow import tensorflow
from reference import compat_v1

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

#: One ordinary call of each function, without its step argument.
CALLS = {
    "exponential_decay": dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "natural_exp_decay": dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "inverse_time_decay": dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "polynomial_decay": dict(learning_rate=0.1, decay_steps=10),
    "piecewise_constant": dict(boundaries=[5, 10], values=[0.1, 0.05, 0.01]),
    "piecewise_constant_decay": dict(boundaries=[5, 10], values=[0.1, 0.05, 0.01]),
    "cosine_decay": dict(learning_rate=0.1, decay_steps=10),
    "cosine_decay_restarts": dict(learning_rate=0.1, first_decay_steps=10),
    "linear_cosine_decay": dict(learning_rate=0.1, decay_steps=10),
    "noisy_linear_cosine_decay": dict(learning_rate=0.1, decay_steps=10, initial_variance=0.0),
}


def _step_argument(name: str) -> str:
    return "x" if name.startswith("piecewise_constant") else "global_step"


def _tf_eager(name: str, step, **params):
    """TensorFlow's eager result, called: a value, or the exception's class name."""
    function = getattr(ORACLE.tf.compat.v1.train, name)
    try:
        return np.asarray(function(**{_step_argument(name): step}, **params)())
    except Exception as error:  # noqa: BLE001 - the exception is the result
        return type(error).__name__


def _tf_graph(name: str, step, **params):
    """TensorFlow's graph-mode result: a value, or the exception's class name."""
    tf = ORACLE.tf
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph) as session:
        function = getattr(tf.compat.v1.train, name)
        try:
            return np.asarray(session.run(function(**{_step_argument(name): step}, **params)))
        except Exception as error:  # noqa: BLE001
            return type(error).__name__


def _reference(name: str, step, **params):
    try:
        return np.asarray(getattr(compat_v1, name)(**{_step_argument(name): step}, **params))
    except Exception as error:  # noqa: BLE001
        return type(error).__name__


@pytest.mark.parametrize("name", list(CALLS))
def test_tensorflow_returns_a_partial_in_eager_mode_and_a_tensor_in_graph_mode(name):
    """The module docstring's claim; the reference returns the value itself."""
    tf = ORACLE.tf
    function = getattr(tf.compat.v1.train, name)
    eager = function(**{_step_argument(name): tf.constant(3, tf.int64)}, **CALLS[name])
    assert isinstance(eager, functools.partial)
    with tf.Graph().as_default():
        lazy = function(**{_step_argument(name): tf.constant(3, tf.int64)}, **CALLS[name])
        assert isinstance(lazy, tf.Tensor)
    ours = getattr(compat_v1, name)
    assert isinstance(ours(**{_step_argument(name): 3}, **CALLS[name]), float)
    vector = ours(**{_step_argument(name): np.array([3, 4], np.int64)}, **CALLS[name])
    assert isinstance(vector, np.ndarray) and vector.shape == (2,)


@pytest.mark.parametrize("name", list(CALLS))
def test_global_step_none_raises_the_same_exception(name):
    """Eager mode raises when the partial is called, graph mode when the function is; both
    raise ValueError, and so does the reference."""
    tf_eager = _tf_eager(name, None, **CALLS[name])
    tf_graph = _tf_graph(name, None, **CALLS[name])
    assert tf_eager == tf_graph == "ValueError"
    assert _reference(name, None, **CALLS[name]) == tf_eager


#: Steps of every type a user passes (TensorFlow converts a Python int to int32, a Python float
#: to float32), and boundaries of every type.
STEP_KINDS = {
    "python-int": 7,
    "python-float": 7.0,
    "np.int32": np.int32(7),
    "np.int64": np.int64(7),
    "np.float32": np.float32(7),
    "np.float64": np.float64(7),
    "int64-array": np.array([4, 5, 6, 10, 11], np.int64),
}
BOUNDARY_KINDS = {
    "python-ints": [5, 10],
    "python-floats": [5.0, 10.0],
    "np.int64": [np.int64(5), np.int64(10)],
    "np.int32": [np.int32(5), np.int32(10)],
    "np.float32": [np.float32(5), np.float32(10)],
    "mixed-int-float": [5, 10.0],
    "beyond-int32": [5, 2**40],
}
VALUE_KINDS = {
    "python-floats": [0.1, 0.05, 0.01],
    "python-ints": [3, 2, 1],
    "mixed-int-float": [1, 0.05, 0.01],
    "np.float64": [np.float64(0.1), np.float64(0.05), np.float64(0.01)],
    "mixed-float32-float64": [0.1, np.float64(0.05), 0.01],
    "nested": [[0.1], (0.05, 0.01)],
}


@pytest.mark.parametrize("values", list(VALUE_KINDS))
@pytest.mark.parametrize("boundaries", list(BOUNDARY_KINDS))
@pytest.mark.parametrize("step", list(STEP_KINDS))
def test_piecewise_constant_checks_dtypes_like_tensorflow(step, boundaries, values):
    x = STEP_KINDS[step]
    params = dict(boundaries=BOUNDARY_KINDS[boundaries], values=VALUE_KINDS[values])
    # tf.case takes one scalar step: TensorFlow is asked element by element (an np.int64
    # element converts to int64, as the array does), the reference with the whole array.
    elements = list(x) if isinstance(x, np.ndarray) else [x]
    expected = [_tf_eager("piecewise_constant", element, **params) for element in elements]
    ours = _reference("piecewise_constant", x, **params)
    if all(isinstance(theirs, str) for theirs in expected):
        assert ours == expected[0], f"TensorFlow raises {expected[0]}, the reference {ours}"
        return
    assert not isinstance(ours, str), f"TensorFlow returns values, the reference raises {ours}"
    if np.ndim(ours) > 0:  # a scalar step gives a Python float, whatever the values' dtype
        assert ours.dtype.kind == expected[0].dtype.kind
    for theirs, mine in zip(expected, np.atleast_1d(ours)):
        assert float(mine) == pytest.approx(float(theirs), rel=1e-7)


def test_piecewise_constant_graph_mode_checks_dtypes_alike():
    """The checks run in Python before any op: graph mode raises the same ValueError."""
    for boundaries in ([5.0, 10.0], [np.int64(5), 10]):
        for step in (7, 7.0):
            params = dict(boundaries=boundaries, values=[0.1, 0.05, 0.01])
            assert _tf_graph("piecewise_constant", step, **params) == _tf_eager(
                "piecewise_constant", step, **params
            )


def test_natural_exp_decay_rounds_its_base_to_float32_under_a_float64_learning_rate():
    """Semantics 2.3's numbers, live: TensorFlow computes in float64 but with
    b = float32(exp(-float32(0.3))), so it returns 0.1 * b ** (7/3), not 0.1 * exp(-0.7); the
    reference's float64 mode gives the exact value, within the natural_exp_decay bound."""
    tf = ORACLE.tf
    value = tf.compat.v1.train.natural_exp_decay(
        np.float64(0.1), tf.constant(7, tf.int64), 3, 0.3
    )()
    assert value.dtype == tf.float64
    theirs = float(value)
    base = float(np.float32(np.exp(-np.float64(np.float32(0.3)))))
    assert theirs == pytest.approx(0.1 * base ** (7 / 3), rel=2**-52 * 4)
    exact = compat_v1.natural_exp_decay(np.float64(0.1), 7, 3, 0.3)
    assert exact == pytest.approx(0.1 * np.exp(-0.7), rel=2**-52 * 4)
    assert abs(theirs - exact) > 1e-8 * exact  # the trap: 5.7e-8 relative
    case = _case(
        "compat_v1.natural_exp_decay",
        "float64-learning-rate",
        dict(learning_rate=np.float64(0.1), decay_steps=3, decay_rate=0.3),
        [7],
    )
    assert abs(theirs - exact) <= registry.bound_at(case, np.array([exact]))[0]

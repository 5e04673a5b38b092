"""TF1 global_step semantics (reference.compat_v1.global_step) against live TensorFlow: graph
mode with a Session, TF1 eager, and a v1 eager callable handed to a Keras 3 optimizer.

Every expected value comes from the reference module; TensorFlow must reproduce it."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from conformance.oracles.tensorflow import tensorflow
from reference.compat_v1 import exponential_decay, global_step, piecewise_constant

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

UPDATES = 30
#: seed 001's schedule: tf.train.exponential_decay(0.01, global_step, 10, 0.9).
DECAY = dict(learning_rate=0.01, decay_steps=10, decay_rate=0.9)
#: seed 004's schedule: piecewise_constant(global_step, [5, 10, 15], [0.1, 0.05, 0.01, 0.001]).
PIECES = dict(boundaries=[5, 10, 15], values=[0.1, 0.05, 0.01, 0.001])


def decay(step):
    return exponential_decay(global_step=step, **DECAY, dtype="float32")


def pieces(step):
    return piecewise_constant(step, **PIECES, dtype="float32")


def _session(tf):
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    graph = tf.Graph()
    return graph, tf.compat.v1.Session(graph=graph, config=config)


def _graph_training(increment: bool):
    """GradientDescent on loss = sum(w) (gradient 1) with seed 001's decaying rate. Returns the
    rate fetched in the same run as each update, the rate read by a separate run after it, the
    weight after each update, and the final global step."""
    tf = ORACLE.tf
    graph, session = _session(tf)
    with graph.as_default(), session:
        step = tf.compat.v1.train.get_or_create_global_step()
        lr = tf.compat.v1.train.exponential_decay(global_step=step, **DECAY)
        weight = tf.Variable([0.0])
        optimizer = tf.compat.v1.train.GradientDescentOptimizer(lr)
        loss = tf.reduce_sum(weight)
        train = optimizer.minimize(loss, global_step=step if increment else None)
        session.run(tf.compat.v1.global_variables_initializer())
        same_run, after, weights = [], [], []
        for _ in range(UPDATES):
            same_run.append(float(session.run([train, lr])[1]))
            after.append(float(session.run(lr)))
            weights.append(float(session.run(weight)[0]))
        return same_run, after, np.asarray(weights), int(session.run(step))


@pytest.mark.parametrize("increment", [True, False], ids=["global_step=gs", "no-global_step"])
def test_minimize_and_global_step_in_a_session(increment):
    same_run, after, weights, final = _graph_training(increment)
    used = global_step.learning_rates_used(decay, UPDATES, increment=increment)
    # The rate fetched beside the train op is the one the update used (evaluated once per run,
    # before the update and its increment).
    assert same_run == used
    # seed 001: a separate run after each update reads the incremented step.
    assert after == global_step.read_after_each_update(decay, UPDATES, increment=increment)
    assert final == global_step.final_step(UPDATES, increment=increment)
    # The weight moved by exactly the rates used (gradient 1), summed in float32.
    expected = -np.cumsum(np.asarray(used, np.float32), dtype=np.float32)
    np.testing.assert_array_equal(weights.astype(np.float32), expected)


def test_seed001_printed_numbers():
    """The tutorial's printout: 0.009895192, 0.009791483, ..., 0.009 at step 10; 0.01 forever
    without global_step=."""
    _, after, _, _ = _graph_training(increment=True)
    assert [round(x, 9) for x in after[:10]] == [
        0.009895192,
        0.009791483,
        0.009688861,
        0.009587315,
        0.009486833,
        0.009387404,
        0.009289017,
        0.00919166,
        0.009095325,
        0.009,
    ]
    _, after_without, _, _ = _graph_training(increment=False)
    assert set(after_without) == {float(np.float32(0.01))}


def test_seed004_rate_under_control_dependency_on_the_increment():
    tf = ORACLE.tf
    runs = 20
    graph, session = _session(tf)
    with graph.as_default(), session:
        step = tf.compat.v1.train.get_or_create_global_step()
        increment = tf.compat.v1.assign_add(step, 1)
        with tf.control_dependencies([increment]):
            lr = tf.compat.v1.train.piecewise_constant(step, **PIECES)
        session.run(tf.compat.v1.global_variables_initializer())
        fetched = [session.run([step, lr]) for _ in range(runs)]
        final = int(session.run(step))
    rates = [float(r) for _, r in fetched]
    assert rates == global_step.read_under_increment_dependency(pieces, runs)
    # Right-closed boundaries: run 5 (step 5) still gets 0.1, run 6 gets 0.05.
    assert rates[4] == float(np.float32(0.1)) and rates[5] == float(np.float32(0.05))
    assert final == runs
    # The step fetched beside the rate is read without a dependency on the increment: it
    # shows n or n - 1 in run n, whichever TensorFlow's executor ran first.
    assert all(int(s) in (n, n + 1) for n, (s, _) in enumerate(fetched))


def test_v1_eager_callable_advances_with_a_tf1_optimizer():
    tf = ORACLE.tf
    step = tf.Variable(0, dtype=tf.int64)
    lr = tf.compat.v1.train.exponential_decay(global_step=step, **DECAY)
    assert isinstance(lr, functools.partial)
    weight = tf.Variable([0.0])
    optimizer = tf.compat.v1.train.GradientDescentOptimizer(lr)
    before = []
    for _ in range(5):
        before.append(float(weight.numpy()[0]))
        optimizer.minimize(lambda: tf.reduce_sum(weight), global_step=step)
    moves = -np.diff(np.append(before, weight.numpy()[0]).astype(np.float32))
    used = np.asarray(global_step.learning_rates_used(decay, 5), np.float32)
    np.testing.assert_allclose(moves, used, rtol=1e-6)
    assert int(step.numpy()) == 5


def test_v1_eager_callable_never_advances_in_keras3():
    oracle = ORACLE
    if oracle.keras_major < 3:
        pytest.skip(f"tf.keras is Keras {oracle.keras_version} here (the Keras 3 case is TF>=2.16)")
    tf = oracle.tf
    step = tf.Variable(0, dtype=tf.int64)
    lr = tf.compat.v1.train.exponential_decay(global_step=step, **{**DECAY, "decay_steps": 1})
    weight = tf.Variable([0.0])
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr)
    positions = [0.0]
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([1.0]), weight)])
        positions.append(float(weight.numpy()[0]))
    moves = -np.diff(np.asarray(positions, np.float32))
    one_step_decay = functools.partial(
        exponential_decay, dtype="float32", **{**DECAY, "decay_steps": 1}
    )
    used = global_step.learning_rates_used(
        lambda s: one_step_decay(global_step=s), 3, increment=False
    )
    np.testing.assert_allclose(moves, np.asarray(used, np.float32), rtol=1e-6)
    assert int(step.numpy()) == 0 and int(optimizer.iterations.numpy()) == 3

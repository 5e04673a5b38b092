"""The users' questions (/work/shared/seeds/) as executable checks against live TensorFlow.

Seeds 001 and 004 (TF1 global_step) are in test_global_step.py. Expected values come from the
reference; the seeds' own claims are what is being tested."""

from __future__ import annotations

import numpy as np
import pytest

from conformance.oracles.tensorflow import tensorflow
from reference.compat_v1 import AdamOptimizer, RMSPropOptimizer
from reference.schedules import ExponentialDecay

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

# -- seed 000: a staircase schedule in model.fit counts batches, not epochs --------------------

SAMPLES, BATCH = 1000, 32
STEPS_PER_EPOCH = -(-SAMPLES // BATCH)  # 32: the last batch has 8 samples


def _fit(learning_rate, epochs: int) -> tuple[list[float], list[float]]:
    """seed 000's regression (without Dropout, so both runs see the same numbers), Adam, the
    running loss after every batch and the loss of every epoch."""
    tf = ORACLE.tf
    keras = tf.keras
    rng = np.random.default_rng(0)
    x = (2 * rng.random((SAMPLES, 1))).astype(np.float32)
    y = rng.normal(loc=x**2, scale=0.05).astype(np.float32)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(10, activation="tanh"),
            keras.layers.Dense(10, activation="tanh"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    batch_losses: list[float] = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batch_losses.append(float(logs["loss"]))
    )
    history = model.fit(
        x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0, callbacks=[record]
    )
    return batch_losses, [float(v) for v in history.history["loss"]]


def _first_change(schedule, constant: float, steps: int) -> int:
    """The first optimizer step whose rate differs from the constant (reference, float32)."""
    rates = schedule(np.arange(steps))
    return int(np.flatnonzero(rates != np.float32(constant))[0])


def test_seed000_staircase_decays_after_25_batches_not_epochs():
    params = dict(initial_learning_rate=1e-3, decay_steps=25, decay_rate=0.95, staircase=True)
    flavor = "keras3" if ORACLE.keras_major >= 3 else "keras2"
    first = _first_change(ExponentialDecay(**params, dtype="float32", flavor=flavor), 1e-3, 100)
    assert first == 25  # the rate of update 25 (0-based), inside the first epoch
    schedule = ORACLE.tf.keras.optimizers.schedules.ExponentialDecay(**params)
    static, _ = _fit(1e-3, epochs=2)
    decayed, _ = _fit(schedule, epochs=2)
    # Batch b's loss is computed before update b: equal through batch 25, different from 26.
    assert static[: first + 1] == decayed[: first + 1]
    assert static[first + 1] != decayed[first + 1]


def test_seed000_fix_decay_steps_in_batches():
    epochs = 3
    params = dict(
        initial_learning_rate=1e-3, decay_steps=2 * STEPS_PER_EPOCH, decay_rate=0.95, staircase=True
    )
    flavor = "keras3" if ORACLE.keras_major >= 3 else "keras2"
    first = _first_change(
        ExponentialDecay(**params, dtype="float32", flavor=flavor), 1e-3, epochs * STEPS_PER_EPOCH
    )
    assert first == 2 * STEPS_PER_EPOCH  # "decay every 2 epochs" is decay_steps = 2 * 32
    schedule = ORACLE.tf.keras.optimizers.schedules.ExponentialDecay(**params)
    _, static = _fit(1e-3, epochs=epochs)
    _, decayed = _fit(schedule, epochs=epochs)
    assert static[:2] == decayed[:2] and static[2] != decayed[2]


# -- seed 003: Adam's lr_t, and "Adam with beta1=1 equals RMSProp with momentum=0" ------------


def _v1_trajectory(make_optimizer, gradients: np.ndarray) -> np.ndarray:
    """TF1 optimizer on one variable (loss = var * g), the variable after each update."""
    tf = ORACLE.tf
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph, config=config) as session:
        var = tf.Variable([0.0])
        fed = tf.compat.v1.placeholder(tf.float32, [1])
        train = make_optimizer(tf).minimize(tf.reduce_sum(var * fed))
        with tf.control_dependencies([train]):
            after = tf.identity(var.read_value())
        session.run(tf.compat.v1.global_variables_initializer())
        return np.array([session.run(after, {fed: [g]})[0] for g in gradients], np.float64)


def _reference_trajectory(optimizer, gradients: np.ndarray) -> np.ndarray:
    params, state, rows = np.zeros(1), optimizer.init(np.zeros(1)), []
    for g in gradients:
        params, state = optimizer.step(np.array([g]), params, state)
        rows.append(params[0])
    return np.asarray(rows)


def test_seed003_bias_correction_makes_constant_gradient_steps_equal_to_lr():
    """lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) is not a decaying learning rate: for a
    constant gradient it exactly undoes the moments' bias, so every step moves by lr."""
    lr, steps = 0.01, 200
    gradients = np.full(steps, 3.0)
    tf_path = _v1_trajectory(lambda tf: tf.compat.v1.train.AdamOptimizer(lr), gradients)
    ours = _reference_trajectory(AdamOptimizer(lr, dtype="float32"), gradients)
    np.testing.assert_array_equal(ours.astype(np.float32), tf_path.astype(np.float32))
    moves = -np.diff(np.concatenate([[0.0], tf_path]))
    np.testing.assert_allclose(moves, lr, rtol=1e-5)
    beta1, beta2, t = 0.9, 0.999, np.arange(1, steps + 1)
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    assert lr_t[0] < 0.32 * lr  # what the seed calls the rate is far from the step taken


def test_seed003_adam_beta1_one_is_nan_not_rmsprop():
    gradients = np.array([1.0, -0.5, 2.0])
    tf_path = _v1_trajectory(
        lambda tf: tf.compat.v1.train.AdamOptimizer(0.01, beta1=1.0), gradients
    )
    ours = _reference_trajectory(AdamOptimizer(0.01, beta1=1.0, dtype="float32"), gradients)
    # beta1 = 1: m stays 0 and 1 - beta1^t = 0, so every step is 0 * inf.
    assert np.isnan(tf_path).all() and np.isnan(ours).all()


def test_seed003_adam_beta1_zero_approaches_tf1_rmsprop_only_after_the_bias_fades():
    """What is true: Adam(beta1=0, beta2=rho) and RMSProp(decay=rho, momentum=0) apply
    lr * g / sqrt(v)-like steps, but Adam bias-corrects v (from 0) and TF1 RMSProp starts v at
    1; their steps agree once rho^t is negligible, not before."""
    rho, lr, steps = 0.9, 0.01, 300
    rng = np.random.default_rng(3)
    gradients = rng.uniform(0.5, 2.0, steps) * rng.choice([-1.0, 1.0], steps)
    adam = _v1_trajectory(
        lambda tf: tf.compat.v1.train.AdamOptimizer(lr, beta1=0.0, beta2=rho), gradients
    )
    rms = _v1_trajectory(lambda tf: tf.compat.v1.train.RMSPropOptimizer(lr, decay=rho), gradients)
    np.testing.assert_array_equal(
        _reference_trajectory(
            AdamOptimizer(lr, beta1=0.0, beta2=rho, dtype="float32"), gradients
        ).astype(np.float32),
        adam.astype(np.float32),
    )
    np.testing.assert_array_equal(
        _reference_trajectory(RMSPropOptimizer(lr, decay=rho, dtype="float32"), gradients).astype(
            np.float32
        ),
        rms.astype(np.float32),
    )
    adam_steps = np.diff(np.concatenate([[0.0], adam]))
    rms_steps = np.diff(np.concatenate([[0.0], rms]))
    ratio = adam_steps / rms_steps
    # First step: Adam moves lr * sign(g); TF1 RMSProp lr * g / sqrt(0.9 + 0.1 g^2).
    assert abs(ratio[0] - 1) > 0.05
    # After 250 steps rho^t < 4e-12: the same step up to float32 rounding and epsilon.
    np.testing.assert_allclose(ratio[250:], 1.0, rtol=1e-3)

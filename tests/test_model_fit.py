"""End to end: ``model.fit`` with each optimizer flavour, replayed through the reference.

A small Keras model (seed 000's regression: Dense(10, tanh) -> Dropout -> Dense(10, tanh) ->
Dropout -> Dense(1), 1000 samples, batches of 32) is trained by ``model.fit`` with each optimizer
of each Keras this TensorFlow has (Keras 3 and tf_keras on TF >= 2.16; Keras 2, its legacy
optimizers and tensorflow-addons on TF 2.15), plain, with seed 000's staircase schedule, with
gradient accumulation (Keras 3) and with an EMA that overwrites the weights. The gradients
``model.fit`` hands the optimizer at each batch, and the learning rate the optimizer applies
there, are recorded inside the training function (``tf.numpy_function``, before
``apply_gradients``); the same gradients then go through the reference optimizer in float32
mode, which must give the weights TensorFlow had after every batch, to the bit, and the
weights ``model.fit`` leaves at the end (``finalize_variable_values``: the EMA's averages).

The second half shows seed 000's steps-vs-epochs question with the learning rate TensorFlow
applied at each batch: the staircase changes after 25 *batches*, inside the first epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

import reference
from conformance.oracles.tensorflow import tensorflow
from reference import optimizers as ref_optimizers
from reference.addons import AdamW as AddonsAdamW
from reference.schedules import ExponentialDecay

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

SAMPLES, BATCH, EPOCHS = 1000, 32, 3
BATCHES = EPOCHS * -(-SAMPLES // BATCH)  # 96: the last batch of an epoch has 8 samples
#: seed 000's schedule.
STAIRCASE = dict(initial_learning_rate=1e-3, decay_steps=25, decay_rate=0.95, staircase=True)


@dataclass(frozen=True)
class Flavour:
    """One optimizer as ``model.fit`` gets it: where TensorFlow has it, the reference class
    that mirrors it, and the configuration."""

    entry: str  # tf.keras, tf_keras, tf.keras.legacy, tf_keras.legacy, tfa
    family: str  # Adam, AdamW, RMSprop
    config: str  # plain, schedule, accumulation, ema
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.entry}-{self.family}-{self.config}"

    @property
    def keras(self):
        return ORACLE.tf_keras if self.entry.startswith("tf_keras") else ORACLE.tf.keras

    @property
    def reference_flavor(self) -> str:
        if self.entry == "tf.keras":
            return "keras3" if ORACLE.keras_major >= 3 else "keras2"
        return "keras2" if self.entry == "tf_keras" else "legacy"


#: Each family's hyperparameters (the defaults, with a weight decay TensorFlow makes visible).
FAMILY = {
    "Adam": dict(),
    "AdamW": dict(weight_decay=0.05),
    "RMSprop": dict(momentum=0.5),
}
CONFIGS = {
    "plain": dict(),
    "schedule": dict(),
    "accumulation": dict(gradient_accumulation_steps=3),
    "ema": dict(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=10),
}


def _flavours() -> list[Flavour]:
    if ORACLE is None:
        return []
    found = []
    keras3 = ORACLE.keras_major >= 3
    keras_entries = ["tf.keras"] + (["tf_keras"] if ORACLE.tf_keras is not None else [])
    for entry in keras_entries:
        entry_keras3 = keras3 and entry == "tf.keras"
        for family, params in FAMILY.items():
            for config, options in CONFIGS.items():
                if config == "accumulation" and not entry_keras3:
                    continue  # a Keras 3 option
                found.append(Flavour(entry, family, config, {**params, **options}))
    legacy = [e for e in ("tf.keras.legacy", "tf_keras.legacy") if _legacy_exists(e)]
    for entry in legacy:
        for family in ("Adam", "RMSprop"):
            for config in ("plain", "schedule"):
                found.append(Flavour(entry, family, config, dict(FAMILY[family])))
    if ORACLE.tfa is not None:
        for config in ("plain", "schedule"):
            found.append(Flavour("tfa", "AdamW", config, dict(weight_decay=1e-3)))
    return found


def _legacy_exists(entry: str) -> bool:
    if entry == "tf_keras.legacy":
        return ORACLE.tf_keras is not None
    return ORACLE.keras_major < 3


@dataclass
class Run:
    """What one ``model.fit`` did: the weights before it, the gradients of every batch, the
    learning rate applied at every batch, the weights after every batch, and after ``fit``."""

    initial: list[np.ndarray]
    gradients: list[list[np.ndarray]] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    weights: list[list[np.ndarray]] = field(default_factory=list)
    final: list[np.ndarray] = field(default_factory=list)


def _data():
    rng = np.random.default_rng(0)
    x = (2 * rng.random((SAMPLES, 1))).astype(np.float32)
    y = rng.normal(loc=x**2, scale=0.05).astype(np.float32)
    return x, y


def _tensorflow_optimizer(flavour: Flavour):
    keras = flavour.keras
    learning_rate = 1e-3
    if flavour.config == "schedule":
        learning_rate = keras.optimizers.schedules.ExponentialDecay(**STAIRCASE)
    if flavour.entry == "tfa":
        return ORACLE.tfa.optimizers.AdamW(learning_rate=learning_rate, **flavour.params)
    module = keras.optimizers.legacy if flavour.entry.endswith(".legacy") else keras.optimizers
    return getattr(module, flavour.family)(learning_rate=learning_rate, **flavour.params)


def _record_rate(optimizer, flavour: Flavour):
    """The learning rate the coming ``apply_gradients`` applies, read as each optimizer holds
    it: Keras 3's ``learning_rate`` (the schedule at the iteration variable, before the call),
    OptimizerV2's ``_decayed_lr`` (before the call); Keras 2 updates its
    ``learning_rate`` variable inside the call, so it is read after (see ``_fit``)."""
    tf = ORACLE.tf
    if flavour.reference_flavor in ("legacy",) or flavour.entry == "tfa":
        return optimizer._decayed_lr(tf.float32)
    return tf.convert_to_tensor(optimizer.learning_rate)


def _fit(flavour: Flavour) -> Run:
    tf = ORACLE.tf
    keras = flavour.keras
    x, y = _data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((1,)),
            keras.layers.Dense(10, activation="tanh"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10, activation="tanh"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(1),
        ]
    )
    optimizer = _tensorflow_optimizer(flavour)
    run = Run(initial=[w.copy() for w in model.get_weights()])
    original = optimizer.apply_gradients
    keras2 = flavour.reference_flavor == "keras2"

    def record(*values):
        *gradients, rate = values
        run.gradients.append([np.array(g, np.float32) for g in gradients])
        run.rates.append(float(rate))
        return np.int32(0)

    def recording_apply_gradients(grads_and_vars, *args, **kwargs):
        grads_and_vars = list(grads_and_vars)
        gradients = [tf.convert_to_tensor(g) for g, _ in grads_and_vars]
        if keras2:
            result = original(grads_and_vars, *args, **kwargs)
            with tf.control_dependencies([result]):
                rate = tf.identity(tf.convert_to_tensor(optimizer.learning_rate))
            tf.numpy_function(record, [*gradients, rate], tf.int32, stateful=True)
            return result
        rate = _record_rate(optimizer, flavour)
        done = tf.numpy_function(record, [*gradients, rate], tf.int32, stateful=True)
        with tf.control_dependencies([done]):
            return original(grads_and_vars, *args, **kwargs)

    optimizer.apply_gradients = recording_apply_gradients
    model.compile(optimizer=optimizer, loss="mse", jit_compile=False)
    after_batch = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: run.weights.append(
            [w.copy() for w in model.get_weights()]
        )
    )
    model.fit(
        x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0, callbacks=[after_batch]
    )
    run.final = [w.copy() for w in model.get_weights()]
    return run


def _reference_optimizer(flavour: Flavour):
    learning_rate = 1e-3
    schedule_flavor = "keras3" if flavour.reference_flavor == "keras3" else "keras2"
    if flavour.config == "schedule":
        learning_rate = ExponentialDecay(**STAIRCASE, dtype="float32", flavor=schedule_flavor)
    if flavour.entry == "tfa":
        return AddonsAdamW(learning_rate=learning_rate, dtype="float32", **flavour.params)
    if flavour.reference_flavor == "legacy":
        cls = getattr(ref_optimizers.legacy, flavour.family)
        return cls(learning_rate=learning_rate, dtype="float32", **flavour.params)
    cls = getattr(ref_optimizers, flavour.family)
    return cls(
        learning_rate=learning_rate,
        dtype="float32",
        flavor=flavour.reference_flavor,
        **flavour.params,
    )


@pytest.mark.parametrize("flavour", _flavours(), ids=lambda f: f.id)
def test_model_fit_replayed_through_the_reference(flavour):
    run = _fit(flavour)
    assert len(run.gradients) == len(run.weights) == BATCHES
    optimizer = _reference_optimizer(flavour)
    params = list(run.initial)  # float32, as the model's variables (and its gradients) are
    state = optimizer.init(params)
    for batch, (gradients, theirs) in enumerate(zip(run.gradients, run.weights)):
        # The model's variables have 10 floats or more: Keras 2's RMSprop takes their rsqrt
        # with Eigen's SIMD kernel (8 lanes, not correctly rounded), which only TensorFlow's own
        # kernels give (the catalogue's "vector" cases do the same).
        with reference.float32_kernels(ORACLE.kernels):
            params, state = optimizer.step(gradients, params, state)
        for index, (ours, tensorflow_weight) in enumerate(zip(params, theirs)):
            np.testing.assert_array_equal(
                np.asarray(ours, np.float32),
                tensorflow_weight,
                err_msg=f"{flavour.id}: weight {index} after batch {batch}",
            )
    if hasattr(optimizer, "finalize_variable_values"):
        params = optimizer.finalize_variable_values(params, state)
    for index, (ours, tensorflow_weight) in enumerate(zip(params, run.final)):
        np.testing.assert_array_equal(
            np.asarray(ours, np.float32), tensorflow_weight, err_msg=f"weight {index} after fit"
        )
    # The learning rate TensorFlow applied at each batch is the reference's at that step.
    steps = np.arange(BATCHES)
    expected = [float(optimizer.learning_rate_at(int(s))) for s in steps]
    assert run.rates == expected
    if flavour.config == "ema":
        # The overwrites made the trajectory jump to the averages: not the plain trajectory.
        assert not np.array_equal(run.final[0], run.weights[-1][0])


# -- seed 000: the staircase counts batches ------------------------------------------------------


def test_staircase_schedule_changes_after_25_batches_inside_the_first_epoch():
    """The learning rate TensorFlow applied at each batch of ``model.fit`` (Adam with seed
    000's ``ExponentialDecay(1e-3, decay_steps=25, decay_rate=0.95, staircase=True)``): the
    schedule's step is the optimizer's iteration counter, one per batch, so the rate drops
    after batch 25, 50 and 75; an epoch (32 batches) has nothing to do with it."""
    flavour = Flavour("tf.keras", "Adam", "schedule", {})
    run = _fit(flavour)
    rates = np.asarray(run.rates, np.float32)
    changes = (np.flatnonzero(np.diff(rates)) + 1).tolist()
    assert changes == [25, 50, 75]
    per_epoch = -(-SAMPLES // BATCH)
    assert changes[0] < per_epoch  # inside the first epoch
    np.testing.assert_allclose(rates[[25, 50, 75]] / rates[[0, 25, 50]], 0.95, rtol=1e-6)
    schedule = ExponentialDecay(
        **STAIRCASE,
        dtype="float32",
        flavor="keras3" if ORACLE.keras_major >= 3 else "keras2",
    )
    np.testing.assert_array_equal(rates, schedule(np.arange(BATCHES)).astype(np.float32))

"""The optimizers' options against live TensorFlow: ``get_config`` / ``from_config`` per entry
point, and each fact the docs state about weight decay, clipping, accumulation, EMA, loss
scaling, callables and the float32 sums under the norms, measured here.

The trajectories themselves are the catalogue's (``conformance/cases/optimizers.py``,
``options/...`` cases); these tests pin what a trajectory alone does not show: the order of
operations (each alternative order is computed with the reference and must differ from
TensorFlow), the counters, the EMA's slot, how often a callable is called."""

from __future__ import annotations

import numpy as np
import pytest

from conformance.oracles.tensorflow import tensorflow
from reference import addons, optimizers, schedules
from reference.optimizers import _clipping

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

KERAS3 = ORACLE is not None and ORACLE.keras_major >= 3


def _keras_entries() -> list[tuple[str, str]]:
    """(entry, reference flavour) of every Keras >= 2.11 optimizer module here."""
    if ORACLE is None:
        return []
    found = [("tf.keras", "keras3" if KERAS3 else "keras2")]
    if ORACLE.tf_keras is not None:
        found.append(("tf_keras", "keras2"))
    return found


def _legacy_entries() -> list[str]:
    if ORACLE is None:
        return []
    found = [] if KERAS3 else ["tf.keras.legacy"]
    return found + (["tf_keras.legacy"] if ORACLE.tf_keras is not None else [])


def _keras(entry: str):
    return ORACLE.tf_keras if entry.startswith("tf_keras") else ORACLE.tf.keras


def _tf_class(entry: str, family: str):
    keras = _keras(entry)
    module = keras.optimizers.legacy if entry.endswith(".legacy") else keras.optimizers
    return getattr(module, family)


def _tf_schedule(entry: str):
    return _keras(entry).optimizers.schedules.ExponentialDecay(0.01, 100, 0.5)


def _ref_schedule(flavor: str):
    flavor = "keras3" if flavor == "keras3" else "keras2"
    return schedules.ExponentialDecay(0.01, 100, 0.5, flavor=flavor, dtype="float32")


# -- get_config / from_config ------------------------------------------------------------------

KERAS_CONFIGS = {
    "defaults": dict(),
    "options": dict(weight_decay=0.01, clipnorm=1.0, use_ema=True, ema_momentum=0.9),
    "global-clipnorm": dict(global_clipnorm=2.0, use_ema=True, ema_overwrite_frequency=5),
    "keras3-options": dict(loss_scale_factor=2.0, gradient_accumulation_steps=3, clipvalue=0.5),
    "schedule": dict(),
    "callable": dict(),
}


def _assert_same_config(ours: dict, theirs: dict) -> None:
    assert ours == theirs
    assert list(ours) == list(theirs), "the keys in TensorFlow's order"
    for key, value in theirs.items():
        assert type(ours[key]) is type(value), f"{key}: {ours[key]!r} vs {value!r}"


def _keras_case(label: str, entry: str, flavor: str):
    params = dict(KERAS_CONFIGS[label])
    if label == "keras3-options" and flavor != "keras3":
        pytest.skip("Keras 3 options (Keras 2 refuses them: the catalogue's invalid cases)")
    if label == "callable" and flavor == "keras3":
        pytest.skip("Keras 3 serializes a callable's bytecode")
    tf_rate = ref_rate = 0.01
    if label == "schedule":
        tf_rate, ref_rate = _tf_schedule(entry), _ref_schedule(flavor)
    elif label == "callable":
        tf_rate = ref_rate = lambda: 0.5
    return params, tf_rate, ref_rate


@pytest.mark.parametrize("label", list(KERAS_CONFIGS))
@pytest.mark.parametrize("family", ["Adam", "AdamW", "RMSprop"])
@pytest.mark.parametrize("entry, flavor", _keras_entries())
def test_keras_get_config_is_tensorflows(entry, flavor, family, label):
    params, tf_rate, ref_rate = _keras_case(label, entry, flavor)
    theirs = _tf_class(entry, family)(learning_rate=tf_rate, name="opt", **params).get_config()
    ours = getattr(optimizers, family)(
        learning_rate=ref_rate, name="opt", **params, flavor=flavor
    ).get_config()
    _assert_same_config(ours, theirs)


@pytest.mark.parametrize("family", ["Adam", "AdamW", "RMSprop"])
@pytest.mark.parametrize("entry, flavor", _keras_entries())
def test_keras_default_names(entry, flavor, family):
    """Keras 3 names an optimizer after its class in snake case (and appends ``_1``, ``_2``
    to later ones in the session, which the reference does not)."""
    theirs = _tf_class(entry, family)().get_config()["name"]
    ours = getattr(optimizers, family)(flavor=flavor).get_config()["name"]
    assert theirs == ours or (flavor == "keras3" and theirs.rsplit("_", 1)[0] == ours)


@pytest.mark.parametrize("label", ["options", "global-clipnorm", "keras3-options", "schedule"])
@pytest.mark.parametrize("family", ["Adam", "AdamW", "RMSprop"])
@pytest.mark.parametrize("entry, flavor", _keras_entries())
def test_keras_from_config_round_trips(entry, flavor, family, label):
    """TensorFlow's config rebuilds the reference optimizer (a serialized schedule becomes the
    reference's), and the reference's config rebuilds TensorFlow's, with the same config."""
    params, tf_rate, ref_rate = _keras_case(label, entry, flavor)
    tf_class = _tf_class(entry, family)
    theirs = tf_class(learning_rate=tf_rate, name="opt", **params).get_config()
    rebuilt = getattr(optimizers, family).from_config(theirs, dtype="float32", flavor=flavor)
    _assert_same_config(rebuilt.get_config(), theirs)
    assert tf_class.from_config(rebuilt.get_config()).get_config() == theirs
    if label == "schedule":
        assert isinstance(rebuilt.learning_rate, schedules.ExponentialDecay)
        assert rebuilt.learning_rate.dtype == "float32"


LEGACY_CONFIGS = {
    "clipnorm-decay": dict(clipnorm=1.0, decay=0.01),
    "clipvalue-global": dict(clipvalue=0.5, global_clipnorm=2.0),
    "schedule": dict(),
    "callables": dict(),
}


def _legacy_case(label: str, family: str, entry: str):
    params = dict(LEGACY_CONFIGS[label])
    tf_rate = ref_rate = 0.01
    if label == "schedule":
        tf_rate, ref_rate = _tf_schedule(entry), _ref_schedule("keras2")
    if label == "callables":
        tf_rate = ref_rate = lambda: 0.5
        params = dict(beta_1=lambda: 0.8) if family == "Adam" else dict(momentum=lambda: 0.0)
    return params, tf_rate, ref_rate


@pytest.mark.parametrize("label", list(LEGACY_CONFIGS))
@pytest.mark.parametrize("family", ["Adam", "RMSprop"])
@pytest.mark.parametrize("entry", _legacy_entries())
def test_legacy_get_config_is_tensorflows(entry, family, label):
    """A fresh legacy optimizer's config (before its first update, when OptimizerV2 still holds
    the hyperparameters as given: afterwards they are float32 variables)."""
    params, tf_rate, ref_rate = _legacy_case(label, family, entry)
    theirs = _tf_class(entry, family)(learning_rate=tf_rate, **params).get_config()
    ours = getattr(optimizers.legacy, family)(learning_rate=ref_rate, **params).get_config()
    _assert_same_config(ours, theirs)
    if label != "callables":
        rebuilt = getattr(optimizers.legacy, family).from_config(theirs, dtype="float32")
        _assert_same_config(rebuilt.get_config(), theirs)


@pytest.mark.parametrize("entry", _legacy_entries())
def test_legacy_lr_is_learning_rate(entry):
    for family in ("Adam", "RMSprop"):
        theirs = _tf_class(entry, family)(learning_rate=0.5)
        ours = getattr(optimizers.legacy, family)(learning_rate=0.5)
        assert float(theirs.lr.numpy()) == np.float32(ours.lr)
        theirs.lr, ours.lr = 0.25, 0.25
        assert float(theirs.learning_rate.numpy()) == np.float32(ours.learning_rate) == 0.25


@pytest.mark.parametrize("entry, flavor", _keras_entries())
def test_keras_lr_exists_in_keras2_only(entry, flavor):
    theirs, ours = _tf_class(entry, "Adam")(learning_rate=0.5), optimizers.Adam(0.5, flavor=flavor)
    assert hasattr(theirs, "lr") == hasattr(ours, "lr") == (flavor == "keras2")


ADDONS_CONFIGS = {
    "float": dict(weight_decay=0.01),
    "clip": dict(weight_decay=0.01, clipnorm=1.0, decay=0.01),
    "schedule": dict(),
    "callable": dict(weight_decay=lambda: 0.002),
}


@pytest.mark.skipif(ORACLE is None or ORACLE.tfa is None, reason="tensorflow-addons absent")
@pytest.mark.parametrize("label", list(ADDONS_CONFIGS))
def test_addons_adamw_get_config_is_tensorflows(label):
    params = dict(ADDONS_CONFIGS[label])
    tf_params, ref_params = dict(params), dict(params)
    if label == "schedule":
        tf_params["weight_decay"] = _tf_schedule("tf.keras")
        ref_params["weight_decay"] = _ref_schedule("keras2")
    theirs = ORACLE.tfa.optimizers.AdamW(**tf_params).get_config()
    ours = addons.AdamW(**ref_params).get_config()
    _assert_same_config(ours, theirs)
    if label != "callable":
        rebuilt = addons.AdamW.from_config(theirs, dtype="float32")
        _assert_same_config(rebuilt.get_config(), theirs)


# -- the facts of the docs, measured ------------------------------------------------------------

THETA = np.array([0.7, -1.3, 2.1], np.float32)
GRADIENTS = [np.array(g, np.float32) for g in ([3.0, -4.0, 0.5], [0.1, 8.0, -2.0], [-1, 1, 2])]


def _tf_calls(optimizer, gradients, *, build=True, after=None):
    """``apply_gradients`` of each gradient on one variable from ``THETA``, in a
    ``tf.function``; the variable after each call (and ``after(optimizer)`` after each)."""
    tf = ORACLE.tf
    variable = tf.Variable(THETA)
    if build:
        optimizer.build([variable])
    rows, extra = [], []

    @tf.function
    def call(g):
        optimizer.apply_gradients([(g, variable)])

    for g in gradients:
        call(tf.constant(g))
        rows.append(variable.numpy().copy())
        if after is not None:
            extra.append(after(optimizer))
    return np.array(rows), extra


def _ref_calls(optimizer, gradients):
    params, state, rows, states = THETA, None, [], []  # float32, as the variable
    state = optimizer.init(params)
    for g in gradients:
        params, state = optimizer.step(g, params, state)
        rows.append(np.asarray(params, np.float32))
        states.append(state)
    return np.array(rows), states


@pytest.mark.parametrize("entry, flavor", _keras_entries())
def test_weight_decay_comes_before_the_update_scaled_by_the_learning_rate(entry, flavor):
    """Keras: theta - (theta * wd) * lr, stored, then the update's step subtracted. The other
    orders (update first, or the decay without the learning rate) give other numbers."""
    tf_class = _tf_class(entry, "AdamW")
    theirs, _ = _tf_calls(tf_class(learning_rate=0.1, weight_decay=0.3), GRADIENTS[:1])
    ours, _ = _ref_calls(optimizers.AdamW(0.1, 0.3, dtype="float32", flavor=flavor), GRADIENTS[:1])
    np.testing.assert_array_equal(ours, theirs)
    plain, _ = _ref_calls(optimizers.Adam(0.1, dtype="float32", flavor=flavor), GRADIENTS[:1])
    lr, wd = np.float32(0.1), np.float32(0.3)
    decayed_after = plain[0] - (plain[0] * wd) * lr
    assert not np.array_equal(decayed_after, theirs[0])
    step = plain[0] - THETA  # the Adam step alone (float32)
    not_scaled = (THETA - THETA * wd) + step
    assert not np.allclose(not_scaled, theirs[0], rtol=1e-3)


@pytest.mark.skipif(ORACLE is None or ORACLE.tfa is None, reason="tensorflow-addons absent")
def test_addons_weight_decay_is_not_scaled_by_the_learning_rate():
    tf = ORACLE.tf
    optimizer = ORACLE.tfa.optimizers.AdamW(weight_decay=0.3, learning_rate=0.1)
    variable = tf.Variable(THETA)
    optimizer.apply_gradients([(tf.zeros(3), variable)])
    ours, _ = _ref_calls(addons.AdamW(0.3, 0.1, dtype="float32"), [np.zeros(3, np.float32)])
    np.testing.assert_array_equal(ours[0], variable.numpy())
    # A zero gradient: only the decay moved it, by 0.3 * theta (not 0.3 * 0.1 * theta).
    np.testing.assert_array_equal(variable.numpy(), THETA - np.float32(0.3) * THETA)


@pytest.mark.skipif(not KERAS3, reason="gradient accumulation is a Keras 3 option")
def test_accumulation_clips_the_mean_once_per_update():
    """Keras 3 clips (and decays) the mean of the accumulated gradients, at the update call
    only: not each gradient as it arrives."""
    keras = ORACLE.tf.keras
    theirs, _ = _tf_calls(
        keras.optimizers.Adam(0.1, clipnorm=1.0, gradient_accumulation_steps=2), GRADIENTS[:2]
    )
    ours, _ = _ref_calls(
        optimizers.Adam(0.1, clipnorm=1.0, gradient_accumulation_steps=2, dtype="float32"),
        GRADIENTS[:2],
    )
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(theirs[0], THETA)  # the first call only accumulates
    clipped = [_clipping.clip_by_norm(g, 1.0, "float32") for g in GRADIENTS[:2]]
    mean_of_clipped = (clipped[0] + clipped[1]) / np.float32(2)
    other, _ = _ref_calls(optimizers.Adam(0.1, dtype="float32"), [mean_of_clipped])
    assert not np.array_equal(other[0], theirs[1])


@pytest.mark.skipif(not KERAS3, reason="gradient accumulation is a Keras 3 option")
def test_accumulation_counters_and_schedule_step():
    """Under accumulation Keras 3's iteration variable counts calls, its public
    ``iterations`` updates (calls // n), and the schedule reads the calls."""
    keras = ORACLE.tf.keras
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, 2, 0.5)
    optimizer = keras.optimizers.Adam(schedule, gradient_accumulation_steps=3)
    calls = [GRADIENTS[k % 3] for k in range(7)]
    _, counters = _tf_calls(
        optimizer,
        calls,
        after=lambda o: (
            int(o._iterations.numpy()),
            int(o.iterations.numpy()),
            float(o.learning_rate.numpy()),
        ),
    )
    reference = optimizers.Adam(
        _ref_schedule("keras3").__class__(0.01, 2, 0.5, dtype="float32"),
        gradient_accumulation_steps=3,
        dtype="float32",
    )
    _, states = _ref_calls(reference, calls)
    ours = [
        (
            s["iterations"],
            reference.iterations(s),
            float(reference.learning_rate_at(s["iterations"])),
        )
        for s in states
    ]
    assert ours == counters
    assert counters[-1][:2] == (7, 2)


@pytest.mark.parametrize("entry, flavor", _keras_entries())
@pytest.mark.parametrize("accumulation", [None, 2])
def test_ema_average_and_overwrite_calls(entry, flavor, accumulation):
    """The EMA slot after every call equals TensorFlow's, and the weights become the averages
    exactly at the calls where ``(iterations + 1) % ema_overwrite_frequency == 0``
    (``iterations`` before the call's increment, in updates under accumulation)."""
    if accumulation and flavor != "keras3":
        pytest.skip("gradient accumulation is a Keras 3 option")
    options = dict(use_ema=True, ema_momentum=0.7, ema_overwrite_frequency=3)
    if accumulation:
        options["gradient_accumulation_steps"] = accumulation
    calls = [GRADIENTS[k % 3] * (k + 1) for k in range(13)]
    theirs, averages = _tf_calls(
        _tf_class(entry, "RMSprop")(0.1, **options),
        calls,
        after=lambda o: o._model_variables_moving_average[0].numpy().copy(),
    )
    reference = optimizers.RMSprop(0.1, **options, dtype="float32", flavor=flavor)
    ours, states = _ref_calls(reference, calls)
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(np.array([s["average"][0] for s in states]), averages)
    # An overwrite is a call whose weights are not what the same call without overwriting
    # (the reference, from the same state) gives.
    plain = optimizers.RMSprop(
        0.1, **{**options, "ema_overwrite_frequency": None}, dtype="float32", flavor=flavor
    )
    params, state = THETA, plain.init(THETA)
    overwritten = []
    for k, g in enumerate(calls):
        without, _ = plain.step(g, params, state)
        if not np.array_equal(np.asarray(without, np.float32), theirs[k]):
            overwritten.append(k)
        params, state = ours[k], states[k]
    updates = [k // accumulation if accumulation else k for k in range(len(calls))]
    assert overwritten == [k for k, made in enumerate(updates) if (made + 1) % 3 == 0]


@pytest.mark.skipif(not KERAS3, reason="loss_scale_factor is a Keras 3 option")
def test_loss_scale_factor_scales_the_loss_and_unscales_the_gradients():
    tf = ORACLE.tf
    keras = tf.keras
    optimizer = keras.optimizers.Adam(0.1, loss_scale_factor=3.0)
    assert float(optimizer.scale_loss(tf.constant(2.0))) == 6.0
    scaled = [g * np.float32(3.0) for g in GRADIENTS]
    theirs, _ = _tf_calls(optimizer, scaled)
    ours, _ = _ref_calls(optimizers.Adam(0.1, loss_scale_factor=3.0, dtype="float32"), scaled)
    np.testing.assert_array_equal(ours, theirs)
    # A power of two divides exactly: the same as no scaling at all.
    exact, _ = _tf_calls(
        keras.optimizers.Adam(0.1, loss_scale_factor=1024.0), [g * 1024 for g in GRADIENTS]
    )
    plain, _ = _ref_calls(optimizers.Adam(0.1, dtype="float32"), GRADIENTS)
    np.testing.assert_array_equal(exact, plain)


@pytest.mark.parametrize("entry, flavor", _keras_entries())
def test_callable_learning_rate_calls(entry, flavor):
    """Keras 3 calls a callable learning rate at every update (eagerly: once per call); Keras 2
    once, when the optimizer is made."""
    tf = ORACLE.tf
    counted, ref_counted = [], []
    optimizer = _tf_class(entry, "Adam")(learning_rate=lambda: counted.append(1) or 0.1)
    reference = optimizers.Adam(
        learning_rate=lambda: ref_counted.append(1) or 0.1, dtype="float32", flavor=flavor
    )
    made = len(counted)
    variable = tf.Variable(THETA)
    for g in GRADIENTS:
        optimizer.apply_gradients([(tf.constant(g), variable)])
    ours, _ = _ref_calls(reference, GRADIENTS)
    np.testing.assert_array_equal(ours[-1], variable.numpy())
    assert (made, len(counted)) == ((0, 3) if flavor == "keras3" else (1, 1))
    assert len(ref_counted) == len(counted)


@pytest.mark.parametrize("entry", _legacy_entries())
def test_legacy_callable_momentum_switches_the_kernel(entry):
    """A callable momentum makes OptimizerV2's RMSprop create the momentum slot and run the
    momentum kernel (epsilon inside the root), even when it returns 0."""
    tf = ORACLE.tf
    optimizer = _tf_class(entry, "RMSprop")(0.1, momentum=lambda: 0.0, epsilon=0.1)
    variable = tf.Variable(THETA)
    optimizer.apply_gradients([(tf.constant(GRADIENTS[0]), variable)])
    assert "momentum" in optimizer.get_slot_names()
    reference = optimizers.legacy.RMSprop(0.1, momentum=lambda: 0.0, epsilon=0.1, dtype="float32")
    ours, states = _ref_calls(reference, GRADIENTS[:1])
    np.testing.assert_array_equal(ours[0], variable.numpy())
    assert "momentum" in states[0]
    plain, _ = _ref_calls(
        optimizers.legacy.RMSprop(0.1, momentum=0.0, epsilon=0.1, dtype="float32"),
        GRADIENTS[:1],
    )
    assert not np.array_equal(plain[0], ours[0])


# -- the sums under the norms --------------------------------------------------------------------

SIZES = [
    *range(1, 70),
    80,
    100,
    120,
    127,
    128,
    129,
    200,
    1000,
    4096,
    8192,
    8193,
    10007,
    16385,
    # Up to here only: from about 10^5 numbers TensorFlow's CPU sums are sharded over its
    # thread pool (measured: l2_loss differs from 100 001 numbers, reduce_sum from 120 003, on 2
    # cores), an order the reference does not reproduce (reference/optimizers/_clipping.py).
    90_001,
]


@pytest.mark.parametrize("size", SIZES)
def test_reduce_sum_is_eigens_order(size):
    tf = ORACLE.tf
    rng = np.random.default_rng(size)
    for _ in range(20):
        values = (rng.standard_normal(size) * 10.0 ** rng.uniform(-3, 3, size)).astype(np.float32)
        assert _clipping.reduce_sum(values) == tf.reduce_sum(tf.constant(values)).numpy()
        # l2_loss: the half squares, in the same order.
        half = _clipping.reduce_sum((values * values) * np.float32(0.5))
        assert half == tf.nn.l2_loss(tf.constant(values)).numpy()


@pytest.mark.parametrize("size", [3, 5, 8, 19, 64, 100])
def test_norm_clipping_is_tensorflows(size):
    tf = ORACLE.tf
    rng = np.random.default_rng(size)
    tensors = [(rng.standard_normal(size) * 3).astype(np.float32) for _ in range(3)]
    for values in tensors:
        np.testing.assert_array_equal(
            _clipping.clip_by_norm(values, 1.5, "float32"),
            tf.clip_by_norm(tf.constant(values), 1.5).numpy(),
        )
    theirs, _ = tf.clip_by_global_norm([tf.constant(t) for t in tensors], 1.5)
    ours = _clipping.clip_by_global_norm(tensors, 1.5, "float32")
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b.numpy())

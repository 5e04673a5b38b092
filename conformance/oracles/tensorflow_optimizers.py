"""Live TensorFlow's optimizers: a whole trajectory per call, for
:meth:`conformance.oracles.tensorflow.TensorFlow.trajectory`.

Entry points (which exist depends on the environment):

=====================  ==================================================  ===================
key                    what runs                                           reference flavour
=====================  ==================================================  ===================
``tf.keras``           ``tf.keras.optimizers.X``                           keras2 (TF <= 2.15),
                                                                           keras3 (TF >= 2.16)
``tf_keras``           ``tf_keras.optimizers.X``                           keras2
``tf.keras.legacy``    ``tf.keras.optimizers.legacy.X`` (Keras 2 only)     legacy
``tf_keras.legacy``    ``tf_keras.optimizers.legacy.X``                    legacy
``tfa``                ``tensorflow_addons.optimizers.X`` (on the legacy   (one flavour)
                       Keras optimizers)
``compat_v1.graph``    ``tf.compat.v1.train.X`` in a graph, ``Session``    compat_v1
=====================  ==================================================  ===================

Keras optimizers run ``apply_gradients`` inside one ``tf.function`` whose loop covers the
whole gradient sequence, recording every variable after every call; the counter recorded is
TensorFlow's iteration variable (Keras 3's ``optimizer._iterations``, which counts calls: its
public ``iterations`` divides that by ``gradient_accumulation_steps``). A callable
hyperparameter (an ``Expr`` of the case) is called when the loop is traced, as in any
``tf.function``. TF1 optimizers run
``minimize(loss, global_step=gs)`` with ``loss = sum(var * g)``, so that the gradient is exactly
``g`` (a placeholder fed step by step); the variables are read after each update inside the same
``Session.run``. Grappler is off (see :mod:`conformance.oracles.tensorflow`): graphs compute what
the source says.
"""

from __future__ import annotations

import numpy as np

from conformance.cases import Expr, LearningRateSpec, OptimizerCase, SparseGradients
from conformance.outcome import Trajectory
from conformance.source import format_kwargs


def run(oracle, case: OptimizerCase, entry) -> Trajectory:
    """TensorFlow's trajectory of ``case`` on ``entry`` (``oracle``: the
    :class:`~conformance.oracles.tensorflow.TensorFlow` it runs in)."""
    gradients = _gradient_arrays(case)
    initial = [p.astype(np.float32) for p in case.gradients.initial_params()]
    call = _describe(case, entry)
    try:
        if entry.flavor == "compat_v1":
            params, counter = _run_v1(oracle, case, initial, gradients)
        else:
            params, counter = _run_keras(oracle, case, entry, initial, gradients)
    except Exception as error:  # noqa: BLE001 - TF's exception is the result
        return Trajectory(None, error=type(error).__name__, message=str(error), call=call)
    return Trajectory(params, counter, call=call)


# -- Keras -------------------------------------------------------------------------------


def keras_module(oracle, entry):
    """The Keras whose schedules the entry point's optimizers take, and the module holding
    the optimizers."""
    keras = oracle.tf_keras if entry.key.startswith("tf_keras") else oracle.tf.keras
    if entry.key == "tfa":
        return keras, oracle.tfa.optimizers
    return keras, (keras.optimizers.legacy if entry.key.endswith(".legacy") else keras.optimizers)


def make_keras_optimizer(oracle, case: OptimizerCase, entry):
    keras, optimizers = keras_module(oracle, entry)
    learning_rate = case.built_learning_rate()
    if isinstance(learning_rate, LearningRateSpec):
        schedule_name = learning_rate.api.split(".", 1)[1]
        learning_rate = getattr(keras.optimizers.schedules, schedule_name)(**learning_rate.params)
    params = {k: _keras_schedule(keras, v) for k, v in case.built_params().items()}
    return getattr(optimizers, case.family)(learning_rate=learning_rate, **params)


def _keras_schedule(keras, value):
    """A hyperparameter that is a schedule (tfa's ``weight_decay``) built from its spec."""
    if isinstance(value, LearningRateSpec):
        return getattr(keras.optimizers.schedules, value.api.split(".", 1)[1])(**value.params)
    return value


def iterations(optimizer, entry) -> int:
    """TensorFlow's iteration variable after the run (Keras 3: the calls, see above)."""
    counter = optimizer._iterations if entry.flavor == "keras3" else optimizer.iterations
    return int(counter.numpy())


def _run_keras(oracle, case, entry, initial, gradients):
    run, optimizer = keras_loop(oracle, case, entry, initial, gradients)
    params = run().numpy()
    return params, iterations(optimizer, entry)


def keras_loop(oracle, case, entry, initial, gradients):
    """A ``tf.function`` running the whole trajectory (each call continues it), and the
    optimizer."""
    tf = oracle.tf
    optimizer = make_keras_optimizer(oracle, case, entry)
    variables = [tf.Variable(p) for p in initial]
    # Slots are made before the loop: variables cannot be created inside it.
    if entry.flavor in ("legacy", None):  # OptimizerV2 (tfa's optimizers too)
        optimizer._create_all_weights(variables)
    else:
        optimizer.build(variables)
    steps = case.gradients.steps
    if isinstance(gradients, tuple):
        indices, values = (tf.constant(a) for a in gradients)
        shape = tf.constant(initial[0].shape, tf.int64)

        def gradients_at(t):
            return [tf.IndexedSlices(values[t], indices[t], shape)]
    else:
        per_variable = [tf.constant(g) for g in case.gradients.split(gradients)]

        def gradients_at(t):
            return [g[t] for g in per_variable]

    @tf.function(autograph=True)
    def run():
        history = tf.TensorArray(tf.float32, size=steps)
        for t in tf.range(steps):
            optimizer.apply_gradients(zip(gradients_at(t), variables))
            row = tf.concat([tf.reshape(v.read_value(), [-1]) for v in variables], 0)
            history = history.write(t, row)
        return history.stack()

    return run, optimizer


# -- compat.v1 ---------------------------------------------------------------------------


def _run_v1(oracle, case, initial, gradients):
    tf = oracle.tf
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph, config=config) as session:
        global_step = tf.compat.v1.train.get_or_create_global_step()
        variables = [tf.Variable(p) for p in initial]
        if isinstance(gradients, tuple):
            # The gradient of sum(gather(var, i) * g) is IndexedSlices(g, i), repeated
            # indices included, as an embedding lookup gives.
            fed_indices = tf.compat.v1.placeholder(tf.int64, gradients[0].shape[1:])
            fed_values = tf.compat.v1.placeholder(tf.float32, gradients[1].shape[1:])
            loss = tf.reduce_sum(tf.gather(variables[0], fed_indices) * fed_values)
            feeds = ({fed_indices: i, fed_values: v} for i, v in zip(*gradients))
        else:
            fed = [tf.compat.v1.placeholder(tf.float32, p.shape) for p in initial]
            loss = tf.add_n([tf.reduce_sum(v * g) for v, g in zip(variables, fed)])
            split = case.gradients.split(gradients)
            feeds = ({g: s[t] for g, s in zip(fed, split)} for t in range(len(gradients)))
        optimizer = make_v1_optimizer(oracle, case, global_step)
        train = optimizer.minimize(loss, global_step=global_step)
        with tf.control_dependencies([train]):
            after = tf.concat([tf.reshape(v.read_value(), [-1]) for v in variables], 0)
        session.run(tf.compat.v1.global_variables_initializer())
        rows = [session.run(after, feed) for feed in feeds]
        counter = int(session.run(global_step))
    return np.stack(rows), counter


def make_v1_optimizer(oracle, case: OptimizerCase, global_step):
    tf = oracle.tf
    learning_rate = case.built_learning_rate()
    if isinstance(learning_rate, LearningRateSpec):
        function = getattr(tf.compat.v1.train, learning_rate.api.split(".", 1)[1])
        learning_rate = function(global_step=global_step, **learning_rate.params)
    return getattr(tf.compat.v1.train, case.family)(learning_rate, **case.built_params())


def _gradient_arrays(case: OptimizerCase):
    """The case's gradients in float32: ``(steps, width)`` columns, or ``(indices, values)``."""
    if isinstance(case.gradients, SparseGradients):
        indices, values = case.gradients.sequence()
        return indices, values.astype(np.float32)
    return case.gradients.columns().astype(np.float32)


def _source(learning_rate) -> str:
    return learning_rate.source if isinstance(learning_rate, Expr) else str(learning_rate)


def _describe(case: OptimizerCase, entry) -> str:
    shown = format_kwargs(case.params)
    lr = case.learning_rate
    if entry.flavor == "compat_v1":
        lr_source = (
            f"tf.compat.v1.train.{lr.api.split('.', 1)[1]}(global_step=gs, ...)"
            if isinstance(lr, LearningRateSpec)
            else _source(lr)
        )
        return (
            f"tf.compat.v1.train.{case.family}({lr_source}, {shown})"
            f".minimize(sum(var * g), global_step=gs)  # {case.gradients}"
        )
    module = {
        "tf.keras": "tf.keras.optimizers",
        "tf_keras": "tf_keras.optimizers",
        "tf.keras.legacy": "tf.keras.optimizers.legacy",
        "tf_keras.legacy": "tf_keras.optimizers.legacy",
        "tfa": "tfa.optimizers",
    }[entry.key]
    return (
        f"{module}.{case.family}(learning_rate={_source(lr)}, {shown})"
        ".apply_gradients(...) "
        f"in one tf.function loop  # {case.gradients}"
    )

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

Batches (:func:`run_many`, for ``TensorFlow.prefetch``). One trajectory costs mostly a fixed
overhead: tracing its ``tf.function`` and running a 1000-iteration loop whose every iteration
has a cost of its own (TF1: 1000 ``Session.run`` calls). Up to :data:`BATCH_KERAS` Keras cases
of one entry point share one traced loop, whose body updates each case's own optimizer and
variables in turn; up to :data:`BATCH_V1` TF1 cases share one graph, each with its own global
step, and one ``Session.run`` per update. Every case keeps its own optimizer object, its own
variables of its own shapes (3 and 5 floats: Eigen's scalar code, as alone) and its Python
hyperparameters: the ops each case runs, and the values they see, are those it runs alone. (The
hyperparameters stay Python numbers, not tensors shared across cases: Keras folds some of them
in float64 before TensorFlow sees them, e.g. ``1 - self.beta_1``, which a float32 tensor would
compute otherwise.) A case that cannot be built is left to :func:`run`, which reports its error;
a batch that raises is split until the case that raises is alone, and that one too is left to
:func:`run`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from conformance.cases import (
    ExplicitGradients,
    Expr,
    LearningRateSpec,
    OptimizerCase,
    SparseGradients,
)
from conformance.oracles import tensorflow_explicit as explicit
from conformance.outcome import Trajectory
from conformance.source import format_kwargs

#: At most this many Keras trajectories share one traced loop. Tracing costs a fixed part and a
#: part per case; running, a part per iteration and a part per case and iteration: past about
#: 8 cases a batch saves little more (measured on TF 2.15 and 2.21, 2 cores), and a batch that
#: raises is split and traced again.
BATCH_KERAS = 8
#: At most this many TF1 trajectories share one graph and Session.
BATCH_V1 = 16


def run(oracle, case: OptimizerCase, entry) -> Trajectory:
    """TensorFlow's trajectory of ``case`` on ``entry`` (``oracle``: the
    :class:`~conformance.oracles.tensorflow.TensorFlow` it runs in)."""
    call = _describe(case, entry)
    if isinstance(case.gradients, ExplicitGradients):  # the bad-input catalogue
        try:
            params, counter = explicit.run(
                oracle, case, entry, make_keras_optimizer, make_v1_optimizer
            )
        except Exception as error:  # noqa: BLE001 - TF's exception is the result
            return Trajectory(None, error=type(error).__name__, message=str(error), call=call)
        return Trajectory(params, counter, call=call)
    try:
        if entry.flavor == "compat_v1":
            member = _V1Member(case)
            params, counter = _run_v1(oracle, [member])[0]
        else:
            member = _KerasMember(oracle, case, entry)
            params, counter = _run_keras(oracle, [member])[0]
    except Exception as error:  # noqa: BLE001 - TF's exception is the result
        return Trajectory(None, error=type(error).__name__, message=str(error), call=call)
    return Trajectory(params, counter, call=call)


def run_many(oracle, requests: Iterable[tuple[OptimizerCase, object]]) -> dict[tuple, Trajectory]:
    """The trajectories of many ``(case, entry)``, in batches (see the module docstring), by
    ``(case.id, entry.key)``: the values :func:`run` gives case by case. A case missing from the
    result (it cannot be built, or it raises) is for :func:`run`, which reports what it raises."""
    groups: dict[tuple, tuple[object, list[OptimizerCase]]] = {}
    for case, entry in requests:
        key = (entry.key, case.gradients.steps)
        groups.setdefault(key, (entry, []))[1].append(case)
    found: dict[tuple, Trajectory] = {}
    for entry, cases in groups.values():
        v1 = entry.flavor == "compat_v1"
        size = BATCH_V1 if v1 else BATCH_KERAS
        for start in range(0, len(cases), size):
            found.update(_batch(oracle, entry, cases[start : start + size]))
    return found


def _batch(oracle, entry, cases: list[OptimizerCase]) -> dict[tuple, Trajectory]:
    """One batch of one entry point; split in halves where it raises, down to the case that
    raises, which is left out (for :func:`run`)."""
    v1 = entry.flavor == "compat_v1"
    members = []
    for case in cases:
        try:
            members.append(_V1Member(case) if v1 else _KerasMember(oracle, case, entry))
        except Exception:  # noqa: BLE001 - run() reports it
            continue
    if not members:
        return {}
    try:
        results = _run_v1(oracle, members) if v1 else _run_keras(oracle, members)
    except Exception:  # noqa: BLE001 - some case raised
        if len(members) == 1:
            return {}
        half = len(members) // 2
        ready = [m.case for m in members]
        return {**_batch(oracle, entry, ready[:half]), **_batch(oracle, entry, ready[half:])}
    return {
        (m.case.id, entry.key): Trajectory(params, counter, call=_describe(m.case, entry))
        for m, (params, counter) in zip(members, results)
    }


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


class _KerasMember:
    """One case of a Keras loop: its optimizer (slots built), variables and gradients."""

    def __init__(self, oracle, case: OptimizerCase, entry) -> None:
        tf = oracle.tf
        self.case = case
        self.entry = entry
        self.optimizer = make_keras_optimizer(oracle, case, entry)
        initial = [p.astype(np.float32) for p in case.gradients.initial_params()]
        self.variables = [tf.Variable(p) for p in initial]
        # Slots are made before the loop: variables cannot be created inside it.
        if entry.flavor in ("legacy", None):  # OptimizerV2 (tfa's optimizers too)
            self.optimizer._create_all_weights(self.variables)
        else:
            self.optimizer.build(self.variables)
        gradients = _gradient_arrays(case)
        if isinstance(gradients, tuple):
            indices, values = (tf.constant(a) for a in gradients)
            shape = tf.constant(initial[0].shape, tf.int64)
            self.gradients_at: Callable = lambda t: [tf.IndexedSlices(values[t], indices[t], shape)]
        else:
            per_variable = [tf.constant(g) for g in case.gradients.split(gradients)]
            self.gradients_at = lambda t: [g[t] for g in per_variable]

    def update(self, tf, t, history):
        """Apply the gradients of update ``t``; ``history`` with the variables after it."""
        self.optimizer.apply_gradients(zip(self.gradients_at(t), self.variables))
        row = tf.concat([tf.reshape(v.read_value(), [-1]) for v in self.variables], 0)
        return history.write(t, row)


def _run_keras(oracle, members: list[_KerasMember]) -> list[tuple[np.ndarray, int]]:
    run = keras_loop(oracle, members)
    return [(params.numpy(), iterations(m.optimizer, m.entry)) for m, params in zip(members, run())]


def keras_loop(oracle, members: list[_KerasMember]):
    """A ``tf.function`` running the whole trajectories of ``members`` (cases with as many
    updates) in one loop: each call continues them."""
    tf = oracle.tf
    steps = members[0].case.gradients.steps

    @tf.function(autograph=True)
    def run():
        histories = tuple(tf.TensorArray(tf.float32, size=steps) for _ in members)
        for t in tf.range(steps):
            histories = _update_all(tf, members, t, histories)
        return tuple(history.stack() for history in histories)

    return run


def _update_all(tf, members: list[_KerasMember], t, histories: tuple) -> tuple:
    """One update of every member, in turn (inside the loop, converted by AutoGraph as the
    loop's body)."""
    updated = []
    for member, history in zip(members, histories):
        updated.append(member.update(tf, t, history))
    return tuple(updated)


# -- compat.v1 ---------------------------------------------------------------------------


class _V1Member:
    """One case of a TF1 graph: its initial values and gradients, then (:meth:`build`) its
    global step, variables, training op and the variables read after it."""

    def __init__(self, case: OptimizerCase) -> None:
        self.case = case
        self.initial = [p.astype(np.float32) for p in case.gradients.initial_params()]
        self.gradients = _gradient_arrays(case)

    def build(self, tf, oracle, global_step) -> None:
        self.global_step = global_step
        variables = [tf.Variable(p) for p in self.initial]
        gradients = self.gradients
        if isinstance(gradients, tuple):
            # The gradient of sum(gather(var, i) * g) is IndexedSlices(g, i), repeated
            # indices included, as an embedding lookup gives.
            fed_indices = tf.compat.v1.placeholder(tf.int64, gradients[0].shape[1:])
            fed_values = tf.compat.v1.placeholder(tf.float32, gradients[1].shape[1:])
            loss = tf.reduce_sum(tf.gather(variables[0], fed_indices) * fed_values)
            self.feeds = [{fed_indices: i, fed_values: v} for i, v in zip(*gradients)]
        else:
            fed = [tf.compat.v1.placeholder(tf.float32, p.shape) for p in self.initial]
            loss = tf.add_n([tf.reduce_sum(v * g) for v, g in zip(variables, fed)])
            split = self.case.gradients.split(gradients)
            self.feeds = [{g: s[t] for g, s in zip(fed, split)} for t in range(len(gradients))]
        optimizer = make_v1_optimizer(oracle, self.case, global_step)
        train = optimizer.minimize(loss, global_step=global_step)
        with tf.control_dependencies([train]):
            self.after = tf.concat([tf.reshape(v.read_value(), [-1]) for v in variables], 0)


def _run_v1(oracle, members: list[_V1Member]) -> list[tuple[np.ndarray, int]]:
    """The trajectories of ``members`` (cases with as many updates) in one graph and Session:
    each case has its own global step, and each ``Session.run`` makes one update of every
    case."""
    tf = oracle.tf
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph, config=config) as session:
        for index, member in enumerate(members):
            # The first as tf.compat.v1.train.get_or_create_global_step() makes it; the others
            # the same variable (int64, not trainable), each case counting its own updates.
            global_step = (
                tf.compat.v1.train.get_or_create_global_step()
                if index == 0
                else tf.compat.v1.get_variable(
                    f"global_step_{index}",
                    shape=[],
                    dtype=tf.int64,
                    initializer=tf.compat.v1.zeros_initializer(),
                    trainable=False,
                )
            )
            member.build(tf, oracle, global_step)
        session.run(tf.compat.v1.global_variables_initializer())
        fetches = [member.after for member in members]
        rows = []
        for t in range(len(members[0].feeds)):
            feed = {}
            for member in members:
                feed.update(member.feeds[t])
            rows.append(session.run(fetches, feed))
        counters = session.run([member.global_step for member in members])
    return [
        (np.stack([row[index] for row in rows]), int(counter))
        for index, counter in enumerate(counters)
    ]


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

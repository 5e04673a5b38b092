"""Live TensorFlow's optimizers on a few updates written out (:class:`conformance.cases.
ExplicitGradients`, the bad-input catalogue): gradients that are ``None``, of another dtype or
shape than their variable, more or fewer than the variables; variables of any dtype.

Each update is one ``apply_gradients(zip(gradients, variables))``, as user code writes it:
eagerly for Keras (so that an error names the update it happened in), and for compat.v1 one
``apply_gradients(..., global_step=gs)`` op per update in one graph, run by a ``Session`` with
Grappler off. The variables are read after every update.
"""

from __future__ import annotations

import numpy as np

from conformance.cases import ExplicitGradients, OptimizerCase


def run(oracle, case: OptimizerCase, entry, make_keras, make_v1) -> tuple[np.ndarray, int]:
    """The parameters after every update (one row each, every variable flattened) and the
    step counter; TensorFlow's exception propagates. ``make_keras(oracle, case, entry)`` and
    ``make_v1(oracle, case, global_step)`` build the optimizer."""
    if entry.flavor == "compat_v1":
        return _run_v1(oracle, case, make_v1)
    return _run_keras(oracle, case, entry, make_keras)


def _constants(tf, gradients: ExplicitGradients, update: int) -> list:
    return [None if g is None else tf.constant(g) for g in gradients.gradients_at(update)]


def _row(values) -> np.ndarray:
    return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in values])


def _run_keras(oracle, case: OptimizerCase, entry, make_keras) -> tuple[np.ndarray, int]:
    tf = oracle.tf
    optimizer = make_keras(oracle, case, entry)
    variables = [tf.Variable(p) for p in case.gradients.initial_params()]
    rows = []
    for update in range(case.gradients.steps):
        optimizer.apply_gradients(zip(_constants(tf, case.gradients, update), variables))
        rows.append(_row(v.numpy() for v in variables))
    return np.stack(rows), int(optimizer.iterations.numpy())


def _run_v1(oracle, case: OptimizerCase, make_v1) -> tuple[np.ndarray, int]:
    tf = oracle.tf
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    graph = tf.Graph()
    with graph.as_default(), tf.compat.v1.Session(graph=graph, config=config) as session:
        global_step = tf.compat.v1.train.get_or_create_global_step()
        variables = [tf.Variable(p) for p in case.gradients.initial_params()]
        optimizer = make_v1(oracle, case, global_step)
        updates = [
            optimizer.apply_gradients(
                list(zip(_constants(tf, case.gradients, update), variables)),
                global_step=global_step,
            )
            for update in range(case.gradients.steps)
        ]
        session.run(tf.compat.v1.global_variables_initializer())
        rows = []
        for update in updates:
            session.run(update)
            rows.append(_row(session.run(variables)))
        counter = int(session.run(global_step))
    return np.stack(rows), counter

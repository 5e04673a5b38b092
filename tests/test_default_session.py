"""TF1 schedules in a default ``tf.compat.v1.Session``, where Grappler rewrites the graph.

The suite runs TF1 graphs with Grappler off, so that a graph computes what the source says. A
TF1 user's ``Session()`` runs Grappler, and its constant folding replaces a division by a
constant with a multiplication by the constant's float32 reciprocal (a node named
``ConstantFolding/..._recip``): ``exponential_decay``'s ``global_step / decay_steps``,
``cosine_decay_restarts``'s ``global_step / first_decay_steps`` and ``log(...) / log(t_mul)``
then round differently (docs/schedules/compat_v1.md). These tests
run live TensorFlow in the default configuration (an empty ``ConfigProto``, what a fresh
process's ``Session()`` gets) and assert what the docs say: which Grappler pass changes the
values, and that with that pass alone turned off the values are the reference's, to the bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from conformance.oracles.tensorflow import tensorflow
from reference import compat_v1

ORACLE = tensorflow()
pytestmark = pytest.mark.skipif(ORACLE is None, reason="TensorFlow is not installed")

STEPS = np.arange(200)
RESTARTS = dict(learning_rate=0.01, first_decay_steps=20)
EXPONENTIAL = dict(learning_rate=0.01, decay_steps=10, decay_rate=0.9)


def _session_values(function: str, params: dict, rewrite: dict | None = None):
    """The schedule's value at each of STEPS in a Session whose RewriterConfig is the default
    one, changed by ``rewrite`` (field -> value); and the names of the graph's nodes as run."""
    tf = ORACLE.tf
    tf1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        step = tf1.train.get_or_create_global_step()
        learning_rate = getattr(tf1.train, function)(global_step=step, **params)
        config = tf1.ConfigProto()
        for name, value in (rewrite or {}).items():
            setattr(config.graph_options.rewrite_options, name, value)
        metadata = tf1.RunMetadata()
        with tf1.Session(graph=graph, config=config) as session:
            session.run(tf1.global_variables_initializer())
            session.run(
                learning_rate,
                options=tf1.RunOptions(output_partition_graphs=True),
                run_metadata=metadata,
            )
            values = []
            for s in STEPS:
                step.load(s, session)
                values.append(session.run(learning_rate))
            values = np.array(values)
    nodes = [node.name for part in metadata.partition_graphs for node in part.node]
    return values.astype(np.float32), nodes


def _reference(function: str, params: dict) -> np.ndarray:
    return np.asarray(
        getattr(compat_v1, function)(global_step=STEPS, **params, dtype="float32"), np.float32
    )


def _off():
    from tensorflow.core.protobuf import rewriter_config_pb2

    return rewriter_config_pb2.RewriterConfig.OFF


SCHEDULES = [("cosine_decay_restarts", RESTARTS), ("exponential_decay", EXPONENTIAL)]


@pytest.mark.parametrize("function, params", SCHEDULES)
def test_default_session_folds_divisions_into_reciprocals(function, params):
    default, nodes = _session_values(function, params)
    reference = _reference(function, params)
    assert any(name.startswith("ConstantFolding/") and "_recip" in name for name in nodes)
    assert (default != reference).any(), f"Grappler no longer changes {function}: update the docs"
    # The size the docs state: within 1e-6 of the initial learning rate (a few ULPs; more
    # where cosine_decay_restarts nears 0 at the end of a period).
    assert np.max(np.abs(default - reference)) < 1e-6 * params["learning_rate"]


@pytest.mark.parametrize("function, params", SCHEDULES)
def test_constant_folding_alone_is_the_cause(function, params):
    without_folding, nodes = _session_values(function, params, {"constant_folding": _off()})
    assert not any(name.startswith("ConstantFolding/") for name in nodes)
    np.testing.assert_array_equal(without_folding, _reference(function, params), strict=True)
    # Another pass alone off still gives the folded values.
    default, _ = _session_values(function, params)
    arithmetic_off, _ = _session_values(function, params, {"arithmetic_optimization": _off()})
    np.testing.assert_array_equal(arithmetic_off, default, strict=True)

"""``tf.compat.v1.train`` reproduced with optax.

The decay functions (signatures: :mod:`conformance.targets.tf_api`) give the value at
``global_step`` of the optax schedule that :mod:`conformance.targets.optax.recipes` chooses for
the same arguments (``learning_rate`` is ``initial_learning_rate`` there). The optimizers are
the optax transformations below, with TF1's signatures and step counter.
"""

from __future__ import annotations

import optax

from conformance.targets import tf_api
from conformance.targets.optax import optimizers, recipes
from conformance.targets.optax._driver import OptaxSchedule

globals().update(tf_api.compat_v1_decays(OptaxSchedule, recipes, generator="JAX"))


class AdamOptimizer(tf_api.AdamOptimizer, optimizers.Adam):
    """``tf.compat.v1.train.AdamOptimizer`` as ``optax.adam`` (epsilon after the bias
    correction in optax, before it in TF)."""


class RMSPropOptimizer(tf_api.RMSPropOptimizer, optimizers.RMSprop):
    """``tf.compat.v1.train.RMSPropOptimizer`` as ``optax.rmsprop(..., initial_scale=1.0)``:
    the mean square starts at 1, as TF1's does."""

    label = "optax.rmsprop(initial_scale=1.0)"

    def _options(self) -> dict:
        return {**super()._options(), "initial_scale": 1.0}


class GradientDescentOptimizer(tf_api.GradientDescentOptimizer, optimizers.OptaxOptimizer):
    """``tf.compat.v1.train.GradientDescentOptimizer`` as ``optax.sgd``."""

    label = "optax.sgd"

    def _transformation(self, learning_rate) -> optax.GradientTransformation:
        return optax.sgd(learning_rate)

"""TensorFlow's schedules (Keras and tensorflow-addons) reproduced with optax schedules.

``conformance.targets.optax.schedules.X(*TF arguments, dtype=..., flavor=...)``, one class per
TF schedule with TF's signature (:mod:`conformance.targets.tf_api`), builds the recipe that
:mod:`conformance.targets.optax.recipes` chooses for the arguments: ``recipes.x`` says which
optax schedule reproduces schedule ``X`` (``optax.polynomial_schedule`` for a
``PolynomialDecay`` without ``cycle``, ...). Calling it with steps evaluates the schedule at the
counts (see :mod:`conformance.targets.optax._driver`).
"""

from __future__ import annotations

from conformance.targets import tf_api
from conformance.targets.optax import recipes
from conformance.targets.optax._driver import OptaxSchedule

globals().update(tf_api.keras_schedules(OptaxSchedule, recipes, module=__name__))

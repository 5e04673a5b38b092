"""TensorFlow's schedules (Keras and tensorflow-addons) reproduced with PyTorch schedulers.

``conformance.targets.pytorch.schedules.X(*TF arguments, dtype=..., flavor=...)``, one class per
TF schedule with TF's signature (:mod:`conformance.targets.tf_api`), builds the recipe that
:mod:`conformance.targets.pytorch.recipes` chooses for the arguments: ``recipes.x`` says which
scheduler reproduces schedule ``X`` (``StepLR`` for a staircase ``ExponentialDecay``, ...).
Calling it with steps drives the scheduler (see :mod:`conformance.targets.pytorch._driver`).
"""

from __future__ import annotations

from conformance.targets import tf_api
from conformance.targets.pytorch import recipes
from conformance.targets.pytorch._driver import TorchSchedule

globals().update(tf_api.keras_schedules(TorchSchedule, recipes, module=__name__))

"""TensorFlow's schedules (and Adam/RMSprop) reproduced with optax, laid out like
:mod:`reference`, so that the suite can check it: ``--target conformance.targets.optax``.

Each TF API is reproduced in the closest way optax allows: an optax schedule where one computes
the same function, a function of the count in ``jax.numpy`` where none does
(:mod:`~conformance.targets.optax.recipes` chooses), evaluated as ``optax.scale_by_schedule``
evaluates it (:mod:`~conformance.targets.optax._driver`). Running the verdict on it gives the
optax half of the migration table (docs/migration.md). Needs the ``optax`` extra.
"""

import optax

__version__ = optax.__version__

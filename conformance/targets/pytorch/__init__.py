"""TensorFlow's schedules (and Adam/RMSprop) reproduced with PyTorch, laid out like
:mod:`reference`, so that the suite can check it: ``--target conformance.targets.pytorch``.

Each TF API is reproduced in the closest way PyTorch allows: a built-in
``torch.optim.lr_scheduler`` where one computes the same function, ``LambdaLR`` where none does
(:mod:`~conformance.targets.pytorch.recipes` chooses), driven as a training loop drives it
(:mod:`~conformance.targets.pytorch._driver`). Running the verdict on it gives the PyTorch half
of the migration table (``python -m conformance.targets.migration_table``, docs/migration.md).
Needs the ``torch`` extra.
"""

import torch

__version__ = torch.__version__

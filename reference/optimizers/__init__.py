"""Reference optimizers: Adam and RMSprop in every TensorFlow flavour, as pure functions of numpy
arrays (``opt.init(params)``, ``opt.step(grads, params, state)``).

``tf.keras.optimizers.Adam`` (Keras 2.11+ and Keras 3) is ``reference.optimizers.Adam``
(``AdamW`` and ``RMSprop`` likewise; the options they share, in TensorFlow's order:
:mod:`reference.optimizers._keras`);
``tf.keras.optimizers.legacy.Adam`` is ``reference.optimizers.legacy.Adam``;
``tf.compat.v1.train.AdamOptimizer`` is ``reference.compat_v1.AdamOptimizer``.
"""

from reference.optimizers import legacy
from reference.optimizers._optimizer import KERAS_FLAVORS, IndexedSlices, Optimizer
from reference.optimizers.adam import Adam, AdamW
from reference.optimizers.rmsprop import RMSprop

__all__ = ["KERAS_FLAVORS", "Adam", "AdamW", "IndexedSlices", "Optimizer", "RMSprop", "legacy"]

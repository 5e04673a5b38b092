"""lr-conformance's reference: TensorFlow's learning-rate schedules and optimizers, in numpy.

``reference.schedules`` mirrors ``tf.keras.optimizers.schedules`` (and tensorflow-addons'
cyclical schedules), ``reference.compat_v1`` mirrors ``tf.compat.v1.train``. Every object takes
``dtype="float64"`` (the exact formula) or ``dtype="float32"`` (TensorFlow's arithmetic, op by op).
This package needs numpy only and never imports TensorFlow.
"""

__version__ = "0.2.0"

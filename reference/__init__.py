"""lr-conformance's reference: TensorFlow's learning-rate schedules and optimizers, in numpy.

``reference.schedules`` mirrors ``tf.keras.optimizers.schedules`` (and tensorflow-addons'
cyclical schedules), ``reference.compat_v1`` mirrors ``tf.compat.v1.train``,
``reference.optimizers`` the Keras optimizers. Every object takes ``dtype="float64"`` (the exact
formula) or ``dtype="float32"`` (TensorFlow's arithmetic, op by op). This package needs numpy
only and never imports TensorFlow.

``float32_kernels`` and ``current_float32_kernels`` are the kernels hook of the conformance
contract (docs/contract.md): the suite plugs TensorFlow's own float32 kernels (an object of the
protocol ``Float32Kernels``) in, to check the vector path to the bit. ``TensorSteps`` (made by
``tensor_steps``) marks a step that stands for a TensorFlow tensor, as an optimizer passes it.
``LR_CONFORMANCE_ELEMENTWISE`` declares that a schedule called on an array of steps gives what
it gives called on each step alone (numpy, element by element, with the C library's
transcendentals unless the hook plugs others in), so that the suite's scalar path may call it
once on all its steps.
"""

from reference._arith import (
    Float32Kernels,
    TensorSteps,
    current_float32_kernels,
    float32_kernels,
    tensor_steps,
)

__version__ = "0.3.0"

LR_CONFORMANCE_ELEMENTWISE = True

__all__ = [
    "LR_CONFORMANCE_ELEMENTWISE",
    "Float32Kernels",
    "TensorSteps",
    "current_float32_kernels",
    "float32_kernels",
    "tensor_steps",
]

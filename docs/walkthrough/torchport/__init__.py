"""A PyTorch port of one Keras 3 training setup, laid out as lr-conformance expects
a target to be.

The TensorFlow code it replaces::

    schedule = keras.optimizers.schedules.ExponentialDecay(
        1e-3, decay_steps=25, decay_rate=0.95, staircase=True)
    optimizer = keras.optimizers.Adam(learning_rate=schedule)

Check it with
``python -m conformance check --target torchport --api ExponentialDecay Adam``.
"""

import torch

__version__ = "0.1"

# TensorFlow's CPU kernels flush float32 results below 2**-126 (subnormal numbers)
# to zero; so must every computation of this port.
torch.set_flush_denormal(True)

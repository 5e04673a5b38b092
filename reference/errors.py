"""Exceptions that mirror TensorFlow's own, so that bad input fails the same way.

The reference never imports TensorFlow, so it cannot raise ``tf.errors.InvalidArgumentError``
itself; it raises this class of the same name. The conformance suite compares exception classes
by name (``ValueError`` with ``ValueError``, ``InvalidArgumentError`` with
``tf.errors.InvalidArgumentError``).
"""


class InvalidArgumentError(Exception):
    """What TensorFlow raises when a kernel receives operands it cannot compute with."""


class UnimplementedError(Exception):
    """What TensorFlow raises for an operation it has no kernel for, such as casting a string
    to a number (``tf.errors.UnimplementedError``)."""

"""A port that computes ExponentialDecay in float64 and rounds once to float32 (as PyTorch's
schedulers do): the same function as TensorFlow's, more accurate than its float32 arithmetic,
and keeping the float32 subnormals TensorFlow flushes to zero. Its verdict must say
"rounding", closer to the exact value than TensorFlow, with a flush-to-zero hint."""

__version__ = "0.0.0-rounded-once"

LR_CONFORMANCE_ELEMENTWISE = True

"""A minimal target, written from docs/contract.md alone ("A minimal target"): one
TF1 decay function and the TF1 gradient-descent optimizer, with sparse gradients."""

__version__ = "1.0"

# Calling inverse_time_decay on an array of steps gives, element by element, what
# calling it on each step gives: the scalar path may call it once on all its steps.
LR_CONFORMANCE_ELEMENTWISE = True

"""lr-conformance's suite: checks an implementation of TensorFlow's learning-rate schedules
against TensorFlow, step by step, under a tolerance stated in float32 ULPs.

``pytest --pyargs conformance`` runs it; ``python -m conformance check`` prints the report.
"""

__version__ = "0.3.0"

"""The conformance suite a porter runs: ``pytest --pyargs conformance --target PKG
[--against vectors [--tf-version X.Y.Z]]``.

Every test here checks the target (the reference unless ``--target``) against the oracle
(live TensorFlow unless ``--against vectors``) through :mod:`conformance.check` and
:func:`conformance.run.run_check`, the same code as ``python -m conformance check``. The project's
own tests (the reference's self-tests, the harness's meta-tests, mutants, the command line) live
in the repository's top-level ``tests/``, not here.
"""

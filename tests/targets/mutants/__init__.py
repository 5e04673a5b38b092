"""Deliberately wrong ports, each a package laid out like :mod:`reference` that imports the
reference and breaks one piece, the way a port goes wrong. ``test_mutants`` runs
``python -m conformance check`` on each and asserts that the broken API, and only it, fails.

============================  ====================================  ===========================
package                       what is wrong                         API that must fail
============================  ====================================  ===========================
``boundary_off_by_one``       every boundary moved one step early   schedules.PiecewiseConstantDecay
``staircase_rounds``          ``round(step / decay_steps)``         schedules.ExponentialDecay
``polynomial_no_step0_guard`` cycle without TF's step-0 guard       schedules.PolynomialDecay
``schedule_read_late``        learning rate read at step + 1        optimizers.legacy.Adam
``adam_epsilon_standard``     epsilon added after bias correction   optimizers.Adam
``rmsprop_mean_square_ones``  mean square starts at 1, not 0        optimizers.RMSprop
============================  ====================================  ===========================

Every mutant also offers the kernels hook (the reference's ``float32_kernels``, so that the suite
can plug TensorFlow's vector kernels in) and re-exports the reference where it is not broken.
They are importable as ``mutants.<name>`` with ``tests/targets`` on the path (tests/conftest.py
puts it there; from a shell: ``PYTHONPATH=tests/targets``).
"""

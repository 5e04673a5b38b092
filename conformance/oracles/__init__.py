"""Oracles: where the expected outcomes come from.

An oracle answers for every API of the catalogue (schedules and optimizers alike) through one
protocol, :class:`Oracle`; the check machinery (:mod:`conformance.check`) knows nothing else of
it. Two exist: live TensorFlow (:class:`conformance.oracles.tensorflow.TensorFlow`) and the
golden vectors, TensorFlow's frozen outcomes (:class:`conformance.oracles.vectors.Vectors`).

An :class:`EntryPoint` is one way TensorFlow offers an API (``tf.keras``, ``tf_keras``,
``tfa``, ``compat_v1.eager``, ``compat_v1.graph``; for optimizers also ``tf.keras.legacy`` and
``tf_keras.legacy``), with the reference flavour that mirrors it. Which keys an API can have is
:mod:`conformance.registry`'s to say; which of them exist is the oracle's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from conformance.cases import Case, OptimizerCase
from conformance.outcome import Outcome, Trajectory
from reference import Float32Kernels


@dataclass(frozen=True)
class EntryPoint:
    #: ``tf.keras``, ``tf_keras``, ``tfa``, ``compat_v1.eager``, ``compat_v1.graph``,
    #: ``tf.keras.legacy``, ``tf_keras.legacy``.
    key: str
    #: For people: ``tf.keras (Keras 3.15.1)``.
    label: str
    #: The reference flavour that mirrors it: ``keras3``, ``keras2``, ``compat_v1`` (schedules
    #: and decay functions), ``legacy`` (optimizers), or ``None`` (tensorflow-addons: one
    #: flavour).
    flavor: str | None


class Oracle(Protocol):
    """What the check machinery asks of an oracle."""

    #: For people: ``TensorFlow 2.21.0``, ``golden vectors tf-2.21.0``.
    name: str
    #: ``tf`` or ``vectors`` (the ``--against`` value that chose it).
    against: str
    #: TensorFlow's float32 SIMD kernels (the protocol ``reference.Float32Kernels``), to plug
    #: into a target's vector path; None where the oracle holds none (the vectors), which makes
    #: those checks not applicable.
    kernels: Float32Kernels | None

    def versions(self) -> dict[str, str]:
        """What the expected values depend on: library -> version."""

    def entry_points(self, api: str) -> list[EntryPoint]:
        """The entry points that have ``api`` here (empty: the API cannot be checked)."""

    def missing_reason(self, api: str) -> str:
        """Why ``api`` has no entry point here."""

    def restrict(self, case: Case, entry: EntryPoint) -> Case:
        """The case on the steps the oracle can give (all of them, live)."""

    def prefetch(self, requests: Iterable[tuple[Case | OptimizerCase, EntryPoint, str]]) -> None:
        """Evaluate many ``(case, entry, path)`` up front (only faster: the values are what
        :meth:`evaluate` gives one by one; ``path`` ``"trajectory"``: an optimizer case, what
        :meth:`trajectory` gives). May do nothing."""

    def evaluate(self, case: Case, entry: EntryPoint, path: str) -> Outcome:
        """The outcome of a schedule case at its steps, on the ``"vector"`` or ``"scalar"``
        path."""

    def call_source(self, case: Case, entry: EntryPoint) -> str:
        """The oracle's side of a schedule reproducer: TensorFlow's call, or where the stored
        outcome is."""

    def trajectory(self, case: OptimizerCase, entry: EntryPoint) -> Trajectory:
        """The parameters after every update of an optimizer case (or after the stored ones:
        ``Trajectory.rows``), with the call that produced them."""

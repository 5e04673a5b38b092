"""Work shared with worker processes from the two ends of a plan.

This process asks for results in the order of its plan (the checks, one after another). Worker
processes are given the same work from the plan's end; when this process asks for a result that
no worker has started, it cancels that task and computes it itself instead of waiting. The two
sides meet in the middle: neither waits for the other (a worker's interpreter, numpy and, for
TensorFlow's helper, TensorFlow itself take seconds to start), and as each result is a pure
function of its inputs, it is the same whichever process computes it.

Used for the reference's trajectories (:func:`conformance.optimizer_check.prefetch_reference`)
and for TensorFlow's answers to the bad-input catalogue (:mod:`conformance.oracles.tensorflow`).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Hashable, Mapping


class SharedPlan:
    """The tasks given to worker processes, by key, until this process takes them."""

    def __init__(self) -> None:
        self._futures: dict[Hashable, concurrent.futures.Future] = {}
        self._chunks: dict[concurrent.futures.Future, list[Hashable]] = {}

    def __contains__(self, key: Hashable) -> bool:
        return key in self._futures

    def __len__(self) -> int:
        """The tasks given and not taken."""
        return len(self._futures)

    def wait(self) -> None:
        """Until the workers have finished every task given and not taken."""
        concurrent.futures.wait(set(self._futures.values()))

    def give(
        self,
        pool: concurrent.futures.Executor,
        function: Callable[[list], list],
        work: Mapping[Hashable, tuple],
        chunk: int = 1,
    ) -> None:
        """Submit ``work`` (key: the arguments of one task, in the order this process will ask
        for them) to ``pool`` from its end, ``chunk`` tasks per call: ``function`` takes a list
        of argument tuples and returns their results in the same order. Keys already given are
        left as they are."""
        keys = [key for key in reversed(work) if key not in self._futures]
        for start in range(0, len(keys), chunk):
            keys_of_call = keys[start : start + chunk]
            future = pool.submit(function, [work[key] for key in keys_of_call])
            self._futures.update(dict.fromkeys(keys_of_call, future))
            self._chunks[future] = keys_of_call

    def take(self, key: Hashable):
        """The result a worker computed for ``key`` (waiting for it if it has started), or None
        for this process to compute: ``key`` was not given, no worker has started it (its
        call is cancelled, and the other tasks of that call are left to this process too), or
        the worker failed (then computing it here reports what happens)."""
        future = self._futures.pop(key, None)
        if future is None:
            return None
        keys_of_call = self._chunks[future]
        if future.cancel():
            for other in keys_of_call:
                self._futures.pop(other, None)
            del self._chunks[future]
            return None
        try:
            return future.result()[keys_of_call.index(key)]
        except Exception:  # noqa: BLE001 - computed here instead, where it raises as it would
            return None

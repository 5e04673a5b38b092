"""Keras 3 on another backend as the oracle (:class:`conformance.oracles.Oracle`): standalone
``keras`` with ``KERAS_BACKEND`` set to ``jax``, ``torch``, ``numpy`` or ``tensorflow``, chosen
with ``--against keras-jax`` (``keras-torch``, ``keras-numpy``, ``keras-tensorflow``).

People leave TensorFlow through Keras 3: the same ``keras.optimizers.schedules.*`` and
``keras.optimizers.Adam`` source, computed by another backend's kernels. This oracle answers
for the APIs Keras 3 has (its schedules and optimizers; not ``tf.compat.v1``, the legacy
optimizers or tensorflow-addons), on one entry point, ``keras``, which mirrors the reference's
``keras3`` flavour.

Keras chooses its backend once per process, when it is first imported, and ``KERAS_BACKEND=jax``
turns even ``tf.keras`` into Keras on JAX. So the backend runs in a worker process of its own
(:mod:`conformance.oracles.keras3_worker`, which says what each backend evaluates on each path),
started with the backend's environment and asked for whole batches over a pipe: a live
TensorFlow oracle in this process never sees the backend, and the backend never sees
TensorFlow's. One worker per oracle (two for torch, whose scalar path runs in a worker with
ATen's scalar kernels); :meth:`Keras3.close` ends them, and they end with this process anyway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

import conformance
from conformance import registry
from conformance.cases import Case, LearningRateSpec, OptimizerCase
from conformance.oracles import EntryPoint
from conformance.oracles.keras3_worker import BACKEND_PACKAGES, receive, send
from conformance.outcome import Outcome, Trajectory
from conformance.source import Call, format_kwargs, kwargs, steps_repr
from conformance.vectors import format as vf

#: The Keras 3 backends, by their ``--against`` name.
BACKENDS: dict[str, str] = {f"keras-{name}": name for name in BACKEND_PACKAGES}

#: The Keras release the backend oracles and their vector sets are pinned to (tox.ini).
KERAS_VERSION = "3.15.1"

#: The key of the one entry point a backend has: standalone ``keras``.
ENTRY_KEY = "keras"

#: A scalar path that the backend evaluates one call per step (a schedule that cannot take a
#: step array: CosineDecay's warmup on numpy and torch) is checked on :meth:`Case.sampled`
#: steps above this many.
PER_STEP_LIMIT = 4096

#: At most this many evaluations go to a worker in one message.
BATCH = 64


class BackendError(Exception):
    """The backend does not load, or its worker failed: one line, for a usage error."""


class Worker:
    """A worker process (:mod:`conformance.oracles.keras3_worker`) running one backend."""

    def __init__(self, backend: str, environment: dict[str, str] | None = None) -> None:
        self.backend = backend
        env = dict(os.environ)
        # The backend's defaults, whatever this shell says: no 64-bit JAX, no user keras.json
        # (which may set floatx), no GPU probing, no TensorFlow log lines.
        env.pop("JAX_ENABLE_X64", None)
        self._home = tempfile.TemporaryDirectory(prefix="lr-conformance-keras-")
        env.update(
            KERAS_BACKEND=backend,
            KERAS_HOME=self._home.name,
            JAX_PLATFORMS="cpu",
            CUDA_VISIBLE_DEVICES="",
            TF_CPP_MIN_LOG_LEVEL="3",
            PYTHONPATH=os.pathsep.join(
                filter(None, [str(Path(conformance.__file__).parent.parent), env.get("PYTHONPATH")])
            ),
        )
        env.update(environment or {})
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "conformance.oracles.keras3_worker", backend],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
        )
        self.hello: dict = self._answer()

    def ask(self, command: str, argument):
        try:
            send(self.process.stdin, (command, argument))
        except (BrokenPipeError, OSError):
            pass  # the answer's EOFError says why
        return self._answer()

    def _answer(self):
        try:
            status, value = receive(self.process.stdout)
        except EOFError:
            self.process.wait()
            raise BackendError(
                f"the keras {self.backend} worker ended (exit status "
                f"{self.process.returncode}): {self._last_line()}"
            ) from None
        if status == "error":
            raise BackendError(f"keras on {self.backend}: {value}")
        return value

    def _last_line(self) -> str:
        self._log.seek(0)
        lines = [line for line in self._log.read().decode(errors="replace").splitlines() if line]
        return lines[-1] if lines else "no message"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self._log.close()
        self._home.cleanup()


class RemoteKernels:
    """The backend's float32 kernels (the protocol ``reference.Float32Kernels``), computed in
    its worker on the whole array, as a schedule's op computes them."""

    def __init__(self, worker: Callable[[], Worker], name: str, path: str = "vector") -> None:
        self._worker = worker
        self.name = name
        self.path = path

    def _call(self, name: str, *args) -> np.ndarray:
        arrays = [np.asarray(a, np.float32) for a in args]
        return self._worker().ask("kernel", (name, self.path, arrays))

    def cos(self, x):
        return self._call("cos", x)

    def exp(self, x):
        return self._call("exp", x)

    def log(self, x):
        return self._call("log", x)

    def pow(self, x, y):
        return self._call("pow", x, y)

    def rsqrt(self, x):
        return self._call("rsqrt", x)


class Keras3:
    """Standalone Keras 3 on one backend, in a worker process."""

    def __init__(self, backend: str) -> None:
        if backend not in BACKEND_PACKAGES:
            raise BackendError(f"unknown Keras backend {backend!r}")
        self.backend = backend
        self.against = f"keras-{backend}"
        #: The directory name of this backend's golden vectors.
        self.vector_set = self.against
        self._worker = Worker(backend)
        self._scalar_worker: Worker | None = None
        hello = self._worker.hello
        self._versions: dict[str, str] = hello["versions"]
        self._schedules = set(hello["schedules"])
        self._optimizers = set(hello["optimizers"])
        self.keras_version = self._versions["keras"]
        self.name = f"Keras {self.keras_version} on {self._backend_label()}"
        self.entry = EntryPoint(
            ENTRY_KEY, f"keras {self.keras_version} ({self._backend_label()})", "keras3"
        )
        self.kernels = RemoteKernels(lambda: self._worker, hello["kernels"])
        #: The kernels of the scalar path (each step alone), for measurements: XLA's scalar
        #: code in a jitted loop, ATen's scalar code, numpy's, or the C library TensorFlow's
        #: scalar code calls.
        self.scalar_kernels = RemoteKernels(
            self._scalar if backend == "torch" else lambda: self._worker,
            f"{hello['kernels']}, scalar path",
            "scalar",
        )
        self._outcomes: dict[tuple, Outcome] = {}
        self._trajectories: dict[str, Trajectory] = {}
        self._takes_vector: dict[str, bool] = {}

    def _backend_label(self) -> str:
        packages = BACKEND_PACKAGES[self.backend]
        if not packages:
            return f"numpy {self._versions['numpy']}"
        return f"{packages[0]} {self._versions[packages[0]]}"

    def close(self) -> None:
        """End the worker processes (the oracle cannot evaluate anything afterwards)."""
        if _STARTED.get(self.against) is self:
            del _STARTED[self.against]
        for worker in (self._worker, self._scalar_worker):
            if worker is not None:
                worker.close()

    # -- what exists ----------------------------------------------------------------------

    def versions(self) -> dict[str, str]:
        return dict(self._versions)

    def entry_points(self, api: str) -> list[EntryPoint]:
        if api not in registry.names():
            return []
        record = registry.get(api)
        if record.origin is registry.KERAS and record.short in self._schedules:
            return [self.entry]
        if record.origin is registry.KERAS_OPTIMIZER and record.short in self._optimizers:
            return [self.entry]
        return []

    def missing_reason(self, api: str) -> str:
        if api in registry.names():
            record = registry.get(api)
            if record.origin not in (registry.KERAS, registry.KERAS_OPTIMIZER):
                return f"Keras 3 has no {api}: it is TensorFlow's ({record.origin.versions})"
        return f"keras {self.keras_version} has no {api}"

    def restrict(self, case: Case, entry: EntryPoint) -> Case:
        """Every step, except where the backend evaluates the scalar path one call per step
        and the case has more than PER_STEP_LIMIT steps: then its sampled steps."""
        if len(case.steps) <= PER_STEP_LIMIT or self.backend in ("jax", "tensorflow"):
            return case
        if case.id not in self._takes_vector:
            self._takes_vector[case.id] = self._worker.ask("takes_vector", [case])[0]
        return case if self._takes_vector[case.id] else case.sampled()

    # -- evaluation -----------------------------------------------------------------------

    def evaluate(self, case: Case, entry: EntryPoint, path: str) -> Outcome:
        key = _cache_key(case, path)
        if key not in self._outcomes:
            self.prefetch([(case, entry, path)])
        return self._outcomes[key]

    def prefetch(self, requests: Iterable[tuple[Case | OptimizerCase, EntryPoint, str]]) -> None:
        """Evaluate many ``(case, entry, path)`` in the worker, BATCH to a message (a
        trajectory's whole loop runs in the worker)."""
        pending: dict[tuple, tuple[Case, str]] = {}
        trajectories: dict[str, OptimizerCase] = {}
        for case, _, path in requests:
            if path == "trajectory":
                if case.id not in self._trajectories:
                    trajectories[case.id] = case
                continue
            key = _cache_key(case, path)
            if key not in self._outcomes and key not in pending:
                pending[key] = (case, path)
        by_worker: dict[str, list[tuple]] = {}
        for key, (_case, path) in pending.items():
            by_worker.setdefault(self._worker_for(path), []).append(key)
        for which, keys in by_worker.items():
            worker = self._scalar() if which == "scalar" else self._worker
            for start in range(0, len(keys), BATCH):
                batch = keys[start : start + BATCH]
                outcomes = worker.ask("evaluate", [pending[key] for key in batch])
                self._outcomes.update(zip(batch, outcomes))
        cases = list(trajectories.values())
        for start in range(0, len(cases), BATCH):
            batch = cases[start : start + BATCH]
            for case, run in zip(batch, self._worker.ask("trajectories", batch)):
                run.call = self._optimizer_source(case)
                self._trajectories[case.id] = run

    def _worker_for(self, path: str) -> str:
        return "scalar" if path == "scalar" and self.backend == "torch" else "main"

    def _scalar(self) -> Worker:
        """torch's scalar path: a worker whose ATen dispatches to its default (non-SIMD) CPU
        capability, so that every element of an array takes the scalar code a 0-d tensor
        takes (measured equal, step by step, in tests/test_backends.py)."""
        if self._scalar_worker is None:
            self._scalar_worker = Worker(self.backend, {"ATEN_CPU_CAPABILITY": "default"})
        return self._scalar_worker

    def call_source(self, case: Case, entry: EntryPoint) -> str:
        shown = format_kwargs(case.params)
        steps = steps_repr(case.steps)
        return (
            f"keras.optimizers.schedules.{case.family}({shown})"
            f"(keras.ops.convert_to_tensor({steps}))  # KERAS_BACKEND={self.backend}, "
            f"keras {self.keras_version}"
        )

    # -- reproducers (conformance.reproducer) ----------------------------------------------

    def _preamble(self) -> list[str]:
        return [
            "import os",
            f"os.environ['KERAS_BACKEND'] = {self.backend!r}  # before keras is first imported",
        ]

    def schedule_program(self, case: Case, check) -> tuple[list[str], list[str]]:
        """``def tensorflow(step)`` (the oracle's side, under the reproducer's name): the
        schedule on this backend, and the statements it needs."""
        call = Call(f"keras.optimizers.schedules.{case.family}", tuple(kwargs(case.params)))
        how = (
            "# The check's scalar path runs jax.jit(lax.map(schedule)): one eager call per step "
            "can differ."
            if check.path == "scalar" and self.backend == "jax"
            else f"# keras {self.keras_version} on {self.backend}, as the check calls it."
        )
        return [
            "",
            "",
            "def tensorflow(step):",
            f"    {how}",
            "    import keras",
            "",
            call.render(4, "    schedule = "),
            "    return keras.ops.convert_to_numpy(schedule(keras.ops.convert_to_tensor(step)))",
        ], self._preamble()

    def trajectory_program(self, case: OptimizerCase, check) -> tuple[list[str], list[str]]:
        """``def tensorflow()``: the parameters after UPDATES updates of ``optimizer.apply``
        on this backend (the check's jax runs them in one jitted scan)."""
        rate = case.learning_rate
        if isinstance(rate, LearningRateSpec):
            schedule = Call(
                f"keras.optimizers.schedules.{rate.api.split('.', 1)[1]}",
                tuple(kwargs(rate.params)),
            )
            rate_argument = ("learning_rate=", schedule)
        else:
            rate_argument = f"learning_rate={rate!r}"
        built = Call(f"keras.optimizers.{case.family}", (rate_argument, *kwargs(case.params)))
        return [
            "def tensorflow():  # keras on " + self.backend + ", optimizer.apply per update",
            "    import keras",
            "",
            built.render(4, "    optimizer = "),
            "    variables = [keras.Variable(p.astype(np.float32)) for p in "
            "GRADIENTS.initial_params()]",
            "    optimizer.build(variables)",
            "    columns = GRADIENTS.split(GRADIENTS.columns().astype(np.float32))",
            "    for t in range(UPDATES):",
            "        optimizer.apply([keras.ops.convert_to_tensor(c[t]) for c in columns], "
            "variables)",
            "    values = [np.ravel(keras.ops.convert_to_numpy(v)) for v in variables]",
            "    return np.concatenate(values).astype(np.float64)",
        ], self._preamble()

    def trajectory(self, case: OptimizerCase, entry: EntryPoint) -> Trajectory:
        if case.id not in self._trajectories:
            self.prefetch([(case, entry, "trajectory")])
        return self._trajectories[case.id]

    def _optimizer_source(self, case: OptimizerCase) -> str:
        lr = case.learning_rate
        if isinstance(lr, LearningRateSpec):
            lr = f"keras.optimizers.schedules.{lr.api.split('.', 1)[1]}({format_kwargs(lr.params)})"
        arguments = ", ".join(
            [f"learning_rate={lr}", *(f"{k}={v!r}" for k, v in case.params.items())]
        )
        how = (
            "one jitted lax.scan of stateless_apply"
            if self.backend == "jax"
            else "apply() update by update"
        )
        return (
            f"keras.optimizers.{case.family}({arguments}), {how}, KERAS_BACKEND={self.backend}"
            f"  # {case.gradients}"
        )


def _cache_key(case: Case, path: str) -> tuple:
    # A sampled case shares its id with the full one: the steps are part of the key.
    return (case.id, path, case.steps.tobytes())


#: The backend oracles started in this process, until closed.
_STARTED: dict[str, Keras3] = {}


def keras3(against: str) -> Keras3:
    """The backend oracle ``keras-jax`` (``keras-torch``, ...), started once per process (until
    :meth:`Keras3.close`); :class:`BackendError` where the backend does not load here."""
    if against not in BACKENDS:
        raise BackendError(f"unknown oracle {against!r}; Keras 3 backends: {', '.join(BACKENDS)}")
    if against not in _STARTED:
        try:
            _STARTED[against] = Keras3(BACKENDS[against])
        except BackendError as error:
            raise BackendError(
                f"{against}: {error} (install keras=={KERAS_VERSION} and the backend, or run "
                f"tox -e {against})"
            ) from None
    return _STARTED[against]


def load(against: str, usage_error: type[Exception]):
    """The oracle of an ``--against`` / ``--oracle`` value other than ``tf`` and ``vectors``:
    a Keras 3 backend (``keras-jax``, ...), or a frozen set (``vectors:SET``, see
    :func:`conformance.oracles.vector_sets.load`); ``usage_error`` (one line) for anything
    else, or where the backend does not load here."""
    if against.startswith("vectors:"):
        from conformance.oracles import vector_sets

        try:
            return vector_sets.load(against.split(":", 1)[1])
        except vf.VectorError as error:
            raise usage_error(str(error)) from error
    if against not in BACKENDS:
        raise usage_error(
            f"unknown oracle {against!r}: tf, vectors, vectors:SET or one of {', '.join(BACKENDS)}"
        )
    try:
        return keras3(against)
    except BackendError as error:
        raise usage_error(str(error)) from error

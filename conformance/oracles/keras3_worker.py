"""The process that runs one Keras 3 backend for :mod:`conformance.oracles.keras3`:
``python -m conformance.oracles.keras3_worker BACKEND``.

Keras 3 picks its backend once, when ``keras`` is first imported, from ``KERAS_BACKEND``; with
``KERAS_BACKEND=jax`` set, even ``tf.keras`` inside TensorFlow is Keras on JAX. A backend oracle
therefore never imports ``keras`` in the process that may hold live TensorFlow: it starts this
worker with the backend chosen, and asks it questions over a pipe (length-prefixed pickles; both
ends are this package). Library output goes to standard error; standard output carries only the
answers.

What each backend evaluates, per path (the measurements behind each choice are in
``tests/test_backends.py`` and ``docs/versions.md``):

=============  =====================================  =========================================
backend        vector path (one call, all steps)      scalar path (each step alone, as training)
=============  =====================================  =========================================
``jax``        eager call on the step array           ``jax.jit(lax.map(schedule))``: one
                                                      compiled loop of scalar steps, the
                                                      schedule's arguments constants, as in a
                                                      jitted train step
``torch``      eager call on the step tensor          the same call in a worker started with
                                                      ``ATEN_CPU_CAPABILITY=default``: ATen's
                                                      scalar code for every element, which is
                                                      what a 0-d step tensor gets
``numpy``      eager call on the step array           the same call: numpy's float32 kernels
                                                      give an element the same value at any
                                                      position, a 0-d array included
``tensorflow`` live TensorFlow's ``tf.keras`` entry point (:mod:`conformance.oracles.tensorflow`),
               which is standalone Keras 3 on the TensorFlow backend (the worker checks that
               the classes are the same objects)
=============  =====================================  =========================================

Where a schedule cannot take a step array (``ops.cond`` on a vector predicate: CosineDecay's
warmup on numpy and torch), the scalar path calls it one step at a time.

Steps are fed in the dtype an optimizer feeds them: its ``iterations`` variable's (int32 on
jax, numpy and torch, int64 on tensorflow) for int64 cases, float32 for float32 cases.

Optimizers run whole trajectories: on jax one jitted ``lax.scan`` of
``optimizer.stateless_apply`` (what Keras's JAX trainer calls inside its jitted step), on numpy
and torch ``optimizer.apply`` update by update. A sparse gradient (``tf.IndexedSlices`` in
TensorFlow) is given as the dense gradient that the same model's autodiff gives on these
backends: the rows' values added into zeros.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import pickle
import platform
import struct
import sys
import warnings
from typing import BinaryIO

import numpy as np

from conformance.cases import Case, LearningRateSpec, OptimizerCase, SparseGradients
from conformance.outcome import Outcome, Trajectory, error_name, per_step

#: The backends a worker can run, and the distributions whose versions its values depend on.
BACKEND_PACKAGES = {
    "jax": ("jax", "jaxlib"),
    "torch": ("torch",),
    "numpy": (),
    "tensorflow": ("tensorflow",),
}

_HEADER = struct.Struct("<Q")


def send(stream: BinaryIO, message) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def receive(stream: BinaryIO):
    """The next message, or EOFError when the other end has closed the pipe."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    size = _HEADER.unpack(header)[0]
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError
    return pickle.loads(payload)


class Backend:
    """What every backend shares: building Keras objects, the vector path, the kernels."""

    def __init__(self, name: str) -> None:
        self.name = name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import keras

        self.keras = keras
        self.ops = keras.ops
        if keras.backend.backend() != name:
            raise RuntimeError(f"keras runs on {keras.backend.backend()}, not {name}")
        probe = keras.optimizers.SGD(0.1)
        probe.build([keras.Variable(np.zeros(1, np.float32))])
        #: The dtype an optimizer feeds its schedule (its ``iterations`` variable's).
        self.iterations_dtype = str(probe.iterations.dtype)

    # -- what exists -------------------------------------------------------------------------

    def hello(self) -> dict:
        keras = self.keras
        versions = {"keras": keras.__version__, "backend": self.name}
        for package in BACKEND_PACKAGES[self.name]:
            versions[package] = importlib.metadata.version(package)
        versions["numpy"] = np.__version__
        versions["floatx"] = keras.config.floatx()
        versions["steps fed as"] = f"{self.iterations_dtype} (the optimizer's iterations)"
        # The values depend on the CPU the kernels were compiled for or dispatch on.
        versions["float32 kernels"] = self.kernels_name
        versions["cpu"] = cpu_model()
        return {
            "versions": versions,
            "schedules": sorted(n for n in dir(keras.optimizers.schedules) if n[:1].isupper()),
            "optimizers": sorted(n for n in dir(keras.optimizers) if n[:1].isupper()),
            "kernels": self.kernels_name,
        }

    kernels_name = ""

    # -- schedules ---------------------------------------------------------------------------

    def schedule(self, case: Case):
        cls = getattr(self.keras.optimizers.schedules, case.family)
        return cls(**case.built_params())

    def fed(self, case: Case) -> np.ndarray:
        """The case's steps as an optimizer of this backend feeds them."""
        dtype = self.iterations_dtype if case.step_dtype == "int64" else case.step_dtype
        return case.steps.astype(dtype)

    def call(self, schedule, steps: np.ndarray) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(
                self.ops.convert_to_numpy(schedule(self.ops.convert_to_tensor(steps)))
            )

    def evaluate(self, case: Case, path: str) -> Outcome:
        try:
            schedule = self.schedule(case)
        except Exception as error:  # noqa: BLE001 - the backend's exception is the result
            return Outcome(error=error_name(error), phase="construct", message=str(error))
        steps = self.fed(case)
        if path == "vector":
            return self.vector(schedule, steps)
        return self.scalar(schedule, steps)

    def vector(self, schedule, steps: np.ndarray) -> Outcome:
        try:
            return Outcome(values=self.call(schedule, steps))
        except Exception as error:  # noqa: BLE001
            return Outcome(error=error_name(error), phase="call", message=str(error))

    def scalar(self, schedule, steps: np.ndarray) -> Outcome:
        """Each step alone; by default one call on the array, which the backend's measurement
        shows to give each step what it gets alone, or step by step where the schedule cannot
        take an array."""
        outcome = self.vector(schedule, steps)
        if outcome.raised:
            return self.per_step(schedule, steps)
        return outcome

    def per_step(self, schedule, steps: np.ndarray) -> Outcome:
        return per_step(lambda step: self.call(schedule, step), steps)

    def takes_vector(self, case: Case) -> bool:
        """Whether the case's schedule takes an array of its first steps."""
        try:
            schedule = self.schedule(case)
        except Exception:  # noqa: BLE001 - the scalar path reports it
            return True
        return not self.vector(schedule, self.fed(case)[:3]).raised

    # -- kernels -----------------------------------------------------------------------------

    def kernel(self, name: str, path: str, *args: np.ndarray) -> np.ndarray:
        """One of the float32 kernels (cos, exp, log, pow, rsqrt) through ``keras.ops``, as a
        schedule's op computes it on ``path``: here one call on the whole array (which the
        scalar path's worker makes with its scalar code)."""
        function = self.function(name)
        tensors = [self.ops.convert_to_tensor(np.asarray(a, np.float32)) for a in args]
        return np.asarray(self.ops.convert_to_numpy(function(*tensors)), np.float32)

    def function(self, name: str):
        ops = self.ops
        return {
            "cos": ops.cos,
            "exp": ops.exp,
            "log": ops.log,
            "pow": ops.power,
            "rsqrt": ops.rsqrt,
        }[name]

    # -- optimizers --------------------------------------------------------------------------

    def optimizer(self, case: OptimizerCase):
        """The case's optimizer, built as TensorFlow's oracle builds ``tf.keras``'s
        (:func:`conformance.oracles.tensorflow_optimizers.make_keras_optimizer`): callables
        called, schedule specs made schedules."""
        keras = self.keras

        def built(value):
            if isinstance(value, LearningRateSpec):
                cls = getattr(keras.optimizers.schedules, value.api.split(".", 1)[1])
                return cls(**value.params)
            return value

        params = {k: built(v) for k, v in case.built_params().items()}
        learning_rate = built(case.built_learning_rate())
        return getattr(keras.optimizers, case.family)(learning_rate=learning_rate, **params)

    def trajectory(self, case: OptimizerCase) -> Trajectory:
        initial = [p.astype(np.float32) for p in case.gradients.initial_params()]
        gradients = [g.astype(np.float32) for g in dense_gradients(case)]
        try:
            optimizer = self.optimizer(case)
            variables = [self.keras.Variable(p) for p in initial]
            optimizer.build(variables)
            params = self.run(optimizer, variables, gradients)
        except Exception as error:  # noqa: BLE001 - the backend's exception is the result
            return Trajectory(None, error=error_name(error), message=str(error))
        # The calls, as TensorFlow's oracle counts them (``iterations`` divides them by
        # gradient_accumulation_steps).
        counter = optimizer._iterations
        return Trajectory(params, int(self.ops.convert_to_numpy(counter)))

    def run(self, optimizer, variables, gradients: list[np.ndarray]) -> np.ndarray:
        """``optimizer.apply`` update by update: every variable after every update."""
        ops = self.ops
        rows = []
        for t in range(gradients[0].shape[0]):
            optimizer.apply([ops.convert_to_tensor(g[t]) for g in gradients], variables)
            rows.append(np.concatenate([np.ravel(ops.convert_to_numpy(v)) for v in variables]))
        return np.stack(rows)


def cpu_model() -> str:
    """The CPU's model name (Linux), or the machine type."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


class Jax(Backend):
    kernels_name = "XLA's float32 kernels (jax, eager)"

    def scalar(self, schedule, steps: np.ndarray) -> Outcome:
        import jax

        try:
            mapped = jax.jit(lambda s: jax.lax.map(schedule, s))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return Outcome(values=np.asarray(mapped(jax.numpy.asarray(steps))))
        except Exception as error:  # noqa: BLE001
            return Outcome(error=error_name(error), phase="call", message=str(error))

    def kernel(self, name: str, path: str, *args: np.ndarray) -> np.ndarray:
        """On the scalar path, the kernel as a jitted loop of scalars computes it (the scalar
        path's own way)."""
        if path == "vector":
            return super().kernel(name, path, *args)
        import jax

        function = self.function(name)
        mapped = jax.jit(lambda arrays: jax.lax.map(lambda xs: function(*xs), arrays))
        return np.asarray(mapped(tuple(np.asarray(a, np.float32) for a in args)), np.float32)

    def run(self, optimizer, variables, gradients: list[np.ndarray]) -> np.ndarray:
        """One jitted ``lax.scan`` of ``stateless_apply``, as Keras's JAX trainer applies it
        inside its jitted step."""
        import jax
        import jax.numpy as jnp

        def update(carry, step_gradients):
            trainable, state = carry
            trainable, state = optimizer.stateless_apply(state, list(step_gradients), trainable)
            row = jnp.concatenate([jnp.ravel(v) for v in trainable])
            return (trainable, state), row

        carry = ([v.value for v in variables], [v.value for v in optimizer.variables])
        loop = jax.jit(lambda carry, gs: jax.lax.scan(update, carry, gs))
        (trainable, state), rows = loop(carry, [jnp.asarray(g) for g in gradients])
        for variable, value in zip(variables, trainable):
            variable.assign(value)
        for variable, value in zip(optimizer.variables, state):
            variable.assign(value)
        return np.asarray(rows)


class Torch(Backend):
    @property
    def kernels_name(self) -> str:
        import torch

        capability = torch.backends.cpu.get_cpu_capability()
        return f"ATen's float32 kernels (torch, CPU capability {capability})"


class Numpy(Backend):
    kernels_name = "numpy's float32 kernels"


class TensorFlowBackend(Backend):
    """Standalone Keras 3 on TensorFlow is ``tf.keras``: live TensorFlow's own oracle does the
    work on its ``tf.keras`` entry point, with its batched scalar path and its kernels."""

    kernels_name = "TensorFlow kernels"

    def __init__(self, name: str) -> None:
        super().__init__(name)
        from conformance.oracles import EntryPoint
        from conformance.oracles.tensorflow import TensorFlow

        self.tensorflow = TensorFlow()
        tf_keras, keras = self.tensorflow.tf.keras, self.keras
        same = (
            tf_keras.optimizers.schedules.ExponentialDecay
            is keras.optimizers.schedules.ExponentialDecay
            and tf_keras.optimizers.Adam is keras.optimizers.Adam
        )
        if not same:
            raise RuntimeError("tf.keras is not standalone keras here (TF_USE_LEGACY_KERAS set?)")
        self.entry = EntryPoint("tf.keras", "tf.keras", "keras3")

    def hello(self) -> dict:
        found = super().hello()
        found["versions"]["steps fed as"] = "the case's step_dtype (int64: the iterations')"
        return found

    def evaluate(self, case: Case, path: str) -> Outcome:
        return self.tensorflow.evaluate(case, self.entry, path)

    def prefetch(self, requests: list[tuple[Case, str]]) -> None:
        self.tensorflow.prefetch([(case, self.entry, path) for case, path in requests])

    def takes_vector(self, case: Case) -> bool:
        return True  # the scalar path maps chunks or single steps (TensorFlow's own choice)

    def kernel(self, name: str, path: str, *args: np.ndarray) -> np.ndarray:
        if path == "vector":
            return getattr(self.tensorflow.kernels, name)(*args)
        # TensorFlow's scalar code calls the C library: the reference's default kernels.
        from reference import current_float32_kernels

        return getattr(current_float32_kernels(), name)(*args)

    def prefetch_trajectories(self, cases: list[OptimizerCase]) -> None:
        self.tensorflow.prefetch([(case, self.entry, "trajectory") for case in cases])

    def trajectory(self, case: OptimizerCase) -> Trajectory:
        return self.tensorflow.trajectory(case, self.entry)


BACKENDS = {"jax": Jax, "torch": Torch, "numpy": Numpy, "tensorflow": TensorFlowBackend}


def dense_gradients(case: OptimizerCase) -> list[np.ndarray]:
    """The case's gradients per variable, one per update and of the variable's shape: dense
    columns, or a sparse case's rows added into zeros (float32: what autodiff of a gather gives
    outside TensorFlow)."""
    gradients = case.gradients
    if isinstance(gradients, SparseGradients):
        indices, values = gradients.sequence()
        dense = np.zeros((gradients.steps, gradients.rows, gradients.width), np.float32)
        updates = np.repeat(np.arange(gradients.steps), indices.shape[1]).reshape(indices.shape)
        # In float32, as the backends' scatter-add adds a repeated row's two values.
        np.add.at(dense, (updates, indices), values.astype(np.float32))
        return [dense]
    return gradients.split(gradients.columns())


def serve(backend: Backend, requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until the pipe closes. Every request is ``(command, argument)``; every
    answer ``("ok", value)`` or ``("error", "Class: message")``."""
    while True:
        try:
            command, argument = receive(requests)
        except EOFError:
            return
        try:
            answer = ("ok", handle(backend, command, argument))
        except Exception as error:  # noqa: BLE001 - the oracle raises it in its own process
            answer = ("error", f"{type(error).__name__}: {error}")
        send(answers, answer)


def handle(backend: Backend, command: str, argument):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if command == "evaluate":  # [(case, path), ...] -> [Outcome, ...]
            if hasattr(backend, "prefetch"):
                backend.prefetch(argument)
            return [backend.evaluate(case, path) for case, path in argument]
        if command == "takes_vector":  # [case, ...] -> [bool, ...]
            return [backend.takes_vector(case) for case in argument]
        if command == "trajectories":  # [case, ...] -> [Trajectory, ...]
            if hasattr(backend, "prefetch_trajectories"):
                backend.prefetch_trajectories(argument)
            return [backend.trajectory(case) for case in argument]
        if command == "kernel":  # (name, path, [array, ...]) -> array
            name, path, args = argument
            return backend.kernel(name, path, *args)
    raise ValueError(f"unknown request {command!r}")


def main(argv: list[str]) -> int:
    name = argv[0] if argv else ""
    # The answers go to the original standard output; anything a library prints, to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    if name not in BACKENDS:
        send(answers, ("error", f"unknown Keras backend {name!r}"))
        return 2
    os.environ["KERAS_BACKEND"] = name
    try:
        with contextlib.redirect_stdout(sys.stderr):
            backend = BACKENDS[name](name)
            hello = backend.hello()
    except Exception as error:  # noqa: BLE001 - e.g. the backend is not installed
        send(answers, ("error", f"{type(error).__name__}: {error}"))
        return 2
    send(answers, ("ok", hello))
    serve(backend, requests, answers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

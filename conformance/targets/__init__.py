"""Targets: the implementations the suite checks, called through the reference's contract.

A target is a Python package laid out like :mod:`reference` (docs/contract.md):
``PKG.schedules.X(**params, dtype=..., flavor=...)`` gives a schedule called with a step array,
``PKG.compat_v1.x(global_step=steps, **params, dtype=...)`` gives the values, and
``PKG.optimizers.X``, ``PKG.optimizers.legacy.X``, ``PKG.compat_v1.XOptimizer`` are optimizers
with ``init(params)`` and ``step(grads, params, state)``. A target may leave any API out: the
report then says "not implemented". It may offer the kernels hook ``PKG.float32_kernels``, a
context manager in which its float32 transcendentals are TensorFlow's SIMD kernels, which is
what the float32 vector path needs (:attr:`Target.kernels_hook`).

:class:`Target` is the one place that knows this layout. A target's call can raise, return nan,
return the wrong shape or type, or never return: :func:`evaluate` turns each into a result of
the check, never into the end of the run: an exception is compared with TensorFlow's, a wrong
return is :class:`BadReturn`, and a call that outlives its deadline is :class:`TimedOut` (the
call runs in a daemon thread, which is abandoned; a target that hangs once is not called again
for that API, see :mod:`conformance.run`).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import importlib.metadata
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

import numpy as np

import reference
from conformance import registry
from conformance.cases import (
    Case,
    ExplicitGradients,
    LearningRateSpec,
    OptimizerCase,
    SparseGradients,
)
from conformance.outcome import Outcome, Trajectory, error_name, per_step
from conformance.source import Call, Source, kwargs, show


class TargetError(Exception):
    """A target that cannot be used: its package does not import."""


class BadReturn(Exception):
    """The target returned something that is not an array of real numbers of the right size."""


class TimedOut(Exception):
    """The target's call did not return within the deadline."""


#: The declaration that a schedule's array evaluation equals its per-step one (docs/contract.md).
ELEMENTWISE = "LR_CONFORMANCE_ELEMENTWISE"

#: The flavour of a schedule an optimizer of each flavour is given (tensorflow-addons'
#: optimizers, flavour None, take TF 2.13-2.15's Keras 2 schedules).
SCHEDULE_FLAVOR = {"keras3": "keras3", "keras2": "keras2", "legacy": "keras2", None: "keras2"}


@dataclass(frozen=True)
class Target:
    """An importable package laid out like :mod:`reference`, and its name on the command line."""

    name: str
    package: ModuleType

    @classmethod
    def load(cls, name: str = "reference") -> Target:
        """The target ``name``; :class:`TargetError` naming the exception if it does not
        import."""
        try:
            return cls(name, importlib.import_module(name))
        except Exception as error:
            raise TargetError(
                f"--target {name} does not import: {type(error).__name__}: {error}"
            ) from error

    @property
    def version(self) -> str | None:
        version = getattr(self.package, "__version__", None)
        if version is not None:
            return str(version)
        try:
            return importlib.metadata.version(self.package.__name__.split(".")[0])
        except importlib.metadata.PackageNotFoundError:
            return None

    # -- what it provides --------------------------------------------------------------------

    def submodule(self, name: str) -> ModuleType | None:
        """``PKG.name``, imported; None where the target has no such module. A module that
        exists but fails to import (it imports something missing) raises."""
        full = f"{self.package.__name__}.{name}"
        try:
            return importlib.import_module(full)
        except ModuleNotFoundError as error:
            if error.name is not None and full.startswith(error.name):
                return None
            raise

    def lookup(self, api: str):
        """The target's object for a catalogue API, or None where it does not provide it (a
        module of the target that fails to import raises)."""
        module, _, name = api.rpartition(".")
        found = self.submodule(module)
        return None if found is None else getattr(found, name, None)

    def missing(self, api: str) -> str | None:
        """What is missing for ``api`` (``"PKG.schedules.X does not exist"``), or None where the
        target provides it. A module that fails to import is not "missing": the API's checks
        run and report the error."""
        try:
            found = self.lookup(api)
        except Exception:  # noqa: BLE001 - reported by each check of the API
            return None
        return f"{self.name}.{api} does not exist" if found is None else None

    @property
    def kernels_hook(self) -> Callable[[object], contextlib.AbstractContextManager] | None:
        """``PKG.float32_kernels``: given TensorFlow's float32 kernels (an object with ``cos``,
        ``exp``, ``log``, ``pow``, ``rsqrt``), a context manager inside which the target's
        float32 transcendentals are those kernels. Optional: without it the float32 vector
        path is not applicable (docs/contract.md, "The kernels hook"). Contract 1.1 had it at
        ``PKG._arith.float32_kernels``, still honoured (deprecated)."""
        hook = getattr(self.package, "float32_kernels", None)
        if hook is None:
            old = self.submodule("_arith")
            hook = getattr(old, "float32_kernels", None) if old is not None else None
        return hook

    @property
    def kernels_name(self) -> str:
        """What computes the target's float32 transcendentals on the scalar path."""
        current = getattr(self.package, "current_float32_kernels", None)
        if current is None and self.submodule("_arith") is not None:
            current = getattr(self.submodule("_arith"), "current_float32_kernels", None)
        return current().name if current is not None else "the target's own"

    def plugged(self, kernels) -> contextlib.AbstractContextManager:
        """The target computing with ``kernels`` inside the block (nothing changes where
        ``kernels`` is None)."""
        if kernels is None:
            return contextlib.nullcontext()
        return self.kernels_hook(kernels)

    # -- schedules ---------------------------------------------------------------------------

    def schedule_factory(self, case: Case, dtype: str, flavor: str | None) -> Callable:
        """A zero-argument callable building the target's schedule: a callable of the steps."""
        module, name = case.api.split(".", 1)
        params = case.built_params()
        if module == "compat_v1":
            function = getattr(self.submodule("compat_v1"), name)
            step_argument = registry.get(case.api).step_argument

            def build():
                return lambda steps: function(**{step_argument: steps}, **params, dtype=dtype)

            return build
        cls = getattr(self.submodule("schedules"), name)
        settings = {"dtype": dtype} if flavor is None else {"dtype": dtype, "flavor": flavor}
        return lambda: cls(**params, **settings)

    def elementwise(self, api: str) -> bool:
        """Whether the target declares that calling ``api`` on an array of steps gives, element
        by element, what calling it on each step alone gives (``LR_CONFORMANCE_ELEMENTWISE =
        True`` on the schedule class or TF1 function, or on the package; the object's own
        attribute wins). Then the scalar path may call it once on its steps; otherwise it calls
        it one step at a time (docs/contract.md, "How the target is called")."""
        found = self.lookup(api)
        own = getattr(found, ELEMENTWISE, None)
        if own is not None:
            return bool(own)
        return bool(getattr(self.package, ELEMENTWISE, False))

    def schedule_source(self, case: Case, dtype: str, flavor: str | None) -> Source:
        """What :meth:`schedule_factory` builds, as Python source: an expression of a callable
        of the steps, and the modules to import."""
        module, name = case.api.split(".", 1)
        arguments = kwargs(case.params)
        if module == "compat_v1":
            step_argument = registry.get(case.api).step_argument
            function = f"{self.name}.compat_v1.{name}"
            settings = (f"{step_argument}=step", *arguments, f"dtype={dtype!r}")
            return Source(Call(function, settings), (f"{self.name}.compat_v1",), "lambda step: ")
        settings = [f"dtype={dtype!r}"] + ([] if flavor is None else [f"flavor={flavor!r}"])
        callee = f"{self.name}.schedules.{name}"
        return Source(Call(callee, (*arguments, *settings)), (f"{self.name}.schedules",))

    # -- optimizers --------------------------------------------------------------------------

    def learning_rate(self, case: OptimizerCase, flavor: str | None, dtype: str):
        """The case's learning rate as the target takes it: a float, a callable of no argument,
        a schedule of the flavour's schedule code, or a callable of the global step for a TF1
        decay function."""
        return self._rate(case.built_learning_rate(), flavor, dtype)

    def _rate(self, spec, flavor: str | None, dtype: str):
        """A learning rate (or a schedule-valued hyperparameter) as the target takes it."""
        if not isinstance(spec, LearningRateSpec):
            return spec
        module, name = spec.api.split(".", 1)
        if module == "compat_v1":
            function = getattr(self.submodule("compat_v1"), name)
            return lambda step: function(global_step=step, **spec.params, dtype=dtype)
        schedule = getattr(self.submodule("schedules"), name)
        flavor = SCHEDULE_FLAVOR.get(flavor, flavor)
        return schedule(**spec.params, dtype=dtype, flavor=flavor)

    def optimizer(self, case: OptimizerCase, flavor: str | None, dtype: str):
        """The target's optimizer for the case, built as TensorFlow's is (flavour None:
        tensorflow-addons', ``PKG.addons.X``)."""
        learning_rate = self.learning_rate(case, flavor, dtype)
        params = {k: self._rate(v, flavor, dtype) for k, v in case.built_params().items()}
        if flavor == "compat_v1":
            cls = getattr(self.submodule("compat_v1"), case.family)
            return cls(learning_rate, **params, dtype=dtype)
        if flavor in ("legacy", None):
            module = "optimizers.legacy" if flavor == "legacy" else "addons"
            cls = getattr(self.submodule(module), case.family)
            return cls(learning_rate=learning_rate, **params, dtype=dtype)
        cls = getattr(self.submodule("optimizers"), case.family)
        return cls(learning_rate=learning_rate, **params, dtype=dtype, flavor=flavor)

    def trajectory(
        self, case: OptimizerCase, flavor: str | None, dtype: str, kernels=None
    ) -> Trajectory:
        """Every parameter after every update, as one ``(updates, width)`` float64 array, run
        as TensorFlow ran it (``kernels``: TensorFlow's, plugged in, or None)."""
        gradients = case.gradients
        rows = []
        try:
            optimizer = self.optimizer(case, flavor, dtype)
            params = gradients.initial_params()
            state = optimizer.init(params)
            with self.plugged(kernels):
                for step_gradients in self._gradient_steps(gradients):
                    params, state = optimizer.step(step_gradients, params, state)
                    rows.append(np.concatenate([np.asarray(p, np.float64).ravel() for p in params]))
        except Exception as error:  # noqa: BLE001 - compared with TensorFlow's
            return Trajectory(None, error=type(error).__name__, message=str(error))
        counter = getattr(optimizer, "counter", None)
        if counter is None:
            raise BadReturn(
                f"{type(optimizer).__name__} has no attribute 'counter' (the key of its step "
                'counter in the state: docs/contract.md, "What the suite reads")'
            )
        return Trajectory(np.stack(rows), state[counter])

    def _gradient_steps(self, gradients) -> Iterator[list]:
        """Each update's gradients, one per variable: arrays, or the target's
        ``optimizers.IndexedSlices``."""
        if isinstance(gradients, ExplicitGradients):
            for t in range(gradients.steps):
                yield gradients.gradients_at(t)
        elif isinstance(gradients, SparseGradients):
            sparse = self.submodule("optimizers").IndexedSlices
            indices, values = gradients.sequence()
            for t in range(gradients.steps):
                yield [sparse(indices[t], values[t])]
        else:
            # Split once, not once per update (an eighth of the reference's trajectory time).
            parts = gradients.split(gradients.columns())
            for t in range(gradients.steps):
                yield [part[t] for part in parts]

    def optimizer_source(self, case: OptimizerCase, flavor: str | None, dtype: str) -> Source:
        """What :meth:`optimizer` builds, as Python source, and the modules to import."""
        modules: list[str] = []
        lr = self._rate_source(case.learning_rate, flavor, dtype, modules)
        arguments = (
            *(
                self._keyword(k, self._rate_source(v, flavor, dtype, modules))
                for k, v in case.params.items()
            ),
            f"dtype={dtype!r}",
        )
        keyword_lr = self._keyword("learning_rate", lr)
        if flavor == "compat_v1":
            modules.append(f"{self.name}.compat_v1")
            built = Call(f"{self.name}.compat_v1.{case.family}", (lr, *arguments))
        elif flavor in ("legacy", None):
            module = (
                f"{self.name}.optimizers.legacy" if flavor == "legacy" else f"{self.name}.addons"
            )
            modules.append(module)
            built = Call(f"{module}.{case.family}", (keyword_lr, *arguments))
        else:
            modules.append(f"{self.name}.optimizers")
            callee = f"{self.name}.optimizers.{case.family}"
            built = Call(callee, (keyword_lr, *arguments, f"flavor={flavor!r}"))
        if isinstance(case.gradients, SparseGradients):
            modules.append(f"{self.name}.optimizers")
        return Source(built, tuple(dict.fromkeys(modules)))

    def _rate_source(self, value, flavor: str | None, dtype: str, modules: list[str]):
        """A learning rate or hyperparameter as source (see :meth:`_rate`): text, or a
        ``(prefix, Call)`` argument for a schedule, whose module is added to ``modules``."""
        if not isinstance(value, LearningRateSpec):
            return show(value)
        module, name = value.api.split(".", 1)
        modules.append(f"{self.name}.{module}")
        if module == "compat_v1":
            settings = ("global_step=step", *kwargs(value.params), f"dtype={dtype!r}")
            return ("lambda step: ", Call(f"{self.name}.compat_v1.{name}", settings))
        schedule_flavor = SCHEDULE_FLAVOR.get(flavor, flavor)
        settings = (*kwargs(value.params), f"dtype={dtype!r}", f"flavor={schedule_flavor!r}")
        return ("", Call(f"{self.name}.schedules.{name}", settings))

    @staticmethod
    def _keyword(name: str, source):
        """``name=source`` as a :class:`~conformance.source.Call` argument."""
        return f"{name}={source}" if isinstance(source, str) else (f"{name}={source[0]}", source[1])

    def missing_for(self, case: OptimizerCase) -> str | None:
        """What the target lacks for one optimizer case beyond the optimizer itself: the sparse
        gradient type (``optimizers.IndexedSlices``) or the schedule its learning rate is. Such
        a case is "not implemented", not a failure."""
        if isinstance(case.gradients, SparseGradients):
            module = self.submodule("optimizers")
            if module is None or getattr(module, "IndexedSlices", None) is None:
                return (
                    f"{self.name}.optimizers.IndexedSlices does not exist (the case's "
                    "gradients are sparse)"
                )
        spec = case.learning_rate
        if isinstance(spec, LearningRateSpec) and self.lookup(spec.api) is None:
            return f"{self.name}.{spec.api} does not exist (the case's learning rate)"
        return None


# -- calling a target ------------------------------------------------------------------------


class Abandoned(BaseException):
    """Raised inside a target's call abandoned at its deadline, to end its thread (a
    BaseException, so that the target's ``except Exception`` does not catch it)."""


#: Threads of calls abandoned at their deadline.
_ABANDONED: list[threading.Thread] = []


def call_with_deadline(function: Callable, timeout: float | None):
    """``function()``, abandoned after ``timeout`` seconds (:class:`TimedOut`); exceptions of
    ``function`` propagate. ``None``: no deadline, called in this thread.

    An abandoned call is stopped where Python can stop it: :class:`Abandoned` is raised in its
    thread, which ends it at the target's next Python instruction. A call stuck in native code
    runs on until it returns; :func:`abandoned` lists such threads, which must not be running
    when the interpreter shuts down (native code that a dying thread unwinds through can abort
    the process): ``python -m conformance`` then ends with ``os._exit``
    (:func:`conformance.run.leave`)."""
    if timeout is None:
        return function()
    box: dict = {}

    def work():
        try:
            box["value"] = function()
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            box["error"] = error

    worker = threading.Thread(target=work, name="lr-conformance-target", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        _stop(worker)
        _ABANDONED.append(worker)
        raise TimedOut(f"the target did not return within {timeout:g} s (abandoned)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _stop(worker: threading.Thread, wait: float = 1.0) -> None:
    """Raise :class:`Abandoned` in the worker's thread and give it ``wait`` seconds to end."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(worker.ident), ctypes.py_object(Abandoned)
    )
    worker.join(wait)


def abandoned() -> list[threading.Thread]:
    """The threads of abandoned calls that are still running."""
    return [worker for worker in _ABANDONED if worker.is_alive()]


def fed_steps(case: Case):
    """The steps as TensorFlow is fed them: a step tensor of ``case.step_dtype``
    (:class:`reference.TensorSteps`, what an optimizer passes), or the case's
    ``step_input`` exactly as a user passes it."""
    if case.step_input is not None:
        return case.step_input.build()
    return reference.tensor_steps(case.steps, case.step_dtype)


def evaluate(
    factory: Callable, steps: np.ndarray, timeout: float | None = None, per_step: bool = False
) -> Outcome:
    """Build, then call on the whole step vector; where that raises, step by step. With
    ``per_step``, one call per step (each a 0-d step tensor), as training calls a schedule.
    ``steps`` is what :func:`fed_steps` gives: a step tensor, or a step as a user passes it (a
    case's ``step_input``), which gets one call. The whole of it must end within ``timeout``
    seconds (:class:`TimedOut`); values that are not real numbers, one per step, are
    :class:`BadReturn`."""
    outcome = call_with_deadline(lambda: _evaluate(factory, steps, per_step), timeout)
    if outcome.values is not None:
        outcome.values = _checked_values(outcome.values, int(np.size(steps)), per_step)
    return outcome


def _checked_values(values: np.ndarray, n: int, one_at_a_time: bool = False) -> np.ndarray:
    """The values, or :class:`BadReturn`; ``one_at_a_time``: stacked from one call per step."""
    if one_at_a_time and values.ndim > 1 and values.shape[0] == n and values[0].size != 1:
        raise BadReturn(
            f"the target returned shape {values.shape[1:]} for one step (the scalar path calls "
            "it one step at a time)"
        )
    if values.dtype.kind not in "fiub":
        # One call per step: what the first call returned; one call on the array: its start.
        shown = repr(_plain(values.reshape(-1)[0]))[:80] if one_at_a_time else _preview(values)
        raise BadReturn(
            f"the target returned {values.dtype} values ({shown}), not real numbers"
            + (" (one call per step)" if one_at_a_time and values.size else "")
        )
    if values.size != n:
        raise BadReturn(f"the target returned shape {values.shape} for {n} steps")
    return values


def _plain(value):
    """A 0-d array as what it holds."""
    return (
        value.item() if isinstance(value, (np.ndarray, np.generic)) and value.size == 1 else value
    )


def _preview(values: np.ndarray) -> str:
    text = repr(values.reshape(-1)[:3].tolist()) if values.ndim else repr(values.item())
    return text[:80]


def _evaluate(factory: Callable, steps: np.ndarray, one_at_a_time: bool = False) -> Outcome:
    try:
        schedule = factory()
    except Exception as error:  # noqa: BLE001 - the exception is the result
        return Outcome(error=error_name(error), phase="construct", message=str(error))
    if not _is_step_tensor(steps):  # a step as a user passes it: one call, whatever it gives
        try:
            return Outcome(values=np.asarray(schedule(steps)))
        except Exception as error:  # noqa: BLE001
            return Outcome(error=error_name(error), phase="call", message=str(error))
    if one_at_a_time:
        return per_step(schedule, _each_step(steps))
    try:
        return Outcome(values=np.asarray(schedule(steps)))
    except Exception as error:  # noqa: BLE001
        whole_call = error
    outcome = per_step(schedule, _each_step(steps))
    if outcome.raised:  # every step raised: the call's own exception says it best
        return Outcome(error=error_name(whole_call), phase="call", message=str(whole_call))
    return outcome


def _each_step(steps: np.ndarray) -> list:
    """The steps one by one, as numpy scalars; a step tensor's (:class:`reference.TensorSteps`)
    as 0-d step tensors, so that each still says it is one."""
    if _is_step_tensor(steps):
        return [steps[i, ...] for i in range(len(steps))]
    return list(steps)


def _is_step_tensor(steps) -> bool:
    """Whether ``steps`` stands for a TensorFlow step tensor (:class:`reference.TensorSteps`)."""
    return bool(getattr(steps, "is_tensor", False))

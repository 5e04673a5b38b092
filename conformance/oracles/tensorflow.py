"""Live TensorFlow as the oracle (:class:`conformance.oracles.Oracle`): every entry point of
the installed TF, schedules evaluated in batches, optimizer trajectories run whole, in batches
too (:mod:`conformance.oracles.tensorflow_optimizers`).

Schedule entry points (what a user can call; which ones exist depends on the environment):

========================  ==========================================  =====================
key                       what is called                              reference flavour
========================  ==========================================  =====================
``tf.keras``              ``tf.keras.optimizers.schedules.X``         keras2 (TF <= 2.15),
                                                                      keras3 (TF >= 2.16)
``tf_keras``              ``tf_keras.optimizers.schedules.X``         keras2
``tfa``                   ``tensorflow_addons.optimizers.X``          (one flavour)
``compat_v1.eager``       ``tf.compat.v1.train.x`` in eager mode      compat_v1
``compat_v1.graph``       the same in a graph, run by a ``Session``   compat_v1
========================  ==========================================  =====================

Each case is evaluated on two paths, because TensorFlow's float32 transcendentals differ
between them (see :mod:`reference._arith`):

``vector``
    One eager call with the whole step vector (one ``Session.run`` in graph mode): fast, and
    the transcendentals come from Eigen's SIMD kernels. The reference reproduces it to the bit
    when :class:`TensorFlowVectorKernels` is plugged into it.
``scalar``
    Every step on its own, as an optimizer asks for it: one ``tf.function`` mapping the schedule
    over chunks of three steps (fewer than one SIMD packet, so Eigen calls the C library for
    every element). An API that cannot take a step vector (``tf.case``, ``tf.cond``) is mapped
    one step at a time.

The scalar path of one case costs mostly a fixed overhead: tracing and instantiating its
function (tens of ms) against running it (a few ms). :meth:`TensorFlow.prefetch` shares it: one
``map_fn`` for many cases of an entry point, whose body calls each case's schedule on that
case's chunk (compat.v1 graph cases: many in one graph and ``Session``). Each schedule still
sees the chunks it sees alone, converted by AutoGraph as ``map_fn`` converts it, so the values
are the per-case path's; a case that raises, at some steps or all, is evaluated on its own.

Graphs run with Grappler switched off. Grappler's constant folding rewrites ``x / c`` into
``x * (1 / c)`` and changes last bits (48% of CosineDecay's steps, measured), so a graph with
Grappler is a different arithmetic from the source's; the suite checks the source's.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from conformance import registry
from conformance.cases import Case, OptimizerCase
from conformance.cases.bad_inputs import TAG as BAD_INPUT
from conformance.oracles import EntryPoint
from conformance.oracles import tensorflow_optimizers as optimizers
from conformance.outcome import Outcome, Trajectory, error_name, per_step
from conformance.plan_sharing import SharedPlan
from conformance.source import format_kwargs, steps_repr

#: Chunk length of the scalar path: below the smallest float SIMD packet (4 floats with SSE or
#: NEON), so that every element goes through Eigen's scalar code, i.e. the C library.
SCALAR_CHUNK = 3

#: Above this many steps, an API that raises on a step vector is not retried step by step.
PER_STEP_LIMIT = 400

#: At most this many cases share one batched scalar path (see :meth:`TensorFlow.prefetch`).
#: Larger batches save little more, and one that fails at run time is split and traced again.
BATCH_CASES = 32

#: A batch's cases are padded to its longest one's chunk count: they are grouped so that the
#: longest has at most this share more chunks than the shortest, plus BATCH_SLACK.
BATCH_SPREAD = 0.25
BATCH_SLACK = 16


class NotTensorFlow(Exception):
    """TensorFlow imports, but tf.keras computes with another Keras 3 backend."""


class TensorFlowVectorKernels:
    """TensorFlow's own float32 kernels, for :func:`reference._arith.float32_kernels`.

    Given the same array (same length, same order) as a TensorFlow op saw, these return exactly
    what it computed, whichever of Eigen's SIMD or scalar code each element took.
    """

    name = "TensorFlow kernels"

    def __init__(self, tf):
        self._tf = tf

    def cos(self, x):
        return self._tf.cos(np.asarray(x, np.float32)).numpy()

    def exp(self, x):
        return self._tf.exp(np.asarray(x, np.float32)).numpy()

    def log(self, x):
        return self._tf.math.log(np.asarray(x, np.float32)).numpy()

    def pow(self, x, y):
        return self._tf.pow(np.asarray(x, np.float32), np.asarray(y, np.float32)).numpy()

    def rsqrt(self, x):
        return self._tf.math.rsqrt(np.asarray(x, np.float32)).numpy()


class TensorFlow:
    """The installed TensorFlow (and tf_keras, tensorflow-addons where they import)."""

    against = "tf"

    def __init__(self) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import tensorflow as tf
        self.tf = tf
        requested = os.environ.get("KERAS_BACKEND", "tensorflow")
        if requested != "tensorflow" and tuple(map(int, tf.__version__.split(".")[:2])) >= (2, 16):
            # tf.keras is Keras 3 there, which might not even import with that backend.
            raise NotTensorFlow(_other_backend(requested))
        tf.get_logger().setLevel("ERROR")
        # Graphs compute what the source says (see the module docstring).
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
        keras = tf.keras
        self.keras_version = getattr(keras, "__version__", None) or _keras_version()
        self.keras_major = int(self.keras_version.split(".")[0])
        # Keras 3 computes with the backend KERAS_BACKEND names, also as tf.keras: with jax,
        # "TensorFlow" would be JAX.
        self.keras_backend = keras.backend.backend() if self.keras_major >= 3 else "tensorflow"
        if self.keras_backend != "tensorflow":  # ~/.keras/keras.json can say so too
            raise NotTensorFlow(_other_backend(self.keras_backend))
        self.tf_keras = _optional_import("tf_keras")
        self.tfa, self.tfa_error = _import_tfa()
        self.kernels = TensorFlowVectorKernels(tf)
        self.name = f"TensorFlow {tf.__version__}"
        # Evaluations already made: (case id, entry, path, steps) -> Outcome, and
        # (case id, entry) -> Trajectory.
        self._outcomes: dict[tuple, Outcome] = {}
        self._trajectories: dict[tuple, Trajectory] = {}
        #: Whether TensorFlow's logs and warnings are shown (``--verbose``), also the helper's.
        self.verbose = False
        # The bad-input cases a helper process evaluates meanwhile (:func:`_help`), by the keys
        # of _outcomes (("outcome", ...)) and _trajectories (("trajectory", ...)).
        self._helped = SharedPlan()
        self._helper: concurrent.futures.ProcessPoolExecutor | None = None

    # -- what exists ----------------------------------------------------------------------

    def versions(self) -> dict[str, str]:
        found = {
            "tensorflow": self.tf.__version__,
            "keras (tf.keras)": self.keras_version,
            "keras backend": self.keras_backend,
        }
        if self.tf_keras is not None:
            found["tf_keras"] = self.tf_keras.__version__
        found["tensorflow-addons"] = (
            self.tfa.__version__ if self.tfa else f"absent ({self.tfa_error})"
        )
        return found

    def entry_points(self, api: str) -> list[EntryPoint]:
        if api not in registry.names():
            return []
        record = registry.get(api)
        found = (self._entry_point(key, record) for key in record.origin.entry_points)
        return [entry for entry in found if entry is not None]

    def _entry_point(self, key: str, api: registry.API) -> EntryPoint | None:
        """The entry point ``key`` of ``api`` if this environment has it."""
        keras3 = self.keras_major >= 3
        where = "tf.keras.optimizers" if api.is_optimizer else "tf.keras"
        if key == "tf.keras":
            return EntryPoint(
                key, f"{where} (Keras {self.keras_version})", "keras3" if keras3 else "keras2"
            )
        if key == "tf_keras" and self.tf_keras is not None:
            where = "tf_keras.optimizers" if api.is_optimizer else "tf_keras"
            return EntryPoint(key, f"{where} {self.tf_keras.__version__}", "keras2")
        if key == "tf.keras.legacy" and not keras3:
            label = f"tf.keras.optimizers.legacy (Keras {self.keras_version})"
            return EntryPoint(key, label, "legacy")
        if key == "tf_keras.legacy" and self.tf_keras is not None:
            label = f"tf_keras.optimizers.legacy {self.tf_keras.__version__}"
            return EntryPoint(key, label, "legacy")
        if key == "tfa" and self.tfa is not None:
            # One flavour: tfa's schedules, and its optimizers on the legacy Keras ones.
            return EntryPoint(key, f"tensorflow-addons {self.tfa.__version__}", None)
        if key.startswith("compat_v1.") and hasattr(self.tf.compat.v1.train, api.short):
            if api.is_optimizer:
                return EntryPoint(key, "tf.compat.v1.train (graph)", "compat_v1")
            mode = "eager" if key == "compat_v1.eager" else "graph, Session"
            return EntryPoint(key, f"tf.compat.v1.train ({mode})", "compat_v1")
        return None

    def missing_reason(self, api: str) -> str:
        if api in registry.names() and registry.get(api).origin.vector_set == "tfa":
            return f"tensorflow-addons does not import here: {self.tfa_error}"
        return f"{api} does not exist in TensorFlow {self.tf.__version__}"

    def restrict(self, case: Case, entry: EntryPoint) -> Case:
        """Every step: TensorFlow evaluates any."""
        return case

    # -- evaluation -----------------------------------------------------------------------

    def evaluate(self, case: Case, entry: EntryPoint, path: str) -> Outcome:
        """TensorFlow's outcome for the case's steps on one path (``"vector"`` or ``"scalar"``)."""
        key = _cache_key(case, entry, path)
        if key not in self._outcomes:
            helped = self._helped.take(("outcome", *key))
            if helped is None:
                helped = _evaluate(self, case, entry, path)
            self._outcomes[key] = helped
        return self._outcomes[key]

    def trajectory(self, case: OptimizerCase, entry: EntryPoint) -> Trajectory:
        """TensorFlow's parameters after every update of an optimizer case."""
        key = (case.id, entry.key)
        if key not in self._trajectories:
            helped = self._helped.take(("trajectory", *key))
            if helped is None:
                helped = optimizers.run(self, case, entry)
            self._trajectories[key] = helped
        return self._trajectories[key]

    def answer(self, case: Case, entry: EntryPoint, path: str) -> Outcome | Trajectory:
        """:meth:`trajectory` (path ``"trajectory"``) or :meth:`evaluate`."""
        if path == "trajectory":
            return self.trajectory(case, entry)
        return self.evaluate(case, entry, path)

    def prefetch(self, requests: Iterable[tuple[Case, EntryPoint, str]]) -> None:
        """Evaluate many ``(case, entry, path)`` at once, for :meth:`evaluate` (and, for
        ``(optimizer case, entry, "trajectory")``, :meth:`trajectory`) to return later.

        Only an optimisation, with the same values: the scalar paths of an entry point's cases
        share batched functions, and the compat.v1 graph cases share graphs and Sessions; the
        optimizer trajectories of an entry point share traced loops (TF1: graphs and Sessions,
        see :func:`conformance.oracles.tensorflow_optimizers.run_many`). What cannot be batched
        (an eager vector path has no fixed cost to share; a case that raises or needs chunks of
        one step) is left to :meth:`evaluate` and :meth:`trajectory`, case by case.
        """
        _prefetch(self, requests)

    def call_source(self, case: Case, entry: EntryPoint) -> str:
        """TensorFlow's call as Python source, for reproducers."""
        source = self._factory(case, entry)[1]
        if case.step_input is not None:
            return f"{source}({case.step_input})"
        steps = steps_repr(case.steps)
        return f"{source}(tf.constant({steps}, tf.{case.step_dtype}))"

    def build(self, case: Case, entry: EntryPoint):
        """TensorFlow's schedule object for a case (a Keras or tfa schedule entry point)."""
        return self._factory(case, entry)[0]()

    def _factory(self, case: Case, entry: EntryPoint) -> tuple[Callable, str]:
        """A callable that builds TF's schedule (or v1 value) for a step tensor, and its source."""
        module, name = case.api.split(".", 1)
        params = case.built_params()
        shown = format_kwargs(case.params)
        if entry.key == "tf.keras":
            cls = getattr(self.tf.keras.optimizers.schedules, name)
            return (lambda: cls(**params)), f"tf.keras.optimizers.schedules.{name}({shown})"
        if entry.key == "tf_keras":
            cls = getattr(self.tf_keras.optimizers.schedules, name)
            return (lambda: cls(**params)), f"tf_keras.optimizers.schedules.{name}({shown})"
        if entry.key == "tfa":
            cls = getattr(self.tfa.optimizers, name)
            return (lambda: cls(**params)), f"tfa.optimizers.{name}({shown})"
        function = getattr(self.tf.compat.v1.train, name)
        step_argument = registry.get(case.api).step_argument

        def v1_schedule():
            def value_at(step):
                value = function(**{step_argument: step}, **params)
                return value() if callable(value) else value

            return value_at

        return v1_schedule, f"tf.compat.v1.train.{name}({step_argument}=steps, {shown})"


def _cache_key(case: Case, entry: EntryPoint, path: str) -> tuple:
    # A sampled case shares its id with the full one: the steps are part of the key.
    return (case.id, entry.key, path, case.steps.tobytes())


def _evaluate(oracle: TensorFlow, case: Case, entry: EntryPoint, path: str) -> Outcome:
    tf = oracle.tf
    factory, _ = oracle._factory(case, entry)
    if case.step_input is not None:
        return _step_as_passed(tf, factory, case.step_input.build(), entry)
    # Every step tensor below takes this dtype (the case's step_dtype).
    steps = case.steps.astype(case.step_dtype)
    if entry.key == "compat_v1.graph":
        return _evaluate_graph(tf, factory, steps, path)
    try:
        schedule = factory()
    except Exception as error:  # noqa: BLE001 - TF's exception is the result
        return Outcome(error=error_name(error), phase="construct", message=str(error))
    if path == "vector":
        return _eager_vector(tf, schedule, steps)
    return _scalar_path(tf, schedule, steps)


def _step_as_passed(tf, factory, step, entry: EntryPoint) -> Outcome:
    """One call with the step exactly as a user passes it (a Python value, a numpy scalar or
    array: ``Case.step_input``); compat.v1 graph: the function called in a graph, run by a
    Session."""
    if entry.key == "compat_v1.graph":
        graph, session = _session(tf)
        with graph.as_default(), session:
            try:
                return Outcome(values=np.asarray(session.run(factory()(step))).reshape(-1))
            except Exception as error:  # noqa: BLE001 - TF's exception is the result
                return Outcome(error=error_name(error), phase="call", message=str(error))
    try:
        schedule = factory()
    except Exception as error:  # noqa: BLE001
        return Outcome(error=error_name(error), phase="construct", message=str(error))
    try:
        return Outcome(values=np.asarray(schedule(step)).reshape(-1))
    except Exception as error:  # noqa: BLE001
        return Outcome(error=error_name(error), phase="call", message=str(error))


def _eager_vector(tf, schedule, steps: np.ndarray) -> Outcome:
    try:
        return Outcome(values=np.asarray(schedule(tf.constant(steps, tf.as_dtype(steps.dtype)))))
    except Exception as error:  # noqa: BLE001
        return Outcome(error=error_name(error), phase="call", message=str(error))


def _scalar_path(tf, schedule, steps: np.ndarray) -> Outcome:
    """Every step through Eigen's scalar code: ``map_fn`` over chunks of SCALAR_CHUNK steps, or
    over single steps for an API that cannot take a vector, or step by step in eager mode when
    some steps raise."""
    first = _eager_per_step(tf, schedule, steps[:1])
    if first.raised and first.step_errors is None:
        return first
    dtype = tf.as_dtype(first.values.dtype) if first.values is not None else tf.float32
    for size in (SCALAR_CHUNK, 1):  # 1: for an API that cannot take a step vector
        batches = tf.constant(_chunked(steps, size), tf.as_dtype(steps.dtype))
        try:
            mapped = tf.function(
                lambda b: tf.map_fn(schedule, b, fn_output_signature=dtype, parallel_iterations=64)
            )
            values = np.asarray(mapped(batches)).reshape(-1)[: len(steps)]
            return Outcome(values=values)
        except Exception as error:  # noqa: BLE001
            last_error = error
    if len(steps) <= PER_STEP_LIMIT:
        return _eager_per_step(tf, schedule, steps)
    return Outcome(error=error_name(last_error), phase="call", message=str(last_error))


def _eager_per_step(tf, schedule, steps: np.ndarray) -> Outcome:
    dtype = tf.as_dtype(steps.dtype)
    return per_step(lambda step: schedule(tf.constant(step, dtype)), steps)


def _evaluate_graph(tf, factory, steps: np.ndarray, path: str) -> Outcome:
    """compat.v1 in graph mode: build the graph, run it in one Session with Grappler off."""
    graph, session = _session(tf)
    with graph.as_default(), session:
        value_at = factory()
        if path == "vector":
            step_vector = tf.compat.v1.placeholder(tf.as_dtype(steps.dtype), shape=[None])
            try:
                vector_tensor = value_at(step_vector)
                return Outcome(values=np.asarray(session.run(vector_tensor, {step_vector: steps})))
            except Exception as error:  # noqa: BLE001
                return Outcome(error=error_name(error), phase="call", message=str(error))
        for size in (SCALAR_CHUNK, 1):  # 1: for an API that cannot take a step vector
            try:
                batches = tf.constant(_chunked(steps, size), tf.as_dtype(steps.dtype))
                dtype = value_at(batches[0]).dtype
                mapped = tf.map_fn(
                    value_at, batches, fn_output_signature=dtype, parallel_iterations=64
                )
                return Outcome(values=np.asarray(session.run(mapped)).reshape(-1)[: len(steps)])
            except Exception as error:  # noqa: BLE001
                last_error = error
    return Outcome(error=error_name(last_error), phase="call", message=str(last_error))


def _chunked(steps: np.ndarray, size: int, rows: int | None = None) -> np.ndarray:
    """The steps as ``rows`` rows of ``size`` (by default as few as hold them all), the rest
    filled with the last step: a padding evaluated and thrown away."""
    if rows is None:
        rows = -(-len(steps) // size)
    padding = np.repeat(steps[-1:], rows * size - len(steps))
    return np.concatenate([steps, padding]).reshape(rows, size)


# -- batches (TensorFlow.prefetch) ------------------------------------------------------------


@dataclass
class _Pending:
    """One case's path waiting for its batch."""

    key: tuple
    case: Case
    steps: np.ndarray
    #: Scalar path: the chunk length; the schedule (eager) or v1 ``value_at`` (graph); its
    #: output dtype.
    size: int = SCALAR_CHUNK
    function: Callable | None = None
    dtype: object = None

    @property
    def rows(self) -> int:
        return -(-len(self.steps) // self.size)


def _prefetch(oracle: TensorFlow, requests: Iterable[tuple[Case, EntryPoint, str]]) -> None:
    cache = oracle._outcomes
    scalar: dict[str, list[_Pending]] = {}  # entry key -> its scalar paths
    graph_vector: list[_Pending] = []
    entries: dict[str, EntryPoint] = {}
    trajectories: dict[tuple, tuple[OptimizerCase, EntryPoint]] = {}
    seen = set()
    bad_inputs = []
    for case, entry, path in requests:
        # The bad-input catalogue is left to evaluate() and trajectory(), case by case: its
        # cases raise or give nan by design, and what TensorFlow answers must be the answer to
        # that case alone, never one shaped by the batch it shared a traced function with.
        # Case by case in a helper process, where there are many (see _help).
        if BAD_INPUT in case.tags:
            bad_inputs.append((case, entry, path))
            continue
        if path == "trajectory":
            key = (case.id, entry.key)
            if key not in oracle._trajectories:
                trajectories[key] = (case, entry)
            continue
        key = _cache_key(case, entry, path)
        if key in cache or key in seen or not len(case.steps) or case.step_input is not None:
            continue
        seen.add(key)
        pending = _Pending(key, case, case.steps.astype(case.step_dtype))
        entries[entry.key] = entry
        if path == "scalar":
            scalar.setdefault(entry.key, []).append(pending)
        elif entry.key == "compat_v1.graph":
            graph_vector.append(pending)
        # An eager vector path is one call: nothing to share, evaluate() does it.
    _help(oracle, bad_inputs)  # first: the helper evaluates them while the batches run here
    for entry_key, pending in scalar.items():
        entry = entries[entry_key]
        if entry_key == "compat_v1.graph":
            batch = functools.partial(_graph_scalar_batch, oracle, entry)
        else:
            batch = functools.partial(_scalar_batch, oracle.tf)
        for group in _groups(_probe(oracle, entry, pending)):
            cache.update(batch(group))
    if graph_vector:
        entry = entries["compat_v1.graph"]
        ready = [i for i in graph_vector if _takes_a_chunk(oracle, entry, i.case, i.steps)]
        for start in range(0, len(ready), BATCH_CASES):
            group = ready[start : start + BATCH_CASES]
            cache.update(_graph_vector_batch(oracle, entry, group))
    oracle._trajectories.update(optimizers.run_many(oracle, trajectories.values()))


#: Below this many bad-input evaluations, a helper process (TensorFlow imported again: seconds
#: of CPU) costs more than it saves; it takes them in chunks of HELPED_CHUNK.
MIN_HELPED = 64
HELPED_CHUNK = 16

#: The helper process's own TensorFlow (:func:`_start_helper`).
_HELPER: TensorFlow | None = None


def _help(oracle: TensorFlow, requests: list[tuple[Case, EntryPoint, str]]) -> None:
    """Give the bad-input evaluations among ``requests`` to a helper process, where there are
    many and a second core: its own TensorFlow evaluates each case alone, exactly as
    :func:`_evaluate` and :func:`conformance.oracles.tensorflow_optimizers.run` do here, while
    this process runs the batches (the bad-input catalogue is a third of the main job's
    TensorFlow time, and with the reference's trajectories kept on disk the second core is
    otherwise idle). :meth:`TensorFlow.evaluate` and :meth:`TensorFlow.trajectory` take the
    answers; they compute here what the helper has not started, or failed at."""
    fresh = {}
    for case, entry, path in requests:
        key = _helped_key(case, entry, path)
        known = oracle._trajectories if path == "trajectory" else oracle._outcomes
        if key[1:] not in known and key not in oracle._helped:
            fresh[key] = (case, entry, path)
    if len(fresh) < MIN_HELPED or (os.cpu_count() or 1) < 2:
        return
    if oracle._helper is None:
        context = multiprocessing.get_context("spawn")  # no fork of a process running TF
        oracle._helper = concurrent.futures.ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_start_helper,
            initargs=(oracle.verbose,),
        )
    # From the end of the plan: this process computes what the helper has not started by the
    # time it gets there (conformance.plan_sharing).
    oracle._helped.give(oracle._helper, _evaluate_in_helper, fresh, chunk=HELPED_CHUNK)


def _helped_key(case: Case, entry: EntryPoint, path: str) -> tuple:
    """The key of one evaluation given to the helper: ``("trajectory", ...)`` and the key of
    ``_trajectories``, or ``("outcome", ...)`` and the key of ``_outcomes``."""
    if path == "trajectory":
        return ("trajectory", case.id, entry.key)
    return ("outcome", *_cache_key(case, entry, path))


def _start_helper(verbose: bool) -> None:
    global _HELPER
    if not verbose:
        # What the helper computes is reported by the main process; its own output (what
        # TensorFlow's native libraries print as they load, warnings) is not for the terminal.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        logging.getLogger("absl").setLevel(logging.ERROR)
        warnings.simplefilter("ignore")
    _HELPER = TensorFlow()
    _HELPER.verbose = verbose


def _evaluate_in_helper(requests: list[tuple[Case, EntryPoint, str]]) -> list:
    return [_HELPER.answer(*request) for request in requests]


def _probe(oracle: TensorFlow, entry: EntryPoint, pending: list[_Pending]) -> list[_Pending]:
    """The scalar paths worth batching, with their chunk length; for an eager entry point also
    the schedule and its output dtype, found as _scalar_path finds them (from the first step).

    What raises goes to the per-case path, which reports it: a schedule that does not build or
    cannot take a single step. So does a case that raises only at some steps: its batch fails
    at run time, is split, and the case ends alone (_split).

    _scalar_path falls back to chunks of one step when a traced ``map_fn`` over chunks of
    SCALAR_CHUNK fails: for an API that puts the step through ``tf.cond`` or ``tf.case``
    (Keras 2's PiecewiseConstantDecay, warmup in CosineDecay, compat.v1 piecewise_constant),
    whose predicate must then be a scalar. Tracing that failure costs as much as the path
    itself, so it is predicted instead: such an API raises as well when called eagerly on a
    chunk, and its case is batched with chunks of one step. (The comparison of every case of
    the catalogue, per case and batched, finds the prediction right on TF 2.15 and 2.21. Were
    it wrong, the case would get chunks of one step where the per-case path has three: each
    step still alone through TensorFlow's scalar kernels.)
    """
    tf = oracle.tf
    ready = []
    for item in pending:
        if entry.key == "compat_v1.graph":
            takes_one_step = _takes_a_chunk(oracle, entry, item.case, item.steps, size=1)
        else:
            try:
                schedule = oracle._factory(item.case, entry)[0]()
            except Exception:  # noqa: BLE001 - evaluate() reports it
                continue
            first = _eager_per_step(tf, schedule, item.steps[:1])
            takes_one_step = not first.raised
            if takes_one_step:
                item.function, item.dtype = schedule, tf.as_dtype(first.values.dtype)
        if not takes_one_step:
            continue
        if not _takes_a_chunk(oracle, entry, item.case, item.steps):
            item.size = 1
        ready.append(item)
    return ready


def _takes_a_chunk(
    oracle: TensorFlow, entry: EntryPoint, case: Case, steps: np.ndarray, size: int = SCALAR_CHUNK
) -> bool:
    """Whether a fresh schedule of the case, called eagerly, takes the first chunk of its steps
    without raising (for compat_v1.graph, the same v1 function in eager mode)."""
    try:
        function = oracle._factory(case, entry)[0]()
    except Exception:  # noqa: BLE001
        return False
    return not _eager_vector(oracle.tf, function, _chunked(steps, size)[0]).raised


def _groups(pending: list[_Pending]) -> list[list[_Pending]]:
    """Cases of one chunk length and similar chunk counts, at most BATCH_CASES together: each
    batch's loop runs as many times as its longest case has chunks."""
    groups: list[list[_Pending]] = []
    for item in sorted(pending, key=lambda p: (p.size, p.rows)):
        if (
            groups
            and len(groups[-1]) < BATCH_CASES
            and item.size == groups[-1][0].size
            and item.rows <= groups[-1][0].rows * (1 + BATCH_SPREAD) + BATCH_SLACK
        ):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _split(batch: Callable[[list[_Pending]], dict], group: list[_Pending]) -> dict:
    """``batch`` on each half of a group that failed at run time, down to the case that fails:
    that one is left to the per-case path."""
    if len(group) == 1:
        return {}
    half = len(group) // 2
    return {**batch(group[:half]), **batch(group[half:])}


def _scalar_batch(tf, group: list[_Pending]) -> dict[tuple, Outcome]:
    """The scalar paths of a group of eager cases, as one traced function (see _map_many)."""
    rows = max(item.rows for item in group)
    batches = [
        tf.constant(_chunked(item.steps, item.size, rows), tf.as_dtype(item.steps.dtype))
        for item in group
    ]
    functions, dtypes = [i.function for i in group], [i.dtype for i in group]
    failed: set[int] = set()
    map_many = tf.autograph.experimental.do_not_convert(_map_many)

    def traced(*batches):
        # The AutoGraph status here is the one map_fn sees in _scalar_path's traced lambda.
        status = tf.__internal__.autograph.control_status_ctx()
        return map_many(tf, functions, batches, dtypes, status, failed)

    try:
        mapped = tf.function(traced)(*batches)
    except Exception:  # noqa: BLE001 - some case raised at run time
        return _split(functools.partial(_scalar_batch, tf), group)
    return {
        item.key: Outcome(values=np.asarray(mapped[index]).reshape(-1)[: len(item.steps)])
        for index, item in enumerate(group)
        if index not in failed
    }


def _map_many(tf, functions: list, batches, dtypes: list, status, failed: set[int]):
    """``tf.map_fn(functions[i], batches[i], fn_output_signature=dtypes[i])`` for every i, as
    one ``map_fn`` over the rows of all the batches (which have as many rows): one loop to
    build and run instead of one per case, and each function still gets its own chunks.

    ``map_fn`` converts its ``fn`` with ``tf_convert(fn, status)``, ``status`` being AutoGraph's
    where ``map_fn`` is called: the caller captures that status, each function is converted
    with it, and the body calling them is left as written.

    The values are read as the per-case path reads them: flattened, the first ``len(steps)``.
    That gives the same values when every chunk's value has one element per step (``tf.case``
    returns a scalar for a chunk of one step). A function that returns anything else (which
    ``map_fn`` may reject or lay out otherwise), or raises here, adds its index to ``failed``
    and gets zeros: its column is thrown away and its case evaluated on its own.
    """
    converted = [tf.__internal__.autograph.tf_convert(f, status) for f in functions]

    @tf.autograph.experimental.do_not_convert
    def apply_all(chunks):
        results = []
        for index, (function, chunk, dtype) in enumerate(zip(converted, chunks, dtypes)):
            try:
                value = function(chunk)
            except Exception:  # noqa: BLE001 - per case, as map_fn would have raised
                value = None
            if not (
                isinstance(value, tf.Tensor)
                and value.dtype == dtype
                and value.shape.num_elements() == chunk.shape.num_elements()
            ):
                failed.add(index)
                value = tf.zeros(chunk.shape, dtype)
            results.append(value)
        return tuple(results)

    return tf.map_fn(
        apply_all, tuple(batches), fn_output_signature=tuple(dtypes), parallel_iterations=64
    )


def _session(tf):
    """A Session on a new graph, with Grappler off (see the module docstring)."""
    config = tf.compat.v1.ConfigProto()
    config.graph_options.rewrite_options.disable_meta_optimizer = True
    graph = tf.Graph()
    return graph, tf.compat.v1.Session(graph=graph, config=config)


def _graph_vector_batch(
    oracle: TensorFlow, entry: EntryPoint, group: list[_Pending]
) -> dict[tuple, Outcome]:
    """compat.v1 vector paths of many cases: one graph, one ``Session.run``."""
    tf = oracle.tf
    graph, session = _session(tf)
    built = []
    with graph.as_default(), session:
        for item in group:
            value_at = oracle._factory(item.case, entry)[0]()
            step_vector = tf.compat.v1.placeholder(tf.as_dtype(item.steps.dtype), shape=[None])
            try:
                built.append((item, step_vector, value_at(step_vector)))
            except Exception:  # noqa: BLE001 - evaluate() reports it
                continue
        try:
            fetches = [tensor for _, _, tensor in built]
            values = session.run(fetches, {p: item.steps for item, p, _ in built})
        except Exception:  # noqa: BLE001 - some case raised at run time
            values = None
    if values is None:
        return _split(functools.partial(_graph_vector_batch, oracle, entry), [b[0] for b in built])
    return {item.key: Outcome(values=np.asarray(v)) for (item, _, _), v in zip(built, values)}


def _graph_scalar_batch(
    oracle: TensorFlow, entry: EntryPoint, group: list[_Pending]
) -> dict[tuple, Outcome]:
    """compat.v1 scalar paths of many cases: one graph, one ``map_fn`` (see _map_many), one
    ``Session.run``."""
    tf = oracle.tf
    rows = max(item.rows for item in group)
    graph, session = _session(tf)
    with graph.as_default(), session:
        ready, batches = [], []
        for item in group:
            value_at = oracle._factory(item.case, entry)[0]()
            batch = tf.constant(
                _chunked(item.steps, item.size, rows), tf.as_dtype(item.steps.dtype)
            )
            try:
                # As in _evaluate_graph: the dtype of one chunk's value (never run).
                item.function, item.dtype = value_at, value_at(batch[0]).dtype
            except Exception:  # noqa: BLE001 - evaluate() reports it
                continue
            ready.append(item)
            batches.append(batch)
        if not ready:
            return {}
        functions, dtypes = [i.function for i in ready], [i.dtype for i in ready]
        failed: set[int] = set()
        # The AutoGraph status here is the one map_fn sees in _evaluate_graph.
        status = tf.__internal__.autograph.control_status_ctx()
        try:
            values = session.run(_map_many(tf, functions, batches, dtypes, status, failed))
        except Exception:  # noqa: BLE001 - some case raised at run time
            values = None
    if values is None:
        return _split(functools.partial(_graph_scalar_batch, oracle, entry), ready)
    return {
        item.key: Outcome(values=np.asarray(values[index]).reshape(-1)[: len(item.steps)])
        for index, item in enumerate(ready)
        if index not in failed
    }


def _optional_import(name: str):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return __import__(name)
    except Exception:  # noqa: BLE001 - absent or broken: the suite says so and goes on
        return None


def _import_tfa():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import tensorflow_addons

        return tensorflow_addons, None
    except Exception as error:  # noqa: BLE001 - tfa fails to import on TF >= 2.16
        return None, f"{type(error).__name__}: {error}"


def _other_backend(backend: str) -> str:
    return (
        f"tf.keras would compute with Keras 3's {backend} backend here, not TensorFlow "
        "(KERAS_BACKEND, or ~/.keras/keras.json): set KERAS_BACKEND=tensorflow to check "
        "against TensorFlow"
    )


def _keras_version() -> str:
    import keras

    return keras.__version__


@functools.lru_cache(maxsize=1)
def tensorflow() -> TensorFlow | None:
    """The installed TensorFlow, or None where it does not import."""
    try:
        return TensorFlow()
    except ImportError:
        return None

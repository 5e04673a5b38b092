"""Reproducers: for a failing check, a Python program that runs when pasted into ``python``
(with the target importable) and prints the target's value beside TensorFlow's where they part.

A schedule check's program evaluates the target and TensorFlow at the first diverging step and
the steps around it, one step per call on the scalar path; on the vector path it evaluates the
whole step array, written out exactly, in one call (with TensorFlow's SIMD kernels plugged into
the target where the check did so), and prints the same few steps. An optimizer check's program
replays the trajectory up to the first diverging update, with the case's seeded gradients from
:mod:`conformance.cases` (``Gradients(...)``), and prints the diverging parameter on both sides.

TensorFlow's side is the live call, written out as :mod:`conformance.oracles.tensorflow` makes it
(Grappler off, a Keras optimizer in one ``tf.function`` loop, TF1 in a graph run by a
``Session``), or, against the golden vectors, the stored value read from the vector file by case
id.
"""

from __future__ import annotations

import textwrap

from conformance import registry
from conformance.cases import (
    Case,
    ExplicitGradients,
    LearningRateSpec,
    OptimizerCase,
    SparseGradients,
)
from conformance.check import Check
from conformance.oracles import Oracle
from conformance.source import WIDTH, Call, imports, kwargs, show, steps_source
from conformance.targets import Target

#: Steps shown on each side of the first diverging one.
AROUND = 2

#: Keras entry points: the module their schedules and optimizers come from, and what it needs
#: imported.
_KERAS = {
    "tf.keras": ("tf.keras", None),
    "tf_keras": ("tf_keras", "import tf_keras"),
    "tf.keras.legacy": ("tf.keras", None),
    "tf_keras.legacy": ("tf_keras", "import tf_keras"),
    # tensorflow-addons' optimizers are legacy Keras optimizers taking tf.keras's schedules.
    "tfa": ("tf.keras", "import tensorflow_addons as tfa"),
}

_GRAPPLER_OFF = (
    "config = tf.compat.v1.ConfigProto()",
    "config.graph_options.rewrite_options.disable_meta_optimizer = True  # Grappler off",
)

_VECTORS = "from conformance.oracles.vectors import Vectors"


def _stored_set(oracle: Oracle) -> tuple[str, str]:
    """The expression that loads the oracle's vector set, and its import: a TensorFlow
    release's, or another set's (``oracle.source``, e.g. a Keras 3 backend's)."""
    return getattr(oracle, "source", (f"Vectors({oracle.tf_version!r})", _VECTORS))


def _lines(program: list[str]) -> list[str]:
    """One line per item (an item may hold several)."""
    return "\n".join(program).split("\n")


def window(index: int, size: int) -> range:
    """The positions shown: the diverging one and :data:`AROUND` on each side."""
    return range(max(0, index - AROUND), min(size, index + AROUND + 1))


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent="# ", subsequent_indent="# ")


def _header(oracle: Oracle, modules: tuple[str, ...], statements: list[str], kernels: bool):
    """The program's imports: numpy, TensorFlow where it runs (live, or its kernels), the
    target's modules, then the oracle side's own statements."""
    live = oracle.against == "tf" or kernels
    lines = imports(["numpy as np", *(["tensorflow as tf"] if live else []), *modules])
    lines += [s for s in statements if s.startswith("import ")]
    lines += [s for s in statements if not s.startswith("import ")]
    if kernels:
        lines.append("from conformance.oracles.tensorflow import TensorFlowVectorKernels")
    return lines


# -- schedules ---------------------------------------------------------------------------------


def schedule(
    check: Check,
    case: Case,
    target: Target,
    oracle: Oracle,
    index: int | None,
    *,
    kernels: bool = False,
) -> list[str]:
    """The program for a failing schedule check, evaluated on ``case`` (the steps the check
    compared); ``index``: the position of the first diverging step (None: the first steps);
    ``kernels``: TensorFlow's SIMD kernels were plugged into the target (float32 vector path)."""
    index = 0 if index is None else index
    shown = window(index, len(case.steps))
    vector = check.path == "vector"
    built = target.schedule_source(case, check.dtype, check.entry.flavor)
    theirs, statements = _tensorflow_schedule(case, check, oracle)
    where = f"{case.id} on {check.entry.label}, {check.dtype}, {check.path} path"
    if case.step_input is not None:  # one call, on the step as a user passes it
        return _lines(
            [
                *_comment(f"{where}: the target and TensorFlow given the step {case.step_input}."),
                *_header(oracle, built.imports, statements, kernels),
                "",
                f"STEP = {case.step_input}  # as a user passes it",
                built.render(0, "TARGET = "),
                *theirs,
                "",
                "",
                *_step_input_evaluation(),
            ]
        )
    around = " and the steps around it" if len(shown) > 1 else ""
    lines = [
        *_comment(f"{where}: the target and TensorFlow at step {case.steps[index]}{around}."),
        *_header(oracle, built.imports, statements, kernels),
        "",
    ]
    if vector:
        lines.append(f"STEPS = {steps_source(case.steps, case.step_dtype)}  # the case's steps")
        lines.append(f"SHOWN = {list(shown)}  # positions in STEPS")
    else:
        steps = case.steps[shown.start : shown.stop]
        lines.append(f"STEPS = {steps_source(steps, case.step_dtype)}")
    lines += [built.render(0, "TARGET = "), *theirs, "", ""]
    return _lines(lines + (_vector_evaluation(target, kernels) if vector else _scalar_evaluation()))


def _scalar_evaluation() -> list[str]:
    return [
        "def value(function, step):",
        "    try:",
        "        return repr(float(np.asarray(function(step)).reshape(-1)[0]))",
        "    except Exception as error:",
        '        return f"raises {type(error).__name__}: {error}"',
        "",
        "",
        "for step in STEPS:  # one call per step, as the scalar path calls both",
        '    print(f"step {int(step)}: target {value(TARGET, step)}, '
        'TensorFlow {value(tensorflow, step)}")',
    ]


def _step_input_evaluation() -> list[str]:
    return [
        "def value(function, step):",
        "    try:",
        "        return repr(np.asarray(function(step)).tolist())",
        "    except Exception as error:",
        '        return f"raises {type(error).__name__}: {error}"',
        "",
        "",
        'print(f"step {STEP!r}: target {value(TARGET, STEP)}, "',
        '      f"TensorFlow {value(tensorflow, STEP)}")',
    ]


def _vector_evaluation(target: Target, kernels: bool) -> list[str]:
    if kernels:
        ours = [
            "# The vector path plugs TensorFlow's float32 kernels into the target:",
            f"with {target.name}.float32_kernels(TensorFlowVectorKernels(tf)):",
            "    ours = np.asarray(TARGET(STEPS)).reshape(-1)  # one call on the whole array",
        ]
    else:
        ours = ["ours = np.asarray(TARGET(STEPS)).reshape(-1)  # one call on the whole array"]
    return [
        *ours,
        "theirs = np.asarray(tensorflow(STEPS)).reshape(-1)",
        "for i in SHOWN:",
        '    print(f"step {int(STEPS[i])}: target {float(ours[i])!r}, '
        'TensorFlow {float(theirs[i])!r}")',
    ]


def _tensorflow_schedule(case: Case, check: Check, oracle: Oracle) -> tuple[list[str], list[str]]:
    """``def tensorflow(step)`` (of one step, or of the step array) as source, after a blank
    line, and the import statements it needs."""
    if hasattr(oracle, "schedule_program"):  # Keras 3 on another backend, live
        return oracle.schedule_program(case, check)
    if oracle.against != "tf":
        return _stored_schedule(case, check, oracle)
    entry = check.entry
    _, name = case.api.split(".", 1)
    arguments = tuple(kwargs(case.params))
    # A step as a user passes it goes to TensorFlow as it is; otherwise the optimizer's tensor.
    step = "step" if case.step_input is not None else f"tf.constant(step, tf.{case.step_dtype})"
    if entry.key in ("tf.keras", "tf_keras", "tfa"):
        if entry.key == "tfa":
            callee, statements = f"tfa.optimizers.{name}", ["import tensorflow_addons as tfa"]
        else:
            keras, statement = _KERAS[entry.key]
            callee, statements = (
                f"{keras}.optimizers.schedules.{name}",
                [statement] * bool(statement),
            )
        return [
            Call(callee, arguments).render(0, "TENSORFLOW = "),
            "",
            "",
            "def tensorflow(step):",
            f"    return TENSORFLOW({step})",
        ], statements
    step_argument = registry.get(case.api).step_argument
    value = Call(f"tf.compat.v1.train.{name}", (f"{step_argument}={step}", *arguments))
    if entry.key == "compat_v1.eager":
        return [
            "",
            "",
            "def tensorflow(step):",
            value.render(4, "    value = "),
            "    return value() if callable(value) else value  # eager: a callable",
        ], []
    return [
        "",
        "",
        "def tensorflow(step):  # TF1 in a graph, run by a Session, as the suite runs it",
        *(f"    {line}" for line in _GRAPPLER_OFF),
        "    with tf.Graph().as_default(), tf.compat.v1.Session(config=config) as session:",
        value.render(8, "        return session.run(") + ")",
    ], []


def _stored_schedule(case: Case, check: Check, oracle: Oracle) -> tuple[list[str], list[str]]:
    directory = oracle.directory(case.api).name
    lines = [
        "",
        f"# TensorFlow's stored outcome: conformance/vectors/{directory}/{case.api}.json",
        f"RECORD = {_stored_set(oracle)[0]}.record_of(",
        f"    {case.api!r}, {case.id!r}, {check.entry.key!r}",
        ")",
        f"STORED = decode_outcome(RECORD['results'][{check.entry.key!r}][{check.path!r}])",
        "",
        "",
        "def tensorflow(step):",
        "    if STORED.raised:",
        '        raise RuntimeError(f"TensorFlow raised {STORED.error} at {STORED.phase}")',
    ]
    if case.step_input is not None:  # one call: what TensorFlow returned for that step
        lines.append("    return STORED.values.reshape(np.shape(step))")
        return lines, [
            _stored_set(oracle)[1],
            "from conformance.vectors.format import decode_outcome",
        ]
    lines.append("    where = np.searchsorted(RECORD['steps'], step)")
    if check.path == "scalar":
        lines += [
            "    if STORED.step_errors is not None and STORED.step_errors[where] is not None:",
            '        raise RuntimeError(f"TensorFlow raised {STORED.step_errors[where]}")',
        ]
    lines.append("    return STORED.values[where]")
    return lines, [_stored_set(oracle)[1], "from conformance.vectors.format import decode_outcome"]


# -- optimizers --------------------------------------------------------------------------------


def optimizer(
    check: Check,
    target: Target,
    oracle: Oracle,
    update: int | None,
    parameter: int | None,
    *,
    kernels: bool = False,
    variant: dict[str, str] | None = None,
) -> list[str]:
    """The program for a failing optimizer check: both trajectories replayed up to ``update``
    (the first diverging one; None: the last), parameter ``parameter`` printed (None: all);
    ``kernels``: TensorFlow's SIMD kernels plugged into the target; ``variant``: the declared
    variant the target was held to (its exact value is printed too)."""
    case: OptimizerCase = check.case
    entry, dtype = check.entry, check.dtype
    update = case.gradients.steps - 1 if update is None else update
    if isinstance(case.gradients, ExplicitGradients):
        return _explicit_optimizer(check, target, oracle, update, kernels=kernels)
    built = target.optimizer_source(case, entry.flavor, dtype)
    theirs, statements = _tensorflow_optimizer(case, check, oracle)
    sparse = isinstance(case.gradients, SparseGradients)
    at = "[PARAMETER]" if parameter is not None else ""
    lines = [
        *_comment(
            f"{case.id} on {entry.label}, {dtype}: both trajectories replayed to update "
            f"{update} (0-based), the first that diverges"
            + (f", at parameter {parameter}" if parameter is not None else "")
            + " (the parameters flattened and concatenated)."
        ),
        *_header(oracle, built.imports, statements, kernels),
        f"from conformance.cases import {'SparseGradients' if sparse else 'Gradients'}",
    ]
    if variant:
        lines += [
            "from conformance import variants",
            "from conformance.cases import optimizer_cases",
        ]
    lines += [
        "",
        f"GRADIENTS = {_generator_source(case.gradients)}  # the case's seeded gradients",
        f"UPDATES = {update + 1}  # updates 0 .. {update}",
    ]
    if parameter is not None:
        lines.append(f"PARAMETER = {parameter}")
    lines += ["", "", "def target():", built.render(4, "    optimizer = ")]
    lines += ["    params = GRADIENTS.initial_params()", "    state = optimizer.init(params)"]
    updates = _target_updates(target, sparse)
    if kernels:
        lines.append(f"    with {target.name}.float32_kernels(TensorFlowVectorKernels(tf)):")
        lines += [f"    {line}" for line in updates]
    else:
        lines += updates
    lines.append("    return np.concatenate([np.ravel(p) for p in params]).astype(np.float64)")
    lines += ["", "", *theirs, ""]
    if variant:
        declared = ", ".join(f"{k!r}: {v!r}" for k, v in sorted(variant.items()))
        lines += [
            f"CASE = next(c for c in optimizer_cases({case.api!r}) if c.id == {case.id!r})",
            f"EXACT = variants.variant_trajectory(CASE, {entry.flavor!r}, {{{declared}}})",
        ]
    lines += [
        "",
        f'print("target    ", target(){at}.tolist())',
        f'print("TensorFlow", tensorflow(){at}.tolist())',
    ]
    if variant:
        lines.append(f'print("variant   ", EXACT[UPDATES - 1]{at}.tolist())  # held to this')
    return _lines(lines)


def _generator_source(gradients) -> str:
    """``Gradients(seed=3)``: the generator with the arguments that are not its defaults."""
    default = type(gradients)()
    changed = [
        f"{name}={getattr(gradients, name)!r}"
        for name in gradients.__dataclass_fields__
        if getattr(gradients, name) != getattr(default, name)
    ]
    return f"{type(gradients).__name__}({', '.join(changed)})"


def _target_updates(target: Target, sparse: bool) -> list[str]:
    if sparse:
        return [
            "    indices, values = GRADIENTS.sequence()",
            "    for t in range(UPDATES):",
            f"        grads = [{target.name}.optimizers.IndexedSlices(indices[t], values[t])]",
            "        params, state = optimizer.step(grads, params, state)",
        ]
    return [
        "    for row in GRADIENTS.columns()[:UPDATES]:",
        "        params, state = optimizer.step(GRADIENTS.split(row), params, state)",
    ]


def _tensorflow_optimizer(
    case: OptimizerCase, check: Check, oracle: Oracle
) -> tuple[list[str], list[str]]:
    """``def tensorflow()``: TensorFlow's parameters after UPDATES updates, as source, and the
    import statements it needs."""
    entry = check.entry
    if hasattr(oracle, "trajectory_program"):  # Keras 3 on another backend, live
        return oracle.trajectory_program(case, check)
    if oracle.against != "tf":
        return _stored_trajectory(case, check, oracle)
    sparse = isinstance(case.gradients, SparseGradients)
    arguments = tuple(kwargs(case.params))
    if entry.flavor == "compat_v1":
        return _tensorflow_v1_optimizer(case, arguments, sparse), []
    built, statement = _keras_optimizer_call(case, entry.key, arguments)
    legacy = entry.key.endswith(".legacy") or entry.key == "tfa"
    lines = [
        "def tensorflow():  # one tf.function loop, Grappler off, as the suite runs it",
        '    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})',
        built.render(4, "    optimizer = "),
        "    variables = [tf.Variable(p.astype(np.float32)) for p in GRADIENTS.initial_params()]",
        "    optimizer._create_all_weights(variables)  # slots are made before the loop"
        if legacy
        else "    optimizer.build(variables)  # slots are made before the loop",
    ]
    if sparse:
        lines += [
            "    indices, values = GRADIENTS.sequence()",
            "    indices, values = tf.constant(indices), tf.constant(values.astype(np.float32))",
            "    shape = tf.constant(variables[0].shape, tf.int64)",
            "",
            "    def gradients_at(t):",
            "        return [tf.IndexedSlices(values[t], indices[t], shape)]",
        ]
    else:
        lines += [
            "    columns = GRADIENTS.split(GRADIENTS.columns().astype(np.float32))",
            "    columns = [tf.constant(c) for c in columns]",
            "",
            "    def gradients_at(t):",
            "        return [c[t] for c in columns]",
        ]
    lines += [
        "",
        "    def update(t):",
        "        optimizer.apply_gradients(zip(gradients_at(t), variables))",
        "        return (t + 1,)",
        "",
        "    # A while loop written out: AutoGraph cannot read source pasted into python.",
        "    run = tf.function(lambda: tf.while_loop(lambda t: t < UPDATES, update, (0,)))",
        "    run()",
        "    return np.concatenate([v.numpy().ravel() for v in variables]).astype(np.float64)",
    ]
    return lines, [statement] * bool(statement)


def _keras_optimizer_call(case: OptimizerCase, key: str, arguments: tuple) -> tuple[Call, str]:
    """The Keras optimizer of a case on entry point ``key``, as a call, and the import statement
    it needs (or None)."""
    keras, statement = _KERAS[key]
    rate = case.learning_rate
    if isinstance(rate, LearningRateSpec):
        schedule_class = f"{keras}.optimizers.schedules.{rate.api.split('.', 1)[1]}"
        rate_argument = ("learning_rate=", Call(schedule_class, tuple(kwargs(rate.params))))
    else:
        rate_argument = f"learning_rate={show(rate)}"
    module = f"{keras}.optimizers" + (".legacy" if key.endswith(".legacy") else "")
    if key == "tfa":
        module = "tfa.optimizers"
    return Call(f"{module}.{case.family}", (rate_argument, *arguments)), statement


def _v1_optimizer_call(case: OptimizerCase, arguments: tuple) -> Call:
    """The TF1 optimizer of a case, as a call (a decay function reads ``global_step``)."""
    rate = case.learning_rate
    if isinstance(rate, LearningRateSpec):
        function = f"tf.compat.v1.train.{rate.api.split('.', 1)[1]}"
        rate_argument = ("", Call(function, ("global_step=global_step", *kwargs(rate.params))))
    else:
        rate_argument = show(rate)
    return Call(f"tf.compat.v1.train.{case.family}", (rate_argument, *arguments))


def _explicit_optimizer(
    check: Check, target: Target, oracle: Oracle, update: int, *, kernels: bool
) -> list[str]:
    """The program for a failing check of a case with its updates written out
    (:class:`~conformance.cases.ExplicitGradients`, the bad-input catalogue): both sides run
    the updates as the suite runs them (TensorFlow eagerly, one ``apply_gradients`` per update;
    TF1 in a graph with Grappler off) and print the parameters or the exception."""
    case: OptimizerCase = check.case
    entry, dtype = check.entry, check.dtype
    built = target.optimizer_source(case, entry.flavor, dtype)
    gradients: ExplicitGradients = case.gradients
    statements: list[str] = []
    if oracle.against != "tf":
        theirs, statements = _stored_trajectory(case, check, oracle)
    elif entry.flavor == "compat_v1":
        theirs = [
            "def tensorflow():  # one apply_gradients op per update in a graph, Grappler off",
            *(f"    {line}" for line in _GRAPPLER_OFF),
            "    with tf.Graph().as_default(), tf.compat.v1.Session(config=config) as session:",
            "        global_step = tf.compat.v1.train.get_or_create_global_step()",
            "        variables = [tf.Variable(p) for p in GRADIENTS.initial_params()]",
            _v1_optimizer_call(case, tuple(kwargs(case.params))).render(8, "        optimizer = "),
            "        train = [",
            "            optimizer.apply_gradients(",
            "                list(zip(constants(t), variables)), global_step=global_step",
            "            )",
            "            for t in range(UPDATES)",
            "        ]",
            "        session.run(tf.compat.v1.global_variables_initializer())",
            "        for op in train:",
            "            session.run(op)",
            "        found = session.run(variables)",
            "    return np.concatenate([np.ravel(v) for v in found]).astype(np.float64)",
        ]
    else:
        call, statement = _keras_optimizer_call(case, entry.key, tuple(kwargs(case.params)))
        statements = [statement] * bool(statement)
        theirs = [
            "def tensorflow():  # eagerly, one apply_gradients per update",
            call.render(4, "    optimizer = "),
            "    variables = [tf.Variable(p) for p in GRADIENTS.initial_params()]",
            "    for t in range(UPDATES):",
            "        optimizer.apply_gradients(zip(constants(t), variables))",
            "    return np.concatenate([v.numpy().ravel() for v in variables]).astype(np.float64)",
        ]
    written = ", ".join(
        "(" + "".join(f"{_literal_source(g)}, " for g in row) + ")" for row in gradients.updates
    )
    initial = "".join(f"{_literal_source(p)}, " for p in gradients.initial)
    step = "        params, state = optimizer.step(GRADIENTS.gradients_at(t), params, state)"
    lines = [
        *_comment(
            f"{case.id} on {entry.label}, {dtype}: both sides after update {update} (0-based), "
            "the parameters flattened and concatenated, or the exception raised."
        ),
        *_header(oracle, built.imports, statements, kernels),
        "from conformance.cases import ExplicitGradients, Literal",
        "",
        f"GRADIENTS = ExplicitGradients(({initial}), ({written},))",
        f"UPDATES = {update + 1}  # updates 0 .. {update}",
        "",
        "",
        "def constants(t):",
        "    return [None if g is None else tf.constant(g) for g in GRADIENTS.gradients_at(t)]",
        "",
        "",
        "def target():",
        built.render(4, "    optimizer = "),
        "    params = GRADIENTS.initial_params()",
        "    state = optimizer.init(params)",
    ]
    if kernels:
        lines.append(f"    with {target.name}.float32_kernels(TensorFlowVectorKernels(tf)):")
        lines += ["        for t in range(UPDATES):", f"    {step}"]
    else:
        lines += ["    for t in range(UPDATES):", step]
    lines += [
        "    return np.concatenate([np.ravel(p) for p in params]).astype(np.float64)",
        "",
        "",
        *theirs,
        "",
        "",
        "def outcome(run):",
        "    try:",
        "        return run().tolist()",
        "    except Exception as error:",
        '        return f"raises {type(error).__name__}: {error}"',
        "",
        "",
        'print("target    ", outcome(target))',
        'print("TensorFlow", outcome(tensorflow))',
    ]
    return _lines(lines)


def _literal_source(literal) -> str:
    if literal is None:
        return "None"
    return f"Literal({show(literal.values)}, {literal.dtype!r})"


def _tensorflow_v1_optimizer(case: OptimizerCase, arguments: tuple, sparse: bool) -> list[str]:
    built = _v1_optimizer_call(case, arguments)
    lines = [
        "def tensorflow():  # minimize(sum(var * g), global_step=gs) in a graph, Grappler off",
        *(f"    {line}" for line in _GRAPPLER_OFF),
        "    with tf.Graph().as_default(), tf.compat.v1.Session(config=config) as session:",
        "        global_step = tf.compat.v1.train.get_or_create_global_step()",
        "        initial = GRADIENTS.initial_params()",
        "        variables = [tf.Variable(p.astype(np.float32)) for p in initial]",
    ]
    if sparse:
        lines += [
            "        indices, values = GRADIENTS.sequence()",
            "        fed_indices = tf.compat.v1.placeholder(tf.int64, indices.shape[1:])",
            "        fed_values = tf.compat.v1.placeholder(tf.float32, values.shape[1:])",
            "        loss = tf.reduce_sum(tf.gather(variables[0], fed_indices) * fed_values)",
            "        feeds = [",
            "            {fed_indices: i, fed_values: v.astype(np.float32)}",
            "            for i, v in zip(indices, values)",
            "        ]",
        ]
    else:
        lines += [
            "        fed = [tf.compat.v1.placeholder(tf.float32, p.shape) for p in initial]",
            "        loss = tf.add_n([tf.reduce_sum(v * g) for v, g in zip(variables, fed)])",
            "        columns = GRADIENTS.split(GRADIENTS.columns().astype(np.float32))",
            "        feeds = [{g: c[t] for g, c in zip(fed, columns)} for t in range(UPDATES)]",
        ]
    lines += [
        built.render(8, "        optimizer = "),
        "        train = optimizer.minimize(loss, global_step=global_step)",
        "        session.run(tf.compat.v1.global_variables_initializer())",
        "        for feed in feeds[:UPDATES]:",
        "            session.run(train, feed)",
        "        found = session.run([v.read_value() for v in variables])",
        "    return np.concatenate([np.ravel(v) for v in found]).astype(np.float64)",
    ]
    return lines


def _stored_trajectory(
    case: OptimizerCase, check: Check, oracle: Oracle
) -> tuple[list[str], list[str]]:
    directory = oracle.directory(case.api).name
    key = check.entry.key
    lines = [
        f"RECORD = {_stored_set(oracle)[0]}.record_of(",
        f"    {case.api!r}, {case.id!r}, {key!r}",
        ")",
        "",
        "",
        "def tensorflow():  # TensorFlow's stored parameters after that update",
        f"    # conformance/vectors/{directory}/{case.api}.json",
        f"    stored = RECORD['results'][{key!r}]",
        "    row = RECORD['updates'].index(UPDATES - 1)",
        "    return decode_values(stored['params'][row], stored['dtype']).astype(np.float64)",
    ]
    return lines, [_stored_set(oracle)[1], "from conformance.vectors.format import decode_values"]


# -- a port's results file ---------------------------------------------------------------------


def results_schedule(
    check: Check, case: Case, oracle: Oracle, path: str, index: int, at: int | None
) -> list[str]:
    """The program for a failing check of a port's results file (``compare --results``): the
    port's values, read from the file (entry ``index``), beside TensorFlow's stored ones, at the
    first diverging step and the steps around it (``at``: its position in ``case.steps``)."""
    at = 0 if at is None else at
    shown = case.steps[window(at, len(case.steps)).start : window(at, len(case.steps)).stop]
    key = check.entry.key
    return [
        *_comment(
            f"{case.id} on {check.entry.label}, {check.dtype}, {check.path} path: the port's "
            f"results ({path}, results[{index}]) and TensorFlow's stored outcome at step "
            f"{case.steps[at]} and the steps around it."
        ),
        "import json",
        "",
        _stored_set(oracle)[1],
        "from conformance.vectors.format import decode_outcome, decode_values",
        "",
        f"RESULT = json.load(open({path!r}))['results'][{index}]",
        f"RECORD = {_stored_set(oracle)[0]}.record_of(",
        f"    {case.api!r}, {case.id!r}, {key!r}",
        ")",
        f"STORED = decode_outcome(RECORD['results'][{key!r}][{check.path!r}])",
        "OUR_STEPS = RESULT.get('steps', RECORD['steps'])",
        "",
        f"for step in {[int(s) for s in shown]}:",
        "    if 'error' in RESULT:",
        "        ours = f\"raises {RESULT['error']}\"",
        "    else:",
        "        dtype = RESULT.get('value_dtype', RESULT['dtype'])",
        "        ours = repr(float(decode_values(RESULT['values'], dtype)[OUR_STEPS.index(step)]))",
        "    if STORED.raised:",
        '        theirs = f"raises {STORED.error}"',
        "    else:",
        "        theirs = repr(float(STORED.values[RECORD['steps'].index(step)]))",
        '    print(f"step {step}: port {ours}, TensorFlow {theirs}")',
    ]


def results_trajectory(
    check: Check, oracle: Oracle, path: str, index: int, update: int | None, parameter: int | None
) -> list[str]:
    """The program for a failing optimizer check of a port's results file: the port's
    parameters after the first diverging stored update beside TensorFlow's stored ones."""
    case: OptimizerCase = check.case
    key = check.entry.key
    at = "" if parameter is None else f"[{parameter}]"
    update = case.gradients.steps - 1 if update is None else update
    return [
        *_comment(
            f"{case.id} on {check.entry.label}, {check.dtype}: the port's parameters ({path}, "
            f"results[{index}]) and TensorFlow's stored ones after update {update} (0-based)"
            + (f", parameter {parameter}." if parameter is not None else ".")
        ),
        "import json",
        "",
        _stored_set(oracle)[1],
        "from conformance.vectors.format import decode_values",
        "",
        f"RESULT = json.load(open({path!r}))['results'][{index}]",
        f"RECORD = {_stored_set(oracle)[0]}.record_of(",
        f"    {case.api!r}, {case.id!r}, {key!r}",
        ")",
        f"ROW = RECORD['updates'].index({update})",
        f"STORED = RECORD['results'][{key!r}]",
        "dtype = RESULT.get('value_dtype', RESULT['dtype'])",
        f"print('port      ', decode_values(RESULT['params'][ROW], dtype){at}.tolist())",
        f"print('TensorFlow', decode_values(STORED['params'][ROW], STORED['dtype']){at}.tolist())",
    ]

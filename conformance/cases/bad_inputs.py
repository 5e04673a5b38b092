"""The bad-input catalogue: every argument of every API given what it should not be.

Each argument of each schedule, decay function and optimizer is given ``None``, a string, a
bool, nan, +-inf, 0, a negative number, a float32 subnormal number, a number above float32's
largest, integers beyond int32 and int64; lists of the wrong length, unsorted or repeated
boundaries, empty lists; steps as a user passes them by hand (strings, ``None``, Python and
numpy numbers, numpy arrays); optimizer gradients that are ``None``, nan, inf, of the wrong
dtype, shape or count. TensorFlow's answer (its exception class and phase, or its values with
their nan pattern) is never written here: the checks take it from live TensorFlow or from the
golden vectors, like every other case.

The cases are ordinary catalogue cases (:class:`~conformance.cases.Case`,
:class:`~conformance.cases.OptimizerCase`) tagged ``bad-input``, with ids
``Family/bad-input/<argument>-<what>`` (schedules) and ``api/bad-input/<argument>-<what>``
(optimizers). Where the reference deliberately answers otherwise than TensorFlow, the case's
``differences`` says why, per entry point or flavour; docs/bad_inputs.md lists them all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace

from conformance.cases.model import (
    BAD_INPUT,
    Case,
    ExplicitGradients,
    Literal,
    OptimizerCase,
    StepInput,
    optimizer_case,
    schedule_case,
)

TAG = BAD_INPUT

#: The float32 subnormal every case uses: below the smallest normal float32 (1.18e-38).
SUBNORMAL = 1e-40
#: Above float32's largest number (3.4e38): a Python float that float32 cannot hold.
ABOVE_FLOAT32 = 1e39

#: (label, value) for a real-valued argument (a rate, a learning rate, a hyperparameter).
REAL_VALUES = (
    ("none", None),
    ("str", "0.1"),
    ("bool", True),
    ("nan", math.nan),
    ("inf", math.inf),
    ("minus-inf", -math.inf),
    ("zero", 0.0),
    ("negative", -0.5),
    ("subnormal", SUBNORMAL),
    ("above-float32-max", ABOVE_FLOAT32),
    ("beyond-int32", 2**31),
    ("beyond-int64", 2**63),
)
#: The same for a length in steps (``decay_steps``, ``step_size``).
STEP_COUNT_VALUES = (
    ("none", None),
    ("str", "10"),
    ("bool", True),
    ("nan", math.nan),
    ("inf", math.inf),
    ("zero", 0),
    ("negative", -10),
    ("subnormal", SUBNORMAL),
    ("above-float32-max", ABOVE_FLOAT32),
    ("beyond-int32", 2**31),
    ("beyond-int64", 2**63),
)
#: A shorter list for the arguments of the less used APIs.
SOME_VALUES = ("none", "str", "nan", "inf", "negative", "subnormal", "above-float32-max")

#: Steps as a user passes them by hand (``schedule(step)``, ``global_step=``).
STEP_INPUTS = (
    ("str", StepInput("3"), [0]),
    ("none", StepInput(None), [0]),
    ("bool", StepInput(True), [1]),
    ("python-int", StepInput(7), [7]),
    ("negative-python-int", StepInput(-3), [0]),
    ("python-float", StepInput(2.5), [0]),
    ("beyond-int64", StepInput(2**63), [0]),
    ("beyond-uint64", StepInput(2**64), [0]),
    ("numpy-int32", StepInput(5, "int32"), [5]),
    ("numpy-float64-nan", StepInput(math.nan, "float64"), [0]),
    ("numpy-float32-inf", StepInput(math.inf, "float32"), [0]),
    ("numpy-int64-array", StepInput([0, 3, 12], "int64"), [0, 3, 12]),
    ("list", StepInput([0, 3, 12]), [0, 3, 12]),
)

#: Steps of a case whose arguments are bad: short, with a far one.
STEPS = [0, 1, 5, 10, 1000]


def _values(labels: Iterable[str] | None, table) -> list[tuple[str, object]]:
    chosen = [(label, value) for label, value in table if labels is None or label in labels]
    return chosen


def arguments_cases(
    api: str,
    base: dict,
    arguments: dict[str, tuple],
    steps=STEPS,
    **kwargs,
) -> list[Case]:
    """One case per (argument, bad value): ``base`` with that argument replaced."""
    found = []
    for argument, table in arguments.items():
        for label, value in table:
            found.append(
                schedule_case(
                    api,
                    f"{TAG}/{argument}-{label}",
                    {**base, argument: value},
                    steps,
                    tags={TAG, label},
                    **kwargs,
                )
            )
    return found


def step_cases(api: str, base: dict, labels: Iterable[str] | None = None, **kwargs) -> list[Case]:
    """One case per step passed by hand (:data:`STEP_INPUTS`)."""
    found = []
    for label, step_input, steps in STEP_INPUTS:
        if labels is not None and label not in labels:
            continue
        found.append(
            schedule_case(
                api,
                f"{TAG}/step-{label}",
                base,
                steps,
                tags={TAG, "step", label},
                step_input=step_input,
                **kwargs,
            )
        )
    return found


REAL = REAL_VALUES
COUNT = STEP_COUNT_VALUES


def _some(table) -> tuple:
    return tuple(_values(SOME_VALUES, table))


# -- Keras schedules ------------------------------------------------------------------------------

_EXP = dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)
_POLY = dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=0.01, power=2.0)
_INV = dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)
_COS = dict(initial_learning_rate=0.1, decay_steps=10, alpha=0.1)
_CDR = dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.1)
_PWC = dict(boundaries=[10, 20], values=[1.0, 0.5, 0.1])

KERAS_BAD_INPUTS: list[Case] = [
    *arguments_cases(
        "schedules.ExponentialDecay",
        _EXP,
        {"initial_learning_rate": REAL, "decay_steps": COUNT, "decay_rate": REAL},
    ),
    *step_cases("schedules.ExponentialDecay", _EXP),
    *arguments_cases(
        "schedules.PolynomialDecay",
        _POLY,
        {
            "initial_learning_rate": _some(REAL),
            "decay_steps": _some(COUNT),
            "end_learning_rate": _some(REAL),
            "power": _some(REAL),
        },
    ),
    *step_cases("schedules.PolynomialDecay", _POLY, ("str", "none", "beyond-int64", "list")),
    *arguments_cases(
        "schedules.InverseTimeDecay",
        _INV,
        {
            "initial_learning_rate": _some(REAL),
            "decay_steps": _some(COUNT),
            "decay_rate": _some(REAL),
        },
    ),
    *arguments_cases(
        "schedules.CosineDecay",
        _COS,
        {"initial_learning_rate": _some(REAL), "decay_steps": _some(COUNT), "alpha": _some(REAL)},
    ),
    schedule_case(
        "schedules.CosineDecay",
        f"{TAG}/negative-learning-rate-end",
        dict(initial_learning_rate=-0.1, decay_steps=10),
        [0, 5, 10, 11],
        tags={TAG, "negative", "signed-zero"},
        why="at the end the rate is -0.1 * 0.0: -0.0 in TensorFlow, whose flush-to-zero keeps "
        "the sign",
    ),
    *arguments_cases(
        "schedules.CosineDecay",
        dict(initial_learning_rate=0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5),
        {"warmup_target": _some(REAL), "warmup_steps": _some(COUNT)},
        steps=[0, 1, 4],
        flavors=frozenset({"keras2", "keras3"}),
    ),
    *arguments_cases(
        "schedules.CosineDecayRestarts",
        _CDR,
        {
            "initial_learning_rate": _some(REAL),
            "first_decay_steps": _some(COUNT),
            "t_mul": _some(REAL),
            "m_mul": _some(REAL),
            "alpha": _some(REAL),
        },
    ),
    *arguments_cases(
        "schedules.PiecewiseConstantDecay",
        _PWC,
        {
            "boundaries": (
                ("none", None),
                ("str", "10"),
                ("empty", []),
                ("unsorted", [20, 10]),
                ("duplicate", [10, 10]),
                ("wrong-length", [10]),
                ("strings", ["10", "20"]),
                ("nan", [10.0, math.nan]),
                ("beyond-int64", [10, 2**63]),
                ("negative", [-20, -10]),
            ),
            "values": (
                ("none", None),
                ("empty", []),
                ("strings", ["1.0", "0.5", "0.1"]),
                ("nan", [1.0, math.nan, 0.1]),
                ("inf", [1.0, math.inf, 0.1]),
                ("subnormal", [1.0, SUBNORMAL, 0.1]),
                ("above-float32-max", [1.0, ABOVE_FLOAT32, 0.1]),
                ("bools", [True, False, True]),
            ),
        },
        steps=[0, 10, 11, 20, 21],
    ),
    schedule_case(
        "schedules.PiecewiseConstantDecay",
        f"{TAG}/both-empty",
        dict(boundaries=[], values=[]),
        [0, 1],
        tags={TAG, "empty"},
    ),
    *step_cases("schedules.PiecewiseConstantDecay", _PWC, ("str", "none", "python-float", "list")),
]


# -- tensorflow-addons' cyclical schedules ---------------------------------------------------

_TFA = dict(initial_learning_rate=0.1, maximal_learning_rate=1.0, step_size=4)
_TFA_APIS = (
    "schedules.TriangularCyclicalLearningRate",
    "schedules.Triangular2CyclicalLearningRate",
    "schedules.ExponentialCyclicalLearningRate",
)

ADDONS_BAD_INPUTS: list[Case] = [
    *arguments_cases(
        "schedules.TriangularCyclicalLearningRate",
        _TFA,
        {
            "initial_learning_rate": _some(REAL),
            "maximal_learning_rate": _some(REAL),
            "step_size": _some(COUNT),
        },
    ),
    *arguments_cases(
        "schedules.ExponentialCyclicalLearningRate",
        dict(_TFA, gamma=0.99),
        {"gamma": _some(REAL), "scale_mode": (("none", None), ("int", 1))},
        steps=[0, 1, 5],
    ),
    # tfa hands scale_fn the step as the caller passed it (scale_mode="iterations"): values for
    # Python and numpy integers, TypeError for an int64 tensor (the catalogue's other cases).
    *(
        case
        for api in _TFA_APIS[1:]
        for case in step_cases(
            api,
            dict(_TFA, scale_mode="iterations"),
            (
                "python-int",
                "numpy-int32",
                "numpy-int64-array",
                "python-float",
                "list",
                "str",
                "beyond-int64",
            ),
        )
    ),
]


# -- compat.v1 decay functions --------------------------------------------------------------------

_V1 = {
    "exponential_decay": dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "natural_exp_decay": dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "inverse_time_decay": dict(learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "polynomial_decay": dict(learning_rate=0.1, decay_steps=10),
    "cosine_decay": dict(learning_rate=0.1, decay_steps=10),
    "cosine_decay_restarts": dict(learning_rate=0.1, first_decay_steps=10),
    "linear_cosine_decay": dict(learning_rate=0.1, decay_steps=10),
    "piecewise_constant": dict(boundaries=[10, 20], values=[1.0, 0.5, 0.1]),
}

COMPAT_V1_BAD_INPUTS: list[Case] = [
    *arguments_cases(
        "compat_v1.exponential_decay",
        _V1["exponential_decay"],
        {"learning_rate": _some(REAL), "decay_steps": _some(COUNT), "decay_rate": _some(REAL)},
    ),
    *arguments_cases(
        "compat_v1.natural_exp_decay",
        _V1["natural_exp_decay"],
        {"decay_rate": _some(REAL)},
    ),
    *(
        case
        for name, base in _V1.items()
        for case in step_cases(
            f"compat_v1.{name}",
            base,
            ("str", "none", "beyond-int64", "python-float", "numpy-int64-array"),
        )
    ),
    *arguments_cases(
        "compat_v1.linear_cosine_decay",
        _V1["linear_cosine_decay"],
        {"num_periods": _some(REAL), "alpha": _some(REAL), "beta": _some(REAL)},
    ),
    *arguments_cases(
        "compat_v1.piecewise_constant",
        _V1["piecewise_constant"],
        {
            "boundaries": (
                ("none", None),
                ("empty", []),
                ("unsorted", [20, 10]),
                ("duplicate", [10, 10]),
                ("beyond-int64", [10, 2**63]),
            ),
            "values": (("none", None), ("nan", [1.0, math.nan, 0.1])),
        },
        steps=[0, 10, 11, 20, 21],
    ),
]


# -- where the reference deliberately answers otherwise (docs/bad_inputs.md) ----------------------

#: The exact formula (float64 mode) against TensorFlow's float32 where a subnormal argument or
#: an overflow decides: TensorFlow's float32 reads 1e-40 as 0 and overflows where float64 does
#: not. Only the float32 mode is TensorFlow's arithmetic.
EXACT_FORMULA = (
    "float64 mode is the exact formula, which reads a float32-subnormal argument as itself and "
    "does not overflow where float32 does; TensorFlow's float32 kernels read the subnormal as 0 "
    "(denormals-are-zero) or overflow: float32 mode checks TensorFlow's arithmetic here"
)
#: TensorFlow's own transcendental kernels on a subnormal operand.
SUBNORMAL_OPERAND = (
    "a float32-subnormal operand of pow, exp, log or cos: TensorFlow's scalar kernels read its "
    "bits their own way (TF 2.21: pow(1e-40, 0.1) = 3.05e-5, log(1e-40) = -103.97; TF 2.15: "
    "log(1e-40) = -inf), the C library the reference calls reads it as a number (pow gives "
    "1e-4); the vector path, computed with TensorFlow's kernels plugged in, agrees"
)
#: compat.v1 in graph mode converts some values where eager mode refuses them.
GRAPH_MODE = (
    "graph mode (tf.compat.v1 in a Session) converts this value where eager mode raises, or "
    "raises another class: the reference mirrors eager mode, TF2's default, and names the "
    "argument"
)
#: tf.case takes one step at a time.
ONE_STEP_AT_A_TIME = (
    "Keras 2's and compat.v1's piecewise schedule choose with tf.case, which needs a scalar "
    "step and raises for a step vector that spans intervals; the reference evaluates a vector "
    "element by element"
)
#: zip(gradients, variables) drops the unmatched ones silently.
ZIP = (
    "TensorFlow is given zip(gradients, variables), which silently drops the unmatched "
    "variables (Keras 2 then raises KeyError, legacy and TF1 leave them alone); the reference's "
    "step(grads, params, state) takes both lists and raises ValueError naming the counts"
)

#: tf.case(exclusive=True) in a traced function or graph.
EXCLUSIVE_CASE = (
    "Keras 2's PiecewiseConstantDecay, run in a traced function, finds more than one interval "
    "holding the step where a boundary is nan and raises InvalidArgumentError (tf.case's "
    "exclusive=True check); the reference compares with IEEE nan (every comparison false) and "
    "returns values[0]"
)
#: Keras 2's tf.case returns the chosen value as it is.
NOT_A_NUMBER = (
    "Keras 2's PiecewiseConstantDecay returns the chosen value unconverted (a string or bool "
    "tensor), which fails later, in the optimizer; the reference refuses values that are not "
    "numbers when called, naming `values`"
)
#: Keras 3's RMSprop on an integer variable.
INTEGER_VARIABLE = (
    "Keras 3's RMSprop updates an int32 variable in integer arithmetic (its float "
    "hyperparameters cast to int32); the reference refuses an integer variable "
    "(InvalidArgumentError naming the parameter), as every other TensorFlow optimizer does"
)

_DIFFERENCES: list[tuple[str, dict[str, str]]] = [
    ("decay_steps-subnormal", {"float64": EXACT_FORMULA}),
    ("first_decay_steps-subnormal", {"float64": EXACT_FORMULA}),
    ("step_size-subnormal", {"float64": EXACT_FORMULA}),
    ("decay_rate-subnormal", {"scalar": SUBNORMAL_OPERAND, "float64": EXACT_FORMULA}),
    ("power-subnormal", {"scalar": SUBNORMAL_OPERAND, "float64": EXACT_FORMULA}),
    ("t_mul-subnormal", {"scalar": SUBNORMAL_OPERAND, "float64": EXACT_FORMULA}),
    ("m_mul-subnormal", {"scalar": SUBNORMAL_OPERAND, "float64": EXACT_FORMULA}),
    ("gamma-subnormal", {"scalar": SUBNORMAL_OPERAND, "float64": EXACT_FORMULA}),
    ("boundaries-nan", {"float64": EXACT_FORMULA, "keras2": EXCLUSIVE_CASE}),
    ("boundaries-unsorted", {"compat_v1.graph": GRAPH_MODE}),
    ("alpha-above-float32-max", {"float64": EXACT_FORMULA}),
    ("warmup_steps-subnormal", {"float64": EXACT_FORMULA}),
    ("values-strings", {"keras2": NOT_A_NUMBER}),
    ("values-bools", {"keras2": NOT_A_NUMBER}),
    ("RMSprop/bad-input/params-int32", {"keras3": INTEGER_VARIABLE}),
    ("above-float32-max", {"compat_v1.graph": GRAPH_MODE}),
    ("step-beyond-int64", {"compat_v1.graph": GRAPH_MODE}),
    ("learning_rate-str", {"compat_v1.graph": GRAPH_MODE}),
    ("decay_rate-str", {"compat_v1.graph": GRAPH_MODE}),
    ("step-list", {"keras2": ONE_STEP_AT_A_TIME, "compat_v1": ONE_STEP_AT_A_TIME}),
    ("step-numpy-int64-array", {"keras2": ONE_STEP_AT_A_TIME, "compat_v1": ONE_STEP_AT_A_TIME}),
    ("gradient-square-overflows", {"float64": EXACT_FORMULA}),
    ("tiny-gradients-tiny-epsilon", {"float64": EXACT_FORMULA}),
    ("epsilon-subnormal-zero-gradient", {"float64": EXACT_FORMULA}),
    ("gradient-subnormal", {"float64": EXACT_FORMULA}),
    ("params-subnormal", {"float64": EXACT_FORMULA}),
    ("gradients-too-few", {"keras2": ZIP, "legacy": ZIP, "compat_v1": ZIP}),
]


def with_differences(cases: list) -> list:
    """The cases with the documented differences that apply to them (:data:`_DIFFERENCES`,
    matched on the end of the case id; only PiecewiseConstantDecay and piecewise_constant take
    the one-step-at-a-time ones)."""
    found = []
    for case in cases:
        differences: dict[str, str] = {}
        for suffix, reasons in _DIFFERENCES:
            if not case.id.endswith(suffix):
                continue
            if reasons.get("keras2") is ONE_STEP_AT_A_TIME and "iecewise" not in case.api:
                continue
            differences.update(reasons)
        found.append(replace(case, differences=differences) if differences else case)
    return found


SCHEDULE_BAD_INPUTS: list[Case] = with_differences(
    [*KERAS_BAD_INPUTS, *ADDONS_BAD_INPUTS, *COMPAT_V1_BAD_INPUTS]
)


# -- optimizers -----------------------------------------------------------------------------------

_PARAMS = (Literal((0.5, -0.25, 1.0)), Literal((0.75, -1.0)))
_GRADIENT = (Literal((0.1, -0.2, 0.3)), Literal((-0.4, 0.5)))


def explicit(*updates: tuple, initial: tuple = _PARAMS) -> ExplicitGradients:
    return ExplicitGradients(initial=tuple(initial), updates=tuple(tuple(u) for u in updates))


#: The same ordinary update three times.
ORDINARY = explicit(_GRADIENT, _GRADIENT, _GRADIENT)

#: (label, gradients) every optimizer is given.
GRADIENT_INPUTS = (
    ("gradient-none", explicit((None, _GRADIENT[1]), _GRADIENT)),
    ("gradients-all-none", explicit((None, None))),
    ("gradient-nan", explicit((Literal((math.nan, 0.1, 0.2)), _GRADIENT[1]), _GRADIENT)),
    ("gradient-inf", explicit((Literal((math.inf, -math.inf, 0.2)), _GRADIENT[1]), _GRADIENT)),
    ("gradient-float64", explicit((Literal((0.1, -0.2, 0.3), "float64"), _GRADIENT[1]))),
    ("gradient-int32", explicit((Literal((1, -2, 3), "int32"), _GRADIENT[1]))),
    ("gradient-wrong-shape", explicit((Literal((0.1, -0.2)), _GRADIENT[1]))),
    ("gradient-scalar", explicit((Literal(0.1), _GRADIENT[1]))),
    ("gradients-too-few", explicit((_GRADIENT[0],), _GRADIENT)),
    (
        "gradient-subnormal",
        explicit(
            (Literal((SUBNORMAL, -SUBNORMAL, SUBNORMAL)), _GRADIENT[1]),
            initial=(Literal((0.0, 0.0, 0.0)), _PARAMS[1]),
        ),
    ),
    (
        "gradient-square-overflows",
        explicit((Literal((1e30, -1e30, 1e20)), _GRADIENT[1]), _GRADIENT, _GRADIENT),
    ),
    ("params-int32", explicit(_GRADIENT, initial=(Literal((1, -2, 3), "int32"), _PARAMS[1]))),
    (
        "params-subnormal",
        explicit(_GRADIENT, initial=(Literal((SUBNORMAL, 0.0, -SUBNORMAL)), _PARAMS[1])),
    ),
)

#: (api, hyperparameters beside the learning rate, with the bad values each gets).
OPTIMIZER_HYPERPARAMETERS = {
    "optimizers.Adam": {"beta_1": SOME_VALUES, "beta_2": ("nan", "negative"), "epsilon": None},
    "optimizers.RMSprop": {"rho": SOME_VALUES, "momentum": ("nan", "negative"), "epsilon": None},
    "optimizers.legacy.Adam": {"beta_1": SOME_VALUES, "epsilon": None},
    "optimizers.legacy.RMSprop": {"rho": SOME_VALUES, "epsilon": None},
    "compat_v1.AdamOptimizer": {"beta1": SOME_VALUES, "epsilon": None},
    "compat_v1.RMSPropOptimizer": {"decay": SOME_VALUES, "epsilon": None},
    "compat_v1.GradientDescentOptimizer": {},
}

#: The epsilon values every optimizer with one gets (None: all of REAL_VALUES).
_EPSILON = ("none", "str", "nan", "zero", "negative", "subnormal", "above-float32-max")

#: Learning rates every optimizer gets.
_LEARNING_RATES = ("none", "str", "nan", "inf", "zero", "negative", "subnormal")


#: Inputs that make TensorFlow's graph kernels abort the whole process (``Check failed:
#: dtype() == expected_dtype`` in tensor.cc, TF 2.15 and 2.21) instead of raising: the TF1
#: optimizers are not given them (there is no exception to compare; the reference raises
#: InvalidArgumentError naming the argument).
_ABORTS_TF1 = frozenset({"gradient-float64", "params-int32"})


def _optimizer_cases(api: str) -> list[OptimizerCase]:
    found = []
    for label, gradients in GRADIENT_INPUTS:
        if api.startswith("compat_v1.") and label in _ABORTS_TF1:
            continue
        found.append(
            optimizer_case(api, f"{TAG}/{label}", {}, 0.1, gradients, tags={TAG, "gradient"})
        )
    for label, value in _values(_LEARNING_RATES, REAL_VALUES):
        found.append(
            optimizer_case(
                api,
                f"{TAG}/learning_rate-{label}",
                {},
                value,
                ORDINARY,
                tags={TAG, "learning_rate", label},
            )
        )
    for argument, labels in OPTIMIZER_HYPERPARAMETERS[api].items():
        for label, value in _values(labels or _EPSILON, REAL_VALUES):
            found.append(
                optimizer_case(
                    api,
                    f"{TAG}/{argument}-{label}",
                    {argument: value},
                    0.1,
                    ORDINARY,
                    tags={TAG, argument, label},
                )
            )
    return found


OPTIMIZER_BAD_INPUTS: list[OptimizerCase] = [
    case for api in OPTIMIZER_HYPERPARAMETERS for case in _optimizer_cases(api)
]

#: Epsilon subnormal with a zero gradient, and tiny gradients with a tiny epsilon: where
#: denormals-are-zero turns the update into 0/0 or a huge step.
DENORMAL_OPTIMIZER_CASES: list[OptimizerCase] = [
    optimizer_case(
        api,
        f"{TAG}/epsilon-subnormal-zero-gradient",
        {epsilon: SUBNORMAL},
        0.1,
        explicit((Literal((0.0, 0.0, 0.0)), _GRADIENT[1]), _GRADIENT),
        tags={TAG, "subnormal", "epsilon"},
    )
    for api, epsilon in (
        ("optimizers.Adam", "epsilon"),
        ("optimizers.legacy.Adam", "epsilon"),
        ("compat_v1.AdamOptimizer", "epsilon"),
        ("optimizers.RMSprop", "epsilon"),
    )
] + [
    optimizer_case(
        api,
        f"{TAG}/tiny-gradients-tiny-epsilon",
        {"epsilon": 1e-30},
        0.1,
        explicit(
            (Literal((1e-20, -3e-20, 2e-21)), Literal((1e-19, 5e-20))),
            (Literal((2e-20, 1e-20, -1e-21)), Literal((-1e-19, 4e-20))),
        ),
        tags={TAG, "subnormal", "epsilon"},
    )
    for api in ("optimizers.Adam", "optimizers.legacy.Adam", "compat_v1.AdamOptimizer")
]

#: Checked in float32 mode only: the float64 mode is the exact formula of a valid update, while
#: these cases write their variables and gradients out in float32 (or another dtype on
#: purpose), and TensorFlow's answer to them is its float32 one.
BAD_INPUT_OPTIMIZER_CASES: list[OptimizerCase] = with_differences(
    [replace(case, float64=False) for case in [*OPTIMIZER_BAD_INPUTS, *DENORMAL_OPTIMIZER_CASES]]
)

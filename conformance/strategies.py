"""Hypothesis strategies for property-based differential fuzzing: random *valid* cases of every
API of the catalogue (wide ranges, boundaries, far steps; optimizer hyperparameters, variable
shapes and gradients), as ordinary :class:`~conformance.cases.Case` and
:class:`~conformance.cases.OptimizerCase` objects, so that any check of the catalogue can run
them against any target (``tests/test_fuzz.py``, ``pytest --target PKG``).

Importing this module needs ``hypothesis`` (the ``test`` extra). A failing example is printed
with its reproducer and as a catalogue entry (:func:`catalogue_entry`) to paste into
``conformance/cases/``.
"""

from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import strategies as st

from conformance import registry
from conformance.cases import (
    Case,
    ExplicitGradients,
    Literal,
    OptimizerCase,
    optimizer_case,
    schedule_case,
)

#: Steps worth drawing more often than uniformly: boundaries of float32 integer precision and
#: of int32.
FAR_STEPS = (2**24 - 1, 2**24, 2**24 + 1, 2**31 - 1)


def _rate(low: float, high: float):
    """A float32 number in [low, high] (the bounds rounded to float32), no subnormals."""
    return st.floats(
        float(np.float32(low)),
        float(np.float32(high)),
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
        width=32,
    )


learning_rates = st.one_of(_rate(1e-6, 1.0), st.sampled_from([0.1, 0.01, 1e-3, 1.0]))
step_counts = st.one_of(st.integers(1, 100), st.integers(1, 10**7))


def steps(boundaries: tuple[int, ...] = ()) -> st.SearchStrategy[list[int]]:
    """1 to 8 distinct sorted steps: small ones, far ones, and neighbours of ``boundaries``."""
    near = [b + d for b in boundaries for d in (-1, 0, 1) if b + d >= 0]
    one = st.one_of(
        st.integers(0, 200),
        st.integers(0, 2**31 - 1),
        st.sampled_from(FAR_STEPS),
        *([st.sampled_from(near)] if near else []),
    )
    return st.lists(one, min_size=1, max_size=8, unique=True).map(sorted)


@st.composite
def _exponential(draw, v1: bool = False):
    rate = "learning_rate" if v1 else "initial_learning_rate"
    return {
        rate: draw(learning_rates),
        "decay_steps": draw(step_counts),
        "decay_rate": draw(_rate(0.01, 1.5)),
        "staircase": draw(st.booleans()),
    }


@st.composite
def _polynomial(draw, v1: bool = False):
    lr = draw(learning_rates)
    return {
        "learning_rate" if v1 else "initial_learning_rate": lr,
        "decay_steps": draw(step_counts),
        "end_learning_rate": draw(_rate(0.0, lr)),
        "power": draw(_rate(0.1, 5.0)),
        "cycle": draw(st.booleans()),
    }


@st.composite
def _cosine(draw, v1: bool = False, warmup: bool = False):
    params = {
        "learning_rate" if v1 else "initial_learning_rate": draw(learning_rates),
        "decay_steps": draw(step_counts),
        "alpha": draw(_rate(0.0, 1.0)),
    }
    if warmup and draw(st.booleans()):
        params["warmup_target"] = draw(learning_rates)
        params["warmup_steps"] = draw(st.integers(0, 10**5))
    return params


@st.composite
def _restarts(draw, v1: bool = False):
    return {
        "learning_rate" if v1 else "initial_learning_rate": draw(learning_rates),
        "first_decay_steps": draw(st.integers(1, 10**5)),
        "t_mul": draw(st.one_of(st.just(1.0), st.just(2.0), _rate(1.0, 3.0))),
        "m_mul": draw(_rate(0.0, 1.0)),
        "alpha": draw(_rate(0.0, 1.0)),
    }


@st.composite
def _piecewise(draw):
    boundaries = sorted(draw(st.lists(st.integers(0, 10**6), min_size=1, max_size=5, unique=True)))
    values = draw(
        st.lists(learning_rates, min_size=len(boundaries) + 1, max_size=len(boundaries) + 1)
    )
    return {"boundaries": boundaries, "values": values}


@st.composite
def _cyclical(draw, name: str):
    lr = draw(learning_rates)
    params = {
        "initial_learning_rate": lr,
        "maximal_learning_rate": draw(_rate(lr, 10.0)),
        "step_size": draw(st.integers(1, 10**5)),
    }
    if name == "ExponentialCyclicalLearningRate":
        params["gamma"] = draw(_rate(0.9, 1.0))
        params["scale_mode"] = "cycle"  # "iterations" raises for the optimizer's int64 step
    elif name != "CyclicalLearningRate":
        params["scale_mode"] = draw(st.sampled_from(["cycle", "iterations"]))
    return params


def schedule_params(api: str, flavor: str | None = None) -> st.SearchStrategy[dict]:
    """Valid arguments of a schedule or decay function (TensorFlow's names)."""
    name = registry.get(api).short
    builders = {
        "ExponentialDecay": lambda: _exponential(),
        "InverseTimeDecay": lambda: _exponential(),
        "PolynomialDecay": lambda: _polynomial(),
        "CosineDecay": lambda: _cosine(warmup=flavor in ("keras2", "keras3")),
        "CosineDecayRestarts": lambda: _restarts(),
        "PiecewiseConstantDecay": lambda: _piecewise(),
        "exponential_decay": lambda: _exponential(v1=True),
        "natural_exp_decay": lambda: _exponential(v1=True),
        "inverse_time_decay": lambda: _exponential(v1=True),
        "polynomial_decay": lambda: _polynomial(v1=True),
        "cosine_decay": lambda: _cosine(v1=True),
        "cosine_decay_restarts": lambda: _restarts(v1=True),
        "piecewise_constant": lambda: _piecewise(),
        "piecewise_constant_decay": lambda: _piecewise(),
        "linear_cosine_decay": lambda: _cosine(v1=True).map(
            lambda p: {**p, "num_periods": 0.5, "beta": 0.001}
        ),
    }
    if name in builders:
        return builders[name]()
    if registry.get(api).origin is registry.TFA and name != "CyclicalLearningRate":
        return _cyclical(name)
    raise KeyError(f"no strategy for {api}")


#: The APIs the schedule strategies cover (noisy_linear_cosine_decay is random in TensorFlow,
#: and CyclicalLearningRate needs a user's scale_fn: their catalogue cases check them).
SCHEDULE_APIS = tuple(
    api
    for api in registry.names("schedules")
    if registry.get(api).short not in ("noisy_linear_cosine_decay", "CyclicalLearningRate")
)


@st.composite
def schedule_cases(draw, api: str, flavor: str | None = None) -> Case:
    """A random valid case of a schedule API, with its steps."""
    params = draw(schedule_params(api, flavor))
    boundaries = tuple(
        int(params[k]) for k in ("decay_steps", "first_decay_steps", "step_size") if k in params
    ) + tuple(params.get("boundaries", ()))
    drawn = draw(steps(boundaries))
    return schedule_case(api, _label(params, drawn), params, drawn, tags={"fuzz"})


def _label(*content) -> str:
    """``fuzz-<digest>``: a case id of its own for every drawn case, since the oracles keep
    what they computed by case id (one shared id would hand an example another's values)."""
    return "fuzz-" + hashlib.sha256(repr(content).encode()).hexdigest()[:16]


# -- optimizers -------------------------------------------------------------------------------


def _hyperparameters(api: str) -> st.SearchStrategy[dict]:
    name = registry.get(api).short
    epsilon = st.one_of(_rate(1e-10, 1e-3), st.just(1e-7))
    if name in ("Adam", "AdamOptimizer"):
        b1, b2 = ("beta1", "beta2") if name == "AdamOptimizer" else ("beta_1", "beta_2")
        fields = {b1: _rate(0.0, 0.999), b2: _rate(0.9, 0.9999), "epsilon": epsilon}
        if name == "Adam":
            fields["amsgrad"] = st.booleans()
        return st.fixed_dictionaries(fields)
    if name in ("RMSprop", "RMSPropOptimizer"):
        rho = "decay" if name == "RMSPropOptimizer" else "rho"
        return st.fixed_dictionaries(
            {
                rho: _rate(0.0, 0.99),
                "momentum": st.one_of(st.just(0.0), _rate(0.0, 0.99)),
                "epsilon": epsilon,
                "centered": st.booleans(),
            }
        )
    return st.just({})


#: Gradient magnitudes: ordinary, tiny (epsilon dominates), huge, exact zeros.
_GRADIENT = st.one_of(
    _rate(-3.0, 3.0),
    _rate(-1e-6, 1e-6),
    _rate(-1e4, 1e4),
    st.just(0.0),
)


@st.composite
def explicit_gradients(draw, max_updates: int = 6) -> ExplicitGradients:
    """One or two float32 variables of 1 to 33 elements (below and above one SIMD packet of 8
    floats), and 1 to ``max_updates`` updates of gradients of their shapes."""
    sizes = draw(st.lists(st.integers(1, 33), min_size=1, max_size=2))
    initial = tuple(
        Literal(tuple(draw(st.lists(_rate(-1.0, 1.0), min_size=n, max_size=n)))) for n in sizes
    )
    updates = draw(st.integers(1, max_updates))
    gradients = tuple(
        tuple(Literal(tuple(draw(st.lists(_GRADIENT, min_size=n, max_size=n)))) for n in sizes)
        for _ in range(updates)
    )
    return ExplicitGradients(initial, gradients)


@st.composite
def optimizer_cases(draw, api: str) -> OptimizerCase:
    """A random valid optimizer case: hyperparameters, learning rate, variables, gradients.
    A variable of 8 or more floats is updated by TensorFlow with SIMD kernels: such a case is
    tagged ``vector``, so that TensorFlow's kernels are plugged into the target."""
    gradients = draw(explicit_gradients())
    tags = {"fuzz"} | ({"vector"} if max(gradients.shapes) >= 8 else set())
    hyperparameters, learning_rate = draw(_hyperparameters(api)), draw(learning_rates)
    label = _label(hyperparameters, learning_rate, gradients)
    return optimizer_case(api, label, hyperparameters, learning_rate, gradients, tags=tags)


def catalogue_entry(case: Case | OptimizerCase) -> str:
    """The case as source to paste into ``conformance/cases/`` (a failing example)."""
    if isinstance(case, OptimizerCase):
        return (
            f"optimizer_case({case.api!r}, 'fuzz-<what>', {dict(case.params)!r}, "
            f"{case.learning_rate!r}, {case.gradients!r}, tags={set(case.tags)!r})"
        )
    return (
        f"schedule_case({case.api!r}, 'fuzz-<what>', {dict(case.params)!r}, "
        f"{case.steps.tolist()!r}, tags={{'fuzz'}})"
    )

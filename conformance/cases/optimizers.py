"""The optimizers' cases: whole trajectories of ``optimizers.Adam`` / ``RMSprop`` (Keras >= 2.11
and 3), ``optimizers.legacy.*`` (Keras 2's OptimizerV2) and ``compat_v1.*Optimizer`` (TF1).

The parameters are two variables of 3 and 5 elements (fewer than one AVX packet of 8 floats, so
TensorFlow's element-wise kernels take Eigen's scalar code, which the reference reproduces by
default); the ``vector`` cases use one 19-element variable, where whole packets take Eigen's
SIMD code and the reference is given TensorFlow's kernels (see reference._arith)."""

from __future__ import annotations

from conformance.cases.model import (
    GRADIENT_REGIMES,
    Gradients,
    LearningRateSpec,
    OptimizerCase,
    SparseGradients,
    optimizer_case,
)

_EXP_SCHEDULE = LearningRateSpec(
    "schedules.ExponentialDecay",
    dict(initial_learning_rate=0.01, decay_steps=100, decay_rate=0.5),
)
_STAIRCASE_SCHEDULE = LearningRateSpec(
    "schedules.ExponentialDecay",
    dict(initial_learning_rate=1e-3, decay_steps=25, decay_rate=0.95, staircase=True),
)
_V1_DECAY = LearningRateSpec(
    "compat_v1.exponential_decay",
    dict(learning_rate=0.01, decay_steps=10, decay_rate=0.9),
)
_VECTOR = Gradients(seed=7, shapes=(19,))


def _keras_and_legacy(api: str, family_params: list[tuple[str, dict, tuple]]) -> list:
    """The same hyperparameter sets for the Keras >= 2.11/3 class and its legacy twin, each with
    a float learning rate, a decaying schedule and the seed-000 staircase schedule."""
    found = []
    for label, params, tags in family_params:
        # A constant gradient has zero variance: see the centered-constant-gradient cases.
        regimes = _WELL_CONDITIONED if "centered" in tags else GRADIENT_REGIMES
        for seed, (lr_label, lr) in enumerate(
            (
                ("lr-float", 0.01),
                ("lr-exponential", _EXP_SCHEDULE),
                ("lr-staircase", _STAIRCASE_SCHEDULE),
            )
        ):
            found.append(
                optimizer_case(
                    api,
                    f"{label}/{lr_label}",
                    params,
                    lr,
                    Gradients(seed=seed, regimes=regimes),
                    tags=(*tags, lr_label),
                )
            )
    return found


_WELL_CONDITIONED = tuple(r if r != "small-constant" else "normal" for r in GRADIENT_REGIMES)
_CONSTANT = Gradients(seed=3, regimes=("small-constant", "sign-flips"))


def _centered_constant_gradient(
    api: str, params: dict, label: str = "centered-constant-gradient"
) -> OptimizerCase:
    return optimizer_case(
        api,
        label,
        params,
        0.01,
        _CONSTANT,
        tags={"centered", "cancellation"},
        float64=False,
        why="centered RMSprop of a constant gradient: the variance ms - mg^2 is a difference of "
        "equal numbers. With epsilon inside the root it stays finite; the legacy optimizer "
        "without momentum takes sqrt(ms - mg^2) + eps and turns nan when rounding makes it "
        "negative. Exact float64 cannot follow float32 here, so only float32 is checked",
    )


ADAM_PARAMS = [
    ("defaults", dict(), ()),
    ("amsgrad", dict(amsgrad=True), ("amsgrad",)),
    ("epsilon-zero", dict(epsilon=0.0), ("epsilon",)),
    ("beta1-zero", dict(beta_1=0.0, beta_2=0.9, epsilon=1e-3), ("seed003",)),
]
RMSPROP_PARAMS = [
    ("defaults", dict(), ()),
    ("momentum", dict(momentum=0.5), ("momentum",)),
    ("centered", dict(centered=True), ("centered",)),
    ("centered-momentum", dict(rho=0.8, momentum=0.9, centered=True), ("centered", "momentum")),
    ("epsilon-zero", dict(epsilon=0.0), ("epsilon",)),
]

OPTIMIZERS_KERAS = [
    *_keras_and_legacy("optimizers.Adam", ADAM_PARAMS),
    *_keras_and_legacy("optimizers.RMSprop", RMSPROP_PARAMS),
    optimizer_case(
        "optimizers.Adam",
        "adaptive-epsilon",
        dict(adaptive_epsilon=True),
        0.01,
        tags={"adaptive_epsilon"},
        entries=frozenset({"tf_keras"}),
        why="tf_keras >= 2.16 only: epsilon * sqrt(1 - beta_2^t) gives the standard form",
    ),
    optimizer_case("optimizers.Adam", "vector", dict(), 0.01, _VECTOR, tags={"vector"}),
    optimizer_case(
        "optimizers.RMSprop",
        "vector",
        dict(momentum=0.5),
        0.01,
        _VECTOR,
        tags={"vector"},
        why="Keras 2 computes rsqrt, whose AVX code differs from 1/sqrt in the last bit",
    ),
    _centered_constant_gradient("optimizers.RMSprop", dict(centered=True)),
    optimizer_case(
        "optimizers.Adam",
        "adaptive-epsilon-everywhere",
        dict(adaptive_epsilon=True),
        0.01,
        tags={"invalid"},
        flavors=frozenset({"keras3"}),
        why="Keras 3 refuses it (ValueError); only tf_keras >= 2.16 takes it (Keras 2.15, "
        "TF 2.15's tf.keras, raises TypeError: the keras2 flavour mirrors tf_keras)",
    ),
    optimizer_case(
        "optimizers.Adam",
        "lr-python-int",
        dict(),
        1,
        tags={"invalid"},
        why="Keras 3 takes only a Python float (ValueError); Keras 2 takes 1 as 1.0",
    ),
    optimizer_case(
        "optimizers.Adam",
        "kwarg-lr",
        dict(lr=0.5),
        0.01,
        tags={"invalid"},
        why="Keras 2 ignores lr= (the rate stays 0.01); Keras 3 raises ValueError",
    ),
    optimizer_case(
        "optimizers.RMSprop",
        "kwarg-decay",
        dict(decay=0.01),
        0.01,
        tags={"invalid"},
        why="Keras 2 raises ValueError; Keras 3 ignores decay= (no decay happens)",
    ),
    optimizer_case(
        "optimizers.RMSprop",
        "momentum-above-one",
        dict(momentum=1.5),
        0.01,
        Gradients(steps=200),
        tags={"invalid"},
        why="accepted by Keras 2.11+ and 3 (the legacy optimizer raises ValueError)",
    ),
]

OPTIMIZERS_LEGACY = [
    *_keras_and_legacy("optimizers.legacy.Adam", ADAM_PARAMS),
    *_keras_and_legacy("optimizers.legacy.RMSprop", RMSPROP_PARAMS),
    optimizer_case("optimizers.legacy.Adam", "decay", dict(decay=0.01), 0.01, tags={"decay"}),
    optimizer_case(
        "optimizers.legacy.RMSprop", "vector", dict(momentum=0.5), 0.01, _VECTOR, tags={"vector"}
    ),
    optimizer_case(
        "optimizers.legacy.RMSprop",
        "momentum-above-one",
        dict(momentum=1.5),
        0.01,
        Gradients(steps=200),
        tags={"invalid"},
        why="ValueError at construction",
    ),
    optimizer_case(
        "optimizers.legacy.Adam",
        "kwarg-lr",
        dict(lr=0.5),
        0.01,
        tags={"lr"},
        why="the legacy optimizers take lr= for learning_rate (the rate is 0.5)",
    ),
    _centered_constant_gradient("optimizers.legacy.RMSprop", dict(centered=True)),
    _centered_constant_gradient(
        "optimizers.legacy.RMSprop",
        dict(centered=True, momentum=0.5),
        "centered-momentum-constant-gradient",
    ),
]

OPTIMIZERS_COMPAT_V1 = [
    optimizer_case(
        f"compat_v1.{name}",
        f"{label}/{lr_label}",
        params,
        lr,
        Gradients(seed=seed),
        tags={lr_label},
    )
    for name, label, params in (
        ("AdamOptimizer", "defaults", dict()),
        ("AdamOptimizer", "epsilon-large", dict(beta1=0.0, epsilon=1e-3)),
        ("RMSPropOptimizer", "defaults", dict()),
        ("RMSPropOptimizer", "momentum", dict(momentum=0.5)),
        ("RMSPropOptimizer", "centered-momentum", dict(decay=0.8, momentum=0.9, centered=True)),
        ("GradientDescentOptimizer", "plain", dict()),
    )
    for seed, (lr_label, lr) in enumerate((("lr-float", 0.01), ("lr-v1-decay", _V1_DECAY)))
]

OPTIMIZERS_COMPAT_V1.append(
    _centered_constant_gradient("compat_v1.RMSPropOptimizer", dict(centered=True))
)

_SPARSE = SparseGradients(seed=11)
OPTIMIZERS_SPARSE = [
    optimizer_case(api, f"sparse/{label}", params, lr, _SPARSE, tags={"sparse"})
    for api, label, params, lr in (
        ("optimizers.Adam", "defaults", dict(), 0.01),
        ("optimizers.Adam", "amsgrad", dict(amsgrad=True), _EXP_SCHEDULE),
        ("optimizers.RMSprop", "defaults", dict(), 0.01),
        ("optimizers.RMSprop", "momentum", dict(momentum=0.5), _EXP_SCHEDULE),
        ("optimizers.RMSprop", "centered-momentum", dict(momentum=0.5, centered=True), 0.01),
        ("optimizers.legacy.Adam", "defaults", dict(), 0.01),
        ("optimizers.legacy.Adam", "amsgrad", dict(amsgrad=True), _EXP_SCHEDULE),
        ("optimizers.legacy.RMSprop", "defaults", dict(), 0.01),
        ("optimizers.legacy.RMSprop", "centered", dict(centered=True), 0.01),
        ("optimizers.legacy.RMSprop", "momentum", dict(momentum=0.5), _EXP_SCHEDULE),
        ("optimizers.legacy.RMSprop", "centered-momentum", dict(momentum=0.5, centered=True), 0.01),
        ("compat_v1.AdamOptimizer", "defaults", dict(), _V1_DECAY),
        ("compat_v1.RMSPropOptimizer", "defaults", dict(), 0.01),
        (
            "compat_v1.RMSPropOptimizer",
            "centered-momentum",
            dict(momentum=0.5, centered=True),
            _V1_DECAY,
        ),
        ("compat_v1.GradientDescentOptimizer", "plain", dict(), 0.01),
    )
]

#: Every Keras schedule as the learning rate of Adam and RMSprop with momentum (where the
#: learning rate sits inside the momentum buffer, so a changing rate matters).
_SCHEDULES = (
    (
        "piecewise",
        LearningRateSpec(
            "schedules.PiecewiseConstantDecay",
            dict(boundaries=[100, 500], values=[0.01, 0.005, 0.001]),
        ),
    ),
    (
        "polynomial",
        LearningRateSpec(
            "schedules.PolynomialDecay",
            dict(initial_learning_rate=0.01, decay_steps=800, power=2.0),
        ),
    ),
    (
        "polynomial-cycle",
        LearningRateSpec(
            "schedules.PolynomialDecay",
            dict(initial_learning_rate=0.01, decay_steps=300, cycle=True),
        ),
    ),
    (
        "inverse-time",
        LearningRateSpec(
            "schedules.InverseTimeDecay",
            dict(initial_learning_rate=0.01, decay_steps=100, decay_rate=0.5),
        ),
    ),
    (
        "cosine",
        LearningRateSpec(
            "schedules.CosineDecay", dict(initial_learning_rate=0.01, decay_steps=800, alpha=0.1)
        ),
    ),
    (
        "cosine-restarts",
        LearningRateSpec(
            "schedules.CosineDecayRestarts", dict(initial_learning_rate=0.01, first_decay_steps=100)
        ),
    ),
)
OPTIMIZERS_SCHEDULES = [
    optimizer_case(api, f"schedule/{label}", params, lr, Gradients(seed=20 + k), tags={"schedule"})
    for k, (label, lr) in enumerate(_SCHEDULES)
    for api, params in (
        ("optimizers.Adam", dict()),
        ("optimizers.RMSprop", dict(momentum=0.9)),
        ("optimizers.legacy.Adam", dict()),
        ("optimizers.legacy.RMSprop", dict(momentum=0.9)),
    )
]

OPTIMIZER_CASES: list[OptimizerCase] = [
    *OPTIMIZERS_KERAS,
    *OPTIMIZERS_LEGACY,
    *OPTIMIZERS_COMPAT_V1,
    *OPTIMIZERS_SPARSE,
    *OPTIMIZERS_SCHEDULES,
]

"""The optimizers' cases: whole trajectories of ``optimizers.Adam`` / ``AdamW`` / ``RMSprop``
(Keras >= 2.11 and 3), ``optimizers.legacy.*`` (Keras 2's OptimizerV2), ``addons.AdamW``
(tensorflow-addons) and ``compat_v1.*Optimizer`` (TF1), plain and with their options.

The parameters are two variables of 3 and 5 elements (fewer than one AVX packet of 8 floats, so
TensorFlow's element-wise kernels take Eigen's scalar code, which the reference reproduces by
default); the ``vector`` cases use one 19-element variable, where whole packets take Eigen's
SIMD code and the reference is given TensorFlow's kernels (see reference._arith)."""

from __future__ import annotations

from conformance.cases.model import (
    GRADIENT_REGIMES,
    Expr,
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

#: One variable of each size from 1 to 33 floats: Keras 2's RMSprop takes ``tf.math.rsqrt`` of
#: the whole denominator, whose first 8 * (n // 8) elements go through the CPU's approximate
#: ``rsqrtps`` (AVX packets of 8) and the rest through the exact 1 / sqrt (see
#: reference._rsqrt). Not ``vector`` cases: the reference's own kernels must match. The legacy
#: optimizer's fused ApplyRMSProp divides by an exact sqrt at any size (two sizes show it).
OPTIMIZERS_SIZES = [
    *(
        optimizer_case(
            "optimizers.RMSprop",
            f"size-{size:02d}",
            dict(),
            0.01,
            Gradients(seed=100 + size, steps=200, shapes=(size,)),
            tags={"machine-rsqrt"},
            why=f"{size} floats: {8 * (size // 8)} on the packet path, {size % 8} on the exact "
            "path (x86-64, AVX)",
        )
        for size in range(1, 34)
    ),
    *(
        optimizer_case(
            "optimizers.legacy.RMSprop",
            f"size-{size:02d}",
            dict(momentum=0.5),
            0.01,
            Gradients(seed=100 + size, steps=200, shapes=(size,)),
            tags={"machine-rsqrt", "momentum"},
            why="the fused ApplyRMSProp divides by an exact sqrt: no packet approximation",
        )
        for size in (8, 33)
    ),
]

OPTIMIZER_CASES: list[OptimizerCase] = [
    *OPTIMIZERS_KERAS,
    *OPTIMIZERS_LEGACY,
    *OPTIMIZERS_COMPAT_V1,
    *OPTIMIZERS_SPARSE,
    *OPTIMIZERS_SCHEDULES,
    *OPTIMIZERS_SIZES,
]


# -- the options: weight decay, clipping, EMA, accumulation, loss scaling, callables ---------------
#
# Each option alone on Adam, AdamW and RMSprop (Keras >= 2.11 and 3), then in combination, with
# sparse gradients where TensorFlow takes them; the legacy optimizers' keyword arguments;
# tensorflow-addons' AdamW; callables of no argument wherever TensorFlow takes them. The
# gradients' "huge" column (1e4) keeps every clipping threshold below active.

_KERAS_FAMILIES = (
    ("optimizers.Adam", dict()),
    ("optimizers.AdamW", dict()),
    ("optimizers.RMSprop", dict(momentum=0.5)),
)
_KERAS3 = frozenset({"keras3"})

#: (label, params, learning rate, tags, flavors, why): each option alone.
_KERAS_OPTIONS = (
    ("weight-decay", dict(weight_decay=0.01), 0.01, {"weight_decay"}, None, ""),
    ("clipnorm", dict(clipnorm=1.0), 0.01, {"clipnorm"}, None, ""),
    ("clipvalue", dict(clipvalue=0.5), 0.01, {"clipvalue"}, None, ""),
    (
        "global-clipnorm",
        dict(global_clipnorm=1.0),
        0.01,
        {"global_clipnorm"},
        None,
        "Keras 3 computes its own global norm (sqrt of the summed squares); Keras 2 calls "
        "tf.clip_by_global_norm (half squares, doubled)",
    ),
    (
        "global-clipnorm-inside",
        dict(global_clipnorm=3e5),
        0.01,
        {"global_clipnorm"},
        None,
        "a norm that never exceeds the threshold still multiplies every gradient by "
        "c * min(1/norm, 1/c), and float32(3e5) * (1/float32(3e5)) is not 1",
    ),
    (
        "ema",
        dict(use_ema=True),
        0.01,
        {"ema"},
        None,
        "without ema_overwrite_frequency the average never reaches the weights during training "
        "(only finalize_variable_values, after model.fit, writes it)",
    ),
    (
        "ema-overwrite",
        dict(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=10),
        0.01,
        {"ema"},
        None,
        "every 10th update the weights become their moving average: Keras 3 starts the average "
        "at the first update's weights, Keras 2 at the initial weights",
    ),
    (
        "loss-scale",
        dict(loss_scale_factor=3.0),
        0.01,
        {"loss_scale_factor"},
        None,
        "Keras 3 divides every gradient by the factor (a float32 division, not exact for 3); "
        "Keras 2 has no such argument (TypeError)",
    ),
    (
        "loss-scale-power-of-two",
        dict(loss_scale_factor=1024.0),
        0.01,
        {"loss_scale_factor"},
        _KERAS3,
        "dividing by a power of two is exact: the trajectory is the unscaled one",
    ),
    (
        "accumulation",
        dict(gradient_accumulation_steps=4),
        0.01,
        {"gradient_accumulation_steps"},
        None,
        "Keras 3 updates every 4th call with the mean gradient; the weights hold in between "
        "(Keras 2 has no such argument: TypeError)",
    ),
    (
        "lr-callable",
        dict(),
        Expr("lambda: 0.01"),
        {"callable"},
        None,
        "a callable of no argument: Keras 3 calls it at every update, Keras 2 once when the "
        "optimizer is built",
    ),
)

#: Options TensorFlow refuses, each flavour in its own way.
_KERAS_REFUSED = (
    (
        "clipnorm-and-global-clipnorm",
        dict(clipnorm=1.0, global_clipnorm=1.0),
        "ValueError in both Kerases",
    ),
    (
        "clipnorm-and-clipvalue",
        dict(clipnorm=1.0, clipvalue=0.5),
        "Keras 3 takes one clipping option (ValueError); Keras 2 takes both and clips by norm only",
    ),
    (
        "accumulation-one",
        dict(gradient_accumulation_steps=1),
        "Keras 3 wants at least 2 (ValueError); Keras 2 has no such argument (TypeError)",
    ),
    (
        "ema-momentum-above-one",
        dict(use_ema=True, ema_momentum=1.5),
        "ValueError at construction in both Kerases",
    ),
    (
        "beta-1-callable",
        dict(beta_1=Expr("lambda: 0.9")),
        "the Keras >= 2.11 optimizers cannot turn a callable beta_1 into a tensor "
        "(TypeError when applied in a tf.function, ValueError eagerly); the legacy ones call "
        "it",
    ),
    (
        "epsilon-callable",
        dict(epsilon=Expr("lambda: 1e-7")),
        "TypeError when applied in a tf.function (ValueError eagerly), in every Keras",
    ),
)

_ADAMW_NONE = optimizer_case(
    "optimizers.AdamW",
    "weight-decay-none",
    dict(weight_decay=None),
    0.01,
    Gradients(steps=50),
    tags={"invalid"},
    why="AdamW refuses weight_decay=None (ValueError) in both Kerases",
)


def _keras_options() -> list[OptimizerCase]:
    found = []
    for f, (api, family) in enumerate(_KERAS_FAMILIES):
        for k, (label, params, lr, tags, flavors, why) in enumerate(_KERAS_OPTIONS):
            if api == "optimizers.AdamW" and label == "weight-decay":
                params = dict(weight_decay=0.1)  # AdamW decays by default (0.004) anyway
            found.append(
                optimizer_case(
                    api,
                    f"options/{label}",
                    {**family, **params},
                    lr,
                    Gradients(seed=30 + 20 * f + k),
                    tags={"options", *tags},
                    flavors=flavors,
                    why=why,
                )
            )
        for label, params, why in _KERAS_REFUSED:
            found.append(
                optimizer_case(
                    api,
                    f"options/{label}",
                    {**family, **params},
                    0.01,
                    Gradients(steps=200),
                    tags={"options", "invalid"},
                    why=why,
                )
            )
    found.append(
        optimizer_case(
            "optimizers.RMSprop",
            "options/momentum-callable",
            dict(momentum=Expr("lambda: 0.5")),
            0.01,
            Gradients(steps=200),
            tags={"options", "invalid", "callable"},
            why="Keras compares momentum with 0 when it makes the slots (TypeError); the legacy "
            "RMSprop calls it",
        )
    )
    found.append(
        optimizer_case(
            "optimizers.AdamW",
            "options/weight-decay-callable",
            dict(weight_decay=Expr("lambda: 0.004")),
            0.01,
            Gradients(steps=200),
            tags={"options", "invalid", "callable"},
            why="TypeError when applied in a tf.function (tfa's AdamW calls it)",
        )
    )
    found.append(_ADAMW_NONE)
    return found


#: Options together, and with schedules.
_COMBINATIONS = [
    optimizer_case(
        "optimizers.AdamW",
        "options/clipnorm+schedule",
        dict(weight_decay=0.05, clipnorm=1.0),
        _EXP_SCHEDULE,
        Gradients(seed=100),
        tags={"options", "weight_decay", "clipnorm", "schedule"},
        why="the decay follows the schedule: lambda * lr(t) * theta",
    ),
    optimizer_case(
        "optimizers.Adam",
        "options/ema-overwrite+schedule",
        dict(use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=25),
        _STAIRCASE_SCHEDULE,
        Gradients(seed=101),
        tags={"options", "ema", "schedule"},
        why="the overwrite every 25 updates and the staircase every 25 steps fall together",
    ),
    optimizer_case(
        "optimizers.Adam",
        "options/accumulation+schedule",
        dict(gradient_accumulation_steps=3),
        _EXP_SCHEDULE,
        Gradients(seed=102),
        tags={"options", "gradient_accumulation_steps", "schedule"},
        flavors=_KERAS3,
        why="the schedule reads the calls (3 per update), the bias correction the updates",
    ),
    optimizer_case(
        "optimizers.AdamW",
        "options/everything",
        dict(
            weight_decay=0.02,
            amsgrad=True,
            global_clipnorm=2.0,
            use_ema=True,
            ema_momentum=0.95,
            ema_overwrite_frequency=7,
            loss_scale_factor=3.0,
            gradient_accumulation_steps=2,
        ),
        _EXP_SCHEDULE,
        Gradients(seed=103),
        tags={"options", "schedule"},
        flavors=_KERAS3,
        why="every Keras 3 option at once: loss scale, accumulation, global clipping of the "
        "mean, decay, amsgrad, EMA read at the updates and overwritten every 7th",
    ),
    optimizer_case(
        "optimizers.RMSprop",
        "options/centered-momentum+decay+clipvalue+ema",
        dict(
            rho=0.8,
            momentum=0.9,
            centered=True,
            weight_decay=0.01,
            clipvalue=0.1,
            use_ema=True,
            ema_overwrite_frequency=50,
        ),
        _STAIRCASE_SCHEDULE,
        Gradients(seed=104, regimes=_WELL_CONDITIONED),
        tags={"options", "centered", "momentum", "schedule"},
    ),
    optimizer_case(
        "optimizers.Adam",
        "options/clipnorm-vector",
        dict(clipnorm=1.0),
        0.01,
        _VECTOR,
        tags={"options", "clipnorm", "vector"},
        why="the norm of 19 floats: Eigen sums two AVX packets lane-wise, then the lanes as a "
        "tree, then the 3 left over",
    ),
    optimizer_case(
        "optimizers.Adam",
        "options/global-clipnorm-vector",
        dict(global_clipnorm=1.0),
        0.01,
        _VECTOR,
        tags={"options", "global_clipnorm", "vector"},
    ),
]

#: The options with sparse gradients, where TensorFlow takes them (and two where it does not).
_SPARSE_OPTIONS = (
    ("weight-decay", dict(weight_decay=0.01)),
    ("clipnorm", dict(clipnorm=1.0)),
    ("clipvalue", dict(clipvalue=0.5)),
    ("global-clipnorm", dict(global_clipnorm=1.0)),
    ("ema-overwrite", dict(use_ema=True, ema_overwrite_frequency=10)),
    ("accumulation", dict(gradient_accumulation_steps=2)),
    ("loss-scale", dict(loss_scale_factor=2.0)),
)
_SPARSE_WHY = {
    "weight-decay": "the decay takes the whole variable, not only the touched rows",
    "global-clipnorm": "Keras 3 makes the gradient dense to take its norm, and keeps it dense",
    "accumulation": "the accumulator is dense: the sparse gradient is summed into it",
    "loss-scale": "Keras 3 cannot divide an IndexedSlices by a float (TypeError when applied)",
}


def _sparse_options() -> list[OptimizerCase]:
    found = []
    for api, family in _KERAS_FAMILIES:
        for label, params in _SPARSE_OPTIONS:
            found.append(
                optimizer_case(
                    api,
                    f"sparse/options/{label}",
                    {**family, **params},
                    0.01,
                    _SPARSE,
                    tags={"sparse", "options"},
                    why=_SPARSE_WHY.get(label, ""),
                )
            )
    for api in ("optimizers.legacy.Adam", "optimizers.legacy.RMSprop"):
        for label, params in _SPARSE_OPTIONS[1:4]:
            found.append(
                optimizer_case(
                    api,
                    f"sparse/options/{label}",
                    params,
                    0.01,
                    _SPARSE,
                    tags={"sparse", "options"},
                    why="clipped on the rows as given, before the repeated rows are summed",
                )
            )
    return found


# -- the legacy optimizers' keyword arguments and callables ----------------------------------------

_LEGACY_OPTIONS = (
    ("clipnorm", dict(clipnorm=1.0), 0.01, {"clipnorm"}, ""),
    ("clipvalue", dict(clipvalue=0.5), 0.01, {"clipvalue"}, ""),
    ("global-clipnorm", dict(global_clipnorm=1.0), 0.01, {"global_clipnorm"}, ""),
    (
        "clipvalue+clipnorm",
        dict(clipvalue=0.5, clipnorm=1.0),
        0.01,
        {"clipvalue", "clipnorm"},
        "OptimizerV2 applies clipvalue, then clipnorm",
    ),
    (
        "clipvalue+global-clipnorm",
        dict(clipvalue=0.5, global_clipnorm=1.0),
        0.01,
        {"clipvalue", "global_clipnorm"},
        "",
    ),
    (
        "decay+schedule",
        dict(decay=0.01),
        _EXP_SCHEDULE,
        {"decay", "schedule"},
        "decay divides the schedule's rate by 1 + decay * step, on top",
    ),
    (
        "lr-callable",
        dict(),
        Expr("lambda: 0.01"),
        {"callable"},
        "called with no argument at every update (_get_hyper)",
    ),
)


def _legacy_options() -> list[OptimizerCase]:
    found = []
    for f, (api, family) in enumerate(
        (("optimizers.legacy.Adam", dict()), ("optimizers.legacy.RMSprop", dict(momentum=0.5)))
    ):
        for k, (label, params, lr, tags, why) in enumerate(_LEGACY_OPTIONS):
            found.append(
                optimizer_case(
                    api,
                    f"options/{label}",
                    {**family, **params},
                    lr,
                    Gradients(seed=150 + 20 * f + k),
                    tags={"options", *tags},
                    why=why,
                )
            )
        found.append(
            optimizer_case(
                api,
                "options/clipnorm-and-global-clipnorm",
                {**family, "clipnorm": 1.0, "global_clipnorm": 1.0},
                0.01,
                Gradients(steps=200),
                tags={"options", "invalid"},
                why="ValueError at construction",
            )
        )
        found.append(
            optimizer_case(
                api,
                "options/epsilon-callable",
                {**family, "epsilon": Expr("lambda: 1e-7")},
                0.01,
                Gradients(steps=200),
                tags={"options", "invalid", "callable"},
                why="epsilon is converted as it is (TypeError when applied in a tf.function)",
            )
        )
    found += [
        optimizer_case(
            "optimizers.legacy.Adam",
            "options/betas-callable",
            dict(beta_1=Expr("lambda: 0.8"), beta_2=Expr("lambda: 0.99")),
            0.01,
            Gradients(seed=190),
            tags={"options", "callable"},
            why="OptimizerV2 calls a callable hyperparameter at every update",
        ),
        optimizer_case(
            "optimizers.legacy.RMSprop",
            "options/rho-callable",
            dict(rho=Expr("lambda: 0.8")),
            0.01,
            Gradients(seed=191),
            tags={"options", "callable"},
        ),
        optimizer_case(
            "optimizers.legacy.RMSprop",
            "options/momentum-callable",
            dict(momentum=Expr("lambda: 0.5")),
            0.01,
            Gradients(seed=192),
            tags={"options", "callable", "momentum"},
        ),
        optimizer_case(
            "optimizers.legacy.RMSprop",
            "options/momentum-callable-zero",
            dict(momentum=Expr("lambda: 0.0")),
            0.01,
            Gradients(seed=193),
            tags={"options", "callable", "momentum"},
            why="a callable momentum switches on the momentum kernel even when it returns 0: "
            "epsilon moves inside the square root (compare legacy RMSprop defaults)",
        ),
        optimizer_case(
            "optimizers.legacy.RMSprop",
            "options/decay",
            dict(decay=0.01),
            0.01,
            Gradients(seed=194),
            tags={"options", "decay"},
        ),
    ]
    return found


# -- tensorflow-addons' AdamW ---------------------------------------------------------------------

_TFA_ADAMW = "addons.AdamW"
OPTIMIZERS_TFA = [
    optimizer_case(
        _TFA_ADAMW,
        "weight-decay-1e-4",
        dict(weight_decay=1e-4),
        0.01,
        Gradients(seed=200),
        tags={"weight_decay"},
        why="the decay is weight_decay * theta, not multiplied by the learning rate",
    ),
    optimizer_case(
        _TFA_ADAMW,
        "weight-decay+schedule",
        dict(weight_decay=0.01),
        _EXP_SCHEDULE,
        Gradients(seed=201),
        tags={"weight_decay", "schedule"},
        why="the learning rate decays, the weight decay does not follow it",
    ),
    optimizer_case(
        _TFA_ADAMW,
        "weight-decay-schedule",
        dict(
            weight_decay=LearningRateSpec(
                "schedules.ExponentialDecay",
                dict(initial_learning_rate=1e-3, decay_steps=100, decay_rate=0.5),
            )
        ),
        _EXP_SCHEDULE,
        Gradients(seed=202),
        tags={"weight_decay", "schedule"},
        why="tfa's fix for the trap above: a weight_decay schedule, read at the int iterations",
    ),
    optimizer_case(
        _TFA_ADAMW,
        "weight-decay-callable",
        dict(weight_decay=Expr("lambda: 1e-3")),
        0.01,
        Gradients(seed=203),
        tags={"weight_decay", "callable"},
    ),
    optimizer_case(
        _TFA_ADAMW,
        "amsgrad+clipnorm+decay",
        dict(weight_decay=1e-3, amsgrad=True, clipnorm=1.0, decay=0.01),
        0.01,
        Gradients(seed=204),
        tags={"weight_decay", "amsgrad", "clipnorm", "decay"},
    ),
    optimizer_case(
        _TFA_ADAMW,
        "lr-callable",
        dict(weight_decay=1e-3, beta_1=Expr("lambda: 0.8")),
        Expr("lambda: 0.01"),
        Gradients(seed=205),
        tags={"weight_decay", "callable"},
    ),
    optimizer_case(
        _TFA_ADAMW,
        "sparse/weight-decay",
        dict(weight_decay=1e-3),
        0.01,
        _SPARSE,
        tags={"sparse", "weight_decay"},
        why="only the rows the gradient touches decay (after the repeated rows are summed)",
    ),
    optimizer_case(
        _TFA_ADAMW,
        "sparse/clipnorm",
        dict(weight_decay=1e-3, clipnorm=1.0),
        0.01,
        _SPARSE,
        tags={"sparse", "weight_decay", "clipnorm"},
    ),
    optimizer_case(
        _TFA_ADAMW,
        "weight-decay-string",
        dict(weight_decay="0.01"),
        0.01,
        Gradients(steps=50),
        tags={"invalid"},
        why="tensorflow-addons takes it, then Keras reads the string as the name of an "
        "initializer when it makes the hyperparameter's variable (ValueError)",
    ),
]

# -- TF1: callables of no argument -----------------------------------------------------------------

OPTIMIZERS_COMPAT_V1_CALLABLES = [
    optimizer_case(
        "compat_v1.AdamOptimizer",
        "callables",
        dict(beta1=Expr("lambda: 0.8"), beta2=Expr("lambda: 0.99"), epsilon=Expr("lambda: 1e-7")),
        Expr("lambda: 0.01"),
        Gradients(seed=210),
        tags={"callable"},
        why="TF1 calls every callable hyperparameter (_call_if_callable), the beta powers "
        "start from the called betas",
    ),
    optimizer_case(
        "compat_v1.RMSPropOptimizer",
        "callables",
        dict(
            decay=Expr("lambda: 0.8"),
            momentum=Expr("lambda: 0.5"),
            epsilon=Expr("lambda: 1e-6"),
        ),
        Expr("lambda: 0.01"),
        Gradients(seed=211),
        tags={"callable"},
    ),
    optimizer_case(
        "compat_v1.GradientDescentOptimizer",
        "callable",
        dict(),
        Expr("lambda: 0.01"),
        Gradients(seed=212),
        tags={"callable"},
    ),
]

OPTIMIZERS_OPTIONS: list[OptimizerCase] = [
    *_keras_options(),
    *_COMBINATIONS,
    *_sparse_options(),
    *_legacy_options(),
    *OPTIMIZERS_TFA,
    *OPTIMIZERS_COMPAT_V1_CALLABLES,
]

OPTIMIZER_CASES += OPTIMIZERS_OPTIONS

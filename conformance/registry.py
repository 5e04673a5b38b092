"""The API registry: what every API of the catalogue is, in one table that the rest reads.

An API is named after the reference's layout, which mirrors TensorFlow's:
``schedules.ExponentialDecay`` is ``tf.keras.optimizers.schedules.ExponentialDecay``,
``compat_v1.exponential_decay`` is ``tf.compat.v1.train.exponential_decay``,
``optimizers.legacy.Adam`` is ``tf.keras.optimizers.legacy.Adam``,
``addons.AdamW`` is ``tfa.optimizers.AdamW``.

Each :class:`API` record says where the API comes from (its :class:`Origin`: which TensorFlow
entry points have it, in which versions), its float64 error bound (schedules), its docs page and
its PyTorch / optax recipe. The oracles (which entry points exist), the vectors export (which
files, in which directory), the command line (``--api``), the docs and the framework adapters
read it; ``tests/test_completeness.py`` fails with one message naming each piece an API lacks
(see CONTRIBUTING.md, "Adding an API").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from conformance import tolerance
from conformance.tolerance import Bound

#: The TensorFlow versions (major.minor) the suite runs against and ships golden vectors for:
#: each has a tox env (``tfNNN``) and a ``conformance/vectors/tf-X.Y.Z/`` set (CONTRIBUTING.md,
#: "Adding a TensorFlow version").
TENSORFLOW_VERSIONS: tuple[str, ...] = tuple(f"2.{minor}" for minor in range(13, 22))
#: The versions where tensorflow-addons 0.23 imports (each has a ``tfa-0.23.0-tf-X.Y.Z`` set).
TENSORFLOW_ADDONS_VERSIONS: tuple[str, ...] = ("2.13", "2.14", "2.15")


@dataclass(frozen=True)
class Origin:
    """Where a family of APIs comes from: what kind of API it is, the keys of the TensorFlow
    entry points that can have it (which of them exist depends on the installed TensorFlow, see
    :mod:`conformance.oracles.tensorflow`), and the versions that have them."""

    name: str
    #: ``"schedule"`` (a Keras or tensorflow-addons schedule class), ``"decay"`` (a
    #: ``tf.compat.v1.train`` decay function) or ``"optimizer"``.
    kind: str
    entry_points: tuple[str, ...]
    versions: str
    #: The golden-vector set its files go in: ``"tf"`` (``tf-<version>/``) or ``"tfa"``
    #: (``tfa-<version>-tf-<version>/``).
    vector_set: str = "tf"


KERAS = Origin(
    "keras",
    "schedule",
    ("tf.keras", "tf_keras"),
    "tf.keras in TF 2.13-2.21 (Keras 2 up to TF 2.15, Keras 3 from TF 2.16); tf_keras 2.16-2.21",
)
TFA = Origin(
    "tensorflow-addons",
    "schedule",
    ("tfa",),
    "tensorflow-addons 0.23 (TF 2.13-2.15; it does not import on TF >= 2.16)",
    vector_set="tfa",
)
COMPAT_V1 = Origin(
    "compat_v1",
    "decay",
    ("compat_v1.eager", "compat_v1.graph"),
    "tf.compat.v1.train in TF 2.13-2.21, eager and graph (Session) mode",
)
KERAS_OPTIMIZER = Origin(
    "keras optimizer",
    "optimizer",
    ("tf.keras", "tf_keras"),
    "the Keras >= 2.11 optimizers: tf.keras in TF 2.13-2.21, tf_keras 2.16-2.21",
)
LEGACY_OPTIMIZER = Origin(
    "legacy optimizer",
    "optimizer",
    ("tf.keras.legacy", "tf_keras.legacy"),
    "Keras 2's OptimizerV2: tf.keras.optimizers.legacy in TF 2.13-2.15, tf_keras 2.16-2.21",
)
TFA_OPTIMIZER = Origin(
    "tensorflow-addons optimizer",
    "optimizer",
    ("tfa",),
    "tensorflow-addons 0.23 (TF 2.13-2.15; it does not import on TF >= 2.16)",
    vector_set="tfa",
)
COMPAT_V1_OPTIMIZER = Origin(
    "compat_v1 optimizer",
    "optimizer",
    ("compat_v1.graph",),
    "tf.compat.v1.train in TF 2.13-2.21, graph (Session) mode",
)

ORIGINS: tuple[Origin, ...] = (
    KERAS,
    TFA,
    COMPAT_V1,
    KERAS_OPTIMIZER,
    LEGACY_OPTIMIZER,
    TFA_OPTIMIZER,
    COMPAT_V1_OPTIMIZER,
)


@dataclass(frozen=True)
class API:
    """One API of the catalogue."""

    #: The catalogue's name (the reference's module path under the package).
    name: str
    origin: Origin
    #: The page (under ``docs/``) that documents it.
    docs: str
    #: The float64 bound (schedules and decay functions; optimizers have theirs in
    #: :mod:`conformance.trajectory`).
    float64_bound: Bound | None = None
    #: The framework recipe that reproduces it in ``conformance/targets/{pytorch,optax}/
    #: recipes.py`` (schedules and decay functions).
    recipe: str | None = None

    @property
    def module(self) -> str:
        """The module part of the name: ``schedules``, ``compat_v1``, ``optimizers.legacy``."""
        return self.name.rpartition(".")[0]

    @property
    def short(self) -> str:
        """The name without its module: ``ExponentialDecay``, ``exponential_decay``."""
        return self.name.rpartition(".")[2]

    @property
    def kind(self) -> str:
        return self.origin.kind

    @property
    def is_optimizer(self) -> bool:
        return self.origin.kind == "optimizer"

    @property
    def tensorflow(self) -> str:
        """TensorFlow's name for it (the first entry point's)."""
        if self.origin in (TFA, TFA_OPTIMIZER):
            return f"tfa.optimizers.{self.short}"
        if self.origin in (COMPAT_V1, COMPAT_V1_OPTIMIZER):
            return f"tf.compat.v1.train.{self.short}"
        if self.origin is KERAS:
            return f"tf.keras.optimizers.schedules.{self.short}"
        return f"tf.keras.{self.name}"

    @property
    def step_argument(self) -> str:
        """The step argument of a decay function (``x`` for ``piecewise_constant``)."""
        return "x" if self.short.startswith("piecewise_constant") else "global_step"


def _keras(name: str, page: str, bound: Bound, recipe: str) -> API:
    return API(f"schedules.{name}", KERAS, page, bound, recipe)


def _tfa(name: str, bound: Bound, recipe: str) -> API:
    return API(f"schedules.{name}", TFA, "schedules/cyclical_learning_rate.md", bound, recipe)


def _v1(name: str, bound: Bound, recipe: str) -> API:
    return API(f"compat_v1.{name}", COMPAT_V1, "schedules/compat_v1.md", bound, recipe)


#: Every API, in catalogue order: the schedules, then the optimizers.
APIS: tuple[API, ...] = (
    _keras(
        "ExponentialDecay",
        "schedules/exponential_decay.md",
        tolerance.exponential_decay,
        "exponential_decay",
    ),
    _keras(
        "PiecewiseConstantDecay",
        "schedules/piecewise_constant_decay.md",
        tolerance.piecewise_constant_decay,
        "piecewise_constant_decay",
    ),
    _keras(
        "PolynomialDecay",
        "schedules/polynomial_decay.md",
        tolerance.polynomial_decay,
        "polynomial_decay",
    ),
    _keras(
        "InverseTimeDecay",
        "schedules/inverse_time_decay.md",
        tolerance.inverse_time_decay,
        "inverse_time_decay",
    ),
    _keras("CosineDecay", "schedules/cosine_decay.md", tolerance.cosine_decay, "cosine_decay"),
    _keras(
        "CosineDecayRestarts",
        "schedules/cosine_decay_restarts.md",
        tolerance.cosine_decay_restarts,
        "cosine_decay_restarts",
    ),
    _tfa("CyclicalLearningRate", tolerance.cyclical("user"), "cyclical_learning_rate"),
    _tfa(
        "TriangularCyclicalLearningRate",
        tolerance.cyclical("triangular"),
        "triangular_cyclical_learning_rate",
    ),
    _tfa(
        "Triangular2CyclicalLearningRate",
        tolerance.cyclical("triangular2"),
        "triangular2_cyclical_learning_rate",
    ),
    _tfa(
        "ExponentialCyclicalLearningRate",
        tolerance.cyclical("exponential"),
        "exponential_cyclical_learning_rate",
    ),
    _v1(
        "exponential_decay",
        tolerance.as_decay_function(tolerance.exponential_decay),
        "exponential_decay",
    ),
    _v1("natural_exp_decay", tolerance.natural_exp_decay, "natural_exp_decay"),
    _v1(
        "inverse_time_decay",
        tolerance.as_decay_function(tolerance.inverse_time_decay),
        "inverse_time_decay",
    ),
    _v1(
        "polynomial_decay",
        tolerance.as_decay_function(tolerance.polynomial_decay),
        "polynomial_decay",
    ),
    _v1(
        "piecewise_constant",
        tolerance.as_decay_function(tolerance.piecewise_constant_decay),
        "piecewise_constant_decay",
    ),
    _v1(
        "piecewise_constant_decay",
        tolerance.as_decay_function(tolerance.piecewise_constant_decay),
        "piecewise_constant_decay",
    ),
    _v1("cosine_decay", tolerance.as_decay_function(tolerance.cosine_decay), "cosine_decay"),
    _v1(
        "cosine_decay_restarts",
        tolerance.as_decay_function(tolerance.cosine_decay_restarts),
        "cosine_decay_restarts",
    ),
    _v1("linear_cosine_decay", tolerance.linear_cosine_decay, "linear_cosine_decay"),
    _v1(
        "noisy_linear_cosine_decay",
        tolerance.noisy_linear_cosine_decay,
        "linear_cosine_decay",
    ),
    API("optimizers.Adam", KERAS_OPTIMIZER, "optimizers/adam.md"),
    API("optimizers.AdamW", KERAS_OPTIMIZER, "optimizers/adamw.md"),
    API("optimizers.RMSprop", KERAS_OPTIMIZER, "optimizers/rmsprop.md"),
    API("optimizers.legacy.Adam", LEGACY_OPTIMIZER, "optimizers/adam.md"),
    API("optimizers.legacy.RMSprop", LEGACY_OPTIMIZER, "optimizers/rmsprop.md"),
    API("addons.AdamW", TFA_OPTIMIZER, "optimizers/adamw.md"),
    API("compat_v1.AdamOptimizer", COMPAT_V1_OPTIMIZER, "optimizers/adam.md"),
    API("compat_v1.RMSPropOptimizer", COMPAT_V1_OPTIMIZER, "optimizers/rmsprop.md"),
    API(
        "compat_v1.GradientDescentOptimizer", COMPAT_V1_OPTIMIZER, "optimizers/gradient_descent.md"
    ),
)

_BY_NAME = {api.name: api for api in APIS}


def get(name: str) -> API:
    """The record of a catalogue name (``KeyError`` naming the known ones otherwise)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the API registry (conformance/registry.py)") from None


def names(kind: str | None = None) -> list[str]:
    """Every API name, in catalogue order; only ``"schedule"``/``"decay"``/``"optimizer"``
    ones (``"schedules"``: both schedule kinds) when ``kind`` is given."""
    if kind == "schedules":
        return [a.name for a in APIS if not a.is_optimizer]
    return [a.name for a in APIS if kind is None or a.kind == kind]


def is_optimizer(name: str) -> bool:
    return get(name).is_optimizer


class UnknownAPI(ValueError):
    """A name given to ``--api`` that matches no API (or several) of those offered."""


def select(
    requested: Sequence[str] | None,
    among: Iterable[str] | None = None,
    where: str = "the catalogue",
) -> list[str]:
    """The APIs ``requested`` names, in catalogue order; all of ``among`` (default: every API)
    when nothing is requested. A name may leave out its first module (``CosineDecay``,
    ``legacy.Adam``); anything else is :class:`UnknownAPI`, naming ``where`` and the known
    names."""
    known = list(among) if among is not None else names()
    if not requested:
        return known
    chosen = set()
    for name in requested:
        matches = [api for api in known if name in (api, api.split(".", 1)[1])]
        if len(matches) != 1:
            problem = "is ambiguous" if matches else f"is not in {where}"
            raise UnknownAPI(f"--api {name} {problem}; known APIs: {', '.join(known)}")
        chosen.add(matches[0])
    return [api for api in known if api in chosen]


def float64_bound(api: str) -> Bound:
    """The float64 bound of a schedule API; ``KeyError`` where none is derived (the float64
    check then fails loudly rather than skip)."""
    bound = get(api).float64_bound
    if bound is None:
        raise KeyError(f"no float64 error bound is derived for {api} (conformance/registry.py)")
    return bound


def bound_at(case, exact) -> np.ndarray:
    """The absolute float64 bound on ``|TensorFlow's float32 value - exact|`` at each of a
    schedule case's steps."""
    exact = np.asarray(exact, dtype=np.float64)
    return float64_bound(case.api)(dict(case.params), case.steps, exact)

"""TensorFlow's API as the framework adapters take it: the one place that knows each schedule's,
decay function's and optimizer's TF signature (argument names, order and defaults) and what the
adapters check alike, forwarding to the adapter's own framework code.

An adapter (:mod:`conformance.targets.pytorch`, :mod:`conformance.targets.optax`) supplies only
what is its framework's:

* ``recipes``: one function per TF schedule (``recipes.exponential_decay`` for
  ``ExponentialDecay`` and ``tf.compat.v1.train.exponential_decay``) choosing the framework's
  construct for the arguments: where to read which construct reproduces which schedule;
* a :class:`RecipeSchedule` that builds and evaluates a recipe as training does; from the two,
  :func:`keras_schedules` and :func:`compat_v1_decays` make the schedule classes and the TF1
  decay functions;
* a :class:`FrameworkOptimizer`, and per TF optimizer a class that names the framework's
  optimizer; its TF signature comes from this module's class of the same name (``Adam``,
  ``LegacyAdam``, ``AdamOptimizer``, ...), placed first among its bases.

``name`` (and a schedule's ``flavor``) are accepted and have no effect: a framework has one
behaviour, and it does not validate arguments as any Keras flavour does.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from types import ModuleType
from typing import Any, ClassVar, NamedTuple

import numpy as np

from conformance import registry


def checked_dtype(dtype: str) -> str:
    """``dtype`` if it is one of the contract's two modes (the message is the reference's)."""
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64'. Received: dtype={dtype!r}")
    return dtype


class NotReached(NotImplementedError):
    """The recipe cannot be evaluated at this step in reasonable time (each driver says when);
    the migration table reports such a step as not reached rather than as a difference."""


# -- schedules ---------------------------------------------------------------------------------

#: The recipe of the schedule built last, by either adapter (the migration table reads it: a TF
#: v1 function builds its schedule inside the call).
last_recipe: Any = None

#: Results of earlier evaluations: the schedule's run key -> {step: value or exception}, so that
#: the entry points of an API (and, where the framework computes in float64 anyway, both modes)
#: share one run of a case.
_RUNS: dict[Hashable, dict[int, object]] = {}


class RecipeSchedule:
    """A TF schedule reproduced by a framework recipe: ``schedule(steps)`` as the suite calls it,
    the values in ``dtype``; a step the recipe could not give raises what it raised.

    A framework's subclass says how its recipe is built (:meth:`_build`) and evaluated
    (:meth:`_evaluate`), and whether its float32 and float64 modes can share one run."""

    #: True where the framework computes in float64 whatever the mode (the mode only rounds).
    modes_share_runs: ClassVar[bool] = False

    def __init__(self, recipe, arguments: dict, dtype: str) -> None:
        global last_recipe
        self.dtype = checked_dtype(dtype)
        last_recipe = recipe
        self.recipe = recipe
        self.arguments = arguments
        self._build()  # construction errors surface here, as TF's do

    def _build(self) -> None:
        raise NotImplementedError

    def _run_key(self) -> Hashable:
        # A callable argument (tfa's scale_fn) stands for itself, not for its repr: every lambda
        # that reuses a dead one's address has the same repr ("<function <lambda> at 0x...>"),
        # and would be served the dead one's rates. Held by the key, it cannot die.
        arguments = tuple(
            sorted(
                (name, value if callable(value) else repr(value))
                for name, value in self.arguments.items()
            )
        )
        return (self.recipe, arguments) + (() if self.modes_share_runs else (self.dtype,))

    def _evaluate(self, steps: list[int]) -> dict[int, object]:
        """The rate (or the exception) at each of ``steps``, sorted and not yet known."""
        raise NotImplementedError

    def __call__(self, step) -> np.ndarray:
        steps = np.asarray(step)
        found = _RUNS.setdefault(self._run_key(), {})
        wanted = sorted(s for s in {int(s) for s in steps.reshape(-1)} if s not in found)
        if wanted:
            found.update(self._evaluate(wanted))
        flat = [found[int(s)] for s in steps.reshape(-1)]
        for value in flat:
            if isinstance(value, BaseException):
                raise value
        return np.asarray(flat, dtype=self.dtype).reshape(steps.shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.recipe.label}, {self.arguments})"


class _KerasSchedule(RecipeSchedule):
    """A TF schedule's signature; :func:`keras_schedules` puts it before a framework's
    :class:`RecipeSchedule` and gives it the adapter's ``recipes``."""

    recipes: ClassVar[ModuleType]

    def _reproduce(self, arguments: dict, dtype: str) -> None:
        # The registry names the recipe of each TF schedule (one class per schedule: its name).
        recipe = registry.get(f"schedules.{type(self).__name__}").recipe
        super().__init__(getattr(self.recipes, recipe)(arguments), arguments, dtype)


class ExponentialDecay(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase: bool = False,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                decay_steps=decay_steps,
                decay_rate=decay_rate,
                staircase=staircase,
            ),
            dtype,
        )


class PiecewiseConstantDecay(_KerasSchedule):
    def __init__(
        self, boundaries, values, name=None, *, dtype: str = "float64", flavor: str = "keras3"
    ) -> None:
        self._reproduce(
            dict(boundaries=list(boundaries), values=list(values)),
            dtype,
        )


class PolynomialDecay(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle: bool = False,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                decay_steps=decay_steps,
                end_learning_rate=end_learning_rate,
                power=power,
                cycle=cycle,
            ),
            dtype,
        )


class InverseTimeDecay(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase: bool = False,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                decay_steps=decay_steps,
                decay_rate=decay_rate,
                staircase=staircase,
            ),
            dtype,
        )


class CosineDecay(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name=None,
        warmup_target=None,
        warmup_steps=0,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                decay_steps=decay_steps,
                alpha=alpha,
                warmup_target=warmup_target,
                warmup_steps=warmup_steps,
            ),
            dtype,
        )


class CosineDecayRestarts(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                first_decay_steps=first_decay_steps,
                t_mul=t_mul,
                m_mul=m_mul,
                alpha=alpha,
            ),
            dtype,
        )


# tensorflow-addons' schedules have no flavour: there is one tensorflow-addons.


class CyclicalLearningRate(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_fn,
        scale_mode: str = "cycle",
        name="CyclicalLearningRate",
        *,
        dtype: str = "float64",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                maximal_learning_rate=maximal_learning_rate,
                step_size=step_size,
                scale_fn=scale_fn,
                scale_mode=scale_mode,
            ),
            dtype,
        )


class TriangularCyclicalLearningRate(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_mode: str = "cycle",
        name="TriangularCyclicalLearningRate",
        *,
        dtype: str = "float64",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                maximal_learning_rate=maximal_learning_rate,
                step_size=step_size,
                scale_mode=scale_mode,
            ),
            dtype,
        )


class Triangular2CyclicalLearningRate(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_mode: str = "cycle",
        name="Triangular2CyclicalLearningRate",
        *,
        dtype: str = "float64",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                maximal_learning_rate=maximal_learning_rate,
                step_size=step_size,
                scale_mode=scale_mode,
            ),
            dtype,
        )


class ExponentialCyclicalLearningRate(_KerasSchedule):
    def __init__(
        self,
        initial_learning_rate,
        maximal_learning_rate,
        step_size,
        scale_mode: str = "iterations",
        gamma=1.0,
        name="ExponentialCyclicalLearningRate",
        *,
        dtype: str = "float64",
    ) -> None:
        self._reproduce(
            dict(
                initial_learning_rate=initial_learning_rate,
                maximal_learning_rate=maximal_learning_rate,
                step_size=step_size,
                scale_mode=scale_mode,
                gamma=gamma,
            ),
            dtype,
        )


def keras_schedules(
    schedule: type[RecipeSchedule], recipes: ModuleType, module: str
) -> dict[str, type[RecipeSchedule]]:
    """The Keras and tensorflow-addons schedule classes of one framework, by TF's names: each
    takes TF's arguments and is a ``schedule`` of the recipe ``recipes`` chooses for them.
    ``module``: the adapter's module that holds them (shown in their repr)."""
    signatures = [globals()[registry.get(api).short] for api in registry.names("schedule")]
    return {
        signature.__name__: type(
            signature.__name__, (signature, schedule), {"recipes": recipes, "__module__": module}
        )
        for signature in signatures
    }


class _CompatV1Decays:
    """``tf.compat.v1.train``'s decay functions: the value at ``global_step`` of the recipe for
    the same arguments (``learning_rate`` is the recipes' ``initial_learning_rate``)."""

    def __init__(self, schedule: type[RecipeSchedule], recipes: ModuleType, generator: str) -> None:
        self.schedule = schedule
        self.recipes = recipes
        self.generator = generator

    def _value(self, recipe: str, arguments: dict, steps, dtype: str) -> np.ndarray:
        return self.schedule(getattr(self.recipes, recipe)(arguments), arguments, dtype)(steps)

    def exponential_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        decay_rate,
        staircase: bool = False,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        return self._value(
            "exponential_decay",
            dict(
                initial_learning_rate=learning_rate,
                decay_steps=decay_steps,
                decay_rate=decay_rate,
                staircase=staircase,
            ),
            global_step,
            dtype,
        )

    def natural_exp_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        decay_rate,
        staircase: bool = False,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        return self._value(
            "natural_exp_decay",
            dict(
                initial_learning_rate=learning_rate,
                decay_steps=decay_steps,
                decay_rate=decay_rate,
                staircase=staircase,
            ),
            global_step,
            dtype,
        )

    def inverse_time_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        decay_rate,
        staircase: bool = False,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        return self._value(
            "inverse_time_decay",
            dict(
                initial_learning_rate=learning_rate,
                decay_steps=decay_steps,
                decay_rate=decay_rate,
                staircase=staircase,
            ),
            global_step,
            dtype,
        )

    def polynomial_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle: bool = False,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        return self._value(
            "polynomial_decay",
            dict(
                initial_learning_rate=learning_rate,
                decay_steps=decay_steps,
                end_learning_rate=end_learning_rate,
                power=power,
                cycle=cycle,
            ),
            global_step,
            dtype,
        )

    def piecewise_constant(
        self, x, boundaries, values, name=None, *, dtype: str = "float64"
    ) -> np.ndarray:
        return self._value(
            "piecewise_constant_decay",
            dict(boundaries=list(boundaries), values=list(values)),
            x,
            dtype,
        )

    def cosine_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        alpha=0.0,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        # TF1's cosine_decay has no warmup: the Keras recipe without one.
        return self._value(
            "cosine_decay",
            dict(
                initial_learning_rate=learning_rate,
                decay_steps=decay_steps,
                alpha=alpha,
                warmup_target=None,
                warmup_steps=0,
            ),
            global_step,
            dtype,
        )

    def cosine_decay_restarts(
        self,
        learning_rate,
        global_step,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        return self._value(
            "cosine_decay_restarts",
            dict(
                initial_learning_rate=learning_rate,
                first_decay_steps=first_decay_steps,
                t_mul=t_mul,
                m_mul=m_mul,
                alpha=alpha,
            ),
            global_step,
            dtype,
        )

    def linear_cosine_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        num_periods=0.5,
        alpha=0.0,
        beta=0.001,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        return self._value(
            "linear_cosine_decay",
            dict(
                initial_learning_rate=learning_rate,
                decay_steps=decay_steps,
                num_periods=num_periods,
                alpha=alpha,
                beta=beta,
            ),
            global_step,
            dtype,
        )

    def noisy_linear_cosine_decay(
        self,
        learning_rate,
        global_step,
        decay_steps,
        initial_variance=1.0,
        variance_decay=0.55,
        num_periods=0.5,
        alpha=0.0,
        beta=0.001,
        name=None,
        *,
        dtype: str = "float64",
    ) -> np.ndarray:
        if initial_variance != 0:
            raise NotImplementedError(
                "noisy_linear_cosine_decay draws its noise from TensorFlow's random stream, "
                f"which no {self.generator} generator reproduces; only initial_variance=0 is "
                "deterministic"
            )
        return self.linear_cosine_decay(
            learning_rate, global_step, decay_steps, num_periods, alpha, beta, dtype=dtype
        )


def compat_v1_decays(
    schedule: type[RecipeSchedule], recipes: ModuleType, generator: str
) -> dict[str, Callable[..., np.ndarray]]:
    """``tf.compat.v1.train``'s decay functions of one framework, by TF's names (with TF's alias
    ``piecewise_constant_decay``). ``generator`` names the framework's random generators, for
    the error of the noisy decay, whose noise only TensorFlow's random stream gives."""
    decays = _CompatV1Decays(schedule, recipes, generator)
    names = [registry.get(api).short for api in registry.names("decay")]
    functions = {name: getattr(decays, name) for name in names if hasattr(decays, name)}
    functions["piecewise_constant_decay"] = functions["piecewise_constant"]
    return functions


# -- optimizers --------------------------------------------------------------------------------


class IndexedSlices(NamedTuple):
    """A sparse gradient, as the suite hands one to a target: ``values[i]`` is the gradient of
    row ``indices[i]`` (rows may repeat)."""

    indices: np.ndarray
    values: np.ndarray


def dense_gradient(gradient, shape) -> np.ndarray:
    """The gradient as a float64 array of ``shape``; a sparse one's rows added up into zeros, as
    an embedding without sparse gradients computes it (neither framework's Adam and RMSprop
    takes sparse gradients)."""
    if hasattr(gradient, "indices") and hasattr(gradient, "values"):
        dense = np.zeros(tuple(shape), dtype=np.float64)
        for index, row in zip(np.asarray(gradient.indices).tolist(), gradient.values):
            dense[index] = dense[index] + row
        return dense
    return np.asarray(gradient, np.float64)


#: Keras's clipping options (every Keras optimizer's, the legacy ones' too).
CLIPPING = ("clipnorm", "clipvalue", "global_clipnorm")


def _listed(values) -> list:
    return list(values) if isinstance(values, (list, tuple)) else [values]


class FrameworkOptimizer:
    """A framework optimizer under the reference's functional contract: ``opt.init(params)``,
    ``opt.step(grads, params, state)`` with params and grads one array or a list of them.

    The framework's objects live in ``state[state_key]``; the counter is TensorFlow's
    (``iterations``, ``global_step`` for TF1). A subclass starts them (:meth:`_start`) and
    applies one update (:meth:`_update`)."""

    counter: ClassVar[str] = "iterations"
    #: Keras's options the adapters reproduce (:meth:`_take_options`); None where not given.
    weight_decay: float | None = None
    clipnorm: float | None = None
    clipvalue: float | None = None
    global_clipnorm: float | None = None
    #: The framework's construct, as the migration table names it.
    label: str = ""
    #: The framework's name, for errors.
    framework: ClassVar[str] = ""
    state_key: ClassVar[str] = ""

    def __init__(self, learning_rate, dtype: str) -> None:
        self.dtype = checked_dtype(dtype)
        self.learning_rate = learning_rate

    def _start(self, arrays: list[np.ndarray]) -> Any:
        raise NotImplementedError

    def _update(
        self, gradients: list, arrays: list[np.ndarray], inner: Any
    ) -> tuple[list[np.ndarray], Any]:
        """The parameters after one update, and the framework's state after it."""
        raise NotImplementedError

    def init(self, params) -> dict:
        return {self.counter: 0, self.state_key: self._start(_listed(params))}

    def step(self, grads, params, state: dict) -> tuple[Any, dict]:
        new, inner = self._update(_listed(grads), _listed(params), state[self.state_key])
        new_state = dict(state)
        new_state[self.counter] = state[self.counter] + 1
        new_state[self.state_key] = inner
        return (new if isinstance(params, (list, tuple)) else new[0]), new_state

    def _take_options(self, kwargs: dict, names: tuple[str, ...] = CLIPPING) -> dict:
        """Keras's ``names`` options out of ``kwargs`` as attributes (a value of None is not
        given); the rest returned, for :meth:`_unsupported`."""
        for name in names:
            if kwargs.get(name) is not None:
                setattr(self, name, kwargs[name])
        return {k: v for k, v in kwargs.items() if k not in names}

    def _unsupported(self, kwargs: dict, allowed: frozenset[str] = frozenset()) -> None:
        rest = {k: v for k, v in kwargs.items() if k not in allowed}
        if rest:
            raise NotImplementedError(f"no {self.framework} equivalent given for {sorted(rest)}")


class Adam(FrameworkOptimizer):
    """``tf.keras.optimizers.Adam`` (Keras 2.11+ and 3): TF's hyperparameters as attributes,
    for the framework's optimizer."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad: bool = False,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
        **kwargs,
    ) -> None:
        super().__init__(learning_rate, dtype)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad
        kwargs = self._take_options(kwargs, ("weight_decay", *CLIPPING))
        # Keras 3's adaptive_epsilon is not a formula change the catalogue checks.
        self._unsupported(kwargs, allowed=frozenset({"adaptive_epsilon"}))


class AdamW(Adam):
    """``tf.keras.optimizers.AdamW`` (Keras 2.11+ and 3): :class:`Adam` whose
    ``weight_decay`` (scaled by the learning rate) defaults to 0.004."""

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad: bool = False,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
        **kwargs,
    ) -> None:
        super().__init__(
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            amsgrad,
            dtype=dtype,
            flavor=flavor,
            weight_decay=weight_decay,
            **kwargs,
        )


class RMSprop(FrameworkOptimizer):
    """``tf.keras.optimizers.RMSprop`` (Keras 2.11+ and 3): TF's hyperparameters as attributes,
    for the framework's optimizer."""

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered: bool = False,
        name=None,
        *,
        dtype: str = "float64",
        flavor: str = "keras3",
        **kwargs,
    ) -> None:
        super().__init__(learning_rate, dtype)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered
        # Not weight_decay: PyTorch's RMSprop adds it to the gradient (L2), optax's rmsprop
        # has none; Keras subtracts it from the weight.
        self._unsupported(self._take_options(kwargs))


def legacy_learning_rate(learning_rate, decay, lr) -> Any:
    """OptimizerV2's learning rate: ``lr`` (its old name) wins, and ``decay`` divides it by
    ``1 + decay * step``, a Python function of the step that the framework calls each update."""
    rate = learning_rate if lr is None else lr
    if not decay:
        return rate
    if callable(rate):
        raise NotImplementedError("legacy decay on top of a schedule: no recipe given")
    return lambda step: rate / (1 + decay * step)


class LegacyAdam(Adam):
    """``tf.keras.optimizers.legacy.Adam`` (Keras 2's OptimizerV2) on the framework's Adam."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad: bool = False,
        name="Adam",
        *,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        decay=0.0,
        lr=None,
        dtype: str = "float64",
    ) -> None:
        super().__init__(
            legacy_learning_rate(learning_rate, decay, lr),
            beta_1,
            beta_2,
            epsilon,
            amsgrad,
            dtype=dtype,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )


class LegacyRMSprop(RMSprop):
    """``tf.keras.optimizers.legacy.RMSprop`` (Keras 2's OptimizerV2) on the framework's
    RMSprop."""

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered: bool = False,
        name="RMSprop",
        *,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        decay=0.0,
        lr=None,
        dtype: str = "float64",
    ) -> None:
        super().__init__(
            legacy_learning_rate(learning_rate, decay, lr),
            rho,
            momentum,
            epsilon,
            centered,
            dtype=dtype,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )


class AddonsAdamW(LegacyAdam):
    """``tfa.optimizers.AdamW`` on the framework's AdamW. tensorflow-addons decays by
    ``weight_decay`` alone, the frameworks by ``weight_decay * learning_rate``: the framework
    gets ``weight_decay / learning_rate``, which is only the same decay at a constant learning
    rate (a float, no legacy ``decay``) and a float ``weight_decay``."""

    def __init__(
        self,
        weight_decay,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad: bool = False,
        name="AdamW",
        *,
        exclude_from_weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        decay=0.0,
        lr=None,
        dtype: str = "float64",
    ) -> None:
        rate = learning_rate if lr is None else lr
        constant = isinstance(rate, (int, float)) and isinstance(weight_decay, (int, float))
        if not constant or decay or exclude_from_weight_decay is not None:
            raise NotImplementedError(
                "tensorflow-addons' AdamW decays by weight_decay, not weight_decay * "
                "learning_rate: no framework equivalent given unless both are floats (no "
                "schedule, callable or legacy decay) and exclude_from_weight_decay is None"
            )
        super().__init__(
            rate,
            beta_1,
            beta_2,
            epsilon,
            amsgrad,
            dtype=dtype,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )
        self.weight_decay = weight_decay / rate if weight_decay else None


class AdamOptimizer(Adam):
    """``tf.compat.v1.train.AdamOptimizer`` on the framework's Adam: TF1's epsilon default, and
    the step counted as ``global_step``."""

    counter: ClassVar[str] = "global_step"

    def __init__(
        self,
        learning_rate=0.001,
        beta1=0.9,
        beta2=0.999,
        epsilon=1e-8,
        use_locking: bool = False,
        name="Adam",
        *,
        dtype: str = "float64",
    ) -> None:
        super().__init__(learning_rate, beta1, beta2, epsilon, dtype=dtype)


class RMSPropOptimizer(RMSprop):
    """``tf.compat.v1.train.RMSPropOptimizer`` on the framework's RMSprop (``decay`` is Keras's
    ``rho``); the adapter's class must also start the mean square at 1, as TF1 does."""

    counter: ClassVar[str] = "global_step"

    def __init__(
        self,
        learning_rate,
        decay=0.9,
        momentum=0.0,
        epsilon=1e-10,
        use_locking: bool = False,
        centered: bool = False,
        name="RMSProp",
        *,
        dtype: str = "float64",
    ) -> None:
        super().__init__(learning_rate, decay, momentum, epsilon, centered, dtype=dtype)


class GradientDescentOptimizer(FrameworkOptimizer):
    """``tf.compat.v1.train.GradientDescentOptimizer`` on the framework's plain SGD."""

    counter: ClassVar[str] = "global_step"

    def __init__(
        self,
        learning_rate,
        use_locking: bool = False,
        name="GradientDescent",
        *,
        dtype: str = "float64",
    ) -> None:
        super().__init__(learning_rate, dtype)

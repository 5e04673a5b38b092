r"""What every Keras >= 2.11 and Keras 3 optimizer does around its update rule: weight decay,
gradient clipping, the exponential moving average of the weights (EMA) and, in Keras 3,
gradient accumulation and loss scaling; the learning rate; ``get_config`` / ``from_config``.

One call of ``apply_gradients`` (the reference's ``step``), in TensorFlow's order (Keras 3:
``keras/src/optimizers/base_optimizer.py`` with the TensorFlow backend's
``keras/src/backend/tensorflow/optimizer.py``; Keras 2: ``keras/src/optimizers/optimizer.py``
of Keras 2.11-2.15 and ``tf_keras``), with :math:`k` the counter before the call
(``state["iterations"]``) and :math:`\eta = \text{learning\_rate}(k)`:

1. **Loss scale** (Keras 3): every gradient is divided by ``loss_scale_factor`` (a float32
   division). The factor multiplies the *loss* in ``model.fit`` (``optimizer.scale_loss``), so
   the gradients arrive scaled and leave unscaled: with an exact power of two the update is
   unchanged, with another factor it differs in the last bits. A sparse gradient raises
   ``TypeError`` (``IndexedSlices / float`` is not defined).
2. **Accumulation** (Keras 3, ``gradient_accumulation_steps`` :math:`= n`): when
   :math:`(k + 1) \bmod n \ne 0` the gradient is only added to the slot
   ``gradient_accumulator`` (made dense) and nothing else of steps 3-5 happens; otherwise the
   gradient used is :math:`(g + \text{acc}) / n`, the mean of the :math:`n` gradients, and the
   accumulator is reset to 0. Clipping and weight decay therefore see the *mean* gradient, once
   per :math:`n` calls.
3. **Clipping**: Keras 3 takes at most one of ``clipnorm`` (``tf.clip_by_norm`` of each
   gradient), ``global_clipnorm`` (Keras 3's own global norm; a sparse gradient becomes dense)
   and ``clipvalue`` (``tf.clip_by_value``). Keras 2 refuses ``clipnorm`` with
   ``global_clipnorm``; ``clipnorm`` then wins over ``clipvalue``, ``global_clipnorm`` too
   (``tf.clip_by_global_norm``, which halves and doubles). Then Keras 2 sums the repeated rows
   of a sparse gradient (the update rule's business here).
4. **Weight decay** (``weight_decay`` :math:`\lambda` not ``None``), *before* the update and on
   the whole variable (also under a sparse gradient):
   :math:`\theta \leftarrow \theta - (\theta \lambda)\eta`, rounded, then the update rule
   subtracts its step from that. The decay is scaled by the learning rate of the step (the
   schedule's value under a schedule). tensorflow-addons' ``AdamW`` is not:
   :class:`reference.addons.AdamW`.
5. **The update rule** of every parameter (Adam, RMSprop), which reads
   ``optimizer.iterations`` (:meth:`KerasOptimizer.iterations`) for its bias correction.
6. **EMA** (``use_ema``), on every call, accumulating or not, of every variable: Keras 3
   :math:`\mu = \beta` but 0 while ``iterations`` is 0 (so the average starts as the weights
   after the first update; the slot ``average`` starts at 0), :math:`a \leftarrow \mu a +
   (1 - \mu)\theta` with :math:`1 - \mu` a float32 subtraction; Keras 2 starts the average at
   the *initial* weights and uses :math:`1 - \beta` computed in Python. When
   ``ema_overwrite_frequency`` :math:`f` is set and :math:`(\text{iterations} + 1) \bmod f = 0`
   the variables are overwritten with their averages (the trajectory jumps). Otherwise the
   weights become the averages only through :meth:`KerasOptimizer.finalize_variable_values`
   (``model.fit`` calls it after the last epoch).
7. **The counter** moves by one: ``state["iterations"]`` is TensorFlow's variable
   (``optimizer._iterations`` in Keras 3), which counts calls. Keras 3's public
   ``optimizer.iterations`` is that divided by :math:`n` under accumulation: the bias correction
   and the EMA read it, the learning-rate schedule reads the calls. So under accumulation a
   schedule advances :math:`n` times faster than the updates, and ``iterations + 1`` of
   Adam's bias correction stays the same for the :math:`n` calls of a window.

Hyperparameters: Keras 3 calls a callable learning rate (not a schedule) with no argument at
every update; Keras 2 calls it once, when the optimizer is built (the rate is then fixed). A
callable ``beta_1``, ``beta_2``, ``epsilon``, ``rho`` or ``weight_decay`` is refused by both
when applied (``TypeError`` inside a ``tf.function`` such as ``model.fit``'s, which the
reference mirrors; ``ValueError`` in an eager call), a callable ``momentum`` too (``TypeError``
when the slots are made).
"""

from __future__ import annotations

import inspect
from typing import ClassVar

import numpy as np

from reference import _arith, schedules
from reference.optimizers import _clipping
from reference.optimizers._optimizer import (
    IndexedSlices,
    Optimizer,
    State,
    check_keras_arguments,
    check_keras_flavor,
    densify,
    is_schedule,
)
from reference.schedules._schedule import FLAVOR_DEFAULT

#: The options only Keras 3 has (Keras 2 raises TypeError for them).
KERAS3_ONLY = ("loss_scale_factor", "gradient_accumulation_steps")


class KerasOptimizer(Optimizer):
    """Base of :class:`~reference.optimizers.Adam`, :class:`~reference.optimizers.AdamW` and
    :class:`~reference.optimizers.RMSprop`: the options of the module docstring around the
    update rule each subclass implements (``slot_names``, ``_prepare``, ``_update``,
    ``_family_config``)."""

    #: TensorFlow's default ``name`` in each flavour (Keras 3 snake-cases the class name; it
    #: also appends ``_1``, ``_2``... to every later optimizer of a session, which the reference
    #: does not).
    default_names: ClassVar[dict[str, str]]
    #: The keyword arguments each flavour does not know, beside the retired ones.
    flavor_only: ClassVar[dict[str, tuple[str, ...]]] = {"keras3": (), "keras2": KERAS3_ONLY}

    def _configure(
        self,
        *,
        learning_rate,
        name,
        dtype: str,
        flavor: str,
        options: dict,
        kwargs: dict,
    ) -> None:
        """The constructor of the Keras base classes: the reference's settings, TensorFlow's
        checks in TensorFlow's order, the options stored under TensorFlow's names."""
        self.flavor = check_keras_flavor(flavor)
        self.dtype = str(_arith.check_dtype(dtype))
        options = dict(options)
        kwargs = dict(kwargs)
        jit_compile = options.pop("jit_compile")
        if flavor == "keras3":
            if jit_compile is not FLAVOR_DEFAULT:
                kwargs["jit_compile"] = jit_compile
            jit_compile = None
        else:
            kwargs.pop("is_legacy_optimizer", None)  # in every Keras 2 config: from_config
            for option in KERAS3_ONLY:
                if options[option] is not None:
                    kwargs[option] = options[option]
            jit_compile = True if jit_compile is FLAVOR_DEFAULT else jit_compile
        if options["ema_overwrite_frequency"] is FLAVOR_DEFAULT:
            options["ema_overwrite_frequency"] = self._default_overwrite_frequency()
        if flavor == "keras3":
            check_keras_arguments(flavor, learning_rate, kwargs)
            _check_keras3_options(options)
        else:
            _check_keras2_options(options)
            check_keras_arguments(flavor, learning_rate, kwargs)
        for option, value in options.items():
            setattr(self, option, value)
        self.jit_compile = jit_compile
        if flavor == "keras2" and callable(learning_rate) and not is_schedule(learning_rate):
            # tf.Variable(initial_value=callable) calls it once, when the optimizer is built.
            learning_rate = learning_rate()
        self.learning_rate = learning_rate
        self.name = self.default_names[flavor] if name is None else name

    def _default_overwrite_frequency(self):
        return None

    @property
    def lr(self):
        """Keras 2's alias of ``learning_rate`` (TensorFlow returns its variable, the reference
        the value); Keras 3 has no ``lr`` (``AttributeError``)."""
        if self.flavor == "keras3":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute 'lr'")
        return self.learning_rate

    @lr.setter
    def lr(self, value) -> None:
        if self.flavor == "keras3":
            raise AttributeError("Keras 3 optimizers have no `lr`: set `learning_rate`")
        self.learning_rate = value

    # -- state --------------------------------------------------------------------------------

    def _option_slot_names(self) -> tuple[str, ...]:
        names = ()
        if self.use_ema:
            names += ("average",)
        if self.gradient_accumulation_steps:
            names += ("gradient_accumulator",)
        return names

    def _initial_slot(self, name: str, param: np.ndarray) -> np.ndarray:
        if name == "average" and self.flavor == "keras2":
            return np.array(param, copy=True)  # Keras 2 starts the average at the weights
        return np.zeros_like(param)

    def iterations(self, state: State) -> int:
        """TensorFlow's ``optimizer.iterations`` for ``state``: the calls so far, divided by
        ``gradient_accumulation_steps`` in Keras 3 (the updates made)."""
        calls, steps = state[self.counter], self.gradient_accumulation_steps
        return calls // steps if steps else calls

    def finalize_variable_values(self, params, state: State):
        """``optimizer.finalize_variable_values(variables)``: with ``use_ema``, the parameters
        replaced by their moving averages (what ``model.fit`` leaves after the last epoch);
        otherwise the parameters as they are."""
        if not self.use_ema:
            return params
        averages = list(state["average"])
        return averages if isinstance(params, (list, tuple)) else averages[0]

    # -- one call -----------------------------------------------------------------------------

    def _apply(self, gradients: list, params: list[np.ndarray], state: State):
        calls = state[self.counter]
        new_state: State = dict(state)
        if self.loss_scale_factor is not None:
            gradients = [self._unscale(g) for g in gradients]
        update = True
        steps = self.gradient_accumulation_steps
        if steps:
            accumulated = [
                self._dense(g, p.shape) + a
                for g, p, a in zip(gradients, params, state["gradient_accumulator"])
            ]
            update = (calls + 1) % steps == 0
            if update:
                gradients = [a / self._constant(steps) for a in accumulated]
                accumulated = [np.zeros_like(a) for a in accumulated]
            new_state["gradient_accumulator"] = tuple(
                _arith.flush_subnormals(a) for a in accumulated
            )
        if update:
            gradients = self._clip(gradients, [p.shape for p in params])
            params = self._decay_weights(params, calls)
            params, new_state = self._update_each(
                gradients, params, new_state, self._prepare(state)
            )
        if self.use_ema:
            params, new_state = self._moving_average(params, new_state)
        new_state[self.counter] = calls + 1
        return params, new_state

    def _unscale(self, gradient):
        if isinstance(gradient, IndexedSlices):
            raise TypeError("unsupported operand type(s) for /: 'IndexedSlices' and 'float'")
        return gradient / self._constant(self.loss_scale_factor)

    def _dense(self, gradient, shape) -> np.ndarray:
        """A sparse gradient added to a dense tensor becomes dense (repeated rows summed)."""
        return densify(gradient, shape) if isinstance(gradient, IndexedSlices) else gradient

    def _clip(self, gradients: list, shapes: list) -> list:
        dtype = self.dtype
        if self.clipnorm and self.clipnorm > 0:
            clipped = [_clipping.clip_by_norm(g, self.clipnorm, dtype) for g in gradients]
        elif self.global_clipnorm and self.global_clipnorm > 0:
            if self.flavor == "keras3":
                clipped = _clipping.keras3_clip_by_global_norm(
                    gradients, shapes, self.global_clipnorm, dtype
                )
            else:
                clipped = _clipping.clip_by_global_norm(gradients, self.global_clipnorm, dtype)
        elif self.clipvalue and self.clipvalue > 0:
            clipped = [_clipping.clip_by_value(g, self.clipvalue, dtype) for g in gradients]
        else:
            return gradients
        return [_flushed(g) for g in clipped]

    def _decay_weights(self, params: list[np.ndarray], calls: int) -> list[np.ndarray]:
        """``variable.assign_sub(variable * wd * lr)`` for every variable."""
        if self.weight_decay is None:
            return params
        decay = self._constant(self._check_tensor("weight_decay", self.weight_decay))
        lr = self.learning_rate_at(calls)
        return [_arith.flush_subnormals(p - (p * decay) * lr) for p in params]

    def _moving_average(self, params: list[np.ndarray], state: State):
        iterations = self.iterations(state)  # the counter has not moved yet
        if self.flavor == "keras3":
            momentum = self._constant(float(iterations != 0)) * self._constant(self.ema_momentum)
            keep, take = momentum, self._constant(1) - momentum
        else:
            keep, take = self._constant(self.ema_momentum), self._constant(1 - self.ema_momentum)
        averages = tuple(
            _arith.flush_subnormals(keep * a + take * p) for a, p in zip(state["average"], params)
        )
        state = {**state, "average": averages}
        frequency = self.ema_overwrite_frequency
        if frequency and (iterations + 1) % frequency == 0:
            params = [np.array(a, copy=True) for a in averages]
        return params, state

    # -- hyperparameters --------------------------------------------------------------------------

    def _check_tensor(self, name: str, value):
        """A hyperparameter Keras converts to a tensor as it is: a callable cannot be one.
        Inside a ``tf.function`` (``model.fit``, the conformance loop) the conversion raises
        ``TypeError``; an eager ``apply_gradients`` raises ``ValueError`` for the same."""
        if callable(value):
            raise TypeError(
                f"Failed to convert elements of {value!r} to Tensor (`{name}`). Consider "
                "casting elements to a supported type."
            )
        return value

    # -- config -------------------------------------------------------------------------------

    def get_config(self) -> dict:
        """TensorFlow's ``get_config()`` of a fresh optimizer of the mirrored flavour: the same
        keys, values and types (a float learning rate is TensorFlow's float32 variable: a
        Python float in Keras 3, ``np.float32`` in Keras 2; a schedule is serialized as Keras
        serializes it; a callable learning rate stays the callable, which Keras 3 serializes
        as bytecode). ``jit_compile`` is reported as on a machine without a GPU (False)."""
        options = {
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
        }
        if self.flavor == "keras3":
            config = {
                "name": self.name,
                "learning_rate": self._learning_rate_config(),
                **options,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps,
            }
        else:
            config = {
                "name": self.name,
                **options,
                "jit_compile": False,
                "is_legacy_optimizer": False,
                "learning_rate": self._learning_rate_config(),
            }
        config.update(self._family_config())
        return config

    def _family_config(self) -> dict:
        raise NotImplementedError

    def _learning_rate_config(self):
        value = self.learning_rate
        if is_schedule(value):
            return serialize_schedule(value)
        if callable(value):
            return value
        rounded = np.float32(value)
        return float(rounded) if self.flavor == "keras3" else rounded

    @classmethod
    def from_config(cls, config: dict, *, dtype: str = "float64", flavor: str = "keras3"):
        """``cls.from_config(config)`` as TensorFlow rebuilds an optimizer (a serialized
        schedule becomes the reference's schedule of the same flavour), with the reference's
        settings."""
        config = dict(config)
        config["learning_rate"] = deserialize_schedule(config["learning_rate"], dtype, flavor)
        return cls(**config, dtype=dtype, flavor=flavor)


def _check_keras3_options(options: dict) -> None:
    """Keras 3's ``BaseOptimizer.__init__`` checks, in its order."""
    steps = options["gradient_accumulation_steps"]
    if steps and not steps >= 2:
        raise ValueError(
            "`gradient_accumulation_steps` must be an integer >= 2. Received: "
            f"gradient_accumulation_steps={steps}"
        )
    _check_ema(options, "an integer >= 1 or None")
    clips = ("clipnorm", "clipvalue", "global_clipnorm")
    if sum(options[c] is not None for c in clips) > 1:
        raise ValueError(
            "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
            + ", ".join(f"{c}={options[c]}" for c in clips)
        )


def _check_keras2_options(options: dict) -> None:
    """Keras 2's ``_BaseOptimizer.__init__`` checks, in its order."""
    _check_ema(options, "an integer > 1 or None")
    if options["clipnorm"] is not None and options["global_clipnorm"] is not None:
        raise ValueError(
            "At most one of `clipnorm` and `global_clipnorm` can be set. Received: "
            f"clipnorm={options['clipnorm']}, global_clipnorm={options['global_clipnorm']}."
        )


def _check_ema(options: dict, frequency_rule: str) -> None:
    if not options["use_ema"]:
        return
    momentum, frequency = options["ema_momentum"], options["ema_overwrite_frequency"]
    if momentum > 1 or momentum < 0:
        raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: {momentum}")
    if frequency and (not isinstance(frequency, int) or frequency < 1):
        raise ValueError(
            f"`ema_overwrite_frequency` must be {frequency_rule}. Received: {frequency}"
        )


def _flushed(gradient):
    if isinstance(gradient, IndexedSlices):
        return IndexedSlices(gradient.indices, _arith.flush_subnormals(gradient.values))
    return _arith.flush_subnormals(gradient)


# -- schedules in a config ----------------------------------------------------------------------


def serialize_schedule(schedule) -> dict:
    """A schedule as Keras serializes it inside an optimizer's config (Keras 3, Keras 2 and the
    legacy optimizers alike)."""
    return {
        "module": "keras.optimizers.schedules",
        "class_name": type(schedule).__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }


def deserialize_schedule(value, dtype: str, flavor: str):
    """The reference schedule of a serialized one (:func:`serialize_schedule`), or ``value``
    itself; a Keras 2 or legacy optimizer's schedule is of the ``keras2`` flavour."""
    if not isinstance(value, dict):
        return value
    cls = getattr(schedules, value["class_name"])
    schedule_flavor = "keras3" if flavor == "keras3" else "keras2"
    settings = {"dtype": dtype}
    if "flavor" in inspect.signature(cls).parameters:
        settings["flavor"] = schedule_flavor
    return cls.from_config(value["config"], **settings)

"""tensorflow-addons' AdamW: decoupled weight decay on the legacy Keras Adam."""

from __future__ import annotations

import numpy as np

from reference.optimizers._keras import deserialize_schedule
from reference.optimizers._optimizer import IndexedSlices, LearningRate, is_schedule, sum_duplicates
from reference.optimizers.legacy import Adam
from reference.optimizers.legacy._optimizer_v2 import serialize_hyperparameter


class AdamW(Adam):
    r"""``tfa.optimizers.AdamW``: the legacy Keras Adam
    (:class:`reference.optimizers.legacy.Adam`) whose every variable is first decayed by
    ``weight_decay`` :math:`\lambda`, **not** multiplied by the learning rate:

    .. math::

        \theta \leftarrow \theta - \lambda\,\theta, \qquad
        \theta \leftarrow \theta - \alpha_t\, m \,/\, (\sqrt{v} + \epsilon)

    per variable, the decay first (a control dependency), each rounded in float32; the Adam
    step is ``ApplyAdam``'s (see the legacy Adam). :math:`\lambda` is read at every update: a
    float (a float32 variable), a callable of no argument (called), or a schedule, evaluated at
    ``iterations`` (the int counter, where the learning-rate schedule gets it as a float).

    Mirrors tensorflow-addons 0.23 (``tensorflow_addons/optimizers/weight_decay_optimizers.py``)
    on TF 2.13-2.15. Slots ``m``, ``v`` (``vhat``); counter ``iterations``. Every legacy keyword
    (``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``decay``, ``lr``) works as on the legacy
    Adam; clipping happens before the decay and does not touch it.

    Traps:
        * The decay is :math:`\lambda\theta`, whatever the learning rate: Keras's ``AdamW``
          (:class:`reference.optimizers.AdamW`), ``torch.optim.AdamW`` and ``optax.adamw``
          decay by :math:`\lambda\eta\theta`. Porting ``tfa.optimizers.AdamW(weight_decay=1e-4,
          learning_rate=1e-3)`` means ``weight_decay=0.1`` there. Under a learning-rate
          schedule the decay does not follow the schedule: tensorflow-addons' own docs ask for
          a ``weight_decay`` schedule (or callable) that follows it by hand.
        * ``weight_decay`` is the first positional argument (the learning rate the second).
        * A sparse gradient decays only the rows it touches (after its repeated rows are
          summed), where Keras's AdamW decays the whole variable.
        * ``exclude_from_weight_decay`` matches variable names, which the reference's
          parameters do not have: only ``None`` is accepted.

    Example:
        >>> import numpy as np
        >>> from reference.addons import AdamW
        >>> opt = AdamW(weight_decay=0.5, learning_rate=0.1, dtype="float32")
        >>> params, state = opt.step(np.zeros(1), np.ones(1), opt.init(np.ones(1)))
        >>> params.tolist()  # a zero gradient: only the decay, 1 - 0.5 (not 1 - 0.5 * 0.1)
        [0.5]
    """

    def __init__(
        self,
        weight_decay,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-07,
        amsgrad: bool = False,
        name: str = "AdamW",
        *,
        exclude_from_weight_decay: list[str] | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        decay: float = 0.0,
        lr: LearningRate | None = None,
        dtype: str = "float64",
    ):
        if weight_decay is None:
            # tensorflow-addons' typeguard lets None through; functools.partial then refuses it.
            raise TypeError("the first argument must be callable")
        super().__init__(
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            amsgrad,
            name,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            decay=decay,
            lr=lr,
            dtype=dtype,
        )
        if exclude_from_weight_decay:
            raise NotImplementedError(
                "exclude_from_weight_decay matches variable names; the reference's parameters "
                "have none (decay them all, or leave some out of the call)"
            )
        self.weight_decay = weight_decay
        self.exclude_from_weight_decay = exclude_from_weight_decay

    def init(self, params):
        if isinstance(self.weight_decay, str):
            # OptimizerV2 makes a variable of each hyperparameter with the value as its
            # initializer, and a string names an initializer.
            raise ValueError(f"Unknown initializer: {self.weight_decay!r}.")
        return super().init(params)

    def weight_decay_at(self, step: int) -> np.ndarray:
        """:math:`\\lambda` of the update with counter ``step``, in the compute dtype."""
        value = self.weight_decay
        if is_schedule(value):
            return self._constant(value(step))
        return self._constant(self._hyperparameter(value))

    def _apply(self, gradients: list, params: list[np.ndarray], state):
        decay = self.weight_decay_at(state[self.counter])
        # Clipping keeps a sparse gradient's rows, so the decayed rows are those given.
        touched = [
            sum_duplicates(g).indices if isinstance(g, IndexedSlices) else None for g in gradients
        ]
        decayed = [_decayed(p, decay, rows) for p, rows in zip(params, touched)]
        return super()._apply(gradients, decayed, state)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "weight_decay": serialize_hyperparameter(self.weight_decay),
            "exclude_from_weight_decay": self.exclude_from_weight_decay,
        }

    @classmethod
    def from_config(cls, config: dict, *, dtype: str = "float64"):
        config = dict(config)
        config["weight_decay"] = deserialize_schedule(config["weight_decay"], dtype, "keras2")
        return super().from_config(config, dtype=dtype)


def _decayed(param: np.ndarray, decay: np.ndarray, rows) -> np.ndarray:
    """``var.assign_sub(wd * var)``; for a sparse gradient, only its (unique) rows:
    ``scatter_add(var, rows, -wd * var[rows])``."""
    if rows is None:
        return param - decay * param
    decayed = np.array(param, copy=True)
    for row in rows.tolist():
        decayed[row] = decayed[row] + (-decay) * decayed[row]
    return decayed

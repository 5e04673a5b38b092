"""Keras's Adam in PyTorch, behind lr-conformance's functional contract:
``state = opt.init(params)``, then
``params, state = opt.step(grads, params, state)``."""

from inspect import signature
from typing import NamedTuple

import numpy as np
import torch

from torchport.schedules import DTYPES

OPTIONS = {"weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema"}
OPTIONS |= {"ema_momentum", "ema_overwrite_frequency", "loss_scale_factor"}
OPTIONS |= {"gradient_accumulation_steps"}


class IndexedSlices(NamedTuple):
    """A sparse gradient: ``values[i]`` is row ``indices[i]``'s (rows may repeat)."""

    indices: np.ndarray
    values: np.ndarray


def sqrt(x: torch.Tensor) -> torch.Tensor:
    # torch.sqrt in float32 is not always correctly rounded on the CPU; the float64
    # root rounded to float32 always is, as TensorFlow's is.
    return torch.sqrt(x.double()).to(x.dtype)


class Adam:
    counter = "iterations"  # the key of the step counter in the state

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        name=None,
        *,
        adaptive_epsilon=False,  # tf_keras only
        dtype="float64",
        flavor="keras3",
        **retired,  # Keras 2 ignores lr=; Keras 3 refuses anything but decay=
    ):
        # Keras's options around the update rule, and a learning rate of no argument,
        # are not ported: the suite counts their cases as "not implemented".
        unported = sorted(retired.keys() & OPTIONS)
        if callable(learning_rate) and not signature(learning_rate).parameters:
            unported.append("learning_rate=lambda: ...")
        if unported:
            raise NotImplementedError(f"not ported: {unported}")
        if flavor == "keras3" and (retired.keys() - {"decay"} or adaptive_epsilon):
            raise ValueError(f"unexpected arguments: {sorted(retired)}")
        if flavor == "keras3" and not (
            callable(learning_rate) or isinstance(learning_rate, float)
        ):
            raise ValueError(
                f"learning_rate must be a float or a schedule: {learning_rate!r}"
            )
        self.learning_rate = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.amsgrad, self.adaptive_epsilon = amsgrad, adaptive_epsilon
        self.dtype, self.flavor = DTYPES[dtype], flavor

    def _tensor(self, x) -> torch.Tensor:
        return torch.as_tensor(np.asarray(x, np.float64)).to(self.dtype)

    def init(self, params) -> dict:
        zeros = [torch.zeros_like(self._tensor(p)) for p in params]
        state = {"iterations": 0, "m": zeros, "v": [z.clone() for z in zeros]}
        if self.amsgrad:
            state["vhat"] = [z.clone() for z in zeros]
        return state

    def step(self, grads, params, state):
        count = state["iterations"]  # updates already applied: 0 for the first
        t = self._tensor(count + 1)
        lr = self.learning_rate
        lr = self._tensor(lr(count) if callable(lr) else lr)
        one = self._tensor(1.0)
        beta_1_power = torch.pow(self._tensor(self.beta_1), t)
        beta_2_power = torch.pow(self._tensor(self.beta_2), t)
        # Keras folds the bias correction into the step size, then adds epsilon
        # to sqrt(v).
        root = sqrt(one - beta_2_power)
        alpha = lr * root / (one - beta_1_power)
        epsilon = self._tensor(self.epsilon)
        if self.adaptive_epsilon:
            epsilon = epsilon * root
        c1, c2 = self._tensor(1 - self.beta_1), self._tensor(1 - self.beta_2)
        new = {"iterations": count + 1, "m": [], "v": [], "vhat": []}
        new_params = []
        for i, (g, p) in enumerate(zip(grads, params)):
            m, v = state["m"][i], state["v"][i]
            if isinstance(g, IndexedSlices):
                m, v = self._sparse_moments(g, m, v, c1, c2)
            else:
                g = self._tensor(g)
                m = m + (g - m) * c1
                v = v + (g * g - v) * c2
            new["m"].append(m)
            new["v"].append(v)
            if self.amsgrad:
                v = torch.maximum(state["vhat"][i], v)
                new["vhat"].append(v)
            p = self._tensor(p) - (m * alpha) / (sqrt(v) + epsilon)
            new_params.append(p.numpy())
        if not self.amsgrad:
            del new["vhat"]
        return new_params, new

    def _sparse_moments(self, g, m, v, c1, c2):
        indices = torch.as_tensor(np.asarray(g.indices, np.int64))
        values = self._tensor(g.values)
        if self.flavor == "keras3":
            # Keras 3 makes each term dense: the rows summed, and the squares summed.
            rows = torch.zeros_like(m).index_add_(0, indices, values)
            squares = torch.zeros_like(v).index_add_(0, indices, values * values)
            return m + (rows - m) * c1, v + (squares - v) * c2
        # Keras 2 sums repeated rows first, decays every row, then adds to the
        # touched ones.
        unique, position = torch.unique(indices, sorted=False, return_inverse=True)
        rows = torch.zeros((len(unique), *values.shape[1:]), dtype=self.dtype)
        rows = rows.index_add_(0, position, values)
        m = (m + (-m * c1)).index_add_(0, unique, rows * c1)
        v = (v + (-v * c2)).index_add_(0, unique, (rows * rows) * c2)
        return m, v

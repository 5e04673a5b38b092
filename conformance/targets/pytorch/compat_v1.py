"""``tf.compat.v1.train`` reproduced with PyTorch.

The decay functions (signatures: :mod:`conformance.targets.tf_api`) give the value at
``global_step`` of the scheduler that :mod:`conformance.targets.pytorch.recipes` chooses for the
same arguments (``learning_rate`` is ``initial_learning_rate`` there). The optimizers are the
``torch.optim`` optimizers below, with TF1's signatures and step counter.
"""

from __future__ import annotations

import torch

from conformance.targets import tf_api
from conformance.targets.pytorch import optimizers, recipes
from conformance.targets.pytorch._driver import TorchSchedule

globals().update(tf_api.compat_v1_decays(TorchSchedule, recipes, generator="PyTorch"))


class AdamOptimizer(tf_api.AdamOptimizer, optimizers.Adam):
    """``tf.compat.v1.train.AdamOptimizer`` as ``torch.optim.Adam`` (epsilon after the bias
    correction in PyTorch, before it in TF)."""


class RMSPropOptimizer(tf_api.RMSPropOptimizer, optimizers.RMSprop):
    """``tf.compat.v1.train.RMSPropOptimizer`` as ``torch.optim.RMSprop`` whose mean square
    starts at 1, as TF1's does (set in the optimizer's state before the first step); epsilon
    stays outside the root and the momentum after the learning rate (PyTorch's forms)."""

    def _prepare_state(self, optimizer: torch.optim.Optimizer) -> None:
        for group in optimizer.param_groups:
            for p in group["params"]:
                state = {
                    "step": torch.tensor(0.0),
                    "square_avg": torch.ones_like(p, memory_format=torch.preserve_format),
                }
                if group["momentum"] > 0:
                    state["momentum_buffer"] = torch.zeros_like(p)
                if group["centered"]:
                    state["grad_avg"] = torch.zeros_like(p)
                optimizer.state[p] = state


class GradientDescentOptimizer(tf_api.GradientDescentOptimizer, optimizers.TorchOptimizer):
    """``tf.compat.v1.train.GradientDescentOptimizer`` as ``torch.optim.SGD``."""

    label = "torch.optim.SGD"

    def _make(self, tensors: list[torch.Tensor]) -> torch.optim.Optimizer:
        return torch.optim.SGD(tensors, lr=0.001)

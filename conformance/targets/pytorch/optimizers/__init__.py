"""TensorFlow's Adam and RMSprop (Keras 2.11+/3) reproduced with ``torch.optim``, under the
reference's functional contract (``opt.init(params)``, ``opt.step(grads, params, state)``).

The closest PyTorch optimizer, with TF's hyperparameters: ``torch.optim.Adam(lr, betas=(beta_1,
beta_2), eps=epsilon, amsgrad=amsgrad)`` and ``torch.optim.RMSprop(lr, alpha=rho, eps=epsilon,
momentum=momentum, centered=centered)``. They are not TF's formulas: PyTorch's Adam adds epsilon
to the bias-corrected root (TF adds it before the correction: "epsilon-hat"), its RMSprop adds
epsilon outside the root and applies the learning rate after the momentum. The migration table
says by how much that shows. A schedule (this package's ``schedules.X``) becomes its scheduler
on the same optimizer, stepped after each ``optimizer.step()``. A sparse gradient is given to
PyTorch dense (its Adam and RMSprop refuse sparse gradients): the rows added up into zeros, as an
embedding without ``sparse=True`` computes it.

Keras's options: ``weight_decay`` on Adam (AdamW's default 0.004) becomes
``torch.optim.AdamW(weight_decay=weight_decay)``, which, as Keras, multiplies the weight by
``1 - lr * weight_decay`` before the Adam step (Keras subtracts ``weight * weight_decay * lr``:
other roundings). ``clipvalue`` becomes ``torch.nn.utils.clip_grad_value_`` and
``global_clipnorm`` ``clip_grad_norm_`` over every parameter, ``clipnorm`` the same on each
parameter alone, before ``optimizer.step()``: PyTorch scales by ``max_norm / (norm + 1e-6)``
where Keras scales by ``clipnorm / norm``. RMSprop's ``weight_decay`` has no equivalent
(``torch.optim.RMSprop``'s adds the decay to the gradient).
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from conformance.targets import tf_api
from conformance.targets.pytorch import _driver
from conformance.targets.tf_api import IndexedSlices


class TorchOptimizer(tf_api.FrameworkOptimizer):
    """Holds the torch optimizer, its scheduler and the parameter tensors in
    ``state["torch"]``; everything else follows the reference's contract."""

    framework = "PyTorch"
    state_key = "torch"

    def __init__(self, learning_rate, dtype: str) -> None:
        super().__init__(learning_rate, dtype)
        self.torch_dtype = torch.float32 if dtype == "float32" else torch.float64

    def _make(self, tensors: list[torch.Tensor]) -> torch.optim.Optimizer:
        raise NotImplementedError

    def _prepare_state(self, optimizer: torch.optim.Optimizer) -> None:
        """Slots that must not start as PyTorch starts them (TF1 RMSProp's ones)."""

    def _start(self, arrays: list[np.ndarray]) -> tuple:
        tensors = [
            torch.tensor(np.asarray(a, np.float64), dtype=self.torch_dtype).requires_grad_()
            for a in arrays
        ]
        rate = self.learning_rate
        if isinstance(rate, _driver.TorchSchedule):
            optimizer = self._make(tensors)
            recipe, arguments = rate.recipe, rate.arguments
            namespace = _driver._namespace(arguments)
            for group in optimizer.param_groups:
                group["lr"] = eval(recipe.lr, namespace)  # noqa: S307 - recipe source
            namespace["optimizer"] = optimizer
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scheduler = eval(recipe.scheduler, namespace)  # noqa: S307
        elif callable(rate):
            optimizer = self._make(tensors)
            for group in optimizer.param_groups:
                group["lr"] = 1.0
            scheduler = torch.optim.lr_scheduler.LambdaLR(
                optimizer, lambda e: float(np.asarray(rate(e)))
            )
        else:
            optimizer, scheduler = self._make(tensors), None
            for group in optimizer.param_groups:
                group["lr"] = rate
        for group in optimizer.param_groups:
            group["lr"] = float(group["lr"])
        self._prepare_state(optimizer)
        return optimizer, scheduler, tensors

    def _update(
        self, gradients: list, arrays: list[np.ndarray], inner: tuple
    ) -> tuple[list[np.ndarray], tuple]:
        optimizer, scheduler, tensors = inner
        with torch.no_grad():
            for tensor, array, gradient in zip(tensors, arrays, gradients):
                tensor.copy_(torch.tensor(np.asarray(array, np.float64), dtype=self.torch_dtype))
                tensor.grad = torch.tensor(
                    tf_api.dense_gradient(gradient, tensor.shape), dtype=self.torch_dtype
                )
            self._clip(tensors)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
        return [t.detach().numpy().astype(np.float64) for t in tensors], inner

    def _clip(self, tensors: list[torch.Tensor]) -> None:
        """Keras's clipping options on the gradients, as ``torch.nn.utils`` does them."""
        if self.clipvalue is not None:
            torch.nn.utils.clip_grad_value_(tensors, self.clipvalue)
        if self.clipnorm is not None:
            for tensor in tensors:
                torch.nn.utils.clip_grad_norm_([tensor], self.clipnorm)
        if self.global_clipnorm is not None:
            torch.nn.utils.clip_grad_norm_(tensors, self.global_clipnorm)


class Adam(tf_api.Adam, TorchOptimizer):
    @property
    def label(self) -> str:
        return "torch.optim.AdamW" if self.weight_decay else "torch.optim.Adam"

    def _make(self, tensors: list[torch.Tensor]) -> torch.optim.Optimizer:
        options = dict(lr=0.001, betas=(self.beta_1, self.beta_2), eps=self.epsilon)
        if self.weight_decay:
            return torch.optim.AdamW(
                tensors, **options, weight_decay=self.weight_decay, amsgrad=self.amsgrad
            )
        return torch.optim.Adam(tensors, **options, amsgrad=self.amsgrad)


class AdamW(tf_api.AdamW, Adam):
    """``tf.keras.optimizers.AdamW`` as ``torch.optim.AdamW``."""


class RMSprop(tf_api.RMSprop, TorchOptimizer):
    label = "torch.optim.RMSprop"

    def _make(self, tensors: list[torch.Tensor]) -> torch.optim.Optimizer:
        return torch.optim.RMSprop(
            tensors,
            lr=0.001,
            alpha=self.rho,
            eps=self.epsilon,
            momentum=self.momentum,
            centered=self.centered,
        )


from conformance.targets.pytorch.optimizers import legacy  # noqa: E402

__all__ = ["Adam", "AdamW", "IndexedSlices", "RMSprop", "TorchOptimizer", "legacy"]

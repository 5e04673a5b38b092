"""The reference's optimizers; Adam puts epsilon after the bias correction."""

from reference.optimizers import Adam as _Reference
from reference.optimizers import IndexedSlices, RMSprop

__all__ = ["Adam", "IndexedSlices", "RMSprop"]


class Adam(_Reference):
    r"""Wrong on purpose (for TensorFlow): :math:`\hat m / (\sqrt{\hat v} + \epsilon)`. The
    reference's ``adaptive_epsilon`` computes exactly that (epsilon times
    :math:`\sqrt{1 - \beta_2^t}`, added before the correction is divided out)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.adaptive_epsilon = True

"""The reference's optimizers, unchanged; ``legacy.Adam`` is broken."""

from reference.optimizers import IndexedSlices
from reference.optimizers.adam import Adam
from reference.optimizers.rmsprop import RMSprop

__all__ = ["Adam", "IndexedSlices", "RMSprop"]

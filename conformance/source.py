"""Python source of calls, for reproducers: how a case's arguments and steps are written."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from conformance.cases import Expr


def format_kwargs(params: Mapping) -> str:
    """``k=v, ...`` with each value as source (an :class:`~conformance.cases.Expr` as its
    own source)."""

    def show(value):
        return value.source if isinstance(value, Expr) else repr(value)

    return ", ".join(f"{k}={show(v)}" for k, v in params.items())


def steps_repr(steps: np.ndarray) -> str:
    if len(steps) <= 8:
        return repr(steps.tolist())
    return f"np.array({steps[:3].tolist()[:-1]} + [..., {int(steps[-1])}])  # {len(steps)} steps"

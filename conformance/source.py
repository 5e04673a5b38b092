"""Python source, for reproducers: how a case's arguments, its steps and calls are written, so
that the text runs when pasted into ``python`` (:mod:`conformance.reproducer` assembles the
programs)."""

from __future__ import annotations

import pprint
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np

from conformance.cases import Expr

#: Reproducer lines are kept within this many columns where the tokens allow it (the table
#: indents them by four).
WIDTH = 92

#: A run of at least this many evenly spaced steps is written as ``np.arange``.
ARANGE_MIN = 4


class Call(NamedTuple):
    """A call as source: ``callee(arguments...)``. An argument is source text, or a
    ``(prefix, Call)`` pair for a call nested in it (``learning_rate=X(...)``,
    ``lambda step: f(...)``)."""

    callee: str
    arguments: tuple = ()

    def flat(self) -> str:
        return f"{self.callee}({', '.join(_flat(a) for a in self.arguments)})"

    def render(self, block: int = 0, prefix: str = "") -> str:
        """``prefix`` and the call, as a statement or argument indented by ``block``: on one
        line where that fits within :data:`WIDTH` columns, else one argument per line."""
        flat = prefix + self.flat()
        if block + len(flat) <= WIDTH or not self.arguments:
            return flat
        inner = block + 4
        lines = "".join(f"{' ' * inner}{_render(a, inner)},\n" for a in self.arguments)
        return f"{prefix}{self.callee}(\n{lines}{' ' * block})"


def _flat(argument) -> str:
    if isinstance(argument, tuple):
        prefix, nested = argument
        return prefix + nested.flat()
    return argument


def _render(argument, block: int) -> str:
    if isinstance(argument, tuple):
        prefix, nested = argument
        return nested.render(block, prefix)
    return argument


class Source(NamedTuple):
    """A Python expression (``prefix`` then ``call``: ``lambda step: f(...)``) and the modules
    it needs imported (``import x.y``)."""

    call: Call
    imports: tuple[str, ...] = ()
    prefix: str = ""

    def render(self, block: int = 0, lead: str = "") -> str:
        """The expression after ``lead`` (``TARGET = ``), in a statement indented by ``block``."""
        return self.call.render(block, lead + self.prefix)

    @property
    def argument(self) -> tuple:
        """The expression as an argument of another :class:`Call`."""
        return (self.prefix, self.call)


def show(value) -> str:
    """A value as source that Python reads back: an :class:`~conformance.cases.Expr` as its own
    source, an infinite or nan float as ``float("inf")`` (its ``repr`` is no Python), lists,
    tuples and dicts item by item, anything else as its ``repr`` (numpy scalars need ``import
    numpy as np``, which every reproducer has)."""
    if isinstance(value, Expr):
        return value.source
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        text = f'float("{float(value)!r}")'
        return text if isinstance(value, float) else f"np.{type(value).__name__}({text})"
    if isinstance(value, list):
        return f"[{', '.join(map(show, value))}]"
    if isinstance(value, tuple):
        items = ", ".join(map(show, value))
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    return repr(value)


def kwargs(params: Mapping) -> list[str]:
    """``["k=v", ...]`` with each value as source."""
    return [f"{k}={show(v)}" for k, v in params.items()]


def format_kwargs(params: Mapping) -> str:
    """``k=v, ...`` with each value as source (an :class:`~conformance.cases.Expr` as its
    own source)."""
    return ", ".join(kwargs(params))


def int_list(values: Iterable[int], indent: int = 0) -> str:
    """A list of ints, wrapped within :data:`WIDTH` columns."""
    text = pprint.pformat([int(v) for v in values], width=max(WIDTH - indent, 40), compact=True)
    return text.replace("\n", "\n" + " " * indent)


def steps_source(steps: np.ndarray, dtype: str = "int64", indent: int = 0) -> str:
    """The exact step array as source: runs of evenly spaced steps as ``np.arange``, the rest as
    lists, in one ``np.concatenate`` where there are several parts; never an ellipsis."""
    steps = np.asarray(steps, dtype=np.int64).reshape(-1)
    parts: list[str] = []
    loose: list[int] = []
    i = 0
    while i < len(steps):
        j = i + 1
        if j < len(steps):
            stride = int(steps[j] - steps[i])
            while j + 1 < len(steps) and int(steps[j + 1] - steps[j]) == stride:
                j += 1
        if j - i + 1 >= ARANGE_MIN and j < len(steps):
            if loose:
                parts.append(int_list(loose, indent + 4))
                loose = []
            stride = int(steps[i + 1] - steps[i])
            stop = int(steps[j]) + stride
            parts.append(
                f"np.arange({int(steps[i])}, {stop})"
                if stride == 1
                else f"np.arange({int(steps[i])}, {stop}, {stride})"
            )
            i = j + 1
        else:
            loose.append(int(steps[i]))
            i += 1
    if loose:
        parts.append(int_list(loose, indent + 4))
    if len(parts) == 1 and parts[0].startswith("np.arange"):
        return f"{parts[0]}.astype(np.{dtype})"
    if len(parts) == 1:
        return f"np.array({int_list(np.asarray(steps).tolist(), indent + 9)}, np.{dtype})"
    inner = " " * (indent + 4)
    body = "".join(f"{inner}{part},\n" for part in parts)
    return f"np.concatenate([\n{body}{' ' * indent}]).astype(np.{dtype})"


def steps_repr(steps: np.ndarray) -> str:
    """A short description of a step array (not source for long arrays: see
    :func:`steps_source`)."""
    if len(steps) <= 8:
        return repr(steps.tolist())
    return f"np.array({steps[:3].tolist()[:-1]} + [..., {int(steps[-1])}])  # {len(steps)} steps"


def imports(modules: Iterable[str]) -> list[str]:
    """``import`` lines for modules, each once, in order: numpy and TensorFlow first."""
    seen = list(dict.fromkeys(modules))
    first = [m for m in ("numpy as np", "tensorflow as tf") if m in seen]
    return [f"import {m}" for m in first + [m for m in seen if m not in first]]

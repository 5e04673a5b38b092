"""``python -m conformance diff``: two oracles compared on the whole catalogue.

    python -m conformance diff --oracle tf --oracle keras-jax
    python -m conformance diff --oracle vectors:2.21 --oracle vectors:keras-jax   # no backend
    python -m conformance diff --oracle vectors:2.15 --oracle vectors:2.21 --api CosineDecay

An oracle is anything ``check --against`` takes (:func:`conformance.run.load_oracle`): ``tf``
(live TensorFlow), ``keras-jax``, ``keras-torch``, ``keras-numpy``, ``keras-tensorflow`` (Keras 3
on that backend, live), ``vectors`` (the newest TensorFlow set) or ``vectors:SET`` (a shipped
set: ``2.15``, ``tf-2.15.1``, ``keras-jax``, ``tf-nightly``, or a set's directory).

Every case of the catalogue is evaluated by both oracles on entry points paired by key
(``tf.keras`` with ``tf.keras``) or else by reference flavour (TensorFlow's ``tf.keras`` with
Keras 3's ``keras``: both ``keras3``). A schedule case is compared on the vector path (one call
on every step; a frozen set's stored step array) and on the scalar path (each step alone, on
:meth:`Case.sampled` steps, or the stored ones); an optimizer case on its trajectory (every
update, or the stored ones). Per API and path the report gives the cases and values compared,
the share identical to the bit, the worst distance in float32 ULPs, the cases where one side
raises and the other does not (or raises another exception), and the first difference: case,
step, both values. Where one oracle lacks an API the row says "missing" and why.

Live oracles are evaluated one after the other, each in batches (its ``prefetch``), and a Keras
backend's worker is closed before the next oracle starts: one backend process at a time.

Exit status: 0 when every compared value is identical and every exception the same, 1 when
something differs, 2 for a usage or setup error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conformance import run as running


def add_command(commands) -> None:
    command = commands.add_parser(
        "diff",
        help="compare two oracles (TensorFlow, a Keras 3 backend, golden vectors) case by case",
        description="Evaluate the whole catalogue with two oracles and report, per API and "
        "path, the share of values identical to the bit, the worst ULP distance and the first "
        "difference. Exit status: 0 identical, 1 something differs, 2 usage or setup error.",
    )
    command.add_argument(
        "--oracle",
        action="append",
        required=True,
        metavar="ORACLE",
        help="give it twice: tf, keras-jax, keras-torch, keras-numpy, keras-tensorflow, vectors, "
        "or vectors:SET (2.15, tf-2.21.0, keras-jax, tf-nightly, or a set's directory)",
    )
    command.add_argument(
        "--api", nargs="+", action="extend", metavar="NAME", help="only these APIs"
    )
    command.add_argument(
        "--path",
        choices=("scalar", "vector", "trajectory"),
        action="append",
        help="only this path (repeatable; default: scalar, vector and trajectory)",
    )
    command.add_argument(
        "--report", choices=("table", "json", "markdown"), default="table", help="default: table"
    )
    command.add_argument("--output", metavar="FILE", help="write the report to FILE")


def run(options: argparse.Namespace) -> int:
    from conformance.oracle_diff import PATHS, RENDERERS, diff, summarize

    if len(options.oracle) != 2:
        raise running.UsageError("give --oracle exactly twice (the two oracles to compare)")
    running.check_output(options.output)
    selected = running.select(options.api)
    oracles = [running.load_oracle(spec) for spec in options.oracle]
    paths = tuple(options.path or PATHS)
    progress = running.Progress(sys.stderr)
    progress.phase("diff", 0)
    planned, diffs = diff(
        *oracles,
        selected,
        paths,
        progress=progress.label,
        close=_close,
    )
    progress.close()
    summaries = summarize(planned, diffs)
    names = [o.name for o in oracles]
    versions = [o.versions() for o in oracles]
    text = RENDERERS[options.report](names, versions, planned, summaries)
    if options.output:
        Path(options.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    differs = any(s.status in ("differs", "raises") for s in summaries)
    return 1 if differs else 0


def _close(oracle) -> None:
    close = getattr(oracle, "close", None)
    if close is not None:
        close()

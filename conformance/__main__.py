"""``python -m conformance`` (or ``lr-conformance``): the command line. This module parses and
dispatches: ``check`` is :mod:`conformance.commands`, ``plot`` :mod:`conformance.plot`,
``vectors`` and ``compare`` :mod:`conformance.vectors.cli`; what they share (selection, loading,
metadata, progress) is :mod:`conformance.run`. Nothing imports this module.

    python -m conformance check [--target reference] [--against tf|vectors [--tf-version X.Y.Z]]
        [--api NAME ...] [--case ID ...] [--steps A:B] [--entry-point KEY ...]
        [--flavor F ...] [--dtype float32|float64] [--max-ulp N | --strict] [--per-step]
        [--report table|json|junit|markdown] [--output FILE] [--verbose]
        [--timing] [--require-all] [--require-bad-inputs] [--timeout SECONDS]
        [--variant NAME=VALUE ...]
    python -m conformance plot --target PKG --api NAME [--case ID] --output FILE.png
    python -m conformance vectors export|verify|cases|results ...   (see conformance.vectors.cli)
    python -m conformance compare --results FILE ...   (a port's results file against the vectors)

The catalogue covers the schedules and the optimizers. An API the target does not provide is
reported as "not implemented", which fails the run only with ``--require-all``. A target that
raises, returns nan, returns the wrong shape or type, or does not return within ``--timeout``
seconds fails that check and the run goes on (a target that timed out is not called again for
that API). The bad-input catalogue's checks (None, strings, nan, wrong shapes... where
TensorFlow raises or returns values) are reported in rows of their own and fail the run only
with ``--require-bad-inputs``. Exit status: 0 when every check passes, 1 when any fails, 2
for a usage or setup error (unknown option, API or variant, a target that does not import,
TensorFlow missing, nothing to check), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

# Only what the parser needs: the commands' modules, and the catalogue they load, are imported
# when a command runs, so that --help and a usage error answer at once.
from conformance import diff, variants
from conformance import report as reporting
from conformance.run import DEFAULT_TIMEOUT, USAGE_ERROR, UsageError, leave
from conformance.vectors import cli as vector_commands
from conformance.vectors.format import VectorError


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (argparse prints the whole usage first)."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    invoked_as = Path(sys.argv[0]).name
    parser = _Parser(
        prog="python -m conformance" if invoked_as in ("__main__.py", "-c", "") else invoked_as,
        description="Check an implementation of TensorFlow's learning-rate schedules against "
        "TensorFlow, step by step.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    subcommands.required = True
    check = subcommands.add_parser(
        "check",
        help="run the catalogue against TensorFlow and print a per-API report",
        description="Run every case of the catalogue through the target and through live "
        "TensorFlow, on every entry point TensorFlow has here, and report per API. Exit status: "
        "0 all checks pass, 1 some fail, 2 usage or setup error.",
    )
    check.add_argument(
        "--target",
        default="reference",
        metavar="PACKAGE",
        help="importable package laid out like `reference` (PACKAGE.schedules.X, "
        "PACKAGE.compat_v1.x); default: reference",
    )
    check.add_argument(
        "--against",
        default="tf",
        metavar="ORACLE",
        help="what to compare with: 'tf' (live TensorFlow, default) or 'vectors' (the golden "
        "vectors shipped in conformance/vectors: no TensorFlow needed); 'keras-jax', "
        "'keras-torch', 'keras-numpy', 'keras-tensorflow' (Keras 3 on that backend, live); "
        "'vectors:SET' (a shipped set: keras-jax, tf-nightly, 2.15, ...)",
    )
    check.add_argument(
        "--tf-version",
        metavar="X.Y.Z",
        help="with --against vectors: which shipped TensorFlow's vectors (2.15.1, or 2.15 for "
        "the newest 2.15.x; default: the newest); tensorflow-addons cases from the tfa set",
    )
    check.add_argument(
        "--api",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="only these APIs (e.g. schedules.ExponentialDecay, or just ExponentialDecay); "
        "default: the whole catalogue",
    )
    check.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        help="only this mode of the target (default: both)",
    )
    check.add_argument(
        "--case",
        nargs="+",
        action="extend",
        metavar="ID",
        help="only these cases (ids as the report prints them, or shell patterns: "
        "'ExponentialDecay/stair*'); without --api, their APIs",
    )
    check.add_argument(
        "--steps",
        metavar="A:B",
        help="compare only steps A <= s < B (A:, :B, or one step S); an optimizer's updates",
    )
    check.add_argument(
        "--entry-point",
        nargs="+",
        action="extend",
        metavar="KEY",
        help="only these TensorFlow entry points (tf.keras, tf_keras, tfa, compat_v1.eager, "
        "compat_v1.graph, tf.keras.legacy, tf_keras.legacy)",
    )
    check.add_argument(
        "--flavor",
        nargs="+",
        action="extend",
        choices=("keras3", "keras2", "compat_v1", "legacy", "tfa"),
        help="only the entry points the target mirrors with these flavours",
    )
    check.add_argument(
        "--part",
        choices=("all", "sample", "rest"),  # conformance.check.PARTS, without importing it
        default="all",
        help="a quick run: 'sample' checks every schedule case and bad input and about one "
        "optimizer case in eight (at least one per API, entry point and dtype); 'rest' the "
        "others (default: all)",
    )
    check.add_argument(
        "--max-ulp",
        type=int,
        metavar="N",
        help="the float32 budget of every schedule case, in ULPs (default: each case's own, 1)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="--max-ulp 0: every float32 value equal to TensorFlow's to the bit",
    )
    check.add_argument(
        "--per-step",
        action="store_true",
        help="call the target one step at a time on the scalar path even where it declares "
        "LR_CONFORMANCE_ELEMENTWISE (checks the declaration; slower)",
    )
    check.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show TensorFlow's logs and the warnings, and list every check that is not "
        "applicable or not implemented",
    )
    check.add_argument(
        "--report",
        choices=tuple(reporting.RENDERERS),
        default="table",
        help="report format (default: table)",
    )
    check.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    check.add_argument(
        "--timing",
        action="store_true",
        help="put the date, wall time and steps/s in the JSON report too (it then differs "
        "from run to run)",
    )
    check.add_argument(
        "--require-all",
        action="store_true",
        help="an API the target does not provide fails the run (default: reported as "
        "'not implemented')",
    )
    check.add_argument(
        "--require-bad-inputs",
        action="store_true",
        help="a bad input (the bad-input catalogue) answered otherwise than TensorFlow "
        "fails the run (default: reported in the API's 'bad inputs' row, not counted)",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="seconds one check's target call may take before it is abandoned and reported "
        f"(default: {DEFAULT_TIMEOUT:g}; 0: no limit)",
    )
    check.add_argument(
        "--variant",
        action="append",
        metavar="NAME=VALUE",
        help="a variant the target implements on purpose (repeatable): "
        + "; ".join(f"{k}={'|'.join(v)}" for k, v in variants.VARIANTS.items())
        + ". Its checks then compare with the variant's exact formula and say how far it "
        "is from TensorFlow",
    )
    plot = subcommands.add_parser(
        "plot",
        help="draw a target and TensorFlow overlaid, the ULP error underneath (PNG)",
        description="Evaluate one case of one API with the target and with live TensorFlow, "
        "and draw both, with the error in float32 ULPs underneath (needs matplotlib).",
    )
    plot.add_argument("--target", default="reference", metavar="PACKAGE")
    plot.add_argument("--api", required=True, metavar="NAME")
    plot.add_argument("--case", metavar="ID", help="case id (default: the API's first case)")
    plot.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    plot.add_argument("--output", required=True, metavar="FILE.png")
    vector_commands.add_commands(subcommands, reporting.RENDERERS)
    diff.add_command(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return int(exit_.code or 0)
    try:
        if options.command == "plot":
            from conformance import plot

            return plot.main(options)
        if options.command in ("vectors", "compare"):
            return vector_commands.run(options)
        if options.command == "diff":
            return leave(diff.run(options), command_line=argv is None)
        from conformance import commands

        return leave(commands.check(options), command_line=argv is None)
    except (UsageError, VectorError) as error:
        print(f"{parser.prog} {options.command}: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

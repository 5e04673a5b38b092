"""The ``vectors`` and ``compare`` commands of ``python -m conformance``.

    python -m conformance vectors export [--output DIR] [--api NAME ...]
    python -m conformance vectors verify [--root DIR]
    python -m conformance vectors cases [--api NAME ...] [--tf-version X.Y.Z] [--output FILE]
    python -m conformance vectors results [--target PACKAGE] [--api NAME ...] [--dtype D]
        [--tf-version X.Y.Z] [--output FILE]
    python -m conformance compare --results FILE [--tf-version X.Y.Z] [--api NAME ...]
        [--dtype D] [--report table|json|markdown] [--output FILE]

``vectors results`` writes a results file from a Python target: the worked example of what a
port in another language writes (``SCHEMA.md``). A vector or results file that does not match
its manifest or the schema is a setup error (exit status 2) with the file and the problem named.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from conformance import report as reporting
from conformance import run as running
from conformance.check import NotApplicable
from conformance.vectors import format as vf


def add_commands(commands, report_formats) -> None:
    """Add ``vectors`` and ``compare`` to the subcommands of ``python -m conformance``."""
    vectors = commands.add_parser(
        "vectors",
        help="export, verify and read the golden vectors (TensorFlow's frozen outcomes)",
        description="The golden vectors: one JSON file per API and TensorFlow version, with a "
        "sha256 manifest per directory (schema: conformance/vectors/SCHEMA.md).",
    )
    actions = vectors.add_subparsers(dest="vectors_command", metavar="ACTION")
    actions.required = True
    export = actions.add_parser(
        "export", help="write the vectors of the installed TensorFlow (needs TensorFlow)"
    )
    export.add_argument(
        "--output",
        metavar="DIR",
        default=str(vf.ROOT),
        help="directory to write tf-<version>/ (and tfa-.../) under; default: the package's "
        "own conformance/vectors",
    )
    export.add_argument(
        "--oracle",
        default="tf",
        metavar="ORACLE",
        help="tf (default: the installed TensorFlow, into tf-<version>/) or a Keras 3 backend "
        "(keras-jax, keras-torch, keras-numpy, keras-tensorflow: into keras-<backend>/)",
    )
    export.add_argument(
        "--api",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="only these APIs (default: every one this TensorFlow has)",
    )
    verify = actions.add_parser(
        "verify", help="check every vector directory against its manifest and the schema"
    )
    verify.add_argument(
        "--root",
        metavar="DIR",
        default=str(vf.ROOT),
        help="the directory holding tf-*/ and tfa-*/ (default: the shipped ones)",
    )
    listing = actions.add_parser(
        "cases", help="print the cases a port must compute (the results schema's input form)"
    )
    results = actions.add_parser(
        "results", help="write a results file computed by a Python target (a worked example)"
    )
    results.add_argument(
        "--target",
        default="reference",
        metavar="PACKAGE",
        help="importable package laid out like `reference`",
    )
    results.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        help="only this mode of the target (default: both)",
    )
    for action in (listing, results):
        action.add_argument(
            "--api",
            nargs="+",
            action="extend",
            metavar="NAME",
            help="only these APIs (default: all of the set)",
        )
        action.add_argument(
            "--tf-version",
            metavar="X.Y.Z",
            help="which shipped TensorFlow's vectors (default: the newest)",
        )
        action.add_argument(
            "--output",
            metavar="FILE",
            help="write to FILE (required where standard output is a terminal: megabytes of JSON)",
        )

    compare = commands.add_parser(
        "compare",
        help="compare a results file written by a port in any language with the golden vectors",
        description="Compare the outcomes a port computed for the vectors' cases (a results "
        "file, schema in conformance/vectors/SCHEMA.md) with TensorFlow's stored ones, with "
        "the verdicts and report of `check`. Exit status: 0 all checks pass, 1 some fail, 2 "
        "usage or setup error.",
    )
    compare.add_argument("--results", required=True, metavar="FILE", help="the results file")
    compare.add_argument(
        "--tf-version",
        metavar="X.Y.Z",
        help="which shipped TensorFlow's vectors (default: the one the results "
        "file names, else the newest)",
    )
    compare.add_argument(
        "--api",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="only these APIs (default: every API the results cover)",
    )
    compare.add_argument(
        "--dtype", choices=("float32", "float64"), help="only this mode's results (default: both)"
    )
    compare.add_argument(
        "--require-all",
        action="store_true",
        help="an API of the vector set with no results fails the run "
        "(default: reported as 'not implemented')",
    )
    compare.add_argument(
        "--require-bad-inputs",
        action="store_true",
        help="a bad input (the bad-input catalogue) answered otherwise than TensorFlow "
        "fails the run (default: reported in the API's 'bad inputs' row, not counted)",
    )
    compare.add_argument(
        "--report",
        choices=tuple(report_formats),
        default="table",
        help="report format (default: table)",
    )
    compare.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )


def run(options: argparse.Namespace) -> int:
    if options.command == "compare":
        return compare(options)
    return {
        "export": export,
        "verify": verify,
        "cases": cases,
        "results": results,
    }[options.vectors_command](options)


def _select(oracle, names) -> list[str]:
    """APIs of the vector set; a name may leave out its module (``CosineDecay``)."""
    return running.select(names, [*oracle.apis(), *oracle.optimizer_apis()], f"the {oracle.name}")


def _output_allowed(output: str | None, what: str) -> None:
    """``--output FILE``, or standard output where it is not a terminal (a pipe, a file): the
    cases and results documents are megabytes of JSON."""
    running.check_output(output)
    if not output and sys.stdout.isatty():
        raise running.UsageError(
            f"{what} writes megabytes of JSON: give --output FILE, or redirect standard output"
        )


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def export(options: argparse.Namespace) -> int:
    from conformance.vectors.export import export as write

    selected = running.select(options.api) if options.api else None
    oracle = running.load_oracle(options.oracle)
    if oracle.against not in ("tf",) and not getattr(oracle, "vector_set", None):
        raise running.UsageError(f"--oracle {options.oracle}: not a live oracle to export")
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        written = write(
            oracle,
            Path(options.output),
            selected,
            progress=lambda label: print(f"  {label}", file=sys.stderr),
        )
    for directory in written:
        files = len(list(directory.glob("*.json"))) - 1
        print(f"{directory}: {files} files and {vf.MANIFEST}")
    print(f"exported in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


def verify(options: argparse.Namespace) -> int:
    root = Path(options.root)
    directories = (
        sorted(
            p for p in root.iterdir() if p.is_dir() and p.name.startswith(("tf-", "tfa-", "keras-"))
        )
        if root.is_dir()
        else []
    )
    if not directories:
        raise vf.VectorError(f"{root}: no vector directories (tf-*/, tfa-*/, keras-*/)")
    for directory in directories:
        table = vf.verify_manifest(directory)
        cases = 0
        for name in table:
            cases += len(vf.read_vector_file(directory / name)["cases"])
        print(f"{directory.name}: {len(table)} files, {cases} cases: manifest and schema ok")
    return 0


def _oracle(version: str | None):
    return running.load_oracle("vectors", version)


def cases(options: argparse.Namespace) -> int:
    from conformance.vectors.results import cases_document

    _output_allowed(options.output, "vectors cases")
    oracle = _oracle(options.tf_version)
    document = cases_document(oracle, _select(oracle, options.api))
    _write(vf.dumps(document), options.output)
    return 0


def results(options: argparse.Namespace) -> int:
    from conformance.vectors.results import DTYPES, results_from_target

    _output_allowed(options.output, "vectors results")
    oracle = _oracle(options.tf_version)
    selected = _select(oracle, options.api)
    target = running.load_target(options.target)
    dtypes = (options.dtype,) if options.dtype else DTYPES
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        document = results_from_target(target, oracle, selected, dtypes)
    _write(vf.dumps(document), options.output)
    return 0


def compare(options: argparse.Namespace) -> int:
    from conformance.vectors.results import judge, plan_results, prefetch_exact, read_results

    running.check_output(options.output)
    document, entries = read_results(options.results)
    named = document.get("vectors")
    version = options.tf_version
    if version is None and isinstance(named, str) and named.startswith("tf-"):
        version = named[3:]
    oracle = _oracle(version)
    selected = _select(oracle, options.api) if options.api else None
    planned, missing, unknown = plan_results(oracle, entries, selected, options.dtype)
    if unknown:
        raise vf.VectorError(f"{options.results}: " + "; ".join(unknown[:5]))
    if not planned:
        raise vf.VectorError(f"{options.results}: no results to compare (for this selection)")
    started = time.perf_counter()
    prefetch_exact(planned)
    name = Path(options.results).name
    outcomes = []
    for item in planned:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                verdict = judge(item, oracle, name, options.results)
            running.documented_difference(item.check, verdict)
        except NotApplicable as reason:
            outcomes.append(
                reporting.Result(item.check, reporting.NOT_APPLICABLE, note=str(reason))
            )
            continue
        except Exception as error:  # noqa: BLE001 - the results cannot answer this check
            outcomes.append(reporting.Result(item.check, reporting.ERROR, note=str(error)))
            continue
        status = reporting.PASS if verdict.passed else reporting.FAIL
        outcomes.append(reporting.Result(item.check, status, verdict))
    checked = list(dict.fromkeys(item.check.case.api for item in planned))
    target = document["target"]
    report = reporting.Report(
        results=outcomes,
        unavailable={},
        not_implemented=missing,
        require_all=options.require_all,
        require_bad_inputs=options.require_bad_inputs,
        metadata=running.metadata(
            target={
                "name": str(target["name"]),
                "version": None if target.get("version") is None else str(target["version"]),
                "results_file": name,
            },
            oracle=oracle,
            float32_kernels={"scalar": "the target's own", "vector": "the target's own"},
            selection={
                "apis": checked,
                "whole_catalogue": False,
                "dtype": options.dtype or "float32, float64",
            },
            cases=len({item.check.case.id for item in planned}),
        ),
        wall_time=time.perf_counter() - started,
    )
    running.write_report(report, options.report, options.output, timing=False)
    return 0 if report.passed else 1

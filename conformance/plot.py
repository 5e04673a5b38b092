"""``python -m conformance plot``: one case of one API, target and TensorFlow overlaid, the error
in float32 ULPs underneath, as a PNG.

    python -m conformance plot --target PKG --api NAME [--case ID] [--dtype float32|float64]
        --output FILE.png

A schedule is evaluated on TensorFlow's scalar path (each step on its own, what training sees)
at the case's sampled steps (:meth:`conformance.cases.Case.sampled`); an optimizer case draws
the first parameters of its trajectory, and underneath the largest ULP distance over all
parameters after each update. matplotlib is an optional dependency (the ``docs`` extra).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from conformance import cases
from conformance.cases import OptimizerCase
from conformance.run import UsageError, load_oracle, load_target, select
from conformance.targets import evaluate, fed_steps
from conformance.ulp import ulp_distance

#: Parameters of an optimizer trajectory drawn in the upper panel.
PARAMETERS_DRAWN = 3


def main(options: argparse.Namespace) -> int:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError as error:
        raise UsageError(
            "plot needs matplotlib, which is not installed here: pip install matplotlib "
            f"(or the 'docs' extra) ({error})"
        ) from error
    (api,) = select([options.api])
    case = _find_case(api, options.case)
    target = load_target(options.target)
    if target.lookup(api) is None:
        raise UsageError(f"{options.target} does not implement {api}")
    oracle = load_oracle()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if isinstance(case, OptimizerCase):
            steps, ours, theirs, label = _optimizer_series(oracle, target, options, case)
        else:
            steps, ours, theirs, label = _schedule_series(oracle, target, options, case)
    figure, (top, bottom) = pyplot.subplots(
        2, 1, sharex=True, figsize=(9, 6), gridspec_kw={"height_ratios": [2, 1]}
    )
    top.set_title(
        f"{case.id} on {label}\n{options.target} (dtype={options.dtype}) against TensorFlow",
        fontsize=10,
    )
    short = options.target.rsplit(".", 1)[-1]
    for j in range(min(ours.shape[1], PARAMETERS_DRAWN)):
        suffix = f" [{j}]" if ours.shape[1] > 1 else ""
        top.plot(
            steps,
            theirs[:, j],
            color="C0",
            lw=2.5,
            alpha=0.5,
            label=f"TensorFlow{suffix}" if j == 0 or suffix else None,
        )
        top.plot(
            steps,
            ours[:, j],
            color="C1",
            lw=1,
            ls="--",
            label=f"{short}{suffix}" if j == 0 or suffix else None,
        )
    top.set_ylabel("value")
    top.legend(fontsize=8)
    distance = np.max(ulp_distance(ours, theirs), axis=1)
    finite = np.where(np.isinf(distance), np.nan, distance)
    bottom.plot(steps, finite, color="C3", lw=1, marker=".", ms=2)
    if np.isinf(distance).any():
        bottom.plot(
            steps[np.isinf(distance)],
            np.zeros(int(np.isinf(distance).sum())),
            "kx",
            label="infinitely far (nan/inf on one side)",
        )
        bottom.legend(fontsize=8)
    bottom.set_ylabel("error (float32 ULP)")
    # 0 and 1 ULP and a wrong value millions of ULPs off, on one readable axis.
    bottom.set_yscale("symlog", linthresh=1)
    bottom.set_xlabel("update (step)" if isinstance(case, OptimizerCase) else "step")
    if steps.max() > 1000 * max(steps.min(), 1):
        bottom.set_xscale("symlog", linthresh=10)
    figure.tight_layout()
    figure.savefig(options.output, dpi=110)
    pyplot.close(figure)
    worst = float(np.max(distance, initial=0.0))
    print(f"{options.output}: {case.id}, worst {worst:g} ULP over {len(steps)} steps")
    return 0


def _find_case(api: str, case_id: str | None):
    found = cases.of(api)
    if case_id is None:
        return found[0]
    for case in found:
        if case.id == case_id or case.id.split("/", 1)[-1] == case_id:
            return case
    known = ", ".join(c.id for c in found)
    raise UsageError(f"--case {case_id} is not a case of {api}; its cases: {known}")


def _schedule_series(oracle, target, options, case):
    entry = oracle.entry_points(case.api)
    if not entry:
        raise UsageError(oracle.missing_reason(case.api))
    entry = entry[0]
    sampled = case.sampled()
    theirs = oracle.evaluate(sampled, entry, "scalar")
    factory = target.schedule_factory(sampled, options.dtype, entry.flavor)
    ours = evaluate(factory, fed_steps(sampled))
    if theirs.raised or ours.raised:
        raise UsageError(
            f"nothing to draw: TensorFlow {theirs.error or 'returns values'}, "
            f"{options.target} {ours.error or 'returns values'}"
        )
    steps = sampled.steps.astype(np.float64)
    return (
        steps,
        np.asarray(ours.values, np.float64).reshape(-1, 1),
        np.asarray(theirs.values, np.float64).reshape(-1, 1),
        entry.label + ", scalar path",
    )


def _optimizer_series(oracle, target, options, case):
    entries = [e for e in oracle.entry_points(case.api) if case.applies_to(e)]
    if not entries:
        raise UsageError(f"{case.api}: no TensorFlow entry point here")
    entry = entries[0]
    theirs = oracle.trajectory(case, entry)
    ours = target.trajectory(case, entry.flavor, options.dtype)
    if theirs.params is None or ours.params is None:
        raise UsageError(
            f"nothing to draw: TensorFlow {theirs.error or 'ran'}, {options.target} "
            f"{ours.error or 'ran'}"
        )
    rows = np.arange(ours.params.shape[0]) if theirs.rows is None else theirs.rows
    # Every parameter goes to the error panel; the upper panel draws the first few.
    return (
        rows.astype(np.float64),
        ours.params[rows],
        theirs.params.astype(np.float64),
        entry.label,
    )

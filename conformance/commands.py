"""``python -m conformance check``: the whole catalogue, for one target, against live TensorFlow
or the golden vectors, as a per-API report (:mod:`conformance.report`).

The catalogue covers the schedules and the optimizers. An API the target does not provide is
reported as "not implemented", which fails the run only with ``--require-all``. A target that
raises, returns nan, returns the wrong shape or type, or does not return within ``--timeout``
seconds fails that check and the run goes on (a target that timed out is not called again for
that API).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import sys
import time

from conformance import cases as catalogue
from conformance import optimizer_check, registry, schedule_check, variants
from conformance import report as reporting
from conformance import run as running
from conformance.check import plan


def check(options: argparse.Namespace) -> int:
    selected = running.select(options.api)
    running.check_output(options.output)
    target = running.load_target(options.target)
    try:
        declared = variants.parse(options.variant)
    except ValueError as error:
        raise running.UsageError(str(error)) from error
    oracle = running.load_oracle(options.against, options.tf_version)

    not_implemented = running.not_implemented(target, selected)
    running_apis = [api for api in selected if api not in not_implemented]
    cases = [
        case for case in (*catalogue.CASES, *catalogue.OPTIMIZER_CASES) if case.api in running_apis
    ]
    checks = [c for c in plan(oracle, cases) if options.dtype in (None, c.dtype)]
    unavailable = {
        api: oracle.missing_reason(api) for api in running_apis if not oracle.entry_points(api)
    }
    if not checks and not not_implemented:
        reasons = "; ".join(f"{api}: {why}" for api, why in unavailable.items())
        raise running.UsageError(f"nothing to check here ({reasons or 'no cases selected'})")
    timeout = options.timeout or None

    started = time.perf_counter()
    progress = running.Progress(len(checks), sys.stderr)
    # TensorFlow's side of the checks, evaluated in batches that share TensorFlow's fixed cost
    # per traced function (the reference's trajectories meanwhile in worker processes): the
    # same values as check by check, sooner.
    progress.show(0, "TensorFlow: evaluating the cases in batches")
    optimizer_check.prefetch(oracle, checks, target)
    schedule_check.prefetch(oracle, checks, target)
    one = functools.partial(
        running.run_one, oracle=oracle, target=target, timeout=timeout, declared=declared
    )
    results = running.execute(checks, one, progress)
    report = reporting.Report(
        results=results,
        unavailable=unavailable,
        not_implemented=not_implemented,
        require_all=options.require_all,
        metadata=running.metadata(
            target={"name": target.name, "version": target.version},
            oracle=oracle,
            float32_kernels=running.float32_kernels(target, oracle),
            selection={
                "apis": selected,
                "whole_catalogue": selected == registry.names(),
                "dtype": options.dtype or "float32, float64",
                "require_all": bool(options.require_all),
                "timeout_s": options.timeout or None,
                "variants": dict(sorted(declared.items())),
            },
            cases=len(cases_of(selected)),
        ),
        wall_time=time.perf_counter() - started,
        finished=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )
    running.write_report(report, options.report, options.output, options.timing)
    return 0 if report.passed else 1


def cases_of(apis: list[str]) -> list:
    return [case for case in (*catalogue.CASES, *catalogue.OPTIMIZER_CASES) if case.api in apis]

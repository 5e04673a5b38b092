"""``python -m conformance check``: the whole catalogue, for one target, against live TensorFlow
or the golden vectors, as a per-API report (:mod:`conformance.report`).

The catalogue covers the schedules and the optimizers. An API the target does not provide is
reported as "not implemented", which fails the run only with ``--require-all``. A target that
raises, returns nan, returns the wrong shape or type, or does not return within ``--timeout``
seconds fails that check and the run goes on (a target that timed out is not called again for
that API). ``--case``, ``--steps``, ``--entry-point`` and ``--flavor`` narrow the checks;
``--max-ulp N`` and ``--strict`` (0) set the float32 budget of every schedule case.
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import functools
import sys
import time
import warnings

from conformance import cases as catalogue
from conformance import optimizer_check, registry, schedule_check, variants
from conformance import report as reporting
from conformance import run as running
from conformance.cases import OptimizerCase
from conformance.check import Check, Options, part, plan


def check(options: argparse.Namespace) -> int:
    cases = _cases(options)
    selected = running.select(options.api or _apis_of(cases, options))
    running.check_output(options.output)
    settings = _settings(options)
    target = running.load_target(options.target)
    try:
        declared = variants.parse(options.variant)
    except ValueError as error:
        raise running.UsageError(str(error)) from error
    progress = running.Progress(sys.stderr)
    try:
        return _run(options, cases, selected, settings, target, declared, progress)
    finally:
        progress.finish()


def _run(options, cases, selected, settings, target, declared, progress) -> int:
    verbose = bool(getattr(options, "verbose", False))
    if options.against == "tf":
        progress.phase("importing TensorFlow", 0)
    oracle = running.load_oracle(options.against, options.tf_version, verbose=verbose)

    not_implemented = running.not_implemented(target, selected)
    running_apis = [api for api in selected if api not in not_implemented]
    cases = [case for case in cases if case.api in running_apis and _in_window(case, settings)]
    checks = [c for c in plan(oracle, cases) if options.dtype in (None, c.dtype)]
    checks = [c for c in checks if _entry_selected(c, options)]
    checks = part(checks, _part(options))
    unavailable = {
        api: oracle.missing_reason(api) for api in running_apis if not oracle.entry_points(api)
    }
    if not checks and not not_implemented:
        reasons = "; ".join(f"{api}: {why}" for api, why in unavailable.items())
        raise running.UsageError(f"nothing to check here ({reasons or 'no cases selected'})")
    timeout = options.timeout or None

    started = time.perf_counter()
    work = functools.partial(schedule_check.work, oracle=oracle, target=target, options=settings)
    if oracle.against == "tf":
        # TensorFlow's side of the schedule checks, evaluated in batches that share
        # TensorFlow's fixed cost per traced function: the same values as check by check, sooner.
        schedules = [c for c in checks if not c.is_optimizer]
        progress.phase("TensorFlow: the schedule cases, in batches", sum(map(work, schedules)))
        with warnings.catch_warnings():
            if not verbose:
                warnings.simplefilter("ignore")
            schedule_check.prefetch(oracle, schedules, target, settings, progress.advance)
    optimizers = [c for c in checks if c.is_optimizer]
    if optimizers:
        # The optimizers' trajectories: TensorFlow's in batches (one traced loop, or one graph
        # and Session, for many cases), the reference's in worker processes meanwhile.
        progress.phase("the optimizer trajectories, in batches", 0)
        with warnings.catch_warnings():
            if not verbose:
                warnings.simplefilter("ignore")
            optimizer_check.prefetch(oracle, optimizers, target)
    one = functools.partial(
        running.run_one,
        oracle=oracle,
        target=target,
        timeout=timeout,
        declared=declared,
        options=settings,
        verbose=verbose,
    )
    results = running.execute(checks, one, progress, work)
    report = reporting.Report(
        results=results,
        unavailable=unavailable,
        not_implemented=not_implemented,
        require_all=options.require_all,
        require_bad_inputs=options.require_bad_inputs,
        verbose=verbose,
        metadata=running.metadata(
            target={"name": target.name, "version": target.version},
            oracle=oracle,
            float32_kernels=running.float32_kernels(target, oracle),
            target_calls=running.target_calls(target, running_apis, settings),
            selection={
                "apis": selected,
                "whole_catalogue": selected == registry.names() and not _narrowed(options),
                "dtype": options.dtype or "float32, float64",
                "require_all": bool(options.require_all),
                "require_bad_inputs": bool(options.require_bad_inputs),
                "timeout_s": options.timeout or None,
                "variants": dict(sorted(declared.items())),
                **_filters(options, settings),
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


# -- the options that narrow a run ---------------------------------------------------------------


def _cases(options: argparse.Namespace) -> list:
    """The catalogue's cases, narrowed by ``--case`` (ids, or shell patterns: ``Cosine*``)."""
    every = [*catalogue.CASES, *catalogue.OPTIMIZER_CASES]
    wanted = getattr(options, "case", None)
    if not wanted:
        return every
    found = []
    for pattern in wanted:
        matched = [c for c in every if fnmatch.fnmatchcase(c.id, pattern)]
        if not matched:
            near = [c.id for c in every if pattern.lower() in c.id.lower()][:5]
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise running.UsageError(
                f"--case {pattern}: no case of the catalogue has that id{hint}"
            )
        found += [c for c in matched if c not in found]
    return [c for c in every if c in found]


def _apis_of(cases: list, options: argparse.Namespace) -> list[str] | None:
    """With ``--case`` and no ``--api``: the APIs of those cases (None: the whole catalogue)."""
    if not getattr(options, "case", None):
        return None
    return list(dict.fromkeys(case.api for case in cases))


def _settings(options: argparse.Namespace) -> Options:
    """``--max-ulp``, ``--strict``, ``--per-step`` and ``--steps`` as check options."""
    max_ulp = getattr(options, "max_ulp", None)
    if getattr(options, "strict", False):
        if max_ulp not in (None, 0):
            raise running.UsageError("--strict is --max-ulp 0: give one of them")
        max_ulp = 0
    if max_ulp is not None and max_ulp < 0:
        raise running.UsageError(f"--max-ulp {max_ulp}: a budget is 0 ULP or more")
    start, stop = parse_steps(getattr(options, "steps", None))
    return Options(
        max_ulp=max_ulp, per_step=bool(getattr(options, "per_step", False)), start=start, stop=stop
    )


def parse_steps(text: str | None) -> tuple[int | None, int | None]:
    """``A:B`` (steps A <= s < B), ``A:`` or ``:B``; a single ``S`` is ``S:S+1``."""
    if text is None:
        return None, None
    try:
        if ":" not in text:
            step = int(text)
            return step, step + 1
        first, _, last = text.partition(":")
        start = int(first) if first.strip() else None
        stop = int(last) if last.strip() else None
    except ValueError:
        raise running.UsageError(f"--steps {text}: expected A:B, A:, :B or a step") from None
    if start is not None and stop is not None and stop <= start:
        raise running.UsageError(f"--steps {text}: no step s with {start} <= s < {stop}")
    return start, stop


def _in_window(case, settings: Options) -> bool:
    """Whether a case has anything inside ``--steps``."""
    if not settings.windowed:
        return True
    if isinstance(case, OptimizerCase):
        return bool(settings.in_window(range(case.gradients.steps)).any())
    return bool(settings.in_window(case.steps).any())


def _entry_selected(check: Check, options: argparse.Namespace) -> bool:
    entries = getattr(options, "entry_point", None)
    flavors = getattr(options, "flavor", None)
    if entries and check.entry.key not in entries:
        return False
    return not flavors or (check.entry.flavor or "tfa") in flavors


def _part(options: argparse.Namespace) -> str:
    """The ``--part`` chosen (``all`` for the commands without it)."""
    return getattr(options, "part", "all")


def _narrowed(options: argparse.Namespace) -> bool:
    return (
        any(
            getattr(options, name, None)
            for name in ("case", "entry_point", "flavor", "steps", "max_ulp", "strict")
        )
        or _part(options) != "all"
    )


def _filters(options: argparse.Namespace, settings: Options) -> dict:
    """The narrowing options the run was given, for the report's selection (none: nothing)."""
    found: dict = {}
    for key in ("case", "entry_point", "flavor"):
        if getattr(options, key, None):
            found[{"case": "cases", "entry_point": "entry_points", "flavor": "flavors"}[key]] = (
                list(getattr(options, key))
            )
    if _part(options) != "all":
        found["part"] = _part(options)
    if settings.windowed:
        found["steps"] = options.steps
    if settings.max_ulp is not None:
        found["max_ulp"] = settings.max_ulp
    if settings.per_step:
        found["per_step"] = True
    return found

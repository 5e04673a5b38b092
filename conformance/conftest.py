"""The suite's pytest header: exactly what is being compared (here, at the package's root, so
that ``pytest --pyargs conformance`` shows it). The options and the ``target`` and ``oracle``
fixtures come from :mod:`conformance.pytest_plugin`."""

from __future__ import annotations

import platform

import numpy as np

from conformance.pytest_plugin import missing_oracle, oracle_of
from conformance.run import load_target


def pytest_report_header(config) -> list[str]:
    target = load_target(config.getoption("target"))
    lines = [
        f"lr-conformance: target {target.name} {target.version or '(no version)'}; numpy "
        f"{np.__version__}, Python {platform.python_version()} on {platform.machine()}",
        f"target's float32 transcendentals: {target.kernels_name}",
    ]
    found = oracle_of(config)
    if found is None:
        lines.append(f"oracle: none ({missing_oracle(config)}; the checks skip)")
    else:
        versions = ", ".join(f"{k} {v}" for k, v in found.versions().items())
        lines.append(f"oracle ({found.name}): {versions}")
    return lines

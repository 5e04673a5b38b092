"""The reference's optimizer trajectories kept on disk between processes, where
``LR_CONFORMANCE_CACHE`` names a directory (tox sets it to ``.tox/reference-cache``: the test
environments and the main job share it; unset, nothing is kept).

A trajectory is a pure function of the reference's source and its inputs, and costs a tenth
of a second or more of Python per case, flavour and dtype, asked for again by every process
(the suite, the tests, each TensorFlow version's vectors). It is kept under a key that digests
everything it depends on:

* the source of every module of the ``reference`` package, of the code that drives a target
  through a trajectory (:mod:`conformance.targets`) and of the code that generates the
  gradients and initial values (:mod:`conformance.cases.model`);
* the inputs: the case's id, API, hyperparameters, learning rate and gradients, the flavour,
  the dtype and the float32 kernels' name;
* numpy's and Python's versions, the machine and the C library (whose ``expf``, ``powf``, ...
  the float32 kernels call), so that an environment never answers for another.

Only trajectories computed with the reference's own float32 kernels are kept: one computed with
TensorFlow's plugged in depends on TensorFlow too (:func:`keeps`).

Any change to any of these is another key: the trajectory is computed again. Only the
reference's trajectories are kept (a target's own runs never are: see
:func:`conformance.optimizer_check.reference_trajectory`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import tempfile
from pathlib import Path

import numpy as np

import reference
from conformance import targets
from conformance.cases import OptimizerCase, model
from conformance.outcome import Trajectory

#: The environment variable naming the directory (unset or empty: no cache).
VARIABLE = "LR_CONFORMANCE_CACHE"


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 of the code a reference trajectory depends on, and of the environment."""
    digest = hashlib.sha256()
    package = Path(reference.__file__).resolve().parent
    files = sorted(package.rglob("*.py"))
    files += [Path(targets.__file__).resolve(), Path(model.__file__).resolve()]
    for path in files:
        digest.update(str(path.relative_to(package.parent)).encode())
        digest.update(path.read_bytes())
    environment = (
        np.__version__,
        platform.python_version(),
        platform.machine(),
        platform.libc_ver(),
    )
    digest.update(repr(environment).encode())
    return digest.hexdigest()


def key(case: OptimizerCase, flavor: str, dtype: str, kernels: str) -> str:
    inputs = repr(
        (
            case.id,
            case.api,
            sorted(case.params.items()),
            case.learning_rate,
            case.gradients,
            flavor,
            dtype,
            kernels,
        )
    )
    return hashlib.sha256(f"{code_digest()}\n{inputs}".encode()).hexdigest()


#: The name of the reference's own float32 kernels, read at import (outside any check: nothing
#: is plugged in).
OWN_KERNELS = targets.Target("reference", reference).kernels_name


def keeps(kernels: str) -> bool:
    """Whether trajectories computed with these kernels are kept (the reference's own only)."""
    return bool(os.environ.get(VARIABLE)) and kernels == OWN_KERNELS


def _path(case: OptimizerCase, flavor: str, dtype: str, kernels: str) -> Path | None:
    if not keeps(kernels):
        return None
    return Path(os.environ[VARIABLE]) / f"{key(case, flavor, dtype, kernels)}.npz"


def load(case: OptimizerCase, flavor: str, dtype: str, kernels: str) -> Trajectory | None:
    """The kept trajectory, or None (no cache, not kept, or unreadable)."""
    path = _path(case, flavor, dtype, kernels)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            params = stored["params"] if bool(stored["has_params"]) else None
            counter = int(stored["counter"]) if bool(stored["has_counter"]) else None
            return Trajectory(
                params,
                counter,
                error=str(stored["error"]) or None,
                message=str(stored["message"]),
            )
    except (OSError, ValueError, KeyError):
        return None


def store(case: OptimizerCase, flavor: str, dtype: str, kernels: str, run: Trajectory) -> None:
    """Keep ``run`` (nothing where there is no cache); written whole or not at all."""
    path = _path(case, flavor, dtype, kernels)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(
                file,
                params=run.params if run.params is not None else np.zeros(0),
                has_params=run.params is not None,
                counter=run.counter if run.counter is not None else 0,
                has_counter=run.counter is not None,
                error=run.error or "",
                message=run.message,
            )
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise

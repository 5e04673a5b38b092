"""The reference's own contract, without TensorFlow: what every schedule promises its callers.

Agreement with TensorFlow is checked by the suite (conformance/suite); these tests need numpy
only and run where TensorFlow is absent.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import platform

import numpy as np
import pytest

import reference
from conformance import registry
from conformance.cases import CASES
from conformance.targets import Target, fed_steps
from reference import _arith, _ftz

SCHEDULE_CASES = [c for c in CASES if c.api.startswith("schedules.")]
REFERENCE = Target("reference", reference)
MODULES = sorted(m.name for m in pkgutil.walk_packages(reference.__path__, prefix="reference."))


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run_as_shown(module_name):
    # The examples show the reference's output; that those numbers are TensorFlow's is checked
    # by the catalogue, which holds a case with the same arguments for each example.
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module_name} failed"


def _first_case_per_api(cases):
    seen = {}
    for case in cases:
        if not case.tags & {"invalid", "int"}:
            seen.setdefault(case.api, case)
    return list(seen.values())


@pytest.mark.parametrize("case", _first_case_per_api(SCHEDULE_CASES), ids=lambda c: c.id)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_from_config_rebuilds_the_same_schedule(case, dtype):
    schedule = REFERENCE.schedule_factory(case, dtype, flavor=None)()
    rebuilt = type(schedule).from_config(schedule.get_config(), dtype=dtype)
    steps = fed_steps(case)
    np.testing.assert_array_equal(rebuilt(steps), schedule(steps))


@pytest.mark.parametrize("case", _first_case_per_api(SCHEDULE_CASES), ids=lambda c: c.id)
def test_scalar_step_gives_a_python_float_and_vector_an_array(case):
    schedule = REFERENCE.schedule_factory(case, "float32", flavor=None)()
    steps = fed_steps(case)[:5]
    vector = schedule(steps)
    assert isinstance(vector, np.ndarray) and vector.shape == steps.shape
    scalars = [schedule(s) for s in steps]
    assert all(type(v) is float for v in scalars)
    # One step at a time gives what the vector gives: the reference has no batch effects.
    np.testing.assert_array_equal(np.asarray(scalars, np.float32), vector)


@pytest.mark.parametrize("case", _first_case_per_api(SCHEDULE_CASES), ids=lambda c: c.id)
def test_float32_mode_stays_within_the_float64_bound(case):
    # The float32 mode claims to be TensorFlow's float32 arithmetic, so it must stay within the
    # bound the tolerance policy derives for TensorFlow's float32 against the exact formula.
    low = REFERENCE.schedule_factory(case, "float32", flavor=None)()
    high = REFERENCE.schedule_factory(case, "float64", flavor=None)()
    steps = fed_steps(case)
    exact = np.asarray(high(steps), np.float64)
    approx = np.asarray(low(steps), np.float64)
    bound = registry.bound_at(case, exact)
    with np.errstate(all="ignore"):
        outside = ~(
            (np.abs(approx - exact) <= bound)
            | (approx == exact)
            | (np.isnan(approx) & np.isnan(exact))
        )
    assert not outside.any(), (
        f"{case.id}: float32 and float64 modes disagree beyond the derived bound at steps "
        f"{steps[outside][:5].tolist()}"
    )


def test_unknown_dtype_and_flavor_are_rejected():
    from reference.schedules import ExponentialDecay

    with pytest.raises(ValueError, match="dtype"):
        ExponentialDecay(0.1, 10, 0.5, dtype="float16")
    with pytest.raises(ValueError, match="flavor"):
        ExponentialDecay(0.1, 10, 0.5, flavor="keras1")


def test_reference_never_imports_tensorflow():
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, reference\n"
        "for m in pkgutil.walk_packages(reference.__path__, prefix='reference.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('tensorflow', 'keras', 'tf_keras')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tensor_like_powers_are_the_c_librarys_powf():
    """A user's ``scale_fn`` (``0.9 ** c``) on a float32 TensorLike runs the C library's powf,
    whatever SIMD code numpy would pick for a plain array: derived here element by element
    through ctypes, the function TensorFlow's scalar kernel calls."""
    import ctypes
    import ctypes.util

    from reference import _arith

    powf = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6").powf
    powf.restype, powf.argtypes = ctypes.c_float, [ctypes.c_float, ctypes.c_float]
    exponents = np.random.default_rng(0).uniform(0, 400, 4096).astype(np.float32)
    expected = np.array([powf(np.float32(0.9), e) for e in exponents], dtype=np.float32)
    expected[np.abs(expected) < np.finfo(np.float32).tiny] = 0  # TF flushes subnormals
    got = 0.9 ** _arith.tensor_like(exponents, "float32")
    assert isinstance(got, _arith.TensorLike) and got.dtype == np.float32
    mismatched = np.flatnonzero(np.asarray(got).view(np.uint32) != expected.view(np.uint32))
    assert mismatched.size == 0, (
        f"0.9 ** c at c={exponents[mismatched[:3]]}: {np.asarray(got)[mismatched[:3]]} "
        f"vs powf {expected[mismatched[:3]]}"
    )
    assert type(_arith.tensor_like(exponents, "float64")) is np.ndarray


def _float32_edge_values(seed: int = 0) -> np.ndarray:
    """Every special float32 value, the boundary of the subnormals, random bit patterns and
    random subnormals of both signs."""
    rng = np.random.default_rng(seed)
    special = np.array(
        [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-40, -1e-40, 1e-45, -1e-45, 2.0**-126, 3e38],
        np.float32,
    )
    below = np.nextafter(np.float32(2.0**-126), np.float32(0))  # the largest subnormal
    random_bits = rng.integers(0, 2**32, 100_000, dtype=np.uint64).astype(np.uint32)
    subnormal_bits = rng.integers(1, 2**23, 10_000, dtype=np.uint32) | np.uint32(2**31)
    return np.concatenate(
        [special, [below, -below], random_bits.view(np.float32), subnormal_bits.view(np.float32)]
    )


def _flushed_by_definition(x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):  # signalling nan among the random bits
        magnitude = np.abs(x.astype(np.float64))
    zero = np.copysign(np.zeros_like(x), x)
    return np.where((magnitude > 0) & (magnitude < 2.0**-126), zero, x)


def test_flush_subnormals_is_its_definition_bit_for_bit():
    """Subnormal float32 values (0 < |x| < 2**-126) become zeros of their sign; everything
    else, nan and inf included, is returned as it is: checked on every special value and on
    random bit patterns, scalars and arrays of a few values (compared one by one), longer
    arrays (tested in numpy), contiguous or not, of one or more dimensions."""
    values = _float32_edge_values()
    few = [values[i : i + 16] for i in range(0, 4096, 16)] + [values[1:40:3].reshape(13, 1)]
    for array in (values, values[::3], values[:0], values[:64].reshape(4, 16), *few):
        flushed = _arith.flush_subnormals(array)
        assert flushed.tobytes() == _flushed_by_definition(array).tobytes()
    for value in values[:2000]:
        flushed = _arith.flush_subnormals(value)
        assert flushed.shape == ()
        assert flushed.tobytes() == _flushed_by_definition(np.asarray(value)).tobytes()


def test_the_cpus_flush_to_zero_is_used_where_it_can_be():
    # x86-64 with glibc (this project's CI) must take the fast path: a silent fallback to
    # flushing in numpy would give the same values, four times slower (issue 14).
    expected = platform.machine() in ("x86_64", "AMD64") and platform.libc_ver()[0] == "glibc"
    assert _ftz.AVAILABLE == expected


@pytest.mark.skipif(not _ftz.AVAILABLE, reason="no x86-64 MXCSR control here (glibc x86-64 only)")
@pytest.mark.parametrize("ufunc", sorted(_ftz.HARDWARE_UFUNCS, key=lambda u: u.__name__))
def test_the_cpus_flush_to_zero_is_the_definition_bit_for_bit(ufunc):
    """What the CPU computes with FTZ and DAZ set (reference._ftz) is the definition: the
    operands flushed, the operation, the result flushed; on arrays and on numpy scalars (numpy
    computes each its own way), every pair of special and random values."""
    values = _float32_edge_values(1)
    operands = [values, np.random.default_rng(2).permutation(values)][: ufunc.nin]

    def defined(*xs):
        return _arith.flush_subnormals(ufunc(*[_arith.flush_subnormals(x) for x in xs]))

    with np.errstate(all="ignore"):
        assert _ftz.call(ufunc, operands, {}).tobytes() == defined(*operands).tobytes()
        for scalars in zip(*(x[:3000] for x in operands)):
            by_cpu = np.asarray(_ftz.call(ufunc, scalars, {}))
            assert by_cpu.tobytes() == np.asarray(defined(*scalars)).tobytes(), scalars

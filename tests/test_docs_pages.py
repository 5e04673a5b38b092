"""The built documentation as a reader sees it: every page in headless Chromium at a desktop
width (1280 px) and a phone width (390 px).

For each page and width: the page renders, the math is typeset (no raw TeX left), every image
loads, nothing sticks out of the content column (wide math, tables and code scroll inside their
own box instead; a box that clips its content fails too), and no word or identifier is broken
across lines. A screenshot of every page at both widths is written next to the HTML
(``_screenshots/``), for a person to look at.

Runs in ``tox -e docs`` after the build, which sets ``LR_DOCS_HTML`` to the built HTML. It needs
Chromium (Debian's ``chromium`` package: ``apt-get install chromium``) and the ``playwright``
package (the docs env installs it; it drives the installed Chromium, it downloads no browser).
Where either is missing the tests skip with the reason, unless ``LR_DOCS_SCREENSHOTS=required``
(``.ci/run`` sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

HTML = Path(os.environ["LR_DOCS_HTML"]) if os.environ.get("LR_DOCS_HTML") else None
REQUIRED = os.environ.get("LR_DOCS_SCREENSHOTS") == "required"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
#: What Chromium needs as root in a container with no network (Debian's package, headless).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _pages() -> list[str]:
    if HTML is None or not HTML.is_dir():
        return []
    skip = {"genindex.html", "search.html", "py-modindex.html"}
    return sorted(
        str(p.relative_to(HTML))
        for p in HTML.rglob("*.html")
        if p.name not in skip and not p.relative_to(HTML).parts[0].startswith("_")
    )


def _unavailable() -> str | None:
    if HTML is None:
        return "LR_DOCS_HTML is not set: these tests run in `tox -e docs`, after the build"
    if not HTML.is_dir():
        return f"LR_DOCS_HTML={HTML} is not a directory: build the docs first"
    if shutil.which("chromium") is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (the docs env installs it)"
    return None


def _skip_or_fail(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"LR_DOCS_SCREENSHOTS=required, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    reason = _unavailable()
    if reason is not None:
        _skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


#: The checks, run inside the page: a function of ``desktop`` returning the findings (the file's
#: leading comment lines dropped: playwright takes the text for a function only if it starts so).
INSPECT = "\n".join(
    line
    for line in (Path(__file__).resolve().parent / "test_docs_pages.js")
    .read_text(encoding="utf-8")
    .splitlines()
    if not line.startswith("//")
)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_path", _pages() or ["(no built pages)"])
def test_page(browser, page_path: str, width: str) -> None:
    if page_path == "(no built pages)":
        _skip_or_fail(_unavailable() or f"no HTML pages under {HTML}")
    size = WIDTHS[width]
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Offline: only the built files themselves may load.
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    try:
        page.goto((HTML / page_path).as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        result = page.evaluate(INSPECT, width == "desktop")
        shots = HTML / "_screenshots" / width
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(shots / (page_path.replace("/", "-")[:-5] + ".png")), full_page=True
        )
    finally:
        page.close()
    findings = result["findings"] + [f"script error: {e}" for e in errors]
    assert not findings, f"{page_path} at {size[0]} px:\n" + "\n".join(
        json.dumps(f, ensure_ascii=False)[1:-1] for f in findings[:40]
    )

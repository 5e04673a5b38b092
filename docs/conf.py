"""Sphinx configuration for lr-conformance's documentation.

Build (no network needed at build or view time):

    sphinx-build -W -b html docs docs/_build/html

Math is rendered to HTML at build time by KaTeX (``sphinxcontrib-katex`` runs its bundled
``katex.min.js`` under Node.js); the KaTeX stylesheet and fonts are vendored under
``_static/katex`` (see ``vendor_katex.sh``), so no page loads anything from a CDN. Without Node.js
the same bundled KaTeX renders the math in the reader's browser instead, still offline.

Plots and value tables are computed from the reference package while the docs build, by the
directives in ``_ext/lr_docs.py``. Every example on the pages, and every Example of a docstring
they pull in, runs as a doctest:

    sphinx-build -W -b doctest docs docs/_build/doctest
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# The reference and the suite are documented from this checkout, installed or not.
sys.path.insert(0, str(HERE.parent))

from sphinxcontrib import katex  # noqa: E402

import reference  # noqa: E402

#: The KaTeX version of the vendored stylesheet and fonts in _static/katex (vendor_katex.sh).
KATEX_CSS_VERSION = "0.16.22"
if katex.katex_version != KATEX_CSS_VERSION:
    raise RuntimeError(
        f"sphinxcontrib-katex renders with KaTeX {katex.katex_version} but _static/katex holds "
        f"KaTeX {KATEX_CSS_VERSION}'s stylesheet: run docs/vendor_katex.sh {katex.katex_version}"
    )

project = "lr-conformance"
author = "lr-conformance contributors"
copyright = "lr-conformance contributors"  # noqa: A001 - Sphinx's name for it
release = reference.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.napoleon",
    "sphinxcontrib.katex",
    "lr_docs",
    "walkthrough",
    "versions_page",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_generated", "_static", "_ext", "Thumbs.db", ".DS_Store"]
root_doc = "index"

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# Docstrings are Google style; "Traps:" is this project's own section.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_custom_sections = ["Traps"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"show-inheritance": False}
# A long signature lists one parameter a line (it fits a phone, and reads better on a desktop).
maximum_signature_line_length = 40

# KaTeX: prerendered when Node.js is on the PATH; the CSS is ours, never the CDN default.
katex_prerender = shutil.which("node") is not None
katex_css_path = "katex/katex.min.css"
katex_options = "throwOnError: true"

html_theme = "furo"
html_title = f"lr-conformance {release}"
html_static_path = ["_static"]
html_css_files = ["lr_docs.css"]
html_last_updated_fmt = None
html_show_sourcelink = False

# Reference objects documented by the pages but not yet written: their plots, value tables and
# API sections show a note instead of failing the build. Any other missing object is an error.
lr_docs_pending: set[str] = set()


def _list_migration_page_once_generated(app, docname: str, source: list[str]) -> None:
    """The migration table (migration.md) is generated from runs of other frameworks
    (_ext/migration_table.py). Until it exists, the index's toctree leaves it out."""
    if docname == "index" and not (HERE / "migration.md").exists():
        source[0] = source[0].replace("\nmigration\n", "\n")


def setup(app):
    app.connect("source-read", _list_migration_page_once_generated)

"""The table of docs/versions.md, generated at every build from the shipped vector sets
(:mod:`conformance.versions_table`; no TensorFlow, JAX or PyTorch needed): the page's line
``<!-- versions-table -->`` is replaced by it."""

from __future__ import annotations

MARKER = "<!-- versions-table -->"


def _fill(app, docname: str, source: list[str]) -> None:
    if docname != "versions" or MARKER not in source[0]:
        return
    from conformance.versions_table import markdown

    source[0] = source[0].replace(MARKER, markdown())


def setup(app):
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

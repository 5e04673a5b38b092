"""The table of docs/versions.md, generated at every build from the shipped vector sets
(:mod:`conformance.versions_table`; no TensorFlow, JAX or PyTorch needed): the page's line
``<!-- versions-table -->`` is replaced by it. Its tables (a column per TensorFlow version and
backend: wider than the column) go in a box of class ``generated-code``, which scrolls
sideways, as generated code does."""

from __future__ import annotations

MARKER = "<!-- versions-table -->"


def _fill(app, docname: str, source: list[str]) -> None:
    if docname != "versions" or MARKER not in source[0]:
        return
    from conformance.versions_table import markdown

    source[0] = source[0].replace(MARKER, _boxed_tables(markdown()))


def _boxed_tables(text: str) -> str:
    """Every run of table lines (``| ...``) inside a ``generated-code`` container."""
    lines, inside = [], False
    for line in text.splitlines():
        table = line.startswith("|")
        if table and not inside:
            lines += [":::{container} generated-code"]
        elif inside and not table:
            lines += [":::"]
        inside = table
        lines.append(line)
    if inside:
        lines.append(":::")
    return "\n".join(lines) + "\n"


def setup(app):
    app.connect("source-read", _fill)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

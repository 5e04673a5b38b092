"""Sphinx directives that compute what the pages show from the reference, at build time.

``schedule-plot``
    A figure of one or more curves. Each content line is ``label: expression``, where the
    expression is evaluated with ``s`` (the numpy array of steps), ``np``, and every public name
    of ``reference.schedules``, ``reference.compat_v1`` and ``reference.optimizers`` in scope, and
    :func:`update_sizes` for optimizer pages.

    Options: ``:steps: start stop [stride]`` (Python ``range``), ``:logy:``, ``:ylabel:``,
    ``:marks: b1 b2 ...`` (vertical lines at these steps), ``:stairs:`` (hold each value until
    the next step, so that a boundary shows where it is), ``:requires: dotted.names``.

``schedule-values``
    The same expressions as a table, one row per step of ``:steps: s1 s2 ...`` (``:first:``
    renames the first column, for a table of another integer such as Adam's t). float64 values
    are printed with ``repr`` (shortest round trip), float32 values with the shortest decimal that
    round-trips in float32.

``conformance-cases``
    The catalogue's cases of one API (``conformance.cases``): id, arguments, steps, tags, why.

``reference-api``
    The autodoc entry of one reference object (``.. autoclass::`` / ``.. autofunction::``), so
    docstrings are shown, never copied.

An object listed in ``lr_docs_pending`` (conf.py) that does not exist yet makes these directives
show a note; any other missing object fails the build.

At the end of a build every HTML page is checked for scripts, stylesheets or images loaded from
another site: the docs must work with no network.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

PLOT_DIR = "_generated/plots"


def _cell(*children) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children))


def _table(header: list[str], rows: list[list[nodes.entry]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    title_row = nodes.row()
    for title in header:
        title_row += _cell(nodes.Text(title))
    head += title_row
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += cell
        body += row
    return table


def _find(dotted: str):
    """The object at ``dotted`` (``reference.schedules.CosineDecay``), or None."""
    module_name, _, attribute = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attribute, None)


def update_sizes(optimizer, gradient: float, t: np.ndarray) -> np.ndarray:
    """``|theta_t - theta_(t-1)|`` of update ``t`` (1-based) with a constant ``gradient``,
    starting from ``theta = 0``: what an optimizer page tabulates."""
    t = np.asarray(t)
    theta = np.asarray(0.0, dtype=optimizer.dtype)
    state = optimizer.init(theta)
    sizes = []
    for _ in range(int(t.max())):
        new_theta, state = optimizer.step(np.asarray(gradient, dtype=optimizer.dtype), theta, state)
        sizes.append(abs(new_theta - theta))
        theta = new_theta
    return np.asarray(sizes)[t - 1]


def _namespace() -> dict:
    namespace: dict = {"np": np, "update_sizes": update_sizes}
    for module_name in ("reference.schedules", "reference.compat_v1", "reference.optimizers"):
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            namespace[name] = getattr(module, name)
    return namespace


def _curves(lines: list[str]) -> list[tuple[str, str]]:
    curves = []
    for line in lines:
        if not line.strip():
            continue
        label, separator, expression = line.partition(": ")
        if not separator:
            raise ValueError(f"expected 'label: expression', got {line!r}")
        curves.append((label.strip(), expression.strip()))
    return curves


class _ReferenceDirective(SphinxDirective):
    option_spec = {"requires": directives.unchanged}

    def _missing(self, names: list[str]) -> list[nodes.Node] | None:
        """A note if a required object is pending, an error if it is missing otherwise."""
        missing = [name for name in names if _find(name) is None]
        if not missing:
            return None
        pending = self.config.lr_docs_pending
        unexpected = [name for name in missing if name not in pending]
        if unexpected:
            raise self.error(
                f"{', '.join(unexpected)} not found (add it to lr_docs_pending in conf.py only "
                "while it is being written)"
            )
        logger.info("lr_docs: %s pending; %s shows a note", ", ".join(missing), self.env.docname)
        note = nodes.note()
        paragraph = nodes.paragraph()
        paragraph += nodes.Text("Not in this build yet: ")
        for i, name in enumerate(missing):
            if i:
                paragraph += nodes.Text(", ")
            paragraph += nodes.literal(text=name)
        paragraph += nodes.Text(
            " is still being written, so the plot, values or API entry computed from it are "
            "missing here. The text of this page is from the research notes and live TensorFlow."
        )
        note += paragraph
        return [note]

    def _required(self) -> list[str]:
        return self.options.get("requires", "").split()

    def _evaluate(self, steps: np.ndarray) -> list[tuple[str, np.ndarray]]:
        namespace = _namespace()
        results = []
        with np.errstate(all="ignore"):
            for label, expression in _curves(list(self.content)):
                try:
                    values = eval(expression, dict(namespace), {"s": steps})  # noqa: S307
                except Exception as error:
                    message = f"{expression!r} raised {type(error).__name__}: {error}"
                    raise self.error(message) from error
                results.append((label, np.asarray(values)))
        return results


class SchedulePlot(_ReferenceDirective):
    has_content = True
    option_spec = {
        **_ReferenceDirective.option_spec,
        "steps": directives.unchanged_required,
        "logy": directives.flag,
        "ylabel": directives.unchanged,
        "marks": directives.unchanged,
        "alt": directives.unchanged,
        "stairs": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        note = self._missing(self._required())
        if note is not None:
            return note
        bounds = [int(x) for x in self.options["steps"].split()]
        steps = np.arange(*bounds, dtype=np.int64)
        curves = self._evaluate(steps)

        figure, axes = plt.subplots(figsize=(7.2, 3.4), dpi=110)
        dense = len(steps) > 160
        for index, (label, values) in enumerate(curves):
            axes.plot(
                steps,
                values.astype(np.float64),
                label=label,
                # Curves often coincide over a stretch: keep each one visible.
                linestyle=("-", "--", "-.", ":")[index % 4],
                linewidth=1.4,
                marker=None if dense else "o",
                markersize=2.5,
                # The rate is constant during an update: draw it so, where a boundary matters.
                drawstyle="steps-post" if "stairs" in self.options else "default",
            )
        for mark in self.options.get("marks", "").split():
            axes.axvline(float(mark), color="0.6", linewidth=0.8, linestyle=":")
        if "logy" in self.options:
            axes.set_yscale("log")
        axes.set_xlabel("step s (optimizer updates already applied)")
        axes.set_ylabel(self.options.get("ylabel", "learning rate"))
        axes.grid(True, linewidth=0.4, alpha=0.5)
        if len(curves) > 1 or curves[0][0]:
            axes.legend(fontsize="small")
        figure.tight_layout()

        source = "\n".join(self.content) + repr(self.options)
        digest = hashlib.sha1(source.encode()).hexdigest()[:10]
        name = f"{self.env.docname.replace('/', '-')}-{digest}.png"
        target = Path(self.env.srcdir) / PLOT_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(target, metadata={"Software": None})
        plt.close(figure)

        alt = self.options.get("alt") or "; ".join(f"{label}" for label, _ in curves)
        image = nodes.image(uri=f"/{PLOT_DIR}/{name}", alt=alt, classes=["schedule-plot"])
        caption = nodes.paragraph(classes=["plot-source"])
        caption += nodes.Text("Computed from the reference while these docs were built: ")
        for i, (_, expression) in enumerate(_curves(list(self.content))):
            if i:
                caption += nodes.Text("; ")
            caption += nodes.literal(text=expression.replace("(s)", "(step)"))
        return [image, caption]


def _format(value) -> str:
    value = np.asarray(value)
    if value.dtype == np.float32:
        return str(value.item() if not np.isfinite(value) else np.float32(value))
    if value.dtype.kind == "f":
        return repr(float(value))
    return repr(value.item())


class ScheduleValues(_ReferenceDirective):
    has_content = True
    option_spec = {
        **_ReferenceDirective.option_spec,
        "steps": directives.unchanged_required,
        "first": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        note = self._missing(self._required())
        if note is not None:
            return note
        steps = np.asarray([int(x) for x in self.options["steps"].split()], dtype=np.int64)
        columns = self._evaluate(steps)

        rows = []
        for i, step in enumerate(steps):
            cells = [_cell(nodes.Text(str(step)))]
            for _, values in columns:
                value = np.broadcast_to(values, steps.shape)[i]
                cells.append(_cell(nodes.literal(text=_format(value))))
            rows.append(cells)
        first = self.options.get("first", "step")
        table = _table([first, *(label for label, _ in columns)], rows, ["schedule-values"])
        return [table]


class ReferenceApi(_ReferenceDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        note = self._missing([name, *self._required()])
        if note is not None:
            return note
        kind = "autoclass" if isinstance(_find(name), type) else "autofunction"
        block = f"```{{eval-rst}}\n.. {kind}:: {name}\n```\n"
        container = nodes.container(classes=["reference-api"])
        lines = StringList(block.splitlines(), source="<reference-api>")
        self.state.nested_parse(lines, self.content_offset, container)
        return [container]


class ConformanceCases(_ReferenceDirective):
    """The catalogue's cases for one API (``conformance.cases``), as a table."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from conformance import cases
        from conformance.cases import OptimizerCase

        api = self.arguments[0]
        found = cases.of(api)
        if not found:
            note = self._missing([f"reference.{api}"])
            if note is not None:
                return note
            raise self.error(f"the catalogue (conformance/cases/) has no case for {api}")
        rows = []
        for case in found:
            shown = ", ".join(f"{k}={v!r}" for k, v in case.params.items())
            if isinstance(case, OptimizerCase):
                shown = ", ".join(filter(None, [f"learning_rate={case.learning_rate}", shown]))
                span = f"{case.gradients.steps} updates"
            else:
                span = f"{len(case.steps)} steps, {case.steps.min()} .. {case.steps.max()}"
            rows.append(
                [
                    _cell(nodes.literal(text=case.id.split("/", 1)[1])),
                    _cell(nodes.literal(text=shown)),
                    _cell(nodes.Text(span)),
                    _cell(nodes.Text(", ".join(sorted(case.tags)))),
                    _cell(nodes.Text(case.why)),
                ]
            )
        header = ["case", "arguments", "steps", "tags", "why"]
        title = nodes.rubric()
        title += nodes.literal(text=api)
        title += nodes.Text(f": {len(found)} cases, each checked on every TensorFlow entry point")
        return [title, _table(header, rows, ["conformance-cases"])]


_OFF_SITE = re.compile(
    r"<(?:script|img|iframe)[^>]*\ssrc=\"(?:https?:)?//|<link[^>]*\shref=\"(?:https?:)?//",
    re.IGNORECASE,
)


def check_offline(app, exception) -> None:
    """Every page must render with no network: no script, stylesheet or image from elsewhere."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        match = _OFF_SITE.search(page.read_text(encoding="utf-8"))
        if match:
            logger.warning("%s loads a resource from another site: %s", page, match.group(0))


def _start_katex_server(cls, rundir: Path, timeout: float):
    """sphinxcontrib-katex 0.9.11 connects to its Node.js render server as soon as the Unix
    socket file exists, which is before the server listens: the connection is refused now and
    then and the build dies, leaving the server running. Same start, but retry until the
    timeout (and stop the server if it never answers)."""
    import socket
    import subprocess
    import time

    from sphinxcontrib import katex

    socket_path = rundir / "katex.sock"
    command = cls.build_command(socket=socket_path)
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=rundir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if socket_path.is_socket():
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(str(socket_path))
                return process, connection
            except (ConnectionRefusedError, FileNotFoundError):
                connection.close()
        time.sleep(0.01)
    process.kill()
    raise katex.KaTeXServer.timeout_error(timeout)


def setup(app):
    from sphinxcontrib import katex

    katex.KaTeXServer.start_server_process = classmethod(_start_katex_server)
    app.add_config_value("lr_docs_pending", set(), "env")
    app.add_directive("schedule-plot", SchedulePlot)
    app.add_directive("schedule-values", ScheduleValues)
    app.add_directive("reference-api", ReferenceApi)
    app.add_directive("conformance-cases", ConformanceCases)
    app.connect("build-finished", check_offline)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

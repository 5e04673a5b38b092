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
import pkgutil
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.transforms.post_transforms import SphinxPostTransform
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
    """What a page's expressions see: numpy, every public name of ``reference.schedules``,
    ``reference.compat_v1`` and ``reference.optimizers`` (and of any other public module of
    ``reference``, unless the name is taken), those modules by name (``optimizers.Adam``), and
    the helpers of this module."""
    import reference

    namespace: dict = {
        "np": np,
        "update_sizes": update_sizes,
        "without_global_step": without_global_step,
    }
    first = ["schedules", "compat_v1", "optimizers"]
    others = [m.name for m in pkgutil.iter_modules(reference.__path__) if m.name not in first]
    for module_name in first + others:
        if module_name.startswith("_"):
            continue
        module = importlib.import_module(f"reference.{module_name}")
        namespace.setdefault(module_name, module)
        for name in getattr(module, "__all__", []):
            if module_name in first:
                namespace[name] = getattr(module, name)
            else:
                namespace.setdefault(name, getattr(module, name))
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

    def _value(self, expression: str, **names):
        """``expression`` evaluated in :func:`_namespace` (plus ``names``); an error names it."""
        namespace = {**_namespace(), **names}
        try:
            with np.errstate(all="ignore"):
                return eval(expression, namespace)  # noqa: S307 - the page's own expression
        except Exception as error:
            message = f"{expression!r} raised {type(error).__name__}: {error}"
            raise self.error(message) from error

    def _evaluate(self, steps: np.ndarray) -> list[tuple[str, np.ndarray]]:
        return [
            (label, np.asarray(self._value(expression, s=steps)))
            for label, expression in _curves(list(self.content))
        ]


class _PlotDirective(_ReferenceDirective):
    """What every plot directive shares: drawing, the file, the caption, the gallery."""

    has_content = True
    option_spec = {
        **_ReferenceDirective.option_spec,
        "logy": directives.flag,
        "ylabel": directives.unchanged,
        "marks": directives.unchanged,
        "alt": directives.unchanged,
        "stairs": directives.unchanged,
        "gallery": directives.unchanged,
    }

    def _stairs(self, count: int) -> set[int]:
        """The curves drawn as stairs (held until the next step): ``:stairs:`` alone means all
        of them, ``:stairs: 2 3`` the second and third."""
        if "stairs" not in self.options:
            return set()
        chosen = (self.options["stairs"] or "").split()
        return {int(n) - 1 for n in chosen} if chosen else set(range(count))

    def _figure(
        self,
        x: np.ndarray,
        curves: list[tuple[str, np.ndarray]],
        *,
        xlabel: str,
        caption: list[str],
        logx: bool = False,
        panel: tuple[str, np.ndarray, np.ndarray] | None = None,
    ) -> list[nodes.Node]:
        """The figure of ``curves`` over ``x`` as an image, its caption, and its gallery entry.
        ``panel``: (label, x, values) drawn in a small panel above the main one."""
        labelled = len(curves) > 1 or bool(curves[0][0])
        columns = _legend_columns([label for label, _ in curves]) if labelled else 1
        legend_rows = -(-len(curves) // columns) if labelled else 0
        height = 3.3 + 0.24 * legend_rows + (0.9 if panel else 0)
        figure = plt.figure(figsize=(FIGURE_WIDTH, height), dpi=110, layout="constrained")
        if panel:
            top, axes = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (1, 3.2)})
            top.plot(panel[1], panel[2], color="0.35", linewidth=1.0)
            top.set_ylabel(panel[0], fontsize="small")
            top.grid(True, linewidth=0.4, alpha=0.5)
            top.tick_params(labelsize="small")
        else:
            axes = figure.subplots()
        dense = len(x) > 160
        stairs = self._stairs(len(curves))
        for index, (label, values) in enumerate(curves):
            axes.plot(
                x,
                np.broadcast_to(values, np.shape(x)).astype(np.float64),
                label=label,
                # Curves often coincide over a stretch: keep each one visible.
                linestyle=("-", "--", "-.", ":")[index % 4],
                linewidth=1.4,
                marker=None if dense else "o",
                markersize=2.5,
                # A learning rate is constant during an update: a staircase is drawn as one.
                drawstyle="steps-post" if index in stairs else "default",
            )
        for mark in self.options.get("marks", "").split():
            axes.axvline(float(mark), color="0.6", linewidth=0.8, linestyle=":")
        if "logy" in self.options:
            axes.set_yscale("log")
        if logx:
            axes.set_xscale("log")
        axes.set_xlabel(xlabel)
        axes.set_ylabel(self.options.get("ylabel", "learning rate"))
        axes.grid(True, linewidth=0.4, alpha=0.5)
        if labelled:
            # Below the axes, never over the curves.
            figure.legend(
                loc="outside lower center", ncols=columns, fontsize="small", frameon=False
            )

        source = "\n".join(self.content) + repr(sorted(self.options.items()))
        digest = hashlib.sha1(source.encode()).hexdigest()[:10]
        name = f"{self.env.docname.replace('/', '-')}-{digest}.png"
        target = Path(self.env.srcdir) / PLOT_DIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(target, metadata={"Software": None})
        plt.close(figure)

        uri = f"{PLOT_DIR}/{name}"
        alt = self.options.get("alt") or "; ".join(label for label, _ in curves)
        figure_id = f"plot-{digest}"
        image = nodes.image(uri=f"/{uri}", alt=alt, classes=["schedule-plot"])
        source_note = nodes.paragraph(classes=["plot-source"])
        source_note += nodes.Text("Computed from the reference while these docs were built: ")
        for i, expression in enumerate(caption):
            if i:
                source_note += nodes.Text("; ")
            source_note += nodes.literal(text=expression)
        container = nodes.container("", image, source_note, ids=[figure_id], classes=["plot"])
        if "gallery" in self.options:
            _gallery_entries(self.env).append(
                {
                    "docname": self.env.docname,
                    "title": self.options["gallery"] or alt,
                    "uri": uri,
                    "id": figure_id,
                    "line": self.lineno,
                }
            )
        return [container]


#: The figure's width in inches, and how many characters of a small legend fit in it.
FIGURE_WIDTH = 7.2
LEGEND_CHARACTERS = 100


def _legend_columns(labels: list[str]) -> int:
    """As many legend columns (up to 3) as fit the figure's width side by side: a legend is
    drawn below the axes, never over the curves, and never wider than the figure."""
    for columns in range(min(3, len(labels)), 1, -1):
        widest = max(len(label) for label in labels)
        # Each entry: its handle (about 6 characters) and the widest label of the legend.
        if columns * (widest + 6) <= LEGEND_CHARACTERS:
            return columns
    return 1


class SchedulePlot(_PlotDirective):
    """Curves of the step ``s``: ``:steps: start stop [stride]``, or any x values
    (``:x: EXPR``, with ``:xlabel:`` and ``:logx:``), the expressions then read ``s`` as x."""

    option_spec = {
        **_PlotDirective.option_spec,
        "steps": directives.unchanged,
        "x": directives.unchanged,
        "xlabel": directives.unchanged,
        "logx": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        note = self._missing(self._required())
        if note is not None:
            return note
        if "x" in self.options:
            x = np.asarray(self._value(self.options["x"]))
        else:
            bounds = [int(v) for v in self.options["steps"].split()]
            x = np.arange(*bounds, dtype=np.int64)
        curves = self._evaluate(x)
        xlabel = self.options.get("xlabel", "step s (optimizer updates already applied)")
        caption = [e.replace("(s)", "(step)") for _, e in _curves(list(self.content))]
        return self._figure(x, curves, xlabel=xlabel, caption=caption, logx="logx" in self.options)


class OptimizerPlot(_PlotDirective):
    """One parameter under several optimizers, on the same gradient stream.

    Each content line is ``label: OPTIMIZER`` (an expression building a reference optimizer).
    ``:updates: N`` updates are run from ``:theta0:`` (default 0), the gradient of update ``t``
    (1 for the first) being ``:gradient: EXPR`` of ``t``, ``theta`` (the parameter before the
    update) and ``noise`` (``noise[t]``: a standard normal stream, seed 0). ``:show:`` picks
    what is drawn against t:

    ``param`` (default)
        the parameter after update t (t = 0: before the first);
    ``step``
        the size of update t, ``|theta_t - theta_(t-1)|``;
    ``difference``
        each curve's parameter minus the first curve's (``:units: ulp``: in float32 ULPs of
        the first curve's value);
    ``slot NAME [NAME ...]``
        the optimizer state ``NAME`` after update t (the first name the optimizer has, so
        that one line covers TF1's ``rms`` and Keras's ``velocity``);
    ``lr``
        the learning rate update t used.

    ``:gradient-panel:`` draws the gradient stream above the plot.
    """

    option_spec = {
        **_PlotDirective.option_spec,
        "updates": directives.positive_int,
        "gradient": directives.unchanged_required,
        "theta0": float,
        "show": directives.unchanged,
        "units": directives.unchanged,
        "gradient-panel": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        note = self._missing(self._required())
        if note is not None:
            return note
        updates = self.options["updates"]
        theta0 = self.options.get("theta0", 0.0)
        show, *slots = (self.options.get("show") or "param").split()
        gradient = self.options["gradient"]
        runs = []
        for label, expression in _curves(list(self.content)):
            optimizer = self._value(expression)
            try:
                run = trajectory(optimizer, gradient, updates, theta0)
            except Exception as error:
                raise self.error(f"{expression!r}: {type(error).__name__}: {error}") from error
            runs.append((label, run))
        t = np.arange(updates + 1)
        if show == "param":
            x, curves = t, [(label, run["theta"]) for label, run in runs]
        elif show == "step":
            x = t[1:]
            curves = [(label, np.abs(np.diff(run["theta"]))) for label, run in runs]
        elif show == "difference":
            base = runs[0][1]["theta"]
            scale = np.spacing(np.abs(base).astype(np.float32)).astype(np.float64)
            per = scale if self.options.get("units") == "ulp" else 1.0
            x = t
            curves = [(label, (run["theta"] - base) / per) for label, run in runs[1:]]
        elif show == "slot":
            x = t[1:]
            curves = [(label, _slot(run, slots, label, self)) for label, run in runs]
        elif show == "lr":
            x, curves = t[1:], [(label, run["lr"]) for label, run in runs]
        else:
            raise self.error(f":show: {show!r}: expected param, step, difference, slot or lr")
        caption = [e for _, e in _curves(list(self.content))]
        caption.append(f"{updates} updates from θ₀ = {theta0:g}, gradient g(t) = {gradient}")
        panel = None
        if "gradient-panel" in self.options:
            panel = ("gradient g", t[1:], runs[0][1]["gradient"])
        return self._figure(x, curves, xlabel="update t", caption=caption, panel=panel)


def _slot(run: dict, names: list[str], label: str, directive) -> np.ndarray:
    for name in names:
        if name in run["slots"]:
            return run["slots"][name]
    raise directive.error(f"{label}: the optimizer has none of the slots {names}")


def trajectory(optimizer, gradient: str, updates: int, theta0: float) -> dict:
    """One parameter under ``optimizer`` for ``updates`` updates: ``theta`` (before the first
    and after each), ``gradient`` and ``lr`` of each update, and every state entry that holds
    one value per parameter (``slots``), after each update."""
    namespace = _namespace()
    rng = np.random.default_rng(0)
    namespace["noise"] = rng.standard_normal(updates + 1)
    code = compile(gradient, "<gradient>", "eval")
    theta = np.asarray([theta0], dtype=optimizer.dtype)
    state = optimizer.init([theta])
    thetas, gradients, rates = [float(theta[0])], [], []
    slots: dict[str, list[float]] = {}
    with np.errstate(all="ignore"):
        for t in range(1, updates + 1):
            namespace.update(t=t, theta=float(theta[0]))
            g = float(eval(code, namespace))  # noqa: S307 - the page's own expression
            gradients.append(g)
            rates.append(float(np.asarray(optimizer.learning_rate_at(state[optimizer.counter]))))
            # The gradient in its variable's dtype, as TensorFlow's optimizers require.
            gradient_array = np.asarray([g], dtype=optimizer.dtype)
            (theta,), state = optimizer.step([gradient_array], [theta], state)
            thetas.append(float(theta[0]))
            for name, value in state.items():
                if isinstance(value, tuple) and len(value) == 1:
                    slots.setdefault(name, []).append(float(np.asarray(value[0]).reshape(-1)[0]))
    return {
        "theta": np.asarray(thetas),
        "gradient": np.asarray(gradients),
        "lr": np.asarray(rates),
        "slots": {name: np.asarray(values) for name, values in slots.items()},
    }


class without_global_step:
    """A TF1 optimizer run as ``minimize(loss)`` without ``global_step=``: the counter never
    moves, so a decay function stays at its step-0 value."""

    def __init__(self, optimizer) -> None:
        self._optimizer = optimizer

    def __getattr__(self, name: str):
        return getattr(self._optimizer, name)

    def step(self, grads, params, state):
        return self._optimizer.step(grads, params, state, global_step=False)


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
        # The bad-input catalogue has its own page (docs/bad_inputs.md).
        found = [case for case in cases.of(api) if BAD_INPUT not in case.tags]
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


#: The tag of the bad-input catalogue (conformance.cases.bad_inputs.TAG).
BAD_INPUT = "bad-input"


class BadInputDifferences(SphinxDirective):
    """Every documented difference of the bad-input catalogue (a case's ``differences``), one
    table per reason: the cases and the checks (entry point, flavour, dtype or path) it covers."""

    def run(self) -> list[nodes.Node]:
        from conformance import cases
        from conformance.cases import bad_inputs

        everything = [*cases.CASES, *cases.OPTIMIZER_CASES]
        tagged = [case for case in everything if BAD_INPUT in case.tags]
        by_reason: dict[str, list[tuple[str, str]]] = {}
        for case in tagged:
            for condition, reason in (case.differences or {}).items():
                by_reason.setdefault(reason, []).append((case.id, condition))
        total = sum(len(found) for found in by_reason.values())
        summary = nodes.paragraph(
            text=(
                f"The catalogue holds {len(tagged)} bad-input cases "
                f"({sum(isinstance(c, cases.Case) for c in tagged)} schedule, "
                f"{sum(isinstance(c, cases.OptimizerCase) for c in tagged)} optimizer); "
                f"{sum(bool(c.differences) for c in tagged)} of them carry "
                f"{total} documented differences, for {len(by_reason)} reasons "
                f"(conformance/cases/{bad_inputs.__name__.rpartition('.')[2]}.py)."
            )
        )
        found: list[nodes.Node] = [summary]
        for number, (reason, covered) in enumerate(by_reason.items(), start=1):
            title = nodes.rubric(text=f"Difference {number} ({len(covered)} cases)")
            rows = [
                [_cell(nodes.literal(text=case_id)), _cell(nodes.literal(text=condition))]
                for case_id, condition in covered
            ]
            found += [
                title,
                nodes.paragraph(text=reason),
                _table(["case", "where (entry point, flavour, dtype or path)"], rows, []),
            ]
        return found


# -- the gallery -------------------------------------------------------------------------------


def _gallery_entries(env) -> list[dict]:
    """The plots marked ``:gallery: Title``, as pages were read (one list per build)."""
    if not hasattr(env, "lr_gallery"):
        env.lr_gallery = []
    return env.lr_gallery


class gallery_placeholder(nodes.General, nodes.Element):
    """Where ``plot-gallery`` goes; filled once every page has been read."""


class PlotGallery(SphinxDirective):
    """Every plot marked ``:gallery:`` as a thumbnail linking to it: a section per folder
    (``:sections: schedules=Schedules optimizers=Optimizers``), in the order of the toctree."""

    option_spec = {"sections": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        sections = dict(item.split("=", 1) for item in self.options["sections"].split())
        return [gallery_placeholder(sections=sections)]


def _toctree_order(env) -> list[str]:
    """Every document in the order a reader meets it in the toctrees."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return order


def fill_gallery(app, doctree, fromdocname: str) -> None:
    env = app.env
    entries = _gallery_entries(env)
    order = {name: i for i, name in enumerate(_toctree_order(env))}
    for placeholder in list(doctree.findall(gallery_placeholder)):
        replacement = []
        for folder, heading in placeholder["sections"].items():
            chosen = sorted(
                (e for e in entries if e["docname"].startswith(folder + "/")),
                key=lambda e: (order.get(e["docname"], len(order)), e["line"]),
            )
            rubric = nodes.rubric(text=heading)
            grid = nodes.container(classes=["plot-gallery"])
            for entry in chosen:
                href = app.builder.get_relative_uri(fromdocname, entry["docname"])
                link = nodes.reference("", "", internal=True, refuri=f"{href}#{entry['id']}")
                link += nodes.image(
                    uri=entry["uri"], alt=entry["title"], candidates={"*": entry["uri"]}
                )
                link += nodes.inline(text=entry["title"], classes=["plot-gallery-title"])
                # Inside a paragraph: HTML writers take a link holding more than an image
                # only in running text.
                grid += nodes.paragraph("", "", link, classes=["plot-gallery-item"])
            replacement += [rubric, grid]
        placeholder.replace_self(replacement)


def check_gallery(app, env) -> None:
    """Every schedule and optimizer page has a thumbnail in the gallery."""
    if not any(env.get_doctree(d).next_node(gallery_placeholder) for d in env.found_docs):
        return
    from conformance import registry

    pages = {registry.get(name).docs.removesuffix(".md") for name in registry.names()}
    shown = {entry["docname"] for entry in _gallery_entries(env)}
    for page in sorted(pages - shown):
        logger.warning("%s has no plot marked :gallery: (the gallery lists every page)", page)


def purge_gallery(app, env, docname: str) -> None:
    env.lr_gallery = [e for e in _gallery_entries(env) if e["docname"] != docname]


def merge_gallery(app, env, docnames, other) -> None:
    _gallery_entries(env).extend(e for e in _gallery_entries(other) if e["docname"] in docnames)


# -- the language of a passage ----------------------------------------------------------------


class LanguageOfPassage(SphinxPostTransform):
    """A container of class ``lang-zh-Hans`` gets ``lang="zh-Hans"`` in HTML (docutils writes a
    ``language-X`` class as a ``lang`` attribute), so that the browser picks a font that has
    its characters. The class is renamed only now, after smart quotes (docutils has no quotes
    for these languages, and the quotations keep their own)."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.Element):
            classes = node.get("classes", [])
            if any(c.startswith("lang-") for c in classes):
                node["classes"] = [
                    "language-" + c[5:] if c.startswith("lang-") else c for c in classes
                ]


# -- numbers that never break ------------------------------------------------------------------

#: A number in exponent notation (``1e-7``), a range of versions (``2.13–2.15``) or a power with
#: a negative exponent (``2**-(c-1)``): a browser may break a line after their "-" or "–",
#: which no reader expects.
WHOLE_NUMBER = re.compile(r"\b\d+(?:\.\d+)?e[-+]?\d+\b|\b\d+\.\d+[–-]\d+\.\d+\b|[^\s()]*\d\*\*-\S+")


class NumbersStayWhole(SphinxPostTransform):
    """Each such number in running text is kept on one line (``<span class="nowrap">``)."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs) -> None:
        skip = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.raw)
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or any(isinstance(a, skip) for a in _ancestors(text)):
                continue
            pieces = WHOLE_NUMBER.split(str(text))
            if len(pieces) == 1:
                continue
            numbers = WHOLE_NUMBER.findall(str(text))
            replacement: list[nodes.Node] = []
            for piece, number in zip(pieces, [*numbers, None]):
                if piece:
                    replacement.append(nodes.Text(piece))
                if number is not None:
                    replacement.append(nodes.inline(number, number, classes=["nowrap"]))
            index = parent.index(text)
            parent.remove(text)
            for offset, node in enumerate(replacement):
                parent.insert(index + offset, node)


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


# -- identifiers that wrap only where a reader expects it ----------------------------------------

#: Inline code longer than this gets a line-break opportunity after each of BREAK_AFTER.
LONG_LITERAL = 24
BREAK_AFTER = re.compile(r"(?:(?<=[./,(=])|(?<=[^\s-]-))(?=[^./,()=\s-])")


class BreakAfterDots(SphinxPostTransform):
    """A long dotted name (``tf.keras.optimizers.schedules.ExponentialDecay``) may wrap after a
    dot, a slash, a comma, ``(``, ``=`` or a single hyphen (an HTML ``<wbr>``), and nowhere else:
    the stylesheet keeps every inline literal on one line otherwise, so no identifier breaks
    mid-word. An API entry's signature may wrap after its module path too."""

    default_priority = 400
    formats = ("html",)

    def run(self, **kwargs) -> None:
        from sphinx import addnodes

        for literal in list(self.document.findall(nodes.literal)):
            if len(literal.astext()) > LONG_LITERAL:
                self._break(literal)
        # An API entry's module path (``reference.compat_v1.``) before its name.
        for prefix in list(self.document.findall(addnodes.desc_addname)):
            self._break(prefix)
            prefix += nodes.raw("", "<wbr>", format="html")

    def _break(self, literal: nodes.Element) -> None:
        if len(literal.children) != 1 or not isinstance(literal.children[0], nodes.Text):
            return
        pieces = BREAK_AFTER.split(literal.astext())
        if len(pieces) == 1:
            return
        children: list[nodes.Node] = []
        for i, piece in enumerate(pieces):
            if i:
                children.append(nodes.raw("", "<wbr>", format="html"))
            children.append(nodes.Text(piece))
        literal.children = []
        literal.extend(children)


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
    app.add_directive("bad-input-differences", BadInputDifferences)
    app.add_directive("optimizer-plot", OptimizerPlot)
    app.add_directive("plot-gallery", PlotGallery)
    app.add_node(gallery_placeholder)
    app.add_post_transform(BreakAfterDots)
    app.add_post_transform(LanguageOfPassage)
    app.add_post_transform(NumbersStayWhole)
    app.connect("doctree-resolved", fill_gallery)
    app.connect("env-check-consistency", check_gallery)
    app.connect("env-purge-doc", purge_gallery)
    app.connect("env-merge-info", merge_gallery)
    app.connect("build-finished", check_offline)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx directives that run commands while the docs build and show what they really printed.

The "Verify your port" page walks through a port being checked, fixed and checked again. Its
code and its verdicts are not pasted: the build copies the port into a scratch directory (a
*workspace*), applies each fix as the page shows it, runs each command there, and puts the
command's real output and exit status on the page. A page whose command no longer exits as the
page says fails the build.

``workspace NAME``
    A fresh scratch directory for this page. ``:copy: PATH ...`` copies files or directories
    (relative to ``docs/``) into it, keeping their names; ``:unapply: DIFF ...`` then applies
    these diffs in reverse, in order, so that a page can start from a first draft and the
    repository keeps only the finished code and the fixes.

``workspace-patch DIFF``
    Shows the diff and applies it to the workspace (``:workspace: NAME``).

``workspace-file PATH``
    Shows a file of the workspace as it is at that point of the page (``:workspace:``,
    ``:language:``, and ``:pyobject:``, ``:lines:``, ``:start-after:``, ``:end-before:`` as
    ``literalinclude`` takes them).

``console-run``
    Runs its one command in the workspace and shows ``$ command`` and its output (standard
    output and standard error, interleaved as a terminal shows them). ``python`` is the
    interpreter building the docs, with the workspace and this checkout on ``PYTHONPATH``; a
    trailing ``> FILE`` sends standard output to a file of the workspace instead. ``:expect:
    N``: the exit status the page relies on (default 0); ``:needs: NAME ...``: Python modules or
    programs the command needs, named in the error where they are missing.

Commands run only for the HTML builder; other builders (doctest) show nothing for them. A
command's output is kept in the build's doctree directory under a digest of everything it reads
(the command, the workspace's files, ``conformance/`` and ``reference/``, the versions of Python,
numpy, torch and Node.js), so that a rebuild with nothing changed does not run it again; a fresh
build (``sphinx-build -E``, or a clean checkout) always does.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.directives.code import LiteralIncludeReader
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: The checkout: the commands document the code of this checkout, installed or not.
REPOSITORY = Path(__file__).resolve().parents[2]
#: Seconds a command may take.
TIMEOUT = 1800

#: What to install where something a command needs is missing.
INSTALL_HINTS = {
    "torch": "pip install torch==2.13.0 (the CPU wheel; `tox -e docs` installs it)",
    "node": "install Node.js (Debian: apt-get install nodejs)",
}


def _root(app) -> Path:
    if getattr(app, "lr_workspaces", None) is None:
        app.lr_workspaces = Path(tempfile.mkdtemp(prefix="lr-docs-workspaces-"))
    return app.lr_workspaces


def _running(directive: SphinxDirective) -> bool:
    return directive.env.app.builder.format == "html"


class _WorkspaceDirective(SphinxDirective):
    option_spec = {"workspace": directives.unchanged_required}

    def workspace(self, name: str | None = None) -> Path:
        name = name or self.options["workspace"]
        return _root(self.env.app) / self.env.docname.replace("/", "-") / name

    def source(self, relative: str) -> Path:
        path = Path(self.env.srcdir) / relative
        if not path.exists():
            raise self.error(f"{relative} does not exist (paths are relative to docs/)")
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                self.env.note_dependency(str(file))
        return path

    def apply(self, diff: Path, reverse: bool = False) -> None:
        command = ["git", "apply", "--whitespace=nowarn", *(["-R"] if reverse else []), str(diff)]
        done = subprocess.run(
            command, cwd=self.workspace(), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise self.error(f"{' '.join(command)} failed: {done.stderr.strip()}")


class Workspace(_WorkspaceDirective):
    required_arguments = 1
    option_spec = {"copy": directives.unchanged_required, "unapply": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        if not _running(self):
            return []
        self.options["workspace"] = self.arguments[0]
        workspace = self.workspace()
        shutil.rmtree(workspace, ignore_errors=True)
        workspace.mkdir(parents=True)
        for relative in self.options["copy"].split():
            path = self.source(relative)
            if path.is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
                shutil.copytree(path, workspace / path.name, ignore=ignore)
            else:
                shutil.copy(path, workspace / path.name)
        for relative in self.options.get("unapply", "").split():
            self.apply(self.source(relative), reverse=True)
        return []


class WorkspacePatch(_WorkspaceDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        diff = self.source(self.arguments[0])
        if _running(self):
            self.apply(diff)
        text = diff.read_text(encoding="utf-8")
        block = nodes.literal_block(text, text, language="diff", classes=["workspace-patch"])
        return [block]


class WorkspaceFile(_WorkspaceDirective):
    required_arguments = 1
    option_spec = {
        **_WorkspaceDirective.option_spec,
        "language": directives.unchanged,
        "pyobject": directives.unchanged,
        "lines": directives.unchanged,
        "start-after": directives.unchanged,
        "end-before": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        if not _running(self):
            return []
        path = self.workspace() / self.arguments[0]
        if not path.is_file():
            raise self.error(f"{self.arguments[0]} is not a file of the workspace")
        keys = ("pyobject", "lines", "start-after", "end-before")
        options = {key: self.options[key] for key in keys if key in self.options}
        text, _ = LiteralIncludeReader(str(path), options, self.config).read()
        language = self.options.get("language", "python")
        block = nodes.literal_block(text, text, language=language, classes=["workspace-file"])
        caption = nodes.paragraph(classes=["workspace-file-name"])
        caption += nodes.literal(text=self.arguments[0])
        return [caption, block]


class ConsoleRun(_WorkspaceDirective):
    has_content = True
    option_spec = {
        **_WorkspaceDirective.option_spec,
        "expect": int,
        "needs": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        shown = " ".join(line.rstrip("\\").strip() for line in self.content if line.strip())
        if not shown:
            raise self.error("console-run needs a command")
        if not _running(self):
            return []
        self._check_needs()
        words = shlex.split(shown)
        output_file = None
        if len(words) > 2 and words[-2] == ">":
            words, output_file = words[:-2], words[-1]
        program = sys.executable if words[0] == "python" else shutil.which(words[0])
        if program is None:
            raise self.error(f"{words[0]} is not installed: {INSTALL_HINTS.get(words[0], '')}")
        workspace = self.workspace()
        cache = Path(self.env.app.doctreedir) / "console-run" / f"{_digest(shown, workspace)}.json"
        if cache.is_file():
            returncode, printed, written = json.loads(cache.read_text(encoding="utf-8"))
            self._check_status(shown, returncode, printed)
            for name, text in written.items():
                (workspace / name).write_text(text, encoding="utf-8")
            return self._show(shown, returncode, printed)
        before = _snapshot(workspace)
        environment = dict(os.environ)
        path = [str(workspace), str(REPOSITORY), environment.get("PYTHONPATH", "")]
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, path))
        sink = open(workspace / output_file, "w") if output_file else contextlib.nullcontext()
        with sink:
            done = subprocess.run(
                [program, *words[1:]],
                cwd=workspace,
                env=environment,
                stdout=sink if output_file else subprocess.PIPE,
                stderr=subprocess.STDOUT if not output_file else subprocess.PIPE,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        printed = (done.stdout if not output_file else done.stderr) or ""
        self._check_status(shown, done.returncode, printed)
        # The files the command wrote, so that a cached run leaves the workspace as a real
        # one does for the commands after it.
        after = _snapshot(workspace)
        written = {
            name: (workspace / name).read_text(encoding="utf-8")
            for name, digest in after.items()
            if before.get(name) != digest
        }
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps([done.returncode, printed, written]), encoding="utf-8")
        return self._show(shown, done.returncode, printed)

    def _check_status(self, shown: str, returncode: int, printed: str) -> None:
        expected = self.options.get("expect", 0)
        if returncode != expected:
            raise self.error(
                f"`{shown}` exited with status {returncode}, but the page says "
                f"{expected}. It printed:\n{printed[-3000:]}"
            )

    def _show(self, shown: str, returncode: int, printed: str) -> list[nodes.Node]:
        text = f"$ {shown}\n{printed}".rstrip("\n")
        block = nodes.literal_block(text, text, language="text", classes=["console-run"])
        status = nodes.paragraph(classes=["console-status"])
        status += nodes.Text(f"exit status {returncode}")
        return [block, status]

    def _check_needs(self) -> None:
        for need in self.options.get("needs", "").split():
            found = shutil.which(need) or importlib.util.find_spec(need)
            if not found:
                hint = INSTALL_HINTS.get(need, f"install {need}")
                raise self.error(f"this page runs a command that needs {need}: {hint}")


def _digest(command: str, workspace: Path) -> str:
    """What a command's output depends on, as one digest."""
    digest = hashlib.sha256(command.encode())
    digest.update(_tree_digest(workspace).encode())
    digest.update(_environment_digest().encode())
    return digest.hexdigest()[:20]


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (but Python's caches) and a digest of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _tree_digest(root: Path) -> str:
    return hashlib.sha256(repr(_snapshot(root)).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _environment_digest() -> str:
    """This checkout's suite and reference, and the versions of what runs the commands."""
    parts = [_tree_digest(REPOSITORY / "conformance"), _tree_digest(REPOSITORY / "reference")]
    parts.append(sys.version)
    for package in ("numpy", "torch"):
        try:
            parts.append(importlib.metadata.version(package))
        except importlib.metadata.PackageNotFoundError:
            parts.append("absent")
    node = shutil.which("node")
    if node is not None:
        version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
        parts.append(version.stdout)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def remove_workspaces(app, exception) -> None:
    if getattr(app, "lr_workspaces", None) is not None:
        shutil.rmtree(app.lr_workspaces, ignore_errors=True)
        app.lr_workspaces = None


def setup(app):
    app.add_directive("workspace", Workspace)
    app.add_directive("workspace-patch", WorkspacePatch)
    app.add_directive("workspace-file", WorkspaceFile)
    app.add_directive("console-run", ConsoleRun)
    app.connect("build-finished", remove_workspaces)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""The window's modules depend on each other one way only: no module of supervision_audit/ui
(in any of its folders) reaches back, directly or through others, to a module that imports
it. Every import statement counts, wherever it is: at the top, inside a function (a deferred
import is still a dependency, only a hidden one) or under ``if TYPE_CHECKING`` (a circle of
types is still a circle; a ``Protocol`` says what is needed instead). The section panels,
which the file view loads by name through ``importlib`` to let each register itself, are a
registry, not an import statement, and are not followed."""

from __future__ import annotations

import ast
from pathlib import Path

import supervision_audit.ui
from tests.import_cycles import cycles

UI = Path(supervision_audit.ui.__file__).parent
PACKAGE = "supervision_audit.ui"


def ui_modules(folder: Path) -> dict[str, Path]:
    """Every module under ``folder`` by its dotted name below the package ("records.
    record_dialog", "app"); a folder's ``__init__`` by the folder's name."""
    out: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = list(path.relative_to(folder).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            out[".".join(parts)] = path
    return out


def imports_of(source: str, name: str, modules: set[str], is_package: bool = False) -> set[str]:
    """The modules of ``modules`` that the module ``name`` (its source ``source``) imports,
    anywhere in the file: ``from PACKAGE.a.b import c`` gives a.b, or a.b.c when that is a
    module itself; ``import PACKAGE.a.b`` gives a.b; relative imports likewise."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    def add(dotted: str, names: list[str]) -> None:
        if dotted in modules:
            found.add(dotted)
        for imported in names:
            child = f"{dotted}.{imported}" if dotted else imported
            if child in modules:
                found.add(child)

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            if node.level == 0 and node.module and (node.module == PACKAGE
                                                    or node.module.startswith(PACKAGE + ".")):
                add(node.module[len(PACKAGE) + 1:], names)
            elif node.level > 0:
                base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
                dotted = ".".join([*base, *(node.module.split(".") if node.module else [])])
                add(dotted, names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    add(alias.name[len(PACKAGE) + 1:], [])
    return found


def ui_graph(folder: Path) -> dict[str, set[str]]:
    files = ui_modules(folder)
    names = set(files)
    return {name: imports_of(path.read_text(encoding="utf-8"), name, names,
                             path.name == "__init__.py") - {name}
            for name, path in files.items()}


def test_no_circle_among_the_window_modules() -> None:
    graph = ui_graph(UI)
    assert len(graph) > 90  # every folder was found and read
    assert "records.record_dialog" in graph["records.group_dialog"]  # imports were found
    assert {"records.group_dialog", "records.record_dialog"} <= graph["records.record_opening"]
    assert "printing.print_actions" in graph["main_window"]  # inside a function too
    circles = cycles(graph)
    assert circles == [], "import circles among the window's modules: " + "; ".join(
        " -> ".join(c) for c in circles)


def test_the_record_dialog_and_the_group_dialog_do_not_import_each_other() -> None:
    graph = ui_graph(UI)
    assert "records.group_dialog" not in graph["records.record_dialog"]


def test_a_circle_through_any_kind_of_import_is_found(tmp_path: Path) -> None:
    """The check itself: circles closed by an import inside a function, by one under
    TYPE_CHECKING, by importing a module from its folder, and by a relative import are
    each found, in the order they run; a one-way chain is not a circle."""
    files = {
        "records/__init__.py": "",
        "records/record_dialog.py": "def f():\n"
                                    "    from supervision_audit.ui.records import group_dialog\n",
        "records/group_dialog.py": "from supervision_audit.ui.records.record_dialog "
                                   "import RecordDialog\n",
        "window/__init__.py": "",
        "window/sync_panel.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                "    from supervision_audit.ui.main_window import MainWindow\n",
        "main_window.py": "import supervision_audit.ui.window.sync_panel\n",
        "common/__init__.py": "",
        "common/a.py": "from . import b\n",
        "common/b.py": "from ..common.a import x\n",
        "common/alone.py": "from supervision_audit.ui.common import a\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = cycles(ui_graph(tmp_path))
    assert found == [["common.a", "common.b", "common.a"],
                     ["main_window", "window.sync_panel", "main_window"],
                     ["records.group_dialog", "records.record_dialog", "records.group_dialog"]]

"""The window takes each name it imports from the services from the module that defines it,
not from one that happens to import it too: a service moved to another module (tracker_row
went from asye_export to asye) is then followed by the window, instead of the window working
only while the old module still imports the name for its own use."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import supervision_audit.ui

UI = Path(supervision_audit.ui.__file__).parent
SERVICES = "supervision_audit.services"


def defined_names(module: str) -> set[str] | None:
    """The names the module's own top level defines (functions, classes, assignments, in
    ``if``/``try`` blocks too), or None when it is not a plain module file."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def borrowed_imports() -> list[str]:
    """Each ``from supervision_audit.services.X import name`` in the window where X does not
    define ``name`` (and ``name`` is not a module of X either)."""
    found: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                    and node.module.startswith(SERVICES)):
                continue
            names = defined_names(node.module)
            if names is None:
                continue
            for alias in node.names:
                if alias.name in names:
                    continue
                if importlib.util.find_spec(f"{node.module}.{alias.name}") is not None:
                    continue
                found.append(f"{path.relative_to(UI)}:{node.lineno} {alias.name} "
                             f"from {node.module}")
    return found


def test_window_imports_each_service_name_from_where_it_is_defined() -> None:
    assert borrowed_imports() == []


def test_the_check_sees_a_borrowed_name() -> None:
    """The check itself: asye_export imports tracker_row from asye, so the name is borrowed
    there and defined in asye."""
    assert "tracker_row" not in (defined_names(f"{SERVICES}.asye_export") or set())
    assert "tracker_row" in (defined_names(f"{SERVICES}.asye") or set())

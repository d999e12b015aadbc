"""The services depend on each other one way only: no module of supervision_audit/services
reaches back, directly or through others, to a module that imports it. Imports inside
functions count too (a deferred import is still a dependency, only a hidden one)."""

from __future__ import annotations

import ast
from pathlib import Path

import supervision_audit.services
from tests.import_cycles import cycles

SERVICES = Path(supervision_audit.services.__file__).parent
PACKAGE = "supervision_audit.services"


def imports_of(source: str, modules: set[str]) -> set[str]:
    """The modules of ``modules`` (services by their short name) that ``source`` imports,
    at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == PACKAGE:  # from supervision_audit.services import documents
                found.update(a.name for a in node.names if a.name in modules)
            elif node.module.startswith(PACKAGE + "."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:  # from . import x
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names
                         if a.name.startswith(PACKAGE + "."))
    return found & modules


def service_graph(folder: Path) -> dict[str, set[str]]:
    files = {p.stem: p for p in folder.glob("*.py") if p.stem != "__init__"}
    names = set(files)
    return {name: imports_of(path.read_text(encoding="utf-8"), names) - {name}
            for name, path in files.items()}


def test_no_circle_among_the_services() -> None:
    graph = service_graph(SERVICES)
    assert len(graph) > 30  # the folder was found and read
    assert graph["audits"] >= {"audit_evidence", "events"}  # imports were found
    circles = cycles(graph)
    assert circles == [], "import circles among the services: " + "; ".join(
        " -> ".join(c) for c in circles)


def test_a_circle_through_a_deferred_import_is_found(tmp_path: Path) -> None:
    """The check itself: the circle this test first guarded against (an import inside a
    function closing it) is found, and named in the order it runs."""
    files = {
        "audit_evidence": "def f():\n    from supervision_audit.services.cases import x\n",
        "cases": "from supervision_audit.services.records import held_at\n",
        "records": "def g():\n    from supervision_audit.services.audits import y\n",
        "audits": "from supervision_audit.services.audit_evidence import gather\n",
        "events": "import supervision_audit.services.staff\n",
        "staff": "from supervision_audit.services import events\n",
        "alone": "from supervision_audit.models import Staff\n",
    }
    for name, text in files.items():
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
    found = cycles(service_graph(tmp_path))
    assert found == [["audit_evidence", "cases", "records", "audits", "audit_evidence"],
                     ["events", "staff", "events"]]

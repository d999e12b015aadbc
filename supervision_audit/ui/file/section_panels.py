"""Panels that fill a section of the supervision file (Appendix 8) from the records.

Each panel is a widget built with the store and the signed-in person; the file view calls
``show_for(file)`` whenever a person's file is shown. Register a panel class for a section
with ``@register(N)`` (several classes may share a section, and one class may serve several
sections: each instance is told its ``section`` number before it is shown). A section with
no panel shows its plain "empty" message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QVBoxLayout, QWidget

from supervision_audit.db import Store
from supervision_audit.services.access import Actor
from supervision_audit.ui.file.file_data import SupervisionFile

PANEL_MODULES = (  # each registers its panels when imported
    "supervision_audit.ui.monitoring.monitoring_panel",
    "supervision_audit.ui.records.records_panel",
    "supervision_audit.ui.file.caseload_panel",
    "supervision_audit.ui.file.documents_panel",
    "supervision_audit.ui.asye.asye_panel",
    "supervision_audit.ui.audits.audit_panel",
)


class SectionPanel(Protocol):
    section: int

    def show_for(self, file: SupervisionFile) -> None: ...


# section number -> panel classes (each a QWidget subclass taking (store, actor, parent))
PANELS: dict[int, list[type]] = {}


def register(*numbers: int) -> Callable[[type], type]:
    """Class decorator: ``@register(1)`` makes the class a panel of section 1."""

    def wrap(cls: type) -> type:
        for number in numbers:
            if cls not in PANELS.setdefault(number, []):
                PANELS[number].append(cls)
        return cls

    return wrap


class _Stack(QWidget):
    """Several panels of one section, one under another."""

    def __init__(self, panels: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.panels = panels
        for panel in panels:
            layout.addWidget(panel)

    def show_for(self, file: SupervisionFile) -> None:
        for panel in self.panels:
            panel.show_for(file)  # type: ignore[attr-defined]


def build_panels(store: Store, actor: Actor, parent: QWidget | None = None
                 ) -> dict[int, QWidget]:
    _load_panel_modules()
    out: dict[int, QWidget] = {}
    for number, classes in sorted(PANELS.items()):
        built = []
        for cls in classes:
            panel = cls(store, actor, parent)
            panel.section = number
            built.append(panel)
        out[number] = built[0] if len(built) == 1 else _Stack(built, parent)
    return out


def _load_panel_modules() -> None:
    """Import the modules that register panels."""
    import importlib

    for name in PANEL_MODULES:
        importlib.import_module(name)

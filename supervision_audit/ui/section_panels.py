"""Panels that fill a section of the supervision file (Appendix 8) from the records.

Each panel is a widget built with the store and the signed-in person; the file view calls
``show_for(file)`` whenever a person's file is shown. Register a panel class in ``PANELS``
under its section number; a section with no panel shows its plain "empty" message.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from supervision_audit.db import Store
from supervision_audit.services.access import Actor
from supervision_audit.ui.file_data import SupervisionFile


class SectionPanel(Protocol):
    def show_for(self, file: SupervisionFile) -> None: ...


PanelFactory = type  # a QWidget subclass taking (store, actor, parent)

# section number -> panel class; filled by the modules that define panels
PANELS: dict[int, PanelFactory] = {}


def register(number: int):  # type: ignore[no-untyped-def]
    """Class decorator: ``@register(1)`` makes the class the panel of section 1."""

    def wrap(cls: type) -> type:
        PANELS[number] = cls
        return cls

    return wrap


def build_panels(store: Store, actor: Actor, parent: QWidget | None = None
                 ) -> dict[int, QWidget]:
    """One panel per registered section; a class registered for several sections is built
    once per section and told its number through a ``section`` attribute."""
    _load_panel_modules()
    panels = {}
    for number, cls in sorted(PANELS.items()):
        panel = cls(store, actor, parent)
        panel.section = number  # type: ignore[attr-defined]
        panels[number] = panel
    return panels


def _load_panel_modules() -> None:
    """Import the modules that register panels (each optional until it exists)."""
    import importlib

    for name in ("monitoring_panel", "records_panel", "caseload_panel", "documents_panel",
                 "asye_panel", "audit_panel"):
        try:
            importlib.import_module(f"supervision_audit.ui.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"supervision_audit.ui.{name}":
                raise

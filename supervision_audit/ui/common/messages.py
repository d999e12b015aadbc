"""Message boxes, in one place so that tests can replace them (a modal box would block).

Each function takes plain text and returns plain data. Nothing else in ``ui`` calls
``QMessageBox`` directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from supervision_audit import APP_NAME
from supervision_audit.errors import SupervisionAuditError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(title: str) -> Callable[[F], F]:
    """Run a window's or panel's action; a SupervisionAuditError becomes a message box
    titled ``title``, never a traceback."""
    def wrap(method: F) -> F:
        @functools.wraps(method)
        def run(self: QWidget, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except SupervisionAuditError as exc:
                show_error(self, title, str(exc))
                return None
        return run  # type: ignore[return-value]
    return wrap


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the user something could not be done, in words (never a traceback)."""
    QMessageBox.warning(parent, title, text)


def show_critical(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def ask_discard(parent: QWidget | None, what: str) -> bool:
    """True when the user agrees to throw away unsaved changes to ``what``."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                      f"You have unsaved changes to the {what}.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText("Discard them and close?")
    discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is discard


def about(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.about(parent, title, text)

"""What can be done to a supervision record, as actions with one home each: the record's
context menu (a right click on it), the window's record tool bar and Record menu (shown
while a record is chosen), and the buttons under the records table, which they mirror."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QTableView

from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.printing.print_actions import print_key


class RecordsHost(Protocol):
    """What the actions need of the records panel they serve (a QWidget, their parent): its
    table, the buttons they mirror and what each does. A protocol, so that this module does
    not import the panel that builds it."""

    table: QTableView
    new_button: QPushButton
    open_button: QPushButton
    sign_button: QPushButton
    reopen_button: QPushButton
    addendum_button: QPushButton
    copy_button: QPushButton
    export_button: QPushButton
    print_button: QPushButton

    def new_record(self) -> object: ...
    def open_selected(self) -> object: ...
    def sign_selected(self) -> object: ...
    def reopen_selected(self) -> object: ...
    def add_addendum(self) -> object: ...
    def copy_given(self) -> object: ...
    def export_selected(self) -> object: ...
    def print_selected(self) -> object: ...
    def addAction(self, action: QAction) -> None: ...


class RecordActions(QObject):
    """The actions of one records panel. ``writes`` hides what only a supervisor does
    (a new record, reopening, the copy given) from someone who never writes records."""

    def __init__(self, panel: RecordsHost) -> None:
        super().__init__(panel)  # type: ignore[arg-type]  # the panel is a QWidget
        self.panel = panel
        self._buttons: dict[QAction, QPushButton] = {}
        self.new = self._action("New record…", panel.new_record, panel.new_button, "contract")
        self.open = self._action("Open", panel.open_selected, panel.open_button)
        self.sign = self._action("Sign…", panel.sign_selected, panel.sign_button)
        self.reopen = self._action("Reopen as draft…", panel.reopen_selected,
                                   panel.reopen_button)
        self.addendum = self._action("Add addendum…", panel.add_addendum,
                                     panel.addendum_button)
        self.copy = self._action("Copy given…", panel.copy_given, panel.copy_button)
        self.export = self._action("Export PDF…", panel.export_selected, panel.export_button,
                                   "export-pdf")
        self.print = self._action("Print…", panel.print_selected, panel.print_button)
        self.print.setShortcut(print_key())  # while the records panel has the focus
        self.print.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        panel.addAction(self.print)
        self.writer_only = (self.new, self.reopen, self.copy)
        self.on_record = (self.open, self.sign, self.reopen, self.addendum, self.copy,
                          self.print, self.export)
        self.menu: QMenu | None = None  # the context menu shown last (tests read it)

    def _action(self, text: str, slot: Callable[[], object], button: QPushButton,
                icon_name: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else button.icon(), text, self)
        action.setObjectName(f"{button.objectName()}_action")
        action.triggered.connect(lambda _checked=False: slot())
        self._buttons[action] = button
        return action

    def all(self) -> tuple[QAction, ...]:
        return (self.new, *self.on_record)

    def set_writes(self, writes: bool) -> None:
        """Show a supervisor's actions only to someone who ever writes records."""
        for action in self.writer_only:
            action.setVisible(writes)

    def sync(self) -> None:
        """Each action as its button is: enabled, with the same tip."""
        for action, button in self._buttons.items():
            action.setEnabled(button.isEnabled())
            action.setToolTip(button.toolTip() or action.text().rstrip("…"))
            action.setStatusTip(action.toolTip())

    def context_menu(self, at: QPoint) -> QMenu | None:
        """The menu of the record under ``at`` (the table's viewport), or None off a row."""
        table = self.panel.table
        index = table.indexAt(at)
        if not index.isValid():
            return None
        table.selectRow(index.row())
        menu = QMenu(table)
        menu.setObjectName("record_menu")
        menu.addActions([self.open, self.sign])
        menu.addSeparator()
        menu.addActions([self.addendum, self.reopen, self.copy])
        menu.addSeparator()
        menu.addActions([self.print, self.export])
        if self.new.isVisible():
            menu.addSeparator()
            menu.addAction(self.new)
        self.menu = menu
        menu.popup(table.viewport().mapToGlobal(at))
        return menu

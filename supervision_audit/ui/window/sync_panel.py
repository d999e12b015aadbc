"""Sync in the window, when the store is a laptop's replica of the organisation's server.

The status bar says where the replica stands (last synced, how many changes wait to go,
how many the server did not take); the Sync menu syncs now (F9) or shows the status. A
sync runs on start, every quarter of an hour and on demand, in the background, signed in by
the laptop's own key (no password asked). The status dialog lists each change the server
did not take with its reason, the laptop's version beside the server's, and offers to open
the record, to take the laptop's version (a new change, made on the server's) or to set it
aside. A standalone store shows none of this.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QMenuBar,
    QPlainTextEdit,
    QPushButton,
    QStatusBar,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
)
from sqlalchemy.exc import SQLAlchemyError

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.forms import ALL_FORMS
from supervision_audit.services.access import Actor
from supervision_audit.sync.client import SyncReport, sync_store
from supervision_audit.sync.conflicts import Kept, dismiss, kept_changes, take_mine
from supervision_audit.sync.outbox import waiting
from supervision_audit.sync.replica import State, read_state
from supervision_audit.sync.replica_schema import is_replica
from supervision_audit.sync.trust import AccountClosed
from supervision_audit.ui.common.workers import Job, run_in_background
from supervision_audit.wording import plural


class MainWindow(Protocol):
    """What sync needs of the main window (a QMainWindow, the parent of its parts): the
    store and who is signed in, its bars, the dialog it shows, and a way to show what
    changed and to open a record's file. A protocol, so that this module does not import
    the window that installs it."""

    store: Store
    actor: Actor
    dialog: QDialog | None

    def statusBar(self) -> QStatusBar: ...
    def menuBar(self) -> QMenuBar: ...
    def refresh(self, select: uuid.UUID | None = None) -> None: ...
    def open_record_file(self, record_id: uuid.UUID) -> None: ...
    def close_wiped_store(self, text: str) -> None: ...

SYNC_EVERY_MS = 15 * 60_000
WHAT = {"supervision_record": "Record", "signature": "Signature", "addendum": "Addendum",
        "contract": "Contract", "supervision_session": "Session", "action_item": "Action",
        "staff": "Staff", "team": "Team", "user_account": "Account", "setting": "Setting",
        "file_audit": "Audit", "asye_tracker": "ASYE tracker", "event_log": "Log entry"}


@dataclass(frozen=True)
class Wiped:
    """The sync's outcome when the server said the account is closed: the replica has been
    wiped under the window (``text`` says so, and what went with it)."""

    text: str


@dataclass(frozen=True)
class Standing:
    """Where the replica stands, read from it."""

    state: State
    waiting: int
    kept: list[Kept]


def read_standing(window: MainWindow) -> Standing:
    with window.store.read() as session:
        conn = session.connection()
        return Standing(read_state(conn), waiting(conn), kept_changes(conn))


def when(text: str) -> str:
    """An ISO time as the status bar shows it (day and time, local)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).astimezone().strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return text or "never"


def status_text(standing: Standing, syncing: str, error: str) -> str:
    """The status bar's words (rich text: what needs the user's eye in red)."""
    if syncing:
        first = escape(syncing)
    elif error:
        first = f'<span style="color:#b00020">Not synced: {escape(error.split(". ")[0])}</span>'
    else:
        first = f"Synced {when(standing.state.last_synced_at)}"
    parts = [first, f"{standing.waiting} waiting"]
    if standing.kept:
        parts.append(f'<span style="color:#b00020">{len(standing.kept)} not taken</span>')
    return "  ·  ".join(parts)


def status_tip(standing: Standing) -> str:
    return (f"{plural(standing.waiting, 'change')} on this laptop waiting to go to the "
            f"server; {plural(len(standing.kept), 'change')} the server did not take "
            "(Sync ▸ Sync status… says why)")


def what_of(item: Kept) -> str:
    row = item.local or item.server or {}
    label = WHAT.get(item.table, item.table.replace("_", " ").capitalize())
    details = [str(row[k]) for k in ("held_on", "record_kind", "name", "staff_id", "key")
               if row.get(k)]
    return f"{label} {' '.join(details)}".strip()


def side_by_side(item: Kept) -> tuple[str, str]:
    """What differs, the laptop's version and the server's (a form's answers one by one)."""
    mine, theirs = item.local or {}, item.server or {}
    left, right = [], []
    for column in item.differences():
        a, b = mine.get(column), theirs.get(column)
        if isinstance(a, dict) and isinstance(b, dict):
            form = ALL_FORMS.get(str(mine.get("form_key") or theirs.get("form_key")
                                     or item.table))
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    label = _label(form, key)
                    left.append(f"{label}: {_shown(a.get(key))}")
                    right.append(f"{label}: {_shown(b.get(key))}")
        else:
            left.append(f"{column}: {_shown(a)}")
            right.append(f"{column}: {_shown(b)}")
    if item.local is None:
        left = ["(not on this laptop)"]
    if item.server is None:
        right = ["(not on the server)"]
    return "\n".join(left), "\n".join(right)


def _label(form: Any, key: str) -> str:
    """A form's answer as its form names it (the key when the form does not know it)."""
    try:
        return str(form.field(key).label) if form is not None else key
    except KeyError:
        return key


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class SyncControl(QObject):
    """The window's sync: status bar, menu, timer and the background job."""

    synced = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.job: Job | None = None
        self.error = ""
        self.progress = ""
        self.report: SyncReport | None = None
        self.label = QLabel()
        self.label.setObjectName("sync_status")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.button = QToolButton()
        self.button.setObjectName("sync_now")
        self.now_action = QAction("Sync &now", window)
        self.now_action.setShortcut(QKeySequence("F9"))
        self.now_action.setStatusTip("Send this laptop's changes and take the server's")
        self.now_action.triggered.connect(lambda _checked=False: self.sync_now())
        self.status_action = QAction("Sync &status…", window)
        self.status_action.triggered.connect(lambda _checked=False: self.open_status())
        self.button.setDefaultAction(self.now_action)
        window.statusBar().addPermanentWidget(self.label)
        window.statusBar().addPermanentWidget(self.button)
        menu = window.menuBar().addMenu("S&ync")
        menu.addAction(self.now_action)
        menu.addAction(self.status_action)
        actions = window.menuBar().actions()
        if len(actions) > 1:  # before Help, which stays last
            window.menuBar().insertAction(actions[-2], menu.menuAction())
        self.timer = QTimer(self)
        self.timer.setInterval(SYNC_EVERY_MS)
        self.timer.timeout.connect(self.sync_now)
        self.timer.start()
        self.show_status()
        self.sync_now()  # on start (in the background)

    def show_status(self) -> None:
        try:
            standing = read_standing(self.window)
        except SupervisionAuditError as exc:
            self.label.setText(f"Sync: {exc}")
            return
        self.label.setText(status_text(standing, self.progress, self.error))
        self.label.setToolTip(status_tip(standing))

    def sync_now(self) -> None:
        if self.job is not None:
            return
        store, username = self.window.store, self.window.actor.username
        self.progress = "Syncing…"
        self.now_action.setEnabled(False)
        self.show_status()

        def work(context: Any) -> SyncReport | Wiped:
            try:
                return sync_store(store, username, None,
                                  progress=lambda text: context.progress(0, 0, text))
            except AccountClosed as exc:  # the replica is gone: the window must not stay
                return Wiped(str(exc))

        self.job = run_in_background(work)
        self.job.progress.connect(self._on_progress)
        self.job.finished.connect(self._on_done)
        self.job.failed.connect(self._on_failed)

    def _on_progress(self, _done: int, _total: int, what: str) -> None:
        self.progress = f"Syncing: {what}"
        self.show_status()

    def _end(self) -> None:
        self.job = None
        self.progress = ""
        self.now_action.setEnabled(True)
        self.show_status()
        self.synced.emit()

    def _on_done(self, report: object) -> None:
        if isinstance(report, Wiped):
            self._on_wiped(report.text)
            return
        self.report = report if isinstance(report, SyncReport) else None
        self.error = ""
        self._end()
        if self.report is not None and (self.report.rows or self.report.deleted
                                        or self.report.refused):
            self.window.refresh()

    def _on_failed(self, message: str) -> None:
        self.error = message
        self._end()

    def _on_wiped(self, text: str) -> None:
        """The account was closed and its replica wiped: no more syncs, nothing more read
        from the store; the window says so and closes."""
        self.job = None
        self.timer.stop()
        self.now_action.setEnabled(False)
        self.status_action.setEnabled(False)
        self.error = text
        self.label.setText('<span style="color:#b00020">Replica wiped: '
                           f'{escape(text.split(". ")[0])}</span>')
        self.window.close_wiped_store(text)

    def open_status(self) -> SyncStatusDialog:
        dialog = SyncStatusDialog(self)
        self.window.dialog = dialog
        dialog.show()
        return dialog


class SyncStatusDialog(QDialog):
    """Where the replica stands, and each change the server did not take, side by side."""

    def __init__(self, control: SyncControl) -> None:
        super().__init__(control.window)
        self.control = control
        self.setWindowTitle("Sync with the organisation's server")
        self.setObjectName("sync_status_dialog")
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        facts = QFormLayout()
        self.server = QLabel()
        self.last = QLabel()
        self.waiting = QLabel()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        for label, widget in (("Server", self.server), ("Last synced", self.last),
                              ("Waiting to go", self.waiting), ("Last attempt", self.problem)):
            facts.addRow(label, widget)
        layout.addLayout(facts)
        layout.addWidget(QLabel("Changes the server did not take (kept on this laptop):"))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("kept_changes")
        self.table.setHorizontalHeaderLabels(["What", "Why", "Reason"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.table, 1)
        grid = QGridLayout()
        self.mine = QPlainTextEdit(readOnly=True, objectName="laptop_version")
        self.theirs = QPlainTextEdit(readOnly=True, objectName="server_version")
        grid.addWidget(QLabel("On this laptop"), 0, 0)
        grid.addWidget(QLabel("On the server (what this laptop now holds)"), 0, 1)
        grid.addWidget(self.mine, 1, 0)
        grid.addWidget(self.theirs, 1, 1)
        layout.addLayout(grid, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sync_button = QPushButton("Sync now", objectName="sync_now_button")
        self.open_button = QPushButton("Open the record", objectName="open_kept")
        self.mine_button = QPushButton("Take this laptop's version", objectName="take_mine")
        self.aside_button = QPushButton("Set aside", objectName="set_aside")
        for button in (self.sync_button, self.open_button, self.mine_button, self.aside_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.sync_button.clicked.connect(control.sync_now)
        self.open_button.clicked.connect(self._open)
        self.mine_button.clicked.connect(self._take_mine)
        self.aside_button.clicked.connect(self._set_aside)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.message = QLabel(objectName="sync_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.kept: list[Kept] = []
        control.synced.connect(self.fill)
        self.fill()

    def fill(self) -> None:
        standing = read_standing(self.control.window)
        self.server.setText(standing.state.server)
        self.last.setText(when(standing.state.last_synced_at))
        self.waiting.setText(plural(standing.waiting, "change"))
        self.problem.setText(self.control.error or standing.state.last_error or "—")
        self.kept = standing.kept
        self.table.setRowCount(len(self.kept))
        for row, item in enumerate(self.kept):
            for column, text in enumerate((what_of(item), item.what, item.reason)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self._chosen()

    def chosen(self) -> Kept | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.kept[rows.pop()] if len(rows) == 1 else None

    def _chosen(self) -> None:
        item = self.chosen()
        left, right = side_by_side(item) if item is not None else ("", "")
        self.mine.setPlainText(left)
        self.theirs.setPlainText(right)
        self.open_button.setEnabled(item is not None and item.table == "supervision_record"
                                    and item.server is not None)
        self.mine_button.setEnabled(item is not None and item.local is not None
                                    and item.kind in ("conflict", "refused"))
        self.aside_button.setEnabled(item is not None)

    def _open(self) -> None:
        item = self.chosen()
        if item is not None:
            self.control.window.open_record_file(uuid.UUID(item.key))

    def _act(self, work: Any, done: str) -> None:
        item = self.chosen()
        if item is None:
            return
        try:
            with self.control.window.store.write() as session:
                work(session, item.id)
        except (SupervisionAuditError, SQLAlchemyError) as exc:  # shown; nothing lost
            self.message.setText(f"Not done: {exc}")
            return
        self.message.setText(done)
        self.fill()
        self.control.show_status()

    def _take_mine(self) -> None:
        self._act(take_mine, "This laptop's version is written again; it goes to the server "
                             "at the next sync.")

    def _set_aside(self) -> None:
        self._act(dismiss, "Set aside.")


def install_sync(window: MainWindow) -> SyncControl | None:
    """The window's sync, if its store is a replica (None for a standalone store)."""
    with window.store.read() as session:
        if not is_replica(session.connection()):
            return None
    return SyncControl(window)

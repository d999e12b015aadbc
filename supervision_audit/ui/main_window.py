"""The main window: the staff list on the left, the chosen person's supervision file on the
right, menus and a tool bar for what can be done. Pages and dialogs live in their own modules;
this one wires them to the store."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME, __version__
from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Action, Actor, permitted
from supervision_audit.services.accounts import Vault
from supervision_audit.services.capabilities import capabilities
from supervision_audit.services.contracts import get_contract, latest_contract
from supervision_audit.services.my_supervision import waiting_for
from supervision_audit.services.signin import OpenStore
from supervision_audit.services.staff import get_staff, list_staff, list_teams
from supervision_audit.ui.admin.backup_ui import AutoBackup
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.icons import icon
from supervision_audit.ui.common.messages import reports_errors
from supervision_audit.ui.common.window_state import app_settings, last_folder, remember_folder
from supervision_audit.ui.common.workers import stop_all
from supervision_audit.ui.dashboard.dashboard_page import DashboardPage
from supervision_audit.ui.dashboard.waiting_panel import WaitingPanel
from supervision_audit.ui.file.contract_dialog import ContractDialog
from supervision_audit.ui.file.export_pdf import export_contract, suggested_file_name
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.file.file_view import FileView
from supervision_audit.ui.file.section_panels import build_panels
from supervision_audit.ui.records.records_panel import RecordsPanel
from supervision_audit.ui.signin.idle_lock import IdleLock, idle_minutes
from supervision_audit.ui.staff.import_dialog import ImportDialog
from supervision_audit.ui.staff.leaver_dialog import LeaverDialog
from supervision_audit.ui.staff.staff_dialog import StaffDialog
from supervision_audit.ui.staff.staff_page import StaffPage
from supervision_audit.ui.window.pane_navigation import install_pane_navigation
from supervision_audit.ui.window.screen_fit import ScreenFit, page_scroll
from supervision_audit.ui.window.seal_notice import SealNotice
from supervision_audit.ui.window.sync_panel import install_sync
from supervision_audit.ui.window.window_roles import RolesMixin, hidden_sections, role_actions
from supervision_audit.ui.window.window_tools import PRELOAD_AFTER_MS, ToolsMixin


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def status_text(file_name: str, active: int, total: int, teams: int) -> str:
    """The status bar's summary: the database file and what it holds."""
    people = _plural(active, "active person", "active people")
    if total > active:
        people += f" ({total - active} left)"
    return f"{file_name}  ·  {people}  ·  {_plural(teams, 'team', 'teams')}"


class MainWindow(RolesMixin, ToolsMixin, QMainWindow):
    """The window of one signed-in person (``actor``) over an open store. It locks after
    ``idle_lock_ms`` without input (default: the organisation's setting) and backs the
    store up on a timer and when it closes. ``sign_in_again`` is set when the session ended
    by signing out or by a restore, so that the app asks for a sign-in again."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, *,
                 idle_lock_ms: int | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.opened = OpenStore(store, actor, Vault(store.path, store.key, store))
        self.sign_in_again = False
        self._closed = False
        self.dialog: QDialog | None = None  # the dialog opened last (tests drive it)
        self.manages_staff = False  # may add, edit and import staff (decided in refresh)
        with store.read() as session:
            self.caps = capabilities(session, actor)  # what this person can ever do
        self.setObjectName("main_window")
        self.setWindowTitle(f"{APP_NAME} – {store.path.name} – {actor.name}")
        self.setWindowIcon(icon("app"))
        self.staff_page = StaffPage()
        self.file_view = FileView()
        self.file_view.install_panels(build_panels(store, actor, self.file_view))
        records_panel = self.file_view.panels.get(2)
        self.records_panel = records_panel if isinstance(records_panel, RecordsPanel) else None
        if self.records_panel is not None:
            self.records_panel.changed.connect(self.show_current)  # a record completes
        self.waiting = WaitingPanel()  # a supervisee's home: what waits, above the file
        self.waiting.sign_record.connect(self.sign_record)
        self.waiting.sign_contract.connect(self.sign_contract)
        self.waiting.open_record.connect(self.open_record_file)
        self.waiting.open_contract.connect(self.open_contract)
        file_side = QWidget()
        file_column = QVBoxLayout(file_side)
        file_column.setContentsMargins(0, 0, 0, 0)
        file_column.addWidget(self.waiting)
        file_column.addWidget(self.file_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.staff_page)
        self.splitter.addWidget(file_side)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.pages = QTabWidget()
        self.pages.setObjectName("main_pages")
        self.pages.setDocumentMode(True)
        self.pages.tabBar().setAutoHide(True)  # one page: no tab to choose
        self.dashboard: DashboardPage | None = None
        if self.caps.reads_others:  # the lists and figures of the files below
            self.dashboard = DashboardPage(
                store, actor, self, show_reminders=not actor.is_system,
                hide=hidden_sections(self.caps), audits=self.caps.audits)
            self.dashboard.open_person.connect(self.open_person)
            self.dashboard.open_record.connect(self.open_record_file)
            self.dashboard.sign_record.connect(self.sign_record)
            self.dashboard.refreshed.connect(lambda: self.screen_fit.timer.start())
            self.pages.addTab(self.dashboard, "Dashboard")
        own = self.caps.supervisee_only
        self.pages.addTab(self.splitter, "My supervision" if own else "Staff and files")
        self.staff_page.setVisible(not own)
        self.waiting.setVisible(own)
        self.seal_notice = SealNotice(store, actor)  # exports unsealed: said before
        self.seal_notice.dialog_opened.connect(lambda dialog: setattr(self, "dialog", dialog))
        central = QWidget()
        central_column = QVBoxLayout(central)
        central_column.setContentsMargins(0, 0, 0, 0)
        central_column.setSpacing(0)
        central_column.addWidget(self.seal_notice)
        self.page_scroll = page_scroll(self.pages)  # a small screen scrolls the pages
        central_column.addWidget(self.page_scroll, 1)
        self.screen_fit = ScreenFit(self, self.page_scroll)  # and stacks their panes
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_counts")
        self.statusBar().addPermanentWidget(self.status_label)
        self._make_actions()
        self._make_menus()
        self.apply_capabilities()
        self.hide_empty_menus()
        self.make_role_toolbars()
        self.auto_backup = AutoBackup(store, self)
        self.auto_backup.reported.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.idle_lock: IdleLock | None = None
        if not actor.is_system:  # the app itself has no password to ask, nor a session
            self.auto_backup.start()
            ms = idle_minutes(store) * 60_000 if idle_lock_ms is None else idle_lock_ms
            self.idle_lock = IdleLock(self, self.opened, ms)
            self.idle_lock.sign_out_requested.connect(self.sign_out)
            self.idle_lock.start()

        self.staff_page.current_changed.connect(lambda _id: self.show_current())
        self.staff_page.show_left.toggled.connect(self.show_left_action.setChecked)
        self.show_left_action.toggled.connect(self.staff_page.show_left.setChecked)
        panel = self.file_view.contract
        panel.open_requested.connect(self.open_contract)
        panel.new_requested.connect(self.new_contract)
        panel.export_requested.connect(self.export_contract)
        panel.sign_requested.connect(self.sign_contract)
        panel.print_requested.connect(self.print_contract)
        self._fit_screen()
        self.refresh()
        self.watch_store_check()
        self.preload_timer = QTimer(self, singleShot=True, interval=PRELOAD_AFTER_MS)
        self.preload_timer.timeout.connect(self.preload_heavy_modules)
        self.preload_timer.start()
        self.restore_state()
        self._record_chosen(None)  # a record tool bar left shown last time waits for a record
        self.panes = install_pane_navigation(self)  # F6, and Enter on a person, into the file
        self.sync_control = install_sync(self)  # a laptop's replica: sync with the server

    # -- building ---------------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], Any], shortcut: QKeySequence | str = "",
                icon_name: str = "", tip: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _make_actions(self) -> None:
        a = self._action
        self.import_action = a("&Import staff…", self.import_staff, "Ctrl+I", "import",
                               "Add or update staff from a spreadsheet (.xlsx or .csv)")
        self.export_action = a("&Export contract PDF…", self.export_current_contract, "Ctrl+E",
                               "export-pdf", "Save the current supervision contract as a PDF")
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        self.new_person_action = a("&New person…", self.new_person, "Ctrl+N", "person-add",
                                   "Add a member of staff")
        self.edit_person_action = a("&Edit person…", self.edit_person, "Ctrl+Shift+E",
                                    "person-edit", "Edit the chosen person's details")
        self.mark_left_action = a("&Mark as left…", self.mark_left, "", "person-left",
                                  "Record that the chosen person has left")
        self.new_contract_action = a("New &contract…", self.new_contract, "", "contract",
                                     "Draft a new supervision contract for the chosen person")
        self.find_action = a("&Find person", self.staff_page.focus_search, "Ctrl+F", "",
                             "Search the staff list by name")
        self.refresh_action = a("&Refresh", self.refresh, QKeySequence.StandardKey.Refresh)
        self.show_left_action = QAction("Show people who have &left", self)
        self.show_left_action.setCheckable(True)
        self.about_action = a(f"&About {APP_NAME}", self.about)
        self.make_tool_actions()
        role_actions(self)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.make_role_menus(bar)
        self.make_tool_menus(bar)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _fit_screen(self) -> None:
        """A first size that fits the screen (1280×800 where there is room), the staff
        list taking two fifths of it; a size remembered from last time replaces this."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        width = min(1280, area.width()) if area else 1280
        height = min(800, area.height() - 40) if area else 800
        self.resize(width, height)
        self.splitter.setSizes([width * 2 // 5, width - width * 2 // 5])

    # -- showing ----------------------------------------------------------------------
    @reports_errors("Could not read the staff list")
    def refresh(self, select: uuid.UUID | None = None) -> None:
        if select is None and self.caps.supervisee_only:
            select = self.actor.staff_id  # their home is their own file
        with self.store.read() as session:
            rows = list_staff(session, self.actor, include_left=True)
            self.manages_staff = permitted(session, self.actor, Action.MANAGE_STAFF)
            # every team for those who manage staff; others see the teams of those listed
            teams = [t.name for t in list_teams(session)] if self.manages_staff else \
                sorted({r.team for r in rows if r.team})
        for action in (self.new_person_action, self.import_action):
            action.setEnabled(self.manages_staff)
        self.staff_page.set_rows(rows, teams)
        if select is not None and not self.staff_page.select(select):
            self.staff_page.show_left.setChecked(True)  # the person has left: show leavers
            self.staff_page.select(select)
        self.show_current()
        self.status_label.setText(
            f"{self.store.path.name}  ·  signed in as {self.actor.name}"  # her list is herself
            if self.caps.supervisee_only else
            status_text(self.store.path.name, sum(r.active for r in rows), len(rows),
                        len(teams)))
        self.status_label.setToolTip(str(self.store.path))

    @reports_errors("Could not open the supervision file")
    def show_current(self) -> None:
        staff_uuid = self.staff_page.selected_id()
        file = None
        if staff_uuid is not None:
            with self.store.read() as session:
                file = load_file(session, self.actor, staff_uuid)
        self.file_view.show_file(file)
        self.screen_fit.timer.start()  # a wider file (an ASYE year) may not fit beside
        if self.waiting.isVisibleTo(self) or self.caps.supervisee_only:
            with self.store.read() as session:
                self.waiting.show_waiting(waiting_for(session, self.actor))
        manages = file is not None and self.manages_staff
        self.edit_person_action.setEnabled(manages)
        self.mark_left_action.setEnabled(manages and file is not None and file.active)
        self.new_contract_action.setEnabled(file is not None and file.may_write)
        self.export_action.setEnabled(file is not None and file.contract is not None
                                      and file.contract.current is not None)

    def open_person(self, staff_uuid: uuid.UUID) -> None:
        """Show a person's file (from the dashboard or a reminder)."""
        self.pages.setCurrentWidget(self.splitter)
        self.refresh(select=staff_uuid)
        self.file_view.scroll.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_record_file(self, record_id: uuid.UUID) -> None:
        """Show the file a record belongs to, at its section of the folder."""
        from supervision_audit.services.records import get_record

        with self.store.read() as session:
            record = get_record(session, record_id)
        if record.supervisee_id is not None:
            self.open_person(record.supervisee_id)
            self.file_view.show_section(2)
        self.opened_record = record_id
        from supervision_audit.ui.records.record_opening import open_record_dialog

        dialog = open_record_dialog(self.store, self.actor, record_id, self)
        self._open_dialog(dialog, self.show_current)

    def _open_dialog(self, dialog: QDialog, on_accept: Callable[[], Any]) -> QDialog:
        """Show a window-modal dialog without blocking; ``on_accept`` runs if it is accepted."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accept)
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- staff ------------------------------------------------------------------------
    @reports_errors("New person")
    def new_person(self) -> None:
        dialog = StaffDialog(self.store, self.actor, None, self)
        self._open_dialog(dialog, lambda: self._saved_person(dialog.saved_id, "Added"))

    @reports_errors("Edit person")
    def edit_person(self) -> None:
        staff_uuid = self.staff_page.selected_id()
        if staff_uuid is None:
            return
        dialog = StaffDialog(self.store, self.actor, staff_uuid, self)
        self._open_dialog(dialog, lambda: self._saved_person(dialog.saved_id, "Saved"))

    def _saved_person(self, staff_uuid: uuid.UUID | None, verb: str) -> None:
        self.refresh(select=staff_uuid)
        file = self.file_view.file
        if file is not None:
            self.statusBar().showMessage(f"{verb} {file.name}.", 5000)

    @reports_errors("Mark as left")
    def mark_left(self) -> None:
        staff_uuid = self.staff_page.selected_id()
        if staff_uuid is None:
            return
        dialog = LeaverDialog(self.store, self.actor, staff_uuid, self)
        self._open_dialog(dialog, lambda: self.refresh(select=staff_uuid))

    @reports_errors("Import staff")
    def import_staff(self) -> None:
        dialog = ImportDialog(self._run_import, last_folder("import"), self,
                              preview=self._preview_import)
        dialog.finished.connect(lambda _code: self._imported(dialog))
        self._open_dialog(dialog, lambda: None)

    def _preview_import(self, path: Path) -> Any:
        from supervision_audit.services.staff_import_preview import preview_staff_import

        with self.store.read() as session:
            return preview_staff_import(session, self.actor, path)

    def _run_import(self, path: Path) -> Any:
        from supervision_audit.services.staff_import import import_staff

        with self.store.write() as session:
            result = import_staff(session, self.actor, path)
        remember_folder("import", str(path.parent))
        return result

    def _imported(self, dialog: ImportDialog) -> None:
        result = dialog.result
        if result is not None:
            self.refresh(select=self.staff_page.selected_id())
            self.statusBar().showMessage(
                f"Imported staff: {result.created} added, {result.updated} updated.", 8000)

    # -- contracts --------------------------------------------------------------------
    @reports_errors("New contract")
    def new_contract(self) -> None:
        staff_uuid = self.staff_page.selected_id()
        if staff_uuid is None:
            return
        dialog = ContractDialog(self.store, self.actor, staff_uuid, None, self)
        self._open_dialog(dialog, lambda: self._contract_saved(staff_uuid))

    @reports_errors("Open contract")
    def open_contract(self, contract_id: uuid.UUID) -> None:
        staff_uuid = self.staff_page.selected_id()
        if staff_uuid is None:
            return
        dialog = ContractDialog(self.store, self.actor, staff_uuid, contract_id, self)
        self._open_dialog(dialog, lambda: self._contract_saved(staff_uuid))

    def _contract_saved(self, staff_uuid: uuid.UUID) -> None:
        self.show_current()
        self.statusBar().showMessage("Supervision contract saved.", 5000)

    @reports_errors("Export contract PDF")
    def export_current_contract(self) -> None:
        staff_uuid = self.staff_page.selected_id()
        if staff_uuid is None:
            return
        with self.store.read() as session:
            contract = latest_contract(session, staff_uuid)
            contract_id = contract.id if contract else None
        if contract_id is None:
            messages.show_info(self, "Export contract PDF",
                               "This person has no supervision contract yet.")
            return
        self.export_contract(contract_id)

    @reports_errors("Export contract PDF")
    def export_contract(self, contract_id: uuid.UUID) -> Path | None:
        with self.store.read() as session:
            contract = get_contract(session, contract_id)
            name = get_staff(session, contract.supervisee_id).name
            file_name = suggested_file_name(name, contract.version)
        written = export_contract(self, self.store, self.actor, contract_id, file_name)
        if written is not None:
            self.statusBar().showMessage(f"Saved {written}", 8000)
        return written

    def sign_contract(self, contract_id: uuid.UUID) -> None:
        from supervision_audit.ui.records.sign_dialog import SignDialog

        try:
            dialog = SignDialog(self.store, self.actor, "contract", contract_id, self)
        except SupervisionAuditError as exc:
            messages.show_error(self, "Sign the contract", str(exc))
            return
        self._open_dialog(dialog, self.show_current)

    @reports_errors("Could not print the contract")
    def print_contract(self, contract_id: uuid.UUID) -> bool:
        """Print preview of the contract's PDF (the same document as the export); logged."""
        from supervision_audit.ui.printing.print_actions import print_contract

        with self.store.read() as session:
            supervisee_id = get_contract(session, contract_id).supervisee_id
        return print_contract(self, self.store, self.actor, contract_id, supervisee_id)

    # -- help -------------------------------------------------------------------------
    def about(self) -> None:
        messages.about(self, f"About {APP_NAME}", (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Supervision records, contracts and supervision-file audits for social-work "
            "staff in children's services, following the organisation's supervision policy "
            "and the employer standards for social workers in England.</p>"
            f"<p>Database: {self.store.path}</p>"
            "<p>Text set in DejaVu Sans (free licence, see resources/fonts).</p>"))

    # -- window state -----------------------------------------------------------------
    def restore_state(self) -> None:
        settings = app_settings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = settings.value("main_window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)

    def save_state(self) -> None:
        settings = app_settings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.preload_timer.stop()
            self.save_state()
            if self.idle_lock is not None:
                self.idle_lock.stop()
            self.auto_backup.stop()
            stop_all()
            if not self.actor.is_system:
                self.auto_backup.run()
        super().closeEvent(event)

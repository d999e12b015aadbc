"""The main window's tools beyond the staff and their files: administration (accounts, the
access log, subject access, backups), the signed-in person's account (password, lock, sign
out) and reports (the monthly return, checking a PDF's seal)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMenuBar

from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Action, permitted
from supervision_audit.ui.admin.accounts_dialog import AccountsDialog
from supervision_audit.ui.admin.backup_ui import BackupsDialog
from supervision_audit.ui.common import messages
from supervision_audit.ui.reports.access_log_dialog import AccessLogDialog, SubjectAccessDialog
from supervision_audit.ui.signin.password_dialog import ChangePasswordDialog

# Loaded after the window is idle, never before it shows (see preload_heavy_modules).
HEAVY_MODULES = ("supervision_audit.exports.pdf", "supervision_audit.exports.xlsx",
                 "supervision_audit.sealing.signer", "pyhanko.sign", "pyhanko.sign.validation",
                 "pyhanko.pdf_utils.incremental_writer", "pypdfium2")
PRELOAD_AFTER_MS = 2000
CHECKING_MESSAGE = "Checking the database in the background; a save waits for it…"
WIPED_TITLE = "This laptop's replica was wiped"


class ToolsMixin:
    """Mixed into MainWindow, which provides store, actor, opened, auto_backup, idle_lock,
    _action and _open_dialog."""

    store: Any
    actor: Any
    opened: Any
    auto_backup: Any
    idle_lock: Any
    sign_in_again: bool

    def preload_heavy_modules(self) -> None:
        """Load the PDF, sealing and workbook libraries in the background once the window is
        idle, so that the first export does not hold up the window while they load (they are
        left out of start-up for the same reason)."""
        from supervision_audit.ui.common.workers import run_in_background

        def load(_ctx: object) -> None:
            for name in HEAVY_MODULES:
                importlib.import_module(name)

        self.preload_job = run_in_background(load, read_only=True)

    def watch_store_check(self) -> None:
        """A large store is checked whole in the background after sign-in (see
        ``Store.start_background_check``); say so at once if that check finds it damaged."""
        if not self.store.checked_in_background:
            return
        from supervision_audit.ui.common.workers import run_in_background

        store = self.store
        if store.checking:
            self.statusBar().showMessage(  # type: ignore[attr-defined]
                CHECKING_MESSAGE)
        self.store_check_job = run_in_background(lambda _ctx: store.wait_for_check(),
                                                  read_only=True)  # closing abandons it
        self.store_check_job.finished.connect(self._store_checked)

    def _store_checked(self, damage: object) -> None:
        self.store_damage = damage if isinstance(damage, str) else None
        if getattr(self, "_closed", False):
            return
        bar = self.statusBar()  # type: ignore[attr-defined]
        if self.store_damage is None:
            if bar.currentMessage() == CHECKING_MESSAGE:
                bar.showMessage("The database was checked: it is sound.", 5000)
            return
        self.statusBar().showMessage(  # type: ignore[attr-defined]
            "The database is damaged: nothing can be saved. Restore the latest good backup.")
        messages.show_critical(self, "The database is damaged",  # type: ignore[arg-type]
                               f"{self.store_damage}\n\nYou can still read and print; "
                               "nothing you change can be saved, and no backup is taken. "
                               "An administrator can restore the latest good backup "
                               "(Admin > Backups).")

    def make_tool_actions(self) -> None:
        a = self._action  # type: ignore[attr-defined]
        self.accounts_action = a("&Accounts…", self.open_accounts, "", "",
                                 "Who may sign in: new accounts, inspectors, password resets")
        self.access_log_action = a("Access &log…", self.open_access_log, "", "",
                                   "Who opened, exported or printed what, and when")
        self.subject_access_action = a("&Subject access export…", self.open_subject_access,
                                       "", "", "Everything held about one person")
        self.backups_action = a("&Backups…", self.open_backups, "", "",
                                "Backup folder and schedule; back up or restore")
        self.certificate_action = a("Signing &certificate…", self.open_certificate, "", "",
                                    "The certificate exported records are sealed with")
        self.migrate_monitoring_action = a(
            "Import &historical monitoring sheets…", self.import_historical_monitoring, "", "",
            "Bring in past monitoring sheets for anyone, in any team (the migration role)")
        with self.store.read() as session:  # administration: shown only to those who may
            for action, permission in ((self.accounts_action, Action.MANAGE_ACCOUNTS),
                                       (self.access_log_action, Action.VIEW_LOG),
                                       (self.subject_access_action, Action.SUBJECT_ACCESS),
                                       (self.backups_action, Action.MANAGE_BACKUPS),
                                       (self.certificate_action, Action.MANAGE_CERTIFICATE),
                                       (self.migrate_monitoring_action,
                                        Action.MIGRATE_MONITORING)):
                action.setVisible(permitted(session, self.actor, permission))
        self.change_password_action = a("&Change my password…", self.change_password)
        self.lock_action = a("&Lock now", self.lock, "Ctrl+L")
        self.sign_out_action = a("Sign &out", self.sign_out)
        self.monthly_return_action = a("&Monthly return…", self.open_monthly_return, "Ctrl+R",
                                       "", "Build the monthly supervision return workbook")
        self.verify_action = a("&Verify a PDF…", self.verify_pdf, "", "",
                               "Check who sealed a PDF, when, and whether it is intact")

    def make_tool_menus(self, bar: QMenuBar) -> None:
        reports = bar.addMenu("&Reports")
        reports.addActions([self.monthly_return_action,
                            self.audits_due_action,  # type: ignore[attr-defined]
                            self.programme_action,  # type: ignore[attr-defined]
                            self.verify_action])
        self.admin_menu = bar.addMenu("&Admin")
        self.admin_menu.addActions([self.accounts_action, self.access_log_action,
                                    self.subject_access_action])
        self.admin_menu.addSeparator()
        self.admin_menu.addActions([self.backups_action, self.certificate_action])
        self.admin_menu.addSeparator()
        self.admin_menu.addAction(self.migrate_monitoring_action)
        self.admin_menu.menuAction().setVisible(any(
            a.isVisible() for a in self.admin_menu.actions() if not a.isSeparator()))
        self.account_menu = bar.addMenu("A&ccount")
        self.account_menu.addActions([self.change_password_action, self.lock_action])
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.sign_out_action)
        self.account_menu.menuAction().setVisible(not self.actor.is_system)

    def open_certificate(self) -> None:
        from supervision_audit.ui.admin.certificate_dialog import CertificateDialog

        self._open_tool("Signing certificate",
                        lambda: CertificateDialog(self.store, self.actor, self))
        dialog = getattr(self, "dialog", None)
        if isinstance(dialog, CertificateDialog):  # a seal set up here ends the notice
            dialog.finished.connect(lambda _result: self.seal_notice.check())  # type: ignore[attr-defined]

    # -- reports ----------------------------------------------------------------------
    def open_monthly_return(self) -> None:
        from supervision_audit.ui.reports.monthly_return_dialog import MonthlyReturnDialog

        self._open_tool("Monthly return", lambda: MonthlyReturnDialog(self.store, self.actor,
                                                                       self))

    @staticmethod
    def choose_pdf_to_verify(parent: Any) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Verify a PDF", "", "PDF files (*.pdf)")
        return Path(name) if name else None

    def verify_pdf(self) -> None:
        """Check a PDF's seal and say plainly who sealed it, when, and whether it is intact."""
        from supervision_audit.services.seal_setup import verify

        path = self.choose_pdf_to_verify(self)
        if path is None:
            return
        with self.store.read() as session:
            report = verify(session, path)
        details = ""
        if report.sealed:
            when = f"{report.signed_at:%d/%m/%Y %H:%M}" if report.signed_at else "unknown"
            details = (f"<p>Sealed by: {report.signer}<br>Sealed at: {when}<br>"
                       f"Intact: {'yes' if report.intact else '<b>NO</b>'}<br>"
                       f"Covers the whole file: {'yes' if report.covers_whole_file else 'NO'}"
                       f"<br>The organisation's own certificate: "
                       f"{'yes' if report.trusted else '<b>NO</b>'}</p>")
        show = messages.show_info if report.genuine else messages.show_error
        show(self, "Verify a PDF", f"<p><b>{report.summary}</b></p>{details}<p>{path.name}</p>")

    # -- administration and account ---------------------------------------------------
    def open_accounts(self) -> None:
        self._open_tool("Accounts", lambda: AccountsDialog(self.store, self.actor,
                                                           self.opened.vault, self))

    def open_access_log(self) -> None:
        self._open_tool("Access log", lambda: AccessLogDialog(self.store, self.actor, self))

    def open_subject_access(self) -> None:
        self._open_tool("Subject access export",
                        lambda: SubjectAccessDialog(self.store, self.actor, self))

    def import_historical_monitoring(self) -> None:
        """The migration role: past monitoring sheets for anyone, then what came in."""
        from supervision_audit.ui.monitoring.migration_import import TITLE, ask_and_import

        try:
            dialog = ask_and_import(self.store, self.actor, self)  # type: ignore[arg-type]
        except SupervisionAuditError as exc:
            messages.show_error(self, TITLE, str(exc))  # type: ignore[arg-type]
            return
        if dialog is not None:
            self._open_dialog(dialog, lambda: None)  # type: ignore[attr-defined]

    def open_backups(self) -> None:
        self._open_tool("Backups", self._backups_dialog)

    def _backups_dialog(self) -> BackupsDialog:
        dialog = BackupsDialog(self.store, self.actor, self.auto_backup, self)
        dialog.restored.connect(self.sign_out)  # a restore ends the session
        return dialog

    def _open_tool(self, title: str, make: Callable[[], QDialog]) -> None:
        try:
            self._open_dialog(make(), lambda: None)
        except SupervisionAuditError as exc:
            messages.show_error(self, title, str(exc))

    def change_password(self) -> None:
        self._open_dialog(ChangePasswordDialog(self.opened, False, self), lambda: (
            self.statusBar().showMessage("Your password is changed.", 8000)))

    def lock(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock()

    def _close_dialogs(self) -> None:
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)

    def sign_out(self) -> None:
        """End the session (open dialogs close unsaved); the app asks for a sign-in again."""
        self.sign_in_again = True
        self._close_dialogs()
        self.close()

    def close_wiped_store(self, text: str) -> None:
        """The store was wiped under the window (its account closed, said by the server at a
        sync): nothing can read or write it any more. No backup is taken of it, no lock or
        timer touches it; open dialogs close, the person is told ``text``, and the window
        closes (no sign-in again: there is nothing left here to sign in to)."""
        self.auto_backup.enabled = False
        self.auto_backup.stop()
        if self.idle_lock is not None:
            self.idle_lock.stop()
        self._close_dialogs()
        messages.show_critical(self, WIPED_TITLE, text)
        self.sign_in_again = False
        self.close()


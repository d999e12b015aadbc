"""Administration as people use it: accounts, the access log and its export, subject access,
and backups (automatic on close, kept to N, failures in the status bar, restore)."""

from __future__ import annotations

import csv
import json
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from supervision_audit.errors import WrongKeyError
from supervision_audit.security.keyring import KdfParams
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import add_account
from supervision_audit.services.backups import SIDECARS, backup_name, list_backups, take_backup
from supervision_audit.services.signin import FirstRun, first_run, sign_in
from supervision_audit.services.staff import StaffInput, find_by_staff_id, list_staff, save_staff
from supervision_audit.ui.admin import accounts_dialog, backup_ui
from supervision_audit.ui.admin.accounts_dialog import AccountFormDialog, AccountsDialog
from supervision_audit.ui.admin.backup_ui import BackupsDialog, BackupSettings, save_backup_settings
from supervision_audit.ui.common import workers
from supervision_audit.ui.common.workers import in_session, run_in_background, running_jobs
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.reports import access_log_dialog
from supervision_audit.ui.reports.access_log_dialog import AccessLogDialog, SubjectAccessDialog
from supervision_audit.ui.signin.password_dialog import ResetPasswordDialog

PASSWORD = "correct horse battery staple"
STAFF = (  # staff id, name, team, role, supervisor
    ("S1", "Sam Head", "Leadership", "senior_manager", ""),
    ("M1", "Mia Manager", "Assessment", "team_manager", "S1"),
    ("P1", "Pat Worker", "Assessment", "practitioner", "M1"),
    ("P2", "Łucja Żak", "Assessment", "practitioner", "M1"),
    ("X9", "Ivy Inspector", "", "other", ""),
)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(autouse=True)
def backup_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    save_backup_settings(BackupSettings(folder, every_minutes=60))
    return folder


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """An encrypted store: ada administers; sam (senior manager) and pat (practitioner)."""
    path = tmp_path / "org.sqlite"
    opened, _key = first_run(path, FirstRun("Org", "Ada Lovelace", "A1", "ada", PASSWORD))
    with opened.store.write() as session:
        for staff_id, name, team, role, boss in STAFF:
            save_staff(session, SYSTEM_ACTOR, StaffInput(staff_id, name, team=team, role=role,
                                                         supervisor_staff_id=boss))
        for username, staff_id in (("sam", "S1"), ("pat", "P1")):
            add_account(session, opened.vault, find_by_staff_id(session, staff_id).id,
                        username, PASSWORD)
    opened.store.close()
    return path


@pytest.fixture
def window_of(org, qtbot):  # type: ignore[no-untyped-def]
    def make(username: str) -> MainWindow:
        opened = sign_in(org, username, PASSWORD)
        window = MainWindow(opened.store, opened.actor, idle_lock_ms=10 * 60_000)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


def _staff_ids(path: Path) -> set[str]:
    opened = sign_in(path, "ada", PASSWORD)
    with opened.store.read() as session:
        ids = {row.staff_id for row in list_staff(session, SYSTEM_ACTOR, include_left=True)}
    opened.store.close()
    return ids


# -- who sees what -----------------------------------------------------------------------
def test_the_admin_menu_follows_what_each_person_may_do(window_of) -> None:
    ada, sam, pat = window_of("ada"), window_of("sam"), window_of("pat")
    assert ada.admin_menu.menuAction().isVisible()
    assert all(a.isVisible() for a in (ada.accounts_action, ada.access_log_action,
                                       ada.subject_access_action, ada.backups_action))
    assert sam.admin_menu.menuAction().isVisible() and sam.access_log_action.isVisible()
    assert not any(a.isVisible() for a in (sam.accounts_action, sam.subject_access_action,
                                           sam.backups_action))
    assert not pat.admin_menu.menuAction().isVisible()
    assert not pat.access_log_action.isVisible()
    for window in (ada, sam, pat):
        assert window.account_menu.menuAction().isVisible()
        assert window.change_password_action.isVisible()


# -- accounts ----------------------------------------------------------------------------
def test_an_administrator_creates_an_account_that_signs_in(window_of, org, qtbot) -> None:
    window = window_of("ada")
    window.accounts_action.trigger()
    accounts = window.dialog
    assert isinstance(accounts, AccountsDialog)
    assert [r[0] for r in accounts.rows] == ["ada", "pat", "sam"]
    qtbot.mouseClick(accounts.new_button, Qt.MouseButton.LeftButton)
    form = accounts.dialog
    assert isinstance(form, AccountFormDialog)
    form.person.setCurrentIndex(form.person.findText("Łucja Żak (P2)"))
    assert form.username.text() == "lzak"  # suggested from the name
    form.passwords.password.setText("short")
    form.passwords.repeat.setText("short")
    assert not form.save() and "at least 10" in form.passwords.password_problem.text()
    form.passwords.password.setText("lucja's own sentence")
    form.passwords.repeat.setText("lucja's own sentence")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert "lzak" in [r[0] for r in accounts.rows] and accounts.selected()[0] == "lzak"
    opened = sign_in(org, "lzak", "lucja's own sentence")
    assert opened.actor.name == "Łucja Żak"
    opened.store.close()


def test_a_taken_user_name_is_said_beside_the_field(window_of, qtbot) -> None:
    window = window_of("ada")
    window.accounts_action.trigger()
    form = window.dialog.new_account()
    form.username.setText("pat")
    form.passwords.password.setText(PASSWORD)
    form.passwords.repeat.setText(PASSWORD)
    assert not form.save()
    assert form.problems["username"].text() == "The user name 'pat' is taken"


def test_reset_password_and_close_account(window_of, org, qtbot, monkeypatch) -> None:
    window = window_of("ada")
    window.accounts_action.trigger()
    accounts = window.dialog
    assert accounts.select("pat")
    qtbot.mouseClick(accounts.reset_button, Qt.MouseButton.LeftButton)
    reset = accounts.dialog
    assert isinstance(reset, ResetPasswordDialog)
    reset.fields.password.setText("temporary password 1")
    reset.fields.repeat.setText("temporary password 1")
    qtbot.mouseClick(reset.save_button, Qt.MouseButton.LeftButton)
    with pytest.raises(WrongKeyError):
        sign_in(org, "pat", PASSWORD)
    opened = sign_in(org, "pat", "temporary password 1")
    opened.store.close()

    asked: list[str] = []
    monkeypatch.setattr(accounts_dialog, "confirm_close",
                        lambda _p, user, person: asked.append(f"{user}/{person}") or True)
    qtbot.mouseClick(accounts.close_button, Qt.MouseButton.LeftButton)
    assert asked == ["pat/Pat Worker"]
    row = [r for r in accounts.rows if r[0] == "pat"][0]
    assert row[2] is False and not accounts.reset_button.isEnabled()
    with pytest.raises(WrongKeyError):
        sign_in(org, "pat", "temporary password 1")


def test_inspector_access_for_chosen_teams_until_a_date(window_of, org, qtbot) -> None:
    window = window_of("ada")
    window.accounts_action.trigger()
    accounts = window.dialog
    qtbot.mouseClick(accounts.inspector_button, Qt.MouseButton.LeftButton)
    form = accounts.dialog
    form.person.setCurrentIndex(form.person.findText("Ivy Inspector (X9)"))
    form.some.setChecked(True)
    team = form.teams.findItems("Assessment", Qt.MatchFlag.MatchExactly)[0]
    team.setCheckState(Qt.CheckState.Checked)
    form.until.line.setText("31/12/2099")
    form.passwords.password.setText("inspector sentence")
    form.passwords.repeat.setText("inspector sentence")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    row = next(i for i, r in enumerate(accounts.rows) if r[0] == "iinspector")
    assert accounts.table.item(row, 3).text() == "31/12/2099 (1 team(s))"
    inspector = sign_in(org, "iinspector", "inspector sentence")
    with inspector.store.read() as session:
        seen = {r.staff_id for r in list_staff(session, inspector.actor)}
    inspector.store.close()
    assert seen == {"M1", "P1", "P2"}


# -- the access log and subject access ---------------------------------------------------
def test_a_senior_manager_reads_and_exports_the_access_log(window_of, tmp_path,
                                                           monkeypatch, qtbot) -> None:
    window_of("pat")  # pat's sign-in is logged, about pat, who is below sam
    sam = window_of("sam")
    sam.access_log_action.trigger()
    log = sam.dialog
    assert isinstance(log, AccessLogDialog)
    assert any(r["who"] == "pat" and r["action"] == "sign_in" for r in log.rows)
    assert log.table.rowCount() == len(log.rows)
    out = tmp_path / "exports" / "log.csv"
    out.parent.mkdir()
    monkeypatch.setattr(access_log_dialog, "choose_export_path", lambda _p, _s: out)
    qtbot.mouseClick(log.export_button, Qt.MouseButton.LeftButton)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [{k: str(v) for k, v in r.items()} for r in log.rows]
    assert "saved to" in log.count.text()


def test_the_access_log_filters_by_person_and_says_a_bad_date(window_of) -> None:
    window = window_of("ada")
    window_of("pat")
    window.access_log_action.trigger()
    log = window.dialog
    log.person.setCurrentIndex(log.person.findData("P1"))
    assert log.load()
    assert log.rows and all(r["about"] == "Pat Worker (P1)" for r in log.rows)
    log.end.line.setText("31/02/2025")
    assert not log.load()
    assert "not a real date" in log.problem.text()


def test_subject_access_export_writes_the_pdf_and_json(window_of, tmp_path, qtbot) -> None:
    window = window_of("ada")
    window.subject_access_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, SubjectAccessDialog)
    dialog.person.setCurrentIndex(dialog.person.findData("P1"))
    dialog.folder.setText(str(tmp_path / "sar"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert sorted(p.suffix for p in dialog.written) == [".json", ".pdf"]
    data = json.loads((tmp_path / "sar" / "P1-subject-access.json").read_text("utf-8"))
    assert data["person"]["name"] == "Pat Worker"


# -- backups -----------------------------------------------------------------------------
def _backdate(backup: Path, org: Path, when: datetime) -> Path:
    """The backup as if taken at ``when`` (its name says when; its files go with it)."""
    moved = backup.with_name(backup_name(org, when))
    for beside in SIDECARS:
        if beside(backup).exists():
            beside(backup).rename(beside(moved))
    backup.rename(moved)
    return moved


def test_closing_the_window_keeps_one_backup_a_day(window_of, org, backup_folder) -> None:
    opened = sign_in(org, "ada", PASSWORD)
    last_week = _backdate(take_backup(opened.store, backup_folder), org,
                          datetime.now() - timedelta(days=8))
    today = [take_backup(opened.store, backup_folder, keep=99) for _ in range(3)]
    opened.store.close()
    window = window_of("pat")  # any signed-in user: the backup is the app's duty
    window.close()
    kept = list_backups(backup_folder, org)
    # today's closes leave one backup of today (the one on close), not four; last week's
    # stays as that week's
    assert len(kept) == 2 and last_week in kept and not set(today) & set(kept)
    assert window.statusBar().currentMessage().startswith("Backed up at ")
    assert str(backup_folder) in window.statusBar().currentMessage()  # and says where


def test_a_failed_automatic_backup_shows_in_the_status_bar(window_of, tmp_path,
                                                           message_log) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    save_backup_settings(BackupSettings(blocker / "backups", every_minutes=60))
    window = window_of("pat")
    assert window.auto_backup.timer.isActive()
    assert window.auto_backup.run() is None
    assert window.statusBar().currentMessage().startswith("Automatic backup failed")
    assert message_log.shown == []


def test_restoring_a_backup_brings_back_the_old_data(window_of, org, backup_folder, qtbot,
                                                     monkeypatch, message_log) -> None:
    window = window_of("ada")
    window.backups_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, BackupsDialog)
    assert dialog.folder.text() == str(backup_folder)
    assert "each of the last 7 days, 4 weeks and 12 months" in dialog.kept.text()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 1
    with window.store.write() as session:
        save_staff(session, SYSTEM_ACTOR, StaffInput("LATER", "Added After The Backup"))
    asked: list[str] = []
    monkeypatch.setattr(backup_ui, "confirm",
                        lambda _p, _t, text, _y, informative="": asked.append(informative)
                        or True)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "passed its checks (6 members of staff)" in asked[0]
    assert not window.isVisible() and window.sign_in_again
    assert message_log.kinds() == ["show_info"]
    assert list_backups(backup_folder, org) and len(list_backups(backup_folder, org)) == 1
    ids = _staff_ids(org)
    assert "P1" in ids and "LATER" not in ids
    assert list(org.parent.glob("org.before-restore-*.sqlite"))


def test_a_restore_stops_background_work_first_or_refuses(window_of, org, backup_folder,
                                                           qtbot, monkeypatch,
                                                           message_log) -> None:
    """A restore closes the store and swaps its file: work still reading or writing it in
    the background is cancelled first. Work that will not stop in time makes the restore
    refuse, saying so, with the store still open."""
    window = window_of("ada")
    window.backups_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, BackupsDialog)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    backup = list_backups(backup_folder, org)[0]
    monkeypatch.setattr(workers, "STOP_WAIT_MS", 300)

    started, release = threading.Event(), threading.Event()

    def ignores_cancel(_session, _context) -> None:  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)

    stubborn = run_in_background(in_session(window.store, ignores_cancel, write=False))
    qtbot.waitUntil(started.is_set, timeout=5000)
    assert not dialog.restore(backup)
    assert message_log.kinds() == ["show_error"]
    assert "did not stop in time. Nothing was restored" in message_log.texts()[0]
    with window.store.read() as session:  # still open
        assert find_by_staff_id(session, "P1") is not None
    release.set()
    qtbot.waitUntil(lambda: not stubborn.running, timeout=5000)

    message_log.shown.clear()
    stopped: list[bool] = []

    def polls(_session, context) -> None:  # type: ignore[no-untyped-def]
        while not context.cancelled():
            threading.Event().wait(0.01)

    polite = run_in_background(in_session(window.store, polls, write=False))
    polite.cancelled.connect(lambda: stopped.append(True))
    assert dialog.restore(backup)
    assert message_log.kinds() == ["show_info"]
    qtbot.waitUntil(lambda: stopped == [True] and running_jobs() == 0, timeout=5000)

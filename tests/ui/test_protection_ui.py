"""Protecting the data, as a person meets it: the first run and its recovery key, signing in
(wrong passwords, the recovery key, a damaged database), the forced password change, and the
idle lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from supervision_audit.errors import WrongKeyError
from supervision_audit.models import UserAccount
from supervision_audit.security.keyring import KdfParams
from supervision_audit.security.passwords import Costs
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import reset_password
from supervision_audit.services.backups import list_backups, take_backup
from supervision_audit.services.signin import FirstRun, first_run, is_encrypted, sign_in
from supervision_audit.services.staff import StaffInput, list_staff, save_staff
from supervision_audit.ui import app as app_module
from supervision_audit.ui.admin import backup_ui
from supervision_audit.ui.admin.backup_ui import BackupSettings, save_backup_settings
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.signin.first_run_dialog import FirstRunDialog, RecoveryKeyDialog
from supervision_audit.ui.signin.password_dialog import ChangePasswordDialog, RecoveryDialog
from supervision_audit.ui.signin.sign_in_dialog import SignInDialog
from supervision_audit.ui.staff.staff_dialog import StaffDialog

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new sentence"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(autouse=True)
def backup_folder(tmp_path: Path) -> Path:
    """Backups of every window closed in these tests go to the test's own folder."""
    folder = tmp_path / "backups"
    save_backup_settings(BackupSettings(folder, every_minutes=60))
    return folder


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, str]:
    """An encrypted store with its first administrator, ada; and its recovery key."""
    path = tmp_path / "org.sqlite"
    opened, key = first_run(path, FirstRun("Sandwell Children's Trust", "Ada Lovelace", "A1",
                                           "ada", PASSWORD))
    opened.store.close()
    assert key is not None
    return path, key


@pytest.fixture
def windows(qtbot, monkeypatch):
    """Main windows made by run_gui, kept for the test; the event loop does not block."""
    made: list[MainWindow] = []
    real = app_module.create_main_window

    def create(store, actor) -> MainWindow:
        window = real(store, actor)
        qtbot.addWidget(window)
        made.append(window)
        return window

    monkeypatch.setattr(app_module, "create_main_window", create)
    monkeypatch.setattr(QApplication, "exec", lambda *_args: 0)
    return made


def _fill_first_run(dialog: FirstRunDialog, password: str = PASSWORD,
                    repeat: str | None = None) -> None:
    dialog.organisation.setText("Sandwell Children's Trust")
    dialog.admin_name.setText("Ada Lovelace")
    dialog.staff_id.setText("A1")
    dialog.username.setText("ada")
    dialog.passwords.password.setText(password)
    dialog.passwords.repeat.setText(password if repeat is None else repeat)


# -- first run ---------------------------------------------------------------------------
def test_first_run_creates_an_encrypted_store_and_shows_the_key_once(
        tmp_path, qtbot, windows, monkeypatch, message_log) -> None:
    path = tmp_path / "new" / "org.sqlite"
    shown: list[str] = []

    def run_first(dialog: FirstRunDialog) -> int:
        qtbot.addWidget(dialog)
        assert dialog.encrypt.isChecked() and "recommended" in dialog.encrypt.text()
        _fill_first_run(dialog)
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    def run_key(dialog: RecoveryKeyDialog) -> int:
        qtbot.addWidget(dialog)
        shown.append(dialog.key)
        assert "not be shown again" in " ".join(
            label.text() for label in dialog.findChildren(type(dialog.key_label)))
        assert not dialog.continue_button.isEnabled()
        dialog.reject()  # Escape does not get past the key
        assert dialog.result() != QDialog.DialogCode.Accepted
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QApplication.clipboard().text() == dialog.key
        dialog.written.click()
        assert dialog.continue_button.isEnabled()
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(FirstRunDialog, "exec", run_first)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", run_key)
    assert app_module.run_gui(path, []) == 0
    assert message_log.shown == []
    assert len(shown) == 1 and len(shown[0].split("-")) == 13
    window = windows[0]
    assert window.actor.username == "ada" and window.actor.is_admin
    assert is_encrypted(path)
    with pytest.raises(sqlite3.DatabaseError):  # plain SQLite cannot read it
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    settings_text = "".join(p.read_text(errors="ignore") for p in tmp_path.rglob("*.ini"))
    assert shown[0] not in settings_text  # the key is kept nowhere
    window.close()


def test_cancelling_the_first_run_creates_nothing(tmp_path, windows, monkeypatch,
                                                  message_log) -> None:
    path = tmp_path / "none.sqlite"
    monkeypatch.setattr(FirstRunDialog, "exec", lambda dialog: dialog.reject() or 0)
    assert app_module.run_gui(path, []) == 1
    assert windows == [] and message_log.shown == []
    assert list(tmp_path.glob("none.sqlite*")) == []


def test_first_run_says_what_is_wrong_beside_the_fields(tmp_path, qtbot) -> None:
    path = tmp_path / "org.sqlite"
    dialog = FirstRunDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill_first_run(dialog, password="short")
    assert not dialog.create()
    assert "at least 10 characters" in dialog.passwords.password_problem.text()
    assert dialog.passwords.password_problem.isVisible()
    _fill_first_run(dialog, repeat="something else entirely")
    assert not dialog.create()
    assert dialog.passwords.repeat_problem.text() == "The two passwords are not the same."
    _fill_first_run(dialog)
    dialog.staff_id.clear()
    assert not dialog.create()
    assert dialog.problems["staff_id"].text() == "Staff id is required"
    assert not path.exists()
    _fill_first_run(dialog)
    dialog.encrypt.setChecked(False)
    assert dialog.create()
    assert dialog.recovery_key is None and not is_encrypted(path)
    dialog.opened.store.close()


# -- signing in --------------------------------------------------------------------------
def test_a_wrong_password_is_said_and_opens_nothing(encrypted, qtbot, windows, monkeypatch,
                                                    message_log) -> None:
    path, _key = encrypted
    said: list[str] = []

    def run(dialog: SignInDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.username.setText("ada")
        qtbot.keyClicks(dialog.password, "not the password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        said.append(dialog.problem.text())
        assert dialog.isVisible() and dialog.password.text() == ""
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(SignInDialog, "exec", run)
    assert app_module.run_gui(path, []) == 1
    assert said == ["The user name or password is not right."]
    assert windows == [] and message_log.shown == []


def test_the_recovery_key_sets_a_new_password_that_must_then_change(
        encrypted, qtbot, windows, monkeypatch, message_log) -> None:
    path, key = encrypted

    def recover(dialog: RecoveryDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.key.setText("AAAA-" + key[5:])  # a mistyped key is refused
        dialog.fields.password.setText(NEW_PASSWORD)
        dialog.fields.repeat.setText(NEW_PASSWORD)
        assert not dialog.save() and dialog.problem.text()
        dialog.key.setText(key.lower().replace("-", " "))
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    def sign_in_run(dialog: SignInDialog) -> int:
        qtbot.addWidget(dialog)
        assert dialog.forgot.isVisibleTo(dialog)
        dialog.username.setText("ada")
        dialog.forgot.linkActivated.emit("recover")
        assert "A new password is set for ada" in dialog.problem.text()
        dialog.password.setText(NEW_PASSWORD)
        dialog.try_sign_in()
        return dialog.result()

    changed: list[bool] = []

    def change(dialog: ChangePasswordDialog) -> int:
        qtbot.addWidget(dialog)
        changed.append(dialog.forced)
        dialog.fields.password.setText("my own private sentence")
        dialog.fields.repeat.setText("my own private sentence")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RecoveryDialog, "exec", recover)
    monkeypatch.setattr(SignInDialog, "exec", sign_in_run)
    monkeypatch.setattr(ChangePasswordDialog, "exec", change)
    assert app_module.run_gui(path, []) == 0
    assert changed == [True] and windows[0].actor.username == "ada"
    windows[0].close()
    with pytest.raises(WrongKeyError):
        sign_in(path, "ada", NEW_PASSWORD)
    again = sign_in(path, "ada", "my own private sentence")
    with again.store.read() as session:
        assert not session.get(UserAccount, again.actor.account_id).must_change_password
    again.store.close()


def test_a_reset_password_must_be_changed_before_the_window_opens(
        encrypted, qtbot, windows, monkeypatch) -> None:
    path, _key = encrypted
    opened = sign_in(path, "ada", PASSWORD)
    with opened.store.write() as session:
        reset_password(session, opened.actor, opened.vault, "ada", NEW_PASSWORD)
    opened.store.close()
    monkeypatch.setattr(SignInDialog, "ask", staticmethod(
        lambda db, _user="": sign_in(db, "ada", NEW_PASSWORD)))
    monkeypatch.setattr(ChangePasswordDialog, "ask", classmethod(lambda *_a, **_k: False))
    assert app_module.run_gui(path, []) == 1  # would not choose one: no window
    assert windows == []


# -- a damaged database ------------------------------------------------------------------
@pytest.fixture
def damaged(tmp_path: Path, backup_folder: Path) -> Path:
    """A plain store with a good backup in the backup folder, then scribbled over."""
    path = tmp_path / "plain.sqlite"
    opened, _ = first_run(path, FirstRun("Org", "Ada Lovelace", "A1", "ada", PASSWORD,
                                         encrypted=False))
    with opened.store.write() as session:
        for i in range(300):
            save_staff(session, SYSTEM_ACTOR, StaffInput(f"S{i}", f"Person {i} " + "x" * 185))
    take_backup(opened.store, backup_folder)
    opened.store.close()
    data = bytearray(path.read_bytes())
    for number in range(2, len(data) // 4096):  # scribble over the b-tree page headers
        for offset in range(number * 4096, number * 4096 + 12):
            data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return path


def _sign_in_as_ada(qtbot):  # type: ignore[no-untyped-def]
    def run(dialog: SignInDialog) -> int:
        qtbot.addWidget(dialog)
        dialog.username.setText("ada")
        dialog.password.setText(PASSWORD)
        dialog.try_sign_in()
        return dialog.result()
    return run


def test_a_damaged_store_offers_the_latest_backup(damaged, qtbot, windows, monkeypatch,
                                                  message_log) -> None:
    asked: list[str] = []
    monkeypatch.setattr(backup_ui, "confirm",
                        lambda _p, _title, text, _yes, informative="": asked.append(
                            text + informative) or True)
    monkeypatch.setattr(SignInDialog, "exec", _sign_in_as_ada(qtbot))
    assert app_module.run_gui(damaged, []) == 0
    assert "damaged" in asked[0] and "latest backup" in asked[0]
    assert message_log.kinds() == ["show_info"] and "is restored" in message_log.texts()[0]
    window = windows[0]
    assert window.actor.username == "ada"
    with window.store.read() as session:
        assert len(list_staff(session, SYSTEM_ACTOR)) == 301
    kept = list(damaged.parent.glob("plain.before-restore-*.sqlite"))
    assert len(kept) == 1  # the damaged file is kept, not deleted
    window.close()


def test_declining_the_backup_opens_nothing_and_changes_nothing(damaged, qtbot, windows,
                                                                monkeypatch,
                                                                message_log) -> None:
    before = damaged.read_bytes()
    monkeypatch.setattr(backup_ui, "confirm", lambda *_args, **_kw: False)
    monkeypatch.setattr(SignInDialog, "exec", _sign_in_as_ada(qtbot))
    assert app_module.run_gui(damaged, []) == 2
    assert windows == [] and message_log.shown == []
    assert damaged.read_bytes() == before


def test_a_damaged_store_without_backups_is_said_plainly(damaged, backup_folder, qtbot,
                                                         windows, monkeypatch,
                                                         message_log) -> None:
    for backup in list_backups(backup_folder, damaged):
        backup.unlink()
    monkeypatch.setattr(SignInDialog, "exec", _sign_in_as_ada(qtbot))
    assert app_module.run_gui(damaged, []) == 2
    assert windows == [] and message_log.kinds() == ["show_critical"]
    assert "damaged" in message_log.texts()[0] and "no backup" in message_log.texts()[0]


# -- the idle lock -----------------------------------------------------------------------
@pytest.fixture
def ada_window(encrypted, qtbot):  # type: ignore[no-untyped-def]
    def make(idle_ms: int) -> MainWindow:
        opened = sign_in(encrypted[0], "ada", PASSWORD)
        window = MainWindow(opened.store, opened.actor, idle_lock_ms=idle_ms)
        qtbot.addWidget(window)
        window.show()
        return window
    return make


def test_the_idle_lock_covers_everything_and_keeps_what_was_typed(ada_window, qtbot) -> None:
    window = ada_window(300)
    lock = window.idle_lock
    window.new_person_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, StaffDialog)
    dialog.name.setText("Half-typed Name")
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    assert {cover.host for cover in lock.covers} >= {window, dialog}
    assert all(cover.isVisible() for cover in lock.covers)
    assert "Ada Lovelace" in lock.dialog.who.text()
    assert lock.dialog.isModal()
    qtbot.keyClicks(lock.dialog.password, "wrong password")
    qtbot.mouseClick(lock.dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.locked and "stays locked" in lock.dialog.problem.text()
    lock.dialog.reject()  # Escape does not unlock either
    assert lock.locked
    qtbot.keyClicks(lock.dialog.password, PASSWORD)
    qtbot.keyClick(lock.dialog.password, Qt.Key.Key_Return)  # presses the default button
    qtbot.waitUntil(lambda: not lock.locked, timeout=2000)
    assert lock.covers == []
    assert dialog.isVisible() and dialog.name.text() == "Half-typed Name"
    lock.stop()
    dialog.done(0)


def test_a_window_deleted_while_locked_does_not_leave_the_lock_stuck(ada_window,
                                                                     qtbot) -> None:
    """A dialog that closes itself when its work ends (the monthly return, cancelled) may go
    while the lock is up, taking its cover with it: unlocking still takes every other cover
    away, and the lock works again afterwards."""
    window = ada_window(10 * 60_000)
    lock = window.idle_lock
    window.new_person_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, StaffDialog)
    lock.lock()
    assert {cover.host for cover in lock.covers} >= {window, dialog}
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=2000)
    qtbot.keyClicks(lock.dialog.password, PASSWORD)
    qtbot.mouseClick(lock.dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not lock.locked, timeout=2000)
    assert lock.covers == [] and lock.dialog is None
    qtbot.waitUntil(lambda: not [c for c in window.findChildren(QWidget, "lock_cover")
                                 if c.isVisible()], timeout=2000)
    lock.lock()
    assert lock.locked and lock.dialog is not None
    lock.stop()


def test_input_keeps_the_lock_away_and_sign_out_ends_the_session(ada_window, qtbot) -> None:
    window = ada_window(400)
    lock = window.idle_lock
    for _ in range(6):  # typing keeps restarting the idle time
        qtbot.keyClick(window.staff_page.search, Qt.Key.Key_A)
        qtbot.wait(120)
    assert not lock.locked
    lock.lock()
    qtbot.mouseClick(lock.dialog.sign_out_button, Qt.MouseButton.LeftButton)
    assert not window.isVisible() and window.sign_in_again
    assert not lock.locked and not lock.timer.isActive()


def test_signing_out_asks_for_a_sign_in_again(encrypted, qtbot, monkeypatch) -> None:
    path, _key = encrypted
    asked: list[str] = []
    shown: list[MainWindow] = []

    def ask(db, remembered=""):  # type: ignore[no-untyped-def]
        asked.append(remembered)
        return sign_in(db, "ada", PASSWORD) if len(asked) == 1 else None

    def run_window(*_args) -> int:  # type: ignore[no-untyped-def]
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        shown.append(window)  # (not given to qtbot to close: run_gui deletes it)
        window.sign_out_action.trigger()
        return 0

    monkeypatch.setattr(SignInDialog, "ask", staticmethod(ask))
    monkeypatch.setattr(QApplication, "exec", run_window)
    assert app_module.run_gui(path, []) == 1  # signed out, then cancelled the sign-in
    assert asked == ["", "ada"] and len(shown) == 1
    assert shown[0].sign_in_again
    # the signed-out window is gone, with what it held (kept alive by the lambdas its
    # widgets connect to, it would stay in memory with the old session's data)
    assert not shiboken6.isValid(shown[0])


def test_changing_my_own_password_asks_the_current_one(ada_window, encrypted, qtbot) -> None:
    window = ada_window(10 * 60_000)
    window.change_password_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.current is not None
    dialog.current.setText("not my password")
    dialog.fields.password.setText(NEW_PASSWORD)
    dialog.fields.repeat.setText(NEW_PASSWORD)
    assert not dialog.save()
    assert dialog.current_problem.text() == "That is not your current password."
    dialog.current.setText(PASSWORD)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert window.statusBar().currentMessage() == "Your password is changed."
    window.close()
    sign_in(encrypted[0], "ada", NEW_PASSWORD).store.close()


def test_a_large_store_found_damaged_after_sign_in_is_said_and_never_written(
        tmp_path: Path, qtbot, monkeypatch, message_log) -> None:
    from supervision_audit import db

    path = tmp_path / "large.sqlite"
    opened, _ = first_run(path, FirstRun("Org", "Ada Lovelace", "A1", "ada", PASSWORD,
                                         encrypted=False))
    with opened.store.write() as session:
        for i in range(30):
            save_staff(session, SYSTEM_ACTOR, StaffInput(f"S{i}", f"Person {i}"))
        # the last pages of the file hold what the window does not read when it opens (the
        # window reads every member of staff, so their pages must stay sound here)
        session.connection().exec_driver_sql("CREATE TABLE padding (data BLOB)")
        session.connection().exec_driver_sql("INSERT INTO padding VALUES (zeroblob(200000))")
    opened.store.close()
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    for number in range(pages - 3, pages):  # the last pages only: sign-in still reads
        for offset in range(number * 4096, number * 4096 + 12):
            data[offset] = 0xA5
    path.write_bytes(bytes(data))
    monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)  # as a store of hundreds of MiB is
    opened = sign_in(path, "ada", PASSWORD)  # opens at once; the check runs behind
    window = MainWindow(opened.store, opened.actor, idle_lock_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "show_critical" in message_log.kinds(), timeout=10_000)
    text = message_log.texts()[message_log.kinds().index("show_critical")]
    assert "damaged" in text and "nothing you change can be saved" in text
    assert "damaged" in window.statusBar().currentMessage()
    before = path.read_bytes()
    window.close()  # closing takes no backup of a damaged store and writes nothing
    assert path.read_bytes() == before


def test_the_window_says_while_a_large_store_is_checked_and_when_it_is_sound(
        tmp_path: Path, qtbot, monkeypatch, message_log) -> None:
    import time as clock

    from supervision_audit import check_memo, db
    from supervision_audit.ui.window.window_tools import CHECKING_MESSAGE

    path = tmp_path / "large.sqlite"
    opened, _ = first_run(path, FirstRun("Org", "Ada Lovelace", "A1", "ada", PASSWORD,
                                         encrypted=False))
    opened.store.close()
    check_memo.forget(path)  # changed since the app last checked it, as far as it knows
    monkeypatch.setattr(db, "INLINE_CHECK_BYTES", 0)
    real = db.integrity_problem

    def slow(conn, where):  # as a check of hundreds of MiB takes its time
        clock.sleep(1.0)
        return real(conn, where)

    monkeypatch.setattr(db, "integrity_problem", slow)
    opened = sign_in(path, "ada", PASSWORD)
    window = MainWindow(opened.store, opened.actor, idle_lock_ms=3_600_000)
    qtbot.addWidget(window)
    window.show()
    assert window.statusBar().currentMessage() == CHECKING_MESSAGE
    qtbot.waitUntil(lambda: "sound" in window.statusBar().currentMessage(), timeout=10_000)
    assert message_log.shown == []
    window.close()

"""Signing in to a laptop's replica: one wiped from the machine (its account closed) says so
instead of offering a first run there; one that has been away from the server longer than
allowed, with the server out of reach, is refused in the sign-in dialog beside the password
(which is kept, to try again once connected), not by a message that ends the app.

The replica is made here without a server: a store signed in once, given the replica's
tables and state (a dead address for its server, its last contact long ago), the way
``replica init`` leaves one. The real sign-in then reaches for that address and fails."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.db import open_store
from supervision_audit.security.keyring import load_keyring
from supervision_audit.security.wipe import write_note
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.sync.replica import write_state
from supervision_audit.sync.replica_schema import ensure_replica_schema
from supervision_audit.ui import app as app_module
from supervision_audit.ui.signin.first_run_dialog import FirstRunDialog
from supervision_audit.ui.signin.sign_in_dialog import SignInDialog

PASSWORD = "correct horse battery staple"
DEAD_SERVER = "http://127.0.0.1:9"  # nothing listens on the discard port
SHOTS = os.environ.get("SUPERVISION_AUDIT_SHOTS")


def _replica(path: Path, last_contact: str) -> Path:
    """An encrypted store for ada made a replica of a server at a dead address."""
    opened, _recovery = first_run(path, FirstRun("Sandwell Children's Trust", "Ada Lovelace",
                                                 "A1", "ada", PASSWORD))
    opened.store.close()
    _set_state(path, device="laptop-1", server=DEAD_SERVER, username="ada",
               device_key="not-a-real-key", last_contact=last_contact)
    return path


def _set_state(path: Path, **values: str) -> None:
    keyring = load_keyring(path)
    assert keyring is not None
    store = open_store(path, key=keyring.unlock("ada", PASSWORD), create=False)
    try:
        with store.write() as session:
            ensure_replica_schema(session.connection())
            write_state(session.connection(), **values)
    finally:
        store.close()


def test_a_wiped_replica_says_so_and_offers_no_first_run(qapp, tmp_path, monkeypatch,
                                                         message_log) -> None:
    path = tmp_path / "ada.sqlite"
    when = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    write_note(path, "The organisation's server says: This account has been closed. "
               "(the account ada)", when)
    first_runs: list[object] = []
    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda cls, *args, **kw: first_runs.append(args)))
    assert app_module.run_gui(path, []) == 2
    assert first_runs == []  # no store offered where the wiped one was
    assert not path.exists()
    [(kind, title, text)] = message_log.shown
    assert kind == "show_critical"
    assert title == "This laptop's replica was wiped"
    assert text.startswith(f"The store ada.sqlite was wiped from this machine on "
                           f"{when.astimezone():%d/%m/%Y %H:%M}: The organisation's server "
                           "says: This account has been closed. (the account ada)")
    assert "no new store was made" in text


def test_without_a_note_a_new_path_still_offers_the_first_run(tmp_path, monkeypatch) -> None:
    asked: list[object] = []
    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda cls, *args, **kw: asked.append(args)))
    assert app_module.run_gui(tmp_path / "new.sqlite", []) == 1
    assert asked


@pytest.fixture
def away_too_long(tmp_path: Path) -> Path:
    return _replica(tmp_path / "ada.sqlite", "2020-01-06T10:00:00+00:00")


def test_offline_too_long_is_said_beside_the_password_and_can_be_tried_again(
        qtbot, away_too_long: Path) -> None:
    dialog = SignInDialog(away_too_long, "ada")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.password, PASSWORD)
    QTest.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() == 0
    assert dialog.failure is None and dialog.opened is None
    said = dialog.problem.text()
    assert dialog.problem.isVisible()  # and whole, not cut off at the dialog's first height
    assert dialog.problem.height() >= dialog.problem.heightForWidth(dialog.problem.width())
    assert said.startswith("This laptop has not reached the organisation's server since "
                           "06/01/2020")
    assert "Connect the laptop to the network you sync on and sign in again" in said
    assert dialog.password.text() == PASSWORD  # not a wrong password: kept for the retry
    assert dialog.sign_in_button.isEnabled()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "offline_too_long.png"))

    # connected meanwhile: the server signed the laptop in (a sync), so the next try opens
    _set_state(away_too_long, last_contact=datetime.now(UTC).isoformat(timespec="seconds"))
    QTest.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.opened is not None and dialog.opened.actor.username == "ada"
    assert not dialog.isVisible()
    dialog.opened.store.close()


def test_the_refusal_is_not_counted_as_a_wrong_password(qtbot, away_too_long: Path) -> None:
    """Many refusals in a row (no network for a while) never make the user name wait."""
    dialog = SignInDialog(away_too_long, "ada")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, PASSWORD)
    for _ in range(6):
        QTest.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        assert dialog.problem.text().startswith("This laptop has not reached")

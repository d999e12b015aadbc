"""Starting the app: fonts and names, signing in, and refusing what cannot be opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.ui import app as app_module
from supervision_audit.ui.main_window import MainWindow
from supervision_audit.ui.signin.sign_in_dialog import SignInDialog

PASSWORD = "correct horse battery staple"


@pytest.fixture
def signed_up(tmp_path: Path) -> Path:
    """A store with its first administrator, ada."""
    path = tmp_path / "org.sqlite"
    opened, _recovery = first_run(path, FirstRun("Sandwell Children's Trust", "Ada Lovelace",
                                                 "A1", "ada", PASSWORD, encrypted=False))
    opened.store.close()
    return path


def _driven_ask(username: str, password: str):
    """SignInDialog.ask, typing into the real dialog instead of waiting for a person."""
    def ask(db_path: Path, _remembered: str = ""):
        dialog = SignInDialog(db_path)
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.try_sign_in()
        if dialog.failure is not None:
            raise dialog.failure
        return dialog.opened
    return ask


def test_the_application_uses_the_shipped_font_and_names(qapp) -> None:
    app = app_module.application([])
    assert app is qapp
    assert app.organizationName() == "SupervisionAudit"
    assert app.applicationName() == "Supervision Audit"
    assert "DejaVu Sans" in app_module.load_fonts()
    assert app.font().family() == "DejaVu Sans"


def test_no_database_offers_first_run_and_cancelling_creates_nothing(
        tmp_path, monkeypatch, message_log) -> None:
    from supervision_audit.ui.signin.first_run_dialog import FirstRunDialog

    asked = []
    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda cls, *args, **kw: asked.append(args) or None))
    missing = tmp_path / "none.sqlite"
    assert app_module.run_gui(missing, []) == 1
    assert asked and message_log.shown == []
    assert not missing.exists()


def test_a_file_that_is_not_ours_is_refused(tmp_path, monkeypatch, message_log) -> None:
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("shopping list\n", encoding="utf-8")
    monkeypatch.setattr(SignInDialog, "ask", staticmethod(_driven_ask("ada", PASSWORD)))
    assert app_module.run_gui(foreign, []) == 2
    assert message_log.kinds() == ["show_critical"]
    assert "not a Supervision Audit database" in message_log.texts()[0]
    assert foreign.read_text(encoding="utf-8") == "shopping list\n"


def test_signing_in_opens_the_window(qtbot, signed_up, monkeypatch, message_log) -> None:
    shown: list[MainWindow] = []
    real_create = app_module.create_main_window

    def create(store, actor) -> MainWindow:
        window = real_create(store, actor)
        qtbot.addWidget(window)
        shown.append(window)
        return window

    monkeypatch.setattr(app_module, "create_main_window", create)
    monkeypatch.setattr(SignInDialog, "ask", staticmethod(_driven_ask("ada", PASSWORD)))
    monkeypatch.setattr(QApplication, "exec", lambda *_args: 0)
    assert app_module.run_gui(signed_up, []) == 0
    assert message_log.shown == []
    window = shown[0]
    assert window.actor.username == "ada"
    assert window.isVisible()
    assert window.staff_page.visible_names() == ["Ada Lovelace"]
    assert window.new_person_action.isEnabled()  # the first administrator manages staff
    assert app_module.app_settings().value("sign_in/username") == "ada"


def test_cancelling_sign_in_opens_nothing(signed_up, monkeypatch, message_log) -> None:
    monkeypatch.setattr(SignInDialog, "ask", staticmethod(lambda _path, _user="": None))
    assert app_module.run_gui(signed_up, []) == 1
    assert message_log.shown == []


def test_a_wrong_password_is_said_in_the_dialog(qtbot, signed_up) -> None:
    dialog = SignInDialog(signed_up, "ada")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "wrong password")
    assert not dialog.try_sign_in()
    assert dialog.problem.text() == "The user name or password is not right."
    assert dialog.password.text() == "" and dialog.failure is None
    qtbot.keyClicks(dialog.password, PASSWORD)
    assert dialog.try_sign_in()
    assert dialog.opened is not None and dialog.opened.actor.name == "Ada Lovelace"
    dialog.opened.store.close()

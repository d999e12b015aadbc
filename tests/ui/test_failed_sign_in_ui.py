"""A wrong password typed in the sign-in window is refused, and shows in red in the access
log the administrator reads next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from supervision_audit.services.signin import sign_in
from supervision_audit.ui.common.style import PROBLEM
from supervision_audit.ui.reports.access_log_dialog import AccessLogDialog
from supervision_audit.ui.signin.sign_in_dialog import SignInDialog
from tests.ui.test_admin_tools import PASSWORD, org  # noqa: F401 (fixture)


def test_a_wrong_password_is_in_the_access_log_in_red(org, qtbot) -> None:  # noqa: F811
    dialog = SignInDialog(org)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "pat")
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.opened is None
    assert "not right" in dialog.problem.text()
    dialog.close()
    opened = sign_in(org, "ada", PASSWORD)
    log = AccessLogDialog(opened.store, opened.actor)
    qtbot.addWidget(log)
    try:
        failed = [n for n, r in enumerate(log.rows) if r["action"] == "sign_in.failed"]
        assert len(failed) == 1 and log.rows[failed[0]]["who"] == "pat"
        assert "not the password" not in str(log.rows)
        item = log.table.item(failed[0], 2)
        assert item.text() == "sign_in.failed"
        assert item.foreground().color() == QColor(PROBLEM)
    finally:
        log.close()
        opened.store.close()

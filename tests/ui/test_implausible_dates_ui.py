"""R10 on screen: a mistyped year (before 1950, more than two years ahead) is refused beside
its field, and nothing is saved."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlmodel import func, select

from supervision_audit.models import Staff
from supervision_audit.ui.staff.staff_dialog import StaffDialog


def test_the_staff_form_refuses_a_start_date_in_year_9999(qtbot, store, actor, people,
                                                          tmp_path) -> None:
    dialog = StaffDialog(store, actor, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.staff_id, "P30")
    qtbot.keyClicks(dialog.name, "Yara Typo")
    qtbot.keyClicks(dialog.employment_start.line, "31/12/9999")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.problem_text("employment_start") == (
        "Employment start 31/12/9999: over 2 years ahead")
    message = dialog.problems["employment_start"]
    assert message.isVisible() and message.y() > dialog.employment_start.y()
    qtbot.wait(100)  # let the layout make room for the message
    dialog.grab().save(str(tmp_path / "staff.png"))
    with store.read() as session:
        assert session.exec(select(func.count()).select_from(Staff).where(
            Staff.staff_id == "P30")).one() == 0
    dialog.employment_start.line.clear()
    qtbot.keyClicks(dialog.employment_start.line, "31/12/2019")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted

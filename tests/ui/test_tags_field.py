"""The KSS and PCF pickers in a record show every choice, with no scroll box of their own
inside the scrolling form (KSS 10 used to be hidden below the box's edge)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication, QWidget

from supervision_audit.services.staff import get_by_staff_id
from supervision_audit.ui.records.record_opening import open_record_dialog
from tests.record_helpers import completed_record


def test_every_kss_and_pcf_choice_is_shown_whole(qtbot, store, actor, people) -> None:
    with store.write() as s:
        record = completed_record(s, get_by_staff_id(s, "P1"), date(2025, 3, 3))
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_record_dialog(store, actor, record.id, parent)
    dialog.show()
    qtbot.waitExposed(dialog)
    for width in (dialog.width(), 700):  # however wide the dialog, as it is resized
        dialog.resize(width, dialog.height())
        QApplication.processEvents()
        for key in ("kss", "pcf"):
            view = dialog.editor.widget_for(key)
            assert view.count() >= 9
            assert view.verticalScrollBar().maximum() == 0, (key, width)
            for row in range(view.count()):
                rect = view.visualItemRect(view.item(row))
                assert view.viewport().rect().contains(rect), (key, view.item(row).text())
    dialog.close()

"""Print (Ctrl+P) on every record, group record, audit, ASYE tracker and the whole file: the
print preview is handed the same pages as the export (an unsealed copy), and each print is
logged. The preview's own window is replaced here by a stand-in that reads the PDF it is
given (its painting onto a printer is tested in test_printing)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlmodel import select

from supervision_audit.demo import acting_as
from supervision_audit.forms.audit import JUDGEMENTS
from supervision_audit.models import EventLog
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.asye import save_tracker
from supervision_audit.services.audits import save_audit, start_audit
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.ui.asye.asye_panel import AsyePanel
from supervision_audit.ui.audits.audit_panel import AuditPanel
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.printing import preview
from supervision_audit.ui.records.group_dialog import GroupRecordDialog
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.records_panel import RecordsPanel

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
KEYS = {label: key for key, label in JUDGEMENTS}


class Previews:
    """What the print preview was shown: (title, the PDF's text) each time."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = True  # the user presses Print in the preview

    def __call__(self, pdf: Path, title: str, parent: object = None) -> bool:
        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
        self.shown.append((title, text))
        return self.answer


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> Previews:
    seen = Previews()
    monkeypatch.setattr(preview, "preview_and_print", seen)
    return seen


def _press_ctrl_p(qtbot, widget) -> None:
    """Ctrl+P typed into ``widget`` in its active window, as a user presses it."""
    window = widget.window()
    with qtbot.waitActive(window):
        window.activateWindow()
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_P, CTRL)


def _logged(store, action: str) -> list[EventLog]:
    with store.read() as s:
        return list(s.exec(select(EventLog).where(EventLog.action == action)))


def _mia(store, people) -> Actor:
    with store.read() as s:
        return acting_as(s, people["M1"])


def _record(store, actor: Actor, supervisee: uuid.UUID, words: str) -> uuid.UUID:
    with store.write() as s:
        record = start_record(s, actor, form_key="individual", held_on=date(2026, 2, 2),
                              supervisee_uuid=supervisee)
        complete_record(s, actor, record.id, {**record.values, "start_time": "10:00",
                                              "end_time": "11:30", "welfare": words})
        return record.id


def _records_panel(qtbot, store, actor: Actor, staff_uuid: uuid.UUID) -> RecordsPanel:
    panel = RecordsPanel(store, actor)
    qtbot.addWidget(panel)
    with store.read() as s:
        panel.show_for(load_file(s, actor, staff_uuid))
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_ctrl_p_in_a_record_dialog_previews_the_record_and_logs_the_print(
        qtbot, store, people, previews) -> None:
    mia = _mia(store, people)
    record_id = _record(store, mia, people["P1"], "Leave booked for the half term")
    panel = _records_panel(qtbot, store, mia, people["P1"])
    panel.table.selectRow(0)
    QTest.mouseClick(panel.open_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, RecordDialog) and dialog.print_button.isVisible()
    _press_ctrl_p(qtbot, dialog.editor)
    ((title, text),) = previews.shown
    assert title == "Supervision record"
    assert "Leave booked for the half term" in text and "Pat Worker" in text
    assert "Mia Manager" in text
    (printed,) = _logged(store, "record.print")
    assert printed.subject_id == str(record_id) and printed.about_staff_id == people["P1"]


def test_nothing_is_logged_when_the_preview_is_closed_without_printing(
        qtbot, store, people, previews) -> None:
    mia = _mia(store, people)
    _record(store, mia, people["P1"], "Leave booked")
    panel = _records_panel(qtbot, store, mia, people["P1"])
    panel.table.selectRow(0)
    previews.answer = False
    QTest.mouseClick(panel.print_button, LEFT)
    assert len(previews.shown) == 1
    assert _logged(store, "record.print") == []


def test_the_records_panel_prints_the_chosen_record_by_button_key_and_menu(
        qtbot, store, people, previews) -> None:
    mia = _mia(store, people)
    _record(store, mia, people["P2"], "Court skills course booked")
    panel = _records_panel(qtbot, store, mia, people["P2"])
    assert not panel.print_button.isEnabled()
    panel.table.selectRow(0)
    assert panel.print_button.isEnabled()
    QTest.mouseClick(panel.print_button, LEFT)
    _press_ctrl_p(qtbot, panel.table)
    assert panel.actions.print in panel.actions.on_record  # the record tool bar has it
    panel.actions.print.trigger()
    assert len(previews.shown) == 3
    assert all("Court skills course booked" in text and "Łucja Żak" in text
               for _title, text in previews.shown)
    assert len(_logged(store, "record.print")) == 3


def test_ctrl_p_in_a_group_record_prints_the_group_form(qtbot, store, people, previews,
                                                       monkeypatch) -> None:
    from supervision_audit.ui.records import records_panel

    monkeypatch.setattr(records_panel, "ask_new_record",
                        lambda *_args: (None, date(2026, 3, 2)))
    mia = _mia(store, people)
    panel = _records_panel(qtbot, store, mia, people["P1"])
    QTest.mouseClick(panel.group_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, GroupRecordDialog)
    _press_ctrl_p(qtbot, dialog.editor)
    ((_title, text),) = previews.shown
    assert "GROUP SUPERVISION" in text.upper()
    (printed,) = _logged(store, "record.print")
    assert printed.subject_id == str(dialog.record_id)
    dialog.close()


def test_an_audit_and_the_whole_file_are_printed_from_the_audit_panel(
        qtbot, store, people, previews) -> None:
    _record(store, SYSTEM_ACTOR, people["P1"], "Leave booked for the half term")
    with store.write() as s:
        head = acting_as(s, people["S1"])
        audit = start_audit(s, head, people["P1"], date(2026, 6, 26))
        judgement = KEYS[audit.values["suggested_judgement"]]
        save_audit(s, head, audit.id, {**audit.values, "judgement": judgement}, complete=True)
    panel = AuditPanel(store, head)
    qtbot.addWidget(panel)
    with store.read() as s:
        panel.show_for(load_file(s, head, people["P1"]))
    panel.show()
    qtbot.waitExposed(panel)
    panel.table.selectRow(0)
    assert panel.print_button.isEnabled()
    _press_ctrl_p(qtbot, panel.table)
    QTest.mouseClick(panel.print_file_button, LEFT)

    (audit_title, audit_text), (file_title, file_text) = previews.shown
    assert audit_title == "Supervision file audit" and "Pat Worker" in audit_text
    assert file_title == "Supervision file"
    assert "Leave booked for the half term" in file_text  # the record, inside the file
    assert "Section 2" in file_text  # the index
    assert [e.subject_id for e in _logged(store, "audit.print")] == [str(audit.id)]
    assert [e.subject_id for e in _logged(store, "file.print")] == [str(people["P1"])]


def test_the_asye_tracker_is_printed_from_its_panel(qtbot, store, people, previews) -> None:
    with store.write() as s:
        save_tracker(s, SYSTEM_ACTOR, people["P3"], {"review_3_answer": "yes",
                                                     "review_3_date": "2025-01-10"})
        omar = acting_as(s, people["M2"])
    panel = AsyePanel(store, omar)
    qtbot.addWidget(panel)
    panel.resize(1000, 900)
    panel.show()
    qtbot.waitExposed(panel)
    with store.read() as s:
        panel.show_for(load_file(s, omar, people["P3"]))
    QTest.mouseClick(panel.print_button, LEFT)
    ((title, text),) = previews.shown
    assert title == "ASYE tracker"
    assert "ASYE TRACKER" in text and "Aisha Rahman" in text and "10/01/2025" in text
    assert [e.about_staff_id for e in _logged(store, "asye.print")] == [people["P3"]]

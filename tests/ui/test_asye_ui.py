"""Section 10 for a newly qualified social worker: the ASYE year panel (milestones, cadence
timeline, reflection chart) and the tracker dialog (Appendix 9), filled through its widgets."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlmodel import select

from supervision_audit.db import Store
from supervision_audit.demo import acting_as
from supervision_audit.models import AsyeTracker, EventLog, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.asye import (
    cadence_gaps,
    completed_sessions,
    get_tracker,
    save_tracker,
)
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.signatures import sign
from supervision_audit.services.staff import StaffInput, get_staff, save_staff
from supervision_audit.ui.asye import asye_dialog
from supervision_audit.ui.asye.asye_charts import RED
from supervision_audit.ui.asye.asye_dialog import TrackerDialog
from supervision_audit.ui.asye.asye_panel import AsyePanel
from supervision_audit.ui.common.style import BAD_FG
from supervision_audit.ui.file.file_data import load_file

D = date
START = D(2026, 1, 5)
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ids(store: Store) -> dict[str, uuid.UUID]:
    """A head of service, a team manager, the ASYE worker she supervises, and a practitioner."""
    out = {}
    with store.write() as s:
        for data in (
                StaffInput("S1", "Sam Head", role="senior_manager"),
                StaffInput("M1", "Mia Manager", role="team_manager", supervisor_staff_id="S1"),
                StaffInput("A1", "Asha New", role="asye", asye_start=START,
                           employment_start=START, supervisor_staff_id="M1"),
                StaffInput("P1", "Pat Worker", supervisor_staff_id="M1")):
            out[data.staff_id] = save_staff(s, SYSTEM_ACTOR, data, today=START).id
    return out


def actor_for(store: Store, staff_uuid: uuid.UUID) -> Actor:
    """The signed-in person (access rules apply: not the app itself)."""
    with store.read() as s:
        person = get_staff(s, staff_uuid)
        return Actor(username=person.staff_id.lower(), staff_id=person.id, name=person.name,
                     staff_role=person.role)


@pytest.fixture
def show(qtbot, store, ids):
    def make(staff_id: str = "A1", today: date = D(2026, 3, 1), as_who: str = "M1"
             ) -> AsyePanel:
        actor = actor_for(store, ids[as_who])
        panel = AsyePanel(store, actor)
        panel.today = lambda: today
        qtbot.addWidget(panel)
        panel.resize(1000, 900)
        panel.show()
        qtbot.waitExposed(panel)
        with store.read() as s:
            panel.show_for(load_file(s, actor, ids[staff_id], today))
        return panel
    return make


def _held(store: Store, staff_uuid: uuid.UUID, days: list[date]) -> None:
    with store.write() as s:
        for day in days:
            s.add(SupervisionSession(supervisee_id=staff_uuid, planned_date=day,
                                     status="completed"))


def _open_dialog(qtbot, panel: AsyePanel) -> TrackerDialog:
    qtbot.mouseClick(panel.open_button, LEFT)
    dialog = panel.dialog
    assert isinstance(dialog, TrackerDialog) and dialog.isVisible()
    return dialog


def _choose(combo, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _type_date(qtbot, editor, key: str, text: str) -> None:
    field = editor.widget_for(key)
    field.line.clear()
    qtbot.keyClicks(field.line, text)
    field.line.editingFinished.emit()


def test_the_three_month_review_is_filled_through_the_widgets_and_saved(qtbot, store, ids,
                                                                        show) -> None:
    panel = show(today=D(2026, 4, 3))
    assert panel.state.text() == "No tracker yet"
    dialog = _open_dialog(qtbot, panel)
    editor = dialog.editor
    assert editor.widget_for("nqsw_name").text() == "Asha New"
    assert editor.widget_for("asye_start").line.text() == "05/01/2026"
    _choose(editor.widget_for("review_3_answer"), "yes")
    _type_date(qtbot, editor, "review_3_date", "02/04/2026")
    qtbot.keyClicks(editor.widget_for("review_3_comment"), "Progressing well")
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.saved
    with store.write() as s:
        values = get_tracker(s, SYSTEM_ACTOR, ids["A1"])
    assert values["review_3_answer"] == "yes"
    assert values["review_3_date"] == "2026-04-02"
    assert values["review_3_comment"] == "Progressing well"
    # the panel shows the review done at once
    assert ("3-month review", "05/04/2026", "02/04/2026", "done") in panel.milestone_rows()
    assert panel.state.text() == "On track"


def test_a_review_before_the_asye_start_is_refused_beside_its_date(qtbot, store, ids,
                                                                   show) -> None:
    panel = show()
    dialog = _open_dialog(qtbot, panel)
    editor = dialog.editor
    _choose(editor.widget_for("review_3_answer"), "yes")
    _type_date(qtbot, editor, "review_3_date", "01/12/2025")
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.isVisible() and not dialog.saved
    assert editor.problem_text("review_3_date") == \
        "This date is before the ASYE started (05/01/2026)"
    assert editor.problem_text("review_3_answer") == ""
    with store.read() as s:
        assert s.exec(select(AsyeTracker)).first() is None  # nothing saved


def test_milestones_show_the_six_month_review_overdue_seven_months_in(store, ids,
                                                                      show) -> None:
    with store.write() as s:
        save_tracker(s, SYSTEM_ACTOR, ids["A1"], {"review_3_answer": "yes",
                                                  "review_3_date": "2026-04-01"})
    panel = show(today=D(2026, 8, 10))
    rows = panel.milestone_rows()
    assert rows[:4] == [
        ("3-month review", "05/04/2026", "01/04/2026", "done"),
        ("6-month review", "05/07/2026", "", "overdue"),
        ("9-month review", "05/10/2026", "", "not yet due"),
        ("final evidence meeting", "05/01/2027", "", "not yet due"),
    ]
    chip = panel.findChild(type(panel.state), "milestone_state_1")
    assert chip.text() == "Overdue" and BAD_FG in chip.styleSheet()
    assert panel.facts["start"].text() == "05/01/2026"
    assert panel.facts["weeks"].text() == "31 (week 32 of 52)"
    assert panel.facts["next"].text() == "6-month review, due 05/07/2026: overdue by 5 weeks"
    assert panel.state.text() == "1 overdue"


def test_a_deferred_outcome_is_shown_with_its_qa_panel(store, ids, show) -> None:
    with store.write() as s:
        save_tracker(s, SYSTEM_ACTOR, ids["A1"], {"outcome": "defer",
                                                  "qa_panel_date": "2027-01-20"})
    panel = show(today=D(2027, 2, 1))
    assert panel.state.text() == "Deferred"
    assert panel.facts["outcome"].text() == "DEFER (QA panel 20/01/2027)"
    assert panel.facts["weeks"].text() == "56 (the year ended 05/01/2027)"


def test_the_cadence_chart_marks_exactly_the_gaps_of_the_policy(store, ids, show) -> None:
    held = [D(2026, 1, 12), D(2026, 1, 19), D(2026, 1, 30),  # 11 days: weekly allows 7
            D(2026, 2, 6), D(2026, 2, 13), D(2026, 3, 6),  # 21 days from 13 Feb (weekly)
            D(2026, 3, 20), D(2026, 4, 10)]  # 21 days: fortnightly allows 14
    _held(store, ids["A1"], held)
    panel = show(today=D(2026, 5, 1))
    chart = panel.cadence
    with store.read() as s:
        expected = cadence_gaps(get_staff(s, ids["A1"]), completed_sessions(s, ids["A1"]),
                                D(2026, 5, 1))
    assert chart.gaps == expected
    assert [(g.start, g.end, g.allowed_until, g.days_over) for g in chart.gaps] == [
        (D(2026, 1, 19), D(2026, 1, 30), D(2026, 1, 26), 4),
        (D(2026, 2, 13), D(2026, 3, 6), D(2026, 2, 20), 14),
        (D(2026, 3, 20), D(2026, 4, 10), D(2026, 4, 3), 7),
        (D(2026, 4, 10), D(2026, 5, 1), D(2026, 4, 24), 7),  # none since: still open
    ]
    assert chart.sessions == held
    assert panel.cadence_note.text() == ("8 supervision sessions held; 4 gaps longer than the "
                                         "cadence (longest 14 days over, from 13/02/2026).")
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() == chart.width()
    # the days over of the second gap are painted red on the line
    point = chart.point_of(D(2026, 3, 1))
    assert image.pixelColor(int(point.x()), int(point.y())) == RED
    # and a session day a dot in the accent colour, not red
    dot = chart.point_of(D(2026, 1, 12))
    assert image.pixelColor(int(dot.x()), int(dot.y())) != RED


def test_the_reflection_chart_names_the_statements_without_evidence(store, ids,
                                                                    show) -> None:
    manager = actor_for(store, ids["M1"])
    with store.write() as s:
        for day, kss, pcf in ((D(2026, 1, 12), ["KSS1", "KSS2"], ["PCF6"]),
                              (D(2026, 2, 9), ["KSS1", "KSS6"], ["PCF1", "PCF6"])):
            record = start_record(s, manager, form_key="individual", held_on=day,
                                  supervisee_uuid=ids["A1"])
            complete_record(s, manager, record.id, {**record.values, "start_time": "10:00",
                                                    "end_time": "11:30", "kss": kss,
                                                    "pcf": pcf})
        save_tracker(s, manager, ids["A1"], {"crl_1_date": "2026-02-20",
                                             "crl_1_kss": ["KSS9"], "crl_1_pcf": ["PCF2"]})
    panel = show(today=D(2026, 3, 1))
    chart = panel.reflection
    assert chart.counts["kss"]["KSS1"] == 2 and chart.counts["pcf"]["PCF6"] == 2
    assert chart.missing() == ["KSS 3", "KSS 4", "KSS 5", "KSS 7", "KSS 8", "KSS 10",
                               "PCF 3", "PCF 4", "PCF 5", "PCF 7", "PCF 8", "PCF 9"]
    assert panel.no_evidence.text() == ("No evidence yet: KSS 3, KSS 4, KSS 5, KSS 7, KSS 8, "
                                        "KSS 10, PCF 3, PCF 4, PCF 5, PCF 7, PCF 8, PCF 9")
    assert not chart.grab().isNull()


def test_the_panel_is_hidden_for_someone_not_in_their_asye(store, ids, show) -> None:
    assert show("P1").isHidden()
    panel = show("A1")
    assert panel.isVisible()
    with store.read() as s:
        panel.show_for(load_file(s, panel.actor, ids["P1"], D(2026, 3, 1)))
    assert panel.isHidden()


def test_the_tracker_is_read_only_to_a_senior_and_once_signed(qtbot, store, ids,
                                                              show) -> None:
    senior = show(as_who="S1")  # above the supervisor: reads the file, writes nothing
    dialog = _open_dialog(qtbot, senior)
    assert dialog.save_button is None and dialog.read_only
    assert dialog.editor.widget_for("review_3_date").isReadOnly()
    assert "Only Asha New's supervisor may change the tracker" in dialog.intro.text()
    dialog.close()

    with store.write() as s:
        tracker = save_tracker(s, SYSTEM_ACTOR, ids["A1"], {"learning_agreement_answer": "yes"})
        sign(s, acting_as(s, ids["M1"]), "asye", tracker.id, password=None)
        sign(s, acting_as(s, ids["A1"]), "asye", tracker.id, password=None)
    panel = show()
    assert panel.state.text() == "Tracker signed"
    dialog = _open_dialog(qtbot, panel)
    assert dialog.final and dialog.save_button is None
    assert dialog.editor.values()["supervisor_signature"]["name"] == "Mia Manager"


def test_export_writes_the_tracker_pdf(qtbot, store, ids, show, monkeypatch,
                                       tmp_path: Path) -> None:
    with store.write() as s:
        save_tracker(s, SYSTEM_ACTOR, ids["A1"], {"review_3_answer": "yes",
                                                  "review_3_date": "2026-04-01"})
    out = tmp_path / "tracker"
    monkeypatch.setattr(asye_dialog, "choose_tracker_pdf_path", lambda _parent, _path: out)
    panel = show()
    qtbot.mouseClick(panel.export_button, LEFT)

    written = out.with_name("tracker.pdf")
    assert panel.notice.text() == f"Tracker exported to {written}."
    text = "".join(page.extract_text() for page in PdfReader(written).pages)
    assert "ASYE TRACKER FOR NQSW AND SUPERVISORS" in text
    assert "Asha New" in text and "01/04/2026" in text
    with store.read() as s:
        actions = [e.action for e in s.exec(select(EventLog))]
    assert "asye.export" in actions



def test_the_panel_fills_section_10_of_the_file(qtbot, store, ids) -> None:
    from supervision_audit.ui.file.section_panels import build_panels

    panels = build_panels(store, actor_for(store, ids["M1"]))
    for panel in panels.values():
        qtbot.addWidget(panel)
    section = panels[10]
    found = [section] if isinstance(section, AsyePanel) else \
        [p for p in getattr(section, "panels", []) if isinstance(p, AsyePanel)]
    assert len(found) == 1 and found[0].section == 10


def test_the_tracker_is_signed_from_the_panel(qtbot, store) -> None:
    from supervision_audit.demo import acting_as
    from supervision_audit.services.access import SYSTEM_ACTOR
    from supervision_audit.services.asye import save_tracker
    from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
    from supervision_audit.ui.asye.asye_panel import AsyePanel
    from supervision_audit.ui.file.file_data import load_file
    from supervision_audit.ui.records.sign_dialog import SignDialog

    with store.write() as s:
        save_staff(s, SYSTEM_ACTOR, StaffInput("TM", "Tia Manager", role="team_manager"))
        save_staff(s, SYSTEM_ACTOR, StaffInput("NQ", "Nia Newly", role="asye",
                                               asye_start=date(2026, 3, 2),
                                               supervisor_staff_id="TM"))
        nia = get_by_staff_id(s, "NQ")
        save_tracker(s, SYSTEM_ACTOR, nia.id, {"learning_agreement_answer": "yes"})
        tia = acting_as(s, nia.supervisor_id)
        file = load_file(s, tia, nia.id)
    panel = AsyePanel(store, tia)
    qtbot.addWidget(panel)
    panel.show_for(file)
    assert panel.sign_button.isEnabled()
    panel.sign_button.click()
    assert isinstance(panel.sign_dialog, SignDialog) and panel.sign_dialog.kind == "asye"
    panel.sign_dialog.close()

"""The supervision file: header, contract, supervisor history and the eleven folder sections."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QGroupBox, QLabel

from supervision_audit.forms.folder import FOLDER_SECTIONS
from supervision_audit.services.access import SYSTEM_ACTOR, Actor
from supervision_audit.services.contracts import save_contract
from supervision_audit.services.staff import change_supervisor, get_staff
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.file.file_view import FileView

TERMS = {"venue": "Oldbury", "intermediary": "Sam Head", "duration_minutes": 90,
         "frequency": "monthly"}


@pytest.fixture
def view(qtbot) -> FileView:
    widget = FileView()
    qtbot.addWidget(widget)
    widget.resize(800, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _show(view: FileView, store, staff_uuid, today: date = date(2025, 6, 1),
          actor: Actor = SYSTEM_ACTOR) -> None:
    with store.read() as session:
        view.show_file(load_file(session, actor, staff_uuid, today))


def test_the_file_has_the_eleven_sections_in_order_each_saying_it_is_empty(view, store,
                                                                        people) -> None:
    _show(view, store, people["P1"])
    boxes = view.findChildren(QGroupBox)
    titles = [box.title() for box in boxes if box.objectName().startswith("folder_section_")]
    assert len(titles) == 11
    assert titles[0] == "Section 1 – Supervision Monitoring Sheet"
    assert titles == [f"Section {s.number} – {s.title}" for s in FOLDER_SECTIONS]
    first = view.findChild(QLabel, "folder_section_1_empty")
    assert first.text() == "No supervision monitoring entries yet."
    assert first.isVisible()
    for section in FOLDER_SECTIONS:
        message = view.findChild(QLabel, f"folder_section_{section.number}_empty")
        assert message.text().startswith("No ") and message.text().endswith("yet.")


def test_the_header_shows_who_the_person_is(view, store, people) -> None:
    _show(view, store, people["P3"])
    def text(name: str) -> str:
        return view.findChild(QLabel, name).text()
    assert text("file_name") == "Aisha Rahman"
    assert text("file_staff_id") == "P3"
    assert text("file_job_title") == "Social Worker (ASYE)"
    assert text("file_team") == "Children in Care"
    assert text("file_role_label") == "ASYE (newly qualified)"
    assert text("file_supervisor_name") == "Omar Hussain"
    assert text("file_employment_start") == "02/09/2024"
    assert text("file_asye_start") == "02/09/2024"
    assert text("file_state") == "Active"


def test_a_missing_contract_says_so_and_offers_only_a_new_one(view, store, people) -> None:
    _show(view, store, people["P1"])
    panel = view.contract
    assert panel.status.text() == "Missing"
    assert panel.missing.isVisible()
    assert not panel.open_button.isEnabled() and not panel.export_button.isEnabled()
    assert panel.new_button.isEnabled() and panel.new_button.text() == "New contract"


def test_the_contract_sits_above_the_sections_with_its_versions(qtbot, view, store,
                                                                people) -> None:
    with store.write() as session:
        first = save_contract(session, SYSTEM_ACTOR, people["P2"],
                              {**TERMS, "date_agreed": "2024-02-01"})
        _sign(session, people["P2"], first, date(2024, 2, 1))
        second = save_contract(session, SYSTEM_ACTOR, people["P2"],
                               {**TERMS, "date_agreed": "2025-03-12"})
        _sign(session, people["P2"], second, date(2025, 3, 12))
        first_id, second_id = first.id, second.id
    _show(view, store, people["P2"], today=date(2025, 6, 1))
    panel = view.contract
    assert panel.y() < view.sections[0].y()
    assert panel.status.text() == "Current"
    assert panel.version.text() == "Version 2"
    assert panel.agreed.text() == "12/03/2025"
    assert panel.due.text() == "12/03/2026"
    assert "version 1" in panel.earlier.text() and "01/02/2024" in panel.earlier.text()
    assert not panel.missing.isVisible()
    with qtbot.waitSignal(panel.open_requested) as opened:
        panel.open_button.click()
    assert opened.args == [second_id]
    with qtbot.waitSignal(panel.open_requested) as opened:
        panel.earlier.linkActivated.emit(str(first_id))
    assert opened.args == [first_id]
    with qtbot.waitSignal(panel.export_requested) as exported:
        panel.export_button.click()
    assert exported.args == [second_id]
    _show(view, store, people["P2"], today=date(2026, 4, 1))
    assert panel.status.text() == "Review due"


def test_a_draft_is_not_the_contract_in_force(view, store, people) -> None:
    """R4: a new version is a draft until both sign; the signed one stays in force."""
    with store.write() as session:
        signed = save_contract(session, SYSTEM_ACTOR, people["P2"],
                               {**TERMS, "date_agreed": "2025-03-12"})
        _sign(session, people["P2"], signed, date(2025, 3, 12))
        save_contract(session, SYSTEM_ACTOR, people["P2"], {**TERMS, "date_agreed": "2025-05-20"})
    _show(view, store, people["P2"], today=date(2025, 6, 1))
    panel = view.contract
    assert panel.version.text() == "Version 2 (draft; version 1 is in force)"
    assert panel.status.text() == "Current"  # version 1's terms apply
    assert panel.due.text() == "12/03/2026"  # version 1's review date
    assert panel.agreed.text() == "20/05/2025"
    with store.write() as session:  # someone else with only a draft
        save_contract(session, SYSTEM_ACTOR, people["P1"], {**TERMS, "date_agreed": "2025-05-20"})
    _show(view, store, people["P1"], today=date(2025, 6, 1))
    assert (panel.version.text(), panel.status.text(), panel.due.text()) == (
        "Version 1", "Not signed by both", "—")


def _sign(session, staff_uuid, contract, on: date) -> None:
    from datetime import datetime, time

    from supervision_audit.demo import acting_as
    from supervision_audit.services.signatures import sign

    person = get_staff(session, staff_uuid)
    for who in (person.supervisor_id, person.id):
        sign(session, acting_as(session, who), "contract", contract.id, password=None,
             at=datetime.combine(on, time(12)).astimezone())


def test_the_supervisor_history_lists_each_period(view, store, people) -> None:
    with store.write() as session:
        person = get_staff(session, people["P1"])
        change_supervisor(session, person, get_staff(session, people["M2"]), date(2025, 4, 1))
    _show(view, store, people["P1"])
    assert view.history_rows() == [
        ("Omar Hussain", "01/04/2025", "now"),
        ("Mia Manager", "06/01/2025", "01/04/2025"),
    ]


def test_nobody_chosen_shows_a_hint(view) -> None:
    view.show_file(None)
    assert view.currentWidget() is view.placeholder
    assert "Choose a person" in view.placeholder.text()


def test_a_file_the_person_may_not_open_shows_only_the_staff_details(view, store,
                                                                      people) -> None:
    admin = Actor(username="ben", staff_id=people["P10"], name="Ben Carter",
                  staff_role="practitioner", is_admin=True)  # manages staff, not Pat's line
    with store.write() as session:
        save_contract(session, SYSTEM_ACTOR, people["P1"], {**TERMS, "date_agreed": "2025-01-02"})
    _show(view, store, people["P1"], actor=admin)
    assert view.findChild(QLabel, "file_name").text() == "Pat Worker"
    assert not view.records.isVisible()
    assert view.restricted.isVisible()
    assert "Only Pat Worker, their supervisor and the managers above them" in \
        view.restricted.text()
    assert view.file.contract is None and view.file.history == ()
    _show(view, store, people["P1"], actor=SYSTEM_ACTOR)
    assert view.records.isVisible() and not view.restricted.isVisible()


def test_a_manager_above_reads_but_does_not_write_the_contract(view, store, people) -> None:
    head = Actor(username="sam", staff_id=people["S1"], name="Sam Head",
                 staff_role="senior_manager")
    with store.write() as session:
        save_contract(session, SYSTEM_ACTOR, people["P1"], {**TERMS, "date_agreed": "2025-01-02"})
    _show(view, store, people["P1"], actor=head)
    assert view.records.isVisible()
    assert view.contract.open_button.isEnabled()
    assert view.contract.new_button.isHidden()  # only Pat's supervisor writes it: not offered

"""The window opens on the dashboard; an item on it lands on the right file; the Reports
menu builds the monthly return and checks a PDF's seal."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import Qt

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.main_window import MainWindow


@pytest.fixture
def window(store, qtbot, monkeypatch):
    with store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
        save_staff(s, SYS, StaffInput("W1", "Wendy Late", supervisor_staff_id="M1",
                                      employment_start=date(2024, 1, 1)))
        save_staff(s, SYS, StaffInput("W2", "Wes Fine", supervisor_staff_id="M1",
                                      employment_start=date(2024, 1, 1)))
        from supervision_audit.models import SupervisionSession

        for staff_id, day in (("W1", date(2025, 1, 10)), ("W2", date.today())):
            person = get_by_staff_id(s, staff_id)
            planned = SupervisionSession(supervisee_id=person.id,
                                         supervisor_id=person.supervisor_id, planned_date=day,
                                         planned_time=time(10))
            s.add(planned)
            s.flush()
            record = start_record(s, SYS, form_key="individual", held_on=day,
                                  session_id=planned.id)
            complete_record(s, SYS, record.id, {**record.values, "start_time": "10:00",
                                                "end_time": "11:30"})
        mia = acting_as(s, get_by_staff_id(s, "M1").id)
    import supervision_audit.ui.dashboard.dashboard_page as page

    monkeypatch.setattr(page.DashboardPage, "__init__", _foreground(page.DashboardPage.__init__))
    win = MainWindow(store, SYS)
    qtbot.addWidget(win)
    win.show()
    return win, mia


def _foreground(init):  # the dashboard computes in the foreground in these tests
    def wrapped(self, *args, **kwargs):
        kwargs["background"] = False
        init(self, *args, **kwargs)
    return wrapped


def test_window_opens_on_the_dashboard_and_an_item_opens_its_file(window, qtbot) -> None:
    win, _ = window
    assert win.pages.currentWidget() is win.dashboard
    win.dashboard.refresh()
    overdue = win.dashboard.items_of("Overdue supervision")
    assert [row.text(0) for row in overdue] == ["Wendy Late"]
    win.dashboard.show_section("Overdue supervision")
    with qtbot.waitSignal(win.dashboard.open_person):
        qtbot.keyClick(win.dashboard.tree, Qt.Key.Key_Return)
    assert win.pages.currentWidget() is win.splitter
    assert win.file_view.file is not None and win.file_view.file.name == "Wendy Late"


def test_a_record_item_lands_on_its_file(window, qtbot) -> None:
    win, _ = window
    from supervision_audit.services.records import records_of

    with win.store.read() as s:
        record = records_of(s, SYS, get_by_staff_id(s, "W2").id)[0]
    win.open_record_file(record.id)
    assert win.file_view.file.name == "Wes Fine"
    assert win.pages.currentWidget() is win.splitter
    assert win.dialog is not None and win.dialog.isVisible()
    assert getattr(win.dialog, "record_id", record.id) == record.id
    win.dialog.close()


def test_verify_a_pdf_from_the_reports_menu(window, tmp_path, monkeypatch, message_log
                                            ) -> None:
    win, _ = window
    junk = tmp_path / "junk.pdf"
    junk.write_text("not a pdf")
    monkeypatch.setattr(type(win), "choose_pdf_to_verify", staticmethod(lambda _p: junk))
    win.verify_action.trigger()
    kind, title, text = message_log.shown[-1]
    assert kind == "show_error" and title == "Verify a PDF" and "junk.pdf" in text


def test_the_contract_panel_signs_and_prints(window, qtbot, monkeypatch) -> None:
    win, _ = window
    from supervision_audit.services.contracts import draft_values, save_contract
    from supervision_audit.ui.records.sign_dialog import SignDialog

    with win.store.write() as s:
        wendy = get_by_staff_id(s, "W1")
        values = draft_values(s, SYS, wendy.id)
        values.update(venue="Room 1", date_agreed="2026-01-05", intermediary="Head")
        contract = save_contract(s, SYS, wendy.id, values)
    win.open_person(wendy.id)
    panel = win.file_view.contract
    assert panel.sign_button.isEnabled() and panel.print_button.isEnabled()
    panel.sign_button.click()
    assert isinstance(win.dialog, SignDialog) and win.dialog.kind == "contract"
    assert win.dialog.record_id == contract.id
    win.dialog.close()
    printed = []
    import supervision_audit.ui.printing.preview as preview

    monkeypatch.setattr(preview, "preview_and_print",
                        lambda pdf, title, parent: printed.append(pdf.read_bytes()[:5]) or True)
    panel.print_button.click()
    assert printed == [b"%PDF-"]
    from supervision_audit.services.events import events

    with win.store.read() as s:
        assert "contract.print" in {e.action for e in events(s)}

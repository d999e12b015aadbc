"""The dashboard page as a supervisor sees it: the tiles count what the service lists, an
item opens the person or record it is about, the chart shows the twelve-month series, and the
reminders list only what is new since the last opening."""

from __future__ import annotations

import json
import uuid
from datetime import date, time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlmodel import select

from supervision_audit.demo import acting_as
from supervision_audit.models import Staff, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor, visible_staff
from supervision_audit.services.contracts import draft_values, save_contract
from supervision_audit.services.dashboard import build, in_timescale_by_month
from supervision_audit.services.records import complete_record, start_record
from supervision_audit.services.reminders_seen import load_seen, save_seen
from supervision_audit.services.sessions import miss_session, plan_year
from supervision_audit.services.signatures import record_copy_given, sign
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.dashboard.dashboard_page import DashboardPage
from supervision_audit.ui.dashboard.reminders import ReminderPanel, item_key

D = date
AS_OF = D(2026, 3, 5)


def _session_on(s, staff_id, day, *, record=True, signed=True, copy=None) -> None:
    """A completed session on ``day``, recorded, signed and copied as asked."""
    person = get_by_staff_id(s, staff_id)
    planned = SupervisionSession(supervisee_id=person.id, supervisor_id=person.supervisor_id,
                                 planned_date=day, planned_time=time(10))
    s.add(planned)
    s.flush()
    if not record:
        planned.status = "completed"
        s.flush()
        return
    rec = start_record(s, SYS, form_key="individual", held_on=day, session_id=planned.id)
    complete_record(s, SYS, rec.id, {**rec.values, "start_time": "10:00", "end_time": "11:30"})
    if signed:
        sign(s, acting_as(s, person.supervisor_id), "record", rec.id, password=None)
        sign(s, acting_as(s, person.id), "record", rec.id, password=None)
    if copy:
        record_copy_given(s, acting_as(s, person.supervisor_id), rec.id, copy, "printed")


def seed_scenario(store) -> Actor:
    """Mia supervises six people in two teams; returns Mia as the signed-in person."""
    with store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager",
                                      team="Assessment"))
        for data in (
            StaffInput("W1", "Wendy Monthly", supervisor_staff_id="M1", team="Assessment",
                       employment_start=D(2025, 1, 1)),
            StaffInput("A1", "Asha Asye", role="asye", asye_start=D(2026, 1, 5),
                       employment_start=D(2026, 1, 5), supervisor_staff_id="M1",
                       team="Assessment"),
            StaffInput("A2", "Arlo Asye", role="asye", asye_start=D(2025, 11, 1),
                       employment_start=D(2025, 11, 1), supervisor_staff_id="M1",
                       team="Fostering"),
            StaffInput("F1", "Fern Carer", role="foster_carer", supervisor_staff_id="M1",
                       employment_start=D(2024, 6, 1), team="Fostering"),
            StaffInput("N1", "Nia New", supervisor_staff_id="M1", team="Fostering",
                       employment_start=D(2026, 2, 20)),
        ):
            save_staff(s, SYS, data)
        _session_on(s, "W1", D(2026, 1, 31), copy=D(2026, 2, 2))  # overdue since 28 Feb
        _session_on(s, "A1", D(2026, 2, 16), signed=False)  # unsigned, no copy: overdue too
        _session_on(s, "A2", D(2026, 2, 26), copy=D(2026, 2, 26))
        missed = plan_year(s, SYS, get_by_staff_id(s, "A2").id, D(2026, 2, 9), 0, time(10),
                           months=1)[0]
        miss_session(s, SYS, missed.id, status="postponed", reason="Sickness")  # escalation
        _session_on(s, "F1", D(2026, 2, 1))  # copy never given: late
        values = draft_values(s, SYS, get_by_staff_id(s, "W1").id)
        values.update({"venue": "Room 1", "date_agreed": "2025-01-10", "intermediary": "Head"})
        save_contract(s, SYS, get_by_staff_id(s, "W1").id, values)
        mia = get_by_staff_id(s, "M1")
        return Actor(username="mia", staff_id=mia.id, name=mia.name, staff_role=mia.role)


@pytest.fixture
def mia(store) -> Actor:
    return seed_scenario(store)


@pytest.fixture
def page(qtbot, store, mia) -> DashboardPage:
    widget = DashboardPage(store, mia, as_of=AS_OF, background=False)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_tiles_count_what_the_service_lists(store, mia, page) -> None:
    with store.read() as s:
        board = build(s, mia, AS_OF)
    expected = {title: len(items) for title, items in board.sections()}
    assert page.counts() == expected
    assert [tile.number.text() for tile in page.tiles.values()] == \
        [str(n) for n in expected.values()]
    # the scenario reaches the lists the rules feed, so the counts say something
    assert expected["Overdue supervision"] == 2
    assert expected["Escalations"] == 1
    assert expected["Records awaiting signature"] == 1
    assert expected["Copies due"] == 2
    assert expected["ASYE milestones overdue"] == 1
    assert page.tiles["Overdue supervision"].state == "urgent"
    assert page.tiles["Audits due"].state == "ok"
    for title, items in board.sections():
        rows = page.items_of(title)
        assert [(r.text(0), r.text(1)) for r in rows] == [(i.title, i.detail) for i in items]
    assert "5 supervisees in your scope" in page.subtitle.text()


def test_urgent_lines_are_red(page) -> None:
    row = page.items_of("Overdue supervision")[0]
    assert row.foreground(0).color().name() == "#b3261e"
    plain = page.items_of("Contracts due for review")[0]
    assert plain.foreground(0).color().name() != "#b3261e"


def test_urgent_lines_differ_in_words_weight_and_mark_not_only_colour(page) -> None:
    row = page.items_of("Overdue supervision")[0]
    plain = page.items_of("Contracts due for review")[0]
    assert row.data(0, Qt.ItemDataRole.AccessibleTextRole) == f"Urgent: {row.text(0)}"
    assert plain.data(0, Qt.ItemDataRole.AccessibleTextRole) is None
    assert row.font(0).bold() and not plain.font(0).bold()
    urgent_mark = row.icon(0).pixmap(12, 12).toImage()
    plain_mark = plain.icon(0).pixmap(12, 12).toImage()
    # the urgent mark is a disc with a white "!" in it; the other is an empty ring
    assert urgent_mark.pixelColor(5, 4).name() == "#ffffff"
    assert urgent_mark.pixelColor(5, 4).alpha() == 255
    assert plain_mark.pixelColor(6, 6).alpha() == 0


def test_enter_on_an_overdue_item_opens_that_person(qtbot, store, page) -> None:
    with store.read() as s:
        wendy = get_by_staff_id(s, "W1").id
    row = next(r for r in page.items_of("Overdue supervision") if r.text(0) == "Wendy Monthly")
    page.tree.setFocus()
    page.tree.setCurrentItem(row)
    with qtbot.waitSignal(page.open_person, timeout=2000) as blocker:
        QTest.keyClick(page.tree, Qt.Key.Key_Return)
    assert blocker.args == [wendy]


def test_double_click_on_a_copy_due_opens_the_record(qtbot, store, page) -> None:
    with store.read() as s:
        board = build(s, acting_as(s, get_by_staff_id(s, "M1").id), AS_OF)
    row = page.items_of("Copies due")[0]
    page.tree.scrollToItem(row)
    rect = page.tree.visualItemRect(row)
    with qtbot.waitSignal(page.open_record, timeout=2000) as blocker:
        QTest.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())  # a double-click
        QTest.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier, rect.center())
    assert isinstance(blocker.args[0], uuid.UUID)
    assert blocker.args[0] == board.copies_due[0].record_id


def test_clicking_a_tile_brings_its_list_forward(qtbot, page) -> None:
    qtbot.mouseClick(page.tiles["Escalations"], Qt.MouseButton.LeftButton)
    current = page.tree.currentItem()
    assert current.parent() is page.section_header("Escalations")
    assert current.text(0) == "Arlo Asye"


def test_the_chart_shows_the_twelve_month_series(store, mia, page) -> None:
    with store.read() as s:
        expected = in_timescale_by_month(s, visible_staff(s, mia) - {mia.staff_id}, AS_OF)
    assert page.chart.series() == expected
    assert set(expected) == {"Assessment", "Fostering"}
    assert len(page.chart.months()) == 12 and page.chart.months()[-1] == AS_OF
    image = page.chart.grab().toImage()  # runs paintEvent
    assert not image.isNull() and image.width() == page.chart.width()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    assert "#0072b2" in colours  # the first team's line is drawn
    assert "Assessment" in page.chart.summary()


def test_the_chart_paints_with_nothing_to_show(qtbot) -> None:
    from supervision_audit.ui.dashboard.trend_chart import TrendChart

    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(400, 260)
    assert chart.empty_text() == "Working out the figures…"  # not "nobody", while loading
    assert not chart.grab().isNull()
    chart.set_series({"Gap team": [(D(2026, 1, 31), None), (D(2026, 2, 28), 0.5)]})
    assert not chart.grab().isNull()
    chart.set_series({})
    assert not chart.grab().isNull() and chart.months() == []
    assert chart.empty_text().startswith("No supervisees in your scope")


def test_refresh_in_the_background_shows_the_same_counts(qtbot, store, mia) -> None:
    widget = DashboardPage(store, mia, as_of=AS_OF)
    qtbot.addWidget(widget)
    assert widget.loading
    with qtbot.waitSignal(widget.refreshed, timeout=10_000):
        pass
    with store.read() as s:
        board = build(s, mia, AS_OF)
    assert widget.counts() == {t: len(items) for t, items in board.sections()}
    assert not widget.loading and widget.status.text() == ""


# -- reminders ------------------------------------------------------------------------------
def test_first_opening_lists_everything_urgent(qtbot, store, mia) -> None:
    panel = ReminderPanel()
    qtbot.addWidget(panel)
    with store.read() as s:
        board = build(s, mia, AS_OF)
    listed = panel.update_from(board, None)
    urgent = [(t, i) for t, items in board.sections() for i in items if i.urgent]
    assert panel.listed() == urgent and len(listed) == len(urgent) > 0
    assert not panel.isHidden()


def test_only_items_new_since_the_stored_keys_are_listed(qtbot, store, mia) -> None:
    panel = ReminderPanel()
    qtbot.addWidget(panel)
    with store.read() as s:
        before = build(s, mia, AS_OF)
    seen = {item_key(t, i) for t, items in before.sections() for i in items}
    assert panel.update_from(before, seen) == set()
    assert panel.listed() == [] and panel.isHidden()
    with store.write() as s:  # Nia's first session: a record Mia has not copied yet
        _session_on(s, "N1", D(2026, 3, 4))
    with store.read() as s:
        after = build(s, mia, D(2026, 3, 12))  # a week later: more days overdue, same items
    listed = panel.update_from(after, seen)
    titles = {(t, i.title) for t, i in panel.listed()}
    assert titles == {("Copies due", "Nia New")}
    assert len(listed) == 1 and not panel.isHidden()
    assert "Nia New" in panel.lines.text()


def test_dismiss_records_the_current_set_for_the_user(qtbot, store, mia) -> None:
    with store.read() as s:
        board = build(s, mia, AS_OF)
        assert load_seen(s, mia) is None
    panel = ReminderPanel()
    qtbot.addWidget(panel)
    panel.show_for(board, store, mia)
    assert not panel.isHidden()
    with qtbot.waitSignal(panel.dismissed):
        qtbot.mouseClick(panel.dismiss_button, Qt.MouseButton.LeftButton)
    assert panel.isHidden()
    with store.read() as s:
        assert load_seen(s, mia) == {item_key(t, i) for t, items in board.sections()
                                     for i in items}
    again = ReminderPanel()
    qtbot.addWidget(again)
    assert again.show_for(board, store, mia) == set() and again.isHidden()
    with store.write() as s:
        save_seen(s, mia, [])
    with store.read() as s:
        assert load_seen(s, mia) == set()


def test_the_page_shows_reminders_once_and_their_links_open(qtbot, store, mia, page) -> None:
    assert page.reminders.isVisible()
    first_person = next(i for _, i in page.reminders.listed() if i.staff_uuid)
    with qtbot.waitSignal(page.open_person) as blocker:
        page.reminders.lines.linkActivated.emit(f"person:{first_person.staff_uuid}")
    assert blocker.args == [first_person.staff_uuid]
    page.reminders.dismiss()
    page.refresh()
    assert page.reminders.isHidden()


def test_a_second_refresh_overtakes_the_first(qtbot, store, mia) -> None:
    widget = DashboardPage(store, mia, as_of=AS_OF, show_reminders=False)
    qtbot.addWidget(widget)
    first = widget._job
    widget.refresh()
    assert first is not None and first.cancel_requested and widget._job is not first
    shown: list[int] = []
    widget.refreshed.connect(lambda: shown.append(1))
    second = widget._job
    qtbot.waitUntil(lambda: not first.running and not second.running, timeout=10_000)
    assert shown == [1] and not widget.loading
    assert widget.counts()["Overdue supervision"] == 2


def test_a_page_closed_while_loading_is_left_alone(qtbot, store, mia) -> None:
    from PySide6.QtWidgets import QApplication
    from shiboken6 import isValid

    widget = DashboardPage(store, mia, as_of=AS_OF)
    job = widget._job
    widget.deleteLater()
    QApplication.processEvents()
    with qtbot.waitSignal(job.ended, timeout=10_000):
        pass
    assert not isValid(widget) and not job.running  # and no error from a deleted page


def test_each_list_comes_most_urgent_first(store, mia) -> None:
    """The page shows a list's first lines, so the longest overdue come first, not the
    first names in the alphabet."""
    with store.write() as s:
        save_staff(s, SYS, StaffInput("B1", "Aaron Ahead", supervisor_staff_id="M1",
                                      team="Assessment", employment_start=D(2025, 1, 1)))
        _session_on(s, "B1", D(2026, 2, 4), copy=D(2026, 2, 5))  # due 4 March: 1 day
    with store.read() as s:
        board = build(s, mia, AS_OF)
    days = [int(item.detail.split()[0]) for item in board.overdue]
    assert [item.title for item in board.overdue] == ["Wendy Monthly", "Asha Asye",
                                                      "Aaron Ahead"]
    assert days == sorted(days, reverse=True) and len(set(days)) == 3


def test_nothing_personal_is_left_in_the_settings_file(qtbot, store, mia, page,
                                                       isolated_qsettings) -> None:
    """The reminders' keys (names, records, what is due) stay in the store; an earlier
    version's [reminders] group in the settings file is taken in and removed."""
    from supervision_audit.ui.common.window_state import app_settings

    legacy = app_settings()
    legacy.setValue("reminders/someone", json.dumps(["Copies due|Nia New|x|1|2|"]))
    legacy.sync()
    page.reminders.dismiss()
    again = DashboardPage(store, mia, as_of=AS_OF, background=False)  # the next opening
    qtbot.addWidget(again)
    with store.read() as s:
        seen = load_seen(s, mia)
        names = [p.name for p in s.exec(select(Staff))]
    assert seen and any("Nia New" in key for key in seen)
    files = [f for f in isolated_qsettings.rglob("*") if f.is_file()]
    assert files  # the window did write its settings
    text = "".join(f.read_text(encoding="utf-8", errors="replace") for f in files)
    assert "reminders" not in text.lower() and mia.username not in text
    assert not [name for name in names if name in text]
    assert not any(str(record) in text for record in _record_ids(store))


def _record_ids(store) -> list:
    from supervision_audit.models import SupervisionRecord

    with store.read() as s:
        return list(s.exec(select(SupervisionRecord.id)))

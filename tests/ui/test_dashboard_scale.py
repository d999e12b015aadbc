"""The dashboard of a whole organisation: long lists show their first lines and the rest on
a click, many teams are charted by service, and closing does not wait for the figures."""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.dashboard import Dashboard, Item, in_timescale_by_month
from supervision_audit.services.demo import acting_as
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui import dashboard_page
from supervision_audit.ui.dashboard_page import (
    LIST_LIMIT,
    DashboardPage,
    TeamGroup,
    chart_lines,
    scope_of,
    team_groups,
)
from supervision_audit.ui.trend_chart import group_series
from supervision_audit.ui.workers import running_jobs, stop_all

AS_OF = date(2026, 3, 5)
MONTHS = [date(2026, 1, 31), date(2026, 2, 28), AS_OF]


@pytest.fixture
def boss(store) -> Actor:
    """Hana, head of three services of four teams each (a person in each team)."""
    with store.write() as s:
        save_staff(s, SYS, StaffInput("H1", "Hana Head", role="senior_manager"))
        for n in range(12):
            service = ("Safeguarding", "Fostering", "Early Help")[n % 3]
            for k in range(1 + n % 2):  # teams of one or two
                save_staff(s, SYS, StaffInput(
                    f"W{n}-{k}", f"Worker {n}-{k}", team=f"Team {n:02d}", service=service,
                    supervisor_staff_id="H1", employment_start=date(2025, 1, 1)))
        return acting_as(s, get_by_staff_id(s, "H1").id)


@pytest.fixture
def page(qtbot, store, boss) -> DashboardPage:
    widget = DashboardPage(store, boss, as_of=AS_OF, background=False, show_reminders=False)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _board(overdue: int, copies: int) -> Dashboard:
    board = Dashboard(as_of=AS_OF, people=overdue)
    board.overdue = [Item(f"Person {n:04d}", f"{n} days overdue", uuid.uuid4(), urgent=True)
                     for n in range(overdue)]
    board.copies_due = [Item(f"Record {n:04d}", "copy due", record_id=uuid.uuid4())
                        for n in range(copies)]
    return board


def test_a_long_list_shows_its_first_lines_and_the_rest_on_a_click(qtbot, page) -> None:
    board = _board(overdue=130, copies=LIST_LIMIT)
    page.show_board(board, {})
    assert page.counts()["Overdue supervision"] == 130  # the tiles count everything
    shown = page.items_of("Overdue supervision")
    assert [r.text(0) for r in shown] == [i.title for i in board.overdue[:LIST_LIMIT]]
    more = page.more_row("Overdue supervision")
    assert more is not None and more.text(0) == "and 80 more: show all"
    assert page.more_row("Copies due") is None  # exactly the limit: nothing hidden
    assert len(page.items_of("Copies due")) == LIST_LIMIT
    opened: list[object] = []
    page.open_person.connect(opened.append)
    page.tree.scrollToItem(more)
    rect = page.tree.visualItemRect(more)
    QTest.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())
    assert [r.text(0) for r in page.items_of("Overdue supervision")] == \
        [i.title for i in board.overdue]
    assert page.more_row("Overdue supervision") is None
    assert page.tree.currentItem().text(0) == board.overdue[LIST_LIMIT].title
    QTest.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, rect.center())  # a double-click's end
    assert opened == []  # … does not open the line that took the "more" line's place
    # a refresh shows the first lines again
    page.show_board(board, {})
    assert len(page.items_of("Overdue supervision")) == LIST_LIMIT


def test_enter_on_the_more_line_shows_the_rest_and_items_still_open(qtbot, page) -> None:
    board = _board(overdue=2, copies=LIST_LIMIT + 3)
    page.show_board(board, {})
    page.tree.setFocus()
    page.tree.setCurrentItem(page.more_row("Copies due"))
    QTest.keyClick(page.tree, Qt.Key.Key_Return)
    assert len(page.items_of("Copies due")) == LIST_LIMIT + 3
    row = page.items_of("Copies due")[-1]
    page.tree.setCurrentItem(row)
    with qtbot.waitSignal(page.open_record, timeout=2000) as blocker:
        QTest.keyClick(page.tree, Qt.Key.Key_Return)
    assert blocker.args == [board.copies_due[-1].record_id]


def test_many_teams_are_charted_by_service(store, boss, page) -> None:
    with store.read() as s:
        people = scope_of(s, boss)
        trend = in_timescale_by_month(s, people, AS_OF)
        teams = team_groups(s, people)
    assert len(trend) == 12  # more teams than the chart can tell apart
    assert teams["Team 01"] == TeamGroup("Fostering", 2)
    assert teams["Team 00"] == TeamGroup("Safeguarding", 1)
    services = {team: group.service for team, group in teams.items()}
    weights = {team: group.people for team, group in teams.items()}
    assert page.chart.series() == group_series(trend, services, weights)
    assert set(page.chart.series()) == {"Safeguarding", "Fostering", "Early Help"}
    assert page.chart.group == "service"
    assert page.chart.note.startswith("12 teams shown as 3 services")
    assert page.trend == trend  # the page keeps the teams' own series
    assert not page.chart.grab().isNull()


def test_a_service_is_its_teams_weighted_by_their_supervisees() -> None:
    trend = {f"T{n}": [(MONTHS[0], 1.0), (MONTHS[1], None), (MONTHS[2], 0.5)]
             for n in range(9)}
    trend["T0"] = [(MONTHS[0], 0.0), (MONTHS[1], 0.25), (MONTHS[2], None)]
    teams = {f"T{n}": TeamGroup("North" if n < 5 else "", 3 if n == 0 else 1)
             for n in range(9)}
    lines, what, note = chart_lines(trend, teams)
    assert what == "service" and set(lines) == {"North", "T5", "T6", "T7", "T8"}
    # T0 (three people) at 0 %, T1-T4 (one each) at 100 %: 4 of 7
    assert lines["North"] == [(MONTHS[0], 4 / 7), (MONTHS[1], 0.25), (MONTHS[2], 0.5)]
    assert lines["T5"] == trend["T5"]
    assert note == "9 teams shown as 5 services, weighted by their supervisees"
    few = {name: trend[name] for name in list(trend)[:8]}
    assert chart_lines(few, teams) == (few, "team", "")  # few teams: a line each
    apart = {f"T{n}": TeamGroup(f"S{n}", 1) for n in range(9)}  # nine services: one line
    lines, what, _ = chart_lines(trend, apart)
    assert what == "scope" and list(lines) == ["Everyone in your scope"]
    assert lines["Everyone in your scope"][0] == (MONTHS[0], 8 / 9)


def test_closing_while_the_figures_are_worked_out_does_not_wait(qtbot, store, boss,
                                                                 monkeypatch) -> None:
    """The board takes long (and cannot be told to stop): closing returns at once, and the
    trend is not started once the figures are no longer wanted."""
    real_build = dashboard_page.build
    trends: list[int] = []

    def slow_build(session, actor, as_of=None):
        time.sleep(1.5)
        return real_build(session, actor, as_of)

    monkeypatch.setattr(dashboard_page, "build", slow_build)
    monkeypatch.setattr(dashboard_page, "in_timescale_by_month",
                        lambda *args, **kwargs: trends.append(1) or {})
    widget = DashboardPage(store, boss, as_of=AS_OF, show_reminders=False)
    qtbot.addWidget(widget)
    job = widget._job
    assert job is not None and job.read_only and widget.loading
    time.sleep(0.2)
    begun = time.monotonic()
    assert not stop_all(read_wait_ms=200)
    assert time.monotonic() - begun < 1
    shown: list[int] = []
    widget.refreshed.connect(lambda: shown.append(1))
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        pass
    assert trends == [] and shown == [] and running_jobs() == 0

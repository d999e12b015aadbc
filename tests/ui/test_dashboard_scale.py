"""The dashboard of a whole organisation: long lists show their first lines and the rest on
a click, many teams are charted by service, and closing does not wait for the figures."""

from __future__ import annotations

import time
import uuid
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.compliance import compute
from supervision_audit.services.dashboard import (
    Dashboard,
    Item,
    in_timescale_by_month,
    share,
)
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.common.workers import running_jobs, stop_all
from supervision_audit.ui.dashboard import dashboard_page
from supervision_audit.ui.dashboard.dashboard_page import (
    LIST_LIMIT,
    DashboardPage,
    chart_lines,
    scope_of,
)

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
        services = in_timescale_by_month(s, people, AS_OF, by="service")
        rows = compute(s, AS_OF, people)
    assert len(trend) == 12  # more teams than the chart can tell apart
    assert page.chart.series() == services
    assert set(page.chart.series()) == {"Safeguarding", "Fostering", "Early Help"}
    for service in ("Safeguarding", "Fostering", "Early Help"):  # from the people themselves
        mine = [r for r in rows if r.team in {t for t in trend if _service_of(t) == service}]
        assert page.chart.series()[service][-1] == (AS_OF, share(mine))
    assert page.chart.group == "service"
    assert page.chart.note == "12 teams shown as 3 services"
    assert page.trend == trend  # the page keeps the teams' own series
    assert not page.chart.grab().isNull()


def _service_of(team: str) -> str:
    return ["Safeguarding", "Fostering", "Early Help"][int(team.split()[-1]) % 3]


def test_lines_by_team_then_by_service_then_one_for_everyone() -> None:
    trend = {f"T{n}": [(MONTHS[0], 1.0), (MONTHS[1], None), (MONTHS[2], 0.5)]
             for n in range(9)}
    services = {"North": [(MONTHS[0], 0.5)], "No service": [(MONTHS[0], 1.0)]}
    everyone = {"Everyone in your scope": [(MONTHS[0], 0.75)]}
    few = {name: trend[name] for name in list(trend)[:8]}
    assert chart_lines(few, {"service": services}) == (few, "team", "")  # a line each
    assert chart_lines(trend, {"service": services, "all": everyone}) == (
        services, "service", "9 teams shown as 2 services")
    many = {f"S{n}": [(MONTHS[0], 1.0)] for n in range(9)}  # nine services: one line
    assert chart_lines(trend, {"service": many, "all": everyone}) == (
        everyone, "scope", "9 teams shown as one line")
    assert chart_lines(trend, None) == (trend, "team", "")  # nothing else to show


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
    monkeypatch.setattr(dashboard_page, "in_timescale_trends",
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

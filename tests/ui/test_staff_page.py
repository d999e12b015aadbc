"""The staff list page, driven through its widgets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from supervision_audit.services.staff import list_staff, list_teams, mark_left
from supervision_audit.ui.staff.staff_model import StaffColumn
from supervision_audit.ui.staff.staff_page import StaffPage


@pytest.fixture
def page(qtbot, store, actor, people) -> StaffPage:
    widget = StaffPage()
    qtbot.addWidget(widget)
    with store.read() as session:
        widget.set_rows(list_staff(session, actor, include_left=True),
                        [t.name for t in list_teams(session)])
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_typing_in_the_search_box_filters_the_table(qtbot, page) -> None:
    qtbot.keyClicks(page.search, "UCJ")
    assert page.visible_names() == ["Łucja Żak"]
    assert page.count_label.text() == "1 of 7 people shown"
    page.search.setText("ŻAK")  # QTest types ASCII only; letters beyond it are set
    assert page.visible_names() == ["Łucja Żak"]
    page.search.clear()
    assert len(page.visible_names()) == 7
    assert page.count_label.text() == "7 people shown"


def test_team_and_supervisor_combos_filter(page) -> None:
    teams = [page.team_combo.itemText(i) for i in range(page.team_combo.count())]
    assert teams == ["All teams", "Assessment", "Children in Care", "Leadership"]
    page.team_combo.setCurrentIndex(page.team_combo.findText("Assessment"))
    assert page.visible_names() == ["Łucja Żak", "Mia Manager", "Pat Worker"]
    page.supervisor_combo.setCurrentIndex(page.supervisor_combo.findText("Mia Manager"))
    assert page.visible_names() == ["Łucja Żak", "Pat Worker"]
    page.team_combo.setCurrentIndex(0)
    page.supervisor_combo.setCurrentIndex(page.supervisor_combo.findText("Sam Head"))
    assert page.visible_names() == ["Mia Manager", "Omar Hussain"]


def test_show_leavers_check_box(store, actor, people, page) -> None:
    with store.write() as session:
        mark_left(session, actor, people["P1"], date(2025, 5, 1))
        rows = list_staff(session, actor, include_left=True)
    page.set_rows(rows, [])
    assert "Pat Worker" not in page.visible_names()
    page.show_left.click()
    assert "Pat Worker" in page.visible_names()


def test_clicking_a_header_sorts_by_that_column(qtbot, page) -> None:
    header = page.view.horizontalHeader()
    x = header.sectionViewportPosition(StaffColumn.STAFF_ID) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    ids = [page.proxy.index(r, StaffColumn.STAFF_ID).data() for r in range(7)]
    assert ids == ["M1", "M2", "P1", "P2", "P3", "P10", "S1"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    ids = [page.proxy.index(r, StaffColumn.STAFF_ID).data() for r in range(7)]
    assert ids[0] == "S1"


def test_keyboard_moves_the_selection_and_enter_opens(qtbot, people, page) -> None:
    seen: list[object] = []
    page.current_changed.connect(seen.append)
    page.view.setFocus()
    page.view.selectRow(0)
    assert page.selected_id() == people["P3"]  # Aisha Rahman, first by name
    qtbot.keyClick(page.view, Qt.Key.Key_Down)
    assert page.selected_id() == people["P10"]
    assert seen[-1] == people["P10"]
    with qtbot.waitSignal(page.activated, timeout=1000) as opened:
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert opened.args == [people["P10"]]


def test_filtering_out_the_chosen_person_clears_the_choice(qtbot, people, page) -> None:
    assert page.select(people["P2"])
    seen: list[object] = []
    page.current_changed.connect(seen.append)
    qtbot.keyClicks(page.search, "u")  # Łucja Żak still shown: still chosen
    assert page.selected_id() == people["P2"]
    assert seen == []
    qtbot.keyClicks(page.search, "c")  # only Łucja matches "uc"
    assert page.selected_id() == people["P2"]
    page.search.setText("omar")  # she is filtered out: nobody is chosen, not a neighbour
    assert page.selected_id() is None
    assert seen == [None]


def test_return_in_the_search_box_moves_to_the_first_match(qtbot, people, page) -> None:
    qtbot.keyClicks(page.search, "ben")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.selected_id() == people["P10"]


def test_columns_fit_the_longest_text_of_any_row(qtbot, page) -> None:
    """The widths come from every row (the longest name may be the last of thousands), not
    from the rows Qt would sample; long names are held to a limit."""
    import uuid

    from supervision_audit.services.staff import StaffRow
    from supervision_audit.ui.staff.staff_page import ROOMY_LIMIT

    def person(n: int, name: str, title: str = "Social Worker") -> StaffRow:
        return StaffRow(uuid.uuid4(), f"X{n}", name, title, "Team A", "practitioner", None,
                        "", True)

    rows = [person(n, f"Al {n}") for n in range(1500)]
    rows.append(person(1500, "Zebedee Oyelaran-Whitfield", "Senior Practitioner"))
    rows.append(person(1501, "Zara", "Principal Social Worker and Practice Educator for "
                                     "the Children in Care Service"))
    page.set_rows(rows, ["Team A"])
    metrics = page.view.fontMetrics()
    name_width = page.view.columnWidth(StaffColumn.NAME)
    assert name_width >= metrics.horizontalAdvance("Zebedee Oyelaran-Whitfield") + 10
    assert page.view.columnWidth(StaffColumn.JOB_TITLE) == ROOMY_LIMIT
    header = page.view.horizontalHeader()
    assert page.view.columnWidth(StaffColumn.STAFF_ID) >= header.sectionSizeHint(
        StaffColumn.STAFF_ID)
    page.view.sortByColumn(StaffColumn.NAME, Qt.SortOrder.DescendingOrder)
    assert page.visible_names()[0] == "Zebedee Oyelaran-Whitfield"

"""The dashboard shows the supervisees a line manager must arrange supervision for (R10): no
start date on file, or no supervisor in post (policy line 184), each with its reason."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from supervision_audit.demo import acting_as
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.staff import StaffInput, get_by_staff_id, mark_left, save_staff
from supervision_audit.ui.dashboard.dashboard_page import DashboardPage

D = date
AS_OF = D(2026, 12, 1)
TITLE = "Supervision to arrange"


@pytest.fixture
def page(qtbot, store):
    with store.write() as s:
        for data in (
            StaffInput("H1", "Hana Head", role="senior_manager", team="Leadership"),
            StaffInput("M1", "Mia Manager", role="team_manager", team="Assessment",
                       supervisor_staff_id="H1", employment_start=D(2020, 1, 6)),
            StaffInput("M3", "Mo Moving On", role="team_manager", team="Fostering",
                       supervisor_staff_id="H1"),
            StaffInput("P1", "Pat Dated", team="Assessment", supervisor_staff_id="M1",
                       employment_start=D(2024, 1, 8)),
            StaffInput("U1", "Una Undated", team="Assessment", supervisor_staff_id="M1"),
            StaffInput("W1", "Wyn Left Behind", team="Fostering", supervisor_staff_id="M3",
                       employment_start=D(2024, 1, 8)),
        ):
            save_staff(s, SYS, data, today=D(2026, 6, 1))
        mark_left(s, SYS, get_by_staff_id(s, "M3").id, D(2026, 11, 20))
        hana = acting_as(s, get_by_staff_id(s, "H1").id)
    widget = DashboardPage(store, hana, as_of=AS_OF, background=False)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_tile_counts_them_and_the_list_gives_each_reason(qtbot, page, tmp_path) -> None:
    tile = page.tiles[TITLE]
    assert tile.number.text() == "2" and tile.state == "urgent"
    assert tile.label.text() == TITLE
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    rows = [(r.text(0), r.text(1)) for r in page.items_of(TITLE)]
    assert rows == [("Una Undated", "no start date"),
                    ("Wyn Left Behind", "no supervisor: line manager to arrange")]
    assert page.tree.currentItem().parent() is page.section_header(TITLE)
    page.grab().save(str(tmp_path / "dashboard.png"))

"""The staff table model and its search/filter/sort proxy."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.staff import list_staff, mark_left
from supervision_audit.ui.staff_model import (
    ID_ROLE,
    StaffColumn,
    StaffFilterProxy,
    StaffTableModel,
)


def _model(store, include_left: bool = True) -> StaffTableModel:
    with store.read() as session:
        return StaffTableModel(list_staff(session, SYSTEM_ACTOR, include_left=include_left))


def _names(proxy: StaffFilterProxy) -> list[str]:
    return [proxy.index(r, StaffColumn.NAME).data() for r in range(proxy.rowCount())]


def _proxy(model: StaffTableModel) -> StaffFilterProxy:
    proxy = StaffFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(StaffColumn.NAME, Qt.SortOrder.AscendingOrder)
    return proxy


def test_models_pass_the_model_tester(qtmodeltester, store, people) -> None:
    model = _model(store)
    qtmodeltester.check(model)
    proxy = _proxy(model)
    proxy.set_search("a")
    qtmodeltester.check(proxy)


def test_columns_show_the_row_with_role_labels(store, people) -> None:
    model = _model(store)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in StaffColumn]
    assert headers == ["Name", "Staff id", "Job title", "Team", "Role", "Supervisor", "Status"]
    row = model.row_of(people["P3"])
    shown = [model.index(row, c).data() for c in StaffColumn]
    assert shown == ["Aisha Rahman", "P3", "Social Worker (ASYE)", "Children in Care",
                     "ASYE (newly qualified)", "Omar Hussain", "Active"]
    assert model.index(row, 0).data(ID_ROLE) == people["P3"]


def test_search_is_a_case_insensitive_substring_of_the_name(store, people) -> None:
    proxy = _proxy(_model(store))
    proxy.set_search("ŁUC")
    assert _names(proxy) == ["Łucja Żak"]
    proxy.set_search("  man ")
    assert _names(proxy) == ["Aisha Rahman", "Mia Manager"]
    proxy.set_search("p1")  # staff ids are not names
    assert _names(proxy) == []
    proxy.set_search("")
    assert len(_names(proxy)) == 7


def test_team_and_supervisor_filters_combine(store, people) -> None:
    proxy = _proxy(_model(store))
    proxy.set_team("Children in Care")
    assert _names(proxy) == ["Aisha Rahman", "Ben Carter", "Omar Hussain"]
    proxy.set_supervisor(people["M2"])
    assert _names(proxy) == ["Aisha Rahman", "Ben Carter"]
    proxy.set_team(None)
    proxy.set_supervisor(people["M1"])
    assert _names(proxy) == ["Łucja Żak", "Pat Worker"]


def test_leavers_show_only_when_asked(store, people) -> None:
    with store.write() as session:
        mark_left(session, SYSTEM_ACTOR, people["P10"], date(2025, 6, 30))
    proxy = _proxy(_model(store))
    assert "Ben Carter" not in _names(proxy)
    proxy.set_show_left(True)
    assert "Ben Carter" in _names(proxy)
    row = _names(proxy).index("Ben Carter")
    assert proxy.index(row, StaffColumn.STATUS).data() == "Left"


def test_sorting_follows_the_alphabet_and_numbers(store, people) -> None:
    proxy = _proxy(_model(store))
    assert _names(proxy) == ["Aisha Rahman", "Ben Carter", "Łucja Żak", "Mia Manager",
                             "Omar Hussain", "Pat Worker", "Sam Head"]
    proxy.sort(StaffColumn.NAME, Qt.SortOrder.DescendingOrder)
    assert _names(proxy)[0] == "Sam Head"
    proxy.sort(StaffColumn.STAFF_ID, Qt.SortOrder.AscendingOrder)
    ids = [proxy.index(r, StaffColumn.STAFF_ID).data() for r in range(proxy.rowCount())]
    assert ids == ["M1", "M2", "P1", "P2", "P3", "P10", "S1"]

"""The staff table model and its search/filter/sort proxy."""

from __future__ import annotations

import functools
import random
import uuid
from datetime import date

from PySide6.QtCore import QPersistentModelIndex, Qt

from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.staff import StaffRow, list_staff, mark_left
from supervision_audit.ui.staff.staff_model import (
    ID_ROLE,
    StaffColumn,
    StaffFilterProxy,
    StaffTableModel,
    name_collator,
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


def _crowd(n: int) -> list[StaffRow]:
    """``n`` people in 40 teams under 50 supervisors, in no particular order."""
    rng = random.Random(7)
    firsts = ["Aled", "Łucja", "Zoë", "amir", "Bea", "Chidi", "Dara", "Émile", "Fen", "Gus"]
    bosses = [(uuid.uuid4(), f"Boss {k}") for k in range(50)]
    rows = []
    for _ in range(n):
        boss_id, boss_name = rng.choice(bosses)
        rows.append(StaffRow(uuid.uuid4(), f"SW{rng.randrange(10_000)}",
                             f"{rng.choice(firsts)} {rng.choice(firsts)}son", "Social Worker",
                             f"Team {rng.randrange(40)}", "practitioner", boss_id, boss_name,
                             active=rng.random() > 0.1))
    return rows


def test_thousands_sort_and_filter_without_asking_the_model_at_each_comparison(
        qtmodeltester, monkeypatch) -> None:
    rows = _crowd(2000)
    model = StaffTableModel(rows)
    calls: list[int] = []
    original = StaffTableModel.data
    monkeypatch.setattr(StaffTableModel, "data",
                        lambda self, index, role=Qt.ItemDataRole.DisplayRole:
                        calls.append(role) or original(self, index, role))
    proxy = _proxy(model)
    proxy.set_show_left(True)
    proxy.sort(StaffColumn.STAFF_ID, Qt.SortOrder.DescendingOrder)
    proxy.set_search("son")
    proxy.set_team("Team 3")
    proxy.set_team(None)
    proxy.sort(StaffColumn.TEAM, Qt.SortOrder.AscendingOrder)
    assert len(calls) < 100  # a sort in the proxy asks for two values per comparison
    ids = [proxy.index(r, StaffColumn.STAFF_ID).data() for r in range(proxy.rowCount())]
    collator = name_collator()
    ids_sorted = sorted(ids, key=functools.cmp_to_key(collator.compare), reverse=True)
    proxy.sort(StaffColumn.STAFF_ID, Qt.SortOrder.DescendingOrder)
    ids = [proxy.index(r, StaffColumn.STAFF_ID).data() for r in range(proxy.rowCount())]
    assert ids == ids_sorted  # numbers by their value: SW9 before SW10
    monkeypatch.setattr(StaffTableModel, "data", original)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_equal_values_keep_their_previous_order_and_the_choice_follows_a_sort(
        qtbot) -> None:
    """As Qt's stable sort: sorted by name, then by team (either way round), each team's
    people stay in name order; the chosen row moves with its person."""
    rows = _crowd(300)
    model = StaffTableModel(rows)
    proxy = _proxy(model)  # by name
    proxy.set_show_left(True)
    chosen = QPersistentModelIndex(proxy.index(17, StaffColumn.NAME))
    person = chosen.data(ID_ROLE)
    collator = name_collator()
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(StaffColumn.TEAM, order)
        shown = [(proxy.index(r, StaffColumn.TEAM).data(), proxy.index(r, 0).data())
                 for r in range(proxy.rowCount())]
        for (team_a, name_a), (team_b, name_b) in zip(shown, shown[1:], strict=False):
            if team_a == team_b:  # a tie: still in name order
                assert collator.compare(name_a, name_b) <= 0
        teams = [team for team, _ in shown]
        expected = sorted(teams, key=functools.cmp_to_key(collator.compare),
                          reverse=order == Qt.SortOrder.DescendingOrder)
        assert teams == expected  # "Team 3" before "Team 10"
        assert chosen.isValid() and chosen.data(ID_ROLE) == person  # it moved with its row
        assert proxy.index(chosen.row(), 0).data(ID_ROLE) == person
    model.set_rows(list(reversed(rows)))  # new rows: sorted afresh, ties as given
    shown = [(proxy.index(r, StaffColumn.TEAM).data(), proxy.index(r, 0).data(ID_ROLE))
             for r in range(proxy.rowCount())]
    given = {row.id: n for n, row in enumerate(reversed(rows))}
    for (team_a, a), (team_b, b) in zip(shown, shown[1:], strict=False):
        assert team_a != team_b or given[a] < given[b]
    assert model.rows() == list(reversed(rows))  # in the order given

"""A replica holds exactly its user's scope, as the desktop's rules draw it: a supervisee
moved into it is back-filled, one moved out is removed from the laptop (and a change
written to them offline meanwhile is refused, kept on the laptop, not lost)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from supervision_audit.models import Staff, SupervisionRecord
from supervision_audit.pg.store import open_pg_store
from supervision_audit.services.access import SYSTEM_ACTOR
from supervision_audit.services.accounts import grant_inspector
from supervision_audit.services.records import records_of
from supervision_audit.services.staff import (
    get_by_staff_id,
    save_staff,
    staff_input_of,
    supervisor_history,
)
from supervision_audit.sync.conflicts import kept_changes
from supervision_audit.ui.app import create_main_window
from tests.pg.pg_helpers import create_database, drop_database, running_server
from tests.pg.sync_helpers import NO_VAULT, PASSWORD, Laptop, completed, seed
from tests.record_helpers import signed_record
from tests.ui.driving import click_row


@dataclass
class Org:
    base: str
    db: str
    ids: dict[str, uuid.UUID]
    records: dict[str, uuid.UUID]


@pytest.fixture(scope="module")
def org(pg_server: str, pg_template: str) -> Iterator[Org]:
    db = create_database(pg_server, pg_template)
    try:
        ids = seed(db)
        store = open_pg_store(db)
        try:
            with store.write() as s:
                records = {sid: signed_record(s, sid, date(2025, 2, 3)).id
                           for sid in ("P1", "P3")}
                grant_inspector(s, SYSTEM_ACTOR, NO_VAULT, ids["A1"], "inspector", PASSWORD,
                                until=date.today() + timedelta(days=30),
                                team_names=["Assessment"])
        finally:
            store.close()
        with running_server(db) as (base, _process):
            yield Org(base, db, ids, records)
    finally:
        drop_database(db)


def _move(org: Org, staff_id: str, supervisor: str, team: str) -> None:
    """On the server: ``staff_id`` now supervised by ``supervisor`` in ``team``."""
    store = open_pg_store(org.db)
    try:
        with store.write() as s:
            person = get_by_staff_id(s, staff_id)
            save_staff(s, SYSTEM_ACTOR, replace(staff_input_of(s, person),
                                                supervisor_staff_id=supervisor, team=team),
                       person.id)
    finally:
        store.close()


def _people(laptop: Laptop) -> set[str]:
    with laptop.reading() as (session, _actor):
        return {p.staff_id for p in session.exec(select(Staff))}


def _holds(laptop: Laptop, record_id: uuid.UUID) -> bool:
    with laptop.reading() as (session, _actor):
        return session.get(SupervisionRecord, record_id) is not None


def test_an_inspectors_replica_holds_the_teams_granted(org: Org, tmp_path: Path) -> None:
    inspector = Laptop(tmp_path / "inspector.sqlite", "inspector", org.base)
    inspector.create()
    assert _holds(inspector, org.records["P1"])  # the Assessment team
    assert not _holds(inspector, org.records["P3"])  # Children in Care: not granted
    assert {"M1", "P1", "P2"} <= _people(inspector)
    assert not {"P3", "P10"} & _people(inspector)


@pytest.mark.slow
def test_a_supervisee_moved_in_is_back_filled_and_moved_out_is_removed(
        org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    omar = Laptop(tmp_path / "omar.sqlite", "omar", org.base)
    mia.create()
    omar.create()
    assert _holds(mia, org.records["P1"]) and not _holds(omar, org.records["P1"])
    with mia.writing() as (session, actor):  # offline, she writes in Pat's file ...
        draft = completed(session, actor, org.ids["P1"], date(2025, 6, 2),
                          discussion="Written before the move")
    _move(org, "P1", "M2", "Children in Care")  # ... while Pat moves to Omar's team
    report = omar.sync()
    assert [org.ids["P1"]] == [uuid.UUID(f) for f in report.files_added]
    with omar.reading() as (session, actor):
        assert org.records["P1"] in {r.id for r in records_of(session, actor, org.ids["P1"])}
    report = mia.sync()
    assert [r.table for r in report.refused if r.table == "supervision_record"] == [
        "supervision_record"]  # her record for Pat: no longer hers to write
    assert [uuid.UUID(f) for f in report.files_removed] == [org.ids["P1"]]
    assert not _holds(mia, org.records["P1"]) and not _holds(mia, draft)
    assert "P1" not in _people(mia)
    with mia.reading() as (session, _actor):  # what she wrote is kept, with the reason
        kept = [k for k in kept_changes(session.connection())
                if k.table == "supervision_record"]
    assert kept and kept[0].local is not None
    assert kept[0].local["values"]["discussion"] == "Written before the move"
    assert "may not write records" in kept[0].reason
    # moved back: back-filled again
    _move(org, "P1", "M1", "Assessment")
    assert [uuid.UUID(f) for f in mia.sync().files_added] == [org.ids["P1"]]
    assert _holds(mia, org.records["P1"]) and "P1" in _people(mia)


def test_the_window_opens_a_replica_as_any_store(qtbot, org: Org, tmp_path: Path) -> None:
    mia = Laptop(tmp_path / "mia.sqlite", "mia", org.base)
    mia.create()
    with mia.opened() as found:
        window = create_main_window(found.store, found.actor)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        try:
            assert window.status_label.text().startswith("mia.sqlite")
            model = window.staff_page.view.model()
            names = {model.index(row, 0).data() for row in range(model.rowCount())}
            assert {"Pat Worker", "Łucja Żak"} <= names and "Aisha Rahman" not in names
            click_row(window.staff_page.view, "Pat Worker")
            assert window.records_panel is not None
            table = window.records_panel.table
            assert [table.item(row, 2).text() for row in range(table.rowCount())] == ["Final"]
        finally:
            window.close()


def test_a_move_within_the_scope_brings_the_new_line_and_its_history(
        org: Org, tmp_path: Path) -> None:
    head = Laptop(tmp_path / "head.sqlite", "head", org.base)
    head.create()
    _move(org, "P2", "M2", "Children in Care")  # still below Sam Head: no back-fill
    try:
        report = head.sync()
        assert report.files_added == [] and report.files_removed == []
        with head.reading() as (session, _actor):
            person = session.get(Staff, org.ids["P2"])
            assert person is not None and person.supervisor_id == org.ids["M2"]
            history = supervisor_history(session, org.ids["P2"])
            assert [h.supervisor_id for h in history][-1] == org.ids["M2"]
            assert len(history) == 2 and history[0].ended_on is not None
    finally:
        _move(org, "P2", "M1", "Assessment")

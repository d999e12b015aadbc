"""The schedule as iCalendar, read back by two parsers (icalendar and vobject): times in
Europe/London with its VTIMEZONE, a SEQUENCE that rises when a session moves, the
supervisor as ORGANIZER and both people as ATTENDEEs, METHOD:PUBLISH, and withdrawn
sessions published as cancelled."""

from __future__ import annotations

from datetime import date as D
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.record_export import export_schedule_ics
from supervision_audit.services.sessions import miss_session, move_session, plan_year
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def planned(unit_store):
    with unit_store.write() as s:
        save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager",
                                      email="mia@example.org"))
        save_staff(s, SYS, StaffInput("P1", "Łucja Żak", supervisor_staff_id="M1",
                                      email="lucja@example.org"))
        p1 = get_by_staff_id(s, "P1").id
        # January to June: across the clock change on 29 March 2026
        sessions = plan_year(s, SYS, p1, D(2026, 1, 5), 0, time(10), months=6)
    return unit_store, p1, sessions


def _export(store, p1, tmp_path, name="s.ics") -> bytes:
    with store.write() as s:
        export_schedule_ics(s, SYS, p1, tmp_path / name)
    return (tmp_path / name).read_bytes()


def test_times_carry_the_london_zone_across_the_clock_change(planned, tmp_path) -> None:
    store, p1, _sessions = planned
    data = _export(store, p1, tmp_path)
    calendar = Calendar.from_ical(data)
    assert str(calendar["method"]) == "PUBLISH"
    zones = [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:20260105T100000" in data
    second = vobject.readOne(data.decode())  # the second parser
    starts = sorted(e.dtstart.value for e in second.vevent_list)
    assert len(starts) == 6
    january, june = starts[0], starts[-1]
    # ten o'clock on the wall in winter and in summer: 10:00 GMT, then 09:00 UTC (BST)
    assert january.astimezone(ZoneInfo("UTC")).hour == 10
    assert june.astimezone(ZoneInfo("UTC")).hour == 9
    assert june.astimezone(LONDON).hour == 10


def test_organizer_and_attendees_are_the_two_people(planned, tmp_path) -> None:
    store, p1, _sessions = planned
    event = vobject.readOne(_export(store, p1, tmp_path).decode()).vevent_list[0]
    assert event.organizer.value == "mailto:mia@example.org"
    assert event.organizer.params["CN"] == ["Mia Manager"]
    attendees = {a.value: a.params["CN"][0] for a in event.attendee_list}
    assert attendees == {"mailto:mia@example.org": "Mia Manager",
                         "mailto:lucja@example.org": "Łucja Żak"}


def test_moving_a_session_raises_its_sequence_and_keeps_its_uid(planned, tmp_path) -> None:
    store, p1, sessions = planned
    before = {str(e["uid"]): int(e["sequence"])
              for e in Calendar.from_ical(_export(store, p1, tmp_path)).walk("VEVENT")}
    assert set(before.values()) == {0}
    with store.write() as s:
        move_session(s, SYS, sessions[1].id, D(2026, 2, 10), time(14))
        moved = move_session(s, SYS, sessions[1].id, D(2026, 2, 11), time(14))
    after = {str(e["uid"]): e for e in
             Calendar.from_ical(_export(store, p1, tmp_path, "t.ics")).walk("VEVENT")}
    assert set(after) == set(before)  # the same events, updated in place
    event = after[f"{moved.id}@supervision-audit"]
    assert int(event["sequence"]) == 2
    assert event.decoded("dtstart") == datetime(2026, 2, 11, 14, 0, tzinfo=LONDON)
    assert {int(e["sequence"]) for uid, e in after.items() if uid != str(event["uid"])} == {0}


def test_a_withdrawn_session_is_published_as_cancelled(planned, tmp_path) -> None:
    store, p1, sessions = planned
    with store.write() as s:
        miss_session(s, SYS, sessions[2].id, status="cancelled", reason="Sickness")
    events = {str(e["uid"]): e for e in
              Calendar.from_ical(_export(store, p1, tmp_path)).walk("VEVENT")}
    gone = events[f"{sessions[2].id}@supervision-audit"]
    assert str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) == 1
    assert sum(str(e["status"]) == "CONFIRMED" for e in events.values()) == 5

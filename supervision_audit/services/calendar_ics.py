"""A person's supervision schedule as an iCalendar file for both diaries (R9).

Times carry their zone (Europe/London, with its VTIMEZONE), so a diary set to another zone,
or one that moves across the clock change, still shows the session at the right hour. Each
session keeps one UID; its SEQUENCE rises each time the session is moved, so a calendar that
imports the file again updates the event rather than keeping the old time. A session that is
no longer going ahead (postponed or cancelled) is published as cancelled, so re-importing
takes it out of the diary. The supervisor is the ORGANIZER and the supervisee an ATTENDEE.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from supervision_audit.models import EventLog, Staff, SupervisionSession

ZONE = "Europe/London"  # the policy's organisations are in England
PRODID = "-//Supervision Audit//Schedule//EN"
WITHDRAWN = ("postponed", "cancelled")


def _moves(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many times each session was moved (its ``session.move`` entries in the log)."""
    if not ids:
        return {}
    rows = session.exec(
        select(EventLog.subject_id, func.count()).where(
            EventLog.action == "session.move", EventLog.subject_kind == "session",
            EventLog.subject_id.in_([str(i) for i in ids]))  # type: ignore[attr-defined]
        .group_by(EventLog.subject_id)).all()
    return {uuid.UUID(subject): int(count) for subject, count in rows}


def _address(person: Staff, role: str) -> object:
    """A calendar user: their e-mail where known, else a stable name for the person."""
    from icalendar import vCalAddress

    uri = f"mailto:{person.email}" if person.email else f"urn:x-supervision-audit:{person.staff_id}"
    address = vCalAddress(uri)
    address.params["cn"] = person.name
    address.params["role"] = role
    return address


def london_timezone() -> object:
    """Europe/London as calendars define it (the rule since 1996: summer time from the last
    Sunday of March, 01:00 UTC, to the last Sunday of October), compact and read alike by
    every calendar program (a list of past changes is not)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", ZONE)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", datetime(1970, 3, 29, 1, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    summer.add("tzoffsetfrom", timedelta(0))
    summer.add("tzoffsetto", timedelta(hours=1))
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime(1970, 10, 25, 2, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(0))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def schedule_calendar(session: Session, person: Staff, *, from_date: date | None = None,
                      now: datetime | None = None) -> bytes:
    """The planned sessions of ``person`` from ``from_date`` (default: all), and those that
    were withdrawn, as the bytes of an iCalendar (METHOD:PUBLISH) file."""
    from icalendar import Calendar, Event

    zone = ZoneInfo(ZONE)
    stamp = (now or datetime.now(zone)).astimezone(ZoneInfo("UTC"))
    boss = session.get(Staff, person.supervisor_id) if person.supervisor_id else None
    rows = [row for row in session.exec(
        select(SupervisionSession).where(SupervisionSession.supervisee_id == person.id)
        .order_by(SupervisionSession.planned_date)).all()  # type: ignore[arg-type]
        if row.status in ("planned", *WITHDRAWN)
        and (from_date is None or row.planned_date >= from_date)]
    moves = _moves(session, [row.id for row in rows])

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Supervision: {person.name}")
    calendar.add("x-wr-timezone", ZONE)
    calendar.add_component(london_timezone())
    for row in rows:
        event = Event()
        event.add("uid", f"{row.id}@supervision-audit")
        event.add("sequence", moves.get(row.id, 0) + (1 if row.status in WITHDRAWN else 0))
        event.add("dtstamp", stamp)
        event.add("summary", f"Supervision: {person.name}"
                             f"{' with ' + boss.name if boss else ''}")
        if row.planned_time is not None:
            start = datetime.combine(row.planned_date, row.planned_time, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=row.duration_minutes))
        else:
            event.add("dtstart", row.planned_date)
        if row.venue:
            event.add("location", row.venue)
        event.add("status", "CANCELLED" if row.status in WITHDRAWN else "CONFIRMED")
        event.add("description", "Formal supervision (1.5 hours), booked in both diaries."
                  if row.status == "planned" else
                  f"This session is {row.status}: {row.reason or 'no reason recorded'}.")
        if boss is not None:
            event.add("organizer", _address(boss, "CHAIR"))
            event.add("attendee", _address(boss, "CHAIR"))
        event.add("attendee", _address(person, "REQ-PARTICIPANT"))
        calendar.add_component(event)
    return calendar.to_ical()


def planned_count(calendar_bytes: bytes) -> int:
    """How many sessions the file books (for the log's note)."""
    return calendar_bytes.count(b"STATUS:CONFIRMED")

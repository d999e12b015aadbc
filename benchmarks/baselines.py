"""Baselines for ``benchmarks.run``: the same work done by hand, to judge the app's cost.

``RawFile`` opens one supervision file through the raw driver alone (``sqlcipher3``, no
SQLAlchemy, none of the app's code): exactly what the window's file view is given when a
person is chosen (``ui.file.file_data.load_file``, ``services.sessions.monitoring_sheet`` and
``services.records.records_of``): the person with their team and supervisor, the
permission walk up the line of management, the supervision history, the contract
versions with their last signature, the supervisor in post today, the monitoring sheet's
sessions and every record on the file (its own and its group records) with the form's
answers decoded, each value made the Python type the view uses (UUIDs, dates, times).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as driver

PERSON_SQL = (
    "SELECT s.id, s.staff_id, s.name, s.job_title, s.role, s.employment_start, s.asye_start,"
    " s.active, s.left_on, s.supervisor_id, t.name, b.name FROM staff s"
    " LEFT JOIN team t ON t.id = s.team_id LEFT JOIN staff b ON b.id = s.supervisor_id"
    " WHERE s.id = ?")
BOSS_SQL = "SELECT supervisor_id FROM staff WHERE id = ?"
HISTORY_SQL = (
    "SELECT b.name, c.started_on, c.ended_on, c.supervisor_id FROM supervisor_change c"
    " LEFT JOIN staff b ON b.id = c.supervisor_id WHERE c.supervisee_id = ?"
    " ORDER BY c.started_on, c.created_at")
CONTRACTS_SQL = (
    "SELECT c.id, c.version, c.date_agreed, c.locked_at, c.supervisor_id,"
    " (SELECT max(g.signed_at) FROM signature g WHERE g.record_kind = 'contract'"
    " AND g.record_id = c.id) FROM contract c WHERE c.supervisee_id = ?"
    " ORDER BY c.version DESC")
SESSIONS_SQL = (
    "SELECT id, planned_date, planned_time, status, reason, comments, rescheduled_for,"
    " rescheduled_recorded_on, rescheduled_session_id, reported_to_manager_on"
    " FROM supervision_session WHERE supervisee_id = ? ORDER BY planned_date, planned_time")
RECORDS_SQL = (
    "SELECT id, form_key, session_id, supervisee_id, supervisor_id,"
    " held_on, start_time, end_time, status, \"values\", draft_saved_at, locked_at,"
    " copy_given_on, copy_method FROM supervision_record WHERE supervisee_id = ?"
    " OR id IN (SELECT record_id FROM group_attendee WHERE staff_id = ?)"
    " ORDER BY held_on DESC")


def _uuid(text: str | None) -> uuid.UUID | None:
    return uuid.UUID(hex=text) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _clock(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


class RawFile:
    """One connection of the raw driver to the store, kept open as the app keeps its pool."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self.conn = driver.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False)
        if key is not None:
            self.conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        self.conn.execute("PRAGMA cache_size = -16384")  # the app's cap per connection

    def close(self) -> None:
        self.conn.close()

    def open_file(self, actor_staff: uuid.UUID, person: uuid.UUID) -> int:
        """Everything the file view is given; returns the number of values made."""
        c = self.conn
        key = person.hex
        c.execute("BEGIN")
        try:
            made: list[Any] = []
            row = c.execute(PERSON_SQL, (key,)).fetchone()
            made.append((_uuid(row[0]), row[1], row[2], row[3], row[4], _day(row[5]),
                         _day(row[6]), bool(row[7]), _day(row[8]), row[10] or "",
                         row[11] or ""))
            boss, seen = row[9], set()  # may the actor read it: walk up the line
            while boss is not None and boss != actor_staff.hex and boss not in seen:
                seen.add(boss)
                above = c.execute(BOSS_SQL, (boss,)).fetchone()
                boss = above[0] if above else None
            made.append(boss == actor_staff.hex or person == actor_staff)
            history = [(name or "", _day(start), _day(end), _uuid(sup))
                       for name, start, end, sup in c.execute(HISTORY_SQL, (key,))]
            made.extend(history)
            made.extend((_uuid(i), v, _day(agreed), _moment(locked), _uuid(sup), _moment(last))
                        for i, v, agreed, locked, sup, last in c.execute(CONTRACTS_SQL, (key,)))
            made.extend((_uuid(r[0]), _day(r[1]), _clock(r[2]), r[3], r[4], r[5], _day(r[6]),
                         _day(r[7]), _uuid(r[8]), _day(r[9]))
                        for r in c.execute(SESSIONS_SQL, (key,)))
            made.extend((_uuid(r[0]), r[1], _uuid(r[2]), _uuid(r[3]), _uuid(r[4]), _day(r[5]),
                         _clock(r[6]), _clock(r[7]), r[8], json.loads(r[9]), _moment(r[10]),
                         _moment(r[11]), _day(r[12]), r[13])
                        for r in c.execute(RECORDS_SQL, (key, key)))
        finally:
            c.execute("ROLLBACK")
        return len(made)


LAST_COMPLETED_SQL = ("SELECT supervisee_id, max(planned_date) FROM supervision_session "
                      "WHERE status = 'completed' AND planned_date <= ? GROUP BY supervisee_id")


def raw_aggregate(store: Any, today: date) -> int:
    """The aggregate the compliance view needs, by hand: last completed per supervisee."""
    with store.engine.connect() as conn:
        return len(conn.exec_driver_sql(LAST_COMPLETED_SQL, (today.isoformat(),)).fetchall())


def raw_file_sql(store: Any, staff_uuid: uuid.UUID) -> int:
    """The rows one file shows, by hand: the person and their contracts, sessions, records
    (own and group) with their JSON decoded, open actions, and the records' signatures, each
    query on its index. What any loader of the file must at least do."""
    key = staff_uuid.hex
    records_sql = ("SELECT * FROM supervision_record WHERE supervisee_id = ? UNION ALL "
                   "SELECT r.* FROM group_attendee g JOIN supervision_record r ON "
                   "r.id = g.record_id WHERE g.staff_id = ?")
    with store.engine.connect() as conn:
        n = len(conn.exec_driver_sql("SELECT * FROM staff WHERE id = ?", (key,)).fetchall())
        contracts = conn.exec_driver_sql("SELECT * FROM contract WHERE supervisee_id = ?",
                                         (key,)).fetchall()
        n += len(contracts)
        n += len(conn.exec_driver_sql(
            "SELECT * FROM supervision_session WHERE supervisee_id = ? ORDER BY planned_date",
            (key,)).fetchall())
        cursor = conn.exec_driver_sql(records_sql + " ORDER BY held_on DESC", (key, key))
        names = list(cursor.keys())
        records = cursor.fetchall()
        values = names.index("values")
        n += sum(len(json.loads(r[values]) or {}) for r in records)
        n += len(conn.exec_driver_sql(
            "SELECT * FROM action_item WHERE supervisee_id = ? AND status = 'open'",
            (key,)).fetchall())
        for kind, rows in (("record", records), ("contract", contracts)):
            ids = [r[0] for r in rows]
            if ids:
                marks = ",".join("?" * len(ids))
                n += len(conn.exec_driver_sql(
                    f"SELECT * FROM signature WHERE record_kind = ? AND record_id IN ({marks})",
                    (kind, *ids)).fetchall())
        return n


def own_queries(store: Any, work: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) ``work`` sends to SQLite."""
    from sqlalchemy import event

    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return sent


def replay(store: Any, statements: list[tuple[str, Any]]) -> int:
    """The same statements run raw (DB-API, every row fetched, nothing made of them): what
    the operation costs SQLite alone, the baseline its own Python work is judged against.
    Run with the page cache an organisation-wide read has (lifted, then given back), as
    the operation's own statements are."""
    from supervision_audit.db import PAGE_CACHE_KIB, WIDE_CACHE_KIB

    raw = store.engine.raw_connection()
    try:  # from the page cache an organisation-wide read starts with, and gives back after
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA cache_size = -{WIDE_CACHE_KIB}")
        try:
            return sum(len(cursor.execute(sql, params).fetchall())
                       for sql, params in statements)
        finally:
            cursor.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            cursor.execute("PRAGMA shrink_memory")
    finally:
        raw.close()


def flatten(values: Any) -> Iterator[str]:
    if isinstance(values, dict):
        for key, value in values.items():
            for text in flatten(value):
                yield f"{key}: {text}"
    elif isinstance(values, list):
        for item in values:
            yield from flatten(item)
    elif values not in (None, ""):
        yield str(values)


def raw_reportlab(texts: list[str], pages: int, out: Path) -> int:
    """A plain reportlab document of ``pages`` pages holding ``texts`` (the same font the
    app embeds); returns the pages written."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from supervision_audit.paths import font_path

    if "BenchSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BenchSans", str(font_path("DejaVuSans.ttf"))))
    style = ParagraphStyle("body", fontName="BenchSans", fontSize=9, leading=11)
    story: list[Any] = []
    per_page = max(1, -(-len(texts) // max(pages, 1)))
    for start in range(0, len(texts), per_page):
        if story:
            story.append(PageBreak())
        story += [Paragraph(escape(t), style) for t in texts[start:start + per_page]]
    doc = SimpleDocTemplate(str(out), pagesize=A4)
    doc.build(story)
    return doc.page


def raw_workbook(shape: list[tuple[str, int, int]], out: Path) -> None:
    """A plain openpyxl workbook with the same sheets, rows and columns."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, cols in shape:
        ws = wb.create_sheet(title[:31])
        for r in range(rows):
            ws.append([f"cell {r}-{c}" if c % 2 else r * c for c in range(cols)])
    wb.save(out)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)

"""Benchmarks on a large organisation: a table of figures beside their baselines and targets.

    python -m benchmarks.run --db big.sqlite [--runs 5]

Generates the organisation first when ``--db`` does not exist (``benchmarks.generate``, in
a child process so that its memory is not counted here). Each figure is the median of
``--runs`` runs in this process (the first run is shown apart: it reads the file from
disk into SQLite's cache); the cold start is the median of as many new processes. Times
are wall-clock. Nothing is asserted: the table says which targets (issue 9) are met.

The user data folder (the seal certificate) and Qt's settings go to a private temporary
folder, never the user's own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PASSWORD = "benchmark-password"
SEAL_PASSPHRASE = "benchmark seal passphrase"
ROOT = Path(__file__).resolve().parents[1]


class Rows(list):  # type: ignore[type-arg]
    """The table's rows; each is printed to stderr as soon as it is measured."""

    def append(self, row: Row) -> None:  # type: ignore[override]
        super().append(row)
        print(f"  {row.what}: {_fmt(row.median, row.unit)} (first {_fmt(row.times[0], row.unit)}"
              f"; baseline {_fmt(row.baseline)})", file=sys.stderr, flush=True)


@dataclass
class Row:
    what: str
    times: list[float]  # seconds; the first run first
    baseline: float | None = None  # seconds
    baseline_what: str = ""
    target: float | None = None  # seconds, an absolute limit
    target_ratio: float | None = None  # times the baseline
    note: str = ""
    unit: str = "s"

    @property
    def median(self) -> float:
        later = self.times[1:] or self.times
        return statistics.median(later)

    def verdict(self) -> str:
        if self.target is None and self.target_ratio is None:
            return ""
        ok = self.target is None or self.median <= self.target
        if self.target_ratio is not None and self.baseline:
            ok = ok and self.median <= self.target_ratio * self.baseline
        return "yes" if ok else "**NO**"


def _fmt(seconds: float | None, unit: str = "s") -> str:
    if seconds is None:
        return ""
    if unit == "MiB":
        return f"{seconds:.0f} MiB"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(rows: list[Row]) -> str:
    out = ["| operation | median | first run | baseline | × baseline | target | met | note |",
           "|---|---:|---:|---|---:|---|---|---|"]
    for r in rows:
        ratio = f"{r.median / r.baseline:.1f}×" if r.baseline else ""
        base = f"{_fmt(r.baseline, r.unit)} ({r.baseline_what})" if r.baseline is not None \
            else r.baseline_what
        target = " and ".join(t for t in (
            f"< {_fmt(r.target, r.unit)}" if r.target is not None else "",
            f"≤ {r.target_ratio:g}× baseline" if r.target_ratio is not None else "") if t)
        first = _fmt(r.times[0], r.unit) if len(r.times) > 1 else ""
        out.append(f"| {r.what} | {_fmt(r.median, r.unit)} | {first} | {base} | {ratio} | "
                   f"{target} | {r.verdict()} | {r.note} |")
    return "\n".join(out)


def timed(work: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def private_folders() -> Path:
    """Point the user data folder and Qt's settings at a temporary folder of our own."""
    folder = Path(tempfile.mkdtemp(prefix="supervision-audit-bench-"))
    os.environ.update(HOME=str(folder), XDG_DATA_HOME=str(folder / "data"),
                      XDG_CONFIG_HOME=str(folder / "config"),
                      XDG_CACHE_HOME=str(folder / "cache"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return folder


# -- cold start -----------------------------------------------------------------------------
def cold_starts(db: Path, runs: int, user: str) -> tuple[list[dict[str, float]], list[float]]:
    """New processes showing the main window; and the bare Qt window's start times.

    The app's modules are compiled to bytecode first, as an installed app ships them (the
    desktop build holds only bytecode), and the processes may use their cached bytecode
    even where the environment asks Python not to write it."""
    import compileall

    for folder in ("supervision_audit", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def one(args: list[str]) -> dict[str, float]:
        started = time.time()
        result = subprocess.run([sys.executable, "-m", "benchmarks.start_window", *args],
                                cwd=ROOT, capture_output=True, text=True, timeout=600,
                                env=env)
        lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
        if result.returncode != 0 or not lines:
            raise RuntimeError(f"start_window failed:\n{result.stdout}\n{result.stderr}")
        steps = json.loads(lines[-1])
        steps["total_s"] = steps["idle_at"] - started
        if "dashboard_at" in steps:
            steps["dashboard_total_s"] = steps["dashboard_at"] - started
        return steps

    app = [one(["--db", str(db), "--user", user, "--password", PASSWORD])
           for _ in range(runs)]
    bare = [one(["--bare"])["total_s"] for _ in range(runs)]
    return app, bare


# -- baselines ------------------------------------------------------------------------------
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
    the operation costs SQLite alone, the baseline its own Python work is judged against."""
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        return sum(len(cursor.execute(sql, params).fetchall()) for sql, params in statements)
    finally:
        raw.close()


def _flatten(values: Any) -> Iterator[str]:
    if isinstance(values, dict):
        for key, value in values.items():
            for text in _flatten(value):
                yield f"{key}: {text}"
    elif isinstance(values, list):
        for item in values:
            yield from _flatten(item)
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


# -- the run --------------------------------------------------------------------------------
@dataclass
class Subjects:
    director: Any  # OpenStore
    manager: Any
    person: uuid.UUID  # the five-year file: the manager's supervisee with most records
    other: uuid.UUID  # another of the manager's supervisees (to switch files in the window)
    record: uuid.UUID  # that person's latest complete record


def pick_subjects(db: Path) -> Subjects:
    from supervision_audit.services.signin import sign_in

    director = sign_in(db, "director", PASSWORD)
    manager = sign_in(db, "manager", PASSWORD)
    with manager.store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.id, count(r.id) AS n FROM staff s JOIN supervision_record r ON "
            "r.supervisee_id = s.id WHERE s.supervisor_id = ? GROUP BY s.id ORDER BY n DESC",
            (manager.actor.staff_id.hex,)).fetchall()
        person = uuid.UUID(rows[0][0])
        record = conn.exec_driver_sql(
            "SELECT id FROM supervision_record WHERE supervisee_id = ? AND status = 'complete'"
            " ORDER BY held_on DESC LIMIT 1", (person.hex,)).fetchone()[0]
    return Subjects(director, manager, person, uuid.UUID(rows[1][0]), uuid.UUID(record))


@contextmanager
def reading(opened: Any) -> Iterator[Any]:
    with opened.store.read() as session:
        yield session


def run(db: Path, runs: int, work: Path, cold_runs: int) -> tuple[list[Row], dict[str, Any]]:
    from supervision_audit.services.compliance import compute
    from supervision_audit.services.dashboard import build
    from supervision_audit.services.monthly_return import build_monthly_return
    from supervision_audit.services.record_export import export_record_pdf
    from supervision_audit.services.records import records_of
    from supervision_audit.services.seal_setup import set_up_seal
    from supervision_audit.services.sessions import monitoring_sheet
    from supervision_audit.services.signin import sign_in
    from supervision_audit.ui.file_data import load_file

    today = date.today()
    info: dict[str, Any] = {}
    rows = Rows()

    # cold start first, while this process is small and the machine quiet
    app, bare = cold_starts(db, cold_runs, "director")
    median = statistics.median
    info["cold"] = {k: median(s[k] for s in app) for k in app[0]}
    sign_in_s = info["cold"]["sign_in_s"]
    rows.append(Row("cold start to an interactive main window (director)",
                    [s["total_s"] for s in app], median(bare), "bare QApplication + "
                    "QMainWindow", target=1.5,
                    note=f"of which sign-in {_fmt(sign_in_s)} (Argon2id; the store is "
                         "checked whole in the background), imports "
                         f"{_fmt(info['cold']['imports_s'])}; a new process each run"))
    if "dashboard_total_s" in app[0]:
        rows.append(Row("… until the dashboard's figures are shown",
                        [s["dashboard_total_s"] for s in app], median(bare),
                        "bare QApplication + QMainWindow",
                        note="no target of its own: worked out in a worker thread while the "
                             "window is already in use (its refresh is timed below)"))
        rows.append(Row("… longest UI-thread stall meanwhile",
                        [s["longest_stall_ms"] / 1000 for s in app], None, "",
                        target=0.1, note="gap between ticks of a 10 ms timer"))

    subjects = pick_subjects(db)
    director, manager = subjects.director, subjects.manager
    admin = sign_in(db, "admin", PASSWORD)
    with admin.store.write() as session:
        set_up_seal(session, admin.actor, SEAL_PASSPHRASE)
    admin.store.close()
    store = director.store
    from supervision_audit.ui.app import settle_heap

    settle_heap()  # this process is now as the app is once its window shows (see run_gui)

    # baselines
    aggregate = timed(lambda: raw_aggregate(store, today), runs + 1)
    file_sql = timed(lambda: raw_file_sql(store, subjects.person), runs + 1)
    base_agg, base_file = median(aggregate[1:]), median(file_sql[1:])
    info["raw_aggregate_rows"] = raw_aggregate(store, today)

    def open_file(opened: Any) -> Callable[[], Any]:
        def work() -> Any:
            with reading(opened) as session:
                load_file(session, opened.actor, subjects.person)
                monitoring_sheet(session, opened.actor, subjects.person)
                return records_of(session, opened.actor, subjects.person)
        return work

    with reading(manager) as session:
        info["file_records"] = len(records_of(session, manager.actor, subjects.person))
        info["file_sessions"] = len(monitoring_sheet(session, manager.actor, subjects.person))
    rows.append(Row("open one file: load_file + monitoring_sheet + records_of (team manager)",
                    timed(open_file(manager), runs + 1), base_file,
                    "raw SQL of the file's rows", 0.3, 3,
                    note=f"{info['file_sessions']} sessions, {info['file_records']} records"))
    rows.append(Row("open one file: the same, as the director",
                    timed(open_file(director), runs + 1), base_file,
                    "raw SQL of the file's rows", 0.3, 3))
    window_row = open_in_window(manager, subjects, runs)
    if window_row is not None:
        rows.append(window_row)

    def compliance() -> Any:
        with reading(director) as session:
            return compute(session, today)

    def own_sql(work: Callable[[], Any]) -> tuple[float, str]:
        """The baseline of ``work``: its own queries replayed raw (median, same runs)."""
        sent = own_queries(store, work)
        return (median(timed(lambda: replay(store, sent), runs + 1)[1:]),
                f"its own {len(sent)} queries as raw SQL")

    group_by = f"; the single raw GROUP BY of the last completed sessions: {_fmt(base_agg)}"
    info["compliance_rows"] = len(compliance())
    base, what = own_sql(compliance)
    rows.append(Row("compliance computation, whole organisation (compute)",
                    timed(compliance, runs + 1), base, what, 0.3, 3,
                    note=f"{info['compliance_rows']} supervisees{group_by}"))

    def dashboard() -> Any:
        with reading(director) as session:
            return build(session, director.actor, today)

    base, what = own_sql(dashboard)
    rows.append(Row("dashboard for the director (dashboard.build)", timed(dashboard, runs + 1),
                    base, what, 0.3, 3, note=group_by[2:]))
    try:
        from supervision_audit.ui.dashboard_page import load_dashboard
    except ImportError:
        load_dashboard = None  # type: ignore[assignment]
    if load_dashboard is not None:
        def page() -> Any:
            with reading(director) as session:
                return load_dashboard(session, director.actor, today)

        base, what = own_sql(page)
        rows.append(Row("dashboard page refresh: build + 12-month trend (load_dashboard)",
                        timed(page, runs + 1), base, what, 0.3, 3,
                        note="what the window works out at start and on F5"))

    # one sealed record
    out = work / "record.pdf"

    def export_one() -> Any:
        with manager.store.write() as session:
            return export_record_pdf(session, manager.actor, subjects.record, out)

    record_times = timed(export_one, runs + 1)
    pages = pdf_pages(out)
    with reading(manager) as session:
        from supervision_audit.services.records import get_record

        texts = list(_flatten(get_record(session, subjects.record).values))
    raw = timed(lambda: raw_reportlab(texts, pages, work / "raw-record.pdf"), runs + 1)
    rows.append(Row("export one record to a sealed PDF (export_record_pdf)", record_times,
                    median(raw[1:]), f"raw reportlab, {pages} page(s), unsealed", 0.3,
                    note=f"{pages} page(s)"))

    # the whole five-year file
    whole = work / "file.pdf"
    try:
        from supervision_audit.services.audit_outputs import export_whole_file
    except ImportError:
        export_whole_file = None  # type: ignore[assignment]
    if export_whole_file is not None:
        def export_file() -> Any:
            with manager.store.write() as session:
                return export_whole_file(session, manager.actor, subjects.person, whole)

        file_times = timed(export_file, 2)
        pages = pdf_pages(whole)
        with reading(manager) as session:
            texts = [t for r in records_of(session, manager.actor, subjects.person)
                     for t in _flatten(r.values)]
        raw = timed(lambda: raw_reportlab(texts, pages, work / "raw-file.pdf"), 2)
        rows.append(Row("whole-file PDF of a five-year file, sealed (export_whole_file)",
                        file_times, median(raw[1:]), f"raw reportlab, {pages} pages, one "
                        "document, unsealed", note=f"{pages} pages; no target of its own: "
                        "must run off the UI thread"))

    # the monthly return
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    workbook = work / "return.xlsx"

    def monthly() -> Any:
        with director.store.write() as session:
            return build_monthly_return(session, director.actor, month, workbook)

    month_times = timed(monthly, 2)
    from openpyxl import load_workbook

    shape = [(ws.title, ws.max_row, ws.max_column) for ws in load_workbook(workbook).worksheets]
    raw = timed(lambda: raw_workbook(shape, work / "raw.xlsx"), 2)
    rows.append(Row(f"monthly return workbook {month} (build_monthly_return)", month_times,
                    median(raw[1:]), f"raw openpyxl, {len(shape)} sheets, same cells",
                    target=5.0))

    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(Row("peak memory: the app process (cold start with the dashboard)",
                    [max(s["maxrss_mib"] for s in app)], None, "", target=500, unit="MiB",
                    note="maxrss of the started window"))
    rows.append(Row("peak memory: this process after every benchmark", [self_peak],
                    None, "", target=500, unit="MiB",
                    note="maxrss; includes a main window and both exports"))
    for opened in (director, manager):
        opened.store.close()
    return rows, info


def open_in_window(opened: Any, subjects: Subjects, runs: int) -> Row | None:
    """Selecting a person in the window's staff list, panels and all (offscreen)."""
    from PySide6.QtWidgets import QApplication

    from supervision_audit.ui.app import application, create_main_window

    app = application([sys.argv[0]])
    window = create_main_window(opened.store, opened.actor)
    window.show()
    deadline = time.monotonic() + 300
    board = getattr(window, "dashboard", None)
    while board is not None and board.loading and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    pages = getattr(window, "pages", None)
    if pages is not None:
        pages.setCurrentWidget(window.splitter)
    times = []
    for _ in range(runs + 1):
        window.staff_page.select(subjects.other)
        QApplication.processEvents()
        started = time.perf_counter()
        window.staff_page.select(subjects.person)
        QApplication.processEvents()
        times.append(time.perf_counter() - started)
    shown = window.file_view.file
    window.staff_page.select(subjects.other)
    QApplication.processEvents()

    def select_person() -> None:
        window.staff_page.select(subjects.person)
        QApplication.processEvents()

    sent = own_queries(opened.store, select_person)
    base = statistics.median(timed(lambda: replay(opened.store, sent), runs + 1)[1:])
    if window.idle_lock is not None:
        window.idle_lock.stop()
    window.auto_backup.stop()
    window.hide()
    if shown is None or shown.id != subjects.person:
        return None
    return Row("open one file in the window: select in the staff list, every panel filled",
               times, base, f"its own {len(sent)} queries as raw SQL", 0.3, 3,
               note="on the UI thread (team manager), widgets filled and painted")


def describe(db: Path) -> str:
    import sqlite3

    from supervision_audit.services.signin import is_encrypted

    counts = ""
    if not is_encrypted(db):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            counts = ", ".join(
                f"{conn.execute(f'SELECT count(*) FROM {t}').fetchone()[0]:,} {t}"
                for t in ("staff", "supervision_session", "supervision_record", "action_item",
                          "signature", "contract"))
    size = db.stat().st_size / 2**20
    return (f"store: {db.name}, {size:.0f} MiB, "
            f"{'encrypted' if is_encrypted(db) else 'not encrypted'}" +
            (f"; {counts}" if counts else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--cold-runs", type=int, default=5, help="new processes to start")
    parser.add_argument("--staff", type=int, default=2000, help="when generating")
    parser.add_argument("--years", type=int, default=5, help="when generating")
    parser.add_argument("--encrypted", action="store_true", help="when generating")
    args = parser.parse_args(argv)
    private = private_folders()
    db = args.db.resolve()
    if not db.exists():
        command = [sys.executable, "-m", "benchmarks.generate", "--out", str(db), "--staff",
                   str(args.staff), "--years", str(args.years)]
        subprocess.run(command + (["--encrypted"] if args.encrypted else []), cwd=ROOT,
                       check=True)
    work = private / "out"
    work.mkdir()
    started = time.perf_counter()
    rows, _info = run(db, max(1, args.runs), work, max(1, args.cold_runs))
    print(f"\nSupervision Audit benchmarks, {date.today().isoformat()}, {platform.node()}: "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform(terse=True)}")
    print(describe(db))
    print(f"each figure: median of {args.runs} runs after a first (shown apart); cold start: "
          f"median of {args.cold_runs} new processes; took {time.perf_counter() - started:.0f}"
          " s in all\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Imports and restores treat files as hostile: every damaged file ends in a clear message."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from supervision_audit.db import open_store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.backups import check_backup, take_backup
from supervision_audit.services.staff import StaffInput, save_staff
from supervision_audit.services.staff_import import COLUMNS, import_staff

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>
</worksheet>"""


def _valid_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    ws.append(["P1", "Ann Example", "Social Worker", "Team A", "", "practitioner", "", "2024-01-02",
               "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FIXTURE_OK = [HealthCheck.function_scoped_fixture]
VALID_XLSX = _valid_xlsx()
VALID_CSV = (",".join(COLUMNS) + "\r\nP1,Ann Example,Social Worker,Team A,,practitioner,,"
             "2024-01-02,,,\r\n").encode()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("hostile") / "h.sqlite")
    yield store
    store.close()


def test_xml_entity_bomb_is_refused(store, tmp_path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = BOMB.encode()
            dst.writestr(item, data)
    tracemalloc.start()
    with pytest.raises(ValidationError, match="unsafe to read"):
        with store.write() as session:
            import_staff(session, SYS, path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


SHEET_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _with_parts(path: Path, parts: dict[str, Iterable[bytes]]) -> Path:
    """VALID_XLSX with ``parts`` put in (replaced or added), each streamed from its chunks
    and deflated as it goes."""
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename not in parts:
                dst.writestr(item, src.read(item.filename))
        for name, chunks in parts.items():
            part = zipfile.ZipInfo(name)
            part.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(part, "w", force_zip64=True) as fh:
                for chunk in chunks:
                    fh.write(chunk)
    return path


def _with_sheet(path: Path, chunks: Iterable[bytes]) -> Path:
    return _with_parts(path, {"xl/worksheets/sheet1.xml": chunks})


def _zip_bomb(path: Path, megabytes: int = 64) -> Path:
    """A sheet of ``megabytes`` of blank space: a file of well under a megabyte."""
    blank = b" " * (1024 * 1024)
    return _with_sheet(path, [SHEET_NS + b"<sheetData>", *[blank] * megabytes,
                              b"</sheetData></worksheet>"])


def _peak_while(work) -> int:
    tracemalloc.start()
    try:
        work()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_zip_bomb_is_refused_before_it_is_unpacked(store, tmp_path) -> None:
    from supervision_audit.services.monitoring_xlsx import import_monitoring

    bomb = _zip_bomb(tmp_path / "staff.xlsx")
    assert bomb.stat().st_size < 1024 * 1024

    def import_it(importer) -> None:
        with pytest.raises(ValidationError, match="unpacks to 64 MB, more than the 50 MB"):
            with store.write() as session:
                importer(session, SYS, bomb)

    assert _peak_while(lambda: import_it(import_staff)) < 10 * 1024 * 1024
    assert _peak_while(lambda: import_it(import_monitoring)) < 10 * 1024 * 1024


def test_a_sheet_claiming_the_last_column_is_read_narrow(store, tmp_path) -> None:
    """Cells in column XFD once made each row a 16,384-cell tuple: a 50 kB file took hundreds
    of MB. Only the first 50 columns are read (here: none, so no header row)."""
    rows = (b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(1, 2001))
    wide = _with_sheet(tmp_path / "wide.xlsx", [
        SHEET_NS + b'<dimension ref="A1:XFD2000"/><sheetData>', *rows,
        b"</sheetData></worksheet>"])

    def import_it() -> None:
        with pytest.raises(ValidationError, match="no header row"):
            with store.write() as session:
                import_staff(session, SYS, wide)

    assert _peak_while(import_it) < 20 * 1024 * 1024


@pytest.mark.slow
def test_the_largest_workbook_allowed_imports_in_under_300_mb(tmp_path) -> None:
    """The worst a workbook under the limits can do: shared strings at the largest part
    allowed (the part held whole, at several times its size) and a full sheet of numbers,
    read in a process of its own so its whole memory is measured."""
    import subprocess
    import sys

    from supervision_audit.services.tabular import MAX_PART_BYTES

    def shared_strings() -> Iterator[bytes]:
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        size, n = 100, 0
        while True:
            chunk = b"".join(b"<si><t>%d</t></si>" % i for i in range(n, n + 1000))
            size, n = size + len(chunk), n + 1000
            if size > MAX_PART_BYTES:
                break
            yield chunk
        yield b"</sst>"

    columns = [get_column_letter(c).encode() for c in range(1, 25)]

    def numbers() -> Iterator[bytes]:
        yield SHEET_NS + b"<sheetData>"
        for r in range(1, 19_999):
            yield b'<row r="%d">%s</row>' % (r, b"".join(
                b'<c r="%s%d"><v>%d.25</v></c>' % (col, r, r + k)
                for k, col in enumerate(columns)))
        yield b"</sheetData></worksheet>"

    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as src:
        types = src.read("[Content_Types].xml").replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    path = _with_parts(tmp_path / "big.xlsx", {
        "xl/worksheets/sheet1.xml": numbers(), "xl/sharedStrings.xml": shared_strings(),
        "[Content_Types].xml": [types]})
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from supervision_audit.services.tabular import read_xlsx_sheets\n"
        "sheets = read_xlsx_sheets(Path(sys.argv[1]))\n"
        "print(sum(len(rows) for _, rows in sheets))\n"
        # this process's own peak (VmHWM): ru_maxrss would carry over the peak of the
        # process it was forked from, a whole test run's pytest
        "status = Path('/proc/self/status')\n"
        "peak = [l for l in status.read_text().splitlines() if l.startswith('VmHWM')]\n"
        "print(peak[0].split()[1] if peak else "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, check=True)
    rows, max_rss_kib = (int(line) for line in done.stdout.split())
    assert rows == 19_998
    assert max_rss_kib < 300 * 1024


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out[:cut] if cut else out)


mutations = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=12),
    st.one_of(st.none(), st.integers(1, 4000)),
)


def _import_ends_cleanly(store, path: Path) -> None:
    try:
        with store.write() as session:
            import_staff(session, SYS, path)
            raise _Rollback
    except _Rollback:
        pass  # it imported: fine, but leave the store as it was
    except SupervisionAuditError as exc:
        assert str(exc).strip()


class _Rollback(Exception):
    pass


@pytest.mark.slow
@settings(max_examples=100, deadline=2000, suppress_health_check=FIXTURE_OK)
@given(mutation=mutations)
def test_damaged_xlsx_always_ends_in_a_message(store, tmp_path, mutation) -> None:
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(_mutate(VALID_XLSX, *mutation))
    _import_ends_cleanly(store, path)


@pytest.mark.slow
@settings(max_examples=100, deadline=2000, suppress_health_check=FIXTURE_OK)
@given(mutation=mutations, text=st.text(max_size=300))
def test_damaged_csv_always_ends_in_a_message(store, tmp_path, mutation, text) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(_mutate(VALID_CSV + text.encode("utf-8", "surrogatepass"), *mutation))
    _import_ends_cleanly(store, path)


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("backup")
    store = open_store(folder / "b.sqlite")
    with store.write() as session:
        for i in range(30):
            save_staff(session, SYS, StaffInput(f"S{i}", f"Person {i}"))
    backup = take_backup(store, folder / "out")
    store.close()
    return backup.read_bytes()


@pytest.mark.slow
@settings(max_examples=80, deadline=4000, suppress_health_check=FIXTURE_OK)
@given(mutation=mutations)
def test_damaged_backup_is_refused_with_a_message(good_backup, tmp_path, mutation) -> None:
    path = tmp_path / "fuzz.backup-1.sqlite"
    path.write_bytes(_mutate(good_backup, *mutation))
    try:
        check_backup(path, None)
    except SupervisionAuditError as exc:
        assert str(exc).strip()

"""Imports and restores treat files as hostile: every damaged file ends in a clear message."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

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

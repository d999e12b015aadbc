"""The whole supervision file as one PDF from section 6: printed in the background with a
progress bar while the window keeps running, read back from disk, sealed and logged; Cancel
saves nothing; a place that cannot be written is said plainly."""

from __future__ import annotations

import threading
import time as clock
import uuid
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from sqlmodel import select

from supervision_audit.models import EventLog
from supervision_audit.services import audit_outputs
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.seal_setup import set_up_seal, verify
from supervision_audit.services.staff import get_staff
from supervision_audit.ui.audits import audit_panel
from supervision_audit.ui.audits.audit_panel import AuditPanel
from supervision_audit.ui.file.file_data import load_file
from tests.record_helpers import completed_record, signed_contract

TODAY = date(2026, 6, 26)
REAL_WRITE = audit_outputs.write_whole_file


@pytest.fixture
def pat(store, people) -> uuid.UUID:
    """Pat Worker's file: a signed contract and four monthly records; the seal set up."""
    with store.write() as s:
        set_up_seal(s, SYS, "whole file seal passphrase")
        pat = get_staff(s, people["P1"])
        signed_contract(s, pat.id, "2026-01-05", "Sam Head")
        for month in (2, 3, 4, 5):
            completed_record(s, pat, date(2026, month, 3), reflective="A visit", kss=["KSS1"])
    return pat.id


@pytest.fixture
def panel(qtbot, store, people, pat, tmp_path, monkeypatch) -> AuditPanel:
    """Section 6 of Pat's file as Mia, her supervisor; "save as" answers ``out/``."""
    with store.read() as s:
        mia = get_staff(s, people["M1"])
        actor = Actor(username="mia", staff_id=mia.id, name=mia.name, staff_role=mia.role)
        shown = load_file(s, actor, pat, TODAY)
    widget = AuditPanel(store, actor)
    widget.today = lambda: TODAY
    qtbot.addWidget(widget)
    widget.show_for(shown)
    widget.show()
    qtbot.waitExposed(widget)
    (tmp_path / "out").mkdir()
    monkeypatch.setattr(audit_panel, "choose_pdf_path",
                        lambda _parent, suggested, _title: tmp_path / "out" / suggested.stem)
    return widget


def _slowed(monkeypatch, hold: threading.Event | None = None, at: int = 2) -> None:
    """The real export, a little slower per step (held at step ``at`` until ``hold``)."""
    def write(session, actor, staff_uuid, out, *, progress, cancelled):
        def slow(done: int, total: int, what: str) -> None:
            progress(done, total, what)
            clock.sleep(0.05)
            if hold is not None and done == at:
                hold.wait(10)
        return REAL_WRITE(session, actor, staff_uuid, out, progress=slow, cancelled=cancelled)
    monkeypatch.setattr(audit_panel, "write_whole_file", write)


def test_the_button_prints_the_file_in_the_background(qtbot, panel, store, pat, tmp_path,
                                                      monkeypatch) -> None:
    _slowed(monkeypatch)
    out = tmp_path / "out" / "Supervision file - Pat Worker - 2026-06-26.pdf"
    values: list[int] = []
    panel.file_progress.valueChanged.connect(values.append)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    assert panel.whole_button.isEnabled() and not panel.file_progress.isVisible()
    qtbot.mouseClick(panel.whole_button, Qt.MouseButton.LeftButton)
    assert panel.file_job is not None and not out.exists()  # the click came straight back
    assert not panel.whole_button.isEnabled()
    assert panel.file_progress.isVisible() and panel.cancel_file_button.isEnabled()
    assert panel.export_file() is None  # one at a time
    qtbot.waitUntil(lambda: panel.file_job is None, timeout=30_000)
    timer.stop()
    assert out.exists() and len(ticks) > 5  # the window's own timer kept running
    total = 1 + 1 + 4 + 3  # gathering, contract, monitoring sheet, 4 records, index, seal
    assert values == sorted(values) and values[-1] == total
    assert panel.notice.text() == f"Saved {out}" and panel.notice.isVisible()
    assert not panel.file_progress.isVisible() and not panel.cancel_file_button.isVisible()
    assert panel.whole_button.isEnabled()

    reader = PdfReader(out)
    index = reader.pages[0].extract_text()
    assert "Contract: Supervision contract, version 1 .... page 2" in index
    assert "Section 1 – Supervision Monitoring Sheet" in index
    assert index.count("Supervision record,") == 4
    assert "Page 1 of 1" in index
    last = int(index.rsplit("page ", 1)[1].split()[0])
    assert "03/05/2026" in reader.pages[last - 1].extract_text()  # where the index says
    with store.read() as s:
        report = verify(s, out)
        logged = s.exec(select(EventLog).where(EventLog.action == "file.export")).all()
    assert report.intact and report.covers_whole_file and report.trusted
    assert [(e.about_staff_id, e.detail) for e in logged] == [(pat, "6 documents")]


def test_cancel_saves_nothing(qtbot, panel, tmp_path, monkeypatch) -> None:
    hold = threading.Event()
    _slowed(monkeypatch, hold)
    panel.whole_button.click()
    qtbot.waitUntil(lambda: panel.file_progress.value() == 2, timeout=10_000)
    assert panel.file_step.text() == "Printing Supervision monitoring sheet…"
    job = panel.file_job
    assert job is not None
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        qtbot.mouseClick(panel.cancel_file_button, Qt.MouseButton.LeftButton)
        assert panel.file_step.text() == "Cancelling…"
        hold.set()
    qtbot.waitUntil(lambda: panel.file_job is None)
    assert list((tmp_path / "out").iterdir()) == []  # no PDF, no temporary file
    assert panel.notice.text() == "Cancelled: the whole-file PDF was not saved."
    assert panel.whole_button.isEnabled() and not panel.file_progress.isVisible()


def test_a_place_that_cannot_be_written_is_said_plainly(qtbot, panel, tmp_path, monkeypatch,
                                                        message_log) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(audit_panel, "choose_pdf_path",
                        lambda _parent, _suggested, _title: blocker / "file.pdf")
    assert panel.export_file() is not None
    qtbot.waitUntil(lambda: panel.file_job is None, timeout=10_000)
    assert message_log.kinds() == ["show_error"]
    assert message_log.texts()[0].startswith("Could not save file.pdf")
    assert "Traceback" not in message_log.texts()[0]
    assert panel.whole_button.isEnabled()

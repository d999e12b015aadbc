"""Documents in the folder sections through the panel: added with the file chooser, listed,
saved back out, refused (with a message, nothing stored) when too large or unreadable; and
the folder checklist."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from supervision_audit.models import Attachment
from supervision_audit.services.access import Actor
from supervision_audit.services.attachments import MAX_ATTACHMENT_BYTES
from supervision_audit.ui.audits.audit_panel import AuditPanel
from supervision_audit.ui.file import documents_panel
from supervision_audit.ui.file.checklist_dialog import ChecklistDialog
from supervision_audit.ui.file.documents_panel import DocumentsPanel
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.file.section_panels import build_panels


def signed_in(store, staff_uuid: uuid.UUID) -> Actor:
    from supervision_audit.models import Staff

    with store.read() as s:
        p = s.get(Staff, staff_uuid)
        return Actor(username=p.staff_id.lower(), staff_id=p.id, name=p.name,
                     staff_role=p.role)


@pytest.fixture
def panel_for(qtbot, store):
    def make(actor: Actor, staff_uuid: uuid.UUID, section: int = 4) -> DocumentsPanel:
        panel = DocumentsPanel(store, actor)
        panel.section = section
        qtbot.addWidget(panel)
        with store.read() as s:
            panel.show_for(load_file(s, actor, staff_uuid))
        panel.show()
        qtbot.waitExposed(panel)
        return panel
    return make


@pytest.fixture
def chosen(monkeypatch) -> list[tuple[Path, date | None]]:
    """What the "Add document…" chooser answers next (the first item each time)."""
    answers: list[tuple[Path, date | None]] = []
    monkeypatch.setattr(documents_panel, "ask_document", lambda _parent, _title: answers.pop(0))
    return answers


def stored(store) -> int:
    with store.read() as s:
        return s.exec(select(func.count()).select_from(Attachment)).one()


def test_a_supervisor_adds_a_document_and_the_checklist_shows_it(
        qtbot, store, people, panel_for, chosen, tmp_path, monkeypatch, message_log) -> None:
    mia = signed_in(store, people["M1"])
    panel = panel_for(mia, people["P1"], section=4)
    assert panel.add_button.isVisible() and panel.empty.isVisible()
    doc = tmp_path / "Appraisal 2026.pdf"
    doc.write_bytes(b"%PDF-1.4 the appraisal" + b"x" * 3000)
    chosen.append((doc, date(2026, 4, 1)))
    assert panel.add_document()
    assert panel.row_texts() == [("Appraisal 2026.pdf", "01/04/2026", "PDF document", "3 KB",
                                  "Mia Manager")]
    assert "Added Appraisal 2026.pdf" in panel.notice.text()
    assert message_log.shown == []

    checklist = panel.show_checklist()
    assert isinstance(checklist, ChecklistDialog)
    rows = {number: (status, present) for number, status, present in checklist.rows()}
    assert len(rows) == 11
    assert rows[4] == ("Present", "Appraisal 2026.pdf")
    assert rows[7][0] == "Missing" and rows[11][0] == "Missing"
    assert checklist.summary.text() == "1 of 11 sections hold something"
    checklist.reject()

    # saving a copy writes the stored bytes where the user chooses
    out = tmp_path / "copy" / "appraisal.pdf"
    out.parent.mkdir()
    monkeypatch.setattr(documents_panel, "choose_copy_path", lambda _parent, _suggested: out)
    panel.table.selectRow(0)
    assert panel.save_copy() == out
    assert out.read_bytes() == doc.read_bytes()

    # another section of the same file does not list it
    assert panel_for(mia, people["P1"], section=5).row_texts() == []


def test_too_large_or_unreadable_gives_a_message_and_stores_nothing(
        store, people, panel_for, chosen, tmp_path, message_log) -> None:
    panel = panel_for(signed_in(store, people["M1"]), people["P1"], section=7)
    big = tmp_path / "fit note scan.tiff"
    with open(big, "wb") as fh:
        fh.truncate(MAX_ATTACHMENT_BYTES + 1)
    chosen.extend([(big, None), (tmp_path / "gone.pdf", None)])
    assert not panel.add_document()
    kind, title, text = message_log.shown[-1]
    assert (kind, title) == ("show_error", "Document not added")
    assert "fit note scan.tiff is larger than the 20 MB a document may be" in text
    assert "Nothing was saved" in text
    assert not panel.add_document()
    assert "gone.pdf cannot be read" in message_log.texts()[-1]
    assert stored(store) == 0
    assert panel.row_texts() == [] and panel.empty.isVisible()
    assert "Not added" in panel.notice.text()


def test_the_supervisee_sees_documents_but_cannot_add(store, people, panel_for, chosen,
                                                      tmp_path) -> None:
    doc = tmp_path / "induction.docx"
    doc.write_bytes(b"PK induction checklist")
    chosen.append((doc, None))
    assert panel_for(signed_in(store, people["M1"]), people["P1"], section=9).add_document()
    own = panel_for(signed_in(store, people["P1"]), people["P1"], section=9)
    assert not own.add_button.isVisible()
    assert [(r[0], r[2], r[4]) for r in own.row_texts()] == [
        ("induction.docx", "Word document", "Mia Manager")]
    assert own.row_texts()[0][1].startswith("added ")


def test_the_panels_fill_their_folder_sections(qtbot, store, people) -> None:
    panels = build_panels(store, signed_in(store, people["S1"]))
    for number in (4, 5, 7, 8, 9, 10, 11):
        built = getattr(panels[number], "panels", [panels[number]])
        docs = [p for p in built if isinstance(p, DocumentsPanel)]
        assert len(docs) == 1 and docs[0].section == number
    built = getattr(panels[6], "panels", [panels[6]])
    assert any(isinstance(p, AuditPanel) for p in built)
    for widget in panels.values():
        qtbot.addWidget(widget)


def test_a_file_view_reads_the_folder_once_for_all_its_sections(
        qtbot, store, people, chosen, tmp_path) -> None:
    """Showing a file fills the seven documents sections from one read of the folder (one
    access check, one query); a document added shows in its section, and the next file
    shown is read afresh."""
    from sqlalchemy import event

    from supervision_audit.ui.file.file_view import FileView

    mia = signed_in(store, people["M1"])
    view = FileView()
    qtbot.addWidget(view)
    view.install_panels(build_panels(store, mia, view))
    docs = {number: next(p for p in getattr(panel, "panels", [panel])
                         if isinstance(p, DocumentsPanel))
            for number, panel in view.panels.items() if number in (4, 5, 7, 8, 9, 10, 11)}
    for section, name in ((4, "appraisal.pdf"), (9, "induction.docx"), (9, "buddy.txt")):
        path = tmp_path / name
        path.write_bytes(b"x" * 100)
        chosen.append((path, None))
        docs[section].file = load_file_for(store, mia, people["P1"])
        assert docs[section].add_document()

    queries: list[str] = []

    def count(*args) -> None:
        if "FROM attachment" in args[2]:
            queries.append(args[2])

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        view.show_file(load_file_for(store, mia, people["P1"]))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(queries) == 1
    assert [r[0] for r in docs[4].row_texts()] == ["appraisal.pdf"]
    assert sorted(r[0] for r in docs[9].row_texts()) == ["buddy.txt", "induction.docx"]
    assert all(docs[n].row_texts() == [] for n in (5, 7, 8, 10, 11))

    path = tmp_path / "training.pdf"
    path.write_bytes(b"x" * 100)
    chosen.append((path, None))
    assert docs[5].add_document()  # shown at once in its section
    assert [r[0] for r in docs[5].row_texts()] == ["training.pdf"]
    view.show_file(load_file_for(store, mia, people["P2"]))  # another person's folder
    assert all(panel.row_texts() == [] for panel in docs.values())
    view.show_file(load_file_for(store, mia, people["P1"]))  # and back: read again
    assert [r[0] for r in docs[5].row_texts()] == ["training.pdf"]


def load_file_for(store, actor: Actor, staff_uuid: uuid.UUID):
    with store.read() as s:
        return load_file(s, actor, staff_uuid)

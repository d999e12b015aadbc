"""The supervision file audit through the widgets: a senior manager starts it from section 6,
sees the file's evidence beside each subject, is held to the overrule and rationale rules, and
completes it; others see no "Start audit"; the programme shows the supervisors, flags and cap."""

from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit
from sqlmodel import select

from supervision_audit.models import AuditAction, DirectObservation, FileAudit, SupervisionSession
from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.access import Actor
from supervision_audit.services.audits import get_audit, save_audit, start_audit
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from supervision_audit.ui.audits import audit_panel
from supervision_audit.ui.audits.audit_dialog import AuditDialog
from supervision_audit.ui.audits.audit_panel import AuditPanel
from supervision_audit.ui.audits.audit_programme_dialog import AuditProgrammeDialog
from supervision_audit.ui.audits.observation_dialog import ObservationDialog
from supervision_audit.ui.common.style import BAD_BG
from supervision_audit.ui.file.file_data import load_file
from supervision_audit.ui.records.record_dialog import RecordDialog
from supervision_audit.ui.records.sign_dialog import SignDialog
from tests.record_helpers import signed_contract, signed_record

D = date
AUDIT_DAY = D(2026, 6, 26)


@pytest.fixture
def org(store) -> dict[str, uuid.UUID]:
    """A Head of Service above two team managers above a worker each; Wendy's file has a
    signed contract and three monthly records, two of three with the welfare item filled."""
    with store.write() as s:
        for args, kwargs in (
                (("H1", "Hana Head", "Head of Service"), {"role": "senior_manager"}),
                (("M1", "Mia Manager", "Team Manager"), {"role": "team_manager",
                                                         "supervisor_staff_id": "H1"}),
                (("M2", "Max Manager", "Team Manager"), {"role": "team_manager",
                                                         "supervisor_staff_id": "H1"}),
                (("W1", "Wendy Worker"), {"supervisor_staff_id": "M1",
                                          "employment_start": D(2024, 1, 1)}),
                (("W2", "Will Worker"), {"supervisor_staff_id": "M2",
                                         "employment_start": D(2024, 1, 1)})):
            save_staff(s, SYS, StaffInput(*args, **kwargs))
        w1 = get_by_staff_id(s, "W1")
        signed_contract(s, w1.id, "2026-01-05", "Hana Head")
        for day in (D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 29)):
            signed_record(s, "W1", day, welfare="Leave booked" if day.month != 5 else "",
                          reflective="A hard visit", kss=["KSS1"],
                          performance="Appraisal objectives reviewed")
        return {sid: get_by_staff_id(s, sid).id for sid in ("H1", "M1", "M2", "W1", "W2")}


def person(store, staff_id: str) -> Actor:
    """Someone signed in (an ordinary actor, held to the access rules)."""
    with store.read() as s:
        p = get_by_staff_id(s, staff_id)
        return Actor(username=staff_id.lower(), staff_id=p.id, name=p.name, staff_role=p.role)


@pytest.fixture
def panel_for(qtbot, store):
    def make(actor: Actor, staff_uuid: uuid.UUID) -> AuditPanel:
        panel = AuditPanel(store, actor)
        panel.today = lambda: AUDIT_DAY
        qtbot.addWidget(panel)
        with store.read() as s:
            panel.show_for(load_file(s, actor, staff_uuid, AUDIT_DAY))
        panel.show()
        qtbot.waitExposed(panel)
        return panel
    return make


def choose(combo: QComboBox, value: str) -> None:
    """Pick a choice as the user does (``activated`` is what the form listens to)."""
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def test_senior_manager_completes_an_audit_with_the_evidence(qtbot, store, org, panel_for
                                                             ) -> None:
    head = person(store, "H1")
    panel = panel_for(head, org["W1"])
    assert panel.start_button.isVisible() and panel.start_button.text() == "Start audit…"
    dialog = panel.start_audit()
    assert isinstance(dialog, AuditDialog) and dialog.editable
    qtbot.waitExposed(dialog)

    welfare = dialog.cards["welfare"]
    assert welfare.chip.text() == "Suggests: No"
    assert welfare.figure_texts() == ["Records with the welfare item filled: 2 of 3 (67%)"]
    assert welfare.buttons[0].text().startswith("2 of 3 (67%)")
    assert dialog.editor.widget_for("welfare_outcome").currentData() == "no"
    assert dialog.cards["contract"].chip.text() == "Suggests: Yes"
    assert "Any 'no' on contract" in dialog.findChild(QLabel, "judgement_rule").text()

    # the figure opens the two records behind it; a double-click shows one read-only
    welfare.buttons[0].click()
    listing = dialog.evidence_dialog
    assert [r[0] for r in listing.row_texts()] == ["31/03/2026", "30/04/2026"]
    opened = listing.open_item(0)
    assert isinstance(opened, RecordDialog) and not opened.editable
    assert opened.save_button is None
    opened.reject()
    listing.reject()

    # overruling the evidence without a comment: the message beside the comment field
    choose(dialog.editor.widget_for("welfare_outcome"), "yes")
    assert "give a comment" in welfare.status.text()
    assert not dialog.save_draft()
    assert "give a comment for answering 'yes'" in dialog.editor.problem_text("welfare_comment")
    with store.read() as s:
        assert get_audit(s, dialog.audit_id).values["welfare_outcome"] == "no"
    comment = dialog.editor.widget_for("welfare_comment")
    assert isinstance(comment, QPlainTextEdit)
    type_into(qtbot, comment, "Welfare discussed in May; not written up.")
    assert "your comment says why" in welfare.status.text()

    # the suggested judgement follows the answers as they change
    assert dialog.suggestion_chip.text() == "Good"
    choose(dialog.editor.widget_for("contract_outcome"), "no")
    assert dialog.suggestion_chip.text() == "Requires improvement"
    assert dialog.editor.values()["suggested_judgement"] == "Requires improvement"
    choose(dialog.editor.widget_for("contract_outcome"), "yes")
    assert dialog.suggestion_chip.text() == "Good"

    # a judgement other than the suggestion, with no rationale: the message beside it
    choose(dialog.editor.widget_for("judgement"), "outstanding")
    assert "give the rationale" in dialog.judgement_note.text()
    actions = dialog.editor.binding_for("actions")
    type_into(qtbot, actions.cell(0, "action").widget, "Record welfare every month")
    type_into(qtbot, actions.cell(0, "owner").widget, "Mia Manager")
    actions.cell(0, "due").set_value("2026-07-31")
    assert "1 of 6" in dialog.actions_count.text()
    assert not dialog.complete()
    assert "give the rationale for 'Outstanding'" in \
        dialog.editor.problem_text("judgement_rationale")
    assert dialog.isVisible() and not dialog.completed

    type_into(qtbot, dialog.editor.widget_for("judgement_rationale"),
              "The supervision seen in the file is exceptional.")
    assert dialog.complete() and dialog.completed
    with store.read() as s:
        audit = s.exec(select(FileAudit).where(FileAudit.supervisee_id == org["W1"])).one()
        assert audit.status == "complete" and audit.judgement == "outstanding"
        assert audit.values["welfare_outcome"] == "yes"
        assert audit.values["welfare_comment"] == "Welfare discussed in May; not written up."
        assert audit.proposals["welfare"]["outcome"] == "no"  # the proposal is kept
        assert audit.values["suggested_judgement"] == "Good"
        raised = s.exec(select(AuditAction).where(AuditAction.audit_id == audit.id)).all()
        assert [(a.number, a.description, a.due_date) for a in raised] == [
            (1, "Record welfare every month", D(2026, 7, 31))]
    assert panel.row_texts() == [("26/06/2026", "Hana Head", "Mia Manager", "Outstanding",
                                  "Awaiting signature", "1")]
    assert "completed" in panel.notice.text() and "Sign it" in panel.notice.text()
    # the auditor is asked to sign it straight away, with the password as everyone signs
    signing = panel.dialog
    assert isinstance(signing, SignDialog) and signing.kind == "audit"
    assert signing.record_id == audit.id
    signing.reject()


def test_a_complete_audit_opens_read_only_and_exports(qtbot, store, org, panel_for,
                                                      monkeypatch, tmp_path) -> None:
    with store.write() as s:
        head = person(store, "H1")
        audit = start_audit(s, head, org["W1"], AUDIT_DAY)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good"}, complete=True)
    panel = panel_for(head, org["W1"])
    panel.table.selectRow(0)
    assert panel.export_button.isEnabled()
    dialog = panel.open_selected()
    assert dialog is not None and not dialog.editable and dialog.complete_button is None
    assert not dialog.editor.widget_for("welfare_outcome").isEnabled()
    dialog.reject()
    monkeypatch.setattr(audit_panel, "choose_pdf_path",
                        lambda _parent, suggested, _title: tmp_path / suggested.name)
    written = panel.export_selected()
    assert written is not None and written.read_bytes().startswith(b"%PDF")
    assert written.name == "Supervision file audit - Wendy Worker - 2026-06-26.pdf"
    job = panel.export_file()  # printed in the background
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=20_000) as done:
        pass
    whole = done.args[0]
    assert whole.name == "Supervision file - Wendy Worker - 2026-06-26.pdf"
    assert whole.read_bytes().startswith(b"%PDF")


def test_only_a_senior_manager_above_sees_start_audit(store, org, panel_for) -> None:
    with store.write() as s:
        start_audit(s, person(store, "H1"), org["W1"], AUDIT_DAY)  # a draft
    for who in ("W1", "M1"):  # Wendy herself, and her supervisor
        panel = panel_for(person(store, who), org["W1"])
        assert not panel.start_button.isVisible(), who
        assert not panel.observe_button.isVisible() and not panel.programme_button.isVisible()
        assert panel.row_texts() == []  # a draft is the auditor's until complete
    head = panel_for(person(store, "H1"), org["W1"])
    assert head.start_button.text() == "Continue draft audit…"
    assert [r[4] for r in head.row_texts()] == ["Draft"]
    dialog = head.start_audit()
    assert dialog is not None and dialog.audit_id == head.data.rows[0].id  # no second draft


def test_the_programme_shows_supervisors_flags_and_the_cap(qtbot, store, org, panel_for
                                                           ) -> None:
    head = person(store, "H1")
    panel = panel_for(head, org["M1"])  # Mia's own file: she supervises
    assert panel.observe_button.isVisible() and panel.programme_button.isVisible()
    programme = panel.show_programme()
    assert isinstance(programme, AuditProgrammeDialog)
    assert programme.cap_chip.text() == "0 of 2 audits this month"
    assert programme.row_texts() == [
        ("Max Manager", "1", "never", "never", "Needs this month's audit",
         "No audit in 12 months", "No observation in 12 months"),
        ("Mia Manager", "1", "never", "never", "Needs this month's audit",
         "No audit in 12 months", "No observation in 12 months")]
    assert programme.table.item(0, 6).background().color() == QColor(BAD_BG)

    # a direct observation of Mia, with its problems shown beside the fields first
    assert programme.select("Mia Manager")
    observation = programme.observe()
    assert isinstance(observation, ObservationDialog)
    assert observation.session.count() == 4  # "not one of the sessions" and Mia's three
    choose(observation.session, observation.session.itemData(1))  # the newest
    assert observation.date.date() == D(2026, 5, 29)  # dated the day of the session
    assert not observation.save()
    assert "strengths" in observation.problem_text("strengths")
    type_into(qtbot, observation.strengths, "Warm and focused")
    type_into(qtbot, observation.areas, "More challenge where plans drift")
    assert observation.save()
    with store.read() as s:
        seen = s.exec(select(DirectObservation)).one()
        assert (seen.supervisor_id, seen.observed_on) == (org["M1"], D(2026, 5, 29))
        assert s.get(SupervisionSession, seen.session_id).planned_date == D(2026, 5, 29)
    mia = next(r for r in programme.row_texts() if r[0] == "Mia Manager")
    assert mia[3] == "29/05/2026" and mia[6] == "✓ Observed"

    # picking at random starts an audit of one of Max's supervisees (Will, his only one)
    programme.rng = random.Random(1)
    assert programme.select("Max Manager")
    audit_id = programme.pick_at_random()
    assert isinstance(programme.dialog, AuditDialog)
    assert programme.dialog.supervisee_name == "Will Worker"
    programme.dialog.reject()
    with store.write() as s:
        audit = get_audit(s, audit_id)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "requires_improvement",
                                        "judgement_rationale": "New to Max's team"},
                   complete=True)
    programme.reload()
    assert programme.cap_chip.text() == "1 of 2 audits this month"
    max_line = next(r for r in programme.row_texts() if r[0] == "Max Manager")
    assert max_line[2] == "26/06/2026" and max_line[4] == "Audited"
    assert max_line[5] == "✓ Audited" and max_line[6] == "No observation in 12 months"


def test_closing_with_unsaved_answers_asks_first(store, org, panel_for, message_log) -> None:
    panel = panel_for(person(store, "H1"), org["W1"])
    dialog = panel.start_audit()
    assert dialog is not None
    choose(dialog.editor.widget_for("judgement"), "good")  # the suggestion: no rationale needed
    assert dialog.has_unsaved_changes()
    message_log.discard = False
    dialog.reject()
    assert message_log.shown == [("ask_discard", "", "audit")] and dialog.isVisible()
    assert dialog.save_draft() and not dialog.has_unsaved_changes()
    assert dialog.note.text().startswith("Draft saved")
    with store.read() as s:
        assert get_audit(s, dialog.audit_id).judgement == "good"
    dialog.reject()
    assert not dialog.isVisible()


def test_changing_the_audit_date_gathers_the_evidence_again(qtbot, store, org, panel_for
                                                            ) -> None:
    """The real date field: a new date refreshes the evidence beside each subject, keeps the
    auditor's overrule and comment, marks the proposal that changed and says so."""
    from PySide6.QtCore import Qt

    panel = panel_for(person(store, "H1"), org["W1"])
    dialog = panel.start_audit()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    welfare = dialog.cards["welfare"]
    assert welfare.figure_texts() == ["Records with the welfare item filled: 2 of 3 (67%)"]
    assert dialog.cards["timescales"].figure_texts()[0] == "Sessions held: 3"
    choose(dialog.editor.widget_for("audits_outcome"), "yes")  # overruling, with a comment
    type_into(qtbot, dialog.editor.widget_for("audits_comment"), "Audits kept on paper.")

    field = dialog.editor.widget_for("completed_on")
    field.line.setFocus()
    field.line.selectAll()
    qtbot.keyClicks(field.line, "15/04/2026")
    qtbot.keyClick(field.line, Qt.Key.Key_Return)

    assert dialog.note.text().startswith("Evidence gathered again for 15/04/2026")
    assert "Welfare" in dialog.note.text()
    assert dialog.editor.values()["actions"] in (None, [])  # Return pressed no other button
    welfare = dialog.cards["welfare"]
    assert welfare.figure_texts() == ["Records with the welfare item filled: 1 of 1 (100%)"]
    assert welfare.chip.text() == "Suggests: Yes"
    assert welfare.changed_note is not None and "No" in welfare.changed_note.text()
    assert dialog.findChild(QLabel, "welfare_changed") is welfare.changed_note
    assert dialog.cards["timescales"].figure_texts()[0] == "Sessions held: 1"
    assert dialog.cards["contract"].changed_note is None
    assert dialog.editor.widget_for("welfare_outcome").currentData() == "yes"  # followed
    assert dialog.editor.widget_for("audits_outcome").currentData() == "yes"  # kept
    assert dialog.editor.values()["audits_comment"] == "Audits kept on paper."
    assert "your comment says why" in dialog.cards["audits"].status.text()
    assert dialog.editor.values()["period"] == "15/04/2025 to 15/04/2026"
    assert "15/04/2025 to 15/04/2026" in dialog.about.text()
    welfare.buttons[0].click()  # the figure opens the one record it now counts
    assert [r[0] for r in dialog.evidence_dialog.row_texts()] == ["31/03/2026"]
    dialog.evidence_dialog.reject()
    with store.read() as s:
        audit = get_audit(s, dialog.audit_id)
        assert audit.completed_on == D(2026, 4, 15)
        assert audit.proposals["welfare"]["previous_outcome"] == "no"
    assert welfare.isVisible() and welfare.chip.isVisible() and welfare.buttons[0].isVisible()
    assert dialog.save_draft()
    with store.read() as s:
        audit = get_audit(s, dialog.audit_id)
        assert audit.values["audits_comment"] == "Audits kept on paper."
        assert audit.values["completed_on"] == "2026-04-15"


def _new_date(qtbot, dialog, text: str) -> None:
    from PySide6.QtCore import Qt

    field = dialog.editor.widget_for("completed_on")
    field.line.setFocus()
    field.line.selectAll()
    qtbot.keyClicks(field.line, text)
    qtbot.keyClick(field.line, Qt.Key.Key_Return)


def test_a_new_date_alone_leaves_nothing_unsaved(qtbot, store, org, panel_for,
                                                 message_log) -> None:
    """The date and the evidence it gathers are stored at once, with the stored answers
    merged as the screen's are: closing then asks nothing. An answer given before the
    date changed is still unsaved, and closing asks."""
    panel = panel_for(person(store, "H1"), org["W1"])
    dialog = panel.start_audit()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    _new_date(qtbot, dialog, "15/04/2026")
    assert dialog.note.text().startswith("Evidence gathered again for 15/04/2026")
    assert not dialog.has_unsaved_changes()
    with store.read() as s:
        stored = get_audit(s, dialog.audit_id)
        assert stored.completed_on == D(2026, 4, 15)
        on_screen = dialog.editor.values()
        assert {k: stored.values.get(k) for k in on_screen if k.endswith("_outcome")} == \
            {k: v for k, v in on_screen.items() if k.endswith("_outcome")}

    choose(dialog.editor.widget_for("audits_outcome"), "yes")  # overruling, with a comment
    type_into(qtbot, dialog.editor.widget_for("audits_comment"), "Audits kept on paper.")
    _new_date(qtbot, dialog, "20/04/2026")
    assert dialog.note.text().startswith("Evidence gathered again for 20/04/2026")
    assert dialog.has_unsaved_changes()
    message_log.discard = False
    dialog.reject()
    assert message_log.shown == [("ask_discard", "", "audit")] and dialog.isVisible()
    message_log.shown.clear()
    assert dialog.save_draft()
    _new_date(qtbot, dialog, "22/04/2026")
    assert not dialog.has_unsaved_changes()
    dialog.reject()
    assert message_log.shown == [] and not dialog.isVisible()


def test_clicking_a_figure_straight_after_typing_a_date_opens_the_new_records(
        qtbot, store, org, panel_for) -> None:
    """The click moves the focus out of the date field, which settles the date and gathers
    the evidence again, replacing the figure clicked: the records opened are the new
    figure's, not the old one's."""
    from PySide6.QtCore import Qt

    panel = panel_for(person(store, "H1"), org["W1"])
    dialog = panel.start_audit()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    field = dialog.editor.widget_for("completed_on")
    field.line.setFocus()
    qtbot.waitUntil(field.line.hasFocus)
    field.line.selectAll()
    qtbot.keyClicks(field.line, "15/04/2026")
    old_button = dialog.cards["welfare"].buttons[0]
    assert old_button.text().endswith("2 records")
    qtbot.mouseClick(old_button, Qt.MouseButton.LeftButton)
    assert dialog.note.text().startswith("Evidence gathered again for 15/04/2026")
    assert dialog.cards["welfare"].figure_texts() == \
        ["Records with the welfare item filled: 1 of 1 (100%)"]
    assert dialog.evidence_dialog is not None
    assert [r[0] for r in dialog.evidence_dialog.row_texts()] == ["31/03/2026"]


def test_the_auditor_signs_a_complete_audit_with_the_password_and_it_locks(
        qtbot, store, org, panel_for, monkeypatch, tmp_path) -> None:
    """An audit is signed as everything else is: the auditor's password through the signing
    dialog (who, role, meaning, time, content hash); then it is final, and the store refuses
    any change to it."""
    from pypdf import PdfReader
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QGroupBox
    from sqlalchemy.exc import IntegrityError

    from supervision_audit.errors import ValidationError
    from supervision_audit.models import Signature
    from supervision_audit.security.keyring import KdfParams
    from supervision_audit.security.passwords import Costs
    from supervision_audit.services.access import actor_for
    from supervision_audit.services.accounts import Vault, add_account
    from supervision_audit.services.signatures import content_hash_of
    from supervision_audit.ui.records.record_trail import TrailView

    monkeypatch.setattr(Costs, "kdf", KdfParams(time_cost=1, memory_cost=8, parallelism=1))
    with store.write() as s:
        head = actor_for(s, add_account(s, Vault(store.path, None), org["H1"], "hana",
                                        "hana's own password"))
        audit = start_audit(s, head, org["W1"], AUDIT_DAY)
        save_audit(s, head, audit.id, {**audit.values, "judgement": "good",
                                        "judgement_rationale": "As seen in the file"},
                   complete=True)
        audit_id = audit.id
    panel = panel_for(head, org["W1"])
    panel.table.selectRow(0)
    dialog = panel.open_selected()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.status_chip.text() == "Awaiting signature"
    # no line to type a name on: the signature is given with the password
    assert not dialog.editor.findChild(QGroupBox, "section_signatures").isVisible()
    assert "Nobody has signed this audit yet" in dialog.trail.findChild(QLabel).text()

    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    signing = dialog.sign_dialog
    assert isinstance(signing, SignDialog)
    qtbot.waitExposed(signing)
    assert signing.windowTitle() == "Sign the audit"
    assert signing.findChild(QLabel, "signer_name").text().startswith("<b>Hana Head</b>")
    assert signing.findChild(QLabel, "signer_role").text() == "Auditor"
    assert signing.meaning.text() == "“Auditor: I confirm this audit and its judgement”"

    qtbot.keyClicks(signing.password, "not my password")
    qtbot.mouseClick(signing.sign_button, Qt.MouseButton.LeftButton)
    assert "password is not right" in signing.password_problem.text()
    assert signing.isVisible() and dialog.status_chip.text() == "Awaiting signature"
    with store.read() as s:
        assert s.exec(select(Signature).where(Signature.record_id == audit_id)).all() == []

    qtbot.keyClicks(signing.password, "hana's own password")
    qtbot.keyClick(signing.password, Qt.Key.Key_Return)
    assert not signing.isVisible()
    assert dialog.status_chip.text() == "Final"
    assert not dialog.sign_button.isVisible()
    assert isinstance(dialog.trail, TrailView)
    shown = dialog.trail.findChild(QLabel, "signature_text").text()
    assert "Hana Head" in shown and "auditor" in shown
    assert "Auditor: I confirm this audit and its judgement" in shown
    with store.read() as s:
        signature = s.exec(select(Signature).where(Signature.record_id == audit_id)).one()
        stored = get_audit(s, audit_id)
        assert (signature.record_kind, signature.role, signature.typed_name,
                signature.account_username) == ("audit", "auditor", "Hana Head", "hana")
        assert signature.content_hash == content_hash_of(s, "audit", audit_id)
        assert stored.locked_at is not None
    dialog.reject()
    assert panel.row_texts()[0][4] == "Final"

    # final: the app refuses, and so does the store itself
    with pytest.raises(ValidationError, match="complete"):
        with store.write() as s:
            save_audit(s, head, audit_id, {**stored.values, "judgement": "outstanding"})
    for statement in (f"UPDATE file_audit SET judgement = 'outstanding' WHERE id = "
                      f"'{audit_id.hex}'",
                      f"UPDATE file_audit SET \"values\" = '{{}}' WHERE id = '{audit_id.hex}'",
                      f"DELETE FROM file_audit WHERE id = '{audit_id.hex}'"):
        with pytest.raises(IntegrityError, match="final record cannot be changed"):
            with store.engine.begin() as conn:
                conn.exec_driver_sql(statement)

    # the PDF's signature line and strip come from the signature
    monkeypatch.setattr(audit_panel, "choose_pdf_path",
                        lambda _parent, suggested, _title: tmp_path / suggested.name)
    written = panel.export_selected()
    assert written is not None
    text = "\n".join(page.extract_text() for page in PdfReader(written).pages)
    assert "Signed: Hana Head" in text and "Hana Head (Auditor) ·" in text
    assert "Not yet signed" not in text

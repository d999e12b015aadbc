"""A supervision record (Appendix 4 or 5) in a form editor: written as a draft that saves
itself as the user types, completed once checked, and read-only once complete, with its
signatures and addenda beneath.

Drafts are never lost: each change (re)starts a short timer that saves the draft in its own
transaction; closing the dialog, however it is closed, saves at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.forms import ALL_FORMS
from supervision_audit.models import Staff, SupervisionRecord
from supervision_audit.policy import is_short
from supervision_audit.services.access import Actor
from supervision_audit.services.integrity import CHANGED_LABEL, describe, signature_problems
from supervision_audit.services.records import (
    complete_record,
    open_actions,
    open_record,
    save_draft,
)
from supervision_audit.services.signatures import COPY_METHODS, is_final
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import (
    BAD_BG,
    BAD_FG,
    NOTE,
    PROBLEM,
    chip_style,
    heading_label,
    note_label,
)
from supervision_audit.ui.records.case_picker import KEY as CASES
from supervision_audit.ui.records.case_picker import CasePicker, Choices, case_choices
from supervision_audit.ui.records.record_data import FORM_TITLES, ActionRow
from supervision_audit.ui.records.record_review import ReviewTable, outcome_key
from supervision_audit.ui.records.record_trail import TrailView, load_trail
from supervision_audit.ui.widgets.form_editor import FormEditor
from supervision_audit.ui.widgets.form_footer import FooterButton, form_footer

AUTOSAVE_MS = 2000  # how long after the last change the draft is saved


def _minutes(values: dict[str, Any]) -> int | None:
    try:
        start = [int(x) for x in str(values.get("start_time") or "")[:5].split(":")]
        end = [int(x) for x in str(values.get("end_time") or "")[:5].split(":")]
        return end[0] * 60 + end[1] - (start[0] * 60 + start[1])
    except (ValueError, IndexError):
        return None


class RecordDialog(QDialog):
    """One record. ``completed`` is True once the record was completed here."""

    def __init__(self, store: Store, actor: Actor, record_id: uuid.UUID,
                 parent: QWidget | None = None, *, autosave_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self.setObjectName("record_dialog")
        self.store, self.actor, self.record_id = store, actor, record_id
        self.completed = False
        self.review: ReviewTable | None = None
        self.trail: TrailView | None = None
        self._dirty = False
        with store.write() as session:  # opening a record is logged
            record = open_record(session, actor, record_id)
            self.form_key = record.form_key
            self.status = "final" if is_final(record) else record.status
            self.editable = record.status == "draft" and (
                record.supervisor_id == actor.staff_id or actor.is_system)
            values = dict(record.values)
            # signed content that no longer matches its signatures is shown loudly
            self.changed = signature_problems(session, "record", record_id) \
                if record.status != "draft" else []
            self._describe(session, record)
            actions = self._open_actions(session, record) if self.editable else []
            self._load_extra(session, record)
            trail = load_trail(session, actor, "record", record_id) \
                if record.status != "draft" else None

        self.form = ALL_FORMS[self.form_key]
        self.editor = FormEditor(self.form, self, show_title=False)
        self._prepare_editor()
        self.editor.set_values(values)
        self._hide_section("signatures")
        self._install_review(actions, values)
        if not self.editable:
            self.editor.set_read_only(True)
            self._repolish()
        if trail is not None:
            self.trail = TrailView(trail)
            self.trail.setObjectName("record_trail")
            self._append_to_form(self.trail)
        elif self.editable:
            self._append_to_form(self._signing_note())

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(autosave_ms)
        self.timer.timeout.connect(self.save_draft)
        self.editor.changed.connect(self._changed)
        app = QCoreApplication.instance()
        if app is not None:  # the app quitting with the dialog open keeps the draft too
            app.aboutToQuit.connect(self._save_if_changed)
        if self.review is not None:
            self.review.changed.connect(self._changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 12)
        layout.setSpacing(8)
        layout.addWidget(self._header())
        layout.addWidget(self.editor, 1)
        layout.addLayout(self._footer())
        self._update_short()
        self._size_to_screen()

    # -- loading ----------------------------------------------------------------------
    def _describe(self, session: Session, record: SupervisionRecord) -> None:
        supervisee = session.get(Staff, record.supervisee_id) if record.supervisee_id else None
        supervisor = session.get(Staff, record.supervisor_id)
        self.about = supervisee.name if supervisee else "Group supervision"
        self.supervisor_name = supervisor.name if supervisor else ""
        self.held_on = record.held_on
        self.copy_given = (f"Supervisee's copy given {record.copy_given_on:%d/%m/%Y} "
                           f"({COPY_METHODS.get(record.copy_method, record.copy_method)})"
                           if record.copy_given_on else "")
        title = FORM_TITLES.get(record.form_key, "Supervision record")
        self.setWindowTitle(f"{title} – {self.about} – {record.held_on:%d/%m/%Y}")

    def _open_actions(self, session: Session, record: SupervisionRecord) -> list[ActionRow]:
        if record.supervisee_id is None:
            return []
        held = {}
        rows = []
        for action in open_actions(session, record.supervisee_id):
            if action.record_id not in held:
                earlier = session.get(SupervisionRecord, action.record_id)
                held[action.record_id] = earlier.held_on if earlier else action.due_date
            rows.append(ActionRow(action.id, action.description, action.owner,
                                  action.due_date, held[action.record_id]))
        return rows

    def _load_extra(self, session: Session, record: SupervisionRecord) -> None:
        """What a kind of record needs besides its values (group: the people to choose;
        a record of cases discussed: the caseload they are chosen from)."""
        self.case_picker: CasePicker | None = None
        self.case_choices: Choices | None = None
        keys = {f.key for f in ALL_FORMS[record.form_key].value_fields()}
        if record.supervisee_id is not None and CASES in keys:
            self.supervisee_id = record.supervisee_id
            self.case_choices = case_choices(session, record.supervisee_id, record.held_on)

    def _prepare_editor(self) -> None:
        """Adjust the editor before the values are shown (group: offer the attendees;
        cases discussed: pick them from the caseload)."""
        if self.case_choices is not None:
            self.case_picker = CasePicker(self, self.supervisee_id, self.held_on,
                                          self.case_choices)

    def _complete_kwargs(self) -> dict[str, Any]:
        return {"reviews": self.review.reviews() if self.review is not None else {}}

    # -- building ---------------------------------------------------------------------
    def _header(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(16, 0, 16, 0)
        column.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(heading_label(FORM_TITLES.get(self.form_key, "Record"), 1.45))
        top.addSpacing(8)
        reference = QLabel(self.form.reference)
        reference.setStyleSheet(f"color: {NOTE};")
        top.addWidget(reference, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        self.short_chip = QLabel()
        self.short_chip.setObjectName("short_chip")
        self.short_chip.setStyleSheet(chip_style("warning"))
        top.addWidget(self.short_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        text, kind = {"draft": ("Draft", "neutral"), "complete": ("Awaiting signature",
                                                                  "warning"),
                      "final": ("Final", "ok")}[self.status]
        if self.changed:
            text, kind = CHANGED_LABEL, "bad"
        self.status_chip = QLabel(text)
        self.status_chip.setObjectName("status_chip")
        self.status_chip.setStyleSheet(chip_style(kind))
        top.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addLayout(top)
        if self.changed:
            banner = QLabel(f"{describe(self.changed)} The database was altered outside the "
                            "app: what is shown is not what was signed, and the record cannot "
                            "be exported or sealed.")
            banner.setObjectName("changed_banner")
            banner.setWordWrap(True)
            banner.setStyleSheet(f"QLabel {{ background: {BAD_BG}; color: {BAD_FG}; "
                                 "font-weight: bold; padding: 6px; border-radius: 4px; }")
            column.addWidget(banner)
        who = self.about if self.form_key == "group" else f"{self.about} · supervised by " \
                                                          f"{self.supervisor_name}"
        column.addWidget(note_label(f"{who} · session of {self.held_on:%A %d %B %Y}"))
        intro = {
            "draft": "Saved as a draft as you type. Complete it when the record is finished: "
                     "it is then signed by the supervisor first, then the "
                     + ("attendees." if self.form_key == "group" else "supervisee."),
            "complete": "This record is complete and can no longer be edited. It becomes "
                        "final once everyone has signed it.",
            "final": "Signed by everyone: this record is final. Corrections are added as "
                     "signed addenda, shown below the record.",
        }[self.status]
        if not self.editable and self.status == "draft":
            intro = "A draft being written by the supervisor; shown read-only."
        if self.copy_given:
            intro += f" {self.copy_given}."
        self.intro = note_label(intro)
        self.intro.setObjectName("record_intro")
        column.addWidget(self.intro)
        return box

    def _footer(self) -> QHBoxLayout:
        footer = form_footer(
            "draft_note", close=self.reject,
            save=FooterButton("Save as draft", "save_draft",
                              "Save what is written so far and close; continue later",
                              self._save_and_close) if self.editable else None,
            complete=FooterButton("Complete", "complete",
                                  "Check the record and finish it, ready for signing",
                                  self.complete, QDialogButtonBox.ButtonRole.AcceptRole)
            if self.editable else None)
        self.draft_note, self.buttons = footer.note, footer.buttons
        self.save_button, self.complete_button = footer.save, footer.complete
        from supervision_audit.ui.printing.print_actions import add_print_button

        self.print_button = add_print_button(self, footer.buttons, self.print_record,
                                             "print_record_dialog")
        return footer.row

    def print_record(self) -> bool:
        """Print preview of this record as its form (a draft's changes are saved first);
        True when printed."""
        from supervision_audit.ui.printing.print_actions import print_record

        self._save_if_changed()
        with self.store.read() as session:
            record = session.get(SupervisionRecord, self.record_id)
            on_file = record.supervisee_id if record is not None else None
        return print_record(self, self.store, self.actor, self.record_id, on_file)

    def _signing_note(self) -> QWidget:
        box = QGroupBox("Signatures")
        box.setObjectName("record_signatures")
        column = QVBoxLayout(box)
        column.addWidget(note_label(
            "Once the record is complete, the supervisor signs it (Sign… in the supervision "
            "file), then the supervisee. A copy is due to the supervisee within 3 working "
            "days of the session."))
        return box

    def _section(self, key: str) -> QGroupBox | None:
        return self.editor.findChild(QGroupBox, f"section_{key}")

    def _hide_section(self, key: str) -> None:
        section = self._section(key)
        if section is not None:
            section.hide()

    def _append_to_form(self, widget: QWidget) -> None:
        """Put ``widget`` at the foot of the form, inside its scrolling page."""
        body = self.editor.scroll.widget().layout()
        body.insertWidget(body.count() - 1, widget)

    def _install_review(self, actions: list[ActionRow], values: dict[str, Any]) -> None:
        if "actions_reviewed" not in {f.key for f in self.form.value_fields()}:
            return
        rows = [r for r in values.get("actions_reviewed") or [] if isinstance(r, dict)]
        review = ReviewTable()
        if self.editable:
            review.set_actions(actions, {str(r.get("id")): outcome_key(r.get("outcome"))
                                         for r in rows})
            self.review = review
        else:
            review.show_stored(rows)
        table = self.editor.widget_for("actions_reviewed")
        section = self._section("review")
        if section is not None and section.layout() is not None:
            section.layout().replaceWidget(table, review)
            table.hide()

    def _repolish(self) -> None:
        """Let the read-only look (a style keyed on a property) reach every field."""
        for widget in [*self.editor.findChildren(QAbstractSpinBox),
                       *self.editor.findChildren(QPlainTextEdit)]:
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def _size_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(960, int(area.width() * 0.92)), min(900, int(area.height() * 0.92)))

    # -- values -----------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What is written, as the record keeps it."""
        values = self.editor.values()
        if self.review is not None:
            values["actions_reviewed"] = self.review.rows()
        return values

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def _changed(self) -> None:
        if not self.editable or self.completed:
            return
        self._dirty = True
        self.timer.start()
        self._note("Unsaved changes…")
        self._update_short()

    def _update_short(self) -> None:
        minutes = _minutes(self.editor.values())
        short = minutes is not None and minutes > 0 and is_short(minutes)
        self.short_chip.setText(f"Short session: {minutes} minutes" if short else "")
        self.short_chip.setVisible(short)

    def _note(self, text: str, bad: bool = False) -> None:
        self.draft_note.setText(text)
        self.draft_note.setStyleSheet(f"color: {PROBLEM if bad else NOTE};")

    # -- saving -----------------------------------------------------------------------
    def save_draft(self) -> bool:
        """Save the draft now, in its own transaction (the timer and closing call this)."""
        self.timer.stop()
        if not self.editable or self.completed or not self._dirty:
            return True
        values = self.values()
        try:
            with self.store.write() as session:
                save_draft(session, self.actor, self.record_id, values)
        except ValidationError as exc:  # text the store will not hold: a control character
            self.editor.show_problems(exc.problems)
            self._note("Draft not saved: please correct what is marked in red.", bad=True)
            return False
        except SupervisionAuditError as exc:
            self._note(f"Draft not saved: {exc}", bad=True)
            return False
        self._dirty = False
        self._note(f"Draft saved {datetime.now():%H:%M:%S}")
        return True

    def _save_if_changed(self) -> None:
        if self.editable and not self.completed and self._dirty:
            self.save_draft()

    def _save_and_close(self) -> None:
        self._dirty = True  # save even when the timer just did: the user asked
        if self.save_draft():
            self.accept()

    def complete(self) -> bool:
        """Check and finish the record; on problems show them beside the fields, stay open."""
        if not self.editable:
            return False
        self.timer.stop()
        try:
            with self.store.write() as session:
                complete_record(session, self.actor, self.record_id, self.values(),
                                **self._complete_kwargs())
        except ValidationError as exc:
            self.editor.show_problems(exc.problems)
            self._note("Not completed: please correct what is marked in red.", bad=True)
            if self._dirty:
                self.timer.start()
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Record not completed", str(exc))
            return False
        self.completed = True
        self._dirty = False
        self.accept()
        return True

    def done(self, result: int) -> None:
        """However the dialog closes, what was typed is kept as the draft."""
        if self.editable and not self.completed and self._dirty and not self.save_draft() \
                and not messages.ask_discard(self, "draft record"):
            return
        super().done(result)


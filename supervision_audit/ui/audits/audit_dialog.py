"""The supervision file audit (Appendix 7) on screen: the form on the left, and beside each
subject the evidence the file gives; beside the judgement, the rule that suggests one, kept
up to date as the answers change. Saved as a draft, then completed (which raises the actions).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError
from supervision_audit.forms import AUDIT
from supervision_audit.forms.audit import SUBJECTS
from supervision_audit.models import Staff
from supervision_audit.services.access import Action, Actor, permitted, require
from supervision_audit.services.audits import (
    JUDGEMENT_RULE,
    LABELS,
    answers_of,
    change_audit_date,
    get_audit,
    suggest_judgement,
)
from supervision_audit.services.audits import save_audit as save_audit_values
from supervision_audit.services.record_status import STATUS_LABELS, record_status, sign_state
from supervision_audit.ui.audits.audit_evidence_view import (
    CARD_STYLE,
    EvidenceCard,
    EvidenceListDialog,
)
from supervision_audit.ui.audits.audit_fit import AuditFit, FormGrid
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.style import NOTE, PROBLEM, chip_style, heading_label, note_label
from supervision_audit.ui.records.record_trail import TrailView, load_trail
from supervision_audit.ui.records.sign_dialog import SignDialog
from supervision_audit.ui.widgets.form_editor import FormEditor
from supervision_audit.ui.widgets.form_footer import FooterButton, form_footer

MAX_ACTIONS = 6
JUDGEMENT_CHIPS = {"outstanding": "ok", "good": "ok", "requires_improvement": "warning",
                   "inadequate": "bad"}
STATUS_CHIPS = {"draft": "neutral", "awaiting": "warning", "final": "ok"}


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("evidence_card")
    card.setStyleSheet(CARD_STYLE + " QFrame#evidence_card QLabel { background: transparent;"
                                    " border: none; }")
    column = QVBoxLayout(card)
    column.setContentsMargins(12, 10, 12, 10)
    column.setSpacing(6)
    caption = QLabel(title.upper())
    caption.setStyleSheet(f"color: {NOTE}; font-size: 85%; font-weight: bold;"
                          " letter-spacing: 1px;")
    column.addWidget(caption)
    return card, column


def _apart_from_date(values: dict[str, Any]) -> dict[str, Any]:
    """The answers without the audit's date and the period it sets."""
    return {k: v for k, v in values.items() if k not in ("completed_on", "period")}


class AuditDialog(QDialog):
    """One audit. ``completed`` is True once it was completed here."""

    def __init__(self, store: Store, actor: Actor, audit_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audit_dialog")
        self.store, self.actor, self.audit_id = store, actor, audit_id
        self.completed = False
        self._dirty = False
        self.evidence_dialog: EvidenceListDialog | None = None
        with store.read() as session:
            audit = get_audit(session, audit_id)
            require(session, actor, Action.READ_FILE, audit.supervisee_id)
            self.status = audit.status
            self.editable = audit.status == "draft" and permitted(
                session, actor, Action.RUN_AUDIT, audit.supervisee_id)
            self.state = record_status(audit)  # "draft", "awaiting" (its signature), "final"
            self.may_sign = self.state == "awaiting" and sign_state(
                session, actor, "audit", audit_id).my_place is not None
            values: dict[str, Any] = dict(audit.values)
            self.proposals: dict[str, Any] = dict(audit.proposals)
            self.evidence_on: date = audit.completed_on
            auditor = session.get(Staff, audit.auditor_id)
            self.auditor_name = auditor.name if auditor else ""
        self.supervisee_name = str(values.get("supervisee_name", ""))
        self.supervisor_name = str(values.get("supervisor_name", ""))
        self.setWindowTitle(f"Supervision file audit – {self.supervisee_name}")

        self.editor = FormEditor(AUDIT, self, show_title=False)
        self.editor.set_values(values)
        self.cards: dict[str, EvidenceCard] = {}
        self.rows: list[QHBoxLayout] = []
        self._place_evidence()
        self._place_judgement_card()
        self._place_actions_note()
        self._place_signatures()
        if not self.editable:
            self.editor.set_read_only(True)
        self.editor.changed.connect(self._changed)
        self.date_field = self.editor.binding_for("completed_on").widget
        if self.editable:  # a settled new date gathers the evidence again (not each keystroke)
            self.date_field.line.editingFinished.connect(self._date_settled)
            self.date_field.line.installEventFilter(self)
            self.date_field.calendar.clicked.connect(lambda _d: self._date_settled())
            self.date_field.calendar.activated.connect(lambda _d: self._date_settled())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 12)
        layout.setSpacing(8)
        layout.addWidget(self._header())
        layout.addWidget(self.editor, 1)
        layout.addLayout(self._footer())
        self.refresh()
        self._saved_values = self.editor.values()  # what the store holds, as on screen
        boxes = [self.editor.findChild(QGroupBox, f"section_{key}")
                 for key in ("header", "judgement_section")]
        self.fit = AuditFit(self, self.top, self.intro, self.editor.scroll, self.rows,
                            [FormGrid(box, grid) for box in boxes if box is not None
                             for grid in box.findChildren(QGridLayout)])
        self._size_to_screen()
        self.fit.fit_heading(self.width())

    # -- building ---------------------------------------------------------------------
    def _body(self) -> QVBoxLayout:
        return self.editor.scroll.widget().layout()  # type: ignore[return-value]

    def _beside(self, key: str, card: QWidget, stretch: tuple[int, int] = (3, 2)) -> None:
        """Put ``card`` to the right of the form section ``key``."""
        box = self.editor.findChild(QGroupBox, f"section_{key}")
        body = self._body()
        index = body.indexOf(box)
        body.removeWidget(box)
        row = QWidget()
        row.setObjectName(f"row_{key}")
        pair = QHBoxLayout(row)
        self.rows.append(pair)  # below the section where the dialog is narrow
        pair.setContentsMargins(0, 0, 0, 0)
        pair.setSpacing(12)
        pair.addWidget(box, stretch[0])
        pair.addWidget(card, stretch[1], Qt.AlignmentFlag.AlignTop)
        body.insertWidget(index, row)

    def _place_evidence(self) -> None:
        line = self.fontMetrics().lineSpacing()
        for key, _title, _questions, _na in SUBJECTS:
            card = EvidenceCard(key, self.proposals.get(key))
            card.figure_opened.connect(self.show_evidence)
            self.cards[key] = card
            self._beside(key, card)
            box = self.editor.findChild(QGroupBox, f"section_{key}")
            for grid in box.findChildren(QGridLayout):  # "Outcome" needs no wide label column
                grid.setColumnMinimumWidth(0, 0)
            for part in ("comment", "action"):
                edit = self.editor.widget_for(f"{key}_{part}")
                edit.setMinimumHeight(line * 3 + 14)
                edit.setMaximumHeight(line * 4 + 14)

    def _place_judgement_card(self) -> None:
        card, column = _card("How the judgement is suggested")
        rule = QLabel(JUDGEMENT_RULE)
        rule.setObjectName("judgement_rule")
        rule.setWordWrap(True)
        column.addWidget(rule)
        line = QHBoxLayout()
        line.addWidget(QLabel("The answers suggest:"))
        self.suggestion_chip = QLabel()
        self.suggestion_chip.setObjectName("suggestion_chip")
        line.addWidget(self.suggestion_chip)
        line.addStretch(1)
        column.addLayout(line)
        self.judgement_note = QLabel()
        self.judgement_note.setObjectName("judgement_note")
        self.judgement_note.setWordWrap(True)
        column.addWidget(self.judgement_note)
        column.addStretch(1)
        self._beside("judgement_section", card)

    def _place_actions_note(self) -> None:
        """The actions table full width, under what becomes of the actions."""
        box = self.editor.findChild(QGroupBox, "section_actions_section")
        column = box.layout()
        who = self.supervisor_name or "the supervisor"
        about = note_label(f"Up to {MAX_ACTIONS} actions, numbered in the order listed. When "
                           f"the audit is completed each becomes a tracked action for {who}, "
                           "raised in their next manager supervision (item 8) until done.")
        column.insertWidget(0, about)  # type: ignore[attr-defined]
        label = self.editor.findChild(QLabel, "actions_label")
        if label is not None:
            label.hide()
        for grid in box.findChildren(QGridLayout):
            grid.setColumnMinimumWidth(0, 0)
        self.actions_count = QLabel()
        self.actions_count.setObjectName("actions_count")
        column.addWidget(self.actions_count)

    def _place_signatures(self) -> None:
        """The auditor signs with the password (Sign…), as everyone signs: the form's
        signature line is never typed. Below the form: the signature given, or what to do."""
        box = self.editor.findChild(QGroupBox, "section_signatures")
        if box is not None:
            box.hide()
        self.trail: QWidget | None = None
        self._show_signatures()

    def _show_signatures(self) -> None:
        body = self._body()
        if self.trail is not None:
            body.removeWidget(self.trail)
            self.trail.deleteLater()
        if self.state == "draft":
            self.trail = QGroupBox("Signature")
            self.trail.setObjectName("audit_signatures")
            QVBoxLayout(self.trail).addWidget(note_label(
                "Once the audit is complete, the auditor signs it with their password "
                "(Sign…): it is then final and cannot be changed."))
        else:
            with self.store.read() as session:
                trail = load_trail(session, self.actor, "audit", self.audit_id)
            self.trail = TrailView(trail, nobody="Nobody has signed this audit yet: the "
                                                 "auditor signs it with their password.")
        body.insertWidget(body.count() - 1, self.trail)

    def _header(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(16, 0, 16, 0)
        column.setSpacing(2)
        self.top = QHBoxLayout()  # the chips on a line of their own where it is narrow
        self.top.setSpacing(8)
        title = QWidget()
        title.setObjectName("audit_title")
        line = QHBoxLayout(title)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(heading_label("Supervision file audit", 1.45))
        line.addSpacing(8)
        reference = QLabel(AUDIT.reference)
        reference.setStyleSheet(f"color: {NOTE};")
        line.addWidget(reference, 0, Qt.AlignmentFlag.AlignBottom)
        line.addStretch(1)
        self.top.addWidget(title)
        chips = QWidget()
        chips.setObjectName("audit_chips")
        line = QHBoxLayout(chips)
        line.setContentsMargins(0, 0, 0, 0)
        line.addStretch(1)
        self.answers_chip = QLabel()
        self.answers_chip.setObjectName("answers_chip")
        self.answers_chip.setStyleSheet(chip_style("neutral"))
        line.addWidget(self.answers_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.status_chip = QLabel()
        self.status_chip.setObjectName("status_chip")
        self._show_state()
        line.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        self.top.addWidget(chips, 1)
        column.addLayout(self.top)
        self.about = note_label("")
        self.about.setObjectName("audit_about")
        self._show_period(str(self.editor.values().get("period", "")))
        column.addWidget(self.about)
        intro = ("Each subject starts with the answer the file's evidence suggests (shown "
                 "with it, with the records behind each figure). The answers are yours: "
                 "overruling the evidence needs a comment, and the audit keeps both."
                 if self.editable else "This audit is shown read-only." +
                 (" It is complete: its actions are tracked in the supervisor's own "
                  "supervision." if self.status == "complete" else ""))
        if self.may_sign:
            intro += " Sign it (Sign…) to make it final."
        self.intro = note_label(intro)
        self.intro.setObjectName("audit_intro")
        column.addWidget(self.intro)
        return box

    def _footer(self) -> QHBoxLayout:
        footer = form_footer(
            "audit_note", close=self.reject, close_name="close_audit",
            save=FooterButton("Save draft", "save_audit",
                              "Save the answers so far; finish the audit later",
                              self.save_draft) if self.editable else None,
            complete=FooterButton("Complete", "complete_audit",
                                  "Check the audit and finish it: its actions become "
                                  "tracked actions for the supervisor",
                                  self.complete) if self.editable else None)
        self.note, self.buttons = footer.note, footer.buttons
        self.save_button, self.complete_button = footer.save, footer.complete
        self.sign_button = None
        if self.may_sign:
            self.sign_button = self.buttons.addButton(
                "Sign…", QDialogButtonBox.ButtonRole.ActionRole)
            self.sign_button.setObjectName("sign_audit")
            self.sign_button.setToolTip("Sign the audit with your password: it becomes final")
            self.sign_button.setAutoDefault(False)
            self.sign_button.clicked.connect(lambda _checked=False: self.sign())
        return footer.row

    def _show_state(self) -> None:
        self.status_chip.setText(STATUS_LABELS[self.state])
        self.status_chip.setStyleSheet(chip_style(STATUS_CHIPS[self.state]))

    def sign(self) -> SignDialog:
        """Open the signing dialog (password, meaning, optional drawn signature); once
        signed, the audit shows as final with its signature."""
        dialog = SignDialog(self.store, self.actor, "audit", self.audit_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._signed)
        self.sign_dialog = dialog
        dialog.open()
        return dialog

    def _signed(self) -> None:
        with self.store.read() as session:
            self.state = record_status(get_audit(session, self.audit_id))
        self.may_sign = False
        if self.sign_button is not None:
            self.sign_button.hide()
        self._show_state()
        self._show_signatures()
        self._note("Signed: the audit is final." if self.state == "final" else "Signed.")

    def _size_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(1320, int(area.width() * 0.94)), min(920, int(area.height() * 0.94)))

    def _show_period(self, period: str) -> None:
        self.about.setText(f"{self.supervisee_name} · supervised by {self.supervisor_name} · "
                           f"audited by {self.auditor_name} · period {period}")

    # -- live state -------------------------------------------------------------------
    def _changed(self) -> None:
        if self.editable and not self.completed:
            self._dirty = True
            self._note("Unsaved changes…")
        self.refresh()

    def refresh(self) -> None:
        """Agreement with the evidence, the suggested judgement and the action count, from
        what is on screen now."""
        values = self.editor.values()
        answers = answers_of(values)
        for key, card in self.cards.items():
            card.set_answer(answers[key], has_comment=bool(
                str(values.get(f"{key}_comment") or "").strip()))
        counts = Counter(a for a in answers.values() if a)
        self.answers_chip.setText(f"{counts['yes']} yes · {counts['no']} no · "
                                  f"{counts['n_a']} not applicable")
        suggested = suggest_judgement(answers)
        label = LABELS.get(suggested or "", "")
        self.editor.binding_for("suggested_judgement").set_value(label)
        self.suggestion_chip.setText(label or "— (no answers yet)")
        self.suggestion_chip.setStyleSheet(chip_style(JUDGEMENT_CHIPS.get(suggested or "",
                                                                          "neutral")))
        chosen = values.get("judgement")
        rationale = str(values.get("judgement_rationale") or "").strip()
        if not chosen:
            text, colour = "Choose the overall judgement.", NOTE
        elif chosen == suggested:
            text, colour = "✓ Your judgement is the one the answers suggest.", NOTE
        elif rationale:
            text, colour = (f"Your judgement ({LABELS.get(chosen, chosen)}) differs from the "
                            "suggestion; your rationale says why."), NOTE
        else:
            text, colour = (f"⚠ Your judgement ({LABELS.get(chosen, chosen)}) differs from the "
                            "suggestion: give the rationale."), PROBLEM
        self.judgement_note.setText(text)
        self.judgement_note.setStyleSheet(f"color: {colour};")
        self._number_actions()

    def _number_actions(self) -> None:
        table = self.editor.binding_for("actions")
        rows = table.row_count()  # type: ignore[attr-defined]
        for number in range(rows):
            cell = table.cell(number, "action").widget  # type: ignore[attr-defined]
            if isinstance(cell, QPlainTextEdit):
                cell.setPlaceholderText(f"Action {number + 1}")
        given = len(self.editor.values().get("actions") or [])
        self.actions_count.setText(f"<b>{given} of {MAX_ACTIONS}</b> actions written")

    def _note(self, text: str, bad: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {PROBLEM if bad else NOTE};")

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    # -- evidence ---------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Return in the date field settles the date (and does not press the dialog's
        default button, which would add an action row)."""
        if watched is self.date_field.line and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.date_field.check():
                self._date_settled()
            return True
        return super().eventFilter(watched, event)

    def _date_settled(self) -> None:
        if not self.editable or self.completed:
            return
        try:
            day = self.date_field.date()
        except ValueError:
            return  # the field says what is wrong with the text
        if day is not None and day != self.evidence_on:
            self.gather_again(day)

    def gather_again(self, day: date) -> bool:
        """The audit dated ``day``: the evidence gathered again for its period (the date and
        evidence are stored at once), the answers on screen merged with it (answers that
        took the old evidence follow the new; the auditor's own answers and comments stay).

        When nothing but the date was changed, the store now holds what the screen shows
        (it merged its answers the same way), so closing has nothing to ask about."""
        only_the_date = _apart_from_date(self.editor.values()) == \
            _apart_from_date(self._saved_values)
        try:
            with self.store.write() as session:
                result = change_audit_date(session, self.actor, self.audit_id, day,
                                           self.editor.values())
        except ValidationError as exc:
            self.editor.show_problems(exc.problems)
            self._note("Evidence not gathered again: please correct what is marked in red.",
                       bad=True)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit date not changed", str(exc))
            return False
        self.evidence_on = day
        self.proposals = dict(result.proposals)
        self.editor.clear_problems()
        for key, card in self.cards.items():
            card.set_proposal(self.proposals.get(key))
        for key in result.followed:
            self.editor.binding_for(f"{key}_outcome").set_value(result.values[f"{key}_outcome"])
        self.editor.binding_for("period").set_value(result.values["period"])
        self._show_period(result.values["period"])
        self.refresh()
        titles = dict((k, t) for k, t, *_ in SUBJECTS)
        text = f"Evidence gathered again for {day:%d/%m/%Y}"
        if result.changed:
            text += " · proposal changed: " + ", ".join(titles[k] for k in result.changed)
        if only_the_date:
            self._saved_values = self.editor.values()
            self._dirty = False
        self._note(text)
        self.note.setToolTip(f"The figures beside each subject now cover "
                             f"{result.values['period']}. Answers that took the evidence "
                             "follow it; your own answers and comments are kept.")
        return True

    def show_evidence(self, title: str, ids: list[str]) -> EvidenceListDialog:
        dialog = EvidenceListDialog(self.store, self.actor, title, ids, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.evidence_dialog = dialog
        dialog.open()
        return dialog

    # -- saving -----------------------------------------------------------------------
    def save_draft(self) -> bool:
        if self._save(complete=False):
            self._dirty = False
            self._saved_values = self.editor.values()
            self._note(f"Draft saved {datetime.now():%H:%M}")
            return True
        return False

    def complete(self) -> bool:
        """Check everything and finish; on problems show them beside the fields, stay open."""
        if not self._save(complete=True):
            return False
        self.completed = True
        self._dirty = False
        self.accept()
        return True

    def _save(self, *, complete: bool) -> bool:
        if not self.editable:
            return False
        self.editor.clear_problems()
        try:
            with self.store.write() as session:
                save_audit_values(session, self.actor, self.audit_id, self.editor.values(),
                                  complete=complete)
        except ValidationError as exc:
            self.editor.show_problems(exc.problems)
            self._note(("Not completed" if complete else "Not saved") +
                       ": please correct what is marked in red.", bad=True)
            return False
        except SupervisionAuditError as exc:
            messages.show_error(self, "Audit not saved", str(exc))
            return False
        return True

    def done(self, result: int) -> None:
        """Closing with unsaved answers asks first."""
        if self.editable and self._dirty and not self.completed and \
                not messages.ask_discard(self, "audit"):
            return
        super().done(result)

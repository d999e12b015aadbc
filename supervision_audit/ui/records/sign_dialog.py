"""Signing a record, contract or audit: who signs, what the signature means, the password
asked again, and an optional drawn signature.

A supervisee without an account may sign in person on the supervisor's computer: the
supervisor witnesses it with their own password, and the supervisee's typed full name and
drawn signature are then required. Any refusal (wrong password, out of order, already
signed) is shown in the dialog and nothing is stored.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError, ValidationError, WrongKeyError
from supervision_audit.models import Contract, Staff, SupervisionRecord
from supervision_audit.services.access import Actor
from supervision_audit.services.signatures import (
    SUPERVISEE_MEANING,
    sign,
)
from supervision_audit.ui.common.layout_checks import resize_within_screen
from supervision_audit.ui.common.style import (
    chip_style,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.records.record_data import (
    FORM_TITLES,
    ROLE_WORDS,
    Signer,
    esc,
    sign_state,
)
from supervision_audit.ui.widgets.dialog_body import (
    DialogBody,
    WidthWatch,
    dialog_body,
    stack_when_narrow,
)
from supervision_audit.ui.widgets.signature_pad import SignatureBox

DISAGREE_LABEL = "Supervisee: I have read this record and disagree:"
WIDTH = 860  # where the screen allows: the meaning and the drawn signature side by side


def describe(session: Session, kind: str, record_id: uuid.UUID) -> str:
    """A line naming what is signed: the form, whose, and its date."""
    if kind == "contract":
        contract = session.get(Contract, record_id)
        if contract is None:
            return "Supervision contract"
        person = session.get(Staff, contract.supervisee_id)
        return f"Supervision contract, version {contract.version} · {person.name if person else ''}"
    if kind in ("asye", "audit", "observation"):
        from supervision_audit.models import AsyeTracker, DirectObservation, FileAudit

        table = {"asye": AsyeTracker, "audit": FileAudit, "observation": DirectObservation}
        row = session.get(table[kind], record_id)
        whose = getattr(row, "supervisee_id", None) or getattr(row, "supervisor_id", None)
        person = session.get(Staff, whose) if whose else None
        title = {"asye": "ASYE tracker", "audit": "Supervision file audit",
                 "observation": "Direct observation"}[kind]
        return f"{title} · {person.name if person else ''}"
    record = session.get(SupervisionRecord, record_id)
    if record is None:
        return "Supervision record"
    person = session.get(Staff, record.supervisee_id) if record.supervisee_id else None
    return (f"{FORM_TITLES.get(record.form_key, 'Record')} · "
            f"{person.name if person else 'group supervision'} · {record.held_on:%d/%m/%Y}")


def fixed_meaning(kind: str, role: str) -> str | None:
    """The meaning of a signature in ``role`` when there is no choice to make."""
    from supervision_audit.services.signatures import meaning_for

    if kind == "record" and role == "supervisee":
        return None  # a supervisee of a record: read it, or read it and disagree
    return meaning_for(kind, role)


class SignDialog(QDialog):
    """Signs once and closes (accepted); ``signed_as`` then names the signer."""

    def __init__(self, store: Store, actor: Actor, kind: str, record_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign_dialog")
        self.store, self.actor, self.kind, self.record_id = store, actor, kind, record_id
        self.signed_as = ""
        self.may_disagree = False
        with store.read() as session:
            state = sign_state(session, actor, kind, record_id)
            what = describe(session, kind, record_id)
        self.in_person = state.my_place is None and bool(state.witness_for)
        self.signers: list[Signer] = [state.my_place] if state.my_place else \
            list(state.witness_for)
        noun = {"contract": "contract", "audit": "audit", "asye": "tracker",
                "observation": "observation"}.get(kind, "record")
        self.setWindowTitle(f"Sign the {noun}")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading_label(f"Sign the {noun}", 1.35))
        summary = note_label(what)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setObjectName("sign_summary")
        layout.addWidget(summary)
        self.banner = problem_label()
        self.banner.setObjectName("sign_problems")
        layout.addWidget(self.banner)
        self.buttons = QDialogButtonBox()
        if not self.signers:
            nothing = note_label("There is nothing for you to sign here: " + (
                f"waiting for {state.waiting_text()}." if state.waiting else
                "everyone has signed."))
            nothing.setObjectName("nothing_to_sign")
            layout.addWidget(nothing)
            self.sign_button = None
            self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        else:
            body = dialog_body(layout)  # scrolls on a shorter screen (150 %)
            body.addWidget(self._who_box())
            # side by side so that the dialog fits a 720-pixel screen; one above the other
            # where it is too narrow for both (640 wide at 200 %)
            self.panes = QHBoxLayout()
            self.panes.setSpacing(12)
            self.panes.addWidget(self._meaning_box(), 1)
            self.panes.addWidget(self._drawing_box(), 1)
            body.addLayout(self.panes)
            body.addWidget(self._password_box())
            self.sign_button = self.buttons.addButton("Sign",
                                                      QDialogButtonBox.ButtonRole.AcceptRole)
            self.sign_button.setObjectName("sign")
            self.sign_button.setDefault(True)
            self.sign_button.clicked.connect(self.sign)
            self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            self._signer_changed()
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.signers:  # the panes turned for the width it opens at, then as it changes
            resize_within_screen(self, WIDTH, self.sizeHint().height())
            body_area = self.findChild(DialogBody)
            margins = layout.contentsMargins().left() + layout.contentsMargins().right()
            stack_when_narrow(self.panes, body_area.room(self.width() - margins))
            WidthWatch(body_area, lambda width: stack_when_narrow(self.panes,
                                                                  body_area.room(width)))
        resize_within_screen(self, WIDTH if self.signers else 600, self.sizeHint().height())
        if self.signers:
            (self.typed_name if self.in_person else self.password).setFocus()

    # -- building ---------------------------------------------------------------------
    def _who_box(self) -> QGroupBox:
        box = QGroupBox("Signing in person" if self.in_person else "Who is signing")
        box.setObjectName("who_box")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.signer_choice = QComboBox()
        self.signer_choice.setObjectName("signer_choice")
        for signer in self.signers:
            self.signer_choice.addItem(f"{signer.name} ({ROLE_WORDS.get(signer.role)})")
        self.signer_choice.currentIndexChanged.connect(lambda _i: self._signer_changed())
        self.typed_name = QLineEdit()
        self.typed_name.setObjectName("typed_name")
        self.typed_name_problem = problem_label()
        if self.in_person:
            box.layout().addRow(note_label(
                f"{self.signers[0].name} has no account, so they sign here, on "
                f"your computer. You, {self.actor.name}, witness the signature "
                "with your password."))
            if len(self.signers) > 1:
                form.addRow("Signer", self.signer_choice)
            else:
                form.addRow("Signer", QLabel(f"<b>{esc(self.signers[0].name)}</b> · "
                                             f"{ROLE_WORDS.get(self.signers[0].role)}"))
            self.typed_name.setPlaceholderText("Typed by the signer, as their signature")
            form.addRow("Full name", self.typed_name)
            form.addRow("", self.typed_name_problem)
        else:
            me = self.signers[0]
            who = QLabel(f"<b>{esc(me.name)}</b> · signed in as "
                         f"{esc(self.actor.username)}")
            who.setObjectName("signer_name")
            role = QLabel(ROLE_WORDS.get(me.role, me.role).capitalize())
            role.setStyleSheet(chip_style("ok"))
            role.setObjectName("signer_role")
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            form.addRow("Signer", who)
            form.addRow("Signing as", role)
        return box

    def _meaning_box(self) -> QGroupBox:
        box = QGroupBox("What your signature means")
        box.setObjectName("meaning_box")
        column = QVBoxLayout(box)
        self.meaning = QLabel()
        self.meaning.setObjectName("meaning")
        self.meaning.setWordWrap(True)
        self.meaning.setStyleSheet("font-style: italic; padding: 2px 0;")
        self.agree = QRadioButton(SUPERVISEE_MEANING)
        self.agree.setObjectName("agree")
        self.agree.setChecked(True)
        self.disagree = QRadioButton(DISAGREE_LABEL)
        self.disagree.setObjectName("disagree")
        self.disagreement = QPlainTextEdit()
        self.disagreement.setObjectName("disagreement")
        self.disagreement.setPlaceholderText("What you disagree with, in your own words")
        self.disagreement.setTabChangesFocus(True)
        self.disagreement.setFixedHeight(self.disagreement.fontMetrics().lineSpacing() * 4 + 14)
        self.disagreement.setEnabled(False)
        self.disagree.toggled.connect(self.disagreement.setEnabled)
        self.disagree.toggled.connect(lambda on: on and self.disagreement.setFocus())
        self.disagreement_problem = problem_label()
        for widget in (self.meaning, self.agree, self.disagree, self.disagreement,
                       self.disagreement_problem):
            column.addWidget(widget)
        column.addStretch(1)  # beside the drawn signature, which is taller
        return box

    def _drawing_box(self) -> QGroupBox:
        self.drawing_box = QGroupBox("Drawn signature")
        self.drawing_box.setObjectName("drawing_box")
        column = QVBoxLayout(self.drawing_box)
        self.drawing_note = note_label()
        column.addWidget(self.drawing_note)
        self.signature = SignatureBox()
        self.pad = self.signature.pad
        column.addWidget(self.signature)
        self.pad_problem = problem_label()
        self.pad_problem.setObjectName("pad_problem")
        column.addWidget(self.pad_problem)
        self.pad.changed.connect(lambda: self.pad.is_empty() or show_problem(self.pad_problem, ""))
        return self.drawing_box

    def _password_box(self) -> QGroupBox:
        box = QGroupBox("Confirm it is you")
        form = QFormLayout(box)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("The password you sign in with")
        self.password_problem = problem_label()
        self.password_problem.setObjectName("password_problem")
        label = "Your password (as witness)" if self.in_person else "Your password"
        form.addRow(label, self.password)
        form.addRow("", self.password_problem)
        return box

    def signer(self) -> Signer:
        return self.signers[max(0, self.signer_choice.currentIndex())]

    def _signer_changed(self) -> None:
        role = self.signer().role
        fixed = fixed_meaning(self.kind, role)
        self.meaning.setText(f"“{fixed}”" if fixed else "")
        self.meaning.setVisible(fixed is not None)
        self.may_disagree = fixed is None
        for widget in (self.agree, self.disagree, self.disagreement):
            widget.setVisible(self.may_disagree)
        if self.in_person:
            self.drawing_note.setText("Required: the signer draws their signature below "
                                      "with the mouse, a pen or a finger.")
        else:
            self.drawing_note.setText("Optional: draw your signature with the mouse, a pen or "
                                      "a finger. It is printed on the record.")
        self.pad.set_required(self.in_person)

    # -- signing ----------------------------------------------------------------------
    def _clear_problems(self) -> None:
        for label in (self.banner, self.password_problem, self.typed_name_problem,
                      self.pad_problem, self.disagreement_problem):
            show_problem(label, "")

    def _checked(self) -> bool:
        """What the dialog itself can tell is missing, shown beside the fields."""
        ok = True
        if not self.password.text():
            show_problem(self.password_problem, "Type your password to sign.")
            ok = False
        if self.may_disagree and self.disagree.isChecked() and \
                not self.disagreement.toPlainText().strip():
            show_problem(self.disagreement_problem, "Say what you disagree with.")
            ok = False
        if self.in_person:
            if not self.typed_name.text().strip():
                show_problem(self.typed_name_problem, "The signer types their full name.")
                ok = False
            if self.pad.is_empty():
                show_problem(self.pad_problem, "The signer draws their signature.")
                ok = False
        return ok

    def sign(self) -> bool:
        """Sign in one transaction; a refusal is shown here and nothing is stored."""
        if self.sign_button is None:
            return False
        self._clear_problems()
        if not self._checked():
            return False
        signer = self.signer()
        disagreement = self.disagreement.toPlainText().strip() \
            if self.may_disagree and self.disagree.isChecked() else ""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.store.write() as session:
                signature = sign(
                    session, self.actor, self.kind, self.record_id,
                    password=self.password.text(), disagreement=disagreement,
                    image_png=self.pad.png_bytes(),
                    in_person_for=signer.staff_id if self.in_person else None,
                    typed_name=self.typed_name.text().strip() if self.in_person else "")
                self.signed_as = f"{signature.typed_name} ({signature.role})"
        except WrongKeyError as exc:
            self.password.clear()
            self.password.setFocus()
            show_problem(self.password_problem, str(exc))
            return False
        except ValidationError as exc:
            show_problem(self.banner, "Nothing was signed: " +
                         "; ".join(p.message for p in exc.problems) + ".")
            return False
        except SupervisionAuditError as exc:
            show_problem(self.banner, f"Nothing was signed: {exc}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.accept()
        return True

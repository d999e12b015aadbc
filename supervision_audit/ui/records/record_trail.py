"""Below a completed record: who signed it (name, role, meaning, when, drawn signature), who
is still to sign, and its addenda, each signed by its author."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from sqlmodel import Session

from supervision_audit.models import Signature, Staff
from supervision_audit.services.access import Actor
from supervision_audit.services.signatures import addenda_of, signatures_of
from supervision_audit.ui.common.style import NOTE, chip_style, note_label
from supervision_audit.ui.records.record_data import ROLE_WORDS, Signer, esc, sign_state

IMAGE_HEIGHT = 46


@dataclass(frozen=True)
class SignatureView:
    name: str
    role: str
    meaning: str
    signed_at: datetime
    image_png: bytes | None
    content_hash: str
    witnessed_by: str  # "" unless signed in person


@dataclass(frozen=True)
class AddendumView:
    id: uuid.UUID
    author: str
    written_on: date
    reason: str
    text: str
    signatures: tuple[SignatureView, ...]


@dataclass(frozen=True)
class Trail:
    signatures: tuple[SignatureView, ...]
    waiting: tuple[Signer, ...]
    addenda: tuple[AddendumView, ...]


def _view(session: Session, signature: Signature) -> SignatureView:
    witness = session.get(Staff, signature.witnessed_by) if signature.witnessed_by else None
    return SignatureView(signature.typed_name, signature.role, signature.meaning,
                         signature.signed_at, signature.image_png, signature.content_hash,
                         witness.name if witness else "")


def load_trail(session: Session, actor: Actor, kind: str, record_id: uuid.UUID) -> Trail:
    state = sign_state(session, actor, kind, record_id)
    addenda = []
    for addendum in addenda_of(session, kind, record_id):
        author = session.get(Staff, addendum.author_staff_id)
        addenda.append(AddendumView(
            addendum.id, author.name if author else "", addendum.written_on, addendum.reason,
            addendum.text, tuple(_view(session, s)
                                 for s in signatures_of(session, "addendum", addendum.id))))
    return Trail(tuple(_view(session, s) for s in signatures_of(session, kind, record_id)),
                 state.waiting, tuple(addenda))


def _when(moment: datetime) -> str:
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{local:%d/%m/%Y at %H:%M}"



def signature_widget(view: SignatureView) -> QWidget:
    """One signature: the drawn image (if any) beside name, role, meaning and time."""
    box = QFrame()
    box.setObjectName("signature_entry")
    box.setFrameShape(QFrame.Shape.StyledPanel)
    box.setStyleSheet("QFrame#signature_entry { background: palette(base); border-radius: 4px; }")
    row = QHBoxLayout(box)
    row.setContentsMargins(10, 8, 10, 8)
    row.setSpacing(14)
    image = QLabel()
    image.setFixedSize(170, IMAGE_HEIGHT + 8)
    image.setAlignment(Qt.AlignmentFlag.AlignCenter)
    pixmap = QPixmap()
    if view.image_png and pixmap.loadFromData(view.image_png):
        image.setPixmap(pixmap.scaled(166, IMAGE_HEIGHT, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation))
        image.setToolTip("The signature as drawn")
    else:
        image.setText("(no drawn signature)")
        image.setStyleSheet(f"color: {NOTE}; font-style: italic;")
    image.setObjectName("signature_image")
    row.addWidget(image)
    extra = f"<br>Signed in person, witnessed by {esc(view.witnessed_by)}" \
        if view.witnessed_by else ""
    text = QLabel(
        f"<b>{esc(view.name)}</b> <span style='color:{NOTE}'>· "
        f"{ROLE_WORDS.get(view.role, view.role)}</span><br>"
        f"<i>“{esc(view.meaning)}”</i><br>"
        f"<span style='color:{NOTE}'>Signed {_when(view.signed_at)}{extra}</span>")
    text.setWordWrap(True)
    text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    text.setToolTip(f"SHA-256 of the content signed: {view.content_hash}")
    text.setObjectName("signature_text")
    row.addWidget(text, 1)
    return box


class TrailView(QWidget):
    """The signatures and addenda of one record, for the foot of the record dialog."""

    def __init__(self, trail: Trail, parent: QWidget | None = None, *,
                 nobody: str = "Nobody has signed this record yet. The supervisor signs "
                               "first, then the supervisee.") -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        signed = QGroupBox("Signatures")
        signed.setObjectName("record_signatures")
        inner = QVBoxLayout(signed)
        inner.setSpacing(6)
        if not trail.signatures:
            inner.addWidget(note_label(nobody))
        for view in trail.signatures:
            inner.addWidget(signature_widget(view))
        if trail.waiting:
            waiting = QLabel("Still to sign: " + ", ".join(
                f"{esc(s.name)} ({ROLE_WORDS.get(s.role, s.role)})"
                for s in trail.waiting))
            waiting.setObjectName("still_to_sign")
            waiting.setTextFormat(Qt.TextFormat.RichText)
            waiting.setStyleSheet(chip_style("warning"))
            row = QHBoxLayout()
            row.addWidget(waiting)
            row.addStretch(1)
            inner.addLayout(row)
        column.addWidget(signed)
        self.addenda_box = QGroupBox(f"Addenda ({len(trail.addenda)})")
        self.addenda_box.setObjectName("record_addenda")
        listing = QVBoxLayout(self.addenda_box)
        listing.setSpacing(8)
        for number, addendum in enumerate(trail.addenda, start=1):
            listing.addWidget(self._addendum(number, addendum))
        self.addenda_box.setVisible(bool(trail.addenda))
        column.addWidget(self.addenda_box)

    @staticmethod
    def _addendum(number: int, addendum: AddendumView) -> QWidget:
        box = QWidget()
        box.setObjectName(f"addendum_{number}")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        head = QLabel(f"<b>Addendum {number}</b> · {addendum.written_on:%d/%m/%Y} · "
                      f"{esc(addendum.author)}")
        column.addWidget(head)
        reason = QLabel(f"<span style='color:{NOTE}'>Reason:</span> "
                        f"{esc(addendum.reason)}")
        reason.setWordWrap(True)
        reason.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(reason)
        text = QLabel(esc(addendum.text).replace("\n", "<br>"))
        text.setObjectName(f"addendum_{number}_text")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(text)
        for view in addendum.signatures:
            if view.image_png:
                column.addWidget(signature_widget(view))
            else:
                signed = QLabel(f"Signed by {esc(view.name)} ({ROLE_WORDS.get(view.role)}) "
                                f"{_when(view.signed_at)}: <i>“{esc(view.meaning)}”</i>")
                signed.setTextFormat(Qt.TextFormat.RichText)
                signed.setWordWrap(True)
                signed.setStyleSheet(f"color: {NOTE};")
                signed.setToolTip(f"SHA-256 of the content signed: {view.content_hash}")
                column.addWidget(signed)
        return box

    def addendum_texts(self) -> list[str]:
        """The text of each addendum shown (for tests and screen readers)."""
        return [label.text() for label in self.findChildren(QLabel)
                if label.objectName().startswith("addendum_")
                and label.objectName().endswith("_text")]

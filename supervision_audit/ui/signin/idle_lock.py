"""Locking the app after a while without input.

An application-wide event filter notices keys, clicks, wheel and mouse movement. When none
has come for the idle time (the organisation's ``idle_lock_minutes``, default 15) every open
window of the app is covered by an opaque sheet and a lock dialog asks the signed-in person's
password. Nothing is closed or hidden under the sheets, so nothing typed in an open dialog is
lost; "Sign out" instead ends the session.
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from supervision_audit import APP_NAME
from supervision_audit.db import Store
from supervision_audit.services.settings import get_setting
from supervision_audit.services.signin import OpenStore, check_password
from supervision_audit.ui.common.style import (
    ACCENT,
    NOTE,
    heading_label,
    note_label,
    problem_label,
    show_problem,
)
from supervision_audit.ui.signin.password_dialog import MARGINS, with_problem

DEFAULT_IDLE_MINUTES = 15
SETTING = "idle_lock_minutes"
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
})
_WINDOW_TYPES = (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Sheet)


def idle_minutes(store: Store) -> int:
    """The organisation's idle time before the lock, in minutes (default 15)."""
    with store.read() as session:
        value = get_setting(session, SETTING)
    try:
        minutes = int(value)
    except ValueError:
        return DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


def padlock(size: int, colour: str = ACCENT) -> QPixmap:
    """A padlock drawn to ``size`` pixels (no icon file needed)."""
    ratio = 2.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    pen = QPen(QColor(colour), s * 0.1)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    shackle = QPainterPath(QPointF(s * 0.3, s * 0.5))
    shackle.lineTo(s * 0.3, s * 0.32)
    shackle.arcTo(QRectF(s * 0.3, s * 0.1, s * 0.4, s * 0.42), 180, -180)
    shackle.lineTo(s * 0.7, s * 0.5)
    painter.drawPath(shackle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(s * 0.16, s * 0.45, s * 0.68, s * 0.5), s * 0.08, s * 0.08)
    painter.setBrush(QColor("white"))
    painter.drawEllipse(QPointF(s * 0.5, s * 0.65), s * 0.06, s * 0.06)
    painter.drawRect(QRectF(s * 0.475, s * 0.66, s * 0.05, s * 0.14))
    painter.end()
    return pixmap


class Cover(QWidget):
    """An opaque sheet over one window while the app is locked. What is under it stays as it
    was, unseen and out of reach."""

    def __init__(self, host: QWidget, title: str, detail: str = "") -> None:
        super().__init__(host)
        self.host = host
        self.setObjectName("lock_cover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lock_cover { background: qlineargradient(x1:0, y1:0, x2:0, y2:1,"
                           " stop:0 #eef3f1, stop:1 #dfe8e5); }")
        badge = QLabel()
        badge.setPixmap(padlock(72 if host.width() > 500 else 40))
        badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = heading_label(title, 1.5)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading.setStyleSheet(f"color: {ACCENT};")
        note = QLabel(detail)
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {NOTE};")
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addStretch(1)
        layout.addWidget(badge)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addStretch(6)  # well above the lock dialog, which opens in the middle
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.host.rect())
            self.raise_()
        return False

    def remove(self) -> None:
        self.host.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class LockDialog(QDialog):
    """Asks the signed-in person's password. Escape or closing does not unlock."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, opened: OpenStore, minutes_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.opened = opened
        self.setObjectName("lock_dialog")
        self.setWindowTitle(f"Locked – {APP_NAME}")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        actor = opened.actor
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumWidth(240)
        self.problem = problem_label()
        self.problem.setObjectName("lock_problem")
        self.password.textEdited.connect(lambda _t: show_problem(self.problem, ""))
        form = QFormLayout()
        form.addRow("&Password:", with_problem(self.password, self.problem))
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton("Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.sign_out_button = buttons.addButton("Sign out",
                                                 QDialogButtonBox.ButtonRole.DestructiveRole)
        self.sign_out_button.setObjectName("sign_out")
        for button in (self.unlock_button, self.sign_out_button):
            button.setAutoDefault(False)  # Return always unlocks, wherever the focus was
        self.unlock_button.clicked.connect(self.try_unlock)
        self.sign_out_button.clicked.connect(self.sign_out)
        badge = QLabel()
        badge.setPixmap(padlock(40))
        badge.setAlignment(Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(heading_label("Type your password to unlock", 1.2))
        self.who = note_label(f"Signed in as <b>{actor.name}</b> ({actor.username}). Locked "
                              f"after {minutes_text} without use; everything is as you left "
                              "it.")
        self.who.setObjectName("signed_in_as")
        text.addWidget(self.who)
        header = QHBoxLayout()
        header.setSpacing(14)
        header.addWidget(badge)
        header.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setFixedWidth(480)
        self._fit()
        self.password.setFocus()

    def _fit(self) -> None:
        """Height for the wrapped text at the fixed width (Qt sizes windows by width alone)."""
        height = self.layout().totalHeightForWidth(self.width())
        self.setFixedHeight(height)

    def try_unlock(self) -> bool:
        if check_password(self.opened, self.password.text()):
            self.password.clear()
            self.done(QDialog.DialogCode.Accepted)
            self.unlocked.emit()
            return True
        show_problem(self.problem, f"That is not the password of {self.opened.actor.username}. "
                                   "The app stays locked.")
        self._fit()
        self.password.clear()
        self.password.setFocus()
        return False

    def sign_out(self) -> None:
        self.done(QDialog.DialogCode.Rejected)
        self.sign_out_requested.emit()

    def reject(self) -> None:  # Escape does not unlock
        self.password.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:  # nor does the window's close button
        event.ignore()


def _duration_text(ms: int) -> str:
    minutes = round(ms / 60_000)
    if minutes >= 1:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{max(1, round(ms / 1000))} seconds"


class IdleLock(QObject):
    """Watches the whole app's input; locks ``window`` (and every other open window) after
    ``interval_ms`` without any. ``sign_out_requested`` asks the window to end the session.

    Input only notes the time (no Qt call per event: mouse moves come by the hundred); a
    timer looks a few times per interval whether the idle time has passed."""

    locked_changed = Signal(bool)
    sign_out_requested = Signal()

    def __init__(self, window: QWidget, opened: OpenStore, interval_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.opened = opened
        self.interval_ms = interval_ms
        self.covers: list[Cover] = []
        self.dialog: LockDialog | None = None
        self.last_input = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setObjectName("idle_timer")
        self.timer.setInterval(max(25, min(interval_ms // 5, 5000)))
        self.timer.timeout.connect(self._check)
        self._watching = False

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._watching:
            app.installEventFilter(self)
            self._watching = True
        self.last_input = time.monotonic()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
            self._watching = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.dialog is None and event.type() in INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False

    def idle_ms(self) -> int:
        return int((time.monotonic() - self.last_input) * 1000)

    def _check(self) -> None:
        if self.dialog is None and self.idle_ms() >= self.interval_ms:
            self.lock()

    def lock(self) -> None:
        if self.locked:
            return
        for _ in range(8):  # open menus and pop-ups close (nested ones one by one)
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        actor = self.opened.actor
        for widget in QApplication.topLevelWidgets():
            if (widget.isVisible() and widget.windowType() in _WINDOW_TYPES
                    and not isinstance(widget, LockDialog)):
                main = widget is self.window
                self.covers.append(Cover(widget, "Locked" if main else "",
                                         f"{APP_NAME} · {actor.name}" if main else ""))
        self.dialog = LockDialog(self.opened, _duration_text(self.interval_ms), self.window)
        self.dialog.unlocked.connect(self.unlock)
        self.dialog.sign_out_requested.connect(self._sign_out)
        self.dialog.open()
        self.dialog.activateWindow()
        self.dialog.password.setFocus()
        self.locked_changed.emit(True)

    def _remove_covers(self) -> None:
        """Take the covers and the lock dialog away. A window that was closed and deleted
        while locked (one that closes itself when its work ends) took its cover with it."""
        try:
            for cover in self.covers:
                if shiboken6.isValid(cover):
                    cover.remove()
        finally:
            self.covers.clear()
            if self.dialog is not None:
                self.dialog.hide()
                self.dialog.deleteLater()
                self.dialog = None

    def unlock(self) -> None:
        self._remove_covers()
        self.last_input = time.monotonic()
        self.locked_changed.emit(False)

    def _sign_out(self) -> None:
        self._remove_covers()
        self.stop()
        self.sign_out_requested.emit()

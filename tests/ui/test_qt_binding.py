"""The Qt binding must not leak references: PySide6 6.12.0 on Python 3.11 lowered None's
reference count on every call returning nothing, and the app aborted after some thousands of
calls. The project pins a release without that fault; this keeps it so."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_keep_none_alive(qtbot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 1000

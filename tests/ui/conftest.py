"""UI test helpers: private Qt settings for every test, and message boxes that record
instead of blocking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from supervision_audit.ui.common import messages


@pytest.fixture(autouse=True)
def _private_settings(isolated_qsettings: Path) -> Iterator[Path]:
    yield isolated_qsettings


@dataclass
class MessageLog:
    """Every message box the app asked for, as (kind, title, text)."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    discard: bool = True  # the answer to "discard unsaved changes?"

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.shown]

    def texts(self) -> list[str]:
        return [text for _kind, _title, text in self.shown]


@pytest.fixture(autouse=True)
def message_log(monkeypatch: pytest.MonkeyPatch) -> MessageLog:
    log = MessageLog()

    def recorder(kind: str):  # type: ignore[no-untyped-def]
        def record(_parent, title: str, text: str, *_args) -> None:  # type: ignore[no-untyped-def]
            log.shown.append((kind, title, text))
        return record

    for kind in ("show_error", "show_critical", "show_info", "about"):
        monkeypatch.setattr(messages, kind, recorder(kind))

    def ask_discard(_parent, what: str) -> bool:  # type: ignore[no-untyped-def]
        log.shown.append(("ask_discard", "", what))
        return log.discard

    monkeypatch.setattr(messages, "ask_discard", ask_discard)
    return log

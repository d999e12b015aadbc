"""The shipped icons (resources/icons/*.svg), by name."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from supervision_audit.paths import resources_dir


@cache
def icon(name: str) -> QIcon:
    """The icon ``name`` (file stem), or an empty icon when it is not shipped."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()

"""Per-user settings of the interface (window geometry, last folders) through QSettings.

Always an INI file in the user's settings folder, so that tests can point it at a
temporary folder with ``QSettings.setPath(IniFormat, UserScope, tmp)``.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QStandardPaths

ORGANISATION = "SupervisionAudit"
APPLICATION = "Supervision Audit"


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION,
                     APPLICATION)


def last_folder(key: str) -> str:
    """The folder last used for ``key`` (e.g. "import"), else the user's documents folder."""
    value = app_settings().value(f"folders/{key}", "")
    if isinstance(value, str) and value:
        return value
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)


def remember_folder(key: str, folder: str) -> None:
    app_settings().setValue(f"folders/{key}", folder)

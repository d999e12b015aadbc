"""The printers this computer offers, as Qt's print support sees them (CUPS on Linux and
macOS, the spooler on Windows): for `supervision-audit printers`, which checks an install."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrinterInfo


def printer_names() -> tuple[list[str], str]:
    """Every printer's name, and the default printer's name ('' when there is none)."""
    app = QGuiApplication.instance() or QGuiApplication([])
    names = [str(name) for name in QPrinterInfo.availablePrinterNames()]
    default = str(QPrinterInfo.defaultPrinterName())
    del app  # (an application made here ends with the command)
    return names, default

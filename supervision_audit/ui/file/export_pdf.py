"""Exporting a supervision contract to PDF: ask where, then call the export service."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget
from sqlmodel import Session

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.contract_export import export_contract_pdf
from supervision_audit.ui.common import messages
from supervision_audit.ui.common.window_state import last_folder, remember_folder


def choose_pdf_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the PDF (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(parent, "Export contract as PDF", str(suggested),
                                                "PDF documents (*.pdf)")
    return Path(name) if name else None


def suggested_file_name(person_name: str, version: int) -> str:
    safe = re.sub(r'[\\/:*?"<>|]+', " ", person_name).strip()
    return f"Supervision contract - {safe} - v{version}.pdf"


def write_pdf(parent: QWidget | None, store: Store, title: str, out: Path | None,
              render: Callable[[Session, Path], Path]) -> Path | None:
    """Run ``render(session, out)`` in a write transaction (the export is logged); the written
    path, or None when no path was chosen or it failed (the reason shown)."""
    if out is None:
        return None
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    try:
        with store.write() as session:
            written = render(session, out)
    except SupervisionAuditError as exc:
        messages.show_error(parent, title, str(exc))
        return None
    except OSError as exc:
        messages.show_error(parent, title,
                            f"The PDF could not be written to {out}: {exc.strerror or exc}")
        return None
    remember_folder("export", str(out.parent))
    return Path(written)


def export_contract(parent: QWidget | None, store: Store, actor: Actor,
                    contract_id: uuid.UUID, file_name: str) -> Path | None:
    """Export one contract version; the written path, or None when cancelled or failed."""
    out = choose_pdf_path(parent, Path(last_folder("export")) / file_name)
    return write_pdf(parent, store, "Export contract PDF", out,
                     lambda session, path: export_contract_pdf(session, actor, contract_id,
                                                               path))

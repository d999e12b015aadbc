"""Exporting a supervision contract to PDF: ask where, then call the export service."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from supervision_audit.db import Store
from supervision_audit.errors import SupervisionAuditError
from supervision_audit.services.access import Actor
from supervision_audit.services.contract_export import export_contract_pdf
from supervision_audit.ui import messages
from supervision_audit.ui.window_state import last_folder, remember_folder


def choose_pdf_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the PDF (tests replace this)."""
    name, _filter = QFileDialog.getSaveFileName(parent, "Export contract as PDF", str(suggested),
                                                "PDF documents (*.pdf)")
    return Path(name) if name else None


def suggested_file_name(person_name: str, version: int) -> str:
    safe = re.sub(r'[\\/:*?"<>|]+', " ", person_name).strip()
    return f"Supervision contract - {safe} - v{version}.pdf"


def export_contract(parent: QWidget | None, store: Store, actor: Actor,
                    contract_id: uuid.UUID, file_name: str) -> Path | None:
    """Export one contract version; the written path, or None when cancelled or failed."""
    out = choose_pdf_path(parent, Path(last_folder("export")) / file_name)
    if out is None:
        return None
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    try:
        with store.write() as session:
            written = export_contract_pdf(session, actor, contract_id, out)
    except SupervisionAuditError as exc:
        messages.show_error(parent, "Export contract PDF", str(exc))
        return None
    except OSError as exc:
        messages.show_error(parent, "Export contract PDF",
                            f"The PDF could not be written to {out}: {exc.strerror or exc}")
        return None
    remember_folder("export", str(out.parent))
    return Path(written)

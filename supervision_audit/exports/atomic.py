"""Write a file whole or not at all: render to a temporary file, then rename it into place."""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from supervision_audit.errors import SupervisionAuditError

_REASONS = {
    errno.EACCES: "you do not have permission to write there",
    errno.EPERM: "you do not have permission to write there",
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", -1): "the disk quota is used up",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "the folder does not exist",
    errno.EROFS: "the disk is read-only",
}


def _error(path: Path, exc: OSError) -> SupervisionAuditError:
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    if isinstance(exc, PermissionError) and path.exists():
        reason += " (is the file open in another program?)"
    return SupervisionAuditError(
        f"Could not save {path.name} in {path.parent}: {reason}. "
        "Choose another folder or free some space and try again."
    )


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    On any failure the temporary file is removed and ``path`` is left as it was. Errors
    writing to the folder (permission, disk full, missing folder) become
    :class:`SupervisionAuditError` with a message fit to show the user.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        # Create it now so an unwritable folder fails before any rendering work.
        with open(tmp, "xb"):
            pass
    except OSError as exc:
        raise _error(path, exc) from exc
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        if exc.filename is not None and str(exc.filename) not in (str(tmp), str(path)):
            raise  # about some other file (e.g. a font), not the one being written
        raise _error(path, exc) from exc
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()

"""A small organisation in a store of its own, with its seal set up and a signed record:
what the command-line tests of seals and signed content need (far quicker than the demo)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from supervision_audit.services.access import SYSTEM_ACTOR as SYS
from supervision_audit.services.accounts import Vault, add_account
from supervision_audit.services.seal_setup import set_up_seal
from supervision_audit.services.signin import FirstRun, first_run
from supervision_audit.services.staff import StaffInput, get_by_staff_id, save_staff
from tests.record_helpers import signed_record

ORG = "Riverside Children's Trust"
SEAL_PASSPHRASE = "organisation seal passphrase"
USER, PASSWORD = "mia", "mia password 1"


def small_store(path: Path, *, seal: bool = True, encrypted: bool = False
                ) -> tuple[Path, uuid.UUID]:
    """A store at ``path``: Mia Manager (user ``mia``) supervises Pat Worker, whose record
    of 6 January 2025 both have signed; the seal set up unless ``seal`` is False. Returns
    the path and the record's id."""
    opened, _ = first_run(path, FirstRun(ORG, "Ada Admin", "AD1", "ada",
                                         "admin password 1", encrypted=encrypted))
    try:
        with opened.store.write() as s:
            save_staff(s, SYS, StaffInput("M1", "Mia Manager", role="team_manager"))
            save_staff(s, SYS, StaffInput("P1", "Pat Worker", supervisor_staff_id="M1"))
            add_account(s, Vault(path, opened.store.key), get_by_staff_id(s, "M1").id, USER,
                        PASSWORD)
            record = signed_record(s, "P1", date(2025, 1, 6), welcome="All well.")
            if seal:
                set_up_seal(s, SYS, SEAL_PASSPHRASE)
    finally:
        opened.store.close()
    return path, record.id

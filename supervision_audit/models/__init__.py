"""The stored records, as SQLModel tables. Import tables from here."""

from supervision_audit.models.accounts import UserAccount
from supervision_audit.models.asye import AsyeTracker
from supervision_audit.models.audits import Attachment, AuditAction, DirectObservation, FileAudit
from supervision_audit.models.base import utcnow
from supervision_audit.models.contracts import Contract
from supervision_audit.models.events import EventLog
from supervision_audit.models.people import ROLES, Role, Staff, SupervisorChange, Team
from supervision_audit.models.sessions import (
    ActionItem,
    ActionReview,
    Case,
    CaseDiscussion,
    GroupAttendee,
    SupervisionRecord,
    SupervisionSession,
)
from supervision_audit.models.settings import Setting
from supervision_audit.models.signatures import Addendum, Signature
from supervision_audit.models.text_checks import refuse_bad_text  # the store's text check

__all__ = [
    "Attachment",
    "AuditAction",
    "DirectObservation",
    "FileAudit",
    "AsyeTracker",
    "Addendum",
    "Signature",
    "ActionItem",
    "ActionReview",
    "Case",
    "CaseDiscussion",
    "GroupAttendee",
    "SupervisionRecord",
    "SupervisionSession",
    "ROLES",
    "Contract",
    "EventLog",
    "Role",
    "Setting",
    "Staff",
    "SupervisorChange",
    "Team",
    "UserAccount",
    "refuse_bad_text",
    "utcnow",
]

"""Declarative definitions of the policy's paper forms (the appendices)."""

from supervision_audit.forms.asye import ASYE_TRACKER
from supervision_audit.forms.audit import AUDIT
from supervision_audit.forms.base import (
    Field,
    FormDef,
    Kind,
    Section,
    display_value,
    is_empty,
    parse_iso_date,
    validate,
)
from supervision_audit.forms.contract import CONTRACT
from supervision_audit.forms.monitoring import MONITORING
from supervision_audit.forms.records import GROUP, INDIVIDUAL, MANAGER

ALL_FORMS: dict[str, FormDef] = {
    form.key: form for form in (CONTRACT, INDIVIDUAL, MANAGER, GROUP, MONITORING,
                                ASYE_TRACKER, AUDIT)
}

__all__ = [
    "ALL_FORMS",
    "ASYE_TRACKER",
    "AUDIT",
    "CONTRACT",
    "GROUP",
    "INDIVIDUAL",
    "MANAGER",
    "MONITORING",
    "Field",
    "FormDef",
    "Kind",
    "Section",
    "display_value",
    "is_empty",
    "parse_iso_date",
    "validate",
]

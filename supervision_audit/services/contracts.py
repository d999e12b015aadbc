"""Supervision contracts (Appendix 1): drafting, saving, versions and review dates (R4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, select

from supervision_audit.db import kept, memo
from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.forms import CONTRACT, parse_iso_date, validate
from supervision_audit.forms.contract import (
    FREQUENCY_AGREED,
    FREQUENCY_ASYE,
    FREQUENCY_MONTHLY,
    FREQUENCY_SIX_WEEKLY,
)
from supervision_audit.models import Contract, Role, Staff, SupervisorChange, Team, utcnow
from supervision_audit.policy import contract_review_due
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.staff import check_not_stale, get_staff

CONTRACT_STATUSES = ("missing", "current", "review_due")


def _team_location(session: Session, person: Staff | None) -> str:
    if person is None:
        return ""
    team = session.get(Team, person.team_id) if person.team_id else None
    parts = [p for p in ((team.name if team else ""), person.location) if p]
    return " / ".join(parts)


def default_frequency(person: Staff) -> str:
    if person.role == Role.ASYE.value:
        return FREQUENCY_ASYE
    if person.role == Role.FOSTER_CARER.value:
        return FREQUENCY_SIX_WEEKLY
    return FREQUENCY_MONTHLY


def party_values(session: Session, supervisee: Staff) -> dict[str, Any]:
    """The contract's header, filled from the people records as they stand now."""
    supervisor = session.get(Staff, supervisee.supervisor_id) if supervisee.supervisor_id else None
    manager = (session.get(Staff, supervisor.supervisor_id)
               if supervisor is not None and supervisor.supervisor_id else None)
    return {
        "supervisee_name": supervisee.name,
        "supervisee_job_title": supervisee.job_title,
        "supervisee_team_location": _team_location(session, supervisee),
        "supervisor_name": supervisor.name if supervisor else "",
        "supervisor_job_title": supervisor.job_title if supervisor else "",
        "supervisor_team_location": _team_location(session, supervisor),
        "supervisor_manager": manager.name if manager else "",
        "supervisor_contact_number": supervisor.phone if supervisor else "",
    }


def draft_values(session: Session, actor: Actor, supervisee_uuid: uuid.UUID) -> dict[str, Any]:
    """Values for a new contract: the latest contract's terms, else the form's defaults,
    with the parties as they are now."""
    require(session, actor, Action.WRITE_RECORDS, supervisee_uuid)
    supervisee = get_staff(session, supervisee_uuid)
    latest = latest_contract(session, supervisee_uuid)
    values: dict[str, Any] = CONTRACT.defaults()
    values["frequency"] = default_frequency(supervisee)
    if latest is not None:
        values.update({k: v for k, v in latest.values.items() if not k.endswith("_signature")})
        values.pop("date_agreed", None)
        values.pop("review_due", None)
    values.update(party_values(session, supervisee))
    manager = values.get("supervisor_manager")
    if manager and not values.get("intermediary"):
        values["intermediary"] = manager
    return values


def contracts_of(session: Session, actor: Actor, supervisee_uuid: uuid.UUID) -> list[Contract]:
    """Every version, newest first, for someone who may read the file."""
    require(session, actor, Action.READ_FILE, supervisee_uuid)
    return contract_versions(session, supervisee_uuid)


def contract_versions(session: Session, supervisee_uuid: uuid.UUID) -> list[Contract]:
    """Every version, newest first (no check: for callers that checked, and for statuses)."""
    return list(session.exec(
        select(Contract).where(Contract.supervisee_id == supervisee_uuid)
        .order_by(Contract.version.desc())  # type: ignore[union-attr]
    ))


def latest_contract(session: Session, supervisee_uuid: uuid.UUID) -> Contract | None:
    """The newest version (no check: for callers that checked, and for statuses)."""
    versions = contract_versions(session, supervisee_uuid)
    return versions[0] if versions else None


def get_contract(session: Session, contract_uuid: uuid.UUID) -> Contract:
    contract = session.get(Contract, contract_uuid)
    if contract is None:
        raise NotFoundError("That contract is not in the database.")
    return contract


def signed_on(session: Session, contract: Contract) -> date | None:
    """The day the contract became final (both parties signed), else None."""
    if contract.locked_at is None:
        return None
    from supervision_audit.models import Signature

    moments = session.exec(select(Signature.signed_at).where(
        Signature.record_kind == "contract", Signature.record_id == contract.id)).all()
    return max(moments).astimezone().date() if moments else contract.locked_at.date()


def supervisor_changed_on(session: Session, contract: Contract) -> date | None:
    """When the supervisee's supervisor became someone other than the contract's, if so."""
    supervisee = get_staff(session, contract.supervisee_id)
    if supervisee.supervisor_id == contract.supervisor_id:
        return None
    period = session.exec(
        select(SupervisorChange)
        .where(SupervisorChange.supervisee_id == supervisee.id,
               SupervisorChange.ended_on == None)  # noqa: E711
        .order_by(SupervisorChange.started_on.desc())  # type: ignore[attr-defined]
    ).first()
    return period.started_on if period else date.today()


def review_due(session: Session, contract: Contract) -> date | None:
    """R4: 12 months after it was last signed (or agreed), at once when the supervisor changes."""
    return _review_due(signed_on(session, contract) or contract.date_agreed,
                       supervisor_changed_on(session, contract))


def _review_due(basis: date | None, changed: date | None) -> date | None:
    if basis is None:
        return changed
    return contract_review_due(basis, changed)


@dataclass(frozen=True, slots=True)
class LatestContract:
    """What the cadence and R4 need of a supervisee's newest contract version."""

    date_agreed: date | None
    agreed_interval_days: int | None
    review_due: date | None = None  # only when asked for (``with_review``)


def latest_contracts(session: Session, *, with_review: bool = True
                     ) -> dict[uuid.UUID, LatestContract]:
    """Per supervisee, the newest contract version (see ``_latest_contracts``), read once per
    read session (``db.memo``): the dashboard asks for it twice."""
    known = kept(session, _LATEST)
    if known is not None:  # with the review dates: serves either question
        return known  # type: ignore[no-any-return]
    if not with_review:
        return _latest_contracts(session, with_review=False)
    return memo(session, _LATEST, lambda: _latest_contracts(session))


_LATEST = "contracts.latest"


def _latest_contracts(session: Session, *, with_review: bool = True
                      ) -> dict[uuid.UUID, LatestContract]:
    """Per supervisee, the newest contract version: its start, agreed interval and (with
    ``with_review``) the R4 review date ``review_due`` gives, for everyone in three queries
    (the versions' columns without their values, the day each was signed, and the open
    supervision periods) rather than several per contract."""
    from supervision_audit.models import Signature

    latest = select(Contract.supervisee_id, func.max(Contract.version).label("v")).group_by(
        Contract.supervisee_id).subquery()
    signed_at = (select(func.max(Signature.signed_at))
                 .where(Signature.record_kind == "contract", Signature.record_id == Contract.id)
                 .correlate(Contract).scalar_subquery())
    newest = and_(latest.c.supervisee_id == Contract.supervisee_id,
                  latest.c.v == Contract.version)
    read = session.connection().execute  # rows as SQLite makes them, not all at once
    if not with_review:
        return {supervisee: LatestContract(agreed, interval) for supervisee, agreed, interval
                in read(select(Contract.supervisee_id, Contract.date_agreed,
                               Contract.agreed_interval_days).join(latest, newest))}
    same_supervisor = Contract.supervisor_id.is_not_distinct_from(Staff.supervisor_id)
    rows = read(
        select(Contract.supervisee_id, Contract.date_agreed, Contract.agreed_interval_days,
               same_supervisor, Contract.locked_at, signed_at)
        .join(latest, newest).join(Staff, Staff.id == Contract.supervisee_id)).all()
    # supervisor_changed_on: the start of the newest open period, for those whose
    # supervisor is no longer the contract's
    periods: dict[uuid.UUID, date] = {}
    if not all(row[3] for row in rows):
        periods = dict(session.exec(
            select(SupervisorChange.supervisee_id, func.max(SupervisorChange.started_on))
            .where(SupervisorChange.ended_on == None)  # noqa: E711
            .group_by(SupervisorChange.supervisee_id)).all())
    out = {}
    for supervisee, agreed, interval, unchanged, locked_at, last_signed in rows:
        changed = None if unchanged else periods.get(supervisee, date.today())
        signed = (None if locked_at is None else last_signed.astimezone().date()
                  if last_signed is not None else locked_at.date())
        out[supervisee] = LatestContract(agreed, interval, _review_due(signed or agreed, changed))
    return out


def contract_status(session: Session, supervisee_uuid: uuid.UUID, as_of: date) -> str:
    contract = latest_contract(session, supervisee_uuid)
    if contract is None:
        return "missing"
    due = review_due(session, contract)
    return "review_due" if due is not None and due <= as_of else "current"


def save_contract(
    session: Session,
    actor: Actor,
    supervisee_uuid: uuid.UUID,
    values: dict[str, Any],
    contract_uuid: uuid.UUID | None = None,
    *,
    expected_updated_at: datetime | None = None,
) -> Contract:
    """Save a contract's values (a new version when ``contract_uuid`` is None).

    The parties are taken from the people records; the form's other fields from ``values``.
    Raises ValidationError listing every problem; nothing is saved then.
    """
    require(session, actor, Action.WRITE_RECORDS, supervisee_uuid)
    supervisee = get_staff(session, supervisee_uuid)
    # signature lines are drawn from the signatures themselves, never typed into the values
    merged = {k: v for k, v in {**values, **party_values(session, supervisee)}.items()
              if k not in ("supervisee_signature", "supervisor_signature")}
    if merged.get("frequency") != FREQUENCY_AGREED:
        merged["agreed_interval_days"] = None
    problems = validate(CONTRACT, merged)
    if problems:
        raise ValidationError(problems)
    if contract_uuid is None:
        previous = latest_contract(session, supervisee_uuid)
        contract = Contract(supervisee_id=supervisee.id,
                            version=(previous.version + 1) if previous else 1)
        session.add(contract)
        session.flush()
        if previous is not None:
            previous.superseded_by_id = contract.id
            previous.updated_at = utcnow()
    else:
        contract = get_contract(session, contract_uuid)
        if contract.supervisee_id != supervisee.id:
            raise NotFoundError("That contract belongs to someone else.")
        check_not_stale(contract, expected_updated_at,
                        f"{supervisee.name}'s contract (version {contract.version})")
        if contract.locked_at is not None:
            raise ValidationError(Problem("contract", "This contract is signed and final: make "
                                                      "a new version instead"))
    contract.supervisor_id = supervisee.supervisor_id
    contract.date_agreed = parse_iso_date(merged.get("date_agreed"))
    interval = merged.get("agreed_interval_days")
    contract.agreed_interval_days = int(interval) if interval not in (None, "") else None
    contract.values = {k: v for k, v in merged.items() if k != "review_due"}
    contract.updated_at = utcnow()
    session.flush()
    due = review_due(session, contract)
    contract.values = {**contract.values, "review_due": due.isoformat() if due else None}
    session.flush()
    log_event(session, actor.who, "contract.create" if contract_uuid is None else "contract.edit",
              subject_kind="contract", subject_id=contract.id, about_staff_id=supervisee.id,
              detail=f"version {contract.version}")
    return contract

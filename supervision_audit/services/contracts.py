"""Supervision contracts (Appendix 1): drafting, saving, versions and review dates (R4)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from supervision_audit.db import memo
from supervision_audit.errors import NotFoundError, Problem, ValidationError
from supervision_audit.forms import CONTRACT, parse_iso_date, validate
from supervision_audit.forms.contract import (
    FREQUENCY_AGREED,
    FREQUENCY_ASYE,
    FREQUENCY_MONTHLY,
    FREQUENCY_SIX_WEEKLY,
)
from supervision_audit.models import Contract, Role, Staff, Team, utcnow
from supervision_audit.policy import (
    Cadence,
    Supervisee,
    agreement_too_infrequent,
    contract_review_due,
    role_cadence,
)
from supervision_audit.services.access import Action, Actor, require
from supervision_audit.services.events import log_event
from supervision_audit.services.in_post import SupervisorOn
from supervision_audit.services.scope import Scope, within
from supervision_audit.services.staff import check_not_stale, get_staff
from supervision_audit.sqlfuncs import json_text, uuid_key

CONTRACT_STATUSES = ("missing", "draft", "current", "review_due")
_NEWER = aliased(Contract)  # a later version of the same contract (made once)


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
    """The day the contract became final (signed by both parties), else None."""
    return _signed_day(contract.locked_at) if contract.locked_at is not None else None


def _signed_day(locked_at: datetime) -> date:
    """The local day of the moment a contract became final: the signature that completed
    it (``signatures.sign`` stamps the lock with that signature's time)."""
    return locked_at.astimezone().date()


def in_force(session: Session, supervisee_uuid: uuid.UUID, on: date | None = None,
             versions: Sequence[Any] | None = None) -> Any:
    """R4: the contract in force, the newest version signed by both parties (by ``on``, when
    given). A draft, or a version signed by one party, is not in force: its terms do not
    apply anywhere. ``versions``: the person's versions already read, newest first
    (contracts or rows of their columns), so as not to read them again."""
    for contract in contract_versions(session, supervisee_uuid) if versions is None \
            else versions:
        signed = signed_on(session, contract)
        if signed is not None and (on is None or signed <= on):
            return contract
    return None


def supervisor_changed_on(session: Session, contract: Contract, on: date | None = None
                          ) -> date | None:
    """When the supervisee's supervisor (on ``on``, today if not given) became someone other
    than the contract's, if so."""
    from supervision_audit.services.in_post import supervisor_on

    day = on or date.today()
    return _changed_on(contract.supervisor_id,
                       supervisor_on(session, get_staff(session, contract.supervisee_id), day),
                       day)


def _changed_on(contract_supervisor: uuid.UUID | str | None, now: SupervisorOn | None,
                day: date) -> date | None:
    """When the supervisor ``now`` (on ``day``) took over from the contract's (a UUID, or
    its 32 hex digits), if they differ."""
    if now is None:
        return None
    theirs = contract_supervisor.hex if isinstance(contract_supervisor, uuid.UUID) \
        else contract_supervisor
    if (now.supervisor_id.hex if now.supervisor_id else None) == theirs:
        return None
    return now.since or day


def review_due(session: Session, contract: Contract, on: date | None = None) -> date | None:
    """R4, the one answer every screen and printout gives: 12 months after the contract was
    signed by both parties, at once when the supervisee's supervisor (on ``on``, today if not
    given) is no longer the contract's. None for a contract not yet signed by both."""
    signed = signed_on(session, contract)
    if signed is None:
        return None
    return contract_review_due(signed, supervisor_changed_on(session, contract, on))


def shown_values(session: Session, contract: Contract) -> dict[str, Any]:
    """The contract's values as a form shows them, its review date from ``review_due``."""
    due = review_due(session, contract)
    return {**contract.values, "review_due": due.isoformat() if due else None}


FREQUENCY_CADENCE = {FREQUENCY_MONTHLY: Cadence.MONTHLY, FREQUENCY_SIX_WEEKLY:
                     Cadence.SIX_WEEKLY, FREQUENCY_AGREED: Cadence.CONTRACT}


def terms_of(person: Staff | Any, contract: Contract | ContractTerms | None) -> Supervisee:
    """What the cadence rules need of a person (role, starts) and of the contract in force
    (its start and the frequency it agrees); ``person`` has role, asye_start and
    employment_start."""
    frequency = contract.frequency if isinstance(contract, ContractTerms) else \
        contract.values.get("frequency") if contract is not None else None
    return Supervisee(
        role=person.role, asye_start=person.asye_start,
        employment_start=person.employment_start,
        contract_start=contract.date_agreed if contract else None,
        contract_interval_days=contract.agreed_interval_days if contract else None,
        contract_cadence=FREQUENCY_CADENCE.get(frequency or ""))


def frequency_problem(role: str, frequency: Any, interval: Any) -> Problem | None:
    """R1: a contract may agree a more frequent cadence than the role's own, never a less
    frequent one (the policy's frequencies are minimums)."""
    if frequency == FREQUENCY_ASYE and role != Role.ASYE.value:
        return Problem("frequency", "The ASYE frequency is for a newly qualified worker in "
                                    "their ASYE: choose monthly or an agreed interval")
    cadence = FREQUENCY_CADENCE.get(str(frequency or ""))
    try:
        days = int(interval) if interval not in (None, "") else None
    except (TypeError, ValueError):
        return None  # the form names a bad number
    if cadence is None or (cadence is Cadence.CONTRACT and not days):
        return None
    if agreement_too_infrequent(role, cadence, days):
        least = "every six weeks" if role_cadence(role) is Cadence.SIX_WEEKLY else "monthly"
        return Problem("frequency", f"Less frequent than the policy's minimum for this role "
                                    f"({least}): a contract may only agree more frequent "
                                    "supervision")
    return None


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """What the cadence and R4 need of a signed contract version."""

    date_agreed: date | None
    frequency: str | None
    agreed_interval_days: int | None
    supervisor_id: str | None  # 32 hex digits
    version: int
    signed: date


def status_of(signed: date | None, due: date | None, has_versions: bool, on: date) -> str:
    """R4 in one word: "missing" (no contract), "draft" (none signed by both by ``on``),
    "review_due" or "current"."""
    if signed is None:
        return "draft" if has_versions else "missing"
    return "review_due" if due is not None and due <= on else "current"


def contract_status(session: Session, supervisee_uuid: uuid.UUID, as_of: date) -> str:
    contract = in_force(session, supervisee_uuid, as_of)
    if contract is None:
        return status_of(None, None, bool(contract_versions(session, supervisee_uuid)), as_of)
    return status_of(signed_on(session, contract), review_due(session, contract, as_of), True,
                     as_of)


@dataclass(frozen=True, slots=True)
class Contracts:
    """Everyone's signed contract versions (oldest signed first) and who has any version,
    by supervisee (32 hex digits)."""

    signed: dict[str, list[ContractTerms]]
    with_versions: frozenset[str]

    def in_force(self, supervisee: uuid.UUID, on: date) -> ContractTerms | None:
        """The newest version signed by both parties by ``on``."""
        best = None
        for terms in self.signed.get(supervisee.hex, ()):
            if terms.signed <= on and (best is None or terms.version > best.version):
                best = terms
        return best

    def status(self, supervisee: uuid.UUID, on: date, supervisor: SupervisorOn | None
               ) -> tuple[str, ContractTerms | None]:
        """R4 for one supervisee on ``on`` (``supervisor``: theirs on that day), with the
        terms in force."""
        terms = self.in_force(supervisee, on)
        due = None if terms is None else contract_review_due(
            terms.signed, _changed_on(terms.supervisor_id, supervisor, on))
        return status_of(terms.signed if terms else None, due,
                         supervisee.hex in self.with_versions, on), terms


def all_contracts(session: Session, since: date, people: Scope = None) -> Contracts:
    """Every supervisee's signed contract versions that can be in force on ``since`` or
    later (not those a newer version signed before then replaced), for the
    organisation-wide computations (or those of a scope's ``people``: ``scope.narrow``), in
    two queries (the versions' columns, and who has any version), read once per read
    session (``db.memo``)."""
    return memo(session, ("contracts.all", since, people),
                lambda: _all_contracts(session, since, people), wide=people is None)


def _all_contracts(session: Session, since: date, people: Scope) -> Contracts:
    newer = _NEWER
    # a day early, so that a lock stamped in UTC is before ``since`` in any time zone
    replaced = exists().where(
        newer.supervisee_id == Contract.supervisee_id, newer.version > Contract.version,
        newer.locked_at < datetime.combine(since - timedelta(days=1), time(), tzinfo=UTC))
    # the frequency agreed matters only where it can be more frequent than the role's own
    # without being an agreed interval (which has its own column): monthly for a foster
    # carer (R1). Anyone else's is their own cadence or was refused, so its JSON is not read.
    frequency = case((Staff.role == Role.FOSTER_CARER.value,
                      json_text(Contract.values, "frequency")), else_=None)
    read = session.connection().execute  # rows as SQLite makes them, not all at once
    signed: dict[str, list[ContractTerms]] = {}
    for (supervisee, version, agreed, freq, interval, supervisor, moment) in read(
            select(uuid_key(Contract.supervisee_id), Contract.version, Contract.date_agreed,
                   frequency, Contract.agreed_interval_days, uuid_key(Contract.supervisor_id),
                   Contract.locked_at)
            .join(Staff, Staff.id == Contract.supervisee_id)
            .where(col(Contract.locked_at).is_not(None), within(Contract.supervisee_id, people),
                   ~replaced)):
        signed.setdefault(supervisee, []).append(ContractTerms(
            agreed, freq, interval, supervisor, version, _signed_day(moment)))
    for versions in signed.values():
        versions.sort(key=lambda c: (c.signed, c.version))
    everyone = frozenset(session.exec(select(uuid_key(Contract.supervisee_id)).where(
        within(Contract.supervisee_id, people)).distinct()))
    return Contracts(signed, everyone)


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
    too_rare = frequency_problem(supervisee.role, merged.get("frequency"),
                                 merged.get("agreed_interval_days"))
    if too_rare is not None:
        problems.append(too_rare)
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
    # no review date is kept: ``review_due`` works it out when it is shown (R4: from the
    # day both parties signed)
    contract.values = {k: v for k, v in merged.items() if k != "review_due"}
    contract.updated_at = utcnow()
    session.flush()
    log_event(session, actor.who, "contract.create" if contract_uuid is None else "contract.edit",
              subject_kind="contract", subject_id=contract.id, about_staff_id=supervisee.id,
              detail=f"version {contract.version}")
    return contract

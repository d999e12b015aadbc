"""Appendix 9: the ASYE tracker for the newly qualified social worker and their supervisor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supervision_audit.errors import Problem
from supervision_audit.forms.base import Field, FormDef, Kind, Section, parse_iso_date
from supervision_audit.forms.frameworks import KSS, PCF

YES_NO = (("yes", "Yes"), ("no", "No"))
YES_NO_NA = (("yes", "Yes"), ("no", "No"), ("n_a", "N/A"))
OUTCOMES = (("pass", "PASS"), ("fail", "FAIL"), ("defer", "DEFER"))

# key, question, has a date
QUESTIONS: tuple[tuple[str, str, bool], ...] = (
    ("learning_agreement", "Learning Agreement/Critical Reflection Log (CRL) in place", False),
    ("pdp", "Professional Development Plan (PDP) via CRL up to date", False),
    ("elearning", "Mandatory E-Learning (RIP, Artemis and Corporate) Complete", False),
    ("review_3", "3 month review - Record of Support and Progressive Assessment (ROSPA)", True),
    ("review_6", "6 month review - ROSPA", True),
    ("review_9", "9 month review - ROSPA", True),
    ("final_meeting", "Final ASYE Evidence Meeting", True),
    ("observation_1", "1st Direct Observation Completed", True),
    ("observation_2", "2nd Direct Observation Completed", True),
    ("rospa_report", "ROSPA and CRL Report Completed", True),
)
DATED = tuple(key for key, _, dated in QUESTIONS if dated)


def _question(key: str, text: str, dated: bool) -> Section:
    fields = [Field(f"{key}_answer", "Yes / No", Kind.CHOICE, choices=YES_NO)]
    if dated:
        fields.append(Field(f"{key}_date", "Date", Kind.DATE))
    fields.append(Field(f"{key}_comment", "Comment"))
    return Section(key, text, tuple(fields), columns=2)


def _crl(n: int) -> Section:
    return Section(f"crl_{n}", f"Critical Reflective Log {n}", (
        Field(f"crl_{n}_date", f"Date of CRL {n}", Kind.DATE),
        Field(f"crl_{n}_feedback", "Written feedback from the ASYE assessor", Kind.MULTILINE),
        Field(f"crl_{n}_kss", "Knowledge and Skills Statements", Kind.TAGS, choices=KSS),
        Field(f"crl_{n}_pcf", "PCF domains", Kind.TAGS, choices=PCF),
        Field(f"crl_{n}_sop", "HCPC / Social Work England standards referenced"),
    ))


def tracker_rules(values: Mapping[str, Any]) -> list[Problem]:
    """A review dated before the ASYE start; an outcome without its QA panel date; a CRL with
    feedback but no date."""
    problems: list[Problem] = []
    start = parse_iso_date(values.get("asye_start"))
    for key in DATED:
        day = parse_iso_date(values.get(f"{key}_date"))
        if start and day and day < start:
            problems.append(Problem(f"{key}_date", "This date is before the ASYE started "
                                                   f"({start:%d/%m/%Y})"))
    if values.get("outcome") and not values.get("qa_panel_date"):
        problems.append(Problem("qa_panel_date", "An outcome needs the date of the QA panel"))
    for n in (1, 2, 3):
        if (values.get(f"crl_{n}_feedback") or values.get(f"crl_{n}_kss")) and \
                not values.get(f"crl_{n}_date"):
            problems.append(Problem(f"crl_{n}_date", f"CRL {n} needs its date"))
    return problems


ASYE_TRACKER = FormDef(
    key="asye_tracker",
    title="ASYE tracker for NQSW and supervisors",
    reference="Appendix 9",
    rules=(tracker_rules,),
    sections=(
        Section("header", "Newly qualified social worker", (
            Field("nqsw_name", "Name of NQSW", required=True, readonly=True),
            Field("asye_start", "ASYE start", Kind.DATE, readonly=True),
            Field("initial_meeting_on", "Date of Initial ASYE Meeting", Kind.DATE),
        ), columns=2),
        *(_question(key, text, dated) for key, text, dated in QUESTIONS[:9]),
        _crl(1), _crl(2), _crl(3),
        _question(*QUESTIONS[9]),
        Section("outcome_section", "Outcome of ASYE", (
            Field("outcome", "Outcome of ASYE", Kind.CHOICE, choices=OUTCOMES),
            Field("qa_panel_date", "Date of QA Panel", Kind.DATE),
            Field("certificate_seen", "Certificate of ASYE achievement seen", Kind.CHOICE,
                  choices=YES_NO_NA),
            Field("merit_increment", "HR8.1 form Request for Payment of Merit Increment(s)",
                  Kind.CHOICE, choices=YES_NO_NA),
        ), columns=2),
        Section("signatures", "Signatures", (
            Field("supervisee_signature", "Supervisee", Kind.SIGNATURE),
            Field("supervisor_signature", "Supervisor", Kind.SIGNATURE),
        )),
    ),
)

"""The Knowledge and Skills Statements shipped in resources/kss.json (policy Appendix 11:
practitioners, practice supervisors, practice leaders) agree with the tags the forms offer,
each with its full text; the manager record (Appendix 5) offers the statements for
managers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from supervision_audit import paths
from supervision_audit.forms import INDIVIDUAL, MANAGER
from supervision_audit.forms.frameworks import (
    KSS,
    MANAGER_KSS,
    PRACTICE_LEADER_KSS,
    PRACTICE_SUPERVISOR_KSS,
)

# The opening words of each statement as the policy prints them.
FIRST_WORDS = {
    "KSS1": "Build effective relationships with children, young people and families",
    "KSS2": "Communicate clearly and sensitively with children of different ages",
    "KSS3": "Observe and talk to children in their environment",
    "KSS4": "Identify the impact of adult mental ill health, substance misuse",
    "KSS5": "Exchange information with partner agencies about children and adults",
    "KSS6": "Carry out in-depth and ongoing family assessment of social need",
    "KSS7": "Establish the seriousness that different risks present",
    "KSS8": "Navigate the family and youth justice systems in England",
    "KSS9": "Recognise one\u2019s own professional limitations",
    "KSS10": "Operate successfully in a wide range of organisational contexts",
    "PS1": "Establish and maintain a highly valued position of influence",
    "PS2": "Recognise, respect and value the expertise of practitioners",
    "PS3": "Provide a safe, calm and well-ordered environment for all staff",
    "PS4": "Apply a proportionate and ethical approach to the exercise of authority",
    "PS5": "Create a culture of focused thinking",
    "PS6": "Ensure practitioners adopt an approach to practice which is proportionate",
    "PS7": "Recognise how different relationships evoke different emotional responses",
    "PS8": "Explain to practitioners the full legal, regulatory, procedural and performance",
    "PL1": "Be a highly visible and highly valued figure",
    "PL2": "Engage staff, children and families and the wider partnership",
    "PL3": "Design with political and financial astuteness",
    "PL4": "Critically appraise theory, the best evidence and rationale",
    "PL5": "Build a culture where managed risk is accepted and understood",
    "PL6": "Set and uphold high quality practice standards",
}
# How many paragraphs the policy prints for each statement (one when not listed).
PARAGRAPHS = {"KSS2": 2, "KSS7": 2, "KSS9": 2, "KSS10": 2,
              "PS1": 2, "PS2": 2, "PS3": 2, "PS4": 2, "PS5": 2, "PS6": 3, "PS7": 3,
              "PL1": 3, "PL2": 3, "PL3": 3, "PL4": 2, "PL5": 3, "PL6": 2}
# The last words of each statement for managers, as the policy prints them.
LAST_WORDS = {
    "PS1": "holding high ambitions for their futures.",
    "PS3": "creative, strengths-based solutions to difficulties.",
    "PS8": "confidently hold poor practice to account.",
    "PL3": "entrepreneurial and innovative approaches to practice and leadership.",
    "PL6": "proudly promoting the achievements of staff, children and families.",
}
ALL_TAGS = KSS + PRACTICE_SUPERVISOR_KSS + PRACTICE_LEADER_KSS


@pytest.fixture(scope="module")
def statements() -> list[dict[str, Any]]:
    raw = (paths.resources_dir() / "kss.json").read_bytes()
    return json.loads(raw.decode("utf-8"))


def test_codes_and_titles_match_the_tags_in_order(statements: list[dict[str, Any]]) -> None:
    assert [s["code"] for s in statements] == [code for code, _ in ALL_TAGS]
    assert [code for code, _ in PRACTICE_SUPERVISOR_KSS] == [f"PS{n}" for n in range(1, 9)]
    assert [code for code, _ in PRACTICE_LEADER_KSS] == [f"PL{n}" for n in range(1, 7)]
    for statement, (code, label) in zip(statements, ALL_TAGS, strict=True):
        assert set(statement) == {"code", "title", "text"}
        prefix = code.rstrip("0123456789")
        assert label == f"{prefix} {code.removeprefix(prefix)} {statement['title']}"
    titles = {s["code"]: s["title"] for s in statements}
    assert titles["PS3"] == "Shaping and influencing the practice system"
    assert titles["PS7"] == "Emotionally intelligent practice supervision"
    assert titles["PL3"] == "Designing a system to support effective practice"
    assert titles["PL6"] == "Quality assurance and improvement"


def test_every_statement_is_its_full_text(statements: list[dict[str, Any]]) -> None:
    for s in statements:
        text = s["text"]
        assert text.startswith(FIRST_WORDS[s["code"]]), s["code"]
        assert text == text.strip() and len(text) > 400, s["code"]  # a paragraph, not a title
        paragraphs = text.split("\n\n")
        assert len(paragraphs) == PARAGRAPHS.get(s["code"], 1), s["code"]
        assert text.endswith(LAST_WORDS.get(s["code"], "")), s["code"]
        assert all(p and p == p.strip() and "\n" not in p for p in paragraphs), s["code"]
        assert all(p.endswith(".") for p in paragraphs), s["code"]


def test_manager_records_are_tagged_with_the_statements_for_managers() -> None:
    tags = MANAGER.field("kss")
    assert tags.choices == MANAGER_KSS == PRACTICE_SUPERVISOR_KSS + PRACTICE_LEADER_KSS
    assert len(tags.choices) == 14
    assert INDIVIDUAL.field("kss").choices == KSS  # practitioners keep their ten

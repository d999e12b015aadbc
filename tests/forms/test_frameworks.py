"""The Knowledge and Skills Statements shipped in resources/kss.json (policy Appendix 11)
agree with the tags the forms offer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from supervision_audit import paths
from supervision_audit.forms.frameworks import KSS

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
}
# Statements the policy prints as two paragraphs.
TWO_PARAGRAPHS = {"KSS2", "KSS7", "KSS9", "KSS10"}


@pytest.fixture(scope="module")
def statements() -> list[dict[str, Any]]:
    raw = (paths.resources_dir() / "kss.json").read_bytes()
    return json.loads(raw.decode("utf-8"))


def test_codes_and_titles_match_the_tags_in_order(statements: list[dict[str, Any]]) -> None:
    assert [s["code"] for s in statements] == [code for code, _ in KSS]
    for statement, (code, label) in zip(statements, KSS, strict=True):
        assert set(statement) == {"code", "title", "text"}
        assert label == f"KSS {code.removeprefix('KSS')} {statement['title']}"


def test_every_statement_is_its_full_text(statements: list[dict[str, Any]]) -> None:
    for s in statements:
        text = s["text"]
        assert text.startswith(FIRST_WORDS[s["code"]]), s["code"]
        assert text == text.strip() and len(text) > 600, s["code"]  # a paragraph, not a title
        paragraphs = text.split("\n\n")
        assert len(paragraphs) == (2 if s["code"] in TWO_PARAGRAPHS else 1), s["code"]
        assert all(p and p == p.strip() and "\n" not in p for p in paragraphs), s["code"]
        assert all(p.endswith(".") for p in paragraphs), s["code"]

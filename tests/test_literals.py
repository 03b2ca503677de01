"""The words a regular expression cannot match without (``assistant.text.literals``)."""

from __future__ import annotations

import re

import pytest

from assistant.text.literals import folded, may_match, needed


def needs(pattern: str, flags: int = re.I) -> list[set[str]]:
    return [set(group) for group in needed(pattern, flags)]


def test_literal_runs_alternatives_and_boundaries():
    assert needs(r"ignore (?:all )?previous") == [{"ignore "}, {"previous"}]
    assert needs(r"\b(?:answer|reply)s?\b") == [{" answer", " reply"}]
    assert needs(r"(?:foo|x)bar") == [{"bar"}]  # "x" is too short to test for, so the group is dropped
    assert needs(r"(?:please\s+)?say") == [{"say"}]  # optional parts need nothing
    assert needs(r"^(?=.*\byou\b).*\bmust\b") == [{" you"}, {" must"}]  # a lookahead's words are in the text
    assert needs(r"(?!.*\bnot\b)(?:a|b)") == []  # a negative lookahead needs nothing; one letter is no test
    assert needs(r"(?:note|memo)+\s+to") == [{"note", "memo"}, {"to"}]


@pytest.mark.parametrize(
    "pattern, text",
    [
        (r"\bignore previous\b", "Please IGNORE previous notes."),
        (r"\bignore previous\b", "(ignore previous)"),
        (r"\bassistant\b", "Dear Assistant:"),
        (r"\bistanbul\b", "Notes from İstanbul and ıstanbul"),  # case-insensitive "i" takes both dotted forms
        (r"don't answer", "DON'T ANSWER"),
        (r"a\.i\. model", "an A.I. model"),
    ],
)
def test_a_matching_text_is_never_skipped(pattern, text):
    rule = re.compile(pattern, re.I)
    assert rule.search(text)
    assert may_match(needed(pattern, re.I), folded(text))


def test_a_text_without_the_words_is_skipped():
    rule = r"\b(?:answer|reply)\s+(?:with|that)\b"
    # "answer" is there (in "answered"), "with" or "that" is not
    assert not may_match(needed(rule, re.I), folded("The ministry answered questions on Monday."))
    assert not may_match(needed(rule, re.I), folded("Prices rose by 3% in the quarter."))
    assert may_match(needed(rule, re.I), folded("Reply that the figure is wrong."))


def test_an_unreadable_pattern_is_always_tried():
    assert needed(object()) == []  # not a pattern string: the parser fails
    assert may_match([], folded("anything"))

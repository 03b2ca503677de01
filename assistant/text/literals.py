"""What text a regular expression cannot match without: a cheap test that skips the expression.

The instruction rules (``ask/untrusted_rules.py``) are long case-insensitive patterns tried on every
sentence a question reads, and almost no sentence matches any of them: trying them all cost a warm
question more time than choosing its answer. Each rule needs some words ("answer", "reply",
"assistant", ...); a sentence holding none of a rule's needed words cannot match it, and testing
for a word is a substring test, not a regex search.

``needed(pattern)`` reads the pattern's parse tree (the standard library's own parser) and returns
groups of alternatives: a match holds at least one string of every group. Strings are case-folded
with every non-word character made a space, and start with a space where the pattern puts a word
boundary before them; ``folded(text)`` makes a text comparable. What a positive look-around
holds is needed too. Anything else the reading does not take up (a negative look-around, a
character class, an optional part) simply adds no need, so a skipped pattern is one that could
not have matched.
"""

from __future__ import annotations

import re
from re import _constants as C  # noqa: N812 - the standard library's own names for the parser's opcodes
from re import _parser

_NON_WORD = re.compile(r"\W")
# Case-insensitive matching takes both of these for "i"; case-folding alone keeps them apart.
_DOTTED_I = {0x130: "i", 0x131: "i"}
_BOUNDARIES = {C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT}
MIN_LENGTH = 2  # a one-letter need is in nearly every sentence: it would only cost a test


def folded(text: str) -> str:
    """``text`` as needs are written: case-folded, non-word characters as spaces, a space before it."""
    return " " + _fold(text)


def _fold(text: str) -> str:
    return _NON_WORD.sub(" ", text.translate(_DOTTED_I).casefold())


Needs = list[frozenset[str]]


def needed(pattern: str, flags: int = 0) -> Needs:
    """Groups of strings a match of ``pattern`` (with ``flags``) contains one of each (see the module
    doc); no groups when nothing is certain, or when the parser cannot be read (a pattern is then
    always tried)."""
    try:
        return _sequence(_parser.parse(pattern, flags), False)
    except Exception:  # noqa: BLE001 - a private parser that changed shape costs speed, never a match
        return []


def may_match(needs: Needs, text_folded: str) -> bool:
    """Could a pattern with ``needs`` match the text that ``folded`` made ``text_folded``?"""
    return all(any(s in text_folded for s in group) for group in needs)


def _sequence(items, bounded: bool) -> Needs:
    """The needs of parse items matched one after the other; ``bounded``: a word boundary is before them."""
    groups: Needs = []
    run, run_bounded = "", False

    def end_run() -> None:
        nonlocal run
        if run:
            lead = " " if run_bounded and not _NON_WORD.match(run[0]) else ""
            groups.append(frozenset({lead + _fold(run)}))
        run = ""

    for op, arg in items:
        if op is C.LITERAL:
            if not run:
                run_bounded = bounded
            run += chr(arg)
            bounded = False
            continue
        end_run()
        before, bounded = bounded, op is C.AT and arg in _BOUNDARIES
        need = None
        if op is C.SUBPATTERN:
            need = _one(arg[3], before)
        elif op is C.ATOMIC_GROUP:
            need = _one(arg, before)
        elif op is C.BRANCH:
            alternatives = [_one(branch, before) for branch in arg[1]]
            if all(alternatives):
                need = frozenset().union(*alternatives)
        elif op in _REPEATS and arg[0] >= 1:
            need = _one(arg[2], before)
        elif op is C.ASSERT:  # what a lookahead or lookbehind requires is in the text too
            need = _one(arg[1], before and arg[0] == 1)
        if op in (C.ASSERT, C.ASSERT_NOT):
            bounded = before  # an assertion takes no text: a boundary before it is before what follows
        if need:
            groups.append(need)
    end_run()
    return [g for g in groups if min(len(s.strip()) for s in g) >= MIN_LENGTH]


def _one(items, bounded: bool) -> frozenset[str] | None:
    """The single most telling group of a sub-pattern's needs: the longest shortest string."""
    groups = _sequence(items, bounded)
    return max(groups, key=lambda g: (min(len(s.strip()) for s in g), -len(g))) if groups else None

"""Markdown's inline markup, read as a reader sees it: a sentence quoted from a Markdown file (or
a text file saved from a web page) shows "Intel", not "[**Intel**](https://…)".

Only what a quote shows changes; citation offsets keep pointing at the source as written.
"""

from __future__ import annotations

import re

_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
_LINK_RE = re.compile(r"\[([^\]\n]+)\]\((?:[^()\n]|\([^()\n]*\))*\)|\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK_RE = re.compile(r"<(?:https?://|mailto:)[^>\s]+>")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_CODE_RE = re.compile(r"`([^`\n]+)`")
_LEAD_RE = re.compile(r"^\s*(?:>\s*)*(?:[-*+•]\s+|\d{1,3}[.)]\s+)?")


def inline_plain(text: str) -> str:
    """``text`` without Markdown's inline markup, list marker or quote marker."""
    head = text.lstrip()[:1]
    if not (head in "-*+•>" and head) and not head.isdigit() and not any(ch in text for ch in "[*_`<"):
        return text  # most sentences: nothing to do, and this is on every answer's path
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(lambda m: m.group(1) or m.group(2), text)
    text = _AUTOLINK_RE.sub("", text)
    text = _STRONG_RE.sub(r"\2", text)
    text = _EMPHASIS_RE.sub(lambda m: m.group(1) or m.group(2), text)
    text = _CODE_RE.sub(r"\1", text)
    return _LEAD_RE.sub("", text, count=1)

"""Document furniture: the title, publisher, date, URL, byline and dateline around a text.

News copy and reports wrap their statements in furniture: header lines in saved plain text
(``Title:``, ``Publisher:``, ``Date:``, ``Source: https://…``), a byline (``By Jane Doe``), a
dateline opening the first paragraph (``WASHINGTON, Dec 20 (Pacific Crest Wire) - The …``) or
standing alone in italics (``*Phoenix, 15 November 2024 (Meridian Wire)*``), and credit lines
at the end. None of it is a statement an answer may quote, and all of it is useful metadata
(which publisher, which date) for citations and for publisher- or date-scoped questions.

``scan`` finds it: it returns the metadata it read and the spans of the loaded text that are
furniture. The text itself is never changed (offsets into it stay exact); chunking leaves the
spans out of every chunk. Dates are normalised to ISO ``yyyy-mm-dd`` when they name a day
(``iso_date``), and kept as written otherwise ("March 2025").
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

META_KEYS = ("title", "publisher", "date", "url", "author")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "Nov 26", "Nov. 26, 2024", "26 November 2024", "15 November" (the year is optional in datelines)
DATE = rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}(?:,?\s+\d{{4}})?)"
_MDY_RE = re.compile(rf"\b(?P<m>{MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I)
_DMY_RE = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{MONTH}),?\s+(?P<y>\d{{4}})\b", re.I)
_ISO_RE = re.compile(r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?=\b|T)")
_PDF_DATE_RE = re.compile(r"^D:(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_MONTH_YEAR_RE = re.compile(rf"\b{MONTH}\s+\d{{4}}\b", re.I)

URL_RE = re.compile(r"https?://\S+|\bwww\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|io|info|co|example)(?:/\S*)?", re.I)


def iso_date(value) -> str:
    """``yyyy-mm-dd`` for a value naming a day (date objects, ISO strings, PDF dates, "March 6,
    2025", "15 November 2024"); anything else as written, stripped; "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    text = str(value).strip()
    found = find_date(text)
    if found and sum(c.isalpha() for c in text.replace(found[1], "", 1)) <= 12:
        return found[0]  # the value is a date, perhaps with a time, zone or weekday
    return text


def find_date(text: str) -> tuple[str, str] | None:
    """The first date naming a day in ``text``: (ISO form, the text matched)."""
    best = None
    for regex in (_PDF_DATE_RE, _ISO_RE, _MDY_RE, _DMY_RE):
        m = regex.search(text)
        if not m:
            continue
        month = m.group("m")
        month_n = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower())
        try:
            day = _dt.date(int(m.group("y")), month_n or 0, int(m.group("d")))
        except (TypeError, ValueError):
            continue
        if best is None or m.start() < best[2]:
            best = (day.isoformat(), m.group(0), m.start())
    return (best[0], best[1]) if best else None


def loose_date(text: str) -> str:
    """A day (ISO) in ``text``, else a month and year as written ("March 2025"), else ""."""
    found = find_date(text)
    if found:
        return found[0]
    m = _MONTH_YEAR_RE.search(text)
    return m.group(0) if m else ""


# --- header lines ("Title: …") ----------------------------------------------------------------

_LABELS = {
    "title": "title", "headline": "title",
    "publisher": "publisher", "publication": "publisher", "outlet": "publisher", "newspaper": "publisher",
    "source": "source", "via": "source",
    "date": "date", "published": "date", "publication date": "date", "pubdate": "date", "posted": "date",
    "updated": "updated", "last updated": "updated", "dateline": "dateline",
    "url": "url", "link": "url", "canonical": "url", "permalink": "url", "web": "url", "original url": "url",
    "author": "author", "authors": "author", "by": "author", "byline": "author", "writer": "author", "reporter": "author",
    "section": "other", "category": "other", "tags": "other", "keywords": "other", "language": "other", "lang": "other",
}
_LABEL_RE = re.compile(r"^[ \t]*(?P<key>[A-Za-z][A-Za-z ]{0,18}?)[ \t]*:[ \t]*(?P<value>\S.*?)[ \t]*$")


def _label(line: str) -> tuple[str, str] | None:
    """(kind, value) of a ``Label: value`` line whose value fits its label, else None."""
    m = _LABEL_RE.match(line)
    if not m:
        return None
    kind = _LABELS.get(m.group("key").strip().lower())
    value = m.group("value")
    if kind == "url" and not URL_RE.match(value):
        return None
    if kind in ("date", "updated") and not (loose_date(value) or re.match(r"\d{4}-\d{2}", value)):
        return None
    if kind == "author" and not value[:1].isupper():
        return None
    return (kind, value) if kind else None


def label_block(block: str) -> dict[str, str] | None:
    """Metadata of a block made only of known ``Label: value`` lines, or None."""
    lines = [ln for ln in block.splitlines() if ln.strip()]
    if not lines:
        return None
    out: dict[str, str] = {}
    for line in lines:
        got = _label(line)
        if got is None:
            return None
        kind, value = got
        if kind == "source":  # "Source: https://…" is the address, "Source: Reuters" the publisher
            kind = "url" if URL_RE.match(value) else "publisher"
        if kind in META_KEYS or kind == "dateline":
            out.setdefault(kind, value.strip())
    return out


def header_block(text: str, start: int = 0) -> tuple[dict[str, str], int]:
    """Header lines at the top of a plain-text file (``Title:``, ``Publisher:``, ``Date:``,
    ``Source: https://…``): their metadata and the offset where the body starts (past them).
    At least two known labels are needed, so a first line such as "Note: …" stays text."""
    m = re.match(r"[\s\ufeff]*", text[start:])  # a byte-order mark first, as Windows editors save
    pos = start + m.end()
    lines_end = pos
    meta: dict[str, str] = {}
    known = 0
    for line_m in re.finditer(r"[^\n]*(?:\n|$)", text[pos:]):
        line = line_m.group(0)
        if not line.strip():
            break
        got = _label(line.rstrip("\n"))
        if got is None:
            break
        kind, value = got
        if kind == "source":
            kind = "url" if URL_RE.match(value) else "publisher"
        known += 1
        if kind in META_KEYS or kind == "dateline":
            meta.setdefault(kind, value.strip())
        lines_end = pos + line_m.end()
    if known < 2:
        return {}, start
    return meta, lines_end


_SITE_SUFFIX_RE = re.compile(r"^(?P<head>.+?)\s[|–—-]\s(?P<site>[A-Z][^|–—]{1,59})$")


def split_site(title: str) -> tuple[str, str]:
    """"Headline | Site Name" -> ("Headline", "Site Name"), as browsers title a page (and a page
    saved as PDF); a title with no such suffix -> (title, "")."""
    m = _SITE_SUFFIX_RE.match(title.strip())
    if not m or len(m.group("site").split()) > 6 or len(m.group("head").split()) < 2:
        return title.strip(), ""
    return m.group("head").strip(), m.group("site").strip()


# --- bylines and datelines ---------------------------------------------------------------------

_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|der|den|la|le|du|da|di|bin|al|el)){0,4}"
_BYLINE_RE = re.compile(
    rf"^[*_]{{0,2}}By:?\s+(?P<name>{_NAME}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_NAME})*)"
    rf"(?:\s*,\s*(?P<role>[A-Za-z][\w .'’-]{{1,40}}))?[*_]{{0,2}}"
    rf"(?:\s*[|·•—–-]\s*(?P<rest>[^\n]{{2,60}}))?[*_]{{0,2}}\s*$"
)
_CAPS_PLACE = r"[A-Z][A-Z.'’&-]+(?:\s+[A-Z][A-Z.'’&-]+){0,3}(?:,\s*[A-Z][A-Za-z.'’-]+(?:\s+[A-Z][A-Za-z.'’-]+){0,2}\.?){0,2}"
# "WASHINGTON, Dec 20 (Pacific Crest Wire) - ", "HSINCHU, Taiwan, July 20 (Chipline Daily) - ",
# "SANTA CLARA, Calif., Aug 29 (Wire) - ", "LONDON (Reuters) — ", "**BERLIN** — "
_INLINE_DATELINE_RE = re.compile(
    rf"^[*_]{{0,2}}(?P<place>{_CAPS_PLACE})(?:,\s*(?P<date>{DATE}))?\s*(?:\((?P<agency>[^()\n]{{2,60}})\))?[*_]{{0,2}}"
    r"\s*(?:-{1,2}|–|—)\s+(?=\S)"
)
_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Za-z][\w.'’-]*){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}\.?){0,2}"
# "*Phoenix, 15 November 2024 (Meridian Wire)*" as a paragraph of its own
_STANDALONE_DATELINE_RE = re.compile(
    rf"^(?P<em>[*_]{{1,2}})?(?P<place>{_PLACE}),\s*(?P<date>{DATE})\s*(?:\((?P<agency>[^()\n]{{2,60}})\))?(?P=em)?\s*$"
)
_CREDIT_RE = re.compile(
    r"^[(\[]?\s*(?:Reporting|Additional reporting|Writing|Editing|Compiled) by\b[^\n]{0,200}[)\]]?\s*$"
    r"|^(?:©|\(c\)|Copyright\b)[^\n]{0,200}$"
    r"|^(?:Read more|Original(?: article)?|Source|Via|Link|URL)\s*:?\s*(?:https?://|www\.)\S+\s*$"
    r"|^(?:https?://|www\.)\S+\s*$",
    re.I,
)


def byline(block: str) -> dict[str, str] | None:
    """``{"author": …, "date": …}`` when ``block`` is a byline ("By Jane Doe | March 6, 2025", or
    without the "By": "Jane Doe | Zapopan | 14 November 2025")."""
    if "\n" in block.strip() or len(block) > 160:
        return None
    m = _BYLINE_RE.match(block.strip())
    if not m:
        return _listed_byline(block.strip())
    out = {"author": m.group("name").strip()}
    date = loose_date(m.group("rest") or "")
    if date:
        out["date"] = date
    return out


def _listed_byline(text: str) -> dict[str, str] | None:
    """Short parts between separators, one of them a date, none a sentence: a byline ("Jane Doe |
    Zapopan, Jalisco | 14 November 2025"). Only its date is read: a name and a place ("Mexico
    City") look alike."""
    parts = [p.strip("*_ ") for p in _SEPARATOR_RE.split(text)]
    if len(parts) < 2 or any(not p or len(p.split()) > 8 or p[-1] in ".!?" for p in parts):
        return None
    dates = [loose_date(p) for p in parts]
    if not any(dates):
        return None
    return {"date": next(d for d in dates if d)}


_SEPARATOR_RE = re.compile(r"\s+[|·•]\s+")


def standalone_dateline(block: str) -> dict[str, str] | None:
    """``{"dateline": …, …}`` when ``block`` is a dateline paragraph of its own."""
    text = block.strip()
    if "\n" in text or len(text) > 140:
        return None
    m = _STANDALONE_DATELINE_RE.match(text)
    if not m or not (m.group("em") or m.group("agency")):
        return None
    return _dateline_meta(m, text.strip("*_ "))


def inline_dateline(block: str) -> tuple[dict[str, str], int] | None:
    """The dateline opening a paragraph: its metadata and its length (the body starts there)."""
    m = _INLINE_DATELINE_RE.match(block)
    if not m:
        return None
    if not (m.group("date") or m.group("agency")):
        # "WASHINGTON — The Senate …": with neither date nor agency only an em dash (or "--")
        # after an all-capitals place of three letters or more makes a dateline.
        dash = block[m.start("place") + len(m.group("place")) : m.end()]
        if not re.match(r"[A-Z.'’&-]{3,}", m.group("place")) or not re.search(r"—|--", dash):
            return None
    shown = block[: m.end()].strip().rstrip("-–— ").strip("*_ ")
    return _dateline_meta(m, shown), m.end()


def _dateline_meta(m: re.Match, shown: str) -> dict[str, str]:
    out = {"dateline": re.sub(r"\s+", " ", shown)}
    if m.group("agency"):
        out["agency"] = m.group("agency").strip()
    if m.group("date"):
        found = find_date(m.group("date"))
        if found:
            out["date"] = found[0]
    return out


def is_credit(block: str) -> bool:
    """Credit, copyright and bare source-link lines ("(Reporting by …; Editing by …)")."""
    return bool(_CREDIT_RE.match(block.strip()))


_COOKIE_RE = re.compile(r"\bcookies?\b.*\b(?:accept|consent|agree|preferences|settings|reject|allow)\b"
                        r"|\b(?:accept|consent to|agree to|allow)\b.*\bcookies?\b", re.I | re.S)
_RELATED_RE = re.compile(
    r"^#{1,6}\s+(?:related(?:\s+\w+)?|more\s+(?:from|on|stories|news|coverage)\b.*|read\s+(?:more|next)|most\s+(?:read|popular)|"
    r"recommended(?:\s+\w+)?|you\s+(?:may|might)\s+also\s+like|latest\s+(?:news|stories)|trending(?:\s+\w+)?)\s*:?\s*$",
    re.I,
)


_LINKS_ONLY_RE = re.compile(r"(?:\s*(?:[-*+•]\s+)?\[[^\]\n]*\]\([^)\s]*\)\s*)+")


def is_page_chrome(block: str) -> bool:
    """What a web page wraps round its article, met again in its text saved as .txt or PDF: a
    cookie notice, a menu of short links ("About | Privacy | Cookie policy | Contact"), a
    paragraph of nothing but Markdown links."""
    text = block.strip()
    if len(text) <= 400 and _COOKIE_RE.search(text):
        return True
    if _LINKS_ONLY_RE.fullmatch(text):
        return True  # a masthead or menu of Markdown links, as a page saved as text keeps them
    parts = _SEPARATOR_RE.split(text)
    return len(parts) >= 3 and "\n" not in text and all(0 < len(p.split()) <= 4 and not re.search(r"\d", p) for p in parts)


# --- the scan ------------------------------------------------------------------------------------

_HEADING_LINE_RE = re.compile(r"^#{1,6}\s+\S")


@dataclass
class Furniture:
    meta: dict[str, str] = field(default_factory=dict)   # title/publisher/date/url/author/dateline/agency
    spans: list[tuple[int, int]] = field(default_factory=list)  # offsets of the loaded text to leave out

    def add(self, meta: dict[str, str]) -> None:
        for k, v in meta.items():
            if v and not self.meta.get(k):
                self.meta[k] = v


def paragraphs(text: str, start: int = 0):
    """(start, end) of each blank-line separated block from ``start``, whitespace trimmed."""
    for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text[start:]):
        block = m.group(0)
        stripped = block.strip()
        if not stripped:
            continue
        lo = start + m.start() + len(block) - len(block.lstrip())
        yield lo, lo + len(stripped)


def scan(text: str, start: int = 0, lead: int = 6, skip: list[tuple[int, int]] | None = None) -> Furniture:
    """Find the furniture of ``text`` from ``start``: label blocks, bylines and datelines among
    the leading paragraphs (up to ``lead`` of them, ending at the first statement, whose opening
    dateline is furniture too); credit or bare-link lines, cookie notices, link menus and what
    stands under a "Related stories" heading anywhere. Paragraphs inside ``skip`` (furniture or
    tables found already) are passed over."""
    found = Furniture()
    leading = True
    seen = 0
    skip = skip or []
    related = False  # under a "Related stories" heading: links to other articles, up to the next heading
    for lo, hi in paragraphs(text, start):
        if any(s <= lo and hi <= e for s, e in skip):
            continue
        block = text[lo:hi]
        heading = bool(_HEADING_LINE_RE.match(block))
        if heading:
            related = bool(_RELATED_RE.match(block))
        elif related or is_credit(block) or is_page_chrome(block):
            found.spans.append((lo, hi))
            continue
        if not leading:
            labels = label_block(block)
            if labels and "url" in labels:  # "Source: https://…" trailing a story
                found.add(labels)
                found.spans.append((lo, hi))
            continue
        if heading:
            continue
        seen += 1
        if seen > lead:
            leading = False
            continue
        meta = label_block(block) or byline(block) or standalone_dateline(block)
        if meta:
            found.add(meta)
            found.spans.append((lo, hi))
            continue
        inline = inline_dateline(block)
        if inline:
            found.add(inline[0])
            found.spans.append((lo, lo + inline[1]))
        leading = False
    return found

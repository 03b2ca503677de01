"""HTML pages: the article's text without the page around it, and the page's metadata.

The text comes from trafilatura (a maintained main-content extractor: navigation, cookie
banners, newsletter boxes, related links, share buttons, sidebars and footers stay out) read as
structured XML, so headings, paragraphs, list items and tables keep their shape. When
trafilatura is not installed, finds nothing, or plainly lost the page's structure (a small page
glued into one paragraph, or well under the words of the article element), structural rules
take over: the ``<article>``/``<main>`` element, less nav/header/footer/aside/form and any
element whose class or id says cookie, consent, newsletter, subscribe, related, share, promo,
advert, sidebar, byline …

The extracted text is what citation offsets index: headings as ``#`` lines (the section path),
one paragraph per block, and each table row as a line of its own, "Header: cell; Header: cell."
(see ``tables``); a table caption is kept in the text as furniture (never quoted) and added to
its rows' section path.

Metadata comes from the page head: ``og:title``/``<title>``, ``og:site_name``,
``article:published_time`` (and the other usual date tags, JSON-LD, ``<time>``), the canonical
link or ``og:url``, and ``author``; a byline element fills in what the head lacks.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from assistant.index.furniture import iso_date, loose_date
from assistant.index.html_meta import head_meta
from assistant.index.tables import TableRow, header_is_data, render_row, row_text

_DROP_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav", "aside", "select", "input", "canvas", "object", "embed", "dialog"]
_BOILERPLATE_RE = re.compile(
    r"cookie|consent|gdpr|newsletter|subscri|sign-?up|(?:^|[\s_-])related|(?:^|[\s_-])share(?:$|[\s_-])|share-?(?:tools|buttons|bar|links)|"
    r"sharing|social|promo|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|ad-slot|sponsor|sidebar|breadcrumb|"
    r"(?:^|[\s_-])comments?(?:$|[\s_-])|masthead|navbar|"
    r"(?:^|[\s_-])menu|paywall|popup|modal|(?:^|[\s_-])tags?(?:$|[\s_-])|kicker|eyebrow|skip-link|recommend|most-read|trending|"
    r"site-header|site-footer|(?:^|[\s_-])footer|toolbar|print-only|visually-hidden|sr-only",
    re.I,
)
_BYLINE_CLASS_RE = re.compile(r"byline|author|dateline|posted-on|published|timestamp", re.I)
_BLOCKS = {"p", "li", "pre", "blockquote", "dd", "dt", "figcaption", "address", "summary"}
_ESCAPED_TABLE_RE = re.compile(r"&lt;table\b.*?&lt;/table&gt;", re.I | re.S)
_ESCAPED_TAG_RE = re.compile(r"&lt;(/?)(table|caption|thead|tbody|tfoot|tr|th|td|colgroup|col)\b([^&<>]*)&gt;", re.I)


@dataclass
class Block:
    kind: str                      # "h", "p" or "table"
    text: str = ""
    level: int = 0
    caption: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Page:
    text: str
    meta: dict[str, str]
    rows: list[TableRow]
    furniture: list[tuple[int, int]]
    extractor: str


def _norm(text: str) -> str:
    return re.sub(r"[ \t\r\f\v\xa0\u200b\n]+", " ", text).strip()


def extract(html: str) -> Page:
    """The article text, metadata, table rows and furniture spans of an HTML page."""
    from bs4 import BeautifulSoup

    if "&lt;" in html:
        # A whole table whose markup a CMS escaped once too often still is a table.
        html = _ESCAPED_TABLE_RE.sub(lambda t: _ESCAPED_TAG_RE.sub(lambda m: f"<{m.group(1)}{m.group(2)}{m.group(3)}>", t.group(0)), html)
    soup = BeautifulSoup(html, "html.parser")
    meta = head_meta(soup)
    structural, byline = _structural_blocks(soup)
    blocks, extractor = structural, "rules"
    traf = _trafilatura_blocks(html, meta)
    if traf is not None:
        t_words, s_words = _words(traf), _words(structural)
        glued = sum(b.kind != "table" for b in traf) <= 1 and len(structural) >= 3
        if t_words and t_words >= 0.6 * s_words and not glued:
            blocks, extractor = traf, "trafilatura"
    for key, value in byline.items():
        if not meta.get(key):
            meta[key] = value
    blocks = _drop_kicker(blocks)
    if not meta.get("title"):
        meta["title"] = next((b.text for b in blocks if b.kind == "h"), "")
    text, rows, furniture = _render(blocks)
    return Page(text, {k: v for k, v in meta.items() if v}, rows, furniture, extractor)


def _words(blocks: list[Block]) -> int:
    n = 0
    for b in blocks:
        n += len(b.text.split()) + sum(len(c.split()) for r in b.rows for c in r)
    return n


def _drop_kicker(blocks: list[Block]) -> list[Block]:
    """A one- to three-word label above the headline ("Policy") is a section tag, not text."""
    first_h = next((i for i, b in enumerate(blocks) if b.kind == "h"), None)
    if first_h is None:
        return blocks
    keep = [
        b
        for i, b in enumerate(blocks)
        if not (i < first_h and b.kind == "p" and len(b.text.split()) <= 3 and b.text[-1:] not in ".!?")
    ]
    return keep


# --- rendering ------------------------------------------------------------------------------------


def _render(blocks: list[Block]) -> tuple[str, list[TableRow], list[tuple[int, int]]]:
    parts: list[str] = []
    rows: list[TableRow] = []
    furniture: list[tuple[int, int]] = []
    pos = 0

    def add(piece: str) -> tuple[int, int]:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        parts.append(piece)
        pos += len(piece)
        return start, pos

    for b in blocks:
        if b.kind == "h":
            add(f"{'#' * max(1, min(b.level, 6))} {b.text}")
        elif b.kind == "p":
            add(b.text)
        elif b.kind == "table":
            if b.caption:
                furniture.append(add(b.caption))
            for cells in b.rows:
                line = render_row(b.headers, cells)
                if not line:
                    continue
                s, e = add(line)
                rows.append(TableRow(s, e, s, e, row_text(b.headers, cells), caption=b.caption))
    return "".join(parts) + "\n", rows, furniture


def _row_kind(header_cells: list[bool]) -> str:
    """"head": a header row (all <th>); "key": a row named by its first cell (<th> then <td>s)."""
    if header_cells and all(header_cells):
        return "head"
    return "key" if len(header_cells) > 1 and header_cells[0] and not any(header_cells[1:]) else ""


def _table(caption: str, grid: list[tuple[list[str], str]]) -> list[Block]:
    """A table block from (cells, row kind) rows; a one-column or one-row table is text."""
    grid = [(cells, head) for cells, head in grid if any(c for c in cells)]
    if not grid:
        return []
    if not caption and len(grid) > 1:
        first, _ = grid[0]
        filled = [c for c in first if c]
        if len(filled) == 1 and len(first) > 1 and first[0] and len(grid[1][0]) > 1:
            caption, grid = filled[0], grid[1:]  # a caption written as a spanning first row
    width = max(len(cells) for cells, _ in grid)
    if width == 1 or len(grid) == 1:
        out = [Block("p", caption)] if caption else []
        return out + [Block("p", "; ".join(c for c in cells if c)) for cells, _ in grid]
    if grid[0][1] == "key" or (grid[0][1] != "head" and header_is_data(grid[0][0])):
        # No header row (the first row is named by its <th>, or states a value): a spec sheet.
        return [Block("table", caption=caption, headers=[], rows=[cells for cells, _ in grid])]
    headers, body = grid[0][0], grid[1:]
    return [Block("table", caption=caption, headers=headers, rows=[cells for cells, _ in body])]


# --- trafilatura ----------------------------------------------------------------------------------


def _trafilatura_blocks(html: str, meta: dict[str, str]) -> list[Block] | None:
    try:
        import trafilatura
        from lxml import etree
    except ImportError:
        return None
    try:
        xml = trafilatura.extract(
            html,
            output_format="xml",
            include_tables=True,
            include_comments=False,
            include_links=False,
            include_images=False,
            include_formatting=False,
            with_metadata=True,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - an extractor failure falls back to the structural rules
        return None
    if not xml:
        return None
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None
    # Its date is left out: with no date tag, trafilatura guesses one from the text.
    for key, attr in (("title", "title"), ("publisher", "sitename"), ("author", "author"), ("url", "url")):
        value = (root.get(attr) or "").strip()
        if value and not meta.get(key):
            meta[key] = value
    main = root.find("main")
    if main is None:
        return None
    blocks: list[Block] = []
    for el in main:
        _traf_block(el, blocks)
    return [b for b in blocks if b.kind == "table" or b.text]


def _traf_text(el) -> str:
    return _norm(" ".join(el.itertext()))


def _traf_block(el, blocks: list[Block]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "head":
        m = re.match(r"h(\d)", el.get("rend") or "")
        blocks.append(Block("h", _traf_text(el), level=int(m.group(1)) if m else 2))
    elif tag == "list":
        for item in el:
            nested = [c for c in item if c.tag == "list"]
            for c in nested:
                item.remove(c)
            blocks.append(Block("p", _traf_text(item)))
            for c in nested:
                _traf_block(c, blocks)
    elif tag == "table":
        grid = []
        for row in el.iter("row"):
            cells = [_traf_text(c) for c in row if c.tag == "cell"]
            grid.append((cells, _row_kind([c.get("role") == "head" for c in row if c.tag == "cell"])))
        blocks.extend(_table("", grid))
    elif tag == "quote" and any(c.tag in ("p", "list", "table", "head") for c in el):
        for c in el:
            _traf_block(c, blocks)
    elif tag in ("graphic", "comments", "lb"):
        return
    else:
        blocks.append(Block("p", _traf_text(el)))


# --- structural rules -----------------------------------------------------------------------------


def _marker(tag) -> str:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    role = tag.get("role") or ""
    role = role if role in ("banner", "contentinfo", "navigation", "complementary", "dialog") else ""
    return " ".join([*classes, tag.get("id") or "", role]).strip()


def _structural_blocks(soup) -> tuple[list[Block], dict[str, str]]:
    """Blocks of the page's main element by structural rules; and what its byline says."""
    soup = copy.copy(soup)  # the rules below cut it up; a copy is 2.6x faster than parsing it again
    byline: dict[str, str] = {}
    root = soup.find("article") or soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup
    for tag in root.find_all(True):
        if tag.name in ("html", "body") or getattr(tag, "decomposed", False):
            continue
        marker = _marker(tag)
        if marker and _BYLINE_CLASS_RE.search(marker) and len(tag.get_text(" ", strip=True)) <= 160:
            text = _norm(tag.get_text(" "))
            time = tag.find("time")
            date = iso_date(time.get("datetime")) if time is not None and time.get("datetime") else loose_date(text)
            if date:
                byline.setdefault("date", date)
            author = tag.find(class_=re.compile("author", re.I))
            name = _norm(author.get_text(" ")) if author is not None else re.sub(r"^By:?\s+", "", re.split(r"\s[|·•—–]\s", text)[0]).strip()
            if name and not loose_date(name) and len(name.split()) <= 6:
                byline.setdefault("author", name)
            tag.decompose()
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in root.find_all(["header", "footer"]):
        if not tag.find(re.compile("^h[1-6]$")) or tag.name == "footer":
            tag.decompose()
    for tag in list(root.find_all(True)):
        if getattr(tag, "decomposed", False):
            continue
        marker = _marker(tag)
        if marker and _BOILERPLATE_RE.search(marker) and tag is not root:
            tag.decompose()
    blocks: list[Block] = []
    _walk(root, blocks)
    return [b for b in blocks if b.kind == "table" or b.text], byline


def _walk(node, blocks: list[Block]) -> None:
    from bs4 import NavigableString, Tag

    loose: list[str] = []

    def flush() -> None:
        text = _norm(" ".join(loose))
        if text:
            blocks.append(Block("p", text))
        loose.clear()

    for child in list(node.children):
        if isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction", "CData"):
                continue
            loose.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if re.fullmatch(r"h[1-6]", name):
            flush()
            blocks.append(Block("h", _norm(child.get_text(" ")), level=int(name[1])))
        elif name == "table":
            flush()
            caption = child.find("caption")
            cap = _norm(caption.get_text(" ")) if caption is not None else ""
            grid = []
            for tr in child.find_all("tr"):
                cells = tr.find_all(["th", "td"])
                grid.append(([_norm(c.get_text(" ")) for c in cells], _row_kind([c.name == "th" for c in cells])))
            blocks.extend(_table(cap, grid))
        elif name in ("ul", "ol", "dl"):
            flush()
            _walk(child, blocks)
        elif name in _BLOCKS:
            flush()
            inner = child.find(["p", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6"])
            if inner is not None and (name != "p" or inner.name in ("table", "ul", "ol")):
                _walk(child, blocks)
            else:
                blocks.append(Block("p", _norm(child.get_text(" "))))
        elif name == "br":
            loose.append(" ")
        elif name in ("div", "section", "article", "main", "header", "footer", "figure", "details", "center", "body", "html"):
            flush()
            _walk(child, blocks)
        else:  # inline: a, span, strong, em, time …
            loose.append(child.get_text(" "))
    flush()

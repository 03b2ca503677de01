"""An HTML page's metadata from its head: title, publisher, date, address and author.

In order of preference: ``og:title`` (else ``<title>`` less its " | Site" suffix), ``og:site_name``
(else the publisher tags, JSON-LD, or the ``<title>`` suffix), ``article:published_time`` (else
the usual date tags, JSON-LD ``datePublished``, the first ``<time datetime>``), the canonical
link (else ``og:url``) and ``author`` (else ``article:author`` when it is no address, JSON-LD).
"""

from __future__ import annotations

import json
import re

from assistant.index.furniture import iso_date, split_site


def _norm(text: str) -> str:
    return re.sub(r"[ \t\r\f\v\xa0\u200b\n]+", " ", text).strip()


def head_meta(soup) -> dict[str, str]:
    def meta_content(*names: str) -> str:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name}) or soup.find(
                "meta", attrs={"itemprop": name}
            )
            if tag is None:
                tag = soup.find("meta", attrs={"name": re.compile(f"^{re.escape(name)}$", re.I)})
            if tag is not None and (tag.get("content") or "").strip():
                return _norm(tag["content"])
        return ""

    ld = _json_ld(soup)
    out: dict[str, str] = {}
    page_title = _norm(soup.title.get_text(" ")) if soup.title else ""
    out["publisher"] = meta_content("og:site_name", "publisher", "application-name", "dc.publisher", "citation_publisher") or ld.get("publisher", "")
    title = meta_content("og:title", "twitter:title", "dc.title", "citation_title") or ld.get("headline", "") or page_title
    out["title"] = _strip_site(title, out["publisher"])
    if not out["publisher"] and page_title:
        out["publisher"] = split_site(page_title)[1]
    date = meta_content(
        "article:published_time", "og:published_time", "datePublished", "date", "pubdate", "publishdate", "publish-date",
        "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "citation_publication_date", "parsely-pub-date",
        "sailthru.date", "article.published",
    ) or ld.get("datePublished", "")
    if not date:
        time = soup.find("time", attrs={"datetime": True})
        date = time["datetime"] if time is not None else ""
    out["date"] = iso_date(date) if date else ""
    canonical = soup.find("link", attrs={"rel": lambda v: v and "canonical" in (v if isinstance(v, list) else v.split())})
    out["url"] = (canonical.get("href") or "").strip() if canonical is not None else ""
    out["url"] = out["url"] or meta_content("og:url", "twitter:url") or ld.get("url", "")
    author = meta_content("author", "article:author", "dc.creator", "citation_author", "parsely-author", "sailthru.author")
    if author.startswith(("http://", "https://")):
        author = ""
    out["author"] = author or ld.get("author", "")
    return out


def _strip_site(title: str, site: str) -> str:
    """"Headline | Site Name" -> "Headline"."""
    if site:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if title.endswith(sep + site):
                return title[: -len(sep + site)].strip()
    return title


def _json_ld(soup) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(tag.string or "")
        except (TypeError, ValueError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in ("headline", "datePublished", "url"):
                if isinstance(item.get(key), str):
                    out.setdefault(key, item[key].strip())
            for key in ("author", "publisher"):
                value = item.get(key)
                if isinstance(value, list) and value:
                    value = value[0]
                if isinstance(value, dict):
                    value = value.get("name")
                if isinstance(value, str) and value.strip():
                    out.setdefault(key, value.strip())
    return out

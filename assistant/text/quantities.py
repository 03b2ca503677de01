"""Numbers as quantities: value times scale, with the unit that qualifies them.

"1.3 billion", "1,300 million" and "1.3bn" are one value; "¥10 trillion" and "10 trillion yen" one
unit; "5%" and "5 percent" one percentage. The verifier compares these, not the digits, so that a
model may rewrite an amount but not change it (nor swap its currency).
"""

from __future__ import annotations

import re

SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12}
PREFIX_UNITS = {"$": "usd", "us$": "usd", "€": "eur", "¥": "yen", "￥": "yen", "£": "gbp", "₩": "won", "₹": "inr", "rs": "inr",
                "rs.": "inr", "rm": "myr", "nis": "ils", "s$": "sgd", "nt$": "twd", "c$": "cad", "a$": "aud", "hk$": "hkd",
                "r$": "brl", "mx$": "mxn", "nz$": "nzd",
                # ISO codes before the figure ("JPY 1.2 trillion", "USD 500 million", "SEK 12.5bn")
                "jpy": "yen", "usd": "usd", "eur": "eur", "gbp": "gbp", "cny": "yuan", "rmb": "yuan", "krw": "won",
                "inr": "inr", "twd": "twd", "sgd": "sgd", "aud": "aud", "cad": "cad", "chf": "chf", "sek": "sek",
                "nok": "nok", "dkk": "dkk", "pln": "pln", "czk": "czk", "huf": "huf", "brl": "brl", "mxn": "mxn",
                "thb": "thb", "php": "php", "idr": "idr", "myr": "myr", "vnd": "vnd", "ils": "ils", "sar": "sar",
                "aed": "aed", "zar": "zar", "nzd": "nzd", "hkd": "hkd"}
# The one-character signs among them ("$", "¥", "￥"), for every pattern that finds a sum by its sign.
CURRENCY_SIGNS = re.escape("".join(u for u in PREFIX_UNITS if len(u) == 1))
# ISO codes that stand before a figure: the prefixes above of three letters.
ISO_BEFORE = "|".join(sorted(u for u in PREFIX_UNITS if len(u) == 3 and u.isalpha() and u not in ("nis",)))
# Letters that name a dollar before its sign ("NT$", "S$", "R$"): the prefixes above ending in "$".
LETTER_DOLLARS = r"\b(?:" + "|".join(sorted(u[:-1] for u in PREFIX_UNITS if len(u) > 1 and u.endswith("$"))) + r")\$"
SUFFIX_UNITS = {"yen": "yen", "dollars": "usd", "dollar": "usd", "usd": "usd", "euros": "eur", "euro": "eur",
                "eur": "eur", "pounds": "gbp", "won": "won", "yuan": "yuan", "ringgit": "myr", "rupees": "inr",
                "dong": "vnd", "baht": "thb", "shekels": "ils", "shekel": "ils", "zloty": "pln", "rupiah": "idr", "renminbi": "yuan", "riyals": "sar", "riyal": "sar", "dirhams": "aed",
                "dirham": "aed", "pesos": "mxn", "francs": "chf", "pound": "gbp", "rupee": "inr", "jpy": "yen",
                "gbp": "gbp", "cny": "yuan", "krw": "won", "zlotys": "pln", "reais": "brl", "koruna": "czk",
                "kronor": "sek", "krona": "sek", "kroner": "krone", "krone": "krone", "forint": "huf", "rand": "zar",
                "lira": "try", "peso": "mxn", "sek": "sek", "nok": "nok", "dkk": "dkk", "pln": "pln", "czk": "czk",
                "brl": "brl", "mxn": "mxn", "thb": "thb", "idr": "idr",
                "%": "%", "percent": "%",
                "per cent": "%", "percentage points": "%"}
# The words after a number that make it money (text.numbers types amounts with the same list).
CURRENCY_WORDS = tuple(w for w, unit in SUFFIX_UNITS.items() if unit != "%")
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "hundred": 100}

# Whose dollars, written before the word ("65 billion US dollars", "5 billion Taiwan dollars").
DOLLARS_OF = {"us": "usd", "u.s.": "usd", "american": "usd", "nt": "twd", "taiwan": "twd", "new taiwan": "twd",
              "singapore": "sgd", "canadian": "cad", "australian": "aud", "hong kong": "hkd"}
# Whose currency, written between a figure and its word ("10 trillion Japanese yen", "5 billion South
# Korean won"): the word alone says the unit, so these only let it be read past the adjective.
NATIONALS = ("japanese", "korean", "south korean", "chinese", "indian", "malaysian", "thai", "indonesian",
             "vietnamese", "israeli", "new israeli", "swiss", "british", "swedish", "norwegian", "danish", "polish",
             "czech", "hungarian", "brazilian", "mexican", "south african", "turkish", "saudi", "philippine", "emirati")
NATIONAL = "(?:" + "|".join(sorted(NATIONALS, key=len, reverse=True)) + ")"
_UNIT_AFTER = "|".join(sorted((re.escape(u) for u in SUFFIX_UNITS), key=len, reverse=True))
_WHOSE = "|".join(sorted((re.escape(q) for q in DOLLARS_OF), key=len, reverse=True))
# Either kind of word before a currency's word, for patterns that only need to read past it.
CURRENCY_QUALIFIER = "(?:" + "|".join(sorted([*NATIONALS, *map(re.escape, DOLLARS_OF)], key=len, reverse=True)) + ")"
QUANTITY_RE = re.compile(
    # Letter prefixes ("RM500", "NT$6", "Rs 10,372") start a word; a bare "$" may follow one ("NT$")
    r"(?P<pre>" + LETTER_DOLLARS + r"|\brs\.?|\brm|\bnis|\b(?:" + ISO_BEFORE + r")(?=\s?\d)|[" + CURRENCY_SIGNS + r"])?\s?(?P<num>\d+(?:[.,]\d+)*|" + "|".join(WORD_NUMBERS) + r")(?:st|nd|rd|th)?(?!\d)"  # "31st" is the number 31; "200MW" the number 200
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?"
    r"(?:\s?(?:(?P<whose>" + _WHOSE + r")\s(?=dollars?\b)|" + NATIONAL + r"\s)?"
    r"(?P<post>" + _UNIT_AFTER + r")(?![a-z]))?",
    re.I,
)


def quantities(text: str) -> list[tuple[float, str]]:
    """(value, unit) of every number in ``text``; unit is "" when none is written next to it."""
    text = re.sub(r"(?<=[\w%])[-–](?=[\w$¥€£])", " ", text)  # "10-trillion-yen" reads as "10 trillion yen"
    found = []
    for m in QUANTITY_RE.finditer(text):
        raw = m.group("num").lower()
        if raw in WORD_NUMBERS:
            if not (m.group("scale") or m.group("post") or m.group("pre")):
                continue  # "one of the firms": a word number alone is no fact
            value = float(WORD_NUMBERS[raw])
        else:
            # "1,300" is thirteen hundred; "1,3" (a decimal comma) is not written in these sources.
            value = float(raw.replace(",", "")) if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw) else _float(raw)
            if value is None:
                continue
        scale = (m.group("scale") or "").lower()
        value *= SCALES.get(scale, 1.0)
        unit = (PREFIX_UNITS.get((m.group("pre") or "").lower(), "") or DOLLARS_OF.get((m.group("whose") or "").lower())
                or SUFFIX_UNITS.get((m.group("post") or "").lower(), ""))
        found.append((round(value, 6), unit))
    return found


def _float(raw: str) -> float | None:
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return None


def missing_quantities(claim: str, source: str) -> list[str]:
    """The claim's quantities that the source does not state with the same value and a compatible unit."""
    have = quantities(source)
    missing = []
    for value, unit in quantities(claim):
        ok = any(
            abs(v - value) <= 1e-9 * max(1.0, abs(value)) and (not unit or not u or u == unit) for v, u in have
        )
        if not ok:
            missing.append(_show(value, unit))
    return missing


def _show(value: float, unit: str) -> str:
    text = f"{value:,.6g}" if value < 1e6 else f"{value:.4g}"
    return f"{text} {unit}".strip()

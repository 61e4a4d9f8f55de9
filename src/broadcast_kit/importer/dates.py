"""Dates as transcripts write them: 2012-09-06, 2012.10.05, September 14, 2012, July 25,2013,
6 Sept 2012, 2012년 9월 6일; and date lines such as `입력 2017.08.08 (15:02)`."""

from __future__ import annotations

import datetime as dt
import re

from broadcast_kit.importer.words import Words

# --- dates --------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATES = (
    re.compile(
        r"\b(?P<year>\d{4})\s*[-./년]\s*(?P<mon>\d{1,2})\s*[-./월]\s*(?P<day>\d{1,2})(?:\s*일)?(?!\d)"
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*|\s+)(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,\s*|\s+)(?P<year>\d{{4}})\b"),
)


def find_date(text: str) -> dt.date | None:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = (
                int(parts["mon"]) if parts.get("mon") else _MONTHS.get(parts["month"].lower(), 0)
            )
            try:
                return dt.date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                continue
    return None


def is_date_line(line: str, words: Words) -> bool:
    """A line that is a date and little else (a dateline, not a sentence mentioning one): the
    date, times, a duration ("45 min"), a broadcaster's name, and the word lists' date words
    ("Posted on", "입력", "Aired ... ET")."""
    if find_date(line) is None:
        return False
    rest = line
    for pattern in _DATES:
        rest = pattern.sub(" ", rest)
    rest = words.broadcaster.sub(" ", rest)  # "PBS Airdate: July 26, 2005"
    rest = re.sub(r"(?i)\b\d{1,2}(?::\d{2}){0,2}\s*[ap]\.?m\b\.?", " ", rest)  # 9:00 p.m.
    rest = re.sub(r"(?i)\b\d+\s*(?:h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\b", " ", rest)
    rest = re.sub(r"\d{1,2}[:.]\d{2}(?::\d{2})?|[^\w]|_", " ", rest)  # 15:30, 10.00 GMT
    return all(word.lower() in words.date_words for word in rest.split())


def split_at_date(text: str) -> tuple[str, str, str] | None:
    """`text` around the first date in it: (before, the date, after)."""
    found = [m for pattern in _DATES if (m := pattern.search(text)) is not None]
    if not found:
        return None
    match = min(found, key=lambda m: m.start())
    return text[: match.start()].strip(), match.group(0), text[match.end() :].strip()

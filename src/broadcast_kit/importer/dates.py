"""Dates as transcripts write them: 2012-09-06, 2012.10.05, September 14, 2012, 2012년 9월 6일."""

from __future__ import annotations

import datetime as dt
import re

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
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b"),
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


def is_date_line(line: str) -> bool:
    """A line that is a date and little else (a dateline, not a sentence mentioning one)."""
    if find_date(line) is None:
        return False
    rest = line
    for pattern in _DATES:
        rest = pattern.sub(" ", rest)
    rest = re.sub(
        r"(?i)\b(?:date|posted|published|updated|aired|broadcast|on|at|kst|gmt|utc|am|pm|"
        r"mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\d{1,2}:\d{2}(?::\d{2})?|[\W_]",
        " ",
        rest,
    )
    return not rest.strip()

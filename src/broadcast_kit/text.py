"""Plain text, as titles and names must be: one definition that the loader enforces on what
a producer writes and `kit check` applies to what was published, so that kit's own output
never fails its own check.

Titles and names are one line (runs of whitespace, newlines included, become one space)
without control characters; a title has no HTML markup either (apps show titles as text:
`<b>` would show as code; `x<y` is text). Names and chapter titles may hold anything else:
every writer escapes them. Style, which check only warns about, is the same function for both:
an episode title that repeats the show's name or starts with its number.
"""

from __future__ import annotations

import html
import re
import unicodedata

# a tag (<b>, </p>, <br/>, <a href="...">), a comment or CDATA: what a reader would treat as
# markup; a lone < or > (x<y, a -> b) is text
_MARKUP = re.compile(
    r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--|!\[CDATA\[|!DOCTYPE)", re.IGNORECASE
)
_NUMBERED = re.compile(r"\s*(#\s*\d+|(ep|episode|no)\.?\s*#?\d+)\b", re.IGNORECASE)


def one_line(text: str) -> str:
    """`text` with every run of whitespace (newlines, tabs) as one space, ends trimmed."""
    return " ".join(text.split())


def markup(text: str) -> str | None:
    """The first piece of HTML markup in `text`, None when it has none."""
    found = _MARKUP.search(text)
    if found is None:
        return None
    end = text.find(">", found.start())
    return text[found.start() : end + 1 if end >= 0 else found.end()]


def control(text: str) -> str | None:
    """The first control character in `text` (as U+XXXX), None when it has none."""
    for char in text:
        if unicodedata.category(char) == "Cc":
            return f"U+{ord(char):04X}"
    return None


# letters that show as nothing (Hangul fillers, the braille blank); the format characters
# (category Cf: zero-width space and joiners, bidi marks, the BOM) show as nothing too
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def invisible(text: str) -> bool:
    """True when `text` has characters but none that shows (zero-width spaces, bidi marks,
    fillers): a title apps would list as blank."""
    return bool(text) and all(
        char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"
        for char in text
    )


def plain_problem(text: str, *, tags: bool = False) -> str | None:
    """Why `text` (already one line) is not plain text, None when it is; `tags`: markup is
    allowed (names and chapter titles, which every writer escapes)."""
    if (char := control(text)) is not None:
        return f"has a control character ({char}); remove it"
    if invisible(text):
        codes = " ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(text))
        return f"has no visible characters (only {codes[:60]}); write it out"
    if not tags and (tag := markup(text)) is not None:
        return f"has HTML markup ({tag[:40]!r}); write it as plain text, without tags"
    return None


_TAG = re.compile(r"<[^<>]*>")


def shown_length(line: str) -> int:
    """How many characters a WebVTT cue line shows: its tags (<v Name>, <i>) are not shown
    and an entity (&amp;) is one character. The writer wraps to it and the check measures
    it, so a long speaker name in the voice tag never makes a line too long."""
    return len(html.unescape(_TAG.sub("", line)))


def title_style(title: str, show: str) -> str | None:
    """What podcast apps object to in an episode title (they show the show's name and the
    episode number already), None when nothing."""
    lowered, name = title.lower(), show.strip().lower()
    if len(name) > 3 and name in lowered:
        return "the title repeats the show's name; apps show it already"
    if _NUMBERED.match(lowered):
        return "the title starts with the episode number; put it in number: (itunes:episode)"
    return None


def count(n: int, noun: str) -> str:
    """'1 chapter', '2 chapters'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")

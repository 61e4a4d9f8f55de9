"""Split the words of a part into sentences, the unit of synthesis, caching and cues.

Sentences end at . ! ? (and … or closing quotes after them) followed by a space and a word
that does not start in lower case, except after initials ("N. Korea", "U.S.") and common titles
("Dr.", "Prof."). A sentence longer than `MAX_CHARS` is split at clause boundaries
(; : — then commas) nearest its middle, so no synthesized piece runs on for half a minute.
"""

from __future__ import annotations

import re

MAX_CHARS = 220
_TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "vs",
    "etc",
    "gen",
    "gov",
    "sen",
    "rep",
    "lt",
    "col",
    "capt",
    "sgt",
    "mt",
    "ft",
    "inc",
    "ltd",
    "co",
    "corp",
}
# the next word must not start in lower case (any script without case, Korean say, counts)
# an end starts where a run of . ! ? … starts and takes all of it (possessive): a long run of
# dots no longer costs its length squared
_END = re.compile(r"""(?<![.!?…])[.!?…]++["'”’)]*+(?=\s+["'“‘(]?(?P<next>\w))""")


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the period ending at `end` belongs to an initial or a title, not a sentence."""
    if text[end - 1] != ".":
        return False
    # the word before the period; `text` has single spaces (rfind keeps this linear)
    token = text[text.rfind(" ", 0, end - 1) + 1 : end - 1].lstrip("\"'“‘(")
    if re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token):  # N.  U.S.  J.R.R.
        return True
    return token.lower() in _TITLES


def sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace normalised, long ones split at clauses."""
    text = " ".join(text.split())
    result: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if match.group("next").islower() or _is_abbreviation(text, match.start() + 1):
            continue
        result.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        result.append(tail)
    return [piece for sentence in result for piece in split_long(sentence)]


def split_long(sentence: str, limit: int = MAX_CHARS) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    middle = len(sentence) / 2
    for pattern in (r"[;:—–](?=\s)|\s[—–]\s", r",(?=\s)"):
        cuts = [
            m.end() for m in re.finditer(pattern, sentence) if 20 < m.end() < len(sentence) - 20
        ]
        if cuts:
            cut = min(cuts, key=lambda c: abs(c - middle))
            return split_long(sentence[:cut].strip(), limit) + split_long(
                sentence[cut:].strip(), limit
            )
    return [sentence]


WORDS_PER_SECOND = 2.6  # a speaking pace, for estimates before anything is synthesized


def word_count(text: str) -> int:
    return len(text.split())

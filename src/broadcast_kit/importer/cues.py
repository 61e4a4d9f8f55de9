"""The narration's hand-over cues ("Here's X.", "X explains why.") and the voice of a
paragraph (first person singular or plural, a broadcaster's "we", voxpop quotes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from broadcast_kit.importer.page import APOS, ELLIPSIS, SENTENCE_END, short
from broadcast_kit.importer.people import People, Person
from broadcast_kit.segment import sentences

# --- cues ---------------------------------------------------------------------------------

_VOX_NOUNS = (
    r"visitors?|listeners?|audience\s+members?|members?\s+of\s+the\s+(?:audience|public)"
    r"|residents?|citizens?|students?|participants?|spectators?|viewers?|fans?|passers?-by"
    r"|passer-by|shoppers?|voters?|parents?|concertgoers?|attendees?|volunteers?|local"
)
_VOX_SUBJECT = re.compile(
    rf"(?i)^(?:one|a|an|another|some|one\s+of\s+the|other)\s+(?:[a-z-]+\s+)?(?P<noun>{_VOX_NOUNS})\b"
)
_VOX_INLINE = re.compile(
    rf"(?i)\b(?:said|says|told\s+\w+|according\s+to)\s+(?:one|a|an|another)\s+(?:[a-z-]+\s+)?"
    rf"(?:{_VOX_NOUNS})\b|\b(?:one|a|an|another)\s+(?:[a-z-]+\s+)?(?:{_VOX_NOUNS})"
    r"\s+(?:said|says|told)\b"
)
_SAY = (
    r"says|said|told\s+KBS|tells\s+KBS|told\s+us|tells\s+us|told\s+reporters|adds|added"
    r"|continues|continued|went\s+on|comments|commented|shares|shared|recalls|recalled"
    r"|explains|explained|notes|noted|stresses|stressed|puts\s+it|put\s+it|had\s+to\s+say"
)
_CUES = (
    re.compile(
        rf"(?i)^(?:so,?\s+|now,?\s+|first,?\s+|next,?\s+)?(?:here{APOS}s|here\s+is|let{APOS}s\s+"
        r"(?:hear|listen\s+to)(?:\s+from)?|we\s+(?:now\s+)?hear\s+from|listen\s+to|joining\s+us"
        r"(?:\s+now)?\s+is)\s+(?P<who>.+?)[.:!]$"
    ),
    re.compile(r"^(?P<who>.+?)\s+(?P<verb>(?:takes|took)\s+note\s+(?:that|of))\b.*$"),
    re.compile(
        r"^(?P<who>.+?)\s+(?P<verb>explain(?:s|ed))(?:\s+(?:why|how|what)\b.*|\s+(?:more|further))?[.:]$"
    ),
    re.compile(rf"^(?P<who>.+?)\s+(?P<verb>{_SAY})(?P<tail>(?:\s+[^\s.:\"“”]+){{0,6}})[.:]$"),
    re.compile(r"^.*?,?\s+(?P<verb>according\s+to)\s+(?P<who>.+?)[.:]$"),
)
_REPORTED = re.compile(r"(?i)\s+(?:that|it|the|a|an|this|these|those|there|in\s+a\s+statement)\b")
_WHO_TRIM = re.compile(
    rf"(?i)^(?:what\s+|how\s+)|(?:,\s*)?\s+(?:also|then|now|further)$|\s+(?:{_SAY}|thinks"
    r"|feels|had\s+to\s+say|has\s+to\s+say)(?:\s+about\s+it)?$"
)


@dataclass(frozen=True)
class Cue:
    sentence: str  # the cue sentence, shortened around its verb for comments
    person: Person | None = None
    voxpop: str | None = None  # a description ("Visitor") when the cue introduces a voxpop


def _speaker_phrase(sentence: str) -> tuple[str, str] | None:
    """Who a cue sentence hands over to, and the sentence shortened around its verb."""
    for pattern in _CUES:
        match = pattern.match(sentence)
        if match is None:
            continue
        tail = match.groupdict().get("tail") or ""
        if _REPORTED.match(tail):  # "X says that ...": reported speech, not a hand-over
            continue
        who = match.group("who").strip()
        if re.search(rf"(?i)\b(?:{_SAY})\b", who):  # the verb belongs to a reported clause
            continue
        for _ in range(3):
            who = _WHO_TRIM.sub("", who).strip()
        shown = sentence
        if len(sentence) > 72 and match.groupdict().get("verb"):
            start, end = match.span("verb")
            rest = " …" if end < len(sentence) - 1 else sentence[-1]
            shown = f"{short(sentence[:start], 40)} {sentence[start:end]}{rest}"
        return who, shown
    return None


def find_cue(text: str, people: People, last_person: Person | None) -> Cue | None:
    """The hand-over at the end of a narration paragraph, if it ends with one."""
    pieces = sentences(text)
    if not pieces:
        return None
    tries = [pieces[-1]]
    if len(pieces) > 1 and not SENTENCE_END.search(pieces[-2]):  # a long sentence cut in two
        tries.append(" ".join(pieces[-2:]))
    for sentence in tries:
        sentence = sentence.strip().rstrip("\"”’'")
        found = _speaker_phrase(sentence)
        if found is None:
            continue
        who, sentence = found
        vox = _VOX_SUBJECT.match(who)
        if vox:
            noun = re.sub(r"\s+", " ", vox.group("noun")).lower()
            return Cue(sentence, voxpop=_singular(noun).capitalize())
        if re.fullmatch(r"(?i)(?:he|she)", who):
            return Cue(sentence, last_person) if last_person is not None else None
        person = people.first_named(who)
        if person is not None:
            return Cue(sentence, person)
    return None


def _singular(noun: str) -> str:
    noun = noun.replace("passers-by", "passer-by")
    if noun.startswith("members of the"):
        return "member of the" + noun.removeprefix("members of the")
    words = noun.split()
    if words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


# --- voice of a paragraph -----------------------------------------------------------------

_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
_FIRST_SINGULAR = re.compile(rf"(?<![\w-])(?:I|I{APOS}(?:m|ve|d|ll)|me|my|mine|myself)(?![\w-])")
_FIRST_PLURAL = re.compile(
    rf"(?i)(?<![\w.-])(?:we|we{APOS}(?:re|ve|d|ll)|us|our|ours|ourselves)(?![\w.-])"
)
BROADCASTER = re.compile(
    rf"(?i)\bwe(?:{APOS}ll|\s+will)\s+(?:be\s+)?(?:watch|look|bring|hear|meet|take|continue"
    rf"|keep|follow|return|talk|see)|\bjoin\s+us\b|\bstay\s+(?:with\s+us|tuned)\b|\bwe{APOS}re\s+"
    r"(?:going\s+to\s+)?(?:look|talk|joined)|\b(?:today|this\s+week|in\s+this\s+program(?:me)?)"
    r",?\s+we\b|\bthank\s+you\s+for\s+(?:listening|joining)"
)
OPINION = re.compile(
    rf"(?i)\b(?:aren|isn|don|doesn|won|can|wasn|weren|didn){APOS}t\s+(?:they|it|we|you|he|she)\?"
    rf"|\bit{APOS}s\s+(?:crucial|essential|important|necessary|vital)\b|\bdefinitely\b"
    r"|\bin\s+my\s+(?:view|opinion)\b"
)


def unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def first_person(text: str) -> str | None:
    """'singular' or 'plural' when the paragraph speaks in the first person (quotes aside)."""
    plain = unquoted(text)
    if _FIRST_SINGULAR.search(plain):
        return "singular"
    if _FIRST_PLURAL.search(plain):
        return "plural"
    return None


def is_voxpop(text: str) -> bool:
    return ELLIPSIS.match(text) is not None or _VOX_INLINE.search(text) is not None


def ends_with_question(text: str) -> bool:
    return re.search(r"\?[\"'”’)]*$", text.strip()) is not None

"""The narration's hand-over cues ("Here's X.", "X explains why.") and the voice of a
paragraph (first person singular or plural, a broadcaster's "we", voxpop quotes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from broadcast_kit.importer.page import APOS, ELLIPSIS, SENTENCE_END, short
from broadcast_kit.importer.people import People, Person
from broadcast_kit.importer.words import Words
from broadcast_kit.render.sentences import sentences

# --- cues ---------------------------------------------------------------------------------

_REPORTED = re.compile(r"(?i)\s+(?:that|it|the|a|an|this|these|those|there|in\s+a\s+statement)\b")
_PRONOUN = re.compile(r"(?i)(?:he|she)")


class _Patterns:
    """The cue patterns, built from the word lists."""

    def __init__(self, words: Words) -> None:
        say, nouns = words.say, words.voxpop_nouns
        self.say = re.compile(rf"(?i)\b{say}\b")
        self.vox_subject = re.compile(
            rf"(?i)^(?:one|a|an|another|some|one\s+of\s+the|other)\s+(?:[a-z-]+\s+)?"
            rf"(?P<noun>{nouns})\b"
        )
        self.vox_inline = re.compile(
            rf"(?i)\b(?:said|says|told\s+\w+|according\s+to)\s+(?:one|a|an|another)\s+"
            rf"(?:[a-z-]+\s+)?(?:{nouns})\b|\b(?:one|a|an|another)\s+(?:[a-z-]+\s+)?"
            rf"(?:{nouns})\s+(?:said|says|told)\b"
        )
        self.cues = (
            re.compile(
                rf"(?i)^(?:so,?\s+|now,?\s+|first,?\s+|next,?\s+)?{words.hand_over}"
                r"\s+(?P<who>.+?)[.:!]$"
            ),
            re.compile(r"^(?P<who>.+?)\s+(?P<verb>(?:takes|took)\s+note\s+(?:that|of))\b.*$"),
            re.compile(
                r"^(?P<who>.+?)\s+(?P<verb>explain(?:s|ed))(?:\s+(?:why|how|what)\b.*"
                r"|\s+(?:more|further))?[.:]$"
            ),
            re.compile(
                rf"^(?P<who>.+?)\s+(?P<verb>{say})(?P<tail>(?:\s+[^\s.:\"“”]+){{0,6}})[.:]$"
            ),
            re.compile(r"^.*?,?\s+(?P<verb>according\s+to)\s+(?P<who>.+?)[.:]$"),
        )
        self.who_trim = re.compile(
            rf"(?i)^(?:what\s+|how\s+)|(?:,\s*)?\s+(?:also|then|now|further)$|\s+(?:{say}"
            r"|thinks|feels|had\s+to\s+say|has\s+to\s+say)(?:\s+about\s+it)?$"
        )
        verbs = words.quote_verbs
        # "“...,” she said." / "“...,” said Jane Doe, ..." / "“...,” Jane Doe explained."
        self.attribution = re.compile(
            rf"\s*(?:(?P<verb>{verbs})\s+(?P<after>[^.!?“\"]+?)"
            rf"|(?P<before>(?:he|she|they|[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){{0,3}}))"
            rf"\s+(?P<verb2>{verbs})\b(?P<tail>[^.!?“\"]*?))[.!?](?=\s|$)"
        )


@cache
def patterns(words: Words) -> _Patterns:
    return _Patterns(words)


@dataclass(frozen=True)
class Cue:
    sentence: str  # the cue sentence, shortened around its verb for comments
    person: Person | None = None
    voxpop: str | None = None  # a description ("Visitor") when the cue introduces a voxpop


def _speaker_phrase(sentence: str, found: _Patterns) -> tuple[str, str] | None:
    """Who a cue sentence hands over to, and the sentence shortened around its verb."""
    for pattern in found.cues:
        match = pattern.match(sentence)
        if match is None:
            continue
        tail = match.groupdict().get("tail") or ""
        if _REPORTED.match(tail):  # "X says that ...": reported speech, not a hand-over
            continue
        who = match.group("who").strip()
        if found.say.search(who):  # the verb belongs to a reported clause
            continue
        for _ in range(3):
            who = found.who_trim.sub("", who).strip()
        shown = sentence
        if len(sentence) > 72 and match.groupdict().get("verb"):
            start, end = match.span("verb")
            rest = " …" if end < len(sentence) - 1 else sentence[-1]
            shown = f"{short(sentence[:start], 40)} {sentence[start:end]}{rest}"
        return who, shown
    return None


def find_cue(text: str, people: People, last_person: Person | None) -> Cue | None:
    """The hand-over at the end of a narration paragraph, if it ends with one."""
    words = people.words
    found_patterns = patterns(words)
    pieces = sentences(text)
    if not pieces:
        return None
    tries = [pieces[-1]]
    if len(pieces) > 1 and not SENTENCE_END.search(pieces[-2]):  # a long sentence cut in two
        tries.append(" ".join(pieces[-2:]))
    for sentence in tries:
        sentence = sentence.strip().rstrip("\"”’'")
        found = _speaker_phrase(sentence, found_patterns)
        if found is None:
            continue
        who, sentence = found
        if _PRONOUN.fullmatch(who):
            return Cue(sentence, last_person) if last_person is not None else None
        # "A witness, Maria Gonzales, told reporters.": a name wins over a description
        person = people.first_named(who)
        if person is not None and not person.host:
            return Cue(sentence, person)
        vox = found_patterns.vox_subject.match(who)
        if vox:
            return Cue(sentence, voxpop=words.singular(vox.group("noun")).capitalize())
    return None


@dataclass(frozen=True)
class Attributed:
    """A paragraph that opens with a quote and names its speaker after it: the pieces in
    order (text, whether it is the quoted speaker's), who is named and how."""

    pieces: list[tuple[str, bool]]
    who: str  # "she", "Oliver Kent, a local engineer", "one resident"
    attribution: str  # the attributing sentence: "she said."


_OPEN = '“"'
_CLOSE = re.compile(r"[,?!.…—–-]\s*[”\"]")


def _quote_at(text: str) -> int | None:
    """Where the quote opening `text` closes (after its closing mark), if it does."""
    if not text or text[0] not in _OPEN:
        return None
    match = _CLOSE.search(text, 1)
    return match.end() if match else None


def attributed_quote(text: str, words: Words) -> Attributed | None:
    """A paragraph such as "“...,” she said. “...”" or "“...,” said Jane Doe, a teacher."."""
    end = _quote_at(text)
    if end is None:
        return None
    match = patterns(words).attribution.match(text, end)
    if match is None:
        return None
    who = (match.group("after") or match.group("before") or "").strip()
    pieces = [(text[:end].strip(), True), (text[end : match.end()].strip(), False)]
    rest = text[match.end() :].strip()
    more = _quote_at(rest)
    if more is not None:  # the quote goes on after "she said."
        pieces.append((rest[:more].strip(), True))
        rest = rest[more:].strip()
    if rest:
        pieces.append((rest, False))
    return Attributed(pieces, who, pieces[1][0])


# --- voice of a paragraph -----------------------------------------------------------------

_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
_FIRST_SINGULAR = re.compile(rf"(?<![\w-])(?:I|I{APOS}(?:m|ve|d|ll)|me|my|mine|myself)(?![\w-])")
_FIRST_PLURAL = re.compile(
    rf"(?i)(?<![\w.-])(?:we|we{APOS}(?:re|ve|d|ll)|us|our|ours|ourselves)(?![\w.-])"
)
BROADCASTER = re.compile(
    rf"(?i)\blet{APOS}s\s+(?:learn|listen|hear|look|take|move|turn|start|begin|go|review|practi[cs]e)\b"
    rf"|\bwe(?:{APOS}ll|\s+will)\s+(?:be\s+)?(?:watch|look|bring|hear|meet|take|continue"
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


# a paragraph that is one quotation and nothing else: a soundbite printed in quotes
_WHOLE_QUOTE = re.compile(r"^\s*[“\"](?P<inner>[^“”\"]+)[”\"]\s*$")


def whole_quote(text: str) -> bool:
    """Whether the paragraph is one quotation and nothing else: a soundbite printed in quotes."""
    return _WHOLE_QUOTE.match(text) is not None


def first_person(text: str) -> str | None:
    """'singular' or 'plural' when the paragraph speaks in the first person (quotes aside,
    unless the paragraph is one quotation: then it is the quoted voice's)."""
    whole = _WHOLE_QUOTE.match(text)
    plain = whole["inner"] if whole is not None else unquoted(text)
    if _FIRST_SINGULAR.search(plain):
        return "singular"
    if _FIRST_PLURAL.search(plain):
        return "plural"
    return None


def is_voxpop(text: str, words: Words) -> bool:
    return ELLIPSIS.match(text) is not None or patterns(words).vox_inline.search(text) is not None


def ends_with_question(text: str) -> bool:
    return re.search(r"\?[\"'”’)]*$", text.strip()) is not None

"""A speaker's gender, read from the transcript's own words about them: an honorific or a
role noun beside the name ("Ms. March", "congresswoman Jane Doe", "Jane Doe, a mother of
three") or a pronoun right after the name in someone else's words ("Lee also points out
that... He explains"). Never from the name itself. Conflicting evidence says nothing."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from broadcast_kit.importer.document import Transcript
from broadcast_kit.importer.people import Person, may_name, mentions, name_runs, word_before
from broadcast_kit.importer.words import Words, alternatives
from broadcast_kit.render.sentences import sentences

# an appositive's head ends at its first preposition or relative word: "a mother of three"
# is evidence, "a researcher whose father ..." is not
_HEAD_ENDS = frozenset(
    {"of", "at", "in", "for", "from", "with", "whose", "who", "which", "that", "and", "to"}
    | {"on", "by", "about", "since", "after", "as"}
)


@dataclass(frozen=True)
class Gender:
    gender: str  # female or male
    evidence: str  # what the transcript says, for the `# check:` comment
    # beside the name, or a pronoun opening the sentence after it; a pronoun later in the
    # name's own sentence may be someone else's ("Kim has played his works. She ...")
    strong: bool = True


def _beside(word: str, entries: Iterable[str]) -> bool:
    """Whether `word` is one of the list's: lower-case entries match in any case, others
    as written (Miss, not miss), or all in capitals as labels write them."""
    word = word.strip(".,;:()“”\"'’")
    return any(
        word == entry
        or (entry.islower() and word.lower() == entry)
        or (word.isupper() and len(word) > 1 and word.lower() == entry.lower())
        for entry in entries
    )


def _word_gender(word: str, words: Words) -> str | None:
    female = _beside(word, words.lists.female_words)
    male = _beside(word, words.lists.male_words)
    return "female" if female and not male else "male" if male and not female else None


def _mention(person: Person, flags: int = 0) -> re.Pattern[str]:
    names = {person.name, person.surname}
    return re.compile(rf"(?<![\w-]){alternatives(names)}(?![\w-])", flags)


def _titles_and_roles(person: Person, transcript: Transcript, words: Words) -> list[Gender]:
    """Honorifics and role nouns next to the name, and the role a label gives."""
    found: list[Gender] = []
    texts: list[tuple[str, int]] = []
    for para in transcript.paragraphs:
        texts.append((para.text, 0))
        if para.label is not None and para.person is person:
            texts.append((para.label.written, re.IGNORECASE))
    mention = {flags: _mention(person, flags) for flags in (0, re.IGNORECASE)}  # once, not per text
    named = may_name("\n".join(text for text, flags in texts if not flags), person)
    for text, flags in texts:
        if not flags and not (named and may_name(text, person)):
            continue
        for match in mention[flags].finditer(text):
            before = word_before(text, match.start())
            if before and (gender := _word_gender(before[0], words)):
                shown = f"{before[0]} {match.group(0)}"
                found.append(Gender(gender, f'"{shown}"'))
            if match.group(0) != person.name or len(person.tokens) < 2:
                continue
            after = re.match(r",\s+([^,.;:!?]+)", text[match.end() :])
            for word in after.group(1).split() if after else []:
                if word.lower() in _HEAD_ENDS:
                    break
                if gender := _word_gender(word, words):
                    found.append(Gender(gender, f'"{word}" beside "{person.name}"'))
                    break
    for word in (person.role or "").split():
        if gender := _word_gender(word, words):
            found.append(Gender(gender, f'the label\'s "{person.role}"'))
    return found


def _pronouns(person: Person, transcript: Transcript, words: Words) -> list[Gender]:
    """A pronoun after the name in the same sentence, or opening the next one, in the words
    of someone else (the host, a reporter), with no other name between."""
    pronoun = _pronoun_patterns(words)
    mention = _mention(person)
    found: list[Gender] = []

    def first(text: str, opening: bool) -> tuple[str, str] | None:
        hits = [(m.start(), g, m.group(0)) for g, p in pronoun.items() if (m := p.search(text))]
        if not hits:
            return None
        start, gender, word = min(hits)
        if opening and text[:start].strip():
            return None
        if any(True for _ in name_runs(text[:start], words)):
            return None  # someone else is named before it
        return gender, word

    for para in transcript.paragraphs:
        if para.person is person or para.kind == "voxpop":
            continue
        if para.person is not None and not para.person.host_side:
            continue  # a guest's "she" may be anyone the guest talks about
        if not may_name(para.text, person):
            continue
        said = sentences(para.text)
        for n, sentence in enumerate(said):
            matches = list(mention.finditer(sentence))
            if not matches:
                continue
            last = matches[-1]
            after = f'after "{last.group(0)}"'
            tail = sentence[last.end() :]
            others = (p for p in transcript.people.known if p is not person)
            named_after = any(mentions(tail, p) for p in others) or any(
                len(run) > 1 for run, _ in name_runs(tail, words)
            )
            if n + 1 < len(said) and not named_after and (hit := first(said[n + 1], True)):
                found.append(Gender(hit[0], f'"{hit[1]}" {after}'))
            if hit := first(sentence[last.end() :], False):
                found.append(Gender(hit[0], f'"{hit[1]}" {after}', strong=False))
    return found


@functools.lru_cache(maxsize=8)
def _pronoun_patterns(words: Words) -> dict[str, re.Pattern[str]]:
    """Each gender's pronouns as one pattern, built once per word lists (not per person)."""
    return {
        gender: re.compile(rf"(?i)(?<![\w'’-]){alternatives(found)}(?![\w'’-])")
        for gender, found in (
            ("female", words.lists.female_pronouns),
            ("male", words.lists.male_pronouns),
        )
    }


def infer(person: Person, transcript: Transcript, words: Words) -> Gender | None:
    """The gender the transcript gives `person`, with its first piece of evidence; None when
    it says nothing or says both (the strong evidence alone is weighed when there is some)."""
    found = _titles_and_roles(person, transcript, words) + _pronouns(person, transcript, words)
    if any(g.strong for g in found):
        found = [g for g in found if g.strong]
    if len({g.gender for g in found}) != 1:
        return None
    return found[0]

"""People named in a transcript: capitalised name runs, titles, and who a short reference
("Professor Shin") means."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from broadcast_kit.importer.words import Words, default_words

# --- names --------------------------------------------------------------------------------

TOKEN = r"[A-Z][a-z][a-zA-Z'’]*(?:-[A-Za-z][a-z]*)*"
_RUN = re.compile(rf"(?<![\w’'-]){TOKEN}(?:\s+{TOKEN})*")
_KOREAN_NAME = re.compile(r"[A-Z][a-z]{1,4} [A-Z][a-z]+-[a-z]+")


@dataclass(eq=False)
class Person:
    name: str  # the full name as written, without titles
    key: str = ""  # voice key
    interviewee: bool = False
    host: bool = False  # the programme's host (a host label, or "I'm Jane Doe." introducing)
    # another programme voice (co-host, reporter, narrator, voice actor): host-side, with a
    # voice of its own; None for the host and for guests
    programme: str | None = None
    mentioned: int = 0  # position of the last mention (larger = more recent)
    first_seen: int = 0  # the paragraph that first named them
    role: str | None = None  # what a label says they are ("Author", "Shop Owner")

    @property
    def host_side(self) -> bool:
        return self.host or self.programme is not None

    @property
    def tokens(self) -> list[str]:
        return self.name.split()

    @property
    def surname(self) -> str:
        # Korean names as written in English put the family name first: Shin Jeong-hwa
        return self.tokens[0] if _KOREAN_NAME.fullmatch(self.name) else self.tokens[-1]


def name_runs(
    text: str, words: Words, not_people: Iterable[str] = ()
) -> Iterable[tuple[list[str], bool]]:
    """Capitalized word runs that may name a person: (name tokens, had a title). Places,
    organisations, broadcasters and programmes (the word lists, and `not_people`: the
    programme's own name) are left out."""
    blocked = words.not_names
    skip = [n for n in not_people if n]
    for match in _RUN.finditer(text):
        tokens = match.group(0).split()
        if tokens[-1].endswith(("'s", "’s")):
            continue
        if any(match.group(0) in n for n in skip):
            continue
        titled = False
        while tokens and tokens[0] in blocked:  # "But Senator Xenophon": "But" first
            tokens = tokens[1:]
        while tokens and tokens[0].rstrip(".") in words.titles:
            tokens, titled = tokens[1:], True
        while tokens and tokens[0] in blocked:
            tokens, titled = tokens[1:], False
        if not tokens or any(w in blocked or w in words.titles for w in tokens):
            continue
        if any(w in words.programme_words for w in tokens) or len(tokens) > 3:
            continue
        # a title written before the run ("professor Kim", "player Im")
        before = word_before(text, match.start())
        if before and before[0].rstrip(".,").capitalize() in words.titles:
            titled = True
        # "the Edinburgh Fringe", "the Johnson Space Center": a name run after a lowercase
        # "the" names a thing (a person is "the actor Jane Doe", never "the Jane Doe")
        if before == ["the"] and not titled and match.group(0).split()[0] == tokens[0]:
            continue
        yield tokens, titled


def word_before(text: str, at: int) -> list[str]:
    """`text[:at].split()[-1:]`, the word before `at`, read from the few characters before
    it (splitting all the text before each name made a long paragraph's reading quadratic)."""
    window = text[max(0, at - 100) : at]
    words = window.split()
    if at <= 100 or len(words) > 1 or (words and window[0].isspace()):
        return words[-1:]
    return text[:at].split()[-1:]  # a word or a run of spaces longer than the window


class People:
    """Everyone named so far, so that "Professor Shin" finds "Shin Jeong-hwa"."""

    def __init__(self, words: Words | None = None) -> None:
        self.words = words or default_words()
        self.known: list[Person] = []
        self.clock = 0
        self.paragraph = 0  # the paragraph being read, for Person.first_seen
        self.not_people: set[str] = set()  # programme names found on the page

    @property
    def host(self) -> Person | None:
        return next((p for p in self.known if p.host), None)

    def person(self, name: str) -> Person:
        """The person a label or introduction names: a surname finds the full name."""
        found = self.resolve(name.split(), titled=True)
        assert found is not None  # a titled name always resolves
        return found

    def resolve(self, words: list[str], titled: bool) -> Person | None:
        self.clock += 1
        if len(words) >= 2:
            name = " ".join(words)
            person = next((p for p in self.known if p.name == name), None)
            if person is None:
                person = Person(name, first_seen=self.paragraph)
                self.known.append(person)
            person.mentioned = self.clock
            return person
        word = words[0]
        # "MCEVERS:" is Kelly McEvers: a label's capitals lose the name's inner capitals
        matches = [p for p in self.known if word.lower() in (t.lower() for t in p.tokens)]
        if not matches:
            if not titled:
                return None
            person = Person(word, first_seen=self.paragraph)
            self.known.append(person)
            matches = [person]
        best = max(
            matches,
            key=lambda p: (p.surname.lower() == word.lower(), p.host, p.interviewee, p.mentioned),
        )
        best.mentioned = self.clock
        return best

    def runs(self, text: str) -> Iterable[tuple[list[str], bool]]:
        return name_runs(text, self.words, self.not_people)

    def named_in(self, text: str) -> list[Person]:
        """The people a paragraph names, in order of last mention."""
        found: dict[str, Person] = {}
        for words, titled in self.runs(text):
            person = self.resolve(words, titled)
            if person is not None:
                found.pop(person.name, None)
                found[person.name] = person
        return list(found.values())

    def first_named(self, phrase: str) -> Person | None:
        for words, titled in self.runs(phrase):
            person = self.resolve(words, titled)
            if person is not None:
                return person
        return None


def may_name(text: str, person: Person) -> bool:
    """A quick test that holds wherever a pattern of `person`'s name or surname (as written,
    either apostrophe) matches in `text`: the surname's letters are in it. It spares the
    patterns a scan of every paragraph for every person."""
    pieces = _surname_pieces(person.name)
    return pieces[0] in text if len(pieces) == 1 else all(piece in text for piece in pieces)


_APOSTROPHES = re.compile("['’]")


@functools.lru_cache(maxsize=4096)
def _surname_pieces(name: str) -> list[str]:
    return _APOSTROPHES.split(Person(name).surname)


def mentions(text: str, person: Person) -> bool:
    """Whether `text` talks about `person` in the third person (name, surname or title)."""
    if person.name in text:
        return True
    surname = re.escape(person.surname)
    return re.search(rf"(?<![\w-]){surname}(?![\w-])(?!\s+{TOKEN})", text) is not None

"""The word lists `kit import` reads transcripts with, as data that users can extend.

Everything specific to a language, a country or a broadcaster (titles before names, place
names, "told KBS", navigation phrases, disclaimers, speaker labels, music cues) lives in the
package's `importer/data/*.yaml`. A user adds words without editing code: files of the same
shape named by `kit import --words FILE` or by the BROADCAST_KIT_IMPORT_WORDS variable
(several separated by the system's path separator) are merged in, each list adding to the
package's. The patterns the stages match with are built here, once per set of files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from broadcast_kit.errors import InputError

ENV = "BROADCAST_KIT_IMPORT_WORDS"
PACKAGE_FILES = ("english.yaml", "korea.yaml", "broadcasters.yaml")
APOS = "['’]"


def _word(value: object) -> object:
    if isinstance(value, bool):  # YAML 1.1 reads yes/no/on/off as booleans
        raise ValueError('YAML read this word as true/false; quote it, e.g. "on"')
    if isinstance(value, int | float):
        return str(value)
    return value


Word = Annotated[str, BeforeValidator(_word), Field(min_length=1)]


class WordFile(BaseModel):
    """One word-list file; every field is optional and adds to the package's lists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    titles: list[Word] = []
    not_names: list[Word] = []
    programme_words: list[Word] = []
    places: list[Word] = []
    broadcasters: list[Word] = []
    publishers: list[Word] = []
    say_verbs: list[Word] = []
    quote_verbs: list[Word] = []
    hand_over_phrases: list[Word] = []
    report_cues: list[Word] = []
    news_handovers: list[Word] = []
    network_idents: list[Word] = []
    programme_openers: list[Word] = []
    own_events: list[Word] = []
    office_titles: list[Word] = []
    guest_words: list[Word] = []
    guest_events: list[Word] = []
    guest_phrases: list[Word] = []
    voxpop_nouns: list[Word] = []
    audiences: dict[Word, Word] = {}
    host_labels: list[Word] = []
    announcer_labels: list[Word] = []
    moderator_labels: list[Word] = []
    reporter_labels: list[Word] = []
    soundbite_labels: list[Word] = []
    voxpop_labels: list[Word] = []
    role_labels: list[Word] = []
    questioner_labels: list[Word] = []
    answerer_labels: list[Word] = []
    audience_questioners: list[Word] = []
    press_events: list[Word] = []
    teasers: list[Word] = []
    transcript_headings: list[Word] = []
    music_labels: list[Word] = []
    segment_labels: list[Word] = []
    sound_labels: list[Word] = []
    direction_labels: list[Word] = []
    not_speakers: list[Word] = []
    music_cues: list[Word] = []
    stage_directions: list[Word] = []
    programme_intros: list[Word] = []
    self_introductions: list[Word] = []
    navigation: list[Word] = []
    navigation_prefixes: list[Word] = []
    furniture_patterns: list[Word] = []
    site_chrome: list[Word] = []
    tail_markers: list[Word] = []
    disclaimers: list[Word] = []
    date_words: list[Word] = []
    female_words: list[Word] = []
    male_words: list[Word] = []
    female_pronouns: list[Word] = []
    male_pronouns: list[Word] = []


def phrase(text: str) -> str:
    """A regex for a phrase as written: any run of spaces, either apostrophe."""
    parts = [re.escape(word) for word in text.split()]
    return re.sub("['’]", lambda _: APOS, r"\s+".join(parts))


def alternatives(phrases: Iterable[str]) -> str:
    """One regex group matching any of `phrases`, longest first."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "(?:" + "|".join(phrase(p) for p in unique) + ")" if unique else "(?!)"


def normal(text: str) -> str:
    """A line reduced for list lookups: lower case, one apostrophe, no edge punctuation."""
    text = " ".join(text.lower().replace("’", "'").split())
    return text.strip(" .:;,!|>»·•-–—*#")


class Words:
    """The merged lists and the patterns built from them."""

    def __init__(self, merged: WordFile, sources: Sequence[str]) -> None:
        self.sources = tuple(sources)
        self.lists = merged
        self.titles = frozenset(merged.titles)
        self.places = frozenset(merged.places)
        self.programme_words = frozenset(merged.programme_words)
        self.broadcasters = tuple(sorted(set(merged.broadcasters), key=lambda b: -len(b)))
        # words that are never part of a person's name (case matters for these)
        self.not_names = (
            frozenset(merged.not_names)
            | {w for p in merged.places for w in p.split()}
            | {w for b in merged.broadcasters for w in b.split()}
        )
        self.host_labels = frozenset(normal(x) for x in merged.host_labels)
        self.announcer_labels = frozenset(normal(x) for x in merged.announcer_labels)
        self.moderator_labels = frozenset(normal(x) for x in merged.moderator_labels)
        self.reporter_labels = frozenset(normal(x) for x in merged.reporter_labels)
        self.soundbite_labels = frozenset(normal(x) for x in merged.soundbite_labels)
        self.voxpop_labels = frozenset(normal(x) for x in merged.voxpop_labels)
        self.not_speakers = frozenset(normal(x) for x in merged.not_speakers)
        self.role_labels = frozenset(normal(x) for x in merged.role_labels)
        self.questioner_labels = frozenset(normal(x) for x in merged.questioner_labels)
        self.answerer_labels = frozenset(normal(x) for x in merged.answerer_labels)
        self.teaser = re.compile(rf"(?i)^(?P<word>{alternatives(merged.teasers)})\s*:(?=\s|$)")
        self.transcript_headings = frozenset(normal(x) for x in merged.transcript_headings)
        self.audience_questioners = frozenset(normal(x) for x in merged.audience_questioners)
        # "Questions from the congregation", "Listener questions", "Audience Q&A"
        audience = alternatives(merged.audience_questioners)
        # "Regular Press Conference", "Press Briefing": a page headed so is someone's briefing
        self.press_event = re.compile(rf"(?i)\b(?:{alternatives(merged.press_events)})\b")
        self.audience_questions = re.compile(
            rf"(?i)\bquestions?\s+from\s+(?:the\s+|our\s+)?{audience}\b"
            rf"|\b{audience}\s+(?:questions|q\s*&\s*a)\b"
        )
        self.music_labels = frozenset(normal(x) for x in merged.music_labels)
        self.segment_labels = frozenset(normal(x) for x in merged.segment_labels)
        self.sound_labels = frozenset(normal(x) for x in merged.sound_labels)
        self.direction_labels = frozenset(normal(x) for x in merged.direction_labels)
        self.navigation = frozenset(normal(x) for x in merged.navigation)
        self.publishers = frozenset(normal(x) for x in merged.publishers)
        self.tail_markers = frozenset(normal(x) for x in merged.tail_markers)
        self.date_words = frozenset(x.lower() for x in merged.date_words)
        self.audiences = dict(merged.audiences)
        self.music_cues = re.compile(rf"(?i)^{alternatives(merged.music_cues)}\b")
        self.stage_directions = re.compile(rf"(?i)^{alternatives(merged.stage_directions)}\b")
        self.furniture = _patterns("furniture_patterns", merged.furniture_patterns)
        self.site_chrome = _patterns("site_chrome", merged.site_chrome)
        self.navigation_prefixes = tuple(normal(x) or x.lower() for x in merged.navigation_prefixes)
        self.disclaimers = re.compile(rf"(?i){alternatives(merged.disclaimers)}")
        told = ["us", "reporters", *merged.broadcasters, *(f"the {b}" for b in merged.broadcasters)]
        self.say = alternatives(
            [*merged.say_verbs, *(f"{verb} {who}" for who in told for verb in ("told", "tells"))]
        )
        self.quote_verbs = alternatives(merged.quote_verbs)
        self.hand_over = alternatives(merged.hand_over_phrases)
        self.report_cues = alternatives(merged.report_cues)
        self.news_handovers = alternatives(merged.news_handovers)
        self.network_idents = alternatives(merged.network_idents)
        # "Prime Minister Trudeau:", "ADMINISTRATOR GRIFFIN:": an office in a speaker's label
        self.office_titles = re.compile(
            rf"(?i)(?<![\w-]){alternatives(merged.office_titles)}(?![\w-])"
        )
        self.own_events = re.compile(rf"(?i)(?<![\w-]){alternatives(merged.own_events)}(?![\w-])")
        # "Your hosts today are Jane Doe and John Roe", "our guest, John Roe": the nearest of
        # these before a name in the programme's opening bills them as a voice or a guest
        hosts = [*merged.host_labels, *(_plural(h) for h in merged.host_labels)]
        guests = [*merged.guest_words, *(_plural(g) for g in merged.guest_words)]
        self.billing = re.compile(
            rf"(?i)(?<![\w-])(?:(?P<host>{alternatives(hosts)})|(?P<guest>{alternatives(guests)}))"
            r"(?![\w-])"
        )
        # "Interview with Jane Doe", "An Evening with Jane Doe": a title's "with" naming a
        # guest (elsewhere, "Real Time with Jane Doe", it names the programme's host)
        self.guest_events = alternatives(merged.guest_events)
        guests_said = [*guests, *merged.guest_phrases]
        self.guest_heard = re.compile(rf"(?i)(?<![\w-]){alternatives(guests_said)}(?![\w-])")
        self.opener_words = alternatives(merged.programme_openers)
        # ("you are welcome to tune in" welcomes no one to the programme)
        self.programme_openers = re.compile(
            rf"(?i)(?<![\w-])(?<!are )(?<!re )(?<!’re )(?<!is )(?<!be )"
            rf"{alternatives(merged.programme_openers)}(?![\w-])"
        )
        nouns = [*merged.voxpop_nouns, *(_plural(n) for n in merged.voxpop_nouns)]
        self.voxpop_nouns = alternatives(nouns)
        self.programme_intros = alternatives(merged.programme_intros)
        self.self_introductions = alternatives(merged.self_introductions)
        self.broadcaster = re.compile(
            rf"(?<![\w-]){alternatives(merged.broadcasters)}(?![\w-])", re.IGNORECASE
        )

    def singular(self, noun: str) -> str:
        """'visitors' -> 'visitor', using the list's own words."""
        noun = " ".join(noun.split()).lower()
        for word in self.lists.voxpop_nouns:
            if noun in (word.lower(), _plural(word).lower()):
                return word.lower()
        return noun


def _plural(noun: str) -> str:
    if " of " in noun:  # member of the public -> members of the public
        head, _, tail = noun.partition(" of ")
        return f"{_plural(head)} of {tail}"
    if noun.endswith("-by"):  # passer-by -> passers-by
        return noun.replace("-by", "s-by")
    return noun + ("es" if noun.endswith(("s", "sh", "ch")) else "s")


def _package_file(name: str) -> tuple[WordFile, str]:
    text = files("broadcast_kit.importer.data").joinpath(name).read_text(encoding="utf-8")
    return WordFile.model_validate(yaml.safe_load(text) or {}), f"(package) {name}"


def _user_file(path: Path) -> WordFile:
    from broadcast_kit import loader  # file:line errors, as for show.yaml

    if not path.is_file():
        raise InputError(
            f"{loader.display(path)}: no such word-list file (from --words or {ENV});"
            " give a YAML file with lists such as places: [...]"
        )
    source = loader.parse_yaml(path)
    if source.data is None:
        return WordFile()
    result: WordFile = loader.validate(source, WordFile)
    return result


def _merge(parts: Iterable[WordFile]) -> WordFile:
    lists: dict[str, list[str]] = {}
    audiences: dict[str, str] = {}
    for part in parts:
        for name in WordFile.model_fields:
            value = getattr(part, name)
            if isinstance(value, dict):
                audiences.update(value)
            else:
                lists.setdefault(name, []).extend(value)
    return WordFile.model_validate({**lists, "audiences": audiences})


def env_files() -> list[Path]:
    """The word-list files named by BROADCAST_KIT_IMPORT_WORDS."""
    value = os.environ.get(ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


@cache
def _package() -> tuple[WordFile, ...]:
    return tuple(_package_file(name)[0] for name in PACKAGE_FILES)


def load_words(extra: Sequence[Path] = ()) -> Words:
    """The package's lists merged with the files in `extra`, then those in the variable."""
    paths = [*extra, *env_files()]
    if not paths:
        return default_words()
    return Words(
        _merge([*_package(), *(_user_file(p) for p in paths)]),
        [*PACKAGE_FILES, *(str(p) for p in paths)],
    )


@cache
def default_words() -> Words:
    """The package's lists alone (what the tests and library callers get by default)."""
    return Words(_merge(_package()), PACKAGE_FILES)


def _patterns(field: str, patterns: list[str]) -> list[re.Pattern[str]]:
    """A word list of regular expressions, compiled; a bad one is an error naming its list."""
    try:
        return [re.compile(p) for p in patterns]
    except re.error as exc:
        raise InputError(f"{field}: {exc.pattern!r} is not a regular expression ({exc})") from None

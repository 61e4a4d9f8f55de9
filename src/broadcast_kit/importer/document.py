"""The imported transcript as data: its stories (chapters) and paragraphs, with what the
header gave (title, date, programme) and what was set aside. `transcript.parse` builds it,
`header` fills in its title and date, `attribution` its speakers, `writer` writes it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from broadcast_kit.importer.labels import Label
from broadcast_kit.importer.page import Block
from broadcast_kit.importer.people import People, Person


@dataclass
class Paragraph:
    text: str
    line: int
    kind: str = "host"  # host, interview, voxpop, music (a music cue in the transcript)
    person: Person | None = None
    description: str | None = None  # voxpop: who speaks, as printed
    voice: str | None = None  # voxpop voice key
    label: Label | None = None  # the label on the page that opened it
    label_line: int = 0  # where that label stands
    cue: str | None = None  # music: the cue as written, "(SOUNDBITE OF MUSIC)"
    role: str | None = None  # music: intro, sting or outro
    one_line: bool = False  # part of a transcript that lost its paragraph breaks
    notes: list[str] = field(default_factory=list)  # comments; "check: ..." for guesses
    told: str | None = None  # captions marking no speaker: what in the words told this turn

    @property
    def spoken(self) -> bool:
        return self.kind != "music"


@dataclass
class Story:
    title: str
    line: int
    tag: str | None = None  # "[Interview]", or the number of a numbered title
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Transcript:
    title: str | None = None
    title_guessed: bool = False
    date: dt.date | None = None
    date_note: str | None = None  # how the date was found when it was a guess
    programme: str | None = None
    broadcaster: str | None = None
    stories: list[Story] = field(default_factory=list)
    dropped: list[Block] = field(default_factory=list)
    people: People = field(default_factory=People)
    cut_off: bool = False  # the last spoken paragraph stops mid-sentence
    captions: bool = False  # read from a caption file: paragraphs are the cues joined
    unmarked: bool = False  # captions that never mark a new speaker: turns are not told
    told_turns: int = 0  # captions that mark no speaker: turns their words told instead
    cue_lines: int = 0  # production cues written as lines ("SOUND: rain", "MUSIC: sting")
    sound_effects: int = 0  # (TRUCK PASSING), (HORN, BRAKES): capitals in brackets, not listed
    scenes: int = 0  # a script's stage directions: "(The Doctor sits up.)", above the text too
    above_labels: int = 0  # paragraphs of sentences above the first label, left out
    above_heading: int = 0  # paragraphs of sentences above a "Transcript" heading, left out
    summary: str | None = None  # the first of those: the page's standfirst
    header_lines: list[str] = field(default_factory=list)  # the page's lines above the text

    def episode_date(self, today: dt.date) -> tuple[dt.date, str | None]:
        """The episode's date and, when it is a guess, why: the one text that both the
        import's note and the episode file's `# check:` comment give."""
        if self.date is None:
            return today, "no date found on the page; this is today's, write the broadcast date"
        return self.date, self.date_note

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [p for s in self.stories for p in s.paragraphs]


def to_host_side(paragraphs: Iterable[Paragraph], person: Person, shown: str, why: str) -> None:
    """`person`'s paragraphs become the host side's, their notes naming them as `shown` ("the
    host", "co-host"), the first with a check giving `why`."""
    first = True
    for para in paragraphs:
        para.kind = "host"
        para.notes = [
            n.replace(f"{person.name}: ", f"{person.name} ({shown}): ", 1) for n in para.notes
        ]
        if first:
            para.notes.append(f"check: {person.name} taken as {shown}: {why}")
            first = False

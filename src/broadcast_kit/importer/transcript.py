"""The transcript's structure: header (title, date, programme), stories and paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from broadcast_kit.errors import InputError
from broadcast_kit.importer.dates import find_date, is_date_line
from broadcast_kit.importer.page import (
    COOKIE,
    FURNITURE,
    LABELLED,
    SENTENCE_END,
    TAGGED_HEADLINE,
    TAIL,
    Block,
    Page,
    blocks,
)
from broadcast_kit.importer.people import People, Person

# --- the transcript -----------------------------------------------------------------------


@dataclass
class Paragraph:
    text: str
    line: int
    kind: str = "host"  # host, interview, voxpop
    person: Person | None = None
    description: str | None = None  # voxpop: who speaks, as printed
    voice: str | None = None  # voxpop voice key
    notes: list[str] = field(default_factory=list)  # comments; "check: ..." for guesses


@dataclass
class Story:
    title: str
    line: int
    tag: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Transcript:
    title: str | None = None
    title_guessed: bool = False
    date: dt.date | None = None
    programme: str | None = None
    stories: list[Story] = field(default_factory=list)
    dropped: list[Block] = field(default_factory=list)
    people: People = field(default_factory=People)


def _is_furniture(text: str) -> bool:
    return FURNITURE.fullmatch(text) is not None or COOKIE.search(text) is not None


def _is_content(text: str, started: bool) -> bool:
    """Transcript text: sentences, or (once the transcript began) a long line of words."""
    if TAGGED_HEADLINE.match(text):
        return False
    words = len(text.split())
    if SENTENCE_END.search(text) or text.endswith(":"):
        return started or words >= 8
    return started and words >= 12 and not _is_headline(text)


def _is_headline(text: str) -> bool:
    if TAGGED_HEADLINE.match(text):
        return True
    words = text.split()
    if not 2 <= len(words) <= 16 or re.search(r"[.,;:]$", text) or not text[0].isupper():
        return False
    significant = [w for w in words if len(w) > 3]
    capitalized = [w for w in significant if w[0].isupper()]
    return bool(significant) and len(capitalized) >= 0.6 * len(significant)


def parse(page: Page) -> Transcript:
    """Header, stories and paragraphs of a transcript; furniture set aside in `dropped`."""
    result = Transcript()
    header: list[Block] = []
    started = False
    ended = False
    for block in blocks(page.text):
        text = block.text
        if ended:
            result.dropped.append(block)
            continue
        if _is_furniture(text):
            result.dropped.append(block)
            continue
        if started and TAIL.fullmatch(text):
            ended = True
            result.dropped.append(block)
            continue
        label = LABELLED.match(text)
        if label and not started:
            key, value = label.group(1).lower(), label.group(2).strip()
            if key in ("title", "headline"):
                result.title = value
            elif key in ("programme", "program", "show"):
                result.programme = value
            else:
                result.date = find_date(value)
            continue
        if not started and _is_content(text, started):
            started = True
            _read_header(result, header, page)
            result.stories.append(Story(result.title or "", block.line))
        if not started:
            header.append(block)
            continue
        if _is_content(text, started):
            result.stories[-1].paragraphs.append(Paragraph(text, block.line))
        elif _is_headline(text):
            match = TAGGED_HEADLINE.match(text)
            title = match.group("title").strip() if match else text
            tag = match.group("tag").strip() if match else None
            result.stories.append(Story(title, block.line, tag))
        else:
            result.dropped.append(block)
    if not started:
        raise InputError(
            "no transcript paragraphs found (sentences of 8 words or more ending with . ? or !);"
            " is this the programme's transcript page?"
        )
    result.dropped += [Block(s.title, s.line) for s in result.stories if not s.paragraphs]
    result.stories = [s for s in result.stories if s.paragraphs]
    result.dropped.sort(key=lambda b: b.line)
    return result


def _read_header(result: Transcript, header: list[Block], page: Page) -> None:
    """Title, date and programme from the lines above the first paragraph."""
    date_at = next((i for i, b in enumerate(header) if is_date_line(b.text)), None)
    if result.date is None and date_at is not None:
        result.date = find_date(header[date_at].text)
    candidates = [(i, b) for i, b in enumerate(header) if i != date_at and not is_date_line(b.text)]
    used: set[int] = set()
    if result.title is None:
        before = [(i, b) for i, b in candidates if date_at is not None and i < date_at]
        if page.h1:
            result.title = page.h1
            used |= {i for i, b in candidates if b.text == page.h1}
        elif before:
            index, block = before[-1]
            result.title, used = block.text, {index}
        elif candidates:
            index, block = max(candidates, key=lambda c: len(c[1].text))
            result.title, used, result.title_guessed = block.text, {index}, True
        elif page.page_title:
            result.title, result.title_guessed = re.split(r"\s+[|–—-]\s+", page.page_title)[0], True
    else:
        used |= {i for i, b in candidates if b.text == result.title}
    if result.programme is None and date_at is not None:
        after = [(i, b) for i, b in candidates if i > date_at and i not in used]
        if after and after[0][0] == date_at + 1:
            result.programme = after[0][1].text
            used.add(after[0][0])
    used |= {date_at} if date_at is not None else set()
    result.dropped.extend(b for i, b in enumerate(header) if i not in used)

"""The header of a transcript: its title, date, programme and broadcaster.

The title is a `Title:` field, the page's `<h1>`, the line just above the date, or (marked
as a guess) the longest header line; never a speaker label or tag. The date comes from a
date line (`2012-09-06`, `July 25,2013`, `입력 2017.08.08 (15:02)`), else (a guess) from any
header line; when there is none the writer says so. The programme is a `Programme:` field,
a line such as "Heard on X", the line below the date, or a header line the host names in
"Welcome to X"; the broadcaster is the first of the word list's broadcasters on the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from broadcast_kit.importer.dates import find_date, is_date_line
from broadcast_kit.importer.page import SENTENCE_END, Block, Page, short
from broadcast_kit.importer.transcript import Transcript
from broadcast_kit.importer.words import Words, normal

# a capitalised name as programmes are written: "Let's Speak Daily English", "Open Air"
_NAME = r"[A-Z][\w’'&-]*(?:\s+(?:of|and|the|for|&|[A-Z0-9][\w’'&-]*))*"


_DANGLING = frozenset(
    {"by", "of", "the", "a", "an", "and", "with", "for", "to", "from", "in", "on"}
)
_BULLET = re.compile(r"^\s*(?:[•·▪►*–—-]|\d+[.)])\s")
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—]|-|::?)\s+")


def _not_a_title(text: str, words: Words) -> bool:
    """A header line that is never the episode's title: the publisher's or broadcaster's
    name, a bullet item, a label, a link row, the word "Transcript"."""
    key = normal(text)
    if _BULLET.match(text) or key in words.navigation or key.startswith("transcript of "):
        return not key.startswith("transcript of ") or len(key.split()) <= 5
    if words.broadcaster.fullmatch(text.strip()) or key in words.not_speakers:
        return True
    return text.rstrip().endswith(":") or len(text.split()) > 40


def _headline_like(text: str) -> bool:
    """A headline: a short line of words without a closing full stop (any capitals)."""
    words = text.split()
    first = text.lstrip("\"“‘'")[:1]
    if not words or words[-1].lower() in _DANGLING:  # "Sermon Preached by": the line goes on
        return False
    return (
        2 <= len(words) <= 30
        and not re.search(r"[.,;]$", text)
        and (first.isupper() or first.isdigit())
    )


def without_publisher(title: str, words: Words) -> str:
    """ "Headline | Site", "Headline – Washington Post": the headline alone."""
    title = re.sub(r"^\d{1,4}:\s+(?=\S)", "", title)  # "500: 500!": an episode number
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    tail = parts[-1].strip()
    if " | " in title and len(tail.split()) <= 5:
        return title[: title.rindex(" | ")].strip()
    if words.broadcaster.fullmatch(tail) or normal(tail) in words.publishers:
        return title[: title.rindex(tail)].rstrip(" |–—-:").strip()
    return title


def _repeated(titles: list[tuple[int, Block]], lines: list[str]) -> tuple[int, Block] | None:
    """A header line that the page prints again (the headline above the text and in the
    page's own header, or at the head of a "Headline : Programme" line)."""
    for index, block in titles:
        text = block.text
        if not _headline_like(text) or len(text.split()) < 3:
            continue
        again = sum(1 for line in lines if line == text or line.startswith(text + " : "))
        if again >= 2:
            return index, block
    return None


def read_header(
    result: Transcript,
    header: list[Block],
    page: Page,
    words: Words,
    all_lines: list[str] | None = None,
) -> None:
    """Title, date and programme from the lines above the first paragraph (`all_lines`: the
    page's lines, to find the headline printed twice)."""
    all_lines = all_lines if all_lines is not None else [b.text for b in header]
    date_at = next((i for i, b in enumerate(header) if is_date_line(b.text, words)), None)
    if result.date is None and date_at is not None:
        result.date = find_date(header[date_at].text)
    if result.date is None:
        for block in header:
            if (found := find_date(block.text)) is not None:
                result.date = found
                result.date_note = f"read from “{short(block.text, 50)}”"
                break
    candidates = [
        (i, b) for i, b in enumerate(header) if i != date_at and not is_date_line(b.text, words)
    ]
    used: set[int] = set()
    intro = re.compile(rf"(?i)^{words.programme_intros}\s+(?P<name>\S.*)$")
    if result.programme is None:
        for i, block in candidates:
            match = intro.match(block.text)
            if match and not SENTENCE_END.search(block.text):
                result.programme, used = match.group("name").strip(), used | {i}
                break
    candidates = [(i, b) for i, b in candidates if i not in used]
    if result.title is None:
        h1 = page.h1 if page.h1 and not _not_a_title(page.h1, words) else None
        titles = [(i, b) for i, b in candidates if not _not_a_title(b.text, words)]
        before = [(i, b) for i, b in titles if date_at is not None and i < date_at]
        repeated = _repeated(titles, all_lines)
        headlines = [(i, b) for i, b in titles if _headline_like(b.text)]
        if h1:
            result.title = h1
            used |= {i for i, b in candidates if b.text == h1}
        elif before and _headline_like(before[-1][1].text):
            index, block = before[-1]
            result.title, used = without_publisher(block.text, words), used | {index}
        elif repeated is not None:
            index, block = repeated
            result.title, used = without_publisher(block.text, words), used | {index}
            used |= {i for i, b in candidates if b.text == block.text}
        elif headlines:
            longer = [h for h in headlines if len(h[1].text.split()) >= 3]
            index, block = longer[0] if longer else headlines[0]
            result.title, used = without_publisher(block.text, words), used | {index}
            result.title_guessed = len(headlines) > 1 and date_at is None
        elif before:
            index, block = before[-1]
            result.title, used = block.text, used | {index}
        elif candidates:
            index, block = max(candidates, key=lambda c: len(c[1].text))
            result.title, used, result.title_guessed = block.text, used | {index}, True
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


def find_programme(result: Transcript, header: Sequence[Block], words: Words) -> None:
    """The programme named in the text ("Welcome to X", "This is X"): a header line, or a
    name with a programme word. Its name is never taken for a person's."""
    intro = re.compile(rf"(?:^|(?<=[\s,.!?]))(?i:{words.programme_intros})\s+(?P<name>{_NAME})")
    lines = {b.text for b in header} | {b.text for b in result.dropped}
    for para in result.paragraphs:
        for match in intro.finditer(para.text):
            name = re.sub(r"(?:\s+(?:of|and|the|for|&))+$", "", match.group("name")).rstrip(".")
            known = name in lines or any(w in words.programme_words for w in name.split())
            if known and result.programme is None:
                result.programme = name
            if known:
                result.people.not_people.add(name)
    if result.programme:
        result.people.not_people.add(result.programme)


def find_broadcaster(page: Page, blocks: Sequence[Block], words: Words) -> str | None:
    """The broadcaster whose name the page's title, header or furniture carries."""
    texts = [page.page_title or "", *(b.text for b in blocks)]
    for text in texts:
        match = words.broadcaster.search(text)
        if match is not None:
            found = " ".join(match.group(0).split())
            return next((b for b in words.broadcasters if b.lower() == found.lower()), found)
    return None

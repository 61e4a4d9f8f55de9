"""The transcript's structure: header, stories and paragraphs, with labels and cues attached.

Blocks before the first paragraph are the header (title, date, programme: see `header`).
A headline (`[Interview] ...`, `2. Concert Accidents`, a capitalised line) starts a story
(chapter). A label opens the paragraph it stands in, or the next one when it stands alone;
music cues become music items in place; stage directions, furniture, disclaimers and the
site's tail are set aside in `dropped`. Once the transcript has begun every other block is
spoken, even one cut off mid-sentence: no word of the page is lost.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace

from broadcast_kit.errors import InputError
from broadcast_kit.importer.dates import find_date, is_date_line
from broadcast_kit.importer.document import Paragraph, Story, Transcript
from broadcast_kit.importer.header import (
    find_broadcaster,
    find_programme,
    heading_title,
    is_name_field,
    read_header,
)
from broadcast_kit.importer.labels import (
    Label,
    LabelReader,
    with_page_label_syntax,
    without_long_titles,
)
from broadcast_kit.importer.page import (
    LABELLED,
    MARKDOWN_SECTION,
    NUMBERED_HEADLINE,
    SENTENCE_END,
    TAGGED_HEADLINE,
    Block,
    Page,
    blocks,
    front_matter,
    is_disclaimer,
    is_furniture,
    is_headline,
    is_page_line,
    is_tail,
    link_between_turns,
    link_cards,
    loose_lines,
    prefixed_entries,
    tail_run,
)
from broadcast_kit.importer.people import People
from broadcast_kit.importer.words import Words, normal

# a line that is only a voice introducing itself: "Hey, I'm Jane Doe.", "And I'm John Roe."
_HOST_OPENING = re.compile(
    r"(?:(?:Hey|Hi|Hello|And|Good (?:morning|evening|afternoon)),?\s+)?I['’]m\s+"
    r"[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,2}\s*[.!]"
)
# a paragraph from a line this long, on a page of a few lines, lost its paragraph breaks
ONE_LINE = 600


def is_content(text: str, started: bool) -> bool:
    """Transcript text: sentences, or (once the transcript began) a long line of words."""
    if TAGGED_HEADLINE.match(text) or NUMBERED_HEADLINE.match(text):
        return False
    words = len(text.split())
    if not started and words <= 12 and re.fullmatch(r"[^.!?]+[!?]", text):
        return False  # "Making the Podcast: We secured our first guest!" above the text
    if SENTENCE_END.search(text) or text.endswith(":"):
        return started or words >= 8
    if words >= 30 and SENTENCE_END.search(text.split(". ")[0] + "."):
        return True  # a long run of sentences whose end the page cut off
    return started and words >= 12 and not is_headline(text)


def parse(page: Page, words: Words) -> Transcript:
    """Header, stories and paragraphs of a transcript; furniture set aside in `dropped`."""
    if not page.captions:
        text = without_long_titles(with_page_label_syntax(page.text, words), words)
        page = replace(page, text=text)
    reader = LabelReader(words, page.text, page.speakers)
    result = Transcript(
        people=People(words),
        captions=page.captions,
        unmarked=page.captions and not page.speaker_marks,
        told_turns=len(page.told_turns),
    )
    header: list[Block] = []
    started = ended = series = False
    waiting: tuple[Label, int] | None = None  # a label on a line of its own
    lines = [line for line in page.text.splitlines() if line.strip()]
    page_lines = [" ".join(line.split()) for line in lines]
    found = blocks(page.text, reader, captions=page.captions)
    label_driven = _label_driven(found, reader)
    notes_end = _notes_above_labels(found, reader, words)
    below = _transcript_heading(found, words)
    cards = link_cards(found)
    entries = prefixed_entries(found, words)  # "Note - ..." again and again: the page's text
    captions = set() if page.captions else loose_lines(found, reader)
    front = front_matter(found)
    for index, block in enumerate(found):
        text = block.text
        summary = index < below and not _headline_over_date(found, block)
        if not started and summary and is_content(text, False):
            result.dropped.append(block)  # the page's summary above its "Transcript" heading
            result.above_heading += 1
            result.summary = result.summary or text
            continue
        furniture = is_furniture(text, words) and index not in entries
        if ended or furniture or is_disclaimer(text, words):
            result.dropped.append(block)
            continue
        if index <= front and not LABELLED.match(text):  # a document's metadata, not its text
            result.dropped.append(block)
            continue
        if index in cards:  # a link to another story: never the transcript's start or words
            result.dropped.append(block)
            continue
        if started and is_tail(text, words):
            ended = True
            result.dropped.append(block)
            continue
        # ": Good morning." on a page of labels: a label whose name the page lost
        nameless = label_driven and re.match(r":\s+(?=\S)", text) is not None
        if nameless:
            text = text.split(":", 1)[1].strip()
        label, rest = reader.split(text)
        if label is not None and label.role == "stage direction":
            result.scenes += 1
        if label is not None and label.role == "cue line":  # above the first turn too
            result.cue_lines += 1
        field_match = LABELLED.match(text)
        # "Host: Ann Lee" above the headline: the programme's field, not a turn
        role_only = label is not None and label.spoken and label.name is None
        if not started and role_only and is_name_field(rest, words):
            result.dropped.append(block)
            continue
        if field_match and not started and label is None:
            key, value = field_match.group(1).lower(), field_match.group(2).strip()
            if key in ("title", "headline"):  # (a YAML field's quotation marks go)
                result.title = re.sub(r"^([\"'“])(.+)[\"'”]$", r"\2", value)
            elif key == "series":  # "Series: X" above or below "Show: Y": Y is the episode
                if result.programme is not None and result.title is None:
                    result.title = result.programme
                result.programme, series = value, True
            elif key in ("programme", "program", "show"):
                if series and result.title is None:
                    result.title = value
                else:
                    result.programme = value
            else:
                result.date = find_date(re.sub(r"(\d)(?=[^\W\d_])", r"\1 ", value))
                if result.date is None:
                    result.dropped.append(block)
            continue
        opens = label is not None and label.kind in ("host", "speaker", "reporter", "voxpop")
        content = is_content(text, False) and not label_driven  # a page of labels starts at one
        content = content and not _headline_over_date(found, block)
        # "Hey, I'm Jane Doe." / "And I'm John Roe.": the hosts' opening above the first label
        content = content or (label_driven and _HOST_OPENING.fullmatch(text) is not None)
        content = content or nameless
        # a caption's sentence, however short, is spoken: the file's header stands above its
        # first cue ("Good evening from the quay." is no title)
        content = content or (
            page.captions and block.line > page.cues_from and SENTENCE_END.search(text) is not None
        )
        # the transcript begins right below its "Transcript" heading, short lines and all
        # (a page of labels begins at its first label)
        below_heading = 0 < below < index and (not label_driven or is_content(text, False))
        content = content or (
            below_heading and not is_headline(text) and not is_date_line(text, words)
        )
        # above a "Transcript" heading nothing starts the transcript: a name alone there is
        # the page's headline or byline, not a speaker's label; nor in the show notes above
        # the first voice that speaks again and again
        if not started and (index < below or index < notes_end):
            if index >= below and is_content(text, False):
                result.above_labels += 1
                result.summary = result.summary or text
                result.dropped.append(block)
            else:
                header.append(block)
            continue
        if not started and (opens or (label and label.kind == "music") or content):
            started = True
            first_title, first_tag = _story_title(header)
            result.header_lines = [b.text for b in header]
            read_header(result, header, page, words, page_lines)
            result.stories.append(Story(first_title or result.title or "", block.line, first_tag))
        if not started:
            if label_driven and is_content(text, False):
                result.above_labels += 1
                result.summary = result.summary or text
            # below a "Transcript" heading whose page summary was left out above it, the
            # lines are the programme's (a jingle, a player's line), never the page's title
            after_heading = result.above_heading > 0 and index > below
            (result.dropped if label is not None or after_heading else header).append(block)
            continue
        story = result.stories[-1]
        if label is not None and label.role == "sound effect":
            result.sound_effects += 1
        if label is not None and label.kind == "direction":
            result.dropped.append(block)
        elif label is not None and label.kind == "music":
            story.paragraphs.append(Paragraph(text, block.line, kind="music", cue=text))
        elif label is not None and not rest:
            waiting = (label, block.line)
        elif label is not None:
            para = Paragraph(rest, block.line, label=label, label_line=block.line)
            # captions that mark no speaker: the label is the import's, told by their words
            para.told = next((why for head, why in page.told_turns if rest.startswith(head)), None)
            story.paragraphs.append(para)
        elif waiting is None and text in result.header_lines and not _spoken_before(story):
            result.dropped.append(block)  # a header line printed again, above the text
        elif waiting is None and index in captions:
            result.dropped.append(block)  # a photo's caption between punctuated paragraphs
        elif is_content(text, started) or not is_headline(text) or waiting is not None:
            para = Paragraph(text, block.line)
            para.one_line = len(text) >= ONE_LINE and len(lines) <= 3
            if waiting is not None:
                para.label, para.label_line = waiting
                waiting = None
            if nameless:
                para.notes.append("check: its label has no name on the page (“: ...”); who speaks?")
            story.paragraphs.append(para)
        elif result.title and text == result.title and not _spoken_before(story):
            result.dropped.append(block)  # the page's title again, above the transcript
        else:
            match = TAGGED_HEADLINE.match(text) or NUMBERED_HEADLINE.match(text)
            title = match.group("title").strip() if match else MARKDOWN_SECTION.sub("", text)
            tag = _tag(match) if match is not None else None
            result.stories.append(Story(title, block.line, tag))
    if not any(p.spoken for s in result.stories for p in s.paragraphs):
        _read_every_line(result, page, reader, words, page_lines)
    _drop_repeats(result)
    _drop_tail_run(result, words)
    heading_title(result, words)
    for para in result.paragraphs:  # "Tonight: ..." is a teaser, not a speaker's label
        if para.spoken and (teaser := words.teaser.match(para.text)) is not None:
            rest = para.text[teaser.end() :].strip()
            para.text = f"{teaser.group('word')}{',' if rest else '.'} {rest}".strip()
    result.dropped += [Block(s.title, s.line) for s in result.stories if not s.paragraphs]
    result.stories = [s for s in result.stories if s.paragraphs]
    result.dropped.sort(key=lambda b: b.line)
    spoken = [p for p in result.paragraphs if p.spoken]
    result.cut_off = bool(spoken) and SENTENCE_END.search(spoken[-1].text) is None
    find_programme(result, header, words)
    result.broadcaster = find_broadcaster(page, header + result.dropped, words)
    return result


# a Markdown heading ("## Opening") and a list item's mark ("- ", "* ", "• ", "3. ", "b) ")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*#*$")
_LIST_MARK = re.compile(r"^(?:[-*+•·▪◦‣>–—]|\d{1,3}[.)]|[a-z][.)])\s+")


def _read_every_line(
    result: Transcript, page: Page, reader: LabelReader, words: Words, page_lines: list[str]
) -> None:
    """A page with words but no sentence or label to start a transcript at (notes, a list
    of points, headings, a few short lines): every line with words is the host's, headings
    are chapters, and the first part says `check:`. Only a page with nothing to say (no
    words, or only furniture, cues and bare labels) is refused."""
    result.stories, result.dropped = [], []
    header: list[Block] = []
    for number, line in enumerate(page.text.split("\n"), 1):
        text = " ".join(line.split())
        if not re.search(r"[^\W\d_]", text):
            continue
        heading = _MARKDOWN_HEADING.match(text)
        listed = heading is None and _LIST_MARK.match(text) is not None  # an item: words
        text = _LIST_MARK.sub("", heading["text"] if heading else text).strip()
        if not text:
            continue
        if is_furniture(text, words) or is_disclaimer(text, words):  # (a list's item is not)
            result.dropped.append(Block(text, number))
            continue
        label, rest = reader.split(text)
        if label is not None and (not label.spoken or not rest):
            result.dropped.append(Block(text, number))  # a cue, a label with no words
            continue
        first = not result.stories and not header
        if heading is not None or (
            first and not listed and text[:1].isupper() and _title_like(text)
        ):
            if first:
                header.append(Block(text, number))  # the page's heading: its title
            else:
                result.stories.append(Story(text, number))
            continue
        if not result.stories:
            result.stories.append(Story(header[0].text if header else "", number))
        para = Paragraph(rest if label is not None else text, number, label=label)
        para.label_line = number if label is not None else 0
        result.stories[-1].paragraphs.append(para)
    if not any(s.paragraphs for s in result.stories):
        raise InputError(
            "no transcript paragraphs found: no words to speak, only page furniture, cues or"
            " labels without words; is this the programme's transcript page?"
        )
    result.header_lines = [b.text for b in header]
    read_header(result, header, page, words, page_lines)
    opening = next(p for s in result.stories for p in s.paragraphs)
    opening.notes.append(
        "check: no sentences or speaker labels found, so every line with words is read as"
        " the host's (headings as chapters): is this the programme's transcript?"
    )


def _title_like(text: str) -> bool:
    """A short line without a sentence's end: a heading."""
    return len(text.split()) <= 12 and SENTENCE_END.search(text) is None


def _headline_over_date(found: list[Block], block: Block) -> bool:
    """The page's first line, a question or a sentence, above a line that opens with its date
    ("Episode Date: August 30, 2024"): the page's headline, not the programme's words."""
    if block is not found[0] or len(found) < 2 or len(block.text.split()) > 30:
        return False
    below = found[1].text
    opening = re.match(r"(?i)^(?:[a-z]+\s+){0,2}date\s*:\s*", below)
    if opening is None:
        return False
    start = re.sub(r"(\d)(?=[^\W\d_])", r"\1 ", below[opening.end() : opening.end() + 30])
    return find_date(start) is not None  # "August 30, 2024Confused by ...": the summary glued on


def _transcript_heading(found: list[Block], words: Words) -> int:
    """The index of a "Transcript" heading with the transcript below it (its summary, show
    notes and description above it are the page's), or 0 when there is none. Past the
    page's first two thirds, the text below it must be longer than the text above it."""
    for index, block in enumerate(found):
        key = normal(block.text)
        # "Video transcript", "Interview transcript": a short heading naming the transcript
        if key in words.transcript_headings or re.fullmatch(r"(?:[a-z]+\s+){1,2}transcript", key):
            after = [b for b in found[index + 1 :] if is_content(b.text, False)]
            longer = sum(len(b.text.split()) for b in found[index + 1 :]) > sum(
                len(b.text.split()) for b in found[:index]
            )
            early = index < 2 * len(found) // 3
            return index if len(after) >= 3 and (early or longer) else 0
    return 0


def _label_driven(found: list[Block], reader: LabelReader) -> bool:
    """A page whose turns are labelled in capitals or by role (NAME:, HOST:, [Anchor]): its
    transcript starts at the first label, and the text above it is the page's (summary,
    guest list, links), not the programme's."""
    turns = 0
    named: list[str] = []  # "Tavis:", "Dick Cavett:": names as written, turn after turn
    for block in found:
        label, _ = reader.split(block.text)
        if (
            label is None
            or not label.spoken
            or label.quote
            or is_furniture(block.text, reader.words)
        ):
            continue  # ("PDF: https://...": a link in the page's furniture, no turn)
        numbered = re.match(r"(?i)speaker\s*\d", label.written) is not None  # "Speaker 2:"
        if (
            label.kind == "host"
            or label.by_role
            or numbered
            or re.search(r"\b[A-Z]{2,}", label.written)
        ):
            turns += 1
        elif label.name:
            named.append(label.name)
    # names as written drive the page too in a long exchange (a short dialogue may be a
    # lesson's example inside the host's words)
    return turns >= 2 or (len(named) >= 8 and len(set(named)) >= 2)


def _notes_above_labels(found: list[Block], reader: LabelReader, words: Words) -> int:
    """The index of the first turn of a voice labelled again and again, when the blocks
    above it are show notes (headings in capitals, links, addresses, "Support the show",
    short lines: most are not sentences), else 0: evidence from the page that the lines above
    the first voice are the page's, not the programme's."""
    names: dict[str, list[int]] = {}
    for index, block in enumerate(found):
        label = reader.split(block.text)[0]
        if label is not None and label.spoken and not label.quote:
            names.setdefault(label.written.lower(), []).append(index)
    recurring = sorted(at[0] for at in names.values() if len(at) >= 2)
    if not recurring or recurring[0] < 6 or sum(len(at) for at in names.values()) < 4:
        return 0
    above = [b.text for b in found[: recurring[0]]]
    notes = sum(1 for text in above if is_page_line(text, words))
    # a turn above it with words of a sentence: the programme has begun (an answer, a clip)
    spoken = any(
        (split := reader.split(text))[0] is not None and not is_page_line(split[1], words)
        for text in above
    )
    links = sum(1 for text in above if _LINK_LINE.search(text))
    return recurring[0] if notes >= 0.7 * len(above) and links >= 2 and not spoken else 0


_LINK_LINE = re.compile(r"(?i)https?://|www\.\S")


def _story_title(header: list[Block]) -> tuple[str | None, str | None]:
    """The first story's own title and tag: a tagged or numbered headline just above."""
    if not header:
        return None, None
    match = TAGGED_HEADLINE.match(header[-1].text) or NUMBERED_HEADLINE.match(header[-1].text)
    if match is None:
        return None, None
    header.pop()
    return match.group("title").strip(), _tag(match)


def _tag(match: re.Match[str]) -> str:
    return match.groupdict().get("tag") or f"{match.group('number')}."


def _spoken_before(story: Story) -> bool:
    """Whether the story has more than a short summary before the title repeats."""
    return len([p for p in story.paragraphs if p.spoken]) > 2


def _drop_tail_run(result: Transcript, words: Words) -> None:
    """The site's short lines below the last turn (page.tail_run) go with the dropped; a
    story left with no paragraph goes too (its title was a link's words)."""
    spoken = [p for p in result.paragraphs if p.spoken]
    # (a heading read as a new story's title, with only such lines below it, is one too;
    # not a name in a heading of its own, "#### ARCHIVIST", labelling the words below it)
    furniture = sorted(
        [b.line for b in result.dropped if is_furniture(b.text, words)]
        + [s.line for s in result.stories[1:] if len(s.title.split()) >= 4]
    )
    below = [
        bisect.bisect_left(furniture, para.line) > bisect.bisect_left(furniture, before.line)
        for before, para in itertools.pairwise([Paragraph("", -1), *spoken])
    ]
    texts, labelled = [p.text for p in spoken], [p.label is not None for p in spoken]
    run = tail_run(texts, labelled, words, below)
    links = link_between_turns(texts, labelled, words)
    for para in [p for at, p in enumerate(spoken) if at in links] + spoken[len(spoken) - run :]:
        story = next(s for s in result.stories if para in s.paragraphs)
        story.paragraphs.remove(para)
        result.dropped.append(Block(para.text, para.line))


def _drop_repeats(result: Transcript) -> None:
    """A paragraph printed twice is spoken once. Above a repeated title it is the page's
    summary: the copy below the title is the transcript's."""
    seen: dict[str, tuple[Story, Paragraph]] = {}
    # the lines where the title stands again, set aside (looked up, not scanned, per repeat)
    titles = sorted(b.line for b in result.dropped if b.text == result.title)
    gone: set[int] = set()  # the copies left out, by identity
    for story in result.stories:
        for para in list(story.paragraphs):
            if not para.spoken or para.label is not None:
                continue
            first = seen.get(para.text)
            if first is None:
                seen[para.text] = (story, para)
                continue
            earlier_story, earlier = first
            at = bisect.bisect_right(titles, earlier.line)
            title_between = at < len(titles) and titles[at] < para.line
            keep, drop = (para, earlier) if title_between else (earlier, para)
            gone.add(id(drop))  # (taken out below, each story once: not a search per repeat)
            result.dropped.append(Block(drop.text, drop.line))
            if drop.text == result.title:
                bisect.insort(titles, drop.line)
            seen[para.text] = (story if keep is para else earlier_story, keep)
    if gone:
        for story in result.stories:
            story.paragraphs = [p for p in story.paragraphs if id(p) not in gone]

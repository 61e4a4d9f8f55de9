"""The header of a transcript: its title, date, programme and broadcaster.

The title is a `Title:` field, the page's `<h1>`, or the header line with the most evidence
of a headline (`_title_scores`: its shape, a dateline or byline below it, the page printing
it again), never the site's own lines (links, logos, ratings, its name: `is_site_chrome`
and the word lists' `site_chrome`; letterheads, address lines, a field's value, rows of
facts), a speaker label or tag; a title the import is unsure of is marked `check:`.
"Headline | Site", "Transcript: ...", quotation marks around it, a file's code, "- full
transcript" and "Season 1, Episode 3 -" are cut (`clean_title`). An episode named by its
date stands below its number; a page whose header is only its date line is titled by that
line. A caption file's title is its `WEBVTT - Title` line or a bracketed first line; with
none the writer uses the file's name. The date comes from a date line (`2012-09-06`, `July
25,2013`, `입력 2017.08.08 (15:02)`), else (a guess) from any header line; when there is none
the writer says so. The programme is a `Programme:` field, a line such as "Heard on X", the
line below the date, or a header line the host names in "Welcome to X"; the broadcaster is
the first of the word list's broadcasters on the page.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from broadcast_kit.importer.dates import find_date, is_date_line, split_at_date
from broadcast_kit.importer.document import Transcript
from broadcast_kit.importer.page import (
    MARKDOWN_SECTION,
    SENTENCE_END,
    Block,
    Page,
    is_headline,
    short,
)
from broadcast_kit.importer.words import Words, normal

# a capitalised name as programmes are written: "Let's Speak Daily English", "Open Air"
_NAME = r"[A-Z][\w’'&-]*(?:\s+(?:of|and|the|for|&|[A-Z0-9][\w’'&-]*))*"


MAX_TITLE_LINES = 60  # header lines weighed as the title: a headline is near the top

# a last word that leaves the line unfinished: "Sermon Preached by", a link's "View our"
_DANGLING = frozenset(
    {"by", "of", "the", "a", "an", "and", "with", "for", "to", "from", "in", "on", "our", "your"}
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
    first = re.sub(r"^#(?=\w)", "", text.lstrip("\"“‘'"))[:1]  # "#42: Title", "#TideTalk: ..."

    # "Sermon Preached by": the line goes on ("Q & A" ends in a letter, not an article)
    if not words or (words[-1].lower() in _DANGLING and words[-1] != "A"):
        return False
    if words[-1] == "at":  # "Email the show at" (an address lost), not "Where It's At"
        return False
    return (
        2 <= len(words) <= 30
        and not re.search(r"[.,;]$", text)
        and (first.isupper() or first.isdigit())
    )


def _sentence_shaped(text: str) -> bool:
    """A long line in sentence case: a summary or a site's description, not a headline
    (a headline of thirteen words or more capitalises a quarter of them or more)."""
    words = text.split()
    capitals = sum(1 for w in words[1:] if w.lstrip("\"“‘'(")[:1].isupper())
    return len(words) >= 13 and capitals < len(words) / 4


def _numbered_shape(line: str) -> str:
    """A line with its numbers masked: "Female Interview 8" and "Female Interview 2" alike."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _series(lines: Sequence[str]) -> Counter[str]:
    """How many different lines the page numbers in each series ("Interview 2", "Interview
    7": lines numbered alike head the page's parts)."""
    return Counter(_numbered_shape(line) for line in set(lines) if re.search(r"\d", line))


def _in_series(text: str, series: Counter[str]) -> bool:
    return re.search(r"\d", text) is not None and series[_numbered_shape(text)] >= 3


def _section_levels(lines: Sequence[str]) -> Counter[int]:
    """How many lines head each markdown level ("# Introduction", "# Overview": 2 at level 1);
    a level used twice or more names sections, not the document."""
    levels = Counter(len(m.group("level")) for line in lines if (m := MARKDOWN_SECTION.match(line)))
    levels[0] = 0  # a line in bold is no section heading
    return levels


def _section(text: str, levels: Counter[int]) -> bool:
    found = MARKDOWN_SECTION.match(text)
    return found is not None and levels[len(found.group("level"))] >= 2


def _prose(text: str) -> bool:
    """A line of running text, never a title even when nothing better is there: it starts in
    lower case ("welcome in Maori, thank the volunteers"), or it is long and stops at a comma
    or semicolon, or it is a markdown section's heading."""
    text = MARKDOWN_SECTION.sub("", text).strip()
    first = text.lstrip("\"“‘'([")[:1]
    long = len(text.split()) >= 12
    # (or it holds a sentence's end and the next one's start: "... at dusk. It is ...")
    ends = re.search(r"[,;:]$", text) is not None
    ends = ends or re.search(r"[a-z]{3}[.!?]\s+[A-Z]", text) is not None
    return first.islower() or (long and ends)


def _is_publisher(text: str, words: Words) -> bool:
    return bool(words.broadcaster.fullmatch(text.strip())) or normal(text) in words.publishers


def without_publisher(title: str, words: Words) -> str:
    """ "Headline | Site", "Headline – Washington Post": the headline alone."""
    title = re.sub(r"^\d{1,4}:\s+(?=\S)", "", title)  # "500: 500!": an episode number
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    tail = parts[-1].strip()
    # "Podcast on Spotify", "Episode on Apple Podcasts": the platform the page is on
    platform = re.sub(r"(?i)^(?:the\s+)?(?:podcast|episode|show)\s+on\s+", "", tail)
    if " | " in title and len(tail.split()) <= 5:
        return title[: title.rindex(" | ")].strip()
    domain = re.fullmatch(
        r"(?i)(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|co|org|net|io|fm|tv|uk|au)", tail
    )
    if words.broadcaster.fullmatch(tail) or normal(platform) in words.publishers or domain:
        head = title[: title.rindex(tail)].rstrip(" |–—-:").strip()
        # "Episode – Show – Podcast on Spotify", "Episode - Show - Apple Podcasts": the show's
        # name goes too
        if platform != tail or (len(parts) >= 3 and normal(tail) in words.publishers):
            head = re.sub(r"\s+[|–—-]\s+[^|–—-]+$", "", head)
        return head
    return title


# "By Jane Doe, Reporter", "Transcribed & Edited by ...", "Sermon Preached by"; not "By the Sea"
_BYLINE = re.compile(
    r"^(?:[Bb][Yy]\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&))*\s*(?:[,|–-].*)?$"
    r"|(?i:(?:\w+\s+)?(?:(?:transcribed|edited|produced|written|posted|reported|preached"
    r"|presented|hosted|read|directed|compiled)\s*(?:&|and|,)?\s*)+by\b))"
)
_SITE_NOUN = re.compile(
    r"(?i)\b(?:news|radio|tv|media|network|online|times|post|magazine|daily|press|gazette|herald"
    r"|tribune|journal|chronicle|broadcasting|podcasts?|fm|review|weekly|blog|archives?|library"
    r"|channel|hub|digest|wire)$"
)
# "Ann Lee, Coast Radio", "Ann Lee | Reporter": an author's name and outlet above the date
# (not a place's: "Harbour Town, CA")
_AUTHOR_LINE = re.compile(
    r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*[,|–—-]\s*[A-Z][^.!?,|]{0,40}[a-z][^.!?,|]*$"
)
_NAME_LINE = re.compile(r"(?:[A-Z][\w.'’-]*\s*){1,6}$")  # "The Rev. Dr. Ann Lee": a name alone
_COLLECTION = re.compile(r"(?i)\btranscripts\b")  # "Transcripts from the Prime Ministers"
# a headline that carries its own date: "Briefing - March 8, 2018", "Show, 6/4/2015"
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_IN = re.compile(
    rf"(?i)\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})\b"
)
_CLOCK = re.compile(r"(?i)^\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?$")  # 2:46 p.m. EST
# "Doctor Who S11 • Episode 5", "Season 2, Episode 3": the episode's number above its title
_EPISODE_NUMBER = re.compile(r"(?i)\b(?:episode|ep\.?)\s*\d+$")
_CRUMB_SEPARATOR = re.compile(r"\s[>›»]\s|:\s")
# "Issues: 2015 Year End Awards", "Episode: The Long Night": the field that names the episode
_EPISODE_FIELD = re.compile(r"(?i)^(?:issues?|episode(?:\s+title)?|segment)\s*:\s*(?=\S)")
# "Breakfast Show transcript starts at 11:29": the headline is before the note
_TRANSCRIPT_NOTE = re.compile(r"^(?P<head>(?:\S+\s+){2,}?\S+)\s+transcript(?:\s+[a-z0-9:.]+)+$")
# a markdown heading or a line in bold: "# Title", "## **Title**", "**Title**"
_MARKDOWN_HEADING = re.compile(
    r"^(?:#{1,6}\s+(?:\*\*|__)?|\*\*|__)(?=\S)(?!.*:\*\*\s*\S)|(?:\*\*|__)$"  # not "**Ann:** Hi"
)
_DURATION = re.compile(
    r"(?i)^\d+\s*(?:h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)$|^\d{1,2}:\d{2}(?::\d{2})?$"
)
# what a transcript is of, and whose or where: "Remarks by ...", "Interview with ..." (not a
# list's "Ann Lee's Interview")
# "Transcript for Episode 3: ...", "Full transcript of ...": the page's own name for itself
# "The full transcription of X's interview to Y.": a sentence naming what the page holds
_TRANSCRIPT_NAMED = re.compile(
    r"(?i)^(?:the\s+|a\s+)?(?:full\s+|complete\s+|edited\s+)?transcript(?:ion)?\s+of\s+(?:the\s+)?"
    r"(?=\S+\s+\S)"
)
_TRANSCRIPT_OF = re.compile(r"(?i)^(?:full\s+|complete\s+)?transcripts?\s+(?:for|of)\s+\S")
_EVENT = re.compile(
    r"(?i)\b(?:interview|conversation|debate|hearing|meeting|discussion|remarks|briefing"
    r"|press\s+conference|speech|address|statement|lecture|sermon)"
    r"\s+(?:with|by|of|at|on|to|before|between|about)\s|\bq\s*&\s*a\b"
)
# a speaker's label: "BILL MAHER:", "• Ann Lee:", "Ann Lee (host):"
_VOICE_LABEL = re.compile(
    r"^\W{0,3}([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\s*(?:\([^)]{1,30}\))?\s*:"
)
# a field's name on a line of its own, its value below it
_FIELD_NAME = re.compile(
    r"(?i)categor(?:y|ies)|tags?|topics?|genres?|sections?|type|language|duration|length|source"
    r"|published|updated|filed\s+under|channel|format|keywords?"
)
# "VOASE0121_This Is America", "EP042_The Mill": a file or catalogue code glued to the title
_FILE_CODE = re.compile(r"^[A-Za-z]*\d[A-Za-z0-9]*_+(?=[A-Z])")
# what a site adds after the headline: "- full transcript", "Read online", "| Listen now" (not
# a headline's own "Interview: Full Transcript")
_SITE_ACTION = re.compile(
    r"(?i)(?:\s+[|–—-]\s+(?:the\s+)?(?:(?:full|complete)\s+)?transcript"
    r"|\s+[|–—-]\s+(?:read|listen|watch|view)\s+(?:it\s+)?(?:online|now|here|free|more)"
    r"|\s+(?:read|listen|watch)\s+online)\W*$"
)
# a letterhead's street, postcode or telephone line: "303 E Street, S.W.", "(202) 358-1600"
_ADDRESS = re.compile(
    r"^\d+[A-Za-z]?\s+(?:[A-Z][\w.'’]*\s+){0,3}(?i:street|st|avenue|ave|road|rd|boulevard|blvd"
    r"|lane|ln|drive|dr|square|sq|quay|way|place|pl|court|ct|plaza|parkway|highway|hwy|terrace"
    r"|crescent|row|suite|floor)\b\.?(?:,|$)"
    r"|^\W*\(?\+?\d{2,4}\)?[\s.-]*\d{3,4}[\s.-]\d{3,4}\W*$"
    r"|,\s*(?:[A-Z]\.?){2,3}\s+\d{4,5}(?:-\d{4})?$"
)
_DATE_FIELD = re.compile(r"^[A-Z][\w ]{0,20}:\s*(?P<value>\S.*)$")  # "Taped: Friday, January 1"
_MEDIA_FILE = re.compile(
    r"(?i)^(?:[^:]*\b(?:subtitles?|captions?|transcripts?)\b[^:]*:\s*)?(?:file:\s*)?"
    r"(?P<name>\S.*?)\.(?:webm|mp4|m4v|mov|mkv|mp3|m4a|wav|ogg|ogv|srt|vtt)$"
)


def is_site_chrome(text: str, words: Words) -> bool:
    """A header line that is the site's, not the programme's: a link or button ("Return to
    Transcripts main page", "Watch CBS News"), a logo, ratings, a link row, a byline."""
    if any(pattern.search(text) for pattern in words.site_chrome) or _BYLINE.match(text):
        return True
    if re.search(r"\s[/|·•]\s+[Bb][Yy]\s+[A-Z]", text):  # "AM / By Ann Lee": a show and byline
        return True
    if text[:1] and unicodedata.category(text[0]) == "So":  # "🗓️ 21 January 2022"
        return True
    items = [i for i in re.split(r"\s+[-–|·]\s+|\s*\|\s*", text) if i.strip()]
    if len(items) >= 4 and all(len(i.split()) <= 3 for i in items):  # home - contact - ...
        return True
    if len(items) >= 3 and all(len(i.split()) == 1 for i in items):  # NEWS | SPORT | WEATHER
        return True
    # "Episode 123 · March 3, 2020 · 45 min", "Politics • News": a row of facts or tags
    facts = [i for i in re.split(r"\s*[·•]\s*", text) if i.strip()]
    dated = any(_holds_date(i) or _DURATION.search(i) for i in facts)
    longest = max((len(i.split()) for i in facts), default=0)
    return len(facts) >= 2 and (longest <= 2 or (dated and longest <= 5))


def _person_line(text: str, words: Words) -> bool:
    """ "Ann Lee", "The Rev. Dr. Ann Lee": a person's name alone (an author's, between a
    headline and its date), not a headline in capitals ("The Mill Turns Again")."""
    tokens = text.split()
    if tokens[:1] == ["The"] and len(tokens) > 1 and tokens[1].rstrip(".") in words.titles:
        tokens = tokens[1:]
    while tokens and tokens[0].rstrip(".") in words.titles:
        tokens = tokens[1:]
    return (
        _NAME_LINE.fullmatch(text.strip()) is not None
        and not text.isupper()  # "FIRST SESSION": a heading's line, a name in capitals is not told
        and re.search(r"\w['’]s\s", text) is None  # "Ann Lee's Final Show": of a person, no name
        and 2 <= len(tokens) <= 4
        and not any(t.lower() in _DANGLING or t.lower() == "again" for t in tokens)
    )


def is_name_field(text: str, words: Words) -> bool:
    """ "Ann Lee", "Dr. Ann Lee, historian": the value of a "Host:" field above the
    transcript, a person's name alone (with a few words of role after a comma), and more
    fields after it on the line ("Ann Lee | Guest: Bram Tolver")."""
    first, *others = re.split(r"\s+[|·•]\s+|;\s+", text.strip())
    others = [re.sub(r"^[A-Z][\w -]{0,20}:\s*", "", field) for field in others]
    for field in [first, *others]:
        name, _, role = field.partition(",")
        if not (
            _person_line(name.strip(), words)
            and len(role.split()) <= 4
            and re.search(r"[.!?:;]$", role.strip()) is None
        ):
            return False
    return True


def _named_after(text: str, voices: set[str], words: Words) -> int:
    """ "Late Tide With Ann Lee": a programme named after its host - 2 when the page labels
    Ann Lee's turns, 1 when it is a person's name; 0 for "Interview with Ann Lee" (the event)
    or anything else."""
    found = re.fullmatch(r"(?i)(?P<show>.+?)\s+with\s+(?P<name>[^,;:()]+?)\W*", text.strip())
    if found is None:
        return 0
    show, name = found.group("show"), found.group("name")
    if words.own_events.search(show) or _EVENT.search(f"{show} with ") or len(show.split()) > 5:
        return 0
    if name.lower() in voices:
        return 2
    return 1 if _person_line(name, words) and show.istitle() else 0


def _field_value(header: list[Block], index: int) -> bool:
    """Whether the line at `index` is the value of a field named on the line above it
    ("Category" / "Short film"), lines of symbols ("🎥") between them skipped."""
    for block in reversed(header[max(0, index - 3) : index]):
        if re.search(r"[^\W\d_]", block.text):
            return _FIELD_NAME.fullmatch(block.text.strip(" :")) is not None
    return False


def _list_items(header: Sequence[Block]) -> set[int]:
    """The lines listed under a heading that ends in a colon ("Reporters (in order of
    appearance):" / "ANN LEE, KCOAST" / "JOE ROE, HARBOUR RADIO"): two or more short lines of
    one shape (in capitals, or with a comma), items of the list, and their heading, never the
    headline."""
    items: set[int] = set()
    for at, block in enumerate(header):
        if not block.text.rstrip().endswith(":") or len(block.text.split()) > 8:
            continue
        run: list[int] = []
        for below in range(at + 1, len(header)):
            text = header[below].text
            first = header[run[0]].text if run else text
            same = text.isupper() == first.isupper() and ("," in text) == ("," in first)
            marked = text.isupper() or "," in text  # (not a field's value: "41814")
            if text.rstrip().endswith(":") or len(text.split()) > 8 or not (same and marked):
                break
            run.append(below)
        if len(run) >= 2:
            items.update([at, *run])  # (the heading neither)
    return items


def _numbered_episode(text: str) -> bool:
    """ "Season 4 Episode 24", "S2 • Ep. 5": a line that is the episode's number alone (not
    "The Signal Box, Episode 3"); the episode's title is the line below it."""
    return (
        re.fullmatch(
            r"(?i)(?:(?:season|series|s)\s*\d+\W*)?(?:episode|ep\.?|e)\s*\d+", text.strip(" .:")
        )
        is not None
    )


def _holds_date(text: str) -> bool:
    return find_date(text) is not None or _NUMERIC_DATE.search(text) is not None


def _dated_headline(text: str) -> bool:
    """ "Press Briefing - March 8, 2018", "Briefing by X, 6/4/2015", "Transcripts January 17,
    2017: Remarks": a headline that carries its date as one of its parts, after its first
    words (not a date line with words after it, nor a byline's "on ... 18:24:00")."""
    found = _DATE_IN.search(text)
    if found is None:
        return False
    before, after = text[: found.start()], text[found.end() :]
    return (
        len(re.findall(r"[^\W_]+", before)) >= 2  # "Paris - July 18, 2017" is a dateline
        and bool(re.search(r"[,|:–—-]\s*$", before) or re.match(r"\s*[:|–—-]\s", after))
        and re.search(r"\d:\d\d", text) is None
        and _holds_date(found.group(0))
    )


def breadcrumb_tail(text: str) -> str | None:
    """The last item of a breadcrumb ("You are here: BBC > Horizon > From the Editor",
    "You are in: Events: Newsnight"): the page's own name for itself."""
    here = re.match(r"(?i)^you\s+are\s+(?:here|in)\s*:\s*(?P<crumbs>.+)$", text.strip())
    if here is None:  # "Home > Shows > Tide Talk" may end at the show's page, not this one
        return None
    items = [i.strip() for i in _CRUMB_SEPARATOR.split(here.group("crumbs")) if i.strip()]
    if not items:
        return None
    return items[-1] if 1 <= len(items[-1].split()) <= 15 else None


def _site_name(text: str) -> bool:
    """A short run of capitalised words without digits: "Harbour Gazette", "The Tide"."""
    names = text.split()
    return 1 <= len(names) <= 4 and not re.search(r"\d", text) and names[-1][:1].isupper()


def _show_name(text: str) -> str:
    """ "Tide Talk with Ann Lee", "EP12_Tide Talk": the programme's name a header line holds,
    lower case, to compare with the names the text gives ("Welcome to Tide Talk")."""
    return re.split(r"\s+with\s+", _FILE_CODE.sub("", text).lower().rstrip(" .!"), maxsplit=1)[0]


def _words_of(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower().replace("’", "'").replace("'", "")))


def _title_scores(
    candidates: list[tuple[int, Block]],
    header: list[Block],
    date_at: int | None,
    all_lines: list[str],
    words: Words,
    page_title: str | None = None,
    dropped: list[Block] | None = None,
) -> list[tuple[int, int, Block]]:
    """(score, index, block) of each header line that may be the headline, best first (the
    earliest of equals first). Evidence for: headline shape (short, capitalised, no closing
    full stop), a dateline or byline just below it, the page printing it again, quotation
    marks around it, the page's <title> (`page_title`, as words). Against: one word, a site's
    name ("X News", "... Transcripts"), the programme's name ("Welcome to X" in the text)."""
    page = [_words_of(line) for line in all_lines if not line.rstrip().endswith(":")]
    above = [
        _words_of(b.text) if not is_site_chrome(b.text, words) else ""
        for b in header[: 2 * MAX_TITLE_LINES]
    ]
    spoken = " ".join(all_lines)
    # where the text names a programme: "Welcome to ", "This is " (found once, not per line)
    intro = re.compile(rf"(?i){words.programme_intros}\s+")
    programmes = set()
    for found in intro.finditer(spoken):
        if found.group(0).split()[0].lower() == "from":  # "from Harbour Town": a place too
            continue
        name = re.match(_NAME, spoken[found.end() : found.end() + 80])
        if name is not None:
            programmes.add(re.sub(r"(?:\s+(?:of|and|the|for|&))+$", "", name.group(0)).lower())
    # the voices labelled on the page ("BILL MAHER:", "• Ann Lee:"), for "Show With Ann Lee"
    voices = {m.group(1).lower() for line in all_lines if (m := _VOICE_LABEL.match(line))}
    # "Headline : Site", "Headline | Site": what follows the separator is the site's name
    split = [_TITLE_SEPARATOR.split(b.text) for b in header]
    sites = {_words_of(parts[-1]) for parts in split if len(parts) >= 2}
    body = _body_words(header, all_lines)
    # the line the dateline belongs to: the one above it, or a Title Case headline above a
    # sentence-case standfirst ("The Mill Turns Again" / "How one town saved its mill")
    dated = date_at - 1 if date_at is not None else None
    # the headline / "About this speech" / "Ann Lee" / the date: the site's lines and the
    # author's name stand between a headline and its date
    if date_at is not None:
        at, named = date_at - 1, False
        while at >= 1 and date_at - at <= 6:
            line = header[at].text
            if _person_line(line, words):
                named = True
            elif not (is_site_chrome(line, words) or not re.search(r"[^\W\d_]", line)):
                break
            at -= 1
        dated = at if named else dated
    if dated is not None and dated >= 1:
        standfirst, headline = header[dated].text, header[dated - 1].text
        if (
            len(standfirst.split()) >= 8
            and not is_headline(standfirst)
            and 4 <= len(headline.split()) < len(standfirst.split())
            and is_headline(headline)
            and not is_site_chrome(headline, words)
        ):
            dated -= 1
    if dated is not None and dated >= 1 and _AUTHOR_LINE.match(header[dated].text):
        headline = header[dated - 1].text
        if len(headline.split()) >= 3 and _headline_like(headline):
            dated -= 1  # "The Mill Turns Again" / "Ann Lee, Coast Radio" / the date
    if date_at is not None and date_at + 1 < len(header):
        above_date = header[date_at - 1].text if date_at >= 1 else ""
        after = header[date_at + 1].text
        show_above = _show_name(above_date) in programmes  # "Welcome to Tide Talk" names it
        short_above = len(above_date.split()) <= 2 or show_above
        # "Sponsored: Monitor your code" / the date / a headline the transcript speaks of
        unrelated = not any(w in body for w in _content_words(above_date))
        speaks_below = _speaks_of(after, body) and unrelated
        if (short_above or speaks_below) and len(after.split()) >= 3 and _headline_like(after):
            dated = date_at + 1  # "Tide Talk" / the date / the episode's headline
    sections = _section_levels(all_lines)
    series = _series(all_lines)
    listed = _list_items(header)
    # ...weighed only when some header line says what the transcript speaks about
    any_speaks = any(_speaks_of(b.text, body) for _, b in candidates[:MAX_TITLE_LINES])
    # the byline below a line, set aside as furniture before the header was read
    ordered = sorted([*header, *(dropped or [])], key=lambda b: b.line)
    bylines = {
        above.line
        for above, below in itertools.pairwise(ordered)
        if _BYLINE.match(below.text) and below in (dropped or [])
    }
    # ...a standfirst's byline is its headline's: "The Mill Turns Again" / "How one town ..."
    for at in range(1, min(len(header), 5)):
        standfirst, headline = header[at].text, header[at - 1].text
        if (
            header[at].line in bylines
            and len(standfirst.split()) >= 8
            and not is_headline(standfirst)
            and 3 <= len(headline.split()) < len(standfirst.split())
            and is_headline(headline)
        ):
            bylines = (bylines - {header[at].line}) | {header[at - 1].line}
    scored = []
    for index, block in candidates[:MAX_TITLE_LINES]:
        text = block.text
        heading = _MARKDOWN_HEADING.match(text)
        level = len(m.group("level")) if (m := MARKDOWN_SECTION.match(text)) else 0
        if heading is not None:  # "# The Mill Turns Again": the document's own heading
            text = _MARKDOWN_HEADING.sub("", text)
            block = Block(text, block.line)
        crumb = breadcrumb_tail(text)
        if crumb is not None and (is_site_chrome(crumb, words) or _not_a_title(crumb, words)):
            continue  # "You are here: Home"
        if crumb is not None:
            text, block = crumb, Block(crumb, block.line)  # the page's name for itself
        elif is_site_chrome(text, words) or _CLOCK.match(text.strip()) or _ADDRESS.search(text):
            continue
        if _field_value(header, index) or index in listed:
            continue  # "Category" / "Short film": a field's value, not a headline
        if _in_series(text, series) or _prose(text):
            continue  # "Interview 8" among "Interview 2", "Interview 7": a part's heading
        lettered = sum(1 for w in text.split() if re.search(r"[^\W\d_]{2}|^[^\W\d_]\W?$", w))
        if len(text.split()) >= 3 and lettered * 2 < len(text.split()) and not _holds_date(text):
            continue  # "2.49/ 5 491 votes": figures, not words
        if (
            index > 0
            and header[index - 1].text.rstrip().lower().endswith(" by")
            and _NAME_LINE.match(text)
        ):
            continue  # "Sermon Preached by" / the preacher's name: a byline
        before = header[index - 1].text.split() if index > 0 else []
        if before and before[-1].lower() in {"the", "of", "a", "an", "and", "for", "to"}:
            continue  # "HEARING / BEFORE THE / COMMITTEE ON HARBOURS": the line goes on
        key = _words_of(text)
        count = len(text.split())
        if not (_headline_like(text) or (count == 1 and text[:1].isupper())):
            continue
        score = 3
        below = header[index + 1].text if index + 1 < len(header) else ""
        # (not a standfirst whose headline above it holds the dateline: "dated" says which)
        author = index + 2 == date_at and _person_line(below, words) and (dated or 0) >= index
        # "By Ann Lee | 3 March 2020", set aside as furniture, below the headline: near the
        # top (above the date), not under a book's title in the show notes further down
        byline = block.line in bylines and index < min(date_at or 5, 5)
        if index == dated or (below and _BYLINE.match(below)) or author or byline:
            score += 3  # a headline with its dateline or byline ("Ann Lee" above the date)
        elif date_at is not None and index < date_at:
            score += 1
        if count >= 3:
            score += 1
        if crumb is not None:
            score += 4  # "You are in: Events: Newsnight": the page's name for itself
        elif _EPISODE_FIELD.match(text):
            score += 3  # "Issues: 2015 Year End Awards": the field naming the episode
        field = _DATE_FIELD.match(text)
        if field is not None and _holds_date(field.group("value")[:40]):
            score -= 2  # "Taped: Friday, January 1, 2016": a date field, not a headline
        elif count >= 4 and _dated_headline(text):
            score += 2  # "Briefing - March 8, 2018": a headline with its own date
        if _EPISODE_NUMBER.search(text.rstrip(" .:")) and index + 1 < len(header):
            score -= 2  # "Doctor Who S11 • Episode 5": the number above the episode's title
        if index >= 1 and _numbered_episode(header[index - 1].text):
            score += 2  # the episode's title below its number
        if count == 1:
            score -= 2
        if heading is not None and sections[level] < 2:
            score += 2  # the document's own heading
        elif heading is not None:
            score -= 4  # "# Introduction" ... "# Overview": a level used again names sections
        if count >= 3 and _EVENT.search(text):
            score += 1  # "Remarks by ...", "Interview with ...": it names what is transcribed
        if any(
            _words_of(b.text).startswith(f"{key} ")
            and len(b.text.split()) >= count + 3
            and _headline_like(b.text)
            and not b.text.rstrip().endswith(".")
            for b in header[index + 1 : index + 3]
        ):
            score -= 3  # "Press Briefing" above "Press Briefing of ...": its section, not it
        if count >= 3 and _TRANSCRIPT_OF.match(text):
            score += 3  # "Transcript for Episode 3: The Long Night": the page names itself
        elif count >= 4 and re.search(r"(?i)\btranscript$", text.rstrip(" .:")):
            score += 3  # "#12: The Long Night Transcript": the page names itself too
        if any(_ADDRESS.search(b.text) for b in header[index + 1 : index + 3]):
            score -= 3  # "Office of Public Affairs" / "303 E Street": a letterhead
        if _sentence_shaped(text):
            score -= 2  # "Parses captions for ... in a readable format": a description
        # a show's name printed around the episode's is no headline: two words are too few
        again = sum(1 for line in page if line == key) if count >= 3 else 1
        if count <= 2 and sum(1 for line in above if line == key) >= 2:
            score -= 2  # "Newscast" above and below "Tannoyed": the show's name, twice
        again += sum(  # named in the header's summary or another line (not a role beside it)
            1
            for at, line in enumerate(above)
            if count >= 2
            and (abs(at - index) > 1 or len(line.split()) >= 12)
            and f" {key} " in f" {line} "
            and line != key
        )
        if _TITLE_SEPARATOR.search(text) is None and key in sites:
            score -= 3  # the site's name, printed after a headline
        elif again >= 2:
            score += 2  # the headline above the text and in the page's header or text
        if count >= 2 and _show_name(text) in programmes:
            score -= 3  # "Welcome to Tide Talk": the programme's name, not this episode's
        else:
            score -= _named_after(text, voices, words)  # "Late Tide With Ann Lee": the show's
        if any_speaks and _unspoken_name(text, body):
            score -= 1  # "Riverbend Voices" above "Who Are You?": the site's, not the episode's
        if page_title and key == page_title:
            score += 3  # the page's own <title> ("Headline | Site") names it
        if re.fullmatch(r"[\"“‘'].+[\"”’']", text.strip()):
            score += 1
        a_name = count <= 3 and all(w[:1].isupper() for w in text.split())
        if (a_name and _SITE_NOUN.search(text.rstrip(" .:"))) or (
            count <= 8 and _COLLECTION.search(text)
        ):
            score -= 2  # "Wakala News", "PM Transcripts": the site's name
        scored.append((score, index, block))
    return sorted(scored, key=lambda s: (-s[0], s[1]))


# words that say nothing of what a line is about
_FUNCTION_WORDS = frozenset(
    {"the", "a", "an", "and", "or", "of", "to", "in", "on", "at", "for", "from", "with", "by"}
    | {"as", "is", "are", "was", "be", "it", "its", "this", "that"}
)


def _content_words(text: str) -> list[str]:
    return [w for w in _words_of(text).split() if w not in _FUNCTION_WORDS and not w.isdigit()]


def _body_words(header: Sequence[Block], all_lines: Sequence[str]) -> frozenset[str]:
    """The words of the page below its header (`all_lines`: its lines with words): what the
    programme says."""
    start = 0
    for block in header:
        text = " ".join(block.text.split())
        found = (at + 1 for at in range(start, len(all_lines)) if all_lines[at] == text)
        start = next(found, start)
    return frozenset(w for line in all_lines[start:] for w in _content_words(line))


def _unspoken_name(text: str, body: frozenset[str]) -> bool:
    """A name of two or three words none of which the transcript speaks: an outlet's or a
    section's ("Riverbend Voices", "Arts & Culture"), not a headline, which says what the
    episode is about ("Who Are You?", "David and Jesus")."""
    found = _content_words(text)
    short = len(text.split()) <= 3
    return short and len(found) >= 2 and _site_name(text) and not any(w in body for w in found)


def _speaks_of(text: str, body: frozenset[str]) -> bool:
    """A line of two words or more, half of which or more the transcript speaks."""
    found = _content_words(text)
    return len(found) >= 2 and sum(1 for w in found if w in body) * 2 >= len(found)


def _bracketed_title(dropped: list[Block], words: Words) -> str | None:
    """ "[Mayor's Press Conference]" on a page's first line: a caption export's title, set
    aside as a cue; never a cue ("[MUSIC]", "[Applause]") or a direction ("[Door slams]")."""
    first = dropped[0] if dropped else None
    match = re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]", first.text.strip()) if first else None
    if first is None or match is None or first.line > 2:
        return None
    inner = match.group(1)
    if words.music_cues.match(inner) or words.stage_directions.match(inner):
        return None
    return inner if is_headline(inner) and not inner.isupper() else None


def clean_title(title: str, words: Words, lines: Sequence[str] = ()) -> str:
    """The headline without what the page puts around it: a site's name ("Headline - Harbour
    Gazette", one the page prints elsewhere too, "BBC Sounds - Headline"), a
    "Transcript:" label, a media file's name ("File:Briefing.webm")."""
    title = title.strip()
    media = _MEDIA_FILE.match(title)
    if media is not None:
        title = media.group("name").strip()
    title = _without_repeated_name(title)
    if _TRANSCRIPT_NAMED.match(title) and title.endswith(".") and title.lower().startswith("the "):
        title = _TRANSCRIPT_NAMED.sub("", title).rstrip(".")  # "The full transcription of X."
    # "Transcript: X", "Full Transcript: X", "Read the transcript: X"
    title = re.sub(
        r"(?i)^(?:read\s+)?(?:the\s+)?(?:full\s+)?transcript\s*[:|–—-]\s+(?=\S+\s+\S)", "", title
    )
    # "Episode 12 | The Mill Turns Again | Tide Talk": the episode's number is no title
    title = re.sub(r"(?i)^(?:episode|ep\.?|no\.?|#)\s*\d+\s+\|\s+(?=\S+\s+\S)", "", title)
    title = _EPISODE_FIELD.sub("", title)
    title = _TRANSCRIPT_NOTE.sub(r"\g<head>", title)
    title = _FILE_CODE.sub("", title)
    title = _SITE_ACTION.sub("", title)
    # "Show (2022–): Season 1, Episode 3 - The Episode": the series and number before it go
    title = re.sub(r"(?i)^.*\bseason\s*\d+\s*[,.:]?\s*episode\s*\d+\s*[|–—:-]\s+(?=\S+)", "", title)
    first, _, rest = title.partition(" | ")
    if not rest:  # "Coast Radio — Headline" (not "Meet the Press - November 5, 2017": its date)
        first, rest = next(iter(re.findall(r"^(.+?)\s+[–—-]\s+(\S.*)$", title)), (title, ""))
        rest = "" if _holds_date(rest) and len(rest.split()) <= 5 else rest
    # (not "A Play for Radio | The Lantern": the page speaks of the first part, not the last)
    last = re.split(r"\s+[|–—-]\s+", rest)[-1] if rest else ""
    site_last = _unspoken_on_page(last, title, lines) and _used_on_page(first, title, lines)
    if (
        rest
        and not site_last
        and ((_site_name(first) and _SITE_NOUN.search(first)) or _is_publisher(first, words))
    ):
        title = rest.strip()  # "Coast Radio | Headline": the site's name first
    title = without_publisher(title, words)
    while " | " in title and len(title.rsplit(" | ", 1)[1].split()) <= 5:  # "A | Show | Site"
        title = title.rsplit(" | ", 1)[0].strip()
    title = _SITE_ACTION.sub("", title)  # "X - Transcript | Happy Scribe": the site's words
    parts = re.split(r"\s+[|–—:-]\s+", title)
    tail, head = parts[-1], parts[0]
    # the outlet's name is printed elsewhere on the page too: its own line, a copyright line
    name = _words_of(tail)
    elsewhere = any(
        _words_of(other) == name
        or (re.search(r"(?i)©|\bcopyright\b", other) and f" {name} " in f" {_words_of(other)} ")
        for other in lines
    )
    site_tail = (
        _site_name(tail)
        and not re.search(r"[!?]", tail)
        and not re.match(r"(?i)an?\s", tail)  # "The Lighthouse - A Play for Radio": a subtitle
        and (_SITE_NOUN.search(tail) or elsewhere)
    ) or _unspoken_tail(title, tail, lines)
    if len(parts) >= 2 and (site_tail or re.search(r"(?i)\(podcast\)$", tail)):  # "X (podcast)"
        title = title[: title.rindex(tail)].rstrip(" |–—:-").strip()
    elif (
        len(parts) >= 3
        and words.broadcaster.search(head)
        and not words.broadcaster.search(title[len(head) :])
    ):  # "Comedy from BBC Radio 4 - Jo Doe: TL;DR - 5. Episode": the programme's name goes
        title = title[len(head) :].lstrip(" |–—-").strip()
    # "Show (2005) s22e04 Episode Script": a script site's words after the episode's code
    title = re.sub(r"(?i)(?<=\bs\d\de\d\d)\s+(?:episode\s+)?(?:script|transcript)$", "", title)
    # "Headline (Listen onl": a bracket the page's link text left open and cut
    title = re.sub(r"\s*[(（][^()（）]{0,20}$", "", title) if len(title.split()) >= 2 else title
    quoted = re.fullmatch(r"[\"“‘'](?P<inner>[^\"“”]+)[\"”’']", title)  # "'Trouble At Mill'"
    return quoted.group("inner").strip() if quoted else title


def _unspoken_on_page(part: str, title: str, lines: Sequence[str]) -> bool:
    """Whether a part of a title line is a name ("Riverbend Voices") none of whose words the
    page's other lines (`lines`: those that do not hold the title) use: an outlet's name put
    after or before the headline, not the headline, whose words the transcript speaks."""
    found = _content_words(part)
    named = _site_name(part.strip()) or _STATION.fullmatch(part.strip()) is not None
    if not found or not named or re.search(r"[!?]", part):
        return False
    others = _other_words(title, lines)
    return bool(others) and not any(w in others for w in found)


def _used_on_page(part: str, title: str, lines: Sequence[str]) -> bool:
    """Whether the page's other lines use a word of a part of a title line."""
    others = _other_words(title, lines)
    return any(w in others for w in _content_words(part))


def _other_words(title: str, lines: Sequence[str]) -> frozenset[str]:
    """The words of the page's lines other than those holding the title line."""
    key = _words_of(title)
    others = (line for line in lines if key not in _words_of(line))
    return frozenset(w for line in others for w in _content_words(line))


# a radio station's name: its call letters or name and its frequency ("KQED 88.5 FM")
_STATION = re.compile(r"[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3}\s+\d{2,4}(?:\.\d)?\s*(?:FM|AM)")


def _unspoken_tail(title: str, tail: str, lines: Sequence[str]) -> bool:
    """ "Who Are You? - Riverbend Voices": a name after a dash or bar that the page never
    uses elsewhere, after a headline whose words it does use (not "X: Full Story")."""
    if re.search(rf"\s[|–—-]\s+{re.escape(tail)}$", title) is None or re.match(r"(?i)an?\s", tail):
        return False  # (nor "The Lighthouse - A Play for Radio": a subtitle)
    head = title[: title.rindex(tail)]
    spoken = _used_on_page(head, title, lines) or _holds_date(head)  # "March 3, 2020 - X"
    return spoken and _unspoken_on_page(tail, title, lines)


def _without_repeated_name(title: str) -> str:
    """ "Harbour Notes: Harbour Notes - Episode 4": a show's name printed twice before the
    episode's own words; both go ("Episode 4"), the rest is the episode's title."""
    parts = re.split(r"(\s*(?:[|–—:]|\s-)\s+)", title, maxsplit=1)
    if len(parts) < 3:
        return title
    name, rest = parts[0].strip(), parts[2]
    again = re.match(rf"(?i){re.escape(name)}\s*(?:[|–—:]|\s-)\s+(?=\S)", rest)
    if not name or again is None:
        return title
    return rest[again.end() :].strip() or title


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
    header = _with_named_transcript(header)
    date_at = next((i for i, b in enumerate(header) if is_date_line(b.text, words)), None)
    if result.date is None and date_at is not None:
        result.date = find_date(header[date_at].text)
    if result.date is None:  # (a byline set aside as furniture holds it too: "By Ann Lee | date")
        first = header[0].line if header else 0
        bylines = [b for b in result.dropped if _BYLINE.match(b.text) and b.line <= first + 20]
        for block in [*header, *bylines]:
            if (found := find_date(block.text)) is not None:
                result.date = found
                result.date_note = f"read from “{short(block.text, 50)}”"
                break
    # an episode named by its date: "Season 4 Episode 24" / "November 17, 2006"
    named_by_date = {
        i for i, b in enumerate(header) if i >= 1 and _numbered_episode(header[i - 1].text)
    }
    candidates = [
        (i, b)
        for i, b in enumerate(header)
        if i in named_by_date or (i != date_at and not is_date_line(b.text, words))
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
    levels, series = _section_levels(all_lines), _series(all_lines)
    if result.title is None:
        h1 = page.h1 if page.h1 and not _not_a_title(page.h1, words) else None
        if h1 and (is_site_chrome(h1, words) or (_site_name(h1) and _SITE_NOUN.search(h1))):
            h1 = None  # the site's name as its logo heading
        named_page = page.page_title or ""
        site = _TITLE_SEPARATOR.split(named_page)
        if h1 and len(site) >= 2 and _words_of(site[-1]) == _words_of(h1) != _words_of(site[0]):
            # <title>Headline - Tide Talk</title> over <h1>Tide Talk</h1>: the h1 is the show's
            h1 = named_page[: named_page.rindex(site[-1])].rstrip(" |–—:-").strip()
        titles = [(i, b) for i, b in candidates if not _not_a_title(b.text, words)]
        named = _words_of(clean_title(page.page_title, words)) if page.page_title else None
        scored = _title_scores(titles, header, date_at, all_lines, words, named, result.dropped)
        if h1:
            result.title = clean_title(h1, words, all_lines)
            used |= {i for i, b in candidates if b.text == h1}
        elif scored and scored[0][0] > 0:
            best, index, block = scored[0]
            result.title, used = clean_title(block.text, words, all_lines), used | {index}
            used |= {i for i, b in candidates if b.text == block.text}
            # sure: the first headline after the site's lines, or one that no other line
            # matches; unsure of a word alone or a line in a list of short lines (a menu)
            rival = max((s for s, _, b in scored[1:] if b.text != block.text), default=0)
            first = index == min(i for _, i, _ in scored)
            short_lines = {i for _, i, b in scored if len(b.text.split()) <= 5}
            in_list = {index - 1, index + 1} <= short_lines or {index + 1, index + 2} <= short_lines
            result.title_guessed = (
                best < 4
                or len(block.text.split()) == 1
                or (in_list and best < 5)
                or not (first or rival < best)
            )
        elif (bracketed := _bracketed_title(result.dropped, words)) is not None:
            result.title, result.title_guessed = bracketed, True
        elif plain := [
            (i, b)
            for i, b in candidates
            if not (
                is_site_chrome(b.text, words)
                or _ADDRESS.search(b.text)
                or _field_value(header, i)
                or i in _list_items(header)
                or _prose(b.text)
                or _section(b.text, levels)
                or _in_series(b.text, series)
            )
        ]:
            index, block = max(plain, key=lambda c: len(c[1].text))
            title = clean_title(block.text, words, all_lines)
            result.title, used, result.title_guessed = title, used | {index}, True
        elif page.page_title:
            result.title, result.title_guessed = re.split(r"\s+[|–—-]\s+", page.page_title)[0], True
        elif date_at is not None and (dateline := _date_title(header[date_at], page)):
            result.title, result.title_guessed = dateline, True  # better than the file's name
        elif (noted := _noted_programme(result.dropped)) is not None:
            result.title, result.title_guessed = noted, True
            if result.date is None and (found := find_date(noted)) is not None:
                result.date, result.date_note = found, "read from the transcript's notice"
    else:
        used |= {i for i, b in candidates if b.text == result.title}
    if result.programme is None and date_at is not None:
        after = [(i, b) for i, b in candidates if i > date_at and i not in used]
        # (not "Aired Friday 10:00 PM Nov 17, 2006": the date again, with the time)
        below = after[0][1].text if after else ""
        if (
            after
            and after[0][0] == date_at + 1
            and not (
                _holds_date(below) or is_site_chrome(below, words)  # nor "Serial No. 116-12"
            )
        ):
            result.programme = after[0][1].text
            used.add(after[0][0])
    used |= {date_at} if date_at is not None else set()
    result.dropped.extend(b for i, b in enumerate(header) if i not in used)


def _with_named_transcript(header: list[Block]) -> list[Block]:
    """The header with "The full transcription of X's interview." after a date on its line
    ("date 2019-01-01 The full ...") as a line of its own, to be weighed as the title."""
    for at, block in enumerate(header[:10]):
        split = split_at_date(block.text)
        tail = split[2] if split is not None else ""
        if _TRANSCRIPT_NAMED.match(tail) and len(tail.split()) >= 5:
            return [*header[: at + 1], Block(tail, block.line), *header[at + 1 :]]
    return header


def _date_title(block: Block, page: Page) -> str | None:
    """ "OCTOBER 29, 2003 (ABC)": a page whose header is only its date line is titled by
    that line as printed (a network's name in brackets, set aside as a cue, included)."""
    lines = page.text.split("\n")
    line = " ".join(lines[block.line - 1].split()) if 0 < block.line <= len(lines) else ""
    if block.text not in line or len(line.split()) > 12 or SENTENCE_END.search(line):
        line = block.text
    return line if len(line.split()) <= 12 else None


def _noted_programme(dropped: list[Block]) -> str | None:
    """ "This is a rush transcript from “Tide Talk” December 13, 2020.": a notice above the
    text that names the programme (in quotation marks) and its date titles a page that has no
    header: "Tide Talk, December 13, 2020"."""
    for block in dropped:
        found = re.search(
            rf"(?i)\btranscript\b[^“\"]{{0,40}}[“\"](?P<show>[^”\"]{{3,60}}?),?[”\"],?\s*(?:on\s+)?"
            rf"(?P<date>{_DATE_IN.pattern.removeprefix('(?i)')})",
            block.text,
        )
        if found is not None:
            return f"{found.group('show').strip()}, {found.group('date')}"
    return None


def heading_title(result: Transcript, words: Words) -> None:
    """A page with no header: the short heading between its introduction and its first
    labelled turn ('"Their" ABC transcripts') is the title, marked check:, and not spoken."""
    if result.title is not None or result.captions or not result.stories:
        return
    story = result.stories[0]
    for at, para in enumerate(story.paragraphs[:3]):
        if para.label is not None or not para.spoken or at + 1 >= len(story.paragraphs):
            return
        text = para.text
        heading = 2 <= len(text.split()) <= 10 and not SENTENCE_END.search(text)
        if at >= 1 and heading and _headline_like(text) and story.paragraphs[at + 1].label:
            result.title, result.title_guessed = clean_title(text, words), True
            story.paragraphs.remove(para)
            result.dropped.append(Block(text, para.line))
            return


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

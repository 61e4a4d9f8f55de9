"""Speaker labels and production cues written on the page: the strongest evidence there is.

Transcripts name their speakers in many ways: `HOST:`, `JANE DOE:`, `TERRY SMITH, host:`,
`Mr. JOHN DOE (Author, "Some Book"):`, `[Anchor]` / `[Reporter]` tags, `[Soundbite] NAME
(ROLE) : "..."`, a `Name Surname/ Role` line before a quote, and in dialogue lessons
mixed-case `Anna:` labels that recur. Cues in brackets are music (`(MUSIC)`, `[MUSIC]`,
`(SOUNDBITE OF MUSIC)`) or stage directions (`(LAUGHTER)`), never spoken. A label is not
spoken either; the words after it belong to its speaker: a turn label (`NAME:`, `[Anchor]`)
until the next label, a quote label (soundbite, `Name/ Role`) for the quote it opens.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from broadcast_kit.importer.words import Words, normal

# a hyphen may be typeset as U+2010 or the non-breaking U+2011: "JO‑WILFRIED TSONGA:"
_CAPS_TOKEN = r"[A-Z][A-Z'’.\u2010\u2011-]*[A-Z.]|[A-Z]"
_CAPS_NAME = (
    rf"(?:{_CAPS_TOKEN})(?:\s+(?:{_CAPS_TOKEN})){{0,4}}(?:,?\s+(?:Jr|Sr|JR|SR)\.?)?(?:\s*#\s*\d+)?"
)
_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Dr|Prof|Rev|Sen|Rep|Gov|Gen|Capt|Sgt|Lt|Col)\.?\s+"
_ROLE = r"[A-Za-z][\w .'’&/\"“”-]{0,40}"  # "CBS \"60 MINUTES II\"": a programme in quotes
# a given name as written and the surname in capitals: "Mary ROBINSON:", "Jo-Ann DE LA CRUZ:"
_GIVEN_SURNAME = (
    r"[A-Z][a-z'’]+(?:-[A-Z]?[a-z]+)?(?:\s+[A-Z][a-z'’.]+){0,2}(?:\s+[A-Z][A-Z'’-]{2,}){1,3}"
)
# how a line is heard or who says it, in brackets after the name: "MABLI [OC]:", "Kate [on
# phone]:", "ADM. JANE DOE [Chief of Naval Operations] :"
_DELIVERY = r"(?:\s*\[[A-Za-z][\w.,'’ /&-]{0,60}\])?"
# NAME:, Ms. NAME (Role, "Book"):, NAME, host:, NAME #2:
_CAPS_LABEL = re.compile(
    rf"^(?P<label>(?P<hon>{_HONORIFIC})?(?P<name>{_GIVEN_SURNAME}|{_CAPS_NAME}){_DELIVERY}"
    # a role and a book or programme: "NAME, AUTHOR, \"THE BOOK\":"
    rf"(?:\s*\((?P<paren>[^()]{{1,80}})\))?(?:\s*,\s*(?P<role>{_ROLE}(?:,\s*[\"“]?{_ROLE})?))?\s*:)"
    r"(?:(?:\s+|(?=[A-Z“\"‘'(\[]))(?P<rest>.*))?$"  # "CHUCK TODD:This Sunday" too
)
# (capitals inside a name: "McCartney", "DeShawn", a handle "ModerateKenyan")
_MIXED_TOKEN = r"[A-Z][a-z'’]+(?:[A-Z][a-z]+){0,2}(?:[-\u2010\u2011][A-Za-z][a-z]+)?"
# before a mixed-case name: an honorific ("Mr David Roe") or a title in capitals ("PM Lee",
# "MP Jane Roe"); inside it, a middle initial ("David M. Roe"); up to five words, the ones
# beyond three being title words ("Deputy President Jane Roe", `_person_like` checks)
_MIXED_PREFIX = rf"(?:{_HONORIFIC}|[A-Z]{{2,3}}\s+(?=[A-Z][a-z]))"
_MIXED_LABEL = re.compile(
    rf"^(?P<label>(?P<name>{_MIXED_PREFIX}?{_MIXED_TOKEN}(?:\s+(?:[A-Z]\.\s+)?{_MIXED_TOKEN}){{0,4}})"
    rf"{_DELIVERY}"
    rf"(?:\s*\((?P<paren>[^()]{{1,40}})\))?(?:\s*,\s*(?P<role>{_ROLE}))?\s*:)(?:\s+(?P<rest>.*))?$"
)
# a label naming a role alone ("PRIME MINISTER:", "Q:", "Journalist:"), a numbered speaker
# ("Speaker 2:"), the White House's "Q    Words", and a cue line ("SFX: door slams")
_ROLE_ONLY = re.compile(
    r"^(?P<label>(?P<role>[A-Za-z][A-Za-z .'’-]{0,30}?)\s*(?:\((?P<paren>[^()]{1,30})\))?\s*:)"
    r"(?:\s*(?P<rest>.*))?$"
)
# a role, then the name in brackets: "Host (Jane Doe):", "GUEST (JOHN ROE):"
_ROLE_THEN_NAME = re.compile(
    r"^(?P<label>(?P<role>[A-Za-z][A-Za-z .'’-]{0,30}?)\s*\((?P<name>[^()\d]{3,40})\)\s*:)"
    r"(?:\s*(?P<rest>.*))?$"
)
_BARE_Q = re.compile(r"^(?P<label>Q)(?:\s{2,}|\.\s+)(?P<rest>\S.*)$")
_ONE_SPACE_Q = re.compile(r"^(?P<label>Q)\s+(?P<rest>[A-Z“\"‘'(\[].*)$")  # once the page has them
# a speaker the transcript numbers: "Speaker 2:", "CALLER #1:", "VOICE ONE:"
NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
# (and a role numbered when a programme has two: "HOST 1:", "Guest 2:", "PRESENTER TWO:")
NUMBERED_ROLES = (
    "Speaker|Participant|Voice|Caller|Host|Co-host|Presenter|Anchor|Guest|Reporter|Narrator"
    "|Interviewer|Panelist|Panellist|Announcer|Correspondent"
)
_NUMBERED = re.compile(
    rf"^(?P<label>(?P<name>(?i:{NUMBERED_ROLES})"  # "speaker 1:", as a recogniser writes it
    rf"(?:\s*#?\s*\d{{1,2}}|\s+(?i:{NUMBER_WORDS})))\s*:)(?:\s*(?P<rest>.*))?$"
)
# what a document numbers that is no voice: "Day 2:", "Act 1:", "Round 3:"
_DIVISIONS = frozenset(
    {
        "act",
        "day",
        "round",
        "section",
        "unit",
        "level",
        "phase",
        "stage",
        "track",
        "item",
        "point",
        "page",
        "figure",
        "table",
        "slide",
        "verse",
        "season",
        "option",
        "rule",
        "article",
        "exhibit",
        "lesson",
        "week",
        "session",
        "hour",
        "minute",
    }
)
# a line of capitals ending with a colon, a label standing alone: "MAN A:", "THE STRANGER:"
_CAPS_ALONE = re.compile(r"[A-Z][A-Z0-9 .'’#&-]{0,30}:")
# any voice the page counts, when it counts two of them: "MAN 2:", "Speaker B:", "Kid #1:"
_COUNTED = re.compile(
    r"^(?P<label>(?P<name>(?P<stem>[A-Z][A-Za-z'’-]*(?:\s[A-Z][A-Za-z'’-]*)?)\s*#?\s*"
    r"(?P<n>\d{1,2}|[A-Da-d]))\s*:)(?:\s*(?P<rest>.*))?$"
)
_DASH = re.compile(r"^\s*([A-Z][A-Z.'’]*(?:\s+[A-Z][A-Z.'’]*){0,3})\s+[-–—]\s+(?=\S)")
# a script laid out as a table, the speaker in the first cell: "BILL | Bye! |", "EXTRA (m) | ..."
_PIPED = re.compile(
    r"^\s*\|?\s*(?P<name>[A-Z][A-Z.'’]*(?:\s+[A-Z][A-Z.'’]*){0,3}(?:\s*\([^()|]{1,20}\))?)"
    r"\s*:?\s*\|\s*(?P<rest>[^|]*[^|\s])\s*\|?\s*$"
)
# a cue line without a colon: "SFX mild applause", "GRAMS theme up", "SD she leaves"
_BARE_CUE = re.compile(r"^(?P<role>[A-Z][A-Z/]{1,11})\s+(?P<rest>\S.*)$")
_CUE_DASH = re.compile(r"^(?P<role>[A-Za-z][A-Za-z/ .'’-]{0,20}?)\s+[-–—]\s+(?P<rest>\S.*)$")
# a radio script's clip given by its in and out words: "President Trump is (audio begin)",
# "… back to the house (audio end)"
_CLIP_WORDS = re.compile(
    r"(?i)^[^()]{0,80}\((?:audio|clip|tape|sound|actuality)\s+(?:begins?|in|starts?|ends?|out)\)$"
)
# (at a line's start, or after a sentence's end in a line that lost its breaks)
_INITIALS = re.compile(r"(?:^[^\S\n]*|(?<=[.!?…\"”’]\s))([A-Z]{2,3}):\s", re.MULTILINE)
# a "Name Surname:" label inside a line that lost its breaks: after a sentence's end, or
# opening the line (after a PDF page number: "2 Patrick Lee: This begins ...")
_MIXED_INLINE = re.compile(
    rf"(?:(?<=[.!?…\"”’]\s)|(?<=^\d\s)|(?<=^\d\d\s)|(?<=^\d\d\d\s)|^)"
    rf"(?P<name>{_MIXED_TOKEN}(?:\s+{_MIXED_TOKEN}){{1,2}}):\s",
    re.MULTILINE,
)
_MUSIC_WORD = re.compile(r"(?i)\bmusic(?:al)?\b")
# a played recording's marker ("(BEGIN VIDEO CLIP)", "[END PLAYBACK]") names no voice
_MEDIA_MARK = re.compile(r"(?i)^(?:begin|end)\b|\b(?:video(?:tape)?|playback|clip)\b")
# months and days that are names too, in a label of two words or more ("TILLY MARCH:")
_CALENDAR = frozenset(
    {"January", "March", "April", "May", "June", "July", "August", "September", "Sunday"}
)
_MIXED_NAME = re.compile(rf"{_MIXED_TOKEN}(?:\s+{_MIXED_TOKEN}){{1,2}}")
_BRACKET = re.compile(r"^\[\s*(?P<tag>[^\[\]]{1,40}?)\s*\](?:\s*(?P<rest>.*))?$")
_CUE = re.compile(r"^[\[(]\s*(?P<body>[^\[\]()]{1,100}?)\s*[\])]$")
# a script's stage direction, a sentence about the scene in a bracket of its own: "(The
# Doctor sits up.)", "[A door opens somewhere below.]" (never "(Opens in a new window)")
_SCENE = re.compile(
    r"^[\[(]\s*(?P<body>(?:The|A|An|His|Her|Their|They|He|She|Everyone|Someone|Later|Meanwhile)"
    r"\s[^\[\]()]{8,600}?"
    # or sentences about the scene, two or more: "(Very white, very high-tech. The sound ...)"
    r"|[A-Z][^\[\]()?]{8,600}?[.!]\s+[A-Z][^\[\]()?]{8,600}?[.!])\s*[\])]$"
)
# "[ as Jane crosses the stage, she waves ]": what a character does, said of them in the third
# person (never "I", "we" or "you": those are words someone speaks)
_ACTION = re.compile(
    r"^\[\s*(?P<body>(?=[^\[\]]*\b(?:he|she|they|his|her|their|him|them)\b)"
    r"(?![^\[\]]*\b(?:I|I['’]m|we|you|my|our|your|me|us)\b)[^\[\]]{8,600}?)\s*\]$"
)
# a radio script's music cue, in the words of the studio: "(MUSIC ... THEME ... FADE FOR)",
# "(MUSIC: AN ACCENT, AND UNDER)", "[Music swells]"
_PRODUCTION = re.compile(
    r"(?i)\b(?:fades?|fading|under|segue|bridge|sting|accent|curtain|up\s+and\s+out|crossfade"
    r"|establish(?:es|ed)?|swells?|out)\b"
)
_SLASH = re.compile(
    r"^(?P<name>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3})\s*/\s*(?P<role>[^/.!?]{2,60})$"
)
_SOUNDBITE_WHO = re.compile(
    r"^(?P<who>[^:\"“”]{1,80}?)\s*(?:\((?P<paren>[^()]{1,60})\))?\s*:\s*(?P<rest>.+)$"
)
# a cue or label that may sit inside a line, where a transcript lost its line breaks
_INLINE = re.compile(
    rf"(?<!\S)(?:\[[^\[\]]{{1,40}}\]|\([^()]{{1,100}}\)|(?:{_HONORIFIC})?{_CAPS_NAME}"
    rf"(?:\s*\([^()]{{1,80}}\))?(?:\s*,\s*{_ROLE})?\s*:(?=\s))"
)


def _fold_table() -> dict[int, str]:
    """Each Latin letter with a diacritic as its base letter, one character for one."""
    special = dict(zip("ŁłØøĐđÆæŒœßÞþÐðĦħı", "LlOoDdAaOosTtDdHhi", strict=True))
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = special.get(char) or unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """`text` with "Chloé" as "Chloe" and "ŁUKASZ" as "LUKASZ", each character where it
    stood: the label patterns are written for A-Z, the names on a page are not. A "ß" in a
    word in capitals ("GROßMANN", which has no capital of its own) is an "S"."""
    if "ß" in text:
        text = re.sub("ß", _sharp_s, text)
    return text.translate(_FOLD)


def _sharp_s(match: re.Match[str]) -> str:
    """ "S" between capitals ("STRAßE", "GROß "), else "s"."""
    at, text = match.start(), match.string
    near = (text[at - 1 : at] + text[at + 1 : at + 2]).replace("ß", "")
    return "S" if near and near.isupper() else "s"


def _unfold(value: str, original: str, folded: str) -> str:
    """`value`, read from `folded`, spelt again as `original` spells it ("Chloe Dubois" from
    "CHLOÉ DUBOIS: ..." is "Chloé Dubois"), keeping the case `value` was given."""
    at = folded.find(value)
    if at < 0:
        at = folded.lower().find(value.lower())
    if at < 0:
        return value
    spelt = original[at : at + len(value)]
    return "".join(
        o if len(o.upper()) > 1 else o.upper() if v.isupper() else o.lower() if v.islower() else o
        for v, o in zip(value, spelt, strict=True)
    )  # ("ß" stays "ß": its capitals are "SS")


@dataclass(frozen=True)
class Label:
    """A label or cue at the start of a block, as recognised."""

    kind: str  # host, speaker, reporter, voxpop, music, direction
    written: str  # as on the page, for the notes
    name: str | None = None  # the speaker's name, in title case ("Jane Doe")
    role: str | None = None  # what the page says they are ("Author", "Shop Owner")
    quote: bool = False  # covers only the quote it opens (a soundbite, a Name/ Role line)
    by_role: bool = False  # names a role, not a person ("PRIME MINISTER:", "Q:")

    @property
    def spoken(self) -> bool:
        return self.kind in ("host", "speaker", "reporter", "voxpop")


def without_table_cells(text: str) -> str:
    """A script laid out as a table ("BILL | Bye! |", "SFX | DOOR OPENS |") as labelled lines
    ("BILL: Bye!"), when the page has five rows or more and its names recur."""
    lines = text.split("\n")
    rows = [m for line in lines if (m := _PIPED.match(line))]
    names = Counter(m["name"] for m in rows)
    if len(rows) < 5 or not any(n >= 2 for n in names.values()):
        return text
    return "\n".join(
        f"{m['name']}: {m['rest']}" if (m := _PIPED.match(line)) else line for line in lines
    )


# emphasis around a label at a line's start: "**Jane Doe:**", "**Jane Doe**:", "__HOST:__",
# "**[00:53] Jane Doe:**" (the stamp stays, for the timecode reader)
_EMPHASIS_LABEL = re.compile(
    r"^(?P<indent>[^\S\n]*)(?P<mark>\*\*|__|\*|_)(?P<stamp>\[[\d:.,]{4,12}\][^\S\n]*)?"
    r"(?P<label>[^\W\d_][^*_:\n]{0,80}?)\s*"
    r"(?:(?P=mark)\s*:|:\s*(?P=mark))",
    re.MULTILINE,
)
# a list bullet before a label: "• Jane Doe: ...", "- HOST: ...", "> Jane Doe: ..."
_BULLET_LABEL = re.compile(
    r"^(?P<indent>[^\S\n]*)(?:[•·▪◦‣∙*+>–—-][^\S\n]+)+"
    r"(?=(?:\*\*|__|\*|_)?[^\W\d_][^:\n]{0,80}:(?:\*\*|__|\*|_)?(?:\s|$))",
    re.MULTILINE,
)
# a line that is all bold, a heading: "**Security Council**", "**Iraq" (the close left off)
_BOLD_LINE = re.compile(
    r"^(?P<indent>[^\S\n]*)(?P<mark>\*\*|__)(?P<text>[^*_\n]{1,100}?)(?P=mark)?[^\S\n]*$",
    re.MULTILINE,
)
# a label in capitals glued to the page's text before it, where a scraped page lost the
# break: "... online sponsorshipJUDY WOODRUFF: Good evening."
_GLUED_LABEL = re.compile(r"(?<=[a-z]{4})(?=[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){1,4}:\s)")
# a diarizing recogniser's tag as a label, counted from 0: "SPEAKER_00:", "**SPEAKER_01:**"
_RECOGNISER_TAG = re.compile(
    r"^(?P<pre>[^\S\n]*(?:\*\*|__|\*)?(?:\[[\d:.,]{4,12}\][^\S\n]*)?)"
    r"(?i:speaker)_(?P<n>\d{1,2})(?=(?:\*\*|__|\*)?\s*:)",
    re.MULTILINE,
)
# a Markdown escape: "\[laughs\]", "\*", "\_"
_ESCAPE = re.compile(r"\\([\[\]()*_#.!>`+-])")


# a cell of a time column: "00:00:01.000", "1.25", "0:05", "12"
_TIME_CELL = re.compile(r"\s*\d{1,2}(?:[:.,]\d{1,3}){0,3}\s*")
# a header's name for the column of words, or of who speaks
_TEXT_COLUMNS = frozenset(
    {"text", "transcript", "content", "utterance", "caption", "sentence", "words", "line"}
    | {"dialogue", "dialog", "body", "speech", "subtitle", "value"}
)
_SPEAKER_COLUMNS = frozenset({"speaker", "name", "who", "voice", "character", "speaker name"})


def without_delimited_rows(text: str) -> str:
    """A transcript exported as rows of cells (CSV or tab-separated: speaker, start, end,
    text) as one line per row, "Speaker: words", line for line. Told by shape: three rows or
    more with the same number of cells, a column of times or a header naming the column of
    words; the words are the column with the most of them, the speaker a column of short
    names that recur."""
    rows_text = text.split("\n")
    if not any(d in text[:2000] for d in (",", "\t", ";")):
        return text
    for delimiter in ("\t", ",", ";"):
        try:
            parsed = [next(csv.reader([line], delimiter=delimiter), []) for line in rows_text]
        except csv.Error:  # a cell longer than any row of a transcript's: no table
            return text
        filled = [i for i, row in enumerate(parsed) if any(c.strip() for c in row)]
        widths = Counter(len(parsed[i]) for i in filled)
        if not widths:
            return text
        width, count = widths.most_common(1)[0]
        if width < 2 or count < 3 or count < 0.8 * len(filled):
            continue
        table = [i for i in filled if len(parsed[i]) == width]
        header = [c.strip().lower() for c in parsed[table[0]]]
        named = any(c in _TEXT_COLUMNS for c in header)
        body = table[1:] if named or any(c in _SPEAKER_COLUMNS for c in header) else table
        columns = list(zip(*(parsed[i] for i in body), strict=True))
        timed = any(all(_TIME_CELL.fullmatch(c) for c in column) for column in columns)
        if not (named or timed) or len(body) < 3:
            continue
        said = max(range(width), key=lambda c: sum(len(v.split()) for v in columns[c]))
        if sum(len(v.split()) for v in columns[said]) < 3 * len(body):
            continue
        who = _speaker_column(columns, header if body is not table else [], said)
        lines = list(rows_text)
        rows = set(body)
        for i in filled:
            row = parsed[i]
            if i not in rows and len(row) > width:  # the words' own delimiter, unquoted
                row = [*row[:said], delimiter.join(row[said : said + len(row) - width + 1])]
                row += parsed[i][said + len(parsed[i]) - width + 1 :]
            elif i not in rows:  # the header, or a line of its own: a cell's next line, a title
                kept = rows_text[i]  # as written, less a quoted cell's opening or closing mark
                if kept.count('"') % 2:
                    kept = re.sub(r'^(\s*)"|"(\s*)$', r"\1\2", kept, count=1)
                lines[i] = "" if i == table[0] and body is not table else kept
                continue
            words = " ".join(row[said].split())
            name = " ".join(row[who].split()) if who is not None else ""
            lines[i] = f"{name}: {words}" if name else words
        return "\n".join(lines)
    return text


def _speaker_column(columns: list[tuple[str, ...]], header: list[str], said: int) -> int | None:
    """The column naming who speaks: the header says so, or short names that recur."""
    for at, name in enumerate(header):
        if name in _SPEAKER_COLUMNS and at != said:
            return at
    for at, column in enumerate(columns):
        values = Counter(" ".join(v.split()) for v in column)
        if (
            at != said
            and all(re.search(r"[^\W\d_]", v) and len(v.split()) <= 4 for v in values)
            and len(values) <= max(1, len(column) // 2)
        ):
            return at
    return None


def without_label_markup(text: str) -> str:
    """Labels out of their markup: Markdown's emphasis ("**Jane Doe:** Words" -> "Jane Doe:
    Words"; a line all in bold is a heading's words), a list bullet before a label ("• Jane
    Doe: Words") and Markdown's escapes ("\\[laughs\\]" -> "[laughs]"); whether the words
    before the colon are a label is for the label reader to say. A transcript exported as
    rows of cells becomes labelled lines first."""
    text = without_delimited_rows(text)
    text = _ESCAPE.sub(r"\1", text)
    # SPEAKER_00 is "Speaker 1", as people count (and as the captions reader names it)
    text = _RECOGNISER_TAG.sub(lambda m: f"{m['pre']}Speaker {int(m['n']) + 1}", text)
    text = _GLUED_LABEL.sub(" ", text)
    text = _BOLD_LINE.sub(lambda m: f"{m['indent']}{m['text'].strip()}", text)
    text = _BULLET_LABEL.sub(lambda m: m["indent"], text)
    return _EMPHASIS_LABEL.sub(
        lambda m: f"{m['indent']}{m['stamp'] or ''}{m['label'].rstrip()}:", text
    )


def _unhonoured(name: str) -> str:
    """A name without the honorific before it: "Mr Tomas Varga" -> "Tomas Varga"."""
    return re.sub(rf"^{_HONORIFIC}", "", name)


def _initials(word: str) -> bool:
    """ "JR", "TG", "MJK": a voice's initials, not a word in capitals (no vowel; not an
    honorific such as "MR" or "DR")."""
    return re.fullmatch(r"[B-DF-HJ-NP-TV-Z]{2,3}", word) is not None and word not in {
        "MR", "MRS", "MS", "DR", "ST", "SR", "MSS", "PP"
    }  # fmt: skip


def title_case(name: str) -> str:
    """'JANE DOE' -> 'Jane Doe', 'HAN MI-RAE' -> 'Han Mi-rae' (Korean given names); initials
    stay capitals ('JR', 'TG': two or three letters and no vowel)."""
    words = []
    for word in name.split():
        if word.isupper() and len(word) > 1 and not _initials(word):
            head, *tail = word.split("-")
            word = "-".join([head.capitalize(), *(t.lower() for t in tail)])
        words.append(word)
    return " ".join(words)


class LabelReader:
    """Recognises the labels and cues of one page (mixed-case labels must recur on it)."""

    def __init__(self, words: Words, text: str = "", speakers: Iterable[str] = ()) -> None:
        """`speakers`: names a caption file tagged as speakers (`<v Name>`, `[Name]`).
        The page is read with its letters folded to A-Z (`fold`); what `split` gives back is
        spelt as the page spells it."""
        self.words = words
        self._splits: dict[str, tuple[Label | None, str]] = {}  # what `split` read, by line
        text, speakers = fold(text), [fold(name) for name in speakers]
        # the page's lines that open with a mixed-case label, read once for all below
        labelled = [
            match
            for line in text.splitlines()
            if (match := _MIXED_LABEL.match(" ".join(line.split())))
        ]
        counts = Counter(match.group("name") for match in labelled)
        self.mixed = {name for name, n in counts.items() if n >= 2 and self._person_like(name)}
        self.mixed |= set(speakers)
        # "Yonit Levy:" again and again, then "Levy:": a recurring full name's surname (or
        # given name) alone is the same voice's label
        full = [name.split() for name in self.mixed if len(name.split()) >= 2]
        named = {t for tokens in full for t in (tokens[0], tokens[-1])}
        self.mixed |= {name for name in counts if name in named and self._person_like(name)}
        # "Mr Tomas Varga, Deputy President:" once, then "Varga:" again and again: the full
        # name whose surname recurs as a label is the same voice's; and a surname seen once
        # after its full name given with a role ("Amara Lindqvist, Speaker:" ... "Lindqvist:")
        given = {
            name
            for name in counts
            if len(name.split()) >= 2
            and _unhonoured(name).split()[-1] in self.mixed
            and self._person_like(name)
        }
        billed = {
            match["name"]
            for match in labelled
            if match["role"] and len(_unhonoured(match["name"]).split()) >= 2
        }
        surnames = {_unhonoured(name).split()[-1] for name in given | billed}
        self.mixed |= given | {
            name for name in counts if name in surnames and self._person_like(name)
        }
        # "Jane Doe:" alone on its line above the words, again and again: then a name seen
        # once in that form is a label too
        alone = sum(1 for match in labelled if not match.group("rest"))
        self.labels_alone = alone >= 3
        # the surnames of full names in capital labels: "DEAN:" after "HOWARD DEAN, CHAIR:"
        # is a label even where the surname is also a title word (Dean, Major, Judge)
        self.surnames = {
            match.group("name").split()[-1]
            for line in text.splitlines()
            if (match := _CAPS_LABEL.match(" ".join(line.split())))
            and len(match.group("name").split()) >= 2
        }
        # "SFX mild applause": a cue word in capitals without a colon, again and again
        bare = Counter(
            normal(m["role"]) for line in text.splitlines() if (m := _BARE_CUE.match(line.strip()))
        )
        cue_words = words.music_labels | words.sound_labels | words.direction_labels
        self.bare_cues = {word for word, n in bare.items() if n >= 2 and word in cue_words}
        # a script: production cue lines again and again ("SFX: ...", "MUSIC: ...", "SFX ...");
        # its characters may be named by a role ("Radio Officer:", "Captain:"), and speak once
        cue_lines = sum(
            1
            for line in text.splitlines()
            if ((m := _ROLE_ONLY.match(line.strip())) and normal(m["role"]) in cue_words)
            or ((m := _BARE_CUE.match(line.strip())) and normal(m["role"]) in self.bare_cues)
        )
        self.script = cue_lines >= 2
        # "INTERVIEWER - Hello.": a name in capitals and a dash, when the page does it again
        dashed = Counter(m.group(1) for line in text.splitlines() if (m := _DASH.match(line)))
        self.dashed = {name for name, n in dashed.items() if n >= 2}
        # initials as labels ("CO:", "JD:"), when they recur
        initials = Counter(m.group(1) for m in _INITIALS.finditer(text))
        self.initials = {label for label, n in initials.items() if n >= 2}
        # "Terry Gross: Hi." once, then "TG:" again and again: the full name is a label too
        # (once the page labels by initials, one "TR:" is enough for "Tim Russell:"; "SH:"
        # stands for "Sandra Stewart Holyoak:" too, and the full name may stand mid-line)
        inline = Counter(m["name"] for m in _MIXED_INLINE.finditer(text))
        for name in counts | inline:
            tokens = name.split()
            said = {"".join(t[0] for t in tokens), tokens[0][0] + tokens[-1][0]}
            known = said & self.initials or (self.initials and any(initials[s] for s in said))
            if known and self._person_like(name):
                self.mixed.add(name)
        # on a page whose turns are "Name:" labels, a name that speaks once is a label too:
        # a full name (at a line's start or after a sentence), or a first name the page
        # mentions elsewhere ("Alan, Bobby and Chuck")
        if len(self.mixed) >= 2:
            # each capitalised word, not followed by a colon: the mentions outside labels
            mentioned = Counter(re.findall(r"(?<![\w'’-])([A-Z][\w'’-]*)\b(?!\s*:)", text))
            # (where the voices that recur are labelled by one name, "Dana:", "Lili:", one
            # name heard once asking a question is written like them: a journalist, a caller;
            # "Remember: soup." is a remark)
            by_one_name = sum(1 for name in self.mixed if len(name.split()) == 1) >= 2
            asking = {match["name"] for match in labelled if "?" in (match["rest"] or "")}
            once = {
                name
                for name, n in (counts | inline).items()
                if n == 1
                and self._person_like(name)
                and (
                    len(name.split()) >= 2
                    or mentioned[name] >= 1
                    or (by_one_name and name in asking)
                )
            }
            # voices heard once, no more of them than the turns of those who recur, up to a
            # dozen (an oral history's interviewees, one turn each); hundreds are not a cast
            turns = sum(n for name, n in (counts | inline).items() if name in self.mixed)
            # "Lisa Owen:" once, then "Owen:" again and again: the page names each voice in
            # full at its first turn; where it does so twice or more, every full name heard
            # once is a voice, however many (a news review's clips), and so is the surname
            # it goes on with once ("James Shaw:" ... "Shaw:")
            surnames = {name.split()[-1] for name in once if len(name.split()) >= 2}
            introduced = {n for n in once if len(n.split()) >= 2 and n.split()[-1] in self.mixed}
            if len(introduced) >= 2:
                self.mixed |= {n for n in once if len(n.split()) >= 2}
                self.mixed |= {
                    name
                    for name, n in counts.items()
                    if n == 1 and name in surnames and self._person_like(name)
                }
            elif len(once) <= max(4, 2 * len(self.mixed), min(turns, 12)):
                self.mixed |= once
        self.mixed |= self._handed_over(text)
        # voices the page numbers or letters, two or more of each ("MAN 1:" and "MAN 2:",
        # "Speaker A:" and "Speaker B:", "Student 1:" and "Student 2:")
        numbers: dict[str, set[str]] = {}
        for line in text.splitlines():
            if (found := _COUNTED.match(line.strip())) is not None:
                numbers.setdefault(found["stem"].lower(), set()).add(found["n"].upper())
        stop = words.not_speakers | words.segment_labels | words.music_labels | words.sound_labels
        self.counted = {
            stem
            for stem, seen in numbers.items()
            if len(seen) >= 2 and stem not in stop and stem not in _DIVISIONS
        }
        # a name alone on its line, again and again, with the words below it: a label
        lines = Counter(" ".join(line.split()) for line in text.splitlines())
        # in capitals with its colon ("MAN A:", "THE STRANGER:"), whatever it names
        self.caps_alone = {
            line[:-1].strip()
            for line, n in lines.items()
            if n >= 2
            and _CAPS_ALONE.fullmatch(line)
            and normal(line[:-1]) not in stop
            and normal(line[:-1]).split()[0] not in _DIVISIONS
        }
        self.alone = {
            line
            for line, n in lines.items()
            if n >= 2 and _MIXED_NAME.fullmatch(line) and self._person_like(line)
        }
        starts = Counter(
            normal(match.group("role"))
            for line in text.splitlines()
            if (match := _ROLE_ONLY.match(line.strip())) is not None
        )
        # "Q    Words": the page's lines keep their spaces, the blocks read later do not
        self.bare_q = any(_BARE_Q.match(line.strip()) for line in text.splitlines())
        # with answer labels (A:) the questioner is the interviewer, the programme's host
        self.answers = any(starts[a] for a in words.answerer_labels)
        # unless the questions come from the audience ("AUDIENCE Q:", a page headed
        # "Questions from the congregation"): then the one who answers is the host
        head = "\n".join(line for line in text.splitlines()[:12] if line.strip())
        self.audience = any(self._audience_label(key) for key in starts) or bool(
            words.audience_questions.search(head)
        )
        # a page headed as a briefing ("Spokesperson's Regular Press Conference") whose
        # answers are bare "A:": the one answering holds the briefing (the host), the
        # journalists asking are its guests
        self.briefing = self.answers and not self.audience and bool(words.press_event.search(head))

    def _audience_label(self, key: str) -> bool:
        """ "audience q", "listener question": an audience word and a questioner label."""
        tokens = key.split()
        return any(
            " ".join(tokens[:i]) in self.words.audience_questioners
            and " ".join(tokens[i:]) in self.words.questioner_labels
            for i in range(1, len(tokens))
        )

    def _handed_over(self, text: str) -> set[str]:
        """ "..., the voice of Night Vale, Cecil Baldwin!" then "Cecil: The writing ...": a
        name handed over to at the end of a line and labelling the next is a label, and so
        is the full name labelling the line that hands over."""
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not re.fullmatch(r"\[[^\[\]]*\]|\([^()]*\)", line)]
        found: set[str] = set()
        for before, line in itertools.pairwise(lines):
            match = _MIXED_LABEL.match(line)
            if match is None or not match.group("rest") or not self._person_like(match["name"]):
                continue
            name = match["name"]
            tail = before[-60:]
            if re.search(rf"\b{re.escape(name)}(?:\s+[A-Z][\w'’-]+)?\s*[!.]?$", tail) or (
                len(name.split()) >= 2 and tail.endswith((f"{name}.", f"{name}!", name))
            ):
                found.add(name)
                said = _MIXED_LABEL.match(before)
                full = said is not None and len(said["name"].split()) >= 2
                if said is not None and full and self._person_like(said["name"]):
                    found.add(said["name"])
        return found

    def _person_like(self, name: str) -> bool:
        tokens = name.replace("#", " ").split()
        if normal(name) in self.words.not_speakers or not tokens:
            return False
        if any(t.isdigit() for t in tokens):
            return False
        # past three words, a long title before the name: "Deputy President Jane Roe", "PM
        # Lee Hsien Loong"
        titled = itertools.takewhile(
            lambda t: t.rstrip(".") in self.words.titles or re.fullmatch(r"[A-Z]{2,3}", t), tokens
        )
        if len(tokens) - len(list(titled)) > 3:
            return False
        cased = [title_case(t) for t in tokens]
        blocked = self.words.not_names | self.words.programme_words
        if len(cased) >= 2:  # "MAY PENN:", "JUNE CARTER:": a month is a first name too
            blocked = blocked - _CALENDAR
        return not any(t in blocked for t in cased)

    # --- cues -----------------------------------------------------------------------------

    def cue(self, text: str) -> Label | None:
        """A music cue or stage direction standing alone: (MUSIC), [LAUGHTER], (Applause)."""
        match = _CUE.match(text)
        if match is None:
            return None
        body = match.group("body").strip()
        # a cue line in brackets: "[SFX: A door slams]", "(THEME: the band plays)"
        inner = _ROLE_ONLY.match(body)
        if inner is not None and normal(inner.group("role")) in self.words.music_labels:
            return Label("music", text, role="cue line")
        if inner is not None and normal(inner.group("role")) in self.words.sound_labels:
            return Label("direction", text, role="cue line")
        if self.words.music_cues.match(body) or _MUSIC_WORD.search(body):
            # "(MUSIC)", "(upbeat music)", "[gentle music plays]"; in a script's words, a cue line
            return Label("music", text, role="cue line" if _PRODUCTION.search(body) else None)
        if self.words.stage_directions.match(body):
            return Label("direction", text)
        letters = [c for c in body if c.isalpha()]
        if text.startswith("(") and letters and all(c.isupper() for c in letters):
            # (HORN, BRAKES), (TRUCK PASSING): a sound effect of a drama, counted as a cue line
            return Label("direction", text, role="sound effect")
        return None

    def _direction(self, text: str) -> Label | None:
        """A line that is all one bracket: [Door slams], (Phone rings), [Sound of rain]: a
        stage direction, not words (label tags such as [Anchor] aside)."""
        scene = _SCENE.match(text) or _ACTION.match(text)
        if scene is not None and not self.words.stage_directions.match(scene["body"]):
            return Label("direction", text, role="stage direction")
        match = _CUE.match(text)
        if match is None:
            return None
        body = match.group("body")
        tag = normal(body)
        tags = self.words.host_labels | self.words.reporter_labels | self.words.soundbite_labels
        if tag in tags or len(body.split()) > 8 or body.endswith("?"):
            return None
        return Label("direction", text) if any(c.isalpha() for c in body) else None

    # --- labels ---------------------------------------------------------------------------

    def split(self, text: str) -> tuple[Label | None, str]:
        """The label or cue that opens `text`, and the words after it."""
        if (known := self._splits.get(text)) is None:  # each line is asked about again and again
            known = self._splits[text] = self._split_spelt(text)
        return known

    def _split_spelt(self, text: str) -> tuple[Label | None, str]:
        folded = fold(text)
        label, rest = self._split(folded)
        if folded == text:
            return label, rest
        if label is None:
            return None, text
        if rest and folded.endswith(rest):
            rest = text[len(text) - len(rest) :]
        return self._spelt(label, text, folded), rest

    def _spelt(self, label: Label, text: str, folded: str) -> Label:
        """`label`, read from the folded `text`, with the names as the page spells them."""
        return replace(
            label,
            written=_unfold(label.written, text, folded),
            name=_unfold(label.name, text, folded) if label.name else label.name,
            role=_unfold(label.role, text, folded) if label.role else label.role,
        )

    def _split(self, text: str) -> tuple[Label | None, str]:
        cue = self.cue(text)
        if cue is not None:
            return cue, ""
        if (direction := self._direction(text)) is not None:
            return direction, ""
        if text in self.alone:
            return Label("speaker", text, name=text), ""
        if text.endswith(":") and text[:-1].strip() in self.caps_alone:
            found = self._numbered(text) or self._role_only(text) or self._caps(text)
            return found or (Label("speaker", text, name=title_case(text[:-1].title())), "")
        dash = _DASH.match(text)
        if dash is not None and dash.group(1) in self.dashed:  # read as "NAME: words"
            label, rest = self._split(f"{dash.group(1)}: {text[dash.end() :]}")
            if label is not None:
                return replace(label, written=text[: dash.end()].strip()), rest
        for read in (
            self._cue_line,
            self._numbered,
            self._role_then_name,
            self._role_only,
            self._bracket,
            self._caps,
            self._mixed,
            self._slash,
        ):
            found = read(text)
            if found is not None:
                return found
        return None, text

    def _cue_line(self, text: str) -> tuple[Label, str] | None:
        """ "MUSIC: theme up", "SFX: a door slams", "F/X - a door slams": the whole line is a
        production cue."""
        if _CLIP_WORDS.match(text):  # a recorded clip's in or out words: played, not read
            return Label("direction", text, role="clip"), ""
        match = _ROLE_ONLY.match(text)
        if (
            match is not None
            and normal(match.group("role")) in self.words.soundbite_labels
            and not re.search(r"[A-Za-z]", match.group("rest") or "")
        ):  # "Clip: [005 – 00:27]": a recorded clip, played where it stands
            return Label("direction", text, role="clip"), ""
        if match is None and (dash := _CUE_DASH.match(text)) and dash.group("role").isupper():
            match = dash  # "F/X - ...", never "Noise - that is what kept me awake."
        bare = _BARE_CUE.match(text) if match is None else None
        if bare is not None and normal(bare["role"]) in self.bare_cues:
            match = bare  # "SFX mild applause", on a page that does it again
        if match is None:
            return None
        key = normal(match.group("role"))
        if key in self.words.music_labels:
            return Label("music", text, role="cue line"), ""
        if key in self.words.sound_labels:
            return Label("direction", text, role="cue line"), ""
        if key in self.words.direction_labels and (len(key) > 3 or key in self.bare_cues):
            return Label("direction", text, role="cue line"), ""
        return None

    def _numbered(self, text: str) -> tuple[Label, str] | None:
        """ "Speaker 2:", "CALLER 1:": a speaker the transcript numbers, not names."""
        match = _NUMBERED.match(text)
        if match is None:
            counted = _COUNTED.match(text)
            if counted is None or counted["stem"].lower() not in self.counted:
                return None
            match = counted
        name = " ".join(match.group("name").replace("#", " ").split()).title()
        written, rest = match.group("label"), (match.group("rest") or "").strip()
        if any(normal(name).startswith(v) for v in self.words.voxpop_labels):
            return Label("voxpop", written, name=name, role=name), rest
        if normal(name.rsplit(" ", 1)[0]) in self.words.host_labels:  # "HOST 2:": a co-host
            return Label("host", written, name=name), rest
        return Label("speaker", written, name=name), rest

    def _role_then_name(self, text: str) -> tuple[Label, str] | None:
        """ "Host (Jane Doe):", "GUEST (JOHN ROE):": a role the page names, and the person in
        brackets after it (a full name, never "Host (audio):")."""
        match = _ROLE_THEN_NAME.match(text)
        if match is None:
            return None
        role, name = " ".join(match["role"].split()), " ".join(match["name"].split())
        words = self.words
        known = (
            words.host_labels
            | words.reporter_labels
            | words.role_labels
            | words.moderator_labels
            | words.questioner_labels
            | words.answerer_labels
            | {normal(g) for g in words.lists.guest_words}
        )
        full = _MIXED_NAME.fullmatch(name) is not None or (
            name.isupper() and len(name.split()) >= 2
        )
        if normal(role) not in known or not full or not self._person_like(title_case(name)):
            return None
        label = self._named(match["label"], name, role, quote=False, titled=True)
        return (label, (match["rest"] or "").strip()) if label is not None else None

    def _role_only(self, text: str) -> tuple[Label, str] | None:
        """A speaker named by role alone: "PRIME MINISTER:", "PM:", "Q:", "A:"."""
        match = _ROLE_ONLY.match(text) or _BARE_Q.match(text)
        if match is None and self.bare_q:
            match = _ONE_SPACE_Q.match(text)
        if match is None:
            return None
        role = " ".join(match.group("role" if "role" in match.re.groupindex else "label").split())
        key = normal(role)
        rest = (match.group("rest") or "").strip()
        if self.audience and (key in self.words.questioner_labels or self._audience_label(key)):
            who = "Audience member"
            return Label("voxpop", match.group("label"), who, who, by_role=True), rest
        if self.audience and key in self.words.answerer_labels:
            return Label("host", match.group("label"), role=role, by_role=True), rest
        if self.briefing and key in self.words.questioner_labels:
            return Label("speaker", match.group("label"), "Journalist", role, by_role=True), rest
        if self.briefing and key in self.words.answerer_labels:
            return Label("host", match.group("label"), role=role, by_role=True), rest
        if key in self.words.questioner_labels:
            shown = "Interviewer" if self.answers else "Journalist"
            kind = "host" if self.answers else "speaker"
            return Label(kind, match.group("label"), name=shown, role=role, by_role=True), rest
        if key in self.words.answerer_labels:
            return Label("speaker", match.group("label"), "Interviewee", role, by_role=True), rest
        tokens = key.split()
        tails = {" ".join(tokens[i:]) for i in range(len(tokens))}  # "foreign minister"
        if not tails & self.words.role_labels or key in self.words.not_speakers:
            return None
        if not all(t[:1].isupper() for t in role.split()):  # "The CHAIRMAN", "Prime Minister"
            return None
        shown = role if len(role) <= 3 else title_case(role.title() if role.isupper() else role)
        return Label("speaker", match.group("label"), name=shown, role=role, by_role=True), rest

    def _role_kind(self, role: str | None) -> str | None:
        if role is None:
            return None
        key = normal(role)
        # the whole role, then its last words: "CNN ANCHOR", "CHIEF WHITE HOUSE CORRESPONDENT"
        tokens = key.replace(",", " ").split()
        for tail in [key, *(" ".join(tokens[i:]) for i in range(1, len(tokens)))]:
            if tail in self.words.host_labels:
                return "host"
            if tail in self.words.reporter_labels:
                return "reporter"
        return None

    def _named(
        self,
        written: str,
        name: str,
        role: str | None,
        quote: bool,
        titled: bool = False,
        character: bool = False,
    ) -> Label | None:
        """A label naming someone: the host, the reporter, a voxpop or a speaker."""
        key = normal(re.sub(r"#\s*\d+", "", name))
        if key in self.words.host_labels:
            return Label("host", written, role=role, quote=quote)
        if key in self.words.reporter_labels:
            return Label("reporter", written, role=role, quote=quote)
        if any(key.startswith(v) for v in self.words.voxpop_labels):
            return Label("voxpop", written, name=title_case(name), role=role, quote=quote)
        name = re.sub(r"(?i),?\s+(?:jr|sr)\.?$", "", name)  # "SULZBERGER Jr.": the surname last
        tokens = title_case(name).split()
        # "SENATOR JANE DOE", "PM Lee" (a title word last is a surname: "RITA JUDGE")
        if len(tokens) >= 2 and re.fullmatch(r"[A-Z]{2,3}", name.split()[0]) and not name.isupper():
            tokens = tokens[1:]
        while tokens and tokens[0].rstrip(".") in self.words.titles:
            tokens = tokens[1:]
        if not tokens and name in self.surnames:
            tokens, titled = [title_case(name)], True
        if character:  # a script's character: "Captain:", "Radio Officer:", "Voice:"
            tokens, titled = tokens or title_case(name).split(), True
        # a character: "THE LIBRARIAN:", "THE DIRECTOR:" (a drama's cast in capitals)
        cased = title_case(name).split()
        if len(cased) >= 2 and cased[0] == "The" and name.isupper():
            tokens, titled = cased, True
        person = " ".join(tokens)
        if not tokens or not (titled or self._person_like(person)):
            return None
        kind = self._role_kind(role) or "speaker"
        return Label(kind, written, name=person, role=role, quote=quote)

    def _bracket(self, text: str) -> tuple[Label, str] | None:
        match = _BRACKET.match(text)
        if match is None:
            return None
        tag, rest = normal(match.group("tag")), (match.group("rest") or "").strip()
        written = text[: len(text) - len(rest)].strip() if rest else text
        if tag in self.words.host_labels:
            return Label("host", written), rest
        if tag in self.words.reporter_labels:
            return Label("reporter", written), rest
        if tag in self.words.soundbite_labels:
            who = _SOUNDBITE_WHO.match(rest)
            if who is None:
                return Label("voxpop", written, name=None, quote=True), rest
            name, role = who.group("who").strip(), who.group("paren")
            if role is None and "," in name:  # "[Clip] LENA ORTIZ, HARBOUR MASTER: ..."
                name, role = (part.strip() for part in name.split(",", 1))
            said = who.group("rest").strip()
            written = text[: len(text) - len(said)].strip()
            # a tagged soundbite names a person even when a word of the name is a common
            # one ("Oh Jin-soo"); a role alone ("Seoul resident") names no one: a voxpop
            label = self._named(written, name, role, quote=True, titled=role is not None)
            if label is None:
                label = Label("voxpop", written, role=name, quote=True)
            return label, said
        return None

    def _caps(self, text: str) -> tuple[Label, str] | None:
        match = _CAPS_LABEL.match(text)
        if match is None or not any(c.isalpha() for c in match.group("name")):
            return None
        if match.group("hon") is None and len(re.sub(r"[^A-Z]", "", match.group("name"))) < 2:
            return None
        role = match.group("role") or match.group("paren")
        titled = match.group("hon") is not None or match.group("name") in self.initials
        label = self._named(match.group("label"), match.group("name"), role, False, titled)
        if label is None:
            return None
        return label, (match.group("rest") or "").strip()

    def _mixed(self, text: str) -> tuple[Label, str] | None:
        match = _MIXED_LABEL.match(text)
        if match is None:
            return None
        name, role = match.group("name"), match.group("role") or match.group("paren")
        # a script's character, seen once or named by a role ("Radio Officer:")
        character = self.script and bool(match.group("rest")) and self._character(name)
        # "Denise Batters, Senator:" once, on a page with recurring name labels: a full name
        # with its title is a voice, heard once (a clip in a programme's opening)
        billed = (
            bool(self.mixed)
            and match.group("role") is not None
            and len(name.split()) >= 2
            and len(match.group("role").split()) <= 4
            and self._person_like(name)
        )
        if (
            name not in self.mixed
            and not character
            and not billed
            and not (self.labels_alone and not match.group("rest"))
            and self._role_kind(role) is None
            and self._role_kind(name) is None
            and normal(name) not in self.words.segment_labels  # "Intro:", once, is a label
        ):
            return None  # "Jane Doe, host:" and "Announcer:" need no repetition; "Anna:" must recur
        if normal(name) in self.words.not_speakers:
            return None
        label = self._named(match.group("label"), name, role, quote=False, character=character)
        if label is None:
            return None
        return label, (match.group("rest") or "").strip()

    def _character(self, name: str) -> bool:
        """A name a script's character may have: words that are no function word, heading
        or field name ("Scene:", "Note:", "The:")."""
        tokens = name.split()
        stop = self.words.not_speakers | self.words.segment_labels | self.words.music_labels
        function = {"The", "A", "An", "This", "That", "And", "But", "So", "Well", "Now", "Then"}
        return not (
            any(normal(t) in stop for t in tokens)
            or normal(name) in stop
            or tokens[0] in function
            or normal(name) in self.words.sound_labels | self.words.direction_labels
        )

    def _slash(self, text: str) -> tuple[Label, str] | None:
        match = _SLASH.match(text)
        if match is None:
            return None
        label = self._named(text, match.group("name"), match.group("role").strip(), quote=True)
        if label is None or label.kind != "speaker":
            return None
        return label, ""

    # --- lines that lost their breaks ------------------------------------------------------

    def split_inline(self, line: str) -> list[str]:
        """`line` cut before every label and around every cue inside it (a transcript that
        lost its line breaks keeps its labels: "... reporting. JANE DOE: Thank you.")."""
        original, line = line, fold(line)  # (the same length: the cuts stand in both)
        cuts = {0, len(line)}
        for match in _MIXED_INLINE.finditer(line):  # "... today? James Pressman: I was born"
            if match["name"] in self.mixed and match.start() > 0:
                cuts.add(match.start("name"))
        for match in _INLINE.finditer(line):
            start = match.start()
            if start == 0 and match.end() == len(line):
                continue
            piece = line[start:]
            candidate = match.group(0)
            if candidate.startswith(("[", "(")):
                label = self.cue(candidate)
                if label is None:
                    label = self._split(piece)[0]
                    if label is not None and label.kind == "direction":
                        continue  # "(Talk Easy with Sam Fragoso)" inside a line is words
                if label is None:
                    continue
                if label.kind in ("music", "direction"):
                    cuts |= {start, match.end()}
                    continue
            else:
                label, _ = self._split(piece)
                if label is None or not self._inline_start(line, start, label):
                    continue
            cuts.add(start)
        ordered = sorted(cuts)
        pieces = [original[a:b].strip() for a, b in itertools.pairwise(ordered)]
        return [p for p in pieces if p]

    def _inline_start(self, line: str, start: int, label: Label) -> bool:
        """A label found inside a line, not a shouted word in a sentence: it follows the end
        of a sentence or a date, or it is a known role (HOST:) or a full name."""
        if start == 0:
            return True
        before = line[:start].rstrip()
        if re.search(r"[.!?…\"”’)\]]$|\d$", before):
            return True
        if label.written.rstrip(": ") in self.initials:  # "... born in SH: Let me ask": a
            return True  # PDF lost the year before the page's recurring initials label
        return label.kind == "host" or len((label.name or "").split()) >= 2


# --- the page's own label syntax, found by repetition -------------------------------------

# a word of a name in a label: "Jane", "DOE", "O'Brien", "J.", "Mi-rae"; "de", "van" inside
_NAME_WORD = r"[A-Z][\w'’.\u2010\u2011-]*"
_PARTICLE = r"(?:de|da|del|der|di|du|la|le|van|von|bin|al|el|ibn|dos|das)"
_SYNTAX_NAME = rf"{_NAME_WORD}(?:[ ](?:{_NAME_WORD}|{_PARTICLE}(?=[ ]))){{0,3}}(?:[ ]?#?\d{{1,2}})?"
_SYNTAX_EXTRA = r"(?:[ ]?\([^()\n]{1,40}\))?"
# the punctuation that may close a label: a colon written another way, a dash, an arrow...
_SYNTAX_SEP = r"::|[:：>|=~;»]"
_CLOSING = {"[": "]", "(": ")", "<": ">", "{": "}", "**": "**", "__": "__"}
# the name wrapped: "[Jane Doe] words", "<JD> words", "**Jane Doe** words", "(JANE) — words"
_SYNTAX_WRAPPED = re.compile(
    rf"^(?P<open>\[|\(|<|\{{|\*\*|__)[ ]?(?P<name>{_SYNTAX_NAME})(?P<extra>{_SYNTAX_EXTRA})[ ]?"
    rf"(?P<close>\]|\)|>|\}}|\*\*|__)(?:[ ]?(?P<sep>{_SYNTAX_SEP}|[\-–—]{{1,2}})(?=[ \t]|$))?"
    r"(?:[ \t]*(?P<rest>\S.*))?$"
)
# the name and a separator: "Jane Doe — words", "JD> words", "Jane Doe | words", "JANE\twords"
# (a role after a comma: "JANE DOE, HOST — words")
_SYNTAX_SEPARATED = re.compile(
    rf"^(?P<name>{_SYNTAX_NAME})(?P<extra>(?:,[ ]?[A-Za-z][\w.'’&/ -]{{0,30}}?)?{_SYNTAX_EXTRA})"
    rf"(?:[ ]?(?P<sep>{_SYNTAX_SEP})|[ ](?P<dash>[\-–—]{{1,2}})|(?P<gap>\t+|[ ]{{3,}}))"
    r"(?:[ \t]*(?P<rest>\S.*))?$"
)
# a name in capitals running straight into the words: "JANE DOE Good evening."
_CAPS_WORD = r"[A-Z][A-Z'’.\u2010\u2011-]+"
_SYNTAX_CAPS = re.compile(
    rf"^(?P<name>{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,3}}(?:[ ]#?\d{{1,2}})?)"
    r"(?P<extra>[ ]?\([^()\n]{1,40}\))?[ ](?P<rest>[A-Z\"“‘'(¿¡](?![A-Z]).*)$"
)
# a surname in capitals after a title or honorific, or a name in capitals with its role,
# and a full stop: "Mr. OKONJO. Thank you.", "The CHAIRMAN. ...", "JANE DOE, HOST. ..."
_SYNTAX_TITLED_CAPS = re.compile(
    rf"^(?P<name>(?:(?:[A-Z][a-z]+\.?)[ ]){{1,2}}{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,2}}"
    rf"|{_CAPS_WORD}(?:[ ]{_CAPS_WORD}){{0,3}},[ ][A-Z][A-Z'’ -]{{1,30}}?)"
    r"\.[ ]+(?P<rest>[A-Z\"“‘'(¿¡].*)$"
)
# a name alone on its line, the words below it: "JANE DOE", "Jane Doe (V/O)", "JANE DOE -"
_SYNTAX_ALONE = re.compile(
    rf"^(?P<name>{_SYNTAX_NAME})(?P<extra>{_SYNTAX_EXTRA})"
    rf"(?:[ ]?(?P<sep>{_SYNTAX_SEP}|[\-–—]{{1,2}}))?$"
)


@dataclass(frozen=True)
class _Shaped:
    """A line that may open with a label in the page's own punctuation."""

    index: int  # the line's index in the text
    form: str  # how the label is written: "[]", "—", "caps", "alone:" ...
    name: str
    extra: str  # a bracket after the name: "(host)", "(V/O)"
    rest: str  # the words after it; "" when the name stands alone on its line


def _shaped(index: int, line: str) -> _Shaped | None:
    """The label shape `line` opens with, whether or not it is a label."""
    line = line.strip()
    if (match := _SYNTAX_WRAPPED.match(line)) is not None:
        if _CLOSING[match["open"]] != match["close"]:
            return None
        form = f"{match['open']}{match['close']}{match['sep'] or ''}"
    elif (match := _SYNTAX_SEPARATED.match(line)) is not None:
        if match["sep"] in (":", None) and match["dash"] is None and match["gap"] is None:
            return None  # "Jane Doe: words" is the label reader's own form
        form = match["sep"] or match["dash"] or "gap"
    elif (match := _SYNTAX_ALONE.match(line)) is not None:
        form = match["sep"] or ""
    elif (match := _SYNTAX_CAPS.match(line)) is not None:
        form = "caps"
        if match["name"].endswith(".") and not re.search(r"\b[A-Z]\.$", match["name"]):
            name = match["name"].rstrip(".")  # "JANE DOE. Good evening."
            return _Shaped(index, "caps.", name, "", match["rest"].strip())
    elif (match := _SYNTAX_TITLED_CAPS.match(line)) is not None:
        # "Mr. OKONJO. Thank you.", "Chairwoman HALVERSEN. The committee ...", "JANE DOE,
        # HOST. Good morning." (a hearing's record): the same shape as "JANE DOE. ..."
        return _Shaped(index, "caps.", match["name"], "", match["rest"].strip())
    else:
        return None
    rest = (match.groupdict().get("rest") or "").strip()
    extra = " ".join((match["extra"] or "").split())
    if extra.startswith(","):  # "JANE DOE, HOST": the label reader reads the role
        return _Shaped(index, form if rest else f"alone{form}", match["name"] + extra, "", rest)
    return _Shaped(index, form if rest else f"alone{form}", match["name"], extra, rest)


def _in_capitals(name: str) -> bool:
    """A name written in capitals, or its surname: "JANE DOE", "Jane DOE"."""
    last = name.split(",")[0].split()[-1]
    return (last.isupper() and len(last) > 1) or name.isupper()


def _label_like(name: str, words: Words) -> bool:
    """Words that may name a voice: no function word, cue, heading or field name."""
    key = normal(name)
    roles = (
        words.host_labels
        | words.reporter_labels
        | words.questioner_labels
        | words.answerer_labels
        | words.role_labels
        | words.voxpop_labels
        | words.soundbite_labels
    )
    if _MEDIA_MARK.search(name) and len(name.split()) > 1:  # "Clip" alone is a label
        return False
    tokens = name.replace("#", " ").split()
    keys = key.split()
    if any(" ".join(keys[i:]) in roles for i in range(len(keys))):  # "Foreign Minister"
        return True
    cues = words.music_labels | words.sound_labels | words.direction_labels
    if (
        key in words.not_speakers | words.segment_labels | cues
        or words.stage_directions.match(name)
        or words.music_cues.match(name)
        or _MUSIC_WORD.search(name)
        or tokens[0].lower() in _DIVISIONS
        or any(t.isdigit() for t in tokens[:-1])
    ):
        return False
    if re.fullmatch(r"[A-Z]{2,3}", name):  # initials ("CO", "JD"), however they read
        return True
    if name.isupper() and len(tokens) >= 2 and tokens[0] == "THE":  # a cast: "THE LIBRARIAN"
        tokens = tokens[1:]
    return not any(title_case(t) in words.not_names for t in tokens if not t.isdigit())


SENTENCE_END_MARK = re.compile(r"[.!?…:\"”’)\]–—-]$")  # (or cut off: "Tell me about –")


def _next_line(lines: list[str], filled: list[int], index: int) -> str:
    """The next line with text below `index`, past a script's "(quietly)"."""
    at = bisect.bisect_right(filled, index)
    if at + 1 < len(filled) and _CUE.match(lines[filled[at]].strip()):
        at += 1
    return lines[filled[at]] if at < len(filled) else ""


def _talk(text: str) -> bool:
    """Words someone says: three words or more, in lower case too."""
    return len(re.findall(r"[^\W\d_]+", text)) >= 3 and re.search(r"[a-z]", text) is not None


def with_page_label_syntax(text: str, words: Words) -> str:
    """Labels written in the page's own punctuation, rewritten as "Name: words" for the
    label reader: the same shape of short prefix (a name or role, in brackets, before a dash,
    an arrow, a bar, a gap, or in capitals straight before the words, or alone on its line
    above them) opening lines again and again, two names or more taking turns, each followed
    by talk. Shapes the page uses once ("Note - ...", "Yes — ...") are words."""
    original = _without_row_numbers(text.split("\n"))
    text = fold("\n".join(original))  # "CHLOÉ DUBOIS" reads as "CHLOE DUBOIS"
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    by_form: dict[str, list[_Shaped]] = {}
    for shape in _label_shapes(lines, filled, words):
        by_form.setdefault(shape.form, []).append(shape)
    # the turns of voices labelled the usual way ("JANE DOE, HOST:") between them
    colons = {
        i: ""
        for i in filled
        if any(
            shape.match(lines[i].strip())
            for shape in (_CAPS_LABEL, _MIXED_LABEL, _ROLE_ONLY, _BARE_Q, _ONE_SPACE_Q)
        )
    }
    rewritten: dict[int, str] = {}
    for form, shapes in by_form.items():
        if len(shapes) >= max(4, 0.05 * len(filled)):
            rewritten |= _page_labels(form, shapes, lines, filled, text, colons)
    if not rewritten:
        return "\n".join(original)
    # the label reader knows some of these lines already: "[Anchor] ..." reads the same as
    # "Anchor: ...", but "[Soundbite] NAME: ..." opens a quote, not a turn of "Soundbite"; a
    # name in brackets alone is no stage direction when the page labels with it
    reader = LabelReader(words, text)
    for index, line in rewritten.items():
        known, _ = reader.split(" ".join(lines[index].split()))
        if known is not None and known.kind != "direction":
            again, _ = reader.split(line)
            if known.quote or again is None or again.kind != known.kind:
                continue
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        original[index] = indent + _respelt(line, original[index].strip(), lines[index].strip())
    return "\n".join(original)


_ROW_NUMBER = re.compile(r"^(?P<indent>[^\S\n]*)(?P<n>\d{1,4})[.)][^\S\n]+(?=\S)")


def _without_row_numbers(lines: list[str]) -> list[str]:
    """Turns numbered as rows ("1. JANE DOE: ...", "2) Omar Haddad — ..."), four or more with
    the numbers rising: the numbers go, so that the labels open their lines. A numbered list
    of points or headlines ("2. Concert Accidents") keeps its numbers."""
    rows = [(i, m) for i, line in enumerate(lines) if (m := _ROW_NUMBER.match(line))]
    labelled = [
        (i, m)
        for i, m in rows
        if _CAPS_LABEL.match(rest := fold(lines[i][m.end() :]).strip())
        or _MIXED_LABEL.match(rest)
        or (_shaped(i, rest) or _Shaped(i, "", "", "", "")).rest
    ]
    numbers = [int(m["n"]) for _, m in labelled]
    rising = sum(1 for a, b in itertools.pairwise(numbers) if b > a)
    if len(labelled) < 4 or 2 * len(labelled) < len(rows) or rising < 0.8 * (len(numbers) - 1):
        return lines
    out = list(lines)
    for i, m in labelled:
        out[i] = m["indent"] + lines[i][m.end() :]
    return out


def _respelt(line: str, original: str, folded: str) -> str:
    """A label line rewritten from the folded text ("Chloe Dubois: words"), spelt as the page
    spells it ("Chloé Dubois: words")."""
    head, _, rest = line.partition(": ") if ": " in line else (line[:-1], ":", "")
    if rest and folded.endswith(rest):
        rest = original[len(original) - len(rest) :]
    head = " ".join(_unfold(token, original, folded) for token in head.split(" "))
    return f"{head}: {rest}" if rest else f"{head}:"


def _label_shapes(lines: list[str], filled: list[int], words: Words) -> list[_Shaped]:
    """The lines that open with a name-like prefix in some shape; a name alone on its line
    only where talk follows it. Where two names stand alone one above the other, the lower
    one, next to the words, is the label ("Prime Minister" above "JANE DOE" above her
    words), unless the page does that again and again: a layout ("Jane Doe" above "Very
    Positive" above each quote) that shape cannot tell."""
    found: list[_Shaped] = []
    alone: dict[int, int | None] = {}  # a name alone on its line -> another one right above
    for position, index in enumerate(filled):
        shape = _shaped(index, lines[index])
        if shape is None or not _label_like(shape.name, words):
            continue
        if not shape.rest:
            below = [lines[i].strip() for i in filled[position + 1 : position + 3]]
            if below and _CUE.match(below[0]):  # "(quietly)": how a script's line is said
                below = below[1:]
            after = below[0] if below else ""
            if not re.search(r"[a-z]", after) or _CUE.match(after):
                continue
            before = lines[index - 1].strip() if index else ""
            if before and not SENTENCE_END_MARK.search(before):
                continue  # "This is" above "Greater Boston": a sentence going on
            above = _shaped(filled[position - 1], lines[filled[position - 1]]) if position else None
            stacked = above is not None and not above.rest and _label_like(above.name, words)
            alone[index] = filled[position - 1] if stacked else None
        found.append(shape)
    stacks = {index for index, upper in alone.items() if upper is not None}
    uppers = {upper for upper in alone.values() if upper is not None}
    if 3 * len(stacks) >= len(alone):
        return [s for s in found if s.index not in stacks and s.index not in uppers]
    return [s for s in found if s.index not in uppers]


def _page_labels(
    form: str,
    shapes: list[_Shaped],
    lines: list[str],
    filled: list[int],
    text: str,
    colons: dict[int, str],
) -> dict[int, str]:
    """The lines of one shape rewritten as "Name: words", when the shape is the page's
    label syntax: two names or more come back after another spoke, and talk follows."""
    names = Counter(s.name for s in shapes)
    # turns: a name comes back after another one ("ASAP Sports ..." twice in a row at the
    # page's top is no dialogue)
    # (a voice labelled with a colon takes a turn between them too)
    order = [name for _, name in sorted(colons.items() | {(s.index, s.name) for s in shapes})]
    turns = Counter(name for before, name in itertools.pairwise(["", *order]) if before != name)
    del turns[""]
    recurring = {name for name, n in turns.items() if n >= 2}
    if form.startswith("caps"):
        # capitals that the text uses inside its sentences too ("NASA", "UN") are its words
        recurring = {
            n for n in recurring if not re.search(rf"(?<=[a-z0-9,;] ){re.escape(n)}\b", text)
        }
    # a dialogue: two names come back (a name in capitals straight before the words, the
    # weakest shape, needs that), or one comes back between others, turn after turn (an
    # anchor between the voices heard once)
    dialogue = len(recurring) >= 2 or (
        len(recurring) == 1 and (max(turns.values()) >= 3 or sum(turns.values()) >= 4)
    )
    said = [s.rest or _next_line(lines, filled, s.index) for s in shapes]
    if (
        form.startswith("caps")
        and len(recurring) < 2
        and all(len(n.split()) < 2 for n in recurring)
    ):
        return {}  # (the weakest shape: one voice coming back needs a full name)
    if not dialogue or sum(1 for words in said if _talk(words)) * 2 < len(said):
        return {}
    caps = 2 * sum(names[n] for n in recurring if _in_capitals(n)) >= sum(
        names[n] for n in recurring
    )
    rewritten = {}
    for shape in shapes:
        # a voice heard once, written like the others: a full name, or in capitals
        alike = _in_capitals(shape.name) == caps
        tokens = shape.name.split()
        # or the full name of initials that take turns: "Terry Gross" once, then "TG" again
        initials = len(tokens) >= 2 and "".join(t[0] for t in tokens).upper() in recurring
        once = initials or (alike and (len(tokens) >= 2 or form != "caps"))
        if shape.name in recurring or once:
            label = f"{shape.name} {shape.extra}".strip()
            rewritten[shape.index] = f"{label}: {shape.rest}" if shape.rest else f"{label}:"
    return rewritten


# --- a long title before the name -----------------------------------------------------------

# a line opening with words before a colon: "Deputy President of the Republic, Mr Tomas Varga:"
_TITLED_HEAD = re.compile(r"^(?P<head>[A-Z][^:;!?\"“”()\[\]]{2,150}?)\s*:\s+(?P<rest>\S.*)$")
_HONORIFIC_WORD = re.compile(rf"^(?i:{_HONORIFIC})$")  # "Mr", "MR."
# the small words inside an office's name: "Minister for Health and Social Care"
_TITLE_JOINERS = frozenset({"of", "the", "for", "and", "on", "in", "to", "at", "de", "du", "&"})


def _label_names(line: str) -> list[str]:
    """The name that opens `line` as a plain label ("VARGA:", "Tomas Varga:", "JANE DOE,
    HOST:") and its last word (the surname it goes on with), without an honorific."""
    match = _CAPS_LABEL.match(line) or _MIXED_LABEL.match(line)
    if match is None:
        return []
    tokens = [t.upper() for t in match["name"].split() if not _HONORIFIC_WORD.match(t + " ")]
    return [" ".join(tokens), tokens[-1]] if len(tokens) >= 2 else tokens


def _office(tokens: list[str], words: Words) -> bool:
    """Words that name an office: capitalised but for the small words of an office's name
    ("Member of Parliament for the Northern District", "CHIEF EXECUTIVE OF THE PORT"), and
    with such a small word, a title word ("Deputy President") or three words or more."""
    if len(tokens) < 2 or sum(1 for t in tokens if t[:1].isupper()) < 2:
        return False
    if not all(t[:1].isupper() or t.lower() in _TITLE_JOINERS for t in tokens):
        return False
    if tokens[0].lower() in _TITLE_JOINERS - {"the"}:  # "On The Nation: ...": a headline
        return False
    return len(tokens) >= 3 or any(
        t.lower() in _TITLE_JOINERS or title_case(t).rstrip(".") in words.titles for t in tokens
    )


def _name_at_end(tokens: list[str], known: Counter[str], words: Words) -> int:
    """How many of `tokens`' last words are a name the page labels elsewhere: the name as
    labelled, or its surname with the given name before it (and an honorific before that)."""
    for size in range(min(4, len(tokens) - 1), 0, -1):
        bare = [t for t in tokens[-size:] if not _HONORIFIC_WORD.match(t + " ")]
        if bare and all(t[:1].isupper() for t in bare) and known[" ".join(bare).upper()]:
            break
    else:
        return 0
    if size == 1:  # the surname: the given name before it, unless a title's or office's word
        given = tokens[-2]
        if (
            len(tokens) >= 3
            and given[:1].isupper()
            and given.lower() not in _TITLE_JOINERS
            and title_case(given).rstrip(".") not in words.titles
            and not _HONORIFIC_WORD.match(given + " ")
        ):
            size = 2
    if size < len(tokens) and _HONORIFIC_WORD.match(tokens[-size - 1] + " "):
        size += 1
    return size


def without_long_titles(text: str, words: Words) -> str:
    """A long title before a speaker's name ("Deputy President of the Republic, Mr Tomas
    Varga:", "MEMBER OF PARLIAMENT FOR THE NORTH, MR. BARNES:") rewritten as the label reader
    reads a role: "Mr Tomas Varga, Deputy President of the Republic:". Evidence from the page
    itself: the name (or its surname) opens other lines as a label of its own, and the words
    before it read as an office's name."""
    lines = text.split("\n")
    folded = [" ".join(fold(line).split()) for line in lines]
    own = [_label_names(line) for line in folded]
    known = Counter(name for names in own for name in names)
    roles = words.host_labels | words.reporter_labels | words.role_labels | words.not_speakers
    changed = False
    for at, line in enumerate(folded):
        match = _TITLED_HEAD.match(line)
        if match is None:
            continue
        elsewhere = known - Counter(own[at])
        head = match["head"].rstrip(", ")
        before, comma, after = head.rpartition(",")
        tokens = (after if comma else head).split()
        if comma and 1 <= len(tokens) <= 5 and all(t[:1].isupper() for t in tokens):
            bare = [t for t in tokens if not _HONORIFIC_WORD.match(t + " ")]
            said = " ".join(bare).upper()
            size = len(tokens) if bare and (elsewhere[said] or elsewhere[bare[-1].upper()]) else 0
        else:
            size = _name_at_end(tokens, elsewhere, words)
        if size == 0:
            continue
        title_words = (before.replace(",", " ").split() if comma else []) + tokens[:-size]
        person = " ".join(tokens[-size:])
        blocked = words.not_names | words.programme_words
        if normal(person) in roles or any(title_case(t) in blocked for t in person.split()):
            continue
        if not _office(title_words, words):
            continue
        title = " ".join((before.split() if comma else []) + tokens[:-size])
        original = lines[at]
        spelt = fold(original)
        person = _unfold(person, original, spelt)
        title = _unfold(title, original, spelt)
        label = f"{person}, {title}:" if len(title) <= 40 else f"{person}:"
        rest = match["rest"]
        kept = original.rstrip()
        rest = kept[len(kept) - len(rest) :] if kept.endswith(rest) else rest
        indent = original[: len(original) - len(original.lstrip())]
        lines[at] = f"{indent}{label} {rest}"
        changed = True
    return "\n".join(lines) if changed else text

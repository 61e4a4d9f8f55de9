"""Page text and furniture: a saved HTML page or plain text becomes blocks of text.

HTML loses its tags, scripts, navigation and share bars; plain text is split into paragraphs
(hard-wrapped lines joined). Page furniture (menus, "Go Top", cookie notices, "Editor's Pick"
and what follows it) is recognised here so that later stages can leave it out.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

from broadcast_kit.errors import InputError
from broadcast_kit.importer.dates import find_date, is_date_line, split_at_date
from broadcast_kit.importer.labels import LabelReader, without_label_markup, without_table_cells
from broadcast_kit.importer.timecodes import captions_text, is_captions, without_timecodes
from broadcast_kit.importer.words import APOS, Words, default_words, normal
from broadcast_kit.limits import MAX_HTML_DEPTH

__all__ = ["APOS", "ELLIPSIS"]

ELLIPSIS = re.compile(r"^\s*[\"“‘']?(?:…|\.\.\.)\s*")

# --- page furniture -----------------------------------------------------------------------

LABELLED = re.compile(
    r"(?i)^(title|headline|(?:episode |air |broadcast |release )?date|airdate|broadcast|aired"
    r"|programme|program|show|series)\s*:\s*(.+)$"
)
TAGGED_HEADLINE = re.compile(r"^\[(?P<tag>[^\]]{1,30})\]\s*(?P<title>\S.*)$")
# a story title with its number: "2. Concert Accidents"
NUMBERED_HEADLINE = re.compile(r"^(?P<number>\d{1,2})\s*[.)]\s+(?P<title>[A-Z“\"'‘].{2,100})$")
# a markdown heading ("# Overview", "## The Mill"): a line of its own, never a paragraph's start
MARKDOWN_SECTION = re.compile(r"^(?P<level>#{1,6})\s+(?=\S)")
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*$")
ONE_LINE_HEADER = 200  # a first line this long may hold the title and date before the text
_FONT_BUTTONS = re.compile(r"[aA+\-\s]{1,5}")
_MENU_SEPARATORS = re.compile(r"\s*[|·•›»«‹]\s*")
_LINK_ITEM = re.compile(r"\d{1,4}|archives?|all episodes|more episodes|older|newer|episodes")
# a PDF page footer on a line of its own: "Page 3 of 7", "3 of 7 | Page", "- 3 -"
PAGE_FOOTER = re.compile(
    r"(?i)page\s+\d+(?:\s+of\s+\d+)?|\d+\s*(?:of|/)\s*\d+\s*\|?\s*page|[-–—]\s*\d{1,3}\s*[-–—]"
)
# the first line of a wrapped label: capitals with a comma ("JANE DOE, CNN CHIEF WHITE")
_LABEL_HEAD = re.compile(r"[A-Z][A-Z.'’ -]*,[A-Z.'’ ,-]*")
_LABEL_TAIL = re.compile(r"[A-Z][A-Z.'’ -]*\s*(?:\([^()]{1,40}\))?\s*:(?:\s|$)")
# a PDF page footer inside a line whose text went on across the page break
INLINE_FOOTER = re.compile(r"\bPage[ \t]+\d+[ \t]+of[ \t]+\d+\b")  # no leading \s*: linear


# a web address in a line: "Transcribed by https://otter.ai", "www.example.org/shows"
_ADDRESS = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


@functools.lru_cache(maxsize=1 << 16)  # asked of each line by several readers of the page
def is_furniture(text: str, words: Words) -> bool:
    """A menu item, share button, language switch or footer line (the word lists'), or a
    short line holding a web address and no sentence ("Transcribed by https://otter.ai")."""
    key = normal(text)
    if not key or key in words.navigation or _FONT_BUTTONS.fullmatch(text):
        return True
    if (
        len(text.split()) <= 8
        and _ADDRESS.search(text)
        and not SENTENCE_END.search(_ADDRESS.sub("", text))
    ):
        return True
    if any(pattern.fullmatch(text.strip()) for pattern in words.furniture):
        return True
    if key.startswith(words.navigation_prefixes) and _opens_with_prefix(key, words):
        return True
    items = [normal(i) for i in _MENU_SEPARATORS.split(text) if normal(i)]
    # a link row: menu words, years and numbers ("Archive | 2019 | 2020", "1 2 3 Next")
    return len(items) > 1 and all(i in words.navigation or _LINK_ITEM.fullmatch(i) for i in items)


def _opens_with_prefix(key: str, words: Words) -> bool:
    """`key` (a line, `normal`) opens with a furniture prefix as a word of its own ("Source:
    AP", "Copyright 2015"; never "Sources say", "Imagine", "Noted"), with the colon or dash
    the list writes after it ("Note: ...", "NB - ..."), or in a short heading ("Related
    coverage"); "Note the time." is said."""
    for written in words.lists.navigation_prefixes:
        base = normal(written) or written.lower()
        rest = key[len(base) :]
        if not key.startswith(base) or rest[:1].isalnum():
            continue
        marked = not written.rstrip().endswith((":", ".")) or re.match(r"\s*[:：.\-–—]", rest)
        if marked or (len(key.split()) <= 3 and not SENTENCE_END.search(key)):
            return True
    return False


def prefixed_entries(found: list[Block], words: Words) -> set[int]:
    """The blocks that open with a furniture prefix ("Note - ...", "NB: ...") where the page
    does that three times or more, each with a sentence after it: the page's entries, its
    text, not a note on it (a meeting's notes, "Note - ..." between "Update - ..." lines)."""
    opened: dict[str, list[int]] = {}
    for index, block in enumerate(found):
        key = normal(block.text)
        if len(key.split()) < 6 or not key.startswith(words.navigation_prefixes):
            continue
        if any(pattern.fullmatch(block.text.strip()) for pattern in words.furniture):
            continue
        prefix = max((p for p in words.navigation_prefixes if key.startswith(p)), key=len)
        opened.setdefault(prefix, []).append(index)
    return {i for at in opened.values() if len(at) >= 3 for i in at}


_ADDRESS_IN = re.compile(r"(?i)https?://|www\.\S|\S@\S+\.\w")


def is_page_line(text: str, words: Words) -> bool:
    """A line that is the page's rather than anyone's words, by its shape: furniture, a
    heading in capitals or without closing punctuation, a link or address, a short line."""
    return (
        is_furniture(text, words)
        or _ADDRESS_IN.search(text) is not None
        or (text.upper() == text and any(c.isalpha() for c in text))
        or (len(text.split()) <= 12 and SENTENCE_END.search(text) is None)
    )


_FIELD_LINE = re.compile(r"^[\w() -]{1,30}:(?:\s|$)|^-\s")


def front_matter(found: list[Block]) -> int:
    """The index of the `---` that closes a Markdown document's front matter (`---` on its
    first line, then `key: value` lines), or -1 when the page has none."""
    if not found or found[0].text.strip() != "---":
        return -1
    for at, block in enumerate(found[1:61], start=1):
        if block.text.strip() == "---":
            fields = sum(1 for b in found[1:at] if _FIELD_LINE.match(b.text))
            return at if at > 1 and fields >= 0.6 * (at - 1) else -1
    return -1


def _capitalised(text: str) -> bool:
    significant = [w for w in text.split() if len(w) > 3]
    return bool(significant) and sum(w[0].isupper() for w in significant) >= 0.6 * len(significant)


def loose_lines(found: list[Block], labels: LabelReader) -> set[int]:
    """Short lines without closing punctuation between paragraphs on a page whose paragraphs
    all end their sentences: a photo's caption ("Ann Lee is welcomed by the harbour
    master"), not anyone's words. Evidence from the page itself: nearly every paragraph of
    fifteen words or more ends with . ? or !, the line is no label or headline, and the
    paragraphs on either side end and start sentences."""
    texts = [b.text for b in found]
    # (the last paragraph aside, a page cut off mid-sentence; and long headlines in capitals)
    long = [
        t
        for t in texts[:-1]
        if len(t.split()) >= 15 and labels.split(t)[0] is None and not _capitalised(t)
    ]
    ended = sum(1 for t in long if SENTENCE_END.search(t))
    if len(long) < 6 or ended < 0.9 * len(long):
        return set()
    loose = set()
    for at in range(1, len(texts) - 1):
        text, before, after = texts[at], texts[at - 1], texts[at + 1]
        if (
            4 <= len(text.split()) <= 14
            and re.search(r"[.!?…,;:\"'”’)\]]$", text) is None
            and not is_headline(text)
            and labels.split(text)[0] is None
            and SENTENCE_END.search(before) is not None
            and after[:1].isupper()
            and len(before.split()) >= 8
            and len(after.split()) >= 8
        ):
            loose.add(at)
    return loose


def link_cards(found: list[Block]) -> set[int]:
    """The blocks of a link to another story: its headline, then the same headline with the
    story's first words after it ("Flood Closes the Quay" / "Flood Closes the Quay The harbour
    office said ..."). Evidence from the page itself: no one says a line twice over, the second
    time running on."""
    cards: set[int] = set()
    lines = Counter(block.text for block in found)
    for at in range(len(found) - 1):
        head, card = found[at].text, found[at + 1].text
        if (
            lines[head] == 1  # the page's own headline, printed again, is no link
            and len(head.split()) >= 3
            and SENTENCE_END.search(head) is None
            and card.startswith(head + " ")
            and head not in card[len(head) :]  # "Headline Headline Site > Section": a header
            and len(card) > len(head) + 10
        ):
            cards |= {at, at + 1}
    return cards


_COUNTED = re.compile(r"(?i)\(\d+\)\s*:?$|^\s*\d+\s+(?=comments?\b|responses?\b)")  # (3), 12


def is_tail(text: str, words: Words) -> bool:
    """ "Editor's Pick", "Related Articles", "Comments (3)", "12 Comments": the site's, after
    the transcript."""
    key = normal(_COUNTED.sub("", text))
    if key in words.tail_markers:
        return True
    return len(key.split()) <= 6 and any(
        key.startswith(marker + " ") for marker in words.tail_markers if " " in marker
    )


def is_disclaimer(text: str, words: Words) -> bool:
    """A notice of the site or broadcaster ("the text below may differ from the actual
    broadcast", a cookie notice): never spoken, wherever it stands."""
    return words.disclaimers.search(text) is not None


# --- HTML to paragraphs -------------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section",
    "article", "tr", "td", "th", "table", "blockquote", "figure", "figcaption", "dt", "dd",
    "dl", "pre", "hr", "main", "address",
}  # fmt: skip
_SKIP_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button",
    "svg", "iframe", "template", "select", "head", "menu", "dialog",
}  # fmt: skip
# inside these a link is part of the text; elsewhere it is a menu item or button of its own
_TEXT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "td", "dd", "figcaption"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "col", "area", "base"}
# start tags that end an open element on top of the stack, as browsers do: old pages write
# `<p>a<p>b` and `<li>` without `</li>`, which is not nesting and must not count as such
_CLOSES_P = _BLOCK_TAGS - {"td", "th", "tr"}
_IMPLIED_END = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
}
_FURNITURE_ATTR = re.compile(
    r"(?i)(?:^|[\s_-])(?:nav|navbar|menu|gnb|lnb|header|footer|cookie|consent|share|sns|social"
    r"|breadcrumbs?|related|sidebar|banner|advert|ads|popup|modal|comments?|skip)(?:$|[\s_-])"
)


class _PageText(HTMLParser):
    """Visible text of a page, one paragraph per block element; furniture elements skipped."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name  # the page as named in errors
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping)
        self.h1: list[str] = []
        self.in_h1 = False
        self.title: list[str] = []
        self.in_title = False

    def _loose_link(self, tag: str) -> bool:
        return tag in ("a", "button") and not any(t in _TEXT_TAGS for t, _ in self.stack)

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _BLOCK_TAGS or self._loose_link(tag):
            self.out.append("\n\n")
        elif tag == "br":  # a line break; two in a row (a blank line) end a paragraph
            self.out.append("\n")
        if tag in _VOID_TAGS:
            return
        ends = _IMPLIED_END.get(tag, set()) | ({"p"} if tag in _CLOSES_P else set())
        while self.stack and self.stack[-1][0] in ends:
            self.stack.pop()
        if len(self.stack) >= MAX_HTML_DEPTH:
            raise InputError(
                f"{self.name}:{self.getpos()[0]}: HTML elements nested more than"
                f" {MAX_HTML_DEPTH} deep; is this a saved web page? Copy its transcript into a"
                " .txt file and import that"
            )
        marks = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role"))
        skip = self.skipping or tag in _SKIP_TAGS or bool(_FURNITURE_ATTR.search(marks))
        if tag == "h1" and not skip:
            self.in_h1 = True
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK_TAGS or self._loose_link(tag):
            self.out.append("\n\n")
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.skipping:
            return
        if self.in_h1:
            self.h1.append(data)
        self.out.append(re.sub(r"\s+", " ", data))


@dataclass(frozen=True)
class Page:
    """A transcript as text: paragraphs separated by blank lines, and what HTML said."""

    text: str
    h1: str | None = None
    page_title: str | None = None
    captions: bool = False  # read from a caption file (SRT, VTT): no line numbers of its own
    speakers: tuple[str, ...] = ()  # the names the captions tag as speakers
    speaker_marks: bool = False  # the captions mark where a new speaker starts
    # captions that mark none: the turns their words told, as (first words, evidence)
    told_turns: tuple[tuple[str, str], ...] = ()
    cues_from: int = 0  # captions: the text's lines above this one are the file's header


def is_html(text: str) -> bool:
    return re.search(r"(?i)<(?:!doctype\s+html|html|body|p|div|article)\b", text[:5000]) is not None


def _without_inline_footers(text: str) -> str:
    """ "... the Page 3 of 7 council said": the footer out, the words kept (a footer on a line
    of its own stays, for the blocks to set aside)."""
    lines = text.split("\n")
    return "\n".join(
        line if PAGE_FOOTER.fullmatch(line.strip()) else INLINE_FOOTER.sub(" ", line)
        for line in lines
    )


_NUMBERED_LINE = re.compile(r"^[^\S\n]*(\d{1,2})(?:[^\S\n]+(?=\S)|[^\S\n]*$)")


def _without_line_numbers(text: str) -> str:
    """A court-style transcript numbers its lines, 1 to 25 again on each page: the numbers
    out, the words kept. Told by shape: most lines of text numbered, each one more than
    the last (a list's "1 apple" does not run on like that)."""
    lines = text.split("\n")
    numbers = [
        (i, int(m.group(1))) for i, line in enumerate(lines) if (m := _NUMBERED_LINE.match(line))
    ]
    filled = sum(1 for line in lines if line.strip())
    steps = sum(1 for (_, a), (_, b) in itertools.pairwise(numbers) if b == a + 1)
    if steps < 10 or len(numbers) < 0.5 * filled or steps < 0.6 * len(numbers):
        return text
    for i, _ in numbers:
        lines[i] = _NUMBERED_LINE.sub("", lines[i], count=1)
    # the running header or footer of each page ("MALLOY TRANSCRIPTION SERVICE", a phone
    # number): a line printed again and again that is no sentence
    seen = Counter(" ".join(line.split()) for line in lines if line.strip())
    lines = [
        "" if seen[key := " ".join(line.split())] >= 2 and not SENTENCE_END.search(key) else line
        for line in lines
    ]
    return _single_spaced("\n".join(lines))


def _single_spaced(text: str) -> str:
    """Double-spaced numbered lines (a court-style PDF's, each followed by a blank line) as
    single-spaced, so that a sentence wrapped onto the next line stays one paragraph. Told
    by shape: nearly every line of text followed by one blank line, many of them stopping
    mid-sentence."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    gaps = [b - a - 1 for a, b in itertools.pairwise(filled)]
    if len(filled) < 12 or sum(1 for g in gaps if g == 1) < 0.6 * len(gaps):
        return text
    wrapped = sum(1 for i in filled if not SENTENCE_END.search(lines[i].rstrip()))
    if wrapped < 0.4 * len(filled):
        return text
    keep = set(filled) | {b - 1 for a, b in itertools.pairwise(filled) if b - a - 1 >= 2}
    # the blank lines go; where two or more stood, one stays (a paragraph's end)
    return "\n".join(line if i in keep else "" for i, line in enumerate(lines) if i in keep)


def _double_spaced_lines(text: str) -> str:
    """A word processor's export that puts a blank line after every line of wrapped text
    as single-spaced: told by shape, every line followed by one blank line and many of them
    stopping mid-sentence with the sentence going on below in lower case or a number
    ("It's Friday, the" / "" / "21st of March."). Paragraphs whose lines each end their
    sentences keep their blank lines."""
    lines = text.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    gaps = [b - a - 1 for a, b in itertools.pairwise(filled)]
    if len(filled) < 12 or sum(1 for g in gaps if g == 1) < 0.9 * len(gaps):
        return text
    going_on = [
        a
        for a, b in itertools.pairwise(filled)
        if not SENTENCE_END.search(lines[a].rstrip())
        and not lines[a].rstrip().endswith(":")
        and re.match(r"\s*(?:[a-z]|\d+(?:st|nd|rd|th)?[,.]?\s+[A-Za-z])", lines[b])
    ]
    if len(going_on) < 0.2 * len(filled):
        return text
    # the page's head, above the first sentence broken so or label alone, keeps its lines
    # apart
    cut = next(i for i in filled if i == going_on[0] or lines[i].rstrip().endswith(":"))
    return "\n".join(lines[:cut] + [lines[i] for i in filled if i >= cut])


# line ends of other systems and tools: Windows' CRLF, old Macs' lone CR, a Word line break
# (vertical tab), Unicode's line and paragraph separators, NEL, the file/group/record
# separators (str.splitlines breaks at all of these; the stages split at "\n" alone)
_LINE_END = re.compile("\r\n?|[\x0b\x1c-\x1e\x85\u2028]")
# a page break (form feed) beside a line end is no extra line
_PAGE_BREAK = re.compile("\n?\x0c\n?")
# no part of any word, and nothing YAML can hold: zero-width spaces and word joiners, a
# byte-order mark inside the text, soft hyphens, control characters, non-characters
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\ufffe\uffff]")
# spaces of other widths and no-break spaces (a web page's &nbsp;, a word processor's): the
# label and header patterns are written for plain spaces
_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")


def plain(text: str) -> str:
    """Text as every stage reads it: each line ends in a line feed whatever the file used,
    invisible characters a copy and paste brings along are gone, every space is a space."""
    text = _LINE_END.sub("\n", text).replace("\u2029", "\n\n")
    return _SPACE.sub(" ", _INVISIBLE.sub("", _PAGE_BREAK.sub("\n", text)))


def page_text(raw: str, name: str = "page") -> Page:
    """The visible text of a transcript: plain text as is, HTML with its tags removed
    (`name` is the file as shown in errors)."""
    raw = plain(raw)
    if not is_html(raw):
        # a line's indentation (tabs, spaces) and trailing blanks are layout, not words
        text = "\n".join(line.strip() for line in raw.split("\n"))
        if is_captions(text, name):
            told = captions_text(text)
            return Page(
                told.text,
                captions=True,
                speakers=told.speakers,
                speaker_marks=told.marked,
                told_turns=told.told,
                cues_from=told.header_lines,
            )
        return Page(_lines_read(text))
    parser = _PageText(name)
    parser.feed(raw)
    parser.close()
    text = plain("".join(parser.out))  # a character reference may name an invisible one
    # a <br> ends a line, as a plain-text line ends (turns, a header's lines); the blocks
    # join a sentence it broke, as they join hard-wrapped text
    paragraphs = [
        "\n".join(" ".join(line.split()) for line in p.split("\n") if line.strip())
        for p in re.split(r"\n\s*\n", text)
    ]
    h1 = " ".join(plain("".join(parser.h1)).split()) or None
    title = " ".join(plain("".join(parser.title)).split()) or None
    return Page(_lines_read("\n\n".join(p for p in paragraphs if p) + "\n"), h1, title)


def _lines_read(text: str) -> str:
    """The page's lines as the blocks read them: line numbers, label markup, timecodes,
    table cells and page footers out, every word kept."""
    text = _double_spaced_lines(_without_line_numbers(text))
    text = without_timecodes(without_label_markup(text))
    return _without_inline_footers(without_table_cells(text))


# --- blocks: the paragraphs and lines of the text -----------------------------------------


@dataclass(frozen=True)
class Block:
    text: str
    line: int


# a lower-case line naming who made or speaks the piece: "by Ann Lee", "with Ann Lee and
# Joe Roe", "a conversation with Ann Lee", "presented by Ann Lee", "read by Ann Lee"
_BYLINE = re.compile(
    r"(?:(?:an?\s+)?(?:conversation|interview|talk|discussion|chat)\s+with"
    r"|(?:(?:written|presented|hosted|read|narrated|produced|directed|translated|edited"
    r"|introduced|performed|composed|reported|interviewed)\s+)?by"
    r"|with|featuring|starring|in\s+conversation\s+with)\s+[A-Z]"
)


class _Lines:
    """The page's lines with what the joining rules need to know about each."""

    def __init__(self, text: str, labels: LabelReader) -> None:
        self.labels = labels
        self.words = labels.words
        self.items: list[tuple[int, str]] = []  # (line number, text); "" for a blank line
        self.footers: list[Block] = []  # PDF page footers, taken out of the text's flow
        for number, line in enumerate(_unwrap_labels(text.split("\n"), labels), start=1):
            if PAGE_FOOTER.fullmatch(line):
                self.footers.append(Block(line, number))
                continue
            pieces = labels.split_inline(line) if line else [""]
            if line and len(line) >= ONE_LINE_HEADER and not any(t for _, t in self.items):
                pieces = _header_of_one_line(pieces[0]) + pieces[1:]
            self.items += [(number, piece) for piece in pieces]
        text_lines = [t for _, t in self.items if t and not self.standalone(t)]
        lengths = sorted(len(t) for t in text_lines)
        # the wrap width: most lines of hard-wrapped text come close to it (the longest but
        # a tenth, so that one long line does not set it)
        self.width = lengths[max(0, math.ceil(0.9 * len(lengths)) - 1)] if lengths else 0
        near = [n for n in lengths if n >= 0.75 * self.width]
        # wrapped text breaks lines inside sentences; a script with a sentence per line does not
        broken = [t for t in text_lines if not SENTENCE_END.search(t)]
        # blank lines separate the paragraphs: a line break inside one is not a new paragraph
        filled = [i for i, (_, t) in enumerate(self.items) if t]
        inner = self.items[filled[0] : filled[-1]] if filled else []
        self.paragraphs = sum(1 for _, t in inner if not t) >= 2
        # no blank lines, and labels on lines of their own: a turn runs to the next label
        labelled = [t for _, t in self.items if t and labels.split(t)[0] is not None]
        # (a cue line, "SFX: a door opens", has no words after it either, but is no turn)
        alone = sum(
            1
            for t in labelled
            if not (split := labels.split(t))[1]
            and split[0] is not None
            and split[0].kind not in ("music", "direction")
        )
        blank = sum(1 for _, t in inner if not t)
        self.turns = alone >= 3 and blank < 0.5 * alone
        self.hard = (
            0 < self.width <= 100
            and len(near) >= 3
            and len(near) >= 0.3 * len(lengths)
            and len(broken) >= 0.3 * len(text_lines)
        )

    def _words(self, line: str) -> bool:
        """A line of the words of a turn: no label, cue, furniture or headline field."""
        return not (
            self.labels.split(line)[0] is not None
            or LABELLED.match(line)
            or is_tail(line, self.words)
            or is_furniture(line, self.words)
        )

    def standalone(self, line: str) -> bool:
        """A line that is a block of its own: a headline, header field, date, label without
        words after it, cue, or furniture."""
        label, rest = self.labels.split(line)
        return bool(
            (label is not None and not rest)
            or TAGGED_HEADLINE.match(line)
            or NUMBERED_HEADLINE.match(line)
            or LABELLED.match(line)
            or MARKDOWN_SECTION.match(line)
            or is_tail(line, self.words)
            or is_furniture(line, self.words)
            or is_date_line(line, self.words)
        )

    def resumes(self, previous: str, line: str) -> bool:
        """Whether `line`, after a blank line, goes on with the sentence that `previous`
        left open (a script's speech broken by a blank line: "... the next few" / "minutes,
        we're going to ...")."""
        return (
            line[:1].islower()
            and SENTENCE_END.search(previous) is None
            and not previous.endswith(":")
            and not self.standalone(previous)
            and self.labels.split(line)[0] is None
        )

    def under_headline(self, previous: str, line: str) -> bool:
        """Whether lower-case `line` is a byline or dateline under the headline `previous`
        ("The Lantern Road (1938)" / "by Ann Lee", "Remarks at the Dinner" / "delivered 3
        March 2020, Port Elms"), not the rest of its sentence: a short line in a short text
        that opens with "by Name" or holds a date."""
        return (
            is_headline(previous)
            and len(line.split()) <= 10
            and not (self.hard and len(previous) >= 0.6 * self.width)
            and (_BYLINE.match(line) is not None or find_date(line) is not None)
        )

    def full(self, previous: str, line: str) -> bool:
        """Whether hard-wrapped `previous` was full: the next line's first word did not fit."""
        return self.hard and len(previous) + 1 + len(line.split()[0]) > self.width

    def joins(self, previous: str, line: str) -> bool:
        """Whether `line` continues the paragraph that `previous` ends."""
        if self.turns and self._words(previous) and self._words(line):
            return True
        label, rest = self.labels.split(previous)
        if (
            self.full(previous, line)
            and SENTENCE_END.search(previous) is None
            and (label is None or rest)
            and self.labels.split(line)[0] is None
            and (line[:1].islower() or not self.standalone(previous))
        ):
            # a sentence wrapped: a field's or a turn's ("Note: This ... to be" / "heard."),
            # a title's onto its date ("... Press Conference on" / "March 6, 2015")
            return True
        if self.standalone(previous) or self.standalone(line):
            return False
        if self.labels.split(line)[0] is not None:
            return False  # a label starts a paragraph
        ends = SENTENCE_END.search(previous) is not None
        if not ends and line[:1].islower() and not self.under_headline(previous, line):
            return True  # a sentence broken over two lines
        if not ends and len(previous) >= 0.6 * self.width and (self.hard or self.paragraphs):
            return True  # a long line whose sentence goes on (a short one is a heading)
        # hard-wrapped text: the line was full, so its paragraph goes on
        return self.full(previous, line)


def _unwrap_labels(raw: list[str], labels: LabelReader) -> list[str]:
    """The lines with a label that wraps onto the next line joined ("JANE DOE, CNN CHIEF
    WHITE HOUSE" / "CORRESPONDENT: Words") on the second line; the first is left blank."""
    lines = [" ".join(line.split()) for line in raw]
    for i in range(len(lines) - 1):
        head, tail = lines[i], lines[i + 1]
        if not (_LABEL_HEAD.fullmatch(head) and _LABEL_TAIL.match(tail)):
            continue
        label, _ = labels.split(f"{head} {tail}")
        if label is not None and label.spoken:
            lines[i], lines[i + 1] = "", f"{head} {tail}"  # the words go on below it
    return lines


def _header_of_one_line(text: str) -> list[str]:
    """A page that is one long line starts with its title and date: cut them off."""
    found = split_at_date(text)
    if found is None:
        return [text]
    before, date, after = found
    if not before or SENTENCE_END.search(before) or not is_headline(before):
        return [text]
    return [before, date, after] if after else [before, date]


def blocks(text: str, labels: LabelReader | None = None, *, captions: bool = False) -> list[Block]:
    """Paragraphs of the text: blank lines end them (unless a sentence goes on in lower
    case after one; never in `captions`, whose paragraphs are the speakers' turns); a
    hard-wrapped line joins the next one when it was full or its sentence goes on; labels
    and cues inside a line are cut out."""
    lines = _Lines(text, labels or LabelReader(default_words(), text))
    result: list[Block] = []
    current: list[str] = []
    start = 0
    gap = False  # a blank line since the last line of `current`
    for number, line in lines.items:
        if not line:
            gap = True
            continue
        if current and not (
            (not captions and lines.resumes(current[-1], line))
            if gap
            else lines.joins(current[-1], line)
        ):
            result.append(Block(" ".join(current), start))
            current = []
        start = start if current else number
        current.append(line)
        gap = False
    if current:
        result.append(Block(" ".join(current), start))
    return sorted(result + lines.footers, key=lambda b: b.line)


def short(text: str, limit: int = 70) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_headline(text: str) -> bool:
    """A title line: tagged ("[Interview] ..."), numbered ("2. Concert Accidents"), or a
    short line of mostly capitalised words without closing punctuation."""
    if TAGGED_HEADLINE.match(text) or NUMBERED_HEADLINE.match(text):
        return True
    if MARKDOWN_SECTION.match(text):  # "## Who reads the gauge": a heading, whatever its case
        return 1 <= len(text.split()) - 1 <= 16 and not SENTENCE_END.search(text)
    words = text.split()
    if not 2 <= len(words) <= 16 or re.search(r"[.,;:]$", text) or not text[0].isupper():
        return False
    significant = [w for w in words if len(w) > 3]
    capitalized = [w for w in significant if w[0].isupper()]
    return bool(significant) and len(capitalized) >= 0.6 * len(significant)


_INNER_SENTENCE = re.compile(r"[a-z][.!?…]\s+[A-Z]")  # "... a dream. In fact, the last time"


def tail_run(
    texts: list[str], labelled: list[bool], words: Words, below_furniture: list[bool]
) -> int:
    """How many of the last paragraphs (`texts`, with whether a label opened each) are the
    site's lines below the transcript, not its last words: a run of short lines with no
    label at the very end, below the last turn, most of them shaped as the page's lines
    (no closing punctuation, capitals, an address: "Posted by admin at 9:14 PM", "3
    thoughts on “Episode 12”", "Listen on Apple Podcasts"), on a page whose paragraphs are
    longer. Evidence from the page itself; a line that is not most of the run goes only (with
    the lines below it) when it reads as a link or a stamp, no cut-off
    sentence ("So I'm living out a dream. In fact, the last time", "However, looking at"),
    or when a line of the page's furniture already left out stands above it
    (`below_furniture`)."""
    if len(texts) < 6:
        return 0
    run = 0
    for text, label in zip(reversed(texts), reversed(labelled), strict=True):
        if label or len(text.split()) > 12:
            break
        run += 1
    if run == 0 or run > max(4, len(texts) // 3):
        return 0
    body = texts[: len(texts) - run]
    if sum(len(t.split()) for t in body) < 20 * len(body) * 0.5:  # a page of short lines
        return 0
    tail = texts[len(texts) - run :]
    shaped = [is_page_line(t, words) and not _INNER_SENTENCE.search(t) for t in tail]
    if run >= 2 and 2 * sum(shaped) > run:
        return run
    # a link's words or a stamp ends the transcript, and whatever is below it goes too; a
    # sentence cut off ("However, looking at") is no link
    for at, text in enumerate(tail):
        linked = _capitalised(text) or re.search(r"\d|[|©@#]", text) is not None
        if (shaped[at] and linked and len(text.split()) <= 8) or below_furniture[-run + at]:
            return run - at
    return 0


def link_between_turns(texts: list[str], labelled: list[bool], words: Words) -> set[int]:
    """The paragraphs between two labelled turns that read as the page's link or stamp, not
    as words of the turn above ("Posted by admin at 9:14 PM", "Listen on Apple Podcasts"):
    on a page of labelled turns, three to ten words with no closing punctuation, comma or
    quotation, capitalised or holding a number or a sign. Evidence from the page itself."""
    if sum(labelled) < 6:
        return set()
    found = set()
    for at in range(1, len(texts) - 1):
        text = texts[at]
        if labelled[at] or not (labelled[at - 1] and labelled[at + 1]):
            continue
        if not 3 <= len(text.split()) <= 10 or re.search(r"[,\"“”‘’']", text):
            continue
        linked = _capitalised(text) or re.search(r"\d|[|©@#]", text) is not None
        if linked and is_page_line(text, words) and SENTENCE_END.search(text) is None:
            found.add(at)
    return found

"""Turn a programme transcript (plain text or a saved HTML page) into an episode.yaml to review.

The page is reduced to paragraphs; page furniture (menus, "Go Top", share links, cookie
notices, "Editor's Pick" and what follows it) is left out and listed in a comment. The header
gives the title, date and programme; a headline such as `[Interview] ...` starts a new story
(chapter). Paragraphs are attributed from the narration's cues: "Here's X.", "X explains
why.", "X takes note that ...", "X says:" hand the next paragraph to X; first-person
paragraphs after narration naming X are X's; quotes opening with "…" are voxpops. Narration
resumes on third person about the speaker, a question, a new cue or a broadcaster's "we".
Nothing is invented: every content word is kept, in order, and guesses carry `# check:`.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open
from broadcast_kit.render.sentences import sentences

APOS = "['’]"
WRAP = 92  # width of the text lines written in block scalars
ELLIPSIS = re.compile(r"^\s*[\"“‘']?(?:…|\.\.\.)\s*")

# --- page furniture -----------------------------------------------------------------------

_FURNITURE = re.compile(
    r"""(?ix)
    (?:menu(?:\s+content)?|main\s+menu|navigation|(?:skip|go|back)\s+to\s+(?:the\s+)?
    (?:main\s+)?(?:content|top|list)|go\s*top|top|home|search|log\s*in|log\s*out|sign\s*(?:in|up)
    |subscribe|close|open|share(?:\s+this(?:\s+(?:article|story|page))?)?(?:\s+on\s+\w+)?
    |facebook|twitter|x|kakao(?:talk|\s*story)?|line|band|telegram|whatsapp|linkedin|email
    |e-mail|print(?:\s+this(?:\s+page)?)?|copy\s+(?:url|link)|url\s+copied|listen(?:\s+now)?
    |download|podcast|rss|more|read\s+more|view\s+more|see\s+more|back\s+to\s+list|list|prev
    |previous(?:\s+(?:article|story))?|next(?:\s+(?:article|story))?|advertisement|ad|sponsored
    |font\s+size|text\s+size|[a+\-\s]{1,5}|korean|english|français|español|deutsch|русский
    |日本語|中文|한국어|tiếng\s+việt|bahasa\s+indonesia|العربية|accept(?:\s+all)?(?:\s+cookies)?
    |reject(?:\s+all)?|ok|got\s+it|(?:tags?|keywords?)\s*:.*|copyright\b.*|©.*
    |all\s+rights\s+reserved.*|for\s+further\s+details\s*>?|photo\s*:.*|[\W_]*)
    """
)
_COOKIE = re.compile(r"(?i)\bcookies?\b.*\b(?:consent|policy|website|accept|privacy)\b")
# after content has begun, these end the article: what follows is the site's, not ours
_TAIL = re.compile(
    r"""(?ix)
    (?:editor['’]?s?\s+picks?|related\s+(?:articles?|stories|news|content|programs?)
    |most\s+(?:viewed|read|popular)(?:\s+\w+)?|more\s+from\b.*|you\s+may\s+also\s+like
    |recommended(?:\s+(?:for\s+you|articles?|stories))?|latest\s+news|popular\s+news
    |comments?(?:\s*\(\d+\))?|other\s+(?:stories|news|episodes))\s*:?
    """
)
_LABELLED = re.compile(
    r"(?i)^(title|headline|date|broadcast|aired|programme|program|show)\s*:\s*(.+)$"
)
_TAGGED_HEADLINE = re.compile(r"^\[(?P<tag>[^\]]{1,30})\]\s*(?P<title>\S.*)$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*$")

# --- dates --------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATES = (
    re.compile(
        r"\b(?P<year>\d{4})\s*[-./년]\s*(?P<mon>\d{1,2})\s*[-./월]\s*(?P<day>\d{1,2})(?:\s*일)?(?!\d)"
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b"),
)


def find_date(text: str) -> dt.date | None:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = (
                int(parts["mon"]) if parts.get("mon") else _MONTHS.get(parts["month"].lower(), 0)
            )
            try:
                return dt.date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                continue
    return None


def _is_date_line(line: str) -> bool:
    """A line that is a date and little else (a dateline, not a sentence mentioning one)."""
    if find_date(line) is None:
        return False
    rest = line
    for pattern in _DATES:
        rest = pattern.sub(" ", rest)
    rest = re.sub(
        r"(?i)\b(?:date|posted|published|updated|aired|broadcast|on|at|kst|gmt|utc|am|pm|"
        r"mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\d{1,2}:\d{2}(?::\d{2})?|[\W_]",
        " ",
        rest,
    )
    return not rest.strip()


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
_FURNITURE_ATTR = re.compile(
    r"(?i)(?:^|[\s_-])(?:nav|navbar|menu|gnb|lnb|header|footer|cookie|consent|share|sns|social"
    r"|breadcrumbs?|related|sidebar|banner|advert|ads|popup|modal|comments?|skip)(?:$|[\s_-])"
)


class _PageText(HTMLParser):
    """Visible text of a page, one paragraph per block element; furniture elements skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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


def is_html(text: str) -> bool:
    return re.search(r"(?i)<(?:!doctype\s+html|html|body|p|div|article)\b", text[:5000]) is not None


def page_text(raw: str) -> Page:
    """The visible text of a transcript: plain text as is, HTML with its tags removed."""
    if not is_html(raw):
        return Page(raw.replace("\r\n", "\n").replace("\r", "\n"))
    parser = _PageText()
    parser.feed(raw)
    parser.close()
    text = "".join(parser.out)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    h1 = " ".join("".join(parser.h1).split()) or None
    title = " ".join("".join(parser.title).split()) or None
    return Page("\n\n".join(p for p in paragraphs if p) + "\n", h1, title)


# --- blocks: the paragraphs and lines of the text -----------------------------------------


@dataclass(frozen=True)
class Block:
    text: str
    line: int


def _standalone(line: str) -> bool:
    """A line that is never part of a wrapped paragraph: headline, label, date, furniture."""
    return bool(
        _TAGGED_HEADLINE.match(line)
        or _LABELLED.match(line)
        or _TAIL.fullmatch(line)
        or _FURNITURE.fullmatch(line)
        or _is_date_line(line)
    )


def blocks(text: str) -> list[Block]:
    """Paragraphs of the text. Long lines are paragraphs; hard-wrapped lines are joined."""
    lines = text.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    # hard-wrapped text separates its paragraphs with blank lines; text without any blank
    # line between its lines has one paragraph per line, however short they are
    inner = "\n".join(lines).strip().split("\n")
    wrapped = width <= 100 and any(not line.strip() for line in inner)
    result: list[Block] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            result.append(Block(" ".join(current), start))
            current.clear()

    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            flush()
            continue
        alone = _standalone(line)
        if not wrapped or alone or (current and len(current[-1]) < 0.6 * width):
            flush()
        if not current:
            start = number
        current.append(line)
        if alone:
            flush()
    flush()
    return result


# --- names --------------------------------------------------------------------------------

_TOKEN = r"[A-Z][a-z][a-zA-Z'’]*(?:-[A-Za-z][a-z]*)*"
_RUN = re.compile(rf"(?<![\w’'-]){_TOKEN}(?:\s+{_TOKEN})*")
TITLES = {
    "Professor", "Prof", "Dr", "Mr", "Mrs", "Ms", "Miss", "Minister", "President", "Director",
    "Chairman", "Chairwoman", "Ambassador", "Secretary", "Senator", "Governor", "Mayor",
    "General", "Rev", "Reverend", "Father", "Sister", "Lawmaker", "Representative",
    "Researcher", "Analyst", "Chief", "Deputy", "Commissioner", "Dean", "Captain", "Coach",
    "Judge", "Justice", "Vice", "Prime", "Former", "Singer", "Pianist", "Player", "Reporter",
    "Correspondent", "Administrator", "Manager", "Chef", "Pastor", "Doctor",
}  # fmt: skip
# capitalized words that are not (part of) a person's name
_NOT_NAMES = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "He", "She", "They",
    "We", "I", "You", "His", "Her", "Their", "Our", "My", "Here", "There", "So", "But",
    "And", "Or", "Also", "Now", "Then", "However", "Moreover", "In", "On", "At", "For",
    "As", "With", "By", "From", "To", "Of", "According", "Among", "Other", "Others",
    "Despite", "Since", "Having", "Being", "When", "While", "If", "After", "Before",
    "During", "First", "Second", "Third", "Secondly", "Thirdly", "Finally", "Obviously",
    "Experts", "Attention", "Expectations", "Some", "Many", "Most", "Still", "Yet", "Even",
    "North", "South", "East", "West", "Northeast", "Korea", "Korean", "Koreans", "Japan",
    "Japanese", "China", "Chinese", "America", "American", "Russia", "Russian", "Europe",
    "European", "Asia", "Asian", "Seoul", "Pyongyang", "Tokyo", "Beijing", "Washington",
    "Moscow", "University", "Department", "Ministry", "Foreign", "Institute", "Center",
    "Centre", "Alliance", "Association", "Party", "Government", "Council", "Committee",
    "Orchestra", "Art", "Arts", "School", "Hall", "City", "Province", "Peninsula",
    "Declaration", "Democratic", "Liberal", "National", "International", "Military",
    "Symphony", "Human", "Rights", "Citizens", "Unification", "Relations", "Affairs",
    "Division", "Office", "Agency", "News", "Media", "Radio", "Television", "Newspaper",
    "Shinbun", "Times", "Post", "Daily", "World", "War", "Summit", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Today", "Tomorrow", "Yesterday", "Program", "Programme", "Concert",
    "Festival", "Foundation", "Company", "Group", "Bank", "Union", "United",
    "States", "Nations", "Republic", "Kingdom", "Cabinet", "Assembly", "Court", "Police",
    "Army", "Navy", "Museum", "Library", "Station", "Street", "Road", "Island", "River",
    "Mountain", "Gyeonggi", "Gangwon", "Busan", "Incheon", "Hamgyeong", "Pyeongan",
    "Hwanghae", "Jeolla", "Gyeongsang", "Chungcheong", "Jeju", "Yes", "No", "Well", "Oh",
    "Thank", "Thanks", "Please", "Let", "Let's", "Let’s", "What", "Why", "How", "Who",
    "Where", "Which", "Whether", "Each", "Every", "Both", "All", "Such", "Only", "Just",
}  # fmt: skip
_KOREAN_NAME = re.compile(r"[A-Z][a-z]{1,4} [A-Z][a-z]+-[a-z]+")


@dataclass
class Person:
    name: str  # the full name as written, without titles
    key: str = ""  # voice key
    interviewee: bool = False
    mentioned: int = 0  # position of the last mention (larger = more recent)

    @property
    def tokens(self) -> list[str]:
        return self.name.split()

    @property
    def surname(self) -> str:
        # Korean names as written in English put the family name first: Shin Jeong-hwa
        return self.tokens[0] if _KOREAN_NAME.fullmatch(self.name) else self.tokens[-1]


def _name_runs(text: str) -> Iterable[tuple[list[str], bool]]:
    """Capitalized word runs that may name a person: (name tokens, had a title)."""
    for match in _RUN.finditer(text):
        words = match.group(0).split()
        if words[-1].endswith(("'s", "’s")):
            continue
        titled = False
        while words and words[0].rstrip(".") in TITLES:
            words, titled = words[1:], True
        while words and words[0] in _NOT_NAMES:
            words, titled = words[1:], False
        if not words or any(w in _NOT_NAMES or w in TITLES for w in words):
            continue
        if len(words) > 3:
            continue
        # a title written before the run ("professor Kim", "player Im")
        before = text[: match.start()].split()[-1:] if match.start() else []
        if before and before[0].rstrip(".,").capitalize() in TITLES:
            titled = True
        yield words, titled


class People:
    """Everyone named so far, so that "Professor Shin" finds "Shin Jeong-hwa"."""

    def __init__(self) -> None:
        self.known: list[Person] = []
        self.clock = 0

    def resolve(self, words: list[str], titled: bool) -> Person | None:
        self.clock += 1
        if len(words) >= 2:
            name = " ".join(words)
            person = next((p for p in self.known if p.name == name), None)
            if person is None:
                person = Person(name)
                self.known.append(person)
            person.mentioned = self.clock
            return person
        word = words[0]
        matches = [p for p in self.known if word in p.tokens]
        if not matches:
            if not titled:
                return None
            person = Person(word)
            self.known.append(person)
            matches = [person]
        best = max(matches, key=lambda p: (p.surname == word, p.interviewee, p.mentioned))
        best.mentioned = self.clock
        return best

    def named_in(self, text: str) -> list[Person]:
        """The people a paragraph names, in order of last mention."""
        found: dict[str, Person] = {}
        for words, titled in _name_runs(text):
            person = self.resolve(words, titled)
            if person is not None:
                found.pop(person.name, None)
                found[person.name] = person
        return list(found.values())

    def first_named(self, phrase: str) -> Person | None:
        for words, titled in _name_runs(phrase):
            person = self.resolve(words, titled)
            if person is not None:
                return person
        return None


def mentions(text: str, person: Person) -> bool:
    """Whether `text` talks about `person` in the third person (name, surname or title)."""
    if person.name in text:
        return True
    surname = re.escape(person.surname)
    return re.search(rf"(?<![\w-]){surname}(?![\w-])(?!\s+{_TOKEN})", text) is not None


# --- cues ---------------------------------------------------------------------------------

_VOX_NOUNS = (
    r"visitors?|listeners?|audience\s+members?|members?\s+of\s+the\s+(?:audience|public)"
    r"|residents?|citizens?|students?|participants?|spectators?|viewers?|fans?|passers?-by"
    r"|passer-by|shoppers?|voters?|parents?|concertgoers?|attendees?|volunteers?|local"
)
_VOX_SUBJECT = re.compile(
    rf"(?i)^(?:one|a|an|another|some|one\s+of\s+the|other)\s+(?:[a-z-]+\s+)?(?P<noun>{_VOX_NOUNS})\b"
)
_VOX_INLINE = re.compile(
    rf"(?i)\b(?:said|says|told\s+\w+|according\s+to)\s+(?:one|a|an|another)\s+(?:[a-z-]+\s+)?"
    rf"(?:{_VOX_NOUNS})\b|\b(?:one|a|an|another)\s+(?:[a-z-]+\s+)?(?:{_VOX_NOUNS})"
    r"\s+(?:said|says|told)\b"
)
_SAY = (
    r"says|said|told\s+KBS|tells\s+KBS|told\s+us|tells\s+us|told\s+reporters|adds|added"
    r"|continues|continued|went\s+on|comments|commented|shares|shared|recalls|recalled"
    r"|explains|explained|notes|noted|stresses|stressed|puts\s+it|put\s+it|had\s+to\s+say"
)
_CUES = (
    re.compile(
        rf"(?i)^(?:so,?\s+|now,?\s+|first,?\s+|next,?\s+)?(?:here{APOS}s|here\s+is|let{APOS}s\s+"
        r"(?:hear|listen\s+to)(?:\s+from)?|we\s+(?:now\s+)?hear\s+from|listen\s+to|joining\s+us"
        r"(?:\s+now)?\s+is)\s+(?P<who>.+?)[.:!]$"
    ),
    re.compile(r"^(?P<who>.+?)\s+(?P<verb>(?:takes|took)\s+note\s+(?:that|of))\b.*$"),
    re.compile(
        r"^(?P<who>.+?)\s+(?P<verb>explain(?:s|ed))(?:\s+(?:why|how|what)\b.*|\s+(?:more|further))?[.:]$"
    ),
    re.compile(rf"^(?P<who>.+?)\s+(?P<verb>{_SAY})(?P<tail>(?:\s+[^\s.:\"“”]+){{0,6}})[.:]$"),
    re.compile(r"^.*?,?\s+(?P<verb>according\s+to)\s+(?P<who>.+?)[.:]$"),
)
_REPORTED = re.compile(r"(?i)\s+(?:that|it|the|a|an|this|these|those|there|in\s+a\s+statement)\b")
_WHO_TRIM = re.compile(
    rf"(?i)^(?:what\s+|how\s+)|(?:,\s*)?\s+(?:also|then|now|further)$|\s+(?:{_SAY}|thinks"
    r"|feels|had\s+to\s+say|has\s+to\s+say)(?:\s+about\s+it)?$"
)


@dataclass(frozen=True)
class Cue:
    sentence: str  # the cue sentence, shortened around its verb for comments
    person: Person | None = None
    voxpop: str | None = None  # a description ("Visitor") when the cue introduces a voxpop


def _speaker_phrase(sentence: str) -> tuple[str, str] | None:
    """Who a cue sentence hands over to, and the sentence shortened around its verb."""
    for pattern in _CUES:
        match = pattern.match(sentence)
        if match is None:
            continue
        tail = match.groupdict().get("tail") or ""
        if _REPORTED.match(tail):  # "X says that ...": reported speech, not a hand-over
            continue
        who = match.group("who").strip()
        if re.search(rf"(?i)\b(?:{_SAY})\b", who):  # the verb belongs to a reported clause
            continue
        for _ in range(3):
            who = _WHO_TRIM.sub("", who).strip()
        shown = sentence
        if len(sentence) > 72 and match.groupdict().get("verb"):
            start, end = match.span("verb")
            rest = " …" if end < len(sentence) - 1 else sentence[-1]
            shown = f"{_short(sentence[:start], 40)} {sentence[start:end]}{rest}"
        return who, shown
    return None


def find_cue(text: str, people: People, last_person: Person | None) -> Cue | None:
    """The hand-over at the end of a narration paragraph, if it ends with one."""
    pieces = sentences(text)
    if not pieces:
        return None
    tries = [pieces[-1]]
    if len(pieces) > 1 and not _SENTENCE_END.search(pieces[-2]):  # a long sentence cut in two
        tries.append(" ".join(pieces[-2:]))
    for sentence in tries:
        sentence = sentence.strip().rstrip("\"”’'")
        found = _speaker_phrase(sentence)
        if found is None:
            continue
        who, sentence = found
        vox = _VOX_SUBJECT.match(who)
        if vox:
            noun = re.sub(r"\s+", " ", vox.group("noun")).lower()
            return Cue(sentence, voxpop=_singular(noun).capitalize())
        if re.fullmatch(r"(?i)(?:he|she)", who):
            return Cue(sentence, last_person) if last_person is not None else None
        person = people.first_named(who)
        if person is not None:
            return Cue(sentence, person)
    return None


def _singular(noun: str) -> str:
    noun = noun.replace("passers-by", "passer-by")
    if noun.startswith("members of the"):
        return "member of the" + noun.removeprefix("members of the")
    words = noun.split()
    if words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


# --- voice of a paragraph -----------------------------------------------------------------

_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
_FIRST_SINGULAR = re.compile(rf"(?<![\w-])(?:I|I{APOS}(?:m|ve|d|ll)|me|my|mine|myself)(?![\w-])")
_FIRST_PLURAL = re.compile(
    rf"(?i)(?<![\w.-])(?:we|we{APOS}(?:re|ve|d|ll)|us|our|ours|ourselves)(?![\w.-])"
)
_BROADCASTER = re.compile(
    rf"(?i)\bwe(?:{APOS}ll|\s+will)\s+(?:be\s+)?(?:watch|look|bring|hear|meet|take|continue"
    rf"|keep|follow|return|talk|see)|\bjoin\s+us\b|\bstay\s+(?:with\s+us|tuned)\b|\bwe{APOS}re\s+"
    r"(?:going\s+to\s+)?(?:look|talk|joined)|\b(?:today|this\s+week|in\s+this\s+program(?:me)?)"
    r",?\s+we\b|\bthank\s+you\s+for\s+(?:listening|joining)"
)
_OPINION = re.compile(
    rf"(?i)\b(?:aren|isn|don|doesn|won|can|wasn|weren|didn){APOS}t\s+(?:they|it|we|you|he|she)\?"
    rf"|\bit{APOS}s\s+(?:crucial|essential|important|necessary|vital)\b|\bdefinitely\b"
    r"|\bin\s+my\s+(?:view|opinion)\b"
)


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def first_person(text: str) -> str | None:
    """'singular' or 'plural' when the paragraph speaks in the first person (quotes aside)."""
    plain = _unquoted(text)
    if _FIRST_SINGULAR.search(plain):
        return "singular"
    if _FIRST_PLURAL.search(plain):
        return "plural"
    return None


def is_voxpop(text: str) -> bool:
    return ELLIPSIS.match(text) is not None or _VOX_INLINE.search(text) is not None


def _ends_with_question(text: str) -> bool:
    return re.search(r"\?[\"'”’)]*$", text.strip()) is not None


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
    return _FURNITURE.fullmatch(text) is not None or _COOKIE.search(text) is not None


def _is_content(text: str, started: bool) -> bool:
    """Transcript text: sentences, or (once the transcript began) a long line of words."""
    if _TAGGED_HEADLINE.match(text):
        return False
    words = len(text.split())
    if _SENTENCE_END.search(text) or text.endswith(":"):
        return started or words >= 8
    return started and words >= 12 and not _is_headline(text)


def _is_headline(text: str) -> bool:
    if _TAGGED_HEADLINE.match(text):
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
        if started and _TAIL.fullmatch(text):
            ended = True
            result.dropped.append(block)
            continue
        label = _LABELLED.match(text)
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
            match = _TAGGED_HEADLINE.match(text)
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
    date_at = next((i for i, b in enumerate(header) if _is_date_line(b.text)), None)
    if result.date is None and date_at is not None:
        result.date = find_date(header[date_at].text)
    candidates = [
        (i, b) for i, b in enumerate(header) if i != date_at and not _is_date_line(b.text)
    ]
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


# --- attribution --------------------------------------------------------------------------


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def attribute(transcript: Transcript) -> None:
    """Decide who speaks each paragraph (kind, person, voxpop description) with notes."""
    people = transcript.people
    voxpops = 0
    for story in transcript.stories:
        audience = _audience(story)
        active: Person | None = None  # the interviewee who spoke the paragraph before
        pending: Cue | None = None  # the cue that ended the paragraph before
        named: list[Person] = []  # people the narration before named
        asked = False  # the narration before ended with a question
        interviewees: list[Person] = []
        last_person: Person | None = None
        for number, para in enumerate(story.paragraphs, start=1):
            text = para.text
            voice = first_person(text)
            named_here = people.named_in(text)
            cue_here = find_cue(text, people, named_here[-1] if named_here else last_person)
            if is_voxpop(text) or (pending is not None and pending.voxpop):
                voxpops += 1
                para.kind, para.voice = "voxpop", f"voxpop-{voxpops}"
                para.description = pending.voxpop if pending and pending.voxpop else audience
                why = f"after the cue “{pending.sentence}”" if pending else "a quote opening with …"
                para.notes.append(f"check: voxpop ({why}); who is speaking?")
                active, pending, named, asked = None, None, [], False
                continue
            resumes = None
            if active is not None:
                wrap_up = number == len(story.paragraphs)
                resumes = _resumes(text, active, voice, cue_here is not None, wrap_up)
            if pending is not None and pending.person is not None:
                _speak(para, pending.person, f"after the cue “{pending.sentence}”")
            elif active is not None and resumes == "continues":
                note = "continues in the first person"
                if voice != "singular":
                    note = f"check: still {active.name}? ('we', no cue)"
                _speak(para, active, note)
            elif voice == "singular" and named:
                person = next((p for p in reversed(named) if p.interviewee), named[-1])
                note = "first person after the narration named them"
                if len(named) > 1:
                    others = ", ".join(p.name for p in named if p is not person)
                    note = f"check: {note} (it also named {others})"
                _speak(para, person, note)
            else:
                after = active if resumes == "unclear" else None
                _narration(para, after, asked and cue_here is None, interviewees, voice)
            if para.kind == "interview" and para.person is not None:
                active = para.person
                if para.person not in interviewees:
                    interviewees.append(para.person)
                last_person = para.person
                pending, named, asked = None, [], False
                continue
            active, named, pending = None, named_here, cue_here
            last_person = named[-1] if named else last_person
            asked = _ends_with_question(text)
            if pending is not None and pending.person is not None:
                pending.person.interviewee = True


def _speak(para: Paragraph, person: Person, note: str) -> None:
    person.interviewee = True
    para.kind, para.person = "interview", person
    check = note.startswith("check: ")
    note = f"{person.name}: {note.removeprefix('check: ')}"
    para.notes.append(f"check: {note}" if check else note)
    if len(person.tokens) == 1 and not check:
        para.notes.append(f"check: only '{person.name}' is named; write the full name in voices")


def _resumes(text: str, active: Person, voice: str | None, cue: bool, wrap_up: bool) -> str:
    """After `active` spoke: "clear" (narration is back), "continues" or "unclear"."""
    if (
        cue
        or mentions(_unquoted(text), active)
        or _ends_with_question(text)
        or _BROADCASTER.search(text) is not None
    ):
        return "clear"
    if voice is not None:
        return "continues"
    return "clear" if wrap_up else "unclear"


def _narration(
    para: Paragraph,
    active: Person | None,
    asked: bool,
    interviewees: list[Person],
    voice: str | None,
) -> None:
    recent = interviewees[-1] if interviewees else None
    if active is not None:
        para.notes.append(f"check: narration resumes here? (after {active.name}, no cue)")
    elif asked and recent is not None:
        para.notes.append(
            f"check: answers the question above; {recent.name}? (host unless a voice is heard)"
        )
    elif recent is not None and (opinions := _OPINION.findall(_unquoted(para.text))):
        shown = ", ".join(f"“{o}”" for o in opinions[:3])
        para.notes.append(f"check: sounds like an interviewee ({shown}); {recent.name}?")
    elif voice == "singular":
        para.notes.append("check: first person but no one named before it; who speaks?")


_AUDIENCES = (
    ("audience", "Audience member"),
    ("visitor", "Visitor"),
    ("listener", "Listener"),
    ("spectator", "Spectator"),
    ("concertgoer", "Concertgoer"),
    ("resident", "Resident"),
    ("citizen", "Citizen"),
    ("participant", "Participant"),
    ("shopper", "Shopper"),
    ("voter", "Voter"),
    ("passer-by", "Passer-by"),
)


def _audience(story: Story) -> str:
    """Who the voxpops of a story are, from the narration's words ("audience members")."""
    words = " ".join(p.text for p in story.paragraphs)
    for noun, description in _AUDIENCES:
        if re.search(rf"(?i)\b{noun}s?\b", words):
            return description
    return "Listener"


# --- YAML ---------------------------------------------------------------------------------

_PALETTE = ((-3.0, 0.95), (3.0, 1.05), (-1.5, 0.9), (4.5, 1.0), (-5.0, 1.0), (1.5, 1.1))
_VOX_PALETTE = ((6.0, 1.1), (-5.5, 1.0), (2.5, 1.12), (-2.5, 0.92))
# voice keys not to use: the built-in voices, and words YAML reads as booleans or null
RESERVED = {"host", "voxpop", "y", "yes", "n", "no", "on", "off", "true", "false", "null"}


def quote(text: str) -> str:
    """A YAML double-quoted scalar for `text`, on one line."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def block(key: str, text: str, indent: int) -> str:
    """`key: >-` and the text folded on the following lines (exactly `text` when read back)."""
    pad = " " * indent
    if not text.isprintable() or text != " ".join(text.split()):
        return f"{key}: {quote(text)}"
    lines = textwrap.wrap(
        text, width=max(40, WRAP - indent), break_long_words=False, break_on_hyphens=False
    )
    return f"{key}: >-\n" + "\n".join(pad + line for line in lines)


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "speaker"


def _assign_keys(people: list[Person]) -> None:
    taken = set(RESERVED)
    for person in people:
        key = _slug(person.surname)
        if key in taken:
            key = _slug(person.name)
        while key in taken:
            key += "-2"
        person.key = key
        taken.add(key)


@dataclass(frozen=True)
class Imported:
    """The result of an import: the parsed transcript and the episode.yaml text."""

    transcript: Transcript
    yaml: str
    speakers: dict[str, str]  # voice key -> full name or description

    @property
    def checks(self) -> int:
        return self.yaml.count("# check:")


def import_transcript(
    raw: str, source_name: str, engine: str = "piper", today: dt.date | None = None
) -> Imported:
    """Parse, attribute and write the episode.yaml text for one transcript."""
    from broadcast_kit.tts import registry

    if engine not in registry.names():
        raise InputError(
            f"unknown engine '{engine}' for --engine; installed engines:"
            f" {', '.join(registry.names())}"
        )
    page = page_text(raw)
    try:
        transcript = parse(page)
    except InputError as exc:
        raise InputError(f"{source_name}: {exc}") from None
    attribute(transcript)
    paragraphs = [p for s in transcript.stories for p in s.paragraphs]
    speakers: list[Person] = []
    for para in paragraphs:
        if para.person is not None and para.person not in speakers:
            speakers.append(para.person)
    _assign_keys(speakers)
    return Imported(
        transcript,
        _episode_yaml(
            transcript, speakers, source_name, engine, today or dt.date.today(), is_html(raw)
        ),
        {p.key: p.name for p in speakers}
        | {p.voice: p.description or "" for p in paragraphs if p.voice},
    )


def _episode_yaml(
    transcript: Transcript,
    speakers: list[Person],
    source_name: str,
    engine: str,
    today: dt.date,
    html: bool = False,
) -> str:
    def where(line: int) -> str:
        # HTML has no useful line numbers: count the paragraphs of its text instead
        return f"paragraph {(line + 1) // 2}" if html else f"line {line}"

    out: list[str] = [
        f"# Imported by `kit import` from {source_name}.",
        "# Review it before rendering: lines marked 'check:' are guesses. Every content word of",
        "# the transcript is kept, in order (the '…' that opens an audience quote is a",
        "# transcript marker and is left out).",
    ]
    if transcript.programme:
        out.append(f"# programme: {transcript.programme}")
    if transcript.dropped:
        out.append("# left out as page furniture (not part of the transcript):")
        out += [f"#   {where(b.line)}: {_short(b.text)}" for b in transcript.dropped]
    title = transcript.title or Path(source_name).stem
    note = ""
    if not transcript.title:
        note = "  # check: no title found; this is the file name"
    elif transcript.title_guessed:
        note = "  # check: guessed from the page header"
    out.append(f"title: {quote(title)}{note}")
    if transcript.date is not None:
        out.append(f"date: {transcript.date.isoformat()}")
    else:
        out.append(f"date: {today.isoformat()}  # check: no date found; this is today's")
    first = next((p.text for s in transcript.stories for p in s.paragraphs), "")
    lead = sentences(ELLIPSIS.sub("", first))
    if lead:
        out.append(f"description: {quote(lead[0])}  # check: the first sentence; write your own")
    else:
        out.append('description: ""  # TODO: describe the episode')
    paragraphs = [p for s in transcript.stories for p in s.paragraphs]
    out += ["", "# the host speaks with the show's host voice (show.yaml)"]
    vox = [p for p in paragraphs if p.voice]
    if speakers or vox:
        out.append("voices:")
    for n, person in enumerate(speakers):
        pitch, speed = _PALETTE[n % len(_PALETTE)]
        pitch += 0.5 * (n // len(_PALETTE))
        out += [
            f"  {person.key}:",
            f"    engine: {engine}",
            f"    name: {quote(person.name)}",
            f"    pitch: {pitch}",
            f"    speed: {speed}",
        ]
    for n, para in enumerate(vox):
        pitch, speed = _VOX_PALETTE[n % len(_VOX_PALETTE)]
        pitch -= 0.5 * (n // len(_VOX_PALETTE))
        out += [
            f"  {para.voice}:  # {para.description or 'voxpop'}",
            f"    engine: {engine}",
            f"    pitch: {pitch}",
            f"    speed: {speed}",
        ]
    out += ["", "segments:"]
    for number, story in enumerate(transcript.stories, start=1):
        out.append(f"  # --- story {number} (transcript {where(story.line)}) ---")
        tag = f"  # [{story.tag}] in the transcript" if story.tag else ""
        out.append(f"  - chapter: {quote(story.title or title)}{tag}")
        for para in story.paragraphs:
            out += [f"  {_comment(n)}" for n in para.notes]
            if para.kind == "interview" and para.person is not None:
                out.append("  - " + block("interview", para.text, 6))
                out.append(f"    speaker: {para.person.key}")
            elif para.kind == "voxpop":
                out.append("  - " + block("voxpop", ELLIPSIS.sub("", para.text), 6))
                out.append(f"    speaker: {quote(para.description or 'Listener')}")
                out.append(f"    voice: {para.voice}")
            else:
                out.append("  - " + block("host", para.text, 6))
    return "\n".join(out) + "\n"


# --- files --------------------------------------------------------------------------------


def read_transcript(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the page or transcript as UTF-8"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None


def write_episode(text: str, path: Path, force: bool = False) -> Path:
    """Write `text` to `path` atomically; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise InputError(f"{path} already exists; pass --force to overwrite it")
    try:
        with atomic_open(path, "w") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); choose another -o") from exc
    return path

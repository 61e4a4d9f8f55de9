"""Page text and furniture: a saved HTML page or plain text becomes blocks of text.

HTML loses its tags, scripts, navigation and share bars; plain text is split into paragraphs
(hard-wrapped lines joined). Page furniture (menus, "Go Top", cookie notices, "Editor's Pick"
and what follows it) is recognised here so that later stages can leave it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from broadcast_kit.importer.dates import is_date_line

APOS = "['’]"


ELLIPSIS = re.compile(r"^\s*[\"“‘']?(?:…|\.\.\.)\s*")

# --- page furniture -----------------------------------------------------------------------

FURNITURE = re.compile(
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
COOKIE = re.compile(r"(?i)\bcookies?\b.*\b(?:consent|policy|website|accept|privacy)\b")
# after content has begun, these end the article: what follows is the site's, not ours
TAIL = re.compile(
    r"""(?ix)
    (?:editor['’]?s?\s+picks?|related\s+(?:articles?|stories|news|content|programs?)
    |most\s+(?:viewed|read|popular)(?:\s+\w+)?|more\s+from\b.*|you\s+may\s+also\s+like
    |recommended(?:\s+(?:for\s+you|articles?|stories))?|latest\s+news|popular\s+news
    |comments?(?:\s*\(\d+\))?|other\s+(?:stories|news|episodes))\s*:?
    """
)
LABELLED = re.compile(
    r"(?i)^(title|headline|date|broadcast|aired|programme|program|show)\s*:\s*(.+)$"
)
TAGGED_HEADLINE = re.compile(r"^\[(?P<tag>[^\]]{1,30})\]\s*(?P<title>\S.*)$")
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*$")


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
        TAGGED_HEADLINE.match(line)
        or LABELLED.match(line)
        or TAIL.fullmatch(line)
        or FURNITURE.fullmatch(line)
        or is_date_line(line)
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


def short(text: str, limit: int = 70) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

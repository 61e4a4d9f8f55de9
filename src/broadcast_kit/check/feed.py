"""The feed rules (STANDARDS 15-22): the XML itself, the channel, every item, and every URL
under the base URL against the files in the feed's folder.

The XML is read with expat directly: a DOCTYPE or entity declaration is refused before
anything is expanded, nothing is fetched, and every element keeps its line number for the
messages. The file is read up to a size cap, and the tree is built in linear time within the
element count and depth limits of `limits.py`, so a small file of millions of empty elements
costs bounded memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import glob
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from broadcast_kit import cover, model, text
from broadcast_kit.check.rules import Cause, FileResult, quote
from broadcast_kit.check.sidecars import Reports, TooLarge, read_capped
from broadcast_kit.limits import MAX_XML_DEPTH, MAX_XML_ELEMENTS
from broadcast_kit.model import podcast_guid

MAX_BYTES = 32 * 1024 * 1024
COVER_BYTES = 1024 * 1024  # enough of an image to find its header
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PODCAST = "https://podcastindex.org/namespace/1.0"
NAMESPACES = {"itunes": ITUNES, "content": CONTENT, "podcast": PODCAST}
DESCRIPTION_BYTES = 4000
TRANSCRIPT_TYPES = {"text/vtt", "application/x-subrip", "application/json", "text/html",
                    "text/plain", "application/srt"}  # fmt: skip
CHAPTERS_TYPE = "application/json+chapters"

ITEM_RULES = [
    "feed-item-title",
    "feed-item-title-style",
    "feed-enclosure",
    "feed-enclosure-url",
    "feed-enclosure-length",
    "feed-file-missing",
    "feed-guid",
    "feed-guid-unique",
    "feed-pubdate",
    "feed-duration",
    "feed-episode-numbers",
    "feed-podcast-links",
    "feed-url-base",
    "feed-ai-disclosure",
    "feed-item-description",
    "feed-episode-missing",
]
CHANNEL_RULES = [
    "feed-rss",
    "feed-namespaces",
    "feed-channel",
    "feed-category",
    "feed-image",
    "feed-podcast-guid",
    "feed-locked",
    "feed-url-private",
    "feed-url-encoding",
    *ITEM_RULES,
]

Duration = Callable[[Path], float | None]  # an MP3's decoded length in ms, None if unknown
# the show file's fields that channel findings come from (their line is the finding's place)
CATEGORY = Cause("show", ("category",))
COVER = Cause("show", ("cover",))
BASE_URL = Cause("show", ("base_url",))
AI_DISCLOSURE = Cause("show", ("ai_disclosure",))
AI_CONTENT = "ai-content"  # podcast:txt purpose of the AI disclosure
URL_ATTRIBUTES = ("url", "href", "img")
_RAW = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})")


# --- a small namespace-aware tree with line numbers -------------------------------------


_NO_ATTRS: dict[str, str] = {}  # shared by the elements without attributes (never written to)


@dataclass(slots=True)  # a feed may hold a million elements: no __dict__ for each
class Element:
    ns: str
    name: str
    attrs: dict[str, str]
    line: int
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def all(self, ns: str, name: str) -> list[Element]:
        return [c for c in self.children if c.ns == ns and c.name == name]

    def first(self, ns: str, name: str) -> Element | None:
        found = self.all(ns, name)
        return found[0] if found else None

    def value(self, ns: str, name: str) -> str | None:
        found = self.first(ns, name)
        return None if found is None else found.text.strip()


class XmlProblem(Exception):
    pass


@dataclass
class Document:
    root: Element
    declaration: tuple[str, str | None] | None  # (version, encoding)
    prefixes: list[tuple[str, str, int]]  # (prefix, uri, line) as declared


def parse(data: bytes) -> Document:
    """The feed as a tree; XmlProblem (with the line) for anything podcast parsers reject."""
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[Element] = []
    texts: list[list[str]] = []  # the character data of each open element, joined at its end
    roots: list[Element] = []
    count = 0
    prefixes: list[tuple[str, str, int]] = []
    declaration: list[tuple[str, str | None]] = []

    def split(name: str) -> tuple[str, str]:
        ns, _, local = name.rpartition(" ")
        return ns, local

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        line = parser.CurrentLineNumber
        if count > MAX_XML_ELEMENTS:
            raise XmlProblem(
                f"line {line}: more than {MAX_XML_ELEMENTS:,} elements (the limit for a feed);"
                " a feed of 10,000 episodes has about 300,000"
            )
        if len(stack) >= MAX_XML_DEPTH:
            raise XmlProblem(
                f"line {line}: elements nested more than {MAX_XML_DEPTH} deep (the limit;"
                " an RSS feed needs 5)"
            )
        ns, local = split(name)
        element = Element(ns, local, attrs or _NO_ATTRS, line)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)
        texts.append([])

    def end(_name: str) -> None:
        element = stack.pop()
        chunks = texts.pop()
        if chunks:  # joined once: adding each piece to a string is quadratic in its lines
            element.text = "".join(chunks)

    def characters(data: str) -> None:
        if stack:
            texts[-1].append(data)

    def doctype(*_args: object) -> None:
        raise XmlProblem(
            f"line {parser.CurrentLineNumber}: a DOCTYPE declaration; feeds must not have one"
            " (parsers refuse its entities): remove it"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartNamespaceDeclHandler = lambda prefix, uri: prefixes.append(
        (prefix or "", uri, parser.CurrentLineNumber)
    )
    parser.XmlDeclHandler = lambda version, encoding, _standalone: declaration.append(
        (version, encoding)
    )
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlProblem(
            f"line {exc.lineno}, column {exc.offset + 1}: {expat.ErrorString(exc.code)}"
        ) from None
    return Document(roots[0], declaration[0] if declaration else None, prefixes)


# --- helpers --------------------------------------------------------------------------------


def absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Folder:
    """Resolves URLs under the base URL to files in the feed's folder."""

    def __init__(self, folder: Path, base: str | None) -> None:
        self.folder = folder
        if base is not None:
            with contextlib.suppress(ValueError):  # as kit feed writes it: percent-encoded
                base = model.absolute_url(base)
        self.base = base if base is None or base.endswith("/") else base + "/"

    def owns(self, url: str) -> bool:
        return self.base is not None and url.startswith(self.base)

    def file(self, url: str) -> Path | None:
        """The file a URL under the base names, or None when there is no such file."""
        assert self.base is not None
        rel = unquote(urlsplit(url[len(self.base) :]).path)
        parts = rel.split("/")
        if not rel or rel.startswith("/") or "\\" in rel or ".." in parts:
            return None
        path = self.folder.joinpath(*parts)
        try:
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except OSError:
            return None
        return path if inside and path.is_file() else None


# --- the checks -----------------------------------------------------------------------------


def check(
    path: Path,
    result: FileResult,
    base_url: str | None,
    duration: Duration,
    reports: Reports | None = None,
) -> None:
    """`reports`: the render reports of the feed's folder (which episodes are rendered there,
    which have synthetic voices)."""
    result.ran("feed-xml")
    try:
        data = read_capped(path, MAX_BYTES)
    except (OSError, TooLarge) as exc:
        result.add("feed-xml", f"cannot read it ({exc})")
        result.skip(CHANNEL_RULES, "the feed cannot be read")
        return
    try:
        doc = parse(data)
    except XmlProblem as exc:
        result.add(
            "feed-xml",
            f"not well-formed XML: {exc}; escape & as &amp; and < as &lt;, use numeric"
            " references instead of HTML entities (&#160; for &nbsp;) or put HTML in CDATA;"
            " podcast parsers drop the whole feed on one such error",
        )
        result.skip(CHANNEL_RULES, "the feed is not well-formed XML")
        return
    if doc.declaration is None:
        result.add(
            "feed-xml", 'no XML declaration; start with <?xml version="1.0" encoding="UTF-8"?>'
        )
    elif (doc.declaration[1] or "utf-8").lower() not in ("utf-8", "utf8"):
        result.add(
            "feed-xml",
            f"the declared encoding is {quote(str(doc.declaration[1]))}; write the feed as UTF-8",
        )
    channel = _rss(doc, result)
    if channel is None:
        result.skip(CHANNEL_RULES, "no RSS channel")
        return
    _namespaces(doc, result)
    image = channel.first(ITUNES, "image")
    href = image.attrs.get("href", "").strip() if image is not None else ""
    if base_url is None and absolute(href):
        base_url = href.rsplit("/", 1)[0] + "/"
    folder = _Folder(path.parent, base_url)
    _channel(channel, result)
    _category(channel, result)
    _image(channel, folder, result)
    _podcast(channel, folder, path.name, result)
    _urls(doc.root, result)
    listed = _items(channel, folder, duration, reports or Reports(), result)
    _unlisted(path.parent, listed, reports or Reports(), result)
    if folder.base is None:
        result.skip(
            ["feed-file-missing", "feed-enclosure-length", "feed-url-base"],
            "no base URL: give --base-url or an itunes:image href",
        )


def _rss(doc: Document, result: FileResult) -> Element | None:
    result.ran("feed-rss")
    root = doc.root
    if root.ns or root.name != "rss":
        result.add("feed-rss", f'the root element is <{root.name}>, not <rss version="2.0">')
        return None
    if root.attrs.get("version") != "2.0":
        result.add(
            "feed-rss",
            f'<rss version={quote(root.attrs.get("version", ""))}>; set version="2.0"',
        )
    channels = root.all("", "channel")
    if len(channels) != 1:
        result.add("feed-rss", f"{len(channels)} <channel> elements; a feed has exactly one")
    return channels[0] if channels else None


def _namespaces(doc: Document, result: FileResult) -> None:
    result.ran("feed-namespaces")
    declared: dict[str, str] = {}
    for prefix, uri, line in doc.prefixes:
        declared.setdefault(prefix, uri)
        expected = NAMESPACES.get(prefix)
        if expected is not None and uri != expected:
            result.add(
                "feed-namespaces",
                f"line {line}: xmlns:{prefix} is {quote(uri)}; it must be {expected!r}",
            )
        for name, official in NAMESPACES.items():
            if uri == official and prefix != name:
                result.add(
                    "feed-namespaces",
                    f"line {line}: the {name} namespace is bound to the prefix {quote(prefix)};"
                    f" declare it as xmlns:{name}",
                )
    if declared.get("itunes") is None:
        result.add("feed-namespaces", f"xmlns:itunes is not declared; add xmlns:itunes={ITUNES!r}")


def _channel(channel: Element, result: FileResult) -> None:
    result.ran("feed-channel")
    problems: list[tuple[str, str]] = []  # (problem, the show file's field it comes from)
    if not channel.value("", "title"):
        problems.append(("no <title>; give the show's title", "title"))
    link = channel.value("", "link")
    if not link or not absolute(link):
        problems.append(
            (f"<link> {quote(link or '')} is not an absolute URL; link the show's page", "link")
        )
    description = channel.value("", "description")
    if not description:
        problems.append(("no <description>; describe the show", "description"))
    elif len(description.encode()) > DESCRIPTION_BYTES:
        problems.append((
            f"<description> is {len(description.encode()):,} bytes; Apple allows"
            f" {DESCRIPTION_BYTES}: shorten it",
            "description",
        ))  # fmt: skip
    language = channel.value("", "language")
    if not language or not re.fullmatch(r"[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
        problems.append((
            f"<language> {quote(language or '')} is not an ISO 639 code such as 'en'", "language"
        ))  # fmt: skip
    if not channel.value(ITUNES, "author"):
        problems.append(("no <itunes:author>; name the show's author", "author"))
    owner = channel.first(ITUNES, "owner")
    if owner is None or not owner.value(ITUNES, "email"):
        problems.append(("no <itunes:owner> with <itunes:email>; Apple mails the owner", "owner"))
    explicit = channel.value(ITUNES, "explicit")
    if explicit not in ("true", "false"):
        problems.append(
            (f"<itunes:explicit> is {quote(explicit or '')}; use true or false", "explicit")
        )
    kind = channel.value(ITUNES, "type")
    if kind not in ("episodic", "serial"):
        problems.append((
            f"<itunes:type> is {quote(kind or '')}; use episodic or serial (lowercase)", "type"
        ))  # fmt: skip
    for problem, field_name in problems:
        result.add("feed-channel", f"channel: {problem}", cause=Cause("show", (field_name,)))


def _category(channel: Element, result: FileResult) -> None:
    result.ran("feed-category")
    categories = channel.all(ITUNES, "category")
    if not categories:
        result.add(
            "feed-category",
            'no <itunes:category>; add one from Apple\'s list, e.g. <itunes:category text="News"/>',
            cause=CATEGORY,
        )
    for element in categories:
        text = element.attrs.get("text", "")
        apple = model.categories()
        if text not in apple:
            near = [c for c in apple if c.lower() == text.lower()]
            hint = f"did you mean {near[0]!r}?" if near else "categories: " + ", ".join(apple)
            result.add(
                "feed-category",
                f"line {element.line}: {quote(text)} is not one of Apple's categories; {hint}",
                cause=CATEGORY,
            )
            continue
        for sub in element.all(ITUNES, "category"):
            name = sub.attrs.get("text", "")
            if name not in apple[text]:
                allowed = ", ".join(apple[text]) or "none"
                result.add(
                    "feed-category",
                    f"line {sub.line}: {quote(name)} is not a subcategory of {text!r};"
                    f" its subcategories: {allowed}",
                    cause=CATEGORY,
                )


def _image(channel: Element, folder: _Folder, result: FileResult) -> None:
    result.ran("feed-image")
    image = channel.first(ITUNES, "image")
    href = image.attrs.get("href", "").strip() if image is not None else ""
    if image is None or not href:
        result.add(
            "feed-image",
            'no <itunes:image href="...">; add the cover art\'s absolute URL as the href attribute',
            cause=COVER,
        )
        return
    if not absolute(href):
        result.add(
            "feed-image", f"the itunes:image href {quote(href)} is not an absolute URL", cause=COVER
        )
        return
    if not _under_base(href, folder, f"line {image.line}: the cover", result):
        return
    result.ran("feed-file-missing")
    art = folder.file(href)
    if art is None:
        result.add(
            "feed-file-missing",
            f"line {image.line}: the cover {quote(href)} is not beside the feed; copy it there",
        )
        return
    try:
        with open(art, "rb") as handle:
            found = cover.inspect(handle.read(COVER_BYTES))
            too_large = cover.size_problem(os.fstat(handle.fileno()).st_size)
    except OSError as exc:
        result.add("feed-image", f"cannot read the cover {art.name} ({exc.strerror})")
        return
    if found is None:
        result.add("feed-image", f"the cover {art.name} is not a JPEG or PNG image", cause=COVER)
        return
    problems = [*found.problems(), *found.color_problems()]
    if too_large is not None:
        problems.append(too_large)
    extensions = {"image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}[found.mime]
    if art.suffix.lower() not in extensions:
        problems.append(f"is {found.mime} but named {art.suffix or 'without an extension'}")
    for problem in problems:
        result.add(
            "feed-image",
            f"the cover {art.name} {problem}; use a square RGB JPEG or PNG of 1400-3000 px"
            " without transparency, named for its format",
            cause=COVER,
        )


def _podcast(channel: Element, folder: _Folder, feed_name: str, result: FileResult) -> None:
    result.ran("feed-podcast-guid")
    guid = channel.value(PODCAST, "guid")
    expected = uuid.UUID(podcast_guid(folder.base + feed_name)) if folder.base else None
    if not guid:
        hint = f" ({expected} for {folder.base}{feed_name})" if expected else ""
        result.add(
            "feed-podcast-guid",
            f"no <podcast:guid>; add the uuid5 of the feed URL{hint}",
        )
    else:
        try:
            parsed = uuid.UUID(guid)
        except ValueError:
            result.add("feed-podcast-guid", f"<podcast:guid> {quote(guid)} is not a UUID", "error")
        else:
            if expected is not None and parsed != expected:
                result.add(
                    "feed-podcast-guid",
                    f"<podcast:guid> is {guid}, but the feed at {folder.base}{feed_name} gives"
                    f" {expected}; keep the old guid only if the feed moved",
                    cause=BASE_URL,
                )
    result.ran("feed-locked")
    locked = channel.first(PODCAST, "locked")
    where = Cause("show", ("locked",))
    if locked is None:
        result.add(
            "feed-locked", 'no <podcast:locked>; add yes (or no) with owner="EMAIL"', cause=where
        )
    elif locked.text.strip() not in ("yes", "no") or not locked.attrs.get("owner"):
        result.add(
            "feed-locked",
            f"<podcast:locked> is {quote(locked.text.strip())} with owner"
            f" {quote(locked.attrs.get('owner', ''))}; use yes or no and the owner's e-mail",
            "error",
            cause=where,
        )


def _seconds(text: str) -> float | None:
    """itunes:duration as seconds: 'SS', 'MM:SS' or 'HH:MM:SS'; None when unreadable."""
    if re.fullmatch(r"\d+", text):
        return float(text)
    match = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)", text)
    if match is None:
        return None
    h, m, s = match.groups()
    return int(h or 0) * 3600 + int(m) * 60 + int(s)


def _items(
    channel: Element, folder: _Folder, duration: Duration, reports: Reports, result: FileResult
) -> set[str]:
    """The item rules; the names of the files the items' enclosures name."""
    for rule in ITEM_RULES:
        if rule not in ("feed-file-missing", "feed-enclosure-length", "feed-url-base") or (
            folder.base
        ):
            result.ran(rule)
    show = (channel.value("", "title") or "").strip().lower()
    serial = channel.value(ITUNES, "type") == "serial"
    disclosed = _disclosure(channel, "channel", result)
    guids: dict[str, int] = {}
    listed: set[str] = set()
    for n, item in enumerate(channel.all("", "item"), 1):
        title = item.value("", "title") or ""
        where = f"item {n} (line {item.line}{', ' + quote(title, 40) if title else ''})"
        mp3 = _enclosure(item, folder, duration, where, result, listed)
        _item_title(item, title, show, where, result, mp3)
        _description(item, where, mp3, result)
        if _disclosure(item, where, result) or disclosed or mp3 is None:
            pass
        elif reports.synthetic(mp3):
            result.add(
                "feed-ai-disclosure",
                f"{where}: {mp3.name} has synthetic voices, but neither the item nor the"
                f' channel has <podcast:txt purpose="{AI_CONTENT}">; run kit feed (it discloses'
                " them unless the show sets ai_disclosure: feed: false) or add the tag",
                cause=AI_DISCLOSURE,
            )
        guid = item.first("", "guid")
        text = guid.text.strip() if guid is not None else ""
        if guid is None or not text:
            result.add(
                "feed-guid",
                f'{where}: no <guid>; give it a stable guid (isPermaLink="false")',
            )
        else:
            permalink = guid.attrs.get("isPermaLink", "true")
            if permalink != "false" and not absolute(text):
                result.add(
                    "feed-guid",
                    f"{where}: guid {quote(text)} is not a URL, so it needs"
                    ' isPermaLink="false" (podcastparser turns it into a link otherwise)',
                )
            if text in guids:
                result.add(
                    "feed-guid-unique",
                    f"{where}: guid {quote(text)} is also item {guids[text]}'s; give every"
                    " episode its own guid, and never change one once published",
                )
            guids.setdefault(text, n)
        date = item.value("", "pubDate")
        parsed = None
        if date:
            try:
                parsed = email.utils.parsedate_to_datetime(date)
            except (TypeError, ValueError):
                parsed = None
        if parsed is None or parsed.tzinfo is None:
            result.add(
                "feed-pubdate",
                f"{where}: pubDate {quote(date or '')} is not an RFC 2822 date with a time"
                " zone (e.g. 'Tue, 05 Mar 2024 06:00:00 +0000')",
            )
        _numbers(item, serial, where, result, mp3)
        _links(item, folder, where, result)
    return listed


def _unlisted(folder: Path, listed: set[str], reports: Reports, result: FileResult) -> None:
    """Episodes rendered into the feed's folder (by their render reports) that no item lists:
    kit feed was not run after they were rendered. Drafts and episodes dated later are left
    out of a feed on purpose, and an item naming an older render of the slug counts (the
    stale enclosure is feed-file-missing's)."""
    result.ran("feed-episode-missing")
    slugs = {name.removesuffix(".mp3") for name in listed}
    slugs |= {hashed.group(1) for name in listed if (hashed := _HASHED_MP3.fullmatch(name))}
    today = dt.date.today()
    for _path, report in reports.rendered(folder):
        name, slug = report.audio.file, report.slug
        if name in listed or slug in slugs or report.draft or report.date > today:
            continue
        mp3 = folder / name
        if mp3.is_file():  # a missing MP3 is the render report's finding (report-files)
            result.add(
                "feed-episode-missing",
                f"{quote(slug)} is rendered ({name}) but no item of the feed lists"
                " it; run kit feed to publish it (or set draft: true in its episode file to"
                " keep it out)",
                cause=Cause("episode", (), mp3),
            )


def _item_title(
    item: Element, title: str, show: str, where: str, result: FileResult, mp3: Path | None = None
) -> None:
    cause = Cause("episode", ("title",), mp3)
    if not title:
        result.add("feed-item-title", f"{where}: no <title>; give the episode a title", cause=cause)
        return
    if (problem := text.plain_problem(title)) is not None:
        result.add("feed-item-title", f"{where}: the title {problem}", cause=cause)
    if (style := text.title_style(title, show)) is not None:
        result.add("feed-item-title-style", f"{where}: {style}", cause=cause)


def _description(item: Element, where: str, mp3: Path | None, result: FileResult) -> None:
    """An item's description, in each element apps read it from: there, and at most 4000
    bytes (Apple's limit; STANDARDS 32)."""
    cause = Cause("episode", ("description",), mp3)
    found = [
        (name, value)
        for name, value in (
            ("description", item.value("", "description")),
            ("content:encoded", item.value(CONTENT, "encoded")),
            ("itunes:summary", item.value(ITUNES, "summary")),
        )
        if value
    ]
    if not found:
        result.add(
            "feed-item-description",
            f"{where}: no <description>; describe the episode (description: in its episode"
            " file), apps show it under the title",
            "warning",
            cause=cause,
        )
    too_long = [
        f"<{name}> is {size:,} bytes"
        for name, value in found
        if (size := len(value.encode())) > DESCRIPTION_BYTES
    ]
    if too_long:
        result.add(
            "feed-item-description",
            f"{where}: {', '.join(too_long)}; Apple allows {DESCRIPTION_BYTES}: shorten the"
            " episode's description",
            cause=cause,
        )


def _enclosure(
    item: Element,
    folder: _Folder,
    duration: Duration,
    where: str,
    result: FileResult,
    listed: set[str],
) -> Path | None:
    """The enclosure's rules; the MP3 it names in the feed's folder, if any. The name of the
    file its URL names goes into `listed`."""
    enclosures = item.all("", "enclosure")
    if len(enclosures) != 1:
        result.add(
            "feed-enclosure", f"{where}: {len(enclosures)} <enclosure> elements; give exactly one"
        )
        if not enclosures:
            return None
    enclosure = enclosures[0]
    url = enclosure.attrs.get("url", "").strip()
    kind = enclosure.attrs.get("type", "")
    length = enclosure.attrs.get("length", "")
    listed.add(unquote(urlsplit(url).path).rsplit("/", 1)[-1])
    if kind != "audio/mpeg":
        result.add("feed-enclosure", f"{where}: enclosure type {quote(kind)}; an MP3 is audio/mpeg")
    if not re.fullmatch(r"\d+", length):
        result.add(
            "feed-enclosure",
            f"{where}: enclosure length {quote(length)} is not a whole number of bytes",
        )
    if not url.isascii() or not absolute(url) or not urlsplit(url).path.endswith(".mp3"):
        problem = (
            "is not ASCII (percent-encode it)"
            if not url.isascii()
            else "is not an absolute http(s) URL"
            if not absolute(url)
            else "does not end in .mp3"
        )
        result.add(
            "feed-enclosure-url",
            f"{where}: enclosure URL {quote(url)} {problem}; use the full URL of the MP3"
            + (f" ({folder.base}{url.lstrip('./')})" if folder.base and not absolute(url) else ""),
        )
        return None
    if not _under_base(url, folder, f"{where}: the enclosure", result):
        return None
    mp3 = folder.file(url)
    if mp3 is None:
        result.add(
            "feed-file-missing", f"{where}: the enclosure {quote(url)} {_stale(url, folder)}"
        )
        return None
    size = mp3.stat().st_size
    if re.fullmatch(r"\d+", length) and int(length) != size:
        result.add(
            "feed-enclosure-length",
            f"{where}: enclosure length {length} but {mp3.name} has {size} bytes; set"
            f' length="{size}"',
        )
    stated = item.value(ITUNES, "duration")
    seconds = _seconds(stated) if stated else None
    ms = duration(mp3) if seconds is not None else None
    if seconds is not None and ms is not None and abs(seconds - ms / 1000) > 1.0:
        result.add(
            "feed-duration",
            f"{where}: itunes:duration {stated} but {mp3.name} plays {ms / 1000:.1f} s; set it"
            f" to {round(ms / 1000)}",
        )
    return mp3


_HASHED_MP3 = re.compile(r"(.+)-[0-9a-f]{6,64}\.mp3")


def _stale(url: str, folder: _Folder) -> str:
    """Why a URL under the base names no file, and what to do: an MP3 rendered again since
    the feed was made has a new name, which only a new feed knows."""
    name = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    hashed = _HASHED_MP3.fullmatch(name)
    if hashed:
        newer = sorted(p.name for p in folder.folder.glob(f"{glob.escape(hashed.group(1))}-*.mp3"))
        newer = [
            n for n in newer if _HASHED_MP3.fullmatch(n) and n.rsplit("-", 1)[0] == hashed.group(1)
        ]
        if newer:
            return (
                f"names no file beside the feed: the episode was rendered again since the feed"
                f" was made (its MP3 is now {newer[-1]}); run kit feed to update the feed"
            )
    return (
        "names no file beside the feed; if the episode was rendered again, run kit feed to"
        " update the feed, otherwise copy the file there or fix the URL"
    )


def _numbers(
    item: Element, serial: bool, where: str, result: FileResult, mp3: Path | None = None
) -> None:
    stated = item.value(ITUNES, "duration")
    if not stated:
        result.add(
            "feed-duration", f"{where}: no <itunes:duration>; give the length in whole seconds"
        )
    elif _seconds(stated) is None:
        result.add(
            "feed-duration",
            f"{where}: itunes:duration {quote(stated)} is not whole seconds (or HH:MM:SS)",
        )
    for name, field_name in (("episode", "number"), ("season", "season")):
        value = item.value(ITUNES, name)
        if value is not None and not re.fullmatch(r"0*[1-9]\d*", value):
            result.add(
                "feed-episode-numbers",
                f"{where}: itunes:{name} {quote(value)} is not a positive integer",
                cause=Cause("episode", (field_name,), mp3),
            )
        elif value is not None and (
            len(digits := value.lstrip("0")) > 12 or int(digits) > model.MAX_NUMBER
        ):
            result.add(
                "feed-episode-numbers",
                f"{where}: itunes:{name} {quote(value)} is over {model.MAX_NUMBER:,}, the"
                " largest number apps keep; number the episodes from 1",
                cause=Cause("episode", (field_name,), mp3),
            )
    if serial and item.value(ITUNES, "episode") is None:
        result.add(
            "feed-episode-numbers",
            f"{where}: a serial show numbers every episode; add <itunes:episode>",
            cause=Cause("episode", ("number",), mp3),
        )
    kind = item.value(ITUNES, "episodeType")
    if kind is not None and kind not in ("full", "trailer", "bonus"):
        result.add(
            "feed-episode-numbers",
            f"{where}: itunes:episodeType {quote(kind)}; use full, trailer or bonus",
            cause=Cause("episode", ("episode_type",), mp3),
        )


def _links(item: Element, folder: _Folder, where: str, result: FileResult) -> None:
    links = [(e, "transcript") for e in item.all(PODCAST, "transcript")]
    links += [(e, "chapters") for e in item.all(PODCAST, "chapters")]
    for element, what in links:
        url = element.attrs.get("url", "").strip()
        kind = element.attrs.get("type", "")
        if not absolute(url):
            result.add(
                "feed-podcast-links",
                f"{where}: podcast:{what} url {quote(url)} is not an absolute URL",
            )
            continue
        if what == "transcript" and kind not in TRANSCRIPT_TYPES:
            result.add(
                "feed-podcast-links",
                f"{where}: podcast:transcript type {quote(kind)}; use text/vtt,"
                " application/x-subrip or application/json",
            )
        if what == "chapters" and kind != CHAPTERS_TYPE:
            result.add(
                "feed-podcast-links",
                f"{where}: podcast:chapters type {quote(kind)}; use {CHAPTERS_TYPE}",
            )
        if _under_base(url, folder, f"{where}: podcast:{what}", result) and (
            folder.file(url) is None
        ):
            result.add(
                "feed-file-missing",
                f"{where}: the {what} file {quote(url)} is not beside the feed; copy it there",
            )


def _under_base(url: str, folder: _Folder, what: str, result: FileResult) -> bool:
    """Whether `url` is under the base URL (then its file can be looked for); a finding when a
    base is known and it is not."""
    if folder.base is None:
        return False
    if folder.owns(url):
        return True
    base = urlsplit(folder.base)
    hint = ""
    if urlsplit(url).scheme == "http" and base.scheme == "https":
        hint = " (http:// where the site is https://)"
    result.add(
        "feed-url-base",
        f"{what} {quote(url)} is not under the base URL {folder.base}{hint}; make the feed for"
        " the show's base_url (kit feed), or check the intended one with --base-url",
        cause=BASE_URL,
    )
    return False


def _urls(root: Element, result: FileResult) -> None:
    """Every URL in the feed (url, href and img attributes, <link>): percent-encoded, and not
    on a loopback or private address (STANDARDS 30)."""
    result.ran("feed-url-private")
    result.ran("feed-url-encoding")
    for url, line, what in _every_url(root):
        raw = _RAW.search(url)
        if raw is not None or not url.isascii():
            problem = "non-ASCII characters" if raw is None else f"a raw {raw.group(0)!r}"
            try:
                fixed = f" ({model.absolute_url(url)})"
            except ValueError:
                fixed = ""
            result.add(
                "feed-url-encoding",
                f"line {line}: {what} {quote(url)} has {problem}; percent-encode it{fixed}",
            )
        host = urlsplit(url).hostname or ""
        if model.private_host(host):
            result.add(
                "feed-url-private",
                f"line {line}: {what} {quote(url)} is on {host}, a loopback or private address"
                " listeners cannot reach: this is a preview feed; publish the feed for the"
                " show's base_url (kit feed; kit serve previews it without a new feed)",
            )


def _every_url(root: Element) -> Iterator[tuple[str, int, str]]:
    """(url, line, what) of every absolute http(s) URL in attributes and <link> elements."""
    prefixes = {uri: prefix for prefix, uri in NAMESPACES.items()}
    stack = [root]
    while stack:
        element = stack.pop()
        name = f"{prefixes[element.ns]}:{element.name}" if element.ns in prefixes else element.name
        for attribute in URL_ATTRIBUTES:
            value = element.attrs.get(attribute, "").strip()
            if value.lower().startswith(("http://", "https://")):
                yield value, element.line, f"<{name} {attribute}>"
        if not element.ns and element.name == "link":
            value = element.text.strip()
            if value.lower().startswith(("http://", "https://")):
                yield value, element.line, "<link>"
        stack.extend(reversed(element.children))


def _disclosure(parent: Element, where: str, result: FileResult) -> bool:
    """Whether `parent` (the channel or an item) has the AI disclosure, a valid one."""
    found = False
    for txt in parent.all(PODCAST, "txt"):
        if txt.attrs.get("purpose", "").strip().lower() != AI_CONTENT:
            continue
        text = txt.text.strip()
        if not text or len(text) > 4000:
            result.add(
                "feed-ai-disclosure",
                f"{where}: line {txt.line}: the ai-content podcast:txt is"
                f" {'empty' if not text else f'{len(text):,} characters'}; give a value of at"
                " most 4000 characters (kit feed writes true)",
                cause=AI_DISCLOSURE,
            )
            continue
        found = True
    return found

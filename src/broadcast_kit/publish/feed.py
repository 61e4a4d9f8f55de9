"""The show's RSS feed: RSS 2.0 with the itunes, content and podcast namespaces, built with
lxml from the show file and the render reports in the site folder (STANDARDS 15-22).

Titles are plain text escaped by lxml; descriptions are the producer's text turned into
simple HTML (paragraphs, links, the chapter list with timestamps) inside CDATA, with a plain
`itunes:summary` beside it. The output is a function of its inputs (lastBuildDate is the
newest episode's date), so an unchanged show gives a byte-identical feed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from lxml import etree

from broadcast_kit import __version__
from broadcast_kit.formats.report import Person
from broadcast_kit.model import Credit, Show, podcast_guid, role_group, split_category
from broadcast_kit.publish.catalog import Entry

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
PODCAST = "https://podcastindex.org/namespace/1.0"
NSMAP = {"itunes": ITUNES, "content": CONTENT, "podcast": PODCAST}
FEED_FILE = "feed.xml"
AI_CONTENT = "ai-content"  # podcast:txt purpose of the AI disclosure (STANDARDS 28)
# A date-only episode is dated 10:00 UTC: its date on every clock from UTC-10 (Hawaii, 00:00)
# to UTC+13:45 (New Zealand's and Chatham's summer). Noon gave New Zealand the next day.
PUBLISH_HOUR_UTC = 10
SIDECAR_TYPES = {
    "vtt": "text/vtt",
    "srt": "application/x-subrip",
    "transcript": "application/json",
}
# characters XML 1.0 cannot carry at all; a producer's text loses them rather than the feed
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


@dataclass(frozen=True)
class Item:
    """An entry as it goes into the feed: its guid and its published URLs."""

    entry: Entry
    guid: str


def pub_date(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, PUBLISH_HOUR_UTC, tzinfo=dt.UTC)


def timestamp(ms: int) -> str:
    """Chapter timestamps as apps turn them into links: MM:SS, or H:MM:SS past an hour."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def disclosure(show: Show, entry: Entry) -> str | None:
    """The AI disclosure sentence for the episode's show notes, if it gets one."""
    wanted = show.ai_disclosure
    return wanted.sentence if wanted.notes and entry.synthetic else None


def notes_html(entry: Entry, sentence: str | None = None) -> str:
    """Show notes: the description's paragraphs (links made clickable), the disclosure
    `sentence`, then the chapters."""
    parts = []
    paragraphs = re.split(r"\n\s*\n", clean(entry.description).strip())
    for paragraph in [*paragraphs, clean(sentence or "")]:
        if not paragraph.strip():
            continue
        pieces, last = [], 0
        for match in _URL.finditer(paragraph):
            pieces.append(html.escape(paragraph[last : match.start()], quote=False))
            url = match.group(0)
            pieces.append(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')
            last = match.end()
        pieces.append(html.escape(paragraph[last:], quote=False))
        parts.append("<p>" + "".join(pieces).strip().replace("\n", "<br>") + "</p>")
    if entry.chapters:
        items = "".join(
            f"<li>{timestamp(c.start_ms)} {html.escape(clean(c.title), quote=False)}</li>"
            for c in entry.chapters
        )
        parts.append(f"<p>Chapters:</p><ul>{items}</ul>")
    return "".join(parts)


def notes_text(entry: Entry, sentence: str | None = None) -> str:
    text = "\n\n".join(t for t in (clean(entry.description).strip(), clean(sentence or "")) if t)
    if entry.chapters:
        lines = [f"{timestamp(c.start_ms)} {clean(c.title)}" for c in entry.chapters]
        text = (text + "\n\n" if text else "") + "Chapters:\n" + "\n".join(lines)
    return text


def _cdata(text: str) -> etree.CDATA:
    # "]]>" cannot occur inside CDATA: split it over two sections (notes_html escapes '>'
    # already; this keeps any caller safe)
    return etree.CDATA(text.replace("]]>", "]]]]><![CDATA[>"))


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, attrs: dict[str, str] | None = None
) -> etree._Element:
    if ":" in tag:
        prefix, local = tag.split(":", 1)
        tag = f"{{{NSMAP[prefix]}}}{local}"
    element = etree.SubElement(parent, tag, {k: clean(v) for k, v in (attrs or {}).items()})
    if text is not None:
        element.text = clean(text)
    return element


def url_for(base_url: str, name: str) -> str:
    return base_url + quote(name)


def build(
    show: Show,
    base_url: str,
    items: Iterable[Item],
    cover_name: str,
) -> bytes:
    """The feed XML for `items` (already chosen and ordered newest first)."""
    items = list(items)
    feed_url = url_for(base_url, FEED_FILE)
    rss = etree.Element("rss", {"version": "2.0"}, nsmap=NSMAP)
    channel = _sub(rss, "channel")
    _sub(channel, "title", show.title)
    _sub(channel, "link", show.link or base_url)
    _sub(channel, "description", show.description or show.title)
    _sub(channel, "language", show.language)
    _sub(channel, "generator", f"broadcast-kit {__version__}")
    if items:
        newest = max(pub_date(i.entry.date) for i in items)
        _sub(channel, "lastBuildDate", email.utils.format_datetime(newest))
    _sub(channel, "itunes:image", attrs={"href": url_for(base_url, cover_name)})
    parent, sub = split_category(show.category)
    category = _sub(channel, "itunes:category", attrs={"text": parent})
    if sub:
        _sub(category, "itunes:category", attrs={"text": sub})
    _sub(channel, "itunes:explicit", "true" if show.explicit else "false")
    _sub(channel, "itunes:author", show.author)
    owner = _sub(channel, "itunes:owner")
    _sub(owner, "itunes:name", show.owner.name)
    _sub(owner, "itunes:email", show.owner.email)
    _sub(channel, "itunes:type", show.type)
    _sub(channel, "podcast:guid", podcast_guid(feed_url))
    _sub(channel, "podcast:locked", "yes" if show.locked else "no", {"owner": show.owner.email})
    _sub(channel, "podcast:medium", show.medium)
    synthetic = [i.entry.synthetic for i in items]
    # the whole show is disclosed when every episode is synthetic, else each such episode
    channel_disclosure = show.ai_disclosure.feed and bool(synthetic) and all(synthetic)
    if channel_disclosure:
        _sub(channel, "podcast:txt", "true", {"purpose": AI_CONTENT})
    for credit in show.people:
        _person(channel, _credited(credit), credit)
    for funding in show.funding:
        _sub(channel, "podcast:funding", funding.text, {"url": funding.url})
    if show.license is not None:
        url = {"url": show.license.url} if show.license.url else {}
        _sub(channel, "podcast:license", show.license.name, url)
    for place in show.location:
        attrs = {"geo": place.geo, "osm": place.osm, "country": (place.country or "").lower()}
        if place.rel != "subject":
            attrs["rel"] = place.rel
        _sub(channel, "podcast:location", place.name, {k: v for k, v in attrs.items() if v})
    for item in items:
        item_disclosure = show.ai_disclosure.feed and not channel_disclosure
        _item(channel, item, base_url, show, item_disclosure and item.entry.synthetic)
    xml: bytes = etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


def _item(channel: etree._Element, item: Item, base_url: str, show: Show, disclose: bool) -> None:
    entry = item.entry
    node = _sub(channel, "item")
    sentence = disclosure(show, entry)
    _sub(node, "title", entry.title)
    _sub(node, "itunes:title", entry.title)
    _sub(node, "description").text = _cdata(notes_html(entry, sentence))
    _sub(node, "content:encoded").text = _cdata(notes_html(entry, sentence))
    _sub(node, "itunes:summary", notes_text(entry, sentence))
    enclosure = {"url": url_for(base_url, entry.mp3.name), "length": str(entry.size)}
    _sub(node, "enclosure", attrs={**enclosure, "type": "audio/mpeg"})
    _sub(node, "guid", item.guid, {"isPermaLink": "true" if _is_url(item.guid) else "false"})
    _sub(node, "pubDate", email.utils.format_datetime(pub_date(entry.date)))
    _sub(node, "itunes:duration", str(round(entry.duration_ms / 1000)))
    _sub(node, "itunes:explicit", "true" if entry.explicit else "false")
    _sub(node, "itunes:episodeType", entry.episode_type)
    if entry.season is not None:
        _sub(node, "itunes:season", str(entry.season))
    if entry.number is not None:
        _sub(node, "itunes:episode", str(entry.number))
    if entry.season is not None:
        _sub(node, "podcast:season", str(entry.season))
    if entry.number is not None:
        _sub(node, "podcast:episode", str(entry.number))
    if disclose:
        _sub(node, "podcast:txt", "true", {"purpose": AI_CONTENT})
    if "chapters" in entry.sidecars:
        chapters = url_for(base_url, entry.sidecars["chapters"].name)
        _sub(node, "podcast:chapters", attrs={"url": chapters, "type": "application/json+chapters"})
    for kind, mime in SIDECAR_TYPES.items():
        if kind in entry.sidecars:
            url = url_for(base_url, entry.sidecars[kind].name)
            attrs = {"url": url, "type": mime, "language": show.language}
            if kind != "transcript":
                attrs["rel"] = "captions"
            _sub(node, "podcast:transcript", attrs=attrs)
    # an item's people replace the channel's: the show's credits are listed again
    credits = {c.name: c for c in show.people}
    for person in entry.people:
        _person(node, person, credits.pop(person.name, None))
    if entry.people:
        for credit in credits.values():
            _person(node, _credited(credit), credit)


def _credited(credit: Credit) -> Person:
    """A credit of the show file as a person (validated there: taken as it is)."""
    return Person.model_construct(name=credit.name, role=credit.role, group=role_group(credit.role))


def _person(parent: etree._Element, person: Person, credit: Credit | None) -> None:
    attrs = {"role": person.role, "group": person.group}
    if credit is not None:
        attrs |= {k: v for k, v in (("href", credit.href), ("img", credit.img)) if v}
    _sub(parent, "podcast:person", person.name, attrs)


def _is_url(guid: str) -> bool:
    parts = urlsplit(guid)
    return parts.scheme in ("http", "https") and bool(parts.netloc)

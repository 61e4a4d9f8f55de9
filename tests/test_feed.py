"""`kit feed`: two short episodes rendered with the fake engine, published, and read back by
real podcast clients (gPodder's podcastparser, feedparser) and by XPath against every feed
rule of STANDARDS 15-22."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import html as html_module
import io
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import podcastparser
import pytest
import yaml
from lxml import etree
from typer.testing import CliRunner

from broadcast_kit import ffmpeg
from broadcast_kit.cli import app
from broadcast_kit.model import podcast_guid
from broadcast_kit.publish import feed, page, site
from broadcast_kit.render import pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import write_episode

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
BASE = "https://example.org/test/"
HOSTILE_TITLE = "Tom & Jerry <3 ]]> \"quoted\" 'single' 🎙️ with נועה כהן"
HOSTILE_DESCRIPTION = (
    'Fish & chips, 1 < 2 <3 ]]> and "quotes" 🎧.\n\nSecond paragraph by עמית,'
    " see https://example.org/notes?a=1&b=2 for more."
)


def episode_yaml(title: str, date: str, number: int, description: str, words: str) -> str:
    return textwrap.dedent(f"""\
        title: {json.dumps(title, ensure_ascii=False)}
        date: {date}
        number: {number}
        description: {json.dumps(description, ensure_ascii=False)}
        voices:
          shin: {{engine: fake, voice: low, name: Shin Jeong-hwa}}
        segments:
          - chapter: Opening & welcome
          - host: {words}
          - chapter: The interview
          - host: Professor Shin explains why.
          - interview: Both sides needed a channel.
            speaker: shin
        """)


@pytest.fixture
def site_dir(show_dir: Path, tmp_path: Path, cache: SpeechCache) -> Path:
    out = tmp_path / "dist"
    first = write_episode(
        show_dir,
        episode_yaml("First steps", "2024-05-01", 1, "The first one.", "Good evening."),
        slug="ep1",
    )
    second = write_episode(
        show_dir,
        episode_yaml(HOSTILE_TITLE, "2024-05-08", 2, HOSTILE_DESCRIPTION, "Welcome back."),
        slug="ep2",
    )
    for episode in (first, second):
        pipeline.render(episode, out, cache=cache)
    return out


def kit(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    return result


def publish(out: Path, *args: str) -> etree._Element:
    result = kit("feed", "--out", str(out), *args)
    assert result.exit_code == 0, result.stderr
    return etree.fromstring((out / "feed.xml").read_bytes())


def report(out: Path, slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / f"{slug}.json").read_text())
    return data


def test_feed_reads_back_in_podcast_clients(site_dir: Path) -> None:
    publish(site_dir)
    raw = (site_dir / "feed.xml").read_bytes()
    gpodder = podcastparser.parse(BASE + "feed.xml", io.BytesIO(raw))
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.bozo_exception
    assert gpodder["title"] == "Test Show" == parsed.feed.title
    assert [e["title"] for e in gpodder["episodes"]][:2] == [HOSTILE_TITLE, "First steps"]
    for slug, g_episode, f_entry in zip(
        ("ep2", "ep1"), gpodder["episodes"], parsed.entries, strict=True
    ):
        facts = report(site_dir, slug)
        mp3 = site_dir / facts["audio"]["file"]
        (enclosure,) = g_episode["enclosures"]
        assert enclosure["url"] == BASE + mp3.name == f_entry.enclosures[0].href
        assert enclosure["file_size"] == mp3.stat().st_size == int(f_entry.enclosures[0].length)
        assert enclosure["mime_type"] == "audio/mpeg"
        # itunes:duration agrees with the decoded audio within a second
        decoded = len(ffmpeg.decode(mp3, 44100, 1)) / 44100
        assert abs(g_episode["total_time"] - decoded) <= 1.0
        assert abs(int(f_entry.itunes_duration) - decoded) <= 1.0
        date = dt.date.fromisoformat(facts["date"])
        assert dt.datetime.fromtimestamp(g_episode["published"], dt.UTC).date() == date
        assert f_entry.published_parsed[:3] == (date.year, date.month, date.day)
        assert g_episode["guid"] == f_entry.id and g_episode["guid"]
    # both clients get the hostile title and description back unchanged
    assert parsed.entries[0].title == HOSTILE_TITLE
    assert gpodder["episodes"][0]["description"].startswith(HOSTILE_DESCRIPTION)
    html = gpodder["episodes"][0]["description_html"]
    assert "Fish &amp; chips, 1 &lt; 2 &lt;3 ]]&gt;" in html
    assert '<a href="https://example.org/notes?a=1&amp;b=2">' in html
    assert "00:00 Opening &amp; welcome" in html and "The interview" in html
    assert parsed.entries[0].content[0].value == html


def xpath(root: etree._Element, path: str) -> list[Any]:
    found: list[Any] = root.xpath(path, namespaces=NS)
    return found


def one(root: etree._Element, path: str) -> Any:
    found = xpath(root, path)
    assert len(found) == 1, f"{path}: {found}"
    return found[0]


def test_feed_follows_every_rule(site_dir: Path) -> None:
    root = publish(site_dir)
    raw = (site_dir / "feed.xml").read_bytes()
    # 15: declaration, root, one channel, exactly the three namespaces with their prefixes
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.nsmap == NS
    channel = one(root, "/rss/channel")
    # 16: no HTML named entities, raw & or < outside CDATA
    outside = re.sub(rb"<!\[CDATA\[.*?\]\]>", b"", raw, flags=re.S)
    assert not re.search(rb"&(?!amp;|lt;|gt;|quot;|apos;|#)", outside)
    # 17: channel tags
    assert one(channel, "title/text()") == "Test Show"
    assert one(channel, "link/text()").startswith("https://")
    assert len(one(channel, "description/text()").encode()) <= 4000
    assert one(channel, "language/text()") == "en"
    image = one(channel, "itunes:image/@href")
    assert image.startswith(BASE) and (site_dir / image.removeprefix(BASE)).is_file()
    assert one(channel, "itunes:category/@text") == "News"
    assert one(channel, "itunes:explicit/text()") == "false"
    assert one(channel, "itunes:author/text()") == "Test Author"
    assert one(channel, "itunes:owner/itunes:email/text()") == "owner@example.org"
    assert one(channel, "itunes:type/text()") == "episodic"
    # 19
    assert one(channel, "podcast:guid/text()") == podcast_guid(BASE + "feed.xml")
    assert one(channel, "podcast:locked/text()") == "no"
    assert one(channel, "podcast:locked/@owner") == "owner@example.org"
    # 20, 21: items
    items = xpath(channel, "item")
    assert len(items) == 2
    guids = [one(i, "guid/text()") for i in items]
    assert len(set(guids)) == 2
    for item, slug in zip(items, ("ep2", "ep1"), strict=True):
        facts = report(site_dir, slug)
        assert one(item, "title/text()") == facts["title"]
        (enclosure,) = xpath(item, "enclosure")
        url = enclosure.get("url")
        assert url.isascii() and url.startswith(BASE) and url.endswith(".mp3")
        assert enclosure.get("type") == "audio/mpeg"
        assert int(enclosure.get("length")) == (site_dir / url.removeprefix(BASE)).stat().st_size
        assert one(item, "guid/@isPermaLink") == "false"
        date = one(item, "pubDate/text()")
        assert email.utils.format_datetime(email.utils.parsedate_to_datetime(date)) == date
        assert one(item, "itunes:duration/text()") == str(round(facts["duration_ms"] / 1000))
        assert one(item, "itunes:episode/text()") == str(facts["number"])
        assert one(item, "itunes:episodeType/text()") == "full"
        assert one(item, "podcast:chapters/@type") == "application/json+chapters"
        types = sorted(xpath(item, "podcast:transcript/@type"))
        assert types == ["application/json", "application/x-subrip", "text/vtt"]
        for link in xpath(item, "podcast:transcript/@url | podcast:chapters/@url"):
            assert link.startswith(BASE) and (site_dir / link.removeprefix(BASE)).is_file()
        people = [(p.text, p.get("role")) for p in xpath(item, "podcast:person")]
        assert people == [("Test Author", "host"), ("Shin Jeong-hwa", "guest")]
    # newest first
    dates = [email.utils.parsedate_to_datetime(one(i, "pubDate/text()")) for i in items]
    assert dates == sorted(dates, reverse=True)


def test_rerender_keeps_the_guid_and_renames_the_mp3(
    site_dir: Path, show_dir: Path, cache: SpeechCache
) -> None:
    root = publish(site_dir)
    guid = one(root, "/rss/channel/item[itunes:episode='1']/guid/text()")
    old_mp3 = report(site_dir, "ep1")["audio"]["file"]
    lock = yaml.safe_load((show_dir / "guids.yaml").read_text())
    assert lock["ep1"] == guid
    # one sentence changed and the episode re-titled
    episode = show_dir / "ep1" / "episode.yaml"
    text = episode.read_text().replace("Good evening.", "Good evening, and welcome.")
    episode.write_text(text.replace("First steps", "First steps, revised"))
    pipeline.render(episode, site_dir, cache=cache)
    new_mp3 = report(site_dir, "ep1")["audio"]["file"]
    assert new_mp3 != old_mp3 and not (site_dir / old_mp3).exists()
    root = publish(site_dir)
    item = one(root, "/rss/channel/item[itunes:episode='1']")
    assert one(item, "guid/text()") == guid
    assert one(item, "title/text()") == "First steps, revised"
    assert one(item, "enclosure/@url") == BASE + new_mp3
    assert int(one(item, "enclosure/@length")) == (site_dir / new_mp3).stat().st_size
    # an unchanged re-render gives the same bytes and so the same name
    pipeline.render(episode, site_dir, cache=cache)
    assert report(site_dir, "ep1")["audio"]["file"] == new_mp3


def test_drafts_and_future_episodes_wait(
    site_dir: Path, show_dir: Path, cache: SpeechCache
) -> None:
    draft = write_episode(
        show_dir,
        episode_yaml("Not yet", "2024-05-02", 3, "Draft.", "Soon.") + "draft: true\n",
        slug="ep3",
    )
    later = write_episode(
        show_dir, episode_yaml("Later", "2999-01-01", 4, "Future.", "Later."), slug="ep4"
    )
    for episode in (draft, later):
        pipeline.render(episode, site_dir, cache=cache)
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 0, result.stderr
    assert (
        "left out ep3: draft" in result.stdout and "left out ep4: dated 2999-01-01" in result.stdout
    )
    titles = xpath(etree.fromstring((site_dir / "feed.xml").read_bytes()), "//item/title/text()")
    assert "Not yet" not in titles and "Later" not in titles
    root = publish(site_dir, "--include-drafts")
    assert xpath(root, "//item/title/text()")[:2] == ["Later", HOSTILE_TITLE]
    assert "Not yet" in xpath(root, "//item/title/text()")


def test_base_url_option_and_the_printed_feed_url(site_dir: Path) -> None:
    result = kit("feed", "--out", str(site_dir), "--base-url", "http://127.0.0.1:8000")
    assert result.exit_code == 0, result.stderr
    assert "feed URL: http://127.0.0.1:8000/feed.xml" in result.stdout
    root = etree.fromstring((site_dir / "feed.xml").read_bytes())
    for url in xpath(root, "//enclosure/@url | //itunes:image/@href | //podcast:transcript/@url"):
        assert urlsplit(url).netloc == "127.0.0.1:8000"
    bad = kit("feed", "--out", str(site_dir), "--base-url", "example.org/x")
    assert bad.exit_code == 2 and "is not an absolute http(s) URL" in bad.stderr


def test_only_the_feed_needs_base_url(site_dir: Path, show_dir: Path) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("base_url: https://example.org/test/\n", ""))
    missing = kit("feed", "--out", str(site_dir))
    assert missing.exit_code == 2
    assert "base_url: the feed needs the address the folder is published at" in missing.stderr
    assert not (site_dir / "feed.xml").exists()
    given = kit("feed", "--out", str(site_dir), "--base-url", "https://example.org/x/")
    assert given.exit_code == 0, given.stderr


def test_a_feed_is_a_function_of_its_inputs(site_dir: Path) -> None:
    publish(site_dir)
    first = (site_dir / "feed.xml").read_bytes()
    publish(site_dir)
    assert (site_dir / "feed.xml").read_bytes() == first


def test_feed_errors_are_one_line(tmp_path: Path, site_dir: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = kit("feed", "--out", str(empty))
    assert result.exit_code == 2 and "no rendered episodes in it" in result.stderr
    missing = kit("feed", "--out", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "no such folder" in missing.stderr
    (site_dir / "broken.json").write_text('{"tool": "broadcast-kit 0.1.0", "slug": ')
    broken = kit("feed", "--out", str(site_dir))
    assert broken.exit_code == 2
    assert broken.stderr.count("error:") == 1 and "broken.json: cannot read it" in broken.stderr
    (site_dir / "broken.json").unlink()
    (site_dir / report(site_dir, "ep1")["files"]["vtt"]).unlink()
    gone = kit("feed", "--out", str(site_dir))
    assert gone.exit_code == 2 and "its vtt file ep1.vtt is not in" in gone.stderr
    assert not (site_dir / "feed.xml").exists()  # nothing half-written


def test_show_category_and_description_are_checked(show_dir: Path) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("category: News", "category: Newz"))
    episode = write_episode(show_dir, episode_yaml("T", "2024-01-01", 1, "D", "Hi."))
    result = kit("render", str(episode), "--dry-run")
    assert result.exit_code == 2 and "did you mean 'News'?" in result.stderr
    show.write_text(show.read_text().replace("category: Newz", "category: News > Sport"))
    result = kit("render", str(episode), "--dry-run")
    assert "'Sport' is not a subcategory of News" in result.stderr
    assert site.Show  # the model the feed uses is the loader's


def test_feed_never_decodes_audio(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> str:
        raise AssertionError("kit feed must not run ffmpeg")

    monkeypatch.setattr(ffmpeg, "executable", refuse)
    publish(site_dir)


def test_what_kit_feed_publishes_passes_kit_check(site_dir: Path) -> None:
    """The project's own gate: two rendered episodes, their feed and page, checked strictly
    with loudness measured, as a show's CI would."""
    publish(site_dir)
    result = kit("check", str(site_dir), "--strict", "--loudness")
    assert result.exit_code == 0, result.output
    assert "all pass" in result.stdout


def test_hostile_guids_file_and_oversized_report(site_dir: Path, show_dir: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (show_dir / "guids.yaml").write_text(bomb)
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 2 and result.stderr.count("error:") == 1
    assert "guids.yaml" in result.stderr
    (show_dir / "guids.yaml").unlink()
    (site_dir / "huge.json").write_bytes(b'{"tool": "broadcast-kit", "x": "' + b"x" * (11 << 20))
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 2 and "huge.json:1: file is" in result.stderr
    assert "limit for render reports" in result.stderr


# --- dates and guids over a show's life (issue 22) ----------------------------------------

ZONES = [
    "Pacific/Honolulu",  # UTC-10
    "America/Anchorage",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",  # +5:30
    "Asia/Kathmandu",  # +5:45
    "Asia/Seoul",
    "Australia/Adelaide",  # +9:30/+10:30
    "Australia/Sydney",
    "Pacific/Auckland",  # +12/+13
    "Pacific/Chatham",  # +12:45/+13:45
    "Pacific/Tongatapu",  # +13
]


@pytest.mark.parametrize("day", ["2024-05-08", "2024-01-08", "2024-07-08", "2024-12-31"])
def test_a_dated_episode_has_its_date_on_every_clock(day: str) -> None:
    """An episode dated 8 May must be dated 8 May in New York, Honolulu and Auckland alike,
    in summer and in winter, whatever the reader's time zone."""
    from zoneinfo import ZoneInfo

    date = dt.date.fromisoformat(day)
    stamp = email.utils.format_datetime(feed.pub_date(date))
    published = email.utils.parsedate_to_datetime(stamp)
    for zone in ZONES:
        local = published.astimezone(ZoneInfo(zone))
        assert local.date() == date, f"{zone} reads {stamp} as {local.isoformat()}"


def test_the_published_feed_dates_8_may_as_8_may_in_new_york(site_dir: Path) -> None:
    from zoneinfo import ZoneInfo

    root = publish(site_dir)
    item = one(root, "/rss/channel/item[itunes:episode='2']")  # dated 2024-05-08
    stamp = one(item, "pubDate/text()")
    new_york = email.utils.parsedate_to_datetime(stamp).astimezone(ZoneInfo("America/New_York"))
    assert new_york.date() == dt.date(2024, 5, 8)
    # and as the clients read it
    parsed = feedparser.parse((site_dir / "feed.xml").read_bytes())
    assert parsed.entries[0].published_parsed[:3] == (2024, 5, 8)


def guids_file(show_dir: Path) -> dict[str, str]:
    loaded: dict[str, str] = yaml.safe_load((show_dir / "guids.yaml").read_text()) or {}
    return loaded


def item_guids(root: etree._Element) -> dict[str, str]:
    """Item guid by episode number."""
    return {one(i, "itunes:episode/text()"): one(i, "guid/text()") for i in xpath(root, "//item")}


def test_an_episode_added_later_keeps_its_guid_on_every_later_feed(
    site_dir: Path, show_dir: Path, cache: SpeechCache
) -> None:
    first = item_guids(publish(site_dir))
    later = write_episode(
        show_dir, episode_yaml("Third", "2024-05-15", 3, "The third.", "Hello again."), "ep3"
    )
    pipeline.render(later, site_dir, cache=cache)
    second = item_guids(publish(site_dir))
    assert {k: second[k] for k in first} == first
    guid = second["3"]
    assert guids_file(show_dir)["ep3"] == guid  # recorded before it was published
    for _ in range(2):
        assert item_guids(publish(site_dir))["3"] == guid
    # the record, not the feed, is what keeps it: a feed made afresh gives the same guid
    (site_dir / "feed.xml").unlink()
    assert item_guids(publish(site_dir)) == second
    # re-rendered and re-titled since: the same guid
    later.write_text(later.read_text().replace("Third", "The third, revised"))
    pipeline.render(later, site_dir, cache=cache)
    assert item_guids(publish(site_dir))["3"] == guid


@pytest.mark.parametrize("loss", ["emptied", "deleted", "one line removed"])
def test_guids_lost_from_guids_yaml_come_back_from_the_feed(
    site_dir: Path, show_dir: Path, loss: str
) -> None:
    before = item_guids(publish(site_dir))
    lock = show_dir / "guids.yaml"
    if loss == "emptied":
        lock.write_text("")
    elif loss == "deleted":
        lock.unlink()
    else:
        lock.write_text(
            "".join(line for line in lock.read_text().splitlines(True) if "ep2" not in line)
        )
    assert item_guids(publish(site_dir)) == before
    assert guids_file(show_dir) == {"ep1": before["1"], "ep2": before["2"]}


def test_guids_are_never_made_up_when_the_old_feed_cannot_be_read(
    site_dir: Path, show_dir: Path
) -> None:
    publish(site_dir)
    (show_dir / "guids.yaml").write_text("")
    damaged = (site_dir / "feed.xml").read_bytes()[:-200]
    (site_dir / "feed.xml").write_bytes(damaged)
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 2 and result.stderr.count("error:") == 1
    assert "cannot read the feed being replaced" in result.stderr
    assert "restore guids.yaml from version control" in result.stderr
    assert "or pass --force to replace the feed" in result.stderr
    assert (site_dir / "feed.xml").read_bytes() == damaged  # nothing replaced
    assert guids_file(show_dir) == {}


@pytest.mark.parametrize("damage", ["truncated", "not ours"])
def test_force_replaces_a_feed_that_cannot_be_read_and_says_what_it_cost(
    site_dir: Path, show_dir: Path, damage: str
) -> None:
    before = item_guids(publish(site_dir))
    (show_dir / "guids.yaml").write_text("")
    feed_path = site_dir / "feed.xml"
    if damage == "truncated":
        feed_path.write_bytes(feed_path.read_bytes()[:-200])
    else:
        feed_path.write_text("<html><body>an old page that is not a feed</body></html")
    assert kit("feed", "--out", str(site_dir)).exit_code == 2  # without --force: refused
    result = kit("feed", "--out", str(site_dir), "--force")
    assert result.exit_code == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "replaced without reading" in line]
    assert len(warning) == 1 and "2 episodes not in guids.yaml got new guids" in warning[0]
    after = item_guids(etree.fromstring((site_dir / "feed.xml").read_bytes()))
    assert set(after) == set(before) and not set(after.values()) & set(before.values())
    assert guids_file(show_dir) == {"ep1": after["1"], "ep2": after["2"]}
    podcastparser.parse("feed.xml", io.BytesIO((site_dir / "feed.xml").read_bytes()))


def test_guids_yaml_is_input(site_dir: Path, show_dir: Path) -> None:
    publish(site_dir)
    lock = show_dir / "guids.yaml"
    lock.write_text(lock.read_text() + '"ep9": "two words"\n')
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 2
    assert re.search(r"guids\.yaml:\d+: 'ep9': String should match pattern", result.stderr)
    lock.write_text(lock.read_text().replace('"ep9": "two words"', '"Bad Slug!": "x"'))
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 2 and "'Bad Slug!'" in result.stderr


# --- what kit feed reads back is input (issue 22) -----------------------------------------

REFRESH = 'bonus<meta http-equiv="refresh" content="0;url=https://evil.example/">'


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def page_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("episode_type", REFRESH, "episode_type: Input should be 'full', 'trailer' or 'bonus'"),
        ("slug", "../evil", "slug: String should match pattern"),
        ("number", 0, "number: Input should be greater than or equal to 1"),
        ("guid", "a guid\nwith a newline", "guid: String should match pattern"),
        ("date", "yesterday", "date: Input should be a valid date"),
        ("people", [{"name": "<b>x</b>", "role": "host<script>"}], "people[0].role:"),
        ("files", {"vtt": "../../etc/passwd"}, "files.vtt: String should match pattern"),
    ],
)
def test_a_hand_edited_render_report_is_validated(
    site_dir: Path, field: str, value: object, problem: str
) -> None:
    data = report(site_dir, "ep1")
    data[field] = value
    (site_dir / "ep1.json").write_text(json.dumps(data))
    result = kit("feed", "--out", str(site_dir))
    assert result.exit_code == 2 and result.stderr.count("error:") == 1, result.stderr
    assert "ep1.json: " + problem in result.stderr
    assert "render the episode again" in result.stderr
    assert not (site_dir / "index.html").exists()


def test_the_page_escapes_what_a_report_holds(site_dir: Path) -> None:
    """Defence in depth: were a markup-laden episode_type to get past the report's
    validation, the page would still show it as text, not obey it."""
    built = site.build(site_dir)
    item = built.items[0]
    hostile = dataclasses.replace(item, entry=dataclasses.replace(item.entry, episode_type=REFRESH))
    html = page.render(built.show, [hostile], "cover.jpg", "feed.xml")
    tags = page_tags(html)
    refresh = [a for tag, a in tags if tag == "meta" and a.get("http-equiv") == "refresh"]
    assert refresh == []
    assert html_module.escape(REFRESH.capitalize()) in html

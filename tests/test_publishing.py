"""Publishing that platforms trust (issue 21): chapters stored in time order, a render that
owns only its own files, the AI disclosure, the Podcasting 2.0 tags and the warnings for
silent defaults, each rendered with the fake engine and read back as apps read it."""

from __future__ import annotations

import io
import json
import re
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from typer.testing import CliRunner

from broadcast_kit import ffmpeg
from broadcast_kit.check import runner
from broadcast_kit.cli import app
from broadcast_kit.model import AI_SENTENCE
from broadcast_kit.render import pipeline
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import tone, write_episode, write_wav

LONG_TITLE = "A first chapter whose title is much longer than the second one's"


def chapters_as_ffmpeg_lists_them(mp3: Path) -> list[tuple[int, str]]:
    """(start ms, title) of every chapter, in the order the bundled ffmpeg reads them."""
    out = subprocess.run(
        [ffmpeg.executable(), "-v", "error", "-i", str(mp3), "-f", "ffmetadata", "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    found = re.findall(r"\[CHAPTER\]\nTIMEBASE=1/1000\nSTART=(\d+)\nEND=\d+\ntitle=(.*)", out)
    return [(int(start), title) for start, title in found]


def test_chap_frames_are_stored_in_time_order(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    episode = write_episode(
        show_dir,
        f"""\
        title: Chapters in order
        date: 2024-05-08
        description: Three chapters, the first with the longest title.
        segments:
          - chapter: {LONG_TITLE}
          - host: Good evening.
          - chapter: Short
          - host: The second part.
          - chapter: Mid-length title
          - host: The end.
        """,
    )
    result = pipeline.render(episode, tmp_path / "dist", cache=cache)
    mp3 = result.outputs["mp3"]
    listed = chapters_as_ffmpeg_lists_them(mp3)
    assert [title for _, title in listed] == [LONG_TITLE, "Short", "Mid-length title"]
    assert [start for start, _ in listed] == sorted(start for start, _ in listed)
    # the CTOC lists the same order, and kit check finds nothing out of order
    tags = ID3(mp3)
    stored = [frame.element_id for frame in tags.getall("CHAP")]
    assert tags.getall("CTOC")[0].child_element_ids == stored == ["ch0", "ch1", "ch2"]
    report = runner.run([mp3])
    assert report.findings == []
    assert "chapters-frame-order" in report.results[0].checked


# --- a small show published: the AI disclosure and the Podcasting 2.0 tags ------------------

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
cli = CliRunner()


def spoken_episode(show_dir: Path, slug: str, date: str, number: int) -> Path:
    return write_episode(
        show_dir,
        f"""\
        title: Spoken {number}
        date: {date}
        number: {number}
        season: 2
        description: Episode {number}, read by the host.
        voices:
          shin: {{engine: fake, voice: low, name: Shin Jeong-hwa}}
        segments:
          - chapter: Opening
          - host: Good evening.
          - interview: Both sides needed a channel.
            speaker: shin
        """,
        slug=slug,
    )


def recorded_episode(show_dir: Path, slug: str = "rec") -> Path:
    """An episode with no synthetic voice: one recorded interview."""
    folder = show_dir / slug
    folder.mkdir()
    write_wav(folder / "talk.wav", tone(2.0, 300.0, -20.0, channels=1))
    return write_episode(
        show_dir,
        """\
        title: Recorded
        date: 2024-05-20
        number: 9
        description: A recorded conversation.
        segments:
          - interview:
            speaker: guest
            audio: talk.wav
            transcript: We recorded this in the studio.
        """,
        slug=slug,
    )


def publish(out: Path, *args: str) -> etree._Element:
    result = cli.invoke(app, ["feed", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return etree.fromstring((out / "feed.xml").read_bytes())


def xpath(root: etree._Element, path: str) -> list[Any]:
    found: list[Any] = root.xpath(path, namespaces=NS)
    return found


def set_show(show_dir: Path, extra: str) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text() + textwrap.dedent(extra))


def test_the_ai_disclosure_is_on_by_default(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    for n in (1, 2):
        pipeline.render(spoken_episode(show_dir, f"ep{n}", f"2024-05-0{n}", n), out, cache=cache)
    root = publish(out)
    channel = xpath(root, "/rss/channel")[0]
    assert [(t.get("purpose"), t.text) for t in xpath(channel, "podcast:txt")] == [
        ("ai-content", "true")
    ]
    assert xpath(channel, "item/podcast:txt") == []  # every episode is: the channel says so
    for item in xpath(channel, "item"):
        assert AI_SENTENCE in xpath(item, "description/text()")[0]
        assert AI_SENTENCE in xpath(item, "itunes:summary/text()")[0]
    assert AI_SENTENCE in (out / "index.html").read_text()
    # podcast apps still read the feed, the sentence in the show notes
    raw = (out / "feed.xml").read_bytes()
    gpodder = podcastparser.parse("https://example.org/test/feed.xml", io.BytesIO(raw))
    assert AI_SENTENCE in gpodder["episodes"][0]["description"]
    parsed = feedparser.parse(raw)
    assert not parsed.bozo and AI_SENTENCE in parsed.entries[0].summary
    result = cli.invoke(app, ["check", str(out), "--strict"])
    assert result.exit_code == 0, result.output


def test_only_the_synthetic_episodes_are_disclosed_when_some_are_recorded(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    pipeline.render(recorded_episode(show_dir), out, cache=cache)
    root = publish(out)
    assert xpath(root, "/rss/channel/podcast:txt") == []
    disclosed = {
        xpath(i, "title/text()")[0]: xpath(i, "podcast:txt[@purpose='ai-content']/text()")
        for i in xpath(root, "//item")
    }
    assert disclosed == {"Spoken 1": ["true"], "Recorded": []}
    recorded = xpath(root, "//item[title='Recorded']/description/text()")[0]
    assert AI_SENTENCE not in recorded
    result = cli.invoke(app, ["check", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    # the disclosure taken out by hand: the rule fails the synthetic episode only
    feed_xml = out / "feed.xml"
    feed_xml.write_text(feed_xml.read_text().replace(
        '<podcast:txt purpose="ai-content">true</podcast:txt>', ""))  # fmt: skip
    failed = [f for f in runner.run([out]).findings if f.rule == "feed-ai-disclosure"]
    assert len(failed) == 1 and "'Spoken 1'" in failed[0].message


def test_each_disclosure_can_be_turned_off(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    set_show(show_dir, "ai_disclosure: {feed: false, notes: false}\n")
    out = tmp_path / "dist"
    pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    root = publish(out)
    assert xpath(root, "//podcast:txt") == []
    assert AI_SENTENCE not in (out / "feed.xml").read_text()
    assert AI_SENTENCE not in (out / "index.html").read_text()
    # kit check holds the show to it unless the show turns the rule off as well
    failed = {f.rule for f in runner.run([out]).findings}
    assert failed == {"feed-ai-disclosure"}
    set_show(show_dir, "check: {disable: [feed-ai-disclosure]}\n")
    assert runner.run([out]).findings == []


def test_a_custom_disclosure_sentence(show_dir: Path, tmp_path: Path, cache: SpeechCache) -> None:
    set_show(show_dir, 'ai_disclosure: {sentence: "Read by a synthetic voice & friends."}\n')
    out = tmp_path / "dist"
    pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    root = publish(out)
    assert (
        "<p>Read by a synthetic voice &amp; friends.</p>"
        in xpath(root, "//item/description/text()")[0]
    )


@pytest.mark.parametrize("at", ["start", "end"])
def test_a_spoken_disclosure_in_the_hosts_voice(
    show_dir: Path, tmp_path: Path, cache: SpeechCache, at: str
) -> None:
    line = "This episode is read by synthetic voices."
    set_show(show_dir, f'ai_disclosure: {{spoken: {{text: "{line}", at: {at}}}}}\n')
    out = tmp_path / "dist"
    result = pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    cues = json.loads(result.outputs["transcript"].read_text())["segments"]
    said = cues[0] if at == "start" else cues[-1]
    assert (said["speaker"], said["body"]) == ("Host", line)
    assert sum(c["body"] == line for c in cues) == 1
    chapters = result.timeline.chapters
    assert chapters[0].title == "Opening" and chapters[0].start_ms == 0  # the line is inside it
    # an episode with no synthetic voice gets no synthetic line
    recorded = pipeline.render(recorded_episode(show_dir), out, cache=cache)
    bodies = [c["body"] for c in json.loads(recorded.outputs["transcript"].read_text())["segments"]]
    assert bodies == ["We recorded this in the studio."]


def test_podcasting_20_tags_from_the_show_file(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    set_show(
        show_dir,
        """\
        medium: podcast
        people:
          - {name: Kim Ji-woo, role: producer, href: "https://example.org/kim"}
        funding:
          - {url: "https://example.org/support", text: "Support the show"}
        license: cc-by-4.0
        location:
          - {name: "Seoul, South Korea", geo: "geo:37.5665,126.978", osm: R2297418, country: KR}
          - {name: Busan, rel: creator}
        """,
    )
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace(
        "voxpop: {engine: fake, voice: high}",
        "voxpop: {engine: fake, voice: high}\n  narrator: {engine: fake, voice: low, name: Min,"
        " role: Narrator}"))  # fmt: skip
    episode = spoken_episode(show_dir, "ep1", "2024-05-01", 3)
    episode.write_text(episode.read_text() + "  - host: The end.\n    voice: narrator\n")
    out = tmp_path / "dist"
    pipeline.render(episode, out, cache=cache)
    root = publish(out)
    channel = xpath(root, "/rss/channel")[0]
    assert xpath(channel, "podcast:medium/text()") == ["podcast"]
    assert [(f.get("url"), f.text) for f in xpath(channel, "podcast:funding")] == [
        ("https://example.org/support", "Support the show")
    ]
    assert xpath(channel, "podcast:license/text()") == ["cc-by-4.0"]
    places = [(p.text, dict(p.attrib)) for p in xpath(channel, "podcast:location")]
    assert places == [
        ("Seoul, South Korea", {"geo": "geo:37.5665,126.978", "osm": "R2297418", "country": "kr"}),
        ("Busan", {"rel": "creator"}),
    ]
    credit = ("Kim Ji-woo", "producer", "creative direction", "https://example.org/kim")
    people = [
        (p.text, p.get("role"), p.get("group"), p.get("href"))
        for p in xpath(channel, "podcast:person")
    ]
    assert people == [credit]
    item = xpath(channel, "item")[0]
    assert xpath(item, "podcast:season/text()") == ["2"]
    assert xpath(item, "podcast:episode/text()") == ["3"]
    people = [
        (p.text, p.get("role"), p.get("group"), p.get("href"))
        for p in xpath(item, "podcast:person")
    ]
    assert people == [
        ("Test Author", "host", "cast", None),
        ("Shin Jeong-hwa", "guest", "cast", None),
        ("Min", "narrator", "cast", None),
        credit,  # an item's people replace the channel's: listed again
    ]
    result = cli.invoke(app, ["check", str(out), "--strict"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("medium: radio\n", "medium: Input should be 'podcast', 'music'"),
        ("license: My Own Licence\n", "is not a licence identifier such as cc-by-4.0"),
        ("funding: [{url: example.org/give}]\n", "is not an absolute http(s) URL"),
        (f"funding: [{{url: 'https://example.org/', text: {'x' * 129}}}]\n", "at most 128"),
        ("location: [{name: Seoul, geo: 'geo:137.5,126.9'}]\n", "is not geo:LATITUDE,LONGITUDE"),
        ("location: [{name: Seoul, osm: 'Relation 5'}]\n", "String should match pattern"),
        ("people: [{name: Kim, role: prodcer}]\n", "did you mean 'producer'?"),
        ("ai_disclosure: {spoken: {text: Hi, at: middle}}\n", "Input should be 'start' or 'end'"),
        ("ai_disclosure: {feeds: false}\n", "feeds"),
    ],
)
def test_the_new_show_fields_are_validated(show_dir: Path, extra: str, problem: str) -> None:
    set_show(show_dir, extra)
    episode = spoken_episode(show_dir, "ep1", "2024-05-01", 1)
    result = cli.invoke(app, ["render", str(episode), "--dry-run"])
    assert result.exit_code == 2, result.output
    assert problem in result.stderr and "show.yaml:" in result.stderr


# --- warnings for what was filled in silently -------------------------------------------


def test_missing_descriptions_are_warned_about_once_and_kept_in_the_report(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("description: A show for tests.\n", ""))
    episode = spoken_episode(show_dir, "ep1", "2024-05-01", 1)
    episode.write_text(
        episode.read_text().replace("description: Episode 1, read by the host.\n", "")
    )
    out = tmp_path / "dist"
    result = cli.invoke(app, ["render", str(episode), "--out", str(out)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    assert (
        "show.yaml: no description:, so the feed and the show page describe the show"
        in (warnings[0])
    )
    assert (
        "episode.yaml:1: no description:, so podcast apps show the episode without one"
        in (warnings[1])
    )
    report = json.loads((out / "ep1.json").read_text())
    assert [w.split(": ", 1)[1] for w in report["warnings"]] == [
        w.removeprefix("warning: ").split(": ", 1)[1] for w in warnings
    ]
    fed = cli.invoke(app, ["feed", "--out", str(out)])
    assert fed.exit_code == 0
    assert fed.stderr.count("warning:") == 1 and "no description:" in fed.stderr


def test_a_loopback_base_url_is_warned_about(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    result = cli.invoke(app, ["feed", "--out", str(out), "--base-url", "http://127.0.0.1:8000/"])
    assert result.exit_code == 0
    assert "warning: http://127.0.0.1:8000/ is on 127.0.0.1" in result.stderr
    assert "kit serve previews the feed" in result.stderr


def test_a_base_url_with_spaces_and_non_ascii_is_percent_encoded(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    base = "https://Bücher.example/my show/émissions/"
    result = cli.invoke(app, ["feed", "--out", str(out), "--base-url", base])
    assert result.exit_code == 0, result.output
    encoded = "https://xn--bcher-kva.example/my%20show/%C3%A9missions/"
    assert f"feed URL: {encoded}feed.xml" in result.stdout
    root = etree.fromstring((out / "feed.xml").read_bytes())
    urls = xpath(root, "//@url | //@href")
    assert urls and all(u.startswith(encoded) and u.isascii() and " " not in u for u in urls)
    assert cli.invoke(app, ["check", str(out), "--base-url", base]).exit_code == 0


# --- a render owns only its files (issue 21, and 22's same-slug renders) ----------------------


def test_a_render_stops_before_replacing_a_users_files(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    mine = {"ep1.json": b'{"my": "voice test notes"}\n', "ep1.vtt": b"WEBVTT\n\nmy own cues\n"}
    for name, data in mine.items():
        (out / name).write_bytes(data)
    episode = spoken_episode(show_dir, "ep1", "2024-05-01", 1)
    result = cli.invoke(app, ["render", str(episode), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("error:") == 1
    assert "ep1.json, ep1.vtt would be replaced, and no render of this episode made them" in (
        result.stderr
    )
    assert "pass --force to replace them" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == mine  # untouched, nothing added
    assert FakeEngine.spoken == []  # refused before synthesizing
    taken = cli.invoke(app, ["render", str(episode), "--out", str(out), "--force"])
    assert taken.exit_code == 0, taken.output
    assert json.loads((out / "ep1.json").read_text())["slug"] == "ep1"
    # its own files it replaces freely from then on
    assert cli.invoke(app, ["render", str(episode), "--out", str(out)]).exit_code == 0


def test_a_second_episode_with_the_same_slug_is_refused(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    first = spoken_episode(show_dir, "first", "2024-05-01", 1)
    second = spoken_episode(show_dir, "second", "2024-05-08", 2)
    for episode in (first, second):
        episode.write_text(episode.read_text() + "slug: same\n")
    pipeline.render(first, out, cache=cache)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = cli.invoke(app, ["render", str(second), "--out", str(out)])
    assert result.exit_code == 2 and result.stderr.count("error:") == 1
    assert "the slug 'same' is already rendered there from" in result.stderr
    assert "first/episode.yaml" in result.stderr and "slug: of its own" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the first's files kept
    # and so the first keeps its guid: nothing of the second is published under it
    assert cli.invoke(app, ["feed", "--out", str(out)]).exit_code == 0
    root = etree.fromstring((out / "feed.xml").read_bytes())
    assert xpath(root, "//item/title/text()") == ["Spoken 1"]
    # the same episode again is no collision; --force gives the slug to the second
    assert cli.invoke(app, ["render", str(first), "--out", str(out)]).exit_code == 0
    taken = cli.invoke(app, ["render", str(second), "--out", str(out), "--force"])
    assert taken.exit_code == 0, taken.output
    mp3s = sorted(out.glob("same-*.mp3"))
    assert len(mp3s) == 1 and json.loads((out / "same.json").read_text())["title"] == "Spoken 2"


def test_a_report_from_an_older_version_still_owns_its_files(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    episode = spoken_episode(show_dir, "ep1", "2024-05-01", 1)
    pipeline.render(episode, out, cache=cache)
    report = json.loads((out / "ep1.json").read_text())
    del report["episode_path"]  # written before reports named their episode that way
    (out / "ep1.json").write_text(json.dumps(report))
    episode.write_text(episode.read_text().replace("Good evening.", "Good evening, all."))
    result = pipeline.render(episode, out, cache=cache)
    assert sorted(p.name for p in out.glob("*.mp3")) == [result.outputs["mp3"].name]


def test_kit_feed_replaces_only_its_own_page_feed_and_covers(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    pipeline.render(spoken_episode(show_dir, "ep1", "2024-05-01", 1), out, cache=cache)
    (out / "index.html").write_text("<!doctype html><title>My own site</title>\n")
    (out / "cover-art.jpg").write_bytes(b"my artwork")
    result = cli.invoke(app, ["feed", "--out", str(out)])
    assert result.exit_code == 2
    assert "index.html would be replaced, and kit feed did not write it" in result.stderr
    assert (out / "index.html").read_text().startswith("<!doctype html><title>My own")
    assert not (out / "feed.xml").exists()
    assert cli.invoke(app, ["feed", "--out", str(out), "--force"]).exit_code == 0
    assert cli.invoke(app, ["feed", "--out", str(out)]).exit_code == 0  # its own now
    assert (out / "cover-art.jpg").read_bytes() == b"my artwork"


def test_a_damaged_report_in_the_folder_is_not_taken_for_the_episodes(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "ep1.json").write_text("[" * 100_000)
    episode = spoken_episode(show_dir, "ep1", "2024-05-01", 1)
    result = cli.invoke(app, ["render", str(episode), "--out", str(out)])
    assert result.exit_code == 2 and "ep1.json would be replaced" in result.stderr
    assert "unexpected" not in result.stderr
    taken = cli.invoke(app, ["render", str(episode), "--out", str(out), "--force"])
    assert taken.exit_code == 0, taken.output
    assert json.loads((out / "ep1.json").read_text())["slug"] == "ep1"

"""`kit check`: a good fake-engine render passes every rule; a corpus of broken copies, each
made from it with mutagen, ffmpeg or a text edit (never with the project's own writers), is
caught by the rule meant for it; reports, exit codes, show settings and hostile files."""

from __future__ import annotations

import json
import random
import re
import shutil
import time
import uuid
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import podcastparser
import pytest
from mutagen.id3 import APIC, ID3, TIT2, TIT3
from typer.testing import CliRunner

from broadcast_kit import cover, ffmpeg
from broadcast_kit.check import runner, sidecars
from broadcast_kit.check.rules import RULES, rules_for
from broadcast_kit.cli import app
from broadcast_kit.model import podcast_guid
from broadcast_kit.render import pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import ROOT, encode_mp3, tone, write_wav

BASE = "https://example.org/test/"
PODCAST_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # STANDARDS 19
cli = CliRunner()

SHOW = """\
title: Test Show
description: A show for tests.
author: Test Author
owner: {name: Test Owner, email: owner@example.org}
cover: cover.jpg
base_url: https://example.org/test/
voices:
  host: {engine: fake, voice: mid, name: Host}
  guest: {engine: fake, voice: low, name: Guest}
"""
EPISODE = """\
title: The First Episode
date: 2024-03-05
number: 7
description: Two stories, one interview.
segments:
  - chapter: Talks resume
  - music: {music}/theme.wav
    role: intro
    overlap: 1
  - host: Good evening. The talks resumed today after four years of silence.
  - interview: Both sides needed a channel. Neither could wait any longer.
    speaker: guest
  - chapter: A concert for defectors
  - host: The concert is held in August every year. That is all for tonight.
"""
FEED = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel>
  <title>Test Show</title>
  <link>https://example.org/test/</link>
  <description>A show for tests.</description>
  <language>en</language>
  <itunes:image href="https://example.org/test/cover.jpg"/>
  <itunes:category text="News"><itunes:category text="Daily News"/></itunes:category>
  <itunes:explicit>false</itunes:explicit>
  <itunes:author>Test Author</itunes:author>
  <itunes:owner>
    <itunes:name>Test Owner</itunes:name><itunes:email>owner@example.org</itunes:email>
  </itunes:owner>
  <itunes:type>episodic</itunes:type>
  <podcast:guid>{podcast_guid}</podcast:guid>
  <podcast:locked owner="owner@example.org">yes</podcast:locked>
  <podcast:txt purpose="ai-content">true</podcast:txt>
  <item>
    <title>The First Episode</title>
    <description><![CDATA[<p>Two stories, one interview.</p>]]></description>
    <enclosure url="https://example.org/test/{mp3}" length="{size}" type="audio/mpeg"/>
    <guid isPermaLink="false">test-show-ep1</guid>
    <pubDate>Tue, 05 Mar 2024 06:00:00 +0000</pubDate>
    <itunes:duration>{seconds}</itunes:duration>
    <itunes:episode>7</itunes:episode>
    <itunes:episodeType>full</itunes:episodeType>
    <podcast:transcript url="https://example.org/test/{vtt}" type="text/vtt"/>
    <podcast:chapters url="https://example.org/test/{chapters}" type="application/json+chapters"/>
  </item>
</channel>
</rss>
"""


# --- the good render and its copies -------------------------------------------------------


@pytest.fixture(scope="session")
def good(tmp_path_factory: pytest.TempPathFactory, music_dir: Path) -> Path:
    """A fake-engine render with a hand-written feed and the cover beside it (read only)."""
    show = tmp_path_factory.mktemp("good-show")
    shutil.copy(ROOT / "assets" / "cover.jpg", show / "cover.jpg")
    (show / "show.yaml").write_text(SHOW, encoding="utf-8")
    (show / "ep1").mkdir()
    (show / "ep1" / "episode.yaml").write_text(EPISODE.format(music=music_dir), encoding="utf-8")
    out = tmp_path_factory.mktemp("good") / "dist"
    result = pipeline.render(show / "ep1" / "episode.yaml", out, cache=SpeechCache(show / "cache"))
    shutil.copy(show / "cover.jpg", out / "cover.jpg")
    report = json.loads(result.outputs["report"].read_text())
    files = report["files"]
    mp3 = out / report["audio"]["file"]
    (out / "feed.xml").write_text(
        FEED.format(
            podcast_guid=uuid.uuid5(PODCAST_NS, "example.org/test/feed.xml"),
            mp3=mp3.name,
            size=mp3.stat().st_size,
            seconds=round(report["duration_ms"] / 1000),
            vtt=files["vtt"],
            chapters=files["chapters"],
        ),
        encoding="utf-8",
    )
    return out


@pytest.fixture
def dist(good: Path, tmp_path: Path) -> Path:
    """A private copy of the good render to break."""
    return Path(shutil.copytree(good, tmp_path / "dist"))


def report_of(folder: Path) -> dict:  # type: ignore[type-arg]
    names = [
        p
        for p in folder.glob("*.json")
        if not p.name.endswith((".chapters.json", ".transcript.json"))
    ]
    return json.loads(names[0].read_text())  # type: ignore[no-any-return]


def mp3_of(folder: Path) -> Path:
    return folder / report_of(folder)["audio"]["file"]


def sidecar(folder: Path, kind: str) -> Path:
    return folder / report_of(folder)["files"][kind]


def rules_failed(path: Path, **options: object) -> dict[str, list[str]]:
    """rule id -> messages, for everything `kit check` reports on `path`."""
    report = runner.run([path], runner.Options(**options))  # type: ignore[arg-type]
    failed: dict[str, list[str]] = {}
    for finding in report.findings:
        failed.setdefault(finding.rule, []).append(finding.message)
    return failed


def retag(path: Path, edit: Callable[[ID3], None]) -> None:
    """Edit an MP3's tag with mutagen and save it as v2.3, as a tag editor would; the feed
    beside it, if any, then gives the new size (a retag is not a feed error)."""
    tags = ID3(path)
    edit(tags)
    tags.save(path, v2_version=3)
    feed_xml = path.parent / "feed.xml"
    if feed_xml.is_file():
        size = path.stat().st_size
        feed_xml.write_text(re.sub(r'length="\d+"', f'length="{size}"', feed_xml.read_text()))


def reencode(src: Path, out: Path, rate: int, codec: list[str], gain: float = 1.0) -> None:
    """Decode `src`, scale it, encode it to `out` with ffmpeg, and copy `src`'s tag over."""
    samples = ffmpeg.decode(src, rate, 2) * np.float32(gain)
    ffmpeg.encode(samples, rate, out, ["-c:a", "libmp3lame", *codec, "-id3v2_version", "0",
                                       "-f", "mp3"])  # fmt: skip
    ID3(src).save(out, v2_version=3)


# --- a correct render ---------------------------------------------------------------------


def test_a_correct_render_and_feed_pass_every_rule(good: Path) -> None:
    report = runner.run([good], runner.Options(loudness=True, strict=True))
    assert report.findings == []
    kinds = sorted(r.kind for r in report.results)
    assert kinds == ["chapters", "feed", "mp3", "report", "srt", "transcript", "vtt"]
    checked = {rule for r in report.results for rule in r.checked}
    assert checked == set(RULES)  # every rule ran on something and passed
    # the hand-written feed is one real clients read
    parsed = podcastparser.parse(f"{BASE}feed.xml", (good / "feed.xml").open("rb"))
    assert parsed["episodes"][0]["enclosures"][0]["file_size"] == mp3_of(good).stat().st_size


def test_cli_passes_a_correct_render_with_strict_and_loudness(good: Path) -> None:
    result = cli.invoke(app, ["check", str(good), "--strict", "--loudness"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"7 files \(.*\), \d+ rule checks: all pass\n", result.stdout)


# --- the broken corpus: each caught by its rule -----------------------------------------


def test_v24_tag(dist: Path) -> None:
    mp3 = mp3_of(dist)
    ID3(mp3).save(mp3, v2_version=4)
    assert "id3-version" in rules_failed(mp3)


def _tag_end(data: bytes) -> int:
    assert data[:3] == b"ID3"
    return 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))


def _set_raw_frame(path: Path, frame_id: bytes, body: bytes) -> None:
    """Replace one frame's body in a v2.3 tag, byte by byte (mutagen would fix the encoding)."""
    data = path.read_bytes()
    assert data[:4] == b"ID3\x03"
    tag, audio = data[10 : _tag_end(data)], data[_tag_end(data) :]
    frames, pos = b"", 0
    while pos + 10 <= len(tag) and tag[pos : pos + 4].strip(b"\0"):
        length = int.from_bytes(tag[pos + 4 : pos + 8], "big")
        name, flags, payload = tag[pos : pos + 4], tag[pos + 8 : pos + 10], tag[pos + 10 :][:length]
        if name == frame_id:
            payload = body
        frames += name + len(payload).to_bytes(4, "big") + flags + payload
        pos += 10 + length
    n = len(frames)
    header = b"ID3\x03\x00" + data[5:6] + bytes((n >> s) & 0x7F for s in (21, 14, 7, 0))
    path.write_bytes(header + frames + audio)


def test_utf8_text_in_a_v23_frame(dist: Path) -> None:
    mp3 = mp3_of(dist)
    _set_raw_frame(mp3, b"TIT2", b"\x03" + "Caf\u00e9 talk".encode())
    assert ID3(mp3).version[:2] == (2, 3)
    failed = rules_failed(mp3)
    assert "id3-text-encoding" in failed and "TIT2 (UTF-8)" in failed["id3-text-encoding"][0]


def test_no_cover(dist: Path) -> None:
    mp3 = mp3_of(dist)
    retag(mp3, lambda t: t.delall("APIC"))
    assert "cover-missing" in rules_failed(mp3)


def _image(dist: Path, name: str, *filters: str) -> bytes:
    out = dist.parent / name
    ffmpeg.run(["-y", "-i", str(ROOT / "assets" / "cover.jpg"), *filters, str(out)], what=name)
    return out.read_bytes()


def test_png_bytes_labelled_jpeg(dist: Path) -> None:
    png = _image(dist, "cover.png")
    assert png.startswith(b"\x89PNG")

    def swap(tags: ID3) -> None:
        tags.delall("APIC")
        tags.add(APIC(encoding=1, mime="image/jpeg", type=3, desc="Cover", data=png))

    retag(mp3_of(dist), swap)
    failed = rules_failed(mp3_of(dist))
    assert "cover-mime" in failed and "image/png" in failed["cover-mime"][0]
    assert "cover-size" not in failed


def test_a_900px_cover(dist: Path) -> None:
    small = _image(dist, "small.jpg", "-vf", "scale=900:900")

    def swap(tags: ID3) -> None:
        tags.delall("APIC")
        tags.add(APIC(encoding=1, mime="image/jpeg", type=3, desc="Cover", data=small))

    retag(mp3_of(dist), swap)
    failed = rules_failed(mp3_of(dist))
    assert list(failed) == ["cover-size"] and "900 px" in failed["cover-size"][0]


def test_a_chapter_past_the_end(dist: Path) -> None:
    def stretch(tags: ID3) -> None:
        last = max(tags.getall("CHAP"), key=lambda c: c.start_time)
        last.end_time += 5000

    retag(mp3_of(dist), stretch)
    assert list(rules_failed(dist)) == ["chapters-end"]


def test_ctoc_flags_zero(dist: Path) -> None:
    def clear(tags: ID3) -> None:
        tags.getall("CTOC")[0].flags = 0

    retag(mp3_of(dist), clear)
    assert list(rules_failed(dist)) == ["chapters-ctoc-flags"]


def test_chap_without_ctoc(dist: Path) -> None:
    retag(mp3_of(dist), lambda t: t.delall("CTOC"))
    assert list(rules_failed(dist)) == ["chapters-ctoc-missing"]


def test_chap_frames_stored_out_of_time_order(dist: Path) -> None:
    def grow_the_first(tags: ID3) -> None:
        # mutagen stores frames smallest first: a subtitle makes the first chapter the larger
        first = min(tags.getall("CHAP"), key=lambda c: c.start_time)
        first.sub_frames.add(TIT3(encoding=3, text="a subtitle long enough to sort it last"))

    retag(mp3_of(dist), grow_the_first)
    starts = [c.start_time for c in ID3(mp3_of(dist)).getall("CHAP")]
    assert starts != sorted(starts)  # what a plain mutagen save does
    failed = rules_failed(dist)
    assert list(failed) == ["chapters-frame-order"]
    assert "'A concert for defectors', 'Talks resume'" in failed["chapters-frame-order"][0]


def test_vbr_without_xing_header(dist: Path, tmp_path: Path) -> None:
    vbr = tmp_path / "vbr.mp3"
    reencode(mp3_of(dist), vbr, 44100, ["-q:a", "2", "-write_xing", "0"])
    failed = rules_failed(vbr)
    assert "mp3-xing-header" in failed and "variable bitrate" in failed["mp3-xing-header"][0]
    with_header = tmp_path / "vbr-xing.mp3"
    reencode(mp3_of(dist), with_header, 44100, ["-q:a", "2", "-write_xing", "1"])
    assert "mp3-xing-header" not in rules_failed(with_header)


def test_22khz_audio(dist: Path, tmp_path: Path) -> None:
    low = tmp_path / "low.mp3"
    reencode(mp3_of(dist), low, 22050, ["-b:a", "64k"])
    failed = rules_failed(low)
    assert "mp3-sample-rate" in failed and "22.05 kHz" in failed["mp3-sample-rate"][0]


def test_an_mp3_that_is_really_a_wav(tmp_path: Path) -> None:
    fake = write_wav(tmp_path / "ep.wav", tone(2.0)).rename(tmp_path / "ep.mp3")
    failed = rules_failed(fake)
    assert "mp3-not-mpeg" in failed and "a WAV file" in failed["mp3-not-mpeg"][0]
    result = cli.invoke(app, ["check", str(fake)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_truncated_mp3(dist: Path) -> None:
    mp3 = mp3_of(dist)
    data = mp3.read_bytes()
    mp3.write_bytes(data[: len(data) * 3 // 4])
    failed = rules_failed(mp3)
    assert "mp3-truncated" in failed


def test_a_truncated_mp3_cut_at_a_frame_boundary_is_caught_by_the_info_header(
    dist: Path,
) -> None:
    mp3 = mp3_of(dist)
    data = mp3.read_bytes()
    cut = _tag_end(data)  # walk 128 kbit/s 44.1 kHz frames: 417 bytes, 418 with padding
    while cut < len(data) * 3 // 4:
        assert data[cut] == 0xFF
        cut += 144 * 128_000 // 44_100 + ((data[cut + 2] >> 1) & 1)
    mp3.write_bytes(data[:cut])
    failed = rules_failed(mp3)
    assert "mp3-truncated" in failed and "Info header counts" in failed["mp3-truncated"][0]


def test_a_vtt_whose_last_cue_is_after_the_end(dist: Path) -> None:
    vtt = sidecar(dist, "vtt")
    text = vtt.read_text()
    last = re.findall(r"--> (\d\d:\d\d:\d\d\.\d{3})", text)[-1]
    head, _, tail = text.rpartition(f"--> {last}")
    vtt.write_text(f"{head}--> 00:10:00.000{tail}")
    assert list(rules_failed(dist)) == ["vtt-after-end"]


def test_chapters_json_disagreeing_with_chap(dist: Path) -> None:
    path = sidecar(dist, "chapters")
    data = json.loads(path.read_text())
    data["chapters"][1]["startTime"] -= 1.5
    path.write_text(json.dumps(data))
    failed = rules_failed(dist)
    assert list(failed) == ["chapters-json-mismatch"]


# --- the feed -----------------------------------------------------------------------------


def _break_feed(dist: Path, old: str, new: str, count: int = 1) -> Path:
    path = dist / "feed.xml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))
    return path


def _item(dist: Path) -> str:
    text = (dist / "feed.xml").read_text()
    return text[text.index("  <item>") : text.index("</item>") + len("</item>\n")]


def test_wrong_enclosure_length(dist: Path) -> None:
    size = mp3_of(dist).stat().st_size
    path = _break_feed(dist, f'length="{size}"', f'length="{size + 1}"')
    failed = rules_failed(path)
    assert (
        list(failed) == ["feed-enclosure-length"]
        and f'length="{size}"' in (failed["feed-enclosure-length"][0])
    )


def test_duplicate_guid(dist: Path) -> None:
    item = _item(dist)
    path = _break_feed(dist, item, item + item.replace("The First", "The Second"))
    failed = rules_failed(path)
    assert list(failed) == ["feed-guid-unique"] and "item 1" in failed["feed-guid-unique"][0]


def test_unescaped_ampersand(dist: Path) -> None:
    path = _break_feed(dist, "<title>The First Episode", "<title>Talks & a concert")
    failed = rules_failed(path)
    assert list(failed) == ["feed-xml"] and re.search(r"line \d+", failed["feed-xml"][0])
    assert "not well-formed" in failed["feed-xml"][0]


def test_relative_enclosure_url(dist: Path) -> None:
    mp3 = mp3_of(dist).name
    path = _break_feed(dist, f'url="{BASE}{mp3}"', f'url="{mp3}"')
    failed = rules_failed(path)
    assert list(failed) == ["feed-enclosure-url"] and "absolute" in failed["feed-enclosure-url"][0]


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("<title>The First", "<title>&nbsp;The First", "feed-xml"),
        ('<?xml version="1.0" encoding="UTF-8"?>\n', "", "feed-xml"),
        ("https://podcastindex.org/namespace/1.0",
         "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
         "feed-namespaces"),
        ('text="Daily News"', 'text="Daily news"', "feed-category"),
        ('text="News"', 'text="news"', "feed-category"),
        ("<itunes:explicit>false", "<itunes:explicit>no", "feed-channel"),
        ("<language>en", "<language>English", "feed-channel"),
        ("<itunes:type>episodic", "<itunes:type>Episodic", "feed-channel"),
        ('<guid isPermaLink="false">', "<guid>", "feed-guid"),
        ("Tue, 05 Mar 2024 06:00:00 +0000", "2024-03-05", "feed-pubdate"),
        ("<itunes:episode>7", "<itunes:episode>0", "feed-episode-numbers"),
        ("<itunes:episode>7", "<itunes:episode>2147483648", "feed-episode-numbers"),
        ("<itunes:episode>7", "<itunes:episode>99999999999999999999999", "feed-episode-numbers"),
        ("<itunes:episodeType>full", "<itunes:episodeType>Full", "feed-episode-numbers"),
        ('type="text/vtt"', 'type="text/plain-ish"', "feed-podcast-links"),
        ("<title>The First Episode", "<title>Test Show: The First Episode",
         "feed-item-title-style"),
        ("<title>The First Episode", "<title>Episode 7: The First Episode",
         "feed-item-title-style"),
        ("<title>The First Episode", "<title>&lt;b&gt;The First Episode&lt;/b&gt;",
         "feed-item-title"),
        ("<podcast:locked", "<podcast:lockd", "feed-locked"),
        ("example.org/test/cover.jpg", "example.org/test/missing.jpg", "feed-file-missing"),
        ('<rss version="2.0"', '<rss version="0.91"', "feed-rss"),
    ],
)  # fmt: skip
def test_feed_mutations(dist: Path, old: str, new: str, rule: str) -> None:
    text = (dist / "feed.xml").read_text()
    if old == "<podcast:locked":
        text = text.replace("</podcast:locked>", "</podcast:lockd>")
    (dist / "feed.xml").write_text(text.replace(old, new, 1))
    failed = rules_failed(dist / "feed.xml")
    assert rule in failed
    # podcast:* in the wrong namespace are also missing from the right one
    assert set(failed) - {rule} <= (
        {"feed-podcast-guid", "feed-locked", "feed-ai-disclosure"} if "github" in new else set()
    )


def test_feed_duration_against_the_audio(dist: Path) -> None:
    seconds = round(report_of(dist)["duration_ms"] / 1000)
    path = _break_feed(dist, f"<itunes:duration>{seconds}<", f"<itunes:duration>{seconds + 5}<")
    failed = rules_failed(path)
    assert (
        list(failed) == ["feed-duration"] and f"set it to {seconds}" in failed["feed-duration"][0]
    )


def test_feed_files_resolve_under_base_url_option(dist: Path) -> None:
    text = (dist / "feed.xml").read_text().replace(BASE, "https://cdn.example.net/show/")
    (dist / "feed.xml").write_text(text)
    # the show (found from the render reports) is published at BASE: nothing is under it
    moved = rules_failed(dist / "feed.xml")
    assert list(moved) == ["feed-url-base"] and len(moved["feed-url-base"]) == 4
    cdn = rules_failed(dist / "feed.xml", base_url="https://cdn.example.net/show")
    assert list(cdn) == ["feed-podcast-guid"]  # the feed URL changed
    (dist / "cover.jpg").unlink()
    failed = rules_failed(dist / "feed.xml", base_url="https://cdn.example.net/show")
    assert "feed-file-missing" in failed and "cover" in failed["feed-file-missing"][0]
    elsewhere = rules_failed(dist / "feed.xml", base_url="https://elsewhere.example/")
    assert "feed-file-missing" not in elsewhere  # URLs outside the base are not resolved
    assert "feed-url-base" in elsewhere


# --- publishing: URLs, the preview feed, the AI disclosure (STANDARDS 28, 30) -------------


def test_a_preview_feed_fails_even_without_strict(dist: Path) -> None:
    """A feed made for kit serve's address, published by mistake: CI must stop it."""
    path = _break_feed(dist, BASE, "http://127.0.0.1:8000/", count=-1)
    report = runner.run([path])
    failed = {f.rule for f in report.findings if f.severity == "error"}
    assert {"feed-url-private", "feed-url-base"} <= failed
    private = [f.message for f in report.findings if f.rule == "feed-url-private"]
    assert "127.0.0.1, a loopback or private address" in private[0]
    assert "kit serve previews it" in private[0]
    assert cli.invoke(app, ["check", str(path)]).exit_code == 1
    # even when that address is the base URL asked for: no listener can reach it
    assert "feed-url-private" in rules_failed(path, base_url="http://127.0.0.1:8000/")


@pytest.mark.parametrize(
    "host",
    ["localhost:8000", "10.1.2.3", "192.168.1.20:8000", "172.16.0.9", "169.254.1.1", "[::1]",
     "[fd00::5]", "studio.local", "media.internal", "0.0.0.0"],
)  # fmt: skip
def test_private_addresses_fail(dist: Path, host: str) -> None:
    path = _break_feed(dist, "<link>https://example.org/test/", f"<link>http://{host}/test/")
    failed = rules_failed(path)
    assert (
        list(failed) == ["feed-url-private"] and "line 7: <link>" in failed["feed-url-private"][0]
    )


def test_urls_outside_the_base_url_fail_not_warn(dist: Path) -> None:
    mp3 = mp3_of(dist).name
    path = _break_feed(dist, f'url="{BASE}{mp3}"', f'url="https://cdn.example.net/{mp3}"')
    report = runner.run([path])
    assert [(f.rule, f.severity) for f in report.findings] == [("feed-url-base", "error")]
    assert "not under the base URL https://example.org/test/" in report.findings[0].message
    # https where the site is https
    dist_http = _break_feed(
        dist, f'url="https://cdn.example.net/{mp3}"', f'url="http://example.org/test/{mp3}"'
    )
    (finding,) = rules_failed(dist_http)["feed-url-base"]
    assert "http:// where the site is https://" in finding
    # a --base-url given is held to as well
    other = rules_failed(dist / "feed.xml", base_url="https://example.org/show/")
    assert other["feed-url-base"] and set(other) <= {"feed-url-base", "feed-podcast-guid"}


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("my show", "a raw ' '"), ("émission", "non-ASCII characters"), ("a|b", "a raw '|'"),
     ("100%", "a raw '%'")],
)  # fmt: skip
def test_urls_must_be_percent_encoded(dist: Path, raw: str, problem: str) -> None:
    vtt = sidecar(dist, "vtt").name
    path = _break_feed(dist, f"{BASE}{vtt}", f"{BASE}{raw}/{vtt}")
    failed = rules_failed(path, base_url=BASE)
    assert "feed-url-encoding" in failed and problem in failed["feed-url-encoding"][0]
    assert "percent-encode it" in failed["feed-url-encoding"][0]


# --- rules a CI step needs: episodes left out, artwork as Apple states it, descriptions -------


def test_a_rendered_episode_missing_from_the_feed(dist: Path) -> None:
    path = _break_feed(dist, _item(dist), "")  # rendered, but kit feed was not run since
    failed = rules_failed(path)
    assert list(failed) == ["feed-episode-missing"]
    mp3 = mp3_of(dist).name
    assert failed["feed-episode-missing"] == [
        f"'ep1' is rendered ({mp3}) but no item of the feed lists it; run kit feed to publish"
        " it (or set draft: true in its episode file to keep it out)"
    ]
    # drafts and episodes dated later are left out of a feed on purpose
    report = report_of(dist)
    for change in ({"draft": True}, {"date": "2999-01-01"}):
        (dist / "ep1.json").write_text(json.dumps({**report, **change}))
        assert rules_failed(path) == {}
    (dist / "ep1.json").write_text(json.dumps(report))
    # an item naming an older render of the episode lists it (the stale URL is its own finding)
    stale = _break_feed(dist, "</channel>", _ITEM.replace("MP3", "ep1-0123abcd.mp3") + "</channel>")
    assert list(rules_failed(stale)) == ["feed-file-missing"]


_ITEM = """  <item>
    <title>An Older Render</title>
    <description>Two stories.</description>
    <enclosure url="https://example.org/test/MP3" length="1" type="audio/mpeg"/>
    <guid isPermaLink="false">test-show-ep1</guid>
    <pubDate>Tue, 05 Mar 2024 06:00:00 +0000</pubDate>
    <itunes:duration>7</itunes:duration>
  </item>
"""


def _png(dist: Path, name: str, pix_fmt: str) -> Path:
    _image(dist, name, "-pix_fmt", pix_fmt)
    return dist.parent / name


def _with_trns(png: bytes) -> bytes:
    """The PNG with a tRNS chunk (one colour made transparent) after its header."""
    body = b"tRNS" + b"\x00\x00\x00\x00\x00\x00"
    chunk = (6).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return png[:33] + chunk + png[33:]


@pytest.mark.parametrize(
    ("pix_fmt", "trns", "fails"),
    [("rgb24", False, False), ("rgba", False, True), ("rgb24", True, True)],
)
def test_artwork_with_transparency(dist: Path, pix_fmt: str, trns: bool, fails: bool) -> None:
    png = _png(dist, "cover.png", pix_fmt).read_bytes()
    png = _with_trns(png) if trns else png
    assert cover.inspect(png) == cover.Image("image/png", 1400, 1400, "rgb", fails)

    # embedded in the MP3
    def swap(tags: ID3) -> None:
        tags.delall("APIC")
        tags.add(APIC(encoding=1, mime="image/png", type=3, desc="Cover", data=png))

    retag(mp3_of(dist), swap)
    # and the feed's cover
    (dist / "cover.png").write_bytes(png)
    _break_feed(dist, f"{BASE}cover.jpg", f"{BASE}cover.png")
    failed = rules_failed(dist)
    if not fails:
        assert failed == {}
        return
    assert sorted(failed) == ["cover-color", "feed-image"]
    assert failed["cover-color"] == [
        "the cover has transparency (an alpha channel), which Apple does not accept; save it"
        " as an RGB JPEG or PNG without transparency"
    ]
    assert "cover.png has transparency" in failed["feed-image"][0]


def test_feed_artwork_as_apple_states_it(dist: Path) -> None:
    """Square, 1400-3000 px, RGB, JPEG or PNG whose bytes match its extension."""
    cases = {
        "small.jpg": (["-vf", "scale=1000:1000"], "is 1000 px wide"),
        "wide.jpg": (["-vf", "scale=2000:1400"], "is 2000x1400 px, not square"),
        "big.jpg": (["-vf", "scale=3001:3001"], "is 3001 px wide"),
        "grey.png": (["-pix_fmt", "gray"], "is gray, not RGB"),
        "named.png": ([], "is image/jpeg but named .png"),
    }
    original = (dist / "feed.xml").read_text()
    for name, (filters, problem) in cases.items():
        if name == "named.png":
            (dist / name).write_bytes((ROOT / "assets" / "cover.jpg").read_bytes())
        else:
            (dist / name).write_bytes(_image(dist, name, *filters))
        path = _break_feed(dist, f"{BASE}cover.jpg", f"{BASE}{name}")
        failed = rules_failed(path)
        assert list(failed) == ["feed-image"], name
        assert problem in failed["feed-image"][0], (name, failed)
        path.write_text(original)
    assert rules_failed(dist / "feed.xml") == {}


@pytest.mark.parametrize("element", ["description", "content:encoded", "itunes:summary"])
@pytest.mark.parametrize(("length", "fails"), [(4000, False), (4001, True)])
def test_item_description_at_and_over_4000_bytes(
    dist: Path, element: str, length: int, fails: bool
) -> None:
    text = "é" * (length // 2) + "x" * (length % 2)  # bytes, not characters, count
    old = "<description><![CDATA[<p>Two stories, one interview.</p>]]></description>"
    if element == "description":
        path = _break_feed(dist, old, f"<description>{text}</description>")
    else:
        path = _break_feed(dist, old, f"{old}<{element}>{text}</{element}>")
    failed = rules_failed(path)
    assert ("feed-item-description" in failed) is fails
    if fails:
        assert list(failed) == ["feed-item-description"]
        assert (
            f"<{element}> is 4,001 bytes; Apple allows 4000" in failed["feed-item-description"][0]
        )


def test_an_item_without_a_description_is_a_warning(dist: Path) -> None:
    path = _break_feed(
        dist, "<description><![CDATA[<p>Two stories, one interview.</p>]]></description>", ""
    )
    report = runner.run([path])
    assert [(f.rule, f.severity) for f in report.findings] == [("feed-item-description", "warning")]


def test_the_ai_disclosure_rule(dist: Path) -> None:
    disclosure = '  <podcast:txt purpose="ai-content">true</podcast:txt>\n'
    path = _break_feed(dist, disclosure, "")
    failed = rules_failed(path)
    assert list(failed) == ["feed-ai-disclosure"]
    assert "has synthetic voices" in failed["feed-ai-disclosure"][0]
    # in the item instead of the channel: disclosed
    _break_feed(dist, "</item>", disclosure + "</item>")
    assert rules_failed(path) == {}
    # an empty disclosure is none
    _break_feed(dist, ">true</podcast:txt>", "></podcast:txt>")
    assert list(rules_failed(path)) == ["feed-ai-disclosure"]
    # an episode without synthetic voices (per its render report) needs none
    _break_feed(dist, disclosure.replace("true", ""), "")
    report = report_of(dist)
    report["synthesis"]["sentences"] = 0
    (dist / f"{report['slug']}.json").write_text(json.dumps(report))
    assert rules_failed(path) == {}


def renamed_mp3(dist: Path, digits: str) -> Path:
    """The MP3 renamed `<slug>-<digits>.mp3` and its report following, as after a render
    whose bytes changed."""
    report = report_of(dist)
    renamed = mp3_of(dist).rename(mp3_of(dist).with_name(f"{report['slug']}-{digits}.mp3"))
    report["audio"]["file"] = report["files"]["mp3"] = renamed.name
    (dist / f"{report['slug']}.json").write_text(json.dumps(report))
    return renamed


def test_a_stale_enclosure_says_to_run_kit_feed(dist: Path) -> None:
    slug, mp3 = report_of(dist)["slug"], mp3_of(dist).name
    # the episode rendered again: a new MP3 name, which only a new feed knows
    newer = renamed_mp3(dist, "0123abcd")
    _break_feed(dist, f"{BASE}{mp3}", f"{BASE}{slug}-9999aaaa.mp3")
    failed = rules_failed(dist / "feed.xml")
    (message,) = failed["feed-file-missing"]
    assert f"its MP3 is now {newer.name}); run kit feed to update the feed" in message
    assert "copy" not in message


def test_a_doctype_with_entities_is_refused_without_expanding(dist: Path) -> None:
    bomb = (
        '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY {c} "&{p};&{p};&{p};&{p};&{p};&{p};&{p};&{p};&{p};&{p};">'
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]>\n"
    )
    path = _break_feed(dist, "<rss ", bomb + "<rss ")
    _break_feed(dist, "<title>Test Show", "<title>&i;")
    start = time.monotonic()
    failed = rules_failed(path)
    assert time.monotonic() - start < 2
    assert list(failed) == ["feed-xml"] and "DOCTYPE" in failed["feed-xml"][0]


def test_podcast_guid_matches_the_standards_example() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == podcast_guid("podnews.net/rss")


# --- loudness -----------------------------------------------------------------------------


def test_a_quiet_file_at_minus_30(dist: Path, tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.mp3"
    lufs, _ = ffmpeg.measure(mp3_of(dist))
    reencode(mp3_of(dist), quiet, 44100, ["-b:a", "128k"], gain=10 ** ((-30 - lufs) / 20))
    assert "loudness-integrated" not in rules_failed(quiet)  # only with --loudness
    failed = rules_failed(quiet, loudness=True)
    assert list(failed) == ["loudness-integrated"]
    assert re.search(
        r"-30\.\d LUFS is -1[34]\.\d LU off the -16 LUFS target", failed["loudness-integrated"][0]
    )
    # a show that publishes this quietly says so in show.yaml
    (tmp_path / "show.yaml").write_text("check:\n  loudness: {target: -30, tolerance: 1.5}\n")
    assert "loudness-integrated" not in _rules_with_show(quiet, tmp_path / "show.yaml")


def _rules_with_show(path: Path, show: Path) -> dict[str, list[str]]:
    (show.parent / "cover.jpg").write_bytes((ROOT / "assets" / "cover.jpg").read_bytes())
    text = show.read_text()
    show.write_text(SHOW + text)
    return rules_failed(path, loudness=True, show=show)


def test_a_hot_file_at_0_dbtp(dist: Path, tmp_path: Path) -> None:
    hot = tmp_path / "hot.mp3"
    _, peak = ffmpeg.measure(mp3_of(dist))
    reencode(mp3_of(dist), hot, 44100, ["-b:a", "128k"], gain=10 ** (-peak / 20))
    assert ffmpeg.measure(hot)[1] > -0.5  # about 0 dBTP
    failed = rules_failed(hot, loudness=True)
    assert "loudness-true-peak" in failed
    assert re.search(r"true peak -?[0-9.]+ dBTP is above -1 dBTP", failed["loudness-true-peak"][0])


def test_mono_target_and_tolerance_from_the_show(tmp_path: Path) -> None:
    mono = tmp_path / "mono.mp3"
    speech = tone(3.0, 300.0, -20.0, channels=1)
    encode_mp3(speech, 44100, 96, mono)
    lufs, _ = ffmpeg.measure(mono)
    failed = rules_failed(mono, loudness=True)
    assert (
        f"{lufs - -19:+.1f} LU off the -19 LUFS target for mono" in failed["loudness-integrated"][0]
    )
    (tmp_path / "show.yaml").write_text(f"check:\n  loudness: {{target: {round(lufs)}}}\n")
    assert "loudness-integrated" not in _rules_with_show(mono, tmp_path / "show.yaml")


# --- files broadcast-kit did not make, hostile files ------------------------------------------


def test_plain_ffmpeg_mp3_without_tags(tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp3"
    encode_mp3(tone(2.0), 44100, 128, plain)
    result = cli.invoke(app, ["check", str(plain)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("  error")]
    assert len(lines) == 1 and "id3-missing" in lines[0]
    assert all(frame in lines[0] for frame in ("TIT2", "TPE1", "TALB", "APIC"))
    assert result.stdout.splitlines()[-1].startswith("1 file (1 mp3)")


def test_a_tag_claiming_a_huge_size_and_garbage_files(tmp_path: Path) -> None:
    huge = tmp_path / "huge.mp3"
    huge.write_bytes(b"ID3\x03\x00\x00\x7f\x7f\x7f\x7f" + b"\x00" * 1000)
    garbage = tmp_path / "garbage.mp3"
    garbage.write_bytes(random.Random(1).randbytes(300_000))
    ones = tmp_path / "ones.mp3"
    ones.write_bytes(b"\xff" * 2_000_000)
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    start = time.monotonic()
    report = runner.run([tmp_path])
    assert time.monotonic() - start < 5
    rules = {Path(r.file).name: {f.rule for f in r.findings} for r in report.results}
    assert rules["huge.mp3"] == {"mp3-not-mpeg", "id3-unreadable"}
    assert "mp3-not-mpeg" in rules["garbage.mp3"] and "id3-missing" in rules["garbage.mp3"]
    assert "mp3-not-mpeg" in rules["ones.mp3"] and "mp3-not-mpeg" in rules["empty.mp3"]


def test_damaged_tags_are_findings_never_exceptions(dist: Path) -> None:
    mp3 = mp3_of(dist)
    original = mp3.read_bytes()
    tag_end = _tag_end(original)
    rng = random.Random(8)
    for _ in range(40):
        data = bytearray(original)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(10, tag_end)] = rng.randrange(256)
        mp3.write_bytes(bytes(data))
        report = runner.run([dist])  # must not raise, whatever the bytes
        assert all(f.message for f in report.findings)


def test_giant_sidecars_are_not_read(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sidecars, "MAX_BYTES", 1024)
    path = sidecar(dist, "chapters")
    path.write_text(json.dumps({"version": "1.2.0", "chapters": [], "pad": "x" * 5000}))
    failed = rules_failed(dist)
    assert "larger than" in failed["chapters-json-format"][0]


# --- sidecar discovery --------------------------------------------------------------------


def test_sidecars_of_a_hashed_mp3_come_from_the_render_report(dist: Path) -> None:
    hashed = renamed_mp3(dist, "3f2a9c1b")
    report = report_of(dist)
    (dist / "feed.xml").unlink()
    vtt = sidecar(dist, "vtt")
    vtt.write_text(vtt.read_text().replace("WEBVTT", "WEBVT", 1))
    result = runner.run([dist])
    kinds = {r.kind: r for r in result.results}
    assert set(kinds) == {"mp3", "report", "vtt", "srt", "chapters", "transcript"}
    assert [f.rule for f in result.findings] == ["vtt-format"]
    # without the report nothing vouches for them: files are never paired by a name prefix
    (dist / f"{report['slug']}.json").unlink()
    result = runner.run([dist])
    assert {r.kind for r in result.results} == {"mp3"}
    # an MP3 no report names has the files named exactly after it
    for kind, suffix in sidecars.SUFFIXES.items():
        sidecar_path = dist / report["files"][kind]
        sidecar_path.rename(dist / (hashed.stem + suffix))
    result = runner.run([dist])
    assert {r.kind for r in result.results} == {"mp3", "vtt", "srt", "chapters", "transcript"}


def test_a_report_listing_a_missing_file(dist: Path) -> None:
    sidecar(dist, "srt").unlink()
    assert list(rules_failed(dist)) == ["report-files"]


def test_a_users_files_are_not_paired_with_a_render_by_name_prefix(dist: Path) -> None:
    """The user's own voicetest-abcdef12.mp3 beside a render of the slug voicetest: its
    chapters are not the render's chapters file."""
    report = report_of(dist)
    slug = report["slug"]
    theirs = dist / f"{slug}-abcdef12.mp3"
    ffmpeg.encode(tone(3.0), 44100, theirs, ["-c:a", "libmp3lame", "-b:a", "128k"])
    ID3(mp3_of(dist)).save(theirs, v2_version=3)  # a tag with chapters past its end
    (dist / "feed.xml").unlink()
    result = runner.run([dist])
    mine = [r for r in result.results if r.file.endswith(mp3_of(dist).name)]
    assert mine[0].findings == []
    paired = {r.kind for r in result.results if r.file.endswith((".vtt", ".chapters.json"))}
    assert paired == {"vtt", "chapters"}
    assert not any(f.rule.startswith(("chapters-json", "vtt-")) for f in result.findings)
    # the render's sidecars are checked once, against the render's MP3
    assert sum(r.kind == "chapters" for r in result.results) == 1


# --- output -------------------------------------------------------------------------------


def test_junit_has_one_test_case_per_rule_per_file(dist: Path) -> None:
    retag(mp3_of(dist), lambda t: t.delall("APIC"))
    result = cli.invoke(app, ["check", str(dist), "--format", "junit"])
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites"
    # the episode's files in a suite named by its slug, the feed in one of its own
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["ep1", str(dist / "feed.xml")]
    files: dict[str, list[str]] = {}
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests", "-1"))
        for case in cases:
            files.setdefault(case.get("classname", ""), []).append(case.get("name", ""))
    kinds = ["mp3", "report", "vtt", "srt", "chapters", "transcript"]
    assert list(files) == [*(f"ep1.{kind}" for kind in kinds), str(dist / "feed.xml")]
    for classname, names in files.items():
        kind = "feed" if classname.endswith(".xml") else classname.removeprefix("ep1.")
        assert len(names) == len(set(names))
        assert set(names) == {r.id for r in rules_for(kind)} - {  # type: ignore[arg-type]
            "loudness-integrated", "loudness-true-peak"}  # fmt: skip
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["cover-missing"]
    assert "APIC" in (failures[0].get("message") or "")
    skipped = {c.get("name") for c in root.iter("testcase") if c.find("skipped") is not None}
    assert {"cover-mime", "cover-size", "cover-color", "cover-description"} <= skipped
    assert root.get("failures") == "1"


def test_junit_parses_whatever_the_tags_hold(dist: Path) -> None:
    def damage(tags: ID3) -> None:
        tags.add(TIT2(encoding=1, text=""))
        tags.delall("APIC")
        tags.add(APIC(encoding=1, mime="image/\x01<&>", type=3, desc="x" * 100,
                      data=b"\x00\x01]]>"))  # fmt: skip

    retag(mp3_of(dist), damage)
    result = cli.invoke(app, ["check", str(dist), "-f", "junit"])
    root = ET.fromstring(result.stdout)
    assert {f.get("type") for f in root.iter("failure")} >= {"id3-frames", "cover-mime"}


def test_text_and_json_output_and_strict(dist: Path) -> None:
    retag(mp3_of(dist), lambda t: t.delall("COMM"))  # a warning only
    result = cli.invoke(app, ["check", str(dist)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(mp3_of(dist).name)
    assert re.fullmatch(r"  warning  id3-comment  no description \(COMM frame\); .*", lines[1])
    assert re.fullmatch(r"7 files .*: 0 errors, 1 warning in 1 of them", lines[-1])
    strict = cli.invoke(app, ["check", str(dist), "--strict", "--format", "json"])
    assert strict.exit_code == 1
    data = json.loads(strict.stdout)
    assert data["passed"] is False and data["errors"] == 1
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("id3-comment", "error")]


def test_output_file_gets_the_report_and_the_text_still_prints(dist: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "check.xml"
    result = cli.invoke(app, ["check", str(dist), "-f", "junit", "-o", str(out)])
    assert result.exit_code == 0
    assert ET.parse(out).getroot().get("failures") == "0"
    assert result.stdout.endswith("all pass\n")


def test_check_never_modifies_files(dist: Path) -> None:
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in dist.iterdir()}
    runner.run([dist], runner.Options(loudness=True))
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in dist.iterdir()} == before


# --- usage errors and show settings --------------------------------------------------------


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = cli.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    empty = cli.invoke(app, ["check", str(tmp_path)])
    assert empty.exit_code == 2 and "no MP3 files or feed.xml" in empty.stderr
    (tmp_path / "notes.txt").write_text("x")
    other = cli.invoke(app, ["check", str(tmp_path / "notes.txt")])
    assert other.exit_code == 2 and "takes folders, .mp3 files and feeds" in other.stderr
    bad = cli.invoke(app, ["check", str(tmp_path), "--format", "xml"])
    assert bad.exit_code == 2


def test_show_turns_rules_off(dist: Path, tmp_path: Path) -> None:
    retag(mp3_of(dist), lambda t: t.delall("CTOC"))
    show = tmp_path / "show.yaml"
    show.write_text(SHOW + "check:\n  disable: [chapters-ctoc-missing]\n")
    shutil.copy(ROOT / "assets" / "cover.jpg", tmp_path / "cover.jpg")
    report = report_of(dist)
    for show_file in ("../show.yaml", None):  # the show the render reports name, or upwards
        report["show_file"] = show_file
        (dist / f"{report['slug']}.json").write_text(json.dumps(report))
        result = cli.invoke(app, ["check", str(dist), "-f", "junit"])
        assert result.exit_code == 0, result.output
        case = next(c for c in ET.fromstring(result.stdout).iter("testcase")
                    if c.get("name") == "chapters-ctoc-missing")  # fmt: skip
        skipped = case.find("skipped")
        assert skipped is not None and "turned off" in (skipped.get("message") or "")


def test_show_check_section_is_validated_strictly(tmp_path: Path, good: Path) -> None:
    shutil.copy(ROOT / "assets" / "cover.jpg", tmp_path / "cover.jpg")
    show = tmp_path / "show.yaml"
    show.write_text(SHOW + "check:\n  disable:\n    - id3-version\n    - id3-verison\n")
    result = cli.invoke(app, ["check", str(good), "--show", str(show)])
    assert result.exit_code == 2
    assert re.search(
        r"show\.yaml:13: check\.disable\[1\]: unknown rule 'id3-verison'; did you mean"
        r" 'id3-version'\? rules: mp3-not-mpeg, mp3-layer, .*feed-podcast-links",
        result.stderr,
    )
    show.write_text(SHOW + "check:\n  loudnes: {target: -18}\n")
    result = cli.invoke(app, ["check", str(good), "--show", str(show)])
    assert result.exit_code == 2 and "check.loudnes: unknown field; did you mean 'loudness'?" in (
        result.stderr
    )
    show.write_text(SHOW + "check:\n  loudness: {target: 5}\n")
    result = cli.invoke(app, ["check", str(good), "--show", str(show)])
    assert result.exit_code == 2 and "check.loudness.target" in result.stderr


def test_the_docs_list_every_rule() -> None:
    section = (ROOT / "docs" / "ci.md").read_text()
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M)
    assert sorted(listed) == sorted(RULES)
    for rule in RULES.values():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert f"| {rule.severity} |" in row


def test_every_rule_says_what_it_checks_and_why() -> None:
    assert all(r.checks and r.why for r in RULES.values())
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule) for rule in RULES)


def test_a_bug_on_one_file_is_a_finding_and_the_others_are_still_checked(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(sidecars, "check_vtt", broken)
    report = runner.run([dist])
    assert [(f.rule, f.file.endswith(".vtt")) for f in report.findings] == [("vtt-format", True)]
    assert "ZeroDivisionError" in report.findings[0].message
    assert len(report.results) == 7


def test_junk_inside_the_audio_and_zero_padding_after_it(dist: Path) -> None:
    mp3 = mp3_of(dist)
    data = mp3.read_bytes()
    mp3.write_bytes(data + b"\0" * 1000)  # some encoders pad the end with zeros
    assert "mp3-corrupt" not in rules_failed(mp3)
    middle = (_tag_end(data) + len(data)) // 2
    mp3.write_bytes(data[:middle] + b"pasted text, not audio " * 100 + data[middle:])
    failed = rules_failed(mp3)
    assert "mp3-corrupt" in failed and "bytes of non-audio data at byte" in failed["mp3-corrupt"][0]
    mp3.write_bytes(data + b"a text appended to the file\n" * 20)
    failed = rules_failed(mp3)
    assert "mp3-corrupt" in failed and "no MPEG frames after byte" in failed["mp3-corrupt"][0]


def test_a_bitrate_below_the_floor(dist: Path, tmp_path: Path) -> None:
    low = tmp_path / "low.mp3"
    reencode(mp3_of(dist), low, 44100, ["-b:a", "48k"])
    failed = rules_failed(low)
    assert list(failed) == ["mp3-bitrate"] and "48 kbit/s" in failed["mp3-bitrate"][0]


def test_a_caption_files_bad_cues_are_named_and_the_rest_checked(tmp_path: Path) -> None:
    """VTT and SRT share one reader of cues: a block whose timing is not one is a -format
    finding naming the cue; the good cues are still checked; no cue at all skips the rest."""
    from broadcast_kit.check.rules import FileResult

    def check(kind: str, text: str) -> FileResult:
        path = tmp_path / f"x.{kind}"
        path.write_text(text)
        result = FileResult(str(path), kind, frozenset(r for r in RULES if r.startswith(kind)))  # type: ignore[arg-type]
        getattr(sidecars, f"check_{kind}")(path, None, result)
        return result

    vtt = check(
        "vtt", "WEBVTT\n\n00:00:01 --> soon\nHello.\n\n00:00:02.000 --> 00:00:03.000\nThere.\n"
    )
    assert [f.message for f in vtt.findings if f.rule == "vtt-format"] == [
        "cue 1: '00:00:01 --> soon' is not a timing line (HH:MM:SS.mmm --> HH:MM:SS.mmm); fix it"
    ]
    assert "vtt-order" in vtt.checked and "vtt-lines" in vtt.checked
    srt = check("srt", "one\nHello.\n\n2\n00:00:02,000 --> 00:00:03,000\nThere.\n")
    assert [f.message for f in srt.findings if f.rule == "srt-format"] == [
        "cue 1 ('one') is not a number, a timing line (HH:MM:SS,mmm --> HH:MM:SS,mmm) and"
        " text; fix it"
    ]
    empty = check("srt", "\n")
    assert [f.message for f in empty.findings] == ["no cues; the file is empty or not SRT"]
    assert "srt-order" in empty.skipped

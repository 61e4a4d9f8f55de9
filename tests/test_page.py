"""The show page, `index.html`: its HTML checked directly (every episode, chapter and cue
there, producer text escaped, links resolving to files in the folder, the same bytes every
time), then the page driven in a real headless Chromium (marker `browser`): it loads without
errors, plays, and its chapter links and transcript lines seek the player."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import textwrap
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from broadcast_kit.cli import app
from broadcast_kit.errors import InputError
from broadcast_kit.publish import page, site
from broadcast_kit.render import pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import NO_CHROMIUM, chromium_path, write_episode
from tests.test_feed import HOSTILE_DESCRIPTION, HOSTILE_TITLE

# titles are plain text (kit render refuses tags in them), so the title tries what is left:
# a tag's opening, unclosed, that an unescaped page would read up to its next ">"
INJECTED = "</h3 <script src=x onerror=\"window.pwned=2\" & 'more'"
TITLE = f"{HOSTILE_TITLE} {INJECTED}"
CHAPTER = 'Q&A "live" <b>bold</b> ]]> with שלום'
SPEAKER = "Shin <i>Jeong-hwa</i> & co"


def episode_yaml(title: str, date: str, number: int, description: str) -> str:
    return textwrap.dedent(f"""\
        title: {json.dumps(title, ensure_ascii=False)}
        date: {date}
        number: {number}
        description: {json.dumps(description, ensure_ascii=False)}
        voices:
          shin: {{engine: fake, voice: low, name: {json.dumps(SPEAKER)}}}
        segments:
          - chapter: Opening
          - host: Good evening. This is the first sentence. And here is a second one.
          - chapter: {json.dumps(CHAPTER, ensure_ascii=False)}
          - host: Professor Shin explains why.
          - interview: Both sides needed a channel. It was <not> easy & they knew it.
            speaker: shin
          - host: Thank you for listening.
        """)


@pytest.fixture
def site_dir(show_dir: Path, tmp_path: Path, cache: SpeechCache) -> Path:
    """Two episodes rendered with the fake engine, published: the newer one hostile."""
    out = tmp_path / "dist"
    first = write_episode(
        show_dir, episode_yaml("First steps", "2024-05-01", 1, "The first one."), slug="ep1"
    )
    second = write_episode(
        show_dir, episode_yaml(TITLE, "2024-05-08", 2, HOSTILE_DESCRIPTION), slug="ep2"
    )
    for episode in (first, second):
        pipeline.render(episode, out, cache=cache)
    site.build(out)
    return out


def report(out: Path, slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / f"{slug}.json").read_text())
    return data


def segments(out: Path, slug: str) -> list[dict[str, Any]]:
    data = json.loads((out / report(out, slug)["files"]["transcript"]).read_text())
    found: list[dict[str, Any]] = data["segments"]
    return found


def parse(out: Path) -> Any:
    return lxml_html.fromstring((out / "index.html").read_bytes())


def write_page(folder: Path, target: Path, **options: Any) -> None:
    """The site's page rendered again with other options, as `target`."""
    built = site.build(folder)
    (cover,) = folder.glob("cover-*")
    text = page.render(built.show, built.items, cover.name, "feed.xml", **options)
    target.write_text(text, encoding="utf-8")


def seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


# --- the HTML -------------------------------------------------------------------------------


def test_vtt_is_read_back_as_the_transcript_json_says(site_dir: Path) -> None:
    for slug in ("ep1", "ep2"):
        cues = page.read_transcript(site_dir / report(site_dir, slug)["files"]["vtt"])
        expected = [
            (s["speaker"], round(s["startTime"] * 1000), round(s["endTime"] * 1000), s["body"])
            for s in segments(site_dir, slug)
        ]
        assert [(c.speaker, c.start_ms, c.end_ms, c.text) for c in cues] == expected
        assert any(c.speaker == SPEAKER and "<not> easy & they" in c.text for c in cues)


def test_parse_vtt_reads_the_format_and_names_the_line_it_cannot() -> None:
    text = (
        "\ufeffWEBVTT - a header\r\nKind: captions\r\n\r\nNOTE a comment\r\nspanning lines\r\n"
        "\r\nintro\r\n01:02.500 --> 01:04.000 align:start\r\n<v.loud Ana &amp; Bo>Hi &lt;there&gt;"
        "</v>\r\n<i>again</i>\r\n\r\n1:00:00.000 --> 1:00:01.250\r\nno speaker &#x1F3A7;\r\n"
    )
    cues = page.parse_vtt(text, "x.vtt")
    assert cues == [
        page.Cue(62_500, 64_000, "Ana & Bo", "Hi <there> again"),
        page.Cue(3_600_000, 3_601_250, None, "no speaker 🎧"),
    ]
    with pytest.raises(InputError, match=r"x\.vtt:1: not a WebVTT file"):
        page.parse_vtt("1\n00:00.000 --> 00:01.000\nhi\n", "x.vtt")
    with pytest.raises(InputError, match=r"x\.vtt:4: expected 'HH:MM:SS.mmm"):
        page.parse_vtt("WEBVTT\n\n1\n00:00 --> 00:01\nhi\n", "x.vtt")
    with pytest.raises(InputError, match=r"x\.vtt:2: the cue ends before it starts"):
        page.parse_vtt("WEBVTT\n00:00:02.000 --> 00:00:01.000\nhi\n", "x.vtt")


def test_every_episode_chapter_and_cue_is_on_the_page(site_dir: Path) -> None:
    root = parse(site_dir)
    assert root.get("lang") == "en"
    assert root.xpath("//meta[@name='viewport']/@content") == [
        "width=device-width, initial-scale=1"
    ]
    assert root.xpath("//h1")[0].text_content() == "Test Show"
    assert root.xpath("//a[contains(@class, 'button')]/@href") == ["feed.xml"]
    assert root.xpath("//input[@id='feed-url']/@value") == ["https://example.org/test/feed.xml"]
    assert root.xpath("//label[@for='feed-url']")
    articles = root.xpath("//article[@class='episode']")
    # newest first, as the feed lists them
    assert [a.xpath("string(.//h3)") for a in articles] == [TITLE, "First steps"]
    for article, slug in zip(articles, ("ep2", "ep1"), strict=True):
        facts = report(site_dir, slug)
        (audio,) = article.xpath(".//audio")
        assert audio.get("src") == facts["audio"]["file"]
        assert audio.get("preload") == "metadata" and audio.get("controls") is not None
        assert audio.get("aria-label") == f"Play: {facts['title']}"
        chapters = article.xpath(".//a[@class='chapter']")
        assert [c.xpath("string(span[2])") for c in chapters] == [
            c["title"] for c in facts["chapters"]
        ]
        assert [c.get("data-start") for c in chapters] == [
            seconds(c["start_ms"]) for c in facts["chapters"]
        ]
        for link, chapter in zip(chapters, facts["chapters"], strict=True):
            assert link.get("href") == f"{facts['audio']['file']}#t={seconds(chapter['start_ms'])}"
        cues = article.xpath(".//details[@class='transcript']//span[@class='cue']")
        expected = segments(site_dir, slug)
        assert [c.text_content() for c in cues] == [s["body"] for s in expected]
        assert [(c.get("data-start"), c.get("data-end")) for c in cues] == [
            (f"{s['startTime']:.3f}", f"{s['endTime']:.3f}") for s in expected
        ]
        assert all(c.get("tabindex") == "0" and c.get("role") == "button" for c in cues)
        # a paragraph per speaker turn and chapter, the speaker named at its start
        whos = [w.text_content() for w in article.xpath(".//p[@class='turn']/strong")]
        assert whos == ["Host", "Host", SPEAKER, "Host"]


def test_what_a_producer_typed_is_text_not_markup(site_dir: Path) -> None:
    raw = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "<script>window.pwned" not in raw and "<img src=x" not in raw and "<b>bold" not in raw
    root = parse(site_dir)
    assert len(root.xpath("//script")) == 1 and len(root.xpath("//style")) == 1
    assert len(root.xpath("//img")) == 1  # the cover
    assert not root.xpath("//b | //i | //*[@onerror] | //*[@onclick]")
    newest = root.xpath("//article")[0]
    assert newest.xpath("string(.//h3)") == TITLE
    assert CHAPTER in [c.xpath("string(span[2])") for c in newest.xpath(".//a[@class='chapter']")]
    notes = newest.xpath(".//div[@class='notes']")[0]
    assert notes.xpath("string(p[1])") == HOSTILE_DESCRIPTION.split("\n\n")[0]
    assert notes.xpath("p/a/@href") == ["https://example.org/notes?a=1&b=2"]
    assert SPEAKER in [w.text_content() for w in newest.xpath(".//strong[@class='who']")]
    # the policy lets only the page's own script and style run: their hashes, nothing else
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    for tag in ("script", "style"):
        source = root.xpath(f"//{tag}")[0].text
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy


def test_every_link_is_relative_and_resolves_to_a_file_in_the_folder(site_dir: Path) -> None:
    root = parse(site_dir)
    outside = []
    for element, attribute, url, _ in root.iterlinks():
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            outside.append(url)
            continue
        if not parts.path:
            assert root.get_element_by_id(parts.fragment) is not None, url
            continue
        target = site_dir / unquote(parts.path)
        assert target.is_file() and target.parent == site_dir, (element.tag, attribute, url)
    # the only absolute URL is the one the producer wrote in the show notes
    assert outside == ["https://example.org/notes?a=1&b=2"]


def test_the_page_is_a_function_of_its_inputs(site_dir: Path) -> None:
    first = (site_dir / "index.html").read_bytes()
    site.build(site_dir)
    assert (site_dir / "index.html").read_bytes() == first


def test_older_episodes_link_their_transcript_and_load_on_play(site_dir: Path) -> None:
    light = site_dir / "light.html"
    write_page(site_dir, light, inline_transcripts=1)
    newer, older = lxml_html.fromstring(light.read_bytes()).xpath("//article")
    assert newer.xpath(".//audio/@preload") == ["metadata"] and newer.xpath(".//details")
    assert older.xpath(".//audio/@preload") == ["none"] and not older.xpath(".//details")
    assert older.xpath(".//p[@class='files']/a/@href")[1] == report(site_dir, "ep1")["files"]["vtt"]
    assert older.xpath(".//a[@class='chapter']")  # chapters still seek (see the browser test)


def test_the_site_is_readable_by_a_web_server(site_dir: Path) -> None:
    """Published files get the same mode as the rendered MP3 (not a temp file's 0600)."""
    mp3_mode = (site_dir / report(site_dir, "ep1")["audio"]["file"]).stat().st_mode
    for path in [site_dir / "index.html", site_dir / "feed.xml", *site_dir.glob("cover-*")]:
        assert path.stat().st_mode == mp3_mode, path.name


def test_an_unreadable_transcript_stops_kit_feed_before_it_writes(site_dir: Path) -> None:
    for name in ("index.html", "feed.xml"):
        (site_dir / name).unlink()
    vtt = site_dir / report(site_dir, "ep1")["files"]["vtt"]
    vtt.write_text("1\n00:00:00.000 --> 00:00:01.000\nhello\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["feed", "--out", str(site_dir)])
    assert result.exit_code == 2
    assert result.stderr.count("error:") == 1
    assert f"{vtt.name}:1: not a WebVTT file" in result.stderr
    assert not (site_dir / "index.html").exists() and not (site_dir / "feed.xml").exists()


# --- in a browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"{NO_CHROMIUM} (chromium or chromium-browser on PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        yield launched
        launched.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser drops media connections it no longer needs


@pytest.fixture
def served(site_dir: Path) -> Iterator[str]:
    """The site folder over HTTP on 127.0.0.1, as a static host serves it."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Watched:
    """A page with every console error, script error and failed request it had."""

    def __init__(self, browser: Any, url: str) -> None:
        self.problems: list[str] = []
        self.context = browser.new_context(viewport={"width": 1000, "height": 800})
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on(
            "requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}")
        )
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None
            ),
        )
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def until(self, condition: str, arg: Any = None) -> None:
        """Wait for a JS condition; a function, since the page's policy forbids eval."""
        self.page.wait_for_function(f"(el) => ({condition})", arg=arg)

    def time(self, n: int = 0) -> float:
        found: float = self.page.evaluate(f"document.querySelectorAll('audio')[{n}].currentTime")
        return found

    def close(self) -> None:
        self.context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_loads_cleanly_and_plays(browser: Any, served: str, site_dir: Path) -> None:
    watched = Watched(browser, served)
    page_ = watched.page
    assert page_.title() == "Test Show"
    # the hostile title is shown as text; nothing it contains ran or was added
    assert page_.locator("article h3").first.text_content() == TITLE
    assert page_.evaluate("window.pwned") is None
    assert page_.locator("script").count() == 1 and page_.locator("img").count() == 1
    assert page_.locator("#copy-feed").is_visible()  # the script ran
    # both players load their metadata; the first plays and its time advances
    watched.until("[...document.querySelectorAll('audio')].every(a => a.readyState >= 1)")
    durations = page_.evaluate("[...document.querySelectorAll('audio')].map(a => a.duration)")
    for duration, slug in zip(durations, ("ep2", "ep1"), strict=True):
        assert abs(duration - report(site_dir, slug)["duration_ms"] / 1000) < 0.5
    page_.evaluate("document.querySelector('audio').play()")
    watched.until("document.querySelector('audio').currentTime > 0.3")
    assert not page_.evaluate("document.querySelector('audio').paused")
    assert watched.problems == []
    watched.close()


@pytest.mark.browser
@pytest.mark.slow
def test_chapters_and_transcript_lines_seek_the_player(
    browser: Any, served: str, site_dir: Path
) -> None:
    watched = Watched(browser, served)
    page_ = watched.page
    facts = report(site_dir, "ep1")  # the second article
    article = page_.locator("article").nth(1)
    second = facts["chapters"][1]["start_ms"] / 1000
    article.locator("a.chapter").nth(1).click()
    watched.until(f"document.querySelectorAll('audio')[1].currentTime >= {second - 0.05}")
    assert watched.time(1) < second + 2
    chapter = article.locator("a.chapter").nth(1).element_handle()
    watched.until("el.getAttribute('aria-current') === 'true'", arg=chapter)
    # playing one episode pauses the other
    assert page_.evaluate("document.querySelectorAll('audio')[0].paused")
    # the transcript opens; a click on a line seeks there and highlights it
    article.locator("summary").click()
    cues = segments(site_dir, "ep1")
    line = article.locator("span.cue").nth(2)
    line.click()
    start = cues[2]["startTime"]
    watched.until(
        f"Math.abs(document.querySelectorAll('audio')[1].currentTime - {start}) < 1",
    )
    watched.until("el.classList.contains('now')", arg=line.element_handle())
    assert article.locator("span.cue.now").count() == 1
    assert line.get_attribute("aria-current") == "true"
    # keyboard: Tab goes from the transcript's summary to its first line, which shows its
    # focus; Enter and Space on a line seek
    article.locator("summary").focus()
    page_.keyboard.press("Tab")
    first = article.locator("span.cue").first.element_handle()
    assert page_.evaluate("el => document.activeElement === el", first)
    assert page_.evaluate("el => getComputedStyle(el).outlineStyle", first) == "solid"
    for key, n in (("Enter", 0), (" ", len(cues) - 1)):
        article.locator("span.cue").nth(n).focus()
        page_.keyboard.press("Space" if key == " " else key)
        target = cues[n]["startTime"]
        watched.until(
            f"Math.abs(document.querySelectorAll('audio')[1].currentTime - {target}) < 1",
        )
    assert watched.problems == []
    watched.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_works_from_file_and_on_a_phone(browser: Any, site_dir: Path) -> None:
    light = site_dir / "light.html"
    write_page(site_dir, light, inline_transcripts=1)
    watched = Watched(browser, light.as_uri())
    page_ = watched.page
    page_.set_viewport_size({"width": 360, "height": 740})
    # nothing is wider than the phone's screen
    assert page_.evaluate("document.documentElement.scrollWidth") <= 360
    article = page_.locator("article").first
    facts = report(site_dir, "ep2")
    start = facts["chapters"][1]["start_ms"] / 1000
    article.locator("a.chapter").nth(1).focus()
    page_.keyboard.press("Enter")
    watched.until(f"document.querySelector('audio').currentTime >= {start - 0.05}")
    # an older episode's player loads nothing until asked, then seeks all the same
    older = page_.locator("article").nth(1)
    assert page_.evaluate("document.querySelectorAll('audio')[1].readyState") == 0
    start = report(site_dir, "ep1")["chapters"][1]["start_ms"] / 1000
    older.locator("a.chapter").nth(1).click()
    watched.until(f"document.querySelectorAll('audio')[1].currentTime >= {start - 0.05}")
    assert watched.problems == []
    watched.close()

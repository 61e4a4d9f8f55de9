"""Property-based tests (Hypothesis) of the writers and readers that round-trip, on arbitrary
Unicode: an episode written as YAML and read by kit's own YAML reader and model, placed on a
timeline, written as WebVTT, SRT, chapters JSON and JSON transcript, and parsed back (by an
independent reader here, and by kit check's rules, which must find nothing); and titles and
names that kit render accepts, published by kit feed, read back by podcastparser and
feedparser, and passed by kit check --strict. Examples are few and bounded so the suite
stays fast; a failure prints the smallest example Hypothesis found."""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from pathlib import Path

import feedparser
import podcastparser
import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from broadcast_kit import loader, model, text
from broadcast_kit.check import feed, runner, sidecars
from broadcast_kit.check.rules import FileResult, rules_for
from broadcast_kit.errors import ConfigError
from broadcast_kit.formats import vtt as webvtt
from broadcast_kit.publish import site
from broadcast_kit.render import pipeline, timeline
from broadcast_kit.render import sentences as splitter
from broadcast_kit.render import sidecars as writers
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import make_show

# any character but surrogates and control characters, which YAML cannot carry as text
CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
# and words that markup, escaping and wrapping are about, often
TRICKY = st.sampled_from(
    ["word", "&", "&amp;", "<i>", "</b>", "a<b", "x > y", "-->", "<v Ann>", "'\"", "Ünïcødé",
     "🎙️", "\u200fשלום", "李小龍", "a" * 70, "#1", "Episode 3:", "Test Show"]
)  # fmt: skip
MIXED = st.one_of(
    st.text(CHARS, min_size=1, max_size=120),
    st.lists(st.one_of(TRICKY, st.text(CHARS, min_size=1, max_size=8)), min_size=1, max_size=12)
    .map(" ".join),
)  # fmt: skip
WORDY = MIXED.filter(lambda s: re.search(r"\w", s) is not None)
NAMES = MIXED.filter(lambda s: text.one_line(s) != "")
FAST = settings(max_examples=40, deadline=None)


# --- YAML episode -> timeline -> sidecars -> parsed back --------------------------------------


@st.composite
def episodes(draw: st.DrawFn) -> dict[str, object]:
    """An episode's YAML data: a few chapters and host/interview parts of arbitrary text."""
    segments: list[dict[str, object]] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            segments.append({"chapter": draw(WORDY)})
        if draw(st.booleans()):
            segments.append({"interview": draw(WORDY), "speaker": "guest"})
        else:
            segments.append({"host": draw(WORDY)})
    return {
        "title": "Round trip",
        "date": "2024-01-02",
        "voices": {"guest": {"engine": "fake", "name": draw(NAMES)}},
        "segments": segments,
    }


def _read_back(data: dict[str, object], folder: Path) -> timeline.Timeline:
    """The episode through kit's own YAML reader and model, placed with made-up lengths."""
    path = folder / "episode.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    source = loader.parse_yaml(path)
    episode: model.Episode = loader.validate(source, model.Episode)
    voices = {"host": model.Voice(name="Host"), **episode.voices}
    parts = list(episode.segments)
    measured = []
    for n, part in enumerate(parts):
        words = model.spoken_text(part) or ""
        said = splitter.sentences(words)
        measured.append(timeline.Measured(tuple((s, 400 + 37 * n + len(s)) for s in said), 0))
    return timeline.build(parts, measured, voices, model.Pacing(), episode.title)


TIMING = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})")


TIMING = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})")


def _vtt_cues(vtt: str) -> list[tuple[int, int, str, str]]:
    """(start ms, end ms, speaker, text) of each cue, read independently of kit."""
    assert vtt.startswith("WEBVTT\n\n")
    found = []
    for block in vtt.split("\n\n")[1:]:
        if not block.strip():
            continue
        lines = block.strip("\n").split("\n")
        times = TIMING.fullmatch(lines[1])
        assert times is not None, block
        g = [int(x) for x in times.groups()]
        start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        voice = re.match(r"<v ([^>]*)>", lines[2])
        assert voice is not None, block
        body = " ".join([lines[2][voice.end() :], *lines[3:]])
        found.append((start, end, html.unescape(voice.group(1)), html.unescape(body)))
    return found


def _srt_texts(srt: str) -> list[str]:
    return ["\n".join(block.split("\n")[2:]) for block in srt.strip("\n").split("\n\n")]


READERS = {
    "vtt": sidecars.check_vtt,
    "srt": sidecars.check_srt,
    "chapters": sidecars.check_chapters,
    "transcript": sidecars.check_transcript,
}


def _check(write: str, kind: str, folder: Path) -> list[str]:
    path = folder / f"x.{kind}"
    path.write_text(write, encoding="utf-8")
    rules = frozenset(r.id for r in rules_for(kind))  # type: ignore[arg-type]
    result = FileResult(path.name, kind, rules)  # type: ignore[arg-type]
    READERS[kind](path, None, result)
    return [f"{f.rule}: {f.message}" for f in result.findings]


@FAST
@given(episodes())
def test_an_episode_round_trips_through_every_sidecar(data: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        placed = _read_back(data, folder)
        spoken = [c for c in writers.cues(placed)]
        assume(spoken)

        vtt = writers.vtt(placed)
        cues = _vtt_cues(vtt)
        assert [(c.start, c.end) for c in spoken] == [(s, e) for s, e, _, _ in cues]
        assert [c.speaker for c in spoken] == [who for _, _, who, _ in cues]
        # wrapping breaks words longer than a line: compare without the whitespace
        assert ["".join((c.text or "").split()) for c in spoken] == [
            "".join(b.split()) for *_, b in cues
        ]
        assert all(text.shown_length(line) <= webvtt.LINE for line in vtt.split("\n"))
        assert _check(vtt, "vtt", folder) == []

        srt = writers.srt(placed)
        joined = "".join("".join(t.split()) for t in _srt_texts(srt))
        expected = ""
        previous = None
        for cue in spoken:
            turn = (cue.part, cue.speaker)
            expected += ("" if turn == previous else f"{cue.speaker}:") + (cue.text or "")
            previous = turn
        assert joined == "".join(expected.split())
        assert _check(srt, "srt", folder) == []

        chapters = json.loads(writers.chapters_json(placed))
        assert [(c["title"], c["startTime"], c["endTime"]) for c in chapters["chapters"]] == [
            (c.title, c.start_ms / 1000, c.end_ms / 1000) for c in placed.chapters
        ]
        assert _check(writers.chapters_json(placed), "chapters", folder) == []

        segments = json.loads(writers.transcript_json(placed))["segments"]
        assert [(s["speaker"], s["startTime"], s["endTime"], s["body"]) for s in segments] == [
            (c.speaker, c.start / 1000, c.end / 1000, c.text) for c in spoken
        ]
        assert _check(writers.transcript_json(placed), "transcript", folder) == []


# --- titles and names: accepted by render, published, read back, passed by check -------------

# titles as a YAML file can hold them: control characters too (a double-quoted "\x07")
TITLES = st.one_of(
    MIXED, st.text(st.one_of(CHARS, st.characters(whitelist_categories=("Cc",))), max_size=40)
)


def _accepted(value: str, field: str) -> str | None:
    """The value as the model keeps it, None when kit refuses it."""
    kind = model.PlainTitle if field == "title" else model.OneLine
    try:
        kept: str = TypeAdapter(kind).validate_python(value)
    except ValidationError:
        return None
    return kept


@settings(max_examples=300, deadline=None)
@given(TITLES)
def test_the_title_rules_are_one_definition(value: str) -> None:
    """What the model refuses in a title is exactly what kit check's rule fails."""
    kept = _accepted(value, "title")
    problem = text.plain_problem(text.one_line(value))
    assert (kept is None) == (problem is not None or not text.one_line(value))
    if kept is not None:
        assert kept == text.one_line(value) and text.plain_problem(kept) is None
    # and kit check's rule on a feed item with this title fails exactly what was refused
    result = FileResult("feed.xml", "feed", frozenset(["feed-item-title"]))
    title = kept if kept is not None else text.one_line(value)
    feed._item_title(feed.Element("", "item", {}, 1), title, "", "item 1", result)
    assert bool(result.findings) == (kept is None)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One fake-engine render and its show, copied for each example."""
    root = tmp_path_factory.mktemp("props")
    show = make_show(root / "show")
    (show / "ep1").mkdir()
    (show / "ep1" / "episode.yaml").write_text(
        "title: Placeholder\ndate: 2024-01-02\ndescription: Two stories.\nvoices:\n"
        "  guest: {engine: fake, voice: low, name: Guest}\nsegments:\n"
        "  - host: Good evening. The talks resumed today after four years of silence.\n"
        "  - interview: Both sides needed a channel. Neither could wait any longer.\n"
        "    speaker: guest\n",
        encoding="utf-8",
    )
    pipeline.render(show / "ep1" / "episode.yaml", root / "dist", cache=SpeechCache(root / "c"))
    return root


# no shrinking: each example publishes and checks a feed, and minutes of shrinking would run
# into the test's time limit (whose signal Hypothesis takes for one more failing example)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(title=TITLES, name=NAMES, description=st.text(CHARS, max_size=200))
def test_titles_and_names_kit_accepts_are_published_read_back_and_pass_check(
    rendered: Path, title: str, name: str, description: str
) -> None:
    kept_title, kept_name = _accepted(title, "title"), _accepted(name, "name")
    assume(kept_title is not None and kept_name)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(rendered / "show", root / "show")
        shutil.copytree(rendered / "dist", root / "dist")
        report_path = root / "dist" / "ep1.json"
        report = json.loads(report_path.read_text(encoding="utf-8"))
        # what a render of this title and guest name writes (the report is kit feed's input)
        report["title"], report["description"] = kept_title, description
        report["people"] = [{"name": "Host", "role": "host"}, {"name": kept_name, "role": "guest"}]
        report["show_file"] = str(root / "show" / "show.yaml")
        report_path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        try:
            site.build(root / "dist", show_path=root / "show" / "show.yaml")
        except ConfigError as exc:  # pragma: no cover - a refusal must name the field
            pytest.fail(f"kit feed refused what kit render accepted: {exc}")
        feed = root / "dist" / "feed.xml"
        with feed.open("rb") as fh:
            gpodder = podcastparser.parse("https://example.org/test/feed.xml", fh)
        assert [e["title"] for e in gpodder["episodes"]] == [kept_title]
        assert [e.title for e in feedparser.parse(feed.read_bytes()).entries] == [kept_title]
        style = text.title_style(kept_title, "Test Show")
        findings = [(f.rule, f.message) for f in runner.run([root / "dist"]).findings]
        assert findings == ([("feed-item-title-style", findings[0][1])] if style else [])

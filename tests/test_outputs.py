"""Output details: transcript line limits, transcript times against the timeline, clip
transcripts and trims, the ffmpeg choice, and the sample episode's shape."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from broadcast_kit import ffmpeg, loader, model
from broadcast_kit.errors import FfmpegError
from broadcast_kit.render import pipeline, sidecars
from broadcast_kit.text import shown_length
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import ROOT, make_show, tone, write_episode, write_wav

LONG = (
    "Planned by the Citizens’ Alliance for North Korean Human Rights, the concert is held in "
    "August every year with the purpose of giving courage to the North Korean teenagers and "
    "helping the general public have a correct understanding of the young defectors."
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pipeline.RenderResult:
    """One render shared by the tests that only read its outputs."""
    root = tmp_path_factory.mktemp("outputs")
    show_dir = make_show(root / "show")
    folder = show_dir / "ep1"
    folder.mkdir()
    write_wav(folder / "clip.wav", tone(6.0, 250.0, -30.0, channels=1))
    write_wav(folder / "silent-clip.wav", tone(1.0, 250.0, -30.0, channels=1))
    episode = write_episode(
        show_dir,
        f"""\
        title: Outputs
        date: 2024-01-01
        segments:
          - host: {LONG}
          - interview:
            speaker: seo
            audio: clip.wav
            start: 1
            end: 4.5
            transcript: The concert is in its sixth year. Our group helps the teenagers.
          - interview:
            speaker: seo
            audio: silent-clip.wav
          - host: Thank you.
        """,
    )
    with pytest.MonkeyPatch.context() as patch:  # module scope: set up before _isolated
        patch.setenv("BROADCAST_KIT_CACHE_DIR", str(root / "cache"))
        return pipeline.render(episode, root / "dist", cache=SpeechCache(root / "cache"))


def test_vtt_and_srt_follow_the_line_limits(rendered: pipeline.RenderResult) -> None:
    vtt = rendered.outputs["vtt"].read_text()
    srt = rendered.outputs["srt"].read_text()
    assert vtt.startswith("WEBVTT\n\n")
    for block in vtt.strip().split("\n\n")[1:]:
        lines = block.splitlines()
        assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}", lines[1])
        assert lines[2].startswith("<v ")
        assert all(shown_length(line) <= 65 for line in lines[2:])  # as kit check counts
    cues = srt.strip().split("\n\n")
    for block in cues:
        lines = block.splitlines()
        assert re.fullmatch(r"\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}", lines[1])
        assert 1 <= len(lines[2:]) <= 2 and all(len(line) <= 32 for line in lines[2:])
    assert cues[0].splitlines()[2].startswith("Host: Planned by")
    spoken = " ".join(" ".join(b.splitlines()[2:]) for b in cues)
    assert LONG.split()[-5:] == spoken.split("Seo:")[0].split()[-5:]


def _blocks(text: str, sep: str) -> list[tuple[int, int, list[str]]]:
    """(start ms, end ms, text lines) of each cue of a VTT (sep '.') or SRT (sep ',') file."""

    def ms(stamp: str) -> int:
        h, m, rest = stamp.split(":")
        s, milli = rest.split(sep)
        return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(milli)

    found = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        if lines[0] == "WEBVTT":
            continue
        start, end = lines[1].split(" --> ")
        found.append((ms(start), ms(end), lines[2:]))
    return found


def _merged(
    cues: list[tuple[int, int, str]], expected: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Consecutive cues joined until their words make up the next expected text (a long
    sentence is several SRT cues, a clip's transcript one cue per sentence); the joined
    pieces must touch."""
    merged, n = [], 0
    for *_, text in expected:
        first, words = n, ""
        while words != text:
            assert n < len(cues) and len(words) < len(text), (text, words)
            assert n == first or cues[n][0] == cues[n - 1][1], cues[n - 1 : n + 1]
            words = f"{words} {cues[n][2]}".strip()
            n += 1
        merged.append((cues[first][0], cues[n - 1][1], text))
    assert n == len(cues)
    return merged


def test_transcript_times_follow_the_timeline(rendered: pipeline.RenderResult) -> None:
    """VTT, SRT and JSON transcript cues start and end where the timeline placed the words,
    to the millisecond."""
    placed = [i for i in rendered.timeline.speech() if i.text]
    expected = [(i.start, i.end, i.text or "") for i in placed]
    speakers = {i.speaker for i in placed}
    assert len(expected) >= 4 and expected[-1][0] > 10_000  # cues spread over the episode

    vtt = []
    for start, end, lines in _blocks(rendered.outputs["vtt"].read_text(), "."):
        voice, first = lines[0].split(">", 1)
        assert voice.removeprefix("<v ") in speakers
        vtt.append((start, end, html.unescape(" ".join([first, *lines[1:]]))))
    assert _merged(vtt, expected) == expected

    srt = []
    for start, end, lines in _blocks(rendered.outputs["srt"].read_text(), ","):
        text = " ".join(lines)
        for speaker in speakers:  # the name is printed at each change of speaker
            text = text.removeprefix(f"{speaker}: ")
        srt.append((start, end, text))
    assert _merged(srt, expected) == expected

    segments = json.loads(rendered.outputs["transcript"].read_text())["segments"]
    assert {s["speaker"] for s in segments} == speakers
    body = [(round(s["startTime"] * 1000), round(s["endTime"] * 1000), s["body"]) for s in segments]
    assert _merged(body, expected) == expected


def test_clip_is_trimmed_and_its_transcript_shares_its_time(
    rendered: pipeline.RenderResult,
) -> None:
    clips = [i for i in rendered.timeline.items if i.file is not None]
    assert [c.end - c.start for c in clips] == [3500, 1000]  # trimmed 1 s .. 4.5 s
    cues = sidecars.cues(rendered.timeline)
    mine = [c for c in cues if c.file is not None]
    assert [c.text for c in mine] == [
        "The concert is in its sixth year.",
        "Our group helps the teenagers.",
    ]
    assert mine[0].start == clips[0].start and mine[-1].end == clips[0].end
    assert mine[0].end == mine[1].start
    # the clip without transcript leaves a gap in the transcript
    assert not any(c.start >= clips[1].start and c.end <= clips[1].end for c in cues)


def test_ffmpeg_can_be_forced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = ffmpeg.executable()
    ffmpeg.executable.cache_clear()
    try:
        monkeypatch.setenv(ffmpeg.ENV, str(tmp_path / "no-ffmpeg"))
        with pytest.raises(FfmpegError, match=r"BROADCAST_KIT_FFMPEG=.* does not exist"):
            ffmpeg.executable()
        ffmpeg.executable.cache_clear()
        monkeypatch.setenv(ffmpeg.ENV, real)
        assert ffmpeg.executable() == real
    finally:
        ffmpeg.executable.cache_clear()


def test_the_sample_episode_is_a_produced_programme() -> None:
    production = loader.load(ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml")
    pipeline.check_voices(production)
    roles = [p.role for p in production.parts if isinstance(p, model.MusicPart)]
    assert roles[0] == "intro" and roles[-1] == "outro" and {"bed", "sting"} <= set(roles)
    chapters = [p.chapter for p in production.parts if isinstance(p, model.ChapterPart)]
    assert chapters == [
        "N. Korea, Japan Hold Governmental-level Talks",
        "Concert Designed to Help N. Korean Teenage Defectors",
    ]
    speakers = {model.voice_key(p) for p in production.parts} - {None}
    settings = {
        (
            production.voices[k].engine,
            production.voices[k].voice,
            production.voices[k].pitch,
            production.voices[k].speed,
        )
        for k in speakers
        if k
    }
    assert len(settings) == len(speakers) >= 5  # every speaker sounds different
    assert not any("listeners will hear one person" in w for w in production.warnings)
    text = " ".join(model.spoken_text(p) or "" for p in production.parts)
    # the names a speech recogniser misheard in the sample are said as the lexicon says
    said = set(production.lexicon.matches(text))
    assert {"Seo Jin-seon", "Park Seong-jin", "sohaegeum", "Pyongyang", "Shin Jeong-hwa"} <= said
    for furniture in ("Menu Content", "Go Top", "Editor's Pick", "cookies"):
        assert furniture not in text

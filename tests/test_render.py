"""`kit render` end to end with the fake engine: outputs, tags, chapters, cache behaviour."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import ffmpeg
from broadcast_kit.cli import app
from broadcast_kit.render import pipeline, tags
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import write_episode

EPISODE = """\
    title: The First Episode
    date: 2024-03-05
    number: 7
    description: Two stories, one interview.
    voices:
      shin: {engine: fake, voice: low, name: Shin Jeong-hwa}
    segments:
      - chapter: Talks resume
      - music: {music_dir}/theme.wav
        role: intro
        overlap: 1.5
      - host: Good evening. The talks resumed today after four years. Professor Shin explains why.
      - interview: Both sides needed a channel. Neither could wait any longer.
        speaker: shin
      - pause: 1
      - music: {music_dir}/sting.wav
        role: sting
      - chapter: A concert for defectors
      - music: {music_dir}/bed.wav
        role: bed
        under: 2
      - host: The hall was full on a hot afternoon.
      - voxpop: It felt like the two Koreas became one.
        speaker: Concert visitor
      - host: That is all for today.
      - music: {music_dir}/theme.wav
        role: outro
        overlap: 1
    """


@pytest.fixture
def episode(show_dir: Path, music_dir: Path) -> Path:
    return write_episode(show_dir, EPISODE.replace("{music_dir}", str(music_dir)))


def chapters_from_ffmpeg(mp3: Path) -> list[tuple[int, int, str]]:
    """Chapters as FFmpeg's demuxer reads them (what ffprobe -show_chapters reports)."""
    proc = subprocess.run(
        [ffmpeg.executable(), "-hide_banner", "-i", str(mp3)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.findall(
        r"Chapter #\d+:\d+: start ([\d.]+), end ([\d.]+)\s+Metadata:\s+title\s+: (.*)",
        proc.stderr,
    )
    return [(round(float(s) * 1000), round(float(e) * 1000), t.strip()) for s, e, t in found]


def test_render_writes_tagged_mp3_and_sidecars(
    episode: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    out = tmp_path / "dist"
    result = pipeline.render(episode, out, cache=cache)
    mp3 = result.outputs["mp3"]
    digest = hashlib.sha256(mp3.read_bytes()).hexdigest()
    assert mp3.name == f"ep1-{digest[:8]}.mp3"  # the content names the file
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [mp3.name]
        + [
            f"ep1{suffix}"
            for suffix in (".json", ".vtt", ".srt", ".chapters.json", ".transcript.json")
        ]
    )
    read = tags.read(mp3)
    assert read.version[:2] == (2, 3)
    assert read.frames["TIT2"] == ["The First Episode"]
    assert read.frames["TPE1"] == ["Test Author"]
    assert read.frames["TALB"] == ["Test Show"]
    assert read.frames["TCON"] == ["Podcast"]
    assert read.frames["TYER"] == ["2024"] and read.frames["TDAT"] == ["0503"]
    assert read.frames["TRCK"] == ["7"]
    assert read.frames["COMM"] == ["Two stories, one interview."]
    assert read.frames["TXXX:broadcast-kit"]
    assert "fake (fake 1)" in read.frames["TXXX:engines"][0]
    assert "shin=fake:low" in read.frames["TXXX:voices"][0]
    assert re.fullmatch(
        r"-1[5-6]\.\d LUFS integrated, -[\d.]+ dBTP true peak \(target -16 LUFS\),"
        r" gain [-+][\d.]+ dB",
        read.frames["TXXX:loudness"][0],
    )
    # a normal episode meets the product's own tolerances, measured on the file, silently
    lufs, peak = ffmpeg.measure(mp3)
    assert abs(lufs - -16.0) <= 0.5 and peak <= -1.0, (lufs, peak)
    assert result.warnings == []
    cover = (episode.parents[1] / "cover.jpg").read_bytes()
    assert read.covers == [("image/jpeg", 3, "Cover", len(cover))]
    assert read.sample_rate == 44100 and read.channels == 2 and read.bitrate == 128000

    report = json.loads((out / "ep1.json").read_text())
    duration = report["duration_ms"]
    assert abs(read.duration * 1000 - duration) < 60  # MP3 frames round the end up
    kinds = [s["kind"] for s in report["segments"]]
    assert kinds.count("music") == 4 and "interview" in kinds and "voxpop" in kinds
    spoken = [s for s in report["segments"] if s["kind"] != "music"]
    assert all(s["engine"] == "fake" for s in spoken)
    assert {s["voice"] for s in spoken} == {"host", "shin", "voxpop"}
    assert report["audio"]["bytes"] == mp3.stat().st_size
    assert report["synthesis"] == {
        "sentences": 8,
        "cached": 0,
        "synthesized": 8,
        "repaired": 0,
        "engines": {"fake": "fake 1"},
    }

    # chapters: ID3, chapters JSON, FFmpeg's reading and the report agree to the millisecond
    id3 = [(start, end, title) for _, start, end, title in read.chapters]
    assert [t for *_, t in id3] == ["Talks resume", "A concert for defectors"]
    assert id3[0][0] == 0 and id3[-1][1] == duration
    assert read.toc == [(3, ["ch0", "ch1"])]
    chapters = json.loads((out / "ep1.chapters.json").read_text())
    assert chapters["version"] == "1.2.0"
    assert [
        (round(c["startTime"] * 1000), round(c["endTime"] * 1000), c["title"])
        for c in chapters["chapters"]
    ] == id3
    assert chapters_from_ffmpeg(mp3) == id3
    assert result.timeline.duration == duration


def test_second_render_synthesizes_nothing_and_an_edit_one_sentence(
    episode: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    pipeline.render(episode, tmp_path / "a", cache=cache)
    assert len(FakeEngine.spoken) == 8
    FakeEngine.spoken.clear()
    again = pipeline.render(episode, tmp_path / "b", cache=cache)
    assert FakeEngine.spoken == []
    assert again.report.as_dict()["synthesis"]["synthesized"] == 0
    assert (tmp_path / "a" / "ep1.vtt").read_text() == (tmp_path / "b" / "ep1.vtt").read_text()

    episode.write_text(episode.read_text().replace("after four years", "after four long years"))
    pipeline.render(episode, tmp_path / "c", cache=cache)
    assert FakeEngine.spoken == ["The talks resumed today after four long years."]


def test_voice_settings_are_part_of_the_cache_key(
    episode: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    pipeline.render(episode, tmp_path / "a", cache=cache)
    FakeEngine.spoken.clear()
    episode.write_text(episode.read_text().replace("voice: low,", "voice: low, pitch: -2,"))
    pipeline.render(episode, tmp_path / "b", cache=cache)
    assert sorted(FakeEngine.spoken) == [
        "Both sides needed a channel.",
        "Neither could wait any longer.",
    ]  # which ones, not their order: the longest sentence is synthesized first


def test_two_renders_at_once_share_the_cache(episode: Path, tmp_path: Path) -> None:
    kit = Path(sys.executable).with_name("kit")
    env = {**os.environ, "BROADCAST_KIT_CACHE_DIR": str(tmp_path / "shared-cache")}
    procs = [
        subprocess.Popen(
            [str(kit), "render", str(episode), "--out", str(tmp_path / f"o{n}"), "-q"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    entries = list((tmp_path / "shared-cache").rglob("*.wav"))
    assert len(entries) == 8
    assert not list((tmp_path / "shared-cache").rglob("*.tmp"))
    third = subprocess.run(
        [str(kit), "render", str(episode), "--out", str(tmp_path / "o3")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(0 synthesized, 8 from cache)" in third.stdout


def test_cli_render_prints_a_summary(episode: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["render", str(episode), "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "rendered 'The First Episode'" in out and "2 chapters" in out
    assert "sentences: 8 (8 synthesized, 0 from cache)" in out
    assert re.search(r"loudness: -1[5-7]\.\d LUFS \(target -16\), true peak -[\d.]+ dBTP", out)
    assert re.search(r"ep1-[0-9a-f]{8}\.mp3", out)


def test_dry_run_prints_the_timeline_and_writes_nothing(episode: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["render", str(episode), "--dry-run", "--out", str(tmp_path / "d")]
    )
    assert result.exit_code == 0, result.stderr
    assert FakeEngine.spoken == []
    assert not (tmp_path / "d").exists()
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["start", "end", "kind", "speaker", "chapter", "text", "or", "file"]
    assert any("music:intro" in line and "theme.wav" in line for line in lines)
    assert any(
        "Shin Jeong-hwa" in line and "Both sides needed a channel." in line for line in lines
    )
    assert "2 chapters" in lines[-1]


def test_kit_voices_lists_engines() -> None:
    result = CliRunner().invoke(app, ["voices"])
    assert result.exit_code == 0
    assert "fake (fake 1), default voice mid:" in result.stdout
    assert re.search(r"piper \(piper-tts [\d.]+\), default voice joe", result.stdout)
    assert "gtts (gtts " in result.stdout
    assert "espeak" in result.stdout
    one = CliRunner().invoke(app, ["voices", "--engine", "nope"])
    assert one.exit_code == 2 and "unknown engine 'nope'; installed engines:" in one.stderr


def test_python_dash_m_and_help() -> None:
    for args in (["-m", "broadcast_kit", "--help"], ["-m", "broadcast_kit", "render", "--help"]):
        proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True)
        assert "Usage" in proc.stdout
    assert "--dry-run" in proc.stdout and "--out" in proc.stdout

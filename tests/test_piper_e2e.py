"""End to end with the real Piper voice: a short episode renders offline, reads back right,
its speakers sound different, and every transcript cue holds the words it shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from broadcast_kit import ffmpeg
from broadcast_kit.render import pipeline, tags
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import write_episode

pytestmark = pytest.mark.slow

EPISODE = """\
    title: Piper Episode
    date: 2024-06-01
    number: 2
    voices:
      host: {engine: piper, name: Host}
      shin: {engine: piper, pitch: -4, speed: 0.95, name: Shin Jeong-hwa}
    segments:
      - music: {music_dir}/sting.wav
      - host: North Korea and Japan have resumed their talks. Professor Shin explains why.
      - interview: Japan now hopes to keep its own channel with Pyongyang. That matters.
        speaker: shin
      - pause: 1.5
      - host: That was Professor Shin.
    """
RATE = 44100


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, music_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("piper")
    show = root / "show"
    show.mkdir()
    (show / "show.yaml").write_text(
        "title: Piper Show\nauthor: Piper Author\nowner: {name: O, email: o@example.org}\n"
        f"cover: {Path(__file__).parents[1] / 'assets' / 'cover.jpg'}\n"
        "base_url: https://example.org/p/\naudio: {channels: mono}\n"
    )
    episode = write_episode(show, EPISODE.replace("{music_dir}", str(music_dir)))
    pipeline.render(episode, root / "dist", cache=SpeechCache(root / "cache"))
    return root / "dist"


def mp3_of(rendered: Path) -> Path:
    return rendered / json.loads((rendered / "ep1.json").read_text())["audio"]["file"]


def decoded(rendered: Path) -> np.ndarray:
    return ffmpeg.decode(mp3_of(rendered), RATE, 1)[:, 0]


def test_mp3_reads_back(rendered: Path) -> None:
    report = json.loads((rendered / "ep1.json").read_text())
    read = tags.read(mp3_of(rendered))
    assert read.version[:2] == (2, 3)
    assert read.frames["TIT2"] == ["Piper Episode"] and read.frames["TRCK"] == ["2"]
    assert read.covers[0][:3] == ("image/jpeg", 3, "Cover")
    assert read.channels == 1 and read.bitrate == 96000
    assert abs(read.duration * 1000 - report["duration_ms"]) < 60
    assert abs(len(decoded(rendered)) / RATE * 1000 - report["duration_ms"]) < 60
    assert "shin=piper:joe speed 0.95 pitch -4" in read.frames["TXXX:voices"][0]
    lufs, peak = ffmpeg.measure(mp3_of(rendered))
    assert abs(lufs - -19.0) <= 0.5 and peak <= -1.0  # the product warns beyond 0.5 LU


def _f0(samples: np.ndarray, rate: int = RATE) -> float:
    """Median fundamental frequency (Hz) of voiced 40 ms frames, by autocorrelation."""
    frame = round(0.04 * rate)
    found = []
    for start in range(0, len(samples) - frame, frame):
        x = samples[start : start + frame] - samples[start : start + frame].mean()
        if np.sqrt(np.mean(x**2)) < 0.02:
            continue
        corr = np.correlate(x, x, "full")[frame - 1 :]
        lo, hi = rate // 400, rate // 45
        lag = lo + int(np.argmax(corr[lo:hi]))
        if corr[lag] > 0.4 * corr[0]:
            found.append(rate / lag)
    return float(np.median(found))


def test_host_and_interviewee_sound_different(rendered: Path) -> None:
    report = json.loads((rendered / "ep1.json").read_text())
    audio = decoded(rendered)

    def voice_f0(voice: str) -> float:
        spans = [s for s in report["segments"] if s.get("voice") == voice]
        parts = [audio[s["start_ms"] * RATE // 1000 : s["end_ms"] * RATE // 1000] for s in spans]
        return _f0(np.concatenate(parts))

    host, shin = voice_f0("host"), voice_f0("shin")
    semitones = 12 * np.log2(host / shin)
    assert semitones > 2.5, (host, shin)


def _cues(vtt: str) -> list[tuple[int, int, str]]:
    def ms(stamp: str) -> int:
        h, m, s = stamp.split(":")
        return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)

    cues = []
    for block in vtt.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if len(lines) >= 3:
            start, end = lines[1].split(" --> ")
            cues.append((ms(start), ms(end), " ".join(lines[2:])))
    return cues


def test_every_cue_holds_its_words(rendered: Path) -> None:
    audio = decoded(rendered)
    vtt = (rendered / "ep1.vtt").read_text()
    assert vtt.startswith("WEBVTT\n")
    cues = _cues(vtt)
    assert [c[2].split(">", 1)[1][:20] for c in cues] == [
        "North Korea and Japa",
        "Professor Shin expla",
        "Japan now hopes to k",
        "That matters.",
        "That was Professor S",
    ]

    def level(start_ms: int, end_ms: int) -> float:
        chunk = audio[start_ms * RATE // 1000 : end_ms * RATE // 1000]
        return float(20 * np.log10(np.sqrt(np.mean(chunk**2)) + 1e-9))

    for n, (start, end, _) in enumerate(cues):
        # speech fills the cue: its first and last 150 ms are not silent
        assert level(start, start + 150) > -45 and level(end - 150, end) > -45
        if n + 1 < len(cues):
            gap_end = cues[n + 1][0]
            assert gap_end - end >= 250  # cue boundaries sit in the pauses between sentences
            assert level(end + 40, gap_end - 40) < -50  # and the pause is silent

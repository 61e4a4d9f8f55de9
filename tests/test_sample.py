"""The sample episode renders with its real voices (Piper, hibari, Kokoro), meets the loudness
and true-peak targets on the encoded file, its six speakers sound like six people (pitch and
spectral envelope), and the sample show publishes as a feed that gPodder's parser reads."""

from __future__ import annotations

import io
import json
import shutil
from itertools import combinations
from pathlib import Path

import feedparser
import numpy as np
import podcastparser
import pytest
from scipy.fft import dct

from broadcast_kit import ffmpeg, loader
from broadcast_kit.audio import AudioSegment, resample, to_array
from broadcast_kit.check import runner
from broadcast_kit.model import AI_SENTENCE
from broadcast_kit.publish import site
from broadcast_kit.render import pipeline, tags
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import VoiceRequest
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.synth import adjust, synthesize_all
from tests.conftest import ROOT
from tests.test_piper_e2e import _f0

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # a cold Piper render of the sample
SAMPLE = ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml"


SAID: list[str] = []  # what the sample's render logged


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SpeechCache]:
    root = tmp_path_factory.mktemp("sample")
    cache = SpeechCache(root / "cache")
    pipeline.render(SAMPLE, root / "dist", cache=cache, log=SAID.append)
    return root / "dist", cache


def test_sample_is_encoded_once(rendered: tuple[Path, SpeechCache]) -> None:
    """The limiter leaves room for what LAME's noise adds to the British voices' sibilants,
    so no true peak gets through the first encode (it did, by 0.7 dB, and the whole file
    was encoded twice)."""
    assert any(line.startswith("mastering and encoding:") for line in SAID), SAID
    assert not [line for line in SAID if "got through" in line]


def test_sample_meets_the_targets(rendered: tuple[Path, SpeechCache]) -> None:
    dist, _ = rendered
    report = json.loads((dist / "kbs-2012-09-06.json").read_text())
    mp3 = dist / report["audio"]["file"]
    lufs, peak = ffmpeg.measure(mp3)
    assert abs(lufs - -16.0) <= 0.5 and peak <= -1.0  # the product warns beyond 0.5 LU
    read = tags.read(mp3)
    assert read.version[:2] == (2, 3) and read.covers[0][0] == "image/jpeg"
    assert [c[3] for c in read.chapters] == [c["title"] for c in report["chapters"]]
    assert 10 * 60 < report["duration_ms"] / 1000 < 14 * 60
    roles = {s.get("role") for s in report["segments"]}
    assert {"intro", "outro", "bed", "sting"} <= roles
    named = {s.get("engine_voice") for s in report["segments"]} - {None}
    assert len(named) == 6 and not any("jf_" in n or "jm_" in n for n in named), named


def test_the_estimate_before_synthesis_is_close(rendered: tuple[Path, SpeechCache]) -> None:
    """What `kit render --dry-run` says with an empty speech cache, against the render: the
    issue asks for 10%; 2.6 words a second for every voice was 7% long, the voices' paces
    are 1.2% long (measured 2026-12-06)."""
    dist, _ = rendered
    length = json.loads((dist / "kbs-2012-09-06.json").read_text())["duration_ms"]
    estimated = pipeline.plan(loader.load(SAMPLE), None).duration
    assert abs(estimated - length) <= 0.05 * length, (estimated, length)


ENVELOPE_RATE = 16000


def _mel_filters(bands: int = 40, fft: int = 512) -> np.ndarray:
    """Triangular mel filters from 60 Hz to 7.6 kHz over an FFT's bins."""

    def mel(hz: np.ndarray) -> np.ndarray:
        return 2595 * np.log10(1 + hz / 700)

    edges = 700 * (
        10 ** (np.linspace(mel(np.array(60.0)), mel(np.array(7600.0)), bands + 2) / 2595) - 1
    )
    bins = np.floor((fft + 1) * edges / ENVELOPE_RATE).astype(int)
    filters = np.zeros((bands, fft // 2 + 1))
    for n in range(bands):
        a, b, c = bins[n : n + 3]
        filters[n, a:b] = (np.arange(a, b) - a) / max(b - a, 1)
        filters[n, b:c] = (c - np.arange(b, c)) / max(c - b, 1)
    return filters


def envelope(samples: np.ndarray) -> np.ndarray:
    """The voice's average spectral envelope: mean MFCCs 1-12 of its loud 25 ms frames."""
    frame, hop = 400, 160
    count = 1 + (len(samples) - frame) // hop
    frames = samples[np.arange(frame)[None, :] + hop * np.arange(count)[:, None]]
    frames = frames[np.sqrt(np.mean(frames**2, axis=1)) > 0.02] * np.hamming(frame)
    power = np.abs(np.fft.rfft(frames, 512)) ** 2
    log_mel = np.log(power @ _mel_filters().T + 1e-10)
    mfcc: np.ndarray = dct(log_mel, type=2, norm="ortho", axis=1)[:, 1:13].mean(axis=0)
    return mfcc


def test_sample_speakers_sound_different(rendered: tuple[Path, SpeechCache]) -> None:
    """Six speakers, six voices: each pair differs in spectral envelope by more than shifting
    either of its two voices two semitones does (what the sample once did: one voice at six
    pitches), and the pairs whose envelopes are closer also differ in pitch; a pair four
    semitones or more apart in pitch cannot be one voice shifted within two, whatever its
    envelopes (voices of one model, Kokoro's, are closer in envelope than Piper's and
    hibari's)."""
    _, cache = rendered
    production = loader.load(SAMPLE)
    keys = ("host", "shin", "seo", "park", "visitor-1", "visitor-2")
    engine_voices = {(production.voices[k].engine, production.voices[k].voice) for k in keys}
    assert len(engine_voices) == 6
    # six native English voices (issue 23): none Japanese-accented, none pitch-shifted
    accents = {
        (e, i.name): i.accent
        for e in ("piper", "hibari", "kokoro")
        for i in registry.get(e).voice_info()
    }
    assert {accents[v] for v in engine_voices} <= {"us", "gb"}
    assert all(production.voices[k].pitch == 0 for k in keys)
    pieces: dict[str, list[np.ndarray]] = {}
    for group in pipeline.utterances(production):
        if not group:
            continue
        audio, stats = synthesize_all(group, cache)  # all from the render's cache
        assert stats.misses == 0
        pieces.setdefault(group[0].voice_key, []).extend(
            resample(to_array(a)[:, :1], a.frame_rate, ENVELOPE_RATE)[:, 0] for a in audio
        )
    speech = {k: np.concatenate(pieces[k]) for k in keys}
    f0 = {k: _f0(speech[k], ENVELOPE_RATE) for k in keys}
    shape = {k: envelope(speech[k]) for k in keys}

    # the control: how far two semitones move each voice's envelope (the product's own shift)
    moved: dict[str, float] = {}
    for k in keys:
        clip = speech[k][: 30 * ENVELOPE_RATE]
        pcm = (np.clip(clip, -1, 1) * 32767).astype("<i2").tobytes()
        one = AudioSegment(pcm, sample_width=2, frame_rate=ENVELOPE_RATE, channels=1)
        for semitones in (-2.0, 2.0):
            shifted = adjust(one, VoiceRequest("any", pitch=semitones), registry.get("gtts"))
            away = float(np.linalg.norm(envelope(to_array(shifted)[:, 0]) - envelope(clip)))
            moved[k] = max(moved.get(k, 0.0), away)
    assert min(moved.values()) > 1.0  # the measure sees a pitch shift at all

    for a, b in combinations(keys, 2):
        apart = float(np.linalg.norm(shape[a] - shape[b]))
        semitones = abs(12 * np.log2(f0[a] / f0[b]))
        shift = max(moved[a], moved[b])
        if semitones >= 4.0:
            continue
        assert apart > 1.2 * shift, (a, b, apart, shift)  # not one voice shifted
        assert semitones >= 1.0 or apart > 1.6 * shift, (a, b, semitones, apart, shift)


def test_sample_show_publishes(rendered: tuple[Path, SpeechCache], tmp_path: Path) -> None:
    dist, _ = rendered
    # a copy of the show, so the test never writes the repository's guids.yaml
    shows = tmp_path / "episodes"
    shows.mkdir()
    shutil.copy(ROOT / "episodes" / "show.yaml", shows)
    shutil.copy(ROOT / "episodes" / "guids.yaml", shows)
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    built = site.build(dist, shows / "show.yaml")
    assert built.warnings == []
    report = json.loads((dist / "kbs-2012-09-06.json").read_text())
    parsed = podcastparser.parse(built.feed_url, io.BytesIO(built.feed_path.read_bytes()))
    (episode,) = parsed["episodes"]
    committed = (ROOT / "episodes" / "guids.yaml").read_text()
    assert f'"kbs-2012-09-06": "{episode["guid"]}"' in committed  # the guid never changes
    (enclosure,) = episode["enclosures"]
    assert enclosure["url"].endswith(report["audio"]["file"])
    assert enclosure["file_size"] == (dist / report["audio"]["file"]).stat().st_size
    assert abs(episode["total_time"] - report["duration_ms"] / 1000) <= 1
    assert parsed["title"] == "Korea, Today and Tomorrow"
    checked = runner.run(
        [dist], runner.Options(loudness=True, strict=True, show=shows / "show.yaml")
    )
    assert checked.findings == []
    # every voice is synthetic: the feed and the show notes say so, and clients still read it
    raw = built.feed_path.read_text()
    assert '<podcast:txt purpose="ai-content">true</podcast:txt>' in raw
    assert AI_SENTENCE in episode["description"]
    assert not feedparser.parse(raw.encode()).bozo
    built.feed_path.write_text(
        raw.replace('<podcast:txt purpose="ai-content">true</podcast:txt>', "")
    )
    checked = runner.run([dist], runner.Options(show=shows / "show.yaml"))
    assert [f.rule for f in checked.findings] == ["feed-ai-disclosure"]

"""The sample episode renders with the real Piper voice, meets the loudness and true-peak
targets on the encoded file, its speakers sound different from each other, and the sample
show publishes as a feed that gPodder's parser reads."""

from __future__ import annotations

import io
import json
import shutil
from itertools import combinations
from pathlib import Path

import numpy as np
import podcastparser
import pytest

from broadcast_kit import ffmpeg, loader
from broadcast_kit.audio import to_array
from broadcast_kit.check import runner
from broadcast_kit.publish import site
from broadcast_kit.render import pipeline, tags
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.synth import synthesize_all
from tests.conftest import ROOT
from tests.test_piper_e2e import _f0

pytestmark = pytest.mark.slow
SAMPLE = ROOT / "episodes" / "kbs-2012-09-06" / "episode.yaml"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SpeechCache]:
    root = tmp_path_factory.mktemp("sample")
    cache = SpeechCache(root / "cache")
    pipeline.render(SAMPLE, root / "dist", cache=cache)
    return root / "dist", cache


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


def test_sample_speakers_sound_different(rendered: tuple[Path, SpeechCache]) -> None:
    _, cache = rendered
    production = loader.load(SAMPLE)
    by_voice: dict[str, list[np.ndarray]] = {}
    for group in pipeline.utterances(production):
        if not group:
            continue
        audio, stats = synthesize_all(group, cache)  # all from the render's cache
        assert stats.misses == 0
        by_voice.setdefault(group[0].voice_key, []).extend(to_array(a)[:, 0] for a in audio)
    rate = 22050
    f0 = {}
    for key, pieces in by_voice.items():
        f0[key] = _f0(np.concatenate(pieces), rate)
        seconds = sum(len(p) for p in pieces) / rate
        words = sum(
            len(u.text.split())
            for g in pipeline.utterances(production)
            for u in g
            if u.voice_key == key
        )
        by_voice[key] = [np.array([words / seconds])]
    assert {"host", "shin", "seo", "park", "visitor-1", "visitor-2"} <= set(f0)
    for a, b in combinations(sorted(f0), 2):
        semitones = abs(12 * np.log2(f0[a] / f0[b]))
        rate_ratio = by_voice[a][0][0] / by_voice[b][0][0]
        # a pitch at least a semitone apart, or a clearly different pace
        assert semitones >= 1.0 or abs(np.log(rate_ratio)) > 0.07, (a, b, f0, rate_ratio)


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

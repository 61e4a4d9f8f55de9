"""The streaming render: mixing block by block gives the whole mix's bits, a tone crossing
many block boundaries comes out clean (mixer, limiter and the encoded MP3), the limiter's
cost is predicted before the second pass, and two renders from empty caches are identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from broadcast_kit import ffmpeg, loader
from broadcast_kit.render import master, mix, pipeline
from broadcast_kit.testing import peak_memory_mib
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import RATE, encode_mp3, tone, write_episode, write_wav

SIDECARS = ("vtt", "srt", "chapters", "transcript")


def _mixer(
    show_dir: Path, music_dir: Path, cache: SpeechCache, scratch: pipeline.Scratch
) -> mix.Mixer:
    """The mixer of an episode with everything that has edges: intro talk-over, a looped and
    ducked bed, a recorded clip, a sting, an outro."""
    folder = show_dir / "ep1"
    folder.mkdir()
    write_wav(folder / "clip.wav", tone(2.3, 310.0, -20.0))
    episode = write_episode(
        show_dir,
        f"""\
        title: Blocks
        date: 2024-01-01
        segments:
          - music: {music_dir}/theme.wav
            role: intro
            overlap: 1.5
          - host: First words over the theme. Then more.
          - music: {music_dir}/bed.wav
            role: bed
            under: 3
          - host: Under the bed now, for a while, long enough to loop it.
          - interview:
            speaker: guest
            audio: clip.wav
            transcript: A recorded answer.
          - voxpop: Me too, and I have a lot to say about it today.
          - music: {music_dir}/sting.wav
          - host: Last words.
          - music: {music_dir}/theme.wav
            role: outro
            overlap: 1
        """,
    )
    production = loader.load(episode)
    mixer, _, _ = pipeline._assemble(
        production, cache, None, lambda _m: None, pipeline._Clock(), scratch
    )
    return mixer


def test_mixing_block_by_block_gives_the_whole_mix(
    show_dir: Path, music_dir: Path, cache: SpeechCache, tmp_path: Path
) -> None:
    with pipeline.Scratch(tmp_path) as scratch:
        mixer = _mixer(show_dir, music_dir, cache, scratch)
        whole = mixer.range(0, mixer.frames)
        assert np.abs(whole).max() > 0.05
        for block in (mixer.block, 1234, RATE // 7):  # odd sizes cut through every edge
            mixer.block = block
            pieces = list(mixer.blocks())
            assert len(pieces) == -(-mixer.frames // block)
            assert np.array_equal(np.concatenate(pieces), whole)


def _leakage_db(signal: np.ndarray, freq: float) -> float:
    """Energy outside +-40 Hz of `freq` against the total, in dB, Blackman-Harris windowed:
    a pure tone gives well under -100 dB; one click gives far more."""
    window = np.blackman(len(signal))
    spectrum = np.abs(np.fft.rfft(signal * window)) ** 2
    bins = np.fft.rfftfreq(len(signal), 1 / RATE)
    outside = spectrum[np.abs(bins - freq) > 40].sum()
    return float(10 * np.log10(outside / spectrum.sum()))


def test_a_tone_across_many_block_boundaries_stays_a_tone() -> None:
    """A 1 kHz tone placed as music, mixed in 0.1 s blocks and limited in those blocks at a
    gain that takes it 6 dB over the ceiling (10.5 dB): both stages' output is a pure tone."""
    from broadcast_kit.render.timeline import Placed, Timeline

    source = tone(12.0, 1000.0, -6.0)
    item = Placed(0, "music", 0, 12000, None, file=Path("tone.wav"), role="sting")
    mixer = mix.Mixer(Timeline((item,), 12000, ()), lambda _i: source, RATE, 2)
    mixer.block = RATE // 10
    blocks = list(mixer.blocks())
    assert len(blocks) == 120
    mixed = np.concatenate(blocks)
    steady = slice(RATE, 11 * RATE)  # the fades at both ends are not part of the question
    assert _leakage_db(mixed[steady, 0], 1000.0) < -100

    limiter = master.Limiter(RATE, gain_db=10.5, ceiling=-1.5)
    limited = np.concatenate(list(limiter.stream(iter(blocks))))
    assert limiter.reduction > 5.5  # 3 dB over the ceiling: the limiter worked in every block
    assert master.true_peaks(limited[steady]).max() <= 10 ** (-1.5 / 20) * 1.001
    assert _leakage_db(limited[steady, 0], 1000.0) < -90
    whole, _ = master._gain_and_limit(mixed, RATE, 10.5, -1.5)
    assert np.allclose(limited, whole, atol=1e-6)  # as if the signal were limited whole


def test_a_rendered_tone_has_no_clicks_at_block_boundaries(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    """Through the whole render path to the MP3: the high-frequency noise around each 5 s
    block boundary is no louder than elsewhere."""
    folder = show_dir / "ep1"
    folder.mkdir()
    write_wav(folder / "tone.wav", tone(31.0, 800.0, -3.0))
    episode = write_episode(
        show_dir,
        """\
        title: Tone
        date: 2024-01-01
        segments:
          - host: A tone follows.
          - music: tone.wav
        """,
    )
    result = pipeline.render(episode, tmp_path / "dist", cache=cache)
    decoded = ffmpeg.decode(result.outputs["mp3"], RATE, 1)[:, 0]
    lufs, peak = ffmpeg.measure(result.outputs["mp3"])
    assert abs(lufs - -16.0) <= 0.5 and peak <= -1.0
    tone_item = next(i for i in result.timeline.items if i.kind == "music")
    start = tone_item.start * RATE // 1000

    def hf_energy(centre: int) -> float:  # above 4 kHz, in a 20 ms window
        chunk = decoded[centre - 441 : centre + 441] * np.hanning(882)
        spectrum = np.abs(np.fft.rfft(chunk)) ** 2
        return float(spectrum[np.fft.rfftfreq(882, 1 / RATE) > 4000].sum())

    block = mix.BLOCK_SECONDS * RATE
    boundaries = [
        b for b in range(block, len(decoded), block) if start + RATE < b < start + 30 * RATE
    ]
    assert len(boundaries) >= 5
    elsewhere = np.median([hf_energy(b - block // 2) for b in boundaries])
    for b in boundaries:
        assert hf_energy(b) <= 4 * elsewhere + 1e-9, b


def test_limiter_cost_is_predicted_before_the_second_pass(tmp_path: Path) -> None:
    """Heavy limiting (a full-scale tone and quiet speech-like noise): the predicted loudness
    of the limited mix is what limiting the whole array gives."""
    rng = np.random.default_rng(3)
    quiet = (rng.standard_normal((RATE * 8, 2)) * 0.03).astype(np.float32)
    loud = tone(0.2, 500.0, 0.0)
    signal = np.concatenate([quiet, loud, quiet])

    class Whole:
        rate, channels, frames = RATE, 2, len(signal)

        def range(self, start: int, stop: int) -> np.ndarray:
            return signal[start:stop]

        def blocks(self):  # type: ignore[no-untyped-def]
            for start in range(0, len(signal), 5 * RATE):
                yield signal[start : start + 5 * RATE]

    measured = master.measure_mix(Whole())
    # measured in two stretches at once, each filter started a step early: as if in one go
    assert measured.lufs == pytest.approx(master.loudness(signal, RATE), abs=1e-9)
    gain = -16.0 - (measured.lufs or 0.0)
    predicted = master.limited_loudness(Whole(), measured, gain, -1.5)
    limited, reduction = master._gain_and_limit(signal, RATE, gain, -1.5)
    assert reduction > 3
    actual = master.loudness(limited, RATE)
    assert actual is not None and actual < -16.3  # limiting cost loudness...
    assert predicted == pytest.approx(actual, abs=0.02)  # ...and the prediction knew how much


def _render_from_empty_caches(episode: Path, root: Path) -> list[dict[str, bytes]]:
    outputs = []
    for n in range(2):
        result = pipeline.render(episode, root / f"out{n}", cache=SpeechCache(root / f"cache{n}"))
        files = {kind: result.outputs[kind].read_bytes() for kind in ("mp3", *SIDECARS)}
        report = json.loads(result.outputs["report"].read_text())
        timings = report.pop("timings"), report.pop("render_seconds")
        assert timings[0]["total"] == timings[1]  # what differs is only how long it took
        files["report"] = json.dumps(report).encode()
        outputs.append(files)
    return outputs


def test_two_renders_from_empty_caches_are_identical(
    show_dir: Path, music_dir: Path, tmp_path: Path
) -> None:
    episode = write_episode(
        show_dir,
        f"""\
        title: Again
        date: 2024-01-01
        segments:
          - music: {music_dir}/theme.wav
            role: intro
            overlap: 1
          - host: The same words. Every time.
          - music: {music_dir}/bed.wav
            role: bed
          - voxpop: And the same answer.
        """,
    )
    first, second = _render_from_empty_caches(episode, tmp_path)
    assert first.keys() == second.keys()
    for kind in first:
        assert first[kind] == second[kind], kind


@pytest.mark.slow
def test_two_piper_renders_from_empty_caches_are_identical(show_dir: Path, tmp_path: Path) -> None:
    """Piper's noise is seeded by the sentence: synthesized cold twice (in worker processes,
    in whatever order they finish), the episode comes out byte for byte the same."""
    show = show_dir / "show.yaml"
    text = show.read_text().split("voices:")[0]
    voices = "voices:\n  host: {engine: piper, name: Host}\n  shin: {engine: piper, pitch: -3}\n"
    show.write_text(text + voices + "audio: {channels: mono}\n", encoding="utf-8")
    episode = write_episode(
        show_dir,
        """\
        title: Piper twice
        date: 2024-01-01
        segments:
          - host: North Korea and Japan have resumed their talks. Professor Shin explains why.
          - interview: Both sides needed a channel. Neither could wait any longer.
            speaker: shin
          - host: That was Professor Shin.
        """,
    )
    first, second = _render_from_empty_caches(episode, tmp_path)
    for kind in first:
        assert first[kind] == second[kind], kind


def test_the_encoders_meter_hears_the_encoded_audio(tmp_path: Path) -> None:
    """The encoder hands every decoded frame of the MP3 (encoder delay skipped) to its
    listener and measures the loudness; a failing listener fails the encode, without
    leaving the encoder stuck on a full pipe."""
    signal = tone(3.25, 440.0, -20.0)  # not whole seconds: the meter's batches pad nothing
    heard: list[np.ndarray] = []
    encoder = ffmpeg.Mp3Encoder(
        tmp_path / "a.mp3", RATE, 2, 128, len(signal), lambda s: heard.append(s.copy())
    )
    for first in range(0, len(signal), 10_000):
        encoder.write(signal[first : first + 10_000])
    # the meter runs at a lower priority than LAME, the render's critical path
    lower = min(19, os.getpriority(os.PRIO_PROCESS, 0) + ffmpeg.METER_NICE)
    for _ in range(200):  # `nice` sets it just after it starts, then runs ffmpeg
        if os.getpriority(os.PRIO_PROCESS, encoder.meter.pid) == lower:
            break
        time.sleep(0.01)
    assert os.getpriority(os.PRIO_PROCESS, encoder.meter.pid) == lower
    lufs = encoder.finish()
    decoded = np.concatenate(heard)
    assert len(decoded) == len(signal) and decoded.shape[1] == 2
    assert abs(lufs - ffmpeg.measure(tmp_path / "a.mp3")[0]) <= 0.1
    assert abs(master.loudness(decoded, RATE) - lufs) <= 0.1  # type: ignore[operator]

    def deaf(_samples: np.ndarray) -> None:
        raise ValueError("cannot listen")

    longer = np.tile(signal, (6, 1))  # more than the pipes hold: the meter must be read on
    encoder = ffmpeg.Mp3Encoder(tmp_path / "b.mp3", RATE, 2, 128, len(longer), deaf)
    encoder.write(longer)
    with pytest.raises(ValueError, match="cannot listen"):
        encoder.finish()
    assert not (tmp_path / "b.mp3").exists()


def test_the_encoders_loss_is_measured_on_what_a_decoder_of_the_file_hears(
    tmp_path: Path,
) -> None:
    """The probe decodes its excerpt as LAME encodes it; it finds the same loss as encoding
    to a file and decoding that, more for audio LAME cuts away than for audio it keeps."""
    # an 18 kHz tone 16 dB under a 1 kHz one: LAME at 128k keeps the one, drops the other
    signal = tone(8.0, 1000.0, -20.0) + tone(8.0, 18000.0, -36.0)
    loss = master.encoder_loss(signal, RATE, 128, tmp_path / "probe.mp3")
    encode_mp3(signal, RATE, 128, tmp_path / "file.mp3")
    decoded = ffmpeg.decode(tmp_path / "file.mp3", RATE, 2)
    by_file = master.loudness(signal, RATE) - master.loudness(decoded, RATE)  # type: ignore[operator]
    assert loss == pytest.approx(by_file, abs=1e-9)
    assert 0.3 < loss < 1.0
    low = master.encoder_loss(tone(8.0, 1000.0, -20.0), RATE, 128, tmp_path / "low.mp3")
    assert low < loss - 0.2  # what LAME keeps loses little
    assert not list(tmp_path.glob("probe*")) and not (tmp_path / "encoding.mp3").exists()


def test_a_child_reports_its_own_peak_memory_not_its_parents() -> None:
    """A child started while this process holds 300 MiB more reports its own peak: Linux's
    ru_maxrss would start at the parent's (exec folds in the mark of the memory it replaces,
    and subprocess's vfork hands the child its parent's), which made the render's memory test
    fail inside the full suite with the pytest process's 2 GB."""
    ballast = np.ones(300 * 2**20 // 8)  # written, so resident
    code = "from broadcast_kit.testing import peak_memory_mib; print(peak_memory_mib())"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert peak_memory_mib() > 300  # this process's does include the ballast
    assert float(proc.stdout) < 250, (proc.stdout, ballast.nbytes)


@pytest.mark.slow
def test_memory_does_not_grow_with_the_episode(show_dir: Path, music_dir: Path) -> None:
    """A 20-minute stereo episode (424 MiB of float samples once mixed; the whole-buffer
    mixer peaked at about 5 times that) renders warm in a child process whose own peak
    resident memory stays under 450 MiB (about 230 measured, alone or beside the full suite
    on 2 cores): the mix is never held whole."""
    filler = " ".join(f"word{i}" for i in range(11))
    parts = []
    for n in range(40):  # 40 parts of about 30 s of fake speech
        text = " ".join(f"Part {n} line {k} {filler}." for k in range(14))
        parts.append(f"  - host: {text}\n")
        if n % 13 == 0:
            parts.append(f"  - music: {music_dir}/bed.wav\n    role: bed\n    under: 4\n")
    episode = write_episode(
        show_dir, "title: Long\ndate: 2024-01-01\nsegments:\n" + "".join(parts), slug="long"
    )
    code = (
        "import json, resource\n"
        "from pathlib import Path\n"
        "from broadcast_kit.render import pipeline\n"
        "from broadcast_kit.testing import peak_memory_mib\n"
        f"result = pipeline.render(Path({str(episode)!r}), Path({str(show_dir / 'dist')!r}))\n"
        "maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'peak': peak_memory_mib(), 'ru_maxrss': maxrss,"
        " 'hits': result.stats.hits, 'ms': result.timeline.duration}))\n"
    )
    for _ in range(2):  # the first fills the speech cache; the second is measured (warm)
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    facts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert facts["ms"] > 19 * 60_000  # the episode is as long as meant
    assert facts["hits"] == 560  # warm: every sentence came from the cache
    assert facts["peak"] < 450, facts

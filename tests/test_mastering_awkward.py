"""Mastering targets met on awkward material, measured on the encoded file by ffmpeg's own
EBU R128 meter: a quiet voice with one loud bell (a big gain and heavy limiting of one
moment), speech around a long silence (the gate must ignore it), a clipped recording (a cut,
peaks at full scale). And the render's warning, when a target is missed, names what really
happened: it blames limiting only when the limiter worked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from broadcast_kit import ffmpeg, loudness
from broadcast_kit.loudness import Report as Loudness
from broadcast_kit.render import master, pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import RATE, write_episode, write_wav

TARGET = -16.0  # the podcast preset, stereo


def voice(seconds: float, level_db: float) -> np.ndarray:
    """Something like speech: a 180 Hz buzz with syllables (4 a second) and pauses."""
    t = np.arange(round(seconds * RATE)) / RATE
    syllables = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) * (np.sin(2 * np.pi * 0.3 * t) > -0.5)
    buzz = sum(np.sin(2 * np.pi * 180 * k * t) / k for k in range(1, 6))
    wave = buzz * syllables
    wave *= 10 ** (level_db / 20) / np.sqrt(np.mean(wave**2))  # RMS at level_db
    return np.repeat(wave.astype(np.float32)[:, None], 2, axis=1)


def bell(seconds: float, peak_db: float) -> np.ndarray:
    """A small bell struck once: partials dying away within a few tenths of a second, its
    first peak at `peak_db`."""
    t = np.arange(round(seconds * RATE)) / RATE
    wave = sum(
        np.sin(2 * np.pi * f * t) * np.exp(-t * d) for f, d in ((880, 30), (2150, 45), (3520, 60))
    )
    wave *= 10 ** (peak_db / 20) / np.max(np.abs(wave))
    return np.repeat(wave.astype(np.float32)[:, None], 2, axis=1)


def render_music(show_dir: Path, tmp_path: Path, cache: SpeechCache, samples: np.ndarray):  # type: ignore[no-untyped-def]
    """Render an episode that is this recording alone (music keeps its level: no matching)."""
    folder = show_dir / "ep1"
    folder.mkdir()
    write_wav(folder / "take.wav", samples)
    episode = write_episode(
        show_dir,
        "title: Awkward\ndate: 2024-01-01\ndescription: A take.\nsegments:\n  - music: take.wav\n",
    )
    return pipeline.render(episode, tmp_path / "dist", cache=cache)


def assert_on_target(result) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    lufs, peak = ffmpeg.measure(result.outputs["mp3"])
    assert abs(lufs - TARGET) <= loudness.RENDER_TOLERANCE_LU, lufs
    assert peak <= -1.0, peak
    assert result.warnings == []
    return lufs, peak


def test_a_quiet_voice_with_one_loud_bell(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    """The voice needs some 13 dB of gain; the bell, near full scale, then needs as much
    limiting for a moment. Peak-normalising (or trusting the gain without the limiter's
    cost) leaves the episode at -21 LUFS or worse."""
    quiet = voice(20.0, -30.0)
    at = round(8.0 * RATE)
    struck = bell(0.5, -0.3)
    quiet[at : at + len(struck)] += struck
    result = render_music(show_dir, tmp_path, cache, quiet)
    assert_on_target(result)
    report = result.report.as_dict()["loudness"]
    assert isinstance(report, dict)
    assert report["gain_db"] > 10 and report["limiter_max_db"] > 8


@pytest.mark.timeout(60)
def test_speech_around_a_long_silence(show_dir: Path, tmp_path: Path, cache: SpeechCache) -> None:
    """Two minutes of digital silence between two stretches of voice: the gate leaves the
    silence out of the loudness, so the gain is the one the voice needs."""
    silence = np.zeros((120 * RATE, 2), np.float32)
    result = render_music(
        show_dir, tmp_path, cache, np.concatenate([voice(6.0, -30.0), silence, voice(6.0, -30.0)])
    )
    assert_on_target(result)


def test_a_clipped_recording(show_dir: Path, tmp_path: Path, cache: SpeechCache) -> None:
    """A take recorded far too hot: clipped flat at full scale for most of its peaks."""
    hot = np.clip(voice(10.0, -3.0) * 4, -1.0, 1.0)
    assert np.mean(np.abs(hot) >= 0.999) > 0.05  # really clipped
    result = render_music(show_dir, tmp_path, cache, hot)
    assert_on_target(result)
    report = result.report.as_dict()["loudness"]
    assert isinstance(report, dict) and report["gain_db"] < -5  # a cut, not a boost


def test_a_missed_target_is_not_blamed_on_a_limiter_that_did_nothing(
    show_dir: Path, tmp_path: Path, cache: SpeechCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gain 5 dB short (as a mastering bug would give) on audio that needs no limiting:
    the warning says the target was missed, and that the limiter did not cause it."""
    real = master.master_gain

    def short(*args, **kwargs):  # type: ignore[no-untyped-def]
        gain, plain = real(*args, **kwargs)
        return gain - 5.0, plain - 5.0

    monkeypatch.setattr(master, "master_gain", short)
    result = render_music(show_dir, tmp_path, cache, voice(8.0, -30.0))
    report = result.report.as_dict()["loudness"]
    assert isinstance(report, dict) and report["limiter_max_db"] == 0.0
    lufs, _ = ffmpeg.measure(result.outputs["mp3"])
    assert result.warnings == [
        f"loudness {lufs:.1f} LUFS is {lufs - TARGET:+.1f} LU off the {TARGET:.0f} LUFS target;"
        " the limiter took nothing off, so this is not the mix's peaks: please report it"
    ]


def test_a_missed_target_after_heavy_limiting_says_so() -> None:
    report = Loudness(target_lufs=-16.0, target_true_peak=-1.0, mix_lufs=-40.0,
                                 gain_db=27.0, limiter_max_db=18.3)  # fmt: skip
    assert master.loudness_warning(report, -18.2) == (
        "loudness -18.2 LUFS is -2.2 LU off the -16 LUFS target; the limiter took up to 18.3 dB"
        " off the mix's peaks (a very peaky mix): lower its loudest moments"
    )
    assert master.loudness_warning(report, -16.4) is None


def test_a_peak_that_gets_through_the_first_encode_is_encoded_again(
    show_dir: Path, tmp_path: Path, cache: SpeechCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net behind the limiter's room for LAME's noise: when the first encode's
    true peak is over the target (here the first pass limits 2.5 dB too high, as an encoder
    lifting peaks more than the room allows would), the file is encoded again with a lower
    ceiling, says so, and the file written meets both targets."""
    real = master._encode
    ceilings: list[float] = []

    def lifted(mix, kbps, out, gain_db, ceiling, advance):  # type: ignore[no-untyped-def]
        ceilings.append(ceiling)
        return real(mix, kbps, out, gain_db, ceiling + (2.5 if len(ceilings) == 1 else 0), advance)

    monkeypatch.setattr(master, "_encode", lifted)
    folder = show_dir / "ep1"
    folder.mkdir()
    take = voice(10.0, -30.0)  # needs some 13 dB of gain: its bell, as much limiting
    struck = bell(0.5, -0.3)
    take[RATE * 4 : RATE * 4 + len(struck)] += struck
    write_wav(folder / "take.wav", take)
    episode = write_episode(
        show_dir,
        "title: Awkward\ndate: 2024-01-01\ndescription: A take.\nsegments:\n  - music: take.wav\n",
    )
    said: list[str] = []
    result = pipeline.render(episode, tmp_path / "dist", cache=cache, log=said.append)
    assert len(ceilings) == 2 and ceilings[1] < ceilings[0] - 1.0, ceilings
    assert [line for line in said if "got through" in line] == [
        next(line for line in said if line.startswith("a true peak of "))
    ]
    assert_on_target(result)

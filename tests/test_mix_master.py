"""Mixing and mastering measured on real output: loudness target and true peak on the
encoded file (the limiter engaged through the render path), the presets, ducking depth, no
clicks at joins."""

from __future__ import annotations

import itertools
import json
import typing
from pathlib import Path

import numpy as np
import pytest

from broadcast_kit import ffmpeg, loader, loudness
from broadcast_kit.model import AudioSettings
from broadcast_kit.render import master, mix, pipeline, timeline
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.synth import synthesize_all
from tests.conftest import RATE, tone, write_episode, write_wav


def square(seconds: float, freq: float, level_db: float) -> np.ndarray:
    wave = np.sign(tone(seconds, freq, 0.0, channels=1))
    return np.repeat(np.clip(wave * 10 ** (level_db / 20) * 1.6, -1, 1), 2, axis=1)


@pytest.mark.parametrize(
    ("channels", "preset", "target"),
    [("stereo", "podcast", -16.0), ("mono", "podcast", -19.0), ("stereo", "broadcast", -23.0)],
)
def test_loud_and_quiet_inputs_meet_the_target(
    show_dir: Path,
    tmp_path: Path,
    cache: SpeechCache,
    channels: str,
    preset: str,
    target: float,
) -> None:
    folder = show_dir / "ep1"
    folder.mkdir()
    write_wav(folder / "loud.wav", square(4.0, 220.0, 0.0))  # clipping square wave
    write_wav(folder / "quiet.wav", tone(4.0, 330.0, -55.0))
    write_wav(folder / "music.wav", tone(3.0, 110.0, 0.0) * 0.999)  # full-scale music
    show = show_dir / "show.yaml"
    show.write_text(show.read_text() + f"audio: {{channels: {channels}, loudness: {preset}}}\n")
    episode = write_episode(
        show_dir,
        """\
        title: Extremes
        date: 2024-01-01
        description: Loud and quiet.
        segments:
          - music: music.wav
          - interview:
            speaker: a
            audio: loud.wav
            transcript: A very loud caller.
          - host: And now a very quiet one.
          - interview:
            speaker: b
            audio: quiet.wav
        """,
    )
    result = pipeline.render(episode, tmp_path / "dist", cache=cache)
    lufs, peak = ffmpeg.measure(result.outputs["mp3"])
    assert abs(lufs - target) <= 0.5, lufs  # the product warns beyond 0.5 LU
    assert peak <= -1.0, peak
    report = result.report.as_dict()["loudness"]
    assert isinstance(report, dict)
    assert report["output_lufs"] == lufs and report["target_lufs"] == target
    assert result.warnings == []
    # both clips were matched to the narration: the quiet one got a big boost, the loud a cut
    gains = {
        s["file"].rsplit("/", 1)[-1]: s["gain_db"]
        for s in json.loads(result.outputs["report"].read_text())["segments"]
        if "gain_db" in s
    }
    assert gains["quiet.wav"] > 20 and gains["loud.wav"] < -5


def test_loudness_presets_are_the_published_targets() -> None:
    names = typing.get_args(AudioSettings.model_fields["loudness"].annotation)
    expected = {
        ("podcast", 2): -16.0,
        ("podcast", 1): -19.0,
        ("broadcast", 2): -23.0,  # EBU R128
        ("broadcast", 1): -23.0,
    }
    assert {preset for preset, _ in expected} == set(names) == set(loudness.presets())
    for (preset, channels), lufs in expected.items():
        assert loudness.target(preset, channels) == loudness.Target(lufs, -1.0), preset
    assert loudness.targets_text() == "-16 LUFS stereo, -19 mono"  # as the rule texts quote


def test_a_render_that_needs_the_limiter_holds_the_ceiling(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    """The render path's mastering (pipeline.render -> master.encode): speech quieter than
    the target and drum hits near full scale, so the one gain is positive and lifts the hits
    past the ceiling. The limiter must catch them on the encoded file without costing the
    loudness target."""
    folder = show_dir / "ep1"
    folder.mkdir()
    hits = tone(2.0, 100.0, -40.0)
    for n in range(8):  # 4 ms bursts at -0.1 dBFS: loud peaks, almost no loudness
        start = round((0.1 + n * 0.25) * RATE)
        hits[start : start + round(0.004 * RATE)] = tone(0.004, 2500.0, -0.1)
    write_wav(folder / "hits.wav", hits)
    episode = write_episode(
        show_dir,
        """\
        title: Peaks
        date: 2024-01-01
        description: Drum hits.
        segments:
          - host: A few words before the drum. Then a few more, to set the loudness.
          - music: hits.wav
          - host: And some words after it, at the usual level of the fake voice.
        """,
    )
    result = pipeline.render(episode, tmp_path / "dist", cache=cache)
    report = result.report.as_dict()["loudness"]
    assert isinstance(report, dict)
    assert report["gain_db"] > 1.0  # the mix was quieter than the target: gain, not cut
    assert report["limiter_max_db"] > 2.0  # so the hits went past the ceiling: limited
    lufs, peak = ffmpeg.measure(result.outputs["mp3"])
    assert -2.5 <= peak <= -1.0, peak  # held at the ceiling, not pushed far under it
    assert abs(lufs - -16.0) <= 0.5, lufs
    # the render's own meter of the encoded audio agrees with ffmpeg's (which prints 0.1 dB)
    assert abs(report["output_true_peak"] - peak) <= 0.1 and result.warnings == []


def test_limiter_holds_the_ceiling_and_is_linear_elsewhere() -> None:
    quiet = tone(1.0, 200.0, -30.0)
    spike = tone(0.05, 3000.0, 0.0)
    signal = np.concatenate([quiet, spike, quiet])
    out, reduction = master.limit(signal, RATE, -1.5)
    assert master.true_peaks(out).max() <= 10 ** (-1.5 / 20) + 1e-4
    assert reduction > 1.0
    # far from the spike nothing changed: no compression of the dynamics
    assert np.allclose(out[: RATE // 2], signal[: RATE // 2])
    assert np.allclose(out[-RATE // 2 :], signal[-RATE // 2 :])


def test_the_limiter_leaves_room_for_encoding_noise_only_where_the_top_band_is_loud() -> None:
    """LAME codes a sibilant's noise-like band above 8 kHz with noise nearly as loud as the
    band, which lifts its peaks after the limiter held them: the limiter's peaks there are
    raised by that band's RMS. A voice's low partials get no such room (their peaks are the
    true peaks), so speech without sibilants is limited exactly as before."""
    from scipy.signal import butter, sosfilt

    low = np.concatenate([tone(1.0, 180.0, -6.0), tone(1.0, 1200.0, -6.0)])
    meter = master.PeakMeter(low, noise_rate=RATE)
    plain = master.true_peaks(low)
    assert np.abs(meter.true_peaks() - plain).max() < 0.002 * plain.max()
    noise = np.random.default_rng(5).standard_normal(RATE)
    band = sosfilt(butter(4, (8500, 11000), "bandpass", fs=RATE, output="sos"), noise)
    hiss = np.repeat((0.5 * band / np.abs(band).max()).astype(np.float32)[:, None], 2, axis=1)
    raised = master.PeakMeter(hiss, noise_rate=RATE).true_peaks()
    rms = float(np.sqrt(np.mean(hiss[:, 0] ** 2)))
    middle = slice(RATE // 4, 3 * RATE // 4)  # away from the filter's start
    extra = raised[middle] - master.true_peaks(hiss)[middle]
    assert np.median(extra) == pytest.approx(rms * master.ENCODER_NOISE, rel=0.2)
    # and the limiter holds those raised peaks under its ceiling
    out, reduction = master._gain_and_limit(hiss, RATE, 6.0, -1.5)
    assert reduction > 0.0
    # the hiss's RMS is a quarter of its peak: its peaks are held more than a dB lower
    assert 20 * np.log10(master.true_peaks(out).max()) < -1.5 - 1.0


def test_true_peak_fed_in_blocks_is_the_peak_of_the_whole() -> None:
    """The encoded file's true peak is measured a second at a time as it is decoded, only
    where it can matter; any cut of the signal gives the peak of the whole, inter-sample
    overs included (a sine at fs/4 sampled off its crests: samples at -3 dB of its peak)."""
    rng = np.random.default_rng(7)
    signal = np.concatenate([tone(1.0, 200.0, -30.0), tone(0.3, 2000.0, -12.0)])
    n = np.arange(4000)
    over = (0.9 * np.sin(2 * np.pi * n / 4 + np.pi / 4)).astype(np.float32)[:, None]
    signal = np.concatenate([signal, np.repeat(over, 2, axis=1), tone(0.5, 300.0, -20.0)])
    whole = float(20 * np.log10(master.true_peaks(signal).max()))
    assert whole > 20 * np.log10(np.abs(signal).max()) + 2.5  # the over is between samples
    for sizes in ([len(signal)], [1, 5, 63, 64, 65, 700, 44100], [4096] * 40):
        stream = master.TruePeakStream()
        at = 0
        while at < len(signal):
            size = int(rng.choice(sizes))
            stream.add(signal[at : at + size])
            at += size
        assert stream.dbtp() == pytest.approx(whole, abs=1e-6), sizes
    assert master.TruePeakStream().dbtp() == float("-inf")


def test_a_looped_bed_mixed_in_pieces_is_the_whole_loop() -> None:
    audio = np.random.default_rng(3).standard_normal((3000, 2)).astype(np.float32)
    length = 11_111
    whole = mix.looped(audio, length, RATE, 0, length)
    cuts = [0, 1, 700, 2249, 2250, 2251, 3000, 4500, 4501, 5263, 9000, length]
    pieces = [mix.looped(audio, length, RATE, a, b) for a, b in itertools.pairwise(cuts)]
    assert np.array_equal(np.concatenate(pieces), whole)
    seam = min(round(mix.LOOP_SEAM_MS * RATE / 1000), len(audio) // 4)
    assert np.array_equal(whole[: 3000 - seam], audio[: 3000 - seam])  # the first time as it is


def _bed_only(show_dir: Path, music_dir: Path) -> tuple[timeline.Timeline, np.ndarray]:
    """Render the mix of an episode with a bed under speech, with the speech left out, so the
    bed's own level can be measured inside and outside speech."""
    episode = write_episode(
        show_dir,
        f"""\
        title: Bed
        date: 2024-01-01
        segments:
          - host: Before the bed.
          - music: {music_dir}/bed.wav
            role: bed
            under: 3
            duck: -15
          - host: One sentence under the bed. And another one after it.
          - interview: A reply from the guest, long enough to measure.
            speaker: guest
          - host: The last words under the bed.
          - host: After the bed.
        """.replace(
            "segments:", "voices:\n          guest: {engine: fake, voice: low}\n        segments:"
        ),
    )
    production = loader.load(episode)
    planned = pipeline.plan(production, SpeechCache(show_dir / "c"))
    music = {Path(music_dir / "bed.wav"): ffmpeg.decode(music_dir / "bed.wav", RATE, 2)}

    def fetch(item: timeline.Placed) -> np.ndarray:
        if item.file is not None:
            return music[item.file]
        return np.zeros((round((item.end - item.start) * RATE / 1000), 2), np.float32)

    return planned, mix.mix(planned, fetch, RATE, 2)


def test_bed_ducks_at_least_12_db_under_speech(show_dir: Path, music_dir: Path) -> None:
    planned, bed = _bed_only(show_dir, music_dir)
    item = next(i for i in planned.items if i.role == "bed")
    assert len(item.ducks) == 4  # every sentence spoken over it

    def level(start: int, end: int) -> float:
        chunk = bed[start * RATE // 1000 : end * RATE // 1000]
        return float(10 * np.log10(np.mean(chunk**2)))

    inside = [level(s + 100, e - 100) for s, e in item.ducks if e - s > 400]
    spans = sorted(item.ducks)
    between = [
        level(e1 + 650, s2 - 300)
        for (_, e1), (s2, _) in itertools.pairwise(spans)
        if s2 - e1 > 1200
    ]
    assert inside and between
    assert max(inside) <= min(between) - 12, (inside, between)


def test_no_clicks_at_joins(show_dir: Path, music_dir: Path) -> None:
    planned, bed = _bed_only(show_dir, music_dir)
    source = ffmpeg.decode(music_dir / "bed.wav", RATE, 2)
    steepest_source = np.abs(np.diff(source, axis=0)).max()
    steepest_mix = np.abs(np.diff(bed, axis=0)).max()
    assert steepest_mix <= steepest_source * 1.05
    # looping 3 s of music under ~10 s of speech crossed several seams
    item = next(i for i in planned.items if i.role == "bed")
    assert item.end - item.start > 2 * 3000


def test_duck_envelope_ramps_smoothly() -> None:
    depth = mix.duck_depth(RATE * 3, RATE, 0, ((1000, 2000),), attack=300, release=600)
    assert depth[0] == 0 and depth[RATE * 3 // 2] == 1
    assert 0 < depth[round(0.85 * RATE)] < 1  # inside the attack ramp
    assert 0 < depth[round(2.3 * RATE)] < 1  # inside the release ramp
    assert np.abs(np.diff(depth)).max() < 5 / (0.3 * RATE)


def test_music_level_fades_and_loop() -> None:
    audio = tone(1.0, 100.0, 0.0)
    item = timeline.Placed(
        0,
        "music",
        0,
        2500,
        None,
        file=Path("x.wav"),
        role="bed",
        fade_in=500,
        fade_out=500,
        loop=True,
        level=-6,
    )
    shaped = mix.shape_span(audio, item, RATE, 0, mix.music_length(item, audio, RATE))
    assert len(shaped) == round(2.5 * RATE)
    assert np.abs(shaped[0]).max() < 1e-3 and np.abs(shaped[-1]).max() < 1e-3
    middle = shaped[RATE : RATE + RATE // 10]
    assert abs(20 * np.log10(np.abs(middle).max()) - -6) < 0.2


def test_loudness_meter_agrees_with_pyloudnorm() -> None:
    import pyloudnorm

    rng = np.random.default_rng(7)
    speechy = rng.standard_normal((RATE * 20, 2)).astype(np.float32) * 0.05
    speechy[RATE * 5 : RATE * 9] *= 0.02  # a quiet stretch the relative gate drops
    for samples in (speechy, speechy[:, :1], tone(3.3, 1000.0, -20.0)):
        reference = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
        assert master.loudness(samples, RATE) == pytest.approx(reference, abs=0.01)
    assert master.loudness(np.zeros((RATE, 2), np.float32), RATE) is None
    assert master.loudness(tone(0.2, 100.0), RATE) is None


def test_no_clicks_anywhere_in_a_full_mix(
    show_dir: Path,
    music_dir: Path,
    cache: SpeechCache,
    tmp_path: Path,
) -> None:
    """Speech, intro talk-over, a looped and ducked bed, a sting crossfading out of the bed
    and an outro: no step between two samples of the mix is steeper than the sources' own
    steepest steps can add up to."""
    episode = write_episode(
        show_dir,
        f"""\
        title: Joins
        date: 2024-01-01
        segments:
          - music: {music_dir}/theme.wav
            role: intro
            overlap: 1.5
          - host: First words over the theme. Then more.
          - music: {music_dir}/bed.wav
            role: bed
            under: 2
          - host: Under the bed now, for a while, long enough to loop it.
          - voxpop: Me too, and I have a lot to say about it today.
          - music: {music_dir}/sting.wav
          - host: Last words.
          - music: {music_dir}/theme.wav
            role: outro
            overlap: 1
        """,
    )
    production = loader.load(episode)

    def steepest(audio: np.ndarray) -> float:
        return float(np.abs(np.diff(audio, axis=0)).max())

    music = max(
        steepest(ffmpeg.decode(music_dir / f, RATE, 2))
        for f in ("theme.wav", "bed.wav", "sting.wav")
    )
    spoken, _ = synthesize_all([u for g in pipeline.utterances(production) for u in g], cache)
    speech = max(steepest(pipeline.speech_samples(a, RATE)) for a in spoken)
    clock = pipeline._Clock()
    scratch = pipeline.Scratch(tmp_path)
    mixer, placed, _ = pipeline._assemble(production, cache, None, lambda _m: None, clock, scratch)
    mixed = mixer.range(0, mixer.frames)
    scratch.close()
    assert any(i.role == "bed" and i.end - i.start > 3000 for i in placed.items)  # looped
    # at most one voice and two pieces of music (a crossfade) sound at once
    assert steepest(mixed) <= speech + 2 * music
    assert steepest(mixed) > 0.5 * speech  # the measure is not vacuous


def test_recorded_clips_cut_mid_wave_do_not_click() -> None:
    clip = tone(0.5, 300.0, 0.0)[333:]  # cut where the wave is far from zero
    item = timeline.Placed(0, "interview", 0, 500, None, file=Path("clip.wav"), level=0.0)
    smooth = mix.clip_span(clip, item, RATE, 0, len(clip))  # as the mixer cuts a clip
    assert np.abs(smooth[0]).max() < 0.01 and np.abs(smooth[-1]).max() < 0.01
    assert np.abs(np.diff(smooth, axis=0)).max() <= np.abs(np.diff(clip, axis=0)).max() * 1.5
    assert np.allclose(smooth[RATE // 10 : -RATE // 10], clip[RATE // 10 : -RATE // 10])

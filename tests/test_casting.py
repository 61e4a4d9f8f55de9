"""Casting by description (`voice: {gender: female, accent: us}`) and the warning for two
speakers who would sound like one person."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import loader
from broadcast_kit.cli import app
from broadcast_kit.errors import ConfigError, InputError
from broadcast_kit.render import pipeline
from broadcast_kit.tts import kokoro_voices, registry
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import write_episode

all_extras = pytest.mark.skipif(
    any(registry.get(n).available() for n in ("piper", "hibari", "kokoro")),
    reason="needs the piper, hibari and kokoro extras (pip install 'broadcast-kit[dev]')",
)
english = pytest.mark.skipif(
    bool(kokoro_voices.missing()),
    reason=f"Kokoro's English voices are not installed ({kokoro_voices.COMMAND})",
)


def _episode(show_dir: Path, voices: str, speakers: tuple[str, ...] = ("a", "b")) -> Path:
    lines = "\n".join(
        f"  - interview: Words from {speaker}.\n    speaker: {speaker}" for speaker in speakers
    )
    body = (
        "title: T\ndate: 2024-01-01\nvoices:\n"
        + textwrap.indent(textwrap.dedent(voices), "  ")
        + f"segments:\n  - host: Hello.\n{lines}\ndescription: Casting.\n"
    )
    return write_episode(show_dir, body)


def test_speakers_described_alike_get_different_voices_while_there_are_some(
    show_dir: Path,
) -> None:
    episode = _episode(
        show_dir,
        """\
        a: {engine: fake, voice: {gender: female}}
        b: {engine: fake, voice: {gender: female}, pitch: 1}
        c: {engine: fake, voice: {gender: male, accent: us}}
        """,
        ("a", "b", "c"),
    )
    production = loader.load(episode)
    # the host is fake mid (show.yaml): the first female voice free is high, then mid again
    cast = {k: (production.voices[k].engine, production.voices[k].voice) for k in "abc"}
    assert cast == {"a": ("fake", "high"), "b": ("fake", "mid"), "c": ("fake", "low")}
    assert production.voices["b"].pitch == 1  # adjustments kept
    assert production.cast == {
        "a": "fake high (female gb)",
        "b": "fake mid (female us)",
        "c": "fake low (male us)",
    }
    assert production.warnings == []  # b shares mid with the host, at another pitch


def test_two_speakers_with_one_voice_and_pitch_are_a_warning(show_dir: Path) -> None:
    episode = _episode(
        show_dir,
        """\
        a: {engine: fake, voice: low, speed: 1.2}
        b: {engine: fake, voice: {gender: male}}
        unused: {engine: fake, voice: low}
        """,
    )
    production = loader.load(episode)
    (warning,) = production.warnings
    assert warning.endswith(
        "voices.a and voices.b are both fake low at pitch +0: listeners will hear one person;"
        " give each its own voice (kit voices) or a pitch shift"
    )
    assert "episode.yaml:" in warning
    result = CliRunner().invoke(app, ["render", str(episode), "--out", str(show_dir / "d")])
    assert result.exit_code == 0, result.output
    assert "warning: " + warning in result.stderr


def test_a_description_nothing_installed_fits_is_an_error_listing_the_voices(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "hibari"))  # no voice downloaded before
    monkeypatch.setenv("BROADCAST_KIT_DATA_DIR", str(tmp_path / "data"))  # nor Kokoro's English
    # hibari's British voices need a download, Kokoro's an install, and the fake engine's are
    # for tests: none is cast unless named, so nothing fits
    episode = _episode(show_dir, "a: {voice: {gender: female, accent: gb}}\n", ("a",))
    with pytest.raises(InputError) as caught:
        loader.load(episode)
    message = str(caught.value)
    assert "episode.yaml:4: voices.a.voice: no installed voice is female gb;" in message
    assert "Describe another voice or name one (kit voices)" in message
    assert "fake" not in message and "emma" not in message
    if registry.get("piper").available() is None:
        assert "piper joe (male us)" in message


@all_extras
@english
def test_descriptions_are_cast_across_engines(show_dir: Path) -> None:
    episode = _episode(
        show_dir,
        """\
        a: {voice: {gender: female, accent: us}}
        b: {voice: {gender: male}}
        c: {voice: {gender: male}}
        d: {voice: {accent: jp}, speed: 1.1}
        e: {engine: kokoro, voice: {gender: female}}
        """,
        ("a", "b", "c", "d", "e"),
    )
    production = loader.load(episode)
    assert production.cast == {
        "a": "hibari heart (female us)",
        "b": "piper joe (male us)",
        "c": "kokoro am_fenrir (male us)",
        "d": "kokoro jf_alpha (female jp)",
        # af_heart is the voice hibari's heart (a's) is distilled from: one speaker only
        "e": "kokoro af_bella (female us)",
    }
    assert production.voices["d"].speed == 1.1 and production.voices["d"].engine == "kokoro"
    assert production.warnings == []


@all_extras
@english
def test_casting_never_reuses_a_voice_while_a_distinct_one_fits(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "hibari"))  # hibari's emma not downloaded
    speakers = ("a", "b", "c", "d", "e")
    described = "".join(f"{k}: {{voice: {{gender: female, accent: gb}}}}\n" for k in speakers)
    production = loader.load(_episode(show_dir, described, speakers))
    cast = [production.cast[k] for k in speakers]
    # Kokoro's four British women, best graded first, then (none left) the first again
    assert cast == [
        "kokoro bf_emma (female gb)",
        "kokoro bf_isabella (female gb)",
        "kokoro bf_alice (female gb)",
        "kokoro bf_lily (female gb)",
        "kokoro bf_emma (female gb)",
    ]
    (warning,) = production.warnings
    assert "voices.a and voices.e are both kokoro bf_emma at pitch +0" in warning
    # speakers without a gender take female and male voices in turn, all different
    mixed = "".join(f"{k}: {{voice: {{accent: us}}}}\n" for k in speakers)
    production = loader.load(_episode(show_dir, mixed, speakers))
    sounds = [production.cast[k] for k in speakers]
    assert len(set(sounds)) == len(sounds)
    assert sounds[:4] == [  # af_heart, hibari heart's original, is left out
        "piper joe (male us)",
        "hibari heart (female us)",
        "kokoro am_fenrir (male us)",
        "kokoro af_bella (female us)",
    ]
    genders = [s.split("(")[1].split()[0] for s in sounds]
    assert genders.count("female") in (2, 3) and genders.count("male") in (2, 3)


def test_render_says_whom_it_cast(show_dir: Path, tmp_path: Path, cache: SpeechCache) -> None:
    episode = _episode(show_dir, "a: {engine: fake, voice: {gender: male}}\n", ("a",))
    said: list[str] = []
    result = pipeline.render(episode, tmp_path / "d", cache=cache, log=said.append)
    assert "cast voices.a as fake low (male us)" in said
    engine_voices = {s.voice: s.engine_voice for s in result.report.segments}
    assert engine_voices["a"] == "low"


@pytest.mark.parametrize(
    ("voice", "message"),
    [
        (
            "{engine: fake, voice: {gendr: female}}",
            r"episode.yaml:4: voices.a.voice.gendr: unknown field; did you mean 'gender'\?",
        ),
        (
            "{engine: fake, voice: {}}",
            r"voices.a.voice: describe the voice: gender: female\|male and/or accent",
        ),
        ("{engine: fake, voice: {gender: other}}", r"voices.a.voice.gender: Input should be"),
        ("{engine: fake, voice: {accent: USA}}", r"voices.a.voice.accent: String should match"),
    ],
)
def test_bad_descriptions_are_errors_with_their_line(
    show_dir: Path, voice: str, message: str
) -> None:
    episode = _episode(show_dir, f"a: {voice}\n", ("a",))
    with pytest.raises(ConfigError, match=message):
        loader.load(episode)


@pytest.mark.skipif(importlib.util.find_spec("hibari") is None, reason="hibari-tts not installed")
def test_a_named_engine_may_cast_a_voice_it_would_not_pick_unasked(show_dir: Path) -> None:
    episode = _episode(show_dir, "a: {engine: fake, voice: {gender: female, accent: gb}}\n", ("a",))
    assert loader.load(episode).voices["a"].voice == "high"

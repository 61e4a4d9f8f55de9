"""TTS engines at their boundaries: the registry, gTTS (no network: its request boundary is
replaced), espeak-ng (when installed), Piper voice selection, the cache, sentence splitting."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from broadcast_kit import loader
from broadcast_kit.audio import AudioSegment
from broadcast_kit.cli import app
from broadcast_kit.errors import EngineError, InputError, OutputError
from broadcast_kit.model import Voice
from broadcast_kit.render.sentences import MAX_CHARS, sentences
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import registry, synth
from broadcast_kit.tts.base import Engine, VoiceRequest
from broadcast_kit.tts.cache import SpeechCache, key
from broadcast_kit.tts.gtts import GttsEngine
from broadcast_kit.tts.piper import PiperEngine
from broadcast_kit.tts.voices import resolve
from tests.conftest import encode_mp3, tone, write_episode

LONG = (
    "Japan has insisted on a complete solution of the kidnapping issue since the first North "
    "Korea-Japan summit in 2002, while taking a tough stance against the North, and it has "
    "kept that position through several governments, many rounds of talks and two decades of "
    "changing leadership in Pyongyang."
)


# --- registry ------------------------------------------------------------------------------


def test_builtins_come_from_the_entry_point_group() -> None:
    assert {"piper", "espeak", "gtts", "fake"} <= set(registry.names())
    for name in registry.names():
        engine = registry.get(name)
        assert isinstance(engine, Engine)
        assert engine.name == name
    assert registry.get("piper") is registry.get("piper")  # voices load once per process


def test_unknown_engine_lists_the_installed_ones() -> None:
    with pytest.raises(InputError, match=r"unknown engine 'nope'; installed engines: espeak"):
        registry.get("nope")


def test_a_plugin_registers_like_a_builtin(tmp_path: Path) -> None:
    class Loud(FakeEngine):
        name = "loud"

    registry.register("loud", Loud)
    assert "loud" in registry.names() and registry.get("loud").name == "loud"


def test_a_minimal_plugin_gets_the_base_class_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_extra", dict(registry._extra))  # unregistered afterwards

    class Minimal(Engine):
        name = "minimal"
        version = "minimal 1"  # type: ignore[assignment]

        def voices(self) -> list[str]:
            return ["one", "two"]

        def default_voice(self) -> str:
            return "one"

        def check(self, voice: VoiceRequest) -> None:
            pass

        def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
            return FakeEngine().synthesize(text, VoiceRequest("mid"))

    registry.register("minimal", Minimal)
    engine = registry.get("minimal")
    assert engine.available() is None and engine.native == frozenset() and engine.workers == 1
    assert [i.name for i in engine.voice_info()] == ["one", "two"]
    assert engine.voice_info()[0].describe() == "-"
    assert engine.alphabet is None and engine.phonemes("Seoul", "sˈOl") == "Seoul"
    assert engine.processes is False and engine.threads is None
    assert engine.voice_id("two") == "two"
    key_of = synth.cache_key("Hello.", resolve(Voice(engine="minimal", voice="two")))[0]
    assert key_of == key("minimal", "minimal 1", "two", VoiceRequest("two").options(), "Hello.")


def test_a_plugin_that_does_not_subclass_the_engine_base_class_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "_extra", dict(registry._extra))  # unregistered afterwards

    class Old:  # the shape of an engine before the base class, without it
        name = "old"

    registry.register("old", Old)  # type: ignore[arg-type]
    with pytest.raises(
        EngineError,
        match=r"engine 'old' could not be loaded: .*Old.* does not"
        r" subclass broadcast_kit.tts.base.Engine \(update the plugin\)",
    ):
        registry.get("old")


def test_an_episode_whose_voice_has_an_engine_that_cannot_load_names_the_voices_line(
    show_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolving the episode's voices meets the broken plugin: reported like an engine that
    is not usable, with the voice's file and line; loaded without the engine check, the
    production says why the voice is not resolved."""
    monkeypatch.setattr(registry, "_extra", dict(registry._extra))

    class Old:
        name = "old"

    registry.register("old", Old)  # type: ignore[arg-type]
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("{engine: fake, voice: high}", "{engine: old}"))
    episode = write_episode(show_dir, "title: T\ndate: 2024-01-01\nsegments:\n  - voxpop: Hi.\n")
    with pytest.raises(InputError, match=r"show.yaml:\d+: voices.voxpop: engine 'old' could not"):
        loader.load(episode, engines=True)
    production = loader.load(episode)
    assert (
        set(production.resolved) == set() and "does not subclass" in production.unresolved["voxpop"]
    )
    with pytest.raises(InputError, match=r"voices.voxpop: engine 'old' could not be loaded"):
        production.voice("voxpop")


# --- sentences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "N. Korea, Japan Hold Talks. The U.S. agrees.",
            ["N. Korea, Japan Hold Talks.", "The U.S. agrees."],
        ),
        (
            "Dr. Kim spoke. Prof. Lee replied!  Really?",
            ["Dr. Kim spoke.", "Prof. Lee replied!", "Really?"],
        ),
        (
            "They are very important, aren’t they? It’s crucial.",
            ["They are very important, aren’t they?", "It’s crucial."],
        ),
        (
            "The so-called “Yodo-go hijacking” occurred. Then 1,800 wives came.",
            ["The so-called “Yodo-go hijacking” occurred.", "Then 1,800 wives came."],
        ),
        ("He said “no.” She left.", ["He said “no.”", "She left."]),
        ("no capital after. stays one", ["no capital after. stays one"]),
        (
            "Héllo wörld. 안녕하세요 여러분. émile arrive.",
            ["Héllo wörld.", "안녕하세요 여러분. émile arrive."],
        ),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_long_sentences_split_at_clauses_without_losing_words() -> None:
    pieces = sentences(LONG)
    assert len(pieces) >= 2
    assert all(len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces) == LONG
    assert all(p.endswith((",", ".")) for p in pieces)


# --- gTTS ----------------------------------------------------------------------------------


@pytest.fixture
def fake_google(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, object]]:
    """Replace gTTS's network boundary: every request is recorded and answered with a real
    MP3 (a short tone encoded by ffmpeg)."""
    from gtts import gTTS

    mp3 = tmp_path / "answer.mp3"
    encode_mp3(tone(0.5, 300.0, -20.0, channels=1, rate=24000), 24000, 32, mp3)
    calls: list[dict[str, object]] = []

    def stream(self: gTTS):  # type: ignore[no-untyped-def]
        for chunk in self._tokenize(self.text):
            calls.append({"text": chunk, "lang": self.lang, "tld": self.tld})
            yield mp3.read_bytes()

    monkeypatch.setattr(gTTS, "stream", stream)
    return calls


def test_gtts_maps_voice_and_accent_and_chunks_long_text(
    fake_google: list[dict[str, object]],
) -> None:
    engine = GttsEngine()
    audio = engine.synthesize(LONG, VoiceRequest("en", tld="co.uk"))
    assert len(fake_google) >= 3  # gTTS's 100-character requests
    assert all(len(str(c["text"])) <= 100 for c in fake_google)
    assert " ".join(str(c["text"]) for c in fake_google).split() == LONG.replace(",", "").split()
    assert {(c["lang"], c["tld"]) for c in fake_google} == {("en", "co.uk")}
    assert audio.channels == 1 and audio.frame_rate == 24000
    assert abs(len(audio) - 500 * len(fake_google)) < 100 * len(fake_google)


def test_gtts_default_voice_and_unknown_choices() -> None:
    engine = GttsEngine()
    assert engine.default_voice() == "en" and "ko" in engine.voices()
    with pytest.raises(InputError, match="unknown gtts language 'english'"):
        engine.check(VoiceRequest("english"))
    with pytest.raises(InputError, match=r"unknown gtts accent tld 'co\.kr'; known: com, co\.uk"):
        engine.check(VoiceRequest("en", tld="co.kr"))


def test_gtts_speed_and_pitch_are_applied_afterwards(
    fake_google: list[dict[str, object]],
) -> None:
    engine = GttsEngine()
    req = VoiceRequest("en", speed=1.25, pitch=2.0)
    plain = engine.synthesize("Short one.", VoiceRequest("en"))
    faster = synth.adjust(engine.synthesize("Short one.", req), req, engine)
    assert faster.frame_rate == plain.frame_rate
    assert len(faster) == pytest.approx(len(plain) / 1.25, rel=0.05)


def test_gtts_unreachable_is_an_engine_error_naming_offline_engines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gtts import gTTS, gTTSError

    def offline(self: gTTS):  # type: ignore[no-untyped-def]
        raise gTTSError("Failed to connect. Probable cause: Unknown")
        yield b""

    monkeypatch.setattr(gTTS, "stream", offline)
    with pytest.raises(
        EngineError, match=r"could not reach .* engine: piper \(default\) or espeak"
    ):
        GttsEngine().synthesize("Hello.", VoiceRequest("en"))


@pytest.mark.network
def test_gtts_live() -> None:
    audio = GttsEngine().synthesize("Hello from broadcast kit.", VoiceRequest("en"))
    assert len(audio) > 500


# --- espeak-ng -----------------------------------------------------------------------------


@pytest.mark.espeak
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_voices_speed_and_errors() -> None:
    engine = registry.get("espeak")
    assert engine.available() is None
    assert "en-us" in engine.voices() and "en-gb" in engine.voices()
    normal = engine.synthesize("This is a test of espeak.", VoiceRequest("en-us"))
    fast = engine.synthesize("This is a test of espeak.", VoiceRequest("en-us+m3", speed=1.5))
    assert normal.channels == 1 and len(fast) < len(normal) * 0.8
    with pytest.raises(InputError, match="unknown espeak voice 'klingon'"):
        engine.check(VoiceRequest("klingon"))


def test_espeak_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from broadcast_kit.tts import espeak

    espeak._binary.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        engine = espeak.EspeakEngine()
        assert isinstance(engine, Engine)  # reads every property: none may run the tool
        assert engine.version == "not installed"
        assert "apt-get install espeak-ng" in (engine.available() or "")
        with pytest.raises(EngineError, match="espeak-ng is not installed"):
            engine.synthesize("Hi.", VoiceRequest("en-us"))
        listed = CliRunner().invoke(app, ["voices"])
        assert listed.exit_code == 0, listed.output
        assert "espeak: not available: espeak-ng is not installed" in listed.stdout
    finally:
        espeak._binary.cache_clear()


# --- Piper voices ----------------------------------------------------------------------------


def test_piper_voice_choices(tmp_path: Path) -> None:
    engine = PiperEngine()
    model, config = engine.model_files("joe")
    assert model.suffix == ".onnx" and config.name.endswith(".onnx.json")
    with pytest.raises(InputError, match="unknown piper voice 'amy'; use 'joe' or a path"):
        engine.check(VoiceRequest("amy"))
    with pytest.raises(InputError, match=r"piper voice file .*missing\.onnx does not exist"):
        engine.check(VoiceRequest(str(tmp_path / "missing.onnx")))
    # a local voice: same model under another path is a voice of its own for the cache
    local = tmp_path / "copy.onnx"
    local.symlink_to(model)
    local.with_suffix(".onnx.json").symlink_to(config)
    engine.check(VoiceRequest(str(local)))
    assert engine.voice_id(str(local)).split("@")[1] == engine.voice_id("joe").split("@")[1]


# --- synthesis stage and cache ---------------------------------------------------------------


def test_trim_cuts_edge_silence_only() -> None:
    silence = np.zeros((2205, 1), np.float32)
    speech = tone(0.5, 200.0, -20.0, channels=1, rate=22050)
    padded = np.concatenate([silence, speech, silence, speech, silence])
    pcm = (padded[:, 0] * 32767).astype("<i2").tobytes()
    trimmed = synth.trim(AudioSegment(pcm, sample_width=2, frame_rate=22050, channels=1))
    assert len(trimmed) == pytest.approx(1000 + 100 + 2 * synth.TRIM_PAD_MS, abs=3)


def test_cache_keys_cover_every_input() -> None:
    base = key("piper", "1.0", "joe", {"speed": 1.0}, "Hello.")
    assert base == key("piper", "1.0", "joe", {"speed": 1.0}, "Hello.")
    variants = [
        key("espeak", "1.0", "joe", {"speed": 1.0}, "Hello."),
        key("piper", "1.1", "joe", {"speed": 1.0}, "Hello."),
        key("piper", "1.0", "amy", {"speed": 1.0}, "Hello."),
        key("piper", "1.0", "joe", {"speed": 1.1}, "Hello."),
        key("piper", "1.0", "joe", {"speed": 1.0}, "Hello!"),
    ]
    assert len({base, *variants}) == 6


def test_cache_writes_atomically_and_survives_damage(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    audio = FakeEngine().synthesize("one two", VoiceRequest("mid"))
    cache.put("ab" * 32, audio, engine="fake", version="fake 1")
    assert cache.get("ab" * 32) == audio
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["ab", "ab" * 32 + ".wav"]
    assert not list(tmp_path.rglob("*.tmp"))
    cache.path("cd" * 32).parent.mkdir(parents=True)
    cache.path("cd" * 32).write_bytes(b"RIFF broken")
    assert cache.get("cd" * 32) is None  # a damaged entry is a miss
    assert cache.get("ef" * 32) is None


def test_cache_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "here"))
    assert SpeechCache().root == tmp_path / "here" / "speech-v2"


def test_synthesize_all_dedupes_and_counts(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    host = resolve(Voice(engine="fake", voice="mid"))
    utts = [synth.Utterance(t, "host", host) for t in ("One.", "Two.", "One.")]
    audio, stats = synth.synthesize_all(utts, cache)
    # the fake engine's two slots synthesize at once: in either order, each sentence once
    assert sorted(FakeEngine.spoken) == ["One.", "Two."] and stats.misses == 2
    assert len(audio) == 3 and audio[0] == audio[2]
    audio, stats = synth.synthesize_all(utts, cache)
    assert stats.misses == 0 and stats.hits == 3 and sorted(FakeEngine.spoken) == ["One.", "Two."]


def test_unwritable_cache_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = SpeechCache(blocker / "cache")
    utts = [synth.Utterance("One.", "host", resolve(Voice(engine="fake", voice="mid")))]
    with pytest.raises(OutputError, match=r"speech cache .* BROADCAST_KIT_CACHE_DIR"):
        synth.synthesize_all(utts, cache)
    assert os.listdir(tmp_path) == ["file"]

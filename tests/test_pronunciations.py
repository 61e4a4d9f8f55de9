"""The pronunciation lexicon: how entries match (whole words, case, longest first), what each
engine is sent (respelling, or phonemes in its markup), that a render re-synthesizes exactly
the sentences an entry changes while the transcripts keep the written words, and the errors
for entries that cannot work."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

from broadcast_kit.errors import ConfigError, InputError
from broadcast_kit.model import Pronunciation
from broadcast_kit.render import pipeline
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import VoiceRequest
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.lexicon import Lexicon
from tests.conftest import write_episode

NAMES = Lexicon(
    {
        "Park": "Pahk",
        "Park Seong-jin": Pronunciation(
            say="Pahk Sung-jin",
            phonemes={"piper": "pˈɑːk sˈʌŋdʒˈin", "kokoro": "pˈɑk sʌŋʤˈin"},
        ),
        "sohaegeum": "so-heh-gum",
        "Pyongyang": Pronunciation(phonemes={"piper": "pjˈɔŋjˌæŋ"}),
    }
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Park Seong-jin played.", ["Park Seong-jin"]),  # the longer entry wins
        ("Park  Seong-jin played.", ["Park Seong-jin"]),  # any spaces inside a phrase
        ("Park attended the school.", ["Park"]),
        ("Park’s fiddle and Park's bow.", ["Park", "Park"]),  # a possessive is still the word
        ("a car park, a parking lot, Parks.", []),  # case-aware and whole words only
        ("A Sohaegeum, the SOHAEGEUM, sohaegeums.", ["sohaegeum", "sohaegeum"]),
        ("North Korea-Japan talks in Pyongyang.", ["Pyongyang"]),
        ("Pyongyangese", []),
    ],
)
def test_entries_match_whole_words_and_capitalised_ones_exactly(
    text: str, found: list[str]
) -> None:
    assert NAMES.matches(text) == found


def test_each_engine_is_sent_the_form_it_reads() -> None:
    text = "Park Seong-jin played the sohaegeum in Pyongyang. Sohaegeum, said Park."
    assert NAMES.say(text, registry.get("fake")) == (
        "Pahk Sung-jin played the so-heh-gum in Pyongyang. So-heh-gum, said Pahk."
    )  # no phonemes for the fake engine: respellings, and words with neither stay as written
    assert NAMES.say(text, registry.get("piper")) == (
        "[[ pˈɑːk sˈʌŋdʒˈin ]] played the so-heh-gum in [[ pjˈɔŋjˌæŋ ]]. So-heh-gum, said Pahk."
    )
    # hibari reads the same alphabet as Kokoro: Kokoro's phonemes serve it too
    for engine in ("kokoro", "hibari"):
        assert NAMES.say(text, registry.get(engine)) == (
            "[Park Seong-jin](/pˈɑk sʌŋʤˈin/) played the so-heh-gum in Pyongyang."
            " So-heh-gum, said Pahk."
        )
    assert Lexicon().say(text, registry.get("piper")) == text


def _show_with(show_dir: Path, pronunciations: str) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text() + textwrap.dedent(pronunciations), encoding="utf-8")


EPISODE = """\
    title: Names
    date: 2024-01-01
    voices:
      guest: {engine: fake, voice: low, name: Park Seong-jin}
    segments:
      - host: The talks were held in Pyongyang. Nobody expected them. The hall was full.
      - interview: I studied in Pyongyang. I play the fiddle.
        speaker: guest
    """


def test_an_entry_changes_exactly_the_sentences_with_its_word(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    episode = write_episode(show_dir, EPISODE)
    plain = pipeline.render(episode, tmp_path / "plain", cache=cache)
    assert len(FakeEngine.spoken) == 5

    _show_with(show_dir, "pronunciations:\n  Pyongyang: Pyong-yang\n")
    FakeEngine.spoken.clear()
    said = pipeline.render(episode, tmp_path / "said", cache=cache)
    synthesis = said.report.as_dict()["synthesis"]
    assert isinstance(synthesis, dict)
    assert (synthesis["synthesized"], synthesis["cached"]) == (2, 3)
    assert sorted(FakeEngine.spoken) == [  # two slots at once: in either order
        "I studied in Pyong-yang.",
        "The talks were held in Pyong-yang.",
    ]

    # the episode's entry wins over the show's, and again only those two sentences change
    text = episode.read_text().replace(
        "segments:", "pronunciations:\n  Pyongyang: Pyong yang\nsegments:"
    )
    episode.write_text(text)
    FakeEngine.spoken.clear()
    again = pipeline.render(episode, tmp_path / "again", cache=cache)
    assert sorted(FakeEngine.spoken) == [
        "I studied in Pyong yang.",
        "The talks were held in Pyong yang.",
    ]

    # what listeners read keeps the written words
    for result in (said, again):
        for kind in ("vtt", "srt", "transcript"):
            written = result.outputs[kind].read_text()
            assert written.count("Pyongyang") == 2, kind
            assert "Pyong-yang" not in written and "Pyong yang" not in written, kind
        segments = json.loads(result.outputs["transcript"].read_text())["segments"]
        assert segments[0]["body"] == "The talks were held in Pyongyang."
    # and the audio of the changed sentences differs: a different mix from the plain render
    assert plain.report.as_dict()["audio"] != said.report.as_dict()["audio"]


def test_entries_that_match_nothing_change_no_cache_key(show_dir: Path, tmp_path: Path) -> None:
    episode = write_episode(show_dir, EPISODE)
    cache = SpeechCache(tmp_path / "c")
    pipeline.render(episode, tmp_path / "a", cache=cache)
    # a name not in the script, and a capitalised entry that only a capitalised word matches
    _show_with(show_dir, "pronunciations:\n  Seo Jin-seon: Saw Jin-sun\n  Held: Hell-d\n")
    result = pipeline.render(episode, tmp_path / "b", cache=cache)
    synthesis = result.report.as_dict()["synthesis"]
    assert isinstance(synthesis, dict) and (synthesis["synthesized"], synthesis["cached"]) == (0, 5)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "  Pyongyang: {phonemes: {espeak: pjɔŋ}}",
            r"show.yaml:\d+: pronunciations.Pyongyang.phonemes.espeak: engine 'espeak' does not"
            r" read phonemes \(engines that do: hibari, kokoro, piper\); give a respelling",
        ),
        (
            "  Pyongyang: {phonemes: {festival: pjɔŋ}}",
            r"pronunciations.Pyongyang.phonemes.festival: unknown engine 'festival'",
        ),
        (
            "  Pyongyang: {sya: Pyong-yang}",
            r"show.yaml:\d+: pronunciations.Pyongyang.sya: unknown field; did you mean 'say'\?",
        ),
        ("  Pyongyang: {}", r"pronunciations.Pyongyang: give a respelling \(say: \.\.\.\)"),
        (
            "  Pyongyang: {phonemes: {piper: '[[pjɔŋ]]'}}",
            r"phonemes '\[\[pjɔŋ\]\]' contain \[ \] \( \) or /; write the bare phonemes",
        ),
        ("  '...': dots", r"'\.\.\.': a pronunciation is for a word or phrase"),
        ("  Pyongyang: ''", r"pronunciations.Pyongyang: String should have at least 1 character"),
    ],
)
def test_entries_that_cannot_work_are_errors_with_their_line(
    show_dir: Path, entry: str, message: str
) -> None:
    _show_with(show_dir, f"pronunciations:\n{entry}\n")
    episode = write_episode(show_dir, EPISODE)
    with pytest.raises((ConfigError, InputError), match=message):
        pipeline.dry_run(episode)


@pytest.mark.skipif(importlib.util.find_spec("hibari") is None, reason="hibari-tts not installed")
def test_hibari_says_the_phonemes_it_is_given() -> None:
    engine = registry.get("hibari")
    text = "They met in Pyongyang."
    own = engine.synthesize(text, VoiceRequest("heart"))
    lexicon = Lexicon({"Pyongyang": Pronunciation(phonemes={"hibari": "pjˈʌŋjæŋ"})})
    said = lexicon.say(text, engine)
    assert said == "They met in [Pyongyang](/pjˈʌŋjæŋ/)."
    marked = engine.synthesize(said, VoiceRequest("heart"))
    assert marked.raw_data != own.raw_data
    # the markup is read, not spoken: as long as the words themselves, give or take a vowel
    assert abs(len(marked) - len(own)) < 250


@pytest.mark.slow
@pytest.mark.skipif(registry.get("piper").available() is not None, reason="piper not installed")
def test_piper_reads_the_phonemes_it_is_given() -> None:
    from piper import PiperVoice

    engine = registry.get("piper")
    model, config = engine.model_files("joe")  # type: ignore[attr-defined]
    voice = PiperVoice.load(model, config_path=config)
    said = NAMES.say("Park Seong-jin studied in Pyongyang.", engine)
    phonemes = "".join("".join(sentence) for sentence in voice.phonemize(said))
    assert "pˈɑːk sˈʌŋdʒˈin" in phonemes and "pjˈɔŋjˌæŋ" in phonemes

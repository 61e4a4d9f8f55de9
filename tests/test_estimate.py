"""Estimates of speech not synthesized yet: each voice's measured pace (per letter and per
sentence, from the table calibrate.py writes), divided by its speed, corrected by the
episode's sentences already in the cache; engines without an entry keep 2.6 words/s."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcast_kit import loader
from broadcast_kit.model import Voice
from broadcast_kit.render import estimate, pipeline
from broadcast_kit.render.sentences import WORDS_PER_SECOND
from broadcast_kit.tts import registry
from broadcast_kit.tts.cache import SpeechCache
from broadcast_kit.tts.voices import resolve
from tests.conftest import write_episode

TEXT = "North Korea and Japan held talks in 2012, the first in four years."


def test_letters_count_digits_as_three() -> None:
    assert estimate.letters("Ab, c-d!") == 4
    assert estimate.letters("in 2012") == 2 + 12
    assert estimate.letters("Пхеньян 평양") == 9  # letters of any script


def test_every_offline_voice_of_the_extras_has_a_measured_pace() -> None:
    table = estimate.table()
    for engine in ("piper", "hibari", "kokoro"):
        voices = [i.name for i in registry.get(engine).voice_info() if i.castable and not i.missing]
        for voice in [*voices, "*"]:
            pace = table[engine][voice]
            assert 0.04 < pace.letter < 0.12 and 0 <= pace.sentence < 1, (engine, voice)


def test_the_pace_is_the_voices_and_its_speed_divides_it() -> None:
    joe = Voice(engine="piper", voice="joe")
    pace = estimate.table()["piper"]["joe"]
    assert estimate.seconds(TEXT, joe) == pytest.approx(
        pace.letter * estimate.letters(TEXT) + pace.sentence
    )
    faster = Voice(engine="piper", voice="joe", speed=1.25)
    assert estimate.seconds(TEXT, faster) == pytest.approx(estimate.seconds(TEXT, joe) / 1.25)
    other = Voice(engine="piper", voice="/voices/en_GB-alan-medium.onnx")
    assert estimate.seconds(TEXT, other) == estimate.seconds(TEXT, joe)  # the engine's '*'
    kokoro = estimate.table()["kokoro"]
    default = Voice(engine="kokoro")  # the engine's default voice, jf_alpha, not its '*'
    assert estimate.pace(default) == kokoro["jf_alpha"] != kokoro["*"]
    assert estimate.pace(resolve(default)) == kokoro["jf_alpha"]  # as a render resolved it
    odd = Voice(engine="kokoro", voice="xx_unknown")
    assert estimate.pace(odd) == kokoro["*"]
    plugin = Voice(engine="fake", voice="mid")
    assert estimate.seconds(TEXT, plugin) == pytest.approx(13 / WORDS_PER_SECOND)


def test_measured_sentences_correct_the_voices_others() -> None:
    voice = Voice(engine="hibari", voice="heart")
    other = Voice(engine="piper", voice="joe")
    guess = estimate.seconds(TEXT, voice)
    estimator = estimate.Estimator()
    assert estimator.seconds(TEXT, voice) == pytest.approx(guess)
    for _ in range(30):  # this voice turns out 20% slower than its table says
        estimator.learn(TEXT, voice, 1.2 * guess)
    corrected = estimator.seconds(TEXT, voice)
    assert 1.15 * guess < corrected < 1.2 * guess  # pulled towards 1 a little
    assert estimator.seconds(TEXT, other) == pytest.approx(estimate.seconds(TEXT, other))


def test_a_dry_run_learns_the_pace_from_the_cache(show_dir: Path, tmp_path: Path) -> None:
    """The fake engine speaks 120 ms a word, far from 2.6 words/s: after half the episode
    is rendered, the dry run of the whole estimates the other half from that half."""
    lines = [f"Sentence {n} has a few more words than the one before it" for n in range(40)]
    half = write_episode(
        show_dir,
        "title: x\ndate: 2024-01-02\nsegments:\n"
        + "".join(f"  - host: {t}.\n" for t in lines[:20]),
    )
    cache = SpeechCache(tmp_path / "speech")
    pipeline.render(half, tmp_path / "half", cache=cache)
    whole = write_episode(
        show_dir,
        "title: x\ndate: 2024-01-02\nsegments:\n" + "".join(f"  - host: {t}.\n" for t in lines),
        slug="whole",
    )
    production = loader.load(whole)
    cold = pipeline.plan(production, None).duration
    warm = pipeline.plan(production, cache).duration
    rendered = pipeline.render(whole, tmp_path / "whole", cache=cache).timeline.duration
    assert abs(cold - rendered) > 0.5 * rendered  # 2.6 words/s is far off for this engine
    assert abs(warm - rendered) < 0.12 * rendered

"""The speech cache key, table-driven: everything that changes a sentence's audio changes its
key (so a hit is always the right audio), and nothing else does (so a cosmetic edit such as
a speaker's display name re-synthesizes nothing). Only the key is tested here, not how the
cache stores its entries."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, ClassVar

import pytest

from broadcast_kit.model import Voice
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import cache, registry, synth
from broadcast_kit.tts.base import VoiceRequest
from broadcast_kit.tts.voices import resolve

TEXT = "Good evening."
BASE = Voice(engine="fake", voice="mid", speed=1.0, pitch=0.0, name="Host")
GTTS = Voice(engine="gtts", voice="en", tld="co.uk")


class Twin(FakeEngine):
    """The fake engine under another name: same version, voices and sound."""

    name: ClassVar[str] = "fake-twin"


@dataclasses.dataclass(frozen=True)
class Row:
    """A sentence before and after changing one field, and whether its audio changes."""

    field: str
    after: tuple[str, Voice]
    changes_audio: bool = True
    before: tuple[str, Voice] = (TEXT, BASE)
    newer_engine: bool = False  # the engine's version goes up between the two keys


ROWS = [
    Row("engine", (TEXT, BASE.model_copy(update={"engine": "fake-twin"}))),
    Row("engine version", (TEXT, BASE), newer_engine=True),
    Row("voice", (TEXT, BASE.model_copy(update={"voice": "low"}))),
    Row("speed", (TEXT, BASE.model_copy(update={"speed": 1.1}))),
    Row("pitch", (TEXT, BASE.model_copy(update={"pitch": -2.0}))),
    Row("tld", (TEXT, GTTS.model_copy(update={"tld": "com.au"})), before=(TEXT, GTTS)),
    Row("text", ("Good evening!", BASE)),
    Row("name", (TEXT, BASE.model_copy(update={"name": "Kim Min-ji"})), changes_audio=False),
    Row("role", (TEXT, BASE.model_copy(update={"role": "narrator"})), changes_audio=False),
]


@pytest.fixture(autouse=True)
def _twin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._extra, Twin.name, Twin)
    monkeypatch.setitem(registry._instances, Twin.name, Twin())


def _key(text: str, voice: Voice) -> str:
    return synth.cache_key(text, resolve(voice))[0]


@pytest.mark.parametrize("row", ROWS, ids=[row.field for row in ROWS])
def test_cache_key(row: Row, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _key(*row.before)
    assert old == _key(*row.before)  # stable
    if row.newer_engine:
        monkeypatch.setattr(FakeEngine, "version", property(lambda _self: "fake 2"))
    new = _key(*row.after)
    if row.changes_audio:
        assert new != old, f"a new {row.field} would reuse the old audio from the cache"
    else:
        assert new == old, f"a new {row.field} would synthesize everything again"


def test_every_voice_field_is_in_the_table() -> None:
    """A field added to voices later (a pronunciation, a volume) must be classified above,
    and every field of the engine's request must reach the key."""
    assert set(Voice.model_fields) <= {row.field for row in ROWS}
    request = {f.name for f in dataclasses.fields(VoiceRequest)} - {"voice"}
    assert request == set(VoiceRequest("v").options())
    assert request <= {row.field for row in ROWS if row.changes_audio}


ARGUMENTS: dict[str, Any] = {
    "engine": "piper",
    "version": "piper-tts 1.3",
    "voice": "joe",
    "options": {"speed": 1.0, "pitch": 0.0, "tld": None},
    "text": TEXT,
}


@pytest.mark.parametrize("argument", ARGUMENTS)
def test_cache_key_function_uses_every_argument(argument: str) -> None:
    assert list(ARGUMENTS) == list(inspect.signature(cache.key).parameters)
    new = {"speed": 1.0, "pitch": 0.0, "tld": "com"} if argument == "options" else "x"
    assert cache.key(**{**ARGUMENTS, argument: new}) != cache.key(**ARGUMENTS)

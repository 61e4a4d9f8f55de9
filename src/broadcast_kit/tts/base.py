"""The engine protocol every TTS engine implements, and what it is asked for.

An engine turns one sentence into mono audio in one of its voices. Speed and pitch are part
of the request: an engine that can do them natively says so in `native`; the synthesis stage
applies the others afterwards, so every engine supports both. Optional members, so older
plugins keep working: `voice_info()` describes the voices (gender, accent, whether one needs
a download); `alphabet` + `phonemes(text)` let the pronunciation lexicon hand the engine
phonemes instead of a respelling; `processes = True` has a cold cache synthesized in up to
`workers` worker processes, each with its own instance of the engine class (which must be
importable), and an instance attribute `threads`, if it has one, set to its share of the
cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:  # the audio stack loads only where audio is made
    from broadcast_kit.audio import AudioSegment


@dataclass(frozen=True)
class VoiceRequest:
    """One resolved voice: engine-specific `voice` name plus adjustments."""

    voice: str
    speed: float = 1.0
    pitch: float = 0.0
    tld: str | None = None

    def options(self) -> dict[str, object]:
        return {"speed": self.speed, "pitch": self.pitch, "tld": self.tld}


Gender = Literal["female", "male"]


@dataclass(frozen=True)
class VoiceInfo:
    """What `kit voices` and casting by description know about one voice of an engine."""

    name: str
    gender: Gender | None = None
    #: the accent of its English as a two-letter code: us, gb, jp (Japanese-accented), ...
    accent: str | None = None
    #: why it cannot be used right now (e.g. it needs a download), else None
    missing: str | None = None
    #: a voice for tests, or one that needs the network: never picked by description
    castable: bool = True
    note: str | None = None  # shown by `kit voices`
    #: "engine voice" of another engine's voice this one sounds like (hibari's heart is
    #: distilled from kokoro af_heart): casting gives them to one speaker at most
    same_as: str | None = None

    def describe(self) -> str:
        return " ".join(part for part in (self.gender, self.accent) if part) or "-"


@runtime_checkable
class Engine(Protocol):
    """What broadcast-kit needs from a TTS engine (built-in or third-party)."""

    name: ClassVar[str]
    #: which adjustments synthesize() applies itself ("speed", "pitch")
    native: ClassVar[frozenset[str]]
    #: how many sentences may be synthesized at once
    workers: ClassVar[int]

    @property
    def version(self) -> str:
        """Changes whenever the same text could sound different (engine or voice data)."""
        ...

    def available(self) -> str | None:
        """None when usable, else a one-line reason with the fix."""
        ...

    def voices(self) -> list[str]: ...

    def default_voice(self) -> str: ...

    def check(self, voice: VoiceRequest) -> None:
        """Raise InputError naming the valid choices when `voice` is not one of ours."""
        ...

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        """Mono speech for `text`; raise EngineError with a message that says what to do."""
        ...


def voice_infos(engine: Engine) -> list[VoiceInfo]:
    """The engine's voices, described where the engine says how (its optional `voice_info`)."""
    described = getattr(engine, "voice_info", None)
    if described is not None:
        infos: list[VoiceInfo] = described()
        return infos
    return [VoiceInfo(name) for name in engine.voices()]


def alphabet(engine: Engine) -> str | None:
    """The phoneme alphabet the engine reads inline (its optional `alphabet`), or None."""
    value = getattr(engine, "alphabet", None)
    return value if isinstance(value, str) else None

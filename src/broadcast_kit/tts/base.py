"""The engine base class every TTS engine subclasses, and what an engine is asked for.

An engine turns one sentence into mono audio in one of its voices. Speed and pitch are part
of the request: an engine that can do them natively says so in `native`; the synthesis stage
applies the others afterwards, so every engine supports both. `Engine` lists the members an
engine must define and gives the optional ones their defaults.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

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


class Engine(ABC):
    """What broadcast-kit needs from a TTS engine, built-in or third-party: subclass it.

    Required: `name`, `version`, `voices()`, `default_voice()`, `check(voice)` and
    `synthesize(text, voice)`. Everything else has a default, which an engine overrides when
    it can do better:

    - `native` (no adjustment: speed and pitch are applied afterwards), `workers` (1
      sentence at a time), `available()` (always usable);
    - `voice_info()`: the voices described (gender, accent, a download needed) for `kit
      voices` and casting by description; by default each voice by its name alone;
    - `alphabet` + `phonemes(written, phonemes)`: the phoneme alphabet the engine reads
      inline and how to mark phonemes in the text, for the pronunciation lexicon; by default
      none (the lexicon's respelling is sent);
    - `processes = True`: a cold cache is synthesized in up to `workers` worker processes,
      each with its own instance of the engine class (which must be importable), and
      `threads` is set to each one's share of the cores (None: the engine decides);
    - `local = False`: the engine waits on a service rather than computing here, so its
      sentences do not count against the cores;
    - `voice_id(voice)`: what identifies a voice's data (a model file's sha256), in cache
      keys and the render's fingerprint; by default the voice's name.
    """

    name: ClassVar[str]
    #: which adjustments synthesize() applies itself ("speed", "pitch")
    native: ClassVar[frozenset[str]] = frozenset()
    #: how many sentences may be synthesized at once
    workers: ClassVar[int] = 1
    #: the phoneme alphabet synthesize() reads inline (see `phonemes`), or None
    alphabet: ClassVar[str | None] = None
    #: synthesize a cold cache in worker processes, one engine instance each
    processes: ClassVar[bool] = False
    #: threads for this instance's model, set by the synthesis stage (None: every core)
    threads: int | None = None
    #: synthesizes on this machine's cores (False: a service over the network), so the
    #: synthesis stage runs no more of its sentences, with other engines', than there are cores
    local: ClassVar[bool] = True

    @property
    @abstractmethod
    def version(self) -> str:
        """Changes whenever the same text could sound different (engine or voice data)."""

    def available(self) -> str | None:
        """None when usable, else a one-line reason with the fix."""
        return None

    @abstractmethod
    def voices(self) -> list[str]: ...

    @abstractmethod
    def default_voice(self) -> str: ...

    @abstractmethod
    def check(self, voice: VoiceRequest) -> None:
        """Raise InputError naming the valid choices when `voice` is not one of ours."""

    @abstractmethod
    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        """Mono speech for `text`; raise EngineError with a message that says what to do."""

    def voice_info(self) -> list[VoiceInfo]:
        """The voices, described (by default by their names alone)."""
        return [VoiceInfo(name) for name in self.voices()]

    def phonemes(self, written: str, phonemes: str) -> str:
        """The text to send for `written` said as `phonemes` (in `alphabet`); called only
        when `alphabet` is set (by default the words as written)."""
        return written

    def voice_id(self, voice: str) -> str:
        """What identifies `voice`'s data in cache keys and fingerprints (by default its
        name)."""
        return voice

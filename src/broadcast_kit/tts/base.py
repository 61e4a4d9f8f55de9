"""The engine protocol every TTS engine implements, and what it is asked for.

An engine turns one sentence into mono audio in one of its voices. Speed and pitch are part
of the request: an engine that can do them natively says so in `native`; the synthesis stage
applies the others afterwards, so every engine supports both. An engine may also set
`processes = True` (optional): a cold cache is then synthesized in up to `workers` worker
processes, each with its own instance of the engine class (which must be importable), and
an instance attribute `threads`, if it has one, is set to its share of the cores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

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

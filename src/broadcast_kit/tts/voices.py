"""A speaker's voice as its engine will speak it, worked out once per production.

`loader.load` resolves every voice the episode speaks with (after casting) into a frozen
`ResolvedVoice`: the engine, the voice it is asked for (its default filled in), speed, pitch
and accent, and what identifies the voice's data. Synthesis and its cache keys, the render
report and the ID3 provenance, the fingerprint and a cluster's checks all read that value;
none of them asks the engine registry about a voice again.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadcast_kit.errors import EngineError
from broadcast_kit.model import Voice
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import Engine, VoiceRequest


@dataclass(frozen=True)
class ResolvedVoice:
    """One speaker's voice, resolved: plain data, so it travels to worker processes."""

    written: Voice  # as the show or episode gives it (cast, when it was described)
    engine: str  # the engine's name in the registry
    version: str  # the engine's version
    request: VoiceRequest  # what the engine is asked for: its default voice filled in
    voice_id: str  # what identifies the voice's data, in cache keys and fingerprints

    @property
    def name(self) -> str:
        """The engine's name for the voice, as the report and the ID3 tags give it."""
        return self.request.voice


def request(voice: Voice, engine: Engine) -> VoiceRequest:
    """What `engine` is asked for when `voice` speaks: its default voice when none is named."""
    if not isinstance(voice.voice, str | None):  # loader.load casts every described voice
        raise ValueError(f"voice {voice.voice!r} is a description: cast it first")
    return VoiceRequest(voice.voice or engine.default_voice(), voice.speed, voice.pitch, voice.tld)


def resolve(voice: Voice) -> ResolvedVoice:
    """`voice` resolved by its engine; EngineError when the engine is not usable here (the
    message names the engine and the fix), InputError when it does not know the voice."""
    engine = registry.get(voice.engine)
    # an engine whose extra is not installed cannot name its voice's data (hibari imports
    # itself for that)
    problem = engine.available()
    if problem is not None:
        raise EngineError(f"engine '{voice.engine}': {problem}")
    req = request(voice, engine)
    return ResolvedVoice(voice, voice.engine, engine.version, req, engine.voice_id(req.voice))


def check(voice: ResolvedVoice) -> None:
    """InputError naming the engine's choices when the engine does not have the voice here
    (a voice that needs a download, say)."""
    registry.get(voice.engine).check(voice.request)

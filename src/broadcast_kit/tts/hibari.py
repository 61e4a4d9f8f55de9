"""hibari: a small, fast offline English voice distilled from Kokoro-82M (`hibari-tts`).

Only the voice `heart` (American English, female) ships in the wheel; hibari's other voices
are downloaded by hibari on first use, which broadcast-kit never lets it do: they are listed
as needing a download and refused with a message saying how to fetch them, unless hibari's
own cache (`HIBARI_HOME`) already holds them. The noise part of hibari's signal is seeded,
so a sentence always gives the same samples. Its English G2P (`hibari.g2p`, no espeak)
writes Kokoro's phoneme alphabet ("misaki"); the Kokoro engine borrows it.
"""

from __future__ import annotations

import importlib.util
import os
from importlib.metadata import PackageNotFoundError, version
from typing import Any, ClassVar

import numpy as np

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts.base import Engine, VoiceInfo, VoiceRequest

DEFAULT = "heart"
SEED = 20120906  # any fixed number: the same sentence gives the same samples
INSTALL_HINT = "install it with: pip install 'broadcast-kit[hibari]' (./scripts/kit does this)"


def installed() -> bool:
    return importlib.util.find_spec("hibari") is not None


def package_version() -> str:
    try:
        return version("hibari-tts")
    except PackageNotFoundError:
        return "not installed"


def new_g2p(british: bool = False) -> Any:
    """hibari's English G2P (text -> misaki phonemes); each engine keeps its own."""
    from hibari.g2p import G2P

    return G2P(british=british)


def mark_misaki(written: str, phonemes: str) -> str:
    """Inline phonemes the way hibari's G2P reads them: `[word](/phonemes/)`."""
    return f"[{written}](/{phonemes}/)"


def _registry() -> dict[str, dict[str, Any]]:
    from hibari.voices import VOICES

    voices: dict[str, dict[str, Any]] = VOICES
    return voices


def _local_model(name: str) -> str | None:
    """The voice's model file when it is on this machine (never downloads), else None."""
    from hibari.voices import voice_path

    try:
        path: str = voice_path(name, download_missing=False)
    except FileNotFoundError:
        return None
    return path


def _to_segment(samples: np.ndarray, rate: int) -> AudioSegment:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    return AudioSegment(pcm, sample_width=2, frame_rate=rate, channels=1)


class HibariEngine(Engine):
    name: ClassVar[str] = "hibari"
    native: ClassVar[frozenset[str]] = frozenset({"speed"})
    workers: ClassVar[int] = 1  # about 130x faster than real time on one core already
    alphabet: ClassVar[str] = "misaki"

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}

    def available(self) -> str | None:
        if not installed():
            return f"hibari-tts is not installed; {INSTALL_HINT}"
        return None

    @property
    def version(self) -> str:
        return f"hibari-tts {package_version()}"

    def voice_info(self) -> list[VoiceInfo]:
        infos = []
        for name, data in _registry().items():
            missing = None
            if not data.get("bundled") and _local_model(name) is None:
                missing = f"needs a download ({data['bytes'] / 1e6:.1f} MB)"
            accent = str(data.get("language", "")).rpartition("-")[2].lower() or None
            gender = data.get("gender")
            infos.append(
                VoiceInfo(
                    name,
                    gender if gender in ("female", "male") else None,
                    accent,
                    missing=missing,
                    same_as=f"kokoro {data['kokoro']}" if data.get("kokoro") else None,
                )
            )
        return infos

    def voices(self) -> list[str]:
        return list(_registry())

    def default_voice(self) -> str:
        return DEFAULT

    def phonemes(self, written: str, phonemes: str) -> str:
        return mark_misaki(written, phonemes)

    def _model(self, name: str) -> str:
        problem = self.available()
        if problem:
            raise EngineError(problem)
        known = _registry()
        if name not in known:
            raise InputError(f"unknown hibari voice '{name}'; voices: {', '.join(known)}")
        path = _local_model(name)
        if path is None:
            size = known[name]["bytes"] / 1e6
            home = os.environ.get("HIBARI_HOME") or "~/.cache/hibari"
            raise InputError(
                f"hibari voice '{name}' is not installed: hibari downloads it ({size:.1f} MB) on"
                f" first use, and broadcast-kit renders offline and never downloads voices."
                f" Fetch it once while online with `hibari --voice {name} Hello -o hello.wav`"
                f" (it lands in {home}), or use voice '{DEFAULT}', which ships with hibari-tts"
            )
        return path

    def check(self, voice: VoiceRequest) -> None:
        self._model(voice.voice)

    def voice_id(self, voice: str) -> str:
        """The voice's name and the sha256 of its model (from hibari's registry): a changed
        model is a new voice for the cache."""
        data = _registry().get(voice, {})
        return f"{voice}@{str(data.get('sha256', ''))[:16]}"

    def _load(self, name: str) -> Any:
        if name not in self._loaded:
            path = self._model(name)
            from hibari import Hibari

            british = bool(_registry()[name].get("british"))
            try:
                self._loaded[name] = Hibari(voice=name, model=path, g2p=new_g2p(british))
            except Exception as exc:  # onnxruntime raises its own error types
                raise EngineError(f"hibari could not load voice {name} ({path}): {exc}") from exc
        return self._loaded[name]

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        tts = self._load(voice.voice)
        samples = tts(text, speed=voice.speed, seed=SEED)
        if len(samples) == 0:
            raise EngineError(f"hibari produced no audio for {text[:40]!r}")
        return _to_segment(samples, int(tts.sample_rate))

"""espeak-ng: offline formant TTS through its command line, when installed.

Voices are espeak-ng's names with optional variants (`en-us`, `en-gb+f2`, `en-us+m3`). It is
robotic but very fast and runs as separate processes, so sentences go in parallel.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from functools import cache
from typing import ClassVar

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts.base import Engine, VoiceRequest

WORDS_PER_MINUTE = 175  # espeak-ng's default speed


@cache
def _binary() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def _run(args: list[str]) -> bytes:
    binary = _binary()
    if binary is None:
        raise EngineError(
            "espeak-ng is not installed; install it (apt-get install espeak-ng) or use engine piper"
        )
    proc = subprocess.run([binary, *args], capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
        raise EngineError(f"espeak-ng failed: {message}")
    return proc.stdout


@cache
def _version() -> str:
    text = _run(["--version"]).decode("utf-8", "replace")
    return " ".join(text.split("Data at:")[0].split())  # without the data folder


class EspeakEngine(Engine):
    name: ClassVar[str] = "espeak"
    native: ClassVar[frozenset[str]] = frozenset({"speed"})
    workers: ClassVar[int] = os.cpu_count() or 2

    def available(self) -> str | None:
        if _binary() is None:
            return "espeak-ng is not installed (apt-get install espeak-ng)"
        return None

    @property
    def version(self) -> str:
        # a property is read by isinstance() on the Engine protocol: never fail here
        return _version() if _binary() is not None else "not installed"

    @cache  # noqa: B019 - one engine instance per process
    def voices(self) -> list[str]:
        lines = _run(["--voices"]).decode("utf-8", "replace").splitlines()[1:]
        names: set[str] = set()
        for line in lines:  # Pty Language Age/Gender VoiceName File ...
            fields = line.split()
            if len(fields) >= 4:
                names.update((fields[1], fields[3]))
        return sorted(names, key=lambda name: (name[:1].isupper(), name))  # codes first

    def default_voice(self) -> str:
        return "en-us"

    def check(self, voice: VoiceRequest) -> None:
        if voice.voice.split("+", 1)[0] not in self.voices():
            raise InputError(
                f"unknown espeak voice '{voice.voice}'; see `kit voices` (e.g. en-us, en-gb+f2)"
            )

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        self.check(voice)
        wav = _run(
            ["-v", voice.voice, "-s", str(round(WORDS_PER_MINUTE * voice.speed)), "--stdout", text]
        )
        return AudioSegment.from_wav(io.BytesIO(wav))

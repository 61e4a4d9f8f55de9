"""Test helpers shipped with the package: a deterministic fake TTS engine, and a process's
own peak memory (for the tests' and scripts/bench's memory figures).

`FakeEngine` needs no model and no network: each word becomes a short tone whose pitch comes
from the word, so equal text gives equal audio and durations grow with the text. It counts
what it synthesizes, which is how tests prove the cache works. It is not an installed engine
(users' `kit voices` does not list it): tests register it, `registry.register("fake",
FakeEngine)` in the process and `tests/plugin/` on PYTHONPATH for child processes, and
plugin authors' tests can do the same.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import ClassVar

import numpy as np

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts.base import Engine, VoiceInfo, VoiceRequest

RATE = 22050
WORD_MS = 90
GAP_MS = 30


def peak_memory_mib() -> float:
    """This process's own peak resident memory (MiB), for a memory test or benchmark run in
    a child process.

    Not getrusage's ru_maxrss where /proc has better: Linux's exec() folds the high-water
    mark of the memory it replaces into ru_maxrss (exec_mmap in fs/exec.c), and a child that
    subprocess starts with vfork replaces its parent's, so the child of a 2 GB test run
    reports 2 GB from its first line, whatever it uses itself. VmHWM is the mark of this
    program's own memory."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8", errors="replace")
    except OSError:
        status = ""
    found = re.search(r"^VmHWM:\s+(\d+) kB$", status, re.MULTILINE)
    if found:
        return int(found.group(1)) / 1024
    import resource  # POSIX only: imported here, so the fake engine loads everywhere

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS


class FakeEngine(Engine):
    name: ClassVar[str] = "fake"
    native: ClassVar[frozenset[str]] = frozenset({"speed", "pitch"})
    workers: ClassVar[int] = 2
    #: every text synthesized in this process, in order
    spoken: ClassVar[list[str]] = []
    #: set to a message to make the next synthesize() calls fail
    fail_with: ClassVar[str | None] = None

    def available(self) -> str | None:
        return None

    @property
    def version(self) -> str:
        return "fake 1"

    def voices(self) -> list[str]:
        return ["low", "mid", "high"]

    def default_voice(self) -> str:
        return "mid"

    def voice_info(self) -> list[VoiceInfo]:
        # described for casting tests; picked by description only when engine: fake is given
        return [
            VoiceInfo("low", "male", "us", castable=False),
            VoiceInfo("mid", "female", "us", castable=False),
            VoiceInfo("high", "female", "gb", castable=False),
        ]

    def check(self, voice: VoiceRequest) -> None:
        if voice.voice not in self.voices():
            raise InputError(
                f"unknown fake voice '{voice.voice}'; voices: {', '.join(self.voices())}"
            )

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        self.check(voice)
        if self.fail_with:
            raise EngineError(self.fail_with)
        FakeEngine.spoken.append(text)
        base = {"low": 110.0, "mid": 180.0, "high": 260.0}[voice.voice] * 2 ** (voice.pitch / 12)
        word_n = max(1, round(RATE * WORD_MS / 1000 / voice.speed))
        gap = np.zeros(round(RATE * GAP_MS / 1000 / voice.speed), dtype=np.float32)
        t = np.arange(word_n) / RATE
        window = np.sin(np.pi * np.arange(word_n) / word_n) ** 2  # no clicks at word edges
        pieces: list[np.ndarray] = []
        for word in text.split():
            step = int(hashlib.sha256(word.encode()).hexdigest()[:2], 16) / 255
            pieces += [0.3 * window * np.sin(2 * np.pi * base * (1 + step) * t), gap]
        audio = np.concatenate(pieces).astype(np.float32)
        pcm = (audio * 32767).astype("<i2").tobytes()
        return AudioSegment(pcm, sample_width=2, frame_rate=RATE, channels=1)

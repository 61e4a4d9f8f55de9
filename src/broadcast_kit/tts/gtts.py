"""gTTS: Google Translate's online text-to-speech (needs the network).

The voice is a language code (`en`, `fr`, ...) and `tld` picks the accent through the Google
domain (`com` US, `co.uk` British, `com.au` Australian, `co.in` Indian, `ca` Canadian, ...).
gTTS splits text longer than its 100-character limit itself; failures to reach the service
become an error that names the offline engines.
"""

from __future__ import annotations

import io
from typing import ClassVar

import numpy as np

from broadcast_kit import ffmpeg
from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts.base import Engine, VoiceRequest

ACCENTS = (
    "com",
    "co.uk",
    "com.au",
    "co.in",
    "ca",
    "ie",
    "co.za",
    "com.ng",
    "com.br",
    "pt",
    "com.mx",
    "es",
    "fr",
)
RATE = 24000  # gTTS MP3s are 24 kHz mono


def offline_hint() -> str:
    return "render offline with engine: piper (default) or espeak"


class GttsEngine(Engine):
    name: ClassVar[str] = "gtts"
    native: ClassVar[frozenset[str]] = frozenset()
    workers: ClassVar[int] = 4  # network-bound
    local: ClassVar[bool] = False

    def available(self) -> str | None:
        return None  # reachability is only known when it is used

    @property
    def version(self) -> str:
        from gtts import __version__

        return f"gtts {__version__}"

    def voices(self) -> list[str]:
        from gtts.lang import tts_langs

        return sorted(tts_langs())

    def default_voice(self) -> str:
        return "en"

    def check(self, voice: VoiceRequest) -> None:
        if voice.voice not in self.voices():
            raise InputError(
                f"unknown gtts language '{voice.voice}'; e.g. en, fr, de, es, ko, ja"
                " (`kit voices` lists all)"
            )
        if voice.tld is not None and voice.tld not in ACCENTS:
            raise InputError(f"unknown gtts accent tld '{voice.tld}'; known: {', '.join(ACCENTS)}")

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        from gtts import gTTS, gTTSError

        self.check(voice)
        buffer = io.BytesIO()
        try:
            gTTS(text, lang=voice.voice, tld=voice.tld or "com").write_to_fp(buffer)
        except gTTSError as exc:
            raise EngineError(
                f"gtts could not reach Google's text-to-speech service ({exc}); {offline_hint()}"
            ) from exc
        except (OSError, ValueError) as exc:
            raise EngineError(f"gtts failed ({exc}); {offline_hint()}") from exc
        samples = ffmpeg.decode_bytes(buffer.getvalue(), RATE, what="gtts audio")
        pcm = (np.clip(samples[:, 0], -1, 1) * 32767).astype("<i2").tobytes()
        return AudioSegment(pcm, sample_width=2, frame_rate=RATE, channels=1)

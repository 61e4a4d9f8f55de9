"""Content-addressed cache of synthesized sentences.

The key is the sha256 of (engine, engine version, voice, options, text): anything that could
change the sound is in it, so a hit is always right and an edit misses exactly the sentences
it touched. Entries are WAV files written to a temp file and moved into place, so two renders
sharing the cache never see half an entry. Lives under the user cache folder, or
`BROADCAST_KIT_CACHE_DIR`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from platformdirs import user_cache_dir

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import OutputError
from broadcast_kit.files import atomic_open

ENV = "BROADCAST_KIT_CACHE_DIR"
LAYOUT = "speech-v1"


def default_root() -> Path:
    return Path(os.environ.get(ENV) or user_cache_dir("broadcast-kit")) / LAYOUT


def key(engine: str, version: str, voice: str, options: dict[str, object], text: str) -> str:
    blob = json.dumps([engine, version, voice, options, text], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class SpeechCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_root()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def get(self, key: str) -> AudioSegment | None:
        path = self.path(key)
        try:
            with path.open("rb") as fh:  # pydub leaves a file it opened itself unclosed
                return AudioSegment.from_wav(fh)
        except FileNotFoundError:
            return None
        except Exception:  # a damaged entry is a miss; it will be rewritten
            return None

    def put(self, key: str, audio: AudioSegment) -> None:
        try:
            with atomic_open(self.path(key)) as fh:
                audio.export(fh, format="wav")
        except OSError as exc:
            raise OutputError(
                f"cannot write the speech cache at {self.root} ({exc.strerror});"
                f" set {ENV} to a writable folder"
            ) from exc

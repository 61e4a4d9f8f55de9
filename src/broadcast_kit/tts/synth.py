"""The synthesis stage: every sentence of the episode, through the cache, engine by engine.

A sentence is looked up by its content key first; only misses reach an engine, in parallel
up to the engine's `workers`. Speed and pitch an engine cannot do itself are applied here
with ffmpeg (pitch: asetrate + aresample + atempo, so the tempo is kept), and silence at the
edges is trimmed so the timeline knows exactly when the words begin and end. What is stored
in the cache is that final sentence. A damaged cache entry counts as a miss and is replaced;
after writing, the cache evicts what exceeds its size bound. The pronunciation lexicon
rewrites the text each engine is sent (and so its key); the utterance keeps the written text.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from broadcast_kit import ffmpeg
from broadcast_kit.audio import AudioSegment
from broadcast_kit.model import Voice
from broadcast_kit.tts import cache as cache_mod
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import Engine, VoiceRequest
from broadcast_kit.tts.lexicon import Lexicon

Progress = Callable[[int, int, str], None]  # done, total, what
TRIM_DB = -50.0
TRIM_PAD_MS = 30


@dataclass(frozen=True)
class Utterance:
    text: str
    voice_key: str
    voice: Voice
    lexicon: Lexicon | None = None  # how to say names; `text` stays as written


@dataclass
class SynthStats:
    hits: int = 0
    misses: int = 0
    synthesized: list[str] = field(default_factory=list)
    engines: dict[str, str] = field(default_factory=dict)  # engine -> version
    repaired: int = 0  # damaged cache entries synthesized again and replaced
    evicted: int = 0  # entries removed afterwards to keep the cache within its bound

    def warnings(self) -> list[str]:
        if not self.repaired:
            return []
        entries = "entry" if self.repaired == 1 else "entries"
        return [
            f"repaired {self.repaired} damaged speech cache {entries}: synthesized again and"
            " replaced (`kit cache verify` checks the whole cache)"
        ]


def request(voice: Voice, engine: Engine) -> VoiceRequest:
    if not isinstance(voice.voice, str | None):  # loader.load casts every described voice
        raise ValueError(f"voice {voice.voice!r} is a description: cast it first")
    return VoiceRequest(voice.voice or engine.default_voice(), voice.speed, voice.pitch, voice.tld)


def spoken(text: str, engine: Engine, lexicon: Lexicon | None) -> str:
    """The text `engine` is sent for the written `text`: the lexicon's entries applied."""
    return lexicon.say(text, engine) if lexicon else text


def cache_key(
    text: str, voice: Voice, lexicon: Lexicon | None = None
) -> tuple[str, Engine, VoiceRequest]:
    engine = registry.get(voice.engine)
    req = request(voice, engine)
    voice_id = getattr(engine, "voice_id", None)
    ident = voice_id(req.voice) if voice_id else req.voice
    # the text as sent: a lexicon entry changes the key of exactly the sentences it rewrites
    said = spoken(text, engine, lexicon)
    return cache_mod.key(engine.name, engine.version, ident, req.options(), said), engine, req


def adjust(audio: AudioSegment, req: VoiceRequest, engine: Engine) -> AudioSegment:
    """Apply the speed/pitch the engine did not, keeping its sample rate."""
    factor = 2 ** (req.pitch / 12) if "pitch" not in engine.native else 1.0
    tempo = (req.speed if "speed" not in engine.native else 1.0) / factor
    if factor == 1.0 and tempo == 1.0:
        return audio
    rate = audio.frame_rate
    graph = []
    if factor != 1.0:
        graph += [f"asetrate={rate * factor:.3f}", f"aresample={rate}"]
    while tempo < 0.5 or tempo > 2.0:  # atempo's range per instance
        step = 0.5 if tempo < 0.5 else 2.0
        graph.append(f"atempo={step}")
        tempo /= step
    graph.append(f"atempo={tempo:.6f}")
    samples = np.frombuffer(audio.set_channels(1).set_sample_width(2).raw_data, dtype="<i2")
    out = ffmpeg.filter_mono(samples, rate, ",".join(graph), what=f"{engine.name} speech")
    return AudioSegment(out.tobytes(), sample_width=2, frame_rate=rate, channels=1)


def trim(audio: AudioSegment) -> AudioSegment:
    """Cut leading and trailing silence, keeping a short pad."""
    samples = np.abs(np.frombuffer(audio.set_channels(1).set_sample_width(2).raw_data, "<i2"))
    loud = np.flatnonzero(samples > 32768 * 10 ** (TRIM_DB / 20))
    if len(loud) == 0:
        return audio
    pad = round(audio.frame_rate * TRIM_PAD_MS / 1000)
    first = max(0, loud[0] - pad)
    last = min(len(samples), loud[-1] + pad)
    frames = audio.get_sample_slice(first, last)
    return frames


def synthesize_all(
    utterances: list[Utterance],
    cache: cache_mod.SpeechCache,
    progress: Progress | None = None,
) -> tuple[list[AudioSegment], SynthStats]:
    stats = SynthStats()
    results: list[AudioSegment | None] = [None] * len(utterances)
    todo: dict[str, tuple[Engine, VoiceRequest, str, list[int]]] = {}
    found: dict[str, AudioSegment] = {}
    for n, utt in enumerate(utterances):
        key, engine, req = cache_key(utt.text, utt.voice, utt.lexicon)
        stats.engines[engine.name] = engine.version
        if key in todo:
            todo[key][3].append(n)
            continue
        if key not in found:
            try:
                hit = cache.load(key)
            except cache_mod.DamagedEntry:  # a miss; put() below replaces the entry
                hit = None
                stats.repaired += 1
            if hit is None:
                todo[key] = (engine, req, spoken(utt.text, engine, utt.lexicon), [n])
                continue
            found[key] = hit
        stats.hits += 1
        results[n] = found[key]
    stats.misses = len(todo)
    done = 0
    total = len(todo)

    def work(key: str) -> AudioSegment:
        engine, req, text, _ = todo[key]
        audio = trim(adjust(engine.synthesize(text, req), req, engine))
        cache.put(key, audio, engine=engine.name, version=engine.version)
        return audio

    by_engine: dict[str, list[str]] = {}
    for key, (engine, _, _, _) in todo.items():
        by_engine.setdefault(engine.name, []).append(key)
    for keys in by_engine.values():
        engine = todo[keys[0]][0]
        with ThreadPoolExecutor(max_workers=max(1, engine.workers)) as pool:
            for key, audio in zip(keys, pool.map(work, keys), strict=True):
                text, indexes = todo[key][2], todo[key][3]
                stats.synthesized.append(text)
                for n in indexes:
                    results[n] = audio
                done += 1
                if progress:
                    progress(done, total, text)
    if todo:  # only writes can take the cache past its bound
        stats.evicted = cache.evict().entries
    complete = [audio for audio in results if audio is not None]
    assert len(complete) == len(utterances), "every sentence is a cache hit or synthesized"
    return complete, stats

"""The synthesis stage: every sentence of the episode, through the cache, engine by engine.

A sentence is looked up by its content key first; only misses reach an engine, in parallel
up to the engine's `workers`: in threads, or in worker processes (one engine, one model
load each) for engines that set `processes`, such as Piper. Speed and pitch an engine
cannot do itself are applied here with ffmpeg (pitch: asetrate + aresample + atempo, so the
tempo is kept), and silence at the edges is trimmed so the timeline knows exactly when the
words begin and end. What is stored in the cache is that final sentence. A damaged cache
entry counts as a miss and is replaced; after writing, the cache evicts what exceeds its
size bound. The pronunciation lexicon rewrites the text each engine is sent (and so its
key); the utterance keeps the written text. A miss is claimed in the cache before it is
synthesized: when another render (a batch's other worker) is making that sentence now, this
one goes on with its other sentences and takes the entry when it is written, so a batch never
synthesizes one sentence twice at once.
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing
import os
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from broadcast_kit import ffmpeg, workers
from broadcast_kit.audio import AudioSegment
from broadcast_kit.tts import cache as cache_mod
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import Engine, VoiceRequest
from broadcast_kit.tts.lexicon import Lexicon
from broadcast_kit.tts.voices import ResolvedVoice

Progress = Callable[[int, int, str], None]  # done, total, what
TRIM_DB = -50.0
TRIM_PAD_MS = 30

_share: int | None = None  # the cores this process may use; None: all of the machine's


def share() -> int:
    """The cores one render in this process may use: all of them, unless a batch gave this
    worker process a share (`set_share`), so that N renders at once do not each start
    synthesis processes and threads for every core."""
    return _share or os.cpu_count() or 1


def set_share(cores: int | None) -> None:
    global _share
    _share = max(1, cores) if cores else None


@dataclass(frozen=True)
class Utterance:
    text: str
    voice_key: str
    voice: ResolvedVoice
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


def spoken(text: str, engine: Engine, lexicon: Lexicon | None) -> str:
    """The text `engine` is sent for the written `text`: the lexicon's entries applied."""
    return lexicon.say(text, engine) if lexicon else text


def cache_key(
    text: str, voice: ResolvedVoice, lexicon: Lexicon | None = None
) -> tuple[str, Engine, VoiceRequest]:
    """The sentence's cache key, with the engine that speaks it and what it is asked for."""
    engine = registry.get(voice.engine)  # the engine itself, to say the text; not the voice
    req = voice.request
    # the text as sent: a lexicon entry changes the key of exactly the sentences it rewrites
    said = spoken(text, engine, lexicon)
    key = cache_mod.key(engine.name, engine.version, voice.voice_id, req.options(), said)
    return key, engine, req


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


Deliver = Callable[[list[int], AudioSegment], None]  # utterance indexes, their audio


def synthesize_each(
    utterances: list[Utterance],
    cache: cache_mod.SpeechCache,
    deliver: Deliver,
    progress: Progress | None = None,
) -> SynthStats:
    """Every utterance's audio handed to `deliver` as soon as it is there, none kept: cache
    misses go to their engines first (in worker processes for engines that ask for them, one
    engine and model per worker), and cache hits are read meanwhile. Equal sentences are
    synthesized once and delivered together. `progress` counts synthesized sentences."""
    stats = SynthStats()
    groups: dict[str, tuple[Engine, VoiceRequest, str, list[int]]] = {}
    for n, utt in enumerate(utterances):
        key, engine, req = cache_key(utt.text, utt.voice, utt.lexicon)
        stats.engines[engine.name] = engine.version
        if key in groups:
            groups[key][3].append(n)
        else:  # the engine is sent the text as the lexicon says it
            groups[key] = (engine, req, spoken(utt.text, engine, utt.lexicon), [n])
    # the longest sentences first: the slots then end together, on short ones, rather than
    # one core idling while another finishes a long sentence taken last
    todo = sorted(
        (key for key in groups if not cache.path(key).exists()),
        key=lambda key: -len(groups[key][2]),
    )
    lock = threading.Lock()  # sentences arrive from several threads: one at a time

    def handover(indexes: list[int], audio: AudioSegment) -> None:
        with lock:
            deliver(indexes, audio)

    with _Workers(groups, cache, handover, progress, stats) as workers:
        workers.submit(todo)
        for key, (_, _, _, indexes) in groups.items():
            if key in workers.submitted:
                continue
            try:
                hit = cache.load(key)
            except cache_mod.DamagedEntry:  # a miss; the put after synthesis replaces it
                hit = None
                stats.repaired += 1
            if hit is None:
                workers.submit([key])
                continue
            stats.hits += len(indexes)
            handover(indexes, hit)  # the workers deliver meanwhile: one at a time
    stats.misses = len(workers.submitted) - workers.found
    if stats.misses:  # only writes can take the cache past its bound
        stats.evicted = cache.evict().entries
    return stats


def synthesize_all(
    utterances: list[Utterance],
    cache: cache_mod.SpeechCache,
    progress: Progress | None = None,
) -> tuple[list[AudioSegment], SynthStats]:
    """Every utterance's audio, in order (all of it in memory: for short lists)."""
    results: list[AudioSegment | None] = [None] * len(utterances)

    def keep(indexes: list[int], audio: AudioSegment) -> None:
        for n in indexes:
            results[n] = audio

    stats = synthesize_each(utterances, cache, keep, progress)
    complete = [audio for audio in results if audio is not None]
    assert len(complete) == len(utterances), "every sentence is a cache hit or synthesized"
    return complete, stats


def _synthesize(engine: Engine, req: VoiceRequest, text: str) -> AudioSegment:
    return trim(adjust(engine.synthesize(text, req), req, engine))


_worker_engine: Engine | None = None


def _start_worker(engine_type: type[Engine], threads: int) -> None:
    """A worker process's one engine (its model loads once, at its first sentence)."""
    global _worker_engine
    workers.quiet_when_idle()
    _worker_engine = engine_type()
    _worker_engine.threads = threads


def _work(req: VoiceRequest, text: str) -> tuple[bytes, int, int, int]:
    assert _worker_engine is not None
    with workers.job():
        audio = _synthesize(_worker_engine, req, text)
    return audio.raw_data, audio.sample_width, audio.frame_rate, audio.channels


class _Streams:
    """At most `streams` sentences synthesized at once across all of a render's engines, a
    free stream going to the longest sentence waiting: each engine has slots for every core,
    so without this a render of three engines ran five models at once on two cores, each
    slowed by the others and the last to finish holding up the stage."""

    def __init__(self, streams: int) -> None:
        self.free = streams
        self.changed = threading.Condition()
        self.waiting: list[tuple[int, int]] = []  # (-length, arrival): a heap
        self.arrivals = itertools.count()

    @contextmanager
    def held(self, length: int) -> Iterator[None]:
        with self.changed:
            ticket = (-length, next(self.arrivals))
            heapq.heappush(self.waiting, ticket)
            while not (self.free and self.waiting[0] == ticket):
                self.changed.wait()
            heapq.heappop(self.waiting)
            self.free -= 1
            self.changed.notify_all()  # the next in line may take another free stream
        try:
            yield
        finally:
            with self.changed:
                self.free += 1
                self.changed.notify_all()


class _Workers:
    """Synthesizes the cache misses, each engine's in its own slots, each slot taking the
    next sentence as soon as it is free. An engine that asks for `processes` gets up to its
    `workers` (and the machine's cores) slots: this process's own instance in one, worker
    processes started for the others (one engine and model each); a single sentence is
    synthesized here, with no process to start. Other engines get `workers` threads. Engines
    that compute here (`local`) share the cores: no more of their sentences at once than
    there are cores (`_Streams`)."""

    def __init__(
        self,
        groups: dict[str, tuple[Engine, VoiceRequest, str, list[int]]],
        cache: cache_mod.SpeechCache,
        deliver: Deliver,
        progress: Progress | None,
        stats: SynthStats,
    ) -> None:
        self.groups, self.cache, self.deliver = groups, cache, deliver
        self.progress, self.stats = progress, stats
        self.submitted: set[str] = set()
        self.queues: dict[str, queue.SimpleQueue[str | None]] = {}
        self.slots: dict[str, int] = {}
        self.ended: list[threading.Event] = []  # one per slot, set when its thread ends
        self.pools: list[ProcessPoolExecutor] = []
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.done = 0
        #: keys another render was making when a slot came to them: taken at the end
        self.deferred: dict[str, list[str]] = {}
        self.found = 0  # of the keys submitted, those another render made meanwhile
        self.streams = _Streams(share())

    def __enter__(self) -> _Workers:
        return self

    def submit(self, keys: list[str]) -> None:
        waiting = Counter(self.groups[key][0].name for key in keys)
        for key in keys:
            engine = self.groups[key][0]
            if engine.name not in self.queues:
                self._start(engine, waiting[engine.name])
            self.submitted.add(key)
            self.queues[engine.name].put(key)

    def _start(self, engine: Engine, waiting: int) -> None:
        self.queues[engine.name] = queue.SimpleQueue()
        self.deferred[engine.name] = []
        slots = max(1, min(engine.workers, waiting))
        pool = None
        if engine.processes:
            cores = share()
            slots = min(slots, cores)
            threads = max(1, cores // slots)
            if slots > 1:
                pool = ProcessPoolExecutor(
                    slots - 1,
                    mp_context=multiprocessing.get_context("spawn"),  # no inherited threads
                    initializer=_start_worker,
                    initargs=(type(engine), threads),
                )
                self.pools.append(pool)
            # this process's slot gets its share too: all of a batch worker's share, when
            # that worker synthesizes alone rather than starting processes for each episode
            if pool is not None or _share is not None:
                engine.threads = threads
        self.slots[engine.name] = slots
        for slot in range(slots):
            # processes: slot 0 is this process's own engine, the others a worker each
            remote = pool if pool is not None and slot > 0 else None
            ended = threading.Event()
            self.ended.append(ended)
            thread = threading.Thread(target=self._drain, args=(engine, remote, ended), daemon=True)
            thread.start()

    def _drain(
        self, engine: Engine, pool: ProcessPoolExecutor | None, ended: threading.Event
    ) -> None:
        try:
            self._take(engine, pool)
        finally:
            ended.set()

    def _take(self, engine: Engine, pool: ProcessPoolExecutor | None) -> None:
        while (key := self.queues[engine.name].get()) is not None:
            self._make(key, engine, pool, wait=False)
        while True:  # the queue is done: now wait for what other renders were making
            with self.lock:
                if not self.deferred[engine.name]:
                    return
                key = self.deferred[engine.name].pop()
            self._make(key, engine, pool, wait=True)

    def _make(self, key: str, engine: Engine, pool: ProcessPoolExecutor | None, wait: bool) -> None:
        if self.errors:
            return  # something failed: take the rest off the queue, do nothing
        _, req, text, indexes = self.groups[key]
        try:
            claim = self.cache.claim(key, wait=wait)
            if claim is None:  # another render is making it: later, from the cache
                with self.lock:
                    self.deferred[engine.name].append(key)
                return
            with claim:
                made = self.cache.get(key)  # written by the render that held the claim
                if made is None:
                    made = self._synthesize(engine, pool, req, text)
                    self.cache.put(key, made, engine=engine.name, version=engine.version)
                else:
                    with self.lock:
                        self.found += 1
                        self.stats.hits += len(indexes)
        except BaseException as exc:  # raised again by __exit__, in the caller's thread
            self.errors.append(exc)
            return
        if self.errors:
            return  # stopped meanwhile: the caller no longer takes sentences
        self.deliver(indexes, made)
        with self.lock:
            self.done += 1
            if self.progress:
                self.progress(self.done, len(self.submitted), text)

    def _synthesize(
        self, engine: Engine, pool: ProcessPoolExecutor | None, req: VoiceRequest, text: str
    ) -> AudioSegment:
        if not engine.local:
            return self._run(engine, pool, req, text)
        with self.streams.held(len(text)):
            if self.errors:  # stopped while waiting for a stream
                raise RuntimeError("stopped")
            return self._run(engine, pool, req, text)

    def _run(
        self, engine: Engine, pool: ProcessPoolExecutor | None, req: VoiceRequest, text: str
    ) -> AudioSegment:
        if pool is None:
            audio = _synthesize(engine, req, text)
        else:
            with workers.starting():  # the pool starts its process at a first job
                job = pool.submit(_work, req, text)
            data, width, rate, channels = job.result()
            audio = AudioSegment(data, sample_width=width, frame_rate=rate, channels=channels)
        with self.lock:
            self.stats.synthesized.append(text)
        return audio

    def _end_slots(self) -> None:
        """Tell every slot to stop after what is queued (or dropped), and wait for them: on
        events rather than Thread.join, which Ctrl-C leaves believing a running thread has
        ended (Python 3.11's fix of bpo-45274 releases the lock the thread holds), so a slot
        would deliver to a caller that had gone on."""
        for name, slots in self.slots.items():
            for _ in range(slots):
                self.queues[name].put(None)
        interrupted = False
        for ended in self.ended:
            while not ended.is_set():
                try:
                    ended.wait()
                except KeyboardInterrupt:  # once more (Ctrl-C twice): still wait, at most
                    interrupted = True  # the sentence under way, then stop as asked
                    self.errors.append(RuntimeError("stopped"))
        if interrupted:
            raise KeyboardInterrupt

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None:
            self.errors.append(RuntimeError("stopped"))  # the slots drop what is left
        done = False
        try:
            self._end_slots()
            done = not self.errors
        except BaseException:  # Ctrl-C while waiting for the slots: they drop what is left
            self.errors.append(RuntimeError("stopped"))
            self._end_slots()  # and end first: none may deliver to a caller that has gone on
            raise
        finally:  # always: a worker process left waiting for work would keep kit from exiting
            for pool in self.pools:
                # every sentence done: the processes end together while the render goes on
                # to mixing (each took a few tenths of a second, one after the other);
                # stopped or failed: they have ended when this returns
                pool.shutdown(wait=not done, cancel_futures=True)
        if error is None and self.errors:
            raise self.errors[0]

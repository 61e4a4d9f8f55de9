"""The only module that knows every stage: load -> sentences -> synthesize/fetch -> timeline
-> mix + master + encode (two passes over the mix, block by block) -> tag -> sidecars and
report, with every output written to a temp file and moved into place at the end, so a
failed render leaves nothing half-written in the output folder.

Decoded music, recorded clips and every sentence's samples (at the working rate) go once
into an unlinked scratch file beside the outputs and are read back block by block by both
mixing passes: nothing episode-length is held in memory, and nothing is decoded twice."""

from __future__ import annotations

import errno
import math
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

import numpy as np

from broadcast_kit import __version__, fingerprint, loader, model
from broadcast_kit import options as options_module
from broadcast_kit.audio import AudioSegment, resample, to_array
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import sha256 as files_sha256
from broadcast_kit.formats.report import RenderReport
from broadcast_kit.limits import MAX_DURATION_SECONDS, duration_text
from broadcast_kit.loudness import Report as Loudness
from broadcast_kit.loudness import target as loudness_target
from broadcast_kit.options import RenderOptions
from broadcast_kit.problems import Problems
from broadcast_kit.progress import Advance
from broadcast_kit.render import estimate, master, media, mix, sidecars, tags, timeline
from broadcast_kit.render.report import build as build_report
from broadcast_kit.render.sentences import sentences
from broadcast_kit.text import count
from broadcast_kit.tts.cache import DamagedEntry, SpeechCache
from broadcast_kit.tts.synth import (
    Progress,
    SynthStats,
    Utterance,
    cache_key,
    share,
    spoken,
    synthesize_each,
)

Log = Callable[[str], None]
Stage = Callable[[str], None]  # the stage a render enters: "synthesizing", "mastering", ...
HASH_CHARS = 8  # hex digits of the MP3's sha256 in its file name
MAX_RESAMPLE_THREADS = 4
OUTPUT_SUFFIXES = (".json", ".vtt", ".srt", ".chapters.json", ".transcript.json")


@dataclass
class RenderResult:
    production: loader.Production
    timeline: timeline.Timeline
    outputs: dict[str, Path] = field(default_factory=dict)
    report: RenderReport | None = None  # as written to <slug>.json
    stats: SynthStats = field(default_factory=SynthStats)
    warnings: list[str] = field(default_factory=list)


def utterances(production: loader.Production) -> list[list[Utterance]]:
    """The sentences to synthesize, per part (empty for music, pauses, clips, chapters)."""
    result: list[list[Utterance]] = []
    for part in production.parts:
        text, key = model.spoken_text(part), model.voice_key(part)
        if text is None or key is None:
            result.append([])
            continue
        voice = production.voice(key)
        result.append([Utterance(s, key, voice, production.lexicon) for s in sentences(text)])
    return result


def check_voices(production: loader.Production) -> None:
    """Every voice used exists in its engine and the engine is usable (before any work);
    `loader.load(..., engines=True)` checks this with everything else."""
    problems = Problems()
    loader.check_voices(
        production.resolved, production.unresolved, production.voice_lines, problems
    )
    problems.raise_all([])


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A private folder inside `out_dir` for outputs in progress; removed whatever happens."""
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".render-", dir=out_dir))
    except OSError as exc:
        raise OutputError(
            f"output folder {loader.display(out_dir)} is not writable ({exc.strerror});"
            " choose another with --out"
        ) from exc
    try:
        yield stage
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        raise OutputError(
            f"output folder {loader.display(out_dir)}: {exc.strerror} while writing the"
            " render; nothing was written: free some space, or choose another with --out"
        ) from exc
    finally:
        for leftover in stage.iterdir():
            leftover.unlink(missing_ok=True)
        stage.rmdir()
        if created and not any(out_dir.iterdir()):  # a failed first render leaves no folder
            out_dir.rmdir()


class Scratch:
    """Samples the render reads more than once, in an unlinked temp file: written once, read
    back in slices with pread (no mapping, so reading does not grow the process)."""

    def __init__(self, folder: Path) -> None:
        # closed by close(): the render owns it for longer than one block of code
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self.end = 0
        self.lock = threading.Lock()  # sentences are put from several threads

    def put(self, samples: np.ndarray) -> Stored:
        data = np.ascontiguousarray(samples, dtype="<f4")
        view = data.data.cast("B")
        with self.lock:  # each put gets its own stretch of the file
            offset = self.end
            self.end += len(view)
        written = 0
        while written < len(view):
            written += os.pwrite(self.file.fileno(), view[written:], offset + written)
        return Stored(self, offset, data.shape[0], data.shape[1])

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Stored:
    """A (frames, channels) float32 array in the scratch file; slicing reads it."""

    def __init__(self, scratch: Scratch, offset: int, frames: int, channels: int) -> None:
        self.scratch, self.offset, self.frames, self.channels = scratch, offset, frames, channels

    def __len__(self) -> int:
        return self.frames

    def __getitem__(self, index: slice) -> np.ndarray:
        start, stop, _ = index.indices(self.frames)
        count = max(0, stop - start) * self.channels * 4
        raw = os.pread(self.scratch.file.fileno(), count, self.offset + start * self.channels * 4)
        return np.frombuffer(raw, dtype="<f4").reshape(-1, self.channels)


Keep = Callable[[np.ndarray], "np.ndarray | Stored"]


class Sources:
    """Decoded music and clips at the working rate, each file decoded once (and kept where
    `keep` puts it: the scratch file for a render)."""

    def __init__(
        self, production: loader.Production, rate: int, channels: int, keep: Keep | None = None
    ) -> None:
        self.rate, self.channels = rate, channels
        self.production = production
        self.keep: Keep = keep or (lambda samples: samples)
        self.music: dict[Path, np.ndarray | Stored] = {}
        self.clips: dict[int, np.ndarray | Stored] = {}

    def load(self) -> list[int]:
        """Decode everything; returns each part's file duration in ms (0 when none)."""
        durations = []
        for index, part in enumerate(self.production.parts):
            where = self.production.part_lines[index]
            try:
                if isinstance(part, model.MusicPart):
                    if part.music not in self.music:
                        decoded = media.decode(part.music, self.rate, self.channels)
                        self.music[part.music] = self.keep(decoded)
                    frames = len(self.music[part.music])
                elif isinstance(part, model.InterviewPart) and part.audio is not None:
                    decoded = media.decode(
                        part.audio, self.rate, self.channels, part.start, part.end
                    )
                    self.clips[index] = self.keep(decoded)
                    frames = len(decoded)
                else:
                    durations.append(0)
                    continue
            except InputError as exc:
                raise InputError(f"{where}: {exc}") from None
            durations.append(round(frames * 1000 / self.rate))
        return durations


def speech_samples(audio: AudioSegment, rate: int) -> np.ndarray:
    """A sentence as mono float32 (frames, 1) at the working rate (the mixer spreads mono
    speech over every channel)."""
    return resample(to_array(audio.set_channels(1)), audio.frame_rate, rate)


def _match_clips(
    sources: Sources, speech: list[np.ndarray | Stored], rate: int, channels: int
) -> dict[int, float]:
    """The gain that matches each recorded clip to the narration's loudness (dB)."""
    gains: dict[int, float] = {}
    if not sources.clips:
        return gains
    meter = master.LoudnessMeter(rate, channels)
    for sentence in speech:  # the narration as if concatenated, one sentence at a time
        meter.add(np.repeat(sentence[0 : len(sentence)], channels, axis=1))
    reference = meter.integrated() if speech else None
    target = reference if reference is not None else -20.0
    for index, clip in sources.clips.items():
        measured = master.loudness(clip[0 : len(clip)], rate)
        if measured is not None:
            gains[index] = target - measured
    return gains


def dry_run(
    episode_path: Path,
    show_path: Path | None = None,
    max_duration: float | None = MAX_DURATION_SECONDS,
) -> timeline.Timeline:
    """What `kit render --dry-run` shows: the episode loaded, checked and placed, nothing
    synthesized (warnings include the production's own, and a render's refusal to come)."""
    production = loader.load(episode_path, show_path, engines=True)
    placed = plan(production, SpeechCache())
    warnings = [*production.warnings, *placed.warnings]
    try:
        check_duration(production, placed, max_duration)
    except InputError as exc:
        warnings.append(f"{exc}; a render would refuse it")
    return replace(placed, warnings=tuple(warnings))


def check_duration(
    production: loader.Production, placed: timeline.Timeline, max_duration: float | None
) -> None:
    """Refuse an episode whose planned length is over `max_duration` seconds (None: no limit)."""
    if max_duration is None or placed.duration <= max_duration * 1000:
        return
    estimate = placed.duration / 1000
    enough = f"{math.ceil(estimate / 3600)}h" if estimate > 3600 else f"{math.ceil(estimate / 60)}m"
    raise InputError(
        f"{loader.display(production.episode_path)}: estimated length"
        f" {duration_text(estimate)} is over the --max-duration of"
        f" {duration_text(max_duration)}; raise it (--max-duration {enough}) or split the"
        " episode"
    )


def plan(
    production: loader.Production, cache: SpeechCache | None, durations: list[int] | None = None
) -> timeline.Timeline:
    """The timeline without synthesizing: cached sentence durations, estimates for the rest
    (for every sentence when `cache` is None). `durations` are the parts' media lengths in
    ms, as Sources.load gives them (decoded here when not given)."""
    if durations is None:
        durations = Sources(production, production.show.audio.sample_rate, 1).load()
    groups = utterances(production)
    damaged: set[str] = set()
    found: dict[tuple[int, int], int] = {}  # (part, sentence) -> ms, for cached sentences
    estimator = estimate.Estimator()
    for index, group in enumerate(groups if cache is not None else []):
        for n, utt in enumerate(group):
            assert cache is not None
            key = cache_key(utt.text, utt.voice, utt.lexicon)[0]
            try:
                hit = cache.load(key)
            except DamagedEntry:
                damaged.add(key)
                continue
            if hit is not None:
                found[(index, n)] = len(hit)
                estimator.learn(utt.text, utt.voice, len(hit) / 1000)
    measured = []
    for index, (group, file_ms) in enumerate(zip(groups, durations, strict=True)):
        sentence_ms = []
        for n, utt in enumerate(group):
            ms = found.get((index, n))
            if ms is None:  # not synthesized yet: the voice's pace, as measured so far
                ms = round(estimator.seconds(utt.text, utt.voice) * 1000)
            sentence_ms.append((utt.text, ms))
        measured.append(timeline.Measured(tuple(sentence_ms), file_ms))
    placed = _place(production, measured)
    if not damaged:
        return placed
    entries = "entry is" if len(damaged) == 1 else "entries are"
    warning = (
        f"{len(damaged)} speech cache {entries} damaged; a render synthesizes them again"
        " (`kit cache verify --remove` deletes them now)"
    )
    return replace(placed, warnings=(*placed.warnings, warning))


def _place(production: loader.Production, measured: list[timeline.Measured]) -> timeline.Timeline:
    return timeline.build(
        production.parts,
        measured,
        production.voices,
        production.show.pacing,
        production.episode.title,
    )


class _Clock:
    """Seconds spent in each stage, for the render report."""

    def __init__(self) -> None:
        self.started = self.last = time.monotonic()
        self.timings: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        self.timings[stage] = round(now - self.last, 2)
        self.last = now

    def total(self) -> dict[str, float]:
        return {**self.timings, "total": round(time.monotonic() - self.started, 2)}


def load_sources(production: loader.Production, scratch: Scratch) -> tuple[Sources, list[int]]:
    """Music and clips decoded once, at the working rate, into `scratch`; with each part's
    media length in ms."""
    settings = production.show.audio
    sources = Sources(production, settings.sample_rate, settings.channel_count, scratch.put)
    return sources, sources.load()


@dataclass
class Work:
    """What synthesis has to do, for its progress: sentences not in the cache yet, sentences
    that are, and the characters each engine will be sent (engines run side by side at
    very different paces, so the slowest engine's share done is the stage's)."""

    missing: int
    cached: int
    chars: dict[str, int]  # engine -> characters to synthesize
    engine_of: dict[str, str]  # text as sent -> engine
    done: Counter[str] = field(default_factory=Counter)

    def synthesized(self, text: str) -> float:
        """The share of the stage done, once `text` (as sent) is synthesized."""
        engine = self.engine_of.get(text)
        if engine is not None:
            self.done[engine] += len(text)
        return min((min(1.0, self.done[e] / n) for e, n in self.chars.items() if n), default=1.0)


def uncached(flat: list[Utterance], cache: SpeechCache) -> Work:
    """The synthesis that `flat` needs with this cache."""
    sent: dict[str, tuple[str, str]] = {}  # key -> (engine, text as sent)
    keys = []
    for utt in flat:
        key, engine, _ = cache_key(utt.text, utt.voice, utt.lexicon)
        sent[key] = (engine.name, spoken(utt.text, engine, utt.lexicon))
        keys.append(key)
    there = {key: cache.path(key).exists() for key in sent}
    missing = [sent[key] for key, found in there.items() if not found]
    cached = sum(there[key] for key in keys)
    chars: Counter[str] = Counter()
    for name, text in missing:
        chars[name] += len(text)
    return Work(len(missing), cached, dict(chars), {text: name for name, text in missing})


def _assemble(
    production: loader.Production,
    cache: SpeechCache,
    progress: Progress | None,
    say: Log,
    clock: _Clock,
    scratch: Scratch,
    loaded: tuple[Sources, list[int]] | None = None,
    advance: Advance | None = None,
) -> tuple[mix.Mixer, timeline.Timeline, SynthStats]:
    """Synthesize, decode and place: the mix (to be read block by block), its timeline and
    the synthesis counts. Every sound's samples are in `scratch`, none in memory. `loaded` is
    what `load_sources` returned, when the render needed the media's lengths earlier."""
    settings = production.show.audio
    rate, channels = settings.sample_rate, settings.channel_count
    sources, file_ms = loaded or load_sources(production, scratch)
    groups = utterances(production)
    flat = [u for group in groups for u in group]
    clock.lap("load")
    work = uncached(flat, cache)
    if work.missing:
        say(
            f"synthesizing {count(work.missing, 'sentence')}"
            + (f", {work.cached} of {len(flat)} from the speech cache" if work.cached else "")
        )
    elif flat:
        say(f"{count(len(flat), 'sentence')} from the speech cache")
    speech: list[np.ndarray | Stored] = [np.zeros((0, 1), np.float32)] * len(flat)
    # sentences are resampled to the working rate on every core (scipy lets go of the GIL);
    # a few at a time, so that fast cache reads do not pile up sentences in memory
    threads = max(1, min(MAX_RESAMPLE_THREADS, share()))  # a batch worker's share of the cores
    slots = threading.BoundedSemaphore(2 * threads)
    stored: list[Future[None]] = []

    def store(indexes: list[int], audio: AudioSegment) -> None:
        try:
            samples = scratch.put(speech_samples(audio, rate))
            for n in indexes:
                speech[n] = samples
        finally:
            slots.release()

    with ThreadPoolExecutor(threads) as resampler:

        def keep(indexes: list[int], audio: AudioSegment) -> None:
            slots.acquire()
            stored.append(resampler.submit(store, indexes, audio))

        def synthesized(done: int, total: int, text: str) -> None:
            share = work.synthesized(text)
            if progress is not None:
                progress(done, total, text)
            if advance is not None:
                advance(done, total, "sentences synthesized", share)

        stats = synthesize_each(flat, cache, keep, synthesized)
        for done in stored:
            done.result()
    clock.lap("synthesize")
    gains = _match_clips(sources, speech, rate, channels)

    measured, by_part, n = [], {}, 0
    for index, (group, ms) in enumerate(zip(groups, file_ms, strict=True)):
        facts = []
        for s, utt in enumerate(group):
            by_part[(index, s)] = speech[n]
            facts.append((utt.text, round(len(speech[n]) * 1000 / rate)))
            n += 1
        measured.append(timeline.Measured(tuple(facts), ms, gains.get(index, 0.0)))
    placed = _place(production, measured)

    def fetch(item: timeline.Placed) -> np.ndarray | Stored:
        if not item.is_speech and item.file is not None:
            return sources.music[item.file]
        if item.part in sources.clips:
            return sources.clips[item.part]
        return by_part[(item.part, item.sentence)]

    return mix.Mixer(placed, fetch, rate, channels), placed, stats


def render(
    episode_path: Path,
    out_dir: Path,
    options: RenderOptions = options_module.DEFAULT,
    cache: SpeechCache | None = None,
    progress: Progress | None = None,
    log: Log | None = None,
    advance: Advance | None = None,
) -> RenderResult:
    """Render one episode into `out_dir` as `options` say; an episode planned longer than
    `options.max_duration` seconds is refused before anything is synthesized or written,
    and so is one whose outputs would replace files no render of it made (unless
    `options.take_over`). `log` hears a line as each stage begins, with its counts;
    `progress` each sentence synthesized; `advance` how far the long stages have got:
    (done, total, what is counted), e.g. (40, 106, "sentences synthesized") or (250, 779,
    "s of audio encoded")."""
    master.preload()  # mastering's imports load while the episode does
    clock = _Clock()
    production = loader.load(episode_path, options.show, engines=True)
    take_over = options.take_over
    stamp = fingerprint.of(production, options=options) if options.fingerprint else None
    claim(out_dir, production.slug, production.episode_path, take_over)
    with staged(out_dir) as stage:
        result = render_staged(
            production,
            stage,
            relative_to(production, out_dir),
            cache=cache,
            progress=progress,
            log=log,
            max_duration=options.max_duration,
            fingerprint=stamp,
            clock=clock,
            advance=advance,
        )
        result.outputs = install(
            result.outputs, out_dir, production.slug, production.episode_path, take_over
        )
    return result


@dataclass(frozen=True)
class Relative:
    """The show and episode files as a render report names them: relative to the output
    folder, worked out where that folder is (a cluster worker never sees it)."""

    show_file: str
    episode_path: str


def relative_to(production: loader.Production, out_dir: Path) -> Relative:
    folder = out_dir.resolve()
    return Relative(
        os.path.relpath(production.show_path.resolve(), folder),
        os.path.relpath(production.episode_path.resolve(), folder),
    )


def render_staged(
    production: loader.Production,
    stage: Path,
    relative: Relative,
    *,
    cache: SpeechCache | None = None,
    progress: Progress | None = None,
    log: Log | None = None,
    max_duration: float | None = MAX_DURATION_SECONDS,
    fingerprint: str | None = None,
    on_stage: Stage | None = None,
    clock: _Clock | None = None,
    advance: Advance | None = None,
) -> RenderResult:
    """Render a loaded episode into `stage`, a private folder (`staged`); its `outputs` are
    the files there, report last, for `install` to move into the output folder. `relative`
    is how the report names the show and episode files (`relative_to` the output folder)."""
    master.preload()
    clock = clock or _Clock()
    say = log or (lambda _msg: None)
    enter = on_stage or (lambda _stage: None)
    cache = cache or SpeechCache()
    check_voices(production)
    _say_loaded(production, say)
    for key, voice_name in production.cast.items():
        say(f"cast voices.{key} as {voice_name}")
    settings = production.show.audio
    enter("loading")
    with Scratch(stage) as scratch:
        loaded = load_sources(production, scratch)  # decoded once, for both uses
        if max_duration is not None:
            # speech estimated from the words, before any is read or synthesized: the
            # limit is a bound on what a render may take on, not a measurement
            check_duration(production, plan(production, None, loaded[1]), max_duration)
        enter("synthesizing")
        mixer, placed, stats = _assemble(
            production, cache, progress, say, clock, scratch, loaded, advance
        )
        enter("mastering")
        goal = loudness_target(settings.loudness, settings.channel_count)
        mp3 = stage / f"{production.slug}.mp3"
        loudness = master.encode(mixer, settings.kbps, mp3, goal, say, advance)
    clock.lap("mix_master_encode")

    enter("tagging")
    warnings = [*production.warnings, *placed.warnings, *stats.warnings(), *loudness.warnings]
    result = RenderResult(production, placed, stats=stats, warnings=warnings)
    tags.write(mp3, _episode_tags(production, placed, stats, loudness))
    files = {
        "mp3": mp3,
        "vtt": _write(stage / f"{production.slug}.vtt", sidecars.vtt(placed)),
        "srt": _write(stage / f"{production.slug}.srt", sidecars.srt(placed)),
        "chapters": _write(
            stage / f"{production.slug}.chapters.json", sidecars.chapters_json(placed)
        ),
        "transcript": _write(
            stage / f"{production.slug}.transcript.json", sidecars.transcript_json(placed)
        ),
    }
    clock.lap("tags_sidecars")
    digest = files_sha256(mp3)
    # a re-render whose bytes differ gets a new name: published files never change in place
    files["mp3"] = mp3.rename(stage / f"{production.slug}-{digest[:HASH_CHARS]}.mp3")
    report = build_report(
        production,
        placed,
        stats,
        loudness,
        files,
        (files["mp3"].stat().st_size, digest),
        clock.total(),
        relative.show_file,
        fingerprint,
        warnings,
        relative.episode_path,
    )
    files["report"] = _write(stage / f"{production.slug}.json", report.to_json())
    result.outputs = files
    result.report = report
    return result


def install(
    files: dict[str, Path], out_dir: Path, slug: str, episode: Path, take_over: bool = False
) -> dict[str, Path]:
    """Move a render's files from its stage into `out_dir`, the report last (it vouches for
    the others), and remove the MP3 an earlier render of the episode left there; returns
    where they are now. Refused (InputError) when the folder now holds files no render of
    this episode made (`claim`), unless `take_over`. A single render and every batch (local
    or on a cluster) end here."""
    owned = claim(out_dir, slug, episode, take_over)  # again: the folder may have changed
    mp3_name = files["mp3"].name
    existing = out_dir / mp3_name
    theirs = existing.exists() and mp3_name not in owned and not take_over
    # the same bytes under the same name are the same render, whoever's report is gone
    if theirs and (existing.is_symlink() or files_sha256(existing) != files_sha256(files["mp3"])):
        raise InputError(_not_ours(out_dir, [mp3_name], slug))
    previous = _previous_mp3(out_dir / files["report"].name)
    placed: dict[str, Path] = {}
    for kind in sorted(files, key=lambda kind: kind == "report"):
        final = out_dir / files[kind].name
        os.replace(files[kind], final)
        placed[kind] = final
    if previous is not None and previous != placed["mp3"] and previous.name in owned:
        previous.unlink(missing_ok=True)
    return placed


def _say_loaded(production: loader.Production, say: Log) -> None:
    """The line that says what was loaded: parts, sentences, voices, chapters."""
    groups = utterances(production)
    voices = {u.voice_key for group in groups for u in group}
    chapters = sum(isinstance(p, model.ChapterPart) for p in production.parts)
    say(
        f"loaded the episode and its show: {count(len(production.parts), 'part')},"
        f" {count(sum(map(len, groups)), 'sentence')} in {count(len(voices), 'voice')},"
        f" {count(chapters, 'chapter mark')}"
    )


def output_names(slug: str) -> list[str]:
    """The files a render of `slug` writes, but for its MP3 (`<slug>-<hash>.mp3`)."""
    return [f"{slug}{suffix}" for suffix in OUTPUT_SUFFIXES]


def claim(out_dir: Path, slug: str, episode: Path, take_over: bool = False) -> set[str]:
    """The files in `out_dir` an earlier render of episode file `episode` (slug `slug`)
    made (its render report lists them: the folder's manifest); an InputError when this
    render would replace a file no render of it made, or the render of another episode with
    the same slug, unless `take_over`."""
    report = out_dir / f"{slug}.json"
    recorded = _read_report(report)
    owned: set[str] = set()
    if recorded is not None:
        named = [*recorded.files.values(), report.name, recorded.audio.file]
        owned = {n for n in named if Path(n).name == n}
        other = _rendered_from(recorded, out_dir)
        if not take_over and other is not None and other != episode.resolve():
            raise InputError(
                f"{loader.display(out_dir)}: the slug '{slug}' is already rendered there from"
                f" {loader.display(other)}; give {loader.display(episode)} a"
                " slug: of its own or render it into another --out, or pass --force to"
                " replace that episode's files"
            )
    foreign = [
        name for name in output_names(slug) if (out_dir / name).exists() and name not in owned
    ]
    if foreign and not take_over:
        raise InputError(_not_ours(out_dir, foreign, slug))
    return owned


def _not_ours(out_dir: Path, names: list[str], slug: str) -> str:
    them = "it" if len(names) == 1 else "them"
    return (
        f"{loader.display(out_dir)}: {', '.join(names)} would be replaced, and no render of"
        f" this episode made {them} (no render report of '{slug}' lists {them}); move {them}"
        f" out of the folder or render into another --out, or pass --force to replace {them}"
    )


def _read_report(path: Path) -> RenderReport | None:
    """A render report of ours, or None (no file, or a file that is not a valid one)."""
    try:
        return RenderReport.read(path)
    except (OSError, InputError):
        return None


def _rendered_from(report: RenderReport, out_dir: Path) -> Path | None:
    """The episode file a render report was made from, when it can be told."""
    if report.episode_path:  # relative to the report's folder
        return (out_dir / report.episode_path).resolve()
    shown = report.episode_file  # older reports: as shown where kit ran
    if shown and Path(shown).is_file():
        return Path(shown).resolve()
    return None


def _previous_mp3(report: Path) -> Path | None:
    """The MP3 an earlier render of this episode left in the folder, if its report says so."""
    recorded = _read_report(report)
    if recorded is None or not recorded.audio.file.endswith(".mp3"):
        return None
    return report.parent / recorded.audio.file


def _write(path: Path, text: str) -> Path:
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


def _episode_tags(
    production: loader.Production,
    placed: timeline.Timeline,
    stats: SynthStats,
    loudness: Loudness,
) -> tags.EpisodeTags:
    show, episode = production.show, production.episode
    used = []
    for key in sorted({item.voice for item in placed.items if item.voice}):
        resolved = production.voice(key)
        voice, name = resolved.written, resolved.name
        extra = "".join(
            f" {label} {value:g}"
            for label, value, default in (("speed", voice.speed, 1.0), ("pitch", voice.pitch, 0.0))
            if value != default
        )
        used.append(f"{key}={voice.engine}:{name}{extra}")
    provenance = {
        "broadcast-kit": __version__,
        "engines": ", ".join(
            f"{name} ({version})" for name, version in sorted(stats.engines.items())
        ),
        "voices": ", ".join(used),
        "loudness": f"{loudness.output_lufs:.1f} LUFS integrated,"
        f" {loudness.output_true_peak:.1f} dBTP true peak (target {loudness.target_lufs:.0f}"
        f" LUFS), gain {loudness.gain_db:+.1f} dB",
    }
    return tags.EpisodeTags(
        title=episode.title,
        artist=show.author,
        album=show.title,
        date=episode.date.isoformat(),
        track=episode.number,
        comment=episode.description,
        cover=show.cover.read_bytes(),
        provenance=provenance,
        chapters=tuple((c.title, c.start_ms, c.end_ms) for c in placed.chapters),
    )

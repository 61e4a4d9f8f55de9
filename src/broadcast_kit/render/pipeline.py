"""The only module that knows every stage: load -> segment -> synthesize/fetch -> timeline ->
mix -> master -> tag -> sidecars, with every output written to a temp file and moved into
place at the end, so a failed render leaves nothing half-written in the output folder."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from broadcast_kit import __version__, ffmpeg, loader, model
from broadcast_kit.audio import AudioSegment, resample, to_array
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.render import master, mix, sidecars, tags, timeline
from broadcast_kit.render.sentences import estimate_seconds, sentences
from broadcast_kit.tts import registry
from broadcast_kit.tts.cache import DamagedEntry, SpeechCache
from broadcast_kit.tts.synth import (
    Progress,
    SynthStats,
    Utterance,
    cache_key,
    request,
    synthesize_all,
)

Log = Callable[[str], None]
HASH_CHARS = 8  # hex digits of the MP3's sha256 in its file name


@dataclass
class RenderResult:
    production: loader.Production
    timeline: timeline.Timeline
    outputs: dict[str, Path] = field(default_factory=dict)
    report: dict[str, object] = field(default_factory=dict)
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
        result.append([Utterance(s, key, production.voices[key]) for s in sentences(text)])
    return result


def check_voices(production: loader.Production) -> None:
    """Every voice used exists in its engine and the engine is usable (before any work)."""
    used = {u.voice_key for group in utterances(production) for u in group}
    for key in sorted(used):
        voice = production.voices[key]
        engine = registry.get(voice.engine)
        problem = engine.available()
        where = f"{production.voice_lines.get(key, 'voices')}: voices.{key}"
        if problem:
            raise InputError(f"{where}: engine '{voice.engine}': {problem}")
        try:
            engine.check(request(voice, engine))
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None


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
    finally:
        for leftover in stage.iterdir():
            leftover.unlink(missing_ok=True)
        stage.rmdir()
        if created and not any(out_dir.iterdir()):  # a failed first render leaves no folder
            out_dir.rmdir()


class Sources:
    """Decoded music and clips at the working rate, each file decoded once."""

    def __init__(self, production: loader.Production, rate: int, channels: int) -> None:
        self.rate, self.channels = rate, channels
        self.production = production
        self.music: dict[Path, np.ndarray] = {}
        self.clips: dict[int, np.ndarray] = {}

    def load(self) -> list[int]:
        """Decode everything; returns each part's file duration in ms (0 when none)."""
        durations = []
        for index, part in enumerate(self.production.parts):
            where = self.production.part_lines[index]
            try:
                if isinstance(part, model.MusicPart):
                    if part.music not in self.music:
                        self.music[part.music] = ffmpeg.decode(part.music, self.rate, self.channels)
                    audio = self.music[part.music]
                elif isinstance(part, model.InterviewPart) and part.audio is not None:
                    audio = ffmpeg.decode(
                        part.audio, self.rate, self.channels, part.start, part.end
                    )
                    self.clips[index] = audio
                else:
                    durations.append(0)
                    continue
            except InputError as exc:
                raise InputError(f"{where}: {exc}") from None
            durations.append(round(len(audio) * 1000 / self.rate))
        return durations


def _speech_array(audio: AudioSegment, rate: int, channels: int) -> np.ndarray:
    mono = to_array(audio.set_channels(1))
    mono = resample(mono, audio.frame_rate, rate)
    return np.repeat(mono, channels, axis=1) if channels > 1 else mono


def _match_clips(sources: Sources, speech: list[np.ndarray], rate: int) -> dict[int, float]:
    """Gain each recorded clip to the narration's loudness; returns the gains applied (dB)."""
    gains: dict[int, float] = {}
    if not sources.clips:
        return gains
    reference = master.loudness(np.concatenate(speech), rate) if speech else None
    target = reference if reference is not None else -20.0
    for index, clip in sources.clips.items():
        measured = master.loudness(clip, rate)
        if measured is None:
            continue
        gain = target - measured
        sources.clips[index] = clip * np.float32(10 ** (gain / 20))
        gains[index] = round(gain, 2)
    return gains


def dry_run(episode_path: Path, show_path: Path | None = None) -> timeline.Timeline:
    """What `kit render --dry-run` shows: the episode loaded, checked and placed, nothing
    synthesized (warnings include the production's own)."""
    production = loader.load(episode_path, show_path)
    check_voices(production)
    placed = plan(production, SpeechCache())
    return replace(placed, warnings=(*production.warnings, *placed.warnings))


def plan(production: loader.Production, cache: SpeechCache) -> timeline.Timeline:
    """The timeline without synthesizing: cached sentence durations, estimates for the rest."""
    audio = production.show.audio
    sources = Sources(production, audio.sample_rate, 1)
    durations = sources.load()
    measured = []
    damaged: set[str] = set()
    for group, file_ms in zip(utterances(production), durations, strict=True):
        sentence_ms = []
        for utt in group:
            key = cache_key(utt.text, utt.voice)[0]
            try:
                hit = cache.load(key)
            except DamagedEntry:
                hit = None
                damaged.add(key)
            ms = len(hit) if hit is not None else round(estimate_seconds(utt.text) * 1000)
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


def _engine_voice(voice: model.Voice) -> str:
    """The engine's name for `voice` (its default when the script names none)."""
    return request(voice, registry.get(voice.engine)).voice


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


def _assemble(
    production: loader.Production,
    cache: SpeechCache,
    progress: Progress | None,
    say: Log,
    clock: _Clock,
) -> tuple[np.ndarray, timeline.Timeline, SynthStats, dict[int, float]]:
    """Synthesize, decode, place and mix: the mix, its timeline, synthesis counts and the
    gains given to recorded clips. Every sentence's audio is released when this returns."""
    settings = production.show.audio
    rate, channels = settings.sample_rate, settings.channel_count
    sources = Sources(production, rate, channels)
    file_ms = sources.load()
    groups = utterances(production)
    flat = [u for group in groups for u in group]
    clock.lap("load")
    say(f"synthesizing {len(flat)} sentences")
    spoken, stats = synthesize_all(flat, cache, progress)
    clock.lap("synthesize")
    arrays = [_speech_array(a, rate, channels) for a in spoken]
    clip_gains = _match_clips(sources, arrays, rate)

    measured, by_part, n = [], {}, 0
    for index, (group, ms) in enumerate(zip(groups, file_ms, strict=True)):
        facts = []
        for s, utt in enumerate(group):
            by_part[(index, s)] = arrays[n]
            facts.append((utt.text, round(len(arrays[n]) * 1000 / rate)))
            n += 1
        measured.append(timeline.Measured(tuple(facts), ms))
    placed = _place(production, measured)

    def fetch(item: timeline.Placed) -> np.ndarray:
        part = production.parts[item.part]
        if isinstance(part, model.MusicPart):
            return sources.music[part.music]
        if item.part in sources.clips:
            return sources.clips[item.part]
        return by_part[(item.part, item.sentence)]

    say("mixing")
    mixed = mix.mix(placed, fetch, list(production.parts), rate, channels)
    clock.lap("mix")
    return mixed, placed, stats, clip_gains


def render(
    episode_path: Path,
    out_dir: Path,
    show_path: Path | None = None,
    cache: SpeechCache | None = None,
    progress: Progress | None = None,
    log: Log | None = None,
) -> RenderResult:
    clock = _Clock()
    say = log or (lambda _msg: None)
    production = loader.load(episode_path, show_path)
    check_voices(production)
    settings = production.show.audio
    with staged(out_dir) as stage:
        mixed, placed, stats, clip_gains = _assemble(
            production, cache or SpeechCache(), progress, say, clock
        )
        say("mastering and encoding")
        goal = master.target(settings.loudness, settings.channel_count)
        mp3 = stage / f"{production.slug}.mp3"
        loudness = master.encode(mixed, settings.sample_rate, settings.kbps, mp3, goal)
        del mixed
        clock.lap("master_encode")

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
        data = mp3.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        # a re-render whose bytes differ gets a new name: published files never change in place
        files["mp3"] = mp3.rename(stage / f"{production.slug}-{digest[:HASH_CHARS]}.mp3")
        audio_facts = {"bytes": len(data), "sha256": digest}
        report = _report(
            production, placed, stats, loudness, clip_gains, files, audio_facts, clock.total()
        )
        report["show_file"] = os.path.relpath(production.show_path.resolve(), out_dir.resolve())
        files["report"] = _write(
            stage / f"{production.slug}.json", json.dumps(report, indent=2, ensure_ascii=False)
        )
        previous = _previous_mp3(out_dir / files["report"].name)
        for kind, staged_path in files.items():  # the report last: it vouches for the others
            final = out_dir / staged_path.name
            os.replace(staged_path, final)
            result.outputs[kind] = final
        if previous is not None and previous != result.outputs["mp3"]:
            previous.unlink(missing_ok=True)
        result.report = report
    return result


def _previous_mp3(report: Path) -> Path | None:
    """The MP3 an earlier render of this episode left in the folder, if its report says so."""
    try:
        name = json.loads(report.read_text(encoding="utf-8"))["audio"]["file"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(name, str) or Path(name).name != name or not name.endswith(".mp3"):
        return None
    return report.parent / name


def _write(path: Path, text: str) -> Path:
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return path


def _episode_tags(
    production: loader.Production,
    placed: timeline.Timeline,
    stats: SynthStats,
    loudness: master.MasterReport,
) -> tags.EpisodeTags:
    show, episode = production.show, production.episode
    used = []
    for key in sorted({item.voice for item in placed.items if item.voice}):
        voice = production.voices[key]
        name = _engine_voice(voice)
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
        chapters=tuple((c.title, c.start, c.end) for c in placed.chapters),
    )


def _people(production: loader.Production, placed: timeline.Timeline) -> list[dict[str, str]]:
    """Who is heard, for the feed's podcast:person: the host, then every named interviewee
    (voxpops are anonymous)."""
    people = [{"name": production.show.author, "role": "host"}]
    host = production.voices.get("host")
    if host is not None and host.name and host.name.lower() != "host":
        people[0]["name"] = host.name
    seen = {people[0]["name"]}
    for item in placed.items:
        part = production.parts[item.part]
        if isinstance(part, model.InterviewPart) and item.speaker and item.speaker not in seen:
            seen.add(item.speaker)
            people.append({"name": item.speaker, "role": "guest"})
    return people


def _report(
    production: loader.Production,
    placed: timeline.Timeline,
    stats: SynthStats,
    loudness: master.MasterReport,
    clip_gains: dict[int, float],
    files: dict[str, Path],
    audio_facts: dict[str, object],
    timings: dict[str, float],
) -> dict[str, object]:
    mp3 = files["mp3"]
    voices = production.voices
    segments = []
    for item in placed.items:
        entry: dict[str, object] = {
            "part": item.part,
            "kind": item.kind,
            "start_ms": item.start,
            "end_ms": item.end,
            "duration_ms": item.end - item.start,
            "chapter": item.chapter,
        }
        if item.is_speech:
            entry["speaker"] = item.speaker
        if item.voice:
            voice = voices[item.voice]
            entry.update(
                voice=item.voice,
                engine=voice.engine,
                engine_voice=_engine_voice(voice),
            )
        if item.text:
            entry["text"] = item.text
        if item.file:
            entry["file"] = loader.display(item.file)
            entry["role"] = item.role
        if item.part in clip_gains:
            entry["gain_db"] = clip_gains[item.part]
        segments.append(entry)
    episode = production.episode
    return {
        "tool": f"broadcast-kit {__version__}",
        "slug": production.slug,
        "title": episode.title,
        "show": production.show.title,
        "date": episode.date.isoformat(),
        "number": episode.number,
        "season": episode.season,
        "episode_type": episode.episode_type,
        "explicit": production.show.explicit if episode.explicit is None else episode.explicit,
        "draft": episode.draft,
        "guid": episode.guid,
        "description": episode.description,
        "people": _people(production, placed),
        "episode_file": loader.display(production.episode_path),
        "duration_ms": placed.duration,
        "audio": {
            "file": mp3.name,
            **audio_facts,
            "bitrate_kbps": production.show.audio.kbps,
            "channels": production.show.audio.channels,
            "sample_rate": production.show.audio.sample_rate,
        },
        "loudness": loudness.as_dict(),
        "files": {kind: path.name for kind, path in files.items()},
        "chapters": [
            {"title": c.title, "start_ms": c.start, "end_ms": c.end} for c in placed.chapters
        ],
        "synthesis": {
            "sentences": stats.hits + stats.misses,
            "cached": stats.hits,
            "synthesized": len(stats.synthesized),
            "repaired": stats.repaired,
            "engines": stats.engines,
        },
        "render_seconds": timings["total"],
        "timings": timings,
        "segments": segments,
    }

"""The render report (`<slug>.json`): what was rendered, from what, and how it measured.

A typed model written beside the MP3: `kit feed` and the show page read durations,
chapters and people from it, `kit check` the files it vouches for. Every placed sound is
listed as a segment with the fields that apply to it (speech: speaker, voice, engine; music:
file and role; a recorded clip: its matching gain). Rendered twice from empty speech
caches, an episode gives the same report except `timings` and `render_seconds`, like it
gives the same audio; with a warm cache only the synthesis counts differ as well.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from broadcast_kit import __version__, loader, model
from broadcast_kit.render.master import MasterReport
from broadcast_kit.render.timeline import Placed, Timeline
from broadcast_kit.tts import registry
from broadcast_kit.tts.synth import SynthStats, request


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Person(_Strict):
    name: str
    role: str  # a Podcast Taxonomy role, lower-case: host, guest, narrator, ...
    group: str = "cast"  # its taxonomy group


class AudioFacts(_Strict):
    file: str
    bytes: int
    sha256: str
    bitrate_kbps: int
    channels: str
    sample_rate: int


Loudness = MasterReport  # mastering's own report, written as it is


class ChapterEntry(_Strict):
    title: str
    start_ms: int
    end_ms: int


class Synthesis(_Strict):
    sentences: int
    cached: int
    synthesized: int
    repaired: int
    engines: dict[str, str]


class Segment(_Strict):
    """One placed sound; fields that do not apply to it are left out of the file."""

    part: int
    kind: str
    start_ms: int
    end_ms: int
    duration_ms: int
    chapter: str | None
    speaker: str | None = None
    voice: str | None = None
    engine: str | None = None
    engine_voice: str | None = None
    text: str | None = None
    file: str | None = None
    role: str | None = None
    gain_db: float | None = None


class RenderReport(_Strict):
    tool: str
    slug: str
    title: str
    show: str
    date: str
    number: int | None
    season: int | None
    episode_type: str
    explicit: bool
    draft: bool
    guid: str | None
    description: str
    people: list[Person]
    episode_file: str
    duration_ms: int
    audio: AudioFacts
    loudness: Loudness
    files: dict[str, str]
    chapters: list[ChapterEntry]
    synthesis: Synthesis
    render_seconds: float
    timings: dict[str, float]
    segments: list[Segment]
    show_file: str
    fingerprint: str | None = None  # of every input, for batch renders (kit render DIR)
    #: what the render warned about (defaults filled in silently, a voice cast twice, ...)
    warnings: list[str] = Field(default_factory=list)
    #: the episode file, relative to the report's folder (as show_file): which episode owns
    #: the slug's files there
    episode_path: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The report as written: segments keep only the fields set for them."""
        data = self.model_dump(mode="json", exclude={"segments"})
        data["segments"] = [s.model_dump(mode="json", exclude_unset=True) for s in self.segments]
        order = list(type(self).model_fields)  # segments in their place, before show_file
        return {key: data[key] for key in order}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)


def engine_voice(voice: model.Voice) -> str:
    """The engine's name for `voice` (its default when the script names none)."""
    return request(voice, registry.get(voice.engine)).voice


def people(production: loader.Production, placed: Timeline) -> list[Person]:
    """Who is heard, for the feed's podcast:person: the host, then every named interviewee
    (a guest unless their voice gives another role) and every other named voice given a
    role (voxpops are anonymous)."""
    found: list[Person] = []

    def add(name: str, role: str) -> None:
        if all(p.name != name for p in found):
            found.append(Person(name=name, role=role, group=model.role_group(role)))

    host = production.voices.get("host")
    name = production.show.author
    if host is not None and host.name and host.name.lower() != "host":
        name = host.name
    add(name, host.role if host is not None and host.role else "host")
    for item in placed.items:
        voice = production.voices.get(item.voice) if item.voice else None
        if not item.is_speech or not item.speaker:
            continue
        if item.kind == model.InterviewPart.kind:
            add(item.speaker, voice.role if voice is not None and voice.role else "guest")
        elif voice is not None and voice.role and voice.name:
            add(item.speaker, voice.role)
    return found


def segment(item: Placed, voices: dict[str, model.Voice]) -> Segment:
    entry = Segment(
        part=item.part,
        kind=item.kind,
        start_ms=item.start,
        end_ms=item.end,
        duration_ms=item.end - item.start,
        chapter=item.chapter,
    )
    if item.is_speech:
        entry.speaker = item.speaker
    if item.voice:
        voice = voices[item.voice]
        entry.voice, entry.engine = item.voice, voice.engine
        entry.engine_voice = engine_voice(voice)
    if item.text:
        entry.text = item.text
    if item.file:
        entry.file = loader.display(item.file)
        entry.role = item.role
    if item.is_clip:
        entry.gain_db = round(item.level, 2)
    return entry


def build(
    production: loader.Production,
    placed: Timeline,
    stats: SynthStats,
    loudness: MasterReport,
    files: dict[str, Path],
    audio: tuple[int, str],
    timings: dict[str, float],
    show_file: str,
    fingerprint: str | None = None,
    warnings: list[str] | None = None,
    episode_path: str | None = None,
) -> RenderReport:
    """The report of a render: `files` as staged, `audio` the MP3's (bytes, sha256)."""
    episode, show = production.episode, production.show
    return RenderReport(
        tool=f"broadcast-kit {__version__}",
        slug=production.slug,
        title=episode.title,
        show=show.title,
        date=episode.date.isoformat(),
        number=episode.number,
        season=episode.season,
        episode_type=episode.episode_type,
        explicit=show.explicit if episode.explicit is None else episode.explicit,
        draft=episode.draft,
        guid=episode.guid,
        description=episode.description,
        people=people(production, placed),
        episode_file=loader.display(production.episode_path),
        duration_ms=placed.duration,
        audio=AudioFacts(
            file=files["mp3"].name,
            bytes=audio[0],
            sha256=audio[1],
            bitrate_kbps=show.audio.kbps,
            channels=show.audio.channels,
            sample_rate=show.audio.sample_rate,
        ),
        loudness=loudness,
        files={kind: path.name for kind, path in files.items()},
        chapters=[
            ChapterEntry(title=c.title, start_ms=c.start, end_ms=c.end) for c in placed.chapters
        ],
        synthesis=Synthesis(
            sentences=stats.hits + stats.misses,
            cached=stats.hits,
            synthesized=len(stats.synthesized),
            repaired=stats.repaired,
            engines=stats.engines,
        ),
        render_seconds=timings["total"],
        timings=timings,
        segments=[segment(item, production.voices) for item in placed.items],
        show_file=show_file,
        fingerprint=fingerprint,
        warnings=list(warnings or []),
        episode_path=episode_path,
    )

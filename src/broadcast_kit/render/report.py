"""The render report (`<slug>.json`) of a render: what was rendered, from what, and how it
measured, built as `formats.report.RenderReport` (the model every reader reads it back
through): `kit feed` and the show page read durations, chapters and people from it,
`kit check` the files it vouches for. Every placed sound is
listed as a segment with the fields that apply to it (speech: speaker, voice, engine; music:
file and role; a recorded clip: its matching gain). Rendered twice from empty speech
caches, an episode gives the same report except `timings` and `render_seconds`, like it
gives the same audio; with a warm cache only the synthesis counts differ as well.
"""

from __future__ import annotations

from pathlib import Path

from broadcast_kit import __version__, loader, model
from broadcast_kit.formats.report import (
    AudioFacts,
    Person,
    RenderReport,
    Segment,
    Synthesis,
)
from broadcast_kit.loudness import Report as Loudness
from broadcast_kit.render.timeline import Placed, Timeline
from broadcast_kit.tts.synth import SynthStats


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


def segment(item: Placed, production: loader.Production) -> Segment:
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
        voice = production.voice(item.voice)
        # the engine's name for the voice: its default when the script names none
        entry.voice, entry.engine, entry.engine_voice = item.voice, voice.engine, voice.name
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
    loudness: Loudness,
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
        date=episode.date,
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
        chapters=list(placed.chapters),
        synthesis=Synthesis(
            sentences=stats.hits + stats.misses,
            cached=stats.hits,
            synthesized=len(stats.synthesized),
            repaired=stats.repaired,
            engines=stats.engines,
        ),
        render_seconds=timings["total"],
        timings=timings,
        segments=[segment(item, production) for item in placed.items],
        show_file=show_file,
        fingerprint=fingerprint,
        warnings=list(warnings or []),
        episode_path=episode_path,
    )

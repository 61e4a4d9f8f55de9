"""Place every part of an episode in time (pure: no audio, no I/O).

Given the parts and what synthesis and decoding measured about them (sentence and file
durations), this decides where each sentence, clip and piece of music starts and ends, how
music fades and which speech it ducks under, and where chapters begin. The timeline is the
single source of truth: the mix, the ducking envelopes, the ID3 chapters, the chapters JSON
and the transcript cues are all read from it.

Music roles: `intro` plays first, the next speech starting `overlap` s before it ends;
`outro` starts `overlap` s before the last speech ends; `bed` starts `fade_in` (at least
1 s) ahead of the next `under` speech parts, loops under them with `gap` s of music between
them, and ends `fade_out` (at least 1 s) after; `sting` plays between parts, never ducked.
Music that directly follows music crossfades with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from broadcast_kit import model
from broadcast_kit.formats.report import Chapter
from broadcast_kit.model import MusicPart, Pacing, Voice
from broadcast_kit.render.sentences import sentences

CROSSFADE_MS = 1000
MIN_BED_EDGE_MS = 1000


@dataclass(frozen=True)
class Measured:
    """What the synthesize/fetch stage knows about one part."""

    sentences: tuple[tuple[str, int], ...] = ()  # speech: (text, duration ms)
    duration: int = 0  # music or recorded clip, ms
    gain_db: float = 0.0  # recorded clip: the gain that matches it to the narration


@dataclass(frozen=True)
class Placed:
    """One sound in time, with everything the mixer and the sidecars need to know about it."""

    part: int  # index into the episode's parts
    kind: str  # a speech kind or music (model.SEGMENT_KINDS)
    start: int  # ms
    end: int
    chapter: str | None
    speaker: str | None = None  # as printed in transcripts
    voice: str | None = None  # voice key, for synthesized speech
    text: str | None = None  # the sentence, or a clip's transcript
    sentence: int = 0  # index of the sentence within its part
    file: Path | None = None  # music or recorded clip
    role: str | None = None
    fade_in: int = 0  # ms
    fade_out: int = 0
    loop: bool = False
    ducks: tuple[tuple[int, int], ...] = ()  # speech spans this music is ducked under
    level: float = 0.0  # dB: music's level, or a recorded clip's loudness-matching gain
    duck: float = 0.0  # music: dB of reduction under speech
    attack: float = 0.0  # music: ms ramp down before speech
    release: float = 0.0  # music: ms ramp back up after it
    transcript: tuple[str, ...] = ()  # recorded clip: its transcript's sentences (the cues)

    @property
    def is_speech(self) -> bool:
        return self.kind != MusicPart.kind

    @property
    def is_clip(self) -> bool:
        return self.is_speech and self.file is not None


@dataclass(frozen=True)
class Timeline:
    items: tuple[Placed, ...]
    duration: int
    chapters: tuple[Chapter, ...]
    warnings: tuple[str, ...] = ()

    def speech(self) -> list[Placed]:
        return [item for item in self.items if item.is_speech]


@dataclass
class _Bed:
    placed_at: int  # index into items
    remaining: int
    gap: int
    fade_out: int
    under: int


@dataclass
class _State:
    items: list[Placed] = field(default_factory=list)
    cursor: int = 0  # where the next part may start (before its gap)
    gap: int = 0  # silence owed before the next part
    chapter: str | None = None
    chapter_marks: list[tuple[str, int | None]] = field(default_factory=list)
    last_speech_end: int = 0
    last_speech_start: int = 0  # where the last speech part began
    pause: int = 0  # ms of pause parts since the last placed part
    warnings: list[str] = field(default_factory=list)
    last_kind: str | None = None
    last_music: int | None = None  # index into items
    bed: _Bed | None = None


def build(
    parts: list[model.Part],
    measured: list[Measured],
    voices: dict[str, Voice],
    pacing: Pacing,
    title: str,
) -> Timeline:
    state = _State()
    for index, (part, facts) in enumerate(zip(parts, measured, strict=True)):
        if isinstance(part, model.ChapterPart):
            if state.items:
                state.gap = max(state.gap, round(pacing.chapter * 1000))
            state.chapter = part.chapter
            state.chapter_marks.append((part.chapter, None))
        elif isinstance(part, model.PausePart):
            state.gap += round(part.pause * 1000)
            state.pause += round(part.pause * 1000)
        elif isinstance(part, MusicPart):
            _place_music(state, index, part, facts)
        else:
            _place_speech(state, index, part, facts, voices, pacing)
    _close_bed(state)
    items = _with_ducks(state.items)
    duration = max((item.end for item in items), default=0) + state.pause  # a closing pause
    chapters = _chapters(state, items, duration, title)
    return Timeline(tuple(items), duration, chapters, tuple(state.warnings))


def _open_chapter_marks(state: _State, start: int) -> None:
    state.chapter_marks = [(t, start if s is None else s) for t, s in state.chapter_marks]


def _place_speech(
    state: _State,
    index: int,
    part: model.Part,
    facts: Measured,
    voices: dict[str, Voice],
    pacing: Pacing,
) -> None:
    kind = model.kind_of(part)
    start = state.cursor + state.gap
    bed = state.bed
    if bed is not None and state.last_kind != "music":
        start = max(start, state.cursor + bed.gap)
    _open_chapter_marks(state, start)
    name = model.speaker_name(part, voices)
    voice = model.voice_key(part)
    if isinstance(part, model.InterviewPart) and part.audio is not None:
        end = start + facts.duration
        state.items.append(
            Placed(
                index,
                kind,
                start,
                end,
                state.chapter,
                name,
                None,
                part.transcript,
                file=part.audio,
                level=facts.gain_db,
                transcript=tuple(sentences(part.transcript)) if part.transcript else (),
            )
        )
    else:
        end = start
        for n, (text, duration) in enumerate(facts.sentences):
            if n:
                end += round(pacing.sentence * 1000)
            state.items.append(
                Placed(index, kind, end, end + duration, state.chapter, name, voice, text, n)
            )
            end += duration
    state.cursor = end
    state.last_speech_start, state.last_speech_end = start, end
    state.pause = 0
    state.gap = round(pacing.speaker * 1000)
    state.last_kind = "speech"
    if bed is not None:
        bed.remaining -= 1
        if bed.remaining == 0:
            _close_bed(state)


def _place_music(state: _State, index: int, part: MusicPart, facts: Measured) -> None:
    _close_bed(state)
    fade_in = round(part.fade_in * 1000)
    fade_out = round(part.fade_out * 1000)
    overlap = round(part.overlap * 1000)
    start = state.cursor + state.gap
    if state.last_kind == "music" and state.gap == 0 and state.last_music is not None:
        # music right after music: crossfade
        previous = state.items[state.last_music]
        xfade = min(CROSSFADE_MS, (previous.end - previous.start) // 2, facts.duration // 2)
        start = previous.end - xfade
        state.items[state.last_music] = _replace(previous, fade_out=max(previous.fade_out, xfade))
        fade_in = max(fade_in, xfade)
    if part.role == "outro" and overlap and state.last_kind == "speech" and not state.pause:
        # talk-over, but never reaching back before the last speech part began
        start = max(state.last_speech_start, state.last_speech_end - overlap)
    if state.chapter_marks and state.chapter_marks[-1][1] is None:
        _open_chapter_marks(state, start)
    if part.role == "bed":
        fade_in = max(fade_in, MIN_BED_EDGE_MS)
        placed = Placed(
            index,
            MusicPart.kind,
            start,
            start + fade_in,
            state.chapter,
            file=part.music,
            role="bed",
            fade_in=fade_in,
            loop=True,
            level=part.level,
            duck=part.duck,
            attack=part.attack,
            release=part.release,
        )
        state.items.append(placed)
        state.last_music = len(state.items) - 1
        state.bed = _Bed(
            len(state.items) - 1,
            part.under,
            round(part.gap * 1000),
            max(fade_out, MIN_BED_EDGE_MS),
            part.under,
        )
        state.cursor = start + fade_in
        state.gap = state.pause = 0
        state.last_kind = "music"
        return
    end = start + facts.duration
    state.items.append(
        Placed(
            index,
            MusicPart.kind,
            start,
            end,
            state.chapter,
            file=part.music,
            role=part.role,
            fade_in=fade_in,
            fade_out=fade_out,
            level=part.level,
            duck=part.duck,
            attack=part.attack,
            release=part.release,
        )
    )
    state.last_music = len(state.items) - 1
    state.last_kind = "music"
    state.pause = 0
    if part.role == "intro" and overlap:
        state.cursor, state.gap = max(start, end - overlap), 0
    else:
        state.cursor, state.gap = end, 0


def _close_bed(state: _State) -> None:
    bed = state.bed
    if bed is None:
        return
    state.bed = None
    placed = state.items[bed.placed_at]
    name = placed.file.name if placed.file else "bed"
    if bed.remaining == bed.under:
        state.warnings.append(f"music bed {name} has no speech after it to play under")
    elif bed.remaining:
        state.warnings.append(
            f"music bed {name} is set to play under {bed.under} speech parts but only"
            f" {bed.under - bed.remaining} follow it before other music or the end"
        )
    end = max(state.cursor, placed.end) + bed.fade_out
    state.items[bed.placed_at] = _replace(placed, end=end, fade_out=bed.fade_out)
    state.cursor, state.gap, state.last_kind = end, 0, "music"


def _replace(item: Placed, **changes: object) -> Placed:
    return replace(item, **changes)  # type: ignore[arg-type]


def _with_ducks(items: list[Placed]) -> list[Placed]:
    """Give every non-sting music item the speech spans it plays under."""
    spans = sorted((item.start, item.end) for item in items if item.is_speech)
    result = []
    for item in items:
        if not item.is_speech and item.role != "sting":
            under = tuple((s, e) for s, e in spans if s < item.end and e > item.start)
            item = _replace(item, ducks=under)
        result.append(item)
    return result


def _chapters(state: _State, items: list[Placed], duration: int, title: str) -> tuple[Chapter, ...]:
    marks = [(t, s if s is not None else duration) for t, s in state.chapter_marks]
    for chapter_title, start in marks:
        if start >= duration:
            state.warnings.append(f"chapter '{chapter_title}' has nothing after it; left out")
    marks = [(t, s) for t, s in marks if s < duration]
    if not marks:
        return (Chapter(title=title, start_ms=0, end_ms=duration),) if duration else ()
    if marks[0][1] > 0:  # the first chapter starts at 0 (STANDARDS 8): name the opening
        marks.insert(0, (title, 0))
    chapters = []
    for n, (chapter_title, start) in enumerate(marks):
        end = marks[n + 1][1] if n + 1 < len(marks) else duration
        if end > start:
            chapters.append(Chapter(title=chapter_title, start_ms=start, end_ms=end))
    return tuple(chapters)

"""Files published beside the MP3, all read from the timeline: WebVTT and SRT transcripts,
Podcasting 2.0 chapters JSON and JSON transcript (STANDARDS 11-14), each written by its
module in `formats` (which the page and `kit check` read them back with).

Cue times are the placed sentences' times, so the transcript and the audio cannot disagree.
SRT cues longer than two lines of 32 characters are split, their time shared out by length.
"""

from __future__ import annotations

from dataclasses import replace

from broadcast_kit.formats import chapters, transcript
from broadcast_kit.formats import srt as subrip
from broadcast_kit.formats import vtt as webvtt
from broadcast_kit.formats.vtt import Cue, share_time
from broadcast_kit.render.timeline import Placed, Timeline


def cues(timeline: Timeline) -> list[Placed]:
    """Speech with words, one cue per sentence; a clip's transcript shares its clip's time."""
    result: list[Placed] = []
    for item in timeline.speech():
        if not item.text:
            continue  # a clip without transcript leaves a gap
        if item.file is None:
            result.append(item)
            continue
        parts = list(item.transcript) or [item.text]  # the timeline split it into sentences
        times = share_time(item.start, item.end, parts)
        for n, (text, (start, end)) in enumerate(zip(parts, times, strict=True)):
            result.append(replace(item, start=start, end=end, text=text, sentence=n))
    return result


def _cue(item: Placed) -> Cue:
    return Cue(item.start, item.end, item.speaker, item.text or "")


def vtt(timeline: Timeline) -> str:
    return webvtt.write(_cue(item) for item in cues(timeline))


def srt_cues(timeline: Timeline) -> list[Cue]:
    """The SRT's cues: the speaker's name opens each turn."""
    found = []
    previous: tuple[int, str | None] | None = None
    for item in cues(timeline):
        turn = (item.part, item.speaker)
        found.append(replace(_cue(item), speaker=str(item.speaker) if turn != previous else None))
        previous = turn
    return found


def srt(timeline: Timeline) -> str:
    return subrip.write(srt_cues(timeline))


def chapters_json(timeline: Timeline) -> str:
    return chapters.write(timeline.chapters)


def transcript_json(timeline: Timeline) -> str:
    return transcript.write(_cue(item) for item in cues(timeline))

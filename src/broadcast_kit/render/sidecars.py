"""Files published beside the MP3, all read from the timeline: WebVTT and SRT transcripts,
Podcasting 2.0 chapters JSON and JSON transcript (STANDARDS 11-14).

Cue times are the placed sentences' times, so the transcript and the audio cannot disagree.
SRT cues longer than two lines of 32 characters are split, their time shared out by length.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace

from broadcast_kit.render.timeline import Placed, Timeline

VTT_LINE = 65
SRT_LINE = 32
SRT_LINES = 2


def _stamp(ms: int, sep: str) -> str:
    h, rest = divmod(max(ms, 0), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


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
        total = sum(len(p) for p in parts)
        start = item.start
        for n, text in enumerate(parts):
            end = (
                item.end
                if n == len(parts) - 1
                else start + (item.end - item.start) * len(text) // total
            )
            result.append(replace(item, start=start, end=end, text=text, sentence=n))
            start = end
    return result


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(cues(timeline), 1):
        voice = f"<v {_escape(cue.speaker or 'Speaker')}>"
        # lines of at most 65 characters shown (text.shown_length): the tag is not shown
        wrapped = [_escape(line) for line in textwrap.wrap(cue.text or "", VTT_LINE)] or [""]
        wrapped[0] = voice + wrapped[0]
        lines += [str(n), f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}", *wrapped, ""]
    return "\n".join(lines)


def _srt_pieces(text: str, prefix: str) -> list[str]:
    """Split prefix+text into cue texts of at most two lines of SRT_LINE characters."""
    lines = textwrap.wrap(prefix + text, SRT_LINE, break_long_words=True)
    return ["\n".join(lines[i : i + SRT_LINES]) for i in range(0, len(lines), SRT_LINES)]


def srt(timeline: Timeline) -> str:
    out: list[str] = []
    number = 0
    previous: tuple[int, str | None] | None = None
    for cue in cues(timeline):
        turn = (cue.part, cue.speaker)
        prefix = f"{cue.speaker}: " if turn != previous else ""
        previous = turn
        pieces = _srt_pieces(cue.text or "", prefix)
        total = sum(len(p) for p in pieces)
        start = cue.start
        for n, piece in enumerate(pieces):
            end = (
                cue.end
                if n == len(pieces) - 1
                else start + (cue.end - cue.start) * len(piece) // total
            )
            number += 1
            out += [str(number), f"{_stamp(start, ',')} --> {_stamp(end, ',')}", piece, ""]
            start = end
    return "\n".join(out)


def chapters_json(timeline: Timeline) -> str:
    return json.dumps(
        {
            "version": "1.2.0",
            "chapters": [
                {"startTime": c.start_ms / 1000, "title": c.title, "endTime": c.end_ms / 1000}
                for c in timeline.chapters
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def transcript_json(timeline: Timeline) -> str:
    return json.dumps(
        {
            "version": "1.0.0",
            "segments": [
                {
                    "speaker": c.speaker,
                    "startTime": c.start / 1000,
                    "endTime": c.end / 1000,
                    "body": c.text,
                }
                for c in cues(timeline)
            ],
        },
        indent=2,
        ensure_ascii=False,
    )

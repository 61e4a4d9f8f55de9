"""WebVTT transcripts (`<slug>.vtt`), written by the render and parsed by the show page and
`kit check` here: one cue per sentence, its speaker as a `<v Name>` voice tag, lines of at
most 65 characters shown.

`blocks` splits a file into its cue blocks, keeping line numbers and raw lines, so that each
reader decides what a damaged block means to it (the page stops, the check reports).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

LINE = 65  # characters shown on a line (the voice tag is not shown)
HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
TIMING = re.compile(rf"{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t].*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Cue:
    """One transcript cue: what is said between two times, and by whom."""

    start_ms: int
    end_ms: int
    speaker: str | None
    text: str


def share_time(start: int, end: int, texts: list[str]) -> list[tuple[int, int]]:
    """start..end shared out among `texts` by their length, in order (the last ends at
    `end`): the times of the cues a long sentence is split into."""
    total, span = sum(len(text) for text in texts), end - start
    times = []
    for n, text in enumerate(texts):
        stop = end if n == len(texts) - 1 else start + span * len(text) // total
        times.append((start, stop))
        start = stop
    return times


def stamp(ms: int, sep: str = ".") -> str:
    """HH:MM:SS.mmm (SRT's separator is a comma)."""
    h, rest = divmod(max(ms, 0), 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write(cues: Iterable[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for n, cue in enumerate(cues, 1):
        voice = f"<v {escape(cue.speaker or 'Speaker')}>"
        # lines of at most LINE characters shown (text.shown_length): the tag is not shown
        wrapped = [escape(line) for line in textwrap.wrap(cue.text, LINE)] or [""]
        wrapped[0] = voice + wrapped[0]
        lines += [str(n), f"{stamp(cue.start_ms)} --> {stamp(cue.end_ms)}", *wrapped, ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Block:
    """A block of lines between blank lines, after the header."""

    line: int  # 1-based line number of its timing line (or of its first line)
    timing: str  # the line that should be its timing line
    times: tuple[int, int] | None  # (start, end) in ms; None when `timing` is not one
    lines: tuple[str, ...]  # the lines after the timing line, as they are
    note: bool  # a NOTE, STYLE or REGION block, not a cue


def _ms(h: str | None, m: str, s: str, ms: str) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def split_lines(text: str) -> list[str]:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def blocks(text: str) -> list[Block]:
    """The blocks after the header block (whether the file starts with a header is
    `HEADER`'s to say)."""
    found: list[Block] = []
    group: list[tuple[int, str]] = []
    numbered = [*enumerate(split_lines(text), 1)]
    # the header block ends at a blank line, or where a cue follows it with none between
    ends = (n for n, (_, line) in enumerate(numbered) if not line.strip() or "-->" in line)
    header = next(ends, len(numbered))
    for number, line in [*numbered[header:], (0, "")]:  # a blank line ends the last block
        if line.strip():
            group.append((number, line))
            continue
        if not group:
            continue
        at = 1 if len(group) > 1 and "-->" not in group[0][1] else 0
        line_no, timing = group[at]
        match = TIMING.fullmatch(timing.strip())
        times = None
        if match is not None:
            g = match.groups()
            times = (_ms(*g[:4]), _ms(*g[4:]))
        found.append(
            Block(
                line_no,
                timing,
                times,
                tuple(x for _, x in group[at + 1 :]),
                group[0][1].startswith(("NOTE", "STYLE", "REGION")),
            )
        )
        group = []
    return found


def speaker_and_text(lines: Iterable[str]) -> tuple[str | None, str]:
    """A cue's speaker (its `<v Name>` tag) and its text, tags removed and character
    references decoded."""
    raw = " ".join(line.strip() for line in lines)
    voice = _VOICE.search(raw)
    speaker = html.unescape(voice.group(1)).strip() if voice else None
    return speaker or None, html.unescape(_TAG.sub("", raw)).strip()

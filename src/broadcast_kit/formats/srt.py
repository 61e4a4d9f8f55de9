"""SRT subtitles (`<slug>.srt`), written by the render and parsed by `kit check` here: cues
of at most two lines of 32 characters, a long sentence split into several cues with its
time shared out by length.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from broadcast_kit.formats.vtt import Cue, share_time, split_lines, stamp

LINE = 32
LINES = 2
TIMING = re.compile(
    r"(\d+):(\d{2}):(\d{2}),(\d{3})[ \t]+-->[ \t]+(\d+):(\d{2}):(\d{2}),(\d{3})(?:[ \t].*)?"
)


def pieces(text: str) -> list[str]:
    """`text` split into cue texts of at most LINES lines of LINE characters."""
    lines = textwrap.wrap(text, LINE, break_long_words=True)
    return ["\n".join(lines[i : i + LINES]) for i in range(0, len(lines), LINES)]


def write(cues: Iterable[Cue]) -> str:
    """The SRT of `cues`; a cue's speaker, when given, opens its text ("Name: ...")."""
    out: list[str] = []
    number = 0
    for cue in cues:
        prefix = f"{cue.speaker}: " if cue.speaker is not None else ""
        split = pieces(prefix + cue.text)
        for piece, (start, end) in zip(
            split, share_time(cue.start_ms, cue.end_ms, split), strict=True
        ):
            number += 1
            out += [str(number), f"{stamp(start, ',')} --> {stamp(end, ',')}", piece, ""]
    return "\n".join(out)


@dataclass(frozen=True)
class Block:
    """A block of lines between blank lines: a cue when it is a number, a timing line and
    text (`times` is None otherwise)."""

    first: str
    times: tuple[int, int] | None
    lines: tuple[str, ...]  # the text lines


def _ms(h: str, m: str, s: str, ms: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def blocks(text: str) -> list[Block]:
    groups: list[list[str]] = [[]]
    for line in split_lines(text):
        if line.strip():
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    found = []
    for group in (g for g in groups if g):
        match = TIMING.fullmatch(group[1].strip()) if len(group) > 1 else None
        times = None
        if group[0].strip().isdigit() and match is not None and len(group) >= 3:
            g = match.groups()
            times = (_ms(*g[:4]), _ms(*g[4:]))
        found.append(Block(group[0], times, tuple(group[2:])))
    return found

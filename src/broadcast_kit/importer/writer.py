"""Writing the episode.yaml text: metadata, voices, chapters and parts with their notes."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import yaml

from broadcast_kit.importer.page import ELLIPSIS, short
from broadcast_kit.importer.people import Person
from broadcast_kit.importer.transcript import Transcript
from broadcast_kit.segment import sentences

# --- YAML ---------------------------------------------------------------------------------

WRAP = 92  # width of the text lines written in block scalars
_PALETTE = ((-3.0, 0.95), (3.0, 1.05), (-1.5, 0.9), (4.5, 1.0), (-5.0, 1.0), (1.5, 1.1))
_VOX_PALETTE = ((6.0, 1.1), (-5.5, 1.0), (2.5, 1.12), (-2.5, 0.92))
# voice keys not to use: the built-in voices, and words YAML reads as booleans or null
RESERVED = {"host", "voxpop", "y", "yes", "n", "no", "on", "off", "true", "false", "null"}


def quote(text: str) -> str:
    """A YAML double-quoted scalar for `text`, on one line."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def block(key: str, text: str, indent: int) -> str:
    """`key: >-` and the text folded on the following lines (exactly `text` when read back)."""
    pad = " " * indent
    if not text.isprintable() or text != " ".join(text.split()):
        return f"{key}: {quote(text)}"
    lines = textwrap.wrap(
        text, width=max(40, WRAP - indent), break_long_words=False, break_on_hyphens=False
    )
    return f"{key}: >-\n" + "\n".join(pad + line for line in lines)


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "speaker"


def assign_keys(people: list[Person]) -> None:
    taken = set(RESERVED)
    for person in people:
        key = _slug(person.surname)
        if key in taken:
            key = _slug(person.name)
        while key in taken:
            key += "-2"
        person.key = key
        taken.add(key)


def episode_yaml(
    transcript: Transcript,
    speakers: list[Person],
    source_name: str,
    engine: str,
    today: dt.date,
    html: bool = False,
) -> str:
    def where(line: int) -> str:
        # HTML has no useful line numbers: count the paragraphs of its text instead
        return f"paragraph {(line + 1) // 2}" if html else f"line {line}"

    out: list[str] = [
        f"# Imported by `kit import` from {source_name}.",
        "# Review it before rendering: lines marked 'check:' are guesses. Every content word of",
        "# the transcript is kept, in order (the '…' that opens an audience quote is a",
        "# transcript marker and is left out).",
    ]
    if transcript.programme:
        out.append(f"# programme: {transcript.programme}")
    if transcript.dropped:
        out.append("# left out as page furniture (not part of the transcript):")
        out += [f"#   {where(b.line)}: {short(b.text)}" for b in transcript.dropped]
    title = transcript.title or Path(source_name).stem
    note = ""
    if not transcript.title:
        note = "  # check: no title found; this is the file name"
    elif transcript.title_guessed:
        note = "  # check: guessed from the page header"
    out.append(f"title: {quote(title)}{note}")
    if transcript.date is not None:
        out.append(f"date: {transcript.date.isoformat()}")
    else:
        out.append(f"date: {today.isoformat()}  # check: no date found; this is today's")
    first = next((p.text for s in transcript.stories for p in s.paragraphs), "")
    lead = sentences(ELLIPSIS.sub("", first))
    if lead:
        out.append(f"description: {quote(lead[0])}  # check: the first sentence; write your own")
    else:
        out.append('description: ""  # TODO: describe the episode')
    paragraphs = [p for s in transcript.stories for p in s.paragraphs]
    out += ["", "# the host speaks with the show's host voice (show.yaml)"]
    vox = [p for p in paragraphs if p.voice]
    if speakers or vox:
        out.append("voices:")
    for n, person in enumerate(speakers):
        pitch, speed = _PALETTE[n % len(_PALETTE)]
        pitch += 0.5 * (n // len(_PALETTE))
        out += [
            f"  {person.key}:",
            f"    engine: {engine}",
            f"    name: {quote(person.name)}",
            f"    pitch: {pitch}",
            f"    speed: {speed}",
        ]
    for n, para in enumerate(vox):
        pitch, speed = _VOX_PALETTE[n % len(_VOX_PALETTE)]
        pitch -= 0.5 * (n // len(_VOX_PALETTE))
        out += [
            f"  {para.voice}:  # {para.description or 'voxpop'}",
            f"    engine: {engine}",
            f"    pitch: {pitch}",
            f"    speed: {speed}",
        ]
    out += ["", "segments:"]
    for number, story in enumerate(transcript.stories, start=1):
        out.append(f"  # --- story {number} (transcript {where(story.line)}) ---")
        tag = f"  # [{story.tag}] in the transcript" if story.tag else ""
        out.append(f"  - chapter: {quote(story.title or title)}{tag}")
        for para in story.paragraphs:
            out += [f"  {_comment(n)}" for n in para.notes]
            if para.kind == "interview" and para.person is not None:
                out.append("  - " + block("interview", para.text, 6))
                out.append(f"    speaker: {para.person.key}")
            elif para.kind == "voxpop":
                out.append("  - " + block("voxpop", ELLIPSIS.sub("", para.text), 6))
                out.append(f"    speaker: {quote(para.description or 'Listener')}")
                out.append(f"    voice: {para.voice}")
            else:
                out.append("  - " + block("host", para.text, 6))
    return "\n".join(out) + "\n"

"""Turn a programme transcript (plain text or a saved HTML page) into an episode.yaml to review.

The stages, one module each, data flowing one way: `page` (HTML or text -> blocks, page
furniture), `dates` and `transcript` (header: title, date, programme; stories and
paragraphs), `people` (names and who a short reference means), `cues` (hand-over cues and
the voice of a paragraph), `attribution` (who speaks each paragraph), `writer` (the YAML).
Nothing is invented: every content word is kept, in order, and guesses carry `# check:`.
`import_transcript` is the one entry point for a transcript's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open
from broadcast_kit.importer.attribution import attribute
from broadcast_kit.importer.cues import Cue, find_cue
from broadcast_kit.importer.dates import find_date
from broadcast_kit.importer.page import ELLIPSIS, Block, Page, blocks, is_html, page_text
from broadcast_kit.importer.people import People, Person, mentions
from broadcast_kit.importer.transcript import Paragraph, Story, Transcript, parse
from broadcast_kit.importer.writer import assign_keys, block, episode_yaml, quote

__all__ = [
    "ELLIPSIS",
    "Block",
    "Cue",
    "Imported",
    "Page",
    "Paragraph",
    "People",
    "Person",
    "Story",
    "Transcript",
    "block",
    "blocks",
    "find_cue",
    "find_date",
    "import_transcript",
    "is_html",
    "mentions",
    "page_text",
    "quote",
    "read_transcript",
    "write_episode",
]


@dataclass(frozen=True)
class Imported:
    """The result of an import: the parsed transcript and the episode.yaml text."""

    transcript: Transcript
    yaml: str
    speakers: dict[str, str]  # voice key -> full name or description

    @property
    def checks(self) -> int:
        return self.yaml.count("# check:")


def import_transcript(
    raw: str, source_name: str, engine: str = "piper", today: dt.date | None = None
) -> Imported:
    """Parse, attribute and write the episode.yaml text for one transcript."""
    from broadcast_kit.tts import registry

    if engine not in registry.names():
        raise InputError(
            f"unknown engine '{engine}' for --engine; installed engines:"
            f" {', '.join(registry.names())}"
        )
    page = page_text(raw)
    try:
        transcript = parse(page)
    except InputError as exc:
        raise InputError(f"{source_name}: {exc}") from None
    attribute(transcript)
    paragraphs = [p for s in transcript.stories for p in s.paragraphs]
    speakers: list[Person] = []
    for para in paragraphs:
        if para.person is not None and para.person not in speakers:
            speakers.append(para.person)
    assign_keys(speakers)
    return Imported(
        transcript,
        episode_yaml(
            transcript, speakers, source_name, engine, today or dt.date.today(), is_html(raw)
        ),
        {p.key: p.name for p in speakers}
        | {p.voice: p.description or "" for p in paragraphs if p.voice},
    )


def read_transcript(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the page or transcript as UTF-8"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None


def write_episode(text: str, path: Path, force: bool = False) -> Path:
    """Write `text` to `path` atomically; an existing file is kept unless `force`."""
    if path.exists() and not force:
        raise InputError(f"{path} already exists; pass --force to overwrite it")
    try:
        with atomic_open(path, "w") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); choose another -o") from exc
    return path

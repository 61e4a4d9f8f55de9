"""Turn a programme transcript (plain text or a saved HTML page) into an episode.yaml to review.

The stages, one module each, data flowing one way:
  `page`         page text and furniture: HTML or text -> blocks (wrapped lines joined)
  `header`       title, date, programme and broadcaster (with `dates`)
  `labels`, `people`   speaker labels and cues on the page; names, hosts, non-people
  `transcript`   stories and paragraphs, labels and music cues attached
  `cues`, `attribution`   who speaks each paragraph, evidence in a fixed order
  `writer`       the episode.yaml text; `show` the show's music or a starter show.yaml
The word lists that belong to a language, country or broadcaster are data (`words`,
`data/*.yaml`), extended with `--words FILE` or BROADCAST_KIT_IMPORT_WORDS. Nothing is
invented: every spoken word is kept, in order, and guesses carry `# check:`.
`import_transcript` turns one transcript's text into YAML; `import_file` also reads the file
and writes the episode (and a starter show where there is none).
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from broadcast_kit.cover import placeholder
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open, blocking_file
from broadcast_kit.importer.attribution import attribute
from broadcast_kit.importer.cues import Cue, find_cue
from broadcast_kit.importer.dates import find_date
from broadcast_kit.importer.document import Paragraph, Story, Transcript
from broadcast_kit.importer.page import ELLIPSIS, Block, Page, blocks, is_html, page_text
from broadcast_kit.importer.people import People, Person, mentions
from broadcast_kit.importer.show import COVER_FILE, find_show, show_music, starter_show
from broadcast_kit.importer.transcript import parse
from broadcast_kit.importer.words import ENV, Words, default_words, load_words
from broadcast_kit.importer.writer import assign_keys, block, episode_yaml, quote
from broadcast_kit.limits import MAX_TRANSCRIPT_BYTES, MAX_TRANSCRIPT_LINES, read_bounded

__all__ = [
    "ELLIPSIS",
    "ENV",
    "Block",
    "Cue",
    "Imported",
    "Page",
    "Paragraph",
    "People",
    "Person",
    "Story",
    "Transcript",
    "Words",
    "Written",
    "block",
    "blocks",
    "decode_transcript",
    "default_words",
    "find_cue",
    "find_date",
    "import_file",
    "import_transcript",
    "is_html",
    "load_words",
    "mentions",
    "page_text",
    "quote",
    "read_transcript",
    "write_episode",
]


@dataclass(frozen=True)
class Imported:
    """The result of an import: the parsed transcript, the episode.yaml text, and notes for
    the person running it (what was guessed or is missing)."""

    transcript: Transcript
    yaml: str
    speakers: dict[str, str]  # voice key -> full name or description
    notes: list[str] = field(default_factory=list)

    @property
    def checks(self) -> int:
        return self.yaml.count("# check:")


def import_transcript(
    raw: str,
    source_name: str,
    engine: str | None = None,
    today: dt.date | None = None,
    *,
    words: Words | None = None,
    music: Mapping[str, str] | None = None,
) -> Imported:
    """Parse, attribute and write the episode.yaml text for one transcript.

    `engine`: the engine whose default voice every speaker gets, each at its own pitch; None:
    each speaker is described (`voice: {accent: us}`) and cast when the episode loads, a
    different native voice each while there is one (tts/casting.py), without pitch shifts.
    `words`: the word lists (default: the package's and BROADCAST_KIT_IMPORT_WORDS');
    `music`: the show's music file for each role, as written from the episode's folder.
    """
    from broadcast_kit.tts import registry

    if engine is not None and engine not in registry.names():
        raise InputError(
            f"unknown engine '{engine}' for --engine; installed engines:"
            f" {', '.join(registry.names())}"
        )
    if not is_html(raw):  # plain text keeps its lines: refused before each is read
        _within_line_limit(raw, source_name)
    page = page_text(raw, source_name)
    _within_line_limit(page.text, source_name)
    try:
        transcript = parse(page, words or load_words())
    except InputError as exc:
        raise InputError(f"{source_name}: {exc}") from None
    attribute(transcript)
    paragraphs = transcript.paragraphs
    speakers: list[Person] = []
    for para in paragraphs:
        if para.person is not None and para.person not in speakers:
            speakers.append(para.person)
    assign_keys(speakers)
    today = today or dt.date.today()
    by_paragraph = is_html(raw) or page.captions  # no line numbers of the file's own
    text = episode_yaml(transcript, speakers, source_name, engine, today, by_paragraph, music or {})
    return Imported(
        transcript,
        text,
        {p.key: p.name for p in speakers}
        | {p.voice: p.description or "" for p in paragraphs if p.voice},
        _notes(transcript, today, music or {}),
    )


_TEXT_LINE = re.compile(r"^[^\S\n]*\S", re.MULTILINE)


def _within_line_limit(text: str, shown: str) -> None:
    """Refuse more lines of text than a programme's transcript has, before the reading of
    each line (a tenth of a millisecond each) adds up to minutes."""
    past = next(itertools.islice(_TEXT_LINE.finditer(text), MAX_TRANSCRIPT_LINES, None), None)
    if past is not None:
        line = text.count("\n", 0, past.start()) + 1
        raise InputError(
            f"{shown}:{line}: more than {MAX_TRANSCRIPT_LINES:,} lines of text (the limit for"
            " transcripts; a three-hour programme has about 3,000); import one programme at a"
            " time"
        )


def _notes(transcript: Transcript, today: dt.date, music: Mapping[str, str]) -> list[str]:
    notes = []
    date, check = transcript.episode_date(today)
    if transcript.date is None:
        notes.append(f"{check} ({date.isoformat()})")
    elif check:
        notes.append(f"the date {date.isoformat()} was {check}")
    if transcript.cut_off:
        notes.append("the transcript ends mid-sentence: was the page cut off?")
    cues = [p for p in transcript.paragraphs if not p.spoken]
    missing = sorted({p.role or "sting" for p in cues if (p.role or "sting") not in music})
    if missing:
        notes.append(
            f"music cues became pauses marked check: the show has no {'/'.join(missing)} music yet"
        )
    return notes


@dataclass(frozen=True)
class Written:
    """What `import_file` did: the import and the files it wrote."""

    imported: Imported
    episode: Path | None  # None: printed, not written
    show: Path | None = None  # a starter show.yaml written beside the episode
    cover: Path | None = None  # its generated cover


def import_file(
    path: Path,
    out: Path | None = None,
    *,
    engine: str | None = None,
    force: bool = False,
    words: Sequence[Path] = (),
    today: dt.date | None = None,
) -> Written:
    """Import the transcript at `path`; write it to `out` (when given) with a starter
    show.yaml and cover beside it when no show.yaml is found above `out`."""
    if out is not None and (blocker := blocking_file(out.parent)) is not None:
        raise InputError(
            f"-o {out}: {blocker} is a file, not a folder, so nothing can be written below it;"
            " choose another -o"
        )
    lists = load_words(words)
    raw, encoding = _read(path)
    show = find_show(out) if out is not None else None
    music = show_music(show, out) if show is not None and out is not None else {}
    imported = import_transcript(raw, path.name, engine, today, words=lists, music=music)
    if encoding is not None:
        read_as = (
            f"{path.name} is not UTF-8: it was read as {encoding}; check its quotes and accents"
        )
        imported = dataclasses.replace(imported, notes=[read_as, *imported.notes])
    if out is None:
        return Written(imported, None)
    if out.exists() and not force:
        raise InputError(f"{out} already exists; pass --force to overwrite it")
    if show is not None:
        return Written(imported, write_episode(imported.yaml, out, force=True))
    show_path, cover = out.parent / "show.yaml", out.parent / COVER_FILE
    created: list[Path] = []
    try:
        if not cover.exists():
            _write(cover, placeholder(imported.transcript.programme or path.stem))
            created.append(cover)
        _write(show_path, starter_show(imported.transcript, engine, out).encode("utf-8"))
        created.append(show_path)
        write_episode(imported.yaml, out, force=True)
    except BaseException:
        for made in created:  # nothing half-written: a show without its episode goes too
            made.unlink(missing_ok=True)
        raise
    return Written(imported, out, show_path, cover if cover in created else None)


def _write(path: Path, data: bytes) -> None:
    try:
        with atomic_open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); choose another -o") from exc


def read_transcript(path: Path) -> str:
    """The text of the transcript file at `path`, whatever encoding a user's tools saved it in
    (see `decode_transcript`)."""
    return _read(path)[0]


def _read(path: Path) -> tuple[str, str | None]:
    try:
        data = read_bounded(
            path,
            MAX_TRANSCRIPT_BYTES,
            str(path),
            "transcripts",
            "import one programme at a time, or copy the transcript out of the page into a .txt",
        )
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    return decode_transcript(data, str(path))


# what a file that is no text starts with, and what to do instead
_NOT_TEXT = {
    b"PK\x03\x04": "a Word document or other zip file; save it as plain text (.txt)",
    b"%PDF": "a PDF; copy its text into a .txt file",
    b"{\\rtf": "an RTF document; save it as plain text (.txt)",
    b"\xd0\xcf\x11\xe0": "an old Word (.doc) document; save it as plain text (.txt)",
}


def decode_transcript(data: bytes, shown: str) -> tuple[str, str | None]:
    """The text of a transcript file's bytes, and the encoding it was read in when that was
    a guess (to say so in a note). UTF-8 with or without a byte-order mark, UTF-16 (as
    Windows Notepad saves "Unicode") with or without one, and Windows-1252 (Western European
    text saved by older Windows tools, curly quotes as bytes 0x93/0x94) are read; other
    bytes, and files that are no text at all, are refused naming the fix."""
    for start, fix in _NOT_TEXT.items():
        if data.startswith(start):
            raise InputError(f"{shown}: not a text file but {fix}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16", shown), None
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(data, "utf-8-sig", shown), None
    half = len(data) // 2
    if half >= 8:  # UTF-16 with no byte-order mark: every other byte of ASCII text is zero
        if data[1::2].count(0) >= 0.4 * half and data[0::2].count(0) < 0.05 * half:
            return _decoded(data, "utf-16-le", shown), None
        if data[0::2].count(0) >= 0.4 * half and data[1::2].count(0) < 0.05 * half:
            return _decoded(data, "utf-16-be", shown), None
    if b"\x00" in data:
        raise InputError(f"{shown}: not a text file (it holds zero bytes); save it as plain text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8 = exc
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise InputError(
            f"{shown}: not UTF-8 text (byte {utf8.start}), nor Windows-1252; save the page or"
            " transcript as UTF-8"
        ) from None


def _decoded(data: bytes, encoding: str, shown: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{shown}: not {encoding.upper().removesuffix('-SIG')} text (byte {exc.start}) though"
            " it starts like it; save the page or transcript as UTF-8"
        ) from None


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

"""What is published: the episodes rendered into a folder, read from their render reports,
each with its permanent guid.

`kit feed` and the show page work from this and never decode audio: durations and chapters
come from the reports, sizes from the files on disk. Guids live in `guids.yaml` beside the
show file, assigned once per episode slug and meant to be committed, so re-rendering or
re-titling an episode never changes its identity in podcast apps (an episode's `guid:` field
overrides it, for shows moving from another host).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from broadcast_kit import limits, loader
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open

GUIDS_FILE = "guids.yaml"
SIDECARS = ("vtt", "srt", "chapters", "transcript")
GUIDS_HEADER = (
    "# Each episode's permanent id in the feed (its podcast apps' guid), by slug.\n"
    "# Written by `kit feed`. Commit this file and never change a line: a new guid makes\n"
    "# every podcast app show the episode again as new.\n"
)


@dataclass(frozen=True)
class Chapter:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # host or guest


@dataclass(frozen=True)
class Entry:
    """One rendered episode as the feed and the page need it."""

    slug: str
    title: str
    description: str
    date: dt.date
    number: int | None
    season: int | None
    episode_type: str
    explicit: bool
    draft: bool
    guid_override: str | None
    duration_ms: int
    mp3: Path
    size: int
    chapters: tuple[Chapter, ...]
    sidecars: dict[str, Path]  # vtt, srt, chapters, transcript -> file in the folder
    people: tuple[Person, ...]
    show_file: Path | None  # the show file the episode was rendered with


def _is_report(path: Path) -> bool:
    name = path.name
    return not (name.endswith(".chapters.json") or name.endswith(".transcript.json"))


def _load_report(path: Path) -> dict[str, object] | None:
    """A render report's data, None for JSON files that are not render reports."""
    where = loader.display(path)
    try:
        raw = limits.read_bounded(
            path, limits.MAX_FILE_BYTES, where, "render reports", "remove it from the folder"
        )
        data = limits.load_json(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{where}: cannot read it as a render report ({exc}); render the episode again"
            " or remove the file"
        ) from None
    if not isinstance(data, dict):
        return None
    report: dict[str, object] = data
    tool = report.get("tool")
    return report if isinstance(tool, str) and tool.startswith("broadcast-kit") else None


def _entry(path: Path, data: dict[str, object]) -> Entry:
    where = loader.display(path)
    folder = path.parent
    try:
        audio = data["audio"]
        files = data["files"]
        assert isinstance(audio, dict) and isinstance(files, dict)
        mp3 = folder / str(audio["file"])
        chapters = tuple(
            Chapter(str(c["title"]), int(c["start_ms"]), int(c["end_ms"]))
            for c in data["chapters"]  # type: ignore[attr-defined]
        )
        people = tuple(
            Person(str(p["name"]), str(p["role"]))
            for p in data.get("people", [])  # type: ignore[attr-defined]
        )
        sidecars = {kind: folder / str(files[kind]) for kind in SIDECARS if kind in files}
        number, season = data.get("number"), data.get("season")
        show_file = data.get("show_file")
        entry = Entry(
            slug=str(data["slug"]),
            title=str(data["title"]),
            description=str(data.get("description") or ""),
            date=dt.date.fromisoformat(str(data["date"])),
            number=int(number) if isinstance(number, int) else None,
            season=int(season) if isinstance(season, int) else None,
            episode_type=str(data.get("episode_type") or "full"),
            explicit=bool(data.get("explicit", False)),
            draft=bool(data.get("draft", False)),
            guid_override=str(data["guid"]) if data.get("guid") else None,
            duration_ms=int(data["duration_ms"]),  # type: ignore[call-overload]
            mp3=mp3,
            size=0,
            chapters=chapters,
            sidecars=sidecars,
            people=people,
            show_file=(folder / show_file) if isinstance(show_file, str) else None,
        )
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise InputError(
            f"{where}: not a complete render report ({type(exc).__name__}: {exc});"
            " render the episode again"
        ) from None
    for kind, file in [("mp3", mp3), *entry.sidecars.items()]:
        # a report names files beside it, never elsewhere
        if file.parent != folder or not file.is_file():
            raise InputError(
                f"{where}: its {kind} file {file.name} is not in {loader.display(folder)};"
                " render the episode again"
            )
    return replace(entry, size=mp3.stat().st_size)


def read(folder: Path) -> list[Entry]:
    """Every episode rendered into `folder`, in file-name order."""
    if not folder.is_dir():
        raise InputError(
            f"{loader.display(folder)}: no such folder; render an episode into it first"
            " (kit render EPISODE --out FOLDER)"
        )
    entries = []
    for path in sorted(folder.glob("*.json")):
        if not _is_report(path):
            continue
        data = _load_report(path)
        if data is not None:
            entries.append(_entry(path, data))
    return entries


def find_show(entries: list[Entry], folder: Path) -> Path:
    """The show file the episodes were rendered with (all must agree)."""
    shows = {e.show_file.resolve() for e in entries if e.show_file is not None}
    if len(shows) == 1:
        (show,) = shows
        if show.is_file():
            return show
        raise InputError(
            f"{loader.display(folder)}: the episodes were rendered with {loader.display(show)},"
            " which is gone; pass --show PATH"
        )
    if not shows:
        raise InputError(
            f"{loader.display(folder)}: the render reports do not name a show file; pass --show"
        )
    raise InputError(
        f"{loader.display(folder)}: episodes of {len(shows)} different show files are in it"
        f" ({', '.join(sorted(loader.display(s) for s in shows))}); one folder is one show:"
        " render each show into its own --out folder, or pass --show"
    )


def guids(show_path: Path, entries: list[Entry]) -> dict[str, str]:
    """Every entry's guid by slug: its override, else the one in guids.yaml beside the show,
    else a new one, which is recorded there (atomically) before it is used."""
    lock = show_path.parent / GUIDS_FILE
    known: dict[str, str] = {}
    if lock.exists():
        # the same hardened reader as show files: size, depth and alias limits, file:line errors
        loaded = loader.parse_yaml(lock).data or {}
        if not isinstance(loaded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
        ):
            raise InputError(
                f"{loader.display(lock)}: expected lines of 'slug: guid';"
                " restore it from version control"
            )
        known = loaded
    added = {e.slug: str(uuid.uuid4()) for e in entries if e.slug not in known}
    if added:
        known = {**known, **added}
        try:
            with atomic_open(lock, "w") as fh:
                fh.write(GUIDS_HEADER)
                for slug, guid in known.items():
                    fh.write(f"{json.dumps(slug)}: {json.dumps(guid)}\n")
        except OSError as exc:
            raise OutputError(
                f"cannot write {loader.display(lock)} ({exc.strerror}); the episodes' guids"
                " must be kept there: make its folder writable"
            ) from exc
    result = {e.slug: e.guid_override or known[e.slug] for e in entries}
    seen: dict[str, str] = {}
    for slug, guid in result.items():
        if guid in seen:
            raise InputError(
                f"episodes '{seen[guid]}' and '{slug}' have the same guid {guid};"
                " every episode needs its own: change the guid: of one of them"
            )
        seen[guid] = slug
    return result

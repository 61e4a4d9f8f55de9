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
import re
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree
from pydantic import TypeAdapter, ValidationError

from broadcast_kit import limits, loader, model
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open
from broadcast_kit.formats.report import (
    Chapter,
    InvalidReport,
    NotARenderReport,
    Person,
    RenderReport,
    UnreadableReport,
)
from broadcast_kit.text import count

GUIDS_FILE = "guids.yaml"
MAX_FEED_BYTES = 32 * limits.MIB  # the feed being replaced, read for guids (as kit check reads)
SIDECARS = ("vtt", "srt", "chapters", "transcript")
GUIDS_HEADER = (
    "# Each episode's permanent id in the feed (its podcast apps' guid), by slug.\n"
    "# Written by `kit feed`. Commit this file and never change a line: a new guid makes\n"
    "# every podcast app show the episode again as new.\n"
)


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
    synthetic: bool = False  # any of its voices is synthetic (text-to-speech)


def _is_report(path: Path) -> bool:
    name = path.name
    return not (name.endswith(".chapters.json") or name.endswith(".transcript.json"))


def _load_report(path: Path) -> RenderReport | None:
    """A render report, None for JSON files that are not render reports."""
    try:
        return RenderReport.read(path)
    except NotARenderReport:
        return None
    except OSError as exc:
        raise InputError(
            f"{loader.display(path)}: cannot read it as a render report ({exc});"
            " render the episode again or remove the file"
        ) from None
    except InvalidReport as exc:
        raise InputError(
            f"{exc}; not a render report kit feed can publish: render the episode again"
        ) from None
    except UnreadableReport as exc:
        raise InputError(f"{exc}; render the episode again or remove the file") from None


def _entry(path: Path, report: RenderReport) -> Entry:
    where = loader.display(path)
    folder = path.parent
    mp3 = folder / report.audio.file
    entry = Entry(
        slug=report.slug,
        title=report.title,
        description=report.description,
        date=report.date,
        number=report.number,
        season=report.season,
        episode_type=report.episode_type,
        explicit=report.explicit,
        draft=report.draft,
        guid_override=report.guid,
        duration_ms=report.duration_ms,
        mp3=mp3,
        size=0,
        chapters=tuple(report.chapters),
        sidecars={kind: folder / report.files[kind] for kind in SIDECARS if kind in report.files},
        people=tuple(report.people),
        show_file=(folder / report.show_file) if report.show_file else None,
        synthetic=report.synthesis.sentences > 0,
    )
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
        report = _load_report(path)
        if report is not None:
            entries.append(_entry(path, report))
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


_GUIDS = TypeAdapter(dict[model.Slug, model.Guid])
_HASHED_MP3 = re.compile(r"(.+)-[0-9a-f]{8}\.mp3")


def _known_guids(lock: Path) -> dict[str, str]:
    """guids.yaml, validated like the episode files whose guids it keeps."""
    # the same hardened reader as show files: size, depth and alias limits, file:line errors
    source = loader.parse_yaml(lock)
    loaded = source.data or {}
    if not isinstance(loaded, dict):
        raise InputError(
            f"{loader.display(lock)}: expected lines of 'slug: guid';"
            " restore it from version control"
        )
    try:
        return _GUIDS.validate_python(loaded)
    except ValidationError as exc:
        problem = exc.errors()[0]
        key = problem["loc"][0]
        raise InputError(
            f"{source.where((key,))}: {str(key)[:80]!r}: {problem['msg']}; expected lines of"
            " 'slug: guid': restore it from version control"
        ) from None


def _guids_in_feed(feed_path: Path, wanted: list[Entry]) -> dict[str, str]:
    """The guids the feed being replaced gave the `wanted` episodes, by slug: an item is an
    episode's when one of its URLs names a file of the episode (its sidecars keep their
    names; its MP3 is `<slug>-<hash>.mp3`). ValueError saying why when it cannot be read."""
    where = loader.display(feed_path)
    try:
        data = limits.read_bounded(
            feed_path, MAX_FEED_BYTES, where, "feeds", "move it out of the folder"
        )
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ValueError("it has a DOCTYPE")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(data, parser)
    except (InputError, OSError, etree.XMLSyntaxError) as exc:
        raise ValueError(str(exc)) from None
    by_file: dict[str, str] = {}
    for item in root.iterfind("channel/item"):
        guid = (item.findtext("guid") or "").strip()
        if not guid:
            continue
        urls = [e.get("url", "") for e in item if e.tag in _LINKED]
        for url in urls:
            name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            by_file.setdefault(name, guid)
            hashed = _HASHED_MP3.fullmatch(name)
            if hashed:
                by_file.setdefault(f"{hashed.group(1)}.slug", guid)
    found = {}
    for entry in wanted:
        names = [entry.mp3.name, *(p.name for p in entry.sidecars.values()), f"{entry.slug}.slug"]
        guid = next((by_file[n] for n in names if n in by_file), None)
        if guid is not None:
            found[entry.slug] = guid
    return found


_LINKED = {
    "enclosure",
    "{https://podcastindex.org/namespace/1.0}transcript",
    "{https://podcastindex.org/namespace/1.0}chapters",
}


def guids(
    show_path: Path,
    entries: list[Entry],
    feed_path: Path | None = None,
    warnings: list[str] | None = None,
) -> dict[str, str]:
    """Every entry's guid by slug: its override, else the one in guids.yaml beside the show,
    else the one the feed being replaced (`feed_path`) gave it (guids.yaml emptied or lost),
    else a new one; those are recorded in guids.yaml (atomically) before they are used. A
    feed that cannot be read is an error, unless `warnings` is given (the producer said to
    replace it): then it is noted there and its episodes get new guids."""
    lock = show_path.parent / GUIDS_FILE
    known = _known_guids(lock) if lock.exists() else {}
    missing = [e for e in entries if e.slug not in known]
    recovered = {}
    if feed_path is not None and feed_path.is_file():
        unrecorded = [e for e in missing if e.guid_override is None]
        if unrecorded:
            try:
                recovered = _guids_in_feed(feed_path, unrecorded)
            except ValueError as exc:
                where = loader.display(feed_path)
                if warnings is None:
                    slugs = ", ".join(repr(e.slug) for e in unrecorded[:3])
                    slugs += ", ..." if len(unrecorded) > 3 else ""
                    raise InputError(
                        f"{where}: cannot read the feed being replaced ({exc}), which holds the"
                        f" guids of {slugs} that {GUIDS_FILE} lacks; restore {GUIDS_FILE} from"
                        " version control, or pass --force to replace the feed and give those"
                        " episodes new guids"
                    ) from None
                episodes = count(len(unrecorded), "episode")
                warnings.append(
                    f"{where}: replaced without reading it ({exc}); {episodes} not in"
                    f" {GUIDS_FILE} got new guids, so podcast apps list them as new"
                )
    added = {e.slug: recovered.get(e.slug) or str(uuid.uuid4()) for e in missing}
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

"""`kit feed`'s core: turn a folder of rendered episodes into a complete static site.

The folder `kit render` writes into becomes what any static web host can serve: the MP3s
and sidecars already there, the show's cover copied in under a content-hashed name,
`feed.xml`, and the show page `index.html`. Every URL in the feed resolves to a file in the
folder. Drafts and episodes dated in the future stay out unless asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from broadcast_kit import loader, model
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open
from broadcast_kit.model import Show
from broadcast_kit.publish import catalog, feed, page

PAGE_FILE = "index.html"
_COVER = re.compile(r"cover-[0-9a-f]{8}\.(?:jpg|png)")
GENERATOR_BYTES = 16 * 1024  # where a feed or page of ours names its generator


@dataclass
class Site:
    folder: Path
    feed_path: Path
    page_path: Path
    feed_url: str
    show: Show
    items: list[feed.Item]
    left_out: list[tuple[catalog.Entry, str]] = field(default_factory=list)  # entry, why
    warnings: list[str] = field(default_factory=list)


def _cover_name(data: bytes) -> str:
    """cover-<hash>.<ext>: the name the show's cover is published under."""
    ext = ".png" if data.startswith(b"\x89PNG") else ".jpg"
    return f"cover-{hashlib.sha256(data).hexdigest()[:8]}{ext}"


def _copy_cover(data: bytes, folder: Path, name: str) -> None:
    """The cover copied into the folder as `name`; covers kit feed published before removed
    (named as it names them: no other file)."""
    target = folder / name
    if not target.exists():
        with atomic_open(target) as fh:
            fh.write(data)
    for old in folder.glob("cover-*"):
        if old.name != name and _COVER.fullmatch(old.name):
            old.unlink(missing_ok=True)


def _not_ours(paths: list[Path], marker: bytes) -> list[Path]:
    """The files among `paths` that exist and were not written by kit feed (whose output
    names its generator near the top)."""
    theirs = []
    for path in paths:
        try:
            with path.open("rb") as fh:
                head = fh.read(GENERATOR_BYTES)
        except FileNotFoundError:
            continue
        except OSError:
            head = b""
        if marker not in head:
            theirs.append(path)
    return theirs


def build(
    folder: Path,
    show_path: Path | None = None,
    base_url: str | None = None,
    include_drafts: bool = False,
    today: dt.date | None = None,
    take_over: bool = False,
) -> Site:
    """Write feed.xml, index.html and the cover into `folder` from its render reports; a
    feed.xml or index.html that kit feed did not write is replaced only with `take_over`."""
    entries = catalog.read(folder)
    if not entries:
        raise InputError(
            f"{loader.display(folder)}: no rendered episodes in it (no render reports);"
            f" run kit render EPISODE --out {loader.display(folder)} first"
        )
    show_path = show_path or catalog.find_show(entries, folder)
    show, _, warnings = loader.load_show(show_path)
    base = show.base_url
    if base_url is not None:
        try:
            base = model.base_url(base_url)
        except ValueError as exc:
            raise InputError(f"--base-url: {exc}; e.g. https://example.org/show/") from None
    if base is None:
        raise InputError(
            f"{loader.display(show_path)}: base_url: the feed needs the address the folder"
            " is published at; add base_url: https://example.org/show/ to the show file,"
            " or pass --base-url"
        )
    host = urlsplit(base).hostname or ""
    if model.private_host(host):
        warnings.append(
            f"{base} is on {host}, which only this machine or network can reach: podcast"
            " apps cannot load it and kit check fails the feed; kit serve previews the feed"
            " for the show's base_url without making another"
        )
    guids = catalog.guids(
        show_path, entries, folder / feed.FEED_FILE, warnings if take_over else None
    )
    today = today or dt.date.today()
    chosen, left_out = [], []
    for entry in entries:
        if entry.draft and not include_drafts:
            left_out.append((entry, "draft"))
        elif entry.date > today and not include_drafts:
            left_out.append((entry, f"dated {entry.date.isoformat()}, in the future"))
        else:
            chosen.append(feed.Item(entry, guids[entry.slug]))
    chosen.sort(key=lambda i: (i.entry.date, i.entry.number or 0, i.entry.slug), reverse=True)
    if show.type == "serial":
        for item in chosen:
            if item.entry.number is None:
                raise InputError(
                    f"{loader.display(show_path)}: type: serial needs a number: in every"
                    f" episode; '{item.entry.slug}' has none"
                )
    cover = show.cover.read_bytes()  # the loader checked that it is there and an image
    cover_name = _cover_name(cover)
    feed_url = feed.url_for(base, feed.FEED_FILE)
    # both built before anything is written: a transcript that cannot be read leaves no half site
    xml = feed.build(show, base, chosen, cover_name)
    html = page.render(show, chosen, cover_name, feed.FEED_FILE, feed_url)
    feed_path, page_path = folder / feed.FEED_FILE, folder / PAGE_FILE
    theirs = _not_ours([feed_path], b"<generator>broadcast-kit") + _not_ours(
        [page_path], b'<meta name="generator" content="broadcast-kit'
    )
    if theirs and not take_over:
        them = "it" if len(theirs) == 1 else "them"
        raise InputError(
            f"{loader.display(folder)}: {' and '.join(p.name for p in theirs)} would be"
            f" replaced, and kit feed did not write {them}; move {them} out of the folder, or"
            f" pass --force to replace {them}"
        )
    try:
        _copy_cover(cover, folder, cover_name)
        with atomic_open(feed_path) as fh:
            fh.write(xml)
        with atomic_open(page_path, "w") as fh:
            fh.write(html)
    except OSError as exc:
        raise OutputError(
            f"cannot write into {loader.display(folder)} ({exc.strerror}); check its permissions"
        ) from exc
    if not chosen:
        warnings.append("the feed has no episodes yet: podcast apps need at least one")
    return Site(
        folder,
        feed_path,
        page_path,
        feed_url,
        show,
        chosen,
        left_out,
        warnings,
    )

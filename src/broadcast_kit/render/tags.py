"""Everything mutagen: write the episode's ID3 tags, read them back for checks.

Tags are saved as ID3v2.3 (STANDARDS 5-9): text frames, one front cover, TXXX provenance,
and one CHAP per chapter listed by a TOP_LEVEL|ORDERED CTOC. mutagen stores frames by size,
so the CHAP frames are put back in time order afterwards (STANDARDS 29: ffmpeg-based players
list chapters in file order). mutagen failures are wrapped with the file they concern.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    TRCK,
    TXXX,
    CTOCFlags,
    ID3NoHeaderError,
)
from mutagen.mp3 import MP3

from broadcast_kit import cover
from broadcast_kit.errors import InputError, OutputError

COVER_DESCRIPTION = "Cover"


@dataclass(frozen=True)
class EpisodeTags:
    title: str
    artist: str
    album: str
    date: str  # YYYY-MM-DD
    track: int | None
    comment: str
    cover: bytes
    provenance: dict[str, str]
    chapters: tuple[tuple[str, int, int], ...]  # (title, start ms, end ms)


@contextmanager
def _mutagen(path: Path, action: str) -> Iterator[None]:
    try:
        yield
    except (OSError, ValueError, KeyError) as exc:  # mutagen's errors derive from these
        raise OutputError(f"{path}: could not {action} ID3 tags ({exc})") from exc


def write(path: Path, tags: EpisodeTags) -> None:
    image = cover.inspect(tags.cover)
    if image is None:
        raise InputError(f"{path}: the cover art is not a JPEG or PNG image")
    mime = image.mime
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TCON(encoding=3, text="Podcast"))
    id3.add(TDRC(encoding=3, text=tags.date))
    if tags.track is not None:
        id3.add(TRCK(encoding=3, text=str(tags.track)))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=tags.comment))
    for key, value in tags.provenance.items():
        id3.add(TXXX(encoding=3, desc=key, text=value))
    id3.add(APIC(encoding=3, mime=mime, type=3, desc=COVER_DESCRIPTION, data=tags.cover))
    ids = []
    for n, (title, start, end) in enumerate(tags.chapters):
        element = f"ch{n}"
        ids.append(element)
        id3.add(
            CHAP(
                element_id=element,
                start_time=start,
                end_time=end,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=title)],
            )
        )
    if ids:
        id3.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
    id3.update_to_v23()
    with _mutagen(path, "write"):
        id3.save(path, v2_version=3)
        if ids:
            _chapters_in_time_order(path)


_ID3_HEADER = 10
_FRAME_HEADER = 10  # v2.3: id, 32-bit size, flags


def _chapters_in_time_order(path: Path) -> None:
    """Rewrite the tag of `path` in place with its CHAP frames in time order: each CHAP takes
    the place of another, so the tag keeps its size and every other frame its position.
    Plain ID3v2.3 as mutagen writes it (no unsynchronisation, no extended header)."""
    with open(path, "r+b") as fh:
        header = fh.read(_ID3_HEADER)
        if header[:3] != b"ID3" or header[3] != 3 or header[5] & 0xC0:
            raise ValueError("not the plain ID3v2.3 tag just written")
        size = 0
        for byte in header[6:10]:  # synchsafe: 7 bits a byte
            size = (size << 7) | (byte & 0x7F)
        body = fh.read(size)
        frames: list[bytes] = []
        pos = 0
        while pos + _FRAME_HEADER <= len(body) and body[pos : pos + 4] != b"\0\0\0\0":
            end = pos + _FRAME_HEADER + int.from_bytes(body[pos + 4 : pos + 8], "big")
            frames.append(body[pos:end])
            pos = end
        slots = [n for n, frame in enumerate(frames) if frame[:4] == b"CHAP"]

        def start_end(frame: bytes) -> tuple[int, int]:
            times = frame.index(b"\0", _FRAME_HEADER) + 1  # after the element ID
            return (
                int.from_bytes(frame[times : times + 4], "big"),
                int.from_bytes(frame[times + 4 : times + 8], "big"),
            )

        chapters = sorted((frames[n] for n in slots), key=start_end)
        if [frames[n] for n in slots] == chapters:
            return
        for n, frame in zip(slots, chapters, strict=True):
            frames[n] = frame
        fh.seek(_ID3_HEADER)
        fh.write(b"".join(frames))


@dataclass(frozen=True)
class ReadBack:
    version: tuple[int, int, int]
    frames: dict[str, list[str]]
    covers: list[tuple[str, int, str, int]]  # mime, type, desc, size
    chapters: list[tuple[str, int, int, str]]  # id, start, end, title
    toc: list[tuple[int, list[str]]]  # flags, children
    duration: float
    bitrate: int
    sample_rate: int
    channels: int


def read(path: Path) -> ReadBack:
    """The tags and stream facts of an MP3, as `kit check` and the tests see them."""
    with _mutagen(path, "read"):
        audio = MP3(path)
        try:
            id3 = ID3(path, translate=False)
        except ID3NoHeaderError:
            id3 = ID3()
    frames: dict[str, list[str]] = {}
    for frame in id3.values():
        if frame.FrameID in ("APIC", "CHAP", "CTOC"):
            continue
        label = frame.FrameID + (f":{frame.desc}" if frame.FrameID == "TXXX" else "")
        frames.setdefault(label, []).extend(str(t) for t in getattr(frame, "text", []))
    covers = [(f.mime, int(f.type), f.desc, len(f.data)) for f in id3.getall("APIC")]
    chapters = sorted(
        (
            (
                f.element_id,
                f.start_time,
                f.end_time,
                str(f.sub_frames["TIT2"].text[0]) if "TIT2" in f.sub_frames else "",
            )
            for f in id3.getall("CHAP")
        ),
        key=lambda c: c[1],
    )
    toc = [(int(f.flags), list(f.child_element_ids)) for f in id3.getall("CTOC")]
    info: Any = audio.info
    return ReadBack(
        id3.version,
        frames,
        covers,
        chapters,
        toc,
        float(info.length),
        int(info.bitrate),
        int(info.sample_rate),
        int(info.channels),
    )

"""Read the MPEG audio frames of a file: layer, sample rate, bitrates, the Xing/Info/VBRI
header and its LAME encoder delay, truncation and lost sync, and the duration from the
frames themselves (not from a tag or an estimate).

The file is memory-mapped and walked header by header, so memory does not grow with its
size, and searching for lost sync gives up after a bounded window, so a hostile file costs
at most one pass over its bytes.
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

SYNC_WINDOW = 64 * 1024  # how far to look for the next frame after lost sync
MAX_JUNK_RUNS = 100  # after this many damaged stretches, stop walking
ID3V2_LIMIT = 64 * 1024 * 1024  # a tag claiming more than this is not believed

_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
_VERSIONS = {3: 1, 2: 2, 0: 25}  # header bits -> MPEG version (25 = MPEG 2.5)
_LAYERS = {3: 1, 2: 2, 1: 3}
_SAME_STREAM = 0xFFFE0C00  # sync, version, layer and sample-rate bits agree frame to frame
_WORD = struct.Struct(">I")


@dataclass(frozen=True)
class Header:
    version: int  # 1, 2 or 25
    layer: int
    bitrate: int  # kbit/s
    sample_rate: int
    length: int  # bytes, header included
    samples: int  # per frame
    channels: int
    stream: int  # the header bits that stay the same for a whole stream


def parse_header(word: int) -> Header | None:
    """A 32-bit frame header, or None when it is not a valid one (free format included)."""
    if word >> 21 != 0x7FF:
        return None
    version = _VERSIONS.get((word >> 19) & 3)
    layer = _LAYERS.get((word >> 17) & 3)
    index, rate_index = (word >> 12) & 15, (word >> 10) & 3
    if version is None or layer is None or index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[(min(version, 2), layer)][index]
    rate = _RATES[version][rate_index]
    padding = (word >> 9) & 1
    if layer == 1:
        length, samples = (12 * bitrate * 1000 // rate + padding) * 4, 384
    elif layer == 2 or version == 1:
        length, samples = 144 * bitrate * 1000 // rate + padding, 1152
    else:
        length, samples = 72 * bitrate * 1000 // rate + padding, 576
    channels = 1 if (word >> 6) & 3 == 3 else 2
    return Header(version, layer, bitrate, rate, length, samples, channels, word & _SAME_STREAM)


@dataclass
class Stream:
    """What the frames of one file say."""

    first: Header
    frames: int = 0  # audio frames, the Xing/Info frame not counted
    bitrates: set[int] = field(default_factory=set)
    vbr_header: str | None = None  # "Xing", "Info" or "VBRI"
    header_frames: int | None = None  # as the VBR header counts them (its own frame excluded)
    header_bytes: int | None = None
    delay: int = 0  # encoder delay and padding from the LAME tag, in samples
    padding: int = 0
    audio_bytes: int = 0  # from the first frame to the end of the last whole frame
    missing_bytes: int = 0  # the last frame runs this far past the end of the file
    junk: list[tuple[int, int]] = field(default_factory=list)  # (offset, length)
    lost_sync_at: int | None = None  # stopped here: no frame within SYNC_WINDOW

    @property
    def duration(self) -> float:
        """Seconds of decoded audio (encoder delay and padding removed, as ffmpeg does)."""
        samples = self.frames * self.first.samples
        if self.delay + self.padding < samples:
            samples -= self.delay + self.padding
        return samples / self.first.sample_rate

    @property
    def vbr(self) -> bool:
        return len(self.bitrates) > 1


class NotMpeg(Exception):
    """The file holds no MPEG audio; the message says what it seems to be."""


def _container(head: bytes) -> str:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "a WAV file"
    if head[:4] == b"fLaC":
        return "a FLAC file"
    if head[:4] == b"OggS":
        return "an Ogg file (Vorbis or Opus)"
    if head[4:8] == b"ftyp":
        return "an MP4/M4A file"
    return "not MPEG audio: no MPEG frames found"


def _synchsafe(data: bytes) -> int | None:
    if any(b & 0x80 for b in data):
        return None
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def id3v2_size(head: bytes) -> int | None:
    """Bytes taken by the ID3v2 tag at the start of `head` (header and footer included),
    0 when there is none, None when its header is invalid."""
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    size = _synchsafe(head[6:10])
    if size is None:
        return None
    return 10 + size + (10 if head[5] & 0x10 else 0)


def id3v2_frames(tag: bytes, stop_after: int) -> int:
    """How many frames the ID3v2 tag `tag` (header included) holds, counted from the frame
    headers alone, in one pass; counting stops past `stop_after`. Frames inside frames
    (a chapter's title) are not counted; a damaged frame header ends the count."""
    if len(tag) < 10 or tag[:3] != b"ID3":
        return 0
    major, flags = tag[3], tag[5]
    body = tag[10:]
    if flags & 0x80 and major < 4:  # unsynchronised as a whole (v2.4 does it per frame)
        body = body.replace(b"\xff\x00", b"\xff")
    pos = 0
    if flags & 0x40 and major >= 3 and len(body) >= 4:  # an extended header comes first
        extended = _synchsafe(body[:4]) if major == 4 else int.from_bytes(body[:4], "big") + 4
        pos = extended or len(body)
    header, width = (6, 3) if major == 2 else (10, 4)
    count = 0
    while count <= stop_after and pos + header <= len(body) and body[pos] != 0:
        raw = body[pos + width : pos + 2 * width]
        size = _synchsafe(raw) if major == 4 else int.from_bytes(raw, "big")
        if size is None:
            break
        count += 1
        pos += header + size
    return count


def _trailer(mm: mmap.mmap, end: int) -> int:
    """Where audio ends: before an ID3v1 tag and an APE tag, if any."""
    if end >= 128 and mm[end - 128 : end - 125] == b"TAG":
        end -= 128
    if end >= 32 and mm[end - 32 : end - 24] == b"APETAGEX":
        (size,) = struct.unpack_from("<I", mm, end - 20)
        if size <= end:
            end -= size + (32 if mm[end - size - 32 : end - size - 24] == b"APETAGEX" else 0)
    return max(end, 0)


def _header_at(mm: mmap.mmap, pos: int, end: int) -> Header | None:
    if pos + 4 > end:
        return None
    return parse_header(struct.unpack_from(">I", mm, pos)[0])


def _find_frame(mm: mmap.mmap, pos: int, end: int, stream: int | None) -> int | None:
    """The next offset within SYNC_WINDOW where a frame starts and another follows it."""
    limit = min(end, pos + SYNC_WINDOW)
    while True:
        pos = mm.find(b"\xff", pos, limit)
        if pos < 0:
            return None
        head = _header_at(mm, pos, end)
        if head and (stream is None or head.stream == stream):
            after = pos + head.length
            following = _header_at(mm, after, end)
            if after == end or (following and following.stream == head.stream):
                return pos
        pos += 1


def _vbr_header(mm: mmap.mmap, pos: int, head: Header, stream: Stream) -> None:
    """Read a Xing/Info header (and the LAME tag after it) or a VBRI header in the first
    frame, when there is one."""
    stereo = head.channels == 2
    side = (32 if stereo else 17) if head.version == 1 else (17 if stereo else 9)
    frame_end = pos + head.length
    at = pos + 4 + side
    tag = mm[at : at + 4]
    if tag in (b"Xing", b"Info") and at + 8 <= frame_end:
        stream.vbr_header = tag.decode()
        (flags,) = struct.unpack_from(">I", mm, at + 4)
        cursor = at + 8
        if flags & 1 and cursor + 4 <= frame_end:
            (stream.header_frames,) = struct.unpack_from(">I", mm, cursor)
            cursor += 4
        if flags & 2 and cursor + 4 <= frame_end:
            (stream.header_bytes,) = struct.unpack_from(">I", mm, cursor)
            cursor += 4
        cursor += (100 if flags & 4 else 0) + (4 if flags & 8 else 0)
        if cursor + 24 <= frame_end and mm[cursor : cursor + 4].isalpha():
            packed = int.from_bytes(mm[cursor + 21 : cursor + 24], "big")
            stream.delay, stream.padding = packed >> 12, packed & 0xFFF
        return
    at = pos + 4 + 32
    if mm[at : at + 4] == b"VBRI" and at + 18 <= frame_end:
        stream.vbr_header = "VBRI"
        stream.header_bytes, stream.header_frames = struct.unpack_from(">II", mm, at + 10)


def scan(path: Path) -> Stream:
    """Walk every frame of `path`. Raises NotMpeg when there are none, OSError when the
    file cannot be read."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            raise NotMpeg("the file is empty")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return _walk(mm, size)


def _walk(mm: mmap.mmap, size: int) -> Stream:
    start = 0
    while mm[start : start + 3] == b"ID3":  # some files carry two tags back to back
        tag = id3v2_size(mm[start : start + 10])
        if tag is None or tag > ID3V2_LIMIT:
            raise NotMpeg("the ID3v2 tag header is invalid, so the audio cannot be found")
        if start + tag > size:
            raise NotMpeg(
                f"the ID3v2 tag claims {tag:,} bytes but the file has {size:,}: it is cut off"
            )
        start += tag
    end = _trailer(mm, size)
    first = _find_frame(mm, start, end, None)
    if first is None:
        raise NotMpeg(_container(mm[start : start + 12]))
    head = _header_at(mm, first, end)
    assert head is not None
    stream = Stream(head)
    _vbr_header(mm, first, head, stream)
    # a Xing/Info header frame carries no audio
    pos = first + head.length if stream.vbr_header in ("Xing", "Info") else first
    # the hot loop: one cached length per distinct header word (about 0.2 us a frame)
    unpack, same = _WORD.unpack_from, head.stream
    lengths: dict[int, int] = {}
    frames = 0
    while pos + 4 <= end:
        word = unpack(mm, pos)[0]
        length = lengths.get(word)
        if length is None:
            frame = parse_header(word)
            if frame is None or frame.stream != same:
                if end - pos <= SYNC_WINDOW and not mm[pos:end].strip(b"\0"):
                    pos = end  # zero padding after the last frame is harmless
                    break
                found = (
                    _find_frame(mm, pos + 1, end, same)
                    if len(stream.junk) < MAX_JUNK_RUNS
                    else None
                )
                if found is None:
                    stream.lost_sync_at = pos
                    break
                stream.junk.append((pos, found - pos))
                pos = found
                continue
            length = lengths[word] = frame.length
        if pos + length > end:
            stream.missing_bytes = pos + length - end
            break
        frames += 1
        pos += length
    else:
        if mm[pos:end].strip(b"\0"):  # fewer than 4 bytes left: a cut-off frame's start
            stream.missing_bytes = 4 - (end - pos)
    stream.bitrates.update(h.bitrate for w in lengths if (h := parse_header(w)) is not None)
    stream.frames = frames
    stream.audio_bytes = pos - first
    return stream

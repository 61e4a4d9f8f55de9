"""Cover art facts read from the image bytes themselves (no imaging library): its type and
size, so a bad cover is caught when the show is loaded, not after a render.

Podcast directories want a square JPEG or PNG of 1400-3000 px, RGB without transparency
(STANDARDS 18).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass

from broadcast_kit.limits import MAX_COVER_BYTES, size_text

MIN_PX, MAX_PX = 1400, 3000
_PNG_COLOR = {0: "gray", 3: "palette", 4: "gray"}  # IHDR colour types; 2 and 6 are RGB(A)
_PNG_ALPHA = {4, 6}  # grey and RGB with an alpha channel (others may have a tRNS chunk)
_JPEG_COLOR = {1: "gray", 4: "cmyk"}  # SOF component counts; 3 is YCbCr (RGB)
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class Image:
    mime: str
    width: int
    height: int
    color: str = "rgb"  # "rgb", "gray", "cmyk" or "palette", from the image header
    alpha: bool = False  # transparency: an alpha channel or a PNG tRNS chunk

    def problems(self) -> list[str]:
        """What podcast directories would object to (empty when nothing)."""
        found = []
        if self.width != self.height:
            found.append(f"is {self.width}x{self.height} px, not square")
        side = max(self.width, self.height)
        if not MIN_PX <= side <= MAX_PX:
            found.append(f"is {side} px wide; directories want {MIN_PX}-{MAX_PX} px")
        return found

    def color_problems(self) -> list[str]:
        """Apple's colour rules: RGB, and no transparency (empty when both hold)."""
        found = []
        if self.color != "rgb":
            found.append(f"is {self.color}, not RGB")
        if self.alpha:
            found.append("has transparency (an alpha channel), which Apple does not accept")
        return found


def size_problem(size: int) -> str | None:
    """What is wrong with a cover of `size` bytes (None when nothing): `kit render` refuses
    it and `kit check` fails it, by the same limit."""
    if size <= MAX_COVER_BYTES:
        return None
    return (
        f"is {size_text(size)} ({size:,} bytes), over the {size_text(MAX_COVER_BYTES)} limit for"
        " cover art, which every MP3 embeds; save it as a JPEG of 3000 px or less (1-2 MB)"
    )


def inspect(data: bytes) -> Image | None:
    """The type, size and colour model of a JPEG or PNG image, or None when it is neither."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 26:
        width, height = struct.unpack(">II", data[16:24])
        alpha = data[25] in _PNG_ALPHA or _png_chunk(data, b"tRNS")
        return Image("image/png", width, height, _PNG_COLOR.get(data[25], "rgb"), alpha)
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 4 <= len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            if marker == 0xFF:  # fill byte
                pos += 1
                continue
            if marker in (0x01, *range(0xD0, 0xDA)):  # markers without a length
                pos += 2
                continue
            (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
            if marker in _JPEG_SOF and pos + 9 <= len(data):
                height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
                components = data[pos + 9] if pos + 9 < len(data) else 3
                return Image("image/jpeg", width, height, _JPEG_COLOR.get(components, "rgb"))
            pos += 2 + length
    return None


def placeholder(title: str, size: int = MIN_PX) -> bytes:
    """A square placeholder cover: two bands of colour derived from the title (a PNG made
    without an imaging library, as `inspect` reads one), for starter shows."""
    digest = hashlib.sha256(title.encode("utf-8")).digest()
    top = bytes(60 + b % 140 for b in digest[:3])
    bottom = bytes(c // 3 for c in top)
    band = size * 7 // 10
    raw = (b"\x00" + top * size) * band + (b"\x00" + bottom * size) * (size - band)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def _png_chunk(data: bytes, kind: bytes) -> bool:
    """Whether the PNG in `data` has a `kind` chunk before its image data (where tRNS goes)."""
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        name = data[pos + 4 : pos + 8]
        if name == kind:
            return True
        if name in (b"IDAT", b"IEND"):
            return False
        pos += 12 + length
    return False

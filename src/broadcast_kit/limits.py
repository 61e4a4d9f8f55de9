"""The limits on what broadcast-kit reads, in one place.

Episode files arrive in pull requests and CI renders them unvetted, so every reader refuses
oversized files, deep nesting, YAML alias bombs and runaway episodes before doing the work
they would cause, in bounded time and memory. The numbers are generous for real shows (a
68-hour episode is a 3 MB file nested 4 deep); readers import them from here so that they
agree and docs/limits.md can list them. `read_bounded` reads a file without ever holding more
than the limit, `load_json` parses the JSON files kit writes (render reports, sidecars, cache
metadata) within the depth limit, and `parse_duration` reads the `--max-duration` option.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from broadcast_kit.errors import InputError

MIB = 1 << 20
_CHUNK = 1 << 16

#: episode.yaml, show.yaml and script_file files
MAX_FILE_BYTES = 10 * MIB
#: transcripts given to `kit import` (text or a saved HTML page)
MAX_TRANSCRIPT_BYTES = 5 * MIB
#: lines of text in a transcript (a three-hour programme has about 3,000)
MAX_TRANSCRIPT_LINES = 50_000
#: frames in an MP3's ID3v2 tag `kit check` reads (255 chapters make about 300)
MAX_ID3_FRAMES = 5_000
#: cover art, which every MP3 embeds (a 3000 px JPEG is 1-2 MB)
MAX_COVER_BYTES = 5 * MIB
#: YAML collections inside each other; an episode needs 4, Python recursion would fail near 500
MAX_YAML_DEPTH = 32
#: values that YAML aliases may repeat in one file, in all (an alias bomb wants billions)
MAX_YAML_ALIAS_NODES = 10_000
#: open HTML elements inside each other; Chromium's parser flattens trees deeper than 512
MAX_HTML_DEPTH = 512
#: JSON arrays and objects inside each other (render reports, sidecars); a report needs 4
MAX_JSON_DEPTH = 32
#: elements in a feed `kit check` reads (a feed of 10,000 episodes has about 300,000)
MAX_XML_ELEMENTS = 500_000
#: XML elements inside each other in a feed (an RSS feed needs 5)
MAX_XML_DEPTH = 64
#: default of `kit render --max-duration`, in seconds
MAX_DURATION_SECONDS = 6 * 3600


def size_text(n: int) -> str:
    """'10 MiB', '5.5 MiB', '900 KiB', '12 bytes'."""
    for unit, scale in (("MiB", MIB), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def read_bounded(path: Path, limit: int, shown: str, what: str, fix: str) -> bytes:
    """The bytes of `path`, read in chunks and never more than `limit` + 1 of them.

    A larger file is an InputError naming `shown` (the path as the user wrote it), the line
    where the limit is passed, the file's size (when it is a regular file), the limit for
    `what` files and the `fix`. OSError (a missing file, say) is left to the caller.
    """
    chunks: list[bytes] = []
    total = 0
    # a named pipe that nothing writes to would block open() for ever: open without
    # waiting, then read as usual (such a pipe reads as empty, refused below)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        # read(limit + 1) at once would allocate the whole limit even for a small file
        while chunk := handle.read(min(_CHUNK, limit + 1 - total)):
            if total + len(chunk) > limit:
                line = sum(c.count(b"\n") for c in chunks) + chunk.count(b"\n", 0, limit - total)
                info = os.fstat(handle.fileno())
                break
            chunks.append(chunk)
            total += len(chunk)
        else:
            if not total and stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode):
                raise InputError(
                    f"{shown}: is a named pipe with nothing writing into it;"
                    " name the file itself, or start the program that writes the pipe first"
                )
            return b"".join(chunks)
    size = f" {info.st_size:,} bytes," if stat.S_ISREG(info.st_mode) else ""  # not for a pipe
    raise InputError(
        f"{shown}:{line + 1}: file is{size} over the {size_text(limit)} ({limit:,} bytes) limit"
        f" for {what} (passed on this line); {fix}"
    )


def utf8_text(raw: bytes, shown: str) -> str:
    """`raw` decoded as UTF-8, or an InputError naming `shown`, the line of the first byte
    that is not UTF-8, and the fix."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{shown}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as"
            " UTF-8, or check that this is the right file"
        ) from None


class TooDeep(ValueError):
    """JSON nested past MAX_JSON_DEPTH (a ValueError, as json.loads raises for bad JSON)."""


def load_json(data: str | bytes) -> Any:
    """JSON as json.loads reads it, in time linear in its size, but nested at most
    MAX_JSON_DEPTH deep: deeper text raises TooDeep where json.loads would hit Python's
    recursion limit (RecursionError, which no caller expects) or build a tree that later
    readers walk recursively."""
    try:
        value = json.loads(data)
    except RecursionError:  # its C scanner counts levels against the recursion limit
        raise TooDeep(f"nested more than {MAX_JSON_DEPTH} deep") from None
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > MAX_JSON_DEPTH:
            raise TooDeep(f"nested more than {MAX_JSON_DEPTH} deep")
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return value


_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?")


def parse_duration(text: str, option: str = "--max-duration") -> float:
    """Seconds from '21600', '90.5', '6h', '90m', '1h30m' or '45s'."""
    value = text.strip().lower()
    match = _DURATION.fullmatch(value)
    seconds: float | None = None
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value)
    elif value and match is not None:
        h, m, s = (float(g) if g else 0.0 for g in match.groups())
        seconds = h * 3600 + m * 60 + s
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise InputError(f"{option} '{text}': give seconds or a duration such as 6h, 90m or 1h30m")
    return seconds


def duration_text(seconds: float) -> str:
    """'6:00:00', '0:01:30' (whole seconds, rounded up so a limit is never understated)."""
    whole = math.ceil(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"

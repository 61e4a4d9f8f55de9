"""Content-addressed cache of synthesized sentences, verified on every read and bounded in size.

The key is the sha256 of (engine, engine version, voice, options, text): anything that could
change the sound is in it, so a hit is always right and an edit misses exactly the sentences
it touched. An entry is a WAV file with one extra chunk (`bkit`) holding the sha256 of its
format, metadata and samples and the engine that made it; a read checks the structure, the
lengths and that checksum, and an entry that fails (truncated, overwritten, empty) is a miss
that the synthesis stage replaces. Entries are written to a temp file and moved into place,
so two renders sharing the cache never see half an entry; a render about to synthesize a
sentence claims its key first (a file lock beside the entry), so renders running at once
never synthesize one sentence twice: the others wait for the entry. A hit touches the file's
mtime, so mtime is "last used", which the size bound (least recently used out first) and
`clear --older-than` go by. Lives under the user cache folder, or `BROADCAST_KIT_CACHE_DIR`; the
bound is `BROADCAST_KIT_CACHE_MAX_MB` (default 2000 MB).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_cache_dir

from broadcast_kit.audio import AudioSegment
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import NEW_FILE_MODE, atomic_open, blocking_file
from broadcast_kit.limits import load_json

ENV = "BROADCAST_KIT_CACHE_DIR"
MAX_ENV = "BROADCAST_KIT_CACHE_MAX_MB"
DEFAULT_MAX_MB = 2000
MB = 1_000_000
LAYOUT = "speech-v2"
STALE_TEMP_SECONDS = 3600  # a temp file this old belongs to no running render
DAY = 86400

_ENTRY = re.compile(r"[0-9a-f]{64}\.wav")
_SHARD = re.compile(r"[0-9a-f]{2}")
_LAYOUT = re.compile(r"speech-v(\d+)")
_OWN = b"bkit"
_DIGEST = 32
_HEAD = 12 + 8 + 16 + 8  # RIFF header, fmt chunk, our chunk's header
_MAX_META = 64 * 1024


def default_root() -> Path:
    return Path(os.environ.get(ENV) or user_cache_dir("broadcast-kit")) / LAYOUT


def max_bytes_from_env() -> int:
    raw = os.environ.get(MAX_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MB * MB
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and mb > 0):
        raise InputError(
            f"{MAX_ENV}={raw!r}: the speech cache bound must be a positive number of"
            f" megabytes, e.g. {MAX_ENV}={DEFAULT_MAX_MB}"
        )
    return int(mb * MB)


def key(engine: str, version: str, voice: str, options: dict[str, object], text: str) -> str:
    blob = json.dumps([engine, version, voice, options, text], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class DamagedEntry(Exception):
    """An entry that fails its checks; the message says how. Never leaves the cache's users."""


# --- the entry format -----------------------------------------------------------------------


def _chunk(name: bytes, payload: bytes) -> bytes:
    pad = b"\0" if len(payload) % 2 else b""  # RIFF chunks start on even offsets
    return name + struct.pack("<I", len(payload)) + payload + pad


def _digest(fmt: bytes, meta: bytes, pcm: bytes) -> bytes:
    lengths = struct.pack("<QQ", len(meta), len(pcm))
    return hashlib.sha256(lengths + fmt + meta + pcm).digest()


def encode(audio: AudioSegment, meta: dict[str, str]) -> bytes:
    """One entry: a playable PCM WAV whose `bkit` chunk vouches for the rest."""
    width, channels, rate = audio.sample_width, audio.channels, audio.frame_rate
    align = width * channels
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * align, align, 8 * width)
    info = json.dumps(meta, sort_keys=True).encode("ascii")
    pcm = audio.raw_data
    body = (
        _chunk(b"fmt ", fmt) + _chunk(_OWN, _digest(fmt, info, pcm) + info) + _chunk(b"data", pcm)
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


def _chunks(blob: bytes) -> list[tuple[bytes, bytes]]:
    if not blob:
        raise DamagedEntry("empty file")
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise DamagedEntry("not a speech cache entry (no WAV header)")
    declared = struct.unpack_from("<I", blob, 4)[0] + 8
    if len(blob) < declared:
        raise DamagedEntry(f"truncated: {len(blob):,} of {declared:,} bytes")
    if len(blob) > declared:
        raise DamagedEntry(f"{len(blob) - declared:,} bytes of junk after the end")
    found, pos = [], 12
    while pos + 8 <= len(blob):
        name, size = blob[pos : pos + 4], struct.unpack_from("<I", blob, pos + 4)[0]
        end = pos + 8 + size
        if end > len(blob):
            raise DamagedEntry(f"chunk {name!r} runs past the end of the file")
        found.append((name, blob[pos + 8 : end]))
        pos = end + size % 2
    if pos != len(blob):
        raise DamagedEntry("the last chunk is cut off")
    return found


def _format(fmt: bytes) -> tuple[int, int, int]:
    """(sample width, channels, rate) of a fmt chunk we could have written."""
    if len(fmt) != 16:
        raise DamagedEntry("bad format chunk")
    tag, channels, rate, byte_rate, align, bits = struct.unpack("<HHIIHH", fmt)
    width = bits // 8
    if (
        tag != 1
        or bits % 8
        or width not in (1, 2, 3, 4)
        or channels not in (1, 2)
        or not 1000 <= rate <= 384_000
        or align != width * channels
        or byte_rate != rate * align
    ):
        raise DamagedEntry("bad format chunk")
    return width, channels, rate


def decode(blob: bytes) -> tuple[AudioSegment, dict[str, str]]:
    """The audio and metadata of an entry; DamagedEntry when any check fails."""
    chunks = _chunks(blob)
    if [name for name, _ in chunks] != [b"fmt ", _OWN, b"data"]:
        raise DamagedEntry("not a speech cache entry (unexpected chunks)")
    (_, fmt), (_, own), (_, pcm) = chunks
    if len(own) < _DIGEST:
        raise DamagedEntry("checksum missing")
    digest, info = own[:_DIGEST], own[_DIGEST:]
    if _digest(fmt, info, pcm) != digest:
        raise DamagedEntry("checksum mismatch: samples or header changed after writing")
    width, channels, rate = _format(fmt)
    if len(pcm) % (width * channels):  # only our own writer could get here: cheap to rule out
        raise DamagedEntry("sample data is not a whole number of frames")
    meta = _meta(info)
    return AudioSegment(pcm, sample_width=width, frame_rate=rate, channels=channels), meta


def _meta(info: bytes) -> dict[str, str]:
    try:
        meta = load_json(info)
    except ValueError:
        raise DamagedEntry("unreadable metadata") from None
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise DamagedEntry("unreadable metadata")
    return meta


def read_meta(path: Path) -> dict[str, str]:
    """An entry's metadata from its first few hundred bytes, unverified (for `info`)."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
        if len(head) < _HEAD or head[:4] != b"RIFF" or head[12:16] != b"fmt ":
            raise DamagedEntry("not a speech cache entry (no WAV header)")
        size = struct.unpack_from("<I", head, _HEAD - 4)[0]
        if head[_HEAD - 8 : _HEAD - 4] != _OWN or not _DIGEST <= size <= _MAX_META:
            raise DamagedEntry("not a speech cache entry (unexpected chunks)")
        own = fh.read(size)
    if len(own) < size:
        raise DamagedEntry("truncated")
    return _meta(own[_DIGEST:])


# --- the folder -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    path: Path
    size: int
    used: float  # mtime: written, or last read by a render


@dataclass
class Removed:
    entries: int = 0
    bytes: int = 0
    kept: int = 0  # entries left in place
    #: folders of earlier layouts removed, with their size in bytes
    old_layouts: dict[Path, int] = field(default_factory=dict)


@dataclass
class Usage:
    entries: int = 0
    bytes: int = 0


@dataclass
class Info:
    root: Path
    max_bytes: int
    entries: int = 0
    bytes: int = 0
    #: "engine (version)" -> entries and bytes; "unreadable" for entries whose header is not
    engines: dict[str, Usage] = field(default_factory=dict)
    oldest_use: float | None = None
    newest_use: float | None = None
    #: folders of earlier cache layouts beside this one, with their size in bytes
    old_layouts: dict[Path, int] = field(default_factory=dict)


@dataclass
class Verification:
    checked: int = 0
    damaged: list[tuple[Path, str]] = field(default_factory=list)
    removed: int = 0
    #: damaged entries still in the cache (not asked to remove, or removing failed)
    remaining: int = 0


def _unlink(path: Path) -> bool:
    """Remove `path`; False when someone else already did."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _tree_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(dirpath, name)).st_size
            except OSError:
                continue
    return total


class Claim:
    """The right to synthesize one sentence, held as a lock on a file beside its entry until
    `release` (after the entry is written); where there are no file locks (not POSIX, a
    read-only cache) it coordinates nothing."""

    def __init__(self, lock: Path | None = None, fd: int | None = None) -> None:
        self.lock, self.fd = lock, fd

    def release(self) -> None:
        if self.fd is None:
            return
        # unlinked before it is let go: whoever waits on it finds the entry written
        if self.lock is not None:
            with contextlib.suppress(OSError):
                self.lock.unlink()
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


class SpeechCache:
    def __init__(self, root: Path | None = None, max_bytes: int | None = None) -> None:
        self.root = root or default_root()
        self.max_bytes = max_bytes if max_bytes is not None else max_bytes_from_env()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def load(self, key: str) -> AudioSegment | None:
        """The audio stored under `key`, None when there is none; DamagedEntry when the entry
        fails its checks (the caller synthesizes the sentence and puts it again)."""
        path = self.path(key)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise DamagedEntry(f"unreadable ({exc.strerror})") from None
        audio, _ = decode(blob)
        # "last used", for the size bound; gone meanwhile or read-only: the audio is still good
        with contextlib.suppress(OSError):
            os.utime(path)
        return audio

    def get(self, key: str) -> AudioSegment | None:
        """Like `load`, with a damaged entry a plain miss."""
        try:
            return self.load(key)
        except DamagedEntry:
            return None

    def entry(self, key: str) -> bytes | None:
        """The entry stored under `key` as its file's bytes (checked), None when there is
        none or it is damaged: for sending to another machine's cache (`put_entry`)."""
        try:
            blob = self.path(key).read_bytes()
            decode(blob)
        except (OSError, DamagedEntry):
            return None
        return blob

    def put_entry(self, key: str, blob: bytes) -> None:
        """Store an entry another cache gave (`entry`), unless one is here already; a blob
        that fails the entry's checks is not stored."""
        if self.path(key).exists():
            return
        try:
            decode(blob)
        except DamagedEntry:
            return
        self._write(key, blob)

    def claim(self, key: str, wait: bool = False) -> Claim | None:
        """Claim `key` before synthesizing it; None when another render (another process, or
        another thread with a claim of its own) holds it now, unless `wait`: then this waits
        until it is released. After a claim, look the entry up again: the holder before may
        have written it."""
        try:
            import fcntl
        except ImportError:  # Windows: no coordination, as before claims existed
            return Claim()
        lock = self.path(key).with_name(f".{key}.lock")
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
        except OSError:
            return Claim()  # a read-only cache: nothing will be written to wait for
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError:  # a file system without locks
            os.close(fd)
            return Claim()
        return Claim(lock, fd)

    def put(self, key: str, audio: AudioSegment, *, engine: str, version: str) -> None:
        self._write(key, encode(audio, {"engine": engine, "version": version}))

    def _write(self, key: str, blob: bytes) -> None:
        try:
            with atomic_open(self.path(key)) as fh:
                fh.write(blob)
        except OSError as exc:
            raise OutputError(
                f"cannot write the speech cache at {self.root} ({exc.strerror});"
                f" set {ENV} to a writable folder"
            ) from exc

    def _shards(self) -> list[Path]:
        try:
            with os.scandir(self.root) as found:
                return [Path(d.path) for d in found if _SHARD.fullmatch(d.name) and d.is_dir()]
        except FileNotFoundError:
            return []  # nothing cached yet
        except NotADirectoryError:
            blocker = blocking_file(self.root) or self.root
            where = f" (from {ENV})" if os.environ.get(ENV) else ""
            raise InputError(
                f"the speech cache folder {self.root}{where} cannot be used: {blocker} is a"
                f" file, not a folder; set {ENV} to a folder"
            ) from None

    def entries(self) -> Iterator[Entry]:
        """Every entry file, with size and last use; files that vanish meanwhile are skipped."""
        for shard in self._shards():
            try:
                with os.scandir(shard) as found:
                    names = [f.name for f in found]
            except (FileNotFoundError, NotADirectoryError):
                continue
            for name in names:
                if not (_ENTRY.fullmatch(name) and name.startswith(shard.name)):
                    continue
                path = shard / name
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                yield Entry(path, st.st_size, st.st_mtime)

    def _remove_stale_temps(self, now: float) -> None:
        for shard in self._shards():
            for temp in [*shard.glob(".*.tmp"), *shard.glob(".*.lock")]:
                try:
                    if now - temp.stat().st_mtime > STALE_TEMP_SECONDS:
                        temp.unlink()
                except OSError:
                    continue  # gone meanwhile, or not ours to remove

    def evict(self) -> Removed:
        """Remove least recently used entries until the cache fits its bound. Scans the folder
        once (stat only), so it runs after a render's writes, not on every one."""
        self._remove_stale_temps(time.time())
        found = list(self.entries())
        total = sum(e.size for e in found)
        removed = Removed()
        for entry in sorted(found, key=lambda e: e.used):
            if total <= self.max_bytes:
                break
            try:
                if _unlink(entry.path):
                    removed.entries += 1
                    removed.bytes += entry.size
            except OSError:
                continue  # not ours to remove (a cache shared between users): try the next
            total -= entry.size  # gone either way, maybe by another render's eviction
        return removed

    def info(self) -> Info:
        result = Info(self.root, self.max_bytes)
        for entry in self.entries():
            try:
                meta = read_meta(entry.path)
                engine = f"{meta.get('engine', '?')} ({meta.get('version', '?')})"
            except FileNotFoundError:
                continue
            except (DamagedEntry, OSError):
                engine = "unreadable"
            result.entries += 1
            result.bytes += entry.size
            usage = result.engines.setdefault(engine, Usage())
            usage.entries += 1
            usage.bytes += entry.size
            if result.oldest_use is None or entry.used < result.oldest_use:
                result.oldest_use = entry.used
            if result.newest_use is None or entry.used > result.newest_use:
                result.newest_use = entry.used
        for folder in self._old_layouts():
            result.old_layouts[folder] = _tree_bytes(folder)
        return result

    def verify(self, remove: bool = False) -> Verification:
        """Read and check every entry (without counting it as a use)."""
        result = Verification()
        for entry in self.entries():
            try:
                decode(entry.path.read_bytes())
                reason = None
            except FileNotFoundError:
                continue
            except OSError as exc:
                reason = f"unreadable ({exc.strerror})"
            except DamagedEntry as exc:
                reason = str(exc)
            result.checked += 1
            if reason is None:
                continue
            result.damaged.append((entry.path, reason))
            if not remove:
                result.remaining += 1
                continue
            try:
                result.removed += _unlink(entry.path)
            except OSError:
                result.remaining += 1
        result.damaged.sort()
        return result

    def clear(self, older_than_days: float | None = None) -> Removed:
        """Remove every entry, or those last used more than `older_than_days` ago. Clearing
        everything also removes folders of earlier cache layouts."""
        now = time.time()
        cutoff = None if older_than_days is None else now - older_than_days * DAY
        removed = Removed()
        for entry in self.entries():
            if cutoff is not None and entry.used >= cutoff:
                removed.kept += 1
                continue
            try:
                gone = _unlink(entry.path)
            except OSError as exc:
                raise OutputError(
                    f"cannot remove {entry.path} ({exc.strerror}); check the permissions of"
                    f" {self.root}"
                ) from exc
            if gone:
                removed.entries += 1
                removed.bytes += entry.size
        self._remove_stale_temps(now)
        if cutoff is None:  # shard folders stay: removing one races a render writing into it
            for folder in self._old_layouts():
                size = _tree_bytes(folder)
                shutil.rmtree(folder, ignore_errors=True)
                removed.old_layouts[folder] = size
        return removed

    def _old_layouts(self) -> list[Path]:
        """Sibling folders of earlier layouts (`speech-v1`, ...), which nothing reads now."""
        current = _LAYOUT.fullmatch(self.root.name)
        if not current:
            return []  # a folder given by hand: its neighbours are not ours to judge
        try:
            with os.scandir(self.root.parent) as found:
                return sorted(
                    Path(d.path)
                    for d in found
                    if (old := _LAYOUT.fullmatch(d.name))
                    and int(old[1]) < int(current[1])
                    and d.is_dir()
                )
        except (FileNotFoundError, NotADirectoryError):
            return []

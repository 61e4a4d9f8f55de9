"""The preview server behind `kit serve`: the published folder over HTTP, the way a podcast host
serves it (STANDARDS 23-26), with the standard library only.

Python's `SimpleHTTPRequestHandler` ignores Range headers, and Apple's player rejects a server
that answers `bytes=0-1` with 200, so GET and HEAD are written here: one byte range per request
(206, or 416 past the end; a malformed or multi-range header gets the whole file with 200, as
RFC 9110 14.2 allows), the Content-Types feeds declare, CORS on every file, files streamed
from disk, one thread per connection. Request paths are decoded segment by segment and the
resolved file must lie inside the folder, so `..`, encoded slashes and dots, backslashes, NUL,
hidden files and symlinks leading out all answer 404.

A preview never changes the folder: its `feed.xml` and `index.html` stay the feed and page
for the show's `base_url`, and are served with that base URL rewritten, on the fly, to the
address the client asked for (the Host header, when it is a plain host[:port]), so a podcast
app on this machine or a phone on the network loads every episode from the preview.
"""

from __future__ import annotations

import errno
import hashlib
import html
import io
import os
import re
import signal
import socket
import socketserver
import sys
import time
from collections.abc import Callable
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, Literal
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

from broadcast_kit import __version__
from broadcast_kit.errors import BroadcastKitError, InputError

Log = Callable[[str], None]

# A fixed table, not `mimetypes`: that reads the machine's own mime.types, which differ
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip",
    ".json": "application/json",
    ".xml": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
CHAPTERS_SUFFIX = ".chapters.json"
CHAPTERS_TYPE = "application/json+chapters"
DEFAULT_TYPE = "application/octet-stream"
INDEX = "index.html"
FEED = "feed.xml"
CHUNK = 256 * 1024

_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})", re.IGNORECASE)  # ints, not bignums
MAX_REWRITE_BYTES = 64 * 1024 * 1024  # a larger feed or page is served as it is
_IMAGE = re.compile(rb"<itunes:image\s+href=\"([^\"]{1,2000})\"")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]{{2,45}}\])(?::[0-9]{{1,5}})?")


def content_type(name: str) -> str:
    """The Content-Type for a file name (chapters JSON has its own, STANDARDS 21 and 23)."""
    lowered = name.lower()
    if lowered.endswith(CHAPTERS_SUFFIX):
        return CHAPTERS_TYPE
    return CONTENT_TYPES.get(os.path.splitext(lowered)[1], DEFAULT_TYPE)


def byte_range(header: str | None, size: int) -> tuple[int, int] | Literal[False] | None:
    """The inclusive (first, last) bytes a Range header asks for: None to send the whole file
    (no header, another unit, several ranges or a malformed one), False when unsatisfiable."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0 or size == 0:
            return False
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # an invalid range-spec is ignored (RFC 9110 14.1.1)
    if start >= size:
        return False
    return start, min(int(last), size - 1) if last else size - 1


def _inside(root: Path, path: Path) -> Path | None:
    """`path` with every symlink resolved, if it exists and lies inside `root` (resolved)."""
    try:
        found = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return found if found == root or found.is_relative_to(root) else None


def resolve(root: Path, target: str) -> Path | None:
    """The file or folder a request target names inside `root` (resolved), or None when it
    names nothing there or tries to leave it."""
    path = urlsplit(target).path if target.lower().startswith(("http://", "https://")) else target
    path = path.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or "\\" in path or "\0" in path:
        return None
    parts = []
    for raw in path.split("/")[1:]:
        try:
            part = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if part == "":
            continue
        # a hidden name covers `.` and `..`; separators, NUL and drive colons arrive encoded
        if part.startswith(".") or any(c in part for c in ("/", "\\", "\0", ":")):
            return None
        parts.append(part)
    return _inside(root, root.joinpath(*parts))


class PreviewHandler(BaseHTTPRequestHandler):
    """GET, HEAD and OPTIONS on the files of `server.root`."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"  # keep-alive: players make many small range requests
    server_version = f"broadcast-kit/{__version__} (preview)"
    timeout = 60  # an idle keep-alive connection gives its thread back after this

    def version_string(self) -> str:
        return self.server_version  # without the Python version http.server appends

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_OPTIONS(self) -> None:
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Allow", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Range")
        self.send_header("Access-Control-Max-Age", "86400")
        self._end_headers(0)
        self._log(HTTPStatus.NO_CONTENT, 0)

    def _end_headers(self, length: int) -> None:
        self.send_header("Content-Length", str(length))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header(
            "Access-Control-Expose-Headers", "Accept-Ranges, Content-Length, Content-Range"
        )
        self.end_headers()

    def _answer(self, body: bool) -> None:
        if self.headers.get("Content-Length", "0") != "0" or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a request body we do not read would be parsed next
        found = resolve(self.server.root, self.path)
        if found is not None and found.is_dir():
            url_path = self.path.split("?", 1)[0].split("#", 1)[0]
            if not url_path.endswith("/"):
                # a folder named without its slash: redirect so the page's relative links work
                self._redirect(url_path + "/")
                return
            found = _inside(self.server.root, found / INDEX)
        if found is None or not found.is_file():
            self._send_status(HTTPStatus.NOT_FOUND, body)
            return
        try:
            handle = open(found, "rb")  # noqa: SIM115 (closed below, after streaming)
        except OSError:
            self._send_status(HTTPStatus.NOT_FOUND, body)
            return
        with handle:
            stat = os.fstat(handle.fileno())
            etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            source: BinaryIO = handle
            published = self.server.published(found)
            if published is not None and stat.st_size <= MAX_REWRITE_BYTES:
                # the feed or page for base_url, served for the address the client used
                base = self.server.address_for(self.headers.get("Host"))
                data = rewrite(handle.read(MAX_REWRITE_BYTES), published, base, found.name)
                etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-{_digest(base)}"'
                source = io.BytesIO(data)
            size = source.seek(0, io.SEEK_END)
            source.seek(0)
            self._send_file(source, content_type(found.name), body, size, etag, stat.st_mtime)

    def _send_file(
        self, handle: BinaryIO, kind: str, body: bool, size: int, etag: str, mtime: float
    ) -> None:
        modified = formatdate(mtime, usegmt=True)
        if etag in (self.headers.get("If-None-Match") or ""):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self._end_headers(0)
            self._log(HTTPStatus.NOT_MODIFIED, 0)
            return
        wanted = byte_range(self.headers.get("Range"), size)
        condition = self.headers.get("If-Range")
        if condition is not None and condition.strip() not in (etag, modified):
            wanted = None  # the file changed since the client's first part: send all of it
        if wanted is False:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Accept-Ranges", "bytes")
            self._end_headers(0)
            self._log(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, 0)
            return
        status = HTTPStatus.OK if wanted is None else HTTPStatus.PARTIAL_CONTENT
        start, end = wanted or (0, size - 1)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Accept-Ranges", "bytes")
        if wanted is not None:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Cache-Control", "no-cache")  # a preview: show a re-render at once
        self._end_headers(end - start + 1)
        sent = self._copy(handle, start, end - start + 1) if body else 0
        self._log(status, sent)

    def _copy(self, handle: BinaryIO, start: int, length: int) -> int:
        """Stream `length` bytes from `start`, a chunk at a time; a client that hangs up
        mid-file (players do, after reading what they need) only ends this connection."""
        handle.seek(start)
        sent = 0
        try:
            while sent < length:
                chunk = handle.read(min(CHUNK, length - sent))
                if not chunk:
                    break  # the file shrank while being sent
                self.wfile.write(chunk)
                sent += len(chunk)
        except (ConnectionError, TimeoutError):
            pass
        if sent < length:
            self.close_connection = True  # the client counts on Content-Length bytes
        return sent

    def _send_status(self, status: HTTPStatus, body: bool) -> None:
        text = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self._end_headers(len(text))
        if body:
            self.wfile.write(text)
        self._log(status, len(text) if body else 0)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self._end_headers(0)
        self._log(HTTPStatus.MOVED_PERMANENTLY, 0)

    def _log(self, status: int, sent: int) -> None:
        if self.server.log:
            asked = self.headers.get("Range")
            self.server.log(
                f'{self.client_address[0]} "{self.command} {self.path}" {int(status)} {sent}'
                + (f" ({asked})" if asked else "")
            )

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are logged by `_log` once answered, with the bytes actually sent."""

    def log_message(self, format: str, *args: Any) -> None:
        # malformed requests and the like; an idle keep-alive timing out is not news
        if self.server.log and not format.startswith("Request timed out"):
            self.server.log(f"{self.client_address[0]} {format % args}")


def _printable(line: str) -> str:
    """The line with control characters escaped: request paths come from anyone."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in line)


def published_base(feed: bytes) -> str | None:
    """The base URL a feed of kit feed's was made for: the folder of its itunes:image href
    (where kit feed puts the cover)."""
    found = _IMAGE.search(feed)
    if found is None:
        return None
    href = html.unescape(found.group(1).decode("utf-8", "replace"))
    base = href.rsplit("/", 1)[0] + "/"
    return base if base.lower().startswith(("http://", "https://")) else None


def rewrite(data: bytes, published: str, preview: str, name: str) -> bytes:
    """A feed's or page's bytes with the URLs under `published` moved under `preview`, in
    the escaped forms the file carries them (XML attributes and text, CDATA, HTML)."""
    forms = [(published, preview)]
    escaped = html.escape(published, quote=True), html.escape(preview, quote=True)
    forms.append(escaped)
    if name == FEED:
        forms.append((escape(published, {'"': "&quot;"}), escape(preview, {'"': "&quot;"})))
    for old, new in forms:
        if old != new:
            data = data.replace(old.encode(), new.encode())
    return data


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server over one folder; `url` is where it listens."""

    daemon_threads = True  # a client still connected never holds up Ctrl-C
    request_queue_size = 64
    allow_reuse_address = os.name != "nt"  # on Windows it would let two servers share a port

    def __init__(self, root: Path, host: str, port: int, log: Log | None) -> None:
        self.root = root
        self.log: Log | None = None
        if log is not None:
            self.log = lambda line: log(f"{time.strftime('%H:%M:%S')} {_printable(line)}")
        self.host = host
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        self.address_family = infos[0][0]
        address = infos[0][4]
        super().__init__((str(address[0]), int(address[1])), PreviewHandler)

    def server_bind(self) -> None:
        # HTTPServer's version asks DNS for the host's full name, which can stall offline
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.host, self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        # a client hanging up or resetting is routine; anything else is worth one line
        if self.log and not isinstance(exc, ConnectionError | TimeoutError):
            self.log(f"{client_address[0]} error: {type(exc).__name__}: {exc}")

    @property
    def url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.server_port}/"

    @property
    def feed_url(self) -> str:
        return self.url + FEED

    def address_for(self, host: str | None) -> str:
        """The preview's base URL as a client reached it: its Host header, when that is a
        plain host[:port] (a phone on the network uses this machine's address), else `url`."""
        if host is not None and _HOST.fullmatch(host.strip()):
            return f"http://{host.strip()}/"
        return self.url

    def published(self, path: Path) -> str | None:
        """The base URL `path` was published for, when it is the folder's feed.xml or show
        page (the files served rewritten); None for every other file."""
        if path.parent != self.root or path.name not in (FEED, INDEX):
            return None
        try:
            with open(self.root / FEED, "rb") as feed:
                return published_base(feed.read(MAX_REWRITE_BYTES))
        except OSError:
            return None

    def feed_base(self) -> str | None:
        """The base URL the folder's feed.xml was made for, if there is one."""
        return self.published(self.root / FEED)

    def feed_problem(self) -> str | None:
        """Why the folder's feed.xml will not work in a podcast app pointed at this server."""
        feed = self.root / FEED
        if not feed.is_file():
            return "there is no feed.xml in the folder yet"
        if self.feed_base() is None:
            return (
                "feed.xml names no cover URL (itunes:image), so its URLs cannot be moved to"
                " this address: it is served as it is"
            )
        return None

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM, then close; either ends the call normally."""

        def stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        # set explicitly: a shell that starts a job in the background ignores SIGINT for it
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def open_preview(
    folder: Path, host: str = "127.0.0.1", port: int = 8000, log: Log | None = None
) -> PreviewServer:
    """A server listening on host:port (0 picks a free port) for the files in `folder`."""
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise InputError(
            f"{folder} {what}; render into it first (kit render EPISODE.yaml --out {folder})"
            " or name the folder to serve: kit serve DIR"
        )
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port; use 1-65535, or 0 for any free port")
    try:
        return PreviewServer(folder.resolve(), host, port, log)
    except socket.gaierror as exc:
        raise InputError(
            f"unknown host '{host}' ({exc.strerror}); use an address of this machine such as"
            " 127.0.0.1 with --host"
        ) from None
    except OSError as exc:
        where = f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise BroadcastKitError(
                f"port {port} on {host} is already in use; choose another with --port"
                " (--port 0 picks a free one)"
            ) from None
        if exc.errno == errno.EACCES:
            raise BroadcastKitError(
                f"not allowed to listen on {where} (ports below 1024 need privileges);"
                " choose another with --port"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise InputError(
                f"{host} is not an address of this machine; use 127.0.0.1 (this machine only)"
                " or 0.0.0.0 (every network) with --host"
            ) from None
        raise BroadcastKitError(
            f"cannot listen on {where} ({exc.strerror}); try another --port"
        ) from None

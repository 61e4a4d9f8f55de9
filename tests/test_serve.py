"""`kit serve`: HEAD, byte ranges, Content-Types, CORS, containment and concurrent clients,
against a real server on a free loopback port (http.client and raw sockets, which send the
path exactly as written), plus the command itself in a subprocess stopped with Ctrl-C."""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import podcastparser
import pytest
from typer.testing import CliRunner

from broadcast_kit.cli import app
from broadcast_kit.errors import BroadcastKitError, InputError
from broadcast_kit.publish import serve
from broadcast_kit.publish.serve import PreviewServer, byte_range, open_preview
from broadcast_kit.render import pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import make_show, write_episode

MP3 = "show-ep1.3f9a1c2b.mp3"
SIZE = 1024 * 1024 + 123  # several chunks, not a multiple of one
SECRET = b"outside the published folder"
TYPES = {
    MP3: "audio/mpeg",
    "cover.jpg": "image/jpeg",
    "cover.png": "image/png",
    "show-ep1.vtt": "text/vtt; charset=utf-8",
    "show-ep1.srt": "application/x-subrip",
    "show-ep1.chapters.json": "application/json+chapters",
    "show-ep1.transcript.json": "application/json",
    "show-ep1.json": "application/json",
    "feed.xml": "application/rss+xml; charset=utf-8",
    "index.html": "text/html; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "player.js": "application/javascript; charset=utf-8",
}
SIDECARS = ["show-ep1.vtt", "show-ep1.srt", "show-ep1.chapters.json", "show-ep1.transcript.json"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A published folder: an MP3 of random bytes, sidecars, a page; a secret beside it and
    symlinks from inside to it."""
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / MP3).write_bytes(os.urandom(SIZE))
    for name in TYPES:
        if name != MP3:
            (folder / name).write_bytes(f"contents of {name}\n".encode())
    (folder / "episodes").mkdir()
    (folder / "episodes" / "index.html").write_bytes(b"<p>episodes</p>")
    (folder / ".hidden").write_bytes(SECRET)
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_bytes(SECRET)
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "leak-relative.txt").symlink_to(Path("..") / "secret.txt")
    (folder / "outdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (folder / "latest.mp3").symlink_to(MP3)  # a symlink that stays inside is fine
    return folder


@pytest.fixture
def log() -> list[str]:
    return []


@contextmanager
def serving(folder: Path, log: serve.Log | None = None) -> Iterator[PreviewServer]:
    """The preview server on a free loopback port, serving `folder` in a thread."""
    running = open_preview(folder, "127.0.0.1", 0, log)
    thread = threading.Thread(target=running.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server(site: Path, log: list[str]) -> Iterator[PreviewServer]:
    """The preview server over `site`, logging into `log`."""
    with serving(site, log.append) as running:
        yield running


Answer = tuple[int, dict[str, str], bytes]


def fetch(
    port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def raw(port: int, request: bytes) -> bytes:
    """Send bytes exactly as given (http.client refuses NUL and backslashes in paths)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def port_of(server: PreviewServer) -> int:
    return int(server.server_address[1])


def test_head_gives_length_and_type_of_every_file(server: PreviewServer, site: Path) -> None:
    for name, kind in TYPES.items():
        status, headers, body = fetch(port_of(server), f"/{name}", "HEAD")
        assert status == 200, name
        assert headers["content-type"] == kind, name
        assert int(headers["content-length"]) == (site / name).stat().st_size, name
        assert headers["accept-ranges"] == "bytes"
        assert headers["access-control-allow-origin"] == "*"
        assert body == b""


def test_get_serves_the_bytes_and_the_page_at_the_root(server: PreviewServer, site: Path) -> None:
    status, headers, body = fetch(port_of(server), "/")
    assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert body == (site / "index.html").read_bytes()
    status, headers, body = fetch(port_of(server), "/episodes")
    assert (status, headers["location"]) == (301, "/episodes/")
    assert fetch(port_of(server), "/episodes/")[2] == b"<p>episodes</p>"
    status, headers, body = fetch(port_of(server), "/show-ep1.vtt?v=2")
    assert (status, body) == (200, b"contents of show-ep1.vtt\n")
    assert headers["accept-ranges"] == "bytes"
    assert fetch(port_of(server), "/latest.mp3")[2] == (site / MP3).read_bytes()
    assert fetch(port_of(server), "/nothing.mp3")[0] == 404


def test_first_two_bytes_are_a_206_with_apples_headers(
    server: PreviewServer, site: Path, log: list[str]
) -> None:
    data = (site / MP3).read_bytes()
    for method in ("GET", "HEAD"):
        status, headers, body = fetch(port_of(server), f"/{MP3}", method, {"Range": "bytes=0-1"})
        assert status == 206
        assert headers["content-range"] == f"bytes 0-1/{SIZE}"
        assert headers["content-length"] == "2"
        assert headers["accept-ranges"] == "bytes"
        assert headers["content-type"] == "audio/mpeg"
        assert body == (data[:2] if method == "GET" else b"")
    assert any(line.endswith(f'127.0.0.1 "GET /{MP3}" 206 2 (bytes=0-1)') for line in log)


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [
        ("bytes=-500", SIZE - 500, SIZE - 1),
        ("bytes=100-", 100, SIZE - 1),
        ("bytes=1000-1999", 1000, 1999),
        (f"bytes={SIZE - 10}-{SIZE + 1000}", SIZE - 10, SIZE - 1),
        (f"bytes=-{SIZE * 2}", 0, SIZE - 1),
        ("BYTES=7-7", 7, 7),
    ],
)
def test_ranges(server: PreviewServer, site: Path, asked: str, first: int, last: int) -> None:
    status, headers, body = fetch(port_of(server), f"/{MP3}", headers={"Range": asked})
    assert status == 206
    assert headers["content-range"] == f"bytes {first}-{last}/{SIZE}"
    assert int(headers["content-length"]) == last - first + 1
    assert body == (site / MP3).read_bytes()[first : last + 1]


@pytest.mark.parametrize("asked", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 9}", "bytes=-0"])
def test_a_range_past_the_end_is_416(server: PreviewServer, asked: str) -> None:
    for method in ("GET", "HEAD"):
        status, headers, body = fetch(port_of(server), f"/{MP3}", method, {"Range": asked})
        assert status == 416
        assert headers["content-range"] == f"bytes */{SIZE}"
        assert body == b""


@pytest.mark.parametrize(
    "asked", ["bytes=0-1,5-6", "bytes=5-2", "items=0-1", "bytes=abc", "bytes=-", "bytes 0-1"]
)
def test_multiple_or_malformed_ranges_get_the_whole_file(server: PreviewServer, asked: str) -> None:
    status, headers, body = fetch(port_of(server), "/show-ep1.srt", headers={"Range": asked})
    assert (status, body) == (200, b"contents of show-ep1.srt\n")
    assert "content-range" not in headers


def test_if_range_and_if_none_match(server: PreviewServer, site: Path) -> None:
    status, headers, _ = fetch(port_of(server), "/show-ep1.vtt", "HEAD")
    etag = headers["etag"]
    assert fetch(port_of(server), "/show-ep1.vtt", headers={"If-None-Match": etag})[0] == 304
    ranged = {"Range": "bytes=0-1", "If-Range": etag}
    assert fetch(port_of(server), "/show-ep1.vtt", headers=ranged)[:1] == (206,)
    (site / "show-ep1.vtt").write_bytes(b"WEBVTT\n\nre-rendered, longer than before\n")
    status, _, body = fetch(port_of(server), "/show-ep1.vtt", headers=ranged)
    assert (status, body) == (200, b"WEBVTT\n\nre-rendered, longer than before\n")


def test_byte_range_rules() -> None:
    assert byte_range(None, 10) is None
    assert byte_range("bytes=0-1", 10) == (0, 1)
    assert byte_range("bytes=-3", 10) == (7, 9)
    assert byte_range("bytes=9-", 10) == (9, 9)
    assert byte_range("bytes=10-", 10) is False
    assert byte_range("bytes=0-0", 0) is False  # nothing in an empty file can be sent
    assert byte_range("bytes=-5", 0) is False
    assert byte_range(" bytes=2-4 ", 10) == (2, 4)
    assert byte_range("bytes=2-4, 6-7", 10) is None
    assert byte_range("bytes=" + "9" * 5000 + "-", 10) is None  # not a 5000-digit int


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/episodes/../../secret.txt",
        "/episodes/%2e%2e/%2e%2e/secret.txt",
        "/leak.txt",
        "/leak-relative.txt",
        "/outdir/secret.txt",
        "/outdir/",
        "/.hidden",
        "/%2e%68idden",
        "/..%5csecret.txt",
        "/%00",
        "/%ff%fe",
        "http://127.0.0.1/../secret.txt",
    ],
)
def test_nothing_outside_the_folder_is_reachable(server: PreviewServer, path: str) -> None:
    for method in ("GET", "HEAD"):
        status, _, body = fetch(port_of(server), path, method)
        assert status == 404, (method, path)
        assert SECRET not in body


def test_absolute_paths_and_raw_bytes_are_refused(server: PreviewServer, site: Path) -> None:
    secret = site.parent / "secret.txt"
    for path in ("/" + str(secret), "/%2F" + str(secret).lstrip("/").replace("/", "%2F")):
        assert fetch(port_of(server), path)[0] == 404, path
    for target in (b"/..\\secret.txt", b"/\\..\\secret.txt", b"/ep\x00.mp3", b"/../secret.txt"):
        answer = raw(port_of(server), b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 404 "), (target, answer[:40])
        assert SECRET not in answer


def test_transcripts_and_chapters_carry_cors(server: PreviewServer) -> None:
    origin = {"Origin": "https://player.example"}
    for name in SIDECARS:
        status, headers, _ = fetch(port_of(server), f"/{name}", headers=origin)
        assert status == 200
        assert headers["access-control-allow-origin"] == "*"
    status, headers, _ = fetch(port_of(server), f"/{MP3}", "OPTIONS", origin)
    assert status == 204
    assert headers["access-control-allow-origin"] == "*"
    assert "Range" in headers["access-control-allow-headers"]


def test_many_clients_at_once_get_the_exact_file(server: PreviewServer, site: Path) -> None:
    expected = hashlib.sha256((site / MP3).read_bytes()).hexdigest()
    # a client that connected and went quiet holds a thread, not the server
    idle = socket.create_connection(("127.0.0.1", port_of(server)), timeout=10)
    idle.sendall(b"GET /feed.xml HTTP/1.1\r\n")
    try:
        with ThreadPoolExecutor(8) as pool:
            bodies = list(pool.map(lambda _: fetch(port_of(server), f"/{MP3}")[2], range(8)))
            step = SIZE // 8 + 1
            parts = list(
                pool.map(
                    lambda i: fetch(
                        port_of(server),
                        f"/{MP3}",
                        headers={"Range": f"bytes={i * step}-{min((i + 1) * step, SIZE) - 1}"},
                    )[2],
                    range(8),
                )
            )
    finally:
        idle.close()
    assert all(hashlib.sha256(body).hexdigest() == expected for body in bodies)
    assert hashlib.sha256(b"".join(parts)).hexdigest() == expected


def test_a_client_hanging_up_mid_file_does_not_hurt_the_server(
    server: PreviewServer, log: list[str]
) -> None:
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as sock:
        sock.sendall(f"GET /{MP3} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert sock.recv(1024).startswith(b"HTTP/1.1 200 ")
        # close with a reset, as a player dropping a stream does
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    deadline = time.monotonic() + 10
    while not any(f'"GET /{MP3}" 200' in line for line in log) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert any(f'"GET /{MP3}" 200' in line for line in log), log
    assert fetch(port_of(server), "/show-ep1.vtt")[0] == 200
    assert not [line for line in log if "error" in line]


def test_the_feed_hint_says_when_feed_xml_will_not_work(server: PreviewServer, site: Path) -> None:
    assert server.url == f"http://127.0.0.1:{port_of(server)}/"
    assert server.feed_url == server.url + "feed.xml"
    (site / "feed.xml").unlink()
    assert server.feed_problem() == "there is no feed.xml in the folder yet"
    (site / "feed.xml").write_text('<enclosure url="https://example.com/ep.mp3"/>')
    assert "served as it is" in (server.feed_problem() or "")
    (site / "feed.xml").write_text('<itunes:image href="https://example.com/show/c.jpg"/>')
    assert server.feed_problem() is None
    assert server.feed_base() == "https://example.com/show/"


# --- a preview leaves the published folder as it is ----------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two fake-engine episodes rendered and published by kit feed for the show's base_url."""
    root = tmp_path_factory.mktemp("published")
    show = make_show(root / "show")
    out = root / "my site"  # a space: the printed command must quote it
    with pytest.MonkeyPatch.context() as patch:  # module scope: set up before _isolated
        patch.setenv("BROADCAST_KIT_CACHE_DIR", str(root / "cache"))
        for n in (1, 2):
            episode = write_episode(
                show,
                f"title: Part {n}\ndate: 2024-05-0{n}\ndescription: Number {n}; see"
                f" {PUBLIC}notes.html & more.\nsegments:\n  - host: Hello number {n}.\n",
                slug=f"ep{n}",
            )
            pipeline.render(episode, out, cache=SpeechCache(root / "cache"))
    assert CliRunner().invoke(app, ["feed", "--out", str(out)]).exit_code == 0
    return out


PUBLIC = "https://example.org/test/"


@pytest.fixture
def preview(published: Path) -> Iterator[PreviewServer]:
    with serving(published) as running:
        yield running


def test_a_preview_serves_the_feed_for_its_own_address_and_changes_nothing(
    preview: PreviewServer, published: Path
) -> None:
    on_disk = {p.name: p.read_bytes() for p in published.iterdir()}
    port = port_of(preview)
    status, headers, body = fetch(port, "/feed.xml")
    assert status == 200 and int(headers["content-length"]) == len(body)
    assert PUBLIC.encode() not in body and preview.url.encode() in body
    # what a podcast app does next: parse the feed, fetch each enclosure from the preview
    parsed = podcastparser.parse(preview.feed_url, io.BytesIO(body))
    assert len(parsed["episodes"]) == 2
    for episode in parsed["episodes"]:
        (enclosure,) = episode["enclosures"]
        assert enclosure["url"].startswith(preview.url)
        path = "/" + enclosure["url"].removeprefix(preview.url)
        status, headers, _ = fetch(port, path, headers={"Range": "bytes=0-1"})
        assert status == 206 and headers["content-range"].endswith(f"/{enclosure['file_size']}")
    assert parsed["link"] == preview.url  # the show's link was its base_url too
    assert b"https://example.org/test/notes.html" not in body  # links in the notes follow
    # HEAD and ranges agree with the rewritten feed, not the file
    assert fetch(port, "/feed.xml", "HEAD")[1]["content-length"] == str(len(body))
    status, headers, part = fetch(port, "/feed.xml", headers={"Range": "bytes=10-19"})
    assert (status, part) == (206, body[10:20])
    # the page's feed URL, to paste into an app, is the preview's
    page = fetch(port, "/")[2].decode()
    assert f'value="{preview.feed_url}"' in page and PUBLIC not in page
    # and on disk, nothing changed: the folder still holds the feed for base_url
    assert {p.name: p.read_bytes() for p in published.iterdir()} == on_disk
    assert CliRunner().invoke(app, ["check", str(published), "--strict"]).exit_code == 0


def test_a_phone_on_the_network_gets_the_address_it_used(preview: PreviewServer) -> None:
    port = port_of(preview)
    body = fetch(port, "/feed.xml", headers={"Host": "192.168.1.20:8000"})[2]
    assert b'url="http://192.168.1.20:8000/ep1-' in body
    for hostile in ('evil"><x a="', "a b", "example.org/path", "x:y:z", ""):
        body = fetch(port, "/feed.xml", headers={"Host": hostile})[2]
        assert preview.url.encode() in body and b"evil" not in body, hostile
    # each address its own ETag: a cache never hands one client another's feed
    one = fetch(port, "/feed.xml", headers={"Host": "10.0.0.2:8000"})[1]["etag"]
    two = fetch(port, "/feed.xml")[1]["etag"]
    assert one != two


def test_kit_serve_prints_what_the_preview_serves(published: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", str(published), "--port", "0", "--help"])
    assert result.exit_code == 0 and "without changing DIR" in result.stdout
    server = open_preview(published, "127.0.0.1", 0, None)
    try:
        assert server.feed_base() == PUBLIC
    finally:
        server.server_close()
    # no feed yet: the command printed is one that works as printed
    copy = Path(shutil.copytree(published, published.parent / "another site"))
    (copy / "feed.xml").unlink()
    printed = serve_banner(copy)
    (hint,) = [line for line in printed.splitlines() if "make it with:" in line]
    command = hint.split("make it with: ", 1)[1].rstrip(")")
    assert command == f"kit feed --out '{copy}'"
    made = CliRunner().invoke(app, shlex.split(command)[1:])
    assert made.exit_code == 0, made.output
    assert (copy / "feed.xml").is_file()
    # a folder with nothing rendered: no command that would fail
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "kit " not in serve_banner(empty)
    shutil.rmtree(copy)


def serve_banner(folder: Path) -> str:
    """What `kit serve FOLDER` prints before serving (the server stopped at once)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PreviewServer, "run", lambda self: self.server_close())
        result = CliRunner().invoke(app, ["serve", str(folder), "--port", "0"])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_busy_port_is_one_error_line_naming_port(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BroadcastKitError, match="--port"):
            open_preview(site, "127.0.0.1", port)
        result = CliRunner().invoke(app, ["serve", str(site), "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1 is already in use; choose another with --port"
        " (--port 0 picks a free one)\n"
    )


def test_a_missing_folder_or_bad_host_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", str(tmp_path / "dist")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'dist'} does not exist; render into it")
    with pytest.raises(InputError, match="not a port"):
        open_preview(tmp_path, "127.0.0.1", 70000)
    with pytest.raises(InputError, match="address of this machine"):
        open_preview(tmp_path, "192.0.2.1", 0)  # TEST-NET: never a local address


def read_until(fd: int, *markers: bytes, seconds: float = 30) -> str:
    """What a subprocess printed until every marker appeared, waiting at most `seconds` (raw
    reads: a buffered reader would hold lines the selector no longer sees)."""
    seen = b""
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not all(marker in seen for marker in markers):
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise AssertionError(f"not all of {markers} within {seconds} s: {seen!r}")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise AssertionError(f"the server exited; it printed {seen!r}")
            seen += chunk
    return seen.decode()


@pytest.mark.slow  # a fresh interpreter importing the whole CLI: about 2 s
@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_kit_serve_prints_the_urls_serves_and_stops_on_ctrl_c(site: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "broadcast_kit", "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout
    try:
        printed = read_until(process.stdout.fileno(), b"Ctrl-C to stop\n")
        url = re.search(r"^serving .* at (http://127\.0\.0\.1:(\d+)/)$", printed, re.M)
        assert url, printed
        base, port = url.group(1), int(url.group(2))
        assert port != 0
        assert printed == (
            f"serving {site} at {base}\n"
            f"feed for a podcast app: {base}feed.xml\n"
            "  (feed.xml names no cover URL (itunes:image), so its URLs cannot be moved to this"
            " address: it is served as it is)\n"
            "press Ctrl-C to stop\n"
        )
        status, headers, _ = fetch(port, f"/{MP3}", "HEAD")
        assert (status, headers["content-length"]) == (200, str(SIZE))
        assert fetch(port, f"/{MP3}", headers={"Range": "bytes=0-1"})[0] == 206
        assert process.stderr
        # a request is logged once answered, so its line may come after the client returns
        logged = read_until(process.stderr.fileno(), b'"HEAD /', b"(bytes=0-1)\n", seconds=10)
        process.send_signal(signal.SIGINT)
        out, errors = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    err = logged + errors.decode()
    assert process.returncode == 0, err
    assert out == b"stopped\n"
    assert "Traceback" not in err and "error" not in err
    assert re.search(rf'^\d\d:\d\d:\d\d 127\.0\.0\.1 "HEAD /{re.escape(MP3)}" 200 0$', err, re.M)
    assert f'"GET /{MP3}" 206 2 (bytes=0-1)' in err


def test_content_types_of_sidecars_follow_their_names() -> None:
    assert serve.content_type("Ep.Chapters.JSON") == "application/json+chapters"
    assert serve.content_type("ep.transcript.json") == "application/json"
    assert serve.content_type("notes.bin") == "application/octet-stream"

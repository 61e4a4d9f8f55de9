"""Shared fixtures: a show folder with cover art, generated music, an isolated speech cache,
and the fake engine, which only the tests register (users' `kit voices` does not list it)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from broadcast_kit import ffmpeg, importer
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import registry
from broadcast_kit.tts.cache import SpeechCache

ROOT = Path(__file__).resolve().parents[1]
RATE = 44100
#: a folder holding the fake engine's entry point, as a third-party plugin would: on this
#: process's path and on PYTHONPATH, so that `kit` in a subprocess, spawned workers and
#: Dask workers find `engine: fake` too (scripts/bench uses the same folder)
PLUGIN = ROOT / "tests" / "plugin"
registry.register("fake", FakeEngine)
sys.path.insert(0, str(PLUGIN))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(PLUGIN), *filter(None, [os.environ.get("PYTHONPATH")])]
)

# property tests (Hypothesis): no example database written into the work tree, and the
# same examples in CI as here only when asked (HYPOTHESIS_PROFILE=ci derandomizes them)
settings.register_profile("default", database=None)
settings.register_profile("ci", database=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's speech cache; the fake engine starts clean."""
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache"))
    FakeEngine.spoken.clear()
    FakeEngine.fail_with = None


def tone(
    seconds: float,
    freq: float = 440.0,
    level_db: float = -12.0,
    channels: int = 2,
    rate: int = RATE,
) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    wave = (10 ** (level_db / 20) * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.repeat(wave[:, None], channels, axis=1)


def encode_mp3(samples: np.ndarray, rate: int, kbps: int, out: Path) -> None:
    """A CBR MP3 *file* of `samples` without tags (LAME writes its Info header only when it
    can seek), for tests that need an MP3 that no render made."""
    codec = ["-c:a", "libmp3lame", "-b:a", f"{kbps}k", "-write_xing", "1",
             "-id3v2_version", "0", "-f", "mp3"]  # fmt: skip
    ffmpeg.encode(samples, rate, out, codec)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """Write float samples as a 16-bit WAV with the product's own ffmpeg helper."""
    ffmpeg.encode(samples, rate, path, ["-c:a", "pcm_s16le"])
    return path


@pytest.fixture(scope="session")
def music_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Short generated music files: a theme (chord), a quiet bed, a sting."""
    folder = tmp_path_factory.mktemp("music")
    chord = tone(4.0, 220.0, -14) + tone(4.0, 277.2, -14) + tone(4.0, 329.6, -14)
    write_wav(folder / "theme.wav", chord)
    write_wav(folder / "bed.wav", tone(3.0, 196.0, -18) + tone(3.0, 293.7, -20))
    write_wav(folder / "sting.wav", tone(1.0, 523.3, -10))
    return folder


@pytest.fixture
def show_dir(tmp_path: Path) -> Path:
    """A folder with show.yaml (fake engine voices) and cover.jpg; episodes go below it."""
    return make_show(tmp_path / "show")


def make_show(folder: Path) -> Path:
    """The show_dir fixture's folder, for fixtures shared by a module."""
    folder.mkdir()
    shutil.copy(ROOT / "assets" / "cover.jpg", folder / "cover.jpg")
    (folder / "show.yaml").write_text(
        textwrap.dedent("""\
        title: Test Show
        description: A show for tests.
        author: Test Author
        owner: {name: Test Owner, email: owner@example.org}
        language: en
        category: News
        cover: cover.jpg
        base_url: https://example.org/test/
        voices:
          host: {engine: fake, voice: mid, name: Host}
          voxpop: {engine: fake, voice: high}
        """),
        encoding="utf-8",
    )
    return folder


def write_episode(show_dir: Path, body: str, slug: str = "ep1") -> Path:
    folder = show_dir / slug
    folder.mkdir(exist_ok=True)
    path = folder / "episode.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _limit(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    return float(item.config.getini("timeout") or 0)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """A backstop for pytest-timeout: its SIGALRM fails a test at its limit, but cannot
    reach one stuck where Python never runs (a C loop, the signal blocked); then, well
    past the limit, this names the test, dumps every thread's stack and ends the run."""
    import faulthandler
    import os
    import sys
    import threading

    limit = _limit(item)
    if limit <= 0:
        yield
        return
    after = limit + BACKSTOP_GRACE

    def stop() -> None:
        capture = item.config.pluginmanager.getplugin("capturemanager")
        if capture is not None:  # write to the terminal, not into the test's captured output
            capture.suspend_global_capture(item)
        sys.stderr.write(
            f"\n{item.nodeid}: still running {after:g} s after it started, past its time limit"
            f" of {limit:g} s (stuck where the timeout's signal cannot reach it);"
            " stopping the test run\n"
        )
        faulthandler.dump_traceback(sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(after, stop)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@pytest.fixture
def cache(tmp_path: Path) -> SpeechCache:
    return SpeechCache(tmp_path / "cache" / "speech")


SLOW_TIMEOUT = 300  # seconds, for tests marked slow without a limit of their own
BACKSTOP_GRACE = 30  # seconds past a test's limit before the run is stopped (see below)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked slow get a longer time limit than pyproject's default (unless they set
    one); network tests (live gTTS) run only when asked for: BROADCAST_KIT_NETWORK_TESTS=1."""
    import os

    for item in items:
        if "slow" in item.keywords and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))
    if os.environ.get("BROADCAST_KIT_NETWORK_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs the network; set BROADCAST_KIT_NETWORK_TESTS=1")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


NO_CHROMIUM = "no Chromium found"


def chromium_path() -> str | None:
    """Debian's chromium (or Ubuntu's chromium-browser): the browser tests' only browser."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


NO_DASK = "Dask's distributed is not installed (the cluster extra: pip install -e '.[cluster]')"


# skip reasons that must not pass quietly: a green run without these tests has not tested
# what they test
LOUD_SKIPS = {
    NO_CHROMIUM: "BROWSER TESTS SKIPPED: {reason} on PATH; the show page was not tested in a"
    " browser (apt-get install chromium)",
    NO_DASK: "CLUSTER TESTS SKIPPED: {reason}; batch renders were not tested on a Dask cluster",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly which optional tests did not run, and why."""
    skipped = [str(getattr(r, "longrepr", "")) for r in terminalreporter.stats.get("skipped", [])]
    for reason, banner in LOUD_SKIPS.items():
        count = sum(reason in text for text in skipped)
        if count:
            message = banner.format(reason=reason)
            terminalreporter.write_sep("!", f"{count} {message}", red=True, bold=True)


# two labelled turns: a transcript for an invented page head to sit above
IMPORT_TURNS = (
    "\n\nHOST: Good evening and welcome to the programme tonight.\n\n"
    "JOE ROE: Hello, it is good to be here.\n"
)


def import_page(page: str, name: str = "page.txt") -> importer.Imported:
    """`kit import` of an invented page, with the fake engine and a fixed today."""
    return importer.import_transcript(page, name, engine="fake", today=dt.date(2000, 1, 1))

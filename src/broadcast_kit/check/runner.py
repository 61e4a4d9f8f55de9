"""Run `kit check`: find the files to check in the given paths, read the show's `check:`
settings, check every MP3 with its sidecars and every feed, and collect the results.

Paths are folders (their MP3s and feed.xml files, hidden folders skipped), MP3 files or
feed files. A path that does not exist or names another kind of file is a usage error
(InputError, exit 2); everything wrong *inside* a file is a finding.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from broadcast_kit import loader
from broadcast_kit.check import feed, mp3, mpeg, sidecars
from broadcast_kit.check.rules import RULES, FileResult, Finding, Kind
from broadcast_kit.check.sources import Sources
from broadcast_kit.errors import FfmpegError, InputError
from broadcast_kit.loudness import Goal
from broadcast_kit.model import CheckSettings

FEED_NAMES = ("feed.xml",)
FEED_SUFFIXES = (".xml", ".rss")


@dataclass(frozen=True)
class Options:
    loudness: bool = False  # decode and measure (the only check that decodes audio)
    strict: bool = False  # warnings count as errors
    base_url: str | None = None  # where the feed's files are published
    show: Path | None = None  # show.yaml; default: found from the first path upwards


@dataclass
class Report:
    results: list[FileResult]
    strict: bool = False
    show: Path | None = None
    read: list[Path] = field(default_factory=list)  # every file checked, and the show file

    def reads(self, path: Path) -> bool:
        """Whether `path` is one of the files this check read (so a report must not
        overwrite it); by identity, so another spelling of the path counts too."""
        try:
            wanted = path.stat()
        except OSError:
            return False  # a file that does not exist was not read
        for candidate in self.read:
            with contextlib.suppress(OSError):
                found = candidate.stat()
                if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
                    return True
        return False

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def passed(self) -> bool:
        return self.errors == 0


@dataclass
class _Targets:
    mp3s: list[Path] = field(default_factory=list)
    feeds: list[Path] = field(default_factory=list)


def _walk(folder: Path) -> Iterable[Path]:
    """Files under `folder`, sorted, skipping hidden folders (e.g. a render in progress)."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(f"{loader.display(folder)}: cannot list it ({exc.strerror})") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.is_file():
            yield entry


def targets(paths: list[Path]) -> _Targets:
    found = _Targets()
    for path in paths:
        if path.is_dir():
            before = len(found.mp3s) + len(found.feeds)
            for entry in _walk(path):
                if entry.suffix.lower() == ".mp3":
                    found.mp3s.append(entry)
                elif entry.name in FEED_NAMES:
                    found.feeds.append(entry)
            if len(found.mp3s) + len(found.feeds) == before:
                raise InputError(
                    f"{loader.display(path)}: no MP3 files or feed.xml in it; render first"
                    " (kit render) or name the files to check"
                )
        elif path.is_file():
            if path.suffix.lower() == ".mp3":
                found.mp3s.append(path)
            elif path.suffix.lower() in FEED_SUFFIXES:
                found.feeds.append(path)
            else:
                raise InputError(
                    f"{loader.display(path)}: kit check takes folders, .mp3 files and feeds"
                    " (.xml, .rss); its sidecars are found beside the MP3"
                )
        else:
            raise InputError(f"{loader.display(path)}: no such file or folder")
    return found


def find_show(paths: list[Path], reports: sidecars.Reports | None = None) -> Path | None:
    """The show file the render reports in the first path's folder were rendered with (when
    they agree on one), else show.yaml in that folder or the nearest folder above it."""
    start = paths[0].resolve()
    folder = start if start.is_dir() else start.parent
    rendered_with = (reports or sidecars.Reports()).show(folder)
    if rendered_with is not None:
        return rendered_with
    return loader.show_above(folder)


def _key(path: Path) -> str:
    """A path's identity for "checked already" (absolute; cheaper than resolve())."""
    return os.path.abspath(path)


def _display(path: Path, cwd: str) -> str:
    """As loader.display, with the working folder looked up once for all files."""
    full = os.path.abspath(path)
    return os.path.relpath(full, cwd) if full.startswith(cwd + os.sep) else full


def _unique(paths: list[Path]) -> list[Path]:
    seen: set[str] = set()
    result = []
    for path in paths:
        key = _key(path)
        if key not in seen:
            seen.add(key)
            result.append(path)
    return result


def run(paths: list[Path], options: Options | None = None) -> Report:
    """Check everything `paths` name; never modifies a file."""
    options = options or Options()
    found = targets(paths)
    reports = sidecars.Reports()
    show_path = options.show or find_show(paths, reports)
    settings, preset, show_base_url, source = CheckSettings(), "podcast", None, None
    if show_path is not None:
        show, source, _warnings = loader.load_show(show_path)
        settings, preset, show_base_url = show.check, show.audio.loudness, show.base_url
    sources = Sources(reports, source)
    off = frozenset(settings.disable)
    enabled = frozenset(
        rule
        for rule in RULES
        if rule not in off and (options.loudness or not rule.startswith("loudness-"))
    )
    goal = None
    if options.loudness:
        _decoder()
        limits = settings.loudness
        goal = Goal(preset, limits.target, limits.tolerance, limits.true_peak)

    cwd = os.getcwd()
    belongs: dict[int, Path] = {}  # id of a file's result -> the MP3 it belongs to

    def new(path: Path, kind: Kind, of: Path | None = None) -> FileResult:
        episode = sources.slug(of) if of is not None else None
        result = FileResult(_display(path, cwd), kind, enabled, off, episode)
        results.append(result)
        read.append(path)
        if of is not None:
            belongs[id(result)] = of
        return result

    read: list[Path] = [show_path] if show_path is not None else []

    results: list[FileResult] = []
    audio: dict[str, mp3.Audio] = {}
    done: set[str] = set()
    for path in _unique(found.mp3s):
        result = new(path, "mp3", path)
        with _no_crash(result):
            facts = mp3.check(path, result, goal)
            audio[_key(path)] = facts
            _check_sidecars(reports.find(path), facts, partial(new, of=path), done)

    def duration(path: Path) -> float | None:
        key = _key(path)
        if key not in audio:
            facts = mp3.Audio(path)
            with contextlib.suppress(mpeg.NotMpeg, OSError, ValueError):
                facts.stream = mpeg.scan(path)  # its own findings come from checking it
            audio[key] = facts
        return audio[key].duration_ms

    base_url = options.base_url or show_base_url
    for path in _unique(found.feeds):
        result = new(path, "feed")
        with _no_crash(result):
            feed.check(path, result, base_url, duration, reports)
    for result in results:
        result.finish()
        mp3_file = belongs.get(id(result))
        result.findings = [
            replace(
                f,
                severity="error" if options.strict else f.severity,
                at=sources.place(f.cause, mp3_file) if f.cause else None,
            )
            for f in result.findings
        ]
    return Report(results, options.strict, show_path, read)


def _decoder() -> None:
    """--loudness decodes with ffmpeg: say what to install, once, before checking anything,
    when there is none (a light install for kit check has none of its own)."""
    from broadcast_kit import ffmpeg

    try:
        ffmpeg.executable()
    except FfmpegError as exc:
        raise InputError(
            f"--loudness measures the audio with ffmpeg's EBU R128 meter: {exc}"
        ) from None


# the rule a file's unexpected failure is reported under: the one about reading that kind
_READING: dict[Kind, str] = {
    "mp3": "id3-unreadable",
    "report": "report-files",
    "vtt": "vtt-format",
    "srt": "srt-format",
    "chapters": "chapters-json-format",
    "transcript": "transcript-json-format",
    "feed": "feed-xml",
}


@contextlib.contextmanager
def _no_crash(result: FileResult) -> Iterator[None]:
    """A bug in a check on some unforeseen bytes becomes a finding on that file, so one
    file never hides the results of the others."""
    try:
        yield
    except Exception as exc:
        result.add(
            _READING[result.kind],
            f"kit check failed on this file ({type(exc).__name__}: {exc}); this is a bug in"
            " kit check, please report it with the file",
            "error",
        )


def _check_sidecars(
    found: sidecars.Sidecars,
    facts: mp3.Audio,
    new: Callable[[Path, Kind], FileResult],
    done: set[str],
) -> None:
    if found.report is not None and _key(found.report) not in done:
        done.add(_key(found.report))
        sidecars.check_report(found.report, found.report_files, new(found.report, "report"))
    checks = {
        "vtt": sidecars.check_vtt,
        "srt": sidecars.check_srt,
        "chapters": sidecars.check_chapters,
        "transcript": sidecars.check_transcript,
    }
    for kind, sidecar in found.files.items():
        key = _key(sidecar)
        if key in done:  # two MP3s (an old and a new render) may share a sidecar
            continue
        done.add(key)
        result = new(sidecar, kind)
        with _no_crash(result):
            checks[kind](sidecar, facts, result)

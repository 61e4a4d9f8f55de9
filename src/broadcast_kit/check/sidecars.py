"""The files published beside an MP3: finding them, and their rules (STANDARDS 11-14).

An MP3's sidecars are the ones its render report (a JSON file beside it whose `audio.file` or
`files.mp3` names the MP3) lists under `files`; an MP3 no report names has the files named
exactly after it (`<name>.vtt`, ...) that no report claims: files are paired by what the
render wrote, never by a shared name prefix. Every file is read up to a size cap, so a giant
or hostile file costs bounded time and memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcast_kit.check.mp3 import SLACK_MS, Audio, clock
from broadcast_kit.check.rules import FileResult, Kind, quote
from broadcast_kit.errors import InputError
from broadcast_kit.formats import chapters as chapters_json
from broadcast_kit.formats import srt, vtt
from broadcast_kit.formats import transcript as transcript_json
from broadcast_kit.formats.report import RenderReport
from broadcast_kit.limits import load_json
from broadcast_kit.text import shown_length

MAX_BYTES = 16 * 1024 * 1024  # sidecars larger than this are not read
MAX_REPORT_BYTES = 16 * 1024 * 1024  # nor render reports, looked for beside every MP3
SUFFIXES: dict[Kind, str] = {
    "vtt": ".vtt",
    "srt": ".srt",
    "chapters": ".chapters.json",
    "transcript": ".transcript.json",
}
CHAPTER_SLACK_S = 1.0  # chapters JSON and CHAP frames agree within a second (STANDARDS 13)


class TooLarge(Exception):
    pass


def read_capped(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes; TooLarge past `limit` (default MAX_BYTES), found by reading rather
    than by trusting the file's size."""
    limit = MAX_BYTES if limit is None else limit
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"larger than {limit // (1024 * 1024)} MiB; not read")
    return data


@dataclass
class Sidecars:
    report: Path | None = None
    report_files: dict[str, str] = field(default_factory=dict)  # kind -> file name
    files: dict[Kind, Path] = field(default_factory=dict)


def _plain_name(value: object) -> str | None:
    """A file name from a report, only when it names a file in the same folder."""
    if isinstance(value, str) and value and value == Path(value).name and value not in ("..",):
        return value
    return None


@dataclass
class _Folder:
    """A folder's render reports: by the MP3 each names, and every file any of them lists."""

    by_mp3: dict[str, tuple[Path, RenderReport]] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)
    shows: set[Path] = field(default_factory=set)  # the show files they were rendered with


def _read_reports(folder: Path) -> _Folder:
    found = _Folder()
    for candidate in sorted(folder.glob("*.json")):
        if candidate.name.endswith((SUFFIXES["chapters"], SUFFIXES["transcript"])):
            continue
        try:
            report = RenderReport.read(candidate, MAX_REPORT_BYTES)
        except (OSError, InputError):
            continue  # not a render report (or not a readable one)
        named = {_plain_name(report.audio.file), _plain_name(report.files.get("mp3"))} - {None}
        if not named:
            continue
        found.claimed.add(candidate.name)
        if report.show_file:
            found.shows.add((folder / report.show_file).resolve())
        found.claimed.update(n for n in map(_plain_name, report.files.values()) if n)
        for name in sorted(n for n in named if n):
            found.by_mp3.setdefault(name, (candidate, report))
    return found


class Reports:
    """The render reports of the folders being checked, each folder read once."""

    def __init__(self) -> None:
        self._folders: dict[Path, _Folder] = {}

    def _folder(self, folder: Path) -> _Folder:
        key = folder.absolute()
        if key not in self._folders:
            self._folders[key] = _read_reports(folder)
        return self._folders[key]

    def show(self, folder: Path) -> Path | None:
        """The show file the folder's episodes were rendered with, when they agree on one."""
        shows = [s for s in self._folder(folder).shows if s.is_file()]
        return shows[0] if len(shows) == 1 else None

    def of(self, mp3: Path) -> tuple[Path, RenderReport] | None:
        """The render report that names `mp3`, with the file it is in."""
        return self._folder(mp3.parent).by_mp3.get(mp3.name)

    def rendered(self, folder: Path) -> list[tuple[Path, RenderReport]]:
        """Every render report in `folder`, with the file it is in."""
        found = {path: report for path, report in self._folder(folder).by_mp3.values()}
        return sorted(found.items(), key=lambda pair: pair[0])

    def synthetic(self, mp3: Path) -> bool | None:
        """Whether the render of `mp3` synthesized any voice; None without a report."""
        report = self.of(mp3)
        if report is None:
            return None
        return report[1].synthesis.sentences > 0

    def find(self, mp3: Path) -> Sidecars:
        """The sidecar files of `mp3` that exist, and its render report when there is one."""
        found = Sidecars()
        report = self.of(mp3)
        if report is not None:
            found.report, data = report
            for kind, name in data.files.items():
                plain = _plain_name(name)
                if plain:
                    found.report_files[kind] = plain
            for kind in SUFFIXES:
                named = found.report_files.get(kind)
                if named and (mp3.parent / named).is_file():
                    found.files[kind] = mp3.parent / named
            return found
        claimed = self._folder(mp3.parent).claimed
        for kind, suffix in SUFFIXES.items():
            path = mp3.with_name(mp3.stem + suffix)
            if path.name not in claimed and path.is_file():
                found.files[kind] = path
        return found


def check_report(report: Path, names: dict[str, str], result: FileResult) -> None:
    result.ran("report-files")
    missing = sorted(name for name in names.values() if not (report.parent / name).is_file())
    if missing:
        result.add(
            "report-files",
            f"the render report lists files that are not beside it: {', '.join(missing)};"
            " copy or upload every file the render wrote",
        )


# --- reading ------------------------------------------------------------------------------


def _text(path: Path, result: FileResult, rule: str) -> str | None:
    try:
        data = read_capped(path)
    except (OSError, TooLarge) as exc:
        result.add(rule, f"cannot read it ({exc})")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.add(rule, f"not UTF-8 (byte {exc.start:,}); save it as UTF-8")
        return None


@dataclass(frozen=True)
class Cue:
    number: int  # 1-based position in the file
    start: float  # ms
    end: float
    lines: tuple[str, ...]


def _timing_problems(cues: list[Cue], what: str, result: FileResult, rule: str) -> None:
    previous = None
    for cue in cues:
        if cue.end <= cue.start:
            result.add(
                rule,
                f"{what} {cue.number} at {clock(cue.start)} ends ({clock(cue.end)}) before it"
                " starts; fix its timing line",
            )
        if previous is not None and cue.start < previous.start:
            result.add(
                rule,
                f"{what} {cue.number} starts at {clock(cue.start)}, before {what}"
                f" {previous.number} ({clock(previous.start)}); sort the cues by start time",
            )
        previous = cue


def _after_end(cues: list[Cue], audio: Audio, result: FileResult, rule: str, what: str) -> None:
    duration = audio.duration_ms
    if duration is None:
        result.skip([rule], "no MPEG audio to compare with")
        return
    result.ran(rule)
    late = [c for c in cues if c.end > duration + SLACK_MS]
    if late:
        cue = late[-1]
        result.add(
            rule,
            f"{what} {cue.number} ends at {clock(cue.end)}, after the audio"
            f" ({clock(duration)}){f' (and {len(late) - 1} more)' if len(late) > 1 else ''};"
            " it belongs to another version of the episode: write it again from this render",
        )


# --- WebVTT -------------------------------------------------------------------------------


def check_vtt(path: Path, audio: Audio | None, result: FileResult) -> None:
    text = _text(path, result, "vtt-format")
    rules = ["vtt-order", "vtt-lines", "vtt-voice", "vtt-after-end"]
    if text is None:
        result.skip(rules, "the file cannot be read")
        return
    result.ran("vtt-format")
    first = text.split("\n", 1)[0].rstrip("\r")
    if not vtt.HEADER.fullmatch(first):
        result.add(
            "vtt-format",
            f"the first line is {quote(first)}, not 'WEBVTT'; start the file with WEBVTT",
        )
        result.skip(rules, "not a WebVTT file")
        return
    cues = _cues(
        [(b.times, b.lines, f"{quote(b.timing)} is not a timing line (HH:MM:SS.mmm -->"
          " HH:MM:SS.mmm); fix it") for b in vtt.blocks(text) if not b.note],
        "vtt", "write the transcript's cues after the WEBVTT line", rules, result,
    )  # fmt: skip
    if cues is None:
        return
    long = [(c, line) for c in cues for line in c.lines if shown_length(line) > vtt.LINE]
    if long:
        cue, line = long[0]
        result.add(
            "vtt-lines",
            f"{len(long)} line(s) showing more than {vtt.LINE} characters, the first in cue"
            f" {cue.number} ({shown_length(line)}: {quote(line, 40)}); wrap the text",
        )
    result.ran("vtt-voice")
    unnamed = [c for c in cues if not any(re.match(r"\s*<v[ .]", line) for line in c.lines)]
    if unnamed:
        result.add(
            "vtt-voice",
            f"{len(unnamed)} of {len(cues)} cues have no <v Speaker> voice tag (the first is"
            f" cue {unnamed[0].number}); start each cue with <v Name>",
        )
    if audio is not None:
        _after_end(cues, audio, result, "vtt-after-end", "cue")


def _cues(
    blocks: list[tuple[tuple[int, int] | None, tuple[str, ...], str]],
    fmt: str,
    empty: str,
    rules: list[str],
    result: FileResult,
) -> list[Cue] | None:
    """A caption file's cues from its blocks (times or None, lines, what is wrong when the
    times are None), each bad block a `{fmt}-format` problem; then the cues' timing checked
    (`{fmt}-order`). None, with the other rules skipped, when there is no cue."""
    cues: list[Cue] = []
    for times, lines, wrong in blocks:
        if times is None:
            sep = ": " if wrong[0] != "(" else " "
            result.add(f"{fmt}-format", f"cue {len(cues) + 1}{sep}{wrong}")
            continue
        cues.append(Cue(len(cues) + 1, *times, lines))
    if not cues:
        result.add(f"{fmt}-format", f"no cues; {empty}")
        result.skip(rules, "no cues")
        return None
    result.ran(f"{fmt}-order")
    _timing_problems(cues, "cue", result, f"{fmt}-order")
    result.ran(f"{fmt}-lines")
    return cues


# --- SRT ----------------------------------------------------------------------------------


def check_srt(path: Path, audio: Audio | None, result: FileResult) -> None:
    text = _text(path, result, "srt-format")
    rules = ["srt-order", "srt-lines", "srt-after-end"]
    if text is None:
        result.skip(rules, "the file cannot be read")
        return
    result.ran("srt-format")
    cues = _cues(
        [(b.times, b.lines, f"({quote(b.first, 30)}) is not a number, a timing line"
          " (HH:MM:SS,mmm --> HH:MM:SS,mmm) and text; fix it") for b in srt.blocks(text)],
        "srt", "the file is empty or not SRT", rules, result,
    )  # fmt: skip
    if cues is None:
        return
    crowded = [
        c for c in cues if len(c.lines) > srt.LINES or any(len(x) > srt.LINE for x in c.lines)
    ]
    if crowded:
        result.add(
            "srt-lines",
            f"{len(crowded)} cue(s) have more than {srt.LINES} lines or lines over {srt.LINE}"
            f" characters (the first is cue {crowded[0].number}); split them",
        )
    if audio is not None:
        _after_end(cues, audio, result, "srt-after-end", "cue")


# --- JSON sidecars ------------------------------------------------------------------------


def _json(path: Path, result: FileResult, rule: str) -> Any:
    text = _text(path, result, rule)
    if text is None:
        return None
    try:
        return load_json(text)
    except ValueError as exc:
        result.add(rule, f"not valid JSON ({exc}); write it again")
        return None


def check_chapters(path: Path, audio: Audio | None, result: FileResult) -> None:
    rules = ["chapters-json-after-end", "chapters-json-mismatch"]
    data = _json(path, result, "chapters-json-format")
    result.ran("chapters-json-format")
    if data is None:
        result.skip(rules, "the file cannot be read")
        return
    chapters = chapters_json.entries(data)
    if chapters is None:
        listed = data.get("chapters") if isinstance(data, dict) else None
        version = data.get("version") if isinstance(data, dict) else None
        result.add(
            "chapters-json-format",
            f"not Podcasting 2.0 chapters 1.2.0 (version {quote(str(version))}, chapters"
            f" {'a list' if isinstance(listed, list) else 'missing'}); write"
            ' {"version": "1.2.0", "chapters": [{"startTime": 0, "title": ...}]}',
        )
        result.skip(rules, "not a chapters file")
        return
    good: list[tuple[float, str]] = []
    for n, item in enumerate(chapters, 1):
        read = chapters_json.entry(item)
        if read is None:
            result.add(
                "chapters-json-format",
                f"chapter {n} needs a numeric startTime (seconds), a title and, if given, a"
                " numeric endTime",
            )
            continue
        start, title = read
        if good and start < good[-1][0]:
            result.add(
                "chapters-json-format",
                f"chapter {n} starts at {start:g} s, before chapter {n - 1}; sort them by start",
            )
        good.append((start, title))
    if audio is None or audio.duration_ms is None:
        result.skip(rules, "no MPEG audio to compare with")
        return
    result.ran("chapters-json-after-end")
    duration = audio.duration_ms / 1000
    late = [(n, s) for n, (s, _) in enumerate(good, 1) if s >= duration]
    if late:
        n, start = late[0]
        result.add(
            "chapters-json-after-end",
            f"chapter {n} starts at {start:g} s, at or after the end of the audio"
            f" ({duration:.3f} s); write the chapters again from this render",
        )
    if audio.chapters is None:
        result.skip(["chapters-json-mismatch"], "the MP3 has no readable ID3 tag")
        return
    result.ran("chapters-json-mismatch")
    tagged = [(c.start_ms / 1000, c.title) for c in audio.chapters]
    if len(tagged) != len(good):
        result.add(
            "chapters-json-mismatch",
            f"{len(good)} chapter(s) here but {len(tagged)} CHAP frame(s) in the MP3; write"
            " both from the same render",
        )
        return
    for n, ((start, title), (tag_start, tag_title)) in enumerate(zip(good, tagged, strict=True), 1):
        if abs(start - tag_start) > CHAPTER_SLACK_S or title.strip() != tag_title.strip():
            result.add(
                "chapters-json-mismatch",
                f"chapter {n} is {quote(title, 40)} at {start:g} s here but {quote(tag_title, 40)}"
                f" at {tag_start:g} s in the MP3's CHAP frames; write both from the same render",
            )


def check_transcript(path: Path, audio: Audio | None, result: FileResult) -> None:
    data = _json(path, result, "transcript-json-format")
    result.ran("transcript-json-format")
    if data is None:
        result.skip(["transcript-json-after-end"], "the file cannot be read")
        return
    segments = transcript_json.segments(data)
    if segments is None:
        result.add(
            "transcript-json-format",
            'not a JSON transcript 1.0.0; write {"version": "1.0.0", "segments": [{"speaker",'
            ' "startTime", "endTime", "body"}]}',
        )
        result.skip(["transcript-json-after-end"], "not a JSON transcript")
        return
    cues: list[Cue] = []
    for n, item in enumerate(segments, 1):
        read = transcript_json.segment(item)
        if read is None:
            result.add(
                "transcript-json-format",
                f"segment {n} needs numeric startTime and endTime (seconds) and a body",
            )
            continue
        start, end, body = read
        cues.append(Cue(n, start, end, (body,)))
    _timing_problems(cues, "segment", result, "transcript-json-format")
    if audio is not None:
        _after_end(cues, audio, result, "transcript-json-after-end", "segment")

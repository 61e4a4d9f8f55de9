"""The MP3 rules: the stream (STANDARDS 1-2), the ID3 tag and its cover (5-7, 18), the
chapter frames (8-9) and, when asked, loudness (3).

The stream facts come from `mpeg.scan` (the frames themselves); the tag is read with
mutagen without translating it, so the version and text encodings are the file's own.
Whatever the bytes, the result is findings, never an exception.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mutagen.id3 import ID3, CTOCFlags

from broadcast_kit import cover
from broadcast_kit.check import mpeg
from broadcast_kit.check.rules import Cause, FileResult, quote
from broadcast_kit.errors import BroadcastKitError
from broadcast_kit.formats.report import Chapter
from broadcast_kit.limits import MAX_ID3_FRAMES
from broadcast_kit.loudness import Goal, limiter_ceiling, target

COVER = Cause("show", ("cover",))  # an MP3 kit rendered embeds the show's cover
SLACK_MS = 50  # chapter and cue ends may pass the decoded end by MP3 rounding
NO_OFFSET = 0xFFFFFFFF
MAX_CHILDREN = 255

STREAM_RULES = [
    "mp3-layer",
    "mp3-sample-rate",
    "mp3-bitrate",
    "mp3-xing-header",
    "mp3-truncated",
    "mp3-corrupt",
]
TAG_RULES = [
    "id3-version",
    "id3-text-encoding",
    "id3-frames",
    "id3-genre",
    "id3-comment",
    "cover-missing",
    "cover-mime",
    "cover-size",
    "cover-color",
    "cover-description",
    "chapters-ids",
    "chapters-times",
    "chapters-end",
    "chapters-offsets",
    "chapters-title",
    "chapters-ctoc-missing",
    "chapters-ctoc-flags",
    "chapters-ctoc-children",
    "chapters-frame-order",
]
REQUIRED_FRAMES = {
    "TIT2": "the episode title",
    "TPE1": "the artist or host",
    "TALB": "the show's title",
    "TCON": "the genre (Podcast)",
}
ENCODINGS = {0: "Latin-1", 1: "UTF-16", 2: "UTF-16BE", 3: "UTF-8"}


class TaggedChapter(Chapter):
    """A chapter as an ID3 CHAP frame holds it: the one chapter model, with its element ID."""

    element_id: str

    @classmethod
    def of(cls, element_id: str, start_ms: int, end_ms: int, title: str) -> TaggedChapter:
        # not validated: the rules below say what is wrong with a file's chapters
        return cls.model_construct(
            element_id=element_id, start_ms=start_ms, end_ms=end_ms, title=title
        )


@dataclass
class Audio:
    """What the sidecar and feed checks need to know about an MP3."""

    path: Path
    size: int = 0
    stream: mpeg.Stream | None = None
    chapters: list[TaggedChapter] | None = None  # None when there is no readable tag

    @property
    def duration_ms(self) -> float | None:
        return None if self.stream is None else self.stream.duration * 1000


@dataclass
class _Tag:
    id3: Any
    version: tuple[int, int]
    frames: list[Any] = field(default_factory=list)


def clock(ms: float) -> str:
    seconds = max(ms, 0) / 1000
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h)}:{int(m):02d}:{s:06.3f}" if h else f"{int(m)}:{s:06.3f}"


def check(path: Path, result: FileResult, loudness: Goal | None = None) -> Audio:
    audio = Audio(path)
    try:
        audio.size = path.stat().st_size
        audio.stream = mpeg.scan(path)
    except mpeg.NotMpeg as exc:
        result.add(
            "mp3-not-mpeg",
            f"{exc}; encode it as MP3 (ffmpeg -i IN -c:a libmp3lame -b:a 128k OUT.mp3)",
        )
        result.skip([*STREAM_RULES, "loudness-integrated", "loudness-true-peak"], "no MPEG audio")
    except (OSError, ValueError) as exc:  # mmap raises ValueError on special files
        result.add("mp3-not-mpeg", f"cannot read it ({exc}); check the file's permissions")
        result.skip(
            [*STREAM_RULES, *TAG_RULES, "id3-missing", "id3-unreadable"], "the file is unreadable"
        )
        return audio
    else:
        result.ran("mp3-not-mpeg")
        _stream_rules(audio.stream, result)
    _tag_rules(path, audio, result)
    if loudness is not None and audio.stream is not None:
        _loudness(path, audio.stream, loudness, result)
    return audio


# --- the stream -----------------------------------------------------------------------------


def _stream_rules(stream: mpeg.Stream, result: FileResult) -> None:
    first = stream.first
    version = {1: "MPEG-1", 2: "MPEG-2", 25: "MPEG-2.5"}[first.version]
    reencode = "re-encode: ffmpeg -i IN -ar 44100 -c:a libmp3lame -b:a 128k OUT.mp3"
    if result.ran("mp3-layer") and (first.version, first.layer) != (1, 3):
        result.add(
            "mp3-layer", f"the audio is {version} Layer {'I' * first.layer}, not MPEG-1 Layer III;"
            f" {reencode}",
        )  # fmt: skip
    if result.ran("mp3-sample-rate") and first.sample_rate not in (44100, 48000):
        result.add(
            "mp3-sample-rate",
            f"the sample rate is {first.sample_rate / 1000:g} kHz, not 44.1 or 48 kHz; {reencode}",
        )
    if result.ran("mp3-bitrate") and stream.frames:
        seconds = stream.frames * first.samples / first.sample_rate
        kbps = (
            stream.audio_bytes * 8 / seconds / 1000 if stream.vbr else min(stream.bitrates or {0})
        )
        floor = 32 if first.channels == 1 else 64
        if kbps < floor:
            layout = "mono" if first.channels == 1 else "stereo"
            result.add(
                "mp3-bitrate",
                f"{'average ' if stream.vbr else ''}bitrate {kbps:.0f} kbit/s is below the"
                f" {floor} kbit/s floor for {layout}; encode at 96k mono or 128k stereo",
            )
    if result.ran("mp3-xing-header"):
        if stream.vbr and stream.vbr_header is None:
            rates = sorted(stream.bitrates)
            result.add(
                "mp3-xing-header",
                f"variable bitrate ({rates[0]}-{rates[-1]} kbit/s) without a Xing/Info header,"
                " so players get the duration and seeking wrong; encode to a file, not a pipe,"
                " so LAME writes the header, or encode at a constant bitrate",
            )
        elif stream.header_frames is not None and stream.header_frames < stream.frames - 1:
            result.add(
                "mp3-xing-header",
                f"the {stream.vbr_header} header counts {stream.header_frames} frames but the"
                f" file has {stream.frames}, so players stop early; re-encode the whole file"
                " rather than joining MP3s",
            )
    if result.ran("mp3-truncated"):
        if stream.missing_bytes:
            result.add(
                "mp3-truncated",
                f"the last frame is cut off ({stream.missing_bytes} bytes missing) after"
                f" {clock(stream.duration * 1000)}; the file was not copied or uploaded"
                " completely: copy it again from the render",
            )
        elif (
            stream.header_frames is not None
            and stream.header_frames > stream.frames + 1  # encoders differ by the header's own
            and stream.lost_sync_at is None
        ):
            expected = stream.header_frames * first.samples / first.sample_rate
            result.add(
                "mp3-truncated",
                f"the {stream.vbr_header} header counts {stream.header_frames} frames"
                f" ({clock(expected * 1000)}) but only {stream.frames} are there"
                f" ({clock(stream.duration * 1000)}): the file is cut off; copy it again",
            )
    if result.ran("mp3-corrupt"):
        if stream.junk:
            offset, length = stream.junk[0]
            more = f" (and {len(stream.junk) - 1} more places)" if len(stream.junk) > 1 else ""
            result.add(
                "mp3-corrupt",
                f"{length:,} bytes of non-audio data at byte {offset:,}{more}; players skip or"
                " stop there: re-encode from the source, do not join MP3 files",
            )
        if stream.lost_sync_at is not None:
            result.add(
                "mp3-corrupt",
                f"no MPEG frames after byte {stream.lost_sync_at:,}"
                f" ({clock(stream.duration * 1000)} into the audio); the rest of the file is"
                " not audio: re-encode from the source",
            )


# --- the tag ------------------------------------------------------------------------------


def _read_tag(path: Path, result: FileResult) -> _Tag | None:
    with open(path, "rb") as handle:
        head = handle.read(10)
    if head[:3] != b"ID3":
        result.add(
            "id3-missing",
            "no ID3v2 tag, so the title (TIT2), artist (TPE1), show (TALB), genre (TCON), date"
            " (TYER), description (COMM), cover art (APIC) and chapters are all missing; tag"
            " the file (kit render writes them all) and save it as ID3v2.3",
        )
        result.skip([*TAG_RULES, "id3-unreadable"], "no ID3v2 tag")
        return None
    result.ran("id3-missing")
    size = mpeg.id3v2_size(head)
    if size is None or size > mpeg.ID3V2_LIMIT:
        claimed = "an invalid size" if size is None else f"{size:,} bytes"
        result.add(
            "id3-unreadable",
            f"the ID3v2 tag header claims {claimed}; rewrite the tag with a tag editor",
        )
        result.skip(TAG_RULES, "the ID3 tag is unreadable")
        return None
    with open(path, "rb") as handle:
        frames = mpeg.id3v2_frames(handle.read(size), MAX_ID3_FRAMES)
    if frames > MAX_ID3_FRAMES:  # mutagen's reader takes minutes for 50,000 frames
        result.add(
            "id3-unreadable",
            f"the ID3v2 tag holds more than {MAX_ID3_FRAMES:,} frames (the limit; a tag with"
            " 255 chapters has about 300); rewrite it with a tag editor",
        )
        result.skip(TAG_RULES, "the ID3 tag is unreadable")
        return None
    try:
        id3 = ID3(path, translate=False, load_v1=False)
    except Exception as exc:  # mutagen raises many types on hostile bytes; all are findings
        result.add(
            "id3-unreadable",
            f"mutagen cannot parse the ID3v2 tag ({type(exc).__name__}: {exc});"
            " rewrite it with a tag editor",
        )
        result.skip(TAG_RULES, "the ID3 tag is unreadable")
        return None
    result.ran("id3-unreadable")
    tag = _Tag(id3, (id3.version[0], id3.version[1]))
    for frame in id3.values():
        tag.frames.append(frame)
        tag.frames.extend(getattr(frame, "sub_frames", {}).values())
    return tag


def _tag_rules(path: Path, audio: Audio, result: FileResult) -> None:
    tag = _read_tag(path, result)
    if tag is None:
        return
    id3 = tag.id3
    if result.ran("id3-version") and tag.version != (2, 3):
        result.add(
            "id3-version",
            f"the tag is ID3v2.{tag.version[1]}, not v2.3: FFmpeg and Apple drop v2.4 chapter"
            " frames with long titles; save it as v2.3 (mutagen: tags.update_to_v23();"
            " tags.save(path, v2_version=3))",
        )
    if result.ran("id3-text-encoding") and tag.version[1] <= 3:
        wrong = sorted(
            {
                f"{f.FrameID} ({ENCODINGS.get(int(f.encoding), f.encoding)})"
                for f in tag.frames
                if hasattr(f, "encoding") and int(f.encoding) not in (0, 1)
            }
        )
        if wrong:
            result.add(
                "id3-text-encoding",
                f"ID3v2.3 frames with an encoding v2.3 does not have: {', '.join(wrong)};"
                " use Latin-1 (0) or UTF-16 (1): save with mutagen's v2_version=3, which"
                " converts them",
            )
    _frame_rules(id3, result)
    _cover_rules(id3, result)
    audio.chapters = _chapter_rules(id3, audio, result)


def _text(id3: Any, frame_id: str) -> str:
    frames = id3.getall(frame_id)
    return " ".join(str(t) for f in frames for t in getattr(f, "text", [])).strip()


def _frame_rules(id3: Any, result: FileResult) -> None:
    if result.ran("id3-frames"):
        missing = [
            f"{key} ({what})" for key, what in REQUIRED_FRAMES.items() if not _text(id3, key)
        ]
        if not (_text(id3, "TYER") or _text(id3, "TDRC")):
            missing.append("TYER (the date's year; v2.4 calls it TDRC)")
        if missing:
            result.add(
                "id3-frames",
                f"missing or empty: {', '.join(missing)}; set them with a tag editor"
                " (kit render writes them from episode.yaml and show.yaml)",
            )
    if result.ran("id3-genre") and _text(id3, "TCON"):
        genres = [g for f in id3.getall("TCON") for g in f.genres]
        if "podcast" not in (g.lower() for g in genres):
            result.add(
                "id3-genre",
                f"the genre (TCON) is {quote(', '.join(genres))}, not 'Podcast'; set it to Podcast",
            )
    if result.ran("id3-comment") and not _text(id3, "COMM"):
        result.add(
            "id3-comment",
            "no description (COMM frame); add the episode's description (description: in"
            " episode.yaml)",
            cause=Cause("episode", ("description",)),
        )


def _cover_rules(id3: Any, result: FileResult) -> None:
    pictures = id3.getall("APIC")
    fronts = [p for p in pictures if int(p.type) == 3]
    result.ran("cover-missing")
    if not fronts:
        others = ", ".join(sorted({str(int(p.type)) for p in pictures}))
        hint = (
            f" (there is a picture of type {others}; set its type to 3, front cover)"
            if pictures
            else ""
        )
        result.add(
            "cover-missing",
            f"no front cover (APIC picture type 3){hint}; add the show's cover art as the"
            " front cover (kit render uses show.yaml's cover:)",
        )
        result.skip(
            ["cover-mime", "cover-size", "cover-color", "cover-description"], "no front cover"
        )
        return
    if len(fronts) > 1:
        result.add("cover-missing", f"{len(fronts)} front covers (APIC type 3); keep one")
    picture = fronts[0]
    image = cover.inspect(bytes(picture.data))
    if result.ran("cover-mime"):
        if image is None:
            result.add(
                "cover-mime",
                f"the cover's bytes are neither JPEG nor PNG (they start with"
                f" {bytes(picture.data[:8])!r}); embed a JPEG or PNG image",
            )
        elif picture.mime != image.mime:
            result.add(
                "cover-mime",
                f"the cover is labelled {quote(picture.mime)} but its bytes are"
                f" {image.mime}; set the APIC MIME type to {image.mime}",
            )
    too_large = cover.size_problem(len(picture.data))
    if too_large is not None and result.ran("cover-size"):
        result.add("cover-size", f"the embedded cover {too_large}", cause=COVER)
    if image is None:
        result.skip(["cover-size", "cover-color"], "the cover is not a JPEG or PNG image")
    else:
        if result.ran("cover-size"):
            for problem in image.problems():
                result.add(
                    "cover-size",
                    f"the cover {problem}; use a square image of 1400-3000 px (3000 is best)",
                    cause=COVER,
                )
        for problem in image.color_problems() if result.ran("cover-color") else []:
            result.add(
                "cover-color",
                f"the cover {problem}; save it as an RGB JPEG or PNG without transparency",
                cause=COVER,
            )
    if result.ran("cover-description") and len(picture.desc) > 64:
        result.add(
            "cover-description",
            f"the cover's description is {len(picture.desc)} characters; shorten it to 64 or"
            " fewer (e.g. 'Cover')",
        )


def _chapter_rules(id3: Any, audio: Audio, result: FileResult) -> list[TaggedChapter]:
    frames = id3.getall("CHAP")
    chapters = sorted(
        (
            TaggedChapter.of(
                str(f.element_id),
                int(f.start_time),
                int(f.end_time),
                _text(f.sub_frames, "TIT2") if "TIT2" in f.sub_frames else "",
            )
            for f in frames
        ),
        key=lambda c: (c.start_ms, c.end_ms),
    )
    tocs = id3.getall("CTOC")
    for rule in ("chapters-ids", "chapters-times", "chapters-end", "chapters-offsets"):
        result.ran(rule)
    result.ran("chapters-title")
    counts = Counter(c.element_id for c in chapters)  # linear: a tag may hold 50,000 CHAPs
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        result.add(
            "chapters-ids",
            f"CHAP element IDs used twice: {', '.join(map(quote, duplicates))}; give each"
            " chapter its own ID (e.g. ch0, ch1, ...)",
        )
    if chapters and chapters[0].start_ms != 0:
        result.add(
            "chapters-times",
            f"the first chapter {quote(chapters[0].title)} starts at"
            f" {clock(chapters[0].start_ms)}, not 0; start it at 0 or add an opening chapter",
        )
    for c in chapters:
        if c.start_ms >= c.end_ms:
            result.add(
                "chapters-times",
                f"chapter {quote(c.title or c.element_id)} ends ({clock(c.end_ms)}) before it"
                f" starts ({clock(c.start_ms)}); set its end time (mutagen's default end is 0)",
            )
    duration = audio.duration_ms
    if duration is None:
        result.skip(["chapters-end"], "no MPEG audio to measure")
    else:
        for c in chapters:
            if c.end_ms > duration + SLACK_MS:
                result.add(
                    "chapters-end",
                    f"chapter {quote(c.title or c.element_id)} ends at {clock(c.end_ms)}, after"
                    f" the audio ({clock(duration)}); end every chapter by the end of the audio",
                )
    offsets = [f for f in frames if (f.start_offset, f.end_offset) != (NO_OFFSET, NO_OFFSET)]
    if offsets:
        result.add(
            "chapters-offsets",
            f"{len(offsets)} CHAP frame(s) give byte offsets; set both to 0xFFFFFFFF so"
            " players use the times",
        )
    stored = [(int(f.start_time), int(f.end_time)) for f in frames]  # in file order
    result.ran("chapters-frame-order")
    if stored != sorted(stored):
        names = [_text(f.sub_frames, "TIT2") or str(f.element_id) for f in frames]
        result.add(
            "chapters-frame-order",
            f"the CHAP frames are stored out of time order ({', '.join(map(quote, names[:5]))}"
            f"{', ...' if len(names) > 5 else ''}), so ffmpeg-based players list them in that"
            " order; store them by start time (mutagen orders frames by size: reorder them"
            " after saving, or render again)",
        )
    untitled = [c.element_id for c in chapters if not c.title]
    if untitled:
        result.add(
            "chapters-title",
            f"chapters without a TIT2 title: {', '.join(map(quote, untitled))}; give each a"
            " title sub-frame",
        )
    _toc_rules(tocs, chapters, result)
    return chapters


def _toc_rules(tocs: list[Any], chapters: list[TaggedChapter], result: FileResult) -> None:
    rules = ["chapters-ctoc-missing", "chapters-ctoc-flags", "chapters-ctoc-children"]
    if not chapters and not tocs:
        for rule in rules:
            result.ran(rule)
        return
    result.ran("chapters-ctoc-missing")
    if not tocs:
        result.add(
            "chapters-ctoc-missing",
            f"{len(chapters)} CHAP frame(s) but no CTOC, so Overcast and others show no"
            " chapters; add a CTOC listing them (flags TOP_LEVEL | ORDERED)",
        )
        result.skip(rules[1:], "no CTOC frame")
        return
    top = [t for t in tocs if int(t.flags) & CTOCFlags.TOP_LEVEL] or tocs[:1]
    toc = top[0]
    if result.ran("chapters-ctoc-flags") and int(toc.flags) & 3 != 3:
        result.add(
            "chapters-ctoc-flags",
            f"the CTOC flags are {int(toc.flags)}, not TOP_LEVEL | ORDERED (3), so readers"
            " ignore it; set them (mutagen: flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,"
            " whose default is 0)",
        )
    if result.ran("chapters-title") and not _text(toc.sub_frames, "TIT2"):
        result.add("chapters-title", "the CTOC has no TIT2 title; add one (e.g. 'Chapters')")
    if not result.ran("chapters-ctoc-children"):
        return
    children = [str(c) for c in toc.child_element_ids]
    in_order = [c.element_id for c in chapters]
    chapter_ids, listed_ids = set(in_order), set(children)  # lookups in sets keep this linear
    if len(top) > 1:
        result.add(
            "chapters-ctoc-children",
            f"{len(top)} top-level CTOC frames; keep one that lists every chapter",
        )
    unknown = [c for c in children if c not in chapter_ids]
    if unknown:
        result.add(
            "chapters-ctoc-children",
            f"the CTOC lists IDs with no CHAP frame: {', '.join(map(quote, unknown[:5]))};"
            " list only existing chapters",
        )
    if len(children) > MAX_CHILDREN:
        result.add(
            "chapters-ctoc-children",
            f"the CTOC lists {len(children)} chapters; at most {MAX_CHILDREN} fit, merge some",
        )
    listed = [c for c in children if c in chapter_ids]
    if not unknown and listed != in_order:
        missing = [c for c in in_order if c not in listed_ids]
        problem = (
            f"leaves out {', '.join(map(quote, missing[:5]))}"
            if missing
            else "lists the chapters out of time order"
        )
        result.add(
            "chapters-ctoc-children",
            f"the CTOC {problem}; list every CHAP ID in time order",
        )


# --- loudness -----------------------------------------------------------------------------


def _loudness(path: Path, stream: mpeg.Stream, goal: Goal, result: FileResult) -> None:
    # only --loudness runs ffmpeg; the rest of kit check reads the bytes itself
    from broadcast_kit import ffmpeg

    channels = stream.first.channels
    aim = goal.for_channels(channels)
    try:
        lufs, peak = ffmpeg.measure(path)
    except BroadcastKitError as exc:
        result.add("loudness-integrated", f"could not measure the loudness ({exc})")
        result.skip(["loudness-true-peak"], "the loudness could not be measured")
        return
    layout = "mono" if channels == 1 else "stereo"
    if lufs == float("-inf"):
        result.add("loudness-integrated", "the audio is silent: it has no measurable loudness")
        result.ran("loudness-true-peak")
        return
    off = lufs - aim.loudness
    if result.ran("loudness-integrated") and abs(off) > goal.tolerance:
        result.add(
            "loudness-integrated",
            f"integrated loudness {lufs:.1f} LUFS is {off:+.1f} LU off the"
            f" {aim.loudness:g} LUFS target for {layout} (tolerance {goal.tolerance:g} LU);"
            f" apply {-off:+.1f} dB of gain with a true-peak limiter (kit render"
            " masters to the target), or set check: loudness: in show.yaml",
        )
    if result.ran("loudness-true-peak") and peak > aim.true_peak:
        held = limiter_ceiling(target(goal.preset, channels))
        result.add(
            "loudness-true-peak",
            f"true peak {peak:.1f} dBTP is above {aim.true_peak:g} dBTP; limit the true peak"
            f" (kit render's limiter holds {held:g}) before encoding",
        )

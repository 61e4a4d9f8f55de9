"""Publishing that platforms trust (issue 21): chapters stored in time order, a render that
owns only its own files, the AI disclosure, the Podcasting 2.0 tags and the warnings for
silent defaults, each rendered with the fake engine and read back as apps read it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from broadcast_kit import ffmpeg
from broadcast_kit.check import runner
from broadcast_kit.render import pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import write_episode

LONG_TITLE = "A first chapter whose title is much longer than the second one's"


def chapters_as_ffmpeg_lists_them(mp3: Path) -> list[tuple[int, str]]:
    """(start ms, title) of every chapter, in the order the bundled ffmpeg reads them."""
    out = subprocess.run(
        [ffmpeg.executable(), "-v", "error", "-i", str(mp3), "-f", "ffmetadata", "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    found = re.findall(r"\[CHAPTER\]\nTIMEBASE=1/1000\nSTART=(\d+)\nEND=\d+\ntitle=(.*)", out)
    return [(int(start), title) for start, title in found]


def test_chap_frames_are_stored_in_time_order(
    show_dir: Path, tmp_path: Path, cache: SpeechCache
) -> None:
    episode = write_episode(
        show_dir,
        f"""\
        title: Chapters in order
        date: 2024-05-08
        description: Three chapters, the first with the longest title.
        segments:
          - chapter: {LONG_TITLE}
          - host: Good evening.
          - chapter: Short
          - host: The second part.
          - chapter: Mid-length title
          - host: The end.
        """,
    )
    result = pipeline.render(episode, tmp_path / "dist", cache=cache)
    mp3 = result.outputs["mp3"]
    listed = chapters_as_ffmpeg_lists_them(mp3)
    assert [title for _, title in listed] == [LONG_TITLE, "Short", "Mid-length title"]
    assert [start for start, _ in listed] == sorted(start for start, _ in listed)
    # the CTOC lists the same order, and kit check finds nothing out of order
    tags = ID3(mp3)
    stored = [frame.element_id for frame in tags.getall("CHAP")]
    assert tags.getall("CTOC")[0].child_element_ids == stored == ["ch0", "ch1", "ch2"]
    report = runner.run([mp3])
    assert report.findings == []
    assert "chapters-frame-order" in report.results[0].checked

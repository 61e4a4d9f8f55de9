"""Progress outside a terminal (a CI log): one line per stage with its counts, and during a
long stage a line every BROADCAST_KIT_PROGRESS_EVERY seconds (default 10) with how far it
has got and the time left; nothing about synthesis when every sentence is in the cache."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_episode

SENTENCES = [f"This is sentence number {n} of a story told slowly." for n in range(24)]


def render(episode: Path, out: Path, every: str | None, cache: Path) -> tuple[str, str]:
    """`kit render` as CI runs it: stdout and stderr written to files, not a terminal."""
    env = {**os.environ, "BROADCAST_KIT_CACHE_DIR": str(cache)}
    env.pop("BROADCAST_KIT_PROGRESS_EVERY", None)
    if every is not None:
        env["BROADCAST_KIT_PROGRESS_EVERY"] = every
    stdout, stderr = out.parent / "stdout.txt", out.parent / "stderr.txt"
    with stdout.open("w") as o, stderr.open("w") as e:
        code = subprocess.run(
            [sys.executable, "-m", "broadcast_kit", "render", str(episode), "--out", str(out)],
            stdout=o,
            stderr=e,
            env=env,
            timeout=300,
            check=False,
        ).returncode
    assert code == 0, stderr.read_text()
    return stdout.read_text(), stderr.read_text()


def test_a_render_piped_to_a_file_shows_stages_and_progress(show_dir: Path, tmp_path: Path) -> None:
    body = "title: Slow\ndate: 2024-01-02\ndescription: A slow one.\nsegments:\n  - chapter: One\n"
    body += "".join(f"  - host: {s}\n" for s in SENTENCES)
    episode = write_episode(show_dir, body)
    cache = tmp_path / "cache-progress"
    stdout, stderr = render(episode, tmp_path / "dist", "0", cache)
    assert "\x1b" not in stderr  # no terminal codes, no bar
    lines = stderr.splitlines()
    stages = [line for line in lines if not line.startswith("  ")]
    assert stages == [
        "loaded the episode and its show: 25 parts, 24 sentences in 1 voice, 1 chapter mark",
        "synthesizing 24 sentences",
        "mixing 0:00:45 of stereo audio and measuring its loudness",
        stages[3],
    ]
    assert re.fullmatch(
        r"mastering and encoding: gain [+-]\d+\.\d dB to -16 LUFS, 128 kbit/s stereo MP3",
        stages[3],
    )
    progress = [line for line in lines if line.startswith("  ")]
    pattern = r"  (\d+)/(\d+) (sentences synthesized|s of audio mixed|s of audio encoded),"
    pattern += r" \d+:\d\d so far, about \d+:\d\d left"
    found = [re.fullmatch(pattern, line) for line in progress]
    assert all(found), progress
    kinds = [m.group(3) for m in found if m]
    assert kinds.count("sentences synthesized") == 23  # 1..23 of 24: the last one is the end
    assert {"s of audio mixed", "s of audio encoded"} <= set(kinds)
    # each stage's lines come after its own stage line, counting up
    assert lines.index(stages[1]) < lines.index(progress[0]) < lines.index(stages[2])
    synthesized = [int(m.group(1)) for m in found if m and m.group(3) == "sentences synthesized"]
    assert synthesized == sorted(synthesized) and all(int(m.group(2)) == 24 for m in found[:23])
    assert "rendered 'Slow' (0:4" in stdout

    _, again = render(episode, tmp_path / "dist", "0", cache)
    assert "synthesiz" not in again  # every sentence came from the cache
    assert "24 sentences from the speech cache" in again.splitlines()


def test_progress_lines_wait_ten_seconds_by_default(show_dir: Path, tmp_path: Path) -> None:
    body = "title: Quick\ndate: 2024-01-02\nsegments:\n"
    body += "".join(f"  - host: {s}\n" for s in SENTENCES[:4])
    episode = write_episode(show_dir, body)
    _, stderr = render(episode, tmp_path / "dist", None, tmp_path / "cache-quick")
    assert [line for line in stderr.splitlines() if line.startswith("  ")] == []
    assert "synthesizing 4 sentences" in stderr.splitlines()

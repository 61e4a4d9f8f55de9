"""Bad input: one `error:` line naming the file, line or field and the fix; exit 2 for bad
input, 1 for failures; no traceback; nothing written to the output folder or the cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit.cli import app
from broadcast_kit.testing import FakeEngine
from tests.conftest import write_episode

runner = CliRunner()

GOOD = """\
    title: Episode
    date: 2024-01-02
    segments:
      - host: Good evening.
    """


def render(episode: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["render", str(episode), "--out", str(out), *extra])
    return result.exit_code, result.stdout, result.stderr


def assert_clean(out: Path, cache_root: Path) -> None:
    """Nothing half-written: no files in the output folder, no temp files in the cache."""
    leftovers = [p for p in out.rglob("*")] if out.exists() else []
    assert leftovers == []
    temps = [p for p in cache_root.rglob(".tmp-*")] if cache_root.exists() else []
    assert temps == []


def one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("title: [unclosed\n", "that starts at line 1"),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n   bad: indent\n",
            "episode.yaml:5: malformed YAML",
        ),
        (
            "title: x\ndate: 2024-01-02\ndescriptoin: typo\nsegments:\n  - host: hi\n",
            "episode.yaml:3: descriptoin: unknown field; did you mean 'description'?",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n"
            "  - interview: hello\n    speakr: a\n",
            "episode.yaml:6: segments[1].speakr: unknown field; did you mean 'speaker'?",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - hots: hi\n",
            "episode.yaml:4: segments[0]: a segment is a mapping with one of host, interview",
        ),
        ("title: x\ndate: not-a-date\nsegments:\n  - host: hi\n", "episode.yaml:2: date:"),
        ("date: 2024-01-02\nsegments:\n  - host: hi\n", "episode.yaml:1: title: required field"),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: '   '\n",
            "episode.yaml:4: host: empty text",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - interview: hello\n    speaker: shin\n",
            "episode.yaml:4: unknown voice 'shin'; defined voices: host, voxpop",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - music: nowhere.mp3\n  - host: hi\n",
            "episode.yaml:4: music file ep1/nowhere.mp3 does not exist",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - interview:\n    speaker: s\n"
            "    audio: gone.wav\n  - host: hi\n",
            "episode.yaml:4: audio file",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: festival}\nsegments:\n"
            "  - host: hi\n",
            "episode.yaml:4: voices.shin.engine: unknown engine 'festival'; installed engines:",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: fake, voice: deep}\n"
            "segments:\n  - interview: hi\n    speaker: shin\n",
            "voices.shin: unknown fake voice 'deep'; voices: low, mid, high",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: fake, pitch: 40}\n"
            "segments:\n  - host: hi\n",
            "episode.yaml:4: voices.shin.pitch:",
        ),
    ],
)
def test_bad_episode_is_one_clear_error(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, expected: str
) -> None:
    monkeypatch.chdir(show_dir)
    episode = write_episode(show_dir, body)
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    assert expected in one_error(stderr)
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def test_missing_episode_file(tmp_path: Path) -> None:
    code, _, stderr = render(tmp_path / "nope.yaml", tmp_path / "dist")
    assert code == 2
    assert "nope.yaml: no such file" in one_error(stderr)


def test_no_show_file(tmp_path: Path) -> None:
    episode = tmp_path / "lonely" / "episode.yaml"
    episode.parent.mkdir()
    episode.write_text("title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n")
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    assert "no show.yaml in its folder or any parent folder; create one or pass --show" in (
        one_error(stderr)
    )


def test_show_errors_name_the_show_file(show_dir: Path, tmp_path: Path) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("cover: cover.jpg", "cover: missing.png"))
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 2
    assert "show.yaml:7: cover file" in one_error(stderr)
    show.write_text(
        show.read_text()
        .replace("missing.png", "cover.jpg")
        .replace("email: owner@example.org", "email: nobody")
    )
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert "show.yaml:4: owner.email: 'nobody' is not an e-mail address" in one_error(stderr)


def test_music_that_is_not_audio(show_dir: Path, tmp_path: Path) -> None:
    (show_dir / "ep1").mkdir()
    (show_dir / "ep1" / "notes.mp3").write_text("this is not audio")
    episode = write_episode(
        show_dir, "title: x\ndate: 2024-01-02\nsegments:\n  - music: notes.mp3\n  - host: hi\n"
    )
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    line = one_error(stderr)
    assert "episode.yaml:4:" in line and "notes.mp3" in line and "is it an audio file?" in line
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def test_output_folder_not_writable(show_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should be")
    code, _, stderr = render(write_episode(show_dir, GOOD), blocker / "dist")
    assert code == 1
    assert "output folder" in one_error(stderr) and "--out" in stderr
    assert FakeEngine.spoken == []  # checked before any synthesis


def test_engine_failure_leaves_nothing(show_dir: Path, tmp_path: Path) -> None:
    FakeEngine.fail_with = "the fake engine is broken today"
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 1
    assert one_error(stderr) == "error: the fake engine is broken today"
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def test_debug_shows_the_traceback(show_dir: Path, tmp_path: Path) -> None:
    FakeEngine.fail_with = "boom"
    episode = write_episode(show_dir, GOOD)
    result = runner.invoke(app, ["--debug", "render", str(episode), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert result.exception is not None and "boom" in str(result.exception)


def test_gtts_unreachable_names_offline_engines(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gtts import gTTS, gTTSError

    def offline(self: gTTS, fp: object) -> None:
        raise gTTSError("Failed to connect. Probable cause: Unknown")

    monkeypatch.setattr(gTTS, "write_to_fp", offline)
    episode = write_episode(
        show_dir,
        GOOD.replace(
            "segments:", "voices:\n      host: {engine: gtts, voice: en, tld: co.uk}\n    segments:"
        ),
    )
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 1
    line = one_error(stderr)
    assert "could not reach Google's text-to-speech service" in line
    assert "engine: piper" in line and "espeak" in line
    assert_clean(tmp_path / "dist", tmp_path / "cache")

"""Hostile input, round three: files of the wrong kind where kit expects a file (a named
pipe nothing writes to, a symlink loop) and values a fuzzing sweep found mishandled. Each
gets one `error:` line naming the file and the fix, a non-zero exit, in bounded time, and
nothing written."""

from __future__ import annotations

import json
import os
import signal
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit.cli import app
from tests.conftest import write_episode

runner = CliRunner()
EPISODE = (
    "title: Odd Files\ndate: 2024-01-02\ndescription: One story.\nsegments:\n"
    "  - host: Good evening. The talks resumed today.\n"
)


def kit(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output and "unexpected" not in result.stderr, result.stderr
    return result.exit_code, [line for line in result.stderr.splitlines() if line.strip()]


def only_error(said: list[str]) -> str:
    errors = [line for line in said if line.startswith("error:")]
    assert len(errors) == 1, said
    return errors[0]


@pytest.mark.timeout(20)
def test_an_episode_file_that_is_a_named_pipe_is_refused_not_waited_on(
    show_dir: Path, tmp_path: Path
) -> None:
    """open() of a FIFO that nothing writes to blocks for ever: the render hung."""
    episode = write_episode(show_dir, EPISODE)
    episode.unlink()
    os.mkfifo(episode)
    out = tmp_path / "dist"
    code, said = kit("render", str(episode), "--out", str(out))
    error = only_error(said)
    assert code == 2 and "episode.yaml: is a named pipe with nothing writing into it" in error
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.timeout(20)
def test_a_show_file_that_is_a_named_pipe_is_refused(show_dir: Path, tmp_path: Path) -> None:
    episode = write_episode(show_dir, EPISODE)
    pipe = tmp_path / "show.yaml"
    os.mkfifo(pipe)
    code, said = kit("render", str(episode), "--show", str(pipe), "--out", str(tmp_path / "d"))
    assert code == 2 and "show.yaml: is a named pipe" in only_error(said)


def test_an_episode_file_that_is_a_symlink_loop_is_bad_input(
    show_dir: Path, tmp_path: Path
) -> None:
    """Path.resolve() raises RuntimeError on a loop (Python 3.11): it was 'unexpected
    RuntimeError: Symlink loop'."""
    episode = write_episode(show_dir, EPISODE)
    episode.unlink()
    episode.symlink_to("episode.yaml")
    code, said = kit("render", str(episode), "--out", str(tmp_path / "dist"))
    error = only_error(said)
    assert code == 2 and "episode.yaml: cannot read it" in error and "symbolic links" in error


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("title", '"\\u200b\\u200b"'),  # zero-width spaces
        ("title", '"\\u202e\\u2060 \\ufeff"'),  # a bidi override, a word joiner, a BOM
        ("title", '"\\u3164"'),  # the Hangul filler, a letter that shows as nothing
        ("segments[0].chapter", '"\\u200d"'),  # a zero-width joiner as a chapter's title
    ],
    ids=["zero-width", "format-characters", "hangul-filler", "chapter"],
)
def test_a_title_with_no_visible_characters_is_refused(
    show_dir: Path, tmp_path: Path, field: str, written: str
) -> None:
    """It rendered, and the feed and apps listed an episode or chapter with a blank title."""
    if field == "title":
        body = EPISODE.replace("title: Odd Files", f"title: {written}")
    else:
        body = EPISODE.replace("segments:\n", f"segments:\n  - chapter: {written}\n")
    out = tmp_path / "dist"
    code, said = kit("render", str(write_episode(show_dir, body)), "--out", str(out))
    error = only_error(said)
    assert code == 2 and f"{field}: has no visible characters (only U+" in error, error
    assert "write it out" in error and not out.exists()


def test_titles_in_other_scripts_and_with_emoji_still_render(
    show_dir: Path, tmp_path: Path
) -> None:
    body = EPISODE.replace("title: Odd Files", 'title: "مرحبا \\u200f👩\\u200d👩\\u200d👧 한국"')
    out = tmp_path / "dist"
    code, said = kit("render", str(write_episode(show_dir, body)), "--out", str(out), "-q")
    assert code == 0, said


@pytest.mark.parametrize("field", ["duration_ms", "chapters"])
def test_kit_feed_refuses_a_report_with_an_enormous_time(
    show_dir: Path, tmp_path: Path, field: str
) -> None:
    """A hand-edited report's duration_ms of 10**400 was 'unexpected OverflowError' (integer
    division too large for a float) in kit feed; now the field is named."""
    out = tmp_path / "dist"
    code, said = kit("render", str(write_episode(show_dir, EPISODE)), "--out", str(out), "-q")
    assert code == 0, said
    report = json.loads((out / "ep1.json").read_text(encoding="utf-8"))
    if field == "duration_ms":
        report["duration_ms"] = 10**400
    else:
        report["chapters"][0]["end_ms"] = 10**400
    (out / "ep1.json").write_text(json.dumps(report), encoding="utf-8")
    code, said = kit("feed", "--out", str(out))
    error = only_error(said)
    assert code == 2 and "ep1.json: " in error and "less than or equal to 9007199254740991" in error
    assert not (out / "feed.xml").exists() and not (out / "index.html").exists()


@pytest.mark.parametrize("field", ["number", "season"])
def test_an_episode_number_past_what_apps_keep_is_refused(
    show_dir: Path, tmp_path: Path, field: str
) -> None:
    """number: 99999999999999999999999 rendered, into TRCK and itunes:episode, which apps
    keep as a 32-bit integer; 2**31 - 1 still renders."""
    out = tmp_path / "dist"
    body = EPISODE.replace("date:", f"{field}: 99999999999999999999999\ndate:")
    code, said = kit("render", str(write_episode(show_dir, body)), "--out", str(out))
    error = only_error(said)
    assert code == 2 and f"{field}: Input should be less than or equal to 2147483647" in error
    assert not out.exists()
    body = EPISODE.replace("date:", f"{field}: 2147483647\ndate:")
    code, said = kit("render", str(write_episode(show_dir, body)), "--out", str(out), "-q")
    assert code == 0, said


@pytest.mark.parametrize("line", ["\u200b\u200b", "...!?", "\u2014 \u2026"])
def test_kit_say_without_a_word_is_nothing_to_say(tmp_path: Path, line: str) -> None:
    """As in a script part, a line needs a word: zero-width spaces or only punctuation went
    to the engine (which speaks noise or nothing) and wrote a clip."""
    out = tmp_path / "clip.wav"
    code, said = kit("say", line, "--voice", "fake:low", "-o", str(out))
    assert code == 2 and only_error(said).startswith("error: nothing to say:")
    assert not out.exists()


@pytest.mark.parametrize(
    ("part", "field"),
    [
        ('  - host: "Hello \\x1b[31mthere. Fine."', "segments[0].host"),
        ('  - voxpop: "Yes\\x07."', "segments[0].voxpop"),
        ('  - voxpop: "Yes."\n    speaker: "A\\x00 visitor"', "segments[0].speaker"),
        ('  - interview: "We met\\x08 at noon."\n    speaker: host', "segments[0].interview"),
    ],
    ids=["host", "voxpop", "voxpop-speaker", "interview"],
)
def test_control_characters_in_spoken_words_are_refused(
    show_dir: Path, tmp_path: Path, part: str, field: str
) -> None:
    """They went to the engine and raw into the VTT, SRT and JSON transcript (ESC, BEL,
    NUL), and kit check passed the files."""
    body = EPISODE.split("segments:\n")[0] + "segments:\n" + part + "\n"
    out = tmp_path / "dist"
    code, said = kit("render", str(write_episode(show_dir, body)), "--out", str(out))
    error = only_error(said)
    assert code == 2 and f"{field}: has a control character (U+00" in error, error
    assert error.endswith("remove it") and not out.exists()


@pytest.mark.parametrize(
    ("script", "where"),
    [
        ("HOST: Hello \x1b[31mthere.\n", "script.txt:1: host: has a control character (U+001B)"),
        ("HOST: Hello.\n\n## Bell\x07\n", "script.txt:3: chapter: has a control character"),
        ("VOXPOP(A\x1b visitor): Yes.\n", "script.txt:1: speaker: has a control character"),
    ],
    ids=["paragraph", "heading", "voxpop-description"],
)
def test_control_characters_in_a_script_file_name_the_line(
    show_dir: Path, tmp_path: Path, script: str, where: str
) -> None:
    """A script file is plain text, so raw control characters reach the parts: a chapter
    heading with one was 'unexpected ValidationError'."""
    episode = write_episode(
        show_dir, "title: Script\ndate: 2024-01-02\ndescription: d\nscript_file: script.txt\n"
    )
    (episode.parent / "script.txt").write_text(script, encoding="utf-8")
    out = tmp_path / "dist"
    code, said = kit("render", str(episode), "--out", str(out))
    assert code == 2 and where in only_error(said) and not out.exists()


def _drain(pipe: Path, into: list[bytes]) -> threading.Thread:
    """A reader for a named pipe (opening one to write waits for a reader)."""

    def read() -> None:
        with pipe.open("rb") as handle:
            into.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


@pytest.mark.timeout(30)
def test_kit_check_writes_its_report_into_a_pipe_and_never_replaces_it(
    show_dir: Path, tmp_path: Path
) -> None:
    """`-o /dev/stdout` or `-o /dev/null` in CI: the report's temp file replaced the device
    itself (as root, /dev/null became a regular file). A named pipe stands in for the
    device here: it is written into and is still a pipe afterwards."""
    out = tmp_path / "dist"
    code, said = kit("render", str(write_episode(show_dir, EPISODE)), "--out", str(out), "-q")
    assert code == 0, said
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = _drain(pipe, got)
    code, said = kit("check", str(out), "-f", "junit", "-o", str(pipe))
    reader.join(10)
    assert code == 0, said
    assert stat.S_ISFIFO(pipe.lstat().st_mode) and got and got[0].startswith(b"<?xml")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_kit_check_report_into_a_folder_is_bad_output(show_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    code, said = kit("render", str(write_episode(show_dir, EPISODE)), "--out", str(out), "-q")
    assert code == 0, said
    (tmp_path / "report").mkdir()
    code, said = kit("check", str(out), "-f", "junit", "-o", str(tmp_path / "report"))
    assert code == 1 and "report: cannot write the report (Is a directory)" in only_error(said)


@pytest.mark.parametrize("target", ["folder", "pipe", "clip.exe", "clip"])
def test_kit_say_refuses_an_out_that_is_not_a_clip_file(tmp_path: Path, target: str) -> None:
    """A folder was 'unexpected IsADirectoryError'; a device or pipe was replaced by the
    clip (/dev/full became a WAV file); any other name got a WAV under it."""
    out = tmp_path / (target if target.startswith("clip") else f"{target}.wav")
    if target == "folder":
        out.mkdir()
    elif target == "pipe":
        os.mkfifo(out)
    code, said = kit("say", "Hello.", "--voice", "fake:low", "-o", str(out))
    error = only_error(said)
    assert code == (2 if target.startswith("clip") else 1), said
    assert error.startswith(f"error: --out {out}: ") and ".wav or .mp3" in error
    assert out.is_dir() if target == "folder" else True
    assert stat.S_ISFIFO(out.lstat().st_mode) if target == "pipe" else True
    if target.startswith("clip"):
        assert not out.exists()
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "cache")  # the speech cache
    assert left == ([out.name] if out.exists() else [])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("what", ["music", "cover", "long-name"])
def test_a_music_or_cover_file_that_is_not_a_file_is_named(
    show_dir: Path, tmp_path: Path, what: str
) -> None:
    """A named pipe as the cover 'did not exist; did you mean cover.jpg?'; as music it went
    to ffmpeg; a name longer than the system allows was 'unexpected OSError'."""
    body = EPISODE.replace("segments:\n", "segments:\n  - music: theme.mp3\n    role: sting\n")
    episode = write_episode(show_dir, body)
    if what == "music":
        os.mkfifo(episode.parent / "theme.mp3")
        expected = "music file ep1/theme.mp3 is a device or a named pipe, not a file"
    elif what == "cover":
        (show_dir / "cover.jpg").unlink()
        os.mkfifo(show_dir / "cover.jpg")
        expected = "show.yaml:7: cover file cover.jpg is a device or a named pipe, not a file"
        episode.write_text(EPISODE, encoding="utf-8")
    else:
        episode.write_text(body.replace("theme.mp3", "a" * 300 + ".mp3"), encoding="utf-8")
        expected = "cannot be opened (File name too long)"
    out = tmp_path / "dist"
    result = runner.invoke(app, ["render", str(episode), "--out", str(out)])
    assert "unexpected" not in result.stderr, result.stderr
    error = only_error(result.stderr.splitlines())
    assert result.exit_code == 2 and expected in error.replace(str(show_dir) + "/", ""), error
    assert not out.exists()


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        ("--title", "Bell\x07", "error: --title: has a control character (U+0007); remove it"),
        ("--author", "A\x1b[31m", "error: --author: has a control character (U+001B)"),
        ("--title", "<b>Bold</b>", "error: --title: has HTML markup ('<b>')"),
        ("--title", "\u200b", "error: --title: has no visible characters"),
    ],
    ids=["bell", "escape", "markup", "invisible"],
)
def test_kit_init_refuses_a_title_the_show_file_could_not_hold(
    tmp_path: Path, flag: str, value: str, expected: str
) -> None:
    """A control character went into show.yaml, which YAML refused to read back:
    'unexpected ReaderError'; nothing is written now."""
    code, said = kit("init", str(tmp_path / "show"), flag, value)
    assert code == 2 and only_error(said).startswith(expected), said
    assert not (tmp_path / "show").exists()


def test_kit_init_takes_a_title_with_a_line_break_as_one_line(tmp_path: Path) -> None:
    """The second line left the show file's first comment and became YAML: 'unexpected
    ScannerError'."""
    code, said = kit("init", str(tmp_path / "show"), "--title", "Two\nvoices: x")
    assert code == 0, said
    show = (tmp_path / "show" / "show.yaml").read_text(encoding="utf-8")
    assert 'title: "Two voices: x"' in show and "\nvoices: x" not in show


def test_a_batch_with_a_symlink_loop_renders_the_others(show_dir: Path, tmp_path: Path) -> None:
    """Finding the episodes resolved every path: a loop was 'unexpected RuntimeError' and
    no episode rendered."""
    write_episode(show_dir, EPISODE, slug="good")
    (show_dir / "loop").mkdir()
    (show_dir / "loop" / "episode.yaml").symlink_to("episode.yaml")
    out = tmp_path / "dist"
    code, said = kit("render", str(show_dir), "--out", str(out), "--keep-going", "-q")
    error = only_error(said)
    assert code == 1 and "loop/episode.yaml: cannot read it" in error, said
    assert (out / "good.json").is_file()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("title: [\n", "the '[' opened on line 1 is not closed"),
        ("title: x\nsegments: [{a: '[', b: [\n", "the '[' opened on line 2 is not closed"),
        ("title: {\n", "the '{' opened on line 1 is not closed"),
    ],
    ids=["end-of-file", "nested", "mapping"],
)
def test_a_bracket_left_open_at_the_end_is_named(show_dir: Path, body: str, expected: str) -> None:
    """With nothing after it, an open '[' was reported as "the '{' opened on line 2"."""
    code, said = kit("segment", str(write_episode(show_dir, body)))
    assert code == 2 and expected in only_error(said), said


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file-size limits")
@pytest.mark.timeout(60)
def test_a_render_that_runs_out_of_space_says_so_and_leaves_nothing(
    show_dir: Path, tmp_path: Path
) -> None:
    """A full disk (here: a file-size limit, which fails writes the same way, with EFBIG)
    was 'unexpected OSError: [Errno 28] No space left on device'."""
    import resource
    import subprocess
    import sys

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failing write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    episode = write_episode(show_dir, EPISODE)
    out = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, "-m", "broadcast_kit", "render", str(episode), "--out", str(out), "-q"],
        preexec_fn=limited,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1 and len(errors) == 1, done.stderr
    assert f"output folder {out}: File too large while writing the render" in errors[0]
    assert "unexpected" not in done.stderr and not out.exists()


@pytest.mark.parametrize("which", ["episode", "script"])
def test_a_file_that_is_not_utf8_names_the_line_and_the_fix(show_dir: Path, which: str) -> None:
    """It was "cannot read it ('utf-8' codec can't decode byte 0x96 in position 40: invalid
    start byte)": Python's words, a byte offset, no fix."""
    body = "title: Latin\ndate: 2024-01-02\ndescription: d\n"
    if which == "episode":
        episode = write_episode(show_dir, body)
        episode.write_bytes(
            episode.read_bytes() + "segments:\n  - host: Caf\xe9.\n".encode("cp1252")
        )
        expected = "episode.yaml:5: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    else:
        episode = write_episode(show_dir, body + "script_file: script.txt\n")
        (episode.parent / "script.txt").write_bytes("HOST: Hi.\n\nHOST: \u2013\n".encode("cp1252"))
        expected = "script.txt:3: not UTF-8 text (byte 0x96); save the file as UTF-8"
    code, said = kit("segment", str(episode))
    assert code == 2 and expected in only_error(said), said


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_nan_and_infinity_are_named_as_such(show_dir: Path, value: str) -> None:
    """.nan failed the bound it was compared with first: "pause: Input should be less than
    or equal to 600", which does not say what is wrong with it."""
    body = EPISODE + f"  - pause: {value}\n"
    code, said = kit("segment", str(write_episode(show_dir, body)))
    error = only_error(said)
    shown = value.replace(".", "")
    assert (
        code == 2 and f"segments[1].pause: {shown} is not a number kit can use; write one" in error
    )

"""Hostile input: YAML alias bombs, deep nesting, oversized files, endless episodes, long runs
that made regexes quadratic. Each is refused (or read) in bounded time and memory with one
`error:` line naming the file and line, never an "unexpected" error."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import limits, loader, script
from broadcast_kit.cli import app
from broadcast_kit.errors import ConfigError, InputError
from broadcast_kit.render import sentences as segment  # the module that splits sentences
from broadcast_kit.testing import FakeEngine
from tests.conftest import write_episode

runner = CliRunner()
DEEP = 5000
HEAD = "title: x\ndate: 2024-01-02\n"


@pytest.fixture(autouse=True)
def _in_show(show_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the show folder, so errors name files as the README shows: ep1/episode.yaml.
    Synthesis fails at once: a file that is not refused must not render for hours."""
    monkeypatch.chdir(show_dir)
    FakeEngine.fail_with = "synthesis started: the hostile file was not refused first"


def kit(*args: str) -> tuple[int, str]:
    """Run `kit ARGS`; the exit code and the one `error:` line it printed. (Every test has a
    time limit, pyproject's pytest-timeout setting, so unbounded work fails, not hangs.)"""
    result = runner.invoke(app, list(args))
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    return result.exit_code, errors[0]


def alias_bomb() -> str:
    """The issue's bomb: nine anchors under unknown keys, each a list of nine aliases of the one
    before (9**9 strings, about 387 million, once expanded)."""
    lines = [
        HEAD + "segments:\n  - host: Good evening.",
        "a0: &a0 [" + ", ".join(["lol"] * 9) + "]",
    ]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


# --- YAML ---------------------------------------------------------------------------------


@pytest.mark.timeout(10)
def test_alias_bomb_is_refused_at_once_in_bounded_memory(show_dir: Path) -> None:
    episode = write_episode(show_dir, alias_bomb())
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ConfigError) as refused:
            loader.parse_yaml(episode)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5 * limits.MIB  # the file is 600 bytes; expanded it would be gigabytes
    # a0..a3 fit in the budget of repeated values; the first alias of a4's list does not
    assert "episode.yaml:9: alias *a3: aliases would repeat more than 10,000 values" in str(
        refused.value
    )


def test_alias_bomb_via_the_cli(show_dir: Path, tmp_path: Path) -> None:
    episode = write_episode(show_dir, alias_bomb())
    code, error = kit("render", str(episode), "--out", str(tmp_path / "dist"))
    assert code == 2
    assert error.endswith(
        "episode.yaml:9: alias *a3: aliases would repeat more than 10,000 values in this file"
        " (the limit); write the values out instead"
    )
    assert FakeEngine.spoken == [] and not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("nested", "line"),
    [
        ("  - host: " + "[" * DEEP + "]" * DEEP, 4),
        ("  - host: " + "{a: " * DEEP + "b" + "}" * DEEP, 4),
        # root, segments and the segment's mapping are 3 levels: the 30th list (line 34) is 33
        ("  - host:\n" + "".join(f"{'  ' * (n + 2)}- \n" for n in range(60)), 34),
    ],
    ids=["flow-lists", "flow-mappings", "block-lists"],
)
def test_deep_yaml_is_an_input_error_with_its_line(
    show_dir: Path, tmp_path: Path, nested: str, line: int
) -> None:
    episode = write_episode(show_dir, HEAD + "segments:\n" + nested + "\n")
    code, error = kit("render", str(episode), "--dry-run")
    assert code == 2
    assert error == (
        f"error: ep1/episode.yaml:{line}: nested more than 32 deep (lists and mappings inside"
        " each other); flatten the file"
    )


def test_an_alias_cannot_nest_past_the_depth_limit(show_dir: Path) -> None:
    body = HEAD + "deep: &d " + "[" * 30 + "]" * 30 + "\nsegments:\n  - host: [[[*d]]]\n"
    with pytest.raises(ConfigError, match=r"episode.yaml:5: alias \*d nests collections more"):
        loader.parse_yaml(write_episode(show_dir, body))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (HEAD + "segments: &s\n  - host: hi\n  - *s\n", "episode.yaml:5: alias *s is inside &s"),
        (HEAD + "segments:\n  - host: *nope\n", "episode.yaml:4: alias *nope has no anchor"),
        (
            "title: &t x\ndate: 2024-01-02\nsegments:\n  - host: &t hi\n",
            "episode.yaml:4: anchor &t is already defined on line 1",
        ),
        (HEAD + "? [a, b]\n: 1\nsegments:\n  - host: hi\n", "episode.yaml:3: a key must be a name"),
        ("title: !!bool maybe\ndate: 2024-01-02\n", "episode.yaml:1: title: cannot read 'maybe'"),
        ("title: x\x07\ndate: 2024-01-02\n", "episode.yaml:1: character #x0007 is not allowed"),
        (HEAD + "voices:\n  v:\n    <<: hello\n", "episode.yaml:5: voices.v.<<: merges a mapping"),
        (HEAD + "---\ntitle: y\n", "episode.yaml:3: malformed YAML: a second document"),
    ],
    ids=["recursive", "undefined", "duplicate", "list-key", "tag", "control", "merge", "docs"],
)
def test_odd_yaml_is_one_input_error(show_dir: Path, body: str, expected: str) -> None:
    episode = write_episode(show_dir, body)
    code, error = kit("render", str(episode), "--dry-run")
    assert code == 2
    assert expected in error


def test_anchors_and_merge_keys_share_voice_settings(show_dir: Path) -> None:
    episode = write_episode(
        show_dir,
        HEAD
        + "voices:\n"
        + "  ann: &ann {engine: fake, voice: low, name: Ann, speed: 1.1}\n"
        + "  gil:\n    <<: *ann\n    name: Gil\n"
        + "segments:\n  - host: &hi Good evening.\n  - interview: *hi\n    speaker: gil\n",
    )
    production = loader.load(episode)
    gil = production.voices["gil"]
    assert (gil.name, gil.voice, gil.speed) == ("Gil", "low", 1.1)  # merged, own name wins
    assert [p.interview for p in production.parts[1:]] == ["Good evening."]  # type: ignore


def test_an_error_in_merged_settings_names_the_line_it_is_written_on(show_dir: Path) -> None:
    body = (
        HEAD
        + "voices:\n  ann: &ann {engine: fake, pitch: high}\n  gil:\n    <<: *ann\n"
        + "    name: Gil\nsegments:\n  - host: hi\n"
    )
    with pytest.raises(ConfigError) as refused:
        loader.load(write_episode(show_dir, body))
    assert "ep1/episode.yaml:4: voices.gil.pitch: " in "\n".join(refused.value.problems)


# --- sizes --------------------------------------------------------------------------------


def test_an_episode_over_the_size_limit_is_refused_before_parsing(
    show_dir: Path, tmp_path: Path
) -> None:
    segment_line = "  - host: Good evening and welcome, this line is sixty bytes.\n"
    count = limits.MAX_FILE_BYTES // len(segment_line) + 10
    episode = write_episode(show_dir, HEAD + "segments:\n" + segment_line * count)
    size = episode.stat().st_size
    assert size > limits.MAX_FILE_BYTES
    started = time.monotonic()
    code, error = kit("render", str(episode), "--out", str(tmp_path / "dist"))
    assert time.monotonic() - started < 5  # refused without parsing 10 MB of YAML
    assert code == 2
    line = (limits.MAX_FILE_BYTES - len(HEAD) - 10) // len(segment_line) + 4
    assert error == (
        f"error: ep1/episode.yaml:{line}: file is {size:,} bytes, over the 10 MiB (10,485,760"
        " bytes) limit for episode and show files (passed on this line); split the episode"
        " into several, or check that this is the right file"
    )


def test_a_script_file_over_the_size_limit_is_refused(show_dir: Path) -> None:
    episode = write_episode(show_dir, HEAD + "script_file: script.txt\n")
    (episode.parent / "script.txt").write_text("HOST: Hello there.\n" * 600_000)
    code, error = kit("render", str(episode), "--dry-run")
    assert code == 2
    assert error.startswith("error: ep1/script.txt:551883: file is 11,400,000 bytes, over the")
    assert "limit for script files" in error


def test_a_transcript_over_the_size_limit_is_refused(show_dir: Path) -> None:
    paragraph = "The host says something long enough to be a sentence.\n\n"
    (show_dir / "huge.txt").write_text(paragraph * 100_000)
    code, error = kit("import", "huge.txt")
    assert code == 2
    line = limits.MAX_TRANSCRIPT_BYTES // len(paragraph) * 2 + 1  # two lines a paragraph
    assert error == (
        f"error: huge.txt:{line}: file is 5,500,000 bytes, over the 5 MiB (5,242,880 bytes) limit"
        " for transcripts (passed on this line); import one programme at a time, or copy the"
        " transcript out of the page into a .txt"
    )


def test_size_limit_reads_no_more_than_the_limit(tmp_path: Path) -> None:
    """A device or pipe that never ends (script_file: /dev/zero) is refused too."""
    endless = Path("/dev/zero")
    if not endless.exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(InputError, match=r"zero:1: file is over the 1 KiB \(1,024 bytes\) limit"):
        limits.read_bounded(endless, 1024, "zero", "tests", "stop")


# --- script text --------------------------------------------------------------------------


def test_deep_brackets_in_a_script_file(show_dir: Path) -> None:
    episode = write_episode(show_dir, HEAD + "script_file: script.txt\n")
    (episode.parent / "script.txt").write_text(
        "HOST: Good evening.\n\n" + "[" * DEEP + "PAUSE 1s" + "]" * DEEP + "\n"
    )
    code, error = kit("segment", str(episode))
    assert code == 2
    assert error == (
        "error: ep1/script.txt:3: a cue inside a cue ('[['); cues do not nest: write one per"
        " line, e.g. [PAUSE 2s]"
    )


def test_deep_brackets_in_inline_script_over_many_lines(show_dir: Path) -> None:
    opened = "".join("  [\n" for _ in range(DEEP))
    episode = write_episode(show_dir, HEAD + "script: |\n  HOST: Hi there.\n" + opened + "  ]\n")
    code, error = kit("render", str(episode), "--dry-run")
    assert code == 2
    assert error.startswith("error: ep1/episode.yaml:5: a cue inside a cue")


@pytest.mark.timeout(20)
def test_long_runs_do_not_make_the_script_reader_quadratic() -> None:
    started = time.monotonic()
    listed = script.parse("HOST: Hi.\nA" + " " * 100_000 + "x\n", "s.txt")  # no label
    sentences = segment.sentences("Well" + "." * 100_000 + " Next one. Dr. No")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0  # was minutes: both regexes backtracked over the whole run
    assert len(listed) == 1 and listed[0][1] == 1
    assert sentences[1:] == ["Next one.", "Dr. No"]


# --- HTML given to kit import -------------------------------------------------------------


def test_deep_html_is_an_input_error_with_its_line(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><body>\n" + "<div>\n" * DEEP + "<p>Too deep to read.</p>" + "</div>" * DEEP
    )
    code, error = kit("import", str(page))
    assert code == 2
    assert error == (
        "error: deep.html:512: HTML elements nested more than 512 deep; is this a saved web"
        " page? Copy its transcript into a .txt file and import that"
    )


def test_paragraphs_and_list_items_left_open_are_not_nesting(tmp_path: Path) -> None:
    """Old pages write <p> and <li> without closing them: a thousand of each is no nesting."""
    # distinct paragraphs: the importer drops a paragraph repeated word for word (furniture)
    paragraphs = "".join(
        f"<p>The host said that paragraph {n} is long enough to be kept here.\n"
        for n in range(1000)
    )
    page = tmp_path / "old.html"
    page.write_text(
        "<html><body><h1>An Old Page</h1><p>Date: 2012-09-06\n<ul>"
        + "<li><a href='#'>Menu</a>\n" * 1000
        + "</ul>\n"
        + paragraphs
    )
    result = runner.invoke(app, ["import", str(page)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n      The host said that paragraph ") == 1000


# --- --max-duration -----------------------------------------------------------------------


def test_an_episode_past_max_duration_is_refused_before_synthesis(
    show_dir: Path, tmp_path: Path
) -> None:
    words = " ".join(["word"] * 100)
    episode = write_episode(show_dir, HEAD + f"segments:\n  - host: {words}.\n")
    out = tmp_path / "dist"
    code, error = kit("render", str(episode), "--out", str(out), "--max-duration", "30s")
    assert code == 2
    assert FakeEngine.spoken == []
    assert not out.exists()
    assert error == (
        "error: ep1/episode.yaml: estimated length 0:00:39 is over the --max-duration of"
        " 0:00:30; raise it (--max-duration 1m) or split the episode"
    )
    result = runner.invoke(app, ["render", str(episode), "--dry-run", "--max-duration", "30s"])
    assert result.exit_code == 0
    assert "warning: ep1/episode.yaml: estimated length 0:00:39" in result.stderr
    assert "a render would refuse it" in result.stderr
    FakeEngine.fail_with = None
    result = runner.invoke(app, ["render", str(episode), "--out", str(out), "--max-duration", "1m"])
    assert result.exit_code == 0, result.stderr
    assert FakeEngine.spoken  # under the limit it renders


def test_the_default_limit_is_six_hours(show_dir: Path, tmp_path: Path) -> None:
    sentence = "This is one sentence of an endless episode. "
    # six hours of words; the pauses between sentences take the estimate past the limit
    count = round(6 * 3600 * segment.WORDS_PER_SECOND / 8)
    episode = write_episode(show_dir, HEAD + f"segments:\n  - host: {sentence * count}\n")
    code, error = kit("render", str(episode), "--out", str(tmp_path / "dist"))
    assert code == 2
    assert FakeEngine.spoken == []
    assert "is over the --max-duration of 6:00:00; raise it (--max-duration 7h)" in error


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6h", 21600), ("90m", 5400), ("1h30m", 5400), ("45s", 45), ("21600", 21600), ("90.5", 90.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert limits.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "6x", "-1", "0", "h", "1.5.2h", "inf"])
def test_bad_durations(text: str, tmp_path: Path) -> None:
    code, error = kit("render", str(tmp_path / "episode.yaml"), "--max-duration", text)
    assert code == 2
    assert error == (
        f"error: --max-duration '{text}': give seconds or a duration such as 6h, 90m or 1h30m"
    )
